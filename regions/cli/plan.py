"""``regions plan``: the hiring plan over your sites (:mod:`regions.plan`), with its PDF or XLSX report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from regions import files, indicators, scoring, settings
from regions.cli.common import FORMATS, NOTICES, Parser, departement_codes, render
from regions.cli.options import add_score_options, hubs_from_args, selection_from_args

if TYPE_CHECKING:
    from regions import plan


def add_plan(commands: argparse._SubParsersAction[Parser]) -> None:
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
        type=departement_codes,
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
    plan_cmd.add_argument("--out", help="also write the plan to FILE.xlsx, FILE.pdf or FILE.csv (its teams)")
    plan_cmd.add_argument("--lang", choices=["fr", "en"], default="fr", help="language of the PDF/XLSX/CSV")
    add_score_options(plan_cmd)  # fmt: skip


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
    from regions import plan

    try:
        return plan.parse_team_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _specialities(text: str) -> dict[str, int]:
    from regions import plan

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


def cmd_plan(args: argparse.Namespace) -> str:
    """Solve the plan over the ranked (or given) départements and your sites; ``--out`` writes the PDF, XLSX or
    CSV."""
    from regions import plan, report

    target = Path(args.out) if args.out else None
    if target is not None and target.suffix.lower() not in (".xlsx", ".pdf", ".csv"):
        raise ValueError(f"--out was {args.out!r} but must end in .xlsx, .pdf or .csv")
    hubs, capacities = hubs_from_args(args)
    if hubs is None:
        raise ValueError("un plan rattache chaque équipe à l'un de vos sites : donnez --hubs, --hub-operators ou "
                         "--hubs-file")  # fmt: skip
    selection = selection_from_args(args, hubs)
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
        from regions.workspace import people

        by = people.actor()
        by.require("export")
        context = report.PlanContext(table, hubs, selection.weights, selection.filters, selection.preset)
        writers = {".pdf": report.plan_pdf, ".xlsx": report.plan_workbook, ".csv": report.plan_csv}
        writer = writers[target.suffix.lower()]
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
    from regions.workspace import people, scenarios

    if args.scenario is None:
        return list(args.departements) if args.departements else None
    if args.departements:
        raise ValueError("--departements et --scenario s'excluent : donnez l'un ou l'autre")
    saved = scenarios.get(people.actor(), args.scenario)
    codes = [territory.code for territory in saved.state.territories if territory.status != "dropped"]
    if not codes:
        raise ValueError(f"le scénario « {saved.name} » n'a aucun territoire hors écartés : rien à planifier")
    NOTICES.append(f"regions: scénario « {saved.name} » (version {saved.version}) : {len(codes)} départements")
    return codes


def _plan_text(solved: plan.Plan) -> str:
    """The plan for a terminal: summary, teams, binding constraints, what it reaches."""
    from regions import report

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
