"""Forkable kits: kit.zip, `toolkit fork` from a folder, a zip and a URL, and bad input."""

from __future__ import annotations

import io
import socket
import stat
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.conftest import snapshot
from toolkit import fork as fork_module
from toolkit.errors import Problems
from toolkit.kits import roster_entry
from toolkit.roster import load_roster_file


@pytest.fixture
def campaign(project, run_toolkit, tmp_path) -> tuple[Path, Path]:
    """The campaign fixture and its build (with kits), --no-print for speed."""
    source = project("campaign")
    output = tmp_path / "site"
    assert run_toolkit("build", source, "-o", output, "--no-print").exit_code == 0
    return source, output


def test_every_champion_gets_a_kit_zip_that_builds_as_it_is(campaign, tmp_path, run_toolkit):
    _, output = campaign
    kit = output / "champions/riverside-chamber/kit.zip"
    names = zipfile.ZipFile(kit).namelist()
    assert "riverside-chamber-kit/toolkit.yaml" in names
    assert "riverside-chamber-kit/README.md" in names
    assert "riverside-chamber-kit/content/champions/riverside-chamber.yaml" in names
    assert "riverside-chamber-kit/content/logos/riverside.svg" in names
    assert not any("east.yaml" in n or "west.yaml" in n for n in names)
    # A link on the microsite lets the champion download it.
    page = BeautifulSoup(
        (output / "champions/riverside-chamber/index.html").read_text(), "html.parser"
    )
    assert page.find("a", href="kit.zip") is not None
    zipfile.ZipFile(kit).extractall(tmp_path / "unzipped")
    project = tmp_path / "unzipped/riverside-chamber-kit"
    result = run_toolkit("build", project)
    assert result.exit_code == 0, result.stderr
    home = BeautifulSoup((project / "output/index.html").read_text(), "html.parser")
    assert home.find("h1").get_text() == "Riverside Chamber of Commerce"
    assert (project / "output/press-release/index.html").is_file()
    assert (project / "output/print/poster-letter.pdf").is_file()
    assert not (project / "output/champions").exists()


def test_kit_zip_is_the_same_bytes_every_build(campaign, run_toolkit, tmp_path):
    source, output = campaign
    run_toolkit("build", source, "-o", tmp_path / "again", "--no-print")
    path = "champions/riverside-chamber/kit.zip"
    assert (output / path).read_bytes() == (tmp_path / "again" / path).read_bytes()


def test_fork_from_the_campaign_folder(campaign, tmp_path, run_toolkit):
    source, _ = campaign
    dest = tmp_path / "mine"
    result = run_toolkit("fork", source, dest, "--champion", "riverside-chamber")
    assert result.exit_code == 0, result.stderr
    assert "Forked the kit of riverside-chamber" in result.output
    assert (dest / ".toolkit/upstream.json").is_file()
    assert run_toolkit("build", dest, "--no-print").exit_code == 0
    assert "Riverside Chamber of Commerce" in (dest / "output/index.html").read_text()


def test_fork_by_an_old_id_finds_the_champion(campaign, tmp_path, run_toolkit):
    source, _ = campaign
    result = run_toolkit("fork", source, tmp_path / "mine", "--champion", "rcc")
    assert result.exit_code == 0, result.stderr
    assert "riverside-chamber" in result.output


def test_fork_from_the_kit_zip(campaign, tmp_path, run_toolkit):
    _, output = campaign
    dest = tmp_path / "mine"
    result = run_toolkit("fork", output / "champions/riverside-chamber/kit.zip", dest)
    assert result.exit_code == 0, result.stderr
    assert (dest / "content/champions/riverside-chamber.yaml").is_file()
    wrong = run_toolkit(
        "fork", output / "champions/riverside-chamber/kit.zip", tmp_path / "x", "--champion", "b"
    )
    assert wrong.exit_code == 1
    assert "this is the kit of 'riverside-chamber', not 'b'" in wrong.stderr


@pytest.fixture
def web(campaign):
    """Serve the built campaign over real HTTP on 127.0.0.1."""
    _, output = campaign

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(output), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_fork_from_a_url(web, tmp_path, run_toolkit):
    dest = tmp_path / "mine"
    result = run_toolkit("fork", web + "champions/mayor-of-northfield/kit.zip", dest)
    assert result.exit_code == 0, result.stderr
    assert "mayor-of-northfield" in (dest / "toolkit.yaml").read_text()
    assert (dest / ".toolkit/upstream.json").read_text().count(web) == 1
    assert run_toolkit("build", dest, "--no-print").exit_code == 0
    assert (dest / "output/proclamation/index.html").is_file()


def test_a_url_that_is_not_a_kit(web, tmp_path, run_toolkit):
    result = run_toolkit("fork", web + "index.html", tmp_path / "mine")
    assert result.exit_code == 1
    assert "not a zip file, so not a toolkit kit" in result.stderr
    missing = run_toolkit("fork", web + "nope.zip", tmp_path / "mine")
    assert missing.exit_code == 1
    assert "the server answered 404" in missing.stderr
    assert not (tmp_path / "mine").exists()


def test_an_unreachable_url_fails_quickly(tmp_path, run_toolkit):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    result = run_toolkit("fork", f"http://127.0.0.1:{port}/kit.zip", tmp_path / "mine")
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1
    assert "cannot download the kit" in result.stderr


