"""Refresh from the official files: parsers on fixtures in the official layouts (synthetic figures, see
tests/fixtures/refresh/README.md), validation, all-or-nothing writes, dry run, and the offline failure."""

from __future__ import annotations

import hashlib
import io
import urllib.error
from collections.abc import Callable
from email.message import Message
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from regions import indicators, refresh, snapshot, sources
from regions.refresh import RefreshError

FIXTURES = Path(__file__).parent / "fixtures" / "refresh"
FILES = {
    refresh.ARCEP_URL: "departement_techno.csv",
    refresh.INSEE_UNEMPLOYMENT_URL: "TCRD_025.xlsx",
    refresh.DARES_URL: "dares_defm_stock_regions_brut_mens.csv",
    refresh.CNAF_AAH_URL: "aah_s_complaah_age_5_dep.csv",
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixtures_fetch(replace: dict[str, bytes] | None = None) -> Callable[[str], bytes]:
    """A fetcher that serves the fixture of each official URL (no network), some replaced."""
    return lambda url: (replace or {}).get(url) or fixture(FILES[url])


def folder_state(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- parsers ------------------------------------------------------------------------------------------------------


def test_arcep_parser_reads_the_official_layout() -> None:
    parsed = refresh.parse_arcep_broadband(fixture("departement_techno.csv"))
    figures = parsed.figures.set_index("code")
    assert list(figures.index) == ["01", "02", "2A", "2B", "971", "976"]  # codes as text
    assert figures.loc["01", "ftth_share_pct"] == 90.0  # 360000 / 400000
    assert figures.loc["2B", "ftth_share_pct"] == 80.5  # 128800 / 160000
    assert figures.loc["976", "ftth_share_pct"] == 20.0
    assert figures.loc["2A", "total_premises"] == 150000.0
    assert parsed.period("ftth_share_pct") == parsed.period("total_premises") == "2026-09-30"
    assert set(figures["source_url"]) == {refresh.ARCEP_URL}
    assert refresh.validate(parsed) == []


def test_arcep_parser_accepts_the_plausible_variants() -> None:
    text = (
        "code_departement;date;type;nbr;elig_ftth\n"
        "1;30/09/2026;all;12 500;10 000\n"  # lost leading zero, French date, spaces as thousands separators
        "1;30/09/2026;pro;2 500;1 000\n"  # premises types other than 'all' are left out
        "2a;30/09/2026;all;1000,0;500\n"  # decimal comma, lower-case Corsica
        "Total;30/09/2026;all;13500;10500\n"  # a total row is skipped
    )
    figures = refresh.parse_arcep_broadband(text.encode("cp1252")).figures.set_index("code")
    assert list(figures.index) == ["01", "2A"]
    assert figures.loc["01", "total_premises"] == 12500.0 and figures.loc["01", "ftth_share_pct"] == 80.0
    assert figures.loc["2A", "ftth_share_pct"] == 50.0


def test_insee_parser_reads_tcrd_025() -> None:
    parsed = refresh.parse_insee_unemployment(fixture("TCRD_025.xlsx"))
    figures = parsed.figures.set_index("code")
    assert list(figures.index) == ["01", "02", "2A", "2B", "971", "974"]  # France rows and notes skipped
    assert figures.loc["01", "unemployment_rate_pct"] == 5.1
    assert figures.loc["02", "unemployment_rate_pct"] == 9.8  # a text cell with a decimal comma
    assert figures.loc["2A", "unemployment_rate_prev_pct"] == 6.2
    assert parsed.period("unemployment_rate_pct") == "2025-Q3"
    assert parsed.period("unemployment_rate_prev_pct") == "2024-Q3"  # same quarter a year before, not 2025-Q2
    assert any("provisoires" in note for note in parsed.notes)
    assert refresh.validate(parsed) == []


def test_dares_parser_takes_the_latest_january_and_january_2024() -> None:
    parsed = refresh.parse_dares_jobseekers(fixture("dares_defm_stock_regions_brut_mens.csv"))
    figures = parsed.figures.set_index("code")
    assert list(figures.index) == ["01", "2A", "2B", "971"]  # région and France totals skipped
    assert figures.loc["01", "jobseekers_cat_a"] == 23500.0  # category A, all sexes, not 2026-02
    assert figures.loc["01", "jobseekers_cat_a_prev"] == 21000.0
    assert figures.loc["2A", "jobseekers_cat_a"] == 5600.0
    assert parsed.period("jobseekers_cat_a") == "2026-01" and parsed.period("jobseekers_cat_a_prev") == "2024-01"
    assert refresh.validate(parsed) == []


def test_cnaf_parser_sums_the_breakdowns_of_the_latest_december() -> None:
    parsed = refresh.parse_cnaf_aah(fixture("aah_s_complaah_age_5_dep.csv"))
    figures = parsed.figures.set_index("code")
    assert figures.loc["01", "aah_recipients"] == 960 + 1040 + 150 + 170  # 2025-12, not 2024-12 nor 2025-11
    assert figures.loc["2A", "aah_recipients"] == 250.0
    assert figures.loc["974", "aah_recipients"] == 3305.0
    assert "978" not in figures.index and any("978" in note for note in parsed.notes)  # Saint-Martin
    assert parsed.period("aah_recipients") == "2025-12"
    assert refresh.validate(parsed) == []


def test_parsers_read_opendatasoft_json_exports_too() -> None:
    text = '[{"dtreffre": "2025-12", "numdep": "01", "aah_complaah": "x", "indben_aah": 7}]'
    assert refresh.parse_cnaf_aah(text.encode()).figures["aah_recipients"].tolist() == [7.0]


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
        (refresh.parse_arcep_broadband, b"date;code_dep;nbr\n2026-09-30;01;10\n", r"elig_ftth introuvable"),
        (refresh.parse_arcep_broadband, b"<!DOCTYPE html><html><body>Erreur</body></html>", r"page web"),
        (refresh.parse_arcep_broadband, b"date;code_dep;nbr;elig_ftth\n2026-09-30;01;10;beaucoup\n", r"pas un nombre"),
        (refresh.parse_insee_unemployment, _workbook([["Code", "Département", "Taux"], ["01", "Ain", 5.0]]), r"trim"),
        (refresh.parse_insee_unemployment, _workbook([[None, "3ᵉ trim. 2025"], ["01", 5.0]]), r"2024-Q3"),
        (refresh.parse_insee_unemployment, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, r"\.xls"),
        (refresh.parse_dares_jobseekers, b"date;code_departement;categorie;nombre\n2026-01;01;A;5\n", r"janvier 2024"),
        (refresh.parse_cnaf_aah, b"dtreffre;numdep;montant\n2025-12;01;5\n", r"indben_aah"),
    ],
    ids=["arcep-column", "arcep-html", "arcep-number", "insee-header", "insee-prev", "insee-xls", "dares", "cnaf"],
)
def test_a_malformed_layout_raises_a_clear_error(parser: refresh.Parser, data: bytes, message: str) -> None:
    with pytest.raises(RefreshError, match=message):
        parser(data, url="https://example.invalid/file")


