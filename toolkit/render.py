"""Render each planned output to bytes: HTML pages, the directory, calendars, sitemap, redirects."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from toolkit import markup, merge
from toolkit.atomic import write_whole
from toolkit.errors import Location, Problem, ToolkitError
from toolkit.ics import event_calendar
from toolkit.kits import common_kit_files, kit_files, kit_zip
from toolkit.merge import MergeCampaign, MergeChampion, MergeEvent, format_date, format_time
from toolkit.messages import Translate, translator
from toolkit.pages import CONTENT_DIR, Page
from toolkit.plan import (
    LISTED,
    LISTING,
    Kept,
    Output,
    Plan,
    champion_url,
    pieces_for,
    print_folder,
    print_sizes,
    shown_path,
)
from toolkit.printkit import FIT_STEPS, Job, file_url, name_size, paper, qr_data_uri, qr_png
from toolkit.recent import version
from toolkit.roster import KINDS, Champion
from toolkit.settings import Settings
from toolkit.site import Site
from toolkit.templates import (
    contrast,
    contrast_text,
    get_template,
    make_environment,
    render_template,
)

if TYPE_CHECKING:
    from PIL import Image

    from toolkit.shareimage import Typeface

GENERIC = {
    "name": "[Organization name]",
    "kind": "[Organization type]",
    "city": "[City]",
    "region": "[State]",
    "country": "[Country]",
    "website": "[Website]",
    "email": "[Email]",
    "phone": "[Phone]",
    "event_date": "[Event date]",
    "event_time": "[Start time]",
    "event_place": "[Event place]",
}
"""Campaign-wide wording for champion fields; `generic:` in toolkit.yaml overrides it."""

RENDER_STRINGS = (
    "Toolkit",
    "Ready-to-use pieces for {campaign}.",
    "Champions",
    "Every local champion of {campaign}.",
    "Other places",
    "Page not found",
    "{name} is taking part in {campaign}.",
)
"""Interface strings the renderer itself writes (templates hold the rest)."""
_TRANSLATED_KINDS = ("page", "kit", "kit-index", "directory")
SHARE_CACHE = ".toolkit-cache/share"
PRINT_FONTS = ".toolkit-cache/print-fonts"
"""The theme's fonts in one folder for PDFs, when a project's theme replaces only some."""
FONTS_CACHE = ".toolkit-cache/fonts"
"""The typeface as share images are drawn with it (`shareimage.unhinted`), one file a weight."""
SHARE_VERSION = 7
"""Bump when the drawing of share images changes, so cached ones are drawn again."""
DEFAULT_BRAND = ("#0b5d3b", "#f2b705")
"""The campaign's own colours, for pages and prints that no champion co-brands."""


def page_values(
    title: str,
    description: str = "",
    content: str = "",
    headings: tuple[tuple[int, str, str], ...] = (),
    source: Page | None = None,
) -> dict[str, Any]:
    """Return what templates see as `page`."""
    return {
        "title": title,
        "description": description,
        "content": Markup(content),
        "headings": headings,
        "source": source,
        "extra": source.extra if source else {},
        "image": source.image if source else None,
        "lang": source.lang if source else None,
    }


@dataclass(frozen=True, slots=True)
class _PageParts:
    """A page converted once and compiled, ready to be filled in for any champion."""

    body: merge.CompiledField
    title: merge.CompiledField
    description: merge.CompiledField
    headings: tuple[tuple[int, str, str], ...]


