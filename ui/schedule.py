"""Streamlit side of the schedule-risk page: session state, uploads, edits, cached runs.

The page (``app_pages/schedule_risk.py``) holds widgets and calls only; everything with logic lives
here or in :mod:`tpm_models`. State lives under one session-state key (``"schedule"``):

``data``
    The :class:`DataSet` the tables show (tasks, risks, correlations, holidays, where it came
    from). Replaced only by a *successful* load (sample, upload, scenario JSON) — a bad upload
    leaves it, and every edit in the tables, untouched.
``version``
    Bumped on every successful load; part of the table editors' keys so a new data set starts
    fresh editors while edits to the current one survive reruns.
``settings``
    The last submitted :class:`RunSettings`.
``load_error``
    The :class:`InputError` of the last failed load (shown until the next successful one).

Results are cached with ``st.cache_data`` keyed by the scenario JSON plus the run settings
(small strings), and what is cached is a :class:`ScheduleView` of small frames, never the
trial arrays.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import streamlit as st
from pydantic import BaseModel, ConfigDict, Field

from tpm_models.charts import schedule as charts
from tpm_models.errors import InputError, Problem
from tpm_models.estimates import SamplingMethod
from tpm_models.io import to_csv_bytes, to_excel_bytes
from tpm_models.io.tables import parse_date
from tpm_models.limits import check_schedule_inputs
from tpm_models.schedule_risk import readers
from tpm_models.schedule_risk.network import Risk, ScheduleInputs

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "sample_data" / "schedule"
SAMPLE_LABEL = "Sample: payments platform migration"
SAMPLE_START = dt.date(2027, 1, 4)
SAMPLE_DEADLINE = dt.date(2027, 5, 14)
DEFAULT_TRIALS = 10_000
MIN_TRIALS = 100
MAX_TRIALS = 200_000
DEFAULT_SEED = 42
#: Runs at least this big show a progress bar (smaller ones a spinner).
PROGRESS_FROM_TRIALS = 50_000
STATE_KEY = "schedule"
#: Uploads waiting to be read: a list of (kind, file name, bytes). The page's file uploaders
#: put new files here and :func:`process_upload_queue` reads them (tests may queue bytes too).
UPLOAD_QUEUE_KEY = "schedule_upload_queue"
METHOD_LABELS: dict[str, SamplingMethod] = {
    "Monte Carlo": "monte_carlo",
    "Latin Hypercube": "latin_hypercube",
}
UploadKind = Literal["tasks", "risks", "correlations", "holidays", "scenario"]
TABLES = ("tasks", "risks", "correlations")


# --- settings and data -------------------------------------------------------------------------
class RunSettings(BaseModel):
    """What the run settings form submits (validated; the cache key includes it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    start_date: dt.date = SAMPLE_START
    deadline: dt.date | None = SAMPLE_DEADLINE
    iterations: int = Field(default=DEFAULT_TRIALS, ge=MIN_TRIALS, le=MAX_TRIALS)
    seed: int | None = Field(default=DEFAULT_SEED, ge=0, le=2**32 - 1)
    method: SamplingMethod = "monte_carlo"


@dataclass(frozen=True)
class DataSet:
    """The tables the page shows and edits, and where they came from."""

    tasks: pd.DataFrame
    risks: pd.DataFrame
    correlations: pd.DataFrame
    holidays: tuple[dt.date, ...] = ()
    weekmask: str = "1111100"
    label: str = SAMPLE_LABEL
    notes: tuple[str, ...] = ()
    start_date: dt.date | None = None

    @classmethod
    def from_inputs(
        cls,
        inputs: ScheduleInputs,
        label: str,
        notes: Sequence[str] = (),
    ) -> DataSet:
        return cls(
            tasks=_numbered(readers.tasks_to_frame(inputs.tasks)),
            risks=_numbered(readers.risks_to_frame(inputs.risks)),
            correlations=_numbered(readers.correlations_to_frame(inputs.correlations)),
            holidays=tuple(inputs.calendar.holidays),
            weekmask=inputs.calendar.weekmask,
            label=label,
            notes=tuple(notes),
            start_date=inputs.start_date,
        )


def _numbered(df: pd.DataFrame) -> pd.DataFrame:
    """Rows labelled 1..n, so the editor's row labels match the 1-based rows in messages."""
    out = df.reset_index(drop=True)
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out


def load_sample() -> DataSet:
    """The bundled payments-platform migration (about 40 tasks, 8 risks, 4 correlations)."""
    inputs = readers.load_schedule(
        SAMPLE_DIR / "tasks.csv",
        SAMPLE_DIR / "risks.csv",
        SAMPLE_DIR / "correlations.csv",
        SAMPLE_DIR / "holidays.csv",
        start_date=SAMPLE_START,
    )
    return DataSet.from_inputs(inputs, SAMPLE_LABEL)


def state() -> dict[str, Any]:
    """The page's state, initialised on first visit with the sample project."""
    s: dict[str, Any] | None = st.session_state.get(STATE_KEY)
    if s is None:
        s = {
            "data": load_sample(),
            "version": 0,
            "settings": RunSettings(),
            "load_error": None,
            "message": None,
            "edited": {},
            "whatif": None,
        }
        st.session_state[STATE_KEY] = s
        set_settings_widgets(s["settings"], s["data"].holidays)
    return s


def replace_data(data: DataSet, *, settings: RunSettings | None = None, message: str) -> None:
    """Swap in a new data set (fresh editors), optionally new settings; clear load errors."""
    s = state()
    s["data"] = data
    s["version"] += 1
    s["edited"] = {}
    s["load_error"] = None
    s["whatif"] = None
    s["message"] = message
    new = settings or s["settings"]
    if data.start_date is not None and settings is None:
        new = new.model_copy(update={"start_date": data.start_date})
    s["settings"] = new
    set_settings_widgets(new, data.holidays)


def use_sample() -> None:
    """Button callback: back to the sample project and its default settings."""
    replace_data(load_sample(), settings=RunSettings(), message="Loaded the sample project.")


# --- the settings form's widgets ---------------------------------------------------------------
W_START, W_DEADLINE, W_TRIALS = "sched_w_start", "sched_w_deadline", "sched_w_trials"
W_SEED, W_METHOD, W_HOLIDAYS = "sched_w_seed", "sched_w_method", "sched_w_holidays"


def set_settings_widgets(settings: RunSettings, holidays: Sequence[dt.date]) -> None:
    """Put settings into the form widgets' session state (before the widgets are drawn)."""
    st.session_state[W_START] = settings.start_date
    st.session_state[W_DEADLINE] = settings.deadline
    st.session_state[W_TRIALS] = settings.iterations
    st.session_state[W_SEED] = settings.seed if settings.seed is not None else DEFAULT_SEED
    st.session_state[W_METHOD] = next(k for k, v in METHOD_LABELS.items() if v == settings.method)
    st.session_state[W_HOLIDAYS] = holidays_text(holidays)


def ensure_settings_widgets() -> None:
    """After navigating away Streamlit drops widget state; restore it from the saved settings."""
    s = state()
    if W_START not in st.session_state:
        set_settings_widgets(s["settings"], s["data"].holidays)


def holidays_text(holidays: Sequence[dt.date]) -> str:
    return "\n".join(d.isoformat() for d in sorted(holidays))


def parse_holidays_text(text: str) -> tuple[dt.date, ...]:
    """One date per line (``YYYY-MM-DD``; ``#`` starts a comment); problems name the line."""
    days: list[dt.date] = []
    problems: list[Problem] = []
    for k, raw in enumerate(text.splitlines(), start=1):
        item = raw.split("#", 1)[0].strip().strip(",")
        if not item:
            continue
        day = parse_date(item)
        if day is None:
            problems.append(
                Problem("holidays", f"{item!r} is not a date; use YYYY-MM-DD", row=k, column="date")
            )
        else:
            days.append(day)
    if problems:
        raise InputError(problems)
    return tuple(sorted(set(days)))


def submit_settings() -> InputError | None:
    """Form callback: validate the form's values into :class:`RunSettings` and keep them."""
    s = state()
    ss = st.session_state
    problems: list[Problem] = []
    try:
        holidays = parse_holidays_text(ss.get(W_HOLIDAYS, ""))
    except InputError as err:
        problems.extend(err.problems)
        holidays = s["data"].holidays
    trials = int(ss.get(W_TRIALS, DEFAULT_TRIALS))
    if trials > MAX_TRIALS:
        problems.append(Problem("run settings", f"at most {MAX_TRIALS:,} trials", column="trials"))
    try:
        settings = RunSettings(
            start_date=ss[W_START] or SAMPLE_START,
            deadline=ss.get(W_DEADLINE),
            iterations=min(max(trials, MIN_TRIALS), MAX_TRIALS),
            seed=int(ss.get(W_SEED, DEFAULT_SEED)),
            method=METHOD_LABELS.get(ss.get(W_METHOD, "Monte Carlo"), "monte_carlo"),
        )
    except ValueError as exc:
        problems.append(Problem("run settings", str(exc)))
        settings = s["settings"]
    s["settings"] = settings
    data: DataSet = s["data"]
    if holidays != data.holidays:
        s["data"] = _replace(data, holidays=holidays)
    s["settings_error"] = InputError(problems) if problems else None
    return s["settings_error"]


def _replace(data: DataSet, **changes: Any) -> DataSet:
    values = {f: getattr(data, f) for f in data.__dataclass_fields__}
    values.update(changes)
    return DataSet(**values)


# --- uploads -----------------------------------------------------------------------------------
def queue_upload(kind: UploadKind, name: str, content: bytes) -> None:
    st.session_state.setdefault(UPLOAD_QUEUE_KEY, []).append((kind, name, content))


def restore_saved(name: str, inputs_json: str) -> None:
    """Scenario-library "Load" callback: restore a saved scenario as if its JSON had been
    uploaded (tables, holidays and start date)."""
    queue_upload("scenario", f"{name}.json", inputs_json.encode("utf-8"))
    process_upload_queue()


def library_options(settings: RunSettings) -> dict[str, Any]:
    """The run settings the report and the scenario library need besides seed and trials."""
    return {
        "method": settings.method,
        "deadline": settings.deadline.isoformat() if settings.deadline else None,
    }


def uploader_key(kind: str) -> str:
    return f"sched_upload_{kind}"


UPLOAD_HELP = {
    "tasks": "id, name, low, likely, high, distribution, predecessors (+ owner, phase); "
    "or an MS Project XML file",
    "risks": "id, name, probability, impact_low, impact_likely, impact_high, impact_unit, tasks",
    "correlations": "task_a, task_b, rho",
    "holidays": "date (+ name), one holiday per row",
}


def on_upload(kind: UploadKind) -> None:
    """File-uploader callback (runs before the page): read the new file at once so the tables
    shown in this run are already the new ones. A new tasks file is read together with the
    files in the other uploaders."""
    f = st.session_state.get(uploader_key(kind))
    if f is None:
        return
    queue_upload(kind, f.name, f.getvalue())
    if kind == "tasks":
        for other in ("risks", "correlations", "holidays"):
            g = st.session_state.get(uploader_key(other))
            if g is not None:
                queue_upload(other, g.name, g.getvalue())  # type: ignore[arg-type]
    process_upload_queue()


def sample_files() -> list[tuple[str, bytes]]:
    """The sample project's files, offered as templates."""
    names = ("tasks.csv", "risks.csv", "correlations.csv", "holidays.csv")
    return [(n, (SAMPLE_DIR / n).read_bytes()) for n in names]


def process_upload_queue() -> None:
    """Read queued uploads. Success replaces the data set; failure keeps it and records the
    located problems in ``state()["load_error"]``."""
    queue: list[tuple[str, str, bytes]] = st.session_state.get(UPLOAD_QUEUE_KEY) or []
    if not queue:
        return
    st.session_state[UPLOAD_QUEUE_KEY] = []
    files = {kind: (name, content) for kind, name, content in queue}
    try:
        data, settings, message = read_uploads(files, state())
    except InputError as err:
        state()["load_error"] = err
        state()["message"] = None
        return
    replace_data(data, settings=settings, message=message)


def read_uploads(
    files: Mapping[str, tuple[str, bytes]], s: Mapping[str, Any]
) -> tuple[DataSet, RunSettings | None, str]:
    """The data set after applying uploaded files to the current one.

    A scenario JSON restores everything. A tasks file starts a new project (with the risks,
    correlations and holidays uploaded alongside it, if any). Risks, correlations or holidays
    on their own replace just that table of the current project (edits elsewhere are kept).
    """
    current: DataSet = s["data"]
    settings: RunSettings = s["settings"]
    names = {k: v[0] for k, v in files.items()}
    if "scenario" in files:
        name, content = files["scenario"]
        inputs = readers.schedule_from_json(content, name=name)
        new_settings = settings.model_copy(
            update={"start_date": inputs.start_date or settings.start_date}
        )
        return DataSet.from_inputs(inputs, f"Scenario: {name}"), new_settings, f"Restored {name}."
    if "tasks" in files:
        name, content = files["tasks"]
        others = {k: files[k][1] for k in ("risks", "correlations", "holidays") if k in files}
        is_xml = name.lower().endswith(".xml") or content.lstrip()[:1] == b"<"
        inputs = readers.load_schedule(
            content,
            others.get("risks"),
            others.get("correlations"),
            others.get("holidays"),
            start_date=None if is_xml else settings.start_date,
            names=names,
        )
        notes = mspdi_notes(content, name) if is_xml else ()
        if not is_xml and "holidays" not in files and current.holidays:
            # a new task list keeps the holidays already set (MS Project brings its own)
            from tpm_models.calendar import WorkCalendar

            inputs = inputs.model_copy(
                update={
                    "calendar": WorkCalendar(
                        weekmask=inputs.calendar.weekmask, holidays=current.holidays
                    )
                }
            )
            notes = (f"Kept the {len(current.holidays)} holidays already set (see Run settings).",)
        label = "Uploaded: " + ", ".join(v[0] for v in files.values())
        update: dict[str, Any] = {}
        if inputs.start_date:
            update["start_date"] = inputs.start_date
        if current.label == SAMPLE_LABEL and settings.deadline == SAMPLE_DEADLINE:
            update["deadline"] = None  # the sample's deadline means nothing for a new project
        new_settings = settings.model_copy(update=update) if update else None
        return DataSet.from_inputs(inputs, label, notes), new_settings, f"Loaded {name}."
    problems: list[Problem] = []
    changes: dict[str, Any] = {}
    readers_by_kind: dict[str, Callable[..., Any]] = {
        "risks": readers.read_risks,
        "correlations": readers.read_correlations,
        "holidays": readers.read_holidays,
    }
    for kind, reader in readers_by_kind.items():
        if kind not in files:
            continue
        name, content = files[kind]
        try:
            value = reader(content, name=name)
        except InputError as err:
            problems.extend(err.problems)
            continue
        if kind == "risks":
            changes["risks"] = _numbered(readers.risks_to_frame(value))
        elif kind == "correlations":
            changes["correlations"] = _numbered(readers.correlations_to_frame(value))
        else:
            changes["holidays"] = tuple(value)
    if problems:
        raise InputError(problems)
    label = current.label
    if "Uploaded" not in label:
        label = f"{label} + uploaded " + ", ".join(names.values())
    data = _replace(current, label=label, **changes)
    # the editors restart from the current edited tables so nothing typed is lost
    edited = s.get("edited") or {}
    for kind in TABLES:
        if kind not in changes and kind in edited:
            data = _replace(data, **{kind: _numbered(edited[kind])})
    return data, None, "Loaded " + ", ".join(names.values()) + "."


def mspdi_notes(content: bytes, name: str) -> tuple[str, ...]:
    """The MS Project reader's notes (summary tasks dropped, default spreads applied...)."""
    try:
        from tpm_models.schedule_risk import mspdi
    except ImportError:  # pragma: no cover - the MSPDI reader ships with the readers
        return ()
    try:
        project = mspdi.read_mspdi(content, name=name)
    except InputError:
        return ()
    return tuple(str(n) for n in getattr(project, "notes", ()))


# --- edits -------------------------------------------------------------------------------------
def editor_key(kind: str) -> str:
    return f"sched_editor_{kind}_{state()['version']}"


def restore_edits_after_navigation() -> None:
    """Widget state is dropped when the user visits another page; keep their edits anyway by
    making the last edited tables the editors' new starting point."""
    s = state()
    edited: dict[str, pd.DataFrame] = s.get("edited") or {}
    if not edited or editor_key("tasks") in st.session_state:
        return
    data: DataSet = s["data"]
    changes = {k: _numbered(v) for k, v in edited.items() if k in TABLES}
    s["data"] = _replace(data, **changes)
    s["version"] += 1
    s["edited"] = {}


def remember_edits(kind: str, df: pd.DataFrame) -> None:
    state()["edited"][kind] = df


def relocate_rows(err: InputError, frames: Mapping[str, pd.DataFrame]) -> InputError:
    """Readers number an edited table's rows by position (1-based); the editor shows the row
    labels (1..n, new rows continue the count, deleted rows leave gaps). Translate."""
    by_source = {f"{k} table": v for k, v in frames.items()}
    out = []
    for p in err.problems:
        df = by_source.get(p.source)
        if df is not None and p.row is not None and 1 <= p.row <= len(df):
            label = df.index[p.row - 1]
            row = int(label) if isinstance(label, int | np.integer) else p.row
            out.append(Problem(p.source, p.message, row, p.column))
        else:
            out.append(p)
    return InputError(out)


def inputs_from_tables(
    tables: Mapping[str, pd.DataFrame], data: DataSet, settings: RunSettings
) -> ScheduleInputs:
    """Validate the (edited) tables with the run settings into simulation inputs."""
    from tpm_models.calendar import WorkCalendar

    try:
        inputs = readers.schedule_from_frames(
            tables["tasks"],
            tables.get("risks"),
            tables.get("correlations"),
            start_date=settings.start_date,
            calendar=WorkCalendar(weekmask=data.weekmask, holidays=data.holidays),
        )
    except InputError as err:
        raise relocate_rows(err, tables) from None
    # the same caps and memory budget as `tpm schedule`, before anything runs
    check_schedule_inputs(inputs, settings.iterations, source="Trials")
    return inputs


# --- running -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScheduleView:
    """The small, chart-ready outputs of one run (what the cache keeps)."""

    iterations: int
    seed: int | None
    method: str
    start_date: dt.date | None
    deterministic_finish_days: float
    deterministic_finish_date: dt.date | None
    #: percentile -> (finish days, finish date or None, standard error in days)
    headline: dict[int, tuple[float, dt.date | None, float]]
    deadline: dt.date | None
    deadline_probability: float | None
    plan_probability: float
    buffer_days: dict[int, float]
    histogram: pd.DataFrame
    s_curve: pd.DataFrame
    tasks: pd.DataFrame
    risks: pd.DataFrame
    percentiles: pd.DataFrame
    summary: pd.DataFrame
    critical_path: tuple[str, ...] = field(default=())
    working_days_vs_plan: dict[int, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = field(default=())


def _date_or_none(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _task_frame(result: Any) -> pd.DataFrame:
    tasks: pd.DataFrame = result.task_table().copy()
    inputs: ScheduleInputs = result.inputs
    fixed = {t.id: t.duration.is_degenerate for t in inputs.tasks}
    # fixed durations (milestones) have no spread: charts of drivers leave them out
    tasks["fixed_duration"] = tasks["id"].map(fixed).fillna(False).astype(bool)
    if inputs.start_date is not None and "deterministic_finish_days" in tasks:
        dates = inputs.calendar.finish_dates(
            inputs.start_date, tasks["deterministic_finish_days"].to_numpy(dtype=np.float64)
        )
        tasks["deterministic_finish_date"] = pd.to_datetime(dates)
    return tasks


def _summary(
    result: Any, percentiles: pd.DataFrame, plan_days: float, plan_date: dt.date | None
) -> pd.DataFrame:
    """``ScheduleResult.summary()``'s rows, reusing the percentile table's standard errors."""
    n = int(result.iterations)
    mean, std = float(result.mean_days), float(result.std_days)
    start = result.inputs.start_date
    mean_date = result.inputs.calendar.finish_date(start, mean) if start else None
    head = pd.DataFrame(
        {
            "statistic": ["deterministic", "mean", "std"],
            "days": [plan_days, mean, std],
            "date": [plan_date, mean_date, None],
            "standard_error_days": [0.0, std / math.sqrt(n), math.nan],
        }
    )
    rows = pd.DataFrame(
        {
            "statistic": [f"P{int(q)}" for q in percentiles["percentile"]],
            "days": percentiles["finish_days"].astype(float),
            "date": percentiles["finish_date"],
            "standard_error_days": percentiles["standard_error_days"].astype(float),
        }
    )
    return pd.concat([head, rows], ignore_index=True)


def build_view(result: Any, deadline: dt.date | None) -> ScheduleView:
    """Reduce a ``ScheduleResult`` to the numbers and small frames the page shows."""
    inputs: ScheduleInputs = result.inputs
    # standard errors cost O(trials) each: compute the percentile table once and reuse it
    percentiles: pd.DataFrame = result.percentiles_table()
    se_by_q = dict(
        zip(
            percentiles["percentile"].astype(int),
            percentiles["standard_error_days"].astype(float),
            strict=True,
        )
    )
    headline = {
        q: (
            float(result.percentile(q)),
            _date_or_none(result.finish_date(q)),
            float(se_by_q[q]) if q in se_by_q else float(result.standard_error(q)),
        )
        for q in (10, 50, 80, 90)
    }
    plan_days = float(result.deterministic_finish_days)
    plan_date = (
        inputs.calendar.finish_date(inputs.start_date, plan_days) if inputs.start_date else None
    )
    vs_plan: dict[int, int] = {}
    if plan_date is not None:
        for q, (_, d, _) in headline.items():
            if d is not None:
                sign = 1 if d >= plan_date else -1
                lo, hi = sorted((plan_date, d))
                vs_plan[q] = sign * inputs.calendar.working_days_between(lo, hi)
    dl_prob = (
        float(result.deadline_probability(deadline))
        if deadline is not None and inputs.start_date is not None
        else None
    )
    plan_prob = float(
        result.deadline_probability(plan_date if plan_date is not None else plan_days)
    )
    cpm = getattr(result, "cpm", None)
    return ScheduleView(
        iterations=int(result.iterations),
        seed=result.seed,
        method=str(result.method),
        start_date=inputs.start_date,
        deterministic_finish_days=plan_days,
        deterministic_finish_date=plan_date,
        headline=headline,
        deadline=deadline,
        deadline_probability=dl_prob,
        plan_probability=plan_prob,
        buffer_days={q: float(result.buffer_days(q)) for q in (80, 90)},
        histogram=result.working_day_histogram(),
        s_curve=result.s_curve(),
        tasks=_task_frame(result),
        risks=result.risk_table(),
        percentiles=percentiles,
        summary=_summary(result, percentiles, plan_days, plan_date),
        critical_path=tuple(getattr(cpm, "critical_path", ()) or ()),
        working_days_vs_plan=vs_plan,
        warnings=tuple(str(w) for w in getattr(result, "warnings", ()) or ()),
    )


@st.cache_data(max_entries=16, show_spinner="Running the simulation…")
def run_view(
    inputs_json: str,
    iterations: int,
    seed: int | None,
    method: str,
    deadline_iso: str | None,
) -> ScheduleView:
    """Simulate (cached by the scenario JSON and the settings; no arrays in the key).

    Big runs draw their own progress bar (created inside, so a cache hit replays nothing but
    an empty slot)."""
    from tpm_models.schedule_risk.simulate import simulate_schedule

    inputs = readers.schedule_from_json(inputs_json)
    progress: Callable[[float], None] | None = None
    bar = None
    if iterations >= PROGRESS_FROM_TRIALS:
        bar = st.progress(0.0, text=f"Simulating {iterations:,} trials…")

        def progress(fraction: float) -> None:
            f = min(max(float(fraction), 0.0), 1.0)
            bar.progress(f, text=f"Simulating {iterations:,} trials… {f:.0%}")

    result = simulate_schedule(
        inputs,
        iterations=iterations,
        rng=seed,
        method=method,  # type: ignore[arg-type]
        progress=progress,
    )
    deadline = dt.date.fromisoformat(deadline_iso) if deadline_iso else None
    view = build_view(result, deadline)
    if bar is not None:
        bar.empty()
    return view


def run(inputs: ScheduleInputs, settings: RunSettings) -> ScheduleView:
    """The page's one call: simulate ``inputs`` with ``settings`` (cached)."""
    return run_view(
        readers.schedule_to_json(inputs),
        settings.iterations,
        settings.seed,
        settings.method,
        settings.deadline.isoformat() if settings.deadline else None,
    )


# --- what-if -----------------------------------------------------------------------------------
def whatif_frame(inputs: ScheduleInputs) -> pd.DataFrame:
    """The mitigation table: one row per risk with its probability (editable) and a remove box."""
    return pd.DataFrame(
        {
            "id": [r.id for r in inputs.risks],
            "name": [r.name for r in inputs.risks],
            "probability": [float(r.probability) for r in inputs.risks],
            "remove": [False] * len(inputs.risks),
        }
    )


def apply_whatif(inputs: ScheduleInputs, table: pd.DataFrame) -> ScheduleInputs:
    """The same inputs with each risk's probability taken from the what-if table (a ticked
    ``remove`` means probability 0). Task and other risks' draws stay the same for a given
    seed (common random numbers), so the difference is the mitigation's effect alone."""
    problems: list[Problem] = []
    chosen: dict[str, float] = {}
    for k, row in enumerate(table.itertuples(index=False), start=1):
        rid = str(row.id)
        p = row.probability
        if bool(row.remove):
            chosen[rid] = 0.0
            continue
        if p is None or (isinstance(p, float) and math.isnan(p)):
            problems.append(Problem("what-if table", "enter a probability", k, "probability"))
            continue
        p = float(p)
        if not 0.0 <= p <= 1.0:
            problems.append(
                Problem(
                    "what-if table", f"{p:g} is not in 0..1 (e.g. 0.25 for 25%)", k, "probability"
                )
            )
            continue
        chosen[rid] = p
    if problems:
        raise InputError(problems)
    risks: list[Risk] = [
        r.model_copy(update={"probability": chosen.get(r.id, r.probability)}) for r in inputs.risks
    ]
    return ScheduleInputs(
        tasks=inputs.tasks,
        risks=tuple(risks),
        correlations=inputs.correlations,
        start_date=inputs.start_date,
        calendar=inputs.calendar,
    )


def whatif_key(inputs: ScheduleInputs, version: int | None = None) -> str:
    """The what-if editor's key: it restarts when the data set or the risk register changes."""
    sig = "|".join(f"{r.id}={r.probability:g}" for r in inputs.risks)
    v = state()["version"] if version is None else version
    return f"sched_whatif_{v}_{zlib.crc32(sig.encode('utf-8')):08x}"


def compare(before: ScheduleView, after: ScheduleView) -> dict[str, Any]:
    """Headline differences of a what-if: P80 shift in working days, probability change."""
    b80, a80 = before.headline[80], after.headline[80]
    shift = None
    if b80[1] is not None and a80[1] is not None and before.start_date is not None:
        shift = after.working_days_vs_plan.get(80, 0) - before.working_days_vs_plan.get(80, 0)
    p_before = before.deadline_probability if before.deadline else before.plan_probability
    p_after = after.deadline_probability if after.deadline else after.plan_probability
    pp = 100.0 * ((p_after or 0.0) - (p_before or 0.0))
    before_p = dict(zip(before.risks["id"], before.risks["probability"], strict=True))
    return {
        "p80_shift_working_days": shift,
        "p80_delta_text": (
            f"{shift:+d} working days" if shift is not None else f"{a80[0] - b80[0]:+.1f} days"
        ),
        "before_probability": p_before,
        "after_probability": p_after,
        "probability_delta_text": f"{pp:+.0f} percentage points",
        "changed_ids": ", ".join(
            str(rid)
            for rid, pa in zip(after.risks["id"], after.risks["probability"], strict=True)
            if before_p.get(rid) != pa
        ),
    }


# --- charts ------------------------------------------------------------------------------------
CHART_TITLES = {
    "histogram": "Finish-date histogram",
    "s_curve": "S-curve",
    "tornado": "Task sensitivity tornado",
    "criticality": "Criticality index",
    "risks": "Risk contributions",
    "gantt": "Probabilistic Gantt",
}


def _markers(view: ScheduleView, qs: Sequence[int]) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for q in qs:
        days, date, _ = view.headline[q]
        out.append((f"P{q}", date if date is not None else days))
    return out


def build_charts(view: ScheduleView) -> dict[str, Any]:
    """Every chart of a run, from the view's small frames."""

    markers = _markers(view, (50, 80))
    if view.deadline is not None:
        markers.append(("Deadline", view.deadline))
    n = f"{view.iterations:,} trials"
    out: dict[str, Any] = {
        "histogram": charts.finish_histogram(
            view.histogram,
            markers=markers,
            subtitle=f"Share of {n} finishing on each date",
        ),
        "s_curve": charts.s_curve(
            view.s_curve,
            points=_markers(view, (50, 80, 90)),
            deadline=view.deadline,
            subtitle="Read across from a confidence level to the date it buys",
        ),
        "tornado": charts.sensitivity_tornado(view.tasks, top=12),
        "criticality": charts.criticality_bar(view.tasks, top=12),
        "gantt": charts.probabilistic_gantt(view.tasks),
    }
    if len(view.risks):
        out["risks"] = charts.risk_contributions(view.risks)
    return out


def compare_chart(before: ScheduleView, after: ScheduleView) -> Any:
    """Before/after S-curves on one chart, each curve's P80 labelled."""
    b80, a80 = before.headline[80], after.headline[80]
    return charts.s_curve(
        {"Before": before.s_curve, "After mitigation": after.s_curve},
        points=[
            ("P80 before", b80[1] if b80[1] is not None else b80[0]),
            ("P80 after", a80[1] if a80[1] is not None else a80[0]),
        ],
        label_right=["P80 before"],
        deadline=before.deadline,
        title="Before and after the mitigation",
        subtitle="Same seed, same draws: the gap between the curves is the mitigation's effect",
    )


DISTRIBUTION_HELP = """
Each task gets three numbers: **low** (it could go this well), **likely** (what you expect)
and **high** (what it could take if things go wrong). The distribution says how to fill the
range between them:

- **PERT** (the default) — a smooth hump centred near *likely*, with thin tails. Best for most
  tasks: it trusts your *likely* estimate and treats *low* and *high* as rare extremes.
- **Triangular** — straight lines from *low* up to *likely* and down to *high*. It puts more
  weight on the extremes than PERT, so it gives a wider, more pessimistic spread. Use it when
  you are less sure of *likely*.
- **Uniform** — any value between *low* and *high* is equally likely (*likely* is ignored).
  Use it when you really have no idea where in the range it will land.
- **Normal / lognormal** — *low* and *high* are read as the 5th and 95th percentiles; the
  lognormal has a long right tail (work that can blow up).
- **Fixed** — always *likely* (milestones, contractual dates).

Rule of thumb: with the same three numbers PERT usually gives an earlier P80 than
triangular. If your *high* estimates are honest worst cases, use PERT; if they are "bad but
plausible", triangular.
"""


# --- formatting --------------------------------------------------------------------------------
def fmt_date(d: dt.date | None) -> str:
    return "—" if d is None else f"{d.day} {d:%b %Y}"


def fmt_prob(p: float | None) -> str:
    if p is None:
        return "—"
    if 0 < p < 0.005:
        return "< 1%"
    if 0.995 < p < 1:
        return "> 99%"
    return f"{p:.0%}"


def fmt_days(x: float) -> str:
    return f"{x:.1f} days" if abs(x) >= 0.05 else "0 days"


def buffer_text(view: ScheduleView, q: int) -> str:
    """Buffer for ``q`` % confidence. With dates: whole working days from the plan date to the
    P``q`` date (the same figure as the "vs plan" arrows); else fractional days."""
    n = view.working_days_vs_plan.get(q)
    if n is not None:
        return f"{n} days" if n != 1 else "1 day"
    return fmt_days(view.buffer_days[q])


def vs_plan_text(view: ScheduleView, q: int) -> str | None:
    n = view.working_days_vs_plan.get(q)
    if n is None:
        return None
    return f"{n:+d} days vs plan"


def headline_sentence(view: ScheduleView) -> str:
    """One sentence an executive can read."""
    p80 = view.headline[80]
    when = fmt_date(p80[1]) if p80[1] else f"working day {math.ceil(p80[0] - 1e-9)}"
    first = f"80% likely to finish by {when}"
    if view.deadline is not None and view.deadline_probability is not None:
        return (
            f"{first}; the {fmt_date(view.deadline)} deadline has a "
            f"{fmt_prob(view.deadline_probability)} chance."
        )
    plan = fmt_date(view.deterministic_finish_date)
    return (
        f"{first}; the plan date {plan} (every task at its most likely duration) has a "
        f"{fmt_prob(view.plan_probability)} chance."
    )


# --- exports -----------------------------------------------------------------------------------
def _tidy_dates(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.date
    return out


def results_csv(view: ScheduleView) -> bytes:
    """Percentiles then per-task metrics, as one formula-safe CSV (a ``table`` column says
    which)."""
    pct = _tidy_dates(view.percentiles).assign(table="percentiles")
    pct["percentile"] = pct["percentile"].astype("Int64")
    tasks = _tidy_dates(view.tasks).assign(table="tasks")
    both = pd.concat([pct, tasks], ignore_index=True, sort=False)
    cols = ["table", *[c for c in both.columns if c != "table"]]
    return to_csv_bytes(both[cols])


def headline_frame(view: ScheduleView) -> pd.DataFrame:
    rows: list[dict[str, object]] = [
        {"metric": "trials", "value": view.iterations},
        {"metric": "seed", "value": view.seed},
        {"metric": "sampling method", "value": view.method},
        {"metric": "start date", "value": view.start_date},
        {"metric": "plan (CPM) finish days", "value": view.deterministic_finish_days},
        {"metric": "plan (CPM) finish date", "value": view.deterministic_finish_date},
    ]
    stats = view.summary.set_index("statistic")
    for stat in ("mean", "std"):
        if stat in stats.index:
            rows.append({"metric": f"{stat} finish days", "value": float(stats.loc[stat, "days"])})
    for q, (days, date, se) in view.headline.items():
        rows.append({"metric": f"P{q} finish days", "value": days})
        rows.append({"metric": f"P{q} finish date", "value": date})
        rows.append({"metric": f"P{q} standard error days", "value": se})
    for q, b in view.buffer_days.items():
        rows.append({"metric": f"buffer for {q}% days", "value": b})
    if view.deadline is not None:
        rows.append({"metric": "deadline", "value": view.deadline})
        rows.append({"metric": "deadline probability", "value": view.deadline_probability})
    rows.append({"metric": "plan date probability", "value": view.plan_probability})
    return pd.DataFrame(rows).astype({"value": "object"})


def results_excel(view: ScheduleView) -> bytes:
    """Workbook with sheets summary (headline metrics), percentiles, tasks, risks
    (formula-safe)."""
    return to_excel_bytes(
        {
            "summary": headline_frame(view),
            "percentiles": _tidy_dates(view.percentiles),
            "tasks": _tidy_dates(view.tasks),
            "risks": _tidy_dates(view.risks),
        }
    )


def chart_image(chart: Any, fmt: Literal["png", "svg"], width: int = 900) -> bytes | None:
    """A chart as PNG/SVG with vl-convert (offline); ``None`` when conversion fails."""
    try:
        import vl_convert as vlc

        spec = chart.properties(width=width).to_json()
        if fmt == "png":
            return bytes(vlc.vegalite_to_png(spec, scale=2))
        return str(vlc.vegalite_to_svg(spec)).encode("utf-8")
    except Exception:  # any converter failure: the page falls back to the chart menu
        return None
