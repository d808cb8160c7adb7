"""Build vs buy: risk-adjusted NPV/TCO of building vs buying (DESIGN.md §3.4).

Money is in the scenario's ``currency``; periods are years or months (``period``); period 0 is
undiscounted and period t is discounted by ``(1 + r)^t`` (Excel's ``NPV()`` discounts its first
value: ``NPV(r, v1..vn) + v0`` equals ours). Rates in the scenario are annual.
"""

from tpm_models.build_vs_buy.cashflows import CompiledScenario, compile_scenario
from tpm_models.build_vs_buy.metrics import (
    discount_factors,
    discounted_payback_period,
    irr,
    irr_count,
    npv,
    payback_period,
)
from tpm_models.build_vs_buy.scenario import (
    SCHEMA_VERSION,
    Line,
    Option,
    Scenario,
    Scoring,
    Seats,
    load_scenario,
    parse_scenario,
    scenario_problems,
)
from tpm_models.build_vs_buy.scoring import (
    SAATY_1980_RANDOM_INDEX,
    AHPResult,
    ScoringResult,
    ahp_weights,
    score_options,
)
from tpm_models.build_vs_buy.simulate import (
    BreakEvenResult,
    BuildVsBuyResult,
    OptionPoint,
    PointResult,
    Tornado,
    break_even,
    break_even_variables,
    evaluate,
    simulate,
)

__all__ = [
    "SAATY_1980_RANDOM_INDEX",
    "SCHEMA_VERSION",
    "AHPResult",
    "BreakEvenResult",
    "BuildVsBuyResult",
    "CompiledScenario",
    "Line",
    "Option",
    "OptionPoint",
    "PointResult",
    "Scenario",
    "Scoring",
    "ScoringResult",
    "Seats",
    "Tornado",
    "ahp_weights",
    "break_even",
    "break_even_variables",
    "compile_scenario",
    "discount_factors",
    "discounted_payback_period",
    "evaluate",
    "irr",
    "irr_count",
    "load_scenario",
    "npv",
    "parse_scenario",
    "payback_period",
    "scenario_problems",
    "score_options",
    "simulate",
]
