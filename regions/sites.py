"""Contact-centre sites: the bundled list (``data/sites.csv``) as a point layer.

Each site was named in a public source (``source_url``) and matched to one INSEE commune by
``scripts/build_sites.py``; a site is placed at its commune's representative point (``location_method`` says
which: the commune's centroid, or a point inside it when the centroid falls outside). Towns that match no single
commune are kept with ``matched = False`` and the reason in ``match_note``; they have no coordinates.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
import numpy.typing as npt
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


# --- access to the nearest site --------------------------------------------------------------------------------

EARTH_RADIUS_KM = 6371.0088


def road_network(dep_codes: pd.Series) -> pd.Series:
    """Road network of each département: ``"continent"``, or Corsica / the overseas département's own."""
    return dep_codes.map(settings.ROAD_NETWORKS).fillna("continent")


def great_circle_km(lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike) -> np.ndarray:
    """Haversine distances in km, broadcast over the inputs (degrees)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=float)


def travel_minutes(km: np.ndarray | pd.Series) -> np.ndarray:
    """Estimated travel time: great-circle km x ``ROAD_DETOUR_FACTOR`` / ``AVERAGE_ROAD_SPEED_KMH``, in minutes."""
    return np.asarray(km, dtype=float) * settings.ROAD_DETOUR_FACTOR / settings.AVERAGE_ROAD_SPEED_KMH * 60


def site_access(origins: pd.DataFrame, site_points: gpd.GeoDataFrame) -> pd.DataFrame:
    """Access of each origin to the sites.

    ``origins``: ``code``, ``dep_code`` (for its road network), ``lat``, ``lon`` (e.g. population-weighted centres).
    Returns, by ``code``: ``nearest_site_km`` (great circle), ``nearest_site_travel_min`` (estimate; missing when no
    site shares the origin's road network), ``nearest_site_id`` and ``sites_within_60min`` (sites reachable by road
    within ``NEARBY_SITE_MINUTES``).
    """
    located = site_points[site_points.geometry.notna()]
    km = great_circle_km(
        origins["lat"].to_numpy()[:, None],
        origins["lon"].to_numpy()[:, None],
        located.geometry.y.to_numpy()[None, :],
        located.geometry.x.to_numpy()[None, :],
    )
    same_network = (
        road_network(origins["dep_code"]).to_numpy()[:, None] == (road_network(located["dep_code"]).to_numpy()[None, :])
    )
    road_km = np.where(same_network, km, np.inf)
    out = pd.DataFrame(index=pd.Index(origins["code"], name="code"))
    has_sites = road_km.shape[1] > 0
    nearest = road_km.argmin(axis=1) if has_sites else np.zeros(len(origins), dtype=int)
    best = road_km.min(axis=1) if has_sites else np.full(len(origins), np.inf)
    reachable = np.isfinite(best)
    out["nearest_site_km"] = np.where(reachable, best, np.nan)
    out["nearest_site_travel_min"] = travel_minutes(out["nearest_site_km"])
    out["nearest_site_id"] = np.where(reachable, located["site_id"].to_numpy()[nearest] if has_sites else "", "")
    within = travel_minutes(road_km) <= settings.NEARBY_SITE_MINUTES
    out["sites_within_60min"] = within.sum(axis=1).astype(float)
    return out


def nearest_sites(origin: pd.Series, site_points: gpd.GeoDataFrame, k: int = 3) -> pd.DataFrame:
    """The ``k`` sites nearest to one origin (``lat``, ``lon``, ``dep_code``), with km, estimated minutes and
    whether they share its road network; reachable ones first."""
    located = site_points[site_points.geometry.notna()].copy()
    lat, lon = np.float64(origin["lat"]), np.float64(origin["lon"])
    located["km"] = great_circle_km(lat, lon, located.geometry.y.to_numpy(), located.geometry.x.to_numpy())
    located["by_road"] = road_network(located["dep_code"]) == road_network(pd.Series([origin["dep_code"]])).iloc[0]
    located["travel_min"] = travel_minutes(located["km"]).round()
    located.loc[~located["by_road"], "travel_min"] = np.nan
    ranked = located.sort_values(["by_road", "km"], ascending=[False, True]).head(k)
    return pd.DataFrame(ranked.drop(columns="geometry")).reset_index(drop=True)
