"""The ``regions`` command line, run as a user runs it: a subprocess, its output parsed."""

from __future__ import annotations

import io
import json
import os
import re
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


def test_score_ranks_departements_with_intervals_and_contributions() -> None:
    result = run("score", "--weights", "unemployment_rate_pct=0.4,ftth_share_pct=0.6", "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype={"code": str})
    contributions = ["contrib_unemployment_rate_pct", "contrib_ftth_share_pct"]
    assert list(table.columns) == ["code", "name", "score", "rank", "rank_p05", "rank_p95", *contributions]
    assert table["rank"].tolist() == sorted(table["rank"].tolist()) and table["rank"].iloc[0] == 1
    assert ((table["rank_p05"] <= table["rank"]) & (table["rank"] <= table["rank_p95"])).all()
    total = table["contrib_unemployment_rate_pct"] + table["contrib_ftth_share_pct"]
    assert (total - table["score"]).abs().max() < 0.01
    assert "976" in set(table["code"])  # Mayotte lacks unemployment: scored on fibre alone, not dropped


def test_score_filters_omit_or_list_with_reason() -> None:
    kept = run("score", "--max-travel-min", "90", "--regions", "75,76", "--format", "json")
    assert kept.returncode == 0, kept.stderr
    records = json.loads(kept.stdout)
    assert 0 < len(records) < 25
    everything = run("score", "--max-travel-min", "90", "--regions", "75,76", "--all", "--format", "json")
    rows = {r["code"]: r for r in json.loads(everything.stdout)}
    assert len(rows) == 101
    assert rows["75"]["excluded_reason"] == "région non retenue" and rows["75"]["rank"] is None
    assert rows["2A"]["excluded_reason"].startswith("aucun site accessible par la route")


def test_score_presets_accept_plain_spelling() -> None:
    accented = run("score", "--preset", "Inclusion handicap", "--format", "csv")
    plain = run("score", "--preset", "inclusion-handicap", "--format", "csv")
    assert accented.returncode == plain.returncode == 0
    assert accented.stdout == plain.stdout
    assert "contrib_aah_per_1000_20_64" in plain.stdout


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["score", "--weights", "population=1"], "unknown score components ['population']"),
        (["score", "--weights", "ftth_share_pct"], "is not id=number"),
        (["score", "--preset", "fast"], "unknown preset 'fast'"),
        (["score", "--regions", "99"], "unknown région codes ['99']"),
    ],
)
def test_score_bad_options_exit_2(args: list[str], reason: str) -> None:
    result = run(*args)
    assert result.returncode == 2 and reason in result.stderr


