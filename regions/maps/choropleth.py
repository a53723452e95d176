"""Choropleth maps of départements or communes (:func:`choropleth`, :func:`communes_choropleth`), sites and links."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from regions.maps.assets import _use_packaged_assets
from regions.maps.classes import (
    _classify,
    _default_format,
    _is_missing,
    _plain_format,
    _property_text,
    class_colors,
    quantile_bins,
)
from regions.maps.elements import _AccessibleNames, _CompactGeoJson, _Legend, _legend_html
from regions.maps.style import (
    _COORDINATE_DECIMALS,
    _LEGEND_PADDING,
    _STYLE_CLASS,
    _STYLE_CONTRAST,
    _STYLE_EXCLUDED,
    _STYLE_HOVER,
    _STYLE_MISSING,
    _TILES,
    _TILES_OPACITY,
    _TOOLTIP_STYLE,
    EXCLUDED_COLOR,
    HIGHLIGHT_CLASS,
    HIGHLIGHT_COLOR,
    LABEL_PROPERTY,
    MISSING_COLOR,
    SITE_CLASS,
    SITE_COLOR,
    TERRITORY_CLASS,
    ZONES,
    Bounds,
    NumberFormat,
)


def choropleth(
    territories: gpd.GeoDataFrame,
    value_column: str,
    *,
    legend_title: str,
    legend_source: str,
    tooltip_fields: list[str],
    tooltip_aliases: list[str],
    excluded_column: str | None = None,
    missing_label: str = "Donnée manquante",
    excluded_label: str = "Exclu par les filtres",
    number_format: NumberFormat | None = None,
    sites: gpd.GeoDataFrame | None = None,
    sites_label: str = "Sites de centres de contact",
    sites_tooltip_field: str | None = None,
    highlight_code: str | None = None,
    tiles: bool = True,
    bounds: Bounds | None = None,
    k: int = 5,
    high_contrast: bool = False,
) -> folium.Map:
    """A choropleth of ``territories`` (one feature per row, keyed by its ``code`` column) by ``value_column``.

    Rows are coloured by quantile class (:func:`quantile_bins`, ``k`` classes, light = low, dark = high); a missing
    value is drawn mid grey (``missing_label``); a row where ``excluded_column`` is true is greyed out, paler with a
    grey outline (``excluded_label``), never hidden. The legend (bottom right) shows ``legend_title``, each class's
    range written with ``number_format`` (French decimals by default), the grey entries in use, and
    ``legend_source``. Hovering a territory shows ``tooltip_fields`` under ``tooltip_aliases``; ``highlight_code``
    outlines one territory; ``sites`` (points) is a layer of small circles that can be switched off. The view fits
    ``bounds`` (west, south, east, north; default mainland France, see :data:`ZONES`). Every text from the data is
    HTML-escaped. Breaks are computed over all rows, excluded ones included, so that colours do not shift when a
    filter changes; a row without geometry cannot be drawn and is left out.

    Each territory's shape carries an accessible name (``role="img"``, ``aria-label``): its tooltip as plain text
    (``alias: value; …``), so that a screen reader announces what a sighted user reads on hover. ``high_contrast``
    draws black borders and opaque fills without the basemap; the palette stays viridis (colour-blind safe).
    """
    bounds = bounds if bounds is not None else ZONES["metropole"]
    frame = territories
    _check_arguments(frame, value_column, tooltip_fields, tooltip_aliases, excluded_column, sites, sites_tooltip_field)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty].to_crs(4326)
    values = pd.to_numeric(frame[value_column], errors="coerce").astype(float)
    breaks = quantile_bins(values, k)
    fmt = number_format if number_format is not None else _default_format(breaks)
    colors = class_colors(max(len(breaks) - 1, 1))
    excluded = _excluded_mask(frame, excluded_column)
    classes = _classify(values, breaks)

    styles = _styles(frame["code"].astype(str), classes, excluded, colors, high_contrast)

    west, south, east, north = bounds
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2], zoom_start=5, tiles=None, zoom_snap=0.25, zoom_delta=0.5
    )
    if tiles and not high_contrast:
        folium.TileLayer(_TILES, control=False, opacity=_TILES_OPACITY).add_to(m)

    features = _feature_collection(frame, tooltip_fields, value_column, fmt, missing_label, tooltip_aliases)
    _CompactGeoJson(
        features,
        name=legend_title,
        control=False,
        style_function=lambda feature: styles[feature["id"]],
        highlight_function=lambda _feature: _STYLE_HOVER,
        tooltip=folium.GeoJsonTooltip(
            fields=tooltip_fields,
            aliases=[html.escape(alias) for alias in tooltip_aliases],
            sticky=True,
            style=_TOOLTIP_STYLE,
        ),
        class_name=TERRITORY_CLASS,
    ).add_to(m)

    if highlight_code is not None:
        chosen = frame[frame["code"].astype(str) == str(highlight_code)]
        if len(chosen) > 0:
            _CompactGeoJson(
                _feature_collection(chosen, [], value_column, fmt, missing_label),
                control=False,
                style_function=lambda _feature: {"color": HIGHLIGHT_COLOR, "weight": 4, "fill": False},
                interactive=False,
                class_name=HIGHLIGHT_CLASS,
            ).add_to(m)

    if sites is not None:
        _sites_layer(sites, sites_label, sites_tooltip_field).add_to(m)
        folium.LayerControl(collapsed=False, position="topright").add_to(m)

    entries = _legend_entries(breaks, colors, fmt, classes, excluded, missing_label, excluded_label)
    _Legend(_legend_html(legend_title, legend_source, entries)).add_to(m)

    m.fit_bounds([[south, west], [north, east]], padding_top_left=(8, 8), padding_bottom_right=_LEGEND_PADDING)
    _AccessibleNames(legend_title, (south, west, north, east)).add_to(m)
    _use_packaged_assets(m)
    return m


def communes_choropleth(communes: gpd.GeoDataFrame, value_column: str, **options: Any) -> folium.Map:
    """The same map as :func:`choropleth` (same keyword options, but ``bounds``) for the communes the caller
    selected (one département), fitted to them."""
    if len(communes) == 0 or communes.geometry.isna().all():
        raise ValueError("`communes` is empty (or has no geometry): select the communes of one département first")
    west, south, east, north = (float(b) for b in communes.total_bounds)
    margin_x, margin_y = (east - west) * 0.02, (north - south) * 0.02
    bounds = (west - margin_x, south - margin_y, east + margin_x, north + margin_y)
    return choropleth(communes, value_column, bounds=bounds, **options)


def map_html(m: folium.Map) -> str:
    """The map as one standalone HTML page (its assets inline, only tiles remote)."""
    page: str = m.get_root().render()
    return page


def _styles(
    codes: pd.Series,
    classes: np.ndarray[Any, np.dtype[np.int64]],
    excluded: np.ndarray[Any, np.dtype[np.bool_]],
    colors: list[str],
    high_contrast: bool,
) -> dict[str, dict[str, Any]]:
    """The Leaflet path style of each code: its class colour, or the missing / excluded grey."""
    styles: dict[str, dict[str, Any]] = {}
    for code, value_class, is_excluded in zip(codes, classes, excluded, strict=True):
        if is_excluded:
            styles[code] = _STYLE_EXCLUDED
        elif value_class < 0:
            styles[code] = _STYLE_MISSING
        else:
            styles[code] = {**_STYLE_CLASS, "fillColor": colors[value_class]}
        if high_contrast:
            styles[code] = {**styles[code], **_STYLE_CONTRAST}
    return styles


def _legend_entries(
    breaks: list[float],
    colors: list[str],
    fmt: NumberFormat,
    classes: np.ndarray[Any, np.dtype[np.int64]],
    excluded: np.ndarray[Any, np.dtype[np.bool_]],
    missing_label: str,
    excluded_label: str,
) -> list[tuple[str, str]]:
    """The legend's (colour, label) rows: each class's range, then the grey entries in use."""
    entries = [
        (colors[i], f"{fmt(breaks[i])} – {fmt(breaks[i + 1])}" if len(breaks) > 1 else fmt(breaks[0]))
        for i in range(len(breaks) - 1 if len(breaks) > 1 else len(breaks))
    ]
    if bool(((classes < 0) & ~excluded).any()):
        entries.append((MISSING_COLOR, missing_label))
    if bool(excluded.any()):
        entries.append((EXCLUDED_COLOR, excluded_label))
    return entries


def _check_arguments(
    frame: gpd.GeoDataFrame,
    value_column: str,
    tooltip_fields: Sequence[str],
    tooltip_aliases: Sequence[str],
    excluded_column: str | None,
    sites: gpd.GeoDataFrame | None,
    sites_tooltip_field: str | None,
) -> None:
    problems = []
    if "code" not in frame.columns:
        problems.append("`territories` has no `code` column (the key of each feature)")
    elif frame["code"].astype(str).duplicated().any():
        problems.append("`territories` has repeated values in its `code` column")
    if value_column not in frame.columns:
        problems.append(f"`value_column` was {value_column!r} but is expected to be one of {list(frame.columns)}")
    unknown = [field for field in tooltip_fields if field not in frame.columns]
    if unknown:
        problems.append(f"`tooltip_fields` has {unknown} but is expected to name columns of {list(frame.columns)}")
    if len(tooltip_fields) != len(tooltip_aliases):
        problems.append(
            f"`tooltip_aliases` has {len(tooltip_aliases)} items but `tooltip_fields` has {len(tooltip_fields)}"
        )
    if excluded_column is not None and excluded_column not in frame.columns:
        problems.append(f"`excluded_column` was {excluded_column!r} but is expected to be one of {list(frame.columns)}")
    if sites is not None and sites_tooltip_field is not None and sites_tooltip_field not in sites.columns:
        problems.append(
            f"`sites_tooltip_field` was {sites_tooltip_field!r} but is expected to be one of {list(sites.columns)}"
        )
    if problems:
        raise ValueError("; ".join(problems))


def _excluded_mask(frame: pd.DataFrame, excluded_column: str | None) -> np.ndarray[Any, np.dtype[np.bool_]]:
    if excluded_column is None:
        return np.zeros(len(frame), dtype=bool)
    column = frame[excluded_column]
    return np.asarray(column.where(column.notna(), False).astype(bool), dtype=bool)


def _feature_collection(
    frame: gpd.GeoDataFrame,
    fields: Sequence[str],
    value_column: str,
    number_format: NumberFormat,
    missing_label: str,
    aliases: Sequence[str] = (),
) -> dict[str, Any]:
    """GeoJSON of ``frame`` with coordinates rounded to 4 decimals, ``id`` = code, and only ``fields`` as text.

    With ``aliases`` (one per field), each feature also gets :data:`LABEL_PROPERTY`: the fields as one line
    (``alias: value; …``, HTML-escaped like every text here), the shape's accessible name."""
    geometries = shapely.transform(
        np.asarray(frame.geometry.array, dtype=object), lambda xy: np.round(xy, _COORDINATE_DECIMALS)
    )
    columns = {field: frame[field].tolist() for field in fields}
    features = []
    for i, (code, geometry) in enumerate(zip(frame["code"].astype(str), geometries, strict=True)):
        properties = {"code": html.escape(code)}
        for field, column in columns.items():
            formatter = number_format if field == value_column else _plain_format
            properties[field] = _property_text(column[i], number_format=formatter, missing_label=missing_label)
        if aliases:
            properties[LABEL_PROPERTY] = "; ".join(
                f"{html.escape(alias)}: {properties[field]}" for alias, field in zip(aliases, fields, strict=True)
            )
        features.append(
            {"type": "Feature", "id": code, "properties": properties, "geometry": shapely.geometry.mapping(geometry)}
        )
    return {"type": "FeatureCollection", "features": features}


