"""Throughput Monte Carlo: "when will the backlog be done?" and "how many by a date?".

Conventions (DESIGN.md §3.3)
----------------------------
* Periods are numbered from 1 at the start date. Weekly period ``k`` covers the days
  ``start + 7(k−1) … start + 7k − 1``. Daily period ``k`` is working day ``k − 1`` of the
  calendar counted from the start date (weekends and holidays skipped; a start on a
  non-working day rolls forward).
* "When": the number of periods needed, counting the period in which the last item finishes;
  its date is the *last day* of that period (for days: that working day).
* "How many by DATE" counts the items finished in the periods that *end* on or before DATE.

Percentiles (exact, from the empirical distribution of the trials)
-----------------------------------------------------------------
* "When" at X%: the smallest period ``k`` with share(trials done by ``k``) ≥ X%, so
  P50 ≤ P85 ≤ P95. With ``n`` trials this is the ``m``-th smallest value, ``m = ⌈X·n/100⌉``.
* "How many" at X%: the largest count ``c`` reached in at least X% of trials,
  share(count ≥ ``c``) ≥ X% — the (100 − X)th percentile, so P95 ≤ P85 ≤ P50. It is the
  ``m``-th *largest* value, ``m = ⌈X·n/100⌉``.

Model
-----
Throughput per period is drawn independently each period, either by bootstrap (resampling
the historical per-period throughput, zero periods included) or from a triangular
``(low, likely, high)`` estimate rounded to the nearest whole item. Focus ``f`` (share of the
team's throughput that goes to this backlog) thins each period's throughput binomially —
every item that would have been finished is finished for this backlog with probability ``f``
— which keeps whole items and scales the mean exactly by ``f``.

The backlog per trial is ``⌈B × s⌉`` with ``B`` a uniform integer in ``[low, high]`` and the
split rate ``s`` uniform in ``[split_low, split_high]``; each risk then adds, with its
probability, a uniform integer number of items in ``[low_items, high_items]`` (risk items are
not split again).

The trials are simulated together, a block of periods at a time (trials on the contiguous
axis), until every trial has finished its backlog and the target date is reached.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from tpm_models._repr import summary_html
from tpm_models.calendar import WorkCalendar
from tpm_models.delivery_forecast.throughput import Period
from tpm_models.errors import InputError
from tpm_models.estimates import RNGLike, as_generator

__all__ = [
    "FAN_LEVELS",
    "HEADLINE_LEVELS",
    "Backlog",
    "BacklogRisk",
    "ForecastInputs",
    "ForecastResult",
    "ThroughputEstimate",
    "how_many_percentile",
    "percentile_standard_error",
    "period_end_dates",
    "periods_until",
    "simulate_forecast",
    "when_percentile",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: The percentiles a stakeholder remembers.
HEADLINE_LEVELS: tuple[int, ...] = (50, 85, 95)
#: Levels of the per-period "how many" table kept in a result (see ``how_many_by``).
FAN_LEVELS: tuple[int, ...] = (5, 15, 30, 50, 70, 85, 95)
#: No simulation runs longer than this many periods (a guard against near-zero throughput).
MAX_PERIODS = 5_000
#: Bound on the cells of one (periods × trials) block, to keep memory flat.
_BLOCK_CELLS = 4_000_000

_FROZEN = ConfigDict(frozen=True, extra="forbid")


# --- inputs ----------------------------------------------------------------------------------
class ThroughputEstimate(BaseModel):
    """Three-point throughput per period (items/period), sampled triangular and rounded.

    Examples
    --------
    >>> ThroughputEstimate(low=2, likely=4, high=9).mean_items
    5.0
    """

    model_config = _FROZEN

    low: float = Field(ge=0)
    likely: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low <= self.likely <= self.high:
            raise ValueError("throughput needs low <= likely <= high")
        if self.high < 0.5:
            raise ValueError("throughput high must be at least 0.5 item per period")
        return self

    @property
    def mean_items(self) -> float:
        """Mean of the rounded draws (items/period), exact from the triangular CDF."""
        if self.high == self.low:
            return float(np.rint(self.low))
        ks = np.arange(np.floor(self.low), np.ceil(self.high) + 1)
        upper = np.clip(ks + 0.5, self.low, self.high)
        lower = np.clip(ks - 0.5, self.low, self.high)
        return float(np.sum(ks * (_tri_cdf(upper, self) - _tri_cdf(lower, self))))


def _tri_cdf(x: FloatArray, e: ThroughputEstimate) -> FloatArray:
    a, c, b = e.low, e.likely, e.high
    left = (x - a) ** 2 / ((b - a) * (c - a)) if c > a else np.zeros_like(x)
    right = 1 - (b - x) ** 2 / ((b - a) * (b - c)) if b > c else np.ones_like(x)
    return np.where(x <= a, 0.0, np.where(x >= b, 1.0, np.where(x <= c, left, right)))


class Backlog(BaseModel):
    """Items still to do: a count or a uniform integer range, times a split-rate range.

    Examples
    --------
    >>> Backlog(low_items=80, high_items=100, split_low=1.0, split_high=1.25).max_items
    125
    """

    model_config = _FROZEN

    low_items: int = Field(ge=1, le=1_000_000)
    high_items: int = Field(le=1_000_000)
    split_low: float = Field(default=1.0, gt=0, le=10)
    split_high: float = Field(gt=0, le=10)

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        # a single count / a single split rate: high defaults to low
        if isinstance(data, dict):
            data = dict(data)
            if data.get("high_items") is None and "low_items" in data:
                data["high_items"] = data["low_items"]
            if data.get("split_high") is None:
                data["split_high"] = data.get("split_low", 1.0)
        return data

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high_items < self.low_items:
            raise ValueError("backlog high must be >= low")
        if self.split_high < self.split_low:
            raise ValueError("split rate high must be >= low")
        return self

    @property
    def max_items(self) -> int:
        return int(_ceil_items(np.asarray([self.high_items * self.split_high]))[0])


class BacklogRisk(BaseModel):
    """Discovered work: with ``probability``, adds ``low_items…high_items`` items (uniform)."""

    model_config = _FROZEN

    name: str = Field(default="risk", max_length=200)
    probability: float = Field(ge=0, le=1)
    low_items: int = Field(ge=0, le=1_000_000)
    high_items: int = Field(ge=0, le=1_000_000)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high_items < self.low_items:
            raise ValueError("risk high_items must be >= low_items")
        return self


class ForecastInputs(BaseModel):
    """Everything a throughput forecast needs.

    Give exactly one throughput source (``throughput_per_period`` for the bootstrap, or
    ``throughput_estimate``) and a ``backlog`` ("when"), a ``target_date`` ("how many"), or
    both.

    Examples
    --------
    >>> inp = ForecastInputs(
    ...     throughput_per_period=(3, 5, 0, 4), period="week",
    ...     start_date=dt.date(2027, 1, 4), backlog=Backlog(low_items=40),
    ... )
    >>> inp.mode
    'when'
    """

    model_config = _FROZEN

    throughput_per_period: tuple[int, ...] | None = None
    throughput_estimate: ThroughputEstimate | None = None
    period: Period = "week"
    start_date: dt.date
    calendar: WorkCalendar = WorkCalendar()
    backlog: Backlog | None = None
    risks: tuple[BacklogRisk, ...] = ()
    focus_percent: float = Field(default=100.0, gt=0, le=100)
    target_date: dt.date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.throughput_per_period is None) == (self.throughput_estimate is None):
            raise ValueError("give either a throughput history or a throughput estimate")
        if self.throughput_per_period is not None:
            if not self.throughput_per_period:
                raise ValueError("the throughput history has no periods")
            if min(self.throughput_per_period) < 0:
                raise ValueError("throughput per period cannot be negative")
        if self.backlog is None and self.target_date is None:
            raise ValueError("give a backlog (when?) or a target date (how many?)")
        if self.target_date is not None and self.target_date < self.start_date:
            raise ValueError("the target date is before the start date")
        return self

    @property
    def mode(self) -> Literal["when", "how_many"]:
        return "when" if self.backlog is not None else "how_many"

    @property
    def mean_throughput(self) -> float:
        """Expected items per period after focus."""
        if self.throughput_per_period is not None:
            base = float(np.mean(self.throughput_per_period))
        else:
            assert self.throughput_estimate is not None
            base = self.throughput_estimate.mean_items
        return base * self.focus_percent / 100


# --- period <-> date -------------------------------------------------------------------------
def period_end_dates(
    start: dt.date, period: Period, periods: npt.ArrayLike, calendar: WorkCalendar | None = None
) -> npt.NDArray[np.datetime64]:
    """Last day of each period ``k`` (1-based), vectorised.

    Examples
    --------
    >>> period_end_dates(dt.date(2027, 1, 4), "week", [1, 2]).tolist()
    [datetime.date(2027, 1, 10), datetime.date(2027, 1, 17)]
    >>> period_end_dates(dt.date(2027, 1, 8), "day", [1, 2]).tolist()  # Fri, then Mon
    [datetime.date(2027, 1, 8), datetime.date(2027, 1, 11)]
    """
    k = np.asarray(periods, dtype=np.int64)
    if period == "week":
        return np.datetime64(start, "D") + (7 * k - 1).astype("timedelta64[D]")
    cal = calendar or WorkCalendar()
    return cal.offsets_to_dates(start, k - 1)


def periods_until(
    start: dt.date, period: Period, date: dt.date, calendar: WorkCalendar | None = None
) -> int:
    """Number of periods that end on or before ``date``.

    Examples
    --------
    >>> periods_until(dt.date(2027, 1, 4), "week", dt.date(2027, 1, 16))
    1
    >>> periods_until(dt.date(2027, 1, 4), "day", dt.date(2027, 1, 10))  # Mon..Sun
    5
    """
    if date < start:
        return 0
    if period == "week":
        return ((date - start).days + 1) // 7
    cal = calendar or WorkCalendar()
    return cal.working_days_between(start, date + dt.timedelta(days=1))


# --- exact empirical percentiles ---------------------------------------------------------
def _rank(level: float, n: int) -> int:
    """``⌈level·n/100⌉`` computed in integers (no float round-up surprises), at least 1."""
    milli = round(level * 1000)
    if not 0 < milli <= 100_000:
        raise ValueError(f"percentile level must be in (0, 100], got {level}")
    return max(1, -(-milli * n // 100_000))


def when_percentile(periods: npt.ArrayLike, level: float) -> int:
    """Smallest ``k`` with share(periods ≤ ``k``) ≥ ``level``%.

    Examples
    --------
    >>> when_percentile([1, 2, 3, 4], 50), when_percentile([1, 2, 3, 4], 51)
    (2, 3)
    """
    a = np.asarray(periods, dtype=np.int64).ravel()
    m = _rank(level, a.size)
    return int(np.partition(a, m - 1)[m - 1])


def how_many_percentile(counts: npt.ArrayLike, level: float) -> int:
    """Largest ``c`` with share(counts ≥ ``c``) ≥ ``level``% ("reached in at least X%").

    Examples
    --------
    >>> how_many_percentile([10, 20, 30, 40], 50), how_many_percentile([10, 20, 30, 40], 95)
    (30, 10)
    """
    a = np.asarray(counts, dtype=np.int64).ravel()
    m = _rank(level, a.size)
    return int(np.partition(a, a.size - m)[a.size - m])


def percentile_standard_error(values: npt.ArrayLike, level: float) -> float:
    """Distribution-free standard error of an empirical percentile.

    Half the spread between the order statistics ``σ = √(n·p·(1−p))`` ranks either side of
    the percentile's rank (the binomial approximation of a ±1 SE interval for a quantile).
    It applies to "how many" figures too, since the X% "how many" figure is the (100 − X)th
    percentile.

    Examples
    --------
    >>> percentile_standard_error([5] * 100, 85)
    0.0
    >>> round(percentile_standard_error(range(1000), 50), 1)
    16.0
    """
    a = np.sort(np.asarray(values, dtype=np.float64).ravel())
    n, p = a.size, level / 100
    m = _rank(level, n)
    half = math.sqrt(n * p * (1 - p))
    lo = max(1, math.floor(m - half))
    hi = min(n, math.ceil(m + half))
    return float(a[hi - 1] - a[lo - 1]) / 2


def _reached_rows(
    cum: npt.NDArray[np.int32], levels: tuple[int, ...]
) -> tuple[IntArray, FloatArray]:
    """Per row of ``cum`` (periods × trials, each column non-decreasing down the rows): the
    count reached in ≥ level% of trials for each level, and the row means."""
    n_rows, n = cum.shape
    ranks = np.array([_rank(lv, n) for lv in levels])
    # columns never decrease, so the whole block lies between the first row's minimum and
    # the last row's maximum: one shared bin range, found from two rows instead of all
    lo = int(cum[0].min())
    width = int(cum[-1].max()) - lo + 1
    if n_rows * width <= 20_000_000:
        # counting sort of every row at once: trials with count >= v, for every v
        flat = cum + (np.arange(n_rows, dtype=np.int64) * width - lo)[:, None]
        hist = np.bincount(flat.ravel(), minlength=n_rows * width).reshape(n_rows, width)
        at_least = np.cumsum(hist[:, ::-1], axis=1)[:, ::-1]
        # at_least falls with v: the largest v with at_least >= rank is (#v passing) - 1
        idx = np.stack([(at_least >= r).sum(axis=1) - 1 for r in ranks], axis=1)
        reached: IntArray = lo + idx
        means = hist @ np.arange(lo, lo + width, dtype=np.float64) / n
        return reached, means
    part = np.partition(cum, n - ranks, axis=1)
    out: IntArray = part[:, n - ranks].astype(np.int64)
    return out, cum.mean(axis=1)


# --- engine ----------------------------------------------------------------------------------
def _ceil_items(x: npt.ArrayLike) -> IntArray:
    # 10 × 1.1 is 11.000000000000002 in floats; that is 11 items, not 12
    return np.ceil(np.asarray(x, dtype=np.float64) - 1e-9).astype(np.int64)


def _draw_backlog(inputs: ForecastInputs, n: int, gen: np.random.Generator) -> IntArray:
    b = inputs.backlog
    assert b is not None
    base = gen.integers(b.low_items, b.high_items, size=n, endpoint=True)
    if b.split_high > b.split_low:
        items = _ceil_items(base * gen.uniform(b.split_low, b.split_high, size=n))
    elif b.split_low != 1.0:
        items = _ceil_items(base * b.split_low)
    else:
        items = base
    for risk in inputs.risks:
        hit = gen.random(n) < risk.probability
        extra = gen.integers(risk.low_items, risk.high_items, size=n, endpoint=True)
        items = items + np.where(hit, extra, 0)
    return np.maximum(items, 1).astype(np.int64)


def _draw_throughput(
    inputs: ForecastInputs, rows: int, n: int, gen: np.random.Generator
) -> npt.NDArray[np.int32]:
    if inputs.throughput_per_period is not None:
        samples = np.asarray(inputs.throughput_per_period, dtype=np.int32)
        if np.all(samples == samples[0]):
            tp = np.full((rows, n), samples[0], dtype=np.int32)
        else:
            tp = np.take(samples, gen.integers(0, samples.size, size=(rows, n)))
    else:
        e = inputs.throughput_estimate
        assert e is not None
        if e.high == e.low:
            tp = np.full((rows, n), int(np.rint(e.low)), dtype=np.int32)
        else:
            tp = np.rint(gen.triangular(e.low, e.likely, e.high, size=(rows, n))).astype(np.int32)
    if inputs.focus_percent < 100:
        tp = gen.binomial(tp, inputs.focus_percent / 100).astype(np.int32)
    return tp


def simulate_forecast(
    inputs: ForecastInputs, *, iterations: int = 10_000, rng: RNGLike = None
) -> ForecastResult:
    """Monte Carlo throughput forecast ("when" and/or "how many").

    Parameters
    ----------
    inputs : ForecastInputs
        Throughput source, period, start date, backlog and/or target date.
    iterations : int
        Number of trials.
    rng : Generator, int or None
        Random source (a seed gives reproducible results).

    Raises
    ------
    InputError
        If the throughput is zero, or some trials need more than ``MAX_PERIODS`` periods.

    Examples
    --------
    >>> inp = ForecastInputs(
    ...     throughput_per_period=(2,), period="day", start_date=dt.date(2027, 1, 4),
    ...     backlog=Backlog(low_items=20), target_date=dt.date(2027, 1, 8),
    ... )
    >>> res = simulate_forecast(inp, iterations=100, rng=1)
    >>> res.when_date(85), res.how_many_at(85)  # 10 working days; 5 days × 2 items
    (datetime.date(2027, 1, 15), 10)
    """
    if iterations < 1:
        raise ValueError("iterations must be >= 1")
    gen = as_generator(rng)
    n = iterations
    mean_tp = inputs.mean_throughput
    backlog = _draw_backlog(inputs, n, gen) if inputs.backlog is not None else None
    target_periods = (
        periods_until(inputs.start_date, inputs.period, inputs.target_date, inputs.calendar)
        if inputs.target_date is not None
        else None
    )
    if backlog is not None:
        if mean_tp <= 0:
            raise InputError.single(
                "throughput",
                "throughput is zero in every period, so the backlog never finishes; "
                "choose a history window with finished items",
            )
        expected = int(backlog.max()) / mean_tp
        if expected > MAX_PERIODS:
            raise InputError.single(
                "throughput",
                f"at {mean_tp:.3g} items per {inputs.period} the backlog needs about "
                f"{expected:,.0f} periods (limit {MAX_PERIODS:,}); check the backlog and window",
            )
        first_rows = math.ceil(1.25 * expected) + 4
    else:
        first_rows = target_periods or 1
    rows_cap = max(4, _BLOCK_CELLS // n)

    when = np.zeros(n, dtype=np.int64)
    undone = np.ones(n, dtype=bool) if backlog is not None else np.zeros(n, dtype=bool)
    carry = np.zeros(n, dtype=np.int32)
    how_many: IntArray | None = None
    fan: list[IntArray] = []
    fan_mean: list[FloatArray] = []
    offset = 0
    horizon = target_periods or 0
    while undone.any() or offset < horizon:
        if offset >= MAX_PERIODS:
            raise InputError.single(
                "throughput",
                f"{int(undone.sum()):,} of {n:,} trials had not finished after {MAX_PERIODS:,} "
                "periods; the throughput is too low for this backlog",
            )
        rows = min(max(first_rows, 4), rows_cap, MAX_PERIODS - offset)
        if not undone.any():
            rows = min(rows, horizon - offset)
        cum = np.cumsum(_draw_throughput(inputs, rows, n, gen), axis=0, dtype=np.int32)
        cum += carry
        if backlog is not None and undone.any():
            # a trial finishes in this block iff its last row reaches the backlog; only those
            # columns are searched, so each trial is searched in exactly one block
            idx = np.flatnonzero(undone & (cum[-1] >= backlog))
            before = (cum[:, idx] < backlog[idx]).sum(axis=0)  # rows before the finish
            when[idx] = offset + before + 1
            undone[idx] = False
        if target_periods is not None and offset < target_periods <= offset + rows:
            how_many = cum[target_periods - offset - 1].astype(np.int64)
        reached, means = _reached_rows(cum, FAN_LEVELS)
        fan.append(reached)
        fan_mean.append(means)
        carry = cum[-1].copy()
        offset += rows
        first_rows = max(4, first_rows // 2)
    if target_periods == 0:
        how_many = np.zeros(n, dtype=np.int64)
    return ForecastResult(
        inputs=inputs,
        iterations=n,
        backlog_items=backlog,
        when_periods=when if backlog is not None else None,
        how_many_items=how_many,
        target_periods=target_periods,
        fan_reached=np.concatenate(fan) if fan else np.zeros((0, len(FAN_LEVELS)), np.int64),
        fan_mean_items=np.concatenate(fan_mean) if fan_mean else np.zeros(0),
    )


# --- result ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ForecastResult:
    """Outcome of :func:`simulate_forecast`.

    Attributes
    ----------
    inputs : ForecastInputs
        The inputs simulated.
    iterations : int
        Number of trials.
    backlog_items : ndarray of int64 or None
        Items to finish in each trial (after splits and risks); ``None`` without a backlog.
    when_periods : ndarray of int64 or None
        Per trial, the period (1-based) in which the last backlog item finishes.
    how_many_items : ndarray of int64 or None
        Per trial, items finished in the periods ending on or before the target date.
    target_periods : int or None
        Number of periods ending on or before the target date.
    fan_reached : ndarray of int64, shape (periods simulated, len(FAN_LEVELS))
        For each period ``k`` (row ``k − 1``), items finished by its end in at least
        ``FAN_LEVELS[j]``% of trials (uncapped by the backlog).
    fan_mean_items : ndarray of float64
        Mean items finished by the end of each period simulated.
    """

    inputs: ForecastInputs
    iterations: int
    backlog_items: IntArray | None
    when_periods: IntArray | None
    how_many_items: IntArray | None
    target_periods: int | None
    fan_reached: IntArray
    fan_mean_items: FloatArray

    @property
    def mode(self) -> Literal["when", "how_many"]:
        return self.inputs.mode

    def period_end_date(self, period: int) -> dt.date:
        """Last day of period ``period`` (1-based)."""
        d = period_end_dates(self.inputs.start_date, self.inputs.period, [period], self._cal)[0]
        value = d.astype(object)
        assert isinstance(value, dt.date)
        return value

    @property
    def _cal(self) -> WorkCalendar:
        return self.inputs.calendar

    # --- when ---
    def _when(self) -> IntArray:
        if self.when_periods is None:
            raise ValueError("this forecast has no backlog, so no 'when'")
        return self.when_periods

    def when_periods_at(self, level: float) -> int:
        """Periods needed with ``level``% confidence (smallest ``k`` done by in ≥ level%)."""
        return when_percentile(self._when(), level)

    def when_standard_error(self, level: float) -> float:
        """Monte Carlo standard error of :meth:`when_periods_at` (periods)."""
        return percentile_standard_error(self._when(), level)

    def when_date(self, level: float) -> dt.date:
        """Date by which the backlog is done in at least ``level``% of trials."""
        return self.period_end_date(self.when_periods_at(level))

    def when_probability(self, date: dt.date) -> float:
        """Share of trials whose backlog is done by ``date``."""
        k = periods_until(self.inputs.start_date, self.inputs.period, date, self._cal)
        return float(np.mean(self._when() <= k))

    def when_table(self) -> pd.DataFrame:
        """One row per period from the earliest to the latest finish.

        Columns ``period``, ``date`` (last day of the period), ``trials`` finishing in it,
        ``probability`` (share finishing in it) and ``likelihood`` (cumulative share done
        by the date), ``percentile`` (``"P50"`` etc. where that date is the headline figure).
        """
        w = self._when()
        lo, hi = int(w.min()), int(w.max())
        ks = np.arange(lo, hi + 1)
        counts = np.bincount(w - lo, minlength=ks.size)
        dates = period_end_dates(self.inputs.start_date, self.inputs.period, ks, self._cal)
        labels: dict[int, list[str]] = {}
        for lv in HEADLINE_LEVELS:
            labels.setdefault(self.when_periods_at(lv), []).append(f"P{lv}")
        return pd.DataFrame(
            {
                "period": ks,
                "date": pd.to_datetime(dates),
                "trials": counts,
                "probability": counts / w.size,
                "likelihood": np.cumsum(counts) / w.size,
                "percentile": ["/".join(labels.get(int(k), [])) for k in ks],
            }
        )

    # --- how many ---
    def _how_many(self) -> IntArray:
        if self.how_many_items is None:
            raise ValueError("this forecast has no target date, so no 'how many'")
        return self.how_many_items

    def how_many_at(self, level: float) -> int:
        """Items finished by the target date in at least ``level``% of trials."""
        return how_many_percentile(self._how_many(), level)

    def how_many_standard_error(self, level: float) -> float:
        """Monte Carlo standard error of :meth:`how_many_at` (items)."""
        return percentile_standard_error(self._how_many(), 100 - level)

    def how_many_table(self) -> pd.DataFrame:
        """One row per count: ``items``, ``trials`` ending exactly there, ``probability``
        and ``likelihood`` = share of trials finishing at least that many items."""
        c = self._how_many()
        lo, hi = int(c.min()), int(c.max())
        items = np.arange(lo, hi + 1)
        counts = np.bincount(c - lo, minlength=items.size)
        at_least = np.cumsum(counts[::-1])[::-1] / c.size
        return pd.DataFrame(
            {
                "items": items,
                "trials": counts,
                "probability": counts / c.size,
                "likelihood": at_least,
            }
        )

    def how_many_by(
        self, date: dt.date, levels: tuple[int, ...] = HEADLINE_LEVELS
    ) -> dict[int, int]:
        """Items finished by ``date`` in at least X% of trials, for each X in ``levels``.

        Read from the per-period table kept during the simulation, so ``date`` must fall
        within the periods simulated (up to the latest finish or the target date).

        Examples
        --------
        >>> inp = ForecastInputs(throughput_per_period=(3,), start_date=dt.date(2027, 1, 4),
        ...                      period="week", backlog=Backlog(low_items=30))
        >>> simulate_forecast(inp, iterations=10, rng=0).how_many_by(dt.date(2027, 1, 17))
        {50: 6, 85: 6, 95: 6}
        """
        unknown = [lv for lv in levels if lv not in FAN_LEVELS]
        if unknown:
            raise ValueError(f"levels must be among {FAN_LEVELS}, got {unknown}")
        k = periods_until(self.inputs.start_date, self.inputs.period, date, self._cal)
        if k == 0:
            return dict.fromkeys(levels, 0)
        if k > self.fan_reached.shape[0]:
            last = self.period_end_date(self.fan_reached.shape[0])
            raise ValueError(
                f"{date} is after the last period simulated ({last}); set it as target"
            )
        row = self.fan_reached[k - 1]
        return {lv: int(row[FAN_LEVELS.index(lv)]) for lv in levels}

    def fan_frame(self) -> pd.DataFrame:
        """Tidy "items done by each period end": ``period``, ``date``, ``level``, ``items``."""
        ks = np.arange(1, self.fan_reached.shape[0] + 1)
        dates = pd.to_datetime(
            period_end_dates(self.inputs.start_date, self.inputs.period, ks, self._cal)
        )
        parts = [
            pd.DataFrame(
                {"period": ks, "date": dates, "level": f"P{lv}", "items": self.fan_reached[:, j]}
            )
            for j, lv in enumerate(FAN_LEVELS)
        ]
        return pd.concat(parts, ignore_index=True)

    # --- summary ---
    def _repr_html_(self) -> str:
        """A compact, escaped HTML table of :meth:`summary` (Jupyter)."""
        return summary_html(self)

    def summary(self) -> pd.DataFrame:
        """Tidy headline table: ``measure``, ``percentile``, ``periods``, ``date``, ``items``,
        ``standard_error``.

        ``when`` rows give the periods needed and the date; ``how_many`` rows the items
        finished by the target date (reached in at least that share of trials).
        ``standard_error`` is the Monte Carlo standard error of the figure (periods for
        ``when``, items for ``how_many``).
        """
        rows: list[dict[str, object]] = []
        if self.when_periods is not None:
            for lv in HEADLINE_LEVELS:
                k = self.when_periods_at(lv)
                rows.append(
                    {
                        "measure": "when",
                        "percentile": f"P{lv}",
                        "periods": k,
                        "date": self.period_end_date(k),
                        "items": None,
                        "standard_error": self.when_standard_error(lv),
                    }
                )
        if self.how_many_items is not None:
            for lv in HEADLINE_LEVELS:
                rows.append(
                    {
                        "measure": "how_many",
                        "percentile": f"P{lv}",
                        "periods": self.target_periods,
                        "date": self.inputs.target_date,
                        "items": self.how_many_at(lv),
                        "standard_error": self.how_many_standard_error(lv),
                    }
                )
        columns = ["measure", "percentile", "periods", "date", "items", "standard_error"]
        return pd.DataFrame(rows, columns=columns)
