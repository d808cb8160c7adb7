"""Streamlit seam for the delivery forecast page: cached reading and running, page inputs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import streamlit as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tpm_models.calendar import WorkCalendar
from tpm_models.delivery_forecast import (
    HEADLINE_LEVELS,
    Backlog,
    BacklogRisk,
    DailyThroughput,
    ForecastInputs,
    ForecastResult,
    JiraIssues,
    period_samples,
    read_history,
    simulate_forecast,
)
from tpm_models.errors import InputError, Problem

SAMPLE_PATH = Path(__file__).resolve().parents[1] / "sample_data" / "forecast" / "jira-export.csv"
SAMPLE_NAME = "jira-export.csv"

WINDOWS: dict[str, int | None] = {
    "All history": None,
    "Last 180 days": 180,
    "Last 90 days": 90,
    "Last 60 days": 60,
    "Last 30 days": 30,
    "Custom date range": None,
}
UNITS = {"day": "working days", "week": "weeks"}


def sample_bytes() -> bytes:
    return SAMPLE_PATH.read_bytes()


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


@st.cache_data(max_entries=8, show_spinner=False)
def _load(digest: str, name: str, _data: bytes) -> JiraIssues | DailyThroughput:
    return read_history(_data, name=name)


def load_history(data: bytes, name: str) -> JiraIssues | DailyThroughput:
    """Read an uploaded history (cached by content hash; raises InputError)."""
    return _load(fingerprint(data), name, data)


class PageInputs(BaseModel):
    """What the page's form collects (everything but the history file)."""

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
    seed: int = 1
    risks: tuple[BacklogRisk, ...] = ()
    holidays: tuple[dt.date, ...] = ()

    @property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar(holidays=self.holidays)


def windowed(history: DailyThroughput, page: PageInputs) -> DailyThroughput:
    """The history inside the chosen window."""
    if page.window == "Custom date range":
        return history.window(start=page.window_start, end=page.window_end)
    last = WINDOWS.get(page.window)
    return history.window(last_days=last) if last else history


def history_of(loaded: JiraIssues | DailyThroughput, page: PageInputs) -> DailyThroughput:
    """Daily history after the issue-type filter and the window (raises InputError)."""
    if isinstance(loaded, JiraIssues):
        issues = loaded
        if page.issue_types is not None:
            if not page.issue_types:
                raise InputError.single("Issue types", "choose at least one issue type")
            issues = loaded.filter(issue_types=page.issue_types)
        history = issues.history()
    else:
        history = loaded
    return windowed(history, page)


def forecast_inputs(history: DailyThroughput, page: PageInputs) -> ForecastInputs:
    """Engine inputs from the windowed history and the form (raises InputError)."""
    problems: list[Problem] = []
    if page.backlog_high < page.backlog_low:
        problems.append(Problem("Backlog", "the high count must not be below the low count"))
    if page.split_high < page.split_low:
        problems.append(Problem("Split rate", "the high rate must not be below the low rate"))
    if page.target_date < page.start_date:
        problems.append(Problem("Target date", "the target date is before the start date"))
    if problems:
        raise InputError(problems)
    try:
        return ForecastInputs(
            throughput_per_period=period_samples(history, page.period, page.calendar),
            period=page.period,
            start_date=page.start_date,
            calendar=page.calendar,
            backlog=Backlog(
                low_items=page.backlog_low,
                high_items=page.backlog_high,
                split_low=page.split_low,
                split_high=page.split_high,
            ),
            risks=page.risks,
            focus_percent=page.focus_percent,
            target_date=page.target_date,
        )
    except ValidationError as exc:
        raise InputError(
            Problem("forecast inputs", e["msg"].removeprefix("Value error, "))
            for e in exc.errors(include_url=False)
        ) from None


def risks_from_rows(rows: list[dict[str, Any]]) -> tuple[BacklogRisk, ...]:
    """Risks from the page's table (rows with no name and no numbers are skipped)."""
    problems: list[Problem] = []
    risks: list[BacklogRisk] = []
    for i, row in enumerate(rows, start=1):
        values = {k: row.get(k) for k in ("name", "probability", "low_items", "high_items")}
        if all(
            v is None or (isinstance(v, float) and pd.isna(v)) or v == "" for v in values.values()
        ):
            continue
        try:
            pct = values["probability"]
            risks.append(
                BacklogRisk(
                    name=str(values["name"] or f"risk {i}"),
                    probability=float(pct) / 100 if pct is not None else -1,
                    low_items=int(values["low_items"] or 0),
                    high_items=int(values["high_items"] or 0),
                )
            )
        except (ValidationError, TypeError, ValueError) as exc:
            if isinstance(exc, ValidationError):
                for e in exc.errors(include_url=False):
                    column = (
                        {"probability": "probability %"}.get(str(e["loc"][0]), str(e["loc"][0]))
                        if e["loc"]
                        else None
                    )
                    problems.append(
                        Problem("Risks", e["msg"].removeprefix("Value error, "), i, column)
                    )
            else:
                problems.append(Problem("Risks", f"not a number: {exc}", i))
    if problems:
        raise InputError(problems)
    return tuple(risks)


