"""Digests of everything an output is made from, so a build remakes only what changed.

Each input key of the plan (`plan.py`) gets a digest of what it stands for, taken from the
loaded site where there is one (so a file saved during a build is not mistaken for built).
An output's digest combines the digests of its inputs; equal digests mean equal bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Container, Iterable, Mapping
from pathlib import Path

from toolkit import FORMAT, __version__
from toolkit.errors import Location
from toolkit.pages import CONTENT_DIR
from toolkit.plan import (
    DATES,
    FILES,
    KIT_PIECES,
    LISTED,
    LISTING,
    NAV,
    NOT_IN_UNITS,
    PDFS,
    PROJECT_FILES,
    SETTINGS,
    THEME,
    Output,
    champion_key,
    file_key,
    region_key,
)
from toolkit.recent import version
from toolkit.roster import ROSTER_DIR, entry_digest
from toolkit.site import Site


def _hash(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def _tree(folders: Iterable[Path]) -> list[tuple[str, object]]:
    found = []
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                found.append((path, version(path)))
    return found


def _is_roster(project: Path, path: str) -> bool:
    folder, name = os.path.split(path)
    return folder == str(project / ROSTER_DIR) and name.endswith((".yaml", ".yml"))


def input_digests(
    site: Site, wanted: Container[str] = (PROJECT_FILES,), *, pdfs: bool = True
) -> Mapping[str, str]:
    """Return a digest for every input key the plan of `site` (with or without `pdfs`) can
    name.

    The digest of every project file (which costs a look at each) is made only if `wanted`.
    """
    settings = dataclasses.replace(site.settings, source=Location(site.settings.source.path))
    # Each champion's digest is made as its entry is read, and kept with it in the roster cache.
    champions = {c.id: c.digest or entry_digest(c) for c in site.champions}
    pieces = [
        (p.section, p.name, p.title, p.description, p.kinds, p.order, p.sizes, p.layout, p.image)
        for p in site.pages
        if p.section != "site"
    ]
    # The menu lists the campaign pages that ask to be in it, each in every language: only
    # those pages are in its digest (a corpus of ten thousand pages has a menu of a few).
    in_menu = {p.name for p in site.section("site") if p.nav and p.name}
    digests = {
        SETTINGS: _hash(settings),
        THEME: _hash(_tree(site.theme.folders)),
        NAV: _hash(
            [
                (p.name, p.lang, p.title, p.nav_title, p.order, p.nav)
                for p in site.pages
                if p.section == "site" and p.name in in_menu
            ]
        ),
        LISTING: _hash([[getattr(c, name) for name in LISTED] for c in site.champions]),
        KIT_PIECES: _hash(pieces),
        # As text: the repr of ten thousand path objects costs more than the rest together.
        FILES: _hash(
            [str(p.path) for p in site.pages],
            [str(p.path) for p in site.drafts],
            [str(a) for a in site.assets],
        ),
        # Only the pages that have a date show one (in the sitemap).
        DATES: _hash([(str(p.path), p.date.isoformat()) for p in site.pages if p.date]),
        PDFS: _hash(pdfs),
    }
    if PROJECT_FILES in wanted:
        # A kit carries every file but the rosters: its own entry is its champion's key, so one
        # champion's edit remakes one kit, not all of them.
        digests[PROJECT_FILES] = _hash(
            version(site.project / "toolkit.yaml"),
            [
                entry
                for entry in _tree([site.project / "content", site.project / "themes"])
                if not _is_roster(site.project, entry[0])
            ],
        )
    regions: dict[str, list[tuple[str, str]]] = {}
    for champion in site.champions:
        digests[champion_key(champion.id)] = champions[champion.id]
        regions.setdefault(region_key(champion.region), []).append((champion.id, champion.name))
    for key, members in regions.items():
        digests[key] = _hash(members)
    for page in site.pages:
        digests[file_key(page.path)] = page.digest
    for asset in site.assets:
        path = CONTENT_DIR / asset
        digests[file_key(path)] = _hash(version(site.project / path))
    return digests


def unit_digests(
    site: Site, inputs: Mapping[str, str], *, pdfs: bool, kits: bool
) -> dict[str, str]:
    """Return a digest for each champion of everything their outputs are planned and made
    from: their entry, their region, and every input that is not another champion's, but for
    those no champion's output is made from: the listing of all champions and the pages' dates
    (`plan.NOT_IN_UNITS`), so that an edit to a champion's name remakes their region's outputs
    and the directory, not every champion's digests; and the campaign's own pages, so that an
    edit to one of them leaves every champion as they were (but for their kit.zip, which
    carries every file).

    Equal digests mean the same outputs from the same inputs: a build whose champion has the
    digest it had last time takes their outputs' digests as they were, without making them
    (a hundred thousand digests took a third of a rebuild after one entry changed).
    """
    if not site.champions:
        return {}  # a corpus of pages: no need to hash its thousands of inputs
    shared = hashlib.sha256(f"{__version__}\0{FORMAT}\0{pdfs}\0{kits}".encode())
    left_out = not_in_units(site)
    for key in sorted(inputs):
        if not key.startswith(_OWN) and key not in left_out:
            shared.update(f"{key}\0{inputs[key]}\0".encode("utf-8", "surrogateescape"))
    common = shared.hexdigest()
    found = {}
    for champion in site.champions:
        entry = inputs.get(champion_key(champion.id), "")
        region = inputs.get(region_key(champion.region), "")
        text = f"{common}\0{entry}\0{region}"
        found[champion.id] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    return found


def not_in_units(site: Site) -> set[str]:
    """Return the input keys no champion's output is made from (see `unit_digests`)."""
    return {*NOT_IN_UNITS, *(file_key(p.path) for p in site.pages if p.section == "site")}


_OWN = (champion_key(""), region_key(None))
"""How the input keys of one champion and of one region begin."""


def output_digest(output: Output, inputs: Mapping[str, str]) -> str | None:
    """Return the digest of one output, or None when an input has none (always remake it)."""
    # A campaign has a hundred thousand outputs: their digests are joined text, not reprs.
    parts = [__version__, str(FORMAT), output.kind, output.path, output.size or ""]
    for key in output.inputs:
        digest = inputs.get(key)
        if digest is None:
            return None
        parts.append(digest)
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]
