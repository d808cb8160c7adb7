"""Team-capacity scenario JSON: the DESIGN core loads; bad files give located problems."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tpm_models.errors import InputError
from tpm_models.team_capacity import CapacityScenario, load_scenario, validate_scenario
from tpm_models.team_capacity.scenario import add_months, month_index

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "capacity" / "engineering_org.json"

CORE: dict[str, Any] = {
    "schema_version": 1,
    "start_month": "2027-01",
    "months": 24,
    "roles": [{"role": "Backend", "headcount": 20, "fte": 1.0}],
    "attrition_annual": 0.13,
    "backfill": {"enabled": True, "lag_months": {"low": 2, "likely": 3, "high": 5}},
    "hires": [{"role": "Backend", "count": 3, "target_month": "2027-03"}],
    "time_to_hire_months": {"low": 1, "likely": 2, "high": 4},
    "ramp_months": 3,
    "ramp_curve": "linear",
    "onboarding_drag": 0.2,
    "focus_factor": 0.8,
    "demand": [{"role": "Backend", "month": "2027-01", "fte": 18}],
}


def _problems(data: dict[str, Any]) -> dict[str | None, str]:
    with pytest.raises(InputError) as exc:
        load_scenario(json.dumps(data).encode(), name="team.json")
    assert all(p.source == "team.json" for p in exc.value.problems)
    return {p.column: p.message for p in exc.value.problems}


def test_design_core_loads_with_its_meaning() -> None:
    sc = load_scenario(json.dumps(CORE).encode(), name="team.json")
    assert sc.months == 24
    assert sc.role_names == ("Backend",)
    assert sc.backfill.lag_months.likely == 3
    assert sc.requisition_lead_months == 2
    assert sc.demand_matrix()[0] == [18.0] * 24
    assert sc.month_labels[-1] == "2028-12"


def test_round_trip_through_json_is_identical() -> None:
    sc = load_scenario(json.dumps(CORE).encode())
    again = load_scenario(sc.model_dump_json().encode())
    assert again == sc


def test_sample_scenario_loads() -> None:
    sc = load_scenario(SAMPLE)
    assert sum(r.headcount for r in sc.roles) == 35
    assert len(sc.role_names) == 4
    assert sc.attrition_annual == 0.13
    assert sc.start_month == "2027-01"
    assert sc.months == 24


@pytest.mark.parametrize(
    ("edit", "column", "fragment"),
    [
        (lambda d: d["roles"][0].update(headcount=-2), "roles[0].headcount", "greater than"),
        (lambda d: d["hires"][0].update(role="Bakend"), "hires[0].role", "unknown role 'Bakend'"),
        (
            lambda d: d["demand"].append({"role": "QA", "month": "2027-02", "fte": 1}),
            "demand[1].role",
            "unknown role",
        ),
        (lambda d: d["demand"][0].update(month="2027-13"), "demand[0].month", "YYYY-MM"),
        (lambda d: d["hires"][0].update(target_month="March"), "hires[0].target_month", "YYYY-MM"),
        (
            lambda d: d["time_to_hire_months"].update(low=5),
            "time_to_hire_months",
            "low <= likely <= high",
        ),
        (
            lambda d: d["backfill"]["lag_months"].update(high=1),
            "backfill.lag_months",
            "low <= likely <= high",
        ),
        (lambda d: d.update(schema_version=2), "schema_version", "unknown schema_version 2"),
        (
            lambda d: d["hires"][0].update(target_month="2029-03"),
            "hires[0].target_month",
            "outside the horizon 2027-01..2028-12",
        ),
        (lambda d: d.update(focus_factor=1.5), "focus_factor", "less than or equal"),
        (lambda d: d.update(colour="red"), "colour", "not a known field"),
    ],
)
def test_bad_scenarios_are_located(edit: Any, column: str, fragment: str) -> None:
    data = copy.deepcopy(CORE)
    edit(data)
    problems = _problems(data)
    assert column in problems, problems
    assert fragment in problems[column]


def test_every_problem_is_reported_at_once() -> None:
    data = copy.deepcopy(CORE)
    data["hires"][0]["role"] = "Nope"
    data["demand"][0]["role"] = "Nada"
    problems = _problems(data)
    assert {"hires[0].role", "demand[0].role"} <= set(problems)


def test_not_json_is_located_by_line() -> None:
    with pytest.raises(InputError) as exc:
        load_scenario(b'{"months": 3,\n oops}', name="x.json")
    assert exc.value.problems[0].row == 2


def test_validate_scenario_dict() -> None:
    assert isinstance(validate_scenario(copy.deepcopy(CORE)), CapacityScenario)
    with pytest.raises(InputError) as exc:
        validate_scenario({**CORE, "months": 0}, source="edited tables")
    assert exc.value.problems[0].column == "months"
    assert exc.value.problems[0].source == "edited tables"


def test_month_arithmetic() -> None:
    assert month_index("2027-01", "2028-12") == 23
    assert add_months("2027-12", 1) == "2028-01"
    assert add_months("2027-01", -1) == "2026-12"
