"""The limits of a user's file (size, rows, columns, cells, ZIP expansion: tunables of ``regions.settings``) and
the readers' constants."""

from __future__ import annotations

import re
from typing import Final

#: The tunable limits live in ``regions.settings``; re-exported here for the readers.
from regions.settings import MAX_EXPANDED_BYTES as MAX_EXPANDED_BYTES
from regions.settings import MAX_UPLOAD_BYTES as MAX_UPLOAD_BYTES
from regions.settings import MAX_UPLOAD_CELLS as MAX_UPLOAD_CELLS
from regions.settings import MAX_UPLOAD_COLUMNS as MAX_UPLOAD_COLUMNS
from regions.settings import MAX_UPLOAD_ROWS as MAX_UPLOAD_ROWS
from regions.settings import MAX_XLSX_EXPANSION as MAX_XLSX_EXPANSION
from regions.settings import MAX_ZIP_MEMBERS as MAX_ZIP_MEMBERS
from regions.settings import MAX_ZIP_RATIO as MAX_ZIP_RATIO

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
