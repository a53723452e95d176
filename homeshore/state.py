"""Shared app state (``st.session_state`` under ``hs_`` keys) and the cached calls into the ``regions`` library.

The UI holds state — language, weights, filters, shortlist, added sites — and asks the library for everything
else. Heavy work is cached: the territory table per set of added sites, the score per (weights, filters, sites).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from homeshore import pool, strings, views
from regions import geo, indicators, maps, scoring, settings, sites, sources
from regions.errors import HomeshoreError
from regions.formatting import Lang

LANG = "hs_lang"
PRESET = "hs_preset"
MIN_FTTH = "hs_min_ftth"
MAX_TRAVEL = "hs_max_travel"
REGIONS = "hs_regions"
COLOUR_BY = "hs_colour_by"
ZONE = "hs_zone"
SHOW_SITES = "hs_show_sites"
SHORTLIST = "hs_shortlist"
PICK = "hs_pick"
USER_SITES = "hs_user_sites"  # your sites added on the Sites page: hubs, never sector sites
HUBS = "hs_hubs"  # your sites picked among the bundled ones (site ids)
HUB_MAX_TRAVEL = "hs_hub_max_travel"
LAST_PRESET = "hs_last_preset"
HIGH_CONTRAST = "hs_high_contrast"

NO_LIMIT = 0
TRAVEL_CHOICES = settings.TRAVEL_LIMIT_CHOICES_MIN
HUB_TRAVEL_CHOICES = settings.HUB_TRAVEL_LIMIT_CHOICES_MIN


def weight_key(component: str) -> str:
    return f"hs_w_{component}"


def init() -> None:
    """Set every default once per user session."""
    defaults: dict[str, Any] = {
        LANG: "fr",
        PRESET: scoring.DEFAULT_PRESET,
        MIN_FTTH: 0,
        MAX_TRAVEL: int(settings.DEFAULT_HUB_MAX_TRAVEL_MIN),  # no site out of reach ranked by default
        REGIONS: [],
        COLOUR_BY: "score",
        ZONE: "metropole",
        SHOW_SITES: True,
        SHORTLIST: [],
        PICK: None,
        USER_SITES: None,
        HUBS: [],
        HUB_MAX_TRAVEL: int(settings.DEFAULT_HUB_MAX_TRAVEL_MIN),
        HIGH_CONTRAST: False,
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    if LAST_PRESET not in st.session_state:
        apply_preset(scoring.DEFAULT_PRESET)


def apply_preset(name: str) -> None:
    """Set every weight slider to the preset's weights (percent); ``custom`` leaves the sliders as they are."""
    if name == scoring.CUSTOM:
        return
    weights = scoring.preset_for(name)
    for component in scoring.components():
        st.session_state[weight_key(component)] = round(100 * weights.get(component, 0.0))
    st.session_state[LAST_PRESET] = scoring.preset_id(name)


def base_preset() -> str:
    """The id of the preset the sliders were last set from (the one they were moved from when custom)."""
    return scoring.preset_id(str(st.session_state.get(LAST_PRESET, scoring.DEFAULT_PRESET)))


def sync_preset() -> None:
    """Before the preset box draws: ``custom`` once the sliders no longer hold the chosen preset's weights, and
    back to a preset when they hold its weights again (compared within ``scoring.WEIGHT_TOLERANCE``)."""
    matching = scoring.matching_preset(weights())
    if matching == scoring.CUSTOM:
        st.session_state[PRESET] = scoring.CUSTOM
    elif st.session_state.get(PRESET) != matching:
        st.session_state[PRESET] = matching
        st.session_state[LAST_PRESET] = matching


def lang() -> Lang:
    value = st.session_state.get(LANG, "fr")
    return "en" if value == "en" else "fr"


def t(key: str, **values: object) -> str:
    """A UI string in the current language."""
    return strings.text(key, lang(), **values)


def said(error: Exception) -> str:
    """A user error's message in the app's language (a :class:`regions.errors.HomeshoreError` carries both); any
    other error's own text."""
    return error.message(lang()) if isinstance(error, HomeshoreError) else str(error)


def label(indicator_id: str) -> str:
    """An indicator's label in the current language."""
    return sources.label(indicator_id, lang())


def preset_label(name: str) -> str:
    """A preset's label in the current language; the custom choice says which preset the sliders moved from."""
    if name == scoring.CUSTOM:
        return t("preset_custom_from", preset=scoring.preset_label(base_preset(), lang()))
    return scoring.preset_label(name, lang())


def weights() -> dict[str, float]:
    """The current slider weights (positive ones); falls back to the preset if every slider is at 0."""
    raw = {c: float(st.session_state.get(weight_key(c), 0)) for c in scoring.components()}
    chosen = {c: w for c, w in raw.items() if w > 0}
    return chosen or scoring.preset_for(scoring.DEFAULT_PRESET)


def selection_name() -> str:
    """The id of the preset the sliders hold (within the tolerance), else ``custom``."""
    return scoring.matching_preset(weights())


