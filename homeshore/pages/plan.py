"""Plan de recrutement: hires -> teams -> your sites, on a table and a map, a what-if side by side, the constraints
that bind in words, and the PDF and XLSX a manager signs."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar, cast

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from homeshore import state, workspace
from homeshore.plain import md
from homeshore.state import t
from regions import formatting, geo, maps, plan, report, settings

HIRES, WHAT_IF, TEAM, PER_MILLE = "hs_plan_hires", "hs_plan_hires_b", "hs_plan_team", "hs_plan_per_mille"
SPECIALITIES, SCOPE, COMPARE = "hs_plan_specialities", "hs_plan_scope", "hs_plan_compare"

lang = state.lang()
for key, default in {
    HIRES: settings.PLAN_DEFAULT_HIRES,
    WHAT_IF: 150,
    TEAM: settings.PLAN_DEFAULT_TEAM_SIZE,
    PER_MILLE: settings.PLAN_DEFAULT_MAX_PER_MILLE,
    SPECIALITIES: "",
    SCOPE: "ranked",
    COMPARE: True,
}.items():
    st.session_state.setdefault(key, default)

st.title(t("plan_title"))
st.markdown(t("plan_intro"))
workspace.show_notice()
hubs = state.hubs()
if hubs is None:
    st.info(t("plan_no_hubs"))
    st.stop()


_T = TypeVar("_T")
_MEMO = "hs_plan_memo"  # this session's plans and documents, by request: a few at most


def memo(key: tuple[object, ...], build: Callable[[], _T]) -> _T:
    store: dict[tuple[object, ...], object] = st.session_state.setdefault(_MEMO, {})
    if key not in store:
        if len(store) >= settings.SESSION_PLAN_MEMO_ENTRIES:
            store.pop(next(iter(store)))
        store[key] = build()
    return cast(_T, store[key])


with st.container(border=True):
    left, middle, right = st.columns(3)
    left.number_input(t("plan_hires"), min_value=1, max_value=settings.PLAN_MAX_HIRES, step=10, key=HIRES)
    left.checkbox(t("plan_compare"), key=COMPARE)
    if st.session_state[COMPARE]:
        left.number_input(t("plan_what_if"), min_value=1, max_value=settings.PLAN_MAX_HIRES, step=10, key=WHAT_IF)
    middle.slider(t("plan_team_size"), 1, 30, key=TEAM, help=t("plan_team_size_help"))
    middle.number_input(
        t("plan_per_mille"), min_value=0.1, max_value=100.0, step=0.5, key=PER_MILLE, help=t("plan_per_mille_help")
    )
    shortlisted = list(st.session_state.get(state.SHORTLIST, []))
    right.radio(
        t("plan_scope"),
        ["ranked", "shortlist"],
        format_func=lambda scope: t("plan_scope_" + scope, n=len(shortlisted)),
        key=SCOPE,
    )
    right.text_input(t("plan_specialities"), key=SPECIALITIES, placeholder="support:40,facturation:50,vente:30")

filters = state.filters()
travel = filters.max_hub_travel_min if filters.max_hub_travel_min is not None else settings.DEFAULT_HUB_MAX_TRAVEL_MIN
st.caption(
    t("plan_travel_note", minutes="∞" if math.isinf(travel) else f"{travel:g}", hubs=len(hubs))
    + " "
    + t("plan_method_note", step=plan.SEGMENT_HIRES, decay=f"{100 * plan.DECAY:.0f} %")
)
try:
    specialities = plan.parse_specialities(st.session_state[SPECIALITIES]) if st.session_state[SPECIALITIES] else {}
except ValueError as error:
    st.error(md(state.said(error)))
    st.stop()
scope_codes = shortlisted if st.session_state[SCOPE] == "shortlist" and shortlisted else None
table, result = state.table(), state.result()
low, high = st.session_state[TEAM]


user_sites = state.user_sites()
context_key = (
    tuple(hubs["site_id"]), None if user_sites is None else tuple(user_sites["commune_code"]),
    tuple(sorted(state.weights().items())), filters, scope_codes and tuple(scope_codes),
    int(low), int(high), float(st.session_state[PER_MILLE]), tuple(specialities.items()), travel, lang,
)  # fmt: skip


def _degrees(frame: pd.DataFrame, row: str, column: str) -> float:
    return float(cast(float, frame.at[row, column]))


def solve(hires: int) -> plan.Plan | str:
    """The plan for ``hires`` under the page's inputs (memoised), or the message naming what to relax."""

    def build() -> plan.Plan | str:
        try:
            inputs = plan.inputs_from_table(
                table, result, hubs, hires=hires, departements=scope_codes, team_size=(int(low), int(high)),
                specialities=specialities or None, max_per_mille=float(st.session_state[PER_MILLE]),
                max_travel_min=travel,
            )  # fmt: skip
            return plan.make_plan(inputs, table, lang=lang)
        except plan.PlanError as error:
            return state.said(error)

    solved = memo(("plan", hires, *context_key), build)
    return solved if isinstance(solved, plan.Plan | str) else str(solved)


