"""Reading users' CSV and XLSX files: encodings, delimiters, quoting, workbooks, limits and every refusal."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import random
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
import spreadsheet_bombs
from hypothesis import given, settings
from hypothesis import strategies as st

from regions import tabular
from regions.tabular import ReadResult, TabularError, csvfile, match_columns, read_table


def _all_text(result: ReadResult) -> bool:
    return all(isinstance(value, str) for column in result.frame for value in result.frame[column])


def _xlsx(sheets: dict[str, list[list[object]]], formats: dict[str, str] | None = None) -> bytes:
    """A workbook with one sheet per item; ``formats`` gives number formats of cells of the first sheet."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    first = workbook.worksheets[0]
    for cell, number_format in (formats or {}).items():
        first[cell].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- CSV: encodings and delimiters ------------------------------------------------------------------------------

CP1252_TEXT = "nom;département;commune\nSite A;Côte-d'Or;Dijon\nSite B;Indre;Châteauroux\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CP1252_TEXT.encode("utf-8"), "utf-8"),
        (CP1252_TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (CP1252_TEXT.encode("cp1252"), "cp1252"),
        (CP1252_TEXT.encode("utf-16"), "utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "cp1252", "utf-16-bom"],
)
def test_encodings_are_detected_and_accents_survive(data: bytes, encoding: str) -> None:
    result = read_table(data, "sites.csv")
    assert result.detected == {"format": "csv", "encoding": encoding, "delimiter": ";", "header_line": "1"}
    assert list(result.frame.columns) == ["nom", "département", "commune"]  # no BOM glued to the first header
    assert result.frame["département"].tolist() == ["Côte-d'Or", "Indre"]
    assert result.frame["commune"].tolist() == ["Dijon", "Châteauroux"]
    assert result.rows_read == 2 and result.line_numbers == (2, 3)


@pytest.mark.parametrize("delimiter", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
def test_delimiters_are_detected(delimiter: str) -> None:
    text = "\n".join(delimiter.join(row) for row in [["nom", "cp", "ville"], ["A", "01001", "Bourg"], ["B", "2", "X"]])
    result = read_table(text.encode(), "f.txt")
    assert result.detected["delimiter"] == delimiter
    assert result.frame.to_dict("list") == {"nom": ["A", "B"], "cp": ["01001", "2"], "ville": ["Bourg", "X"]}


def test_decimal_commas_do_not_fool_the_delimiter_detection() -> None:
    result = read_table(b"nom;lat;lon\nA;45,5;4,8\nB;46,25;5,1\n", "f.csv")
    assert result.detected["delimiter"] == ";"
    assert result.frame["lat"].tolist() == ["45,5", "46,25"]


def test_quoted_fields_keep_delimiters_quotes_and_line_breaks() -> None:
    data = b'nom,adresse,cp\n"Dupont, Martin","12 rue ""Haute""\nB\xc3\xa2timent 2",01001\nB,"x;y",75001\n'
    result = read_table(data, "f.csv")
    assert result.detected["delimiter"] == ","
    assert result.frame.to_dict("list") == {
        "nom": ["Dupont, Martin", "B"],
        "adresse": ['12 rue "Haute"\nBâtiment 2', "x;y"],
        "cp": ["01001", "75001"],
    }
    assert result.line_numbers == (2, 4)  # the first record spans lines 2-3


def test_cells_are_text_stripped_and_never_interpreted() -> None:
    data = b"code; montant ;date;formule\n 01001 ;1e3;2024-01-02;=1+1\n0;NA;;@SUM(A1)\n"
    result = read_table(data, "f.csv")
    assert list(result.frame.columns) == ["code", "montant", "date", "formule"]
    assert result.frame.to_dict("list") == {
        "code": ["01001", "0"],
        "montant": ["1e3", "NA"],  # not a number, not missing
        "date": ["2024-01-02", ""],
        "formule": ["=1+1", "@SUM(A1)"],  # kept as text; neutralising is the exporter's job
    }
    assert _all_text(result)


def test_blank_lines_inside_are_kept_and_trailing_ones_dropped() -> None:
    data = b"\n\nnom;cp\nA;01001\n\n;\nB;75001\n\n;\n\n"
    result = read_table(data, "f.csv")
    assert result.detected["header_line"] == "3"
    assert result.frame.to_dict("list") == {"nom": ["A", "", "", "B"], "cp": ["01001", "", "", "75001"]}
    assert result.line_numbers == (4, 5, 6, 7)


def test_trailing_delimiters_and_blank_headers() -> None:
    result = read_table(b"a;;c;\n1;2;3;\n4;5;6\n", "f.csv")
    assert list(result.frame.columns) == ["a", "colonne 2", "c"]
    assert result.frame["c"].tolist() == ["3", "6"]


def test_single_column_file() -> None:
    result = read_table("commune\nParis\nSaint-Denis, La Réunion\n".encode(), "f.csv")
    assert result.frame["commune"].tolist() == ["Paris", "Saint-Denis, La Réunion"]


# --- XLSX -------------------------------------------------------------------------------------------------------


def test_xlsx_values_become_text_without_float_codes() -> None:
    data = _xlsx(
        {
            "Feuil1": [
                ["code", "cp", "insee", "lat", "date", "fibre", "vide", "formatted"],
                [1001, 75001.0, "01001", 45.25, dt.date(2024, 3, 1), True, None, 1001],
                [2, 2.5, "2A004", -0.5, dt.datetime(2024, 3, 1, 10, 30), False, None, 75001],
                [None, None, None, None, None, None, None, None],
            ]
        },
        formats={"H2": "00000", "H3": "00000"},
    )
    result = read_table(data, "export.xlsx")
    assert result.detected == {"format": "xlsx", "sheet": "Feuil1"}
    assert result.frame.to_dict("list") == {
        "code": ["1001", "2"],
        "cp": ["75001", "2.5"],
        "insee": ["01001", "2A004"],
        "lat": ["45.25", "-0.5"],
        "date": ["2024-03-01", "2024-03-01T10:30:00"],
        "fibre": ["VRAI", "FAUX"],
        "vide": ["", ""],
        "formatted": ["01001", "75001"],  # an Excel "00000" format keeps the leading zero
    }
    assert result.rows_read == 2 and result.line_numbers == (2, 3) and _all_text(result)


def test_xlsx_formulas_are_not_computed() -> None:
    result = read_table(_xlsx({"S": [["a", "b"], [1, "=A2*1000"]]}), "f.xlsx")
    assert result.frame["b"].tolist() == [""]  # no cached value saved by openpyxl: nothing is evaluated


def test_xlsx_second_sheet_by_name_and_unknown_sheet() -> None:
    data = _xlsx({"Notes": [["lisez-moi"], ["..."]], "Sites": [["nom", "insee"], ["A", "2A004"]]})
    assert tabular.sheet_names(data) == ("Notes", "Sites")
    assert read_table(data, "f.xlsx").detected["sheet"] == "Notes"
    result = read_table(data, "f.xlsx", sheet="Sites")
    assert result.detected["sheet"] == "Sites"
    assert result.frame.to_dict("list") == {"nom": ["A"], "insee": ["2A004"]}
    assert read_table(data, "f.xlsx", sheet=" sites ").detected["sheet"] == "Sites"
    with pytest.raises(TabularError) as error:
        read_table(data, "f.xlsx", sheet="Candidats")
    assert error.value.reason == "unknown_sheet"
    assert str(error.value) == "Feuille « Candidats » introuvable ; feuilles du classeur : « Notes », « Sites »"
    assert error.value.sheets == ("Notes", "Sites")


def test_xlsx_is_recognised_by_content_whatever_its_name() -> None:
    data = _xlsx({"S": [["a"], ["x"]]})
    assert read_table(data, "export.csv").detected["format"] == "xlsx"


def test_xlsx_data_beyond_the_header_gets_a_column() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["a", "b"])
    sheet.append([1, 2])
    sheet["D2"] = "oubli"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_table(buffer.getvalue(), "f.xlsx")
    assert result.frame.to_dict("list") == {"a": ["1"], "b": ["2"], "colonne 3": [""], "colonne 4": ["oubli"]}


def test_xlsx_header_only_and_empty_sheet() -> None:
    with pytest.raises(TabularError, match=r"^Le fichier ne contient qu'une ligne d'en-tête$"):
        read_table(_xlsx({"S": [["a", "b"], [None, None]]}), "f.xlsx")
    with pytest.raises(TabularError) as error:
        read_table(_xlsx({"S": []}), "f.xlsx")
    assert error.value.reason == "empty"


def test_zip_that_is_not_a_workbook_and_broken_xlsx() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a;b\n1;2\n")
    with pytest.raises(TabularError) as error:
        read_table(buffer.getvalue(), "f.zip")
    assert str(error.value) == "Format non reconnu : archive ZIP qui n'est pas un classeur XLSX (CSV ou XLSX attendu)"
    with pytest.raises(TabularError) as error:
        read_table(b"a;b\n1;2\n", "f.xlsx")
    assert error.value.reason == "invalid_xlsx"
    with pytest.raises(TabularError) as error:
        read_table(_xlsx({"S": [["a"], [1]]})[:300], "f.xlsx")
    assert error.value.reason == "invalid_xlsx"


# --- refusals ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [b"", b"\xef\xbb\xbf", b"\r\n\n  \n", b";;\n;;\n"], ids=["zero", "bom", "blank", "delims"]
)
def test_empty_file(data: bytes) -> None:
    with pytest.raises(TabularError) as error:
        read_table(data, "f.csv")
    assert error.value.reason == "empty" and str(error.value).startswith("Fichier vide")


