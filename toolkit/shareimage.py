"""Share images: a 1200×630 picture per champion (and one for the campaign) for link previews.

Drawn with Pillow from the champion's name, place, colours and logo over the campaign's artwork,
in the theme's typeface. SVG logos are first drawn to pixels through the print pipeline
(WeasyPrint, then pdfium), once per logo file.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from toolkit.recent import version

WIDTH, HEIGHT = 1200, 630
PANEL = 0.64
"""The share of the width the text panel takes; the campaign's artwork shows in the rest."""
MARGIN = 64


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
    fonts: Path
    """The folder with Lato-Regular.ttf, Lato-Bold.ttf and Lato-Black.ttf."""
    artwork: Path | None = None
    logo: Image.Image | None = None
    """The logo already in pixels (see `load_logo`)."""


def _rgb(color: str) -> tuple[int, int, int]:
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def draw(card: Card) -> bytes:
    """Return the share image of `card` as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), _rgb(card.primary))
    panel = int(WIDTH * PANEL)
    if card.artwork is not None:
        side = _side_panel(card.artwork, version(card.artwork), card.accent)
        if side is not None:
            image.paste(side, (panel, 0))
    pen = ImageDraw.Draw(image)
    pen.rectangle((panel - 12, 0, panel, HEIGHT), fill=_rgb(card.accent))
    ink = _rgb(card.ink)
    width = panel - 2 * MARGIN - 12
    top = MARGIN
    if card.logo is not None:
        logo = card.logo.copy()
        if logo is not None:
            logo.thumbnail((120, 120))
            badge = Image.new("RGB", (logo.width + 24, logo.height + 24), "white")
            badge.paste(logo, (12, 12), logo if logo.mode == "RGBA" else None)
            image.paste(badge, (MARGIN, top))
            top += badge.height + 28
    kicker = _font(card.fonts, "Bold", 30)
    pen.text((MARGIN, top), card.kicker.upper(), font=kicker, fill=ink)
    top += 52
    title_lines, title_font = _fit(pen, card.title, card.fonts, width, HEIGHT - top - 150)
    for line in title_lines:
        pen.text((MARGIN, top), line, font=title_font, fill=ink)
        top += int(title_font.size * 1.12)
    top += 18
    small = _font(card.fonts, "Regular", 32)
    for line in card.lines:
        for part in _wrap(pen, line, small, width)[:2]:
            if top + small.size > HEIGHT - MARGIN // 2:
                break
            pen.text((MARGIN, top), part, font=small, fill=ink)
            top += int(small.size * 1.3)
    out = io.BytesIO()
    # Level 3 rather than 6: a third less time for an eighth more bytes. A campaign draws ten
    # thousand of these whenever its name or colours change, and only link previews fetch them.
    image.save(out, "PNG", optimize=False, compress_level=3)
    return out.getvalue()


def _font(folder: Path, weight: str, size: int) -> ImageFont.FreeTypeFont:
    file = folder / f"Lato-{weight}.ttf"
    return _loaded_font(file, version(file), size)


# Thousands of cards share the campaign's artwork and typeface: each is prepared once per
# version of its file (a preview server sees them change).
@functools.lru_cache(maxsize=64)
def _loaded_font(file: Path, seen: object, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(file), size)


@functools.lru_cache(maxsize=16)
def _side_panel(artwork: Path, seen: object, accent: str) -> Image.Image | None:
    """The whole artwork, scaled to the side panel, on a pale wash of the accent colour."""
    art = _open(artwork)
    if art is None:
        return None
    side = Image.new("RGB", (WIDTH - int(WIDTH * PANEL), HEIGHT), _mix(_rgb(accent), 0.85))
    art.thumbnail((side.width - 48, side.height - 48))
    side.paste(art, ((side.width - art.width) // 2, (side.height - art.height) // 2))
    return side


def _fit(
    pen: ImageDraw.ImageDraw, text: str, fonts: Path, width: int, height: int
) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """Return the title wrapped at the largest size that fits the space (72 down to 28 px)."""
    for size in range(72, 27, -4):
        font = _font(fonts, "Black", size)
        lines = _wrap(pen, text, font, width)
        if len(lines) * size * 1.12 <= height:
            return lines, font
    font = _font(fonts, "Black", 28)
    lines = _wrap(pen, text, font, width)
    fitting = max(1, int(height // (28 * 1.12)))
    if len(lines) > fitting:
        lines = [*lines[: fitting - 1], lines[fitting - 1].rstrip() + "…"]
    return lines, font


def _wrap(
    pen: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if pen.textlength(trial, font=font) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        # A single word wider than the panel is cut where it must be.
        while pen.textlength(word, font=font) > width and len(word) > 1:
            cut = len(word)
            while cut > 1 and pen.textlength(word[:cut] + "-", font=font) > width:
                cut -= 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


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
