"""One part of the build cache: JSON entries by source path, each with the stat of its file,
kept in a folder of shards so that saving a change writes only the shards it touched."""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from toolkit import __version__
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
    languages; anything else in the folder is ignored, never trusted."""

    def __init__(self, project: Path, name: str, languages: tuple[str, ...]) -> None:
        self.folder = project / STATE_FOLDER / name
        # The single file an earlier version kept instead of the folder.
        self.legacy = project / STATE_FOLDER / f"{name}.json"
        self.header = {"version": __version__, "languages": list(languages)}
        self.shards: list[dict[str, list]] = [{} for _ in range(SHARDS)]
        self.changed: set[int] = set()
        for number, shard in enumerate(self.shards):
            try:
                data = json.loads((self.folder / _shard_name(number)).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
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

    def entry(self, key: str) -> list | None:
        """Return the entry kept for `key` (a path with `/` between folders), if any."""
        return self.shards[shard_of(key)].get(key)

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
        self.shards[number][key] = entry
        self.changed.add(number)

    def keep_only(self, paths: Iterable[PurePosixPath]) -> None:
        """Forget the entries of files that are gone, and save the shards that changed."""
        kept = {p.as_posix() for p in paths}
        for number, shard in enumerate(self.shards):
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
        if not self.shards[number]:
            file.unlink(missing_ok=True)
            return
        # Its own temporary file: a preview and a build may save at the same moment.
        temporary = file.with_suffix(f".{os.getpid()}.tmp")
        try:
            temporary.write_text(
                json.dumps({**self.header, "entries": self.shards[number]}), "utf-8"
            )
            os.replace(temporary, file)
        finally:
            temporary.unlink(missing_ok=True)


def _shard_name(number: int) -> str:
    return f"{number:02x}.json"
