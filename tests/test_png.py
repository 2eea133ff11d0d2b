"""PNG files written in bands: what any reader sees, and the same bytes whatever came before."""

from __future__ import annotations

import io
import random
import struct
import zlib

import pytest
from PIL import Image

from toolkit import png


def scanlines(pixels: bytes, width: int) -> bytes:
    """Rows with filter byte 0 (none) in front of each."""
    return b"".join(b"\x00" + pixels[i : i + width] for i in range(0, len(pixels), width))


def flat_picture(rng: random.Random, width: int, height: int) -> bytes:
    """Runs of a few colours, as a share image has, with some rows alike."""
    rows = []
    for _ in range(height):
        if rows and rng.random() < 0.4:
            rows.append(rows[rng.randrange(len(rows))])
            continue
        row = bytearray()
        while len(row) < width:
            row += bytes([rng.randrange(6)]) * rng.randint(1, 40)
        rows.append(bytes(row[:width]))
    return b"".join(rows)


def idat(data: bytes) -> bytes:
    """The compressed data of a PNG, checked by zlib: its Adler-32 checksum included."""
    at, found = 8, b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + body)
        if kind == b"IDAT":
            found += body
        at += 12 + length
    return zlib.decompress(found)


@pytest.mark.parametrize("size", [(1, 1), (37, 5), (200, 16), (123, 81), (1200, 630)])
def test_a_palette_png_reads_back_as_its_pixels(size):
    width, height = size
    rng = random.Random(width * height)
    pixels = flat_picture(rng, width, height)
    colours = bytes(rng.randrange(256) for _ in range(3 * 6))
    rows = scanlines(pixels, width)
    data = png.encode(rows, width, height, png.PALETTE, colours, png.Bands())
    assert idat(data) == rows
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "P" and image.size == size
        assert image.tobytes() == pixels
        assert bytes(image.getpalette()[: len(colours)]) == colours


def test_a_grey_png_reads_back_as_its_pixels():
    rng = random.Random(7)
    pixels = bytes(rng.choice((0, 255)) for _ in range(90 * 70))
    data = png.encode(scanlines(pixels, 90), 90, 70, png.GREY)
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "L"
        assert image.tobytes() == pixels


def test_the_bytes_depend_on_the_pixels_alone():
    """A rebuild that finds bands kept from other pictures writes what a clean build writes."""
    rng = random.Random(3)
    pictures = [flat_picture(rng, 300, 100) for _ in range(12)]
    alone = [png.encode(scanlines(p, 300), 300, 100, png.GREY, b"", png.Bands()) for p in pictures]
    bands = png.Bands(most=8)
    for _ in range(2):
        for picture, expected in zip(pictures, alone, strict=True):
            assert png.encode(scanlines(picture, 300), 300, 100, png.GREY, b"", bands) == expected


def test_bands_met_again_are_not_compressed_again(monkeypatch):
    rng = random.Random(5)
    first, second = flat_picture(rng, 400, 64), flat_picture(rng, 400, 64)
    # The second picture shares its first and last bands with the first.
    second = first[: 400 * 16] + second[400 * 16 : 400 * 48] + first[400 * 48 :]
    compressed = []
    real = png._compress
    monkeypatch.setattr(png, "_compress", lambda rows: compressed.append(rows) or real(rows))
    bands = png.Bands()
    png.encode(scanlines(first, 400), 400, 64, png.GREY, b"", bands)
    assert len(compressed) == 4
    png.encode(scanlines(second, 400), 400, 64, png.GREY, b"", bands)
    assert len(compressed) == 6


def test_bands_kept_are_bounded():
    bands = png.Bands(most=10)
    for i in range(100):
        bands.compressed(i.to_bytes(4, "big") * 100)
    assert len(bands._new) + len(bands._old) <= 20


def test_rows_that_do_not_match_the_size_are_refused():
    with pytest.raises(ValueError):
        png.encode(b"\x00" * 10, 5, 5, png.GREY)


def test_bands_that_differ_only_between_the_bytes_they_are_looked_up_by_are_each_right():
    rng = random.Random(9)
    picture = flat_picture(rng, 300, 32)
    rows = scanlines(picture, 300)
    # The same band but for one byte that is not among those sampled (every 61st).
    changed = bytearray(rows)
    changed[5] ^= 1
    changed = bytes(changed)
    assert changed[:: png._SAMPLE] == rows[:: png._SAMPLE] and changed != rows
    bands = png.Bands()
    for _ in range(2):
        for data in (rows, changed):
            expected = png.encode(data, 300, 32, png.GREY, b"", png.Bands())
            assert png.encode(data, 300, 32, png.GREY, b"", bands) == expected
            assert idat(expected) == data
