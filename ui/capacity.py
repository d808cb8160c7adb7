"""Streamlit seam for the team-capacity page: tables <-> scenario, cached runs, state.

The page keeps one *base* scenario (the sample, an upload, or the last applied plan) in
``st.session_state`` and builds the scenario it runs from the edited tables and the form on
every rerun. Widgets are keyed by a version number that changes only when a new base scenario
is loaded, so edits survive reruns and failed validations.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from tpm_models.errors import InputError, Problem
from tpm_models.io import problems_from_validation_error, to_csv_bytes
from tpm_models.limits import check_capacity_run
from tpm_models.team_capacity import (
    TOTAL,
    CapacityScenario,
    Hire,
    HiringPlan,
    compare_plans,
    hiring_funnel,
    load_scenario,
    simulate_capacity,
    solve_hiring_plan,
)
from tpm_models.team_capacity.scenario import month_label

SAMPLE_PATH = (
    Path(__file__).resolve().parents[1] / "sample_data" / "capacity" / "engineering_org.json"
)
SAMPLE_NAME = "engineering_org.json"
STATE = "capacity_state"

ROSTER_COLUMNS = ["role", "headcount", "fte", "start_month", "end_month"]
HIRE_COLUMNS = ["role", "count", "target_month", "fte", "ramp_months", "label"]
DEMAND_COLUMNS = ["role", "month", "fte", "person_days"]
TABLES = {"roles": "Roster table", "hires": "Hires table", "demand": "Demand table"}
PARAMS = "Parameters"


@dataclass
class PageState:
    """What the page remembers between reruns."""

    base: CapacityScenario
    source: str  # "sample" or the uploaded file's name
    version: int = 0
    upload_id: str | None = None
    upload_error: InputError | None = None
    applied_plan: bool = False


def sample_scenario() -> CapacityScenario:
    return load_scenario(SAMPLE_PATH, name=SAMPLE_NAME)


def state() -> PageState:
    """The page state, created with the sample on the first visit."""
    if STATE not in st.session_state:
        st.session_state[STATE] = PageState(base=sample_scenario(), source="sample")
    s: PageState = st.session_state[STATE]
    return s


def set_base(sc: CapacityScenario, source: str, *, applied_plan: bool = False) -> None:
    """Replace the base scenario and re-key the widgets (old edits are replaced on purpose)."""
    s = state()
    s.base = sc
    s.source = source
    s.version += 1
    s.applied_plan = applied_plan
    s.upload_error = None


def restore_saved(name: str, scenario_json: str) -> None:
    """Scenario-library "Load" callback: the saved scenario becomes the base scenario."""
    set_base(CapacityScenario.model_validate_json(scenario_json), f"saved scenario {name}")


def handle_upload(data: bytes, name: str, upload_id: str) -> bool:
    """Load an uploaded scenario once per file; True when it replaced the base scenario.

    A bad file leaves the tables untouched and keeps its located problems in the state
    (``upload_error``) until another file or the sample is loaded.
    """
    s = state()
    if upload_id == s.upload_id:
        return False
    s.upload_id = upload_id
    try:
        sc = load_scenario(data, name=name)
    except InputError as err:
        s.upload_error = err
        return False
    set_base(sc, name)
    return True


# --- tables (numbered from 1: the row numbers problems name) -----------------------------
def _numbered(df: pd.DataFrame) -> pd.DataFrame:
    df.index = pd.RangeIndex(1, len(df) + 1)
    return df


def roster_frame(sc: CapacityScenario) -> pd.DataFrame:
    df = pd.DataFrame([r.model_dump() for r in sc.roles], columns=ROSTER_COLUMNS)
    return _numbered(df.astype({"start_month": "string", "end_month": "string", "role": "string"}))


def hires_frame(hires: tuple[Hire, ...]) -> pd.DataFrame:
    df = pd.DataFrame([h.model_dump() for h in hires], columns=HIRE_COLUMNS)
    types = {
        "role": "string",
        "target_month": "string",
        "label": "string",
        "ramp_months": "Float64",
    }
    return _numbered(df.astype(types))


def demand_frame(sc: CapacityScenario) -> pd.DataFrame:
    df = pd.DataFrame([d.model_dump() for d in sc.demand], columns=DEMAND_COLUMNS)
    types = {"role": "string", "month": "string", "fte": "Float64", "person_days": "Float64"}
    return _numbered(df.astype(types))


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        v = value.strip()
        return v or None
    if hasattr(value, "item"):  # numpy scalar
        return _clean(value.item())
    return value


def records(df: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Rows of an edited table as dicts without empty cells; fully empty rows are dropped."""
    out = []
    for rec in df.to_dict("records"):
        row = {k: _clean(rec.get(k)) for k in columns}
        row = {k: v for k, v in row.items() if v is not None}
        if row:
            out.append(row)
    return out


