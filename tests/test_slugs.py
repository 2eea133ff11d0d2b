"""Slugs: the ids and page names that become URLs printed on paper."""

from __future__ import annotations

import pytest

from toolkit.slugs import MAX_LENGTH, is_slug, slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("São Paulo Café", "sao-paulo-cafe"),
        ("Riverside Chamber of Commerce", "riverside-chamber-of-commerce"),
        ("Panadería La Esperanza", "panaderia-la-esperanza"),
        ("naïve résumé", "naive-resume"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("Ærø", "aero"),
        ("Þór", "thor"),
        ("Œuvre", "oeuvre"),
        ("İstanbul", "istanbul"),
        ("ﬁsh", "fish"),
        ("A&B", "a-and-b"),
        # An apostrophe belongs to its word: straight or curly, the slug is the same.
        ("Ben & Jerry's", "ben-and-jerrys"),
        ("Ben & Jerry’s", "ben-and-jerrys"),
        ("  --Hello,   World!--  ", "hello-world"),
        ("Main St. #2", "main-st-2"),
        ("UPPER lower", "upper-lower"),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


@pytest.mark.parametrize("text", ["", "   ", "!!!", "---", "東京", "Привет", "🛍️"])
def test_slugify_of_nothing_usable_is_empty(text):
    # The roster then asks for an explicit `id:`.
    assert slugify(text) == ""


def test_slugify_truncates_to_the_maximum_length():
    slug = slugify("word " * 40)

    assert len(slug) <= MAX_LENGTH
    assert is_slug(slug)


def test_truncation_never_leaves_a_trailing_hyphen():
    slug = slugify("x" * (MAX_LENGTH - 1) + " y")

    assert slug == "x" * (MAX_LENGTH - 1)


@pytest.mark.parametrize(
    "text",
    ["São Paulo Café", "Ben & Jerry's", "  --a--  ", "Main St. #2", "x" * 200, "a " * 60],
)
def test_every_non_empty_slug_is_valid(text):
    assert is_slug(slugify(text))


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("riverside-chamber", True),
        ("a", True),
        ("2026", True),
        ("x" * MAX_LENGTH, True),
        ("x" * (MAX_LENGTH + 1), False),
        ("", False),
        ("Riverside", False),
        ("a--b", False),
        ("-a", False),
        ("a-", False),
        ("a_b", False),
        ("a b", False),
        ("café", False),
        ("../etc", False),
        ("a/b", False),
        ("a\n", False),
    ],
)
def test_is_slug(text, valid):
    assert is_slug(text) is valid
