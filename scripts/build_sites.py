"""Build ``data/sites.csv`` from the compiled contact-centre list (dev-time; the app never reads ``../shared``).

Every source row is kept. A row is matched when its town names exactly one commune of its département
(names compared without accents, case or punctuation); otherwise it stays unmatched with the reason, and no
coordinates: nothing is guessed. A matched site is placed at its commune's centroid (computed in an equal-area
projection), or at a point inside the commune when the centroid falls outside it.

Usage: ``python scripts/build_sites.py [--facts ../shared/facts]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from regions import codes, geo, settings, sites

REPO = Path(__file__).resolve().parent.parent
CENTROID = "centroïde de la commune"
INSIDE_POINT = "point intérieur de la commune (centroïde hors de la commune)"


def match_row(town: str, dep_code: str) -> tuple[str, str]:
    """``(commune_code, note)``: the single commune named ``town`` in ``dep_code``, or ``("", reason)``."""
    found = codes.find_communes_by_name(town, dep_code)
    if len(found) == 1:
        return found[0], ""
    if not found:
        return "", f"aucune commune nommée « {town} » dans le département {dep_code}"
    return "", f"« {town} » désigne plusieurs communes du département {dep_code} : {', '.join(found)}"


def representative_points(communes: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per commune code: ``lat``, ``lon`` and ``location_method`` (centroid, or inside point)."""
    rows = []
    for group, part in communes.groupby(geo.area_groups(communes["dep_code"])):
        projected = part.to_crs(geo.equal_area_crs(str(group)))
        centroids = projected.geometry.centroid
        inside = shapely.contains(projected.geometry.to_numpy(), centroids.to_numpy())
        points = centroids.where(inside, projected.geometry.representative_point()).to_crs(settings.CRS_WGS84)
        rows.append(
            pd.DataFrame(
                {
                    "commune_code": part["code"].to_numpy(),
                    "lat": points.y.round(6).to_numpy(),
                    "lon": points.x.round(6).to_numpy(),
                    "location_method": [CENTROID if ok else INSIDE_POINT for ok in inside],
                }
            )
        )
    return pd.concat(rows).set_index("commune_code")


def build(facts: Path) -> pd.DataFrame:
    """The sites table, one row per source row, matched or with the reason it is not."""
    raw = pd.read_csv(facts / "contact_centres.csv", dtype=str, keep_default_na=False)
    matches = [match_row(town, dep) for town, dep in zip(raw["commune"], raw["dep_code"], strict=True)]
    out = pd.DataFrame(
        {
            "site_id": [f"S{i + 1:03d}" for i in range(len(raw))],
            "operator": raw["operator"],
            "site_name": raw["site_name"],
            "commune_as_published": raw["commune"],
            "dep_code": raw["dep_code"],
            "year": raw["year"],
            "source_url": raw["source_url"],
            "commune_code": [code for code, _ in matches],
            "match_note": [note for _, note in matches],
        }
    )
    out["matched"] = out["commune_code"] != ""
    communes = geo.communes()
    names = communes.set_index("code")["name"]
    points = representative_points(communes[communes["code"].isin(out["commune_code"])])
    out["commune_name"] = out["commune_code"].map(names).fillna("")
    out = out.join(points, on="commune_code")
    out["location_method"] = out["location_method"].fillna("")
    return out[sites.COLUMNS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=Path, default=REPO.parent / "shared" / "facts")
    args = parser.parse_args()
    table = build(args.facts)
    target = settings.DATA_DIR / sites.SITES_FILE
    table.to_csv(target, index=False, lineterminator="\n")
    print(f"wrote {target}: {len(table)} rows, {int(table['matched'].sum())} matched")
    for row in table[~table["matched"]].itertuples():
        print(f"  unmatched {row.site_id} {row.operator} — {row.match_note}")


if __name__ == "__main__":
    main()
