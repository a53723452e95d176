"""The live map's files served beside the map component (homeshore.map_files): written once into the geometry
cache, named by content, and the map carries them inline when that folder cannot be written."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeshore import map_files
from regions import cache, geo, maps


@pytest.fixture(scope="module")
def geometry() -> str:
    return maps.live_geometry(geo.departements())


def test_the_files_are_written_once_in_their_own_folder_and_served_beside_the_map(
    geometry: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "cache_dir", lambda: tmp_path / "cache")
    url = map_files.served_at(geometry)
    folder = tmp_path / "cache" / map_files.FOLDER
    expected = dict(maps.live_files(geometry).values())
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == expected  # nothing else is served
    # the map's page is /component/streamlit_folium.st_folium/index.html: the files are in a neighbour folder
    assert url is not None and url.startswith("../") and url.endswith(f".{map_files.COMPONENT}/")
    # a file removed (the cache cleared while the server runs) is written again on the next run
    (folder / maps.live_files(geometry)["hs_geometry"][0]).unlink()
    assert map_files.served_at(geometry) == url
    assert {path.name for path in folder.iterdir()} == set(expected)


def test_an_unwritable_cache_leaves_the_files_inside_the_map(
    geometry: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(cache, "cache_dir", lambda: blocked)
    assert map_files.served_at(geometry) is None
    m = maps.live_map(geometry, served_at=map_files.served_at(geometry))
    m.get_root().render()
    assert geometry in m.get_root().html.render()