def filters() -> scoring.Filters:
    """The sidebar's hard constraints; once you declare sites, the travel limit is to the nearest of them (default
    120 min) and a territory with none reachable is excluded."""
    min_ftth = float(st.session_state.get(MIN_FTTH, 0) or 0)
    max_travel = int(st.session_state.get(MAX_TRAVEL, NO_LIMIT) or NO_LIMIT)
    regions = tuple(st.session_state.get(REGIONS, []))
    if has_hubs():
        hub_travel = int(st.session_state.get(HUB_MAX_TRAVEL, NO_LIMIT) or NO_LIMIT)
        limit = float("inf") if hub_travel == NO_LIMIT else float(hub_travel)
        return scoring.Filters(
            min_ftth_pct=min_ftth if min_ftth > 0 else None, regions=regions, max_hub_travel_min=limit
        )
    return scoring.Filters(
        min_ftth_pct=min_ftth if min_ftth > 0 else None,
        max_travel_min=float(max_travel) if max_travel != NO_LIMIT else None,
        regions=regions,
    )


def hub_ids() -> tuple[str, ...]:
    """Your sites picked among the bundled ones."""
    return tuple(st.session_state.get(HUBS, []) or [])


def has_hubs() -> bool:
    return bool(hub_ids()) or user_sites() is not None


def hubs() -> gpd.GeoDataFrame | None:
    """Your sites: the bundled ones you picked plus the ones you added (``None`` when you declared none)."""
    return _hubs(hub_ids(), _sites_frame(user_sites())) if has_hubs() else None


@st.cache_data(show_spinner=False, max_entries=16)
def _hubs(ids: tuple[str, ...], added: pd.DataFrame | None) -> gpd.GeoDataFrame:
    user = None
    if added is not None:
        user = gpd.GeoDataFrame(added, geometry=gpd.points_from_xy(added["lon"], added["lat"]), crs=settings.CRS_WGS84)
    return sites.select_hubs(ids, (), user)


def user_sites() -> gpd.GeoDataFrame | None:
    value = st.session_state.get(USER_SITES)
    return value if isinstance(value, gpd.GeoDataFrame) and len(value) else None


def all_sites() -> gpd.GeoDataFrame:
    """Bundled sites plus the ones the user added (for the map and the nearest sites; the score keeps them
    apart: sector presence counts the bundled sites only, access to your sites counts yours)."""
    return _all_sites(_sites_frame(user_sites()))


def table() -> pd.DataFrame:
    """The département table, its access columns computed with the current sites, and the pool depth from the
    current applicant file."""
    return _table(_sites_frame(user_sites()), pool.applicant_counts(), hub_ids(), _catalogue())


def table_without_pool() -> pd.DataFrame:
    """The same table without pool depth: what the sidebar shows before a page has read the applicant file."""
    return _table(_sites_frame(user_sites()), None, hub_ids(), _catalogue())


def result() -> pd.DataFrame:
    """The current ranking (cached per weights, filters and sites)."""
    weight_items = tuple(sorted(weights().items()))
    return _result(
        weight_items, filters(), _sites_frame(user_sites()), pool.applicant_counts(), lang(), hub_ids(), _catalogue()
    )


def _catalogue() -> tuple[str, ...]:
    """The indicator ids in use: part of the cached tables' key, so that a catalogue reloaded elsewhere (an import
    by the command line in this process, a test) never meets a table cached without its new columns."""
    return tuple(indicators.indicator_ids())


def live_update(
    column: str, zone: str, show_sites: bool, highlight: str | None, *, report_drawn: bool = False
) -> folium.FeatureGroup:
    """The update of the département map (see :func:`regions.maps.live_update`) for the current language, weights,
    filters, sites, colouring, zone and highlighted département; with ``report_drawn``, the map says when it is
    drawn (a new session's first view, ``homeshore/first_view.py``). The map itself, the same for every run of the
    session, is :func:`live_geometry` (so that the browser keeps it, with its zoom and centre).

    Built anew on each run, from cached inputs: a folium object rendered twice is not the same (``st_folium``
    changes the objects it renders), so the folium objects themselves are not cached."""
    inputs = _live_inputs(column, zone, highlight)
    return _update(inputs, show_sites, report_drawn)


def live_script(column: str, zone: str, show_sites: bool, highlight: str | None, *, report_drawn: bool = False) -> str:
    """:func:`live_update` as the script that the map's own frame runs (``homeshore/map_files.py``): text, so cached
    (rendering the folium objects took a fifth of a new session's first run)."""
    return _live_script(_live_inputs(column, zone, highlight), show_sites, report_drawn)


class _LiveInputs(NamedTuple):
    """What the map's update depends on: the arguments of :func:`_live_payload`."""

    column: str
    map_lang: Lang
    zone: str
    highlight: str | None
    weight_items: tuple[tuple[str, float], ...]
    active: scoring.Filters
    added: pd.DataFrame | None
    counts: pd.Series | None
    ids: tuple[str, ...]
    catalogue: tuple[str, ...]
    high_contrast: bool


