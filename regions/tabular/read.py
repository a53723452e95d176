"""Read a CSV or XLSX file as a table of text (:func:`read_table`), list its sheets, map its columns."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Final

import pandas as pd

from regions.codes import slug
from regions.tabular.csvfile import _read_csv
from regions.tabular.detect import _reject_other_formats
from regions.tabular.errors import TabularError, _size
from regions.tabular.limits import _XLSX_EXTENSIONS, _ZIP_MAGIC, MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS
from regions.tabular.xlsx import _open_workbook, _read_xlsx

_BLANK_BYTES: Final[re.Pattern[bytes]] = re.compile(rb"[ \t\r\n\x00]*")


@dataclass(frozen=True, eq=False)
class ReadResult:
    """A table read from a file.

    ``frame``: one column per header (names stripped, in file order), every cell a ``str`` (``""`` when empty),
    a fresh ``RangeIndex``. ``detected``: how the file was read — ``format`` (``csv``/``xlsx``) and, for CSV,
    ``encoding`` and ``delimiter``, for XLSX ``sheet``. ``rows_read``: number of data rows (``len(frame)``).
    ``line_numbers``: the line (CSV; a quoted field may span several) or sheet row (XLSX) of each data row.
    """

    frame: pd.DataFrame
    detected: dict[str, str]
    rows_read: int
    line_numbers: tuple[int, ...] = field(default=())


def read_table(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_rows: int = MAX_UPLOAD_ROWS,
) -> ReadResult:
    """Read an uploaded CSV or XLSX file (its bytes and its name, for the extension) as a table of text.

    ``sheet`` names the XLSX worksheet to read (default: the first). Raises :class:`TabularError` for an empty,
    oversized, unreadable or malformed file.
    """
    if len(data) > max_bytes:
        message = f"Fichier trop volumineux : {_size(len(data), up=True)} (maximum {_size(max_bytes)})"
        raise TabularError("too_big", message)
    if _BLANK_BYTES.fullmatch(data) or data in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        raise TabularError("empty", "Fichier vide")
    extension = PurePath(filename).suffix.lower()
    if data.startswith(_ZIP_MAGIC) or extension in _XLSX_EXTENSIONS:
        frame, lines, detected = _read_xlsx(data, extension, sheet, max_bytes, max_rows)
    else:
        _reject_other_formats(data, extension)
        frame, lines, detected = _read_csv(data, max_rows)
    return ReadResult(frame=frame, detected=detected, rows_read=len(frame), line_numbers=tuple(lines))


def sheet_names(data: bytes) -> tuple[str, ...]:
    """The worksheet names of an XLSX file, in order (to let the user choose one)."""
    workbook = _open_workbook(data, ".xlsx")
    try:
        return tuple(str(ws.title) for ws in workbook.worksheets)
    finally:
        workbook.close()


def match_columns(headers: Sequence[str], synonyms: Mapping[str, Sequence[str]]) -> dict[str, str | None]:
    """Map each wanted field to the header that names it, or ``None``.

    A header names a field when its ``codes.slug`` (no accents, case or punctuation: ``"Code_Postal "`` ->
    ``"code postal"``) equals the slug of one of the field's synonyms. Fields are served in the order of
    ``synonyms``, each taking the first matching header (in file order) not already taken by an earlier field.
    """
    keys = [slug(str(header)) for header in headers]
    taken: set[int] = set()
    mapping: dict[str, str | None] = {}
    for wanted, names in synonyms.items():
        targets = {slug(name) for name in names} - {""}
        found = next((i for i, key in enumerate(keys) if i not in taken and key in targets), None)
        if found is not None:
            taken.add(found)
        mapping[wanted] = None if found is None else str(headers[found])
    return mapping
