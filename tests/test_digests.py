"""Incremental builds: only what changed is made again, and the bytes equal a clean build."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import snapshot
from toolkit import build, digests, make, plan, state
from toolkit.site import load_site


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_same_as_a_clean_build(source: Path, output: Path, run_toolkit, tmp_path: Path) -> None:
    """Build `source` afresh, its cache gone, and check `output` holds the very same bytes."""
    clean = tmp_path / "clean"
    shutil.rmtree(source / ".toolkit-cache", ignore_errors=True)
    assert run_toolkit("build", source, "-o", clean, "--no-print").exit_code == 0
    assert snapshot(output) == snapshot(clean)


def files_in(output: str) -> int:
    return int(re.search(r"\((\d+) files", output)[1])


EDITS = {
    "page": lambda p: edit(p / "content/about.md", "Smart", "Clever"),
    "page title": lambda p: edit(p / "content/about.md", "nav_title: About", "nav_title: Us"),
    "translated menu title": lambda p: edit(
        p / "content/about.es.md", "nav_title: Acerca de", "nav_title: Nosotros"
    ),
    "page leaves the menu": lambda p: edit(
        p / "content/guides/faq.md", "order: 20\n", "order: 20\nnav: false\n"
    ),
    "kit piece": lambda p: edit(p / "content/kit/social-posts.md", "Shop with", "Buy from"),
    "roster entry": lambda p: edit(
        p / "content/champions/east.yaml", "Courthouse Square", "City Park"
    ),
    "champion city": lambda p: edit(
        p / "content/champions/east.yaml", "city: Riverside\n", "city: Ames\n"
    ),
    "champion region": lambda p: edit(
        p / "content/champions/east.yaml", "region: Minnesota", "region: Iowa"
    ),
    "template": lambda p: (
        (p / "themes/default/templates").mkdir(parents=True)
        or shutil.copy(
            Path(__file__).parent.parent / "themes/default/templates/page.html",
            p / "themes/default/templates/page.html",
        )
        or edit(p / "themes/default/templates/page.html", "<article", '<article data-x="1"')
    ),
    "settings": lambda p: edit(p / "toolkit.yaml", "Every street, one day.", "One day."),
    "page date": lambda p: edit(
        p / "content/about.md", "order: 10\n", "order: 10\ndate: 2026-11-02\n"
    ),
    "asset": lambda p: edit(p / "content/images/map.svg", "#eee", "#ddd"),
    "deleted page": lambda p: (p / "content/kit/proclamation.md").unlink(),
    "deleted champion": lambda p: edit(
        p / "content/champions/east.yaml",
        "- name: Mayor of Northfield\n  kind: mayor\n  city: Northfield\n  region: Minnesota\n",
        "",
    ),
}


@pytest.mark.parametrize("change", sorted(EDITS))
def test_incremental_build_equals_a_clean_build(change, project, run_toolkit, tmp_path):
    source = project("campaign")
    output = tmp_path / "incremental"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    EDITS[change](source)
    again = run_toolkit("build", source, "-o", output, "--no-print")
    assert again.exit_code == 0, again.stderr
    assert_same_as_a_clean_build(source, output, run_toolkit, tmp_path)


def test_the_menu_digest_changes_with_the_pages_in_the_menu_only(project):
    source = project("campaign")
    news = source / "content/news.md"
    news.write_text("---\ntitle: News\n---\nFresh.\n", encoding="utf-8")

    def menu() -> str:
        return digests.input_digests(load_site(source), ())[plan.NAV]

    before = menu()
    edit(news, "title: News", "title: Latest news")  # not in the menu: no page changes
    assert menu() == before
    edit(news, "---\nFresh", "nav: true\n---\nFresh")  # now in every page's menu
    assert menu() != before


def test_a_one_page_edit_remakes_only_what_it_affects(project, run_toolkit, tmp_path):
    source = project("campaign")
    output = tmp_path / "out"
    first = run_toolkit("build", source, "-o", output, "--no-print")
    assert "unchanged)" not in first.output
    again = run_toolkit("build", source, "-o", output, "--no-print")
    files = files_in(again.output)
    assert f"{files - 1} unchanged)" in again.output  # everything but the marker file
    edit(source / "content/kit/social-posts.md", "Shop with", "Buy from")
    third = run_toolkit("build", source, "-o", output, "--no-print")
    # The piece itself, campaign-wide and for each of the 5 champions, and the 5 kits carrying it.
    assert f"{files - 1 - 6 - 5} unchanged)" in third.output


def test_pdfs_are_taken_from_the_previous_build(project, run_toolkit, tmp_path):
    source = project("campaign")
    output = tmp_path / "out"
    run_toolkit("build", source, "-o", output)
    edit(source / "content/champions/east.yaml", "Courthouse Square", "City Park")
    again = run_toolkit("build", source, "-o", output)
    clean = tmp_path / "clean"
    shutil.rmtree(source / ".toolkit-cache")
    run_toolkit("build", source, "-o", clean)
    assert snapshot(output) == snapshot(clean)
    assert "PDFs (" in again.output


@pytest.mark.parametrize(
    ("changed", "shown"),
    [
        ("content/images/map.svg", "images/map.svg"),
        ("themes/default/templates/page.html", "about/index.html"),
    ],
)
def test_a_second_save_in_the_same_clock_tick_is_seen(
    changed, shown, project, run_toolkit, tmp_path
):
    """A file saved just before a build and saved again, same size, within the same tick of the
    file system's clock keeps its size and time: its bytes must decide, not its stat."""
    import os

    source = project("campaign")
    file = source / changed
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(__file__).parent.parent / "themes/default" / changed[15:], file)
    text = file.read_text(encoding="utf-8")
    end = "{% endblock %}" if "{% endblock %}" in text else "</svg>"
    file.write_text(text.replace(end, "<!--A-->" + end, 1), encoding="utf-8")
    first_save = file.stat().st_mtime_ns
    output = tmp_path / "out"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    assert "<!--A-->" in (output / shown).read_text(encoding="utf-8")

    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("<!--A-->", "<!--B-->"), encoding="utf-8")
    os.utime(file, ns=(first_save, first_save))
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    assert "<!--B-->" in (output / shown).read_text(encoding="utf-8")


