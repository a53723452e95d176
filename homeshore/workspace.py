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
from regions import scoring, settings
from regions.workspace import WorkspaceError, capture, db, people, scenarios

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
        sites_used["user_sites"] = json.loads(pd.DataFrame(added.drop(columns="geometry")).to_json(orient="records"))
    shortlist = [(code, *statuses.get(code, ("to_explore", ""))) for code in st.session_state[state.SHORTLIST]]
    raw = {c: float(st.session_state.get(state.weight_key(c), 0)) for c in scoring.components()}
    saved = capture.state(
        state.table(), state.result(), preset=state.selection_name(), weights={c: w for c, w in raw.items() if w > 0},
        filters=state.filters(), shortlist=shortlist, sites=sites_used, note=note,
    )  # fmt: skip
    saved.constraints[PRESET_BASE] = str(st.session_state.get(state.PRESET, scoring.DEFAULT_PRESET))
    return saved


def restore(saved: scenarios.Scenario) -> None:
    """Put a scenario back in the sidebar, the shortlist and your sites (call it before the widgets draw: from a
    callback, or before the sidebar of the next run)."""
    data = saved.state
    shown = data.preset if data.preset in scoring.PRESETS else data.constraints.get(PRESET_BASE)
    if shown in scoring.PRESETS:  # a customised scenario: the preset its weights were moved from
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
    records = data.sites.get("user_sites")
    frame = pd.DataFrame(records) if records else None
    st.session_state[state.USER_SITES] = (
        None if frame is None
        else gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=settings.CRS_WGS84)
    )  # fmt: skip
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
