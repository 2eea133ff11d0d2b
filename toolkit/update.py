"""`toolkit update`: bring a campaign's changes into a partner's fork, never losing a local edit.

Each file is compared three ways, using the base the fork recorded: unchanged here → take
upstream's; changed only here → keep; changed on both sides → merge the text where the changes
do not overlap, else keep the local file and write upstream's beside it as `<file>.upstream`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import merge3

from toolkit.errors import Location, ToolkitError
from toolkit.fork import (
    BASE_DIR,
    Upstream,
    digest,
    fetch_kit,
    read_upstream,
    record,
    safe_target,
    write_file,
)
from toolkit.site import CONFLICT_SUFFIX


@dataclass(frozen=True, slots=True)
class Change:
    """What update did (or would do) to one file."""

    path: str
    action: str
    """updated, added, removed, merged, kept, conflict."""
    note: str = ""

    def __str__(self) -> str:
        return f"{self.action:9} {self.path}" + (f"  ({self.note})" if self.note else "")


@dataclass(frozen=True, slots=True)
class UpdateReport:
    changes: tuple[Change, ...]
    conflicts: tuple[str, ...]
    """Every `.upstream` file left in the project, from this update or an earlier one."""
    source: str


def update(project: Path, source: str | None = None, *, dry_run: bool = False) -> UpdateReport:
    """Merge upstream's current kit into the fork at `project`."""
    root = project.resolve()
    recorded = read_upstream(root)
    files, recorded_source, _ = fetch_kit(source or recorded.source, recorded.champion)
    changes: list[Change] = []
    writes: dict[str, bytes | None] = {}
    for path in sorted(set(recorded.manifest) | set(files)):
        base = _base(root, recorded, path)
        mine = _read(root, path)
        theirs = files.get(path)
        change, result = _decide(path, base, mine, theirs)
        if change is not None:
            changes.append(change)
        if result is not _KEEP:
            writes[path] = result  # type: ignore[assignment]
        if change is not None and change.action == "conflict" and theirs is not None:
            writes[path + CONFLICT_SUFFIX] = theirs
    if not dry_run:
        for path, data in writes.items():
            target = safe_target(root, path)
            if data is None:
                target.unlink(missing_ok=True)
            else:
                write_file(root, path, data)
        stale = root / BASE_DIR
        for path in recorded.manifest:
            if path not in files:
                safe_target(stale, path).unlink(missing_ok=True)
        manifest = {p: digest(d) for p, d in files.items()}
        record(root, Upstream(recorded_source, recorded.champion, manifest), files)
    conflicts = sorted(
        str(p.relative_to(root)) for p in root.rglob(f"*{CONFLICT_SUFFIX}") if p.is_file()
    )
    if dry_run:
        conflicts = sorted(
            {*conflicts, *(c.path + CONFLICT_SUFFIX for c in changes if c.action == "conflict")}
        )
    return UpdateReport(tuple(changes), tuple(conflicts), recorded_source)


_KEEP = object()


def _decide(
    path: str, base: bytes | None, mine: bytes | None, theirs: bytes | None
) -> tuple[Change | None, object]:
    """Return what happens to one file, and its new content (None deletes, _KEEP leaves it)."""
    if mine == theirs:
        return None, _KEEP  # already the same, whoever changed it
    if base is None:
        if mine is None:
            return Change(path, "added"), theirs
        if theirs is None:
            return None, _KEEP  # the partner's own file
        return Change(path, "conflict", "you and the campaign both added it"), _KEEP
    if mine == base:
        if theirs is None:
            return Change(path, "removed"), None
        return Change(path, "updated"), theirs
    if theirs == base:
        return None, _KEEP  # only the partner changed it: nothing to bring in
    if mine is None:
        return Change(path, "conflict", "you deleted it; the campaign changed it"), _KEEP
    if theirs is None:
        return Change(path, "kept", "your edit; the campaign removed it"), _KEEP
    merged = _merge(base, mine, theirs)
    if merged is None:
        return Change(path, "conflict", "you and the campaign changed the same lines"), _KEEP
    return Change(path, "merged", "your edits and the campaign's"), merged


def _merge(base: bytes, mine: bytes, theirs: bytes) -> bytes | None:
    """Return a three-way merge of text, or None when the changes overlap (or it is binary)."""
    try:
        texts = [b.decode("utf-8").splitlines(keepends=True) for b in (base, mine, theirs)]
    except UnicodeDecodeError:
        return None
    merger = merge3.Merge3(texts[0], texts[1], texts[2])
    if any(group[0] == "conflict" for group in merger.merge_groups()):
        return None
    return "".join(merger.merge_lines()).encode("utf-8")


def _read(root: Path, path: str) -> bytes | None:
    target = safe_target(root, path)
    return target.read_bytes() if target.is_file() else None


def _base(root: Path, upstream: Upstream, path: str) -> bytes | None:
    if path not in upstream.manifest:
        return None
    data = _read(root / BASE_DIR, path)
    if data is None or digest(data) != upstream.manifest[path]:
        raise ToolkitError.at(
            _location(path), f"the recorded base of {path} is missing or changed; cannot merge"
        )
    return data


def _location(path: str) -> Location:
    return Location(PurePosixPath(BASE_DIR) / path)
