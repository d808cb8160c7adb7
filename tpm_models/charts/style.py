"""Shared look of every chart: sizes, colours, percentile rules with labels."""

from __future__ import annotations

import re
from collections.abc import Sequence

import altair as alt
import pandas as pd

__all__ = ["PALETTE", "WIDTH", "percentile_rules", "rule_colour", "titled"]

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


def _merge_markers(markers: Sequence[tuple[str, object]]) -> list[tuple[str, object]]:
    """Join labels that fall on the same x (``P85/P95``) so they do not print over each other."""
    merged: dict[object, list[str]] = {}
    for label, x in markers:
        merged.setdefault(x, []).append(label)
    return [("/".join(labels), x) for x, labels in merged.items()]


def rule_colour(label: str) -> str:
    """House colour of a marker by its first word (``"P80 · 2 Jun"``, ``"P85/P95"`` -> P80, P85)."""
    return RULE_COLOURS.get(re.split(r"[ /·]", label, maxsplit=1)[0], "#555555")


def percentile_rules(
    markers: Sequence[tuple[str, object]], x_field_type: str = "quantitative"
) -> alt.LayerChart:
    """Vertical dashed rules with labels, e.g. ``[("P50", 42.0), ("Deadline", 45)]``.

    Markers at the same x share one rule and one label (``P85/P95``); labels are staggered down
    the chart in three rows so close ones stay legible.

    Examples
    --------
    >>> len(percentile_rules([("P50", 1.0), ("P80", 2.0)]).to_dict()["layer"])
    2
    """
    merged = _merge_markers(markers)
    df = pd.DataFrame(
        {
            "label": [m[0] for m in merged],
            "x": [m[1] for m in merged],
            "y": [12 + 16 * (i % 3) for i in range(len(merged))],
        }
    )
    df["colour"] = df["label"].map(rule_colour)
    t = "T" if x_field_type == "temporal" else "Q"
    base = alt.Chart(df)
    rules = base.mark_rule(strokeDash=[6, 3], strokeWidth=2).encode(
        x=alt.X(f"x:{t}"),
        color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("label:N", title="Marker"), alt.Tooltip(f"x:{t}", title="At")],
    )
    text = base.mark_text(align="left", dx=4, baseline="middle", fontWeight="bold").encode(
        x=alt.X(f"x:{t}"),
        y=alt.Y("y:Q", scale=None),
        text="label:N",
        color=alt.Color("colour:N", scale=None),
    )
    return alt.LayerChart(layer=[rules, text])
