"""Spreadsheet rosters: a CSV export imported into `content/champions/`, and the roster listed."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from toolkit.errors import Location, Problem, Problems, ToolkitError, did_you_mean
from toolkit.fields import Fields
from toolkit.roster import (
    CHAMPION_KEYS,
    KINDS,
    ROSTER_DIR,
    Champion,
    load_roster,
    load_roster_file,
    read_champion,
    roster_files,
)
from toolkit.settings import load_settings
from toolkit.slugs import slugify
from toolkit.yamlfile import YamlDocument, parse

FIELDS = (
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
    "colors.primary",
    "colors.accent",
    "language",
    "aliases",
    "event.date",
    "event.time",
    "event.end",
    "event.place",
    "event.address",
    "message",
)
"""The roster fields a column can fill (`--map "Org Name=name"`)."""

_COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("ID", "Slug"),
    "name": ("Name", "Organization", "Organisation", "Champion"),
    "kind": ("Kind", "Type", "Category of champion"),
    "city": ("City", "Town"),
    "region": ("Region", "State", "Province"),
    "country": ("Country",),
    "website": ("Website", "Web site", "URL"),
    "email": ("Email", "E-mail", "Email address", "E-mail address"),
    "phone": ("Phone", "Telephone", "Phone number"),
    "logo": ("Logo",),
    "colors.primary": ("Primary colour", "Primary color"),
    "colors.accent": ("Accent colour", "Accent color"),
    "language": ("Language", "Lang"),
    "aliases": ("Aliases", "Alias"),
    "event.date": ("Event date", "Date"),
    "event.time": ("Event time", "Time", "Start time"),
    "event.end": ("Event end", "End time"),
    "event.place": ("Event place", "Venue", "Location", "Place"),
    "event.address": ("Event address", "Address"),
    "message": ("Message",),
}
"""Column headings recognised for each field, besides the field's own name."""

_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "chamber": ("Chamber of Commerce",),
    "mayor": ("Mayor's office", "Mayors office", "City", "City hall", "Town hall"),
    "bid": ("Business improvement district",),
    "nonprofit": ("Non-profit", "Not-for-profit"),
    "business": ("Small business", "Shop", "Store"),
    "other": ("Partner",),
}
"""Words a sheet may use for each kind, besides the kind itself and its label."""

_SUB_KEYS = {
    "colors": ("primary", "accent"),
    "event": ("date", "time", "end", "place", "address"),
}
_DELIMITERS = (",", ";", "\t")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME_24 = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")
_TIME_12 = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m\.?$", re.IGNORECASE)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}$")
_LIST_SEPARATORS = re.compile(r"[,;\s]+")


