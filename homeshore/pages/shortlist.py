"""Shortlist: the territories kept, what the constraints exclude and why, the exports (CSV, Excel) — and, when a
scenario is open, its name and version, each territory's status (*à explorer, retenu, ouvert, écarté*) and note,
saved in the workspace with the version read (a stale save is refused, the edits stay on screen)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import streamlit as st

from homeshore import pool, state, views, workspace
from homeshore.plain import md
from homeshore.state import t
from regions import codes as territories
from regions import formatting, scoring, shortlist
from regions.workspace import WorkspaceError, people, scenarios

BASE = "hs_sl_base"  # ((name, version), statuses, weights, constraints) of the open scenario as this session read it
SAVED = "hs_sl_saved"  # the version just saved, said once after the rerun
Statuses = dict[str, tuple[str, str]]


def status_key(code: str) -> str:
    return f"hs_sl_status_{code}"


def note_key(code: str) -> str:
    return f"hs_sl_note_{code}"


def _status_label(status: str) -> str:
    return scenarios.STATUS_LABELS_FR[status] if lang == "fr" else t(f"sl_status_{status}")


def _base(opened: tuple[str, int], current: scenarios.Scenario) -> tuple[Any, ...]:
    """The open scenario as this session read it; on a new version (opened, saved, reloaded) the status widgets
    take its values, but for the territories whose status or note the user changed and has not saved yet."""
    stored = st.session_state.get(BASE)
    if stored and tuple(stored[0]) == opened:
        return tuple(stored)
    statuses: Statuses = {x.code: (x.status, x.note) for x in current.state.territories}
    earlier: Statuses = stored[1] if stored and stored[0][0] == opened[0] else {}
    if not earlier:  # another scenario: nothing of the previous one's edits carries over
        for key in [
            k for k in st.session_state if isinstance(k, str) and k.startswith(("hs_sl_status_", "hs_sl_note_"))
        ]:
            del st.session_state[key]
    for code, (status, note) in statuses.items():
        untouched = earlier.get(code, ("to_explore", ""))
        if st.session_state.get(status_key(code), untouched[0]) == untouched[0] or not earlier:
            st.session_state[status_key(code)] = status
        if st.session_state.get(note_key(code), untouched[1]) == untouched[1] or not earlier:
            st.session_state[note_key(code)] = note
    base = (opened, statuses, dict(current.state.weights), dict(current.state.constraints))
    st.session_state[BASE] = base
    return base


def _reload(by: people.Actor, name: str) -> None:
    """Open the newest version (a callback: before the sidebar draws); unsaved status edits are kept."""
    try:
        workspace.restore(scenarios.get(by, name))
    except WorkspaceError as error:
        st.session_state[workspace.NOTICE] = state.said(error)


def _changes(rows: list[str], base: Statuses) -> dict[str, tuple[str, str | None]]:
    """What the user changed (or added to the shortlist) since the version read."""
    out: dict[str, tuple[str, str | None]] = {}
    for code in rows:
        now = (str(st.session_state[status_key(code)]), str(st.session_state[note_key(code)] or "").strip())
        if code not in base or now != base[code]:
            out[code] = now
    return out


def _modified(weights_saved: Mapping[str, float], constraints_saved: Mapping[str, Any]) -> bool:
    """Whether the sidebar differs from the version read (then an export says the figures are not that version's)."""
    if not weights_saved:
        return True
    now, saved = scoring.normalise_weights(state.weights()), scoring.normalise_weights(dict(weights_saved))
    same_weights = set(now) == set(saved) and all(abs(now[k] - saved[k]) < 1e-6 for k in now)
    limits = scenarios.filters_to_dict(state.filters())
    return not same_weights or limits != {key: constraints_saved.get(key) for key in limits}


def scenario_section(by: people.Actor, opened: tuple[str, int]) -> shortlist.Scenario | None:
    """The open scenario's statuses and notes (edited and saved here): what its exports carry (name, version,
    decisions), or ``None`` when it no longer exists."""
    try:
        current = scenarios.get(by, opened[0])
    except WorkspaceError:
        st.session_state[workspace.OPEN] = None
        return None
    base = _base(opened, current)
    statuses: Statuses = base[1]
    name, version = opened
    st.header(t("sl_scenario_heading", name=md(name), version=version))
    just_saved = st.session_state.pop(SAVED, None)
    if just_saved:
        st.success(t("sc_saved", name=md(name), version=just_saved))
    if current.version != version:
        st.warning(t("sc_newer", who=md(current.updated_by), at=scenarios.clock(current.updated_at)))
        st.button(t("sl_reload"), key="btn_sl_reload", on_click=_reload, args=(by, name))
    locked = current.locked
    if locked:
        st.info(t("sc_locked", who=md(str(current.locked_by))))
    order = [*statuses, *(c for c in st.session_state[state.SHORTLIST] if c not in statuses)]
    for code in order:  # a territory added to the shortlist since: à explorer until saved
        saved_status, saved_note = statuses.get(code, ("to_explore", ""))
        st.session_state.setdefault(status_key(code), saved_status)
        st.session_state.setdefault(note_key(code), saved_note)
    with st.form("hs_sl_form"):
        head = st.columns([3, 2, 4])
        for column, label in zip(head, (t("sc_col_name"), t("sc_col_status"), t("sc_col_note")), strict=True):
            column.markdown(f"**{label}**")
        for code in order:
            label = f"{territories.departement_name(code)} ({code})"
            left, middle, right = st.columns([3, 2, 4])
            left.markdown(label + ("" if code in statuses else f" — *{t('sl_not_saved_yet')}*"))
            middle.selectbox(t("sl_status_of", territory=label), scenarios.STATUSES, format_func=_status_label,
                             key=status_key(code), label_visibility="collapsed", disabled=locked)  # fmt: skip
            right.text_input(t("sl_note_of", territory=label), key=note_key(code), label_visibility="collapsed",
                             disabled=locked, max_chars=500)  # fmt: skip
        submitted = st.form_submit_button(t("sl_save"), type="primary", disabled=locked, key="btn_sl_save")
    if submitted:
        changes = _changes(order, statuses)
        if not changes:
            st.info(t("sl_nothing_to_save"))
        else:
            try:
                saved = scenarios.set_statuses(by, name, changes, expect_version=version)
            except WorkspaceError as error:
                st.error(md(state.said(error)), icon=":material/block:")
                st.caption(t("sl_edits_kept"))
            else:
                st.session_state[workspace.OPEN] = (saved.name, saved.version)
                new = {x.code: (x.status, x.note) for x in saved.state.territories}
                st.session_state[BASE] = ((saved.name, saved.version), new, base[2], base[3])
                st.session_state[SAVED] = saved.version
                st.rerun()
    return shortlist.Scenario(name, version, dict(statuses), modified=_modified(base[2], base[3]))


lang = state.lang()
table, result, weights = state.table(), state.result(), state.weights()
codes = [c for c in result["code"] if c in set(st.session_state[state.SHORTLIST])]

fictional = pool.is_fictional()

st.title(t("shortlist_title"))
workspace.show_notice()
by = workspace.acting(stop=False)  # None: the workspace is out of reach or nobody logged in (said above)
opened = workspace.opened() if by is not None else None
tracked = scenario_section(by, opened) if by is not None and opened is not None else None
if tracked is None and by is not None:
    st.caption(t("sl_no_scenario"))
scenario_mark = workspace.opened() if tracked is not None else None

if not codes:
    st.info(t("shortlist_empty"))
else:
    st.header(t("sl_table_heading"))
    st.markdown(t("shortlist_intro", n=len(shortlist.kept_codes(result, codes))))
    excluded_here = shortlist.excluded_codes(result, codes)
    if excluded_here:
        reasons = result.set_index("code").loc[excluded_here, ["name", "excluded_reason"]]
        items = "; ".join(f"{row['name']} ({code}) : {row['excluded_reason']}" for code, row in reasons.iterrows())
        st.warning(t("shortlist_excluded", n=len(excluded_here), items=items), icon=":material/block:")
    short = shortlist.shortlist_table(table, result, codes, fictional_pool=fictional, lang=lang)
    if fictional and any(shortlist.FICTIONAL_WORDS[lang] in str(column) for column in short.columns):
        st.caption(t("shortlist_fictional"))
    st.dataframe(short, placeholder=formatting.MISSING, hide_index=True, width="stretch")

    st.header(t("export_heading"))
    if by is None:
        st.caption(t("sl_export_needs_workspace"))
    else:
        selection = shortlist.Selection(weights, state.filters(), state.selection_name(), fictional_pool=fictional)
        stamp = f"{date.today():%Y-%m-%d}"
        if scenario_mark is not None:
            stamp = f"{territories.slug(scenario_mark[0]).replace(' ', '-')}-v{scenario_mark[1]}-{stamp}"
            st.caption(t("sl_export_scenario", name=md(scenario_mark[0]), version=scenario_mark[1]))
        french = st.checkbox(t("french_excel"), value=lang == "fr", key="hs_french_excel")
        about = {"departements": codes, "preset": selection.preset}
        left, right = st.columns(2)
        csv_name, xlsx_name = f"homeshore-shortlist-{stamp}.csv", f"homeshore-shortlist-{stamp}.xlsx"
        left.download_button(
            t("download_csv"),
            data=shortlist.csv_file(table, result, codes, selection, lang=lang, scenario=tracked,
                                    french_excel=french),
            file_name=csv_name,
            mime="text/csv",
            key="btn_download_csv",
            **workspace.download_kwargs(by, "export", {"format": "csv", "file": csv_name, **about},
                                        scenario=scenario_mark),
        )  # fmt: skip
        right.download_button(
            t("download_xlsx"),
            data=shortlist.workbook(table, result, codes, selection, lang=lang, scenario=tracked),
            file_name=xlsx_name,
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="btn_download_xlsx",
            **workspace.download_kwargs(by, "export", {"format": "xlsx", "file": xlsx_name, **about},
                                        scenario=scenario_mark),
        )  # fmt: skip

st.header(t("excluded_heading"))
excluded = result[result["excluded"]]
if excluded.empty:
    st.caption(t("excluded_none"))
else:
    st.dataframe(
        views.ranking_table(excluded, lang).iloc[:, 2:],
        placeholder=formatting.MISSING,
        hide_index=True,
        width="stretch",
    )
