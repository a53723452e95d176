"""The home-based hiring score: orient, normalise, weight, aggregate, explain, and test the ranks' robustness.

Method (OECD/JRC *Handbook on Constructing Composite Indicators*, 2008; explained for recruiters in
``docs/method.md``):

- **components**: the catalogue's indicators oriented ``higher`` or ``lower`` (:func:`components`);
- **normalisation**: percentile rank among all départements with a value, 0 (least favourable) to 100 (most),
  reversed for ``lower`` indicators — robust to outliers (Paris's density, overseas unemployment) and readable
  ("better than 80 % of départements");
- **weights**: the user's, rescaled to sum to 1; a component a territory lacks is left out *for that territory*
  and its remaining weights rescaled — never counted as 0 — and the row is flagged; a territory whose figures
  carry less than ``MIN_RANKED_WEIGHT_PCT`` of the weights is ranked apart, after the others (``partial``);
  a preset weights only indicators covering at least ``PRESET_MIN_COVERAGE_PCT`` of the départements;
- **aggregation**: weighted arithmetic mean, 0–100;
- **robustness**: ranks recomputed under ``ROBUSTNESS_DRAWS`` random weight vectors drawn from a Dirichlet
  distribution centred on the chosen weights (seeded); the interval is the 5th–95th percentile of those ranks,
  widened if needed to include the rank under the chosen weights;
- **hard constraints** are filters, not weights (:class:`Filters`): excluded territories keep their score for
  reference but get no rank, and say why;
- **access to your sites** (``nearest_hub_travel_min``, the operator's own hubs) is the one component normalised on
  an absolute scale (:data:`ABSOLUTE_SCALES`: 100 at 0 min, 0 at ``HUB_ACCESS_ZERO_MIN`` or with no hub reachable),
  so that adding a hub can only raise a territory's value and never lower any score; the sector's sites
  (``sites_within_60min``) never include the hubs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from regions import formatting, settings, sources
from regions.formatting import Lang


@dataclass(frozen=True)
class Preset:
    """A named set of weights: a stable ``id`` (CLI, saved scenarios), labels in French and English."""

    id: str
    label_fr: str
    label_en: str
    weights: Mapping[str, float]

    def label(self, lang: Lang = "fr") -> str:
        return self.label_en if lang == "en" else self.label_fr


_PRESET_LIST: tuple[Preset, ...] = (
    Preset(
        "balanced",
        "Équilibré",
        "Balanced",
        {
            "unemployment_rate_pct": 0.25,
            "jobseekers_per_1000": 0.15,
            "ftth_share_pct": 0.20,
            "rural_population_share_pct": 0.20,
            "sites_within_60min": 0.20,
        },
    ),
    Preset(
        "disability-inclusion",
        "Inclusion handicap",
        "Disability inclusion",
        {
            "aah_per_1000_15_64_2019": 0.35,
            "unemployment_rate_pct": 0.20,
            "ftth_share_pct": 0.20,
            "rural_population_share_pct": 0.10,
            "sites_within_60min": 0.15,
        },
    ),
    Preset(
        "underserved",
        "Territoires peu desservis",
        "Under-served territories",
        {
            "sites_within_60min": 0.35,
            "rural_population_share_pct": 0.30,
            "unemployment_rate_pct": 0.20,
            "ftth_share_pct": 0.15,
        },
    ),
    Preset(
        "connectivity-first",
        "Connectivité d'abord",
        "Connectivity first",
        {
            "ftth_share_pct": 0.45,
            "unemployment_rate_pct": 0.20,
            "rural_population_share_pct": 0.15,
            "sites_within_60min": 0.20,
        },
    ),
)
#: Presets by id, in the order they are offered.
PRESETS: dict[str, Preset] = {preset.id: preset for preset in _PRESET_LIST}
DEFAULT_PRESET = "balanced"
#: What a ranking's preset is called when the weights are no preset's: the id, and its labels.
CUSTOM = "custom"
CUSTOM_LABELS: dict[str, str] = {"fr": "personnalisé", "en": "custom"}
#: Two normalised weights closer than this are the same (slider percentages divided by their sum are not exact).
WEIGHT_TOLERANCE = 1e-6

#: Components normalised on a fixed scale instead of by rank: id -> the value (minutes) that scores 0. A missing
#: value there is a fact (no hub reachable by road, or none declared) and scores 0, never left out.
ABSOLUTE_SCALES: dict[str, float] = {"nearest_hub_travel_min": settings.HUB_ACCESS_ZERO_MIN}


@dataclass(frozen=True)
class Filters:
    """Hard constraints: a territory failing one is excluded (greyed, with its reason), not down-weighted."""

    min_ftth_pct: float | None = None
    #: Maximum travel to the nearest known site of the sector (the proxy used when no hub is declared).
    max_travel_min: float | None = None
    regions: tuple[str, ...] = field(default_factory=tuple)
    #: Maximum travel to the nearest of the operator's own sites (``nearest_hub_travel_min``); ``math.inf`` keeps
    #: every territory that reaches a hub by road. A territory with no reachable hub is excluded.
    max_hub_travel_min: float | None = None

    def is_active(self) -> bool:
        return (
            self.min_ftth_pct is not None
            or self.max_travel_min is not None
            or bool(self.regions)
            or self.max_hub_travel_min is not None
        )


def components() -> list[str]:
    """Ids of the indicators that can enter the score: those oriented ``higher`` or ``lower``."""
    return [i.id for i in sources.load_catalogue().values() if i.orientation in ("higher", "lower")]


def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Weights restricted to positive ones, rescaled to sum to 1; errors name unknown ids and bad values."""
    known = set(components())
    unknown = sorted(set(weights) - known)
    if unknown:
        raise ValueError(f"unknown score components {unknown}; expected ids among {sorted(known)}")
    bad = {k: v for k, v in weights.items() if not (isinstance(v, int | float) and math.isfinite(v) and v >= 0)}
    if bad:
        raise ValueError(f"weights must be finite numbers >= 0, got {bad}")
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("at least one weight must be positive")
    return {k: float(v) / total for k, v in weights.items() if v > 0}


