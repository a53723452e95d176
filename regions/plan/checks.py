"""Checks before solving, and the diagnosis after a failed solve, each naming the constraint to relax and by how
much (:class:`PlanError`)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, sparse

from regions import settings
from regions.plan.model import GENERAL, PlanError, PlanInputs

# --- checks that name the constraint to relax ---------------------------------------------------------------------


def check(inputs: PlanInputs) -> None:
    """Raise :class:`PlanError` for a request that cannot be met, naming the constraint and by how much. These
    checks are necessary conditions; :func:`make_plan` diagnoses the rest when the solver finds no plan."""
    low, high = inputs.team_size
    if not 1 <= inputs.hires <= settings.PLAN_MAX_HIRES:
        raise PlanError(
            "hires", f"{inputs.hires} embauches demandées : choisissez entre 1 et {settings.PLAN_MAX_HIRES}"
        )
    if not 1 <= low <= high:
        raise PlanError("team_size", f"taille d'équipe {low}–{high} : attendu 1 <= minimum <= maximum")
    counts = inputs.head_counts()
    if sum(counts.values()) != inputs.hires:
        raise PlanError(
            "specialities",
            f"les spécialités totalisent {sum(counts.values())} postes pour {inputs.hires} embauches : "
            "ajustez les effectifs pour qu'ils fassent le total",
        )
    for name, count in counts.items():
        if math.ceil(count / high) > count // low:
            label = "le plan" if name == GENERAL else f"la spécialité « {name} »"
            raise PlanError(
                "team_size",
                f"{label} ({count} postes) ne forme pas d'équipes de {low} à {high} conseillers : "
                f"ramenez la taille minimale à {count if count < low else _smallest_low(count, high)} "
                f"ou portez l'effectif à {_next_formable(count, low, high)}",
            )
    reachable = _reachable_codes(inputs)
    if not reachable:
        nearest = np.nanmin(inputs.travel.to_numpy(dtype=float)) if inputs.travel.notna().any().any() else math.nan
        more = (
            f"relevez le trajet maximal à {_round_up(nearest)} min (le plus proche est à ~{nearest:.0f} min)"
            if math.isfinite(nearest)
            else "aucun de vos sites n'est sur le même réseau routier"
        )
        limit = f"à moins de {inputs.max_travel_min:g} min" if math.isfinite(inputs.max_travel_min) else "à portée"
        raise PlanError("travel", f"aucun département candidat {limit} de vos sites : {more} ou ajoutez un site")
    ceilings = sum(inputs.ceiling(c) for c in reachable)
    if ceilings < inputs.hires:
        raise PlanError("ceiling", _ceiling_message(inputs, reachable, inputs.hires - ceilings))
    reachable_hubs = [h for h in inputs.travel.columns if _within(inputs)[h].any()]
    if all(h in inputs.capacities for h in reachable_hubs):
        capacity = sum(inputs.capacities[h] for h in reachable_hubs)
        if capacity < inputs.hires:
            missing = inputs.hires - capacity
            raise PlanError(
                "capacity",
                f"il manque {missing} postes de capacité : vos sites à portée reçoivent {capacity} conseillers ; "
                f"relevez leur capacité de {missing} ou ajoutez un site",
            )


def _smallest_low(count: int, high: int) -> int:
    teams = math.ceil(count / high)
    return count // teams


def _next_formable(count: int, low: int, high: int) -> int:
    n = count
    while math.ceil(n / high) > n // low:
        n += 1
    return n


def _round_up(minutes: float, step: int = 15) -> int:
    return int(math.ceil(minutes / step) * step)


def _within(inputs: PlanInputs) -> pd.DataFrame:
    return inputs.travel.le(inputs.max_travel_min) & inputs.travel.notna()


def _reachable_codes(inputs: PlanInputs) -> list[str]:
    within = _within(inputs)
    return [c for c in inputs.codes if c in within.index and bool(within.loc[c].any())]


def _ceiling_message(inputs: PlanInputs, reachable: Sequence[str], missing: int) -> str:
    text = f"il manque {missing} postes de plafond"
    if inputs.max_per_mille is None:
        return text + " : ajoutez des départements candidats ou un site"
    needed = _per_mille_needed(inputs, reachable)
    unknown = [c for c in reachable if not math.isfinite(inputs.pool.get(c, math.nan))]
    hint = f" ({len(unknown)} sans nombre de demandeurs d'emploi : {', '.join(unknown)})" if unknown else ""
    raise_to = (
        f"relevez le plafond à {_fmt(needed)} ‰"
        if needed is not None
        else "le vivier des départements à portée ne suffit pas"
    )
    return (
        f"{text} (au plus {_fmt(inputs.max_per_mille)} ‰ des demandeurs d'emploi de catégorie A de chaque "
        f"département{hint}) : {raise_to}, ajoutez des départements ou un site"
    )


def _per_mille_needed(inputs: PlanInputs, reachable: Sequence[str]) -> float | None:
    """The smallest ceiling (in 0.1 ‰ steps, up to 1,000 ‰) under which the reachable départements hold the request."""
    for tenth in range(round(10 * (inputs.max_per_mille or 0)) + 1, 10_001):
        if sum(inputs.ceiling(c, tenth / 10) for c in reachable) >= inputs.hires:
            return tenth / 10
    return None


def _fmt(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _diagnose(inputs: PlanInputs) -> PlanError:
    """Why the solver found no plan although :func:`check` passed: reachable supply (ceilings x capacities x travel)
    short of the request, else team sizes that the hubs' capacities cannot form."""
    supply = max_reachable(inputs)
    if supply < inputs.hires:
        missing = inputs.hires - supply
        start = _round_up(inputs.max_travel_min) + 15 if math.isfinite(inputs.max_travel_min) else 301
        wider = next(
            (t for t in range(start, 301, 15)
             if max_reachable(_with_travel(inputs, t)) >= inputs.hires),
            None,
        )  # fmt: skip
        travel = f"relevez le trajet maximal à {wider} min, " if wider else ""
        return PlanError(
            "reach",
            f"il manque {missing} postes atteignables : plafonds et capacités de vos sites à moins de "
            f"{inputs.max_travel_min:g} min n'en offrent que {supply} ; {travel}relevez le plafond ou les capacités, "
            "ou ajoutez un site",
        )
    low, high = inputs.team_size
    return PlanError(
        "team_size",
        f"les capacités de vos sites ne permettent pas des équipes de {low} à {high} conseillers : élargissez la "
        f"taille d'équipe (par exemple {max(1, low - 2)} à {high + 2}) ou relevez les capacités",
    )


