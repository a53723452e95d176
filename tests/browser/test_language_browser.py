"""Every page of the real app (``streamlit run app.py``), in French and in English, in headless Chromium at 1,400 px:
the page speaks one language only, shows no ``None`` and truncates no label.

- Language: every text a user reads (the sidebar, the page with its expanders opened, Streamlit's own placeholders
  and buttons, the map's legend) holds no word of the other language (``tests/languages.py``; a short list of
  bilingual proper nouns, such as place names, is allowed) and no ``None`` / ``nan``.
- Layout: no element with text is cut (``text-overflow: ellipsis`` or hidden overflow with ``scrollWidth`` over
  ``clientWidth``), and Streamlit's developer chrome ("Deploy") is hidden.
- A screenshot of each page in each language: ``test-artifacts/language/<page>-<lang>.png``.

On the Carte page a département is picked first, so that its detail panel (bar chart, figures) is walked too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, WAIT_MS, streamlit_server
from test_a11y_browser import PAGES, open_page, settle

sys.path.insert(0, str(REPO / "tests"))
from languages import foreign_words, missing_markers

from homeshore import strings

WIDTH = 1400

#: The text a user reads: the sidebar and the page, expanders opened, placeholders and tooltips' titles included;
#: the map's iframes (legend, layer names) too.
READ_TEXT = """() => {
    const parts = [];
    const hideIcons = document.createElement('style');  // icons are ligatures ("upload"), hidden from readers
    hideIcons.textContent = '[data-testid="stIconMaterial"], [aria-hidden="true"] { display: none !important; }';
    document.head.appendChild(hideIcons);
    const docs = [document];
    for (const frame of document.querySelectorAll('iframe')) {
        try { if (frame.contentDocument) { docs.push(frame.contentDocument); } } catch (e) { /* other origin */ }
    }
    for (const doc of docs) {
        const roots = doc === document
            ? document.querySelectorAll('[data-testid="stSidebar"], [data-testid="stMain"], [data-testid="stHeader"]')
            : [doc.body];
        for (const root of roots) {
            if (!root) { continue; }
            parts.push(root.innerText || '');
            for (const el of root.querySelectorAll('[placeholder], [title], [aria-label]')) {
                for (const name of ['placeholder', 'title', 'aria-label']) {
                    const value = el.getAttribute(name);
                    if (value) { parts.push(value); }
                }
            }
        }
    }
    hideIcons.remove();
    return parts.join('\\n');
}"""

#: Elements whose own text is cut: an ellipsis, or a hidden overflow wider than the box (labels, captions, cells).
TRUNCATED = """() => {
    const cut = [];
    const inside = '[data-testid="stSidebar"] *, [data-testid="stMain"] *';
    for (const el of document.querySelectorAll(inside)) {
        if (el.closest('[data-testid="stDataFrame"], iframe, [data-testid="stVegaLiteChart"]')) { continue; }
        const text = (el.innerText || '').trim();
        if (!text || el.getClientRects().length === 0) { continue; }
        const style = getComputedStyle(el);
        const oneLine = style.textOverflow === 'ellipsis' || style.whiteSpace === 'nowrap';
        const hides = ['hidden', 'clip'].includes(style.overflowX);
        if ((oneLine || hides) && style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) {
            cut.push(text.slice(0, 80));
        }
    }
    return cut;
}"""

#: Streamlit's drawn charts (Vega) write a cut label with an ellipsis in their SVG.
CHART_LABELS = """() => Array.from(
    document.querySelectorAll('[data-testid="stVegaLiteChart"] svg text, .vega-embed svg text')
).map((t) => t.textContent)"""


#: The height of the page's content, wherever Streamlit scrolls it.
TALLEST = """() => Math.max(...['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]', 'body']
    .map((s) => document.querySelector(s)).filter(Boolean).map((el) => el.scrollHeight))"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with streamlit_server(REPO / "app.py", tmp_path_factory.mktemp("language") / "server.log") as url:
        yield url


def open_everything(page: Any, path: str, lang: str) -> None:
    """Open the expanders (their text is read too) and, on the Carte page, a département's detail panel."""
    if path == "":
        pick = page.get_by_label(strings.text("pick_departement", lang))
        pick.click()
        page.keyboard.type("Creuse")
        page.keyboard.press("Enter")
        page.get_by_text("Creuse (23)", exact=True).first.wait_for(state="visible", timeout=WAIT_MS)
        settle(page)
    for summary in page.locator('[data-testid="stMain"] [data-testid="stExpander"] summary').all():
        if summary.get_attribute("aria-expanded") != "true":
            summary.click()
    page.wait_for_timeout(600)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_speaks_one_language_without_none_or_cut_label(
    app_url: str, offline_page: Callable[..., Any], artifacts: Path, path: str, lang: str
) -> None:
    page = offline_page(width=WIDTH, height=1000)
    open_page(page.page, app_url, path, lang)
    open_everything(page.page, path, lang)
    folder = artifacts / "language"
    folder.mkdir(exist_ok=True)
    tall = page.page.evaluate(TALLEST)  # Streamlit scrolls inside its main block: grow the window to see it all
    page.page.set_viewport_size({"width": WIDTH, "height": min(max(tall, 1000), 12_000)})
    page.page.evaluate(
        "document.querySelectorAll('[data-testid=\"stMain\"], section').forEach((s) => s.scrollTo(0, 0))"
    )
    page.page.wait_for_timeout(500)
    page.page.screenshot(path=str(folder / f"{path or 'carte'}-{lang}.png"), full_page=True)

    text = page.page.evaluate(READ_TEXT)
    foreign = foreign_words(text, lang)
    lines = [line for line in text.splitlines() if foreign_words(line, lang) or missing_markers(line)]
    assert foreign == [], f"words of the other language on /{path} ({lang}): {sorted(set(foreign))}\n" + "\n".join(
        lines[:40]
    )
    assert missing_markers(text) == [], "\n".join(lines[:20])
    assert page.page.evaluate(TRUNCATED) == []
    assert [label for label in page.page.evaluate(CHART_LABELS) if label.endswith("…")] == []
    assert page.page.get_by_text("Deploy", exact=True).count() == 0
    assert page.errors == []