def documents(hires: int, solved: plan.Plan) -> tuple[bytes, bytes]:
    context = report.PlanContext(table, hubs, state.weights(), filters, state.selection_name())
    built = memo(("docs", hires, *context_key), lambda: (report.plan_pdf(solved, context, lang),
                                                           report.plan_workbook(solved, context, lang)))  # fmt: skip
    return built


def summary(column: Any, hires: int, solved: plan.Plan | str) -> None:
    """The headline figures of one plan (or its error), in a column."""
    column.header(t("plan_for", n=hires))
    if isinstance(solved, str):
        column.error(md(solved))
        return
    greedy = "—" if solved.greedy_objective is None else f"{solved.greedy_objective:,.0f}".replace(",", "\u202f")
    column.metric(t("plan_teams"), len(solved.teams))
    column.metric(t("plan_departements"), len(solved.by_departement))
    column.metric(t("plan_hubs_used"), len({team.hub for team in solved.teams}))
    ratio = "" if solved.greedy_objective in (None, 0) else f" (× {solved.objective / solved.greedy_objective:.2f})"
    objective = f"{solved.objective:,.0f}".replace(",", "\u202f")
    column.caption(t("plan_objective", objective=objective, greedy=greedy) + ratio)


hires = int(st.session_state[HIRES])
main = solve(hires)
if st.session_state[COMPARE]:
    other_hires = int(st.session_state[WHAT_IF])
    left, right = st.columns(2)
    summary(left, hires, main)
    summary(right, other_hires, solve(other_hires))
else:
    summary(st, hires, main)

if isinstance(main, plan.Plan):
    st.header(t("plan_teams_heading", n=hires))
    st.dataframe(report.teams_table(main, lang), placeholder=formatting.MISSING, hide_index=True, width="stretch")
    centres = geo.population_centres("departement").set_index("code")
    points = hubs.set_index("site_id")
    links = [
        ((_degrees(points, team.hub, "lat"), _degrees(points, team.hub, "lon")),
         (_degrees(centres, code, "lat"), _degrees(centres, code, "lon")),
         f"{team.hub_name} → {code} : {n}")
        for team in main.teams for code, n in team.departements.items() if code in centres.index
    ]  # fmt: skip
    shapes = geo.departements()[["code", "name", "geometry"]].copy()
    shapes["hires"] = shapes["code"].map(main.by_departement)
    shapes["hires_text"] = shapes["hires"].map(lambda n: "—" if pd.isna(n) else str(int(n)))
    figure = maps.choropleth(
        shapes, "hires", legend_title=t("plan_map_legend"), legend_source=t("plan_map_source"),
        tooltip_fields=["name", "hires_text"], tooltip_aliases=[t("plan_map_dep"), t("plan_map_legend")],
        missing_label=t("plan_map_none"), sites=hubs[hubs["site_id"].isin({tm.hub for tm in main.teams})],
        sites_label=t("plan_map_hubs"), sites_tooltip_field="site_id", k=4,
    )  # fmt: skip
    maps.add_links(figure, links)
    st_folium(figure, key="plan_map", height=520, use_container_width=True, returned_objects=[])
    st.caption(t("plan_map_alt"))
    st.header(t("plan_binding"))
    for line in main.binding:
        st.markdown(f"- {md(line)}")
    st.header(t("plan_reach"))
    for line in report.reach_lines(main, lang):
        st.markdown(f"- {md(line)}")
    pdf, xlsx = documents(hires, main)
    stamp = f"{date.today():%Y-%m-%d}"
    by = workspace.acting(stop=False)  # who downloads (audit trail); None: said, and no download offered
    if by is not None:
        about = {"hires": hires, "teams": len(main.teams), "departements": sorted(main.by_departement)}
        pdf_name, xlsx_name = f"homeshore-plan-{stamp}.pdf", f"homeshore-plan-{stamp}.xlsx"
        down_left, down_right = st.columns(2)
        down_left.download_button(
            t("plan_pdf"), data=pdf, file_name=pdf_name, mime="application/pdf", key="btn_plan_pdf",
            **workspace.download_kwargs(by, "export_plan", {"format": "pdf", "file": pdf_name, **about},
                                        scenario=workspace.opened()),
        )  # fmt: skip
        down_right.download_button(
            t("plan_xlsx"), data=xlsx, file_name=xlsx_name,
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="btn_plan_xlsx",
            **workspace.download_kwargs(by, "export_plan", {"format": "xlsx", "file": xlsx_name, **about},
                                        scenario=workspace.opened()),
        )  # fmt: skip
