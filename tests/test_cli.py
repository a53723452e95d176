"""The ``regions`` command line, run as a user runs it: a subprocess, its output parsed."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from regions import locate


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


def test_indicators_csv_has_current_populations_aah_2019_and_annual_unemployment() -> None:
    result = run("indicators", "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype={"code": str}).set_index("code")
    assert table["population"].notna().sum() == 101
    assert table.loc["976", "population"] == 310563 and table.loc["75", "population"] == 2103778  # 2023
    assert table.loc["60", "population"] == 829899  # Oise: the estimate, not a sum missing a commune
    for column in ("aah_recipients_2019", "aah_per_1000_15_64_2019"):
        assert table[column].notna().sum() == 101, column
    assert table.loc["976", "aah_recipients_2019"] == 476 and table.loc["23", "aah_recipients_2019"] == 3464
    assert table["unemployment_rate_annual_pct"].notna().sum() == 100
    assert (
        table.loc["23", "unemployment_rate_annual_pct"] == 6.9 and table.loc["75", "unemployment_rate_annual_pct"] == 6
    )


def test_sources_give_producer_dataset_period_status_copy_read_and_licence() -> None:
    result = run("sources", "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str).set_index("id")
    for column in ("population", "aah_recipients_2019", "unemployment_rate_annual_pct", "pop_15_64_2019"):
        row = table.loc[column]
        assert row[["producer", "dataset", "period", "status", "copy_read", "licence"]].notna().all(), column
        assert row["status"] == "livré"
    assert table.loc["population", "period"] == "2023 (1er janvier, estimation définitive)"
    assert table.loc["population_2026", "period"] == "2026 (1er janvier, estimation provisoire)"
    assert "codealchemist/mapstats" in table.loc["population", "copy_read"]
    assert "patrickaubert/asdep" in table.loc["aah_recipients_2019", "copy_read"]
    assert table.loc["aah_recipients_2019", "producer"].startswith("DREES")
    assert table.loc["aah_per_1000_15_64_2019", "obtained"] == "calculé"
    assert "Saint-Martin" in table.loc["aah_per_1000_15_64_2019", "method"]
    assert table.loc["pop_15_64_2019", "obtained"] == "somme de chiffres publiés"
    assert table.loc["aah_recipients_2019", "obtained"] == "copié tel que publié"
    assert table.loc["jobseekers_per_1000", "period"] == "2026-01 (demandeurs) ; 2023 (population au 1er janvier)"
    table_view = run("sources")
    assert "copy_read" in table_view.stdout and "obtained" in table_view.stdout


def test_info_shows_the_gap_between_the_two_populations() -> None:
    result = run("info")
    assert result.returncode == 0, result.stderr
    assert "68 404 843  estimation INSEE au 1er janvier 2023, 101 départements" in result.stdout
    assert "66 526 267  somme des populations municipales 2017 des communes, 100 départements" in result.stdout
    assert "+1 568 013  sur ces 100 départements" in result.stdout
    assert "communes sans population 2017 : 60 Oise (1), 976 Mayotte (17)" in result.stdout


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


def test_by_default_no_territory_out_of_reach_of_a_site_is_ranked_and_the_limit_is_said() -> None:
    result = run("score", "--all", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "trajet maximal jusqu'au site connu le plus proche : 120 min par défaut" in result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype={"code": str}).set_index("code")
    for code in ("973", "974", "971", "972", "976", "2A", "2B"):  # no known site by road (Réunion: Marseille)
        assert (
            pd.isna(table.loc[code, "rank"])
            and table.loc[code, "excluded_reason"] == "aucun site accessible par la route"
        )
    assert table.loc["29", "excluded_reason"].startswith("site le plus proche à ~")  # Finistère: over 120 min
    assert table["rank"].notna().sum() == 86
    unlimited = run("score", "--no-travel-limit", "--format", "csv")
    assert unlimited.returncode == 0 and "120 min" not in unlimited.stderr
    assert "973" in pd.read_csv(io.StringIO(unlimited.stdout), dtype={"code": str})["code"].head(5).tolist()


def test_score_ranks_departements_with_intervals_and_contributions() -> None:
    result = run(
        "score", "--weights", "unemployment_rate_pct=0.4,ftth_share_pct=0.6", "--no-travel-limit", "--format", "csv"
    )
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype={"code": str})
    contributions = ["contrib_unemployment_rate_pct", "contrib_ftth_share_pct"]
    ids = ["code", "name", "score", "rank", "rank_p05", "rank_p95", "weight_available_pct", "partial_note"]
    assert list(table.columns) == [*ids, *contributions]
    ranked = table[table["rank"].notna()]
    assert ranked["rank"].tolist() == sorted(ranked["rank"].tolist()) and ranked["rank"].iloc[0] == 1
    assert ((ranked["rank_p05"] <= ranked["rank"]) & (ranked["rank"] <= ranked["rank_p95"])).all()
    assert (ranked["weight_available_pct"] == 100).all() and ranked["partial_note"].isna().all()
    total = table["contrib_unemployment_rate_pct"] + table["contrib_ftth_share_pct"]
    assert (total - table["score"]).abs().max() < 0.01
    # Mayotte lacks unemployment: scored on fibre alone (60 % of the weights), not dropped, but ranked apart, last
    mayotte = table.iloc[-1]
    assert mayotte["code"] == "976" and pd.isna(mayotte["rank"]) and mayotte["weight_available_pct"] == 60
    assert mayotte["partial_note"] == "classé à part : score sur 60 % des poids (moins de 75 %)"


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
    assert "contrib_aah_per_1000_15_64_2019" in plain.stdout and "aah_per_1000_20_64" not in plain.stdout


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


def metadata_block(path: Path) -> list[str]:
    """The ``#`` lines above an exported CSV's table (quotes of a quoted line removed)."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [line.strip('"') for line in lines if line.startswith(("#", '"#'))]


