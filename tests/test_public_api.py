"""The public face of ``tpm_models`` (``import tpm_models as tpm``): names, loaders, HTML."""

from __future__ import annotations

import datetime as dt
import doctest
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tpm_models as tpm
from tpm_models import _repr, api

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"
SCHEDULE = SAMPLES / "schedule"
JIRA = SAMPLES / "forecast" / "jira-export.csv"
BVB = SAMPLES / "build_vs_buy" / "observability_platform.json"
CAPACITY = SAMPLES / "capacity" / "engineering_org.json"
SCRIPT = "<script>alert(1)</script>"


# --- names ----------------------------------------------------------------------------------
def test_all_is_sorted_unique_and_every_name_resolves() -> None:
    assert tpm.__all__ == sorted(set(tpm.__all__))
    for name in tpm.__all__:
        assert getattr(tpm, name) is not None, name
    assert set(tpm.__all__) <= set(dir(tpm))


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = tpm.nope  # type: ignore[attr-defined]


def test_names_are_the_engines_own_objects() -> None:
    from tpm_models.build_vs_buy import simulate
    from tpm_models.charts import schedule
    from tpm_models.schedule_risk import simulate_schedule

    assert tpm.simulate_schedule is simulate_schedule
    assert tpm.simulate_build_vs_buy is simulate
    assert tpm.schedule_charts is schedule


