"""Build :class:`PlanInputs` from the territory table, a score result and your sites; read the CLI's
``--specialities`` and ``--team-size``."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from regions import geo, settings, sites
from regions.plan.model import POOL_COLUMN, PlanError, PlanInputs

# --- inputs -------------------------------------------------------------------------------------------------------


def inputs_from_table(
    table: pd.DataFrame,
    result: pd.DataFrame,
    hubs: gpd.GeoDataFrame,
    *,
    hires: int = settings.PLAN_DEFAULT_HIRES,
    departements: Sequence[str] | None = None,
    capacities: Mapping[str, int] | None = None,
    team_size: tuple[int, int] = settings.PLAN_DEFAULT_TEAM_SIZE,
    specialities: Mapping[str, int] | None = None,
    max_per_mille: float | None = settings.PLAN_DEFAULT_MAX_PER_MILLE,
    max_travel_min: float = settings.DEFAULT_HUB_MAX_TRAVEL_MIN,
) -> PlanInputs:
    """Plan inputs from the territory table, a score result (``scoring.score``) and your sites.

    Candidates: ``departements`` (unknown codes raise), else every ranked département of ``result`` (those that pass
    the constraints). Travel from each département's population centre to each hub (``sites.travel_matrix``).
    """
    if hubs is None or not len(hubs):
        raise PlanError("reach", "aucun de vos sites déclaré : un plan rattache chaque équipe à l'un de vos sites")
    scores = result.set_index("code")["score"]
    if departements is None:
        codes = tuple(result.loc[result["rank"].notna(), "code"])
    else:
        unknown = [c for c in departements if c not in scores.index]
        if unknown:
            raise PlanError("reach", f"départements inconnus : {', '.join(unknown)}")
        codes = tuple(dict.fromkeys(departements))
    centres = geo.population_centres("departement")
    travel = sites.travel_matrix(centres[centres["code"].isin(codes)], hubs).reindex(list(codes))
    pool = table.set_index("code")[POOL_COLUMN]
    names = {str(row.site_id): f"{row.site_id} {row.commune_name}".strip() for row in hubs.itertuples()}
    return PlanInputs(
        hires=hires,
        codes=codes,
        scores={c: float(np.nan_to_num(scores.get(c, 0.0))) for c in codes},
        pool={c: float(pool.get(c, math.nan)) for c in codes},
        travel=travel,
        capacities=dict(capacities or {}),
        team_size=team_size,
        specialities=specialities,
        max_per_mille=max_per_mille,
        max_travel_min=max_travel_min,
        hub_names=names,
    )


def parse_specialities(text: str) -> dict[str, int]:
    """``support:40,facturation:50,vente:30`` -> ``{"support": 40, ...}``; errors name the bad part."""
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, count = part.rpartition(":")
        if not sep or not name.strip() or not count.strip().isdigit() or int(count) < 1:
            raise ValueError(f"spécialité « {part} » : attendu nom:effectif (ex. support:40)")
        if name.strip() in out:
            raise ValueError(f"spécialité « {name.strip()} » donnée deux fois")
        out[name.strip()] = int(count)
    if not out:
        raise ValueError(f"« {text} » ne nomme aucune spécialité (ex. support:40,vente:30)")
    return out


def parse_team_size(text: str) -> tuple[int, int]:
    """``12`` -> (12, 12); ``10-15`` -> (10, 15); errors say what is expected."""
    low, sep, high = text.replace("–", "-").partition("-")
    try:
        bounds = (int(low), int(high) if sep else int(low))
    except ValueError:
        raise ValueError(f"taille d'équipe « {text} » : attendu un nombre (12) ou une fourchette (10-15)") from None
    if not 1 <= bounds[0] <= bounds[1]:
        raise ValueError(f"taille d'équipe « {text} » : attendu 1 <= minimum <= maximum")
    return bounds
