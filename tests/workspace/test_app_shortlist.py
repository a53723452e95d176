"""The Shortlist page on the open scenario, and every download of the app in the audit trail, through ``AppTest``
(widgets found by key), on both databases."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from regions.workspace import people, scenarios

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SCENARIOS_PAGE = "homeshore/pages/scenarios.py"
SHORTLIST_PAGE = "homeshore/pages/shortlist.py"
POOL_PAGE = "homeshore/pages/vivier.py"
PLAN_PAGE = "homeshore/pages/plan.py"


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


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    return at


def _shown(elements: object) -> list[str]:
    """The texts of messages as the user reads them (Markdown escapes removed)."""
    return [str(e.value).replace("\\", "") for e in elements]  # type: ignore[attr-defined]


def _app() -> AppTest:
    return _ok(AppTest.from_file(APP, default_timeout=240).run())


def _download(at: AppTest, media: list[MemoryMediaFileStorage], key: str) -> tuple[str, bytes]:
    """The file name and the bytes behind a download button."""
    button = at.download_button(key=key)
    name = button.proto.url.rsplit("/", 1)[-1]
    for store in media:
        try:
            found = store.get_file(name)
        except Exception:
            continue
        return str(found.filename), bytes(found.content)
    raise AssertionError(f"no file behind {key}")


def _saved_and_open(name: str, shortlist: list[str]) -> AppTest:
    """A session that saved the current state as ``name`` on the Scénarios page, then went to the Shortlist page."""
    at = _app()
    at.session_state["hs_shortlist"] = shortlist
    _ok(at.switch_page(SCENARIOS_PAGE).run())
    at.text_input(key="hs_sc_name").input(name).run()
    _ok(at.button(key="btn_sc_save").click().run())
    return _ok(at.switch_page(SHORTLIST_PAGE).run())


def test_the_shortlist_page_sets_statuses_of_the_open_scenario_and_its_exports_carry_name_and_version(
    database: str, media: list[MemoryMediaFileStorage]
) -> None:
    at = _saved_and_open("Nord équipe", ["59", "62", "80"])
    assert any(h.value == "Scénario ouvert : Nord équipe (version 1)" for h in at.header)
    assert at.selectbox(key="hs_sl_status_62").value == "to_explore"
    assert at.selectbox(key="hs_sl_status_62").options == ["à explorer", "retenu", "ouvert", "écarté"]
    at.selectbox(key="hs_sl_status_62").select("selected")
    at.text_input(key="hs_sl_note_62").input("bon vivier, agence Pôle emploi partenaire")
    at.selectbox(key="hs_sl_status_80").select("dropped")
    _ok(at.button(key="btn_sl_save").click().run())
    assert any("Scénario « Nord équipe » enregistré (version 2)" in s.value for s in at.success)
    assert any(h.value == "Scénario ouvert : Nord équipe (version 2)" for h in at.header)
    saved = scenarios.get(people.actor(), "Nord équipe")
    assert saved.version == 2  # both changes in one version
    assert [(x.code, x.status, x.note) for x in saved.state.territories] == [
        ("59", "to_explore", ""), ("62", "selected", "bon vivier, agence Pôle emploi partenaire"),
        ("80", "dropped", ""),
    ]  # fmt: skip

    name, csv = _download(at, media, "btn_download_csv")
    assert "nord-equipe-v2" in name and name.endswith(".csv")
    text = csv.decode("utf-8-sig")
    assert text.splitlines()[0] == "# Scénario : Nord équipe — version 2"  # the metadata block opens with it
    assert "retenu;bon vivier, agence Pôle emploi partenaire" in text and "écarté" in text
    name, xlsx = _download(at, media, "btn_download_xlsx")
    assert "nord-equipe-v2" in name
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Shortlist"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert cells[0] == "Scénario : Nord équipe — version 2" and "Décision (scénario)" in cells

    assert [e["action"] for e in people.audit_trail(people.actor())] == ["status", "status", "save"]  # not yet
    _ok(at.download_button(key="btn_download_xlsx").click().run())
    event = people.audit_trail(people.actor())[0]
    assert (event["action"], event["scenario"], event["scenario_version"]) == ("export", "Nord équipe", 2)
    assert event["actor"] == people.local_owner() and event["detail"]["format"] == "xlsx"
    assert event["detail"]["file"] == name and sorted(event["detail"]["departements"]) == ["59", "62", "80"]


def test_a_stale_status_save_is_refused_with_who_and_when_and_the_edit_survives_the_reload(database: str) -> None:
    at = _saved_and_open("Partagé", ["59", "62"])
    scenarios.set_status(people.actor(), "Partagé", "59", "dropped", note="trop loin")  # someone else, meanwhile
    _ok(at.run())
    assert any("modifié depuis que vous l'avez ouvert" in w.value for w in at.warning)
    at.selectbox(key="hs_sl_status_62").select("opened")
    _ok(at.button(key="btn_sl_save").click().run())
    refused = [text for text in _shown(at.error) if "a été modifié par" in text]
    assert refused and "rechargez" in refused[0]
    assert f"a été modifié par {people.local_owner()} à " in refused[0]
    kept = scenarios.get(people.actor(), "Partagé")
    assert kept.version == 2 and [(x.code, x.status) for x in kept.state.territories] == [
        ("59", "dropped"), ("62", "to_explore")
    ]  # fmt: skip
    assert at.selectbox(key="hs_sl_status_62").value == "opened"  # the user's edit is still on screen

    _ok(at.button(key="btn_sl_reload").click().run())
    assert any(h.value == "Scénario ouvert : Partagé (version 2)" for h in at.header)
    assert at.selectbox(key="hs_sl_status_59").value == "dropped"  # the other person's change, loaded
    assert at.text_input(key="hs_sl_note_59").value == "trop loin"
    assert at.selectbox(key="hs_sl_status_62").value == "opened"  # and the user's, kept
    _ok(at.button(key="btn_sl_save").click().run())
    final = scenarios.get(people.actor(), "Partagé")
    assert final.version == 3
    assert [(x.code, x.status, x.note) for x in final.state.territories] == [
        ("59", "dropped", "trop loin"), ("62", "opened", "")
    ]  # fmt: skip


def test_a_locked_scenario_is_read_only_on_the_shortlist_page(database: str) -> None:
    at = _saved_and_open("Approuvé", ["59"])
    scenarios.lock(people.actor(), "Approuvé", expect_version=1)
    _ok(at.run())
    assert any("lecture seule" in i.value for i in at.info)
    assert at.selectbox(key="hs_sl_status_59").disabled and at.text_input(key="hs_sl_note_59").disabled
    assert at.button(key="btn_sl_save").disabled


def test_without_an_open_scenario_the_shortlist_export_is_audited_without_one(
    database: str, media: list[MemoryMediaFileStorage]
) -> None:
    at = _app()
    at.session_state["hs_shortlist"] = ["23", "87"]
    _ok(at.switch_page(SHORTLIST_PAGE).run())
    assert any("Aucun scénario ouvert" in c.value for c in at.caption)
    name, csv = _download(at, media, "btn_download_csv")
    assert not csv.decode("utf-8-sig").startswith("Scénario")
    _ok(at.download_button(key="btn_download_csv").click().run())
    event = people.audit_trail(people.actor())[0]
    assert (event["action"], event["scenario"], event["detail"]["file"]) == ("export", None, name)


def _team() -> None:
    admin = people.actor("chef@exemple.fr")
    people.add_member(admin, "rec@exemple.fr", "recruiter")
    people.add_member(admin, "man@exemple.fr", "manager")


def _pool_with_sensitive(purpose: str | None) -> AppTest:
    at = _app()
    _ok(at.switch_page(POOL_PAGE).run())
    at.multiselect(key="hs_pool_deps").set_value(["23"]).run()
    at.checkbox(key="hs_pool_sensitive").check().run()
    if purpose is not None:
        at.text_input(key="hs_pool_purpose").input(purpose).run()
    return _ok(at)


def test_a_recruiter_cannot_download_sensitive_columns_from_the_vivier(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _team()
    monkeypatch.setenv("HOMESHORE_USER", "rec@exemple.fr")
    at = _pool_with_sensitive("entretiens de mars")
    assert any("rec@exemple.fr (recruteur) ne peut pas exporter des colonnes sensibles" in e for e in _shown(at.error))
    assert not [b for b in at.download_button if b.key in ("btn_pool_csv", "btn_pool_xlsx")]
    at.checkbox(key="hs_pool_sensitive").uncheck().run()  # without them: allowed, and audited
    _ok(at.download_button(key="btn_pool_csv").click().run())
    event = people.audit_trail(people.actor("chef@exemple.fr"))[0]
    assert (event["action"], event["actor"], event["detail"]["sensitive_columns"]) == (
        "export_applicants", "rec@exemple.fr", False
    )  # fmt: skip


def test_a_manager_downloads_sensitive_columns_only_with_a_purpose_and_it_is_audited(
    database: str, monkeypatch: pytest.MonkeyPatch, media: list[MemoryMediaFileStorage]
) -> None:
    _team()
    monkeypatch.setenv("HOMESHORE_USER", "man@exemple.fr")
    at = _pool_with_sensitive("rdv")
    assert any("exige sa finalité" in e for e in _shown(at.error))
    assert not [b for b in at.download_button if b.key in ("btn_pool_csv", "btn_pool_xlsx")]
    at.text_input(key="hs_pool_purpose").input("entretiens d'embauche de mars").run()
    _ok(at)
    _, xlsx = _download(at, media, "btn_pool_xlsx")
    notes = " ".join(str(c) for row in openpyxl.load_workbook(io.BytesIO(xlsx))["À propos"].iter_rows(values_only=True)
                     for c in row if c)  # fmt: skip
    assert "entretiens d'embauche de mars" in notes and "man@exemple.fr" in notes
    _ok(at.download_button(key="btn_pool_xlsx").click().run())
    event = people.audit_trail(people.actor("chef@exemple.fr"))[0]
    assert (event["action"], event["actor"]) == ("export_applicants", "man@exemple.fr")
    assert event["detail"]["sensitive_columns"] is True
    assert event["detail"]["purpose"] == "entretiens d'embauche de mars"
    assert event["detail"]["file"] == "homeshore-candidats.xlsx" and event["detail"]["departements"] == ["23"]


def test_the_plan_downloads_are_audited_with_the_open_scenario(database: str) -> None:
    at = _saved_and_open("Plan Sud", ["33", "24"])
    at.multiselect(key="hs_hubs").set_value(["S001", "S004", "S010", "S020", "S030"]).run()
    _ok(at.switch_page(PLAN_PAGE).run())
    _ok(at.download_button(key="btn_plan_pdf").click().run())
    event = people.audit_trail(people.actor())[0]
    assert (event["action"], event["scenario"], event["scenario_version"]) == ("export_plan", "Plan Sud", 1)
    assert event["detail"]["format"] == "pdf" and event["detail"]["hires"] == 120


def test_record_export_enforces_the_role_and_the_purpose_in_the_library(database: str) -> None:
    _team()
    recruiter, manager = people.actor("rec@exemple.fr"), people.actor("man@exemple.fr")
    with pytest.raises(people.PermissionDenied, match="colonnes sensibles"):
        people.record_export(recruiter, "export_applicants", {"sensitive_columns": True, "purpose": "entretiens"})
    with pytest.raises(people.db.WorkspaceError, match="exige sa finalité"):
        people.record_export(manager, "export_applicants", {"sensitive_columns": True})
    people.record_export(manager, "export_applicants", {"sensitive_columns": True, "purpose": "entretiens"})
    assert [e["actor"] for e in people.audit_trail(manager)][:1] == ["man@exemple.fr"]


def test_the_scenario_export_of_the_scenarios_page_is_audited_with_its_version(
    database: str, media: list[MemoryMediaFileStorage]
) -> None:
    at = _saved_and_open("Export équipe", ["59", "62"])
    _ok(at.switch_page(SCENARIOS_PAGE).run())
    name, xlsx = _download(at, media, "btn_sc_export")
    assert name.endswith("-v1.xlsx")
    cells = [c for row in openpyxl.load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True) for c in row]
    assert "Scénario : Export équipe — version 1" in cells
    _ok(at.download_button(key="btn_sc_export").click().run())
    event = people.audit_trail(people.actor())[0]
    assert (event["action"], event["scenario"], event["scenario_version"]) == ("export", "Export équipe", 1)
    assert event["detail"] == {"format": "xlsx", "territories": 2}
