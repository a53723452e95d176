"""Vivier: the recruiter's applicant file — import report, column mapping, protected aggregates, map, shortlist."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from homeshore import pool, state, strings, views, workspace
from homeshore.plain import md
from homeshore.state import t
from regions import applicants, formatting, geo, maps, settings, tabular
from regions.workspace import WorkspaceError, people

lang = state.lang()
K = settings.SUPPRESSION_THRESHOLD
st.title(t("pool_title"))
st.markdown(t("pool_intro"))
workspace.show_notice()
by = workspace.acting(stop=False)  # who downloads (audit trail); None: said above, and no download offered
scenario_mark = workspace.opened()


def _on_upload() -> None:
    upload = st.session_state.get("upload_pool")
    if upload is not None:
        pool.store_upload(upload.name, upload.getvalue())


st.file_uploader(t("pool_upload"), type=["csv", "txt", "xlsx"], key="upload_pool", on_change=_on_upload)
name, data, digest, is_demo = pool.source()
if is_demo:
    demo_rows = formatting.number(pool.table().rows_read, 0, lang)
    st.warning(t("pool_demo", n=demo_rows), icon=":material/science:")
elif st.button(t("pool_back_to_demo"), key="btn_pool_demo"):
    st.session_state[pool.UPLOAD] = None
    st.rerun()

# --- read and map -------------------------------------------------------------------------------------------------
try:
    if data[:4] == b"PK\x03\x04":
        sheets = tabular.sheet_names(data)
        st.selectbox(t("pool_sheet"), sheets, key=pool.SHEET)
    read = pool.table()
except tabular.TabularError as error:  # a ZIP bomb is refused by sheet_names already
    st.error(t("pool_read_error", reason=md(state.said(error))))
    st.stop()

detected = read.detected
st.caption(
    t(
        "pool_detected",
        format=detected.get("format", "").upper(),
        encoding=f", {detected['encoding']}" if "encoding" in detected else "",
        delimiter=f", « {detected['delimiter']} »".replace("\t", "tab") if "delimiter" in detected else "",
        rows=formatting.number(read.rows_read, 0, lang),
    )
)
headers = list(read.frame.columns)
mapping = pool.mapping(read)
labels = strings.FIELD_LABELS[lang]
with st.expander(t("pool_mapping"), expanded=not any(mapping.get(f) for f in applicants.LOCATION_FIELDS)):
    st.caption(t("pool_mapping_help"))
    columns = st.columns(3)
    for i, field_name in enumerate(applicants.FIELDS):
        label = labels[field_name]
        if field_name in applicants.SENSITIVE_FIELDS:
            label = t("pool_field_sensitive", label=label)
        options = [None, *headers]
        key = pool.mapping_key(field_name)
        if key not in st.session_state or st.session_state[key] not in options:
            st.session_state[key] = mapping.get(field_name) if mapping.get(field_name) in options else None
        columns[i % 3].selectbox(
            label,
            options,
            format_func=lambda h: t("pool_not_mapped") if h is None else str(h),
            placeholder=t("pool_not_mapped"),  # what Streamlit shows for the None option
            key=key,
        )
mapping = pool.mapping(read)
try:
    applicants.check_mapping(mapping, headers)
except ValueError as error:
    st.error(t("pool_mapping_error", reason=md(state.said(error))))
    st.stop()
result = pool.current()
if result is None:
    st.stop()

# --- import report ------------------------------------------------------------------------------------------------
st.header(t("pool_report"))
first, second, third = st.columns(3)
first.metric(t("pool_rows_read"), formatting.number(result.rows_read, 0, lang))
second.metric(t("pool_matched"), formatting.number(len(result.matched), 0, lang))
third.metric(t("pool_unmatched"), formatting.number(len(result.unmatched), 0, lang))
report = result.report()


def _counts(counts: object, labels: dict[str, str], heading: str) -> pd.DataFrame:
    """A report section (method or reason -> rows) as a two-column table with readable labels."""
    items = dict(counts)  # type: ignore[call-overload]
    return pd.DataFrame({heading: [labels[key] for key in items], t("col_count"): list(items.values())})


english = lang == "en"
left, right = st.columns(2)
left.markdown(f"**{t('pool_by_method')}**")
methods = applicants.METHOD_LABELS_EN if english else applicants.METHOD_LABELS
# small tables as HTML: each reason in full beside its count (a half-width grid cut the count off)
left.table(_counts(report["matched"], methods, t("col_method")), hide_index=True)
right.markdown(f"**{t('pool_by_reason')}**")
reasons = applicants.REASON_LABELS_EN if english else applicants.REASON_LABELS
right.table(_counts(report["unmatched"], reasons, t("col_reason")), hide_index=True)

# --- sensitive columns: detected by meaning, the user may declare one non-sensitive ------------------------------
detections = applicants.sensitive_detections(result.matched, result.mapping)
reasons_of = {found.column: found.reason(lang) for found in detections}
mapped_sensitive = [found.column for found in detections if found.field is not None]
declarable = [found.column for found in detections if found.field is None]
st.markdown(f"**{t('pool_sensitive_heading')}**")
if not detections:
    st.caption(t("pool_sensitive_none"))
if mapped_sensitive:
    st.caption(t("pool_sensitive_mapped", columns=", ".join(mapped_sensitive)))
not_sensitive: list[str] = []
if declarable:  # a new file or a new set of columns starts with every detected column ticked (left out)
    sensitive_key = "hs_pool_sensitive_cols_" + hashlib.sha256(repr((digest, declarable)).encode()).hexdigest()[:16]
    if sensitive_key not in st.session_state:
        st.session_state[sensitive_key] = list(declarable)
    ticked = st.multiselect(
        t("pool_sensitive_columns"),
        declarable,
        format_func=lambda c: f"{c} — {reasons_of[c]}",
        help=t("pool_sensitive_columns_help"),
        placeholder=t("placeholder_many"),
        key=sensitive_key,
    )
    not_sensitive = [column for column in declarable if column not in ticked]
    if not_sensitive:
        st.warning(t("pool_sensitive_declared", columns=", ".join(not_sensitive)))

if len(result.unmatched):
    unmatched_rows = result.unmatched.drop(columns="reason")
    if is_demo:  # invented applicants: the file says so on every row
        unmatched_rows = applicants.label_fictional(unmatched_rows, lang)
    unmatched = applicants.export_columns(unmatched_rows, result.mapping, not_sensitive=not_sensitive)
    exported_unmatched = result.unmatched.drop(columns="reason_label")  # the reason in words of the language
    if is_demo:
        exported_unmatched = applicants.label_fictional(exported_unmatched, lang)
    st.dataframe(unmatched, placeholder=formatting.MISSING, hide_index=True, width="stretch", height=220)
    if by is not None:
        st.download_button(
            t("pool_download_unmatched"),
            data=applicants.applicants_csv(
                exported_unmatched, result.mapping, include_sensitive=False, not_sensitive=not_sensitive, lang=lang
            ),
            file_name="candidats-non-rattaches.csv",
            mime="text/csv",
            key="btn_pool_unmatched",
            **workspace.download_kwargs(
                by,
                "export_applicants",
                {"file": "candidats-non-rattaches.csv", "rows": "non rattachées", "applicants": len(unmatched_rows),
                 "sensitive_columns": False},
                scenario=scenario_mark,
            ),
        )  # fmt: skip

# --- protected aggregates and maps --------------------------------------------------------------------------------
st.header(t("pool_map_heading"))
st.caption(t("pool_map_caption", k=K - 1))
measure = st.radio(
    t("pool_measure"),
    ["applicants", "per_10000"],
    format_func=lambda m: t("pool_measure_count") if m == "applicants" else t("pool_measure_rate"),
    horizontal=True,
    key="hs_pool_measure",
)
per_dep = applicants.aggregate(result.matched, "departement", mapping=result.mapping)


def _aggregate_map(frame: pd.DataFrame, shapes: pd.DataFrame, communes: bool) -> object:
    layer = shapes.merge(frame, on="code", how="inner")
    layer["value"] = pd.to_numeric(layer[measure], errors="coerce").astype(float)
    layer["t_name"] = layer["name"] + " (" + layer["code"] + ")"
    layer["t_count"] = layer["applicants_display"].where(~layer["suppressed"], t("pool_secret", n=K))
    layer["t_rate"] = layer["per_10000"].map(lambda v: formatting.number(v, 1, lang))
    options: dict[str, Any] = {
        "legend_title": t("pool_measure_count") if measure == "applicants" else t("pool_measure_rate"),
        "legend_source": t("pool_demo", n=demo_rows) if is_demo else t("pool_title"),
        "tooltip_fields": ["t_name", "t_count", "t_rate"],
        "tooltip_aliases": [
            t("col_name") if not communes else t("col_commune"),
            t("col_applicants"),
            t("col_per_10000"),
        ],
        "missing_label": t("pool_secret", n=K),
        "number_format": lambda v: formatting.number(v, 0 if measure == "applicants" else 1, lang),
    }
    if communes:
        return maps.communes_choropleth(layer, "value", **options)
    return maps.choropleth(layer, "value", **options)


departements = geo.departements()[["code", "geometry"]]
st_folium(
    _aggregate_map(per_dep, departements, False),
    key="map_pool",
    height=520,
    use_container_width=True,
    returned_objects=[],
)
shown = per_dep[["code", "name", "applicants_display", "per_10000"]].rename(
    columns={
        "code": t("col_code"),
        "name": t("col_name"),
        "applicants_display": t("col_applicants"),
        "per_10000": t("col_per_10000"),
    }
)
shown[t("col_per_10000")] = views.decimals(shown[t("col_per_10000")], 1, lang)
st.dataframe(shown, placeholder=formatting.MISSING, hide_index=True, width="stretch", height=260)

names = per_dep.set_index("code")["name"]
chosen = st.selectbox(
    t("pool_departement"),
    list(names.index),
    index=None,
    placeholder=t("pick_placeholder"),
    format_func=lambda c: f"{names[c]} ({c})",
    key="hs_pool_dep",
)
if chosen:
    per_commune = applicants.aggregate(result.matched, "commune", mapping=result.mapping)
    communes = geo.communes()
    shapes = communes[(communes["dep_code"] == chosen) & communes.geometry.notna()][["code", "geometry"]]
    in_dep = per_commune[per_commune["code"].isin(shapes["code"])]
    if len(in_dep):
        st_folium(
            _aggregate_map(in_dep, shapes, True),
            key=f"map_pool_{chosen}",
            height=460,
            use_container_width=True,
            returned_objects=[],
        )
    if mapping.get("skills"):
        st.markdown(f"**{t('pool_skills_heading')}**")
        by_skill = applicants.aggregate(result.matched, "departement", by="skills", mapping=result.mapping)
        part = by_skill[by_skill["code"] == chosen][["category", "applicants_display", "per_10000"]].copy()
        part["per_10000"] = views.decimals(part["per_10000"], 1, lang)
        st.dataframe(
            part.rename(
                columns={
                    "category": t("col_category"),
                    "applicants_display": t("col_applicants"),
                    "per_10000": t("col_per_10000"),
                }
            ),
            placeholder=formatting.MISSING,
            hide_index=True,
        )

# --- applicant shortlist (manager view) ---------------------------------------------------------------------------
st.header(t("pool_shortlist_heading"))
st.caption(t("pool_shortlist_help"))
if "hs_pool_deps" not in st.session_state:  # start from the territory shortlist
    st.session_state["hs_pool_deps"] = [c for c in st.session_state.get(state.SHORTLIST, []) if c in names.index]
deps = st.multiselect(
    t("pool_departements"),
    list(names.index),
    format_func=lambda c: f"{names[c]} ({c})",
    placeholder=t("placeholder_many"),
    key="hs_pool_deps",
)


def _values(field_name: str, split: bool) -> list[str]:
    assert result is not None  # the page stopped above when there is no file
    column = result.mapping.get(field_name)
    if not column:
        return []
    cells = result.matched[column].astype(str).str.strip()
    if split:
        cells = cells.str.split(applicants.SKILL_SEPARATORS).explode().str.strip()
    return sorted(v for v in cells.unique() if v)


skills = st.multiselect(
    t("pool_skills"), _values("skills", True), placeholder=t("placeholder_many"), key="hs_pool_skills"
)
availability = st.multiselect(
    t("pool_availability"),
    _values("availability", False),
    placeholder=t("placeholder_many"),
    key="hs_pool_availability",
)
fibre_only = st.checkbox(t("pool_fibre_only"), key="hs_pool_fibre", disabled=not mapping.get("fibre"))
travel = st.selectbox(
    t("pool_max_travel"),
    state.TRAVEL_CHOICES,
    format_func=lambda n: t("no_limit") if n == state.NO_LIMIT else t("minutes", n=n),
    key="hs_pool_travel",
)
if deps:
    picked = applicants.select_applicants(
        result.matched,
        result.mapping,
        departements=deps,
        skills=skills,
        availability=availability,
        fibre_only=fibre_only,
        max_travel_min=None if travel == state.NO_LIMIT else float(travel),
        site_points=state.all_sites(),
    )
    if is_demo:
        picked = applicants.label_fictional(picked, lang)
    st.markdown(t("pool_shortlist_count", n=formatting.number(len(picked), 0, lang)))
    if picked.empty:
        st.info(t("pool_none"))
    else:
        visible = applicants.export_columns(
            picked, result.mapping, include_sensitive=False, not_sensitive=not_sensitive
        )
        st.dataframe(visible, placeholder=formatting.MISSING, hide_index=True, width="stretch", height=300)
        include = st.checkbox(t("pool_sensitive_checkbox"), key="hs_pool_sensitive")
        purpose = ""
        if include:
            st.warning(t("pool_sensitive_warning"))
            purpose = st.text_input(t("pool_sensitive_purpose"), key="hs_pool_purpose").strip()
        allowed = by is not None
        if by is None:
            st.caption(t("sl_export_needs_workspace"))
        elif include and not purpose:
            st.info(t("pool_sensitive_needs_purpose"))
            allowed = False
        elif include:
            try:  # managers only, with a stated purpose: enforced by the library, whatever the page shows
                purpose = people.authorise_sensitive_export(by, purpose)
            except WorkspaceError as error:
                st.error(md(state.said(error)), icon=":material/block:")
                allowed = False
        if allowed and by is not None:
            about: list[str | tuple[str, str]] = [
                *applicants.selection_about(
                    departements=deps, skills=skills, availability=availability, fibre_only=fibre_only,
                    max_travel_min=None if travel == state.NO_LIMIT else float(travel), lang=lang,
                ),
                (t("pool_about_data"), applicants.FICTIONAL_LABEL if lang == "fr" else applicants.FICTIONAL_LABEL_EN)
                if is_demo else (t("pool_about_file"), name),
            ]  # fmt: skip
            if include:
                about.append((t("pool_about_sensitive_by"), by.email))
            if scenario_mark is not None:
                about.append((t("pool_about_scenario"), f"{scenario_mark[0]} — version {scenario_mark[1]}"))
            detail: dict[str, object] = {"applicants": len(picked), "departements": deps, "sensitive_columns": include}
            if include:
                detail["purpose"] = purpose
            csv_col, xlsx_col = st.columns(2)
            csv_col.download_button(
                t("pool_download_csv"),
                data=applicants.applicants_csv(
                    picked,
                    result.mapping,
                    include_sensitive=include,
                    not_sensitive=not_sensitive,
                    about=about,
                    lang=lang,
                ),
                file_name="homeshore-candidats.csv",
                mime="text/csv",
                key="btn_pool_csv",
                **workspace.download_kwargs(
                    by, "export_applicants", {"file": "homeshore-candidats.csv", **detail}, scenario=scenario_mark
                ),
            )
            xlsx_col.download_button(
                t("pool_download_xlsx"),
                data=applicants.applicants_workbook(
                    picked,
                    result.mapping,
                    include_sensitive=include,
                    about=about,
                    purpose=purpose or None,
                    not_sensitive=not_sensitive,
                    lang=lang,
                ),
                file_name="homeshore-candidats.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                key="btn_pool_xlsx",
                **workspace.download_kwargs(
                    by, "export_applicants", {"file": "homeshore-candidats.xlsx", **detail}, scenario=scenario_mark
                ),
            )
