"""The rosters of local champions: `content/champions/*.yaml`, loaded and validated."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, Protocol

from toolkit.errors import Location, Problem, Problems, ToolkitError, did_you_mean
from toolkit.fields import Fields
from toolkit.slugs import is_slug, slugify
from toolkit.workers import cores, in_workers
from toolkit.yamlfile import parse

ROSTER_DIR = PurePosixPath("content/champions")

KINDS: dict[str, str] = {
    "chamber": "Chamber of commerce",
    "mayor": "Mayor's office",
    "bid": "Business improvement district",
    "nonprofit": "Nonprofit",
    "business": "Small business",
    "other": "Local partner",
}
"""The kinds of champion, with the label shown for each."""

LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """A champion's Shop Local event."""

    date: dt.date | None = None
    time: dt.time | None = None
    """Start time."""
    end: dt.time | None = None
    """End time."""
    place: str | None = None
    """Where, in a few words: "Courthouse Square"."""
    address: str | None = None
    """Street address, for maps and calendars."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Business:
    """A business taking part with a champion."""

    name: str
    address: str | None = None
    url: str | None = None
    category: str | None = None
    description: str | None = None
    """A sentence or two, Markdown."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Colors:
    """A champion's brand colours, used to co-brand their microsite and print kit."""

    primary: str
    accent: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Champion:
    """A local champion: one entry of a roster file."""

    id: str
    """URL slug: the microsite is `champions/<id>/`. Derived from `name` when absent."""
    name: str
    """The champion's name (required)."""
    kind: str = "other"
    """One of: chamber, mayor, bid, nonprofit, business, other."""
    city: str | None = None
    region: str | None = None
    """State, province or region; the directory groups champions by it."""
    country: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    logo: PurePosixPath | None = None
    """Logo file, relative to `content/`."""
    colors: Colors | None = None
    """`{primary: "#1f4e79", accent: "#f2a900"}`."""
    language: str | None = None
    """Language of the microsite and kit; the campaign's first language when absent."""
    event: Event | None = None
    """`{date, time, end, place, address}`."""
    businesses: tuple[Business, ...] = ()
    """`[{name, address, url, category, description}]`."""
    message: str | None = None
    """The champion's own words, Markdown."""
    aliases: tuple[str, ...] = ()
    """Old ids that must keep working (they redirect to the microsite)."""
    source: Location = field(default=Location(ROSTER_DIR))
    written: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """The entry as the campaign wrote it: a partner's kit carries it as it is."""
    digest: str = ""
    """A digest of all the above but where the entry is written (`entry_digest`): what a
    build compares to know whether the champion's pages must be made again."""

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, KINDS["other"])

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        # Champions read by other processes come back pickled; a read-only mapping cannot be.
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        values["written"] = dict(self.written)
        return _unpickle_champion, (values,)


RULES = 2
"""Counts changes to what an entry may say: champions kept in the build cache under other rules
are read again from their roster, so a build with the cache finds what a clean one does."""

LONGEST_TEXT = 20_000
"""The most characters a champion's message, or a business's description, may have. Both are
Markdown cleaned for the page, in time that grows with the square of how deep their HTML nests:
a message of half a million characters took twenty seconds to clean, one of this length at most
a tenth of a second."""

CHAMPION_KEYS = (
    "id",
    "name",
    "kind",
    "city",
    "region",
    "country",
    "website",
    "email",
    "phone",
    "logo",
    "colors",
    "language",
    "event",
    "businesses",
    "message",
    "aliases",
)
"""The keys of a roster entry, in the order they are written."""


def roster_files(project: Path) -> list[Path]:
    """Return the roster files of `project`, in a stable order."""
    folder = project / ROSTER_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


