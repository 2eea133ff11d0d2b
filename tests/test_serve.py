"""`toolkit serve`: a real server in a subprocess, raw HTTP requests, and a real browser."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser import headless_chromium
from tests.conftest import REPO
from toolkit.serve import ChangeWatcher, resolve, snapshot


class Served:
    def __init__(self, process: subprocess.Popen[str], url: str, lines: list[str]) -> None:
        self.process, self.url, self.lines = process, url, lines

    @property
    def port(self) -> int:
        return int(self.url.split(":")[2].split("/")[0])

    def output(self) -> str:
        return "\n".join(self.lines)


@contextmanager
def serving(project: Path, *args: str) -> Iterator[Served]:
    """Run `toolkit serve` for real; yield once it says where it is serving."""
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "toolkit", "serve", str(project), "--port", "0", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    lines: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            match = re.search(r" on (http://\S+)", line)
            if match and not url:
                url.append(match[1])
                found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert found.wait(60), "serve did not start:\n" + "\n".join(lines)
        yield Served(process, url[0], lines)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        reader.join(timeout=5)
        if process.stderr is not None:
            process.stderr.close()


def raw_get(port: int, path: str) -> tuple[int, bytes]:
    """Send a request line exactly as written, so no client tidies the path first."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


def test_resolve_maps_paths_and_refuses_escapes(tmp_path):
    root = tmp_path / "out"
    (root / "about").mkdir(parents=True)
    (root / "index.html").write_text("home")
    (root / "about/index.html").write_text("about")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "leak").symlink_to(tmp_path / "secret.txt")
    assert resolve(root, "/", "/") == root / "index.html"
    assert resolve(root, "/", "/about/") == root / "about/index.html"
    assert resolve(root, "/", "/about") == "/about/"
    assert resolve(root, "/s/", "/") == "/s/"
    assert resolve(root, "/s/", "/s/about/") == root / "about/index.html"
    assert resolve(root, "/s/", "/about/") is None
    for bad in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/about/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/leak",
        "/index.html%00.png",
        "/%2E%2E/%2E%2E/etc/passwd",
    ]:
        assert resolve(root, "/", bad) is None, bad


@pytest.fixture
def site(project) -> Path:
    return project("campaign")


