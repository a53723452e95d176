"""The ``regions`` command line, run as a user runs it: a subprocess, its output parsed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "regions.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("regions")
    assert script.exists(), "pip install -e . should install the `regions` command"


def test_indicators_csv_keeps_codes_as_text_and_missing_as_empty() -> None:
    result = run("indicators", "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype={"code": str, "reg_code": str})
    assert len(table) == 101
    assert {"01", "2A", "2B", "971", "976"} <= set(table["code"])
    assert {"unemployment_rate_pct", "jobseekers_cat_a", "ftth_share_pct", "jobseekers_per_1000"} <= set(table)
    by_code = table.set_index("code")
    assert by_code.loc["01", "unemployment_rate_pct"] == 5.7
    assert by_code.loc["01", "jobseekers_cat_a"] == 26470
    assert pd.isna(by_code.loc["976", "unemployment_rate_pct"])
    assert "\n01,Ain,84,5.7," in result.stdout  # written as text, not 1 nor 1.0


def test_indicators_json_for_regions() -> None:
    result = run("indicators", "--level", "region", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == 18
    mayotte = next(r for r in records if r["code"] == "06")
    assert mayotte["unemployment_rate_pct"] is None
    assert mayotte["ftth_share_pct"] == 15.9


def test_indicators_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "territoires.csv"
    result = run("indicators", "--format", "csv", "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("code,name,reg_code,")


def test_sources_name_producer_period_licence_url_and_coverage() -> None:
    result = run("sources", "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str).set_index("id")
    assert table.loc["unemployment_rate_pct", "producer"] == "INSEE"
    assert table.loc["unemployment_rate_pct", "coverage"] == "100/101"
    assert table.loc["aah_recipients", "coverage"] == "27/101"
    assert table.loc["ftth_share_pct", "url"].startswith("https://")
    official = table[table["producer"] != "calcul Homeshore"]
    assert official[["producer", "period", "licence", "url"]].notna().all().all()


def test_info_prints_real_counts_and_vintages() -> None:
    result = run("info")
    assert result.returncode == 0, result.stderr
    for expected in ("34875", "101", "18", "77", "2025-Q3", "2026-06-30", "Cache :"):
        assert expected in result.stdout


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["indicators", "--level", "canton"], "invalid choice: 'canton'"),
        (["indicators", "--format", "xml"], "invalid choice: 'xml'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required"),
    ],
)
def test_bad_arguments_exit_2_with_a_one_line_reason(args: list[str], reason: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cache_rebuild_in_a_fresh_folder_says_what_it_does(tmp_path: Path) -> None:
    env = {"HOMESHORE_CACHE_DIR": str(tmp_path)}
    before = json.loads(run("cache", env=env).stdout)
    assert before["layers"] == [] and before["state"].startswith("incomplete")
    assert before["folder"].startswith(str(tmp_path))
    result = run("cache", "--rebuild", env=env)
    assert result.returncode == 0, result.stderr
    assert "construction du cache géographique" in result.stderr
    after = json.loads(result.stdout)
    assert after["state"] == "complete"
    assert {"communes", "departements", "regions"} <= set(after["layers"])
    assert "datafrance-" in after["key"] and "pipeline-" in after["key"]
