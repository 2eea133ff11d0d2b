"""The `toolkit` command line: help, version, init, and the shape of its messages."""

from __future__ import annotations

import pytest

from toolkit import __version__
from toolkit.cli import main


def test_version(run_toolkit):
    result = run_toolkit("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"toolkit, version {__version__}"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(run_toolkit, command):
    result = run_toolkit(command, "--help")
    assert result.exit_code == 0
    assert f"Usage: main {command}" in result.output or "Usage:" in result.output
    assert main.commands[command].help


def test_help_lists_the_commands(run_toolkit):
    result = run_toolkit("--help")
    assert result.exit_code == 0
    for command in ("init", "build"):
        assert command in result.output


def test_init_makes_a_project_that_builds(tmp_path, run_toolkit):
    project = tmp_path / "my-campaign"
    result = run_toolkit("init", project)
    assert result.exit_code == 0, result.stderr
    assert "toolkit build" in result.output
    assert (project / "toolkit.yaml").is_file()
    assert (project / "content/index.md").is_file()
    assert list((project / "content/champions").glob("*.yaml"))
    assert "/output/" in (project / ".gitignore").read_text()
    built = run_toolkit("build", project)
    assert built.exit_code == 0, built.stderr
    assert (project / "output/champions/riverside-chamber/index.html").is_file()
    assert (project / "output/static/style.css").is_file()


def test_init_refuses_a_folder_with_files(tmp_path, run_toolkit):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = run_toolkit("init", folder)
    assert result.exit_code == 1
    assert "folder is not empty" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_init_needs_a_directory_argument(run_toolkit):
    result = run_toolkit("init")
    assert result.exit_code == 2
    assert "Missing argument 'DIRECTORY'" in result.stderr
