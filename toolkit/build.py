"""`toolkit build`: load, plan, render, write."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from toolkit.errors import Problem, Problems
from toolkit.output import Staging, check_destination
from toolkit.plan import Output, Plan, make_plan
from toolkit.printkit import Job, PdfCache, cache_key, render_all
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
    pdfs: int = 0
    pdfs_reused: int = 0
    warnings: tuple[Problem, ...] = field(default=())


def output_folder(site: Site, override: Path | None) -> Path:
    """Return the folder a build of `site` writes to."""
    return (override if override is not None else site.project / site.settings.output).resolve()


def plan_site(site: Site, *, pdfs: bool = True) -> Plan:
    """Return the plan of `site`, raising on paths claimed twice."""
    plan, problems = make_plan(site, pdfs=pdfs)
    problems.raise_if_errors()
    return plan


def run(
    project: Path,
    output: Path | None = None,
    progress: Progress | None = None,
    *,
    pdfs: bool = True,
) -> Report:
    """Build `project`; on any error the previous output is left exactly as it was."""
    started = time.perf_counter()
    site = load_site(project)
    plan = plan_site(site, pdfs=pdfs)
    dest = output_folder(site, output)
    check_destination(site.project, dest)
    renderer = Renderer(site, plan)
    cache = PdfCache(site.project)
    staging = Staging(dest)
    counter = _Counter(len(plan.outputs), progress)
    try:
        # PDFs first: the microsites list each PDF's page count.
        prints = [o for o in plan.outputs if o.kind == "pdf"]
        reused = make_pdfs(renderer, prints, staging, cache, counter)
        for item in plan.outputs:
            if item.kind == "pdf":
                continue
            if item.file is not None:
                staging.copy(item.path, item.file)
            else:
                staging.write(item.path, renderer.render(item))
            counter.step()
        found = Problems()
        found.extend(renderer.problems)
        found.raise_if_errors()
        staging.publish()
    except BaseException:
        staging.discard()
        raise
    if pdfs:
        cache.prune()
    return Report(
        output=dest,
        pages=sum(1 for o in plan.outputs if o.path.suffix == ".html" and o.kind != "alias"),
        champions=len(site.champions),
        files=len(plan.outputs) + 1,
        seconds=time.perf_counter() - started,
        pdfs=len(prints),
        pdfs_reused=reused,
        warnings=(*site.warnings, *renderer.problems),
    )


def make_pdfs(
    renderer: Renderer,
    prints: list[Output],
    staging: Staging,
    cache: PdfCache,
    counter: _Counter,
) -> int:
    """Write every planned PDF, from the cache when nothing in it changed; return how many."""
    digests: dict[Path, str] = {}

    def digest(path: Path) -> str:
        if path not in digests:
            digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return digests[path]

    jobs: list[Job] = []
    waiting: list[tuple[PurePosixPath, str]] = []
    reused = 0
    for item in prints:
        job = renderer.print_job(item)
        key = cache_key(job, digest)
        hit = cache.get(key)
        if hit is None:
            jobs.append(job)
            waiting.append((item.path, key))
            continue
        staging.copy(item.path, hit[0])
        renderer.page_counts[item.path] = hit[1]
        reused += 1
        counter.step()
    for index, data, pages in render_all(jobs):
        path, key = waiting[index]
        cache.put(key, data, pages)
        staging.write(path, data)
        renderer.page_counts[path] = pages
        counter.step()
    return reused


class _Counter:
    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress

    def step(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)
