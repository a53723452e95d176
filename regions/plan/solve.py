"""The mixed-integer programme (HiGHS through ``scipy.optimize.milp``): :func:`make_plan`, :func:`value`."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from regions.formatting import Lang
from regions.plan.checks import _diagnose, _reachable_codes, _sparse, _within, check
from regions.plan.explain import binding, reach
from regions.plan.greedy import greedy
from regions.plan.model import (
    DECAY,
    MANAGER_TIE_BREAK,
    MAX_SEGMENTS,
    MIP_REL_GAP,
    SEGMENT_HIRES,
    TIME_LIMIT_S,
    TRAVEL_TIE_BREAK,
    Plan,
    PlanInputs,
    Team,
)

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
