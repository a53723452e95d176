"""The *Scénarios* page, driven through ``AppTest``: save in one session, list from the CLI, reopen in another."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from regions.workspace import people, scenarios

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "homeshore/pages/scenarios.py"


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240).run()
    assert not at.exception, at.exception
    return at


def _page(at: AppTest) -> AppTest:
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _save(at: AppTest, name: str) -> None:
    at.text_input(key="hs_sc_name").input(name).run()
    at.button(key="btn_sc_save").click().run()
    assert not at.exception, at.exception


def test_a_scenario_saved_in_the_app_is_listed_by_the_cli_and_reopens_identically(database: str) -> None:
    at = _app()
    at.slider(key="hs_w_ftth_share_pct").set_value(60).run()
    at.session_state["hs_shortlist"] = ["59", "62", "80"]
    at.session_state["hs_min_ftth"] = 40
    _page(at)
    _save(at, "Nord équipe")
    assert any("Scénario « Nord équipe » enregistré (version 1)" in s.value for s in at.success)

    listed = subprocess.run([sys.executable, "-m", "regions.cli", "scenario", "list", "--format", "json"],
                            capture_output=True, text=True, check=True, env=dict(os.environ))  # fmt: skip
    assert [(s["name"], s["version"], s["territories"]) for s in json.loads(listed.stdout)] == [("Nord équipe", 1, 3)]
    saved = scenarios.get(people.actor(), "Nord équipe")
    assert saved.state.weights["ftth_share_pct"] == 60 and saved.state.constraints["min_ftth_pct"] == 40

    fresh = _page(_app())  # a new browser session: defaults until the scenario is opened
    assert fresh.slider(key="hs_w_ftth_share_pct").value != 60
    fresh.selectbox(key="hs_sc_pick").select("Nord équipe").run()
    fresh.button(key="btn_sc_open").click().run()
    assert not fresh.exception, fresh.exception
    assert fresh.slider(key="hs_w_ftth_share_pct").value == 60
    assert fresh.session_state["hs_shortlist"] == ["59", "62", "80"]
    assert fresh.session_state["hs_min_ftth"] == 40
    assert fresh.session_state["hs_scenario_open"] == ("Nord équipe", 1)
    assert any("Scénario ouvert : Nord équipe (version 1)" in h.value for h in fresh.header)


def test_a_stale_save_from_the_app_is_refused_with_who_and_when(database: str) -> None:
    at = _app()
    at.session_state["hs_shortlist"] = ["59"]
    _page(at)
    _save(at, "Partagé")
    scenarios.set_status(people.actor(), "Partagé", "59", "dropped")  # someone else, meanwhile
    at.button(key="btn_sc_statuses").click().run()
    assert any("a été modifié par" in e.value and "rechargez" in e.value for e in at.error)
    assert scenarios.get(people.actor(), "Partagé").state.territories[0].status == "dropped"  # not overwritten


def test_compare_duplicate_lock_and_audit_on_the_page(database: str) -> None:
    at = _app()
    at.session_state["hs_shortlist"] = ["59", "62"]
    _page(at)
    _save(at, "A")
    at.selectbox(key="hs_sc_pick").select("A").run()
    at.text_input(key="hs_sc_copy_name").input("B").run()
    at.button(key="btn_sc_duplicate").click().run()
    assert not at.exception, at.exception
    scenarios.set_status(people.actor(), "B", "62", "selected")
    at.run()
    side = next(d.value for d in at.dataframe if "Statut — B" in d.value.columns)
    assert side.set_index("code").loc["62", "Statut — B"] == "retenu"
    assert side.set_index("code").loc["62", "Statut — A"] == "à explorer"
    at.button(key="btn_sc_lock").click().run()  # the local owner is admin: may lock
    assert scenarios.get(people.actor(), "A").locked
    assert any("lecture seule" in i.value for i in at.info)
    audit = next(d.value for d in at.dataframe if "Action" in d.value.columns)
    assert list(audit["Action"])[:2] == ["lock", "status"]


def test_a_scenario_saved_with_a_former_preset_name_reopens_on_its_preset(database: str) -> None:
    """Scenarios saved before preset ids hold the French label (``Inclusion handicap``) or *personnalisé* with the
    preset the sliders moved from: they open on that preset, untouched or said custom."""
    from regions import scoring

    owner = people.actor()
    weights = {c: 100 * w for c, w in scoring.PRESETS["disability-inclusion"].weights.items()}
    scenarios.save(owner, "Ancien nom", scenarios.State("Inclusion handicap", weights, territories=()))
    moved = {**weights, "ftth_share_pct": 60.0}
    custom = scenarios.State("personnalisé", moved, constraints={"preset_base": "Connectivité d'abord"}, territories=())
    scenarios.save(owner, "Ancien personnalisé", custom)

    at = _page(_app())
    at.selectbox(key="hs_sc_pick").select("Ancien nom").run()
    at.button(key="btn_sc_open").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="hs_preset").value == "disability-inclusion"
    assert at.slider(key="hs_w_aah_per_1000_15_64_2019").value == 35

    at.selectbox(key="hs_sc_pick").select("Ancien personnalisé").run()
    at.button(key="btn_sc_open").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="hs_preset").value == "custom"
    assert at.selectbox(key="hs_preset").options[-1] == "Personnalisé (modifié depuis « Connectivité d'abord »)"
    assert at.slider(key="hs_w_ftth_share_pct").value == 60
