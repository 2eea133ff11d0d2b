"""`toolkit build`: load, plan, render, write; only what changed since the last build is made."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from toolkit import state
from toolkit.output import check_destination
from toolkit.scan import scan
from toolkit.settings import load_settings
from toolkit.state import Report
from toolkit.survey import Survey

Progress = Callable[[int, int], None]
"""Called with (done, total) while outputs are written."""


def output_folder_of(project: Path, setting: str, override: Path | None) -> Path:
    """Return the folder a build writes to: `override`, else the settings' `output`."""
    return (override if override is not None else project / setting).resolve()


@contextlib.contextmanager
def _collections_held() -> Iterator[None]:
    """Look for garbage reference cycles only once a build has loaded and planned.

    A build holds hundreds of thousands of long-lived objects (pages, champions, the plan), and
    Python's collector would go through them again and again while they are being made: a
    tenth of a one-entry rebuild of 10,000 champions. Loading and planning make no cycles, so
    the collector waits until `make.collect_again`, which also sets what was loaded aside for
    good (`gc.freeze`): forked workers then never touch it either. From there on cycles are
    collected after every 100,000 new objects rather than every 700, and the older
    generations after 50 younger collections rather than 10.
    """
    enabled, before = gc.isenabled(), gc.get_threshold()
    gc.disable()
    gc.set_threshold(100_000, 50, 50)
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
        if enabled:
            gc.enable()
        else:
            gc.disable()


@_collections_held()
def run(
    project: Path,
    output: Path | None = None,
    progress: Progress | None = None,
    *,
    pdfs: bool = True,
    kits: bool = True,
) -> Report:
    """Build `project`; on any error the previous output is left exactly as it was.

    `pdfs` and `kits` make the print kits' PDFs and the champions' kit.zip files.
    """
    started = time.perf_counter()
    project = project.resolve()
    settings = load_settings(project)
    dest = output_folder_of(project, settings.output, output)
    check_destination(project, dest)
    previous = state.load_state(project, dest)
    # Whether the last build's files are all still there is looked at while the project is.
    survey = Survey.start(dest, state.recorded_paths(previous))
    try:
        return _build(
            project, dest, previous, survey, progress, pdfs=pdfs, kits=kits, started=started
        )
    finally:
        survey.close()


def _build(
    project: Path,
    dest: Path,
    previous: dict,
    survey: Survey,
    progress: Progress | None,
    *,
    pdfs: bool,
    kits: bool,
    started: float,
) -> Report:
    seen = scan(project)
    fingerprint = state.fingerprint(seen, dest, pdfs=pdfs, kits=kits)
    if previous.get("fingerprint") == fingerprint and not survey.gone():
        # Not one file of the project changed since the last build into `dest`.
        summary = previous["summary"]
        return Report(
            output=dest,
            pages=summary["pages"],
            champions=summary["champions"],
            files=summary["files"],
            seconds=time.perf_counter() - started,
            pdfs=summary["pdfs"],
            pdfs_reused=summary["pdfs"],
            unchanged=summary["files"] - 1,  # every file but the folder's marker
            warnings=tuple(state.problem(p) for p in summary["warnings"]),
        )
    # Imported only when something is to be made: a build with nothing to do starts fast.
    from toolkit.make import make

    return make(
        seen, dest, previous, survey, fingerprint, progress, pdfs=pdfs, kits=kits, started=started
    )
