"""Print kits: paper sizes, QR codes, and PDFs made with WeasyPrint and cached by content."""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from toolkit.atomic import write_whole
from toolkit.errors import Location, ToolkitError
from toolkit.settings import PAPER_SIZES

PAPER_LABELS = {
    "letter": "US Letter, 8.5 × 11 in",
    "tabloid": "US Tabloid, 11 × 17 in",
    "a4": "A4, 210 × 297 mm",
    "a3": "A3, 297 × 420 mm",
}
CACHE_DIR = ".toolkit-cache/pdf"
_FILE_URL = re.compile(r"file://[^\"')\s]+")


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper size, portrait, in millimetres."""

    name: str
    width: float
    height: float

    @property
    def label(self) -> str:
        return PAPER_LABELS.get(self.name, self.name)

    @property
    def scale(self) -> float:
        """How much bigger than US Letter type and spacing should be on this paper."""
        return round(min(self.width / 215.9, self.height / 279.4), 3)


def paper(name: str) -> Paper:
    width, height = PAPER_SIZES[name]
    return Paper(name, width, height)


def qr_data_uri(url: str) -> str:
    """Return the QR code for `url` (`qr_png`) as a data URI."""
    return "data:image/png;base64," + base64.b64encode(qr_png(url)).decode("ascii")


@functools.lru_cache(maxsize=1024)
def qr_png(url: str) -> bytes:
    """Return a QR code for `url` as a PNG, eight pixels per module.

    Shown with `image-rendering: pixelated`, each module stays a sharp square at any print
    size (the PDF asks viewers and printers not to smooth it; a viewer that smooths anyway
    blurs only the edge of each square), and a PNG is drawn many times faster than the same
    code as an SVG path.
    """
    # Imported here: a build that makes no QR code starts faster without them.
    from PIL import Image

    from toolkit import png, qr

    rows = qr.symbol(url)
    quiet = b"\x00" * 4
    modules = len(rows) + 8
    side = modules * 8
    grid = quiet * modules + b"".join(quiet + row + quiet for row in rows) + quiet * modules
    # Eight-bit grey, which WeasyPrint embeds as it is: a one-bit image it would convert to
    # colour and compress twice more for each PDF. A row of modules is eight rows of pixels:
    # the first as it is, the next seven "as the row above" (PNG's Up filter), all zeros, which
    # is half the time of Pillow trying every filter on every row.
    wide = Image.frombytes("L", (modules, modules), grid.translate(_GREY))
    wide = wide.resize((side, modules), Image.Resampling.NEAREST).tobytes()
    same = (b"\x02" + bytes(side)) * 7
    scanlines = b"".join(
        b"\x00" + wide[start : start + side] + same for start in range(0, len(wide), side)
    )
    return png.encode(scanlines, side, side, png.GREY)


_GREY = bytes([255, 0]) + bytes(254)
"""A module's shade: light (0) white, dark (1) black."""


def name_size(name: str) -> int:
    """Return the type-size step for a champion's name: 1 (short) to 4 (very long)."""
    length = len(name)
    return 1 if length <= 28 else 2 if length <= 55 else 3 if length <= 90 else 4


FIT_STEPS = (1.0, 0.85, 0.72, 0.6)
"""Type sizes a print piece is tried at, largest first, until everything fits on the sheet."""


@dataclass(frozen=True, slots=True)
class Job:
    """One PDF to make: its HTML at each type size, and the files that HTML may read."""

    html: str
    roots: tuple[str, ...]
    origin: PurePosixPath
    """The print piece's source path, for messages."""
    smaller: tuple[str, ...] = ()
    """The same document with smaller type, tried in turn while the text does not fit."""


def file_url(path: Path) -> str:
    """Return a file:// URL for a local file WeasyPrint may read."""
    return path.resolve().as_uri()


def cache_key(job: Job, digest_file: Callable[[Path], str]) -> str:
    """Return a key that changes whenever anything that goes into the PDF changes."""
    h = hashlib.sha256()
    h.update(f"weasyprint {_weasyprint_version()}\0".encode())
    h.update(job.html.encode("utf-8"))
    for url in sorted(set(_FILE_URL.findall(job.html))):
        h.update(b"\0" + digest_file(Path(unquote(urlsplit(url).path))).encode())
    return h.hexdigest()


@functools.cache
def _weasyprint_version() -> str:
    # Read from the package's metadata: importing WeasyPrint takes half a second, which a
    # build whose PDFs all come from the cache never needs to spend.
    import importlib.metadata

    return importlib.metadata.version("weasyprint")


class PdfCache:
    """PDFs by key under `.toolkit-cache/pdf/` in the project, with their page counts."""

    def __init__(self, project: Path) -> None:
        self.folder = project / CACHE_DIR
        self.used: set[Path] = set()

    def get(self, key: str) -> tuple[Path, int] | None:
        for file in self.folder.glob(f"{key}-*p.pdf"):
            self.used.add(file)
            return file, int(file.stem.rsplit("-", 1)[1][:-1])
        return None

    def put(self, key: str, data: bytes, pages: int) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        file = self.folder / f"{key}-{pages}p.pdf"
        # Two workers can make the same PDF at once (two outputs from the same HTML).
        write_whole(file, data)
        self.used.add(file)
        return file

    def prune(self) -> None:
        """Forget PDFs this build did not use, so the cache does not grow without end."""
        if not self.folder.is_dir():
            return
        for file in self.folder.iterdir():
            if file not in self.used:
                file.unlink(missing_ok=True)


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
"""A plain `<style>` element in the head; one with attributes (a media query, say), and any in
the body (raw HTML in a page's Markdown), is left to WeasyPrint."""


