"""Incremental builds: only what changed is made again, and the bytes equal a clean build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import snapshot
from toolkit import plan


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def files_in(output: str) -> int:
    return int(re.search(r"\((\d+) files", output)[1])


EDITS = {
    "page": lambda p: edit(p / "content/about.md", "Smart", "Clever"),
    "page title": lambda p: edit(p / "content/about.md", "nav_title: About", "nav_title: Us"),
    "kit piece": lambda p: edit(p / "content/kit/social-posts.md", "Shop with", "Buy from"),
    "roster entry": lambda p: edit(
        p / "content/champions/east.yaml", "Courthouse Square", "City Park"
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
    clean = tmp_path / "clean"
    shutil.rmtree(source / ".toolkit-cache", ignore_errors=True)
    assert run_toolkit("build", source, "-o", clean, "--no-print").exit_code == 0
    assert snapshot(output) == snapshot(clean)


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
    assert len(remade) == 2 and "sitemap.xml" in remade, "the index and one sitemap"
    clean = tmp_path / "clean"
    shutil.rmtree(source / ".toolkit-cache", ignore_errors=True)
    assert run_toolkit("build", source, "-o", clean, "--no-print").exit_code == 0
    assert snapshot(output) == snapshot(clean)
