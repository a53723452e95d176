"""Sites: the bundled contact-centre sites, and the user's own (uploaded or typed), each located or rejected, saved
in the workspace (with the version read: a stale save is refused and said, never lost)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from homeshore import state, workspace
from homeshore.plain import md
from homeshore.state import t
from regions import export, formatting, sites, tabular

acting = workspace.acting()  # your sites are saved in the workspace, as this user
assert acting is not None  # acting() stops the page otherwise
by = acting
workspace.load_sites()
st.title(t("sites_title"))
st.markdown(t("sites_intro"))
bundled = sites.load_sites(include_unmatched=True)
st.caption(t("sites_bundled", n=int(bundled["matched"].sum()), unmatched=int((~bundled["matched"]).sum())))

template = sites.sites_template(state.lang())
st.download_button(
    t("sites_template"),
    data=export.csv_file(template),  # an empty template: its headers are the columns the reader knows
    file_name="homeshore-sites-template.csv" if state.lang() == "en" else "homeshore-sites-modele.csv",
    mime="text/csv",
    key="btn_sites_template",
)


def _on_upload() -> None:
    upload = st.session_state.get("upload_sites")
    st.session_state["hs_sites_file"] = None if upload is None else (upload.name, upload.getvalue())


st.file_uploader(t("sites_upload"), type=["csv", "txt", "xlsx"], key="upload_sites", on_change=_on_upload)
typed = st.data_editor(template, num_rows="dynamic", width="stretch", key="editor_sites")


def _use(frame: pd.DataFrame) -> None:
    imported = sites.read_user_sites(frame, lang=state.lang())
    refused = workspace.save_sites(by, imported.located if len(imported.located) else None)
    st.session_state["hs_sites_refused"] = refused
    st.session_state["hs_sites_report"] = None if refused else (len(imported.located), imported.rejected)


def _located(located: pd.DataFrame) -> pd.DataFrame:
    """Your located sites with labelled columns in the app's language (no internal column)."""
    operator = located["operator"].where(located["operator"] != sites.USER_OPERATOR, t("sites_user_operator"))
    return pd.DataFrame(
        {
            t("col_site"): located["site_name"],
            t("col_operator"): operator,
            t("col_commune"): located["commune_name"] + " (" + located["dep_code"] + ")",
            t("col_insee"): located["commune_code"],
            t("col_lat"): located["lat"].round(5),
            t("col_lon"): located["lon"].round(5),
        }
    )


if st.button(t("sites_apply"), key="btn_sites_apply", type="primary"):
    frames = []
    if uploaded := st.session_state.get("hs_sites_file"):
        try:
            frames.append(tabular.read_table(uploaded[1], uploaded[0]).frame)
        except tabular.TabularError as error:
            st.error(t("sites_read_error", reason=md(state.said(error))))
    filled = typed.dropna(how="all")
    filled = filled[(filled.astype(str).apply(lambda s: s.str.strip()) != "").any(axis=1)]
    if len(filled):
        frames.append(filled.fillna("").astype(str))
    if frames:
        _use(pd.concat(frames, ignore_index=True))

if refused := st.session_state.get("hs_sites_refused"):
    st.error(md(refused), icon=":material/block:")
    if st.button(t("sites_reload"), key="btn_sites_reload"):
        workspace.load_sites(force=True)
        st.session_state["hs_sites_refused"] = None
        st.rerun()
report = st.session_state.get("hs_sites_report")
if report:
    located, rejected = report
    st.success(t("sites_added", n=located))
    if len(rejected):
        st.warning(t("sites_rejected", n=len(rejected)))
        shown = rejected.rename(columns={"row": t("col_line"), "reason": t("col_reason")})
        st.dataframe(shown.fillna(""), placeholder=formatting.MISSING, hide_index=True, width="stretch")
added = state.user_sites()
if added is not None:
    st.dataframe(_located(added), placeholder=formatting.MISSING, hide_index=True, width="stretch")
    st.caption(t("sites_saved"))
    if st.button(t("sites_clear"), key="btn_sites_clear"):
        st.session_state["hs_sites_refused"] = workspace.save_sites(by, None)
        st.session_state["hs_sites_report"] = None
        st.rerun()
