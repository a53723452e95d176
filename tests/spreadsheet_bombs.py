"""Hostile spreadsheets, built in a few kilobytes: minimal XLSX workbooks whose single sheet is written by hand.

Each bomb would take gigabytes if a reader created every row and cell the sheet declares (openpyxl's ``iter_rows``
does): row 1 048 576 padded to column XFD is 17 billion cells. A reader must refuse them, or read the few cells
they hold, without expanding anything.
"""

from __future__ import annotations

import functools
import io
import zipfile

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)


def cell(reference: str, text: str) -> str:
    """A cell holding ``text`` (an inline string)."""
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def row(number: int, *cells: tuple[str, str]) -> str:
    """Row ``number`` holding ``(column letters, text)`` cells."""
    return f'<row r="{number}">{"".join(cell(f"{column}{number}", text) for column, text in cells)}</row>'


def workbook(sheet_data: str, *, padding: int = 0, extra_members: int = 0) -> bytes:
    """A workbook whose sheet ``Feuil1`` holds ``sheet_data`` (``<row>`` elements); ``padding`` blanks after the
    sheet's XML (they compress about a thousand times), ``extra_members`` empty files added to the archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
            f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><sheets>'
            '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
            f'Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>{sheet_data}</sheetData>'.encode())
            for _ in range(padding // (1024 * 1024)):
                sheet.write(b" " * (1024 * 1024))
            sheet.write(b"</worksheet>")
        for number in range(extra_members):
            archive.writestr(f"xl/media/vide{number}.txt", b"")
    return buffer.getvalue()


def letters(column: int) -> str:
    """``1`` -> ``A``, ``1000`` -> ``ALL``."""
    text = ""
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


#: The header and two rows, each an applicant, a site or a département's value (Limoges, Châteauroux), before
#: each bomb's rows.
COLUMNS = ["nom", "code postal", "commune", "département", "taux"]
HEADER = (
    row(1, *zip("ABCDE", COLUMNS, strict=True))
    + row(2, *zip("ABCDE", ["Dupont", "87000", "Limoges", "87", "12,5"], strict=True))
    + row(3, *zip("ABCDE", ["Martin", "36000", "Châteauroux", "36", "3"], strict=True))
)


@functools.cache
def bombs() -> dict[str, tuple[bytes, str | None]]:
    """name -> (workbook, the reason it is refused for, or ``None`` when it reads as the two applicants)."""
    wide = row(1, *((letters(column), f"c{column}") for column in range(1, 1001)))
    return {
        # Excel's last row padded to its last column, but empty: the two applicants, nothing expanded
        "empty cell XFD1048576": (workbook(HEADER + '<row r="1048576"><c r="XFD1048576"/></row>'), None),
        # the 5 Ko sheet: a row 15 million, beyond any Excel sheet
        "row 15 000 000": (workbook(HEADER + '<row r="15000000"/>'), "too_many_rows"),
        "value in XFD15000000": (workbook(HEADER + row(15_000_000, ("XFD", "x"))), "too_many_rows"),
        # a value on Excel's last row, far beyond any row limit
        "value in A1048576": (workbook(HEADER + row(1_048_576, ("A", "x"))), "too_many_rows"),
        # a value in Excel's last column: 16 384 columns on every row
        "value in XFD4": (workbook(HEADER + row(4, ("XFD", "x"))), "too_many_columns"),
        # a thousand named columns, then a value 150 000 rows down: 150 million empty cells to create
        "wide header, far value": (workbook(wide + row(150_000, ("A", "x"))), "too_many_cells"),
        # rows out of order: a reader that keeps the last row number would drop the others
        "rows out of order": (workbook(HEADER + row(2, ("A", "x"))), "invalid_xlsx"),
        # 64 Mo of blanks compressed into some 60 Ko (a ratio of about 1 000)
        "compression ratio": (workbook(HEADER, padding=64 * 1024 * 1024), "zip_bomb"),
        # two thousand members
        "members": (workbook(HEADER, extra_members=2000), "zip_bomb"),
    }
