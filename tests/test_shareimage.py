"""Share images: one per champion and one for the campaign, 1200×630, in every link preview."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from PIL import Image, ImageChops

from toolkit.shareimage import Card, draw

FONTS = Path(__file__).parent.parent / "themes/default/static/fonts"


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
        rgb = image.convert("RGB")
        assert rgb.getpixel((20, 600)) == (0x1F, 0x4E, 0x79)  # the panel in their primary colour
        # The logo (a #1f4e79 circle on a white badge) is drawn near the top left.
        badge = rgb.crop((64, 64, 208, 208))
        assert (255, 255, 255) in {badge.getpixel((2, 2))}
        assert any(badge.getpixel((x, 72)) == (0x1F, 0x4E, 0x79) for x in range(20, 120))


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
            fonts=FONTS,
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
