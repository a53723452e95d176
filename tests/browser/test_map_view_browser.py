"""The recruiter's map keeps its view (``streamlit run app.py`` in headless Chromium, offline).

The map is one frame (``homeshore/map_files.py``) that the browser keeps across runs: a click on a département opens its
detail, and a weight slider recolours the map, without resetting the zoom and centre the user chose, nor drawing
the map anew (its iframe and its Leaflet map stay the same objects). The window is lower than the page: the first
click, before any other use of the map, must not be lost to a scroll (it was). Screenshot in
``test-artifacts/map-view-kept.png``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, WAIT_MS, streamlit_server
from playwright.sync_api import Error as PlaywrightError
from test_map_browser import CENTRE_OF, TERRITORIES

MAP_IFRAME = 'iframe[title^="homeshore.map_files.live_map"]'
WEIGHT = "Taux de chômage localisé"
NAV_LINKS = 8  # the app's pages (app.py)
# The map's view as the user left it, and a mark set on its Leaflet map object (gone if the map is drawn anew).
VIEW = """() => {
    const map = window.hsLive.map;
    const centre = map.getCenter();
    return {zoom: map.getZoom(), lat: centre.lat, lng: centre.lng, same: map.hsMark === "kept"};
}"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with streamlit_server(REPO / "app.py", tmp_path_factory.mktemp("view") / "server.log") as url:
        yield url


def settle(page: Any) -> None:
    page.wait_for_function(
        "() => document.querySelector('.stApp')?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=WAIT_MS,
        polling=200,
    )
    page.wait_for_timeout(300)


