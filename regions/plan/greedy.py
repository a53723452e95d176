"""The greedy baseline every plan is reported against (:func:`greedy`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from regions.plan.checks import _reachable_codes, _within
from regions.plan.model import PlanInputs

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
