"""Merge fields: `{{ champion.name }}` in content, filled in per champion inside Jinja's sandbox.

A page's Markdown is converted once. Before conversion every `{{ … }}`, `{% … %}` and `{## … ##}`
is swapped for an inert token, so Markdown cannot mangle it; afterwards the tokens are swapped
back and the HTML becomes one sandboxed, autoescaped template, rendered once per champion.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import PurePosixPath
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from toolkit.errors import Location, Problems, ToolkitError, did_you_mean

_FIELD = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{##.*?##\}", re.DOTALL)
TOKEN = re.compile(r"TKMERGE(\d+)X")
_BLOCK_PARAGRAPH = re.compile(r"<p>((?:TKMERGE\d+X\s*)+)</p>")
_TAG_LINE = re.compile(r"^[ \t]*(\{%.*?%\}|\{##.*?##\})[ \t]*$", re.MULTILINE)
EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")


@dataclass(frozen=True, slots=True)
class MergeEvent:
    """A champion's event as merge fields see it: dates and times already written out."""

    date: str | None
    time: str | None
    end: str | None
    place: str | None
    address: str | None
    date_iso: str | None = None


@dataclass(frozen=True, slots=True)
class MergeChampion:
    """A champion as merge fields see it (`{{ champion.name }}`)."""

    id: str
    name: str
    kind: str
    kind_label: str
    city: str | None
    region: str | None
    country: str | None
    website: str | None
    email: str | None
    phone: str | None
    url: str
    """The absolute address of the champion's microsite."""
    event: MergeEvent | None
    generic: bool = False
    """True on campaign-wide pages, where the fields hold fill-in-the-blank wording."""


@dataclass(frozen=True, slots=True)
class MergeCampaign:
    """The campaign as merge fields see it (`{{ campaign.date }}`)."""

    name: str
    tagline: str
    description: str
    date: str | None
    url: str
    email: str | None
    date_iso: str | None = None


FIELDS: Mapping[str, tuple[str, ...]] = {
    "champion": tuple(f.name for f in fields(MergeChampion)),
    "campaign": tuple(f.name for f in fields(MergeCampaign)),
    "champion.event": tuple(f.name for f in fields(MergeEvent)),
}


def format_date(value: dt.date, lang: str = "en") -> str:
    """Write a date out in full, as the language does: Saturday, November 28, 2026."""
    import babel.dates  # here: a rebuild whose pages show no date need not load it

    return _plain(babel.dates.format_date(value, "full", locale=_locale(lang)))


def format_time(value: dt.time, lang: str = "en") -> str:
    """Write a time for people, as the language does: 9:00 AM, 14:30."""
    import babel.dates

    return _plain(babel.dates.format_time(value, "short", locale=_locale(lang)))


def _locale(lang: str) -> str:
    # `en-GB` → `en_GB`; an unknown language falls back to English rather than failing a build.
    code = lang.replace("-", "_")
    import babel

    try:
        babel.Locale.parse(code)
    except (ValueError, babel.UnknownLocaleError):
        return "en"
    return code


