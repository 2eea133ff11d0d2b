"""Files written whole or not at all, for the caches and records a build keeps."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def write_whole(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: into a temporary file beside it, then
    renamed over it. The temporary file is the process's and the thread's own: forked workers,
    a preview's threads and a build may write the same file at once."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
