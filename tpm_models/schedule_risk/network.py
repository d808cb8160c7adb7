"""The task network: tasks with three-point durations, typed dependencies with lags,
a risk register and correlations — and the checks that make a network simulable.

Units: durations, lags and risk impacts in **working days** (``impact_unit="percent"`` impacts
are a percentage of the hit task's sampled duration).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tpm_models.calendar import WorkCalendar
from tpm_models.estimates import Estimate

__all__ = [
    "Correlation",
    "Dependency",
    "LinkType",
    "NetworkIssue",
    "Risk",
    "ScheduleInputs",
    "Task",
    "find_cycles",
    "network_issues",
    "topological_order",
]

LinkType = Literal["FS", "SS", "FF", "SF"]
_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Dependency(BaseModel):
    """A link from a predecessor: ``FS`` finish-to-start (default), ``SS``, ``FF``, ``SF``.

    ``lag_days`` may be negative (a lead). Successor constraint, with lag L:
    FS: start ≥ pred finish + L; SS: start ≥ pred start + L;
    FF: finish ≥ pred finish + L; SF: finish ≥ pred start + L.
    """

    model_config = _FROZEN
    predecessor: str = Field(min_length=1)
    type: LinkType = "FS"
    lag_days: float = Field(default=0.0, allow_inf_nan=False)


class Task(BaseModel):
    """A task (or a milestone when its duration is always 0), durations in working days."""

    model_config = _FROZEN
    id: str = Field(min_length=1, max_length=200)
    name: str = Field(default="", max_length=500)
    duration: Estimate
    predecessors: tuple[Dependency, ...] = ()
    owner: str = Field(default="", max_length=200)
    phase: str = Field(default="", max_length=200)

    @field_validator("id")
    @classmethod
    def _strip(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("a task id cannot be blank")
        return v

    @field_validator("duration")
    @classmethod
    def _non_negative(cls, v: Estimate) -> Estimate:
        if v.low < 0:
            raise ValueError("durations cannot be negative (low < 0)")
        return v

    @property
    def is_milestone(self) -> bool:
        return self.duration.high == 0

    @property
    def label(self) -> str:
        return self.name or self.id


class Risk(BaseModel):
    """A discrete risk event: occurs with ``probability`` once per trial and, when it does,
    delays every task in ``tasks`` by an impact drawn once (shared by those tasks).

    ``impact_unit="days"``: the impact adds working days to each hit task's duration.
    ``impact_unit="percent"``: the impact is a percentage of each hit task's sampled duration.
    """

    model_config = _FROZEN
    id: str = Field(min_length=1, max_length=200)
    name: str = Field(default="", max_length=500)
    probability: float = Field(ge=0.0, le=1.0, allow_inf_nan=False)
    impact: Estimate
    impact_unit: Literal["days", "percent"] = "days"
    tasks: tuple[str, ...] = Field(min_length=1)

    @property
    def label(self) -> str:
        return self.name or self.id


class Correlation(BaseModel):
    """Spearman rank correlation ``rho`` between two tasks' durations."""

    model_config = _FROZEN
    task_a: str = Field(min_length=1)
    task_b: str = Field(min_length=1)
    rho: float = Field(ge=-1.0, le=1.0, allow_inf_nan=False)


@dataclass(frozen=True)
class NetworkIssue:
    """A problem found in a network, located by table and index (0-based) for readers to map
    to file rows.

    ``table`` is ``"tasks"``, ``"risks"`` or ``"correlations"``; ``field`` the column.
    """

    message: str
    table: Literal["tasks", "risks", "correlations"]
    index: int | None = None
    field: str | None = None


