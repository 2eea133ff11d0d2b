"""Pages read by an earlier build, kept in the project's build cache so a rebuild reads again
only the Markdown files that changed since."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import fields
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from toolkit.cachefile import CacheFile, Seen
from toolkit.errors import Location
from toolkit.pages import Page

CACHE_FILE = "pages"


class JsonPageCache(CacheFile):
    """Pages by source path, with the stat of the file each was read from (no bodies: a page
    reads its body from its file when it is rendered)."""

    def __init__(self, project: Path, languages: tuple[str, ...]) -> None:
        super().__init__(project, CACHE_FILE, languages)
        self.root = str(project)

    def get(self, path: PurePosixPath, seen: Seen) -> Page | None:
        entry_key = path.as_posix()
        known = self.remembered.get(entry_key)
        # Only while its body is unread: a page keeps its body once read, and a preview holding
        # every body it ever rendered would grow with the site.
        if known is not None and known[0] == seen and known[1].markdown is None:
            return known[1]
        entry = self.entry(entry_key)
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != list(seen):
            return None
        try:
            page = _page(entry[1], path, os.path.join(self.root, entry_key))
        except (TypeError, ValueError, KeyError, AttributeError):
            return None  # not written by this version: read the file
        self.remembered[entry_key] = (seen, page)
        return page

    def put(self, page: Page, seen: Seen) -> None:
        record = _record(page) if self.trusted(seen) else None
        if record is not None:
            self.keep(page.path, [list(seen), record])


_FIELDS = tuple(
    f.name for f in fields(Page) if f.name not in ("source", "date", "extra", "file", "markdown")
)
"""What a page keeps in the cache as it is, in this order; its date and extra follow."""
_TEXT = tuple(_FIELDS.index(name) for name in ("section", "name", "title", "description", "lang"))
_KINDS, _SIZES = _FIELDS.index("kinds"), _FIELDS.index("sizes")


def _record(page: Page) -> list[Any] | None:
    extra = dict(page.extra)
    if not _plain(extra):
        return None  # dates and the like in `extra` would not come back as they were
    record = [getattr(page, name) for name in _FIELDS]
    record[_KINDS], record[_SIZES] = list(page.kinds), list(page.sizes)
    record.append(page.date.isoformat() if page.date is not None else None)
    record.append(extra)
    return record


def _page(record: list[Any], path: PurePosixPath, file: str) -> Page:
    # A list rather than a mapping: ten thousand pages are read back on every rebuild, and
    # JSON reads a list of values in a fraction of the time of a mapping with all its keys.
    if type(record) is not list or len(record) != len(_FIELDS) + 2:
        raise TypeError("record")
    for index in _TEXT:
        if type(record[index]) is not str:
            raise TypeError(_FIELDS[index])
    values = dict(zip(_FIELDS, record[:-2], strict=True))
    values["kinds"], values["sizes"] = tuple(values["kinds"]), tuple(values["sizes"])
    date, extra = record[-2], record[-1]
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
