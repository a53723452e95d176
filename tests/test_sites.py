"""Bundled contact-centre sites: every source row accounted for, matched ones placed in their commune."""

from __future__ import annotations

import geopandas as gpd
import pytest

from regions import geo, sites


@pytest.fixture(scope="module")
def all_sites() -> gpd.GeoDataFrame:
    return sites.load_sites(include_unmatched=True)


def test_every_source_row_is_kept_matched_or_with_its_reason(all_sites: gpd.GeoDataFrame) -> None:
    assert len(all_sites) == 79 and all_sites["site_id"].is_unique
    matched, unmatched = all_sites[all_sites["matched"]], all_sites[~all_sites["matched"]]
    assert len(matched) == 77
    assert (unmatched["match_note"].str.len() > 0).all()
    assert unmatched.geometry.isna().all() and (unmatched["commune_code"] == "").all()
    assert (matched["match_note"] == "").all()
    assert set(unmatched["commune_as_published"]) == {
        "Asnières",  # the source gives no commune name we can match exactly: not guessed
        "Futuroscope technopole (commune not stated; near Poitiers)",
    }


def test_matched_sites_lie_in_their_commune_and_departement(all_sites: gpd.GeoDataFrame) -> None:
    matched = all_sites[all_sites["matched"]]
    communes = geo.communes().set_index("code")
    for site in matched.itertuples():
        commune = communes.loc[site.commune_code]
        assert commune["dep_code"] == site.dep_code
        assert commune.geometry.contains(site.geometry), site.site_id
    assert matched.set_index("site_id").loc["S002", "commune_code"] == "72181"  # Le Mans


def test_every_site_names_its_source(all_sites: gpd.GeoDataFrame) -> None:
    assert all_sites["source_url"].str.match(r"https?://").all()
    assert all_sites["location_method"][all_sites["matched"]].str.len().gt(0).all()


def test_default_layer_holds_only_located_sites() -> None:
    located = sites.load_sites()
    assert len(located) == 77 and located.geometry.notna().all()
    assert located.crs.to_epsg() == 4326
