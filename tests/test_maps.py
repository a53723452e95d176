"""Map builders (``regions.maps``): features, classes and colours, legend, escaping, offline assets, bounds.

Fast: toy squares built here, plus the real département layer (101 features). The browser checks (the map drawn
offline, standalone and inside ``st_folium``) are in ``tests/browser/``.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, box

from regions import geo, maps
from regions.maps import assets as map_assets
from regions.maps import classes as map_classes

LEGEND = {"legend_title": "Taux de chômage (%)", "legend_source": "Source : INSEE, T3 2025"}
TOOLTIP = {"tooltip_fields": ["name", "value"], "tooltip_aliases": ["Territoire", "Valeur"]}
XSS_NAMES = ["<script>alert(1)</script>", "<b>x</b>", '<img src=x onerror="alert(2)">', "Côte-d'Or & co"]


def squares(values: list[float], names: list[str] | None = None) -> gpd.GeoDataFrame:
    """One 0.5° square per value, in a row across central France."""
    n = len(values)
    return gpd.GeoDataFrame(
        {
            "code": [f"{i:02d}" for i in range(1, n + 1)],
            "name": names if names is not None else [f"Territoire {i}" for i in range(1, n + 1)],
            "value": values,
        },
        geometry=[box(-1 + 0.5 * i, 45.0, -0.5 + 0.5 * i, 45.5) for i in range(n)],
        crs=4326,
    )


def territory_layer(m: folium.Map) -> folium.GeoJson:
    layers = [child for child in m._children.values() if isinstance(child, folium.GeoJson)]
    return next(layer for layer in layers if layer.options.get("class_name") == maps.TERRITORY_CLASS)


def fill_colors(m: folium.Map) -> dict[str, str]:
    layer = territory_layer(m)
    return {feature["id"]: layer.style_function(feature)["fillColor"] for feature in layer.data["features"]}


def legend_html(m: folium.Map) -> str:
    """The legend's HTML, as the browser reads it from the script."""
    (legend,) = [child for child in m._children.values() if type(child).__name__ == "_Legend"]
    text: str = json.loads(legend.content)
    return text


