"""The theme's Jinja environment: lookup chain, autoescape, strict undefined, located errors."""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from toolkit.errors import Location, ToolkitError
from toolkit.themes import Theme

_HEX = re.compile(r"^#([0-9a-f]{3}|[0-9a-f]{6})$", re.IGNORECASE)


def make_environment(theme: Theme) -> jinja2.Environment:
    """Return the environment theme templates render in; a project's templates come first."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
        autoescape=jinja2.select_autoescape(("html", "xml", "ics"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates are read once per build; nothing needs to notice them change mid-build.
        auto_reload=False,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["contrast_text"] = contrast_text
    env.filters["mix"] = mix
    env.filters["language_name"] = language_name
    env.filters["search_key"] = search_key
    # `_` comes with each page's context, in that page's language; this is the fallback.
    env.globals["_"] = lambda text: text
    return env


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled by an earlier build, kept by Jinja in a folder of the user's own
    (never the project's: compiled code runs when loaded, and a project is passed around),
    each checked against its template's text before use."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        # Should it fail (a full disk), only the next build's head start is lost.
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@functools.cache
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    try:
        return _CompiledTemplates()
    except (OSError, RuntimeError):
        return None  # no private folder to be had: compile each time


def get_template(env: jinja2.Environment, name: str, project: Path) -> jinja2.Template:
    """Load a template, turning a missing or broken one into a located error."""
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        dirs = ", ".join(_shown(Path(d), project) for d in env.loader.searchpath)  # type: ignore[union-attr]
        raise ToolkitError.at(
            Location(PurePosixPath(name)), f"template {name!r} not found in: {dirs}"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise template_error(exc, project) from None


def render_template(template: jinja2.Template, context: dict[str, Any], project: Path) -> str:
    """Render a theme template; a mistake in it is reported at its file and line."""
    try:
        return template.render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise template_error(exc, project) from None
    except Exception as exc:
        # A mistake in a project's own template ({{ n // 0 }}) is bad input, not a crash.
        raise _runtime_error(exc, template, project) from None


def template_error(exc: jinja2.TemplateSyntaxError, project: Path) -> ToolkitError:
    where = Path(exc.filename) if exc.filename else Path(exc.name or "template")
    return ToolkitError.at(
        Location(PurePosixPath(_shown(where, project)), exc.lineno), f"template: {exc.message}"
    )


def _runtime_error(exc: Exception, template: jinja2.Template, project: Path) -> ToolkitError:
    # Jinja rewrites traceback frames to template lines: the last template frame is the culprit.
    filename, lineno = template.filename, None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt", ".ics")):
            filename, lineno = name, tb.tb_lineno
        tb = tb.tb_next
    where = PurePosixPath(_shown(Path(filename or "template"), project))
    return ToolkitError.at(Location(where, lineno), f"template: {exc}")


def _shown(path: Path, project: Path) -> str:
    try:
        return path.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return str(path)


def _rgb(color: str) -> tuple[float, float, float]:
    digits = _HEX.match(color)
    if digits is None:
        return (0.0, 0.0, 0.0)
    hexes = digits[1]
    if len(hexes) == 3:
        hexes = "".join(c * 2 for c in hexes)
    return tuple(int(hexes[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


@functools.lru_cache(maxsize=1024)  # every page works out its colours' contrast again
def luminance(color: str) -> float:
    """Return the WCAG relative luminance of a #rrggbb colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio between two colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@functools.lru_cache(maxsize=1024)  # a campaign's pages ask it of a few colours, thousands of times
def contrast_text(background: str) -> str:
    """Return white or black, whichever reads better on `background`."""
    # With pure black, one of the two always reaches 4.5:1, whatever the background.
    white, black = "#ffffff", "#000000"
    return white if contrast(white, background) >= contrast(black, background) else black


@functools.lru_cache(maxsize=1024)
def mix(color: str, other: str, amount: float) -> str:
    """Return `color` mixed with `other` by `amount` (0 to 1), as #rrggbb."""
    a, b = _rgb(color), _rgb(other)
    mixed = (x + (y - x) * amount for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{round(c * 255):02x}" for c in mixed)


def language_name(code: str) -> str:
    """Return a language's name in that language, for a language switcher: `es` → Español."""
    import babel  # here: a campaign in one language need not load it

    try:
        name = babel.Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    except (ValueError, babel.UnknownLocaleError):
        return code
    return (name or code)[:1].upper() + (name or code)[1:]


def search_key(text: str) -> str:
    """Return text as the directory search compares it: lower case, without accents."""
    lower = text.lower()
    if lower.isascii():
        return lower  # nothing to fold: most names, on a directory of thousands
    folded = unicodedata.normalize("NFKD", lower)
    return "".join(c for c in folded if not unicodedata.combining(c))
