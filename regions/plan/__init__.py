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

from regions.plan.checks import check, max_reachable
from regions.plan.explain import binding, reach
from regions.plan.greedy import greedy
from regions.plan.inputs import inputs_from_table, parse_specialities, parse_team_size
from regions.plan.model import (
    DECAY,
    GENERAL,
    MANAGER_TIE_BREAK,
    MAX_SEGMENTS,
    MIP_REL_GAP,
    POOL_COLUMN,
    POOL_INDICATORS,
    REACH_BANDS,
    SEGMENT_HIRES,
    TIME_LIMIT_S,
    TRAVEL_TIE_BREAK,
    UNEMPLOYMENT_COLUMN,
    Constraint,
    Plan,
    PlanError,
    PlanInputs,
    Team,
    constraints_summary,
)
from regions.plan.solve import make_plan, value

__all__ = [
    "DECAY",
    "GENERAL",
    "MANAGER_TIE_BREAK",
    "MAX_SEGMENTS",
    "MIP_REL_GAP",
    "POOL_COLUMN",
    "POOL_INDICATORS",
    "REACH_BANDS",
    "SEGMENT_HIRES",
    "TIME_LIMIT_S",
    "TRAVEL_TIE_BREAK",
    "UNEMPLOYMENT_COLUMN",
    "Constraint",
    "Plan",
    "PlanError",
    "PlanInputs",
    "Team",
    "binding",
    "check",
    "constraints_summary",
    "greedy",
    "inputs_from_table",
    "make_plan",
    "max_reachable",
    "parse_specialities",
    "parse_team_size",
    "reach",
    "value",
]