def test_an_entry_edit_remakes_one_sitemap_of_an_index(project, run_toolkit, tmp_path, monkeypatch):
    monkeypatch.setattr(plan, "SITEMAP_LIMIT", 10)
    monkeypatch.setattr(plan, "SITEMAP_PART", 8)
    source = project("campaign")
    output = tmp_path / "incremental"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    # A file taken from the last build keeps its inode; a file made again is a new one.
    before = {p.name: p.stat().st_ino for p in output.glob("sitemap*.xml")}
    assert len(before) > 3, "the index and several sitemaps"
    edit(source / "content/champions/east.yaml", "Courthouse Square", "City Park")
    again = run_toolkit("build", source, "-o", output, "--no-print")
    assert again.exit_code == 0, again.stderr
    remade = {name for name, inode in before.items() if (output / name).stat().st_ino != inode}
    # The index lists the same sitemaps: only the one listing the edited champion is remade.
    assert len(remade) == 1 and "sitemap.xml" not in remade, remade
    assert_same_as_a_clean_build(source, output, run_toolkit, tmp_path)


def test_an_edit_the_directory_does_not_show_leaves_it_as_it_was(project, run_toolkit, tmp_path):
    source = project("campaign")
    output = tmp_path / "out"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    listing = ("champions/index.html", "index.html", "sitemap.xml")
    inodes = {path: (output / path).stat().st_ino for path in listing}
    # The event's place is on the champion's own pages only.
    edit(source / "content/champions/east.yaml", "Courthouse Square", "City Park")
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    assert {path: (output / path).stat().st_ino for path in listing} == inodes
    assert "City Park" in (output / "champions/riverside-chamber/index.html").read_text()
    # The city is listed in the directory.
    edit(source / "content/champions/east.yaml", "city: Riverside\n", "city: Ames\n")
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    assert (output / "champions/index.html").stat().st_ino != inodes["champions/index.html"]
    assert "Ames" in (output / "champions/index.html").read_text()


@pytest.mark.parametrize(
    ("template", "old", "new"),
    [
        ("page.html", "<article", "<p>{{ champion_count }}</p><article"),
        ("microsite.html", "{{ other.name }}</a>", "{{ other.name }}, {{ other.city }}</a>"),
    ],
)
def test_a_theme_sees_the_roster_only_where_a_page_is_made_from_it(
    template, old, new, project, run_toolkit, tmp_path
):
    """A page is made again only when what it is made from changes: a theme that shows more
    of the roster than that is told so, rather than left showing what was true the last time
    the page happened to be made."""
    source = project("campaign")
    templates = source / "themes/default/templates"
    templates.mkdir(parents=True)
    shutil.copy(Path(__file__).parent.parent / "themes/default/templates" / template, templates)
    edit(templates / template, old, new)
    result = run_toolkit("build", source, "-o", tmp_path / "out", "--no-print")
    assert result.exit_code == 1
    assert f"themes/default/templates/{template}:" in result.stderr
    assert "undefined" in result.stderr or "has no attribute" in result.stderr


