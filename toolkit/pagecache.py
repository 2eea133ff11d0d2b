"""Pages read by an earlier build, kept in the project's build cache so a rebuild reads again
only the Markdown files that changed since."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from toolkit import __version__
from toolkit.errors import Location
from toolkit.pages import Page
from toolkit.state import RECENT_NS, STATE_FOLDER

CACHE_FILE = "pages.json"


class JsonPageCache:
    """Pages by source path, with the stat of the file each was read from (no bodies: a page
    reads its body from its file when it is rendered)."""

    def __init__(self, project: Path, languages: tuple[str, ...]) -> None:
        self.root = str(project)
        self.file = project / STATE_FOLDER / CACHE_FILE
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
            and isinstance(data.get("pages"), dict)
        ):
            self.entries = data["pages"]

    def get(self, path: PurePosixPath, seen: tuple[int, ...]) -> Page | None:
        entry_key = path.as_posix()
        entry = self.entries.get(entry_key)
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != list(seen):
            return None
        try:
            return _page(entry[1], path, os.path.join(self.root, entry_key))
        except (TypeError, ValueError, KeyError, AttributeError):
            return None  # not written by this version: read the file

    def put(self, page: Page, seen: tuple[int, ...]) -> None:
        if time.time_ns() - seen[1] < RECENT_NS:
            # Saved again within the same clock tick, the file would look unchanged: a page
            # written a moment ago is read again next time rather than trusted.
            return
        record = _record(page)
        if record is not None:
            self.entries[page.path.as_posix()] = [list(seen), record]
            self.changed = True

    def keep_only(self, paths: set[PurePosixPath]) -> None:
        kept = {p.as_posix() for p in paths}
        for gone in [p for p in self.entries if p not in kept]:
            del self.entries[gone]
            self.changed = True
        if not self.changed:
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.file.with_suffix(".tmp")
        temporary.write_text(json.dumps({**self.header, "pages": self.entries}), encoding="utf-8")
        os.replace(temporary, self.file)
        self.changed = False


_FIELDS = (
    "section",
    "name",
    "title",
    "description",
    "layout",
    "order",
    "draft",
    "nav",
    "nav_title",
    "kinds",
    "image",
    "sizes",
    "body_line",
    "lang",
    "default_language",
    "digest",
)


def _record(page: Page) -> dict[str, Any] | None:
    extra = dict(page.extra)
    if not _plain(extra):
        return None  # dates and the like in `extra` would not come back as they were
    record = {name: getattr(page, name) for name in _FIELDS}
    record["kinds"], record["sizes"] = list(page.kinds), list(page.sizes)
    record["date"] = page.date.isoformat() if page.date is not None else None
    record["extra"] = extra
    return record


def _page(record: dict[str, Any], path: PurePosixPath, file: str) -> Page:
    values = {name: record[name] for name in _FIELDS}
    for name in ("section", "name", "title", "description", "lang", "digest"):
        if not isinstance(values[name], str):
            raise TypeError(name)
    values["kinds"], values["sizes"] = tuple(values["kinds"]), tuple(values["sizes"])
    date = record["date"]
    extra = record["extra"]
    if not isinstance(extra, dict):
        raise TypeError("extra")
    return Page(
        source=Location(path, 1, 1),
        **values,
        date=dt.date.fromisoformat(date) if date is not None else None,
        extra=MappingProxyType(extra),
        file=file,
    )


def _plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)
