"""`toolkit check`: everything a build reads, validated, without writing anything."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from jinja2 import nodes

from toolkit.errors import Location, Problem, Problems, ToolkitError
from toolkit.plan import make_plan
from toolkit.printkit import PAPER_LABELS
from toolkit.render import GENERIC, RENDER_STRINGS, Renderer
from toolkit.roster import KINDS
from toolkit.site import Site, load_site

EXTERNAL_TIMEOUT = 10.0
"""Seconds to wait for one external site."""
EXTERNAL_WORKERS = 8
"""External links checked at once."""
_PICTURES = ("share-image", "qr")
_HREF = re.compile(r'\bhref="(https?://[^"]+)"')


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Every problem found, and how much was checked."""

    problems: tuple[Problem, ...]
    pages: int = 0
    champions: int = 0
    external: int = 0
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    def to_json(self) -> str:
        """Return the report as JSON, for CI."""
        return json.dumps(
            {
                "errors": self.errors,
                "warnings": self.warnings,
                "pages": self.pages,
                "champions": self.champions,
                "problems": [
                    {
                        "path": str(p.location.path),
                        "line": p.location.line,
                        "col": p.location.col,
                        "severity": p.severity,
                        "message": p.message,
                        "hint": p.hint,
                    }
                    for p in self.problems
                ],
            },
            indent=2,
            ensure_ascii=False,
        )


def run(project: Path, *, external: bool = False, today: dt.date | None = None) -> CheckReport:
    """Check `project` as a build would, and more; return every problem at once."""
    started = time.perf_counter()
    try:
        site = load_site(project)
    except ToolkitError as error:
        return CheckReport(error.problems, seconds=time.perf_counter() - started)
    problems = Problems()
    problems.extend(site.warnings)
    plan, collisions = make_plan(site, pdfs=False)
    problems.extend(collisions.items)
    try:
        renderer = Renderer(site, plan)
    except ToolkitError as error:
        problems.absorb(error)
        return _report(problems, site, 0, started)
    rendered: list[tuple[Location, str]] = []
    seen: set[str] = set()
    pages = 0
    for output in plan.outputs:
        if output.file is not None or output.kind in _PICTURES:
            continue  # no text to check in copies and pictures (and check writes no cache)
        try:
            data = renderer.render(output)
        except ToolkitError as error:
            # One broken template fails every page that uses it: say it once.
            for problem in error.problems:
                if str(problem) not in seen:
                    seen.add(str(problem))
                    problems.items.append(problem)
            continue
        if output.path.endswith(".html"):
            pages += output.kind != "alias"
            rendered.append((output.origin, data.decode("utf-8")))
    problems.extend(renderer.problems)
    problems.extend(past_events(site, today or dt.date.today()))
    problems.extend(untranslated(site, renderer))
    checked = 0
    if external:
        links = external_links(rendered)
        checked = len(links)
        problems.extend(check_external(links))
    return _report(problems, site, pages, started, checked)


def _report(
    problems: Problems, site: Site, pages: int, started: float, external: int = 0
) -> CheckReport:
    ordered = ToolkitError(problems.items).problems  # sorted by file and line
    return CheckReport(ordered, pages, len(site.champions), external, time.perf_counter() - started)


def past_events(site: Site, today: dt.date) -> Iterable[Problem]:
    """Warn about events dated before today: usually last year's entry, not yet updated."""
    for champion in site.champions:
        event = champion.event
        if event is not None and event.date is not None and event.date < today:
            yield Problem(
                champion.source,
                f"the event of {champion.name} is on {event.date.isoformat()}, which has passed",
                "warning",
            )


def untranslated(site: Site, renderer: Renderer) -> Iterable[Problem]:
    """List, per extra language, the pages and interface strings that have no translation."""
    strings = sorted(interface_strings(renderer))
    for lang in site.settings.languages[1:]:
        for page in site.pages:
            if page.default_language and not site.translated(page, lang):
                suggestion = page.path.with_name(f"{page.path.stem}.{lang}.md")
                yield Problem(
                    page.source,
                    f"not translated into {lang!r}; the {lang!r} pages show it in "
                    f"{site.settings.language!r} (translate it as {suggestion})",
                    "warning",
                )
        messages = site.messages.get(lang, {})
        missing = [text for text in strings if text not in messages]
        if missing:
            shown = ", ".join(repr(text) for text in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            yield Problem(
                site.settings.source,
                f"{len(missing)} interface strings have no {lang!r} translation in the theme's "
                f"messages/{lang}.yaml: {shown}{more}",
                "warning",
            )


def interface_strings(renderer: Renderer) -> set[str]:
    """Return every `_("…")` string of the theme's templates and of the renderer."""
    found = set(RENDER_STRINGS) | set(GENERIC.values()) | set(KINDS.values())
    found |= set(PAPER_LABELS.values())
    env = renderer.env
    for name in env.list_templates():
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        for call in env.parse(source).find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == "_" and call.args:
                first = call.args[0]
                if isinstance(first, nodes.Const) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def external_links(rendered: list[tuple[Location, str]]) -> dict[str, Location]:
    """Return each external link in the rendered pages, with the first place it comes from."""
    links: dict[str, Location] = {}
    for origin, html in rendered:
        for url in _HREF.findall(html):
            links.setdefault(url.replace("&amp;", "&"), origin)
    return links


def check_external(links: dict[str, Location]) -> list[Problem]:
    """Fetch every external link, a few at a time, each with a time limit."""
    with ThreadPoolExecutor(max_workers=EXTERNAL_WORKERS) as pool:
        results = list(pool.map(_fetch_status, links))
    return [
        Problem(links[url], f"external link {url} {failure}")
        for url, failure in zip(links, results, strict=True)
        if failure is not None
    ]


def _fetch_status(url: str) -> str | None:
    """Return what is wrong with an external URL, or None when it answers."""
    headers = {"User-Agent": "toolkit-link-check"}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=EXTERNAL_TIMEOUT):
                return None
        except urllib.error.HTTPError as exc:
            exc.close()
            # Some servers refuse HEAD; ask once more with GET before calling it broken.
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
            return f"answered {exc.code} {exc.reason}"
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return f"did not answer: {reason}"
    return "did not answer"
