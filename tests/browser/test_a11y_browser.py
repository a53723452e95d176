"""Accessibility of the real app (``streamlit run app.py``) in headless Chromium, offline.

- axe-core (through ``axe-playwright-python``) audits every page in French and English once it has settled, the
  map's iframe included: no ``serious`` or ``critical`` violation; every other rule still failing must be listed,
  with its reason and alternative, in ``docs/accessibility.md`` (the accessibility statement).
- The map has a text equivalent: each département shape is named (name, score, rank), the legend is text, a
  "skip the map" link leads to the ranking table; a high-contrast option redraws the map.
- The recruiter's job with the keyboard alone, with a visible focus ring at each step and no trap in the map.
- Reflow at 320 px wide and 200 % zoom: nothing lost; ``<html lang>`` follows the language; alerts are announced.

Screenshots (each page in both languages, each keyboard step, the reflow views) go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, WAIT_MS, streamlit_server
from test_map_browser import TERRITORIES

from homeshore import strings
from regions import maps

#: Every page by its URL path ("" = Carte), and whether it draws a map (in an iframe) without any input.
PAGES = {"": True, "shortlist": False, "plan": False, "scenarios": False, "vivier": True, "sites": False,
         "indicateur": False, "donnees": False}  # fmt: skip
STATEMENT = REPO / "docs" / "accessibility.md"
# the map's frame: the map page's own, or streamlit-folium's (the applicant pool's map)
MAP_IFRAME = 'iframe[title^="homeshore.map_files.live_map"], iframe[title="streamlit_folium.st_folium"]'
#: The skip link past the map: an in-page link to the ranking table.
SKIP_LINK = 'strong > a[href="#classement"]'
SERIOUS = {"serious", "critical"}

# The focused element, wherever it is (in the page, or in the map's iframe), as "tag|role|label|text".
ACTIVE = """() => {
    let el = document.activeElement;
    while (el && el.tagName === "IFRAME" && el.contentDocument && el.contentDocument.activeElement) {
        el = el.contentDocument.activeElement;
    }
    if (!el) { return ""; }
    const label = el.getAttribute("aria-label") || "";
    return [el.tagName, el.getAttribute("role") || "", label, (el.innerText || el.value || "").slice(0, 80)].join("|");
}"""
# Whether the focused element (in the page) shows a focus ring of at least 2 px, on screen. A visually hidden
# input (a slider's <input type=range>, 1 px and clipped) shows it on the widget react-aria marks as focused.
FOCUS_VISIBLE = """() => {
    let el = document.activeElement;
    if (!el || el === document.body || !el.matches(":focus-visible")) { return false; }
    if (el.getBoundingClientRect().width <= 1 || el.parentElement.getBoundingClientRect().width <= 1) {
        el = el.closest('[data-focus-visible="true"]');
        if (!el) { return false; }
    }
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 && box.width >= 4 && box.height >= 4;
}"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with streamlit_server(REPO / "app.py", tmp_path_factory.mktemp("a11y") / "server.log") as url:
        yield url


def settle(page: Any) -> None:
    """Wait until the script has finished its run and the page has drawn its title."""
    page.locator("h1").first.wait_for(state="visible", timeout=WAIT_MS)
    page.wait_for_function(
        "() => document.querySelector('.stApp')?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=WAIT_MS,
        polling=200,
    )
    page.wait_for_timeout(400)


def map_frame(page: Any) -> Any:
    """The map's iframe once its départements are drawn and named."""
    handle = page.locator(MAP_IFRAME).first.element_handle(timeout=WAIT_MS)
    frame = handle.content_frame()
    assert frame is not None
    frame.wait_for_function(
        "() => document.querySelectorAll('path.leaflet-interactive[aria-label]').length > 0", timeout=WAIT_MS
    )
    return frame


