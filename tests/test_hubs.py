"""Your own sites (hubs) versus the sector's sites: access to a hub is its own criterion and a hard constraint,
and adding a hub never lowers any score."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regions import indicators, scoring, sites

HUB = "nearest_hub_travel_min"
MAINLAND_IDS = tuple(
    sites.load_sites().loc[lambda f: ~f["dep_code"].isin(["2A", "2B", "971", "972", "973", "974", "976"]), "site_id"]
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "regions.cli", *args], capture_output=True, text=True, check=False,
        env=dict(os.environ), timeout=300,
    )  # fmt: skip


def scores(result: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(result), dtype={"code": str}).set_index("code")


@cache
def table_with(hub_ids: tuple[str, ...]) -> pd.DataFrame:
    hubs = sites.select_hubs(hub_ids) if hub_ids else None
    return indicators.territory_table(hubs=hubs)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sets(st.sampled_from(sites.load_sites()["site_id"].tolist()), max_size=4),
    added=st.sets(st.sampled_from(sites.load_sites()["site_id"].tolist()), min_size=1, max_size=3),
    hub_weight=st.floats(0.05, 0.9),
    preset=st.sampled_from(sorted(scoring.PRESETS)),
)
def test_adding_a_hub_never_lowers_any_score(base: set[str], added: set[str], hub_weight: float, preset: str) -> None:
    weights = scoring.preset_weights(preset)
    weights = {k: v * (1 - hub_weight) for k, v in weights.items()} | {HUB: hub_weight}
    before_hubs, after_hubs = tuple(sorted(base)), tuple(sorted(base | added))
    before = scoring.score(table_with(before_hubs), weights, draws=2).set_index("code")["score"]
    after = scoring.score(table_with(after_hubs), weights, draws=2).set_index("code")["score"]
    lowered = after.reindex(before.index) < before - 1e-9
    assert not lowered.any(), f"adding {sorted(added)} to {sorted(base)} lowered {list(before.index[lowered])}"


def test_hubs_never_enter_sector_presence() -> None:
    plain, with_hubs = table_with(()), table_with(MAINLAND_IDS[:5])
    pd.testing.assert_series_equal(plain["sites_within_60min"], with_hubs["sites_within_60min"])
    assert plain[HUB].isna().all() and with_hubs[HUB].notna().sum() > 80


def gueret_file(tmp_path: Path) -> Path:
    path = tmp_path / "mes_sites.csv"
    path.write_text("nom;commune;code postal;capacité\nAgence de Guéret;Guéret;23000;30\n", encoding="utf-8")
    return path


def test_adding_your_own_site_in_gueret_does_not_lower_creuse(tmp_path: Path) -> None:
    # Before: one's own site in Guéret counted as sector presence, and Creuse fell from 65.9 (rank 10) to 59.3 (27).
    without = run("score", "--all", "--format", "csv")
    with_hub = run("score", "--all", "--format", "csv", "--hubs-file", str(gueret_file(tmp_path)))
    assert without.returncode == 0 and with_hub.returncode == 0, with_hub.stderr
    before, after = scores(without.stdout), scores(with_hub.stdout)
    assert after.at["23", "score"] >= before.at["23", "score"]
    assert after.at["23", "rank"] <= before.at["23", "rank"]
    assert after.at["23", "contrib_sites_within_60min"] == before.at["23", "contrib_sites_within_60min"]
    assert "120 min" in with_hub.stderr  # the default travel limit to your sites is stated


def test_with_hubs_no_unreachable_territory_is_ranked() -> None:
    result = run("score", "--all", "--format", "csv", "--hubs", "S001,S004")
    assert result.returncode == 0, result.stderr
    table = scores(result.stdout)
    for code in ("973", "974", "2A"):
        assert pd.isna(table.at[code, "rank"])
        assert table.at[code, "excluded_reason"] == "aucun de vos sites accessible par la route"
    ranked = table[table["rank"].notna()]
    assert 0 < len(ranked) < 101
    far = table[table["excluded_reason"].fillna("").str.contains("> 120 min")]
    assert len(far) > 0 and far["rank"].isna().all()


def test_the_travel_limit_to_your_sites_is_adjustable() -> None:
    tight = scores(run("score", "--all", "--format", "csv", "--hubs", "S001", "--max-travel-min", "60").stdout)
    loose = scores(run("score", "--all", "--format", "csv", "--hubs", "S001", "--max-travel-min", "240").stdout)
    assert tight["rank"].notna().sum() < loose["rank"].notna().sum()


def test_unknown_hub_ids_and_operators_are_named() -> None:
    result = run("score", "--hubs", "S001,S999,X12")
    assert result.returncode == 1
    assert "S999" in result.stderr and "X12" in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(sites.HubError, match="Nulle Part"):
        sites.select_hubs(operators=["Nulle Part"])


def test_hubs_by_operator_and_from_a_file(tmp_path: Path) -> None:
    webhelp = sites.select_hubs(operators=["webhelp"])
    assert len(webhelp) > 1 and webhelp["operator"].str.contains("Webhelp").all()
    hub_file = sites.read_hubs_file(gueret_file(tmp_path).read_bytes(), "mes_sites.csv")
    assert hub_file.hubs["commune_code"].tolist() == ["23096"] and hub_file.capacities == {"U001": 30}
    mixed = sites.select_hubs(["S001"], user=hub_file.hubs)
    assert mixed["site_id"].tolist() == ["S001", "U001"] and isinstance(mixed, gpd.GeoDataFrame)


def test_a_hubs_file_with_an_unlocatable_row_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("nom;commune\nA;Guéret\nB;Nullepartville\n", encoding="utf-8")
    result = run("score", "--hubs-file", str(path))
    assert result.returncode == 1 and "ligne 3" in result.stderr and "Traceback" not in result.stderr
