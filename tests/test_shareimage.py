"""Share images: one per champion and one for the campaign, 1200×630, in every link preview."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from PIL import Image, ImageChops

from toolkit.shareimage import FONT_FILES, MARGIN, Card, Typeface, draw

FONTS = Path(__file__).parent.parent / "themes/default/static/fonts"
TYPEFACE = Typeface(*(FONTS / name for name in FONT_FILES))
FIXTURES_ART = Path(__file__).parent.parent / "content/images/share.png"
"""The example campaign's artwork: flat colours, as campaign artwork mostly is."""


def test_each_champion_gets_its_own_share_image(project, run_toolkit, tmp_path):
    out = tmp_path / "out"
    assert run_toolkit("build", project("campaign"), "-o", out, "--no-print").exit_code == 0
    images = {}
    for champion in ("riverside-chamber", "mayor-of-northfield", "long-name-chamber"):
        with Image.open(out / f"champions/{champion}/share.png") as image:
            assert image.size == (1200, 630)
            assert image.format == "PNG"
            images[champion] = image.convert("RGB")
    assert ImageChops.difference(
        images["riverside-chamber"], images["mayor-of-northfield"]
    ).getbbox()
    with Image.open(out / "share.png") as campaign:
        assert campaign.size == (1200, 630)
    page = BeautifulSoup(
        (out / "champions/riverside-chamber/index.html").read_text(), "html.parser"
    )
    og = page.find("meta", property="og:image")["content"]
    assert og == "https://test.example.org/shop-local/champions/riverside-chamber/share.png"
    piece = BeautifulSoup(
        (out / "champions/riverside-chamber/press-release/index.html").read_text(), "html.parser"
    )
    assert piece.find("meta", property="og:image")["content"] == og
    about = BeautifulSoup((out / "about/index.html").read_text(), "html.parser")
    assert about.find("meta", property="og:image")["content"].endswith("/shop-local/share.png")


def test_the_champions_colour_and_logo_are_on_the_image(project, run_toolkit, tmp_path):
    out = tmp_path / "out"
    run_toolkit("build", project("campaign"), "-o", out, "--no-print")
    with Image.open(out / "champions/riverside-chamber/share.png") as image:
        assert image.mode == "P"  # flat artwork and a flat logo: a palette holds the card
        rgb = image.convert("RGB")
        assert rgb.getpixel((20, 600)) == (0x1F, 0x4E, 0x79)  # the panel in their primary colour
        # The logo (a #1f4e79 circle on a white badge) is drawn near the top left, in colours
        # of its own that no eye tells from its file's.
        badge = rgb.crop((64, 64, 208, 208))
        assert _near(badge.getpixel((2, 2)), (255, 255, 255))
        assert any(_near(badge.getpixel((x, 72)), (0x1F, 0x4E, 0x79)) for x in range(20, 120))


def _near(colour: tuple[int, ...], wanted: tuple[int, ...], within: int = 4) -> bool:
    return all(abs(a - b) <= within for a, b in zip(colour, wanted, strict=True))


def test_a_long_name_is_made_to_fit():
    long = "The Greater Riverside Valley and Tri-County Regional Chamber of Commerce " * 3
    png = draw(
        Card(
            kicker="Campaign",
            title=long,
            lines=("Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",),
            primary="#ffeb3b",
            ink="#000000",
            accent="#000000",
            fonts=TYPEFACE,
        )
    )
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1200, 630)
        # Nothing is drawn in the bottom margin: the text stopped in time.
        bottom = image.convert("RGB").crop((0, 615, 700, 630))
        assert bottom.getcolors() == [(700 * 15, (0xFF, 0xEB, 0x3B))]


