"""``regions score`` and ``regions export``: the ranking of départements, and the shortlist file the app produces."""

from __future__ import annotations

import argparse
from pathlib import Path

from regions import files, indicators, scoring, shortlist
from regions.cli.common import render
from regions.cli.options import hubs_from_args, selection_from_args


def cmd_score(args: argparse.Namespace) -> str:
    hubs, _ = hubs_from_args(args)
    selection = selection_from_args(args, hubs)
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


def cmd_export(args: argparse.Namespace) -> str:
    from regions.workspace import people

    target = Path(args.out)
    if target.suffix.lower() not in (".xlsx", ".csv"):
        raise ValueError(f"--out was {args.out!r} but must end in .xlsx or .csv")
    hubs, _ = hubs_from_args(args)
    selection = selection_from_args(args, hubs)
    table = indicators.territory_table(hubs=hubs)
    result = scoring.score(table, selection.weights, selection.filters, lang=args.lang)  # reasons in the language
    top = shortlist.top_codes(result, args.top)
    if target.suffix.lower() == ".xlsx":
        payload = shortlist.workbook(table, result, top, selection, lang=args.lang)
    else:
        excel = True if args.french_excel else None  # French Excel by default in French, on request in English
        payload = shortlist.csv_file(table, result, top, selection, lang=args.lang, french_excel=excel)
    by = people.actor()
    by.require("export")
    files.write_atomically(target, payload)
    people.record(by, "export", {"file": target.name, "departements": top, "preset": selection.preset})
    return f"regions: wrote {target} ({len(top)} départements)\n"
