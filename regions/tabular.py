"""Read a user's CSV or XLSX file safely into a table of text, and map its columns to the fields we need.

Used for uploads (contact-centre sites, applicant files). Everything is read as text: codes keep their leading
zeros, nothing is parsed as a number or a date, and nothing in the file is executed or evaluated (formulas are not
computed: an XLSX cell gives the value Excel last saved, a CSV cell its text).

CSV
    Encoding: a byte-order mark decides (``utf-8-sig``, ``utf-16``); else valid UTF-8 is ``utf-8``; else
    ``cp1252``, the Windows superset of latin-1 that French Excel writes. Delimiter: ``;``, ``,`` or tab, chosen by
    ``csv.Sniffer`` when its choice splits the header and the first records consistently, else the delimiter that
    splits the header into the most fields and the records most consistently. Quoted fields may hold delimiters and
    line breaks. Control characters are kept as text (a file with more than 10 % of them is not text), but a NUL
    character refuses the file, naming its line.
Stray quotes (every row accounted for)
    A quote opened and never closed would swallow the rest of the file into one cell: the applicants of those lines
    lost, their cells (RQTH, family…) carried inside another column. So a quoted field that spans several lines is
    refused — :class:`TabularError` ``unclosed_quote``, naming the line where the quote opens, its column, the lines
    it swallows, and what to do (close the quote or remove the stray ``"``) — when the quote is still open at the
    end of the file, closes in the middle of a text (``"…"x``), or swallows a line that, read alone, has exactly the
    fields of a record (two such lines for a table of two columns; never for a single column). A real multi-line
    cell (an address on two lines) is read as one cell. Nothing is read from a refused file, so that every reader
    (applicants in the app and ``regions candidates``, sites, ``regions data import``) behaves the same and
    ``rows_read`` is always the number of rows a spreadsheet shows.
XLSX
    Recognised by its content (a ZIP archive) or its ``.xlsx``/``.xlsm`` extension; read with openpyxl in
    read-only mode, the first worksheet or the one named. Whole numbers lose their ``.0`` (``75001.0`` ->
    ``"75001"``), a number shown with leading zeros by an ``00000`` format keeps them (``1001`` -> ``"01001"``),
    dates become ISO text (``2024-03-01``), booleans ``VRAI``/``FAUX`` as French Excel shows them. The sheet's XML
    is streamed: only the rows and cells it holds are read (a 5 Ko sheet declaring row 15 000 000 or cell ``XFD1``
    creates nothing), each limit below is checked as soon as a row shows it, before anything is created.

Both: the header is the first non-empty line; header names and cells are stripped of surrounding whitespace; a
blank header cell is named ``colonne N``; fully empty trailing rows are dropped (empty rows between data rows are
kept, as rows of empty strings, so that every line of the file is accounted for). ``ReadResult.line_numbers``
gives the line (CSV) or sheet row (XLSX) where each data row starts, the header being line 1 when it is the file's
first line.

Limits: ``MAX_UPLOAD_BYTES`` (size of the file) and ``MAX_UPLOAD_ROWS`` (data rows), the defaults of
:func:`read_table`; ``MAX_UPLOAD_COLUMNS`` (a value beyond refuses the file); for XLSX, no row beyond Excel's last
(``EXCEL_MAX_ROWS``) and at most ``MAX_UPLOAD_CELLS`` cells, empty rows between filled ones included. Every ZIP
archive (XLSX here, official ZIPs in ``regions.official``) is opened by :func:`open_archive`, which refuses a ZIP bomb
before decompressing anything: too many members, an expansion beyond ``MAX_XLSX_EXPANSION`` times ``max_bytes``
(never beyond ``MAX_EXPANDED_BYTES``), or a member expanding more than ``MAX_ZIP_RATIO`` times.
Every problem raises :class:`TabularError`, whose message is French, names the limit or the line, and is meant to
be shown as is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Final

import numpy as np
import pandas as pd

from regions import arrow_csv
from regions.codes import slug

#: Largest file accepted (bytes): 10 Mo.
MAX_UPLOAD_BYTES: Final[int] = 10 * 1024 * 1024

#: Largest number of data rows accepted (the header not counted).
MAX_UPLOAD_ROWS: Final[int] = 200_000

#: Largest number of columns accepted (a value beyond it refuses the file; XLSX empty cells beyond do not count).
MAX_UPLOAD_COLUMNS: Final[int] = 1_000

#: Largest number of cells (rows × columns) an XLSX sheet may give: rows between filled ones are kept, as empty rows,
#: so that a sparse sheet could otherwise ask for millions of empty cells.
MAX_UPLOAD_CELLS: Final[int] = 20_000_000

#: An XLSX archive may hold at most this many times ``max_bytes`` once decompressed (guards against ZIP bombs)…
MAX_XLSX_EXPANSION: Final[int] = 40

#: …and never more than this, whatever ``max_bytes`` (1 Gio: a full Excel sheet of a million rows fits).
MAX_EXPANDED_BYTES: Final[int] = 1024 * 1024 * 1024

#: A member of a ZIP archive over ``_RATIO_FLOOR`` may not expand more than this many times its compressed size
#: (spreadsheets compress 10 to 20 times; a ZIP bomb a thousand times).
MAX_ZIP_RATIO: Final[int] = 100

#: Largest number of members of a ZIP archive (a workbook has a few dozen).
MAX_ZIP_MEMBERS: Final[int] = 1_000

#: Last row and column of an Excel sheet (``XFD1048576``): a sheet that declares a row or cell beyond is refused.
EXCEL_MAX_ROWS: Final[int] = 1_048_576

#: Delimiters tried on CSV files, in order of preference when nothing else decides.
DELIMITERS: Final[tuple[str, ...]] = (";", ",", "\t")

_ZIP_MAGIC: Final[bytes] = b"PK\x03\x04"
_OLE_MAGIC: Final[bytes] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
_XLSX_EXTENSIONS: Final[frozenset[str]] = frozenset({".xlsx", ".xlsm"})
_OTHER_FORMATS: Final[dict[str, str]] = {
    ".xls": "classeur Excel 97-2003 (.xls)",
    ".xlsb": "classeur Excel binaire (.xlsb)",
    ".ods": "classeur OpenDocument (.ods)",
    ".numbers": "classeur Numbers (.numbers)",
    ".pdf": "document PDF",
    ".doc": "document Word",
    ".docx": "document Word",
    ".odt": "document OpenDocument",
    ".json": "fichier JSON",
    ".xml": "fichier XML",
    ".parquet": "fichier Parquet",
    ".zip": "archive ZIP",
    ".gz": "archive gzip",
}
_BINARY_MAGICS: Final[dict[bytes, str]] = {
    b"%PDF": "document PDF",
    b"\x1f\x8b": "archive gzip",
    b"PAR1": "fichier Parquet",
}
_FORMAT_HINT: Final[str] = "CSV ou XLSX attendu"
_OLE_KIND: Final[str] = "classeur Excel 97-2003 (.xls) ou classeur protégé par un mot de passe"
_NOT_READABLE: Final[str] = "Le fichier n'est pas un texte CSV lisible ni un classeur XLSX"
_SNIFF_CHARS: Final[int] = 64 * 1024
_SNIFF_RECORDS: Final[int] = 200
_MAX_LISTED_LINES: Final[int] = 5
_MAX_CONTROL_SHARE: Final[float] = 0.1  # binary data has about 12 %; UTF-16 without its mark, 50 %
_MIN_CONTROLS: Final[int] = 8  # control characters always tolerated (kept as text), whatever the file's size
_RATIO_FLOOR: Final[int] = 1024 * 1024
_EOCD: Final[bytes] = b"PK\x05\x06"  # end of central directory record
_MAX_DIRECTORY_BYTES: Final[int] = MAX_ZIP_MEMBERS * 1024  # central directory read before the members are counted
_SHEET_NS: Final[str] = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_LEADING_ZEROS_FORMAT: Final[re.Pattern[str]] = re.compile(r"^0+$")
_NARROW_NBSP: Final[str] = "\u202f"
_BLANK_BYTES: Final[re.Pattern[bytes]] = re.compile(rb"[ \t\r\n\x00]*")
_BLANK_TEXT: Final[re.Pattern[str]] = re.compile("[" + re.escape("".join(DELIMITERS) + " \r\n\ufeff") + "]*")


class TabularError(ValueError):
    """A file that cannot be read as a table; ``str(error)`` is a French message for the user.

    ``reason`` is a short machine-readable cause: ``empty``, ``header_only``, ``duplicate_columns``, ``too_big``,
    ``too_many_rows``, ``too_many_columns``, ``too_many_cells``, ``zip_bomb``, ``unknown_format``, ``not_text``,
    ``ragged_rows``, ``unclosed_quote``, ``malformed_csv``, ``invalid_xlsx``, ``unknown_sheet``, ``no_sheet``.
    ``lines`` names the offending lines when there are some (ragged rows, a stray quote, a NUL character),
    ``sheets`` the sheet names of the workbook (unknown sheet).
    """

    def __init__(self, reason: str, message: str, *, lines: Sequence[int] = (), sheets: Sequence[str] = ()) -> None:
        self.reason = reason
        self.message = message
        self.lines = tuple(lines)
        self.sheets = tuple(sheets)
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_error, (self.reason, self.message, self.lines, self.sheets))


def _rebuild_error(reason: str, message: str, lines: tuple[int, ...], sheets: tuple[str, ...]) -> TabularError:
    return TabularError(reason, message, lines=lines, sheets=sheets)


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


# --- CSV ----------------------------------------------------------------------------------------------------------


def _reject_other_formats(data: bytes, extension: str) -> None:
    if data.startswith(_OLE_MAGIC):
        raise TabularError(
            "unknown_format", f"Format non reconnu : {_OLE_KIND} ({_FORMAT_HINT} ; enregistrez-le en .xlsx)"
        )
    for magic, kind in _BINARY_MAGICS.items():
        if data.startswith(magic):
            raise TabularError("unknown_format", f"Format non reconnu : {kind} ({_FORMAT_HINT})")
    if extension in _OTHER_FORMATS:
        raise TabularError("unknown_format", f"Format non reconnu : {_OTHER_FORMATS[extension]} ({_FORMAT_HINT})")


def _read_csv(data: bytes, max_rows: int) -> tuple[pd.DataFrame, list[int], dict[str, str]]:
    """Decode, detect the delimiter, then parse: pandas' C parser when every record is one line and the table is
    regular (the common case, fast on large files), else record by record (line numbers across quoted line
    breaks, and the exact message for ragged rows). Both give the same table."""
    text, encoding = _decode(data)
    _check_is_text(text)
    if _BLANK_TEXT.fullmatch(text):  # nothing but blanks and delimiters
        raise TabularError("empty", "Fichier vide")
    delimiter = _detect_delimiter(text)
    raw = {"utf-8": data, "utf-8-sig": data[3:]}.get(encoding)  # the text's UTF-8 bytes, when they are the file's
    fast = _fast_csv(text, delimiter, max_rows, raw)
    header_line, frame, lines = fast if fast is not None else _careful_csv(text, delimiter, max_rows)
    detected = {"format": "csv", "encoding": encoding, "delimiter": delimiter, "header_line": str(header_line)}
    return frame, lines, detected


def _fast_csv(
    text: str, delimiter: str, max_rows: int, raw: bytes | None = None
) -> tuple[int, pd.DataFrame, list[int]] | None:
    """The table through pyarrow's multi-threaded reader (``regions.arrow_csv``), or None when it cannot give
    exactly what :func:`_careful_csv` gives (a line break inside quotes, a stray quote, a ragged row, a lone
    carriage return, a field too long): the careful path then decides, and explains. Regular exports take this
    path, so that a million rows read in well under a second."""
    cells = arrow_csv.regular_cells(text, delimiter, raw)
    if cells is None:
        return None
    filled = arrow_csv.filled_rows(cells)
    if not filled.any():
        return None
    first = int(np.argmax(filled))
    header = _header([str(value) for value in cells.slice(first, 1).to_pylist()[0].values()])
    width = len(header)
    if width > MAX_UPLOAD_COLUMNS:
        raise _too_many_columns(width, None)
    body_filled = filled[first + 1 :]
    beyond = cells.slice(first + 1).select(list(range(width, cells.num_columns)))
    if beyond.num_columns and arrow_csv.filled_rows(beyond).any():
        return None  # cells beyond the header: ragged, the careful path words the error
    last_filled = int(np.flatnonzero(body_filled)[-1]) + 1 if body_filled.any() else 0
    if last_filled > max_rows:
        raise TabularError("too_many_rows", f"Trop de lignes : plus de {_count(max_rows)} (maximum {_count(max_rows)})")
    if last_filled == 0:
        raise TabularError("header_only", "Le fichier ne contient qu'une ligne d'en-tête")
    body = cells.slice(first + 1, last_filled).select(list(range(width)))
    return first + 1, arrow_csv.to_frame(body, header), list(range(first + 2, first + 2 + last_filled))


def _careful_csv(text: str, delimiter: str, max_rows: int) -> tuple[int, pd.DataFrame, list[int]]:
    names: list[str] = []  # the header, once read: names the column of a quote never closed
    records = _records(text, delimiter, header=names)
    first = next((record for record in records if any(cell.strip() for cell in record[1])), None)
    if first is None:
        raise TabularError("empty", "Fichier vide")
    header_line, raw_header, physical = first
    _check_quoted_span(header_line, physical, delimiter, len(raw_header), ())
    header = _header([cell.strip() for cell in raw_header])
    names.extend(header)
    width = len(header)
    if width > MAX_UPLOAD_COLUMNS:
        raise _too_many_columns(width, None)
    rows: list[list[str]] = []
    lines: list[int] = []
    ragged: list[tuple[int, int]] = []
    last_filled = 0  # number of rows up to the last non-empty one
    for line, raw, physical in records:
        _check_quoted_span(line, physical, delimiter, width, header)
        cells = [cell.strip() for cell in raw]
        filled = any(cells)
        if not filled:
            cells = [""] * width
        elif len(cells) > width and not any(cells[width:]):
            cells = cells[:width]  # trailing delimiters with nothing after them
        if len(cells) != width:
            ragged.append((line, len(cells)))
            continue
        rows.append(cells)
        lines.append(line)
        if filled:
            last_filled = len(rows)
            if last_filled > max_rows:
                raise TabularError(
                    "too_many_rows", f"Trop de lignes : plus de {_count(max_rows)} (maximum {_count(max_rows)})"
                )
    if ragged:
        raise _ragged_error(ragged, width, delimiter)
    del rows[last_filled:], lines[last_filled:]
    if not rows:
        raise TabularError("header_only", "Le fichier ne contient qu'une ligne d'en-tête")
    return header_line, _frame(header, rows), lines


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        raise TabularError("not_text", _NOT_READABLE) from error


def _check_is_text(text: str) -> None:
    """Refuse binary content: more than 10 % of control characters other than tab/CR/LF (eight are always
    tolerated, except NUL), or NUL characters (the line of the first named when the rest is text)."""
    sample = text[: _SNIFF_CHARS * 4]
    controls = sum(1 for ch in sample if ch not in "\t\r\n" and unicodedata.category(ch) == "Cc")
    if controls > max(_MAX_CONTROL_SHARE * len(sample), _MIN_CONTROLS):
        raise TabularError("not_text", _NOT_READABLE)
    first_nul = text.find("\x00")
    if first_nul < 0:
        return
    if controls > _MAX_CONTROL_SHARE * len(sample):  # a few characters, and mostly control ones
        raise TabularError("not_text", _NOT_READABLE)
    line = text.count("\n", 0, first_nul) + 1
    message = (
        f"Ligne {line} : caractère nul (octet 0) au milieu du texte ; supprimez-le, ou réenregistrez le fichier en "
        "CSV UTF-8, puis importez-le de nouveau"
    )
    raise TabularError("not_text", message, lines=[line])


def _records(
    text: str, delimiter: str, limit: int | None = None, header: Sequence[str] = ()
) -> Iterator[tuple[int, list[str], list[str]]]:
    """``(first line, cells, physical lines)`` of each record; a blank line gives ``[]``.

    A field that grows beyond the csv module's limit can only be a quote never closed: it is refused as such,
    naming its column from ``header`` (which the caller may fill once it has read the header).
    """
    physical = io.StringIO(text, newline="").readlines()  # the lines as the csv module counts them
    reader = csv.reader(physical, delimiter=delimiter)
    count = 0
    while limit is None or count < limit:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            taken = physical[start - 1 : reader.line_num]
            if len(taken) > 1:  # a field beyond the csv module's limit: a quote that swallows the rest of the file
                index = _opening_field(taken, delimiter)
                column = header[index] if index < len(header) else f"colonne {index + 1}"
                raise _unclosed_quote_error(start, column, None, start + len(taken) - 1, cut=True) from error
            message = f"Ligne {start} : CSV mal formé ({error}) ; un guillemet n'est-il pas fermé ?"
            raise TabularError("malformed_csv", message) from error
        count += 1
        yield start, cells, physical[start - 1 : reader.line_num]


def _check_quoted_span(start: int, lines: list[str], delimiter: str, width: int, header: Sequence[str]) -> None:
    """Refuse a record whose quoted field spans several physical lines when that quote is most likely stray.

    A quoted cell may hold line breaks (an address on two lines); but a quote opened and never closed swallows the
    rest of the file into one cell, and one closed only by a later stray quote swallows whole records: their
    applicants would be lost and their cells carried inside another column. Such a span is refused when the quote
    is still open at the end of the file, when it closes in the middle of a text (``"…"x``), or when a swallowed
    line has exactly the ``width`` fields of a record: read alone for a line inside the span, up to the closing quote
    for the last one (two such lines for a table of two columns, where one delimiter in a text proves little; never
    for a single column).
    """
    if len(lines) < 2:
        return
    never_closed = False
    try:
        list(csv.reader(lines, delimiter=delimiter, strict=True))
    except csv.Error as error:
        never_closed = "end of data" in str(error)
        broken = True  # still open at the end of the file, or closed in the middle of a text
    else:
        inner = sum(1 for line in lines[1:-1] if _field_count(line, delimiter) == width)
        last = _closing_text(lines[-1]).count(delimiter) + 1 == width  # the text of the last line up to the quote
        broken = width >= 2 and inner + last >= (1 if width >= 3 else 2)  # two columns: "12 rue X, bât. B" no proof
    if broken:
        index = _opening_field(lines, delimiter)
        column = header[index] if index < len(header) else f"colonne {index + 1}"
        end = start + len(lines) - 1
        raise _unclosed_quote_error(start, column, None if never_closed else end, end)


def _field_count(line: str, delimiter: str) -> int:
    """Fields of one physical line read alone, trailing empty fields not counted."""
    cells = [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter), [])]
    while cells and not cells[-1]:
        cells.pop()
    return len(cells)


def _closing_text(line: str) -> str:
    """The part of the last line of a quoted field before its closing quote (``""`` being a quote inside)."""
    position = 0
    while (position := line.find('"', position)) >= 0 and line.startswith('""', position):
        position += 2
    return line if position < 0 else line[:position]


def _opening_field(lines: list[str], delimiter: str) -> int:
    """Position (0-based) of the field whose quote opens on the first of ``lines`` and runs past its end."""
    return max(len(next(csv.reader(lines[:1], delimiter=delimiter), [""])) - 1, 0)


def _unclosed_quote_error(
    start: int, column: str, closed_on: int | None, end: int, *, cut: bool = False
) -> TabularError:
    """The quote opened on line ``start`` in ``column`` swallows the lines up to ``end`` (``cut``: and more, the
    csv module gave up on so long a field), closing on line ``closed_on`` (``None``: never)."""
    swallowed = f"la ligne {end}" if end == start + 1 else f"les lignes {start + 1} à {end}"
    if closed_on is None:
        what = "jamais refermé"
        swallowed += " et les suivantes" if cut else " (jusqu'à la fin du fichier)"
    else:
        what = f"refermé seulement ligne {closed_on}"
    message = (
        f'Ligne {start}, colonne « {column} » : guillemet « " » {what} ; il englobe {swallowed} dans une seule '
        'cellule ; fermez ce guillemet ou supprimez le « " » en trop, puis importez de nouveau le fichier'
    )
    return TabularError("unclosed_quote", message, lines=[start])


def _detect_delimiter(text: str) -> str:
    """``csv.Sniffer``'s choice among ``DELIMITERS`` if it is as consistent as the best, else the best one.

    A delimiter is scored on the first records: the number of fields it gives the header, and the share of
    records that then have as many fields (blank lines ignored, trailing empty fields tolerated).
    """
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    scores = {delimiter: _consistency(text, delimiter) for delimiter in DELIMITERS}
    splitting = {d: score for d, score in scores.items() if score[1] >= 2}
    if not splitting:  # a single column: the delimiter that splits no record
        return max(DELIMITERS, key=lambda d: (scores[d][0], d == ","))
    best = max(share for share, _ in splitting.values())
    pool = [d for d in DELIMITERS if d in splitting and splitting[d][0] >= best - 1e-9]
    if sniffed in pool:
        return sniffed
    return max(pool, key=lambda d: splitting[d][1])


def _consistency(text: str, delimiter: str) -> tuple[float, int]:
    """(share of sampled records with the header's field count, header field count) for one delimiter, on the first
    records of the first 256 Ko."""
    sample = text[: _SNIFF_CHARS * 4]
    if len(sample) < len(text) and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]
    counts: list[int] = []
    try:
        for _, cells, _ in _records(sample, delimiter, limit=_SNIFF_RECORDS):
            stripped = [cell.strip() for cell in cells]
            if not any(stripped):
                continue
            while len(stripped) > 1 and not stripped[-1] and (not counts or len(stripped) > counts[0]):
                stripped.pop()  # trailing delimiters beyond the header
            counts.append(len(stripped))
    except TabularError:
        pass  # a field too long to read (a quote never closed): the records before it decide, the reader explains
    if not counts:
        return 0.0, 0
    width, body = counts[0], counts[1:]
    share = sum(1 for count in body if count == width) / len(body) if body else 1.0
    return share, width


def _ragged_error(ragged: list[tuple[int, int]], width: int, delimiter: str) -> TabularError:
    listed = [
        f"ligne {line} : {count} champ{'s' if count > 1 else ''} au lieu de {width}"
        for line, count in ragged[:_MAX_LISTED_LINES]
    ]
    message = " ; ".join(listed)
    message = message[0].upper() + message[1:]
    if len(ragged) > _MAX_LISTED_LINES:
        others = len(ragged) - _MAX_LISTED_LINES
        message += f" (et {_count(others)} autre{'s' if others > 1 else ''} ligne{'s' if others > 1 else ''})"
    shown = {";": "« ; »", ",": "« , »", "\t": "tabulation"}[delimiter]
    message += f" — séparateur détecté : {shown} ; vérifiez les guillemets autour des textes qui le contiennent"
    return TabularError("ragged_rows", message, lines=[line for line, _ in ragged])


# --- ZIP archives and XLSX ----------------------------------------------------------------------------------------


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


def _too_many_columns(column: int, row: int | None) -> TabularError:
    where = f"une valeur en colonne {_column_letter(column)} (n° {_count(column)}), ligne {_count(row)}" if row else ""
    where = where or f"{_count(column)} colonnes dans l'en-tête"
    message = f"Trop de colonnes : {where} (maximum {_count(MAX_UPLOAD_COLUMNS)} colonnes)"
    return TabularError("too_many_columns", message)


def _column_letter(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


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


# --- shared steps -------------------------------------------------------------------------------------------------


def _header(names: list[str]) -> list[str]:
    """Trim trailing blank names, name blank ones ``colonne N``; duplicates raise."""
    names = [name.strip() for name in names]
    while names and not names[-1]:
        names.pop()
    taken = {name for name in names if name}
    named: list[str] = []
    for position, name in enumerate(names, start=1):
        if not name:
            name = f"colonne {position}"
            while name in taken:
                name += "'"
            taken.add(name)
        named.append(name)
    duplicated = [name for name, count in Counter(named).items() if count > 1]
    if duplicated:
        listed = ", ".join(duplicated)
        raise TabularError("duplicate_columns", f"Colonnes en double : {listed}")
    return named


def _frame(header: list[str], rows: list[list[str]]) -> pd.DataFrame:
    columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    return pd.DataFrame({name: pd.Series(values, dtype=str) for name, values in columns.items()})


def _size(size: int, up: bool = False) -> str:
    """``12,3 Mo``, ``10 Mo``, ``512 octets`` (French units, 1 Mo = 1024 Ko); ``up`` rounds up (a size over a limit
    never shows as the limit)."""
    for unit, scale in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if size >= scale:
            value = size / scale
            tenths = math.ceil(value * 10) if up else round(value * 10)
            text = str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10},{tenths % 10}"
            return f"{text} {unit}"
    return f"{size} octet{'s' if size > 1 else ''}"


def _count(value: int) -> str:
    return f"{value:,}".replace(",", _NARROW_NBSP)
