"""The two-second rule: a file saved a moment ago is not known by its size and time alone.

Two saves within one tick of the file system's clock can leave a file with the same size and
modification time; a build that looked at it between them would never see the second one (git
calls this the "racy" file problem). So a file changed within the last two seconds is never
trusted by its stat: its bytes are read, or the cache that would skip it is not used.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

RECENT_NS = 2_000_000_000
"""A file changed less than this long ago may change again with the same size and time."""


def recent(mtime_ns: int) -> bool:
    """Return whether a file last modified at `mtime_ns` may still change unseen."""
    return time.time_ns() - mtime_ns < RECENT_NS


def version(path: Path | str) -> tuple[int, int] | tuple[int, int, str] | None:
    """Return what tells one version of a file from another: its size and modification time,
    and its SHA-256 as well while it is recent; None if it cannot be read."""
    try:
        info = os.stat(path)
        if recent(info.st_mtime_ns):
            with open(path, "rb") as file:
                content = hashlib.file_digest(file, "sha256").hexdigest()
            return info.st_size, info.st_mtime_ns, content
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns
