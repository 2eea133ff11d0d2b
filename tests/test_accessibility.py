"""The example campaign in a real headless Chromium: axe-core finds no WCAG 2.1 A/AA violations,
the directory filter works, and a page opened from disk navigates to real pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import (
    axe_violations,
    describe_violations,
    example_site,
    headless_chromium,
    http_server,
)

KEY_PAGES = [
    "",
    "champions/",
    "champions/riverside-chamber/",
    "champions/riverside-chamber/press-release/",
    "kit/press-release/",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_site(tmp_path_factory)


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with http_server(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with headless_chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.mark.parametrize("path", KEY_PAGES, ids=lambda p: p or "home")
def test_key_pages_have_no_wcag_21_aa_violations(page, base_url, path):
    response = page.goto(base_url + path)
    assert response is not None and response.status == 200, path
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core found {len(violations)} WCAG 2.1 A/AA violations on /{path}:\n"
        + describe_violations(violations)
    )


def test_directory_filter_keeps_only_champions_in_that_city(page, base_url):
    page.goto(base_url + "champions/")
    items = page.locator(".champion-item")
    total = items.count()
    assert total > 3
    search = page.get_by_label("Search by name, city or state")
    assert search.is_visible()

    search.fill("Riverside")

    visible = [items.nth(i) for i in range(total) if items.nth(i).is_visible()]
    names = [item.locator("a").inner_text() for item in visible]
    assert names == ["Riverside Chamber of Commerce"], names
    status = page.locator(".filter-status")
    assert status.inner_text() == f"1 of {total} champions shown"
    # A region with no match is hidden as a whole, heading included.
    assert page.get_by_role("heading", name="Iowa").is_visible()
    assert not page.get_by_role("heading", name="Texas").is_visible()

    search.fill("")
    assert all(items.nth(i).is_visible() for i in range(total))


def test_a_page_opened_from_disk_navigates_to_real_pages(page, site):
    about = site / "about" / "index.html"
    page.goto(about.as_uri())
    assert page.title().startswith("About")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="FAQ").click()
    page.wait_for_load_state()

    faq = site / "faq" / "index.html"
    assert page.url == faq.as_uri()
    assert page.get_by_role("heading", level=1).first.is_visible()
    assert page.title().startswith("FAQ") or "FAQ" in page.title()

    page.get_by_role("link", name="Champions", exact=True).click()
    page.wait_for_load_state()
    assert page.url == (site / "champions" / "index.html").as_uri()
    assert page.locator(".champion-item").count() > 3