def preset_id(name: str) -> str:
    """The id of a preset given by id, or by its former key, the French label (scenarios saved before ids, the
    CLI's old names), or its English label; ``custom`` for the custom labels. The error lists the ids."""
    if name in PRESETS or name == CUSTOM:
        return name
    folded = name.strip().casefold()
    for preset in PRESETS.values():
        if folded in (preset.label_fr.casefold(), preset.label_en.casefold()):
            return preset.id
    if folded in {label.casefold() for label in CUSTOM_LABELS.values()}:
        return CUSTOM
    raise ValueError(f"preset {name!r} is unknown; expected one of {list(PRESETS)}")


def preset_for(name: str) -> dict[str, float]:
    """A preset's weights as written (``name``: its id, or a former name, see :func:`preset_id`)."""
    identifier = preset_id(name)
    if identifier == CUSTOM:
        raise ValueError(f"preset {name!r} is unknown; expected one of {list(PRESETS)}")
    return dict(PRESETS[identifier].weights)


def preset_label(name: str, lang: Lang = "fr") -> str:
    """A preset's label (or the custom label) in ``lang``; a name no preset knows is returned as it is."""
    try:
        identifier = preset_id(name)
    except ValueError:
        return name
    return CUSTOM_LABELS[lang] if identifier == CUSTOM else PRESETS[identifier].label(lang)


def same_weights(first: Mapping[str, float], second: Mapping[str, float]) -> bool:
    """Whether two sets of weights are the same once normalised, within ``WEIGHT_TOLERANCE``."""
    a, b = normalise_weights(first), normalise_weights(second)
    return a.keys() == b.keys() and all(abs(a[key] - b[key]) <= WEIGHT_TOLERANCE for key in a)


def matching_preset(weights: Mapping[str, float]) -> str:
    """The id of the preset whose weights these are (within the tolerance), else ``custom``."""
    for preset in PRESETS.values():
        if same_weights(weights, preset.weights):
            return preset.id
    return CUSTOM


