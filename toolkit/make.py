"""Making a build: plan, render and write what changed since the last one."""

from __future__ import annotations

import gc
import hashlib
import sys
import tempfile
import time
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from pathlib import Path

from toolkit.digests import input_digests, output_digest, unit_digests
from toolkit.errors import Problem, Problems, ToolkitError
from toolkit.output import Patch, Staging
from toolkit.pagecache import JsonPageCache
from toolkit.plan import PROJECT_FILES, Kept, Output, Plan, counts_as_page, kit_zips, make_plan
from toolkit.printkit import SUBSETTER_HINT, PdfCache, PdfMaker, cache_key
from toolkit.render import SHARE_CACHE, Renderer
from toolkit.rostercache import JsonRosterCache
from toolkit.scan import Scan
from toolkit.site import Site, load_site
from toolkit.state import (
    Report,
    kept_units,
    problem,
    record,
    recorded_digest,
    recorded_outputs,
    save_state,
    unit_record,
)
from toolkit.survey import Survey
from toolkit.workers import cores, in_workers

Progress = Callable[[int, int], None]
"""Called with (done, total) while outputs are written."""


def plan_site(
    site: Site, *, pdfs: bool = True, kits: bool = True, kept: Mapping[str, Kept] | None = None
) -> Plan:
    """Return the plan of `site`, raising on paths claimed twice."""
    plan, problems = make_plan(site, pdfs=pdfs, kits=kits, kept=kept)
    problems.raise_if_errors()
    return plan


def _plan_keeping(
    site: Site, pdfs: bool, kits: bool, previous: dict, kept: dict[str, Kept], survey: Survey
) -> tuple[Plan, dict[str, list]]:
    """Return the plan of `site` without the champions in `kept`, and the digest and page
    count the last build recorded for each output of the others.

    A champion one of whose files is gone from the folder is planned after all; so is everyone
    when a planned output claims a kept champion's path (the plan of all says which two claim
    it).
    """
    while kept:
        plan = plan_site(site, pdfs=pdfs, kits=kits, kept=kept)
        outputs = recorded_outputs(previous, skip=kept)
        # The last build's paths were each made once: only a path it did not make for the
        # campaign or a champion planned now can be a kept champion's.
        new = [path for path in plan.by_path if path not in outputs]
        if new:
            theirs = {path for unit in kept.values() for path in unit.paths()}
            if any(path in theirs for path in new):
                break
        gone = survey.gone()
        lost = {c for c, u in kept.items() if not gone.isdisjoint(u.paths())} if gone else ()
        if not lost:
            return plan, outputs
        kept = {c: u for c, u in kept.items() if c not in lost}
    return plan_site(site, pdfs=pdfs, kits=kits), recorded_outputs(previous)


