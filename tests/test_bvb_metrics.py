"""NPV, IRR, payback and the scenario cash-flow conventions against published figures."""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tpm_models.build_vs_buy import (
    discounted_payback_period,
    evaluate,
    irr,
    irr_count,
    npv,
    parse_scenario,
    payback_period,
)


def _scenario(lines: list[dict[str, object]], **kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "schema_version": 1,
        "horizon": 4,
        "discount_rate": 0.1,
        "options": [{"name": "P", "kind": "build", "lines": lines}],
    }
    base.update(kw)
    return base


# --- numpy-financial's documented examples -------------------------------------------------
# npf.npv(rate, values) discounts values[0] by (1+r)^0, i.e. exactly our convention (period 0
# undiscounted). Excel's NPV(r, v1..vn) would discount v0 too; NPV(r, v1..vn) + v0 equals ours.
NPF_NPV_EXAMPLES = [
    (0.08, [-40_000, 5_000, 8_000, 12_000, 30_000], 3065.22267),  # npf.npv docstring
    (0.1, [-100, 39, 59, 55, 20], None),
    (0.05, [-15_000, 1_500, 2_500, 3_500, 4_500, 6_000], None),  # npf.npv docstring
]


@pytest.mark.parametrize(("rate", "values", "published"), NPF_NPV_EXAMPLES)
def test_npv_matches_numpy_financial(rate: float, values: list[float], published: float | None):
    ours = float(npv(rate, values))
    assert ours == pytest.approx(float(npf.npv(rate, values)), rel=1e-12)
    if published is not None:
        assert round(ours, 5) == published


def test_npv_equals_excel_npv_plus_initial():
    values = [-100.0, 39.0, 59.0, 55.0, 20.0]
    excel_npv = sum(v / 1.1 ** (t + 1) for t, v in enumerate(values[1:]))  # Excel NPV(r, v1..)
    assert float(npv(0.1, values)) == pytest.approx(excel_npv + values[0], rel=1e-12)


# npf.irr docstring examples, rounded to 5 decimals there
NPF_IRR_EXAMPLES = [
    ([-100, 39, 59, 55, 20], 0.28095),
    ([-100, 0, 0, 74], -0.0955),
    ([-100, 100, 0, -7], -0.0833),
    ([-100, 100, 0, 7], 0.06206),
    ([-5, 10.5, 1, -8, 1], 0.0886),
]


@pytest.mark.parametrize(("values", "published"), NPF_IRR_EXAMPLES)
def test_irr_matches_numpy_financial(values: list[float], published: float):
    ours = float(irr(values))
    assert round(ours, 5) == published
    assert ours == pytest.approx(float(npf.irr(values)), abs=1e-10)


def test_irr_vectorised_over_columns_and_nan_without_sign_change():
    cols = np.array([[-100, 39, 59, 55, 20], [-100, 0, 0, 74, 0], [100, 10, 10, 10, 0]]).T
    got = irr(cols)
    assert got.shape == (3,)
    assert got[0] == pytest.approx(npf.irr([-100, 39, 59, 55, 20]), abs=1e-10)
    assert got[1] == pytest.approx(npf.irr([-100, 0, 0, 74]), abs=1e-10)
    assert np.isnan(got[2])
    assert np.isnan(irr([100.0, 10.0, 10.0]))
    assert np.isnan(irr([-100.0, -10.0, 0.0]))
    # the IRR makes the NPV zero
    assert float(npv(float(got[0]), cols[:, 0])) == pytest.approx(0.0, abs=1e-9)


# --- payback, hand-worked ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([-100, 60, 60], 1 + 40 / 60),  # cumulative -100, -40, +20
        ([-100, 50, 50, 50], 2.0),  # reaches exactly 0 at the end of period 2
        ([-100, 30, 30, 30, 30], 3 + 10 / 30),
        ([0, 10, 10], 0.0),  # nothing to pay back
        ([-100, 10, 10], math.nan),  # never within the horizon
        ([-50, -50, 150], 1 + 100 / 150),  # investment spread over two periods
    ],
)
def test_payback_hand_worked(values: list[float], expected: float):
    got = float(payback_period(values))
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, rel=1e-12)


