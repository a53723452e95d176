"""The *Plan de recrutement* page and your sites in the sidebar, through ``streamlit.testing.v1.AppTest``."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from regions import formatting, sites

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PLAN_PAGE = "homeshore/pages/plan.py"
HUBS = ["S001", "S004", "S010", "S020", "S030"]


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MemoryMediaFileStorage]]:
    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, endpoint: str) -> None:
            super().__init__(endpoint)
            stores.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Recording)
    yield stores


def download(at: AppTest, media: list[MemoryMediaFileStorage], key: str) -> bytes:
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(key) or key in b.proto.id)
    name = button.proto.url.rsplit("/", 1)[-1]
    for store in media:
        try:
            return bytes(store.get_file(name).content)
        except Exception:
            continue
    raise AssertionError(f"no file behind {key}")


def creuse_score(at: AppTest) -> float:
    table = next(d.value for d in at.dataframe if "Rang" in d.value.columns)
    return formatting.parse_number(table.loc[table["Code"] == "23", "Score"].iloc[0])  # written « 74,1 »


def test_your_site_in_gueret_does_not_lower_creuse_in_the_app(app: AppTest) -> None:
    before = creuse_score(app)
    frame = pd.DataFrame({"nom": ["Agence de Guéret"], "commune": ["Guéret"], "code postal": ["23000"]})
    app.session_state["hs_user_sites"] = sites.read_user_sites(frame).located  # what the Sites page stores
    app.run()
    assert not app.exception
    assert creuse_score(app) >= before
    assert app.selectbox(key="hs_hub_max_travel").value == 120  # the default limit to your sites, shown


def test_the_plan_page_asks_for_your_sites_first(app: AppTest) -> None:
    app.switch_page(PLAN_PAGE).run()
    assert not app.exception
    assert any("vos sites" in i.value for i in app.info)


def test_the_plan_page_shows_teams_what_if_binding_and_downloads(
    app: AppTest, media: list[MemoryMediaFileStorage]
) -> None:
    app.multiselect(key="hs_hubs").set_value(HUBS).run()
    app.switch_page(PLAN_PAGE).run()
    assert not app.exception, app.exception
    headings = [s.value for s in app.header]
    assert "120 embauches" in headings and "150 embauches" in headings  # what-if side by side
    teams = next(d.value for d in app.dataframe if "Équipe" in d.value.columns)
    assert teams["Embauches"].sum() == 120
    assert teams.groupby("Équipe")["Embauches"].sum().between(10, 15).all()
    assert "Ce qui limite le plan" in headings and "Ce que le plan atteint" in headings
    pdf = PdfReader(io.BytesIO(download(app, media, "btn_plan_pdf")))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Plan de recrutement" in text and "Sources et millésimes" in text
    book = openpyxl.load_workbook(io.BytesIO(download(app, media, "btn_plan_xlsx")))
    assert book.sheetnames[0] == "Équipes"

    app.number_input(key="hs_plan_per_mille").set_value(0.1).run()  # an impossible ceiling: named, no traceback
    assert not app.exception
    assert any("postes de plafond" in e.value for e in app.error)
