"""Forked workers: one per core, and none while the process runs other threads."""

from __future__ import annotations

import os
import threading

import pytest

from toolkit.workers import can_fork, cores, in_workers


def _square(n: int) -> int:
    return n * n


@pytest.mark.skipif(not can_fork(), reason="forking is for systems that have it")
def test_work_goes_to_forked_workers_and_comes_back():
    assert sorted(in_workers(_square, range(10), 2)) == [n * n for n in range(10)]


def test_no_workers_while_another_thread_runs():
    """A preview server rebuilds while it serves: a process forked then could wait for ever on
    a lock that another thread held when it was forked."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert cores() == 1
    finally:
        stop.set()
        thread.join()
    if can_fork() and threading.active_count() == 1:
        assert cores() == min(os.cpu_count() or 1, 8)
