"""``regions db``, ``scenario``, ``workspace`` and ``audit``: the team workspace (:mod:`regions.workspace`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from regions import files, indicators, scoring, shortlist
from regions.cli.common import Parser, count_arg, departement_codes, render
from regions.cli.options import add_lang_option, add_score_options, hubs_from_args, selection_from_args

if TYPE_CHECKING:
    from regions.workspace import people


def add_workspace(commands: argparse._SubParsersAction[Parser]) -> None:
    """``db``, ``scenario``, ``workspace`` and ``audit``: the team workspace (see :mod:`regions.workspace`)."""
    database = commands.add_parser("db", help="the workspace database: create/migrate it, or describe it")
    db_actions = database.add_subparsers(dest="action", required=True, parser_class=Parser, metavar="ACTION")
    db_actions.add_parser("upgrade", help="create or migrate the schema (the app and the CLI also do it on first use)")
    db_info = db_actions.add_parser("info", help="which database (password hidden), schema version, counts")
    db_info.add_argument("--format", choices=("json", "table"), default="table")

    group = commands.add_parser("scenario", help="saved scenarios: weights, constraints, shortlist with statuses")
    actions = group.add_subparsers(dest="action", required=True, parser_class=Parser, metavar="ACTION")
    saving = actions.add_parser("save", help="save the ranking of these options and a shortlist under NAME")
    saving.add_argument("name", metavar="NAME")
    add_score_options(saving)
    picked = saving.add_mutually_exclusive_group()
    picked.add_argument(
        "--top", type=count_arg, default=10, metavar="N", help="shortlist the N best-ranked (default 10)"
    )
    picked.add_argument("--departements", type=departement_codes, metavar="CODES", help="shortlist these départements")
    saving.add_argument("--note", default="", help="a note on the scenario")
    saving.add_argument(
        "--expect-version", type=count_arg, metavar="N", help="replace NAME if it is still at version N"
    )
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
    status.add_argument(
        "--expect-version", type=count_arg, metavar="N", help="refuse if NAME is no longer at version N"
    )
    exporting = actions.add_parser("export", help="the scenario's shortlist as XLSX or CSV (name and version inside)")
    exporting.add_argument("name", metavar="NAME")
    exporting.add_argument("--out", required=True, help="FILE.xlsx or FILE.csv")
    add_lang_option(exporting)
    locking = actions.add_parser("lock", help="lock NAME as approved: read-only (managers)")
    locking.add_argument("name", metavar="NAME")
    locking.add_argument("--expect-version", type=count_arg, metavar="N")
    deleting = actions.add_parser("delete", help="delete a scenario (not a locked one)")
    deleting.add_argument("name", metavar="NAME")
    deleting.add_argument("--expect-version", type=count_arg, metavar="N")

    space = commands.add_parser("workspace", help="the workspace's members and roles")
    space_actions = space.add_subparsers(dest="action", required=True, parser_class=Parser, metavar="ACTION")
    members = space_actions.add_parser("members", help="list the members, or add one (admins)")
    member_actions = members.add_subparsers(dest="member_action", parser_class=Parser, metavar="ACTION")
    adding = member_actions.add_parser("add", help="add a member or change a member's role")
    adding.add_argument("email", metavar="EMAIL")
    adding.add_argument("role", type=_role, metavar="ROLE", help="recruiter, manager or admin")
    members.add_argument("--format", choices=("json", "table"), default="table")

    trail = commands.add_parser("audit", help="the audit trail: exports, locks, status changes, imports")
    trail.add_argument("--format", choices=("json", "table"), default="table")


def _role(text: str) -> str:
    """A workspace role (the workspace is imported only when a member is added)."""
    from regions.workspace import people

    if text not in people.ROLES:
        raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from {', '.join(people.ROLES)})")
    return text


def cmd_db(args: argparse.Namespace) -> str:
    from regions.workspace import db

    if args.action == "upgrade":
        from regions.workspace import userdata

        revision = db.upgrade()
        userdata.migrate_folder()  # an old folder too, once (said on stderr)
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


def cmd_scenario(args: argparse.Namespace) -> str:
    """``regions scenario …``: every write as the acting user (``HOMESHORE_USER`` or the local owner)."""
    from regions.workspace import people, scenarios

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
        saved, payload = scenarios.export_bytes(by, args.name, target.suffix, lang=args.lang)
        files.write_atomically(target, payload)
        return f"regions: wrote {target} (scénario « {saved.name} » version {saved.version})\n"
    if args.action == "lock":
        saved = scenarios.lock(by, args.name, expect_version=args.expect_version)
        return f"regions: « {saved.name} » verrouillé comme approuvé (version {saved.version}) : lecture seule\n"
    scenarios.delete(by, args.name, expect_version=args.expect_version)
    return f"regions: scénario « {args.name} » supprimé\n"


def _scenario_save(args: argparse.Namespace, by: people.Actor) -> str:
    from regions.workspace import capture, scenarios

    hubs, capacities = hubs_from_args(args)
    selection = selection_from_args(args, hubs)
    table = indicators.territory_table(hubs=hubs)
    result = scoring.score(table, selection.weights, selection.filters, draws=10)
    chosen = args.departements or shortlist.top_codes(result, args.top)
    sites_used = {"hubs": [site for site, _ in args.hubs], "hub_operators": args.hub_operators,
                  "capacities": capacities}  # fmt: skip
    if args.hubs_file:
        sites_used["hubs_file"] = Path(args.hubs_file).name
    state = capture.state(table, result, preset=selection.preset, weights=selection.weights,
                          filters=selection.filters, territories=chosen, sites=sites_used, note=args.note)  # fmt: skip
    saved = scenarios.save(by, args.name, state, expect_version=args.expect_version)
    return f"regions: scénario « {saved.name} » enregistré, version {saved.version} ({len(chosen)} départements)\n"


def _scenario_show(args: argparse.Namespace, by: people.Actor) -> str:
    """The scenario; if the figures changed since it was saved (refresh, import), which, and old → new ranks."""
    from regions.workspace import capture, scenarios

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
        f"Préréglage : {scoring.preset_label(state.preset)}",
        render(scenarios.export_table(saved), "table").rstrip("\n"),
    ]
    if moved:
        lines += ["Les chiffres ont changé depuis l'enregistrement :", *(f"  {line}" for line in moved.lines())]
    else:
        lines.append("Chiffres inchangés depuis l'enregistrement.")
    return "\n".join(lines) + "\n"


def cmd_workspace(args: argparse.Namespace) -> str:
    from regions.workspace import people

    by = people.actor()
    if args.member_action == "add":
        people.add_member(by, args.email, args.role)
        return f"regions: {args.email} est {people.ROLE_LABELS_FR[args.role]} de l'espace de travail\n"
    listed = people.members(by)
    if args.format == "json":
        return json.dumps(listed, ensure_ascii=False, indent=1) + "\n"
    return render(pd.DataFrame(listed, columns=["email", "role", "added_at", "added_by"]), "table")


def cmd_audit(args: argparse.Namespace) -> str:
    from regions.workspace import people

    trail = people.audit_trail(people.actor())
    if args.format == "json":
        return json.dumps(trail, ensure_ascii=False, indent=1) + "\n"
    frame = pd.DataFrame(trail, columns=["at", "actor", "action", "scenario", "scenario_version", "detail"])
    frame["detail"] = [json.dumps(d, ensure_ascii=False) for d in frame["detail"]]
    return render(frame.astype({"scenario_version": "Int64"}), "table")
