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
(:func:`live_html` puts both in one standalone page, for checks). With ``live_map(..., served_at=URL)`` the map
only names Leaflet and the shapes, which a server serves as the files of :func:`live_files`. The app goes one step
further: :func:`live_page` is the map as a page of its own, naming those files, which a browser loads as it reads
the page, and :func:`live_update_script` is an update as one script that page applies (``homeshore/map_files.py``).

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

from regions.maps.choropleth import add_links, choropleth, communes_choropleth, map_html
from regions.maps.classes import class_colors, quantile_bins
from regions.maps.live import (
    live_files,
    live_geometry,
    live_html,
    live_map,
    live_page,
    live_payload,
    live_update,
    live_update_script,
)
from regions.maps.style import (
    BACKGROUND_COLOR,
    EXCLUDED_COLOR,
    HIGHLIGHT_CLASS,
    HIGHLIGHT_COLOR,
    LABEL_PROPERTY,
    MISSING_COLOR,
    NARROW_MAP_PX,
    SITE_CLASS,
    SITE_COLOR,
    TERRITORY_CLASS,
    VIRIDIS,
    ZONES,
    Bounds,
    NumberFormat,
)

__all__ = [
    "BACKGROUND_COLOR",
    "EXCLUDED_COLOR",
    "HIGHLIGHT_CLASS",
    "HIGHLIGHT_COLOR",
    "LABEL_PROPERTY",
    "MISSING_COLOR",
    "NARROW_MAP_PX",
    "SITE_CLASS",
    "SITE_COLOR",
    "TERRITORY_CLASS",
    "VIRIDIS",
    "ZONES",
    "Bounds",
    "NumberFormat",
    "add_links",
    "choropleth",
    "class_colors",
    "communes_choropleth",
    "live_files",
    "live_geometry",
    "live_html",
    "live_map",
    "live_page",
    "live_payload",
    "live_update",
    "live_update_script",
    "map_html",
    "quantile_bins",
]
