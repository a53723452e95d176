"""The hiring plan: N hires -> teams of home-based advisers with a manager, each team tied to one of your sites.

Pure functions over plain inputs (:class:`PlanInputs`); :func:`inputs_from_table` builds them from the territory
table, a score result and your sites. Solved exactly as a mixed-integer programme by HiGHS
(``scipy.optimize.milp``), always reported against a greedy baseline (:func:`greedy`).

**Model.** Variables, for each candidate département *d*, hub *h* within the travel limit and speciality *s*:

- ``x[d,h]`` (integer >= 0): hires of *d* in the teams tied to hub *h*;
- ``n[h,s]``, ``m[h,s]`` (integers >= 0): head count and number of teams (one manager each) of speciality *s* at *h*;
- ``y[d,k]`` (0 <= y <= ``SEGMENT_HIRES``): the hires of *d* counted in the *k*-th step of its diminishing returns.

Constraints: each speciality gets exactly its head count (``Σ_h n[h,s] = H_s``) and each hub's hires are its
specialities' (``Σ_d x[d,h] = Σ_s n[h,s]``: any such split can be made département by département); the head count
of (*h*, *s*) splits into ``m[h,s]`` teams of ``team_min`` to ``team_max`` (``team_min·m <= n <= team_max·m``, which
is exactly when such a split exists); each département stays under its pool ceiling (at most ``max_per_mille`` ‰ of
its category-A jobseekers); each hub under its capacity (advisers per monthly day) when one is given.

Objective (maximised): ``Σ_d score_d · Σ_k DECAY^k · y[d,k]`` with ``Σ_k y[d,k] = Σ_h x[d,h]`` — score-weighted hires
with diminishing returns: the first ``SEGMENT_HIRES`` hires of a département count fully, the next ones ``DECAY``
times less, and so on, so one département cannot take everything; minus tie-breaks far smaller than one score point
(``TRAVEL_TIE_BREAK`` per hire-minute of travel to the team's hub, ``MANAGER_TIE_BREAK`` per team). With several
specialities the plan is first solved with one (a relaxation), then each hub's hires are shared among the
specialities (:func:`_share`); the joint model is solved only when that sharing is impossible.

An infeasible request raises :class:`PlanError`, whose message names the constraint to relax and by how much.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import optimize, sparse

from regions import geo, settings, sites
from regions.formatting import Lang

#: Diminishing returns: hires per step, and the weight of each step relative to the previous one.
SEGMENT_HIRES: Final[int] = 5
DECAY: Final[float] = 0.85
MAX_SEGMENTS: Final[int] = 40
#: Tie-breaks (objective points): prefer the nearer hub, then fewer teams; far below one score point per hire.
TRAVEL_TIE_BREAK: Final[float] = 1e-4
MANAGER_TIE_BREAK: Final[float] = 1e-3
#: HiGHS settings: a plan is proven within this relative gap of the optimum (0.01 %, about one tie-break), unless it
#: takes longer than ``TIME_LIMIT_S`` (then the best plan found is kept, and never one worse than greedy).
MIP_REL_GAP: Final[float] = 1e-4
TIME_LIMIT_S: Final[float] = 30.0
#: The speciality of a plan that has none.
GENERAL: Final[str] = "général"
#: "What the plan reaches": travel bands (minutes) and the pools, each the first indicator of its list with figures.
REACH_BANDS: Final[tuple[int, ...]] = (60, 90, 120)
POOL_INDICATORS: Final[dict[str, tuple[str, ...]]] = {
    "handicap": ("aah_per_1000_15_64", "aah_per_1000_20_64"),
    "parents": ("other_inactive_15_64_pct", "single_mothers_share_pct"),
}
POOL_COLUMN: Final[str] = "jobseekers_cat_a"
UNEMPLOYMENT_COLUMN: Final[str] = "unemployment_rate_pct"

Constraint = Literal["hires", "team_size", "specialities", "travel", "ceiling", "capacity", "reach"]


class PlanError(ValueError):
    """A request the plan cannot meet; ``constraint`` names which one to relax, the message says by how much."""

    def __init__(self, constraint: Constraint, message: str) -> None:
        super().__init__(message)
        self.constraint = constraint


@dataclass(frozen=True)
class PlanInputs:
    """Everything the solver needs, as plain data.

    ``codes``: candidate départements; ``scores``: their score (0–100); ``pool``: their category-A jobseekers
    (missing = unknown ceiling, the département cannot be used while a ceiling applies); ``travel``: minutes from each
    candidate (rows, by code) to each hub (columns, by site id), NaN when not reachable by road; ``capacities``:
    advisers per monthly day for the hubs that have a limit; ``specialities``: head count per speciality (default:
    one, :data:`GENERAL`, with every hire); ``max_per_mille``: per-département ceiling in ‰ of ``pool`` (``None``:
    no ceiling); ``hub_names``: labels for the output.
    """

    hires: int
    codes: tuple[str, ...]
    scores: Mapping[str, float]
    pool: Mapping[str, float]
    travel: pd.DataFrame
    capacities: Mapping[str, int] = field(default_factory=dict)
    team_size: tuple[int, int] = settings.PLAN_DEFAULT_TEAM_SIZE
    specialities: Mapping[str, int] | None = None
    max_per_mille: float | None = settings.PLAN_DEFAULT_MAX_PER_MILLE
    max_travel_min: float = settings.DEFAULT_HUB_MAX_TRAVEL_MIN
    hub_names: Mapping[str, str] = field(default_factory=dict)

    def minutes(self, code: str, hub: str) -> float:
        """Estimated travel minutes from département ``code`` to ``hub`` (NaN: not reachable by road)."""
        return float(np.asarray(self.travel.at[code, hub], dtype=float))

    def head_counts(self) -> dict[str, int]:
        """Hires per speciality (one :data:`GENERAL` speciality when none is given)."""
        return dict(self.specialities) if self.specialities else {GENERAL: self.hires}

    def ceiling(self, code: str, per_mille: float | None = None) -> int:
        """Most hires département ``code`` may take: ``floor(per_mille × pool / 1000)``; no ceiling: the request."""
        rate = self.max_per_mille if per_mille is None else per_mille
        if rate is None:
            return self.hires
        pool = self.pool.get(code, math.nan)
        return 0 if pool is None or not math.isfinite(pool) else math.floor(rate * pool / 1000 + 1e-9)


@dataclass(frozen=True)
class Team:
    """One team: its hub, speciality, manager (always 1), the départements it recruits in with hires each."""

    hub: str
    hub_name: str
    speciality: str
    departements: dict[str, int]
    travel_min: dict[str, float]
    managers: int = 1

    @property
    def hires(self) -> int:
        return sum(self.departements.values())


@dataclass(frozen=True)
class Plan:
    """A solved plan. ``objective`` and ``greedy_objective`` are on the same scale (``greedy_objective`` is
    ``None`` when the greedy baseline cannot form valid teams; ``greedy_note`` then says why)."""

    inputs: PlanInputs
    teams: tuple[Team, ...]
    by_departement: dict[str, int]
    binding: tuple[str, ...]
    objective: float
    greedy_objective: float | None
    greedy_note: str
    status: str
    solve_seconds: float
    reach: dict[str, object] = field(default_factory=dict)
    #: The MILP's own objective (proven within ``MIP_REL_GAP`` of the optimum); ``objective`` is the plan returned,
    #: the greedy one in the rare case it is better by less than that gap (``status`` then says ``greedy``).
    solver_objective: float = math.nan

    @property
    def hires(self) -> int:
        return sum(self.by_departement.values())

    def to_dict(self) -> dict[str, object]:
        """The plan as JSON-ready data (the shape of ``regions plan --format json``)."""
        return {
            "hires": self.hires,
            "teams": [
                {
                    "hub": team.hub,
                    "hub_name": team.hub_name,
                    "speciality": team.speciality,
                    "managers": team.managers,
                    "departements": team.departements,
                    "hires": team.hires,
                }
                for team in self.teams
            ],
            "by_departement": self.by_departement,
            "binding": list(self.binding),
            "objective": round(self.objective, 4),
            "greedy_objective": None if self.greedy_objective is None else round(self.greedy_objective, 4),
            "greedy_note": self.greedy_note,
            "constraints": constraints_summary(self.inputs),
            "reach": self.reach,
            "status": self.status,
            "solve_seconds": round(self.solve_seconds, 3),
        }

    def teams_table(self) -> pd.DataFrame:
        """One row per team and département: team number, hub, speciality, département, hires, travel."""
        rows = [
            {
                "team": number,
                "hub": team.hub,
                "hub_name": team.hub_name,
                "speciality": team.speciality,
                "managers": team.managers,
                "departement": code,
                "hires": hires,
                "travel_min": round(team.travel_min[code]),
                "team_hires": team.hires,
            }
            for number, team in enumerate(self.teams, start=1)
            for code, hires in team.departements.items()
        ]
        columns = ["team", "hub", "hub_name", "speciality", "managers", "departement", "hires", "travel_min"]
        return pd.DataFrame(rows, columns=[*columns, "team_hires"])


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


# --- the solver ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Model:
    """Index of the MILP's variables: ``pairs`` (d, h) for x, ``hub_specs`` (h, s) for n and m, ``segments`` (d, k)."""

    codes: list[str]
    pairs: list[tuple[str, str]]
    hub_specs: list[tuple[str, str]]
    segments: list[tuple[str, int]]


