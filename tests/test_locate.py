"""The one commune locator (``regions.locate``): each step, each reason, the order of the steps, the shared readers,
and the two callers (applicant files, user sites) placing a point the same way."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from regions import applicants, geo, locate, sites

COLUMNS = {"insee": "insee", "postcode": "cp", "town": "ville", "lat": "lat", "lon": "lon"}


def located(**cells: str) -> tuple[str, str]:
    """Locate one row: (commune code, method) when located, else ("", reason)."""
    frame = pd.DataFrame([{column: cells.get(field, "") for field, column in COLUMNS.items()}], dtype=str)
    result = locate.locate(frame, COLUMNS)
    commune, method, reason = int(result.commune[0]), int(result.method[0]), int(result.reason[0])
    if commune >= 0:
        assert reason == -1
        return str(locate.communes()["code"].iloc[commune]), locate.METHODS[method]
    return "", locate.REASONS[reason]


STEPS = [
    ({"insee": "1001"}, ("01001", "insee")),
    ({"postcode": "01590", "town": "Dortan"}, ("01148", "postcode_town")),
    ({"postcode": "6000"}, ("06088", "postcode")),
    ({"town": "CHATEAUROUX"}, ("36044", "town")),
    ({"lat": "48,8566", "lon": "2,3522°"}, ("75056", "coordinates")),
]


@pytest.mark.parametrize(("cells", "expected"), STEPS, ids=[method for _, (_, method) in STEPS])
def test_each_step_locates_a_commune(cells: dict[str, str], expected: tuple[str, str]) -> None:
    assert located(**cells) == expected


def test_the_steps_cover_every_method_in_order() -> None:
    assert tuple(method for _, (_, method) in STEPS) == locate.METHODS


REASONS = [
    ({}, "empty_location"),
    ({"insee": "1X001"}, "insee_malformed"),
    ({"insee": "01999"}, "insee_unknown"),
    ({"insee": "97501"}, "outside_france"),
    ({"postcode": "ABC"}, "postcode_malformed"),
    ({"postcode": "00000"}, "postcode_unknown"),
    ({"postcode": "01590"}, "postcode_ambiguous"),
    ({"postcode": "01590", "town": "Lyon"}, "town_not_in_postcode"),
    ({"town": "Xyzzyville"}, "town_unknown"),
    ({"town": "Saint-Denis"}, "town_ambiguous"),
    ({"lat": "48°51'N", "lon": "2.35"}, "coordinates_unreadable"),
    ({"lat": "46.0", "lon": "-8.0"}, "coordinates_outside"),
]


@pytest.mark.parametrize(("cells", "reason"), REASONS, ids=[reason for _, reason in REASONS])
def test_each_reason(cells: dict[str, str], reason: str) -> None:
    assert located(**cells) == ("", reason)


def test_every_reason_is_tested_and_labelled_in_both_languages() -> None:
    assert {reason for _, reason in REASONS} == set(locate.REASONS)
    assert set(locate.REASON_LABELS) == set(locate.REASON_LABELS_EN) == set(locate.REASONS)
    assert set(locate.METHOD_LABELS) == set(locate.METHOD_LABELS_EN) == set(locate.METHODS)
    assert all(locate.REASON_LABELS[r] != locate.REASON_LABELS_EN[r] for r in locate.REASONS)


def test_a_failed_step_falls_through_and_the_first_reason_with_input_is_kept() -> None:
    assert located(insee="ABC", postcode="36000") == ("36044", "postcode")  # falls through to the next step
    assert located(insee="01999", lat="46", lon="-8") == ("", "insee_unknown")  # the most specific input first
    assert located(postcode="00000", town="Saint-Denis") == ("", "postcode_unknown")


def test_unknown_fields_and_missing_columns() -> None:
    frame = pd.DataFrame({"cp": ["36000"]})
    with pytest.raises(ValueError, match=r"\['commune'\].*'insee', 'postcode'"):
        locate.locate(frame, {"commune": "cp"})
    result = locate.locate(frame, {"postcode": "cp"})  # the other fields absent: not in the table
    assert locate.METHODS[int(result.method[0])] == "postcode" and int(result.commune[0]) >= 0


def test_cell_text_and_degrees_read_spreadsheet_cells() -> None:
    assert [locate.cell_text(v) for v in (None, math.nan, pd.NA, 1001.0, np.float32(6000.0), " Ain ", 2.5)] == [
        "",
        "",
        "",
        "1001",
        "6000",
        "Ain",
        "2.5",
    ]
    values = locate.degrees(pd.Series(["48,85", "-2.35°", "4\u00a08.5", "48°51'N", "", "1e3"], dtype=object))
    assert values[:3].tolist() == [48.85, -2.35, 48.5] and np.isnan(values[3:]).all()


def test_commune_at_takes_the_lowest_code_on_a_border_and_nothing_out_of_range() -> None:
    table = locate.communes()
    paris = geo.communes().set_index("code").geometry["75056"]
    shared = [
        (y, x)
        for x, y in shapely.get_coordinates(paris.boundary)[::50]
        if len(geo.communes().sindex.query(shapely.Point(x, y), predicate="intersects")) > 1
    ]
    lat, lon = shared[0]
    touching = sorted(
        geo.communes().iloc[geo.communes().sindex.query(shapely.Point(lon, lat), predicate="intersects")]["code"]
    )
    found = locate.commune_at([lat, 91.0, math.nan, 46.0], [lon, 2.0, 2.0, -8.0])
    assert table["code"].iloc[found[0]] == touching[0] and len(touching) > 1
    assert found[1:].tolist() == [-1, -1, -1]


def test_applicants_and_user_sites_place_a_border_point_in_the_same_commune() -> None:
    paris = geo.communes().set_index("code").geometry["75056"]
    lon, lat = shapely.get_coordinates(paris.boundary)[0]
    frame = pd.DataFrame({"latitude": [str(lat)], "longitude": [str(lon)]})
    applicant = applicants.import_frame(frame)
    site = sites.read_user_sites(frame.assign(nom=["Site"]))
    expected = locate.communes()["code"].iloc[locate.commune_at([lat], [lon])[0]]
    assert applicant.matched["commune_code"].tolist() == [expected]
    assert site.located["commune_code"].tolist() == [expected]


def test_applicants_travel_time_is_the_sites_access_time() -> None:
    """One travel estimate: the shortlist's minutes are ``sites.site_access``'s for the applicant's commune."""
    codes = ["01001", "2A004", "97411", "75056", "01001"]
    result = applicants.import_frame(pd.DataFrame({"code INSEE": codes}))
    hubs = sites.load_sites()
    shortlist = applicants.select_applicants(
        result.matched, result.mapping, departements=["01", "2A", "974", "75"], site_points=hubs
    )
    origins = locate.communes().set_index("code").loc[codes, ["dep_code", "lat", "lon"]].reset_index()
    expected = sites.site_access(origins, hubs)["nearest_site_travel_min"].to_numpy()
    assert np.allclose(shortlist[applicants.TRAVEL_COLUMN].to_numpy(dtype=float), expected, equal_nan=True)
    assert shortlist[applicants.TRAVEL_COLUMN].notna().any() and len(shortlist) == len(codes)


def test_reason_and_method_labels_follow_the_language() -> None:
    assert locate.reason_label("town_unknown", "en") == "unknown town (no commune of that name)"
    assert locate.reason_label("town_unknown", "fr") == "commune inconnue (aucune commune de ce nom)"
    assert locate.reason_label("town_unknown", "de") == locate.reason_label("town_unknown")  # French first
    assert locate.method_label("postcode_town", "en") == "postcode + town"
    assert locate.method_label("postcode_town") == "code postal + commune"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789.,-+ °\u00a0x", max_size=9), min_size=1, max_size=20, unique=True))
def test_coordinates_read_per_distinct_value_as_degrees_reads_them(texts: list[str]) -> None:
    """The plain decimal shortcut (Arrow) and the general reader agree on every text."""
    column = locate._Distinct(np.arange(len(texts), dtype=np.int64), texts)
    per_row = locate._degrees_per_row(column, np.ones(len(texts), dtype=bool))
    expected = locate.degrees(pd.Series(texts, dtype=object))
    np.testing.assert_array_equal(per_row, expected)