def test_discounted_payback_hand_worked():
    # at 10%: -100, 54.5454..., 49.5867...; cumulative -100, -45.4545, +4.1322
    got = float(discounted_payback_period(0.1, [-100, 60, 60]))
    assert got == pytest.approx(1 + (100 - 60 / 1.1) / (60 / 1.21), rel=1e-12)


# --- a published multi-year case ----------------------------------------------------------------
def test_published_case_motley_fool_npv_roi():
    """The Motley Fool, "Net Present Value (NPV)" (fool.com/terms/n/net-present-value): invest
    $15,000 now, $3,000 profit a year for 10 years, 10% cost of capital -> NPV $3,433.70.
    PV of the inflows = 18,433.70; ROI = NPV / PV costs = 3,433.70 / 15,000."""
    s = parse_scenario(
        _scenario(
            [
                {"name": "Expansion", "kind": "cost", "amount": 15_000, "start": 0, "end": 0},
                {"name": "Profit", "kind": "benefit", "amount": 3_000, "start": 1, "end": 10},
            ],
            horizon=10,
        )
    )
    p = evaluate(s).options[0]
    assert round(p.npv, 2) == 3433.70
    assert p.pv_costs == 15_000
    assert round(p.pv_benefits, 2) == 18433.70
    assert p.roi == pytest.approx(3433.70 / 15_000, abs=1e-6)
    assert p.tco_nominal == 15_000
    assert p.payback_period == pytest.approx(5.0)  # 15,000 / 3,000 a year


def test_published_case_monthly_periods_convert_annual_rate():
    """calcforme.com NPV calculator worked example: $1,000,000 now, $25,000 a month for five
    years, 8% a year turned into a monthly rate (1.08)^(1/12) - 1 -> NPV $241,122.58."""
    s = parse_scenario(
        _scenario(
            [
                {"name": "Investment", "kind": "cost", "values": [1_000_000] + [0] * 60},
                {"name": "Inflow", "kind": "benefit", "amount": 25_000},
            ],
            horizon=60,
            period="month",
            discount_rate=0.08,
        )
    )
    got = evaluate(s).options[0].npv
    # the page shows the monthly rate rounded to 0.64% but computes with the exact conversion
    assert round(got, 2) == 241_122.58
    r_month = 1.08 ** (1 / 12) - 1
    assert got == pytest.approx(npf.npv(r_month, [-1_000_000] + [25_000] * 60), rel=1e-12)


# --- scenario conventions -----------------------------------------------------------------------
def test_recurring_amount_escalation_and_seats():
    s = parse_scenario(
        _scenario(
            [
                {
                    "name": "Licences",
                    "kind": "cost",
                    "amount": 100,
                    "per_seat": True,
                    "start": 1,
                    "end": 3,
                    "escalation": 0.05,
                }
            ],
            horizon=4,
            seats={"initial": 10, "growth": 0.2},
        )
    )
    costs = evaluate(s).options[0].costs
    # seats_t = 10·1.2^t (period 0 is "initial"); price 100·1.05^(t-1) from start=1; none after 3
    expected = [0.0] + [100 * 1.05 ** (t - 1) * 10 * 1.2**t for t in (1, 2, 3)] + [0.0]
    assert costs.tolist() == pytest.approx(expected, rel=1e-12)


def test_monthly_growth_is_converted_from_annual():
    s = parse_scenario(
        _scenario(
            [{"name": "Seat fee", "kind": "cost", "amount": 1, "per_seat": True}],
            horizon=13,
            period="month",
            seats={"initial": 100, "growth": 0.21},
        )
    )
    costs = evaluate(s).options[0].costs
    assert costs[1] == pytest.approx(100.0 * 1.21 ** (1 / 12))  # one month of 21% a year
    assert costs[12] == pytest.approx(121.0)  # twelve months of growth = one year at 21%


