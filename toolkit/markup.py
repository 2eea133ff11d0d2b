"""Markdown to HTML: the writer's extensions, links between files, and champion-written text.

pulldown-cmark (through pyromark) reads the Markdown and hands back the document as a stream of
events; the HTML is written here from them, which is where headings get their ids, links
between files their output URLs, footnotes their numbers, and images are checked for alt text.
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import nh3
import pyromark

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


_NOT_SLUG = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"[-\s]+")
_CONTENTS_DEPTH = range(2, 5)
"""Headings of these levels are listed in the page's contents; every heading gets an id."""


def _slug(text: str) -> str:
    # Headings made of merge fields get an id from their plain words only.
    text = unicodedata.normalize("NFKC", merge.TOKEN.sub("", text))
    text = _NOT_SLUG.sub("", text).strip().lower()
    return _SPACES.sub("-", text) or "section"


_PAGE = pyromark.Markdown(
    options=pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_SMART_PUNCTUATION
    | pyromark.Options.ENABLE_HEADING_ATTRIBUTES
    | pyromark.Options.ENABLE_DEFINITION_LIST
)
_CHAMPION = pyromark.Markdown(options=pyromark.Options.ENABLE_SMART_PUNCTUATION)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


@functools.lru_cache(maxsize=4096)
def _normal_url(url: str) -> str:
    """Percent-encode what cannot stand in a URL as written (spaces, letters beyond ASCII),
    leaving any encoding already there; a campaign links the same few addresses everywhere."""
    return quote(url, safe="%;/?:@&=+$,-_.!~*'()#")


_UNSAFE_SCHEME = re.compile(r"\s*(javascript|vbscript|file|data):", re.IGNORECASE)
_SAFE_DATA = re.compile(r"\s*data:image/(gif|png|jpeg|webp);", re.IGNORECASE)


def _safe(url: str) -> bool:
    """Return whether a link may lead to `url`: never to script, nor to a file or data made
    into a page (an image may be data)."""
    return not _UNSAFE_SCHEME.match(url) or bool(_SAFE_DATA.match(url))


_BLOCK_TAGS = {
    "Paragraph": ("<p>", "</p>\n"),
    "Item": ("<li>", "</li>\n"),
    "DefinitionList": ("<dl>\n", "</dl>\n"),
    "DefinitionListTitle": ("<dt>", "</dt>\n"),
    "DefinitionListDefinition": ("<dd>", "</dd>\n"),
    "HtmlBlock": ("", ""),
}
_INLINE_TAGS = {
    "Emphasis": ("<em>", "</em>"),
    "Strong": ("<strong>", "</strong>"),
    "Strikethrough": ("<s>", "</s>"),
}
_SYMBOL = {"(c)": "©", "(r)": "®", "(tm)": "™", "+-": "±"}
_SYMBOLS = re.compile(r"\((?:c|r|tm)\)|\+-", re.IGNORECASE)
"""Typed as letters, set as symbols (quotes, dashes and ellipses are pulldown-cmark's)."""
_NESTING = {
    "BlockQuote",
    "List",
    "Item",
    "DefinitionList",
    "DefinitionListTitle",
    "DefinitionListDefinition",
}
_DEEPEST = 20
"""Quotes and lists nest this deep at most; deeper ones are written flat. Cleaning champion
text takes time that grows with the square of its depth: `> - ` typed 30,000 times took 40 s."""
_ALIGN = {"Left": "left", "Center": "center", "Right": "right"}
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z_:][\w:.-]*\Z")


