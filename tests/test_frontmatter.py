"""Front matter: split from the body, with the body's first line known for error messages."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from toolkit.errors import Location, ToolkitError
from toolkit.frontmatter import split

PATH = PurePosixPath("content/about.md")


@pytest.mark.parametrize(
    ("text", "meta", "body", "body_line"),
    [
        ("---\ntitle: Hi\n---\n# Body\n", {"title": "Hi"}, "# Body\n", 4),
        ("---\r\ntitle: Hi\r\n---\r\n# Body\r\nMore\r\n", {"title": "Hi"}, "# Body\nMore\n", 4),
        ("\ufeff---\ntitle: Hi\n---\nBody\n", {"title": "Hi"}, "Body\n", 4),
        ("---\ntitle: Hi\norder: 2\n---\n\n\nBody", {"title": "Hi", "order": 2}, "\n\nBody", 5),
        ("--- \ntitle: Hi\n---\t\nBody", {"title": "Hi"}, "Body", 4),
        ("---\n---\nBody", {}, "Body", 3),
        ("---\n# only a comment\n---\nBody", {}, "Body", 4),
        ("---\ntitle: Hi\n---\n", {"title": "Hi"}, "", 4),
    ],
)
def test_front_matter_and_body_are_split(text, meta, body, body_line):
    parts = split(text, PATH)

    assert (parts.meta.data, parts.body, parts.body_line) == (meta, body, body_line)


@pytest.mark.parametrize(
    "text",
    [
        "# Just a body\n\nWith text.\n",
        "",
        "\ufeff# A body after a byte-order mark\n",
        "----\ntitle: not front matter\n----\n",
        "---title: not a fence\n---\n",
    ],
)
def test_file_without_front_matter_is_all_body(text):
    parts = split(text, PATH)

    assert parts.meta.data == {}
    assert parts.body == text.removeprefix("\ufeff")
    assert parts.body_line == 1


def test_front_matter_locations_are_lines_of_the_file():
    parts = split("---\ntitle: Hi\ndraft: true\n---\nBody\n", PATH)

    assert parts.meta.loc("title") == Location(PATH, 2, 8)
    assert parts.meta.key_loc("draft") == Location(PATH, 3, 1)


def test_crlf_front_matter_keeps_the_same_lines():
    parts = split("---\r\ntitle: Hi\r\ndraft: true\r\n---\r\nBody\r\n", PATH)

    assert parts.meta.loc("draft") == Location(PATH, 3, 8)
    assert parts.body_line == 5


def test_indented_dashes_inside_a_value_do_not_close_the_front_matter():
    parts = split("---\ntitle: Hi\nnote: |\n  ---\n  still the note\n---\nBody\n", PATH)

    assert parts.meta.data == {"title": "Hi", "note": "---\nstill the note\n"}
    assert (parts.body, parts.body_line) == ("Body\n", 7)


def errors(text: str) -> list[str]:
    with pytest.raises(ToolkitError) as raised:
        split(text, PATH)
    return [str(p) for p in raised.value.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ntitle: Hi\n\nBody without a closing fence\n",
            "content/about.md:1:1: error: front matter starts with `---` but has no closing "
            "`---` line",
        ),
        (
            "---\n- a\n- b\n---\nBody\n",
            "content/about.md:2:1: error: front matter must be `key: value` lines",
        ),
        (
            "---\ntitle: Hi\ntitle: Again\n---\nBody\n",
            "content/about.md:3:1: error: `title` is given twice",
        ),
        (
            "---\ntitle: Hi\nkinds: [chamber\n---\nBody\n",
            "content/about.md:4:1: error: invalid YAML: did not find expected ',' or ']', "
            "while parsing a flow sequence that starts at line 3, column 8",
        ),
        (
            "\ufeff---\r\ntitle: Hi\r\ntitle: Again\r\n---\r\nBody\r\n",
            "content/about.md:3:1: error: `title` is given twice",
        ),
    ],
)
def test_bad_front_matter_is_located_in_the_file(text, expected):
    assert errors(text) == [expected]