def _with_travel(inputs: PlanInputs, minutes: float) -> PlanInputs:
    return dataclasses.replace(inputs, max_travel_min=minutes)


def max_reachable(inputs: PlanInputs) -> int:
    """Most hires the ceilings, capacities and travel limit allow together (a max-flow LP, team sizes aside)."""
    within = _within(inputs)
    pairs = [(d, h) for d in _reachable_codes(inputs) for h in inputs.travel.columns if within.at[d, h]]
    if not pairs:
        return 0
    rows: list[dict[int, float]] = []
    upper: list[float] = []
    for d in {d for d, _ in pairs}:
        rows.append({i: 1.0 for i, (dd, _) in enumerate(pairs) if dd == d})
        upper.append(float(inputs.ceiling(d)))
    for h in {h for _, h in pairs}:
        if h in inputs.capacities:
            rows.append({i: 1.0 for i, (_, hh) in enumerate(pairs) if hh == h})
            upper.append(float(inputs.capacities[h]))
    matrix = _sparse(rows, len(pairs))
    result = optimize.linprog(-np.ones(len(pairs)), A_ub=matrix, b_ub=np.array(upper), bounds=(0, None))
    return math.floor(-result.fun + 1e-6) if result.status == 0 else 0


def _sparse(rows: Sequence[Mapping[int, float]], n_columns: int) -> sparse.csr_array:
    """A sparse matrix from one ``{column: coefficient}`` mapping per row."""
    r = [i for i, coefs in enumerate(rows) for _ in coefs]
    c = [column for coefs in rows for column in coefs]
    v = [coefficient for coefs in rows for coefficient in coefs.values()]
    return sparse.csr_array((v, (r, c)), shape=(len(rows), n_columns))
