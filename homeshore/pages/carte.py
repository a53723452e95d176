"""Carte: the map of départements, the ranking under it, the shortlist editor and the detail of one département."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from homeshore import detail, first_view, map_files, pool, state, views
from homeshore.plain import md
from homeshore.state import t
from regions import formatting, maps, settings

RANKING_ANCHOR = "classement"
MAP_KEY = "map_departements"
#: What the map sends back: the clicked shape (its id), and where it was clicked, so that clicking the same
#: département again after picking another one in the list still counts as a new click.
CLICK_OBJECTS = ["last_active_drawing", "last_object_clicked"]

lang = state.lang()
table, result, weights = state.table(), state.result(), state.weights()
codes_ranked = result["code"].tolist()
names = table.set_index("code")["name"]


def _controls(table: pd.DataFrame, names: pd.Series) -> None:
    """What colours the map, its zone and the sites switch: under the map, so that the map, drawn first in a new
    session, does not move when they arrive; in its fragment, as what they change is the map only."""
    left, middle, right = st.columns([2, 2, 2])  # room for the toggle's label in full
    left.selectbox(
        t("colour_by"),
        views.colour_options(table),
        format_func=lambda c: t("colour_score") if c == views.SCORE else state.label(c),
        key=state.COLOUR_BY,
    )
    middle.selectbox(
        t("zone"),
        list(maps.ZONES),
        format_func=lambda z: t("zone_metropole") if z == "metropole" else names[z],
        key=state.ZONE,
    )
    right.toggle(t("show_sites"), key=state.SHOW_SITES)


with st.container():  # everything above the map, in one block, the same in a new session's first view and after it:
    # the map keeps its place on the page, and its frame
    st.title(t("app_title"))
    st.markdown(t("tagline"))
    if (pool_problem := pool.problem()) is not None:  # the user's applicant file: no pool depth, and why
        st.warning(t(pool_problem[0], reason=md(pool_problem[1])), icon=":material/warning:")
    st.header(t("map_heading"))
    st.caption(t("map_caption"))
    # the keyboard and screen-reader way past the map: to its text equivalent, the ranking table. Plain Markdown (an
    # in-page link, bold): Markdown with HTML would make a new session's browser load a 190 kB parser before the map
    st.markdown(f"**[{t('skip_map')}](#{RANKING_ANCHOR})**")


@st.fragment
def _map_and_detail(table: pd.DataFrame, result: pd.DataFrame, weights: dict[str, float]) -> None:
    """The map, its controls, the keyboard path to a département and its detail panel: a click on the map (or a
    change of its controls) reruns only this part.

    The map is a frame whose page (Leaflet, the shapes) is the same on every run (``homeshore/map_files.py``), so the
    browser keeps it, with the zoom and centre the user chose; each run sends only the update (colours, tooltips,
    legend, outline, sites). It reports clicks only: panning or zooming reruns nothing. A click picks the
    département in ``on_change``, before the run, so the run draws its outline and detail.
    In a new session's first view, only the map, which says when it is drawn: that run draws the whole page.
    """
    first_view.advance()
    codes_ranked = result["code"].tolist()
    names = table.set_index("code")["name"]
    choices = (
        st.session_state[state.COLOUR_BY],
        st.session_state[state.ZONE],
        bool(st.session_state[state.SHOW_SITES]),
        st.session_state.get(state.PICK),
    )
    on_click = lambda: _pick_clicked(set(names.index))  # noqa: E731 (the same callback for either way of drawing)
    drawn = map_files.draw(
        state.live_geometry(),
        state.live_script(*choices, report_drawn=first_view.now()),
        high_contrast=state.high_contrast(),
        lang=lang,
        key=MAP_KEY,
        on_change=on_click,
    )
    if not drawn:  # its page could not be written: st_folium, with Leaflet and the shapes inside the map
        st_folium(
            state.live_base(),
            key=MAP_KEY,
            height=map_files.HEIGHT_PX,
            use_container_width=True,
            feature_group_to_add=state.live_update(*choices, report_drawn=first_view.now()),
            returned_objects=CLICK_OBJECTS,
            on_change=on_click,
        )
    if first_view.now():
        return
    _controls(table, names)

    # --- the keyboard path and the detail panel -------------------------------------------------------------------
    st.selectbox(
        t("pick_departement"),
        codes_ranked,
        index=None,
        placeholder=t("pick_placeholder"),
        format_func=lambda c: f"{names[c]} ({c})",
        key=state.PICK,
    )
    if st.session_state.get(state.PICK):
        detail.render(st.session_state[state.PICK], table, result, weights)


def _pick_clicked(codes: set[str]) -> None:
    """Pick the département the user clicked on the map (its feature id is the INSEE code)."""
    clicked = st.session_state.get(MAP_KEY) or {}
    code = (clicked.get("last_active_drawing") or {}).get("id")
    if code in codes:
        st.session_state[state.PICK] = code


def _add_top(n: int) -> None:
    top = result[result["rank"].notna()]["code"].head(n).tolist()
    current = list(st.session_state[state.SHORTLIST])
    st.session_state[state.SHORTLIST] = current + [c for c in top if c not in current]


def _ranking_and_shortlist() -> None:
    """Under the map: the top 5 in sentences, the ranking table (the map's text equivalent) and the shortlist."""
    st.header(t("top_heading"))
    for sentence in views.top_sentences(table, result, weights, lang):
        st.markdown(sentence)

    st.header(t("table_heading"), anchor=RANKING_ANCHOR)
    st.caption(t("map_alternative"))
    kept = int(result["rank"].notna().sum())
    st.caption(
        t(
            "table_caption",
            kept=kept,
            partial=int(result["partial"].sum()),
            minimum=f"{settings.MIN_RANKED_WEIGHT_PCT:g}",
            excluded=int(result["excluded"].sum()),
        )
    )
    st.dataframe(
        views.ranking_table(result, lang),
        placeholder=formatting.MISSING,
        hide_index=True,
        width="stretch",
        height=420,
        column_config={t("col_name"): st.column_config.TextColumn(width="medium")},  # « Alpes-de-Haute-Provence »
    )

    st.multiselect(
        t("shortlist_editor"),
        codes_ranked,
        format_func=lambda c: f"{names[c]} ({c})",
        placeholder=t("placeholder_many"),
        key=state.SHORTLIST,
        help=t("shortlist_editor_help"),
    )
    one, two, _ = st.columns([1, 1, 3])
    one.button(t("add_top", n=10), key="btn_add_top", on_click=_add_top, args=(10,))
    two.button(
        t("clear_shortlist"), key="btn_clear_shortlist", on_click=lambda: st.session_state.update({state.SHORTLIST: []})
    )


_map_and_detail(table, result, weights)
if first_view.now():  # a new session's first run: the title, the texts and the map only (first_view.py)
    first_view.fallback()
else:
    _ranking_and_shortlist()
