"""The limits of a user's file (size, rows, columns, cells, ZIP expansion) and the readers' constants."""

from __future__ import annotations

import re
from typing import Final

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
