"""The built site served by a real HTTP server from a sub-path: every link followed works."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(project, run_toolkit, tmp_path) -> Iterator[str]:
    """Build the campaign fixture into www/shop-local/ and serve www/ over HTTP."""
    www = tmp_path / "www"
    result = run_toolkit("build", project("campaign"), "-o", www / "shop-local")
    assert result.exit_code == 0, result.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(www)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/shop-local/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base, timeout=2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        return error.code, b"", ""


def links(url: str, body: bytes) -> list[str]:
    soup = BeautifulSoup(body, "html.parser")
    found = [t["href"] for t in soup.find_all(href=True)] + [
        t["src"] for t in soup.find_all(src=True)
    ]
    return [urljoin(url, u).split("#")[0] for u in found if not u.startswith("#")]


def test_every_link_followed_from_the_home_page_answers(served):
    origin = urlsplit(served).netloc
    queue, seen, pages = [served], {served}, 0
    while queue:
        url = queue.pop()
        status, body, kind = fetch(url)
        assert status == 200, f"{url} answered {status}"
        if kind != "text/html":
            continue
        pages += 1
        for link in links(url, body):
            if urlsplit(link).netloc == origin and link not in seen:
                assert link.startswith(served), f"{url} links outside the sub-path: {link}"
                seen.add(link)
                queue.append(link)
    assert pages >= 20
    assert served + "champions/riverside-chamber/press-release/" in seen
    assert served + "champions/riverside-chamber/event.ics" in seen


def test_the_404_page_links_work_from_any_address(served):
    status, body, _ = fetch(served + "404.html")
    assert status == 200
    # A host shows 404.html at the missing address, so its links must not depend on where it is.
    missing = served + "no/such/page/here/"
    for link in links(missing, body):
        if link.startswith("http://127.0.0.1"):
            assert fetch(link)[0] == 200, link
