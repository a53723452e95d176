"""Données et méthode: every indicator with its source, period, coverage and licence; caveats; the method."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from homeshore import state
from homeshore.state import t
from regions import indicators, sources

st.title(t("data_title"))
st.markdown(t("data_intro"))
provenance = indicators.provenance_table(state.table())
provenance["label"] = provenance["id"].map(state.label)
columns = {
    "label": t("col_label"),
    "unit": t("col_unit"),
    "period": t("col_period"),
    "status": t("col_status"),
    "producer": t("col_producer"),
    "dataset": t("col_dataset"),
    "coverage": t("col_coverage"),
    "licence": t("col_licence"),
    "url": t("col_url"),
}
st.dataframe(
    provenance[list(columns)].rename(columns=columns),
    hide_index=True,
    width="stretch",
    column_config={t("col_url"): st.column_config.LinkColumn()},
)
st.caption(t("data_coverage_note"))

st.subheader(t("refresh_heading"))
st.caption(t("refresh_help"))
if st.button(t("refresh_button"), key="btn_refresh"):
    from regions import refresh

    with st.status(t("refresh_heading")) as status:
        try:
            report = refresh.run(progress=status.write)
        except (refresh.RefreshError, ValueError) as error:
            status.update(state="error")
            st.error(t("refresh_failed", reason=str(error)))
        else:
            indicators.reload()
            st.cache_data.clear()
            status.update(state="complete")
            st.success(t("refresh_done"))
            st.dataframe(report.table(), hide_index=True, width="stretch")

st.subheader(t("caveats_heading"))
for source in sources.load_sources().values():
    with st.expander(f"{source.producer} — {source.period}"):
        st.markdown(f"**{source.dataset}**  \n{source.licence}  \n{source.url}")
        for caveat in source.caveats:
            st.markdown(f"- {caveat}")

st.subheader(t("method_heading"))
method = Path(__file__).resolve().parents[2] / "docs" / "method.md"
if method.exists():
    st.markdown(method.read_text(encoding="utf-8"))
