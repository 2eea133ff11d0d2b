"""Pages kept in the build cache: a rebuild reads only the Markdown files that changed."""

from __future__ import annotations

import json
import os
import time
from dataclasses import fields
from pathlib import Path

import pytest

from tests.conftest import write_files
from tests.test_cachefile import cached_entries, shard_file
from toolkit import build, cachefile, pagecache
from toolkit.errors import Problems, ToolkitError
from toolkit.pagecache import JsonPageCache
from toolkit.pages import Page, load_pages
from toolkit.state import STATE_FOLDER

FILES = {
    "content/about.md": "---\ntitle: About us\norder: 2\nextra: {colour: blue, n: [1, 2.5]}\n"
    "date: 2026-11-01\n---\n\nWe *shop* local.\n",
    "content/kit/poster.md": "---\nkinds: [chamber]\n---\n# Poster\n\nHello {{ champion.name }}\n",
    "content/about.es.md": "---\ntitle: Nosotros\n---\nHola.\n",
    # Every field away from its default, so that one kept in the wrong place shows.
    "content/print/window.md": "---\ntitle: Window sign\ndescription: For the door\n"
    "layout: sign\norder: 4\ndraft: true\nnav: true\nnav_title: Sign\ndate: 2026-10-02\n"
    "kinds: [business, mayor]\nimage: art/sign.png\nsizes: [a4, letter]\nextra: {x: 1}\n"
    "---\n\n\nSign here.\n",
}
LANGUAGES = ("en", "es")
AN_HOUR_AGO = time.time() - 3600


def age(project: Path) -> None:
    """Date every content file an hour back: a file saved a moment ago is never trusted."""
    for file in (project / "content").rglob("*.md"):
        os.utime(file, (AN_HOUR_AGO, AN_HOUR_AGO))


def load(project: Path, problems: Problems | None = None):
    return load_pages(project, LANGUAGES, problems, JsonPageCache(project, LANGUAGES))


def cached(project: Path) -> set[str]:
    return set(cached_entries(project / STATE_FOLDER / "pages"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write_files(tmp_path, FILES)
    age(tmp_path)
    return tmp_path


def test_pages_taken_from_the_cache_equal_pages_read_from_their_files(site):
    fresh = load_pages(site, LANGUAGES)
    load(site)  # fills the cache
    again = load(site)

    assert again == fresh
    assert [p.markdown for p in again] == [None] * len(again)  # not read until needed
    assert [p.body for p in again] == [p.body for p in fresh]
    assert cached(site) == set(FILES)


def test_the_cache_keeps_every_field_of_a_page():
    kept = {*pagecache._FIELDS, *pagecache._ELSEWHERE}

    assert sorted(kept) == sorted(f.name for f in fields(Page))
    assert len(kept) == len(pagecache._FIELDS) + len(pagecache._ELSEWHERE)


def test_an_edited_page_is_read_again(site):
    load(site)
    about = site / "content/about.md"
    about.write_text(FILES["content/about.md"].replace("About us", "Who we are"), "utf-8")
    age(site)

    found = {p.path.name: p for p in load(site)}
    assert found["about.md"].title == "Who we are"


def test_a_page_saved_a_moment_ago_is_not_kept(site):
    (site / "content/new.md").write_text("# New\n", encoding="utf-8")
    load(site)
    assert "content/new.md" not in cached(site)
    assert "content/about.md" in cached(site)


def test_a_deleted_page_is_forgotten(site):
    load(site)
    (site / "content/kit/poster.md").unlink()

    assert [p.name for p in load(site)] == ["window", "about", "about"]
    assert "content/kit/poster.md" not in cached(site)


def test_a_page_with_a_warning_is_read_again_so_the_warning_is_repeated(site):
    write_files(site, {"content/hello.fr.md": "Bonjour.\n"})
    age(site)
    for _ in range(2):
        problems = Problems()
        load(site, problems)
        assert ["'fr' is not one of" in p.message for p in problems.items] == [True]
    assert "content/hello.fr.md" not in cached(site)


def test_a_change_of_languages_reads_every_page_again(site):
    load(site)
    languages = ("en", "fr")
    problems = Problems()
    found = load_pages(site, languages, problems, JsonPageCache(site, languages))

    spanish = next(p for p in found if p.path.name == "about.es.md")
    assert (spanish.lang, spanish.default_language) == ("en", True)
    assert ["'es' is not one of" in p.message for p in problems.items] == [True]


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"version": "0", "pages": {}}',
        json.dumps({"pages": {"content/about.md": [[1, 2, 3, 4], {"title": 5}]}}),
    ],
)
def test_a_damaged_cache_is_ignored(site, text):
    cache = shard_file(site / STATE_FOLDER / "pages", "content/about.md")
    load(site)
    data = json.loads(cache.read_text(encoding="utf-8"))
    if text.startswith("{") and "version" not in text:
        # Right header, hostile entry that claims the file's current stat.
        entry = data["entries"]["content/about.md"]
        data["entries"]["content/about.md"] = [entry[0], {"title": 5}]
        text = json.dumps(data)
    cache.write_text(text, encoding="utf-8")

    assert load(site) == load_pages(site, LANGUAGES)


def test_a_page_changed_while_the_build_reads_it_is_an_error_not_a_wrong_page(site):
    load(site)
    about = next(p for p in load(site) if p.path.name == "about.md")
    (site / "content/about.md").write_text("---\ntitle: About us\n---\nChanged.\n", "utf-8")

    with pytest.raises(ToolkitError, match="changed while the build was reading it"):
        _ = about.body


def test_a_build_after_an_edit_reads_only_the_edited_page(project, tmp_path, monkeypatch):
    source = project("campaign")
    age(source)
    build.run(source, tmp_path / "out", pdfs=False)
    about = source / "content/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    read: list[str] = []
    real = JsonPageCache.get

    def get(self, path, seen, key):
        page = real(self, path, seen, key)
        if page is None:
            read.append(path.as_posix())
        return page

    monkeypatch.setattr(JsonPageCache, "get", get)
    build.run(source, tmp_path / "out", pdfs=False)

    assert read == ["content/about.md"]
    assert "One more line." in (tmp_path / "out/about/index.html").read_text(encoding="utf-8")


def test_a_cache_that_cannot_be_saved_costs_only_speed(site):
    (site / STATE_FOLDER).mkdir()
    (site / STATE_FOLDER / "pages").write_text("")  # in the way of the folder

    assert load(site) == load_pages(site, LANGUAGES)
    assert [p.name for p in (site / STATE_FOLDER).iterdir()] == ["pages"]


def test_a_preview_building_again_reads_no_cache_file_for_unchanged_pages(site, monkeypatch):
    load(site)
    again = load(site)  # from the cache, and remembered
    read: list[int] = []
    real_shard = cachefile.CacheFile._shard
    monkeypatch.setattr(
        cachefile.CacheFile, "_shard", lambda self, n: read.append(n) or real_shard(self, n)
    )

    third = load(site)
    assert third == again
    assert read == []
    assert [p.markdown for p in third] == [None] * len(third)
    # A page whose body was read is not handed out again: it would hold its body for ever.
    _ = third[0].body
    assert load(site) == again
    assert read == [cachefile.shard_of(third[0].path.as_posix())]