def test_microsite_share_links_carry_the_champions_address(project, run_toolkit, tmp_path):
    out = tmp_path / "out"
    run_toolkit("build", project("campaign"), "-o", out, "--no-print")
    page = BeautifulSoup(
        (out / "champions/riverside-chamber/index.html").read_text(), "html.parser"
    )
    links = {a.get_text(): a["href"] for a in page.select(".share-links a")}
    url = "https://test.example.org/shop-local/champions/riverside-chamber/"
    assert parse_qs(urlsplit(links["Facebook"]).query)["u"] == [url]
    assert parse_qs(urlsplit(links["X"]).query)["url"] == [url]
    assert url in parse_qs(urlsplit(links["WhatsApp"]).query)["text"][0]
    assert page.select_one(".share button")["data-copy-text"] == url
    posts = page.find("a", string=lambda s: s and s.startswith("Ready-made posts"))
    assert posts["href"] == "../../champions/riverside-chamber/social-posts/"


def test_share_images_are_drawn_again_only_when_they_change(project, run_toolkit, tmp_path):
    source = project("campaign")
    run_toolkit("build", source, "-o", tmp_path / "a", "--no-print")
    cache = source / ".toolkit-cache/share"
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(before) == 6  # five champions and the campaign
    # A clean build into a new folder takes every image from the cache.
    run_toolkit("build", source, "-o", tmp_path / "b", "--no-print")
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == before
    roster = source / "content/champions/east.yaml"
    roster.write_text(roster.read_text().replace("place: Courthouse Square", "place: City Park"))
    run_toolkit("build", source, "-o", tmp_path / "c", "--no-print")
    after = {p.name for p in cache.iterdir()}
    assert len(after) == 6 and len(after - set(before)) == 1  # one new picture, the old one gone


def _card(artwork: Path | None) -> Card:
    return Card(
        kicker="Shop Local Saturday",
        title="Riverside Chamber of Commerce",
        lines=("Riverside, Ohio", "Saturday, November 28, 2026"),
        primary="#1f4e79",
        ink="#ffffff",
        accent="#f2a900",
        fonts=TYPEFACE,
        artwork=artwork,
    )


def test_a_card_with_flat_artwork_is_a_palette_png_that_looks_the_same(monkeypatch):
    """Flat artwork and text fit in 256 colours: the card is a palette PNG, far smaller, and
    no pixel is further than 16 (of 255) from the card drawn in every colour."""
    from toolkit import shareimage

    artwork = FIXTURES_ART
    shareimage._side_panel.cache_clear()
    small = draw(_card(artwork))
    monkeypatch.setattr(shareimage, "_CLOSE_ENOUGH", -1)  # no palette holds the artwork now
    shareimage._side_panel.cache_clear()
    full = draw(_card(artwork))
    shareimage._side_panel.cache_clear()
    with Image.open(io.BytesIO(small)) as palette, Image.open(io.BytesIO(full)) as rgb:
        assert palette.mode == "P"
        assert rgb.mode == "RGB"
        difference = ImageChops.difference(palette.convert("RGB"), rgb)
        assert max(high for _, high in difference.getextrema()) <= 16
    assert len(small) < len(full) / 2


