"""Caches and records are written whole or not at all."""

from __future__ import annotations

import os

import pytest

from toolkit.atomic import write_whole


def test_a_file_is_written_and_nothing_else_is_left(tmp_path):
    target = tmp_path / "state.json"
    write_whole(target, b"old")
    write_whole(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_write_that_fails_leaves_the_last_file_as_it_was(tmp_path, monkeypatch):
    target = tmp_path / "state.json"
    target.write_bytes(b"last build's")

    def refuse(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_whole(target, b"half")
    assert target.read_bytes() == b"last build's"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
