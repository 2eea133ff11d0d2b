"""Champions read by an earlier build, kept in the project's build cache so that a rebuild
parses again only the roster files that changed since (YAML is the slowest part of loading a
roster of thousands)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from toolkit.cachefile import CacheFile, Seen
from toolkit.errors import Location, ToolkitError
from toolkit.roster import RULES, Business, Champion, Colors, Event
from toolkit.state import STATE_FOLDER

CACHE_FILE = "rosters"
FORM = 2
"""How champions are kept (`encode`). Raised when that changes, so that champions kept the old way
are read again from their roster, and kept the new way, rather than decoded the slow way for
as long as their file is unchanged."""
_CLASSES: dict[str, type] = {c.__name__: c for c in (Champion, Business, Colors, Event, Location)}


class JsonRosterCache(CacheFile):
    """The champions of each roster file, with the stat of the file and of every logo its
    champions name (a logo that changes or goes is checked again)."""

    def __init__(self, project: Path, languages: tuple[str, ...]) -> None:
        super().__init__(project, CACHE_FILE, languages, RULES, FORM)
        self.project = project
        self._kept: dict[str, list] = {}
        """What `earlier` handed out, by entry digest, as kept: `put` keeps it again as it was
        (but for where the entry now starts) rather than encoding the champion afresh."""

    def get(self, path: PurePosixPath, seen: Seen) -> list[Champion] | None:
        """Return the champions of the roster file at `path` when it was as `seen`, or None."""
        key = path.as_posix()
        known = self.remembered.get(key)
        if known is not None:
            (was_seen, logos), kept = known
            if was_seen == seen and self._logos_seen(logo for logo, _ in logos) == logos:
                return list(kept)
        entry = self.entry(key)
        try:
            recorded, logos, champions, *_ = entry  # type: ignore[misc]
            if recorded != list(seen) or self._logos_seen(logo for logo, _ in logos) != logos:
                return None
            found = [decode(c) for c in champions]
        except (TypeError, ValueError, KeyError, AttributeError):
            return None  # not written by this version: parse the file
        if not all(isinstance(c, Champion) for c in found):
            return None
        self.remembered[key] = ((seen, logos), tuple(found))
        return found

    def earlier(self, path: PurePosixPath) -> dict[str, tuple[Champion, int]]:
        """Return the champions last kept for `path` by the digest of their entry's text, each
        with the line the entry started on; none when a logo they name changed since, or when
        the file was not split into entries."""
        try:
            _, logos, champions, entries = self.entry(path.as_posix())  # type: ignore[misc]
            if not entries or len(entries) != len(champions):
                return {}
            if self._logos_seen(logo for logo, _ in logos) != logos:
                return {}
            found = {}
            for data, (digest, start) in zip(champions, entries, strict=True):
                champion = decode(data)
                if not isinstance(champion, Champion) or type(start) is not int:
                    return {}
                found[str(digest)] = (champion, start)
                self._kept[str(digest)] = data
        except (TypeError, ValueError, KeyError, AttributeError):
            return {}  # not written by this version
        return found

    def put(
        self,
        path: PurePosixPath,
        seen: Seen,
        champions: list[Champion],
        entries: list[tuple[str, int]] | None = None,
    ) -> None:
        """Keep the champions read from `path` as `seen` (no problems were found in it), with
        the digest of each one's entry and the line it starts on (`roster.entries_of`)."""
        if not self.trusted(seen):
            return
        logos = self._logos_seen(sorted({c.logo.as_posix() for c in champions if c.logo}))
        kept = []
        digests = [digest for digest, _ in entries] if entries else [""] * len(champions)
        for champion, digest in zip(champions, digests, strict=True):
            data = self._kept.get(digest)
            if data is None:
                kept.append(encode(champion))
            else:
                # Taken from `earlier`: all as it was but for the line the entry starts on.
                data = list(data)
                data[_SOURCE] = encode(champion.source)
                kept.append(data)
        self.keep(path, [list(seen), logos, kept, [list(e) for e in entries or ()] or None])
        self.remembered[path.as_posix()] = ((seen, logos), tuple(champions))

    def _logos_seen(self, logos: Iterable[str]) -> list[list]:
        """Return `[logo, stat]` for each logo (a path under `content/`), as the files are now."""
        return [[logo, _seen(self.project / "content" / logo)] for logo in logos]


