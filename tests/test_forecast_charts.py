"""Delivery forecast charts: titles, axis titles with units, labelled percentiles, small data."""

from __future__ import annotations

import datetime as dt
import json

from tpm_models.charts.forecast import (
    how_many_chart,
    how_many_fan_chart,
    throughput_histogram,
    throughput_run_chart,
    when_chart,
)
from tpm_models.delivery_forecast import (
    Backlog,
    DailyThroughput,
    ForecastInputs,
    period_samples,
    simulate_forecast,
)


def _result():  # type: ignore[no-untyped-def]
    inp = ForecastInputs(
        throughput_per_period=(0, 1, 2, 5, 3),
        period="day",
        start_date=dt.date(2027, 1, 4),
        backlog=Backlog(low_items=40),
        target_date=dt.date(2027, 1, 29),
    )
    return simulate_forecast(inp, iterations=2_000, rng=0)


def test_when_chart_has_titles_and_labelled_rules() -> None:
    res = _result()
    markers = [(f"P{lv}", res.when_date(lv)) for lv in (50, 85, 95)]
    spec = when_chart(res.when_table(), markers, deadline=dt.date(2027, 2, 5)).to_dict()
    text = json.dumps(spec)
    assert spec["title"]["text"].startswith("When will")
    assert "Likelihood done by the date" in text
    assert "Finish date" in text
    for label in ("P50", "P95", "Deadline"):
        assert label in text


def test_same_date_percentiles_share_one_label() -> None:
    res = _result()
    d = res.when_date(50)
    text = json.dumps(when_chart(res.when_table(), [("P85", d), ("P95", d)]).to_dict())
    assert "P85/P95" in text


def test_how_many_chart_and_history_charts() -> None:
    res = _result()
    markers = [(f"P{lv}", res.how_many_at(lv)) for lv in (50, 85, 95)]
    text = json.dumps(how_many_chart(res.how_many_table(), markers).to_dict())
    assert "Likelihood of at least n items" in text
    assert "Items finished by the target date" in text
    h = DailyThroughput.from_counts([dt.date(2027, 1, 4), dt.date(2027, 1, 20)], [2, 3])
    run = json.dumps(throughput_run_chart(h.per_period("day"), "day").to_dict())
    assert "Items finished per working day" in run
    assert "Dashed line: mean" in run
    hist = json.dumps(throughput_histogram(h.per_period("week"), "week").to_dict())
    assert "Number of weeks" in hist
    assert len(period_samples(h, "day")) == 13


def test_how_many_fan_chart() -> None:
    res = _result()
    spec = how_many_fan_chart(
        res.fan_frame(), target=dt.date(2027, 1, 29), backlog_items=40
    ).to_dict()
    text = json.dumps(spec)
    assert spec["title"]["text"] == "How many items by each date?"
    assert "Items finished (at least)" in text
    assert "Target" in text
    assert "Backlog 40" in text
