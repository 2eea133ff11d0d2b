"""Bilingual campaigns: translated pages, champions in their language, fallbacks, alternates."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from tests.conftest import FIXTURES
from toolkit import check
from toolkit.cli import main

BASE = "https://test.example.org/shop-local/"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("languages")
    shutil.copytree(FIXTURES / "campaign", root / "campaign")
    result = CliRunner().invoke(main, ["build", str(root / "campaign"), "-o", str(root / "out")])
    assert result.exit_code == 0, result.stderr
    return root / "out"


def soup(built: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((built / path).read_text(encoding="utf-8"), "html.parser")


def test_translated_pages_live_under_their_language(built):
    page = soup(built, "es/about/index.html")
    assert page.find("html")["lang"] == "es"
    assert page.find("h1").get_text().startswith("Acerca de la campaña")
    # Links in a translation lead to the same language where there is a version, else the original.
    assert page.find("a", string="comunicado")["href"] == "../../es/kit/press-release/"
    assert page.find("a", string="preguntas")["href"] == "../../guides/faq/#first"
    assert soup(built, "es/index.html").find("html")["lang"] == "es"
    assert soup(built, "es/champions/index.html").find("h1").get_text() == "Promotores"


def test_the_campaigns_wording_is_translated_where_toolkit_yaml_says(built):
    assert soup(built, "es/index.html").find(class_="hero-tagline").get_text() == (
        "Cada calle, un día."
    )
    assert soup(built, "index.html").find(class_="hero-tagline").get_text() == (
        "Every street, one day."
    )
    # Generic wording for champion fields, on the campaign-wide kit in each language.
    assert "[Su organización]" in (built / "es/kit/press-release/index.html").read_text("utf-8")
    assert "[Your organization]" in (built / "kit/press-release/index.html").read_text("utf-8")
    # What is not translated stays in the first language.
    assert (
        soup(built, "es/about/index.html").find("meta", property="og:site_name")["content"]
        == "Test Saturday"
    )


def test_hreflang_pairs_and_language_switcher(built):
    english = soup(built, "about/index.html")
    links = {x["hreflang"]: x["href"] for x in english.find_all("link", rel="alternate")}
    assert links == {"en": f"{BASE}about/", "es": f"{BASE}es/about/", "x-default": f"{BASE}about/"}
    spanish = soup(built, "es/about/index.html")
    back = {x["hreflang"]: x["href"] for x in spanish.find_all("link", rel="alternate")}
    assert back == links
    switch = spanish.find("nav", class_="lang-switch")
    assert {a.get_text(): a["href"] for a in switch.find_all("a")} == {
        "English": "../../about/",
        "Español": "../../es/about/",
    }
    # A page with no translation has no alternates to offer.
    assert not soup(built, "guides/faq/index.html").find("link", hreflang="es")


def test_sitemap_lists_the_alternates(built):
    sitemap = (built / "sitemap.xml").read_text()
    entry = re.search(rf"<url><loc>{re.escape(BASE)}about/</loc>(.*?)</url>", sitemap)[1]
    assert f'hreflang="es" href="{BASE}es/about/"' in entry
    assert f"<loc>{BASE}es/about/</loc>" in sitemap


def test_a_spanish_speaking_champion_gets_spanish_pages(built):
    page = soup(built, "champions/panaderia-la-esperanza/index.html")
    assert page.find("html")["lang"] == "es"
    assert (
        page.find(id="event-title") is None
        or page.find(id="event-title").get_text() == "Acompáñenos"
    )
    assert "Pequeño negocio" in page.get_text()
    piece = soup(built, "champions/panaderia-la-esperanza/press-release/index.html")
    assert "Panadería La Esperanza trae Test Saturday a Santa Fe" in piece.get_text()
    assert piece.find("article").get("lang") is None
    # Untranslated pieces fall back to English, marked as such.
    posts = soup(built, "champions/panaderia-la-esperanza/social-posts/index.html")
    assert posts.find("article")["lang"] == "en"
    assert "Shop with Panadería La Esperanza" in posts.get_text()


def test_dates_are_written_in_the_champions_language(project, run_toolkit, tmp_path):
    source = project("campaign")
    roster = source / "content/champions/west.yaml"
    roster.write_text(
        roster.read_text().replace(
            "  language: es\n",
            '  language: es\n  event: {date: 2026-11-28, time: "15:30", place: La Plaza}\n',
        )
    )
    assert run_toolkit("build", source, "-o", tmp_path / "out").exit_code == 0
    page = soup(tmp_path / "out", "champions/panaderia-la-esperanza/press-release/index.html")
    assert "el sábado, 28 de noviembre de 2026 a las 15:30" in " ".join(page.get_text().split())
    with pdfplumber.open(
        tmp_path / "out/champions/panaderia-la-esperanza/print/poster-letter.pdf"
    ) as pdf:
        text = " ".join(pdf.pages[0].extract_text().split())
    assert "sábado, 28 de noviembre de 2026, 15:30" in text
    assert "Escanee para ver el mapa de tiendas" in text
    assert "ORGANIZADO POR" in text  # the label is set in capitals


def test_check_lists_what_is_untranslated(project):
    report = check.run(project("campaign"))
    messages = [str(p) for p in report.problems]
    assert (
        "content/kit/social-posts.md:1:1: warning: not translated into 'es'; the 'es' pages show "
        "it in 'en' (translate it as content/kit/social-posts.es.md)"
    ) in messages
    assert not any("about.md" in m for m in messages)
    assert report.errors == 0
