"""``regions data refresh|reset|missing|import|remove``: the official figures, and the user's own indicators."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from regions import files, indicators, settings, snapshot, sources, tabular, user_indicators
from regions.cli.common import FORMATS, Parser, add_output, render


def add_data(commands: argparse._SubParsersAction[Parser]) -> None:
    group = commands.add_parser("data", help="refresh the official figures, or add your own indicator")
    actions = group.add_subparsers(dest="action", required=True, parser_class=Parser, metavar="ACTION")
    refresh_cmd = actions.add_parser("refresh", help="download the official files and write a new snapshot")
    refresh_cmd.add_argument(
        "--only", type=_dataset_ids, metavar="ID,...", help="dataset ids to refresh (default: all)"
    )
    refresh_cmd.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")

    reset_cmd = actions.add_parser(
        "reset",
        help="forget refreshed figures and remove any damaged entry (kept in the audit trail): the bundled "
        "snapshot shows again",
    )
    reset_cmd.add_argument(
        "--only", type=_dataset_ids, metavar="ID,...", help="dataset ids to reset (default: every refreshed one)"
    )

    missing = actions.add_parser("missing", help="what the figures still miss, and how to fill each")
    missing.add_argument("--format", choices=FORMATS, default="table")
    add_output(missing)

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
        "remove", help="remove your own indicator, or undo a completion (works on a damaged entry too)"
    )
    removing.add_argument("--id", required=True, dest="indicator_id")


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


def cmd_data(args: argparse.Namespace) -> str:
    if args.action == "import":
        return _data_import(args)
    if args.action == "missing":
        from regions import completeness  # imports the refresh registry

        found = completeness.gaps()
        if args.format == "table":
            return completeness.describe(found)
        return render(completeness.gaps_table(found), args.format)
    from regions import refresh  # only these commands need it
    from regions.workspace import people

    if args.action == "remove":
        stored = user_indicators.stored_ids()
        if args.indicator_id not in stored:
            raise ValueError(f"{args.indicator_id!r} is not one of your indicators: {stored}")
        user_indicators.remove(args.indicator_id, by=people.actor())
        return f"regions: removed {args.indicator_id}\n"
    if args.action == "reset":
        by = people.actor()
        kept = snapshot.repair(by)
        lines = [f"regions: damaged entry removed (kept in the audit trail): {key}" for key in kept]
        reset = refresh.reset(args.only, by=by)
        if reset:
            lines.append(f"regions: back to the bundled figures for {', '.join(reset)}")
        elif not kept:
            lines.append("regions: no refreshed figures to forget; the bundled snapshot is in use")
        return "\n".join(lines) + "\n"
    acting = None if args.dry_run else people.actor()  # a dry run writes nothing: no member needed
    report = refresh.run(args.only, dry_run=args.dry_run, progress=lambda line: print(line, file=sys.stderr), by=acting)
    return render(report.table(), "table")


def _data_import(args: argparse.Namespace) -> str:
    from regions.workspace import people

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
    user_indicators.save(prepared, by=by, file=path.name)  # one transaction with its audit event
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
