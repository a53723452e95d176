"""The live map in a frame of its own: a page that loads Leaflet and the shapes as the browser reads it, then draws the
map with the colours Streamlit sends it.

With ``st_folium``, a new session's map came through a chain: the component's frame, its 0.2 MB script, a message
to Streamlit and back with the map's page as arguments, then Leaflet, then the shapes, one after the other
(BENCHMARKS.md). Here the frame's page is the map itself (:func:`regions.maps.live_page`): it names Leaflet and the
shapes, which the browser loads while it reads the page; its last script speaks Streamlit's component protocol
itself (a few lines, no library): it says it is ready, and applies each update it receives, the first one drawing
the shapes (:func:`regions.maps.live_update_script`: colours, tooltips, legend, outline, sites). The map's page never
changes during a session, so the browser keeps the same frame and map, with the zoom and centre the user chose.

The page and its files are written once per server into a folder of the geometry cache, named after the page's
hash, and served by a Streamlit component declared on that folder (one per look: standard or high contrast). A
script file that fails to load makes the frame load its page again, after 1, 2, 4 then 8 seconds, four times at
most. Where the folder cannot be written, :func:`draw` says so, and the page draws the map with ``st_folium``,
Leaflet and the shapes inside it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Final

import streamlit.components.v1 as components

from homeshore import strings
from regions import cache, files, maps
from regions.formatting import Lang

#: The folder of the geometry cache holding one folder per map page (nothing else: Streamlit serves each).
FOLDER: Final[str] = "map-frames"
#: The component serving the standard page, and the one serving the high-contrast page (no basemap).
COMPONENT: Final[str] = "live_map"
CONTRAST_COMPONENT: Final[str] = "live_map_contrast"
#: The map's height on the page.
HEIGHT_PX: Final[int] = 560
#: Loads of the page after the first, when one of its script files failed, at most.
MAX_RELOADS: Final[int] = 4
_RELOADS_KEY: Final[str] = "hsMapReloads"

# First in the page, before the script files it watches: a file that fails loads the page again, later each time.
_RELOAD = f"""<script>
(function () {{
  window.addEventListener("error", function (event) {{
    var target = event.target;
    if (!target || target.tagName !== "SCRIPT" || !target.src || window.hsReloading) {{ return; }}
    window.hsReloading = true;
    var done = 0;
    try {{ done = Number(window.sessionStorage.getItem({_RELOADS_KEY!r}) || 0); }} catch (e) {{ return; }}
    if (done >= {MAX_RELOADS}) {{ return; }}
    window.sessionStorage.setItem({_RELOADS_KEY!r}, String(done + 1));
    window.setTimeout(function () {{ window.location.reload(); }}, 1000 * Math.pow(2, done));
  }}, true);
}})();
</script>"""

# Last in the page, once the map is drawn: Streamlit's component protocol (ready, height, and each run's arguments).
_BRIDGE = f"""<script>
(function () {{
  if (!window.hsLive || window.hsReloading) {{ return; }}  // a file failed: the page is loaded again (above)
  try {{
    window.hsMapReloaded = Number(window.sessionStorage.getItem({_RELOADS_KEY!r}) || 0);
    window.sessionStorage.removeItem({_RELOADS_KEY!r});
  }} catch (e) {{ window.hsMapReloaded = 0; }}
  window.hsFrame = true;  // the map sends clicks and its "drawn" itself (regions/maps/live.py)
  var received = null, pending = null;
  var post = function (type, extra) {{
    window.parent.postMessage(Object.assign({{isStreamlitMessage: true, type: type}}, extra), "*");
  }};
  // an update is applied once the frame has its width (Streamlit sizes a new frame after creating it): the view
  // it sets and its legend depend on the map's size
  var apply = function () {{
    if (pending === null || !document.documentElement.clientWidth) {{ return; }}
    var update = pending;
    pending = null;
    window.hsLive.map.invalidateSize(false);
    (0, eval)(update);
  }};
  window.addEventListener("resize", apply);
  window.addEventListener("message", function (event) {{
    var data = event.data;
    if (event.source !== window.parent || !data || data.type !== "streamlit:render") {{ return; }}
    document.documentElement.lang = data.args.lang;  // the app's language, and the map's name, in the frame too
    document.title = data.args.title;
    if (data.args.update !== received) {{
      received = pending = data.args.update;
      apply();
    }}
  }});
  post("streamlit:componentReady", {{apiVersion: 1}});
  post("streamlit:setFrameHeight", {{height: {HEIGHT_PX}}});
}})();
</script>"""


def draw(
    geometry: str,
    update: str,
    *,
    high_contrast: bool,
    lang: Lang,
    key: str,
    on_change: Callable[[], None] | None = None,
) -> bool:
    """Draw the live map of ``geometry`` with ``update`` (a script of :func:`regions.maps.live_update_script`) in its
    own frame, its page in ``lang``; the map's value (a click, its "drawn") is ``st.session_state[key]``. ``False``
    when its page cannot be written (the caller draws the map another way)."""
    folder = written(geometry, high_contrast)
    if folder is None:
        return False
    component = components.declare_component(CONTRAST_COMPONENT if high_contrast else COMPONENT, path=str(folder))
    title = strings.text("map_heading", lang)
    component(update=update, lang=lang, title=title, key=key, default=None, on_change=on_change)
    return True


def written(geometry: str, high_contrast: bool) -> Path | None:
    """The folder serving the map page of ``geometry`` and its files, written there if missing; ``None`` when it
    cannot be written."""
    folder_name, contents = _page_files(geometry, high_contrast)
    folder = cache.cache_dir() / FOLDER / folder_name
    try:
        for name, content in contents:
            if not (folder / name).is_file():
                folder.mkdir(parents=True, exist_ok=True)
                files.write_atomically(folder / name, content)  # a server reading it never sees half a file
    except OSError:  # files.OutputError included
        return None
    return folder


@lru_cache(maxsize=4)
def _page_files(geometry: str, high_contrast: bool) -> tuple[str, tuple[tuple[str, bytes], ...]]:
    """The folder name (the look and the page's hash) and the files: Leaflet, the shapes, then ``index.html``, the
    page that names them (written last: a page is never served before its files)."""
    page = maps.live_page(geometry, "./", height_px=HEIGHT_PX, high_contrast=high_contrast)
    head = f'<html lang="fr">\n<head>\n<title>{strings.text("map_heading", "fr")}</title>\n{_RELOAD}'
    page = page.replace("<html>\n<head>", head, 1).replace("</html>", _BRIDGE + "\n</html>")
    content = page.encode()
    look = "contrast" if high_contrast else "standard"
    folder_name = f"{look}-{hashlib.sha256(content).hexdigest()[:16]}"
    return folder_name, (*maps.live_files(geometry).values(), ("index.html", content))
