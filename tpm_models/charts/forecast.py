"""Delivery forecast charts: throughput run chart and histogram, "when" and "how many" charts.

Every builder takes the small tidy frames the forecast objects return
(:meth:`DailyThroughput.per_period`, :meth:`ForecastResult.when_table`,
:meth:`ForecastResult.how_many_table`), never raw trials.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast

import altair as alt
import pandas as pd

from tpm_models.charts.style import HEIGHT, PALETTE, WIDTH, percentile_rules, rule_colour, titled

__all__ = [
    "how_many_chart",
    "how_many_fan_chart",
    "throughput_histogram",
    "throughput_run_chart",
    "when_chart",
]

_UNIT = {"day": "working day", "week": "week"}


def _titled(chart: alt.LayerChart, title: str, lines: list[str]) -> alt.LayerChart:
    return cast(alt.LayerChart, titled(chart, title, lines))


def throughput_run_chart(per_period: pd.DataFrame, period: str = "day") -> alt.LayerChart:
    """Items finished in each period of the history, with the mean as a dashed line.

    Parameters
    ----------
    per_period : DataFrame
        Columns ``period_end`` (datetime) and ``completed`` (items).
    period : {"day", "week"}

    Examples
    --------
    >>> df = pd.DataFrame({"period_end": pd.to_datetime(["2027-01-04", "2027-01-05"]),
    ...                    "completed": [2, 3]})
    >>> isinstance(throughput_run_chart(df), alt.LayerChart)
    True
    """
    unit = _UNIT.get(period, period)
    data = per_period[["period_end", "completed"]].copy()
    mean = float(data["completed"].mean()) if len(data) else 0.0
    bars = (
        alt.Chart(data)
        .mark_bar(color=PALETTE[0], opacity=0.85)
        .encode(
            x=alt.X(
                "period_end:T",
                title="Date" if period == "day" else "Week ending",
                axis=alt.Axis(format="%d %b %y", labelAngle=0),
            ),
            y=alt.Y("completed:Q", title=f"Items finished per {unit}"),
            tooltip=[
                alt.Tooltip("period_end:T", title="Date", format="%a %d %b %Y"),
                alt.Tooltip("completed:Q", title="Items"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"mean": [mean], "label": [f"mean {mean:.1f}"]}))
        .mark_rule(color=PALETTE[3], strokeDash=[6, 3], strokeWidth=2)
        .encode(y="mean:Q", tooltip=[alt.Tooltip("label:N", title="Mean")])
    )
    chart = alt.LayerChart(layer=[bars, rule]).properties(width=WIDTH, height=HEIGHT)
    return _titled(
        chart,
        f"Throughput per {unit}",
        [
            f"{len(data)} {unit}s of history, zero {unit}s included",
            f"Dashed line: mean {mean:.2f} items per {unit}",
        ],
    )


def throughput_histogram(per_period: pd.DataFrame, period: str = "day") -> alt.Chart:
    """How often each throughput value occurred in the history (the bootstrap's menu)."""
    unit = _UNIT.get(period, period)
    counts = (
        per_period["completed"]
        .value_counts()
        .rename_axis("completed")
        .reset_index(name="periods")
        .sort_values("completed")
    )
    counts["share"] = counts["periods"] / counts["periods"].sum()
    chart = (
        alt.Chart(counts)
        .mark_bar(color=PALETTE[5])
        .encode(
            x=alt.X(
                "completed:O", title=f"Items finished in a {unit}", axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("periods:Q", title=f"Number of {unit}s"),
            tooltip=[
                alt.Tooltip("completed:O", title="Items"),
                alt.Tooltip("periods:Q", title=f"{unit.capitalize()}s"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    out = titled(chart, "Throughput histogram", f"{unit.capitalize()}s that finished n items")
    assert isinstance(out, alt.Chart)
    return out


def when_chart(
    when_table: pd.DataFrame,
    markers: Sequence[tuple[str, dt.date]],
    *,
    items_label: str = "the backlog",
    deadline: dt.date | None = None,
    deadline_label: str = "Deadline",
) -> alt.LayerChart:
    """ "When" chart: likelihood of being done by each date, with P50/P85/P95 marked.

    Bars: share of trials finishing in that period (left axis). Line: cumulative likelihood
    of being done by that date (right axis, 0–100%).
    """
    data = when_table[["date", "probability", "likelihood"]].copy()
    base = alt.Chart(data).encode(
        x=alt.X("date:T", title="Finish date", axis=alt.Axis(format="%d %b %y", labelAngle=0))
    )
    tooltip = [
        alt.Tooltip("date:T", title="Done by", format="%a %d %b %Y"),
        alt.Tooltip("likelihood:Q", title="Likelihood done by then", format=".1%"),
        alt.Tooltip("probability:Q", title="Finish on this date", format=".1%"),
    ]
    bars = base.mark_bar(color=PALETTE[5], opacity=0.7).encode(
        y=alt.Y(
            "probability:Q",
            title="Trials finishing on this date",
            axis=alt.Axis(format=".0%", titleColor=PALETTE[5]),
        ),
        tooltip=tooltip,
    )
    line = base.mark_line(color=PALETTE[0], strokeWidth=3, interpolate="step-after").encode(
        y=alt.Y(
            "likelihood:Q",
            title="Likelihood done by the date",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format=".0%", titleColor=PALETTE[0], orient="right"),
        ),
        tooltip=tooltip,
    )
    marks = [(label, pd.Timestamp(d)) for label, d in markers]
    if deadline is not None:
        marks.append((deadline_label, pd.Timestamp(deadline)))
    rules = percentile_rules(marks, "temporal")
    chart = (
        alt.layer(bars, line, rules)
        .resolve_scale(y="independent")
        .properties(width=WIDTH, height=HEIGHT)
    )
    return _titled(
        chart,
        f"When will {items_label} be done?",
        [
            "Line: likelihood of being done by each date (right axis)",
            "Bars: share finishing on that date",
        ],
    )


def how_many_chart(
    how_many_table: pd.DataFrame,
    markers: Sequence[tuple[str, int]],
    *,
    target: dt.date | None = None,
    backlog_items: int | None = None,
) -> alt.LayerChart:
    """ "How many" chart: likelihood of finishing at least ``n`` items by the target date.

    Bars: share of trials finishing exactly ``n`` (left axis). Line: share finishing at least
    ``n`` (right axis), which falls as ``n`` grows — so P95 sits left of P50.
    """
    data = how_many_table[["items", "probability", "likelihood"]].copy()
    base = alt.Chart(data).encode(x=alt.X("items:Q", title="Items finished by the target date"))
    tooltip = [
        alt.Tooltip("items:Q", title="Items"),
        alt.Tooltip("likelihood:Q", title="Likelihood of at least this many", format=".1%"),
        alt.Tooltip("probability:Q", title="Exactly this many", format=".1%"),
    ]
    bars = base.mark_bar(color=PALETTE[5], opacity=0.7).encode(
        y=alt.Y(
            "probability:Q",
            title="Trials finishing exactly n",
            axis=alt.Axis(format=".0%", titleColor=PALETTE[5]),
        ),
        tooltip=tooltip,
    )
    line = base.mark_line(color=PALETTE[2], strokeWidth=3, interpolate="step-after").encode(
        y=alt.Y(
            "likelihood:Q",
            title="Likelihood of at least n items",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format=".0%", titleColor=PALETTE[2], orient="right"),
        ),
        tooltip=tooltip,
    )
    marks: list[tuple[str, object]] = list(markers)
    if backlog_items is not None:
        marks.append((f"Backlog {backlog_items}", backlog_items))
    rules = percentile_rules(marks, "quantitative")
    chart = (
        alt.layer(bars, line, rules)
        .resolve_scale(y="independent")
        .properties(width=WIDTH, height=HEIGHT)
    )
    when = f" by {target:%a %d %b %Y}" if target else ""
    return _titled(
        chart,
        f"How many items{when}?",
        [
            "Line: likelihood of finishing at least n items (right axis)",
            "Bars: share finishing exactly n",
        ],
    )


def how_many_fan_chart(
    fan: pd.DataFrame,
    *,
    levels: Sequence[str] = ("P50", "P85", "P95"),
    target: dt.date | None = None,
    backlog_items: int | None = None,
    period: str = "day",
) -> alt.LayerChart:
    """Items finished by the end of each period, reached in at least X% of trials.

    Parameters
    ----------
    fan : DataFrame
        :meth:`ForecastResult.fan_frame`: ``date``, ``level`` (``"P50"`` …), ``items``.
    levels : sequence of str
        Which levels to draw.
    target : date, optional
        Marked with a vertical rule.
    backlog_items : int, optional
        Marked with a horizontal rule (the fan itself is not capped by the backlog).
    """
    data = fan[fan["level"].isin(list(levels))][["date", "level", "items"]]
    colours = [rule_colour(lv) for lv in levels]
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=2.5, interpolate="step-after")
        .encode(
            x=alt.X(
                "date:T",
                title="Date" if period == "day" else "Week ending",
                axis=alt.Axis(format="%d %b %y", labelAngle=0),
            ),
            y=alt.Y("items:Q", title="Items finished (at least)"),
            color=alt.Color(
                "level:N",
                title="Likelihood",
                scale=alt.Scale(domain=list(levels), range=colours),
                legend=alt.Legend(
                    orient="top-left", labelExpr="replace(datum.label, 'P', '') + '% likely'"
                ),
            ),
            tooltip=[
                alt.Tooltip("date:T", title="By", format="%a %d %b %Y"),
                alt.Tooltip("level:N", title="Likelihood"),
                alt.Tooltip("items:Q", title="At least (items)"),
            ],
        )
    )
    layers: list[alt.Chart | alt.LayerChart] = [lines]
    if backlog_items is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"y": [backlog_items], "label": [f"Backlog {backlog_items}"]}))
            .mark_rule(color="#555555", strokeDash=[2, 2])
            .encode(y="y:Q", tooltip=[alt.Tooltip("label:N", title="Marker")])
        )
    if target is not None:
        layers.append(percentile_rules([("Target", pd.Timestamp(target))], "temporal"))
    chart = alt.LayerChart(layer=layers).properties(width=WIDTH, height=HEIGHT)
    return _titled(
        chart,
        "How many items by each date?",
        [
            "Each line: items finished by the date in at least that share of simulated "
            "futures (P95 lowest)",
            "Dotted line: the backlog, for reference",
        ],
    )
