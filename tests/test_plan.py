"""The plan lists every output path of the contract, with its inputs, and no path twice."""

from __future__ import annotations

import itertools

import pytest

from tests.conftest import write_files
from toolkit import plan as plan_module
from toolkit.errors import ToolkitError
from toolkit.plan import (
    LISTING,
    SETTINGS,
    SITEMAP_KINDS,
    champion_key,
    make_plan,
    sitemap_parts,
)
from toolkit.site import load_site


@pytest.fixture
def plan(project):
    made, problems = make_plan(load_site(project("campaign")))
    assert not problems.items
    return made


def test_contract_paths_and_kinds(plan):
    kinds = {o.path: o.kind for o in plan.outputs}
    assert kinds["index.html"] == "page"
    assert kinds["about/index.html"] == "page"
    assert kinds["kit/press-release/index.html"] == "kit"
    assert kinds["champions/index.html"] == "directory"
    assert kinds["champions/riverside-chamber/index.html"] == "microsite"
    assert kinds["champions/riverside-chamber/press-release/index.html"] == "kit"
    assert kinds["champions/rcc/index.html"] == "alias"
    assert kinds["champions/riverside-chamber/event.ics"] == "calendar"
    assert kinds["logos/riverside.svg"] == "asset"
    assert kinds["static/style.css"] == "static"
    assert kinds["sitemap.xml"] == "sitemap"


def test_each_output_names_its_inputs(plan):
    piece = plan.by_path["champions/riverside-chamber/press-release/index.html"]
    assert champion_key("riverside-chamber") in piece.inputs
    assert "content/kit/press-release.md" in piece.inputs
    assert SETTINGS in piece.inputs
    directory = plan.by_path["champions/index.html"]
    assert LISTING in directory.inputs
    about = plan.by_path["about/index.html"]
    assert champion_key("riverside-chamber") not in about.inputs


def test_drafts_have_no_output(plan):
    assert "secret/index.html" not in plan.by_path


def test_two_claims_on_one_path_name_both(tmp_path):
    write_files(
        tmp_path,
        {
            "toolkit.yaml": "name: C\nbase_url: https://c.example.org/\n",
            "content/kit.md": "---\ntitle: Kit page\n---\nhi\n",
            "content/kit/release.md": "Release\n",
            "content/static/style.css": "body{}\n",
        },
    )
    _, problems = make_plan(load_site(tmp_path))
    messages = sorted(str(p) for p in problems.items)
    assert messages == [
        "content/kit.md:1:1: error: output kit/index.html is made twice: "
        "by the kit index page and by content/kit.md",
        "content/static/style.css: error: output static/style.css is made twice: "
        "by the theme's static/style.css and by content/static/style.css",
    ]


def test_a_file_where_the_print_kit_has_its_qr_code_is_named(project):
    source = project("campaign")
    (source / "content/print/qr.png").write_bytes(b"not a QR code")

    _, problems = make_plan(load_site(source))

    assert [str(p) for p in problems.items] == [
        "content/print/qr.png: error: output print/qr.png is made twice: "
        "by content/print/qr.png and by the print kit's QR code"
    ]


def test_build_refuses_a_plan_with_collisions(tmp_path, run_toolkit):
    write_files(
        tmp_path,
        {
            "toolkit.yaml": "name: C\nbase_url: https://c.example.org/\n",
            "content/champions.md": "A page where the directory goes.\n",
        },
    )
    result = run_toolkit("build", tmp_path)
    assert result.exit_code == 1
    assert "output champions/index.html is made twice" in result.stderr
    assert not (tmp_path / "output").exists()


def test_site_without_home_page_still_has_one(tmp_path):
    write_files(tmp_path, {"toolkit.yaml": "name: C\nbase_url: https://c.example.org/\n"})
    made, _ = make_plan(load_site(tmp_path))
    assert made.by_path["index.html"].kind == "page"


def test_load_site_reports_problems_from_every_file_at_once(tmp_path):
    write_files(
        tmp_path,
        {
            "toolkit.yaml": "name: C\nbase_url: https://c.example.org/\n",
            "content/a.md": "---\ntitel: A\n---\n",
            "content/champions/x.yaml": "- name: X\n  emial: x@example.org\n",
        },
    )
    with pytest.raises(ToolkitError) as caught:
        load_site(tmp_path)
    assert [str(p.location) for p in caught.value.problems] == [
        "content/a.md:2:1",
        "content/champions/x.yaml:2:3",
    ]


def test_a_site_of_more_addresses_than_one_sitemap_holds_gets_an_index(project, monkeypatch):
    site = load_site(project("campaign"))
    listed = [o.path for o in make_plan(site)[0].outputs if o.kind in SITEMAP_KINDS]
    monkeypatch.setattr(plan_module, "SITEMAP_LIMIT", len(listed) - 1)
    monkeypatch.setattr(plan_module, "SITEMAP_PART", 8)
    made, problems = make_plan(site)
    assert not problems.items
    assert made.by_path["sitemap.xml"].kind == "sitemap-index"
    parts = sitemap_parts(made.outputs)
    assert len(parts) > 1
    assert [o.path for part in parts for o in part] == listed
    owners = [{o.champion for o in part} - {None} for part in parts]
    for first, second in itertools.combinations(owners, 2):
        assert not first & second, "a champion's pages are split over two sitemaps"
    for number, part in enumerate(parts, 1):
        sitemap = made.by_path[f"sitemap-{number}.xml"]
        assert sitemap.kind == "sitemap"
        # A part is remade when one of its champions changes, and only then.
        assert {champion_key(o.champion) for o in part if o.champion} <= set(sitemap.inputs)
        assert LISTING not in sitemap.inputs


def test_a_site_that_fits_one_sitemap_has_one(plan):
    assert plan.by_path["sitemap.xml"].kind == "sitemap"
    assert not any(o.path.startswith("sitemap-") for o in plan.outputs)
