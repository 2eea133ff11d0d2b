#!/usr/bin/env python3
"""Every speed measurement of issue 7 in one run, printed as a table.

usage: bench/run.py [--pages 10000] [--champions 10000] [--pdf-champions 100] [--runs 3]
                    [--peers] [--skip corpus,campaign,print]

- corpus: N Markdown pages (about 360 words each: headings, emphasis, links, a list, a table)
  built by toolkit cold, rebuilt with no change, and rebuilt after one page is edited (right
  after the edit, and with the edit saved two seconds before, which the cache keeps); with
  --peers, the same pages built by Hugo, Eleventy, Pelican and MkDocs (../shared/bench/peers.py,
  where installed) in the same run, and the ratios.
- campaign: a generated campaign (bench/make_campaign.py) with print off: cold, no change, one
  champion's entry edited (right after, and two seconds after), and the peak memory of the
  cold build. The last cold build's files are set aside rather than deleted before the next
  (`three_builds` says why) and deleted at the end.
- print: PDFs per second of a cold build against the plain way: each PDF its own WeasyPrint
  document, with its own fonts and stylesheets, one after another in one process.

Times are wall seconds, the median of --runs (after one warm-up for the peers). toolkit's
modules are compiled to bytecode first, as an install does. The campaign is measured first,
the corpus last (`main` says why). On a disk like this machine's (ext4 without a journal), start
a run some minutes after deleting many files, a previous run's included: until then the
kernel is slower to make new ones.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = REPO.parent / "shared" / "bench" / "peers.py"
WORDS = (
    "shop local small business saturday chamber commerce neighborhood main street champion "
    "event window poster flyer community market vendor downtown district partner volunteer "
    "coffee bakery bookstore hardware florist gallery customer holiday season gift guide map"
).split()


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def corpus_page(rng: random.Random, i: int) -> str:
    """One page of about 360 words, shaped like the peers' corpus."""
    parts = [f"---\ntitle: Page {i} about {rng.choice(WORDS)}\n---\n"]
    for h in range(3):
        parts.append(f"## Section {h + 1}: {rng.choice(WORDS)} {rng.choice(WORDS)}\n")
        for _ in range(2):
            text = " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(4))
            text = text.replace(" ", " **bold text** ", 1)
            parts.append(text + f" [a link](https://example.org/{rng.randint(1, 999)}).\n")
    parts.append("".join(f"- {sentence(rng, 6)}\n" for _ in range(4)))
    parts.append("\n| item | place | when |\n| --- | --- | --- |\n")
    parts.append(
        "".join(f"| {rng.choice(WORDS)} | {rng.choice(WORDS)} | {h}pm |\n" for h in (1, 2, 3))
    )
    return "\n".join(parts)


def write_corpus(pages: int, dest: Path) -> Path:
    """Write the corpus as plain Markdown files (for the peers) and as a toolkit project."""
    rng = random.Random(51)
    plain = dest / "corpus"
    plain.mkdir(parents=True)
    project = dest / "toolkit-corpus"
    (project / "content").mkdir(parents=True)
    (project / "toolkit.yaml").write_text("name: Bench\nbase_url: https://example.org/\n")
    for i in range(1, pages + 1):
        text = corpus_page(rng, i)
        (plain / f"page-{i:05d}.md").write_text(text, encoding="utf-8")
        (project / "content" / f"page-{i:05d}.md").write_text(text, encoding="utf-8")
    return project


