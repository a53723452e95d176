"""The detail panel's small charts, drawn with Altair rather than ``st.bar_chart``: full labels (never cut with an
ellipsis), numbers written as the language writes them (decimal comma in French) and a description in the app's
language for screen readers instead of Vega's English axis summaries."""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from regions.formatting import Lang

#: d3's number format per language: French decimal comma and narrow no-break space between thousands.
NUMBER_LOCALE: dict[Lang, dict[str, object]] = {
    "fr": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u202f€"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
}
#: Wide enough for the longest indicator label on one line at 1,400 px (the chart column is about 900 px).
LABEL_WIDTH_PX = 480


def _localised(chart: alt.Chart | alt.LayerChart, lang: Lang, description: str) -> alt.Chart | alt.LayerChart:
    configured = chart.properties(description=description).configure(locale={"number": NUMBER_LOCALE[lang]})
    return cast("alt.Chart | alt.LayerChart", configured)


def bars(frame: pd.DataFrame, label: str, value: str, lang: Lang, description: str) -> alt.Chart | alt.LayerChart:
    """Horizontal bars, one per row of ``frame`` in its order, the ``label`` column written in full beside each."""
    order = frame[label].tolist()
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(value, type="quantitative", title=value, axis=alt.Axis(aria=False)),
            y=alt.Y(
                label,
                type="nominal",
                sort=order,
                title=None,
                axis=alt.Axis(labelLimit=LABEL_WIDTH_PX, aria=False),
            ),
            tooltip=[alt.Tooltip(label, type="nominal"), alt.Tooltip(value, type="quantitative", format=".1f")],
        )
        .properties(height=36 * len(frame) + 20)
    )
    return _localised(chart, lang, description)


def line(frame: pd.DataFrame, x: str, y: str, lang: Lang, description: str) -> alt.Chart | alt.LayerChart:
    """A line over ``x`` (ordinal, e.g. years) with points."""
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X(x, type="ordinal", title=x, axis=alt.Axis(labelAngle=0, aria=False)),
            y=alt.Y(y, type="quantitative", title=y, axis=alt.Axis(aria=False, format=".1f")),
            tooltip=[alt.Tooltip(x, type="ordinal"), alt.Tooltip(y, type="quantitative", format=".1f")],
        )
        .properties(height=220)
    )
    return _localised(chart, lang, description)
