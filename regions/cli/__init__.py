"""The ``regions`` command line: the library's tables and provenance, for scripts and for checking by hand.

Commands: ``info``, ``indicators``, ``sources``, ``cache``, ``score``, ``export``, ``candidates``
(``import``, ``aggregate``, ``shortlist``), ``data``, ``plan`` (the hiring plan over your sites). Bad arguments exit
with status 2 and a one-line reason on stderr; a library error, or a file that cannot be read or written, exits with
status 1 and its message. Every output file is written through :func:`regions.files.write_atomically` (all or
nothing).

A damaged part of the user's data folder never stops a command: it is left out (the bundled figures show) and
named on stderr (``regions: attention : …``) with the command that repairs it (``regions data remove --id …``
or ``regions data reset``, which both work on a damaged folder).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from regions import files
from regions.cli import candidates, data, info, plan, score, workspace
from regions.cli.common import FORMATS, NOTICES, Parser, add_output, count_arg
from regions.cli.options import add_lang_option, add_score_options

#: Command -> its handler (each imports its heavy dependencies when it runs).
HANDLERS: dict[str, Callable[[argparse.Namespace], str]] = {
    "info": info.cmd_info,
    "indicators": info.cmd_indicators,
    "sources": info.cmd_sources,
    "cache": info.cmd_cache,
    "score": score.cmd_score,
    "export": score.cmd_export,
    "candidates": candidates.cmd_candidates,
    "data": data.cmd_data,
    "plan": plan.cmd_plan,
    "db": workspace.cmd_db,
    "scenario": workspace.cmd_scenario,
    "workspace": workspace.cmd_workspace,
    "audit": workspace.cmd_audit,
}


def build_parser() -> argparse.ArgumentParser:
    """The ``regions`` argument parser and its sub-commands."""
    parser = Parser(prog="regions", description="Homeshore: French territories, official figures, sources.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="COMMAND")

    commands.add_parser("info", help="counts, data vintages, cache location and state")

    table = commands.add_parser("indicators", help="the territory table (one row per territory)")
    table.add_argument("--level", choices=["departement", "region"], default="departement")
    table.add_argument("--format", choices=FORMATS, default="table")
    add_output(table)

    src = commands.add_parser("sources", help="provenance and coverage of every indicator")
    src.add_argument("--format", choices=FORMATS, default="table")
    add_output(src)

    cache_cmd = commands.add_parser("cache", help="show the geometry cache, or rebuild it")
    cache_cmd.add_argument("--rebuild", action="store_true", help="delete and rebuild every cached layer")

    score_cmd = commands.add_parser("score", help="rank départements for home-based hiring")
    add_score_options(score_cmd)
    score_cmd.add_argument("--format", choices=FORMATS, default="table")
    add_output(score_cmd)
    score_cmd.add_argument("--all", action="store_true", help="also list filtered-out départements, with the reason")

    export_cmd = commands.add_parser("export", help="write the shortlist file the app produces (XLSX or CSV)")
    add_score_options(export_cmd)
    export_cmd.add_argument(
        "--top", type=count_arg, default=10, metavar="N", help="number of best-ranked départements (default 10)"
    )
    export_cmd.add_argument("--out", required=True, help="FILE.xlsx or FILE.csv")
    export_cmd.add_argument(
        "--french-excel", action="store_true", help="CSV with ';' and decimal commas (the default in French)"
    )
    add_lang_option(export_cmd)
    candidates.add_candidates(commands)
    data.add_data(commands)
    plan.add_plan(commands)
    workspace.add_workspace(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    sys.unraisablehook = _quiet_os_errors
    NOTICES.clear()
    try:
        for option in ("output", "out", "report", "unmatched"):  # before any work: a bad folder fails at once
            if getattr(args, option, None):
                files.check_target(getattr(args, option))
        text = HANDLERS[args.command](args)
        output = getattr(args, "output", None)
        if output:
            files.write_atomically(output, text.encode("utf-8"))
            print(f"regions: wrote {output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        for notice in NOTICES:  # what the command assumed, said once it has succeeded (an error stays one line)
            print(notice, file=sys.stderr)
    except OSError as error:  # OutputError says what to do; a disk full while building a file says it too
        _warn_damage(args.command)
        print(f"regions: error: {files.describe(error)}", file=sys.stderr)
        return 1
    except Exception as error:
        database = _database_error(error)
        if database is not None:  # the workspace database cannot be reached or written
            print(f"regions: error: {database}", file=sys.stderr)
            return 1
        if not isinstance(error, ValueError | RuntimeError):  # a programming error surfaces
            raise
        _warn_damage(args.command)  # TabularError, RefreshError: a message, no traceback
        print(f"regions: error: {error}", file=sys.stderr)
        return 1
    _warn_damage(args.command)
    return 0


def _database_error(error: Exception) -> str | None:
    """The one-line description of a workspace database error; ``None`` for any other error. SQLAlchemy is loaded
    only by the commands that use the workspace: if it is not loaded, the error cannot be one of its."""
    if "sqlalchemy" not in sys.modules:
        return None
    import sqlalchemy

    if not isinstance(error, sqlalchemy.exc.SQLAlchemyError):
        return None
    from regions.workspace import db

    return db.describe_error(error)


def _warn_damage(command: str) -> None:
    """Name on stderr, once, an old folder the command migrated into the database (where it is kept, what was left
    in it), and every damaged part of the user's data the command left out, with how to repair it."""
    if "regions.workspace.userdata" in sys.modules:
        from regions.workspace import userdata

        for migration in userdata.take_migrations():
            print("\n".join(f"regions: {line}" for line in migration.lines()), file=sys.stderr)
    if command in ("cache", "candidates", "db", "workspace", "audit"):  # they do not read the user's data
        return
    from regions import sources

    for damage in sources.overlay_damage():
        print(f"regions: attention : {damage.message()}", file=sys.stderr)


def _quiet_os_errors(unraisable: sys.UnraisableHookArgs) -> None:
    """Leave out the "Exception ignored" traceback a library's writer prints when its temporary file fails (e.g. a
    full disk): the error itself is reported once, on one line; anything else is shown as Python would."""
    if not isinstance(unraisable.exc_value, OSError):
        sys.__unraisablehook__(unraisable)
