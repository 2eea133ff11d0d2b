"""Writing the build: a staging folder swapped in whole, only into a folder that is toolkit's."""

from __future__ import annotations

import errno
import os
import posixpath
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from toolkit.errors import Location, ToolkitError

MARKER = ".toolkit-output"
"""A file in every output folder toolkit made: only such a folder is ever replaced."""
_LEAVES = "output path leaves the output folder"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
"""Where the system has it, a file is opened for writing only if it is not a link."""
_MARKER_TEXT = "This folder is made by `toolkit build` and is replaced whole by the next build.\n"


def check_destination(project: Path, dest: Path) -> None:
    """Refuse an output folder that holds the project or anything toolkit did not make."""
    project, dest = project.resolve(), dest.resolve()
    shown = Location(PurePosixPath(str(dest)))
    if project.is_relative_to(dest):
        raise ToolkitError.at(shown, "the output folder would contain the project itself")
    for source in ("content", "themes"):
        if dest.is_relative_to(project / source):
            raise ToolkitError.at(shown, f"the output folder must not be inside {source}/")
    if dest.exists() and not dest.is_dir():
        raise ToolkitError.at(shown, "the output path exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()) and not (dest / MARKER).is_file():
        raise ToolkitError.at(
            shown,
            "the output folder has files toolkit did not make; "
            "choose an empty or new folder (nothing was changed)",
        )


class Staging:
    """A folder beside the destination that the build writes into, then swaps in whole."""

    def __init__(self, dest: Path) -> None:
        self.dest = dest.resolve()
        self.root = self.dest.parent / f".{self.dest.name}.staging"
        if self.root.exists():
            # Left over from a build that was killed: it was never published.
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        (self.root / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
        self._root = str(self.root)
        self._made: set[str] = {""}
        """Folders made, relative to the root ("" the root itself): as text, since a campaign
        writes a quarter of a million files and this is looked at for each."""
        self.kept = 0
        """How many files are taken from the previous build rather than made again."""

    def path_for(self, relative: str) -> str:
        """Return where `relative` (a path with `/` between folders) is written, refusing
        anything that leaves the folder."""
        clean = _within(relative)
        if clean is None:
            raise ToolkitError.at(Location(PurePosixPath(relative)), _LEAVES)
        folder = clean.rpartition("/")[0]
        if folder not in self._made:
            self._folder(folder, relative)
        return f"{self._root}/{clean}"

    def _folder(self, folder: str, relative: str) -> None:
        """Make `folder` (relative to the root) and the folders above it, once each. None may
        be a link leading elsewhere: a folder made here is not one, and one that was there
        already is looked at."""
        if folder in self._made:
            return
        self._folder(folder.rpartition("/")[0], relative)
        path = f"{self._root}/{folder}"
        try:
            os.mkdir(path)
        except FileExistsError:
            if os.path.islink(path) or not os.path.isdir(path):
                raise ToolkitError.at(Location(PurePosixPath(relative)), _LEAVES) from None
        self._made.add(folder)

    def write(self, relative: str, data: bytes) -> None:
        target = self.path_for(relative)
        if not _NOFOLLOW and os.path.islink(target):
            raise ToolkitError.at(Location(PurePosixPath(relative)), _LEAVES)
        try:
            # A link where the file goes is refused by the call that opens it.
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, 0o666)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise ToolkitError.at(Location(PurePosixPath(relative)), _LEAVES) from None
            raise
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)

    def copy(self, relative: str, source: Path) -> None:
        target = self.path_for(relative)
        if os.path.islink(target):
            raise ToolkitError.at(Location(PurePosixPath(relative)), _LEAVES)
        try:
            shutil.copyfile(source, target)
        except OSError as exc:
            raise ToolkitError.at(
                Location(PurePosixPath(relative)), f"cannot copy {source}: {exc}"
            ) from None

    def keep(self, relative: str) -> None:
        """Take the last build's file at `relative` as it is: only a `Patch` of that build has
        one."""
        raise ToolkitError.at(Location(PurePosixPath(relative)), "no earlier build to keep from")

    def keep_all(self, count: int) -> None:
        if count:
            self.keep(".")

    def publish(self) -> None:
        """Swap the staged build in for the destination."""
        old = self.dest.parent / f".{self.dest.name}.old"
        if old.exists():
            shutil.rmtree(old)
        if self.dest.exists():
            os.replace(self.dest, old)
        os.replace(self.root, self.dest)
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        """Throw the staged build away; the destination is untouched."""
        shutil.rmtree(self.root, ignore_errors=True)


class Patch(Staging):
    """Changes to a folder the previous build made: new files are staged beside it, then moved
    in one by one, and the files the build no longer makes are removed.

    Used when a previous build is there: swapping a folder of thousands of files to change a few
    would cost more than the change. Until `publish` the destination is untouched.
    """

    def __init__(self, dest: Path, stale: Iterable[str]) -> None:
        super().__init__(dest)
        self._stale = tuple(stale)

    def keep(self, relative: str) -> None:
        """Leave the destination's file at `relative` as it is (the build has seen it there)."""
        self.kept += 1

    def keep_all(self, count: int) -> None:
        """Leave `count` more of the destination's files as they are (the build has seen them
        there)."""
        self.kept += count

    def publish(self) -> None:
        """Move the staged files into the destination and remove the stale ones."""
        # Stale files go first: a file the build no longer makes may stand where a folder goes.
        for relative in self._stale:
            target = self.dest / relative
            if _within(relative) is None or (target.is_dir() and not target.is_symlink()):
                continue  # never made by a build: a damaged record of the last one says so
            target.unlink(missing_ok=True)
            folder = target.parent
            # Folders left empty go too, up to the destination itself.
            while folder != self.dest and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
        made: set[str] = set()
        for root, _, files in os.walk(self.root):
            folder = self.dest / Path(root).relative_to(self.root)
            for name in files:
                if root == str(self.root) and name == MARKER:
                    continue
                if str(folder) not in made:
                    folder.mkdir(parents=True, exist_ok=True)
                    made.add(str(folder))
                os.replace(Path(root) / name, folder / name)
        shutil.rmtree(self.root, ignore_errors=True)


def _within(relative: str) -> str | None:
    """Return `relative` (a path with `/` between folders) made plain, or None when it does not
    name a file inside the folder."""
    clean = posixpath.normpath(relative)
    if clean in (".", "..") or clean.startswith(("/", "../")) or "\\" in clean:
        return None
    return clean


def plain_file(path: Path | str) -> bool:
    """Return whether `path` is a file and not a link (one system call: thousands are asked)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False
