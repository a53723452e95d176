"""The shared sidebar: language, preset, weights, hard filters (every page ranks with them)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from homeshore import pool, state, strings
from homeshore.plain import md
from homeshore.state import t
from regions import _datafrance, formatting, indicators, scoring, settings, sites, sources


def render() -> None:
    """Draw the sidebar; widgets write straight into ``st.session_state`` under ``hs_`` keys."""
    with st.sidebar:
        st.radio(
            t("language"),
            list(strings.LANGUAGES),
            format_func=strings.LANGUAGES.get,
            key=state.LANG,
            horizontal=True,
        )
        st.toggle(t("high_contrast"), key=state.HIGH_CONTRAST, help=t("high_contrast_help"))
        _priorities()
        _filters()


def _priorities() -> None:
    st.header(t("sidebar_priorities"))
    state.sync_preset()
    custom = [scoring.CUSTOM] if st.session_state.get(state.PRESET) == scoring.CUSTOM else []
    st.selectbox(
        t("preset"),
        [*scoring.PRESETS, *custom],
        format_func=state.preset_label,
        key=state.PRESET,
        on_change=_preset_chosen,
    )
    st.caption(t("weights_help"))
    coverage = _coverage()
    catalogue = sources.load_catalogue()
    share = 100 * coverage["filled"] / coverage["total"]  # the presets' rule: partial under 95 %
    partial = [c for c in scoring.components() if share[c] < settings.PRESET_MIN_COVERAGE_PCT]
    complete = [c for c in scoring.components() if c not in partial]
    for component in complete:
        _weight_slider(component, catalogue[component], coverage)
    for component in scoring.components():  # a component added since the session began (a user's indicator)
        st.session_state.setdefault(state.weight_key(component), 0)
    with st.expander(t("partial_components"), expanded=any(st.session_state[state.weight_key(c)] for c in partial)):
        st.caption(t("partial_note"))
        for component in partial:
            _weight_slider(component, catalogue[component], coverage)


def _preset_chosen() -> None:
    """Set the sliders to the preset the user picked. Anything else is left for :func:`state.sync_preset` to correct
    from the sliders: the custom choice, or a label the browser still showed from an earlier run (it sends labels,
    and the custom one comes and goes with the sliders), which Streamlit passes on as it is."""
    chosen = st.session_state.get(state.PRESET)
    if chosen in scoring.PRESETS:
        state.apply_preset(str(chosen))


def _coverage() -> pd.DataFrame:
    """Each component's coverage. The sidebar never reads the applicant file itself: until a page has, the pool
    depth counts as covered (where a file gives it, it covers nearly every département), so that its slider does
    not move once the file is read."""
    if pool.peek() is not pool.NOT_READ:
        return indicators.coverage(state.table())
    coverage = indicators.coverage(state.table_without_pool())
    if indicators.APPLICANTS_COLUMN in coverage.index:
        coverage.loc[indicators.APPLICANTS_COLUMN, ["filled", "coverage_pct"]] = [coverage["total"].iloc[0], 100.0]
    return coverage


def _weight_slider(component: str, indicator: sources.Indicator, coverage: object) -> None:
    filled = coverage.at[component, "filled"]  # type: ignore[attr-defined]
    total = coverage.at[component, "total"]  # type: ignore[attr-defined]
    direction = t("higher_better") if indicator.orientation == "higher" else t("lower_better")
    label = md(state.label(component))  # a user's label: shown as typed in the slider's label and help
    if component == indicators.APPLICANTS_COLUMN and pool.is_demo():
        label += t("fictional_suffix")  # the demo pool is synthetic: say so wherever it shows
    st.slider(
        f"{label} ({filled}/{total})" if filled < total - 1 else label,
        min_value=0,
        max_value=100,
        step=5,
        key=state.weight_key(component),
        help=t(
            "weight_slider_help",
            label=label,
            direction=direction,
            period=md(indicators.period_of(component, state.lang())),
            coverage=f"{filled}/{total}",
        ),
    )


def _filters() -> None:
    st.header(t("sidebar_filters"))
    st.slider(t("min_ftth"), 0, 100, step=5, key=state.MIN_FTTH, help=t("min_ftth_help"))
    _hubs()
    if state.has_hubs():
        st.selectbox(
            t("hub_max_travel"),
            state.HUB_TRAVEL_CHOICES,
            format_func=lambda n: t("hub_any_reachable") if n == state.NO_LIMIT else t("minutes", n=n),
            key=state.HUB_MAX_TRAVEL,
            help=t("hub_max_travel_help", **_travel_figures()),
        )
    else:
        st.selectbox(
            t("max_travel"),
            state.TRAVEL_CHOICES,
            format_func=lambda n: t("no_limit") if n == state.NO_LIMIT else t("minutes", n=n),
            key=state.MAX_TRAVEL,
            help=t("max_travel_help", **_travel_figures()),
        )
    names = _datafrance.regions_table().set_index("code")["name"]
    st.multiselect(
        t("regions_filter"),
        list(names.index),
        format_func=lambda code: names[code],
        placeholder=t("placeholder_many"),
        key=state.REGIONS,
        help=t("regions_filter_help"),
    )


def _travel_figures() -> dict[str, str]:
    """The detour factor and mean speed of the travel estimate, written as the language writes numbers."""
    lang = state.lang()
    return {
        "detour": formatting.number(settings.ROAD_DETOUR_FACTOR, 1, lang),
        "speed": formatting.number(settings.AVERAGE_ROAD_SPEED_KMH, 0, lang),
    }


@st.cache_data(show_spinner=False)
def _hub_names() -> dict[str, str]:
    """Each bundled site's label in the list, by id: « id · operator · commune » (read once per server)."""
    bundled = sites.load_sites()
    operators = bundled["operator"].str.split(" (", regex=False).str[0]
    return {
        site_id: f"{site_id} · {operator} · {commune}"
        for site_id, operator, commune in zip(bundled["site_id"], operators, bundled["commune_name"], strict=True)
    }


def _hubs() -> None:
    """Your own sites (hubs) among the bundled ones; those added on the Sites page count too."""
    names = _hub_names()
    st.multiselect(
        t("hubs_pick"),
        list(names),
        format_func=lambda site_id: names.get(site_id, str(site_id)),
        placeholder=t("placeholder_many"),
        key=state.HUBS,
        help=t("hubs_pick_help"),
    )
    added = state.user_sites()
    if added is not None:
        st.caption(t("hubs_added", n=len(added)))
