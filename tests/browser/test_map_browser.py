"""The choropleth drawn offline in a real headless Chromium: from a standalone HTML file, and inside ``st_folium``.

Both pages must show the 101 départements, the legend with its source line, the sites, and a tooltip on hover that
shows a hostile name as text; no request may leave the machine except the (failing) basemap tiles. Screenshots go
to ``test-artifacts/``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import scene
from conftest import WAIT_MS, streamlit_server

from regions import maps

REPO = Path(__file__).resolve().parents[2]
TERRITORIES = f"path.leaflet-interactive.{maps.TERRITORY_CLASS}"
SITES = f"path.leaflet-interactive.{maps.SITE_CLASS}"

# The container point of a département's centre, found through Leaflet itself (works in both pages).
CENTRE_OF = """(code) => {
    const map = Object.keys(window).filter((k) => k.startsWith("map_")).map((k) => window[k])
        .find((v) => v instanceof L.Map);
    let target = null;
    map.eachLayer((layer) => {
        if (layer.feature && layer.feature.id === code && layer.options.className === "CLASS") { target = layer; }
    });
    const point = map.latLngToContainerPoint(target.getCenter());
    return {x: point.x, y: point.y};
}""".replace("CLASS", maps.TERRITORY_CLASS)


def check_map(frame: Any, page: Any) -> str:
    """Assert what a reader sees on the map in ``frame`` (a page or an iframe); return the hovered tooltip's text."""
    frame.wait_for_function(f"document.querySelectorAll({TERRITORIES!r}).length === 101", timeout=WAIT_MS, polling=200)
    assert frame.locator(TERRITORIES).count() == 101
    assert frame.locator(SITES).count() == scene.SITES
    assert frame.locator("path.leaflet-interactive").count() == 101 + scene.SITES
    fills = set(frame.eval_on_selector_all(TERRITORIES, "paths => paths.map((p) => p.getAttribute('fill'))"))
    assert fills == {*maps.class_colors(5), maps.MISSING_COLOR, maps.EXCLUDED_COLOR}

    legend = frame.locator(".hs-legend")
    assert legend.is_visible()
    assert scene.LEGEND_TITLE in legend.inner_text()
    source = frame.locator(".hs-legend-source")
    assert source.is_visible() and source.inner_text() == scene.LEGEND_SOURCE
    container = frame.locator(".leaflet-container").bounding_box()
    box = source.bounding_box()
    assert container is not None and box is not None
    assert container["x"] <= box["x"] and box["x"] + box["width"] <= container["x"] + container["width"]
    assert box["y"] + box["height"] <= container["y"] + container["height"]  # inside the map, not cut off
    assert "Sites de centres de contact" in frame.locator(".leaflet-control-layers").inner_text()

    text = hover_tooltip(frame, scene.HOVER_CODE, scene.HOSTILE_NAME)
    tooltip = frame.locator(".leaflet-tooltip")
    assert scene.HOSTILE_NAME in text  # shown as text…
    assert tooltip.locator("img, b").count() == 0  # …never parsed as HTML
    assert "Département" in text and "Valeur" in text
    # the same text is the shape's accessible name: decoded to text, never HTML (no image loaded, no dialog)
    named = frame.locator(f'{TERRITORIES}[aria-label^="Département: Creuse <img"]')
    assert named.count() == 1 and f"Département: {scene.HOSTILE_NAME};" in named.get_attribute("aria-label")
    assert frame.locator(f"{TERRITORIES}[aria-label]").count() == 101

    assert page.errors == [] and page.dialogs == []
    frame.wait_for_function("document.querySelectorAll('.leaflet-tile').length > 0", timeout=WAIT_MS)
    assert page.aborted, "the basemap should have been requested (and refused)"
    assert [url for url in page.aborted if not url.startswith("https://tile.openstreetmap.org/")] == []
    return text


def hover_tooltip(frame: Any, code: str, name: str, attempts: int = 5) -> str:
    """Hover the centre of département ``code`` and return the tooltip's text once it names ``name``.

    The centre is asked of Leaflet just before each hover: a map still laying itself out (its frame resized as the
    page settles) can move the shapes between the question and the hover, and the pointer then lands on a neighbour.
    If the tooltip names another place, the pointer leaves the map and the hover is tried again; after ``attempts``
    tries, the last tooltip's text is returned for the caller's assertions to report.
    """
    container = frame.locator(".leaflet-container")
    tooltip = frame.locator(".leaflet-tooltip")
    text = ""
    for _ in range(attempts):
        container.hover(position=frame.evaluate(CENTRE_OF, code))
        tooltip.wait_for(state="visible", timeout=10_000)
        text = tooltip.inner_text()
        if name in text:
            break
        frame.locator(".hs-legend").hover()  # off every shape: the wrong tooltip closes
        tooltip.wait_for(state="hidden", timeout=10_000)
    return text


