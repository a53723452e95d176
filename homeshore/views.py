"""Tables and sentences the pages show, built from library results (no widgets here; strings from ``strings``)."""

from __future__ import annotations

import math
import re
from typing import Any, cast

import folium
import geopandas as gpd
import pandas as pd

from homeshore import strings
from homeshore.plain import md
from regions import formatting, geo, indicators, maps, scoring, sources
from regions.formatting import Lang

SCORE = "score"


def colour_options(table: pd.DataFrame) -> list[str]:
    """What can colour the map: the score, then every catalogued indicator with at least one figure in ``table``
    (an indicator no territory has, such as a travel time before any site is declared, would colour nothing)."""
    return [SCORE, *(c for c in sources.load_catalogue() if c in table.columns and table[c].notna().any())]


def legend_source(column: str, weights: dict[str, float], lang: Lang) -> str:
    """The source line of the map legend for the figure shown."""
    if column == SCORE:
        names = ", ".join(sources.label(c, lang) for c in weights)
        return strings.text("legend_source_score", lang, components=names)
    indicator = sources.load_catalogue()[column]
    origin = sources.load_sources().get(indicator.dataset)
    producer = (
        sources.text(origin, "producer", lang) if origin else "Homeshore (" + ", ".join(indicator.derived_from) + ")"
    )
    if origin is not None and origin.status != "bundled":
        producer += f" — {indicators.status_of(origin, lang)}"
    return strings.text("legend_source_indicator", lang, producer=producer, period=indicators.period_of(column, lang))


def map_frame(
    table: pd.DataFrame, result: pd.DataFrame, column: str, lang: Lang
) -> tuple[gpd.GeoDataFrame, list[str], list[str]]:
    """Départements with the value to colour by, the excluded flag and pre-formatted tooltip fields."""
    shapes = geo.departements()[["code", "geometry"]]
    scored = result.set_index("code")
    values = table.set_index("code")
    frame = shapes.merge(values[["name"]], left_on="code", right_index=True)
    frame["value"] = frame["code"].map(scored["score"] if column == SCORE else values[column])
    frame["excluded"] = frame["code"].map(scored["excluded"]).fillna(False).astype(bool)
    frame["t_name"] = frame["name"] + " (" + frame["code"] + ")"
    frame["t_score"] = frame["code"].map(scored["score"]).map(lambda v: formatting.number(v, 1, lang))
    frame["t_rank"] = [
        formatting.rank_interval(scored.at[c, "rank"], scored.at[c, "rank_p05"], scored.at[c, "rank_p95"], lang)
        for c in frame["code"]
    ]
    fields = ["t_name", "t_score", "t_rank"]
    aliases = [strings.text(k, lang) for k in ("tooltip_name", "tooltip_score", "tooltip_rank")]
    if column != SCORE:
        frame["t_value"] = frame["value"].map(lambda v: formatting.indicator_value(column, v, lang))
        fields.append("t_value")
        aliases.append(sources.label(column, lang))
    for key in ("unemployment_rate_pct", "ftth_share_pct", "nearest_site_travel_min"):
        if key != column:
            frame[f"t_{key}"] = (
                frame["code"].map(values[key]).map(lambda v, k=key: formatting.indicator_value(k, v, lang))
            )
            fields.append(f"t_{key}")
            aliases.append(sources.label(key, lang))
    if frame["excluded"].any():
        frame["t_excluded"] = frame["code"].map(scored["excluded_reason"]).replace("", formatting.MISSING)
        fields.append("t_excluded")
        aliases.append(strings.text("tooltip_excluded", lang))
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=shapes.crs), fields, aliases


def live_payload(
    table: pd.DataFrame,
    result: pd.DataFrame,
    weights: dict[str, float],
    column: str,
    lang: Lang,
    zone: str,
    highlight: str | None,
    high_contrast: bool = False,
) -> dict[str, Any]:
    """What :func:`build_map` shows (colours, tooltips, legend, outline, zone) as an update of the live map."""
    frame, fields, aliases = map_frame(table, result, column, lang)
    return maps.live_payload(
        pd.DataFrame(frame.drop(columns="geometry")),
        "value",
        legend_title=strings.text("legend_score_title", lang) if column == SCORE else sources.label(column, lang),
        legend_source=legend_source(column, weights, lang),
        tooltip_fields=fields,
        tooltip_aliases=aliases,
        excluded_column="excluded",
        missing_label=strings.text("missing_label", lang),
        excluded_label=strings.text("excluded_label", lang),
        number_format=lambda v: formatting.number(v, 1, lang),
        highlight_code=highlight,
        bounds=maps.ZONES[zone],
        high_contrast=high_contrast,
    )


