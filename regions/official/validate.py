"""Check parsed figures before anything is written: the 101 département codes as text, no duplicate, plausible
ranges, one period per column in the registry's format. Every problem is collected, then reported at once."""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

from regions import _datafrance, sources
from regions.official.base import ParsedDataset
from regions.official.registry import OFFICIAL


@functools.cache
def official_codes() -> tuple[str, ...]:
    """The 101 département codes, in official order (``01``…``19``, ``2A``, ``2B``, ``21``…``95``, ``971``…)."""
    codes = _datafrance.departements_table()["code"].astype(str)
    return tuple(sorted(codes, key=lambda code: (int(code[:2]) if code[:2].isdigit() else 20, code)))


def filled_counts(parsed: ParsedDataset) -> dict[str, int]:
    """Per indicator column of ``parsed``: how many of the 101 départements have a value."""
    official = parsed.figures[parsed.figures["code"].isin(official_codes())].drop_duplicates("code")
    columns = [c for c in parsed.figures.columns if c not in ("code", "source_url")]
    return {column: int(official[column].notna().sum()) for column in columns}


def validate(parsed: ParsedDataset) -> list[str]:
    """Every problem of ``parsed``, in French: unknown or duplicate codes, values out of their plausible range
    (shares and rates in % within 0–100, ‰ within 0–1000, counts ≥ 0), missing or empty columns, and each column
    not at exactly one period of the expected format. An empty list means it can be written."""
    problems: list[str] = []
    figures = parsed.figures
    official = OFFICIAL.get(parsed.dataset_id)
    catalogue = sources.load_catalogue()
    codes = figures["code"].astype(str)
    unknown = sorted(set(codes) - set(official_codes()))
    if unknown:
        problems.append(
            f"codes inconnus : {', '.join(unknown)} (attendus : les 101 codes officiels en texte, 01…95, 2A, 2B, "
            "971…974, 976)"
        )
    doubles = sorted(set(codes[codes.duplicated()]))
    if doubles:
        problems.append(f"codes en double : {', '.join(doubles)}")
    expected = official.indicators if official else tuple(c for c in figures.columns if c in catalogue)
    counts = filled_counts(parsed) if "code" in figures else {}
    for column in expected:
        if column not in figures.columns:
            problems.append(f"colonne {column} absente")
            continue
        problems += [f"{column} : {p}" for p in _range_problems(figures, column, catalogue.get(column))]
        if counts.get(column, 0) == 0:
            problems.append(f"{column} : aucune valeur pour un département")
        periods = parsed.periods.get(column, frozenset())
        if len(periods) != 1:
            found = ", ".join(sorted(periods)) or "aucune"
            problems.append(f"{column} : une seule période attendue par colonne (trouvé : {found})")
        elif official and not re.fullmatch(official.period_pattern, next(iter(periods))):
            problems.append(f"{column} : période {next(iter(periods))!r} hors format ({official.period_format})")
    return problems


def _range_problems(figures: pd.DataFrame, column: str, indicator: sources.Indicator | None) -> list[str]:
    values = pd.to_numeric(figures[column], errors="coerce")
    codes = figures["code"].astype(str)
    problems = []
    if (values.isna() & figures[column].notna()).any():
        problems.append("valeurs non numériques")
    if np.isinf(values).any():
        problems.append(f"valeurs infinies ({', '.join(codes[np.isinf(values)])})")
    if indicator is None:
        return problems
    bounds = {"%": 100.0, "‰": 1000.0}.get(indicator.unit) if indicator.kind in ("share", "rate") else None
    low = values < 0
    high = values > bounds if bounds is not None else pd.Series(False, index=values.index)
    bad = low | high
    if bad.any():
        limit = f"entre 0 et {bounds:g} {indicator.unit}" if bounds is not None else "positifs ou nuls"
        listed = ", ".join(f"{c} = {v:g}" for c, v in zip(codes[bad], values[bad], strict=True))
        problems.append(f"valeurs hors de la plage plausible ({limit}) : {listed}")
    return problems


# --- run ----------------------------------------------------------------------------------------------------------
