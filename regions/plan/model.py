"""The plan's tunables, its inputs (:class:`PlanInputs`), teams and result (:class:`Plan`), and its error."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import pandas as pd

from regions import settings

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
