"""The product's one CSV and XLSX writer, formula-safe, for recruiters and managers opening the files in Excel.

Every CSV or XLSX the product writes — shortlists, applicant exports, unmatched rows, the CLI's ``--format csv``
tables (``regions sources``, ``indicators``, ``score``…), the user's snapshot files — goes through
:func:`csv_file` (files), :func:`to_csv_text` (a terminal, a pipe, the snapshot's own
figures) or :func:`to_xlsx_bytes` (``tests/test_export.py`` checks that no other
module writes one).

Every text cell and column name starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed
with a single quote (OWASP advice against CSV injection), so that Excel shows it as text instead of running it.
Numbers stay numbers, codes given as text (``"01"``, ``"2A"``) stay text, a missing value is an empty cell
(never ``nan``, never 0). Text is written as it is: no HTML escaping, which belongs to HTML output only. The
index of a frame is not written (reset it first if it holds data).

CSV is UTF-8 with a byte-order mark (so that Excel reads accents) and CRLF line ends; a French Excel wants
``sep=";"`` and ``decimal=","``. XLSX is written with openpyxl: one worksheet per frame, bold frozen header,
column widths fitted to the content, optional note lines above the table, every string stored as a string
(openpyxl would otherwise store ``"=…"`` as a formula and ``"#N/A"`` as an error). XML cannot hold control
characters other than tab, LF and CR: in XLSX they become U+FFFD, and a CR reads back as LF.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from regions.formatting import Lang

DANGEROUS_PREFIXES: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISING_QUOTE: Final[str] = "'"

CSV_SEPARATORS: Final[tuple[str, ...]] = (",", ";", "\t")
CSV_DECIMALS: Final[tuple[str, ...]] = (".", ",")

SHEET_NAME_MAX: Final[int] = 31
SHEET_NAME_FORBIDDEN: Final[str] = "[]:*?/\\"
#: Sheets of ``shortlist_workbook``, in order, by language.
SHORTLIST_SHEETS: Final[dict[Lang, tuple[str, ...]]] = {
    "fr": ("Shortlist", "Indicateurs", "Méthode et pondérations", "Sources"),
    "en": ("Shortlist", "Indicators", "Method and weights", "Sources"),
}
#: The companion sheet holding an export's metadata, and its two columns.
ABOUT_SHEET: Final[dict[Lang, str]] = {"fr": "À propos", "en": "About"}
ABOUT_COLUMNS: Final[dict[Lang, tuple[str, str]]] = {"fr": ("Rubrique", "Valeur"), "en": ("Item", "Value")}
#: How a metadata line starts in a CSV.
COMMENT: Final[str] = "#"

#: Column widths in XLSX, in characters.
WIDTH_MIN: Final[int] = 8
WIDTH_MAX: Final[int] = 60

_ILLEGAL_XML: Final[re.Pattern[str]] = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_REPLACEMENT: Final[str] = "\ufffd"
_TEXT_FORMAT: Final[str] = "@"
_BOLD: Final[Any] = Font(bold=True)
_PLAIN_TYPES: Final[tuple[type, ...]] = (bool, int, float, decimal.Decimal, dt.date, dt.time, dt.timedelta)


def neutralise_cell(value: object) -> object:
    """Return ``value`` with a leading quote if it is a string starting with a dangerous prefix, else unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return NEUTRALISING_QUOTE + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells and column names are neutralised; numbers are untouched."""
    result = frame.copy()
    for position in range(result.shape[1]):
        column = result.iloc[:, position]
        if _is_text_dtype(column.dtype):
            result.isetitem(position, column.astype(object).map(neutralise_cell).to_numpy())
    result.columns = result.columns.map(neutralise_cell)
    return result


def to_csv_text(frame: pd.DataFrame, *, sep: str = ",", decimal: str = ".", lineterminator: str = "\r\n") -> str:
    """``frame`` as neutralised CSV text, without index, missing values as empty cells (for a terminal or a pipe;
    :func:`csv_file` for a file opened in Excel)."""
    _check_choice("sep", sep, CSV_SEPARATORS)
    _check_choice("decimal", decimal, CSV_DECIMALS)
    if decimal == sep:
        raise ValueError(f"`decimal` and `sep` are both {sep!r}; they must differ")
    text: str = neutralise_frame(frame).to_csv(
        index=False, sep=sep, decimal=decimal, na_rep="", lineterminator=lineterminator
    )
    return text


def csv_file(
    frame: pd.DataFrame,
    *,
    lang: Lang = "fr",
    about: Sequence[tuple[str, object]] = (),
    french_excel: bool | None = None,
) -> bytes:
    """The product's one CSV file writer, for Excel: UTF-8 with BOM, CRLF, formula-safe (see :func:`to_csv_text`).

    French (the default, or ``french_excel``): ``;`` between cells and a decimal comma, as a French Excel reads
    them; English: ``,`` and a decimal point. ``about``: (label, value) lines written above the header as a
    commented block, one ``# label : value`` cell per line (what an XLSX holds in its companion sheet).
    """
    french = lang == "fr" if french_excel is None else french_excel
    sep, decimal = (";", ",") if french else (",", ".")
    table = to_csv_text(frame, sep=sep, decimal=decimal)  # checks ``sep`` and ``decimal`` first
    lines = io.StringIO()
    writer = csv.writer(lines, delimiter=sep, lineterminator="\r\n")
    for label, value in about:
        writer.writerow([comment_line(label, value, lang)])
    return (lines.getvalue() + table).encode("utf-8-sig")


def comment_line(label: str, value: object, lang: Lang = "fr") -> str:
    """``# label : value`` (French spacing) or ``# label: value``; a line with no label is ``# value``."""
    text = " ".join(str(value).split())  # one line: a note never breaks the CSV's rows
    if not label:
        return f"{COMMENT} {text}"
    return f"{COMMENT} {label} : {text}" if lang == "fr" else f"{COMMENT} {label}: {text}"


