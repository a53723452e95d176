"""Applicant files: every row matched (with its method) or unmatched (with its reason), never lost; confidentiality
of the aggregates; shortlists and exports that keep sensitive data out unless asked."""

from __future__ import annotations

import builtins
import csv
import io
import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regions import applicants, codes, geo, indicators, locate, tabular

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "candidates"
HEADERS = ["identifiant", "nom", "code INSEE", "code postal", "commune", "latitude", "longitude"]
GOOD_ROW = {"code postal": "36000", "commune": "Châteauroux"}  # 36044, postcode_town


def csv_bytes(rows: list[dict[str, str]], *, sep: str = ";", headers: list[str] = HEADERS) -> bytes:
    """A CSV file (UTF-8, ``sep``) with an ``identifiant`` filled on every row (no row is fully empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(headers)
    for number, row in enumerate(rows, start=1):
        writer.writerow([row.get(header, str(number) if header == "identifiant" else "") for header in headers])
    return buffer.getvalue().encode("utf-8")


def outcome(result: applicants.ImportResult, line: int) -> tuple[str, str]:
    """(commune code, method) of a matched line, or ("", reason) of an unmatched one."""
    matched = result.matched[result.matched["row"] == line]
    if len(matched):
        return str(matched["commune_code"].iloc[0]), str(matched["match_method"].iloc[0])
    unmatched = result.unmatched[result.unmatched["row"] == line]
    assert len(unmatched) == 1, f"line {line} is neither matched nor unmatched"
    return "", str(unmatched["reason"].iloc[0])


def assert_accounted(result: applicants.ImportResult, rows: int) -> None:
    assert result.rows_read == rows
    assert len(result.matched) + len(result.unmatched) == rows
    report = result.report()
    assert sum(report["matched"].values()) + sum(report["unmatched"].values()) == rows  # type: ignore[attr-defined]


# --- one case per class of input, each in a small file between two good rows ------------------------------------

CASES: list[tuple[str, dict[str, str], tuple[str, str]]] = [
    # unmatched, with the exact reason
    ("empty location", {"nom": "Anonyme"}, ("", "empty_location")),
    ("insee malformed", {"code INSEE": "1X001"}, ("", "insee_malformed")),
    ("insee unknown", {"code INSEE": "01999"}, ("", "insee_unknown")),
    ("insee of Saint-Pierre-et-Miquelon", {"code INSEE": "97501"}, ("", "outside_france")),
    ("postcode malformed", {"code postal": "ABC"}, ("", "postcode_malformed")),
    ("postcode unknown", {"code postal": "00000"}, ("", "postcode_unknown")),
    ("postcode ambiguous without town", {"code postal": "01590"}, ("", "postcode_ambiguous")),
    ("town not in postcode", {"code postal": "01590", "commune": "Lyon"}, ("", "town_not_in_postcode")),
    ("Monaco", {"code postal": "98000", "commune": "Monaco"}, ("", "outside_france")),
    ("Saint-Pierre-et-Miquelon", {"code postal": "97500"}, ("", "outside_france")),
    ("town alone unknown", {"commune": "Xyzzyville"}, ("", "town_unknown")),
    ("town alone ambiguous", {"commune": "Saint-Denis"}, ("", "town_ambiguous")),
    ("coordinates unreadable", {"latitude": "48°51'N", "longitude": "2.35"}, ("", "coordinates_unreadable")),
    ("coordinates half given", {"latitude": "48.85"}, ("", "coordinates_unreadable")),
    ("coordinates in the Atlantic", {"latitude": "46.0", "longitude": "-8.0"}, ("", "coordinates_outside")),
    ("coordinates in Spain", {"latitude": "40.4168", "longitude": "-3.7038"}, ("", "coordinates_outside")),
    # the first method that had input gives the reason
    ("insee wrong, point at sea", {"code INSEE": "01999", "latitude": "46", "longitude": "-8"}, ("", "insee_unknown")),
    ("postcode wrong, town ambiguous", {"code postal": "00000", "commune": "Saint-Denis"}, ("", "postcode_unknown")),
    # repairs and fall-through that must succeed
    ("insee lost zero", {"code INSEE": "1001"}, ("01001", "insee")),
    ("insee as float text", {"code INSEE": "1001.0"}, ("01001", "insee")),
    ("insee old Corsica", {"code INSEE": "20004"}, ("2A004", "insee")),
    ("insee lower-case Corsica", {"code INSEE": "2a004"}, ("2A004", "insee")),
    ("insee arrondissement", {"code INSEE": "75101"}, ("75056", "insee")),
    ("insee commune déléguée", {"code INSEE": "01120"}, ("01262", "insee")),
    ("insee without polygon", {"code INSEE": "15031"}, ("15031", "insee")),
    ("postcode with a space", {"code postal": "75 001"}, ("75056", "postcode")),
    ("postcode CEDEX", {"code postal": "13001 CEDEX"}, ("13055", "postcode")),
    ("postcode Cedex 12", {"code postal": "75001 Cedex 12"}, ("75056", "postcode")),
    ("postcode lost zero", {"code postal": "6000"}, ("06088", "postcode")),
    ("postcode lost zero as float", {"code postal": "6000.0"}, ("06088", "postcode")),
    ("postcode + town", {"code postal": "01590", "commune": "Dortan"}, ("01148", "postcode_town")),
    ("postcode + st etienne", {"code postal": "42000", "commune": "st etienne"}, ("42218", "postcode_town")),
    ("postcode + town with CEDEX", {"code postal": "69003", "commune": "LYON CEDEX 03"}, ("69123", "postcode_town")),
    ("town alone, no accents", {"commune": "CHATEAUROUX"}, ("36044", "town")),
    ("town alone, St", {"commune": "ST-ETIENNE"}, ("42218", "town")),
    ("town alone, CEDEX", {"commune": "Lyon Cedex 03"}, ("69123", "town")),
    ("coordinates, decimal comma", {"latitude": "48,8566", "longitude": "2,3522"}, ("75056", "coordinates")),
    ("coordinates, degrees sign", {"latitude": "48.8566°", "longitude": "2.3522°"}, ("75056", "coordinates")),
    ("coordinates overseas", {"latitude": "-20.8823", "longitude": "55.4504"}, ("97411", "coordinates")),
    ("insee malformed, postcode good", {"code INSEE": "ABC", "code postal": "36000"}, ("36044", "postcode")),
    ("postcode unknown, town unique", {"code postal": "00000", "commune": "Châteauroux"}, ("36044", "town")),
    ("town contradicts single postcode", {"code postal": "36000", "commune": "Paris"}, ("36044", "postcode")),
    ("postcode ambiguous, point inside", {"code postal": "01590", "latitude": "45.75", "longitude": "4.85"},
     ("69123", "coordinates")),
]  # fmt: skip


@pytest.mark.parametrize(("label", "row", "expected"), CASES, ids=[case[0] for case in CASES])
def test_each_class_of_input(label: str, row: dict[str, str], expected: tuple[str, str]) -> None:
    result = applicants.import_file(csv_bytes([GOOD_ROW, row, GOOD_ROW]), "candidats.csv")
    assert outcome(result, 3) == expected
    assert outcome(result, 2) == outcome(result, 4) == ("36044", "postcode_town")
    assert_accounted(result, 3)


def test_a_known_postcode_keeps_the_town_alone_from_guessing() -> None:
    """01590 is known but does not serve Lyon: the row is not matched to Lyon by its name alone."""
    result = applicants.import_frame(pd.DataFrame({"cp": ["01590"], "ville": ["Lyon"]}))
    assert result.unmatched["reason"].tolist() == ["town_not_in_postcode"]


def test_unmatched_rows_carry_french_labels_and_the_cells_as_read() -> None:
    result = applicants.import_file(csv_bytes([{"nom": "Zoé", "code postal": "01590"}]), "c.csv")
    row = result.unmatched.iloc[0]
    assert row["nom"] == "Zoé" and row["code postal"] == "01590"
    assert row["reason_label"] == applicants.REASON_LABELS["postcode_ambiguous"]
    assert set(applicants.REASON_LABELS) == set(applicants.REASON_LABELS_EN) == set(applicants.REASONS)
    assert set(applicants.METHOD_LABELS) == set(applicants.METHOD_LABELS_EN) == set(applicants.METHODS)


def test_matched_rows_name_their_commune_departement_and_region() -> None:
    result = applicants.import_frame(pd.DataFrame({"code INSEE": ["69123", "2A004"]}))
    table = result.matched[["row", "commune_code", "commune_name", "dep_code", "reg_code", "match_method"]]
    assert table.values.tolist() == [
        [2, "69123", "Lyon", "69", "84", "insee"],
        [3, "2A004", "Ajaccio", "2A", "94", "insee"],
    ]


def test_input_columns_named_like_added_ones_are_kept_under_another_name() -> None:
    frame = pd.DataFrame({"row": ["a", "b"], "reason": ["x", "y"], "cp": ["36000", "ABC"]})
    result = applicants.import_frame(frame)
    assert result.matched[["row (fichier)", "row"]].values.tolist() == [["a", 2]]
    assert result.unmatched[["reason (fichier)", "reason"]].values.tolist() == [["y", "postcode_malformed"]]


def test_numbers_given_as_numbers_are_repaired() -> None:
    frame = pd.DataFrame({"insee": [1001.0, np.nan, None], "cp": [np.nan, 6000, np.nan], "lat": [None, None, 48.8566],
                          "lon": [None, None, 2.3522]})  # fmt: skip
    result = applicants.import_frame(frame)
    assert result.matched["commune_code"].tolist() == ["01001", "06088", "75056"]
    assert result.matched["match_method"].tolist() == ["insee", "postcode", "coordinates"]


def test_line_numbers_given_are_used_and_checked() -> None:
    frame = pd.DataFrame({"cp": ["36000", ""]})
    result = applicants.import_frame(frame, line_numbers=[5, 9])
    assert result.matched["row"].tolist() == [5] and result.unmatched["row"].tolist() == [9]
    with pytest.raises(ValueError, match="line_numbers"):
        applicants.import_frame(frame, line_numbers=[5])
    with pytest.raises(ValueError, match="repeats"):
        applicants.import_frame(frame, line_numbers=[5, 5])


def test_an_empty_table_gives_an_empty_result() -> None:
    result = applicants.import_frame(pd.DataFrame({"cp": pd.Series([], dtype=str)}))
    assert result.rows_read == 0 and result.matched.empty and result.unmatched.empty
    assert result.report() == {"rows_read": 0, "matched": {}, "unmatched": {}, "detected": {}}


def test_import_result_refuses_rows_lost_or_counted_twice() -> None:
    result = applicants.import_frame(pd.DataFrame({"cp": ["36000", "ABC"]}))
    with pytest.raises(ValueError, match="rows read"):
        applicants.ImportResult(result.matched, result.unmatched, 3, result.mapping)
    twice = result.unmatched.assign(row=result.matched["row"].iloc[0])
    with pytest.raises(ValueError, match="twice"):
        applicants.ImportResult(result.matched, twice, 2, result.mapping)


# --- mapping --------------------------------------------------------------------------------------------------


def test_detect_mapping_reads_french_and_english_headers() -> None:
    french = ["Référence", "Nom Prénom", "Code_Postal", "Ville", "Code INSEE", "Latitude", "Longitude", "Compétences",
              "Disponibilité", "Fibre optique", "Télétravail souhaité", "RQTH", "Situation familiale"]  # fmt: skip
    english = ["Candidate ID", "Full name", "ZIP", "City", "COG", "lat", "lng", "Skills", "Availability", "FTTH",
               "Remote", "Disability", "Family situation"]  # fmt: skip
    for headers in (french, english):
        mapping = applicants.detect_mapping(headers)
        assert list(mapping) == list(applicants.FIELDS)
        assert list(mapping.values()) == headers


def test_detect_mapping_leaves_a_lone_coordinate_unmapped() -> None:
    mapping = applicants.detect_mapping(["cp", "latitude"])
    assert mapping["postcode"] == "cp" and mapping["lat"] is None and mapping["lon"] is None


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"name": "nom"}, "aucune colonne de localisation"),
        ({"postcode": "zip"}, "« zip » (champ postcode) n'existe pas"),
        ({"postcode": "cp", "town": "cp"}, "associée à deux champs"),
        ({"postcode": "cp", "lat": "lat"}, "latitude et longitude vont ensemble"),
        ({"postcode": "cp", "colour": "nom"}, "champ inconnu « colour »"),
        ({"lat": "lat"}, "aucune colonne de localisation"),
    ],
)
def test_check_mapping_says_what_is_wrong_in_french(mapping: applicants.ColumnMapping, message: str) -> None:
    with pytest.raises(ValueError, match="Correspondance des colonnes invalide") as error:
        applicants.check_mapping(mapping, ["nom", "cp", "lat", "lon"])
    assert message in str(error.value)


def test_a_mapping_chosen_by_the_user_is_followed() -> None:
    frame = pd.DataFrame({"Lieu": ["Châteauroux"], "Adresse postale": ["36000"]})
    assert applicants.detect_mapping(list(frame.columns))["postcode"] is None
    result = applicants.import_frame(frame, {"postcode": "Adresse postale", "town": "Lieu"})
    assert result.matched["match_method"].tolist() == ["postcode_town"]
    assert result.mapping["postcode"] == "Adresse postale" and result.mapping["name"] is None
    with pytest.raises(ValueError, match="aucune colonne de localisation"):
        applicants.import_frame(frame)


# --- files -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("utf8_comma.csv", "utf-8", ","),
        ("utf8_bom_semicolon.csv", "utf-8-sig", ";"),
        ("cp1252_semicolon.csv", "cp1252", ";"),
        ("utf8_tab.tsv", "utf-8", "\t"),
    ],
)
def test_fixture_files_in_every_encoding_and_delimiter(name: str, encoding: str, delimiter: str) -> None:
    result = applicants.import_file((FIXTURES / name).read_bytes(), name)
    assert result.detected["encoding"] == encoding and result.detected["delimiter"] == delimiter
    assert result.matched[["row", "commune_code", "match_method"]].values.tolist() == [
        [2, "36044", "postcode_town"],
        [3, "42218", "postcode_town"],
        [4, "42218", "town"],
        [6, "75056", "postcode_town"],
    ]
    assert result.unmatched[["row", "reason"]].values.tolist() == [[5, "postcode_ambiguous"]]
    assert result.matched["nom"].tolist()[0] == "Émilie Dupré"
    assert result.matched["commune"].tolist()[-1] == "Paris"
    assert_accounted(result, 5)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Candidats"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_numbers_stored_as_floats() -> None:
    data = xlsx_bytes(
        [
            ["Nom", "Code INSEE", "CP", "Latitude", "Longitude"],
            ["A", 1001.0, None, None, None],
            ["B", None, 6000.0, None, None],
            ["C", None, None, 48.8566, 2.3522],
            ["D", None, 1590.0, None, None],
        ]
    )
    result = applicants.import_file(data, "export.xlsx")
    assert result.detected == {"format": "xlsx", "sheet": "Candidats"}
    assert outcome(result, 2) == ("01001", "insee")
    assert outcome(result, 3) == ("06088", "postcode")
    assert outcome(result, 4) == ("75056", "coordinates")
    assert outcome(result, 5) == ("", "postcode_ambiguous")
    assert_accounted(result, 4)


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"nom;cp\nA;36000\nB;36000;x;y\n", "ragged.csv", "ragged_rows"),
        (bytes(range(256)) * 8, "garbage.csv", "not_text"),
        (b"\x00\x01\x02PK\x03\x04", "garbage.xlsx", "invalid_xlsx"),
        (b"", "empty.csv", "empty"),
        (b"nom;cp\n", "header_only.csv", "header_only"),
        (b"cp;cp\n36000;36000\n", "duplicated.csv", "duplicate_columns"),
    ],
)
def test_malformed_files_raise_a_readable_tabular_error(data: bytes, name: str, reason: str) -> None:
    with pytest.raises(tabular.TabularError) as error:
        applicants.import_file(data, name)
    assert error.value.reason == reason
    message = str(error.value)
    assert message and message[0].isupper() and "Traceback" not in message


def test_file_limits_are_those_of_the_settings_and_can_be_lowered() -> None:
    data = csv_bytes([GOOD_ROW] * 3)
    with pytest.raises(tabular.TabularError) as error:
        applicants.import_file(data, "c.csv", max_rows=2)
    assert error.value.reason == "too_many_rows"
    with pytest.raises(tabular.TabularError, match="volumineux"):
        applicants.import_file(data, "c.csv", max_bytes=10)


def test_cell_values_are_never_logged_and_nothing_is_written(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    applicants.import_frame(pd.DataFrame({"cp": ["36000"]}))  # warm every cache first
    real_open = builtins.open

    def read_only_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(flag in mode for flag in "wax+"):
            raise AssertionError(f"wrote {file}")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only_open)
    secret = [{"nom": "SECRET-NAME-4242", "code postal": "SECRET-99", "commune": "SECRET-TOWN"}, GOOD_ROW]
    with caplog.at_level(logging.DEBUG):
        result = applicants.import_file(csv_bytes(secret), "c.csv")
    assert len(result.unmatched) == 1
    assert "SECRET" not in caplog.text
    assert "2 rows read" in caplog.text


# --- properties ------------------------------------------------------------------------------------------------

INSEE_VALUES = ["01001", "1001", "2A004", "20004", "75101", "01999", "1X001", "97501", ""]
POSTCODES = ["36000", "6000", "01590", "75 001", "13001 CEDEX", "00000", "ABC", "98000", "1400.0", ""]
TOWNS = ["Châteauroux", "Dortan", "st etienne", "Saint-Denis", "Xyzzyville", "Lyon", "CEDEX", "Paris 01", ""]
COORDINATES = [("48,8566", "2,3522"), ("46.0", "-8.0"), ("abc", "2"), ("45.75", ""), ("-20.8823", "55.4504"), ("", "")]
NAMES = ["Zoé", '=HYPERLINK("http://x")', "Ligne\nsur deux", "", "a;b,c"]

rows_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "nom": st.sampled_from(NAMES),
            "code INSEE": st.sampled_from(INSEE_VALUES),
            "code postal": st.sampled_from(POSTCODES),
            "commune": st.sampled_from(TOWNS),
            "coordinates": st.sampled_from(COORDINATES),
        }
    ),
    min_size=1,
    max_size=60,
)


def as_rows(drawn: list[dict[str, Any]]) -> list[dict[str, str]]:
    rows = []
    for row in drawn:
        lat, lon = row["coordinates"]
        rows.append({**{k: v for k, v in row.items() if k != "coordinates"}, "latitude": lat, "longitude": lon})
    return rows


def expected_lines(rows: list[dict[str, str]]) -> list[int]:
    """Line of each record: a quoted field with a line break makes its record span several lines."""
    lines, line = [], 2
    for row in rows:
        lines.append(line)
        line += 1 + sum(value.count("\n") for value in row.values())
    return lines


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=rows_strategy, sep=st.sampled_from([";", ",", "\t"]))
def test_generated_files_never_lose_or_duplicate_a_row(drawn: list[dict[str, Any]], sep: str) -> None:
    rows = as_rows(drawn)
    result = applicants.import_file(csv_bytes(rows, sep=sep), "candidats.csv")
    assert_accounted(result, len(rows))
    lines = sorted([*result.matched["row"].tolist(), *result.unmatched["row"].tolist()])
    assert lines == expected_lines(rows)
    assert set(result.matched["match_method"]) <= set(applicants.METHODS)
    assert set(result.unmatched["reason"]) <= set(applicants.REASONS)
    assert result.matched["identifiant"].tolist() == sorted(result.matched["identifiant"].tolist(), key=int)


def reference(row: dict[str, str]) -> tuple[str, str]:
    """The documented rules, one row at a time with the scalar functions of ``regions.codes``."""
    attempts: list[tuple[str, Any]] = []
    insee, postcode, town = row["code INSEE"], row["code postal"], row["commune"]
    town_given = bool(town) and codes.slug(town) not in ("cedex", "")
    if insee:
        attempts.append(("insee", lambda: codes.normalise_commune(insee)))
    if postcode and town_given:
        attempts.append(("postcode_town", lambda: codes.communes_for_postcode(postcode, town=town)))
    if postcode:
        attempts.append(("postcode", lambda: codes.postcode_communes(postcode)))
    known = _known_postcode(postcode)
    if town_given and not known:
        attempts.append(("town", lambda: codes.find_communes_by_name(town)))
    first_reason = ""
    for method, attempt in attempts:
        try:
            found = attempt()
        except codes.CodeError as error:
            first_reason = first_reason or _reason(method, error)
            continue
        found = (found,) if isinstance(found, str) else found
        if len(found) == 1:
            return found[0], method
        first_reason = first_reason or _several(method, found)
    if row["latitude"] or row["longitude"]:
        placed = _point(row["latitude"], row["longitude"])
        if placed.startswith("coordinates_"):
            first_reason = first_reason or placed
        else:
            return placed, "coordinates"
    return "", first_reason or "empty_location"


def _known_postcode(postcode: str) -> bool:
    try:
        return bool(postcode) and bool(codes.postcode_communes(postcode))
    except codes.CodeError:
        return False


def _reason(method: str, error: codes.CodeError) -> str:
    if error.reason == "outside_france":
        return "outside_france"
    if method == "insee":
        if error.reason == "malformed":
            return "insee_malformed"
        return "outside_france" if locate._OUTSIDE_INSEE.match(str(error.value)) else "insee_unknown"
    if error.reason == "town_not_in_postcode":
        return "town_not_in_postcode"
    return {"malformed": "postcode_malformed"}.get(error.reason, "postcode_unknown")


def _several(method: str, found: tuple[str, ...]) -> str:
    if method == "postcode":
        return "postcode_ambiguous"
    return "town_ambiguous" if found else "town_unknown"


def _point(lat: str, lon: str) -> str:
    try:
        y, x = float(lat.replace(",", ".")), float(lon.replace(",", "."))
    except ValueError:
        return "coordinates_unreadable"
    inside = geo.communes().pipe(lambda f: f[f.geometry.intersects(gpd.points_from_xy([x], [y])[0])])
    return str(inside["code"].min()) if len(inside) else "coordinates_outside"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=rows_strategy)
def test_the_vectorised_join_equals_the_rules_applied_row_by_row(drawn: list[dict[str, Any]]) -> None:
    rows = as_rows(drawn)
    result = applicants.import_frame(pd.DataFrame(rows, columns=HEADERS[1:]))
    got = [outcome(result, line) for line in range(2, len(rows) + 2)]
    assert got == [reference(row) for row in rows]


# --- aggregation -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool() -> applicants.ImportResult:
    """7 applicants in Ain (01), 3 in Rhône (69), 3 in Paris (75), 1 unmatched; skills, RQTH, family."""
    rows = (
        [("01001", "Vente; Anglais", "Immédiate", "oui", "oui", "")] * 4
        + [("01053", "vente|Relation client", "Sous 1 mois", "non", "", "parent isolé")] * 3
        + [("69123", "Anglais", "Immédiate", "x", "oui", "")] * 3
        + [("75056", "", "Sous 3 mois", "OUI", "", "")] * 3
        + [("ABCDE", "Vente", "Immédiate", "oui", "oui", "")]
    )
    frame = pd.DataFrame(rows, columns=["code INSEE", "Compétences", "Disponibilité", "Fibre", "RQTH",
                                        "Situation familiale"])  # fmt: skip
    frame.insert(0, "Nom", [f"Candidat {i}" for i in range(len(frame))])
    return applicants.import_frame(frame)


def test_departements_are_all_listed_with_suppression(pool: applicants.ImportResult) -> None:
    table = applicants.aggregate(pool.matched)
    assert list(table.columns) == ["code", "name", "applicants", "applicants_display", "per_10000", "suppressed"]
    assert len(table) == 101 and table["code"].is_unique
    by_code = table.set_index("code")
    ain, rhone, paris, cantal = (by_code.loc[code] for code in ("01", "69", "75", "15"))
    population = 679344  # INSEE, Ain at 1 January 2023: the score's denominator too (applicants_per_10k)
    assert ain["applicants"] == 7 and ain["applicants_display"] == "7" and not ain["suppressed"]
    assert ain["per_10000"] == pytest.approx(7 / population * 10_000)
    mayotte = by_code.loc["976"]  # no 2017 commune population, but a 2023 estimate: a real 0, not missing
    assert mayotte["applicants"] == 0 and mayotte["per_10000"] == 0.0
    for small in (rhone, paris):
        assert small["applicants"] is pd.NA and small["applicants_display"] == "< 5" and small["suppressed"]
        assert np.isnan(small["per_10000"])
    assert cantal["applicants"] == 0 and cantal["applicants_display"] == "0" and not cantal["suppressed"]
    assert cantal["per_10000"] == 0.0
    assert str(table["applicants"].dtype) == "Int64"


def test_regions_sum_their_departements_before_suppression(pool: applicants.ImportResult) -> None:
    table = applicants.aggregate(pool.matched, "region").set_index("code")
    assert len(table) == 18
    assert table.loc["84", "applicants"] == 10  # Ain 7 + Rhône 3 (3 alone would be suppressed)
    assert table.loc["11", "applicants_display"] == "< 5"
    assert applicants.applicant_counts(pool.matched, "region").loc[["84", "11", "24"]].tolist() == [10, 3, 0]


def test_communes_only_where_there_are_applicants(pool: applicants.ImportResult) -> None:
    table = applicants.aggregate(pool.matched, "commune")
    assert table["code"].tolist() == ["01001", "01053", "69123", "75056"]
    assert table["applicants_display"].tolist() == ["< 5", "< 5", "< 5", "< 5"]
    assert applicants.applicant_counts(pool.matched, "commune").to_dict() == {
        "01001": 4, "01053": 3, "69123": 3, "75056": 3
    }  # fmt: skip


def test_threshold_is_a_parameter() -> None:
    matched = applicants.import_frame(pd.DataFrame({"insee": ["01001", "01001"]})).matched
    assert applicants.aggregate(matched, threshold=1).set_index("code").loc["01", "applicants"] == 2
    assert applicants.aggregate(matched, threshold=3).set_index("code").loc["01", "suppressed"]
    with pytest.raises(ValueError, match="threshold"):
        applicants.aggregate(matched, threshold=0)
    with pytest.raises(ValueError, match="level"):
        applicants.aggregate(matched, "canton")  # type: ignore[arg-type]


def test_skills_are_split_and_grouped_case_insensitively(pool: applicants.ImportResult) -> None:
    table = applicants.aggregate(pool.matched, by="skills", mapping=pool.mapping, threshold=3)
    assert list(table.columns) == ["code", "name", "category", "applicants", "applicants_display", "per_10000",
                                   "suppressed"]  # fmt: skip
    assert len(table) == 101 * 4  # Anglais, Relation client, Vente, (non renseigné) for every département
    ain = table[table["code"] == "01"].set_index("category")["applicants"].to_dict()
    assert ain == {"Anglais": 4, "Relation client": 3, "Vente": 7, applicants.NOT_GIVEN: 0}
    paris = table[table["code"] == "75"].set_index("category")["applicants"].to_dict()
    assert paris[applicants.NOT_GIVEN] == 3
    assert table["category"].tolist()[:4] == ["Anglais", "Relation client", "Vente", applicants.NOT_GIVEN]


def test_sensitive_breakdowns_are_suppressed_the_same_way(pool: applicants.ImportResult) -> None:
    table = applicants.aggregate(pool.matched, by="disability", mapping=pool.mapping)
    ain = table[table["code"] == "01"].set_index("category")
    assert ain.loc["oui", "applicants_display"] == "< 5" and ain.loc["oui", "applicants"] is pd.NA
    assert ain.loc[applicants.NOT_GIVEN, "applicants_display"] == "< 5"
    family = applicants.aggregate(pool.matched, "region", by="family", mapping=pool.mapping).set_index(
        ["code", "category"]
    )
    assert family.loc[("84", "parent isolé"), "suppressed"]
    assert family.loc[("84", applicants.NOT_GIVEN), "applicants"] == 7
    with pytest.raises(ValueError, match="by"):
        applicants.aggregate(pool.matched, by="name", mapping=pool.mapping)
    with pytest.raises(ValueError, match="telework"):
        applicants.aggregate(pool.matched, by="telework", mapping=pool.mapping)


def test_commune_breakdown_lists_only_cells_with_applicants(pool: applicants.ImportResult) -> None:
    table = applicants.aggregate(pool.matched, "commune", by="availability", mapping=pool.mapping, threshold=1)
    assert table[["code", "category", "applicants"]].values.tolist() == [
        ["01001", "Immédiate", 4],
        ["01053", "Sous 1 mois", 3],
        ["69123", "Immédiate", 3],
        ["75056", "Sous 3 mois", 3],
    ]


# --- shortlist and exports -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lyon_site() -> gpd.GeoDataFrame:
    frame = pd.DataFrame({"site_id": ["S1"], "dep_code": ["69"]})
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy([4.8357], [45.764]), crs="EPSG:4326")


def shortlist_rows(frame: pd.DataFrame) -> list[int]:
    return [int(row) for row in frame["row"]]


def test_shortlist_by_departement_skills_availability_fibre(
    pool: applicants.ImportResult, lyon_site: gpd.GeoDataFrame
) -> None:
    def rows(**filters: Any) -> list[int]:
        chosen = applicants.select_applicants(pool.matched, pool.mapping, site_points=lyon_site, **filters)
        return shortlist_rows(chosen)

    assert rows(departements=["01", "69"]) == list(range(2, 12))
    assert rows(departements=["1"]) == list(range(2, 9))  # codes are normalised
    assert rows(departements=[]) == []
    assert rows(departements=["01", "69", "75"], skills=["VENTE"]) == list(range(2, 9))
    assert rows(departements=["01", "69", "75"], skills=["relation client", "anglais"]) == list(range(2, 12))
    assert rows(departements=["01", "69", "75"], availability=["immédiate"]) == [2, 3, 4, 5, 9, 10, 11]
    assert rows(departements=["01", "69", "75"], fibre_only=True) == [2, 3, 4, 5, 9, 10, 11, 12, 13, 14]


def test_shortlist_travel_to_the_nearest_site(pool: applicants.ImportResult, lyon_site: gpd.GeoDataFrame) -> None:
    chosen = applicants.select_applicants(
        pool.matched, pool.mapping, departements=["01", "69", "75"], site_points=lyon_site
    )
    minutes = chosen.set_index("row")[applicants.TRAVEL_COLUMN]
    assert minutes.loc[9] == pytest.approx(0.0, abs=5)  # Lyon
    assert 30 < minutes.loc[6] < 90  # Bourg-en-Bresse
    assert minutes.loc[12] > 300  # Paris
    near = applicants.select_applicants(
        pool.matched, pool.mapping, departements=["01", "69", "75"], site_points=lyon_site, max_travel_min=90
    )
    assert shortlist_rows(near) == list(range(2, 12))
    default_sites = applicants.select_applicants(pool.matched, pool.mapping, departements=["75"])
    assert default_sites[applicants.TRAVEL_COLUMN].notna().all()


def test_an_island_reaches_only_its_own_sites(lyon_site: gpd.GeoDataFrame) -> None:
    result = applicants.import_frame(pd.DataFrame({"insee": ["2A004", "15031"]}))
    chosen = applicants.select_applicants(
        result.matched, result.mapping, departements=["2A", "15"], site_points=lyon_site
    )
    assert chosen[applicants.TRAVEL_COLUMN].isna().all()  # Corsica: no site on its network; 15031: no polygon
    assert applicants.select_applicants(
        result.matched, result.mapping, departements=["2A", "15"], site_points=lyon_site, max_travel_min=10_000
    ).empty


def test_a_filter_on_a_field_without_column_is_refused(lyon_site: gpd.GeoDataFrame) -> None:
    result = applicants.import_frame(pd.DataFrame({"insee": ["01001"]}))
    with pytest.raises(ValueError, match="skills"):
        applicants.select_applicants(
            result.matched, result.mapping, departements=["01"], skills=["Vente"], site_points=lyon_site
        )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), drop=st.booleans())
def test_the_shortlist_never_uses_sensitive_columns(
    pool: applicants.ImportResult, lyon_site: gpd.GeoDataFrame, seed: int, drop: bool
) -> None:
    rng = np.random.default_rng(seed)
    altered = pool.matched.copy()
    sensitive = [pool.mapping["disability"], pool.mapping["family"]]
    mapping = dict(pool.mapping)
    if drop:
        altered = altered.drop(columns=sensitive)
        mapping.update(disability=None, family=None)
    else:
        for column in sensitive:
            altered[column] = rng.permutation(altered[column].to_numpy())
    filters: dict[str, Any] = {"departements": ["01", "69", "75"], "skills": ["Vente", "Anglais"],
                               "availability": ["Immédiate", "Sous 1 mois"], "fibre_only": True,
                               "max_travel_min": 120, "site_points": lyon_site}  # fmt: skip
    original = applicants.select_applicants(pool.matched, pool.mapping, **filters)
    again = applicants.select_applicants(altered, mapping, **filters)
    assert shortlist_rows(again) == shortlist_rows(original)


def test_sensitive_columns_are_dropped_unless_asked(pool: applicants.ImportResult) -> None:
    frame = pool.matched.assign(**{"Statut RQTH": "oui", "Handicap (O/N)": "", "Handicapé": "x"})
    dropped = applicants.export_columns(frame, pool.mapping)
    assert {"RQTH", "Situation familiale", "Statut RQTH", "Handicap (O/N)", "Handicapé"}.isdisjoint(dropped.columns)
    assert "Nom" in dropped.columns and "Compétences" in dropped.columns
    kept = applicants.export_columns(frame, pool.mapping, include_sensitive=True)
    assert list(kept.columns) == list(frame.columns)


#: Headers of the issue that left in the exports by their exact words, and a few more criteria of L1132-1.
PROTECTED = {
    "Situation de famille": "pacsée", "Nombre d'enfants": "3", "Enfants": "oui", "Handicapé": "oui",
    "Personne handicapée": "non", "Statut BOETH": "BOETH", "Nationalité": "française",
    "Date de naissance": "1987-03-14", "Religion": "x", "Âge": "38", "N° SS": "2870375001002",
}  # fmt: skip
JOB = {"nom": "Zoé", "cp": "36000", "Compétences": "Vente", "Disponibilité": "immédiate", "Langues": "anglais",
       "Village": "oui", "Famille de métiers": "relation client", "Nom de famille": "Martin"}  # fmt: skip


def test_sensitive_columns_are_recognised_by_meaning_in_every_export() -> None:
    frame = pd.DataFrame({name: [value] for name, value in {**JOB, **PROTECTED}.items()})
    result = applicants.import_frame(frame)
    assert result.mapping["disability"] is None and result.mapping["family"] is None  # none of them is mapped
    found = applicants.sensitive_detections(result.matched, result.mapping)
    assert [d.column for d in found] == list(PROTECTED)
    assert applicants.sensitive_columns(result.matched, result.mapping) == list(PROTECTED)
    exported = applicants.export_columns(result.matched, result.mapping)
    assert set(PROTECTED).isdisjoint(exported.columns) and set(JOB) <= set(exported.columns)
    table = csv_table(applicants.applicants_csv(result.matched, result.mapping, include_sensitive=False,
                                                french_excel=True), ";")  # fmt: skip
    assert set(PROTECTED).isdisjoint(table[0]) and "pacsée" not in table[1] and "française" not in table[1]
    book = openpyxl.load_workbook(io.BytesIO(applicants.applicants_workbook(
        result.matched, result.mapping, include_sensitive=False, about=[])))  # fmt: skip
    header = [cell.value for cell in next(book["Candidats"].iter_rows(max_row=1))]
    assert set(PROTECTED).isdisjoint(header) and "Langues" in header
    notes = dict(book["À propos"].iter_rows(min_row=2, values_only=True))
    assert notes["Colonnes sensibles retirées"] == ", ".join(PROTECTED)
    assert notes["Colonnes déclarées non sensibles par l'utilisateur"] == "aucune"
    reasons = [value for key, value in book["À propos"].iter_rows(values_only=True) if key == "Motif du retrait"]
    assert (
        reasons[0]
        == "Situation de famille : situation de famille, grossesse (Code du travail L1132-1) — « situation de famille »"
    )


def test_a_column_declared_not_sensitive_is_kept_and_the_export_says_so() -> None:
    frame = pd.DataFrame({"nom": ["Zoé"], "cp": ["36000"], "Langue maternelle": ["créole"], "RQTH": ["oui"],
                          "Enfants": ["2"]})  # fmt: skip
    result = applicants.import_frame(frame)
    kept = ["Langue maternelle"]
    exported = applicants.export_columns(result.matched, result.mapping, not_sensitive=kept)
    assert "Langue maternelle" in exported.columns and {"RQTH", "Enfants"}.isdisjoint(exported.columns)
    lines = csv_lines(applicants.applicants_csv(result.matched, result.mapping, include_sensitive=False,
                                                french_excel=False, not_sensitive=kept), ",")  # fmt: skip
    assert [
        "# Colonnes déclarées non sensibles par l'utilisateur : Langue maternelle (détectée : origine, nationalité, "
        "lieu de naissance — « langue maternelle »)"
    ] in lines  # the CSV's commented block says it, as the XLSX's "À propos" sheet does
    table = [row for row in lines if not row[0].startswith("#")]
    assert "Langue maternelle" in table[0] and "créole" in table[1] and "RQTH" not in table[0]
    book = openpyxl.load_workbook(io.BytesIO(applicants.applicants_workbook(
        result.matched, result.mapping, include_sensitive=False, about=[], not_sensitive=kept)))  # fmt: skip
    notes = dict(book["À propos"].iter_rows(min_row=2, values_only=True))
    assert notes["Colonnes déclarées non sensibles par l'utilisateur"].startswith("Langue maternelle (détectée : ")
    assert notes["Colonnes sensibles retirées"] == "RQTH, Enfants"
    plain = applicants.applicants_csv(result.matched, result.mapping, include_sensitive=False, french_excel=False)
    plain_lines = csv_lines(plain, ",")
    assert ["# Colonnes déclarées non sensibles par l'utilisateur : aucune"] in plain_lines
    assert csv_table(plain, ",")[0][0] == "nom"  # the header right after the block


def test_declaring_an_unknown_or_a_mapped_column_not_sensitive_is_refused() -> None:
    frame = pd.DataFrame({"cp": ["36000"], "RQTH": ["oui"], "Âge": ["40"]})
    result = applicants.import_frame(frame)
    assert result.mapping["disability"] == "RQTH"
    with pytest.raises(ValueError, match="aucune colonne « Agé » dans le fichier"):
        applicants.export_columns(result.matched, result.mapping, not_sensitive=["Agé"])
    with pytest.raises(ValueError, match="« RQTH » est associée au champ disability"):
        applicants.applicants_csv(result.matched, result.mapping, include_sensitive=False, french_excel=True,
                                  not_sensitive=["RQTH"])  # fmt: skip
    with pytest.raises(ValueError, match="one string"):
        applicants.export_columns(result.matched, result.mapping, not_sensitive="Âge")


def csv_lines(data: bytes, sep: str) -> list[list[str]]:
    """Every row of an exported CSV, its ``#`` metadata block included."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=sep))


