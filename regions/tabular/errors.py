"""The one error of the tabular readers (:class:`TabularError`: a reason code and a French message shown as
is), and the French sizes and counts its messages use."""

from __future__ import annotations

import math
from collections.abc import Sequence

from regions.tabular.limits import _NARROW_NBSP, MAX_UPLOAD_COLUMNS


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