@st.cache_data(max_entries=16, show_spinner="Simulating…")
def run_forecast(inputs_json: str, iterations: int, seed: int) -> ForecastResult:
    """Cached engine run keyed by the inputs' JSON (small: the history is per-period counts)."""
    inputs = ForecastInputs.model_validate_json(inputs_json)
    return simulate_forecast(inputs, iterations=iterations, rng=seed)


# --- presentation helpers --------------------------------------------------------------------
def fmt_date(d: dt.date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def se_text(se: float, unit: str) -> str:
    """``±1.5 working days``; a zero spread of whole periods/items reads "under 1 …"."""
    if se > 0:
        return f"±{se:.1f} {unit}"
    return f"under 1 {unit.removesuffix('s')}"


def first_day(result: ForecastResult) -> dt.date:
    """First day of period 1 (a daily forecast starting on a weekend starts on Monday)."""
    inp = result.inputs
    return inp.calendar.roll_forward(inp.start_date) if inp.period == "day" else inp.start_date


def backlog_text(inputs: ForecastInputs) -> str:
    b = inputs.backlog
    assert b is not None
    size = f"{b.low_items}" if b.low_items == b.high_items else f"{b.low_items}–{b.high_items}"
    if b.split_high != 1.0 or b.split_low != 1.0:
        split = (
            f"{b.split_low:g}"
            if b.split_low == b.split_high
            else f"{b.split_low:g}–{b.split_high:g}"
        )
        size += f" × split {split}"
    if inputs.risks:
        size += f" + {len(inputs.risks)} risk(s)"
    return f"{size} items"


def headline_when(result: ForecastResult) -> str:
    return f"85% likely by {fmt_date(result.when_date(85))}"


def headline_how_many(result: ForecastResult) -> str:
    assert result.inputs.target_date is not None
    return (
        f"85% likely at least {result.how_many_at(85)} items "
        f"by {fmt_date(result.inputs.target_date)}"
    )


def when_display(result: ForecastResult) -> pd.DataFrame:
    """The "when" likelihood table for display, from the first date with ≥ 5% likelihood
    (the downloaded CSV has every date)."""
    t = result.when_table()
    t = t[(t["likelihood"] >= 0.05) | (t["percentile"] != "")]
    unit = UNITS[result.inputs.period]
    return pd.DataFrame(
        {
            "Done by": t["date"].dt.date,
            unit.capitalize(): t["period"],
            "Likelihood": t["likelihood"],
            "Percentile": t["percentile"],
        }
    )


def how_many_display(result: ForecastResult) -> pd.DataFrame:
    """The "how many" table for display: counts reached with 5% … 99.5% likelihood."""
    t = result.how_many_table()
    labels: dict[int, list[str]] = {}
    for lv in HEADLINE_LEVELS:
        labels.setdefault(result.how_many_at(lv), []).append(f"P{lv}")
    tag = pd.Series(["/".join(labels.get(int(n), [])) for n in t["items"]], index=t.index)
    keep = ((t["likelihood"] >= 0.05) & (t["likelihood"] < 0.995)) | (tag != "")
    return pd.DataFrame(
        {
            "At least (items)": t["items"][keep],
            "Likelihood": t["likelihood"][keep],
            "Percentile": tag[keep],
        }
    )


def results_frame(result: ForecastResult) -> pd.DataFrame:
    """One tidy CSV: headline rows, then the 'when' and 'how many' likelihood tables."""
    s = result.summary()
    head = pd.DataFrame(
        {
            "section": "summary_" + s["measure"],
            "percentile": s["percentile"],
            "date": s["date"].astype(str),
            "periods": s["periods"],
            "items": s["items"],
            "likelihood": [lv / 100 for lv in HEADLINE_LEVELS] * (len(s) // 3),
        }
    )
    w = result.when_table()
    when = pd.DataFrame(
        {
            "section": "when_done_by_date",
            "percentile": w["percentile"],
            "date": w["date"].dt.date.astype(str),
            "periods": w["period"],
            "items": None,
            "likelihood": w["likelihood"].round(6),
        }
    )
    h = result.how_many_table()
    many = pd.DataFrame(
        {
            "section": "how_many_at_least",
            "percentile": "",
            "date": str(result.inputs.target_date),
            "periods": result.target_periods,
            "items": h["items"],
            "likelihood": h["likelihood"].round(6),
        }
    )
    return pd.concat([head, when, many], ignore_index=True)


def inputs_json(
    inputs: ForecastInputs, page: PageInputs, source: str, iterations: int, seed: int
) -> str:
    """Everything needed to reproduce the run, as pretty JSON."""
    payload = {
        "tool": "delivery_forecast",
        "schema_version": 1,
        "history_file": source,
        "page": json.loads(page.model_dump_json()),
        "engine_inputs": json.loads(inputs.model_dump_json()),
        "iterations": iterations,
        "seed": seed,
    }
    return json.dumps(payload, indent=2)
