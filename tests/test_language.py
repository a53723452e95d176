"""What a reader sees follows the chosen language: the datasets' texts (producer, dataset, period, licence,
coverage note, caveats), the method, Streamlit's own words (``homeshore/chrome.py``) and the map colours offered."""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from homeshore import chrome, views
from regions import sources

sys.path.insert(0, str(Path(__file__).parent))
from languages import foreign_words, missing_markers

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_bundled_dataset_has_its_texts_in_both_languages() -> None:
    texts = sources.load_texts()
    bundled = {key for key, source in sources.load_sources().items() if source.status == "bundled"}
    assert bundled <= set(texts)
    assert set(texts) <= set(sources.load_sources()) | bundled  # no text for a dataset that does not exist
    for dataset_id in bundled:
        assert set(texts[dataset_id]) == {"fr", "en"}, dataset_id
        for lang in ("fr", "en"):
            fields = texts[dataset_id][lang]
            assert set(fields) == set(sources.TRANSLATED), (dataset_id, lang)
            assert all(fields[name] for name in sources.TRANSLATED), (dataset_id, lang)
        # the same caveats, in the same order: as many in each language, each naming the same figures
        french, english = texts[dataset_id]["fr"]["caveats"], texts[dataset_id]["en"]["caveats"]
        assert len(french) == len(english) == len(sources.load_sources()[dataset_id].caveats), dataset_id


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_datasets_texts_hold_no_word_of_the_other_language(lang: str) -> None:
    for source in sources.load_sources().values():
        for name in sources.TRANSLATED:
            value = sources.text(source, name, lang)
            for text in value if isinstance(value, tuple) else (value,):
                assert foreign_words(text, lang) == [], (source.id, name, text)
                assert missing_markers(text) == []


def test_a_refreshed_dataset_shows_its_own_record_not_the_bundled_translation() -> None:
    bundled = sources.load_sources()["arcep_broadband"]
    refreshed = dataclasses.replace(bundled, status="refreshed", period="2026-09-30", caveats=("Refreshed.",))
    assert sources.text(bundled, "period", "en") == "30 June 2026 (end of 2026-Q2)"
    assert sources.text(bundled, "period", "fr") == "30 juin 2026 (fin du 2e trimestre 2026)"
    assert sources.text(refreshed, "period", "en") == "2026-09-30"
    assert sources.text(refreshed, "caveats", "fr") == ("Refreshed.",)
    with pytest.raises(ValueError, match="field_name"):
        sources.text(bundled, "url", "fr")


def _numbers(text: str) -> list[str]:
    """The percentages and coverages of a text (``25 %``, ``100/101``), the decimal mark and spaces removed."""
    return [re.sub(r"[\s,.]", "", n) for n in re.findall(r"\d+(?:[.,]\d+)?\s?%|\d+/\d+", text)]


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|") and not line.startswith("|---")]


def test_the_method_exists_in_full_in_english_with_the_same_parts_tables_and_figures() -> None:
    french = (DOCS / "method.md").read_text(encoding="utf-8")
    english = (DOCS / "method.en.md").read_text(encoding="utf-8")
    heading = re.compile(r"^(#+) (\d+\.)?", re.MULTILINE)
    assert [m.groups() for m in heading.finditer(french)] == [m.groups() for m in heading.finditer(english)]
    french_rows, english_rows = _table_rows(french), _table_rows(english)
    assert len(french_rows) == len(english_rows)
    for fr_row, en_row in zip(french_rows, english_rows, strict=True):
        fr_cells, en_cells = fr_row.split("|"), en_row.split("|")
        assert len(fr_cells) == len(en_cells)
        assert re.findall(r"`[^`]+`", fr_row) == re.findall(r"`[^`]+`", en_row)  # same ids, same order
        assert _numbers(fr_row) == _numbers(en_row), (fr_row, en_row)
    assert len(english) > 0.85 * len(french)  # a translation, not a summary
    assert foreign_words(english, "en") == []
    assert "English summary" not in french and foreign_words(french, "fr") == []


