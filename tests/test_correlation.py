"""Iman–Conover rank correlation and correlation-matrix validation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tpm_models.correlation import (
    check_correlation_matrix,
    correlation_matrix_from_pairs,
    impose_rank_correlation,
    nearest_correlation_matrix,
    pairs_to_index,
    spearman_matrix,
)
from tpm_models.estimates import Estimate, sample_estimates

TARGETS = {
    "positive-pair": [[1.0, 0.7], [0.7, 1.0]],
    "negative-pair": [[1.0, -0.6], [-0.6, 1.0]],
    "strong": [[1.0, 0.95], [0.95, 1.0]],
    "near-minus-one": [[1.0, -0.9], [-0.9, 1.0]],
    "three-mixed": [[1.0, 0.5, -0.3], [0.5, 1.0, 0.2], [-0.3, 0.2, 1.0]],
    "four-block": [
        [1.0, 0.8, 0.0, -0.4],
        [0.8, 1.0, 0.0, -0.3],
        [0.0, 0.0, 1.0, 0.5],
        [-0.4, -0.3, 0.5, 1.0],
    ],
}


def _skewed_samples(k: int, n: int, seed: int) -> np.ndarray:
    """Mixed marginals: correlation must not depend on the distributions' shapes."""
    pool = [
        Estimate(low=2, likely=4, high=12),
        Estimate(low=1, likely=2, high=20, distribution="lognormal"),
        Estimate(low=0, likely=0, high=5, distribution="triangular"),
        Estimate(low=-3, likely=0, high=3, distribution="uniform"),
    ]
    return sample_estimates([pool[i % len(pool)] for i in range(k)], n, rng=seed)


@pytest.mark.parametrize("n", [5_000, 20_000])
@pytest.mark.parametrize("name", list(TARGETS))
def test_achieved_spearman_is_within_005_of_target(name: str, n: int) -> None:
    target = np.array(TARGETS[name])
    x = _skewed_samples(len(target), n, seed=1)
    y = impose_rank_correlation(x, target, rng=np.random.default_rng(2))
    achieved = spearman_matrix(y)
    np.testing.assert_allclose(achieved, target, atol=0.05)
    # and scipy agrees on what Spearman's ρ is
    rho = stats.spearmanr(y[0], y[1]).statistic
    assert abs(rho - target[0, 1]) <= 0.05


@pytest.mark.parametrize("name", list(TARGETS))
def test_marginals_are_unchanged(name: str) -> None:
    target = np.array(TARGETS[name])
    x = _skewed_samples(len(target), 5_000, seed=3)
    y = impose_rank_correlation(x, target, rng=4)
    np.testing.assert_array_equal(np.sort(y, axis=1), np.sort(x, axis=1))
    assert y is not x


def test_same_seed_same_reordering_and_input_untouched() -> None:
    x = _skewed_samples(3, 5_000, seed=5)
    before = x.copy()
    target = TARGETS["three-mixed"]
    a = impose_rank_correlation(x, target, rng=9)
    b = impose_rank_correlation(x, target, rng=9)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(x, before)


def test_identity_target_leaves_inputs_nearly_independent() -> None:
    x = _skewed_samples(3, 10_000, seed=6)
    y = impose_rank_correlation(x, np.eye(3), rng=7)
    np.testing.assert_allclose(spearman_matrix(y), np.eye(3), atol=0.05)


def test_degenerate_sizes_return_a_copy() -> None:
    x = np.arange(10.0).reshape(1, 10)
    y = impose_rank_correlation(x, [[1.0]], rng=0)
    np.testing.assert_array_equal(x, y)
    assert y is not x


def test_wrong_matrix_shape_is_rejected() -> None:
    with pytest.raises(ValueError, match="3x3"):
        impose_rank_correlation(np.zeros((3, 100)), np.eye(2), rng=0)


INVALID = {
    "asymmetric": ([[1.0, 0.5], [0.2, 1.0]], "symmetric"),
    "diagonal-not-one": ([[2.0, 0.5], [0.5, 1.0]], "diagonal"),
    "rho-above-one": ([[1.0, 1.5], [1.5, 1.0]], r"\[-1, 1\]"),
    "rho-below-minus-one": ([[1.0, -1.2], [-1.2, 1.0]], r"\[-1, 1\]"),
    "not-square": ([[1.0, 0.5, 0.1], [0.5, 1.0, 0.2]], "square"),
    "nan": ([[1.0, float("nan")], [float("nan"), 1.0]], "finite"),
}


