"""A map whose file failed to load is loaded again, instead of staying empty for the rest of the session.

The live map's page loads Leaflet and the shapes as files (``homeshore/map_files.py``), one after the other, through
streamlit-folium, which gives up for good on the first that fails: one dropped request (a network hiccup, a server
restarting) left the map blank until the user reloaded the whole page. :func:`declare` adds a small script to the
page that watches every map frame: when a script file of a map fails to load, the frame is loaded again — after 1,
2, 4 then 8 seconds, four times at most — and the map draws as on a first load, with its clicks. The frame says
when it is ready (Streamlit's own ``componentReady`` message), before it asks for any file, so the watch is on in
time; a frame loaded again says so again.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

#: Loads of one map frame after the first, at most.
MAX_RELOADS: Final[int] = 4

SCRIPT: Final[str] = f"""<script>
(() => {{
  if (window.hsMapReload) {{ return; }}
  const reloads = new WeakMap();  // map frame -> loads so far after the first
  window.hsMapReload = reloads;
  const frameOf = (source) => Array.from(document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]'))
    .find((frame) => frame.contentWindow === source);
  window.addEventListener("message", (event) => {{
    const frame = frameOf(event.source);
    if (!frame || !event.data || event.data.type !== "streamlit:componentReady") {{ return; }}
    event.source.addEventListener("error", (failed) => {{
      const target = failed.target;
      if (!target || target.tagName !== "SCRIPT" || !target.src) {{ return; }}
      const done = reloads.get(frame) || 0;
      if (done >= {MAX_RELOADS}) {{ return; }}
      reloads.set(frame, done + 1);
      window.setTimeout(() => {{  // unless the user has left the page since
        if (frame.isConnected && frame.contentWindow) {{ frame.contentWindow.location.reload(); }}
      }}, 1000 * 2 ** done);
    }}, true);
  }});
}})();
</script>"""


def declare() -> None:
    """Add the watch to the page (once per browser page: the script does nothing the second time)."""
    st.html(SCRIPT, unsafe_allow_javascript=True)
