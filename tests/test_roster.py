"""Rosters of champions: ids, aliases, kinds, logos, languages, every problem at once."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.conftest import write_files
from toolkit.errors import Problems, ToolkitError
from toolkit.roster import Business, Colors, Event, entries_of, load_roster, load_roster_file

LANGUAGES = ("en", "es")


def roster(tmp_path: Path, files: dict[str, str], languages=LANGUAGES):
    write_files(tmp_path, {f"content/champions/{name}": text for name, text in files.items()})
    return load_roster(tmp_path, languages)


def errors(tmp_path: Path, files: dict[str, str], languages=LANGUAGES) -> list[str]:
    with pytest.raises(ToolkitError) as raised:
        roster(tmp_path, files, languages)
    return [str(p) for p in raised.value.problems]


def test_the_documented_example_loads(tmp_path):
    write_files(tmp_path, {"content/logos/riverside.svg": "<svg/>"})
    [riverside, panaderia] = roster(
        tmp_path,
        {
            "midwest.yaml": """\
- id: riverside-chamber
  name: Riverside Chamber of Commerce
  kind: chamber
  city: Riverside
  region: Iowa
  website: https://riversidechamber.example.org/
  email: info@riversidechamber.example.org
  logo: logos/riverside.svg
  colors: {primary: "#1F4E79", accent: "#f2a900"}
  aliases: [rcc]
  event: {date: 2026-11-28, time: "09:00", place: Courthouse Square}
  businesses:
    - {name: Hawkeye Hardware, address: 212 Main St, category: hardware}
  message: |
    This Saturday, **walk it with us**.
- name: Panadería La Esperanza      # no id: derived from the name
  city: Santa Fe
  language: es
