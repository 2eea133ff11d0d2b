"""Share images: a 1200×630 picture per champion (and one for the campaign) for link previews.

Drawn with Pillow from the champion's name, place, colours and logo over the campaign's artwork,
in the theme's typeface, without the typeface's hinting (see `unhinted`). SVG logos are first
drawn to pixels through the print pipeline (WeasyPrint, then pdfium), once per logo file.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from unicodedata import bidirectional, combining

from PIL import Image, ImageChops, ImageDraw, ImageFont

from toolkit import png
from toolkit.atomic import write_whole
from toolkit.printkit import quiet_fonttools
from toolkit.recent import version

WIDTH, HEIGHT = 1200, 630
PANEL = 0.64
"""The share of the width the text panel takes; the campaign's artwork shows in the rest."""
MARGIN = 64


FONT_FILES = ("Lato-Regular.ttf", "Lato-Bold.ttf", "Lato-Black.ttf")
"""The typeface's files a card is drawn with (`Typeface`), as a theme names them."""


@dataclass(frozen=True, slots=True)
class Typeface:
    """The three weights a card is written in, each a font file."""

    regular: Path
    bold: Path
    black: Path

    @property
    def files(self) -> tuple[Path, Path, Path]:
        return self.regular, self.bold, self.black


@dataclass(frozen=True, slots=True)
class Card:
    """What goes on one share image."""

    kicker: str
    """Small capitals above the title: the campaign's name."""
    title: str
    lines: tuple[str, ...]
    """Smaller lines under the title: place, date."""
    primary: str
    ink: str
    accent: str
    fonts: Typeface
    artwork: Path | None = None
    logo: Image.Image | None = None
    """The logo already in pixels (see `load_logo`)."""


def _rgb(color: str) -> tuple[int, int, int]:
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def draw(card: Card, fonts_cache: Path | None = None) -> bytes:
    """Return the share image of `card` as PNG bytes; `fonts_cache` keeps the typeface as it is
    drawn with (`unhinted`) from one build to the next."""
    panel = int(WIDTH * PANEL)
    side = None
    if card.artwork is not None:
        side = _side_panel(card.artwork, version(card.artwork), card.accent)
    badge = None
    if card.logo is not None:
        picture = card.logo.copy()
        picture.thumbnail((120, 120))
        badge = Image.new("RGB", (picture.width + 24, picture.height + 24), "white")
        badge.paste(picture, (12, 12), picture if picture.mode == "RGBA" else None)
    # The words are written once as shades (how much of each pixel the ink covers, in steps
    # from 0 to INK), then given their colours.
    coverage = Image.new("L", (panel - 12, HEIGHT), 0)
    _write(card, coverage, MARGIN + (badge.height + 28 if badge else 0), fonts_cache)
    logo = _indexed(badge)
    if (side is None or side.indexed is not None) and (
        badge is None or (logo is not None and _close(badge, logo))
    ):
        return _in_palette(card, side, logo, coverage)
    # A photograph in the artwork or the logo: every colour is kept.
    image = Image.new("RGB", (WIDTH, HEIGHT), _rgb(card.primary))
    if side is not None:
        image.paste(side.image, (panel, 0))
    image.paste(_rgb(card.ink), (0, 0, *coverage.size), coverage.point(_ALPHA_TABLE))
    if badge is not None:
        image.paste(badge, (MARGIN, MARGIN))
    ImageDraw.Draw(image).rectangle((panel - 12, 0, panel, HEIGHT), fill=_rgb(card.accent))
    out = io.BytesIO()
    # Runs of one colour rather than zlib's search for repeats (Z_RLE, `compress_type` 3): two
    # thirds of the time for a sixth more bytes.
    image.save(out, "PNG", optimize=False, compress_level=3, compress_type=3)
    return out.getvalue()


def _write(card: Card, coverage: Image.Image, top: int, cache: Path | None) -> None:
    """Write the campaign's name, the title and the lines under it, from `top` down."""
    width = int(WIDTH * PANEL) - 2 * MARGIN - 12
    kicker = _font(card.fonts.bold, 30, cache)
    _put(coverage, (MARGIN, top), card.kicker.upper(), kicker)
    top += 52
    title_lines, title_font = _fit(card.title, card.fonts, width, HEIGHT - top - 150, cache)
    for line in title_lines:
        _put(coverage, (MARGIN, top), line, title_font)
        top += int(title_font.size * 1.12)
    top += 18
    small = _font(card.fonts.regular, 32, cache)
    for line in card.lines:
        for part in _wrap(line, small, width)[:2]:
            if top + small.size > HEIGHT - MARGIN // 2:
                break
            _put(coverage, (MARGIN, top), part, small)
            top += int(small.size * 1.3)