@pytest.mark.parametrize("data", [b"nom;cp", b"nom;cp\r\n", b"nom;cp\n\n;\n"])
def test_header_only(data: bytes) -> None:
    with pytest.raises(TabularError) as error:
        read_table(data, "f.csv")
    assert error.value.reason == "header_only"
    assert str(error.value) == "Le fichier ne contient qu'une ligne d'en-tête"


def test_duplicated_headers_after_stripping() -> None:
    with pytest.raises(TabularError) as error:
        read_table(b"cp; nom ;nom;ville;cp\n1;2;3;4;5\n", "f.csv")
    assert error.value.reason == "duplicate_columns"
    assert str(error.value) == "Colonnes en double : cp, nom"


def test_ragged_rows_name_their_lines() -> None:
    with pytest.raises(TabularError) as error:
        read_table(b"a;b;c\n1;2;3\n1;2;3\n1;2;3\n1;2;3\n1;2;3\n1;2;3;4;5\n1;2;3\n", "f.csv")
    assert error.value.reason == "ragged_rows" and error.value.lines == (7,)
    assert str(error.value).startswith("Ligne 7 : 5 champs au lieu de 3 — séparateur détecté : « ; »")


def test_many_ragged_rows_are_all_counted_and_five_listed() -> None:
    body = "".join("1;2\n" if line % 2 else "1;2;3;4\n" for line in range(2, 16))
    with pytest.raises(TabularError) as error:
        read_table(f"a;b;c\n{body}".encode(), "f.csv")
    assert error.value.lines == tuple(range(2, 16))
    message = str(error.value)
    assert message.startswith(
        "Ligne 2 : 4 champs au lieu de 3 ; ligne 3 : 2 champs au lieu de 3 ; ligne 4 : 4 champs au lieu de 3 ; "
        "ligne 5 : 2 champs au lieu de 3 ; ligne 6 : 4 champs au lieu de 3 (et 9 autres lignes)"
    )


