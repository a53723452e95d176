"""A generated corpus of hostile input files, for every reader of user files (applicants, sites, user indicators).

Each :class:`Hostile` is one file as a user could upload it — wrong encodings and delimiters, a quote never
closed, NUL bytes and control characters, formulas and markup in every column, sensitive headers spelled many
ways, codes mangled by Excel, ZIP and row-number bombs — with what the product must do with it: read every data
line a spreadsheet would show (``rows``), or refuse it with a clear message (``refusal``, a pattern the message
must match, e.g. the line where a quote opens), or either of the two (both set).

Every file carries, in its sensitive columns only, values built from :data:`SECRET` (``SECRET-…``): none may
ever appear in an output. The files are synthetic (invented people, no real applicant).

Run as a script to write the corpus to a folder and look at it: ``python tests/hostile/hostile_corpus.py OUT``.
"""

from __future__ import annotations

import csv
import functools
import io
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

#: Prefix of every sensitive value in the corpus: no output may contain it.
SECRET = "SECRET-"
#: The columns every applicant-like file has, besides its two sensitive columns (location and job-related).
BASE_HEADERS = ("Identifiant", "Nom", "Code INSEE", "Code postal", "Commune", "Compétences", "Disponibilité", "Valeur")
#: Real communes (INSEE code, postcode, name) the rows cycle through.
PLACES = (
    ("23096", "23000", "Guéret"),
    ("01053", "01000", "Bourg-en-Bresse"),
    ("75056", "75001", "Paris"),
    ("2A004", "20000", "Ajaccio"),
    ("97411", "97400", "Saint-Denis"),
    ("59350", "59000", "Lille"),
)
#: Header pairs (health/disability, family or other protected criterion) that must never leave in an export.
SENSITIVE_HEADER_PAIRS: tuple[tuple[str, str], ...] = (
    ("RQTH", "Situation familiale"),
    ("Handicapé", "Situation de famille"),
    ("Personne handicapée", "Nombre d'enfants"),
    ("Statut BOETH", "Enfants"),
    ("travailleur_handicape", "situation_matrimoniale"),
    ("DISABILITY", "MARITAL STATUS"),
    ("Reconnaissance handicap (RQTH)", "Parent isolé"),
    ("Invalidité", "Nationalité"),
    ("Bénéficiaire AAH", "Date de naissance"),
    ("Santé", "Religion"),
)
FORMULAS = ('=HYPERLINK("http://example.invalid/x","clic")', "+1+1", "-1+1", "@SUM(1)", "\t=1+1", "=cmd|' /C calc'!A0")
MARKUP = (
    "<script>alert(1)</script>",
    '<img src="http://example.invalid/x.png" onerror="alert(1)">',
    "![x](http://example.invalid/pixel.png)",
    "**gras** [lien](javascript:alert(1))",
)


@dataclass(frozen=True)
class Hostile:
    """One hostile file and what a reader must do with it (its bytes are made on first use)."""

    name: str
    filename: str
    make: Callable[[], bytes]
    rows: int | None  # data lines a spreadsheet shows; ``None``: the file must be refused
    refusal: str | None = None  # regex a refusal's message must match; ``None``: reading is required
    bomb: bool = False  # read it only in a process with bounded memory

    @functools.cached_property
    def data(self) -> bytes:
        return self.make()

    @property
    def must_read(self) -> bool:
        return self.refusal is None

    @property
    def must_refuse(self) -> bool:
        return self.rows is None


def applicant_rows(n: int, cell: Callable[[int, str], str | None] | None = None) -> list[list[str]]:
    """``n`` synthetic rows of :data:`BASE_HEADERS` + two sensitive columns; ``cell(i, column)`` overrides a cell."""
    rows = []
    for i in range(n):
        code, postcode, town = PLACES[i % len(PLACES)]
        row = {
            "Identifiant": f"C{i + 1:05d}",
            "Nom": f"Personne fictive {i + 1}",
            "Code INSEE": code,
            "Code postal": postcode,
            "Commune": town,
            "Compétences": "relation client; anglais",
            "Disponibilité": "immédiate",
            "Valeur": str(i % 7 + 1),
            "sensitive_health": f"{SECRET}H{i + 1}",
            "sensitive_family": f"{SECRET}F{i + 1}",
        }
        if cell is not None:
            changed = {column: cell(i, column) if column in BASE_HEADERS else None for column in row}
            row = {column: text if changed[column] is None else str(changed[column]) for column, text in row.items()}
        rows.append(list(row.values()))
    return rows


def headers(pair: tuple[str, str] = SENSITIVE_HEADER_PAIRS[0]) -> list[str]:
    return [*BASE_HEADERS, *pair]


