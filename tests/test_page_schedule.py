"""Behaviour of the schedule-risk page (AppTest, no browser).

The page's numbers must be the engine's own numbers for the same inputs and seed; bad uploads
and bad edits must be reported by row and column without losing anything; a scenario JSON
must restore the same inputs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tpm_models.schedule_risk.readers import load_schedule, schedule_to_json
from tpm_models.schedule_risk.simulate import simulate_schedule
from ui import schedule as ui

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "app_pages" / "schedule_risk.py"
SAMPLE = ROOT / "sample_data" / "schedule"


def _sample_inputs() -> Any:
    return load_schedule(
        SAMPLE / "tasks.csv",
        SAMPLE / "risks.csv",
        SAMPLE / "correlations.csv",
        SAMPLE / "holidays.csv",
        start_date=ui.SAMPLE_START,
    )


def _metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def _markdown(at: AppTest) -> str:
    """Every Markdown element's text, with the Markdown escapes taken out."""
    return "\n".join(m.value for m in at.markdown).replace("\\", "")


def _errors(at: AppTest) -> str:
    """Every error box's text, with the Markdown escapes taken out."""
    return "\n".join(e.value for e in at.error).replace("\\", "")


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=90)
    app.run()
    assert not app.exception, app.exception
    return app


def test_sample_is_loaded_and_answers_on_first_visit(at: AppTest) -> None:
    assert "Sample: payments platform migration" in _markdown(at)
    metrics = _metrics(at)
    for label in ("Plan (CPM) finish", "P50 finish", "P80 finish", "P90 finish"):
        assert label in metrics
    headline = [m.value for m in at.markdown if "80% likely to finish by" in m.value]
    assert len(headline) == 1
    assert not at.error


def test_metrics_equal_the_engines_result_for_the_same_seed(at: AppTest) -> None:
    # change the run settings through the form, then submit it
    at.number_input(key=ui.W_TRIALS).set_value(5_000)
    at.number_input(key=ui.W_SEED).set_value(7)
    at.button(key="sched_run").click()
    at.run()
    assert not at.exception, at.exception

    page_inputs = at.session_state[ui.STATE_KEY]["last_good"]
    expected_inputs = _sample_inputs()
    assert schedule_to_json(page_inputs) == schedule_to_json(expected_inputs)
    result = simulate_schedule(expected_inputs, iterations=5_000, rng=7)

    metrics = _metrics(at)
    for q in (50, 80, 90):
        assert metrics[f"P{q} finish"][0] == ui.fmt_date(result.finish_date(q))
    plan = expected_inputs.calendar.finish_date(ui.SAMPLE_START, result.deterministic_finish_days)
    assert metrics["Plan (CPM) finish"][0] == ui.fmt_date(plan)
    assert metrics["Chance by the deadline"][0] == ui.fmt_prob(
        result.deadline_probability(ui.SAMPLE_DEADLINE)
    )
    p80_date = result.finish_date(80)
    assert p80_date is not None
    buffer = expected_inputs.calendar.working_days_between(plan, p80_date)
    assert metrics["Buffer for 80%"][0] == f"{buffer} days"
    assert metrics["P80 finish"][1] == f"+{buffer} days vs plan"
    caption = " ".join(c.value for c in at.caption)
    assert "5,000 trials · seed 7" in caption


def test_default_run_is_reproducible_seed_42_ten_thousand_trials(at: AppTest) -> None:
    result = simulate_schedule(_sample_inputs(), iterations=10_000, rng=42)
    metrics = _metrics(at)
    assert metrics["P80 finish"][0] == ui.fmt_date(result.finish_date(80))
    sentence = next(m.value for m in at.markdown if "80% likely" in m.value)
    assert ui.fmt_date(result.finish_date(80)).replace(" ", "") in sentence.replace(" ", "")