class RosterCache(Protocol):
    """Where `load_roster` keeps the champions of each file it read, and finds them again while
    the file is the same (same size, change time and inode)."""

    def get(self, path: PurePosixPath, seen: tuple[int, ...]) -> list[Champion] | None:
        """Return the champions read from `path` when it was as `seen`, or None."""

    def earlier(self, path: PurePosixPath) -> Mapping[str, tuple[Champion, int]]:
        """Return the champions last read from `path` (now changed), by the digest of their
        entry's text (`entries_of`), each with the line its entry started on; none when the
        logos they name changed too."""

    def put(
        self,
        path: PurePosixPath,
        seen: tuple[int, ...],
        champions: list[Champion],
        entries: list[tuple[str, int]] | None = None,
    ) -> None:
        """Keep the champions read from `path` as `seen`, with the digest of each one's entry
        and the line it starts on, when the file could be split into its entries."""

    def keep_only(self, paths: Iterable[PurePosixPath]) -> None:
        """Forget the files that are gone, and save."""


def load_roster(
    project: Path,
    languages: tuple[str, ...],
    problems: Problems | None = None,
    cache: RosterCache | None = None,
) -> tuple[Champion, ...]:
    """Read every roster file; ids and aliases must be unique across all of them.

    Problems go into `problems` when given (warnings included); otherwise errors are raised.
    Files that did not change are taken from `cache`, and files read are kept there.
    """
    own = problems is None
    problems = Problems() if problems is None else problems
    files = []
    for file in roster_files(project):
        path = PurePosixPath(file.relative_to(project).as_posix())
        info = file.stat()
        seen = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        kept = cache.get(path, seen) if cache is not None else None
        files.append((file, path, seen, kept))
    unread = [(file, path, seen[0]) for file, path, seen, kept in files if kept is None]
    earlier = {path: cache.earlier(path) if cache is not None else None for _, path, _ in unread}
    read = iter(_read_all(project, unread, languages, earlier))
    champions: list[Champion] = []
    paths = set()
    for _, path, seen, kept in files:
        paths.add(path)
        if kept is not None:
            champions.extend(kept)
            continue
        these, entries, found = next(read)
        champions.extend(these)
        if cache is not None and not found:
            # A file with problems is read again each time, so they are said each time.
            cache.put(path, seen, these, entries)
        problems.extend(found)
    if cache is not None:
        cache.keep_only(paths)
    _check_unique(champions, problems)
    if own:
        problems.raise_if_errors()
    return tuple(champions)


def _unpickle_champion(values: dict[str, Any]) -> Champion:
    return Champion(**{**values, "written": MappingProxyType(values["written"])})


PARALLEL_FROM = 1_000_000
"""From this many bytes of roster files to read, in more than one file, they are read by one
process per core (a roster of 10,000 champions is about 7 MB, and YAML takes seconds)."""

_Read = tuple[list["Champion"], list[tuple[str, int]] | None, list[Problem]]


def _read_all(
    project: Path,
    files: list[tuple[Path, PurePosixPath, int]],
    languages: tuple[str, ...],
    earlier: Mapping[PurePosixPath, Mapping[str, tuple[Champion, int]] | None],
) -> list[_Read]:
    """Read `files` (in order, each with its size): their champions, entries and problems."""
    workers = cores()
    total = sum(size for _, _, size in files) if len(files) > 1 else 0
    if total < PARALLEL_FROM or workers < 2:
        return [_read_one(project, file, path, languages, earlier[path]) for file, path, _ in files]
    global _READING
    _READING = (project, files, languages, earlier)
    try:
        done = dict(in_workers(_read_in_worker, range(len(files)), workers))
    finally:
        _READING = None
    return [done[index] for index in range(len(files))]


_READING: (
    tuple[
        Path,
        list[tuple[Path, PurePosixPath, int]],
        tuple[str, ...],
        Mapping[PurePosixPath, Mapping[str, tuple[Champion, int]] | None],
    ]
    | None
) = None
"""What the forked workers read: the project, the files, the languages, what was read before."""