def test_time_to_value_cost_of_delay_and_exit_cost():
    s = parse_scenario(
        {
            "schema_version": 1,
            "horizon": 4,
            "discount_rate": 0.0,
            "options": [
                {
                    "name": "Build",
                    "kind": "build",
                    "time_to_value": 2,
                    "cost_of_delay": 7,
                    "exit_cost": 50,
                    "lines": [
                        {"name": "Gain", "kind": "benefit", "values": [0, 10, 20, 30, 40]},
                    ],
                }
            ],
        }
    )
    p = evaluate(s).options[0]
    assert p.benefits.tolist() == [0, 0, 0, 10, 20]  # shifted by 2, 30 and 40 fall off
    assert p.costs.tolist() == [0, 7, 7, 0, 50]  # delay in periods 1..2, exit at the horizon


def test_roi_irr_payback_of_a_simple_option():
    s = parse_scenario(
        _scenario(
            [
                {"name": "Invest", "kind": "cost", "values": [100, 0, 0, 0, 0]},
                {"name": "Return", "kind": "benefit", "values": [0, 39, 59, 55, 20]},
            ]
        )
    )
    p = evaluate(s).options[0]
    assert p.npv == pytest.approx(npf.npv(0.1, [-100, 39, 59, 55, 20]), rel=1e-12)
    assert p.roi == pytest.approx(p.npv / 100, rel=1e-12)
    assert p.irr == pytest.approx(npf.irr([-100, 39, 59, 55, 20]), abs=1e-10)
    assert p.payback_period == pytest.approx(2 + 2 / 55)


def test_monthly_irr_is_annualised():
    values = [-1000.0] + [100.0] * 12
    s = parse_scenario(
        _scenario(
            [
                {"name": "Invest", "kind": "cost", "values": [1000] + [0] * 12},
                {"name": "Return", "kind": "benefit", "values": [0] + [100] * 12},
            ],
            horizon=12,
            period="month",
        )
    )
    monthly = npf.irr(values)
    assert evaluate(s).options[0].irr == pytest.approx((1 + monthly) ** 12 - 1, abs=1e-9)


# --- property: NPV falls as the discount rate rises (conventional project) --------------------
@settings(max_examples=60, deadline=None)
@given(
    invest=st.floats(1.0, 1e6),
    inflows=st.lists(st.floats(0.0, 1e6), min_size=1, max_size=12).filter(lambda v: sum(v) > 1),
    r1=st.floats(0.0, 0.5),
    dr=st.floats(0.001, 0.5),
)
def test_npv_strictly_decreases_with_rate(
    invest: float, inflows: list[float], r1: float, dr: float
):
    values = [-invest, *inflows]
    assert float(npv(r1 + dr, values)) < float(npv(r1, values))


@settings(max_examples=60, deadline=None)
@given(
    invest=st.floats(1.0, 1e6),
    inflows=st.lists(st.floats(0.0, 1e6), min_size=1, max_size=15).filter(lambda v: sum(v) > 0),
)
def test_irr_of_a_conventional_project_zeroes_the_npv(invest: float, inflows: list[float]):
    values = [-invest, *inflows]
    # the root lies inside the searched range r ∈ (−99.9%, 10,000%] a period
    assume(float(npv(-0.999, values)) > 0)
    assume(float(npv(100.0, values)) < 0)
    rate = float(irr(values))
    assert not math.isnan(rate)
    # one sign change: exactly one IRR, and the NPV there is 0 (relative to the flows' size)
    assert int(irr_count(values)) == 1
    assert abs(float(npv(rate, values))) <= 1e-8 * max(invest, max(inflows))
    assert (rate > 0) == (sum(inflows) > invest)
