"""Streamlit seam for the delivery forecast page: cached reading and running, page inputs."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from tpm_models.delivery_forecast import (
    HEADLINE_LEVELS,
    BacklogRisk,
    DailyThroughput,
    ForecastResult,
    ForecastScenario,
    ForecastSettings,
    JiraIssues,
    forecast_from_json,
    read_history,
    simulate_forecast,
)
from tpm_models.delivery_forecast import ForecastInputs as ForecastInputs
from tpm_models.delivery_forecast.scenario import WINDOWS as WINDOWS
from tpm_models.delivery_forecast.scenario import filtered_history as filtered_history
from tpm_models.delivery_forecast.scenario import forecast_inputs as forecast_inputs
from tpm_models.delivery_forecast.scenario import forecast_to_json as forecast_to_json
from tpm_models.delivery_forecast.scenario import history_of as history_of
from tpm_models.delivery_forecast.scenario import windowed as windowed
from tpm_models.errors import InputError, Problem

SAMPLE_PATH = Path(__file__).resolve().parents[1] / "sample_data" / "forecast" / "jira-export.csv"
SAMPLE_NAME = "jira-export.csv"

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


#: What the page's form collects (everything but the history file).
PageInputs = ForecastSettings


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
                    # rounded so 7 % is 0.07 exactly (a restored scenario gives the same draws)
                    probability=round(float(pct) / 100, 12) if pct is not None else -1,
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


def risks_frame(risks: tuple[BacklogRisk, ...]) -> pd.DataFrame:
    """The risks as the page's table shows them (probability in %)."""
    return pd.DataFrame(
        {
            "name": pd.Series([r.name for r in risks], dtype="str"),
            "probability": pd.Series([r.probability * 100 for r in risks], dtype="float"),
            "low_items": pd.Series([r.low_items for r in risks], dtype="Int64"),
            "high_items": pd.Series([r.high_items for r in risks], dtype="Int64"),
        }
    )


TRIALS = (1_000, 10_000, 50_000, 100_000)


def trial_options(iterations: int) -> list[int]:
    """The trial counts offered (a restored scenario's own count is added if it is not one)."""
    return sorted({*TRIALS, iterations})


def focus_value(settings: ForecastSettings) -> int:
    return max(5, min(100, round(settings.focus_percent)))


def holidays_text(holidays: tuple[dt.date, ...]) -> str:
    return "\n".join(d.isoformat() for d in holidays)


def range_value(settings: ForecastSettings, full: DailyThroughput) -> tuple[dt.date, dt.date]:
    """The custom window's start and end, inside the history."""
    lo, hi = full.first_date, full.last_date
    start = min(max(settings.window_start or lo, lo), hi)
    end = max(min(settings.window_end or hi, hi), start)
    return start, end


# --- scenario files: upload, library load, restore the form ---------------------------------
SEEN_UPLOAD_KEY = "fc_seen_upload"
SAVED_KEY = "fc_saved_scenario"
FORM_KEY = "fc_form"


@dataclass(frozen=True)
class HistorySource:
    """Where the page's history comes from: the sample, an uploaded history file, or a
    scenario file (uploaded or loaded from the library), which carries its own history."""

    name: str
    kind: Literal["sample", "file", "scenario", "saved"]
    data: bytes = b""
    scenario: ForecastScenario | None = None

    @property
    def fingerprint(self) -> str:
        if self.scenario is not None:
            frame = self.scenario.history.to_frame()
            return fingerprint(frame.to_csv(index=False).encode())
        return fingerprint(self.data)


def is_scenario_file(name: str) -> bool:
    return name.lower().endswith(".json")


@st.cache_data(max_entries=8, show_spinner=False)
def _read_scenario(digest: str, name: str, _data: bytes) -> ForecastScenario:
    return forecast_from_json(_data, name)


def read_scenario(data: bytes, name: str) -> ForecastScenario:
    """Read an uploaded forecast scenario file (cached by content hash; raises InputError)."""
    return _read_scenario(fingerprint(data), name, data)


def form_version() -> int:
    return int(st.session_state.get(f"{FORM_KEY}_version", 0))


def widget_key(name: str) -> str:
    """A form widget's key: new keys after a scenario is restored, so the widgets start from
    the scenario's values (version 0 keeps the plain keys)."""
    v = form_version()
    return name if v == 0 else f"{name}_v{v}"


def restored_settings() -> ForecastSettings | None:
    """The settings of the last restored scenario (the form's starting values)."""
    s: ForecastSettings | None = st.session_state.get(f"{FORM_KEY}_settings")
    return s


def _restore_form(settings: ForecastSettings) -> None:
    st.session_state[f"{FORM_KEY}_settings"] = settings
    st.session_state[f"{FORM_KEY}_version"] = form_version() + 1


def restore_saved(name: str, scenario_json: str) -> None:
    """Scenario-library "Load" callback: the saved scenario (settings and history) replaces
    the page's history and form until another file is uploaded (raises InputError)."""
    scenario = forecast_from_json(scenario_json, f"{name}.json")
    upload = st.session_state.get("fc_upload")
    st.session_state[SAVED_KEY] = (name, scenario, None if upload is None else upload.file_id)
    _restore_form(scenario.settings)


def history_source(uploaded: Any) -> HistorySource:
    """The history the page uses now (raises InputError for a bad scenario file).

    A scenario loaded from the library wins until another file is uploaded; an uploaded
    scenario file restores the form once (its settings become the widgets' values); an
    uploaded Jira export or ``date,completed`` table keeps the form as it is.
    """
    ss = st.session_state
    upload_id = None if uploaded is None else uploaded.file_id
    saved = ss.get(SAVED_KEY)
    if saved is not None:
        if saved[2] == upload_id:
            return HistorySource(f"{saved[0]}", "saved", scenario=saved[1])
        ss.pop(SAVED_KEY, None)
    if uploaded is None:
        return HistorySource(SAMPLE_NAME, "sample", sample_bytes())
    data: bytes = uploaded.getvalue()
    if not is_scenario_file(uploaded.name):
        return HistorySource(uploaded.name, "file", data)
    scenario = read_scenario(data, uploaded.name)
    if ss.get(SEEN_UPLOAD_KEY) != upload_id:
        ss[SEEN_UPLOAD_KEY] = upload_id
        _restore_form(scenario.settings)
    return HistorySource(uploaded.name, "scenario", data, scenario)


def scenario_of(
    loaded: JiraIssues | DailyThroughput, page: ForecastSettings, source: HistorySource
) -> ForecastScenario:
    """The page's state as a scenario (history after the issue-type filter, whole span)."""
    history_file = source.scenario.history_file if source.scenario is not None else source.name
    return ForecastScenario(page, filtered_history(loaded, page), history_file)
