"""Making a build: over one process per core when there is much to make, with the same bytes."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from tests.conftest import snapshot
from toolkit import build, make
from toolkit.errors import ToolkitError


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every build with more than one output go over several processes."""
    monkeypatch.setattr(make, "_PARALLEL_FROM", 2)
    monkeypatch.setattr(make, "cores", lambda: 2)


def test_a_build_over_several_processes_equals_one_made_in_one(project, tmp_path, monkeypatch):
    source = project("campaign")
    build.run(source, tmp_path / "serial", pdfs=False)
    shutil.rmtree(source / ".toolkit-cache")
    monkeypatch.setattr(make, "_PARALLEL_FROM", 2)
    monkeypatch.setattr(make, "cores", lambda: 2)
    report = build.run(source, tmp_path / "parallel", pdfs=False)

    assert snapshot(tmp_path / "parallel").keys() == snapshot(tmp_path / "serial").keys()
    assert snapshot(tmp_path / "parallel") == snapshot(tmp_path / "serial")
    assert report.unchanged == 0


def test_a_broken_link_found_by_another_process_stops_the_build(project, tmp_path, parallel):
    source = project("campaign")
    out = tmp_path / "out"
    build.run(source, out, pdfs=False)
    before = snapshot(out)
    page = source / "content/about.md"
    page.write_text(page.read_text() + "\n[Gone](nowhere.md)\n", encoding="utf-8")
    shutil.rmtree(source / ".toolkit-cache")  # so that every output is made again, in parallel

    with pytest.raises(ToolkitError, match=r"link to a missing file: nowhere\.md"):
        build.run(source, out, pdfs=False)
    assert snapshot(out) == before


def test_warnings_are_repeated_by_a_build_with_nothing_to_do(project, tmp_path):
    source = project("campaign")
    page = source / "content/about.md"
    page.write_text(page.read_text() + "\n![](images/map.svg)\n", encoding="utf-8")
    first = build.run(source, tmp_path / "out", pdfs=False)
    again = build.run(source, tmp_path / "out", pdfs=False)

    assert any("image has no alt text" in str(w) for w in first.warnings)
    assert [str(w) for w in again.warnings] == [str(w) for w in first.warnings]
    assert again.unchanged == again.files - 1


def test_a_deleted_output_file_is_made_again(project, tmp_path):
    source = project("campaign")
    out = tmp_path / "out"
    build.run(source, out, pdfs=False)
    made = (out / "about/index.html").read_bytes()
    (out / "about/index.html").unlink()

    build.run(source, out, pdfs=False)
    assert (out / "about/index.html").read_bytes() == made


def test_only_changed_files_are_written_into_the_previous_output(project, tmp_path: Path):
    source = project("campaign")
    out = tmp_path / "out"
    build.run(source, out, pdfs=False)
    untouched = (out / "guides/faq/index.html").stat().st_ino
    page = source / "content/about.md"
    page.write_text(page.read_text() + "\nOne more line.\n", encoding="utf-8")

    report = build.run(source, out, pdfs=False)
    assert "One more line." in (out / "about/index.html").read_text(encoding="utf-8")
    assert (out / "guides/faq/index.html").stat().st_ino == untouched
    assert report.unchanged > 0
    assert not (tmp_path / ".out.staging").exists()


def test_progress_moves_to_the_end_without_a_call_for_every_output(project, tmp_path):
    told: list[tuple[int, int]] = []
    report = build.run(project("campaign"), tmp_path / "out", lambda *seen: told.append(seen))
    total = report.files - 1  # every output but the folder's marker
    assert told[-1] == (total, total)
    assert [done for done, _ in told] == sorted({done for done, _ in told})
    counter = make._Counter(100_000, lambda *seen: told.append(seen))
    told.clear()
    for _ in range(100_000):
        counter.step()
    assert told[-1] == (100_000, 100_000)
    assert 200 <= len(told) <= 201


def test_a_build_leaves_the_garbage_collector_as_it_found_it(project, tmp_path):
    # A preview server builds again and again in one process: what a build held must go back
    # to being collected when it is done, or each rebuild would keep the last one's cycles.
    source = project("campaign")
    gc.collect()
    threshold = gc.get_threshold()
    for edit in ("", "\nEdited.\n"):
        page = source / "content/about.md"
        page.write_text(page.read_text() + edit, encoding="utf-8")
        build.run(source, tmp_path / "out", pdfs=False)

        assert gc.isenabled()
        assert gc.get_threshold() == threshold
        assert gc.get_freeze_count() == 0