def _segment_weight(k: int) -> float:
    return float(DECAY**k)


def _segments_for(ceiling: int) -> int:
    return max(1, min(MAX_SEGMENTS, math.ceil(ceiling / SEGMENT_HIRES)))


def value(inputs: PlanInputs, by_departement: Mapping[str, int], flows: Mapping[tuple[str, str, str], int],
          managers: Mapping[tuple[str, str], int]) -> float:  # fmt: skip
    """The objective of an allocation (the MILP's, so that the plan and the greedy baseline compare)."""
    total = 0.0
    for code, hires in by_departement.items():
        n_segments = _segments_for(inputs.ceiling(code))
        left = float(hires)
        for k in range(n_segments):
            step = left if k == n_segments - 1 else min(left, SEGMENT_HIRES)
            total += inputs.scores.get(code, 0.0) * _segment_weight(k) * step
            left -= step
    total -= TRAVEL_TIE_BREAK * sum(inputs.minutes(d, h) * n for (d, h, _), n in flows.items())
    total -= MANAGER_TIE_BREAK * sum(managers.values())
    return total


def make_plan(inputs: PlanInputs, table: pd.DataFrame | None = None, lang: Lang = "fr") -> Plan:
    """Solve the plan (see the module docstring). ``table`` (the territory table) fills :attr:`Plan.reach`."""
    check(inputs)
    start = time.perf_counter()
    solution = _solve_staged(inputs)
    seconds = time.perf_counter() - start
    if solution is None:
        raise _diagnose(inputs)
    flows, managers, status = solution
    objective = solver_objective = value(inputs, _totals(flows), flows, managers)
    greedy_plan, note = greedy(inputs)
    greedy_objective = None
    if greedy_plan is not None:
        greedy_objective = value(inputs, _totals(greedy_plan[0]), *greedy_plan)
        if greedy_objective > objective:  # within HiGHS's gap, or after its time limit: never worse than greedy
            flows, managers, objective, status = greedy_plan[0], greedy_plan[1], greedy_objective, "greedy"
    by_dep = _totals(flows)
    plan = Plan(
        inputs=inputs,
        teams=_teams(inputs, flows, managers),
        by_departement=dict(sorted(by_dep.items(), key=lambda item: (-item[1], item[0]))),
        binding=tuple(binding(inputs, by_dep, flows, lang)),
        objective=objective,
        greedy_objective=greedy_objective,
        greedy_note=note,
        status=status,
        solve_seconds=seconds,
        solver_objective=solver_objective,
    )
    if table is not None:
        plan = dataclasses.replace(plan, reach=reach(plan, table))
    return plan


