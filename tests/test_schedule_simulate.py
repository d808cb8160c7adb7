"""Monte Carlo schedule engine against closed forms, a slow reference and invariants.

Tolerances are 4 standard errors of the statistic checked (or exact where the engine is exact).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import special, stats

from tpm_models.estimates import Estimate
from tpm_models.schedule_risk import (
    Correlation,
    Dependency,
    Risk,
    ScheduleInputs,
    Task,
    compute_cpm,
    simulate_schedule,
)
from tpm_models.schedule_risk.results import maritz_jarrett_se
from tpm_models.schedule_risk.simulate import BLOCK_TRIALS, _trial_durations

N = 40_000


def _chain(estimates: list[Estimate], **kw: object) -> ScheduleInputs:
    tasks = []
    for k, e in enumerate(estimates):
        preds = (Dependency(predecessor=f"T{k - 1}"),) if k else ()
        tasks.append(Task(id=f"T{k}", duration=e, predecessors=preds))
    return ScheduleInputs(tasks=tuple(tasks), **kw)  # type: ignore[arg-type]


def _parallel(estimates: list[Estimate], **kw: object) -> ScheduleInputs:
    tasks = [Task(id=f"P{k}", duration=e) for k, e in enumerate(estimates)]
    deps = tuple(Dependency(predecessor=t.id) for t in tasks)
    tasks.append(Task(id="END", duration=Estimate.fixed(0), predecessors=deps))
    return ScheduleInputs(tasks=tuple(tasks), **kw)  # type: ignore[arg-type]


# --- closed forms ------------------------------------------------------------------------
def test_serial_chain_mean_and_variance_are_sums() -> None:
    ests = [
        Estimate(low=2, likely=4, high=9),
        Estimate(low=1, likely=2, high=6, distribution="triangular"),
        Estimate(low=3, likely=3, high=5, distribution="uniform"),
        Estimate(low=5, likely=8, high=10, pert_lambda=3),
        Estimate.fixed(2),
    ]
    res = simulate_schedule(_chain(ests), iterations=N, rng=11)
    f = res.finish_days
    mean = sum(e.mean for e in ests)
    var = sum(e.variance for e in ests)
    assert abs(f.mean() - mean) <= 4 * math.sqrt(var / N)
    mu4 = float(np.mean((f - f.mean()) ** 4))
    se_var = math.sqrt((mu4 - var**2) / N)
    assert abs(f.var(ddof=1) - var) <= 4 * se_var
    assert res.deterministic_finish_days == sum(e.likely for e in ests)
    # on a serial chain every task is always critical
    np.testing.assert_array_equal(res.task_stats.criticality, 1.0)


def _triangular_cdf(x: float, a: float, c: float, b: float) -> float:
    if x <= a:
        return 0.0
    if x >= b:
        return 1.0
    if x <= c:
        return (x - a) ** 2 / ((b - a) * (c - a))
    return 1.0 - (b - x) ** 2 / ((b - a) * (b - c))


@pytest.mark.parametrize("k", [1, 2, 4])
def test_parallel_tasks_merge_bias_is_cdf_to_the_k(k: int) -> None:
    a, c, b = 2.0, 5.0, 12.0
    net = _parallel([Estimate(low=a, likely=c, high=b, distribution="triangular")] * k)
    res = simulate_schedule(net, iterations=N, rng=100 + k)
    for x in (3.5, 5.0, 6.5, 8.0, 10.0):
        p = _triangular_cdf(x, a, c, b) ** k
        emp = float(np.mean(res.finish_days <= x))
        assert abs(emp - p) <= 4 * math.sqrt(p * (1 - p) / N) + 1e-12, (x, emp, p)
        assert abs(res.deadline_probability(x) - emp) < 1e-12
    crit = res.task_stats.criticality
    np.testing.assert_allclose(crit[:k], 1 / k, atol=4 * math.sqrt(0.25 / N))
    if k > 1:
        merge = res.merge_points()
        assert merge.loc[0, "id"] == "END"
        assert merge.loc[0, "mean_delay_days"] > 0


def _clark(m1: float, s1: float, m2: float, s2: float, rho: float) -> tuple[float, float]:
    """Mean and SD of max(X1, X2) for a bivariate normal (Clark 1961, Operations Research 9)."""
    a = math.sqrt(s1 * s1 + s2 * s2 - 2 * rho * s1 * s2)
    alpha = (m1 - m2) / a
    phi = math.exp(-alpha * alpha / 2) / math.sqrt(2 * math.pi)
    big = special.ndtr(alpha)
    nu1 = m1 * big + m2 * (1 - big) + a * phi
    nu2 = (m1**2 + s1**2) * big + (m2**2 + s2**2) * (1 - big) + (m1 + m2) * a * phi
    return nu1, math.sqrt(nu2 - nu1 * nu1)


@pytest.mark.parametrize("rho_s", [0.0, 0.6, -0.5])
def test_two_parallel_normal_paths_match_clark(rho_s: float) -> None:
    # each path is two normal tasks; low/high are P5/P95, so σ = (high − low) / (2·1.6449)
    z = 1.6448536269514722
    p1 = [Estimate(low=40 - z * 3, likely=40, high=40 + z * 3, distribution="normal")] * 2
    p2 = [Estimate(low=41 - z * 4, likely=41, high=41 + z * 4, distribution="normal")] * 2
    tasks = [
        Task(id="A1", duration=p1[0]),
        Task(id="A2", duration=p1[1], predecessors=(Dependency(predecessor="A1"),)),
        Task(id="B1", duration=p2[0]),
        Task(id="B2", duration=p2[1], predecessors=(Dependency(predecessor="B1"),)),
        Task(
            id="END",
            duration=Estimate.fixed(0),
            predecessors=(Dependency(predecessor="A2"), Dependency(predecessor="B2")),
        ),
    ]
    corr = ()
    if rho_s:
        corr = (
            Correlation(task_a="A1", task_b="B1", rho=rho_s),
            Correlation(task_a="A2", task_b="B2", rho=rho_s),
        )
    res = simulate_schedule(
        ScheduleInputs(tasks=tuple(tasks), correlations=corr), iterations=N, rng=5
    )
    # Iman–Conover with normal scores gives a normal copula with Pearson r = 2 sin(π ρ_s / 6)
    r = 2 * math.sin(math.pi * rho_s / 6)
    s1, s2 = 3 * math.sqrt(2), 4 * math.sqrt(2)
    mean, sd = _clark(80, s1, 82, s2, r)
    f = res.finish_days
    assert abs(f.mean() - mean) <= 4 * sd / math.sqrt(N)
    kurt = float(stats.kurtosis(f, fisher=False))
    assert abs(f.std() - sd) <= 4 * sd * math.sqrt((kurt - 1) / (4 * N))
    assert res.warnings == ()


def test_all_fixed_network_monte_carlo_equals_cpm_exactly() -> None:
    tasks = (
        Task(id="A", duration=Estimate.fixed(3)),
        Task(
            id="B",
            duration=Estimate.fixed(4),
            predecessors=(Dependency(predecessor="A", type="SS", lag_days=1),),
        ),
        Task(
            id="C",
            duration=Estimate.fixed(2),
            predecessors=(Dependency(predecessor="B", type="FF", lag_days=-1),),
        ),
        Task(id="D", duration=Estimate.fixed(6), predecessors=(Dependency(predecessor="A"),)),
        Task(
            id="E",
            duration=Estimate.fixed(0),
            predecessors=(Dependency(predecessor="C"), Dependency(predecessor="D")),
        ),
    )
    net = ScheduleInputs(tasks=tasks)
    for method in ("monte_carlo", "latin_hypercube"):
        res = simulate_schedule(net, iterations=3000, rng=1, method=method)  # type: ignore[arg-type]
        assert np.all(res.finish_days == compute_cpm(net).finish_days)
        assert res.percentile(80) == res.deterministic_finish_days == 9.0
        assert res.buffer_days(90) == 0.0
        np.testing.assert_array_equal(res.task_stats.criticality, compute_cpm(net).critical)
        np.testing.assert_array_equal(res.task_stats.sensitivity, 0.0)
        table = res.task_table()
        np.testing.assert_array_equal(table["finish_p50"], table["deterministic_finish_days"])


# --- risks -------------------------------------------------------------------------------
def _chain_with_risk(probability: float, unit: str = "days", impact: float = 3.0) -> ScheduleInputs:
    ests = [
        Estimate(low=2, likely=4, high=9),
        Estimate.fixed(10),
        Estimate(low=1, likely=2, high=4),
    ]
    risk = Risk(
        id="R1",
        probability=probability,
        impact=Estimate.fixed(impact),
        impact_unit=unit,  # type: ignore[arg-type]
        tasks=("T1",),
    )
    return _chain(ests, risks=(risk,))


def test_certain_risk_shifts_serial_finish_by_its_impact() -> None:
    base = simulate_schedule(_chain_with_risk(0.0), iterations=5000, rng=9)
    hit = simulate_schedule(_chain_with_risk(1.0), iterations=5000, rng=9)
    np.testing.assert_allclose(hit.finish_days, base.finish_days + 3.0, rtol=0, atol=1e-12)
    assert hit.risk_occurrence[0] == 1.0
    assert hit.risk_mean_delay_days[0] == pytest.approx(3.0, abs=1e-12)
    # percent impact: 10 % of the fixed 10-day task = 1 day
    pct = simulate_schedule(_chain_with_risk(1.0, "percent", 10.0), iterations=5000, rng=9)
    np.testing.assert_allclose(pct.finish_days, base.finish_days + 1.0, rtol=0, atol=1e-12)


def test_impossible_risk_changes_nothing() -> None:
    no_risk = _chain(
        [Estimate(low=2, likely=4, high=9), Estimate.fixed(10), Estimate(low=1, likely=2, high=4)]
    )
    a = simulate_schedule(no_risk, iterations=5000, rng=9)
    b = simulate_schedule(_chain_with_risk(0.0), iterations=5000, rng=9)
    np.testing.assert_array_equal(a.finish_days, b.finish_days)
    assert b.risk_occurrence[0] == 0.0
    assert b.risk_mean_delay_days[0] == 0.0


def test_risk_mean_delay_on_serial_chain_is_occurrence_times_impact() -> None:
    res = simulate_schedule(_chain_with_risk(0.3), iterations=20_000, rng=4)
    occ = res.risk_occurrence[0]
    assert abs(occ - 0.3) <= 4 * math.sqrt(0.3 * 0.7 / 20_000)
    assert res.risk_mean_delay_days[0] == pytest.approx(3.0 * occ, abs=1e-9)
    table = res.risk_table()
    assert list(table.columns) == ["id", "name", "probability", "occurrence", "mean_delay_days"]


def test_risk_on_task_with_float_adds_no_delay_and_tables_rank_risks() -> None:
    tasks = (
        Task(id="LONG", duration=Estimate(low=20, likely=22, high=25)),
        Task(id="SHORT", duration=Estimate(low=1, likely=2, high=3)),
        Task(
            id="END",
            duration=Estimate.fixed(0),
            predecessors=(Dependency(predecessor="LONG"), Dependency(predecessor="SHORT")),
        ),
    )
    risks = (
        Risk(id="SMALL", probability=0.5, impact=Estimate.fixed(2), tasks=("SHORT",)),
        Risk(id="BIG", probability=0.5, impact=Estimate(low=1, likely=2, high=5), tasks=("LONG",)),
    )
    res = simulate_schedule(ScheduleInputs(tasks=tasks, risks=risks), iterations=5000, rng=2)
    assert res.risk_mean_delay_days[0] == 0.0
    assert res.risk_table()["id"].tolist() == ["BIG", "SMALL"]


def test_changing_one_risk_leaves_other_draws_unchanged() -> None:
    def net(p1: float) -> ScheduleInputs:
        return _chain(
            [Estimate(low=1, likely=2, high=5), Estimate(low=2, likely=3, high=4)],
            risks=(
                Risk(
                    id="R1", probability=p1, impact=Estimate(low=1, likely=2, high=3), tasks=("T0",)
                ),
                Risk(
                    id="R2",
                    probability=0.4,
                    impact=Estimate(low=1, likely=2, high=3),
                    tasks=("T1",),
                ),
            ),
        )

    a = _trial_durations(net(0.2), 3000, rng=8)
    b = _trial_durations(net(0.7), 3000, rng=8)
    c = _trial_durations(net(0.0), 3000, rng=8)
    np.testing.assert_array_equal(a[1], b[1])  # T1 (hit only by R2) is untouched
    assert np.all(b[0] >= a[0])
    assert np.any(b[0] > a[0])
    assert np.all(c[0] <= a[0])


# --- reference longest path on random networks ----------------------------------------------
def _reference_finish(tasks: tuple[Task, ...], durations: np.ndarray) -> np.ndarray:
    """Slow and obvious: per trial, relax every constraint until nothing changes."""
    pos = {t.id: i for i, t in enumerate(tasks)}
    out = np.empty(durations.shape[1])
    for trial in range(durations.shape[1]):
        d = durations[:, trial]
        es = [0.0] * len(tasks)
        changed = True
        while changed:
            changed = False
            for j, t in enumerate(tasks):
                for dep in t.predecessors:
                    i = pos[dep.predecessor]
                    bound = {
                        "FS": es[i] + d[i] + dep.lag_days,
                        "SS": es[i] + dep.lag_days,
                        "FF": es[i] + d[i] + dep.lag_days - d[j],
                        "SF": es[i] + dep.lag_days - d[j],
                    }[dep.type]
                    if bound > es[j] + 1e-12:
                        es[j] = bound
                        changed = True
        out[trial] = max(es[j] + d[j] for j in range(len(tasks)))
    return out


@st.composite
def _networks(draw: st.DrawFn) -> ScheduleInputs:
    n = draw(st.integers(1, 7))
    tasks = []
    for j in range(n):
        dist = draw(st.sampled_from(["pert", "triangular", "uniform", "fixed", "normal"]))
        lo = draw(st.floats(0, 5))
        ml = lo + draw(st.floats(0, 5))
        hi = ml + draw(st.floats(0.1, 5))
        est = (
            Estimate.fixed(ml)
            if dist == "fixed"
            else Estimate(low=lo, likely=ml, high=hi, distribution=dist)
        )
        preds = []
        if j:
            for i in draw(st.sets(st.integers(0, j - 1), max_size=3)):
                preds.append(
                    Dependency(
                        predecessor=f"T{i}",
                        type=draw(st.sampled_from(["FS", "SS", "FF", "SF"])),
                        lag_days=draw(st.sampled_from([0.0, 0.0, 1.5, -2.0, 3.0])),
                    )
                )
        tasks.append(Task(id=f"T{j}", duration=est, predecessors=tuple(preds)))
    risks = ()
    if draw(st.booleans()):
        risks = (
            Risk(
                id="R",
                probability=draw(st.floats(0, 1)),
                impact=Estimate(low=0, likely=1, high=4),
                impact_unit=draw(st.sampled_from(["days", "percent"])),
                tasks=(f"T{draw(st.integers(0, n - 1))}",),
            ),
        )
    return ScheduleInputs(tasks=tuple(tasks), risks=risks)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    net=_networks(),
    seed=st.integers(0, 2**32),
    method=st.sampled_from(["monte_carlo", "latin_hypercube"]),
)
def test_vectorised_finish_equals_slow_reference(
    net: ScheduleInputs, seed: int, method: str
) -> None:
    n = 150
    res = simulate_schedule(net, iterations=n, rng=seed, method=method)  # type: ignore[arg-type]
    durations = _trial_durations(net, n, rng=seed, method=method)  # type: ignore[arg-type]
    np.testing.assert_allclose(res.finish_days, _reference_finish(net.tasks, durations), atol=1e-9)
    p = [res.percentile(q) for q in (10, 50, 80, 95)]
    assert p == sorted(p)
    assert np.all((res.task_stats.criticality >= 0) & (res.task_stats.criticality <= 1))
    # every trial has at least one critical task (the one that sets the finish)
    assert res.task_stats.criticality.sum() >= 1.0 - 1e-12


# --- chunking, seeds, LHS -----------------------------------------------------------------------
def _rich_network() -> ScheduleInputs:
    tasks = (
        Task(id="A", duration=Estimate(low=2, likely=4, high=9)),
        Task(id="B", duration=Estimate(low=1, likely=3, high=7, distribution="triangular")),
        Task(
            id="C",
            duration=Estimate(low=2, likely=3, high=5, distribution="lognormal"),
            predecessors=(
                Dependency(predecessor="A"),
                Dependency(predecessor="B", type="SS", lag_days=2),
            ),
        ),
        Task(
            id="D",
            duration=Estimate(low=1, likely=2, high=4, distribution="normal"),
            predecessors=(Dependency(predecessor="C", type="FF", lag_days=1),),
        ),
    )
    risks = (
        Risk(id="R1", probability=0.3, impact=Estimate(low=1, likely=2, high=4), tasks=("A", "C")),
        Risk(
            id="R2",
            probability=0.5,
            impact=Estimate(low=5, likely=10, high=20),
            impact_unit="percent",
            tasks=("C",),
        ),
    )
    corr = (Correlation(task_a="A", task_b="B", rho=0.5),)
    return ScheduleInputs(
        tasks=tasks, risks=risks, correlations=corr, start_date=dt.date(2027, 1, 4)
    )


@pytest.mark.parametrize("method", ["monte_carlo", "latin_hypercube"])
def test_same_seed_same_result_whatever_the_chunk_size(method: str) -> None:
    net = _rich_network()
    a = simulate_schedule(net, iterations=20_000, rng=42, method=method, chunk_size=1000)  # type: ignore[arg-type]
    b = simulate_schedule(net, iterations=20_000, rng=42, method=method, chunk_size=7000)  # type: ignore[arg-type]
    c = simulate_schedule(net, iterations=20_000, rng=42, method=method)  # type: ignore[arg-type]
    e = simulate_schedule(net, iterations=20_000, rng=42, method=method, chunk_size=2048, workers=1)  # type: ignore[arg-type]
    for other in (b, c, e):
        np.testing.assert_array_equal(a.finish_days, other.finish_days)
        for name in (
            "criticality",
            "sensitivity",
            "cruciality",
            "ssi",
            "finish_percentile_days",
            "mean_start_days",
        ):
            np.testing.assert_array_equal(
                getattr(a.task_stats, name), getattr(other.task_stats, name)
            )
        np.testing.assert_array_equal(a.risk_mean_delay_days, other.risk_mean_delay_days)
    d = simulate_schedule(net, iterations=20_000, rng=43, method=method)  # type: ignore[arg-type]
    assert not np.array_equal(a.finish_days, d.finish_days)
    assert a.seed == 42


def test_latin_hypercube_stratifies_over_all_trials() -> None:
    n = 5000  # several blocks, the last one partial
    assert n % BLOCK_TRIALS
    net = ScheduleInputs(
        tasks=(
            Task(id="U", duration=Estimate(low=0, likely=0.5, high=1, distribution="uniform")),
            Task(id="V", duration=Estimate(low=0, likely=0.5, high=1, distribution="uniform")),
        )
    )
    u = _trial_durations(net, n, rng=3, method="latin_hypercube")
    for row in u:
        np.testing.assert_array_equal(np.sort(np.floor(row * n)), np.arange(n))
    assert abs(stats.spearmanr(u[0], u[1])[0]) < 4 / math.sqrt(n)
    mc = _trial_durations(net, n, rng=3, method="monte_carlo")
    assert len(np.unique(np.floor(mc[0] * n))) < n


def test_correlation_is_imposed_and_bad_matrices_repaired_with_a_warning() -> None:
    ests = [Estimate(low=1, likely=3, high=8)] * 3
    tasks = tuple(Task(id=f"T{k}", duration=e) for k, e in enumerate(ests))
    good = ScheduleInputs(
        tasks=tasks, correlations=(Correlation(task_a="T0", task_b="T1", rho=0.7),)
    )
    d = _trial_durations(good, 10_000, rng=1)
    assert abs(stats.spearmanr(d[0], d[1])[0] - 0.7) <= 0.05
    assert abs(stats.spearmanr(d[0], d[2])[0]) <= 0.05
    bad = ScheduleInputs(
        tasks=tasks,
        correlations=(
            Correlation(task_a="T0", task_b="T1", rho=0.9),
            Correlation(task_a="T1", task_b="T2", rho=0.9),
            Correlation(task_a="T0", task_b="T2", rho=-0.9),
        ),
    )
    res = simulate_schedule(bad, iterations=2000, rng=1)
    assert len(res.warnings) == 1
    assert "positive semi-definite" in res.warnings[0]


# --- statistics ---------------------------------------------------------------------------------
def test_sensitivity_matches_scipy_spearman_and_ssi_definition() -> None:
    tasks = (
        Task(id="A", duration=Estimate(low=2, likely=4, high=12)),
        Task(
            id="B",
            duration=Estimate(low=1, likely=2, high=3),
            predecessors=(Dependency(predecessor="A"),),
        ),
        Task(id="C", duration=Estimate(low=3, likely=5, high=8)),
        Task(
            id="D",
            duration=Estimate.fixed(1),
            predecessors=(Dependency(predecessor="B"), Dependency(predecessor="C")),
        ),
    )
    net = ScheduleInputs(tasks=tasks)
    n = 30_000
    res = simulate_schedule(net, iterations=n, rng=77)
    d = _trial_durations(net, n, rng=77)
    f = res.finish_days
    s = res.task_stats
    for j in range(3):
        rho = stats.spearmanr(d[j], f)[0]
        assert abs(s.sensitivity[j] - rho) <= 4 / math.sqrt(n)
        assert s.cruciality[j] == pytest.approx(np.corrcoef(d[j], f)[0, 1], abs=1e-9)
        assert s.ssi[j] == pytest.approx(s.criticality[j] * d[j].std() / f.std(), rel=1e-9)
    assert s.sensitivity[3] == 0.0
    # A+B dominate C most of the time
    assert s.criticality[0] > s.criticality[2]
    assert s.criticality[0] + s.criticality[2] == pytest.approx(1.0, abs=1e-12)


def test_task_finish_percentiles_match_exact_order_statistics() -> None:
    ests = [
        Estimate(low=2, likely=4, high=9),
        Estimate(low=1, likely=3, high=7, distribution="triangular"),
    ]
    net = _chain(ests)
    n = 20_000
    res = simulate_schedule(net, iterations=n, rng=6)
    d = _trial_durations(net, n, rng=6)
    ef = np.cumsum(d, axis=0)
    for c, q in enumerate((10, 50, 80, 90)):
        for j in range(2):
            exact = np.percentile(ef[j], q, method="inverted_cdf")
            se = maritz_jarrett_se(np.sort(ef[j]), q)
            assert abs(res.task_stats.finish_percentile_days[j, c] - exact) <= se, (j, q)


def test_percentile_standard_error_matches_asymptotic_formula() -> None:
    z = 1.6448536269514722
    net = _chain([Estimate(low=10 - 2 * z, likely=10, high=10 + 2 * z, distribution="normal")])
    n = 40_000
    res = simulate_schedule(net, iterations=n, rng=3)
    for q in (50, 80):
        zq = special.ndtri(q / 100)
        asym = (
            2
            * math.sqrt(q / 100 * (1 - q / 100) / n)
            / (math.exp(-zq * zq / 2) / math.sqrt(2 * math.pi))
        )
        assert res.standard_error(q) == pytest.approx(asym, rel=0.1)
    one = simulate_schedule(net, iterations=1, rng=3)
    assert math.isnan(one.standard_error(50))
    assert one.summary().shape[0] == 22


# --- dates and tables ---------------------------------------------------------------------------
def test_dates_follow_design_convention() -> None:
    start = dt.date(2027, 1, 4)  # a Monday
    fixed = _chain([Estimate.fixed(3), Estimate.fixed(4)], start_date=start)
    res = simulate_schedule(fixed, iterations=100, rng=1)
    # 7 working days from Monday 4 Jan: the finish date is start + ceil(7) − 1 = 6 working days
    assert res.finish_date(50) == dt.date(2027, 1, 12)
    assert res.deadline_probability(dt.date(2027, 1, 12)) == 1.0
    assert res.deadline_probability(dt.date(2027, 1, 11)) == 0.0
    assert res.deadline_probability(dt.date(2026, 12, 1)) == 0.0
    # a finish at 5.5 days is dated Monday 11 Jan; a Saturday deadline only counts Friday's finishes
    half = _chain([Estimate.fixed(5.5)], start_date=start)
    r2 = simulate_schedule(half, iterations=10, rng=1)
    assert r2.finish_date(80) == dt.date(2027, 1, 11)
    assert r2.deadline_probability(dt.date(2027, 1, 9)) == 0.0
    assert r2.deadline_probability(dt.date(2027, 1, 11)) == 1.0
    five = simulate_schedule(_chain([Estimate.fixed(5.0)], start_date=start), iterations=10, rng=1)
    assert five.deadline_probability(dt.date(2027, 1, 9)) == 1.0
    assert (
        simulate_schedule(_chain([Estimate.fixed(5.0)]), iterations=10, rng=1).finish_date(50)
        is None
    )


def test_tables_have_contract_columns_and_dates() -> None:
    res = simulate_schedule(_rich_network(), iterations=4000, rng=1)
    assert list(res.percentiles_table().columns) == [
        "percentile",
        "finish_days",
        "finish_date",
        "standard_error_days",
    ]
    assert res.percentiles_table()["percentile"].tolist() == list(range(5, 100, 5))
    hist = res.histogram(30)
    assert hist["count"].sum() == 4000
    assert {
        "bin_start_days",
        "bin_end_days",
        "probability",
        "bin_start_date",
        "bin_end_date",
    } <= set(hist.columns)
    curve = res.s_curve(21)
    assert curve["finish_days"].is_monotonic_increasing
    assert "finish_date" in curve.columns
    tt = res.task_table()
    assert tt["id"].tolist() == ["A", "B", "C", "D"]
    for col in (
        "criticality",
        "sensitivity",
        "cruciality",
        "ssi",
        "finish_p10",
        "finish_p50",
        "finish_p80",
        "finish_p90",
        "deterministic_finish_days",
        "total_float_days",
        "finish_p80_date",
    ):
        assert col in tt.columns
    assert (tt["finish_p10"] <= tt["finish_p50"]).all()
    assert (tt["finish_p80"] <= tt["finish_p90"]).all()
    summary = res.summary()
    assert summary["statistic"].tolist()[:3] == ["deterministic", "mean", "std"]
    assert res.buffer_days(80) == pytest.approx(res.percentile(80) - res.deterministic_finish_days)


def test_progress_is_reported_and_reaches_one() -> None:
    seen: list[float] = []
    simulate_schedule(
        _rich_network(), iterations=5000, rng=1, chunk_size=2048, progress=seen.append
    )
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert len(seen) == 3


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="iterations"):
        simulate_schedule(_rich_network(), iterations=0)
    with pytest.raises(ValueError, match="method"):
        simulate_schedule(_rich_network(), iterations=10, method="sobol")  # type: ignore[arg-type]


# --- internal building blocks ---------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 3, 7, 1000, 4097, 65_537])
def test_lhs_permutation_is_a_bijection(n: int) -> None:
    from tpm_models.schedule_risk.simulate import _lhs_keys, _permuted_strata

    keys = _lhs_keys(123, 0, 3)
    perm = _permuted_strata(np.arange(n, dtype=np.int64), n, keys)
    for row in perm:
        np.testing.assert_array_equal(np.sort(row), np.arange(n))
    if n > 100:
        assert abs(stats.spearmanr(perm[0], perm[1])[0]) < 4 / math.sqrt(n)


@pytest.mark.parametrize("size", [8, 1024, 1000, 13])
def test_row_counts_match_count_nonzero(size: int) -> None:
    from tpm_models.schedule_risk.simulate import _count_per_row

    mask = np.random.default_rng(size).random((50, size)) < 0.3
    mask[0] = True
    np.testing.assert_array_equal(_count_per_row(mask), np.count_nonzero(mask, axis=1))


def test_working_day_histogram_counts_each_finish_day_once() -> None:
    """A finish at day f belongs to working day ceil(f) (DESIGN §3.2): one bin per day, dated
    by the calendar, counts adding up to the trials; without a start date, equal-width bins."""
    dated = _chain(
        [Estimate(low=2, likely=3, high=5, distribution="triangular")] * 2,
        start_date=dt.date(2027, 1, 4),
    )
    res = simulate_schedule(dated, iterations=4_000, rng=11)
    h = res.working_day_histogram()
    assert h["count"].sum() == 4_000
    assert h["probability"].sum() == pytest.approx(1.0)
    assert np.all(h["bin_end_days"] - h["bin_start_days"] == 1.0)
    expected_days = np.unique(np.ceil(res.finish_days - 1e-9))
    np.testing.assert_array_equal(h["bin_end_days"], expected_days)
    first = h.iloc[0]
    assert first["bin_start_date"].date() == dated.calendar.finish_date(
        dt.date(2027, 1, 4), first["bin_end_days"]
    )
    undated = simulate_schedule(
        _chain([Estimate(low=2, likely=3, high=5)] * 2), iterations=500, rng=1
    )
    assert len(undated.working_day_histogram(fallback_bins=25)) == 25
