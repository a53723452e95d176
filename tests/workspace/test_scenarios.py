"""Scenarios, run as a recruiter runs them (the CLI in a subprocess) and through the library, on both databases."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest

from regions.workspace import WorkspaceError, capture, people, scenarios
from regions.workspace.scenarios import State, Territory

WEIGHTS = {"unemployment_rate_pct": 0.5, "ftth_share_pct": 0.5}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "regions.cli", *args],
        capture_output=True, text=True, check=False, timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip


def _state(*codes: str, vintages: dict[str, dict[str, str]] | None = None) -> State:
    """A small scenario state built without the figures (fast)."""
    return State(
        preset="personnalisé", weights=dict(WEIGHTS), constraints={"min_ftth_pct": 50.0, "regions": ["32"]},
        territories=tuple(Territory(code) for code in codes), vintages=vintages or {},
        ranks={code: i + 1 for i, code in enumerate(codes)},
    )  # fmt: skip


def test_save_list_status_show_export_from_the_command_line(database: str, tmp_path: Path) -> None:
    saved = run("scenario", "save", "Hauts-de-France", "--regions", "32", "--min-ftth", "50",
                "--departements", "59,62,80", "--note", "premier tour")  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert "version 1" in saved.stdout
    listed = json.loads(run("scenario", "list", "--format", "json").stdout)
    assert [(s["name"], s["version"], s["territories"]) for s in listed] == [("Hauts-de-France", 1, 3)]

    changed = run("scenario", "status", "Hauts-de-France", "62", "retenu", "--note", "bon vivier",
                  "--expect-version", "1")  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    shown = json.loads(run("scenario", "show", "Hauts-de-France", "--format", "json").stdout)
    assert shown["version"] == 2
    assert shown["constraints"]["regions"] == ["32"] and shown["constraints"]["min_ftth_pct"] == 50.0
    assert [(t["code"], t["status"], t["status_fr"], t["note"]) for t in shown["territories"]] == [
        ("59", "to_explore", "à explorer", ""), ("62", "selected", "retenu", "bon vivier"),
        ("80", "to_explore", "à explorer", ""),
    ]  # fmt: skip
    assert shown["vintages"]["ftth_share_pct"]["period"]
    assert shown["changes"] == {"vintages": [], "ranks": []}
    assert all(isinstance(shown["ranks"][code], int) for code in ("59", "62", "80"))

    target = tmp_path / "scenario.xlsx"
    exported = run("scenario", "export", "Hauts-de-France", "--out", str(target))
    assert exported.returncode == 0, exported.stderr
    cells = [c for row in openpyxl.load_workbook(target).active.iter_rows(values_only=True) for c in row if c]
    assert "Scénario : Hauts-de-France — version 2" in cells
    assert "retenu" in cells and "bon vivier" in cells
    csv_target = tmp_path / "scenario.csv"
    assert run("scenario", "export", "Hauts-de-France", "--out", str(csv_target)).returncode == 0
    assert csv_target.read_text(encoding="utf-8-sig").startswith("# Scénario : Hauts-de-France — version 2")

    trail = json.loads(run("audit", "--format", "json").stdout)
    assert [(e["action"], e["scenario_version"]) for e in trail] == [
        ("export", 2),
        ("export", 2),
        ("status", 2),
        ("save", 1),
    ]
    assert trail[2]["detail"] == {"code": "62", "status": "selected", "before": "to_explore", "note": "bon vivier"}

    deleted = run("scenario", "delete", "Hauts-de-France")
    assert deleted.returncode == 0, deleted.stderr
    assert json.loads(run("scenario", "list", "--format", "json").stdout) == []


def _csv(path: Path, sep: str) -> tuple[dict[str, str], list[list[str]]]:
    """The ``#`` metadata block (label -> value) and the table of an exported CSV."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""), delimiter=sep))
    block = [row[0] for row in rows if row and row[0].startswith("#")]
    pairs = [line.removeprefix("# ").replace(" : ", ": ", 1).split(": ", 1) for line in block]
    return dict(pairs), rows[len(block) :]


