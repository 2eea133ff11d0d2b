"""`toolkit init`: a new campaign project, copied from the example campaign."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

from toolkit.errors import Location, ToolkitError
from toolkit.resources import example_project

_GITIGNORE = "/output/\n.toolkit-cache/\n"
_THEMES_README = """\
# Your theme overrides

Put a file at the same path as in toolkit's default theme to replace just that file:

    themes/default/templates/base.html      replaces the page frame
    themes/default/static/style.css         replaces the style sheet

Everything you do not override comes from the built-in default theme, so you keep its updates.
"""


def init(dest: Path) -> Path:
    """Create a new campaign project at `dest` (new or empty) from the example campaign."""
    dest = dest.resolve()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ToolkitError.at(
            Location(PurePosixPath(str(dest))),
            "folder is not empty; choose a new or empty folder (nothing was changed)",
        )
    source = example_project()
    dest.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(source / "toolkit.yaml", dest / "toolkit.yaml")
        shutil.copytree(source / "content", dest / "content", dirs_exist_ok=True)
        (dest / "themes").mkdir()
        (dest / "themes" / "README.md").write_text(_THEMES_README, encoding="utf-8")
        (dest / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
    except OSError as exc:
        raise ToolkitError.at(Location(PurePosixPath(str(dest))), f"cannot write: {exc}") from None
    return dest
