"""The record of the last build: what a rebuild takes from it."""

from __future__ import annotations

from pathlib import PurePosixPath

from toolkit import state
from toolkit.errors import Location
from toolkit.plan import Output

HERE = Location(PurePosixPath("content/champions/east.yaml"), 1, 3)


def outputs() -> list[Output]:
    folder = "champions/riverside/"
    return [
        Output(path=f"{folder}index.html", kind="microsite", origin=HERE, champion="riverside"),
        Output(path=f"{folder}poster-a4.pdf", kind="pdf", origin=HERE, champion="riverside"),
        Output(path=f"{folder}share.png", kind="share-image", origin=HERE, champion="riverside"),
    ]


def test_a_champions_outputs_come_back_from_the_record_as_they_went_in():
    made = {
        "champions/riverside/index.html": ["d1", None],
        "champions/riverside/poster-a4.pdf": ["d2", 2],
        "champions/riverside/share.png": [None, None],  # made again by every build
    }
    record = state.unit_record("unit", outputs(), made)
    previous = {"outputs": {"index.html": ["d0", None]}, "units": {"riverside": record}}

    assert state.recorded_outputs(previous) == {"index.html": ["d0", None], **made}
    assert state.recorded_paths(previous) == ["index.html", *made]
    assert state.recorded_outputs(previous, skip={"riverside"}) == {"index.html": ["d0", None]}
    # One output without a digest: they are never kept whole.
    assert record[0] is None
    assert state.kept_units(previous, {"riverside": "unit"}) == {}


def test_a_champion_kept_whole_says_what_they_made():
    made = {o.path: [f"d{i}", 1 if o.kind == "pdf" else None] for i, o in enumerate(outputs())}
    previous = {"outputs": {}, "units": {"riverside": state.unit_record("unit", outputs(), made)}}

    (kept,) = state.kept_units(previous, {"riverside": "unit"}).values()

    assert kept.paths() == list(made)
    assert (kept.count, kept.pages, kept.pdfs) == (3, 1, 1)
    assert kept.listed_paths() == ["champions/riverside/index.html"]
    assert state.kept_units(previous, {"riverside": "changed"}) == {}