def read_table(path: Path, sep: str) -> pd.DataFrame:
    """An exported CSV's table, below its ``#`` metadata block, every cell as text."""
    skip = len(metadata_block(path))
    return pd.read_csv(path, sep=sep, skiprows=skip, dtype=str, encoding="utf-8-sig", keep_default_na=False)


def test_export_xlsx_has_the_four_sheets_and_names_sources(tmp_path: Path) -> None:
    import openpyxl

    target = tmp_path / "shortlist.xlsx"
    result = run("export", "--top", "5", "--min-ftth", "90", "--out", str(target))
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Shortlist", "Indicateurs", "Méthode et pondérations", "Sources", "À propos"]
    rows = list(book["Shortlist"].iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Rang")
    assert len(rows) - header_at - 1 == 5
    assert any("au moins 90 % de locaux éligibles FttH" in str(row[0]) for row in rows[:header_at])
    sources_rows = list(book["Sources"].iter_rows(values_only=True))
    assert any(row and "INSEE" in str(row) for row in sources_rows)
    method = list(book["Méthode et pondérations"].iter_rows(values_only=True))
    assert any(row[0] == "Filtre fibre" for row in method)
    apart = next(row[1] for row in method if row[0] == "Classés à part")
    assert apart.endswith("(aucun)")  # Mayotte (fibre 15.9 %) is excluded by the filter, not ranked apart


def test_export_csv_for_french_excel(tmp_path: Path) -> None:
    target = tmp_path / "shortlist.csv"
    result = run("export", "--top", "3", "--out", str(target), "--french-excel")
    assert result.returncode == 0, result.stderr
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = [line for line in raw.decode("utf-8-sig").splitlines() if not line.startswith(("#", '"#'))]
    assert lines[0].startswith("Rang;") and len(lines) == 4  # below the metadata block: header and 3 rows
    assert re.search(r";\d+,\d;", lines[1])  # decimal comma, e.g. a score of 74,1
    assert "# Préréglage : Équilibré" in metadata_block(target)


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
    rows = read_table(unmatched, ";")
    reasons = [locate.REASON_LABELS[code] for code in ("postcode_ambiguous", "outside_france")]
    assert rows["id"].tolist() == ["A2", "A3"] and rows["Motif du non-rattachement"].tolist() == reasons
    assert rows["Ligne du fichier"].tolist() == ["3", "4"]
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

    def table_text(path: Path) -> str:  # the rows; the metadata block above names the columns left out, and why
        block = metadata_block(path)
        assert any(line.startswith("# Colonnes sensibles retirées : ") for line in block)
        return "\n".join(path.read_text(encoding="utf-8-sig").splitlines()[len(block) :])

    for path in (out_csv, unmatched):  # no value of a left-out column anywhere in the file, block included
        assert not any(value in path.read_text(encoding="utf-8-sig") for value in PROTECTED_COLUMNS.values())
    written = {
        "shortlist CSV": table_text(out_csv),
        "unmatched CSV": table_text(unmatched),
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
    declared = "# Colonnes déclarées non sensibles par l'utilisateur : Nationalité (détectée : "
    assert any(line.startswith(declared) for line in metadata_block(out_csv))
    table = read_table(out_csv, ";")
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
    args = ["--id", "population_communes_2017", "--label", "P", "--unit", "hab", "--orientation", "neutral"]
    args += ["--period", "2024"]  # a geography figure: no file to complete
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
    assert read_table(unmatched, ";")["Jeu de données"].str.startswith("données fictives").all()

    out = tmp_path / "candidats.csv"
    picked = run("candidates", "shortlist", str(DEMO), "--departements", "23", "--out", str(out))
    assert picked.returncode == 0, picked.stderr
    rows = read_table(out, ";")
    assert len(rows) > 0 and rows["Jeu de données"].str.startswith("données fictives").all()


def test_outputs_of_a_real_file_do_not_say_fictional(tmp_path: Path) -> None:
    source = tmp_path / "candidats.csv"
    source.write_text(APPLICANTS, encoding="utf-8")
    assert "fictives" not in run("candidates", "aggregate", str(source), "--format", "csv").stdout


# --- the user's data folder under hostile input (issue 9, points 3, 4, 5 and "replaced") ----------------------

NEW = ["--label", "Taux RSA", "--unit", "%", "--orientation", "higher", "--period", "2024"]


def _rates(tmp_path: Path, text: str = "Département;Taux\n23;30\n87;10\n") -> str:
    path = tmp_path / "taux.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--id", "taux_rsa", *NEW, "--source", "CAF\x7f"], "champ « source » (--source) : caractère invisible"),
        (["--id", "taux_rsa", *NEW[:-1], "2024\x1b[31m", "--source", "CAF"], "champ « period » (--period)"),
        (["--id", "taux_rsa", *NEW, "--source", "CAF", "--licence", "L\x85"], "champ « licence » (--licence)"),
        (["--id", "code", *NEW, "--source", "CAF"], "identifiant 'code' réservé"),
        (["--id", "name", *NEW, "--source", "CAF"], "identifiant 'name' réservé"),
        (["--id", "reg_code", *NEW, "--source", "CAF"], "identifiant 'reg_code' réservé"),
        (["--id", "taux_rsa\n", *NEW, "--source", "CAF"], "identifiant 'taux_rsa\\n'"),
    ],
)
def test_data_import_refuses_what_would_poison_the_folder(
    user_folder: Path, tmp_path: Path, args: list[str], reason: str
) -> None:
    refused = run("data", "import", _rates(tmp_path), *args)
    assert refused.returncode == 1 and reason in refused.stderr and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    for command in (["sources"], ["indicators", "--format", "csv"], ["data", "missing"]):
        after = run(*command)
        assert after.returncode == 0 and after.stderr == "", after.stderr
    added = run("data", "import", _rates(tmp_path), "--id", "taux_rsa", *NEW, "--source", "CAF")
    assert added.returncode == 0, added.stderr
    assert run("data", "remove", "--id", "taux_rsa").returncode == 0