@pytest.mark.browser
def test_standalone_map_draws_offline(offline_page: Callable[..., Any], artifacts: Path, tmp_path: Path) -> None:
    path = tmp_path / "carte.html"
    path.write_text(maps.map_html(scene.build_map()), encoding="utf-8")
    page = offline_page(width=1200, height=900)
    page.page.goto(path.as_uri())
    check_map(page.page, page)
    page.page.screenshot(path=str(artifacts / "map-standalone.png"))  # with the tooltip shown


@pytest.mark.browser
def test_the_live_page_draws_offline_and_takes_one_update_after_another(
    offline_page: Callable[..., Any], tmp_path: Path
) -> None:
    """The app's map frame without Streamlit (``maps.live_page``, its files beside it): the page loads the map; the
    first update script draws the 101 shapes in their view and colours them, names them, draws the legend and the
    sites; a second update replaces the first: the outline moves, and the sites are not drawn twice."""
    geometry = maps.live_geometry(scene.territories())
    for name, content in maps.live_files(geometry).values():
        (tmp_path / name).write_bytes(content)
    path = tmp_path / "index.html"
    path.write_text(maps.live_page(geometry, "./", height_px=700), encoding="utf-8")
    page = offline_page(width=1200, height=900)
    page.page.goto(path.as_uri())
    page.page.wait_for_function("window.hsLive && window.hsGeometry.features.length === 101", timeout=WAIT_MS)
    # the shapes' file, packed, gives back the very GeoJSON it was made from: same ids, same numbers
    assert page.page.evaluate("window.hsGeometry") == json.loads(geometry)
    assert page.page.locator(".leaflet-container").bounding_box()["height"] == 700  # type: ignore[index]
    assert page.page.locator(TERRITORIES).count() == 0  # drawn by the first update, in its view
    assert not [url for url in page.aborted if "tile.openstreetmap.org" in url]  # and so is the basemap

    page.page.evaluate("(script) => (0, eval)(script)", scene.live_update_script("13"))
    check_map(page.page, page)
    zoom = page.page.evaluate("Math.round(window.hsLive.map.getZoom())")
    tiles = [url for url in page.aborted if "tile.openstreetmap.org" in url]
    assert tiles and {url.split("/")[3] for url in tiles} == {str(zoom)}  # at the view of the shapes only
    highlight = f"path.{maps.HIGHLIGHT_CLASS}"
    assert page.page.locator(highlight).count() == 1
    outline = page.page.locator(highlight).get_attribute("d")

    page.page.evaluate("(script) => (0, eval)(script)", scene.live_update_script("75"))
    assert page.page.locator(highlight).count() == 1 and page.page.locator(highlight).get_attribute("d") != outline
    assert page.page.locator(SITES).count() == scene.SITES  # the first update's sites are gone
    assert page.page.locator(".hs-legend").count() == 1
    assert page.errors == []


# --- inside Streamlit ------------------------------------------------------------------------------------------------

STREAMLIT_SCRIPT = """
import sys

sys.path.insert(0, {browser_dir!r})

import streamlit as st
from streamlit_folium import st_folium

from scene import build_map

st.title("Carte de test")
st_folium(build_map(), returned_objects=["last_active_drawing"], key="map", height=600, use_container_width=True)
"""


@pytest.fixture(scope="module")
def streamlit_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("streamlit")
    script = folder / "app.py"
    script.write_text(STREAMLIT_SCRIPT.format(browser_dir=str(Path(__file__).parent)), encoding="utf-8")
    with streamlit_server(script, folder / "server.log") as url:
        yield url


@pytest.mark.browser
def test_map_draws_offline_inside_st_folium(
    streamlit_url: str, offline_page: Callable[..., Any], artifacts: Path
) -> None:
    page = offline_page(width=1200, height=900)
    page.page.goto(streamlit_url)
    iframe = page.page.locator('iframe[title="streamlit_folium.st_folium"]')
    iframe.wait_for(state="attached", timeout=WAIT_MS)
    handle = iframe.element_handle(timeout=WAIT_MS)
    frame = handle.content_frame()
    assert frame is not None
    check_map(frame, page)
    size = iframe.bounding_box()
    assert size is not None and size["height"] >= 590  # the component sized itself: not a blank 0-high frame
    page.page.screenshot(path=str(artifacts / "map-streamlit.png"), full_page=True)  # with the tooltip shown
