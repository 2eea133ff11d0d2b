"""What the last build into a folder made, so the next one makes only what changed."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from toolkit import FORMAT, __version__
from toolkit.atomic import write_whole
from toolkit.errors import Location, Problem
from toolkit.output import MARKER
from toolkit.plan import SITEMAP_KINDS, Kept, Output, counts_as_page
from toolkit.recent import recent
from toolkit.resources import builtin_theme
from toolkit.scan import Scan

STATE_FOLDER = ".toolkit-cache"


def state_file(project: Path, dest: Path) -> Path:
    """Where what the last build into `dest` made is kept: each output's digest and page count."""
    name = hashlib.sha256(str(dest).encode("utf-8")).hexdigest()[:16]
    return project / STATE_FOLDER / f"outputs-{name}.json"


@dataclass(frozen=True, slots=True)
class Report:
    """What a build did, for the summary line."""

    output: Path
    pages: int
    champions: int
    files: int
    seconds: float
    pdfs: int = 0
    pdfs_reused: int = 0
    unchanged: int = 0
    """Outputs taken as they were from the previous build."""
    warnings: tuple[Problem, ...] = field(default=())


def record(problem: Problem) -> list:
    where = problem.location
    return [str(where.path), where.line, where.col, problem.message, problem.severity, problem.hint]


def problem(record: list) -> Problem:
    path, line, col, message, severity, hint = record
    return Problem(Location(PurePosixPath(path), line, col), message, severity, hint)


def fingerprint(seen: Scan, dest: Path, *, pdfs: bool, kits: bool) -> str:
    """Return a digest of every file a build of the project `seen` reads, and of how it is
    built."""
    digest = hashlib.sha256(repr((__version__, FORMAT, str(dest), pdfs, kits)).encode("utf-8"))
    # A file's size, change time and inode change whenever it is saved: reading thousands of
    # files to learn that none changed would cost more than the rest of a no-change build.
    others = [str(seen.project / "toolkit.yaml"), *_files([builtin_theme()])]
    newest = 0
    for file, info in [*seen.files, *((file, _stat(file)) for file in others)]:
        if info is None:
            stamp = "-"
        else:
            stamp = f"{info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino}"
            newest = max(newest, info.st_mtime_ns)
        digest.update(f"{file}\0{stamp}\0".encode("utf-8", "surrogateescape"))
    if recent(newest):
        # A file saved a moment ago could be saved again unseen (same size, same clock tick):
        # such a fingerprint matches no other, so the next build looks at the files themselves.
        digest.update(str(time.time_ns()).encode())
    return digest.hexdigest()


def _stat(file: str) -> os.stat_result | None:
    try:
        return os.stat(file)
    except OSError:
        return None


def _files(folders: list[Path]) -> list[str]:
    found = []
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            found.extend(os.path.join(root, name) for name in sorted(files))
    return found


