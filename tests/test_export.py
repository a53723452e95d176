"""CSV and XLSX exports: formula injection neutralised, codes kept as text, missing values empty, sheets in order."""

from __future__ import annotations

import csv
import io
import math
import re
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regions import export

DANGEROUS = ["=1+1", "+33 6 12", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd"]


def read_csv_rows(data: bytes, sep: str = ",") -> list[list[str]]:
    """Parse exported CSV bytes back with the csv module, as Excel users' tools would."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=sep))


def read_xlsx(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def all_cells(workbook: Any) -> list[Any]:
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def one_sheet(frame: pd.DataFrame, **notes: list[str]) -> Any:
    return read_xlsx(export.to_xlsx_bytes({"Feuille": frame}, notes=notes or None))["Feuille"]


def xlsx_text(text: str) -> str:
    """What an XLSX string cell holding ``text`` reads back as (XML has no control characters; CR becomes LF)."""
    text = export._ILLEGAL_XML.sub("\ufffd", text)
    return str(export.neutralise_cell(text)).replace("\r\n", "\n").replace("\r", "\n")


# neutralise_cell / neutralise_frame


@pytest.mark.parametrize("prefix", export.DANGEROUS_PREFIXES)
def test_neutralise_cell_quotes_each_dangerous_prefix(prefix: str) -> None:
    assert export.neutralise_cell(prefix + "x") == "'" + prefix + "x"


@pytest.mark.parametrize("value", ["Ain", "01", "2A", " =x", "'=x", "", "<b>x</b>", -3.5, 0, None, math.nan])
def test_neutralise_cell_leaves_other_values(value: object) -> None:
    assert export.neutralise_cell(value) is value


def test_neutralise_cell_is_idempotent() -> None:
    once = export.neutralise_cell("=1+1")
    assert export.neutralise_cell(once) == once == "'=1+1"


def test_neutralise_frame_is_a_copy_with_text_and_names_neutralised() -> None:
    frame = pd.DataFrame({"=nom": ["=A1", "Ain"], "score": [-1.5, 2.0], "code": pd.Series(["-1", "01"], dtype="str")})
    result = export.neutralise_frame(frame)
    assert list(result.columns) == ["'=nom", "score", "code"]
    assert result["'=nom"].tolist() == ["'=A1", "Ain"]
    assert result["code"].tolist() == ["'-1", "01"]
    assert result["score"].tolist() == [-1.5, 2.0]
    assert frame.iloc[0, 0] == "=A1" and list(frame.columns) == ["=nom", "score", "code"]


# CSV


@pytest.mark.parametrize("prefix", export.DANGEROUS_PREFIXES)
def test_csv_neutralises_each_prefix(prefix: str) -> None:
    rows = read_csv_rows(export.csv_file(pd.DataFrame({prefix + "col": [prefix + "cmd"]}), lang="en"))
    assert rows == [["'" + prefix + "col"], ["'" + prefix + "cmd"]]


@pytest.mark.parametrize("value", DANGEROUS)
def test_csv_neutralises_payloads(value: str) -> None:
    rows = read_csv_rows(export.csv_file(pd.DataFrame({"nom": [value]}), lang="en"))
    assert rows[1] == ["'" + value]


def test_csv_has_bom_and_crlf_line_ends() -> None:
    data = export.csv_file(pd.DataFrame({"nom": ["Côte-d'Or"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data == "\ufeffnom\r\nCôte-d'Or\r\n".encode()


def test_csv_for_french_excel_uses_semicolon_and_decimal_comma() -> None:
    frame = pd.DataFrame({"département": ["Ain"], "score": [12.5]})
    assert export.csv_file(frame).decode("utf-8-sig") == "département;score\r\nAin;12,5\r\n"
    assert export.csv_file(frame, lang="en").decode("utf-8-sig") == "département,score\r\nAin,12.5\r\n"
    assert export.csv_file(frame, lang="en", french_excel=True) == export.csv_file(frame)
    assert read_csv_rows(export.csv_file(frame), sep=";") == [
        ["département", "score"],
        ["Ain", "12,5"],
    ]


def test_csv_keeps_codes_as_text() -> None:
    frame = pd.DataFrame({"code": ["01", "2A", "976"], "code_str": pd.Series(["01", "2A", "976"], dtype="str")})
    rows = read_csv_rows(export.csv_file(frame, lang="en"))
    assert rows[1:] == [["01", "01"], ["2A", "2A"], ["976", "976"]]


def test_csv_writes_missing_values_as_empty_cells() -> None:
    frame = pd.DataFrame(
        {
            "taux": [math.nan, 1.5],
            "texte": [None, "x"],
            "entier": pd.array([pd.NA, 3], dtype="Int64"),
            "str": pd.Series([None, "y"], dtype="str"),
        }
    )
    rows = read_csv_rows(export.csv_file(frame), sep=";")
    assert rows[1:] == [["", "", "", ""], ["1,5", "x", "3", "y"]]
    assert b"nan" not in export.csv_file(frame, lang="en").lower()


def test_csv_keeps_html_as_literal_text() -> None:
    rows = read_csv_rows(export.csv_file(pd.DataFrame({"<i>nom</i>": ["<b>x</b>", "a & b"]})))
    assert rows == [["<i>nom</i>"], ["<b>x</b>"], ["a & b"]]


@pytest.mark.parametrize(("sep", "decimal"), [("|", "."), ("", "."), (", ", "."), (",", ";"), (";", ";")])
def test_csv_rejects_bad_separators(sep: str, decimal: str) -> None:
    with pytest.raises(ValueError, match=r"`(sep|decimal)`"):
        export.to_csv_text(pd.DataFrame({"a": [1]}), sep=sep, decimal=decimal)


def test_csv_bad_sep_message_names_the_allowed_set() -> None:
    with pytest.raises(ValueError, match=r"`sep` was '\|' but is expected to be one of ',', ';', '\\t'"):
        export.to_csv_text(pd.DataFrame({"a": [1]}), sep="|")


def test_csv_tab_separator() -> None:
    text = export.to_csv_text(pd.DataFrame({"a": ["x"], "b": [1]}), sep="\t")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    assert rows == [["a", "b"], ["x", "1"]]


# XLSX


def test_openpyxl_alone_would_write_a_formula() -> None:
    """Why neutralising is needed: openpyxl stores a string starting with '=' as a formula."""
    sheet = openpyxl.Workbook().active
    assert sheet.cell(row=1, column=1, value="=1+1").data_type == "f"
    assert sheet.cell(row=2, column=1, value="'=1+1").data_type == "s"


@pytest.mark.parametrize("prefix", export.DANGEROUS_PREFIXES)
def test_xlsx_neutralises_each_prefix(prefix: str) -> None:
    sheet = one_sheet(pd.DataFrame({prefix + "col": [prefix + "cmd"]}))
    for cell in (sheet["A1"], sheet["A2"]):
        assert cell.value.startswith("'" + prefix.replace("\r", "\n"))
        assert cell.data_type == "s"
    assert all(cell.data_type != "f" for cell in all_cells(sheet.parent))


@pytest.mark.parametrize("value", [*DANGEROUS, "=", "#N/A", "#DIV/0!"])
def test_xlsx_never_writes_formulas_or_errors(value: str) -> None:
    sheet = one_sheet(pd.DataFrame({"nom": [value]}), Feuille=[value])
    assert [cell.data_type for cell in all_cells(sheet.parent)] == ["s", "s", "s"]
    assert sheet["A3"].value == str(export.neutralise_cell(value)).replace("\r", "\n")


def test_xlsx_keeps_codes_as_text_and_numbers_as_numbers() -> None:
    frame = pd.DataFrame(
        {
            "code": ["01", "2A", "976"],
            "code_str": pd.Series(["01", "2A", "976"], dtype="str"),
            "score": [12.5, -3.25, 0.0],
            "rang": np.array([1, 2, 3], dtype=np.int64),
        }
    )
    sheet = one_sheet(frame)
    rows = list(sheet.iter_rows(min_row=2))
    assert [(row[0].value, row[1].value) for row in rows] == [("01", "01"), ("2A", "2A"), ("976", "976")]
    assert all(row[0].data_type == row[1].data_type == "s" for row in rows)
    assert all(row[0].number_format == row[1].number_format == "@" for row in rows)
    assert [row[2].value for row in rows] == [12.5, -3.25, 0.0]
    assert [row[3].value for row in rows] == [1, 2, 3]
    assert all(row[2].data_type == row[3].data_type == "n" for row in rows)
    assert all(row[2].number_format == "General" for row in rows)


def test_xlsx_writes_missing_values_as_empty_cells() -> None:
    frame = pd.DataFrame(
        {
            "taux": [math.nan, 1.5, math.inf],
            "texte": [None, "x", pd.NA],
            "entier": pd.array([pd.NA, 3, 4], dtype="Int64"),
            "date": pd.to_datetime([None, "2026-01-31", "2025-09-30"]),
        }
    )
    sheet = one_sheet(frame)
    assert [cell.value for cell in sheet[2]] == [None, None, None, None]
    assert [cell.value for cell in sheet[3]][:3] == [1.5, "x", 3]
    assert sheet["A4"].value is None  # infinity cannot be stored in Excel


def test_xlsx_keeps_html_as_literal_text() -> None:
    sheet = one_sheet(pd.DataFrame({"<i>nom</i>": ["<b>x</b>", "a & b"]}))
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == ["<i>nom</i>", "<b>x</b>", "a & b"]


def test_xlsx_header_is_bold_and_frozen_and_widths_fit() -> None:
    long_text = "x" * 500
    sheet = one_sheet(pd.DataFrame({"Département": ["Ain"], "n": [1], "note": [long_text]}))
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len("Département")
    assert export.WIDTH_MIN <= sheet.column_dimensions["B"].width < sheet.column_dimensions["A"].width
    assert sheet.column_dimensions["C"].width == export.WIDTH_MAX
    assert sheet["C2"].value == long_text


def test_xlsx_notes_are_above_the_header() -> None:
    notes = ["Généré le 2026-02-01", "Préréglage : équilibré", "- filtre : fibre ≥ 80 %"]
    sheet = one_sheet(pd.DataFrame({"code": ["01"], "score": [0.5]}), Feuille=notes)
    assert [sheet.cell(row=row, column=1).value for row in (1, 2, 3)] == [*notes[:2], "'- filtre : fibre ≥ 80 %"]
    assert [cell.value for cell in sheet[4]] == ["code", "score"]
    assert all(cell.font.bold for cell in sheet[4])
    assert [cell.value for cell in sheet[5]] == ["01", 0.5]
    assert sheet.freeze_panes == "A5"


def test_xlsx_sheets_are_written_in_order() -> None:
    names = ["Zeta", "Alpha", "Mu"]
    data = export.to_xlsx_bytes({name: pd.DataFrame({"a": [i]}) for i, name in enumerate(names)})
    workbook = read_xlsx(data)
    assert workbook.sheetnames == names
    assert [workbook[name]["A2"].value for name in names] == [0, 1, 2]


def test_xlsx_empty_frame_writes_header_only() -> None:
    sheet = one_sheet(pd.DataFrame({"code": pd.Series([], dtype=object), "score": pd.Series([], dtype=float)}))
    assert [cell.value for cell in sheet[1]] == ["code", "score"]
    assert sheet.max_row == 1


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["x" * 32], "32 characters, at most 31"),
        (["a[b"], "contains '['"),
        (["a]b"], "contains ']'"),
        (["a:b"], "contains ':'"),
        (["a*b"], "contains '*'"),
        (["a?b"], "contains '?'"),
        (["a/b"], "contains '/'"),
        (["a\\b"], "contains '\\\\'"),
        (["Sources", "sources"], "'sources' repeats 'Sources'"),
        ([""], "empty"),
        (["'quoted'"], "apostrophe"),
        ([], "no sheet given"),
    ],
)
def test_xlsx_rejects_bad_sheet_names(names: list[str], expected: str) -> None:
    with pytest.raises(ValueError, match=re.escape(expected)):
        export.to_xlsx_bytes(dict.fromkeys(names, pd.DataFrame({"a": [1]})))


def test_xlsx_reports_every_bad_sheet_name_at_once() -> None:
    sheets = {"a/b": pd.DataFrame(), "x" * 40: pd.DataFrame(), "Ok": pd.DataFrame(), "OK": pd.DataFrame()}
    with pytest.raises(ValueError, match="bad sheets") as error:
        export.to_xlsx_bytes(sheets)
    message = str(error.value)
    assert "'a/b'" in message and "40 characters" in message and "'OK' repeats 'Ok'" in message


def test_xlsx_accepts_a_31_character_name() -> None:
    assert read_xlsx(export.to_xlsx_bytes({"x" * 31: pd.DataFrame({"a": [1]})})).sheetnames == ["x" * 31]


def test_xlsx_rejects_notes_without_their_sheet_or_as_one_string() -> None:
    with pytest.raises(ValueError, match="'Autre', which is not a sheet"):
        export.to_xlsx_bytes({"Feuille": pd.DataFrame()}, notes={"Autre": ["x"]})
    with pytest.raises(ValueError, match="one string"):
        export.to_xlsx_bytes({"Feuille": pd.DataFrame()}, notes={"Feuille": "une ligne"})


# Shortlist


def test_shortlist_workbook_has_the_four_sheets_in_order_and_about_notes() -> None:
    shortlist = pd.DataFrame({"code": ["01", "2A"], "nom": ["Ain", '=HYPERLINK("x")'], "score": [0.9, math.nan]})
    indicators = pd.DataFrame({"id": ["ftth_share_pct"], "valeur": [87.5]})
    method = pd.DataFrame({"indicateur": ["fibre"], "poids": [0.3]})
    sources = pd.DataFrame({"producteur": ["Arcep"], "url": ["https://data.arcep.fr"]})
    about = ["Généré le 2026-02-01", "Scores relatifs : rang parmi les départements retenus"]
    workbook = read_xlsx(export.shortlist_workbook(shortlist, indicators, method, sources, notes=about))
    assert workbook.sheetnames == ["Shortlist", "Indicateurs", "Méthode et pondérations", "Sources"]
    assert list(export.SHORTLIST_SHEETS["fr"]) == workbook.sheetnames
    sheet = workbook["Shortlist"]
    assert [sheet["A1"].value, sheet["A2"].value] == about
    assert [cell.value for cell in sheet[3]] == ["code", "nom", "score"]
    assert [cell.value for cell in sheet[5]] == ["2A", '\'=HYPERLINK("x")', None]
    assert workbook["Indicateurs"]["B2"].value == 87.5
    assert workbook["Sources"].freeze_panes == "A2"
    assert all(cell.data_type != "f" for cell in all_cells(workbook))


def test_shortlist_workbook_without_about_starts_with_the_header() -> None:
    frames = [pd.DataFrame({"a": [1]})] * 4
    sheet = read_xlsx(export.shortlist_workbook(*frames))["Shortlist"]
    assert sheet["A1"].value == "a" and sheet.freeze_panes == "A2"


# Properties

dangerous_text = st.one_of(
    st.text(),
    st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(export.DANGEROUS_PREFIXES), st.text()),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(dangerous_text, min_size=1, max_size=8), header=dangerous_text)
def test_property_no_text_becomes_a_formula_in_xlsx(texts: list[str], header: str) -> None:
    frame = pd.DataFrame({"texte": texts, "n": range(len(texts))})
    frame.columns = pd.Index([header, "n"])
    sheet = one_sheet(frame, Feuille=texts[:2])
    cells = all_cells(sheet.parent)
    assert all(cell.data_type != "f" for cell in cells)
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    assert all(not cell.value.startswith(export.DANGEROUS_PREFIXES) for cell in cells if isinstance(cell.value, str))
    notes = len(texts[:2])
    assert (sheet.cell(row=notes + 1, column=1).value or "") == xlsx_text(header)
    column = [sheet.cell(row=row, column=1).value for row in range(notes + 2, notes + 2 + len(texts))]
    assert [value or "" for value in column] == [xlsx_text(text) for text in texts]


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(dangerous_text, min_size=1, max_size=8), french_excel=st.booleans())
def test_property_csv_round_trips_every_row(texts: list[str], french_excel: bool) -> None:
    frame = pd.DataFrame({"texte": texts, "score": [i + 0.5 for i in range(len(texts))]})
    sep, decimal = (";", ",") if french_excel else (",", ".")
    rows = read_csv_rows(export.csv_file(frame, lang="fr" if french_excel else "en"), sep=sep)
    assert rows[0] == ["texte", "score"]
    assert len(rows) == len(texts) + 1
    assert [row[0] for row in rows[1:]] == [export.neutralise_cell(text) for text in texts]
    assert [row[1] for row in rows[1:]] == [f"{i}{decimal}5" for i in range(len(texts))]
    for text, row in zip(texts, rows[1:], strict=True):
        assert row[0] == (("'" + text) if text.startswith(export.DANGEROUS_PREFIXES) else text)


# Metadata: a commented block in CSV, a companion sheet in XLSX

ABOUT = [("Scénario", "Nord; test — version 3"), ("Date", "2026-02-01"), ("Langue", "français")]


def test_csv_metadata_is_a_commented_block_above_the_header() -> None:
    frame = pd.DataFrame({"Code": ["01"], "Score": [12.5]})
    text = export.csv_file(frame, about=ABOUT).decode("utf-8-sig")
    assert text.splitlines() == [
        '"# Scénario : Nord; test — version 3"',  # quoted: it holds the separator, and stays one cell
        "# Date : 2026-02-01",
        "# Langue : français",
        "Code;Score",
        "01;12,5",
    ]
    rows = read_csv_rows(export.csv_file(frame, about=ABOUT), sep=";")
    assert [row for row in rows if not row[0].startswith("#")] == [["Code", "Score"], ["01", "12,5"]]
    english = export.csv_file(frame, lang="en", about=[("Date", "2026-02-01"), ("", "note\r\nsplit")])
    assert english.decode("utf-8-sig").splitlines()[:2] == ["# Date: 2026-02-01", "# note split"]


def test_xlsx_metadata_is_a_companion_sheet_in_the_language() -> None:
    frame = pd.DataFrame({"Code": ["01"]})
    french = read_xlsx(export.to_xlsx_bytes({"Feuille": frame}, about=[("Date", "=2026")]))
    assert french.sheetnames == ["Feuille", "À propos"]
    assert list(french["À propos"].iter_rows(values_only=True)) == [("Rubrique", "Valeur"), ("Date", "'=2026")]
    english = read_xlsx(export.to_xlsx_bytes({"Sheet": frame}, about=[("Date", "2026")], lang="en"))
    assert english.sheetnames == ["Sheet", "About"]
    assert english["About"]["A1"].value == "Item" and english["About"]["B2"].value == "2026"