def test_a_card_with_a_photograph_keeps_every_colour(tmp_path):
    """A gradient cannot be put in a palette without bands: such a card stays RGB."""
    from toolkit import shareimage

    photo = Image.new("RGB", (400, 300))
    photo.putdata(
        [
            (x * 255 // 399, y * 255 // 299, (x * 7 + y * 3) % 256)
            for y in range(300)
            for x in range(400)
        ]
    )
    photo.save(tmp_path / "photo.png")
    shareimage._side_panel.cache_clear()
    with Image.open(io.BytesIO(draw(_card(tmp_path / "photo.png")))) as card:
        assert card.mode == "RGB"
        assert card.size == (1200, 630)


def test_a_card_with_a_photograph_for_a_logo_keeps_every_colour(tmp_path):
    photo = Image.new("RGBA", (120, 120))
    photo.putdata(
        [(x * 2, y * 2, (x * 7 + y * 3) % 256, 255) for y in range(120) for x in range(120)]
    )
    card = Card(
        kicker="Campaign",
        title="A bakery",
        lines=(),
        primary="#1f4e79",
        ink="#ffffff",
        accent="#f2a900",
        fonts=TYPEFACE,
        logo=photo,
    )
    with Image.open(io.BytesIO(draw(card))) as image:
        assert image.mode == "RGB"
        assert image.getpixel((MARGIN + 12 + 60, MARGIN + 12 + 60))[:2] == (120, 120)


def test_the_typeface_is_drawn_without_its_hinting_and_otherwise_whole():
    from fontTools.ttLib import TTFont

    from toolkit.shareimage import unhinted

    original = (FONTS / "Lato-Black.ttf").read_bytes()
    plain = TTFont(io.BytesIO(unhinted(original)))
    before = TTFont(io.BytesIO(original))
    assert not {"fpgm", "prep", "cvt "} & set(plain.keys())
    assert {"fpgm", "prep", "cvt "} <= set(before.keys())
    glyphs = plain["glyf"]
    assert not any(
        getattr(glyphs[name], "program", None) and glyphs[name].program.getBytecode()
        for name in plain.getGlyphOrder()
    )
    # The same letters, as wide, with the same kerning: only their fit to the pixels changes.
    assert plain.getGlyphOrder() == before.getGlyphOrder()
    assert plain["hmtx"].metrics == before["hmtx"].metrics
    for name in ("A", "g", "Agrave", "uni2014", "fi"):
        if name in before.getGlyphOrder():
            outline = glyphs[name].getCoordinates(glyphs)
            assert outline == before["glyf"][name].getCoordinates(before["glyf"])
    assert plain["GPOS"].compile(plain) == before["GPOS"].compile(before)
    # A font with nothing to take out, or that cannot be read, is given back as it was.
    assert unhinted(unhinted(original)) == unhinted(original)
    assert unhinted(b"not a font") == b"not a font"


def test_the_unhinted_typeface_is_kept_for_the_next_build(tmp_path, monkeypatch):
    from toolkit import shareimage

    card = _card(None)
    monkeypatch.setattr(shareimage, "_UNHINTED", {})
    shareimage._unhinted_font.cache_clear()
    shareimage._loaded_font.cache_clear()
    first = draw(card, tmp_path / "fonts")
    kept = sorted(p.name for p in (tmp_path / "fonts").iterdir())
    assert len(kept) == 3 and all(name.endswith(".ttf") for name in kept)  # three weights

    # The next build (a new process) reads them back rather than making them again.
    def refuse(font: bytes) -> bytes:
        raise AssertionError("made again")

    shareimage._unhinted_font.cache_clear()
    shareimage._loaded_font.cache_clear()
    monkeypatch.setattr(shareimage, "_UNHINTED", {})
    monkeypatch.setattr(shareimage, "unhinted", refuse)
    assert draw(card, tmp_path / "fonts") == first
    shareimage._unhinted_font.cache_clear()
    shareimage._loaded_font.cache_clear()


def test_a_line_is_written_word_by_word_where_pillow_writes_each_word():
    import random
    import string

    from PIL import ImageDraw

    from toolkit import shareimage

    rng = random.Random(3)
    letters = string.ascii_letters + string.digits + ".,'&-()!?/éüñçÀÉ·–—’jgpqyQTVAWY"
    for weight, size in (("Black", 72), ("Regular", 32), ("Bold", 30)):
        font = shareimage._font(FONTS / f"Lato-{weight}.ttf", size, None)
        for _ in range(40):
            words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 9))) for _ in "abcd"]
            line = " ".join(words[: rng.randint(1, 4)])
            # Each word starts within half a pixel of where Pillow starts it in the whole line.
            expected = Image.new("L", (1100, 120), 0)
            start = 0.0
            for number, word in enumerate(line.split()):
                if number:
                    start = font.getlength(" ".join(line.split()[:number]) + " ", "L")
                    # The space's own kerning against the word's first letter is Pillow's too.
                    start += font.getlength(" " + word[0], "L") - font.getlength(" ", "L")
                    start -= font.getlength(word[0], "L")
                ImageDraw.Draw(expected).text(
                    (40 + round(start), 10), word, font=font, fill=shareimage.INK
                )
            written = Image.new("L", (1100, 120), 0)
            shareimage._put(written, (40, 10), line, font)
            assert not ImageChops.difference(written, expected).getbbox(), line
            # Drawn again, from what was kept of each word: the same pixels.
            again = Image.new("L", (1100, 120), 0)
            shareimage._put(again, (40, 10), line, font)
            assert not ImageChops.difference(written, again).getbbox(), line


