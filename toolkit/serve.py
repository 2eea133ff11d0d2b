"""`toolkit serve`: a live preview that rebuilds what changed and reloads every open browser tab.

One loop watches the project; a change sets off one debounced rebuild through the same
`build.run` as `toolkit build` (which remakes only what the change affects and swaps the output
in whole), and then livereload tells browsers to reload. Requests wait while a rebuild runs, so
no page is served half-built. A build that fails keeps the server up: every page shows the
problems until the next good build.
"""

from __future__ import annotations

import errno
import html
import logging
import mimetypes
import os
import signal
import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import Watcher
from tornado import netutil, web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop

from toolkit import build
from toolkit.errors import Location, Problem, ToolkitError

log = logging.getLogger(__name__)

POLL_SECONDS = 0.15
"""How often the project is looked at for changes."""
SETTLE_SECONDS = 0.1
"""A burst of saves is one change: wait until the files stop changing for this long."""
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_WATCHED = ("toolkit.yaml", "content", "themes")
_HERE = Location(PurePosixPath("toolkit serve"))

Echo = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Address:
    host: str
    port: int
    base_path: str

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.base_path}"


class Preview:
    """The preview's output folder, the problems of the last build, and the rebuild lock."""

    def __init__(self, project: Path, pdfs: bool, echo: Echo) -> None:
        self.project = project.resolve()
        # A folder of its own, so a preview never replaces what `toolkit build` made.
        self.output = self.project / ".toolkit-cache" / "serve"
        self.pdfs = pdfs
        self.echo = echo
        self.lock = threading.Lock()
        self.problems: tuple[Problem, ...] = ()

    def rebuild(self) -> bool:
        """Build once, the way `toolkit build` does; return whether it succeeded."""
        with self.lock:
            started = time.perf_counter()
            try:
                # Like PDFs, kit.zip files come only with --print: a preview has no use for them.
                report = build.run(self.project, self.output, pdfs=self.pdfs, kits=self.pdfs)
            except ToolkitError as error:
                self.problems = error.problems
                for problem in error.problems:
                    self.echo(str(problem))
                self.echo("The preview shows these problems until the next good build.")
                return False
            self.problems = ()
            for warning in report.warnings:
                self.echo(str(warning))
            made = report.files - report.unchanged
            self.echo(
                f"Built {made} changed file{'s' if made != 1 else ''} "
                f"in {time.perf_counter() - started:.2f} s"
            )
            return True

    @property
    def built(self) -> bool:
        return (self.output / "index.html").is_file()


def snapshot(project: Path) -> dict[str, tuple[int, int]]:
    """Return the size and modification time of every file a build reads."""
    found = {}
    for name in _WATCHED:
        top = project / name
        if top.is_file():
            info = top.stat()
            found[name] = (info.st_size, info.st_mtime_ns)
            continue
        for root, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for file in files:
                path = os.path.join(root, file)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                found[path] = (info.st_size, info.st_mtime_ns)
    return found


class ChangeWatcher(threading.Thread):
    """Polls the project; after a change has settled, rebuilds once and reloads browsers."""

    def __init__(
        self, preview: Preview, on_rebuilt: Callable[[], None], seen: dict[str, tuple[int, int]]
    ) -> None:
        super().__init__(name="toolkit-watch", daemon=True)
        self.preview = preview
        self.on_rebuilt = on_rebuilt
        self.seen = seen
        """The project as it was before the build being served: a file saved since, even before
        this thread first looks, is a change."""
        self.stopping = threading.Event()

    def run(self) -> None:
        seen = self.seen
        while not self.stopping.wait(POLL_SECONDS):
            now = snapshot(self.preview.project)
            if now == seen:
                continue
            # Editors save in several steps; wait for the files to settle.
            while not self.stopping.wait(SETTLE_SECONDS):
                settled = snapshot(self.preview.project)
                if settled == now:
                    break
                now = settled
            seen = now
            if self.stopping.is_set():
                return
            self.preview.rebuild()
            self.on_rebuilt()


def resolve(root: Path, base_path: str, raw_path: str) -> Path | str | None:
    """Map a request path to a file in `root`, a redirect (str), or None when there is none.

    The raw path is decoded here, once; anything that could lead outside `root` (`..`, encoded
    dots, backslashes, NUL, symbolic links) finds nothing.
    """
    if not raw_path.startswith(base_path):
        return base_path if raw_path in ("", "/") else None
    path = unquote(raw_path[len(base_path) :])
    if "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts:
        return None
    target = root.joinpath(*parts)
    if target.is_dir():
        if raw_path.endswith("/") or not parts:
            target = target / "index.html"
        else:
            return raw_path + "/"
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root.resolve()) or not real.is_file():
        return None
    return real


def overlay(problems: tuple[Problem, ...]) -> str:
    """Return the error box shown on every page while the build is broken."""
    lines = "\n".join(html.escape(str(p)) for p in problems)
    return (
        '<div id="toolkit-build-error" role="alert" style="position:fixed;left:0;right:0;'
        "bottom:0;z-index:2147483647;max-height:60vh;overflow:auto;margin:0;padding:1rem 1.5rem;"
        "background:#2b0b0b;color:#fff;font:15px/1.5 system-ui,sans-serif;"
        'border-top:6px solid #e53935">'
        "<strong>The last change did not build.</strong> Fix it and save: this page reloads by "
        "itself."
        f'<pre style="white-space:pre-wrap;font:14px/1.5 monospace;margin:.5rem 0 0">{lines}</pre>'
        "</div>"
    )