def _read_in_worker(index: int) -> tuple[int, _Read]:
    assert _READING is not None
    project, files, languages, earlier = _READING
    file, path, _ = files[index]
    return index, _read_one(project, file, path, languages, earlier[path])


def _read_one(
    project: Path,
    file: Path,
    path: PurePosixPath,
    languages: tuple[str, ...],
    earlier: Mapping[str, tuple[Champion, int]] | None,
) -> _Read:
    found = Problems()
    try:
        read, entries = read_roster_file(project, file, languages, found, earlier)
    except ToolkitError as exc:
        found.absorb(exc)
        return [], None, found.items
    return read, entries, found.items


def load_roster_file(
    project: Path, file: Path, languages: tuple[str, ...], problems: Problems
) -> list[Champion]:
    """Read one roster file: a YAML list of champions."""
    return read_roster_file(project, file, languages, problems)[0]


def read_roster_file(
    project: Path,
    file: Path,
    languages: tuple[str, ...],
    problems: Problems,
    earlier: Mapping[str, tuple[Champion, int]] | None = None,
) -> tuple[list[Champion], list[tuple[str, int]] | None]:
    """Read one roster file; return its champions and, when the file splits into its entries
    (`entries_of`), the digest of each one's entry and the line it starts on.

    The champions of entries in `earlier` (the digests of entries read before, with what they
    made and where they started) are taken from there rather than read again: an edit to one
    entry of a file of thousands reads that entry alone. Without `earlier` (no cache to keep
    entries in) the file is not split.
    """
    path = PurePosixPath(file.relative_to(project).as_posix())
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ToolkitError.at(Location(path), f"cannot read: {exc}") from None
    text = text.removeprefix("\ufeff")
    entries = entries_of(text) if earlier is not None else None
    if entries is not None and earlier:
        read = _read_entries(project, path, entries, languages, earlier)
        if read is not None:
            return read, [(digest, start) for start, _, digest in entries]
    champions = _read_whole(project, path, text, languages, problems)
    if entries is None or len(entries) != len(champions):
        return champions, None
    # Each champion must lie within its entry, or the split is not what YAML read.
    ends = [start for start, _, _ in entries[1:]] + [text.count("\n") + 1]
    for champion, (start, _, _), end in zip(champions, entries, ends, strict=True):
        if not start < (champion.source.line or 0) <= end:
            return champions, None
    return champions, [(digest, start) for start, _, digest in entries]


def _read_entries(
    project: Path,
    path: PurePosixPath,
    entries: list[tuple[int, str, str]],
    languages: tuple[str, ...],
    earlier: Mapping[str, tuple[Champion, int]],
) -> list[Champion] | None:
    """Read a file entry by entry, taking from `earlier` those read before; None when an entry
    has a problem (the file is then read whole, for the messages YAML gives a whole file)."""
    champions = []
    for start, text, digest in entries:
        known = earlier.get(digest)
        if known is not None:
            champion, was = known
            source = champion.source
            moved = Location(path, (source.line or 0) - was + start, source.col)
            champions.append(dataclasses.replace(champion, source=moved))
            continue
        found = Problems()
        try:
            doc = parse(text, path, line_offset=start)
        except ToolkitError:
            return None
        if not isinstance(doc.data, list) or len(doc.data) != 1:
            return None
        if not isinstance(doc.data[0], dict):
            return None
        champion = read_champion(project, Fields(doc, (0,), found, "a champion"), languages)
        if champion is None or found.items:
            return None
        champions.append(champion)
    return champions


def _read_whole(
    project: Path, path: PurePosixPath, text: str, languages: tuple[str, ...], problems: Problems
) -> list[Champion]:
    doc = parse(text, path)
    if doc.data is None:
        return []
    if not isinstance(doc.data, list):
        raise ToolkitError.at(doc.loc(), "a roster must be a list of champions (`- name: …`)")
    champions = []
    for i, entry in enumerate(doc.data):
        if not isinstance(entry, dict):
            problems.error(doc.loc(i), "each champion must be a mapping with at least `name:`")
            continue
        champion = read_champion(project, Fields(doc, (i,), problems, "a champion"), languages)
        if champion is not None:
            champions.append(champion)
    return champions