OLD_FOLDER = Path(__file__).resolve().parent / "fixtures" / "userdata_v1" / "snapshot"


def test_a_hand_damaged_old_folder_is_migrated_its_damage_kept_in_the_backup_and_said_once(user_folder: Path) -> None:
    shutil.copytree(OLD_FOLDER, user_folder / "snapshot")
    record = user_folder / "snapshot" / "sources.toml"
    record.write_bytes(record.read_bytes().replace(b'"Observatoire local"', b'"Observatoire local\x7f"'))
    damaged = record.read_bytes()  # what older versions could write: the whole file no longer parses
    first = run("sources", "--format", "csv")
    assert first.returncode == 0, first.stderr
    (backup,) = user_folder.glob("snapshot.sauvegarde-*")
    assert "regions: dossier migré dans la base : 0 jeu(x) de données, 0 indicateur(s)" in first.stderr
    assert f"l'ancien dossier est gardé tel quel : {backup}" in first.stderr
    assert "regions: non importé (gardé dans la sauvegarde) : sources.toml : fichier illisible (Illegal character" in (
        first.stderr
    )
    assert "Traceback" not in first.stderr and (backup / "sources.toml").read_bytes() == damaged  # nothing deleted
    listed = pd.read_csv(io.StringIO(first.stdout), dtype=str).set_index("id")
    assert "taux_test" not in listed.index and listed.loc["unemployment_rate_pct", "coverage"] == "100/101"
    for command in (["score", "--format", "csv"], ["indicators"], ["info"]):  # said once; kept in the audit trail
        result = run(*command)
        assert result.returncode == 0 and "sauvegarde" not in result.stderr and "endommag" not in result.stderr
    audit = json.loads(run("audit", "--format", "json").stdout)
    (migration,) = [event for event in audit if event["action"] == "migration"]
    assert "Illegal character" in migration["detail"]["left"][0]


