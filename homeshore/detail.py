"""The detail panel of one département: score breakdown, trend (with the 2015–2025 annual unemployment series),
population and pools (with their periods and coverage), nearest sites, communes."""

from __future__ import annotations

from typing import cast

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from homeshore import charts, state, views
from homeshore.plain import md
from homeshore.state import t
from regions import formatting, geo, indicators, maps, settings, sites, sources

#: La Réunion: its bundled 2025-Q3 rate is not corroborated by INSEE Réunion's own note (data/sources.toml).
REUNION = "974"


def render(code: str, table: pd.DataFrame, result: pd.DataFrame, weights: dict[str, float]) -> None:
    """Draw the panel for département ``code``."""
    lang = state.lang()
    row = cast(pd.Series, table.set_index("code").loc[code])
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
        if scored["partial"]:
            st.warning(t("detail_partial", note=scored["partial_note"]))
        if scored["missing_components"]:
            missing = ", ".join(md(state.label(c)) for c in scored["missing_components"].split(", "))
            st.info(t("detail_flag_missing", missing=missing))
        _breakdown(table, weights, code, lang)
        _trend(row, lang)
        _unemployment_series(code, row, lang)
        _people(code, row, table, lang)
        _nearest_sites(code)
        _communes(code, lang)


def _shortlist_button(column: object, code: str) -> None:
    """Add or remove ``code``: one button under one key, so that it keeps the keyboard focus when its label flips.

    The panel is drawn in the map's fragment, whose own reruns leave the rest of the page as it was: a click reruns
    the whole page, so that the shortlist editor under the ranking shows the change too."""
    current = list(st.session_state[state.SHORTLIST])
    kept = code in current
    clicked = column.button(  # type: ignore[attr-defined]
        t("remove_from_shortlist") if kept else t("add_to_shortlist"),
        key="btn_detail_shortlist",
        on_click=lambda: st.session_state.update(
            {state.SHORTLIST: [c for c in current if c != code] if kept else [*current, code]}
        ),
    )
    if clicked:
        st.rerun()


def _breakdown(table: pd.DataFrame, weights: dict[str, float], code: str, lang: formatting.Lang) -> None:
    st.markdown(f"**{t('detail_breakdown')}**")
    details = views.breakdown(table, weights, code, lang)
    description = t("detail_breakdown")
    st.altair_chart(charts.bars(details, t("col_indicator"), t("col_points"), lang, description), width="stretch")
    st.caption(t("detail_breakdown_caption"))
    points = t("col_points")
    # a small table drawn as HTML: every column and label in full at 1,400 px, wrapped rather than cut
    st.table(details.assign(**{points: details[points].map(lambda v: formatting.number(v, 1, lang))}), hide_index=True)


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
            prev_period=md(indicators.period_of(prev, lang)),
            now=shown(row[now], digits, lang),
            now_period=md(indicators.period_of(now, lang)),
        )
        for key, now, prev, digits, shown in series
        if not formatting.is_missing(row[now])
    ]
    for line in lines or [formatting.MISSING]:
        st.markdown(f"- {line}")
    if row.name == REUNION and sources.load_sources()["insee_unemployment"].status == "bundled":
        st.caption(t("reunion_unconfirmed"))


def _unemployment_series(code: str, row: pd.Series, lang: formatting.Lang) -> None:
    """The 2015–2025 annual unemployment rates as a small chart, with the same figures in a table beside it."""
    series = indicators.annual_unemployment(code)
    if series.empty:
        return
    st.markdown(f"**{t('detail_unemployment_series', first=series.index.min(), last=series.index.max())}**")
    frame = pd.DataFrame({t("col_year"): series.index.astype(str), t("col_rate"): series.to_numpy()})
    chart, figures = st.columns([3, 2])
    heading = t("detail_unemployment_series", first=series.index.min(), last=series.index.max())
    chart.altair_chart(charts.line(frame, t("col_year"), t("col_rate"), lang, heading), width="stretch")
    figures.dataframe(
        frame.assign(**{t("col_rate"): frame[t("col_rate")].map(lambda v: formatting.number(v, 1, lang))}),
        placeholder=formatting.MISSING,
        hide_index=True,
        width="stretch",
        height=220,
    )
    kind = "series_lfs" if code.startswith("97") else "series_localised"
    st.caption(
        t(
            "unemployment_series_caption",
            kind=t(kind),
            annual=formatting.indicator_value(
                "unemployment_rate_annual_pct", row["unemployment_rate_annual_pct"], lang
            ),
            change=formatting.indicator_value("unemployment_change_5y_pts", row["unemployment_change_5y_pts"], lang),
            quarter=formatting.indicator_value("unemployment_rate_pct", row["unemployment_rate_pct"], lang),
        )
    )


def _people(code: str, row: pd.Series, table: pd.DataFrame, lang: formatting.Lang) -> None:
    """Population (2023, 2026 provisional) and the public pools, each with its period; partial ones with coverage."""
    st.markdown(f"**{t('detail_people')}**")
    total = len(table)
    lines = [
        t(
            "people_population",
            now=formatting.number(row["population"], 0, lang),
            next=formatting.number(row["population_2026"], 0, lang),
        ),
        t(
            "people_aah_2019",
            count=formatting.number(row["aah_recipients_2019"], 0, lang),
            rate=formatting.indicator_value("aah_per_1000_15_64_2019", row["aah_per_1000_15_64_2019"], lang),
        ),
    ]
    if code == "971":
        lines.append(t("people_aah_guadeloupe"))
    if not formatting.is_missing(row["aah_per_1000_20_64"]):
        lines.append(
            t(
                "people_aah_2021",
                filled=int(table["aah_per_1000_20_64"].notna().sum()),
                total=total,
                rate=formatting.indicator_value("aah_per_1000_20_64", row["aah_per_1000_20_64"], lang),
            )
        )
    lines.append(
        t(
            "people_parents",
            families=int(table["single_mothers_share_pct"].notna().sum()),
            inactive=int(table["other_inactive_15_64_pct"].notna().sum()),
            total=total,
        )
    )
    for line in lines:
        st.markdown(f"- {line}")


def _nearest_sites(code: str) -> None:
    st.markdown(f"**{t('detail_sites')}**")
    centres = geo.population_centres("departement").set_index("code")
    nearest = sites.nearest_sites(cast(pd.Series, centres.loc[code]), state.all_sites(), k=3)
    lang = state.lang()
    shown = pd.DataFrame(
        {
            t("col_operator"): nearest["operator"].map(views.without_note),
            t("col_site"): nearest["site_name"].map(views.without_note),
            t("col_commune"): nearest["commune_name"] + " (" + nearest["dep_code"] + ")",
            t("col_km"): nearest["km"].map(lambda v: formatting.number(v, 0, lang)),
            t("col_minutes"): [
                formatting.number(m, 0, lang) if road else t("no_road")
                for m, road in zip(nearest["travel_min"], nearest["by_road"], strict=True)
            ],
        }
    )
    st.table(shown, hide_index=True)  # three rows: as HTML, every name and column in full
    detour = formatting.number(settings.ROAD_DETOUR_FACTOR, 1, state.lang())
    speed = formatting.number(settings.AVERAGE_ROAD_SPEED_KMH, 0, state.lang())
    st.caption(t("detail_sites_caption", detour=detour, speed=speed))


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
