"""One look at every file under a project's `content/` and `themes/`, shared by what needs it.

A build used to walk `content/` four times before making anything: to learn whether any file
changed, to find the pages, to find the files published as they are, and to find links leading
out of the project. In a corpus of 10,000 pages each walk cost as much as rendering a page
a hundred times over.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

SCANNED = ("content", "themes")
"""The project's folders looked at, in this order."""


@dataclass(frozen=True, slots=True)
class Scan:
    """The files and links under the project's `content/` and `themes/`, in a stable order."""

    project: Path
    files: tuple[tuple[str, os.stat_result | None], ...]
    """Each file (a link to one included) by its path from the project, with `/` between
    folders, and what a stat of it says; None for a link that leads nowhere. Folders reached
    only through a link are not looked into."""
    links: tuple[str, ...]
    """Every symbolic link, to a file or a folder, by its path from the project."""


def scan(project: Path) -> Scan:
    """Walk `content/` and `themes/` of `project` once."""
    files: list[tuple[str, os.stat_result | None]] = []
    links: list[str] = []
    for top in SCANNED:
        _walk(os.path.join(project, top), f"{top}/", files, links)
    return Scan(project=project, files=tuple(files), links=tuple(links))


def _walk(
    folder: str, prefix: str, files: list[tuple[str, os.stat_result | None]], links: list[str]
) -> None:
    try:
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda e: e.name)
    except OSError:
        return  # not there, or not a folder
    folders = []
    for entry in entries:
        relative = prefix + entry.name
        link = entry.is_symlink()
        if link:
            links.append(relative)
        if entry.is_dir(follow_symlinks=False):
            folders.append(entry)
            continue
        if link and os.path.isdir(entry.path):
            continue  # a link to a folder: not looked into
        try:
            info: os.stat_result | None = entry.stat()
        except OSError:
            info = None  # a link that leads nowhere
        if info is None or stat.S_ISREG(info.st_mode) or link:
            files.append((relative, info))
    for entry in folders:
        _walk(entry.path, f"{prefix}{entry.name}/", files, links)