def _in_palette(
    card: Card, side: _Side | None, logo: Indexed | None, coverage: Image.Image
) -> bytes:
    """Return the card as a palette PNG: a third of the bytes of an RGB one to compress, and
    none of the filtering Pillow tries on every row of one. A campaign draws ten thousand of
    these whenever its name or colours change: the rows they share are compressed once (`png`).

    Every pixel is given its index directly, never looked up: the text's by how much ink covers
    it, the side panel's and the logo's from their own palettes.
    """
    primary, ink = _rgb(card.primary), _rgb(card.ink)
    colours = [
        tuple(round(b + (i - b) * step / (_SHADES - 1)) for b, i in zip(primary, ink, strict=True))
        for step in range(_SHADES)
    ]
    colours.append(_rgb(card.accent))  # index _ACCENT
    # Indexes are laid out in a grey image: every step below is one of Pillow's own, none goes
    # through the pixels in Python. Its first column, all 0, is the filter byte of each row of
    # the PNG (none): the image's bytes are the PNG's rows as they are.
    panel = int(WIDTH * PANEL)
    image = Image.new("L", (WIDTH + 1, HEIGHT), 0)
    image.paste(coverage, (1, 0))
    if side is not None and side.indexed is not None:
        colours.extend(side.indexed[1])
        image.paste(side.shifted, (panel + 1, 0))
    if logo is not None:
        indexed, own = logo
        start = len(colours)
        colours.extend(own)
        image.paste(_shift(indexed, start), (MARGIN + 1, MARGIN))
    ImageDraw.Draw(image).rectangle((panel - 11, 0, panel + 1, HEIGHT), fill=_ACCENT)
    palette = bytes(c for colour in colours for c in colour)
    return png.encode(image.tobytes(), WIDTH, HEIGHT, png.PALETTE, palette, _BANDS)


_BANDS = png.Bands()
"""The compressed bands of the share images this process wrote."""


_SHADES = 32
"""Shades of ink over the background the words are written in: a letter's edge is off by at
most a sixty-second of the way between the two, which no eye sees."""
INK = _SHADES - 1
"""The words' shade where ink covers a pixel whole: they are written in it, so that each pixel's
shade is its index in a palette card's colours as it is written."""
_ALPHA_TABLE = [min(255, round(c * 255 / INK)) for c in range(256)]
"""How much of each pixel the ink covers, 0 to 255, for each shade."""
_ACCENT = _SHADES
"""The accent's index in a palette card."""
_SIDE_COLOURS = 160
_LOGO_COLOURS = 48
_CLOSE_ENOUGH = 0.02
"""The share of a picture's pixels (artwork, logo) that may move by more than 8 (of 255) when it
is put in its own few colours. Flat artwork and logos move 0.1–1.3% of theirs, mostly along
their edges; a photograph or a gradient moves far more, and its cards keep every colour (RGB)."""

Indexed = tuple[Image.Image, list[tuple[int, int, int]]]
"""A picture as indexes into its own palette, and that palette's colours."""


