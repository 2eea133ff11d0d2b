#!/usr/bin/env python3
"""What a champion's outputs cost, kind by kind, drawn in one process.

usage: bench/kinds.py PROJECT [--champions 400]

Renders every output of the project's first champions that is rendered rather than copied
(after twenty more as a warm-up), with an empty share-image cache, and prints the milliseconds
each kind of output takes per champion. Nothing is written. Run it with a checkout's folder on
PYTHONPATH to compare two versions of toolkit on one machine, one after the other.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from toolkit import render
from toolkit.make import plan_site
from toolkit.render import Renderer
from toolkit.site import load_site


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("project", type=Path)
    parser.add_argument("--champions", type=int, default=400)
    args = parser.parse_args()
    site = load_site(args.project)
    plan = plan_site(site, pdfs=False)
    renderer = Renderer(site, plan)
    with tempfile.TemporaryDirectory() as empty:
        render.SHARE_CACHE = empty  # every share image drawn, none taken from the cache
        outputs = [o for o in plan.outputs if o.champion and o.file is None]
        ids = sorted({o.champion for o in outputs})
        warm, measured = set(ids[:20]), set(ids[20 : 20 + args.champions])
        for output in outputs:
            if output.champion in warm:
                renderer.render(output)
        seconds: dict[str, float] = defaultdict(float)
        count: dict[str, int] = defaultdict(int)
        for output in outputs:
            if output.champion in measured:
                started = time.perf_counter()
                renderer.render(output)
                seconds[output.kind] += time.perf_counter() - started
                count[output.kind] += 1
    champions = len(measured)
    for kind in sorted(seconds, key=seconds.__getitem__, reverse=True):
        per = seconds[kind] / champions * 1000
        print(f"{kind:15} {count[kind] / champions:4.1f} a champion  {per:6.2f} ms a champion")
    print(f"{'all':15} {sum(seconds.values()) / champions * 1000:23.2f} ms a champion")


if __name__ == "__main__":
    main()
