"""Writing: a staging folder swapped in whole, only into folders toolkit made."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import ToolkitError
from toolkit.output import MARKER, Staging, check_destination


def test_publish_swaps_the_whole_folder(tmp_path: Path):
    dest = tmp_path / "out"
    first = Staging(dest)
    first.write("a/index.html", b"one")
    first.publish()
    second = Staging(dest)
    second.write("b/index.html", b"two")
    # Until publish, the old build is what is there.
    assert (dest / "a/index.html").read_bytes() == b"one"
    second.publish()
    assert not (dest / "a").exists()
    assert (dest / "b/index.html").read_bytes() == b"two"
    assert (dest / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_discard_leaves_the_destination_alone(tmp_path: Path):
    dest = tmp_path / "out"
    good = Staging(dest)
    good.write("index.html", b"good")
    good.publish()
    failed = Staging(dest)
    failed.write("index.html", b"half")
    failed.discard()
    assert (dest / "index.html").read_bytes() == b"good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("bad", ["../escape.html", "a/../../escape.html", "/etc/passwd"])
def test_paths_cannot_leave_the_staging_folder(tmp_path: Path, bad: str):
    staging = Staging(tmp_path / "out")
    with pytest.raises(ToolkitError, match="leaves the output folder"):
        staging.write(bad, b"x")
    staging.discard()
    assert not (tmp_path / "escape.html").exists()


def test_a_symlink_inside_staging_cannot_lead_outside(tmp_path: Path):
    staging = Staging(tmp_path / "out")
    (staging.root / "link").symlink_to(tmp_path)
    with pytest.raises(ToolkitError):
        staging.write("link/escape.html", b"x")
    staging.discard()
    assert not (tmp_path / "escape.html").exists()


def test_a_leftover_staging_folder_is_cleared(tmp_path: Path):
    leftover = tmp_path / ".out.staging"
    leftover.mkdir()
    (leftover / "stale.html").write_text("stale")
    staging = Staging(tmp_path / "out")
    staging.publish()
    assert not (tmp_path / "out/stale.html").exists()


def test_destination_checks(tmp_path: Path):
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    check_destination(project, project / "output")  # new folder: fine
    for bad, message in [
        (tmp_path, "would contain the project"),
        (project, "would contain the project"),
        (project / "content/out", "must not be inside content/"),
    ]:
        with pytest.raises(ToolkitError, match=message):
            check_destination(project, bad)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    with pytest.raises(ToolkitError, match="did not make"):
        check_destination(project, mine)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ToolkitError, match="not a folder"):
        check_destination(project, tmp_path / "file")


def test_a_link_where_a_file_goes_is_refused(tmp_path: Path):
    staging = Staging(tmp_path / "out")
    staging.write("a/index.html", b"first")
    (staging.root / "a/evil.html").symlink_to(tmp_path / "outside.html")
    with pytest.raises(ToolkitError, match="leaves the output folder"):
        staging.write("a/evil.html", b"x")
    staging.discard()
    assert not (tmp_path / "outside.html").exists()
