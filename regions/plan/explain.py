"""What a plan means: the constraints that bind it (:func:`binding`) and what it reaches (:func:`reach`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import pandas as pd

from regions.formatting import Lang
from regions.plan.checks import _fmt, _reachable_codes
from regions.plan.model import DECAY, POOL_INDICATORS, REACH_BANDS, SEGMENT_HIRES, UNEMPLOYMENT_COLUMN, Plan, PlanInputs

# --- explanations -----------------------------------------------------------------------------------------------------

_BINDING: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "ceiling": "plafond de {rate} ‰ des demandeurs d'emploi atteint dans {n} département(s) : {codes}",
        "capacity": "capacité atteinte à {hub} ({capacity} conseillers)",
        "travel": "{n} département(s) candidat(s) mieux notés que certains retenus sont à plus de {limit:g} min de "
        "vos sites : {codes}",
        "spread": "rendements décroissants : au-delà de {step} embauches, chaque tranche d'un département compte "
        "{decay} de la précédente",
    },
    "en": {
        "ceiling": "ceiling of {rate} ‰ of jobseekers reached in {n} département(s): {codes}",
        "capacity": "capacity reached at {hub} ({capacity} advisers)",
        "travel": "{n} candidate département(s) scoring above some chosen ones are more than {limit:g} min from "
        "your sites: {codes}",
        "spread": "diminishing returns: beyond {step} hires, each further step of a département counts {decay} "
        "of the previous one",
    },
}


def binding(
    inputs: PlanInputs, by_departement: Mapping[str, int], flows: Mapping[tuple[str, str, str], int], lang: Lang = "fr"
) -> list[str]:
    """The constraints that bind, in words: ceilings reached, hubs at capacity, better départements out of reach."""
    text = _BINDING[lang]
    out: list[str] = []
    full = [c for c, n in by_departement.items() if inputs.max_per_mille is not None and n >= inputs.ceiling(c) > 0]
    if full:
        rate = _fmt(inputs.max_per_mille or 0)
        out.append(text["ceiling"].format(rate=rate, n=len(full), codes=", ".join(sorted(full))))
    used: dict[str, int] = {}
    for (_, h, _), n in flows.items():
        used[h] = used.get(h, 0) + n
    for h, n in used.items():
        if h in inputs.capacities and n >= inputs.capacities[h]:
            out.append(text["capacity"].format(hub=inputs.hub_names.get(h, h), capacity=inputs.capacities[h]))
    if by_departement:
        worst = min(inputs.scores.get(c, 0.0) for c in by_departement)
        reachable = set(_reachable_codes(inputs))
        out_of_reach = [c for c in inputs.codes if c not in reachable and inputs.scores.get(c, 0.0) > worst]
        if out_of_reach:
            shown = ", ".join(out_of_reach[:8]) + (" …" if len(out_of_reach) > 8 else "")
            out.append(text["travel"].format(n=len(out_of_reach), limit=inputs.max_travel_min, codes=shown))
    if any(n > SEGMENT_HIRES for n in by_departement.values()) or len(by_departement) > 1:
        out.append(text["spread"].format(step=SEGMENT_HIRES, decay=f"{100 * DECAY:.0f} %"))
    return out


def reach(plan: Plan, table: pd.DataFrame) -> dict[str, object]:
    """What the plan reaches: hires in départements with unemployment above the national median; in the disability
    and parents pools where figures exist (above their median); share of hires within 60/90/120 min of their hub."""
    figures = table.set_index("code")
    hires = pd.Series(plan.by_departement, dtype=float)
    total = float(hires.sum()) or 1.0
    out: dict[str, object] = {}
    unemployment = figures[UNEMPLOYMENT_COLUMN]
    above = hires[unemployment.reindex(hires.index) > float(unemployment.median())]
    out["unemployment_above_median"] = {"hires": int(above.sum()), "share_pct": round(100 * above.sum() / total, 1)}
    for pool, candidates in POOL_INDICATORS.items():
        present = [c for c in candidates if c in figures.columns]
        if not present:
            continue
        filled = figures[present].notna().sum()
        column = str(filled.idxmax())
        values = figures[column].reindex(hires.index)
        median = float(figures[column].median())
        out[pool] = {
            "indicator": column,
            "hires_with_figure": int(hires[values.notna()].sum()),
            "hires_above_median": int(hires[values > median].sum()),
            "coverage": f"{int(figures[column].notna().sum())}/{len(figures)}",
        }
    bands: dict[str, float] = {}
    for band in REACH_BANDS:
        near = sum(n for team in plan.teams for d, n in team.departements.items() if team.travel_min[d] <= band)
        bands[f"{band}"] = round(100 * near / total, 1)
    out["within_min_pct"] = bands
    return out
