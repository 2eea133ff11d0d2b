#!/usr/bin/env python3
"""Write a deterministic synthetic campaign of any size, for benchmarks.

usage: make_campaign.py N DIR [--pages 10] [--pieces 6] [--prints 3] [--sizes letter]

N champions split over regional roster files (about 250 per file), campaign pages, toolkit
pieces with merge fields, and print pieces, on top of the example campaign's settings and images.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KINDS = ("chamber", "mayor", "bid", "nonprofit", "business")
STATES = (
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia "
    "Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts "
    "Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon "
    "Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming"
).split()
NAMES = ("Chamber of Commerce", "Main Street Alliance", "Books", "Bakery")
WORDS = (
    "main street local shop saturday market bakery books hardware coffee gallery florist "
    "neighbors downtown district partner volunteer family weekend support season gift"
).split()


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def champion(rng: random.Random, i: int) -> str:
    town = f"{rng.choice(WORDS).capitalize()}{rng.choice(WORDS)} {i}"
    lines = [
        f"- id: champion-{i:05d}",
        f"  name: {town} {rng.choice(NAMES)}",
        f"  kind: {KINDS[i % len(KINDS)]}",
        f"  city: {town}",
        f"  region: {STATES[i % len(STATES)]}",
        f"  website: https://c{i}.example.org/",
        f"  email: hello@c{i}.example.org",
        f'  colors: {{primary: "#{rng.randrange(0x202020, 0x505050):06x}", accent: "#f2b705"}}',
        f'  event: {{date: 2026-11-28, time: "{9 + i % 3:02d}:00", place: {town} Square}}',
        "  businesses:",
    ]
    lines += [
        f"    - {{name: {rng.choice(WORDS).capitalize()} {j}, address: {j} Main St}}"
        for j in range(5)
    ]
    lines.append(f"  message: {sentence(rng, 14)} **{sentence(rng, 4)}**")
    return "\n".join(lines) + "\n"


def page(rng: random.Random, title: str, merge: bool) -> str:
    who = "{{ champion.name }} in {{ champion.city }}" if merge else "{{ campaign.name }}"
    body = [f"---\ntitle: {title}\ndescription: {sentence(rng, 8)}\n---\n# {title}\n"]
    for h in range(3):
        body.append(
            f"## Part {h + 1}: {rng.choice(WORDS)}\n\n"
            f"{sentence(rng, 20)} {who}. {sentence(rng, 16)}\n"
        )
    body.append("".join(f"- {sentence(rng, 6)}\n" for _ in range(4)))
    body.append("\n| item | when |\n| --- | --- |\n| posters | week 1 |\n| event | saturday |\n")
    return "\n".join(body)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("champions", type=int)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--pieces", type=int, default=6)
    parser.add_argument("--prints", type=int, default=3)
    parser.add_argument("--sizes", default="letter")
    args = parser.parse_args()
    rng = random.Random(2026)
    dest: Path = args.dest
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content/champions").mkdir(parents=True)
    (dest / "content/kit").mkdir()
    (dest / "content/print").mkdir()
    shutil.copytree(REPO / "content/images", dest / "content/images")
    settings = (REPO / "toolkit.yaml").read_text(encoding="utf-8")
    settings = settings.replace("sizes: [letter, a4]", f"sizes: [{args.sizes}]")
    (dest / "toolkit.yaml").write_text(settings, encoding="utf-8")
    (dest / "content/index.md").write_text(page(rng, "Welcome", False), encoding="utf-8")
    for i in range(1, args.pages):
        (dest / f"content/page-{i:02d}.md").write_text(page(rng, f"Page {i}", False))
    for i in range(args.pieces):
        (dest / f"content/kit/piece-{i:02d}.md").write_text(page(rng, f"Piece {i}", True))
    layouts = ("poster", "flyer", "window-sign")
    for i in range(args.prints):
        (dest / f"content/print/print-{i:02d}.md").write_text(
            f"---\ntitle: Print {i}\nlayout: {layouts[i % 3]}\n"
            "image: images/campaign-mark.svg\n---\n"
            f"# Shop with {{{{ champion.name }}}}\n\n{sentence(rng, 18)}\n"
        )
    per_file = 250
    for start in range(0, args.champions, per_file):
        roster = "".join(
            champion(rng, i) for i in range(start, min(start + per_file, args.champions))
        )
        (dest / f"content/champions/region-{start // per_file:03d}.yaml").write_text(roster)


if __name__ == "__main__":
    main()
