"""The geometry cache: a damaged, altered or misplaced layer is detected and rebuilt, never read as figures; a cache
folder that cannot be written leaves the product working in memory.

Small toy layers stand in for the real ones (building those takes minutes): ``geo.build_all`` is replaced by a
function returning them, and each test gets its own empty ``HOMESHORE_CACHE_DIR``.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from regions import cache, geo

#: A population whose 8 bytes are easy to find in the Parquet file (plain encoding keeps them as they are).
PARIS = 2_113_705.0


def toy_layers() -> dict[str, gpd.GeoDataFrame]:
    """One small frame per geo layer name: départements with a distinctive population, communes with other columns."""
    points = [shapely.Point(2.35, 48.85), shapely.Point(5.37, 43.3), shapely.Point(4.83, 45.76)]
    deps = gpd.GeoDataFrame(
        {
            "code": ["75", "13", "69"],
            "name": ["Paris", "Bouches-du-Rhône", "Rhône"],
            "reg_code": ["11", "93", "84"],
            "population": [PARIS, 2_069_811.0, 1_914_134.0],
        },
        geometry=points,
        crs="EPSG:4326",
    )
    coms = gpd.GeoDataFrame(
        {
            "code": ["75056", "13055", "69123", "01001"],
            "name": ["Paris", "Marseille", "Lyon", "L'Abergement-Clémenciat"],
            "dep_code": ["75", "13", "69", "01"],
            "population": [PARIS, 877_215.0, 522_250.0, 859.0],
        },
        geometry=[*points, shapely.Point(4.92, 46.15)],
        crs="EPSG:4326",
    )
    regs = deps.drop(columns="reg_code")
    return {"communes": coms, "departements_detailed": deps, "regions_detailed": regs, "departements": deps,
            "regions": regs}  # fmt: skip


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of the test's own, and toy layers in place of the real build (counted)."""
    root = tmp_path / "cache"
    monkeypatch.setenv("HOMESHORE_CACHE_DIR", str(root))
    monkeypatch.setattr(geo, "_LOADED", {})
    builds: list[int] = []

    def build_all() -> dict[str, gpd.GeoDataFrame]:
        builds.append(1)
        return toy_layers()

    monkeypatch.setattr(geo, "build_all", build_all)
    monkeypatch.setattr(geo, "_BUILDS", builds, raising=False)
    return root


def flip_byte_of(path: Path, value: float) -> None:
    """Flip the highest byte of ``value`` wherever the file stores it (page, statistics): the figure changes
    silently, the file still reads."""
    data = path.read_bytes()
    packed = struct.pack("<d", value)
    assert packed in data, "the toy value should be stored as plain bytes"
    path.write_bytes(data.replace(packed, packed[:7] + bytes([packed[7] ^ 0x01])))


def fresh_read(read: Callable[[], gpd.GeoDataFrame], monkeypatch: pytest.MonkeyPatch) -> gpd.GeoDataFrame:
    """Read as a new process would: nothing kept in memory."""
    monkeypatch.setattr(geo, "_LOADED", {})
    return read()