def test_a_slow_url_gives_up_in_bounded_time(tmp_path, run_toolkit, monkeypatch):
    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"x" * 10)
                self.wfile.flush()
                time.sleep(0.2)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(fork_module, "DOWNLOAD_TIMEOUT", 1.0)
    try:
        started = time.perf_counter()
        result = run_toolkit(
            "fork", f"http://127.0.0.1:{server.server_address[1]}/k.zip", tmp_path / "m"
        )
        assert time.perf_counter() - started < 5
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1
    assert "took longer than 1 s" in result.stderr


def test_fork_refuses_a_folder_with_files(campaign, tmp_path, run_toolkit):
    source, _ = campaign
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    result = run_toolkit("fork", source, dest, "--champion", "riverside-chamber")
    assert result.exit_code == 1
    assert "folder is not empty" in result.stderr
    assert [p.name for p in dest.iterdir()] == ["notes.txt"]


def test_fork_needs_a_known_champion_and_a_real_source(campaign, tmp_path, run_toolkit):
    source, _ = campaign
    assert "--champion ID" in run_toolkit("fork", source, tmp_path / "a").stderr
    unknown = run_toolkit("fork", source, tmp_path / "b", "--champion", "nobody")
    assert "no champion with the id 'nobody'" in unknown.stderr
    nothing = run_toolkit("fork", tmp_path / "nowhere", tmp_path / "c")
    assert "not a campaign folder, a kit .zip or an http(s) address" in nothing.stderr
    assert not any((tmp_path / n).exists() for n in ("a", "b", "c"))


def evil_zip(entries: list[tuple[str, bytes, int | None]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "kit/toolkit.yaml", "name: X\nbase_url: https://x.example.org/\npartner: x\n"
        )
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if mode is not None:
                info.external_attr = mode << 16
            archive.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([("kit/../../escaped.txt", b"x", None)], "leaves its folder"),
        ([("/tmp/absolute.txt", b"x", None)], "leaves its folder"),
        ([("kit\\..\\..\\escaped.txt", b"x", None)], "leaves its folder"),
        ([("C:/escaped.txt", b"x", None)], "leaves its folder"),
        ([("kit/link", b"/etc/passwd", stat.S_IFLNK | 0o777)], "symbolic link"),
        ([("kit/bomb.txt", b"\0" * (50 * 1024 * 1024), None)], "expand far beyond"),
    ],
)
def test_hostile_zips_are_refused_and_nothing_is_written(tmp_path, run_toolkit, entries, message):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(evil_zip(entries))
    before = snapshot(tmp_path)
    result = run_toolkit("fork", bad, tmp_path / "dest")
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "dest").exists()
    assert not Path("/tmp/absolute.txt").exists()


def test_a_zip_without_a_kit_is_refused(tmp_path, run_toolkit):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photos/cat.jpg", b"meow")
    (tmp_path / "cats.zip").write_bytes(buffer.getvalue())
    result = run_toolkit("fork", tmp_path / "cats.zip", tmp_path / "dest")
    assert result.exit_code == 1
    assert "no toolkit.yaml in the zip" in result.stderr


def test_a_kits_roster_entry_reads_back_as_the_campaign_wrote_it(tmp_path):
    # Long text that the writer folds, quotes, line breaks, a line separator, emoji, a tab.
    message = (
        'Say "hi": it\'s #1 · ünïcode\u2028next \U0001f600\tand '
        + "a long line of words that goes on " * 8
    )
    roster = tmp_path / "content/champions/a.yaml"
    roster.parent.mkdir(parents=True)
    roster.write_text(
        yaml.safe_dump(
            [{"name": 'Ünïon Square: "Shops"', "message": message, "city": "yes"}],
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    (champion,) = load_roster_file(tmp_path, roster, ("en",), Problems())

    roster.write_bytes(roster_entry(champion))
    (again,) = load_roster_file(tmp_path, roster, ("en",), Problems())

    assert dict(again.written) == {**champion.written, "id": champion.id}
    assert (again.name, again.message, again.city) == (champion.name, champion.message, "yes")


@pytest.mark.parametrize("seed", range(8))
def test_a_kit_zip_is_the_zip_that_zipfile_writes(seed):
    """kit.zip is written by toolkit, each shared file compressed once a build: byte for byte
    what `zipfile` writes of the same files, names beyond ASCII and stored pictures included,
    and it reads back whole."""
    import random

    from toolkit.kits import _large_kit_zip, kit_zip

    rng = random.Random(seed)
    names = ["toolkit.yaml", "content/index.md", "content/logos/logo.PNG", "thèmes/café.md"]
    files = {f"{i}/{rng.choice(names)}": rng.randbytes(rng.randrange(3000)) for i in range(12)}
    files["content/kit/release.md"] = b"Shop small. " * rng.randrange(1, 500)
    files["fonts/Lato.woff2"] = rng.randbytes(900)
    folder = rng.choice(["riverside-chamber-kit", "pâtisserie-kit"])
    data = kit_zip(files, folder)
    assert data == _large_kit_zip(files, folder)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert {info.filename: archive.read(info) for info in archive.infolist()} == {
            f"{folder}/{name}": content for name, content in files.items()
        }
        stored = {i.filename for i in archive.infolist() if i.compress_type == zipfile.ZIP_STORED}
        pictures = {name for name in files if name.endswith((".PNG", ".woff2"))}
        assert stored == {f"{folder}/{name}" for name in pictures}
