"""Cell and file readers shared by the producers' parsers: numbers written the French way, département codes,
dates, months and quarters, CSV/JSON exports, XLSX workbooks (ZIP bombs refused), header matching.

Every reader raises :class:`~regions.official.base.RefreshError` naming the file, the column or row and the value.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Final

import numpy as np
import openpyxl
import pandas as pd

from regions import settings, tabular
from regions.codes import slug
from regions.official._http import MAX_DOWNLOAD_BYTES
from regions.official.base import IMPORT_COMMAND, ParsedDataset, RefreshError

#: Largest number of rows read from an official CSV (``settings.OFFICIAL_MAX_ROWS``).
MAX_ROWS: Final[int] = settings.OFFICIAL_MAX_ROWS
#: Overseas collectivities that some files list beside the départements; they are left out, with a note.
COLLECTIVITIES: Final[frozenset[str]] = frozenset({"975", "977", "978", "984", "986", "987", "988", "989"})
#: Cells that mean "no figure" (compared case-insensitively): NaN, never 0.
MISSING_MARKS: Final[frozenset[str]] = frozenset(
    {"", "na", "nan", "n.a.", "nd", "n.d.", "n/d", "s", "-", "–", "—", "...", "…", "null", "none", "secret"}
)
#: A number once its spaces are removed: decimal point or comma, optional sign and exponent.
PLAIN_NUMBER: Final[re.Pattern[str]] = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?$")
#: Spaces a number may hold as thousands separators (no-break and thin spaces included).
SPACES: Final[re.Pattern[str]] = re.compile(r"[\s\u00a0\u202f]+")
#: The first bytes of a ZIP archive (an XLSX workbook is one).
ZIP_MAGIC: Final[bytes] = b"PK\x03\x04"
_CODE_TEXT: Final[re.Pattern[str]] = re.compile(r"^(?:\d{1,3}|2[AB])$", re.IGNORECASE)
_INTEGRAL: Final[re.Pattern[str]] = re.compile(r"^(\d+)\.0+$")
_MONTHS: Final[tuple[re.Pattern[str], ...]] = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})(?:-\d{2})?(?:[T ].*)?$"),
    re.compile(r"^(?:\d{2}/)?(?P<m>\d{2})/(?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})M(?P<m>\d{2})$"),
)
_QUARTERS: Final[tuple[re.Pattern[str], ...]] = tuple(
    re.compile(rf"^(?:taux )?{body}(?: p)?$")
    for body in (
        r"(?P<q>[1-4])(?:e|er|eme|re)? trim(?:estre)? (?P<y>\d{4})",
        r"t(?P<q>[1-4]) ?(?P<y>\d{4})",
        r"(?P<y>\d{4}) ?[tq](?P<q>[1-4])",
        r"q(?P<q>[1-4]) ?(?P<y>\d{4})",
    )
)
_OLE_MAGIC: Final[bytes] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def number(value: object, where: str) -> float:
    """A cell as a float: numbers as they are, text with a decimal comma and spaces as thousands separators;
    blanks and the usual "not available" marks give NaN. Anything else raises :class:`RefreshError`."""
    if value is None:
        return math.nan
    if isinstance(value, bool):
        raise RefreshError(f"{where} : {value!r} n'est pas un nombre")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if text.casefold() in MISSING_MARKS:
        return math.nan
    compact = SPACES.sub("", text)
    if not PLAIN_NUMBER.match(compact):
        raise RefreshError(f"{where} : {text!r} n'est pas un nombre")
    return float(compact.replace(",", "."))


def numbers(values: pd.Series, where: str, codes: pd.Series) -> pd.Series:
    return pd.Series(
        [number(v, f"{where}, ligne {c}") for v, c in zip(values, codes, strict=True)], index=values.index, dtype=float
    )


def departement_code(value: object) -> str | None:
    """A département code as text (``1`` or ``1.0`` -> ``01``, ``2a`` -> ``2A``), or None for a cell that is no code
    (a total row, a blank, a name). Codes that are no département (``20``, ``99``) come back as text: validation
    names them."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if math.isnan(value) or not value.is_integer():
            return None
        value = int(value)
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
        integral = _INTEGRAL.match(text)
        text = integral.group(1) if integral else text
    else:
        return None
    if not _CODE_TEXT.match(text):
        return None
    text = text.upper()
    return text.zfill(2) if text.isdigit() and len(text) < 3 else text


def iso_date(text: str, where: str) -> str:
    """``2026-06-30``, ``2026-06-30T00:00:00`` or ``30/06/2026`` -> ``2026-06-30``."""
    value = text.strip()
    if match := re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$", value):
        year, month, day = match.groups()
    elif match := re.match(r"^(\d{2})/(\d{2})/(\d{4})$", value):
        day, month, year = match.groups()
    else:
        raise RefreshError(f"{where} : date {text!r} non reconnue (attendu : AAAA-MM-JJ)")
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError as error:
        raise RefreshError(f"{where} : date {text!r} impossible") from error


def month(text: str, where: str) -> str:
    """``2026-01``, ``2026-01-31``, ``01/2026``, ``2026M01`` -> ``2026-01``."""
    value = text.strip()
    for pattern in _MONTHS:
        if match := pattern.match(value):
            year, month = int(match["y"]), int(match["m"])
            if 1 <= month <= 12:
                return f"{year:04d}-{month:02d}"
    raise RefreshError(f"{where} : mois {text!r} non reconnu (attendu : AAAA-MM)")


