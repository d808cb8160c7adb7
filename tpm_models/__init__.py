"""TPM Decision Lab models: schedule risk, delivery forecasts, build vs buy, team capacity.

Pure, typed, vectorised engines. This package never imports Streamlit.

Use from Python (``import tpm_models as tpm``)
---------------------------------------------
Load inputs from files, bytes, DataFrames or dicts, run an engine with a seed, read the
result's tidy ``.summary()``, and chart it with the Altair builders::

    import tpm_models as tpm

    inputs = tpm.load_schedule("tasks.csv", "risks.csv", start_date="2027-01-04")
    result = tpm.simulate_schedule(inputs, iterations=10_000, rng=42)
    result.finish_date(80)                       # the P80 finish date
    result.summary()                             # tidy DataFrame
    tpm.schedule_charts.s_curve(result.s_curve())

Public names
------------
Loaders
    :func:`load_schedule`, :func:`load_forecast_history`, :func:`forecast_inputs`,
    :func:`load_build_vs_buy`, :func:`load_capacity` (see :mod:`tpm_models.api`).
Engines
    :func:`simulate_schedule`, :func:`simulate_forecast`, :func:`simulate_build_vs_buy`,
    :func:`break_even`, :func:`break_even_variables`, :func:`simulate_capacity`,
    :func:`compare_plans`, :func:`solve_hiring_plan`. Same inputs and seed ⇒ same numbers as
    the app and the ``tpm`` command.
Inputs and results
    :class:`ScheduleInputs`, :class:`ScheduleResult`, :class:`DailyThroughput`,
    :class:`ForecastInputs`, :class:`ForecastResult`, :class:`BacklogRisk`,
    :class:`BuildVsBuyScenario`, :class:`BuildVsBuyResult`, :class:`BreakEvenResult`,
    :class:`CapacityScenario`, :class:`CapacityResult`, :class:`Hire`, :class:`HiringPlan`,
    :class:`PlanComparison`; shared :class:`Estimate`, :class:`WorkCalendar`,
    :class:`InputError`, :class:`Problem`, :func:`sample_estimates`.
Charts (Altair)
    :mod:`schedule_charts`, :mod:`forecast_charts`, :mod:`build_vs_buy_charts`,
    :mod:`capacity_charts` — the modules of :mod:`tpm_models.charts` the app pages use.
Notebook display
    :func:`summary_html`, :func:`frame_html` — compact tables with every text HTML-escaped.

The engines and charts are imported on first use (PEP 562), so ``import tpm_models`` stays
quick for the CLI and for code that needs only the estimates or the calendar.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tpm_models.calendar import WorkCalendar
from tpm_models.errors import InputError, Problem
from tpm_models.estimates import Estimate, sample_estimates

if TYPE_CHECKING:
    from tpm_models._repr import frame_html, summary_html
    from tpm_models.api import (
        forecast_inputs,
        load_build_vs_buy,
        load_capacity,
        load_forecast_history,
        load_schedule,
    )
    from tpm_models.build_vs_buy import (
        BreakEvenResult,
        BuildVsBuyResult,
        break_even,
        break_even_variables,
    )
    from tpm_models.build_vs_buy import Scenario as BuildVsBuyScenario
    from tpm_models.build_vs_buy import simulate as simulate_build_vs_buy
    from tpm_models.charts import build_vs_buy as build_vs_buy_charts
    from tpm_models.charts import capacity as capacity_charts
    from tpm_models.charts import forecast as forecast_charts
    from tpm_models.charts import schedule as schedule_charts
    from tpm_models.delivery_forecast import (
        BacklogRisk,
        DailyThroughput,
        ForecastInputs,
        ForecastResult,
        simulate_forecast,
    )
    from tpm_models.schedule_risk import ScheduleInputs, ScheduleResult, simulate_schedule
    from tpm_models.team_capacity import (
        CapacityResult,
        CapacityScenario,
        Hire,
        HiringPlan,
        PlanComparison,
        compare_plans,
        simulate_capacity,
        solve_hiring_plan,
    )

__version__ = "0.1.0"

#: Lazily imported public names: name -> (module, attribute or None for the module itself).
_LAZY: dict[str, tuple[str, str | None]] = {
    "frame_html": ("tpm_models._repr", "frame_html"),
    "summary_html": ("tpm_models._repr", "summary_html"),
    "forecast_inputs": ("tpm_models.api", "forecast_inputs"),
    "load_build_vs_buy": ("tpm_models.api", "load_build_vs_buy"),
    "load_capacity": ("tpm_models.api", "load_capacity"),
    "load_forecast_history": ("tpm_models.api", "load_forecast_history"),
    "load_schedule": ("tpm_models.api", "load_schedule"),
    "ScheduleInputs": ("tpm_models.schedule_risk", "ScheduleInputs"),
    "ScheduleResult": ("tpm_models.schedule_risk", "ScheduleResult"),
    "simulate_schedule": ("tpm_models.schedule_risk", "simulate_schedule"),
    "BacklogRisk": ("tpm_models.delivery_forecast", "BacklogRisk"),
    "DailyThroughput": ("tpm_models.delivery_forecast", "DailyThroughput"),
    "ForecastInputs": ("tpm_models.delivery_forecast", "ForecastInputs"),
    "ForecastResult": ("tpm_models.delivery_forecast", "ForecastResult"),
    "simulate_forecast": ("tpm_models.delivery_forecast", "simulate_forecast"),
    "BuildVsBuyScenario": ("tpm_models.build_vs_buy", "Scenario"),
    "BuildVsBuyResult": ("tpm_models.build_vs_buy", "BuildVsBuyResult"),
    "BreakEvenResult": ("tpm_models.build_vs_buy", "BreakEvenResult"),
    "break_even": ("tpm_models.build_vs_buy", "break_even"),
    "break_even_variables": ("tpm_models.build_vs_buy", "break_even_variables"),
    "simulate_build_vs_buy": ("tpm_models.build_vs_buy", "simulate"),
    "CapacityScenario": ("tpm_models.team_capacity", "CapacityScenario"),
    "CapacityResult": ("tpm_models.team_capacity", "CapacityResult"),
    "Hire": ("tpm_models.team_capacity", "Hire"),
    "HiringPlan": ("tpm_models.team_capacity", "HiringPlan"),
    "PlanComparison": ("tpm_models.team_capacity", "PlanComparison"),
    "compare_plans": ("tpm_models.team_capacity", "compare_plans"),
    "simulate_capacity": ("tpm_models.team_capacity", "simulate_capacity"),
    "solve_hiring_plan": ("tpm_models.team_capacity", "solve_hiring_plan"),
    "schedule_charts": ("tpm_models.charts.schedule", None),
    "forecast_charts": ("tpm_models.charts.forecast", None),
    "build_vs_buy_charts": ("tpm_models.charts.build_vs_buy", None),
    "capacity_charts": ("tpm_models.charts.capacity", None),
}

__all__ = [
    "BacklogRisk",
    "BreakEvenResult",
    "BuildVsBuyResult",
    "BuildVsBuyScenario",
    "CapacityResult",
    "CapacityScenario",
    "DailyThroughput",
    "Estimate",
    "ForecastInputs",
    "ForecastResult",
    "Hire",
    "HiringPlan",
    "InputError",
    "PlanComparison",
    "Problem",
    "ScheduleInputs",
    "ScheduleResult",
    "WorkCalendar",
    "__version__",
    "break_even",
    "break_even_variables",
    "build_vs_buy_charts",
    "capacity_charts",
    "compare_plans",
    "forecast_charts",
    "forecast_inputs",
    "frame_html",
    "load_build_vs_buy",
    "load_capacity",
    "load_forecast_history",
    "load_schedule",
    "sample_estimates",
    "schedule_charts",
    "simulate_build_vs_buy",
    "simulate_capacity",
    "simulate_forecast",
    "simulate_schedule",
    "solve_hiring_plan",
    "summary_html",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562) and cache it in the module."""
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'tpm_models' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
