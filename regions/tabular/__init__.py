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

from regions.tabular.errors import TabularError
from regions.tabular.limits import (
    DELIMITERS,
    EXCEL_MAX_ROWS,
    MAX_EXPANDED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_CELLS,
    MAX_UPLOAD_COLUMNS,
    MAX_UPLOAD_ROWS,
    MAX_XLSX_EXPANSION,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
)
from regions.tabular.read import ReadResult, match_columns, read_table, sheet_names
from regions.tabular.xlsx import open_archive

__all__ = [
    "DELIMITERS",
    "EXCEL_MAX_ROWS",
    "MAX_EXPANDED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_CELLS",
    "MAX_UPLOAD_COLUMNS",
    "MAX_UPLOAD_ROWS",
    "MAX_XLSX_EXPANSION",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_RATIO",
    "ReadResult",
    "TabularError",
    "match_columns",
    "open_archive",
    "read_table",
    "sheet_names",
]