def csv_table(data: bytes, sep: str) -> list[list[str]]:
    """The table of an exported CSV: its header and rows, without the ``#`` metadata block above them."""
    rows = csv_lines(data, sep)
    block = [row for row in rows if row and row[0].startswith("#")]
    assert rows[: len(block)] == block  # the block is above the header, never among the rows
    return rows[len(block) :]


def test_applicant_csv_keeps_sensitive_columns_out_by_default() -> None:
    frame = pd.DataFrame({"nom": ['=HYPERLINK("http://x","clic")', "Zoé"], "cp": ["36000", "42000"],
                          "rqth": ["oui", ""], "situation familiale": ["", "parent isolé"]})  # fmt: skip
    result = applicants.import_frame(frame)
    default = csv_table(applicants.applicants_csv(result.matched, result.mapping, include_sensitive=False,
                                                  french_excel=True), ";")  # fmt: skip
    assert "rqth" not in default[0] and "situation familiale" not in default[0]
    assert default[1][0] == '\'=HYPERLINK("http://x","clic")'
    full = csv_table(applicants.applicants_csv(result.matched, result.mapping, include_sensitive=True,
                                               french_excel=False), ",")  # fmt: skip
    assert "rqth" in full[0] and "situation familiale" in full[0]


def test_applicant_workbook_records_what_was_exported_and_why() -> None:
    frame = pd.DataFrame({"nom": ["=1+1", "Zoé"], "cp": ["36000", "42000"], "RQTH": ["oui", ""]})
    result = applicants.import_frame(frame)
    about = ["Départements : 36, 42", "Compétences : toutes"]

    def sheets(data: bytes) -> tuple[list[list[Any]], dict[str, list[str]]]:
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        assert workbook.sheetnames == ["Candidats", "À propos"]
        rows = [list(row) for row in workbook["Candidats"].iter_rows(values_only=True)]
        notes: dict[str, list[str]] = {}
        for key, value in list(workbook["À propos"].iter_rows(values_only=True))[1:]:
            notes.setdefault(str(key), []).append(str(value))
        return rows, notes

    rows, notes = sheets(applicants.applicants_workbook(result.matched, result.mapping,
                                                              include_sensitive=False, about=about))  # fmt: skip
    assert "RQTH" not in rows[0] and rows[1][0] == "'=1+1"
    assert notes["Données sensibles incluses"] == ["non"] and notes["Candidats exportés"] == ["2"]
    assert notes["Colonnes sensibles retirées"] == ["RQTH"] and notes["Filtres et notes"] == about
    assert "Mention acceptée" not in notes and len(notes["Date de l'export"]) == 1

    rows, notes = sheets(
        applicants.applicants_workbook(
            result.matched, result.mapping, include_sensitive=True, about=about,
            purpose="l'aménagement des postes de travail",
        )
    )  # fmt: skip
    assert "RQTH" in rows[0]
    assert notes["Données sensibles incluses"] == ["oui"]
    assert notes["Mention acceptée"] == [
        "Export incluant des données sensibles (santé, handicap, situation de famille, origine, âge…) à la demande "
        "explicite de l'utilisateur, pour l'aménagement des postes de travail."
    ]
    with pytest.raises(ValueError, match="finalité"):
        applicants.applicants_workbook(result.matched, result.mapping, include_sensitive=True, about=about)
    accepted = [*about, applicants.sensitive_sentence("le suivi des aménagements")]
    _, notes = sheets(applicants.applicants_workbook(result.matched, result.mapping, include_sensitive=True,
                                                     about=accepted))  # fmt: skip
    assert notes["Mention acceptée"] == [applicants.sensitive_sentence("le suivi des aménagements")]
    assert notes["Filtres et notes"] == about


