"""The steps both readers share: the header's names, and the table of text built from the rows."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from regions.tabular.errors import TabularError


def _header(names: list[str]) -> list[str]:
    """Trim trailing blank names, name blank ones ``colonne N``; duplicates raise."""
    names = [name.strip() for name in names]
    while names and not names[-1]:
        names.pop()
    taken = {name for name in names if name}
    named: list[str] = []
    for position, name in enumerate(names, start=1):
        if not name:
            name = f"colonne {position}"
            while name in taken:
                name += "'"
            taken.add(name)
        named.append(name)
    duplicated = [name for name, count in Counter(named).items() if count > 1]
    if duplicated:
        listed = ", ".join(duplicated)
        raise TabularError("duplicate_columns", f"Colonnes en double : {listed}")
    return named


def _frame(header: list[str], rows: list[list[str]]) -> pd.DataFrame:
    columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    return pd.DataFrame({name: pd.Series(values, dtype=str) for name, values in columns.items()})
