"""The live map: shapes sent once (:func:`live_map`), colours and tooltips sent as a small update
(:func:`live_update`)."""

from __future__ import annotations

import html
import json
from functools import lru_cache
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from regions.maps.assets import _use_packaged_assets, hashed_name, leaflet_files
from regions.maps.choropleth import (
    _check_arguments,
    _excluded_mask,
    _feature_collection,
    _legend_entries,
    _sites_layer,
    _styles,
    map_html,
)
from regions.maps.classes import _classify, _default_format, _plain_format, _property_text, class_colors, quantile_bins
from regions.maps.elements import _js_string, _legend_html, _script_json
from regions.maps.style import (
    _COORDINATE_DECIMALS,
    _LEGEND_PADDING,
    _STYLE_HOVER,
    _STYLE_MISSING,
    _TILES,
    _TILES_OPACITY,
    _TOOLTIP_STYLE,
    BACKGROUND_COLOR,
    HIGHLIGHT_CLASS,
    HIGHLIGHT_COLOR,
    LABEL_PROPERTY,
    NARROW_MAP_PX,
    TERRITORY_CLASS,
    ZONES,
    Bounds,
    NumberFormat,
)

#: The value a map sends once drawn, when its update asks for it (``report_drawn`` of :func:`live_update`).
DRAWN_VALUE: Final[dict[str, bool]] = {"drawn": True}
#: The asset name of the shapes' file (see :func:`live_files`).
_SHAPES_ASSET = "hs_geometry"

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


def live_map(
    geometry: str,
    *,
    tiles: bool = True,
    high_contrast: bool = False,
    served_at: str | None = None,
    height_px: int | None = None,
) -> folium.Map:
    """The part of an interactive map that a browser receives once: Leaflet, the basemap (none in ``high_contrast``)
    and the shapes (``geometry``, from :func:`live_geometry`), drawn by the first update from :func:`live_update`,
    once it has set the view (Leaflet projects them once, at that zoom); the basemap follows once they are painted,
    its tiles requested at that view only. Its page script depends on nothing else,
    so ``st_folium`` (or a :func:`live_page`) keeps the same map (and its zoom) while only the update changes; each
    update replaces the previous one in place.

    By default Leaflet and the shapes travel inside the map (0.8 MB). With ``served_at`` (the URL of a folder where
    a server serves the files of :func:`live_files`, ending in ``/``), the map only names them: the browser loads
    them as files, and the map itself weighs a few kilobytes. The map fills its page, or is ``height_px`` tall."""
    west, south, east, north = ZONES["metropole"]
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=5,
        tiles=None,
        zoom_snap=0.25,
        zoom_delta=0.5,
        height="100%" if height_px is None else height_px,
    )
    basemap = None
    if tiles and not high_contrast:  # added by the first update, once the shapes are drawn (show=False)
        basemap = folium.TileLayer(_TILES, control=False, opacity=_TILES_OPACITY, show=False)
        basemap.add_to(m)
    served = (
        None if served_at is None else {asset: served_at + name for asset, (name, _) in live_files(geometry).items()}
    )
    _LiveTerritories(geometry, served[_SHAPES_ASSET] if served else None, basemap).add_to(m)
    _use_packaged_assets(m, served)
    return m


def live_files(geometry: str) -> dict[str, tuple[str, bytes]]:
    """The files a map of :func:`live_map` loads when they are served: asset name → (file name, content) for Leaflet's
    script and for the shapes (a script that sets ``window.hsGeometry``). Each file is named after
    its content's hash: a file of that name never changes, so a browser may keep it."""
    return {asset: (name, content) for asset, name, content in _live_files(geometry)}


@lru_cache(maxsize=2)
def _live_files(geometry: str) -> tuple[tuple[str, str, bytes], ...]:
    """:func:`live_files`, hashed once per geometry (the app asks for them on every run)."""
    # packed (:func:`_packed_shapes`) in a JSON text parsed by JSON.parse, which a browser reads faster than the same
    # object written as a script (16 ms against 26 ms for the départements' GeoJSON in Chromium), then unpacked
    shapes = f"window.hsGeometry = ({_UNPACK.strip()})(JSON.parse({json.dumps(_packed_shapes(geometry))}));\n"
    files = {**leaflet_files(), _SHAPES_ASSET: (hashed_name("shapes", shapes.encode(), ".js"), shapes.encode())}
    return tuple((asset, name, content) for asset, (name, content) in files.items())