def load_state(project: Path, dest: Path) -> dict:
    """Return what the last build into `dest` made, or nothing if that is not known for sure."""
    try:
        state = json.loads(state_file(project, dest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(state, dict)
        or state.get("version") != __version__
        or state.get("output") != str(dest)
        or not (dest / MARKER).is_file()
        or state.get("stamp") != _stamp(dest)
    ):
        return {}
    state.setdefault("units", {})  # not kept by earlier versions: every output is listed
    if not all(isinstance(state.get(k), dict) for k in ("outputs", "pages", "summary", "units")):
        return {}
    if not all(map(_well_formed, state["units"].values())):
        return {}
    if not all(type(e) is list and len(e) == 2 for e in state["outputs"].values()):
        return {}
    return state


def kept_units(previous: dict, digests: Mapping[str, str]) -> dict[str, Kept]:
    """Return the champions, by id, whose digest (`digests.unit_digests`) is the one the last
    build recorded: their outputs, all still as that build made them, can stay."""
    kept = {}
    for champion, record in previous.get("units", {}).items():
        digest, pages, pdfs, listed, paths, _ = record
        if digest is not None and digests.get(champion) == digest:
            kept[champion] = Kept(champion, paths, listed, pages, pdfs)
    return kept


def recorded_paths(previous: dict) -> list[str]:
    """Return the path of every output the last build made."""
    paths = list(previous.get("outputs", {}))
    for record in previous.get("units", {}).values():
        paths.extend(_lines(record[_PATHS]))
    return paths


def recorded_outputs(previous: dict, skip: Container[str] = ()) -> dict[str, list]:
    """Return the digest and page count the last build recorded for each output, but for the
    outputs of the champions in `skip` (kept whole, their outputs are not looked at one by
    one)."""
    outputs: dict[str, list] = previous.get("outputs", {})
    units = [r for c, r in previous.get("units", {}).items() if c not in skip]
    if not units:
        return outputs
    outputs = dict(outputs)
    for record in units:
        for path, entry in zip(_lines(record[_PATHS]), _lines(record[_ENTRIES]), strict=True):
            digest, space, pages = entry.partition(" ")
            if digest == _NONE or (space and not (pages.isascii() and pages.isdigit())):
                outputs[path] = [None, None]  # made again (a damaged line too)
            else:
                outputs[path] = [digest, int(pages) if space else None]
    return outputs


def recorded_digest(previous: dict, champion: str) -> str | None:
    """Return the digest the last build recorded for a champion, if any."""
    record = previous.get("units", {}).get(champion)
    return record[0] if record else None


def unit_record(digest: str | None, outputs: Sequence[Output], made: Mapping[str, list]) -> list:
    """Return what the record keeps of one champion planned by this build: their digest (none
    when one of their outputs has none: it is made every time, so they are never kept whole),
    how many of their outputs are pages and PDFs, how many a sitemap lists (those come first),
    and each output's path, digest and page count.

    The paths and the digests are kept as lines of text: a campaign's record lists a hundred
    thousand outputs, read on every build, and a champion kept whole is never looked at one
    output at a time. The paths have no line breaks (made of slugs, `slugs.py`); a digest has
    no space.
    """
    entries = []
    for output in outputs:
        made_from, pages = made[output.path]
        if made_from is None:
            digest = None
        entry = made_from or _NONE
        entries.append(entry if pages is None else f"{entry} {pages}")
    listed = [i for i, o in enumerate(outputs) if o.kind in SITEMAP_KINDS]
    if listed != list(range(len(listed))):
        digest = None  # kept whole, their listed outputs are taken to come first
    return [
        digest,
        sum(1 for o in outputs if counts_as_page(o)),
        sum(1 for o in outputs if o.kind == "pdf"),
        len(listed),
        "\n".join(o.path for o in outputs),
        "\n".join(entries),
    ]


_PATHS, _ENTRIES = 4, 5
"""Where a champion's record has their outputs' paths, and their digests and page counts."""
_NONE = "-"
"""An output's digest when it has none."""


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def _count(text: str) -> int:
    """Return how many lines `_lines` makes of `text`."""
    return text.count("\n") + 1 if text else 0


def _well_formed(record: object) -> bool:
    """Return whether a champion's record is as `unit_record` makes them."""
    if type(record) is not list or len(record) != 6:
        return False
    digest, pages, pdfs, listed, paths, entries = record
    return (
        (digest is None or type(digest) is str)
        and type(pages) is int
        and type(pdfs) is int
        and type(listed) is int
        and type(paths) is str
        and type(entries) is str
        and _count(paths) == _count(entries)
        and 0 <= listed <= _count(paths)
    )


def save_state(
    project: Path,
    dest: Path,
    made: dict[str, list],
    pages: dict[str, list],
    summary: dict,
    project_fingerprint: str,
    theme: str,
    units: dict[str, list] | None = None,
) -> None:
    file = state_file(project, dest)
    file.parent.mkdir(parents=True, exist_ok=True)
    state = {
        "version": __version__,
        "output": str(dest),
        "stamp": _stamp(dest),
        "outputs": made,
        "pages": pages,
        "summary": summary,
        "fingerprint": project_fingerprint,
        "theme": theme,
        "units": units or {},
    }
    # Without spaces: a campaign's record lists a hundred thousand outputs, read on every build.
    text = json.dumps(state, separators=(",", ":"), check_circular=False)
    write_whole(file, text.encode("utf-8"))


def _stamp(dest: Path) -> int | None:
    # The marker is new in every build: a folder swapped in by someone else will not match.
    try:
        return (dest / MARKER).stat().st_ino
    except OSError:
        return None
