"""Streamlit side of the build-vs-buy page: session state, loads, editors → scenario, cached runs.

State lives under ``st.session_state["bvb"]``:

``tables``
    The :class:`~tpm_models.build_vs_buy.tables.ScenarioTables` the editors start from. Replaced
    only by a *successful* load (sample or upload): a bad upload leaves it, and every edit in the
    editors, untouched.
``version``
    Bumped on every successful load; part of the editor and settings-widget keys, so a new
    scenario starts fresh editors while edits to the current one survive reruns.
``source``
    What is loaded (``"Sample: …"`` or the uploaded file's name).
``load_error``
    The :class:`InputError` of the last failed load (shown until the next successful one).

Runs are cached with ``st.cache_data`` keyed by the scenario JSON and the run settings (small
strings); what is cached is a :class:`BvbView` of small frames, never the trial arrays.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from tpm_models.build_vs_buy import (
    Scenario,
    break_even,
    break_even_variables,
    load_scenario,
    parse_scenario,
    simulate,
)
from tpm_models.build_vs_buy.tables import (
    ScenarioTables,
    scenario_from_tables,
    scenario_to_tables,
)
from tpm_models.errors import InputError
from tpm_models.limits import check_build_vs_buy_run

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PATH = ROOT / "sample_data" / "build_vs_buy" / "observability_platform.json"
SAMPLE_LABEL = "Sample: observability platform (illustrative figures)"
STATE_KEY = "bvb"
#: A pending upload ``(file name, bytes)``; the page's uploader puts files here (tests too).
UPLOAD_KEY = "bvb_upload"
DEFAULT_TRIALS = 10_000
DEFAULT_SEED = 42
EXCEL_NOTE = (
    "Period 0 is today and is not discounted; period t is discounted by (1 + r)^t. Excel's "
    "NPV(r, v1..vn) discounts its first value by one period, so NPV(r, v1..vn) + v0 equals "
    "the NPV shown here."
)
CONVENTIONS = (
    "- **Rates are annual.** With monthly periods the discount rate, seat growth and "
    "escalation become monthly rates (1 + a)^(1/12) − 1.\n"
    '- **Seats:** the seat count is today\'s (period 0, "initial"); period t has '
    "seats × (1 + growth)^t.\n"
    "- **Recurring amounts** run from `start` to `end` (inclusive), grown by the escalation "
    "after `start`; per-seat amounts are multiplied by the period's seats.\n"
    "- **Time to value** delays an option's benefits by that many periods (benefits pushed past "
    "the horizon are lost); **cost of delay** is paid in each of those periods; **exit cost** "
    "is paid in the last period.\n"
    "- **Common random numbers:** lines with the same name and estimate, or the same "
    "*assumption* label, get the same draw in every trial, so a difference between options is "
    "never sampling noise; identical options tie, and ties are reported as ties.\n"
    "- **ROI** = NPV / PV of costs. **Payback** is interpolated within the period in which the "
    "cumulative cash flow turns non-negative. **IRR** is annual; 'several' means the cash "
    "flows change sign more than once (judge by NPV)."
)

# settings widget names (suffixed with the state version)
SETTINGS = (
    "period",
    "horizon",
    "discount_pct",
    "currency",
    "seats_initial",
    "growth_low_pct",
    "growth_likely_pct",
    "growth_high_pct",
)


def widget_key(name: str) -> str:
    return f"bvb_{name}_{state()['version']}"


def _new_state(tables: ScenarioTables, source: str, version: int) -> dict[str, Any]:
    return {"tables": tables, "version": version, "source": source, "load_error": None}


def state() -> dict[str, Any]:
    """The page state; on first visit the sample scenario is loaded."""
    s: dict[str, Any] | None = st.session_state.get(STATE_KEY)
    if s is None:
        s = _new_state(scenario_to_tables(load_scenario(SAMPLE_PATH)), SAMPLE_LABEL, 0)
        st.session_state[STATE_KEY] = s
        _seed_settings(s)
    return s


def _seed_settings(s: dict[str, Any]) -> None:
    t: ScenarioTables = s["tables"]
    v = s["version"]
    cfg = t.settings
    values = {
        "period": cfg["period"],
        "horizon": int(cfg["horizon"]),
        "discount_pct": round(float(cfg["discount_rate"]) * 100, 6),
        "currency": cfg["currency"],
        "seats_initial": float(cfg["seats_initial"] or 0.0),
        "growth_low_pct": round(float(cfg["growth_low"]) * 100, 6),
        "growth_likely_pct": round(float(cfg["growth_likely"]) * 100, 6),
        "growth_high_pct": round(float(cfg["growth_high"]) * 100, 6),
    }
    for name, value in values.items():
        st.session_state[f"bvb_{name}_{v}"] = value
    st.session_state[f"bvb_scoring_method_{v}"] = cfg["scoring_method"]


def replace(scenario: Scenario, source: str) -> None:
    old = state()
    s = _new_state(scenario_to_tables(scenario), source, old["version"] + 1)
    st.session_state[STATE_KEY] = s
    _seed_settings(s)


def restore_saved(name: str, scenario_json: str) -> None:
    """Scenario-library "Load" callback: the saved scenario replaces the tables."""
    replace(parse_scenario(scenario_json, source=name), f"Saved scenario: {name}")


def use_sample() -> None:
    replace(load_scenario(SAMPLE_PATH), SAMPLE_LABEL)


def process_upload() -> None:
    """Read a pending upload; a bad file keeps the current scenario and every edit."""
    pending = st.session_state.pop(UPLOAD_KEY, None)
    if pending is None:
        return
    name, data = pending
    try:
        scenario = parse_scenario(bytes(data), source=str(name))
    except InputError as exc:
        state()["load_error"] = exc
        return
    replace(scenario, str(name))


def tables_from_widgets(
    options: pd.DataFrame,
    lines: pd.DataFrame,
    criteria: pd.DataFrame,
    pairwise: pd.DataFrame,
    scores: pd.DataFrame,
    scoring_method: str,
) -> ScenarioTables:
    """Current tables: the settings widgets' values plus the edited frames."""
    s = state()
    base: ScenarioTables = s["tables"]
    ss = st.session_state

    def w(name: str) -> Any:
        return ss.get(widget_key(name))

    def pct(name: str) -> float | None:
        v = w(name)
        return None if v is None else float(v) / 100

    settings = dict(base.settings)
    settings.update(
        period=w("period"),
        horizon=w("horizon"),
        discount_rate=pct("discount_pct"),
        currency=w("currency"),
        seats_initial=w("seats_initial"),
        growth_low=pct("growth_low_pct"),
        growth_likely=pct("growth_likely_pct"),
        growth_high=pct("growth_high_pct"),
        scoring_method=scoring_method,
    )
    return ScenarioTables(settings, options, lines, criteria, pairwise, scores)


