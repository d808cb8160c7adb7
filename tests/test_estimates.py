"""Three-point estimates: analytic moments, samplers, Latin Hypercube, PERT inverse-CDF table.

Oracles are closed forms (and scipy.stats for the 4th central moment and the exact Beta
quantiles); Monte Carlo tolerances are 4 standard errors at n = 200,000.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy import stats

from tests.strategies import estimates
from tpm_models.estimates import (
    DISTRIBUTIONS,
    Z95,
    Estimate,
    sample_estimates,
    sample_from_uniforms,
    uniforms,
)

N = 200_000


def scipy_equivalent(e: Estimate) -> stats.rv_continuous:
    """The same distribution built from scipy.stats (independent parameterisation)."""
    a, m, c = e.low, e.likely, e.high
    match e.distribution:
        case "pert":
            lam = e.pert_lambda
            alpha = 1 + lam * (m - a) / (c - a)
            beta = 1 + lam * (c - m) / (c - a)
            return stats.beta(alpha, beta, loc=a, scale=c - a)
        case "triangular":
            return stats.triang((m - a) / (c - a), loc=a, scale=c - a)
        case "uniform":
            return stats.uniform(loc=a, scale=c - a)
        case "normal":
            return stats.norm(loc=m, scale=(c - a) / (2 * stats.norm.ppf(0.95)))
        case "lognormal":
            sigma = (math.log(c) - math.log(a)) / (2 * stats.norm.ppf(0.95))
            return stats.lognorm(sigma, scale=m)
    raise AssertionError(e.distribution)


def closed_form_moments(e: Estimate) -> tuple[float, float]:
    """Textbook mean and variance, written independently of the implementation."""
    a, m, c = e.low, e.likely, e.high
    match e.distribution:
        case "pert":
            lam = e.pert_lambda
            mean = (a + lam * m + c) / (lam + 2)
            return mean, (mean - a) * (c - mean) / (lam + 3)
        case "triangular":
            return (a + m + c) / 3, (a * a + m * m + c * c - a * m - a * c - m * c) / 18
        case "uniform":
            return (a + c) / 2, (c - a) ** 2 / 12
        case "normal":
            return m, ((c - a) / 3.289707253902945) ** 2
        case "lognormal":
            s = (math.log(c) - math.log(a)) / 3.289707253902945
            return m * math.exp(s * s / 2), (math.exp(s * s) - 1) * m * m * math.exp(s * s)
        case "fixed":
            return m, 0.0
    raise AssertionError(e.distribution)


CASES = [
    Estimate(low=2, likely=4, high=12),  # PERT λ=4, right-skewed
    Estimate(low=2, likely=4, high=12, pert_lambda=2),
    Estimate(low=2, likely=4, high=12, pert_lambda=8),
    Estimate(low=-5, likely=9, high=10, pert_lambda=4),  # left-skewed, negative low
    Estimate(low=0, likely=0, high=3),  # mode at the lower bound
    Estimate(low=1, likely=3, high=3, pert_lambda=6),  # mode at the upper bound
    Estimate(low=2, likely=4, high=12, distribution="triangular"),
    Estimate(low=0, likely=0, high=1, distribution="triangular"),
    Estimate(low=0, likely=1, high=1, distribution="triangular"),
    Estimate(low=-3, likely=0, high=7, distribution="uniform"),
    Estimate(low=8, likely=10, high=15, distribution="normal"),
    Estimate(low=5, likely=10, high=40, distribution="lognormal"),
    Estimate(low=0.5, likely=1, high=2, distribution="lognormal"),
]


def _id(e: Estimate) -> str:
    return f"{e.distribution}-{e.low:g}-{e.likely:g}-{e.high:g}-lam{e.pert_lambda:g}"


@pytest.mark.parametrize("e", CASES, ids=_id)
def test_analytic_moments_match_closed_forms_and_scipy(e: Estimate) -> None:
    mean, var = closed_form_moments(e)
    assert e.mean == pytest.approx(mean, rel=1e-12, abs=1e-12)
    assert e.variance == pytest.approx(var, rel=1e-12, abs=1e-12)
    assert e.std == pytest.approx(math.sqrt(var), rel=1e-12, abs=1e-12)
    ref = scipy_equivalent(e)
    assert e.mean == pytest.approx(ref.mean(), rel=1e-9, abs=1e-12)
    assert e.variance == pytest.approx(ref.var(), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("method", ["monte_carlo", "latin_hypercube"])
@pytest.mark.parametrize("e", CASES, ids=_id)
def test_sample_moments_within_four_standard_errors(e: Estimate, method: str) -> None:
    x = e.sample(N, rng=np.random.default_rng(20261121), method=method)  # type: ignore[arg-type]
    assert x.shape == (N,)
    mean, var = closed_form_moments(e)
    # SE of the mean: σ/√n. SE of the sample variance: √((μ4 − σ⁴)/n), μ4 the 4th central moment.
    ref = scipy_equivalent(e)
    mu4 = (float(ref.stats(moments="k")) + 3.0) * var**2
    se_mean = math.sqrt(var / N)
    se_var = math.sqrt((mu4 - var**2) / N)
    assert abs(x.mean() - mean) <= 4 * se_mean, (x.mean(), mean, se_mean)
    assert abs(x.var(ddof=1) - var) <= 4 * se_var, (x.var(ddof=1), var, se_var)


def test_pert_lambda_moves_mean_and_variance_as_the_formula_says() -> None:
    """λ = 2 and λ = 8 on the same (low, likely, high): the sampler follows each λ."""
    rng = np.random.default_rng(7)
    for lam, mean, var in [(2.0, 5.5, 3.5 * 6.5 / 5), (8.0, 4.6, 2.6 * 7.4 / 11)]:
        e = Estimate(low=2, likely=4, high=12, pert_lambda=lam)
        assert e.mean == pytest.approx(mean)
        assert e.variance == pytest.approx(var)
        x = e.sample(N, rng=rng)
        assert abs(x.mean() - mean) <= 4 * math.sqrt(var / N)
    low_lam = Estimate(low=2, likely=4, high=12, pert_lambda=2).sample(N, rng=1)
    high_lam = Estimate(low=2, likely=4, high=12, pert_lambda=8).sample(N, rng=1)
    assert low_lam.var() > high_lam.var()  # a larger λ concentrates mass on the mode


def test_fixed_and_degenerate_estimates_always_return_likely() -> None:
    for e in [
        Estimate.fixed(3.5),
        Estimate(low=2, likely=2, high=2),
        Estimate(low=2, likely=2, high=2, distribution="normal"),
        Estimate(low=2, likely=2, high=2, distribution="lognormal"),
    ]:
        x = e.sample(1000, rng=0)
        assert np.all(x == e.likely)
        assert e.variance == 0.0
        assert e.mean == e.likely
        assert e.is_degenerate
    assert closed_form_moments(Estimate.fixed(3.5)) == (3.5, 0.0)


@pytest.mark.parametrize("bad", [(5, 4, 6), (1, 7, 6), (3, 2, 1)])
def test_unordered_three_points_are_rejected(bad: tuple[float, float, float]) -> None:
    low, likely, high = bad
    with pytest.raises(ValidationError, match="low <= likely <= high"):
        Estimate(low=low, likely=likely, high=high)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"low": 0, "likely": 1, "high": 2, "distribution": "lognormal"},
        {"low": float("nan"), "likely": 1, "high": 2},
        {"low": 0, "likely": 1, "high": float("inf")},
        {"low": 0, "likely": 1, "high": 2, "pert_lambda": 0},
        {"low": 0, "likely": 1, "high": 2, "distribution": "beta"},
        {"low": 0, "likely": 1, "high": 2, "shape": 3},
    ],
)
def test_invalid_estimates_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Estimate(**kwargs)  # type: ignore[arg-type]


def test_estimates_are_frozen() -> None:
    e = Estimate(low=1, likely=2, high=3)
    with pytest.raises(ValidationError):
        e.low = 0  # type: ignore[misc]


@pytest.mark.parametrize("n_trials", [1, 7, 1000, 4096])
def test_latin_hypercube_hits_each_stratum_exactly_once_per_row(n_trials: int) -> None:
    u = uniforms(5, n_trials, rng=3, method="latin_hypercube")
    assert u.shape == (5, n_trials)
    assert np.all((u >= 0) & (u < 1))
    strata = np.floor(u * n_trials).astype(int)
    expected = np.arange(n_trials)
    for row in strata:
        np.testing.assert_array_equal(np.sort(row), expected)
    if n_trials > 10:  # rows are shuffled independently, not in the same order
        assert not np.array_equal(strata[0], strata[1])


def test_latin_hypercube_samples_keep_the_estimate_strata() -> None:
    e = Estimate(low=2, likely=4, high=12)
    n = 1000
    x = e.sample(n, rng=11, method="latin_hypercube")
    # x's k-th smallest value lies between the k/n and (k+1)/n quantiles
    q_lo = e.ppf(np.arange(n) / n)
    q_hi = e.ppf((np.arange(n) + 1) / n)
    xs = np.sort(x)
    assert np.all(xs >= q_lo - 1e-12)
    assert np.all(xs <= q_hi + 1e-12)


@pytest.mark.parametrize("method", ["monte_carlo", "latin_hypercube"])
def test_same_seed_gives_identical_arrays(method: str) -> None:
    ests = [
        Estimate(low=1, likely=2, high=5),
        Estimate(low=1, likely=2, high=5, distribution="normal"),
    ]
    a = sample_estimates(ests, 10_000, rng=42, method=method)  # type: ignore[arg-type]
    b = sample_estimates(ests, 10_000, rng=np.random.default_rng(42), method=method)  # type: ignore[arg-type]
    c = sample_estimates(ests, 10_000, rng=43, method=method)  # type: ignore[arg-type]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_unknown_sampling_method_and_negative_sizes_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown sampling method"):
        uniforms(1, 10, rng=0, method="sobol")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=">= 0"):
        uniforms(-1, 10, rng=0)


def test_mixed_distributions_map_each_row_through_its_own_ppf() -> None:
    ests = [
        Estimate(low=1, likely=2, high=5),
        Estimate(low=0, likely=1, high=3, distribution="uniform"),
        Estimate(low=1, likely=4, high=6, pert_lambda=2),
        Estimate.fixed(9),
        Estimate(low=1, likely=2, high=8, distribution="lognormal"),
        Estimate(low=2, likely=3, high=4, distribution="triangular"),
        Estimate(low=-1, likely=0, high=1, distribution="normal"),
    ]
    u = uniforms(len(ests), 2000, rng=5)
    together = sample_from_uniforms(ests, u)
    for i, e in enumerate(ests):
        np.testing.assert_array_equal(together[i], e.ppf(u[i]))
    in_place = u.copy()
    out = sample_from_uniforms(ests, in_place, out=in_place)
    assert out is in_place
    np.testing.assert_array_equal(out, together)
    with pytest.raises(ValueError, match="shape"):
        sample_from_uniforms(ests, u[:3])


@pytest.mark.parametrize("e", CASES, ids=_id)
def test_ppf_is_monotone_and_within_bounds(e: Estimate) -> None:
    q = np.linspace(0.0, 1.0, 10_001)
    x = e.ppf(q)
    assert np.all(np.diff(x) >= 0)
    if e.distribution in ("pert", "triangular", "uniform"):
        assert x[0] == pytest.approx(e.low)
        assert x[-1] == pytest.approx(e.high)
        assert np.all((x >= e.low) & (x <= e.high))
    else:
        assert np.all(np.isfinite(x[1:-1]))
    assert e.ppf(0.5).shape == ()


@pytest.mark.parametrize("e", [c for c in CASES if c.distribution != "pert"], ids=_id)
def test_closed_form_ppf_matches_scipy(e: Estimate) -> None:
    q = np.linspace(0.001, 0.999, 999)
    np.testing.assert_allclose(e.ppf(q), scipy_equivalent(e).ppf(q), rtol=1e-9, atol=1e-9)


def test_normal_and_lognormal_read_low_high_as_p5_p95() -> None:
    for dist in ("normal", "lognormal"):
        e = Estimate(low=4, likely=10, high=25, distribution=dist)  # type: ignore[arg-type]
        if dist == "normal":
            e = Estimate(low=4, likely=14.5, high=25, distribution="normal")
        np.testing.assert_allclose(e.ppf([0.05, 0.5, 0.95]), [e.low, e.likely, e.high], rtol=1e-9)
    assert stats.norm.ppf(0.95) == pytest.approx(Z95, rel=1e-15)


PERT_SHAPES = [
    (lam, r) for lam in (0.5, 2.0, 4.0, 8.0, 20.0) for r in (0.0, 0.01, 0.25, 0.5, 0.99, 1.0)
]


def _pert_table_max_error(lam: float, r: float, q_edge: float) -> float:
    """Largest |table ppf − exact Beta ppf| / range over q in [q_edge, 1 − q_edge]."""
    low, high = 10.0, 30.0
    e = Estimate(low=low, likely=low + r * (high - low), high=high, pert_lambda=lam)
    tail = np.linspace(q_edge, 32 / 4096, 4_001)  # dense where the quantile function bends
    q = np.concatenate([tail, np.linspace(q_edge, 1 - q_edge, 20_001), 1 - tail])
    exact = low + (high - low) * stats.beta.ppf(q, 1 + lam * r, 1 + lam * (1 - r))
    return float(np.abs(e.ppf(q) - exact).max() / (high - low))


def test_pert_table_accuracy_against_exact_beta_quantiles() -> None:
    """|error| ≤ 1e-4 · range for q in [1/4096, 1 − 1/4096] (the documented accuracy)."""
    worst = {shape: _pert_table_max_error(*shape, q_edge=1 / 4096) for shape in PERT_SHAPES}
    bad = {shape: err for shape, err in worst.items() if err > 1e-4}
    assert not bad, f"PERT table error above 1e-4 of the range for (λ, r): {bad}"


@pytest.mark.parametrize(("lam", "r"), PERT_SHAPES)
def test_pert_table_accuracy_away_from_the_extreme_tails(lam: float, r: float) -> None:
    """The main table alone: 1e-4 · range on [8/4096, 1 − 8/4096]."""
    assert _pert_table_max_error(lam, r, q_edge=8 / 4096) <= 1e-4


@given(estimates(), st.integers(min_value=0, max_value=2**32 - 1))
def test_samples_of_any_valid_estimate_are_finite_and_in_range(e: Estimate, seed: int) -> None:
    x = e.sample(256, rng=seed, method="latin_hypercube")
    assert np.all(np.isfinite(x))
    if e.distribution in ("pert", "triangular", "uniform", "fixed"):
        span = max(abs(e.low), abs(e.high), 1.0) * 1e-12
        assert np.all(x >= e.low - span)
        assert np.all(x <= e.high + span)
    if e.distribution == "lognormal":
        assert np.all(x > 0)


def test_distribution_names_are_the_documented_six() -> None:
    assert set(DISTRIBUTIONS) == {"pert", "triangular", "uniform", "normal", "lognormal", "fixed"}
