"""Themes: a project's `themes/<name>/` in front of the built-in default theme."""

from __future__ import annotations

import os

import pytest

from tests.conftest import REPO, write_files
from toolkit.errors import ToolkitError
from toolkit.resources import builtin_theme
from toolkit.templates import get_template, make_environment
from toolkit.themes import load_theme

BUILTIN = builtin_theme().resolve()


def test_default_theme_without_overrides_is_the_builtin_one(tmp_path):
    theme = load_theme(tmp_path, "default")

    assert theme.name == "default"
    assert theme.folders == (BUILTIN,)
    assert theme.template_dirs == (BUILTIN / "templates",)


def test_project_page_template_overrides_the_builtin_one(tmp_path):
    write_files(tmp_path, {"themes/default/templates/page.html": "<p>ours</p>"})
    env = make_environment(load_theme(tmp_path, "default"))

    page = get_template(env, "page.html", tmp_path)
    base = get_template(env, "base.html", tmp_path)

    assert page.filename == str((tmp_path / "themes/default/templates/page.html").resolve())
    assert page.render() == "<p>ours</p>"
    # Everything the project does not override still comes from the built-in theme.
    assert base.filename == str(BUILTIN / "templates/base.html")


def test_named_theme_falls_back_to_the_builtin_default(tmp_path):
    write_files(tmp_path, {"themes/civic/templates/home.html": "civic home"})

    theme = load_theme(tmp_path, "civic")

    assert theme.folders == ((tmp_path / "themes/civic").resolve(), BUILTIN)
    env = make_environment(theme)
    assert get_template(env, "home.html", tmp_path).render() == "civic home"
    assert get_template(env, "page.html", tmp_path).filename == str(BUILTIN / "templates/page.html")


def test_missing_named_theme_is_an_error(tmp_path):
    with pytest.raises(ToolkitError) as raised:
        load_theme(tmp_path, "civic")

    assert [str(p) for p in raised.value.problems] == [
        "toolkit.yaml: error: theme 'civic' not found: looked for themes/civic/ in the project"
    ]


def test_theme_folder_linking_outside_the_project_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    (outside / "templates").mkdir(parents=True)
    project = tmp_path / "project"
    (project / "themes").mkdir(parents=True)
    os.symlink(outside, project / "themes/civic")

    with pytest.raises(ToolkitError) as raised:
        load_theme(project, "civic")

    assert [str(p) for p in raised.value.problems] == [
        "themes/civic: error: theme is outside the project"
    ]


def test_the_repository_itself_uses_its_theme_once():
    # The repository root is the example campaign, so its own theme is the built-in one.
    assert load_theme(REPO, "default").folders == (BUILTIN,)


def test_project_static_file_overrides_the_builtin_one(tmp_path):
    write_files(
        tmp_path,
        {
            "themes/default/static/style.css": "body { color: red }",
            "themes/default/static/extra/logo.svg": "<svg/>",
            "themes/default/static/.DS_Store": "junk",
        },
    )

    files = {p.as_posix(): f for p, f in load_theme(tmp_path, "default").static_files().items()}

    assert files["style.css"] == tmp_path.resolve() / "themes/default/static/style.css"
    assert files["extra/logo.svg"] == tmp_path.resolve() / "themes/default/static/extra/logo.svg"
    assert files["site.js"] == BUILTIN / "static/site.js"
    assert ".DS_Store" not in files


def test_static_files_are_listed_in_a_stable_order(tmp_path):
    write_files(tmp_path, {"themes/default/static/b.css": "", "themes/default/static/a.css": ""})

    names = [p.as_posix() for p in load_theme(tmp_path, "default").static_files()]

    assert names == sorted(names)