def _index(inputs: PlanInputs) -> _Model:
    within = _within(inputs)
    codes = [c for c in _reachable_codes(inputs) if inputs.ceiling(c) > 0]
    pairs = [(d, h) for d in codes for h in inputs.travel.columns if within.at[d, h]]
    hubs = sorted({h for _, h in pairs}, key=list(inputs.travel.columns).index)
    hub_specs = [(h, s) for h in hubs for s in inputs.head_counts()]
    segments = [(d, k) for d in codes for k in range(_segments_for(inputs.ceiling(d)))]
    return _Model(codes, pairs, hub_specs, segments)


_Solution = tuple[dict[tuple[str, str, str], int], dict[tuple[str, str], int], str]


def _solve_staged(inputs: PlanInputs) -> _Solution | None:
    """With several specialities, first solve the plan with one (a relaxation: any plan with specialities is one
    without), then share each hub's hires among the specialities in valid teams (:func:`_share`); when that works,
    the plan is optimal with specialities too (up to the manager tie-break). Otherwise solve the joint model."""
    if len(inputs.head_counts()) == 1:
        return _solve(inputs, _index(inputs))
    merged = dataclasses.replace(inputs, specialities=None)
    relaxed = _solve(merged, _index(merged))
    if relaxed is None:
        return None
    flows, _, status = relaxed
    hires: dict[tuple[str, str], int] = {}
    for (d, h, _), n in flows.items():
        hires[(d, h)] = hires.get((d, h), 0) + n
    shared = _share(inputs, hires)
    if shared is None:
        return _solve(inputs, _index(inputs))
    heads, managers = shared
    return _split(inputs, hires, heads), managers, status


