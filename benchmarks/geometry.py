"""Geometry benchmark: cold build vs warm load, naive dissolve vs coverage pipeline, payload vs fidelity.

Everything is measured in one run on this machine:

- cold: the whole pipeline into an empty cache folder (``regions cache --rebuild``'s work);
- warm: loading the three layers from that cache, in a fresh process (no in-memory copy);
- naive: ``GeoDataFrame.dissolve`` of the raw communes into départements (unary union, no cleaning, no cache);
- payload: GeoJSON size of the département layer, unsimplified and at several coverage-simplification tolerances,
  with the fidelity lost (Hausdorff distance and area change against the unsimplified dissolve, in metres / %).

Run: ``python benchmarks/geometry.py`` (about a minute).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

import geopandas as gpd
import numpy as np
import shapely
from timing import timed

from regions import geo, settings

TOLERANCES_M = (100, 250, 500, 1000, 2000)
METRIC = "EPSG:3035"


def warm_load_seconds(cache_folder: str) -> float:
    """Time to load the three layers from a warm cache, in a fresh interpreter."""
    code = (
        "import time; t=time.perf_counter(); from regions import geo; "
        "geo.communes(); geo.departements(); geo.regions(); print(time.perf_counter()-t)"
    )
    env = {**os.environ, "HOMESHORE_CACHE_DIR": cache_folder}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def naive_dissolve() -> gpd.GeoDataFrame:
    raw = geo._raw_communes()
    return raw.dropna(subset=["geometry"]).dissolve(by="dep_code")


def geojson_bytes(frame: gpd.GeoDataFrame, decimals: int | None = None) -> int:
    shapes = frame[["code", "geometry"]]
    if decimals is not None:
        shapes = shapes.set_geometry(shapely.set_precision(shapes.geometry.to_numpy(), 10**-decimals))
    return len(shapes.to_json(drop_id=True).encode())


def fidelity(reference: gpd.GeoDataFrame, simplified: gpd.GeoDataFrame) -> tuple[float, float, float]:
    """(median Hausdorff m, max Hausdorff m, max |area change| %) over mainland départements."""
    mainland = reference["code"].str.len() == 2
    ref = reference[mainland].to_crs(METRIC).geometry.to_numpy()
    simple = simplified[mainland].to_crs(METRIC).geometry.to_numpy()
    hausdorff = shapely.hausdorff_distance(ref, simple)
    area = np.abs(shapely.area(simple) / shapely.area(ref) - 1) * 100
    return float(np.median(hausdorff)), float(hausdorff.max()), float(area.max())


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HOMESHORE_CACHE_DIR"] = folder
        cold = timed(geo.rebuild_cache)
        warm = statistics.median(warm_load_seconds(folder) for _ in range(3))
    naive = timed(naive_dissolve)
    detailed = geo.departements(simplified=False)
    print(f"cold cache build (all layers)     {cold:7.2f} s")
    print(f"warm load (3 layers, new process) {warm:7.2f} s   cold/warm = {cold / warm:5.1f}x")
    print(f"naive dissolve (départements only){naive:7.2f} s   naive/warm = {naive / warm:5.1f}x")
    print()
    full = geojson_bytes(detailed)
    print(f"{'layer':<26}{'GeoJSON':>10}{'5 dec.':>10}{'full/this':>10}{'Hausdorff med/max (m)':>24}{'area max':>10}")
    print(f"{'départements unsimplified':<26}{full / 1e6:>8.2f}MB{geojson_bytes(detailed, 5) / 1e6:>8.2f}MB{1:>8.1f}x")
    for tolerance in TOLERANCES_M:
        simple = geo.simplify_tiling(detailed, tolerance)
        size, rounded = geojson_bytes(simple), geojson_bytes(simple, 5)
        median, worst, area = fidelity(detailed, simple)
        chosen = " <- SIMPLIFY_TOLERANCE_M" if tolerance == settings.SIMPLIFY_TOLERANCE_M else ""
        print(
            f"{f'tolerance {tolerance} m':<26}{size / 1e6:>8.2f}MB{rounded / 1e6:>8.2f}MB{full / rounded:>8.1f}x"
            f"{median:>12.0f} /{worst:>7.0f}{area:>9.2f}%{chosen}"
        )


if __name__ == "__main__":
    main()
