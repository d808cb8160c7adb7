"""The delivery-forecast scenario: the page's settings plus the throughput history, as one file.

A forecast scenario file (``tool: "forecast"``, DESIGN §4.1.1 family, see
:mod:`tpm_models.scenario_files`) is self-contained: it carries the daily throughput history
it forecasts from, so uploading it (or loading it from the scenario library) restores the same
forecast — the same headline numbers for the same seed — without the original Jira export::

    {"schema_version": 1, "tool": "forecast",
     "history_file": "jira-export.csv",
     "page": {"period": "day", "window": "All history", "backlog_low": 120, ...,
              "start_date": "2026-11-17", "target_date": "2027-01-11", "seed": 1, ...},
     "history": [{"date": "2026-05-20", "completed": 2}, {"date": "2026-05-21", "completed": 0},
                 ...],
     "engine_inputs": {...}, "iterations": 10000, "seed": 1}

``history``
    Items completed on each calendar day (``date``, ``completed``), after the issue-type
    filter and *before* the history window (the window is a setting: ``page.window``). Days
    missing from the list count as zero; a date may appear once.
``page``
    :class:`ForecastSettings`: what the page's form holds.
``engine_inputs``, ``iterations``, ``seed``
    Written for readers that want the engine's inputs directly (the scenario library, the
    report); on read ``engine_inputs`` is recomputed from ``history`` and ``page``, and a
    top-level ``iterations``/``seed`` wins over the copy in ``page``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tpm_models.calendar import WorkCalendar
from tpm_models.delivery_forecast.forecast import Backlog, BacklogRisk, ForecastInputs
from tpm_models.delivery_forecast.jira import MAX_ITEMS_PER_DAY, JiraIssues
from tpm_models.delivery_forecast.throughput import DailyThroughput, period_samples
from tpm_models.errors import InputError, Problem
from tpm_models.io.json_models import parse_json_object, problems_from_validation_error
from tpm_models.scenario_files import SCHEMA_VERSION, check_envelope

__all__ = [
    "MAX_HISTORY_DAYS",
    "WINDOWS",
    "ForecastScenario",
    "ForecastSettings",
    "filtered_history",
    "forecast_from_json",
    "forecast_inputs",
    "forecast_to_json",
    "history_of",
    "windowed",
]

#: History windows the page offers (calendar days back from the last day; None = all).
WINDOWS: dict[str, int | None] = {
    "All history": None,
    "Last 180 days": 180,
    "Last 90 days": 90,
    "Last 60 days": 60,
    "Last 30 days": 30,
    "Custom date range": None,
}
#: At most this many days of history in a scenario file (100 years).
MAX_HISTORY_DAYS = 36_600


class ForecastSettings(BaseModel):
    """What the delivery-forecast page's form collects (everything but the history).

    Examples
    --------
    >>> s = ForecastSettings(start_date=dt.date(2027, 1, 4), target_date=dt.date(2027, 3, 1))
    >>> s.period, s.backlog_low, s.iterations, s.seed
    ('day', 120, 10000, 1)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    period: Literal["day", "week"] = "day"
    window: str = "All history"
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    issue_types: tuple[str, ...] | None = None
    backlog_low: int = Field(default=120, ge=1, le=1_000_000)
    backlog_high: int = Field(default=120, ge=1, le=1_000_000)
    split_low: float = Field(default=1.0, gt=0, le=10)
    split_high: float = Field(default=1.0, gt=0, le=10)
    focus_percent: float = Field(default=100.0, gt=0, le=100)
    start_date: dt.date
    target_date: dt.date
    iterations: int = Field(default=10_000, ge=100, le=200_000)
    seed: int = Field(default=1, ge=0, le=2**31 - 1)
    risks: tuple[BacklogRisk, ...] = ()
    holidays: tuple[dt.date, ...] = ()

    @field_validator("window")
    @classmethod
    def _known_window(cls, v: str) -> str:
        if v not in WINDOWS:
            raise ValueError(f"unknown window {v!r}; choose one of {', '.join(map(repr, WINDOWS))}")
        return v

    @property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar(holidays=self.holidays)


