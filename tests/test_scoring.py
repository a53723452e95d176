"""The score: weights, normalisation, missing components, monotonicity, filters, explanation, robustness."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regions import indicators, scoring
from regions import settings as regions_settings
from regions.formatting import Lang

UNEMPLOYMENT, FIBRE, SITES = "unemployment_rate_pct", "ftth_share_pct", "sites_within_60min"


def toy(unemployment: list[float], fibre: list[float], sites: list[float] | None = None) -> pd.DataFrame:
    n = len(unemployment)
    return pd.DataFrame(
        {
            "code": [f"{i + 1:02d}" for i in range(n)],
            "name": [f"Territoire {i + 1}" for i in range(n)],
            "reg_code": ["11"] * (n - 1) + ["24"],
            UNEMPLOYMENT: unemployment,
            FIBRE: fibre,
            SITES: sites if sites is not None else [0.0] * n,
            "nearest_site_travel_min": [30.0 * (i + 1) for i in range(n)],
        }
    )


@pytest.fixture(scope="module")
def departements() -> pd.DataFrame:
    return indicators.territory_table()


def test_weights_are_rescaled_to_sum_to_one() -> None:
    weights = scoring.normalise_weights({UNEMPLOYMENT: 3, FIBRE: 1, SITES: 0})
    assert weights == {UNEMPLOYMENT: 0.75, FIBRE: 0.25}
    assert math.fsum(weights.values()) == pytest.approx(1)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"population": 1.0}, "unknown score components"),
        ({UNEMPLOYMENT: -1.0}, "finite numbers >= 0"),
        ({UNEMPLOYMENT: float("nan")}, "finite numbers >= 0"),
        ({UNEMPLOYMENT: 0.0}, "at least one weight must be positive"),
    ],
)
def test_bad_weights_are_refused_with_a_reason(weights: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        scoring.normalise_weights(weights)


@pytest.mark.parametrize("name", list(scoring.PRESETS))
def test_presets_are_valid(name: str) -> None:
    weights = scoring.preset_weights(name)
    assert set(weights) <= set(scoring.components())
    assert math.fsum(weights.values()) == pytest.approx(1)


def test_components_are_oriented_rates_and_shares() -> None:
    parts = scoring.components()
    assert {UNEMPLOYMENT, FIBRE, SITES, "aah_per_1000_15_64_2019", "rural_population_share_pct"} <= set(parts)
    assert "jobseekers_cat_a" not in parts and "population" not in parts and "unemployment_rate_prev_pct" not in parts


def test_normalisation_is_a_percentile_rank_reversed_for_lower_indicators() -> None:
    table = toy([5.0, 10.0, 15.0], [80.0, 90.0, 100.0], sites=[0.0, 2.0, 4.0])
    normalised = scoring.normalise(table, [UNEMPLOYMENT, SITES])
    assert normalised[UNEMPLOYMENT].tolist() == [0.0, 50.0, 100.0]
    assert normalised[SITES].tolist() == [100.0, 50.0, 0.0]  # fewer sites nearby is better


def test_a_missing_component_rescales_the_weights_and_is_flagged() -> None:
    table = toy([5.0, 10.0, 15.0], [80.0, float("nan"), 100.0])
    result = scoring.score(table, {UNEMPLOYMENT: 0.5, FIBRE: 0.5}, draws=50).set_index("code")
    assert result.loc["02", "score"] == pytest.approx(50.0)  # its unemployment percentile alone, not halved
    assert result.loc["02", "weight_available_pct"] == pytest.approx(50.0)
    assert result.loc["02", "missing_components"] == FIBRE
    assert result.loc["01", "missing_components"] == ""


def test_no_component_at_all_gives_no_score_not_zero() -> None:
    table = toy([5.0, float("nan"), 15.0], [80.0, 90.0, 100.0])
    result = scoring.score(table, {UNEMPLOYMENT: 1.0}, draws=20).set_index("code")
    assert math.isnan(result.loc["02", "score"]) and math.isnan(result.loc["02", "rank"])


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(0, 30, allow_nan=False), min_size=3, max_size=12),
    fibre=st.lists(st.floats(0, 100, allow_nan=False), min_size=12, max_size=12),
    who=st.integers(0, 11),
    bump=st.floats(0.01, 10),
    weight=st.floats(0.05, 0.95),
)
def test_raising_a_favourable_value_never_lowers_the_score(
    values: list[float], fibre: list[float], who: int, bump: float, weight: float
) -> None:
    who %= len(values)
    table = toy(values, fibre[: len(values)])
    weights = {UNEMPLOYMENT: weight, FIBRE: 1 - weight}
    before = scoring.score(table, weights, draws=10).set_index("code")
    raised = table.copy()
    raised.loc[who, UNEMPLOYMENT] += bump
    after = scoring.score(raised, weights, draws=10).set_index("code")
    code = table.loc[who, "code"]
    assert after.loc[code, "score"] >= before.loc[code, "score"] - 1e-9


def test_contributions_add_up_to_the_score(departements: pd.DataFrame) -> None:
    weights = scoring.preset_weights("Équilibré")
    result = scoring.score(departements, weights, draws=50)
    contributions = result[[f"contrib_{c}" for c in weights]].sum(axis=1)
    assert np.allclose(contributions, result["score"], equal_nan=True)


def test_ranks_follow_scores_and_intervals_contain_the_rank(departements: pd.DataFrame) -> None:
    result = scoring.score(departements, scoring.preset_weights("Inclusion handicap"))
    ranked = result[result["rank"].notna()]
    assert ranked["rank"].tolist() == sorted(ranked["rank"].tolist())
    assert ranked["score"].is_monotonic_decreasing
    assert (ranked["rank_p05"] <= ranked["rank"]).all() and (ranked["rank"] <= ranked["rank_p95"]).all()
    assert ranked["rank_p95"].max() <= len(ranked)


def test_robustness_is_seeded_and_narrows_with_one_component(departements: pd.DataFrame) -> None:
    weights = scoring.preset_weights("Équilibré")
    first = scoring.score(departements, weights)
    again = scoring.score(departements, weights)
    pd.testing.assert_frame_equal(first, again)
    single = scoring.score(departements, {FIBRE: 1.0})
    ranked = single[single["rank"].notna()]
    assert (ranked["rank_p05"] == ranked["rank"]).all() and (ranked["rank_p95"] == ranked["rank"]).all()


def test_filters_exclude_with_a_reason_and_keep_the_row() -> None:
    table = toy([5.0, 10.0, 15.0], [80.0, 90.0, 100.0])
    filters = scoring.Filters(min_ftth_pct=85, max_travel_min=75, regions=("11",))
    result = scoring.score(table, {UNEMPLOYMENT: 1.0}, filters, draws=20).set_index("code")
    assert len(result) == 3
    assert result.loc["01", "excluded_reason"] == "fibre 80,0 % < 85,0 %"
    assert result.loc["03", "excluded_reason"] == "site le plus proche à ~90 min > 75 min; région non retenue"
    assert not result.loc["02", "excluded"] and result.loc["02", "rank"] == 1
    assert math.isnan(result.loc["03", "rank"]) and not math.isnan(result.loc["03", "score"])


def test_a_filter_on_travel_excludes_territories_without_a_reachable_site(departements: pd.DataFrame) -> None:
    result = scoring.score(departements, scoring.preset_weights("Équilibré"), scoring.Filters(max_travel_min=120))
    reasons = result.set_index("code")["excluded_reason"]
    assert reasons["2A"] == "aucun site accessible par la route"  # Corsica: no site on the island
    assert reasons["971"] == "aucun site accessible par la route"
    assert reasons["75"] == ""


def test_explanation_of_one_territory(departements: pd.DataFrame) -> None:
    weights = scoring.preset_weights("Inclusion handicap")
    mayotte = scoring.explain(departements, weights, "976").set_index("component")
    assert mayotte.loc[UNEMPLOYMENT, "missing"]  # INSEE publishes no localised rate for Mayotte
    assert mayotte.loc[UNEMPLOYMENT, "applied_weight"] == 0
    assert mayotte["applied_weight"].sum() == pytest.approx(1)
    aisne = scoring.explain(departements, weights, "02").set_index("component")
    assert not aisne["missing"].any()  # the 2019 AAH rate covers every département
    assert aisne.loc[UNEMPLOYMENT, "value"] == 10.3
    assert aisne.loc[UNEMPLOYMENT, "national_median"] == departements[UNEMPLOYMENT].median()
    total = scoring.score(departements, weights, draws=10).set_index("code").loc["02", "score"]
    assert aisne["contribution"].sum() == pytest.approx(total)
    with pytest.raises(ValueError, match="territory '99' is not in the table"):
        scoring.explain(departements, weights, "99")


def test_exclusion_reasons_in_english() -> None:
    table = toy([5.0, 10.0, 15.0], [80.0, 90.0, 100.0])
    filters = scoring.Filters(min_ftth_pct=85, max_travel_min=75, regions=("11",))
    result = scoring.score(table, {UNEMPLOYMENT: 1.0}, filters, draws=20, lang="en").set_index("code")
    assert result.loc["01", "excluded_reason"] == "fibre 80.0% < 85.0%"
    assert result.loc["03", "excluded_reason"] == "nearest site ~90 min away > 75 min; région not selected"


@pytest.mark.parametrize("name", list(scoring.PRESETS))
def test_no_preset_weights_an_indicator_below_95_percent_coverage(name: str, departements: pd.DataFrame) -> None:
    assert scoring.low_coverage(departements, scoring.preset_for(name)) == {}, name
    for component in scoring.preset_for(name):
        assert departements[component].notna().mean() >= regions_settings.PRESET_MIN_COVERAGE_PCT / 100, component


def test_low_coverage_names_the_partial_indicators(departements: pd.DataFrame) -> None:
    weights = {"aah_per_1000_20_64": 1.0, "other_inactive_15_64_pct": 1.0, FIBRE: 1.0, UNEMPLOYMENT: 0.0}
    low = scoring.low_coverage(departements, weights)
    assert set(low) == {"aah_per_1000_20_64", "other_inactive_15_64_pct"}
    assert low["aah_per_1000_20_64"] == pytest.approx(100 * 27 / 101)  # the 2021 AAH figures: 27/101


def test_inclusion_handicap_uses_the_complete_2019_aah_rate(departements: pd.DataFrame) -> None:
    weights = scoring.preset_for("Inclusion handicap")
    assert weights["aah_per_1000_15_64_2019"] == 0.35 and "aah_per_1000_20_64" not in weights
    result = scoring.score(departements, scoring.normalise_weights(weights), draws=20)
    top10 = result[result["rank"] <= 10]
    assert len(top10) >= 10 and (top10["weight_available_pct"] == 100).all()  # was 5 of 10 on 65 %
    with pytest.raises(ValueError, match="expected one of"):
        scoring.preset_for("Inconnu")


def test_territories_on_too_few_weights_are_ranked_apart() -> None:
    table = toy([5.0, 10.0, 15.0, 20.0], [80.0, 90.0, float("nan"), float("nan")])
    weights = {UNEMPLOYMENT: 0.6, FIBRE: 0.4}  # 03 and 04 carry 60 % of the weights: under 75 %
    result = scoring.score(table, weights, draws=20)
    assert result["code"].tolist() == ["02", "01", "04", "03"]  # ranked ones, then those apart by score
    apart = result.set_index("code")
    assert apart.loc["04", "partial"] and math.isnan(apart.loc["04", "rank"]) and apart.loc["04", "score"] == 100
    assert apart.loc["04", "partial_note"] == "classé à part : score sur 60 % des poids (moins de 75 %)"
    assert apart.loc["02", "rank"] == 1 and apart.loc["01", "rank"] == 2 and apart.loc["02", "partial_note"] == ""
    assert apart.loc["02", "rank_p95"] <= 2  # intervals are ranks among the territories ranked together
    english = scoring.score(table, weights, draws=20, lang="en").set_index("code")
    assert english.loc["03", "partial_note"] == "ranked apart: score on 60% of the weights (under 75%)"
    filtered = scoring.score(table, weights, scoring.Filters(max_travel_min=75), draws=20)  # 03, 04: > 75 min
    assert filtered["partial"].sum() == 0 and filtered["excluded"].sum() == 2  # excluded rows are not "apart"


def test_mayotte_is_ranked_apart_under_every_preset(departements: pd.DataFrame) -> None:
    for name in scoring.PRESETS:
        result = scoring.score(departements, scoring.preset_weights(name), draws=20)
        ranked = result[result["rank"].notna()]
        assert (ranked["weight_available_pct"] >= regions_settings.MIN_RANKED_WEIGHT_PCT).all(), name
        assert result.loc[result["partial"], "code"].tolist() == ["976"], name
        assert result["code"].iloc[-1] == "976"


@pytest.mark.parametrize(
    ("travel", "ftth", "lang", "travel_reason", "ftth_reason"),
    [
        (90.4, 59.96, "fr", "site le plus proche à ~90,4 min > 90,0 min", "fibre 59,96 % < 60,00 %"),
        (90.04, 59.94, "fr", "site le plus proche à ~90,04 min > 90,00 min", "fibre 59,9 % < 60,0 %"),
        (120.3, 12.0, "fr", "site le plus proche à ~120 min > 90 min", "fibre 12,0 % < 60,0 %"),
        (90.4, 59.96, "en", "nearest site ~90.4 min away > 90.0 min", "fibre 59.96% < 60.00%"),
    ],
)
def test_a_reason_never_rounds_a_value_onto_its_limit(
    travel: float, ftth: float, lang: Lang, travel_reason: str, ftth_reason: str
) -> None:
    table = toy([5.0, 10.0], [ftth, 100.0])
    table["nearest_site_travel_min"] = [10.0, travel]
    filters = scoring.Filters(min_ftth_pct=60, max_travel_min=90)
    reasons = scoring.score(table, {UNEMPLOYMENT: 1.0}, filters, draws=5, lang=lang).set_index("code")
    assert reasons.loc["01", "excluded_reason"] == ftth_reason
    assert reasons.loc["02", "excluded_reason"] == travel_reason


def test_a_reason_shows_a_limit_with_decimals_exactly() -> None:
    table = toy([5.0, 10.0], [80.0, 100.0])
    filters = scoring.Filters(min_ftth_pct=85.55)
    reasons = scoring.score(table, {UNEMPLOYMENT: 1.0}, filters, draws=5).set_index("code")
    assert reasons.loc["01", "excluded_reason"] == "fibre 80,00 % < 85,55 %"


def test_presets_are_keyed_by_id_with_labels_in_both_languages() -> None:
    assert list(scoring.PRESETS) == ["balanced", "disability-inclusion", "underserved", "connectivity-first"]
    assert scoring.DEFAULT_PRESET == "balanced"
    assert scoring.preset_label("disability-inclusion", "fr") == "Inclusion handicap"
    assert scoring.preset_label("disability-inclusion", "en") == "Disability inclusion"
    assert (scoring.preset_label("custom", "fr"), scoring.preset_label("custom", "en")) == ("personnalisé", "custom")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Équilibré", "balanced"), ("Connectivité d'abord", "connectivity-first"), ("personnalisé", "custom"),
     ("Under-served territories", "underserved"), ("underserved", "underserved")],
)  # fmt: skip
def test_a_former_french_name_still_finds_its_preset(name: str, expected: str) -> None:
    assert scoring.preset_id(name) == expected


def test_slider_percentages_of_a_preset_match_it_within_the_tolerance() -> None:
    for preset in scoring.PRESETS.values():
        sliders = {component: float(round(100 * weight)) for component, weight in preset.weights.items()}
        assert scoring.matching_preset(sliders) == preset.id
    moved = {**{c: 100 * w for c, w in scoring.PRESETS["balanced"].weights.items()}, "ftth_share_pct": 25.0}
    assert scoring.matching_preset(moved) == scoring.CUSTOM