# --- validation ---------------------------------------------------------------------------------------------------


def _broadband(edit: Callable[[pd.DataFrame], pd.DataFrame]) -> refresh.ParsedDataset:
    parsed = refresh.parse_arcep_broadband(fixture("departement_techno.csv"))
    return refresh.ParsedDataset(parsed.dataset_id, edit(parsed.figures.copy()), parsed.periods, parsed.url)


def test_validation_catches_duplicates_out_of_range_values_and_unknown_codes() -> None:
    duplicate = _broadband(lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True))
    assert any("double : 01" in p for p in refresh.validate(duplicate))
    too_high = _broadband(lambda f: f.assign(ftth_share_pct=np.where(f["code"] == "02", 120.0, f["ftth_share_pct"])))
    assert any("02 = 120" in p and "entre 0 et 100" in p for p in refresh.validate(too_high))
    negative = _broadband(lambda f: f.assign(total_premises=np.where(f["code"] == "01", -5.0, f["total_premises"])))
    assert any("total_premises" in p and "01 = -5" in p for p in refresh.validate(negative))
    unknown = _broadband(lambda f: f.assign(code=f["code"].replace({"02": "20", "971": "978"})))
    assert any("codes inconnus : 20, 978" in p for p in refresh.validate(unknown))


def test_validation_wants_one_period_per_column() -> None:
    parsed = refresh.parse_arcep_broadband(fixture("departement_techno.csv"))
    periods = {**parsed.periods, "total_premises": frozenset({"2026-06-30", "2026-09-30"})}
    mixed = refresh.ParsedDataset(parsed.dataset_id, parsed.figures, periods, parsed.url)
    assert refresh.validate(mixed) == [
        "total_premises : une seule période attendue par colonne (trouvé : 2026-06-30, 2026-09-30)"
    ]


