"""The live map's heavy files (Leaflet, the shapes) served by Streamlit as files, beside the map component.

Inside the map component they would travel in its arguments: 0.8 MB that the browser parses again each time the
page around the map is drawn (many times while a new session's page arrives). Written once per server into a
folder of the geometry cache (names carry their content's hash: one never changes) and served from there by a
Streamlit component declared on that folder, they are loaded once by the map's page instead. Where the folder
cannot be written, the map carries them inline, as before.
"""

from __future__ import annotations

from typing import Final

import streamlit.components.v1 as components

from regions import cache, files, maps

#: The folder of the geometry cache holding the files (nothing else: Streamlit serves all of it).
FOLDER: Final[str] = "map-files"
#: The name of the component that serves the folder.
COMPONENT: Final[str] = "map_files"


def served_at(geometry: str) -> str | None:
    """The URL, relative to the map component's page, of the folder serving the files of ``geometry``'s map
    (:func:`regions.maps.live_files`), written there if missing; ``None`` when they cannot be written."""
    folder = cache.cache_dir() / FOLDER
    try:
        for name, content in maps.live_files(geometry).values():
            if not (folder / name).is_file():
                folder.mkdir(parents=True, exist_ok=True)
                files.write_atomically(folder / name, content)  # a server reading it never sees half a file
    except OSError:  # files.OutputError included
        return None
    served = components.declare_component(COMPONENT, path=str(folder))
    # the map's page is /component/<its component>/index.html: its neighbour folder is /component/<ours>/
    return f"../{served.name}/"
