"""The `toolkit` command: parse arguments, call one verb module, report."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from toolkit import __version__, build, scaffold
from toolkit.errors import Problem, ToolkitError

_PROJECT = click.argument(
    "project", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)


def _fail(error: ToolkitError) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    errors = sum(1 for p in error.problems if p.is_error)
    click.echo(f"{errors} error{'s' if errors != 1 else ''}; nothing was written.", err=True)
    sys.exit(1)


def _warn(problems: tuple[Problem, ...]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="toolkit")
@click.option("-v", "--verbose", is_flag=True, help="Say more about what is happening.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.pass_context
def main(ctx: click.Context, verbose: bool, quiet: bool) -> None:
    """Build a campaign site, a microsite per local champion, and their kits."""
    ctx.obj = {"quiet": quiet}
    level = logging.DEBUG if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(name)s: %(message)s")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def init(ctx: click.Context, directory: Path) -> None:
    """Create a new campaign project in DIRECTORY, from the example campaign."""
    try:
        made = scaffold.init(directory)
    except ToolkitError as error:
        _fail(error)
        return
    if not ctx.obj["quiet"]:
        click.echo(f"Created a campaign project in {made}")
        click.echo(f"Next: toolkit build {directory}")


@main.command("build")
@_PROJECT
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to build into (default: `output` in toolkit.yaml).",
)
@click.pass_context
def build_command(ctx: click.Context, project: Path, output: Path | None) -> None:
    """Build the campaign site, every champion's microsite and their kits."""
    quiet = ctx.obj["quiet"]
    bar = None
    progress = None
    if not quiet and sys.stderr.isatty():

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None and total >= 500:
                bar = click.progressbar(length=total, label="Building", file=sys.stderr)
                bar.__enter__()
            if bar is not None:
                bar.update(done - bar.pos)

    try:
        report = build.run(project, output, progress)
    except ToolkitError as error:
        _fail(error)
        return
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    _warn(report.warnings)
    if not quiet:
        click.echo(
            f"Built {report.pages} pages for {report.champions} champions "
            f"({report.files} files) in {report.seconds:.2f} s → {report.output}"
        )