def map_frame(page: Any) -> Any:
    """The map's frame once drawn (asked again while waiting: a first run on a cold server may replace it)."""
    drawn = f"document.querySelectorAll({TERRITORIES!r}).length === 101"
    for _ in range(WAIT_MS // 5_000):
        frame = page.locator(MAP_IFRAME).first.element_handle(timeout=WAIT_MS).content_frame()
        assert frame is not None
        with contextlib.suppress(PlaywrightError):
            frame.wait_for_function(drawn, timeout=5_000)
            return frame
    raise AssertionError("the map was never drawn")


def fills(frame: Any) -> list[str]:
    colours: list[str] = frame.eval_on_selector_all(TERRITORIES, "ps => ps.map((p) => p.getAttribute('fill'))")
    return colours


def assert_same_view(frame: Any, before: dict[str, Any]) -> None:
    after = frame.evaluate(VIEW)
    assert after["same"], "the map was drawn anew"
    assert after["zoom"] == before["zoom"]
    assert abs(after["lat"] - before["lat"]) < 1e-6 and abs(after["lng"] - before["lng"]) < 1e-6


def test_a_click_and_a_slider_keep_the_zoom_and_centre_and_the_click_opens_the_detail(
    app_url: str, offline_page: Callable[..., Any], artifacts: Path
) -> None:
    page = offline_page(width=1400, height=800)  # lower than the page: the map is reached by scrolling
    p = page.page
    p.goto(app_url)
    frame = map_frame(p)
    settle(p)
    box = p.locator(MAP_IFRAME).first.bounding_box()
    assert box is not None and box["y"] + box["height"] > 800  # the map is partly below the window
    # Leaflet and the shapes came as files served beside the map, not inside the page's messages
    loaded = frame.evaluate("Array.from(document.scripts).map((s) => s.src).filter((src) => src)")
    assert any("/leaflet-" in src for src in loaded) and any("/shapes-" in src for src in loaded)
    assert frame.evaluate("window.hsGeometry.features.length") == 101

    # the first click on the map opens the detail (it used to focus the map, scroll the page, and be lost)
    frame.locator(".leaflet-container").click(position=frame.evaluate(CENTRE_OF, "87"))
    p.get_by_role("heading", name="Haute-Vienne (87)").first.wait_for(state="visible", timeout=WAIT_MS)
    settle(p)

    # the user zooms in twice and drags the map a little, then scrolls the page down to the map
    start = frame.evaluate("window.hsLive.map.getZoom()")
    for step in (1, 2):  # one click at a time: Leaflet ignores a click while it animates the previous zoom
        frame.locator(".leaflet-control-zoom-in").click()
        frame.wait_for_function(f"window.hsLive.map.getZoom() >= {start} + {step} * 0.5", timeout=WAIT_MS)
        p.wait_for_timeout(400)
    box = p.locator(MAP_IFRAME).first.bounding_box()
    assert box is not None
    p.mouse.move(box["x"] + 300, box["y"] + 200)
    p.mouse.down()
    p.mouse.move(box["x"] + 340, box["y"] + 230, steps=5)
    p.mouse.up()
    p.wait_for_timeout(600)  # past the component's debounce: a pan reruns nothing
    assert p.evaluate("document.querySelector('.stApp').getAttribute('data-test-script-state')") == "notRunning"
    p.mouse.move(box["x"] - 100 if box["x"] > 150 else 10, 300)
    p.mouse.wheel(0, 300)
    p.wait_for_timeout(300)
    frame.evaluate("window.hsLive.map.hsMark = 'kept'")
    before = frame.evaluate(VIEW)

    # a click on Creuse opens its detail; the map keeps its view and outlines Creuse
    centre = frame.evaluate(CENTRE_OF, "23")
    frame.locator(".leaflet-container").click(position=centre)
    p.get_by_role("heading", name="Creuse (23)").first.wait_for(state="visible", timeout=WAIT_MS)
    p.get_by_text("Ce qui fait le score").first.wait_for(state="visible", timeout=WAIT_MS)
    settle(p)
    frame.wait_for_function("document.querySelectorAll('path.hs-highlight').length === 1", timeout=WAIT_MS)
    assert_same_view(frame, before)

    # one step of a weight slider recolours the map, in the same view
    colours = fills(frame)
    p.locator(f'[data-testid="stSidebar"] input[aria-label="{WEIGHT}"]').first.focus()
    p.keyboard.press("ArrowRight")
    settle(p)
    frame.wait_for_function(
        f"(before) => JSON.stringify(Array.from(document.querySelectorAll({TERRITORIES!r}))"
        ".map((p) => p.getAttribute('fill'))) !== JSON.stringify(before)",
        arg=colours,
        timeout=WAIT_MS,
    )
    assert_same_view(frame, before)
    p.get_by_role("heading", name="Creuse (23)").first.wait_for(state="visible", timeout=WAIT_MS)
    p.screenshot(path=str(artifacts / "map-view-kept.png"))
    assert page.errors == []
    assert [url for url in page.aborted if not url.startswith("https://tile.openstreetmap.org/")] == []


# Records what the map sends to the page (streamlit-folium's setComponentValue messages) and, 250 ms after each
# click — streamlit-folium's own delay for what a click changed — a mark: a timer set before the delay's own.
RECORD_SENT = """() => {
    window.hsSent = [];
    const parent = window.parent;
    const post = parent.postMessage.bind(parent);
    parent.postMessage = (message, target) => {
        if (message && message.type === "streamlit:setComponentValue") { window.hsSent.push(message.value); }
        return post(message, target);
    };
    window.hsLive.map.getContainer().addEventListener(
        "click", () => window.setTimeout(() => window.hsSent.push("250 ms"), 250), true
    );
}"""


def test_a_click_is_sent_at_once_and_once(app_url: str, offline_page: Callable[..., Any], artifacts: Path) -> None:
    """A click on a département is sent to the app as soon as it happens, not after streamlit-folium's 250 ms delay,
    and only once: the delayed call finds nothing new (a second message would run the page a second time)."""
    page = offline_page(width=1400, height=1200)
    p = page.page
    p.goto(app_url)
    frame = map_frame(p)
    settle(p)
    frame.evaluate(RECORD_SENT)

    frame.locator(".leaflet-container").click(position=frame.evaluate(CENTRE_OF, "19"))
    p.get_by_role("heading", name="Corrèze (19)").first.wait_for(state="visible", timeout=WAIT_MS)
    settle(p)
    p.wait_for_timeout(600)  # past the delay: anything streamlit-folium would still send is sent by now

    sent = frame.evaluate("window.hsSent")
    assert len(sent) == 2, sent
    clicked, mark = sent
    assert mark == "250 ms"  # the click's message came first
    assert clicked["last_active_drawing"]["id"] == "19"
    assert set(clicked) == {"last_active_drawing", "last_object_clicked"}
    assert page.errors == []


@pytest.mark.parametrize("asset", ["leaflet", "shapes"])
def test_a_map_file_that_fails_to_load_once_is_loaded_again(
    app_url: str, offline_page: Callable[..., Any], asset: str
) -> None:
    """One dropped request for a map file (Leaflet or the shapes) left the map blank for the whole session (the map's
    frame gave up on the first failed file); the map's page is now loaded again, and the map draws and answers a
    click."""
    page = offline_page(width=1400, height=1200)
    p = page.page
    dropped: list[str] = []

    def drop(route: Any) -> None:
        dropped.append(route.request.url)
        route.abort("connectionreset")

    p.route(f"**/{asset}-*.js", drop, times=1)
    p.goto(app_url)
    frame = map_frame(p)
    settle(p)
    assert len(dropped) == 1  # the file's first load did fail
    assert frame.evaluate("window.hsMapReloaded") == 1  # the map's page was loaded again, once
    assert frame.locator(TERRITORIES).count() == 101
    frame.locator(".leaflet-container").click(position=frame.evaluate(CENTRE_OF, "23"))
    p.get_by_role("heading", name="Creuse (23)").first.wait_for(state="visible", timeout=WAIT_MS)


# The page's own clock (epoch ms, looked at every 10 ms): when the map's 101 shapes were drawn (in its frame), when
# the sidebar's first criterion appeared, and what the map sent to the page.
RECORD_FIRST_VIEW = """(() => {
    if (window !== window.top) { return; }
    const now = () => performance.timeOrigin + performance.now();
    window.hsSentToPage = [];
    window.addEventListener("message", (event) => {
        const data = event.data;
        if (data && data.type === "streamlit:setComponentValue") { window.hsSentToPage.push(data.value); }
    });
    const watch = window.setInterval(() => {
        const frame = document.querySelector(MAP_IFRAME);
        const shapes = frame && frame.contentDocument ? frame.contentDocument.querySelectorAll(TERRITORIES) : [];
        if (!window.hsDrawnAt && shapes.length === 101) { window.hsDrawnAt = now(); }
        if (!window.hsCriteriaAt && document.querySelector('[data-testid="stSidebar"] [data-testid="stSlider"]')) {
            window.hsCriteriaAt = now();
        }
        if (window.hsDrawnAt && window.hsCriteriaAt) { window.clearInterval(watch); }
    }, 10);
})();""".replace("TERRITORIES", repr(TERRITORIES)).replace("MAP_IFRAME", repr(MAP_IFRAME))


def test_a_new_session_draws_the_map_first_then_the_rest_without_moving_or_redrawing_it(
    app_url: str, offline_page: Callable[..., Any]
) -> None:
    """A new session's map page sends the title and the map first; once drawn, the map says so, and the sidebar's
    criteria, the map's controls and the ranking follow without any action of the user. The map stays where it was
    drawn: same place on the page, same Leaflet map, same view."""
    page = offline_page(width=1400, height=1000)
    p = page.page
    p.add_init_script(RECORD_FIRST_VIEW)
    p.goto(app_url)
    frame = map_frame(p)
    frame.evaluate("window.hsLive.map.hsMark = 'kept'")
    before = frame.evaluate(VIEW)
    for _ in range(10):  # the view once the map has settled in its frame (Leaflet follows the frame's height)
        p.wait_for_timeout(100)
        if (now := frame.evaluate(VIEW)) == before:
            break
        before = now
    box = p.locator(MAP_IFRAME).first.bounding_box()

    p.locator(f'[data-testid="stSidebar"] input[aria-label="{WEIGHT}"]').first.wait_for(timeout=WAIT_MS)
    p.locator('input[aria-label="Colorer la carte par"]').first.wait_for(timeout=WAIT_MS)
    p.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=WAIT_MS)
    settle(p)
    drawn, criteria = p.evaluate("[window.hsDrawnAt, window.hsCriteriaAt]")
    assert drawn < criteria  # the map was drawn before the sidebar's criteria came
    assert p.evaluate("window.hsSentToPage") == [{"drawn": True}]  # what brought them: the map, once
    assert_same_view(frame, before)
    assert p.locator(MAP_IFRAME).first.bounding_box() == box
    assert p.locator('[data-testid="stSidebarNav"] a').count() == NAV_LINKS  # the navigation came with the rest
    assert page.errors == []


