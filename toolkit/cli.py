"""The `toolkit` command: parse arguments, call one verb module, report."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path

import click

# Each command imports its own module when it runs: `toolkit build` with nothing to do
# should not wait for the preview server's or the spreadsheet's libraries to load.
from toolkit import __version__, build, spreadsheet
from toolkit.errors import Problem, ToolkitError, did_you_mean

_PROJECT = click.argument(
    "project", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)


def _fail(error: ToolkitError) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    errors = sum(1 for p in error.problems if p.is_error)
    click.echo(f"{errors} error{'s' if errors != 1 else ''}; nothing was written.", err=True)
    sys.exit(1)


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def _warn(problems: tuple[Problem, ...]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


def _verbosity(command: Callable[..., None]) -> Callable[..., None]:
    """Add -q and -v to a command; -v turns on debug logging."""

    def set_verbose(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
        if value:
            import logging  # here: a build that says nothing need not load it

            logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
        return value

    command = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=set_verbose,
        help="Say more about what is happening.",
    )(command)
    return click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")(
        command
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="toolkit")
def main() -> None:
    """Build a campaign site, a microsite per local champion, and their kits."""


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@_verbosity
def init(directory: Path, quiet: bool) -> None:
    """Create a new campaign project in DIRECTORY, from the example campaign."""
    from toolkit import scaffold

    try:
        made = scaffold.init(directory)
    except ToolkitError as error:
        _fail(error)
        return
    if not quiet:
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
@click.option(
    "--print/--no-print",
    "with_print",
    default=True,
    help="Make the print kits' PDFs (the slowest step); --no-print skips them.",
)
@_verbosity
def build_command(project: Path, output: Path | None, with_print: bool, quiet: bool) -> None:
    """Build the campaign site, every champion's microsite and their kits."""
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
        report = build.run(project, output, progress, pdfs=with_print)
    except ToolkitError as error:
        _fail(error)
        return
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    _warn(report.warnings)
    if not quiet:
        pdfs = ""
        if report.pdfs:
            pdfs = f" and {_count(report.pdfs, 'PDF')}"
            if report.pdfs_reused:
                pdfs += f" ({report.pdfs_reused} unchanged)"
        click.echo(
            f"Built {_count(report.pages, 'page')}{pdfs} "
            f"for {_count(report.champions, 'champion')} "
            f"({_count(report.files, 'file')}"
            f"{f', {report.unchanged} unchanged' if report.unchanged else ''})"
            f" in {report.seconds:.2f} s → {report.output}"
        )
        click.echo("Preview it with live reload: toolkit serve")


@main.command("check")
@_PROJECT
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="text for people, json for CI.",
)
@click.option("--external", is_flag=True, help="Also check links to other sites over HTTP.")
@_verbosity
def check_command(project: Path, output_format: str, external: bool, quiet: bool) -> None:
    """Check settings, content, rosters and links without building; exit 1 on errors."""
    from toolkit import check

    report = check.run(project, external=external)
    if output_format == "json":
        click.echo(report.to_json())
    else:
        for problem in report.problems:
            click.echo(str(problem), err=True)
        if not quiet or report.errors:
            summary = (
                f"{report.errors} error{'s' if report.errors != 1 else ''}, "
                f"{report.warnings} warning{'s' if report.warnings != 1 else ''}"
            )
            if report.pages:
                summary += f" in {report.pages} pages and {report.champions} champions"
                if external:
                    summary += f", {report.external} external links"
            click.echo(summary + ".", err=bool(report.errors))
    if report.errors:
        sys.exit(1)


