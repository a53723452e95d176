"""The map the browser tests draw: the 101 départements with a made-up value, a missing one, two excluded ones,
a hostile name, some sites, one highlighted département. Imported by the tests and by the Streamlit script."""

from __future__ import annotations

from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
from shapely.geometry import Point

from regions import geo, maps

#: The département whose tooltip the tests hover (compact, in the middle of the map) and its name in the data.
HOVER_CODE = "23"
# markup, and text that looks escaped already: shown and named as typed, never parsed nor decoded twice
HOSTILE_NAME = 'Creuse <img src=x onerror=alert(1)><b>gras</b> &amp; "l\'Ouest" &lt;'
LEGEND_TITLE = "Valeur de test (%)"
LEGEND_SOURCE = "Source : données de test, 2026"
SITES = 3


def territories() -> gpd.GeoDataFrame:
    """The 101 départements with the made-up value, the missing and excluded ones and the hostile name."""
    frame = geo.departements().copy()
    frame["value"] = np.linspace(3.0, 15.0, len(frame))
    frame.loc[frame["code"] == "976", "value"] = np.nan
    frame["excluded"] = frame["code"].isin(["29", "56"])
    frame.loc[frame["code"] == HOVER_CODE, "name"] = HOSTILE_NAME
    return frame


def sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"site_name": ["Site de Lille", "Site <script>alert(2)</script>", "Site de Lyon"]},
        geometry=[Point(3.06, 50.63), Point(-0.58, 44.84), Point(4.84, 45.76)],
        crs=4326,
    )


#: What the standalone map and the live map's update are drawn with alike.
LAYER: Final[dict[str, Any]] = {
    "legend_title": LEGEND_TITLE,
    "legend_source": LEGEND_SOURCE,
    "tooltip_fields": ["name", "value"],
    "tooltip_aliases": ["Département", "Valeur"],
    "excluded_column": "excluded",
}


def build_map() -> folium.Map:
    return maps.choropleth(
        territories(),
        "value",
        **LAYER,
        sites=sites(),
        sites_tooltip_field="site_name",
        highlight_code="13",
        tiles=True,
    )


def live_update_script(highlight_code: str) -> str:
    """The same map as :func:`build_map`, as an update of a live map's page (outlining ``highlight_code``)."""
    payload = maps.live_payload(territories().drop(columns="geometry"), "value", **LAYER, highlight_code=highlight_code)
    return maps.live_update_script(maps.live_update(payload, sites=sites(), sites_tooltip_field="site_name"))