@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_matrices_raise_value_error(name: str) -> None:
    matrix, message = INVALID[name]
    with pytest.raises(ValueError, match=message):
        check_correlation_matrix(matrix)


@pytest.mark.parametrize("name", [n for n in INVALID if n != "not-square"])
def test_impose_rejects_invalid_matrices_too(name: str) -> None:
    matrix, message = INVALID[name]
    with pytest.raises(ValueError, match=message):
        impose_rank_correlation(np.random.default_rng(0).random((2, 100)), matrix, rng=0)


NOT_PSD = [[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]]


def test_non_psd_matrix_is_repaired_with_a_warning() -> None:
    check = check_correlation_matrix(NOT_PSD)
    assert check.repaired is True
    assert check.min_eigenvalue < 0
    assert check.warning is not None
    assert "not positive semi-definite" in check.warning
    assert "nearest valid matrix" in check.warning
    m = check.matrix
    np.testing.assert_allclose(m, m.T, atol=1e-12)
    np.testing.assert_allclose(np.diag(m), 1.0)
    assert np.linalg.eigvalsh(m).min() >= -1e-10
    assert np.all(np.abs(m) <= 1.0)
    assert check.max_change == pytest.approx(np.abs(m - np.array(NOT_PSD)).max())
    assert 0 < check.max_change < 1
    np.linalg.cholesky(m)  # usable for sampling


def test_valid_matrix_is_not_repaired() -> None:
    check = check_correlation_matrix(TARGETS["three-mixed"])
    assert check.repaired is False
    assert check.warning is None
    assert check.max_change == 0.0
    np.testing.assert_array_equal(check.matrix, TARGETS["three-mixed"])


def test_repaired_matrix_can_be_imposed() -> None:
    check = check_correlation_matrix(NOT_PSD)
    x = _skewed_samples(3, 10_000, seed=8)
    y = impose_rank_correlation(x, check.matrix, rng=1)
    np.testing.assert_allclose(spearman_matrix(y), check.matrix, atol=0.05)


def test_nearest_correlation_matrix_keeps_a_valid_matrix() -> None:
    m = np.array(TARGETS["four-block"])
    np.testing.assert_allclose(nearest_correlation_matrix(m), m, atol=1e-8)


def test_matrix_from_pairs_and_ids() -> None:
    m = correlation_matrix_from_pairs(3, [(0, 2, -0.4), (1, 0, 0.3)])
    np.testing.assert_array_equal(m, [[1, 0.3, -0.4], [0.3, 1, 0], [-0.4, 0, 1]])
    assert pairs_to_index(["A", "B", "C"], [("C", "A", 0.5)]) == [(2, 0, 0.5)]
    with pytest.raises(KeyError):
        pairs_to_index(["A"], [("A", "Z", 0.5)])
    with pytest.raises(ValueError, match="itself"):
        correlation_matrix_from_pairs(2, [(1, 1, 0.5)])
    with pytest.raises(ValueError, match="outside"):
        correlation_matrix_from_pairs(2, [(0, 1, 1.5)])


def test_spearman_matrix_of_monotone_transforms_is_one() -> None:
    x = np.random.default_rng(0).random(1000)
    m = spearman_matrix(np.vstack([x, np.exp(x), -x]))
    np.testing.assert_allclose(m, [[1, 1, -1], [1, 1, -1], [-1, -1, 1]], atol=1e-12)


@pytest.mark.parametrize("rho", [1.0, -1.0])
def test_perfect_correlation_is_allowed(rho: float) -> None:
    """ρ = ±1 is a valid (singular) correlation matrix: ranks move together or opposite."""
    x = _skewed_samples(2, 5_000, seed=10)
    y = impose_rank_correlation(x, [[1.0, rho], [rho, 1.0]], rng=11)
    assert spearman_matrix(y)[0, 1] == pytest.approx(rho, abs=0.05)
    np.testing.assert_array_equal(np.sort(y, axis=1), np.sort(x, axis=1))


def test_more_inputs_than_trials_does_not_crash() -> None:
    x = np.random.default_rng(0).random((4, 3))
    y = impose_rank_correlation(x, np.eye(4), rng=1)
    np.testing.assert_array_equal(np.sort(y, axis=1), np.sort(x, axis=1))
