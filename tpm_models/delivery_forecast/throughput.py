"""Throughput history: items completed per calendar day, a history window, per-period samples.

A history is the count of items finished on every calendar day from the first to the last
day it covers, *zero days included* (a day with nothing finished is data, not a gap). It is
turned into per-period throughput samples for the bootstrap:

``period="day"``
    One sample per *working* day of the calendar. Items finished on a weekend or holiday
    count towards the next working day in the history (or the last one, at its end), so
    no finished item is lost and no non-working day enters the samples.
``period="week"``
    One sample per complete 7-day block, counted back from the last day of the history;
    an incomplete oldest block is dropped (it would under-count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from tpm_models.calendar import WorkCalendar
from tpm_models.errors import InputError

__all__ = ["DailyThroughput", "Period", "period_samples"]

Period = Literal["day", "week"]
IntArray = npt.NDArray[np.int64]
DateArray = npt.NDArray[np.datetime64]


def _to_date(x: np.datetime64) -> dt.date:
    value = x.astype("datetime64[D]").astype(object)
    assert isinstance(value, dt.date)
    return value


@dataclass(frozen=True)
class DailyThroughput:
    """Items completed on each calendar day (consecutive days, zero days filled).

    Attributes
    ----------
    dates : ndarray of datetime64[D]
        Consecutive calendar days, oldest first.
    completed : ndarray of int64
        Items finished on each day (items/day).

    Examples
    --------
    >>> h = DailyThroughput.from_completion_dates(
    ...     [dt.date(2027, 1, 4), dt.date(2027, 1, 4), dt.date(2027, 1, 6)]
    ... )
    >>> h.completed.tolist(), h.total_items
    ([2, 0, 1], 3)
    """

    dates: DateArray
    completed: IntArray

    def __post_init__(self) -> None:
        if len(self.dates) != len(self.completed):
            raise ValueError("dates and completed must have the same length")

    # --- construction ------------------------------------------------------------------------
    @classmethod
    def from_counts(
        cls,
        dates: Sequence[dt.date] | DateArray,
        counts: Sequence[int] | IntArray,
        *,
        through: dt.date | None = None,
    ) -> DailyThroughput:
        """Daily series from (date, items) pairs: repeated dates are summed, gaps are zero.

        ``through`` extends the series with zero days up to that date (e.g. "today").
        """
        d = np.asarray(dates, dtype="datetime64[D]")
        c = np.asarray(counts, dtype=np.int64)
        if d.size == 0:
            raise InputError.single("history", "no completed items in the history")
        first, last = d.min(), d.max()
        if through is not None:
            last = max(last, np.datetime64(through, "D"))
        days = np.arange(first, last + np.timedelta64(1, "D"), dtype="datetime64[D]")
        completed = np.bincount((d - first).astype(np.int64), weights=c, minlength=days.size)
        return cls(days, completed.astype(np.int64))

    @classmethod
    def from_completion_dates(
        cls, dates: Sequence[dt.date] | DateArray, *, through: dt.date | None = None
    ) -> DailyThroughput:
        """Daily series from one completion date per finished item."""
        d = np.asarray(dates, dtype="datetime64[D]")
        return cls.from_counts(d, np.ones(d.size, dtype=np.int64), through=through)

    # --- facts -------------------------------------------------------------------------------
    @property
    def first_date(self) -> dt.date:
        return _to_date(self.dates[0])

    @property
    def last_date(self) -> dt.date:
        return _to_date(self.dates[-1])

    @property
    def total_items(self) -> int:
        return int(self.completed.sum())

    @property
    def days(self) -> int:
        return int(self.dates.size)

    def to_frame(self) -> pd.DataFrame:
        """Columns ``date`` (datetime64) and ``completed`` (items)."""
        return pd.DataFrame(
            {"date": pd.to_datetime(self.dates), "completed": self.completed.astype(np.int64)}
        )

    # --- windowing ---------------------------------------------------------------------------
    def window(
        self,
        *,
        last_days: int | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> DailyThroughput:
        """The part of the history inside a window.

        Parameters
        ----------
        last_days : int, optional
            Keep the last ``last_days`` calendar days ending at ``end`` (default: the last
            day of the history).
        start, end : date, optional
            Inclusive date range. ``start`` is ignored when ``last_days`` is given.

        Raises
        ------
        InputError
            If the window holds no days of the history.

        Examples
        --------
        >>> h = DailyThroughput.from_counts([dt.date(2027, 1, 1), dt.date(2027, 1, 10)], [1, 2])
        >>> h.window(last_days=3).completed.tolist()
        [0, 0, 2]
        """
        lo = self.dates[0] if start is None else np.datetime64(start, "D")
        hi = self.dates[-1] if end is None else np.datetime64(end, "D")
        if last_days is not None:
            if last_days < 1:
                raise InputError.single("history window", "the window needs at least 1 day")
            lo = hi - np.timedelta64(last_days - 1, "D")
        keep = (self.dates >= lo) & (self.dates <= hi)
        if not keep.any():
            raise InputError.single(
                "history window",
                f"no history between {_to_date(lo)} and {_to_date(hi)}; the history covers "
                f"{self.first_date} to {self.last_date}",
            )
        return DailyThroughput(self.dates[keep], self.completed[keep])

    # --- per-period samples ------------------------------------------------------------------
    def per_period(
        self, period: Period = "day", calendar: WorkCalendar | None = None
    ) -> pd.DataFrame:
        """Throughput per period: columns ``period_start``, ``period_end``, ``completed``.

        See the module docstring for how weekends, holidays and partial weeks are treated.

        Examples
        --------
        >>> h = DailyThroughput.from_counts(
        ...     [dt.date(2027, 1, 8), dt.date(2027, 1, 9), dt.date(2027, 1, 11)], [1, 2, 3]
        ... )
        >>> h.per_period("day")["completed"].tolist()  # Sat 9 Jan counts on Mon 11 Jan
        [1, 5]
        """
        cal = calendar or WorkCalendar()
        if period == "day":
            working = cal.is_working_day(self.dates)
            wdates = self.dates[working]
            if wdates.size == 0:
                raise InputError.single(
                    "history window", "the window has no working days; widen it"
                )
            pos = np.minimum(np.searchsorted(wdates, self.dates, side="left"), wdates.size - 1)
            counts = np.bincount(pos, weights=self.completed, minlength=wdates.size)
            return pd.DataFrame(
                {
                    "period_start": pd.to_datetime(wdates),
                    "period_end": pd.to_datetime(wdates),
                    "completed": counts.astype(np.int64),
                }
            )
        n_weeks = self.days // 7
        if n_weeks == 0:
            raise InputError.single(
                "history window",
                f"weekly throughput needs at least 7 days of history; the window has {self.days}",
            )
        tail = self.completed[self.days - 7 * n_weeks :]
        weekly = tail.reshape(n_weeks, 7).sum(axis=1)
        starts = self.dates[self.days - 7 * n_weeks :: 7]
        return pd.DataFrame(
            {
                "period_start": pd.to_datetime(starts),
                "period_end": pd.to_datetime(starts + np.timedelta64(6, "D")),
                "completed": weekly.astype(np.int64),
            }
        )


def period_samples(
    history: DailyThroughput, period: Period = "day", calendar: WorkCalendar | None = None
) -> tuple[int, ...]:
    """Per-period throughput samples for the bootstrap (items/period).

    Examples
    --------
    >>> h = DailyThroughput.from_counts([dt.date(2027, 1, 4), dt.date(2027, 1, 17)], [3, 4])
    >>> period_samples(h, "week")
    (3, 4)
    """
    frame = history.per_period(period, calendar)
    return tuple(int(v) for v in frame["completed"])
