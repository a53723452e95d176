"""Read an applicant file and join every row to a commune (matched + unmatched = rows read).

:func:`import_file` reads a recruiter's export (CSV in any encoding Excel gives it, or XLSX) with
``tabular.read_table``, in memory only; :func:`import_frame` does the rest on a table already read. Each row is
located by the one commune locator, :func:`regions.locate.locate`, each failure with a reason code. Cell values are
never logged (counts only).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from regions import locate, settings, tabular
from regions.applicants.fields import ColumnMapping, _full_mapping, check_mapping, detect_mapping
from regions.applicants.selection import TRAVEL_COLUMN
from regions.locate import LOCATION_FIELDS, METHODS, REASON_LABELS, REASONS, IntArray

_LOG = logging.getLogger(__name__)

#: Columns added to the matched and unmatched tables (an input column of the same name gets `` (fichier)``).
MATCHED_COLUMNS: Final[tuple[str, ...]] = (
    "row",
    "commune_code",
    "commune_name",
    "dep_code",
    "reg_code",
    "match_method",
)
UNMATCHED_COLUMNS: Final[tuple[str, ...]] = ("row", "reason", "reason_label")


@dataclass(frozen=True, eq=False)
class ImportResult:
    """An applicant file joined to communes.

    ``matched``: the input columns as read + ``row`` (file line), ``commune_code``, ``commune_name``, ``dep_code``,
    ``reg_code``, ``match_method`` (a code of ``METHODS``). ``unmatched``: the input columns + ``row``, ``reason``
    (a code of ``REASONS``) and ``reason_label`` (French). ``mapping``: every field -> its column in both tables.
    ``detected``: how the file was read (format, encoding, delimiter or sheet).
    """

    matched: pd.DataFrame
    unmatched: pd.DataFrame
    rows_read: int
    mapping: ColumnMapping
    detected: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n_matched, n_unmatched = len(self.matched), len(self.unmatched)
        if n_matched + n_unmatched != self.rows_read:
            raise ValueError(f"{n_matched} matched + {n_unmatched} unmatched rows != {self.rows_read} rows read")
        rows = pd.Index(np.concatenate([self.matched["row"].to_numpy(), self.unmatched["row"].to_numpy()]))
        if not rows.is_unique:
            raise ValueError("a row is both matched and unmatched, or listed twice")

    def report(self) -> dict[str, object]:
        """``{"rows_read", "matched": {method: n}, "unmatched": {reason: n}, "detected"}``, non-zero entries only."""
        methods = self.matched["match_method"].value_counts()
        reasons = self.unmatched["reason"].value_counts()
        return {
            "rows_read": self.rows_read,
            "matched": {method: int(methods[method]) for method in METHODS if method in methods.index},
            "unmatched": {reason: int(reasons[reason]) for reason in REASONS if reason in reasons.index},
            "detected": dict(self.detected),
        }


def import_file(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    mapping: ColumnMapping | None = None,
    max_bytes: int = settings.CANDIDATES_MAX_BYTES,
    max_rows: int = settings.CANDIDATES_MAX_ROWS,
) -> ImportResult:
    """Read an applicant file (bytes, in memory) and join it to communes; ``tabular.TabularError`` propagates."""
    table = tabular.read_table(data, filename, sheet=sheet, max_bytes=max_bytes, max_rows=max_rows)
    return import_frame(table.frame, mapping, line_numbers=table.line_numbers or None, detected=table.detected)


def import_frame(
    frame: pd.DataFrame,
    mapping: ColumnMapping | None = None,
    *,
    line_numbers: Sequence[int] | None = None,
    detected: dict[str, str] | None = None,
) -> ImportResult:
    """Join every row of an applicant table to a commune, or say why it cannot be (see the module docstring).

    ``mapping`` defaults to :func:`detect_mapping` of the headers and is checked with :func:`check_mapping`.
    ``line_numbers``: the file line of each row (``ReadResult.line_numbers``); default: header on line 1, row *i*
    (from 0) on line *i* + 2.
    """
    headers = [str(column) for column in frame.columns]
    if len(set(headers)) != len(headers):
        raise ValueError("Le tableau a des noms de colonnes en double ; renommez-les")
    mapping = _full_mapping(detect_mapping(headers) if mapping is None else mapping)
    check_mapping(mapping, headers)
    lines = _line_numbers(len(frame), line_numbers)
    table = frame.set_axis(headers, axis=1).reset_index(drop=True)
    located = locate.locate(table, {name: mapping[name] for name in LOCATION_FIELDS})
    commune, method, reason = located.commune, located.method, located.reason
    renamed = _rename_collisions(headers)
    table = table.rename(columns=renamed)
    mapping = {name: None if column is None else renamed.get(column, column) for name, column in mapping.items()}
    result = ImportResult(
        matched=_matched_frame(table, lines, commune, method),
        unmatched=_unmatched_frame(table, lines, commune, reason),
        rows_read=len(table),
        mapping=mapping,
        detected=dict(detected or {}),
    )
    summary = result.report()
    _LOG.info(
        "applicant import: %d rows read, %d matched %s, %d unmatched %s",
        result.rows_read,
        len(result.matched),
        summary["matched"],
        len(result.unmatched),
        summary["unmatched"],
    )
    return result


def _line_numbers(n_rows: int, line_numbers: Sequence[int] | None) -> IntArray:
    if line_numbers is None:
        return np.arange(2, n_rows + 2, dtype=np.int64)
    lines = np.asarray(line_numbers, dtype=np.int64)
    if len(lines) != n_rows:
        raise ValueError(f"`line_numbers` has {len(lines)} items but the table has {n_rows} rows")
    if not (np.diff(lines) > 0).all() and not pd.Index(lines).is_unique:  # increasing (a file's order): unique
        raise ValueError("`line_numbers` repeats a line; each row must have its own")
    return lines


def _rename_collisions(headers: Sequence[str]) -> dict[str, str]:
    """Input columns named like an added column get `` (fichier)`` (then more marks if still taken)."""
    reserved = {*MATCHED_COLUMNS, *UNMATCHED_COLUMNS, TRAVEL_COLUMN}
    taken = set(headers) | reserved
    renamed: dict[str, str] = {}
    for header in headers:
        if header in reserved:
            new = f"{header} (fichier)"
            while new in taken:
                new += "'"
            taken.add(new)
            renamed[header] = new
    return renamed


def _matched_frame(table: pd.DataFrame, lines: IntArray, commune: IntArray, method: IntArray) -> pd.DataFrame:
    located = commune >= 0
    positions = np.flatnonzero(located)
    out = table[located].reset_index(drop=True)  # a mask: Arrow filters most rows faster than it takes them
    out["row"] = lines[positions]
    chosen = commune[positions]
    for column, values in _commune_columns().items():
        out[column] = values.take(chosen)
    out["match_method"] = _text_array(METHODS).take(method[positions])
    return out


def _unmatched_frame(table: pd.DataFrame, lines: IntArray, commune: IntArray, reason: IntArray) -> pd.DataFrame:
    positions = np.flatnonzero(commune < 0)
    out = table.take(positions).reset_index(drop=True)
    out["row"] = lines[positions]
    out["reason"] = _text_array(REASONS).take(reason[positions])
    out["reason_label"] = _text_array(tuple(REASON_LABELS[code] for code in REASONS)).take(reason[positions])
    return out


@functools.cache
def _text_array(values: tuple[str, ...]) -> pd.api.extensions.ExtensionArray:
    """A pandas text array (taking from it is fast and gives the default text dtype)."""
    return pd.array(list(values), dtype="str")


@functools.cache
def _commune_columns() -> dict[str, pd.api.extensions.ExtensionArray]:
    """Added matched columns, per commune position."""
    table = locate.communes()
    sources = {"commune_code": "code", "commune_name": "name", "dep_code": "dep_code", "reg_code": "reg_code"}
    return {column: _text_array(tuple(table[source].astype(str).tolist())) for column, source in sources.items()}