def _normalized(text: str) -> str:
    """Return `text` folded for matching: "E-mail" and "email", "Web site" and "Website"."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if c.isalnum())


_FIELD_BY_COLUMN = {
    _normalized(name): name_field
    for name_field, names in _COLUMN_NAMES.items()
    for name in (name_field, *names)
}
_KIND_BY_WORD = {
    _normalized(word): kind
    for kind, words in _KIND_WORDS.items()
    for word in (kind, KINDS[kind], *words)
}


@dataclass(frozen=True, slots=True)
class Sheet:
    """A spreadsheet export: its header and its rows, numbered as the spreadsheet shows them."""

    path: PurePosixPath
    """As the user named it."""
    header: tuple[str, ...]
    """Column headings, padded to the widest row."""
    header_row: int
    """The header's row number: 1, unless the sheet starts with blank rows."""
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    """(row number, cells) for each row below the header that has a value."""

    def at(self, row: int) -> Location:
        return Location(self.path, row)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import wrote."""

    target: PurePosixPath
    """The roster file, relative to the project."""
    champions: int
    kept_ids: int
    """Champions that were already in the roster file and kept their id."""
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class _Row:
    """One champion from the sheet, as it will be written."""

    number: int
    entry: dict[str, Any]
    previous: int | None = None
    """Index of the entry of the previous roster file that this row continues."""
    kept: frozenset[tuple[str, ...]] = frozenset()
    """Fields taken from that entry (the sheet has no column for them)."""
    kept_id: bool = False


@dataclass(frozen=True, slots=True)
class _Previous:
    """The roster file an import replaces: its entries keep their ids."""

    doc: YamlDocument | None = None
    entries: tuple[tuple[int, dict[str, Any]], ...] = ()
    """(index in the file, entry) for each entry that is a mapping."""


def import_sheet(
    source: Path,
    project: Path,
    *,
    into: Path | None = None,
    columns: Mapping[str, str] | None = None,
) -> ImportReport:
    """Turn the CSV file `source` into a roster file of `project`, or write nothing at all.

    `columns` maps column headings to fields (`FIELDS`), over the guesses; "" skips a column.
    """
    project = project.resolve()
    settings = load_settings(project)
    target, shown = _target(project, source, into)
    sheet = read_sheet(source)
    if not sheet.rows:
        # Most likely the wrong file; importing it would empty the roster.
        raise ToolkitError.at(
            sheet.at(sheet.header_row), "the sheet has no champions below its header"
        )
    problems = Problems()
    fields = match_columns(sheet, columns or {}, problems)
    problems.raise_if_errors()
    previous = _previous(project, target, shown)
    rows, dropped = _rows(sheet, fields, previous)
    if dropped:
        problems.warning(
            Location(shown),
            f"{len(dropped)} champion{'s' if len(dropped) != 1 else ''} of this file "
            f"{'are' if len(dropped) != 1 else 'is'} not in the sheet and will be removed: "
            + ", ".join(dropped),
        )
    champions = _validate(
        project, shown, sheet, fields, previous, rows, settings.languages, problems
    )
    _check_unique(project, target, champions, settings.languages, problems)
    problems.raise_if_errors()
    _write(target, shown, _HEADER.format(name=source.name) + _dump([r.entry for r in rows]))
    return ImportReport(
        target=shown,
        champions=len(rows),
        kept_ids=sum(1 for r in rows if r.kept_id),
        warnings=problems.warnings,
    )


_HEADER = (
    "# Imported from {name} by `toolkit champions import`. Import the sheet again to update\n"
    "# this file: ids stay, and fields the sheet has no column for (businesses…) are kept.\n"
)


def _target(project: Path, source: Path, into: Path | None) -> tuple[Path, PurePosixPath]:
    """Return the roster file to write, which must be directly in content/champions/."""
    wanted = into if into is not None else Path(ROSTER_DIR, f"{source.stem}.yaml")
    folder = (project / ROSTER_DIR).resolve()
    target = (project / wanted).resolve()
    # A roster in a sub-folder would never be read; one outside the project is not ours to write.
    if (
        target.parent != folder
        or not folder.is_relative_to(project)
        or target.suffix not in (".yaml", ".yml")
    ):
        raise ToolkitError.at(
            Location(PurePosixPath(wanted.as_posix())),
            f"the roster must be a .yaml file in {ROSTER_DIR}/ of the project",
        )
    return target, PurePosixPath(target.relative_to(project).as_posix())


def read_sheet(source: Path) -> Sheet:
    """Read a CSV export (UTF-8, with or without a BOM; commas, semicolons or tabs)."""
    shown = PurePosixPath(source.as_posix())
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ToolkitError.at(Location(shown), f"cannot read: {exc.strerror or exc}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ToolkitError.at(
            Location(shown), 'the file is UTF-16 text; export the sheet as "CSV UTF-8"'
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ToolkitError.at(
            Location(shown, line),
            f"the file is not UTF-8 text (byte {data[exc.start]:#04x}); "
            'export the sheet as "CSV UTF-8"',
        ) from None
    records = _records(text, shown)
    header_at = next((i for i, cells in enumerate(records) if any(cells)), None)
    if header_at is None:
        raise ToolkitError.at(Location(shown), "the sheet is empty")
    header = records[header_at]
    rows = tuple((n + 1, cells) for n, cells in enumerate(records) if n > header_at and any(cells))
    width = max(len(cells) for cells in records)
    return Sheet(shown, header + ("",) * (width - len(header)), header_at + 1, rows)


def _records(text: str, shown: PurePosixPath) -> list[tuple[str, ...]]:
    """Return every record, blank ones included, so that numbers match the spreadsheet's rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    records: list[tuple[str, ...]] = []
    try:
        for cells in reader:
            records.append(tuple(c.replace("\r\n", "\n").strip() for c in cells))
    except csv.Error as exc:
        message = str(exc)
        if "unexpected end of data" in message:
            message = 'a quoted cell is never closed (a " is missing)'
        raise ToolkitError.at(Location(shown, len(records) + 1), message) from None
    return records


