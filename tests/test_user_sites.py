"""Sites supplied by the user: every row located in a commune or rejected with its reason, none lost."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regions import geo, sites, tabular

HEADERS = list(sites.TEMPLATE_HEADERS)

# One row per path and per rejection reason: (label, row, expected commune code or None, expected reason or None).
CASES: list[tuple[str, dict[str, str], str | None, str | None]] = [
    ("coordinates", {"latitude": "48,8566", "longitude": "2,3522"}, "75056", None),
    ("coordinates overseas", {"latitude": "-20.8823", "longitude": "55.4504"}, "97411", None),
    ("insee", {"code INSEE": "01001"}, "01001", None),
    ("insee lost zero", {"code INSEE": "1001"}, "01001", None),
    ("insee corsica", {"code INSEE": "2A004"}, "2A004", None),
    ("postcode + town", {"code postal": "01590", "commune": "Dortan"}, "01148", None),
    ("postcode alone", {"code postal": "36000"}, "36044", None),
    ("town alone", {"commune": "Châteauroux"}, "36044", None),
    ("town + département", {"commune": "Saint-Denis", "département": "93"}, "93066", None),
    (
        "coordinates unreadable",
        {"latitude": "48°51'N", "longitude": "2.35"},
        None,
        "latitude/longitude illisibles (« 48°51'N » ; « 2.35 »)",
    ),
    (
        "coordinates half given",
        {"latitude": "48.85", "commune": "Paris"},
        None,
        "latitude/longitude illisibles (« 48.85 » ; «  »)",
    ),
    (
        "coordinates at sea",
        {"latitude": "46.0", "longitude": "-8.0"},
        None,
        "coordonnées hors de toute commune française",
    ),
    (
        "coordinates swapped",
        {"latitude": "2.3522", "longitude": "48.8566"},
        None,
        "coordonnées hors de toute commune française (latitude et longitude inversées ?)",
    ),
    ("insee unknown", {"code INSEE": "99999"}, None, "code INSEE inconnu : 99999"),
    (
        "insee malformed",
        {"code INSEE": "ABC"},
        None,
        "code INSEE mal formé : ABC (5 caractères attendus, par ex. 01001 ou 2A004)",
    ),
    (
        "insee without polygon",
        {"code INSEE": "15031"},
        None,
        "commune 15031 (Celles) sans contour géographique : indiquez ses coordonnées",
    ),
    (
        "postcode ambiguous",
        {"code postal": "01590"},
        None,
        "code postal 01590 : 3 communes possibles, précisez la commune",
    ),
    (
        "town not in postcode",
        {"code postal": "01590", "commune": "Paris"},
        None,
        "commune « Paris » absente du code postal 01590 (communes de ce code : Dortan, Chancia, Lavancia-Epercy)",
    ),
    ("postcode unknown", {"code postal": "99999"}, None, "code postal inconnu : 99999"),
    (
        "postcode malformed",
        {"code postal": "75-01"},
        None,
        "code postal mal formé : 75-01 (5 chiffres attendus, par ex. 01400)",
    ),
    ("postcode monaco", {"code postal": "98000"}, None, "code postal hors des départements français : 98000"),
    (
        "town ambiguous",
        {"commune": "Saint-Denis"},
        None,
        "commune « Saint-Denis » : 4 communes portent ce nom, précisez le code postal ou le département",
    ),
    ("town unknown", {"commune": "Xyzzyville"}, None, "commune inconnue : Xyzzyville"),
    (
        "town unknown in département",
        {"commune": "Dortan", "département": "75"},
        None,
        "commune inconnue : Dortan (département 75)",
    ),
    ("département unknown", {"commune": "Dortan", "département": "99"}, None, "département inconnu : 99"),
    (
        "nothing",
        {"nom": "Site sans adresse", "opérateur": "X"},
        None,
        "aucune localisation (commune, code postal, code INSEE ou coordonnées)",
    ),
]


def _frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{header: row.get(header, "") for header in HEADERS} for row in rows], columns=HEADERS)


def _line_of_note(note: str) -> int:
    match = re.fullmatch(r"ajouté par l'utilisateur \(ligne (\d+)\)", note)
    assert match, note
    return int(match.group(1))


@pytest.fixture(scope="module")
def communes() -> gpd.GeoDataFrame:
    return geo.communes().set_index("code")


@pytest.fixture(scope="module")
def imported() -> sites.SitesImport:
    rows = [{"nom": label, **row} for label, row, _, _ in CASES]
    return sites.read_user_sites(_frame(rows))


@pytest.mark.parametrize(("label", "row", "code", "reason"), CASES, ids=[case[0] for case in CASES])
def test_each_path_and_reason(
    imported: sites.SitesImport, label: str, row: dict[str, str], code: str | None, reason: str | None
) -> None:
    line = [case[0] for case in CASES].index(label) + 2
    if code is not None:
        located = imported.located[imported.located["match_note"] == f"ajouté par l'utilisateur (ligne {line})"]
        assert len(located) == 1 and located["commune_code"].iloc[0] == code
        assert (imported.rejected["row"] != line).all()
    else:
        rejected = imported.rejected[imported.rejected["row"] == line]
        assert rejected["reason"].tolist() == [reason]
        assert rejected["nom"].iloc[0] == row.get("nom", label)  # the input row as read


def test_every_row_is_accounted_for_once(imported: sites.SitesImport) -> None:
    assert imported.rows_read == len(CASES)
    assert len(imported.located) + len(imported.rejected) == imported.rows_read
    lines = [*imported.located["match_note"].map(_line_of_note), *imported.rejected["row"]]
    assert sorted(lines) == list(range(2, len(CASES) + 2))


def test_located_rows_fit_the_bundled_sites(imported: sites.SitesImport) -> None:
    located = imported.located
    bundled = sites.load_sites()
    assert list(located.columns) == list(bundled.columns)
    assert located["site_id"].tolist() == [f"U{k:03d}" for k in range(1, len(located) + 1)]
    assert located.crs.to_epsg() == 4326 and located["matched"].all()
    assert (located["operator"] == sites.USER_OPERATOR).all()
    assert (located["year"] == "").all() and (located["source_url"] == "").all()
    both = pd.concat([bundled, located], ignore_index=True)
    assert isinstance(both, gpd.GeoDataFrame) and both["site_id"].is_unique
    assert dict(both.dtypes) == dict(bundled.dtypes)


def test_located_rows_lie_in_their_commune(imported: sites.SitesImport, communes: gpd.GeoDataFrame) -> None:
    for site in imported.located.itertuples():
        commune = communes.loc[site.commune_code]
        assert commune.geometry.covers(site.geometry), site.site_id
        assert commune["dep_code"] == site.dep_code and commune["name"] == site.commune_name


def test_location_methods(imported: sites.SitesImport) -> None:
    by_note = imported.located.set_index("match_note")
    assert by_note.loc["ajouté par l'utilisateur (ligne 2)", "location_method"] == "coordonnées fournies"
    paris = by_note.loc["ajouté par l'utilisateur (ligne 2)"]
    assert (paris["lat"], paris["lon"]) == (48.8566, 2.3522)  # the given coordinates are kept
    assert by_note.loc["ajouté par l'utilisateur (ligne 4)", "location_method"] == geo.CENTROID


def test_codes_stay_text() -> None:
    result = sites.read_user_sites(_frame([{"code INSEE": "2A004"}, {"code INSEE": "01001"}, {"code postal": "01590"}]))
    assert result.located["commune_code"].tolist() == ["2A004", "01001"]
    assert result.located["dep_code"].tolist() == ["2A", "01"]
    assert result.rejected["code postal"].tolist() == ["01590"]


def test_html_and_operator_are_kept_literally() -> None:
    name, operator = "<script>alert('x')</script> & <b>Site</b>", "Acme <i>SA</i>"
    result = sites.read_user_sites(_frame([{"nom": name, "opérateur": operator, "code INSEE": "01001"}]))
    assert result.located["site_name"].tolist() == [name]
    assert result.located["operator"].tolist() == [operator]


def test_columns_are_matched_from_common_headers() -> None:
    frame = pd.DataFrame(
        {
            "Nom du site": ["A", "B"],
            "VILLE": ["Dortan", ""],
            "CP": ["01590", ""],
            "Société": ["Acme", ""],
            "Lat": ["", "45,75"],
            "Lng": ["", "4,85"],
        }
    )
    mapping = tabular.match_columns(list(frame.columns), sites.SITE_FIELDS)
    assert mapping == {
        "name": "Nom du site",
        "town": "VILLE",
        "postcode": "CP",
        "insee": None,
        "lat": "Lat",
        "lon": "Lng",
        "operator": "Société",
        "departement": None,
    }
    result = sites.read_user_sites(frame)
    assert result.located["commune_code"].tolist() == ["01148", "69123"]  # Lyon (the commune, not its arrondissement)
    assert result.located["operator"].tolist() == ["Acme", sites.USER_OPERATOR]


def test_explicit_mapping_and_bad_mappings() -> None:
    frame = pd.DataFrame({"where": ["01001"], "what": ["Site"]})
    result = sites.read_user_sites(frame, {"insee": "where", "name": "what"})
    assert result.located["site_name"].tolist() == ["Site"]
    with pytest.raises(ValueError, match=r"`mapping` has fields \['colour'\]"):
        sites.read_user_sites(frame, {"colour": "where"})
    with pytest.raises(ValueError, match=r"`mapping\['insee'\]` was 'nowhere'"):
        sites.read_user_sites(frame, {"insee": "nowhere"})


def test_line_numbers_from_the_file_are_used() -> None:
    data = b'nom;commune\n"Site\nsur deux lignes";Dortan\nB;Nullepart\n'
    table = tabular.read_table(data, "sites.csv")
    result = sites.read_user_sites(table.frame, line_numbers=table.line_numbers)
    assert result.located["match_note"].tolist() == ["ajouté par l'utilisateur (ligne 2)"]
    assert result.rejected[["row", "reason"]].to_dict("records") == [
        {"row": 4, "reason": "commune inconnue : Nullepart"}
    ]


def test_input_columns_named_row_or_reason_are_not_overwritten() -> None:
    frame = pd.DataFrame({"commune": ["Nullepart"], "reason": ["mine"], "row": ["7"]})
    rejected = sites.read_user_sites(frame).rejected
    assert rejected.to_dict("records") == [
        {
            "commune": "Nullepart",
            "reason (fichier)": "mine",
            "row (fichier)": "7",
            "row": 2,
            "reason": "commune inconnue : Nullepart",
        }
    ]


def test_numbers_and_missing_values_from_an_edited_table() -> None:
    frame = pd.DataFrame(
        {
            "code postal": [1590.0, None],
            "commune": ["Dortan", None],
            "latitude": [None, 45.75],
            "longitude": [float("nan"), 4.85],
        }
    )
    result = sites.read_user_sites(frame)
    assert result.located["commune_code"].tolist() == ["01148", "69123"]


def test_empty_table_and_template() -> None:
    template = sites.sites_template()
    assert list(template.columns) == HEADERS and template.empty
    assert set(tabular.match_columns(HEADERS, sites.SITE_FIELDS).values()) == set(HEADERS)  # every field found
    result = sites.read_user_sites(template)
    assert result.rows_read == 0 and result.located.empty and result.rejected.empty
    assert list(result.located.columns) == list(sites.load_sites().columns)
    assert list(result.rejected.columns) == [*HEADERS, "row", "reason"]


def test_a_mismatched_import_cannot_be_built() -> None:
    result = sites.read_user_sites(_frame([{"code INSEE": "01001"}]))
    with pytest.raises(ValueError, match="rows read"):
        sites.SitesImport(located=result.located, rejected=result.rejected, rows_read=2)


# --- property: no row lost or duplicated --------------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(range(len(CASES))), max_size=30))
def test_no_row_is_lost_or_duplicated(picks: list[int]) -> None:
    rows = [{"nom": f"site {k}", **CASES[pick][1]} for k, pick in enumerate(picks)]
    result = sites.read_user_sites(_frame(rows))
    assert result.rows_read == len(picks)
    located_lines = result.located["match_note"].map(_line_of_note).tolist()
    rejected_lines = result.rejected["row"].tolist()
    assert sorted(located_lines + rejected_lines) == list(range(2, len(picks) + 2))
    expected_located = [k + 2 for k, pick in enumerate(picks) if CASES[pick][2] is not None]
    assert located_lines == expected_located
    assert result.located["commune_code"].tolist() == [CASES[pick][2] for pick in picks if CASES[pick][2]]
    assert result.located["site_name"].tolist() == [f"site {line - 2}" for line in expected_located]
    assert result.rejected["reason"].tolist() == [CASES[pick][3] for pick in picks if CASES[pick][3]]


def test_rejected_sites_say_why_in_the_users_language() -> None:
    """The Sites page shows the rejected rows' reasons in the app's language: every reason has its English."""
    frame = pd.DataFrame(
        {
            "nom": ["a", "b", "c", "d", "e", "f", "g"],
            "commune": ["", "Atlantide", "", "Saint-Martin", "", "", ""],
            "code postal": ["", "", "99999", "", "", "", ""],
            "code INSEE": ["", "", "", "", "1A001", "", ""],
            "latitude": ["", "", "", "", "", "nord", "2.35"],
            "longitude": ["", "", "", "", "", "2", "48.85"],
        }
    )
    french = sites.read_user_sites(frame).rejected
    english = sites.read_user_sites(frame, lang="en").rejected
    assert list(english["row"]) == list(french["row"]) == [2, 3, 4, 5, 6, 7, 8]
    assert list(english["reason"]) == [
        "no location (town, postcode, INSEE code or coordinates)",
        "unknown town: Atlantide",
        "unknown postcode: 99999",
        "town “Saint-Martin”: " + english["reason"][3].split(": ", 1)[1],
        "malformed INSEE code: 1A001 (5 characters expected, e.g. 01001 or 2A004)",
        "unreadable latitude/longitude (« nord » ; « 2 »)",
        "coordinates outside every French commune (latitude and longitude swapped?)",
    ]
    assert english["reason"][3].endswith("give the postcode or the département")
    assert french["reason"][1] == "commune inconnue : Atlantide"
    assert french["reason"][6] == "coordonnées hors de toute commune française (latitude et longitude inversées ?)"
