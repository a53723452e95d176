"""The territory shortlist and its exports: what is counted as kept, and what says it is fictional."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from regions import applicants, export, indicators, scoring, shortlist, wording

MIN_FTTH = 60.0


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return indicators.territory_table()


def _cells(content: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_a_shortlisted_departement_the_constraints_exclude_is_flagged_and_not_counted(table: pd.DataFrame) -> None:
    filters = scoring.Filters(min_ftth_pct=MIN_FTTH)
    weights = scoring.preset_for(scoring.DEFAULT_PRESET)
    result = scoring.score(table, weights, filters, draws=20)
    low = table.loc[table["ftth_share_pct"] < MIN_FTTH, "code"].iloc[0]  # chosen before the fibre limit was set
    codes = [*shortlist.top_codes(result, 3), low]
    assert shortlist.kept_codes(result, codes) == codes[:3] and shortlist.excluded_codes(result, codes) == [low]

    short = shortlist.shortlist_table(table, result, codes).set_index("Code")
    assert (short.loc[codes[:3], "Statut"] == "retenu").all()
    assert short.loc[low, "Statut"].startswith("exclu par vos contraintes : fibre ")
    assert short.loc[low, "Statut"].endswith(" < 60,0 %")
    assert pd.isna(short.loc[low, "Rang"])
    assert "exclu par vos contraintes : fibre" in export.csv_file(short.reset_index()).decode("utf-8-sig")

    sheets = _cells(shortlist.workbook(table, result, codes, shortlist.Selection(weights, filters)))
    first = str(sheets["Shortlist"][0][0])
    assert "shortlist de 3 territoires retenus" in first  # not 4: the excluded one is not counted
    notes = [str(row[0]) for row in sheets["Shortlist"][:5]]
    assert any("Non comptés : 1 territoire(s)" in n and low in n for n in notes)
    header_at = next(i for i, row in enumerate(sheets["Shortlist"]) if row[0] == "Rang")
    status = sheets["Shortlist"][header_at].index("Statut")
    marks = [row[status] for row in sheets["Shortlist"][header_at + 1 :]]
    assert marks[:3] == ["retenu"] * 3 and str(marks[3]).startswith("exclu par vos contraintes : ")


def _demo_counts() -> pd.Series:
    result = applicants.import_file(applicants.DEMO_FILE.read_bytes(), applicants.DEMO_FILE.name)
    return applicants.applicant_counts(result.matched, "departement")


def test_figures_from_the_demo_pool_say_fictional_in_every_sheet_and_the_csv() -> None:
    table = indicators.territory_table("departement", applicants=_demo_counts())
    weights = {"applicants_per_10k": 0.5, "unemployment_rate_pct": 0.5}
    result = scoring.score(table, weights, draws=20)
    codes = shortlist.top_codes(result, 5)
    selection = shortlist.Selection(weights, scoring.Filters(), fictional_pool=True)

    short = shortlist.shortlist_table(table, result, codes, fictional_pool=True)
    fictional = [column for column in short.columns if "données fictives" in column]
    assert any(c.startswith("Score") for c in fictional) and any(
        c.startswith("Profondeur du vivier") for c in fictional
    )
    csv_header = export.csv_file(short).decode("utf-8-sig").splitlines()[0]
    assert csv_header.count("données fictives") == 2

    sheets = _cells(shortlist.workbook(table, result, codes, selection))
    for name, rows in sheets.items():
        text = " ".join(str(cell) for row in rows for cell in row if cell is not None)
        assert "données fictives" in text, name  # Shortlist, Indicateurs, Méthode et pondérations, Sources


def test_a_real_pool_is_not_called_fictional() -> None:
    table = indicators.territory_table("departement", applicants=_demo_counts())
    weights = {"applicants_per_10k": 1.0}
    result = scoring.score(table, weights, draws=20)
    content = shortlist.workbook(
        table, result, shortlist.top_codes(result, 3), shortlist.Selection(weights, scoring.Filters())
    )
    assert "fictives" not in " ".join(str(c) for rows in _cells(content).values() for row in rows for c in row)


def test_the_demo_file_is_recognised_by_its_bytes_only() -> None:
    data = applicants.DEMO_FILE.read_bytes()
    assert applicants.is_demo(data)
    assert not applicants.is_demo(data.replace(b"Limoges", b"Limoge"))
    labelled = applicants.label_fictional(pd.DataFrame({"id": ["A1"]}))
    assert labelled.columns[0] == applicants.FICTIONAL_COLUMN and labelled.iloc[0, 0].startswith("données fictives")


def test_decisions_of_a_scenario_sit_after_the_status_and_only_on_its_territories(table: pd.DataFrame) -> None:
    result = scoring.score(table, scoring.preset_for(scoring.DEFAULT_PRESET), scoring.Filters())
    codes = shortlist.top_codes(result, 3)
    frame = shortlist.shortlist_table(table, result, codes)
    decided = shortlist.with_decisions(frame, {codes[0]: ("selected", "visite en mars")})  # a status id
    columns = list(decided.columns)
    status, decision, note = (wording.header(key) for key in ("status", "decision", "decision_note"))
    at = columns.index(status)
    assert columns[at + 1 : at + 3] == [decision, note] == ["Décision (scénario)", "Note (scénario)"]
    assert len(decided) == len(frame) == 3
    by_code = decided.set_index("Code")
    assert tuple(by_code.loc[codes[0], [decision, note]]) == ("retenu", "visite en mars")  # the status in words
    assert set(by_code.loc[codes[1:], decision]) == {""}
    assert list(frame.columns) == [c for c in columns if c not in (decision, note)]
    english = shortlist.with_decisions(shortlist.shortlist_table(table, result, codes, lang="en"),
                                       {codes[0]: ("selected", "visite en mars")}, lang="en")  # fmt: skip
    assert english.set_index("Code").loc[codes[0], "Decision (scenario)"] == "selected"


def test_describe_filters_names_each_active_filter_or_none() -> None:
    assert shortlist.describe_filters(scoring.Filters()) == "aucun"
    both = shortlist.describe_filters(scoring.Filters(min_ftth_pct=80, regions=("75", "76")))
    assert "80 %" in both and "75, 76" in both and both.count(";") == 1
    anywhere = shortlist.describe_filters(scoring.Filters(max_hub_travel_min=float("inf")))
    assert "inf" not in anywhere


def test_indicators_table_keeps_the_order_of_the_codes_and_every_indicator(table: pd.DataFrame) -> None:
    codes = ["23", "2A", "75"]
    shown = shortlist.indicators_table(table, codes)
    assert list(shown["Code"]) == codes
    headers = {shortlist.column_header(i) for i in indicators.indicator_ids()}
    assert headers <= set(shown.columns)


def test_method_table_gives_weights_that_sum_to_100(table: pd.DataFrame) -> None:
    selection = shortlist.Selection(scoring.preset_for(scoring.DEFAULT_PRESET), scoring.Filters(), "preset")
    method = shortlist.method_table(selection, n_ranked=99, apart=["976"])
    weights = [float(v.split(" %")[0]) for k, v in method.itertuples(index=False) if k.startswith("Poids : ")]
    assert sum(weights) == pytest.approx(100, abs=len(weights))
    assert "976" in " ".join(str(value) for value in method.iloc[:, 1])
    assert method.set_index(method.columns[0]).loc["Territoires classés"].iloc[0] == 99  # a count, as a number
