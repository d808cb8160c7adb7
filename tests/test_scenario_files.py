"""One scenario-file family (issue 8 scope 3): every tool's JSON has ``schema_version`` and
``tool``, round-trips to identical inputs and results, and refuses another tool's file or an
unknown version with a located message."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpm_models import scenario_files
from tpm_models.build_vs_buy import parse_scenario
from tpm_models.build_vs_buy import simulate as simulate_bvb
from tpm_models.delivery_forecast import (
    BacklogRisk,
    ForecastScenario,
    ForecastSettings,
    forecast_from_json,
    forecast_to_json,
    read_jira_csv,
    simulate_forecast,
)
from tpm_models.errors import InputError
from tpm_models.schedule_risk import simulate_schedule
from tpm_models.schedule_risk.readers import load_schedule, schedule_from_json, schedule_to_json
from tpm_models.team_capacity import load_scenario as load_capacity
from tpm_models.team_capacity import simulate_capacity, validate_scenario

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"

# DESIGN.md §4.1.1, copied verbatim: the two example cores must keep loading.
DESIGN_BVB = """
{"schema_version": 1, "period": "year", "horizon": 3, "discount_rate": 0.10,
 "seats": {"initial": 200, "growth": 0.10},
 "options": [{"name": "Vendor A", "kind": "buy", "lines": [
    {"name": "Implementation", "kind": "cost", "values": [50000, 0, 0, 0]},
    {"name": "Licences", "kind": "cost", "amount": 300, "per_seat": true, "start": 1, "end": 3, "escalation": 0.05},
    {"name": "Hours saved", "kind": "benefit", "amount": {"low": 80000, "likely": 120000, "high": 150000, "distribution": "pert"}, "start": 1, "end": 3}]}],
 "scoring": {"criteria": ["Security", "Fit", "Lock-in"], "pairwise": [[1, 3, 5], [0.333, 1, 2], [0.2, 0.5, 1]],
             "scores": {"Vendor A": [7, 8, 5]}}}
"""  # noqa: E501
DESIGN_CAPACITY = """
{"schema_version": 1, "start_month": "2027-01", "months": 24,
 "roles": [{"role": "Backend", "headcount": 20, "fte": 1.0}],
 "attrition_annual": 0.13, "backfill": {"enabled": true, "lag_months": {"low": 2, "likely": 3, "high": 5}},
 "hires": [{"role": "Backend", "count": 3, "target_month": "2027-03"}],
 "time_to_hire_months": {"low": 1, "likely": 2, "high": 4}, "ramp_months": 3, "ramp_curve": "linear",
 "onboarding_drag": 0.2, "focus_factor": 0.8,
 "demand": [{"role": "Backend", "month": "2027-01", "fte": 18}]}
