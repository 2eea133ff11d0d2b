"""The look at the output folder: what the last build made that is no longer there, found by
another process while the build reads the project, or by the build itself."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from tests.conftest import snapshot
from toolkit import build, survey
from toolkit.errors import ToolkitError
from toolkit.survey import Survey


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The processes forked during the test, by pid."""
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this system")
    pids: list[int] = []
    real = os.fork

    def fork() -> int:
        pid = real()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(survey, "FORK_FROM", 1)
    monkeypatch.setattr(survey, "cores", lambda: 2)
    return pids


@pytest.fixture(params=["forked", "here"])
def looking(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every build looks at its output folder in another process, or in its own; the processes
    forked during the test, by pid."""
    if request.param == "forked":
        return request.getfixturevalue("forked")
    monkeypatch.setattr(survey, "FORK_FROM", 10**9)
    return []


def _no_child_left(pids: list[int]) -> bool:
    """Return whether every process in `pids` has ended and been waited for (none is left to
    linger, as a zombie or still looking)."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return True


def test_files_that_are_gone_or_not_plain_are_found(tmp_path, looking):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text("kept")
    (tmp_path / "b").mkdir()
    (tmp_path / "b/index.html").mkdir()  # a folder where a file was
    (tmp_path / "c.html").symlink_to(tmp_path / "a/index.html")  # a link where a file was
    (tmp_path / "é.html").write_text("kept")
    paths = ["a/index.html", "b/index.html", "c.html", "d/index.html", "é.html"]

    assert Survey.start(tmp_path, paths).gone() == {"b/index.html", "c.html", "d/index.html"}
    assert _no_child_left(looking)


def test_a_deleted_output_is_made_again_and_others_are_kept(project, tmp_path, looking):
    source = project("campaign")
    out = tmp_path / "out"
    build.run(source, out, pdfs=False)
    made = (out / "about/index.html").read_bytes()
    (out / "about/index.html").unlink()
    (out / "guides/faq/index.html").unlink()
    (out / "guides/faq/index.html").symlink_to(out / "index.html")

    # Nothing in the project changed: only what is gone is made again.
    report = build.run(source, out, pdfs=False)
    assert (out / "about/index.html").read_bytes() == made
    assert not (out / "guides/faq/index.html").is_symlink()
    assert report.unchanged == report.files - 1 - 2
    shutil.rmtree(source / ".toolkit-cache")
    build.run(source, tmp_path / "clean", pdfs=False)
    assert snapshot(out) == snapshot(tmp_path / "clean")
    assert _no_child_left(looking)


def test_an_output_deleted_before_an_edit_is_made_again(project, tmp_path, looking):
    source = project("campaign")
    out = tmp_path / "out"
    build.run(source, out, pdfs=False)
    (out / "about/index.html").unlink()
    page = source / "content/guides/faq.md"
    page.write_text(page.read_text() + "\nOne more line.\n", encoding="utf-8")

    build.run(source, out, pdfs=False)
    assert (out / "about/index.html").is_file()
    assert "One more line." in (out / "guides/faq/index.html").read_text(encoding="utf-8")
    assert _no_child_left(looking)


def test_a_build_that_fails_leaves_no_process_behind(project, tmp_path, looking):
    source = project("campaign")
    out = tmp_path / "out"
    build.run(source, out, pdfs=False)
    before = snapshot(out)
    # Found once the look has started: in a roster, read after the settings.
    roster = source / "content/champions/west.yaml"
    roster.write_text(roster.read_text() + "\n- name: [unclosed\n", encoding="utf-8")

    with pytest.raises(ToolkitError):
        build.run(source, out, pdfs=False)
    assert snapshot(out) == before
    assert _no_child_left(looking)


def test_what_the_other_process_found_is_what_the_build_is_told(tmp_path, monkeypatch, forked):
    (tmp_path / "kept.html").write_text("kept")
    paths = ["kept.html", "gone.html", "other/gone.html"]

    look = Survey.start(tmp_path, paths)
    waited = time.monotonic()
    # Once the other process has looked at every path, the build looks at none itself.
    while survey._MARK.unpack_from(look._reached, survey._CHILD)[0] < len(paths):
        assert time.monotonic() - waited < 30
        time.sleep(0.01)
    monkeypatch.setattr(survey, "_gone", lambda prefix, paths: list(paths))
    assert look.gone() == {"gone.html", "other/gone.html"}
    assert forked and _no_child_left(forked)


def test_a_look_that_does_not_finish_is_made_here(tmp_path, monkeypatch, forked):
    (tmp_path / "kept.html").write_text("kept")

    def dies(self):
        raise MemoryError  # only ever called in the other process

    monkeypatch.setattr(Survey, "_look_from_start", dies)
    assert Survey.start(tmp_path, ["kept.html", "gone.html"]).gone() == {"gone.html"}
    assert forked and _no_child_left(forked)
