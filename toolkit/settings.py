"""Campaign settings: `toolkit.yaml`, loaded and validated."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

from toolkit.errors import Location, Problems, ToolkitError, did_you_mean
from toolkit.fields import Fields
from toolkit.yamlfile import parse

SETTINGS_FILE = "toolkit.yaml"

PAPER_SIZES: dict[str, tuple[float, float]] = {
    "letter": (215.9, 279.4),
    "tabloid": (279.4, 431.8),
    "a4": (210.0, 297.0),
    "a3": (297.0, 420.0),
}
"""Paper sizes in millimetres (width, height), portrait."""

_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)?\s*$")
_MM_PER_UNIT = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}

GENERIC_FIELDS = ("name", "kind", "city", "region", "country", "website", "email", "phone")
GENERIC_EVENT_FIELDS = ("date", "time", "place")


@dataclass(frozen=True, slots=True, kw_only=True)
class PrintSettings:
    """How print kits are made."""

    sizes: tuple[str, ...] = ("letter", "a4")
    """Paper sizes every print piece is made in: letter, tabloid, a4, a3."""
    bleed_mm: float = 0.0
    """Bleed around the trim box, in millimetres (written `3mm`, `0.125in`)."""
    crop_marks: bool = False
    """Whether crop marks are drawn outside the trim box."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Campaign-wide settings from `toolkit.yaml`."""

    name: str
    """The campaign's name, shown everywhere."""
    base_url: str
    """Absolute address the site is published at, ending in `/`; used for sitemaps, QR codes."""
    tagline: str = ""
    """A short line under the name."""
    description: str = ""
    """One sentence for search engines and link previews."""
    date: dt.date | None = None
    """The campaign day."""
    languages: tuple[str, ...] = ("en",)
    """Languages of the campaign; the first is the default."""
    theme: str = "default"
    """Theme name: `themes/<theme>/` in the project, over the built-in default theme."""
    output: str = "output"
    """Folder the site is built into, relative to the project."""
    image: str | None = None
    """Share image (Open Graph), a path under `content/`."""
    email: str | None = None
    """The campaign's contact address."""
    print: PrintSettings = field(default_factory=PrintSettings)
    """Print kit settings."""
    generic: dict[str, str] = field(default_factory=dict)
    """Wording that stands in for champion fields on campaign-wide pages, by field name."""
    partner: str | None = None
    """In a partner's own project (a forked kit): their champion id; their microsite is home."""
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """The campaign's wording in its other languages, by language: any of `TRANSLATED`."""
    source: Location = field(default=Location(PurePosixPath(SETTINGS_FILE)))

    @property
    def base_path(self) -> str:
        """The path part of `base_url`, such as `/` or `/shop-local/`."""
        return urlsplit(self.base_url).path or "/"

    @property
    def language(self) -> str:
        return self.languages[0]

    def in_language(self, lang: str) -> Settings:
        """Return these settings with their wording in `lang`; what is not translated stays in
        the first language."""
        words = self.translations.get(lang)
        if not words:
            return self
        generic = {**self.generic, **words.get("generic", {})}
        plain = {k: v for k, v in words.items() if k != "generic"}
        return dataclasses.replace(self, **plain, generic=generic)


