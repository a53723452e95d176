"""``regions plan`` as a user runs it (a subprocess), and the PDF and XLSX it writes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

HUBS = "S001,S004,S010,S020,S030"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "regions.cli", "plan", *args], capture_output=True, text=True, check=False,
        env=dict(os.environ), timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def plan_json() -> dict[str, object]:
    result = run("--hires", "120", "--hubs", HUBS, "--team-size", "10-15", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "120 min" in result.stderr  # the travel limit in force is stated
    payload: dict[str, object] = json.loads(result.stdout)
    return payload


def test_plan_json_has_the_issue_shape_and_exact_totals(plan_json: dict[str, object]) -> None:
    assert plan_json["hires"] == 120
    teams = plan_json["teams"]
    assert isinstance(teams, list) and teams
    for team in teams:
        assert {"hub", "speciality", "managers", "departements", "hires"} <= set(team)
        assert team["managers"] == 1 and 10 <= team["hires"] <= 15
        assert sum(team["departements"].values()) == team["hires"]
    by_dep = plan_json["by_departement"]
    assert isinstance(by_dep, dict) and sum(by_dep.values()) == 120
    assert all(isinstance(code, str) for code in by_dep)  # codes as text ("01", "2A")
    assert isinstance(plan_json["binding"], list) and plan_json["binding"]
    greedy = plan_json["greedy_objective"]
    assert greedy is None or plan_json["objective"] >= greedy  # type: ignore[operator]
    reach = plan_json["reach"]
    assert isinstance(reach, dict) and reach["within_min_pct"]["120"] == 100.0  # type: ignore[index]


def test_specialities_get_their_head_counts_in_csv() -> None:
    result = run("--hubs", HUBS, "--specialities", "support:40,facturation:50,vente:30", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = pd.read_csv(io.StringIO(result.stdout), dtype={"departement": str})
    assert rows.groupby("speciality")["hires"].sum().to_dict() == {"facturation": 50, "support": 40, "vente": 30}
    assert rows.groupby("team")["hires"].sum().between(10, 15).all()
    assert (rows["travel_min"] <= 120).all()


def test_a_ceiling_too_low_exits_1_naming_the_ceiling_to_raise() -> None:
    result = run("--hubs", HUBS, "--max-per-mille", "0.1")
    assert result.returncode == 1
    assert "postes de plafond" in result.stderr and "relevez le plafond à" in result.stderr
    assert "Traceback" not in result.stderr


def test_too_little_capacity_exits_1_with_the_shortfall() -> None:
    result = run("--hubs", "S001:10,S004:20", "--hires", "44")
    assert result.returncode == 1
    assert "il manque 14 postes de capacité" in result.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--hires", "0", "--hubs", HUBS], "--hires"),
        (["--hires", "1001", "--hubs", HUBS], "--hires"),
        (["--team-size", "15-10", "--hubs", HUBS], "15-10"),
        (["--specialities", "vente", "--hubs", HUBS], "vente"),
        (["--out", "plan.docx", "--hubs", HUBS], "plan.docx"),
    ],
)
def test_bad_arguments_are_named(args: list[str], named: str) -> None:
    result = run(*args)
    assert result.returncode in (1, 2) and named in result.stderr and "Traceback" not in result.stderr


def test_a_plan_needs_your_sites() -> None:
    result = run("--hires", "20")
    assert result.returncode == 1 and "--hubs" in result.stderr


def test_the_pdf_names_teams_and_sources_and_holds_one_map(tmp_path: Path) -> None:
    target = tmp_path / "plan.pdf"
    result = run("--hubs", HUBS, "--out", str(target), "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    reader = PdfReader(str(target))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Plan de recrutement" in text and "Équipes" in text
    for team in payload["teams"]:
        assert team["hub"] in text
    assert "Sources et millésimes" in text and "INSEE" in text and "DARES" in text
    assert "Précautions" in text and "2 ‰" in text.replace("2,0 ‰", "2 ‰")
    images = {image.name for page in reader.pages for image in page.images}
    assert len(reader.pages[0].images) == 1 and len(images) == 1


def test_the_pdf_in_english(tmp_path: Path) -> None:
    target = tmp_path / "plan.pdf"
    assert run("--hubs", HUBS, "--out", str(target), "--lang", "en").returncode == 0
    text = "\n".join(page.extract_text() for page in PdfReader(str(target)).pages)
    assert "Hiring plan" in text and "Data sources and vintages" in text and "Teams" in text


def test_the_xlsx_has_one_sheet_per_table(tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    result = run("--hubs", HUBS, "--out", str(target), "--format", "json")
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Équipes", "Départements", "Critères et contraintes", "Atteinte", "Sources", "À propos"]
    about = dict(book["À propos"].iter_rows(min_row=2, values_only=True))
    assert about["Langue"] == "français" and about["Préréglage"] == "Équilibré"
    assert "INSEE" in about["Source (Taux de chômage localisé)"]
    deps = pd.read_excel(target, sheet_name="Départements", dtype={"Département": str})
    assert deps["Embauches"].sum() == 120 and deps["Département"].str.len().ge(2).all()
    sources = pd.read_excel(target, sheet_name="Sources")
    assert sources["Producteur"].str.contains("INSEE").any()
