"""``tpm forecast``: "when will the backlog be done?" / "how many by a date?" from throughput."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from tpm_models.calendar import WorkCalendar
from tpm_models.commands._common import add_run_arguments, check_iterations, iso_date, print_json
from tpm_models.delivery_forecast import (
    HEADLINE_LEVELS,
    Backlog,
    DailyThroughput,
    ForecastInputs,
    ForecastResult,
    JiraIssues,
    ThroughputEstimate,
    period_samples,
    read_history,
    read_holidays,
    simulate_forecast,
)
from tpm_models.errors import InputError
from tpm_models.io.json_models import problems_from_validation_error
from tpm_models.limits import MAX_TRIALS

NAME = "forecast"
HELP = 'throughput forecast: "when will N items be done?" or "how many by DATE?"'

_NUMBER = r"\d+(?:\.\d+)?"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "history",
        nargs="?",
        metavar="HISTORY",
        help="Jira CSV export (Issue key, Issue Type, Status, Created, Resolved) "
        "or a date,completed table",
    )
    parser.add_argument(
        "--throughput",
        metavar="LOW,LIKELY,HIGH",
        help="items per period as a three-point estimate (instead of a history)",
    )
    parser.add_argument(
        "--period", choices=["day", "week"], default="day", help="period (default: day)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--items", metavar="N|LOW-HIGH", help='backlog size: "when" mode')
    mode.add_argument("--until", metavar="DATE", help='target date: "how many" mode')
    parser.add_argument(
        "--split", metavar="LOW-HIGH", help="split rate, e.g. 1.0-1.3 (default 1: no splitting)"
    )
    parser.add_argument(
        "--start",
        metavar="DATE",
        help="first day of the forecast (default: the day after the last history date, "
        "or today without a history)",
    )
    parser.add_argument(
        "--holidays",
        metavar="F",
        help="holiday list CSV/xlsx with a date column: skipped with --period day",
    )
    parser.add_argument(
        "--window-days",
        type=int,
        metavar="N",
        help="use only the last N calendar days of the history",
    )
    parser.add_argument(
        "--types", metavar="T1,T2", help="Jira issue types to count, e.g. Story,Bug (default all)"
    )
    parser.add_argument(
        "--focus",
        type=float,
        default=100.0,
        metavar="PCT",
        help="share of the team's throughput going to this backlog, in %% (default 100)",
    )
    add_run_arguments(parser)


def parse_int_range(flag: str, text: str) -> tuple[int, int]:
    """``"120"`` -> (120, 120); ``"100-140"`` -> (100, 140); located errors otherwise.

    Examples
    --------
    >>> parse_int_range("--items", "100-140")
    (100, 140)
    """
    m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", text)
    if not m:
        raise InputError.single(flag, f"{text!r} is not N or LOW-HIGH (whole numbers), e.g. 120")
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) else low
    if high < low:
        raise InputError.single(flag, f"{text!r}: LOW must not be above HIGH")
    return low, high


def parse_float_range(flag: str, text: str) -> tuple[float, float]:
    """``"1.2"`` -> (1.2, 1.2); ``"1.0-1.5"`` -> (1.0, 1.5)."""
    m = re.fullmatch(rf"\s*({_NUMBER})\s*(?:-\s*({_NUMBER})\s*)?", text)
    if not m:
        raise InputError.single(flag, f"{text!r} is not X or LOW-HIGH, e.g. 1.0-1.3")
    low = float(m.group(1))
    high = float(m.group(2)) if m.group(2) else low
    if high < low:
        raise InputError.single(flag, f"{text!r}: LOW must not be above HIGH")
    if low <= 0 or high > 10:
        raise InputError.single(flag, f"{text!r}: split rates must be above 0 and at most 10")
    return low, high


def _parse_throughput(text: str) -> ThroughputEstimate:
    parts = [p.strip() for p in text.split(",")]
    m = [re.fullmatch(_NUMBER, p) for p in parts]
    if len(parts) != 3 or not all(m):
        raise InputError.single(
            "--throughput", f"{text!r} is not LOW,LIKELY,HIGH items per period, e.g. 2,4,7"
        )
    low, likely, high = (float(p) for p in parts)
    if not low <= likely <= high:
        raise InputError.single("--throughput", f"{text!r}: needs LOW <= LIKELY <= HIGH")
    if high < 0.5:
        raise InputError.single("--throughput", "HIGH must be at least 0.5 item per period")
    return ThroughputEstimate(low=low, likely=likely, high=high)


def _load_history(args: argparse.Namespace) -> DailyThroughput:
    loaded = read_history(args.history)
    if isinstance(loaded, JiraIssues):
        if args.types:
            wanted = [t for t in args.types.split(",") if t.strip()]
            known = {t.lower() for t in loaded.issue_types()}
            unknown = [t for t in wanted if t.strip().lower() not in known]
            if unknown:
                raise InputError.single(
                    "--types",
                    f"no resolved issues of type {', '.join(unknown)}; the export has "
                    f"{', '.join(loaded.issue_types())}",
                )
            loaded = loaded.filter(issue_types=wanted)
        return loaded.history()
    if args.types:
        raise InputError.single("--types", "issue types need a Jira export, not a date table")
    return loaded


def build_inputs(args: argparse.Namespace) -> tuple[ForecastInputs, DailyThroughput | None]:
    """Turn command-line arguments into forecast inputs (bad values raise InputError)."""
    try:
        return _build_inputs(args)
    except ValidationError as exc:
        raise InputError(problems_from_validation_error(exc, "forecast")) from None


def _build_inputs(args: argparse.Namespace) -> tuple[ForecastInputs, DailyThroughput | None]:
    if (args.history is None) == (args.throughput is None):
        raise InputError.single(
            "forecast", "give a HISTORY file or --throughput LOW,LIKELY,HIGH (one of them)"
        )
    if args.items is None and args.until is None:
        raise InputError.single(
            "forecast", 'choose a mode: --items N|LOW-HIGH ("when") or --until DATE ("how many")'
        )
    if not 0 < args.focus <= 100:
        raise InputError.single("--focus", f"must be above 0 and at most 100, got {args.focus:g}")
    calendar = WorkCalendar(holidays=read_holidays(args.holidays) if args.holidays else ())
    history: DailyThroughput | None = None
    samples: tuple[int, ...] | None = None
    estimate: ThroughputEstimate | None = None
    if args.history is not None:
        history = _load_history(args)
        if args.window_days is not None:
            history = history.window(last_days=args.window_days)
        samples = period_samples(history, args.period, calendar)
        if args.items is not None and not any(samples):
            raise InputError.single(
                Path(args.history).name,
                f"no items were completed in any {args.period} of the history"
                + (" window" if args.window_days is not None else "")
                + ", so no forecast is possible; use a history with finished items",
            )
    else:
        estimate = _parse_throughput(args.throughput)
    start = iso_date("--start", args.start)
    if start is None:
        start = history.last_date + dt.timedelta(days=1) if history is not None else dt.date.today()
    backlog = None
    if args.items is not None:
        low, high = parse_int_range("--items", args.items)
        if low < 1 or high > 1_000_000:
            raise InputError.single("--items", "the backlog must be 1 to 1,000,000 items")
        split = parse_float_range("--split", args.split) if args.split else (1.0, 1.0)
        backlog = Backlog(low_items=low, high_items=high, split_low=split[0], split_high=split[1])
    elif args.split:
        raise InputError.single("--split", "a split rate applies to a backlog; add --items")
    until = iso_date("--until", args.until)
    if until is not None and until < start:
        raise InputError.single("--until", f"{until} is before the start date {start}")
    inputs = ForecastInputs(
        throughput_per_period=samples,
        throughput_estimate=estimate,
        period=args.period,
        start_date=start,
        calendar=calendar,
        backlog=backlog,
        focus_percent=args.focus,
        target_date=until,
    )
    return inputs, history


def to_json(
    result: ForecastResult, history: DailyThroughput | None, seed: int | None
) -> dict[str, Any]:
    """The ``--json`` payload (DESIGN.md §4.2 keys plus context)."""
    inp = result.inputs
    payload: dict[str, Any] = {
        "mode": result.mode,
        "when": None,
        "periods": None,
        "how_many": None,
        "iterations": result.iterations,
        "seed": seed,
        "period": inp.period,
        "start": inp.start_date.isoformat(),
        "until": inp.target_date.isoformat() if inp.target_date else None,
        "mean_throughput_per_period": round(inp.mean_throughput, 6),
    }
    if result.when_periods is not None:
        payload["when"] = {f"p{lv}": result.when_date(lv).isoformat() for lv in HEADLINE_LEVELS}
        payload["periods"] = {f"p{lv}": result.when_periods_at(lv) for lv in HEADLINE_LEVELS}
        payload["standard_error"] = {
            "periods": {f"p{lv}": result.when_standard_error(lv) for lv in HEADLINE_LEVELS}
        }
    if result.how_many_items is not None:
        payload["how_many"] = {f"p{lv}": result.how_many_at(lv) for lv in HEADLINE_LEVELS}
        payload.setdefault("standard_error", {})["how_many"] = {
            f"p{lv}": result.how_many_standard_error(lv) for lv in HEADLINE_LEVELS
        }
        payload["target_periods"] = result.target_periods
    if inp.backlog is not None:
        payload["backlog"] = {
            "low_items": inp.backlog.low_items,
            "high_items": inp.backlog.high_items,
            "split_low": inp.backlog.split_low,
            "split_high": inp.backlog.split_high,
        }
    if history is not None:
        assert inp.throughput_per_period is not None
        payload["history"] = {
            "first_date": history.first_date.isoformat(),
            "last_date": history.last_date.isoformat(),
            "items": history.total_items,
            "periods": len(inp.throughput_per_period),
            "zero_periods": int(np.sum(np.asarray(inp.throughput_per_period) == 0)),
        }
    return payload


def _text(result: ForecastResult, history: DailyThroughput | None) -> str:
    inp = result.inputs
    unit = "working days" if inp.period == "day" else "weeks"
    lines = []
    source = (
        f"history {history.first_date} to {history.last_date}, {history.total_items} items"
        if history is not None
        else "three-point throughput estimate"
    )
    first = inp.calendar.roll_forward(inp.start_date) if inp.period == "day" else inp.start_date
    starts = f"{inp.start_date}" + (
        f" (first working day {first})" if first != inp.start_date else ""
    )
    lines.append(f"Delivery forecast from {starts}, {result.iterations:,} trials")
    lines.append(
        f"Throughput: {source}; mean {inp.mean_throughput:.2f} items per {inp.period}"
        + (f" at {inp.focus_percent:g}% focus" if inp.focus_percent < 100 else "")
    )
    if result.when_periods is not None:
        b = inp.backlog
        assert b is not None
        size = str(b.low_items) if b.low_items == b.high_items else f"{b.low_items}-{b.high_items}"
        lines.append(f"When will {size} items be done?")
        for lv in HEADLINE_LEVELS:
            k = result.when_periods_at(lv)
            lines.append(f"  {lv}% likely by {result.when_date(lv)}  ({k} {unit})")
    if result.how_many_items is not None:
        lines.append(f"How many items by {inp.target_date}? ({result.target_periods} {unit})")
        for lv in HEADLINE_LEVELS:
            lines.append(f"  {lv}% likely at least {result.how_many_at(lv)} items")
        lines.append("  (the X% figure is reached in at least X% of trials: P95 <= P85 <= P50)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    iterations = check_iterations(args.iterations, MAX_TRIALS)
    inputs, history = build_inputs(args)
    result = simulate_forecast(inputs, iterations=iterations, rng=args.seed)
    if args.json:
        print_json(to_json(result, history, args.seed))
    else:
        print(_text(result, history))
    return 0
