"""Schedule charts: titles, axis titles with units, the expected layers and small data.

The frames are shaped like ``ScheduleResult``'s tidy outputs (histogram, s_curve, task_table,
risk_table); a real engine run is checked as well when the engine is importable.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import pytest

from tpm_models.charts import schedule as charts

START = dt.date(2027, 1, 4)
MAX_ROWS = 500


def _dates(days: list[float]) -> list[pd.Timestamp]:
    return [pd.Timestamp(START) + pd.offsets.BDay(max(int(d) - 1, 0)) for d in days]


def _hist(dates: bool) -> pd.DataFrame:
    starts = [40.0 + i for i in range(30)]
    counts = [int(1000 * (1 - abs(i - 15) / 16)) for i in range(30)]
    df = pd.DataFrame(
        {
            "bin_start_days": starts,
            "bin_end_days": [s + 1 for s in starts],
            "count": counts,
            "probability": [c / sum(counts) for c in counts],
        }
    )
    if dates:
        df["bin_start_date"] = _dates(df["bin_start_days"].tolist())
        df["bin_end_date"] = [d + pd.Timedelta(days=1) for d in df["bin_start_date"]]
    return df


def _curve(dates: bool, shift: float = 0.0) -> pd.DataFrame:
    days = [40.0 + shift + 0.3 * i for i in range(101)]
    df = pd.DataFrame(
        {"finish_days": days, "cumulative_probability": [i / 100 for i in range(101)]}
    )
    if dates:
        df["finish_date"] = _dates(days)
    return df


def _tasks(n: int, dates: bool) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "id": [f"T{i}" for i in range(n)],
            "name": [f"Task number {i} with a fairly long descriptive name" for i in range(n)],
            "criticality": [((i * 37) % 100) / 100 for i in range(n)],
            "sensitivity": [((i * 53) % 200 - 40) / 200 for i in range(n)],
            "cruciality": [0.1] * n,
            "ssi": [0.2] * n,
            "finish_p10": [2.0 + i for i in range(n)],
            "finish_p50": [3.0 + i for i in range(n)],
            "finish_p80": [4.0 + i for i in range(n)],
            "finish_p90": [5.0 + i for i in range(n)],
            "deterministic_finish_days": [3.0 + i for i in range(n)],
            "total_float_days": [0.0] * n,
        }
    )
    if dates:
        for q in ("p10", "p50", "p80", "p90"):
            df[f"finish_{q}_date"] = _dates(df[f"finish_{q}"].tolist())
        df["deterministic_finish_date"] = _dates(df["deterministic_finish_days"].tolist())
    return df


def _risks(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"R{i}" for i in range(n)],
            "name": [f"Risk {i}" for i in range(n)],
            "probability": [0.1 + 0.05 * i for i in range(n)],
            "occurrence": [0.1 + 0.05 * i for i in range(n)],
            "mean_delay_days": [float(n - i) for i in range(n)],
        }
    )


def _walk(spec: Any) -> list[dict[str, Any]]:
    """Every (sub-)spec with an ``encoding`` in a chart dict."""
    out = []
    if isinstance(spec, dict):
        if "encoding" in spec:
            out.append(spec)
        for v in spec.values():
            out.extend(_walk(v))
    elif isinstance(spec, list):
        for v in spec:
            out.extend(_walk(v))
    return out


def _axis_titles(spec: dict[str, Any]) -> set[str]:
    titles = set()
    for sub in _walk(spec):
        for ch in ("x", "y"):
            enc = sub["encoding"].get(ch)
            if isinstance(enc, dict) and isinstance(enc.get("title"), str):
                titles.add(enc["title"])
    return titles


def _data_rows(spec: dict[str, Any]) -> int:
    return sum(len(v) for v in spec.get("datasets", {}).values())


def _check_common(chart: alt.TopLevelMixin, title: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()
    assert spec["title"]["text"], "every chart needs a title"
    if title:
        assert spec["title"]["text"] == title
    assert 0 < _data_rows(spec) <= MAX_ROWS
    json.dumps(spec)  # serialisable as sent to the browser
    return spec


@pytest.mark.parametrize("dates", [True, False])
def test_histogram_axes_rules_and_size(dates: bool) -> None:
    markers = [("P50", 50.0), ("P80", 55.0), ("Deadline", 52.0)]
    if dates:
        markers = [(lab, _dates([x])[0].date()) for lab, x in markers]
    spec = _check_common(charts.finish_histogram(_hist(dates), markers=markers))
    titles = _axis_titles(spec)
    assert "Share of trials (%)" in titles
    assert ("Finish date" if dates else "Finish (working days from start)") in titles
    # bars + one rule layer + a text label per marker
    assert len(spec["layer"]) == 2 + len(markers)
    texts = [
        r["text"]
        for d in spec["datasets"].values()
        for r in d
        if isinstance(r, dict) and "text" in r
    ]
    assert any(t.startswith("P50 · ") for t in texts)
    assert any(t.startswith("Deadline · ") for t in texts)
    x = spec["layer"][0]["encoding"]["x"]
    assert x["type"] == ("temporal" if dates else "quantitative")


def test_histogram_label_heights_are_staggered() -> None:
    spec = charts.finish_histogram(_hist(False), markers=[("P50", 50.0), ("P80", 50.5)]).to_dict()
    ys = [layer["encoding"]["y"]["value"] for layer in spec["layer"][2:]]
    assert len(set(ys)) == len(ys), "labels of close markers must not overprint"


@pytest.mark.parametrize("dates", [True, False])
def test_s_curve_points_deadline_and_units(dates: bool) -> None:
    pts = [("P50", 55.0), ("P80", 64.0), ("P90", 67.0)]
    deadline: object = 60.0
    if dates:
        pts = [(lab, _dates([x])[0].date()) for lab, x in pts]
        deadline = _dates([60.0])[0].date()
    spec = _check_common(charts.s_curve(_curve(dates), points=pts, deadline=deadline))
    assert "Probability of finishing on or before (%)" in _axis_titles(spec)
    assert ("Finish date" if dates else "Finish (working days from start)") in _axis_titles(spec)
    # line, points, point labels, deadline rule, deadline label
    assert len(spec["layer"]) == 5
    point_rows = [
        r for d in spec["datasets"].values() for r in d if "label" in r and "percent" in r
    ]
    assert sorted(r["percent"] for r in point_rows) == [50.0, 80.0, 90.0]


def test_s_curve_before_after_on_one_chart() -> None:
    spec = _check_common(
        charts.s_curve({"Before": _curve(True), "After mitigation": _curve(True, shift=-3.0)})
    )
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["field"] == "scenario"
    assert colour["scale"]["domain"] == ["Before", "After mitigation"]
    assert _data_rows(spec) == 202


def test_tornado_top_n_by_absolute_rho_with_labels() -> None:
    tasks = _tasks(40, True)
    spec = _check_common(charts.sensitivity_tornado(tasks, top=12))
    assert "Spearman ρ with the finish" in _axis_titles(spec)
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 12
    expected = tasks["sensitivity"].abs().sort_values(ascending=False).head(12)
    assert sorted(abs(r["sensitivity"]) for r in rows) == sorted(expected.tolist())
    assert all(len(r["label"]) <= charts.LABEL_CHARS for r in rows)
    sort = spec["layer"][0]["encoding"]["y"]["sort"]
    assert sort == [r["label"] for r in rows]


def test_risk_bar_ranked_in_days() -> None:
    spec = _check_common(charts.risk_contributions(_risks(8)))
    assert "Working days added to the finish (mean)" in _axis_titles(spec)
    rows = next(iter(spec["datasets"].values()))
    delays = [r["mean_delay_days"] for r in rows]
    assert delays == sorted(delays, reverse=True)


def test_criticality_top_n_percent() -> None:
    spec = _check_common(charts.criticality_bar(_tasks(40, False), top=15))
    assert "On the critical path (% of trials)" in _axis_titles(spec)
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 15
    assert max(r["percent"] for r in rows) <= 100


@pytest.mark.parametrize("dates", [True, False])
def test_gantt_network_order_and_layers(dates: bool) -> None:
    tasks = _tasks(10, dates)
    spec = _check_common(charts.probabilistic_gantt(tasks))
    assert len(spec["layer"]) == 3  # P10–P90 bar, P50 tick, plan diamond
    assert ("Finish date" if dates else "Finish (working days from start)") in _axis_titles(spec)
    y = spec["layer"][0]["encoding"]["y"]
    assert y["sort"] == charts.task_labels(tasks).tolist()


def test_gantt_keeps_most_critical_tasks_in_network_order() -> None:
    tasks = _tasks(100, True)
    spec = _check_common(charts.probabilistic_gantt(tasks, max_tasks=30))
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 30
    orders = [r["order"] for r in rows]
    assert orders == sorted(orders)
    assert "30 of 100 tasks" in spec["title"]["subtitle"]


def test_labels_unique_and_short() -> None:
    df = pd.DataFrame({"id": ["A", "B", "C"], "name": ["x" * 80, "x" * 80, ""]})
    labels = charts.task_labels(df).tolist()
    assert len(set(labels)) == 3
    assert labels[2] == "C"
    assert all(len(lab) <= charts.LABEL_CHARS for lab in labels)


def test_driver_charts_leave_out_fixed_duration_tasks() -> None:
    tasks = _tasks(10, True)
    tasks["fixed_duration"] = [i % 2 == 0 for i in range(10)]
    for chart in (charts.sensitivity_tornado(tasks), charts.criticality_bar(tasks)):
        rows = next(iter(chart.to_dict()["datasets"].values()))
        assert sorted(r["id"] for r in rows) == [f"T{i}" for i in range(1, 10, 2)]


def test_task_charts_serialise_a_real_task_table_with_dates() -> None:
    """Outside Streamlit (notebooks, reports) Altair must JSON-encode the task table's
    ``datetime.date`` columns; the builders convert them."""
    from tpm_models.schedule_risk import simulate_schedule
    from tpm_models.schedule_risk.readers import load_schedule

    sample = Path(__file__).resolve().parents[1] / "sample_data" / "schedule"
    inputs = load_schedule(
        sample / "tasks.csv", sample / "risks.csv", start_date=dt.date(2027, 1, 4)
    )
    tasks = simulate_schedule(inputs, iterations=500, rng=3).task_table()
    assert any(str(c).endswith("_date") for c in tasks.columns)
    for build in (charts.sensitivity_tornado, charts.criticality_bar, charts.probabilistic_gantt):
        json.dumps(build(tasks).to_dict())
