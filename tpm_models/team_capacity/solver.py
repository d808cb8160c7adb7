"""The smallest, latest hiring plan that meets demand at a chosen confidence; plan comparison.

Criterion
---------
A plan *meets demand from* ``target_month`` *at confidence c* when, in every month from
``target_month`` to ``until_month`` (default: the last month), the probability that every role's
capacity covers its demand is at least ``c`` (:meth:`CapacityResult.min_prob_meets`).

Search (greedy, on common random numbers)
-----------------------------------------
Hires are added on top of the scenario's planned hires, one person at a time, each a *seat* with
its own random stream (time to hire, tenure, backfill lags; see
:mod:`tpm_models.team_capacity.simulate`). Because seat ``j`` of a role has the same draws in
every candidate plan, and the roster draws are shared too, two plans differ only by the hires
they differ in: comparisons carry no sampling noise.

1. **Counts.** Every added hire starts at ``earliest_month`` (default: the first month a
   requisition opened now can fill, ``start + ⌈likely time to hire⌉``). While the plan falls
   short, add one hire to the role that raises ``min_t Σ_roles log P(role meets demand in t)``
   the most (roles are independent, so this sum is the log of the joint monthly probability;
   the log keeps progress visible while several roles are short). Capacity is additive in
   hires and each extra hire helps less than the one before, which is when this greedy rule
   finds the smallest total. Then drop any hire whose removal keeps the plan feasible.
2. **Latest starts.** Each added hire, in turn (the last first), is moved to the latest month at
   which the plan still meets the criterion (searching from ``until_month`` down, never past the
   next hire of its role), so hires cost no salary before they are needed.
3. If even ``max_hires_per_role`` hires of every role starting at ``earliest_month`` fall short,
   the plan is reported as infeasible with the best probability reached.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tpm_models._repr import summary_html
from tpm_models.estimates import RNGLike
from tpm_models.team_capacity.funnel import hiring_funnel
from tpm_models.team_capacity.scenario import (
    CapacityScenario,
    Hire,
    add_months,
    month_label,
)
from tpm_models.team_capacity.simulate import (
    BoolArray,
    CapacityResult,
    FloatArray,
    _Engine,
)

__all__ = ["HiringPlan", "PlanComparison", "compare_plans", "solve_hiring_plan"]

_EPS = 1e-9
SOLVER_LABEL = "added by solver"


@dataclass(frozen=True)
class HiringPlan:
    """The solver's answer.

    Attributes
    ----------
    feasible : bool
        Whether a plan within the limits meets the criterion.
    confidence : float
        The target confidence ``c``.
    target_month, until_month, earliest_month : str
        The window demand must be met in, and the earliest start allowed for added hires.
    max_hires_per_role : int
        Limit on added hires per role.
    added : tuple[Hire, ...]
        Hires to add, grouped by role and start month (``label = "added by solver"``).
    added_by_role : dict[str, int]
        Number of added hires per role.
    probability : float
        Lowest monthly probability of meeting demand in the window with the plan
        (on the solver's draws); with an infeasible plan, the best reached.
    baseline_probability : float
        The same for the scenario's current hires.
    worst_month, baseline_worst_month : str
        The month where that lowest probability occurs.
    iterations : int
        Trials used.
    message : str
        A one-sentence answer.
    """

    feasible: bool
    confidence: float
    target_month: str
    until_month: str
    earliest_month: str
    max_hires_per_role: int
    added: tuple[Hire, ...]
    added_by_role: dict[str, int]
    probability: float
    baseline_probability: float
    worst_month: str
    baseline_worst_month: str
    iterations: int
    message: str
    scenario: CapacityScenario = field(repr=False)

    @property
    def total_added(self) -> int:
        """Number of hires added."""
        return sum(self.added_by_role.values())

    @property
    def hires(self) -> tuple[Hire, ...]:
        """The full plan: the scenario's hires plus the added ones."""
        return (*self.scenario.hires, *self.added)

    def _repr_html_(self) -> str:
        """A compact, escaped HTML table of :meth:`summary` (Jupyter)."""
        return summary_html(self)

    def summary(self) -> pd.DataFrame:
        """Added hires with their timing and funnel needs (see :func:`hiring_funnel`)."""
        return hiring_funnel(self.scenario, self.added, include_backfills=False)

    def to_json(self) -> dict[str, Any]:
        """The ``hiring_plan`` object of ``tpm capacity --solve --json``."""
        funnel = self.summary()
        return {
            "feasible": self.feasible,
            "confidence": self.confidence,
            "target_month": self.target_month,
            "until_month": self.until_month,
            "earliest_month": self.earliest_month,
            "max_hires_per_role": self.max_hires_per_role,
            "probability": round(self.probability, 4),
            "baseline_probability": round(self.baseline_probability, 4),
            "worst_month": self.worst_month,
            "total_added": self.total_added,
            "added_by_role": dict(self.added_by_role),
            "hires": [
                {
                    "role": h.role,
                    "count": h.count,
                    "start_month": h.target_month,
                    "open_requisition_by": str(funnel.iloc[i]["open_requisition_by"]),
                    "applicants": int(funnel.iloc[i]["applicants"]),
                }
                for i, h in enumerate(self.added)
            ],
            "iterations": self.iterations,
            "message": self.message,
        }


def _headline(
    feasible: bool,
    added: Sequence[Hire],
    confidence: float,
    probability: float,
    baseline: float,
    baseline_worst: str,
    target: str,
    limit: int,
) -> str:
    """E.g. "With the current plan there is a 37% chance of meeting demand in the hardest month
    from Jul 2027 on (Jul 2028); hire 2 Backend (starting May 2027) to make it at least 80% in
    every month (81%)." """
    now = (
        f"With the current plan there is a {baseline:.0%} chance of meeting demand in the "
        f"hardest month from {month_label(target)} on ({month_label(baseline_worst)})"
    )
    if not feasible:
        return (
            f"{now}. No plan with at most {limit} added hires per role reaches {confidence:.0%} "
            f"in every month; the best reaches {probability:.0%}. Raise the limit, start "
            "earlier, or cut demand."
        )
    if not added:
        return f"{now}; no extra hires are needed for {confidence:.0%}."
    by_role: dict[str, list[Hire]] = {}
    for h in added:
        by_role.setdefault(h.role, []).append(h)
    parts = []
    for role, hs in by_role.items():
        n = sum(h.count for h in hs)
        when = ", ".join(
            (f"{h.count} in " if len(hs) > 1 else "") + month_label(h.target_month) for h in hs
        )
        parts.append(f"{n} {role} ({'starting ' if len(hs) == 1 else ''}{when})")
    return (
        f"{now}; hire {', '.join(parts)} to make it at least {confidence:.0%} in every month "
        f"({probability:.0%} in the hardest)."
    )


class _Search:
    """Per-role capacity state over the window, on one engine's draws."""

    def __init__(self, engine: _Engine, k0: int, k1: int) -> None:
        self.e = engine
        self.k0, self.k1 = k0, k1
        net, _ = engine.plan_arrays(engine.sc.hires)
        self.net = net  # (roles, trials, months), updated in place as seats move
        self.meets = np.stack([self._role_meets(r) for r in range(len(engine.roles))])

    def _role_meets(self, r: int, net_r: FloatArray | None = None) -> BoolArray:
        e = self.e
        w = slice(self.k0, self.k1 + 1)
        net = self.net[r] if net_r is None else net_r
        cap = np.maximum(net[:, w], 0.0) * e.scale[w]
        out: BoolArray = cap >= e.demand[r, w] - _EPS
        return out

    def joint_min(self, meets: BoolArray | None = None) -> float:
        m = self.meets if meets is None else meets
        return float(np.all(m, axis=0).mean(axis=0).min())

    def surrogate(self, meets: BoolArray) -> float:
        floor = 0.5 / self.e.trials
        p = np.maximum(meets.mean(axis=1), floor)  # (roles, window)
        return float(np.log(p).sum(axis=0).min())

    def shifted(self, r: int, seat: FloatArray, s: int, sign: float = 1.0) -> FloatArray:
        out: FloatArray = self.net[r].copy()
        m = self.e.months
        out[:, s:] += sign * seat[:, : m - s]
        return out

    def apply(self, r: int, net_r: FloatArray) -> None:
        self.net[r] = net_r
        self.meets[r] = self._role_meets(r)


def solve_hiring_plan(
    scenario: CapacityScenario,
    *,
    confidence: float | None = None,
    target_month: str | None = None,
    until_month: str | None = None,
    max_hires_per_role: int | None = None,
    earliest_month: str | None = None,
    iterations: int = 5_000,
    rng: RNGLike = None,
) -> HiringPlan:
    """Find the fewest added hires, started as late as possible, meeting demand at ``confidence``.

    Arguments left ``None`` come from ``scenario.solver``; ``target_month`` defaults to the
    first month. See the module docstring for the criterion and the search.

    Examples
    --------
    >>> from tpm_models.team_capacity.scenario import RosterLine, DemandLine
    >>> from tpm_models.estimates import Estimate
    >>> sc = CapacityScenario(start_month="2027-01", months=12, ramp_months=0,
    ...     time_to_hire_months=Estimate.fixed(2),
    ...     roles=[RosterLine(role="QA", headcount=4)],
    ...     demand=[DemandLine(role="QA", month="2027-07", fte=6)])
    >>> plan = solve_hiring_plan(sc, confidence=0.9, target_month="2027-07", iterations=200, rng=1)
    >>> plan.added_by_role, [h.target_month for h in plan.added]
    ({'QA': 2}, ['2027-07'])
    """
    sc = scenario
    settings = sc.solver
    conf = settings.confidence if confidence is None else confidence
    if not 0 < conf < 1:
        raise ValueError("confidence must be between 0 and 1")
    target = target_month or settings.target_month or sc.start_month
    until = until_month or settings.until_month or sc.end_month
    limit = settings.max_hires_per_role if max_hires_per_role is None else max_hires_per_role
    default_earliest = add_months(sc.start_month, sc.requisition_lead_months)
    earliest = earliest_month or settings.earliest_month or default_earliest
    k0, k1 = sc.index(target), sc.index(until)
    if not 0 <= k0 <= k1 < sc.months:
        raise ValueError("target_month..until_month must lie in the horizon, in order")
    e_idx = min(max(sc.index(earliest), 0), sc.months - 1)
    earliest = sc.month_labels[e_idx]

    engine = _Engine(sc, iterations, rng)
    search = _Search(engine, k0, k1)
    n_roles = len(engine.roles)
    planned = [0] * n_roles
    for r, _j, _h in engine.seats_for(sc.hires):
        planned[r] += 1
    baseline_joint = np.all(search.meets, axis=0).mean(axis=0)
    baseline = float(baseline_joint.min())
    baseline_worst = sc.month_labels[k0 + int(np.argmin(baseline_joint))]

    def seat(r: int, a: int) -> FloatArray:
        net, _present = engine.seat(r, planned[r] + a, 1.0, sc.ramp_months)
        return net

    starts: list[list[int]] = [[] for _ in range(n_roles)]
    # 1. counts, greedy on the log-probability surrogate
    while search.joint_min() < conf:
        best: tuple[float, int, FloatArray] | None = None
        for r in range(n_roles):
            if len(starts[r]) >= limit:
                continue
            net_r = search.shifted(r, seat(r, len(starts[r])), e_idx)
            trial = search.meets.copy()
            trial[r] = search._role_meets(r, net_r)
            score = search.surrogate(trial)
            if best is None or score > best[0] + 1e-12:
                best = (score, r, net_r)
        if best is None:
            break
        _score, r, net_r = best
        search.apply(r, net_r)
        starts[r].append(e_idx)
    feasible = search.joint_min() >= conf
    if feasible:
        # prune: drop the last seat of a role while the plan stays feasible
        changed = True
        while changed:
            changed = False
            for r in range(n_roles):
                if not starts[r]:
                    continue
                a = len(starts[r]) - 1
                net_r = search.shifted(r, seat(r, a), starts[r][a], sign=-1.0)
                trial = search.meets.copy()
                trial[r] = search._role_meets(r, net_r)
                if search.joint_min(trial) >= conf:
                    search.apply(r, net_r)
                    starts[r].pop()
                    changed = True
        # 2. latest starts, one seat at a time from the last; seat a never starts after seat
        #    a + 1, so the plan's hires map back to the same seats (and draws) when re-simulated
        for r in range(n_roles):
            for a in reversed(range(len(starts[r]))):
                s_net = seat(r, a)
                without = search.shifted(r, s_net, starts[r][a], sign=-1.0)
                upper = k1 if a == len(starts[r]) - 1 else starts[r][a + 1]
                for s in range(upper, starts[r][a], -1):
                    net_r = without.copy()
                    net_r[:, s:] += s_net[:, : engine.months - s]
                    trial = search.meets.copy()
                    trial[r] = search._role_meets(r, net_r)
                    if search.joint_min(trial) >= conf:
                        search.apply(r, net_r)
                        starts[r][a] = s
                        break
    added: list[Hire] = []
    for r, role in enumerate(engine.roles):
        for s in sorted(set(starts[r])):
            added.append(
                Hire(
                    role=role,
                    count=starts[r].count(s),
                    target_month=sc.month_labels[s],
                    label=SOLVER_LABEL,
                )
            )
    joint = np.all(search.meets, axis=0).mean(axis=0)
    probability = float(joint.min())
    worst = sc.month_labels[k0 + int(np.argmin(joint))]
    message = _headline(feasible, added, conf, probability, baseline, baseline_worst, target, limit)
    return HiringPlan(
        feasible=feasible,
        confidence=conf,
        target_month=target,
        until_month=until,
        earliest_month=earliest,
        max_hires_per_role=limit,
        added=tuple(added),
        added_by_role={role: len(starts[r]) for r, role in enumerate(engine.roles)},
        probability=probability,
        baseline_probability=baseline,
        worst_month=worst,
        baseline_worst_month=baseline_worst,
        iterations=engine.trials,
        message=message,
        scenario=sc,
    )


@dataclass(frozen=True, eq=False)
class PlanComparison:
    """Several hire plans simulated on the same draws.

    Attributes
    ----------
    results : dict[str, CapacityResult]
        One result per plan name (the first is the baseline).
    target_month, until_month : str
        The window the headline probability is taken over.
    """

    results: dict[str, CapacityResult]
    target_month: str
    until_month: str

    def _repr_html_(self) -> str:
        """A compact, escaped HTML table of :meth:`summary` (Jupyter)."""
        return summary_html(self)

    def summary(self) -> pd.DataFrame:
        """One row per plan: hires, the window's lowest monthly probability of meeting
        demand and its month, the probability of meeting it in every month, and the mean
        headcount and P50 total capacity in the last month."""
        rows = []
        for name, res in self.results.items():
            total = res.total_capacity_fte
            rows.append(
                {
                    "plan": name,
                    "hires": sum(h.count for h in res.hires),
                    "hire_lines": "; ".join(
                        f"{h.count} {h.role} {h.target_month}"
                        + (f" ({h.label})" if h.label else "")
                        for h in res.hires
                    ),
                    "min_prob_meets": res.min_prob_meets(self.target_month, self.until_month),
                    "worst_month": res.worst_month(self.target_month, self.until_month),
                    "prob_meets_every_month": res.prob_meets_every_month(
                        self.target_month, self.until_month
                    ),
                    "headcount_last_month": float(res.headcount[:, :, -1].sum(axis=0).mean()),
                    "capacity_p50_last_month": float(np.percentile(total[:, -1], 50)),
                }
            )
        return pd.DataFrame(rows)

    def monthly(self) -> pd.DataFrame:
        """Tidy ``plan, month, prob_meets_demand, capacity_p50, demand`` (all roles)."""
        frames = []
        for name, res in self.results.items():
            frames.append(
                pd.DataFrame(
                    {
                        "plan": name,
                        "month": list(res.months),
                        "prob_meets_demand": res.prob_meets_demand(),
                        "capacity_p50": np.percentile(res.total_capacity_fte, 50, axis=0),
                        "demand": res.demand_fte.sum(axis=0),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)


def compare_plans(
    scenario: CapacityScenario,
    plans: Mapping[str, Sequence[Hire]] | None = None,
    *,
    target_month: str | None = None,
    until_month: str | None = None,
    iterations: int = 10_000,
    rng: RNGLike = None,
) -> PlanComparison:
    """Simulate several hire plans on the same draws (common random numbers).

    ``plans`` defaults to ``{"Current plan": scenario.hires}`` plus the scenario's
    ``alternatives``. Each plan *replaces* the scenario's hires.

    Examples
    --------
    >>> from tpm_models.team_capacity.scenario import RosterLine, DemandLine
    >>> sc = CapacityScenario(start_month="2027-01", months=12, attrition_annual=0.15,
    ...     roles=[RosterLine(role="QA", headcount=4)],
    ...     demand=[DemandLine(role="QA", month="2027-01", fte=4)])
    >>> cmp = compare_plans(sc, {"none": [], "two": [Hire(role="QA", count=2,
    ...     target_month="2027-03")]}, iterations=500, rng=1)
    >>> s = cmp.summary().set_index("plan")["min_prob_meets"]
    >>> bool(s["two"] > s["none"])
    True
    """
    if plans is None:
        plans = {"Current plan": scenario.hires} | {a.name: a.hires for a in scenario.alternatives}
    target = target_month or scenario.solver.target_month or scenario.start_month
    until = until_month or scenario.solver.until_month or scenario.end_month
    engine = _Engine(scenario, iterations, rng)
    results = {name: engine.result(tuple(hires)) for name, hires in plans.items()}
    return PlanComparison(results=results, target_month=target, until_month=until)


def standard_error(p: float, n: int) -> float:
    """Binomial standard error of a probability estimated from ``n`` trials."""
    return math.sqrt(max(p * (1 - p), 0.0) / max(n, 1))