"""
        },
    )

    assert riverside.id == "riverside-chamber"
    assert riverside.kind_label == "Chamber of commerce"
    assert riverside.logo.as_posix() == "logos/riverside.svg"
    assert riverside.colors == Colors(primary="#1f4e79", accent="#f2a900")
    assert riverside.aliases == ("rcc",)
    assert riverside.event == Event(
        date=dt.date(2026, 11, 28), time=dt.time(9, 0), place="Courthouse Square"
    )
    assert riverside.businesses == (
        Business(name="Hawkeye Hardware", address="212 Main St", category="hardware"),
    )
    assert riverside.message == "This Saturday, **walk it with us**."
    assert str(riverside.source) == "content/champions/midwest.yaml:1:3"
    assert (panaderia.id, panaderia.kind, panaderia.language) == (
        "panaderia-la-esperanza",
        "other",
        "es",
    )
    assert str(panaderia.source) == "content/champions/midwest.yaml:16:3"


@pytest.mark.parametrize(
    ("name", "champion_id"),
    [
        ("São Paulo Café", "sao-paulo-cafe"),
        ("Mayor of Northfield", "mayor-of-northfield"),
        ("Main Street BID #4", "main-street-bid-4"),
    ],
)
def test_id_is_derived_from_the_name(tmp_path, name, champion_id):
    [champion] = roster(tmp_path, {"a.yaml": f"- name: '{name}'\n"})

    assert champion.id == champion_id


def test_given_id_wins_over_the_name(tmp_path):
    [champion] = roster(tmp_path, {"a.yaml": "- name: Ben & Jerry's\n  id: bj\n"})

    assert champion.id == "bj"


def test_name_that_makes_no_id_asks_for_one(tmp_path):
    assert errors(tmp_path, {"a.yaml": "- name: 東京\n"}) == [
        "content/champions/a.yaml:1:9: error: cannot make an id from the name '東京': add an `id:`"
    ]


@pytest.mark.parametrize("bad_id", ["Riverside", "../../etc", "a_b", "a b", "-a"])
def test_bad_id_is_refused(tmp_path, bad_id):
    assert errors(tmp_path, {"a.yaml": f"- name: A\n  id: '{bad_id}'\n"}) == [
        "content/champions/a.yaml:2:7: error: `id` must be lowercase letters, digits and "
        f"hyphens, not {bad_id!r}"
    ]


def test_duplicate_id_across_two_files_names_both_places(tmp_path):
    assert errors(
        tmp_path,
        {
            "a.yaml": "- name: Riverside Chamber\n  id: riverside\n",
            "b.yaml": "- name: Other\n- name: Riverside Again\n  id: riverside\n",
        },
    ) == [
        "content/champions/b.yaml:2:3: error: id `riverside` is already used as the id of the "
        "champion at content/champions/a.yaml:1:3"
    ]


def test_derived_id_colliding_with_a_given_id_is_an_error(tmp_path):
    assert errors(
        tmp_path,
        {"a.yaml": "- name: Solo\n  id: riverside\n", "b.yaml": "- name: Riverside\n"},
    ) == [
        "content/champions/b.yaml:1:3: error: id `riverside` is already used as the id of the "
        "champion at content/champions/a.yaml:1:3"
    ]


def test_alias_colliding_with_an_id_is_an_error(tmp_path):
    assert errors(
        tmp_path,
        {"a.yaml": "- name: Riverside\n- name: Hill\n  aliases: [old-hill, riverside]\n"},
    ) == [
        "content/champions/a.yaml:2:3: error: alias `riverside` is already used as the id of the "
        "champion at content/champions/a.yaml:1:3"
    ]


def test_id_colliding_with_an_earlier_alias_is_an_error(tmp_path):
    assert errors(tmp_path, {"a.yaml": "- name: Riverside\n  aliases: [rcc]\n- name: RCC\n"}) == [
        "content/champions/a.yaml:3:3: error: id `rcc` is already used as the alias of the "
        "champion at content/champions/a.yaml:1:3"
    ]


def test_alias_used_by_two_champions_is_an_error(tmp_path):
    assert errors(
        tmp_path,
        {"a.yaml": "- name: A\n  aliases: [old]\n", "b.yaml": "- name: B\n  aliases: [old]\n"},
    ) == [
        "content/champions/b.yaml:1:3: error: alias `old` is already used as the alias of the "
        "champion at content/champions/a.yaml:1:3"
    ]


def test_bad_alias_is_refused(tmp_path):
    assert errors(tmp_path, {"a.yaml": "- name: A\n  aliases: [ok, ../up]\n"}) == [
        "content/champions/a.yaml:2:17: error: alias must be lowercase letters, digits and "
        "hyphens, not '../up'"
    ]


def test_bad_kind_is_an_error_with_a_suggestion(tmp_path):
    assert errors(tmp_path, {"a.yaml": "- name: A\n  kind: chamberr\n"}) == [
        "content/champions/a.yaml:2:9: error: unknown kind 'chamberr': use one of chamber, mayor, "
        "bid, nonprofit, business, other (did you mean `chamber`?)"
    ]


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("Chamber", "Chamber of commerce"),
        ("bid", "Business improvement district"),
        ("mayor", "Mayor's office"),
    ],
)
def test_kind_is_case_insensitive_and_labelled(tmp_path, kind, label):
    [champion] = roster(tmp_path, {"a.yaml": f"- name: A\n  kind: {kind}\n"})

    assert champion.kind == kind.lower()
    assert champion.kind_label == label


def test_unknown_champion_key_is_an_error_with_a_suggestion(tmp_path):
    assert errors(tmp_path, {"a.yaml": "- name: A\n  emial: a@example.org\n"}) == [
        "content/champions/a.yaml:2:3: error: unknown key `emial` in a champion "
        "(did you mean `email`?)"
    ]


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ("logos/missing.svg", "logo file not found: content/logos/missing.svg"),
        ("../toolkit.yaml", "`logo` must be a file under content/, not '../toolkit.yaml'"),
        ("../../../etc/passwd", "`logo` must be a file under content/, not '../../../etc/passwd'"),
        ("/etc/passwd", "`logo` must be a file under content/, not '/etc/passwd'"),
        ("..\\toolkit.yaml", "`logo` must be a file under content/, not '..\\\\toolkit.yaml'"),
        (
            "notes.txt",
            "`logo` must be an image (.svg, .png, .jpg, .jpeg, .webp, .gif), not 'notes.txt'",
        ),
    ],
)
def test_bad_logo_is_refused(tmp_path, logo, message):
    write_files(tmp_path, {"toolkit.yaml": "name: X\n", "content/notes.txt": "x"})

    assert errors(tmp_path, {"a.yaml": f"- name: A\n  logo: '{logo}'\n"}) == [
        f"content/champions/a.yaml:2:9: error: {message}"
    ]


def test_logo_symlink_leading_out_of_content_is_refused(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for publishing")
    (tmp_path / "content/logos").mkdir(parents=True)
    os.symlink(secret, tmp_path / "content/logos/a.png")

    assert errors(tmp_path, {"a.yaml": "- name: A\n  logo: logos/a.png\n"}) == [
        "content/champions/a.yaml:2:9: error: `logo` must be a file under content/, "
        "not 'logos/a.png'"
    ]


def test_logo_under_content_is_kept_relative_to_content(tmp_path):
    write_files(tmp_path, {"content/logos/a.PNG": "png"})

    [champion] = roster(tmp_path, {"a.yaml": "- name: A\n  logo: logos/a.PNG\n"})

    assert champion.logo.as_posix() == "logos/a.PNG"


def test_language_outside_the_campaign_languages_is_a_warning(tmp_path):
    write_files(tmp_path, {"content/champions/a.yaml": "- name: A\n  language: fr\n"})
    problems = Problems()

    [champion] = load_roster_file(
        tmp_path, tmp_path / "content/champions/a.yaml", LANGUAGES, problems
    )

    assert champion.language is None
    assert not problems.has_errors
    assert [str(p) for p in problems.warnings] == [
        "content/champions/a.yaml:2:13: warning: language 'fr' is not in the campaign's "
        "languages; 'en' is used instead"
    ]


def test_language_warning_reaches_the_user(project, run_toolkit, tmp_path):
    source = project("minimal")
    write_files(source, {"content/champions/all.yaml": "- name: Solo Chamber\n  language: fr\n"})

    result = run_toolkit("build", source, "-o", tmp_path / "site")

    assert result.exit_code == 0
    assert (
        "content/champions/all.yaml:2:13: warning: language 'fr' is not in the campaign's "
        "languages; 'en' is used instead"
    ) in result.stderr.splitlines()


def test_language_warning_is_listed_with_errors(tmp_path):
    assert errors(tmp_path, {"a.yaml": "- name: A\n  language: fr\n  email: nope\n"}) == [
        "content/champions/a.yaml:2:13: warning: language 'fr' is not in the campaign's "
        "languages; 'en' is used instead",
        "content/champions/a.yaml:3:10: error: `email` is not an e-mail address: 'nope'",
    ]


def test_every_problem_is_reported_at_once(tmp_path):
    assert errors(
        tmp_path,
        {
            "a.yaml": """\
