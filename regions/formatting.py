"""Numbers as French (or English) readers expect them: ``12,5 %``, ``26 470``, ``rang 3 (2–6)``; and the one reader
of numbers typed the French or English way (:func:`parse_number`).

French uses a decimal comma, a narrow no-break space between thousands and before ``%``; English a decimal point,
a comma between thousands and no space before ``%``. A missing value is an em dash, never ``0`` or ``nan``.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from regions import sources

Lang = Literal["fr", "en"]

MISSING = "—"
_NARROW_NBSP = "\u202f"


def is_missing(value: object) -> bool:
    """``None``, NaN and pandas' missing markers."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value) in {"<NA>", "NaT"}


def parse_number(text: str) -> float:
    """``12,5``, ``12.5``, ``1 234,5`` (spaces, no-break spaces) or ``12,5 %`` as a float (``nan`` and ``inf`` too).

    Raise ``ValueError`` for an empty cell or a word.
    """
    cleaned = re.sub(r"[\s\u00a0\u202f%]", "", text).replace(",", ".")
    return float(cleaned)


def number(value: object, decimals: int = 0, lang: Lang = "fr") -> str:
    """``26470`` -> ``26 470`` (fr) / ``26,470`` (en); ``12.54, 1`` -> ``12,5`` / ``12.5``."""
    if is_missing(value):
        return MISSING
    text = f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
    if lang == "en":
        return text
    return text.replace(",", _NARROW_NBSP).replace(".", ",")


def percent(value: object, decimals: int = 1, lang: Lang = "fr") -> str:
    """``12.5`` -> ``12,5 %`` (fr) / ``12.5%`` (en)."""
    if is_missing(value):
        return MISSING
    return number(value, decimals, lang) + (f"{_NARROW_NBSP}%" if lang == "fr" else "%")


def rank_interval(rank: object, low: object, high: object, lang: Lang = "fr") -> str:
    """``rang 3 (2–6)`` / ``rank 3 (2–6)``; ``rang 3`` when the interval is the rank itself."""
    if is_missing(rank):
        return MISSING
    word = "rang" if lang == "fr" else "rank"
    base = f"{word} {int(float(rank))}"  # type: ignore[arg-type]
    if is_missing(low) or is_missing(high) or float(low) == float(high):  # type: ignore[arg-type]
        return base
    return f"{base} ({int(float(low))}–{int(float(high))})"  # type: ignore[arg-type]


def indicator_value(indicator_id: str, value: object, lang: Lang = "fr") -> str:
    """A catalogued figure with its unit: percentages as ``12,5 %``, counts as whole numbers, others to 1 decimal."""
    indicator = sources.load_catalogue()[indicator_id]
    if is_missing(value):
        return MISSING
    if indicator.unit == "%":
        return percent(value, 1, lang)
    decimals = 0 if indicator.kind == "count" or indicator.unit in ("habitants", "personnes", "min") else 1
    unit = "" if indicator.unit in ("habitants", "personnes", "familles", "locaux", "sites") else indicator.unit
    text = number(value, decimals, lang)
    return f"{text}{_NARROW_NBSP}{unit}" if unit else text