def _delimiter(text: str) -> str:
    """Return the delimiter that splits the first non-blank record into the most cells."""

    def cells(delimiter: str) -> int:
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            return len(next((r for r in reader if any(c.strip() for c in r)), []))
        except csv.Error:
            return 0

    return max(_DELIMITERS, key=cells)  # the first one on a tie: a comma


def match_columns(
    sheet: Sheet, overrides: Mapping[str, str], problems: Problems
) -> tuple[str | None, ...]:
    """Return the field each column fills (None: not imported), from `overrides` and guesses."""
    header = sheet.at(sheet.header_row)
    wanted = {_normalized(column): name for column, name in overrides.items()}
    found = {_normalized(h) for h in sheet.header}
    for column in overrides:
        if _normalized(column) not in found:
            problems.error(
                header,
                f"--map names a column the sheet does not have: {column!r}",
                did_you_mean(column, [h for h in sheet.header if h]),
            )
    fields: list[str | None] = []
    for i, heading in enumerate(sheet.header):
        key = _normalized(heading)
        name = (wanted[key] or None) if key in wanted else _FIELD_BY_COLUMN.get(key)
        fields.append(name)
        if name is not None or key in wanted or not _has_values(sheet, i):
            continue
        if heading:
            problems.warning(
                header,
                f"column {_column(i, heading)} is not imported: it names no roster field; "
                f'use --map "{heading}=FIELD"',
                did_you_mean(heading.casefold(), FIELDS),
            )
        else:
            problems.warning(header, f"column {_column(i, heading)} has no heading: not imported")
    for name in FIELDS:
        same = [i for i, f in enumerate(fields) if f == name]
        if len(same) > 1:
            problems.error(
                header,
                f"columns {' and '.join(_column(i, sheet.header[i]) for i in same)} "
                f'both fill `{name}`; skip one with --map "{sheet.header[same[-1]]}="',
            )
    if "name" not in fields:
        problems.error(
            header,
            "no column has the champions' names (Name, Organization or Champion); "
            'name it with --map "COLUMN=name"',
        )
    return tuple(fields)


def _has_values(sheet: Sheet, column: int) -> bool:
    return any(column < len(cells) and cells[column] for _, cells in sheet.rows)


