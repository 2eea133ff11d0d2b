"""One look at the project's files: what the build, the pages, the assets and the link check
share."""

from __future__ import annotations

import os

from tests.conftest import write_files
from toolkit.scan import scan


def test_a_scan_lists_files_and_links_in_a_stable_order(tmp_path):
    write_files(
        tmp_path,
        {
            "content/b.md": "b",
            "content/a/z.md": "z",
            "content/.hidden": "h",
            "themes/default/templates/page.html": "p",
            "elsewhere/outside.txt": "o",
        },
    )
    os.symlink(tmp_path / "content/b.md", tmp_path / "content/to-b.md")
    os.symlink(tmp_path / "elsewhere", tmp_path / "content/folder-link")
    os.symlink(tmp_path / "nowhere", tmp_path / "content/broken.md")
    seen = scan(tmp_path)
    names = [name for name, _ in seen.files]
    # A folder's files come before its sub-folders'; a folder reached by a link is not entered.
    assert names == [
        "content/.hidden",
        "content/b.md",
        "content/broken.md",
        "content/to-b.md",
        "content/a/z.md",
        "themes/default/templates/page.html",
    ]
    info = dict(seen.files)
    assert info["content/broken.md"] is None
    assert info["content/to-b.md"].st_ino == info["content/b.md"].st_ino
    assert seen.links == ("content/broken.md", "content/folder-link", "content/to-b.md")


def test_a_project_without_content_scans_empty(tmp_path):
    seen = scan(tmp_path)
    assert seen.files == () and seen.links == ()
