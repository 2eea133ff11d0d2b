"""The plan of outputs: every path the build writes, what it is made from, and no path twice.

The output paths are a contract: they are printed on paper as QR codes and must never move.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from toolkit.errors import Location, Problems
from toolkit.pages import CONTENT_DIR, Page
from toolkit.roster import Champion
from toolkit.site import Site

SETTINGS = "settings"
"""Input key: `toolkit.yaml`."""
THEME = "theme"
"""Input key: the theme's templates."""
NAV = "nav"
"""Input key: the titles and order of campaign pages (the navigation)."""
LISTING = "listing"
"""Input key: what a list of all champions shows of each (`LISTED`): the directory, the home
page's count, the sitemap. Only outputs made from it see the roster as a whole."""
LISTED = ("id", "name", "kind", "city", "region")
"""What the directory shows of each champion; an edit to anything else leaves it as it is."""
DATES = "dates"
"""Input key: each page's `date` (the sitemap's `lastmod`)."""
NOT_IN_UNITS = (LISTING, DATES)
"""Input keys no champion's own output is made from (see `digests.unit_digests`)."""
PDFS = "pdfs"
"""Input key: whether the build makes PDFs; a page that lists a print kit links them only then."""
KIT_PIECES = "kit-pieces"
"""Input key: the titles, order, kinds and sizes of toolkit and print pieces."""
FILES = "files"
"""Input key: which pages and files exist (what a link between files can lead to)."""
PROJECT_FILES = "project-files"
"""Input key: every file of the project as it is on disk (a kit carries them all)."""
BASE = (SETTINGS, THEME, NAV, KIT_PIECES, FILES)
"""What every page of the site is made from, besides its own sources."""
SITEMAP_KINDS = ("page", "kit", "kit-index", "directory", "microsite")
"""The outputs a sitemap lists: the pages a search engine should find."""
SITEMAP_LIMIT = 50_000
"""The most addresses one sitemap file may list (sitemaps.org); a site with more gets an index
(`sitemap.xml`) of several sitemaps."""
SITEMAP_PART = 10_000
"""About how many addresses each sitemap of an index lists: an edit to one champion remakes
one part, not all of them."""


def champion_key(champion_id: str) -> str:
    """Input key for one roster entry."""
    return f"champion:{champion_id}"


def region_key(region: str | None) -> str:
    """Input key for the champions of one region (a microsite lists its neighbours)."""
    return f"region:{region or ''}"


def file_key(path: PurePosixPath) -> str:
    """Input key for one file of the project, by its path from the project root."""
    # A path object keeps its text once made: no cache is quicker, for ten thousand pages
    # named once each as for a handful named by every champion.
    return str(path)