# --- run ----------------------------------------------------------------------------------------------------------


def test_run_writes_the_overlay_and_the_territory_table_shows_it(user_folder: Path) -> None:
    bundled_home_23 = indicators.territory_table().set_index("code").loc["23", "aah_home"]
    messages: list[str] = []
    report = refresh.run(fetch=fixtures_fetch(), progress=messages.append)
    loaded = sources.load_sources()
    assert {loaded[i].status for i in refresh.OFFICIAL} == {"refreshed"}
    assert loaded["insee_families"].status == "bundled"
    record = loaded["arcep_broadband"]
    digest = hashlib.sha256(fixture("departement_techno.csv")).hexdigest()
    assert record.retrieved_via.startswith(f"téléchargement officiel {refresh.ARCEP_URL} le ")
    assert record.retrieved_via.endswith(f"(sha256 {digest})") and record.updated == report.updated
    assert record.period == "ftth_share_pct: 2026-09-30; total_premises: 2026-09-30"
    assert not any("third-party mirror" in caveat for caveat in record.caveats)
    indicators.reload()
    table = indicators.territory_table().set_index("code")
    assert table.loc["01", "ftth_share_pct"] == 90.0 and table.loc["2A", "unemployment_rate_pct"] == 6.4
    assert table.loc["971", "jobseekers_cat_a"] == 33000.0 and table.loc["01", "aah_recipients"] == 2320.0
    assert np.isnan(table.loc["75", "ftth_share_pct"])  # not in the fixture: missing, never 0
    assert table.loc["23", "aah_home"] == bundled_home_23  # not in the CNAF file: kept
    rows = report.table().set_index("indicateur")
    assert rows.loc["ftth_share_pct", "ancienne période → nouvelle période"] == "2026-06-30 → 2026-09-30"
    assert rows.loc["ftth_share_pct", "couverture avant → après"] == "101/101 → 6/101"
    assert rows.loc["aah_recipients", "ancienne période → nouvelle période"] == "2021 → 2025-12"
    assert rows.loc["aah_home", "statut"] == "conservé (absent du fichier officiel)"
    assert rows.loc["jobseekers_cat_a", "statut"].startswith("mis à jour")
    assert report.downloads[0].sha256 == digest and len(report.written) == 4
    assert any("sha256" in m for m in messages) and any("978" in note for note in report.notes)


def test_a_second_identical_refresh_says_unchanged(user_folder: Path) -> None:
    refresh.run(["arcep_broadband"], fetch=fixtures_fetch())
    again = refresh.run(["arcep_broadband"], fetch=fixtures_fetch(), dry_run=True)
    assert set(again.table()["statut"]) == {"inchangé"}
    assert set(again.table()["ancienne période → nouvelle période"]) == {"2026-09-30 → 2026-09-30"}


def test_a_dry_run_writes_nothing(user_folder: Path) -> None:
    report = refresh.run(fetch=fixtures_fetch(), dry_run=True)
    assert report.dry_run and report.written == ()
    assert folder_state(user_folder) == {}
    assert {s.status for s in sources.load_sources().values()} == {"bundled"}
    assert "à mettre à jour ; couverture en baisse" in set(report.table()["statut"])
    assert refresh.plan(["insee_unemployment"], fetch=fixtures_fetch())[0].new_period == "2025-Q3"


def test_all_or_nothing_one_bad_file_writes_nothing(user_folder: Path) -> None:
    refresh.run(["arcep_broadband"], fetch=fixtures_fetch())
    before = folder_state(user_folder)
    broken = fixtures_fetch({refresh.INSEE_UNEMPLOYMENT_URL: b"<html><body>503</body></html>"})
    with pytest.raises(RefreshError, match=r"(?s)rien n'a été écrit.*insee_unemployment : TCRD_025.xlsx : le serveur"):
        refresh.run(fetch=broken)
    assert folder_state(user_folder) == before  # byte-identical
    invalid = fixture("departement_techno.csv").replace(b";01;Ain;400000;360000", b";01;Ain;400000;460000")
    with pytest.raises(RefreshError, match=r"ftth_share_pct : valeurs hors de la plage plausible.*01 = 115"):
        refresh.run(fetch=fixtures_fetch({refresh.ARCEP_URL: invalid}))
    assert folder_state(user_folder) == before


