"""Rank correlation between sampled inputs (Iman & Conover, 1982).

Iman–Conover reorders each input's samples so that their *ranks* follow a target
correlation matrix while every marginal distribution stays exactly as sampled (the sorted
samples are unchanged). We use van der Waerden scores Φ⁻¹(i/(n+1)), and because the user
asks for a *Spearman* ρ, the score matrix is built with the normal-copula Pearson value
``2·sin(π·ρ/6)``, whose Spearman correlation is exactly ρ for normal scores.

Reference: R. L. Iman and W. J. Conover (1982), "A distribution-free approach to inducing
rank correlation among input variables", Communications in Statistics B 11(3), 311–334.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from tpm_models.estimates import RNGLike, as_generator

__all__ = [
    "CorrelationCheck",
    "check_correlation_matrix",
    "correlation_matrix_from_pairs",
    "impose_rank_correlation",
    "nearest_correlation_matrix",
    "spearman_matrix",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CorrelationCheck:
    """A correlation matrix made valid for sampling.

    Attributes
    ----------
    matrix : ndarray (k, k)
        The matrix that will be used (the input, or its nearest positive semi-definite repair).
    repaired : bool
        True when the input was not positive semi-definite and was repaired.
    min_eigenvalue : float
        Smallest eigenvalue of the *input* matrix (negative ⇒ not a valid correlation matrix).
    max_change : float
        Largest absolute change made to any entry by the repair (0 when not repaired).
    """

    matrix: FloatArray
    repaired: bool
    min_eigenvalue: float
    max_change: float

    @property
    def warning(self) -> str | None:
        if not self.repaired:
            return None
        return (
            "the requested correlations are not mutually consistent (the matrix is not positive "
            f"semi-definite, smallest eigenvalue {self.min_eigenvalue:.3f}); the nearest valid "
            f"matrix was used instead (largest change {self.max_change:.3f})"
        )


def correlation_matrix_from_pairs(n: int, pairs: Iterable[tuple[int, int, float]]) -> FloatArray:
    """Build a symmetric ``n × n`` matrix with unit diagonal from ``(i, j, ρ)`` pairs.

    Examples
    --------
    >>> correlation_matrix_from_pairs(2, [(0, 1, 0.5)]).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    """
    m = np.eye(n)
    for i, j, rho in pairs:
        if i == j:
            raise ValueError("an input cannot be correlated with itself")
        if not -1.0 <= rho <= 1.0:
            raise ValueError(f"correlation {rho} is outside [-1, 1]")
        m[i, j] = m[j, i] = rho
    return m


def nearest_correlation_matrix(
    c: npt.ArrayLike, *, tol: float = 1e-10, max_iter: int = 200
) -> FloatArray:
    """Nearest correlation matrix (Higham 2002, alternating projections with Dykstra's correction).

    Returns a symmetric positive semi-definite matrix with unit diagonal.
    """
    a = np.array(c, dtype=np.float64)
    a = (a + a.T) / 2
    y = a.copy()
    ds = np.zeros_like(a)
    for _ in range(max_iter):
        r = y - ds
        w, v = np.linalg.eigh(r)
        x = (v * np.maximum(w, 0.0)) @ v.T
        ds = x - r
        y_new = x.copy()
        np.fill_diagonal(y_new, 1.0)
        scale = max(1.0, float(np.linalg.norm(y, "fro")))
        if float(np.linalg.norm(y_new - y, "fro")) <= tol * scale:
            y = y_new
            break
        y = y_new
    # a tiny eigenvalue floor keeps Cholesky happy downstream
    w, v = np.linalg.eigh((y + y.T) / 2)
    y = (v * np.maximum(w, 1e-12)) @ v.T
    d = np.sqrt(np.diag(y))
    out: FloatArray = y / np.outer(d, d)
    np.fill_diagonal(out, 1.0)
    return out


def check_correlation_matrix(c: npt.ArrayLike) -> CorrelationCheck:
    """Validate a correlation matrix; repair it to the nearest valid one if needed."""
    m = np.array(c, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ValueError("a correlation matrix must be square")
    if not np.all(np.isfinite(m)):
        raise ValueError("a correlation matrix must be finite")
    if not np.allclose(m, m.T, atol=1e-12):
        raise ValueError("a correlation matrix must be symmetric")
    if not np.allclose(np.diag(m), 1.0):
        raise ValueError("a correlation matrix must have 1 on its diagonal")
    if np.any(np.abs(m) > 1.0):
        raise ValueError("correlations must lie in [-1, 1]")
    min_eig = float(np.linalg.eigvalsh(m).min()) if m.size else 1.0
    if min_eig >= -1e-10:
        return CorrelationCheck(m, False, min_eig, 0.0)
    fixed = nearest_correlation_matrix(m)
    return CorrelationCheck(fixed, True, min_eig, float(np.abs(fixed - m).max()))


def _spearman_to_normal_pearson(rho_s: FloatArray) -> FloatArray:
    out: FloatArray = 2.0 * np.sin(np.pi * rho_s / 6.0)
    return out


def impose_rank_correlation(
    samples: FloatArray,
    spearman: npt.ArrayLike,
    rng: RNGLike = None,
) -> FloatArray:
    """Reorder each row of ``samples`` (shape ``(k, n)``) to the target Spearman matrix.

    The marginals are untouched: ``np.sort(result, axis=1) == np.sort(samples, axis=1)``.
    Raises ``ValueError`` for a matrix of the wrong shape or that is not a correlation matrix
    (asymmetric, diagonal ≠ 1, entries outside [-1, 1], not finite). A matrix that is not
    positive semi-definite is repaired silently here; call :func:`check_correlation_matrix`
    first to show its ``.warning`` to the user.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.random((2, 5000))
    >>> y = impose_rank_correlation(x, [[1, 0.7], [0.7, 1]], rng=1)
    >>> bool(abs(spearman_matrix(y)[0, 1] - 0.7) < 0.05)
    True
    """
    x = np.asarray(samples, dtype=np.float64)
    k, n = x.shape
    target = np.array(spearman, dtype=np.float64)
    if target.shape != (k, k):
        raise ValueError(f"correlation matrix must be {k}x{k}, got {target.shape}")
    target = check_correlation_matrix(target).matrix  # raises for invalid matrices
    if k < 2 or n < 2:
        return x.copy()
    gen = as_generator(rng)
    pearson = _spearman_to_normal_pearson(target)
    np.fill_diagonal(pearson, 1.0)
    check = check_correlation_matrix(np.clip(pearson, -1.0, 1.0))
    p_factor = _factor(check.matrix)
    scores = special.ndtri(np.arange(1, n + 1) / (n + 1.0))
    s = np.empty((k, n))
    for i in range(k):
        s[i] = gen.permutation(scores)
    # remove the sample correlation the random permutations happen to have (when n > k it
    # is positive definite; otherwise skip the correction rather than fail)
    with contextlib.suppress(np.linalg.LinAlgError):
        s = np.linalg.solve(np.linalg.cholesky(np.corrcoef(s)), s)
    t = p_factor @ s
    ranks_target = np.argsort(np.argsort(t, axis=1), axis=1)
    return np.take_along_axis(np.sort(x, axis=1), ranks_target, axis=1)


def _factor(m: FloatArray) -> FloatArray:
    """A matrix ``A`` with ``A @ A.T == m``: Cholesky, or an eigen-factor when ``m`` is singular
    (e.g. a requested ρ of exactly ±1)."""
    try:
        chol: FloatArray = np.linalg.cholesky(m).astype(np.float64, copy=False)
        return chol
    except np.linalg.LinAlgError:
        w, v = np.linalg.eigh(m)
        eig: FloatArray = (v * np.sqrt(np.clip(w, 0.0, None))).astype(np.float64)
        return eig


def spearman_matrix(samples: FloatArray) -> FloatArray:
    """Spearman rank correlation matrix of the rows of ``samples`` (ties get ordinal ranks)."""
    ranks = np.argsort(np.argsort(np.asarray(samples), axis=1), axis=1).astype(np.float64)
    out: FloatArray = np.atleast_2d(np.corrcoef(ranks))
    return out


def pairs_to_index(
    ids: Sequence[str], pairs: Iterable[tuple[str, str, float]]
) -> list[tuple[int, int, float]]:
    """Map ``(id_a, id_b, ρ)`` to index pairs; raises ``KeyError`` naming an unknown id."""
    pos = {v: i for i, v in enumerate(ids)}
    return [(pos[a], pos[b], float(r)) for a, b, r in pairs]
