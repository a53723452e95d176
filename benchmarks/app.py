"""App benchmark: what a recruiter waits for after moving a weight slider, and what the browser downloads.

Measured in one run, server side (no browser):

- warm path (the app's): territory table from the in-process cache, score with 1,000 robustness draws, map built on
  the simplified département layer (coordinates rounded, Leaflet served inline from an installed package);
- naive path: the territory table rebuilt from the files, the score, and a plain folium GeoJson map of the
  unsimplified dissolve at full coordinate precision with every column as properties — no caching;
- payload: the size of each map's HTML.

Run: ``python benchmarks/app.py``. Target (issue): warm < 0.5 s, payload at least 4x smaller than naive.
"""

from __future__ import annotations

import folium
from timing import timed

from homeshore import views
from regions import geo, indicators, maps, scoring, sites

PRESETS = list(scoring.PRESETS)


def warm_path(preset: str) -> str:
    """The app after a slider change: cached table, new score, new map on the simplified layer."""
    table = indicators.territory_table()
    weights = scoring.preset_weights(preset)
    result = scoring.score(table, weights)
    figure = views.build_map(table, result, weights, views.SCORE, "fr", "metropole", sites.load_sites(), None)
    return maps.map_html(figure)


def naive_path(preset: str) -> str:
    """No cache: the table rebuilt from the files, unsimplified geometry, every column, full precision."""
    indicators._territory_table.cache_clear()
    geo._LOADED.clear()
    table = indicators.territory_table()
    result = scoring.score(table, scoring.preset_weights(preset))
    shapes = geo.departements(simplified=False).merge(result, on="code", suffixes=("", "_score"))
    shapes = shapes.merge(table.drop(columns=["name", "reg_code"]), on="code")
    figure = folium.Map(location=[46.6, 2.4], zoom_start=6)
    folium.GeoJson(shapes.to_json(), tooltip=folium.GeoJsonTooltip(fields=["name", "score"])).add_to(figure)
    html: str = figure.get_root().render()
    return html


def main() -> None:
    warm_path(PRESETS[0])  # fill the caches, as the app's first page view does
    cycle = iter(PRESETS * 10)
    warm = timed(lambda: warm_path(next(cycle)), repeat=7)
    naive = timed(lambda: naive_path(next(cycle)), repeat=3)
    warm_size = len(warm_path(PRESETS[1]).encode())
    naive_size = len(naive_path(PRESETS[1]).encode())
    print(f"warm path (table + score + map)   {warm:6.3f} s   target < 0.5 s")
    print(f"naive path (no cache, detailed)   {naive:6.3f} s   naive/warm = {naive / warm:4.1f}x")
    print(f"map payload, app                  {warm_size / 1e6:6.2f} MB (Leaflet inline included)")
    print(f"map payload, naive                {naive_size / 1e6:6.2f} MB (Leaflet from CDNs, not counted)")
    print(f"payload ratio naive/app           {naive_size / warm_size:6.1f}x   target >= 4x")


if __name__ == "__main__":
    main()