class Renderer:
    """Renders outputs of one site; safe to share between threads."""

    def __init__(self, site: Site, plan: Plan, checked_theme: str | None = None) -> None:
        """`checked_theme` is the `theme_key` of a theme whose templates all loaded before."""
        self.site = site
        self._sitemaps = plan.sitemaps
        self.settings = site.settings
        self.env, self.theme_key = theme_environment(site, checked_theme)
        self.default_lang = site.settings.language
        self._translators = {
            lang: translator(site.messages.get(lang, {})) for lang in site.settings.languages
        }
        # The campaign's wording in each language (`translations:` in toolkit.yaml).
        self._settings = {lang: site.settings.in_language(lang) for lang in site.settings.languages}
        self._campaigns = {lang: _campaign(self._settings[lang], lang) for lang in self._settings}
        self._last_merged: tuple[Champion, str, MergeChampion] | None = None
        self._last_pieces: tuple[Champion, str, list[dict[str, Any]]] | None = None
        self._generics = {
            lang: _generic(self._settings[lang], lang, self._translators[lang])
            for lang in site.settings.languages
        }
        self.page_problems: dict[str, tuple[Problem, ...]] = {}
        """What converting each page found (broken links, images without alt text), by the
        page's path as text (as `_pages`)."""
        self._parts: dict[str, _PageParts] = {}
        self._lock = threading.Lock()
        # By each page's path as text: a path object's first hash costs ten times a text's, and
        # ten thousand pages are looked up here.
        self._pages = {str(p.path): p for p in site.pages}
        # The folder of the theme's fonts, for share images and PDFs; looked up once a build.
        self._static = site.theme.static_files()
        self._print_fonts: str | None = None
        self._typeface: Typeface | None = None
        """The share images' typeface, once one is drawn (see `_share_image`)."""
        self._drafts = {str(p.path) for p in site.drafts}
        self._assets = set(site.assets)
        # What a page's links can lead to, as one digest: a page converts the same while it
        # and this stay the same.
        # Joined text rather than a repr of tuples: ten thousand pages are in it.
        targets = hashlib.sha256()
        for part in (
            sorted(f"{p.path}\0{p.url}\0{p.section}\0{p.name}\0{p.lang}" for p in site.pages),
            sorted(str(p.path) for p in site.drafts),
            sorted(str(a) for a in site.assets),
        ):
            targets.update("\n".join(part).encode("utf-8", "surrogateescape") + b"\1")
        self._link_targets = targets.hexdigest()[:32]
        self._nav = [p for p in site.section("site") if p.nav and p.name]
        self._pieces = {p.name: p for p in site.section("kit")}
        self._alternates = self._alternate_urls(plan)
        self._by_region: dict[str, list[Champion]] = {}
        for champion in site.champions:
            self._by_region.setdefault(champion.region or "", []).append(champion)
        self._kinds: dict[str, Callable[[Output], str | bytes]] = {
            "page": self._page,
            "kit": self._page,
            "kit-index": self._kit_index,
            "directory": self._directory,
            "microsite": self._microsite,
            "calendar": self._calendar,
            "alias": self._alias,
            "sitemap": self._sitemap,
            "sitemap-index": self._sitemap_index,
            "robots": self._robots,
            "not-found": self._not_found,
            "print-preview": self._print_preview,
            "qr": self._qr,
            "kit-zip": self._kit_zip,
            "share-image": self._share_image,
        }
        self._logo_cache: dict[Path, Image.Image | None] = {}
        self._kit_lists: dict[str, list[dict[str, str]]] = {}
        self._common_kit_files: dict[str, bytes] | None = None
        self.share_cache_used: set[Path] = set()
        """Cached share images this build used (the build forgets the others)."""
        self.page_counts: dict[str, int] = {}
        """Pages in each PDF of this build, filled in by the build once PDFs are made."""
        self._planned = plan.by_path
        # Print documents may read the project's content and the theme, and nothing else.
        self._print_roots = tuple(
            str(folder.resolve())
            for folder in (
                site.project / CONTENT_DIR,
                *site.theme.folders,
                site.project / PRINT_FONTS,
            )
        )

    def prepare(
        self, known: Mapping[str, tuple[str, tuple[Problem, ...]]] | None = None
    ) -> list[Problem]:
        """Convert every page once, and return what that found (broken links, missing alt).

        `known` maps a page's path to what an earlier conversion with the same key found:
        such a page is converted later only if an output needs it.
        """
        for page in self.site.pages:
            path = str(page.path)
            if path in self.page_problems:
                continue
            remembered = (known or {}).get(path)
            if remembered is not None and remembered[0] == self.conversion_key(page):
                self.page_problems.setdefault(path, remembered[1])
            else:
                self._page_parts(page)
        return self.problems

    @property
    def problems(self) -> list[Problem]:
        """What converting the pages found so far, in the order of the pages."""
        return [
            problem
            for page in self.site.pages
            for problem in self.page_problems.get(str(page.path), ())
        ]

    def conversion_key(self, page: Page) -> str:
        """Return a key that changes whenever converting `page` could give something else: the
        digest of its file, and of what its links can lead to (its path is not in it)."""
        return page.digest + self._link_targets

    def render(self, output: Output) -> bytes:
        """Return the bytes of one output (copied files are not rendered here)."""
        result = self._kinds[output.kind](output)
        return result.encode("utf-8") if isinstance(result, str) else result

    # -- pages -----------------------------------------------------------------------------

    def _page(self, output: Output) -> str:
        page = self._pages[str(output.page)] if output.page else None
        champion = self.site.champions_by_id[output.champion] if output.champion else None
        lang = self._lang(output)
        merge_champion = self._merge(champion, lang)
        context = {"champion": merge_champion, "campaign": self._campaigns[lang]}
        values = self._base_context(output, champion)
        if page is None:
            layout = "home"
            campaign = self._campaigns[lang]
            values["page"] = page_values(campaign.name, campaign.description)
        else:
            layout = page.layout or ("kit" if page.section == "kit" else "page")
            if page.name == "" and page.section == "site" and not page.layout:
                layout = "home"
            parts = self._page_parts(page)
            values["page"] = page_values(
                parts.title(context),
                parts.description(context) or self._campaigns[lang].description,
                parts.body(context),
                parts.headings,
                page,
            )
        if champion is not None:
            values.update(self._champion_context(champion, merge_champion, lang))
        values["merge"] = merge_champion
        return self._finish(layout + ".html", values, champion)

    def _lang(self, output: Output) -> str:
        return output.lang or self.default_lang

    def _merge(self, champion: Champion | None, lang: str) -> MergeChampion:
        if champion is None:
            return self._generics[lang]
        # A champion's outputs are made one after another (see `make._chunks`): their merge
        # fields, dates written out in the language included, are worked out once for all.
        last = self._last_merged
        if last is not None and last[0] is champion and last[1] == lang:
            return last[2]
        merged = _merge_champion(champion, self.site, lang)
        self._last_merged = (champion, lang, merged)
        return merged

    def _page_parts(self, page: Page) -> _PageParts:
        parts = self._parts.get(str(page.path))
        if parts is None:
            # A long-running preview converts a page again only when it (or what its links can
            # lead to) changed: the same page in the same site converts to the same parts.
            key = (page.path, self.conversion_key(page))
            remembered = _CONVERTED.get(key)
            if remembered is None:
                remembered = self._convert(page)
                _CONVERTED[key] = remembered
                while len(_CONVERTED) > _CONVERTED_LIMIT:
                    _CONVERTED.pop(next(iter(_CONVERTED)))
            parts, problems = remembered
            with self._lock:
                self._parts[str(page.path)] = parts
                self.page_problems[str(page.path)] = problems
        return parts

    def _convert(self, page: Page) -> tuple[_PageParts, tuple[Problem, ...]]:
        def resolve(target: PurePosixPath) -> str | None:
            return self._resolve(target, page.lang)

        converted = markup.convert(page.body, page.path, resolve, page.body_line)
        parts = _PageParts(
            body=merge.compile_html(converted.html, page.path),
            title=merge.compile_text(page.title, page.path),
            description=merge.compile_text(page.description, page.path),
            headings=converted.headings,
        )
        return parts, converted.problems

    def _resolve(self, target: PurePosixPath, lang: str) -> str | None:
        page = self._pages.get(str(target)) or self._pages.get(str(target / "index.md"))
        if page is not None:
            if page.section == "kit":
                return markup.KIT + page.name + markup.KIT_END
            # A translated page links to the same language's version where there is one.
            return markup.ROOT + self.site.translation(page, lang).url
        if str(target) in self._drafts:
            return None
        relative = PurePosixPath(target).relative_to(CONTENT_DIR) if target != CONTENT_DIR else None
        if relative is not None and relative in self._assets:
            return markup.ROOT + relative.as_posix()
        return None

    # -- champions -------------------------------------------------------------------------

    def _pieces_listed(
        self, champion: Champion, merged: MergeChampion, lang: str
    ) -> list[dict[str, Any]]:
        """The champion's toolkit pieces, as every page of theirs lists them (worked out once
        for all their pages, made one after another)."""
        last = self._last_pieces
        if last is not None and last[0] is champion and last[1] == lang:
            return last[2]
        context = {"champion": merged, "campaign": self._campaigns[lang]}
        pieces = [
            {
                "title": self._page_parts(self.site.translation(p, lang)).title(context),
                "url": champion_url(self.site, champion.id, p),
                "description": self._page_parts(self.site.translation(p, lang)).description(
                    context
                ),
            }
            for p in pieces_for(self.site, champion)
        ]
        self._last_pieces = (champion, lang, pieces)
        return pieces

    def _champion_context(
        self, champion: Champion, merged: MergeChampion, lang: str
    ) -> dict[str, Any]:
        colors = champion.colors
        return {
            "profile": champion,
            "home_url": champion_url(self.site, champion.id),
            "pieces": self._pieces_listed(champion, merged, lang),
            "logo_url": champion.logo.as_posix() if champion.logo else None,
            "brand": (
                {"primary": colors.primary, "accent": colors.accent or colors.primary}
                if colors
                else None
            ),
        }

    def _microsite(self, output: Output) -> str:
        champion = self.site.champions_by_id[output.champion or ""]
        lang = self._lang(output)
        merged = self._merge(champion, lang)
        values = self._base_context(output, champion)
        values.update(self._champion_context(champion, merged, lang))
        # Only the microsite lists the print kit: it is the page made from the print pieces.
        values["print_kit"] = self._print_kit(champion.id, merged, lang)
        _ = self._translators[lang]
        values["merge"] = merged
        about = _("{name} is taking part in {campaign}.").format(
            name=champion.name, campaign=self._campaigns[lang].name
        )
        values["page"] = page_values(champion.name, about)
        values["message"] = _champion_html(champion.message)
        values["businesses"] = [
            {**dataclasses.asdict(b), "description": _champion_html(b.description)}
            for b in champion.businesses
        ]
        has_date = champion.event is not None and champion.event.date is not None
        values["calendar_url"] = "event.ics" if has_date else None
        values["nearby"] = self._nearby(champion)
        return self._finish("microsite.html", values, champion)

    def _nearby(self, champion: Champion, limit: int = 6) -> list[dict[str, str]]:
        """Return other champions in the same region, for "nearby champions": their id and
        name, all that the region's input key stands for."""
        if not champion.region:
            return []
        same = self._by_region.get(champion.region, ())
        return [{"id": c.id, "name": c.name} for c in same if c.id != champion.id][:limit]

    def _calendar(self, output: Output) -> str:
        champion = self.site.champions_by_id[output.champion or ""]
        host = urlsplit(self.settings.base_url).hostname or "toolkit"
        name = self._campaigns[self._lang(output)].name
        return event_calendar(
            champion, name, self._absolute(champion_url(self.site, champion.id)), host
        )

    def _alias(self, output: Output) -> str:
        piece = self._pages[str(output.page)] if output.page else None
        target = champion_url(self.site, output.champion or "", piece)
        values = self._base_context(output, None)
        values["target"] = target
        values["canonical"] = self._absolute(target)
        values["page"] = page_values(self.site.champions_by_id[output.champion or ""].name)
        return self._finish("redirect.html", values, None)

    def _share_image(self, output: Output) -> bytes:
        champion = self.site.champions_by_id[output.champion] if output.champion else None
        lang = self._lang(output)
        _ = self._translators[lang]
        campaign = self._campaigns[lang]
        colors = champion.colors if champion else None
        primary = colors.primary if colors else DEFAULT_BRAND[0]
        accent = (colors.accent or colors.primary) if colors else DEFAULT_BRAND[1]
        content = self.site.project / CONTENT_DIR
        if champion is None:
            title = campaign.tagline or campaign.name
            lines = tuple(x for x in (campaign.date,) if x)
        else:
            merged = self._merge(champion, lang)
            title = champion.name
            place = ", ".join(x for x in (champion.city, champion.region) if x)
            event = merged.event
            when = " · ".join(x for x in (event.date, event.place) if x) if event else ""
            lines = tuple(x for x in (place, when or campaign.date) if x)
        # Pillow takes a while to import: a build that draws no share image does without it.
        from toolkit.shareimage import Card, draw, unreadable_font

        card = Card(
            kicker=campaign.name,
            title=title,
            lines=lines,
            primary=primary,
            ink=contrast_text(primary),
            accent=accent,
            fonts=self._share_typeface(),
            artwork=content / self.settings.image if self.settings.image else None,
            logo=self._logo_pixels(content / champion.logo) if champion and champion.logo else None,
        )
        # Like PDFs, a share image is drawn again only when something on it changed: the logo,
        # the artwork and the typeface are known by their files' size and time.
        files = [content / champion.logo] if champion and champion.logo else []
        files += card.fonts.files
        key = hashlib.sha256(
            repr(
                (
                    SHARE_VERSION,
                    dataclasses.replace(card, logo=None),
                    [(str(f), _stat_of(f)) for f in files],
                    card.artwork and _stat_of(card.artwork),
                )
            ).encode("utf-8")
        ).hexdigest()
        cached = self.site.project / SHARE_CACHE / f"{key}.png"
        if cached.is_file():
            self.share_cache_used.add(cached)
            return cached.read_bytes()
        try:
            data = draw(card, self.site.project / FONTS_CACHE)
        except OSError as exc:
            unreadable = unreadable_font(card.fonts)
            if unreadable is None:
                raise
            raise ToolkitError.at(
                Location(shown_path(unreadable, self.site.project)),
                f"the share images cannot be drawn in this font ({exc}): replace it with a "
                "TrueType font, or remove it to use the default theme's",
            ) from None
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_whole(cached, data)
        self.share_cache_used.add(cached)
        return data

    def _share_typeface(self) -> Typeface:
        # Each weight from the theme that has it (the default theme has them all): a project's
        # theme may replace one of them.
        if self._typeface is None:
            from toolkit.shareimage import FONT_FILES, Typeface

            self._typeface = Typeface(
                *(self._static[PurePosixPath("fonts", n)] for n in FONT_FILES)
            )
        return self._typeface

    def _logo_pixels(self, path: Path) -> Image.Image | None:
        """Return a logo in pixels for share images; an SVG is drawn once per build."""
        from toolkit.shareimage import load_logo

        with self._lock:
            if path not in self._logo_cache:
                self._logo_cache[path] = load_logo(path)
            return self._logo_cache[path]

    def _kit_zip(self, output: Output) -> bytes:
        champion = self.site.champions_by_id[output.champion or ""]
        with self._lock:
            if self._common_kit_files is None:
                self._common_kit_files = common_kit_files(self.site)
        return kit_zip(kit_files(self.site, champion, self._common_kit_files), f"{champion.id}-kit")

    # -- print kits -----------------------------------------------------------------------

    def _print_kit(
        self, champion_id: str | None, merged: MergeChampion, lang: str
    ) -> list[dict[str, Any]]:
        """List a print kit's pieces with their preview page and PDFs (size, page count)."""
        champion = self.site.champions_by_id[champion_id] if champion_id else None
        pieces = (
            pieces_for(self.site, champion, "print") if champion else self.site.section("print")
        )
        folder = print_folder(self.site, champion_id)
        context = {"champion": merged, "campaign": self._campaigns[lang]}
        _ = self._translators[lang]
        kit = []
        for piece in pieces:
            pdfs = []
            for size in print_sizes(self.site, piece):
                path = f"{folder}{piece.name}-{size}.pdf"
                if path in self._planned:
                    pages = self.page_counts.get(path)
                    pdfs.append({"url": path, "label": _(paper(size).label), "pages": pages})
            kit.append(
                {
                    "title": self._page_parts(self.site.translation(piece, lang)).title(context),
                    "preview_url": f"{folder}{piece.name}/",
                    "pdfs": pdfs,
                }
            )
        return kit

    def _qr(self, output: Output) -> bytes:
        champion = self.site.champions_by_id[output.champion] if output.champion else None
        return qr_png(self._merge(champion, self._lang(output)).url)

    def _print_preview(self, output: Output) -> str:
        piece = self._pages[str(output.page)]
        size = print_sizes(self.site, piece)[0]
        values = self._print_context(output, piece, size, screen=True)
        return self._finish(f"print/{piece.layout or 'poster'}.html", values, None)

    def print_job(self, output: Output) -> Job:
        """Return the HTML document that becomes one PDF, and what it may read."""
        piece = self._pages[str(output.page)]
        values = self._print_context(output, piece, output.size or "letter", screen=False)
        template = f"print/{piece.layout or 'poster'}.html"
        variants = []
        for fit in FIT_STEPS:
            values["t"] = values["s"] * fit
            variants.append(self._finish(template, values, None))
        return Job(
            html=variants[0],
            roots=self._print_roots,
            origin=piece.path,
            smaller=tuple(variants[1:]),
        )

    def _print_context(
        self, output: Output, piece: Page, size: str, *, screen: bool
    ) -> dict[str, Any]:
        champion = self.site.champions_by_id[output.champion] if output.champion else None
        lang = self._lang(output)
        merged = self._merge(champion, lang)
        context = {"champion": merged, "campaign": self._campaigns[lang]}
        parts = self._page_parts(piece)
        _ = self._translators[lang]
        values = self._base_context(output, champion)
        sheet = paper(size)
        root = values["root"]

        def source(content_path: PurePosixPath | str | None) -> str | None:
            if content_path is None:
                return None
            if screen:
                return root + PurePosixPath(content_path).as_posix()
            return file_url(self.site.project / CONTENT_DIR / content_path)

        font_url = root + "static/fonts/" if screen else self._print_font_folder()
        colors = champion.colors if champion else None
        primary = colors.primary if colors else DEFAULT_BRAND[0]
        accent = (colors.accent or colors.primary) if colors else DEFAULT_BRAND[1]
        qr_url = merged.url
        folder = print_folder(self.site, champion.id if champion else None)
        values.update(
            {
                "mode": "screen" if screen else "pdf",
                "paper": sheet,
                "s": sheet.scale,
                "t": sheet.scale,
                "bleed": 0 if screen else self.settings.print.bleed_mm,
                "crop_marks": not screen and self.settings.print.crop_marks,
                "font_url": font_url,
                "page": page_values(parts.title(context), "", parts.body(context), (), piece),
                "merge": merged,
                "profile": champion,
                "logo_src": source(champion.logo if champion else None),
                "artwork_src": source(piece.image),
                # A page links the QR code beside it; a PDF holds it.
                "qr_src": root + folder + "qr.png" if screen else qr_data_uri(qr_url),
                "qr_url": qr_url,
                "name_size": name_size(merged.name),
                "brand": {
                    "primary": primary,
                    "ink": contrast_text(primary),
                    "accent": accent,
                    "accent_on_paper": accent if contrast(accent, "#ffffff") >= 3 else primary,
                },
                "pdfs": [
                    {
                        "href": f"../{piece.name.rsplit('/', 1)[-1]}-{s}.pdf",
                        "label": _(paper(s).label),
                    }
                    for s in print_sizes(self.site, piece)
                    if f"{folder}{piece.name}-{s}.pdf" in self._planned
                ],
                "back_href": root + (champion_url(self.site, champion.id) if champion else "kit/"),
            }
        )
        return values

    def _print_font_folder(self) -> str:
        """Return the folder (a file:// URL, with a `/` at its end) a PDF finds the theme's
        fonts in, as `font_url`: one folder holding every font, each from the theme that has
        it. A project's theme that replaces some of the fonts has them copied, with the
        default theme's others, into `.toolkit-cache/print-fonts/`."""
        if self._print_fonts is None:
            fonts = {p.name: f for p, f in self._static.items() if p.parent.as_posix() == "fonts"}
            folders = {file.parent for file in fonts.values()}
            if len(folders) == 1:
                (folder,) = folders
            else:
                folder = self.site.project / PRINT_FONTS
                folder.mkdir(parents=True, exist_ok=True)
                for name, file in fonts.items():
                    _copy_if_changed(file, folder / name)
            self._print_fonts = file_url(folder) + "/"
        return self._print_fonts

    # -- campaign-wide pages ---------------------------------------------------------------

    def _kit_index(self, output: Output) -> str:
        lang = self._lang(output)
        _ = self._translators[lang]
        values = self._base_context(output, None)
        values["page"] = page_values(
            _("Toolkit"),
            _("Ready-to-use pieces for {campaign}.").format(campaign=self._campaigns[lang].name),
        )
        generic = self._generics[lang]
        context = {"champion": generic, "campaign": self._campaigns[lang]}
        values["print_kit"] = self._print_kit(None, generic, lang)
        translated = [self.site.translation(p, lang) for p in self.site.section("kit")]
        values["pieces"] = [
            {
                "title": self._page_parts(p).title(context),
                "url": p.url,
                "description": self._page_parts(p).description(context),
                "kinds": [_(KINDS.get(k, k)) for k in p.kinds],
            }
            for p in translated
        ]
        return self._finish("kit-index.html", values, None)

    def _directory(self, output: Output) -> str:
        lang = self._lang(output)
        _ = self._translators[lang]
        values = self._base_context(output, None)
        values["page"] = page_values(
            _("Champions"),
            _("Every local champion of {campaign}.").format(campaign=self._campaigns[lang].name),
        )
        # Each champion as listed: what the `listing` input key stands for, and no more.
        values["groups"] = [
            (
                region or _("Other places"),
                [
                    {name: getattr(c, name) for name in (*LISTED, "kind_label")}
                    for c in sorted(members, key=lambda c: c.name.lower())
                ],
            )
            for region, members in sorted(
                self._by_region.items(), key=lambda kv: (not kv[0], kv[0].lower())
            )
        ]
        kinds = {c.kind: _(c.kind_label) for c in self.site.champions}
        values["kinds"] = sorted(kinds.items(), key=lambda kv: kv[1])
        return self._finish("directory.html", values, None)

    def _sitemap(self, output: Output) -> str:
        values = self._base_context(output, None)
        urls = []
        for item in self._sitemaps[output.path]:
            if isinstance(item, Kept):
                # A champion's pages have neither a date nor translations at other addresses.
                urls.extend((self._absolute(_dir_url(p)), [], None) for p in item.listed_paths())
                continue
            urls.append(
                (
                    self._absolute(_dir_url(item.path)),
                    [
                        (lang, self._absolute(url))
                        for lang, url in self._alternates.get(item.path, ())
                    ],
                    self._pages[str(item.page)].date
                    if item.page and item.champion is None
                    else None,
                )
            )
        values["urls"] = urls
        return render_template(
            get_template(self.env, "sitemap.xml", self.site.project), values, self.site.project
        )

    def _sitemap_index(self, output: Output) -> str:
        entries = "".join(
            f"<sitemap><loc>{escape(self._absolute(path))}</loc></sitemap>\n"
            for path in self._sitemaps
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{entries}</sitemapindex>\n"
        )

    def _robots(self, output: Output) -> str:
        return f"User-agent: *\nAllow: /\n\nSitemap: {self._absolute('sitemap.xml')}\n"

    def _not_found(self, output: Output) -> str:
        # Hosts show 404.html at whatever address was missing: link from the site's root path.
        values = self._base_context(output, None)
        values["root"] = self.settings.base_path
        values["page"] = page_values(self._translators[self.default_lang]("Page not found"))
        return self._finish("404.html", values, None)

    # -- shared ----------------------------------------------------------------------------

    def _base_context(self, output: Output, champion: Champion | None) -> dict[str, Any]:
        url = _dir_url(output.path)
        depth = output.path.count("/")
        root = "../" * depth if depth else "./"
        lang = self._lang(output)
        values = {
            "campaign": self._campaigns[lang],
            "settings": self._settings[lang],
            "root": root,
            "url": url,
            "canonical": self._absolute(url),
            "lang": lang,
            "_": self._translators[lang],
            "champion_lang": champion.language if champion and champion.language else None,
            "nav": self._nav_items(lang, url),
            "alternates": [
                {"lang": other, "url": alternate, "current": other == lang}
                for other, alternate in self._alternates.get(output.path, ())
            ],
            "lang_home": "" if lang == self.default_lang or self.settings.partner else f"{lang}/",
            "kit_list": self._kit_list(lang),
            "kit_pieces": self.site.section("kit"),
            "share_image": self._absolute(
                champion_url(self.site, champion.id) + "share.png"
                if champion
                else "share.png"
                if not self.settings.partner
                else (self.settings.image or "")
            ),
            "kind": output.kind,
            "profile": None,
            "brand": None,
            "logo_url": None,
        }
        if LISTING in output.inputs:
            # Only pages made from the listing see it: no other is made again when one joins.
            values["champion_count"] = len(self.site.champions)
        return values

    def _kit_list(self, lang: str) -> list[dict[str, str]]:
        """Return the campaign-wide toolkit pieces in `lang`: title and address."""
        found = self._kit_lists.get(lang)
        if found is None:
            context = {"champion": self._generics[lang], "campaign": self._campaigns[lang]}
            pieces = [self.site.translation(p, lang) for p in self.site.section("kit")]
            found = [{"title": self._page_parts(p).title(context), "url": p.url} for p in pieces]
            self._kit_lists[lang] = found
        return found

    def _nav_items(self, lang: str, url: str) -> list[dict[str, Any]]:
        """Return the navigation in `lang`: each page's translation where there is one."""
        items = []
        for page in self._nav:
            shown = self.site.translation(page, lang)
            items.append(
                {
                    "title": shown.nav_title or shown.title,
                    "url": shown.url,
                    "current": url.startswith(shown.url),
                }
            )
        return items

    def _alternate_urls(self, plan: Plan) -> dict[str, list[tuple[str, str]]]:
        """Return, for each campaign-wide page, its versions in every language (hreflang)."""
        if len(self.settings.languages) < 2:
            return {}  # a campaign in one language has no alternates to list
        versions: dict[tuple[str, object], dict[str, str]] = {}
        wanted = [o for o in plan.outputs if o.champion is None and o.kind in _TRANSLATED_KINDS]
        for output in wanted:
            page = self._pages.get(str(output.page)) if output.page else None
            key = (output.kind, page.key if page else None)
            lang = output.lang or self.default_lang
            versions.setdefault(key, {})[lang] = _dir_url(output.path)
        alternates = {}
        for output in wanted:
            page = self._pages.get(str(output.page)) if output.page else None
            found = versions[(output.kind, page.key if page else None)]
            if len(found) > 1:
                alternates[output.path] = sorted(found.items())
        return alternates

    def _finish(self, template_name: str, values: dict[str, Any], champion: Champion | None) -> str:
        template = get_template(self.env, template_name, self.site.project)
        html = render_template(template, values, self.site.project)
        return self._links(html, values["root"], champion, values["lang"])

    def _links(self, html: str, root: str, champion: Champion | None, lang: str) -> str:
        html = html.replace(markup.ROOT, root)
        if markup.KIT not in html:
            return html
        pieces = {p.name for p in pieces_for(self.site, champion)} if champion else set()

        def piece_url(match: Any) -> str:
            name = match[1]
            if champion is not None and (name in pieces or self.settings.partner):
                return root + champion_url(self.site, champion.id) + name + "/"
            piece = self._pieces.get(name)
            if piece is not None and self.site.translated(piece, lang):
                return root + self.site.translation(piece, lang).url
            return root + "kit/" + name + "/"

        return markup.KIT_LINK.sub(piece_url, html)

    def _absolute(self, url: str) -> str:
        return self.settings.base_url + url


