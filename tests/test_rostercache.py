"""Champions kept in the build cache: a rebuild parses only the roster files that changed."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import pytest

from tests.conftest import snapshot
from tests.test_cachefile import cached_entries, shard_file
from toolkit import cachefile, roster, rostercache
from toolkit.errors import Problems, ToolkitError
from toolkit.roster import Champion, load_roster
from toolkit.rostercache import JsonRosterCache, decode, encode
from toolkit.state import STATE_FOLDER

# Where a kept champion has their businesses.
BUSINESSES = 1 + [f.name for f in dataclasses.fields(Champion)].index("businesses")

LANGUAGES = ("en", "es")
AN_HOUR_AGO = time.time() - 3600


def age(project: Path) -> None:
    """Date every content file an hour back: a file saved a moment ago is never trusted."""
    for file in (project / "content").rglob("*"):
        if file.is_file():
            os.utime(file, (AN_HOUR_AGO, AN_HOUR_AGO))


def load(project: Path, problems: Problems | None = None):
    return load_roster(project, LANGUAGES, problems, JsonRosterCache(project, LANGUAGES))


@pytest.fixture
def campaign(project) -> Path:
    source = project("campaign")
    age(source)
    return source


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The roster files parsed from YAML, by name."""
    names: list[str] = []
    real = roster.read_roster_file

    def read_roster_file(project, file, languages, problems, earlier=None):
        names.append(file.name)
        return real(project, file, languages, problems, earlier)

    monkeypatch.setattr(roster, "read_roster_file", read_roster_file)
    return names


def test_every_champion_comes_back_from_the_cache_exactly(campaign):
    for champion in load_roster(campaign, LANGUAGES):
        again = decode(json.loads(json.dumps(encode(champion))))
        assert again == champion
        assert repr(again) == repr(champion)  # what the build's digests are made of


def test_champions_are_read_back_field_by_field_in_the_order_they_are_kept(campaign):
    # `_champion` and `_business` name the fields in this order, for speed.
    assert rostercache._FIELDS["Champion"] == (
        *("id", "name", "kind", "city", "region", "country", "website", "email", "phone"),
        *("logo", "colors", "language", "event", "businesses", "message", "aliases"),
        *("source", "written", "digest"),
    )
    assert rostercache._FIELDS["Business"] == ("name", "address", "url", "category", "description")
    champions = load_roster(campaign, LANGUAGES)
    assert any(c.businesses for c in champions)
    for champion in champions:
        assert rostercache._champion(json.loads(json.dumps(encode(champion)))) == champion


def test_an_unchanged_roster_is_not_parsed_again(campaign, parsed):
    fresh = load_roster(campaign, LANGUAGES)
    load(campaign)
    parsed.clear()

    assert load(campaign) == fresh
    assert parsed == []


def test_only_the_edited_roster_file_is_parsed_again(campaign, parsed):
    load(campaign)
    parsed.clear()
    east = campaign / "content/champions/east.yaml"
    east.write_text(east.read_text(encoding="utf-8").replace("Courthouse Square", "City Park"))

    found = load(campaign)
    assert parsed == ["east.yaml"]
    assert any(c.event and c.event.place == "City Park" for c in found)


def test_a_logo_that_goes_away_is_noticed(campaign):
    load(campaign)
    (campaign / "content/logos/riverside.svg").unlink()

    with pytest.raises(ToolkitError, match=r"logo file not found: content/logos/riverside\.svg"):
        load(campaign)


def test_a_roster_with_a_warning_is_parsed_again_so_the_warning_is_repeated(campaign, parsed):
    west = campaign / "content/champions/west.yaml"
    west.write_text(west.read_text(encoding="utf-8") + "- name: Solo\n  language: fr\n")
    age(campaign)
    for _ in range(2):
        parsed.clear()
        problems = Problems()
        load(campaign, problems)
        assert ["language 'fr' is not" in p.message for p in problems.items] == [True]
        assert "west.yaml" in parsed


def test_a_deleted_roster_file_is_forgotten(campaign):
    load(campaign)
    (campaign / "content/champions/west.yaml").unlink()

    assert {c.source.path.name for c in load(campaign)} == {"east.yaml"}
    assert set(cached_entries(campaign / STATE_FOLDER / "rosters")) == {
        "content/champions/east.yaml"
    }


@pytest.mark.parametrize("damage", ["not json", "[]", "wrong entry", "wrong class"])
def test_a_damaged_cache_is_ignored(campaign, damage):
    load(campaign)
    cache = shard_file(campaign / STATE_FOLDER / "rosters", "content/champions/east.yaml")
    data = json.loads(cache.read_text(encoding="utf-8"))
    entry = data["entries"]["content/champions/east.yaml"]
    if damage == "wrong entry":
        entry[2] = [["Champion", "x"]]
        text = json.dumps(data)
    elif damage == "wrong class":
        entry[2] = [["Event", None, None, None, None, None]]
        text = json.dumps(data)
    else:
        text = damage
    cache.write_text(text, encoding="utf-8")

    assert load(campaign) == load_roster(campaign, LANGUAGES)