def _packed_shapes(geometry: str) -> str:
    """The (multi)polygons of ``geometry`` (GeoJSON text from :func:`live_geometry`) as compact JSON: each ring as
    flat integers in units of the rounding (1e-4 degree), its first point then each next one as the step from the
    previous. Less than half the text of the GeoJSON: less for a server to compress, a browser to download and
    parse; :data:`_UNPACK` gives the same GeoJSON back (the same numbers)."""
    scale = 10**_COORDINATE_DECIMALS
    packed = []
    for feature in json.loads(geometry)["features"]:
        shape = feature["geometry"]
        if shape["type"] not in ("Polygon", "MultiPolygon"):
            raise ValueError(f"feature {feature['id']!r} is a {shape['type']}: only polygons are packed")
        polygons = shape["coordinates"] if shape["type"] == "MultiPolygon" else [shape["coordinates"]]
        rings = [[_steps(ring, scale) for ring in polygon] for polygon in polygons]
        packed.append({"id": feature["id"], "properties": feature["properties"], "type": shape["type"], "rings": rings})
    return json.dumps(packed, ensure_ascii=False, separators=(",", ":"))


def _steps(ring: list[list[float]], scale: int) -> list[int]:
    """A ring's points in units of ``1 / scale``, the first one whole, then each as the step from the previous."""
    points = np.rint(np.asarray(ring, dtype=float) * scale).astype(np.int64)
    return np.diff(points, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel().tolist()  # type: ignore[no-any-return]


# The GeoJSON of :func:`_packed_shapes` back: each number divided as JSON.parse would read its decimal text
_UNPACK = """
function (packed) {
    var ring = function (steps) {
        var points = new Array(steps.length / 2), x = 0, y = 0;
        for (var i = 0; i < steps.length; i += 2) {
            x += steps[i];
            y += steps[i + 1];
            points[i / 2] = [x / SCALE, y / SCALE];
        }
        return points;
    };
    return {type: "FeatureCollection", features: packed.map(function (feature) {
        var polygons = feature.rings.map(function (polygon) { return polygon.map(ring); });
        var coordinates = feature.type === "MultiPolygon" ? polygons : polygons[0];
        return {type: "Feature", id: feature.id, properties: feature.properties,
                geometry: {type: feature.type, coordinates: coordinates}};
    })};
}
""".replace("SCALE", str(10**_COORDINATE_DECIMALS))


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
    report_drawn: bool = False,
) -> folium.FeatureGroup:
    """The update of a :func:`live_map` (``payload`` from :func:`live_payload`), as the feature group ``st_folium``
    adds with ``feature_group_to_add``: it recolours the shapes, sets their tooltips and names, replaces the legend,
    outlines the highlighted code, draws ``sites`` (with a switch to hide them) and moves the view only when the
    bounds changed — the zoom and centre the user chose are kept otherwise.

    With ``report_drawn``, a map drawn in ``st_folium`` (or in a :func:`live_page` that talks to Streamlit itself,
    ``window.hsFrame``) sends :data:`DRAWN_VALUE` as its value once it is drawn (once per load of the map's page),
    which reruns the script (or its fragment): a page can wait for the map to be drawn before it sends the rest."""
    group = folium.FeatureGroup(name="hs-update", control=False)
    layer = None
    if sites is not None:
        layer = _sites_layer(sites, sites_label, sites_tooltip_field)
        layer.add_to(group)
    _LiveUpdate(payload, layer, html.escape(sites_label), report_drawn).add_to(group)
    _use_packaged_assets(group)
    return group


def live_html(m: folium.Map, update: folium.FeatureGroup) -> str:
    """A live map with one update applied, as one standalone HTML page (for tests and checks outside Streamlit)."""
    update.add_to(m)
    return map_html(m)


