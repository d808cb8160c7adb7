"""Working-day calendar: working-day offsets <-> dates, weekends and holidays skipped.

Conventions (DESIGN.md §3.2)
----------------------------
The project starts at working day 0, at the *start* of the start date (rolled forward to a
working day if the start date is a weekend or holiday). Working day ``n`` (integer offset)
is the date ``start + n working days``. A finish at day ``f > 0`` happens during working
day ``ceil(f) − 1``, so its *finish date* is ``start + ceil(f) − 1`` working days; a finish
at ``f ≤ 0`` is dated the start date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Self

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

__all__ = ["WorkCalendar"]

DateArray = npt.NDArray[np.datetime64]
IntArray = npt.NDArray[np.int64]

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class WorkCalendar(BaseModel):
    """Which days are worked: a week mask plus a list of holidays.

    Parameters
    ----------
    weekmask : str
        Seven characters ``1``/``0`` for Monday … Sunday; default ``"1111100"``.
    holidays : tuple of date
        Non-working dates (weekend dates in the list are harmless).

    Examples
    --------
    >>> cal = WorkCalendar(holidays=(dt.date(2027, 1, 1),))
    >>> cal.add_working_days(dt.date(2026, 12, 31), 1)  # Fri 1 Jan is a holiday
    datetime.date(2027, 1, 4)
    >>> cal.finish_date(dt.date(2027, 1, 4), 5.0)  # five days from Monday end on Friday
    datetime.date(2027, 1, 8)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    weekmask: str = "1111100"
    holidays: tuple[dt.date, ...] = ()

    @field_validator("weekmask")
    @classmethod
    def _mask(cls, v: str) -> str:
        if len(v) != 7 or set(v) - {"0", "1"}:
            raise ValueError("weekmask must be 7 characters of 0/1 for Mon..Sun, e.g. 1111100")
        if "1" not in v:
            raise ValueError("weekmask must have at least one working day")
        return v

    @model_validator(mode="after")
    def _sorted(self) -> Self:
        uniq = tuple(sorted(set(self.holidays)))
        if uniq != self.holidays:
            object.__setattr__(self, "holidays", uniq)
        return self

    # numpy's busday functions want these forms
    @property
    def _hol(self) -> npt.NDArray[np.datetime64]:
        return np.array(self.holidays, dtype="datetime64[D]")

    @property
    def working_day_names(self) -> list[str]:
        return [n for n, m in zip(_DAY_NAMES, self.weekmask, strict=True) if m == "1"]

    def is_working_day(self, dates: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """Vectorised: is each date a working day?"""
        d = np.asarray(dates, dtype="datetime64[D]")
        return np.is_busday(d, weekmask=self.weekmask, holidays=self._hol)

    def roll_forward(self, date: dt.date) -> dt.date:
        """The date itself if it is a working day, else the next working day."""
        out = np.busday_offset(
            np.datetime64(date, "D"), 0, roll="forward", weekmask=self.weekmask, holidays=self._hol
        )
        return _to_date(out)

    def offsets_to_dates(self, start: dt.date, offsets: npt.ArrayLike) -> DateArray:
        """Working day ``n`` after ``start`` for each integer ``n`` (vectorised, n may be < 0)."""
        off = np.asarray(offsets, dtype=np.int64)
        return np.busday_offset(
            np.datetime64(start, "D"),
            off,
            roll="forward",
            weekmask=self.weekmask,
            holidays=self._hol,
        )

    def dates_to_offsets(self, start: dt.date, dates: npt.ArrayLike) -> IntArray:
        """Working-day offset of each date from ``start`` (inverse of :meth:`offsets_to_dates`).

        A non-working date counts as the next working day.
        """
        d = np.asarray(dates, dtype="datetime64[D]")
        s = np.datetime64(self.roll_forward(start), "D")
        rolled = np.busday_offset(d, 0, roll="forward", weekmask=self.weekmask, holidays=self._hol)
        return np.busday_count(s, rolled, weekmask=self.weekmask, holidays=self._hol).astype(
            np.int64
        )

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """``start`` (rolled forward) plus ``n`` working days."""
        return _to_date(self.offsets_to_dates(start, n))

    def finish_dates(self, start: dt.date, finish_days: npt.ArrayLike) -> DateArray:
        """Dates of finishes at (fractional) working-day times ``finish_days`` (vectorised).

        A finish at ``f > 0`` is dated ``start + ceil(f) − 1`` working days; ``f ≤ 0`` is
        dated the start date. Tiny float noise (1e-9 day) is not allowed to push a whole
        day later.
        """
        f = np.asarray(finish_days, dtype=np.float64)
        day = np.maximum(np.ceil(f - 1e-9) - 1, 0).astype(np.int64)
        return self.offsets_to_dates(start, day)

    def finish_date(self, start: dt.date, finish_day: float) -> dt.date:
        """Scalar form of :meth:`finish_dates`."""
        return _to_date(self.finish_dates(start, finish_day))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in ``[start, end)``."""
        return int(
            np.busday_count(
                np.datetime64(start, "D"),
                np.datetime64(end, "D"),
                weekmask=self.weekmask,
                holidays=self._hol,
            )
        )

    def with_holidays(self, extra: Iterable[dt.date]) -> WorkCalendar:
        return WorkCalendar(weekmask=self.weekmask, holidays=(*self.holidays, *extra))


def _to_date(x: object) -> dt.date:
    value = np.datetime64(x, "D").astype(object)  # type: ignore[call-overload]
    assert isinstance(value, dt.date)
    return value