def _indexed(image: Image.Image | None, most: int = _LOGO_COLOURS) -> Indexed | None:
    """Return `image` in at most `most` colours of its own (an octree's: each pixel goes to
    its own branch, none is looked up)."""
    if image is None:
        return None
    reduced = image.quantize(
        colors=most, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    values = reduced.getpalette() or []
    count = max((index for _, index in reduced.getcolors(256) or []), default=0) + 1
    return reduced, [tuple(values[3 * i : 3 * i + 3]) for i in range(count)]  # type: ignore[misc]


def _close(image: Image.Image, indexed: Indexed) -> bool:
    """Return whether `indexed` looks like `image` (see `_CLOSE_ENOUGH`)."""
    red, green, blue = ImageChops.difference(image, indexed[0].convert("RGB")).split()
    moved = ImageChops.lighter(ImageChops.lighter(red, green), blue).histogram()
    return sum(moved[9:]) <= _CLOSE_ENOUGH * image.width * image.height


@dataclass(frozen=True)
class _Side:
    image: Image.Image
    indexed: Indexed | None
    """`image` in a palette of its own, or None when it needs more colours than that holds."""
    shifted: Image.Image | None = None
    """`indexed` as indexes into a card's palette, where its colours follow the shades and the
    accent (the same on every card)."""


def _shift(indexed: Image.Image, start: int) -> Image.Image:
    """Return the indexes of `indexed` moved up by `start`, in a grey image."""
    moved = bytes(min(255, start + i) for i in range(256))
    return Image.frombytes("L", indexed.size, indexed.tobytes().translate(moved))


def _font(file: Path, size: int, cache: Path | None) -> ImageFont.FreeTypeFont:
    return _loaded_font(file, version(file), size, cache)


def unreadable_font(typeface: Typeface) -> Path | None:
    """Return the first of `typeface`'s files that cannot be drawn with, if any."""
    for file in typeface.files:
        try:
            # From its bytes: given a path it cannot read, Pillow looks for the name among the
            # system's fonts.
            ImageFont.truetype(io.BytesIO(file.read_bytes()), 12)
        except OSError:
            return file
    return None


# Thousands of cards share the campaign's artwork and typeface: each is prepared once per
# version of its file (a preview server sees them change).
@functools.lru_cache(maxsize=64)
def _loaded_font(file: Path, seen: object, size: int, cache: Path | None) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(io.BytesIO(_unhinted_font(file, seen, cache)), size)


@functools.lru_cache(maxsize=8)
def _unhinted_font(file: Path, seen: object, cache: Path | None) -> bytes:
    data = file.read_bytes()
    digest = f"{hashlib.sha256(data).hexdigest()}-{_UNHINTED_FORM}"
    made = _UNHINTED.get(digest)
    if made is not None:
        return made
    kept = cache / f"{digest}.ttf" if cache is not None else None
    try:
        made = kept.read_bytes() if kept is not None else None
    except OSError:
        made = None
    if made is None:
        made = unhinted(data)
        if kept is not None:
            try:
                kept.parent.mkdir(parents=True, exist_ok=True)
                write_whole(kept, made)
            except OSError:
                pass  # kept for the next build only when it can be
    _UNHINTED[digest] = made
    return made


_UNHINTED: dict[str, bytes] = {}
"""Fonts without their hinting, by what they were made from: every project of a preview
server or a test run that uses the default theme shares them."""
_UNHINTED_FORM = 2
"""Goes up when `unhinted` changes what it makes, so older copies are not used."""


def unhinted(font: bytes) -> bytes:
    """Return a TrueType font without its hinting instructions (the same font otherwise).

    Hinting bends outlines to the pixel grid, which helps small text on screens. A share image's
    words are 28 to 72 pixels high, where it changes a letter's edge by a shade at most (the
    advance widths stay as they are), and FreeType drew each letter at less than half the speed
    running the instructions. A font that has none is returned as it is.
    """
    # Imported here: fontTools is WeasyPrint's, and only a build that draws a card needs it.
    from fontTools.ttLib import TTFont

    try:
        with quiet_fonttools():
            typeface = TTFont(io.BytesIO(font), recalcBBoxes=False, recalcTimestamp=False)
            if "glyf" not in typeface or not any(t in typeface for t in ("fpgm", "prep", "cvt ")):
                return font
            for table in ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX"):
                if table in typeface:
                    del typeface[table]
            # Each glyph's instructions are cut from its bytes as they are: its outline is never
            # decoded and encoded again, which took ten times as long.
            typeface["glyf"].removeHinting()
            out = io.BytesIO()
            typeface.save(out)
            return out.getvalue()
    except Exception:  # fontTools cannot read it: Pillow is left to say what is wrong with it
        return font


@functools.lru_cache(maxsize=16)
def _side_panel(artwork: Path, seen: object, accent: str) -> _Side | None:
    """The whole artwork, scaled to the side panel, on a pale wash of the accent colour; in
    fewer colours when that changes no pixel by more than `_CLOSE_ENOUGH`."""
    art = _open(artwork)
    if art is None:
        return None
    side = Image.new("RGB", (WIDTH - int(WIDTH * PANEL), HEIGHT), _mix(_rgb(accent), 0.85))
    art.thumbnail((side.width - 48, side.height - 48))
    side.paste(art, ((side.width - art.width) // 2, (side.height - art.height) // 2))
    indexed = _indexed(side, _SIDE_COLOURS)
    if indexed is None or not _close(side, indexed):
        return _Side(side, None)
    return _Side(side, indexed, _shift(indexed[0], _ACCENT + 1))


def _fit(
    text: str, fonts: Typeface, width: int, height: int, cache: Path | None
) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """Return the title wrapped at the largest size that fits the space (72 down to 28 px)."""
    for size in range(72, 27, -4):
        font = _font(fonts.black, size, cache)
        lines = list(_wrap(text, font, width))
        if len(lines) * size * 1.12 <= height:
            return lines, font
    font = _font(fonts.black, 28, cache)
    lines = list(_wrap(text, font, width))
    fitting = max(1, int(height // (28 * 1.12)))
    if len(lines) > fitting:
        lines = [*lines[: fitting - 1], lines[fitting - 1].rstrip() + "…"]
    return lines, font


# The campaign's name, its date and the champions' towns are on card after card: such a line is
# wrapped once.
@functools.lru_cache(maxsize=256)
def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> tuple[str, ...]:
    """Return `text` in lines that fit `width`, each with as many words as fit.

    A line is as wide as its words and the spaces between them (`_gap`), each measured once:
    to the 64th of a pixel what Pillow measures of the line whole. The words of a line are
    also drawn one by one (`_put`). Text in a right-to-left script is measured a line at a
    time, as it is drawn.
    """
    if not _by_words(text):
        return _wrap_lines(text, font, width)
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    pending = text.split()[::-1]
    while pending:
        word = pending.pop()
        size = _width(word, font)
        if line and used + (more := _gap(line[-1], word, font) + size) <= width:
            line.append(word)
            used += more
        elif line:
            lines.append(" ".join(line))
            line = []
            pending.append(word)
        elif size <= width or len(word) == 1:
            line, used = [word], size
        else:
            cut = _cut(word, font, width)
            lines.append(word[:cut] + "-")
            pending.append(word[cut:])
    if line:
        lines.append(" ".join(line))
    return tuple(lines)


def _wrap_lines(text: str, font: ImageFont.FreeTypeFont, width: int) -> tuple[str, ...]:
    """Return `text` in lines that fit `width`, each measured whole.

    The words that fit are found by halves rather than word by word: a line only grows as words
    are added.
    """

    def fits(line: str) -> bool:
        return font.getlength(line, "L") <= width

    words = text.split()
    lines: list[str] = []
    while words:
        if fits(" ".join(words)):
            lines.append(" ".join(words))
            break
        fit, over = 0, len(words)
        while over - fit > 1:
            middle = (fit + over) // 2
            if fits(" ".join(words[:middle])):
                fit = middle
            else:
                over = middle
        if fit or len(words[0]) == 1:
            fit = max(fit, 1)
            lines.append(" ".join(words[:fit]))
            words = words[fit:]
            continue
        cut = _cut(words[0], font, width)
        lines.append(words[0][:cut] + "-")
        words[0] = words[0][cut:]
    return tuple(lines)


def _cut(word: str, font: ImageFont.FreeTypeFont, width: int) -> int:
    """Return where a word wider than `width` is cut, with a hyphen, as late as fits."""
    cut, over = 1, len(word)
    while over - cut > 1:
        middle = (cut + over) // 2
        if font.getlength(word[:middle] + "-", "L") <= width:
            cut = middle
        else:
            over = middle
    return cut


def _width(word: str, font: ImageFont.FreeTypeFont) -> float:
    """Return how wide `word` is written in `font`, measured once a process."""
    key = (word, font)
    size = _WIDTHS.get(key)
    if size is None:
        if len(_WIDTHS) >= 16384:
            _WIDTHS.clear()
        size = _WIDTHS[key] = font.getlength(word, "L")
    return size


def _gap(before: str, after: str, font: ImageFont.FreeTypeFont) -> float:
    """Return how far the word `after` starts from the end of the word `before` on a line: a
    space, and the kerning of the letters on each side of it against it (a space before a "T"
    is narrower)."""
    space = _width(" ", font)
    gap = space
    last, first = before[-1], after[0]
    if not combining(last):
        gap += _width(last + " ", font) - _width(last, font) - space
    if not combining(first):
        gap += _width(" " + first, font) - _width(first, font) - space
    return gap


_WIDTHS: dict[tuple[str, ImageFont.FreeTypeFont], float] = {}
"""The words measured so far: the names of ten thousand champions share most of theirs."""


def _by_words(text: str) -> bool:
    """Return whether `text` is written word by word: one line, and no character of a
    right-to-left script (whose words a line orders as a whole) nor of bidirectional control."""
    if "\n" in text:
        return False
    return text.isascii() or not any(bidirectional(c) in _RIGHT_TO_LEFT for c in text)


_RIGHT_TO_LEFT = frozenset(
    ("R", "AL", "AN", "RLE", "RLO", "RLI", "LRE", "LRO", "LRI", "FSI", "PDF")
)
"""Bidirectional classes a line of which is laid out as a whole (PDI closes what these open)."""


def _put(
    coverage: Image.Image, at: tuple[int, int], text: str, font: ImageFont.FreeTypeFont
) -> None:
    """Write `text` on `coverage` at `at` (its left and its ascender), a word at a time.

    Each word is where the words and spaces before it put it (`_gap`), to the nearest pixel:
    within half a pixel of where Pillow puts it writing the line whole. Most words are on card
    after card (a campaign's name, its date, "Chamber of Commerce"), and a word seen before is
    drawn from what was kept of it (`_put_text`) rather than by FreeType again.
    """
    words = text.split()
    # Spaces at an end or two together (a campaign's name may have them) are Pillow's to place.
    if not _by_words(text) or " ".join(words) != text:
        _put_text(coverage, at, text, font)
        return
    x, y = at
    advance = 0.0
    for number, word in enumerate(words):
        if number:
            advance += _width(words[number - 1], font) + _gap(words[number - 1], word, font)
        _put_text(coverage, (x + round(advance), y), word, font)


def _put_text(
    coverage: Image.Image, at: tuple[int, int], text: str, font: ImageFont.FreeTypeFont
) -> None:
    """Write `text` on `coverage` at `at`, as `ImageDraw.text` writes it in the shade `INK`.

    Text seen before on another card is drawn from what was kept of it; text seen for the
    first time is written straight in, as keeping it costs a third more.
    """
    key = (text, font)
    # A line break (only a campaign's name can hold one) is left to ImageDraw, which writes
    # two lines where measuring one fails.
    if "\n" in text or key not in _SEEN:
        if len(_SEEN) >= 16384:
            _SEEN.clear()
        _SEEN[key] = None
        ImageDraw.Draw(coverage).text(at, text, font=font, fill=INK)
        return
    mask, (left, top) = _line(text, font)
    # The same blend of ink through the text's coverage that `ImageDraw.text` makes.
    coverage.paste(
        INK, (at[0] + left, at[1] + top, at[0] + left + mask.width, at[1] + top + mask.height), mask
    )


_SEEN: dict[tuple[str, ImageFont.FreeTypeFont], None] = {}
"""The words and lines drawn so far, at most some thousands."""


@functools.lru_cache(maxsize=1024)
def _line(text: str, font: ImageFont.FreeTypeFont) -> tuple[Image.Image, tuple[int, int]]:
    """Return how much ink covers each pixel of `text` written at (0, 0), in the box it takes,
    and where that box starts."""
    left, top, right, bottom = font.getbbox(text, "L")
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255)
    return mask, (left, top)


def _open(path: Path) -> Image.Image | None:
    try:
        with Image.open(path) as image:
            return image.convert("RGB")
    except (OSError, ValueError):
        return None


def _mix(color: tuple[int, int, int], white: float) -> tuple[int, int, int]:
    return tuple(round(c + (255 - c) * white) for c in color)  # type: ignore[return-value]


def load_logo(path: Path) -> Image.Image | None:
    """Return a logo file in pixels, or None when it cannot be drawn (it is then left off)."""
    if path.suffix.lower() != ".svg":
        try:
            with Image.open(path) as image:
                return image.convert("RGBA")
        except (OSError, ValueError):
            return None
    return svg_to_image(path)


def svg_to_image(path: Path, pixels: int = 240) -> Image.Image | None:
    """Draw an SVG file to pixels: WeasyPrint lays it out on a page, pdfium paints the page."""
    import pypdfium2
    from weasyprint import HTML

    html = (
        f"<style>@page{{size:{pixels}px {pixels}px;margin:0}}body{{margin:0}}"
        f"img{{width:{pixels}px;height:{pixels}px;object-fit:contain}}</style>"
        f'<img src="{path.resolve().as_uri()}">'
    )
    try:
        pdf = HTML(string=html).write_pdf()
        document = pypdfium2.PdfDocument(pdf)
        bitmap = document[0].render(scale=1, fill_color=(255, 255, 255, 0))
        image = bitmap.to_pil().convert("RGBA")
        document.close()
    except Exception:  # a logo that cannot be drawn is left off the card, not a failed build
        return None
    return image