def open_page(page: Any, url: str, path: str, lang: str) -> None:
    page.goto(f"{url}/{path}")
    settle(page)
    if lang == "en":
        page.locator('[data-testid="stSidebar"] label').filter(has_text="English").first.click()
        page.locator('[data-testid="stSidebar"]').get_by_text("Language", exact=True).wait_for(timeout=WAIT_MS)
        settle(page)
    if PAGES[path]:
        map_frame(page)


def audit(page: Any) -> list[dict[str, Any]]:
    """axe-core on the page and, through axe's own frame support, inside every iframe (axe injected in each)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for frame in page.frames:
        frame.evaluate(axe.axe_script)
    violations: list[dict[str, Any]] = axe.run(page, options={"resultTypes": ["violations"]}).response["violations"]
    return violations


def documented_rules() -> set[str]:
    """The rule ids the accessibility statement lists as known non-conformities (in its table, as `rule-id`)."""
    return set(re.findall(r"^\| `([a-z0-9-]+)`", STATEMENT.read_text(encoding="utf-8"), flags=re.MULTILINE))


def test_every_page_of_the_app_is_audited() -> None:
    declared = set(re.findall(r'url_path="([a-z]+)"', (REPO / "app.py").read_text(encoding="utf-8"))) | {""}
    assert declared == set(PAGES)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_axe_finds_no_serious_violation_on_any_page(
    app_url: str, offline_page: Callable[..., Any], artifacts: Path, path: str, lang: str
) -> None:
    page = offline_page(width=1400, height=1000)
    open_page(page.page, app_url, path, lang)
    # WCAG 3.1.1, in both languages; set by a script the page runs once drawn: waited for on a busy machine
    page.page.wait_for_function(f"document.documentElement.lang === {lang!r}", timeout=WAIT_MS)
    assert page.page.evaluate("document.documentElement.lang") == lang
    violations = audit(page.page)
    page.page.screenshot(path=str(artifacts / f"a11y-{path or 'carte'}-{lang}.png"), full_page=True)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations if v["impact"] in SERIOUS
    ]
    assert serious == []
    undocumented = {v["id"] for v in violations} - documented_rules()
    assert undocumented == set(), f"fix these or list them in {STATEMENT.name}: {undocumented}"
    assert page.errors == []


def test_the_map_iframe_itself_is_audited_and_every_shape_is_named(
    app_url: str, offline_page: Callable[..., Any], artifacts: Path
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = offline_page(width=1400, height=1000)
    open_page(page.page, app_url, "", "fr")
    frame = map_frame(page.page)
    frame.wait_for_function(f"document.querySelectorAll({TERRITORIES!r} + '[aria-label]').length === 101")
    # axe run inside the frame: the shapes are named images (WCAG 1.1.1); no serious violation in the frame alone
    named = Axe().run(frame, options={"runOnly": ["role-img-alt", "svg-img-alt"], "resultTypes": ["passes"]})
    passed = {str(node["target"]) for rule in named.response["passes"] for node in rule["nodes"]}
    assert len(passed) >= 101
    alone = Axe().run(frame).response["violations"]
    assert [v["id"] for v in alone if v["impact"] in SERIOUS] == []

    creuse = frame.locator(f"{TERRITORIES}[aria-label*='Creuse (23)']")
    assert creuse.count() == 1 and creuse.get_attribute("role") == "img"
    label = creuse.get_attribute("aria-label")
    assert re.search(r"Score: \d+,\d", label) and "Rang: rang " in label  # name, score and rank, in French
    assert frame.locator(".leaflet-container").get_attribute("aria-label") == "Score (0–100)"
    legend = frame.locator(".hs-legend").inner_text()  # the legend is text: each class's range in words
    assert legend.count("–") >= 5 and "Score (0–100)" in legend
    viewports = frame.eval_on_selector_all('meta[name="viewport"]', "tags => tags.map((t) => t.content)")
    assert viewports and set(viewports) == {"width=device-width, initial-scale=1"}  # pinch zoom allowed


def test_skip_link_leads_to_the_ranking_table_announced_as_the_maps_equivalent(
    app_url: str, offline_page: Callable[..., Any], artifacts: Path
) -> None:
    page = offline_page(width=1400, height=1000)
    open_page(page.page, app_url, "", "fr")
    skip = page.page.locator(SKIP_LINK)
    assert skip.inner_text().startswith("Passer la carte")
    skip.focus()
    assert page.page.evaluate(FOCUS_VISIBLE)
    page.page.keyboard.press("Enter")
    page.page.wait_for_function("() => location.hash === '#classement'")
    heading = page.page.locator("#classement")
    assert heading.inner_text().startswith(strings.text("table_heading", "fr"))
    page.page.wait_for_function(
        "() => { const b = document.getElementById('classement').getBoundingClientRect();"
        " return b.top >= 0 && b.top < window.innerHeight; }"
    )
    page.page.get_by_text(strings.text("map_alternative", "fr")).wait_for(state="visible")
    page.page.screenshot(path=str(artifacts / "a11y-skip-link.png"))
    # the next Tab goes on after the map (to the ranking), not back into the iframe
    page.page.keyboard.press("Tab")
    assert page.page.evaluate("document.activeElement.tagName") != "IFRAME"


def test_high_contrast_option_redraws_the_map_and_darkens_the_text(
    app_url: str, offline_page: Callable[..., Any], artifacts: Path
) -> None:
    page = offline_page(width=1400, height=1000)
    open_page(page.page, app_url, "", "fr")
    frame = map_frame(page.page)
    caption = page.page.locator('[data-testid="stCaptionContainer"] p').first
    before = caption.evaluate("el => getComputedStyle(el).color")
    strokes = set(frame.eval_on_selector_all(TERRITORIES, "ps => ps.map((p) => p.getAttribute('stroke'))"))
    assert "#000000" not in strokes  # by default: thin white borders over the basemap
    page.page.locator('[data-testid="stSidebar"] label').filter(has_text="Contraste élevé").first.click()
    settle(page.page)
    page.page.wait_for_function(
        "() => { const f = document.querySelector('iframe[title^=\"homeshore.map_files.live_map\"]');"
        " const d = f && f.contentDocument; return d && d.querySelectorAll('path.hs-territory[stroke=\"#000000\"]')"
        ".length === 101; }",
        timeout=WAIT_MS,
    )
    frame = map_frame(page.page)
    fills = set(frame.eval_on_selector_all(TERRITORIES, "ps => ps.map((p) => p.getAttribute('fill'))"))
    assert len(fills & set(maps.class_colors(5))) == 5  # the same colour-blind-safe palette, opaque
    assert frame.locator(".leaflet-tile").count() == 0  # no basemap behind
    assert caption.evaluate("el => getComputedStyle(el).color") == "rgb(0, 0, 0)" != before
    page.page.screenshot(path=str(artifacts / "a11y-high-contrast.png"))


def tab_to(page: Any, pattern: str, *, back: bool = False, limit: int = 260) -> str:
    """Press Tab (Shift+Tab with ``back``) until the focused element matches ``pattern`` (see ``ACTIVE``)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        seen.append(page.evaluate(ACTIVE))
        if re.search(pattern, seen[-1], flags=re.DOTALL):
            return seen[-1]
    raise AssertionError(f"{pattern!r} not reached with the keyboard; last stops: {seen[-8:]}")


