"""Shortlist: the territories kept, what the constraints exclude and why, and the exports (CSV, Excel)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from homeshore import state, views
from homeshore.state import t
from regions import export, shortlist

lang = state.lang()
table, result, weights = state.table(), state.result(), state.weights()
codes = [c for c in result["code"] if c in set(st.session_state[state.SHORTLIST])]

fictional = state.fictional_pool()

st.title(t("shortlist_title"))
if not codes:
    st.info(t("shortlist_empty"))
else:
    st.markdown(t("shortlist_intro", n=len(shortlist.kept_codes(result, codes))))
    excluded_here = shortlist.excluded_codes(result, codes)
    if excluded_here:
        reasons = result.set_index("code").loc[excluded_here, ["name", "excluded_reason"]]
        items = "; ".join(f"{row['name']} ({code}) : {row['excluded_reason']}" for code, row in reasons.iterrows())
        st.warning(t("shortlist_excluded", n=len(excluded_here), items=items), icon=":material/block:")
    short = shortlist.shortlist_table(table, result, codes, fictional_pool=fictional)
    if fictional and any(shortlist.FICTIONAL in str(column) for column in short.columns):
        st.caption(t("shortlist_fictional"))
    st.dataframe(short, hide_index=True, width="stretch")

    st.header(t("export_heading"))
    selection = shortlist.Selection(weights, state.filters(), state.selection_name(), fictional_pool=fictional)
    stamp = f"{date.today():%Y-%m-%d}"
    french = st.checkbox(t("french_excel"), value=lang == "fr", key="hs_french_excel")
    left, right = st.columns(2)
    left.download_button(
        t("download_csv"),
        data=export.shortlist_csv(short, french_excel=french),
        file_name=f"homeshore-shortlist-{stamp}.csv",
        mime="text/csv",
        key="btn_download_csv",
    )
    right.download_button(
        t("download_xlsx"),
        data=shortlist.workbook(table, result, codes, selection),
        file_name=f"homeshore-shortlist-{stamp}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="btn_download_xlsx",
    )

st.header(t("excluded_heading"))
excluded = result[result["excluded"]]
if excluded.empty:
    st.caption(t("excluded_none"))
else:
    st.dataframe(views.ranking_table(excluded, lang).iloc[:, 2:], hide_index=True, width="stretch")
