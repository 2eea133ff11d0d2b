#!/usr/bin/env python3
"""Print kits: PDFs per second, cold (empty cache) and from the cache, for one campaign.

usage: print_bench.py [--champions 200] [--runs 3]

Builds a synthetic campaign (make_campaign.py) with `toolkit build`, in a subprocess, and
prints the median wall time and PDFs per second of a cold build and of a rebuild from cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build(project: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "toolkit", "build", str(project), "-o", str(out), "-q"],
        check=True,
        env={**os.environ, "PYTHONPATH": str(HERE.parent)},
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--champions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "campaign"
        subprocess.run(
            [sys.executable, str(HERE / "make_campaign.py"), str(args.champions), str(project)],
            check=True,
        )
        out = Path(tmp) / "out"
        cold, warm = [], []
        for _ in range(args.runs):
            shutil.rmtree(project / ".toolkit-cache", ignore_errors=True)
            cold.append(build(project, out))
            warm.append(build(project, out))
        pdfs = sum(1 for _ in out.rglob("*.pdf"))
    c, w = statistics.median(cold), statistics.median(warm)
    print(f"{args.champions} champions, {pdfs} PDFs, {os.cpu_count()} cores, median of {args.runs}")
    print(f"cold build:       {c:7.2f} s  {pdfs / c:7.1f} PDFs/s")
    print(f"from cache:       {w:7.2f} s  {pdfs / w:7.1f} PDFs/s")


if __name__ == "__main__":
    main()
