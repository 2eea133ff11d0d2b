"""The whole campaign, loaded and checked: the single entry point of the load stage."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from toolkit.errors import Location, Problem, Problems, ToolkitError
from toolkit.messages import load_messages
from toolkit.pages import CONTENT_DIR, Page, PageCache, load_pages
from toolkit.roster import ROSTER_DIR, Champion, RosterCache, load_roster
from toolkit.scan import Scan, scan
from toolkit.settings import Settings, load_settings
from toolkit.themes import Theme, load_theme

# Never published, wherever they are under content/.
CONFLICT_SUFFIX = ".upstream"
"""`toolkit update` writes upstream's version of a conflicting file beside it with this suffix."""
_PRIVATE_NAMES = (".env", ".git", ".hg", ".svn", ".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """Everything a build reads, validated and immutable."""

    project: Path
    settings: Settings
    pages: tuple[Page, ...]
    """Published pages (no drafts), ordered."""
    drafts: tuple[Page, ...]
    champions: tuple[Champion, ...]
    champions_by_id: Mapping[str, Champion]
    assets: tuple[PurePosixPath, ...]
    """Files under `content/` copied as they are, relative to `content/`."""
    theme: Theme
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    """The theme's interface strings, by language."""
    warnings: tuple = ()
    _translations: Mapping[tuple[str, str, str], Page] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Each published page by (section, name, language)."""
    _sections: dict[str, tuple[Page, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def section(self, name: str) -> tuple[Page, ...]:
        """Return the published pages of a section in the campaign's first language."""
        found = self._sections.get(name)
        if found is None:
            found = tuple(p for p in self.pages if p.section == name and p.default_language)
            self._sections[name] = found
        return found

    def pieces_for_kind(self, section: str, kind: str) -> tuple[Page, ...]:
        """Return the pieces of a section meant for champions of `kind`."""
        # Thousands of champions share a handful of kinds: each kind's pieces are kept.
        key = f"{section}\0{kind}"
        found = self._sections.get(key)
        if found is None:
            found = tuple(p for p in self.section(section) if p.is_for(kind))
            self._sections[key] = found
        return found

    def translation(self, page: Page, lang: str | None) -> Page:
        """Return `page` in `lang` where it is translated, else `page` itself (the fallback)."""
        if lang is None or lang == page.lang:
            return page
        return self._translations.get((*page.key, lang), page)

    def translated(self, page: Page, lang: str) -> bool:
        """Return whether `page` has a translation in `lang` (or is in it)."""
        return page.lang == lang or (*page.key, lang) in self._translations

    def page_by_source(self) -> Mapping[PurePosixPath, Page]:
        return {p.path: p for p in self.pages}


def load_site(
    project: Path,
    cache: Callable[[Settings], tuple[PageCache, RosterCache]] | None = None,
    seen: Scan | None = None,
) -> Site:
    """Load and validate the settings, pages, rosters, assets and theme of `project`.

    `cache`, given the settings, returns where the pages and champions read by an earlier
    build are kept; `seen` is the build's look at the project's files, if it has one.
    """
    project = project.resolve()
    settings = load_settings(project)
    seen = seen or scan(project)
    problems = Problems()
    problems.extend(links_out_of(seen))
    # Nothing is read through a link that leads out of the project.
    problems.raise_if_errors()
    pages: tuple[Page, ...] = ()
    champions: tuple[Champion, ...] = ()
    page_cache, roster_cache = cache(settings) if cache is not None else (None, None)
    pages = load_pages(project, settings.languages, problems, page_cache, seen)
    champions = load_roster(project, settings.languages, problems, roster_cache)
    theme = None
    try:
        theme = load_theme(project, settings.theme)
    except ToolkitError as exc:
        problems.absorb(exc)
    partner = settings.partner
    if partner is not None and not any(c.id == partner for c in champions):
        problems.error(
            settings.source, f"`partner: {partner}` names no champion in content/champions/"
        )
    messages = load_messages(theme, settings.languages, project, problems) if theme else {}
    assets = find_assets(seen, problems)
    _check_image(settings.image, settings.source, assets, problems)
    problems.raise_if_errors()
    assert theme is not None
    return Site(
        project=project,
        settings=settings,
        pages=tuple(p for p in pages if not p.draft),
        _translations=MappingProxyType({(*p.key, p.lang): p for p in pages if not p.draft}),
        drafts=tuple(p for p in pages if p.draft),
        champions=champions,
        champions_by_id=MappingProxyType({c.id: c for c in champions}),
        assets=assets,
        theme=theme,
        messages=MappingProxyType(dict(messages)),
        warnings=tuple(problems.warnings),
    )


def find_assets(seen: Scan, problems: Problems) -> tuple[PurePosixPath, ...]:
    """Return every file under `content/` that is published as it is."""
    found = []
    for path, _ in seen.files:
        if path.endswith(".md"):
            continue  # a page (ten thousand of them, in a large corpus)
        parts = path.split("/")
        if parts[0] != CONTENT_DIR.name or any(_private(p) for p in parts[1:]):
            continue
        name = parts[-1]
        relative = PurePosixPath(*parts[1:])
        if name.endswith(CONFLICT_SUFFIX):
            # Left by `toolkit update`: never published, and not to be forgotten.
            problems.warning(
                Location(CONTENT_DIR / relative),
                "unresolved update conflict: merge it into "
                f"{name.removesuffix(CONFLICT_SUFFIX)} by hand, then delete it",
            )
            continue
        if relative.parts[0] == ROSTER_DIR.name and relative.suffix in (".yaml", ".yml"):
            # Never published: a roster holds contact details.
            if relative.parent != PurePosixPath(ROSTER_DIR.name):
                problems.warning(
                    Location(CONTENT_DIR / relative),
                    f"not read as a roster: roster files go directly in {ROSTER_DIR}/",
                )
            continue
        found.append(relative)
    return tuple(found)


def links_out_of(seen: Scan) -> list[Problem]:
    """Return an error for each link in content/ or themes/ that leads out of the project."""
    return [
        Problem(Location(PurePosixPath(link)), "symbolic link leads out of the project")
        for link in seen.links
        if not (seen.project / link).resolve().is_relative_to(seen.project)
    ]


def _private(name: str) -> bool:
    return name.startswith(".") or name in _PRIVATE_NAMES


def _check_image(
    image: str | None, where: Location, assets: tuple[PurePosixPath, ...], problems: Problems
) -> None:
    if image is not None and PurePosixPath(image) not in assets:
        problems.error(where, f"share image not found under content/: {image}")