def build_scenario(tables: ScenarioTables) -> Scenario:
    return scenario_from_tables(tables)


def check_run(scenario: Scenario, iterations: int) -> None:
    """Refuse (InputError) a run over the work cap (options × periods × trials) up front."""
    check_build_vs_buy_run(len(scenario.options), scenario.horizon + 1, iterations, source="Trials")


# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BvbView:
    """What the page shows, as small frames (cached)."""

    summary: pd.DataFrame
    cash_flows: pd.DataFrame
    histogram: pd.DataFrame
    p50: dict[str, float]
    verdict: str
    prob_best_tied: float
    tornado: pd.DataFrame | None
    leader: str
    runner_up: str
    base_difference: float
    scoring: pd.DataFrame | None
    weights: pd.DataFrame | None
    consistency_ratio: float | None
    scoring_warning: str | None
    results_csv: pd.DataFrame
    comparison_pair: tuple[str, str]


@st.cache_data(max_entries=16, show_spinner=False)
def run(scenario_json: str, iterations: int, seed: int) -> BvbView:
    scenario = parse_scenario(scenario_json)
    r = simulate(scenario, iterations=iterations, rng=seed)
    summary = r.summary()
    t = r.tornado
    sc = r.scoring
    csv = summary.copy()
    csv.insert(0, "currency", scenario.currency)
    return BvbView(
        summary=summary,
        cash_flows=r.point.cash_flow_frame(),
        histogram=r.npv_histogram(bins=60),
        p50=dict(zip(r.option_names, r.npv_percentiles(50).tolist(), strict=True)),
        verdict=r.verdict(),
        prob_best_tied=r.prob_best_tied,
        tornado=None if t is None else t.frame,
        leader="" if t is None else t.leader,
        runner_up="" if t is None else t.runner_up,
        base_difference=0.0 if t is None else t.base_difference,
        scoring=None if sc is None else _score_table(sc.summary()),
        weights=None if sc is None else sc.weights_frame(),
        consistency_ratio=None if sc is None else sc.consistency_ratio,
        scoring_warning=None if sc is None else sc.warning,
        results_csv=csv,
        comparison_pair=r.comparison_pair(),
    )


