"""Plan benchmark: the hiring plan's MILP on all 101 départements × 80 hubs, against the greedy baseline.

Measured in one run on this machine:

- 80 hubs: every located bundled site (77) plus the first communes of a seeded random draw, so that the run is
  reproducible; candidates: every département the score ranks (no filter), ceilings at 2 ‰ of category-A
  jobseekers, teams of 10–15, at most 120 min to the team's hub;
- solve: :func:`regions.plan.make_plan` (index, HiGHS to proven optimality, teams, binding constraints), median of
  3 runs, for 120 and 1,000 hires, with and without three specialities;
- greedy: :func:`regions.plan.greedy` on the same inputs (its time, and its objective when its teams are valid);
- ratio: plan objective / greedy objective (same objective function: score-weighted hires, diminishing returns).

Run: ``python benchmarks/plan.py`` (about a minute). Target (issue 11): solve < 2 s for 101 départements × 80 hubs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from timing import timed

from regions import geo, indicators, plan, scoring, settings, sites

N_HUBS = 80
SEED = 20261204
CASES: tuple[tuple[int, dict[str, int] | None], ...] = (
    (120, None),
    (120, {"support": 40, "facturation": 50, "vente": 30}),
    (1000, None),
    (1000, {"support": 400, "facturation": 350, "vente": 250}),
)


def eighty_hubs() -> pd.DataFrame:
    """The 77 located bundled sites plus seeded random mainland communes, 80 in all, as hubs."""
    bundled = sites.load_sites()
    communes = geo.commune_points()
    mainland = communes[communes["code"].str[:2].isin([f"{i:02d}" for i in range(1, 96)])]
    extra = mainland.sample(N_HUBS - len(bundled), random_state=np.random.default_rng(SEED).integers(1 << 31))
    rows = pd.DataFrame({"name": [f"hub {c}" for c in extra["code"]], "code INSEE": extra["code"].tolist()})
    added = sites.read_user_sites(rows).located
    return sites.select_hubs(bundled["site_id"].tolist(), user=added)


def main() -> None:
    hubs = eighty_hubs()
    table = indicators.territory_table(hubs=hubs)
    result = scoring.score(table, scoring.preset_weights(scoring.DEFAULT_PRESET), draws=10)
    print(f"{len(result)} départements × {len(hubs)} hubs; ceiling {settings.PLAN_DEFAULT_MAX_PER_MILLE:g} ‰, "
          "teams 10–15, ≤ 120 min")  # fmt: skip
    print(f"{'hires':>6} {'specialities':<14} {'solve s':>8} {'greedy s':>9} {'teams':>6} {'plan/greedy':>12}  status")
    for hires, specialities in CASES:
        inputs = plan.inputs_from_table(table, result, hubs, hires=hires, specialities=specialities)
        solved = plan.make_plan(inputs)
        solve = timed(lambda inputs=inputs: plan.make_plan(inputs), repeat=3)
        greedy_time = timed(lambda inputs=inputs: plan.greedy(inputs), repeat=3)
        ratio = f"{solved.objective / solved.greedy_objective:.3f}" if solved.greedy_objective else "greedy invalid"
        label = "3" if specialities else "—"
        print(f"{hires:>6} {label:<14} {solve:8.3f} {greedy_time:9.3f} {len(solved.teams):>6} {ratio:>12}  "
              f"{solved.status}{'' if solved.greedy_objective else ' — ' + solved.greedy_note}")  # fmt: skip


if __name__ == "__main__":
    main()