def test_too_big() -> None:
    with pytest.raises(TabularError) as error:
        read_table(b"a;b\n1;2\n" * 100, "f.csv", max_bytes=500)
    assert error.value.reason == "too_big"
    assert str(error.value) == "Fichier trop volumineux : 800 octets (maximum 500 octets)"
    with pytest.raises(TabularError, match=r"^Fichier trop volumineux : 12,3 Mo \(maximum 10 Mo\)$"):
        read_table(b"x" * int(12.3 * 1024 * 1024), "f.csv")


def test_too_many_rows_but_trailing_blank_rows_do_not_count() -> None:
    with pytest.raises(TabularError) as error:
        read_table(b"a;b\n" + b"1;2\n" * 11, "f.csv", max_rows=10)
    assert error.value.reason == "too_many_rows"
    assert str(error.value) == "Trop de lignes : plus de 10 (maximum 10)"
    assert read_table(b"a;b\n" + b"1;2\n" * 10 + b";\n" * 50, "f.csv", max_rows=10).rows_read == 10
    with pytest.raises(TabularError, match="Trop de lignes"):
        read_table(_xlsx({"S": [["a"], *([i] for i in range(11))]}), "f.xlsx", max_rows=10)


def test_binary_garbage_is_refused() -> None:
    noise = random.Random(7).randbytes(4000)
    for data in (noise + b"\x00\x00", b"a;b\n\x00\x01\x02\x03;x\n", bytes(range(32)) * 40):
        with pytest.raises(TabularError) as error:
            read_table(data, "f.csv")
        assert error.value.reason == "not_text"
        assert str(error.value) == "Le fichier n'est pas un texte CSV lisible ni un classeur XLSX"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "f.xls", "classeur Excel 97-2003 (.xls)"),
        (b"%PDF-1.7 ...", "f.csv", "document PDF"),
        (b"a;b\n1;2\n", "f.ods", "classeur OpenDocument (.ods)"),
    ],
)
def test_other_formats_are_named(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(TabularError) as error:
        read_table(data, filename)
    assert error.value.reason == "unknown_format"
    assert str(error.value).startswith(f"Format non reconnu : {message}")
    assert "(CSV ou XLSX attendu" in str(error.value)


def test_error_is_a_value_error_and_pickles() -> None:
    error = TabularError("ragged_rows", "Ligne 3 : …", lines=[3])
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.reason, str(copy), copy.lines) == ("ragged_rows", "Ligne 3 : …", (3,))