def find_cycles(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Every dependency cycle, as the list of task ids along it (first id repeated at the end).

    One cycle is reported per strongly connected component (Tarjan, iterative), so a user sees
    each tangle once, named by its task ids.

    Examples
    --------
    >>> find_cycles(["A", "B", "C"], [("A", "B"), ("B", "C"), ("C", "A")])
    [['A', 'B', 'C', 'A']]
    """
    succ: dict[str, list[str]] = {i: [] for i in ids}
    for a, b in edges:
        if a in succ and b in succ:
            succ[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    sccs: list[list[str]] = []
    counter = 0
    for root in ids:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child_i = work.pop()
            if child_i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = succ[node]
            if child_i < len(children):
                work.append((node, child_i + 1))
                child = children[child_i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1 or node in succ[node]:
                    sccs.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    order = {v: i for i, v in enumerate(ids)}
    cycles = []
    for comp in sccs:
        members = set(comp)
        start = min(comp, key=order.__getitem__)
        cycles.append(_cycle_path(start, members, succ))
    cycles.sort(key=lambda c: order[c[0]])
    return cycles


def _cycle_path(start: str, members: set[str], succ: dict[str, list[str]]) -> list[str]:
    """A shortest cycle through ``start`` inside one strongly connected component (BFS)."""
    if start in succ[start]:
        return [start, start]
    parent: dict[str, str] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        nxt = []
        for node in frontier:
            for child in succ[node]:
                if child not in members:
                    continue
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in seen:
                    seen.add(child)
                    parent[child] = node
                    nxt.append(child)
        frontier = nxt
    return [start, start]  # pragma: no cover - a component always has a cycle


def topological_order(tasks: Sequence[Task]) -> list[int]:
    """Indices of ``tasks`` in dependency order (Kahn), ties kept in input order.

    Raises ``ValueError`` if the network has a cycle (validate first for a located message).
    """
    pos = {t.id: i for i, t in enumerate(tasks)}
    indeg = [0] * len(tasks)
    succ: list[list[int]] = [[] for _ in tasks]
    for j, t in enumerate(tasks):
        for d in t.predecessors:
            i = pos[d.predecessor]
            succ[i].append(j)
            indeg[j] += 1
    ready = [i for i, k in enumerate(indeg) if k == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        i = heapq.heappop(ready)
        out.append(i)
        for j in succ[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                heapq.heappush(ready, j)
    if len(out) != len(tasks):
        raise ValueError("the network has a dependency cycle")
    return out


def network_issues(
    tasks: Sequence[Task],
    risks: Sequence[Risk] = (),
    correlations: Sequence[Correlation] = (),
) -> list[NetworkIssue]:
    """Every structural problem at once: duplicate ids, unknown or self predecessors,
    duplicate links, cycles (named by task ids), risks and correlations naming unknown tasks."""
    issues: list[NetworkIssue] = []
    first: dict[str, int] = {}
    for i, t in enumerate(tasks):
        if t.id in first:
            issues.append(
                NetworkIssue(
                    f"duplicate task id {t.id!r} (first used on task {first[t.id] + 1}); "
                    "ids must be unique",
                    "tasks",
                    i,
                    "id",
                )
            )
        else:
            first[t.id] = i
    edges = []
    for i, t in enumerate(tasks):
        seen: set[str] = set()
        for d in t.predecessors:
            if d.predecessor == t.id:
                issues.append(
                    NetworkIssue(
                        f"task {t.id!r} lists itself as a predecessor; remove it",
                        "tasks",
                        i,
                        "predecessors",
                    )
                )
            elif d.predecessor not in first:
                issues.append(
                    NetworkIssue(
                        f"unknown predecessor {d.predecessor!r}; it must be the id of another task",
                        "tasks",
                        i,
                        "predecessors",
                    )
                )
            elif d.predecessor in seen:
                issues.append(
                    NetworkIssue(
                        f"predecessor {d.predecessor!r} is listed twice; keep one link",
                        "tasks",
                        i,
                        "predecessors",
                    )
                )
            else:
                edges.append((d.predecessor, t.id))
            seen.add(d.predecessor)
    unique_ids = list(first)
    for cycle in find_cycles(unique_ids, edges):
        if len(cycle) == 2 and cycle[0] == cycle[1]:
            continue  # self-links already reported
        issues.append(
            NetworkIssue(
                "dependency cycle " + " → ".join(cycle) + "; break one of these links",
                "tasks",
                first[cycle[0]],
                "predecessors",
            )
        )
    rids: dict[str, int] = {}
    for k, r in enumerate(risks):
        if r.id in rids:
            issues.append(NetworkIssue(f"duplicate risk id {r.id!r}", "risks", k, "id"))
        rids.setdefault(r.id, k)
        for tid in r.tasks:
            if tid not in first:
                issues.append(
                    NetworkIssue(f"risk {r.id!r} names unknown task {tid!r}", "risks", k, "tasks")
                )
    pairs: set[frozenset[str]] = set()
    for k, c in enumerate(correlations):
        for fld, tid in (("task_a", c.task_a), ("task_b", c.task_b)):
            if tid not in first:
                issues.append(NetworkIssue(f"unknown task {tid!r}", "correlations", k, fld))
        if c.task_a == c.task_b:
            issues.append(
                NetworkIssue("a task cannot be correlated with itself", "correlations", k, "task_b")
            )
        key = frozenset((c.task_a, c.task_b))
        if key in pairs:
            issues.append(
                NetworkIssue(
                    f"the pair {c.task_a!r}/{c.task_b!r} is listed twice",
                    "correlations",
                    k,
                    "task_b",
                )
            )
        pairs.add(key)
    return issues


class ScheduleInputs(BaseModel):
    """Everything a schedule simulation needs. Construction validates the whole network and
    reports every structural problem at once (ValueError inside pydantic's ValidationError;
    readers call :func:`network_issues` first to locate problems by file row)."""

    model_config = _FROZEN
    tasks: tuple[Task, ...] = Field(min_length=1)
    risks: tuple[Risk, ...] = ()
    correlations: tuple[Correlation, ...] = ()
    start_date: dt.date | None = None
    calendar: WorkCalendar = WorkCalendar()

    @model_validator(mode="after")
    def _valid_network(self) -> Self:
        issues = network_issues(self.tasks, self.risks, self.correlations)
        if issues:
            raise ValueError(
                "; ".join(
                    f"{i.table}[{i.index}].{i.field}: {i.message}"
                    if i.index is not None
                    else i.message
                    for i in issues
                )
            )
        return self

    def task_index(self) -> dict[str, int]:
        return {t.id: i for i, t in enumerate(self.tasks)}
