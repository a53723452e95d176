"""``docs/method.md`` stays true to the code: presets, settings, components, filters and quoted figures.

Every number the doc takes from the code is rebuilt here from ``regions`` and looked for in the doc, formatted
the French way the doc writes it (``1 000``, ``1,3``, ``85,7``), so that changing a setting, a preset or the
method without updating the doc makes a test fail.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regions import indicators, scoring, settings, sites, sources

DOC = Path(__file__).resolve().parent.parent / "docs" / "method.md"

ORIENTATION_FR = {"higher": "plus haut = mieux", "lower": "plus bas = mieux"}


def fr(value: float, decimals: int | None = None) -> str:
    """A number as the doc writes it: thousands separated by a space, decimal comma (``1 000``, ``1,3``).

    Without ``decimals``, whole numbers get none and other numbers keep the decimals of their shortest repr.
    """
    if decimals is None:
        decimals = 0 if float(value).is_integer() else len(repr(float(value)).split(".")[1])
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def table_rows(doc: str, header_start: str) -> list[list[str]]:
    """Cells of the body rows of the first Markdown table whose header line starts with ``header_start``."""
    lines = doc.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return indicators.territory_table()


def test_fr_formatter() -> None:
    assert [fr(1000), fr(30.0), fr(1.3), fr(85.714, 1), fr(20261129)] == ["1 000", "30", "1,3", "85,7", "20 261 129"]


def test_handbook_is_cited(doc: str) -> None:
    assert "Handbook on Constructing Composite Indicators: Methodology and User Guide" in doc
    assert "OCDE/JRC, 2008" in doc


def test_every_preset_is_named(doc: str) -> None:
    for preset in scoring.PRESETS.values():
        assert preset.label_fr in doc, preset.id
    assert f"« {scoring.PRESETS[scoring.DEFAULT_PRESET].label_fr} » est le préréglage par défaut" in doc


def test_preset_table_matches_the_weights(doc: str) -> None:
    header = "| Composante | " + " | ".join(preset.label_fr for preset in scoring.PRESETS.values()) + " |"
    assert header in doc
    rows = {cells[0].strip("`"): cells[1:] for cells in table_rows(doc, header)}
    weighted = {c for name in scoring.PRESETS for c in scoring.preset_weights(name)}
    assert set(rows) == weighted
    for column, name in enumerate(scoring.PRESETS):
        weights = scoring.preset_weights(name)
        for component, cells in rows.items():
            expected = f"{fr(100 * weights[component], 0)} %" if component in weights else "—"
            assert cells[column] == expected, (name, component)


def test_every_component_is_named_in_backticks(doc: str) -> None:
    for component in scoring.components():
        assert f"`{component}`" in doc, component


def test_component_table_matches_catalogue_and_coverage(doc: str, table: pd.DataFrame) -> None:
    catalogue = sources.load_catalogue()
    coverage = indicators.coverage(table)
    rows = table_rows(doc, "| Composante | Libellé | Sens | Période | Couverture |")
    assert [cells[0].strip("`") for cells in rows] == scoring.components()
    for code, label, orientation, period, cover in rows:
        indicator = catalogue[code.strip("`")]
        assert label == f"{indicator.label_fr} ({indicator.unit})"
        assert orientation == ORIENTATION_FR[indicator.orientation]
        assert period == indicator.period
        assert cover == f"{coverage.at[indicator.id, 'filled']}/{coverage.at[indicator.id, 'total']}"


def test_partial_coverage_quoted_in_the_text(doc: str, table: pd.DataFrame) -> None:
    coverage = indicators.coverage(table)
    total = len(table)
    aah, families = (int(coverage.at[c, "filled"]) for c in ("aah_per_1000_20_64", "single_mothers_share_pct"))
    inactive = int(coverage.at["other_inactive_15_64_pct", "filled"])
    assert f"L'AAH n'est renseignée que pour {aah} départements sur {total} en 2021" in doc
    assert f"les familles pour {families} sur {total}" in doc
    assert f"l'AAH 2021 ({aah}/{total}) et les familles ({families}/{total})" in doc
    assert f"familles {families}/{total}, autres inactifs {inactive}/{total}" in doc
    assert int(coverage.at["aah_per_1000_15_64_2019", "filled"]) == total  # "couvre les 101 départements"


def test_settings_quoted_as_in_the_code(doc: str) -> None:
    expected = [
        f"**{fr(settings.ROBUSTNESS_DRAWS)} tirages**",
        f"ces {fr(settings.ROBUSTNESS_DRAWS)} rangs",
        f"**concentration de {fr(settings.ROBUSTNESS_CONCENTRATION)}**",
        f"**graine {settings.ROBUSTNESS_SEED}**",
        f"facteur de détour de {fr(settings.ROAD_DETOUR_FACTOR)}",
        f"vitesse moyenne de {fr(settings.AVERAGE_ROAD_SPEED_KMH)} km/h",
        f"× {fr(settings.ROAD_DETOUR_FACTOR)} à {fr(settings.AVERAGE_ROAD_SPEED_KMH)} km/h",
        f"au plus {fr(settings.NEARBY_SITE_MINUTES)} minutes",
        f"moins de {fr(settings.RURAL_DENSITY_THRESHOLD)} habitants par km²",
        f"**Sous {fr(settings.MIN_RANKED_WEIGHT_PCT)} % de poids renseigné, il est classé à part**",
        f"renseigné pour moins de {fr(settings.PRESET_MIN_COVERAGE_PCT)} % des départements**",
    ]
    for text in expected:
        assert text in doc, text


def test_nearby_distance_in_plain_words(doc: str) -> None:
    km = settings.NEARBY_SITE_MINUTES / 60 * settings.AVERAGE_ROAD_SPEED_KMH / settings.ROAD_DETOUR_FACTOR
    hours = settings.NEARBY_SITE_MINUTES / 60
    assert hours == 1, "the doc says « une heure » for NEARBY_SITE_MINUTES"
    assert f"Une heure correspond donc à environ {fr(round(km))} km à vol d'oiseau" in doc


def test_road_networks_are_listed(doc: str) -> None:
    for code in settings.ROAD_NETWORKS:
        assert f"`{code}`" in doc, code
    networks = pd.Series(settings.ROAD_NETWORKS)
    assert set(networks[networks.duplicated(keep=False)].index) == {"2A", "2B"}, "the doc: only Corsica shares one"


def test_dirichlet_order_of_magnitude(doc: str) -> None:
    alpha = settings.ROBUSTNESS_CONCENTRATION
    draws = np.random.default_rng(0).beta(0.2 * alpha, 0.8 * alpha, size=200_000)
    low, high = np.percentile(draws, [5, 95])
    assert f"un poids de 20 % varie le plus souvent (9 tirages sur 10) entre environ\n  {fr(round(100 * low))} %" in doc
    assert f"et {fr(round(100 * high))} %" in doc


def test_worked_example_matches_the_code(doc: str) -> None:
    toy = pd.DataFrame(
        {
            "code": ["A", "B", "C"],
            "name": ["A", "B", "C"],
            "reg_code": ["11", "11", "11"],
            "unemployment_rate_pct": [9.0, 7.0, 11.0],
            "ftth_share_pct": [80.0, 95.0, np.nan],
            "sites_within_60min": [0.0, 3.0, 1.0],
            "nearest_site_travel_min": [50.0, 20.0, 40.0],
        }
    )
    weights = {"unemployment_rate_pct": 0.5, "ftth_share_pct": 0.3, "sites_within_60min": 0.2}
    result = scoring.score(toy, weights, draws=10).set_index("code")
    for code in "ABC":
        assert f"score {fr(result.at[code, 'score'], 1)}" in doc, code
    assert f"« poids renseigné : {fr(result.at['C', 'weight_available_pct'], 0)} % »" in doc
    # "Classement : A 1er, B 2e ; C … est classé à part, après eux" (70 % of the weights < MIN_RANKED_WEIGHT_PCT)
    assert list(result.index) == ["A", "B", "C"] and result["rank"].tolist()[:2] == [1, 2]
    assert result.at["C", "partial"] and np.isnan(result.at["C", "rank"])
    note = result.at["C", "partial_note"]
    assert note == "classé à part : score sur 70 % des poids (moins de 75 %)"
    assert f"« {note} »" in " ".join(doc.split())  # quoted in part 3, across a line break
    filtered = scoring.score(toy, weights, scoring.Filters(min_ftth_pct=75), draws=10).set_index("code")
    reason = filtered.at["C", "excluded_reason"]
    assert reason == "fibre non renseignée < 75,0 %"
    assert "« fibre non renseignée\n< 75,0 % »" in doc
    assert filtered.at["A", "rank"] == 1 and filtered.at["B", "rank"] == 2
    assert (filtered["score"] == result["score"].reindex(filtered.index)).all()  # "Les scores ne changent pas"


def test_filter_reasons_are_those_of_the_code(doc: str) -> None:
    toy = pd.DataFrame(
        {
            "reg_code": ["11", "11", "24"],
            "ftth_share_pct": [62.0, 90.0, 90.0],
            "nearest_site_travel_min": [95.0, np.nan, 30.0],
        }
    )
    filters = scoring.Filters(min_ftth_pct=75, max_travel_min=90, regions=("11",))
    reasons = [r for text in scoring.apply_filters(toy, filters) for r in text.split("; ")]
    assert len(reasons) == 4
    for reason in reasons:
        assert f"« {reason} »" in doc, reason


def test_figures_quoted_from_the_data(doc: str, table: pd.DataFrame) -> None:
    nearby = "sites_within_60min"
    none_nearby = table[nearby] == 0
    note = scoring.normalise(table, [nearby])[nearby][none_nearby].iloc[0]
    assert (
        f"{none_nearby.sum()} départements n'ont aucun site à moins d'une heure et reçoivent tous la note "
        f"{fr(note, 0 if note.is_integer() else 1)}, pas\n100" in doc
    )
    correlations = table[scoring.components()].corr(method="spearman")
    labour = correlations.at["unemployment_rate_pct", "jobseekers_per_1000"]
    assert f"d'environ {fr(round(labour, 1))}." in doc
    rural = correlations.at["density_per_km2", "rural_population_share_pct"]
    assert f"(corrélation de rang d'environ −{fr(round(-rural, 2))})" in doc
    assert table["density_per_km2"].max() > 20_000
    assert f"la médiane des départements est d'environ {fr(round(table['density_per_km2'].median()))}" in doc
    unemployment = table["unemployment_rate_pct"]
    assert round(unemployment.max()) == 17
    assert f"médiane ({fr(unemployment.median())} %)" in doc
    all_sites = sites.load_sites(include_unmatched=True)
    assert f"{len(all_sites)} sites cités, {int(all_sites['matched'].sum())} placés" in doc
    on_islands = all_sites["dep_code"].isin(list(settings.ROAD_NETWORKS))
    assert not on_islands.any(), "the doc says no site is in Corsica or overseas"


def test_every_source_url_is_listed(doc: str) -> None:
    for source in sources.load_sources().values():
        assert source.url in doc, source.id
