"""Presets in the app, driven through ``AppTest``: chosen by id, labelled in the language, said custom once a slider
moved (and from which preset), and an untouched preset exported under its name, not as "personnalisé"."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from regions import scoring

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SHORTLIST_PAGE = "homeshore/pages/shortlist.py"
IDS = ["balanced", "disability-inclusion", "underserved", "connectivity-first"]


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MemoryMediaFileStorage]]:
    """Keep the media storages AppTest creates, so a download button's file can be read back."""
    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, endpoint: str) -> None:
            super().__init__(endpoint)
            stores.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Recording)
    yield stores


def _download(at: AppTest, media: list[MemoryMediaFileStorage], key: str) -> bytes:
    name = at.download_button(key=key).proto.url.rsplit("/", 1)[-1]
    for store in media:
        try:
            return bytes(store.get_file(name).content)
        except Exception:
            continue
    raise AssertionError(f"no file behind {key}")


def _english(page: str | None = None, **sliders: int) -> AppTest:
    """A session started in English, its sliders at the default preset's weights but ``sliders``, on ``page``, in
    one run (AppTest formats a box's value outside the script, in French, so an English session runs only once)."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["hs_lang"] = "en"
    at.session_state["hs_last_preset"] = scoring.DEFAULT_PRESET
    for component in scoring.components():
        weight = scoring.PRESETS[scoring.DEFAULT_PRESET].weights.get(component, 0.0)
        at.session_state[f"hs_w_{component}"] = sliders.get(component, round(100 * weight))
    if page is not None:
        at.session_state["hs_shortlist"] = ["23", "19", "87"]
        at.switch_page(page)
    return _ok(at.run())


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    return at


def _exported_preset(at: AppTest, media: list[MemoryMediaFileStorage], *, shortlisted: bool = False) -> tuple[str, str]:
    """The preset the shortlist's XLSX (method sheet) and CSV (``#`` block) name, after adding the top ten."""
    if not shortlisted:
        _ok(at.button(key="btn_add_top").click().run())
        _ok(at.switch_page(SHORTLIST_PAGE).run())
    book = openpyxl.load_workbook(io.BytesIO(_download(at, media, "btn_download_xlsx")))
    method = dict(row[:2] for row in book.worksheets[2].iter_rows(min_row=2, values_only=True))
    about = dict(row[:2] for row in book.worksheets[-1].iter_rows(min_row=2, values_only=True))
    assert about.get("Préréglage", about.get("Preset")) == method.get("Préréglage", method.get("Preset"))
    csv_lines = _download(at, media, "btn_download_csv").decode("utf-8-sig").splitlines()
    preset_line = next(line for line in csv_lines if line.startswith(("# Préréglage", "# Preset")))
    return str(method.get("Préréglage", method.get("Preset"))), preset_line


def test_the_preset_box_offers_ids_labelled_in_the_language(app: AppTest) -> None:
    box = app.selectbox(key="hs_preset")
    assert box.value == "balanced"
    assert box.options == ["Équilibré", "Inclusion handicap", "Territoires peu desservis", "Connectivité d'abord"]
    assert list(scoring.PRESETS) == IDS
    _ok(app.selectbox(key="hs_preset").select("connectivity-first").run())
    assert app.slider(key="hs_w_ftth_share_pct").value == 45
    english = _english()
    assert english.selectbox(key="hs_preset").options == [
        "Balanced", "Disability inclusion", "Under-served territories", "Connectivity first",
    ]  # fmt: skip


def test_moving_a_slider_says_custom_and_from_which_preset(app: AppTest) -> None:
    _ok(app.slider(key="hs_w_ftth_share_pct").set_value(60).run())
    box = app.selectbox(key="hs_preset")
    assert box.value == "custom"
    assert box.options[-1] == "Personnalisé (modifié depuis « Équilibré »)"
    assert box.options[:4] == ["Équilibré", "Inclusion handicap", "Territoires peu desservis", "Connectivité d'abord"]
    _ok(app.selectbox(key="hs_preset").select("balanced").run())  # back to the preset: the sliders follow
    assert app.selectbox(key="hs_preset").value == "balanced" and app.slider(key="hs_w_ftth_share_pct").value == 20
    assert len(app.selectbox(key="hs_preset").options) == 4
    english = _english(ftth_share_pct=60)
    assert english.selectbox(key="hs_preset").options[-1] == "Custom (changed from “Balanced”)"


def test_sliders_moved_back_to_the_preset_are_the_preset_again(app: AppTest) -> None:
    _ok(app.slider(key="hs_w_ftth_share_pct").set_value(60).run())
    assert app.selectbox(key="hs_preset").value == "custom"
    _ok(app.slider(key="hs_w_ftth_share_pct").set_value(20).run())
    assert app.selectbox(key="hs_preset").value == "balanced"


def test_a_stale_preset_label_from_the_browser_neither_crashes_nor_moves_the_sliders(app: AppTest) -> None:
    """The browser sends each box's value as the label it shows. Moving sliders step by step, the custom choice (its
    label naming the preset it came from) comes and goes; a browser one run behind sent the custom label after the
    sliders were back on the preset, and the page crashed (« preset … is unknown »). Found in Chromium."""
    _ok(app.slider(key="hs_w_ftth_share_pct").set_value(25).run())
    stale = "Personnalisé (modifié depuis « Équilibré »)"
    assert app.selectbox(key="hs_preset").options[-1] == stale
    _ok(app.slider(key="hs_w_ftth_share_pct").set_value(20).run())  # back on the preset: the custom choice goes
    box = app.selectbox(key="hs_preset")
    assert stale not in box.options
    box.options.append(stale)  # what the browser still shows, one run behind
    box.set_value(stale)
    app.slider(key="hs_w_ftth_share_pct").set_value(25)  # with the next slider step
    _ok(app.run())
    assert app.selectbox(key="hs_preset").value == "custom"  # the sliders' state, not the stale label
    assert app.slider(key="hs_w_ftth_share_pct").value == 25  # the step counted; no preset applied over it
    _ok(app.slider(key="hs_w_ftth_share_pct").set_value(20).run())
    assert app.selectbox(key="hs_preset").value == "balanced"


def test_an_untouched_preset_is_exported_under_its_name(app: AppTest, media: list[MemoryMediaFileStorage]) -> None:
    _ok(app.selectbox(key="hs_preset").select("disability-inclusion").run())
    method, csv_line = _exported_preset(app, media)
    assert method == "Inclusion handicap"  # not "personnalisé": slider percentages equal the preset's weights
    assert csv_line == "# Préréglage : Inclusion handicap"


def test_a_moved_slider_is_exported_as_custom(app: AppTest, media: list[MemoryMediaFileStorage]) -> None:
    _ok(app.slider(key="hs_w_ftth_share_pct").set_value(60).run())
    assert _exported_preset(app, media) == ("personnalisé", "# Préréglage : personnalisé")


def test_in_english_the_untouched_default_is_exported_as_balanced(media: list[MemoryMediaFileStorage]) -> None:
    english = _english(SHORTLIST_PAGE)
    assert _exported_preset(english, media, shortlisted=True) == ("Balanced", "# Preset: Balanced")
