"""What a schedule simulation returns: the finish of every trial plus per-task and per-risk
statistics, with small read-only methods that give tidy tables for charts and reports.

Units: ``*_days`` are working days from the project start (day 0); dates follow DESIGN.md §3.2
(a finish at day ``f > 0`` is dated ``start + ceil(f) − 1`` working days).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from tpm_models._repr import summary_html
from tpm_models.estimates import SamplingMethod
from tpm_models.schedule_risk.cpm import CpmResult
from tpm_models.schedule_risk.network import ScheduleInputs, topological_order

__all__ = ["ScheduleResult", "TaskStats", "maritz_jarrett_se"]

FloatArray = npt.NDArray[np.float64]

#: Percentiles of the standard tables (P5 … P95).
STANDARD_PERCENTILES: tuple[int, ...] = tuple(range(5, 100, 5))


@dataclass(frozen=True)
class TaskStats:
    """Per-task statistics of a run (arrays in task order).

    Attributes
    ----------
    criticality : ndarray
        Share of trials in which the task is on a critical path (total float ≈ 0).
    sensitivity : ndarray
        Spearman ρ between the task's own sampled duration and the project finish.
    cruciality : ndarray
        Pearson correlation between the task's effective duration (risk impacts included) and
        the project finish (Williams' cruciality index).
    ssi : ndarray
        Schedule sensitivity index = criticality × σ(task duration) / σ(project finish).
    duration_mean_days, duration_std_days : ndarray
        Mean and standard deviation of the effective duration (days).
    mean_start_days : ndarray
        Mean early start over the trials (days).
    finish_percentiles : ndarray
        The percentiles of ``finish_percentile_days`` columns (10, 50, 80, 90).
    finish_percentile_days : ndarray (n_tasks, 4)
        Early-finish percentiles of each task (days).
    """

    criticality: FloatArray
    sensitivity: FloatArray
    cruciality: FloatArray
    ssi: FloatArray
    duration_mean_days: FloatArray
    duration_std_days: FloatArray
    mean_start_days: FloatArray
    finish_percentiles: FloatArray
    finish_percentile_days: FloatArray

    def finish_percentile(self, q: float) -> FloatArray:
        """Task finish at one of the stored percentiles (days, task order)."""
        hits = np.flatnonzero(self.finish_percentiles == q)
        if hits.size == 0:
            raise ValueError(f"task finish P{q:g} is not stored; use one of 10, 50, 80, 90")
        out: FloatArray = self.finish_percentile_days[:, hits[0]]
        return out


def maritz_jarrett_se(sorted_values: FloatArray, q: float) -> float:
    """Standard error of the ``q``-th percentile (q in 0..100) by Maritz & Jarrett (1978).

    The sample percentile is (close to) order statistic ``m = ⌊q·n/100 + ½⌋``; its distribution
    puts weight ``W_i = I_{i/n}(m−1, n−m) − I_{(i−1)/n}(m−1, n−m)`` on the i-th smallest value,
    so its standard error is ``sqrt(Σ W_i (x_i − Σ W_i x_i)²)``. Distribution-free; NaN for
    fewer than three values.

    Examples
    --------
    >>> x = np.sort(np.random.default_rng(0).standard_normal(20_000))
    >>> bool(abs(maritz_jarrett_se(x, 50) - 1.2533 / np.sqrt(20_000)) < 0.002)
    True
    """
    n = sorted_values.size
    if n < 3:
        return math.nan
    m = min(max(int(q / 100.0 * n + 0.5), 2), n - 1)
    a, b = m - 1.0, float(n - m)
    cdf = special.betainc(a, b, np.arange(n + 1) / n)
    w = np.diff(cdf)
    c1 = float(w @ sorted_values)
    dev = sorted_values - c1
    return math.sqrt(max(float(w @ (dev * dev)), 0.0))


@dataclass(frozen=True)
class ScheduleResult:
    """Result of :func:`~tpm_models.schedule_risk.simulate.simulate_schedule`.

    Attributes
    ----------
    inputs : ScheduleInputs
    iterations : int
    method : str
        ``"monte_carlo"`` or ``"latin_hypercube"``.
    seed : int or None
        The integer seed when one was given.
    finish_days : ndarray (iterations,)
        Project finish of every trial (working days).
    deterministic_finish_days : float
        CPM finish on most-likely durations (days).
    cpm : CpmResult
    task_stats : TaskStats
    risk_occurrence : ndarray
        Share of trials in which each risk occurred (risk order).
    risk_mean_delay_days : ndarray
        Mean project-finish delay each risk adds: mean finish minus mean finish with that risk
        switched off, same draws (days).
    warnings : tuple of str
        Things the user should know (e.g. a repaired correlation matrix).
    """

    inputs: ScheduleInputs
    iterations: int
    method: SamplingMethod
    seed: int | None
    finish_days: FloatArray
    deterministic_finish_days: float
    cpm: CpmResult
    task_stats: TaskStats
    risk_occurrence: FloatArray
    risk_mean_delay_days: FloatArray
    warnings: tuple[str, ...] = field(default=())

    # --- the project finish ---------------------------------------------------------------
    @cached_property
    def _sorted(self) -> FloatArray:
        return np.sort(self.finish_days)

    @property
    def mean_days(self) -> float:
        """Mean project finish (days)."""
        return float(self.finish_days.mean())

    @property
    def std_days(self) -> float:
        """Standard deviation of the project finish (days)."""
        return float(self.finish_days.std(ddof=1)) if self.iterations > 1 else 0.0

    def percentile(self, q: float) -> float:
        """Finish (days) that ``q`` % of trials meet: the smallest finish with at least ``q`` %
        of trials on or before it (q in 0..100)."""
        if not 0.0 <= q <= 100.0:
            raise ValueError("q must be between 0 and 100")
        return float(np.percentile(self._sorted, q, method="inverted_cdf"))

    def standard_error(self, q: float) -> float:
        """Standard error of :meth:`percentile` (days), Maritz–Jarrett."""
        return maritz_jarrett_se(self._sorted, q)

    def finish_date(self, q: float) -> dt.date | None:
        """Date of the ``q``-th percentile finish; None without a start date."""
        start = self.inputs.start_date
        if start is None:
            return None
        return self.inputs.calendar.finish_date(start, self.percentile(q))

    def _days_for_date(self, deadline: dt.date) -> float:
        """Latest finish (days) whose finish date is on or before ``deadline``: the number of
        working days from the start through the deadline (inclusive)."""
        start = self.inputs.start_date
        if start is None:
            raise ValueError("a date deadline needs a project start date")
        cal = self.inputs.calendar
        if deadline < cal.roll_forward(start):
            return -math.inf
        return float(cal.working_days_between(start, deadline + dt.timedelta(days=1)))

    def deadline_probability(self, deadline: dt.date | float) -> float:
        """Probability of finishing by ``deadline``.

        A date means "finish date on or before that date" (with a working-day deadline that is
        ``finish_days ≤ offset(deadline) + 1``); a number is a day count (``finish_days ≤ it``).
        """
        limit = self._days_for_date(deadline) if isinstance(deadline, dt.date) else float(deadline)
        tol = 1e-9 * max(1.0, abs(limit)) if math.isfinite(limit) else 0.0
        return float(np.count_nonzero(self.finish_days <= limit + tol)) / self.iterations

    def buffer_days(self, confidence: float) -> float:
        """Schedule buffer for a confidence (percent): P(confidence) − deterministic finish."""
        return self.percentile(confidence) - self.deterministic_finish_days

    # --- tables ---------------------------------------------------------------------------
    def _dates(self, days: npt.ArrayLike) -> list[dt.date] | None:
        start = self.inputs.start_date
        if start is None:
            return None
        arr = self.inputs.calendar.finish_dates(start, days)
        return [d.astype(object) for d in np.atleast_1d(arr)]

    def percentiles_table(self) -> pd.DataFrame:
        """P5 … P95: ``percentile, finish_days, finish_date, standard_error_days``."""
        qs = list(STANDARD_PERCENTILES)
        days = [self.percentile(q) for q in qs]
        dates = self._dates(days)
        return pd.DataFrame(
            {
                "percentile": qs,
                "finish_days": days,
                "finish_date": dates if dates is not None else [None] * len(qs),
                "standard_error_days": [self.standard_error(q) for q in qs],
            }
        )

    def _repr_html_(self) -> str:
        """A compact, escaped HTML table of :meth:`summary` (Jupyter)."""
        return summary_html(self)

    def summary(self) -> pd.DataFrame:
        """Tidy: one row per statistic (``statistic, days, date, standard_error_days``)."""
        n = self.iterations
        rows: list[tuple[str, float, float]] = [
            ("deterministic", self.deterministic_finish_days, 0.0),
            ("mean", self.mean_days, self.std_days / math.sqrt(n)),
            ("std", self.std_days, math.nan),
        ]
        rows += [
            (f"P{q}", self.percentile(q), self.standard_error(q)) for q in STANDARD_PERCENTILES
        ]
        days = [r[1] for r in rows]
        dates = self._dates(days)
        if dates is not None:
            dates[2] = None  # type: ignore[call-overload]
        return pd.DataFrame(
            {
                "statistic": [r[0] for r in rows],
                "days": days,
                "date": dates if dates is not None else [None] * len(rows),
                "standard_error_days": [r[2] for r in rows],
            }
        )

    def working_day_histogram(self, max_days: int = 160, fallback_bins: int = 60) -> pd.DataFrame:
        """Share of trials finishing on each working day — the natural bins of a dated
        schedule — when there is a start date and at most ``max_days`` distinct finish days;
        otherwise :meth:`histogram` with ``fallback_bins`` equal bins. Same columns as
        :meth:`histogram`; at most a few hundred rows either way."""
        start = self.inputs.start_date
        day = np.maximum(np.ceil(self.finish_days - 1e-9), 1).astype(np.int64)
        values, counts = np.unique(day, return_counts=True)
        if start is None or len(values) > max_days:
            return self.histogram(bins=fallback_bins)
        dates = pd.to_datetime(self.inputs.calendar.finish_dates(start, values.astype(np.float64)))
        return pd.DataFrame(
            {
                "bin_start_days": values - 1.0,
                "bin_end_days": values.astype(np.float64),
                "count": counts,
                "probability": counts / counts.sum(),
                "bin_start_date": dates,
                "bin_end_date": dates + pd.Timedelta(days=1),
            }
        )

    def histogram(self, bins: int = 40) -> pd.DataFrame:
        """Pre-binned finish distribution: ``bin_start_days, bin_end_days, count, probability``
        (+ ``bin_start_date, bin_end_date`` with a start date)."""
        counts, edges = np.histogram(self.finish_days, bins=bins)
        df = pd.DataFrame(
            {
                "bin_start_days": edges[:-1],
                "bin_end_days": edges[1:],
                "count": counts,
                "probability": counts / self.iterations,
            }
        )
        if self.inputs.start_date is not None:
            df["bin_start_date"] = self._dates(edges[:-1])
            df["bin_end_date"] = self._dates(edges[1:])
        return df

    def s_curve(self, points: int = 101) -> pd.DataFrame:
        """Cumulative distribution: ``finish_days, cumulative_probability`` (+ ``finish_date``)."""
        p = np.linspace(0.0, 1.0, points)
        days = np.percentile(self._sorted, p * 100.0, method="inverted_cdf")
        df = pd.DataFrame({"finish_days": days, "cumulative_probability": p})
        if self.inputs.start_date is not None:
            df["finish_date"] = self._dates(days)
        return df

    def task_table(self) -> pd.DataFrame:
        """Per task, in topological order: criticality, sensitivity, cruciality, SSI, finish
        P10/P50/P80/P90 (days, + dates with a start date), CPM finish and total float."""
        order = topological_order(self.inputs.tasks)
        s = self.task_stats
        tasks = self.inputs.tasks
        df = pd.DataFrame(
            {
                "id": [tasks[j].id for j in order],
                "name": [tasks[j].label for j in order],
                "criticality": s.criticality[order],
                "sensitivity": s.sensitivity[order],
                "cruciality": s.cruciality[order],
                "ssi": s.ssi[order],
            }
        )
        for q in (10, 50, 80, 90):
            df[f"finish_p{q}"] = s.finish_percentile(q)[order]
        df["deterministic_finish_days"] = self.cpm.early_finish_days[order]
        df["total_float_days"] = self.cpm.total_float_days[order]
        if self.inputs.start_date is not None:
            for q in (10, 50, 80, 90):
                df[f"finish_p{q}_date"] = self._dates(df[f"finish_p{q}"].to_numpy())
        return df

    def risk_table(self) -> pd.DataFrame:
        """Per risk: ``id, name, probability, occurrence, mean_delay_days``, largest delay first."""
        risks = self.inputs.risks
        df = pd.DataFrame(
            {
                "id": [r.id for r in risks],
                "name": [r.label for r in risks],
                "probability": [r.probability for r in risks],
                "occurrence": self.risk_occurrence,
                "mean_delay_days": self.risk_mean_delay_days,
            }
        )
        return df.sort_values("mean_delay_days", ascending=False, kind="stable").reset_index(
            drop=True
        )

    def merge_points(self) -> pd.DataFrame:
        """Tasks with two or more predecessors, by how far their mean start slips past the
        deterministic (CPM) start — the merge bias a single-point plan hides."""
        s = self.task_stats
        rows = [j for j, t in enumerate(self.inputs.tasks) if len(t.predecessors) >= 2]
        tasks = self.inputs.tasks
        df = pd.DataFrame(
            {
                "id": [tasks[j].id for j in rows],
                "name": [tasks[j].label for j in rows],
                "predecessors": [len(tasks[j].predecessors) for j in rows],
                "deterministic_start_days": self.cpm.early_start_days[rows],
                "mean_start_days": s.mean_start_days[rows],
                "mean_delay_days": s.mean_start_days[rows] - self.cpm.early_start_days[rows],
                "criticality": s.criticality[rows],
            }
        )
        return df.sort_values("mean_delay_days", ascending=False, kind="stable").reset_index(
            drop=True
        )
