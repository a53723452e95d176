"""From a ranking to a scenario's :class:`~regions.workspace.scenarios.State`, and today's vintages and ranks.

Kept apart from :mod:`regions.workspace.scenarios` so that storing and reading scenarios needs no figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from regions import indicators, scoring
from regions.workspace.scenarios import State, Territory, filters_to_dict


def vintages(table: pd.DataFrame, weights: Mapping[str, float]) -> dict[str, dict[str, str]]:
    """Period and status of every weighted indicator (an indicator without provenance, e.g. travel to your sites,
    is recorded as computed)."""
    provenance = indicators.provenance_table(table).set_index("id")
    out: dict[str, dict[str, str]] = {}
    for ident in sorted(weights):
        if ident in provenance.index:
            out[ident] = {"period": str(provenance.at[ident, "period"]), "status": str(provenance.at[ident, "status"])}
        else:
            out[ident] = {"period": "", "status": "calculé"}
    return out


def ranks(result: pd.DataFrame) -> dict[str, int | None]:
    """Code -> rank of a score result (``None``: excluded or ranked apart)."""
    return {
        str(code): (None if pd.isna(rank) else int(rank))
        for code, rank in zip(result["code"], result["rank"], strict=True)
    }


def state(
    table: pd.DataFrame,
    result: pd.DataFrame,
    *,
    preset: str,
    weights: Mapping[str, float],
    filters: scoring.Filters,
    territories: Sequence[str | tuple[str, str, str]],
    sites: Mapping[str, Any] | None = None,
    note: str = "",
) -> State:
    """The state to save: ``territories`` holds codes (status *à explorer*) or (code, status, note) triples (the
    territory shortlist, each territory with its status in the scenario)."""
    chosen = tuple(Territory(item) if isinstance(item, str) else Territory(*item) for item in territories)
    return State(
        preset=preset, weights={k: float(v) for k, v in weights.items()}, constraints=filters_to_dict(filters),
        sites=dict(sites or {}), territories=chosen, vintages=vintages(table, weights), ranks=ranks(result),
        note=note,
    )  # fmt: skip
