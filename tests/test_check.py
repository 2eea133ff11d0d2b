"""`toolkit check`: every problem a build would meet, and more, without writing anything."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import FIXTURES, snapshot, write_files
from toolkit import check

INVALID = sorted(p.name for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", INVALID)
def test_check_reports_what_build_reports(case, project, run_toolkit):
    source = project(f"invalid/{case}")
    expected = (source / "expected.txt").read_text(encoding="utf-8").splitlines()
    before = snapshot(source)
    result = run_toolkit("check", source)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:-1] == expected
    assert snapshot(source) == before  # nothing written, not even a cache


def test_a_good_campaign_passes(project, run_toolkit):
    source = project("campaign")
    result = run_toolkit("check", source)
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines()[-1].startswith("0 errors, ")
    assert "pages and 5 champions." in result.output
    assert not (source / "output").exists()
    assert not (source / ".toolkit-cache").exists()


def test_every_problem_at_once_across_files(tmp_path, run_toolkit):
    write_files(
        tmp_path,
        {
            "toolkit.yaml": "name: C\nbase_url: https://c.example.org/\n",
            "content/index.md": "See [gone](gone.md) and ![](missing.png)\n",
            "content/kit/release.md": "{{ champion.citty }}\n",
            "content/champions/a.yaml": "- name: A\n  email: a@\n- name: A\n",
        },
    )
    result = run_toolkit("check", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:-1] == [
        "content/champions/a.yaml:2:10: error: `email` is not an e-mail address: 'a@'",
        "content/champions/a.yaml:3:3: error: id `a` is already used as the id of the "
        "champion at content/champions/a.yaml:1:3",
        "content/kit/release.md:1: error: unknown merge field `champion.citty` "
        "(did you mean `city`?)",
    ]


def test_content_problems_are_all_listed(tmp_path, run_toolkit):
    write_files(
        tmp_path,
        {
            "toolkit.yaml": "name: C\nbase_url: https://c.example.org/\n",
            "content/index.md": "Hello\n\nSee [gone](gone.md) and ![](missing.png)\n",
        },
    )
    result = run_toolkit("check", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/index.md:3:12: error: link to a missing file: gone.md",
        "content/index.md:3:29: error: link to a missing file: missing.png",
        "content/index.md:3:29: warning: image has no alt text: missing.png "
        "(describe it in the brackets: ![what it shows](file))",
        "2 errors, 1 warning in 3 pages and 0 champions.",
    ]


def test_json_for_ci(project, run_toolkit):
    result = run_toolkit("check", project("invalid/roster-duplicate-id"), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["errors"] == 1
    assert report["problems"][0] == {
        "path": "content/champions/b.yaml",
        "line": 2,
        "col": 3,
        "severity": "error",
        "message": "id `riverside-chamber` is already used as the id of the champion "
        "at content/champions/a.yaml:1:3",
        "hint": None,
    }


def test_past_events_are_warnings(project):
    source = project("campaign")
    report = check.run(source, today=dt.date(2027, 1, 1))
    assert report.errors == 0
    messages = [str(p) for p in report.problems]
    assert (
        "content/champions/east.yaml:1:3: warning: the event of Riverside Chamber of Commerce "
        "is on 2026-11-28, which has passed"
    ) in messages
    later = check.run(source, today=dt.date(2026, 11, 1)).problems
    assert not [p for p in later if "has passed" in p.message]


class _Site(BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        if self.path == "/no-head":
            self.send_response(405)
        else:
            self.send_response(200 if self.path in ("/ok", "/no-head") else 404)
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200 if self.path in ("/ok", "/no-head") else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_external_links_are_checked_over_http(tmp_path, run_toolkit, web):
    dead = f"http://127.0.0.1:{closed_port()}/"
    write_files(
        tmp_path,
        {
            "toolkit.yaml": "name: C\nbase_url: https://c.example.org/\n",
            "content/index.md": (
                f"[fine]({web}/ok) [head refused]({web}/no-head) [gone]({web}/gone)\n"
            ),
            "content/champions/a.yaml": f"- name: A\n  website: {dead}\n",
        },
    )
    started = time.perf_counter()
    result = run_toolkit("check", tmp_path, "--external")
    assert time.perf_counter() - started < 30
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert (
        f"content/champions/a.yaml:1:3: error: external link {dead} did not answer: "
        in "\n".join(lines)
    )
    assert f"content/index.md:1:1: error: external link {web}/gone answered 404 Not Found" in lines
    assert not any("/ok" in line or "no-head" in line for line in lines)
    assert "external links." in lines[-1]


def test_external_links_are_not_fetched_unless_asked(tmp_path, run_toolkit):
    write_files(
        tmp_path,
        {
            "toolkit.yaml": "name: C\nbase_url: https://c.example.org/\n",
            "content/index.md": f"[gone](http://127.0.0.1:{closed_port()}/)\n",
        },
    )
    assert run_toolkit("check", tmp_path).exit_code == 0