def _tamper(stored_id: str, **values: object) -> None:
    """Change a stored dataset's row as another version of Homeshore might have written it."""
    from regions.workspace import db, schema

    with db.transaction() as connection:
        table = schema.user_datasets
        connection.execute(table.update().where(table.c.dataset_id == stored_id).values(**values))
    db._engine.cache_clear()


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        ("code,taux_rsa\n23,trente\n", "holds non-numbers"),
        ("code,autre\n23,1\n", "column(s) ['taux_rsa'] absent"),
        ("code,taux_rsa\n23,inf\n", "holds infinite numbers"),
        ('code,taux_rsa\n23,"1\n', "user_taux_rsa.csv"),
    ],
)
def test_a_damaged_stored_figures_text_is_named_and_remove_repairs_it(
    user_folder: Path, tmp_path: Path, damage: str, named: str
) -> None:
    assert run("data", "import", _rates(tmp_path), "--id", "taux_rsa", *NEW, "--source", "CAF").returncode == 0
    _tamper("user_taux_rsa", figures=damage)
    scored = run("score", "--format", "csv")
    assert scored.returncode == 0 and named in scored.stderr
    assert "espace de travail « local »/indicators/user_taux_rsa.csv" in scored.stderr
    assert "regions data remove --id taux_rsa" in scored.stderr
    removed = run("data", "remove", "--id", "taux_rsa")
    assert removed.returncode == 0 and removed.stdout == "regions: removed taux_rsa\n"
    assert run("sources").stderr == ""


def test_a_damaged_stored_entry_is_set_aside_by_data_reset_and_kept_in_the_audit_trail(
    user_folder: Path, tmp_path: Path
) -> None:
    assert run("data", "import", _rates(tmp_path), "--id", "taux_rsa", *NEW, "--source", "CAF").returncode == 0
    _tamper("user_taux_rsa", figures="code,taux_rsa\n23,trente\n")
    reset = run("data", "reset")
    assert reset.returncode == 0, reset.stderr
    assert "regions: damaged entry removed (kept in the audit trail): user_taux_rsa" in reset.stdout
    audit = json.loads(run("audit", "--format", "json").stdout)
    repair = next(event for event in audit if event["action"] == "repair" and "figures" in event["detail"])
    assert repair["detail"]["figures"] == {"user_taux_rsa": "code,taux_rsa\n23,trente\n"}  # nothing lost
    assert run("sources").stderr == ""


def test_an_entry_an_older_version_let_in_can_be_removed(user_folder: Path, tmp_path: Path) -> None:
    assert run("data", "import", _rates(tmp_path), "--id", "taux_rsa", *NEW, "--source", "CAF").returncode == 0
    from regions.workspace import db, schema

    with db.transaction() as connection:  # the indicator renamed "code", as an older version let in
        entries = schema.user_catalogue
        (entry,) = connection.execute(entries.select()).all()
        connection.execute(entries.delete())
        connection.execute(entries.insert().values(
            workspace_id=entry.workspace_id, indicator_id="code", dataset_row=entry.dataset_row,
            entry={**entry.entry, "dataset": "user_code"},
        ))  # fmt: skip
    _tamper("user_taux_rsa", dataset_id="user_code", figures="code\n23\n")
    shown = run("indicators", "--format", "csv")
    assert shown.returncode == 0 and shown.stdout.startswith("code,name,reg_code,")
    assert "[code] : identifiant 'code' réservé" in shown.stderr and "regions data remove --id code" in shown.stderr
    assert run("data", "remove", "--id", "code").returncode == 0
    assert run("indicators").stderr == ""


