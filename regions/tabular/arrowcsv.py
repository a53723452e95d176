"""The fast path of the CSV reader: a regular CSV text parsed by pyarrow's multi-threaded reader, every cell text.

Taken only when the text is *regular*, that is when pyarrow cannot read it differently from the record-by-record
reader of :mod:`regions.tabular.csvfile` (the ``csv`` module): every physical line is one record (no line break inside
quotes), every quote belongs to a well-formed quoted field (opening at the start of a field, closing at its end,
``""`` inside), no lone carriage return, every line with the same number of fields, no field beyond the ``csv``
module's size limit. The quotes and carriage returns are checked on the bytes with numpy, never line by line in
Python; a line break inside quotes shows as fewer records than lines, a line with another number of fields as
pyarrow's own refusal. Anything else gives ``None``: the careful reader then reads the file, or explains what is
wrong (naming the line), so that both give the same table or the same message.

Cells are stripped of the characters ``str.strip`` strips (Unicode whitespace), in Arrow.
"""

from __future__ import annotations

import csv
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

#: Every character ``str.strip()`` removes (``str.isspace``; a test checks the list), for Arrow's trim.
WHITESPACE: Final[str] = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

_QUOTE: Final[int] = ord('"')
_NEWLINE: Final[int] = ord("\n")
_RETURN: Final[int] = ord("\r")


def regular_cells(text: str, delimiter: str, raw: bytes | None = None) -> pa.Table | None:
    """Every record of ``text`` (header included) as a table of stripped strings, one row per physical line, or
    ``None`` when the text is not regular (see the module docstring). Column names are ``f0``, ``f1``…

    ``raw``: ``text`` encoded in UTF-8 when the caller has it already (a UTF-8 file's own bytes)."""
    raw = text.encode("utf-8") if raw is None else raw
    physical = _physical_lines(raw, ord(delimiter))
    if physical is None:
        return None
    width = _first_line_fields(text, delimiter)
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(raw),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, use_threads=True),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None  # a line with another number of fields: the careful reader words it
    if table.num_rows != physical or table.num_columns != width:
        return None  # fewer records than lines: a line break inside quotes
    limit = csv.field_size_limit()
    columns = []
    for column in table.columns:
        if table.num_rows and (pc.max(pc.binary_length(column)).as_py() or 0) > limit:
            return None  # the csv module refuses so long a field: the careful reader explains
        columns.append(pc.utf8_trim(column, characters=WHITESPACE))
    return pa.table(columns, names=table.column_names)


def _physical_lines(raw: bytes, delimiter: int) -> int | None:
    """The number of physical lines of the text, or None when a quote neither opens nor closes a field (nor doubles
    a quote inside it), or a carriage return is not followed by a line break. (A line break inside quotes is found
    by the caller: pyarrow then gives fewer records than lines.)"""
    if not raw:
        return None
    data = np.frombuffer(raw, dtype=np.uint8)
    if b"\r" in raw:
        returns = np.flatnonzero(data == _RETURN)
        if returns[-1] == len(data) - 1 or (data[returns + 1] != _NEWLINE).any():
            return None
    physical = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
    if b'"' not in raw:
        return physical
    quotes = np.flatnonzero(data == _QUOTE)
    if len(quotes) % 2:
        return None
    opening, closing = quotes[0::2], quotes[1::2]
    before = data[np.maximum(opening - 1, 0)]
    escaped_before = np.concatenate([[False], closing[:-1] + 1 == opening[1:]])  # ``""`` inside a quoted field
    starts_field = (opening == 0) | (before == delimiter) | (before == _NEWLINE) | escaped_before
    after_position = closing + 1
    after = data[np.minimum(after_position, len(data) - 1)]
    escaped_after = np.concatenate([opening[1:] == closing[:-1] + 1, [False]])
    ends_field = (
        (after_position == len(data)) | (after == delimiter) | (after == _NEWLINE) | (after == _RETURN) | escaped_after
    )
    return physical if starts_field.all() and ends_field.all() else None


def _first_line_fields(text: str, delimiter: str) -> int:
    end = text.find("\n")
    first = (text if end < 0 else text[:end]).removesuffix("\r")
    return len(next(csv.reader([first], delimiter=delimiter), [""])) or 1


def filled_rows(table: pa.Table) -> np.ndarray:
    """Per row: does it hold a non-empty cell?"""
    filled = np.zeros(table.num_rows, dtype=bool)
    for column in table.columns:
        filled |= pc.greater(pc.binary_length(column), 0).to_numpy(zero_copy_only=False)
    return filled


def first_filled(table: pa.Table, start: int = 0) -> int | None:
    """The first row from ``start`` holding a non-empty cell (None: none), looked for in growing slices: an
    export's header is its first line, so that the whole table is seldom scanned."""
    size = 16
    while start < table.num_rows:
        found = np.flatnonzero(filled_rows(table.slice(start, size)))
        if len(found):
            return start + int(found[0])
        start, size = start + size, size * 4
    return None


def last_filled(table: pa.Table, stop: int) -> int | None:
    """The last row before ``stop`` holding a non-empty cell (None: none), looked for backwards in growing slices
    (trailing blank rows are few)."""
    size = 16
    while stop > 0:
        begin = max(stop - size, 0)
        found = np.flatnonzero(filled_rows(table.slice(begin, stop - begin)))
        if len(found):
            return begin + int(found[-1])
        stop, size = begin, size * 4
    return None


def to_frame(table: pa.Table, names: list[str]) -> pd.DataFrame:
    """The table as a pandas frame of text: pandas' ``str`` dtype, as the careful reader gives (with pandas 3 the
    Arrow arrays themselves, no Python string per cell)."""
    arrow_text = pd.StringDtype("pyarrow", na_value=np.nan)
    columns = {name: pd.Series(pd.array(column, dtype=arrow_text), copy=False).astype(str)
               for name, column in zip(names, table.columns, strict=True)}  # fmt: skip
    return pd.DataFrame(columns)