def slider_value(page: Any, label: str) -> str:
    value: str = page.locator(f'[data-testid="stSidebar"] input[aria-label="{label}"]').first.input_value()
    return value


def test_keyboard_only_walk(app_url: str, offline_page: Callable[..., Any], artifacts: Path) -> None:
    """The recruiter's job with Tab, Shift+Tab, Enter, Space, arrows and typing only; focus ring at every step."""
    page = offline_page(width=1400, height=1000)
    p = page.page
    open_page(p, app_url, "", "fr")
    steps: list[str] = []

    def step(name: str) -> None:
        assert p.evaluate(FOCUS_VISIBLE), f"no visible focus at step {name!r}: {p.evaluate(ACTIVE)}"
        steps.append(name)
        p.screenshot(path=str(artifacts / f"keyboard-{len(steps):02d}-{name}.png"))

    # 1. a preset: the combobox, type to filter its options, Enter
    weight = "Taux de chômage localisé"
    before = slider_value(p, weight)
    tab_to(p, r"^INPUT\|combobox\|Préréglage\|")
    step("preset")
    p.keyboard.type("Inclusion")
    p.keyboard.press("Enter")
    settle(p)
    assert p.locator('input[aria-label="Préréglage"]').input_value() == "Inclusion handicap"
    changed = slider_value(p, weight)
    assert changed != before  # the preset set the weights

    # 2. a weight: the slider, one step right with the arrow key
    tab_to(p, rf"^INPUT\|\|{re.escape(weight)}\|")
    step("weight")
    p.keyboard.press("ArrowRight")
    settle(p)
    assert int(slider_value(p, weight)) == int(changed) + 5

    # 3. a constraint: minimum fibre share, two steps right
    ftth = strings.text("min_ftth", "fr")
    tab_to(p, rf"^INPUT\|\|{re.escape(ftth)}\|")
    step("constraint")
    p.keyboard.press("ArrowRight")
    p.keyboard.press("ArrowRight")
    settle(p)
    assert slider_value(p, ftth) == "10"

    # 4. past the map: the skip link, then Tab through the map's iframe and out of it (no keyboard trap)
    tab_to(p, r"^A\|\|\|Passer la carte")
    step("skip-link")
    inside = 0
    for _ in range(260):
        p.keyboard.press("Tab")
        inside += p.evaluate("document.activeElement.tagName") == "IFRAME"
        if re.search(r"combobox\|Département à détailler", p.evaluate(ACTIVE)):
            break
    else:
        raise AssertionError("Tab never left the map for the département list")
    # the map was visited (its region, zoom buttons and layer box take the focus) and left in a few stops: its
    # shapes are named for screen readers but kept out of the Tab order (the list below is the keyboard way)
    assert 0 < inside < 10
    step("departement-list")
    p.keyboard.type("Creuse")
    p.keyboard.press("Enter")
    settle(p)
    p.get_by_role("heading", name=re.compile(r"Creuse \(23\)")).first.wait_for(state="visible", timeout=WAIT_MS)

    # 5. its detail is open: add it to the shortlist with the button (Enter)
    tab_to(p, rf"^BUTTON\|\|\|{re.escape(strings.text('add_to_shortlist', 'fr'))}")
    step("add-to-shortlist")
    p.keyboard.press("Enter")
    settle(p)
    p.get_by_role("button", name=strings.text("remove_from_shortlist", "fr")).wait_for(timeout=WAIT_MS)

    # 6. back up to the navigation (Shift+Tab) and open the Shortlist page (Enter)
    # the button flipped to "remove" and kept the focus (it is one widget): the user is not thrown back to the top
    assert p.evaluate(ACTIVE).startswith(f"BUTTON|||{strings.text('remove_from_shortlist', 'fr')}")
    step("added")
    tab_to(p, r"^A\|\|\|.*Shortlist", back=True, limit=900)
    step("nav-shortlist")
    p.keyboard.press("Enter")
    p.wait_for_url(re.compile(r"/shortlist$"), timeout=WAIT_MS)
    settle(p)
    assert "Creuse" in p.locator('[data-testid="stDataFrame"]').first.inner_text() or p.get_by_text("Creuse").count()

    # 7. the export: the CSV download button, with Space
    tab_to(p, rf"^BUTTON\|\|\|{re.escape(strings.text('download_csv', 'fr'))}")
    step("export")
    with p.expect_download(timeout=WAIT_MS) as download:
        p.keyboard.press("Space")
    assert download.value.suggested_filename.startswith("homeshore-shortlist-")
    assert page.errors == []