def test_data_import_sets_infinite_values_aside(user_folder: Path, tmp_path: Path) -> None:
    text = "code;valeur\n23;30\n87;inf\n19;Infinity\n01;1e309\n02;-inf\n03;NaN\n"
    added = run("data", "import", _rates(tmp_path, text), "--id", "taux_rsa", *NEW, "--source", "CAF")
    assert added.returncode == 0, added.stderr
    assert "kept: 1, rejected: 5" in added.stdout and "coverage: 1/101" in added.stdout
    for line in (3, 4, 5, 6):
        assert f"line {line}: valeur infinie ou hors limites" in added.stdout
    assert "line 7: valeur non numérique" in added.stdout


def test_completing_an_official_indicator_merges_and_reimporting_says_replaced(
    user_folder: Path, tmp_path: Path
) -> None:
    three = _rates(tmp_path, "code;valeur\n976;30,1\n23;6,5\n87;7\n")
    args = ["--id", "unemployment_rate_pct", "--period", "2024", "--source", "Observatoire"]
    completed = run("data", "import", three, *args)
    assert completed.returncode == 0, completed.stderr
    assert "coverage: 100/101 -> 101/101 départements" in completed.stdout
    assert (
        "from this file: 3" in completed.stdout and "official figures kept (insee_unemployment): 98" in completed.stdout
    )
    listed = pd.read_csv(io.StringIO(run("sources", "--format", "csv").stdout), dtype=str).set_index("id")
    row = listed.loc["unemployment_rate_pct"]
    assert row["coverage"] == "101/101" and "3 dép. de votre fichier, 98 du jeu officiel" in row["status"]
    assert row["period"] == "2024 (votre fichier, 3 dép.) ; 2025-Q3 (officiel, 98 dép.)"
    table = pd.read_csv(io.StringIO(run("indicators", "--format", "csv").stdout), dtype={"code": str})
    assert table.set_index("code").loc["01", "unemployment_rate_pct"] == 5.7  # the official figure stays
    again = run("data", "import", _rates(tmp_path), "--id", "taux_rsa", *NEW, "--source", "CAF")
    assert again.stdout.startswith("regions: added taux_rsa")
    again = run("data", "import", _rates(tmp_path), "--id", "taux_rsa", *NEW, "--source", "CAF")
    assert again.returncode == 0 and again.stdout.startswith("regions: replaced taux_rsa")


def test_a_command_imports_only_what_it_needs(tmp_path: Path) -> None:
    """``regions candidates aggregate`` (and ``info``) never load the workspace, its database drivers, the plan or
    the maps: each command imports its heavy dependencies when it runs. (``info`` reads the user's figures: where a
    workspace database exists, it loads it; on a machine where nothing was ever stored, it does not.)"""
    heavy = ("regions.workspace", "sqlalchemy", "alembic", "regions.plan", "regions.report", "folium", "matplotlib")
    for command in (["candidates", "aggregate", str(DEMO)], ["info"]):
        code = (
            "import sys; from regions.cli import main; status = main(sys.argv[1:]); "
            f"print(status, [m for m in {heavy!r} if m in sys.modules], file=sys.stderr)"
        )
        env = {**os.environ, "HOMESHORE_USER_DATA_DIR": str(tmp_path)}
        done = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, timeout=300,
                              env=env)  # fmt: skip
        assert done.stderr.strip().splitlines()[-1] == "0 []", done.stderr


def test_workspace_member_role_is_checked_when_parsed() -> None:
    refused = run("workspace", "members", "add", "a@example.org", "boss")
    assert refused.returncode == 2
    assert "invalid choice: 'boss' (choose from recruiter, manager, admin)" in refused.stderr
