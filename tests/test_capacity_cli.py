"""``tpm capacity``: JSON keys of DESIGN.md §4.2, numbers equal the engine's, located errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tpm_models.cli import main
from tpm_models.team_capacity import load_scenario, simulate_capacity

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "capacity" / "engineering_org.json"
MONTH_KEYS = {
    "month",
    "capacity_p10",
    "capacity_p50",
    "capacity_p90",
    "demand",
    "prob_meets_demand",
    "headcount_mean",
}


def _run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code = main(["capacity", str(SAMPLE), "--json", "--iterations", "1500", "--seed", "4", *args])
    out = capsys.readouterr().out
    assert code == 0
    payload: dict[str, object] = json.loads(out)
    return payload


def test_json_keys_and_numbers_match_the_engine(capsys: pytest.CaptureFixture[str]) -> None:
    payload = _run_json(capsys)
    months = payload["months"]
    assert isinstance(months, list)
    assert len(months) == 24
    assert all(set(m) >= MONTH_KEYS for m in months)
    assert "hiring_plan" not in payload
    res = simulate_capacity(load_scenario(SAMPLE), iterations=1500, rng=4)
    total = res.total_capacity_fte
    np.testing.assert_allclose(
        [m["capacity_p50"] for m in months], np.percentile(total, 50, axis=0), atol=1e-4
    )
    np.testing.assert_allclose(
        [m["prob_meets_demand"] for m in months], res.prob_meets_demand(), atol=1e-4
    )
    assert months[0]["month"] == "2027-01"
    roles = payload["roles"]
    assert isinstance(roles, list)
    assert [r["role"] for r in roles] == ["Backend", "Frontend", "Data", "QA/SRE"]
    assert set(roles[0]["months"][0]) >= MONTH_KEYS
    assert {"funnel", "comparison", "min_prob_meets_demand", "worst_month"} <= set(payload)


def test_solve_adds_hiring_plan(capsys: pytest.CaptureFixture[str]) -> None:
    payload = _run_json(capsys, "--solve", "--confidence", "0.75", "--target-month", "2027-07")
    plan = payload["hiring_plan"]
    assert isinstance(plan, dict)
    assert plan["confidence"] == 0.75
    assert plan["target_month"] == "2027-07"
    assert plan["feasible"] is True
    assert plan["probability"] >= 0.75
    assert plan["total_added"] == sum(h["count"] for h in plan["hires"])
    assert {"role", "count", "start_month", "open_requisition_by"} <= set(plan["hires"][0])


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["capacity", str(SAMPLE), "--iterations", "500", "--seed", "1", "--solve"])
    out = capsys.readouterr().out
    assert code == 0
    assert "P(meet)" in out
    assert "With the current plan there is a" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--target-month", "July"], "error: --target-month: 'July' is not a month"),
        (["--target-month", "2031-01"], "outside the scenario's horizon"),
        (["--confidence", "80"], "error: --confidence: must be between 0 and 1"),
        (["--iterations", "0"], "error: --iterations"),
    ],
)
def test_bad_flags_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    assert main(["capacity", str(SAMPLE), *args]) == 2
    assert expected in capsys.readouterr().err


def test_bad_scenario_file_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(SAMPLE.read_text())
    data["hires"][1]["role"] = "Mobile"
    data["demand"][0]["month"] = "2027/01"
    bad = tmp_path / "team.json"
    bad.write_text(json.dumps(data))
    assert main(["capacity", str(bad)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "error: team.json:demand[0].month: '2027/01' is not a month" in err[0]
    assert main(["capacity", str(tmp_path / "missing.json")]) == 2
    assert "file not found" in capsys.readouterr().err
    data = json.loads(SAMPLE.read_text())
    data["hires"][1]["role"] = "Mobile"
    bad.write_text(json.dumps(data))
    assert main(["capacity", str(bad)]) == 2
    assert "team.json:hires[1].role: unknown role 'Mobile'" in capsys.readouterr().err
