"""Every export a user takes away reads in their language: the command line run as a user runs it (a subprocess),
in French by default and in English with ``--lang en``. Readable headers, no internal column, rounded figures,
counts as numbers, the sheets named in the language, and the metadata (date, language, preset, weights, sources)
as a ``#`` block above a CSV's table and as the companion sheet of an XLSX."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from regions import locate

#: Internal column names that must never title an export's column.
INTERNAL = {
    "row", "reason", "reason_label", "match_method", "commune_code", "commune_name", "dep_code", "reg_code",
    "nearest_site_travel_min", "rank_p05", "weight_available_pct", "missing_components", "excluded_reason", "code",
    "name", "id", "label", "unit", "period", "status", "producer", "dataset", "licence", "url", "coverage",
}  # fmt: skip
#: French words the program writes (headers, statuses, provenance, metadata) that an English export must not hold
#: outside the producers' own dataset titles and licences.
FRENCH = [
    "Rang", "Statut", "retenu", "Préréglage", "Pondérations", "Langue", "Filtres", "Taux", "Locaux", "Part de",
    "Temps de trajet", "moyenne", "janvier", "décembre", "livré", "calculé", "calcul Homeshore", "personnes",
    "habitants", "estimation", "Ligne du fichier", "Motif", "code postal", "Candidats", "aucun", "Équilibré",
    "sites cités", "démonstration", "fictives", "oui", "non", "Trajet", "Rattachement", "Commune rattachée",
]  # fmt: skip
APPLICANTS = "id;CP;ville;compétences;rqth\nA1;87000;Limoges;technique;oui\nA2;1590;;technique;\nA3;98000;Monaco;x;\n"
HUBS = "S001,S004,S010,S020,S030"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "regions.cli", *args], capture_output=True, text=True, check=False,
        env=dict(os.environ), timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


def read_csv(path: Path, lang: str) -> tuple[list[str], list[list[str]]]:
    """The ``#`` block (its lines, without quotes) and the table (header and rows) of an exported CSV."""
    text = path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the accents
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline=""), delimiter=";" if lang == "fr" else ","))
    block = [row[0] for row in rows if row and row[0].startswith("#")]
    assert all(len(row) == 1 for row in rows[: len(block)])  # one cell per metadata line, all above the table
    return block, rows[len(block) :]


def metadata(block: list[str]) -> dict[str, str]:
    """``# label : value`` (or ``# label: value``) lines as a dict."""
    pairs = (re.match(r"# (.+?) ?: (.*)$", line) for line in block)
    return {match.group(1): match.group(2) for match in pairs if match}


def at_most_one_decimal(rows: list[list[str]], decimal: str) -> None:
    """No figure of the table has more than one decimal (no ``49.365``, no 13 decimals)."""
    pattern = re.compile(rf"^-?\d+\{decimal}\d{{2,}}$")
    assert [cell for row in rows for cell in row if pattern.match(cell)] == []


def no_french(texts: list[str]) -> None:
    found = {word for text in texts for word in FRENCH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)}
    assert found == set(), texts


def sheet_rows(book: Any, name: str) -> list[tuple[Any, ...]]:
    return list(book[name].iter_rows(values_only=True))