def test_a_job_filter_mapped_onto_a_sensitive_column_is_refused(lyon_site: gpd.GeoDataFrame) -> None:
    frame = pd.DataFrame({"insee": ["01001"], "Statut handicap": ["oui"]})
    result = applicants.import_frame(frame, {"insee": "insee", "availability": "Statut handicap"})
    with pytest.raises(ValueError, match="sensibles"):
        applicants.select_applicants(
            result.matched, result.mapping, departements=["01"], availability=["oui"], site_points=lyon_site
        )


def test_selection_about_describes_the_filters() -> None:
    lines = applicants.selection_about(departements=["01", "69"], skills=["Vente"], fibre_only=True, max_travel_min=90)
    assert lines == [
        "Départements : 01, 69",
        "Compétences (au moins une) : Vente",
        "Disponibilité : toutes",
        "Connexion fibre exigée : oui",
        "Trajet jusqu'au site le plus proche : au plus 90 min (estimation)",
    ]


def test_a_quote_never_closed_is_refused_not_half_the_file_read() -> None:
    """The issue's file: 1 000 applicants, a name cell on line 501 opening a quote that nothing closes."""
    lines = csv_bytes([GOOD_ROW] * 1000).decode().splitlines(keepends=True)
    assert lines[500].startswith("500;;")
    lines[500] = lines[500].replace(";;", ';"Dupont, Jean;', 1)
    with pytest.raises(tabular.TabularError) as error:
        applicants.import_file("".join(lines).encode(), "candidats.csv")  # today: 500 rows read, 500 lost
    assert error.value.reason == "unclosed_quote" and error.value.lines == (501,)
    assert str(error.value).startswith('Ligne 501, colonne « nom » : guillemet « " » jamais refermé')
    lines[500] = lines[500].replace('"Dupont, Jean;', '"Dupont, Jean";')  # the quote closed: every row is there
    assert_accounted(applicants.import_file("".join(lines).encode(), "candidats.csv"), 1000)


def test_a_real_multiline_cell_keeps_every_applicant_on_their_line() -> None:
    rows = [dict(GOOD_ROW, nom="Dupont\nJean, dit « Jo »" if n == 500 else "") for n in range(1000)]
    result = applicants.import_file(csv_bytes(rows), "candidats.csv")
    assert_accounted(result, 1000)
    assert outcome(result, 1002) == ("36044", "postcode_town")  # the last applicant, one line further down
    assert set(result.matched["row"]) == set(range(2, 503)) | set(range(504, 1003))  # line 503 is inside a cell


def test_pool_depth_is_the_same_on_the_pool_page_and_in_the_score(pool: applicants.ImportResult) -> None:
    per_dep = applicants.aggregate(pool.matched).set_index("code")
    counts = per_dep["applicants"].astype("Float64").fillna(0).astype(float)
    table = indicators.territory_table(applicants=counts).set_index("code")
    shown = per_dep["per_10000"].dropna()
    assert len(shown) == 101 - int(per_dep["suppressed"].sum()) == 99  # Rhône and Paris are suppressed
    assert np.allclose(table.loc[shown.index, "applicants_per_10k"], shown)