def test_bad_upload_shows_located_errors_and_keeps_the_project(at: AppTest) -> None:
    before = _metrics(at)["P80 finish"]
    bad = (
        b"id,name,low,likely,high,distribution,predecessors\n"
        b"A,Design,5,8,14,pert,\n"
        b"B,Build,30,15,10,pert,A\n"
        b"C,Test,4,6,x,pert,ZZ\n"
    )
    at.session_state[ui.UPLOAD_QUEUE_KEY] = [("tasks", "bad_tasks.csv", bad)]
    at.run()
    assert not at.exception, at.exception
    errors = _errors(at)
    assert "bad_tasks.csv:3" in errors  # row 3 = task B (header is row 1)
    assert "bad_tasks.csv:4:high" in errors
    assert "ZZ" in errors
    assert "your current tables are unchanged" in errors
    # the sample is still loaded and still answers
    assert "Sample: payments platform migration" in _markdown(at)
    assert _metrics(at)["P80 finish"] == before


def test_good_upload_replaces_the_project(at: AppTest) -> None:
    good = (
        b"id,name,low,likely,high,distribution,predecessors\n"
        b"A,Design,5,8,14,pert,\n"
        b"B,Build,10,15,30,pert,A\n"
        b"C,Test,4,6,12,triangular,B:SS+5\n"
    )
    at.session_state[ui.UPLOAD_QUEUE_KEY] = [("tasks", "mine.csv", good)]
    at.run()
    assert not at.exception, at.exception
    assert not at.error
    assert "Uploaded: mine.csv" in _markdown(at)
    inputs = at.session_state[ui.STATE_KEY]["last_good"]
    assert [t.id for t in inputs.tasks] == ["A", "B", "C"]
    assert inputs.risks == ()
    result = simulate_schedule(inputs, iterations=10_000, rng=42)
    assert _metrics(at)["P80 finish"][0] == ui.fmt_date(result.finish_date(80))
    # the sample's deadline is dropped for a new project; the holidays already set are kept
    assert _metrics(at)["Chance by the deadline"][0] == "no deadline"
    assert inputs.calendar.holidays == _sample_inputs().calendar.holidays