# What must stay on screen, reachable, at 320 px and at 200 % zoom: (page, [(kind, locator), …]).
REFLOW_CONTROLS = {
    "": [
        "h1",
        'input[aria-label="Colorer la carte par"]',
        SKIP_LINK,
        MAP_IFRAME,
        'input[aria-label="Département à détailler"]',
        "#classement",
        '[data-testid="stDataFrame"]',
        'input[aria-label="Départements de la shortlist"]',
        'button:has-text("Ajouter les 10 premiers")',
    ],
    "shortlist": ["h1", "#exclus-par-vos-contraintes"],
}


MAP_CONTROLS = [".leaflet-control-zoom-in", ".leaflet-control-zoom-out", ".leaflet-control-layers label",
                "summary.hs-legend-title"]  # fmt: skip
# Whether each selector's element is drawn and is what the user hits at its centre (nothing lies over it).
UNCOVERED = """(selectors) => selectors.every((selector) => {
    const el = document.querySelector(selector);
    const box = el && el.getBoundingClientRect();
    if (!box || box.width === 0) { return false; }
    const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return top === el || el.contains(top);
})"""


@pytest.mark.parametrize(
    ("view", "width", "height", "scale"),
    [("320px", 320, 800, 1), ("zoom200", 640, 500, 2)],  # 200 % zoom of a 1280 × 1000 window = 640 × 500 CSS px
)
def test_reflow_and_zoom_lose_no_content_or_control(
    app_url: str, browser: Any, artifacts: Path, view: str, width: int, height: int, scale: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
    try:
        page = context.new_page()
        for path, selectors in REFLOW_CONTROLS.items():
            page.goto(f"{app_url}/{path}")
            settle(page)
            if path == "":
                # the map's controls and its (folded) legend are drawn, none covering another
                assert map_frame(page).evaluate(UNCOVERED, MAP_CONTROLS), f"a map control is covered at {view}"
            # no horizontal scrolling of the page nor of Streamlit's main scroll box (WCAG 1.4.10); data tables may
            # scroll inside their own box (the criterion's exception for two-dimensional tables)
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
            assert page.evaluate(
                "() => Array.from(document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]'))"
                ".every((box) => box.scrollWidth <= box.clientWidth + 1)"
            )
            for index, selector in enumerate(selectors):
                control = page.locator(selector).first
                control.scroll_into_view_if_needed(timeout=WAIT_MS)
                box = control.bounding_box()
                assert box is not None and box["width"] > 0, f"{selector} is not drawn at {view}"
                assert box["x"] >= -1 and box["x"] + min(box["width"], width) <= width + 1, f"{selector} is cut"
                page.screenshot(path=str(artifacts / f"reflow-{view}-{path or 'carte'}-{index:02d}.png"))
        # the sidebar (priorities, constraints) folds away on a narrow screen and opens again from its button
        if width < 700:
            page.keyboard.press("Home")
            opener = page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"]')
            opener.first.wait_for(state="visible", timeout=WAIT_MS)
            opener.first.click()
        preset = page.locator('input[aria-label="Préréglage"]')
        preset.scroll_into_view_if_needed(timeout=WAIT_MS)
        assert preset.is_visible()
        box = preset.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
        page.screenshot(path=str(artifacts / f"reflow-{view}-sidebar.png"))
    finally:
        context.close()


def test_an_error_is_announced_to_screen_readers(
    app_url: str, offline_page: Callable[..., Any], artifacts: Path, tmp_path: Path
) -> None:
    """A file the app cannot read: the French one-line error is in a ``role="alert"`` live region."""
    bad = tmp_path / "candidats.csv"
    bad.write_bytes(b"\x00\x01\x02 pas un tableau")
    page = offline_page(width=1400, height=1000)
    open_page(page.page, app_url, "vivier", "fr")
    page.page.locator("input[type=file]").first.set_input_files(str(bad))
    alert = page.page.locator('[role="alert"]').filter(has_text="Fichier illisible")
    alert.first.wait_for(state="visible", timeout=WAIT_MS)
    page.page.screenshot(path=str(artifacts / "a11y-error-alert.png"))