def ranking_table(result: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The ranked départements as shown under the map (the accessible alternative to it)."""
    catalogue = sources.load_catalogue()
    label = {c: sources.label(c, lang) for c in catalogue}
    return pd.DataFrame(
        {
            strings.text("col_rank", lang): result["rank"].astype("Int64"),
            strings.text("col_interval", lang): [
                "" if formatting.is_missing(lo) else f"{lo:.0f}–{hi:.0f}"
                for lo, hi in zip(result["rank_p05"], result["rank_p95"], strict=True)
            ],
            strings.text("col_code", lang): result["code"],
            strings.text("col_name", lang): result["name"],
            strings.text("col_score", lang): decimals(result["score"], 1, lang),
            strings.text("col_weight_available", lang): result["weight_available_pct"].round(0),
            strings.text("col_missing", lang): result["missing_components"].map(
                lambda ids: ", ".join(label[i] for i in ids.split(", ") if i)
            ),
            strings.text("col_partial", lang): result["partial_note"],
            strings.text("col_excluded", lang): result["excluded_reason"],
        }
    )


def decimals(values: pd.Series, digits: int, lang: Lang) -> pd.Series:
    """A column of figures as a table shows them: in French written out (``74,1``, ``1 204``, « — » when missing),
    since a table cannot draw a decimal comma; in English rounded numbers (kept sortable)."""
    if lang == "en":
        return values.round(digits)
    return values.map(lambda value: formatting.number(value, digits, lang))


def without_note(name: object) -> str:
    """A site's or operator's name without the compiler's note in brackets at its end (« Bouygues Telecom (in-house
    customer service) » -> « Bouygues Telecom »): the notes are in English, the names are names."""
    return re.sub(r"\s*\([^()]*\)\s*$", "", str(name))


def in_sentence(label: str) -> str:
    """A label inside a French sentence: its first letter in lower case unless its first word is an acronym
    (« taux de chômage localisé », « locaux éligibles à la fibre (FttH) », « AAH … »); the rest as written."""
    first = label.split(" ", 1)[0]
    if not label or sum(c.isupper() for c in first) > 1:
        return label
    return label[0].lower() + label[1:]


def top_sentences(table: pd.DataFrame, result: pd.DataFrame, weights: dict[str, float], lang: Lang) -> list[str]:
    """One sentence per top-5 département, naming its three strongest criteria with value and national median."""
    ranked = result[result["rank"].notna()].head(5)
    values = table.set_index("code")
    sentences = []
    for row in ranked.itertuples():
        contributions = {c: getattr(row, f"contrib_{c}") for c in weights}
        strongest = sorted(contributions, key=lambda c: -contributions[c])[:3]
        reasons = [
            strings.text(
                "reason_component",
                lang,
                label=md(in_sentence(sources.label(c, lang)) if lang == "fr" else sources.label(c, lang)),
                value=formatting.indicator_value(c, values.at[row.code, c], lang),
                median=formatting.indicator_value(c, table[c].median(), lang),
            )
            for c in strongest
            if not math.isnan(cast(float, values.at[row.code, c]))
        ]
        sentences.append(
            strings.text(
                "top_sentence",
                lang,
                rank=int(cast(float, row.rank)),
                name=row.name,
                code=row.code,
                reasons=", ".join(reasons),
            )
        )
    return sentences


def breakdown(table: pd.DataFrame, weights: dict[str, float], code: str, lang: Lang) -> pd.DataFrame:
    """The detail table of one département's score: value vs median, normalised, weight, points, period, source."""
    explained = scoring.explain(table, weights, code)
    catalogue, all_sources = sources.load_catalogue(), sources.load_sources()

    def source_of(component: str) -> str:
        origin = all_sources.get(catalogue[component].dataset)
        return (
            f"{sources.text(origin, 'producer', lang)} ({indicators.status_of(origin, lang)})"
            if origin
            else "Homeshore"
        )

    return pd.DataFrame(
        {
            strings.text("col_indicator", lang): [sources.label(c, lang) for c in explained["component"]],
            strings.text("col_value", lang): [
                formatting.indicator_value(c, v, lang)
                for c, v in zip(explained["component"], explained["value"], strict=True)
            ],
            strings.text("col_median", lang): [
                formatting.indicator_value(c, v, lang)
                for c, v in zip(explained["component"], explained["national_median"], strict=True)
            ],
            strings.text("col_normalised", lang): explained["normalised"].map(lambda v: formatting.number(v, 0, lang)),
            strings.text("col_weight", lang): explained["applied_weight"].map(
                lambda v: formatting.percent(100 * v, 0, lang)
            ),
            strings.text("col_points", lang): explained["contribution"].round(1),
            strings.text("col_period", lang): [indicators.period_of(c, lang) for c in explained["component"]],
            strings.text("col_source", lang): [source_of(c) for c in explained["component"]],
        }
    )


def build_map(
    table: pd.DataFrame,
    result: pd.DataFrame,
    weights: dict[str, float],
    column: str,
    lang: Lang,
    zone: str,
    site_points: gpd.GeoDataFrame | None,
    highlight: str | None,
    *,
    high_contrast: bool = False,
) -> folium.Map:
    """The département choropleth coloured by ``column`` (the score or an indicator), in ``lang``."""
    frame, fields, aliases = map_frame(table, result, column, lang)
    if site_points is not None:
        site_points = site_points.assign(
            t_site=site_points["operator"].map(without_note) + " — " + site_points["commune_name"]
        )
    return maps.choropleth(
        frame,
        "value",
        legend_title=strings.text("legend_score_title", lang) if column == SCORE else sources.label(column, lang),
        legend_source=legend_source(column, weights, lang),
        tooltip_fields=fields,
        tooltip_aliases=aliases,
        excluded_column="excluded",
        missing_label=strings.text("missing_label", lang),
        excluded_label=strings.text("excluded_label", lang),
        number_format=lambda v: formatting.number(v, 1, lang),
        sites=site_points,
        sites_label=strings.text("sites_label", lang),
        sites_tooltip_field="t_site" if site_points is not None else None,
        highlight_code=highlight,
        bounds=maps.ZONES[zone],
        high_contrast=high_contrast,
    )