def _plain(text: str) -> str:
    # CLDR puts a narrow no-break space before AM/PM; print fonts often lack that character.
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def make_environment(*, html: bool) -> SandboxedEnvironment:
    """Return the sandbox content templates run in; `html` turns on autoescaping."""
    env = SandboxedEnvironment(
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        # `{#id}` is Markdown's attribute list syntax, so content comments are `{## … ##}`.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.globals.clear()
    return env


HTML_ENV = make_environment(html=True)
TEXT_ENV = make_environment(html=False)


@dataclass(frozen=True, slots=True)
class Protected:
    """Markdown with its merge fields swapped for tokens."""

    text: str
    fields: tuple[str, ...]

    def restore(self, html: str) -> str:
        """Swap tokens in converted HTML back for the merge fields they stand for."""
        if not self.fields:
            return html

        def unwrap(match: re.Match[str]) -> str:
            # A paragraph that holds only `{% if %}`-style tags is layout, not text.
            numbers = [int(n) for n in TOKEN.findall(match[1])]
            if all(self.fields[n][:2] in ("{%", "{#") for n in numbers):
                return match[1].strip()
            return match[0]

        html = _BLOCK_PARAGRAPH.sub(unwrap, html)
        return TOKEN.sub(lambda m: self.fields[int(m[1])], html)


def protect(text: str) -> Protected:
    """Swap every merge field in `text` for an inert token."""
    found: list[str] = []

    def swap(match: re.Match[str]) -> str:
        found.append(match[0])
        return f"TKMERGE{len(found) - 1}X"

    # A `{% if %}` on a line of its own stands between blocks, not inside a paragraph.
    text = _TAG_LINE.sub(lambda m: f"\n{m[1]}\n", text)
    return Protected(_FIELD.sub(swap, text), tuple(found))


def has_fields(text: str) -> bool:
    return "{{" in text or "{%" in text or "{##" in text


def validate(text: str, location: Location, problems: Problems) -> None:
    """Check template syntax and that every merge field names a real field."""
    if not has_fields(text):
        return
    try:
        tree = HTML_ENV.parse(text)
    except jinja2.TemplateSyntaxError as exc:
        problems.error(_at(location, exc.lineno), f"merge field: {exc.message}")
        return
    local_names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in FIELDS and node.name not in local_names:
            problems.error(
                _at(location, node.lineno),
                f"unknown merge field `{node.name}`: use `champion.…` or `campaign.…`",
                did_you_mean(node.name, ("champion", "campaign")),
            )
    for node in tree.find_all(nodes.Getattr):
        if node.attr.startswith("_"):
            problems.error(
                _at(location, node.lineno),
                f"merge fields cannot reach `{node.attr}`: the sandbox refuses it",
            )
            continue
        owner = _dotted(node.node)
        if owner in FIELDS and node.attr not in FIELDS[owner]:
            problems.error(
                _at(location, node.lineno),
                f"unknown merge field `{owner}.{node.attr}`",
                did_you_mean(node.attr, FIELDS[owner]),
            )


def _dotted(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        owner = _dotted(node.node)
        return f"{owner}.{node.attr}" if owner else None
    return None


def _at(location: Location, lineno: int | None) -> Location:
    if lineno is None or location.line is None:
        return location
    return Location(location.path, location.line + lineno - 1)


CompiledField = Callable[[Mapping[str, Any]], str]


def compile_html(html: str, origin: PurePosixPath) -> CompiledField:
    """Compile restored HTML into a function of the merge context."""
    return _compile(HTML_ENV, html, origin)


def compile_text(text: str, origin: PurePosixPath) -> CompiledField:
    """Compile plain text (a title, a description) into a function of the merge context."""
    return _compile(TEXT_ENV, text, origin)


def _compile(env: SandboxedEnvironment, source: str, origin: PurePosixPath) -> CompiledField:
    if not has_fields(source):
        value = Markup(source) if env.autoescape else source
        return lambda context: value
    try:
        template = env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise ToolkitError.at(Location(origin), f"merge field: {exc.message}") from None

    def render(context: Mapping[str, Any]) -> str:
        try:
            result = template.render(context)
            if env.autoescape:
                result = EMPTY_PARAGRAPH.sub("", result)
        except jinja2.exceptions.SecurityError as exc:
            raise ToolkitError.at(
                Location(origin), f"merge field refused by the sandbox: {exc}"
            ) from None
        except jinja2.TemplateError as exc:
            raise ToolkitError.at(Location(origin), f"merge field: {exc}") from None
        except Exception as exc:
            # `{{ 1 / 0 }}` in a page is bad input, not a bug in toolkit.
            raise ToolkitError.at(Location(origin), f"merge field failed: {exc}") from None
        return Markup(result) if env.autoescape else result

    return render