def load_settings(project: Path) -> Settings:
    """Read and validate `toolkit.yaml` in `project`."""
    path = PurePosixPath(SETTINGS_FILE)
    file = project / SETTINGS_FILE
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ToolkitError.at(
            Location(path), f"no {SETTINGS_FILE} in {project} (is this a toolkit project?)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ToolkitError.at(Location(path), f"cannot read: {exc}") from None
    doc = parse(text, path)
    if not isinstance(doc.data, dict):
        raise ToolkitError.at(doc.loc(), f"{SETTINGS_FILE} must be a mapping of `key: value`")
    problems = Problems()
    f = Fields(doc, (), problems, SETTINGS_FILE)
    f.check_keys(_KEYS)
    languages = _languages(f)
    settings = Settings(
        name=f.text("name", required=True) or "Campaign",
        base_url=_base_url(f),
        tagline=f.text("tagline", default="") or "",
        description=f.text("description", default="") or "",
        date=f.date("date"),
        languages=languages,
        theme=_theme(f),
        output=_output(f),
        image=f.text("image"),
        email=f.email("email"),
        print=_print(f.mapping("print")),
        generic=_generic(f.mapping("generic")),
        partner=f.text("partner"),
        translations=_translations(f.mapping("translations"), languages),
        source=doc.loc(),
    )
    problems.raise_if_errors()
    return settings


_KEYS = (
    "name",
    "tagline",
    "description",
    "translations",
    "date",
    "base_url",
    "languages",
    "theme",
    "output",
    "image",
    "email",
    "print",
    "generic",
    "partner",
)


def _base_url(f: Fields) -> str:
    url = f.url("base_url")
    if url is None:
        if not f.has("base_url"):
            f.text("base_url", required=True)
        return "https://example.org/"
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        f.bad("base_url", "`base_url` must not have a query or fragment")
    return url if url.endswith("/") else url + "/"


def _languages(f: Fields) -> tuple[str, ...]:
    codes = f.text_list("languages")
    if not f.has("languages"):
        return ("en",)
    if not codes and f.raw("languages") != []:
        return ("en",)  # text_list has said what is wrong
    if not codes:
        f.bad("languages", "`languages` must name at least one language, such as [en]")
        return ("en",)
    for i, code in enumerate(codes):
        if not re.match(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$", code):
            f.problems.error(f.doc.loc("languages", i), f"not a language code: {code!r}")
    if len(set(codes)) != len(codes):
        f.bad("languages", "`languages` lists a language twice")
    return codes


def _theme(f: Fields) -> str:
    theme = f.text("theme", default="default") or "default"
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", theme) or ".." in theme:
        f.bad("theme", f"`theme` must be a folder name under themes/, not {theme!r}")
        return "default"
    return theme


def _output(f: Fields) -> str:
    output = f.text("output", default="output") or "output"
    parts = PurePosixPath(output.replace("\\", "/")).parts
    absolute = PurePosixPath(output).is_absolute() or bool(PureWindowsPath(output).drive)
    if absolute or ".." in parts or output.strip("/.") == "":
        f.bad("output", f"`output` must be a folder inside the project, not {output!r}")
        return "output"
    return output


def _print(f: Fields | None) -> PrintSettings:
    if f is None:
        return PrintSettings()
    f.check_keys(("sizes", "bleed", "crop_marks"))
    sizes = f.text_list("sizes") if f.has("sizes") else PrintSettings().sizes
    for size in sizes:
        if size.lower() not in PAPER_SIZES:
            f.bad("sizes", f"unknown paper size {size!r}: use {', '.join(PAPER_SIZES)}")
    bleed = 0.0
    raw = f.raw("bleed")
    if raw is not None:
        match = _LENGTH.match(str(raw)) if not isinstance(raw, bool) else None
        if match is None or (match[2] is None and float(match[1]) != 0):
            f.bad("bleed", f"`bleed` must be a length such as 3mm or 0.125in, not {raw!r}")
        else:
            bleed = float(match[1]) * _MM_PER_UNIT[match[2] or "mm"]
            if bleed > 25:
                f.bad("bleed", f"`bleed` of {raw} is more than any print shop asks for (max 25mm)")
    return PrintSettings(
        sizes=tuple(s.lower() for s in sizes),
        bleed_mm=round(bleed, 3),
        crop_marks=f.boolean("crop_marks", False),
    )


TRANSLATED = ("name", "tagline", "description", "generic")
"""The settings that can be worded in each language under `translations:`."""


def _translations(f: Fields | None, languages: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for lang in f.data:
        if lang not in languages[1:]:
            others = ", ".join(languages[1:])
            f.problems.error(
                f.doc.key_loc(*f.keys, lang),
                f"`{lang}` is not one of the campaign's other languages"
                + (f" ({others})" if others else ": add it to `languages` first"),
                did_you_mean(str(lang), languages[1:]) if others else None,
            )
            continue
        words = f.mapping(lang)
        if words is None:
            continue
        words.check_keys(TRANSLATED)
        found[lang] = {k: v for k in TRANSLATED[:3] if (v := words.text(k)) is not None}
        if generic := _generic(words.mapping("generic")):
            found[lang]["generic"] = generic
    return found


def _generic(f: Fields | None) -> dict[str, str]:
    if f is None:
        return {}
    keys = GENERIC_FIELDS + tuple(f"event_{k}" for k in GENERIC_EVENT_FIELDS)
    f.check_keys(keys)
    return {k: v for k in keys if (v := f.text(k)) is not None}
