"""Ajouter un indicateur: the user's own figure from a file — preview, coverage, rejected rows, then saved."""

from __future__ import annotations

import dataclasses

import streamlit as st

from homeshore import state, workspace
from homeshore.plain import md
from homeshore.state import t
from regions import formatting, indicators, sources, tabular, user_indicators

by = workspace.acting()  # the indicator is saved in the workspace, as this user (the role must allow imports)
assert by is not None  # acting() stops the page otherwise
st.title(t("add_title"))
st.markdown(t("add_intro"))
for damage in sources.overlay_damage():
    st.warning(t("damaged_folder", message=md(damage.message())), icon=":material/warning:")


def _on_upload() -> None:
    upload = st.session_state.get("upload_indicator")
    st.session_state["hs_add_file"] = None if upload is None else (upload.name, upload.getvalue())


def _target() -> str:
    """The catalogued indicator to complete, the least covered first, with the definition it keeps."""
    table = state.table()
    targets = sorted(user_indicators.completable_ids(), key=lambda i: table[i].notna().sum())
    target: str = st.selectbox(
        t("add_target"), targets, key="hs_add_target",
        format_func=lambda i: t("add_target_option", label=state.label(i),
                                coverage=f"{table[i].notna().sum()}/{len(table)}"),
    )  # fmt: skip
    indicator = sources.load_catalogue()[target]
    st.caption(
        t("add_target_definition", unit=md(indicator.unit), orientation=t(f"orientation_{indicator.orientation}"))
    )
    return target


def _completion(target: str) -> user_indicators.Declaration:
    """The user's period, source and link for the catalogued indicator ``target``."""
    first, second = st.columns(2)
    period = first.text_input(t("add_period"), key="hs_add_period")
    url = second.text_input(t("add_url"), key="hs_add_url")
    source = st.text_input(t("add_source"), key="hs_add_source")
    return user_indicators.completion(target, period, source, url=url)


def _new_indicator() -> user_indicators.Declaration:
    """The user's own indicator: every field of its definition."""
    first, second, third = st.columns(3)
    indicator_id = first.text_input(t("add_id"), key="hs_add_id")
    label = second.text_input(t("add_label"), key="hs_add_label")
    unit = third.text_input(t("add_unit"), key="hs_add_unit")
    orientation = first.selectbox(
        t("add_orientation"), sources.ORIENTATIONS, format_func=lambda o: t(f"orientation_{o}"), key="hs_add_orient"
    )
    period = second.text_input(t("add_period"), key="hs_add_period")
    kind = third.selectbox(t("add_kind"), sources.KINDS, index=sources.KINDS.index("ratio"), key="hs_add_kind")
    source = st.text_input(t("add_source"), key="hs_add_source")
    return user_indicators.Declaration(indicator_id.strip(), label, unit, orientation, period, source, kind=kind)


mode = st.radio(t("add_mode"), ("complete", "new"), format_func=lambda m: t(f"add_mode_{m}"), key="hs_add_mode")
target = _target() if mode == "complete" else None
st.file_uploader(t("add_upload"), type=["csv", "txt", "xlsx"], key="upload_indicator", on_change=_on_upload)
stored = st.session_state.get("hs_add_file")
if stored:
    name, data = stored
    try:
        read = tabular.read_table(data, name)
    except tabular.TabularError as error:
        st.error(t("add_problem", reason=md(state.said(error))))
        st.stop()
    headers = list(read.frame.columns)
    found = tabular.match_columns(headers, user_indicators.FIELDS)
    left, right = st.columns(2)
    code_col = left.selectbox(t("add_code_column"), headers, index=headers.index(found["code"]) if found["code"] else 0)
    value_col = right.selectbox(
        t("add_value_column"), headers, index=headers.index(found["value"]) if found["value"] else len(headers) - 1
    )
    declaration = _completion(target) if target else _new_indicator()
    total = len(state.table())  # the départements of the territory table
    try:
        prepared = user_indicators.prepare(
            read.frame, declaration, code_column=code_col, value_column=value_col, line_numbers=read.line_numbers
        )
    except ValueError as error:
        st.warning(t("add_problem", reason=md(state.said(error))))
    else:
        st.header(t("add_preview"))
        one, two, three = st.columns(3)
        one.metric(t("add_kept"), prepared.kept_rows)
        two.metric(t("add_rejected"), len(prepared.rejected))
        replacing = user_indicators.is_stored(declaration.indicator_id)
        if user_indicators.is_completion(declaration):
            three.metric(t("add_coverage_change"), f"{prepared.coverage_before}/{total} → {prepared.coverage}/{total}")
            counts = prepared.origin_counts()
            st.caption(
                t("add_origins", file=counts[user_indicators.ORIGIN_FILE],
                  previous=counts[user_indicators.ORIGIN_PREVIOUS], official=counts[indicators.ORIGIN_OFFICIAL])
            )  # fmt: skip
        else:
            three.metric(t("add_coverage"), f"{prepared.coverage}/{total}")
            if replacing:
                st.caption(t("add_will_replace", id=declaration.indicator_id))
        st.dataframe(prepared.figures.dropna().head(20), placeholder=formatting.MISSING, hide_index=True)
        if len(prepared.rejected):
            st.dataframe(prepared.rejected, placeholder=formatting.MISSING, hide_index=True, width="stretch")
        # the version of this indicator when its file was first previewed: a save by someone else since is refused
        seen: dict[tuple[str, str], int | None] = st.session_state.setdefault("hs_add_seen", {})
        read_at = seen.setdefault((name, declaration.indicator_id), prepared.stored_version)
        if st.button(t("add_save"), key="btn_add_save", type="primary"):
            try:
                user_indicators.save(dataclasses.replace(prepared, stored_version=read_at), by=by, file=name)
            except (ValueError, OSError) as error:
                st.error(t("add_problem", reason=md(state.said(error))))
                seen.pop((name, declaration.indicator_id), None)  # reloaded: the next save takes what is stored now
            else:
                seen.pop((name, declaration.indicator_id), None)
                indicators.reload()
                st.cache_data.clear()
                st.success(t("add_replaced" if replacing else "add_saved", id=declaration.indicator_id))

st.header(t("add_mine"))
mine = user_indicators.stored_ids()
if not mine:
    st.caption(t("add_none"))
catalogue = sources.load_catalogue()
for indicator_id in mine:
    if indicator_id in catalogue:
        period = catalogue[indicator_id].period
        st.markdown(f"- **{md(state.label(indicator_id))}** (`{indicator_id}`) — {md(period)}")
    else:  # left out because damaged: it can still be removed
        st.markdown(f"- `{indicator_id}` — {md(t('damaged_entry'))}")
    if st.button(t("add_remove", id=indicator_id), key=f"btn_remove_{indicator_id}"):
        user_indicators.remove(indicator_id, by=by)
        indicators.reload()
        st.cache_data.clear()
        st.rerun()
