"""Cash-flow metrics, vectorised over trailing axes: NPV, IRR, payback, discounted payback.

Cash flows are arrays whose **first axis is the period** ``t = 0..T`` (period 0 is "initial",
undiscounted); any further axes (options, trials) are carried along.

Excel note: ``NPV(r, v1..vn)`` in Excel discounts its first value by one period, so
``NPV(r, v1..vn) + v0`` equals :func:`npv` here; numpy-financial's ``npf.npv(r, values)``
discounts ``values[0]`` by ``(1+r)^0`` and equals :func:`npv` directly.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "discount_factors",
    "discounted_payback_period",
    "irr",
    "irr_count",
    "npv",
    "payback_period",
]

FloatArray = npt.NDArray[np.float64]

#: Search grid for IRR brackets, in log(1 + r) per period: r from −99.9999% to +10,000%.
_IRR_GRID = np.linspace(np.log(1e-6), np.log(101.0), 1201)


def discount_factors(rate: float, n_periods: int) -> FloatArray:
    """``(1 + rate)^−t`` for ``t = 0..n_periods−1``.

    Examples
    --------
    >>> discount_factors(0.1, 3).round(4).tolist()
    [1.0, 0.9091, 0.8264]
    """
    out: FloatArray = (1.0 + rate) ** -np.arange(n_periods, dtype=np.float64)
    return out


def npv(rate: float, cash_flows: npt.ArrayLike) -> FloatArray:
    """Net present value: ``Σ_t cf_t / (1 + rate)^t`` with period 0 undiscounted.

    Examples
    --------
    >>> round(float(npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000])), 5)
    3065.22267
    """
    cf = np.asarray(cash_flows, dtype=np.float64)
    d = discount_factors(rate, cf.shape[0]).reshape((-1,) + (1,) * (cf.ndim - 1))
    out: FloatArray = np.asarray((cf * d).sum(axis=0))
    return out


def _npv_at_growth(cf: FloatArray, log_growth: FloatArray) -> FloatArray:
    """NPV at per-period rates exp(g) − 1, for g of shape (G,) or (n,): returns (G, n)."""
    t = np.arange(cf.shape[0], dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        d = np.exp(-np.multiply.outer(log_growth, t))  # (G, T)
        out: FloatArray = d @ cf
    return out


def irr(cash_flows: npt.ArrayLike, *, tol: float = 1e-12) -> FloatArray:
    """Internal rate of return per period, vectorised over columns.

    The rate ``r`` with ``Σ_t cf_t / (1 + r)^t = 0``. Brackets are found on a grid of
    ``r ∈ (−99.9999%, 10,000%]``; when the NPV changes sign more than once (non-conventional cash
    flows, e.g. an exit cost at the end) the root closest to 0 is returned, like
    numpy-financial — :func:`irr_count` tells how many there are, and with more than one the
    IRR is ambiguous (judge by NPV). Not defined (NaN) when the cash flows do not change sign
    or no root is bracketed.

    Parameters
    ----------
    cash_flows : array, shape (T+1,) or (T+1, n)

    Examples
    --------
    >>> round(float(irr([-100, 39, 59, 55, 20])), 5)
    0.28095
    >>> bool(np.isnan(irr([100, 10, 10])))
    True
    """
    cf = np.asarray(cash_flows, dtype=np.float64)
    squeeze = cf.ndim == 1
    cf2 = cf.reshape(cf.shape[0], -1)
    n = cf2.shape[1]
    out = np.full(n, np.nan)
    changes = (cf2 > 0).any(axis=0) & (cf2 < 0).any(axis=0)
    cols = np.flatnonzero(changes)
    if cols.size:
        c = cf2[:, cols]
        # normalise each column so the bisection tolerance is scale free
        c = c / np.abs(c).max(axis=0)
        vals = _npv_at_growth(c, _IRR_GRID)  # (G, m)
        sign = np.sign(vals)
        cross = (sign[:-1] * sign[1:] <= 0) & np.isfinite(vals[:-1]) & np.isfinite(vals[1:])
        cross &= ~((sign[:-1] == 0) & (sign[1:] == 0))
        has = cross.any(axis=0)
        # among brackets, the one whose rate is closest to 0 (numpy-financial's choice)
        mid_rate = np.abs(np.expm1((_IRR_GRID[:-1] + _IRR_GRID[1:]) / 2))
        score = np.where(cross, mid_rate[:, None], np.inf)
        k = np.argmin(score, axis=0)
        lo = _IRR_GRID[k].copy()
        hi = _IRR_GRID[k + 1].copy()
        f_lo = vals[k, np.arange(len(cols))]
        for _ in range(200):
            mid = (lo + hi) / 2
            t = np.arange(c.shape[0], dtype=np.float64)
            f_mid = (c * np.exp(-np.multiply.outer(t, mid))).sum(axis=0)
            left = np.sign(f_mid) == np.sign(f_lo)
            lo = np.where(left, mid, lo)
            f_lo = np.where(left, f_mid, f_lo)
            hi = np.where(left, hi, mid)
            if np.all(hi - lo < tol):
                break
        root = np.expm1((lo + hi) / 2)
        out[cols] = np.where(has, root, np.nan)
    if squeeze:
        return np.asarray(out[0])
    return out.reshape(cf.shape[1:])


def irr_count(cash_flows: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """Number of IRRs (sign changes of the NPV over r ∈ (−99.9999%, 10,000%]) per column.

    Examples
    --------
    >>> irr_count([-100, 39, 59, 55, 20]).tolist(), irr_count([-5, 10.5, 1, -8, 1]).tolist()
    (1, 3)
    """
    cf = np.asarray(cash_flows, dtype=np.float64)
    cf2 = cf.reshape(cf.shape[0], -1)
    scale = np.abs(cf2).max(axis=0)
    c = cf2 / np.where(scale > 0, scale, 1.0)
    vals = _npv_at_growth(c, _IRR_GRID)
    sign = np.sign(vals)
    ok = np.isfinite(vals[:-1]) & np.isfinite(vals[1:])
    n: npt.NDArray[np.intp] = ((sign[:-1] * sign[1:] < 0) & ok).sum(axis=0)
    return n.reshape(cf.shape[1:])


def payback_period(cash_flows: npt.ArrayLike) -> FloatArray:
    """Periods until the cumulative cash flow first reaches 0, interpolated within the period.

    Period ``t``'s cash flow is taken to accrue evenly between ``t − 1`` and ``t``, so with
    cumulative ``C_{t−1} < 0 ≤ C_t`` the payback is ``t − 1 + (−C_{t−1}) / cf_t`` (the textbook
    "years before recovery + unrecovered cost / cash flow of the year"). 0 when period 0 is
    already ≥ 0; NaN when the cumulative never reaches 0 within the horizon.

    Examples
    --------
    >>> round(float(payback_period([-100, 60, 60])), 4)
    1.6667
    >>> bool(np.isnan(payback_period([-100, 10, 10])))
    True
    """
    cf = np.asarray(cash_flows, dtype=np.float64)
    cum = np.cumsum(cf, axis=0)
    reached = cum >= 0
    first = np.argmax(reached, axis=0)
    ever = reached.any(axis=0)
    prev = np.take_along_axis(cum, np.expand_dims(np.maximum(first - 1, 0), 0), axis=0)[0]
    flow = np.take_along_axis(cf, np.expand_dims(first, 0), axis=0)[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(flow > 0, -prev / flow, 1.0)
    value = np.where(first == 0, 0.0, first - 1 + frac)
    out: FloatArray = np.asarray(np.where(ever, value, np.nan), dtype=np.float64)
    return out


def discounted_payback_period(rate: float, cash_flows: npt.ArrayLike) -> FloatArray:
    """:func:`payback_period` of the discounted cash flows ``cf_t / (1 + rate)^t``.

    Examples
    --------
    >>> round(float(discounted_payback_period(0.1, [-100, 60, 60])), 4)
    1.9167
    """
    cf = np.asarray(cash_flows, dtype=np.float64)
    d = discount_factors(rate, cf.shape[0]).reshape((-1,) + (1,) * (cf.ndim - 1))
    return payback_period(cf * d)
