"""Team capacity: Monte Carlo staffing forecast vs demand, hiring funnel, hiring-plan solver.

See :mod:`tpm_models.team_capacity.scenario` (inputs and conventions),
:mod:`~tpm_models.team_capacity.simulate` (the engine), :mod:`~tpm_models.team_capacity.solver`
(smallest / latest hiring plan, plan comparison) and :mod:`~tpm_models.team_capacity.funnel`.
"""

from tpm_models.team_capacity.funnel import funnel_counts, hiring_funnel
from tpm_models.team_capacity.scenario import (
    SCHEMA_VERSION,
    Backfill,
    Backlog,
    CapacityScenario,
    DemandLine,
    FunnelRates,
    Hire,
    PlanAlternative,
    RosterLine,
    SolverSettings,
    load_scenario,
    validate_scenario,
)
from tpm_models.team_capacity.simulate import (
    TOTAL,
    CapacityResult,
    monthly_hazard,
    ramp_factors,
    simulate_capacity,
)
from tpm_models.team_capacity.solver import (
    HiringPlan,
    PlanComparison,
    compare_plans,
    solve_hiring_plan,
)

__all__ = [
    "SCHEMA_VERSION",
    "TOTAL",
    "Backfill",
    "Backlog",
    "CapacityResult",
    "CapacityScenario",
    "DemandLine",
    "FunnelRates",
    "Hire",
    "HiringPlan",
    "PlanAlternative",
    "PlanComparison",
    "RosterLine",
    "SolverSettings",
    "compare_plans",
    "funnel_counts",
    "hiring_funnel",
    "load_scenario",
    "monthly_hazard",
    "ramp_factors",
    "simulate_capacity",
    "solve_hiring_plan",
    "validate_scenario",
]
