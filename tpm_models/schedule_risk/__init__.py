"""Schedule risk: Monte Carlo over a task network (DESIGN.md §3.2)."""

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

__all__ = [
    "Correlation",
    "Dependency",
    "NetworkIssue",
    "Risk",
    "ScheduleInputs",
    "Task",
    "find_cycles",
    "network_issues",
    "topological_order",
]