def test_text_seen_again_is_drawn_from_what_was_kept_as_pillow_writes_it():
    import random
    import string

    from PIL import ImageDraw

    from toolkit import shareimage

    rng = random.Random(5)
    letters = string.ascii_letters + string.digits + " .,'&-()!?/éüñçÀÉ·–—’jgpqyQ"
    for weight, size in (("Black", 72), ("Regular", 32), ("Bold", 30)):
        font = shareimage._font(FONTS / f"Lato-{weight}.ttf", size, None)
        for _ in range(40):
            lines = ["".join(rng.choice(letters) for _ in range(rng.randint(0, 30))) for _ in "abc"]
            lines.append(lines[0])  # drawn again, from what was kept
            written = Image.new("L", (900, 320), 0)
            reused = Image.new("L", (900, 320), 0)
            pen = ImageDraw.Draw(written)
            for number, line in enumerate(lines):
                at = (40, 10 + number * int(size * 0.9))  # the lines overlap, on purpose
                pen.text(at, line, font=font, fill=shareimage.INK)
                shareimage._put_text(reused, at, line, font)
            assert not ImageChops.difference(written, reused).getbbox(), lines


def test_right_to_left_text_and_loose_spaces_are_written_whole_as_pillow_writes_them():
    from PIL import ImageDraw

    from toolkit import shareimage

    font = shareimage._font(FONTS / "Lato-Regular.ttf", 32, None)
    for line in ("  Shop  Local ", "Shop\tLocal", "שוק מקומי Local", "سوق محلي"):
        expected = Image.new("L", (900, 120), 0)
        ImageDraw.Draw(expected).text((40, 10), line, font=font, fill=shareimage.INK)
        written = Image.new("L", (900, 120), 0)
        shareimage._put(written, (40, 10), line, font)
        assert not ImageChops.difference(written, expected).getbbox(), line


def test_lines_are_wrapped_as_word_by_word_would_wrap_them():
    import random
    import string

    def word_by_word(text, font, width):
        lines, current = [], ""
        for word in text.split():
            trial = f"{current} {word}".strip()
            if font.getlength(trial, "L") <= width:
                current = trial
                continue
            if current:
                lines.append(current)
            while font.getlength(word, "L") > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and font.getlength(word[:cut] + "-", "L") > width:
                    cut -= 1
                lines.append(word[:cut] + "-")
                word = word[cut:]
            current = word
        if current:
            lines.append(current)
        return tuple(lines)

    rng = random.Random(7)
    # Latin is measured a word at a time; Hebrew and Arabic a line at a time (`_by_words`).
    for letters in (string.ascii_letters + "ÀÉ'-&.WTVAY", "אבגדהוזחטשת", "ابتثجحخدرس"):
        check_wrapping(rng, letters, word_by_word)


def check_wrapping(rng, letters, word_by_word):
    from toolkit import shareimage

    for weight, size in (("Black", 72), ("Regular", 32)):
        font = shareimage._font(FONTS / f"Lato-{weight}.ttf", size, None)
        for _ in range(100):
            words = [
                "".join(rng.choice(letters) for _ in range(rng.randint(1, rng.choice([3, 12, 40]))))
                for _ in range(rng.randint(0, 9))
            ]
            text = rng.choice(["", " "]) + rng.choice([" ", "  "]).join(words)
            width = rng.choice([5, 60, 200, 628])
            wrapped = shareimage._wrap.__wrapped__(text, font, width)
            assert wrapped == word_by_word(text, font, width), (text, width)


