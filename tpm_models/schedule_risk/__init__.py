"""Schedule risk: Monte Carlo over a task network (DESIGN.md §3.2)."""

from tpm_models.schedule_risk.cpm import CpmResult, compute_cpm
from tpm_models.schedule_risk.network import (
    Correlation,
    Dependency,
    NetworkIssue,
    Risk,
    ScheduleInputs,
    Task,
    find_cycles,
    network_issues,
    topological_order,
)
from tpm_models.schedule_risk.readers import (
    load_schedule,
    parse_predecessors,
    read_correlations,
    read_holidays,
    read_risks,
    read_tasks,
)
from tpm_models.schedule_risk.results import ScheduleResult, TaskStats
from tpm_models.schedule_risk.simulate import simulate_schedule

__all__ = [
    "Correlation",
    "CpmResult",
    "Dependency",
    "NetworkIssue",
    "Risk",
    "ScheduleInputs",
    "ScheduleResult",
    "Task",
    "TaskStats",
    "compute_cpm",
    "find_cycles",
    "load_schedule",
    "network_issues",
    "parse_predecessors",
    "read_correlations",
    "read_holidays",
    "read_risks",
    "read_tasks",
    "simulate_schedule",
    "topological_order",
]