def _score_table(df: pd.DataFrame) -> pd.DataFrame:
    """The weighted score next to the option name (the criteria columns can scroll)."""
    cols = ["option", "weighted_score"] + [
        c for c in df.columns if c not in ("option", "weighted_score")
    ]
    return df[cols]


@st.cache_data(max_entries=32, show_spinner=False)
def run_break_even(
    scenario_json: str, variable: str, option_a: str, option_b: str
) -> tuple[pd.DataFrame, str, float, float | None, str]:
    r = break_even(parse_scenario(scenario_json), variable, option_a, option_b)
    return r.frame(), r.label, r.current_value, r.break_even, r.message


def break_even_choices(scenario: Scenario) -> dict[str, str]:
    return break_even_variables(scenario)


# --------------------------------------------------------------------------------------------
def money(v: float, currency: str = "") -> str:
    """Compact money: 1.23M, 456k, 789 (with the currency code)."""
    if v is None or not math.isfinite(v):
        return "n/a"
    a = abs(v)
    sign = "−" if v < 0 else ""
    if a >= 1e6:
        text = f"{a / 1e6:,.2f}M"
    elif a >= 1e4:
        text = f"{a / 1e3:,.0f}k"
    else:
        text = f"{a:,.0f}"
    return f"{sign}{text} {currency}".strip()


def share(p: float) -> str:
    """A probability as a share of trials, never rounding a rare event to 0% or 100%."""
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 <= p < 1:
        return ">99%"
    return f"{p:.0%}"


def percent(v: float | None) -> str:
    if v is None or not math.isfinite(v):
        return "n/a"
    return f"{v:.1%}"


def periods(v: float, unit: str, horizon: int) -> str:
    """Payback text; ``> 5 years`` when it is not reached within the horizon."""
    if not math.isfinite(v):
        return f"> {horizon} {unit}s"
    return f"{v:.1f} {unit}s"


def pairwise_for(criteria: list[str], live: pd.DataFrame | None) -> pd.DataFrame:
    """A square pairwise frame for ``criteria``, keeping the judgements already entered."""
    out = pd.DataFrame(float("nan"), index=criteria, columns=criteria, dtype="float64")
    if live is not None:
        common_r = [c for c in criteria if c in live.index]
        common_c = [c for c in criteria if c in live.columns]
        if common_r and common_c:
            out.loc[common_r, common_c] = live.loc[common_r, common_c].to_numpy(dtype="float64")
    for c in criteria:
        out.loc[c, c] = 1.0
    return out


def scores_for(criteria: list[str], options: list[str], live: pd.DataFrame | None) -> pd.DataFrame:
    """The scores frame for these options × criteria, keeping scores already entered."""
    out = pd.DataFrame({"option": options})
    for c in criteria:
        col = [float("nan")] * len(options)
        if live is not None and c in live.columns:
            m = dict(zip(live["option"], live[c], strict=False))
            col = [float(m.get(o, float("nan"))) for o in options]
        out[c] = pd.Series(col, dtype="float64")
    return out


def digest(items: list[str]) -> str:
    """A short stable key for a list of names (editor keys change when the names do)."""
    return hashlib.sha1("\x1f".join(items).encode("utf-8")).hexdigest()[:10]


def scoring_bases(
    criteria: list[str], options: list[str], tables: ScenarioTables
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stable starting frames of the pairwise and scores editors for these criteria/options.

    A frame is built once per (version, criteria[, options]) from the last edited one, so
    renaming or adding a criterion keeps the judgements and scores already entered.
    """
    s = state()
    bases: dict[str, pd.DataFrame] = s.setdefault("scoring_bases", {})
    pk = "p:" + digest(criteria)
    sk = "s:" + digest([*criteria, "\x00", *options])
    if pk not in bases:
        live = s.get("pairwise_live")
        bases[pk] = pairwise_for(criteria, tables.pairwise if live is None else live)
    if sk not in bases:
        live = s.get("scores_live")
        bases[sk] = scores_for(criteria, options, tables.scores if live is None else live)
    return bases[pk], bases[sk]


def remember_scoring(pairwise: pd.DataFrame, scores: pd.DataFrame) -> None:
    s = state()
    s["pairwise_live"] = pairwise
    s["scores_live"] = scores
