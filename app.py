"""Homeshore — Streamlit entry point (the recruiter's map arrives with the map issue; this page shows the data)."""

from __future__ import annotations

import streamlit as st

from regions import indicators, sources

st.set_page_config(page_title="Homeshore", page_icon="🏠", layout="wide")
st.title("Homeshore — où recruter des conseillers à domicile ?")
table = indicators.territory_table()
st.dataframe(table, hide_index=True)
st.caption(
    "Sources : " + " ; ".join(f"{s.producer}, {s.dataset} ({s.period})" for s in sources.load_sources().values())
)
