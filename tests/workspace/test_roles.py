"""People and roles, enforced in the library (every function takes the acting user), and the audit trail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from regions.workspace import PermissionDenied, WorkspaceError, people, scenarios
from regions.workspace.scenarios import State, Territory

APPLICANTS = "id;CP;ville;compétences;rqth\nA1;87000;Limoges;technique;oui\nA2;87100;Limoges;technique;non\n"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "regions.cli", *args],
        capture_output=True, text=True, check=False, timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip


def _team() -> tuple[people.Actor, people.Actor, people.Actor]:
    """The first user (admin), a recruiter and a manager added by the admin."""
    admin = people.actor("chef@exemple.fr")
    people.add_member(admin, "rec@exemple.fr", "recruiter")
    people.add_member(admin, "man@exemple.fr", "manager")
    return admin, people.actor("rec@exemple.fr"), people.actor("man@exemple.fr")


def _state() -> State:
    return State("Équilibré", {"ftth_share_pct": 1.0}, territories=(Territory("59"), Territory("62")))


def test_the_first_user_is_admin_and_strangers_are_refused(database: str) -> None:
    admin = people.actor("Chef@Exemple.fr")
    assert (admin.email, admin.role) == ("chef@exemple.fr", "admin")
    with pytest.raises(PermissionDenied, match=r"inconnu@exemple.fr n'est pas membre .*members add inconnu@exemple.fr"):
        people.actor("inconnu@exemple.fr")


def test_a_recruiter_edits_but_cannot_lock_manage_members_or_export_sensitive_columns(database: str) -> None:
    _, recruiter, _ = _team()
    scenarios.save(recruiter, "Nord", _state())
    scenarios.set_status(recruiter, "Nord", "59", "retenu")
    with pytest.raises(PermissionDenied, match=r"rec@exemple.fr \(recruteur\) ne peut pas verrouiller"):
        scenarios.lock(recruiter, "Nord")
    with pytest.raises(PermissionDenied, match="gérer les membres"):
        people.add_member(recruiter, "ami@exemple.fr", "admin")
    with pytest.raises(PermissionDenied, match="colonnes sensibles"):
        people.authorise_sensitive_export(recruiter, "entretiens de mars")
    assert scenarios.get(recruiter, "Nord").locked_by is None


def test_a_locked_scenario_is_read_only_for_everyone(database: str) -> None:
    admin, recruiter, manager = _team()
    scenarios.save(recruiter, "Nord", _state())
    locked = scenarios.lock(manager, "Nord", expect_version=1)
    assert (locked.locked_by, locked.version) == ("man@exemple.fr", 2)
    for who in (recruiter, manager, admin):
        with pytest.raises(WorkspaceError, match=r"verrouillé comme approuvé par man@exemple.fr .*lecture seule"):
            scenarios.set_status(who, "Nord", "62", "dropped")
        with pytest.raises(WorkspaceError, match="lecture seule"):
            scenarios.delete(who, "Nord")
    copy = scenarios.duplicate(recruiter, "Nord", "Nord (copie)")
    assert (copy.version, copy.author, copy.locked) == (1, "rec@exemple.fr", False)
    trail = people.audit_trail(admin)
    assert ("lock", "Nord", 2, "man@exemple.fr") in [(e["action"], e["scenario"], e["scenario_version"], e["actor"])
                                                     for e in trail]  # fmt: skip


def test_a_manager_exports_sensitive_columns_only_with_a_purpose_and_it_is_audited(
    database: str, tmp_path: Path
) -> None:
    _team()
    source, target = tmp_path / "candidats.csv", tmp_path / "sensibles.xlsx"
    source.write_text(APPLICANTS, encoding="utf-8")
    ask = ("candidates", "shortlist", str(source), "--departements", "87", "--out", str(target), "--include-sensitive")
    as_recruiter = run(*ask, "--purpose", "entretiens de mars", env={"HOMESHORE_USER": "rec@exemple.fr"})
    assert as_recruiter.returncode == 1 and "ne peut pas exporter des colonnes sensibles" in as_recruiter.stderr
    no_purpose = run(*ask, env={"HOMESHORE_USER": "man@exemple.fr"})
    assert no_purpose.returncode == 1 and "exige sa finalité" in no_purpose.stderr
    assert not target.exists()
    done = run(*ask, "--purpose", "entretiens de mars", env={"HOMESHORE_USER": "man@exemple.fr"})
    assert done.returncode == 0, done.stderr
    header = [c.value for c in next(openpyxl.load_workbook(target)["Candidats"].iter_rows(max_row=1))]
    assert "rqth" in header
    plain = run("candidates", "shortlist", str(source), "--departements", "87", "--out", str(tmp_path / "p.csv"),
                env={"HOMESHORE_USER": "rec@exemple.fr"})  # fmt: skip
    assert plain.returncode == 0, plain.stderr
    trail = json.loads(run("audit", "--format", "json", env={"HOMESHORE_USER": "chef@exemple.fr"}).stdout)
    exports = [(e["actor"], e["detail"]["sensitive_columns"], e["detail"].get("purpose")) for e in trail
               if e["action"] == "export_applicants"]  # fmt: skip
    assert exports == [("rec@exemple.fr", False, None), ("man@exemple.fr", True, "entretiens de mars")]


def test_members_are_added_from_the_command_line_by_an_admin_only(database: str) -> None:
    first = run("workspace", "members", "add", "rec@exemple.fr", "recruiter", env={"HOMESHORE_USER": "chef@exemple.fr"})
    assert first.returncode == 0, first.stderr
    refused = run("workspace", "members", "add", "x@exemple.fr", "admin", env={"HOMESHORE_USER": "rec@exemple.fr"})
    assert refused.returncode == 1 and "ne peut pas gérer les membres" in refused.stderr
    listed = json.loads(
        run("workspace", "members", "--format", "json", env={"HOMESHORE_USER": "rec@exemple.fr"}).stdout
    )
    assert {(m["email"], m["role"]) for m in listed} >= {("chef@exemple.fr", "admin"), ("rec@exemple.fr", "recruiter")}


def test_territory_exports_and_imports_are_in_the_audit_trail(database: str, tmp_path: Path) -> None:
    exported = run("export", "--top", "3", "--out", str(tmp_path / "top.csv"))
    assert exported.returncode == 0, exported.stderr
    figures = tmp_path / "rsa.csv"
    figures.write_text("code;valeur\n59;7.5\n62;6.1\n", encoding="utf-8")
    imported = run("data", "import", str(figures), "--id", "taux_test", "--label", "Taux test", "--unit", "%",
                   "--orientation", "higher", "--period", "2024", "--source", "essai",
                   env={"HOMESHORE_USER_DATA_DIR": str(tmp_path / "user")})  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    trail = json.loads(run("audit", "--format", "json").stdout)
    assert [e["action"] for e in trail] == ["import", "export"]
    assert trail[0]["detail"]["indicator"] == "taux_test" and trail[1]["detail"]["file"] == "top.csv"


def test_plan_files_and_unmatched_applicant_rows_written_by_the_cli_are_in_the_audit_trail(
    database: str, tmp_path: Path
) -> None:
    planned = run("plan", "--hires", "30", "--hubs", "S001", "--departements", "33,24,47", "--out",
                  str(tmp_path / "plan.xlsx"))  # fmt: skip
    assert planned.returncode == 0, planned.stderr
    source = tmp_path / "candidats.csv"
    source.write_text(APPLICANTS + "A3;98000;Monaco;vente;non\n", encoding="utf-8")
    imported = run("candidates", "import", str(source), "--unmatched", str(tmp_path / "non-rattaches.csv"))
    assert imported.returncode == 0, imported.stderr
    trail = json.loads(run("audit", "--format", "json").stdout)
    assert [(e["action"], e["detail"]["file"]) for e in trail] == [
        ("export_applicants", "non-rattaches.csv"), ("export_plan", "plan.xlsx")
    ]  # fmt: skip
    assert trail[0]["detail"]["applicants"] == 1 and trail[1]["detail"]["hires"] == 30
