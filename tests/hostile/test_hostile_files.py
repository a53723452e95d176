"""Every reader of user files over the hostile corpus (``hostile_corpus.py``), the way a user runs it.

For each file and each reader — applicant files (``regions candidates import|shortlist|aggregate``), user sites
(the library call the *Sites* page makes), user indicators (``regions data import`` then ``regions sources`` and
``regions export``) — this asserts: no traceback; every data line accounted for, or a one-line refusal matching
what the corpus expects (e.g. naming the line where a quote opens); no sensitive header or value in any output;
no cell of any output that a spreadsheet would run as a formula. The bombs run in a child process whose address
space is capped, with a time-out: bounded memory and time, whatever the file claims.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hostile_corpus import SECRET, SENSITIVE_HEADER_PAIRS, Hostile, corpus, reader_boundary

from regions import cli, geo, sites, tabular
from regions.tabular import csvfile

CASES = corpus()
READABLE = [case for case in CASES if not case.bomb]
BOMBS = [case for case in CASES if case.bomb]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$")
#: Header words that never leave in an applicant export (every sensitive header of the corpus).
SENSITIVE_HEADERS = {name for pair in SENSITIVE_HEADER_PAIRS for name in pair}
#: A child process reading a bomb may use at most this much address space (the product reads 10 MB files).
BOMB_MEMORY_BYTES = 3 * 1024**3
BOMB_SECONDS = 120


@functools.cache
def _departements() -> str:
    return ",".join(geo.departements()["code"])


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in this process, as a user types it; a traceback fails the test."""
    try:
        status = cli.main(list(args))
    except SystemExit as stop:  # argparse's refusal of an argument
        status = int(stop.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def _check_refusal(case: Hostile, status: int, err: str) -> None:
    assert status != 0, f"{case.name}: must be refused"
    assert case.refusal is not None, f"{case.name}: refused but every line must be read: {err}"
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"{case.name}: a refusal is one line: {err}"
    assert re.search(case.refusal, err), f"{case.name}: the refusal must match {case.refusal!r}: {err}"


def _output_cells(path: Path) -> Iterator[object]:
    """Every header and cell of a CSV or XLSX the product wrote."""
    if path.suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                yield from row
        return
    text = path.read_bytes().decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    notes = 0  # the '#' block above the table (scenario, sources, the sensitive columns left out by name)
    while notes < len(lines) and lines[notes].startswith("#"):
        notes += 1
    for note in lines[:notes]:  # each note a cell: it may name a column it left out, never hold a value
        yield Note(note.rstrip("\r\n"))
    table = "".join(lines[notes:])
    first = table.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    for row in csv.reader(io.StringIO(table, newline=""), delimiter=delimiter):
        yield from row


class Note(str):
    """A line of a CSV's '#' block: checked for values and formulas, not as a column header."""


def _check_output(path: Path, *, applicants: bool) -> None:
    for cell in _output_cells(path):
        if not isinstance(cell, str):
            continue
        assert SECRET not in cell, f"{path.name}: a sensitive value left in {cell!r}"
        if applicants and not isinstance(cell, Note):
            assert cell.strip() not in SENSITIVE_HEADERS, f"{path.name}: sensitive column {cell!r} exported"
        assert not cell.startswith(FORMULA_START) or _NUMBER.match(cell), f"{path.name}: formula cell {cell!r}"


#: The boundary files that are regular, hence read by the fast (pyarrow) reader; the others go the careful way.
FAST_READ = {"quote-all-fields", "blank-lines-inside", "padded-cells"}


@pytest.mark.parametrize("case", reader_boundary(), ids=[case.name for case in reader_boundary()])
def test_fast_reader_takes_only_regular_files_and_reads_them_as_the_careful_one(case: Hostile) -> None:
    text = case.data.decode("utf-8")
    careful: object
    try:
        careful = csvfile._careful_csv(text, ";", 1000)
    except tabular.TabularError as error:
        careful = str(error)
    fast = csvfile._fast_csv(text, ";", 1000)
    assert (fast is not None) == (case.name in FAST_READ)
    if fast is not None:
        assert isinstance(careful, tuple) and fast[0] == careful[0] and fast[2] == careful[2]
        pd.testing.assert_frame_equal(fast[1], careful[1])


@pytest.mark.parametrize("case", READABLE, ids=[case.name for case in READABLE])
def test_applicant_file(case: Hostile, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / case.filename
    source.write_bytes(case.data)
    report, unmatched = tmp_path / "report.json", tmp_path / "non-rapproches.csv"
    status, out, err = _run(
        capsys, "candidates", "import", str(source), "--report", str(report), "--unmatched", str(unmatched)
    )
    assert SECRET not in out + err
    if status != 0:
        _check_refusal(case, status, err)
        return
    assert not case.must_refuse, f"{case.name}: must be refused, was read: {out}"
    counts = json.loads(report.read_text(encoding="utf-8"))
    assert counts["rows_read"] == case.rows, f"{case.name}: {counts['rows_read']} rows read, the file has {case.rows}"
    assert sum(counts["matched"].values()) + sum(counts["unmatched"].values()) == case.rows
    _check_output(unmatched, applicants=True)
    for suffix in (".csv", ".xlsx"):
        target = tmp_path / f"shortlist{suffix}"
        status, out, err = _run(
            capsys, "candidates", "shortlist", str(source), "--departements", _departements(), "--out", str(target)
        )
        assert status == 0, err
        _check_output(target, applicants=True)
    status, out, err = _run(capsys, "candidates", "aggregate", str(source), "--format", "csv")
    assert status == 0, err
    assert SECRET not in out


@pytest.mark.parametrize("case", READABLE, ids=[case.name for case in READABLE])
def test_sites_file(case: Hostile) -> None:
    try:
        read = tabular.read_table(case.data, case.filename)
    except tabular.TabularError as error:
        message = str(error)
        assert case.refusal is not None, f"{case.name}: refused but every line must be read: {message}"
        assert re.search(case.refusal, message), f"{case.name}: the refusal must match {case.refusal!r}: {message}"
        return
    assert not case.must_refuse, f"{case.name}: must be refused, was read"
    assert len(read.frame) == case.rows
    placed = sites.read_user_sites(read.frame, line_numbers=read.line_numbers or None)
    assert len(placed.located) + len(placed.rejected) == case.rows
    assert placed.rejected["reason"].astype(str).str.len().gt(0).all()


@pytest.mark.parametrize("case", READABLE, ids=[case.name for case in READABLE])
def test_user_indicator_file(
    case: Hostile, tmp_path: Path, user_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / case.filename
    source.write_bytes(case.data)
    status, out, err = _run(
        capsys, "data", "import", str(source), "--id", "valeur_fictive", "--label", "Valeur fictive",
        "--unit", "nombre", "--orientation", "higher", "--kind", "count", "--period", "2024",
        "--source", "corpus de fichiers hostiles (fictif)", "--code-column", "Code INSEE", "--value-column", "Valeur",
    )  # fmt: skip
    if status != 0:
        _check_refusal(case, status, err)
        return
    assert not case.must_refuse, f"{case.name}: must be refused, was read: {out}"
    read = re.search(r"rows read: (\d+)", out)
    assert read is not None and int(read.group(1)) == case.rows, out
    status, out, err = _run(capsys, "sources", "--format", "csv")
    assert status == 0, err
    (tmp_path / "sources.csv").write_text(out, encoding="utf-8")
    _check_output(tmp_path / "sources.csv", applicants=False)
    status, _, err = _run(capsys, "export", "--out", str(tmp_path / "shortlist.xlsx"))
    assert status == 0, err
    _check_output(tmp_path / "shortlist.xlsx", applicants=False)


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (BOMB_MEMORY_BYTES, BOMB_MEMORY_BYTES))


_READERS = {
    "applicants": ["-m", "regions.cli", "candidates", "import", "{file}"],
    "indicators": [
        "-m",
        "regions.cli",
        "data",
        "import",
        "{file}",
        "--id",
        "valeur_fictive",
        "--label",
        "x",
        "--unit",
        "x",
        "--orientation",
        "neutral",
        "--period",
        "2024",
        "--source",
        "corpus",
    ],
    "sites": [
        "-c",
        "import sys; from regions import tabular; tabular.read_table(open(sys.argv[1], 'rb').read(), sys.argv[1])",
        "{file}",
    ],
}


@pytest.mark.parametrize("reader", sorted(_READERS))
@pytest.mark.parametrize("case", BOMBS, ids=[case.name for case in BOMBS])
def test_bomb_is_refused_within_bounds(case: Hostile, reader: str, tmp_path: Path, user_folder: Path) -> None:
    source = tmp_path / case.filename
    source.write_bytes(case.data)
    args = [part.replace("{file}", str(source)) for part in _READERS[reader]]
    result = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=BOMB_SECONDS,
        preexec_fn=_bounded,
        check=False,
    )
    assert result.returncode != 0, f"{case.name} was read by {reader}: {result.stdout}"
    if reader != "sites":
        assert "Traceback" not in result.stderr, result.stderr
        assert result.stderr.startswith("regions: error:"), result.stderr
    else:
        assert "TabularError" in result.stderr, result.stderr[-2000:]
    assert "MemoryError" not in result.stderr