def make(
    seen: Scan,
    dest: Path,
    previous: dict,
    survey: Survey,
    fingerprint: str,
    progress: Progress | None,
    *,
    pdfs: bool,
    kits: bool,
    started: float,
) -> Report:
    """Build the project `seen` into `dest`, taking from `previous` (the last build's state)
    what did not change and is still there (`survey`); on any error `dest` is left exactly as
    it was."""
    project = seen.project
    site = load_site(
        project,
        lambda settings: (
            JsonPageCache(project, settings.languages),
            JsonRosterCache(project, settings.languages),
        ),
        seen,
    )
    # Every project file is looked at only when a kit carries them.
    wanted = (PROJECT_FILES,) if site.champions and kit_zips(site, kits) else ()
    digests = input_digests(site, wanted, pdfs=pdfs)
    units = unit_digests(site, digests, pdfs=pdfs, kits=kits)
    plan, outputs = _plan_keeping(site, pdfs, kits, previous, kept_units(previous, units), survey)
    renderer = Renderer(site, plan, previous.get("theme"))
    known = {
        path: (key, tuple(map(problem, problems)) if problems else ())
        for path, (key, problems) in previous.get("pages", {}).items()
    }
    found = Problems()
    unchanged = [span for c, span in plan.units.items() if recorded_digest(previous, c) == units[c]]
    planned = plan.by_path
    stale = [p for p in outputs if p not in planned]
    staging = Patch(dest, stale) if outputs or plan.kept else Staging(dest)
    made: dict[str, list] = {}
    cache = PdfCache(site.project)
    kept = plan.kept.values()
    files = len(plan.outputs) + sum(unit.count for unit in kept)
    counter = _Counter(files, progress)
    step = counter.step
    try:
        checked = _checked(plan.outputs, digests, outputs, survey.gone(), unchanged)
        collect_again()
        for unit in kept:
            staging.keep_all(unit.count)
            counter.advance(unit.count)
        # PDFs first: the microsites list each PDF's page count.
        remake = []
        pending: list[tuple[Output, str | None]] = []
        for item, (digest, same) in zip(plan.outputs, checked, strict=True):
            if same:
                staging.keep(item.path)
                made[item.path] = outputs[item.path]
                if item.kind == "pdf":
                    renderer.page_counts[item.path] = outputs[item.path][1]
                step()
            elif item.kind == "pdf":
                remake.append((item, digest))
            elif item.file is not None:
                staging.copy(item.path, item.file)
                made[item.path] = [digest, None]
                step()
            else:
                pending.append((item, digest))
        parallel = len(pending) >= _PARALLEL_FROM and cores() > 1
        if not parallel:
            # Few outputs: every page's problems are known before anything is made.
            found.extend(renderer.prepare(known))
            found.raise_if_errors()
        reused, slow_fonts = make_pdfs(renderer, remake, staging, cache, step, made)
        if slow_fonts:
            found.warning(
                remake[0][0].origin,
                "PDFs are made several times slower than they need to be: WeasyPrint finds "
                "no HarfBuzz font subsetter on this machine",
                SUBSETTER_HINT,
            )
        render_outputs(renderer, [o for o, _ in pending], staging, step, parallel=parallel)
        if parallel:
            # The pages were converted where they were needed; any left are checked here.
            found.extend(renderer.prepare(known))
            found.raise_if_errors()
        for item, digest in pending:
            made[item.path] = [digest, None]
        staging.publish()
    except BaseException:
        staging.discard()
        raise
    records = _champion_records(plan, units, made, previous)
    warnings = (*site.warnings, *found.items)
    prints = sum(1 for item in plan.outputs if item.kind == "pdf") + sum(u.pdfs for u in kept)
    report = Report(
        output=dest,
        pages=sum(1 for o in plan.outputs if counts_as_page(o)) + sum(u.pages for u in kept),
        champions=len(site.champions),
        files=files + 1,
        seconds=time.perf_counter() - started,
        pdfs=prints,
        pdfs_reused=prints - len(remake) + reused,
        unchanged=staging.kept,
        warnings=warnings,
    )
    pages = {
        path: [renderer.conversion_key(page), [record(p) for p in problems]]
        for page in site.pages
        if (problems := renderer.page_problems.get(path := str(page.path))) is not None
    }
    summary = {
        "pages": report.pages,
        "champions": report.champions,
        "files": report.files,
        "pdfs": report.pdfs,
        "warnings": [record(p) for p in warnings],
    }
    save_state(site.project, dest, made, pages, summary, fingerprint, renderer.theme_key, records)
    if pdfs:
        cache.prune()
    prune_share_cache(site.project, renderer, partial=bool(staging.kept))
    return report


def _champion_records(
    plan: Plan, units: Mapping[str, str], made: dict[str, list], previous: dict
) -> dict[str, list]:
    """Return what the record keeps of each champion (`state.unit_record`), and take their
    outputs out of `made`, which then lists the campaign's own outputs one by one."""
    records = {
        c: unit_record(units[c], plan.outputs[span.start : span.stop], made)
        for c, span in plan.units.items()
    }
    # A champion kept whole has the record they had.
    records.update({c: previous["units"][c] for c in plan.kept})
    for span in plan.units.values():
        for item in plan.outputs[span.start : span.stop]:
            del made[item.path]
    return records


def collect_again() -> None:
    """Let Python look for garbage cycles again, now that the build has loaded and planned;
    what it holds so far is set aside for good, never looked through (see `build.run`)."""
    gc.freeze()
    gc.enable()