def test_streamlit_words_go_to_french_and_back() -> None:
    to_french, to_english = chrome.rules("fr"), chrome.rules("en")
    assert len(to_french) == len(to_english) == len(chrome.PHRASES) + len(chrome.PATTERNS)

    def apply(rules: list[tuple[str, str]], text: str) -> str:
        for pattern, replacement in rules:
            if re.search(pattern, text):
                return re.sub(pattern, replacement.replace("$", "\\"), text)
        return text

    for english in [*chrome.PHRASES, "Help for Taux de chômage localisé", "200MB per file • CSV, TXT, XLSX"]:
        french = apply(to_french, english)
        assert french != english and foreign_words(french, "fr") == [], french
        assert apply(to_english, french) == english
    assert apply(to_french, "Choose an option please") == "Choose an option please"  # whole texts only
    script = chrome.script("fr")
    assert "Choisir une option" in script and "MutationObserver" in script and "__RULES__" not in script


def test_an_indicator_with_no_figure_is_not_offered_as_a_map_colour() -> None:
    table = pd.DataFrame({"code": ["01", "02"], "ftth_share_pct": [80.0, None], "nearest_hub_travel_min": None})
    options = views.colour_options(table)
    assert options[0] == views.SCORE and "ftth_share_pct" in options
    assert "nearest_hub_travel_min" not in options


def test_every_official_file_has_an_english_title() -> None:
    from regions import refresh

    for entry in refresh.OFFICIAL.values():
        assert entry.title_en and foreign_words(entry.title_en, "en") == [], entry.dataset_id


def test_the_map_carries_no_english_tooltip_of_leaflet() -> None:
    import base64

    from regions.maps import assets

    script, _ = assets._leaflet_assets()
    source = base64.b64decode(script.split(",", 1)[1])
    assert b"leafletjs.com" in source and b"A JavaScript library" not in source


def test_a_library_error_is_shown_in_the_apps_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from homeshore import state
    from regions.errors import HomeshoreError

    error = HomeshoreError("Fichier introuvable : a.csv", en="File not found: a.csv", reason="missing")
    monkeypatch.setattr(state, "lang", lambda: "en")
    assert state.said(error) == "File not found: a.csv"
    assert state.said(ValueError("plain")) == "plain"  # any other error: its own text
    monkeypatch.setattr(state, "lang", lambda: "fr")
    assert state.said(error) == "Fichier introuvable : a.csv"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_sites_page_labels_your_sites_in_the_apps_language(lang: str, user_folder: Path) -> None:
    from streamlit.testing.v1 import AppTest

    from homeshore import strings, workspace
    from regions import sites
    from regions.workspace import people, userdata

    located = sites.read_user_sites(pd.DataFrame({"nom": ["Mon site"], "commune": ["Limoges"]})).located
    userdata.save_sites(people.actor(), workspace.sites_records(located), expect_version=0)  # this test's workspace
    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=180)
    app.session_state["hs_lang"] = lang
    app.switch_page("homeshore/pages/sites.py").run()  # one run: AppTest formats English choices in French after
    assert not app.exception
    (table,) = [d.value for d in app.dataframe if strings.text("col_site", lang) in d.value.columns]
    keys = ("col_site", "col_operator", "col_commune", "col_insee", "col_lat", "col_lon")
    assert list(table.columns) == [strings.text(key, lang) for key in keys]
    row = table.iloc[0]
    assert row.iloc[0] == "Mon site" and row.iloc[1] == strings.text("sites_user_operator", lang)
    assert row.iloc[2] == "Limoges (87)" and row.iloc[3] == "87085"


def test_the_english_sites_template_is_read_like_the_french_one() -> None:
    from regions import sites, tabular

    english = sites.sites_template("en")
    assert list(english.columns) == list(sites.TEMPLATE_HEADERS_EN)
    found = tabular.match_columns(list(english.columns), sites.SITE_FIELDS)
    assert all(found[field] for field in sites.SITE_FIELDS)
    row = pd.DataFrame({"name": ["Mon site"], "town": ["Limoges"], "INSEE code": ["87085"]})
    assert sites.read_user_sites(row).located["commune_code"].tolist() == ["87085"]


def test_missing_cells_show_a_dash_not_none() -> None:
    """Streamlit writes « None » in a table's empty cell unless told otherwise: every table of the pages says « — »
    (here the ranking, whose excluded départements have no rank)."""
    import ast

    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=180).run()
    assert not app.exception
    ranking = next(d for d in app.dataframe if "Rang" in d.value.columns)
    assert ranking.value["Rang"].isna().any() and ranking.proto.placeholder == "—"
    pages = Path(__file__).resolve().parent.parent / "homeshore"
    for path in [*pages.glob("*.py"), *pages.glob("pages/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "dataframe":
                assert "placeholder" in {k.arg for k in node.keywords}, f"{path.name}:{node.lineno}"
