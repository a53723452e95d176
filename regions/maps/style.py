"""The maps' colours, styles, zones and the class names the app's tests and scripts look for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
