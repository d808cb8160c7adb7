"""Monte Carlo staffing engine: effective capacity per role and month vs demand.

The model, month by month (month ``t`` = 0..``months − 1`` is ``start_month`` + t months)
--------------------------------------------------------------------------------------
1. **Attrition.** The annual rate ``r`` becomes a monthly hazard ``p = 1 − (1 − r)^(1/12)``.
   At each month boundary every person present in the month before leaves with probability
   ``p`` (independently), so a leaver is absent for the whole month that follows. The start
   month has the roster as entered. For the roster this is ``Binomial(n, p)`` departures per
   line per boundary. With no hires and no backfill the headcount in month ``t`` (``t`` months
   after the start) is ``Binomial(N0, q)`` with ``q = (1 − r)^(t/12)``: mean ``N0·q`` (DESIGN
   §4.1.1) and variance ``N0·q·(1 − q)`` (tested); after twelve months ``N0·(1 − r)`` remain.
   Someone who starts in month ``s`` can first leave at the boundary into month ``s + 1``.
2. **Backfill.** If enabled, a leaver of month ``t`` is replaced by a person who starts in
   month ``t + ⌈lag⌉`` (lag drawn from ``backfill.lag_months``; a lag of 0 means the same
   month) and ramps like a new hire. Roster leavers of the same line, trial and month share
   one lag draw (usually there is only one); each planned hire's seat draws its own lags.
   Lines with an ``end_month`` are not backfilled.
3. **Hires.** See :mod:`tpm_models.team_capacity.scenario`: a hire wanted in month ``s``
   starts in ``s + max(0, ⌈TTH⌉ − ⌈TTH likely⌉)``. Each hire is a *seat*: if the person leaves,
   the backfill policy refills the seat. Seat ``j`` of role ``i`` has its own random stream
   (``SeedSequence(root, spawn_key=(i, j))``), so the j-th hire of a role sees the same time to
   hire, tenure and lags in every plan compared: **common random numbers**.
4. **Ramp.** A person in tenure month ``m`` (``m = 1`` is the first month) with ramp ``N``
   produces the average of a ramp curve ``g(τ)`` over ``[m − 1, m]``, and 1 from ``m = N + 1``.
   Linear: ``g(τ) = τ/N``, so month ``m`` gives ``(m − ½)/N``. S-curve: a logistic
   ``σ(8(τ/N − ½))`` rescaled to run from 0 at ``τ = 0`` to 1 at ``τ = N``. See
   :func:`ramp_factors`.
5. **Onboarding drag.** Each person in tenure months ``1..N`` (ramping) costs existing staff
   ``onboarding_drag`` FTE that month (mentoring, reviews). No ramp (``N = 0``) means no drag.
6. **Effective capacity** of a role in month ``t``::

       capacity = focus · (1 − pto_t) · max(0, Σ_people fte · ramp − drag · ramping_people)

   in effective FTE. Focus therefore scales capacity exactly linearly.
7. **Meeting demand.** A role meets demand in a month when capacity ≥ demand (to 1e−9 FTE).
   "Total" meets demand when *every* role does (spare QA does not cover missing backend).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd

from tpm_models._repr import summary_html
from tpm_models.estimates import RNGLike, as_generator
from tpm_models.team_capacity.scenario import CapacityScenario, Hire

__all__ = [
    "TOTAL",
    "CapacityResult",
    "monthly_hazard",
    "ramp_factors",
    "simulate_capacity",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
CountArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]

#: Role name used for the all-roles rows of result frames.
TOTAL = "Total"
#: Steepness of the S-curve ramp (logistic slope at the midpoint, in units of 1/N).
S_CURVE_STEEPNESS = 8.0
_EPS = 1e-9


def monthly_hazard(attrition_annual: float) -> float:
    """Monthly leaving probability ``p = 1 − (1 − r)^(1/12)`` for an annual rate ``r``.

    Examples
    --------
    >>> round(monthly_hazard(0.13), 6)
    0.011538
    """
    return float(1.0 - (1.0 - attrition_annual) ** (1.0 / 12.0))


def ramp_factors(ramp_months: int, curve: str = "linear") -> FloatArray:
    """Productivity in tenure months ``1..N`` (array of length ``N``); 1 from month ``N + 1``.

    Month ``m`` gets the mean of the ramp curve ``g`` over ``[m − 1, m]``.

    Examples
    --------
    >>> ramp_factors(4).tolist()
    [0.125, 0.375, 0.625, 0.875]
    >>> f = ramp_factors(4, "s_curve")
    >>> bool(np.all(np.diff(f) > 0)) and round(float(f[0] + f[3]), 12)
    1.0
    """
    n = int(ramp_months)
    if n <= 0:
        return np.zeros(0)
    edges = np.arange(n + 1, dtype=np.float64)
    if curve == "linear":
        integral = edges**2 / (2 * n)
    elif curve == "s_curve":
        s = S_CURVE_STEEPNESS
        a, b = s / n, -s / 2
        lo, hi = 1 / (1 + math.exp(s / 2)), 1 / (1 + math.exp(-s / 2))
        # ∫σ(aτ + b) dτ = softplus(aτ + b)/a; rescale so g(0) = 0 and g(N) = 1
        raw = (np.logaddexp(0.0, a * edges + b) - math.log1p(math.exp(b))) / a
        integral = (raw - lo * edges) / (hi - lo)
    else:
        raise ValueError(f"unknown ramp curve {curve!r}; use 'linear' or 's_curve'")
    factors: FloatArray = np.diff(integral)
    return factors


def _ceil_months(x: FloatArray) -> IntArray:
    out: IntArray = np.maximum(np.ceil(x - _EPS), 0).astype(np.int64)
    return out


def _stay_months(u: FloatArray, p: float, cap: int) -> IntArray:
    """Months present before leaving: Geometric(p) on 1, 2, … (inverse CDF of ``u``)."""
    if p <= 0:
        return np.full(u.shape, cap, dtype=np.int64)
    g = 1 + np.floor(np.log1p(-u) / math.log1p(-p))
    out: IntArray = np.minimum(g, cap).astype(np.int64)
    return out


def _binomial_from_uniforms(n: CountArray, p: float, u: FloatArray) -> CountArray:
    """``Binomial(n, p)`` draws by inverse CDF at uniforms ``u`` (vectorised, any shape).

    Sums the pmf term by term (``pmf_{k+1} = pmf_k · (n − k)/(k + 1) · p/(1 − p)``) and counts
    the terms whose CDF is still below ``u``; with a monthly hazard of a few percent a handful
    of passes over the array suffice.
    """
    q = 1.0 - p
    n_flat = n.ravel().astype(np.float64)
    u_flat = u.ravel()
    pmf = np.power(q, n_flat)
    out = ((u_flat > pmf) & (n_flat > 0)).astype(np.int32)
    # later terms only for the few entries still below u (compressed each pass)
    idx = np.flatnonzero(out)
    nn, uu, pm = n_flat[idx], u_flat[idx], pmf[idx]
    cdf = pm.copy()
    k = 0
    while idx.size:
        pm *= (nn - k) / (k + 1) * (p / q)
        k += 1
        cdf += pm
        act = (uu > cdf) & (nn > k)
        idx, nn, uu, pm, cdf = idx[act], nn[act], uu[act], pm[act], cdf[act]
        out[idx] += 1
    result: CountArray = out.reshape(n.shape)
    return result


def _split_leavers(groups: CountArray, leavers: CountArray, gen: np.random.Generator) -> CountArray:
    """Which groups ``leavers`` people leave from, drawn without replacement.

    ``groups`` is ``(G, K)``: people in each of G groups for K cases; returns the same shape.
    """
    taken = np.zeros_like(groups)
    n_cases = groups.shape[1]
    for j in range(int(leavers.max())):
        uniform = gen.random((n_cases,))  # drawn for every case so the stream is fixed
        cases = np.flatnonzero(leavers > j)
        remaining = groups[:, cases] - taken[:, cases]
        pick = np.floor(uniform[cases] * remaining.sum(axis=0))
        group = (pick[None, :] >= np.cumsum(remaining, axis=0)).sum(axis=0)
        taken[group, cases] += 1
    return taken


class _Engine:
    """Draws shared by every plan evaluated on one scenario (roster part + seat streams)."""

    def __init__(self, scenario: CapacityScenario, iterations: int, rng: RNGLike) -> None:
        if iterations < 1:
            raise ValueError("iterations must be >= 1")
        self.sc = scenario
        self.trials = int(iterations)
        gen = as_generator(rng)
        roots = gen.integers(0, 2**63 - 1, size=2, dtype=np.int64)
        self.roster_root = int(roots[0])
        self.seat_root = int(roots[1])
        self.roles = scenario.role_names
        self.p = monthly_hazard(scenario.attrition_annual)
        self.months = scenario.months
        self._seat_cache: dict[tuple[int, int, float, int], tuple[FloatArray, BoolArray]] = {}
        self.roster_net, self.roster_head = self._roster()
        self.demand = np.asarray(scenario.demand_matrix(), dtype=np.float64).reshape(
            len(self.roles), self.months
        )
        self.scale = scenario.focus_factor * (
            1.0 - np.asarray(scenario.pto_by_month(), dtype=np.float64)
        )

    # --- roster: Binomial departures per line and month --------------------------------
    def _roster(self) -> tuple[FloatArray, CountArray]:
        """Net FTE and headcount of the roster (and its backfills) per role: (R, T, M).

        Departures of a line in a month are ``Binomial(present, p)``, drawn by inverse CDF
        (:func:`_binomial_from_uniforms`); who leaves (ramped staff or which ramping cohort)
        is then a uniformly random subset of the people present, i.e. a multivariate
        hypergeometric split — the same law as an independent Binomial per group.
        """
        sc, m_count, t_count = self.sc, self.months, self.trials
        gen = np.random.default_rng(np.random.SeedSequence(self.roster_root))
        lines = sc.roles
        n_lines = len(lines)
        n_ramp = sc.ramp_months
        f = ramp_factors(n_ramp, sc.ramp_curve)
        fte = np.array([ln.fte for ln in lines])[:, None]
        start = [0 if ln.start_month is None else sc.index(ln.start_month) for ln in lines]
        end = [m_count if ln.end_month is None else sc.index(ln.end_month) for ln in lines]
        backfilled = np.array(
            [sc.backfill.enabled and ln.end_month is None for ln in lines], dtype=bool
        )
        role_of_line = [self.roles.index(ln.role) for ln in lines]
        n_roles = len(self.roles)
        ramped = np.zeros((n_lines, t_count), dtype=np.int32)
        for i, ln in enumerate(lines):
            if start[i] == 0:
                ramped[i] = ln.headcount
        cohorts = np.zeros((n_ramp, n_lines, t_count), dtype=np.int32)  # [k] = tenure k + 1
        pending = np.zeros((m_count + 1, n_lines, t_count), dtype=np.int32)
        net_m = np.zeros((m_count, n_roles, t_count))
        head_m = np.zeros((m_count, n_roles, t_count), dtype=np.int32)
        lag_est = sc.backfill.lag_months
        drag = sc.onboarding_drag
        for t in range(m_count):
            if n_ramp and t > 0:  # tenure advances at the month boundary
                ramped += cohorts[-1]
                cohorts[1:] = cohorts[:-1].copy()
                cohorts[0] = 0
            if self.p > 0 and t > 0:  # leavers go at month boundaries; month 0 is the roster
                present = ramped + cohorts.sum(axis=0, dtype=np.int32)
                leavers = _binomial_from_uniforms(present, self.p, gen.random(present.shape))
                li, ti = np.nonzero(leavers)
                if li.size:
                    d = leavers[li, ti]
                    groups = np.concatenate([ramped[li, ti][None], cohorts[:, li, ti]], axis=0)
                    taken = _split_leavers(groups, d, gen)
                    ramped[li, ti] -= taken[0]
                    cohorts[:, li, ti] -= taken[1:]
                    keep = backfilled[li]
                    if keep.any():
                        lag = _ceil_months(lag_est.ppf(gen.random(int(keep.sum()))))
                        slot = np.minimum(t + lag, m_count)
                        pending[slot, li[keep], ti[keep]] += d[keep]
            arrivals = pending[t]
            if n_ramp:
                cohorts[0] += arrivals
            else:
                ramped += arrivals
            for i, ln in enumerate(lines):
                if start[i] == t and t > 0:
                    ramped[i] += ln.headcount
                if t == end[i] + 1:
                    ramped[i] = 0
                    cohorts[:, i] = 0
                    pending[:, i] = 0
            ramping = cohorts.sum(axis=0, dtype=np.int32)
            productive = ramped.astype(np.float64)
            for k in range(n_ramp):
                productive += f[k] * cohorts[k]
            line_net = fte * productive - drag * ramping
            line_head = ramped + ramping
            for i, r in enumerate(role_of_line):
                net_m[t, r] += line_net[i]
                head_m[t, r] += line_head[i]
        net_r: FloatArray = np.ascontiguousarray(net_m.transpose(1, 2, 0))
        head_r: CountArray = np.ascontiguousarray(head_m.transpose(1, 2, 0))
        return net_r, head_r

    # --- hires: one independent, reproducible stream per seat -------------------------
    def seat(self, role_i: int, j: int, fte: float, ramp: int) -> tuple[FloatArray, BoolArray]:
        """Net FTE and presence of seat ``j`` of role ``role_i``, relative to its wanted start.

        Index ``τ`` of the returned ``(trials, months)`` arrays is month ``target + τ``.
        """
        key = (role_i, j, fte, ramp)
        hit = self._seat_cache.get(key)
        if hit is not None:
            return hit
        sc, m_count, t_count = self.sc, self.months, self.trials
        gen = np.random.default_rng(np.random.SeedSequence(self.seat_root, spawn_key=(role_i, j)))
        tth = sc.time_to_hire_months.ppf(gen.random(t_count))
        arrive = np.maximum(_ceil_months(tth) - sc.requisition_lead_months, 0)
        f = ramp_factors(ramp, sc.ramp_curve)
        # value of a present person by tenure 0..N+1 (0 = not started; N+1 = fully ramped)
        value = np.concatenate([[0.0], fte * f - sc.onboarding_drag, [fte]])
        tau = np.arange(m_count)[None, :]
        net = np.zeros((t_count, m_count))
        present = np.zeros((t_count, m_count), dtype=bool)
        lag_est = sc.backfill.lag_months
        for _ in range(m_count + 1):
            # one occupant of the seat per pass; only trials whose seat is (re)filled work
            u_stay = gen.random(t_count)
            u_lag = gen.random(t_count)
            idx = np.flatnonzero(arrive < m_count)
            if idx.size == 0:
                break
            a = arrive[idx]
            leave = a + _stay_months(u_stay[idx], self.p, m_count + 1)
            tenure = tau - a[:, None] + 1
            here = (tenure >= 1) & (tau < leave[:, None])
            contrib = np.where(here, value[np.clip(tenure, 0, ramp + 1)], 0.0)
            if idx.size == t_count:
                net += contrib
                present |= here
            else:
                net[idx] += contrib
                present[idx] |= here
            arrive = np.full(t_count, m_count, dtype=np.int64)
            if sc.backfill.enabled:
                arrive[idx] = leave + _ceil_months(lag_est.ppf(u_lag[idx]))
        self._seat_cache[key] = (net, present)
        return net, present

    def seats_for(self, hires: Sequence[Hire]) -> list[tuple[int, int, Hire]]:
        """(role index, seat index, hire) for every person in ``hires``, seats counted per role."""
        counter = [0] * len(self.roles)
        out = []
        for h in hires:
            r = self.roles.index(h.role)
            for _ in range(h.count):
                out.append((r, counter[r], h))
                counter[r] += 1
        return out

    def plan_arrays(self, hires: Sequence[Hire]) -> tuple[FloatArray, CountArray]:
        """Net FTE and headcount per role, ``(roles, trials, months)``, for a hire plan."""
        net = self.roster_net.copy()
        head = self.roster_head.copy()
        for r, j, h in self.seats_for(hires):
            ramp = self.sc.ramp_months if h.ramp_months is None else h.ramp_months
            s_net, s_present = self.seat(r, j, h.fte, ramp)
            s = self.sc.index(h.target_month)
            net[r, :, s:] += s_net[:, : self.months - s]
            head[r, :, s:] += s_present[:, : self.months - s]
        return net, head

    def capacity(self, net: FloatArray) -> FloatArray:
        """Effective capacity from net FTE: focus · (1 − PTO) · max(0, net)."""
        out: FloatArray = np.maximum(net, 0.0) * self.scale
        return out

    def result(self, hires: Sequence[Hire]) -> CapacityResult:
        net, head = self.plan_arrays(hires)
        return CapacityResult(
            scenario=self.sc,
            hires=tuple(hires),
            roles=self.roles,
            months=self.sc.month_labels,
            capacity_fte=self.capacity(net),
            headcount=head,
            demand_fte=self.demand,
            iterations=self.trials,
        )


@dataclass(frozen=True, eq=False)
class CapacityResult:
    """Simulated capacity of a scenario under one hire plan.

    Attributes
    ----------
    scenario : CapacityScenario
        The inputs.
    hires : tuple[Hire, ...]
        The hire plan simulated (the scenario's, unless another plan was given).
    roles : tuple[str, ...]
        Role names, the first axis of the arrays.
    months : tuple[str, ...]
        ``YYYY-MM`` of each month, the last axis of the arrays.
    capacity_fte : ndarray, shape (roles, trials, months)
        Effective capacity in FTE (after ramp, drag, focus and PTO).
    headcount : ndarray, shape (roles, trials, months)
        People present during the month (ramping or not).
    demand_fte : ndarray, shape (roles, months)
        Demand in effective FTE.
    iterations : int
        Monte Carlo trials.
    """

    scenario: CapacityScenario
    hires: tuple[Hire, ...]
    roles: tuple[str, ...]
    months: tuple[str, ...]
    capacity_fte: FloatArray = field(repr=False)
    headcount: CountArray = field(repr=False)
    demand_fte: FloatArray = field(repr=False)
    iterations: int

    @cached_property
    def meets(self) -> BoolArray:
        """(roles, trials, months): the role's capacity covers its demand that month."""
        out: BoolArray = self.capacity_fte >= self.demand_fte[:, None, :] - _EPS
        return out

    @cached_property
    def meets_all(self) -> BoolArray:
        """(trials, months): every role covers its demand that month."""
        out: BoolArray = np.all(self.meets, axis=0)
        return out

    @property
    def total_capacity_fte(self) -> FloatArray:
        """(trials, months) capacity summed over roles."""
        out: FloatArray = self.capacity_fte.sum(axis=0)
        return out

    def prob_meets_demand(self, role: str | None = None) -> FloatArray:
        """Probability per month that ``role`` (or every role, when None) meets demand."""
        m: BoolArray = self.meets_all if role is None else self.meets[self.roles.index(role)]
        out: FloatArray = m.mean(axis=0)
        return out

    def _window(self, target_month: str | None, until_month: str | None) -> slice:
        k0 = 0 if target_month is None else self.scenario.index(target_month)
        k1 = len(self.months) - 1 if until_month is None else self.scenario.index(until_month)
        return slice(k0, k1 + 1)

    def min_prob_meets(
        self,
        target_month: str | None = None,
        until_month: str | None = None,
        role: str | None = None,
    ) -> float:
        """The lowest monthly probability of meeting demand from ``target_month`` to
        ``until_month`` (defaults: the whole horizon); ``role=None`` means every role.

        This is the confidence the solver aims at: "in every month from July on, the chance
        that capacity covers demand is at least this".
        """
        return float(self.prob_meets_demand(role)[self._window(target_month, until_month)].min())

    def worst_month(
        self,
        target_month: str | None = None,
        until_month: str | None = None,
        role: str | None = None,
    ) -> str:
        """The month (``YYYY-MM``) with the lowest probability of meeting demand in the window."""
        w = self._window(target_month, until_month)
        k = int(np.argmin(self.prob_meets_demand(role)[w]))
        return str(self.months[w.start + k])

    def prob_meets_every_month(
        self,
        target_month: str | None = None,
        until_month: str | None = None,
        role: str | None = None,
    ) -> float:
        """Probability that demand is met in *every* month of the window in the same trial
        (stricter than :meth:`min_prob_meets`: one short month anywhere fails the trial)."""
        m: BoolArray = self.meets_all if role is None else self.meets[self.roles.index(role)]
        return float(m[:, self._window(target_month, until_month)].all(axis=1).mean())

    def monthly(self) -> pd.DataFrame:
        """Tidy frame: one row per role (and ``Total``) and month.

        Columns: ``role, month, capacity_p10, capacity_p50, capacity_p90, capacity_mean,
        demand, gap_p50`` (P50 capacity − demand), ``prob_meets_demand, headcount_mean,
        headcount_p10, headcount_p90, cum_capacity_p10, cum_capacity_p50, cum_capacity_p90,
        cum_demand, prob_cum_meets`` (cumulative capacity ≥ cumulative demand).
        P10 is the level capacity exceeds in 90% of trials.
        """
        frames = []
        groups: list[tuple[str, FloatArray, FloatArray, FloatArray, BoolArray]] = [
            (
                role,
                self.capacity_fte[i],
                self.headcount[i].astype(np.float64),
                self.demand_fte[i],
                self.meets[i],
            )
            for i, role in enumerate(self.roles)
        ]
        groups.append(
            (
                TOTAL,
                self.total_capacity_fte,
                self.headcount.sum(axis=0).astype(np.float64),
                self.demand_fte.sum(axis=0),
                self.meets_all,
            )
        )
        for role, cap, head, dem, meets in groups:
            q = np.percentile(cap, [10, 50, 90], axis=0)
            hq = np.percentile(head, [10, 90], axis=0)
            cum = np.cumsum(cap, axis=1)
            cq = np.percentile(cum, [10, 50, 90], axis=0)
            cum_dem = np.cumsum(dem)
            if role == TOTAL:
                per_role_cum = np.cumsum(self.capacity_fte, axis=2)
                cum_ok = (
                    per_role_cum >= np.cumsum(self.demand_fte, axis=1)[:, None, :] - _EPS
                ).all(axis=0)
            else:
                cum_ok = cum >= cum_dem - _EPS
            frames.append(
                pd.DataFrame(
                    {
                        "role": role,
                        "month": list(self.months),
                        "capacity_p10": q[0],
                        "capacity_p50": q[1],
                        "capacity_p90": q[2],
                        "capacity_mean": cap.mean(axis=0),
                        "demand": dem,
                        "gap_p50": q[1] - dem,
                        "prob_meets_demand": meets.mean(axis=0),
                        "headcount_mean": head.mean(axis=0),
                        "headcount_p10": hq[0],
                        "headcount_p90": hq[1],
                        "cum_capacity_p10": cq[0],
                        "cum_capacity_p50": cq[1],
                        "cum_capacity_p90": cq[2],
                        "cum_demand": cum_dem,
                        "prob_cum_meets": cum_ok.mean(axis=0),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def _repr_html_(self) -> str:
        """A compact, escaped HTML table of :meth:`summary` (Jupyter)."""
        return summary_html(self)

    def summary(self) -> pd.DataFrame:
        """One row per role and ``Total``: start/end headcount, end capacity P50 vs demand,
        the worst month's probability of meeting demand, and the probability of meeting
        demand in every month of the horizon."""
        df = self.monthly()
        rows = []
        for role, g in df.groupby("role", sort=False):
            worst = g.iloc[int(np.argmin(g["prob_meets_demand"].to_numpy()))]
            r = None if role == TOTAL else str(role)
            rows.append(
                {
                    "role": role,
                    "headcount_first_month": float(g["headcount_mean"].iloc[0]),
                    "headcount_last_month": float(g["headcount_mean"].iloc[-1]),
                    "capacity_p50_last_month": float(g["capacity_p50"].iloc[-1]),
                    "demand_last_month": float(g["demand"].iloc[-1]),
                    "worst_month": worst["month"],
                    "worst_month_prob_meets": float(worst["prob_meets_demand"]),
                    "prob_meets_every_month": self.prob_meets_every_month(role=r),
                }
            )
        return pd.DataFrame(rows)


def simulate_capacity(
    scenario: CapacityScenario,
    *,
    iterations: int = 10_000,
    rng: RNGLike = None,
    hires: Sequence[Hire] | None = None,
) -> CapacityResult:
    """Simulate effective capacity per role and month (see the module docstring).

    Parameters
    ----------
    scenario : CapacityScenario
        Roster, hires, demand and parameters.
    iterations : int
        Monte Carlo trials.
    rng : Generator, int or None
        Random source; the same seed gives the same result.
    hires : sequence of Hire, optional
        A hire plan to simulate instead of ``scenario.hires``.

    Examples
    --------
    >>> from tpm_models.team_capacity.scenario import CapacityScenario, RosterLine, DemandLine
    >>> sc = CapacityScenario(start_month="2027-01", months=12, attrition_annual=0.1,
    ...     roles=[RosterLine(role="Backend", headcount=10)],
    ...     demand=[DemandLine(role="Backend", month="2027-01", fte=8)])
    >>> res = simulate_capacity(sc, iterations=2000, rng=1)
    >>> res.capacity_fte.shape
    (1, 2000, 12)
    >>> bool(res.prob_meets_demand()[0] > res.prob_meets_demand()[-1])
    True
    """
    engine = _Engine(scenario, iterations, rng)
    return engine.result(scenario.hires if hires is None else hires)
