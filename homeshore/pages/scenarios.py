"""Scénarios: save the current state (sidebar, shortlist, your sites) under a name, reopen it, duplicate it, compare
two side by side, set each territory's status, lock (managers), export, and read the audit trail.

Who acts and how the session's state is saved and restored: :mod:`homeshore.workspace`. Every write goes through
:mod:`regions.workspace`, which checks the role and the version.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
import streamlit as st

from homeshore import state, workspace
from homeshore.plain import md
from homeshore.state import t
from regions import codes, formatting
from regions.workspace import WorkspaceError, capture, people, scenarios

OPEN, FLASH = workspace.OPEN, workspace.FLASH
_current_state, _restore = workspace.current_state, workspace.restore


def _open(by: people.Actor, name: str) -> None:
    try:
        _restore(scenarios.get(by, name))
        st.session_state[FLASH] = ("success", t("sc_opened", name=md(name)))
    except WorkspaceError as error:
        st.session_state[FLASH] = ("error", state.said(error))


def _write(action: Any, *args: Any, **kwargs: Any) -> scenarios.Scenario | None:
    """Run a workspace write; a refusal (stale version, role, lock) is shown, never raised."""
    try:
        return action(*args, **kwargs)  # type: ignore[no-any-return]
    except WorkspaceError as error:
        st.error(md(state.said(error)), icon=":material/block:")
        return None


by = workspace.acting()
assert by is not None  # acting() stops the page otherwise
workspace.show_notice()
st.title(t("page_scenarios"))
st.caption(t("sc_who", email=md(by.email), role=people.ROLE_LABELS_FR[by.role]))
flash = st.session_state.pop(FLASH, None)
if flash:
    (st.success if flash[0] == "success" else st.error)(flash[1] if flash[0] == "success" else md(flash[1]))

listed = scenarios.list_scenarios(by)
names = [row["name"] for row in listed]
opened = st.session_state.get(OPEN)
if opened and opened[0] not in names:
    opened = st.session_state[OPEN] = None

# --- the open scenario: what changed since, statuses and notes, lock, export ------------------------------------
if opened:
    current = scenarios.get(by, opened[0])
    st.header(t("sc_open_heading", name=md(current.name), version=current.version))
    if current.version != opened[1]:
        st.warning(t("sc_newer", who=md(current.updated_by), at=scenarios.clock(current.updated_at)))
    moved = scenarios.changes(
        current, capture.vintages(state.table(), current.state.weights), capture.ranks(state.result())
    )
    if moved:
        st.warning(t("sc_changed") + "\n\n" + "\n".join(f"- {md(line)}" for line in moved.lines()))
    labels = scenarios.STATUS_LABELS_FR
    frame = pd.DataFrame(
        [{"code": x.code, "name": codes.departement_name(x.code), "status": labels[x.status], "note": x.note}
         for x in current.state.territories],
        columns=["code", "name", "status", "note"],
    )  # fmt: skip
    fixed: bool | list[str] = True if current.locked else ["code", "name"]
    edited = st.data_editor(
        frame, key="sc_statuses", hide_index=True, width="stretch", disabled=fixed,
        column_config={
            "code": t("sc_col_code"), "name": t("sc_col_name"), "note": t("sc_col_note"),
            "status": st.column_config.SelectboxColumn(t("sc_col_status"), options=list(labels.values()),
                                                       required=True),
        },
    )  # fmt: skip
    back = {label: status for status, label in labels.items()}
    left, middle, right = st.columns(3)
    if left.button(t("sc_save_statuses"), key="btn_sc_statuses", disabled=current.locked):
        statuses = {str(row.code): (back[str(row.status)], str(row.note or "")) for row in edited.itertuples()}
        saved = _write(scenarios.save, by, current.name, _current_state(current.state.note, statuses),
                       expect_version=opened[1])  # fmt: skip
        if saved:
            st.session_state[OPEN] = (saved.name, saved.version)
            st.session_state[FLASH] = ("success", t("sc_saved", name=md(saved.name), version=saved.version))
            st.rerun()
    if by.can("lock") and middle.button(t("sc_lock"), key="btn_sc_lock", disabled=current.locked):
        saved = _write(scenarios.lock, by, current.name, expect_version=opened[1])
        if saved:
            st.session_state[OPEN] = (saved.name, saved.version)
            st.rerun()
    if current.locked:
        st.info(t("sc_locked", who=md(str(current.locked_by))))
    payload = scenarios.export_file(current, "xlsx", state.lang())
    right.download_button(
        t("sc_export"), data=payload, file_name=f"scenario-{codes.slug(current.name)}-v{current.version}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="btn_sc_export",
        **workspace.download_kwargs(by, "export", {"format": "xlsx", "territories": len(frame)},
                                    scenario=(current.name, current.version)),
    )  # fmt: skip

# --- save the current state ------------------------------------------------------------------------------------
st.header(t("sc_save_heading"))
st.caption(t("sc_save_help", n=len(st.session_state[state.SHORTLIST])))
name = st.text_input(t("sc_name"), key="hs_sc_name", max_chars=scenarios.MAX_NAME)
note = st.text_input(t("sc_note"), key="hs_sc_note")
if st.button(t("sc_save"), key="btn_sc_save", type="primary"):
    if not name.strip():
        st.error(t("sc_name_needed"))
    else:
        keep = {}
        expect = None
        if opened and opened[0] == name.strip():
            expect = opened[1]
            keep = {x.code: (x.status, x.note) for x in scenarios.get(by, opened[0]).state.territories}
        saved = _write(scenarios.save, by, name, _current_state(note, keep), expect_version=expect)
        if saved:
            st.session_state[OPEN] = (saved.name, saved.version)
            st.session_state[FLASH] = ("success", t("sc_saved", name=md(saved.name), version=saved.version))
            st.rerun()

# --- the saved scenarios: open, duplicate, compare --------------------------------------------------------------
st.header(t("sc_list_heading"))
if not listed:
    st.info(t("sc_none"))
else:
    st.dataframe(pd.DataFrame(listed), placeholder=formatting.MISSING, hide_index=True, width="stretch")
    pick = st.selectbox(t("sc_pick"), names, key="hs_sc_pick")
    st.button(t("sc_open"), key="btn_sc_open", on_click=_open, args=(by, pick))
    copy_name = st.text_input(t("sc_copy_name"), key="hs_sc_copy_name")
    if st.button(t("sc_duplicate"), key="btn_sc_duplicate") and copy_name.strip():
        copied = _write(scenarios.duplicate, by, pick, copy_name)
        if copied:
            st.session_state[FLASH] = ("success", t("sc_saved", name=md(copied.name), version=copied.version))
            st.rerun()

    if len(names) >= 2:
        st.header(t("sc_compare_heading"))
        one, two = st.columns(2)
        first = one.selectbox(t("sc_compare_a"), names, index=0, key="hs_sc_cmp_a")
        second = two.selectbox(t("sc_compare_b"), names, index=1, key="hs_sc_cmp_b")
        a, b = scenarios.get(by, first).state, scenarios.get(by, second).state
        weights = pd.DataFrame({"indicator": sorted(set(a.weights) | set(b.weights))})
        total_a, total_b = sum(a.weights.values()) or 1, sum(b.weights.values()) or 1
        weights[first] = [round(100 * a.weights.get(i, 0) / total_a) for i in weights["indicator"]]
        weights[second] = [round(100 * b.weights.get(i, 0) / total_b) for i in weights["indicator"]]
        weights["indicator"] = [state.label(i) for i in weights["indicator"]]
        st.dataframe(weights, placeholder=formatting.MISSING, hide_index=True, width="stretch", key="hs_sc_cmp_weights")
        status_a = {x.code: scenarios.STATUS_LABELS_FR[x.status] for x in a.territories}
        status_b = {x.code: scenarios.STATUS_LABELS_FR[x.status] for x in b.territories}
        union = list(dict.fromkeys([*status_a, *status_b]))
        side = pd.DataFrame({
            "code": union, "name": [codes.departement_name(c) for c in union],
            f"{t('sc_col_rank')} — {first}": [a.ranks.get(c) for c in union],
            f"{t('sc_col_status')} — {first}": [status_a.get(c, "—") for c in union],
            f"{t('sc_col_rank')} — {second}": [b.ranks.get(c) for c in union],
            f"{t('sc_col_status')} — {second}": [status_b.get(c, "—") for c in union],
        })  # fmt: skip
        st.dataframe(side, placeholder=formatting.MISSING, hide_index=True, width="stretch", key="hs_sc_cmp_side")

st.header(t("sc_audit_heading"))
trail = people.audit_trail(by, limit=200)
if trail:
    audit = pd.DataFrame(trail)
    audit["detail"] = [json.dumps(d, ensure_ascii=False) for d in audit["detail"]]
    audit["scenario_version"] = audit["scenario_version"].map(
        lambda v: "" if v is None or math.isnan(v) else str(int(v))
    )
    audit["scenario"] = audit["scenario"].fillna("")  # an action on no scenario: an empty cell, never « None »
    labels = {column: t(f"sc_audit_col_{column}") for column in audit.columns}  # at, actor, action, scenario…
    st.dataframe(
        audit.rename(columns=labels),
        placeholder=formatting.MISSING,
        hide_index=True,
        width="stretch",
        key="hs_sc_audit",
    )
else:
    st.caption(t("sc_audit_none"))
