"""Safe YAML with a line and column for every key and item."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import PurePosixPath

import pytest

from toolkit import yamlfile
from toolkit.errors import Location, ToolkitError
from toolkit.yamlfile import parse

PATH = PurePosixPath("content/champions/ohio.yaml")

ROSTER = """\
- id: riverside
  name: Riverside Chamber
  aliases: [rcc, old]
  event:
    date: 2026-11-28
- name: Second
"""


def problems(text: str, line_offset: int = 0) -> list[str]:
    with pytest.raises(ToolkitError) as raised:
        parse(text, PATH, line_offset)
    return [str(p) for p in raised.value.problems]


def test_plain_data_comes_back():
    doc = parse(ROSTER, PATH)

    assert doc.data == [
        {
            "id": "riverside",
            "name": "Riverside Chamber",
            "aliases": ["rcc", "old"],
            "event": {"date": dt.date(2026, 11, 28)},
        },
        {"name": "Second"},
    ]


@pytest.mark.parametrize(
    ("keys", "line", "col"),
    [
        ((), 1, 1),
        ((0,), 1, 3),
        ((0, "id"), 1, 7),
        ((0, "name"), 2, 9),
        ((0, "aliases", 0), 3, 13),
        ((0, "aliases", 1), 3, 18),
        ((0, "event", "date"), 5, 11),
        ((1,), 6, 3),
        ((1, "name"), 6, 9),
    ],
)
def test_every_value_has_its_line_and_column(keys, line, col):
    assert parse(ROSTER, PATH).loc(*keys) == Location(PATH, line, col)


@pytest.mark.parametrize(
    ("keys", "line", "col"),
    [((0, "name"), 2, 3), ((0, "event"), 4, 3), ((0, "event", "date"), 5, 5)],
)
def test_key_location_points_at_the_key(keys, line, col):
    assert parse(ROSTER, PATH).key_loc(*keys) == Location(PATH, line, col)


def test_missing_key_falls_back_to_its_nearest_parent():
    doc = parse(ROSTER, PATH)

    assert doc.loc(0, "event", "time") == doc.loc(0, "event")
    assert doc.loc(1, "email") == Location(PATH, 6, 3)


def test_line_offset_is_added_to_every_line():
    doc = parse("title: Hi\nnote: x\n", PATH, line_offset=1)

    assert doc.loc("title") == Location(PATH, 2, 8)
    assert doc.key_loc("note") == Location(PATH, 3, 1)


def test_empty_document_is_none():
    assert parse("", PATH).data is None
    assert parse("# only a comment\n", PATH).data is None


def test_duplicate_key_is_an_error_at_the_second_one():
    assert problems("name: A\ncity: X\nname: B\n") == [
        "content/champions/ohio.yaml:3:1: error: `name` is given twice"
    ]


def test_duplicate_key_in_a_nested_mapping_is_an_error():
    assert problems("- name: A\n  event: {date: 2026-11-28, date: 2026-11-29}\n") == [
        "content/champions/ohio.yaml:2:29: error: `date` is given twice"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: !!python/object/apply:os.system ['echo pwned']\n",
            "content/champions/ohio.yaml:1:7: error: unsupported YAML tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
        (
            "- !!python/object/apply:os.system ['echo pwned']\n",
            "content/champions/ohio.yaml:1:3: error: unsupported YAML tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
        (
            "name: !!python/name:os.system\n",
            "content/champions/ohio.yaml:1:7: error: unsupported YAML tag "
            "'tag:yaml.org,2002:python/name:os.system'",
        ),
        (
            "logo: !!binary aGVsbG8=\n",
            "content/champions/ohio.yaml:1:7: error: unsupported YAML tag "
            "'tag:yaml.org,2002:binary'",
        ),
        (
            "name: !custom x\n",
            "content/champions/ohio.yaml:1:7: error: unsupported YAML tag '!custom'",
        ),
        (
            "kinds: !!set {a, b}\n",
            "content/champions/ohio.yaml:1:8: error: unsupported YAML tag 'tag:yaml.org,2002:set'",
        ),
    ],
)
def test_unsafe_and_unknown_tags_are_refused(text, expected):
    assert problems(text) == [expected]


def test_python_tag_is_never_run(tmp_path):
    made = tmp_path / "made-by-yaml"

    with pytest.raises(ToolkitError):
        parse(f"x: !!python/object/apply:os.mkdir ['{made}']\n", PATH)

    assert not made.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: [a, b\ncity: x\n",
            "content/champions/ohio.yaml:2:5: error: invalid YAML: did not find expected "
            "',' or ']', while parsing a flow sequence that starts at line 1, column 7",
        ),
        (
            "a: 1\nname: 'unclosed\n",
            "content/champions/ohio.yaml:3:1: error: invalid YAML: found unexpected end of "
            "stream, while scanning a quoted scalar that starts at line 2, column 7",
        ),
    ],
)
def test_broken_yaml_is_located(text, expected):
    assert problems(text) == [expected]


def test_broken_yaml_location_includes_the_line_offset():
    assert problems("title: [x\n", line_offset=1) == [
        "content/champions/ohio.yaml:3:1: error: invalid YAML: did not find expected ',' or "
        "']', while parsing a flow sequence that starts at line 2, column 8"
    ]


def test_complex_keys_are_refused():
    assert problems("? [a, b]\n: 1\n") == [
        "content/champions/ohio.yaml:1:3: error: keys must be plain words"
    ]


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_is_refused_once_the_node_budget_is_spent(monkeypatch):
    # The real budget is 2,000,000 nodes; a small one proves the same bound, quickly.
    monkeypatch.setattr(yamlfile, "MAX_NODES", 10_000)

    with pytest.raises(ToolkitError) as raised:
        parse(BILLION_LAUGHS, PATH)

    [problem] = raised.value.problems
    assert problem.message == "YAML is too large once aliases are expanded (an alias bomb?)"
    assert problem.location.path == PATH


def test_aliases_below_the_budget_are_expanded():
    doc = parse("base: &b {kind: chamber}\ncopy: *b\n", PATH)

    assert doc.data == {"base": {"kind": "chamber"}, "copy": {"kind": "chamber"}}


def test_recursive_alias_is_a_located_error_not_a_crash():
    # An anchor that contains itself expands forever.
    with pytest.raises(ToolkitError) as raised:
        parse("a: &a [1, *a]\n", PATH)

    assert raised.value.problems[0].location.path == PATH


def test_merge_key_copies_the_anchored_mapping():
    doc = parse(
        "defaults: &d {kind: chamber, region: Iowa}\nchampion:\n  <<: *d\n  name: B\n", PATH
    )

    assert doc.data["champion"] == {"kind": "chamber", "region": "Iowa", "name": "B"}


def test_merge_key_values_are_overridden_by_explicit_keys():
    # YAML merge keys: "keys in the current mapping override the merged ones".
    doc = parse(
        "defaults: &d {kind: chamber, region: Iowa}\nchampion:\n  <<: *d\n  region: Ohio\n",
        PATH,
    )

    assert doc.data["champion"] == {"kind": "chamber", "region": "Ohio"}


def test_merge_key_with_a_list_of_anchors():
    doc = parse("a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n", PATH)

    assert doc.data["c"] == {"x": 1, "y": 2, "z": 3}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("v: 2026-11-28", dt.date(2026, 11, 28)),
        # Not a real date: kept as written so the field's reader can say what is wrong.
        ("v: 2026-13-45", "2026-13-45"),
        # YAML 1.1 would read 9:00 as 540 (base 60); a roster means a time, so it stays text.
        ("v: 9:00", "9:00"),
        ("v: 10:30", "10:30"),
        ("v: 09:00", "09:00"),
        ("v: '9:00'", "9:00"),
        ("v: yes", True),
        ("v: ~", None),
        ("v: 3.5", 3.5),
    ],
)
def test_scalars_follow_yaml_1_1(text, value):
    assert parse(text, PATH).data == {"v": value}


def test_numeric_keys_become_text():
    assert parse("1: a\n2: b\n", PATH).data == {"1": "a", "2": "b"}


def test_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(yamlfile, "MAX_BYTES", 10)

    assert problems("name: Riverside Chamber\n") == [
        "content/champions/ohio.yaml: error: file is too large (24 bytes)"
    ]


def test_a_parsed_file_leaves_nothing_for_the_cycle_collector():
    # Ten thousand roster entries are parsed in one build: each file's nodes must go as soon
    # as its data is built, not wait in memory for Python's cycle collector.
    entry = "- id: c{0}\n  name: Shop {0}\n  event: {{date: 2026-11-28}}\n"
    text = "".join(entry.format(i) for i in range(50))
    gc.collect()
    gc.disable()
    try:
        parse(text, PurePosixPath("content/champions/a.yaml"))
        assert gc.collect() == 0
    finally:
        gc.enable()