@main.command("serve")
@_PROJECT
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port."
)
@click.option(
    "--base-path",
    default="/",
    show_default=True,
    help="Serve under a sub-path, as a partner's host would: --base-path /shop-local/",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@click.option(
    "--print/--no-print",
    "with_print",
    default=False,
    help="Also make the PDFs (print previews in HTML are always live).",
)
@_verbosity
def serve_command(
    project: Path,
    host: str,
    port: int,
    base_path: str,
    open_browser: bool,
    with_print: bool,
    quiet: bool,
) -> None:
    """Preview the site, rebuilding what changed and reloading the browser on every save."""
    from toolkit import serve

    try:
        serve.run(
            project,
            host=host,
            port=port,
            base_path=base_path,
            pdfs=with_print,
            open_browser=open_browser,
            echo=lambda line: click.echo(line, err=True),
        )
    except ToolkitError as error:
        _fail(error)


@main.command("fork")
@click.argument("source")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--champion", "champion", metavar="ID", help="Whose kit (needed for a folder).")
@_verbosity
def fork_command(source: str, dest: Path, champion: str | None, quiet: bool) -> None:
    """Make DEST a partner's own project, from a campaign folder, a kit .zip or its URL."""
    from toolkit import fork

    try:
        made, upstream = fork.fork(source, dest, champion)
    except ToolkitError as error:
        _fail(error)
        return
    if not quiet:
        click.echo(f"Forked the kit of {upstream.champion} into {made}")
        click.echo(f"Next: cd {dest} && toolkit serve   (and later: toolkit update)")


@main.command("update")
@_PROJECT
@click.option("--from", "source", metavar="SOURCE", help="Take upstream from here this time.")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@_verbosity
def update_command(project: Path, source: str | None, dry_run: bool, quiet: bool) -> None:
    """In a fork: bring in the campaign's changes and keep every local edit."""
    from toolkit import update

    try:
        report = update.update(project, source, dry_run=dry_run)
    except ToolkitError as error:
        _fail(error)
        return
    would = "would be " if dry_run else ""
    for change in report.changes:
        click.echo(("(dry run) " if dry_run else "") + str(change))
    if not quiet:
        changed = sum(1 for c in report.changes if c.action != "conflict")
        click.echo(
            f"{changed} file{'s' if changed != 1 else ''} {would}changed from {report.source}; "
            "every local edit is kept."
        )
    if report.conflicts:
        click.echo(
            f"{len(report.conflicts)} conflict{'s' if len(report.conflicts) != 1 else ''} "
            "to resolve: merge each into its file by hand, then delete it:",
            err=True,
        )
        for path in report.conflicts:
            click.echo(f"  {path}", err=True)
        sys.exit(1)


@main.group("champions")
def champions() -> None:
    """Import a spreadsheet of champions into a roster, or list the roster."""


def _column_map(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[str, str]:
    """Read each --map "COLUMN=FIELD" (an empty FIELD skips the column)."""
    mapping = {}
    for value in values:
        column, equals, name = value.rpartition("=")
        column, name = column.strip(), name.strip()
        if not equals or not column:
            raise click.BadParameter(f"{value!r} is not COLUMN=FIELD", ctx, param)
        if name and name not in spreadsheet.FIELDS:
            hint = did_you_mean(name, spreadsheet.FIELDS)
            raise click.BadParameter(
                f"{name!r} is not a roster field" + (f" ({hint})" if hint else ""), ctx, param
            )
        mapping[column] = name
    return mapping


@champions.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_PROJECT
@click.option(
    "--into",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Roster file to write, in PROJECT (default: content/champions/<FILE name>.yaml).",
)
@click.option(
    "--map",
    "columns",
    multiple=True,
    metavar="COLUMN=FIELD",
    callback=_column_map,
    help=f"Which field a column fills; repeatable; an empty FIELD skips the column. "
    f"Fields: {', '.join(spreadsheet.FIELDS)}.",
)
@_verbosity
def champions_import(
    file: Path, project: Path, into: Path | None, columns: dict[str, str], quiet: bool
) -> None:
    """Turn a spreadsheet saved as CSV into a roster file; ids stay on a new import."""
    try:
        report = spreadsheet.import_sheet(file, project, into=into, columns=columns)
    except ToolkitError as error:
        _fail(error)
        return
    _warn(report.warnings)
    if not quiet:
        click.echo(
            f"Imported {report.champions} champion{'s' if report.champions != 1 else ''} "
            f"into {report.target} ({report.kept_ids} kept their ids)"
        )


@champions.command("list")
@_PROJECT
@click.option(
    "--format",
    "output_format",
    type=click.Choice(spreadsheet.LIST_FORMATS),
    default="table",
    help="table for people, csv or json for scripts.",
)
def champions_list(project: Path, output_format: str) -> None:
    """List every champion: id, name, city, kind and language."""
    try:
        listed = spreadsheet.list_champions(project)
    except ToolkitError as error:
        _fail(error)
        return
    click.echo(spreadsheet.format_listing(listed, output_format), nl=False)


def run() -> None:
    """The `toolkit` command as installed: `main`, and the process ends when it returns
    (tests call `main` itself, and are not ended)."""
    try:
        main(prog_name="toolkit")
    finally:
        # Python looks through every object once more as it exits, to collect cycles: after a
        # build of a large campaign that took half a second. The process is ending; its memory
        # goes back to the system whole.
        gc.freeze()
