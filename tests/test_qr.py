"""QR codes: the same symbol segno makes, module for module, with the mask chosen faster."""

from __future__ import annotations

import random

import pytest
from segno import encoder

from toolkit import qr

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-/._~%"


def addresses(count: int, seed: int) -> list[str]:
    """Addresses of every length a champion's microsite may have, short to very long."""
    rng = random.Random(seed)
    return [
        "https://" + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(4, 300)))
        for _ in range(count)
    ]


def segno_symbol(url: str) -> tuple[bytes, ...]:
    code = encoder.encode(url, error="m", micro=False)
    return tuple(bytes(row) for row in code.matrix)


def test_every_symbol_is_the_one_segno_makes():
    chosen = set()
    for url in addresses(600, seed=7):
        assert qr.symbol(url) == segno_symbol(url), url
        chosen.add(encoder.encode(url, error="m", micro=False).mask)
    # Every one of the eight masks was the best for some address, so each path was taken.
    assert chosen == set(range(8))


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/champions/riverside-chamber/",
        "https://example.org/",
        "https://shop-local.example/champions/" + "long-name-" * 20,
        "HTTPS://EXAMPLE.ORG/CHAMPIONS/ABC/",
        "https://exämple.org/champions/café-münchen/",
        "https://例子.测试/champions/北京商会/",
        "12345678901234567890",
    ],
)
def test_a_campaign_address_gives_segnos_symbol(url):
    assert qr.symbol(url) == segno_symbol(url)


@pytest.mark.parametrize("width", [21, 25, 33, 57, 101])
def test_the_penalty_is_segnos(width):
    rng = random.Random(width)
    for darkness in (0.2, 0.5, 0.8):
        for _ in range(40):
            rows = [bytes(int(rng.random() < darkness) for _ in range(width)) for _ in range(width)]
            expected = sum(encoder.mask_scores(tuple(map(bytearray, rows)), width, width))
            assert qr.score(rows) == expected


def test_runs_blocks_and_finder_like_patterns_are_each_counted():
    light = [bytes(21)] * 21
    # All light: runs of 21 in 42 lines, 400 blocks, half the modules too light by 50%.
    assert qr.score(light) == 42 * (21 - 2) + 3 * 400 + 10 * 10
    finder_like = bytes([1, 0, 1, 1, 1, 0, 1]) + bytes(14)
    rows = [finder_like, *light[1:]]
    assert qr.score(rows) == sum(encoder.mask_scores(tuple(map(bytearray, rows)), 21, 21))