def _sites_layer(sites: gpd.GeoDataFrame, label: str, tooltip_field: str | None) -> folium.GeoJson:
    points = sites[sites.geometry.notna() & ~sites.geometry.is_empty].to_crs(4326)
    features = [
        {
            "type": "Feature",
            "properties": {
                "label": html.escape(str(text)) if not _is_missing(text) else html.escape(label),
                LABEL_PROPERTY: html.escape(f"{label}: {text}" if not _is_missing(text) else label),
            },
            "geometry": {
                "type": "Point",
                "coordinates": [round(point.x, _COORDINATE_DECIMALS), round(point.y, _COORDINATE_DECIMALS)],
            },
        }
        for point, text in zip(
            points.geometry.representative_point(),
            points[tooltip_field].tolist() if tooltip_field is not None else [None] * len(points),
            strict=True,
        )
    ]
    return _CompactGeoJson(
        {"type": "FeatureCollection", "features": features},
        name=html.escape(label),
        marker=folium.CircleMarker(
            radius=3.5, color="#ffffff", weight=1, fill_color=SITE_COLOR, fill_opacity=1.0, class_name=SITE_CLASS
        ),
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True),
    )


def add_links(m: folium.Map, links: Sequence[tuple[tuple[float, float], tuple[float, float], str]]) -> folium.Map:
    """Draw one line per ``(start (lat, lon), end (lat, lon), tooltip)`` on ``m`` — e.g. from each team's site to the
    population centre of each of its départements. Tooltips are HTML-escaped; no asset is added."""
    for start, end, text in links:
        folium.PolyLine(  # type: ignore[no-untyped-call]
            [list(start), list(end)], color=HIGHLIGHT_COLOR, weight=2, opacity=0.8, tooltip=html.escape(text)
        ).add_to(m)
    return m
