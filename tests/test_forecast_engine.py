"""Delivery forecast engine: closed forms, Monte Carlo means within 4 SE, percentile rules."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tpm_models.calendar import WorkCalendar
from tpm_models.delivery_forecast import (
    FAN_LEVELS,
    Backlog,
    BacklogRisk,
    DailyThroughput,
    ForecastInputs,
    ThroughputEstimate,
    how_many_percentile,
    percentile_standard_error,
    period_end_dates,
    period_samples,
    periods_until,
    simulate_forecast,
    when_percentile,
)
from tpm_models.errors import InputError

THU = dt.date(2027, 1, 7)  # a Thursday: a daily forecast from here crosses a weekend at once
MON = dt.date(2027, 1, 4)


def _inputs(**kw: object) -> ForecastInputs:
    base: dict[str, object] = {"period": "day", "start_date": THU}
    base.update(kw)
    return ForecastInputs.model_validate(base)


# --- closed forms ------------------------------------------------------------------------
@pytest.mark.parametrize(("k", "items"), [(1, 1), (1, 7), (2, 9), (3, 30), (5, 4), (4, 101)])
def test_constant_daily_throughput_when_is_ceil_n_over_k_working_days(k: int, items: int) -> None:
    res = simulate_forecast(
        _inputs(throughput_per_period=(k,), backlog=Backlog(low_items=items)),
        iterations=200,
        rng=np.random.default_rng(1),
    )
    days = math.ceil(items / k)
    assert res.when_periods is not None
    assert set(res.when_periods.tolist()) == {days}
    # the date is working day `days - 1` from Thursday, weekends skipped
    expected = np.busday_offset(np.datetime64(THU), days - 1, roll="forward").astype(object)
    assert res.when_date(50) == res.when_date(95) == expected
    assert res.when_date(95).weekday() < 5


def test_constant_throughput_dates_by_hand() -> None:
    res = simulate_forecast(
        _inputs(throughput_per_period=(2,), backlog=Backlog(low_items=5)), iterations=10, rng=0
    )
    # 3 working days from Thu 7 Jan: Thu, Fri, Mon 11 Jan
    assert res.when_periods_at(85) == 3
    assert res.when_date(85) == dt.date(2027, 1, 11)


@pytest.mark.parametrize(("k", "target"), [(3, dt.date(2027, 1, 7)), (2, dt.date(2027, 1, 20))])
def test_constant_daily_throughput_how_many_is_k_times_working_days(
    k: int, target: dt.date
) -> None:
    res = simulate_forecast(
        _inputs(throughput_per_period=(k,), target_date=target), iterations=100, rng=2
    )
    d = int(np.busday_count(np.datetime64(THU), np.datetime64(target + dt.timedelta(days=1))))
    assert res.target_periods == d
    assert res.how_many_items is not None
    assert set(res.how_many_items.tolist()) == {k * d}
    assert res.how_many_at(50) == res.how_many_at(95) == k * d


def test_holidays_are_skipped_for_daily_periods() -> None:
    cal = WorkCalendar(holidays=(dt.date(2027, 1, 8),))  # Friday off
    res = simulate_forecast(
        _inputs(throughput_per_period=(1,), backlog=Backlog(low_items=2), calendar=cal),
        iterations=10,
        rng=0,
    )
    assert res.when_date(50) == dt.date(2027, 1, 11)  # Thu, (Fri holiday), Mon


def test_daily_start_on_a_weekend_rolls_forward() -> None:
    sat = dt.date(2027, 1, 9)
    assert period_end_dates(sat, "day", [1, 2]).astype(object).tolist() == [
        dt.date(2027, 1, 11),
        dt.date(2027, 1, 12),
    ]
    assert periods_until(sat, "day", dt.date(2027, 1, 10)) == 0
    assert periods_until(sat, "day", dt.date(2027, 1, 11)) == 1


# --- weekly numbering -------------------------------------------------------------------------
def test_weekly_period_k_covers_start_plus_7k_minus_7_to_7k_minus_1() -> None:
    ends = period_end_dates(MON, "week", [1, 2, 3]).astype(object).tolist()
    assert ends == [MON + dt.timedelta(days=7 * k - 1) for k in (1, 2, 3)]
    # how many by DATE counts periods ending on or before DATE
    assert periods_until(MON, "week", MON) == 0
    assert periods_until(MON, "week", dt.date(2027, 1, 9)) == 0  # Sat: week 1 not over
    assert periods_until(MON, "week", dt.date(2027, 1, 10)) == 1  # Sun: last day of week 1
    assert periods_until(MON, "week", dt.date(2027, 1, 23)) == 2
    assert periods_until(MON, "week", dt.date(2027, 1, 24)) == 3
    assert periods_until(MON, "week", dt.date(2027, 1, 1)) == 0


def test_weekly_when_date_is_last_day_of_finishing_week() -> None:
    inp = ForecastInputs(
        throughput_per_period=(5,),
        period="week",
        start_date=dt.date(2027, 1, 6),  # a Wednesday: weeks run Wed..Tue
        backlog=Backlog(low_items=12),
        target_date=dt.date(2027, 1, 25),
    )
    res = simulate_forecast(inp, iterations=50, rng=3)
    assert res.when_periods_at(50) == 3
    assert res.when_date(50) == dt.date(2027, 1, 26)  # 6 Jan + 20 days, a Tuesday
    assert res.target_periods == 2  # weeks ending 12 Jan and 19 Jan; 26 Jan is after 25 Jan
    assert res.how_many_at(85) == 10


# --- bootstrap means within 4 standard errors ---------------------------------------------------
@pytest.mark.parametrize("period", ["day", "week"])
def test_bootstrap_mean_how_many_is_periods_times_mean_throughput(period: str) -> None:
    history = (0, 0, 1, 3, 7, 2, 0, 5, 4, 1, 0, 9)
    n, target = 40_000, dt.date(2027, 3, 31)
    inp = ForecastInputs(
        throughput_per_period=history, period=period, start_date=THU, target_date=target
    )
    res = simulate_forecast(inp, iterations=n, rng=np.random.default_rng(11))
    d = periods_until(THU, period, target)  # type: ignore[arg-type]
    h = np.asarray(history, dtype=float)
    # sum of d iid draws from the empirical distribution: mean d·μ, variance d·σ²
    se = math.sqrt(d * h.var() / n)
    assert res.how_many_items is not None
    assert abs(res.how_many_items.mean() - d * h.mean()) < 4 * se


def test_focus_thins_throughput_and_keeps_the_mean_exact() -> None:
    history = (2, 4, 6, 0, 3)
    n, f = 40_000, 0.6
    inp = _inputs(throughput_per_period=history, target_date=dt.date(2027, 2, 3), focus_percent=60)
    res = simulate_forecast(inp, iterations=n, rng=5)
    d = res.target_periods
    assert d is not None
    h = np.asarray(history, dtype=float)
    # per period: X ~ Binomial(T, f), T bootstrap: E = fμ, Var = f(1−f)μ + f²σ²
    var = f * (1 - f) * h.mean() + f * f * h.var()
    assert res.how_many_items is not None
    assert res.how_many_items.dtype.kind == "i"
    assert abs(res.how_many_items.mean() - d * f * h.mean()) < 4 * math.sqrt(d * var / n)


def test_triangular_estimate_rounded_mean() -> None:
    e = ThroughputEstimate(low=1, likely=3, high=8)
    n = 40_000
    res = simulate_forecast(
        _inputs(throughput_estimate=e, target_date=dt.date(2027, 1, 20)), iterations=n, rng=7
    )
    d = res.target_periods
    assert d is not None
    draws = np.rint(np.random.default_rng(0).triangular(1, 3, 8, 400_000))
    assert abs(e.mean_items - draws.mean()) < 4 * draws.std() / math.sqrt(draws.size)
    assert res.how_many_items is not None
    se = math.sqrt(d * draws.var() / n)
    assert abs(res.how_many_items.mean() - d * e.mean_items) < 4 * se


def test_degenerate_estimate_is_constant() -> None:
    res = simulate_forecast(
        _inputs(
            throughput_estimate=ThroughputEstimate(low=3, likely=3, high=3),
            backlog=Backlog(low_items=9),
        ),
        iterations=20,
        rng=0,
    )
    assert res.when_periods is not None
    assert set(res.when_periods.tolist()) == {3}


# --- backlog, splits and risks ----------------------------------------------------------------
def test_backlog_range_is_uniform_integer_and_split_rounds_up() -> None:
    n = 30_000
    res = simulate_forecast(
        _inputs(throughput_per_period=(1,), backlog=Backlog(low_items=10, high_items=19)),
        iterations=n,
        rng=8,
    )
    assert res.backlog_items is not None
    assert res.when_periods is not None
    assert set(res.backlog_items.tolist()) == set(range(10, 20))
    # one item per period: the period of the last item IS the backlog size
    assert np.array_equal(res.when_periods, res.backlog_items)
    se = math.sqrt((10**2 - 1) / 12 / n)
    assert abs(res.backlog_items.mean() - 14.5) < 4 * se
    fixed_split = simulate_forecast(
        _inputs(throughput_per_period=(1,), backlog=Backlog(low_items=10, split_low=1.1)),
        iterations=5,
        rng=0,
    )
    assert fixed_split.backlog_items is not None
    assert set(fixed_split.backlog_items.tolist()) == {11}  # not 12 from float noise


def test_split_range_multiplies_the_backlog() -> None:
    n = 30_000
    res = simulate_forecast(
        _inputs(
            throughput_per_period=(50,),
            backlog=Backlog(low_items=100, split_low=1.0, split_high=1.5),
        ),
        iterations=n,
        rng=9,
    )
    b = res.backlog_items
    assert b is not None
    assert b.min() >= 100
    assert b.max() <= 150
    # ⌈100·U(1, 1.5)⌉ has mean 125.5 (the ceiling adds ½ on average) and sd 50/√12
    assert abs(b.mean() - 125.5) < 4 * (50 / math.sqrt(12)) / math.sqrt(n)


def test_risks_add_items_with_their_probability() -> None:
    n = 40_000
    risk = BacklogRisk(name="rework", probability=0.3, low_items=4, high_items=8)
    sure = BacklogRisk(name="sure", probability=1.0, low_items=2, high_items=2)
    res = simulate_forecast(
        _inputs(throughput_per_period=(5,), backlog=Backlog(low_items=20), risks=(risk, sure)),
        iterations=n,
        rng=10,
    )
    assert res.backlog_items is not None
    extra = res.backlog_items - 22
    assert set(np.unique(extra).tolist()) <= {0, 4, 5, 6, 7, 8}
    # E = p·6, Var = p·E[U²] − (p·6)², U uniform on 4..8 (E[U²] = 38)
    mean, var = 0.3 * 6, 0.3 * 38 - (0.3 * 6) ** 2
    assert abs(extra.mean() - mean) < 4 * math.sqrt(var / n)


# --- percentile definitions and direction ------------------------------------------------------
def test_percentile_rules_are_exactly_reached_in_at_least_x_percent() -> None:
    gen = np.random.default_rng(12)
    counts = gen.poisson(30, size=997)
    for level in (5, 15, 50, 85, 95, 99.9, 100):
        c = how_many_percentile(counts, level)
        assert np.mean(counts >= c) >= level / 100
        assert np.mean(counts >= c + 1) < level / 100
        k = when_percentile(counts, level)
        assert np.mean(counts <= k) >= level / 100
        assert np.mean(counts <= k - 1) < level / 100


def test_percentile_rank_has_no_float_round_up() -> None:
    # 85% of 100 trials is exactly 85 trials, not 86 (0.85 * 100 = 85.00000000000001)
    counts = np.arange(1, 101)
    assert when_percentile(counts, 85) == 85
    assert how_many_percentile(counts, 85) == 16


def test_direction_on_a_bursty_history() -> None:
    inp = _inputs(
        throughput_per_period=(0, 0, 0, 1, 0, 6, 2, 0, 0, 11),
        backlog=Backlog(low_items=40, high_items=60),
        target_date=dt.date(2027, 2, 26),
    )
    res = simulate_forecast(inp, iterations=5_000, rng=13)
    assert res.how_many_at(95) <= res.how_many_at(85) <= res.how_many_at(50)
    assert res.when_periods_at(50) <= res.when_periods_at(85) <= res.when_periods_at(95)
    assert res.when_date(50) <= res.when_date(85) <= res.when_date(95)


@settings(max_examples=40, deadline=None)
@given(
    history=st.lists(st.integers(0, 12), min_size=1, max_size=30).filter(lambda h: sum(h) > 0),
    items=st.integers(1, 120),
    spread=st.integers(0, 40),
    period=st.sampled_from(["day", "week"]),
    horizon_days=st.integers(0, 120),
    seed=st.integers(0, 2**32 - 1),
)
def test_property_percentile_direction(
    history: list[int], items: int, spread: int, period: str, horizon_days: int, seed: int
) -> None:
    inp = ForecastInputs(
        throughput_per_period=tuple(history),
        period=period,  # type: ignore[arg-type]
        start_date=THU,
        backlog=Backlog(low_items=items, high_items=items + spread),
        target_date=THU + dt.timedelta(days=horizon_days),
    )
    res = simulate_forecast(inp, iterations=500, rng=seed)
    assert res.how_many_at(95) <= res.how_many_at(85) <= res.how_many_at(50)
    assert res.when_periods_at(50) <= res.when_periods_at(85) <= res.when_periods_at(95)
    # the per-period table agrees with the exact figures at the target date
    if res.target_periods:
        by = res.how_many_by(THU + dt.timedelta(days=horizon_days))
        assert by == {lv: res.how_many_at(lv) for lv in (50, 85, 95)}
    # nobody finishes before the first period, and a trial's finish needs its backlog
    assert res.when_periods is not None
    assert res.when_periods.min() >= 1


# --- result tables ---------------------------------------------------------------------------
def test_when_table_is_a_cumulative_likelihood_with_labels() -> None:
    res = simulate_forecast(
        _inputs(throughput_per_period=(0, 1, 2, 3), backlog=Backlog(low_items=30)),
        iterations=4_000,
        rng=14,
    )
    t = res.when_table()
    assert np.all(np.diff(t["likelihood"]) >= 0)
    assert t["likelihood"].iloc[-1] == pytest.approx(1.0)
    assert t["trials"].sum() == 4_000
    p85 = t.loc[t["percentile"].str.contains("P85"), "date"].iloc[0]
    assert p85.date() == res.when_date(85)
    assert res.when_probability(res.when_date(85)) >= 0.85
    s = res.summary()
    assert list(s["percentile"]) == ["P50", "P85", "P95"]
    assert list(s["measure"]) == ["when"] * 3


def test_how_many_table_and_fan() -> None:
    target = dt.date(2027, 2, 12)
    res = simulate_forecast(
        _inputs(throughput_per_period=(0, 1, 2, 6), target_date=target), iterations=3_000, rng=15
    )
    t = res.how_many_table()
    assert t["trials"].sum() == 3_000
    assert np.all(np.diff(t["likelihood"]) <= 0)
    p85 = res.how_many_at(85)
    assert t.loc[t["items"] == p85, "likelihood"].iloc[0] >= 0.85
    assert res.target_periods is not None
    assert res.how_many_items is not None
    mean_at_target = res.fan_mean_items[res.target_periods - 1]
    assert mean_at_target == pytest.approx(res.how_many_items.mean(), rel=1e-12)
    fan = res.fan_frame()
    assert set(fan["level"]) == {f"P{lv}" for lv in FAN_LEVELS}
    with pytest.raises(ValueError, match="after the last period"):
        res.how_many_by(target + dt.timedelta(days=30))


def test_same_seed_same_result_and_different_seed_differs() -> None:
    inp = _inputs(throughput_per_period=(0, 1, 4, 2), backlog=Backlog(low_items=50, high_items=80))
    a = simulate_forecast(inp, iterations=2_000, rng=42)
    b = simulate_forecast(inp, iterations=2_000, rng=42)
    c = simulate_forecast(inp, iterations=2_000, rng=43)
    assert a.when_periods is not None
    assert b.when_periods is not None
    assert c.when_periods is not None
    assert np.array_equal(a.when_periods, b.when_periods)
    assert not np.array_equal(a.when_periods, c.when_periods)


def test_many_periods_cross_block_boundaries() -> None:
    # 1 item every other period on average, 300 items: hundreds of periods over several blocks
    res = simulate_forecast(
        _inputs(throughput_per_period=(0, 1), backlog=Backlog(low_items=300)),
        iterations=30_000,
        rng=16,
    )
    assert res.when_periods is not None
    # periods to the 300th success of a Bernoulli(½): negative binomial, mean 600, var 600
    n = res.when_periods.size
    assert abs(res.when_periods.mean() - 600) < 4 * math.sqrt(600 / n)


# --- errors ------------------------------------------------------------------------------
def test_zero_throughput_is_an_input_error() -> None:
    with pytest.raises(InputError, match="zero in every period"):
        simulate_forecast(
            _inputs(throughput_per_period=(0, 0), backlog=Backlog(low_items=3)), iterations=10
        )


def test_absurd_backlog_is_an_input_error() -> None:
    with pytest.raises(InputError, match="periods"):
        simulate_forecast(
            _inputs(throughput_per_period=(0, 0, 0, 1), backlog=Backlog(low_items=100_000)),
            iterations=10,
        )


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"backlog": Backlog(low_items=3)}, "either a throughput history"),
        ({"throughput_per_period": (1,)}, "backlog"),
        ({"throughput_per_period": (), "backlog": Backlog(low_items=3)}, "no periods"),
        ({"throughput_per_period": (1, -1), "backlog": Backlog(low_items=3)}, "negative"),
        (
            {"throughput_per_period": (1,), "target_date": dt.date(2026, 1, 1)},
            "before the start",
        ),
    ],
)
def test_invalid_inputs(kw: dict[str, object], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        _inputs(**kw)


def test_invalid_backlog_and_estimate() -> None:
    with pytest.raises(ValidationError, match="backlog high"):
        Backlog(low_items=10, high_items=5)
    with pytest.raises(ValidationError, match="split rate high"):
        Backlog(low_items=10, split_low=1.5, split_high=1.2)
    with pytest.raises(ValidationError, match="low <= likely"):
        ThroughputEstimate(low=5, likely=2, high=8)


# --- history -> per-period samples -------------------------------------------------------------
def test_daily_history_fills_zero_days_and_windows() -> None:
    h = DailyThroughput.from_completion_dates(
        [dt.date(2027, 1, 4), dt.date(2027, 1, 4), dt.date(2027, 1, 8)],
        through=dt.date(2027, 1, 10),
    )
    assert h.completed.tolist() == [2, 0, 0, 0, 1, 0, 0]
    assert h.window(last_days=3).completed.tolist() == [1, 0, 0]
    assert h.window(start=dt.date(2027, 1, 5), end=dt.date(2027, 1, 8)).completed.tolist() == [
        0,
        0,
        0,
        1,
    ]
    with pytest.raises(InputError, match="no history between"):
        h.window(start=dt.date(2028, 1, 1))


def test_per_period_day_moves_weekend_items_to_the_next_working_day() -> None:
    h = DailyThroughput.from_counts(
        [dt.date(2027, 1, 8), dt.date(2027, 1, 9), dt.date(2027, 1, 10), dt.date(2027, 1, 11)],
        [1, 2, 3, 4],
    )
    frame = h.per_period("day")
    assert frame["completed"].tolist() == [1, 9]
    assert frame["completed"].sum() == h.total_items


def test_per_period_week_uses_complete_weeks_back_from_the_last_day() -> None:
    days = [dt.date(2027, 1, 1) + dt.timedelta(days=i) for i in range(16)]
    h = DailyThroughput.from_counts(days, list(range(16)))
    assert period_samples(h, "week") == (sum(range(2, 9)), sum(range(9, 16)))
    with pytest.raises(InputError, match="at least 7 days"):
        h.window(last_days=5).per_period("week")


@pytest.mark.parametrize("level", [50, 85, 95])
def test_percentile_standard_error_matches_the_closed_form_for_uniforms(level: int) -> None:
    # for U(0,1) the P-quantile estimate has SE √(p(1−p)/n) (the density is 1); the estimator
    # is a spacing of 2h = 2√(n·p(1−p)) order statistics, whose relative sd is about 1/√(2h)
    n, p = 100_000, level / 100
    u = np.random.default_rng(level).random(n)
    exact = math.sqrt(p * (1 - p) / n)
    two_h = 2 * math.sqrt(n * p * (1 - p))
    assert abs(percentile_standard_error(u, level) - exact) < 4 * exact / math.sqrt(two_h)


def test_summary_reports_standard_errors() -> None:
    res = simulate_forecast(
        _inputs(
            throughput_per_period=(0, 1, 2, 3, 5),
            backlog=Backlog(low_items=60),
            target_date=dt.date(2027, 2, 26),
        ),
        iterations=5_000,
        rng=21,
    )
    s = res.summary()
    assert list(s.columns) == [
        "measure",
        "percentile",
        "periods",
        "date",
        "items",
        "standard_error",
    ]
    assert (s["standard_error"] >= 0).all()
    assert res.how_many_standard_error(85) == percentile_standard_error(res.how_many_items, 15)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(0, 50), min_size=1, max_size=300),
    level=st.sampled_from([0.1, 5, 15, 30, 50, 70, 85, 95, 99, 100]),
)
def test_property_percentiles_are_exact_empirical_rules(values: list[int], level: float) -> None:
    a = np.asarray(values)
    c = how_many_percentile(a, level)  # largest c reached in at least level% of trials
    assert np.mean(a >= c) >= level / 100
    assert np.mean(a >= c + 1) < level / 100 or c == a.max()
    k = when_percentile(a, level)  # smallest k done by in at least level% of trials
    assert np.mean(a <= k) >= level / 100
    assert np.mean(a <= k - 1) < level / 100