def _seen(file: Path) -> list[int] | None:
    try:
        info = os.stat(file)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def encode(value: Any) -> Any:
    """Return `value` (a champion and what it holds) as JSON data that `decode` turns back.

    Anything but text, numbers, booleans and null becomes a list led by its kind; a dataclass
    lists its fields in order (thousands of champions are read back on every build).
    """
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and name in _CLASSES:
        return [name, *(encode(getattr(value, f)) for f in _FIELDS[name])]
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        kind = "datetime" if isinstance(value, dt.datetime) else name
        return [kind, value.isoformat()]
    if isinstance(value, PurePosixPath):
        return ["path", value.as_posix()]
    if isinstance(value, tuple | list):
        return ["tuple" if isinstance(value, tuple) else "list", *(encode(v) for v in value)]
    if isinstance(value, _Kept):
        return ["kept", value.text]
    if isinstance(value, _Businesses):
        return ["tuple", *value.data]
    if isinstance(value, MappingProxyType):
        # A champion's entry as written: kept as text, read only if asked for (see `_Kept`).
        return ["kept", json.dumps(["mapping", {k: encode(v) for k, v in value.items()}])]
    if isinstance(value, dict):
        return ["dict", {k: encode(v) for k, v in value.items()}]
    raise TypeError(f"cannot keep {name} in the roster cache")


def decode(data: Any) -> Any:
    """Return what `encode` was given."""
    if not isinstance(data, list):
        return data
    kind = data[0]
    if kind == "Champion":
        return _champion(data)
    # Text and numbers, most of a roster, are taken as they are without a call for each.
    if kind in _CLASSES:
        values = [decode(v) if type(v) is list else v for v in data[1:]]
        if len(values) != len(_FIELDS[kind]):
            raise ValueError(kind)
        return _CLASSES[kind](**dict(zip(_FIELDS[kind], values, strict=True)))
    if kind == "kept":
        if type(data[1]) is not str:
            raise TypeError(kind)
        return _Kept(data[1])
    if kind in _READERS:
        return _READERS[kind](data[1])
    if kind in ("tuple", "list"):
        items = [decode(v) if type(v) is list else v for v in data[1:]]
        return tuple(items) if kind == "tuple" else items
    if kind in ("dict", "mapping"):
        items = {str(k): decode(v) if type(v) is list else v for k, v in data[1].items()}
        return items if kind == "dict" else MappingProxyType(items)
    raise ValueError(kind)


def _champion(data: list) -> Champion:
    """Return the champion `encode` was given, field by field: ten thousand champions and their
    businesses are read back on every rebuild, a third faster so than by `decode`'s steps for
    any kind. The fields are in the order `_FIELDS` has them (a test holds the two together).
    """
    (
        _,
        id_,
        name,
        kind,
        city,
        region,
        country,
        website,
        email,
        phone,
        logo,
        colors,
        language,
        event,
        businesses,
        message,
        aliases,
        source,
        written,
        digest,
    ) = data
    if type(businesses) is not list or businesses[:1] != ["tuple"]:
        raise ValueError("businesses")
    return Champion(
        id=id_,
        name=name,
        kind=kind,
        city=city,
        region=region,
        country=country,
        website=website,
        email=email,
        phone=phone,
        logo=decode(logo),
        colors=Colors(primary=colors[1], accent=colors[2])
        if _is(colors, "Colors", 3)
        else decode(colors),
        language=language,
        event=_event(event) if _is(event, "Event", 6) else decode(event),
        businesses=_Businesses(businesses[1:]),  # type: ignore[arg-type]
        message=message,
        aliases=tuple(aliases[1:])
        if _is(aliases, "tuple") and _all_text(aliases)
        else decode(aliases),
        source=_location(source) if _is(source, "Location", 4) else decode(source),
        written=_Kept(written[1])
        if _is(written, "kept", 2) and type(written[1]) is str
        else decode(written),
        digest=digest,
    )


