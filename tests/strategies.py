"""Hypothesis strategies shared by the tests (numpy-financial style)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from tpm_models.calendar import WorkCalendar
from tpm_models.estimates import Estimate

#: Dates in a window wide enough for leap years and year ends, small enough to stay fast.
DATE_MIN = dt.date(2024, 1, 1)
DATE_MAX = dt.date(2030, 12, 31)

dates = st.dates(min_value=DATE_MIN, max_value=DATE_MAX)

#: Seven 0/1 characters (Mon..Sun) with at least one working day.
weekmasks = (
    st.lists(st.sampled_from("01"), min_size=7, max_size=7).map("".join).filter(lambda m: "1" in m)
)


@st.composite
def calendars(draw: st.DrawFn, max_holidays: int = 40) -> WorkCalendar:
    """A calendar with a random week mask and a random set of holidays."""
    mask = draw(weekmasks)
    holidays = draw(st.lists(dates, max_size=max_holidays))
    return WorkCalendar(weekmask=mask, holidays=tuple(holidays))


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def estimates(draw: st.DrawFn, distributions: tuple[str, ...] | None = None) -> Estimate:
    """A valid three-point estimate of any distribution (lognormal gets low > 0)."""
    dist = draw(
        st.sampled_from(
            distributions or ("pert", "triangular", "uniform", "normal", "lognormal", "fixed")
        )
    )
    lo_bound = 1e-3 if dist == "lognormal" else -1e6
    low = draw(st.floats(min_value=lo_bound, max_value=1e6))
    width = draw(st.floats(min_value=0.0, max_value=1e6))
    high = low + width
    likely = draw(st.floats(min_value=low, max_value=high))
    lam = draw(st.floats(min_value=0.5, max_value=20.0))
    if dist == "fixed":
        return Estimate.fixed(likely)
    return Estimate(low=low, likely=likely, high=high, distribution=dist, pert_lambda=lam)  # type: ignore[arg-type]
