"""Render each planned output to bytes: HTML pages, the directory, calendars, sitemap, redirects."""

from __future__ import annotations

import posixpath
import threading
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from toolkit import markup, merge
from toolkit.errors import Problem
from toolkit.ics import event_calendar
from toolkit.merge import MergeCampaign, MergeChampion, MergeEvent, format_date, format_time
from toolkit.pages import CONTENT_DIR, Page
from toolkit.plan import Output, champion_url, pieces_for
from toolkit.roster import Champion
from toolkit.site import Site
from toolkit.templates import get_template, make_environment, render_template

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

_LAYOUTS = {"page": "page", "kit": "kit", "home": "home"}


@dataclass(frozen=True, slots=True)
class _PageParts:
    """A page converted once and compiled, ready to be filled in for any champion."""

    body: merge.CompiledField
    title: merge.CompiledField
    description: merge.CompiledField
    headings: tuple[tuple[int, str, str], ...]


class Renderer:
    """Renders outputs of one site; safe to share between threads."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.settings = site.settings
        self.env = make_environment(site.theme)
        for name in self.env.list_templates():
            # A broken template is reported before anything renders, even if no page uses it.
            get_template(self.env, name, site.project)
        self.campaign = _campaign(site)
        self.generic = _generic(site)
        self.warnings: list[Problem] = []
        self._parts: dict[PurePosixPath, _PageParts] = {}
        self._lock = threading.Lock()
        self._pages = {p.path: p for p in site.pages}
        self._drafts = {p.path for p in site.drafts}
        self._assets = set(site.assets)
        self._nav = [p for p in site.section("site") if p.nav and p.name]
        self._kinds: dict[str, Callable[[Output], str | bytes]] = {
            "page": self._page,
            "kit": self._page,
            "kit-index": self._kit_index,
            "directory": self._directory,
            "microsite": self._microsite,
            "calendar": self._calendar,
            "alias": self._alias,
            "sitemap": self._sitemap,
            "robots": self._robots,
            "not-found": self._not_found,
        }

    def render(self, output: Output) -> bytes:
        """Return the bytes of one output (copied files are not rendered here)."""
        result = self._kinds[output.kind](output)
        return result.encode("utf-8") if isinstance(result, str) else result

    # -- pages -----------------------------------------------------------------------------

    def _page(self, output: Output) -> str:
        page = self._pages[output.page] if output.page else None
        champion = self.site.champions_by_id[output.champion] if output.champion else None
        merge_champion = _merge_champion(champion, self.site) if champion else self.generic
        context = {"champion": merge_champion, "campaign": self.campaign}
        parts = self._page_parts(page) if page else None
        layout = (
            page.layout
            if page and page.layout
            else ("home" if output.path.as_posix() == "index.html" else "page")
        )
        if page and not page.layout and page.section == "kit":
            layout = "kit"
        values = self._base_context(output, champion)
        if parts is not None and page is not None:
            title = parts.title(context)
            values["page"] = {
                "title": title,
                "description": parts.description(context) or self.settings.description,
                "content": Markup(parts.body(context)),
                "headings": parts.headings,
                "source": page,
                "extra": page.extra,
                "image": page.image,
            }
        else:
            values["page"] = {
                "title": self.settings.name,
                "description": self.settings.description,
                "content": Markup(""),
                "headings": (),
                "source": None,
                "extra": {},
                "image": None,
            }
        if champion is not None:
            values.update(self._champion_context(champion))
        values["merge"] = merge_champion
        return self._finish(layout + ".html", values, champion)

    def _page_parts(self, page: Page) -> _PageParts:
        parts = self._parts.get(page.path)
        if parts is None:
            converted = markup.convert(page.body, page.path, self._resolve)
            parts = _PageParts(
                body=merge.compile_html(converted.html, page.path),
                title=merge.compile_text(page.title, page.path),
                description=merge.compile_text(page.description, page.path),
                headings=converted.headings,
            )
            with self._lock:
                self._parts[page.path] = parts
                self.warnings.extend(converted.problems)
        return parts

    def _resolve(self, target: PurePosixPath) -> str | None:
        page = self._pages.get(target) or self._pages.get(target / "index.md")
        if page is not None:
            if page.section == "kit":
                return markup.KIT + page.name + markup.KIT_END
            return markup.ROOT + page.url
        if target in self._drafts:
            return None
        relative = PurePosixPath(target).relative_to(CONTENT_DIR) if target != CONTENT_DIR else None
        if relative is not None and relative in self._assets:
            return markup.ROOT + relative.as_posix()
        return None

    # -- champions -------------------------------------------------------------------------

    def _champion_context(self, champion: Champion) -> dict[str, Any]:
        pieces = pieces_for(self.site, champion)
        colors = champion.colors
        return {
            "profile": champion,
            "home_url": champion_url(champion.id),
            "pieces": [
                {
                    "title": self._page_parts(p).title(
                        {
                            "champion": _merge_champion(champion, self.site),
                            "campaign": self.campaign,
                        }
                    ),
                    "url": champion_url(champion.id, p),
                    "description": p.description,
                }
                for p in pieces
            ],
            "logo_url": champion.logo.as_posix() if champion.logo else None,
            "brand": {"primary": colors.primary, "accent": colors.accent or colors.primary}
            if colors
            else None,
        }

    def _microsite(self, output: Output) -> str:
        champion = self.site.champions_by_id[output.champion or ""]
        values = self._base_context(output, champion)
        values.update(self._champion_context(champion))
        merge_champion = _merge_champion(champion, self.site)
        values["merge"] = merge_champion
        values["page"] = {
            "title": champion.name,
            "description": f"{champion.name} is taking part in {self.settings.name}"
            + (f" in {champion.city}" if champion.city else "")
            + ".",
            "content": Markup(""),
            "headings": (),
            "source": None,
            "extra": {},
            "image": None,
        }
        values["message"] = (
            Markup(markup.champion_text(champion.message)) if champion.message else None
        )
        values["businesses"] = [
            {
                "name": b.name,
                "address": b.address,
                "url": b.url,
                "category": b.category,
                "description": Markup(markup.champion_text(b.description))
                if b.description
                else None,
            }
            for b in champion.businesses
        ]
        values["calendar_url"] = "event.ics" if champion.event and champion.event.date else None
        values["nearby"] = (
            [c for c in self.site.champions if c.region == champion.region and c.id != champion.id][
                :6
            ]
            if champion.region
            else []
        )
        return self._finish("microsite.html", values, champion)

    def _calendar(self, output: Output) -> str:
        champion = self.site.champions_by_id[output.champion or ""]
        host = urlsplit(self.settings.base_url).hostname or "toolkit"
        return event_calendar(
            champion, self.settings.name, self._absolute(champion_url(champion.id)), host
        )

    def _alias(self, output: Output) -> str:
        target = champion_url(
            output.champion or "", self._pages[output.page] if output.page else None
        )
        values = self._base_context(output, None)
        values["target"] = target
        values["canonical"] = self._absolute(target)
        values["page"] = {
            "title": self.site.champions_by_id[output.champion or ""].name,
            "description": "",
            "content": Markup(""),
            "headings": (),
            "source": None,
            "extra": {},
            "image": None,
        }
        return self._finish("redirect.html", values, None)

    # -- campaign-wide pages ---------------------------------------------------------------

    def _kit_index(self, output: Output) -> str:
        values = self._base_context(output, None)
        values["page"] = {
            "title": "Toolkit",
            "description": f"Ready-to-use pieces for {self.settings.name}.",
            "content": Markup(""),
            "headings": (),
            "source": None,
            "extra": {},
            "image": None,
        }
        values["pieces"] = [
            {
                "title": self._page_parts(p).title(
                    {"champion": self.generic, "campaign": self.campaign}
                ),
                "url": p.url,
                "description": p.description,
                "kinds": p.kinds,
            }
            for p in self.site.section("kit")
        ]
        return self._finish("kit-index.html", values, None)

    def _directory(self, output: Output) -> str:
        values = self._base_context(output, None)
        values["page"] = {
            "title": "Champions",
            "description": f"Every local champion of {self.settings.name}.",
            "content": Markup(""),
            "headings": (),
            "source": None,
            "extra": {},
            "image": None,
        }
        champions = sorted(
            self.site.champions, key=lambda c: ((c.region or "~").lower(), c.name.lower())
        )
        values["groups"] = [
            (region if region != "~" else "Other places", list(group))
            for region, group in groupby(champions, key=lambda c: c.region or "~")
        ]
        values["kinds"] = sorted(
            {c.kind: c.kind_label for c in self.site.champions}.items(), key=lambda kv: kv[1]
        )
        return self._finish("directory.html", values, None)

    def _sitemap(self, output: Output) -> str:
        values = self._base_context(output, None)
        values["urls"] = [self._absolute(_dir_url(o.path)) for o in self._sitemap_outputs]
        return render_template(
            get_template(self.env, "sitemap.xml", self.site.project), values, self.site.project
        )

    def _robots(self, output: Output) -> str:
        return f"User-agent: *\nAllow: /\n\nSitemap: {self._absolute('sitemap.xml')}\n"

    def _not_found(self, output: Output) -> str:
        values = self._base_context(output, None)
        values["root"] = self.settings.base_path
        values["page"] = {
            "title": "Page not found",
            "description": "",
            "content": Markup(""),
            "headings": (),
            "source": None,
            "extra": {},
            "image": None,
        }
        return self._finish("404.html", values, None, root=self.settings.base_path)

    _sitemap_outputs: tuple[Output, ...] = ()

    def set_plan(self, outputs: tuple[Output, ...]) -> None:
        """Tell the renderer the full plan (the sitemap lists every page in it)."""
        kinds = ("page", "kit", "kit-index", "directory", "microsite")
        self._sitemap_outputs = tuple(o for o in outputs if o.kind in kinds)

    # -- shared ----------------------------------------------------------------------------

    def _base_context(self, output: Output, champion: Champion | None) -> dict[str, Any]:
        url = _dir_url(output.path)
        depth = len(output.path.parts) - 1
        root = "../" * depth if depth else "./"
        image = self.settings.image
        return {
            "campaign": self.campaign,
            "settings": self.settings,
            "root": root,
            "url": url,
            "canonical": self._absolute(url),
            "lang": (
                champion.language if champion and champion.language else self.settings.language
            ),
            "nav": [
                {"title": p.nav_title or p.title, "url": p.url, "current": url.startswith(p.url)}
                for p in self._nav
            ],
            "kit_pieces": self.site.section("kit"),
            "champion_count": len(self.site.champions),
            "share_image": self._absolute(image) if image else None,
            "kind": output.kind,
            "profile": None,
            "brand": None,
            "logo_url": None,
        }

    def _finish(
        self,
        template_name: str,
        values: dict[str, Any],
        champion: Champion | None,
        root: str | None = None,
    ) -> str:
        template = get_template(self.env, template_name, self.site.project)
        html = render_template(template, values, self.site.project)
        return self._links(html, root or values["root"], champion)

    def _links(self, html: str, root: str, champion: Champion | None) -> str:
        html = html.replace(markup.ROOT, root)
        if markup.KIT not in html:
            return html
        pieces = {p.name for p in pieces_for(self.site, champion)} if champion else set()

        def piece_url(match: Any) -> str:
            name = match[1]
            if champion is not None and name in pieces:
                return root + champion_url(champion.id) + name + "/"
            return root + "kit/" + name + "/"

        return markup.KIT_LINK.sub(piece_url, html)

    def _absolute(self, url: str) -> str:
        return self.settings.base_url + url


def _dir_url(path: PurePosixPath) -> str:
    """Return the URL a page is served at: `about/` for `about/index.html`."""
    text = path.as_posix()
    if text == "index.html":
        return ""
    if text.endswith("/index.html"):
        return text[: -len("index.html")]
    return text


def _campaign(site: Site) -> MergeCampaign:
    s = site.settings
    return MergeCampaign(
        name=s.name,
        tagline=s.tagline,
        description=s.description,
        date=format_date(s.date) if s.date else None,
        url=s.base_url,
        email=s.email,
        date_iso=s.date.isoformat() if s.date else None,
    )


def _generic(site: Site) -> MergeChampion:
    words = {**GENERIC, **site.settings.generic}
    date = words["event_date"]
    if "event_date" not in site.settings.generic and site.settings.date:
        date = format_date(site.settings.date)
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
        url=site.settings.base_url + "champions/",
        event=MergeEvent(
            date=date, time=words["event_time"], end=None, place=words["event_place"], address=None
        ),
        generic=True,
    )


def _merge_champion(champion: Champion, site: Site) -> MergeChampion:
    event = champion.event
    merge_event = None
    if event is not None:
        merge_event = MergeEvent(
            date=format_date(event.date) if event.date else None,
            time=format_time(event.time) if event.time else None,
            end=format_time(event.end) if event.end else None,
            place=event.place,
            address=event.address,
            date_iso=event.date.isoformat() if event.date else None,
        )
    return MergeChampion(
        id=champion.id,
        name=champion.name,
        kind=champion.kind,
        kind_label=champion.kind_label,
        city=champion.city,
        region=champion.region,
        country=champion.country,
        website=champion.website,
        email=champion.email,
        phone=champion.phone,
        url=site.settings.base_url + champion_url(champion.id),
        event=merge_event,
    )


def relative(from_url: str, to_url: str) -> str:
    """Return a relative link from one site URL to another."""
    return posixpath.relpath(to_url or ".", from_url or ".") + ("/" if to_url.endswith("/") else "")
