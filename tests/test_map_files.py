"""The live map's own frame (homeshore.map_files): its page and files written once into the geometry cache, a
folder per page, the page naming its files and speaking Streamlit's component protocol; and the map drawn with
``st_folium`` instead when that folder cannot be written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from homeshore import map_files
from regions import cache, geo, maps

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def geometry() -> str:
    return maps.live_geometry(geo.departements())


def test_the_page_and_its_files_are_written_once_in_a_folder_of_their_own(
    geometry: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "cache_dir", lambda: tmp_path / "cache")
    folder = map_files.written(geometry, high_contrast=False)
    assert folder is not None and folder.parent == tmp_path / "cache" / map_files.FOLDER
    expected = dict(maps.live_files(geometry).values())
    written = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert set(written) == {*expected, "index.html"}  # nothing else is served
    assert all(written[name] == content for name, content in expected.items())

    page = written["index.html"].decode()
    sources = re.findall(r'<script src="([^"]+)"', page)
    assert sources == ["./" + name for name in expected]  # Leaflet, then the shapes, beside the page
    # the reload watch comes before the files it watches; the protocol after the map's own script
    assert page.index("window.location.reload") < page.index(sources[0])
    assert page.index("window.hsLive = ") < page.index("streamlit:componentReady")
    assert f"height: {map_files.HEIGHT_PX}.0px" in page and geometry not in page

    # the high-contrast look is another page (no basemap), in another folder
    contrast = map_files.written(geometry, high_contrast=True)
    assert contrast is not None and contrast != folder
    assert "tile.openstreetmap.org" in page and "tile.openstreetmap.org" not in (contrast / "index.html").read_text()

    # a file removed (the cache cleared while the server runs) is written again on the next run
    (folder / sources[1].removeprefix("./")).unlink()
    (folder / "index.html").unlink()
    assert map_files.written(geometry, high_contrast=False) == folder
    assert {path.name for path in folder.iterdir()} == set(written)


def test_an_unwritable_cache_writes_nothing(geometry: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(cache, "cache_dir", lambda: blocked)
    assert map_files.written(geometry, high_contrast=False) is None


@pytest.mark.parametrize("writable", [True, False])
def test_the_map_page_draws_its_own_frame_or_st_folium_where_it_cannot_write_it(
    writable: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The map page, in Streamlit: its map is the frame of its own; with the cache unwritable, ``st_folium`` with
    everything inside the map, and the page still works."""
    if not writable:
        monkeypatch.setattr(map_files, "written", lambda geometry, high_contrast: None)
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    frames = [e for e in at.get("component_instance") if "live_map" in e.proto.component_name]
    folium = [e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium"]
    assert (len(frames), len(folium)) == ((1, 0) if writable else (0, 1))
    assert at.get("dataframe")  # the rest of the page is there either way
