"""Geography: counts, codes, populations, areas, enclaves, and the simplified layers as a clean coverage."""

from __future__ import annotations

import itertools

import geopandas as gpd
import pytest
import shapely

from regions import geo

MAINLAND_METRIC = "EPSG:3035"


@pytest.fixture(scope="module")
def communes() -> gpd.GeoDataFrame:
    return geo.communes()


@pytest.fixture(scope="module")
def deps() -> gpd.GeoDataFrame:
    return geo.departements()


@pytest.fixture(scope="module")
def regs() -> gpd.GeoDataFrame:
    return geo.regions()


def test_counts_and_crs(communes: gpd.GeoDataFrame, deps: gpd.GeoDataFrame, regs: gpd.GeoDataFrame) -> None:
    assert (len(communes), len(deps), len(regs)) == (34_875, 101, 18)
    for layer in (communes, deps, regs):
        assert layer.crs.to_epsg() == 4326
        assert layer["code"].is_unique


def test_codes_are_text_with_leading_zeros(deps: gpd.GeoDataFrame, communes: gpd.GeoDataFrame) -> None:
    assert {"01", "2A", "2B", "971", "976"} <= set(deps["code"])
    assert "20" not in set(deps["code"])
    assert communes.loc[communes["code"] == "01001", "name"].item() == "L'Abergement-Clémenciat"
    assert communes.loc[communes["code"] == "72181", "name"].item() == "Le Mans"
    assert communes["dep_code"].notna().all() and communes["reg_code"].notna().all()


def test_territory_population_is_the_sum_of_its_communes(
    communes: gpd.GeoDataFrame, deps: gpd.GeoDataFrame, regs: gpd.GeoDataFrame
) -> None:
    by_dep = communes.groupby("dep_code")["population"].sum(min_count=1)
    assert deps.set_index("code")["population"].drop("976").equals(by_dep.drop("976").astype(float))
    assert deps["population"].sum() == pytest.approx(communes["population"].sum())
    assert regs["population"].sum() == pytest.approx(communes["population"].sum())


def test_missing_populations_stay_missing_and_are_counted(deps: gpd.GeoDataFrame, communes: gpd.GeoDataFrame) -> None:
    assert int(communes["population"].isna().sum()) == 18
    mayotte = deps.set_index("code").loc["976"]
    assert mayotte["population"] != mayotte["population"]  # NaN, never 0
    assert mayotte["population_missing_communes"] == 17
    assert deps.set_index("code").loc["60", "population_missing_communes"] == 1  # Hauts-Talican


def test_communes_without_polygon_are_rebuilt_or_reported(communes: gpd.GeoDataFrame) -> None:
    notes = communes.set_index("code")["geometry_note"]
    rebuilt = set(notes[notes == geo.NOTE_REBUILT].index)
    missing = set(notes[notes == geo.NOTE_MISSING].index)
    assert rebuilt == {"12218", "14581", "49126", "69114"}
    assert missing == {"15031", "15035", "15047", "15171"}
    assert communes.set_index("code").loc[sorted(rebuilt)].geometry.notna().all()
    assert communes.set_index("code").loc[sorted(missing)].geometry.isna().all()


def test_areas_are_equal_area_km2(deps: gpd.GeoDataFrame) -> None:
    area = deps.set_index("code")["area_km2"]
    # INSEE surfaces: Paris 105.4 km², Cantal 5,726 km², La Réunion 2,504 km². Polygons include estuaries
    # inside communal limits, so Gironde (9,976 km² at INSEE) is larger here: only inland ones are compared.
    assert area["75"] == pytest.approx(105.4, rel=0.01)
    assert area["15"] == pytest.approx(5726, rel=0.02)
    assert area["974"] == pytest.approx(2504, rel=0.02)
    assert deps["density_per_km2"].drop(deps.index[deps["code"] == "976"]).gt(0).all()


def test_valreas_stays_an_enclave_of_vaucluse(communes: gpd.GeoDataFrame, deps: gpd.GeoDataFrame) -> None:
    valreas = communes.loc[communes["code"] == "84138"]
    assert valreas["name"].item() == "Valréas"
    point = valreas.geometry.item().representative_point()
    shapes = deps.set_index("code").geometry
    assert shapes["84"].contains(point)
    assert not shapes["26"].contains(point)
    assert shapes["84"].geom_type == "MultiPolygon"


@pytest.mark.parametrize("simplified", [True, False])
def test_mainland_departements_form_a_clean_coverage(simplified: bool) -> None:
    deps = geo.departements(simplified=simplified)
    mainland = deps[deps["code"].str.len() == 2].to_crs(MAINLAND_METRIC)
    assert shapely.coverage_is_valid(mainland.geometry.to_numpy(), gap_width=1.0)
    tree = shapely.STRtree(mainland.geometry.to_numpy())
    left, right = tree.query(mainland.geometry.to_numpy(), predicate="intersects")
    pairs = {(a, b) for a, b in zip(left, right, strict=True) if a < b}
    overlap = sum(mainland.geometry.iloc[a].intersection(mainland.geometry.iloc[b]).area for a, b in pairs)
    assert overlap < 1.0  # m², over all neighbouring pairs
    assert len(pairs) > 200  # neighbours do touch: shared edges, not gaps


def test_simplified_layers_are_lighter_and_faithful() -> None:
    detailed, simple = geo.departements(simplified=False), geo.departements()
    vertices = shapely.get_num_coordinates
    assert vertices(simple.geometry.to_numpy()).sum() < vertices(detailed.geometry.to_numpy()).sum() / 2
    area_ratio = simple.to_crs(MAINLAND_METRIC).area / detailed.to_crs(MAINLAND_METRIC).area
    assert area_ratio.between(0.98, 1.02).all()


def test_regions_contain_their_departements(deps: gpd.GeoDataFrame, regs: gpd.GeoDataFrame) -> None:
    shapes = regs.set_index("code").geometry
    for dep in itertools.islice(deps.itertuples(), 0, None, 7):
        assert shapes[dep.reg_code].buffer(0.01).contains(dep.geometry.representative_point())


def test_unknown_level_names_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match=r"`level` was 'canton' but is expected to be one of"):
        geo.layer("canton")  # type: ignore[arg-type]


def test_population_centres_are_computed_once_and_handed_out_as_copies() -> None:
    """The detail panel asks for the centres on every click: they are kept in memory, and a caller that changes
    its copy does not change what the next caller gets."""
    first = geo.population_centres("departement")
    first.loc[:, "lat"] = 0.0
    again = geo.population_centres("departement")
    assert again["lat"].between(-25, 55).all()
    assert geo.population_centres("departement") is not again
