"""Team capacity page (AppTest): sample on first visit, numbers = engine, solver, located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tpm_models.errors import InputError
from tpm_models.team_capacity import load_scenario, simulate_capacity, solve_hiring_plan
from ui import capacity as cap

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "app_pages" / "team_capacity.py")
SAMPLE = ROOT / "sample_data" / "capacity" / "engineering_org.json"


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=90)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def _metric(at: AppTest, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return str(m.value)
    raise AssertionError(f"no metric {label!r}: {[m.label for m in at.metric]}")


def _submit(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.message for e in at.exception]


def test_first_visit_shows_the_sample_and_the_engines_numbers(at: AppTest) -> None:
    assert any("Sample data" in i.value for i in at.info)
    sc = load_scenario(SAMPLE)
    res = simulate_capacity(sc, iterations=10_000, rng=1)
    target = sc.solver.target_month
    assert target is not None
    assert _metric(at, "Current plan") == f"{res.min_prob_meets(target):.0%}"
    plan = solve_hiring_plan(sc, iterations=10_000, rng=1)
    assert _metric(at, "With the solver's hires") == f"{plan.probability:.0%}"
    assert _metric(at, "Extra hires needed") == str(plan.total_added)
    headline = at.markdown[
        [m.value.startswith("**With the current plan") for m in at.markdown].index(True)
    ]
    assert f"{plan.baseline_probability:.0%} chance of meeting demand" in headline.value
    assert len(at.get("vega_lite_chart")) >= 5


def test_changing_seed_and_trials_reruns_the_engine(at: AppTest) -> None:
    at.number_input(key="cap_seed_0").set_value(5)
    at.selectbox(key="cap_iter_0").set_value(2_000)
    _submit(at, "Run simulation")
    sc = load_scenario(SAMPLE)
    res = simulate_capacity(sc, iterations=2_000, rng=5)
    assert _metric(at, "Current plan") == f"{res.min_prob_meets('2027-07'):.0%}"
    assert any("2,000 trials, seed 5" in c.value for c in at.caption)


def test_bad_parameter_is_located_and_the_edit_is_kept(at: AppTest) -> None:
    at.text_input(key="cap_start_0").set_value("2027/01")
    _submit(at, "Run simulation")
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "Parameters:start_month" in errors
    assert "not a month" in errors
    assert at.text_input(key="cap_start_0").value == "2027/01"
    at.text_input(key="cap_start_0").set_value("2027-01")
    _submit(at, "Run simulation")
    assert not at.error


def test_solver_panel_shows_a_plan_for_the_chosen_confidence(at: AppTest) -> None:
    at.slider(key="cap_conf_0").set_value(90)
    _submit(at, "Find hiring plan")
    sc = load_scenario(SAMPLE)
    data = sc.model_dump(mode="json")
    data["solver"]["confidence"] = 0.9
    sc90 = type(sc).model_validate(data)
    plan = solve_hiring_plan(sc90, iterations=10_000, rng=1)
    assert plan.feasible
    assert _metric(at, "With the solver's hires") == f"{plan.probability:.0%}"
    assert any(plan.message.split(";")[0][:40] in s.value.replace("\\", "") for s in at.success)
    tables = [t.value for t in at.dataframe]
    assert any("Open requisition by" in t.columns for t in tables)
    # apply the plan: the hires table now holds it and no extra hires are needed
    _submit(at, "Add these hires to the plan")
    assert any("solver's hires were added" in s.value for s in at.success)
    assert _metric(at, "Extra hires needed") == "0"


def test_bad_upload_gives_located_errors_and_keeps_the_tables(at: AppTest) -> None:
    data = json.loads(SAMPLE.read_text())
    data["hires"][0]["role"] = "Mobile"
    data["roles"][1]["headcount"] = -1
    at.file_uploader[0].set_value(("team.json", json.dumps(data).encode(), "application/json"))
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "team.json:roles[1].headcount" in errors
    assert "was not loaded" in errors
    assert any("Sample data" in i.value for i in at.info)  # still the sample's tables


def test_good_upload_replaces_the_scenario(at: AppTest) -> None:
    data = json.loads(SAMPLE.read_text())
    data["name"] = "My team"
    data["roles"][0]["headcount"] = 30
    at.file_uploader[0].set_value(("mine.json", json.dumps(data).encode(), "application/json"))
    at.run()
    assert not at.exception
    assert not at.error
    assert any("mine.json" in c.value.replace("\\", "") for c in at.caption)
    sc = load_scenario(json.dumps(data).encode())
    res = simulate_capacity(sc, iterations=10_000, rng=1)
    assert _metric(at, "Current plan") == f"{res.min_prob_meets('2027-07'):.0%}"


def test_build_scenario_locates_table_problems() -> None:
    sc = load_scenario(SAMPLE)
    roster = cap.roster_frame(sc)
    roster.loc[2, "headcount"] = -3  # the tables are numbered from 1, as the editor shows
    hires = cap.hires_frame(sc.hires)
    hires.loc[1, "role"] = "Mobile"
    demand = cap.demand_frame(sc)
    demand.loc[3, "month"] = "next year"
    with pytest.raises(InputError) as exc:
        cap.build_scenario(sc, roster, hires, demand, cap.params_of(sc))
    where = {(p.source, p.row, p.column) for p in exc.value.problems}
    assert ("Roster table", 2, "headcount") in where
    assert ("Demand table", 3, "month") in where


def test_build_scenario_round_trips_the_sample_and_drops_empty_rows() -> None:
    sc = load_scenario(SAMPLE)
    roster = pd.concat([cap.roster_frame(sc), pd.DataFrame([{}])], ignore_index=True)
    again = cap.build_scenario(
        sc, roster, cap.hires_frame(sc.hires), cap.demand_frame(sc), cap.params_of(sc)
    )
    assert again == sc
    # the downloaded JSON re-uploads to the same scenario
    assert load_scenario(cap.scenario_json_bytes(again)) == sc
    assert json.loads(cap.scenario_json_bytes(again))["schema_version"] == 1
