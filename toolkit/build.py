"""`toolkit build`: load, plan, render, write; only what changed since the last build is made."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from toolkit import __version__
from toolkit.digests import input_digests, output_digest
from toolkit.errors import Problem, Problems
from toolkit.output import MARKER, Staging, check_destination
from toolkit.plan import Output, Plan, make_plan
from toolkit.printkit import Job, PdfCache, cache_key, render_all
from toolkit.render import SHARE_CACHE, Renderer
from toolkit.site import Site, load_site

Progress = Callable[[int, int], None]
"""Called with (done, total) while outputs are written."""

STATE_FOLDER = ".toolkit-cache"


def state_file(project: Path, dest: Path) -> Path:
    """Where what the last build into `dest` made is kept: each output's digest and page count."""
    name = hashlib.sha256(str(dest).encode("utf-8")).hexdigest()[:16]
    return project / STATE_FOLDER / f"outputs-{name}.json"


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
    unchanged: int = 0
    """Outputs taken as they were from the previous build."""
    warnings: tuple[Problem, ...] = field(default=())


def output_folder(site: Site, override: Path | None) -> Path:
    """Return the folder a build of `site` writes to."""
    return (override if override is not None else site.project / site.settings.output).resolve()


def plan_site(site: Site, *, pdfs: bool = True, kits: bool = True) -> Plan:
    """Return the plan of `site`, raising on paths claimed twice."""
    plan, problems = make_plan(site, pdfs=pdfs, kits=kits)
    problems.raise_if_errors()
    return plan


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
    site = load_site(project)
    plan = plan_site(site, pdfs=pdfs, kits=kits)
    dest = output_folder(site, output)
    check_destination(site.project, dest)
    renderer = Renderer(site, plan)
    found = Problems()
    found.extend(renderer.prepare())
    found.raise_if_errors()
    digests = input_digests(site)
    previous = _load_state(site.project, dest)
    made: dict[str, list] = {}
    cache = PdfCache(site.project)
    staging = Staging(dest)
    step = _Counter(len(plan.outputs), progress).step
    reused = 0
    try:
        # PDFs first: the microsites list each PDF's page count.
        prints = [o for o in plan.outputs if o.kind == "pdf"]
        remake = []
        for item in prints:
            digest = output_digest(item, digests)
            if _keep(item, digest, previous, dest, staging, made):
                renderer.page_counts[item.path] = made[item.path.as_posix()][1]
                step()
            else:
                remake.append((item, digest))
        reused = make_pdfs(renderer, remake, staging, cache, step, made)
        for item in plan.outputs:
            if item.kind == "pdf":
                continue
            digest = output_digest(item, digests)
            if not _keep(item, digest, previous, dest, staging, made):
                if item.file is not None:
                    staging.copy(item.path, item.file)
                else:
                    staging.write(item.path, renderer.render(item))
                made[item.path.as_posix()] = [digest, None]
            step()
        staging.publish()
    except BaseException:
        staging.discard()
        raise
    _save_state(site.project, dest, made)
    if pdfs:
        cache.prune()
    prune_share_cache(site.project, renderer, partial=bool(staging.linked))
    return Report(
        output=dest,
        pages=sum(1 for o in plan.outputs if o.path.suffix == ".html" and o.kind != "alias"),
        champions=len(site.champions),
        files=len(plan.outputs) + 1,
        seconds=time.perf_counter() - started,
        pdfs=len(prints),
        pdfs_reused=len(prints) - len(remake) + reused,
        unchanged=len(staging.linked),
        warnings=(*site.warnings, *found.items),
    )


def _keep(
    item: Output,
    digest: str | None,
    previous: dict[str, list],
    dest: Path,
    staging: Staging,
    made: dict[str, list],
) -> bool:
    """Take an output from the previous build when nothing it is made from has changed."""
    key = item.path.as_posix()
    before = previous.get(key)
    if digest is None or before is None or before[0] != digest:
        return False
    if not staging.link(item.path, dest / item.path):
        return False
    made[key] = before
    return True


def make_pdfs(
    renderer: Renderer,
    prints: list[tuple[Output, str | None]],
    staging: Staging,
    cache: PdfCache,
    step: Callable[[], None],
    made: dict[str, list],
) -> int:
    """Write the PDFs that changed, from the cache when one was made before; return how many."""
    digests: dict[Path, str] = {}

    def digest(path: Path) -> str:
        if path not in digests:
            digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return digests[path]

    jobs: list[Job] = []
    waiting: list[tuple[PurePosixPath, str, str | None]] = []
    reused = 0
    for item, output_key in prints:
        job = renderer.print_job(item)
        key = cache_key(job, digest)
        hit = cache.get(key)
        if hit is None:
            jobs.append(job)
            waiting.append((item.path, key, output_key))
            continue
        staging.copy(item.path, hit[0])
        renderer.page_counts[item.path] = hit[1]
        made[item.path.as_posix()] = [output_key, hit[1]]
        reused += 1
        step()
    for index, data, pages in render_all(jobs):
        path, key, output_key = waiting[index]
        cache.put(key, data, pages)
        staging.write(path, data)
        renderer.page_counts[path] = pages
        made[path.as_posix()] = [output_key, pages]
        step()
    return reused


def _load_state(project: Path, dest: Path) -> dict[str, list]:
    """Return what the last build into `dest` made, or nothing if that is not known for sure."""
    try:
        state = json.loads(state_file(project, dest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(state, dict)
        or state.get("version") != __version__
        or state.get("output") != str(dest)
        or not (dest / MARKER).is_file()
        or state.get("stamp") != _stamp(dest)
    ):
        return {}
    outputs = state.get("outputs")
    return outputs if isinstance(outputs, dict) else {}


def _save_state(project: Path, dest: Path, made: dict[str, list]) -> None:
    file = state_file(project, dest)
    file.parent.mkdir(parents=True, exist_ok=True)
    state = {"version": __version__, "output": str(dest), "stamp": _stamp(dest), "outputs": made}
    temporary = file.with_suffix(".tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    os.replace(temporary, file)


def _stamp(dest: Path) -> int | None:
    # The marker is new in every build: a folder swapped in by someone else will not match.
    try:
        return (dest / MARKER).stat().st_ino
    except OSError:
        return None


class _Counter:
    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress

    def step(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def prune_share_cache(project: Path, renderer: Renderer, *, partial: bool) -> None:
    """Forget cached share images this build did not draw or use (after a full build only)."""
    folder = project / SHARE_CACHE
    if partial or not folder.is_dir():
        return  # an incremental build did not look at every image
    for file in folder.iterdir():
        if file not in renderer.share_cache_used:
            file.unlink(missing_ok=True)