def _live_inputs(column: str, zone: str, highlight: str | None) -> _LiveInputs:
    """The map's inputs for these choices and the session's language, weights, filters, sites and applicant file."""
    weight_items = tuple(sorted(weights().items()))
    added, counts = _sites_frame(user_sites()), pool.applicant_counts()
    return _LiveInputs(
        column, lang(), zone, highlight, weight_items, filters(), added, counts, hub_ids(), _catalogue(),
        high_contrast(),
    )  # fmt: skip


def _update(inputs: _LiveInputs, show_sites: bool, report_drawn: bool) -> folium.FeatureGroup:
    points = _map_sites(inputs.added) if show_sites else None
    return maps.live_update(
        _live_payload(*inputs),
        sites=points,
        sites_label=strings.text("sites_label", inputs.map_lang),
        sites_tooltip_field="t_site" if points is not None else None,
        report_drawn=report_drawn,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _live_script(inputs: _LiveInputs, show_sites: bool, report_drawn: bool) -> str:
    return maps.live_update_script(_update(inputs, show_sites, report_drawn))


def live_base() -> folium.Map:
    """The département map with Leaflet and the shapes inside it, for ``st_folium`` (where the map's own page cannot
    be written, ``homeshore/map_files.py``)."""
    return maps.live_map(live_geometry(), high_contrast=high_contrast())


def high_contrast() -> bool:
    """Whether the user chose the high-contrast look (no basemap, black text)."""
    return bool(st.session_state.get(HIGH_CONTRAST))


@st.cache_resource(show_spinner=False)
def live_geometry() -> str:
    """The départements' shapes as GeoJSON text: computed once per server (per geometry cache), shared by sessions."""
    return maps.live_geometry(geo.departements())


@st.cache_data(show_spinner=False, max_entries=16)
def _map_sites(added: pd.DataFrame | None) -> gpd.GeoDataFrame:
    points = _all_sites(added)
    return points.assign(t_site=points["operator"].map(views.without_note) + " — " + points["commune_name"])


@st.cache_data(show_spinner=False, max_entries=64)
def _live_payload(
    column: str,
    map_lang: Lang,
    zone: str,
    highlight: str | None,
    weight_items: tuple[tuple[str, float], ...],
    active: scoring.Filters,
    added: pd.DataFrame | None,
    counts: pd.Series | None,
    ids: tuple[str, ...] = (),
    catalogue: tuple[str, ...] = (),
    high_contrast: bool = False,
) -> dict[str, Any]:
    """What the map shows for these choices (colours, tooltips, legend, outline, zone), as plain data."""
    table = _table(added, counts, ids, catalogue)
    result = _result(weight_items, active, added, counts, map_lang, ids, catalogue)
    return views.live_payload(table, result, dict(weight_items), column, map_lang, zone, highlight, high_contrast)


def _sites_frame(points: gpd.GeoDataFrame | None) -> pd.DataFrame | None:
    """A plain, hashable copy of the added sites (Streamlit hashes it for the cache key)."""
    return None if points is None else pd.DataFrame(points.drop(columns="geometry"))


@st.cache_data(show_spinner=False, max_entries=16)
def _all_sites(added: pd.DataFrame | None) -> gpd.GeoDataFrame:
    bundled = sites.load_sites()
    if added is None:
        return bundled
    extra = gpd.GeoDataFrame(added, geometry=gpd.points_from_xy(added["lon"], added["lat"]), crs=bundled.crs)
    return gpd.GeoDataFrame(pd.concat([bundled, extra], ignore_index=True), crs=bundled.crs)


@st.cache_data(show_spinner=False, max_entries=16)
def _table(
    added: pd.DataFrame | None, counts: pd.Series | None, ids: tuple[str, ...] = (), catalogue: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Sector presence from the bundled sites only; your sites (picked ``ids`` and ``added``) are hubs."""
    hub_points = _hubs(ids, added) if ids or added is not None else None
    return indicators.territory_table("departement", sites.load_sites(), counts, hubs=hub_points)


@st.cache_data(show_spinner=False, max_entries=64)
def _result(
    weight_items: tuple[tuple[str, float], ...],
    active: scoring.Filters,
    added: pd.DataFrame | None,
    counts: pd.Series | None,
    result_lang: Lang,
    ids: tuple[str, ...] = (),
    catalogue: tuple[str, ...] = (),
) -> pd.DataFrame:
    return scoring.score(_table(added, counts, ids, catalogue), dict(weight_items), active, lang=result_lang)


def keep_widget_state() -> None:
    """Keep page-specific widget values when the user visits another page (Streamlit drops the state of widgets
    that a run does not draw; writing the value back makes it ordinary session state)."""
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith("hs_") and key != PICK:
            st.session_state[key] = st.session_state[key]
