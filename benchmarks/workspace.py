"""Workspace benchmark: saving and opening a scenario on SQLite and PostgreSQL, and the *Scénarios* page with 200
saved scenarios — each against an in-memory baseline measured in the same run.

- save / open: ``regions.workspace.scenarios.save`` (a new scenario: one transaction, its territories, the audit
  row) and ``scenarios.get`` of a realistic state (the app's: 20 shortlisted territories with statuses and notes,
  the ranks of the 101 départements, the vintages of the weighted indicators); median of 30.
- baselines: the same state as JSON in memory (``to_dict`` → ``json.dumps`` → ``json.loads`` → ``State``), and
  the same library calls on an in-memory SQLite database (``sqlite://``).
- page: the *Scénarios* page run by ``AppTest`` (a warm rerun, median of 5) with 0 and with 200 saved scenarios.

PostgreSQL: ``HOMESHORE_TEST_POSTGRES_URL`` or ``--postgres URL``; the benchmark works in a schema of its own
(``homeshore_benchmark``, dropped at the end), never in the database's tables. Without one it says skipped.

Run: ``python benchmarks/workspace.py [--postgres URL]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from timing import timed

from regions import indicators, scoring
from regions.workspace import capture, db, people, scenarios
from regions.workspace.scenarios import State, Territory

ROUNDS = 30
PAGE_SCENARIOS = 200
SCHEMA = "homeshore_benchmark"
APP = str(Path(__file__).resolve().parents[1] / "app.py")


def realistic_state() -> State:
    """What the app saves: a preset's weights, a constraint, 20 territories with statuses and notes, all ranks."""
    weights = scoring.preset_weights(scoring.DEFAULT_PRESET)
    table = indicators.territory_table()
    result = scoring.score(table, weights, scoring.Filters(min_ftth_pct=40.0), draws=50)
    top = capture.ranks(result)
    codes = [code for code, rank in sorted(top.items(), key=lambda item: item[1] or 999)][:20]
    shortlist = [(code, scenarios.STATUSES[i % 4], f"note {i} : vivier, agence, transports") for i, code in
                 enumerate(codes)]  # fmt: skip
    return capture.state(table, result, preset=scoring.DEFAULT_PRESET, weights=weights,
                         filters=scoring.Filters(min_ftth_pct=40.0), shortlist=shortlist)  # fmt: skip


def in_memory(state: State) -> Callable[[], State]:
    """The baseline: the scenario as JSON, written and read back in memory."""
    saved = scenarios.Scenario("mémoire", state, "a@b", "t", "t", "a@b", 1)

    def round_trip() -> State:
        data = json.loads(json.dumps(saved.to_dict()))
        territories = tuple(Territory(t["code"], t["status"], t["note"]) for t in data["territories"])
        return State(data["preset"], data["weights"], data["constraints"], data["sites"], territories,
                     data["vintages"], data["ranks"], data["note"])  # fmt: skip

    return round_trip


def save_and_open(url: str, state: State) -> tuple[float, float]:
    """Median seconds of saving a new scenario and of opening one, on ``url``."""
    db._engine.cache_clear()
    by = people.actor("benchmark@exemple.fr", url=url)
    counter = iter(range(10_000))
    scenarios.save(by, "échauffement", state, url=url)
    save = timed(lambda: scenarios.save(by, f"scénario {next(counter)}", state, url=url), repeat=ROUNDS)
    opened = timed(lambda: scenarios.get(by, "scénario 0", url=url), repeat=ROUNDS)
    assert scenarios.get(by, "scénario 0", url=url).state.territories == state.territories
    return save, opened


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """The URL of a schema of the benchmark's own in that database, dropped at the end."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    parsed = sa.engine.make_url(url)
    scoped = parsed.update_query_dict({"options": f"-csearch_path={SCHEMA}"}).render_as_string(hide_password=False)
    try:
        yield scoped
    finally:
        db._engine.cache_clear()
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        engine.dispose()


def page_load(url: str, state: State, count: int) -> float:
    """Median seconds of a warm run of the Scénarios page (``AppTest``) with ``count`` saved scenarios."""
    from streamlit.testing.v1 import AppTest

    os.environ[db.DATABASE_URL_ENV] = url
    db._engine.cache_clear()
    by = people.actor(url=url)
    for i in range(count):
        scenarios.save(by, f"équipe {i:03d}", state, url=url)
    at = AppTest.from_file(APP, default_timeout=600).run()
    at.switch_page("homeshore/pages/scenarios.py").run()
    assert not at.exception, at.exception
    listed = next((d.value for d in at.dataframe if "version" in d.value.columns), None)
    assert (0 if listed is None else len(listed)) == count
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        at.run()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("HOMESHORE_TEST_POSTGRES_URL", ""),
                        help="a PostgreSQL URL (default: HOMESHORE_TEST_POSTGRES_URL)")  # fmt: skip
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="homeshore-bench-"))
    os.environ["HOMESHORE_USER_DATA_DIR"] = str(work / "user")
    os.environ["HOMESHORE_USER"] = "benchmark@exemple.fr"
    state = realistic_state()
    memory = timed(in_memory(state), repeat=ROUNDS)
    print(f"scenario state: {len(state.territories)} territories, {len(state.ranks)} ranks, "
          f"{len(state.vintages)} vintages")  # fmt: skip
    print(f"in-memory JSON round trip (baseline)      {1000 * memory:8.2f} ms")
    base_save, base_open = save_and_open("sqlite://", state)
    print(f"SQLite :memory:  save {1000 * base_save:8.2f} ms   open {1000 * base_open:8.2f} ms")
    rows = [("SQLite file", f"sqlite:///{work / 'workspace.sqlite3'}")]
    if args.postgres:
        rows.append(("PostgreSQL", args.postgres))
    for label, url in rows:
        if label == "PostgreSQL":
            with postgres_schema(url) as scoped:
                save, opened = save_and_open(scoped, state)
        else:
            save, opened = save_and_open(url, state)
        print(
            f"{label:16} save {1000 * save:8.2f} ms ({save / base_save:5.1f}x :memory:, {save / memory:7.0f}x JSON)"
            f"   open {1000 * opened:8.2f} ms ({opened / base_open:5.1f}x :memory:, {opened / memory:5.0f}x JSON)"
        )
    if not args.postgres:
        print("PostgreSQL       skipped: no HOMESHORE_TEST_POSTGRES_URL and no --postgres URL")

    page_load(f"sqlite:///{work / 'warm-up.sqlite3'}", state, 0)  # the app's imports and caches, once
    for label, url in rows:
        if label == "PostgreSQL":
            with postgres_schema(url) as scoped:
                empty = page_load(scoped, state, 0)
            with postgres_schema(url) as scoped:
                full = page_load(scoped, state, PAGE_SCENARIOS)
        else:
            empty = page_load(f"sqlite:///{work / 'empty.sqlite3'}", state, 0)
            full = page_load(f"sqlite:///{work / 'full.sqlite3'}", state, PAGE_SCENARIOS)
        print(
            f"Scénarios page, {label:11} 0 scenarios {empty:6.3f} s   {PAGE_SCENARIOS} scenarios {full:6.3f} s"
            f"   ({full / empty:4.2f}x)"
        )


if __name__ == "__main__":
    main()