# --- the territory shortlist (regions export) -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_territory_shortlist_csv_is_readable(tmp_path: Path, lang: str) -> None:
    target = tmp_path / "shortlist.csv"
    run("export", "--top", "5", "--out", str(target), *(["--lang", "en"] if lang == "en" else []))
    block, table = read_csv(target, lang)
    header, rows = table[0], table[1:]
    assert len(rows) == 5
    assert INTERNAL.isdisjoint(header) and not any(h.startswith("contrib_") for h in header)
    about = metadata(block)
    if lang == "fr":
        assert header[:6] == ["Rang", "Rang (intervalle 5–95 %)", "Code", "Département", "Statut", "Score (0–100)"]
        assert {row[4] for row in rows} == {"retenu"}
        assert about["Préréglage"] == "Équilibré" and about["Langue"] == "français"
        assert about["Pondérations"].startswith("Taux de chômage localisé 25 %")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", about["Date"])
        assert about["Source (Taux de chômage localisé)"].startswith("INSEE — ")
        travel = header.index("Temps de trajet estimé jusqu'au site le plus proche (min, sites cités 2000–2025)")
    else:
        assert header[:6] == ["Rank", "Rank (5–95% interval)", "Code", "Département", "Status", "Score (0–100)"]
        assert {row[4] for row in rows} == {"kept"}
        assert about["Preset"] == "Balanced" and about["Language"] == "English"
        assert about["Weights"].startswith("Localised unemployment rate 25%")
        assert about["Source (Localised unemployment rate)"].startswith("INSEE — ")
        travel = header.index("Estimated travel time to the nearest site (min, sites cited 2000–2025)")
        no_french([*header, *[row[4] for row in rows], *about])  # headers, statuses, metadata labels
        no_french([value.split(" — ")[0] for value in about.values()])  # values; dataset titles are the producers'
    assert all(re.fullmatch(r"\d+", row[travel]) for row in rows)  # minutes as whole numbers
    assert all(re.fullmatch(r"\d+", row[header.index(header[6])]) for row in rows)  # weight with a figure, in %
    at_most_one_decimal(rows, "," if lang == "fr" else ".")
    if lang == "fr":
        assert any(re.fullmatch(r"\d+,\d", cell) for row in rows for cell in row)  # decimal comma for French Excel


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_territory_shortlist_xlsx_has_its_sheets_and_companion_in_the_language(tmp_path: Path, lang: str) -> None:
    target = tmp_path / "shortlist.xlsx"
    run("export", "--top", "3", "--min-ftth", "80", "--out", str(target), *(["--lang", "en"] if lang == "en" else []))
    book = openpyxl.load_workbook(target)
    if lang == "fr":
        assert book.sheetnames == ["Shortlist", "Indicateurs", "Méthode et pondérations", "Sources", "À propos"]
    else:
        assert book.sheetnames == ["Shortlist", "Indicators", "Method and weights", "Sources", "About"]
    about = dict(row[:2] for row in sheet_rows(book, book.sheetnames[-1])[1:])
    key = {"fr": ("Préréglage", "Langue", "Filtres"), "en": ("Preset", "Language", "Filters")}[lang]
    assert about[key[0]] == ("Équilibré" if lang == "fr" else "Balanced")
    assert about[key[1]] == ("français" if lang == "fr" else "English")
    assert "80" in about[key[2]]
    indicators = sheet_rows(book, book.sheetnames[1])
    header = indicators[0]
    assert INTERNAL.isdisjoint(header)
    figures = [value for row in indicators[1:] for value in row[3:] if isinstance(value, float)]
    assert figures and all(round(value, 1) == value for value in figures)  # one decimal at most
    sources = sheet_rows(book, "Sources")
    assert INTERNAL.isdisjoint(sources[0])
    if lang == "en":
        no_french([str(cell) for cell in sources[0]])
        status = sources[0].index("Status of the figures")
        assert {row[status] for row in sources[1:]} <= {"as delivered", "computed"}
        method = sources[0].index("Method")  # the catalogue's methods are French: the English file points to the doc
        assert {row[method] for row in sources[1:]} == {None, "docs/method.md"}
        no_french([str(cell) for row in sources[1:] for cell in (row[sources[0].index("Period")], row[status])])
        no_french([str(cell) for row in sheet_rows(book, "Method and weights") for cell in row])
        no_french([str(cell) for cell in about])


