"""Team-capacity engine: closed forms, hand-computed ramps, drag, focus, backfill, demand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tpm_models.estimates import Estimate
from tpm_models.team_capacity import (
    Backfill,
    Backlog,
    CapacityScenario,
    DemandLine,
    Hire,
    RosterLine,
    monthly_hazard,
    ramp_factors,
    simulate_capacity,
)
from tpm_models.team_capacity.simulate import _binomial_from_uniforms, _split_leavers

FIXED2 = Estimate.fixed(2.0)


def _scenario(**kw: object) -> CapacityScenario:
    base: dict[str, object] = {
        "start_month": "2027-01",
        "months": 12,
        "roles": [RosterLine(role="Backend", headcount=5)],
        "time_to_hire_months": FIXED2,
    }
    base.update(kw)
    return CapacityScenario.model_validate(base)


def test_monthly_hazard_compounds_to_annual_rate() -> None:
    p = monthly_hazard(0.13)
    assert (1 - p) ** 12 == pytest.approx(0.87, abs=1e-12)


def test_headcount_mean_and_variance_follow_binomial_survival() -> None:
    """No hires, no backfill, no ramp: H_t ~ Binomial(N0, q), q = (1 − r)^(t/12), t = months
    after the start (DESIGN §4.1.1), so the start month has exactly N0."""
    n0, r, n = 40, 0.13, 20_000
    sc = _scenario(
        months=36, attrition_annual=r, ramp_months=0, roles=[RosterLine(role="A", headcount=n0)]
    )
    head = simulate_capacity(sc, iterations=n, rng=20270101).headcount[0].astype(float)
    assert np.all(head[:, 0] == n0)  # the start month has the roster as entered
    head = head[:, 1:]
    t = np.arange(1, 36)
    q = (1 - r) ** (t / 12)
    var = n0 * q * (1 - q)
    se_mean = np.sqrt(var / n)
    assert np.all(np.abs(head.mean(axis=0) - n0 * q) < 4 * se_mean)
    # SE of the sample variance: sqrt((μ4 − σ⁴ (n − 3)/(n − 1)) / n), μ4 of the Binomial
    mu4 = var * (1 + 3 * (n0 - 2) * q * (1 - q))
    se_var = np.sqrt((mu4 - var**2 * (n - 3) / (n - 1)) / n)
    assert np.all(np.abs(head.var(axis=0, ddof=1) - var) < 4 * se_var)
    # and the effective capacity is the headcount (FTE 1, focus 1, no PTO)
    res = simulate_capacity(sc, iterations=200, rng=1)
    np.testing.assert_array_equal(res.capacity_fte[0], res.headcount[0])


def test_linear_ramp_capacity_is_the_hand_computed_ramp_sum() -> None:
    """Zero attrition, fixed time to hire, linear ramp over 4 months: exact."""
    sc = _scenario(
        ramp_months=4,
        hires=[
            Hire(role="Backend", count=2, target_month="2027-03"),
            Hire(role="Backend", count=1, target_month="2027-05", fte=0.5),
        ],
    )
    cap = simulate_capacity(sc, iterations=50, rng=3).capacity_fte[0]
    ramp = [0.125, 0.375, 0.625, 0.875]  # (m − ½)/N for m = 1..4
    expected = np.full(12, 5.0)
    for start, count, fte in [(2, 2, 1.0), (4, 1, 0.5)]:
        for t in range(start, 12):
            m = t - start + 1
            expected[t] += count * fte * (ramp[m - 1] if m <= 4 else 1.0)
    np.testing.assert_allclose(cap, np.broadcast_to(expected, cap.shape), rtol=0, atol=1e-12)
    # by hand for month 6 (index 5): 5 + 2·0.875 + 0.5·0.375
    assert cap[0, 5] == pytest.approx(5 + 1.75 + 0.1875, abs=1e-12)


def test_ramp_factors_are_month_averages_of_the_curve() -> None:
    for curve in ("linear", "s_curve"):
        f = ramp_factors(5, curve)
        tau = np.linspace(0, 5, 500_001)
        if curve == "linear":
            g = tau / 5
        else:
            lo, hi = 1 / (1 + math.exp(4)), 1 / (1 + math.exp(-4))
            g = (1 / (1 + np.exp(-8 * (tau / 5 - 0.5))) - lo) / (hi - lo)
        for m in range(1, 6):
            seg = g[(tau >= m - 1) & (tau <= m)]
            assert f[m - 1] == pytest.approx(seg.mean(), abs=1e-5)
        assert np.all(np.diff(f) > 0)
        assert f[0] > 0
        assert f[-1] < 1
    assert ramp_factors(0).size == 0


def test_time_to_hire_slower_than_likely_delays_the_start() -> None:
    """Likely 2.5 → requisition 3 months ahead; U[2.5, 3.5] → one month late half the time."""
    tth = Estimate(low=2.5, likely=2.5, high=3.5, distribution="uniform")
    sc = _scenario(
        time_to_hire_months=tth,
        ramp_months=0,
        hires=[Hire(role="Backend", count=1, target_month="2027-04")],
    )
    n = 20_000
    head = simulate_capacity(sc, iterations=n, rng=11).headcount[0]
    assert np.all(head[:, :3] == 5)
    assert np.all(head[:, 4:] == 6)
    on_time = (head[:, 3] == 6).mean()
    assert abs(on_time - 0.5) < 4 * math.sqrt(0.25 / n)


def test_onboarding_drag_costs_capacity_only_while_someone_ramps() -> None:
    kw: dict[str, object] = {
        "ramp_months": 3,
        "hires": [Hire(role="Backend", count=2, target_month="2027-04")],
    }
    plain = simulate_capacity(_scenario(**kw), iterations=20, rng=5).capacity_fte[0]
    drag = simulate_capacity(_scenario(onboarding_drag=0.25, **kw), iterations=20, rng=5)
    diff = plain - drag.capacity_fte[0]
    expected = np.zeros(12)
    expected[3:6] = 2 * 0.25  # two people ramping in months 4, 5, 6
    np.testing.assert_allclose(diff, np.broadcast_to(expected, diff.shape), atol=1e-12)


def test_focus_factor_scales_capacity_linearly() -> None:
    kw: dict[str, object] = {
        "months": 24,
        "attrition_annual": 0.2,
        "onboarding_drag": 0.2,
        "backfill": Backfill(enabled=True),
        "time_to_hire_months": Estimate(low=1, likely=2, high=4),
        "hires": [Hire(role="Backend", count=3, target_month="2027-03")],
    }
    full = simulate_capacity(_scenario(focus_factor=1.0, **kw), iterations=500, rng=9)
    part = simulate_capacity(_scenario(focus_factor=0.65, **kw), iterations=500, rng=9)
    np.testing.assert_allclose(part.capacity_fte, 0.65 * full.capacity_fte, rtol=1e-12)
    np.testing.assert_array_equal(part.headcount, full.headcount)


def test_pto_by_calendar_month_scales_that_month() -> None:
    pto = [0.0] * 12
    pto[7] = 0.25  # August
    res = simulate_capacity(_scenario(pto_by_calendar_month=pto), iterations=5, rng=1)
    expected = np.full(12, 5.0)
    expected[7] = 3.75
    np.testing.assert_allclose(res.capacity_fte[0, 0], expected)


def test_pto_days_per_month_is_a_share_of_working_days() -> None:
    res = simulate_capacity(
        _scenario(pto_days_per_month=2.1, working_days_per_month=21), iterations=5, rng=1
    )
    np.testing.assert_allclose(res.capacity_fte[0, 0], np.full(12, 4.5))


def test_instant_backfill_keeps_headcount_constant() -> None:
    sc = _scenario(
        months=36,
        attrition_annual=0.3,
        ramp_months=0,
        backfill=Backfill(enabled=True, lag_months=Estimate.fixed(0)),
        hires=[Hire(role="Backend", count=2, target_month="2027-02")],
    )
    head = simulate_capacity(sc, iterations=2_000, rng=2).headcount[0]
    assert np.all(head[:, 0] == 5)
    assert np.all(head[:, 1:] == 7)


def test_backfill_lag_leaves_a_gap_and_replacement_ramps() -> None:
    """Expected headcount with fixed 3-month backfill lag, no ramp: between the no-backfill
    survival curve and the full roster, and close to full (gaps of 3 months only)."""
    n0, r, n = 30, 0.2, 4_000
    common: dict[str, object] = {
        "months": 24,
        "attrition_annual": r,
        "ramp_months": 0,
        "roles": [RosterLine(role="A", headcount=n0)],
    }
    lag3 = Backfill(enabled=True, lag_months=Estimate.fixed(3))
    with_bf = simulate_capacity(_scenario(backfill=lag3, **common), iterations=n, rng=4)
    mean = with_bf.headcount[0].mean(axis=0)
    p = monthly_hazard(r)
    # steady state: a seat is empty 3 months per "cycle" of 1/p months filled + 3 empty
    steady = n0 * (1 / p) / (1 / p + 3)
    assert mean[-1] == pytest.approx(steady, rel=0.01)
    assert np.all(mean[:3] == pytest.approx(n0 * (1 - r) ** (np.arange(0, 3) / 12), rel=0.01))


def test_roster_line_start_and_end_months() -> None:
    sc = _scenario(
        roles=[
            RosterLine(role="Backend", headcount=5),
            RosterLine(
                role="Backend", headcount=2, fte=0.5, start_month="2027-03", end_month="2027-06"
            ),
        ],
    )
    cap = simulate_capacity(sc, iterations=3, rng=1).capacity_fte[0, 0]
    np.testing.assert_allclose(cap, [5, 5, 6, 6, 6, 6, 5, 5, 5, 5, 5, 5])


def test_demand_is_a_step_function_plus_spread_backlogs() -> None:
    sc = _scenario(
        months=6,
        working_days_per_month=20,
        demand=[
            DemandLine(role="Backend", month="2027-02", fte=4),
            DemandLine(role="Backend", month="2027-04", person_days=100),
        ],
        backlogs=[
            Backlog(role="Backend", person_days=60, start_month="2027-04", due_month="2027-06")
        ],
    )
    assert sc.demand_matrix() == [[0.0, 4.0, 4.0, 6.0, 6.0, 6.0]]


def test_meeting_demand_and_result_frames() -> None:
    sc = _scenario(
        roles=[RosterLine(role="Backend", headcount=5), RosterLine(role="QA", headcount=2)],
        demand=[
            DemandLine(role="Backend", month="2027-01", fte=5),
            DemandLine(role="QA", month="2027-01", fte=1),
            DemandLine(role="QA", month="2027-07", fte=3),
        ],
    )
    res = simulate_capacity(sc, iterations=10, rng=1)
    np.testing.assert_array_equal(res.prob_meets_demand("Backend"), np.ones(12))
    np.testing.assert_array_equal(res.prob_meets_demand(), [1.0] * 6 + [0.0] * 6)
    assert res.min_prob_meets("2027-01", "2027-06") == 1.0
    assert res.min_prob_meets("2027-03") == 0.0
    assert res.worst_month("2027-03") == "2027-07"
    assert res.prob_meets_every_month("2027-01", "2027-06") == 1.0
    m = res.monthly()
    assert set(m["role"]) == {"Backend", "QA", "Total"}
    tot = m[m["role"] == "Total"]
    assert tot["demand"].tolist() == [6.0] * 6 + [8.0] * 6
    assert tot["capacity_p50"].tolist() == [7.0] * 12
    assert tot["cum_demand"].iloc[-1] == 84.0
    s = res.summary()
    assert s.set_index("role").loc["QA", "worst_month_prob_meets"] == 0.0


def test_same_seed_same_result_and_percentiles_ordered() -> None:
    sc = _scenario(
        months=24,
        attrition_annual=0.15,
        onboarding_drag=0.2,
        backfill=Backfill(enabled=True),
        time_to_hire_months=Estimate(low=1, likely=2, high=5),
        hires=[Hire(role="Backend", count=4, target_month="2027-02")],
    )
    a = simulate_capacity(sc, iterations=1_000, rng=42)
    b = simulate_capacity(sc, iterations=1_000, rng=42)
    np.testing.assert_array_equal(a.capacity_fte, b.capacity_fte)
    m = a.monthly()
    assert (m["capacity_p10"] <= m["capacity_p50"]).all()
    assert (m["capacity_p50"] <= m["capacity_p90"]).all()


@pytest.mark.parametrize(("n", "p"), [(0, 0.2), (1, 0.01), (7, 0.0115), (30, 0.2)])
def test_binomial_by_inverse_cdf_has_binomial_moments(n: int, p: float) -> None:
    trials = 200_000
    rng = np.random.default_rng(n)
    d = _binomial_from_uniforms(np.full(trials, n, dtype=np.int32), p, rng.random(trials))
    assert d.min() >= 0
    assert d.max() <= n
    var = n * p * (1 - p)
    if var == 0:
        assert np.all(d == 0)
        return
    assert abs(d.mean() - n * p) < 4 * math.sqrt(var / trials)
    mu4 = var * (1 + 3 * (n - 2) * p * (1 - p))
    assert abs(d.var(ddof=1) - var) < 4 * math.sqrt(
        (mu4 - var**2 * (trials - 3) / (trials - 1)) / trials
    )


def test_leavers_are_split_over_groups_without_replacement() -> None:
    """4 leavers among groups of 10, 5, 5 people: the first group's share is
    Hypergeometric(20, 10, 4): mean 2, variance 4·½·½·16/19."""
    cases = 40_000
    groups = np.broadcast_to(np.array([[10], [5], [5]], dtype=np.int32), (3, cases)).copy()
    leavers = np.full(cases, 4, dtype=np.int32)
    taken = _split_leavers(groups, leavers, np.random.default_rng(8))
    assert np.all(taken.sum(axis=0) == 4)
    assert np.all(taken <= groups)
    var = 4 * 0.5 * 0.5 * 16 / 19
    assert abs(taken[0].mean() - 2) < 4 * math.sqrt(var / cases)
    m4 = ((taken[0] - taken[0].mean()) ** 4).mean()  # SE of a sample variance from its m4
    assert abs(taken[0].var() - var) < 4 * math.sqrt((m4 - var**2) / cases)


def test_ramping_backfills_leave_at_the_same_rate() -> None:
    """With instant backfill, ramp 3 and no drag, every seat is always filled: headcount is
    constant even though leavers come from ramped and ramping people alike."""
    sc = _scenario(
        months=36,
        attrition_annual=0.5,
        ramp_months=3,
        backfill=Backfill(enabled=True, lag_months=Estimate.fixed(0)),
        roles=[RosterLine(role="A", headcount=12)],
    )
    res = simulate_capacity(sc, iterations=3_000, rng=6)
    assert np.all(res.headcount[0] == 12)
    # capacity falls below 12 only by ramping people: 12 − Σ (1 − ramp factor) per newcomer
    assert res.capacity_fte[0].max() <= 12
    assert res.capacity_fte[0, :, -1].mean() < 12
