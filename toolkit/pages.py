"""Content pages: `content/**/*.md` with YAML front matter, loaded and validated."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, Protocol

from toolkit import merge
from toolkit.errors import Location, Problem, Problems, ToolkitError
from toolkit.fields import Fields
from toolkit.frontmatter import split
from toolkit.roster import KINDS
from toolkit.scan import Scan, scan
from toolkit.settings import PAPER_SIZES
from toolkit.slugs import slugify
from toolkit.workers import cores, in_workers

CONTENT_DIR = PurePosixPath("content")
KIT_DIR = "kit"
PRINT_DIR = "print"
ROSTER_DIR = "champions"

SECTIONS = ("site", "kit", "print")
_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_LANG_SUFFIX = re.compile(r"\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\.md$")
_FENCED = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One Markdown file under `content/`."""

    source: Location
    """Where the file is (line 1)."""
    section: str
    """`site` for campaign pages, `kit` for toolkit pieces, `print` for print pieces."""
    name: str
    """The page's slug path within its section: `about`, `how/businesses`, `` for the home."""
    title: str
    """Front matter `title`, else the first `# heading`, else the file name."""
    description: str = ""
    layout: str | None = None
    """Template to render with, without `.html`; each section has its default."""
    order: int = 0
    """Position in navigation and lists (then title)."""
    draft: bool = False
    """Drafts are left out of the build."""
    nav: bool = True
    """Whether a campaign page appears in the navigation: by default, when it has an `order`."""
    date: dt.date | None = None
    """When the page was written or last changed (news, updates); `lastmod` in the sitemap."""
    nav_title: str | None = None
    """Shorter title for the navigation."""
    kinds: tuple[str, ...] = ()
    """Toolkit and print pieces: the kinds of champion this piece is for (all when empty)."""
    image: str | None = None
    """Share image for this page, a path under `content/`."""
    sizes: tuple[str, ...] = ()
    """Print pieces only: paper sizes, overriding the campaign's."""
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """Anything else a custom template needs."""
    body_line: int = 1
    lang: str = "en"
    """The language the page is written in: `about.es.md` is the Spanish `about`."""
    digest: str = ""
    """A digest of the file's bytes and the page's language: the same digest, the same page."""
    file: str | None = field(default=None, repr=False, compare=False)
    """The file on disk, for a body that is read only when it is needed."""
    markdown: str | None = field(default=None, repr=False, compare=False)
    """The body as read; None until a page taken from the build cache needs it."""

    @property
    def body(self) -> str:
        """The Markdown after the front matter."""
        if self.markdown is None:
            # Taken from the build cache without its body: read it now, and only if the file is
            # still the one the page was made from.
            assert self.file is not None
            data = _read(self.file, self.path)
            if _digest(data, self.lang, self.default_language) != self.digest:
                raise ToolkitError.at(
                    self.source, "the file changed while the build was reading it: build again"
                )
            parts = split(_decode(data, self.path), self.path)
            object.__setattr__(self, "markdown", parts.body)
        assert self.markdown is not None
        return self.markdown

    @property
    def path(self) -> PurePosixPath:
        """The source file, relative to the project."""
        return self.source.path

    @property
    def url(self) -> str:
        """The campaign-wide URL path, relative to the site root: `about/`, `kit/press-release/`.

        Translations live under their language's folder: `es/about/`.
        """
        prefix = "" if self.section == "site" else f"{self.section}/"
        path = f"{prefix}{self.name}/" if self.name else prefix
        return path if self.default_language else f"{self.lang}/{path}"

    default_language: bool = True
    """Whether the page is in the campaign's first language (the others are translations)."""

    @property
    def key(self) -> tuple[str, str]:
        """What a page and its translations share: (section, name)."""
        return self.section, self.name

    def is_for(self, kind: str) -> bool:
        """Return whether a toolkit piece applies to a champion of `kind`."""
        return not self.kinds or kind in self.kinds

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        # Pages read by other processes come back pickled; a read-only mapping cannot be.
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["extra"] = dict(self.extra)
        return _unpickle_page, (values,)


def _unpickle_page(values: dict[str, Any]) -> Page:
    return Page(**{**values, "extra": MappingProxyType(values["extra"])})


_KEYS = (
    "title",
    "description",
    "layout",
    "order",
    "draft",
    "nav",
    "nav_title",
    "date",
    "kinds",
    "image",
    "sizes",
    "extra",
)


def page_files(seen: Scan) -> list[tuple[str, os.stat_result]]:
    """Return every Markdown file under `content/` (its path relative to the project, as text,
    with what a stat of it says), in the order of their paths' parts; names starting with `.`
    or `_` are left out."""
    found = []
    for path, info in seen.files:
        if not path.endswith(".md") or not path.startswith(_CONTENT_PREFIX) or info is None:
            continue  # not a page, or a link that leads nowhere
        # Every part after `content` follows a `/`: one look for a part starting `.` or `_`.
        if stat.S_ISREG(info.st_mode) and "/." not in path and "/_" not in path:
            found.append((path, info))
    # Part by part is the order of the paths with `/` as a character below any a name holds.
    found.sort(key=lambda entry: entry[0].replace("/", "\0"))
    return found


