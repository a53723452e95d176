"""Folium choropleth maps of territories that draw with no internet access (pure: data in, ``folium.Map`` out).

Public entry points: :func:`choropleth` (départements, or any layer with a ``code`` column),
:func:`communes_choropleth` (the communes of one département), :func:`quantile_bins`, :func:`map_html`, and
:data:`ZONES` (the bounds of mainland France and of each overseas département, for a zone switch).

**Live map** (the app's map page): :func:`live_map` holds what a browser receives once — Leaflet, the basemap and
the shapes (:func:`live_geometry`, compact GeoJSON with ids only) — and :func:`live_update` (from the cacheable
:func:`live_payload`) is a small feature group that recolours the shapes, sets their tooltips and accessible
names, replaces the legend, outlines one shape, draws the sites and moves the view only when the zone changes.
``st_folium`` keys its component on the map's script, which no update changes, so the browser keeps the same
map, with the zoom and centre the user chose, and receives about 40 kB per update instead of a new 0.9 MB page
(:func:`live_html` puts both in one standalone page, for checks).

**Offline.** folium loads Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, so on a closed network its maps are
blank. Here every map carries Leaflet 1.9.4 (``leaflet.js`` and ``leaflet.css``, its two PNG images inlined in the
CSS) as ``data:`` URIs read from the installed PyPI package ``django-js-lib-leaflet`` (Leaflet's own files, BSD-2;
the package has no dependencies and Django is never imported), set as each element's ``default_js`` /
``default_css``; the assets these maps do not use (jQuery, Bootstrap, Awesome Markers, Font Awesome, glyphicons)
are dropped, and an element asking for any other asset raises ``ValueError`` rather than reach a CDN. The legend is
a Leaflet control written in plain HTML/CSS (no branca colormap, which would pull d3 from a CDN). Tiles are the
only remote resource: OpenStreetMap's standard tiles at half opacity (CARTO's light basemap now needs an API key),
which simply stay blank offline; fills are opaque enough, on a plain background, for the map to read the same
without them.

Measured (2026-11, Chromium 156 headless, every request but ``file:``, ``data:`` and 127.0.0.1 aborted; the same map
of the 101 départements in five classes, no tiles, no sites; folium 0.20.0, streamlit-folium 0.27.4, Streamlit 1.67;
``tests/browser/`` repeats both checks on the chosen option, with tiles and sites):

=====================================  ============  ======================  ===================================
option                                 HTML          standalone file         inside ``st_folium``
=====================================  ============  ======================  ===================================
folium as is (CDN links)               0.77 MB       blank (L undefined)     blank (component height 0)
``folium-offline`` 0.20.0.2            2.23 MB       drawn, 101 shapes       blank (L undefined)
folium + ``data:`` URIs (this module)  0.99 MB       drawn, 101 shapes       drawn, 101 shapes, legend
=====================================  ============  ======================  ===================================

``folium-offline`` (import ``offlinefolium``) writes its assets as inline ``<script>``/``<style>`` blocks in the
page header: 1.46 MB more per map. streamlit-folium inserts the header into its component page with ``innerHTML``,
where a browser never runs a script, and loads scripts only from the ``default_js`` URLs of folium's own element
classes (not ``offlinefolium``'s), so Leaflet never loads there. ``data:`` URIs take the same ``default_js`` /
``default_css`` path in a standalone page and in ``st_folium``, so both draw, for 0.22 MB of assets per map
(``leaflet.js`` 0.20 MB, the CSS with its images 0.02 MB, base64); in ``st_folium`` they travel as the component's
``js_links``/``css_links`` beside the map script. The rest is the GeoJSON, written as compact JSON: coordinates
rounded to 4 decimals (about 11 m, well under the 500 m simplification of the layers; shared vertices round alike,
so neighbours stay edge to edge), only the code and the tooltip fields as properties.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from importlib import resources
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

#: GeoJSON is embedded without the space ``json.dumps`` writes after each separator (about a tenth of a map's
#: payload), by this module's own GeoJSON layers only: folium's shared template settings are left as they are.
_COMPACT_JSON: dict[str, Any] = {"sort_keys": True, "separators": (",", ":")}

NumberFormat = Callable[[float], str]
Bounds = tuple[float, float, float, float]

#: Bounds (west, south, east, north) in degrees of each zone a map can show: mainland France with Corsica, and each
#: overseas département by its INSEE code; rounded outward from the département layer, with a small margin.
ZONES: dict[str, Bounds] = {
    "metropole": (-5.3, 41.3, 9.7, 51.2),
    "971": (-61.87, 15.80, -60.94, 16.55),
    "972": (-61.27, 14.36, -60.77, 14.92),
    "973": (-54.75, 1.95, -51.45, 5.90),
    "974": (55.17, -21.43, 55.88, -20.83),
    "976": (44.99, -13.04, 45.33, -12.60),
}

#: Viridis (matplotlib) at 0.0, 0.1, … 1.0; classes are sampled from it in reverse: light yellow = lowest class,
#: dark purple = highest (colour-blind safe, and readable in greyscale).
VIRIDIS = ("#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
           "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725")  # fmt: skip
MISSING_COLOR = "#bdbdbd"
EXCLUDED_COLOR = "#ececec"
HIGHLIGHT_COLOR = "#e4007c"
BACKGROUND_COLOR = "#f7f7f4"
SITE_COLOR = "#1a1a1a"

#: The CSS class of the paths of each layer (for styling and tests).
TERRITORY_CLASS = "hs-territory"
SITE_CLASS = "hs-site"
HIGHLIGHT_CLASS = "hs-highlight"
#: Under this width (CSS px: a phone, or a laptop at 200 % zoom) the legend starts folded and the map fills the box.
NARROW_MAP_PX = 480
#: The GeoJSON property holding a shape's accessible name (plain text, set as ``aria-label`` in the browser).
LABEL_PROPERTY = "hs_label"

_COORDINATE_DECIMALS = 4
_FILL_OPACITY = 0.85
# fitBounds keeps this many pixels (x, y) free at the bottom right, so that the legend does not cover Corsica.
_LEGEND_PADDING = (190, 8)
_STYLE_CLASS: dict[str, Any] = {"color": "#ffffff", "weight": 0.7, "opacity": 1.0, "fillOpacity": _FILL_OPACITY}
_STYLE_MISSING: dict[str, Any] = {**_STYLE_CLASS, "fillColor": MISSING_COLOR, "fillOpacity": 1.0}
_STYLE_EXCLUDED: dict[str, Any] = {"color": "#9e9e9e", "weight": 0.8, "fillColor": EXCLUDED_COLOR, "fillOpacity": 1.0}
_STYLE_HOVER: dict[str, Any] = {"color": "#000000", "weight": 2.5}
#: High contrast: black borders, opaque fills, no basemap behind (the option a user with low vision can turn on).
_STYLE_CONTRAST: dict[str, Any] = {"color": "#000000", "weight": 1.2, "opacity": 1.0, "fillOpacity": 1.0}
_TOOLTIP_STYLE = "font-size: 13px; font-family: system-ui, sans-serif;"
_TILES = "OpenStreetMap"  # CARTO basemaps now need an API key (xyzservices 2026)
_TILES_OPACITY = 0.5

# folium assets these maps never use: dropped, so that nothing is fetched from a CDN.
_UNUSED_ASSETS = frozenset(
    {"jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css", "awesome_markers_font_css",
     "awesome_markers_css", "awesome_rotate_css"}
)  # fmt: skip
_LEAFLET_PACKAGE = "js_lib_leaflet"


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


# --- the live map: shapes sent once, colours and tooltips sent as a small update ---------------------------------


def live_geometry(territories: gpd.GeoDataFrame) -> str:
    """The shapes of ``territories`` as compact GeoJSON text (``id`` = code, the code as only property; coordinates
    rounded as in :func:`choropleth`), safe inside a ``<script>``: the part of :func:`live_map` that never changes,
    worth computing once."""
    if "code" not in territories.columns:
        raise ValueError("`territories` has no `code` column (the key of each feature)")
    frame = territories[territories.geometry.notna() & ~territories.geometry.is_empty].to_crs(4326)
    collection = _feature_collection(frame, [], "code", _plain_format, "")
    return _script_json(collection)


def live_map(geometry: str, *, tiles: bool = True, high_contrast: bool = False) -> folium.Map:
    """The part of an interactive map that a browser receives once: Leaflet, the basemap (none in ``high_contrast``)
    and the shapes (``geometry``, from :func:`live_geometry`), drawn grey until an update from :func:`live_update`
    colours them. Its page script depends on nothing else, so ``st_folium`` keeps the same map (and its zoom) while
    only the update changes; each update replaces the previous one in place."""
    west, south, east, north = ZONES["metropole"]
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2], zoom_start=5, tiles=None, zoom_snap=0.25, zoom_delta=0.5
    )
    if tiles and not high_contrast:
        folium.TileLayer(_TILES, control=False, opacity=_TILES_OPACITY).add_to(m)
    _LiveTerritories(geometry).add_to(m)
    _use_packaged_assets(m)
    return m


def live_payload(
    territories: pd.DataFrame,
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
    highlight_code: str | None = None,
    bounds: Bounds | None = None,
    k: int = 5,
    high_contrast: bool = False,
) -> dict[str, Any]:
    """What changes on a live map, as plain JSON-ready data (cacheable): each code's style and tooltip texts (one
    per alias, HTML-escaped; the browser lays them out as the tooltip table and the shape's accessible name
    ``alias: value; …``), the legend, the map's name, the outlined code and the view's ``bounds``.

    Same classes, colours, greys, legend and texts as :func:`choropleth` with the same arguments; ``territories``
    needs no geometry (a row per code)."""
    frame = territories
    _check_arguments(frame, value_column, tooltip_fields, tooltip_aliases, excluded_column, None, None)
    values = pd.to_numeric(frame[value_column], errors="coerce").astype(float)
    breaks = quantile_bins(values, k)
    fmt = number_format if number_format is not None else _default_format(breaks)
    colors = class_colors(max(len(breaks) - 1, 1))
    excluded = _excluded_mask(frame, excluded_column)
    classes = _classify(values, breaks)
    codes = frame["code"].astype(str)
    columns = {field: frame[field].tolist() for field in tooltip_fields}
    texts = {
        code: [
            _property_text(
                columns[field][i],
                number_format=fmt if field == value_column else _plain_format,
                missing_label=missing_label,
            )
            for field in tooltip_fields
        ]
        for i, code in enumerate(codes)
    }
    entries = _legend_entries(breaks, colors, fmt, classes, excluded, missing_label, excluded_label)
    west, south, east, north = bounds if bounds is not None else ZONES["metropole"]
    return {
        "styles": _styles(codes, classes, excluded, colors, high_contrast),
        "aliases": [html.escape(alias) for alias in tooltip_aliases],
        "texts": texts,
        "legend": _legend_html(legend_title, legend_source, entries),
        "title": html.escape(legend_title),
        "highlight": None if highlight_code is None else str(highlight_code),
        "bounds": [[south, west], [north, east]],
    }


def live_update(
    payload: dict[str, Any],
    *,
    sites: gpd.GeoDataFrame | None = None,
    sites_label: str = "Sites de centres de contact",
    sites_tooltip_field: str | None = None,
) -> folium.FeatureGroup:
    """The update of a :func:`live_map` (``payload`` from :func:`live_payload`), as the feature group ``st_folium``
    adds with ``feature_group_to_add``: it recolours the shapes, sets their tooltips and names, replaces the legend,
    outlines the highlighted code, draws ``sites`` (with a switch to hide them) and moves the view only when the
    bounds changed — the zoom and centre the user chose are kept otherwise."""
    group = folium.FeatureGroup(name="hs-update", control=False)
    layer = None
    if sites is not None:
        layer = _sites_layer(sites, sites_label, sites_tooltip_field)
        layer.add_to(group)
    _LiveUpdate(payload, layer, html.escape(sites_label)).add_to(group)
    _use_packaged_assets(group)
    return group


def live_html(m: folium.Map, update: folium.FeatureGroup) -> str:
    """A live map with one update applied, as one standalone HTML page (for tests and checks outside Streamlit)."""
    update.add_to(m)
    return map_html(m)


# --- building steps ----------------------------------------------------------------------------------------------


def class_colors(n: int) -> list[str]:
    """``n`` colours sampled evenly from reversed viridis, from light (lowest class) to dark (highest)."""
    if n < 1:
        raise ValueError(f"`n` was {n!r} but is expected to be a positive integer")
    anchors = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in reversed(VIRIDIS)], dtype=float)
    positions = np.linspace(0.0, 1.0, len(anchors))
    samples = np.linspace(0.0, 1.0, n) if n > 1 else np.array([0.5])
    rgb = np.column_stack([np.interp(samples, positions, anchors[:, j]) for j in range(3)])
    return ["#{:02x}{:02x}{:02x}".format(*row) for row in np.rint(rgb).astype(int).tolist()]


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


def _compact_template(template: Template) -> Template:
    """A copy of ``template`` that renders ``tojson`` without spaces, in an environment of its own (an overlay), so
    that the settings shared by every folium template in the process are left unchanged."""
    environment = template.environment.overlay()
    environment.policies = {**template.environment.policies, "json.dumps_kwargs": _COMPACT_JSON}
    copy = object.__new__(type(template))
    copy.__dict__.update(template.__dict__)
    copy.environment = environment
    copy._module = None
    return copy


class _CompactGeoJson(folium.GeoJson):
    """folium's GeoJSON layer, its data embedded as compact JSON (this module's maps only)."""

    _template = _compact_template(folium.GeoJson._template)


def _script_json(value: object) -> str:
    """``value`` as compact JSON that is safe inside an HTML ``<script>``."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escape)
    return text


