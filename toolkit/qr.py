"""QR codes: segno encodes the address; its bits are placed and masked here, by segno's rules.

ISO/IEC 18004 §7.8.3 has an encoder try all eight data masks and keep the one with the lowest
penalty (long runs, 2×2 blocks, finder-like patterns, too much ink). segno scores each module in
Python, which is four fifths of the time one code takes, and a campaign draws one code for every
champion. Here a row of modules is one bytes object (0 light, 1 dark) or one integer with a byte
per module, so masking a row is one XOR and the runs and patterns are found by `re` and
`bytes.find`. segno also placed the data's bits one module at a time, and masked every
module with mask 0 before the choice: each version's places are worked out once here
(`_Layout`), from segno's own placement. The score is segno's to the point, and the symbol is
segno's module for module (tests compare them across thousands of addresses).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

_ERROR = "m"
"""Medium error correction survives a scuffed window sign (segno raises it when that fits)."""
_GAP = b"\x02" * 4
"""Between rows when they are scored together: neither light nor dark, so no run or pattern
spans two rows, and as good as light for the quiet area a finder-like pattern needs."""
_RUNS = (re.compile(rb"\x00\x00\x00\x00\x00+"), re.compile(rb"\x01\x01\x01\x01\x01+"))
"""Five or more light modules in a line, and dark: written out rather than as `{5,}`, and one
colour at a time, so that `re` looks for five in a row as plain bytes (four times faster)."""
_FINDER_LIKE = b"\x01\x00\x01\x01\x01\x00\x01"

Rows = tuple[bytes, ...]


def symbol(url: str) -> Rows:
    """Return the QR code for `url`: its rows of modules, 1 dark and 0 light, no quiet zone."""
    version, error, bits = _message(url)
    layout = _layout(version)
    width = layout.width
    # The data's bits put in their places through the version's map of them (`_Layout`),
    # rather than module by module: no mask, format and version areas light.
    ext = bits + b"\x00\x01"
    grid = bytes(map(ext.__getitem__, layout.source))
    plain = [int.from_bytes(grid[i : i + width], "big") for i in range(0, width * width, width)]
    scores = [
        score([_bytes(r ^ m, width) for r, m in zip(plain, masks, strict=True)])
        for masks in layout.masks
    ]
    best = scores.index(min(scores))
    matrix = tuple(
        bytearray(_bytes(row ^ mask, width))
        for row, mask in zip(plain, layout.masks[best], strict=True)
    )
    # Imported here: a build that makes no QR code starts faster without it.
    from segno import encoder

    encoder.add_format_info(matrix, version, error, best)
    encoder.add_version_info(matrix, version)
    return tuple(bytes(row) for row in matrix)


def _message(url: str) -> tuple[int, int, bytes]:
    """Return the version, error level and final message (data and error correction codewords,
    one byte a bit) of the QR code for `url`, as `segno.encoder.encode` makes them."""
    from segno import consts, encoder

    segments = encoder.prepare_data(url, None, None)
    error = encoder.normalize_errorlevel(_ERROR)
    version = encoder.find_version(segments, error, eci=False, micro=False)
    error = encoder.boost_error_level(version, error, segments, False)
    buffer = encoder.Buffer()
    for segment in segments:
        encoder.write_segment(buffer, segment, None, encoder.version_range(version), False)
    capacity = consts.SYMBOL_CAPACITY[version][error]
    encoder.write_terminator(buffer, capacity, None, len(buffer))
    encoder.write_padding_bits(buffer, version, len(buffer))
    encoder.write_pad_codewords(buffer, version, capacity, len(buffer))
    return version, error, bytes(encoder.make_final_message(version, error, buffer).getbits())


def score(rows: Sequence[bytes]) -> int:
    """Return the penalty of a masked symbol (ISO/IEC 18004 §7.8.3.1, as segno counts it)."""
    width = len(rows)
    whole = b"".join(rows)
    columns = [whole[j::width] for j in range(width)]
    lines = _GAP + _GAP.join([*rows, *columns]) + _GAP
    total = 0
    for pattern in _RUNS:
        runs = pattern.findall(lines)
        total += sum(map(len, runs)) - 2 * len(runs)
    total += 3 * _blocks(rows)
    total += 40 * _finder_like(lines)
    total += 10 * int(abs(whole.count(1) / width**2 * 100 - 50) / 5)
    return total


def _blocks(rows: Sequence[bytes]) -> int:
    """Count the 2×2 squares of one colour (they may overlap)."""
    width = len(rows)
    count = 0
    # Bytes 1 to width - 1: the squares whose right column is that byte.
    inner = int.from_bytes(b"\x00" + b"\x01" * (width - 1), "big")
    above = int.from_bytes(rows[0], "big")
    for row in rows[1:]:
        below = int.from_bytes(row, "big")
        across = above ^ below
        differ = across | across >> 8 | above ^ above >> 8
        count += width - 1 - (differ & inner).bit_count()
        above = below
    return count


def _finder_like(lines: bytes) -> int:
    """Count dark-light-dark-dark-dark-light-dark with four light modules on one side.

    Found as segno finds them: a counted one is skipped whole; one without its light
    neighbours only up to where another could start inside it.
    """
    count = 0
    at = lines.find(_FINDER_LIKE)
    while at != -1:
        end = at + 7
        if 1 not in lines[at - 4 : at] or 1 not in lines[end : end + 4]:
            count += 1
        else:
            end = at + 4
        at = lines.find(_FINDER_LIKE, end)
    return count


def _bytes(row: int, width: int) -> bytes:
    return row.to_bytes(width, "big")


class _Layout:
    """A version's symbol without its data: where each module's value comes from, and the
    eight masks of the data area."""

    def __init__(self, version: int) -> None:
        from segno import encoder

        width = self.width = encoder.calc_matrix_size(version)
        functions = encoder.make_matrix(width, width)
        encoder.add_finder_patterns(functions, width, width)
        encoder.add_alignment_patterns(functions, width, width)
        functions[-8][8] = 0x1  # the dark module
        # segno places the data's bits where the patterns leave room (0x2): given each bit's
        # number rather than its value, it says which bit goes where.
        placed = [list(row) for row in functions]
        count = sum(row.count(0x2) for row in placed)
        encoder.add_codewords(placed, list(range(_PLACE, _PLACE + count)), version)
        # The format and version areas: light while the masks are scored, as segno has them.
        reserved = encoder.make_matrix(width, width)
        bare = encoder.make_matrix(width, width, reserve_regions=False)
        # Each module's index into the bits followed by a light and a dark module: a data
        # module's bit, or a pattern's own value.
        self.source = [
            value - _PLACE if value >= _PLACE else count + int(value == 0x1 and a == b)
            for placed_row, reserved_row, bare_row in zip(placed, reserved, bare, strict=True)
            for value, a, b in zip(placed_row, reserved_row, bare_row, strict=True)
        ]
        patterns = encoder.get_data_mask_functions(is_micro=False)
        self.masks = [
            [
                int.from_bytes(
                    bytes(int(functions[i][j] > 0x1 and bool(pattern(i, j))) for j in range(width)),
                    "big",
                )
                for i in range(width)
            ]
            for pattern in patterns
        ]


_PLACE = 0x1000
"""Above any value a module holds: the numbers of the data's bits start here."""


@functools.lru_cache(maxsize=8)
def _layout(version: int) -> _Layout:
    return _Layout(version)