def _column(index: int, heading: str) -> str:
    """Return `C "E-mail"`: the column as a spreadsheet shows it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f'{letters} "{heading}"' if heading else letters


def _previous(project: Path, target: Path, shown: PurePosixPath) -> _Previous:
    """Read the roster file an import will replace, if there is one."""
    if not target.is_file():
        return _Previous()
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ToolkitError.at(Location(shown), f"cannot read: {exc}") from None
    doc = parse(text.removeprefix("\ufeff"), shown)
    if doc.data is None:
        return _Previous(doc)
    if not isinstance(doc.data, list):
        raise ToolkitError.at(
            doc.loc(), "a roster must be a list of champions: fix or remove it to import here"
        )
    entries = tuple((i, e) for i, e in enumerate(doc.data) if isinstance(e, dict))
    return _Previous(doc, entries)


def _rows(
    sheet: Sheet, fields: tuple[str | None, ...], previous: _Previous
) -> tuple[list[_Row], list[str]]:
    """Return the sheet's rows as roster entries, and the ids of old entries not in the sheet."""
    owned = frozenset(f for f in fields if f is not None)
    old = dict(previous.entries)
    by_id: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for i, entry in previous.entries:
        if _old_id(entry):
            by_id.setdefault(_old_id(entry), []).append(i)
        if _key(entry.get("name")):
            by_name.setdefault(_key(entry.get("name")), []).append(i)
    taken: set[int] = set()
    rows = []
    for number, cells in sheet.rows:
        entry: dict[str, Any] = {}
        for value, name in zip(cells, fields, strict=False):
            if name is not None and value:
                _put(entry, name, _convert(name, value))
        # The same id, else the same name: a renamed champion keeps its id only by its id.
        candidates = [
            *by_id.get(entry.get("id") or "", ()),
            *by_name.get(_key(entry.get("name")), ()),
        ]
        index = next((i for i in candidates if i not in taken), None)
        if index is None:
            rows.append(_Row(number, _ordered(entry)))
        else:
            taken.add(index)
            rows.append(_continue(number, entry, index, old[index], owned))
    dropped = [_old_id(e) for i, e in previous.entries if i not in taken]
    return rows, dropped


def _convert(name: str, value: str) -> Any:
    """Return a cell's value in the form the roster file takes."""
    if name != "message":
        value = " ".join(value.split())  # a line break typed into a cell is a space
    if name == "kind":
        return _KIND_BY_WORD.get(_normalized(value), value)
    if name == "event.date":
        return _date(value)
    if name in ("event.time", "event.end"):
        return _time(value)
    if name == "language" and _LANGUAGE.match(value):
        return value.lower()
    if name == "aliases":
        return [a for a in _LIST_SEPARATORS.split(value) if a]
    return value


def _date(value: str) -> dt.date | str:
    """Read 2026-11-28 or 11/28/2026 (US); anything else is left for the roster's check."""
    iso, us = _ISO_DATE.match(value), _US_DATE.match(value)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if us:
            return dt.date(int(us[3]), int(us[1]), int(us[2]))
    except ValueError:
        pass
    return value


def _time(value: str) -> str:
    """Read 9:00, 14:30, 9:00 AM or 2 pm as "HH:MM"; anything else is left for the check."""
    hour, minute = -1, 0
    if match := _TIME_24.match(value):
        hour, minute = int(match[1]), int(match[2])
    elif (match := _TIME_12.match(value)) and 1 <= int(match[1]) <= 12:
        hour = int(match[1]) % 12 + (12 if match[3].lower() == "p" else 0)
        minute = int(match[2] or 0)
    if 0 <= hour < 24 and minute < 60:
        return f"{hour:02d}:{minute:02d}"
    return value


def _put(entry: dict[str, Any], name: str, value: Any) -> None:
    if "." in name:
        group, key = name.split(".")
        entry.setdefault(group, {})[key] = value
    else:
        entry[name] = value


def _key(name: Any) -> str:
    """Return a name as it is compared: case and spacing do not count."""
    return " ".join(str(name or "").split()).casefold()


def _old_id(entry: dict[str, Any]) -> str:
    given = entry.get("id")
    return str(given) if given else slugify(str(entry.get("name") or ""))