def _locate(p: Problem) -> Problem:
    """``roles[2].headcount`` -> ("Roster table", row 3, "headcount"); others -> Parameters."""
    col = p.column or ""
    for key, label in TABLES.items():
        if col.startswith(key + "["):
            idx, _, rest = col[len(key) + 1 :].partition("]")
            if idx.isdigit():
                return Problem(label, p.message, int(idx) + 1, rest.lstrip(".") or None)
    return Problem(PARAMS, p.message, None, col or None)


def build_scenario(
    base: CapacityScenario,
    roster: pd.DataFrame,
    hires: pd.DataFrame,
    demand: pd.DataFrame,
    params: dict[str, Any],
) -> CapacityScenario:
    """The scenario from the edited tables and the form; located InputError if invalid.

    Table problems are located as ``Roster table`` / ``Hires table`` / ``Demand table``, row
    (1 = the table's first row) and column; parameter problems under ``Parameters``.
    """
    data = base.model_dump(mode="json")
    data["roles"] = records(roster, ROSTER_COLUMNS)
    data["hires"] = records(hires, HIRE_COLUMNS)
    data["demand"] = records(demand, DEMAND_COLUMNS)
    data.update(params)
    try:
        return CapacityScenario.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, "scenario")
        raise InputError([_locate(p) for p in problems]) from None


def params_of(sc: CapacityScenario) -> dict[str, Any]:
    """The form's parameters (in scenario units) of a scenario."""
    return {
        "start_month": sc.start_month,
        "months": sc.months,
        "attrition_annual": sc.attrition_annual,
        "backfill": sc.backfill.model_dump(mode="json"),
        "time_to_hire_months": sc.time_to_hire_months.model_dump(mode="json"),
        "ramp_months": sc.ramp_months,
        "ramp_curve": sc.ramp_curve,
        "onboarding_drag": sc.onboarding_drag,
        "focus_factor": sc.focus_factor,
        "pto_fraction": sc.pto_fraction,
        "funnel": sc.funnel.model_dump(mode="json"),
        "solver": sc.solver.model_dump(mode="json"),
    }


# --- cached runs (keyed by the scenario's JSON) -----------------------------------------
@dataclass(frozen=True)
class RunOutput:
    """What the page shows from one simulation (small frames only)."""

    monthly: pd.DataFrame
    summary: pd.DataFrame
    min_prob: float
    worst_month: str
    role_min_prob: dict[str, float]
    role_worst_month: dict[str, str]
    target_month: str
    until_month: str


@st.cache_data(max_entries=16, show_spinner=False)
def _run(scenario_json: str, iterations: int, seed: int) -> RunOutput:
    sc = CapacityScenario.model_validate_json(scenario_json)
    res = simulate_capacity(sc, iterations=iterations, rng=seed)
    target = sc.solver.target_month or sc.start_month
    until = sc.solver.until_month or sc.end_month
    return RunOutput(
        monthly=res.monthly(),
        summary=res.summary(),
        min_prob=res.min_prob_meets(target, until),
        worst_month=res.worst_month(target, until),
        role_min_prob={r: res.min_prob_meets(target, until, r) for r in res.roles},
        role_worst_month={r: res.worst_month(target, until, r) for r in res.roles},
        target_month=target,
        until_month=until,
    )


def check_run(sc: CapacityScenario, iterations: int) -> None:
    """Refuse (InputError) a run too big for the server's memory budget, before it starts."""
    check_capacity_run(sc.months, len(sc.role_names), iterations, source="Trials")


def run(sc: CapacityScenario, iterations: int, seed: int) -> RunOutput:
    return _run(sc.model_dump_json(), iterations, seed)


@st.cache_data(max_entries=16, show_spinner=False)
def _solve(scenario_json: str, iterations: int, seed: int) -> HiringPlan:
    sc = CapacityScenario.model_validate_json(scenario_json)
    return solve_hiring_plan(sc, iterations=iterations, rng=seed)