def _is(data: Any, kind: str, length: int | None = None) -> bool:
    """Return whether `data` is what `encode` makes of a `kind` (of `length` items, with it)."""
    return type(data) is list and data[:1] == [kind] and (length is None or len(data) == length)


def _all_text(data: list) -> bool:
    return all(type(item) is str for item in data)


def _event(data: list) -> Event:
    _, date, time, end, place, address = data
    return Event(
        date=dt.date.fromisoformat(date[1]) if _is(date, "date", 2) else decode(date),
        time=dt.time.fromisoformat(time[1]) if _is(time, "time", 2) else decode(time),
        end=dt.time.fromisoformat(end[1]) if _is(end, "time", 2) else decode(end),
        place=place,
        address=address,
    )


def _location(data: list) -> Location:
    _, path, line, col = data
    where = _READERS["path"](path[1]) if _is(path, "path", 2) else decode(path)
    return Location(where, line, col)


def _business(data: list) -> Business:
    kind, name, address, url, category, description = data
    if kind != "Business":
        raise ValueError(kind)
    return Business(name=name, address=address, url=url, category=category, description=description)


class _Businesses(Sequence[Business]):
    """A champion's businesses as the cache keeps them, each read when first asked for.

    Only the champions a build makes pages for need theirs: reading back the fifty thousand
    businesses of ten thousand champions took a fifth of reading the roster.
    """

    __slots__ = ("_read", "data")

    def __init__(self, data: list) -> None:
        self.data = data
        self._read: tuple[Business, ...] | None = None

    def _items(self) -> tuple[Business, ...]:
        if self._read is None:
            try:
                self._read = tuple([_business(b) for b in self.data])
            except (TypeError, ValueError):
                raise _damaged() from None
        return self._read

    def __getitem__(self, index):  # type: ignore[override]
        return self._items()[index]

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[Business]:
        return iter(self._items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Businesses):
            other = other._items()
        return self._items() == other

    def __hash__(self) -> int:
        return hash(self._items())

    def __repr__(self) -> str:
        return repr(self._items())


def _damaged() -> ToolkitError:
    return ToolkitError.at(
        Location(PurePosixPath(STATE_FOLDER)),
        "the build cache is damaged: delete the folder and build again",
    )


class _Kept(Mapping[str, Any]):
    """A mapping kept in the cache as JSON text, read when first asked for.

    A champion's entry as written goes into their kit alone: a rebuild after one edit makes
    one kit, and reading ten thousand entries back whole took it 90 ms.
    """

    __slots__ = ("_read", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._read: Mapping[str, Any] | None = None

    def _mapping(self) -> Mapping[str, Any]:
        if self._read is None:
            try:
                read = decode(json.loads(self.text))
            except (TypeError, ValueError, KeyError, AttributeError):
                read = None
            if not isinstance(read, MappingProxyType):
                raise _damaged()
            self._read = read
        return self._read

    def __getitem__(self, key: str) -> Any:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())

    def __repr__(self) -> str:
        return repr(self._mapping())


_FIELDS = {name: tuple(f.name for f in dataclasses.fields(c)) for name, c in _CLASSES.items()}
_SOURCE = 1 + _FIELDS["Champion"].index("source")
"""Where a kept champion says where their entry is."""
_READERS: dict[str, Any] = {
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
    # Every champion of a file names that file: one path object serves them all.
    "path": functools.lru_cache(maxsize=4096)(PurePosixPath),
}
