"""A new session's map page in two steps: the title and the map first, the rest of the page once the map is drawn.

A browser opening the app draws everything the first run sends at once: the sidebar's criteria, the controls, the
ranking grid (1.5 MB of code) and the map, in that order of cost, so the map came last (BENCHMARKS.md). The first
run of a session that opens the map page in a browser therefore draws only the title, the texts above the map and
the map itself (:func:`now`), not even the navigation's links (:func:`navigation_position`). The map says when it is
drawn (``report_drawn`` of :func:`regions.maps.live_update`): that reruns its fragment, which calls :func:`advance`,
and the whole page follows. Should the map never say so (its
files failed for good), :func:`fallback` draws the whole page after :data:`FALLBACK_SECONDS` all the same.

Every other run draws the whole page: a later run, another page, or a session without a browser (Streamlit's
``AppTest`` runs the script once and reads it, with nothing to draw a map).
"""

from __future__ import annotations

from typing import Final, Literal

import streamlit as st

#: The session's step: absent before its first run, then one of the three below.
KEY: Final[str] = "hs_first_view"
DRAWING: Final[str] = "drawing"  # this run draws the first view
DRAWN: Final[str] = "drawn"  # the first view is on the page; the next run draws the whole page
DONE: Final[str] = "done"
#: Seconds after which the whole page is drawn even if the map has not said it is drawn.
FALLBACK_SECONDS: Final[int] = 3


def navigation_position(*, browser: bool) -> Literal["hidden", "sidebar"]:
    """Where the navigation goes in this run, before the page is known: hidden in a session's first run in a browser,
    which is a first view unless it opens another page (see :func:`begin`); in the sidebar otherwise. Its eight
    links cost a new session's map 70 ms in Chromium."""
    return "hidden" if browser and KEY not in st.session_state else "sidebar"


def begin(*, on_map_page: bool, browser: bool, navigation_hidden: bool = False) -> None:
    """At the top of every run of the whole script, once the navigation knows the page: the session's first run
    draws the first view if it opens the map page in a browser; any other run draws the whole page. A run whose
    navigation is hidden (:func:`navigation_position`) but that is no first view runs again at once, with it."""
    first = KEY not in st.session_state
    st.session_state[KEY] = DRAWING if first and on_map_page and browser else DONE
    if navigation_hidden and not now():
        st.rerun()


def now() -> bool:
    """Whether this run draws the first view (title, texts and map only)."""
    return st.session_state.get(KEY) == DRAWING


def end() -> None:
    """At the end of a run of the whole script: a first view drawn is now on the page."""
    if now():
        st.session_state[KEY] = DRAWN


def advance() -> None:
    """In a fragment's run (the map saying it is drawn, or :func:`fallback`): after the first view, draw the whole
    page (a rerun of the whole script). Does nothing otherwise, nor during the first view's own run."""
    if st.session_state.get(KEY) == DRAWN:
        st.session_state[KEY] = DONE
        st.rerun()


@st.fragment(run_every=FALLBACK_SECONDS)
def fallback() -> None:
    """Drawn in the first view only (its timer stops once the whole page no longer draws it): the whole page after
    :data:`FALLBACK_SECONDS`, if the map has not brought it sooner."""
    advance()