def test_a_campaign_name_on_two_lines_is_drawn_on_every_card():
    import dataclasses

    card = dataclasses.replace(_card(None), kicker="Shop Local\nSaturday")
    first = draw(card)
    assert draw(card) == first  # the second card does not take it from what was kept


def test_an_edited_typeface_redraws_the_share_images(project, run_toolkit, tmp_path):
    import shutil

    campaign = project("campaign")
    fonts = campaign / "themes/default/static/fonts"
    fonts.mkdir(parents=True)
    for file in FONTS.glob("*.ttf"):
        shutil.copy(file, fonts / file.name)
    out = tmp_path / "out"
    assert run_toolkit("build", campaign, "-o", out, "--no-print").exit_code == 0
    before = (out / "share.png").read_bytes()
    shutil.copy(FONTS / "Lato-Regular.ttf", fonts / "Lato-Black.ttf")  # the title's weight
    assert run_toolkit("build", campaign, "-o", out, "--no-print").exit_code == 0
    edited = (out / "share.png").read_bytes()
    shutil.rmtree(campaign / ".toolkit-cache")
    clean = tmp_path / "clean"
    assert run_toolkit("build", campaign, "-o", clean, "--no-print").exit_code == 0
    assert edited == (clean / "share.png").read_bytes() != before


def test_a_theme_may_replace_one_weight_of_the_typeface(project, run_toolkit, tmp_path):
    import shutil

    campaign = project("campaign")
    fonts = campaign / "themes/default/static/fonts"
    fonts.mkdir(parents=True)
    shutil.copy(FONTS / "Lato-Regular.ttf", fonts / "Lato-Black.ttf")  # the title's weight only
    out = tmp_path / "out"
    assert run_toolkit("build", campaign, "-o", out, "--no-print").exit_code == 0
    default = tmp_path / "default"
    shutil.rmtree(campaign / "themes")
    shutil.rmtree(campaign / ".toolkit-cache")
    assert run_toolkit("build", campaign, "-o", default, "--no-print").exit_code == 0
    # The title is in the theme's weight; everything else as the default theme has it.
    assert (out / "share.png").read_bytes() != (default / "share.png").read_bytes()


def test_a_font_that_cannot_be_read_is_a_located_error(project, run_toolkit, tmp_path):
    campaign = project("campaign")
    out = tmp_path / "out"
    assert run_toolkit("build", campaign, "-o", out, "--no-print").exit_code == 0
    before = (out / "share.png").read_bytes()
    fonts = campaign / "themes/default/static/fonts"
    fonts.mkdir(parents=True)
    (fonts / "Lato-Bold.ttf").write_text("not a font")
    (campaign / "toolkit.yaml").write_text(
        (campaign / "toolkit.yaml").read_text().replace("name: ", "name: New ", 1)
    )
    result = run_toolkit("build", campaign, "-o", out, "--no-print")
    assert result.exit_code == 1
    assert "themes/default/static/fonts/Lato-Bold.ttf: error: the share images cannot be drawn" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert (out / "share.png").read_bytes() == before  # nothing already built is lost


def test_a_card_is_the_same_whatever_was_drawn_before(monkeypatch):
    """Rows met on earlier cards are not compressed again: the bytes must not show it, or a
    rebuild would differ from a clean build."""
    from dataclasses import replace

    from toolkit import png, shareimage

    card = _card(FIXTURES_ART)
    monkeypatch.setattr(shareimage, "_BANDS", png.Bands())
    alone = draw(card)
    monkeypatch.setattr(shareimage, "_BANDS", png.Bands())
    for title in ("Eastside Business District", "Northgate Mayor's Office", "Riverside"):
        draw(replace(card, title=title))
    assert draw(card) == alone
    with Image.open(io.BytesIO(alone)) as image:
        assert image.mode == "P" and image.size == (1200, 630)