def live_update_script(update: folium.FeatureGroup) -> str:
    """An update of :func:`live_update` as one script for a page that already shows a :func:`live_map` (the map is
    ``window.hsLive.map``): it draws the update's layers and applies it, replacing the previous update. For a page
    that receives updates itself instead of through ``st_folium``."""
    carrier = folium.Map(tiles=None)
    update.add_to(carrier)
    figure = carrier.get_root()
    figure.render()
    scripts = figure.script._children  # type: ignore[attr-defined]
    text = "\n".join(child.render() for name, child in scripts.items() if name != carrier.get_name())
    # in a function of its own: its names (new on every update) do not pile up in the page
    return "(function () {\n" + text.replace(carrier.get_name(), "window.hsLive.map") + "\n})();\n"


def live_page(geometry: str, served_at: str, *, height_px: int, high_contrast: bool = False, tiles: bool = True) -> str:
    """A :func:`live_map` as a page of its own that names Leaflet and the shapes (served at ``served_at``, see
    :func:`live_files`), so that a browser loads them as it reads the page; its map is ``height_px`` tall whatever
    the height of the frame it is in. A script added after the map's (a frame's) applies updates from
    :func:`live_update_script`, the first of which draws the shapes."""
    return map_html(
        live_map(geometry, tiles=tiles, high_contrast=high_contrast, served_at=served_at, height_px=height_px)
    )


