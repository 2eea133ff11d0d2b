"""Pages read by an earlier build, kept in the project's build cache so a rebuild reads again
only the Markdown files that changed since."""

from __future__ import annotations

import datetime as dt
import os
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
        self.root = os.path.join(project, "")
        """The project's folder, ending in a separator: each page's file is this and its key."""

    def get(self, path: PurePosixPath, seen: Seen, entry_key: str) -> Page | None:
        known = self.remembered.get(entry_key)
        # Only while its body is unread: a page keeps its body once read, and a preview holding
        # every body it ever rendered would grow with the site.
        if known is not None and known[0] == seen and known[1].markdown is None:
            return known[1]
        entry = self.entry(entry_key)
        if type(entry) is not list or len(entry) != 2 or entry[0] != list(seen):
            return None
        try:
            page = _page(entry[1], path, self.root + entry_key)
        except (TypeError, ValueError, KeyError, AttributeError):
            return None  # not written by this version: read the file
        self.remembered[entry_key] = (seen, page)
        return page

    def put(self, page: Page, seen: Seen) -> None:
        record = _record(page) if self.trusted(seen) else None
        if record is not None:
            self.keep(page.path, [list(seen), record])


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
    "digest",
    "default_language",
)
"""What a page keeps in the cache as it is, in this order; its date and extra follow. Every
field but these: where the page is, its date and extra, and its file and body."""
_ELSEWHERE = ("source", "date", "extra", "file", "markdown")


def _record(page: Page) -> list[Any] | None:
    extra = dict(page.extra)
    if not _plain(extra):
        return None  # dates and the like in `extra` would not come back as they were
    return [
        page.section,
        page.name,
        page.title,
        page.description,
        page.layout,
        page.order,
        page.draft,
        page.nav,
        page.nav_title,
        list(page.kinds),
        page.image,
        list(page.sizes),
        page.body_line,
        page.lang,
        page.digest,
        page.default_language,
        page.date.isoformat() if page.date is not None else None,
        extra,
    ]


def _page(record: list[Any], path: PurePosixPath, file: str) -> Page:
    # A list rather than a mapping, unpacked by name rather than zipped with the names: ten
    # thousand pages are read back on every rebuild, and each step per page shows.
    if type(record) is not list or len(record) != len(_FIELDS) + 2:
        raise TypeError("record")
    (
        section,
        name,
        title,
        description,
        layout,
        order,
        draft,
        nav,
        nav_title,
        kinds,
        image,
        sizes,
        body_line,
        lang,
        digest,
        default_language,
        date,
        extra,
    ) = record
    if not (
        type(section) is str
        and type(name) is str
        and type(title) is str
        and type(description) is str
        and type(lang) is str
        and type(extra) is dict
    ):
        raise TypeError("record")
    return Page(
        source=Location(path, 1, 1),
        section=section,
        name=name,
        title=title,
        description=description,
        layout=layout,
        order=order,
        draft=draft,
        nav=nav,
        nav_title=nav_title,
        date=dt.date.fromisoformat(date) if date is not None else None,
        kinds=tuple(kinds),
        image=image,
        sizes=tuple(sizes),
        extra=MappingProxyType(extra),
        body_line=body_line,
        lang=lang,
        digest=digest,
        default_language=default_language,
        file=file,
    )


def _plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)
