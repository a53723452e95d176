"""The user's datasets (in the workspace database) overlay the bundled datasets, and removing one restores them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regions import indicators, snapshot, sources
from regions.workspace import userdata


def _broadband(value_01: float) -> pd.DataFrame:
    codes = indicators.territory_table()["code"]
    figures = pd.DataFrame({"code": codes, "ftth_share_pct": 50.0, "total_premises": 1000.0})
    figures.loc[figures["code"] == "01", "ftth_share_pct"] = value_01
    figures.loc[figures["code"] == "976", "ftth_share_pct"] = np.nan
    return figures


RECORD = {
    "producer": "Arcep",
    "dataset": "Ma connexion internet (test)",
    "period": "2026-09-30",
    "url": "https://data.arcep.fr/fixe/maconnexioninternet/statistiques/last/departement/departement_techno.csv",
    "licence": "Licence Ouverte / Etalab 2.0",
    "retrieved_via": "test fixture",
    "coverage_note": "test",
    "caveats": ["figures of a test fixture, not real"],
    "status": "refreshed",
    "updated": "2026-11-29",
}


def test_an_overlay_replaces_the_bundled_dataset_and_its_removal_restores_it(user_folder: Path) -> None:
    bundled = indicators.territory_table().set_index("code").loc["01", "ftth_share_pct"]
    snapshot.write_dataset("arcep_broadband", _broadband(12.5), RECORD)
    indicators.reload()
    source = sources.load_sources()["arcep_broadband"]
    assert (source.status, source.updated, source.period) == ("refreshed", "2026-11-29", "2026-09-30")
    table = indicators.territory_table().set_index("code")
    assert table.loc["01", "ftth_share_pct"] == 12.5
    assert np.isnan(table.loc["976", "ftth_share_pct"])  # missing stays missing
    assert userdata.version("arcep_broadband") == 1 and not (user_folder / "snapshot").exists()  # in the database
    snapshot.remove_dataset("arcep_broadband")
    indicators.reload()
    assert sources.load_sources()["arcep_broadband"].status == "bundled"
    assert indicators.territory_table().set_index("code").loc["01", "ftth_share_pct"] == bundled


def test_a_user_indicator_joins_the_catalogue(user_folder: Path) -> None:
    codes = indicators.territory_table()["code"]
    figures = pd.DataFrame({"code": codes, "my_pool": np.where(codes == "23", 7.0, np.nan)})
    entry = {
        "label_fr": "Mon vivier",
        "label_en": "My pool",
        "unit": "personnes",
        "period": "2026",
        "dataset": "user_my_pool",
        "orientation": "higher",
        "kind": "count",
        "region_rule": "sum",
        "description_fr": "Fourni par l'utilisateur",
    }
    snapshot.write_dataset("user_my_pool", figures, {**RECORD, "status": "user"}, {"my_pool": entry})
    indicators.reload()
    assert sources.load_catalogue()["my_pool"].label_fr == "Mon vivier"
    table = indicators.territory_table().set_index("code")
    assert table.loc["23", "my_pool"] == 7.0 and np.isnan(table.loc["01", "my_pool"])
    assert sources.load_sources()["user_my_pool"].status == "user"


def test_a_user_indicator_may_not_reuse_a_bundled_id(user_folder: Path) -> None:
    figures = pd.DataFrame({"code": ["01"], "population": [1.0]})
    entry = {"label_fr": "x", "label_en": "x", "unit": "x", "period": "x", "dataset": "user_x",
             "orientation": "neutral", "kind": "count", "region_rule": "sum", "description_fr": "x"}  # fmt: skip
    with pytest.raises(
        ValueError, match=r"rien n'a été écrit.*'population' is a bundled indicator .* may only complete"
    ):
        snapshot.write_dataset("user_x", figures, {**RECORD, "status": "user"}, {"population": entry})
    assert sources.load_catalogue()["population"] == sources.bundled_catalogue()["population"]
    assert userdata.stored_ids() == [] and sources.overlay_damage() == []