def _continue(
    number: int, entry: dict[str, Any], index: int, old: dict[str, Any], owned: frozenset[str]
) -> _Row:
    """Return a row that continues an old entry: its id and aliases stay, and its other fields
    where the sheet has no column for them."""
    old_id = _old_id(old)
    merged = {k: dict(v) if isinstance(v, dict) else v for k, v in entry.items()}
    kept: set[tuple[str, ...]] = set()
    for key, value in old.items():
        if key in _SUB_KEYS and isinstance(value, dict):
            for sub, sub_value in value.items():
                if f"{key}.{sub}" not in owned:
                    merged.setdefault(key, {})[sub] = sub_value
                    kept.add((key, sub))
        elif key in ("id", "aliases") or any(f.split(".")[0] == key for f in owned):
            continue
        else:
            merged[key] = value
            kept.add((key,))
    old_aliases = old.get("aliases") or []
    old_aliases = [old_aliases] if isinstance(old_aliases, str) else list(old_aliases)
    new_aliases = [a for a in entry.get("aliases", []) if a not in old_aliases]
    if entry.get("id", old_id) != old_id:
        # The sheet gives a new id: the old one becomes an alias, so printed codes still work.
        new_aliases.append(old_id)
    else:
        merged["id"] = old_id
        if "id" in old:
            kept.add(("id",))
    if old_aliases or new_aliases:
        merged["aliases"] = old_aliases + new_aliases
        if not new_aliases:
            kept.add(("aliases",))
    kept_id = merged["id"] == old_id
    return _Row(number, _ordered(merged), index, frozenset(kept), kept_id)


def _ordered(entry: dict[str, Any]) -> dict[str, Any]:
    """Return `entry` with its keys in the roster's usual order and times quoted."""
    if "id" not in entry and "name" in entry and slugify(str(entry["name"])):
        entry = {**entry, "id": slugify(str(entry["name"]))}
    ordered = {k: entry[k] for k in CHAMPION_KEYS if k in entry}
    ordered.update((k, v) for k, v in entry.items() if k not in ordered)
    for group, keys in _SUB_KEYS.items():
        value = ordered.get(group)
        if isinstance(value, dict):
            inner = {k: value[k] for k in keys if k in value}
            inner.update((k, v) for k, v in value.items() if k not in inner)
            ordered[group] = inner
    event = ordered.get("event")
    if isinstance(event, dict):
        for key in ("time", "end"):
            if isinstance(event.get(key), str):
                event[key] = _Quoted(event[key])
    return ordered


def _validate(
    project: Path,
    shown: PurePosixPath,
    sheet: Sheet,
    fields: tuple[str | None, ...],
    previous: _Previous,
    rows: list[_Row],
    languages: tuple[str, ...],
    problems: Problems,
) -> list[Champion]:
    """Read each row back through the roster loader, as a build will; report at the sheet's row."""
    columns = {name: i for i, name in reversed(list(enumerate(fields))) if name is not None}
    champions = []
    for row in rows:
        doc = parse(_dump([row.entry]), shown)
        found = Problems()
        champion = read_champion(project, Fields(doc, (0,), found, "a champion"), languages)
        for problem in found.items:
            problems.extend([_relocate(problem, doc, row, sheet, columns, previous)])
        if champion is not None:
            champions.append(replace(champion, source=sheet.at(row.number)))
    return champions


def _relocate(
    problem: Problem,
    doc: YamlDocument,
    row: _Row,
    sheet: Sheet,
    columns: Mapping[str, int],
    previous: _Previous,
) -> Problem:
    """Move a problem from the YAML of one row to the sheet's row, or to the old roster file
    for a field kept from it."""
    keys = _key_path(doc, problem.location)
    if (
        row.previous is not None
        and previous.doc is not None
        and any(keys[: len(k)] == k for k in row.kept)
    ):
        return replace(problem, location=previous.doc.loc(row.previous, *keys))
    dotted = ".".join(str(k) for k in keys[:2])
    index = columns.get(dotted, columns.get(str(keys[0]))) if keys else None
    hints = [problem.hint] if problem.hint else []
    if index is not None:
        hints.insert(0, f"column {_column(index, sheet.header[index])}")
    return replace(problem, location=sheet.at(row.number), hint="; ".join(hints) or None)