def toolkit(project: Path, out: Path, *extra: str) -> tuple[float, int]:
    """Run `toolkit build` in a process of its own; return wall seconds and peak memory (KiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "build", str(project), "-o", str(out), "-q", *extra],
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"toolkit build failed on {project}")
    return time.perf_counter() - started, usage.ru_maxrss


def settle() -> None:
    """Let files just written age past the two seconds in which a build never trusts them."""
    time.sleep(2.1)


def median(runs: int, measure) -> tuple[float, int]:
    results = [measure() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def three_builds(
    project: Path,
    out: Path,
    runs: int,
    edit: Callable[[], None],
    aside: Path | None = None,
) -> tuple[float, int, float, float, float]:
    """Build `project` with print off: cold, with no change, right after `edit`, and after an
    `edit` saved a while before; return the median seconds of each and the cold build's peak
    memory (KiB).

    A file saved within two seconds is not trusted by its size and time: the build right after
    an edit reads it and keeps nothing of it in the cache. One started later keeps it, as after
    a save in an editor and a switch to the terminal.

    Before each cold build the last one's output and cache are deleted, as the peers' script
    does, or with `aside` moved into that folder, to be deleted when the run ends. ext4
    without a journal (this machine's disk) does not give out again an inode freed in the last
    minute or more, and looks at each such inode in turn to skip it: a build made right after
    a quarter of a million files were deleted spent 20 to 40 s more in the kernel here, a cost
    of the deletion rather than of the build.
    """
    settle()

    def cold() -> tuple[float, int]:
        for folder in (out, project / ".toolkit-cache"):
            if aside is None:
                shutil.rmtree(folder, ignore_errors=True)
            elif folder.exists():
                aside.mkdir(exist_ok=True)
                folder.rename(aside / f"{len(list(aside.iterdir()))}")
        return toolkit(project, out, "--no-print")

    def edited() -> tuple[float, int]:
        edit()
        return toolkit(project, out, "--no-print")

    def edited_before() -> tuple[float, int]:
        edit()
        settle()
        return toolkit(project, out, "--no-print")

    cold_s, cold_kib = median(runs, cold)
    nochange_s, _ = median(runs, lambda: toolkit(project, out, "--no-print"))
    edit_s, _ = median(runs, edited)
    toolkit(project, out, "--no-print")  # keeps the last edit in the cache
    settled_s, _ = median(runs, edited_before)
    return cold_s, cold_kib, nochange_s, edit_s, settled_s


def corpus_rows(pages: int, runs: int, peers: bool, tmp: Path) -> list[tuple[str, str, str]]:
    project = write_corpus(pages, tmp)
    page = project / "content/page-00001.md"

    def edit() -> None:
        page.write_text(page.read_text() + f"\nEdited at {time.time()}.\n")

    cold_s, cold_kib, nochange_s, edit_s, settled_s = three_builds(
        project, tmp / "corpus-out", runs, edit
    )
    rows = [
        (
            f"corpus of {pages} pages: cold build",
            f"{cold_s:.2f} s",
            f"{cold_kib / 1024:.0f} MiB peak",
        ),
        ("corpus: no-change rebuild", f"{nochange_s:.2f} s", ""),
        ("corpus: one page edited", f"{edit_s:.2f} s", ""),
        ("corpus: one page edited, saved 2 s before", f"{settled_s:.2f} s", ""),
    ]
    if peers and PEERS.is_file():
        done = subprocess.run(
            [sys.executable, str(PEERS), str(tmp / "corpus"), "--runs", str(runs)],
            capture_output=True,
            text=True,
        )
        for line in done.stdout.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[1].replace(".", "", 1).isdigit():
                seconds = float(parts[1])
                rows.append(
                    (
                        f"corpus: {parts[0]} cold build",
                        f"{seconds:.2f} s",
                        f"toolkit is {cold_s / seconds:.2f}× its time",
                    )
                )
            elif line.strip():
                rows.append((f"corpus: {parts[0]}", line.strip(), ""))
    return rows


def campaign_rows(champions: int, runs: int, tmp: Path) -> list[tuple[str, str, str]]:
    project = tmp / "campaign"
    subprocess.run(
        [sys.executable, str(HERE / "make_campaign.py"), str(champions), str(project)], check=True
    )
    out = tmp / "campaign-out"
    roster = sorted((project / "content/champions").glob("*.yaml"))[0]

    def edit() -> None:
        text = roster.read_text()
        roster.write_text(
            text.replace("Square", "Plaza", 1)
            if "Square" in text
            else text.replace("Plaza", "Square", 1)
        )

    cold_s, cold_kib, nochange_s, edit_s, settled_s = three_builds(
        project, out, runs, edit, aside=tmp / "set-aside"
    )
    pages = sum(1 for _ in out.rglob("*.html"))
    return [
        (
            f"campaign of {champions} champions ({pages} pages): cold",
            f"{cold_s:.2f} s",
            f"{cold_kib / 1024:.0f} MiB peak",
        ),
        ("campaign: no-change rebuild", f"{nochange_s:.2f} s", ""),
        ("campaign: one champion's entry edited", f"{edit_s:.2f} s", ""),
        ("campaign: one entry edited, saved 2 s before", f"{settled_s:.2f} s", ""),
    ]


def print_rows(champions: int, tmp: Path) -> list[tuple[str, str, str]]:
    project = tmp / "print-campaign"
    subprocess.run(
        [
            sys.executable,
            str(HERE / "make_campaign.py"),
            str(champions),
            str(project),
            "--pages",
            "1",
            "--pieces",
            "1",
        ],
        check=True,
    )
    out = tmp / "print-out"
    seconds, _ = toolkit(project, out)
    pdfs = sum(1 for _ in out.rglob("*.pdf"))
    # The baseline: the same documents made the plain way, each PDF its own WeasyPrint
    # document with its own fonts and stylesheets, one after another in this process.
    sys.path.insert(0, str(REPO))
    from weasyprint import HTML

    from toolkit.make import plan_site
    from toolkit.render import Renderer
    from toolkit.site import load_site

    site = load_site(project)
    plan = plan_site(site)
    renderer = Renderer(site, plan)
    jobs = [renderer.print_job(o) for o in plan.outputs if o.kind == "pdf"][:60]
    started = time.perf_counter()
    for job in jobs:
        HTML(string=job.html).write_pdf()
    baseline = len(jobs) / (time.perf_counter() - started)
    gc.collect()  # each document's fonts wait in /tmp for their reference cycle to be collected
    cached, _ = toolkit(project, tmp / "print-out-2")
    rate = pdfs / seconds
    return [
        (
            f"print: {pdfs} PDFs, cold build",
            f"{rate:.1f} PDFs/s",
            f"{rate / baseline:.2f}× the plain way ({baseline:.1f} PDFs/s)",
        ),
        ("print: rebuild from the PDF cache", f"{pdfs / cached:.1f} PDFs/s", ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--champions", type=int, default=10_000)
    parser.add_argument("--pdf-champions", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers", action="store_true", help="also build the corpus with the peers")
    parser.add_argument("--skip", default="", help="comma-separated: corpus,campaign,print")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    rows: list[tuple[str, str, str]] = []
    # Installed, toolkit runs from compiled bytecode, as the peers do; run from a checkout where
    # PYTHONDONTWRITEBYTECODE is set, it would compile its modules again on every build.
    compileall.compile_dir(REPO / "toolkit", quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        # The campaign first: the peers' script deletes each build before the next, and the
        # campaign's cold build is slower for thousands of inodes just freed (`three_builds`).
        if "campaign" not in skip:
            campaign = campaign_rows(args.champions, args.runs, tmp)
        if "print" not in skip:
            prints = print_rows(args.pdf_champions, tmp)
        if "corpus" not in skip:
            rows += corpus_rows(args.pages, args.runs, args.peers, tmp)
        if "campaign" not in skip:
            rows += campaign
        if "print" not in skip:
            rows += prints
    print(f"{os.cpu_count()} cores; wall seconds, median of {args.runs}")
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>14}  {note}")


if __name__ == "__main__":
    main()