def quarter(cell: object) -> str | None:
    """A quarter header (``3ᵉ trim. 2025 (p)``, ``T3 2025``, ``2025-T3``) as ``2025-Q3``, else None."""
    if not isinstance(cell, str):
        return None
    key = slug(cell)
    for pattern in _QUARTERS:
        if match := pattern.match(key):
            return f"{match['y']}-Q{match['q']}"
    return None


def check_not_html(data: bytes, name: str, url: str) -> None:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head[:512]:
        raise RefreshError(
            f"{name} : le serveur a renvoyé une page web au lieu du fichier attendu (page d'erreur ou de protection"
            f" anti-robots ?) ; téléchargez-le depuis {url} avec un navigateur et importez-le avec `{IMPORT_COMMAND}`",
            url=url,
        )


def read_records(data: bytes, name: str, url: str) -> pd.DataFrame:
    """An official CSV (any delimiter and encoding ``tabular`` reads) or JSON export (a list of records, or
    Opendatasoft's ``{"results": [...]}``) as a table of text, empty cells as ``""``."""
    check_not_html(data, name, url)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"[", b"{"):
        try:
            payload = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise RefreshError(f"{name} : JSON illisible ({error})", url=url) from error
        records = payload.get("results") if isinstance(payload, dict) else payload
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise RefreshError(f"{name} : JSON sans liste d'enregistrements", url=url)
        cells = [{str(k): "" if v is None else str(v) for k, v in record.items()} for record in records]
        return pd.DataFrame.from_records(cells).fillna("")
    try:
        return tabular.read_table(data, name, max_bytes=MAX_DOWNLOAD_BYTES, max_rows=MAX_ROWS).frame
    except tabular.TabularError as error:
        raise RefreshError(f"{name} : {error}", url=url) from error


def columns(
    frame: pd.DataFrame, wanted: Mapping[str, Sequence[str]], required: Sequence[str], name: str, url: str
) -> dict[str, str | None]:
    """Map each wanted field to its header (see ``tabular.match_columns``); a missing required one raises."""
    found = tabular.match_columns(list(frame.columns), wanted)
    missing = [key for key in required if found[key] is None]
    if missing:
        accepted = "; ".join(f"{key} : {', '.join(wanted[key])}" for key in missing)
        seen = ", ".join(map(str, list(frame.columns)[:25]))
        raise RefreshError(
            f"{name} : présentation non reconnue — colonne(s) {', '.join(missing)} introuvable(s)"
            f" (noms acceptés : {accepted}) ; colonnes du fichier : {seen}",
            url=url,
        )
    return found


def keep_departements(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Rows whose ``column`` holds a département code (as ``code``), without the overseas collectivities."""
    codes = frame[column].map(departement_code)
    kept = frame.assign(code=codes)[codes.notna()]
    outside = kept["code"].isin(COLLECTIVITIES)
    notes: tuple[str, ...] = ()
    if outside.any():
        listed = ", ".join(sorted(set(kept.loc[outside, "code"])))
        notes = (f"collectivités d'outre-mer laissées de côté (pas des départements) : {listed}",)
    return kept[~outside], notes


def parsed(
    dataset_id: str, figures: dict[str, pd.Series], codes: pd.Series, periods: dict[str, frozenset[str]], url: str,
    notes: Sequence[str] = (),
) -> ParsedDataset:  # fmt: skip
    frame = pd.DataFrame({"code": codes.astype(str).to_numpy()})
    for column, values in figures.items():
        frame[column] = values.to_numpy(dtype=float)
    frame["source_url"] = url
    return ParsedDataset(dataset_id, frame, periods, url, tuple(notes))


def xlsx_rows(data: bytes, name: str, url: str) -> list[tuple[str, list[list[object]]]]:
    """Every worksheet of an XLSX file (or of the first XLSX inside a ZIP archive) as rows of cell values."""
    if data.startswith(_OLE_MAGIC):
        raise RefreshError(f"{name} : classeur Excel 97-2003 (.xls), non pris en charge (attendu : .xlsx)", url=url)
    check_not_html(data, name, url)
    try:
        with tabular.open_archive(data) as archive:  # a ZIP bomb is refused before anything is decompressed
            members = archive.namelist()
            if "[Content_Types].xml" not in members:
                inner = [m for m in members if m.lower().endswith(".xlsx")]
                if not inner:
                    listed = ", ".join(members[:10])
                    raise RefreshError(f"{name} : archive ZIP sans classeur .xlsx (contenu : {listed})", url=url)
                data = archive.read(inner[0])
                tabular.open_archive(data).close()  # the workbook inside, checked the same way
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except tabular.TabularError as error:
        raise RefreshError(f"{name} : {error}", url=url) from error
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise RefreshError(f"{name} : ce n'est pas un classeur XLSX lisible ({error})", url=url) from error
    try:
        return [(str(ws.title), [list(row) for row in ws.iter_rows(values_only=True)]) for ws in workbook.worksheets]
    finally:
        workbook.close()


def commune_numbers(values: pd.Series, where: str, codes: pd.Series) -> pd.Series:
    """:func:`numbers` for long columns, vectorised: the same rules, the same messages."""
    text = values.fillna("").astype(str).str.strip()
    missing = text.str.casefold().isin(MISSING_MARKS)
    compact = text.str.replace(SPACES.pattern, "", regex=True)
    wrong = ~missing & ~compact.str.match(PLAIN_NUMBER.pattern)
    if wrong.any():
        first = int(np.argmax(wrong.to_numpy()))
        raise RefreshError(f"{where}, ligne {codes.iloc[first]} : {text.iloc[first]!r} n'est pas un nombre")
    return pd.to_numeric(compact.where(~missing).str.replace(",", ".", regex=False)).astype(float)
