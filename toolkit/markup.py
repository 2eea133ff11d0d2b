"""Markdown to HTML: the writer's extensions, links between files, and champion-written text."""

from __future__ import annotations

import functools
import posixpath
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from toolkit import merge
from toolkit.errors import Location, Problem

ROOT = "\ue000root/"
"""Stands for the relative path to the site root; each output fills in its own."""
KIT = "\ue000kit/"
KIT_END = "\ue001"
"""`KIT + name + KIT_END` stands for a toolkit piece's URL: campaign-wide or the champion's own."""
KIT_LINK = re.compile("\ue000kit/(.*?)\ue001")

Resolver = Callable[[PurePosixPath], str | None]
"""Maps a file under `content/` to its marked-up output URL, or None when there is none."""


@dataclass(frozen=True, slots=True)
class Converted:
    """A page's HTML with merge fields still to fill in, and what conversion found."""

    html: str
    headings: tuple[tuple[int, str, str], ...]
    """(level, id, text) for each heading."""
    problems: tuple[Problem, ...]


_HEADING_ATTRS = re.compile(r"\s*\{:?\s*((?:[#.][\w-]+\s*)+)\}\s*$")
_NOT_SLUG = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"[-\s]+")
_CONTENTS_DEPTH = range(2, 5)
"""Headings of these levels are listed in the page's contents; every heading gets an id."""


def _slug(text: str) -> str:
    # Headings made of merge fields get an id from their plain words only.
    text = unicodedata.normalize("NFKC", merge.TOKEN.sub("", text))
    text = _NOT_SLUG.sub("", text).strip().lower()
    return _SPACES.sub("-", text) or "section"


