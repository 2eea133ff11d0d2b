"""Where the built-in default theme and example campaign are: in the wheel, or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def builtin_root() -> Path:
    """Return the folder holding `themes/default/` and the example campaign."""
    bundled = _PACKAGE / "_builtin"
    if (bundled / "themes" / "default").is_dir():
        return bundled
    # A source checkout or editable install: the repository root is the example campaign.
    return _PACKAGE.parent


def builtin_theme() -> Path:
    """Return the built-in default theme's folder."""
    return builtin_root() / "themes" / "default"


def example_project() -> Path:
    """Return the example campaign project (with `toolkit.yaml` and `content/`)."""
    root = builtin_root()
    return root / "example" if (root / "example").is_dir() else root
