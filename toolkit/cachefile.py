"""One part of the build cache: JSON entries by source path, each with the stat of its file,
kept in a folder of shards so that saving a change writes only the shards it touched."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from toolkit import __version__
from toolkit.atomic import write_whole
from toolkit.recent import recent
from toolkit.state import STATE_FOLDER

Seen = tuple[int, ...]
"""What a stat of a file says: size, modification time, change time, inode."""

SHARDS = 64
"""Files the entries are spread over, by a hash of their path. A roster of 10,000 champions
makes a cache of 17 MB: an edit to one roster file writes one shard of it, not all of it."""


def shard_of(key: str) -> int:
    """Return the shard an entry is kept in."""
    return zlib.crc32(key.encode("utf-8", "surrogateescape")) % SHARDS


class CacheFile:
    """Entries read back only when their shard was written by this version for the same
    languages; anything else in the folder is ignored, never trusted.

    A shard is read when one of its entries is first asked for. What an entry stands for, once
    decoded, is also remembered in this process (`remembered`), for the next build of the same
    project: a preview server builds again and again, and need not read and decode the shards
    of files that did not change.
    """

    _remembered: ClassVar[dict[str, tuple[tuple, dict[str, tuple[Any, Any]]]]] = {}

    def __init__(
        self,
        project: Path,
        name: str,
        languages: tuple[str, ...],
        rules: int = 1,
        form: int | None = None,
    ) -> None:
        self.folder = project / STATE_FOLDER / name
        # The single file an earlier version kept instead of the folder.
        self.legacy = project / STATE_FOLDER / f"{name}.json"
        self.header = {"version": __version__, "languages": list(languages), "rules": rules}
        if form is not None:
            self.header["form"] = form  # how the entries are written, where that changed
        self.shards: list[dict[str, list] | None] = [None] * SHARDS
        self.changed: set[int] = set()
        # One project's decoded entries are kept at a time (a preview serves one project).
        scope = (str(project), tuple(languages), __version__, rules, form)
        held = CacheFile._remembered.get(name)
        if held is None or held[0] != scope:
            held = CacheFile._remembered[name] = (scope, {})
        self.remembered: dict[str, tuple[Any, Any]] = held[1]
        """Decoded entries by key, each with what its file was seen as when it was decoded."""

    def _shard(self, number: int) -> dict[str, list]:
        shard = self.shards[number]
        if shard is None:
            shard = self.shards[number] = {}
            try:
                data = json.loads((self.folder / _shard_name(number)).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return shard
            if (
                isinstance(data, dict)
                and all(data.get(k) == v for k, v in self.header.items())
                and isinstance(data.get("entries"), dict)
            ):
                # An entry in the wrong shard would be written twice over: it is left out.
                shard.update(
                    (key, entry)
                    for key, entry in data["entries"].items()
                    if isinstance(key, str) and shard_of(key) == number
                )
        return shard

    def entry(self, key: str) -> list | None:
        """Return the entry kept for `key` (a path with `/` between folders), if any."""
        return self._shard(shard_of(key)).get(key)

    @staticmethod
    def trusted(seen: Seen) -> bool:
        """Return whether a file seen so can be known again by its stat alone.

        A file saved a moment ago could be saved again within the same clock tick, with the
        same size and time: it is read again next time rather than trusted.
        """
        return not recent(seen[1])

    def keep(self, path: PurePosixPath, entry: list) -> None:
        key = path.as_posix()
        number = shard_of(key)
        self._shard(number)[key] = entry
        self.changed.add(number)

    def keep_only(self, paths: Iterable[PurePosixPath]) -> None:
        """Forget the entries of files that are gone, and save the shards that changed.

        A shard that would hold none of `paths` goes whole, unread. One that was not read
        because everything asked of it was remembered keeps its entries of files now gone
        until it is read again.
        """
        kept = {p.as_posix() for p in paths}
        for gone in [key for key in self.remembered if key not in kept]:
            del self.remembered[gone]
        live = {shard_of(key) for key in kept}
        for number, shard in enumerate(self.shards):
            if number not in live:
                if shard or (shard is None and (self.folder / _shard_name(number)).exists()):
                    self.changed.add(number)
                self.shards[number] = {}
            elif shard is not None:
                for gone in [key for key in shard if key not in kept]:
                    del shard[gone]
                    self.changed.add(number)
        if not self.changed:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for number in sorted(self.changed):
                self._save(number)
            self.legacy.unlink(missing_ok=True)
        except OSError:
            # Only a rebuild's head start is lost (a full disk, a read-only folder).
            pass
        self.changed.clear()

    def _save(self, number: int) -> None:
        file = self.folder / _shard_name(number)
        entries = self.shards[number]
        if not entries:
            file.unlink(missing_ok=True)
            return
        # A preview and a build may save at the same moment.
        write_whole(file, json.dumps({**self.header, "entries": entries}).encode("utf-8"))


def _shard_name(number: int) -> str:
    return f"{number:02x}.json"