def _legend_html(title: str, source: str, entries: list[tuple[str, str]]) -> str:
    rows = "".join(
        '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
        f'<span style="flex:none;width:18px;height:12px;background:{color};'
        'border:1px solid #8c8c8c"></span>'
        f"<span>{html.escape(label)}</span></div>"
        for color, label in entries
    )
    return (
        '<details open class="hs-legend" style="background:rgba(255,255,255,0.94);'
        "padding:8px 10px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,0.35);color:#222;"
        'font:13px/1.35 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:260px">'
        f'<summary class="hs-legend-title" style="font-weight:600;margin-bottom:4px;cursor:pointer">'
        f"{html.escape(title)}</summary>"
        f"{rows}"
        f'<div class="hs-legend-source" style="margin-top:6px;font-size:11px;color:#555">{html.escape(source)}</div>'
        "</details>"
    )


def _js_string(text: str) -> str:
    """``text`` as a JavaScript string literal that is safe inside an HTML ``<script>``."""
    literal = json.dumps(text, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        literal = literal.replace(char, escape)
    return literal


class _Legend(MacroElement):
    """The legend as a Leaflet control (bottom right); also paints the plain background seen without tiles."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            map.getContainer().style.background = {{ this.background }};
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "hs-legend-control");
                div.innerHTML = {{ this.content }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.content = _js_string(legend_html)
        self.background = _js_string(BACKGROUND_COLOR)


class _AccessibleNames(MacroElement):
    """Give every shape with a :data:`LABEL_PROPERTY` ``role="img"`` and that ``aria-label`` (decoded to text,
    set as an attribute, never inserted as HTML), out of the Tab order (Leaflet makes each a tab stop); name the
    map region; draw a visible focus ring; let the page zoom (folium's viewport tag forbids pinch zoom); on a map
    narrower than :data:`NARROW_MAP_PX`, fold the legend and fit ``bounds`` (south, west, north, east) edge to
    edge."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var container = map.getContainer();
            var parser = new DOMParser();  // its documents run no script and load nothing: it only decodes "&lt;"
            var text = function (escaped) {
                return escaped ? parser.parseFromString(escaped, "text/html").documentElement.textContent : "";
            };
            container.setAttribute("role", "region");
            container.setAttribute("aria-label", text({{ this.title }}));
            // Leaflet focuses the map on a mouse press: without preventScroll, a map partly off screen scrolls the
            // page between the press and the release, which then land on different shapes, and the click is lost
            container.focus = function (options) {
                HTMLElement.prototype.focus.call(container, Object.assign({preventScroll: true}, options || {}));
            };
            map.eachLayer(function (layer) {
                var label = text(layer.feature && layer.feature.properties && layer.feature.properties.LABEL);
                var shape = label && layer.getElement ? layer.getElement() : null;
                if (!shape) { return; }
                shape.setAttribute("role", "img");
                shape.setAttribute("aria-label", label);
                // out of the Tab order: a hundred stops (and as many back) would bury the page; the keyboard way
                // is the list under the map, and a screen reader still reads each shape's name
                shape.setAttribute("tabindex", "-1");
            });
            var style = document.createElement("style");
            style.textContent = ".leaflet-interactive:focus-visible, .leaflet-container:focus-visible, "
                + ".leaflet-control a:focus-visible, .leaflet-control input:focus-visible "
                + "{ outline: 3px solid #1c4fd6 !important; outline-offset: 1px; }"
                + " path.leaflet-interactive:focus-visible { stroke: #000000; stroke-width: 3px; }"
                + " .leaflet-control-layers { max-width: calc(100% - 64px); }"
                + " .leaflet-control-layers label span { white-space: normal; }";
            document.head.appendChild(style);
            if (container.clientWidth < NARROW) {
                // a phone, or a 200 % zoom: the legend folds to its title (a <details> the user opens) and the
                // view fits without the room kept for it, so that the map is not hidden behind it
                container.querySelectorAll("details.hs-legend").forEach(function (legend) { legend.open = false; });
                map.fitBounds({{ this.bounds }}, {padding: [8, 8]});
            }
            document.querySelectorAll('meta[name="viewport"]').forEach(function (tag) {
                tag.setAttribute("content", "width=device-width, initial-scale=1");
            });
        })();
        {% endmacro %}
        """.replace("LABEL", LABEL_PROPERTY).replace("NARROW", str(NARROW_MAP_PX))
    )

    def __init__(self, title: str, bounds: tuple[float, float, float, float]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "AccessibleNames"
        self.title = _js_string(html.escape(title))
        south, west, north, east = bounds
        self.bounds = json.dumps([[south, west], [north, east]])


_LIVE_SCRIPT = """
{% macro script(this, kwargs) %}
(function() {
    var map = {{ this._parent.get_name() }};
    var container = map.getContainer();
    var parser = new DOMParser();  // its documents run no script and load nothing: it only decodes "&lt;"
    var live = window.hsLive = {map: map, styles: {}, bounds: null, legend: null, control: null};
    live.text = function (escaped) {
        return escaped ? parser.parseFromString(escaped, "text/html").documentElement.textContent : "";
    };
    // out of the Tab order (Leaflet makes each shape a tab stop: a hundred stops would bury the page); the keyboard
    // way is the list under the map, and a screen reader still reads each shape's name
    live.name = function (shape, label) {
        var element = label && shape.getElement ? shape.getElement() : null;
        if (!element) { return; }
        element.setAttribute("role", "img");
        element.setAttribute("aria-label", label);
        element.setAttribute("tabindex", "-1");
    };
    container.style.background = BACKGROUND;
    container.setAttribute("role", "region");
    // Leaflet focuses the map on a mouse press: without preventScroll, a map partly off screen scrolls the page
    // between the press and the release, which then land on different shapes, and the click is lost
    container.focus = function (options) {
        HTMLElement.prototype.focus.call(container, Object.assign({preventScroll: true}, options || {}));
    };
    var shapes = JSON.parse(document.getElementById({{ this.geometry_id }}).textContent);
    live.territories = L.geoJSON(shapes, {
        className: TERRITORY, style: function () { return MISSING; }
    }).addTo(map);
    live.territories.eachLayer(function (shape) {
        shape.on("mouseover", function () { shape.setStyle(HOVER); });
        shape.on("mouseout", function () { shape.setStyle(live.styles[shape.feature.id] || MISSING); });
    });
    // streamlit-folium sends what a click changed 250 ms after it (a debounce meant for pans and zooms): a click on
    // a shape is sent at once instead, as streamlit-folium would send it, and recorded as sent, so that its delayed
    // call finds nothing new. Only when every value the page asked for is one a click sets; else the delayed path.
    live.report = function () {
        var data = window.__GLOBAL_DATA__;
        if (!data || !data.returned_objects || data.wrap_longitude || window.parent === window) { return; }
        if (data.returned_objects.some(function (key) { return CLICK_VALUES.indexOf(key) < 0; })) { return; }
        var value = {};
        CLICK_VALUES.forEach(function (key) {
            if (data.returned_objects.indexOf(key) >= 0) {
                value[key] = key === "last_clicked" ? data.lat_lng_clicked : data[key];
            }
        });
        if (JSON.stringify(data.previous_data) === JSON.stringify(value)) { return; }
        data.previous_data = value;
        window.parent.postMessage(
            {isStreamlitMessage: true, type: "streamlit:setComponentValue", value: value, dataType: "json"}, "*"
        );
    };
    // after every click handler of the event (streamlit-folium's record the clicked shape), before its delay
    live.territories.on("click", function () { window.setTimeout(live.report, 0); });
    live.apply = function (update, group, sites, sitesLabel) {
        var narrow = container.clientWidth < NARROW;
        live.styles = update.styles;
        container.setAttribute("aria-label", live.text(update.title));
        live.territories.eachLayer(function (shape) {
            var id = shape.feature.id;
            var texts = update.texts[id] || [];  // HTML-escaped in Python, as the aliases
            var rows = texts.map(function (text, i) {
                return "<tr><th>" + update.aliases[i] + "</th><td>" + text + "</td></tr>";
            });
            var tooltip = '<table style="TOOLTIP_STYLE">' + rows.join("") + "</table>";
            shape.setStyle(update.styles[id] || MISSING);
            if (shape.getTooltip()) {
                shape.setTooltipContent(tooltip);
            } else {
                shape.bindTooltip(tooltip, {sticky: true});
            }
            live.name(shape, live.text(texts.map(function (text, i) {
                return update.aliases[i] + ": " + text;
            }).join("; ")));
        });
        if (update.highlight) {
            live.territories.eachLayer(function (shape) {
                if (shape.feature.id !== update.highlight) { return; }
                L.geoJSON(shape.toGeoJSON(), {
                    className: HIGHLIGHT_CLASS, interactive: false, style: function () { return HIGHLIGHT; }
                }).addTo(group);
            });
        }
        // the legend: replaced, folded or open as the user left it (folded at first on a narrow map)
        var open = !narrow;
        if (live.legend) {
            var previous = live.legend.getContainer().querySelector("details.hs-legend");
            if (previous) { open = previous.open; }
            map.removeControl(live.legend);
        }
        live.legend = L.control({position: "bottomright"});
        live.legend.onAdd = function () {
            var div = L.DomUtil.create("div", "hs-legend-control");
            div.innerHTML = update.legend;
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        live.legend.addTo(map);
        live.legend.getContainer().querySelectorAll("details.hs-legend").forEach(function (d) { d.open = open; });
        if (live.control) { map.removeControl(live.control); live.control = null; }
        if (sites) {
            var overlays = {};
            overlays[sitesLabel] = sites;
            live.control = L.control.layers(null, overlays, {collapsed: false, position: "topright"}).addTo(map);
        }
        var nameSites = function () {
            if (!sites) { return; }
            sites.eachLayer(function (shape) {
                var properties = (shape.feature && shape.feature.properties) || {};
                live.name(shape, live.text(properties.LABEL));
            });
        };
        if (map.hasLayer(group)) { nameSites(); } else { group.once("add", nameSites); }
        // the view moves only when the zone changes: the zoom and centre the user chose are kept otherwise
        var bounds = JSON.stringify(update.bounds);
        if (bounds !== live.bounds) {
            live.bounds = bounds;
            if (narrow) {
                map.fitBounds(update.bounds, {padding: [8, 8]});
            } else {
                map.fitBounds(update.bounds, {paddingTopLeft: [8, 8], paddingBottomRight: PADDING});
            }
        }
    };
    var style = document.createElement("style");
    style.textContent = ".leaflet-interactive:focus-visible, .leaflet-container:focus-visible, "
        + ".leaflet-control a:focus-visible, .leaflet-control input:focus-visible "
        + "{ outline: 3px solid #1c4fd6 !important; outline-offset: 1px; }"
        + " path.leaflet-interactive:focus-visible { stroke: #000000; stroke-width: 3px; }"
        + " .leaflet-control-layers { max-width: calc(100% - 64px); }"
        + " .leaflet-control-layers label span { white-space: normal; }";
    document.head.appendChild(style);
    document.querySelectorAll('meta[name="viewport"]').forEach(function (tag) {
        tag.setAttribute("content", "width=device-width, initial-scale=1");
    });
})();
{% endmacro %}
"""
for _name, _value in {
    "BACKGROUND": json.dumps(BACKGROUND_COLOR),
    "TERRITORY": json.dumps(TERRITORY_CLASS),
    "HIGHLIGHT_CLASS": json.dumps(HIGHLIGHT_CLASS),
    "HIGHLIGHT": json.dumps({"color": HIGHLIGHT_COLOR, "weight": 4, "fill": False}),
    "MISSING": json.dumps(_STYLE_MISSING),
    "HOVER": json.dumps(_STYLE_HOVER),
    "NARROW": str(NARROW_MAP_PX),
    "PADDING": json.dumps(list(_LEGEND_PADDING)),
    "LABEL": LABEL_PROPERTY,
    "TOOLTIP_STYLE": _TOOLTIP_STYLE,
    # the values a click sets, in the order streamlit-folium 0.27 builds them (it compares them as JSON text)
    "CLICK_VALUES": json.dumps(
        [
            "last_clicked",
            "last_object_clicked",
            "last_object_clicked_count",
            "last_object_clicked_tooltip",
            "last_object_clicked_popup",
            "all_drawings",
            "last_active_drawing",
        ]
    ),
}.items():
    _LIVE_SCRIPT = _LIVE_SCRIPT.replace(_name, _value)


class _RawScript(Element):
    """A script added to a page as it is: branca's ``Element`` would compile it as a Jinja template first (a third
    of a second for the shapes' GeoJSON, on every run)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _LiveTerritories(MacroElement):
    """The shapes of a live map (grey), the accessibility set-up of :class:`_AccessibleNames`, and
    ``window.hsLive.apply``, which a :class:`_LiveUpdate` calls to colour, name and outline them."""

    _template = Template(_LIVE_SCRIPT)

    def __init__(self, geometry: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LiveTerritories"
        self.geometry = geometry
        self.geometry_id = json.dumps("hs-geometry")  # one live map per page (the same script on every run)

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """The shapes go in the page's HTML as a JSON data block, the script (5 kB) in its scripts: ``st_folium``
        then keys, rewrites and hashes a small script on every run instead of the 0.6 MB of shapes, and neither is
        compiled as a Jinja template (as ``MacroElement.render`` would)."""
        figure = self.get_root()
        data = f'<script type="application/json" id={self.geometry_id}>{self.geometry}</script>'
        figure.html.add_child(_RawScript(data), name=self.get_name())  # type: ignore[attr-defined]
        script = self._template.module.script(self, kwargs)
        figure.script.add_child(_RawScript(script), name=self.get_name())  # type: ignore[attr-defined]


class _LiveUpdate(MacroElement):
    """One update of a live map: calls ``window.hsLive.apply`` with its payload, its group and its sites layer."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.hsLive.apply({{ this.payload }}, {{ this._parent.get_name() }},
            {{ this.sites.get_name() if this.sites else "null" }}, {{ this.sites_label }});
        {% endmacro %}
        """
    )

    def __init__(self, payload: dict[str, Any], sites: folium.GeoJson | None, sites_label: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LiveUpdate"
        self.payload = _script_json(payload)
        self.sites = sites
        self.sites_label = _js_string(sites_label)


# --- offline assets ------------------------------------------------------------------------------------------------


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _use_packaged_assets(m: Element) -> None:
    """Point every element's JS/CSS at Leaflet shipped by an installed package, as ``data:`` URIs (no CDN)."""
    leaflet_js, leaflet_css = _leaflet_assets()
    packaged = {"leaflet": leaflet_js, "leaflet_css": leaflet_css}
    for element in _walk(m):
        if not isinstance(element, JSCSSMixin):
            continue
        for attribute in ("default_js", "default_css"):
            kept = []
            for name, url in getattr(element, attribute):
                if name in packaged:
                    kept.append((name, packaged[name]))
                elif name not in _UNUSED_ASSETS:
                    raise ValueError(f"{type(element).__name__} needs {name!r} from {url}, which is not packaged")
            setattr(element, attribute, kept)


@cache
def _leaflet_assets() -> tuple[str, str]:
    """``leaflet.js`` and ``leaflet.css`` (its images inlined) of the installed django-js-lib-leaflet, as data URIs."""
    folder = resources.files(_LEAFLET_PACKAGE).joinpath("static", _LEAFLET_PACKAGE)
    script = folder.joinpath("leaflet.js").read_bytes()
    css = folder.joinpath("leaflet.css").read_text(encoding="utf-8")

    def inline_image(match: re.Match[str]) -> str:
        image = folder.joinpath(*match.group(1).split("/")).read_bytes()
        return f"url({_data_uri('image/png', image)})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", inline_image, css)
    return _data_uri("text/javascript", script), _data_uri("text/css", css.encode("utf-8"))


def _data_uri(media_type: str, content: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def add_links(m: folium.Map, links: Sequence[tuple[tuple[float, float], tuple[float, float], str]]) -> folium.Map:
    """Draw one line per ``(start (lat, lon), end (lat, lon), tooltip)`` on ``m`` — e.g. from each team's site to the
    population centre of each of its départements. Tooltips are HTML-escaped; no asset is added."""
    for start, end, text in links:
        folium.PolyLine(  # type: ignore[no-untyped-call]
            [list(start), list(end)], color=HIGHLIGHT_COLOR, weight=2, opacity=0.8, tooltip=html.escape(text)
        ).add_to(m)
    return m