def test_export_xlsx_has_the_four_sheets_and_names_sources(tmp_path: Path) -> None:
    import openpyxl

    target = tmp_path / "shortlist.xlsx"
    result = run("export", "--top", "5", "--min-ftth", "90", "--out", str(target))
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Shortlist", "Indicateurs", "Méthode et pondérations", "Sources"]
    rows = list(book["Shortlist"].iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Rang")
    assert len(rows) - header_at - 1 == 5
    assert any("au moins 90 % de locaux éligibles FttH" in str(row[0]) for row in rows[:header_at])
    sources_rows = list(book["Sources"].iter_rows(values_only=True))
    assert any(row and "INSEE" in str(row) for row in sources_rows)
    method = list(book["Méthode et pondérations"].iter_rows(values_only=True))
    assert any(row[0] == "Filtre fibre" for row in method)


def test_export_csv_for_french_excel(tmp_path: Path) -> None:
    target = tmp_path / "shortlist.csv"
    result = run("export", "--top", "3", "--out", str(target), "--french-excel")
    assert result.returncode == 0, result.stderr
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rang;") and len(lines) == 4
    assert re.search(r";\d+,\d;", lines[1])  # decimal comma, e.g. a score of 74,1


def test_export_refuses_unknown_extension(tmp_path: Path) -> None:
    result = run("export", "--out", str(tmp_path / "shortlist.pdf"))
    assert result.returncode == 1 and "must end in .xlsx or .csv" in result.stderr


APPLICANTS = "id;CP;ville;compétences;rqth\nA1;87000;Limoges;technique;oui\nA2;1590;;technique;\nA3;98000;Monaco;x;\n"


def test_candidates_import_reports_every_row(tmp_path: Path) -> None:
    source = tmp_path / "candidats.csv"
    source.write_bytes(APPLICANTS.encode("cp1252"))
    report, unmatched = tmp_path / "report.json", tmp_path / "unmatched.csv"
    result = run("candidates", "import", str(source), "--report", str(report), "--unmatched", str(unmatched))
    assert result.returncode == 0, result.stderr  # readable file: exit 0 even with unmatched rows
    assert "rows read: 3" in result.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["rows_read"] == 3
    assert data["matched"] == {"postcode_town": 1}
    assert data["unmatched"] == {"postcode_ambiguous": 1, "outside_france": 1}
    assert data["detected"]["encoding"] == "cp1252" and data["detected"]["delimiter"] == ";"
    rows = pd.read_csv(unmatched, dtype=str, encoding="utf-8-sig")
    assert rows["id"].tolist() == ["A2", "A3"] and rows["reason"].tolist() == ["postcode_ambiguous", "outside_france"]
    assert rows["CP"].tolist() == ["1590", "98000"]  # repeated as read…
    assert "rqth" not in rows.columns  # …but a sensitive column never leaves by default


def test_candidates_import_with_a_fixed_mapping(tmp_path: Path) -> None:
    source = tmp_path / "candidats.csv"
    source.write_text(APPLICANTS, encoding="utf-8")
    result = run("candidates", "import", str(source), "--map", "ville=town", "CP=insee")
    assert result.returncode == 0, result.stderr
    assert "unknown INSEE code: 1" in result.stdout  # 1590 read as an INSEE code now


def test_candidates_aggregate_suppresses_small_counts(tmp_path: Path) -> None:
    source = tmp_path / "candidats.csv"
    source.write_text(APPLICANTS, encoding="utf-8")
    result = run("candidates", "aggregate", str(source), "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str).set_index("code")
    assert table.loc["87", "applicants_display"] == "< 5" and pd.isna(table.loc["87", "per_10000"])
    assert table.loc["01", "applicants_display"] == "0"
    assert "applicants" not in table.columns  # only the suppressed display leaves


def test_candidates_shortlist_leaves_sensitive_columns_out(tmp_path: Path) -> None:
    import openpyxl

    source, target = tmp_path / "candidats.csv", tmp_path / "shortlist.xlsx"
    source.write_text(APPLICANTS, encoding="utf-8")
    result = run("candidates", "shortlist", str(source), "--departements", "87,1", "--out", str(target))
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(target)["Candidats"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "rqth" not in header and sheet.max_row == 2


#: An applicant file with protected columns under everyday headers; each value is unique, to be searched for.
PROTECTED_COLUMNS = {
    "Situation de famille": "Pacsée-SF1", "Nombre d'enfants": "Trois-NE2", "Handicapé": "Oui-HA3",
    "Statut BOETH": "Boeth-SB4", "Nationalité": "Zorgane-NA5", "Date de naissance": "1987-03-14-DN6",
}  # fmt: skip


def protected_file(tmp_path: Path) -> Path:
    headers = ["id", "CP", "ville", "compétences", *PROTECTED_COLUMNS]
    rows = [["A1", "87000", "Limoges", "vente"], ["A2", "98000", "Monaco", "vente"], ["A3", "", "", "vente"]]
    lines = [";".join(headers)] + [";".join([*row, *PROTECTED_COLUMNS.values()]) for row in rows]
    source = tmp_path / "candidats.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return source


def test_protected_columns_leave_in_no_applicant_output(tmp_path: Path) -> None:
    import openpyxl

    source = protected_file(tmp_path)
    out_csv, out_xlsx, unmatched = tmp_path / "x.csv", tmp_path / "x.xlsx", tmp_path / "u.csv"
    shortlisted = [
        run("candidates", "shortlist", str(source), "--departements", "87", "--out", str(target))
        for target in (out_csv, out_xlsx)
    ]
    report = tmp_path / "report.json"
    imported = run("candidates", "import", str(source), "--unmatched", str(unmatched), "--report", str(report))
    assert all(result.returncode == 0 for result in (*shortlisted, imported)), imported.stderr
    book = openpyxl.load_workbook(out_xlsx)
    written = {
        "shortlist CSV": out_csv.read_text(encoding="utf-8-sig"),
        "unmatched CSV": unmatched.read_text(encoding="utf-8-sig"),
        "shortlist XLSX": " ".join(str(c.value) for row in book["Candidats"].iter_rows() for c in row),
    }
    assert "Limoges" in written["shortlist CSV"] and "Monaco" in written["unmatched CSV"]
    for name, text in written.items():
        for header, value in PROTECTED_COLUMNS.items():
            assert header not in text and value not in text, (name, header)
    for result in shortlisted:  # the terminal says what was left out, and why
        assert "1 applicants" in result.stdout and "sensitive columns left out: 6" in result.stdout
        assert "  Nationalité: origin, nationality, place of birth" in result.stdout
    assert "sensitive columns left out: 6" in imported.stdout
    reasons = json.loads(report.read_text(encoding="utf-8"))["sensitive_columns"]
    assert list(reasons) == list(PROTECTED_COLUMNS) and reasons["Handicapé"].startswith("santé, handicap")


def test_a_column_declared_not_sensitive_is_kept_and_recorded(tmp_path: Path) -> None:
    import openpyxl

    source = protected_file(tmp_path)
    out_csv, out_xlsx, unmatched = tmp_path / "x.csv", tmp_path / "x.xlsx", tmp_path / "u.csv"
    keep = ["--not-sensitive", "Nationalité", "--not-sensitive", "Date de naissance"]
    for target in (out_csv, out_xlsx):
        result = run("candidates", "shortlist", str(source), "--departements", "87", "--out", str(target), *keep)
        assert result.returncode == 0, result.stderr
        assert "sensitive columns left out: 4" in result.stdout
        assert "kept, declared non-sensitive by you: Nationalité (detected: origin" in result.stdout
    lines = out_csv.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("\"Colonnes déclarées non sensibles par l'utilisateur : Nationalité (détectée : ")
    table = pd.read_csv(out_csv, sep=";", skiprows=1, dtype=str, encoding="utf-8-sig")
    assert table["Nationalité"].tolist() == ["Zorgane-NA5"] and "Handicapé" not in table.columns
    notes = dict(openpyxl.load_workbook(out_xlsx)["À propos"].iter_rows(min_row=2, values_only=True))
    assert "Nationalité (détectée" in notes["Colonnes déclarées non sensibles par l'utilisateur"]
    assert "Date de naissance (détectée" in notes["Colonnes déclarées non sensibles par l'utilisateur"]
    assert run("candidates", "import", str(source), "--unmatched", str(unmatched), *keep).returncode == 0
    assert "Zorgane-NA5" in unmatched.read_text(encoding="utf-8-sig") and "Oui-HA3" not in unmatched.read_text()


def test_declaring_an_unknown_column_not_sensitive_is_a_one_line_error(tmp_path: Path) -> None:
    source, target = protected_file(tmp_path), tmp_path / "x.csv"
    result = run("candidates", "shortlist", str(source), "--departements", "87", "--out", str(target),
                 "--not-sensitive", "Nationalite")  # fmt: skip
    assert result.returncode == 1 and not target.exists()
    assert result.stderr.startswith("regions: error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "aucune colonne « Nationalite » dans le fichier" in result.stderr


def test_candidates_unreadable_file_is_a_one_line_error(tmp_path: Path) -> None:
    source = tmp_path / "vide.csv"
    source.write_bytes(b"")
    result = run("candidates", "import", str(source))
    assert result.returncode == 1
    assert result.stderr.startswith("regions: error: ") and len(result.stderr.strip().splitlines()) == 1


def test_data_import_adds_a_user_indicator_everywhere(tmp_path: Path) -> None:
    source = tmp_path / "taux.csv"
    source.write_text("Département;Taux\n1;12,5\n2a;3\n99;4\n", encoding="utf-8")
    env = {"HOMESHORE_USER_DATA_DIR": str(tmp_path / "user")}
    args = ["--id", "taux_rsa", "--label", "Taux RSA", "--unit", "%", "--orientation", "higher"]
    added = run("data", "import", str(source), *args, "--period", "2024", "--source", "CAF", env=env)
    assert added.returncode == 0, added.stderr
    assert "kept: 2, rejected: 1" in added.stdout and "line 4: code inconnu : 99" in added.stdout
    table = pd.read_csv(io.StringIO(run("indicators", "--format", "csv", env=env).stdout), dtype={"code": str})
    assert table.set_index("code").loc["2A", "taux_rsa"] == 3.0
    listed = pd.read_csv(io.StringIO(run("sources", "--format", "csv", env=env).stdout), dtype=str).set_index("id")
    assert listed.loc["taux_rsa", "status"].startswith("fourni par l'utilisateur le ")
    assert listed.loc["taux_rsa", "producer"] == "CAF" and listed.loc["taux_rsa", "coverage"] == "2/101"
    assert listed.loc["unemployment_rate_pct", "status"] == "livré"
    scored = run("score", "--weights", "taux_rsa=1", "--format", "csv", env=env)
    assert scored.returncode == 0 and "contrib_taux_rsa" in scored.stdout
    assert run("data", "remove", "--id", "taux_rsa", env=env).returncode == 0
    assert "taux_rsa" not in run("indicators", "--format", "csv", env=env).stdout


def test_data_import_refuses_a_bundled_id(tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_text("code;valeur\n01;1\n", encoding="utf-8")
    env = {"HOMESHORE_USER_DATA_DIR": str(tmp_path / "user")}
    args = ["--id", "population", "--label", "P", "--unit", "hab", "--orientation", "neutral", "--period", "2024"]
    result = run("data", "import", str(source), *args, "--source", "moi", env=env)
    assert result.returncode == 1 and "déjà pris par un indicateur livré" in result.stderr


def _applicants_with_a_stray_quote(rows: int, stray_line: int) -> str:
    """``rows`` applicants (line 1 the header), the skills cell of line ``stray_line`` opening a quote never closed;
    the RQTH and family columns come before it, so that the quote would carry other applicants' into it."""
    lines = ["id;CP;ville;rqth;situation de famille;compétences"]
    for number in range(2, rows + 2):
        skills = '"Relation client, SQL' if number == stray_line else "Relation client"
        lines.append(f"A{number};87000;Limoges;{'oui' if number % 7 == 0 else ''};marié;{skills}")
    return "\n".join(lines) + "\n"


def test_candidates_import_refuses_a_quote_never_closed_naming_its_line(tmp_path: Path) -> None:
    source, report = tmp_path / "candidats.csv", tmp_path / "report.json"
    source.write_text(_applicants_with_a_stray_quote(1000, 501), encoding="utf-8")
    result = run("candidates", "import", str(source), "--report", str(report))
    assert result.returncode == 1, result.stdout  # today: exit 0, "rows read: 500", 500 applicants in one cell
    assert result.stderr.startswith("regions: error: Ligne 501, colonne « compétences » : guillemet")
    assert "jamais refermé" in result.stderr and 'supprimez le « " » en trop' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not report.exists()
    source.write_text(_applicants_with_a_stray_quote(1000, 501).replace('"Relation', "Relation"), encoding="utf-8")
    fixed = run("candidates", "import", str(source), "--report", str(report))
    assert fixed.returncode == 0, fixed.stderr
    assert "rows read: 1000" in fixed.stdout and json.loads(report.read_text(encoding="utf-8"))["rows_read"] == 1000


def test_data_import_refuses_a_quote_never_closed(tmp_path: Path) -> None:
    source = tmp_path / "taux.csv"
    source.write_text('code;taux\n01;1\n02;"2\n03;3\n04;4\n', encoding="utf-8")
    env = {"HOMESHORE_USER_DATA_DIR": str(tmp_path / "user")}
    args = ["--id", "taux_x", "--label", "X", "--unit", "%", "--orientation", "higher", "--period", "2024"]
    result = run("data", "import", str(source), *args, "--source", "moi", env=env)
    assert result.returncode == 1, result.stdout  # today: kept 1, the value of 02 being "2\n03;3\n04;4"
    assert 'Ligne 3, colonne « taux » : guillemet « " » jamais refermé' in result.stderr
    assert not (tmp_path / "user").exists() or not any((tmp_path / "user").rglob("*taux_x*"))


@pytest.mark.parametrize(
    ("bomb", "message"),
    [
        ("row 15 000 000", "déclare une ligne 15 000 000, au-delà de la dernière ligne d'Excel"),
        ("value in XFD15000000", "au-delà de la dernière ligne d'Excel"),
        ("value in XFD4", "Trop de colonnes : une valeur en colonne XFD"),
        ("wide header, far value", "Tableau trop grand : 149 999 lignes × 1 000 colonnes"),
        ("compression ratio", "Archive suspecte : « xl/worksheets/sheet1.xml » passe de"),
        ("members", "Archive suspecte : plus de 1 000 fichiers"),
        ("empty cell XFD1048576", None),
    ],
)
def test_candidates_import_of_a_spreadsheet_bomb_is_refused_or_read_small(
    tmp_path: Path, bomb: str, message: str | None
) -> None:
    import spreadsheet_bombs

    source = tmp_path / "candidats.xlsx"
    source.write_bytes(spreadsheet_bombs.bombs()[bomb][0])  # a few kilobytes; gigabytes if every cell were created
    result = run("candidates", "import", str(source))
    if message is None:
        assert result.returncode == 0, result.stderr
        assert "rows read: 2" in result.stdout and "matched: 2" in result.stdout
        return
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith("regions: error: ") and message in result.stderr.replace("\u202f", " ")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


# --- clear errors: bad numbers and unknown ids exit 2, unwritable outputs exit 1, never a traceback --------------


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["data", "refresh", "--only", "bogus", "--dry-run"], "jeu de données inconnu bogus"),
        (["data", "reset", "--only", "bogus"], "jeu de données inconnu bogus"),
        (["data", "reset", "--only", ","], "jeu de données inconnu"),
        (["export", "--top", "0", "--out", "x.csv"], "argument --top: '0' : il faut au moins 1"),
        (["export", "--top", "-2", "--out", "x.csv"], "argument --top: '-2' : il faut au moins 1"),
        (["export", "--top", "2.5", "--out", "x.csv"], "n'est pas un nombre entier"),
        (["score", "--min-ftth", "nan"], "argument --min-ftth: 'nan' n'est pas un nombre fini"),
        (["score", "--min-ftth", "inf"], "n'est pas un nombre fini"),
        (["score", "--min-ftth", "101"], "n'est pas une part entre 0 et 100"),
        (["score", "--min-ftth", "-1"], "n'est pas une part entre 0 et 100"),
        (["export", "--min-ftth", "beaucoup", "--out", "x.csv"], "'beaucoup' n'est pas un nombre"),
        (["score", "--max-travel-min", "nan"], "argument --max-travel-min: 'nan' n'est pas un nombre fini"),
        (["score", "--max-travel-min", "-10"], "n'est pas une durée en minutes supérieure à 0"),
        (["export", "--max-travel-min", "Infinity", "--out", "x.csv"], "n'est pas un nombre fini"),
        (
            ["candidates", "shortlist", "c.csv", "--departements", "23", "--max-travel-min", "nan", "--out", "x.csv"],
            "argument --max-travel-min: 'nan' n'est pas un nombre fini",
        ),
        (["score", "--weights", "ftth_share_pct=nan"], "weights must be finite numbers"),
    ],
)
def test_bad_numbers_and_ids_exit_2_with_one_french_line(tmp_path: Path, args: list[str], reason: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "regions.cli", *args], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert result.returncode == 2, result.stderr
    assert reason in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_comma_decimals_are_accepted_for_numbers() -> None:
    result = run("score", "--min-ftth", "92,5", "--max-travel-min", "90.5", "--format", "csv")
    assert result.returncode == 0, result.stderr


def _one_line_error(result: subprocess.CompletedProcess[str], reason: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("regions: error: ") and reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["indicators", "--format", "csv", "--output"],
        ["score", "--format", "csv", "--output"],
        ["sources", "--format", "csv", "--output"],
        ["export", "--top", "3", "--out"],
    ],
)
def test_output_to_a_missing_folder_is_a_one_line_error(tmp_path: Path, args: list[str]) -> None:
    target = tmp_path / "absent" / "sortie.csv"
    result = run(*args, str(target))
    _one_line_error(result, f"le dossier « {target.parent} » n'existe pas")
    assert not target.parent.exists()


def test_output_to_a_folder_is_a_one_line_error(tmp_path: Path) -> None:
    _one_line_error(run("indicators", "--output", str(tmp_path)), "c'est un dossier")
    assert list(tmp_path.iterdir()) == []


def test_candidates_outputs_to_a_missing_folder_are_one_line_errors(tmp_path: Path) -> None:
    source = tmp_path / "candidats.csv"
    source.write_text(APPLICANTS, encoding="utf-8")
    report, unmatched = tmp_path / "report.json", tmp_path / "absent" / "unmatched.csv"
    result = run("candidates", "import", str(source), "--report", str(report), "--unmatched", str(unmatched))
    _one_line_error(result, "n'existe pas")
    assert not report.exists()  # checked before any work: no half of the outputs written
    out = tmp_path / "absent" / "shortlist.xlsx"
    _one_line_error(
        run("candidates", "shortlist", str(source), "--departements", "87", "--out", str(out)), "n'existe pas"
    )
    _one_line_error(run("candidates", "aggregate", str(source), "--output", str(out)), "n'existe pas")
    _one_line_error(run("candidates", "import", str(tmp_path / "absent.csv")), "fichier introuvable")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this platform")
def test_output_to_a_full_device_is_a_one_line_error() -> None:
    _one_line_error(run("indicators", "--format", "csv", "--output", "/dev/full"), "plus de place sur le disque")


def _limited_file_size() -> None:  # a disk that fills after 2 KB: writing more fails with EFBIG
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


@pytest.mark.parametrize(
    "args",
    [
        ["indicators", "--format", "csv", "--output"],
        ["export", "--top", "20", "--out"],
    ],
)
def test_a_disk_full_midway_leaves_the_previous_file_intact_and_no_partial_file(
    tmp_path: Path, args: list[str]
) -> None:
    target = tmp_path / ("previous.xlsx" if args[0] == "export" else "previous.csv")
    target.write_bytes(b"previous content")
    result = subprocess.run(
        [sys.executable, "-m", "regions.cli", *args, str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limited_file_size,  # the one way to make the disk full for this process only
    )
    _one_line_error(result, "plus de place sur le disque")
    assert target.read_bytes() == b"previous content"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left behind


# --- the synthetic demo file: every output says it is fictional ----------------------------------------------------

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo" / "candidats_fictifs.csv"


def test_outputs_of_the_demo_file_say_fictional(tmp_path: Path) -> None:
    totals = run("candidates", "aggregate", str(DEMO), "--format", "csv")
    assert totals.returncode == 0, totals.stderr
    table = pd.read_csv(io.StringIO(totals.stdout), dtype=str)
    assert (table["Jeu de données"] == "données fictives (fichier de démonstration)").all()

    report, unmatched = tmp_path / "report.json", tmp_path / "unmatched.csv"
    imported = run("candidates", "import", str(DEMO), "--report", str(report), "--unmatched", str(unmatched))
    assert imported.returncode == 0, imported.stderr
    assert "données fictives" in imported.stdout
    assert json.loads(report.read_text(encoding="utf-8"))["data"].startswith("données fictives")
    assert (
        pd.read_csv(unmatched, dtype=str, encoding="utf-8-sig")["Jeu de données"]
        .str.startswith("données fictives")
        .all()
    )

    out = tmp_path / "candidats.csv"
    picked = run("candidates", "shortlist", str(DEMO), "--departements", "23", "--out", str(out))
    assert picked.returncode == 0, picked.stderr
    rows = pd.read_csv(out, dtype=str, sep=";", encoding="utf-8-sig")
    assert len(rows) > 0 and rows["Jeu de données"].str.startswith("données fictives").all()


def test_outputs_of_a_real_file_do_not_say_fictional(tmp_path: Path) -> None:
    source = tmp_path / "candidats.csv"
    source.write_text(APPLICANTS, encoding="utf-8")
    assert "fictives" not in run("candidates", "aggregate", str(source), "--format", "csv").stdout
