"""The build cache's shards: a change is saved by writing only the shards it touched."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from toolkit.cachefile import SHARDS, CacheFile, shard_of
from toolkit.state import STATE_FOLDER

LANGUAGES = ("en",)
OLD = [1, 2, 3, 4]
"""A stat from long ago, which the cache trusts."""


def cached_entries(folder: Path) -> dict[str, list]:
    """Return every entry kept in a cache folder, from all its shards."""
    entries: dict[str, list] = {}
    for file in sorted(folder.glob("*.json")):
        entries.update(json.loads(file.read_text(encoding="utf-8"))["entries"])
    return entries


def shard_file(folder: Path, key: str) -> Path:
    """Return the shard that keeps the entry for `key`."""
    return folder / f"{shard_of(key):02x}.json"


def fill(project: Path, count: int) -> list[PurePosixPath]:
    cache = CacheFile(project, "things", LANGUAGES)
    paths = [PurePosixPath(f"content/page-{i}.md") for i in range(count)]
    for path in paths:
        cache.keep(path, [OLD, path.name])
    cache.keep_only(paths)
    return paths


def test_entries_come_back_from_their_shards(tmp_path):
    paths = fill(tmp_path, 300)
    again = CacheFile(tmp_path, "things", LANGUAGES)

    assert [again.entry(p.as_posix()) for p in paths] == [[OLD, p.name] for p in paths]
    assert len(list((tmp_path / STATE_FOLDER / "things").glob("*.json"))) == SHARDS


def test_a_change_to_one_entry_writes_only_its_shard(tmp_path):
    paths = fill(tmp_path, 300)
    folder = tmp_path / STATE_FOLDER / "things"
    # A shard is saved as a new file put in place of the old one: a new inode.
    before = {file.name: file.stat().st_ino for file in folder.glob("*.json")}
    cache = CacheFile(tmp_path, "things", LANGUAGES)
    cache.keep(paths[7], [OLD, "changed"])
    cache.keep_only(paths)

    after = {file.name: file.stat().st_ino for file in folder.glob("*.json")}
    assert set(after) == set(before)
    assert {name for name in after if after[name] != before[name]} == {
        shard_file(folder, paths[7].as_posix()).name
    }
    assert CacheFile(tmp_path, "things", LANGUAGES).entry(paths[7].as_posix()) == [OLD, "changed"]


def test_a_gone_file_is_forgotten_and_an_empty_shard_removed(tmp_path):
    paths = fill(tmp_path, 3)
    folder = tmp_path / STATE_FOLDER / "things"
    cache = CacheFile(tmp_path, "things", LANGUAGES)
    cache.keep_only(paths[:1])

    assert cached_entries(folder) == {paths[0].as_posix(): [OLD, paths[0].name]}
    assert list(folder.glob("*.json")) == [shard_file(folder, paths[0].as_posix())]


def test_an_entry_in_the_wrong_shard_or_another_version_is_not_trusted(tmp_path):
    paths = fill(tmp_path, 2)
    folder = tmp_path / STATE_FOLDER / "things"
    first, second = (p.as_posix() for p in paths)
    home = shard_file(folder, first)
    stranger = folder / f"{(shard_of(first) + 1) % SHARDS:02x}.json"
    data = json.loads(home.read_text(encoding="utf-8"))
    stranger.write_text(json.dumps({**data, "entries": {first: [OLD, "planted"]}}), "utf-8")
    other = shard_file(folder, second)
    other.write_text(json.dumps({**data, "version": "0", "entries": {second: [OLD, "x"]}}))

    cache = CacheFile(tmp_path, "things", LANGUAGES)
    assert cache.entry(first) == [OLD, paths[0].name]
    assert cache.entry(second) is None


def test_an_entry_in_the_wrong_shard_is_left_out_when_that_shard_is_saved(tmp_path):
    paths = fill(tmp_path, 8)
    folder = tmp_path / STATE_FOLDER / "things"
    first = paths[0].as_posix()
    # A shard of its own entries, where `first` does not belong.
    other = next(p.as_posix() for p in paths if shard_of(p.as_posix()) != shard_of(first))
    home = shard_file(folder, other)
    data = json.loads(home.read_text(encoding="utf-8"))
    data["entries"][first] = [OLD, "planted"]
    home.write_text(json.dumps(data), "utf-8")

    cache = CacheFile(tmp_path, "things", LANGUAGES)
    assert cache.entry(first) == [OLD, paths[0].name]
    cache.entry(other)
    cache.changed.add(shard_of(other))  # as when an entry of its own changes
    cache.keep_only(paths)

    assert first not in json.loads(home.read_text(encoding="utf-8"))["entries"]
    assert other in json.loads(home.read_text(encoding="utf-8"))["entries"]


def test_the_single_file_of_an_earlier_version_goes_once_the_shards_are_saved(tmp_path):
    (tmp_path / STATE_FOLDER).mkdir()
    legacy = tmp_path / STATE_FOLDER / "things.json"
    legacy.write_text(json.dumps({"entries": {}}), "utf-8")
    fill(tmp_path, 1)

    assert not legacy.exists()