def test_invalid_edit_is_rejected_by_row_and_column_and_kept(at: AppTest) -> None:
    key = f"sched_editor_tasks_{at.session_state[ui.STATE_KEY]['version']}"
    # row label 2 (ARCH: 5, 8, 14): low 50 > likely and high; also edit row 3's name
    at.session_state[key] = {
        "edited_rows": {1: {"low": 50.0}, 2: {"name": "Processor contract (renamed)"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, at.exception
    errors = _errors(at)
    assert "tasks table:2:low" in errors, errors
    assert "your edits are kept" in errors
    assert any("last valid version" in w.value for w in at.warning)
    edited = at.session_state[ui.STATE_KEY]["edited"]["tasks"]
    assert edited.loc[2, "low"] == 50.0  # the invalid value stays as typed
    assert edited.loc[3, "name"] == "Processor contract (renamed)"  # the valid edit too
    sample = _sample_inputs()
    assert edited.loc[1, "id"] == sample.tasks[0].id
    assert edited.loc[4, "high"] == sample.tasks[3].duration.high
    assert len(edited) == len(sample.tasks)
    # the answer is still on screen (last valid tables)
    assert "P80 finish" in _metrics(at)


def test_edit_with_deleted_row_names_the_row_label_the_user_sees(at: AppTest) -> None:
    key = f"sched_editor_tasks_{at.session_state[ui.STATE_KEY]['version']}"
    # delete the first task (its successors now name an unknown predecessor) and break row 5
    at.session_state[key] = {
        "edited_rows": {4: {"high": 1.0}},
        "added_rows": [],
        "deleted_rows": [0],
    }
    at.run()
    assert not at.exception, at.exception
    errors = _errors(at)
    assert "tasks table:5:" in errors  # label 5 although it is now the 4th row
    assert "KICK" in errors


def test_scenario_json_round_trips(at: AppTest) -> None:
    original = at.session_state[ui.STATE_KEY]["last_good"]
    exported = schedule_to_json(original)
    # move away from the sample (new project), then restore the scenario
    at.session_state[ui.UPLOAD_QUEUE_KEY] = [
        ("tasks", "other.csv", b"id,low,likely,high\nX,1,2,3\n")
    ]
    at.run()
    assert [t.id for t in at.session_state[ui.STATE_KEY]["last_good"].tasks] == ["X"]
    at.session_state[ui.UPLOAD_QUEUE_KEY] = [
        ("scenario", "schedule_scenario.json", exported.encode("utf-8"))
    ]
    at.run()
    assert not at.exception, at.exception
    assert not at.error
    restored = at.session_state[ui.STATE_KEY]["last_good"]
    assert schedule_to_json(restored) == exported
    assert restored.start_date == ui.SAMPLE_START
    assert dt.date(2027, 5, 31) in restored.calendar.holidays
    assert "Scenario: schedule_scenario.json" in _markdown(at)


def test_bad_scenario_json_is_located(at: AppTest) -> None:
    at.session_state[ui.UPLOAD_QUEUE_KEY] = [
        ("scenario", "broken.json", b'{"schema_version": 1, "tasks": [{"id": "A"}]}')
    ]
    at.run()
    assert not at.exception, at.exception
    errors = _errors(at)
    assert "broken.json" in errors
    assert "tasks[0]" in errors


def test_whatif_removing_a_risk_uses_common_random_numbers(at: AppTest) -> None:
    inputs = at.session_state[ui.STATE_KEY]["last_good"]
    version = at.session_state[ui.STATE_KEY]["version"]
    key = ui.whatif_key(inputs, version)
    at.session_state[key] = {
        "edited_rows": {0: {"remove": True}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="sched_compare").click()
    at.run()
    assert not at.exception, at.exception
    after_inputs = ui.apply_whatif(
        inputs, ui.whatif_frame(inputs).assign(remove=[i == 0 for i in range(len(inputs.risks))])
    )
    assert after_inputs.risks[0].probability == 0.0
    after = simulate_schedule(after_inputs, iterations=10_000, rng=42)
    before = simulate_schedule(inputs, iterations=10_000, rng=42)
    metrics = _metrics(at)
    assert metrics["P80 finish after mitigation"][0] == ui.fmt_date(after.finish_date(80))
    assert metrics["Risks changed"][0] == inputs.risks[0].id
    # common random numbers: removing a risk can only make each trial finish earlier or same
    assert (after.finish_days <= before.finish_days + 1e-9).all()


def test_large_run_is_capped_by_the_form() -> None:
    with pytest.raises(ValueError, match="less than or equal"):
        ui.RunSettings(iterations=ui.MAX_TRIALS + 1)


def test_results_exports_are_formula_safe_and_complete(at: AppTest) -> None:
    inputs = at.session_state[ui.STATE_KEY]["last_good"]
    view = ui.run_view.__wrapped__(  # the uncached function: no Streamlit runtime needed
        schedule_to_json(inputs), 2_000, 1, "monte_carlo", ui.SAMPLE_DEADLINE.isoformat()
    )
    text = ui.results_csv(view).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("table,percentile,finish_days")
    assert "\npercentiles,80," in text
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(ui.results_excel(view)))
    assert wb.sheetnames == ["summary", "percentiles", "tasks", "risks"]
    assert wb["tasks"].max_row == len(inputs.tasks) + 1


def test_ms_project_upload_shows_the_readers_notes(at: AppTest) -> None:
    xml = (SAMPLE / "small_project.xml").read_bytes()
    at.session_state[ui.UPLOAD_QUEUE_KEY] = [("tasks", "small_project.xml", xml)]
    at.run()
    assert not at.exception, at.exception
    assert not at.error, _errors(at)
    assert "Uploaded: small_project.xml" in _markdown(at)
    inputs = at.session_state[ui.STATE_KEY]["last_good"]
    assert inputs.start_date == dt.date(2027, 1, 4)  # the file's project start
    from tpm_models.schedule_risk.mspdi import read_mspdi

    notes = read_mspdi(xml, name="small_project.xml").notes
    shown = "\n".join(i.value for i in at.info).replace("\\", "")
    for note in notes:
        assert note.replace("\\", "") in shown


def test_view_summary_and_chart_images() -> None:
    result = simulate_schedule(_sample_inputs(), iterations=2_000, rng=3)
    view = ui.build_view(result, ui.SAMPLE_DEADLINE)
    assert view.summary.equals(result.summary())
    assert view.deadline_probability == result.deadline_probability(ui.SAMPLE_DEADLINE)
    assert len(view.histogram) <= 500
    charts = ui.build_charts(view)
    assert set(charts) == set(ui.CHART_TITLES)
    png = ui.chart_image(charts["s_curve"], "png")
    svg = ui.chart_image(charts["histogram"], "svg")
    assert png is not None
    assert png.startswith(b"\x89PNG")
    assert svg is not None
    assert b"<svg" in svg[:400]


def test_long_run_with_progress_bar_latin_hypercube(at: AppTest) -> None:
    trials = ui.PROGRESS_FROM_TRIALS  # big enough for the progress bar path
    at.number_input(key=ui.W_TRIALS).set_value(trials)
    at.radio(key=ui.W_METHOD).set_value("Latin Hypercube")
    at.button(key="sched_run").click()
    at.run()
    assert not at.exception, at.exception
    result = simulate_schedule(
        _sample_inputs(), iterations=trials, rng=ui.DEFAULT_SEED, method="latin_hypercube"
    )
    assert _metrics(at)["P80 finish"][0] == ui.fmt_date(result.finish_date(80))
    caption = " ".join(c.value for c in at.caption)
    assert f"{trials:,} trials" in caption
    assert "Latin Hypercube" in caption


def test_edits_survive_leaving_the_page(at: AppTest) -> None:
    key = f"sched_editor_tasks_{at.session_state[ui.STATE_KEY]['version']}"
    at.session_state[key] = {
        "edited_rows": {1: {"name": "Architecture (edited)", "high": 20.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.error
    # Streamlit drops a widget's state when the user visits another page
    del at.session_state[key]
    at.run()
    assert not at.exception, at.exception
    arch = at.session_state[ui.STATE_KEY]["last_good"].tasks[1]
    assert arch.name == "Architecture (edited)"
    assert arch.duration.high == 20.0
    assert at.session_state[ui.STATE_KEY]["data"].tasks.loc[2, "name"] == "Architecture (edited)"


def test_bad_holiday_line_is_located_and_the_rest_kept(at: AppTest) -> None:
    at.text_area(key=ui.W_HOLIDAYS).set_value("2027-01-01\nnot a date\n2027-05-31")
    at.button(key="sched_run").click()
    at.run()
    assert not at.exception, at.exception
    errors = _errors(at)
    assert "holidays:2:date" in errors
    assert at.text_area(key=ui.W_HOLIDAYS).value == "2027-01-01\nnot a date\n2027-05-31"


def test_no_deadline_compares_with_the_plan_and_sample_button_resets(at: AppTest) -> None:
    at.date_input(key=ui.W_DEADLINE).set_value(None)
    at.button(key="sched_run").click()
    at.run()
    assert not at.exception, at.exception
    assert _metrics(at)["Chance by the deadline"][0] == "no deadline"
    sentence = next(m.value for m in at.markdown if "80% likely" in m.value).replace("\\", "")
    assert "the plan date 28 Apr 2027" in sentence
    # a different project, then back to the sample with its default settings
    at.session_state[ui.UPLOAD_QUEUE_KEY] = [("tasks", "t.csv", b"id,low,likely,high\nX,1,2,3\n")]
    at.run()
    assert "Uploaded: t.csv" in _markdown(at)
    at.button(key="sched_use_sample").click()
    at.run()
    assert not at.exception, at.exception
    assert "Sample: payments platform migration" in _markdown(at)
    assert at.date_input(key=ui.W_DEADLINE).value == ui.SAMPLE_DEADLINE
    assert len(at.session_state[ui.STATE_KEY]["last_good"].tasks) == 42