def luminance(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def unescape_json(page: str) -> str:
    """The page with the JSON escapes folium writes (``\\u003c`` for ``<``…) decoded, as the browser reads it."""
    for escaped, char in (("\\u003c", "<"), ("\\u003e", ">"), ("\\u0026", "&"), ("\\u0027", "'")):
        page = page.replace(escaped, char)
    return page


@pytest.fixture(scope="module")
def departements() -> gpd.GeoDataFrame:
    frame = geo.departements().copy()
    frame["value"] = np.linspace(3.0, 15.0, len(frame))
    frame.loc[frame["code"] == "976", "value"] = np.nan
    frame["excluded"] = frame["code"].isin(["75", "92"])
    return frame


# --- the département map ----------------------------------------------------------------------------------------


def test_departements_map_has_one_feature_per_departement(departements: gpd.GeoDataFrame) -> None:
    m = maps.choropleth(departements, "value", excluded_column="excluded", **LEGEND, **TOOLTIP)
    features = territory_layer(m).data["features"]
    assert len(features) == 101
    assert {feature["id"] for feature in features} == set(departements["code"])
    overseas = {"971", "972", "973", "974", "976"}
    assert overseas <= {feature["id"] for feature in features}
    # only what the tooltip needs, and the same as one accessible name (escaped like the rest)
    assert set(features[0]["properties"]) == {"code", "name", "value", maps.LABEL_PROPERTY}
    page = maps.map_html(m)
    assert page.lstrip().lower().startswith("<!doctype html>")


def test_coordinates_are_rounded_to_four_decimals(departements: gpd.GeoDataFrame) -> None:
    m = maps.choropleth(departements, "value", **LEGEND, **TOOLTIP)

    def coordinates(value: Any) -> list[float]:
        if isinstance(value, int | float):
            return [float(value)]
        return [c for item in value for c in coordinates(item)]

    values = [c for f in territory_layer(m).data["features"] for c in coordinates(f["geometry"]["coordinates"])]
    assert values
    assert all(round(c, 4) == c for c in values)


def test_zones_contain_their_departements(departements: gpd.GeoDataFrame) -> None:
    assert set(maps.ZONES) == {"metropole", "971", "972", "973", "974", "976"}
    for zone, (west, south, east, north) in maps.ZONES.items():
        members = departements[
            ~departements["code"].str.startswith("97") if zone == "metropole" else departements["code"] == zone
        ]
        w, s, e, n = members.total_bounds
        assert west <= w and south <= s and e <= east and n <= north, zone
        assert (east - west) < 3 * (e - w) + 0.5, zone  # fitted, not the whole world


def fit_bounds(m: folium.Map) -> list[list[float]]:
    fits = [child for child in m._children.values() if isinstance(child, folium.FitBounds)]
    assert len(fits) == 1
    bounds: list[list[float]] = fits[0].bounds
    return bounds


def test_default_view_is_mainland_france_and_bounds_switch_zones(departements: gpd.GeoDataFrame) -> None:
    west, south, east, north = maps.ZONES["metropole"]
    assert fit_bounds(maps.choropleth(departements, "value", **LEGEND, **TOOLTIP)) == [[south, west], [north, east]]
    west, south, east, north = maps.ZONES["974"]
    m = maps.choropleth(departements, "value", bounds=maps.ZONES["974"], **LEGEND, **TOOLTIP)
    assert fit_bounds(m) == [[south, west], [north, east]]
    assert len(territory_layer(m).data["features"]) == 101  # the same layer, only the view moves


# --- classes, colours and legend -------------------------------------------------------------------------------------


def test_class_colours_darken_as_values_grow() -> None:
    frame = squares([float(v) for v in [7, 1, 19, 3, 12, 5, 16, 9, 14, 2, 18, 11, 6, 20, 4, 8, 13, 10, 17, 15]])
    colors = fill_colors(maps.choropleth(frame, "value", **LEGEND, **TOOLTIP))
    ordered = frame.sort_values("value")["code"]
    lights = [luminance(colors[code]) for code in ordered]
    assert all(a >= b for a, b in itertools.pairwise(lights))  # light = low, dark = high
    palette = maps.class_colors(5)
    assert len(set(colors.values())) == 5
    assert set(colors.values()) == set(palette)
    by_value = [colors[code] for code in ordered]
    assert by_value[0] == palette[0] and by_value[-1] == palette[-1]


def test_palette_is_viridis_from_light_to_dark() -> None:
    assert maps.class_colors(11) == list(reversed(maps.VIRIDIS))
    for n in (1, 2, 3, 5, 7, 9):
        lights = [luminance(c) for c in maps.class_colors(n)]
        assert lights == sorted(lights, reverse=True)


def test_missing_and_excluded_rows_are_grey_and_listed_in_the_legend() -> None:
    frame = squares([1.0, 2.0, math.nan, 4.0, 5.0, 6.0, 7.0])
    frame["excluded"] = [False, True, False, False, None, False, True]
    m = maps.choropleth(frame, "value", excluded_column="excluded", **LEGEND, **TOOLTIP)
    colors = fill_colors(m)
    assert colors["03"] == maps.MISSING_COLOR
    assert colors["02"] == colors["07"] == maps.EXCLUDED_COLOR  # greyed, still drawn
    assert len(territory_layer(m).data["features"]) == 7
    assert colors["05"] not in (maps.MISSING_COLOR, maps.EXCLUDED_COLOR)  # None is not excluded
    legend = legend_html(m)
    assert "Donnée manquante" in legend and "Exclu par les filtres" in legend
    assert maps.MISSING_COLOR in legend and maps.EXCLUDED_COLOR in legend
    assert "Donnée manquante" in maps.map_html(m)


def test_legend_leaves_out_grey_entries_that_no_row_uses() -> None:
    m = maps.choropleth(
        squares([1.0, 2.0, 3.0]), "value", missing_label="Manque", excluded_label="Exclu", **LEGEND, **TOOLTIP
    )
    assert "Manque" not in legend_html(m) and "Exclu" not in legend_html(m)


def test_legend_shows_title_source_and_formatted_ranges() -> None:
    frame = squares([float(v) for v in range(1, 11)])
    m = maps.choropleth(
        frame,
        "value",
        number_format=lambda v: f"{v:.2f} u",
        k=2,
        legend_title="Titre du test",
        legend_source="Source : X",
        **TOOLTIP,
    )
    legend = legend_html(m)
    assert "Titre du test" in legend and "Source : X" in legend
    breaks = maps.quantile_bins(frame["value"], 2)
    assert breaks == [1.0, 5.5, 10.0]
    assert "1.00 u – 5.50 u" in legend and "5.50 u – 10.00 u" in legend
    tooltip_values = {f["properties"]["value"] for f in territory_layer(m).data["features"]}
    assert "3.00 u" in tooltip_values  # the tooltip uses the same format


def test_default_number_format_is_french() -> None:
    m = maps.choropleth(squares([1.25, 2.5, 3.75, 1500.0]), "value", **LEGEND, **TOOLTIP)
    assert "1\u202f500" in legend_html(m)  # thousands with a narrow no-break space, no decimals for a large spread
    assert {f["properties"]["value"] for f in territory_layer(m).data["features"]} >= {"1\u202f500"}
    m = maps.choropleth(squares([1.25, 2.5, 3.75]), "value", **LEGEND, **TOOLTIP)
    assert "1,25 – 1,88" in legend_html(m)


def test_highlight_draws_one_thick_outline() -> None:
    m = maps.choropleth(squares([1.0, 2.0, 3.0]), "value", highlight_code="02", **LEGEND, **TOOLTIP)
    layers = [c for c in m._children.values() if isinstance(c, folium.GeoJson)]
    outline = next(layer for layer in layers if layer.options.get("class_name") == maps.HIGHLIGHT_CLASS)
    assert [f["id"] for f in outline.data["features"]] == ["02"]
    style = outline.style_function(outline.data["features"][0])
    assert style["weight"] >= 3 and style["fill"] is False
    assert outline.options["interactive"] is False  # hover and tooltips still reach the territory below


def test_sites_are_a_switchable_layer_of_small_circles() -> None:
    sites = gpd.GeoDataFrame(
        {"site_name": ["Site A", "<script>alert(3)</script>", None]},
        geometry=[Point(-0.8, 45.2), Point(0.2, 45.3), None],
        crs=4326,
    )
    m = maps.choropleth(
        squares([1.0, 2.0, 3.0]), "value", sites=sites, sites_tooltip_field="site_name", **LEGEND, **TOOLTIP
    )
    layers = [c for c in m._children.values() if isinstance(c, folium.GeoJson)]
    layer = next(layer for layer in layers if layer.layer_name == "Sites de centres de contact")
    assert [f["properties"]["label"] for f in layer.data["features"]] == [
        "Site A",
        "&lt;script&gt;alert(3)&lt;/script&gt;",
    ]
    assert isinstance(layer.marker, folium.CircleMarker) and layer.marker.options["radius"] <= 5
    assert any(isinstance(c, folium.LayerControl) for c in m._children.values())
    assert "<script>alert(3)" not in maps.map_html(m)


def test_tiles_are_optional() -> None:
    with_tiles = maps.choropleth(squares([1.0, 2.0]), "value", **LEGEND, **TOOLTIP)
    without = maps.choropleth(squares([1.0, 2.0]), "value", tiles=False, **LEGEND, **TOOLTIP)
    assert any(isinstance(c, folium.TileLayer) for c in with_tiles._children.values())
    assert not any(isinstance(c, folium.TileLayer) for c in without._children.values())
    assert "tile.openstreetmap.org" not in maps.map_html(without)


def test_communes_map_fits_the_communes() -> None:
    communes = squares([10.0, 20.0, math.nan, 40.0])
    m = maps.communes_choropleth(communes, "value", **LEGEND, **TOOLTIP)
    (south, west), (north, east) = fit_bounds(m)
    w, s, e, n = communes.total_bounds
    assert west < w and south < s and east > e and north > n
    assert east - west < (e - w) * 1.1
    assert fill_colors(m)["03"] == maps.MISSING_COLOR


# --- safety ---------------------------------------------------------------------------------------------------------


def test_every_text_from_the_data_is_escaped() -> None:
    frame = squares([1.0, 2.0, 3.0, 4.0], names=XSS_NAMES)
    frame["note"] = ["<i>a</i>", "b", "c", "d"]
    m = maps.choropleth(
        frame,
        "value",
        legend_title="<em>titre</em>",
        legend_source="<script>alert(4)</script>",
        tooltip_fields=["name", "note", "value"],
        tooltip_aliases=["<u>Nom</u>", "Note", "Valeur"],
        highlight_code="01",
    )
    page = maps.map_html(m)
    decoded = unescape_json(page)  # what the browser's JavaScript sees
    for raw in [*XSS_NAMES[:3], "<i>a</i>", "<em>titre</em>", "<script>alert(4)", "<u>Nom</u>"]:
        assert raw not in page and raw not in decoded, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in decoded
    assert "&lt;b&gt;x&lt;/b&gt;" in decoded
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in decoded  # the legend's source line
    names = {f["properties"]["name"] for f in territory_layer(m).data["features"]}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in names and "Côte-d&#x27;Or &amp; co" in names


def test_no_javascript_or_css_comes_from_a_cdn(departements: gpd.GeoDataFrame) -> None:
    sites = gpd.GeoDataFrame({"site_name": ["Site A"]}, geometry=[Point(2.3, 48.8)], crs=4326)
    m = maps.choropleth(
        departements, "value", sites=sites, sites_tooltip_field="site_name", highlight_code="23", **LEGEND, **TOOLTIP
    )
    page = maps.map_html(m)
    assert not re.search(r"<script[^>]*\bsrc=[\"']?https?:", page, flags=re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref=[\"']?https?:", page, flags=re.IGNORECASE)
    assert '<script src="data:text/javascript;base64,' in page
    assert '<link rel="stylesheet" href="data:text/css;base64,' in page
    urls = set(re.findall(r"https?://[^\s\"'<>)\\]+", page))
    assert urls <= {"https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://www.openstreetmap.org/copyright"}
    # streamlit-folium loads each element's default_js / default_css itself: all of them must be packaged too.
    links = [
        url
        for element in _walk(m)
        for _, url in [*getattr(element, "default_js", []), *getattr(element, "default_css", [])]
    ]
    assert links and all(url.startswith("data:") for url in links)


def _walk(element: Any) -> list[Any]:
    return [element, *(e for child in element._children.values() for e in _walk(child))]


def test_bad_arguments_are_named() -> None:
    frame = squares([1.0, 2.0])
    with pytest.raises(ValueError, match="`value_column` was 'nope'"):
        maps.choropleth(frame, "nope", **LEGEND, **TOOLTIP)
    with pytest.raises(ValueError, match="`tooltip_fields` has \\['missing'\\]") as error:
        maps.choropleth(frame, "value", tooltip_fields=["missing"], tooltip_aliases=[], **LEGEND)
    assert "`tooltip_aliases` has 0 items" in str(error.value)  # every problem at once
    with pytest.raises(ValueError, match="`excluded_column`"):
        maps.choropleth(frame, "value", excluded_column="nope", **LEGEND, **TOOLTIP)
    with pytest.raises(ValueError, match="`communes` is empty"):
        maps.communes_choropleth(frame.iloc[:0], "value", **LEGEND, **TOOLTIP)


# --- quantile_bins ----------------------------------------------------------------------------------------------------


def test_quantile_bins_examples() -> None:
    assert maps.quantile_bins(pd.Series([], dtype=float)) == []
    assert maps.quantile_bins(pd.Series([math.nan, math.nan])) == []
    assert maps.quantile_bins(pd.Series([3.0, 3.0, math.nan])) == [3.0]
    assert maps.quantile_bins(pd.Series([1.0, 2.0, 2.0, 4.0]), k=5) == [1.0, 1.5, 3.0, 4.0]  # one class per value
    assert maps.quantile_bins(pd.Series(range(101)), k=4) == [0.0, 25.0, 50.0, 75.0, 100.0]
    assert maps.quantile_bins(pd.Series([0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5]), k=4) == [0.0, 2.25, 5.0]
    with pytest.raises(ValueError, match="`k`"):
        maps.quantile_bins(pd.Series([1.0]), k=0)


values_strategy = st.lists(
    st.one_of(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.just(math.nan)), max_size=60
)


@given(values=values_strategy, k=st.integers(min_value=1, max_value=9))
def test_quantile_bins_properties(values: list[float], k: int) -> None:
    series = pd.Series(values, dtype=float)
    breaks = maps.quantile_bins(series, k)
    present = series.dropna()
    if present.empty:
        assert breaks == []
        return
    assert not any(math.isnan(b) for b in breaks)
    assert breaks == sorted(set(breaks))  # sorted, no repeats
    assert 1 <= len(breaks) <= k + 1
    assert breaks[0] == present.min() and breaks[-1] == present.max()
    # every present value falls in a class, and classes are numbered in the order of the values
    classes = map_classes._classify(series, breaks)
    assert all(0 <= c < max(len(breaks) - 1, 1) for c, v in zip(classes, values, strict=True) if not math.isnan(v))
    order = np.argsort(series.to_numpy(), kind="stable")
    ranked = [classes[i] for i in order if not math.isnan(values[i])]
    assert ranked == sorted(ranked)
    distinct = np.unique(present.to_numpy())
    separable = bool(np.all(distinct[:-1] / 2 + distinct[1:] / 2 > distinct[:-1]))  # not adjacent floats
    if present.nunique() <= k and separable:
        assert len(set(ranked)) == present.nunique()  # few distinct values: one class each


# --- the live map (the app's: shapes sent once, colours and tooltips as an update) ---------------------------------


def test_importing_the_maps_module_leaves_folium_shared_template_settings_alone() -> None:
    import subprocess
    import sys

    probe = (
        "import folium; before = dict(folium.GeoJson._template.environment.policies['json.dumps_kwargs']);"
        "import regions.maps;"
        "print(before == folium.GeoJson._template.environment.policies['json.dumps_kwargs'])"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
    # the module's own maps stay compact all the same
    page = maps.map_html(maps.choropleth(squares([1.0, 2.0, 3.0]), "value", **LEGEND, **TOOLTIP))
    assert '"type":"FeatureCollection"' in page and '"type": "FeatureCollection"' not in page


def test_the_live_map_page_script_does_not_change_with_the_update(departements: gpd.GeoDataFrame) -> None:
    """What ``st_folium`` keys its component on (the map's script) is the same whatever the colours, legend,
    outline or zone: the browser keeps the map, its zoom and centre; only the feature group changes."""
    from streamlit_folium import _get_feature_group_string, _get_map_string, generate_js_hash

    geometry = maps.live_geometry(departements)
    scripts, groups = set(), set()
    for column, highlight, zone in (("value", None, "metropole"), ("value", "23", "metropole"), ("code", "75", "974")):
        frame = departements.assign(code_value=departements["code"].map(lambda c: len(c)))
        payload = maps.live_payload(
            pd.DataFrame(frame.drop(columns="geometry")),
            "value" if column == "value" else "code_value",
            excluded_column="excluded",
            highlight_code=highlight,
            bounds=maps.ZONES[zone],
            **LEGEND,
            **TOOLTIP,
        )
        m = maps.live_map(geometry)
        m.get_root().render()
        scripts.add(generate_js_hash(_get_map_string(m), "map"))
        groups.add(_get_feature_group_string(maps.live_update(payload), m))
    assert len(scripts) == 1 and len(groups) == 3


def test_the_live_update_colours_as_the_choropleth_and_escapes_every_text(departements: gpd.GeoDataFrame) -> None:
    frame = departements.copy()
    frame.loc[frame["code"] == "23", "name"] = XSS_NAMES[0]
    payload = maps.live_payload(
        pd.DataFrame(frame.drop(columns="geometry")),
        "value",
        excluded_column="excluded",
        highlight_code="23",
        legend_title=XSS_NAMES[1],
        legend_source=XSS_NAMES[2],
        **TOOLTIP,
    )
    expected = fill_colors(maps.choropleth(frame, "value", excluded_column="excluded", **LEGEND, **TOOLTIP))
    assert {code: style["fillColor"] for code, style in payload["styles"].items()} == expected
    assert payload["texts"]["23"][0] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert payload["highlight"] == "23" and payload["aliases"] == ["Territoire", "Valeur"]
    page = unescape_json(maps.live_html(maps.live_map(maps.live_geometry(frame)), maps.live_update(payload)))
    for raw in XSS_NAMES[:3]:
        assert raw not in page


def test_the_live_page_names_its_files_and_an_update_is_one_script_for_it(departements: gpd.GeoDataFrame) -> None:
    """The live map as a page of its own (the app's map frame): Leaflet then the shapes, named by URL in its head
    before the map's script, no geometry inside, the map as tall as asked. An update is one script that draws on
    ``window.hsLive.map``, keeps its names to itself and names no other map (tests/browser draws both)."""
    geometry = maps.live_geometry(departements)
    files = maps.live_files(geometry)
    page = maps.live_page(geometry, "./", height_px=480)
    sources = re.findall(r'<script src="([^"]+)"', page)
    assert sources == ["./" + files["leaflet"][0], "./" + files["hs_geometry"][0]]
    assert page.index(sources[1]) < page.index("window.hsLive = ")
    assert "height: 480.0px" in page and geometry not in page and "data:text/javascript" not in page
    assert "tile.openstreetmap.org" not in maps.live_page(geometry, "./", height_px=480, high_contrast=True)

    payload = maps.live_payload(
        pd.DataFrame(departements.drop(columns="geometry")), "value", highlight_code="23", **LEGEND, **TOOLTIP
    )
    script = maps.live_update_script(maps.live_update(payload, report_drawn=True))
    assert script.startswith("(function () {") and script.rstrip().endswith("})();")
    assert "window.hsLive.apply(" in script and ".addTo(window.hsLive.map)" in script
    assert re.search(r"\bmap_[0-9a-f]{32}\b", script) is None  # no other map's name


def test_a_served_live_map_names_its_files_instead_of_carrying_them(departements: gpd.GeoDataFrame) -> None:
    """Served (the app), the live map names Leaflet and the shapes by URL, in the order they must load, and weighs
    a few kilobytes; its files are named after their content, and the shapes' file sets the geometry it was given."""
    from streamlit_folium import _get_html, _get_map_string

    geometry = maps.live_geometry(departements)
    files = maps.live_files(geometry)
    assert set(files) == {"leaflet", "hs_geometry"}  # the stylesheet stays inline: applied before the map draws
    for name, content in files.values():
        assert re.fullmatch(r"(leaflet|shapes)-[0-9a-f]{16}\.js", name)
        assert len(content) > 10_000
    assert maps.live_files(geometry) == files  # the same names and contents on every call
    shapes_name, shapes = files["hs_geometry"]
    # the shapes packed in a JSON text for JSON.parse, less than half the GeoJSON (unpacked by the browser to the same
    # GeoJSON: tests/browser/test_map_browser.py)
    parsed = re.fullmatch(r"window\.hsGeometry = \(.*\)\(JSON\.parse\((\".*\")\)\);\n", shapes.decode(), re.DOTALL)
    assert parsed is not None
    packed = json.loads(json.loads(parsed.group(1)))
    assert [feature["id"] for feature in packed] == [feature["id"] for feature in json.loads(geometry)["features"]]
    assert len(shapes) < len(geometry) / 2
    other = maps.live_files(maps.live_geometry(departements[departements["code"] != "75"]))
    assert other["hs_geometry"][0] != shapes_name and other["leaflet"] == files["leaflet"]

    served = maps.live_map(geometry, served_at="../files/")
    served.get_root().render()
    links = [url for element in map_assets._walk(served) for _, url in getattr(element, "default_js", [])]
    assert links == ["../files/" + files["leaflet"][0], "../files/" + files["hs_geometry"][0]]
    script, page_html = _get_map_string(served), _get_html(served)
    assert "data:" not in script + page_html and geometry not in script + page_html
    assert len(script) + len(page_html) < 20_000
    # by default (a standalone page) everything travels inside the map, as before
    inline = maps.live_map(geometry)
    inline.get_root().render()
    assert geometry in _get_html(inline)
