"""`toolkit update`: the campaign's changes come in; a partner's edits are never lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import snapshot
from toolkit.fork import fetch_kit


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def forked(project, run_toolkit, tmp_path) -> tuple[Path, Path]:
    upstream = project("campaign")
    mine = tmp_path / "mine"
    result = run_toolkit("fork", upstream, mine, "--champion", "riverside-chamber")
    assert result.exit_code == 0, result.stderr
    return upstream, mine


def local_edits(mine: Path) -> None:
    edit(mine / "content/about.md", "Smart", "Our very own smart")
    edit(
        mine / "content/kit/press-release.md",
        "# {{ champion.name }} brings",
        "# Big news: {{ champion.name }} brings",
    )
    edit(mine / "content/kit/social-posts.md", "#TestSaturday", "#TestSaturday #Riverside")
    edit(
        mine / "content/champions/riverside-chamber.yaml",
        "walk it with us",
        "walk Main Street with us",
    )
    edit(mine / "content/secret.md", "Unfinished.", "Our draft, half done.")
    (mine / "content/ours.md").write_text("---\ntitle: Ours\n---\nOnly ours.\n")
    (mine / "themes/default/templates").mkdir(parents=True)
    (mine / "themes/default/templates/page.html").write_text(
        '{% extends "base.html" %}{% block main %}'
        '<div class="ours">{{ page.content }}</div>{% endblock %}'
    )


def upstream_edits(upstream: Path) -> None:
    edit(
        upstream / "content/kit/press-release.md",
        "# {{ champion.name }} brings",
        "# Today {{ champion.name }} brings",
    )
    edit(
        upstream / "content/kit/social-posts.md",
        "title: Social posts",
        "title: Posts for social media",
    )
    edit(upstream / "content/champions/east.yaml", "Courthouse Square", "City Park")
    edit(upstream / "content/guides/faq.md", "Answer.", "A better answer.")
    (upstream / "content/kit/new-piece.md").write_text("---\ntitle: New piece\n---\nNew.\n")
    (upstream / "content/kit/proclamation.md").unlink()
    (upstream / "content/secret.md").unlink()


def test_update_keeps_every_local_edit_and_brings_in_the_rest(forked, run_toolkit):
    upstream, mine = forked
    local_edits(mine)
    upstream_edits(upstream)
    kept = {
        path: (mine / path).read_bytes()
        for path in (
            "content/about.md",
            "content/kit/press-release.md",
            "content/ours.md",
            "content/secret.md",
            "themes/default/templates/page.html",
        )
    }
    theirs, _, _ = fetch_kit(str(upstream), "riverside-chamber")

    before = snapshot(mine)
    dry = run_toolkit("update", mine, "--dry-run")
    assert dry.exit_code == 1  # a conflict would remain
    assert snapshot(mine) == before

    result = run_toolkit("update", mine)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("conflict  content/kit/press-release.md") for line in lines)
    assert any(line.startswith("merged    content/kit/social-posts.md") for line in lines)
    assert any(
        line.startswith("merged    content/champions/riverside-chamber.yaml") for line in lines
    )
    assert any(line.startswith("updated   content/guides/faq.md") for line in lines)
    assert any(line.startswith("added     content/kit/new-piece.md") for line in lines)
    assert any(line.startswith("removed   content/kit/proclamation.md") for line in lines)
    assert any(line.startswith("kept      content/secret.md") for line in lines)
    assert "content/kit/press-release.md.upstream" in result.stderr

    # Local edits: byte for byte as the partner left them.
    for path, data in kept.items():
        assert (mine / path).read_bytes() == data, path
    # Overlapping edits: both versions kept, side by side.
    assert (mine / "content/kit/press-release.md.upstream").read_bytes() == theirs[
        "content/kit/press-release.md"
    ]
    # Untouched files: upstream's new version.
    assert (mine / "content/guides/faq.md").read_bytes() == theirs["content/guides/faq.md"]
    assert (mine / "content/kit/new-piece.md").read_bytes() == theirs["content/kit/new-piece.md"]
    assert not (mine / "content/kit/proclamation.md").exists()
    # Changes that do not overlap are merged: both sides are there.
    posts = (mine / "content/kit/social-posts.md").read_text()
    assert "title: Posts for social media" in posts and "#TestSaturday #Riverside" in posts
    entry = (mine / "content/champions/riverside-chamber.yaml").read_text()
    assert "City Park" in entry and "walk Main Street with us" in entry

    # The fork still builds, and says the conflict is open.
    built = run_toolkit("build", mine, "--no-print")
    assert built.exit_code == 0, built.stderr
    assert "unresolved update conflict" in built.stderr
    assert not (mine / "output/kit/press-release.md.upstream").exists()
    assert "A better answer." in (mine / "output/guides/faq/index.html").read_text()

    # Resolved by hand: the next update has nothing left to do and succeeds.
    (mine / "content/kit/press-release.md.upstream").unlink()
    again = run_toolkit("update", mine)
    assert again.exit_code == 0, again.stderr
    assert again.output.startswith("0 files changed")
    for path, data in kept.items():
        assert (mine / path).read_bytes() == data, path


def test_an_untouched_fork_simply_follows_upstream(forked, run_toolkit):
    upstream, mine = forked
    upstream_edits(upstream)
    result = run_toolkit("update", mine)
    assert result.exit_code == 0, result.stderr
    theirs, _, _ = fetch_kit(str(upstream), "riverside-chamber")
    for path, data in theirs.items():
        assert (mine / path).read_bytes() == data, path


def test_update_from_a_new_kit_zip(forked, project, run_toolkit, tmp_path):
    upstream, mine = forked
    upstream_edits(upstream)
    out = tmp_path / "site"
    assert run_toolkit("build", upstream, "-o", out, "--no-print").exit_code == 0
    result = run_toolkit("update", mine, "--from", out / "champions/riverside-chamber/kit.zip")
    assert result.exit_code == 0, result.stderr
    assert "A better answer." in (mine / "content/guides/faq.md").read_text()
    assert "kit.zip" in (mine / ".toolkit/upstream.json").read_text()


def test_update_outside_a_fork_changes_nothing(project, run_toolkit):
    plain = project("minimal")
    before = snapshot(plain)
    result = run_toolkit("update", plain)
    assert result.exit_code == 1
    assert "is not a fork (no .toolkit/upstream.json)" in result.stderr
    assert snapshot(plain) == before


def test_a_tampered_base_is_refused(forked, run_toolkit):
    upstream, mine = forked
    upstream_edits(upstream)
    (mine / ".toolkit/base/content/guides/faq.md").write_text("tampered")
    before = snapshot(mine)
    result = run_toolkit("update", mine)
    assert result.exit_code == 1
    assert "the recorded base of content/guides/faq.md is missing or changed" in result.stderr
    assert snapshot(mine) == before
