"""The team workspace in the real app (``streamlit run app.py``, headless Chromium): a scenario saved in the browser
is listed by ``regions scenario list`` in a new process, reopens identically in a new browser session (weights,
constraints, shortlist statuses and notes) and its export carries its name and version; two app processes on one
database see each other's saves.

Each server gets its own temporary user data folder and database (``HOMESHORE_USER_DATA_DIR``,
``HOMESHORE_DATABASE_URL``): never the user's. The two-process test uses PostgreSQL when
``HOMESHORE_TEST_POSTGRES_URL`` is set (``.ci/run``), else one SQLite file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import REPO, WAIT_MS, streamlit_server
from test_a11y_browser import SERIOUS, audit, documented_rules, settle

from regions import codes
from regions.workspace import people, scenarios

POSTGRES_ENV = "HOMESHORE_TEST_POSTGRES_URL"


def _workspace_env(tmp_path: Path, url: str | None = None) -> dict[str, str]:
    """A user data folder and a database of the test's own."""
    return {
        "HOMESHORE_USER_DATA_DIR": str(tmp_path / "user"),
        "HOMESHORE_DATABASE_URL": url or f"sqlite:///{tmp_path / 'workspace.sqlite3'}",
        "HOMESHORE_USER": "recruteuse@exemple.fr",
    }


def _cli(env: dict[str, str], *args: str) -> Any:
    done = subprocess.run([sys.executable, "-m", "regions.cli", *args], capture_output=True, text=True, check=True,
                          timeout=300, env={**os.environ, **env})  # fmt: skip
    return json.loads(done.stdout)