def _share(
    inputs: PlanInputs, hires: Mapping[tuple[str, str], int]
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]] | None:
    """Head counts ``n[h,s]`` and teams ``m[h,s]``: each hub's hires shared among the specialities, each speciality
    its head count, every (hub, speciality) in teams within the size bounds, fewest teams; ``None`` if impossible."""
    totals: dict[str, int] = {}
    for (_, h), n in hires.items():
        totals[h] = totals.get(h, 0) + n
    keys = [(h, s) for h in totals for s in inputs.head_counts()]
    k = len(keys)
    low, high = inputs.team_size
    rows: list[tuple[dict[int, float], float, float]] = []
    for h, total in totals.items():
        rows.append(({i: 1.0 for i, key in enumerate(keys) if key[0] == h}, total, total))
    for s, count in inputs.head_counts().items():
        rows.append(({i: 1.0 for i, key in enumerate(keys) if key[1] == s}, count, count))
    for i in range(k):
        rows.append(({i: 1.0, k + i: -float(low)}, 0.0, np.inf))
        rows.append(({i: 1.0, k + i: -float(high)}, -np.inf, 0.0))
    result = optimize.milp(
        np.concatenate([np.zeros(k), np.ones(k)]),
        constraints=optimize.LinearConstraint(
            _sparse([c for c, _, _ in rows], 2 * k), [lo for _, lo, _ in rows], [up for _, _, up in rows]
        ),
        integrality=np.ones(2 * k),
        bounds=optimize.Bounds(np.zeros(2 * k), np.full(2 * k, np.inf)),
        options={"time_limit": TIME_LIMIT_S, "disp": False},
    )
    if result.x is None or result.status != 0:
        return None
    values = np.round(result.x).astype(int)
    heads = {key: int(values[i]) for i, key in enumerate(keys) if values[i] > 0}
    managers = {key: int(values[k + i]) for i, key in enumerate(keys) if values[k + i] > 0}
    return heads, managers


