"""The scoring options (preset, weights, filters) and your sites (``--hubs``…), shared by ``score``, ``export``,
``plan`` and ``scenario save``."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from regions import _datafrance, codes, files, scoring, settings, shortlist, sites
from regions.cli.common import NOTICES, minutes_arg, names_arg, percent_arg

if TYPE_CHECKING:
    import geopandas as gpd


def add_score_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--preset", type=_preset, default=scoring.DEFAULT_PRESET, help=f"one of {list(scoring.PRESETS)}"
    )
    command.add_argument("--weights", type=_weights, help="id=weight,... (replaces the preset's weights)")
    command.add_argument(
        "--min-ftth", type=percent_arg, metavar="PCT", help="minimum share of premises eligible to FTTH"
    )
    command.add_argument(
        "--max-travel-min",
        type=minutes_arg,
        metavar="MIN",
        help=f"maximum estimated travel (default {settings.DEFAULT_HUB_MAX_TRAVEL_MIN:g}) to the nearest of your sites "
        "when --hubs/--hubs-file is given, else to the nearest known site",
    )
    command.add_argument("--no-travel-limit", action="store_true", help="rank territories however far from a site")
    command.add_argument("--regions", type=_region_codes, default=(), metavar="CODES", help="région codes, e.g. 75,76")
    add_hub_options(command)


def add_hub_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--hubs", type=_hub_ids, default=[], metavar="SITE_IDS",
                         help="your own sites among the bundled ones (see data/sites.csv), e.g. S012,S031:40 "
                         "(:N = capacity, advisers per monthly day)")  # fmt: skip
    command.add_argument("--hub-operators", type=names_arg, default=[], metavar="NAMES",
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


def hubs_from_args(args: argparse.Namespace) -> tuple[gpd.GeoDataFrame | None, dict[str, int]]:
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
    """A preset id; a former name (its French label, any case or accents) is accepted with a note on stderr."""
    if text in scoring.PRESETS:
        return text
    by_slug = {codes.slug(preset.label_fr): preset.id for preset in scoring.PRESETS.values()}
    by_slug |= {codes.slug(preset.label_en): preset.id for preset in scoring.PRESETS.values()}
    by_slug |= {codes.slug(identifier): identifier for identifier in scoring.PRESETS}
    if codes.slug(text) not in by_slug:
        raise argparse.ArgumentTypeError(f"unknown preset {text!r}; expected one of {list(scoring.PRESETS)}")
    identifier = by_slug[codes.slug(text)]
    print(f"regions: note: preset {text!r} is now called {identifier!r}", file=sys.stderr)
    return identifier


def add_lang_option(command: argparse.ArgumentParser, what: str = "the file") -> None:
    """``--lang fr|en``: the language of an export's headers, words and metadata (French by default)."""
    command.add_argument("--lang", choices=["fr", "en"], default="fr", help=f"language of {what} (default: fr)")


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


def selection_from_args(args: argparse.Namespace, hubs: gpd.GeoDataFrame | None = None) -> shortlist.Selection:
    """Weights and filters; with your sites, ``--max-travel-min`` (default 120) limits travel to them and says so."""
    unlimited = getattr(args, "no_travel_limit", False)
    limit = settings.DEFAULT_HUB_MAX_TRAVEL_MIN if args.max_travel_min is None else args.max_travel_min
    if hubs is None:
        travel = None if unlimited else limit
        filters = scoring.Filters(min_ftth_pct=args.min_ftth, max_travel_min=travel, regions=args.regions)
        if args.max_travel_min is None and not unlimited:
            NOTICES.append(
                f"regions: trajet maximal jusqu'au site connu le plus proche : {limit:g} min par défaut (aucun de vos "
                "sites déclaré, --hubs pour le faire ; --max-travel-min N ou --no-travel-limit pour changer)"
            )
    else:
        limit = math.inf if unlimited else limit
        filters = scoring.Filters(min_ftth_pct=args.min_ftth, regions=args.regions, max_hub_travel_min=limit)
        NOTICES.append(
            f"regions: {len(hubs)} de vos sites ; trajet maximal jusqu'au plus proche : {limit:g} min "
            "(estimation ; --max-travel-min pour le changer) ; sans site accessible : exclu"
        )
    if args.weights:
        return shortlist.Selection(args.weights, filters, scoring.CUSTOM)
    weights = scoring.preset_for(args.preset)
    return shortlist.Selection(weights, filters, args.preset)
