"""Loading the whole campaign: nothing is read through links out of the project."""

from __future__ import annotations

import pytest

from tests.conftest import write_files
from toolkit.errors import ToolkitError
from toolkit.site import load_site

SETTINGS = {"toolkit.yaml": "name: C\nbase_url: https://c.example.org/\n"}


@pytest.mark.parametrize("name", ["content/secret.md", "content/images", "themes/default"])
def test_links_out_of_the_project_are_refused(tmp_path, name):
    project = write_files(tmp_path / "p", {**SETTINGS, "content/index.md": "Hi\n"})
    outside = write_files(tmp_path / "outside", {"passwd.md": "root:x:0:0\n"})
    link = project / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside / "passwd.md" if name.endswith(".md") else outside)
    with pytest.raises(ToolkitError) as caught:
        load_site(project)
    assert [str(p) for p in caught.value.problems] == [
        f"{name}: error: symbolic link leads out of the project"
    ]


def test_links_inside_the_project_are_fine(tmp_path):
    project = write_files(tmp_path, {**SETTINGS, "content/images/logo.svg": "<svg/>"})
    (project / "content/logo.svg").symlink_to(project / "content/images/logo.svg")
    site = load_site(project)
    assert {a.as_posix() for a in site.assets} == {"images/logo.svg", "logo.svg"}


def test_private_files_are_not_assets(tmp_path):
    project = write_files(
        tmp_path,
        {
            **SETTINGS,
            "content/.env": "SECRET=1",
            "content/.git/config": "[core]",
            "content/images/.DS_Store": "x",
            "content/images/map.svg": "<svg/>",
            "content/champions/a.yaml": "- name: A\n",
            "content/champions/notes.txt": "kept",
        },
    )
    assets = {a.as_posix() for a in load_site(project).assets}
    assert assets == {"images/map.svg", "champions/notes.txt"}


def test_a_roster_in_a_sub_folder_is_never_published_and_is_pointed_out(tmp_path):
    project = write_files(
        tmp_path,
        {
            **SETTINGS,
            "content/champions/a.yaml": "- name: A\n",
            "content/champions/east/b.yml": "- name: B\n  email: b@example.org\n",
            "content/champions/east/logo.svg": "<svg/>",
        },
    )
    site = load_site(project)
    assert {a.as_posix() for a in site.assets} == {"champions/east/logo.svg"}
    assert [c.name for c in site.champions] == ["A"]
    assert [str(w) for w in site.warnings] == [
        "content/champions/east/b.yml: warning: not read as a roster: "
        "roster files go directly in content/champions/"
    ]
