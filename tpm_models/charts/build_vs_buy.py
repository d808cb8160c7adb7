"""Build-vs-buy charts from the small tidy frames a ``BuildVsBuyResult`` returns.

Builders
--------
:func:`cumulative_cash_flow`
    Cumulative (optionally discounted) net cash flow per option over the periods.
:func:`npv_distribution`
    Pre-binned NPV distributions overlaid, each option's P50 marked, NPV = 0 ruled.
:func:`npv_tornado`
    Swing of the NPV difference between the two leading options, P10 and P90 ends coloured.
:func:`break_even_chart`
    NPV difference vs one input, the tie point and today's value marked.
:func:`money_vs_score`
    NPV P50 (with P10–P90) against the weighted non-financial score.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import altair as alt
import pandas as pd

from tpm_models.charts.style import HEIGHT, PALETTE, WIDTH, titled

__all__ = [
    "break_even_chart",
    "cumulative_cash_flow",
    "money_vs_score",
    "npv_distribution",
    "npv_tornado",
]

LABEL_CHARS = 34
#: Total height of a chart: Streamlit fits title, legend and axes inside it ("fit" autosize),
#: so it is taller than the shared HEIGHT to leave the plot itself about 300 px.
CHART_HEIGHT = HEIGHT + 140


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _two_lines(label: str) -> str:
    """``"Option · Line"`` → ``"Line · Option"`` shortened per part (split into two lines)."""
    if " · " in label:
        option, line = label.split(" · ", 1)
        return f"{_short(line)} · {_short(option)}"
    return _short(label)


def _colour(options: Sequence[str]) -> alt.Color:
    return alt.Color(
        "option:N",
        title=None,
        scale=alt.Scale(domain=list(options), range=PALETTE[: len(options)]),
        legend=alt.Legend(orient="top", labelLimit=260),
    )


def _finish(
    layers: Sequence[alt.Chart], title: str, subtitle: str, height: int | alt.Step = CHART_HEIGHT
) -> alt.LayerChart:
    chart = alt.LayerChart(layer=list(layers), height=height).properties(width=WIDTH)
    return cast(alt.LayerChart, titled(chart, title, subtitle))


def cumulative_cash_flow(
    frame: pd.DataFrame,
    *,
    currency: str,
    period: str,
    discounted: bool = False,
) -> alt.LayerChart:
    """Cumulative net cash flow per option (``frame`` from ``PointResult.cash_flow_frame()``)."""
    y = "discounted_cumulative" if discounted else "cumulative"
    options = list(dict.fromkeys(frame["option"]))
    df = frame[["option", "period", y]].rename(columns={y: "value"})
    what = "Discounted cumulative net cash flow" if discounted else "Cumulative net cash flow"
    lines = (
        alt.Chart(df)
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=alt.X(
                "period:Q", title=f"{period.capitalize()} (0 = today)", axis=alt.Axis(tickMinStep=1)
            ),
            y=alt.Y("value:Q", title=f"{what} ({currency})", axis=alt.Axis(format="~s")),
            color=_colour(options),
            tooltip=[
                alt.Tooltip("option:N"),
                alt.Tooltip("period:Q", title=period),
                alt.Tooltip("value:Q", title=what, format=",.0f"),
            ],
        )
    )
    zero = (
        alt.Chart(pd.DataFrame({"y": [0.0]}))
        .mark_rule(color="#555", strokeDash=[4, 3])
        .encode(y="y:Q")
    )
    return _finish(
        [zero, lines],
        f"{what} by {period}",
        "At most-likely inputs; where a line crosses 0 the option has paid back.",
    )


def npv_distribution(hist: pd.DataFrame, p50: dict[str, float], *, currency: str) -> alt.LayerChart:
    """Overlaid NPV histograms (``hist`` from ``BuildVsBuyResult.npv_histogram()``)."""
    options = list(dict.fromkeys(hist["option"]))
    df = hist.copy()
    df["mid"] = (df["bin_start"] + df["bin_end"]) / 2
    area = (
        alt.Chart(df)
        .mark_area(opacity=0.35, interpolate="step", line=True)
        .encode(
            x=alt.X("mid:Q", title=f"NPV ({currency})", axis=alt.Axis(format="~s")),
            y=alt.Y("share:Q", title="Share of trials", axis=alt.Axis(format="%"), stack=None),
            color=_colour(options),
            tooltip=[
                alt.Tooltip("option:N"),
                alt.Tooltip("bin_start:Q", title="NPV from", format=",.0f"),
                alt.Tooltip("bin_end:Q", title="NPV to", format=",.0f"),
                alt.Tooltip("share:Q", title="share of trials", format=".1%"),
            ],
        )
    )
    marks = pd.DataFrame(
        {
            "option": list(p50),
            "x": list(p50.values()),
            "text": [f"P50 {v:,.0f}" for v in p50.values()],
            "label_y": [8 + 14 * i for i in range(len(p50))],
        }
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeDash=[6, 3], strokeWidth=2)
        .encode(
            x="x:Q",
            color=_colour(options),
            tooltip=["option:N", alt.Tooltip("x:Q", title="NPV P50", format=",.0f")],
        )
    )
    text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, fontWeight="bold", fontSize=11)
        .encode(x="x:Q", y=alt.Y("label_y:Q", scale=None), text="text:N", color=_colour(options))
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#333").encode(x="x:Q")
    return _finish(
        [zero, area, rules, text],
        "NPV distribution per option",
        "Dashed lines: each option's P50. Right of the black line the option pays for itself.",
    )


def npv_tornado(
    frame: pd.DataFrame, *, leader: str, runner_up: str, base: float, currency: str, top: int = 10
) -> alt.LayerChart:
    """Tornado of ``NPV(leader) − NPV(runner_up)`` (``Tornado.frame``), largest swing on top."""
    df = frame[frame["swing"] > 0].head(top).copy()
    # two-line axis labels: "line · option" split at the dot (labelExpr below)
    df["label"] = [
        _two_lines(s) + ("  ⚑ can flip" if f else "")
        for s, f in zip(df["input"], df["flips"], strict=True)
    ]
    order = df["label"].tolist()
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "label": df["label"],
                    "input": df["input"],
                    "end": "input at P10",
                    "value": df["difference_at_low"],
                    "input_value": df["low_value"],
                }
            ),
            pd.DataFrame(
                {
                    "label": df["label"],
                    "input": df["input"],
                    "end": "input at P90",
                    "value": df["difference_at_high"],
                    "input_value": df["high_value"],
                }
            ),
        ],
        ignore_index=True,
    )
    long["base"] = base
    y = alt.Y(
        "label:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=280, labelExpr="split(datum.label, ' · ')", labelFontSize=11),
    )
    bars = (
        alt.Chart(long)
        .mark_bar(opacity=0.85, height=16)
        .encode(
            y=y,
            x=alt.X(
                "base:Q",
                title=f"NPV({_short(leader, 28)}) − NPV({_short(runner_up, 28)}) ({currency})",
                axis=alt.Axis(format="~s"),
            ),
            x2="value:Q",
            color=alt.Color(
                "end:N",
                title=None,
                scale=alt.Scale(
                    domain=["input at P10", "input at P90"], range=[PALETTE[5], PALETTE[3]]
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("input:N"),
                alt.Tooltip("end:N"),
                alt.Tooltip("input_value:Q", title="input value", format=",.4~g"),
                alt.Tooltip("value:Q", title="NPV difference", format=",.0f"),
            ],
        )
    )
    base_rule = alt.Chart(pd.DataFrame({"x": [base]})).mark_rule(color="#333").encode(x="x:Q")
    zero = (
        alt.Chart(pd.DataFrame({"x": [0.0]}))
        .mark_rule(color="#D55E00", strokeDash=[6, 3], strokeWidth=2)
        .encode(x="x:Q")
    )
    return _finish(
        [bars, base_rule, zero],
        f"What could flip {_short(leader, 30)} vs {_short(runner_up, 30)}",
        "One input at its P10 / P90, the rest at most likely. Black: today's gap; a bar that "
        "crosses the dashed 0 line flips the order.",
        alt.Step(34),
    )


def break_even_chart(
    frame: pd.DataFrame,
    *,
    label: str,
    option_a: str,
    option_b: str,
    current: float,
    tie: float | None,
    currency: str,
    percent: bool = False,
) -> alt.LayerChart:
    """NPV difference vs the input (``BreakEvenResult.frame()``) with the tie point marked."""
    fmt = ".1%" if percent else ",.4~g"
    axis_fmt = "%" if percent else "~s"
    line = (
        alt.Chart(frame)
        .mark_line(strokeWidth=2.5, color=PALETTE[0])
        .encode(
            x=alt.X("value:Q", title=label, axis=alt.Axis(format=axis_fmt)),
            y=alt.Y(
                "npv_difference:Q",
                title=f"NPV({_short(option_a, 24)}) − NPV({_short(option_b, 24)}) ({currency})",
                axis=alt.Axis(format="~s"),
            ),
            tooltip=[
                alt.Tooltip("value:Q", title=label, format=fmt),
                alt.Tooltip("npv_difference:Q", title="NPV difference", format=",.0f"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#333").encode(y="y:Q")
    marks = [("Today", current, "#555555")]
    if tie is not None:
        marks.append(("Break-even", tie, "#D55E00"))
    mdf = pd.DataFrame(
        {
            "label": [m[0] for m in marks],
            "x": [m[1] for m in marks],
            "colour": [m[2] for m in marks],
            "text": [f"{m[0]} {m[1]:.1%}" if percent else f"{m[0]} {m[1]:,.4g}" for m in marks],
            "label_y": [8 + 15 * i for i in range(len(marks))],
        }
    )
    rules = (
        alt.Chart(mdf)
        .mark_rule(strokeDash=[6, 3], strokeWidth=2)
        .encode(
            x="x:Q",
            color=alt.Color("colour:N", scale=None),
            tooltip=["label:N", alt.Tooltip("x:Q", format=fmt)],
        )
    )
    text = (
        alt.Chart(mdf)
        .mark_text(align="left", dx=4, fontWeight="bold")
        .encode(
            x="x:Q",
            y=alt.Y("label_y:Q", scale=None),
            text="text:N",
            color=alt.Color("colour:N", scale=None),
        )
    )
    layers: list[alt.Chart] = [zero, line, rules, text]
    if tie is not None:
        pt = (
            alt.Chart(pd.DataFrame({"x": [tie], "y": [0.0]}))
            .mark_point(size=120, filled=True, color="#D55E00")
            .encode(x="x:Q", y="y:Q")
        )
        layers.append(pt)
    sub = (
        f"Above 0 {_short(option_a, 30)} is worth more; the options tie at {tie:.1%}."
        if tie is not None and percent
        else f"Above 0 {_short(option_a, 30)} is worth more; the options tie at {tie:,.4g}."
        if tie is not None
        else "No break-even in this range: the order does not change."
    )
    return _finish(layers, f"Break-even: {_short(label, 50)}", sub)


def money_vs_score(frame: pd.DataFrame, *, currency: str) -> alt.LayerChart:
    """NPV P50 (P10–P90 whiskers) vs weighted score; ``frame`` has ``option, npv_p10, npv_p50,
    npv_p90, weighted_score``."""
    df = frame.dropna(subset=["weighted_score"])
    options = list(df["option"])
    base = alt.Chart(df)
    whiskers = base.mark_rule(strokeWidth=2).encode(
        x=alt.X(
            "npv_p10:Q", title=f"NPV ({currency}): P50 with P10–P90", axis=alt.Axis(format="~s")
        ),
        x2="npv_p90:Q",
        y=alt.Y(
            "weighted_score:Q", title="Weighted score", scale=alt.Scale(zero=False, padding=20)
        ),
        color=_colour(options),
    )
    points = base.mark_point(size=140, filled=True).encode(
        x="npv_p50:Q",
        y="weighted_score:Q",
        color=_colour(options),
        tooltip=[
            alt.Tooltip("option:N"),
            alt.Tooltip("npv_p50:Q", title="NPV P50", format=",.0f"),
            alt.Tooltip("npv_p10:Q", title="NPV P10", format=",.0f"),
            alt.Tooltip("npv_p90:Q", title="NPV P90", format=",.0f"),
            alt.Tooltip("weighted_score:Q", title="weighted score", format=".2f"),
        ],
    )
    labels = base.mark_text(dy=-12, fontWeight="bold").encode(
        x="npv_p50:Q", y="weighted_score:Q", text="option:N", color=_colour(options)
    )
    return _finish(
        [whiskers, points, labels],
        "Money and score together",
        "Up is better on the non-financial criteria, right is worth more.",
    )
