#!/usr/bin/env python3
"""What one PDF costs, made three ways, and the most a print build can gain on this machine.

usage: bench/print_bound.py [--champions 40]

Writes a synthetic campaign (make_campaign.py: one print piece of each layout) and makes every
champion's PDFs in this one process, three ways, after a warm-up:

- plain: each PDF its own WeasyPrint document, `HTML(string=...).write_pdf()`;
- toolkit: `PdfMaker`, one document a PDF, the fonts and stylesheets shared between them;
- batched: the pieces of one layout laid out as one document, then each page written as a PDF
  of its own (`Document.copy`), as laying PDFs out together and splitting them would.

It prints the milliseconds a PDF takes each way, laying out and writing apart, and the ratio a
build on this machine's cores could reach at most: every core making PDFs toolkit's way the
whole time, against the plain way on one.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from toolkit.make import plan_site  # noqa: E402
from toolkit.printkit import PdfMaker  # noqa: E402
from toolkit.render import Renderer  # noqa: E402
from toolkit.site import load_site  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--champions", type=int, default=40)
    args = parser.parse_args()
    from weasyprint import HTML

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "campaign"
        command = [sys.executable, str(HERE / "make_campaign.py"), str(args.champions)]
        subprocess.run(
            [*command, str(project), "--pages", "1", "--pieces", "1"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        site = load_site(project)
        plan = plan_site(site)
        renderer = Renderer(site, plan)
        jobs = [renderer.print_job(o) for o in plan.outputs if o.kind == "pdf" and o.champion]
        maker = PdfMaker()
        for job in jobs[:6]:
            maker.render(job)
            HTML(string=job.html).write_pdf()

        plain = _each(jobs, lambda job: HTML(string=job.html).render(), lambda d: d.write_pdf())
        ours = _each(jobs, lambda job: maker.lay_out(job.html, job.roots), lambda d: d.write_pdf())
        batched = _batched(maker, jobs)
    rows = [("plain", plain), ("toolkit", ours), ("batched", batched)]
    print(f"{len(jobs)} PDFs of {args.champions} champions, milliseconds a PDF")
    print(f"{'':10} {'lay out':>9} {'write':>9} {'in all':>9}")
    for name, (layout, write) in rows:
        print(f"{name:10} {layout:9.1f} {write:9.1f} {layout + write:9.1f}")
    cores = os.cpu_count() or 1
    ratio = cores * sum(plain) / sum(ours)
    print(f"at most {ratio:.2f}× the plain way on {cores} cores, with nothing but PDFs to make")


def _each(jobs, layout, write) -> tuple[float, float]:
    """Return the median milliseconds of laying out and of writing one PDF, of three rounds."""
    rounds = []
    for _ in range(3):
        started = time.perf_counter()
        documents = [layout(job) for job in jobs]
        laid = time.perf_counter()
        for document in documents:
            write(document)
        rounds.append((laid - started, time.perf_counter() - laid))
    return tuple(statistics.median(r[i] for r in rounds) * 1000 / len(jobs) for i in (0, 1))


_MARKS = re.compile(r'<svg class="crop-marks".*?</svg>', re.S)


def _batched(maker: PdfMaker, jobs) -> tuple[float, float]:
    """The pieces of each layout as one document (one head, every body), a PDF a page."""
    by_layout: dict[str, list] = {}
    for job in jobs:
        by_layout.setdefault(job.origin.as_posix(), []).append(job)
    documents = []
    for same in by_layout.values():
        head = same[0].html.partition("</head>")[0]
        bodies = [j.html.partition("<body>")[2].rpartition("</body>")[0] for j in same]
        # Crop marks are fixed, drawn on every page: the document needs them once.
        bodies = bodies[:1] + [_MARKS.sub("", body) for body in bodies[1:]]
        documents.append((f"{head}</head><body>{''.join(bodies)}</body></html>", same[0].roots))
    rounds = []
    for _ in range(3):
        started = time.perf_counter()
        laid_out = [maker.lay_out(html, roots) for html, roots in documents]
        laid = time.perf_counter()
        for document in laid_out:
            for page in document.pages:
                document.copy([page]).write_pdf()
        rounds.append((laid - started, time.perf_counter() - laid))
    return tuple(statistics.median(r[i] for r in rounds) * 1000 / len(jobs) for i in (0, 1))


if __name__ == "__main__":
    main()
