"""Team-capacity charts: capacity fan vs demand, chance of meeting demand, headcount, plans.

Every builder takes the tidy frames of :meth:`CapacityResult.monthly` or
:meth:`PlanComparison.monthly` (one row per role/plan and month), never raw trials.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from tpm_models.charts.style import PALETTE, WIDTH, titled
from tpm_models.team_capacity.simulate import TOTAL

__all__ = [
    "capacity_fan_chart",
    "cumulative_chart",
    "headcount_chart",
    "plan_comparison_chart",
    "prob_meets_chart",
]

#: Total height in pixels (title, legend and axis labels included, as Streamlit sizes it).
HEIGHT = 440
_MONTH_AXIS = alt.Axis(format="%b %Y", labelAngle=-40, title=None, tickCount="month")
_BAND = "Capacity P10–P90"
_P50 = "Capacity P50"
_DEMAND = "Demand"


def _with_dates(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["date"] = pd.to_datetime(out["month"] + "-01")
    return out


def capacity_fan_chart(monthly: pd.DataFrame, role: str, *, height: int = HEIGHT) -> alt.LayerChart:
    """Fan of effective capacity (P10–P90 band, P50 line) against demand for one role.

    Examples
    --------
    >>> df = pd.DataFrame({"role": "Total", "month": ["2027-01", "2027-02"],
    ...     "capacity_p10": [9.0, 8.5], "capacity_p50": [10.0, 9.5], "capacity_p90": [10.5, 10.0],
    ...     "demand": [9.0, 9.5], "prob_meets_demand": [0.9, 0.5]})
    >>> isinstance(capacity_fan_chart(df, "Total"), alt.LayerChart)
    True
    """
    data = _with_dates(monthly[monthly["role"] == role])
    scale = alt.Scale(domain=[_BAND, _P50, _DEMAND], range=[PALETTE[5], PALETTE[0], "#000000"])
    legend = alt.Legend(title=None, orient="top")
    colour = alt.Color("series:N", scale=scale, legend=legend)
    tooltip = [
        alt.Tooltip("date:T", title="Month", format="%b %Y"),
        alt.Tooltip("capacity_p10:Q", title="P10 FTE", format=".1f"),
        alt.Tooltip("capacity_p50:Q", title="P50 FTE", format=".1f"),
        alt.Tooltip("capacity_p90:Q", title="P90 FTE", format=".1f"),
        alt.Tooltip("demand:Q", title="Demand FTE", format=".1f"),
        alt.Tooltip("prob_meets_demand:Q", title="Chance demand met", format=".0%"),
    ]
    base = alt.Chart(data).transform_calculate(band=f"'{_BAND}'", mid=f"'{_P50}'")
    band = base.mark_area(opacity=0.35, interpolate="step-after").encode(
        x=alt.X("date:T", axis=_MONTH_AXIS),
        y=alt.Y("capacity_p10:Q", title="Effective FTE per month", scale=alt.Scale(zero=False)),
        y2="capacity_p90:Q",
        color=alt.Color("band:N", scale=scale, legend=legend),
        tooltip=tooltip,
    )
    mid = base.mark_line(strokeWidth=2.5, interpolate="step-after").encode(
        x="date:T",
        y="capacity_p50:Q",
        color=alt.Color("mid:N", scale=scale, legend=legend),
        tooltip=tooltip,
    )
    demand = (
        alt.Chart(data)
        .transform_calculate(series=f"'{_DEMAND}'")
        .mark_line(interpolate="step-after", strokeDash=[6, 3], strokeWidth=2)
        .encode(x="date:T", y="demand:Q", color=colour, tooltip=tooltip)
    )
    chart = alt.LayerChart(layer=[band, mid, demand]).properties(width=WIDTH, height=height)
    legend_note = "Band: 80% of trials fall inside (P10–P90); line: median; dashed: demand"
    subtitle: str | list[str] = legend_note
    if role == TOTAL:
        # the headline's chance counts a month as met only if every role covers its own demand
        subtitle = [
            legend_note,
            "Demand is met only when every role covers its own: the total can look comfortable "
            "while one role falls short (see each role below)",
        ]
    return titled(chart, f"{role}: effective capacity vs demand", subtitle)  # type: ignore[return-value]


def prob_meets_chart(
    monthly: pd.DataFrame,
    *,
    target_month: str | None = None,
    confidence: float | None = None,
) -> alt.LayerChart:
    """Chance per month that capacity covers demand, one line per role and all roles.

    Examples
    --------
    >>> df = pd.DataFrame({"role": ["A", "Total"], "month": ["2027-01", "2027-01"],
    ...     "prob_meets_demand": [0.9, 0.8]})
    >>> isinstance(prob_meets_chart(df, target_month="2027-01", confidence=0.8), alt.LayerChart)
    True
    """
    data = _with_dates(monthly[["role", "month", "prob_meets_demand"]])
    data["series"] = data["role"].where(data["role"] != TOTAL, "All roles (every role met)")
    roles = list(dict.fromkeys(data["series"]))
    lines = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=25))
        .encode(
            x=alt.X("date:T", axis=_MONTH_AXIS),
            y=alt.Y(
                "prob_meets_demand:Q",
                title="Chance capacity ≥ demand",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "series:N",
                title=None,
                sort=roles,
                scale=alt.Scale(domain=roles, range=[*PALETTE[1 : len(roles)], "#000000"]),
                legend=alt.Legend(orient="top"),
            ),
            strokeWidth=alt.condition(alt.datum.role == TOTAL, alt.value(3.5), alt.value(1.5)),
            tooltip=[
                alt.Tooltip("date:T", title="Month", format="%b %Y"),
                alt.Tooltip("series:N", title="Role"),
                alt.Tooltip("prob_meets_demand:Q", title="Chance", format=".0%"),
            ],
        )
    )
    layers: list[alt.Chart] = [lines]
    if confidence is not None:
        rule = pd.DataFrame({"y": [confidence], "label": [f"Target {confidence:.0%}"]})
        layers.append(
            alt.Chart(rule).mark_rule(strokeDash=[6, 3], color=PALETTE[3]).encode(y="y:Q")
        )
        layers.append(
            alt.Chart(rule)
            .mark_text(align="left", dx=4, dy=-6, color=PALETTE[3], fontWeight="bold")
            .encode(y="y:Q", x=alt.value(4), text="label:N")
        )
    if target_month is not None:
        start = pd.DataFrame({"date": [pd.Timestamp(target_month + "-01")], "label": ["Target"]})
        layers.append(
            alt.Chart(start).mark_rule(strokeDash=[2, 2], color="#555555").encode(x="date:T")
        )
        layers.append(
            alt.Chart(start)
            .mark_text(align="left", dx=4, baseline="bottom", color="#555555")
            .encode(x="date:T", y=alt.value(14), text="label:N")
        )
    chart = alt.LayerChart(layer=layers).properties(width=WIDTH, height=HEIGHT)
    return titled(  # type: ignore[return-value]
        chart,
        "Chance of meeting demand, month by month",
        "Share of trials in which capacity covers demand; thick line: every role at once",
    )


def headcount_chart(monthly: pd.DataFrame) -> alt.Chart:
    """Expected headcount per role (stacked areas), people present during the month.

    Examples
    --------
    >>> df = pd.DataFrame({"role": ["A", "Total"], "month": ["2027-01", "2027-01"],
    ...     "headcount_mean": [9.5, 9.5]})
    >>> isinstance(headcount_chart(df), alt.Chart)
    True
    """
    data = _with_dates(monthly[monthly["role"] != TOTAL][["role", "month", "headcount_mean"]])
    roles = list(dict.fromkeys(data["role"]))
    chart = (
        alt.Chart(data)
        .mark_area(opacity=0.85, interpolate="step-after")
        .encode(
            x=alt.X("date:T", axis=_MONTH_AXIS),
            y=alt.Y("headcount_mean:Q", title="Expected headcount (people)", stack="zero"),
            color=alt.Color(
                "role:N",
                sort=roles,
                scale=alt.Scale(domain=roles, range=PALETTE[1 : len(roles) + 1]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            order=alt.Order("role_order:Q"),
            tooltip=[
                alt.Tooltip("date:T", title="Month", format="%b %Y"),
                alt.Tooltip("role:N", title="Role"),
                alt.Tooltip("headcount_mean:Q", title="Expected people", format=".1f"),
            ],
        )
        .transform_calculate(role_order=f"indexof({roles!r}, datum.role)")
        .properties(width=WIDTH, height=HEIGHT)
    )
    return titled(  # type: ignore[return-value]
        chart,
        "Expected headcount",
        "Mean people present per month (attrition, backfill gaps and hires included)",
    )


def cumulative_chart(monthly: pd.DataFrame, role: str = TOTAL) -> alt.LayerChart:
    """Cumulative capacity (P10–P90 band, P50) against cumulative demand, in FTE-months.

    Examples
    --------
    >>> df = pd.DataFrame({"role": "Total", "month": ["2027-01"], "cum_capacity_p10": [1.0],
    ...     "cum_capacity_p50": [2.0], "cum_capacity_p90": [3.0], "cum_demand": [2.0]})
    >>> isinstance(cumulative_chart(df), alt.LayerChart)
    True
    """
    data = _with_dates(monthly[monthly["role"] == role])
    band = (
        alt.Chart(data)
        .mark_area(opacity=0.3, color=PALETTE[5])
        .encode(
            x=alt.X("date:T", axis=_MONTH_AXIS),
            y=alt.Y("cum_capacity_p10:Q", title="Cumulative FTE-months"),
            y2="cum_capacity_p90:Q",
        )
    )
    mid = (
        alt.Chart(data)
        .mark_line(color=PALETTE[0], strokeWidth=2.5)
        .encode(
            x="date:T",
            y="cum_capacity_p50:Q",
            tooltip=[
                alt.Tooltip("date:T", title="Month", format="%b %Y"),
                alt.Tooltip("cum_capacity_p50:Q", title="Capacity P50", format=".0f"),
                alt.Tooltip("cum_demand:Q", title="Demand", format=".0f"),
            ],
        )
    )
    dem = (
        alt.Chart(data)
        .mark_line(color="#000000", strokeDash=[6, 3])
        .encode(x="date:T", y="cum_demand:Q")
    )
    chart = alt.LayerChart(layer=[band, mid, dem]).properties(width=WIDTH, height=HEIGHT)
    return titled(  # type: ignore[return-value]
        chart,
        f"{role}: cumulative capacity vs cumulative demand",
        "Band P10–P90, line P50, dashed: demand (FTE-months delivered so far)",
    )


def plan_comparison_chart(
    comparison_monthly: pd.DataFrame, *, confidence: float | None = None
) -> alt.LayerChart:
    """Chance of meeting demand (every role) per month, one line per plan.

    Examples
    --------
    >>> df = pd.DataFrame({"plan": ["A", "B"], "month": ["2027-01", "2027-01"],
    ...     "prob_meets_demand": [0.5, 0.7]})
    >>> isinstance(plan_comparison_chart(df, confidence=0.8), alt.LayerChart)
    True
    """
    data = _with_dates(comparison_monthly)
    plans = list(dict.fromkeys(data["plan"]))
    lines = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=20), strokeWidth=2.5)
        .encode(
            x=alt.X("date:T", axis=_MONTH_AXIS),
            y=alt.Y(
                "prob_meets_demand:Q",
                title="Chance every role meets demand",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "plan:N",
                sort=plans,
                scale=alt.Scale(domain=plans, range=PALETTE[: len(plans)]),
                legend=alt.Legend(title=None, orient="top", labelLimit=320),
            ),
            tooltip=[
                alt.Tooltip("date:T", title="Month", format="%b %Y"),
                alt.Tooltip("plan:N", title="Plan"),
                alt.Tooltip("prob_meets_demand:Q", title="Chance", format=".0%"),
            ],
        )
    )
    layers: list[alt.Chart] = [lines]
    if confidence is not None:
        rule = pd.DataFrame({"y": [confidence]})
        layers.append(
            alt.Chart(rule).mark_rule(strokeDash=[6, 3], color=PALETTE[3]).encode(y="y:Q")
        )
    chart = alt.LayerChart(layer=layers).properties(width=WIDTH, height=HEIGHT)
    return titled(  # type: ignore[return-value]
        chart,
        "Plans compared on the same random draws",
        "Differences between lines are due to the plans, not to sampling noise",
    )
