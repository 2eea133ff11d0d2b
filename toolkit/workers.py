"""Processes forked from a build to share its work, one per core.

Forked workers start with everything the build has loaded, so nothing is pickled to them. They
also start with the signal handlers of the process they come from: a preview server's event
loop has one that writes each signal to a file it watches, and a worker stopped by a signal
would stop the server with it. So each worker first puts its signal handling back to plain.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")


def can_fork() -> bool:
    """Return whether work can go to forked processes here."""
    return hasattr(os, "fork")


def cores() -> int:
    """Return how many workers a build uses: one per core, at most eight.

    While the process runs other threads, as a preview server does between rebuilds, there are
    none: a process forked then starts with the locks those threads held, and can wait for
    them for ever.
    """
    if not can_fork() or threading.active_count() > 1:
        return 1
    return min(os.cpu_count() or 1, 8)


def in_workers(
    work: Callable[[Task], Result],
    tasks: Iterable[Task],
    workers: int,
    setup: Callable[..., None] | None = None,
    args: tuple[Any, ...] = (),
) -> Iterator[Result]:
    """Yield `work(task)` for every task, as each finishes, from `workers` forked processes
    that first run `setup(*args)`. An error in a worker is raised here; a worker that dies
    (out of memory, say) is an error too, rather than a build that waits for ever."""
    # Imported here: most rebuilds make too little to need another process.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, context, initializer=_start, initargs=(setup, args)) as pool:
        futures = [pool.submit(work, task) for task in tasks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()  # those not started yet; the pool waits for the others


def as_worker() -> None:
    """Put a forked process's signal handling back to plain, as a worker's (see above)."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Ctrl-C reaches every process of the terminal: the build stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start(setup: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    as_worker()
    if setup is not None:
        setup(*args)