"""  # noqa: E501


def _schedule_json() -> str:
    s = SAMPLES / "schedule"
    return schedule_to_json(
        load_schedule(
            s / "tasks.csv",
            s / "risks.csv",
            s / "correlations.csv",
            s / "holidays.csv",
            start_date="2027-01-04",
        )
    )


def _bvb_json() -> str:
    return parse_scenario(
        (SAMPLES / "build_vs_buy" / "observability_platform.json").read_bytes()
    ).to_json()


def _capacity_json() -> str:
    return load_capacity(SAMPLES / "capacity" / "engineering_org.json").model_dump_json(indent=2)


def _forecast_scenario() -> ForecastScenario:
    issues = read_jira_csv(SAMPLES / "forecast" / "jira-export.csv")
    history = issues.filter(issue_types=["Story", "Bug"]).history()
    start = history.last_date + dt.timedelta(days=1)
    settings = ForecastSettings(
        period="week",
        window="Last 180 days",
        issue_types=("Story", "Bug"),
        backlog_low=80,
        backlog_high=150,
        split_low=1.0,
        split_high=1.25,
        focus_percent=80,
        start_date=start,
        target_date=start + dt.timedelta(days=60),
        iterations=5_000,
        seed=7,
        risks=(BacklogRisk(name="Audit", probability=0.25, low_items=5, high_items=20),),
        holidays=(dt.date(2026, 12, 25), dt.date(2027, 1, 1)),
    )
    return ForecastScenario(settings, history, "jira-export.csv")


def _forecast_json() -> str:
    return forecast_to_json(_forecast_scenario())


#: tool -> (a file the app writes, the tool's reader of JSON text)
FILES: dict[str, Callable[[], str]] = {
    "schedule": _schedule_json,
    "forecast": _forecast_json,
    "build-vs-buy": _bvb_json,
    "capacity": _capacity_json,
}
READERS: dict[str, Callable[[str], Any]] = {
    "schedule": lambda text: schedule_from_json(text, name="in.json"),
    "forecast": lambda text: forecast_from_json(text, name="in.json"),
    "build-vs-buy": lambda text: parse_scenario(text, source="in.json"),
    "capacity": lambda text: load_capacity(text.encode(), name="in.json"),
}


def _problems(tool: str, text: str) -> list[tuple[str | None, str]]:
    with pytest.raises(InputError) as info:
        READERS[tool](text)
    assert all(p.source == "in.json" for p in info.value.problems)
    return [(p.column, p.message) for p in info.value.problems]


# --- the envelope -------------------------------------------------------------------------------
@pytest.mark.parametrize("tool", list(FILES))
def test_every_written_file_carries_schema_version_and_tool(tool: str) -> None:
    payload = json.loads(FILES[tool]())
    assert payload["schema_version"] == scenario_files.SCHEMA_VERSION == 1
    assert payload["tool"] == tool
    assert scenario_files.detect_tool(payload) == tool


@pytest.mark.parametrize("tool", list(FILES))
def test_detect_tool_recognises_a_file_without_a_tool_key(tool: str) -> None:
    payload = json.loads(FILES[tool]())
    payload.pop("tool")
    assert scenario_files.detect_tool(payload) == tool
    assert READERS[tool](json.dumps(payload)) == READERS[tool](FILES[tool]())


@pytest.mark.parametrize("tool", list(FILES))
@pytest.mark.parametrize("other", list(FILES))
@pytest.mark.parametrize("with_tool_key", [True, False])
def test_another_tools_file_is_refused_at_tool(tool: str, other: str, with_tool_key: bool) -> None:
    if tool == other:
        return
    payload = json.loads(FILES[other]())
    if not with_tool_key:
        payload.pop("tool")
    problems = _problems(tool, json.dumps(payload))
    assert len(problems) == 1
    column, message = problems[0]
    assert column == "tool"
    assert message.startswith(f"this is a {other} scenario")
    assert f"not a {tool} scenario" in message
    assert scenario_files.PAGES[other] in message  # where to open it


@pytest.mark.parametrize("tool", list(FILES))
def test_an_unknown_tool_name_is_refused_at_tool(tool: str) -> None:
    payload = {**json.loads(FILES[tool]()), "tool": "gantt"}
    [(column, message)] = _problems(tool, json.dumps(payload))
    assert column == "tool"
    assert "unknown tool 'gantt'" in message
    assert '"schedule", "forecast", "build-vs-buy", "capacity"' in message


@pytest.mark.parametrize("tool", list(FILES))
@pytest.mark.parametrize(
    ("version", "fragment"),
    [
        (2, "unknown schema_version 2: this app reads schema_version 1; the file was written "
         "by a newer version of TPM Decision Lab"),
        (0, "unknown schema_version 0: this app reads schema_version 1"),
        ("one", "schema_version must be a whole number, got 'one'"),
        (True, "schema_version must be a whole number, got True"),
        (None, "schema_version must be a whole number, got None"),
    ],
)  # fmt: skip
def test_bad_versions_are_refused_at_schema_version(tool: str, version: Any, fragment: str) -> None:
    payload = {**json.loads(FILES[tool]()), "schema_version": version}
    problems = _problems(tool, json.dumps(payload))
    assert [c for c, _ in problems] == ["schema_version"]
    assert fragment in problems[0][1]


@pytest.mark.parametrize("tool", list(FILES))
def test_a_missing_version_is_refused_at_schema_version(tool: str) -> None:
    payload = json.loads(FILES[tool]())
    payload.pop("schema_version")
    assert _problems(tool, json.dumps(payload)) == [
        (
            "schema_version",
            'is required but missing: add "schema_version": 1 '
            "(the scenario file format this app reads)",
        )
    ]


def test_build_vs_buy_and_capacity_agree_on_missing_versions_in_dicts_too() -> None:
    bvb = json.loads(DESIGN_BVB)
    cap = json.loads(DESIGN_CAPACITY)
    bvb.pop("schema_version")
    cap.pop("schema_version")
    with pytest.raises(InputError) as a:
        parse_scenario(bvb, "b.json")
    with pytest.raises(InputError) as b:
        validate_scenario(cap, "c.json")
    assert [p.column for p in a.value.problems] == [p.column for p in b.value.problems]
    assert [p.message for p in a.value.problems] == [p.message for p in b.value.problems]


# --- DESIGN §4.1.1's examples -------------------------------------------------------------------
def test_design_examples_still_load_and_gain_a_tool_key_when_written() -> None:
    bvb = parse_scenario(DESIGN_BVB, "design.json")
    assert bvb.options[0].name == "Vendor A"
    assert bvb.tool == "build-vs-buy"
    assert parse_scenario(bvb.to_json()) == bvb
    assert json.loads(bvb.to_json())["tool"] == "build-vs-buy"

    cap = load_capacity(DESIGN_CAPACITY.encode(), name="design.json")
    assert (cap.months, cap.role_names, cap.attrition_annual) == (24, ("Backend",), 0.13)
    assert cap.tool == "capacity"
    assert load_capacity(cap.model_dump_json().encode()) == cap
    assert json.loads(cap.model_dump_json())["tool"] == "capacity"
    # the two examples are each other's wrong tool
    with pytest.raises(InputError, match="this is a capacity scenario"):
        parse_scenario(DESIGN_CAPACITY, "design.json")
    with pytest.raises(InputError, match="this is a build-vs-buy scenario"):
        load_capacity(DESIGN_BVB.encode(), name="design.json")


# --- round trips: identical inputs, identical results for a seed ---------------------------------
def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_schedule_round_trip_gives_identical_inputs_and_results() -> None:
    text = _schedule_json()
    inputs = schedule_from_json(text)
    again = schedule_from_json(schedule_to_json(inputs))
    assert again == inputs
    assert schedule_to_json(again) == text
    _same(
        simulate_schedule(inputs, iterations=2_000, rng=7).summary(),
        simulate_schedule(again, iterations=2_000, rng=7).summary(),
    )


def test_build_vs_buy_round_trip_gives_identical_inputs_and_results() -> None:
    text = _bvb_json()
    s = parse_scenario(text)
    again = parse_scenario(s.to_json())
    assert again == s
    assert again.to_json() == text
    _same(
        simulate_bvb(s, iterations=2_000, rng=7).summary(),
        simulate_bvb(again, iterations=2_000, rng=7).summary(),
    )


def test_capacity_round_trip_gives_identical_inputs_and_results() -> None:
    from ui import capacity as cap_ui

    sc = load_capacity(SAMPLES / "capacity" / "engineering_org.json")
    page_file = cap_ui.scenario_json_bytes(sc)  # what the page's download button writes
    assert json.loads(page_file)["tool"] == "capacity"
    again = load_capacity(page_file, name="capacity_scenario.json")
    assert again == sc
    _same(
        simulate_capacity(sc, iterations=2_000, rng=7).summary(),
        simulate_capacity(again, iterations=2_000, rng=7).summary(),
    )


def test_forecast_round_trip_gives_identical_inputs_and_results() -> None:
    sc = _forecast_scenario()
    text = forecast_to_json(sc)
    again = forecast_from_json(text, name="delivery_forecast_scenario.json")
    assert again == sc
    assert forecast_to_json(again) == text
    assert again.inputs() == sc.inputs()
    payload = json.loads(text)
    # the engine inputs and run settings are written too (the library and report read them)
    assert payload["engine_inputs"] == json.loads(sc.inputs().model_dump_json())
    assert (payload["iterations"], payload["seed"]) == (5_000, 7)
    assert payload["history"][0] == {
        "date": sc.history.first_date.isoformat(),
        "completed": int(sc.history.completed[0]),
    }
    assert len(payload["history"]) == sc.history.days
    _same(
        simulate_forecast(sc.inputs(), iterations=5_000, rng=7).summary(),
        simulate_forecast(again.inputs(), iterations=5_000, rng=7).summary(),
    )


def test_forecast_file_is_small_and_one_history_day_per_line() -> None:
    text = _forecast_json()
    days = _forecast_scenario().history.days
    assert text.count('{"date": ') == days
    assert len(text.encode()) < 60 * days + 5_000


def test_forecast_file_problems_are_located() -> None:
    payload = json.loads(_forecast_json())
    payload["history"][3]["completed"] = -1
    payload["history"][5]["date"] = "yesterday"
    payload["page"]["window"] = "Last week"
    problems = dict(_problems("forecast", json.dumps(payload)))
    assert set(problems) == {"history[3].completed", "history[5].date", "page.window"}
    assert "unknown window 'Last week'" in problems["page.window"]

    payload = json.loads(_forecast_json())
    payload["history"].append(dict(payload["history"][0]))
    [(column, message)] = _problems("forecast", json.dumps(payload))
    assert column == f"history[{len(payload['history']) - 1}].date"
    assert "appears twice (also history[0])" in message

    payload = json.loads(_forecast_json())
    payload["page"]["target_date"] = "2020-01-01"
    assert _problems("forecast", json.dumps(payload)) == [
        ("page.target_date", "the target date is before the start date")
    ]


def test_forecast_top_level_seed_and_trials_win_over_the_page_copy() -> None:
    payload = json.loads(_forecast_json())
    payload["seed"], payload["iterations"] = 99, 1_000
    sc = forecast_from_json(json.dumps(payload))
    assert (sc.settings.seed, sc.settings.iterations) == (99, 1_000)


def test_a_forecast_saved_without_its_history_is_refused_with_what_to_do() -> None:
    old = {
        "tool": "delivery_forecast",
        "schema_version": 1,
        "history_file": "jira-export.csv",
        "page": json.loads(_forecast_scenario().settings.model_dump_json()),
        "engine_inputs": json.loads(_forecast_scenario().inputs().model_dump_json()),
    }
    [(column, message)] = _problems("forecast", json.dumps(old))
    assert column == "history"
    assert "upload the history file" in message


def test_the_library_keeps_forecast_files_restorable(tmp_path: Path) -> None:
    from tpm_models.library import Library
    from tpm_models.report import simulate_tool

    lib = Library(tmp_path / "lib.sqlite3")
    rec = lib.save_scenario("forecast", "Team", _forecast_json())
    back = lib.load_scenario(rec.id)
    assert back == _forecast_json()
    assert forecast_from_json(back) == _forecast_scenario()
    # the report and the library's runs simulate the same inputs as the page
    result = simulate_tool("forecast", back, iterations=2_000, seed=3)
    _same(
        result.summary(),
        simulate_forecast(_forecast_scenario().inputs(), iterations=2_000, rng=3).summary(),
    )


def test_a_history_spanning_centuries_is_refused_before_it_is_built() -> None:
    payload = json.loads(_forecast_json())
    payload["history"] = [
        {"date": "1900-01-01", "completed": 1},
        {"date": "9999-12-31", "completed": 1},
    ]
    [(column, message)] = _problems("forecast", json.dumps(payload))
    assert column == "history"
    assert "at most 36600 days fit a scenario" in message


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
_KEYS = ["schema_version", "tool", "page", "history", "engine_inputs", "seed", "iterations"]


@settings(max_examples=150)
@given(
    edits=st.dictionaries(st.sampled_from(_KEYS), _JSON, max_size=3),
    drop=st.lists(st.sampled_from(_KEYS), max_size=2),
)
def test_a_mangled_forecast_file_only_ever_raises_located_input_errors(
    edits: dict[str, Any], drop: list[str]
) -> None:
    payload = {**json.loads(_FORECAST_TEXT), **edits}
    for key in drop:
        payload.pop(key, None)
    for tool in FILES:
        problems = None
        try:
            READERS[tool](json.dumps(payload))
        except InputError as err:  # anything else (a crash) fails the test
            problems = err.problems
        if problems is not None:
            assert problems
            assert all(p.source == "in.json" for p in problems)


_FORECAST_TEXT = _forecast_json()
