"""Delivery forecast page (AppTest): a forecast scenario file — uploaded, or loaded from the
scenario library — restores the form and the history, and gives the same headline numbers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tpm_models.delivery_forecast import (
    BacklogRisk,
    ForecastScenario,
    ForecastSettings,
    forecast_to_json,
    read_jira_csv,
    simulate_forecast,
)
from tpm_models.library import Library, default_path
from ui import forecast as ui

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "app_pages" / "delivery_forecast.py")
SAMPLES = ROOT / "sample_data"


def _page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _headlines(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("####")]


def _expected(sc: ForecastScenario) -> list[str]:
    s = sc.settings
    result = simulate_forecast(sc.inputs(), iterations=s.iterations, rng=s.seed)
    return [f"#### {ui.headline_when(result)}", f"#### {ui.headline_how_many(result)}"]


def _scenario() -> ForecastScenario:
    history = read_jira_csv(SAMPLES / "forecast" / "jira-export.csv").filter(issue_types=["Story"])
    daily = history.history()
    start = daily.last_date + dt.timedelta(days=3)
    settings = ForecastSettings(
        period="week",
        window="Last 180 days",
        issue_types=("Story",),
        backlog_low=60,
        backlog_high=90,
        split_low=1.0,
        split_high=1.2,
        focus_percent=75,
        start_date=start,
        target_date=start + dt.timedelta(days=40),
        iterations=1_000,
        seed=11,
        risks=(BacklogRisk(name="Audit", probability=0.25, low_items=2, high_items=8),),
        holidays=(dt.date(2026, 12, 25),),
    )
    return ForecastScenario(settings, daily, "jira-export.csv")


def test_an_uploaded_scenario_restores_the_form_and_the_same_answer() -> None:
    sc = _scenario()
    at = _page()
    at.file_uploader(key="fc_upload").set_value(
        ("team.json", forecast_to_json(sc).encode(), "application/json")
    )
    at.run()
    assert not at.exception
    assert not at.error

    def k(name: str) -> str:  # the form's keys after the first restore (ui.widget_key)
        return f"{name}_v1"

    assert at.radio(key=k("fc_period")).value == "week"
    assert at.selectbox(key=k("fc_window")).value == "Last 180 days"
    assert at.number_input(key=k("fc_backlog_low")).value == 60
    assert at.number_input(key=k("fc_backlog_high")).value == 90
    assert at.number_input(key=k("fc_split_hi")).value == 1.2
    assert at.slider(key=k("fc_focus")).value == 75
    assert at.selectbox(key=k("fc_iterations")).value == 1_000
    assert at.number_input(key=k("fc_seed")).value == 11
    assert at.text_area(key=k("fc_holidays")).value == "2026-12-25"
    info = "\n".join(i.value for i in at.info)
    assert "Scenario file:" in info
    assert "team.json" in info.replace("\\", "")
    assert f"{sc.history.total_items} items in the scenario's throughput history" in info
    assert _headlines(at) == _expected(sc)

    # the file restores the form once: later edits are the user's
    at.number_input(key=k("fc_backlog_low")).set_value(70)
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception
    assert at.number_input(key=k("fc_backlog_low")).value == 70
    edited = sc.with_settings(sc.settings.model_copy(update={"backlog_low": 70}))
    assert _headlines(at) == _expected(edited)


def test_another_tools_file_or_a_newer_version_is_refused_with_a_located_message() -> None:
    at = _page()
    capacity = (SAMPLES / "capacity" / "engineering_org.json").read_bytes()
    at.file_uploader(key="fc_upload").set_value(("org.json", capacity, "application/json"))
    at.run()
    assert not at.exception
    errors = "\n".join(e.value for e in at.error).replace("\\", "")
    assert "org.json:tool" in errors
    assert "this is a capacity scenario, not a forecast scenario" in errors
    assert not _headlines(at)

    newer = json.loads(forecast_to_json(_scenario()))
    newer["schema_version"] = 2
    at.file_uploader(key="fc_upload").set_value(
        ("future.json", json.dumps(newer).encode(), "application/json")
    )
    at.run()
    assert not at.exception
    errors = "\n".join(e.value for e in at.error).replace("\\", "")
    assert "future.json:schema_version" in errors
    assert "newer version of TPM Decision Lab" in errors


def test_library_load_restores_a_saved_forecast() -> None:
    # save this week's forecast from the page (week periods, 200 items, seed 5)...
    first = _page()
    first.radio(key="fc_period").set_value("week")
    first.number_input(key="fc_backlog_low").set_value(200)
    first.number_input(key="fc_backlog_high").set_value(200)
    first.number_input(key="fc_seed").set_value(5)
    first.button[0].click()
    first.run()
    first.text_input(key="fc_lib_name").input("Team backlog").run()
    first.button(key="fc_lib_save").click().run()
    assert not first.exception
    saved = _headlines(first)
    lib = Library(default_path())
    (rec,) = lib.list_scenarios("forecast")
    payload = json.loads(lib.load_scenario(rec.id))
    assert (payload["schema_version"], payload["tool"]) == (1, "forecast")
    assert payload["page"]["period"] == "week"

    # ...and load it in a fresh session: same form, same answer
    at = _page()
    assert _headlines(at) != saved
    at.button(key="fc_lib_load").click().run()
    assert not at.exception
    assert any("Loaded “Team backlog”" in s.value for s in at.success)
    assert at.radio(key="fc_period_v1").value == "week"
    assert at.number_input(key="fc_seed_v1").value == 5
    assert at.number_input(key="fc_backlog_low_v1").value == 200
    assert _headlines(at) == saved
    assert "Saved scenario:" in "\n".join(i.value for i in at.info)


def test_a_forecast_saved_without_history_cannot_load_and_says_why() -> None:
    lib = Library(default_path())
    sc = _scenario()
    old = {
        "tool": "delivery_forecast",
        "schema_version": 1,
        "page": json.loads(sc.settings.model_dump_json()),
        "engine_inputs": json.loads(sc.inputs().model_dump_json()),
    }
    lib.save_scenario("forecast", "Old", json.dumps(old))
    at = _page()
    before = _headlines(at)
    at.button(key="fc_lib_load").click().run()
    assert not at.exception
    errors = "\n".join(e.value for e in at.error)
    assert "Could not load “Old”" in errors
    assert "upload the history file" in errors
    assert _headlines(at) == before