def test_serves_from_a_sub_path_and_refuses_escapes(site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    with serving(site, "--base-path", "/shop-local/") as served:
        assert served.url.endswith("/shop-local/")
        status, body = raw_get(served.port, "/shop-local/")
        assert status == 200 and b"Test Saturday" in body
        assert b'<script src="/livereload.js' in body
        # The preview builds into its own folder and leaves output/ alone.
        assert not (site / "output").exists()
        (site / ".toolkit-cache/serve/leak").symlink_to(secret)
        for path in [
            "/shop-local/../toolkit.yaml",
            "/shop-local/../../secret.txt",
            "/shop-local/%2e%2e/toolkit.yaml",
            "/shop-local/%2E%2E/%2E%2E/secret.txt",
            "/shop-local/..%2ftoolkit.yaml",
            "/shop-local/..\\toolkit.yaml",
            "/shop-local/%5c..%5ctoolkit.yaml",
            "/shop-local/leak",
            "/toolkit.yaml",
            "/shop-local/champions/../../toolkit.yaml",
        ]:
            status, body = raw_get(served.port, path)
            assert status in (302, 400, 404), path
            assert b"TOP SECRET" not in body and b"base_url" not in body, path
        status, _ = raw_get(served.port, "/shop-local/no/such/page/")
        assert status == 404


def test_pdfs_only_with_print(site):
    with serving(site) as served:
        output = site / ".toolkit-cache/serve"
        assert (output / "champions/riverside-chamber/print/poster/index.html").is_file()
        assert not list(output.rglob("*.pdf"))
        assert "Serving" in served.output()


def test_with_print_the_preview_stays_up_while_pdfs_are_remade(site):
    """PDFs are made in forked workers, which must not hand the server their signals: a
    worker stopping at the end of a rebuild once stopped the preview with it."""
    poster = site / "content/print/poster.md"
    with serving(site, "--print") as served:
        assert list((site / ".toolkit-cache/serve").rglob("*.pdf"))
        for edit in range(4):
            builds = sum("Built " in line for line in served.lines)
            poster.write_text(poster.read_text(encoding="utf-8") + f"\nEdit {edit}.\n")
            wait_for(
                lambda b=builds: sum("Built " in line for line in served.lines) > b,
                60,
                served.output,
            )
            assert served.process.poll() is None, served.output()
        assert raw_get(served.port, "/")[0] == 200
    assert "Stopped." in served.output() and "Traceback" not in served.output()


def test_binding_elsewhere_warns_and_a_busy_port_moves_on(site):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = subprocess.Popen(
            [
                sys.executable,
                "-u",
                "-m",
                "toolkit",
                "serve",
                str(site),
                "--port",
                str(port),
                "--host",
                "0.0.0.0",
            ],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        seen = []
        assert process.stderr is not None
        for line in process.stderr:
            seen.append(line)
            if "Serving" in line:
                break
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        process.stderr.close()
    text = "".join(seen)
    assert "Warning: serving on 0.0.0.0 lets other machines see this preview." in text
    assert f"Port {port} is in use; trying {port + 1}." in text


def test_ctrl_c_stops_cleanly(site):
    with serving(site) as served:
        served.process.send_signal(signal.SIGINT)
        assert served.process.wait(timeout=30) == 0
    assert "Stopped." in served.output()
    assert "Traceback" not in served.output()
    assert not list((site / ".toolkit-cache").glob(".*staging"))


def wait_for(predicate, seconds: float = 10, said=lambda: "") -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if predicate():
            return time.perf_counter() - started
        time.sleep(0.05)
    raise AssertionError("timed out\n" + said())


def test_browser_reloads_on_save_shows_errors_and_recovers(site):
    about = site / "content/about.md"
    roster = site / "content/champions/east.yaml"
    with serving(site, "--base-path", "/shop-local/") as served, headless_chromium() as browser:
        page = browser.new_page()
        page.goto(served.url + "about/")
        page.wait_for_function("() => window.LiveReload !== undefined", timeout=10000)
        page.evaluate("window.notReloaded = true")
        assert "Smart" in page.inner_text("main")

        about.write_text(about.read_text().replace("Smart", "Brilliant"))
        page.wait_for_function(
            "() => document.querySelector('main').innerText.includes('Brilliant')", timeout=10000
        )
        assert page.evaluate("window.notReloaded === undefined")  # the browser reloaded itself

        good = roster.read_text()
        roster.write_text(good.replace("  kind: chamber\n", "  kind: chamber\n   oops: [\n", 1))
        page.wait_for_selector("#toolkit-build-error", timeout=10000)
        error = page.inner_text("#toolkit-build-error")
        assert re.search(r"content/champions/east\.yaml:\d+:\d+: error: invalid YAML", error)
        assert "Brilliant" in page.inner_text("main")  # the last good site stays readable

        roster.write_text(good)
        page.wait_for_selector("#toolkit-build-error", state="detached", timeout=10000)
        assert "Brilliant" in page.inner_text("main")
    text = served.output()
    assert "invalid YAML" in text and "Traceback" not in text


def test_first_build_broken_still_serves_the_error(project):
    broken = project("invalid/roster-duplicate-id")
    with serving(broken) as served:
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(served.url, timeout=10)
        body = caught.value.read().decode()
        caught.value.close()
        assert caught.value.code == 500
        assert "content/champions/b.yaml:2:3: error: id `riverside-chamber`" in body


def test_a_file_saved_before_the_watcher_first_looks_is_built_again(site):
    """The watcher starts from the project as it was before the first build: a save during
    that build, or before the watcher's first look, is not taken for the starting point."""
    seen = snapshot(site)
    about = site / "content/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nSaved during the first build.\n")
    rebuilt = threading.Event()

    class Preview:
        project = site

        def rebuild(self) -> bool:
            rebuilt.set()
            return True

    watcher = ChangeWatcher(Preview(), lambda: None, seen)  # type: ignore[arg-type]
    watcher.start()
    try:
        assert rebuilt.wait(10)
    finally:
        watcher.stopping.set()
        watcher.join(5)
