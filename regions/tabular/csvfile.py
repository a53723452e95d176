"""The CSV reader: the delimiter, a fast path with pyarrow (regular files), and a careful one that names the line of
every problem (stray quotes, ragged rows), both giving the same table."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from typing import Final

import pandas as pd

from regions.tabular import arrowcsv
from regions.tabular.detect import _check_is_text, _decode
from regions.tabular.errors import TabularError, _count, _too_many_columns
from regions.tabular.frame import _frame, _header
from regions.tabular.limits import _MAX_LISTED_LINES, _SNIFF_CHARS, _SNIFF_RECORDS, DELIMITERS, MAX_UPLOAD_COLUMNS

_BLANK_TEXT: Final[re.Pattern[str]] = re.compile("[" + re.escape("".join(DELIMITERS) + " \r\n\ufeff") + "]*")


def _read_csv(data: bytes, max_rows: int) -> tuple[pd.DataFrame, list[int], dict[str, str]]:
    """Decode, detect the delimiter, then parse: pyarrow's reader when every record is one line and the table is
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
    """The table through pyarrow's multi-threaded reader (:mod:`regions.tabular.arrowcsv`), or None when it cannot
    give exactly what :func:`_careful_csv` gives (a line break inside quotes, a stray quote, a ragged row, a lone
    carriage return, a field too long): the careful path then decides, and explains. Regular exports take this
    path, so that a million rows read in well under a second. ``raw``: ``text`` in UTF-8, when the file was."""
    cells = arrowcsv.regular_cells(text, delimiter, raw)
    if cells is None:
        return None
    first = arrowcsv.first_filled(cells)
    if first is None:
        return None
    header = _header([str(value) for value in cells.slice(first, 1).to_pylist()[0].values()])
    width = len(header)
    if width > MAX_UPLOAD_COLUMNS:
        raise _too_many_columns(width, None)
    beyond = cells.slice(first + 1).select(list(range(width, cells.num_columns)))
    if beyond.num_columns and arrowcsv.filled_rows(beyond).any():
        return None  # cells beyond the header: ragged, the careful path words the error
    last = arrowcsv.last_filled(cells, cells.num_rows)
    last_filled = 0 if last is None or last <= first else last - first  # data rows up to the last filled one
    if last_filled > max_rows:
        raise TabularError("too_many_rows", f"Trop de lignes : plus de {_count(max_rows)} (maximum {_count(max_rows)})")
    if last_filled == 0:
        raise TabularError("header_only", "Le fichier ne contient qu'une ligne d'en-tête")
    body = cells.slice(first + 1, last_filled).select(list(range(width)))
    return first + 1, arrowcsv.to_frame(body, header), list(range(first + 2, first + 2 + last_filled))


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