def low_coverage(table: pd.DataFrame, weights: Mapping[str, float]) -> dict[str, float]:
    """The weighted components of ``weights`` with a figure for fewer than ``PRESET_MIN_COVERAGE_PCT`` % of the
    territories of ``table``, with their coverage (%): what no preset may weight."""
    share = {c: 100 * float(table[c].notna().mean()) for c, w in weights.items() if w > 0}
    return {c: pct for c, pct in share.items() if pct < settings.PRESET_MIN_COVERAGE_PCT}


def preset_weights(name: str) -> dict[str, float]:
    """The normalised weights of a preset (see :func:`preset_for`)."""
    return normalise_weights(preset_for(name))


def normalise(table: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """Percentile-rank normalisation of each component, 0 (least favourable) to 100, NaN stays NaN."""
    catalogue = sources.load_catalogue()
    out = pd.DataFrame(index=table.index)
    for indicator_id in ids:
        values = table[indicator_id]
        if indicator_id in ABSOLUTE_SCALES:
            out[indicator_id] = hub_access_points(values, ABSOLUTE_SCALES[indicator_id])
            continue
        ranks = values.rank(method="average")
        count = values.notna().sum()
        scaled = (ranks - 1) / (count - 1) * 100 if count > 1 else ranks * 0 + 50
        out[indicator_id] = 100 - scaled if catalogue[indicator_id].orientation == "lower" else scaled
    return out


def hub_access_points(minutes: pd.Series, zero_at: float) -> pd.Series:
    """Access to your sites on a fixed 0–100 scale: 100 at 0 min, falling linearly to 0 at ``zero_at`` minutes;
    no reachable hub (missing) scores 0. Non-increasing in the minutes, hence never lowered by a new hub."""
    return (100 * (1 - minutes / zero_at)).clip(lower=0, upper=100).fillna(0.0)


def weighted_scores(normalised: pd.DataFrame, weights: Mapping[str, float]) -> tuple[pd.Series, pd.DataFrame]:
    """Scores (0–100) and contributions (score points per component), excluding missing components per row."""
    ids = list(weights)
    values = normalised[ids].to_numpy(dtype=float)
    w = np.array([weights[i] for i in ids])
    available = ~np.isnan(values)
    row_weight = available @ w
    effective = np.where(available, w, 0.0) / np.where(row_weight > 0, row_weight, np.nan)[:, None]
    contributions = np.nan_to_num(values) * effective
    scores = pd.Series(contributions.sum(axis=1), index=normalised.index)
    scores[row_weight == 0] = np.nan
    return scores, pd.DataFrame(contributions, index=normalised.index, columns=ids)


#: Exclusion reasons, by language: the library writes them so that the CLI, the app and the exports agree.
REASONS: dict[str, dict[str, str]] = {
    "fr": {
        "ftth": "fibre {value} < {minimum}",
        "no_road": "aucun site accessible par la route",
        "travel": "site le plus proche à ~{minutes} min > {maximum} min",
        "region": "région non retenue",
        "partial": "classé à part : score sur {share:.0f} % des poids (moins de {minimum:.0f} %)",
        "no_hub": "aucun de vos sites accessible par la route",
        "hub_travel": "le plus proche de vos sites à ~{minutes} min > {maximum} min",
    },
    "en": {
        "ftth": "fibre {value} < {minimum}",
        "no_road": "no site reachable by road",
        "travel": "nearest site ~{minutes} min away > {maximum} min",
        "region": "région not selected",
        "partial": "ranked apart: score on {share:.0f}% of the weights (under {minimum:.0f}%)",
        "no_hub": "none of your sites reachable by road",
        "hub_travel": "nearest of your sites ~{minutes} min away > {maximum} min",
    },
}


def apply_filters(table: pd.DataFrame, filters: Filters, lang: Lang = "fr") -> pd.Series:
    """The reason each territory is excluded ("" when kept), built from its figures, in ``lang``."""
    text = REASONS[lang]
    reasons: pd.Series = pd.Series([[] for _ in range(len(table))], index=table.index, dtype=object)
    if filters.min_ftth_pct is not None:
        ftth = table["ftth_share_pct"]
        low = ftth.isna() | (ftth < filters.min_ftth_pct)
        for i in table.index[low]:
            value, minimum = _share_below(ftth[i], filters.min_ftth_pct, lang)
            reasons[i].append(text["ftth"].format(value=value, minimum=minimum))
    if filters.max_travel_min is not None:
        travel = table["nearest_site_travel_min"]
        for i in table.index[travel.isna()]:
            reasons[i].append(text["no_road"])
        for i in table.index[travel > filters.max_travel_min]:
            minutes, maximum = _apart(travel[i], filters.max_travel_min, 0, lang, above=True)
            reasons[i].append(text["travel"].format(minutes=minutes, maximum=maximum))
    if filters.max_hub_travel_min is not None:
        hub = table["nearest_hub_travel_min"]
        for i in table.index[hub.isna()]:
            reasons[i].append(text["no_hub"])
        for i in table.index[hub > filters.max_hub_travel_min]:
            minutes, maximum = _apart(hub[i], filters.max_hub_travel_min, 0, lang, above=True)
            reasons[i].append(text["hub_travel"].format(minutes=minutes, maximum=maximum))
    if filters.regions:
        for i in table.index[~table["reg_code"].isin(filters.regions)]:
            reasons[i].append(text["region"])
    return reasons.map("; ".join)


def score(
    table: pd.DataFrame,
    weights: Mapping[str, float],
    filters: Filters | None = None,
    *,
    draws: int = settings.ROBUSTNESS_DRAWS,
    seed: int = settings.ROBUSTNESS_SEED,
    lang: Lang = "fr",
) -> pd.DataFrame:
    """Score and rank territories of ``table`` (a territory table) under ``weights`` and ``filters``.

    Returns one row per territory, ranked ones first (best first), then the ones ranked apart (``partial``: their
    figures carry less than ``MIN_RANKED_WEIGHT_PCT`` % of the weights; best score first), then excluded ones:
    ``code``, ``name``, (``reg_code``), ``score``, ``rank``, ``rank_p05``, ``rank_p95`` (rank columns empty for
    rows ranked apart or excluded), ``weight_available_pct`` (share of the weight the territory has figures for),
    ``partial``, ``partial_note`` (why a row is ranked apart, in ``lang``; "" otherwise), ``missing_components``,
    ``excluded``, ``excluded_reason``, and one ``contrib_<component>`` column per weighted component.
    """
    w = normalise_weights(weights)
    normalised = normalise(table, list(w))
    scores, contributions = weighted_scores(normalised, w)
    reasons = apply_filters(table, filters or Filters(), lang)
    ids = [c for c in ("code", "name", "reg_code") if c in table.columns]
    out = table[ids].copy()
    out["score"] = scores
    out["excluded"] = reasons != ""
    out["excluded_reason"] = reasons
    available = 100 * (normalised.notna().to_numpy() @ np.array(list(w.values())))
    partial = ~out["excluded"] & out["score"].notna() & (available < settings.MIN_RANKED_WEIGHT_PCT - 1e-9)
    kept = ~out["excluded"] & out["score"].notna() & ~partial
    out["rank"] = out["score"].where(kept).rank(ascending=False, method="min")
    low, high = rank_intervals(normalised[kept], w, draws=draws, seed=seed)
    out["rank_p05"] = np.fmin(low.reindex(out.index), out["rank"])
    out["rank_p95"] = np.fmax(high.reindex(out.index), out["rank"])
    out.loc[~kept, ["rank_p05", "rank_p95"]] = np.nan
    out["weight_available_pct"] = available
    out["partial"] = partial
    note = REASONS[lang]["partial"]
    out["partial_note"] = [
        note.format(share=share, minimum=settings.MIN_RANKED_WEIGHT_PCT) if apart else ""
        for share, apart in zip(available, partial, strict=True)
    ]
    absent = normalised[list(w)].isna()
    out["missing_components"] = [", ".join(c for c in w if absent.at[i, c]) for i in normalised.index]
    for component in w:
        out[f"contrib_{component}"] = contributions[component]
    order = out.sort_values(
        ["excluded", "partial", "rank", "score"], ascending=[True, True, True, False], na_position="last"
    )
    return order.reset_index(drop=True)


def rank_intervals(
    normalised: pd.DataFrame, weights: Mapping[str, float], *, draws: int, seed: int
) -> tuple[pd.Series, pd.Series]:
    """5th and 95th percentiles of each row's rank under Dirichlet draws around ``weights`` (vectorised)."""
    if normalised.empty:
        empty = pd.Series(dtype=float)
        return empty, empty
    ids = list(weights)
    rng = np.random.default_rng(seed)
    alpha = np.array([weights[i] for i in ids]) * settings.ROBUSTNESS_CONCENTRATION
    sampled = rng.dirichlet(alpha, size=draws) if len(ids) > 1 else np.ones((draws, 1))
    values = normalised[ids].to_numpy(dtype=float)
    available = ~np.isnan(values)
    totals = np.nan_to_num(values) @ sampled.T  # territories x draws
    scores = totals / (available @ sampled.T)
    ranks = 1.0 + (scores[None, :, :] > scores[:, None, :]).sum(axis=1)  # 1 = best, ties share the best rank
    low = np.percentile(ranks, 5, axis=1, method="lower")
    high = np.percentile(ranks, 95, axis=1, method="higher")
    return pd.Series(low, index=normalised.index), pd.Series(high, index=normalised.index)


def explain(table: pd.DataFrame, weights: Mapping[str, float], code: str) -> pd.DataFrame:
    """How one territory's score is made: per weighted component, its raw value, the national median, the
    normalised value (0–100), the weight actually applied (rescaled if components are missing) and the
    contribution to the score (points)."""
    w = normalise_weights(weights)
    if code not in set(table["code"]):
        raise ValueError(f"territory {code!r} is not in the table; expected a code such as {table['code'].iloc[0]!r}")
    normalised = normalise(table, list(w))
    _, contributions = weighted_scores(normalised, w)
    row = table.index[table["code"] == code][0]
    catalogue = sources.load_catalogue()
    absent = normalised.loc[row].isna()
    available_weight = sum(v for c, v in w.items() if not absent[c])
    records = []
    for component, weight in w.items():
        missing = bool(absent[component])
        records.append(
            {
                "component": component,
                "label": catalogue[component].label_fr,
                "unit": catalogue[component].unit,
                "orientation": catalogue[component].orientation,
                "value": table.at[row, component],
                "national_median": table[component].median(),
                "normalised": normalised.at[row, component],
                "weight": weight,
                "applied_weight": 0.0 if missing else weight / available_weight,
                "contribution": contributions.at[row, component],
                "missing": missing,
            }
        )
    return pd.DataFrame(records)


#: Most decimals a reason shows to tell a value from its limit (beyond, they are equal for any reader).
_MAX_REASON_DECIMALS = 6


def _apart(value: float, limit: float, decimals: int, lang: Lang, *, above: bool) -> tuple[str, str]:
    """``value`` and ``limit`` with the same decimals, as few as show the limit exactly and the value on its side
    of it: 90.4 against 90 is ``90,4`` and ``90,0``, never ``90`` and ``90``; 120.3 against 90 stays ``120``, ``90``.
    ``above``: the value exceeds the limit (else it falls short). Decimal comma in French, point in English."""
    while decimals < _MAX_REASON_DECIMALS and round(limit, decimals) != limit:
        decimals += 1
    while decimals < _MAX_REASON_DECIMALS:
        shown, bound = round(value, decimals), round(limit, decimals)
        if (shown > bound) if above else (shown < bound):
            break
        decimals += 1
    texts = (f"{value:.{decimals}f}", f"{limit:.{decimals}f}")
    return (texts[0].replace(".", ","), texts[1].replace(".", ",")) if lang == "fr" else texts


def _share_below(value: float, minimum: float, lang: Lang) -> tuple[str, str]:
    """A share and the minimum it falls short of, as :func:`_apart` shows them, with the percent sign:
    ``59,96 %`` and ``60,00 %`` (fr) / ``59.96%`` and ``60.00%`` (en); an unknown share is said so."""
    sign = " %" if lang == "fr" else "%"
    known = not formatting.is_missing(value)  # an unknown share: the minimum as it was given
    shown, bound = _apart(value if known else minimum - 1, minimum, 1, lang, above=False)
    return (shown + sign if known else {"fr": "non renseignée", "en": "unknown"}[lang]), bound + sign
