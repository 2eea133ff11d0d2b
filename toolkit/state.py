"""What the last build into a folder made, so the next one makes only what changed."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from toolkit import FORMAT, __version__
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
    state.setdefault("units", {})  # not kept by earlier versions: every digest is made
    if not all(isinstance(state.get(k), dict) for k in ("outputs", "pages", "summary", "units")):
        return {}
    return state


def kept_units(previous: dict, digests: Mapping[str, str]) -> dict[str, Kept]:
    """Return the champions, by id, whose digest (`digests.unit_digests`) is the one the last
    build recorded: their outputs, all still as that build made them, can stay."""
    recorded = previous.get("units", {})
    outputs = previous.get("outputs", {})
    if not recorded or not outputs:
        return {}
    paths = list(outputs)
    kept = {}
    for champion, digest in digests.items():
        entry = recorded.get(champion)
        if type(entry) is not list or len(entry) != 6 or entry[0] != digest:
            continue
        _, start, stop, pages, pdfs, listed = entry
        if not (
            type(start) is int
            and type(stop) is int
            and 0 <= start <= stop <= len(paths)
            and type(pages) is int
            and type(pdfs) is int
            and type(listed) is list
            and all(type(i) is int and 0 <= i < stop - start for i in listed)
        ):
            continue  # not written by this version
        kept[champion] = Kept(champion, paths[start:stop], listed, pages, pdfs)
    return kept


def recorded_digest(previous: dict, champion: str) -> str | None:
    """Return the digest the last build recorded for a champion, if any."""
    entry = previous.get("units", {}).get(champion)
    return entry[0] if type(entry) is list and entry else None


def unit_record(
    digest: str | None, start: int, outputs: Sequence[Output], made: Mapping[str, list]
) -> list:
    """Return what the record keeps of one champion planned by this build, whose `outputs`
    stand from `start` on in the record's outputs: their digest, where their outputs stand,
    how many are pages and PDFs, and which a sitemap lists. A champion one of whose outputs
    has no digest (always made again) is never kept whole."""
    if any(made[o.path][0] is None for o in outputs):
        digest = None
    return [
        digest,
        start,
        start + len(outputs),
        sum(1 for o in outputs if counts_as_page(o)),
        sum(1 for o in outputs if o.kind == "pdf"),
        [i for i, o in enumerate(outputs) if o.kind in SITEMAP_KINDS],
    ]


def kept_record(digest: str, start: int, unit: Kept) -> list:
    """Return what the record keeps of a champion kept whole, from `start` on."""
    return [digest, start, start + len(unit.paths), unit.pages, unit.pdfs, list(unit.listed)]


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
    temporary = file.with_suffix(".tmp")
    # Without spaces: a campaign's record lists a hundred thousand outputs, read on every build.
    text = json.dumps(state, separators=(",", ":"), check_circular=False)
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, file)


def _stamp(dest: Path) -> int | None:
    # The marker is new in every build: a folder swapped in by someone else will not match.
    try:
        return (dest / MARKER).stat().st_ino
    except OSError:
        return None
