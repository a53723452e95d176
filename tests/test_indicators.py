"""The territory table: shape, provenance of every column, missing values kept missing, région rules."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from regions import geo, indicators, settings, sources


@pytest.fixture(scope="module")
def deps() -> pd.DataFrame:
    return indicators.territory_table("departement").set_index("code")


@pytest.fixture(scope="module")
def regs() -> pd.DataFrame:
    return indicators.territory_table("region").set_index("code")


def test_one_row_per_territory_with_every_catalogued_indicator(deps: pd.DataFrame, regs: pd.DataFrame) -> None:
    assert len(deps) == settings.N_DEPARTEMENTS and deps.index.is_unique
    assert len(regs) == settings.N_REGIONS and regs.index.is_unique
    ids = indicators.indicator_ids()
    assert list(deps.columns) == ["name", "reg_code", *ids]
    assert list(regs.columns) == ["name", *ids]
    assert deps.index[:3].tolist() == ["01", "02", "03"] and "2A" in deps.index


def test_every_column_names_its_source(deps: pd.DataFrame) -> None:
    catalogue, datasets = sources.load_catalogue(), sources.load_sources()
    for column in deps.columns.drop(["name", "reg_code"]):
        indicator = catalogue[column]
        if indicator.dataset == "derived":
            assert indicator.derived_from and indicator.method_fr
            assert set(indicator.derived_from) <= set(catalogue) | set(sources.EXTERNAL_INPUTS)
        else:
            origin = datasets[indicator.dataset]
            assert origin.producer and origin.url.startswith("http") and origin.licence and origin.period


def test_missing_figures_stay_missing_never_zero(deps: pd.DataFrame) -> None:
    assert math.isnan(deps.loc["976", "unemployment_rate_pct"])
    assert math.isnan(deps.loc["976", "jobseekers_per_1000"])
    assert math.isnan(deps.loc["01", "aah_recipients"])
    assert math.isnan(deps.loc["95", "families_total"])
    for column in ("unemployment_rate_pct", "aah_recipients", "families_total", "jobseekers_cat_a"):
        assert (deps[column] != 0).all(), column


def test_coverage_is_counted_from_the_data(deps: pd.DataFrame) -> None:
    cover = indicators.coverage(deps.reset_index())
    assert cover.loc["ftth_share_pct", "filled"] == 101
    assert cover.loc["unemployment_rate_pct", "filled"] == 100
    assert cover.loc["aah_recipients", "filled"] == 27
    assert cover.loc["families_total", "filled"] == 33
    assert cover.loc["aah_recipients", "coverage_pct"] == pytest.approx(100 * 27 / 101)


def test_bundled_figures_reach_the_table_unchanged(deps: pd.DataFrame) -> None:
    assert deps.loc["01", "unemployment_rate_pct"] == 5.7
    assert deps.loc["01", "jobseekers_cat_a"] == 26470
    assert deps.loc["976", "ftth_share_pct"] == 15.9
    assert deps.loc["23", "aah_recipients"] == 3603


def test_aah_per_1000_aged_15_64_is_computed_where_both_counts_are_known(deps: pd.DataFrame) -> None:
    landes = deps.loc["40"]  # bundled: 7,082 AAH recipients (2021), 250,758 inhabitants aged 15–64 (RP2022)
    assert round(landes["aah_per_1000_15_64"], 1) == 28.2
    assert math.isnan(deps.loc["43", "aah_per_1000_15_64"])  # Haute-Loire: no AAH count bundled
    assert math.isnan(deps.loc["23", "aah_per_1000_15_64"])  # Creuse: no census population 15–64 bundled


def test_jobseekers_per_1000_inhabitants(deps: pd.DataFrame) -> None:
    ain = deps.loc["01"]
    assert ain["jobseekers_per_1000"] == pytest.approx(1000 * 26470 / ain["population"])
    assert ain["population"] == geo.communes().query("dep_code == '01'")["population"].sum()


def test_rural_share_is_a_share_of_population(deps: pd.DataFrame) -> None:
    rural = deps["rural_population_share_pct"].dropna()
    assert rural.between(0, 100).all()
    assert deps.loc["75", "rural_population_share_pct"] == 0  # every Paris inhabitant lives at > 100 inh./km²
    assert deps.loc["48", "rural_population_share_pct"] > 60  # Lozère, least dense; Mende is its dense town
    assert math.isnan(deps.loc["976", "rural_population_share_pct"])  # no population figure for Mayotte


def test_rural_share_grows_with_the_density_threshold() -> None:
    communes = pd.DataFrame(
        {
            "dep_code": ["01", "01", "01", "02"],
            "population": [100.0, 300.0, 600.0, float("nan")],
            "density_per_km2": [10.0, 150.0, 1000.0, 5.0],
        }
    )
    share = indicators.rural_population_share(communes, "dep_code")
    assert share["01"] == pytest.approx(10.0)  # 100 of 1,000 inhabitants live under 100 inh./km²
    assert "02" not in share.dropna().index  # no population: no share, not 0 %


def test_region_counts_are_sums_only_when_complete(deps: pd.DataFrame, regs: pd.DataFrame) -> None:
    # HandiDonnées prints the regional rows: Nouvelle-Aquitaine 105,697 at home and 17,845 in institutions (2021)
    assert regs.loc["75", "aah_home"] == 105_697
    assert regs.loc["75", "aah_institution"] == 17_845
    assert regs.loc["24", "aah_home"] == 39_042  # Centre-Val de Loire, also printed
    assert math.isnan(regs.loc["11", "aah_recipients"])  # Île-de-France: no département covered
    assert math.isnan(regs.loc["84", "aah_recipients"])  # partial coverage gives no partial sum
    in_idf = deps[deps["reg_code"] == "11"]
    assert regs.loc["11", "jobseekers_cat_a"] == in_idf["jobseekers_cat_a"].sum()
    assert regs.loc["94", "families_total"] == deps.loc[["2A", "2B"], "families_total"].sum()


def test_region_shares_are_weighted_means_within_their_departements(deps: pd.DataFrame, regs: pd.DataFrame) -> None:
    bretagne = deps[deps["reg_code"] == "53"]
    expected = (bretagne["ftth_share_pct"] * bretagne["total_premises"]).sum() / bretagne["total_premises"].sum()
    assert regs.loc["53", "ftth_share_pct"] == pytest.approx(expected)
    for code, reg in regs.iterrows():
        members = deps[deps["reg_code"] == code]["unemployment_rate_pct"].dropna()
        if len(members) and not math.isnan(reg["unemployment_rate_pct"]):
            assert members.min() - 1e-9 <= reg["unemployment_rate_pct"] <= members.max() + 1e-9


def test_region_ratios_are_recomputed_from_sums(regs: pd.DataFrame) -> None:
    idf = regs.loc["11"]
    assert idf["density_per_km2"] == pytest.approx(idf["population"] / idf["area_km2"])
    assert idf["jobseekers_per_1000"] == pytest.approx(1000 * idf["jobseekers_cat_a"] / idf["population"])


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match=r"`level` was 'commune' but is expected to be one of"):
        indicators.territory_table("commune")  # type: ignore[arg-type]


def test_the_table_is_a_copy(deps: pd.DataFrame) -> None:
    first = indicators.territory_table()
    first.loc[0, "unemployment_rate_pct"] = -1
    assert indicators.territory_table().loc[0, "unemployment_rate_pct"] == 5.7