def test_frame_is_plain_text_with_a_range_index() -> None:
    result = read_table(b"a,b\n1,\n,2\n", "f.csv")
    assert isinstance(result.frame.index, pd.RangeIndex)
    assert not result.frame.isna().any().any() and _all_text(result)


# --- column matching --------------------------------------------------------------------------------------------


def test_match_columns_ignores_accents_case_and_punctuation() -> None:
    synonyms = {
        "postcode": ("code postal", "cp"),
        "insee": ("code insee", "code commune"),
        "town": ("commune", "ville"),
        "operator": ("opérateur",),
        "lat": ("latitude",),
    }
    headers = ["VILLE", "Code_Postal ", "code-INSEE", "Operateur", "Commune"]
    assert match_columns(headers, synonyms) == {
        "postcode": "Code_Postal ",
        "insee": "code-INSEE",
        "town": "VILLE",  # the first matching header in file order
        "operator": "Operateur",
        "lat": None,
    }


def test_match_columns_uses_each_header_once() -> None:
    synonyms = {"name": ("nom", "site"), "site": ("site", "nom"), "other": ("nom",)}
    assert match_columns(["Site", "NOM"], synonyms) == {"name": "Site", "site": "NOM", "other": None}


# --- the fast (pandas C parser) path gives exactly what the careful path gives -------------------------------------

