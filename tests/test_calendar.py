"""Working-day calendar: offsets <-> dates, weekends and holidays, the DESIGN §3.2 date rule."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.strategies import calendars, dates
from tpm_models.calendar import WorkCalendar

MON = dt.date(2027, 1, 4)  # a Monday
CAL = WorkCalendar()


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def test_offsets_to_dates_skip_weekends() -> None:
    got = CAL.offsets_to_dates(MON, [0, 1, 4, 5, 9, 10])
    expected = ["2027-01-04", "2027-01-05", "2027-01-08", "2027-01-11", "2027-01-15", "2027-01-18"]
    assert got.tolist() == [d(x) for x in expected]
    assert got.dtype == np.dtype("datetime64[D]")


def test_holidays_are_skipped() -> None:
    cal = WorkCalendar(holidays=(d("2027-01-06"), d("2027-01-11")))  # Wed, next Mon
    got = cal.offsets_to_dates(MON, range(6)).tolist()
    assert got == [
        d(x)
        for x in [
            "2027-01-04",
            "2027-01-05",
            "2027-01-07",
            "2027-01-08",
            "2027-01-12",
            "2027-01-13",
        ]
    ]
    assert not cal.is_working_day([d("2027-01-06")])[0]
    assert cal.is_working_day(
        ["2027-01-05", "2027-01-09", "2027-01-11", "2027-01-12"]
    ).tolist() == [
        True,
        False,
        False,
        True,
    ]
    assert cal.add_working_days(d("2026-12-31"), 1) == d("2027-01-01")  # not a holiday here
    new_year = cal.with_holidays([d("2027-01-01")])
    assert new_year.add_working_days(d("2026-12-31"), 1) == d("2027-01-04")


def test_start_on_a_weekend_or_holiday_rolls_forward() -> None:
    sat = d("2027-01-02")
    assert CAL.roll_forward(sat) == MON
    assert CAL.offsets_to_dates(sat, 0).tolist() == MON
    assert CAL.add_working_days(sat, 1) == d("2027-01-05")
    cal = WorkCalendar(holidays=(MON,))
    assert cal.roll_forward(MON) == d("2027-01-05")
    assert cal.finish_date(MON, 1.0) == d("2027-01-05")


def test_negative_offsets_go_back_in_working_days() -> None:
    assert CAL.add_working_days(MON, -1) == d("2027-01-01")
    assert CAL.add_working_days(MON, -5) == d("2026-12-28")


def test_dates_to_offsets_inverts_and_counts_non_working_dates_as_the_next_working_day() -> None:
    got = CAL.dates_to_offsets(
        MON, ["2027-01-04", "2027-01-08", "2027-01-09", "2027-01-10", "2027-01-11"]
    )
    assert got.tolist() == [0, 4, 5, 5, 5]
    assert got.dtype == np.int64


@pytest.mark.parametrize(
    ("finish_days", "expected"),
    [
        (5.0, "2027-01-08"),  # five days from Monday end on Friday
        (5.2, "2027-01-11"),  # a little into the sixth working day: next Monday
        (0.3, "2027-01-04"),  # finishes during the first day: the start date
        (1.0, "2027-01-04"),  # one full day: still the start date
        (1.000000001, "2027-01-04"),  # float noise (< 1e-9 day past a whole day) is ignored
        (0.0, "2027-01-04"),  # f ≤ 0 is dated the start date
        (-2.0, "2027-01-04"),
        (6.0, "2027-01-11"),
        (10.0, "2027-01-15"),
    ],
)
def test_finish_date_rule(finish_days: float, expected: str) -> None:
    """DESIGN §3.2: finish at day f > 0 is dated start + ceil(f) − 1 working days."""
    assert CAL.finish_date(MON, finish_days) == d(expected)


def test_finish_dates_are_vectorised() -> None:
    f = np.array([[0.3, 5.0], [5.2, 10.0]])
    got = CAL.finish_dates(MON, f)
    assert got.shape == (2, 2)
    assert got.tolist() == [[d("2027-01-04"), d("2027-01-08")], [d("2027-01-11"), d("2027-01-15")]]


def test_working_days_between_is_half_open() -> None:
    assert CAL.working_days_between(MON, d("2027-01-11")) == 5
    assert CAL.working_days_between(MON, MON) == 0
    assert CAL.working_days_between(d("2027-01-09"), d("2027-01-11")) == 0


def test_other_week_masks() -> None:
    sun_thu = WorkCalendar(weekmask="1111001")  # Mon-Thu and Sunday
    assert sun_thu.working_day_names == ["Mon", "Tue", "Wed", "Thu", "Sun"]
    assert sun_thu.add_working_days(d("2027-01-07"), 1) == d("2027-01-10")  # Thu -> Sun
    six = WorkCalendar(weekmask="1111110")
    assert six.finish_date(MON, 6.0) == d("2027-01-09")  # Saturday


@pytest.mark.parametrize("mask", ["", "111110", "11111000", "0000000", "11111x0"])
def test_bad_week_masks_are_rejected(mask: str) -> None:
    with pytest.raises(ValidationError, match="weekmask"):
        WorkCalendar(weekmask=mask)


def test_holidays_are_sorted_and_deduplicated_and_the_calendar_is_frozen() -> None:
    cal = WorkCalendar(holidays=(d("2027-03-01"), d("2027-01-01"), d("2027-03-01")))
    assert cal.holidays == (d("2027-01-01"), d("2027-03-01"))
    assert cal == WorkCalendar(holidays=(d("2027-01-01"), d("2027-03-01")))
    with pytest.raises(ValidationError):
        cal.weekmask = "1111111"  # type: ignore[misc]


offsets = st.lists(st.integers(min_value=-400, max_value=400), min_size=1, max_size=50)


@given(cal=calendars(), start=dates, offs=offsets)
def test_offsets_dates_offsets_round_trip(
    cal: WorkCalendar, start: dt.date, offs: list[int]
) -> None:
    got = cal.offsets_to_dates(start, offs)
    assert np.all(cal.is_working_day(got))
    np.testing.assert_array_equal(cal.dates_to_offsets(start, got), offs)


@given(cal=calendars(), start=dates, offs=offsets)
def test_dates_are_strictly_increasing_in_offset(
    cal: WorkCalendar, start: dt.date, offs: list[int]
) -> None:
    uniq = np.unique(offs)
    got = cal.offsets_to_dates(start, uniq)
    assert np.all(np.diff(got.astype(np.int64)) > 0)
    # exactly k - j working days separate offsets j < k, and none of them is a holiday
    for j, k in itertools.pairwise(uniq.tolist()):
        a, b = cal.offsets_to_dates(start, [j, k]).tolist()
        assert cal.working_days_between(a, b) == k - j
    assert not set(got.tolist()) & set(cal.holidays)


@given(cal=calendars(), start=dates, day=dates)
def test_dates_offsets_dates_lands_on_the_next_working_day(
    cal: WorkCalendar, start: dt.date, day: dt.date
) -> None:
    off = cal.dates_to_offsets(start, [day])
    assert cal.offsets_to_dates(start, off).tolist() == [cal.roll_forward(day)]


@given(
    cal=calendars(),
    start=dates,
    finish=st.lists(
        st.floats(min_value=-5, max_value=500, allow_nan=False), min_size=1, max_size=30
    ),
)
def test_finish_dates_follow_the_ceiling_rule(
    cal: WorkCalendar, start: dt.date, finish: list[float]
) -> None:
    f = np.sort(np.array(finish))
    got = cal.finish_dates(start, f)
    assert np.all(cal.is_working_day(got))
    assert np.all(np.diff(got.astype(np.int64)) >= 0)  # later finish, never an earlier date
    for value, date in zip(f.tolist(), got.tolist(), strict=True):
        if value <= 1.0:
            assert date == cal.roll_forward(start)
        else:
            whole = int(np.ceil(value - 1e-9))
            assert date == cal.add_working_days(start, whole - 1)


@given(cal=calendars(), start=dates, n=st.integers(min_value=1, max_value=300))
def test_integer_finish_is_the_last_worked_day(cal: WorkCalendar, start: dt.date, n: int) -> None:
    """A task of n whole days starting at day 0 finishes on working day n − 1, and n working
    days lie between the start date and the day after its finish date."""
    finish = cal.finish_date(start, float(n))
    assert finish == cal.add_working_days(start, n - 1)
    assert cal.working_days_between(cal.roll_forward(start), finish + dt.timedelta(days=1)) == n
