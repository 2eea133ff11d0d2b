"""README documents every settings key and roster field the loaders accept."""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import REPO
from toolkit.roster import Champion
from toolkit.settings import Settings

README = (REPO / "README.md").read_text(encoding="utf-8")
SETTINGS_SECTION = README.split("### `toolkit.yaml`")[1].split("### ")[0]
ROSTER_SECTION = README.split("### Rosters")[1].split("### ")[0]


@pytest.mark.parametrize(
    "name", [f.name for f in dataclasses.fields(Settings) if f.name != "source"]
)
def test_every_setting_is_documented(name):
    assert f"\n{name}:" in SETTINGS_SECTION, name


@pytest.mark.parametrize(
    "name",
    [f.name for f in dataclasses.fields(Champion) if f.name not in ("source", "written", "digest")],
)
def test_every_roster_field_is_documented(name):
    assert f" {name}:" in ROSTER_SECTION, name
