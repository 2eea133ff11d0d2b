"""QR codes: segno encodes the address; the mask is chosen here, by segno's own rule, faster.

ISO/IEC 18004 §7.8.3 has an encoder try all eight data masks and keep the one with the lowest
penalty (long runs, 2×2 blocks, finder-like patterns, too much ink). segno scores each module in
Python, which is four fifths of the time one code takes, and a campaign draws one code for every
champion. Here a row of modules is one bytes object (0 light, 1 dark) or one integer with a byte
per module, so masking a row is one XOR and the runs and patterns are found by `re` and
`bytes.find`. The score is segno's to the point, and the symbol is segno's module for module
(tests compare them across thousands of addresses).
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
    # Imported here: a build that makes no QR code starts faster without it.
    from segno import encoder

    code = encoder.encode(url, error=_ERROR, micro=False, mask=0)
    width = len(code.matrix)
    layout = _layout(width)
    final = [int.from_bytes(row, "big") for row in code.matrix]
    # The rows as segno scores them: no mask, format and version areas light.
    plain = [
        (row ^ first) & ~reserved
        for row, first, reserved in zip(final, layout.masks[0], layout.reserved, strict=True)
    ]
    scores = [
        score([_bytes(r ^ m, width) for r, m in zip(plain, masks, strict=True)])
        for masks in layout.masks
    ]
    best = scores.index(min(scores))
    if best == 0:
        return tuple(bytes(row) for row in code.matrix)
    matrix = tuple(
        bytearray(_bytes(row ^ first ^ other, width))
        for row, first, other in zip(final, layout.masks[0], layout.masks[best], strict=True)
    )
    encoder.add_format_info(matrix, code.version, code.error, best)
    return tuple(bytes(row) for row in matrix)


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
    """Where data may be masked in a symbol of one width, and the eight masks there."""

    def __init__(self, width: int) -> None:
        from segno import encoder

        functions = encoder.make_matrix(width, width)
        encoder.add_finder_patterns(functions, width, width)
        encoder.add_alignment_patterns(functions, width, width)
        functions[-8][8] = 0x1  # the dark module
        bare = encoder.make_matrix(width, width, reserve_regions=False)
        reserved_cells = encoder.make_matrix(width, width)
        patterns = encoder.get_data_mask_functions(is_micro=False)
        self.reserved = [
            int.from_bytes(bytes(int(a != b) for a, b in zip(row, other, strict=True)), "big")
            for row, other in zip(reserved_cells, bare, strict=True)
        ]
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


@functools.lru_cache(maxsize=8)
def _layout(width: int) -> _Layout:
    return _Layout(width)