def _go(page: Any, title: str) -> None:
    """Open a page of the app from the navigation (the session is kept, as when a user clicks)."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
    settle(page)


def _sidebar(page: Any) -> dict[str, str]:
    """What the sidebar holds: the preset, every slider (weights, minimum fibre) and the travel limit."""
    values: dict[str, str] = page.eval_on_selector_all(
        '[data-testid="stSidebar"] input[aria-label]',
        "inputs => Object.fromEntries(inputs.filter((i) => i.type !== 'radio' && i.type !== 'checkbox')"
        ".map((i) => [i.getAttribute('aria-label'), i.value]))",
    )
    return values


def _statuses(page: Any) -> list[tuple[str, str, str]]:
    """The Shortlist page's form: (territory, status, note) per row."""
    rows: list[tuple[str, str, str]] = page.eval_on_selector_all(
        '[data-testid="stForm"] input[aria-label^="Statut de "]',
        "inputs => inputs.map((i) => {"
        " const name = i.getAttribute('aria-label').replace('Statut de ', '');"
        ' const note = document.querySelector(`input[aria-label="Note sur ${name}"]`);'
        " return [name, i.value, note ? note.value : null]; })",
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _choose(page: Any, label: str, option: str) -> None:
    page.locator(f'input[aria-label="{label}"]').first.click()
    page.get_by_role("option", name=option, exact=True).first.click()


def test_a_scenario_saved_in_the_browser_is_listed_by_the_cli_and_reopens_identically_in_a_new_session(
    offline_page: Callable[..., Any], tmp_path: Path, artifacts: Path
) -> None:
    env = _workspace_env(tmp_path)
    with streamlit_server(REPO / "app.py", tmp_path / "server.log", env) as url:
        first = offline_page(width=1400, height=1100)
        p = first.page
        p.goto(url)
        settle(p)
        # the recruiter's work: a preset, one weight moved off it, a constraint, the top 10 in the shortlist
        _choose(p, "Préréglage", "Connectivité d'abord")
        settle(p)
        slider = p.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input').first
        slider.focus()
        p.keyboard.press("ArrowRight")
        settle(p)
        ftth = p.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(has_text="Part minimale")
        ftth.locator("input").first.focus()
        for _ in range(3):
            p.keyboard.press("ArrowRight")
        settle(p)
        p.get_by_role("button", name="Ajouter les 10 premiers").first.click()
        settle(p)
        before = _sidebar(p)
        assert (
            before["Préréglage"] == "Personnalisé (modifié depuis « Connectivité d'abord »)"  # a weight moved
            and before["Part minimale de locaux éligibles à la fibre (%)"] == "15"
        )

        _go(p, "Scénarios")
        p.locator('input[aria-label="Nom du scénario"]').fill("Équipe Nord — mars")
        p.keyboard.press("Enter")
        settle(p)
        p.get_by_role("button", name="Enregistrer le scénario").click()
        p.get_by_text("Scénario « Équipe Nord — mars » enregistré (version 1)").wait_for(timeout=WAIT_MS)
        settle(p)

        # statuses and notes on the Shortlist page, saved as version 2
        _go(p, "Shortlist")
        p.get_by_text("Scénario ouvert : Équipe Nord — mars (version 1)").wait_for(timeout=WAIT_MS)
        database = env["HOMESHORE_DATABASE_URL"]
        saved = scenarios.get(people.actor(env["HOMESHORE_USER"], url=database), "Équipe Nord — mars", url=database)
        assert len(saved.state.territories) == 10
        one, two = (f"{codes.departement_name(t.code)} ({t.code})" for t in saved.state.territories[:2])
        _choose(p, f"Statut de {one}", "retenu")
        _choose(p, f"Statut de {two}", "écarté")
        p.locator(f'input[aria-label="Note sur {one}"]').fill("agence partenaire, vivier large")
        p.get_by_role("button", name="Enregistrer les statuts et les notes").click()
        p.get_by_text("Scénario ouvert : Équipe Nord — mars (version 2)").wait_for(timeout=WAIT_MS)
        settle(p)
        statuses = _statuses(p)
        assert statuses[0] == (one, "retenu", "agence partenaire, vivier large")
        assert statuses[1] == (two, "écarté", "")
        assert {status for _, status, _ in statuses[2:]} == {"à explorer"}
        p.screenshot(path=str(artifacts / "workspace-shortlist.png"), full_page=True)
        violations = audit(p)  # the status form as the accessibility audit sees it
        assert [(v["id"], v["impact"]) for v in violations if v["impact"] in SERIOUS] == []
        assert {v["id"] for v in violations} <= documented_rules()
        assert first.errors == []

        listed = _cli(env, "scenario", "list", "--format", "json")  # a new process
        assert [(s["name"], s["version"], s["territories"]) for s in listed] == [("Équipe Nord — mars", 2, 10)]

        # a new browser session: the defaults, until the scenario is opened
        second = offline_page(width=1400, height=1100)
        q = second.page
        q.goto(f"{url}/scenarios")
        settle(q)
        assert _sidebar(q) != before
        q.locator(".st-key-btn_sc_open button").click()  # the page's button (each list's own says « Ouvrir » too)
        q.get_by_text("Scénario « Équipe Nord — mars » ouvert").wait_for(timeout=WAIT_MS)
        settle(q)
        assert _sidebar(q) == before  # preset, every weight, the minimum fibre share, the travel limit
        _go(q, "Shortlist")
        q.get_by_text("Scénario ouvert : Équipe Nord — mars (version 2)").wait_for(timeout=WAIT_MS)
        assert _statuses(q) == statuses

        # its export carries the scenario's name and version
        with q.expect_download(timeout=WAIT_MS) as download:
            q.get_by_role("button", name="Télécharger le CSV").click()
        assert "equipe-nord-mars-v2" in download.value.suggested_filename
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert text.splitlines()[0] == "# Scénario : Équipe Nord — mars — version 2"  # the CSV's metadata block
        assert "retenu;agence partenaire, vivier large" in text
        settle(q)
        trail = _cli(env, "audit", "--format", "json")
        assert (trail[0]["action"], trail[0]["scenario"], trail[0]["scenario_version"]) == (
            "export", "Équipe Nord — mars", 2
        )  # fmt: skip
        assert trail[0]["detail"]["file"] == download.value.suggested_filename
        assert second.errors == []


def _shared_database(tmp_path: Path) -> str:
    """PostgreSQL (emptied) when the tests have one, else one SQLite file."""
    url = os.environ.get(POSTGRES_ENV, "")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL absent : {POSTGRES_ENV} non défini")
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def test_two_app_processes_on_one_database_see_each_others_saves(
    offline_page: Callable[..., Any], tmp_path: Path
) -> None:
    url = _shared_database(tmp_path)
    env_one, env_two = _workspace_env(tmp_path / "one", url), _workspace_env(tmp_path / "two", url)
    with (
        streamlit_server(REPO / "app.py", tmp_path / "one.log", env_one) as one,
        streamlit_server(REPO / "app.py", tmp_path / "two.log", env_two) as two,
    ):
        assert one != two
        reader = offline_page(width=1400, height=1000).page
        reader.goto(f"{two}/scenarios")
        settle(reader)
        reader.get_by_text("Aucun scénario enregistré pour l'instant.").wait_for(timeout=WAIT_MS)

        writer = offline_page(width=1400, height=1000).page
        writer.goto(f"{one}/scenarios")
        settle(writer)
        writer.locator('input[aria-label="Nom du scénario"]').fill("Vu depuis l'autre serveur")
        writer.keyboard.press("Enter")
        settle(writer)
        writer.get_by_role("button", name="Enregistrer le scénario").click()
        writer.get_by_text("Scénario « Vu depuis l'autre serveur » enregistré (version 1)").wait_for(timeout=WAIT_MS)

        reader.reload()  # the other process, its next run: no cache between it and the database
        settle(reader)
        picked = reader.locator('input[aria-label="Scénario"]').first
        picked.wait_for(timeout=WAIT_MS)
        assert picked.input_value() == "Vu depuis l'autre serveur"
        reader.locator(".st-key-btn_sc_open button").click()
        reader.get_by_text("Scénario ouvert : Vu depuis l'autre serveur (version 1)").wait_for(timeout=WAIT_MS)