@functools.lru_cache(maxsize=65_536)
def content_key(name: str) -> str:
    """Input key for a file under `content/` (a logo, the artwork), by its path from there."""
    # Kept by text: a path object made for each of ten thousand champions' logos, and hashed
    # for `file_key`, was a third of planning a campaign.
    return file_key(CONTENT_DIR / name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Output:
    """One file of the built site and what it is made from."""

    path: str
    """Relative to the output folder, with `/` between folders (text, not a path object: a
    campaign plans a hundred thousand outputs, and their paths are compared and hashed)."""
    kind: str
    """page, kit-index, kit, directory, microsite, calendar, alias, asset, static, sitemap,
    sitemap-index, robots, not-found, print-preview, pdf, qr, share-image, kit-zip."""
    origin: Location
    """What claims this path, for messages."""
    page: PurePosixPath | None = None
    """The source page, relative to the project."""
    champion: str | None = None
    """The champion id, for per-champion outputs (the target, for aliases)."""
    file: Path | None = None
    """For copied files: the file to copy."""
    size: str | None = None
    """For print outputs: the paper size."""
    lang: str | None = None
    """The language of the output; None for the campaign's first language."""
    inputs: tuple[str, ...] = ()
    """What this output depends on: source paths and the input keys above."""


@dataclass(frozen=True, slots=True)
class Kept:
    """A champion whose outputs all stay as the last build made them: they are not planned
    again, only accounted for (a rebuild after one of ten thousand entries changed would
    otherwise plan a hundred thousand outputs to learn that their digests are as they were).
    """

    champion: str
    lines: str
    """Every output's path, one a line, as the last build recorded them; read only where
    needed."""
    listed: int
    """How many of them, from the first, a sitemap lists (a champion's pages come first)."""
    pages: int
    """How many of them are pages (for the summary line)."""
    pdfs: int

    @property
    def count(self) -> int:
        """How many outputs they have."""
        return self.lines.count("\n") + 1 if self.lines else 0

    def paths(self) -> list[str]:
        return self.lines.split("\n") if self.lines else []

    def listed_paths(self) -> list[str]:
        return self.paths()[: self.listed]


@dataclass(frozen=True, slots=True)
class Plan:
    """Every output of a build, in a stable order."""

    outputs: tuple[Output, ...]
    by_path: Mapping[str, Output]
    sitemaps: Mapping[str, tuple[Output | Kept, ...]]
    """Each sitemap file (`sitemap.xml`, or the parts its index lists) and what it lists: an
    output, or the outputs a champion kept as they were has listed."""
    units: Mapping[str, range] = field(default_factory=lambda: MappingProxyType({}))
    """Each planned champion's outputs, by the champion's id: where they stand in `outputs`
    (they follow one another). Their digests all change together, or none does
    (`unit_digests`)."""
    kept: Mapping[str, Kept] = field(default_factory=lambda: MappingProxyType({}))
    """The champions not planned, as the last build made their outputs, in roster order."""

    def __len__(self) -> int:
        return len(self.outputs)


def counts_as_page(output: Output) -> bool:
    """Return whether an output is one of the pages the summary line counts."""
    return output.path.endswith(".html") and output.kind != "alias"


def page_output_path(url: str) -> str:
    """Return the file that serves a directory URL such as `about/`."""
    return f"{url.rstrip('/')}/index.html" if url else "index.html"


def champion_url(site: Site, champion_id: str, piece: Page | None = None) -> str:
    """Return a champion's microsite URL, or one of their toolkit pieces.

    In a partner's own project (`partner:` in toolkit.yaml) their microsite is the home page.
    """
    home = "" if site.settings.partner == champion_id else f"champions/{champion_id}/"
    return home + (f"{piece.name}/" if piece else "")


def pieces_for(site: Site, champion: Champion, section: str = "kit") -> tuple[Page, ...]:
    """Return the toolkit (or print) pieces that apply to `champion`."""
    return site.pieces_for_kind(section, champion.kind)


def champion_language(site: Site, champion: Champion) -> str | None:
    """Return the language of a champion's pages, or None for the campaign's first language."""
    lang = champion.language
    return lang if lang in site.settings.languages[1:] else None


def print_sizes(site: Site, piece: Page) -> tuple[str, ...]:
    """Return the paper sizes a print piece is made in."""
    return piece.sizes or site.settings.print.sizes


def print_folder(site: Site, champion_id: str | None) -> str:
    """Return where a print kit goes: `print/`, or `champions/<id>/print/`."""
    if champion_id is None or site.settings.partner == champion_id:
        return "print/"
    return f"champions/{champion_id}/print/"


def print_outputs(site: Site, champion: Champion | None, pdfs: bool) -> list[Output]:
    """Return a print kit's outputs: a preview page per piece and, with `pdfs`, its PDFs."""
    folder = print_folder(site, champion.id if champion else None)
    pieces = pieces_for(site, champion, "print") if champion else site.section("print")
    who = (champion_key(champion.id),) if champion else ()
    files = tuple(
        content_key(str(f)) for f in (champion.logo if champion else None,) if f is not None
    )
    lang = champion_language(site, champion) if champion else None
    outputs = []
    if pieces:
        # The QR code of every piece, also on its own. It leads to the champion's microsite
        # (or the directory), whose address only the settings and this path's folder decide:
        # an edit to an entry leaves it as it is.
        outputs.append(
            Output(
                path=f"{folder}qr.png",
                kind="qr",
                origin=champion.source if champion else site.settings.source,
                champion=champion.id if champion else None,
                inputs=(SETTINGS,),
            )
        )
    for piece in pieces:
        piece = site.translation(piece, lang)
        common = {
            "origin": champion.source if champion else site.settings.source,
            "page": piece.path,
            "champion": champion.id if champion else None,
            "lang": lang,
        }
        outputs.append(
            Output(
                path=f"{folder}{piece.name}/index.html",
                kind="print-preview",
                inputs=(*BASE, PDFS, *who, file_key(piece.path)),
                **common,
            )
        )
        if not pdfs:
            continue
        artwork = (content_key(piece.image),) if piece.image else ()
        for size in print_sizes(site, piece):
            outputs.append(
                Output(
                    path=f"{folder}{piece.name}-{size}.pdf",
                    kind="pdf",
                    size=size,
                    inputs=(SETTINGS, THEME, *who, file_key(piece.path), *files, *artwork),
                    **common,
                )
            )
    return outputs


def kit_zips(site: Site, kits: bool) -> bool:
    """Return whether each champion gets a kit.zip, which carries every file of the project
    (`PROJECT_FILES`): a partner's own project makes none."""
    return kits and not site.settings.partner


def make_plan(
    site: Site, *, pdfs: bool = True, kits: bool = True, kept: Mapping[str, Kept] | None = None
) -> tuple[Plan, Problems]:
    """List every output of `site`; two claims on one path are reported, naming both.

    Without `pdfs`, print kits are planned as their HTML previews only; without `kits`, the
    champions' kit.zip files are left out (a preview has no use for them). The champions in
    `kept` are not planned: the last build's outputs for them stand (see `Kept`); a claim on
    one of their paths is not looked for here.
    """
    kept = kept or {}
    settings = site.settings.source
    prints = tuple(file_key(p.path) for p in site.section("print"))
    partner = site.settings.partner
    outputs: list[Output] = []
    units: dict[str, range] = {}
    held: list[tuple[int, Kept]] = []
    """The champions kept, each with where their outputs would stand in `outputs`."""
    home = None
    for page in site.section("site"):
        if partner and page.name == "":
            continue  # a partner's home page is their microsite
        home = home or (page if page.name == "" else None)
        extra = (LISTING,) if _lists_champions(page) else ()
        outputs.append(
            Output(
                path=page_output_path(page.url),
                kind="page",
                origin=page.source,
                page=page.path,
                inputs=(*BASE, file_key(page.path), *extra),
            )
        )
    if partner:
        outputs.extend(_champion_outputs(site, site.champions_by_id[partner], prints, pdfs))
    elif home is None:
        outputs.append(_generated("index.html", "page", settings, LISTING))
    kit = () if partner else site.section("kit")
    if kit:
        outputs.append(_generated("kit/index.html", "kit-index", settings, PDFS, *prints))
    for page in kit:
        outputs.append(
            Output(
                path=page_output_path(page.url),
                kind="kit",
                origin=page.source,
                page=page.path,
                inputs=(*BASE, file_key(page.path)),
            )
        )
    if not partner:
        artwork = (content_key(site.settings.image),) if site.settings.image else ()
        outputs.append(
            Output(
                path="share.png",
                kind="share-image",
                origin=settings,
                inputs=(SETTINGS, THEME, *artwork),
            )
        )
        outputs.append(_generated("champions/index.html", "directory", settings, LISTING))
        outputs.extend(print_outputs(site, None, pdfs))
        for champion in site.champions:
            start = len(outputs)
            unit = kept.get(champion.id)
            if unit is not None:
                held.append((start, unit))
                continue
            outputs.extend(_champion_outputs(site, champion, prints, pdfs, kits))
            units[champion.id] = range(start, len(outputs))
    if not partner:
        for lang in site.settings.languages[1:]:
            outputs.extend(_language_outputs(site, lang, prints))
    for asset in site.assets:
        source = CONTENT_DIR / asset
        outputs.append(
            Output(
                path=asset.as_posix(),
                kind="asset",
                origin=Location(source),
                file=site.project / source,
                inputs=(file_key(source),),
            )
        )
    for name, file in site.theme.static_files().items():
        outputs.append(
            Output(
                path=f"static/{name}",
                kind="static",
                origin=Location(shown_path(file, site.project)),
                file=file,
                inputs=(THEME,),
            )
        )
    sitemaps, listed = _sitemaps(_merged(outputs, held), settings)
    outputs.extend(sitemaps)
    for path, kind in (("robots.txt", "robots"), ("404.html", "not-found")):
        outputs.append(_generated(path, kind, settings))
    return _checked(outputs, listed, units, {unit.champion: unit for _, unit in held})


def _merged(outputs: list[Output], held: list[tuple[int, Kept]]) -> list[Output | Kept]:
    """Return `outputs` with each champion kept where their outputs would be."""
    if not held:
        return outputs  # type: ignore[return-value]
    merged: list[Output | Kept] = []
    done = 0
    for at, unit in held:
        merged.extend(outputs[done:at])
        merged.append(unit)
        done = at
    merged.extend(outputs[done:])
    return merged


def sitemap_parts(outputs: Sequence[Output | Kept]) -> list[list[Output | Kept]]:
    """Return the outputs a sitemap lists, in one part when they fit in one file, otherwise in
    parts of about `SITEMAP_PART` that never split a champion's pages. A champion kept as
    they were stands for the outputs of theirs it lists."""
    listed = [o for o in outputs if isinstance(o, Kept) or o.kind in SITEMAP_KINDS]
    if sum(map(_listed_count, listed)) <= SITEMAP_LIMIT:
        return [listed]
    parts: list[list[Output | Kept]] = []
    count = 0
    for _, owned in itertools.groupby(listed, key=lambda o: o.champion):
        group = list(owned)
        size = sum(map(_listed_count, group))
        if not parts or count + size > SITEMAP_PART:
            parts.append([])
            count = 0
        parts[-1].extend(group)
        count += size
    return parts


def _listed_count(item: Output | Kept) -> int:
    return item.listed if isinstance(item, Kept) else 1


def sitemap_part_path(number: int) -> str:
    """Return the path of a sitemap listed in the sitemap index, counted from 1."""
    return f"sitemap-{number}.xml"


def _sitemaps(
    outputs: list[Output | Kept], origin: Location
) -> tuple[list[Output], dict[str, tuple[Output | Kept, ...]]]:
    """Return the sitemap outputs, and what each sitemap file lists."""
    parts = sitemap_parts(outputs)
    if len(parts) == 1:
        made = [_generated("sitemap.xml", "sitemap", origin, LISTING, DATES)]
        return made, {"sitemap.xml": tuple(parts[0])}
    made = [_generated("sitemap.xml", "sitemap-index", origin, LISTING)]
    listed: dict[str, tuple[Output | Kept, ...]] = {}
    for number, part in enumerate(parts, 1):
        # A part lists addresses: its champions' entries decide theirs, and pages have dates.
        owners = dict.fromkeys(champion_key(o.champion) for o in part if o.champion)
        dates = (DATES,) if any(o.champion is None for o in part) else ()
        path = sitemap_part_path(number)
        made.append(_generated(path, "sitemap", origin, *dates, *owners))
        listed[path] = tuple(part)
    return made, listed


def _lists_champions(page: Page) -> bool:
    """Return whether a campaign page shows the roster as a whole (the home page's count)."""
    return page.section == "site" and (page.name == "" or page.layout == "home")


def _generated(
    path: str, kind: str, origin: Location, *inputs: str, lang: str | None = None
) -> Output:
    return Output(path=path, kind=kind, origin=origin, inputs=(*BASE, *inputs), lang=lang)


def _language_outputs(site: Site, lang: str, prints: tuple[str, ...]) -> list[Output]:
    """Return the campaign site in another language: `es/`, with every translated page."""
    settings = site.settings.source
    outputs = []
    home = next((p for p in site.section("site") if p.name == ""), None)
    if home is None or not site.translated(home, lang):
        outputs.append(_generated(f"{lang}/index.html", "page", settings, LISTING, lang=lang))
    for page in (*site.section("site"), *site.section("kit")):
        if not site.translated(page, lang):
            continue
        translation = site.translation(page, lang)
        outputs.append(
            Output(
                path=page_output_path(translation.url),
                kind="page" if page.section == "site" else "kit",
                origin=translation.source,
                page=translation.path,
                inputs=(
                    *BASE,
                    file_key(translation.path),
                    *((LISTING,) if _lists_champions(translation) else ()),
                ),
                lang=lang,
            )
        )
    if site.section("kit"):
        outputs.append(
            _generated(f"{lang}/kit/index.html", "kit-index", settings, PDFS, *prints, lang=lang)
        )
    outputs.append(
        _generated(f"{lang}/champions/index.html", "directory", settings, LISTING, lang=lang)
    )
    return outputs


def _champion_outputs(
    site: Site, champion: Champion, prints: tuple[str, ...], pdfs: bool, kits: bool = False
) -> list[Output]:
    key = champion_key(champion.id)
    lang = champion_language(site, champion)
    # A partner's own project has every piece (so links between pages hold); the microsite
    # still lists only the pieces meant for their kind.
    pieces = site.section("kit") if site.settings.partner else pieces_for(site, champion)
    folder = champion_url(site, champion.id)
    outputs = [
        Output(
            path=f"{folder}index.html",
            kind="microsite",
            origin=champion.source,
            champion=champion.id,
            inputs=(*BASE, PDFS, key, region_key(champion.region), *prints),
            lang=lang,
        )
    ]
    for piece in pieces:
        translation = site.translation(piece, lang)
        outputs.append(
            Output(
                path=f"{folder}{piece.name}/index.html",
                kind="kit",
                origin=champion.source,
                page=translation.path,
                champion=champion.id,
                inputs=(*BASE, key, file_key(translation.path)),
                lang=lang,
            )
        )
    outputs.extend(print_outputs(site, champion, pdfs))
    pictures = [str(f) for f in (champion.logo, site.settings.image) if f is not None]
    outputs.append(
        Output(
            path=f"{folder}share.png",
            kind="share-image",
            origin=champion.source,
            champion=champion.id,
            inputs=(SETTINGS, THEME, key, *(content_key(f) for f in pictures)),
            lang=lang,
        )
    )
    if kit_zips(site, kits):
        outputs.append(
            Output(
                path=f"{folder}kit.zip",
                kind="kit-zip",
                origin=champion.source,
                champion=champion.id,
                inputs=(PROJECT_FILES, key),
            )
        )
    if champion.event is not None and champion.event.date is not None:
        outputs.append(
            Output(
                path=f"{folder}event.ics",
                kind="calendar",
                origin=champion.source,
                champion=champion.id,
                inputs=(SETTINGS, key),
            )
        )
    for alias in () if site.settings.partner else champion.aliases:
        for piece in (None, *pieces):
            outputs.append(
                Output(
                    path=f"champions/{alias}/{piece.name}/index.html"
                    if piece
                    else f"champions/{alias}/index.html",
                    kind="alias",
                    origin=champion.source,
                    page=piece.path if piece else None,
                    champion=champion.id,
                    inputs=(SETTINGS, THEME, key),
                )
            )
    return outputs


def _checked(
    outputs: list[Output],
    sitemaps: dict[str, tuple[Output | Kept, ...]],
    units: dict[str, range],
    kept: dict[str, Kept],
) -> tuple[Plan, Problems]:
    problems = Problems()
    by_path: dict[str, Output] = {}
    for output in outputs:
        first = by_path.get(output.path)
        if first is None:
            by_path[output.path] = output
            continue
        # Point at the user's own file rather than at something toolkit generates.
        at = first.origin if output.kind in _GENERATED else output.origin
        problems.error(
            at,
            f"output {output.path} is made twice: by {_describe(output)} and by {_describe(first)}",
        )
    plan = Plan(
        tuple(outputs),
        MappingProxyType(by_path),
        MappingProxyType(sitemaps),
        MappingProxyType(units),
        MappingProxyType(kept),
    )
    return plan, problems


def shown_path(file: Path, project: Path) -> PurePosixPath:
    """Return a path as the user knows it: relative to the project when inside it."""
    try:
        return PurePosixPath(file.relative_to(project).as_posix())
    except ValueError:
        return PurePosixPath(file.as_posix())


_GENERATED = (
    "directory",
    "kit-index",
    "sitemap",
    "sitemap-index",
    "robots",
    "not-found",
    "static",
    "qr",
)


def _describe(output: Output) -> str:
    if output.kind == "static":
        return f"the theme's {output.path}"
    if output.kind == "qr":
        return "the print kit's QR code"
    if output.kind in _GENERATED:
        return f"the {output.kind.replace('-', ' ')} page"
    where = output.page or output.origin.path
    if output.origin.line is not None and output.page is None:
        return f"{where}:{output.origin.line}"
    return str(where)