_PARALLEL_FROM = 400
"""From this many outputs to make, they are made by one process per core."""


def render_outputs(
    renderer: Renderer,
    outputs: list[Output],
    staging: Staging,
    step: Callable[[], None],
    *,
    parallel: bool = False,
) -> None:
    """Render `outputs` into `staging`; with `parallel`, over one process per core."""
    if not parallel:
        for item in outputs:
            staging.write(item.path, renderer.render(item))
            step()
        return
    global _WORK
    workers = cores()
    _WORK = (renderer, outputs, staging)
    chunks = _chunks(len(outputs), workers, 200)
    try:
        for problems, shares, count in in_workers(_render_chunk, chunks, workers):
            for path, found in problems.items():
                renderer.page_problems.setdefault(path, found)
            renderer.share_cache_used.update(shares)
            for _ in range(count):
                step()
    except _Failed as failed:
        raise ToolkitError(failed.args[0]) from None
    finally:
        _WORK = None


_WORK: tuple[Renderer, list[Output], Staging] | None = None


def _chunks(count: int, workers: int, most: int) -> list[range]:
    """Return the indexes of `count` items in runs of at most about `most`.

    Small shares keep the progress bar moving and let a build stop soon after a worker finds
    an error: the shares already started are finished first. Each is a run of neighbours in
    the plan, a few champions' outputs whole: what a worker works out for a champion (its
    QR code, its merge fields) serves all of them.
    """
    shares = min(count, max(workers * 8, -(-count // most)))
    size = -(-count // shares) if count else 1
    return [range(i, min(i + size, count)) for i in range(0, count, size)]


def _render_chunk(
    indexes: range,
) -> tuple[dict[str, tuple[Problem, ...]], set[Path], int]:
    assert _WORK is not None
    renderer, outputs, staging = _WORK
    try:
        for index in indexes:
            staging.write(outputs[index].path, renderer.render(outputs[index]))
    except ToolkitError as error:
        # Errors cross back to the parent as plain problems, raised there.
        raise _Failed(error.problems) from None
    # Each chunk sends back only what it found itself.
    problems, shares = dict(renderer.page_problems), set(renderer.share_cache_used)
    renderer.page_problems.clear()
    renderer.share_cache_used.clear()
    return problems, shares, len(indexes)


class _Failed(Exception):
    def __init__(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        super().__init__(list(problems))


def _checked(
    outputs: Sequence[Output],
    digests: Mapping[str, str],
    previous: dict[str, list],
    gone: Container[str],
    unchanged: Iterable[range] = (),
) -> list[tuple[str | None, bool]]:
    """Return each output's digest, and whether the last build's file can stay as it is: made
    from the same inputs, and still there (not `gone`).

    The outputs in `unchanged` (the runs of champions whose unit digest is as it was) have the
    digests they had: those are taken from `previous` rather than made again.
    """
    results: list[tuple[str | None, bool] | None] = [None] * len(outputs)
    for span in unchanged:
        befores = [previous.get(outputs[index].path) for index in span]
        if None in befores:
            continue  # not all made by the last build: each is looked at below
        for index, before in zip(span, befores, strict=True):
            path = outputs[index].path
            results[index] = (before[0], before[0] is not None and path not in gone)
    for index, item in enumerate(outputs):
        if results[index] is not None:
            continue
        digest = output_digest(item, digests)
        before = previous.get(item.path)
        same = (
            digest is not None
            and before is not None
            and before[0] == digest
            and item.path not in gone
        )
        results[index] = (digest, same)
    return results  # type: ignore[return-value]


def make_pdfs(
    renderer: Renderer,
    prints: list[tuple[Output, str | None]],
    staging: Staging,
    cache: PdfCache,
    step: Callable[[], None],
    made: dict[str, list],
) -> tuple[int, bool]:
    """Write the PDFs that changed, from the cache when one was made before; return how many
    came from the cache, and whether WeasyPrint made any without HarfBuzz's font subsetter
    (`subsetter_missing`). Processes forked for the purpose, one per core, make them: each
    takes its share of the documents from their HTML to the file in the cache and the output.
    """
    global _PDF_WORK, _MAKER
    reused, slow_fonts = 0, False

    def collect(chunk: tuple[list[tuple[int, Path, int, bool]], bool]) -> None:
        nonlocal reused, slow_fonts
        results, slow = chunk
        slow_fonts |= slow
        for index, file, pages, hit in results:
            item, output_key = prints[index]
            cache.used.add(file)
            renderer.page_counts[item.path] = pages
            made[item.path] = [output_key, pages]
            reused += hit
            step()

    if not prints:
        return 0, False
    _PDF_WORK = (renderer, [item for item, _ in prints], staging, cache, {})
    # WeasyPrint copies the fonts into a temporary folder for each maker, removed only when
    # the maker is garbage: the workers make theirs here, and it goes when the PDFs are done.
    with tempfile.TemporaryDirectory(prefix="toolkit-pdf-") as scratch:
        try:
            # Only Linux forks a process that has loaded Pango and fontconfig without risk.
            if cores() < 2 or sys.platform != "linux":
                collect(_make_pdf_chunk(range(len(prints))))
                return reused, slow_fonts
            workers = min(cores(), len(prints))
            chunks = _chunks(len(prints), workers, 10)
            for results in in_workers(_make_pdf_chunk, chunks, workers, _use_scratch, (scratch,)):
                collect(results)
            return reused, slow_fonts
        except _Failed as failed:
            raise ToolkitError(failed.args[0]) from None
        finally:
            _PDF_WORK = None
            if _MAKER is not None:
                _MAKER = None
                gc.collect()  # the maker's fonts are in reference cycles


_PDF_WORK: tuple[Renderer, list[Output], Staging, PdfCache, dict[Path, str]] | None = None
_MAKER: PdfMaker | None = None


def _use_scratch(scratch: str) -> None:
    tempfile.tempdir = scratch


def _make_pdf_chunk(indexes: range) -> tuple[list[tuple[int, Path, int, bool]], bool]:
    """Make the PDFs at `indexes`; return each one's index, cache file, pages and whether it
    came from the cache, and whether any was made without HarfBuzz's font subsetter."""
    global _MAKER
    assert _PDF_WORK is not None
    renderer, outputs, staging, cache, digests = _PDF_WORK

    def digest(path: Path) -> str:
        if path not in digests:
            try:
                digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                # A print template's own theme may name a file it does not have: WeasyPrint
                # leaves it out, and the PDF is made again once the file is there.
                digests[path] = "missing"
        return digests[path]

    results = []
    try:
        for index in indexes:
            item = outputs[index]
            job = renderer.print_job(item)
            key = cache_key(job, digest)
            hit = cache.get(key)
            if hit is not None:
                staging.copy(item.path, hit[0])
                results.append((index, hit[0], hit[1], True))
                continue
            if _MAKER is None:
                # Only once a PDF is not in the cache: WeasyPrint takes long to import.
                _MAKER = PdfMaker()
            data, pages = _MAKER.render(job)
            staging.write(item.path, data)
            results.append((index, cache.put(key, data, pages), pages, False))
    except ToolkitError as error:
        raise _Failed(error.problems) from None
    return results, _MAKER is not None and _MAKER.slow_fonts


class _Counter:
    """Counts outputs done, and tells `progress` about every two-hundredth of them: a bar
    drawn again for each of a hundred thousand outputs kept would slow a rebuild by a sixth."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress
        self.stride = max(1, total // 200)
        self.next = self.stride

    def advance(self, count: int) -> None:
        """Count `count` outputs done at once."""
        if count:
            self.done += count - 1
            self.step()

    def step(self) -> None:
        self.done += 1
        if self.progress is not None and (self.done >= self.next or self.done == self.total):
            self.next = self.done + self.stride
            self.progress(self.done, self.total)


def prune_share_cache(project: Path, renderer: Renderer, *, partial: bool) -> None:
    """Forget cached share images this build did not draw or use (after a full build only)."""
    folder = project / SHARE_CACHE
    if partial or not folder.is_dir():
        return  # an incremental build did not look at every image
    for file in folder.iterdir():
        if file not in renderer.share_cache_used:
            file.unlink(missing_ok=True)