def test_import_is_lazy_engines_and_altair_load_on_first_use() -> None:
    code = (
        "import sys, json, tpm_models as tpm\n"
        "before = sorted(m for m in sys.modules if m.split('.')[0] in ('altair', 'streamlit')"
        " or m.startswith('tpm_models.schedule_risk'))\n"
        "tpm.schedule_charts\n"
        "print(json.dumps([before, 'altair' in sys.modules, 'streamlit' in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    before, altair_after, streamlit_after = json.loads(out.stdout.strip().splitlines()[-1])
    assert before == []
    assert altair_after is True
    assert streamlit_after is False


@pytest.mark.parametrize("module", [api, _repr], ids=lambda m: m.__name__)
def test_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0


# --- loaders --------------------------------------------------------------------------------
def test_load_schedule_from_dataframes_equals_from_files() -> None:
    files = tpm.load_schedule(
        SCHEDULE / "tasks.csv",
        SCHEDULE / "risks.csv",
        SCHEDULE / "correlations.csv",
        SCHEDULE / "holidays.csv",
        start_date="2027-01-04",
    )
    holidays = pd.read_csv(SCHEDULE / "holidays.csv")["date"].tolist()
    frames = tpm.load_schedule(
        pd.read_csv(SCHEDULE / "tasks.csv", keep_default_na=False),
        pd.read_csv(SCHEDULE / "risks.csv", keep_default_na=False),
        pd.read_csv(SCHEDULE / "correlations.csv"),
        holidays,
        start_date=dt.date(2027, 1, 4),
    )
    assert frames == files
    a = tpm.simulate_schedule(files, iterations=500, rng=3)
    b = tpm.simulate_schedule(frames, iterations=500, rng=3)
    np.testing.assert_array_equal(a.finish_days, b.finish_days)


def test_load_schedule_mixes_a_file_with_a_risk_dataframe_and_holiday_dates() -> None:
    risks = pd.read_csv(SCHEDULE / "risks.csv", keep_default_na=False)
    mixed = tpm.load_schedule(
        SCHEDULE / "tasks.csv", risks, holidays=["2027-01-06"], start_date="2027-01-04"
    )
    assert len(mixed.risks) == len(risks)
    assert dt.date(2027, 1, 6) in mixed.calendar.holidays


def test_load_schedule_dataframe_problems_are_located() -> None:
    tasks = pd.DataFrame(
        {"id": ["A", "B"], "low": [1, 5], "likely": [2, 2], "high": [3, 3], "predecessors": ""}
    )
    with pytest.raises(tpm.InputError) as err:
        tpm.load_schedule(tasks)
    (problem,) = err.value.problems
    assert (problem.source, problem.row) == ("tasks table", 2)


def test_forecast_history_from_a_dataframe_equals_the_file() -> None:
    from_file = tpm.load_forecast_history(JIRA)
    from_frame = tpm.load_forecast_history(pd.read_csv(JIRA, dtype=str, keep_default_na=False))
    np.testing.assert_array_equal(from_file.dates, from_frame.dates)
    np.testing.assert_array_equal(from_file.completed, from_frame.completed)
    last90 = tpm.load_forecast_history(JIRA, last_days=90)
    assert last90.days == 90
    assert last90.last_date == from_file.last_date


def test_forecast_history_issue_types_need_a_jira_export() -> None:
    table = pd.DataFrame({"date": ["2027-01-04"], "completed": [3]})
    with pytest.raises(tpm.InputError, match="needs a Jira export"):
        tpm.load_forecast_history(table, issue_types=["Story"])
    stories = tpm.load_forecast_history(JIRA, issue_types=["Story"])
    assert 0 < stories.total_items < tpm.load_forecast_history(JIRA).total_items


def test_forecast_inputs_default_start_is_the_day_after_the_history() -> None:
    history = tpm.load_forecast_history(JIRA)
    inputs = tpm.forecast_inputs(history, items=(100, 120), target_date="2030-01-31")
    assert inputs.start_date == history.last_date + dt.timedelta(days=1)
    assert inputs.backlog is not None
    assert (inputs.backlog.low_items, inputs.backlog.high_items) == (100, 120)
    assert inputs.mode == "when"
    assert inputs.target_date == dt.date(2030, 1, 31)


def test_scenario_loaders_take_files_or_dicts() -> None:
    bvb = tpm.load_build_vs_buy(BVB)
    assert tpm.load_build_vs_buy(json.loads(BVB.read_text())) == bvb
    assert tpm.load_build_vs_buy(bvb) is bvb
    cap = tpm.load_capacity(CAPACITY)
    assert tpm.load_capacity(json.loads(CAPACITY.read_text())) == cap
    assert tpm.load_capacity(CAPACITY.read_bytes()) == cap
    with pytest.raises(tpm.InputError):
        tpm.load_capacity({"start_month": "2027-13", "months": 3, "roles": []})


# --- HTML -----------------------------------------------------------------------------------
def _no_live_markup(text: str) -> None:
    assert "<script" not in text.lower()
    assert "&lt;script&gt;" in text


def test_summary_html_escapes_script_in_task_names() -> None:
    tasks = pd.DataFrame(
        {
            "id": ["A", "B"],
            "name": [SCRIPT, "<b>bold</b> & more"],
            "low": [1, 2],
            "likely": [2, 3],
            "high": [4, 6],
            "predecessors": ["", "A"],
        }
    )
    result = tpm.simulate_schedule(tpm.load_schedule(tasks), iterations=200, rng=1)
    summary = tpm.summary_html(result)
    assert summary.startswith("<table")
    assert summary.endswith("</table>")
    assert "ScheduleResult · 200 trials · seed 1" in summary
    assert summary.count("<tr>") == 1 + len(result.summary())
    tasks_html = tpm.frame_html(result.task_table(), caption=f"Tasks of {SCRIPT}")
    _no_live_markup(tasks_html)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in tasks_html
    assert "<b>" not in tasks_html


def test_summary_html_escapes_user_text_in_every_result() -> None:
    build = json.dumps(f"{SCRIPT} build")
    raw = json.loads(BVB.read_text().replace('"Build (open source)"', build))
    raw["title"] = SCRIPT
    bvb = tpm.simulate_build_vs_buy(tpm.load_build_vs_buy(raw), iterations=300, rng=1)
    text = tpm.summary_html(bvb)
    _no_live_markup(text)
    assert text.count("<tr>") == 1 + len(bvb.summary())

    cap_raw = json.loads(CAPACITY.read_text())
    old = cap_raw["roles"][0]["role"]
    text_json = json.dumps(cap_raw).replace(f'"{old}"', json.dumps(SCRIPT))
    cap = tpm.load_capacity(json.loads(text_json))
    assert SCRIPT in cap.role_names
    for result in (
        tpm.simulate_capacity(cap, iterations=200, rng=1),
        tpm.compare_plans(cap, iterations=200, rng=1),
    ):
        _no_live_markup(tpm.summary_html(result))


def test_frame_html_cuts_long_tables_and_formats_cells() -> None:
    df = pd.DataFrame(
        {"x": np.arange(50, dtype=float) + 0.5, "when": pd.Timestamp("2027-06-02"), "ok": True}
    )
    text = tpm.frame_html(df, max_rows=10)
    assert text.count("<tr>") == 1 + 10 + 1
    assert "… 40 more rows" in text
    assert "2027-06-02" in text
    assert "00:00" not in text
    assert ">yes<" in text
    assert tpm.frame_html(pd.DataFrame({"v": [np.nan, None]})).count("—") == 2


def test_every_result_renders_as_one_compact_table() -> None:
    """Each engine's result (and its ``_repr_html_``, once the class has one) is one table
    with a row per ``.summary()`` row."""
    schedule = tpm.simulate_schedule(
        tpm.load_schedule(SCHEDULE / "tasks.csv", start_date="2027-01-04"), iterations=300, rng=1
    )
    history = tpm.load_forecast_history(JIRA)
    forecast = tpm.simulate_forecast(
        tpm.forecast_inputs(history, items=50, target_date=history.last_date + dt.timedelta(30)),
        iterations=300,
        rng=1,
    )
    bvb = tpm.simulate_build_vs_buy(tpm.load_build_vs_buy(BVB), iterations=300, rng=1)
    scenario = tpm.load_capacity(CAPACITY)
    results: list[object] = [
        schedule,
        forecast,
        bvb,
        tpm.simulate_capacity(scenario, iterations=300, rng=1),
        tpm.compare_plans(scenario, iterations=300, rng=1),
        tpm.solve_hiring_plan(scenario, iterations=300, rng=1),
    ]
    for result in results:
        text = tpm.summary_html(result)  # type: ignore[arg-type]
        rows = len(result.summary())  # type: ignore[attr-defined]
        assert text.count("<table") == 1
        assert text.count("<tr>") == 1 + min(rows, _repr.MAX_ROWS) + (rows > _repr.MAX_ROWS)
        assert f'<caption style="{_repr._CAPTION_STYLE}">{type(result).__name__}' in text
        if hasattr(type(result), "_repr_html_"):
            assert result._repr_html_() == text  # type: ignore[attr-defined]
