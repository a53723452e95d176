"""The real app (``streamlit run app.py``) in headless Chromium with the internet cut off: the recruiter's map draws
its 101 départements with legend and tooltip, and clicking one opens its detail panel. Screenshot in
``test-artifacts/app-carte.png``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, WAIT_MS, streamlit_server
from playwright.sync_api import expect
from test_map_browser import CENTRE_OF, TERRITORIES

from regions import maps


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with streamlit_server(REPO / "app.py", tmp_path_factory.mktemp("app") / "server.log") as url:
        yield url


def test_the_recruiter_map_draws_offline_and_opens_a_departement(
    app_url: str, offline_page: Callable[..., Any], artifacts: Path
) -> None:
    # tall enough for the whole map to be on screen: the click below must not make the page scroll first
    page = offline_page(width=1400, height=1200)
    page.page.goto(app_url)
    iframe = page.page.locator('iframe[title^="homeshore.map_files.live_map"]').first
    iframe.wait_for(state="attached", timeout=WAIT_MS)
    frame = iframe.element_handle(timeout=WAIT_MS).content_frame()
    assert frame is not None
    frame.wait_for_function(f"document.querySelectorAll({TERRITORIES!r}).length === 101", timeout=WAIT_MS)
    assert frame.locator(TERRITORIES).count() == 101
    fills = set(frame.eval_on_selector_all(TERRITORIES, "paths => paths.map((p) => p.getAttribute('fill'))"))
    assert len(fills & set(maps.class_colors(5))) == 5  # five score classes drawn

    legend = frame.locator(".hs-legend")
    assert legend.is_visible() and "Score (0–100)" in legend.inner_text()
    assert "Score Homeshore" in frame.locator(".hs-legend-source").inner_text()

    centre = frame.evaluate(CENTRE_OF, "23")
    frame.locator(".leaflet-container").hover(position=centre)
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    text = tooltip.inner_text()
    assert "Creuse (23)" in text and "Score" in text and "rang " in text

    frame.locator(".leaflet-container").click(position=centre)
    page.page.get_by_text("Creuse (23)", exact=True).first.wait_for(state="visible", timeout=WAIT_MS)
    page.page.get_by_text("Ce qui fait le score").first.wait_for(state="visible", timeout=WAIT_MS)
    page.page.screenshot(path=str(artifacts / "app-carte.png"), full_page=False)
    assert page.errors == []
    assert [url for url in page.aborted if not url.startswith("https://tile.openstreetmap.org/")] == []


def test_uploading_an_applicant_file_in_the_browser(
    app_url: str, offline_page: Callable[..., Any], artifacts: Path, tmp_path: Path
) -> None:
    source = tmp_path / "export_ats.csv"
    rows = "id;CP;ville\nA1;87000;Limoges\nA2;1590;\nA3;98000;Monaco\nA4;6300;NICE\nA5;36000;Châteauroux\n"
    source.write_bytes(rows.encode("cp1252"))
    page = offline_page(width=1400, height=1000)
    page.page.goto(f"{app_url}/vivier")
    page.page.get_by_text("Données fictives").first.wait_for(state="visible", timeout=WAIT_MS)
    page.page.locator("input[type=file]").first.set_input_files(str(source))
    report = page.page.get_by_text("Lignes lues")
    report.first.wait_for(state="visible", timeout=WAIT_MS)
    page.page.get_by_text("cp1252").first.wait_for(state="visible", timeout=WAIT_MS)
    metrics = page.page.locator("[data-testid=stMetricValue]").all_inner_texts()
    assert metrics[:3] == ["5", "3", "2"]  # read, placed (Limoges, Nice repaired, Châteauroux), not placed
    # the demo banner is gone with the user's file (waited for: the previous run's elements fade out on a busy machine)
    expect(page.page.get_by_text("Données fictives")).to_have_count(0, timeout=WAIT_MS)
    page.page.screenshot(path=str(artifacts / "app-vivier.png"), full_page=False)
    assert page.errors == []


def test_the_plan_page_draws_your_sites_and_their_departements_offline(
    app_url: str, offline_page: Callable[..., Any], artifacts: Path
) -> None:
    page = offline_page(width=1400, height=1200)
    page.page.goto(f"{app_url}/plan")
    page.page.get_by_text("Déclarez d'abord").first.wait_for(state="visible", timeout=WAIT_MS)
    picker = page.page.locator('[data-testid="stMultiSelect"]').filter(has_text="Vos sites").first
    for site_id in ("S001", "S004", "S010", "S020", "S030"):
        picker.locator("input").first.click()
        page.page.keyboard.type(site_id)
        page.page.keyboard.press("Enter")
    page.page.get_by_text("Équipes du plan à 120 embauches").first.wait_for(state="visible", timeout=WAIT_MS)
    iframe = page.page.locator('iframe[title="streamlit_folium.st_folium"]').first
    iframe.wait_for(state="attached", timeout=WAIT_MS)
    frame = iframe.element_handle(timeout=WAIT_MS).content_frame()
    assert frame is not None
    frame.wait_for_function(f"document.querySelectorAll({TERRITORIES!r}).length === 101", timeout=WAIT_MS)
    lines = frame.locator(f'path[stroke="{maps.HIGHLIGHT_COLOR}"]')
    assert lines.count() >= 10  # one line per team and département
    assert frame.locator(f".{maps.SITE_CLASS}").count() >= 1
    page.page.get_by_text("Télécharger le plan (PDF)").first.wait_for(state="visible", timeout=WAIT_MS)
    page.page.screenshot(path=str(artifacts / "app-plan.png"), full_page=True)
    assert page.errors == []
    assert [url for url in page.aborted if not url.startswith("https://tile.openstreetmap.org/")] == []