def test_the_rest_of_the_page_comes_even_when_the_map_never_draws(
    app_url: str, offline_page: Callable[..., Any]
) -> None:
    """Leaflet never loads (every request for it fails): the map cannot say it is drawn, and the sidebar's criteria
    and the ranking come all the same, a few seconds later."""
    page = offline_page(width=1400, height=1000)
    p = page.page
    p.add_init_script(RECORD_FIRST_VIEW)
    p.route("**/leaflet-*.js", lambda route: route.abort("connectionreset"))
    p.goto(app_url)
    p.locator(f'[data-testid="stSidebar"] input[aria-label="{WEIGHT}"]').first.wait_for(timeout=WAIT_MS)
    p.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=WAIT_MS)
    assert p.evaluate("[window.hsDrawnAt, window.hsSentToPage]") == [None, []]  # no map, nothing sent from it
    assert p.locator('[data-testid="stSidebarNav"] a').count() == NAV_LINKS


def test_a_new_session_on_another_page_draws_it_whole_at_once(app_url: str, offline_page: Callable[..., Any]) -> None:
    page = offline_page(width=1400, height=1000)
    p = page.page
    p.goto(f"{app_url}/shortlist")
    p.locator(f'[data-testid="stSidebar"] input[aria-label="{WEIGHT}"]').first.wait_for(timeout=WAIT_MS)
    settle(p)
    assert p.locator(MAP_IFRAME).count() == 0
    assert p.locator('[data-testid="stSidebarNav"] a').count() == NAV_LINKS  # its navigation at once
    assert page.errors == []