def solve(sc: CapacityScenario, iterations: int, seed: int) -> HiringPlan:
    """Solver with the scenario's ``solver`` settings (cached)."""
    return _solve(sc.model_dump_json(), iterations, seed)


@st.cache_data(max_entries=16, show_spinner=False)
def _compare(
    scenario_json: str, plans_json: str, iterations: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    sc = CapacityScenario.model_validate_json(scenario_json)
    raw: dict[str, list[dict[str, Any]]] = json.loads(plans_json)
    plans = {name: [Hire.model_validate(h) for h in hs] for name, hs in raw.items()}
    cmp = compare_plans(sc, plans, iterations=iterations, rng=seed)
    return cmp.summary(), cmp.monthly()


def compare(
    sc: CapacityScenario, plans: dict[str, tuple[Hire, ...]], iterations: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Plan comparison summary and monthly frames (cached)."""
    plans_json = json.dumps(
        {name: [h.model_dump(mode="json") for h in hs] for name, hs in plans.items()}
    )
    return _compare(sc.model_dump_json(), plans_json, iterations, seed)


# --- text and downloads ------------------------------------------------------------------
def headline(out: RunOutput) -> str:
    """Plain-language answer for the current plan."""
    return (
        f"With the current plan there is a **{out.min_prob:.0%}** chance of meeting demand "
        f"in the hardest month from {month_label(out.target_month)} to "
        f"{month_label(out.until_month)} ({month_label(out.worst_month)})."
    )


def results_csv(out: RunOutput) -> bytes:
    """Per-role and total monthly results as a formula-safe CSV."""
    return to_csv_bytes(out.monthly)


def scenario_json_bytes(sc: CapacityScenario) -> bytes:
    """The scenario as JSON; uploading it restores the same tables and parameters."""
    return (sc.model_dump_json(indent=2, exclude_defaults=False) + "\n").encode()


def funnel_frame(sc: CapacityScenario, plan: HiringPlan | None = None) -> pd.DataFrame:
    """Funnel table for the current plan (and the solver's additions when given)."""
    hires = sc.hires if plan is None else plan.hires
    return hiring_funnel(sc, hires)


FUNNEL_LABELS = {
    "role": "Role",
    "kind": "Kind",
    "hires": "Hires",
    "wanted_start": "Wanted start",
    "open_requisition_by": "Open requisition by",
    "open_by_for_80pct_on_time": "Open by (80% on time)",
    "fully_productive_from": "Fully productive from",
    "applicants": "Applicants",
    "screens": "Screens",
    "interviews": "Interviews",
    "offers": "Offers",
}
COMPARISON_LABELS = {
    "plan": "Plan",
    "hires": "Hires",
    "min_prob_meets": "Worst-month chance",
    "worst_month": "Worst month",
    "prob_meets_every_month": "Chance every month is met",
    "headcount_last_month": "Headcount, last month",
    "capacity_p50_last_month": "Capacity P50, last month (FTE)",
    "hire_lines": "Hires (people, role, start)",
}


def display_funnel(df: pd.DataFrame) -> pd.DataFrame:
    """The funnel table with readable column names."""
    return df.rename(columns=FUNNEL_LABELS)


def display_comparison(df: pd.DataFrame) -> pd.DataFrame:
    """The comparison table with readable column names, in reading order."""
    return df[list(COMPARISON_LABELS)].rename(columns=COMPARISON_LABELS)


def month_options(sc: CapacityScenario) -> list[str]:
    return list(sc.month_labels)


def role_rows(out: RunOutput) -> pd.DataFrame:
    """Per-role table for the page: worst-month chance and the month."""
    rows = [
        {
            "Role": role,
            "Worst-month chance of meeting demand": p,
            "Worst month": month_label(out.role_worst_month[role]),
        }
        for role, p in out.role_min_prob.items()
    ]
    return pd.DataFrame(rows)


__all__ = [
    "SAMPLE_NAME",
    "TOTAL",
    "PageState",
    "RunOutput",
    "build_scenario",
    "compare",
    "demand_frame",
    "display_comparison",
    "display_funnel",
    "funnel_frame",
    "handle_upload",
    "headline",
    "hires_frame",
    "month_options",
    "params_of",
    "results_csv",
    "role_rows",
    "roster_frame",
    "run",
    "sample_scenario",
    "scenario_json_bytes",
    "set_base",
    "solve",
    "state",
]