def csv_bytes(
    head: Sequence[str], rows: Sequence[Sequence[str]], *, delimiter: str = ";", encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(head)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(head: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """A real workbook (openpyxl) whose cells are all strings, even those starting with ``=``."""
    workbook = Workbook()
    sheet = workbook.active
    for r, values in enumerate([list(head), *rows], start=1):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c).value = value
            sheet.cell(row=r, column=c).data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_OPEN = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
_SHEET_CLOSE = "</sheetData></worksheet>"


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def handmade_xlsx(sheet_body: Iterator[bytes] | bytes) -> bytes:
    """A minimal XLSX whose sheet XML is written by hand (streamed and deflated when given as chunks)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        if isinstance(sheet_body, bytes):
            archive.writestr("xl/worksheets/sheet1.xml", _SHEET_OPEN.encode() + sheet_body + _SHEET_CLOSE.encode())
        else:
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
                member.write(_SHEET_OPEN.encode())
                for chunk in sheet_body:
                    member.write(chunk)
                member.write(_SHEET_CLOSE.encode())
    return buffer.getvalue()


def _header_row() -> bytes:
    cells = "".join(_inline(f"{chr(65 + i)}1", name) for i, name in enumerate(("Code postal", "Commune", "Valeur")))
    return f'<row r="1">{cells}</row>'.encode()


def row_number_bomb() -> bytes:
    """5 KB on disk; its one data row is declared on line 15,000,000 (a reader expanding empty rows explodes)."""
    data = _inline("A15000000", "23000") + _inline("B15000000", "Guéret") + _inline("C15000000", "1")
    return handmade_xlsx(_header_row() + f'<row r="15000000">{data}</row>'.encode())


def column_bomb() -> bytes:
    """One cell in column XFD (16,384th): a reader materialising every column makes 16,384 of them per row."""
    return handmade_xlsx(_header_row() + ('<row r="2">' + _inline("XFD2", "x") + "</row>").encode())


def zip_bomb(expanded_mib: int = 1024) -> bytes:
    """A sheet that inflates to ``expanded_mib`` MiB of blanks (about 1 MB on disk)."""
    chunk = b" " * (1 << 20)
    return handmade_xlsx(iter([chunk] * expanded_mib))


def _with_cell(text: str, every: int = 3) -> Callable[[int, str], str | None]:
    """Put ``text`` in every column of every ``every``-th row (location columns included)."""
    return lambda i, column: text if i % every == 1 else None


def _unclosed_quote(n: int = 1000, at_line: int = 501) -> bytes:
    """``n`` data lines; the skills cell of file line ``at_line`` opens a quote that is never closed."""
    lines = [";".join(headers())]
    for row in applicant_rows(n):
        lines.append(";".join(row))
    index = at_line - 1  # the header is line 1
    fields = lines[index].split(";")
    fields[5] = '"' + fields[5]
    lines[index] = ";".join(fields)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _excel_mangled() -> bytes:
    """Codes as Excel leaves them: leading zeros lost, spaces, scientific notation, CEDEX, old Corsica code."""
    mangled = [
        ("1053", "1000", "BOURG EN BRESSE"),
        ("75056", "75 001", "PARIS"),
        ("23096", "23000 CEDEX", "GUERET"),
        ("2A004", "20000", "AJACCIO"),
        ("7.5056E+4", "7.5001E+4", "Paris"),
        ("20004", "20090", "Ajaccio"),
        ("", "", ""),
        ("99999", "00000", "Nulle-Part"),
    ]
    rows = applicant_rows(len(mangled))
    for row, (code, postcode, town) in zip(rows, mangled, strict=True):
        row[2:5] = [code, postcode, town]
    return csv_bytes(headers(), rows)


def _applicants(
    pair: tuple[str, str] = SENSITIVE_HEADER_PAIRS[0],
    cell: Callable[[int, str], str | None] | None = None,
    n: int = 24,
    **options: str,
) -> Callable[[], bytes]:
    return lambda: csv_bytes(headers(pair), applicant_rows(n, cell), **options)


def _workbook(cell: Callable[[int, str], str | None] | None = None, n: int = 24) -> Callable[[], bytes]:
    return lambda: xlsx_bytes(headers(), applicant_rows(n, cell))


def _raw_lines(
    edit: Callable[[list[str]], list[str]], *, newline: str = "\r\n", quote_all: bool = False
) -> Callable[[], bytes]:
    """The 24-row applicant file as lines (header first, each written by the csv module), edited as text: for the
    boundary between the fast reader (regular files) and the careful one (everything else)."""

    def make() -> bytes:
        quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
        lines = []
        for row in [headers(), *applicant_rows(24)]:
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=";", lineterminator="", quoting=quoting).writerow(row)
            lines.append(buffer.getvalue())
        return (newline.join(edit(lines)) + newline).encode("utf-8")

    return make


def _replace(line: int, old: str, new: str) -> Callable[[list[str]], list[str]]:
    return lambda lines: [text.replace(old, new, 1) if k == line - 1 else text for k, text in enumerate(lines)]


def _insert_blank(*at: int) -> Callable[[list[str]], list[str]]:
    def edit(lines: list[str]) -> list[str]:
        out = list(lines)
        for line in sorted(at, reverse=True):
            out.insert(line - 1, "")
        return out

    return edit


def reader_boundary() -> list[Hostile]:
    """Files a fast reader could misread: each must give what the record-by-record reader gives."""
    same = _replace(1, "", "")
    csv_ = "candidats.csv"
    return [
        Hostile("quote-all-fields", csv_, _raw_lines(same, quote_all=True), 24),
        Hostile("stray-quote-mid-cell", csv_, _raw_lines(_replace(5, "fictive", 'fic"tive')), 24),
        Hostile("quote-closed-mid-text", csv_, _raw_lines(_replace(7, "immédiate", '"immédiate" demain')), 24),
        Hostile("lone-carriage-returns", csv_, _raw_lines(same, newline="\r"), 24),
        Hostile("blank-lines-inside", csv_, _raw_lines(_insert_blank(4, 9)), 26),
        Hostile("multiline-cell", csv_, _raw_lines(_replace(3, "immédiate", '"immédiate\r\nou presque"')), 24),
        Hostile("padded-cells", csv_, _raw_lines(_replace(6, "immédiate", "\u00a0immédiate\u3000\x0b")), 24),
        Hostile("field-beyond-csv-limit", csv_, _raw_lines(_replace(8, "immédiate", "x" * 200_000)), None,
                refusal=_NAMES_LINE),
    ]  # fmt: skip


#: A refusal that names the line of the problem (``ligne 12``), where reading the file is the other way out.
_NAMES_LINE = r"(?i)\bligne \d+"


def corpus() -> list[Hostile]:
    """Every hostile file (each made when its ``data`` is first read)."""
    n = 24
    files = [
        Hostile("utf8-semicolon", "candidats.csv", _applicants(), n),
        Hostile("utf8-bom-comma", "candidats.csv", lambda: b"\xef\xbb\xbf" + _applicants(delimiter=",")(), n),
        Hostile("cp1252-tab", "candidats.txt", _applicants(delimiter="\t", encoding="cp1252"), n),
        Hostile("utf16-bom", "candidats.csv", _applicants(encoding="utf-16"), n),
        # all 1,000 lines read, or a refusal naming line 501 where the quote opens
        Hostile("unclosed-quote", "candidats.csv", _unclosed_quote, 1000, refusal=r"\b501\b"),
        Hostile("nul-bytes", "candidats.csv", _applicants(cell=_with_cell("ab\x00cd")), n, refusal=_NAMES_LINE),
        Hostile("control-chars", "candidats.csv", _applicants(cell=_with_cell("a\x7fb\x1bc\x0bd")), n, _NAMES_LINE),
        Hostile("excel-mangled", "candidats.csv", _excel_mangled, 8),
        Hostile("xlsx-plain", "candidats.xlsx", _workbook(), n),
        Hostile("empty", "candidats.csv", lambda: b"", None, refusal=r"(?i)vide"),
        Hostile("header-only", "candidats.csv", _applicants(n=0), 0, refusal=r"(?i)en-tête|aucune|vide"),
        Hostile("binary", "candidats.csv", lambda: bytes(range(256)) * 40, None, refusal=r"\w"),
        Hostile(
            "xls-ole", "candidats.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, None, r"(?i)xls"
        ),
        Hostile("row-number-bomb", "candidats.xlsx", row_number_bomb, None, refusal=r"\w", bomb=True),
        Hostile("column-bomb", "candidats.xlsx", column_bomb, None, refusal=r"\w", bomb=True),
        Hostile("zip-bomb", "candidats.xlsx", zip_bomb, None, refusal=r"\w", bomb=True),
    ]
    files += reader_boundary()
    for k, text in enumerate(FORMULAS):
        files.append(Hostile(f"formula-csv-{k}", "candidats.csv", _applicants(cell=_with_cell(text)), n))
        files.append(Hostile(f"formula-xlsx-{k}", "candidats.xlsx", _workbook(_with_cell(text)), n))
    for k, text in enumerate(MARKUP):
        files.append(Hostile(f"markup-{k}", "candidats.csv", _applicants(cell=_with_cell(text)), n))
    for k, pair in enumerate(SENSITIVE_HEADER_PAIRS):
        files.append(Hostile(f"sensitive-headers-{k}", "candidats.csv", _applicants(pair), n))
    return files


def write(folder: Path) -> None:
    """Write the corpus to ``folder`` (one sub-folder per file, for a look by hand)."""
    for item in corpus():
        target = folder / item.name / item.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.data)


if __name__ == "__main__":
    write(Path(sys.argv[1]))