def test_a_scenario_export_is_readable_in_french_and_in_english(database: str, tmp_path: Path) -> None:
    saved = run("scenario", "save", "Sud-Ouest", "--preset", "disability-inclusion", "--departements", "24,33,40")
    assert saved.returncode == 0, saved.stderr
    assert run("scenario", "status", "Sud-Ouest", "33", "retenu", "--note", "agence à Mérignac").returncode == 0
    for lang, sep in (("fr", ";"), ("en", ",")):
        target = tmp_path / f"sud-ouest-{lang}.csv"
        exported = run("scenario", "export", "Sud-Ouest", "--out", str(target), "--lang", lang)
        assert exported.returncode == 0, exported.stderr
        about, table = _csv(target, sep)
        rows = {row[0]: row for row in table[1:]}
        if lang == "fr":
            assert table[0] == ["Code", "Département", "Statut", "Note", "Rang à l'enregistrement"]
            assert rows["33"][2:4] == ["retenu", "agence à Mérignac"] and rows["24"][2] == "à explorer"
            assert about["Scénario"] == "Sud-Ouest — version 2" and about["Préréglage"] == "Inclusion handicap"
            assert about["Langue"] == "français" and about["Pondérations"].startswith("Allocataires de l'AAH")
            assert any(label.startswith("Source (") and "INSEE" in value for label, value in about.items())
        else:
            assert table[0] == ["Code", "Département", "Status", "Note", "Rank when saved"]
            assert rows["33"][2:4] == ["selected", "agence à Mérignac"] and rows["24"][2] == "to explore"
            assert about["Scenario"] == "Sud-Ouest — version 2" and about["Preset"] == "Disability inclusion"
            assert about["Language"] == "English" and "AAH recipients" in about["Weights"]
            assert any(label.startswith("Source (") and "INSEE" in value for label, value in about.items())
            french = ["Statut", "retenu", "à explorer", "Préréglage", "Pondérations", "Enregistré", "livré"]
            assert [word for word in french if word in "\n".join([*about, *table[0], *(r[2] for r in table[1:])])] == []
        assert all(re.fullmatch(r"\d*", row[4]) for row in table[1:])  # a rank is a whole number (or none)
        book_path = tmp_path / f"sud-ouest-{lang}.xlsx"
        assert run("scenario", "export", "Sud-Ouest", "--out", str(book_path), "--lang", lang).returncode == 0
        book = openpyxl.load_workbook(book_path)
        assert book.sheetnames == (["Scénario", "À propos"] if lang == "fr" else ["Scenario", "About"])
        companion = dict(row[:2] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True))
        assert companion == about  # the same metadata in the XLSX's companion sheet as in the CSV's block


def test_a_stale_status_change_is_refused_in_french_and_nothing_is_lost(database: str) -> None:
    owner = people.actor()
    scenarios.save(owner, "Essai", _state("59", "62"))
    scenarios.set_status(owner, "Essai", "59", "selected", expect_version=1)
    refused = run("scenario", "status", "Essai", "62", "dropped", "--expect-version", "1")
    assert refused.returncode == 1
    line = refused.stderr.strip()
    assert line.startswith(f"regions: error: le scénario « Essai » a été modifié par {owner.email} à ")
    assert line.endswith("— rechargez-le, puis refaites votre modification")
    kept = scenarios.get(owner, "Essai")
    assert kept.version == 2
    assert [(t.code, t.status) for t in kept.state.territories] == [("59", "selected"), ("62", "to_explore")]


def test_saving_over_an_existing_name_needs_its_version(database: str) -> None:
    owner = people.actor()
    scenarios.save(owner, "Essai", _state("59"))
    with pytest.raises(WorkspaceError, match=r"existe déjà .*--expect-version 1"):
        scenarios.save(owner, "Essai", _state("62"))
    replaced = scenarios.save(owner, "Essai", _state("62"), expect_version=1)
    assert replaced.version == 2 and [t.code for t in replaced.state.territories] == ["62"]
    with pytest.raises(scenarios.StaleWriteError):
        scenarios.save(owner, "Essai", _state("80"), expect_version=1)


