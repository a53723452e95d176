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

import pandas as pd

from regions import codes, export, geo, settings, sites

REPO = Path(__file__).resolve().parent.parent


def match_row(town: str, dep_code: str) -> tuple[str, str]:
    """``(commune_code, note)``: the single commune named ``town`` in ``dep_code``, or ``("", reason)``."""
    found = codes.find_communes_by_name(town, dep_code)
    if len(found) == 1:
        return found[0], ""
    if not found:
        return "", f"aucune commune nommée « {town} » dans le département {dep_code}"
    return "", f"« {town} » désigne plusieurs communes du département {dep_code} : {', '.join(found)}"


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
    names = geo.communes().set_index("code")["name"]
    points = geo.commune_points().set_index("code")[["lat", "lon", "location_method"]]
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
    target.write_text(export.to_csv_text(table, lineterminator="\n"), encoding="utf-8")  # the one writer
    print(f"wrote {target}: {len(table)} rows, {int(table['matched'].sum())} matched")
    for row in table[~table["matched"]].itertuples():
        print(f"  unmatched {row.site_id} {row.operator} — {row.match_note}")


if __name__ == "__main__":
    main()