@contextlib.contextmanager
def quiet_fonttools() -> Iterator[None]:
    """Keep fontTools from warning of what it mends in a font's header as it reads it (Lato's
    dates), once for every font it reads: nothing a campaign can act on."""
    import logging  # here: a build that makes no PDF or share image starts faster without it

    log = logging.getLogger("fontTools")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def subsetter_missing() -> bool:
    """Return whether WeasyPrint finds no HarfBuzz font subsetter on this machine.

    It then subsets each PDF's fonts with fontTools, which reads the whole font again for every
    PDF: a PDF takes from five to forty times as long, depending on fontTools' version.
    """
    from weasyprint.pdf import fonts

    return not fonts.harfbuzz_subset or not fonts.harfbuzz.hb_version_atleast(4, 1, 0)


SUBSETTER_HINT = "install it: on Debian and Ubuntu, apt-get install libharfbuzz-subset0"


class PdfMaker:
    """Lays out print documents one after another, sharing what they can.

    Each PDF is still its own document, but loading the fonts and parsing the stylesheet once
    per maker, rather than once per PDF, halves the time a PDF takes. The plain `<style>`
    elements of a document's head are handed to WeasyPrint already parsed, in their order.
    They then count as the reader's stylesheets rather than the author's: a print template
    of a project's own theme that also links a stylesheet, or gives one a `media`, sees that
    one win over them whatever the order, and their `!important` win over a `style`
    attribute's. The default theme has neither.

    WeasyPrint copies the fonts into a temporary folder, removed only when the maker is
    garbage: a maker lives for one build, in a process of its own where it can.
    """

    LIMIT = 64
    """Stylesheets and images kept at most: the least recently used stylesheet goes (the
    large shared one is used by every PDF), the images all go when there are more."""

    def __init__(self) -> None:
        from weasyprint.css.counters import CounterStyle
        from weasyprint.text.fonts import FontConfiguration

        self.fonts = FontConfiguration()
        self.counters = CounterStyle()
        self.slow_fonts = subsetter_missing()
        self.images: dict = {}
        self.sheets: dict[tuple[str, tuple[str, ...]], object] = {}

    def render(self, job: Job) -> tuple[bytes, int]:
        """Lay out one print document; return the PDF and its page count."""
        fetcher = _fetcher(job.roots)
        if len(self.images) >= self.LIMIT:
            self.images.clear()
        # Without HarfBuzz's subsetter, fontTools reads each font of each PDF.
        try:
            with quiet_fonttools():
                for html in (job.html, *job.smaller):
                    document = self.lay_out(html, job.roots, fetcher)
                    if fits(document):
                        break
                return document.write_pdf(), len(document.pages)
        except Exception as exc:
            # WeasyPrint failing on a document is reported at the print piece, not as a crash.
            raise ToolkitError.at(Location(job.origin), f"cannot make the PDF: {exc}") from None

    def lay_out(self, html: str, roots: tuple[str, ...], fetcher: object | None = None) -> Any:
        """Return `html` laid out as a WeasyPrint document, with the maker's fonts, stylesheets
        and images; it reads only data: URLs and files under `roots`."""
        from weasyprint import HTML

        fetcher = fetcher if fetcher is not None else _fetcher(roots)
        head, end, body = html.partition("</head>")
        styles = _STYLE.findall(head) if end else []
        sheets = [self._stylesheet(css, roots, fetcher) for css in styles]
        plain = _STYLE.sub("", head) + end + body if end else html
        return HTML(string=plain, url_fetcher=fetcher).render(
            font_config=self.fonts,
            counter_style=self.counters,
            stylesheets=sheets,
            cache=self.images,  # the campaign's artwork is on every piece
        )

    def _stylesheet(self, css: str, roots: tuple[str, ...], fetcher: object) -> object:
        from weasyprint import CSS

        key = (css, roots)
        sheet = self.sheets.pop(key, None)
        if sheet is None:
            if len(self.sheets) >= self.LIMIT:
                del self.sheets[next(iter(self.sheets))]  # the least recently used
            sheet = CSS(
                string=css,
                url_fetcher=fetcher,
                font_config=self.fonts,
                counter_style=self.counters,
            )
        self.sheets[key] = sheet  # last, as the most recently used
        return sheet


def fits(document: object) -> bool:
    """Return whether the text of each sheet ends above its footer (the QR code and address).

    The layouts mark the text that flows down the sheet `flow` and the footer `footer`; a long
    name or address can push the one into the other, and then a smaller type size is tried.
    """
    for page in document.pages:  # type: ignore[attr-defined]
        flow_bottom, footer_top = 0.0, None
        for box in _boxes(page._page_box):
            classes = (box.element.get("class") or "").split() if box.element is not None else ()
            if "footer" in classes and footer_top is None:
                footer_top = box.position_y + box.margin_top
            elif "flow" in classes:
                for line in _boxes(box):
                    if type(line).__name__ == "LineBox":
                        flow_bottom = max(flow_bottom, line.position_y + line.height)
        if footer_top is not None and flow_bottom > footer_top:
            return False
    return True


def _boxes(box: object) -> Iterable:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _fetcher(roots: tuple[str, ...]):
    from weasyprint.urls import URLFetcher

    class ProjectFetcher(URLFetcher):
        """Reads data: URLs and files of the project and theme; never the network."""

        def fetch(self, url: str, headers: dict | None = None):
            if url.startswith("file://"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in roots) or not path.is_file():
                    raise ValueError(f"not allowed in a print document: {url}")
            elif not url.startswith("data:"):
                raise ValueError(f"not allowed in a print document: {url}")
            return super().fetch(url, headers)

    return ProjectFetcher(allowed_protocols=("file", "data"))
