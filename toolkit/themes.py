"""Themes: the lookup chain in which a project's `themes/<name>/` overrides the built-in theme."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from toolkit.errors import Location, ToolkitError
from toolkit.resources import builtin_theme

THEMES_DIR = "themes"


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme as a chain of folders, first match wins, ending in the built-in default."""

    name: str
    folders: tuple[Path, ...]

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        return tuple(f / "templates" for f in self.folders if (f / "templates").is_dir())

    def static_files(self) -> Mapping[PurePosixPath, Path]:
        """Return each static file (relative to `static/`) from the first folder that has it."""
        found: dict[PurePosixPath, Path] = {}
        for folder in self.folders:
            static = folder / "static"
            for root, dirs, files in os.walk(static):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    file = Path(root) / name
                    found.setdefault(PurePosixPath(file.relative_to(static).as_posix()), file)
        return MappingProxyType(dict(sorted(found.items())))


def load_theme(project: Path, name: str) -> Theme:
    """Return the theme `name` of `project`, refusing one that does not exist."""
    builtin = builtin_theme().resolve()
    own = (project / THEMES_DIR / name).resolve()
    if own.is_dir() and not own.is_relative_to(project.resolve()):
        raise ToolkitError.at(
            Location(PurePosixPath(THEMES_DIR, name)), "theme is outside the project"
        )
    if name != "default" and not own.is_dir():
        raise ToolkitError.at(
            Location(PurePosixPath("toolkit.yaml")),
            f"theme {name!r} not found: looked for {THEMES_DIR}/{name}/ in the project",
        )
    folders = [own] if own.is_dir() and own != builtin else []
    if name == "default" or own.is_dir():
        folders.append(builtin)
    return Theme(name, tuple(dict.fromkeys(folders)))
