"""The app's side of the team workspace: who acts, the scenario the session works on, saving and restoring the
session's state, and the audit of every download.

Who acts: the logged-in user when ``[auth]`` is configured in ``.streamlit/secrets.toml`` (``st.login``), else the
local owner. Every write goes through :mod:`regions.workspace`, which checks the role and the version; a download
is recorded by :func:`regions.workspace.people.record_export` when the user clicks it (the button's ``on_click``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
import streamlit as st

from homeshore import state
from homeshore.plain import md
from homeshore.state import t
from regions import indicators, scoring, settings
from regions.workspace import WorkspaceError, capture, db, people, scenarios, userdata

OPEN = "hs_scenario_open"  # (name, version) of the scenario the session works on
FLASH = "hs_scenario_flash"  # a message for the Scénarios page after a rerun
PRESET_BASE = "preset_base"  # in a scenario's constraints: the preset the app's list showed (see State)
NOTICE = "hs_workspace_notice"  # a message for the page the user is on (a download that could not be recorded)


def auth_configured() -> bool:
    """Whether login is configured (an ``[auth]`` section in ``.streamlit/secrets.toml``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: the local mode
        return False


def acting(*, stop: bool = True) -> people.Actor | None:
    """The logged-in user (``st.user``) when login is configured, else the local owner.

    Someone not logged in gets the login button; a workspace that cannot be reached or a stranger gets the French
    reason. Then the page stops (``stop``) or ``None`` is returned (the caller leaves out what needs an actor)."""
    try:
        if not auth_configured():
            return people.actor()
        if not st.user.is_logged_in:
            st.info(t("sc_login_needed"))
            st.button(t("sc_login"), on_click=st.login, key=f"btn_sc_login_{'stop' if stop else 'inline'}")
        else:
            return people.actor(str(st.user.email))
    except WorkspaceError as error:
        st.error(md(state.said(error)), icon=":material/block:")
    except sa.exc.SQLAlchemyError as error:
        st.error(md(db.describe_error(error)), icon=":material/block:")
    if stop:
        st.stop()
    return None


def opened() -> tuple[str, int] | None:
    """``(name, version)`` of the scenario this session opened or saved last, if any."""
    value = st.session_state.get(OPEN)
    return (str(value[0]), int(value[1])) if value else None


def current_state(note: str, statuses: Mapping[str, tuple[str, str]]) -> scenarios.State:
    """The sidebar, the shortlist (``statuses``: code -> status, note; others *à explorer*) and your sites."""
    added = state.user_sites()
    sites_used: dict[str, Any] = {"hubs": list(state.hub_ids())}
    if added is not None:
        sites_used["user_sites"] = sites_records(added)
    shortlist = [(code, *statuses.get(code, ("to_explore", ""))) for code in st.session_state[state.SHORTLIST]]
    raw = {c: float(st.session_state.get(state.weight_key(c), 0)) for c in scoring.components()}
    saved = capture.state(
        state.table(), state.result(), preset=state.selection_name(), weights={c: w for c, w in raw.items() if w > 0},
        filters=state.filters(), territories=shortlist, sites=sites_used, note=note,
    )  # fmt: skip
    saved.constraints[PRESET_BASE] = state.base_preset()
    return saved


def _known_preset(name: object) -> str | None:
    """The id of a preset saved by id or by its former French name; None for ``custom`` or an unknown name."""
    try:
        identifier = scoring.preset_id(str(name))
    except ValueError:
        return None
    return None if identifier == scoring.CUSTOM else identifier


def restore(saved: scenarios.Scenario) -> None:
    """Put a scenario back in the sidebar, the shortlist and your sites (call it before the widgets draw: from a
    callback, or before the sidebar of the next run)."""
    data = saved.state
    shown = _known_preset(data.preset) or _known_preset(data.constraints.get(PRESET_BASE))
    if shown is not None:  # a customised scenario: the preset its weights were moved from
        st.session_state[state.PRESET] = shown
        st.session_state[state.LAST_PRESET] = shown
    scale = 100.0 if max(data.weights.values(), default=0) <= 1 else 1.0  # the CLI saves weights summing to 1
    for component in scoring.components():
        st.session_state[state.weight_key(component)] = round(scale * data.weights.get(component, 0.0))
    limits = data.constraints
    st.session_state[state.MIN_FTTH] = int(limits.get("min_ftth_pct") or 0)
    st.session_state[state.MAX_TRAVEL] = int(limits.get("max_travel_min") or state.NO_LIMIT)
    st.session_state[state.REGIONS] = list(limits.get("regions") or [])
    hub = limits.get("max_hub_travel_min")
    st.session_state[state.HUB_MAX_TRAVEL] = int(settings.DEFAULT_HUB_MAX_TRAVEL_MIN if hub is None else hub)
    st.session_state[state.HUBS] = list(data.sites.get("hubs") or [])
    st.session_state[state.USER_SITES] = sites_frame(data.sites.get("user_sites") or [])
    st.session_state[state.SHORTLIST] = [territory.code for territory in data.territories]
    st.session_state[OPEN] = (saved.name, saved.version)


def download_kwargs(
    by: people.Actor, action: str, detail: Mapping[str, object], *, scenario: tuple[str, int] | None = None
) -> dict[str, Any]:
    """``on_click``, ``args`` and ``kwargs`` for ``st.download_button``: the download is recorded in the audit trail
    (who, what, which scenario version) when the user clicks it."""
    name, version = scenario if scenario else (None, None)
    return {"on_click": _record_download, "args": (by, action, dict(detail)),
            "kwargs": {"scenario": name, "version": version}}  # fmt: skip


def _record_download(
    by: people.Actor, action: str, detail: dict[str, object], *, scenario: str | None, version: int | None
) -> None:
    try:
        people.record_export(by, action, detail, scenario=scenario, version=version)
    except WorkspaceError as error:
        st.session_state[NOTICE] = state.said(error)
    except sa.exc.SQLAlchemyError as error:
        st.session_state[NOTICE] = db.describe_error(error)


def show_notice() -> None:
    """Show (once) what a download callback could not record."""
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.error(md(t("ws_not_recorded", reason=notice)), icon=":material/block:")


# --- your sites, saved in the workspace -------------------------------------------------------------------------

SITES_VERSION = "hs_sites_version"  # the version of the workspace's sites this session read (None: not read)


def sites_records(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Located sites as JSON records (the geometry is rebuilt from ``lat``/``lon``)."""
    records: list[dict[str, Any]] = json.loads(pd.DataFrame(frame.drop(columns="geometry")).to_json(orient="records"))
    return records


def sites_frame(records: list[dict[str, Any]]) -> gpd.GeoDataFrame | None:
    """The inverse of :func:`sites_records` (``None`` for no site)."""
    if not records:
        return None
    frame = pd.DataFrame(records)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=settings.CRS_WGS84)


def load_sites(*, force: bool = False) -> None:
    """Put the workspace's saved sites in the session, once per session (``force``: again, after a refusal)."""
    if not force and SITES_VERSION in st.session_state:
        return
    try:
        saved = userdata.load_sites()
    except (WorkspaceError, sa.exc.SQLAlchemyError):  # the database cannot be read: the session works without
        st.session_state[SITES_VERSION] = None
        return
    st.session_state[SITES_VERSION] = saved.version
    st.session_state[state.USER_SITES] = sites_frame(saved.records)


def save_sites(by: people.Actor, frame: gpd.GeoDataFrame | None) -> str | None:
    """Save the session's sites in the workspace with the version read; the refusal to show (``None``: saved)."""
    version = st.session_state.get(SITES_VERSION)
    try:
        if version is None:
            version = userdata.load_sites().version
        saved = userdata.save_sites(by, [] if frame is None else sites_records(frame), expect_version=int(version))
    except userdata.StaleDataError as error:
        return error.message(state.lang())
    except WorkspaceError as error:
        return str(error)
    except sa.exc.SQLAlchemyError as error:
        return db.describe_error(error)
    st.session_state[SITES_VERSION] = saved.version
    st.session_state[state.USER_SITES] = frame
    return None


_SEEN: dict[str, tuple[int, ...]] = {}  # per database: the user data's stamp this server last read


def follow_user_data() -> None:
    """Read the user's figures again when another process (a command, another app replica) changed them: one cheap
    query per run; the caches are cleared only on a change."""
    try:
        userdata.migrate_folder()  # an old folder that appeared (or was left half-way) first: a stat when there is none
        url, now = db.database_url(), userdata.stamp()
    except (WorkspaceError, sa.exc.SQLAlchemyError):  # no database: the figures read last stay
        return
    if _SEEN.get(url) not in (None, now):
        indicators.reload()
        st.cache_data.clear()
    _SEEN[url] = now
