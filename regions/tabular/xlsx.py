"""ZIP archives opened safely (:func:`open_archive`), and the XLSX reader streaming the sheet's XML."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from regions.codes import slug
from regions.tabular.errors import TabularError, _count, _size, _too_many_columns
from regions.tabular.frame import _header
from regions.tabular.limits import (
    _EOCD,
    _FORMAT_HINT,
    _LEADING_ZEROS_FORMAT,
    _MAX_DIRECTORY_BYTES,
    _OLE_KIND,
    _OLE_MAGIC,
    _RATIO_FLOOR,
    _SHEET_NS,
    _ZIP_MAGIC,
    EXCEL_MAX_ROWS,
    MAX_EXPANDED_BYTES,
    MAX_UPLOAD_CELLS,
    MAX_UPLOAD_COLUMNS,
    MAX_XLSX_EXPANSION,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
)


def open_archive(data: bytes, max_expanded: int = MAX_EXPANDED_BYTES) -> zipfile.ZipFile:
    """Open a ZIP archive held in memory (an XLSX workbook, an official ZIP), refusing a ZIP bomb before anything
    is decompressed: a central directory beyond ``MAX_ZIP_MEMBERS`` entries (checked before it is parsed), more
    than ``MAX_ZIP_MEMBERS`` members, more than ``max_expanded`` bytes once decompressed (capped by
    ``MAX_EXPANDED_BYTES``), or a member over 1 Mo expanding more than ``MAX_ZIP_RATIO`` times.

    The sizes checked are those the archive declares: ``zipfile`` never gives more than a member's declared size
    (it fails on the CRC instead). Raises :class:`TabularError` (``zip_bomb`` or ``too_big``) for a limit, and
    ``zipfile.BadZipFile`` for a damaged archive.
    """
    limit = min(max_expanded, MAX_EXPANDED_BYTES)
    tail = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if tail >= 0 and int.from_bytes(data[tail + 12 : tail + 16], "little") > _MAX_DIRECTORY_BYTES:
        raise _too_many_members()
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise _too_many_members()
        expanded = sum(info.file_size for info in members)
        if expanded > limit:
            message = (
                f"Archive trop volumineuse une fois décompressée : {_size(expanded, up=True)} (maximum {_size(limit)})"
            )
            raise TabularError("too_big", message)
        for info in members:
            if info.file_size > _RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                ratio = _count(info.file_size // max(info.compress_size, 1))
                message = (
                    f"Archive suspecte : « {info.filename} » passe de {_size(info.compress_size, up=True)} à "
                    f"{_size(info.file_size)} une fois décompressé ({ratio} fois plus ; maximum {MAX_ZIP_RATIO} fois) ;"
                    " réenregistrez le fichier depuis le logiciel qui l'a créé"
                )
                raise TabularError("zip_bomb", message)
    except BaseException:
        archive.close()
        raise
    return archive


def _too_many_members() -> TabularError:
    limit = _count(MAX_ZIP_MEMBERS)
    message = f"Archive suspecte : plus de {limit} fichiers dans l'archive (maximum {limit})"
    return TabularError("zip_bomb", message)


def _open_workbook(data: bytes, extension: str, max_expanded: int = MAX_EXPANDED_BYTES) -> Any:
    import openpyxl  # local: only XLSX uploads need it

    if not data.startswith(_ZIP_MAGIC):
        if data.startswith(_OLE_MAGIC):
            raise TabularError(
                "unknown_format", f"Format non reconnu : {_OLE_KIND} ({_FORMAT_HINT} ; enregistrez-le en .xlsx)"
            )
        message = f"Le fichier porte l'extension {extension or '.xlsx'} mais n'est pas un classeur XLSX"
        raise TabularError("invalid_xlsx", message)
    try:
        with open_archive(data, max_expanded) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        if isinstance(error, TabularError):
            raise
        raise TabularError("invalid_xlsx", "Le classeur XLSX est illisible (archive endommagée)") from error
    if "xl/workbook.xml" not in names:
        kind = "archive ZIP qui n'est pas un classeur XLSX"
        raise TabularError("unknown_format", f"Format non reconnu : {kind} ({_FORMAT_HINT})")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds on a broken archive
        raise TabularError("invalid_xlsx", f"Le classeur XLSX est illisible ({type(error).__name__})") from error


def _read_xlsx(
    data: bytes, extension: str, sheet: str | None, max_bytes: int, max_rows: int
) -> tuple[pd.DataFrame, list[int], dict[str, str]]:
    workbook = _open_workbook(data, extension, max_expanded=max_bytes * MAX_XLSX_EXPANSION)
    try:
        worksheet = _choose_sheet(list(workbook.worksheets), sheet)
        title = str(worksheet.title)
        try:
            frame, lines = _sheet_table(_sparse_rows(worksheet, title), max_rows)
        except TabularError:
            raise
        except Exception as error:  # a malformed sheet inside a valid archive
            message = f"La feuille « {title} » est illisible ({type(error).__name__})"
            raise TabularError("invalid_xlsx", message) from error
    finally:
        workbook.close()
    return frame, lines, {"format": "xlsx", "sheet": title}


def _choose_sheet(worksheets: list[Any], sheet: str | None) -> Any:
    if not worksheets:
        raise TabularError("no_sheet", "Le classeur ne contient aucune feuille de calcul")
    if sheet is None:
        return worksheets[0]
    titles = [str(ws.title) for ws in worksheets]
    exact = [ws for title, ws in zip(titles, worksheets, strict=True) if title == sheet]
    loose = [ws for title, ws in zip(titles, worksheets, strict=True) if slug(title) == slug(sheet)]
    if exact or loose:
        return (exact or loose)[0]
    listed = ", ".join(f"« {title} »" for title in titles)
    message = f"Feuille « {sheet} » introuvable ; feuilles du classeur : {listed}"
    raise TabularError("unknown_sheet", message, sheets=titles)


def _sparse_rows(worksheet: Any, title: str) -> Iterator[tuple[int, dict[int, str]]]:
    """``(sheet row, {column: text})`` of each row of a read-only worksheet that holds a value, streamed from its
    XML: rows and cells the sheet does not hold are never created (openpyxl's ``iter_rows`` creates every row up to
    the last one declared, and every cell up to the last column), each cell is dropped once read, and a row or a
    value beyond Excel's last row or ``MAX_UPLOAD_COLUMNS`` is refused as soon as it is met. Cells are converted by
    openpyxl's own cell parser (shared strings, dates, booleans), then by :func:`_cell_text`."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import WorkSheetParser

    workbook = worksheet.parent
    row_tag, cell_tag = f"{_SHEET_NS}row", f"{_SHEET_NS}c"
    with worksheet._get_source() as source:
        cells = WorkSheetParser(
            source, worksheet._shared_strings, data_only=True, epoch=workbook.epoch,
            date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats,
        )  # fmt: skip
        parents: list[Any] = []  # the open elements, from the root
        number, values = 0, dict[int, str]()
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                parents.append(element)
                if element.tag == row_tag:
                    number = _row_number(element.get("r"), number, title)
                    cells.row_counter, cells.col_counter, values = number, 0, {}
                continue
            parents.pop()
            if element.tag == cell_tag:
                cell = cells.parse_cell(element)
                text = _cell_text(ReadOnlyCell(worksheet, **cell))
                if text:
                    if cell["column"] > MAX_UPLOAD_COLUMNS:
                        raise _too_many_columns(cell["column"], number)
                    values[cell["column"]] = text
            elif element.tag == row_tag:
                if values:
                    yield number, values
            elif any(parent.tag == cell_tag for parent in parents):
                continue  # a cell's value, formula or text: read with its cell
            if parents:
                parents[-1].remove(element)  # the last child: the tree never grows