def _heading_attributes(state: StateCore) -> None:
    """Take a trailing `{#id .class}` off a heading's text and put it on the heading."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        found = _HEADING_ATTRS.search(inline.content)
        if found is None:
            continue
        inline.content = inline.content[: found.start()]
        for part in found[1].split():
            if part.startswith("#"):
                token.attrSet("id", part[1:])
            else:
                classes = token.attrGet("class")
                token.attrSet("class", f"{classes} {part[1:]}" if classes else part[1:])


def _heading_ids(state: StateCore) -> None:
    """Give headings unique ids and a "#" link to themselves, and list them for the contents."""
    tokens = state.tokens
    used: set[str] = set()
    headings: list[tuple[int, str, str]] = state.env.setdefault("headings", [])
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        level = int(token.tag[1])
        inline = tokens[index + 1]
        text = "".join(
            child.content
            for child in inline.children or ()
            if child.type in ("text", "code_inline", "html_inline")
        )
        wanted = str(token.attrGet("id") or _slug(text))
        unique, count = wanted, 0
        while unique in used:
            count += 1
            unique = f"{wanted}_{count}"
        used.add(unique)
        token.attrSet("id", unique)
        if level in _CONTENTS_DEPTH:
            headings.append((level, unique, text.strip()))
        link = Token("html_inline", "", 0)
        link.content = (
            f'<a class="headerlink" aria-label="Link to this section" href="#{unique}" '
            'title="Link to this section">#</a>'
        )
        inline.children = [*(inline.children or ()), link]


def _footnote_ref(self, tokens: list[Token], idx: int, options, env) -> str:
    number = tokens[idx].meta["id"] + 1
    sub = tokens[idx].meta.get("subId", -1)
    ref = f"{number}:{sub}" if sub > 0 else str(number)
    return f'<sup id="fnref:{ref}"><a class="footnote-ref" href="#fn:{number}">{number}</a></sup>'


def _footnote_block_open(self, tokens: list[Token], idx: int, options, env) -> str:
    return '<div class="footnote">\n<hr>\n<ol>\n'


def _footnote_block_close(self, tokens: list[Token], idx: int, options, env) -> str:
    return "</ol>\n</div>\n"


def _footnote_open(self, tokens: list[Token], idx: int, options, env) -> str:
    return f'<li id="fn:{tokens[idx].meta["id"] + 1}">'


def _footnote_anchor(self, tokens: list[Token], idx: int, options, env) -> str:
    number = tokens[idx].meta["id"] + 1
    sub = tokens[idx].meta.get("subId", -1)
    ref = f"{number}:{sub}" if sub > 0 else str(number)
    return (
        f' <a class="footnote-backref" href="#fnref:{ref}" '
        f'title="Back to reference {number}">&#8617;&#xFE0E;</a>'
    )


def _markdown(*rules: str) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": True, "html": True, "xhtmlOut": False})
    md.enable(["replacements", "smartquotes", *rules])
    # Normalising a link's address (percent-encoding, international host names) is an eighth
    # of converting a page, and a campaign links the same few addresses from every page.
    md.normalizeLink = functools.lru_cache(maxsize=4096)(md.normalizeLink)  # type: ignore[method-assign]
    return md


def _page_markdown() -> MarkdownIt:
    md = _markdown("table", "strikethrough")
    md.use(footnote_plugin).use(deflist_plugin)
    md.core.ruler.after("block", "toolkit_heading_attributes", _heading_attributes)
    md.core.ruler.push("toolkit_heading_ids", _heading_ids)
    md.add_render_rule("footnote_ref", _footnote_ref)
    md.add_render_rule("footnote_block_open", _footnote_block_open)
    md.add_render_rule("footnote_block_close", _footnote_block_close)
    md.add_render_rule("footnote_open", _footnote_open)
    md.add_render_rule("footnote_anchor", _footnote_anchor)
    return md


_local = threading.local()


def _instance() -> MarkdownIt:
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _page_markdown()
    return md


class _Links:
    """Rewrites links between Markdown files and to assets into output URLs; checks images."""

    def __init__(self, body: str, source: PurePosixPath, resolve: Resolver, first_line: int):
        self.body, self.source, self.resolve, self.first_line = body, source, resolve, first_line
        self.problems: list[Problem] = []

    def visit(self, tokens: list[Token]) -> None:
        for token in tokens:
            if token.children:
                self.visit(token.children)
            if token.type == "image" and not _text(token).strip():
                src = str(token.attrGet("src") or "")
                self.problems.append(
                    Problem(
                        self.where(src),
                        f"image has no alt text: {src}",
                        "warning",
                        "describe it in the brackets: ![what it shows](file)",
                    )
                )
            for attribute in ("href", "src"):
                value = token.attrGet(attribute) if token.attrs else None
                if value is not None:
                    token.attrSet(attribute, self.rewrite(str(value)))

    def rewrite(self, url: str) -> str:
        if merge.TOKEN.search(url):
            return url
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path or url.startswith(("/", "#")):
            return url
        base = posixpath.dirname(self.source.as_posix())
        target = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
        if target != "content" and not target.startswith("content/"):
            self.problems.append(Problem(self.where(url), f"link leaves content/: {url}"))
            return url
        resolved = self.resolve(PurePosixPath(target))
        if resolved is None:
            self.problems.append(Problem(self.where(url), f"link to a missing file: {url}"))
            return url
        suffix = f"#{parts.fragment}" if parts.fragment else ""
        return resolved + suffix

    def where(self, url: str) -> Location:
        """Return the line of the body where `url` is written, as best it can be found."""
        at = self.body.find(url) if url else -1
        if at == -1:
            return Location(self.source, self.first_line)
        line_start = self.body.rfind("\n", 0, at) + 1
        line = self.first_line + self.body.count("\n", 0, at)
        return Location(self.source, line, at - line_start + 1)


def _text(token: Token) -> str:
    return "".join(child.content for child in token.children or ())


def convert(body: str, source: PurePosixPath, resolve: Resolver, first_line: int = 1) -> Converted:
    """Convert a page body; merge fields come back untouched, ready to be filled in.

    Links to missing files are errors and images without alt text warnings, located at the
    line of the body (which starts at `first_line` of its file).
    """
    protected = merge.protect(body)
    md = _instance()
    env: dict = {}
    tokens = md.parse(protected.text, env)
    links = _Links(body, source, resolve, first_line)
    links.visit(tokens)
    html = protected.restore(md.renderer.render(tokens, md.options, env).rstrip("\n"))
    headings = tuple(
        (level, hid, protected.restore(text)) for level, hid, text in env.get("headings", ())
    )
    return Converted(html, headings, tuple(links.problems))


# Champion-written text: Markdown, then only these tags and attributes survive.
_TAGS = {"p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "code", "h3"}
_ATTRIBUTES = {"a": {"href", "title"}}
_SCHEMES = {"http", "https", "mailto", "tel"}


def _champion_markdown() -> MarkdownIt:
    return _markdown()


def champion_text(text: str) -> str:
    """Render a champion's own Markdown to HTML that can hold no script, frame or handler."""
    md = getattr(_local, "champion_md", None)
    if md is None:
        md = _local.champion_md = _champion_markdown()
    # Headings are demoted so a champion's words sit below the page's own headings.
    html = md.render(re.sub(r"^#{1,6}[ \t]", "### ", text, flags=re.MULTILINE)).rstrip("\n")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
