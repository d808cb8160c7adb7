"""Delivery forecast page (AppTest): sample on first visit, headline = engine, located errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tpm_models.calendar import WorkCalendar
from tpm_models.delivery_forecast import (
    Backlog,
    BacklogRisk,
    ForecastInputs,
    period_samples,
    read_jira_csv,
    simulate_forecast,
)
from tpm_models.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "app_pages" / "delivery_forecast.py")
SAMPLE = ROOT / "sample_data" / "forecast" / "jira-export.csv"


def _fmt(d: dt.date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def _texts(at: AppTest) -> str:
    return "\n".join(
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    )


def _engine(
    period: str,
    low: int,
    high: int,
    iterations: int,
    seed: int,
    holidays: tuple[dt.date, ...] = (),
) -> tuple[str, str]:
    history = read_jira_csv(SAMPLE).history()
    calendar = WorkCalendar(holidays=holidays)
    start = history.last_date + dt.timedelta(days=1)
    target = start + dt.timedelta(days=55)
    res = simulate_forecast(
        ForecastInputs(
            throughput_per_period=period_samples(history, period, calendar),  # type: ignore[arg-type]
            period=period,  # type: ignore[arg-type]
            start_date=start,
            calendar=calendar,
            backlog=Backlog(low_items=low, high_items=high),
            target_date=target,
        ),
        iterations=iterations,
        rng=seed,
    )
    return (
        f"85% likely by {_fmt(res.when_date(85))}",
        f"85% likely at least {res.how_many_at(85)} items by {_fmt(target)}",
    )


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.run()
    assert not app.exception
    return app


def test_sample_loads_on_first_visit_and_headline_matches_the_engine(at: AppTest) -> None:
    text = _texts(at)
    assert "Sample data" in text
    assert "328 issues, 290 resolved; 38 unresolved skipped" in text
    when, many = _engine("day", 120, 120, 10_000, 1)
    headlines = [m.value for m in at.markdown if m.value.startswith("####")]
    assert headlines == [f"#### {when}", f"#### {many}"]
    assert "P95 count is smaller than the P50 count" in text


def test_changed_inputs_rerun_and_still_match_the_engine(at: AppTest) -> None:
    at.radio(key="fc_period").set_value("week")
    at.number_input(key="fc_backlog_low").set_value(80)
    at.number_input(key="fc_backlog_high").set_value(150)
    at.number_input(key="fc_seed").set_value(7)
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception
    when, many = _engine("week", 80, 150, 10_000, 7)
    headlines = [m.value for m in at.markdown if m.value.startswith("####")]
    assert headlines == [f"#### {when}", f"#### {many}"]
    assert "weeks" in _texts(at)


def test_bad_upload_shows_located_errors_and_keeps_other_inputs(at: AppTest) -> None:
    at.number_input(key="fc_backlog_low").set_value(77)
    at.button[0].click()
    at.run()
    bad = b"Issue key,Issue Type,Status,Created,Resolved\nA-1,Bug,Done,,13/Jun/25 6:20 AM\n"
    bad += b"A-2,Bug,Done,,not a date\nA-3,Bug,Done,yesterday,\n"
    at.file_uploader(key="fc_upload").set_value(("broken.csv", bad, "text/csv"))
    at.run()
    assert not at.exception
    errors = "\n".join(e.value for e in at.error)
    assert "broken.csv:3:Resolved" in errors.replace("\\", "")
    assert "broken.csv:4:Created" in errors.replace("\\", "")
    assert at.number_input(key="fc_backlog_low").value == 77
    assert not [m for m in at.markdown if m.value.startswith("####")]
    # a good upload afterwards runs with the kept backlog
    at.file_uploader(key="fc_upload").set_value(("ok.csv", SAMPLE.read_bytes(), "text/csv"))
    at.run()
    assert not at.exception
    assert not at.error
    assert "Your file" in _texts(at)
    assert at.number_input(key="fc_backlog_low").value == 77


def test_inconsistent_inputs_are_reported_not_crashed(at: AppTest) -> None:
    at.number_input(key="fc_backlog_low").set_value(200)
    at.number_input(key="fc_backlog_high").set_value(100)
    at.button[0].click()
    at.run()
    assert not at.exception
    assert "the high count must not be below the low count" in "\n".join(e.value for e in at.error)


def test_issue_type_filter_changes_the_history(at: AppTest) -> None:
    types = next(m for m in at.multiselect if m.label == "Issue types to count as throughput")
    types.set_value(["Bug"])
    at.button[0].click()
    at.run()
    assert not at.exception
    history = read_jira_csv(SAMPLE).filter(issue_types=["Bug"]).history()
    assert f"{history.total_items} items" in _texts(at)


def test_holidays_typed_in_the_form_are_skipped(at: AppTest) -> None:
    at.text_area(key="fc_holidays").set_value("2026-11-26 Thanksgiving\n2026-12-25\n2027-01-01")
    at.button[0].click()
    at.run()
    assert not at.exception
    hol = (dt.date(2026, 11, 26), dt.date(2026, 12, 25), dt.date(2027, 1, 1))
    when, many = _engine("day", 120, 120, 10_000, 1, hol)
    headlines = [m.value for m in at.markdown if m.value.startswith("####")]
    assert headlines == [f"#### {when}", f"#### {many}"]
    at.text_area(key="fc_holidays").set_value("2026-12-25\nChristmas")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert "Holidays:2" in "\n".join(e.value for e in at.error).replace("\\", "")


def test_risk_rows_become_risks_with_located_problems() -> None:
    from ui.forecast import risks_from_rows

    rows = [
        {"name": "Rework", "probability": 30.0, "low_items": 4, "high_items": 8},
        {"name": None, "probability": None, "low_items": None, "high_items": None},
    ]
    assert risks_from_rows(rows) == (
        BacklogRisk(name="Rework", probability=0.3, low_items=4, high_items=8),
    )
    with pytest.raises(InputError) as info:
        risks_from_rows([{"name": "x", "probability": 130.0, "low_items": 5, "high_items": 1}])
    located = {(p.source, p.row, p.column) for p in info.value.problems}
    assert ("Risks", 1, "probability %") in located


def test_history_window_choice_narrows_the_history(at: AppTest) -> None:
    at.selectbox(key="fc_window").set_value("Last 90 days")
    at.button[0].click()
    at.run()
    assert not at.exception
    text = _texts(at)
    # the sample ends Fri 13 Nov 2026; 90 calendar days back starts Sun 16 Aug 2026
    assert "Window: Sun 16 Aug 2026 – Fri 13 Nov 2026" in text


def test_date_completed_upload_gives_the_same_answer_as_the_export(at: AppTest) -> None:
    before = [m.value for m in at.markdown if m.value.startswith("####")]
    table = SAMPLE.with_name("throughput.csv").read_bytes()
    at.file_uploader(key="fc_upload").set_value(("throughput.csv", table, "text/csv"))
    at.run()
    assert not at.exception
    assert "items in a date,completed table" in _texts(at)
    assert not [m for m in at.multiselect if m.label.startswith("Issue types")]
    # the same history and seed give the same answers
    after = [m.value for m in at.markdown if m.value.startswith("####")]
    assert after == before
