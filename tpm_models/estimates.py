"""Three-point estimates and their vectorised samplers.

A three-point estimate ``(low, likely, high)`` names a distribution:

``pert``
    Beta-PERT on ``[low, high]`` with mode ``likely`` and shape ``λ`` (default 4):
    ``α = 1 + λ(likely − low)/(high − low)``, ``β = 1 + λ(high − likely)/(high − low)``,
    mean ``(low + λ·likely + high)/(λ + 2)``, variance ``(mean − low)(high − mean)/(λ + 3)``.
``triangular``
    Triangular on ``[low, high]`` with mode ``likely``.
``uniform``
    Uniform on ``[low, high]`` (``likely`` is not used).
``normal``
    Normal with mean ``likely``; ``low`` and ``high`` are read as the 5th and 95th
    percentiles, so σ = (high − low) / (2 · 1.6449).
``lognormal``
    Lognormal with median ``likely``; ``low`` and ``high`` are read as the 5th and 95th
    percentiles of the log-spread, so σ_log = (ln high − ln low) / (2 · 1.6449). Needs low > 0.
``fixed``
    Always ``likely``.

Sampling is by inverse CDF from uniforms, so Monte Carlo and Latin Hypercube sampling
share one code path and correlation (Iman–Conover) can reorder samples afterwards.
Beta-PERT is sampled through a per-shape inverse-CDF table (4,096 equal steps in
probability, linearly interpolated). The table is built by integrating the Beta density
with the trapezoid rule on 8,193 points clustered towards both ends (``x = (1 − cos πt)/2``,
which makes the integrand smooth even where the density has an infinite slope) and inverting
that CDF; the table itself is within 1e-6 of the exact Beta quantiles. Lookups run row by row
on cache-resident tables with each cell stored as one complex number ``a_k + i·s_k`` (value
``a_k + s_k·(u·K)``), so one gather serves both interpolation coefficients: several times
faster than ``Generator.beta``. Where the quantile function bends sharply — the outer 16 cells
of each tail, about 0.8% of draws — a 256-times finer tail table is used instead, so the
interpolation error is below 1e-4 of the range for every q in [1/4096, 1 − 1/4096] (tested
against ``scipy.stats.beta.ppf``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal, Self

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import special

__all__ = [
    "DISTRIBUTIONS",
    "Distribution",
    "Estimate",
    "RNGLike",
    "SamplingMethod",
    "as_generator",
    "sample_estimates",
    "sample_from_uniforms",
    "uniforms",
]

Distribution = Literal["pert", "triangular", "uniform", "normal", "lognormal", "fixed"]
DISTRIBUTIONS: tuple[str, ...] = ("pert", "triangular", "uniform", "normal", "lognormal", "fixed")
SamplingMethod = Literal["monte_carlo", "latin_hypercube"]
RNGLike = np.random.Generator | int | None
FloatArray = npt.NDArray[np.float64]

#: z such that Φ(z) = 0.95: ``low``/``high`` of normal and lognormal estimates are P5/P95.
Z95 = 1.6448536269514722
#: Steps of the PERT inverse-CDF table (in probability).
_TABLE_STEPS = 4096
#: Points of the (end-clustered) x-grid the table is integrated and inverted on.
_FINE_POINTS = 8193
#: PERT rows at least this long are sampled row by row (cache-resident table per row).
#: Cells at each end of the PERT table that are refined by a finer tail table.
_TAIL_CELLS = 16
#: Steps of each tail table (over the outer ``_TAIL_CELLS`` cells).
_TAIL_STEPS = 4096


def as_generator(rng: RNGLike) -> np.random.Generator:
    """Normalise ``rng`` (a Generator, a seed, or None) to a ``numpy.random.Generator``."""
    return np.random.default_rng(rng)


class Estimate(BaseModel):
    """A three-point estimate with the distribution it stands for.

    Examples
    --------
    >>> e = Estimate(low=2, likely=4, high=12)
    >>> round(e.mean, 6)
    5.0
    >>> Estimate.fixed(3.0).variance
    0.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float = Field(allow_inf_nan=False)
    likely: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)
    distribution: Distribution = "pert"
    pert_lambda: float = Field(default=4.0, gt=0, le=1000, allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not (self.low <= self.likely <= self.high):
            raise ValueError(
                f"need low <= likely <= high, got {self.low:g}, {self.likely:g}, {self.high:g}"
            )
        if self.distribution == "lognormal" and self.low <= 0:
            raise ValueError("a lognormal estimate needs low > 0")
        return self

    @classmethod
    def fixed(cls, value: float) -> Estimate:
        """A degenerate estimate: always ``value``."""
        return cls(low=value, likely=value, high=value, distribution="fixed")

    @property
    def is_degenerate(self) -> bool:
        """True when every draw equals ``likely``."""
        if self.distribution == "fixed":
            return True
        return self.low == self.high

    # --- analytic moments -------------------------------------------------------------
    @property
    def mean(self) -> float:
        """Analytic mean of the distribution."""
        a, m, c = self.low, self.likely, self.high
        if self.is_degenerate:
            return m
        match self.distribution:
            case "pert":
                lam = self.pert_lambda
                return (a + lam * m + c) / (lam + 2)
            case "triangular":
                return (a + m + c) / 3
            case "uniform":
                return (a + c) / 2
            case "normal":
                return m
            case "lognormal":
                mu, s = self._log_params()
                return math.exp(mu + s * s / 2)
        return m  # pragma: no cover - fixed handled above

    @property
    def variance(self) -> float:
        """Analytic variance of the distribution."""
        a, m, c = self.low, self.likely, self.high
        if self.is_degenerate:
            return 0.0
        match self.distribution:
            case "pert":
                mean = self.mean
                return (mean - a) * (c - mean) / (self.pert_lambda + 3)
            case "triangular":
                return (a * a + m * m + c * c - a * m - a * c - m * c) / 18
            case "uniform":
                return (c - a) ** 2 / 12
            case "normal":
                return ((c - a) / (2 * Z95)) ** 2
            case "lognormal":
                mu, s = self._log_params()
                return math.expm1(s * s) * math.exp(2 * mu + s * s)
        return 0.0  # pragma: no cover

    @property
    def std(self) -> float:
        """Analytic standard deviation."""
        return math.sqrt(self.variance)

    def _log_params(self) -> tuple[float, float]:
        return math.log(self.likely), (math.log(self.high) - math.log(self.low)) / (2 * Z95)

    # --- quantiles and sampling -------------------------------------------------------
    def ppf(self, q: npt.ArrayLike) -> FloatArray:
        """Inverse CDF at probabilities ``q`` (vectorised)."""
        u = np.asarray(q, dtype=np.float64)
        row: FloatArray = sample_from_uniforms([self], u.reshape(1, -1))[0]
        return row.reshape(u.shape)

    def sample(
        self, n_trials: int, rng: RNGLike = None, method: SamplingMethod = "monte_carlo"
    ) -> FloatArray:
        """Draw ``n_trials`` values (shape ``(n_trials,)``)."""
        row: FloatArray = sample_estimates([self], n_trials, rng, method)[0]
        return row


def uniforms(
    n_inputs: int, n_trials: int, rng: RNGLike = None, method: SamplingMethod = "monte_carlo"
) -> FloatArray:
    """Uniform(0, 1) draws of shape ``(n_inputs, n_trials)``, trials on the contiguous axis.

    With ``method="latin_hypercube"`` each row hits each of the ``n_trials`` equal
    strata of (0, 1) exactly once, in an independent random order per row.

    Examples
    --------
    >>> u = uniforms(2, 4, rng=1, method="latin_hypercube")
    >>> sorted((u[0] * 4).astype(int).tolist())
    [0, 1, 2, 3]
    """
    gen = as_generator(rng)
    if n_inputs < 0 or n_trials < 0:
        raise ValueError("n_inputs and n_trials must be >= 0")
    if method == "monte_carlo":
        out: FloatArray = gen.random((n_inputs, n_trials))
        return out
    if method == "latin_hypercube":
        strata = np.broadcast_to(np.arange(n_trials, dtype=np.float64), (n_inputs, n_trials))
        order = gen.permuted(strata, axis=1)
        lhs: FloatArray = (order + gen.random((n_inputs, n_trials))) / max(n_trials, 1)
        return lhs
    raise ValueError(f"unknown sampling method {method!r}")


def sample_estimates(
    estimates: Sequence[Estimate],
    n_trials: int,
    rng: RNGLike = None,
    method: SamplingMethod = "monte_carlo",
) -> FloatArray:
    """Sample every estimate ``n_trials`` times: array of shape ``(len(estimates), n_trials)``.

    Examples
    --------
    >>> x = sample_estimates([Estimate(low=1, likely=2, high=4), Estimate.fixed(5)], 1000, rng=7)
    >>> x.shape
    (2, 1000)
    >>> bool(np.all(x[1] == 5.0))
    True
    """
    u = uniforms(len(estimates), n_trials, rng, method)
    return sample_from_uniforms(estimates, u, out=u)


def sample_from_uniforms(
    estimates: Sequence[Estimate], u: FloatArray, out: FloatArray | None = None
) -> FloatArray:
    """Map uniforms ``u`` (shape ``(len(estimates), n)``) through each row's inverse CDF.

    ``out`` may be ``u`` itself to transform in place (saves one array's memory).
    """
    if u.ndim != 2 or u.shape[0] != len(estimates):
        raise ValueError(f"u must have shape ({len(estimates)}, n), got {u.shape}")
    result = np.empty_like(u) if out is None else out
    groups: dict[str, list[int]] = {}
    for i, e in enumerate(estimates):
        key = "fixed" if e.is_degenerate else e.distribution
        groups.setdefault(key, []).append(i)
    for dist, rows_list in groups.items():
        rows = np.asarray(rows_list, dtype=np.intp)
        lo = np.array([estimates[i].low for i in rows_list])[:, None]
        ml = np.array([estimates[i].likely for i in rows_list])[:, None]
        hi = np.array([estimates[i].high for i in rows_list])[:, None]
        uu = u[rows] if len(rows) != u.shape[0] else u
        if dist == "fixed":
            vals = np.broadcast_to(ml, uu.shape)
        elif dist == "uniform":
            vals = lo + (hi - lo) * uu
        elif dist == "triangular":
            vals = _triangular_ppf(uu, lo, ml, hi)
        elif dist == "normal":
            vals = ml + (hi - lo) / (2 * Z95) * special.ndtri(np.clip(uu, 1e-300, 1 - 1e-16))
        elif dist == "lognormal":
            sigma = (np.log(hi) - np.log(lo)) / (2 * Z95)
            vals = ml * np.exp(sigma * special.ndtri(np.clip(uu, 1e-300, 1 - 1e-16)))
        else:  # pert
            for i in rows_list:
                pert_row(estimates[i], u[i], result[i])
            continue
        if len(rows) == u.shape[0]:
            result[...] = vals
        else:
            result[rows] = vals
    return result


def _triangular_ppf(u: FloatArray, a: FloatArray, m: FloatArray, c: FloatArray) -> FloatArray:
    width = c - a
    fc = (m - a) / width
    left = a + np.sqrt(u * width * (m - a))
    right = c - np.sqrt((1.0 - u) * width * (c - m))
    return np.where(u < fc, left, right)


@lru_cache(maxsize=8192)
def _pert_table(lam: float, r: float) -> FloatArray:
    """Standard Beta(1+λr, 1+λ(1−r)) quantiles at u = 0, 1/K, …, 1 (read-only).

    Both shape parameters are ≥ 1, so the density is bounded; on the clustered grid
    ``x(t) = (1 − cos πt)/2`` the integrand ``pdf(x(t))·x'(t)`` vanishes smoothly at both ends
    and the cumulative trapezoid rule converges as h² (error < 1e-6 in x, tested).
    """
    x, cdf = _pert_fine_cdf(lam, r)
    table = np.interp(np.linspace(0.0, 1.0, _TABLE_STEPS + 1), cdf, x)
    table[0], table[-1] = 0.0, 1.0
    table.setflags(write=False)
    return table


@lru_cache(maxsize=2)  # the main and the tail tables of one shape are built one after the other
def _pert_fine_cdf(lam: float, r: float) -> tuple[FloatArray, FloatArray]:
    """The standard PERT CDF on the end-clustered fine grid: ``(x, cdf)`` (read-only)."""
    alpha, beta = 1.0 + lam * r, 1.0 + lam * (1.0 - r)
    x, log_x, log_1mx, log_dx = _fine_grid()
    log_g = (alpha - 1.0) * log_x + (beta - 1.0) * log_1mx + log_dx
    g = np.zeros(_FINE_POINTS)
    g[1:-1] = np.exp(log_g - log_g.max())
    cdf = np.empty(_FINE_POINTS)
    cdf[0] = 0.0
    np.cumsum(g[1:] + g[:-1], out=cdf[1:])
    cdf /= cdf[-1]
    cdf.setflags(write=False)
    return x, cdf


@lru_cache(maxsize=8192)
def _pert_tail_tables(lam: float, r: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Finer quantile tables for the outer ``_TAIL_CELLS`` cells of each tail.

    The quantile function bends sharply near q = 0 and q = 1 (like q^(1/α)), where the main
    table's 1/4096 steps would be off by up to ~2e-3 of the range; these tables step 256 times
    finer. Returns ``(q_grid_low, x_low, x_high)``; the upper table is on ``1 − q_grid_low``
    reversed.
    """
    x, cdf = _pert_fine_cdf(lam, r)
    q_low = np.linspace(0.0, _TAIL_CELLS / _TABLE_STEPS, _TAIL_STEPS + 1)
    x_low = np.interp(q_low, cdf, x)
    x_high = np.interp(1.0 - q_low[::-1], cdf, x)
    x_low[0], x_high[-1] = 0.0, 1.0
    for arr in (q_low, x_low, x_high):
        arr.setflags(write=False)
    return q_low, x_low, x_high


@lru_cache(maxsize=1)
def _fine_grid() -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """End-clustered grid x(t) and the logs the density needs at its interior points."""
    t = np.linspace(0.0, 1.0, _FINE_POINTS)
    x = 0.5 - 0.5 * np.cos(np.pi * t)
    x[0], x[-1] = 0.0, 1.0
    inner = x[1:-1]
    return x, np.log(inner), np.log1p(-inner), np.log(np.sin(np.pi * t[1:-1]))


@lru_cache(maxsize=8192)
def _pert_cells(lam: float, r: float) -> npt.NDArray[np.complex128]:
    """The table as interpolation cells ``a_k + i·s_k`` with value ``a_k + s_k·(u·K)`` on
    cell ``k = ⌊u·K⌋``; cell K (u = 1) is the constant 1 (read-only)."""
    return _cells_of(_pert_table(lam, r))


def _cells_of(table: FloatArray) -> npt.NDArray[np.complex128]:
    slope = np.diff(table)
    cells = np.empty(_TABLE_STEPS + 1, dtype=np.complex128)
    cells.real[:-1] = table[:-1] - np.arange(_TABLE_STEPS) * slope
    cells.imag[:-1] = slope
    cells[-1] = 1.0
    cells.setflags(write=False)
    return cells


def pert_cells(e: Estimate) -> npt.NDArray[np.complex128]:
    """Interpolation cells of a PERT estimate already scaled to days (see :func:`pert_row`)."""
    lo, hi = e.low, e.high
    cells = _pert_cells(e.pert_lambda, round((e.likely - lo) / (hi - lo), 12))
    out: npt.NDArray[np.complex128] = cells * (hi - lo)
    out.real += lo
    return out


def pert_row(
    e: Estimate,
    u: FloatArray,
    out: FloatArray,
    cells: npt.NDArray[np.complex128] | None = None,
    scratch: dict[
        tuple[int, ...], tuple[FloatArray, npt.NDArray[np.intp], npt.NDArray[np.complex128]]
    ]
    | None = None,
) -> None:
    """PERT inverse CDF of one row of uniforms in [0, 1] into ``out`` (same shape as ``u``;
    values outside [0, 1] are not allowed).

    ``cells`` (from :func:`pert_cells`) and ``scratch`` buffers may be reused across calls; the
    work is a multiply, a float→int cast, one complex gather and a fused multiply-add.
    """
    if cells is None:
        cells = pert_cells(e)
    key = u.shape
    if scratch is not None and key in scratch:
        pos, idx, gathered = scratch[key]
    else:
        pos = np.empty(key)
        idx = np.empty(key, dtype=np.intp)
        gathered = np.empty(key, dtype=np.complex128)
        if scratch is not None:
            scratch[key] = (pos, idx, gathered)
    np.multiply(u, _TABLE_STEPS, out=pos)
    idx[...] = pos  # truncation = floor for u ≥ 0; u = 1 lands on the constant cell K
    np.take(cells, idx, out=gathered)
    # the outer cells of each tail (~0.8% of draws) are redone from the finer tail tables;
    # read their uniforms now, as ``out`` may be ``u`` itself
    idx -= _TAIL_CELLS
    tail = idx.view(np.uintp) >= _TABLE_STEPS - 2 * _TAIL_CELLS
    ut = u[tail]
    np.multiply(gathered.imag, pos, out=pos)
    np.add(pos, gathered.real, out=out)
    if ut.size:
        lo, span = e.low, e.high - e.low
        q_low, x_low, x_high = _pert_tail_tables(e.pert_lambda, round((e.likely - lo) / span, 12))
        upper = ut > 0.5
        xt = np.interp(ut, q_low, x_low)
        if upper.any():
            xt[upper] = np.interp(ut[upper], 1.0 - q_low[::-1], x_high)
        out[tail] = lo + span * xt


class PertRows:
    """Stacked PERT tables of several estimates, to sample a group of rows in one pass.

    Gives exactly what :func:`pert_row` gives row by row (same operations, element by
    element), with a handful of numpy calls per group of rows instead of per row. The tail
    tables' grids are multiples of 2⁻²⁰, so their linear interpolation is done by index
    arithmetic (the same floating-point operations as :func:`numpy.interp`).

    Examples
    --------
    >>> ests = [Estimate(low=1, likely=2, high=6), Estimate(low=3, likely=4, high=5)]
    >>> u = np.random.default_rng(0).random((2, 1000))
    >>> a, b = np.empty_like(u), np.empty_like(u)
    >>> PertRows(ests).sample(u, a, 0)
    >>> for i, e in enumerate(ests):
    ...     pert_row(e, u[i], b[i])
    >>> bool(np.array_equal(a, b))
    True
    """

    def __init__(self, estimates: Sequence[Estimate]) -> None:
        n = len(estimates)
        # one table per row and one tail table per distinct shape; the per-shape caches are
        # bypassed (these stacks are the only copies kept): the same operations as pert_cells
        # and _pert_tail_tables
        shapes: dict[tuple[float, float], int] = {}
        self.tail_row = np.empty(n, dtype=np.intp)
        self.lo = np.empty(n)
        self.span = np.empty(n)
        self.cells = np.empty((n, _TABLE_STEPS + 1), dtype=np.complex128)
        for k, e in enumerate(estimates):
            lo, span = e.low, e.high - e.low
            shape = (e.pert_lambda, round((e.likely - lo) / span, 12))
            self.tail_row[k] = shapes.setdefault(shape, len(shapes))
            self.lo[k], self.span[k] = lo, span
            cells = _cells_of(_pert_table.__wrapped__(*shape)) * (e.high - e.low)
            cells.real += lo
            self.cells[k] = cells
        self.x_low = np.empty((len(shapes), _TAIL_STEPS + 1))
        self.x_high = np.empty((len(shapes), _TAIL_STEPS + 1))
        for shape, row in shapes.items():
            _, self.x_low[row], self.x_high[row] = _pert_tail_tables.__wrapped__(*shape)
        self._offsets = np.arange(n, dtype=np.intp) * (_TABLE_STEPS + 1) + _TAIL_CELLS

    def sample(
        self,
        u: FloatArray,
        out: FloatArray,
        first: int,
        scratch: dict[str, npt.NDArray[np.complex128]] | None = None,
    ) -> None:
        """PERT inverse CDF of ``u`` (shape ``(…, g, n)``: rows ``first … first + g − 1`` of
        the stack on the second-last axis, values in [0, 1]) into ``out`` (same shape, not
        ``u``). ``scratch`` (one per thread) keeps a cache-resident copy buffer between calls.
        """
        g = u.shape[-2]
        shape = u.shape
        # copy the rows' tables (g × 64 KB) sequentially into a reused buffer first: streaming
        # them in is far cheaper than the random gathers missing the cache line by line
        size = g * (_TABLE_STEPS + 1)
        buf = None if scratch is None else scratch.get("cells")
        if buf is None or buf.size < size:
            buf = np.empty(size, dtype=np.complex128)
            if scratch is not None:
                scratch["cells"] = buf
        table = buf[:size]
        np.copyto(table.reshape(g, -1), self.cells[first : first + g])
        pos = np.multiply(u, float(_TABLE_STEPS))
        idx = np.empty(shape, dtype=np.intp)
        idx[...] = pos  # truncation = floor for u ≥ 0
        idx -= _TAIL_CELLS
        tail = idx.view(np.uintp) >= _TABLE_STEPS - 2 * _TAIL_CELLS
        idx += self._offsets[:g, None]
        gathered = table[idx]  # fancy indexing: faster than np.take here
        np.multiply(gathered.imag, pos, out=pos)
        np.add(pos, gathered.real, out=out)
        flat = np.flatnonzero(tail)
        if not flat.size:
            return
        where = np.unravel_index(flat, shape)
        ut = u[where]
        rows = where[-2] + first
        upper = ut > 0.5
        # lower tail: grid q_j = j·2⁻²⁰ on [0, 2⁻⁸]; upper: 1 − 2⁻⁸ + j·2⁻²⁰ on [1 − 2⁻⁸, 1]
        origin = np.where(upper, 1.0 - _TAIL_CELLS / _TABLE_STEPS, 0.0)
        dq = ut - origin
        step = _TAIL_CELLS / _TABLE_STEPS / _TAIL_STEPS
        j = np.minimum((dq * (1.0 / step)).astype(np.intp), _TAIL_STEPS - 1)
        flat = self.tail_row[rows] * (_TAIL_STEPS + 1) + j
        tables = self.x_low.reshape(-1), self.x_high.reshape(-1)
        y0 = np.where(upper, tables[1][flat], tables[0][flat])
        y1 = np.where(upper, tables[1][flat + 1], tables[0][flat + 1])
        xt = (y1 - y0) / step * (ut - (origin + j * step)) + y0
        out[where] = self.lo[rows] + self.span[rows] * xt


@lru_cache(maxsize=2)
def pert_rows(estimates: tuple[Estimate, ...]) -> PertRows:
    """:class:`PertRows` of these estimates, kept for the next run of the same estimates
    (read-only; safe to share between threads)."""
    return PertRows(estimates)
