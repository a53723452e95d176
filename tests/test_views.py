"""The tables and sentences the pages show (``homeshore.views``), built from real library results in both languages."""

from __future__ import annotations

import pandas as pd
import pytest

from homeshore import strings, views
from regions import formatting, indicators, scoring, settings, sources
from regions.formatting import Lang


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return indicators.territory_table()


@pytest.fixture(scope="module")
def weights() -> dict[str, float]:
    return scoring.preset_for(scoring.DEFAULT_PRESET)


@pytest.fixture(scope="module")
def result(table: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    return scoring.score(table, weights, scoring.Filters())


def test_colour_options_are_the_score_then_every_catalogued_indicator_with_a_figure() -> None:
    table = indicators.territory_table()
    options = views.colour_options(table)
    assert options[0] == views.SCORE
    assert options[1:] == [i for i in sources.load_catalogue() if table[i].notna().any()]
    assert "nearest_hub_travel_min" not in options  # 0/101 before any site of yours: it would colour nothing


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ranking_table_has_one_row_per_departement_with_headers_in_the_language(
    result: pd.DataFrame, lang: Lang
) -> None:
    shown = views.ranking_table(result, lang)
    assert len(shown) == len(result) == settings.N_DEPARTEMENTS
    assert list(shown.columns)[:2] == [strings.text("col_rank", lang), strings.text("col_interval", lang)]
    first = shown.iloc[0]
    assert first[strings.text("col_rank", lang)] == 1
    low, _, high = str(first[strings.text("col_interval", lang)]).partition("–")
    assert 1 <= int(low) <= int(high)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_top_sentences_name_the_five_best_with_their_strongest_criteria(
    table: pd.DataFrame, result: pd.DataFrame, weights: dict[str, float], lang: Lang
) -> None:
    sentences = views.top_sentences(table, result, weights, lang)
    best = result[result["rank"].notna()].head(5)
    assert len(sentences) == 5
    for sentence, row in zip(sentences, best.itertuples(), strict=True):
        assert sentence.startswith(f"**{int(row.rank)}. {row.name}** ({row.code})")
        assert ("médiane" if lang == "fr" else "median") in sentence


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_breakdown_applies_weights_summing_to_100_percent(
    table: pd.DataFrame, weights: dict[str, float], lang: Lang
) -> None:
    code = str(table["code"].iloc[0])
    shown = views.breakdown(table, weights, code, lang)
    assert len(shown) == len([w for w in weights.values() if w > 0])
    applied = [formatting.parse_number(text) for text in shown[strings.text("col_weight", lang)]]
    assert sum(applied) == pytest.approx(100, abs=len(applied))  # each rounded to a whole percent
    points = shown[strings.text("col_points", lang)].sum()
    score = float(scoring.score(table, weights, scoring.Filters()).set_index("code").at[code, "score"])
    assert points == pytest.approx(score, abs=0.05 * len(shown) + 0.1)


def test_legend_source_names_the_components_or_the_producer(weights: dict[str, float]) -> None:
    score_line = views.legend_source(views.SCORE, weights, "en")
    assert all(sources.label(c, "en") in score_line for c in weights)
    line = views.legend_source("ftth_share_pct", weights, "fr")
    assert line.startswith("Source : ") and indicators.period_of("ftth_share_pct") in line


@pytest.mark.parametrize("column", [views.SCORE, "ftth_share_pct"])
def test_map_frame_has_every_departement_and_a_tooltip_alias_per_field(
    table: pd.DataFrame, result: pd.DataFrame, column: str
) -> None:
    frame, fields, aliases = views.map_frame(table, result, column, "fr")
    assert len(frame) == settings.N_DEPARTEMENTS
    assert len(fields) == len(aliases) and set(fields) <= set(frame.columns)
    assert frame["excluded"].dtype == bool
    assert ("t_value" in fields) == (column != views.SCORE)