_LIVE_SCRIPT = """
{% macro script(this, kwargs) %}
(function() {
    var map = {{ this._parent.get_name() }};
    var container = map.getContainer();
    var live = window.hsLive = {map: map, styles: {}, bounds: null, legend: null, control: null};
    live.basemap = {{ this.basemap.get_name() if this.basemap else "null" }};
    // the five entities of Python's html.escape, the only ones in the texts, decoded in one pass ("&amp;lt;" stays
    // "&lt;"): text for an attribute, never parsed as HTML. Parsing each text (a textarea, a DOMParser document) cost
    // 14 ms of each update of the 101 shapes
    var ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'"};
    live.text = function (escaped) {
        if (!escaped) { return ""; }
        return escaped.replace(/&(?:amp|lt|gt|quot|#x27);/g, function (entity) { return ENTITIES[entity]; });
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
    {% if this.geometry_url %}
    var shapes = window.hsGeometry;  // from the served file that this map loads before its script runs
    {% else %}
    var shapes = JSON.parse(document.getElementById({{ this.geometry_id }}).textContent);
    {% endif %}
    // added to the map by the first update, once the view is set: Leaflet projects the shapes once, at that zoom
    live.territories = L.geoJSON(shapes, {
        className: TERRITORY, style: function () { return MISSING; }
    });
    live.territories.eachLayer(function (shape) {
        shape.on("mouseover", function () { shape.setStyle(HOVER); });
        shape.on("mouseout", function () { shape.setStyle(live.styles[shape.feature.id] || MISSING); });
    });
    // the map's value to the page, as streamlit-folium sends it (Streamlit's component message): the page reruns
    live.send = function (value) {
        window.parent.postMessage(
            {isStreamlitMessage: true, type: "streamlit:setComponentValue", value: value, dataType: "json"}, "*"
        );
    };
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
        live.send(value);
    };
    // after every click handler of the event (streamlit-folium's record the clicked shape), before its delay. In a
    // page of its own that talks to Streamlit itself (window.hsFrame), the click is sent at once, in the same form
    live.territories.on("click", function (event) {
        if (!window.hsFrame) { window.setTimeout(live.report, 0); return; }
        live.send({
            last_active_drawing: {id: event.layer.feature.id},
            last_object_clicked: {lat: event.latlng.lat, lng: event.latlng.lng}
        });
    });
    // once per load of the map's page, when a page asked for it: the map is drawn (st_folium's value, which reruns)
    live.reportDrawn = function () {
        if (live.drawnReported || !(window.__GLOBAL_DATA__ || window.hsFrame) || window.parent === window) { return; }
        live.drawnReported = true;
        live.send(DRAWN_VALUE);
    };
    // the view moves only when the zone changes: the zoom and centre the user chose are kept otherwise
    live.view = function (bounds, narrow, animate) {
        var key = JSON.stringify(bounds);
        if (key === live.bounds) { return; }
        live.bounds = key;
        var options = narrow ? {padding: [8, 8]} : {paddingTopLeft: [8, 8], paddingBottomRight: PADDING};
        map.fitBounds(bounds, Object.assign(options, {animate: animate}));
    };
    live.apply = function (update, group, sites, sitesLabel, reportDrawn) {
        var narrow = container.clientWidth < NARROW;
        if (live.group && live.group !== group) { map.removeLayer(live.group); }  // the previous update's layers
        live.group = group;
        if (!map.hasLayer(live.territories)) {  // the first update: the view, without animation, then the shapes
            live.view(update.bounds, narrow, false);
            live.territories.addTo(map);
            // then the basemap, once the shapes are painted: its tiles at this view only, never at the map's
            // opening zoom, and none of its work before the colours
            if (live.basemap) {
                window.requestAnimationFrame(function () {
                    window.setTimeout(function () { live.basemap.addTo(map); }, 0);
                });
            }
        }
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
            live.control = L.control.layers(null, overlays, {collapsed: false, position: "topright"});
            // one switch, never taller than the map: Leaflet's expand measures the list against the map, a forced
            // layout of the whole map in the middle of an update (12 ms of a new map's first)
            live.control.expand = function () {
                L.DomUtil.addClass(this._container, "leaflet-control-layers-expanded");
                this._checkDisabledLayers();
                return this;
            };
            live.control.addTo(map);
        }
        var nameSites = function () {
            if (!sites) { return; }
            sites.eachLayer(function (shape) {
                var properties = (shape.feature && shape.feature.properties) || {};
                live.name(shape, live.text(properties.LABEL));
            });
        };
        if (map.hasLayer(group)) { nameSites(); } else { group.once("add", nameSites); }
        live.view(update.bounds, narrow, true);
        if (reportDrawn) { window.requestAnimationFrame(live.reportDrawn); }  // after the shapes are painted
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
    "DRAWN_VALUE": json.dumps(DRAWN_VALUE),
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


class _LiveTerritories(JSCSSMixin, MacroElement):
    """The shapes of a live map (grey), the accessibility set-up of :class:`_AccessibleNames`, and
    ``window.hsLive.apply``, which a :class:`_LiveUpdate` calls to colour, name and outline them. The shapes are
    in the page, or loaded from ``geometry_url`` (one of the map's scripts, loaded after Leaflet); the ``basemap``
    (a tile layer not yet on the map) is added by the first update."""

    _template = Template(_LIVE_SCRIPT)

    def __init__(self, geometry: str, geometry_url: str | None = None, basemap: folium.TileLayer | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LiveTerritories"
        self.geometry = geometry
        self.basemap = basemap
        self.geometry_url = geometry_url
        self.geometry_id = json.dumps("hs-geometry")  # one live map per page (the same script on every run)
        self.default_js = [(_SHAPES_ASSET, geometry_url)] if geometry_url else []

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """The shapes go in the page's HTML as a JSON data block (or, served, are only linked), the script (5 kB) in
        its scripts: ``st_folium`` then keys, rewrites and hashes a small script on every run instead of the 0.6 MB
        of shapes, and neither is compiled as a Jinja template (as ``MacroElement.render`` would)."""
        figure = self.get_root()
        if self.geometry_url is None:
            data = f'<script type="application/json" id={self.geometry_id}>{self.geometry}</script>'
            figure.html.add_child(_RawScript(data), name=self.get_name())  # type: ignore[attr-defined]
        else:  # a page of its own (not st_folium, which loads the scripts itself) loads the shapes from their URL
            figure.header.add_child(JavascriptLink(self.geometry_url), name=_SHAPES_ASSET)  # type: ignore[attr-defined]
        script = self._template.module.script(self, kwargs)
        figure.script.add_child(_RawScript(script), name=self.get_name())  # type: ignore[attr-defined]


class _LiveUpdate(MacroElement):
    """One update of a live map: calls ``window.hsLive.apply`` with its payload, its group and its sites layer."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.hsLive.apply({{ this.payload }}, {{ this._parent.get_name() }},
            {{ this.sites.get_name() if this.sites else "null" }}, {{ this.sites_label }}, {{ this.report_drawn }});
        {% endmacro %}
        """
    )

    def __init__(
        self, payload: dict[str, Any], sites: folium.GeoJson | None, sites_label: str, report_drawn: bool = False
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LiveUpdate"
        self.payload = _script_json(payload)
        self.sites = sites
        self.sites_label = _js_string(sites_label)
        self.report_drawn = json.dumps(report_drawn)
