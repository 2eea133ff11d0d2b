"""`toolkit build`: load, plan, render, write."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import Problem
from toolkit.output import Staging, check_destination
from toolkit.plan import Plan, make_plan
from toolkit.render import Renderer
from toolkit.site import Site, load_site

Progress = Callable[[int, int], None]
"""Called with (done, total) while outputs are written."""


@dataclass(frozen=True, slots=True)
class Report:
    """What a build did, for the summary line."""

    output: Path
    pages: int
    champions: int
    files: int
    seconds: float
    warnings: tuple[Problem, ...] = field(default=())


def output_folder(site: Site, override: Path | None) -> Path:
    """Return the folder a build of `site` writes to."""
    return (override if override is not None else site.project / site.settings.output).resolve()


def plan_site(site: Site) -> Plan:
    """Return the plan of `site`, raising on paths claimed twice."""
    plan, problems = make_plan(site)
    problems.raise_if_errors()
    return plan


def run(project: Path, output: Path | None = None, progress: Progress | None = None) -> Report:
    """Build `project`; on any error the previous output is left exactly as it was."""
    started = time.perf_counter()
    site = load_site(project)
    plan = plan_site(site)
    dest = output_folder(site, output)
    check_destination(site.project, dest)
    renderer = Renderer(site, plan)
    staging = Staging(dest)
    try:
        total = len(plan.outputs)
        for done, item in enumerate(plan.outputs, 1):
            if item.file is not None:
                staging.copy(item.path, item.file)
            else:
                staging.write(item.path, renderer.render(item))
            if progress is not None:
                progress(done, total)
        staging.publish()
    except BaseException:
        staging.discard()
        raise
    pages = sum(1 for o in plan.outputs if o.path.suffix == ".html" and o.kind != "alias")
    return Report(
        output=dest,
        pages=pages,
        champions=len(site.champions),
        files=len(plan.outputs) + 1,
        seconds=time.perf_counter() - started,
        warnings=(*site.warnings, *renderer.warnings),
    )
