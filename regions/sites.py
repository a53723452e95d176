"""Contact-centre sites: the bundled list (``data/sites.csv``) as a point layer.

Each site was named in a public source (``source_url``) and matched to one INSEE commune by
``scripts/build_sites.py``; a site is placed at its commune's representative point (``location_method`` says
which: the commune's centroid, or a point inside it when the centroid falls outside). Towns that match no single
commune are kept with ``matched = False`` and the reason in ``match_note``; they have no coordinates.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import pandas as pd

from regions import settings

SITES_FILE = "sites.csv"

#: Columns of ``data/sites.csv``, in order.
COLUMNS = [
    "site_id",
    "operator",
    "site_name",
    "commune_as_published",
    "dep_code",
    "year",
    "source_url",
    "matched",
    "match_note",
    "commune_code",
    "commune_name",
    "lat",
    "lon",
    "location_method",
]

_TEXT = ["site_id", "operator", "site_name", "commune_as_published", "dep_code", "year", "source_url",
         "match_note", "commune_code", "commune_name", "location_method"]  # fmt: skip


def load_sites(include_unmatched: bool = False) -> gpd.GeoDataFrame:
    """The bundled contact-centre sites as WGS84 points (unmatched ones, without geometry, on request)."""
    frame = _read().copy()
    if not include_unmatched:
        frame = frame[frame["matched"]].reset_index(drop=True)
    points = gpd.points_from_xy(frame["lon"], frame["lat"], crs=settings.CRS_WGS84)
    geometry = gpd.GeoSeries(points, index=frame.index).where(frame["matched"], None)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=settings.CRS_WGS84)


@cache
def _read() -> pd.DataFrame:
    path = settings.DATA_DIR / SITES_FILE
    frame = pd.read_csv(path, dtype=dict.fromkeys(_TEXT, str), keep_default_na=False, na_values={"lat": "", "lon": ""})
    missing = sorted(set(COLUMNS) - set(frame.columns))
    if missing:
        raise ValueError(f"{path}: columns {missing} are missing; rebuild it with scripts/build_sites.py")
    frame["matched"] = frame["matched"].astype(str).str.lower().eq("true")
    return frame[COLUMNS]