_RACER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from regions.workspace import people, scenarios
    go, code, expect, rounds = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    by = people.actor()
    while not go.exists():
        time.sleep(0.005)
    for i in range(rounds):
        try:
            scenarios.set_status(by, "Course", code, "opened" if i % 2 else "selected", note=f"{code}-{i}",
                                 expect_version=int(expect) if expect != "-" else None)
            print("ok", flush=True)
        except scenarios.StaleWriteError as error:
            print("stale", error, flush=True)
    """
)


def _race(tmp_path: Path, *racers: tuple[str, str, int]) -> list[list[str]]:
    """Start one process per (code, expected version or "-", rounds), release them together, their outputs."""
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", _RACER, str(go), code, expect, str(rounds)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for code, expect, rounds in racers
    ]  # fmt: skip
    time.sleep(2.0)  # both started and connected
    go.touch()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(out.splitlines())
    return outputs


def test_two_processes_racing_on_one_version_one_wins_the_other_is_refused(database: str, tmp_path: Path) -> None:
    owner = people.actor()
    scenarios.save(owner, "Course", _state("59", "62"))
    first, second = _race(tmp_path, ("59", "1", 1), ("62", "1", 1))
    results = sorted([first[0].split()[0], second[0].split()[0]])
    assert results == ["ok", "stale"]
    refused = next(line for line in first + second if line.startswith("stale"))
    assert "modifié par" in refused and "rechargez" in refused
    final = scenarios.get(owner, "Course")
    assert final.version == 2
    changed = [t for t in final.state.territories if t.status != "to_explore"]
    assert len(changed) == 1  # the winner's change, whole; the loser's nowhere
    assert [e["action"] for e in people.audit_trail(owner)] == ["status", "save"]


def test_two_processes_writing_without_a_version_queue_and_lose_nothing(database: str, tmp_path: Path) -> None:
    owner = people.actor()
    scenarios.save(owner, "Course", _state("59", "62"))
    outputs = _race(tmp_path, ("59", "-", 8), ("62", "-", 8))
    assert all(line == "ok" for out in outputs for line in out)
    final = scenarios.get(owner, "Course")
    assert final.version == 1 + 16
    assert {t.code: t.note for t in final.state.territories} == {"59": "59-7", "62": "62-7"}
    assert sum(e["action"] == "status" for e in people.audit_trail(owner)) == 16


_KILLED = textwrap.dedent(
    """
    import time
    from regions.workspace import people, scenarios
    from regions.workspace.scenarios import State, Territory
    by = people.actor()

    def stall(*args, **kwargs):
        print("inside", flush=True)
        time.sleep(60)

    scenarios._record = stall  # the process dies after the scenario and its territories are written, before commit
    scenarios.save(by, "Interrompu", State("personnalisé", {"ftth_share_pct": 1.0}, territories=(Territory("59"),)))
    """
)


def test_a_process_killed_mid_save_leaves_nothing_half_written(database: str) -> None:
    owner = people.actor()
    proc = subprocess.Popen([sys.executable, "-c", _KILLED], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert scenarios.list_scenarios(owner) == []
    saved = scenarios.save(owner, "Interrompu", _state("62"))  # the database is usable, the name free
    assert saved.version == 1 and [t.code for t in saved.state.territories] == ["62"]


def test_reopening_after_the_figures_changed_says_which_and_old_to_new_rank(database: str) -> None:
    import pandas as pd

    from regions import indicators, scoring

    owner = people.actor()
    table = indicators.territory_table()
    result = scoring.score(table, WEIGHTS, scoring.Filters(), draws=10)
    state = capture.state(table, result, preset="personnalisé", weights=WEIGHTS, filters=scoring.Filters(),
                          territories=["59", ("62", "selected", "")])  # fmt: skip
    today = state.vintages["ftth_share_pct"]
    vintages = {**state.vintages, "ftth_share_pct": {**today, "period": "2019-12-31"}}
    old = dataclasses.replace(state, vintages=vintages, ranks={**state.ranks, "59": 1, "62": 2})
    scenarios.save(owner, "Ancien", old)
    shown = run("scenario", "show", "Ancien")
    assert shown.returncode == 0, shown.stderr
    assert "Les chiffres ont changé depuis l'enregistrement :" in shown.stdout
    assert f"ftth_share_pct : 2019-12-31 ({today['status']}) → {today['period']} ({today['status']})" in shown.stdout
    rank_59 = int(result.loc[result["code"] == "59", "rank"].iloc[0])
    assert f"59 Nord : rang 1 → {rank_59}" in shown.stdout
    assert not pd.isna(rank_59)


def test_a_plan_takes_the_territories_of_a_scenario_but_those_dropped(database: str) -> None:
    codes = ["33", "24", "47", "40", "17", "16"]
    assert run("scenario", "save", "Sud-Ouest", "--departements", ",".join(codes)).returncode == 0
    assert run("scenario", "status", "Sud-Ouest", "40", "écarté").returncode == 0
    planned = run("plan", "--scenario", "Sud-Ouest", "--hires", "60", "--hubs", "S001", "--format", "json")
    assert planned.returncode == 0, planned.stderr
    assert "scénario « Sud-Ouest » (version 2) : 5 départements" in planned.stderr
    payload = json.loads(planned.stdout)
    assert sum(payload["by_departement"].values()) == 60
    assert set(payload["by_departement"]) <= set(codes) - {"40"}  # the dropped one is not planned
    both = run("plan", "--scenario", "Sud-Ouest", "--departements", "23", "--hubs", "S001")
    assert both.returncode == 1 and "s'excluent" in both.stderr
    unknown = run("plan", "--scenario", "Nulle part", "--hubs", "S001")
    assert unknown.returncode == 1 and "Nulle part" in unknown.stderr and "Traceback" not in unknown.stderr


_KILLED_STATUSES = textwrap.dedent(
    """
    import time
    from regions.workspace import people, scenarios
    by = people.actor()
    real, calls = scenarios._record, []

    def stall(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:  # the version is bumped and the first territory written: die before the second's
            print("inside", flush=True)
            time.sleep(60)
        real(*args, **kwargs)

    scenarios._record = stall
    scenarios.set_statuses(by, "Suivi", {"59": ("selected", "oui"), "62": ("dropped", None)}, expect_version=1)
    """
)


def test_a_process_killed_while_setting_several_statuses_leaves_the_version_read(database: str) -> None:
    owner = people.actor()
    scenarios.save(owner, "Suivi", _state("59", "62"))
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_STATUSES], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    kept = scenarios.get(owner, "Suivi")
    assert kept.version == 1
    assert [(t.code, t.status, t.note) for t in kept.state.territories] == [("59", "to_explore", ""),
                                                                           ("62", "to_explore", "")]  # fmt: skip
    assert [e["action"] for e in people.audit_trail(owner)] == ["save"]
    done = scenarios.set_statuses(owner, "Suivi", {"59": ("retenu", "oui"), "62": ("écarté", None)}, expect_version=1)
    assert done.version == 2 and [t.status for t in done.state.territories] == ["selected", "dropped"]