_cell = st.text(alphabet=list('ab é01 ;,\t"=-'), max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    header=st.lists(st.text(alphabet="abcdé", min_size=1, max_size=5), min_size=1, max_size=4, unique=True),
    rows=st.lists(st.lists(_cell, min_size=0, max_size=5), max_size=12),
    delimiter=st.sampled_from([";", ",", "\t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_fast_and_careful_csv_paths_agree(
    header: list[str], rows: list[list[str]], delimiter: str, newline: str
) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    text = buffer.getvalue()
    try:
        careful = csvfile._careful_csv(text, delimiter, 1000)
    except tabular.TabularError as error:
        careful_error: tabular.TabularError | None = error
    else:
        careful_error = None
    try:
        fast = csvfile._fast_csv(text, delimiter, 1000)
    except tabular.TabularError as error:
        assert careful_error is not None and error.reason == careful_error.reason
        return
    if fast is None:
        return  # the careful path decides
    assert careful_error is None, careful_error
    assert fast[0] == careful[0] and fast[2] == careful[2]
    pd.testing.assert_frame_equal(fast[1], careful[1])


_hostile_cell = st.text(alphabet=list('ab é0;,\t"= \r\n\x0b\x1c\xa0\u2028\u3000'), max_size=6)


def test_the_fast_reader_strips_what_str_strip_strips() -> None:
    import sys

    from regions.tabular import arrowcsv

    assert "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()) == arrowcsv.WHITESPACE


def _both_paths(text: str, delimiter: str) -> tuple[object, object]:
    """What the careful path gives (a result or an error), and what the fast path gives (None: declined)."""
    outcomes: list[object] = []
    for path in (csvfile._careful_csv, csvfile._fast_csv):
        try:
            outcomes.append(path(text, delimiter, 1000))
        except tabular.TabularError as error:
            outcomes.append(error)
    return outcomes[0], outcomes[1]


def _assert_agree(careful: object, fast: object) -> None:
    if fast is None:
        return  # the careful path decides
    if isinstance(fast, tabular.TabularError):
        assert isinstance(careful, tabular.TabularError) and fast.reason == careful.reason
        assert str(fast) == str(careful)
        return
    assert not isinstance(careful, tabular.TabularError), careful
    assert isinstance(fast, tuple) and isinstance(careful, tuple)
    assert fast[0] == careful[0] and fast[2] == careful[2]
    pd.testing.assert_frame_equal(fast[1], careful[1])


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.lists(_hostile_cell, max_size=5), min_size=1, max_size=10),
    delimiter=st.sampled_from([";", ",", "\t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    end=st.sampled_from(["", "\n", "\n\n"]),
)
def test_fast_and_careful_paths_agree_on_hostile_text(
    lines: list[list[str]], delimiter: str, newline: str, end: str
) -> None:
    """Lines written without any quoting: stray quotes, lone carriage returns, ragged and blank lines, whitespace
    the csv module strips (vertical tab, no-break spaces...)."""
    text = newline.join(delimiter.join(cells) for cells in lines) + end
    _assert_agree(*_both_paths(text, delimiter))


@settings(max_examples=150, deadline=None)
@given(
    width=st.integers(min_value=1, max_value=5),
    rows=st.lists(st.lists(st.text(alphabet=list('ab é01 ;,\t"=-\x0b\xa0'), max_size=6), min_size=5, max_size=5),
                  min_size=1, max_size=12),
    delimiter=st.sampled_from([";", ",", "\t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)  # fmt: skip
def test_regular_files_take_the_fast_path(width: int, rows: list[list[str]], delimiter: str, newline: str) -> None:
    """A regular export (one record per line, well-formed quotes, as many fields everywhere) is read by pyarrow,
    and gives exactly what the careful path gives."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow([f"c{i}" for i in range(width)])
    rows = [[*row[: width - 1], "x"] for row in rows]  # a filled last cell: no trailing blank row to drop
    writer.writerows(rows)
    careful, fast = _both_paths(buffer.getvalue(), delimiter)
    assert fast is not None
    _assert_agree(careful, fast)


# --- stray quotes: every row accounted for, or the file refused naming the line --------------------------------------


def _applicants(rows: int, edit: dict[int, str] | None = None, *, header: str = "nom;cp;rqth;compétences") -> str:
    """``rows`` records under ``header`` (line 1); ``edit`` replaces whole lines by number."""
    lines = [header, *(f"Candidat {n};87000;{'oui' if n % 7 == 0 else 'non'};Accueil" for n in range(2, rows + 2))]
    for number, line in (edit or {}).items():
        lines[number - 1] = line
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "line", "column", "swallowed"),
    [
        # the file: the skills cell of line 501 opens a quote that nothing closes
        (_applicants(1000, {501: 'Candidat 501;87000;non;"Accueil, SQL'}), 501, "compétences", "jamais refermé"),
        # in a middle column: the record looks short instead
        (_applicants(50, {20: 'Candidat 20;87000;"non;Accueil'}), 20, "rqth", "jamais refermé"),
        # closed by a later stray quote at the end of a cell: 200 applicants swallowed, the rest read as usual
        (
            _applicants(1000, {501: 'Candidat 501;87000;non;"Accueil', 701: 'Candidat 701;87000;non;12"'}),
            501,
            "compétences",
            "refermé seulement ligne 701",
        ),
        # closed by the opening quote of a later quoted cell, in the middle of a text
        (
            _applicants(100, {30: 'Candidat 30;87000;non;"Accueil', 60: 'Candidat 60;87000;non;"Vente; SQL"'}),
            30,
            "compétences",
            "refermé seulement ligne 60",
        ),
        # in the header
        (_applicants(20, {1: 'nom;"cp;rqth;compétences'}), 1, "colonne 2", "jamais refermé"),
        # so long a field that the csv module gives up: still the same refusal
        (_applicants(20_000, {3: 'Candidat 3;87000;non;"Accueil'}), 3, "compétences", "jamais refermé"),
        # two columns: a swallowed line alone proves nothing, two do
        ('code,taux\n01,1\n02,"2\n03,3\n04,4\n', 3, "taux", "jamais refermé"),
    ],
    ids=["last-column", "middle-column", "closed-later", "closed-mid-text", "header", "beyond-field-limit", "two-cols"],
)
def test_a_stray_quote_is_refused_naming_its_line_and_column(text: str, line: int, column: str, swallowed: str) -> None:
    for data in (text.encode("utf-8"), text.replace("\n", "\r\n").encode("cp1252")):
        with pytest.raises(TabularError) as error:
            read_table(data, "candidats.csv")
        assert error.value.reason == "unclosed_quote" and error.value.lines == (line,)
        message = str(error.value)
        assert message.startswith(f'Ligne {line}, colonne « {column} » : guillemet « " » {swallowed}')
        assert message.endswith(
            'fermez ce guillemet ou supprimez le « " » en trop, puis importez de nouveau le fichier'
        )


@pytest.mark.parametrize(
    ("text", "rows", "cell"),
    [
        ('nom,adresse\nA,"12 rue X\nBâtiment 2, escalier B"\nB,3 rue Y\n', 2, "12 rue X\nBâtiment 2, escalier B"),
        ('nom;"Code\npostal";ville\nA;75001;Paris\n', 1, None),
        ('nom;note;cp\nA;"ligne 1\nligne 2\n\nligne 4; fin";87000\nB;;87000\n', 2, "ligne 1\nligne 2\n\nligne 4; fin"),
        ('nom;note\nA;"Il a dit ""oui""\npuis ""non"""\n', 1, 'Il a dit "oui"\npuis "non"'),
    ],
    ids=["address-two-columns", "header-on-two-lines", "note-with-blank-line", "escaped-quotes"],
)
def test_real_multiline_cells_are_one_row_each(text: str, rows: int, cell: str | None) -> None:
    result = read_table(text.encode(), "f.csv")
    assert result.rows_read == rows == len(result.line_numbers)
    if cell is not None:
        assert result.frame.iloc[0, 1] == cell
    assert read_table(_applicants(1000).encode(), "f.csv").rows_read == 1000


@pytest.mark.parametrize("every", [1, 3, 300], ids=["every-line", "every-third-line", "one-line"])
def test_nul_bytes_are_refused_naming_the_first_line(every: int) -> None:
    nul = {n: f"Candidat {n};87000;non;Acc\x00ueil\x00" for n in range(120, 302, every)}
    with pytest.raises(TabularError) as error:
        read_table(_applicants(300, nul).encode(), "f.csv")
    assert error.value.reason == "not_text" and error.value.lines == (120,)
    assert str(error.value).startswith("Ligne 120 : caractère nul (octet 0) au milieu du texte ; supprimez-le")


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1c", "\x1e", "\x7f", "\x85", "\u2028"])
@pytest.mark.parametrize("multiline", [False, True], ids=["fast-path", "careful-path"])
def test_control_characters_are_kept_as_text(char: str, multiline: bool) -> None:
    """Control characters inside cells (small file or large, one line or every line) are text: no crash, no row
    lost or split."""
    note = '"deux\nlignes"' if multiline else "une ligne"
    for rows, every in ((3, 1), (400, 400), (400, 1)):
        edit = {n: f"Candidat {n};87000;non;Acc{char}ueil {char}" for n in range(2, rows + 2, every)}
        edit[3] = f"Candidat 3;87000;non;{note}"
        result = read_table(_applicants(rows, edit).encode(), "f.csv")
        assert result.rows_read == rows
        assert result.frame["compétences"].iloc[0] == f"Acc{char}ueil {char}".strip()


# --- hostile spreadsheets are bounded ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(spreadsheet_bombs.bombs()))
def test_spreadsheet_bombs_are_refused_or_read_without_expanding(name: str) -> None:
    data, reason = spreadsheet_bombs.bombs()[name]
    assert len(data) < 300_000  # a few kilobytes…
    if reason is None:  # …holding two applicants, padded to Excel's last cell
        result = read_table(data, "candidats.xlsx")
        assert result.rows_read == 2 and result.line_numbers == (2, 3)
        assert list(result.frame.columns) == spreadsheet_bombs.COLUMNS
        return
    with pytest.raises(TabularError) as error:
        read_table(data, "candidats.xlsx")
    assert error.value.reason == reason
    message = str(error.value)
    assert message[0].isupper() and "\n" not in message
    assert re.search(r"maximum|dernière ligne d'Excel|mal formée", message), message


def test_the_zip_guard_names_each_limit() -> None:
    data, _ = spreadsheet_bombs.bombs()["compression ratio"]
    with pytest.raises(
        TabularError,
        match=r"^Archive suspecte : « xl/worksheets/sheet1\.xml » passe de [\d,]+ Ko à 64 Mo .*maximum 100 fois\)",
    ):
        tabular.open_archive(data)
    with pytest.raises(TabularError, match=r"^Archive suspecte : plus de 1\u202f000 fichiers dans l'archive"):
        tabular.open_archive(spreadsheet_bombs.bombs()["members"][0])
    small = spreadsheet_bombs.workbook(spreadsheet_bombs.HEADER, padding=3 * 1024 * 1024)
    with pytest.raises(
        TabularError, match=r"^Archive trop volumineuse une fois décompressée : 3,1 Mo \(maximum 1 Mo\)$"
    ):
        tabular.open_archive(small, max_expanded=1024 * 1024)
    with pytest.raises(TabularError) as error:
        read_table(small, "f.xlsx", max_bytes=50_000)  # 40 times the largest file accepted
    assert error.value.reason == "too_big"
    with tabular.open_archive(spreadsheet_bombs.bombs()["row 15 000 000"][0]) as archive:
        assert "xl/worksheets/sheet1.xml" in archive.namelist()


def test_sheet_names_refuses_a_zip_bomb() -> None:
    with pytest.raises(TabularError) as error:
        tabular.sheet_names(spreadsheet_bombs.bombs()["compression ratio"][0])
    assert error.value.reason == "zip_bomb"
    assert tabular.sheet_names(spreadsheet_bombs.bombs()["row 15 000 000"][0]) == ("Feuil1",)


def test_too_many_columns_in_a_csv() -> None:
    header = ";".join(f"c{n}" for n in range(1, 1002))
    with pytest.raises(TabularError) as error:
        read_table(f"{header}\n{';' * 1000}x\n".encode(), "f.csv")
    assert error.value.reason == "too_many_columns"
    message = "Trop de colonnes : 1 001 colonnes dans l'en-tête (maximum 1 000 colonnes)".replace(" 0", "\u202f0")
    assert str(error.value) == message


@pytest.mark.parametrize("name", list(spreadsheet_bombs.bombs()))
def test_every_reader_of_user_spreadsheets_is_bounded(name: str) -> None:
    """Applicants, sites and user indicators, read as the app and the CLI read them: refused, or two rows."""
    from regions import applicants, sites, user_indicators

    data, reason = spreadsheet_bombs.bombs()[name]
    declaration = user_indicators.Declaration("taux_test", "Taux test", "%", "higher", "2025", "Moi")

    def read_sites() -> int:
        read = read_table(data, "sites.xlsx")
        return len(sites.read_user_sites(read.frame, line_numbers=read.line_numbers).located)

    def read_indicator() -> int:
        read = read_table(data, "taux.xlsx")
        prepared = user_indicators.prepare(
            read.frame, declaration, code_column="département", value_column="taux", line_numbers=read.line_numbers
        )
        return prepared.kept_rows

    def read_applicants() -> int:
        result = applicants.import_file(data, "candidats.xlsx")
        if name == "value in A1048576":  # a whole Excel sheet is within an applicant file's limits: every row kept
            assert result.rows_read == 1_048_575 and len(result.unmatched) == 1_048_573
        return len(result.matched)

    for reader in (read_applicants, read_sites, read_indicator):
        if reason is None or (name == "value in A1048576" and reader is read_applicants):
            assert reader() == 2, reader.__name__
        else:
            with pytest.raises(TabularError) as error:
                reader()
            assert error.value.reason == reason, reader.__name__