def test_a_flipped_byte_in_a_layer_is_rebuilt_not_read_as_a_figure(
    cache_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert geo.departements().set_index("code").loc["75", "population"] == PARIS
    flip_byte_of(cache.layer_path("departements"), PARIS)
    capsys.readouterr()

    again = fresh_read(geo.departements, monkeypatch)

    assert again.set_index("code").loc["75", "population"] == PARIS
    warning = capsys.readouterr().err
    assert "« departements »" in warning and "endommagée" in warning and "reconstruction" in warning
    assert len(geo._BUILDS) == 2  # type: ignore[attr-defined]
    assert fresh_read(geo.departements, monkeypatch).equals(again)  # the rebuilt file is sound again
    assert len(geo._BUILDS) == 2  # type: ignore[attr-defined]


def test_a_flipped_byte_in_a_table_layer_is_rebuilt(cache_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = pd.DataFrame({"code": ["75056", "13055"], "population": [PARIS, 877_215.0]})
    calls: list[int] = []

    def build() -> pd.DataFrame:
        calls.append(1)
        return table.copy()

    cache.load_or_build("toy_index", build)
    flip_byte_of(cache.layer_path("toy_index"), PARIS)

    read = cache.load_or_build("toy_index", build)

    pd.testing.assert_frame_equal(read, table)
    assert len(calls) == 2
    assert "« toy_index »" in capsys.readouterr().err


@pytest.mark.parametrize("with_manifest", [False, True], ids=["file-only", "file-and-manifest"])
def test_another_layer_copied_over_a_layer_is_detected_not_a_key_error(
    cache_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], with_manifest: bool
) -> None:
    geo.departements()
    shutil.copyfile(cache.layer_path("communes"), cache.layer_path("departements"))
    if with_manifest:
        shutil.copyfile(cache.manifest_path("communes"), cache.manifest_path("departements"))

    deps = fresh_read(geo.departements, monkeypatch)

    assert list(deps.columns) == ["code", "name", "reg_code", "population", "geometry"]
    assert len(deps) == 3
    assert "« departements »" in capsys.readouterr().err


def test_truncated_and_unreadable_layers_are_rebuilt(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    geo.regions()
    path = cache.layer_path("regions")
    path.write_bytes(path.read_bytes()[:100])
    assert fresh_read(geo.regions, monkeypatch).set_index("code").loc["75", "population"] == PARIS
    cache.manifest_path("regions").write_text("{not json", encoding="utf-8")
    assert fresh_read(geo.regions, monkeypatch).set_index("code").loc["75", "population"] == PARIS


def test_read_layer_refuses_a_damaged_file_naming_the_rebuild_command(cache_root: Path) -> None:
    cache.write_layer("toy", pd.DataFrame({"population": [PARIS, 1.0]}))
    flip_byte_of(cache.layer_path("toy"), PARIS)
    with pytest.raises(cache.DamagedLayerError, match=r"regions cache --rebuild"):
        cache.read_layer("toy")
    assert list(cache.damaged_layers()) == ["toy"] and "SHA-256" in cache.damaged_layers()["toy"]


def test_regions_cache_reports_damaged_layers(cache_root: Path) -> None:
    for name, frame in toy_layers().items():
        cache.write_layer(name, frame)
    env = {**os.environ, "HOMESHORE_CACHE_DIR": str(cache_root)}
    command = [sys.executable, "-m", "regions.cli", "cache"]

    sound = json.loads(subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout)
    assert sound["state"] == "complete" and "damaged" not in sound
    flip_byte_of(cache.layer_path("departements"), PARIS)
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["state"].startswith("damaged") and "regions cache --rebuild" in report["state"]
    assert list(report["damaged"]) == ["departements"] and "SHA-256" in report["damaged"]["departements"]


@pytest.mark.parametrize("blocker", ["file", "read-only"])
def test_a_cache_folder_that_cannot_be_written_builds_in_memory_with_a_warning(
    cache_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], blocker: str
) -> None:
    if blocker == "file":
        cache_root.write_text("not a folder", encoding="utf-8")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        cache_root.mkdir()
        cache_root.chmod(0o500)

    deps = geo.departements()
    index = cache.load_or_build("toy_index", lambda: pd.DataFrame({"code": ["01001"]}))

    assert deps.set_index("code").loc["75", "population"] == PARIS
    assert geo.regions().set_index("code").loc["13", "population"] == 2_069_811.0
    assert index["code"].tolist() == ["01001"]
    assert len(geo._BUILDS) == 1  # type: ignore[attr-defined]  # built once, kept in memory for the run
    warnings = capsys.readouterr().err
    assert "ne peut pas être écrit" in warnings and "en mémoire" in warnings
    assert "Traceback" not in warnings
    if blocker == "read-only":
        cache_root.chmod(0o700)