class _Writer:
    """Writes the HTML of one document from its events."""

    def __init__(self, links: _Links | None, *, headings: bool) -> None:
        self.links = links
        self.with_headings = headings
        self.out: list[str] = []
        self.closers: list[str] = []
        self.headings: list[tuple[int, str, str]] = []
        self.ids: set[str] = set()
        self.heading: tuple[int, int, dict] | None = None
        self.heading_text: list[str] = []
        self.image: tuple[str, str] | None = None
        self.code = False
        self.depth = 0
        self.alt: list[str] = []
        self.table: tuple[str, ...] = ()
        self.cell = 0
        self.in_head = False
        self.body_open = False
        # Footnotes: numbered as first referred to, written out at the end.
        self.numbers: dict[str, int] = {}
        self.refs: dict[str, int] = {}
        self.notes: dict[str, str] = {}
        self.outer: list[list[str]] = []

    def write(self, events: Iterable[Any]) -> str:
        for event in events:
            if type(event) is str:
                self.simple(event)
                continue
            ((kind, value),) = event.items()
            if kind == "Text":
                self.text(value)
            elif kind == "Start":
                self.start(value)
            elif kind == "End":
                self.end(value)
            elif kind == "Code":
                self.inline(f"<code>{_escape(value)}</code>", value)
            elif kind in ("Html", "InlineHtml"):
                self.inline(value, "")
            elif kind == "FootnoteReference":
                self.footnote_reference(value)
        return "".join(self.out) + self.footnotes()

    def simple(self, event: str) -> None:
        if event == "SoftBreak":
            self.inline("\n", " ")
        elif event == "HardBreak":
            self.inline("<br>\n", " ")
        elif event == "Rule":
            self.block("<hr>\n")

    def text(self, value: str) -> None:
        if not self.code and ("(" in value or "+-" in value):
            value = _SYMBOLS.sub(lambda m: _SYMBOL[m[0].lower()], value)
        self.inline(_escape(value), value)

    def inline(self, html: str, plain: str) -> None:
        if self.image is not None:
            self.alt.append(plain)
            return
        if self.heading is not None:
            self.heading_text.append(plain)
        self.out.append(html)

    def block(self, html: str) -> None:
        """Start a block on a line of its own (a tight list item's text runs on the `<li>`)."""
        if self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")
        if html:
            self.out.append(html)

    def start(self, tag: Any) -> None:
        if (tag if type(tag) is str else next(iter(tag))) in _NESTING:
            self.depth += 1
            if self.depth > _DEEPEST:
                self.closers.append("")  # its contents run on inside the container above
                return
        if type(tag) is str:
            if tag in _INLINE_TAGS:
                opening, closing = _INLINE_TAGS[tag]
                self.inline(opening, "")
            elif tag in _BLOCK_TAGS:
                opening, closing = _BLOCK_TAGS[tag]
                self.block(opening)
            elif tag == "TableHead":
                self.in_head, self.cell = True, 0
                self.block("<thead>\n<tr>\n")
                closing = "</tr>\n</thead>\n"
            elif tag == "TableRow":
                self.cell = 0
                if not self.body_open:
                    self.body_open = True
                    self.block("<tbody>\n")
                self.block("<tr>\n")
                closing = "</tr>\n"
            elif tag == "TableCell":
                name = "th" if self.in_head else "td"
                align = _ALIGN.get(self.table[self.cell]) if self.cell < len(self.table) else None
                self.cell += 1
                style = f' style="text-align:{align}"' if align else ""
                self.out.append(f"<{name}{style}>")
                closing = f"</{name}>\n"
            else:
                closing = ""
            self.closers.append(closing)
            return
        ((name, value),) = tag.items()
        closing = ""
        if name == "Heading":
            self.block("")
            self.heading = (int(value["level"][1]), len(self.out), value)
            self.out.append("")  # the opening tag, once the id is known
            self.heading_text = []
        elif name == "List":
            if value is None:
                self.block("<ul>\n")
                closing = "</ul>\n"
            else:
                self.block("<ol>\n" if value == 1 else f'<ol start="{value}">\n')
                closing = "</ol>\n"
        elif name == "BlockQuote":
            self.block("<blockquote>\n")
            closing = "</blockquote>\n"
        elif name == "CodeBlock":
            info = value["Fenced"].split() if isinstance(value, dict) else ()
            language = info[0] if info else ""
            css = f' class="language-{_escape(language)}"' if language else ""
            self.block(f"<pre><code{css}>")
            self.code = True
            closing = "</code></pre>\n"
        elif name == "Table":
            self.table, self.body_open = tuple(value), False
            self.block("<table>\n")
            closing = "</table>\n"
        elif name == "Link":
            closing = self.link(value)
        elif name == "Image":
            self.image, self.alt = (value["dest_url"], value["title"]), []
        elif name == "FootnoteDefinition":
            # Written aside, and put at the end under its number; its label is what closes it.
            self.outer.append(self.out)
            self.out = []
            closing = value
        self.closers.append(closing)

    def link(self, value: dict) -> str:
        url = value["dest_url"]
        if value["link_type"] == "Email":
            url = f"mailto:{url}"
        href = self.address(url)
        if href is None:
            return ""  # its words stay; there is no link
        title = f' title="{_escape(value["title"])}"' if value["title"] else ""
        self.inline(f'<a href="{_escape(href)}"{title}>', "")
        return "</a>"

    def address(self, url: str) -> str | None:
        """Return where a link or image written as `url` leads, or None for nowhere safe."""
        if not _safe(url):
            return None
        normal = _normal_url(url)
        return self.links.rewrite(normal) if self.links is not None else normal

    def end(self, tag: Any) -> None:
        closing = self.closers.pop()
        name = tag if type(tag) is str else next(iter(tag))
        if name in _NESTING:
            self.depth -= 1
            if self.depth >= _DEEPEST:
                return
        if name == "Image":
            self.end_image()
        elif name == "Heading":
            self.end_heading()
        elif name == "FootnoteDefinition":
            self.notes[closing] = "".join(self.out)
            self.out = self.outer.pop()
        elif name in _INLINE_TAGS or name == "Link":
            self.inline(closing, "")
        elif name == "CodeBlock":
            self.code = False
            self.out.append(closing)
        else:
            if name == "TableHead":
                self.in_head = False
            elif name == "Table" and self.body_open:
                closing = "</tbody>\n" + closing
            if closing:
                self.out.append(closing)

    def end_image(self) -> None:
        assert self.image is not None
        url, title = self.image
        alt = "".join(self.alt)
        self.image = None
        if self.links is not None and not alt.strip():
            self.links.no_alt(url)
        src = self.address(url) or ""
        title_attribute = f' title="{_escape(title)}"' if title else ""
        self.inline(f'<img src="{_escape(src)}" alt="{_escape(alt)}"{title_attribute}>', alt)

    def end_heading(self) -> None:
        assert self.heading is not None
        level, at, given = self.heading
        given_id, classes, attrs = given["id"], given["classes"], given["attrs"]
        if any(value is None for _, value in attrs):
            # Words in braces that are not `#id`, `.class` or `name=value` are the writer's
            # words ("## Prices {per item}"): they stay in the heading, and it has no attributes.
            words = [
                *((f"#{given_id}",) if given_id else ()),
                *(f".{name}" for name in classes),
                *(name if value is None else f"{name}={value}" for name, value in attrs),
            ]
            self.text(" {" + " ".join(words) + "}")
            given_id, classes, attrs = None, (), ()
        self.heading = None
        text = "".join(self.heading_text)
        attributes = ""
        if self.with_headings:
            wanted = given_id or _slug(text)
            unique, count = wanted, 0
            while unique in self.ids:
                count += 1
                unique = f"{wanted}_{count}"
            self.ids.add(unique)
            anchor = _escape(unique)
            attributes = f' id="{anchor}"'
            if level in _CONTENTS_DEPTH:
                self.headings.append((level, unique, text.strip()))
            self.out.append(
                f'<a class="headerlink" aria-label="Link to this section" href="#{anchor}" '
                'title="Link to this section">#</a>'
            )
        if classes:
            attributes += f' class="{_escape(" ".join(classes))}"'
        for name, value in attrs:
            if _ATTRIBUTE_NAME.match(name):
                attributes += f' {name}="{_escape(value or "")}"'
        self.out[at] = f"<h{level}{attributes}>"
        self.out.append(f"</h{level}>\n")

    def footnote_reference(self, label: str) -> None:
        number = self.numbers.setdefault(label, len(self.numbers) + 1)
        sub = self.refs.get(label, -1) + 1
        self.refs[label] = sub
        link = f'<a class="footnote-ref" href="#fn:{number}">{number}</a>'
        self.inline(f'<sup id="{_reference_id(number, sub)}">{link}</sup>', "")

    def footnotes(self) -> str:
        """The footnotes referred to, in the order of their numbers, each with a way back."""
        listed = [label for label in self.numbers if label in self.notes]
        if not listed:
            return ""
        parts = ['<div class="footnote">\n<hr>\n<ol>\n']
        for label in listed:
            number = self.numbers[label]
            back = "".join(
                f' <a class="footnote-backref" href="#{_reference_id(number, sub)}" '
                f'title="Back to reference {number}">&#8617;&#xFE0E;</a>'
                for sub in range(self.refs[label] + 1)
            )
            note = self.notes[label]
            if note.endswith("</p>\n"):
                note = note[: -len("</p>\n")] + back + "</p>\n"
            else:
                note += back
            parts.append(f'<li id="fn:{number}">{note}</li>\n')
        parts.append("</ol>\n</div>\n")
        return "".join(parts)


