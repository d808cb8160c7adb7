"""Hiring-plan solver, plan comparison (common random numbers) and hiring funnel."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tpm_models.estimates import Estimate
from tpm_models.team_capacity import (
    Backfill,
    CapacityScenario,
    DemandLine,
    FunnelRates,
    Hire,
    RosterLine,
    SolverSettings,
    load_scenario,
    simulate_capacity,
)
from tpm_models.team_capacity.funnel import funnel_counts, hiring_funnel
from tpm_models.team_capacity.solver import compare_plans, solve_hiring_plan

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "capacity" / "engineering_org.json"
CONF = 0.7
SOLVER_N, FRESH_N = 4_000, 20_000


def _se(p: float, n: int) -> float:
    return math.sqrt(p * (1 - p) / n)


@pytest.fixture(scope="module")
def two_role_case() -> CapacityScenario:
    """Demand steps up in July so that Backend needs 2 and QA 2 extra people with margin."""
    return CapacityScenario(
        start_month="2027-01",
        months=18,
        attrition_annual=0.08,
        ramp_months=2,
        backfill=Backfill(enabled=True, lag_months=Estimate(low=1, likely=2, high=3)),
        time_to_hire_months=Estimate(low=1, likely=2, high=4),
        roles=[RosterLine(role="Backend", headcount=10), RosterLine(role="QA", headcount=4)],
        demand=[
            DemandLine(role="Backend", month="2027-01", fte=8),
            DemandLine(role="Backend", month="2027-07", fte=11.5),
            DemandLine(role="QA", month="2027-01", fte=3),
            DemandLine(role="QA", month="2027-07", fte=4.5),
        ],
        solver=SolverSettings(confidence=CONF, target_month="2027-07"),
    )


def test_solver_plan_meets_target_with_fresh_seeds_and_one_fewer_does_not(
    two_role_case: CapacityScenario,
) -> None:
    sc = two_role_case
    plan = solve_hiring_plan(sc, iterations=SOLVER_N, rng=101)
    assert plan.feasible
    assert plan.probability >= CONF
    assert plan.added_by_role == {"Backend": 2, "QA": 2}
    # fresh seeds: the plan's true probability is >= CONF up to the solver's and this run's SE
    fresh = simulate_capacity(sc, iterations=FRESH_N, rng=202, hires=plan.hires)
    p_fresh = fresh.min_prob_meets("2027-07")
    tol = 4 * math.hypot(_se(CONF, SOLVER_N), _se(CONF, FRESH_N))
    assert p_fresh >= CONF - tol
    # one hire fewer in any role fails even when every hire starts as early as allowed
    for role, k in plan.added_by_role.items():
        fewer = {**plan.added_by_role, role: k - 1}
        hires = [
            Hire(role=r, count=n, target_month=plan.earliest_month) for r, n in fewer.items() if n
        ]
        res = simulate_capacity(sc, iterations=FRESH_N, rng=303, hires=hires)
        p = res.min_prob_meets("2027-07")
        assert p < CONF - 4 * _se(CONF, FRESH_N), (role, p)


def test_solver_starts_are_as_late_as_possible(two_role_case: CapacityScenario) -> None:
    sc = two_role_case
    plan = solve_hiring_plan(sc, iterations=SOLVER_N, rng=101)
    # every added hire moved one month later breaks the plan (on the solver's own draws)
    for i, h in enumerate(plan.added):
        later = list(plan.added)
        later[i] = h.model_copy(update={"count": 1, "target_month": _next(h.target_month)})
        if h.count > 1:
            later.append(h.model_copy(update={"count": h.count - 1}))
        res = simulate_capacity(sc, iterations=SOLVER_N, rng=101, hires=(*sc.hires, *later))
        assert res.min_prob_meets("2027-07") < CONF
    # and the plan re-simulated on the solver's seed reproduces the solver's probability
    same = simulate_capacity(sc, iterations=SOLVER_N, rng=101, hires=plan.hires)
    assert same.min_prob_meets("2027-07") == pytest.approx(plan.probability, abs=1e-12)


def _next(month: str) -> str:
    from tpm_models.team_capacity.scenario import add_months

    return add_months(month, 1)


def test_solver_says_when_no_plan_within_limits_works(two_role_case: CapacityScenario) -> None:
    plan = solve_hiring_plan(two_role_case, iterations=1_000, rng=1, max_hires_per_role=1)
    assert not plan.feasible
    assert "No plan with at most 1 added hires per role" in plan.message
    assert plan.to_json()["feasible"] is False


def test_solver_needs_nothing_when_demand_is_already_met() -> None:
    sc = CapacityScenario(
        start_month="2027-01",
        months=6,
        roles=[RosterLine(role="QA", headcount=4)],
        demand=[DemandLine(role="QA", month="2027-01", fte=3)],
    )
    plan = solve_hiring_plan(sc, confidence=0.9, iterations=200, rng=1)
    assert plan.feasible
    assert plan.total_added == 0
    assert "no extra hires are needed" in plan.message


def test_deterministic_case_is_exact() -> None:
    """No randomness: 10 people, demand 12 from July, fixed 2-month hiring, no ramp."""
    sc = CapacityScenario(
        start_month="2027-01",
        months=12,
        ramp_months=0,
        time_to_hire_months=Estimate.fixed(2),
        roles=[RosterLine(role="Backend", headcount=10)],
        demand=[DemandLine(role="Backend", month="2027-07", fte=12)],
    )
    plan = solve_hiring_plan(sc, confidence=0.95, target_month="2027-07", iterations=100, rng=1)
    assert plan.added_by_role == {"Backend": 2}
    assert [(h.count, h.target_month) for h in plan.added] == [(2, "2027-07")]
    assert plan.probability == 1.0
    assert plan.baseline_probability == 0.0
    js = plan.to_json()
    assert js["hires"][0]["open_requisition_by"] == "2027-05"


def test_sample_current_plan_is_uncertain_and_solver_is_feasible() -> None:
    sc = load_scenario(SAMPLE)
    plan = solve_hiring_plan(sc, iterations=3_000, rng=7)
    assert 0.15 < plan.baseline_probability < 0.7
    assert plan.feasible
    assert plan.total_added >= 1
    assert "chance of meeting demand" in plan.message


def test_compare_plans_uses_common_random_numbers() -> None:
    sc = load_scenario(SAMPLE)
    same = list(sc.hires)
    cmp = compare_plans(
        sc,
        {"a": same, "b": same, "more": [*same, *sc.alternatives[0].hires]},
        iterations=1_000,
        rng=3,
    )
    a, b = cmp.results["a"], cmp.results["b"]
    np.testing.assert_array_equal(a.capacity_fte, b.capacity_fte)
    s = cmp.summary().set_index("plan")
    assert s.loc["more", "hires"] > s.loc["a", "hires"]
    # the extra hires' seats come after the shared ones: the shared seats are identical draws
    assert s.loc["more", "headcount_last_month"] >= s.loc["a", "headcount_last_month"]
    m = cmp.monthly()
    assert set(m["plan"]) == {"a", "b", "more"}
    default = compare_plans(sc, iterations=500, rng=3)
    assert list(default.results) == ["Current plan", *(a.name for a in sc.alternatives)]


def test_funnel_counts_round_up_stage_by_stage() -> None:
    rates = FunnelRates()  # 0.3, 0.4, 0.3, 0.8
    assert funnel_counts(1, rates) == {
        "applicants": 60,
        "screens": 18,
        "interviews": 7,
        "offers": 2,
    }
    # 4 hires / 0.8 = 5 offers; / 0.3 → 17 interviews; / 0.4 → 43 screens; / 0.3 → 144
    assert funnel_counts(4, rates) == {
        "applicants": 144,
        "screens": 43,
        "interviews": 17,
        "offers": 5,
    }
    assert funnel_counts(0, rates)["applicants"] == 0
    perfect = FunnelRates(
        applicant_to_screen=1, screen_to_interview=1, interview_to_offer=1, offer_to_accept=1
    )
    assert funnel_counts(3, perfect) == dict.fromkeys(
        ("applicants", "screens", "interviews", "offers"), 3
    )


def test_funnel_timing_is_consistent_with_the_engine() -> None:
    """Requisition opens at need date − ⌈likely TTH⌉ − ramp = wanted start − ⌈likely TTH⌉,
    and with the likely time to hire the engine starts the person in the wanted month."""
    sc = CapacityScenario(
        start_month="2027-01",
        months=12,
        ramp_months=3,
        time_to_hire_months=Estimate.fixed(2),
        attrition_annual=0.2,
        backfill=Backfill(enabled=True),
        roles=[RosterLine(role="QA", headcount=4)],
        hires=[Hire(role="QA", count=2, target_month="2027-06")],
    )
    f = hiring_funnel(sc)
    row = f.iloc[0]
    assert row["open_requisition_by"] == "2027-04"
    assert row["fully_productive_from"] == "2027-09"
    assert row["open_by_for_80pct_on_time"] == "2027-04"  # fixed time to hire: P80 = 2
    assert "backfill (expected)" in set(f["kind"])
    # the engine: the two hires are present from June (index 5), never before
    res = simulate_capacity(sc, iterations=200, rng=1, hires=sc.hires)
    seats = res.headcount[0] - simulate_capacity(sc, iterations=200, rng=1, hires=[]).headcount[0]
    assert np.all(seats[:, :5] == 0)
    assert np.all(seats[:, 5] == 2)
