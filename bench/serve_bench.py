#!/usr/bin/env python3
"""Edit-to-reload time of `toolkit serve` on the example campaign, in headless Chromium.

usage: serve_bench.py [--runs 10] [--chromium /usr/bin/chromium]

Copies the example campaign to a temporary folder, starts `toolkit serve` on it, opens a page in
Debian's Chromium (Playwright), then edits the page's Markdown file and measures the time until
the browser shows the new text, reloaded by livereload. Prints the median and the slowest run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "campaign"
        project.mkdir()
        shutil.copy(REPO / "toolkit.yaml", project)
        shutil.copytree(REPO / "content", project / "content")
        server = subprocess.Popen(
            [sys.executable, "-u", "-m", "toolkit", "serve", str(project), "--port", "0"],
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert server.stderr is not None
        url = ""
        for line in server.stderr:
            match = re.search(r" on (http://\S+)", line)
            if match:
                url = match[1]
                break
        page_file = project / "content/faq.md"
        original = page_file.read_text(encoding="utf-8")
        times = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=args.chromium,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page()
            page.goto(url + "faq/")
            page.wait_for_function("() => window.LiveReload !== undefined")
            for run in range(args.runs):
                marker = f"Edited {run} times"
                time.sleep(0.5)
                started = time.perf_counter()
                page_file.write_text(original + f"\n{marker}\n", encoding="utf-8")
                page.wait_for_function(
                    f"() => document.body && document.body.innerText.includes({marker!r})",
                    timeout=20000,
                    polling=10,
                )
                times.append(time.perf_counter() - started)
                page.wait_for_function("() => window.LiveReload !== undefined")
            browser.close()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    print(f"edit-to-reload over {args.runs} edits of content/faq.md, {os.cpu_count()} cores:")
    print(f"median {statistics.median(times):.2f} s, slowest {max(times):.2f} s")


if __name__ == "__main__":
    main()
