"""Print kits read back as a print shop would: sizes, bleed, text, fonts, a QR code that scans."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from tests.conftest import write_files

MM = 72 / 25.4
LETTER = (612.0, 792.0)
A4 = (210 * MM, 297 * MM)
TABLOID = (792.0, 1224.0)
BLEED = 3 * MM
BASE = "https://test.example.org/shop-local/"


def need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is required in CI (.ci/run installs it)")
        pytest.skip(f"{tool} is not installed")
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from tests.conftest import FIXTURES
    from toolkit.cli import main

    root = tmp_path_factory.mktemp("print")
    source = root / "campaign"
    shutil.copytree(FIXTURES / "campaign", source)
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(root / "out")])
    assert result.exit_code == 0, result.output + result.stderr
    return root / "out"


def boxes(path: Path) -> dict[str, tuple[float, ...]]:
    page = pypdf.PdfReader(path).pages[0]
    return {
        name: tuple(round(float(v), 2) for v in getattr(page, name))
        for name in ("mediabox", "trimbox", "bleedbox")
    }


def test_every_champion_gets_every_piece_in_every_size(built):
    for champion in ("riverside-chamber", "mayor-of-northfield", "hostile-sons"):
        assert (built / f"champions/{champion}/print/poster-letter.pdf").is_file()
        assert (built / f"champions/{champion}/print/poster-a4.pdf").is_file()
    assert (built / "print/poster-letter.pdf").is_file()
    assert (built / "print/window-sign-tabloid.pdf").is_file()
    # The window sign is for businesses and chambers only, and only in tabloid.
    assert (built / "champions/riverside-chamber/print/window-sign-tabloid.pdf").is_file()
    assert not (built / "champions/mayor-of-northfield/print/window-sign-tabloid.pdf").exists()
    assert not (built / "champions/riverside-chamber/print/window-sign-letter.pdf").exists()


@pytest.mark.parametrize(
    ("name", "size"),
    [("poster-letter.pdf", LETTER), ("poster-a4.pdf", A4), ("window-sign-tabloid.pdf", TABLOID)],
)
def test_page_size_with_bleed_and_trim_boxes(built, name, size):
    found = boxes(built / "champions/riverside-chamber/print" / name)
    width, height = size
    assert found["trimbox"] == (0, 0, round(width, 2), round(height, 2))
    expected = (-BLEED, -BLEED, width + BLEED, height + BLEED)
    assert found["bleedbox"] == pytest.approx(expected, abs=0.05)
    assert found["mediabox"] == pytest.approx(expected, abs=0.05)
    assert len(pypdf.PdfReader(built / "champions/riverside-chamber/print" / name).pages) == 1


def test_without_bleed_or_marks_the_page_is_the_paper(project, run_toolkit, tmp_path):
    source = project("campaign")
    settings = (source / "toolkit.yaml").read_text().replace("bleed: 3mm", "bleed: 0")
    settings = settings.replace("crop_marks: true", "crop_marks: false")
    (source / "toolkit.yaml").write_text(settings)
    assert run_toolkit("build", source, "-o", tmp_path / "out").exit_code == 0
    found = boxes(tmp_path / "out/champions/riverside-chamber/print/poster-letter.pdf")
    assert found["mediabox"] == (0, 0, *LETTER)


def test_champion_details_are_in_the_text(built):
    with pdfplumber.open(built / "champions/riverside-chamber/print/poster-letter.pdf") as pdf:
        text = " ".join(pdf.pages[0].extract_text().split())
    for expected in [
        "Riverside Chamber of Commerce",
        "Saturday, November 28, 2026, 9:00 AM–3:00 PM",
        "Courthouse Square",
        "Shop small with us",
        "Test Saturday",
        f"{BASE}champions/riverside-chamber/",
    ]:
        assert expected in text, expected


def test_generic_kit_has_campaign_wording(built):
    with pdfplumber.open(built / "print/poster-letter.pdf") as pdf:
        text = " ".join(pdf.pages[0].extract_text().split())
    assert "[Your organization]" in text
    assert f"{BASE}champions/" in text


def test_fonts_are_embedded(built):
    reader = pypdf.PdfReader(built / "champions/riverside-chamber/print/poster-letter.pdf")
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            if descendants:
                font = descendants[0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            fonts.append(font["/BaseFont"])
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
    assert any("Lato" in str(name) for name in fonts), fonts


def test_long_names_stay_inside_the_trim_box(built):
    path = built / "champions/long-name-chamber/print/poster-letter.pdf"
    for name in ("poster-letter.pdf", "poster-a4.pdf", "window-sign-tabloid.pdf"):
        path = built / "champions/long-name-chamber/print" / name
        trim = [float(v) for v in pypdf.PdfReader(path).pages[0].trimbox]
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            assert len(pdf.pages) == 1
            text = " ".join(page.extract_text().split())
            assert "Small Business Alliance" in text
            assert "IA 52327-0000" in text
            # pdfplumber measures from the top of the media box; the trim box sits inside it.
            top = float(page.mediabox[3])
            for char in page.chars:
                x0, x1 = char["x0"], char["x1"]
                y_bottom, y_top = top - char["bottom"], top - char["top"]
                assert x0 >= trim[0] - 0.5 and x1 <= trim[2] + 0.5, (name, char["text"], x0, x1)
                assert y_bottom >= trim[1] - 0.5 and y_top <= trim[3] + 0.5, (name, char["text"])


def test_colour_runs_into_the_bleed_and_crop_marks_show_at_every_corner(built, tmp_path):
    from PIL import Image

    pdf = built / "champions/riverside-chamber/print/poster-letter.pdf"
    subprocess.run(
        [need("pdftoppm"), "-r", "300", "-png", str(pdf), str(tmp_path / "p")], check=True
    )
    (png,) = tmp_path.glob("p*.png")
    with Image.open(png) as page:
        grey = page.convert("L")
        colour = page.convert("RGB")
    width, height = grey.size
    bleed = round(3 / 25.4 * 300)  # pixels
    # The band at the top of the poster reaches the paper's edge, past the trim.
    inside, edge = colour.getpixel((width // 2, bleed + 4)), colour.getpixel((width // 2, 2))
    assert inside != (255, 255, 255) and edge == inside

    def darkest(box):
        return grey.crop(box).getextrema()[0]

    for x_edge, y_edge, inward_x, inward_y in (
        (0, 0, 1, 1),
        (width, 0, -1, 1),
        (0, height, 1, -1),
        (width, height, -1, -1),
    ):
        trim_x, trim_y = x_edge + inward_x * bleed, y_edge + inward_y * bleed
        # In the outer half of the bleed, a dark line along each edge of the trim, whether the
        # corner is white paper or the band's colour.
        outer = sorted((x_edge + inward_x * 2, x_edge + inward_x * (bleed // 2 - 2)))
        across = sorted((trim_y - 3, trim_y + 3))
        assert darkest((outer[0], across[0], outer[1], across[1])) < 60, (x_edge, y_edge)
        outer = sorted((y_edge + inward_y * 2, y_edge + inward_y * (bleed // 2 - 2)))
        across = sorted((trim_x - 3, trim_x + 3))
        assert darkest((across[0], outer[0], across[1], outer[1])) < 60, (x_edge, y_edge)


def decode_qr(pdf: Path, tmp_path: Path) -> list[str]:
    pdftoppm, zbarimg = need("pdftoppm"), need("zbarimg")
    subprocess.run([pdftoppm, "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    (image,) = tmp_path.glob("page*.png")
    done = subprocess.run(
        [zbarimg, "--quiet", "--raw", str(image)], capture_output=True, text=True, check=False
    )
    return done.stdout.split()


def test_qr_code_scans_to_the_champions_microsite(built, tmp_path):
    pdf = built / "champions/riverside-chamber/print/poster-letter.pdf"
    assert decode_qr(pdf, tmp_path) == [f"{BASE}champions/riverside-chamber/"]


def test_generic_qr_code_leads_to_the_directory(built, tmp_path):
    assert decode_qr(built / "print/window-sign-tabloid.pdf", tmp_path) == [f"{BASE}champions/"]


@pytest.mark.parametrize(
    ("folder", "address"),
    [
        ("champions/riverside-chamber/print/", "champions/riverside-chamber/"),
        ("print/", "champions/"),
    ],
)
def test_a_print_preview_shows_the_qr_code_beside_it(built, folder, address):
    preview = (built / folder / "poster/index.html").read_text()
    root = "../" * (folder.count("/") + 1)  # from `poster/` in the folder
    assert f'<img class="qr" src="{root}{folder}qr.png"' in preview
    assert "data:image/png" not in preview
    done = subprocess.run(
        [need("zbarimg"), "--quiet", "--raw", str(built / folder / "qr.png")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.split() == [BASE + address]


def test_an_entry_edit_leaves_the_qr_code_as_it_was(project, run_toolkit, tmp_path):
    source, output = project("campaign"), tmp_path / "out"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    folder = output / "champions/riverside-chamber/print"
    made = (folder / "qr.png").stat().st_ino, (folder / "poster/index.html").stat().st_ino
    roster = source / "content/champions/east.yaml"
    roster.write_text(roster.read_text().replace("Courthouse Square", "City Park"))

    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0

    assert (folder / "qr.png").stat().st_ino == made[0]
    assert (folder / "poster/index.html").stat().st_ino != made[1]


def test_qr_code_prints_with_sharp_edges(built):
    """Whole pixels per module, marked for viewers and printers not to smooth: crisp squares."""
    pdf = built / "champions/riverside-chamber/print/poster-letter.pdf"
    listing = subprocess.run(
        [need("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    # page num type width height color comp bpc enc interp ...
    images = [line.split() for line in listing.splitlines()[2:]]
    (qr,) = [row for row in images if row[3] == row[4] and row[9] == "no"]
    # Eight pixels a module; a QR code is 17 + 4 × version modules wide, with a border of 4.
    assert int(qr[3]) % 8 == 0 and (int(qr[3]) // 8 - 8 - 17) % 4 == 0, listing


def test_a_pdf_is_the_same_whatever_was_made_before_it(project):
    """Fonts and stylesheets are shared between the PDFs one maker makes; the bytes of a PDF
    must not depend on it, or a rebuild would differ from a clean build."""
    from toolkit.make import plan_site
    from toolkit.printkit import PdfMaker
    from toolkit.render import Renderer
    from toolkit.site import load_site

    site = load_site(project("campaign"))
    plan = plan_site(site)
    renderer = Renderer(site, plan)
    jobs = [renderer.print_job(o) for o in plan.outputs if o.kind == "pdf"]
    alone = PdfMaker().render(jobs[-1])[0]
    maker = PdfMaker()
    for job in jobs[:6]:
        maker.render(job)
    assert maker.render(jobs[-1])[0] == alone


def test_a_style_in_a_pieces_text_is_not_lifted_out_of_its_comment(project, run_toolkit, tmp_path):
    """The head's stylesheets are parsed once and shared; markup written in a page's text,
    commented out, must stay as inert as it was."""
    source = project("campaign")
    poster = source / "content/print/poster.md"
    hidden = "<!-- <style>.content { display: none }</style> -->\n"
    poster.write_text(poster.read_text(encoding="utf-8") + "\n" + hidden, encoding="utf-8")
    assert run_toolkit("build", source, "-o", tmp_path / "out").exit_code == 0
    pdf = tmp_path / "out/champions/riverside-chamber/print/poster-letter.pdf"
    with pdfplumber.open(pdf) as document:
        assert "Shop small with us" in document.pages[0].extract_text()


def test_a_build_leaves_no_temporary_files(project, tmp_path):
    """WeasyPrint copies the fonts into a temporary folder for its documents: not one may stay
    behind after a build, or every build would leave megabytes in the temporary folder."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    source = project("campaign")

    def build_into(out: str) -> set[Path]:
        done = subprocess.run(
            [sys.executable, "-m", "toolkit", "build", str(source), "-o", str(tmp_path / out)],
            env={**os.environ, "TMPDIR": str(scratch)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert len(list((tmp_path / out).rglob("*.pdf"))) > 2
        return set(scratch.rglob("*"))

    first = build_into("out")
    # All that stays is the theme's templates compiled once, in the user's private folder,
    # for the next build to use: not a file more after a second build.
    templates = scratch / f"_jinja2-cache-{os.getuid()}"
    assert {p.parent for p in first - {templates}} == {templates}
    assert build_into("again") == first


def test_microsite_lists_the_print_kit(built):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(
        (built / "champions/riverside-chamber/index.html").read_text(), "html.parser"
    )
    section = page.find("section", attrs={"aria-labelledby": "print-title"})
    links = {a.get_text(): a["href"] for a in section.find_all("a")}
    assert (
        links["PDF, US Letter, 8.5 × 11 in"]
        == "../../champions/riverside-chamber/print/poster-letter.pdf"
    )
    assert "(1 page)" in section.get_text()
    assert "Print preview" in links


def test_print_preview_is_html_that_prints(built):
    preview = (built / "champions/riverside-chamber/print/poster/index.html").read_text()
    assert "@page" in preview
    assert "size: 215.9mm 279.4mm" in preview
    assert "Riverside Chamber of Commerce" in preview
    assert 'href="../poster-letter.pdf"' in preview
    assert "file://" not in preview


def test_no_print_skips_pdfs_but_keeps_previews(project, run_toolkit, tmp_path):
    source = project("campaign")
    result = run_toolkit("build", source, "-o", tmp_path / "out", "--no-print")
    assert result.exit_code == 0
    assert not list((tmp_path / "out").rglob("*.pdf"))
    assert (tmp_path / "out/champions/riverside-chamber/print/poster/index.html").is_file()
    assert (
        "poster-letter.pdf"
        not in (tmp_path / "out/champions/riverside-chamber/index.html").read_text()
    )


def test_unchanged_pdfs_come_from_the_cache(project, run_toolkit, tmp_path):
    source = project("campaign")
    first = run_toolkit("build", source, "-o", tmp_path / "a")
    total = int(re.search(r"and (\d+) PDFs", first.output)[1])
    assert not re.search(r"PDFs \(\d+ unchanged\)", first.output)
    again = run_toolkit("build", source, "-o", tmp_path / "b")
    assert f"and {total} PDFs ({total} unchanged)" in again.output
    poster = "champions/riverside-chamber/print/poster-letter.pdf"
    assert (tmp_path / "a" / poster).read_bytes() == (tmp_path / "b" / poster).read_bytes()
    # One champion's entry changes: only that champion's PDFs are made again.
    roster = source / "content/champions/east.yaml"
    roster.write_text(roster.read_text().replace("place: Courthouse Square", "place: City Park"))
    third = run_toolkit("build", source, "-o", tmp_path / "c")
    mine = len(list((tmp_path / "c/champions/riverside-chamber/print").glob("*.pdf")))
    assert f"({total - mine} unchanged)" in third.output
    with pdfplumber.open(tmp_path / "c" / poster) as pdf:
        assert "City Park" in pdf.pages[0].extract_text()


def test_a_changed_logo_file_makes_new_pdfs(project, run_toolkit, tmp_path):
    source = project("campaign")
    run_toolkit("build", source, "-o", tmp_path / "a")
    logo = source / "content/logos/riverside.svg"
    logo.write_text(logo.read_text().replace("#1f4e79", "#7a1f1f"))
    again = run_toolkit("build", source, "-o", tmp_path / "b")
    poster = "champions/riverside-chamber/print/poster-letter.pdf"
    assert (tmp_path / "a" / poster).read_bytes() != (tmp_path / "b" / poster).read_bytes()
    assert re.search(r"PDFs \(\d+ unchanged\)", again.output)


def test_a_print_piece_cannot_read_files_outside_the_project(tmp_path, run_toolkit):
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>TOPSECRET</text></svg>')
    project = write_files(
        tmp_path / "p",
        {
            "toolkit.yaml": "name: C\nbase_url: https://c.example.org/\n",
            "content/print/poster.md": f"---\nlayout: poster\n---\n![x](file://{secret})\n",
        },
    )
    assert run_toolkit("build", project).exit_code == 0
    with pdfplumber.open(project / "output/print/poster-letter.pdf") as pdf:
        assert "TOPSECRET" not in pdf.pages[0].extract_text()


def test_text_never_runs_into_the_footer(built):
    # The footer (QR code at its left, the address beside it) is the lowest wide box on the
    # sheet; any other text below its top edge would be printed over it.
    for path in sorted((built / "champions/long-name-chamber/print").glob("*.pdf")) + sorted(
        (built / "champions/riverside-chamber/print").glob("*.pdf")
    ):
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            boxes = [r for r in page.rects if r["width"] > page.width / 2]
            footer = max(boxes, key=lambda r: r["top"])
            assert footer["top"] > page.height / 2, path.name
            stray = [
                c["text"]
                for c in page.chars
                if c["bottom"] > footer["top"] and c["x0"] < footer["x0"] + 30 * MM
            ]
            assert not stray, (path.name, "".join(stray))


def test_without_harfbuzz_subsetter_pdfs_are_made_and_the_build_says_why_slow(
    project, run_toolkit, tmp_path, monkeypatch
):
    """WeasyPrint falls back to fontTools where the machine has no HarfBuzz subsetter: each PDF
    then takes many times as long, and fontTools warns about every font of every PDF. The
    build makes its PDFs, says once what to install, and prints none of fontTools' noise."""
    from weasyprint.pdf import fonts

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    source = project("minimal")
    (source / "content/print").mkdir()
    (source / "content/print/poster.md").write_text(
        "---\ntitle: Poster\nlayout: poster\n---\n# Shop small with us\n", encoding="utf-8"
    )
    result = run_toolkit("build", source, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    # The generic poster and Solo Chamber's, in the default sizes: letter and A4.
    assert len(list((tmp_path / "out").rglob("*.pdf"))) == 4
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1, result.stderr
    assert (
        "warning: PDFs are made several times slower than they need to be: WeasyPrint "
        in (warnings[0])
    )
    assert "apt-get install libharfbuzz-subset0" in warnings[0]
    assert "timestamp" not in result.stderr
    # With the subsetter, not a word about it.
    monkeypatch.undo()
    again = run_toolkit("build", source, "-o", tmp_path / "again")
    assert "HarfBuzz" not in again.stderr


def test_the_qr_png_is_the_symbol_eight_pixels_a_module():
    """Every module of the symbol is an 8×8 square of black or white, inside a quiet zone of
    four light modules, in eight-bit grey (which WeasyPrint embeds as it is)."""
    import io

    from PIL import Image

    from toolkit import qr
    from toolkit.printkit import qr_png

    for url in (BASE, BASE + "champions/riverside-chamber/", BASE + "champions/" + "x" * 90):
        rows = qr.symbol(url)
        modules = len(rows) + 8
        with Image.open(io.BytesIO(qr_png(url))) as image:
            assert image.mode == "L" and image.size == (modules * 8, modules * 8)
            pixels = image.tobytes()
        for y in range(modules * 8):
            for x in range(modules * 8):
                i, j = y // 8 - 4, x // 8 - 4
                dark = 0 <= i < len(rows) and 0 <= j < len(rows) and rows[i][j] == 1
                assert pixels[y * modules * 8 + x] == (0 if dark else 255), (url, x, y)


def test_a_theme_that_replaces_one_font_prints_with_it_and_the_defaults_others(
    project, run_toolkit, tmp_path
):
    """A project's theme with only Lato-Regular.ttf stopped the build with a traceback (the
    PDFs looked for every weight beside it). Now each weight comes from the theme that has it."""
    source = project("campaign")
    default = tmp_path / "default"
    assert run_toolkit("build", source, "-o", default).exit_code == 0
    fonts = source / "themes/default/static/fonts"
    fonts.mkdir(parents=True)
    builtin = Path(__file__).parent.parent / "themes/default/static/fonts"
    shutil.copy(builtin / "Lato-Black.ttf", fonts / "Lato-Regular.ttf")  # plain text, heavier
    out = tmp_path / "out"
    result = run_toolkit("build", source, "-o", out)
    assert result.exit_code == 0, result.output
    poster = "champions/riverside-chamber/print/poster-letter.pdf"

    def fonts_of(pdf: Path) -> set[str]:
        with pdfplumber.open(pdf) as document:
            return {char["fontname"].split("+")[-1] for char in document.pages[0].chars}

    assert fonts_of(out / poster) == fonts_of(default / poster)  # every weight, all Lato
    assert len(fonts_of(out / poster)) == 3
    assert (out / poster).read_bytes() != (default / poster).read_bytes()  # the theme's own