_CONTENT_PREFIX = f"{CONTENT_DIR}/"


class PageCache(Protocol):
    """Where `load_pages` keeps pages it read, and finds them again while their file is the
    same (same size, change time and inode), so that a rebuild reads only what changed."""

    def get(self, path: PurePosixPath, seen: tuple[int, ...], key: str) -> Page | None:
        """Return the page read from `path` (`key` as text) when it was as `seen`, or None."""

    def put(self, page: Page, seen: tuple[int, ...]) -> None:
        """Keep `page`, read from its file as `seen`."""

    def keep_only(self, paths: Iterable[PurePosixPath]) -> None:
        """Forget the pages of files that are gone, and save."""


def load_pages(
    project: Path,
    languages: tuple[str, ...] = ("en",),
    problems: Problems | None = None,
    cache: PageCache | None = None,
    seen: Scan | None = None,
) -> tuple[Page, ...]:
    """Read every page under `content/`, drafts and translations included, all problems at once.

    `languages` are the campaign's; the first is the language of files without a code.
    Problems go into `problems` when given (warnings included); otherwise errors are raised.
    Pages whose file did not change are taken from `cache`, and pages read are kept there.
    `seen` is the build's look at the project's files, if it has one.
    """
    own = problems is None
    problems = Problems() if problems is None else problems
    files = [
        (PurePosixPath(key), key, (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
        for key, info in page_files(seen or scan(project))
    ]
    # By position rather than by path: ten thousand paths hashed twice over cost a rebuild
    # more than the pages it reads.
    kept = [cache.get(path, seen, key) if cache is not None else None for path, key, seen in files]
    unread = [path for (path, _, _), page in zip(files, kept, strict=True) if page is None]
    read = iter(_read_all(project, unread, languages))
    pages = []
    for (_, _, seen), cached in zip(files, kept, strict=True):
        if cached is not None:
            pages.append(cached)
            continue
        page, found = next(read)
        if page is not None:
            pages.append(page)
            if cache is not None and not found:
                # A page with problems is read again each time, so they are said each time.
                cache.put(page, seen)
        problems.extend(found)
    if cache is not None:
        cache.keep_only(path for path, _, _ in files)
    seen: dict[tuple[str, str, str], Page] = {}
    for page in pages:
        first = seen.setdefault((*page.key, page.lang), page)
        if first is not page:
            problems.error(
                page.source,
                f"{page.path} and {first.path} are the same page ({page.lang}); rename one",
            )
    if own:
        problems.raise_if_errors()
    return tuple(sorted(pages, key=lambda p: (p.section, p.order, p.title.lower(), p.name, p.lang)))


PARALLEL_FROM = 1000
"""From this many files to read, they are read by one process per core."""


def _read_all(
    project: Path, paths: list[PurePosixPath], languages: tuple[str, ...]
) -> list[tuple[Page | None, list[Problem]]]:
    """Read `paths` (in order), over one process per core when there are many."""
    workers = cores()
    if len(paths) < PARALLEL_FROM or workers < 2:
        return _read_some(project, paths, languages)
    size = -(-len(paths) // (workers * 4))
    global _READING
    _READING = (project, paths, size, languages)
    starts = list(range(0, len(paths), size))
    try:
        parts = dict(in_workers(_read_part, starts, workers))
    finally:
        _READING = None
    return [result for start in starts for result in parts[start]]


_READING: tuple[Path, list[PurePosixPath], int, tuple[str, ...]] | None = None
"""What the forked workers read: the project, the paths, how many each takes, the languages."""


def _read_part(start: int) -> tuple[int, list[tuple[Page | None, list[Problem]]]]:
    assert _READING is not None
    project, paths, size, languages = _READING
    return start, _read_some(project, paths[start : start + size], languages)


def _read_some(
    project: Path, paths: list[PurePosixPath], languages: tuple[str, ...]
) -> list[tuple[Page | None, list[Problem]]]:
    results: list[tuple[Page | None, list[Problem]]] = []
    for path in paths:
        found = Problems()
        page = None
        try:
            page = load_page(project, project / path, found, languages)
        except ToolkitError as exc:
            found.absorb(exc)
        results.append((page, found.items))
    return results


def load_page(
    project: Path, file: Path, problems: Problems, languages: tuple[str, ...] = ("en",)
) -> Page:
    """Read one Markdown file."""
    path = PurePosixPath(file.relative_to(project).as_posix())
    lang = languages[0]
    code = _LANG_SUFFIX.search(path.name)
    path_for_name = path
    if code is not None and code[1] in languages:
        lang = code[1]
        path_for_name = path.with_name(_LANG_SUFFIX.sub(".md", path.name))
    elif code is not None and len(code[1]) == 2:
        problems.warning(
            Location(path),
            f"{code[1]!r} is not one of the campaign's languages, so this is a page of its own; "
            "add it to `languages` in toolkit.yaml to make it a translation",
        )
    data = _read(file, path)
    parts = split(_decode(data, path), path)
    section, name = _section_and_name(path_for_name)
    f = Fields(parts.meta, (), problems, "front matter")
    f.check_keys(_KEYS)
    kinds = f.text_list("kinds")
    for kind in kinds:
        if kind not in KINDS:
            f.bad("kinds", f"unknown kind {kind!r}: use {', '.join(KINDS)}")
    if kinds and section == "site":
        f.bad(
            "kinds", "`kinds` is only for toolkit and print pieces (content/kit/, content/print/)"
        )
    sizes = tuple(s.lower() for s in f.text_list("sizes"))
    for size in sizes:
        if size not in PAPER_SIZES:
            f.bad("sizes", f"unknown paper size {size!r}: use {', '.join(PAPER_SIZES)}")
    if sizes and section != "print":
        f.bad("sizes", "`sizes` is only for print pieces under content/print/")
    extra = f.raw("extra") or {}
    if not isinstance(extra, dict):
        f.bad("extra", "`extra` must be a mapping of `key: value`")
        extra = {}
    body_location = Location(path, parts.body_line)
    merge.validate(parts.body, body_location, problems)
    title = f.text("title") or _first_heading(parts.body) or _title_from(name or "home")
    merge.validate(title, f.loc("title"), problems)
    description = f.text("description", default="") or ""
    merge.validate(description, f.loc("description"), problems)
    return Page(
        source=Location(path, 1, 1),
        section=section,
        name=name,
        title=title,
        description=description,
        layout=_layout(f),
        order=f.integer("order", 0),
        draft=f.boolean("draft", False),
        # A page with an `order` takes its place in the navigation unless it says otherwise;
        # a campaign with thousands of pages keeps the others out of every page's menu.
        nav=f.boolean("nav", f.has("order")),
        nav_title=f.text("nav_title"),
        date=f.date("date"),
        kinds=kinds,
        image=f.text("image"),
        sizes=tuple(s for s in sizes if s in PAPER_SIZES),
        extra=MappingProxyType(extra),
        markdown=parts.body,
        body_line=parts.body_line,
        lang=lang,
        default_language=lang == languages[0],
        digest=_digest(data, lang, lang == languages[0]),
        file=str(file),
    )


def _read(file: Path | str, path: PurePosixPath) -> bytes:
    # Four calls to the system where a buffered file makes eight (it also asks whether the
    # file is a terminal, and where it stands in it): a build reads ten thousand pages.
    try:
        fd = os.open(file, os.O_RDONLY)
        try:
            size = os.fstat(fd).st_size
            data = os.read(fd, size + 1)
            if len(data) <= size:
                return data  # a short read of a plain file is its end
            parts = [data]
            while chunk := os.read(fd, 1 << 16):
                parts.append(chunk)  # the file grew since its size was asked
            return b"".join(parts)
        finally:
            os.close(fd)
    except OSError as exc:
        raise ToolkitError.at(Location(path), f"cannot read: {exc}") from None


def _decode(data: bytes, path: PurePosixPath) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ToolkitError.at(Location(path), f"cannot read: {exc}") from None
    # As text mode reads it: every line ending becomes a newline.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _digest(data: bytes, lang: str, default_language: bool) -> str:
    found = hashlib.sha256(data)
    found.update(f"\0{lang}\0{default_language}".encode())
    return found.hexdigest()[:32]


def _section_and_name(path: PurePosixPath) -> tuple[str, str]:
    parts = list(path.relative_to(CONTENT_DIR).with_suffix("").parts)
    section = "site"
    if len(parts) > 1 and parts[0] in (KIT_DIR, PRINT_DIR):
        section = parts.pop(0)
    if parts and parts[-1] == "index":
        parts.pop()
    return section, "/".join(slugify(p) or "page" for p in parts)


def _layout(f: Fields) -> str | None:
    layout = f.text("layout")
    if layout is not None and not re.match(r"^[a-z0-9][a-z0-9_-]*$", layout):
        f.bad("layout", f"`layout` must be a template name such as `page`, not {layout!r}")
        return None
    return layout


def _first_heading(body: str) -> str | None:
    match = _H1.search(_FENCED.sub("", body))
    return match[1] if match else None


def _title_from(name: str) -> str:
    return name.rsplit("/", 1)[-1].replace("-", " ").capitalize()