def test_a_page_laid_out_as_home_counts_the_champions(project, run_toolkit, tmp_path):
    source = project("campaign")
    (source / "content/welcome.md").write_text("---\ntitle: Welcome\nlayout: home\n---\nHi.\n")
    output = tmp_path / "out"
    result = run_toolkit("build", source, "-o", output, "--no-print")
    assert result.exit_code == 0, result.stderr
    assert "5 local champions and counting" in (output / "welcome/index.html").read_text()
    EDITS["deleted champion"](source)
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    assert "4 local champions and counting" in (output / "welcome/index.html").read_text()


def test_a_build_with_pdfs_after_one_without_equals_a_clean_one(project, run_toolkit, tmp_path):
    source = project("campaign")
    output = tmp_path / "incremental"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    assert run_toolkit("build", source, "-o", output).exit_code == 0
    # The microsites and print previews now link their PDFs, with page counts.
    assert ".pdf" in (output / "champions/riverside-chamber/index.html").read_text()
    shutil.rmtree(source / ".toolkit-cache", ignore_errors=True)
    assert run_toolkit("build", source, "-o", tmp_path / "clean").exit_code == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_a_new_format_makes_every_output_again(project, run_toolkit, tmp_path, monkeypatch):
    source = project("campaign")
    output = tmp_path / "out"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    # As a new version of toolkit that draws something differently would.
    monkeypatch.setattr(digests, "FORMAT", digests.FORMAT + 1)
    monkeypatch.setattr(state, "FORMAT", state.FORMAT + 1)
    again = run_toolkit("build", source, "-o", output, "--no-print")
    assert again.exit_code == 0
    assert "unchanged" not in again.output


def test_a_kit_piece_laid_out_as_home_builds(project, run_toolkit, tmp_path):
    source = project("campaign")
    piece = source / "content/kit/social-posts.md"
    piece.write_text("---\nlayout: home\n---\n" + piece.read_text().split("---\n", 2)[-1])
    result = run_toolkit("build", source, "-o", tmp_path / "out", "--no-print")
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def digests_made(monkeypatch) -> list[str]:
    """The outputs whose digest a build makes, by path."""
    made: list[str] = []
    real = digests.output_digest

    def output_digest(output, inputs):
        made.append(output.path)
        return real(output, inputs)

    monkeypatch.setattr(make, "output_digest", output_digest)
    return made


def rebuilt(source: Path, output: Path, run_toolkit, made: list[str], *change: str) -> set[str]:
    """Build, make one `change` (file, old, new), build again; return the champions (by id or
    alias) whose outputs' digests the second build made, the campaign's own outputs aside."""
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    edit(source / change[0], *change[1:])
    made.clear()
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    # Each champion's outputs are in `champions/<id or alias>/`.
    return {p.split("/")[1] for p in made if re.match(r"champions/[^/]+/", p)}


def test_an_entry_edit_makes_the_digests_of_that_champion_only(
    project, run_toolkit, tmp_path, digests_made
):
    source, output = project("campaign"), tmp_path / "out"
    moved = ("content/champions/east.yaml", "Courthouse Square", "City Park")

    champions = rebuilt(source, output, run_toolkit, digests_made, *moved)

    assert champions == {"riverside-chamber", "rcc"}  # the champion whose event moved, by id
    assert {p for p in digests_made if not p.startswith("champions/")}  # the campaign's own
    assert_same_as_a_clean_build(source, output, run_toolkit, tmp_path)


def test_a_shared_input_makes_every_digest_again(project, run_toolkit, tmp_path, digests_made):
    source = project("campaign")
    piece = "content/kit/social-posts.md"

    rebuilt(source, tmp_path / "out", run_toolkit, digests_made, piece, "Shop with", "Buy from")

    recorded = state.recorded_paths(last_record(source))
    assert len(digests_made) == len(set(digests_made)) == len(recorded)


def last_record(source: Path) -> dict:
    """The record the last build left in the project's build cache."""
    (file,) = (source / ".toolkit-cache").glob("outputs-*.json")
    return json.loads(file.read_text(encoding="utf-8"))


