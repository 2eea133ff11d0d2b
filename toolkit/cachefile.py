"""One file of the build cache: JSON entries by source path, each with the stat of its file."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from toolkit import __version__
from toolkit.recent import recent
from toolkit.state import STATE_FOLDER

Seen = tuple[int, ...]
"""What a stat of a file says: size, modification time, change time, inode."""


class CacheFile:
    """Entries read back only when the file was written by this version for the same
    languages; anything else in it is ignored, never trusted."""

    def __init__(self, project: Path, name: str, languages: tuple[str, ...]) -> None:
        self.file = project / STATE_FOLDER / name
        self.header = {"version": __version__, "languages": list(languages)}
        self.entries: dict[str, list] = {}
        self.changed = False
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if (
            isinstance(data, dict)
            and all(data.get(k) == v for k, v in self.header.items())
            and isinstance(data.get("entries"), dict)
        ):
            self.entries = data["entries"]

    @staticmethod
    def trusted(seen: Seen) -> bool:
        """Return whether a file seen so can be known again by its stat alone.

        A file saved a moment ago could be saved again within the same clock tick, with the
        same size and time: it is read again next time rather than trusted.
        """
        return not recent(seen[1])

    def keep(self, path: PurePosixPath, entry: list) -> None:
        self.entries[path.as_posix()] = entry
        self.changed = True

    def keep_only(self, paths: Iterable[PurePosixPath]) -> None:
        """Forget the entries of files that are gone, and save if anything changed."""
        kept = {p.as_posix() for p in paths}
        for gone in [p for p in self.entries if p not in kept]:
            del self.entries[gone]
            self.changed = True
        if not self.changed:
            return
        # Its own temporary file: a preview and a build may save at the same moment.
        temporary = self.file.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps({**self.header, "entries": self.entries}), "utf-8")
            os.replace(temporary, self.file)
        except OSError:
            # Only a rebuild's head start is lost (a full disk, a read-only folder).
            temporary.unlink(missing_ok=True)
        self.changed = False
