"""`toolkit build` end to end: run the real CLI on fixture campaigns and read the output back."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from tests.conftest import FIXTURES, run_subprocess, snapshot
from toolkit import plan
from toolkit.cli import main


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The campaign fixture, built once for the read-only tests of this module."""
    root = tmp_path_factory.mktemp("e2e")
    shutil.copytree(FIXTURES / "campaign", root / "campaign")
    result = CliRunner().invoke(main, ["build", str(root / "campaign"), "-o", str(root / "out")])
    assert result.exit_code == 0, result.stderr
    return root / "out"


def html(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def text(output: Path, path: str) -> str:
    return " ".join(html(output, path).get_text(" ").split())


def local_links(page: BeautifulSoup) -> list[str]:
    links = [a["href"] for a in page.find_all(href=True)]
    links += [s["src"] for s in page.find_all(src=True)]
    return [u for u in links if not urlsplit(u).scheme and not u.startswith(("#", "//"))]


def test_every_relative_link_resolves_to_a_file(built):
    checked = 0
    for file in built.rglob("*.html"):
        if file.name == "404.html":
            continue  # served at any address, so it links from the site root (tested below)
        page = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        for link in local_links(page):
            path = unquote(urlsplit(link).path)
            target = (file.parent / path).resolve()
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{file.relative_to(built)} links to missing {link}"
            assert target.is_relative_to(built.resolve())
            fragment = urlsplit(link).fragment
            if fragment and target.suffix == ".html":
                ids = {
                    t["id"] for t in html(built, str(target.relative_to(built))).find_all(id=True)
                }
                assert fragment in ids, f"{file.relative_to(built)}: #{fragment} not in {link}"
            checked += 1
    assert checked > 100


def test_output_has_every_contract_path(built):
    for path in [
        "index.html",
        "about/index.html",
        "guides/faq/index.html",
        "kit/index.html",
        "kit/press-release/index.html",
        "champions/index.html",
        "champions/riverside-chamber/index.html",
        "champions/riverside-chamber/press-release/index.html",
        "champions/riverside-chamber/event.ics",
        "champions/panaderia-la-esperanza/index.html",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "images/map.svg",
        "logos/riverside.svg",
    ]:
        assert (built / path).is_file(), path


def test_drafts_and_private_files_are_left_out(built):
    assert not (built / "secret").exists()
    assert not (built / ".env").exists()
    assert "Not yet" not in (built / "sitemap.xml").read_text()
    assert not list(built.rglob("*.md"))
    assert not list(built.rglob("*.yaml"))


def test_microsite_shows_the_champions_own_details(built):
    page = text(built, "champions/riverside-chamber/index.html")
    for expected in [
        "Riverside Chamber of Commerce",
        "Chamber of commerce",
        "Riverside, Iowa",
        "walk it with us",
        "Saturday, November 28, 2026",
        "9:00 AM – 3:00 PM",
        "Courthouse Square",
        "Hawkeye Hardware",
        "212 Main St",
        "Coffee roasted here.",
        "info@riverside.example.org",
        "(319) 555-0100",
        "Release for Riverside Chamber of Commerce",
    ]:
        assert expected in page, expected
    soup = html(built, "champions/riverside-chamber/index.html")
    assert soup.find("img", class_="champion-logo")["alt"] == "Riverside Chamber of Commerce logo"
    assert "--brand:#1f4e79" in soup.find("style").string
    assert soup.find("a", string="Add to calendar")["href"] == "event.ics"


def test_toolkit_pieces_are_filled_in_per_champion(built):
    page = text(built, "champions/riverside-chamber/press-release/index.html")
    assert "Riverside Chamber of Commerce brings Test Saturday to Riverside" in page
    assert "Join us at Courthouse Square on Saturday, November 28, 2026 at 9:00 AM." in page
    mayor = text(built, "champions/mayor-of-northfield/press-release/index.html")
    assert "Mayor of Northfield brings Test Saturday to Northfield" in mayor
    assert "Join us at" not in mayor  # no event: the {% if %} block is left out


def test_campaign_wide_pieces_use_generic_wording(built):
    page = text(built, "kit/press-release/index.html")
    assert "[Your organization] brings Test Saturday to [City]" in page
    assert "Release for [Your organization]" in page


def test_pieces_for_a_kind_go_only_to_that_kind(built):
    assert (built / "champions/mayor-of-northfield/proclamation/index.html").is_file()
    assert not (built / "champions/riverside-chamber/proclamation").exists()
    assert "WHEREAS Northfield" in text(
        built, "champions/mayor-of-northfield/proclamation/index.html"
    )


def test_links_between_kit_pieces_stay_with_the_champion(built):
    soup = html(built, "champions/riverside-chamber/press-release/index.html")
    link = soup.find("a", string="social posts")
    assert link["href"] == "../../../champions/riverside-chamber/social-posts/"
    generic = html(built, "kit/press-release/index.html").find("a", string="social posts")
    assert generic["href"] == "../../kit/social-posts/"


def test_markdown_links_become_page_and_asset_urls(built):
    soup = html(built, "index.html")
    assert soup.find("a", string="about us")["href"] == "./about/"
    assert soup.find("a", string="FAQ")["href"] == "./guides/faq/#first"
    assert soup.find("img", alt="A map of main streets")["src"] == "./images/map.svg"
    faq = html(built, "guides/faq/index.html")
    assert faq.find("a", string="home")["href"] == "../../"


def test_markdown_extensions_a_writer_expects(built):
    soup = html(built, "about/index.html")
    assert soup.find("table").find("th").get_text() == "Year"
    assert soup.find("sup", id="fnref:1") is not None
    assert "\u201cquotes\u201d" in soup.get_text()
    assert soup.find("h1").get("id")


def test_hostile_champion_text_is_escaped_or_removed(built):
    raw = (built / "champions/hostile-sons/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw
    assert "onerror" not in raw
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup.find_all(True):
        for value in tag.attrs.values():
            assert "javascript:" not in str(value).lower(), tag
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; &amp; Sons" in raw
    soup = BeautifulSoup(raw, "html.parser")
    assert soup.find("h1").get_text() == "<script>alert('pwned')</script> & Sons"
    for file in built.rglob("*.html"):
        page = file.read_text(encoding="utf-8")
        assert "<script>alert" not in page, file
        assert "<b>Bold</b>" not in page, file
        scripts = BeautifulSoup(page, "html.parser").find_all("script")
        assert all(s.get("src", "").endswith("static/site.js") for s in scripts), file


def test_aliases_redirect_to_the_champion(built):
    soup = html(built, "champions/rcc/index.html")
    assert soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == (
        "0; url=../../champions/riverside-chamber/"
    )
    assert soup.find("link", rel="canonical")["href"] == (
        "https://test.example.org/shop-local/champions/riverside-chamber/"
    )
    piece = html(built, "champions/rcc/press-release/index.html")
    assert "champions/riverside-chamber/press-release/" in str(
        piece.find("meta", attrs={"http-equiv": "refresh"})
    )


def test_web_citizenship(built):
    sitemap = (built / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>(.*?)</loc>", sitemap)
    assert "https://test.example.org/shop-local/" in locs
    assert "https://test.example.org/shop-local/champions/riverside-chamber/press-release/" in locs
    assert all(loc.startswith("https://test.example.org/shop-local/") for loc in locs)
    assert not any("/rcc/" in loc for loc in locs)
    robots = (built / "robots.txt").read_text()
    assert "Sitemap: https://test.example.org/shop-local/sitemap.xml" in robots
    for file in built.rglob("*.html"):
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        if soup.find("meta", attrs={"http-equiv": "refresh"}):
            continue
        for prop in ("og:title", "og:description", "og:url", "og:image"):
            assert soup.find("meta", property=prop), f"{file}: {prop}"
        assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
        assert soup.find("link", rel="canonical")["href"].startswith(
            "https://test.example.org/shop-local/"
        )
        assert soup.find("html")["lang"]
    not_found = html(built, "404.html")
    assert not_found.find("link", rel="stylesheet")["href"] == "/shop-local/static/style.css"


def test_a_champions_language_is_the_language_of_their_pages(built):
    page = html(built, "champions/panaderia-la-esperanza/index.html")
    assert page.find("html")["lang"] == "es"
    assert page.find("section", class_="champion-message").get("lang") is None
    other = html(built, "champions/riverside-chamber/index.html")
    assert other.find("html")["lang"] == "en"


def test_directory_groups_champions_by_region(built):
    soup = html(built, "champions/index.html")
    regions = [h.get_text() for h in soup.select(".region h2")]
    assert regions == ["Iowa", "Minnesota", "New Mexico", "Oregon"]
    names = [a.get_text() for a in soup.select(".champion-item a")]
    assert "Riverside Chamber of Commerce" in names and len(names) == 5
    assert soup.find("select", id="filter-kind") is not None


def test_event_calendar_file(built):
    ics = (built / "champions/riverside-chamber/event.ics").read_bytes().decode("utf-8")
    assert ics.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART:20261128T090000\r\n" in ics
    assert "DTEND:20261128T150000\r\n" in ics
    assert "LOCATION:Courthouse Square\\, Riverside\r\n" in ics
    assert not (built / "champions/mayor-of-northfield/event.ics").exists()


def test_rebuild_is_byte_identical(project, run_toolkit, tmp_path):
    source = project("campaign")
    run_toolkit("build", source, "-o", tmp_path / "a")
    run_toolkit("build", source, "-o", tmp_path / "b")
    # PDFs included: the second build takes them from the cache, and they are the same bytes.
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_summary_line_and_quiet(project, run_toolkit, tmp_path):
    source = project("minimal")
    result = run_toolkit("build", source, "-o", tmp_path / "out")
    assert re.match(r"Built \d+ pages for 1 champion \(\d+ files\) in [\d.]+ s", result.output)
    assert "Preview it with live reload: toolkit serve" in result.output
    quiet = run_toolkit("build", source, "-o", tmp_path / "out", "-q")
    assert quiet.output == ""


def test_default_output_folder_comes_from_settings(project, run_toolkit):
    source = project("minimal")
    assert run_toolkit("build", source).exit_code == 0
    assert (source / "output/index.html").is_file()
    assert (source / "output/champions/solo-chamber/index.html").is_file()


def test_refuses_to_replace_a_folder_it_did_not_make(project, run_toolkit, tmp_path):
    source = project("minimal")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_text("years of work")
    result = run_toolkit("build", source, "-o", precious)
    assert result.exit_code == 1
    assert "files toolkit did not make" in result.stderr
    assert (precious / "thesis.docx").read_text() == "years of work"
    assert len(list(precious.iterdir())) == 1


def test_refuses_an_output_folder_that_holds_the_project(project, run_toolkit):
    source = project("minimal")
    result = run_toolkit("build", source, "-o", source.parent)
    assert result.exit_code == 1
    assert "would contain the project" in result.stderr
    assert (source / "toolkit.yaml").is_file()


def test_a_second_build_replaces_the_first(project, run_toolkit, tmp_path):
    source = project("campaign")
    output = tmp_path / "out"
    run_toolkit("build", source, "-o", output, "--no-print")
    (source / "content/kit/proclamation.md").unlink()
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    assert not (output / "kit/proclamation").exists()
    assert not (output / "champions/mayor-of-northfield/proclamation").exists()
    assert (output / ".toolkit-output").is_file()


def test_real_process_exit_codes(project, tmp_path):
    good = run_subprocess("build", project("minimal"), "-o", tmp_path / "out")
    assert good.returncode == 0, good.stderr
    bad = run_subprocess("build", project("invalid/roster-duplicate-id"), "-o", tmp_path / "o2")
    assert bad.returncode == 1
    assert bad.stderr.startswith("content/champions/b.yaml:2:3: error: id `riverside-chamber`")
    assert "Traceback" not in bad.stderr
    usage = run_subprocess("build", "--no-such-option")
    assert usage.returncode == 2
    assert "Try 'toolkit build --help'" in usage.stderr


def test_missing_project_is_a_clear_error(tmp_path, run_toolkit):
    result = run_toolkit("build", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert "toolkit.yaml: error: no toolkit.yaml in" in result.stderr


def test_a_link_to_a_missing_page_fails_the_build_at_its_line(project, run_toolkit, tmp_path):
    source = project("campaign")
    (source / "content/about.md").unlink()
    result = run_toolkit("build", source, "-o", tmp_path / "out", "--no-print")
    assert result.exit_code == 1
    assert "content/index.md:6:17: error: link to a missing file: about.md" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_image_without_alt_text_is_a_warning(project, run_toolkit, tmp_path):
    source = project("minimal")
    (source / "content/pic.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (source / "content/index.md").write_text("Hello\n\n![](pic.svg)\n")
    result = run_toolkit("build", source, "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert "content/index.md:3:5: warning: image has no alt text: pic.svg" in result.stderr


def test_a_large_site_has_a_sitemap_index(built, project, run_toolkit, tmp_path, monkeypatch):
    monkeypatch.setattr(plan, "SITEMAP_LIMIT", 10)
    monkeypatch.setattr(plan, "SITEMAP_PART", 8)
    output = tmp_path / "out"
    assert run_toolkit("build", project("campaign"), "-o", output, "--no-print").exit_code == 0
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ElementTree.parse(output / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    base = "https://test.example.org/shop-local/"
    locs = []
    parts = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert len(parts) > 1
    for address in parts:
        assert address.startswith(base)
        part = ElementTree.parse(output / address[len(base) :]).getroot()
        assert part.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
        found = [loc.text for loc in part.findall("s:url/s:loc", ns)]
        assert len(found) > 0
        locs += found
    one = re.findall(r"<loc>(.*?)</loc>", (built / "sitemap.xml").read_text())
    assert locs == one, "the sitemaps list, in order, what the one sitemap of a smaller site does"
    assert "Sitemap: https://test.example.org/shop-local/sitemap.xml" in (
        (output / "robots.txt").read_text()
    )


def test_a_page_edit_loads_no_image_or_pdf_library(project, tmp_path):
    """A rebuild that draws no image and makes no PDF starts without Pillow, segno, fontTools
    and WeasyPrint: each takes a while to load, and a page edit should feel instant."""
    import os
    import subprocess
    import sys
    import time

    from tests.conftest import REPO

    campaign = project("campaign")
    out = tmp_path / "out"
    assert run_subprocess("build", campaign, "-o", out).returncode == 0
    page = campaign / "content/about.md"
    page.write_text(page.read_text().replace("Smart", "Clever"))
    os.utime(page, (time.time() - 10, time.time() - 10))
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from toolkit import build\n"
        f"build.run(Path({str(campaign)!r}), Path({str(out)!r}))\n"
        "heavy = ('PIL', 'segno', 'fontTools', 'weasyprint')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert "Clever" in (out / "about/index.html").read_text()
