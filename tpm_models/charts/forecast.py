"""Delivery forecast charts: throughput run chart and histogram, "when" and "how many" charts.

Every builder takes the small tidy frames the forecast objects return
(:meth:`DailyThroughput.per_period`, :meth:`ForecastResult.when_table`,
:meth:`ForecastResult.how_many_table`), never raw trials.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import altair as alt
import pandas as pd

from tpm_models.charts.style import HEIGHT, PALETTE, WIDTH, percentile_rules, titled

__all__ = [
    "how_many_chart",
    "throughput_histogram",
    "throughput_run_chart",
    "when_chart",
]

_UNIT = {"day": "working day", "week": "week"}


def _merge_markers(markers: Sequence[tuple[str, object]]) -> list[tuple[str, object]]:
    """Join labels that fall on the same x (``P85/P95``) so they do not print over each other."""
    merged: dict[object, list[str]] = {}
    for label, x in markers:
        merged.setdefault(x, []).append(label)
    return [("/".join(labels), x) for x, labels in merged.items()]


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
    text = (
        alt.Chart(pd.DataFrame({"mean": [mean], "label": [f"mean {mean:.1f}"]}))
        .mark_text(align="left", dx=4, dy=-6, color=PALETTE[3], fontWeight="bold")
        .encode(y="mean:Q", x=alt.value(0), text="label:N")
    )
    chart = alt.LayerChart(layer=[bars, rule, text]).properties(width=WIDTH, height=HEIGHT - 60)
    out = titled(
        chart,
        f"Throughput per {unit}",
        f"{len(data)} {unit}s of history, zero {unit}s included; "
        "the forecast resamples these values",
    )
    assert isinstance(out, alt.LayerChart)
    return out


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
        .properties(width=WIDTH, height=HEIGHT - 60)
    )
    out = titled(chart, "Throughput histogram", f"How many {unit}s finished 0, 1, 2 … items")
    assert isinstance(out, alt.Chart)
    return out


def when_chart(
    when_table: pd.DataFrame,
    markers: Sequence[tuple[str, dt.date]],
    *,
    items_label: str = "the backlog",
    deadline: dt.date | None = None,
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
        marks.append(("Deadline", pd.Timestamp(deadline)))
    rules = percentile_rules(_merge_markers(marks), "temporal")
    chart = (
        alt.layer(bars, line, rules)
        .resolve_scale(y="independent")
        .properties(width=WIDTH, height=HEIGHT)
    )
    out = titled(
        chart,
        f"When will {items_label} be done?",
        "Line: likelihood of being done by each date. Bars: share of simulated futures "
        "finishing on that date.",
    )
    assert isinstance(out, alt.LayerChart)
    return out


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
    rules = percentile_rules(_merge_markers(marks), "quantitative")
    chart = (
        alt.layer(bars, line, rules)
        .resolve_scale(y="independent")
        .properties(width=WIDTH, height=HEIGHT)
    )
    when = f" by {target:%a %d %b %Y}" if target else ""
    out = titled(
        chart,
        f"How many items{when}?",
        "Line: likelihood of finishing at least n items. The X% figure is the count reached "
        "in at least X% of simulated futures.",
    )
    assert isinstance(out, alt.LayerChart)
    return out