def _key_path(doc: YamlDocument, location: Location) -> tuple[str | int, ...]:
    """Return the key path of the value written at `location`, without the entry's index."""
    best: tuple[str | int, ...] | None = None
    for keys, where in doc.locations.items():
        if where == location and keys and keys[0] != "<key>":
            best = keys if best is None or len(keys) > len(best) else best
    return best[1:] if best else ()


def _check_unique(
    project: Path,
    target: Path,
    champions: list[Champion],
    languages: tuple[str, ...],
    problems: Problems,
) -> None:
    """Report ids and aliases that another row or another roster file already uses."""
    seen: dict[str, tuple[str, Location]] = {}
    for file in roster_files(project):
        if file.resolve() == target:
            continue
        try:
            others = load_roster_file(project, file, languages, Problems())
        except ToolkitError:
            continue  # `toolkit check` reports that file; this import is not about it
        for champion in others:
            for what, slug in _slugs(champion):
                seen.setdefault(slug, (what, champion.source))
    for champion in champions:
        for what, slug in _slugs(champion):
            if slug in seen:
                first_what, first_location = seen[slug]
                problems.error(
                    champion.source,
                    f"{what} `{slug}` is already used as the {first_what} of the champion "
                    f"at {first_location}",
                )
            else:
                seen[slug] = (what, champion.source)


def _slugs(champion: Champion) -> Iterable[tuple[str, str]]:
    yield "id", champion.id
    for alias in champion.aliases:
        yield "alias", alias


class _Quoted(str):
    """A string written in double quotes: times, which YAML 1.1 could read as numbers."""

    __slots__ = ()


class _Dumper(yaml.SafeDumper):
    """`yaml.safe_dump`'s dumper, plus quoted times and multi-line text as a `|` block."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_Dumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    ),
)
_Dumper.add_representer(
    _Quoted,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"'),
)


def _dump(entries: list[dict[str, Any]]) -> str:
    return yaml.dump(
        entries, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=float("inf")
    )


def _write(target: Path, shown: PurePosixPath, text: str) -> None:
    """Write `text` to `target` whole or not at all: a temporary file, then a rename."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ToolkitError.at(Location(shown), f"cannot write: {exc.strerror or exc}") from None


LIST_FORMATS = ("table", "csv", "json")


@dataclass(frozen=True, slots=True)
class Listed:
    """One champion in `toolkit champions list`."""

    id: str
    name: str
    city: str | None
    kind: str
    language: str
    """The champion's language, or the campaign's first one."""


_LISTED = tuple(f.name for f in dataclasses.fields(Listed))


def list_champions(project: Path) -> tuple[Listed, ...]:
    """Return every champion of `project`, in roster order, checked as a build checks them."""
    project = project.resolve()
    settings = load_settings(project)
    return tuple(
        Listed(
            id=c.id,
            name=c.name,
            city=c.city,
            kind=c.kind,
            language=c.language or settings.languages[0],
        )
        for c in load_roster(project, settings.languages)
    )


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: str) -> str:
    """Return `cell` so that a spreadsheet opening the CSV shows it rather than runs it."""
    # A roster name such as `=HYPERLINK(...)` would otherwise become a live formula in Excel.
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def format_listing(champions: tuple[Listed, ...], output_format: str) -> str:
    """Return the champions as an aligned table, CSV or JSON (`LIST_FORMATS`)."""
    if output_format == "json":
        listed = [dict(zip(_LISTED, astuple(c), strict=True)) for c in champions]
        return json.dumps(listed, indent=2, ensure_ascii=False) + "\n"
    rows = [_LISTED, *([" ".join((v or "").split()) for v in astuple(c)] for c in champions)]
    if output_format == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([_inert(v) for v in row] for row in rows)
        return out.getvalue()
    widths = [max(len(row[i]) for row in rows) for i in range(len(_LISTED))]
    lines = ("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in rows)
    return "".join(line.rstrip() + "\n" for line in lines)