class PageHandler(web.RequestHandler):
    """Serves the preview's files, with the livereload script and any build error."""

    preview: Preview
    base_path: str
    script: str

    def get(self) -> None:
        self._serve(head=False)

    def head(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        # Wait for a rebuild in progress: never serve a half-built site.
        with self.preview.lock:
            problems = self.preview.problems
            built = self.preview.built
            found = resolve(self.preview.output, self.base_path, self.request.path)
        if isinstance(found, str):
            self.redirect(found)
            return
        if not built:
            self._page(500 if problems else 503, "Building…", problems, head)
            return
        if found is None:
            missing = self.preview.output / "404.html"
            body = missing.read_text(encoding="utf-8") if missing.is_file() else "Not found"
            self._send(404, "text/html; charset=utf-8", self._inject(body, problems), head)
            return
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        data = found.read_bytes()
        if kind == "text/html":
            body = self._inject(data.decode("utf-8"), problems)
            self._send(200, "text/html; charset=utf-8", body, head)
        else:
            self._send(200, kind, data, head)

    def _page(self, status: int, title: str, problems: tuple[Problem, ...], head: bool) -> None:
        body = (
            f"<!doctype html><html lang=en><head><title>{title}</title></head><body></body></html>"
        )
        self._send(status, "text/html; charset=utf-8", self._inject(body, problems), head)

    def _inject(self, body: str, problems: tuple[Problem, ...]) -> str:
        body = body.replace("</head>", self.script + "</head>", 1)
        if problems:
            body = body.replace("</body>", overlay(problems) + "</body>", 1)
        return body

    def _send(self, status: int, kind: str, body: str | bytes, head: bool) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.set_status(status)
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Length", str(len(data)))
        if not head:
            self.write(data)


def bind(host: str, port: int, echo: Echo) -> tuple[list[socket.socket], int]:
    """Bind the port, or the next free one after it (and say so)."""
    if port == 0:
        sockets = netutil.bind_sockets(0, host)
        return sockets, sockets[0].getsockname()[1]
    for candidate in range(port, port + 20):
        try:
            return netutil.bind_sockets(candidate, host), candidate
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise ToolkitError.at(_HERE, f"cannot listen on {host}: {exc}") from None
            echo(f"Port {candidate} is in use; trying {candidate + 1}.")
    raise ToolkitError.at(_HERE, f"ports {port} to {port + 19} are all in use")


def normal_base_path(base_path: str) -> str:
    """Return a sub-path written as `/shop-local/`."""
    parts = [p for p in base_path.replace("\\", "/").split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise ToolkitError.at(_HERE, f"not a usable --base-path: {base_path!r}")
    return "/" + "".join(f"{p}/" for p in parts)


def run(
    project: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    base_path: str = "/",
    pdfs: bool = False,
    open_browser: bool = False,
    echo: Echo = print,
) -> None:
    """Build `project`, serve it, and rebuild on every change until interrupted."""
    base_path = normal_base_path(base_path)
    preview = Preview(project, pdfs, echo)
    if not (preview.project / "toolkit.yaml").is_file():
        raise ToolkitError.at(
            Location(PurePosixPath("toolkit.yaml")), f"no toolkit.yaml in {preview.project}"
        )
    if host not in LOOPBACK:
        echo(f"Warning: serving on {host} lets other machines see this preview.")
    sockets, port = bind(host, port, echo)
    watcher: ChangeWatcher | None = None
    try:
        # Looked at before the first build: what is saved during it is built again after.
        seen = snapshot(preview.project)
        # Ctrl-C during the first build: the build discards its staging folder and stops here.
        preview.rebuild()
        address = Address(host, port, base_path)
        watcher = _serve(preview, sockets, address, open_browser, echo, seen)
    except KeyboardInterrupt:
        pass
    finally:
        if watcher is not None:
            watcher.stopping.set()
        # Let a rebuild in progress finish its swap rather than leave it half done.
        if preview.lock.acquire(timeout=60):
            preview.lock.release()
        for sock in sockets:
            sock.close()
        echo("Stopped.")


def _serve(
    preview: Preview,
    sockets: list[socket.socket],
    address: Address,
    open_browser: bool,
    echo: Echo,
    seen: dict[str, tuple[int, int]],
) -> ChangeWatcher:
    """Serve until Ctrl-C or SIGTERM; return the watcher, for the caller to stop."""
    loop = IOLoop.current()
    # livereload's browser connection; its watcher is ours (ChangeWatcher), so a stand-in.
    LiveReloadHandler.watcher = Watcher()
    LiveReloadHandler.live_css = False
    PageHandler.preview = preview
    PageHandler.base_path = address.base_path
    PageHandler.script = f'<script src="/livereload.js?port={address.port}"></script>'
    app = web.Application(
        [
            (r"/livereload", LiveReloadHandler),
            (r"/livereload.js", LiveReloadJSHandler),
            (r"/.*", PageHandler),
        ]
    )
    http = HTTPServer(app)
    http.add_sockets(sockets)

    def reload_browsers() -> None:
        loop.add_callback(LiveReloadHandler.reload_waiters, "*")

    watcher = ChangeWatcher(preview, reload_browsers, seen)
    watcher.start()
    # From here on Ctrl-C stops the loop between requests instead of raising inside one.
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.asyncio_loop.add_signal_handler(signum, loop.stop)  # type: ignore[attr-defined]
    echo(f"Serving {preview.project.name} on {address.url}  (Ctrl-C to stop)")
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(address.url,), daemon=True).start()
    try:
        loop.start()
    finally:
        http.stop()
    return watcher