_CONVERTED: dict[tuple[PurePosixPath, str], tuple[_PageParts, tuple[Problem, ...]]] = {}
_CONVERTED_LIMIT = 5000
_ENVIRONMENTS: dict[str, Any] = {}


def theme_environment(site: Site, checked: str | None = None) -> tuple[Any, str]:
    """Return the theme's Jinja environment with every template loaded (and so checked), and
    a key that changes whenever a theme file does.

    A preview rebuilds many times in one process: the environment is kept while no theme
    file changes, so templates are not parsed again on every save. When the key is `checked`
    (every template loaded in an earlier build), templates are loaded as they are needed.
    """
    files = []
    for folder in site.theme.folders:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                files.append((str(file), version(file)))
    key = hashlib.sha256(repr((site.theme, files, str(site.project))).encode()).hexdigest()
    env = _ENVIRONMENTS.get(key)
    if env is None:
        env = make_environment(site.theme)
        if key != checked:
            for name in env.list_templates():
                # A broken template is reported before anything renders, even if no page uses
                # it.
                get_template(env, name, site.project)
        _ENVIRONMENTS.clear()
        _ENVIRONMENTS[key] = env
    return env, key


def _dir_url(path: str) -> str:
    """Return the URL a page is served at: `about/` for `about/index.html`."""
    if path == "index.html":
        return ""
    if path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path