def _solve(inputs: PlanInputs, model: _Model) -> _Solution | None:
    """Build and solve the MILP; ``None`` when infeasible.

    The hires of a hub are shared among its specialities by head count only (``n[h,s]``, with ``Σ_s n[h,s] =
    Σ_d x[d,h]``): any such split can be realised département by département, so x needs no speciality index —
    a third of the integer variables with three specialities. :func:`_split` then assigns départements to them.
    """
    nx, nh = len(model.pairs), len(model.hub_specs)
    ny = len(model.segments)
    n = nx + 2 * nh + ny  # x[d,h], n[h,s], m[h,s], y[d,k]
    if nx == 0:
        return None
    low, high = inputs.team_size
    n_index = {key: nx + i for i, key in enumerate(model.hub_specs)}
    m_index = {key: nx + nh + i for i, key in enumerate(model.hub_specs)}
    rows: list[tuple[dict[int, float], float, float]] = []
    by_dep: dict[str, dict[int, float]] = {}
    by_hub: dict[str, dict[int, float]] = {}
    for i, (d, h) in enumerate(model.pairs):
        by_dep.setdefault(d, {})[i] = 1.0
        by_hub.setdefault(h, {})[i] = 1.0
    for s, count in inputs.head_counts().items():  # each speciality gets its head count
        rows.append(({n_index[(h, ss)]: 1.0 for h, ss in model.hub_specs if ss == s}, count, count))
    for key in model.hub_specs:  # teams of low..high advisers
        rows.append(({n_index[key]: 1.0, m_index[key]: -float(low)}, 0.0, np.inf))
        rows.append(({n_index[key]: 1.0, m_index[key]: -float(high)}, -np.inf, 0.0))
    for h, coefs in by_hub.items():  # a hub's hires = its specialities' head counts; capacity
        specs = {n_index[(h, s)]: -1.0 for s in inputs.head_counts()}
        rows.append(({**coefs, **specs}, 0.0, 0.0))
        if h in inputs.capacities:
            rows.append((coefs, 0.0, float(inputs.capacities[h])))
    for d, coefs in by_dep.items():  # pool ceilings
        rows.append((coefs, 0.0, float(inputs.ceiling(d))))
    links: dict[str, dict[int, float]] = {}
    for j, (d, _) in enumerate(model.segments):
        links.setdefault(d, {})[nx + 2 * nh + j] = 1.0
    for d in model.codes:  # Σ_k y[d,k] = Σ_h x[d,h]
        rows.append(({**links[d], **dict.fromkeys(by_dep.get(d, {}), -1.0)}, 0.0, 0.0))
    matrix = _sparse([coefs for coefs, _, _ in rows], n)
    lower = np.array([lo for _, lo, _ in rows], dtype=float)
    upper = np.array([up for _, _, up in rows], dtype=float)
    cost = np.zeros(n)
    for i, (d, h) in enumerate(model.pairs):
        cost[i] = TRAVEL_TIE_BREAK * inputs.minutes(d, h)
    cost[nx + nh : nx + 2 * nh] = MANAGER_TIE_BREAK
    last = dict(model.segments)
    y_upper = np.empty(ny)
    for j, (d, k) in enumerate(model.segments):
        cost[nx + 2 * nh + j] = -inputs.scores.get(d, 0.0) * _segment_weight(k)
        y_upper[j] = np.inf if k == last[d] else SEGMENT_HIRES
    result = optimize.milp(
        cost,
        constraints=optimize.LinearConstraint(matrix, lower, upper),
        integrality=np.concatenate([np.ones(nx + 2 * nh), np.zeros(ny)]),
        bounds=optimize.Bounds(np.zeros(n), np.concatenate([np.full(nx + 2 * nh, np.inf), y_upper])),
        options={"mip_rel_gap": MIP_REL_GAP, "time_limit": TIME_LIMIT_S, "disp": False},
    )
    if result.x is None:
        return None
    values = np.round(result.x).astype(int)
    hires = {pair: int(values[i]) for i, pair in enumerate(model.pairs) if values[i] > 0}
    heads = {key: int(values[n_index[key]]) for key in model.hub_specs if values[n_index[key]] > 0}
    managers = {key: int(values[m_index[key]]) for key in model.hub_specs if values[m_index[key]] > 0}
    status = "optimal" if result.status == 0 else "limite de temps (meilleur plan trouvé)"
    return _split(inputs, hires, heads), managers, status


def _split(
    inputs: PlanInputs, hires: Mapping[tuple[str, str], int], heads: Mapping[tuple[str, str], int]
) -> dict[tuple[str, str, str], int]:
    """Share each hub's hires among its specialities' head counts, nearest départements first."""
    flows: dict[tuple[str, str, str], int] = {}
    for hub in dict.fromkeys(h for _, h in hires):
        members = sorted(
            ((d, n) for (d, h), n in hires.items() if h == hub), key=lambda m: (inputs.minutes(m[0], hub), m[0])
        )
        queue = list(members)
        for s in inputs.head_counts():
            need = heads.get((hub, s), 0)
            while need > 0 and queue:
                d, n = queue[0]
                take = min(n, need)
                flows[(d, hub, s)] = flows.get((d, hub, s), 0) + take
                need -= take
                queue[0] = (d, n - take)
                if queue[0][1] == 0:
                    queue.pop(0)
    return flows


def _sparse(rows: Sequence[Mapping[int, float]], n_columns: int) -> sparse.csr_array:
    """A sparse matrix from one ``{column: coefficient}`` mapping per row."""
    r = [i for i, coefs in enumerate(rows) for _ in coefs]
    c = [column for coefs in rows for column in coefs]
    v = [coefficient for coefs in rows for coefficient in coefs.values()]
    return sparse.csr_array((v, (r, c)), shape=(len(rows), n_columns))


