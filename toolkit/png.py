"""PNG files for pictures made by the thousand, whose rows repeat from one picture to the next.

A champion's share image differs from the last champion's only where its words differ: the
margins, the campaign's name and the artwork beside them are the same rows on every card.
Pillow compresses each picture whole, every row of it. Here the rows are compressed in bands,
each band on its own (it refers to nothing before it), and a band met before is taken as it was
compressed then: two thirds of a share image's bands, and half of the time of writing one.

The bytes depend on the pixels alone, never on what was written before: a band is compressed
the same way whether or not it was kept, so a rebuild writes the same file as a clean build.
"""

from __future__ import annotations

import struct
import zlib

BAND = 16
"""Rows compressed together. Fewer would find more bands again, but each band ends its block of
compressed data: with 16, a share image is no bigger than Pillow writes it."""
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_END = b"\x03\x00"
"""The last, empty block of the compressed data."""
_ADLER = 65521
GREY, PALETTE = 0, 3
"""PNG colour types, with eight bits a pixel."""


class Bands:
    """Compressed bands by their rows, kept from one picture to the next.

    Two generations: when the newer fills up, the older is forgotten, so what every picture
    has (its margins) stays and a picture's own rows go.
    """

    def __init__(self, most: int = 256) -> None:
        self.most = most
        self._new: dict[bytes, tuple[bytes, bytes, int]] = {}
        self._old: dict[bytes, tuple[bytes, bytes, int]] = {}

    def compressed(self, rows: bytes) -> tuple[bytes, int]:
        """Return `rows` compressed, and their Adler-32 checksum."""
        # Looked up by every 61st byte, then compared whole: hashing a band whole took a tenth
        # of the time of writing a share image. Two bands with the same sample are both right,
        # the one kept being the last compressed.
        key = rows[::_SAMPLE]
        found = self._new.get(key)
        if found is None or found[0] != rows:
            found = self._old.get(key)
            if found is None or found[0] != rows:
                found = (rows, *_compress(rows))
            if len(self._new) >= self.most:
                self._old, self._new = self._new, {}
            self._new[key] = found
        return found[1], found[2]


_SAMPLE = 61
"""The stride of the bytes a band is looked up by: prime, so it falls on every column in turn."""


def _compress(rows: bytes) -> tuple[bytes, int]:
    # Runs of one byte (zlib's Z_RLE), which is what rows of flat colour are: faster than a
    # search for repeats, and as small on such pictures. A full flush ends the band on a byte.
    packer = zlib.compressobj(1, zlib.DEFLATED, -15, 7, zlib.Z_RLE)
    return packer.compress(rows) + packer.flush(zlib.Z_FULL_FLUSH), zlib.adler32(rows)


def encode(
    scanlines: bytes,
    width: int,
    height: int,
    colour_type: int,
    palette: bytes = b"",
    bands: Bands | None = None,
) -> bytes:
    """Return a PNG of eight-bit pixels from its `scanlines`: each row its filter byte then its
    `width` pixels. `palette` is the colours of a PALETTE picture, three bytes each.

    With `bands`, the rows are compressed band by band, and bands met before are taken from it;
    without, in one piece. Either way, a picture's bytes depend on its pixels alone.
    """
    if len(scanlines) != (width + 1) * height:
        raise ValueError("scanlines do not match the picture's size")
    if bands is None:
        packer = zlib.compressobj(1, zlib.DEFLATED, 15, 7, zlib.Z_RLE)
        data = packer.compress(scanlines) + packer.flush()
    else:
        parts = [b"\x78\x01"]  # zlib's header: deflate, a 32 KiB window
        adler = 1
        stride = (width + 1) * BAND
        for start in range(0, len(scanlines), stride):
            rows = scanlines[start : start + stride]
            packed, checksum = bands.compressed(rows)
            parts.append(packed)
            adler = _adler_after(adler, checksum, len(rows))
        parts.append(_END + struct.pack(">I", adler))
        data = b"".join(parts)
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    chunks = [_chunk(b"IHDR", header)]
    if colour_type == PALETTE:
        chunks.append(_chunk(b"PLTE", palette))
    chunks += [_chunk(b"IDAT", data), _chunk(b"IEND", b"")]
    return _SIGNATURE + b"".join(chunks)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))
    )


def _adler_after(first: int, second: int, length: int) -> int:
    """Return the Adler-32 checksum of two pieces of data from each one's and the second's
    length (zlib's `adler32_combine`, which Python does not offer)."""
    remainder = length % _ADLER
    low = first & 0xFFFF
    high = remainder * low % _ADLER
    low = (low + (second & 0xFFFF) + _ADLER - 1) % _ADLER
    high = (high + (first >> 16) + (second >> 16) + _ADLER - remainder) % _ADLER
    return low | (high << 16)
