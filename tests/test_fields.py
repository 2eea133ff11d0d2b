"""Typed field readers: each bad value is a located problem, and reading goes on."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

import pytest

from toolkit.errors import Problems
from toolkit.fields import Fields, is_url
from toolkit.yamlfile import parse

PATH = PurePosixPath("content/champions/a.yaml")


def fields(text: str, what: str = "a champion") -> tuple[Fields, Problems]:
    problems = Problems()
    return Fields(parse(text, PATH), (), problems, what), problems


def read(line: str, method: str, key: str = "v") -> tuple[object, list[str]]:
    """Read the one field on `line` (`v: …`) with `Fields.<method>`."""
    f, problems = fields(line + "\n")
    return getattr(f, method)(key), [str(p) for p in problems.items]


def bad(message: str) -> list[str]:
    return [f"content/champions/a.yaml:1:4: error: {message}"]


@pytest.mark.parametrize(
    "value",
    ["bob@example.org", "a.b+c@sub.example.co.uk", "info@riverside-chamber.example.org"],
)
def test_email_accepts_addresses(value):
    assert read(f"v: {value}", "email") == (value, [])


@pytest.mark.parametrize(
    "value",
    [
        "bob@",
        "bob",
        "@example.org",
        "bob@localhost",
        "bob@@example.org",
        "bob@example..org",
        "bob@-example.org",
        "bob@example.org.",
        "bob smith@example.org",
        "<bob@example.org>",
    ],
)
def test_email_refuses_what_is_not_an_address(value):
    assert read(f"v: '{value}'", "email") == (None, bad(f"`v` is not an e-mail address: {value!r}"))


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org",
        "https://example.org/shop-local/",
        "http://example.org/x?y=1#z",
        "HTTPS://EXAMPLE.ORG/",
        "https://localhost:8000/",
    ],
)
def test_url_accepts_http_and_https(value):
    assert read(f"v: '{value}'", "url") == (value, [])


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/",
        "mailto:bob@example.org",
        "file:///etc/passwd",
        "example.org",
        "//example.org/",
        "/relative/path",
        "https://",
        "https:///no-host",
        "https://exa mple.org/",
        "https://[::1",
    ],
)
def test_url_refuses_everything_but_web_addresses(value):
    assert read(f"v: '{value}'", "url") == (
        None,
        bad(f"`v` must be a full http or https address, not {value!r}"),
    )


@pytest.mark.parametrize(
    ("value", "schemes", "expected"),
    [
        ("mailto:bob@example.org", ("mailto",), True),
        ("mailto:", ("mailto",), False),
        ("https://example.org", ("mailto",), False),
        ("https://example.org", ("http", "https"), True),
        ("https://example.org/a b", ("http", "https"), False),
    ],
)
def test_is_url(value, schemes, expected):
    assert is_url(value, schemes) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("v: '09:00'", dt.time(9, 0)),
        ('v: "9:05"', dt.time(9, 5)),
        ("v: '23:59'", dt.time(23, 59)),
        ("v: '0:00'", dt.time(0, 0)),
        ("v: ' 21:30 '", dt.time(21, 30)),
        # Unquoted, 09:00 is text but 9:00 and 10:30 are YAML 1.1 numbers of minutes.
        ("v: 09:00", dt.time(9, 0)),
        ("v: 9:00", dt.time(9, 0)),
        ("v: 10:30", dt.time(10, 30)),
        ("v: 23:59", dt.time(23, 59)),
    ],
)
def test_time_reads_hh_mm(line, expected):
    assert read(line, "time") == (expected, [])


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("v: '24:00'", "'24:00'"),
        ("v: '09:60'", "'09:60'"),
        ("v: '9:5'", "'9:5'"),
        ("v: 9am", "'9am'"),
        ("v: 9.5", "9.5"),
        ("v: true", "True"),
        ("v: [9]", "[9]"),
        ("v: -1", "-1"),
        # Unquoted, it is still what the user wrote that the message quotes.
        ("v: 24:00", "'24:00'"),
    ],
)
def test_time_refuses_what_is_not_a_time_of_day(line, shown):
    assert read(line, "time") == (
        None,
        bad(f"`v` must be a time written HH:MM (24-hour), not {shown}"),
    )


@pytest.mark.parametrize("number", [900, 1400, 5])
def test_time_refuses_a_bare_number(number):
    # Only an unquoted H:MM may arrive as minutes; `900` (meant as 9:00) must not become 3 PM.
    assert read(f"v: {number}", "time") == (
        None,
        bad(f"`v` must be a time written HH:MM (24-hour), not {number}"),
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("v: 2026-11-28", dt.date(2026, 11, 28)),
        ("v: '2026-11-28'", dt.date(2026, 11, 28)),
        ("v: 2026-11-28 10:00:00", dt.date(2026, 11, 28)),
    ],
)
def test_date_reads_iso_dates(line, expected):
    assert read(line, "date") == (expected, [])


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("v: 2026-13-45", "'2026-13-45'"),
        ("v: 28/11/2026", "'28/11/2026'"),
        ("v: next saturday", "'next saturday'"),
        ("v: 2026-2-3", "'2026-2-3'"),
        ("v: 20261128", "20261128"),
        ("v: true", "True"),
    ],
)
def test_date_refuses_what_is_not_a_date(line, shown):
    assert read(line, "date") == (None, bad(f"`v` must be a date written YYYY-MM-DD, not {shown}"))


@pytest.mark.parametrize(
    ("line", "expected"),
    [("v: '#1F4E79'", "#1f4e79"), ("v: '#abc'", "#abc"), ('v: "#f2a900"', "#f2a900")],
)
def test_color_reads_hex_and_lowercases(line, expected):
    assert read(line, "color") == (expected, [])


@pytest.mark.parametrize("value", ["red", "1f4e79", "#12345", "#1234567", "#ggg", "rgb(0,0,0)"])
def test_color_refuses_what_is_not_hex(value):
    assert read(f"v: '{value}'", "color") == (
        None,
        bad(f"`v` must be a colour written #rgb or #rrggbb, not {value!r}"),
    )


def test_unquoted_hash_colour_is_a_comment_and_so_absent():
    assert read("v: #1f4e79", "color") == (None, [])


@pytest.mark.parametrize("value", ["en", "es", "pt-BR"])
def test_language_accepts_codes(value):
    assert read(f"v: {value}", "language") == (value, [])


@pytest.mark.parametrize("value", ["EN", "english", "e", "en_US"])
def test_language_refuses_what_is_not_a_code(value):
    assert read(f"v: {value}", "language") == (
        None,
        bad(f"`v` must be a language code such as `en` or `es`, not {value!r}"),
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("v: Riverside", "Riverside"),
        ("v: '  padded  '", "padded"),
        ("v: 42", "42"),
        ("v: 3.5", "3.5"),
    ],
)
def test_text_accepts_words_and_numbers(line, expected):
    assert read(line, "text") == (expected, [])


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("v: [a, b]", "a list"),
        ("v: {a: 1}", "a mapping"),
        ("v: true", "`true`"),
        ("v: 2026-11-28", "a date"),
    ],
)
def test_text_refuses_other_types(line, kind):
    assert read(line, "text") == (None, bad(f"`v` must be text, not {kind}"))


def test_required_text_that_is_missing_is_reported_at_the_mapping():
    f, problems = fields("city: X\n")

    assert f.text("name", required=True) is None
    assert [str(p) for p in problems.items] == [
        "content/champions/a.yaml:1:1: error: a champion has no `name` (it is required)"
    ]


def test_required_text_that_is_empty_is_reported_at_the_value():
    f, problems = fields("name: '  '\n")

    assert f.text("name", required=True) is None
    assert [str(p) for p in problems.items] == [
        "content/champions/a.yaml:1:7: error: `name` must not be empty"
    ]


@pytest.mark.parametrize(
    ("method", "line", "message"),
    [
        ("boolean", "v: maybe", "`v` must be true or false, not 'maybe'"),
        ("boolean", "v: 1", "`v` must be true or false, not 1"),
        ("integer", "v: first", "`v` must be a whole number, not 'first'"),
        ("integer", "v: true", "`v` must be a whole number, not `true`"),
        ("integer", "v: 2.5", "`v` must be a whole number, not 2.5"),
    ],
)
def test_boolean_and_integer_refuse_other_types(method, line, message):
    f, problems = fields(line + "\n")

    getattr(f, method)("v", 7 if method == "integer" else False)

    assert [str(p) for p in problems.items] == bad(message)


def test_boolean_and_integer_defaults_when_absent():
    f, problems = fields("other: 1\n")

    assert (f.boolean("v", True), f.integer("v", 7)) == (True, 7)
    assert problems.items == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [("v: [en, es]", ("en", "es")), ("v: en", ("en",)), ("v: [1, 2]", ("1", "2")), ("v: []", ())],
)
def test_text_list(line, expected):
    assert read(line, "text_list") == (expected, [])


def test_text_list_refuses_nested_values():
    assert read("v: [a, [b]]", "text_list") == (
        (),
        bad("`v` must be a list of words, such as [a, b]"),
    )


def test_unknown_keys_are_each_reported_with_a_suggestion():
    f, problems = fields("name: A\nemial: a@b.org\nzzz: 1\n")

    f.check_keys(["name", "email", "city"])

    assert [str(p) for p in problems.items] == [
        "content/champions/a.yaml:2:1: error: unknown key `emial` in a champion "
        "(did you mean `email`?)",
        "content/champions/a.yaml:3:1: error: unknown key `zzz` in a champion",
    ]


def test_mapping_gives_a_view_with_its_own_locations():
    f, problems = fields("event:\n  date: 2026-11-28\n  time: '25:00'\n")

    event = f.mapping("event")

    assert event is not None
    assert event.date("date") == dt.date(2026, 11, 28)
    assert event.time("time") is None
    assert [str(p) for p in problems.items] == [
        "content/champions/a.yaml:3:9: error: `time` must be a time written HH:MM (24-hour), "
        "not '25:00'"
    ]


def test_mapping_refuses_a_scalar():
    assert read("v: letter", "mapping") == (
        None,
        bad("`v` must be a mapping of `key: value`, not 'letter'"),
    )


def test_items_reads_each_mapping_and_reports_the_others():
    f, problems = fields("list:\n  - {name: A}\n  - just text\n  - {name: C}\n")

    views = f.items("list", "a business")

    assert [v.text("name") for v in views] == ["A", "C"]
    assert [str(p) for p in problems.items] == [
        "content/champions/a.yaml:3:5: error: each of `list` must be a mapping"
    ]


def test_items_refuses_a_scalar():
    f, problems = fields("list: one\n")

    assert f.items("list", "a business") == []
    assert [str(p) for p in problems.items] == [
        "content/champions/a.yaml:1:7: error: `list` must be a list, not 'one'"
    ]
