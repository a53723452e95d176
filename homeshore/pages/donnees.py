"""Données et méthode: every indicator with its source, period, coverage and licence; caveats; the method."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import streamlit as st

from homeshore import state, workspace
from homeshore.plain import md
from homeshore.state import t
from regions import completeness, formatting, indicators, refresh, snapshot, sources
from regions.workspace import userdata

by = workspace.acting()  # a repair, a refresh or a reset writes in the workspace, as this user
assert by is not None  # acting() stops the page otherwise
lang = state.lang()
st.title(t("data_title"))
st.markdown(t("data_intro"))
for migration in userdata.migrations()[:1]:  # the old folder moved into the database: where it is kept, what was left
    st.info(t("data_migrated", backup=md(migration.backup), datasets=len(migration.datasets)),
            icon=":material/drive_file_move:")  # fmt: skip
    for item in migration.left:
        st.warning(t("data_migration_left", item=md(item)), icon=":material/warning:")
if repaired := st.session_state.pop("hs_repaired", None):
    st.success(t("damaged_repaired", files=md(repaired)))
if damaged := sources.overlay_damage():
    for damage in damaged:
        st.warning(t("damaged_folder", message=md(damage.message())), icon=":material/warning:")
    if st.button(t("damaged_repair_button"), key="btn_repair"):
        st.session_state["hs_repaired"] = ", ".join(snapshot.repair(by))
        indicators.reload()
        st.cache_data.clear()
        st.rerun()
provenance = indicators.provenance_table(state.table(), lang)
provenance["label"] = provenance["id"].map(state.label)
# a link only for a web address: a user-declared "javascript:…" or free text is not a link (it shows in the notes)
provenance["url"] = provenance["url"].where(provenance["url"].str.match(r"https?://[^\s]+$"), None)
columns = {
    "label": t("col_label"),
    "unit": t("col_unit"),
    "period": t("col_period"),
    "status": t("col_status"),
    "producer": t("col_producer"),
    "dataset": t("col_dataset"),
    "obtained": t("col_obtained"),
    "coverage": t("col_coverage"),
    "licence": t("col_licence"),
    "url": t("col_url"),
    "copy_read": t("col_copy_read"),
}
st.dataframe(
    provenance[list(columns)].rename(columns=columns),
    placeholder=formatting.MISSING,
    hide_index=True,
    width="stretch",
    row_height=76,  # long texts (periods, datasets, licences) wrap on three lines instead of being cut
    height=560,
    column_config={
        **{t(key): st.column_config.TextColumn(width="medium") for key in ("col_label", "col_period", "col_producer")},
        **{
            t(key): st.column_config.TextColumn(width="large")
            for key in ("col_dataset", "col_licence", "col_copy_read")
        },
        t("col_url"): st.column_config.LinkColumn(),
    },
)
st.caption(t("data_coverage_note"))

st.header(t("missing_heading"))
st.caption(t("missing_help"))
found = completeness.gaps(state.table(), lang)
if not found:
    st.caption(t("missing_none"))
else:
    missing = pd.DataFrame(
        {
            t("col_label"): [state.label(g.indicator_id) for g in found],
            t("col_coverage"): [f"{g.filled}/{g.total}" for g in found],
            t("col_missing_deps"): [completeness.codes_text(g.missing) for g in found],
            t("col_status"): [g.status for g in found],
            t("col_refresh"): [g.refresh_command or t("no_official_file") for g in found],
            t("col_import"): [g.import_command for g in found],
            t("col_where"): [g.page for g in found],
        }
    )
    st.dataframe(
        missing,
        placeholder=formatting.MISSING,
        hide_index=True,
        width="stretch",
        column_config={t("col_where"): st.column_config.LinkColumn()},
    )
    st.page_link("homeshore/pages/indicateur.py", label=t("page_add"), icon=":material/add_chart:")

st.header(t("refresh_heading"))
st.caption(t("refresh_help"))
chosen = st.multiselect(
    t("refresh_datasets"), refresh.refreshable_ids(), default=refresh.refreshable_ids(), key="hs_refresh_ids",
    placeholder=t("placeholder_many"),
    format_func=lambda key: refresh.OFFICIAL[key].title_en if lang == "en" else refresh.OFFICIAL[key].title,
)  # fmt: skip
dry_run = st.checkbox(t("refresh_dry_run"), key="hs_refresh_dry_run")
if st.button(t("refresh_button"), key="btn_refresh", disabled=not chosen):
    with st.status(t("refresh_heading")) as status:
        try:
            report = refresh.run(chosen, dry_run=dry_run, progress=status.write, by=by)
        except (refresh.RefreshError, ValueError) as error:  # a stale or refused write too: said, nothing lost
            status.update(state="error")
            st.error(t("refresh_failed", reason=md(state.said(error))))
        else:
            indicators.reload()
            st.cache_data.clear()
            status.update(state="complete")
            st.success(t("refresh_simulated" if dry_run else "refresh_done"))
            st.dataframe(report.table(), placeholder=formatting.MISSING, hide_index=True, width="stretch")
refreshed = [key for key, source in sources.load_sources().items() if source.status == "refreshed"]
if refreshed:
    st.caption(t("reset_help", datasets=", ".join(refreshed)))
    if st.button(t("reset_button"), key="btn_reset"):
        refresh.reset(by=by)
        st.cache_data.clear()
        st.rerun()

st.header(t("caveats_heading"))
for source in sources.load_sources().values():  # user text: shown as typed, never Markdown

    def said(field: str, source: sources.Source = source) -> str:
        return md(sources.text(source, field, lang))

    with st.expander(f"{said('producer')} — {said('period')}"):
        st.markdown(f"**{said('dataset')}**  \n{said('licence')}  \n{md(source.url)}")
        for caveat in sources.text(source, "caveats", lang):
            st.markdown(f"- {md(caveat)}")

st.header(t("method_heading"))
method = Path(__file__).resolve().parents[2] / "docs" / ("method.en.md" if lang == "en" else "method.md")
if method.exists():
    st.markdown(method.read_text(encoding="utf-8"))

st.header(t("a11y_heading"))
st.caption(t("a11y_link"))
statement = Path(__file__).resolve().parents[2] / "docs" / "accessibility.md"
if statement.exists():
    with st.expander(t("a11y_open")):
        # the statement is French (RGAA); its last part is its English summary: each reader gets their language
        french, _, english = statement.read_text(encoding="utf-8").partition("\n## English summary\n")
        if lang == "en":
            st.markdown(english.strip())
        else:  # its title is the heading above; its sections sit one level under it
            body = french.split("\n", 1)[1].replace("*(English summary at the end.)*", "").rstrip().rstrip("-")
            st.markdown(re.sub(r"^(#+) ", r"#\1 ", body, flags=re.MULTILINE))
