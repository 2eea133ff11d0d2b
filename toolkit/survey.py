"""A look at the output folder: which of the files the last build made are no longer there.

A rebuild keeps each output whose inputs did not change, but only while its file is still in
the folder as a plain file: someone may have deleted one, or put something else in its place.
Looking at the hundred thousand files of a campaign takes a third of a second, so where a core
is free a forked process looks while the build reads the project and plans, and hands over
what it found when the build asks.
"""

from __future__ import annotations

import mmap
import os
import signal
import struct
from collections.abc import Collection, Iterable
from pathlib import Path

from toolkit.output import plain_file
from toolkit.workers import as_worker, cores

FORK_FROM = 5_000
"""From this many files, another process looks at them; fewer take less time than a fork."""


class Survey:
    """Which of `paths` (relative to `dest`, with `/` between folders) are not plain files.

    The other process looks from the first path on; a build that asks before it is done looks
    from the last path back until the two meet. Where each has got to is shared through a page
    of memory, only as a hint: what the other process says it looked at, when it is done, is
    what counts.
    """

    def __init__(self, dest: Path, paths: Collection[str]) -> None:
        self.prefix = os.path.join(str(dest), "")
        self.paths = list(paths)
        self._gone: frozenset[str] | None = None
        self._child: tuple[int, int] | None = None
        """The looking process and the end of the pipe it writes what it found to."""
        self._reached = mmap.mmap(-1, 2 * _MARK.size)
        """Shared with the other process: how far it has looked, and where this one has."""

    @classmethod
    def start(cls, dest: Path, paths: Collection[str]) -> Survey:
        """Start looking at `paths` in `dest`: in another process when there are many."""
        survey = cls(dest, paths)
        if len(paths) >= FORK_FROM and cores() > 1:
            survey._fork()
        return survey

    def gone(self) -> frozenset[str]:
        """Return the paths that are not a plain file in the folder."""
        if self._gone is None:
            paths, found = self.paths, []
            end = len(paths)
            if self._child is not None:
                # Look from the end while the other process looks from the start.
                while end > (reached := _MARK.unpack_from(self._reached, _CHILD)[0]):
                    begin = max(end - _SHARE, reached)
                    _MARK.pack_into(self._reached, _BUILD, begin)
                    found.extend(_gone(self.prefix, paths[begin:end]))
                    end = begin
                looked, theirs = self._collect()
                found.extend(theirs)
                # Whatever it did not look at, because it stopped early or failed, is looked
                # at here.
                found.extend(_gone(self.prefix, paths[looked:end]))
            else:
                found.extend(_gone(self.prefix, paths))
            self._gone = frozenset(found)
        return self._gone

    def close(self) -> None:
        """Stop a look the build no longer needs (it stopped before asking)."""
        if self._child is not None:
            pid, pipe = self._child
            self._child = None
            os.close(pipe)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)

    def _fork(self) -> None:
        _MARK.pack_into(self._reached, _CHILD, 0)
        _MARK.pack_into(self._reached, _BUILD, len(self.paths))
        pipe, end = os.pipe()
        pid = os.fork()
        if pid == 0:
            # The child: looks, writes what it found, and leaves without running anything of
            # the build's on its way out.
            try:
                os.close(pipe)
                as_worker()
                looked, found = self._look_from_start()
                with os.fdopen(end, "wb") as out:
                    out.write("\0".join([str(looked), *found]).encode("utf-8", "surrogateescape"))
            except BaseException:
                os._exit(1)
            os._exit(0)
        os.close(end)
        self._child = (pid, pipe)

    def _look_from_start(self) -> tuple[int, list[str]]:
        """Look at shares of the paths from the first on, until the build's look is reached;
        return how many were looked at and which are gone."""
        paths, found, begin = self.paths, [], 0
        while begin < (stop := _MARK.unpack_from(self._reached, _BUILD)[0]):
            end = min(begin + _SHARE, stop)
            found.extend(_gone(self.prefix, paths[begin:end]))
            _MARK.pack_into(self._reached, _CHILD, end)
            begin = end
        return begin, found

    def _collect(self) -> tuple[int, list[str]]:
        """Return how many paths the child looked at from the start, and which of those are
        gone; none if it did not finish."""
        assert self._child is not None
        pid, pipe = self._child
        self._child = None
        with os.fdopen(pipe, "rb") as found:
            data = found.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            return 0, []
        looked, *gone = data.decode("utf-8", "surrogateescape").split("\0")
        return int(looked), gone


_SHARE = 2_000
"""Paths looked at between two looks at where the other process has got to."""
_MARK = struct.Struct("=i")
_CHILD, _BUILD = 0, _MARK.size
"""Where in the shared page each says how far it has looked: the child from the start, the
build from the end; each writes only its own."""


def _gone(prefix: str, paths: Iterable[str]) -> list[str]:
    # Joined by hand, not with `os.path.join`: an output's path is always relative.
    return [path for path in paths if not plain_file(prefix + path)]