# --- applicants: unmatched rows and the applicant shortlist ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_unmatched_rows_say_their_line_and_reason_in_the_language(tmp_path: Path, lang: str) -> None:
    source, unmatched = tmp_path / "candidats.csv", tmp_path / "non-rattaches.csv"
    source.write_text(APPLICANTS, encoding="utf-8")
    run("candidates", "import", str(source), "--unmatched", str(unmatched), *(["--lang", "en"] if lang == "en" else []))
    block, table = read_csv(unmatched, lang)
    header, rows = table[0], table[1:]
    assert (INTERNAL - {"id"}).isdisjoint(header) and "rqth" not in header  # "id" is the file's; rqth sensitive
    labels = locate.REASON_LABELS if lang == "fr" else locate.REASON_LABELS_EN
    french = lang == "fr"
    line, reason = ("Ligne du fichier", "Motif du non-rattachement") if french else ("File line", "Why not matched")
    assert [(row[header.index("id")], row[header.index(line)]) for row in rows] == [("A2", "3"), ("A3", "4")]
    assert [row[header.index(reason)] for row in rows] == [labels["postcode_ambiguous"], labels["outside_france"]]
    about = metadata(block)
    assert about["Langue" if lang == "fr" else "Language"] == ("français" if lang == "fr" else "English")
    assert about["Candidats exportés" if lang == "fr" else "Applicants exported"] == "2"  # a count, no space
    if lang == "en":
        no_french([*header, *[row[header.index(reason)] for row in rows], *about, *about.values()])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_applicant_shortlist_is_readable(tmp_path: Path, lang: str) -> None:
    source = tmp_path / "candidats.csv"
    source.write_text(APPLICANTS, encoding="utf-8")
    flags = ["--lang", "en"] if lang == "en" else []
    csv_target, xlsx_target = tmp_path / "c.csv", tmp_path / "c.xlsx"
    for target in (csv_target, xlsx_target):
        run("candidates", "shortlist", str(source), "--departements", "87", "--out", str(target), *flags)
    block, table = read_csv(csv_target, lang)
    header, rows = table[0], table[1:]
    assert (INTERNAL - {"id"}).isdisjoint(header) and "rqth" not in header  # "id" is the file's own column
    travel = ("Trajet estimé jusqu'au site le plus proche (min)" if lang == "fr"
              else "Estimated travel to the nearest site (min)")  # fmt: skip
    commune = "Commune (code INSEE)" if lang == "fr" else "Commune (INSEE code)"
    method = "Rattachement par" if lang == "fr" else "Matched by"
    assert [row[header.index(commune)] for row in rows] == ["87085"]
    assert re.fullmatch(r"\d+", rows[0][header.index(travel)])  # whole minutes
    assert rows[0][header.index(method)] == locate.method_label("postcode_town", lang)
    book = openpyxl.load_workbook(xlsx_target)
    assert book.sheetnames == (["Candidats", "À propos"] if lang == "fr" else ["Applicants", "About"])
    about = dict(row[:2] for row in sheet_rows(book, book.sheetnames[1])[1:])
    assert about["Candidats exportés" if lang == "fr" else "Applicants exported"] == 1  # a number, not "1" as text
    sheet = sheet_rows(book, book.sheetnames[0])
    assert isinstance(sheet[1][sheet[0].index(travel)], int)
    if lang == "en":
        no_french([*header, *metadata(block), *[str(key) for key in about]])


# --- the hiring plan ------------------------------------------------------------------------------------------------


def test_the_plan_xlsx_in_english_has_english_sheets_and_provenance(tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    run("plan", "--hubs", HUBS, "--out", str(target), "--lang", "en", "--format", "json")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Teams", "Départements", "Criteria and constraints", "Reach", "Sources", "About"]
    sources = sheet_rows(book, "Sources")
    status = sources[0].index("Status")
    assert {row[status] for row in sources[1:]} <= {"as delivered", "computed"}
    no_french([str(row[sources[0].index("Period")]) for row in sources[1:]])
    about = dict(row[:2] for row in sheet_rows(book, "About")[1:])
    assert about["Preset"] == "Balanced" and about["Language"] == "English"
    no_french([str(key) for key in about])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_plan_csv_has_its_teams_and_metadata_in_the_language(tmp_path: Path, lang: str) -> None:
    target = tmp_path / "plan.csv"
    run("plan", "--hubs", HUBS, "--out", str(target), "--lang", lang, "--format", "json")
    block, table = read_csv(target, lang)
    header, rows = table[0], table[1:]
    travel, hires = ("Trajet (min)", "Embauches") if lang == "fr" else ("Travel (min)", "Hires")
    assert INTERNAL.isdisjoint(header) and {travel, hires} <= set(header)
    assert sum(int(row[header.index(hires)]) for row in rows) == 120
    assert all(re.fullmatch(r"\d+", row[header.index(travel)]) for row in rows)  # whole minutes
    about = metadata(block)
    if lang == "fr":
        assert about["Préréglage"] == "Équilibré" and about["Langue"] == "français"
    else:
        assert about["Preset"] == "Balanced" and about["Language"] == "English"
        no_french([*header, *about])
        computed = [value for label, value in about.items() if "Homeshore calculation" in value]
        assert computed and all("method in docs/method.md" in value for value in computed)  # no French method


def test_presets_are_given_by_id_and_a_former_name_is_noted(tmp_path: Path) -> None:
    target = tmp_path / "shortlist.csv"
    by_id = run("export", "--top", "2", "--preset", "disability-inclusion", "--out", str(target))
    assert "now called" not in by_id.stderr
    assert metadata(read_csv(target, "fr")[0])["Préréglage"] == "Inclusion handicap"
    by_name = run("export", "--top", "2", "--preset", "Inclusion handicap", "--out", str(target), "--lang", "en")
    assert "regions: note: preset 'Inclusion handicap' is now called 'disability-inclusion'" in by_name.stderr
    assert metadata(read_csv(target, "en")[0])["Preset"] == "Disability inclusion"