def test_a_record_of_the_last_build_without_champions_digests_is_used(
    project, run_toolkit, tmp_path
):
    # Made by an earlier version: every output's digest is made, and what is unchanged stays.
    source = project("campaign")
    output = tmp_path / "out"
    first = run_toolkit("build", source, "-o", output, "--no-print")
    record = last_record(source)
    del record["units"]
    (file,) = (source / ".toolkit-cache").glob("outputs-*.json")
    file.write_text(json.dumps(record), encoding="utf-8")
    edit(source / "content/champions/east.yaml", "Courthouse Square", "City Park")

    again = run_toolkit("build", source, "-o", output, "--no-print")

    assert again.exit_code == 0
    assert files_in(again.output) == files_in(first.output)
    assert "unchanged)" in again.output
    assert_same_as_a_clean_build(source, output, run_toolkit, tmp_path)


def test_a_name_edit_makes_the_digests_of_that_champions_region(
    project, run_toolkit, tmp_path, digests_made
):
    source, output = project("campaign"), tmp_path / "out"
    renamed = (
        "content/champions/east.yaml",
        "name: Riverside Chamber of Commerce",
        "name: Riverside Chamber",
    )

    champions = rebuilt(source, output, run_toolkit, digests_made, *renamed)

    # Iowa's champions (a microsite names its neighbours), by id and alias; the directory lists
    # the new name. Champions elsewhere keep their digests.
    assert champions == {"riverside-chamber", "rcc", "long-name-chamber"}
    assert "champions/index.html" in digests_made
    assert_same_as_a_clean_build(source, output, run_toolkit, tmp_path)


@pytest.mark.parametrize("pdfs", [True, False])
def test_no_champions_output_is_made_from_what_unit_digests_leave_out(project, pdfs):
    site = load_site(project("campaign"))
    made, _ = plan.make_plan(site, pdfs=pdfs)
    left_out = digests.not_in_units(site)
    assert {"content/about.md", "content/about.es.md"} <= left_out  # campaign pages

    for span in made.units.values():
        for output in made.outputs[span.start : span.stop]:
            assert not set(output.inputs) & left_out, output.path


@pytest.mark.parametrize("pdfs", [True, False])
def test_a_champions_pages_in_the_sitemap_come_before_their_other_outputs(project, pdfs):
    # The record of a champion kept whole says how many of their outputs, from the first, the
    # sitemap lists.
    site = load_site(project("campaign"))
    made, _ = plan.make_plan(site, pdfs=pdfs)

    for span in made.units.values():
        listed = [o.kind in plan.SITEMAP_KINDS for o in made.outputs[span.start : span.stop]]
        assert listed == sorted(listed, reverse=True)
        assert listed[0]


