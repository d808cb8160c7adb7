"""The "forecast history" chart: how a scenario's headline moved across its saved runs."""

from __future__ import annotations

import altair as alt
import pandas as pd

from tpm_models.charts.style import PALETTE, titled

__all__ = ["history_chart", "run_labels"]

_Y_TITLES = {
    "date": "Date",
    "working days": "Working days from the start",
    "items": "Items",
    "probability": "Chance",
}


def run_labels(history: pd.DataFrame) -> pd.Series:
    """``"#2 · 29 Nov 09:00"`` per row: run number and when it was saved (UTC)."""
    saved = pd.to_datetime(history["saved"], utc=True)
    return "#" + history["run"].astype(str) + " · " + saved.dt.strftime("%d %b %H:%M")


def history_chart(
    history: pd.DataFrame,
    *,
    title: str = "How the forecast moved",
    subtitle: str | None = None,
    height: int = 320,
) -> alt.LayerChart:
    """Lines and labelled points of each headline series, one point per saved run.

    Parameters
    ----------
    history : DataFrame
        :func:`tpm_models.library.history_series` output: ``run, saved, series, unit, value,
        date`` (date-valued series fill ``date``; the others ``value``). One unit per chart.

    Examples
    --------
    >>> h = pd.DataFrame({"run": [1, 2], "saved": pd.to_datetime(["2027-01-04", "2027-01-11"]),
    ...     "series": ["P80 finish"] * 2, "unit": ["date"] * 2, "value": [float("nan")] * 2,
    ...     "date": pd.to_datetime(["2027-06-02", "2027-06-10"])})
    >>> history_chart(h).to_dict()["title"]["text"]
    'How the forecast moved'
    """
    df = history.copy()
    unit = str(df["unit"].iloc[0]) if len(df) else "value"
    is_date = unit == "date"
    df["run_label"] = run_labels(df) if len(df) else pd.Series(dtype=str)
    order = df.drop_duplicates("run").sort_values("run")["run_label"].tolist()
    x = alt.X("run_label:O", title="Saved run", sort=order, axis=alt.Axis(labelAngle=0))
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(range=PALETTE),
        legend=alt.Legend(orient="top", direction="horizontal", labelLimit=0),
    )
    if is_date:
        df["date"] = pd.to_datetime(df["date"])
        df["label"] = df["date"].dt.strftime("%d %b %Y")
        y = alt.Y(
            "date:T",
            title=_Y_TITLES["date"],
            scale=alt.Scale(padding=24),
            axis=alt.Axis(format="%d %b %Y"),
        )
        tip_value = alt.Tooltip("date:T", title="Value", format="%a %d %b %Y")
    else:
        if unit == "probability":
            df["label"] = (100 * df["value"]).round(0).astype(int).astype(str) + "%"
            axis = alt.Axis(format=".0%")
            tip_value = alt.Tooltip("value:Q", title="Value", format=".1%")
        else:
            df["label"] = df["value"].map(lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}")
            axis = alt.Axis(format=",.0f" if df["value"].abs().max() >= 100 else ",.1f")
            tip_value = alt.Tooltip("value:Q", title="Value", format=",.1f")
        y = alt.Y(
            "value:Q",
            title=_Y_TITLES.get(unit, unit),
            scale=alt.Scale(zero=False, padding=24),
            axis=axis,
        )
    tooltip = [
        alt.Tooltip("series:N", title="Figure"),
        alt.Tooltip("run_label:N", title="Run"),
        tip_value,
        alt.Tooltip("trials:Q", title="Trials", format=","),
        alt.Tooltip("seed:Q", title="Seed"),
    ]
    base = alt.Chart(df).encode(x=x, y=y, color=colour)
    lines = base.mark_line(strokeWidth=2.5).encode(order=alt.Order("run:Q"))
    points = base.mark_point(size=80, filled=True).encode(tooltip=tooltip)
    labels = base.mark_text(dy=-12, fontSize=11, fontWeight="bold").encode(text="label:N")
    chart = alt.LayerChart(layer=[lines, points, labels]).properties(
        width="container", height=height
    )
    n = int(df["run"].nunique()) if len(df) else 0
    sub = subtitle or f"{n} saved run{'s' if n != 1 else ''}; hover a point for its seed and trials"
    return titled(chart, title, sub)  # type: ignore[return-value]