def cached_as_read(project: Path) -> dict[str, Champion]:
    """Read the roster into the cache, as one build would, and return its champions as a
    read without the cache finds them; the next `load` finds them in the cache's files."""
    fresh = {c.id: c for c in load_roster(project, LANGUAGES)}
    load(project)
    cachefile.CacheFile._remembered.clear()  # as a new build would
    return fresh


def test_an_entry_as_written_is_read_from_the_cache_only_when_asked_for(campaign, monkeypatch):
    fresh = cached_as_read(campaign)
    read: list[str] = []
    real = json.loads

    def loads(text, *args, **kwargs):
        read.append(text)
        return real(text, *args, **kwargs)

    def entries_read() -> int:
        return sum(1 for text in read if text.startswith('["mapping"'))

    monkeypatch.setattr(json, "loads", loads)
    kept = load(campaign)
    assert entries_read() == 0

    assert {c.id: dict(c.written) for c in kept} == {c.id: dict(c.written) for c in fresh.values()}
    assert entries_read() == len(kept)


@pytest.mark.parametrize(
    ("field", "damage", "edited", "old", "new"),
    [
        # Each champion's entry as written, which their kit carries.
        (-2, ["kept", "not json"], "content/kit/social-posts.md", "Shop with", "Buy from"),
        # Their businesses, on their microsite.
        (BUSINESSES, ["tuple", ["Business", "short"]], "toolkit.yaml", "Every", "Each"),
    ],
)
def test_a_damaged_part_read_when_asked_for_is_a_located_error(
    field, damage, edited, old, new, campaign, run_toolkit, tmp_path
):
    output = tmp_path / "out"
    assert run_toolkit("build", campaign, "-o", output, "--no-print").exit_code == 0
    cache = shard_file(campaign / STATE_FOLDER / "rosters", "content/champions/east.yaml")
    data = json.loads(cache.read_text(encoding="utf-8"))
    for champion in data["entries"]["content/champions/east.yaml"][2]:
        champion[field] = damage
    cache.write_text(json.dumps(data), encoding="utf-8")
    cachefile.CacheFile._remembered.clear()  # as a new build would
    before = snapshot(output)
    file = campaign / edited
    file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    result = run_toolkit("build", campaign, "-o", output, "--no-print")

    assert result.exit_code == 1
    assert ".toolkit-cache: error: the build cache is damaged" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(output) == before


def test_businesses_are_read_from_the_cache_only_when_asked_for(campaign, monkeypatch):
    fresh = cached_as_read(campaign)
    read: list[object] = []
    real = rostercache._business
    monkeypatch.setattr(rostercache, "_business", lambda data: read.append(data) or real(data))

    kept = {c.id: c for c in load(campaign)}

    assert not read
    riverside = kept["riverside-chamber"]
    assert riverside.businesses[1] == fresh["riverside-chamber"].businesses[1]
    assert len(read) == len(riverside.businesses) == 2
    assert kept == fresh


@pytest.fixture
def entries_read(monkeypatch) -> list[str]:
    """The YAML texts parsed while reading rosters."""
    texts: list[str] = []
    real = roster.parse

    def parse(text, path, line_offset=0):
        texts.append(text)
        return real(text, path, line_offset)

    monkeypatch.setattr(roster, "parse", parse)
    return texts


def reload(campaign: Path) -> tuple:
    """Load the roster as a new build does (nothing remembered in this process)."""
    cachefile.CacheFile._remembered.clear()
    return load(campaign)


def test_an_edit_to_one_entry_reads_that_entry_alone(campaign, entries_read):
    load(campaign)
    east = campaign / "content/champions/east.yaml"
    text = east.read_text(encoding="utf-8")
    east.write_text(text.replace("place: Courthouse Square", "place: City Park", 1))
    entries_read.clear()

    found = reload(campaign)

    assert len(entries_read) == 1
    assert entries_read[0].startswith("- id: riverside-chamber\n")
    assert "City Park" in entries_read[0]
    assert "Mayor of Northfield" not in entries_read[0]  # the next entry is not read again
    assert found == load_roster(campaign, LANGUAGES)  # as a whole read finds them, lines too


def test_entries_added_above_keep_their_own_lines(campaign, entries_read):
    load(campaign)
    east = campaign / "content/champions/east.yaml"
    text = east.read_text(encoding="utf-8")
    east.write_text("# Added first.\n- name: Newcomer\n  kind: business\n\n" + text)
    entries_read.clear()

    found = reload(campaign)

    assert [t.split("\n", 1)[0] for t in entries_read] == ["- name: Newcomer"]
    assert found == load_roster(campaign, LANGUAGES)
    moved = {c.id: c.source.line for c in found}
    assert moved["newcomer"] == 2 and moved["riverside-chamber"] == 5