def _row_number(declared: str | None, previous: int, title: str) -> int:
    """The number of a sheet row (its ``r``, else the one after ``previous``), refused when out of order or beyond
    Excel's last row."""
    number = previous + 1 if declared is None else int(float(declared))
    if number > EXCEL_MAX_ROWS:
        message = (
            f"La feuille « {title} » déclare une ligne {_count(number)}, au-delà de la dernière ligne d'Excel "
            f"({_count(EXCEL_MAX_ROWS)}) ; ouvrez le classeur dans Excel et réenregistrez-le"
        )
        raise TabularError("too_many_rows", message)
    if number <= previous:
        message = (
            f"La feuille « {title} » est mal formée : sa ligne {_count(number)} vient après la ligne "
            f"{_count(previous)} ; ouvrez le classeur dans Excel et réenregistrez-le"
        )
        raise TabularError("invalid_xlsx", message)
    return number


def _sheet_table(rows: Iterable[tuple[int, dict[int, str]]], max_rows: int) -> tuple[pd.DataFrame, list[int]]:
    """The table of a sheet given its rows that hold a value: the first is the header, the others data; the rows
    between them are kept as empty rows (numbered), and a value beyond the header's columns names its column
    ``colonne N``. Refuses more than ``max_rows`` data rows or ``MAX_UPLOAD_CELLS`` cells as soon as a row shows
    it, before any row is created."""
    header_row, header_values = next(iter_rows := iter(rows), (0, {}))
    if not header_row:
        raise TabularError("empty", "Fichier vide : la feuille ne contient aucune valeur")
    width = max(header_values)
    filled: list[tuple[int, dict[int, str]]] = []
    for number, values in iter_rows:
        count = number - header_row
        if count > max_rows:
            message = f"Trop de lignes : plus de {_count(max_rows)} (maximum {_count(max_rows)})"
            raise TabularError("too_many_rows", f"{message} ; la feuille a une valeur en ligne {_count(number)}")
        width = max(width, max(values))
        if count * width > MAX_UPLOAD_CELLS:
            message = (
                f"Tableau trop grand : {_count(count)} lignes × {_count(width)} colonnes (maximum "
                f"{_count(MAX_UPLOAD_CELLS)} cellules) ; supprimez les lignes ou colonnes inutiles"
            )
            raise TabularError("too_many_cells", message)
        filled.append((number, values))
    if not filled:
        raise TabularError("header_only", "Le fichier ne contient qu'une ligne d'en-tête")
    names = [header_values.get(column, "") for column in range(1, width + 1)]
    named = len(_header(list(names)))  # the header's own columns, blank ones named
    extra = [f"colonne {position}" for position in range(named + 1, width + 1)]
    header = _header(names[:named] + extra)
    height = filled[-1][0] - header_row
    columns = [np.full(height, "", dtype=object) for _ in header]
    for number, values in filled:
        for column, text in values.items():
            columns[column - 1][number - header_row - 1] = text
    frame = pd.DataFrame({name: pd.Series(cells, dtype=str) for name, cells in zip(header, columns, strict=True)})
    return frame, list(range(header_row + 1, header_row + height + 1))


def _cell_text(cell: object) -> str:
    """The text of a spreadsheet cell, without turning codes into floats."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, int):
        return _with_leading_zeros(str(value), cell)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return _with_leading_zeros(str(int(value)), cell)
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _with_leading_zeros(digits: str, cell: object) -> str:
    """``1001`` shown as ``01001`` by a ``00000`` number format keeps its zeros."""
    number_format = getattr(cell, "number_format", None)
    if isinstance(number_format, str) and _LEADING_ZEROS_FORMAT.match(number_format) and not digits.startswith("-"):
        return digits.zfill(len(number_format))
    return digits
