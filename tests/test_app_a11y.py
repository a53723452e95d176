"""Accessibility in the app as a user drives it (``AppTest``); the browser checks are in tests/browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
STATEMENT = Path(__file__).resolve().parent.parent / "docs" / "accessibility.md"


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception, at.exception
    return at


def test_the_data_page_shows_the_accessibility_statement(app: AppTest) -> None:
    app.switch_page("homeshore/pages/donnees.py").run()
    assert not app.exception
    assert "Déclaration d'accessibilité" in [h.value for h in app.header]
    (text,) = [m.value for m in app.markdown if "Défenseur des droits" in m.value]
    assert "RGAA 4.1" in text and "`presentation-role-conflict`" in text
    # the statement's own title is the page heading above: its sections sit one level under it (h3)
    assert not text.lstrip().startswith("# ") and "\n## " not in text and "\n### État de conformité" in text


def test_the_detail_shortlist_button_is_one_widget_that_flips(app: AppTest) -> None:
    """One key for add and remove: in the browser the button keeps the keyboard focus when its label flips."""
    app.selectbox(key="hs_pick").set_value("23").run()
    button = app.button(key="btn_detail_shortlist")
    assert button.label == "Ajouter à la shortlist"
    button.click().run()
    assert app.session_state["hs_shortlist"] == ["23"]
    assert app.button(key="btn_detail_shortlist").label == "Retirer de la shortlist"
    app.button(key="btn_detail_shortlist").click().run()
    assert app.session_state["hs_shortlist"] == []


def test_high_contrast_is_a_sidebar_option_and_the_page_language_is_declared(app: AppTest) -> None:
    toggle = app.sidebar.toggle(key="hs_high_contrast")
    assert toggle.label == "Contraste élevé" and toggle.value is False
    toggle.set_value(True).run()
    assert not app.exception
    app.sidebar.radio(key="hs_lang").set_value("en").run()
    assert app.sidebar.toggle(key="hs_high_contrast").label == "High contrast"
