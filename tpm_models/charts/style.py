"""Shared look of every chart: sizes, colours, percentile rules with labels."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

__all__ = ["PALETTE", "WIDTH", "percentile_rules", "titled"]

WIDTH = "container"
HEIGHT = 320
#: Colour-blind-safe palette (Okabe & Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
RULE_COLOURS = {
    "P50": "#0072B2",
    "P80": "#E69F00",
    "P85": "#E69F00",
    "P90": "#D55E00",
    "P95": "#D55E00",
    "Deadline": "#000000",
}


def titled(
    chart: alt.Chart | alt.LayerChart, title: str, subtitle: str | list[str] | None = None
) -> alt.Chart | alt.LayerChart:
    """Give a chart a title (and optional subtitle) in the house style."""
    params = alt.TitleParams(
        title, subtitle=subtitle or alt.Undefined, anchor="start", fontSize=15, subtitleFontSize=12
    )
    return chart.properties(title=params)


def percentile_rules(
    markers: Sequence[tuple[str, object]], x_field_type: str = "quantitative"
) -> alt.LayerChart:
    """Vertical dashed rules with text labels, e.g. ``[("P50", 42.0), ("Deadline", 45)]``."""
    df = pd.DataFrame({"label": [m[0] for m in markers], "x": [m[1] for m in markers]})
    df["colour"] = df["label"].map(lambda s: RULE_COLOURS.get(s.split(" ")[0], "#555555"))
    t = "T" if x_field_type == "temporal" else "Q"
    base = alt.Chart(df)
    rules = base.mark_rule(strokeDash=[6, 3], strokeWidth=2).encode(
        x=alt.X(f"x:{t}"),
        color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip(f"x:{t}")],
    )
    text = base.mark_text(align="left", dx=4, dy=-4, baseline="bottom", fontWeight="bold").encode(
        x=alt.X(f"x:{t}"),
        y=alt.value(12),
        text="label:N",
        color=alt.Color("colour:N", scale=None),
    )
    return alt.LayerChart(layer=[rules, text])
