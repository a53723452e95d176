"""Classes of values (quantile breaks, colours) and the text of a value in a tooltip or legend."""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd

from regions.maps.style import VIRIDIS, NumberFormat


def quantile_bins(values: pd.Series, k: int = 5) -> list[float]:
    """Class breaks at the quantiles 0, 1/k, … 1 of the non-missing values: sorted, without repeats, NaN ignored.

    The first break is the minimum and the last the maximum; class ``i`` spans breaks ``i`` to ``i + 1``. Equal
    quantiles are merged (fewer classes); with at most ``k`` distinct values each gets a class of its own (unless two
    are adjacent floating-point numbers, with no number between them), the
    breaks falling halfway between them; one distinct value gives the single break ``[value]``, no value ``[]``.
    """
    if k < 1:
        raise ValueError(f"`k` was {k!r} but is expected to be a positive integer")
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    distinct = np.unique(numbers[np.isfinite(numbers)])
    if distinct.size == 0:
        return []
    if distinct.size <= k:
        halfway = distinct[:-1] / 2 + distinct[1:] / 2  # no overflow near the largest floats
        breaks = np.concatenate([distinct[:1], halfway, distinct[-1:]]) if distinct.size > 1 else distinct
    else:
        low, high = distinct[0], distinct[-1]
        breaks = np.clip(np.quantile(numbers[np.isfinite(numbers)], np.linspace(0.0, 1.0, k + 1)), low, high)
        breaks[0], breaks[-1] = low, high
    return [float(b) for b in np.unique(breaks)]


def class_colors(n: int) -> list[str]:
    """``n`` colours sampled evenly from reversed viridis, from light (lowest class) to dark (highest)."""
    if n < 1:
        raise ValueError(f"`n` was {n!r} but is expected to be a positive integer")
    anchors = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in reversed(VIRIDIS)], dtype=float)
    positions = np.linspace(0.0, 1.0, len(anchors))
    samples = np.linspace(0.0, 1.0, n) if n > 1 else np.array([0.5])
    rgb = np.column_stack([np.interp(samples, positions, anchors[:, j]) for j in range(3)])
    return ["#{:02x}{:02x}{:02x}".format(*row) for row in np.rint(rgb).astype(int).tolist()]


def _classify(values: pd.Series, breaks: list[float]) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The class of each value (0 = lowest), -1 where it is missing; class i spans breaks[i] to breaks[i + 1]."""
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    classes = np.searchsorted(np.asarray(breaks[1:-1], dtype=float), numbers, side="right").astype(np.int64)
    classes[~np.isfinite(numbers)] = -1
    return classes


def _default_format(breaks: list[float]) -> NumberFormat:
    """French numbers (``12,5``, ``26 470``) with as many decimals as the spread of ``breaks`` needs."""
    spread = (breaks[-1] - breaks[0]) if len(breaks) > 1 else abs(breaks[0]) if breaks else 0.0
    decimals = 0 if spread >= 100 else 1 if spread >= 5 else 2
    return lambda value: _french_number(value, decimals)


def _french_number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def _plain_format(value: float) -> str:
    if float(value).is_integer():
        return _french_number(value, 0)
    return _french_number(value, 1 if abs(value) >= 10 else 2)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _property_text(value: object, *, number_format: NumberFormat, missing_label: str) -> str:
    """The text a tooltip shows for one value, HTML-escaped (Leaflet tooltips insert HTML)."""
    if _is_missing(value):
        text = missing_label
    elif isinstance(value, bool | np.bool_):
        text = "oui" if value else "non"
    elif isinstance(value, int | float | np.integer | np.floating):
        text = number_format(float(value))
    else:
        text = str(value)
    return html.escape(text)