def windowed(history: DailyThroughput, settings: ForecastSettings) -> DailyThroughput:
    """The history inside the chosen window (raises InputError when it is empty)."""
    if settings.window == "Custom date range":
        return history.window(start=settings.window_start, end=settings.window_end)
    last = WINDOWS.get(settings.window)
    return history.window(last_days=last) if last else history


def filtered_history(
    loaded: JiraIssues | DailyThroughput, settings: ForecastSettings
) -> DailyThroughput:
    """Daily history after the issue-type filter, before the window (raises InputError)."""
    if not isinstance(loaded, JiraIssues):
        return loaded
    issues = loaded
    if settings.issue_types is not None:
        if not settings.issue_types:
            raise InputError.single("Issue types", "choose at least one issue type")
        issues = loaded.filter(issue_types=settings.issue_types)
    return issues.history()


def history_of(loaded: JiraIssues | DailyThroughput, settings: ForecastSettings) -> DailyThroughput:
    """Daily history after the issue-type filter and the window (raises InputError)."""
    return windowed(filtered_history(loaded, settings), settings)


def forecast_inputs(history: DailyThroughput, settings: ForecastSettings) -> ForecastInputs:
    """Engine inputs from the windowed history and the settings (raises InputError)."""
    problems: list[Problem] = []
    if settings.backlog_high < settings.backlog_low:
        problems.append(Problem("Backlog", "the high count must not be below the low count"))
    if settings.split_high < settings.split_low:
        problems.append(Problem("Split rate", "the high rate must not be below the low rate"))
    if settings.target_date < settings.start_date:
        problems.append(Problem("Target date", "the target date is before the start date"))
    if problems:
        raise InputError(problems)
    try:
        return ForecastInputs(
            throughput_per_period=period_samples(history, settings.period, settings.calendar),
            period=settings.period,
            start_date=settings.start_date,
            calendar=settings.calendar,
            backlog=Backlog(
                low_items=settings.backlog_low,
                high_items=settings.backlog_high,
                split_low=settings.split_low,
                split_high=settings.split_high,
            ),
            risks=settings.risks,
            focus_percent=settings.focus_percent,
            target_date=settings.target_date,
        )
    except ValidationError as exc:
        raise InputError(
            Problem("forecast inputs", e["msg"].removeprefix("Value error, "))
            for e in exc.errors(include_url=False)
        ) from None


@dataclass(frozen=True, eq=False)
class ForecastScenario:
    """A forecast that can be saved and restored: settings, history and where it came from.

    Attributes
    ----------
    settings : ForecastSettings
        The page's form.
    history : DailyThroughput
        Items completed per calendar day, after the issue-type filter, before the window.
    history_file : str or None
        The name of the file the history was read from (for people; not re-read).

    Examples
    --------
    >>> h = DailyThroughput.from_counts([dt.date(2027, 1, 4), dt.date(2027, 1, 8)], [2, 3])
    >>> s = ForecastSettings(period="day", backlog_low=10, backlog_high=10,
    ...     start_date=dt.date(2027, 1, 11), target_date=dt.date(2027, 2, 1))
    >>> sc = ForecastScenario(s, h, "done.csv")
    >>> forecast_from_json(forecast_to_json(sc)) == sc
    True
    >>> sc.inputs().throughput_per_period
    (2, 0, 0, 0, 3)
    """

    settings: ForecastSettings
    history: DailyThroughput
    history_file: str | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ForecastScenario):
            return NotImplemented
        return (
            self.settings == other.settings
            and self.history_file == other.history_file
            and np.array_equal(self.history.dates, other.history.dates)
            and np.array_equal(self.history.completed, other.history.completed)
        )

    __hash__ = None  # type: ignore[assignment]

    def inputs(self) -> ForecastInputs:
        """The engine's inputs: the windowed history with the settings (raises InputError)."""
        return forecast_inputs(windowed(self.history, self.settings), self.settings)

    def with_settings(self, settings: ForecastSettings) -> Self:
        return type(self)(settings, self.history, self.history_file)


