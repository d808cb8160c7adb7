"""Schedule-risk charts, built from the small tidy frames a ``ScheduleResult`` returns.

Every builder takes a pre-aggregated frame (a histogram, an S-curve, the task or risk table),
never raw trials, so what reaches the browser is a few hundred rows at most. Dates are used on
the x axis whenever the frame carries date columns (the run had a start date); otherwise the
axis is in working days from the start.

Builders
--------
:func:`finish_histogram`
    How likely each finish date is, with P50/P80/deadline rules labelled.
:func:`s_curve`
    Cumulative probability of finishing on or before each date, P50/P80/P90 points labelled,
    the deadline marked; several curves (before/after a what-if) on one chart.
:func:`sensitivity_tornado`
    Spearman ρ of each task's duration with the project finish (top N).
:func:`risk_contributions`
    Mean working days each risk adds to the finish, ranked.
:func:`criticality_bar`
    Share of trials in which each task is on the critical path (top N).
:func:`probabilistic_gantt`
    Each task's P10–P90 finish as a bar, P50 ticked and the plan (CPM) dotted, in network order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Literal, cast

import altair as alt
import pandas as pd

from tpm_models.charts.style import PALETTE, RULE_COLOURS, titled

__all__ = [
    "criticality_bar",
    "finish_histogram",
    "probabilistic_gantt",
    "risk_contributions",
    "s_curve",
    "sensitivity_tornado",
    "task_labels",
]

#: Date format of axis labels and tooltips (d3-time-format), e.g. "14 Mar 2027".
DATE_FORMAT = "%-d %b %Y"
DATE_AXIS_TITLE = "Finish date"
DAYS_AXIS_TITLE = "Finish (working days from start)"
#: Pixels per bar row in the horizontal bar charts (keeps long lists readable, short ones small).
ROW_PX = 22
#: Longest task/risk label shown on an axis; the full name stays in the tooltip.
LABEL_CHARS = 38

Marker = tuple[str, object]


# --- helpers ------------------------------------------------------------------------------------
def _timestamp(value: object) -> object:
    """Dates as pandas Timestamps (Vega-Lite reads them as local dates); numbers unchanged."""
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    return value


def _as_datetime(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def task_labels(frame: pd.DataFrame, limit: int = LABEL_CHARS) -> pd.Series:
    """Readable, unique axis labels for a task or risk table: the name (shortened), or the id
    when there is no name; a repeated name gets its id appended so bars never merge.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["A", "B", "C"], "name": ["Design", "", "Design"]})
    >>> task_labels(df).tolist()
    ['Design (A)', 'B', 'Design (C)']
    """
    ids = frame["id"].astype(str)
    names = frame["name"].fillna("").astype(str) if "name" in frame else ids
    base = [_short(n, limit) if n.strip() else i for i, n in zip(ids, names, strict=True)]
    counts = pd.Series(base).value_counts()
    out = [
        f"{_short(b, limit - len(i) - 3)} ({i})" if counts[b] > 1 else b
        for b, i in zip(base, ids, strict=True)
    ]
    return pd.Series(out, index=frame.index)


def _marker_frame(markers: Sequence[Marker], temporal: bool) -> pd.DataFrame:
    rows = []
    for k, (label, x) in enumerate(markers):
        key = label.split(" ")[0]
        xv = _timestamp(x)
        if temporal and isinstance(xv, pd.Timestamp):
            text = f"{label} · {xv.day} {xv.strftime('%b')}"
        elif isinstance(xv, float | int):
            text = f"{label} · day {float(xv):.0f}"
        else:
            text = label
        rows.append(
            {
                "label": label,
                "x": xv,
                "text": text,
                "colour": RULE_COLOURS.get(key, "#555555"),
                # stagger the labels so markers close together never overprint each other
                "label_y": 6 + 15 * k,
            }
        )
    return pd.DataFrame(rows, columns=["label", "x", "text", "colour", "label_y"])


def _rules(
    markers: Sequence[Marker], temporal: bool, *, at_y: float | None = None
) -> list[alt.Chart]:
    """Dashed vertical rules with staggered, coloured labels at the top of the plot, or at the
    data height ``at_y`` (e.g. low on a rising S-curve, where the plot is empty)."""
    if not markers:
        return []
    df = _marker_frame(markers, temporal)
    t = "T" if temporal else "Q"
    base = alt.Chart(df)
    tooltip_x = (
        alt.Tooltip("x:T", title="Date", format=DATE_FORMAT)
        if temporal
        else alt.Tooltip("x:Q", title="Working days", format=".1f")
    )
    rules = base.mark_rule(strokeDash=[6, 3], strokeWidth=2).encode(
        x=alt.X(f"x:{t}"),
        color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("label:N", title="Marker"), tooltip_x],
    )
    # one text layer per marker, staggered down from the top so close markers stay readable
    texts = [
        alt.Chart(df.iloc[[k]])
        .mark_text(
            align="left",
            dx=4,
            baseline="top" if at_y is None else "bottom",
            fontWeight="bold",
            fontSize=11,
        )
        .encode(
            x=alt.X(f"x:{t}"),
            y=alt.value(int(df["label_y"].iloc[k])) if at_y is None else alt.datum(at_y),
            text="text:N",
            color=alt.Color("colour:N", scale=None),
        )
        for k in range(len(df))
    ]
    return [rules, *texts]


def _x_fields(frame: pd.DataFrame, date_col: str, days_col: str) -> tuple[bool, str]:
    """(temporal?, field) — dates when the frame has them, else working days."""
    if date_col in frame.columns and frame[date_col].notna().all():
        return True, date_col
    return False, days_col


def _layered(layers: Sequence[alt.Chart], *, height: int) -> alt.LayerChart:
    return alt.LayerChart(layer=list(layers), width="container", height=height)


def _titled(chart: alt.LayerChart, title: str, subtitle: str | None) -> alt.LayerChart:
    return cast(alt.LayerChart, titled(chart, title, subtitle))


# --- histogram ----------------------------------------------------------------------------------
def finish_histogram(
    hist: pd.DataFrame,
    *,
    markers: Sequence[Marker] = (),
    title: str = "When will the project finish?",
    subtitle: str | None = None,
    height: int = 340,
) -> alt.LayerChart:
    """Bars of the share of trials finishing in each bin (or on each date), with labelled rules.

    Parameters
    ----------
    hist : DataFrame
        ``bin_start_days, bin_end_days, probability`` (probability in 0..1), plus
        ``bin_start_date, bin_end_date`` when dates are known (a bin covers
        ``[bin_start_date, bin_end_date)``).
    markers : sequence of (label, x)
        E.g. ``[("P50", date), ("P80", date), ("Deadline", date)]``; x is a date or a day count
        matching the axis.

    Examples
    --------
    >>> h = pd.DataFrame({"bin_start_days": [0.0, 1.0], "bin_end_days": [1.0, 2.0],
    ...                   "count": [3, 1], "probability": [0.75, 0.25]})
    >>> spec = finish_histogram(h, markers=[("P50", 0.7)]).to_dict()
    >>> spec["title"]["text"]
    'When will the project finish?'
    """
    temporal, start = _x_fields(hist, "bin_start_date", "bin_start_days")
    end = "bin_end_date" if temporal else "bin_end_days"
    cols = [start, end, "probability"] + (["count"] if "count" in hist else [])
    df = hist[cols].copy()
    df["percent"] = 100.0 * df["probability"].astype(float)
    if temporal:
        df[start] = _as_datetime(df[start])
        df[end] = _as_datetime(df[end])
        x = alt.X(
            f"{start}:T",
            title=DATE_AXIS_TITLE,
            axis=alt.Axis(format=DATE_FORMAT, labelAngle=0, labelOverlap=True, tickCount=8),
        )
        x2 = alt.X2(f"{end}:T")
        tip = [
            alt.Tooltip(f"{start}:T", title="From", format=DATE_FORMAT),
            alt.Tooltip(f"{end}:T", title="Before", format=DATE_FORMAT),
        ]
    else:
        x = alt.X(f"{start}:Q", title=DAYS_AXIS_TITLE, axis=alt.Axis(labelOverlap=True))
        x2 = alt.X2(f"{end}:Q")
        tip = [
            alt.Tooltip(f"{start}:Q", title="From day", format=".1f"),
            alt.Tooltip(f"{end}:Q", title="To day", format=".1f"),
        ]
    tip.append(alt.Tooltip("percent:Q", title="Share of trials (%)", format=".1f"))
    top_pct = max(float(df["percent"].max()) if len(df) else 1.0, 1e-9)
    if "count" in df:
        tip.append(alt.Tooltip("count:Q", title="Trials", format=","))
    bars = (
        alt.Chart(df)
        .mark_bar(color=PALETTE[5], stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            x2=x2,
            y=alt.Y(
                "percent:Q",
                title="Share of trials (%)",
                # head-room above the tallest bar for the staggered marker labels
                scale=alt.Scale(domain=[0, top_pct * (1.1 + 0.12 * len(markers))], nice=False),
            ),
            y2=alt.datum(0),
            tooltip=tip,
        )
    )
    chart = _layered([bars, *_rules(markers, temporal)], height=height)
    return _titled(chart, title, subtitle)


# --- S-curve ------------------------------------------------------------------------------------
def s_curve(
    curves: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    points: Sequence[Marker] = (),
    label_right: Sequence[str] = (),
    deadline: object | None = None,
    title: str = "How likely is each finish date?",
    subtitle: str | None = None,
    height: int = 360,
) -> alt.LayerChart:
    """Cumulative probability of finishing on or before each date (one line per scenario).

    Parameters
    ----------
    curves : DataFrame or mapping name -> DataFrame
        ``finish_days, cumulative_probability`` (0..1) plus ``finish_date`` when dates are
        known. A mapping draws one coloured line per entry (e.g. ``{"Before": a, "After": b}``).
    points : sequence of (label, x)
        Labelled points on the first curve, e.g. ``[("P50", date), ("P80", date)]``; their
        heights are the percentile in the label's first word (``P80 after`` sits at 80 %).
        Labels go left of their point, or right (and lower) for the labels in
        ``label_right`` (e.g. the "before" point of a before/after pair).
    deadline : date or float, optional
        A vertical rule labelled "Deadline".

    Examples
    --------
    >>> c = pd.DataFrame({"finish_days": [1.0, 2.0, 3.0],
    ...                   "cumulative_probability": [0.1, 0.6, 1.0]})
    >>> spec = s_curve(c, points=[("P50", 2.0)]).to_dict()
    >>> spec["layer"][0]["encoding"]["y"]["title"]
    'Probability of finishing on or before (%)'
    """
    named = {"Simulation": curves} if isinstance(curves, pd.DataFrame) else dict(curves)
    first = next(iter(named.values()))
    temporal, xfield = _x_fields(first, "finish_date", "finish_days")
    frames = []
    for name, frame in named.items():
        f = frame[[xfield, "cumulative_probability"]].copy()
        f["scenario"] = name
        frames.append(f)
    df = pd.concat(frames, ignore_index=True)
    df["percent"] = 100.0 * df["cumulative_probability"].astype(float)
    df = df.rename(columns={xfield: "x"})
    if temporal:
        df["x"] = _as_datetime(df["x"])
        x = alt.X(
            "x:T",
            title=DATE_AXIS_TITLE,
            axis=alt.Axis(format=DATE_FORMAT, labelAngle=0, labelOverlap=True, tickCount=8),
        )
        tip_x = alt.Tooltip("x:T", title="Finish on or before", format=DATE_FORMAT)
    else:
        x = alt.X("x:Q", title=DAYS_AXIS_TITLE)
        tip_x = alt.Tooltip("x:Q", title="Working days", format=".1f")
    y = alt.Y(
        "percent:Q",
        title="Probability of finishing on or before (%)",
        scale=alt.Scale(domain=[0, 100]),
        axis=alt.Axis(values=[0, 20, 40, 60, 80, 100]),
    )
    multi = len(named) > 1
    colour = (
        alt.Color(
            "scenario:N",
            title=None,
            sort=list(named),
            scale=alt.Scale(domain=list(named), range=PALETTE[: len(named)]),
            legend=alt.Legend(orient="bottom-right", direction="vertical"),
        )
        if multi
        else alt.value(PALETTE[0])
    )
    tip = [tip_x, alt.Tooltip("percent:Q", title="Probability (%)", format=".1f")]
    if multi:
        tip.insert(0, alt.Tooltip("scenario:N", title="Scenario"))
    line = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5, interpolate="step-after" if temporal else "linear")
        .encode(x=x, y=y, color=colour, tooltip=tip)
    )
    layers: list[alt.Chart] = [line]
    if points:
        pts = pd.DataFrame(
            {
                "label": [p[0] for p in points],
                "x": [_timestamp(p[1]) for p in points],
                # "P80" or "P80 after": the height is the percentile in the first word
                "percent": [float(p[0].split(" ")[0].lstrip("P")) for p in points],
                "right": [p[0] in label_right for p in points],
            }
        )
        if temporal:
            pts["x"] = _as_datetime(pts["x"])
            pts["text"] = [
                f"{lab} · {ts.day} {ts.strftime('%b')}"
                for lab, ts in zip(pts["label"], pts["x"], strict=True)
            ]
        else:
            pts["text"] = [
                f"{lab} · day {v:.0f}" for lab, v in zip(pts["label"], pts["x"], strict=True)
            ]
        t = "T" if temporal else "Q"
        pbase = alt.Chart(pts)
        layers.append(
            pbase.mark_point(filled=True, size=70, color="#000000").encode(
                x=f"x:{t}",
                y="percent:Q",
                tooltip=[
                    alt.Tooltip("label:N", title="Percentile"),
                    alt.Tooltip(
                        f"x:{t}", title="Finish", format=DATE_FORMAT if temporal else ".1f"
                    ),
                ],
            )
        )
        left, right = pts.loc[~pts["right"]], pts.loc[pts["right"]]
        sides: tuple[tuple[Literal["left", "right"], pd.DataFrame], ...] = (
            ("right", left),
            ("left", right),
        )
        for side, frame in sides:
            if len(frame):
                layers.append(
                    alt.Chart(frame)
                    .mark_text(
                        align=side,
                        dx=-8 if side == "right" else 8,
                        dy=-2 if side == "right" else 10,
                        fontWeight="bold",
                        fontSize=11,
                    )
                    .encode(x=f"x:{t}", y="percent:Q", text="text:N")
                )
    if deadline is not None:
        layers.extend(_rules([("Deadline", deadline)], temporal, at_y=4.0))
    chart = _layered(layers, height=height)
    return _titled(chart, title, subtitle)


# --- horizontal bar charts ----------------------------------------------------------------------
def _json_safe(tasks: pd.DataFrame) -> pd.DataFrame:
    """``*_date`` columns as datetimes: ``task_table()`` holds ``datetime.date`` objects, which
    Altair cannot serialise outside Streamlit (notebooks, HTML reports)."""
    out = tasks.copy()
    for col in out.columns:
        if str(col).endswith("_date"):
            out[col] = _as_datetime(out[col])
    return out


def _without_fixed(tasks: pd.DataFrame) -> pd.DataFrame:
    """Tasks whose duration can vary (a ``fixed_duration`` column marks milestones and other
    fixed tasks, which are trivially critical and have no sensitivity)."""
    tasks = _json_safe(tasks)
    if "fixed_duration" in tasks:
        return tasks.loc[~tasks["fixed_duration"].astype(bool)].copy()
    return tasks


def _bar_height(n: int) -> int:
    # Streamlit fits title and axes inside the height, so add room for them
    return max(180, ROW_PX * n + 120)


def sensitivity_tornado(
    tasks: pd.DataFrame,
    *,
    top: int = 12,
    title: str = "Which task durations drive the finish?",
    subtitle: str | None = None,
) -> alt.LayerChart:
    """Tornado of Spearman ρ between each task's duration and the project finish (top by |ρ|).

    Parameters
    ----------
    tasks : DataFrame
        The result's task table: ``id, name, sensitivity`` (others used for tooltips). Rows
        with a true ``fixed_duration`` (milestones) are left out.

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["A", "B"], "name": ["Build", "Test"], "sensitivity": [0.8, 0.1]})
    >>> sensitivity_tornado(t).to_dict()["layer"][0]["encoding"]["x"]["title"]
    'Spearman ρ with the finish'
    """
    df = _without_fixed(tasks)
    df["label"] = task_labels(df)
    df["abs"] = df["sensitivity"].abs()
    df = df.sort_values("abs", ascending=False, kind="stable").head(top)
    df["direction"] = df["sensitivity"].map(
        lambda v: "longer task → later finish" if v >= 0 else "longer task → earlier finish"
    )
    lo = min(0.0, float(df["sensitivity"].min()) if len(df) else 0.0)
    hi = max(0.0, float(df["sensitivity"].max()) if len(df) else 0.0)
    domain = [min(lo, -0.05) if lo < 0 else 0.0, max(hi * 1.15, 0.1)]
    order = df["label"].tolist()
    tip = [alt.Tooltip("id:N", title="Task id"), alt.Tooltip("name:N", title="Task")]
    tip.append(alt.Tooltip("sensitivity:Q", title="Spearman ρ", format=".2f"))
    for col, name, fmt in (
        ("criticality", "Criticality", ".0%"),
        ("cruciality", "Cruciality", ".2f"),
    ):
        if col in df:
            tip.append(alt.Tooltip(f"{col}:Q", title=name, format=fmt))
    base = alt.Chart(df).encode(
        y=alt.Y(
            "label:N", sort=order, title=None, axis=alt.Axis(labelLimit=240, labelOverlap=False)
        ),
    )
    bars = base.mark_bar().encode(
        x=alt.X(
            "sensitivity:Q", title="Spearman ρ with the finish", scale=alt.Scale(domain=domain)
        ),
        color=alt.Color(
            "direction:N",
            title=None,
            scale=alt.Scale(
                domain=["longer task → later finish", "longer task → earlier finish"],
                range=[PALETTE[3], PALETTE[0]],
            ),
            legend=None,
        ),
        tooltip=tip,
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(
        x="sensitivity:Q", text=alt.Text("sensitivity:Q", format=".2f")
    )
    chart = _layered([bars, text], height=_bar_height(len(df)))
    sub = subtitle or (f"Top {len(df)} tasks by rank correlation of duration with the finish")
    return _titled(chart, title, sub)


def risk_contributions(
    risks: pd.DataFrame,
    *,
    top: int = 15,
    title: str = "Which risks push the finish out?",
    subtitle: str | None = None,
) -> alt.LayerChart:
    """Ranked bars of the mean working days each risk adds to the project finish.

    Parameters
    ----------
    risks : DataFrame
        The result's risk table: ``id, name, probability, occurrence, mean_delay_days``.

    Examples
    --------
    >>> r = pd.DataFrame({"id": ["R1"], "name": ["Vendor late"], "probability": [0.3],
    ...                   "occurrence": [0.31], "mean_delay_days": [2.5]})
    >>> risk_contributions(r).to_dict()["layer"][0]["encoding"]["x"]["title"]
    'Working days added to the finish (mean)'
    """
    df = risks.copy()
    df["label"] = task_labels(df)
    df = df.sort_values("mean_delay_days", ascending=False, kind="stable").head(top)
    order = df["label"].tolist()
    tip = [alt.Tooltip("id:N", title="Risk id"), alt.Tooltip("name:N", title="Risk")]
    for col, name, fmt in (
        ("probability", "Probability (input)", ".0%"),
        ("occurrence", "Occurred in trials", ".1%"),
        ("mean_delay_days", "Mean days added", ".1f"),
    ):
        if col in df:
            tip.append(alt.Tooltip(f"{col}:Q", title=name, format=fmt))
    base = alt.Chart(df).encode(
        y=alt.Y(
            "label:N", sort=order, title=None, axis=alt.Axis(labelLimit=240, labelOverlap=False)
        )
    )
    hi = float(df["mean_delay_days"].max()) if len(df) else 1.0
    bars = base.mark_bar(color=PALETTE[1]).encode(
        x=alt.X(
            "mean_delay_days:Q",
            title="Working days added to the finish (mean)",
            scale=alt.Scale(domain=[0, max(hi * 1.15, 0.5)]),
        ),
        tooltip=tip,
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(
        x="mean_delay_days:Q", text=alt.Text("mean_delay_days:Q", format=".1f")
    )
    chart = _layered([bars, text], height=_bar_height(len(df)))
    sub = subtitle or "Mean delay each risk adds to the project finish, over all trials"
    return _titled(chart, title, sub)


def criticality_bar(
    tasks: pd.DataFrame,
    *,
    top: int = 15,
    title: str = "Which tasks are most often critical?",
    subtitle: str | None = None,
) -> alt.LayerChart:
    """Criticality index (share of trials on the critical path, %) of the top tasks.

    Parameters
    ----------
    tasks : DataFrame
        The result's task table: ``id, name, criticality`` (0..1). Rows with a true
        ``fixed_duration`` (milestones, always critical when on the path) are left out.

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["A", "B"], "name": ["Build", "Test"], "criticality": [1.0, 0.4]})
    >>> criticality_bar(t).to_dict()["layer"][0]["encoding"]["x"]["title"]
    'On the critical path (% of trials)'
    """
    df = _without_fixed(tasks)
    df["label"] = task_labels(df)
    df["percent"] = 100.0 * df["criticality"].astype(float)
    df = df.sort_values("percent", ascending=False, kind="stable").head(top)
    order = df["label"].tolist()
    base = alt.Chart(df).encode(
        y=alt.Y(
            "label:N", sort=order, title=None, axis=alt.Axis(labelLimit=240, labelOverlap=False)
        )
    )
    bars = base.mark_bar(color=PALETTE[3]).encode(
        x=alt.X(
            "percent:Q",
            title="On the critical path (% of trials)",
            scale=alt.Scale(domain=[0, 112]),
            axis=alt.Axis(values=[0, 20, 40, 60, 80, 100]),
        ),
        tooltip=[
            alt.Tooltip("id:N", title="Task id"),
            alt.Tooltip("name:N", title="Task"),
            alt.Tooltip("percent:Q", title="Critical in (% of trials)", format=".1f"),
        ],
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(
        x="percent:Q", text=alt.Text("percent:Q", format=".0f")
    )
    chart = _layered([bars, text], height=_bar_height(len(df)))
    sub = subtitle or f"Top {len(df)} tasks; 100 = critical in every trial"
    return _titled(chart, title, sub)


# --- probabilistic Gantt ------------------------------------------------------------------------
def probabilistic_gantt(
    tasks: pd.DataFrame,
    *,
    max_tasks: int = 50,
    title: str = "When does each task finish?",
    subtitle: str | None = None,
) -> alt.LayerChart:
    """Each task's finish range (P10–P90 bar, P50 tick, plan dot), tasks in network order.

    Parameters
    ----------
    tasks : DataFrame
        The result's task table in network (topological) order with ``id, name,
        finish_p10, finish_p50, finish_p90, deterministic_finish_days`` (working days) and,
        when dates are known, ``finish_p10_date, finish_p50_date, finish_p90_date`` and
        optionally ``deterministic_finish_date``.
    max_tasks : int
        With more tasks than this, the ones most often critical are kept (still in network
        order) and the subtitle says so.

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["A", "B"], "name": ["Build", "Test"], "criticality": [1, 1],
    ...     "finish_p10": [4.0, 8.0], "finish_p50": [5.0, 10.0], "finish_p90": [7.0, 13.0],
    ...     "deterministic_finish_days": [5.0, 9.0]})
    >>> len(probabilistic_gantt(t).to_dict()["layer"])
    3
    """
    tasks = _json_safe(tasks)
    df = tasks.copy().reset_index(drop=True)
    df["order"] = range(len(df))
    n_all = len(df)
    if n_all > max_tasks:
        key = "criticality" if "criticality" in df else "finish_p90"
        keep = df.sort_values([key, "finish_p90"], ascending=False, kind="stable").head(max_tasks)
        df = df.loc[sorted(keep.index)]
    df["label"] = task_labels(df)
    temporal = all(
        c in df.columns and df[c].notna().all()
        for c in ("finish_p10_date", "finish_p50_date", "finish_p90_date")
    )
    if temporal:
        p10, p50, p90 = "finish_p10_date", "finish_p50_date", "finish_p90_date"
        for c in (p10, p50, p90):
            df[c] = _as_datetime(df[c])
        plan = "deterministic_finish_date" if "deterministic_finish_date" in df else None
        if plan:
            df[plan] = _as_datetime(df[plan])
        t, fmt, xtitle = "T", DATE_FORMAT, DATE_AXIS_TITLE
        axis = alt.Axis(format=DATE_FORMAT, labelAngle=0, labelOverlap=True, tickCount=8)
    else:
        p10, p50, p90 = "finish_p10", "finish_p50", "finish_p90"
        plan = "deterministic_finish_days" if "deterministic_finish_days" in df else None
        t, fmt, xtitle = "Q", ".1f", DAYS_AXIS_TITLE
        axis = alt.Axis(labelOverlap=True)
    order = df["label"].tolist()
    tip = [
        alt.Tooltip("id:N", title="Task id"),
        alt.Tooltip("name:N", title="Task"),
        alt.Tooltip(f"{p10}:{t}", title="P10 finish", format=fmt),
        alt.Tooltip(f"{p50}:{t}", title="P50 finish", format=fmt),
        alt.Tooltip(f"{p90}:{t}", title="P90 finish", format=fmt),
    ]
    if plan:
        tip.append(alt.Tooltip(f"{plan}:{t}", title="Plan (CPM) finish", format=fmt))
    if "criticality" in df:
        tip.append(alt.Tooltip("criticality:Q", title="Criticality", format=".0%"))
    y = alt.Y(
        "label:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=240, labelOverlap=False, labelFontSize=11),
    )
    base = alt.Chart(df).encode(y=y, tooltip=tip)
    bars = base.mark_bar(color=PALETTE[5], height=12, cornerRadius=2).encode(
        x=alt.X(f"{p10}:{t}", title=xtitle, axis=axis), x2=alt.X2(f"{p90}:{t}")
    )
    tick = base.mark_tick(color=PALETTE[0], thickness=3, size=16).encode(x=f"{p50}:{t}")
    layers: list[alt.Chart] = [bars, tick]
    if plan:
        layers.append(
            base.mark_point(shape="diamond", filled=True, size=45, color="#000000").encode(
                x=f"{plan}:{t}"
            )
        )
    chart = _layered(layers, height=max(220, 18 * len(df) + 130))
    shown = (
        f"{len(df)} of {n_all} tasks (most often critical), in network order"
        if n_all > len(df)
        else "Tasks in network order"
    )
    sub = subtitle or f"{shown}. Bar: P10–P90 finish · blue tick: P50 · ◆: plan (CPM)"
    return _titled(chart, title, sub)
