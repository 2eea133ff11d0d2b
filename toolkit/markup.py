"""Markdown to HTML: the writer's extensions, links between files, and champion-written text."""

from __future__ import annotations

import posixpath
import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

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


class _LinkRewriter(Treeprocessor):
    """Rewrites links between Markdown files and to assets into output URLs; checks images."""

    source: PurePosixPath = PurePosixPath("content")
    resolve: Resolver = staticmethod(lambda path: None)  # type: ignore[assignment]
    body: str = ""
    first_line: int = 1
    problems: list[Problem]

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "img" and not (element.get("alt") or "").strip():
                src = element.get("src") or ""
                self.problems.append(
                    Problem(
                        self.where(src),
                        f"image has no alt text: {src}",
                        "warning",
                        "describe it in the brackets: ![what it shows](file)",
                    )
                )
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    element.set(attribute, self.rewrite(value))

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


class _ToolkitExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_LinkRewriter(md), "toolkit_links", 0)


def _slug(value: str, separator: str) -> str:
    # Headings made of merge fields get an id from their plain words only.
    return slugify_unicode(merge.TOKEN.sub("", value), separator) or "section"


def _page_markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "tables",
            "attr_list",
            "footnotes",
            "fenced_code",
            "def_list",
            "abbr",
            "md_in_html",
            "sane_lists",
            "smarty",
            _ToolkitExtension(),
            "toc",
        ],
        extension_configs={
            "toc": {
                "permalink": "#",
                "permalink_title": "Link to this section",
                "slugify": _slug,
                "toc_depth": "2-4",
            },
            "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
        },
        output_format="html",
    )


_local = threading.local()


def _instance() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _page_markdown()
    return md


def convert(body: str, source: PurePosixPath, resolve: Resolver, first_line: int = 1) -> Converted:
    """Convert a page body; merge fields come back untouched, ready to be filled in.

    Links to missing files are errors and images without alt text warnings, located at the
    line of the body (which starts at `first_line` of its file).
    """
    protected = merge.protect(body)
    md = _instance()
    md.reset()
    rewriter: _LinkRewriter = md.treeprocessors["toolkit_links"]  # type: ignore[assignment]
    rewriter.source = source
    rewriter.resolve = resolve
    rewriter.problems = []
    rewriter.body = body
    rewriter.first_line = first_line
    html = md.convert(protected.text)
    headings = tuple(_headings(md.toc_tokens))  # type: ignore[attr-defined]
    # The "#" after each heading is a link a screen reader should name, not spell out.
    html = html.replace(
        'class="headerlink" ', 'class="headerlink" aria-label="Link to this section" '
    )
    html = protected.restore(html)
    headings = tuple((lvl, hid, protected.restore(text)) for lvl, hid, text in headings)
    return Converted(html, headings, tuple(rewriter.problems))


def _headings(tokens: list[dict]) -> list[tuple[int, str, str]]:
    found = []
    for token in tokens:
        found.append((token["level"], token["id"], token["name"]))
        found.extend(_headings(token["children"]))
    return found


# Champion-written text: Markdown, then only these tags and attributes survive.
_TAGS = {"p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "code", "h3"}
_ATTRIBUTES = {"a": {"href", "title"}}
_SCHEMES = {"http", "https", "mailto", "tel"}


def _champion_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=["sane_lists", "smarty"], output_format="html")


def champion_text(text: str) -> str:
    """Render a champion's own Markdown to HTML that can hold no script, frame or handler."""
    md = getattr(_local, "champion_md", None)
    if md is None:
        md = _local.champion_md = _champion_markdown()
    md.reset()
    # Headings are demoted so a champion's words sit below the page's own headings.
    html = md.convert(re.sub(r"^#{1,6}[ \t]", "### ", text, flags=re.MULTILINE))
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
