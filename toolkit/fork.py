"""`toolkit fork`: a partner's standalone project from a campaign folder, a kit zip, or a URL.

The fork records where it came from and the files it was given (`.toolkit/upstream.json`, and
a copy of each under `.toolkit/base/`): `toolkit update` merges the campaign's later changes
against that common base.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from toolkit.errors import Location, ToolkitError
from toolkit.kits import kit_files, read_kit_zip
from toolkit.site import load_site
from toolkit.yamlfile import parse

FORK_DIR = ".toolkit"
UPSTREAM_FILE = f"{FORK_DIR}/upstream.json"
BASE_DIR = f"{FORK_DIR}/base"
DOWNLOAD_TIMEOUT = 20.0
"""Seconds a kit download may take in all (and each read)."""
MAX_DOWNLOAD = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Upstream:
    """Where a fork came from and what it was given."""

    source: str
    champion: str
    manifest: dict[str, str]
    """Path → SHA-256 of each file as upstream last gave it."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _where(text: str) -> Location:
    return Location(PurePosixPath(text))


def fetch_kit(source: str, champion: str | None) -> tuple[dict[str, bytes], str, str]:
    """Return the kit files, the source as it should be recorded, and the champion id."""
    if source.startswith(("http://", "https://")):
        files = read_kit_zip(download(source), source)
        return files, source, _kit_champion(files, champion, source)
    path = Path(source).expanduser()
    if path.is_dir():
        if champion is None:
            raise ToolkitError.at(_where(source), "say whose kit to fork: --champion ID")
        site = load_site(path)
        found = site.champions_by_id.get(champion) or next(
            (c for c in site.champions if champion in c.aliases), None
        )
        if found is None:
            raise ToolkitError.at(
                _where(source), f"no champion with the id {champion!r} in this campaign"
            )
        return kit_files(site, found), str(path.resolve()), found.id
    if path.is_file():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ToolkitError.at(_where(source), f"cannot read: {exc}") from None
        files = read_kit_zip(data, source)
        return files, str(path.resolve()), _kit_champion(files, champion, source)
    raise ToolkitError.at(
        _where(source), "not a campaign folder, a kit .zip or an http(s) address of one"
    )


def _kit_champion(files: dict[str, bytes], wanted: str | None, source: str) -> str:
    """Return whose kit this is (its `partner:`), checking it against --champion."""
    try:
        settings = parse(files["toolkit.yaml"].decode("utf-8"), PurePosixPath("toolkit.yaml"))
    except UnicodeDecodeError:
        raise ToolkitError.at(_where(source), "the kit's toolkit.yaml is not text") from None
    partner = settings.data.get("partner") if isinstance(settings.data, dict) else None
    if not isinstance(partner, str):
        raise ToolkitError.at(_where(source), "this zip is not a champion's kit (no `partner:`)")
    if wanted is not None and wanted != partner:
        raise ToolkitError.at(_where(source), f"this is the kit of {partner!r}, not {wanted!r}")
    return partner


def download(url: str) -> bytes:
    """Fetch a kit zip, within a time limit and a size limit, or say clearly why not."""
    started = time.monotonic()
    request = urllib.request.Request(url, headers={"User-Agent": "toolkit-fork"})
    chunks, size = [], 0
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as response:
            # read1 returns what has arrived, so the deadline is checked as data trickles in.
            while chunk := response.read1(64 * 1024):
                size += len(chunk)
                if size > MAX_DOWNLOAD:
                    raise ToolkitError.at(_where(url), "the download is larger than any kit")
                if time.monotonic() - started > DOWNLOAD_TIMEOUT:
                    raise ToolkitError.at(
                        _where(url), f"the download took longer than {DOWNLOAD_TIMEOUT:.0f} s"
                    )
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise ToolkitError.at(_where(url), f"the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ToolkitError.at(_where(url), f"cannot download the kit: {reason}") from None
    return b"".join(chunks)


def safe_target(root: Path, relative: str) -> Path:
    """Return where a kit file goes under root, refusing any path that leaves it."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()) or target == root.resolve():
        raise ToolkitError.at(_where(relative), "path leaves the project")
    return target


def write_file(root: Path, relative: str, data: bytes) -> None:
    target = safe_target(root, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def record(root: Path, upstream: Upstream, files: dict[str, bytes]) -> None:
    """Keep the source, the manifest and a copy of every file as the common base."""
    base = root / BASE_DIR
    for relative, data in files.items():
        write_file(base, relative, data)
    text = json.dumps(
        {"source": upstream.source, "champion": upstream.champion, "manifest": upstream.manifest},
        indent=2,
        sort_keys=True,
    )
    write_file(root, UPSTREAM_FILE, (text + "\n").encode("utf-8"))


def read_upstream(root: Path) -> Upstream:
    """Return what a fork recorded, or say clearly that `root` is not a fork."""
    file = root / UPSTREAM_FILE
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return Upstream(str(data["source"]), str(data["champion"]), dict(data["manifest"]))
    except FileNotFoundError:
        raise ToolkitError.at(
            _where(UPSTREAM_FILE),
            f"{root} is not a fork (no {UPSTREAM_FILE}); make one with `toolkit fork`",
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ToolkitError.at(_where(UPSTREAM_FILE), f"cannot read: {exc}") from None


def fork(source: str, dest: Path, champion: str | None = None) -> tuple[Path, Upstream]:
    """Make a standalone project for one champion at `dest` (new or empty)."""
    dest = dest.resolve()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ToolkitError.at(
            _where(str(dest)), "folder is not empty; choose a new or empty folder (nothing changed)"
        )
    files, recorded, champion_id = fetch_kit(source, champion)
    upstream = Upstream(recorded, champion_id, {p: digest(d) for p, d in files.items()})
    made = not dest.exists()
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for relative, data in files.items():
            write_file(dest, relative, data)
        record(dest, upstream, files)
    except BaseException:
        # The folder was new or empty: take back everything this fork put there.
        if made:
            shutil.rmtree(dest, ignore_errors=True)
        else:
            for child in dest.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    return dest, upstream