def test_entries_taken_from_before_are_kept_as_a_fresh_read_keeps_them(campaign):
    load(campaign)
    east = campaign / "content/champions/east.yaml"
    text = east.read_text(encoding="utf-8")
    east.write_text("- name: Newcomer\n" + text.replace("kind: mayor", "kind: nonprofit"))
    os.utime(east, (AN_HOUR_AGO, AN_HOUR_AGO))  # kept, and the logos left as they were

    reload(campaign)

    cache = shard_file(campaign / STATE_FOLDER / "rosters", "content/champions/east.yaml")
    kept = json.loads(cache.read_text(encoding="utf-8"))["entries"]["content/champions/east.yaml"]
    fresh = [c for c in load_roster(campaign, LANGUAGES) if c.source.path.name == "east.yaml"]
    assert kept[2] == json.loads(json.dumps([encode(c) for c in fresh]))
    assert [line for _, line in kept[3]] == [0, 1, 18, 22]


def test_a_mistake_in_an_edited_entry_reads_as_in_a_whole_file(campaign):
    load(campaign)
    east = campaign / "content/champions/east.yaml"
    east.write_text(east.read_text(encoding="utf-8").replace("kind: mayor", "kind: mayour"))

    with pytest.raises(ToolkitError) as cached:
        reload(campaign)
    with pytest.raises(ToolkitError) as whole:
        load_roster(campaign, LANGUAGES)

    assert [str(p) for p in cached.value.problems] == [str(p) for p in whole.value.problems]
    assert "east.yaml:19:9: error: unknown kind 'mayour'" in str(cached.value)


def test_an_entry_that_names_another_entrys_anchor_reads_the_file_whole(campaign, entries_read):
    east = campaign / "content/champions/east.yaml"
    text = east.read_text(encoding="utf-8")
    east.write_text(
        text.replace("  region: Minnesota\n", "  region: &home Minnesota\n")
        + "- name: Neighbour\n  region: *home\n"
    )
    age(campaign)
    load(campaign)
    east.write_text(east.read_text(encoding="utf-8").replace("Courthouse Square", "City Park"))
    entries_read.clear()

    found = reload(campaign)

    assert found == load_roster(campaign, LANGUAGES)
    assert next(c for c in found if c.name == "Neighbour").region == "Minnesota"
    assert any(text.startswith("- id: riverside-chamber") for text in entries_read)
    assert any(len(text) >= len(east.read_text(encoding="utf-8")) for text in entries_read)


def test_a_preview_building_again_reads_no_cache_file_for_unchanged_rosters(campaign, monkeypatch):
    # A preview server builds again in the same process: champions it decoded are taken as
    # they are while their files are as they were; an edited file is parsed again.
    fresh = load(campaign)
    load(campaign)  # decoded from the cache, and remembered
    read: list[int] = []
    real_shard = cachefile.CacheFile._shard
    monkeypatch.setattr(
        cachefile.CacheFile, "_shard", lambda self, n: read.append(n) or real_shard(self, n)
    )
    with monkeypatch.context() as decoding:
        decoding.setattr(rostercache, "decode", lambda data: pytest.fail("decoded again"))
        assert load(campaign) == fresh
    assert read == []
    east = campaign / "content/champions/east.yaml"
    east.write_text(east.read_text(encoding="utf-8").replace("Courthouse Square", "City Park"))
    assert any(c.event and c.event.place == "City Park" for c in load(campaign))


def test_champions_kept_in_another_form_are_read_again(campaign, parsed, monkeypatch):
    with monkeypatch.context() as earlier:
        earlier.setattr(rostercache, "FORM", rostercache.FORM - 1)
        load(campaign)
    cachefile.CacheFile._remembered.clear()
    parsed.clear()

    assert load(campaign) == load_roster(campaign, LANGUAGES)
    assert {"east.yaml", "west.yaml"} <= set(parsed)


def test_champions_kept_under_other_rules_are_read_again(campaign, parsed, monkeypatch):
    west = campaign / "content/champions/west.yaml"
    west.write_text(
        west.read_text(encoding="utf-8") + f"- name: Long\n  message: '{'word ' * 5_000}'\n",
        encoding="utf-8",
    )
    age(campaign)
    # An earlier toolkit took a message of any length, and kept it.
    with monkeypatch.context() as earlier:
        earlier.setattr(roster, "LONGEST_TEXT", 10**9)
        earlier.setattr(rostercache, "RULES", roster.RULES - 1)
        cachefile.CacheFile._remembered.clear()
        assert any(c.name == "Long" for c in load(campaign))
    cachefile.CacheFile._remembered.clear()
    parsed.clear()

    with pytest.raises(ToolkitError, match=r"west\.yaml:\d+:\d+: error: `message` is 24,999"):
        load(campaign)
    assert "west.yaml" in parsed