class _Day(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    date: dt.date
    completed: int = Field(ge=0, le=MAX_ITEMS_PER_DAY)


class _File(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    schema_version: int
    tool: Literal["forecast"] = "forecast"
    history_file: str | None = Field(default=None, max_length=500)
    page: ForecastSettings
    history: tuple[_Day, ...] = Field(min_length=1, max_length=MAX_HISTORY_DAYS)
    engine_inputs: dict[str, Any] | None = None
    iterations: int | None = None
    seed: int | None = None


_HISTORY_SLOT = '"__history__"'


def forecast_to_json(scenario: ForecastScenario) -> str:
    """The scenario as a forecast scenario file (``schema_version: 1``, ``tool: "forecast"``).

    One history day per line, so the file stays readable and small. Raises InputError when
    the settings do not make a forecast (e.g. the target date before the start date).
    """
    s = scenario.settings
    payload = {
        "schema_version": SCHEMA_VERSION,
        "tool": "forecast",
        "history_file": scenario.history_file,
        "page": json.loads(s.model_dump_json()),
        "history": "__history__",
        "engine_inputs": json.loads(scenario.inputs().model_dump_json()),
        "iterations": s.iterations,
        "seed": s.seed,
    }
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    h = scenario.history
    days = ",\n".join(
        f'    {{"date": "{d}", "completed": {int(c)}}}'
        for d, c in zip(h.dates.astype(str), h.completed, strict=True)
    )
    return text.replace(_HISTORY_SLOT, f"[\n{days}\n  ]", 1) + "\n"


#: Where the settings' own checks point in the file.
_SETTING_COLUMNS = {
    "Backlog": "page.backlog_high",
    "Split rate": "page.split_high",
    "Target date": "page.target_date",
    "history window": "page.window",
    "forecast inputs": "page",
}


def forecast_from_json(text: str | bytes, name: str = "scenario.json") -> ForecastScenario:
    """Read a forecast scenario file; every problem is located by its JSON path.

    Raises
    ------
    InputError
        Another tool's file or an unknown ``schema_version`` (located at ``tool`` /
        ``schema_version``), bad values (e.g. ``history[3].completed``), or settings that do
        not make a forecast (e.g. ``page.target_date``).
    """
    payload = check_envelope(parse_json_object(text, name), "forecast", name)
    if "history" not in payload and isinstance(payload.get("engine_inputs"), Mapping):
        raise InputError.single(
            name,
            "is required but missing: this forecast was saved before scenario files carried "
            "their throughput history; upload the history file (Jira export or date,completed "
            "table) and save or download the scenario again",
            column="history",
        )
    page = payload.get("page")
    if isinstance(page, Mapping):
        overrides = {k: payload[k] for k in ("iterations", "seed") if payload.get(k) is not None}
        payload["page"] = {**page, **overrides}
    try:
        raw = _File.model_validate(payload)
    except ValidationError as exc:
        raise InputError(problems_from_validation_error(exc, name)) from None
    seen: dict[dt.date, int] = {}
    problems: list[Problem] = []
    for i, day in enumerate(raw.history):
        if day.date in seen:
            problems.append(
                Problem(
                    name,
                    f"{day.date} appears twice (also history[{seen[day.date]}]); "
                    "give each day once",
                    None,
                    f"history[{i}].date",
                )
            )
        seen.setdefault(day.date, i)
    if problems:
        raise InputError(problems)
    span = (max(seen) - min(seen)).days + 1
    if span > MAX_HISTORY_DAYS:  # checked before the daily series is built
        raise InputError.single(
            name,
            f"the history spans {span} days ({min(seen)} to {max(seen)}); at most "
            f"{MAX_HISTORY_DAYS} days fit a scenario",
            column="history",
        )
    history = DailyThroughput.from_counts(
        [d.date for d in raw.history], [d.completed for d in raw.history]
    )
    scenario = ForecastScenario(raw.page, history, raw.history_file)
    try:
        scenario.inputs()
    except InputError as err:
        raise InputError(
            Problem(name, p.message, None, _SETTING_COLUMNS.get(p.source, "page"))
            for p in err.problems
        ) from None
    return scenario
