"""The detail panel of one département: score breakdown, figures vs national median, trend, nearest sites, communes."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from homeshore import state, views
from homeshore.plain import md
from homeshore.state import t
from regions import formatting, geo, indicators, maps, settings, sites


def render(code: str, table: pd.DataFrame, result: pd.DataFrame, weights: dict[str, float]) -> None:
    """Draw the panel for département ``code``."""
    lang = state.lang()
    row = table.set_index("code").loc[code]
    scored = result.set_index("code").loc[code]
    with st.container(border=True):
        st.subheader(t("detail_heading", name=row["name"], code=code))
        first, second, third = st.columns([1, 1, 2])
        first.metric(t("detail_score"), formatting.number(scored["score"], 1, lang))
        second.metric(
            t("detail_rank"),
            formatting.rank_interval(scored["rank"], scored["rank_p05"], scored["rank_p95"], lang),
        )
        _shortlist_button(third, code)
        if scored["excluded"]:
            st.warning(t("detail_excluded", reason=scored["excluded_reason"]))
        if scored["missing_components"]:
            missing = ", ".join(md(state.label(c)) for c in scored["missing_components"].split(", "))
            st.info(t("detail_flag_missing", missing=missing))
        _breakdown(table, weights, code, lang)
        _trend(row, lang)
        _nearest_sites(code)
        _communes(code, lang)


def _shortlist_button(column: object, code: str) -> None:
    current = list(st.session_state[state.SHORTLIST])
    if code in current:
        column.button(  # type: ignore[attr-defined]
            t("remove_from_shortlist"),
            key="btn_detail_remove",
            on_click=lambda: st.session_state.update({state.SHORTLIST: [c for c in current if c != code]}),
        )
    else:
        column.button(  # type: ignore[attr-defined]
            t("add_to_shortlist"),
            key="btn_detail_add",
            on_click=lambda: st.session_state.update({state.SHORTLIST: [*current, code]}),
        )


def _breakdown(table: pd.DataFrame, weights: dict[str, float], code: str, lang: formatting.Lang) -> None:
    st.markdown(f"**{t('detail_breakdown')}**")
    details = views.breakdown(table, weights, code, lang)
    points = details.set_index(t("col_indicator"))[[t("col_points")]]
    st.bar_chart(points, horizontal=True, height=40 + 36 * len(points))
    st.caption(t("detail_breakdown_caption"))
    st.dataframe(details, hide_index=True, width="stretch")


def _trend(row: pd.Series, lang: formatting.Lang) -> None:
    """Each series with a previous period: previous → current value, with the periods in use (refreshed or not)."""
    st.markdown(f"**{t('detail_trend')}**")
    series = (
        ("trend_unemployment", "unemployment_rate_pct", "unemployment_rate_prev_pct", 1, formatting.percent),
        ("trend_jobseekers", "jobseekers_cat_a", "jobseekers_cat_a_prev", 0, formatting.number),
    )
    lines = [
        t(
            key,
            prev=shown(row[prev], digits, lang),
            prev_period=md(indicators.period_of(prev)),
            now=shown(row[now], digits, lang),
            now_period=md(indicators.period_of(now)),
        )
        for key, now, prev, digits, shown in series
        if not formatting.is_missing(row[now])
    ]
    for line in lines or [formatting.MISSING]:
        st.markdown(f"- {line}")


def _nearest_sites(code: str) -> None:
    st.markdown(f"**{t('detail_sites')}**")
    centres = geo.population_centres("departement").set_index("code")
    nearest = sites.nearest_sites(centres.loc[code], state.all_sites(), k=3)
    lang = state.lang()
    shown = pd.DataFrame(
        {
            t("col_operator"): nearest["operator"],
            t("col_site"): nearest["site_name"],
            t("col_commune"): nearest["commune_name"] + " (" + nearest["dep_code"] + ")",
            t("col_km"): nearest["km"].map(lambda v: formatting.number(v, 0, lang)),
            t("col_minutes"): [
                formatting.number(m, 0, lang) if road else t("no_road")
                for m, road in zip(nearest["travel_min"], nearest["by_road"], strict=True)
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(t("detail_sites_caption", detour=settings.ROAD_DETOUR_FACTOR, speed=settings.AVERAGE_ROAD_SPEED_KMH))


def _communes(code: str, lang: formatting.Lang) -> None:
    if not st.toggle(t("show_communes"), key="hs_show_communes"):
        return
    by = st.radio(
        t("communes_by"),
        ["density_per_km2", "population"],
        format_func=lambda c: t("communes_density") if c == "density_per_km2" else t("communes_population"),
        horizontal=True,
        key="hs_communes_by",
    )
    st_folium(
        _communes_map(code, by, lang),
        key=f"map_communes_{code}",
        height=480,
        use_container_width=True,
        returned_objects=[],
    )


def _communes_map(code: str, column: str, lang: formatting.Lang) -> object:
    communes = geo.communes()
    part = communes[(communes["dep_code"] == code) & communes.geometry.notna()].copy()
    part["t_name"] = part["name"] + " (" + part["code"] + ")"
    part["t_population"] = part["population"].map(lambda v: formatting.number(v, 0, lang))
    part["t_density"] = part["density_per_km2"].map(lambda v: formatting.number(v, 1, lang))
    title = t("communes_density") if column == "density_per_km2" else t("communes_population")
    return maps.communes_choropleth(
        part,
        column,
        legend_title=title,
        legend_source=t("communes_source"),
        tooltip_fields=["t_name", "t_population", "t_density"],
        tooltip_aliases=[t("col_commune"), t("communes_population"), t("communes_density")],
        number_format=lambda v: formatting.number(v, 0, lang),
    )
