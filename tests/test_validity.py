"""Every HTML page of the example campaign passes the W3C Nu HTML Checker with zero errors."""

from __future__ import annotations

from pathlib import Path

from tests.browser import example_site, java, nu_check


def where(message: dict, root: Path) -> str:
    url = message.get("url", "")
    path = url.removeprefix("file:").removeprefix(root.as_posix() + "/")
    line = message.get("lastLine") or message.get("firstLine") or ""
    kind = message.get("subType") or message["type"]
    extract = (message.get("extract") or "").replace("\n", "⏎")
    return f"{path}:{line}: {kind}: {message['message']}" + (f"\n    {extract}" if extract else "")


def test_every_page_of_the_example_campaign_is_valid_html(tmp_path_factory):
    java()  # before the build: without Java there is nothing to check with
    site = example_site(tmp_path_factory)
    pages = sorted(site.rglob("*.html"))
    # The landing page, campaign pages, the directory, microsites, toolkit pieces, print
    # previews, redirects from aliases and the 404 page: about a hundred files.
    assert len(pages) > 50, [p.relative_to(site).as_posix() for p in pages]

    messages = nu_check(site)

    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    report = "\n".join(where(m, site) for m in messages)
    assert not errors, (
        f"the Nu HTML Checker found {len(errors)} errors in {len(pages)} pages:\n{report}"
    )