def about_frame(about: Sequence[tuple[str, object]], lang: Lang = "fr") -> pd.DataFrame:
    """The companion sheet of an XLSX: one (label, value) row per line of ``about``."""
    values = [value if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
              for _, value in about]  # fmt: skip
    frame = pd.DataFrame({ABOUT_COLUMNS[lang][0]: [str(label) for label, _ in about]})
    frame[ABOUT_COLUMNS[lang][1]] = pd.Series(values, dtype=object)  # a count stays a number, the rest text
    return frame


def to_xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame],
    *,
    notes: Mapping[str, Sequence[str]] | None = None,
    about: Sequence[tuple[str, object]] = (),
    lang: Lang = "fr",
) -> bytes:
    """Write one worksheet per frame, in order, with ``notes[sheet]`` lines above its table; return the XLSX.

    ``about``: (label, value) rows of a last, companion sheet named ``ABOUT_SHEET[lang]`` (the metadata a CSV
    carries in its ``#`` lines)."""
    notes = notes or {}
    if about:
        sheets = {**sheets, ABOUT_SHEET[lang]: about_frame(about, lang)}
    _check_sheets(list(sheets), notes)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, frame in sheets.items():
        _write_sheet(workbook.create_sheet(title=name), frame, notes.get(name, ()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def shortlist_workbook(
    shortlist: pd.DataFrame,
    indicators: pd.DataFrame,
    method: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    notes: Sequence[str] = (),
    about: Sequence[tuple[str, object]] = (),
    lang: Lang = "fr",
) -> bytes:
    """Return the shortlist XLSX: the ``SHORTLIST_SHEETS[lang]`` in order, ``notes`` lines above the shortlist,
    then the companion sheet of ``about``."""
    names = SHORTLIST_SHEETS[lang]
    frames = (shortlist, indicators, method, sources)
    return to_xlsx_bytes(dict(zip(names, frames, strict=True)), notes={names[0]: notes}, about=about, lang=lang)


def _check_choice(argument: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"`{argument}` was {value!r} but is expected to be one of {', '.join(map(repr, allowed))}")


def _check_sheets(names: Sequence[str], notes: Mapping[str, Sequence[str]]) -> None:
    """Raise one ``ValueError`` listing every bad sheet name and every note without its sheet."""
    problems = [problem for name in names if (problem := _sheet_name_problem(name))]
    seen: dict[str, str] = {}
    for name in names:
        if name.casefold() in seen:
            problems.append(f"{name!r} repeats {seen[name.casefold()]!r} (Excel ignores case)")
        seen.setdefault(name.casefold(), name)
    problems += [f"notes given for {name!r}, which is not a sheet" for name in notes if name not in names]
    problems += [f"notes for {name!r} are one string, not lines" for name in notes if isinstance(notes[name], str)]
    if not names:
        problems.append("no sheet given; a workbook needs at least one")
    if problems:
        raise ValueError("bad sheets for the XLSX export: " + "; ".join(problems))


def _sheet_name_problem(name: str) -> str | None:
    forbidden = sorted({char for char in name if char in SHEET_NAME_FORBIDDEN})
    if not name:
        return "a sheet name is empty"
    if len(name) > SHEET_NAME_MAX:
        return f"{name!r} has {len(name)} characters, at most {SHEET_NAME_MAX} are allowed"
    if forbidden:
        return f"{name!r} contains {''.join(forbidden)!r}; none of {SHEET_NAME_FORBIDDEN!r} is allowed"
    if name.startswith("'") or name.endswith("'"):
        return f"{name!r} starts or ends with an apostrophe, which Excel refuses"
    return None


def _write_sheet(sheet: Any, frame: pd.DataFrame, notes: Sequence[str]) -> None:
    """Write ``notes`` (one per row), then the bold header, then the rows; freeze below the header."""
    for row, line in enumerate(notes, start=1):
        _put(sheet, row, 1, _xlsx_value(line))
    header_row = len(notes) + 1
    header = [_xlsx_value(str(name)) for name in frame.columns]
    for column, value in enumerate(header, start=1):
        _put(sheet, header_row, column, value).font = _BOLD
    text_columns = [_is_text_dtype(frame.iloc[:, position].dtype) for position in range(frame.shape[1])]
    widths = [_display_width(value) for value in header]
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=header_row + 1):
        for column, raw in enumerate(values, start=1):
            value = _xlsx_value(raw)
            cell = _put(sheet, row, column, value)
            if text_columns[column - 1]:
                cell.number_format = _TEXT_FORMAT
            widths[column - 1] = max(widths[column - 1], _display_width(value))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, WIDTH_MIN), WIDTH_MAX)
    sheet.freeze_panes = f"A{header_row + 1}"


def _put(sheet: Any, row: int, column: int, value: object) -> Any:
    """Set one cell; a string is always stored as a string, never as a formula or an error code."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _xlsx_value(value: object) -> object:
    """Return what openpyxl should store: None if missing, a number or date as is, else neutralised text."""
    if isinstance(value, np.bool_ | np.number):
        value = value.item()
    if _is_missing(value):
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.isoformat()  # Excel has no time zones
    if isinstance(value, _PLAIN_TYPES):
        return value
    return neutralise_cell(_ILLEGAL_XML.sub(_REPLACEMENT, str(value)))


def _is_missing(value: object) -> bool:
    """True for None, NaN, NA, NaT, and infinities (which Excel cannot store)."""
    if isinstance(value, float | decimal.Decimal):
        return not math.isfinite(value)
    return value is None or value is pd.NA or value is pd.NaT


def _is_text_dtype(dtype: object) -> bool:
    return dtype == np.dtype(object) or isinstance(dtype, pd.StringDtype | pd.CategoricalDtype)


def _display_width(value: object) -> int:
    """Length of the longest line of ``value`` as text (0 for an empty cell)."""
    if value is None:
        return 0
    return max(len(line) for line in str(value).splitlines() or [""])
