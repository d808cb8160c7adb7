"""Convenience loaders for scripts and notebooks: files *or* DataFrames in, engine inputs out.

The engines take validated, frozen inputs; these functions build them from what an analyst
has at hand — a path, bytes, a DataFrame or a dict — with the same checks (and the same
located :class:`~tpm_models.errors.InputError`) as the app and the CLI:

* :func:`load_schedule` — tasks / risks / correlations / holidays → ``ScheduleInputs``;
* :func:`load_forecast_history` and :func:`forecast_inputs` — a Jira export or a
  ``date,completed`` table → daily history → ``ForecastInputs`` built the way the app does;
* :func:`load_build_vs_buy` and :func:`load_capacity` — scenario JSON (file or dict).

Then call the engine (``simulate_schedule``, ``simulate_forecast``, ``simulate_build_vs_buy``,
``simulate_capacity``, ...), all re-exported from :mod:`tpm_models`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import pandas as pd

from tpm_models.build_vs_buy.scenario import Scenario
from tpm_models.build_vs_buy.scenario import load_scenario as _load_bvb
from tpm_models.build_vs_buy.scenario import parse_scenario as _parse_bvb
from tpm_models.calendar import WorkCalendar
from tpm_models.delivery_forecast.forecast import Backlog, BacklogRisk, ForecastInputs
from tpm_models.delivery_forecast.jira import JiraIssues, read_history
from tpm_models.delivery_forecast.throughput import DailyThroughput, period_samples
from tpm_models.errors import InputError
from tpm_models.io.tables import Source
from tpm_models.schedule_risk import readers as _sched
from tpm_models.schedule_risk.network import ScheduleInputs
from tpm_models.team_capacity.scenario import CapacityScenario
from tpm_models.team_capacity.scenario import load_scenario as _load_capacity
from tpm_models.team_capacity.scenario import validate_scenario as _validate_capacity

__all__ = [
    "forecast_inputs",
    "load_build_vs_buy",
    "load_capacity",
    "load_forecast_history",
    "load_schedule",
]

TableSource = Source | pd.DataFrame
DateLike = dt.date | str


def _csv_bytes(df: pd.DataFrame) -> bytes:
    """A DataFrame as the CSV the file readers parse (same checks, same messages)."""
    return df.to_csv(index=False).encode("utf-8")


def _date(value: DateLike, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError.single(what, f"{value!r} is not a date; use YYYY-MM-DD") from None


def _is_date_list(value: object) -> bool:
    return isinstance(value, list | tuple) and all(isinstance(v, dt.date | str) for v in value)


# --- schedule risk --------------------------------------------------------------------------
def load_schedule(
    tasks: TableSource,
    risks: TableSource | None = None,
    correlations: TableSource | None = None,
    holidays: Source | Sequence[DateLike] | None = None,
    *,
    start_date: DateLike | None = None,
    weekmask: str | None = None,
) -> ScheduleInputs:
    """Schedule inputs from files (CSV, xlsx, MS Project XML) or DataFrames.

    Parameters
    ----------
    tasks : path, bytes, binary file or DataFrame
        Columns ``id, name, low, likely, high, distribution, predecessors`` (DESIGN §4.1), or
        an MS Project XML file.
    risks, correlations : path, bytes, binary file or DataFrame, optional
        The risk register and the task-duration correlations.
    holidays : path, bytes, binary file or sequence of dates, optional
        Non-working days (a file with a ``date`` column, or dates / ISO strings).
    start_date : date or ISO string, optional
        Project start (day 0); finish dates need it.
    weekmask : str, optional
        Working days Monday..Sunday, default ``"1111100"``.

    Returns
    -------
    ScheduleInputs

    Raises
    ------
    InputError
        Every problem found in any of the inputs, located by table, row and column.

    Examples
    --------
    >>> tasks = pd.DataFrame({"id": ["A", "B"], "low": [2, 1], "likely": [3, 2],
    ...                       "high": [6, 4], "predecessors": ["", "A"]})
    >>> inputs = load_schedule(tasks, holidays=["2027-01-05"], start_date="2027-01-04")
    >>> [t.id for t in inputs.tasks], inputs.calendar.holidays
    (['A', 'B'], (datetime.date(2027, 1, 5),))
    """
    start = _date(start_date, "start date") if start_date is not None else None
    extra_holidays: tuple[dt.date, ...] = ()
    holiday_source: Source | None = None
    if _is_date_list(holidays):
        assert isinstance(holidays, list | tuple)
        extra_holidays = tuple(_date(d, "holidays") for d in holidays)
    else:
        holiday_source = holidays  # type: ignore[assignment]

    if isinstance(tasks, pd.DataFrame):
        # tables typed in a notebook: the app's table path (rows numbered from 1)
        def frame(part: TableSource | None, read: Any, to_frame: Any) -> pd.DataFrame | None:
            if part is None or isinstance(part, pd.DataFrame):
                return part
            return to_frame(read(part))  # type: ignore[no-any-return]

        file_holidays = _sched.read_holidays(holiday_source) if holiday_source is not None else ()
        calendar = WorkCalendar(
            weekmask=weekmask or "1111100", holidays=(*file_holidays, *extra_holidays)
        )
        return _sched.schedule_from_frames(
            tasks,
            frame(risks, _sched.read_risks, _sched.risks_to_frame),
            frame(correlations, _sched.read_correlations, _sched.correlations_to_frame),
            start_date=start,
            calendar=calendar,
        )

    names: dict[str, str] = {}
    parts: dict[str, Source | None] = {"risks": None, "correlations": None}
    for kind, part in (("risks", risks), ("correlations", correlations)):
        if isinstance(part, pd.DataFrame):
            names[kind] = f"{kind} table"
            parts[kind] = _csv_bytes(part)
        else:
            parts[kind] = part
    inputs = _sched.load_schedule(
        tasks,
        parts["risks"],
        parts["correlations"],
        holiday_source,
        start_date=start,
        names=names,
        weekmask=weekmask,
    )
    if not extra_holidays:
        return inputs
    cal = inputs.calendar
    return ScheduleInputs(
        tasks=inputs.tasks,
        risks=inputs.risks,
        correlations=inputs.correlations,
        start_date=inputs.start_date,
        calendar=WorkCalendar(weekmask=cal.weekmask, holidays=(*cal.holidays, *extra_holidays)),
    )


# --- delivery forecast ----------------------------------------------------------------------
def load_forecast_history(
    source: Source | pd.DataFrame | JiraIssues | DailyThroughput,
    *,
    issue_types: Iterable[str] | None = None,
    last_days: int | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
) -> DailyThroughput:
    """Daily throughput history from a Jira CSV export or a ``date,completed`` table.

    Parameters
    ----------
    source : path, bytes, binary file, DataFrame, JiraIssues or DailyThroughput
        A Jira export (``Issue key, Issue Type, Status, Created, Resolved``) or a table with
        columns ``date, completed``; a DataFrame may have either shape.
    issue_types : iterable of str, optional
        Count only resolved issues of these types (Jira exports only); default: all.
    last_days : int, optional
        Keep the last ``last_days`` calendar days of history (the app's "Last 90 days").
    start, end : date or ISO string, optional
        Keep an inclusive date range instead.

    Examples
    --------
    >>> table = pd.DataFrame({"date": ["2027-01-04", "2027-01-06"], "completed": [3, 1]})
    >>> h = load_forecast_history(table)
    >>> h.completed.tolist(), h.last_date
    ([3, 0, 1], datetime.date(2027, 1, 6))
    """
    loaded: JiraIssues | DailyThroughput
    if isinstance(source, JiraIssues | DailyThroughput):
        loaded = source
    elif isinstance(source, pd.DataFrame):
        loaded = read_history(_csv_bytes(source), name="history table")
    else:
        loaded = read_history(source)
    if isinstance(loaded, JiraIssues):
        if issue_types is not None:
            loaded = loaded.filter(issue_types=issue_types)
        history = loaded.history()
    elif issue_types is not None:
        raise InputError.single(
            "history table", "issue_types needs a Jira export; a date,completed table has none"
        )
    else:
        history = loaded
    if last_days is not None or start is not None or end is not None:
        history = history.window(
            last_days=last_days,
            start=_date(start, "start") if start is not None else None,
            end=_date(end, "end") if end is not None else None,
        )
    return history


def forecast_inputs(
    history: DailyThroughput,
    *,
    items: int | tuple[int, int] | None = None,
    target_date: DateLike | None = None,
    period: Literal["day", "week"] = "day",
    start_date: DateLike | None = None,
    holidays: Sequence[DateLike] = (),
    split: tuple[float, float] = (1.0, 1.0),
    focus_percent: float = 100.0,
    risks: Sequence[BacklogRisk] = (),
) -> ForecastInputs:
    """Forecast inputs from a history, built exactly as the app's forecast page builds them.

    Parameters
    ----------
    history : DailyThroughput
        From :func:`load_forecast_history`.
    items : int or (low, high), optional
        Backlog size ("when will it be done?").
    target_date : date or ISO string, optional
        "How many items by this date?" (give ``items``, ``target_date`` or both).
    period : {"day", "week"}
        Working days (weekends and ``holidays`` skipped) or weeks.
    start_date : date or ISO string, optional
        First day of the forecast; default the day after the history ends (the app's default).
    split : (low, high)
        Split-rate range: 1.2 means 10 items become 12.
    focus_percent : float
        Share of the team's throughput spent on this backlog.
    risks : sequence of BacklogRisk
        Discovered work that may add items.

    Examples
    --------
    >>> h = load_forecast_history(pd.DataFrame({"date": ["2027-01-04", "2027-01-05"],
    ...                                         "completed": [2, 4]}))
    >>> inp = forecast_inputs(h, items=30)
    >>> inp.start_date, inp.throughput_per_period, inp.backlog.high_items
    (datetime.date(2027, 1, 6), (2, 4), 30)
    """
    calendar = WorkCalendar(holidays=tuple(_date(d, "holidays") for d in holidays))
    start = (
        _date(start_date, "start date")
        if start_date is not None
        else history.last_date + dt.timedelta(days=1)
    )
    backlog = None
    if items is not None:
        low, high = items if isinstance(items, tuple) else (int(items), int(items))
        backlog = Backlog(low_items=low, high_items=high, split_low=split[0], split_high=split[1])
    return ForecastInputs(
        throughput_per_period=period_samples(history, period, calendar),
        period=period,
        start_date=start,
        calendar=calendar,
        backlog=backlog,
        risks=tuple(risks),
        focus_percent=focus_percent,
        target_date=_date(target_date, "target date") if target_date is not None else None,
    )


# --- scenario JSON (build vs buy, team capacity) --------------------------------------------
def load_build_vs_buy(source: Source | Mapping[str, Any] | Scenario) -> Scenario:
    """A build-vs-buy scenario from a JSON file (path, bytes, binary file) or a dict.

    Examples
    --------
    >>> s = load_build_vs_buy({"schema_version": 1, "horizon": 2, "discount_rate": 0.1,
    ...     "options": [{"name": "Buy", "lines": [
    ...         {"name": "Licence", "kind": "cost", "amount": 100}]}]})
    >>> s.option_names()
    ['Buy']
    """
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return _parse_bvb(source, "scenario")
    return _load_bvb(source)


def load_capacity(source: Source | Mapping[str, Any] | CapacityScenario) -> CapacityScenario:
    """A team-capacity scenario from a JSON file (path, bytes, binary file) or a dict.

    Examples
    --------
    >>> sc = load_capacity({"schema_version": 1, "start_month": "2027-01", "months": 12,
    ...                     "roles": [{"role": "QA", "headcount": 3}]})
    >>> sc.end_month
    '2027-12'
    """
    if isinstance(source, CapacityScenario):
        return source
    if isinstance(source, Mapping):
        return _validate_capacity(dict(source))
    return _load_capacity(source)