def _totals(flows: Mapping[tuple[str, str, str], int]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for (d, _, _), hires in flows.items():
        totals[d] = totals.get(d, 0) + hires
    return totals


def _teams(
    inputs: PlanInputs, flows: Mapping[tuple[str, str, str], int], managers: Mapping[tuple[str, str], int]
) -> tuple[Team, ...]:
    """Split the hires of each (hub, speciality) into its teams, as even as possible, nearest départements first."""
    teams: list[Team] = []
    for (h, s), count in sorted(managers.items(), key=lambda item: (item[0][1], item[0][0])):
        members = sorted(
            ((d, n) for (d, hh, ss), n in flows.items() if hh == h and ss == s),
            key=lambda item: (inputs.minutes(item[0], h), item[0]),
        )
        total = sum(n for _, n in members)
        sizes = [total // count + (1 if i < total % count else 0) for i in range(count)]
        queue = list(members)
        for size in sizes:
            chosen: dict[str, int] = {}
            while size > 0 and queue:
                d, n = queue[0]
                take = min(n, size)
                chosen[d] = chosen.get(d, 0) + take
                size -= take
                queue[0] = (d, n - take)
                if queue[0][1] == 0:
                    queue.pop(0)
            travel = {d: inputs.minutes(d, h) for d in chosen}
            teams.append(Team(h, inputs.hub_names.get(h, h), s, chosen, travel))
    return tuple(teams)


# --- the greedy baseline --------------------------------------------------------------------------------------------


def greedy(
    inputs: PlanInputs,
) -> tuple[tuple[dict[tuple[str, str, str], int], dict[tuple[str, str], int]] | None, str]:
    """The baseline a recruiter would build by hand, one team at a time (specialities in turn, largest first, each
    split into teams as even as possible): the best-scored département with room opens the team at its nearest hub
    with room, and the team fills with the best-scored départements within reach of that hub, each up to its
    ceiling. Returns the flows and team counts, or ``None`` and why when a team cannot be filled."""
    order = sorted(_reachable_codes(inputs), key=lambda c: (-inputs.scores.get(c, 0.0), c))
    room_dep = {c: inputs.ceiling(c) for c in order}
    room_hub = {h: inputs.capacities.get(h, inputs.hires) for h in inputs.travel.columns}
    within = _within(inputs)
    flows: dict[tuple[str, str, str], int] = {}
    managers: dict[tuple[str, str], int] = {}
    for s, count in sorted(inputs.head_counts().items(), key=lambda item: (-item[1], item[0])):
        for size in _even_teams(count, inputs.team_size):
            placed = _greedy_team(inputs, order, within, room_dep, room_hub, size)
            if placed is None:
                return None, f"le glouton ne forme pas une équipe de {size} ({s}) avec les départements restants"
            hub, members = placed
            for d, n in members.items():
                flows[(d, hub, s)] = flows.get((d, hub, s), 0) + n
                room_dep[d] -= n
            room_hub[hub] -= size
            managers[(hub, s)] = managers.get((hub, s), 0) + 1
    return (flows, managers), ""


def _even_teams(count: int, team_size: tuple[int, int]) -> list[int]:
    """``count`` hires as the fewest teams within the size bounds, as even as possible."""
    teams = max(1, math.ceil(count / team_size[1]))
    return [count // teams + (1 if i < count % teams else 0) for i in range(teams)]


def _greedy_team(
    inputs: PlanInputs,
    order: Sequence[str],
    within: pd.DataFrame,
    room_dep: Mapping[str, int],
    room_hub: Mapping[str, int],
    size: int,
) -> tuple[str, dict[str, int]] | None:
    """One greedy team of ``size``: the best département with room, its nearest hub that can fill the team."""
    for leader in (d for d in order if room_dep[d] > 0):
        hubs = sorted((h for h in inputs.travel.columns if within.at[leader, h] and room_hub[h] >= size),
                      key=lambda h: inputs.minutes(leader, h))  # fmt: skip
        for hub in hubs:
            members: dict[str, int] = {}
            left = size
            for d in (leader, *(c for c in order if c != leader)):
                if left == 0:
                    break
                if within.at[d, hub] and room_dep[d] > 0:
                    members[d] = min(left, room_dep[d])
                    left -= members[d]
            if left == 0:
                return hub, members
    return None


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


def constraints_summary(inputs: PlanInputs) -> dict[str, object]:
    """The constraints the plan was solved under (shown with every plan)."""
    return {
        "max_travel_min": inputs.max_travel_min,
        "team_size": list(inputs.team_size),
        "max_per_mille": inputs.max_per_mille,
        "capacities": dict(inputs.capacities),
        "specialities": inputs.head_counts(),
        "candidates": len(inputs.codes),
        "hubs": len(inputs.travel.columns),
    }


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