- name: Bob's Shop
  email: bob@
  website: javascript:alert(1)
  kind: chamberr
  colors: {primary: red}
  event: {date: 2026-13-45, time: "25:00"}
- city: No Name Town
  email: nobody
- id: Bad_Id
  name: Bad
  phone: [1, 2]
""",
            "b.yaml": "- name: Fine\n  businesses:\n    - {address: 1 Main St}\n    - just text\n",
        },
    ) == [
        "content/champions/a.yaml:2:10: error: `email` is not an e-mail address: 'bob@'",
        "content/champions/a.yaml:3:12: error: `website` must be a full http or https address, "
        "not 'javascript:alert(1)'",
        "content/champions/a.yaml:4:9: error: unknown kind 'chamberr': use one of chamber, mayor, "
        "bid, nonprofit, business, other (did you mean `chamber`?)",
        "content/champions/a.yaml:5:21: error: `primary` must be a colour written #rgb or "
        "#rrggbb, not 'red'",
        "content/champions/a.yaml:6:17: error: `date` must be a date written YYYY-MM-DD, "
        "not '2026-13-45'",
        "content/champions/a.yaml:6:35: error: `time` must be a time written HH:MM (24-hour), "
        "not '25:00'",
        "content/champions/a.yaml:7:3: error: a champion has no `name` (it is required)",
        # An entry without a name still has its other fields checked.
        "content/champions/a.yaml:8:10: error: `email` is not an e-mail address: 'nobody'",
        "content/champions/a.yaml:9:7: error: `id` must be lowercase letters, digits and "
        "hyphens, not 'Bad_Id'",
        "content/champions/a.yaml:11:10: error: `phone` must be text, not a list",
        "content/champions/b.yaml:3:7: error: a business has no `name` (it is required)",
        "content/champions/b.yaml:4:7: error: each of `businesses` must be a mapping",
    ]


def test_broken_file_does_not_hide_problems_in_another(tmp_path):
    assert errors(
        tmp_path, {"a.yaml": "- name: [\n", "b.yaml": "- name: B\n  kind: chamberr\n"}
    ) == [
        "content/champions/a.yaml:2:1: error: invalid YAML: did not find expected node content, "
        "while parsing a flow node that starts at line 2, column 1",
        "content/champions/b.yaml:2:9: error: unknown kind 'chamberr': use one of chamber, "
        "mayor, bid, nonprofit, business, other (did you mean `chamber`?)",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: A\n",
            "content/champions/a.yaml:1:1: error: a roster must be a list of champions "
            "(`- name: …`)",
        ),
        (
            "- Riverside\n",
            "content/champions/a.yaml:1:3: error: each champion must be a mapping with at least "
            "`name:`",
        ),
        (
            "- name: A\n  python: !!python/object/apply:os.system ['echo pwned']\n",
            "content/champions/a.yaml:2:11: error: unsupported YAML tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
    ],
)
def test_roster_shape_errors(tmp_path, text, message):
    assert errors(tmp_path, {"a.yaml": text}) == [message]


def test_colors_need_a_primary(tmp_path):
    assert errors(tmp_path, {"a.yaml": "- name: A\n  colors: {accent: '#fff'}\n"}) == [
        "content/champions/a.yaml:2:11: error: `colors` has no `primary` (it is required)"
    ]


def test_event_refuses_unknown_keys(tmp_path):
    assert errors(
        tmp_path,
        {"a.yaml": "- name: A\n  event: {date: 2026-11-28, time: 9:00, end: 15:00, when: x}\n"},
    ) == ["content/champions/a.yaml:2:53: error: unknown key `when` in `event`"]


def test_unquoted_event_times_are_read_as_times(tmp_path):
    [champion] = roster(
        tmp_path, {"a.yaml": "- name: A\n  event: {date: 2026-11-28, time: 9:00, end: 15:00}\n"}
    )

    assert champion.event == Event(date=dt.date(2026, 11, 28), time=dt.time(9), end=dt.time(15))


def test_business_url_must_be_a_web_address(tmp_path):
    assert errors(
        tmp_path, {"a.yaml": "- name: A\n  businesses:\n    - {name: Shop, url: 'javascript:x'}\n"}
    ) == [
        "content/champions/a.yaml:3:25: error: `url` must be a full http or https address, "
        "not 'javascript:x'"
    ]


def test_files_are_read_in_name_order_and_other_files_ignored(tmp_path):
    champions = roster(
        tmp_path,
        {
            "b.yaml": "- name: Bee\n",
            "a.yml": "- name: Ay\n",
            "notes.txt": "- name: Not a roster\n",
            "empty.yaml": "",
        },
    )

    assert [c.id for c in champions] == ["ay", "bee"]


def test_no_roster_folder_means_no_champions(tmp_path):
    assert load_roster(tmp_path, LANGUAGES) == ()


def test_byte_order_mark_is_ignored(tmp_path):
    [champion] = roster(tmp_path, {"a.yaml": "\ufeff- name: Excel Export\n"})

    assert champion.id == "excel-export"


def test_unreadable_file_is_reported_by_path(tmp_path):
    (tmp_path / "content/champions").mkdir(parents=True)
    (tmp_path / "content/champions/a.yaml").write_bytes(b"- name: Caf\xe9\n")

    with pytest.raises(ToolkitError) as raised:
        load_roster(tmp_path, LANGUAGES)

    [problem] = raised.value.problems
    assert str(problem.location) == "content/champions/a.yaml"
    assert problem.message.startswith("cannot read: ")


def test_small_raster_logo_is_a_print_warning(tmp_path):
    import struct
    import zlib

    def png(width: int, height: int) -> bytes:
        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * 3 * width for _ in range(height)))
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b"")
        )

    (tmp_path / "content/logos").mkdir(parents=True)
    (tmp_path / "content/logos/small.png").write_bytes(png(120, 80))
    (tmp_path / "content/logos/big.png").write_bytes(png(800, 800))
    (tmp_path / "content/champions").mkdir()
    (tmp_path / "content/champions/a.yaml").write_text(
        "- name: Small\n  logo: logos/small.png\n- name: Big\n  logo: logos/big.png\n"
    )
    from toolkit.errors import Problems
    from toolkit.roster import load_roster

    problems = Problems()
    load_roster(tmp_path, ("en",), problems)
    assert [str(p) for p in problems.items] == [
        "content/champions/a.yaml:2:9: warning: logo is 120×80 pixels, too few to print "
        "sharply; use at least 600 pixels or an SVG"
    ]


def test_an_entrys_digest_follows_what_it_says_not_where_it_is(tmp_path):
    def digests(text: str) -> dict[str, str]:
        return {c.id: c.digest for c in roster(tmp_path, {"a.yaml": text})}

    first = digests("- name: A\n  city: Ames\n- name: B\n")
    moved = digests("- name: B\n\n# A moved down\n- name: A\n  city: Ames\n")
    edited = digests("- name: B\n- name: A\n  city: Boone\n")
    assert moved == first
    assert edited["b"] == first["b"] and edited["a"] != first["a"]


def test_a_message_or_description_too_long_to_clean_in_time_is_refused(tmp_path):
    nested = "<div>" * 5_000  # 25,000 characters of HTML nested 5,000 deep
    text = (
        f"- name: A\n  message: '{nested}'\n"
        f"- name: B\n  businesses:\n    - {{name: Shop, description: '{nested}'}}\n"
        f"- name: C\n  message: '{'<div>' * 4_000}'\n"
    )
    assert errors(tmp_path, {"a.yaml": text}) == [
        "content/champions/a.yaml:2:12: error: `message` is 25,000 characters long; "
        "at most 20,000 please",
        "content/champions/a.yaml:5:33: error: `description` is 25,000 characters long; "
        "at most 20,000 please",
    ]


def test_a_roster_splits_into_its_entries():
    text = "# Our roster\n\n- name: A\n  city: X\n# between\n-\n  name: B\n- {name: C}\n"

    entries = entries_of(text)

    assert [(start, entry) for start, entry, _ in entries] == [
        (2, "- name: A\n  city: X\n# between\n"),
        (5, "-\n  name: B\n"),
        (7, "- {name: C}\n"),
    ]
    assert len({digest for _, _, digest in entries}) == 3


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# nothing yet\n",
        "[{name: A}, {name: B}]\n",
        "name: A\n- name: B\n",
        "---\n- name: A\n",
        "%YAML 1.1\n---\n- name: A\n",
        "- name: A\n...\n",
        "- name: A\u2028- name: B\n",
        "  - name: A\n  - name: B\n",
    ],
)
def test_a_roster_that_is_not_a_plain_list_is_read_whole(text):
    assert entries_of(text) is None


def test_a_large_roster_is_read_by_several_processes_as_by_one(tmp_path, monkeypatch):
    import toolkit.roster as roster_module
    from toolkit.cachefile import CacheFile
    from toolkit.rostercache import JsonRosterCache

    write_files(tmp_path, {"content/logos/riverside.svg": "<svg/>"})
    regions = {
        f"region-{n}.yaml": "".join(
            f"- name: Champion {n}-{i}\n  city: Town {i}\n  logo: logos/riverside.svg\n"
            f"  event: {{date: 2026-11-28, time: '09:00'}}\n  extra_field: {i}\n"
            for i in range(30)
        )
        for n in range(4)
    }
    # One file with a mistake: said from a worker as from the build itself.
    regions["region-9.yaml"] = "- name: Broken\n  kind: spaceship\n"
    write_files(tmp_path, {f"content/champions/{name}": text for name, text in regions.items()})
    for file in (tmp_path / "content/champions").iterdir():
        os.utime(file, (1_700_000_000, 1_700_000_000))  # old enough to be kept in the cache

    def load(parallel: bool) -> tuple[tuple, list[str], dict]:
        CacheFile._remembered.clear()
        monkeypatch.setattr(roster_module, "PARALLEL_FROM", 0 if parallel else 10**12)
        problems = Problems()
        cache = JsonRosterCache(tmp_path, LANGUAGES)
        champions = load_roster(tmp_path, LANGUAGES, problems, cache)
        kept = {key: cache.entry(key) for key in (f"content/champions/{n}" for n in regions)}
        return champions, [str(p) for p in problems.items], kept

    used = []
    real = roster_module.in_workers

    def spy(*args, **kwargs):
        used.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(roster_module, "in_workers", spy)
    monkeypatch.setattr(roster_module, "cores", lambda: 2)
    alone = load(parallel=False)
    assert not used
    together = load(parallel=True)
    assert used
    assert together == alone
    champions, problems, kept = together
    assert len(champions) == 121
    assert any("spaceship" in p for p in problems)
    assert kept["content/champions/region-9.yaml"] is None  # read again, to be said again


def test_a_champion_survives_the_trip_from_another_process(tmp_path):
    import pickle

    [champion] = roster(tmp_path, {"r.yaml": "- name: Riverside Chamber\n  city: Riverside\n"})
    back = pickle.loads(pickle.dumps(champion))
    assert back == champion
    assert back.written["city"] == "Riverside"
    with pytest.raises(TypeError):
        back.written["city"] = "Elsewhere"  # as read-only as it was
