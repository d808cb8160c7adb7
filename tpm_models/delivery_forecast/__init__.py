"""Delivery forecast: "when will it be done / how many by then" from throughput (DESIGN §3.3).

* :mod:`~tpm_models.delivery_forecast.throughput` — daily history, window, per-period samples;
* :mod:`~tpm_models.delivery_forecast.jira` — Jira CSV exports and ``date,completed`` tables;
* :mod:`~tpm_models.delivery_forecast.forecast` — inputs, the Monte Carlo engine, its result;
* :mod:`~tpm_models.delivery_forecast.scenario` — the page's settings and the scenario file
  (settings + daily history) that restores a forecast.
"""

from tpm_models.delivery_forecast.forecast import (
    FAN_LEVELS,
    HEADLINE_LEVELS,
    Backlog,
    BacklogRisk,
    ForecastInputs,
    ForecastResult,
    ThroughputEstimate,
    how_many_percentile,
    percentile_standard_error,
    period_end_dates,
    periods_until,
    simulate_forecast,
    when_percentile,
)
from tpm_models.delivery_forecast.jira import (
    JiraIssues,
    parse_holiday_lines,
    read_history,
    read_holidays,
    read_jira_csv,
    read_throughput_table,
)
from tpm_models.delivery_forecast.scenario import (
    ForecastScenario,
    ForecastSettings,
    forecast_from_json,
    forecast_to_json,
)
from tpm_models.delivery_forecast.throughput import DailyThroughput, Period, period_samples

__all__ = [
    "FAN_LEVELS",
    "HEADLINE_LEVELS",
    "Backlog",
    "BacklogRisk",
    "DailyThroughput",
    "ForecastInputs",
    "ForecastResult",
    "ForecastScenario",
    "ForecastSettings",
    "JiraIssues",
    "Period",
    "ThroughputEstimate",
    "forecast_from_json",
    "forecast_to_json",
    "how_many_percentile",
    "parse_holiday_lines",
    "percentile_standard_error",
    "period_end_dates",
    "period_samples",
    "periods_until",
    "read_history",
    "read_holidays",
    "read_jira_csv",
    "read_throughput_table",
    "simulate_forecast",
    "when_percentile",
]