_ENTRY_START = re.compile(r"^-(?=[ \t\n]|$)", re.MULTILINE)
_NOT_SPLIT = ("\r", "\x85", "\u2028", "\u2029", "\n---", "\n...", "\n%")
"""Line breaks other than `\n`, and lines that start a document or give a directive."""


def entries_of(text: str) -> list[tuple[int, str, str]] | None:
    """Split a roster file into its entries: each one's first line (counted from 0), its text
    and a digest of it; None when the file is not a plain list of entries.

    An entry starts at a `-` in the first column and runs to the next. Read on its own, an
    entry gives what YAML gives it in the whole file, except where something runs over from one
    entry into the next (an alias of an anchor in another entry, an unclosed quote): reading it
    alone then fails, and the file is read whole. Directives, several documents and line breaks
    other than `\n` are left to a whole read.
    """
    starts = [match.start() for match in _ENTRY_START.finditer(text)]
    # Each looked for on its own: one pattern for them all took 0.1 s over a file of 10,000.
    if not starts or text.startswith(("---", "...", "%")) or any(s in text for s in _NOT_SPLIT):
        return None
    for line in text[: starts[0]].split("\n"):
        if line.strip() and not line.lstrip().startswith("#"):
            return None  # something before the first entry: not a plain list
    entries = []
    line = text.count("\n", 0, starts[0])
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
        entry = text[begin:end]
        digest = hashlib.sha256(entry.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        entries.append((line, entry, digest))
        line += entry.count("\n")
    return entries


def read_champion(project: Path, f: Fields, languages: tuple[str, ...]) -> Champion | None:
    """Read one roster entry, recording its problems; None when it cannot become a champion."""
    f.check_keys(CHAMPION_KEYS)
    name = f.text("name", required=True)
    champion_id = _id(f, name)
    kind = (f.text("kind") or "other").lower()
    if kind not in KINDS:
        f.problems.error(
            f.loc("kind"),
            f"unknown kind {kind!r}: use one of {', '.join(KINDS)}",
            did_you_mean(kind, KINDS),
        )
    language = f.language("language")
    if language is not None and language not in languages:
        f.problems.warning(
            f.loc("language"),
            f"language {language!r} is not in the campaign's languages; "
            f"{languages[0]!r} is used instead",
        )
        language = None
    champion = Champion(
        id=champion_id or "-",
        name=name or "",
        kind=kind,
        city=f.text("city"),
        region=f.text("region"),
        country=f.text("country"),
        website=f.url("website"),
        email=f.email("email"),
        phone=f.text("phone"),
        logo=_logo(project, f),
        colors=_colors(f.mapping("colors")),
        language=language,
        event=_event(f.mapping("event")),
        businesses=tuple(_business(b) for b in f.items("businesses", "a business")),
        message=f.text("message", longest=LONGEST_TEXT),
        aliases=_aliases(f),
        source=f.doc.loc(*f.keys),
        written=MappingProxyType(f.data),
    )
    # Fields above are still read when the name or id is bad, so that every problem is
    # reported at once.
    if name is None or champion_id is None:
        return None
    return dataclasses.replace(champion, digest=entry_digest(champion))


def entry_digest(champion: Champion) -> str:
    """Return a digest of everything `champion` says, but not of the line it is written on
    (moving an entry within its file changes none of its pages)."""
    plain = dataclasses.replace(champion, source=Location(champion.source.path), digest="")
    return hashlib.sha256(repr(plain).encode("utf-8")).hexdigest()[:32]


def _id(f: Fields, name: str | None) -> str | None:
    given = f.text("id")
    if given is not None:
        if not is_slug(given):
            f.bad(
                "id",
                f"`id` must be lowercase letters, digits and hyphens, not {given!r}",
            )
            return None
        return given
    if name is None:
        return None  # the missing name is reported already
    derived = slugify(name)
    if not derived:
        f.bad("name", f"cannot make an id from the name {name!r}: add an `id:`")
        return None
    return derived


def _aliases(f: Fields) -> tuple[str, ...]:
    aliases = f.text_list("aliases")
    for i, alias in enumerate(aliases):
        if not is_slug(alias):
            f.problems.error(
                f.doc.loc(*f.keys, "aliases", i),
                f"alias must be lowercase letters, digits and hyphens, not {alias!r}",
            )
    return tuple(a for a in aliases if is_slug(a))


def _logo(project: Path, f: Fields) -> PurePosixPath | None:
    value = f.text("logo")
    if value is None:
        return None
    logo = PurePosixPath(value.replace("\\", "/"))
    content = (project / "content").resolve()
    target = (content / logo).resolve()
    if logo.is_absolute() or not target.is_relative_to(content):
        f.bad("logo", f"`logo` must be a file under content/, not {value!r}")
        return None
    if logo.suffix.lower() not in LOGO_TYPES:
        f.bad("logo", f"`logo` must be an image ({', '.join(LOGO_TYPES)}), not {value!r}")
        return None
    if not target.is_file():
        f.bad("logo", f"logo file not found: content/{logo}")
        return None
    size = image_size(target)
    if size is not None and min(size) < PRINT_LOGO_PIXELS:
        f.problems.warning(
            f.loc("logo"),
            f"logo is {size[0]}×{size[1]} pixels, too few to print sharply; "
            f"use at least {PRINT_LOGO_PIXELS} pixels or an SVG",
        )
    return logo


PRINT_LOGO_PIXELS = 600
"""A logo prints about 45 mm wide on tabloid paper: 600 pixels is 300 dpi there."""


def image_size(path: Path) -> tuple[int, int] | None:
    """Return the pixel size of a PNG or JPEG from its header, or None for other files."""
    try:
        with path.open("rb") as file:
            head = file.read(64 * 1024)
    except OSError:
        return None
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if head[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(head):
            if head[i] != 0xFF:
                return None
            marker, length = head[i + 1], int.from_bytes(head[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height = int.from_bytes(head[i + 5 : i + 7], "big")
                return int.from_bytes(head[i + 7 : i + 9], "big"), height
            i += 2 + length
    return None


def _colors(f: Fields | None) -> Colors | None:
    if f is None:
        return None
    f.check_keys(("primary", "accent"))
    primary = f.color("primary")
    if primary is None:
        if not f.has("primary"):
            f.text("primary", required=True)
        return None
    return Colors(primary=primary, accent=f.color("accent"))


def _event(f: Fields | None) -> Event | None:
    if f is None:
        return None
    f.check_keys(("date", "time", "end", "place", "address"))
    return Event(
        date=f.date("date"),
        time=f.time("time"),
        end=f.time("end"),
        place=f.text("place"),
        address=f.text("address"),
    )


def _business(f: Fields) -> Business:
    f.check_keys(("name", "address", "url", "category", "description"))
    return Business(
        name=f.text("name", required=True) or "",
        address=f.text("address"),
        url=f.url("url"),
        category=f.text("category"),
        description=f.text("description", longest=LONGEST_TEXT),
    )


def _check_unique(champions: list[Champion], problems: Problems) -> None:
    """Report ids and aliases used twice, naming both places."""
    seen: dict[str, tuple[str, Location]] = {}
    for champion in champions:
        names = [("id", champion.id, champion.source)]
        names += [("alias", a, champion.source) for a in champion.aliases]
        for what, slug, location in names:
            if slug in seen:
                first_what, first_location = seen[slug]
                problems.error(
                    location,
                    f"{what} `{slug}` is already used as the {first_what} of the champion "
                    f"at {first_location}",
                )
            else:
                seen[slug] = (what, location)