def test_a_failed_write_puts_the_previous_overlay_back(user_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refresh.run(["arcep_broadband"], fetch=fixtures_fetch())
    before = folder_state(user_folder)
    calls: list[str] = []
    real = snapshot.write_dataset

    def failing(dataset_id: str, *args: object, **kwargs: object) -> Path:
        calls.append(dataset_id)
        if len(calls) == 3:
            raise OSError("disque plein")
        return real(dataset_id, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshot, "write_dataset", failing)
    with pytest.raises(RefreshError, match=r"disque plein.*rétabli"):
        refresh.run(fetch=fixtures_fetch())
    assert folder_state(user_folder) == before
    assert sources.load_sources()["insee_unemployment"].status == "bundled"


def test_unknown_ids_raise_a_value_error_naming_the_refreshable_ones() -> None:
    with pytest.raises(ValueError, match=r"\['nope'\].*'arcep_broadband', 'insee_unemployment'"):
        refresh.run(["nope"], fetch=fixtures_fetch())
    with pytest.raises(ValueError, match="no machine-readable official file"):
        refresh.run(["insee_families"], fetch=fixtures_fetch())


# --- offline ------------------------------------------------------------------------------------------------------


def test_offline_run_fails_clearly_and_leaves_the_snapshot_untouched(
    user_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refresh.run(["arcep_broadband"], fetch=fixtures_fetch())  # an existing overlay must survive
    before = folder_state(user_folder)
    monkeypatch.setattr(refresh, "BACKOFF_SECONDS", 0.0)
    with pytest.raises(RefreshError) as caught:
        refresh.run()  # the real download(); tests/conftest.py blocks the network
    message = str(caught.value)
    assert caught.value.offline
    assert f"impossible de joindre {refresh.ARCEP_URL} (pas d'accès à internet ?)" in message
    assert "regions data import" in message and "machine connectée à internet" in message
    assert all(url in message for url in FILES)
    assert folder_state(user_folder) == before


def test_download_turns_a_blocked_socket_into_a_refresh_error() -> None:
    messages: list[str] = []
    with pytest.raises(RefreshError, match=r"impossible de joindre https://example.invalid/x") as caught:
        refresh.download("https://example.invalid/x", retries=2, backoff=0, progress=messages.append)
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

    monkeypatch.setattr(refresh.urllib.request, "urlopen", urlopen)
    error_503 = urllib.error.HTTPError("https://x.test/f", 503, "Service Unavailable", Message(), None)
    answers[:] = [error_503, b"contenu"]
    assert refresh.download("https://x.test/f", timeout=5, backoff=0) == b"contenu"
    assert attempts == ["5", "5"]
    attempts.clear()
    answers[:] = [urllib.error.HTTPError("https://x.test/f", 404, "Not Found", Message(), None)]
    with pytest.raises(RefreshError, match="HTTP 404") as caught:
        refresh.download("https://x.test/f", backoff=0)
    assert len(attempts) == 1 and not caught.value.offline  # a client error is not retried, nor "offline"


# --- registry -----------------------------------------------------------------------------------------------------


def test_the_registry_matches_the_catalogue_and_the_bundled_caveats() -> None:
    catalogue = sources.load_catalogue()
    bundled = refresh._bundled_records()
    for dataset_id, official in refresh.OFFICIAL.items():
        assert official.dataset_id == dataset_id and dataset_id in bundled
        assert all(catalogue[column].dataset == dataset_id for column in official.indicators)
        for prefix in official.stale_caveats:  # each names exactly one bundled caveat
            assert sum(str(c).startswith(prefix) for c in bundled[dataset_id]["caveats"]) == 1, prefix
    assert "insee_families" not in refresh.OFFICIAL
    assert len(refresh.official_codes()) == 101 and refresh.official_codes()[19:21] == ("2A", "2B")


def test_insee_parser_refuses_a_table_of_regions() -> None:
    rows: list[list[object]] = [[None, None, "3ᵉ trim. 2025", "3ᵉ trim. 2024"], ["11", "Île-de-France", 7.0, 6.9]]
    with pytest.raises(RefreshError, match=r"11 « Île-de-France ».*régions"):
        refresh.parse_insee_unemployment(_workbook(rows))


def test_refreshed_periods_reach_the_sources_table(user_folder: Path) -> None:
    refresh.run(["arcep_broadband"], fetch=fixtures_fetch())
    indicators.reload()
    table = indicators.provenance_table(indicators.territory_table()).set_index("id")
    parsed = refresh.parse_arcep_broadband(fixture("departement_techno.csv"))
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