def _reference_id(number: int, sub: int) -> str:
    """The id of a footnote's `sub`th reference (counted from 0) to footnote `number`."""
    return f"fnref:{number}:{sub}" if sub else f"fnref:{number}"


class _Links:
    """Rewrites links between Markdown files and to assets into output URLs; checks images."""

    def __init__(self, body: str, source: PurePosixPath, resolve: Resolver, first_line: int):
        self.body, self.source, self.resolve, self.first_line = body, source, resolve, first_line
        self.problems: list[Problem] = []

    def no_alt(self, src: str) -> None:
        self.problems.append(
            Problem(
                self.where(src),
                f"image has no alt text: {src}",
                "warning",
                "describe it in the brackets: ![what it shows](file)",
            )
        )

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


def convert(body: str, source: PurePosixPath, resolve: Resolver, first_line: int = 1) -> Converted:
    """Convert a page body; merge fields come back untouched, ready to be filled in.

    Links to missing files are errors and images without alt text warnings, located at the
    line of the body (which starts at `first_line` of its file).
    """
    protected = merge.protect(body)
    links = _Links(body, source, resolve, first_line)
    writer = _Writer(links, headings=True)
    html = protected.restore(writer.write(_PAGE.events(protected.text)).rstrip("\n"))
    headings = tuple((level, hid, protected.restore(text)) for level, hid, text in writer.headings)
    return Converted(html, headings, tuple(links.problems))


# Champion-written text: Markdown, then only these tags and attributes survive.
_TAGS = {"p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "code", "h3"}
_ATTRIBUTES = {"a": {"href", "title"}}
_SCHEMES = {"http", "https", "mailto", "tel"}


def champion_text(text: str) -> str:
    """Render a champion's own Markdown to HTML that can hold no script, frame or handler."""
    # Headings are demoted so a champion's words sit below the page's own headings.
    demoted = re.sub(r"^#{1,6}[ \t]", "### ", text, flags=re.MULTILINE)
    html = _Writer(None, headings=False).write(_CHAMPION.events(demoted)).rstrip("\n")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