def _campaign(s: Settings, lang: str) -> MergeCampaign:
    return MergeCampaign(
        name=s.name,
        tagline=s.tagline,
        description=s.description,
        date=format_date(s.date, lang) if s.date else None,
        url=s.base_url,
        email=s.email,
        date_iso=s.date.isoformat() if s.date else None,
    )


def _generic(settings: Settings, lang: str, _: Translate) -> MergeChampion:
    words = {key: _(text) for key, text in GENERIC.items()}
    words.update(settings.generic)
    date = words["event_date"]
    if "event_date" not in settings.generic and settings.date:
        date = format_date(settings.date, lang)
    return MergeChampion(
        id="",
        name=words["name"],
        kind="",
        kind_label=words["kind"],
        city=words["city"],
        region=words["region"],
        country=words["country"],
        website=words["website"],
        email=words["email"],
        phone=words["phone"],
        url=settings.base_url + "champions/",
        event=MergeEvent(
            date=date, time=words["event_time"], end=None, place=words["event_place"], address=None
        ),
        generic=True,
    )


def _merge_champion(champion: Champion, site: Site, lang: str) -> MergeChampion:
    event = champion.event
    merge_event = None
    if event is not None:
        merge_event = MergeEvent(
            date=format_date(event.date, lang) if event.date else None,
            time=format_time(event.time, lang) if event.time else None,
            end=format_time(event.end, lang) if event.end else None,
            place=event.place,
            address=event.address,
            date_iso=event.date.isoformat() if event.date else None,
        )
    _ = translator(site.messages.get(lang, {}))
    return MergeChampion(
        id=champion.id,
        name=champion.name,
        kind=champion.kind,
        kind_label=_(champion.kind_label),
        city=champion.city,
        region=champion.region,
        country=champion.country,
        website=champion.website,
        email=champion.email,
        phone=champion.phone,
        url=site.settings.base_url + champion_url(site, champion.id),
        event=merge_event,
    )


def _stat_of(file: Path) -> tuple[int, int] | None:
    try:
        info = file.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _champion_html(text: str | None) -> Markup | None:
    return Markup(markup.champion_text(text)) if text else None


def _copy_if_changed(source: Path, target: Path) -> None:
    """Copy `source` to `target`, with its time, unless it is there already with the same size
    and time; whole or not at all, as two processes making PDFs may copy it at once."""
    if _stat_of(target) != _stat_of(source):
        write_whole(target, source.read_bytes())
        known = source.stat()
        os.utime(target, ns=(known.st_atime_ns, known.st_mtime_ns))