@pytest.fixture
def plans(monkeypatch) -> list[plan.Plan]:
    """The plans the builds made, in turn."""
    made: list[plan.Plan] = []
    real = make.plan_site

    def plan_site(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(make, "plan_site", plan_site)
    return made


def champion_ids(source: Path) -> set[str]:
    return {c.id for c in load_site(source).champions}


def test_an_entry_edit_plans_that_champion_alone(project, run_toolkit, tmp_path, plans):
    source, output = project("campaign"), tmp_path / "out"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    edit(source / "content/champions/east.yaml", "Courthouse Square", "City Park")
    plans.clear()

    again = run_toolkit("build", source, "-o", output, "--no-print")

    assert again.exit_code == 0
    (made,) = plans
    assert set(made.units) == {"riverside-chamber"}
    assert set(made.kept) == champion_ids(source) - {"riverside-chamber"}
    assert {o.champion for o in made.outputs} == {None, "riverside-chamber"}
    assert "City Park" in (output / "champions/riverside-chamber/index.html").read_text()
    assert_same_as_a_clean_build(source, output, run_toolkit, tmp_path)


@pytest.mark.parametrize(("kits", "planned"), [(False, set()), (True, "everyone")])
def test_a_campaign_page_edit_plans_a_champion_only_for_their_kit_zip(
    kits, planned, project, tmp_path, plans
):
    source, output = project("campaign"), tmp_path / "out"
    build.run(source, output, pdfs=False, kits=kits)
    edit(source / "content/about.md", "Smart", "Clever")
    plans.clear()

    build.run(source, output, pdfs=False, kits=kits)

    # A kit.zip carries every file of the project, the page too.
    assert set(plans[-1].units) == (champion_ids(source) if planned == "everyone" else planned)
    clean = tmp_path / "clean"
    shutil.rmtree(source / ".toolkit-cache")
    build.run(source, clean, pdfs=False, kits=kits)
    assert snapshot(output) == snapshot(clean)


def test_a_file_of_a_kept_champion_gone_from_the_folder_is_made_again(
    project, run_toolkit, tmp_path, plans
):
    source, output = project("campaign"), tmp_path / "out"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    (output / "champions/long-name-chamber/share.png").unlink()
    edit(source / "content/champions/east.yaml", "Courthouse Square", "City Park")
    plans.clear()

    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0

    assert set(plans[-1].units) == {"riverside-chamber", "long-name-chamber"}
    assert (output / "champions/long-name-chamber/share.png").is_file()
    assert_same_as_a_clean_build(source, output, run_toolkit, tmp_path)


def test_an_edit_remakes_only_the_sitemap_part_of_that_champion(
    project, run_toolkit, tmp_path, monkeypatch
):
    monkeypatch.setattr(plan, "SITEMAP_LIMIT", 10)
    monkeypatch.setattr(plan, "SITEMAP_PART", 8)
    source, output = project("campaign"), tmp_path / "out"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    parts = sorted(output.glob("sitemap-*.xml"))
    inodes = {p.name: p.stat().st_ino for p in parts}
    edit(source / "content/champions/east.yaml", "id: riverside-chamber", "id: riverside")

    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0

    remade = {p.name for p in output.glob("sitemap-*.xml") if p.stat().st_ino != inodes[p.name]}
    assert [p for p in remade if "champions/riverside/" in (output / p).read_text()] == [*remade]
    assert len(remade) == 1 < len(parts)
    assert_same_as_a_clean_build(source, output, run_toolkit, tmp_path)


@pytest.mark.parametrize(
    "damage",
    [
        lambda unit: unit.__setitem__(1, "many"),
        lambda unit: unit.__setitem__(3, 99),
        lambda unit: unit.__setitem__(4, unit[4] + "\nanother/index.html"),
        lambda unit: unit.__setitem__(5, None),
        lambda unit: unit.pop(),
    ],
)
def test_a_damaged_record_of_a_champion_has_them_planned_again(
    damage, project, run_toolkit, tmp_path, plans
):
    source, output = project("campaign"), tmp_path / "out"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    record = last_record(source)
    damage(record["units"]["long-name-chamber"])
    (file,) = (source / ".toolkit-cache").glob("outputs-*.json")
    file.write_text(json.dumps(record), encoding="utf-8")
    edit(source / "content/champions/east.yaml", "Courthouse Square", "City Park")
    plans.clear()

    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0

    # The whole record is set aside: which files it names is not known for sure.
    assert set(plans[-1].units) == champion_ids(source)
    assert_same_as_a_clean_build(source, output, run_toolkit, tmp_path)


def test_a_planned_output_on_a_kept_champions_path_has_everyone_planned(project, tmp_path):
    """A kept champion's paths are the last build's: should a planned output claim one, the
    plan of everyone says who else claims it."""
    site = load_site(project("campaign"))
    full, _ = plan.make_plan(site, pdfs=False)
    kept = {"long-name-chamber": plan.Kept("long-name-chamber", "about/index.html", 0, 1, 0)}
    previous = {"outputs": {}, "units": {}}  # a new page, where they had a file

    made, _ = make._plan_keeping(site, False, True, previous, kept, None)  # type: ignore[arg-type]

    assert not made.kept
    assert made.outputs == full.outputs


def test_damaged_lines_in_the_record_never_stop_a_build(project, run_toolkit, tmp_path):
    source, output = project("campaign"), tmp_path / "out"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    outside = tmp_path / "outside.txt"
    outside.write_text("not the build's", encoding="utf-8")
    record = last_record(source)
    riverside = record["units"]["riverside-chamber"]
    riverside[5] = riverside[5].replace("\n", " x\n", 1)  # a page count that is no number
    # A champion since deleted, whose record names a folder and a file outside the output.
    record["units"]["ghost"] = ["x", 1, 0, 1, "static\n../outside.txt\n", "-\n-\n-"]
    (file,) = (source / ".toolkit-cache").glob("outputs-*.json")
    file.write_text(json.dumps(record), encoding="utf-8")
    edit(source / "content/champions/east.yaml", "Courthouse Square", "City Park")

    result = run_toolkit("build", source, "-o", output, "--no-print")

    assert result.exit_code == 0, result.stderr
    assert outside.read_text(encoding="utf-8") == "not the build's"
    assert_same_as_a_clean_build(source, output, run_toolkit, tmp_path)
