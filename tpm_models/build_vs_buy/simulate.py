"""Point figures, Monte Carlo with common random numbers, tornado and break-even.

* Point figures (PV costs, PV benefits, NPV, ROI = NPV / PV costs, IRR, payback, TCO) are at
  every input's most-likely value.
* The simulation draws **one uniform per assumption per trial** and feeds the same uniform to
  every option that shares the assumption (same line name, kind and estimate, or the same
  ``assumption`` label; seats and seat growth are shared by all options), so differences
  between options are not sampling noise: an option and an identical copy of itself tie in
  every trial, and ties are reported as ties.
* Tornado: for each uncertain assumption, the NPV difference between the two leading options
  (by mean NPV) with that assumption at its P10 and at its P90, every other input at its most
  likely value; sorted by swing ``|diff(P90) − diff(P10)|``.
* Break-even: the value of one input at which two options' NPVs are equal (deterministic,
  other inputs at most likely), by ``scipy.optimize.brentq`` inside a bracket found on a grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize

from tpm_models._repr import summary_html
from tpm_models.build_vs_buy.cashflows import (
    GROWTH_ROW,
    SEATS_ROW,
    CompiledScenario,
    compile_scenario,
)
from tpm_models.build_vs_buy.metrics import irr, irr_count, payback_period
from tpm_models.build_vs_buy.scenario import Scenario, scenario_problems
from tpm_models.build_vs_buy.scoring import ScoringResult, score_options
from tpm_models.errors import InputError
from tpm_models.estimates import RNGLike, SamplingMethod, as_generator, uniforms

__all__ = [
    "BreakEvenResult",
    "BuildVsBuyResult",
    "OptionPoint",
    "PointResult",
    "Tornado",
    "break_even",
    "break_even_variables",
    "evaluate",
    "simulate",
]

FloatArray = npt.NDArray[np.float64]
_CHUNK = 25_000


def _checked(scenario: Scenario) -> CompiledScenario:
    problems = scenario_problems(scenario, "scenario")
    if problems:
        raise InputError(problems)
    return compile_scenario(scenario)


# --------------------------------------------------------------------------------------------
# point figures
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OptionPoint:
    """Deterministic figures of one option at most-likely inputs (money in scenario currency).

    Attributes
    ----------
    pv_costs, pv_benefits, npv : float
        Present values (period 0 undiscounted); ``npv = pv_benefits − pv_costs``.
    roi : float
        ``npv / pv_costs`` (NaN when there are no costs).
    irr : float
        Annual internal rate of return (NaN when not defined: no sign change). With several
        IRRs (``irr_multiple``) it is the one closest to 0, as numpy-financial returns.
    irr_multiple : bool
        The NPV has more than one root (cash flows change sign more than once): the IRR is
        ambiguous, judge by NPV.
    payback_period, discounted_payback_period : float
        In periods (interpolated; NaN when never paid back within the horizon).
    tco_nominal, tco_discounted : float
        Sum of costs, undiscounted and discounted (= ``pv_costs``).
    costs, benefits, net, cumulative, discounted_cumulative : arrays (periods,)
        Per-period cash flows (costs and benefits as positive amounts).
    """

    name: str
    kind: str
    pv_costs: float
    pv_benefits: float
    npv: float
    roi: float
    irr: float
    irr_multiple: bool
    payback_period: float
    discounted_payback_period: float
    tco_nominal: float
    tco_discounted: float
    costs: FloatArray
    benefits: FloatArray
    net: FloatArray
    cumulative: FloatArray
    discounted_cumulative: FloatArray


@dataclass(frozen=True)
class PointResult:
    """Point figures of every option (see :class:`OptionPoint`)."""

    period: str
    options: tuple[OptionPoint, ...]

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "option": o.name,
                    "kind": o.kind,
                    "pv_costs": o.pv_costs,
                    "pv_benefits": o.pv_benefits,
                    "npv": o.npv,
                    "roi": o.roi,
                    "irr": o.irr,
                    "irr_multiple": o.irr_multiple,
                    "payback_period": o.payback_period,
                    "discounted_payback_period": o.discounted_payback_period,
                    "tco_nominal": o.tco_nominal,
                    "tco_discounted": o.tco_discounted,
                }
                for o in self.options
            ]
        )

    def cash_flow_frame(self) -> pd.DataFrame:
        """Tidy per-period cash flows: option, period, costs, benefits, net, cumulative, ..."""
        frames = [
            pd.DataFrame(
                {
                    "option": o.name,
                    "period": np.arange(len(o.net)),
                    "costs": o.costs,
                    "benefits": o.benefits,
                    "net": o.net,
                    "cumulative": o.cumulative,
                    "discounted_cumulative": o.discounted_cumulative,
                }
            )
            for o in self.options
        ]
        return pd.concat(frames, ignore_index=True)


def _annual_rate(rate_per_period: FloatArray, periods_per_year: int) -> FloatArray:
    out: FloatArray = (1.0 + rate_per_period) ** periods_per_year - 1.0
    return out


def _point(c: CompiledScenario) -> PointResult:
    s = c.scenario
    costs, benefits = c.cash_flows(c.likely_inputs())
    d = c.discount_factors()[:, 0]
    net = benefits[:, :, 0] - costs[:, :, 0]  # (k, P)
    rates = irr(net.T)
    n_rates = irr_count(net.T)
    pays = payback_period(net.T)
    dpays = payback_period((net * d).T)
    out = []
    for o, opt in enumerate(s.options):
        pv_c = float(np.dot(d, costs[o, :, 0]))
        pv_b = float(np.dot(d, benefits[o, :, 0]))
        value = pv_b - pv_c
        out.append(
            OptionPoint(
                name=opt.name,
                kind=opt.kind,
                pv_costs=pv_c,
                pv_benefits=pv_b,
                npv=value,
                roi=value / pv_c if pv_c != 0 else float("nan"),
                irr=float(_annual_rate(rates[o], s.periods_per_year)),
                irr_multiple=bool(n_rates[o] > 1),
                payback_period=float(pays[o]),
                discounted_payback_period=float(dpays[o]),
                tco_nominal=float(costs[o, :, 0].sum()),
                tco_discounted=pv_c,
                costs=costs[o, :, 0],
                benefits=benefits[o, :, 0],
                net=net[o],
                cumulative=np.cumsum(net[o]),
                discounted_cumulative=np.cumsum(net[o] * d),
            )
        )
    return PointResult(s.period, tuple(out))


def evaluate(scenario: Scenario) -> PointResult:
    """Point figures of every option at most-likely inputs.

    Examples
    --------
    >>> from tpm_models.build_vs_buy.scenario import parse_scenario
    >>> s = parse_scenario({"schema_version": 1, "horizon": 10, "discount_rate": 0.10,
    ...     "options": [{"name": "Expand", "lines": [
    ...         {"name": "Investment", "kind": "cost", "amount": 15000, "start": 0, "end": 0},
    ...         {"name": "Profit", "kind": "benefit", "amount": 3000}]}]})
    >>> round(evaluate(s).options[0].npv, 2)
    3433.7
    """
    return _point(_checked(scenario))


# --------------------------------------------------------------------------------------------
# tornado
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tornado:
    """Swing of ``NPV(leader) − NPV(runner_up)`` as each assumption moves from P10 to P90.

    ``frame`` columns: ``input`` (label), ``low_value``/``high_value`` (the input at its P10/P90),
    ``difference_at_low``/``difference_at_high`` (money), ``swing`` (money, ≥ 0) and ``flips``
    (the difference changes sign within the range: this assumption can change the answer).
    Sorted by swing, largest first.
    """

    leader: str
    runner_up: str
    base_difference: float
    frame: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        return self.frame.copy()


def _tornado(c: CompiledScenario, a: int, b: int) -> Tornado:
    draws = c.draws()
    base = c.likely_inputs()
    m = len(draws)
    x = np.repeat(base, 1 + 2 * m, axis=1)
    labels, lows, highs = [], [], []
    for gi, rows in enumerate(draws.values()):
        for r in rows:
            e = c.inputs[r].estimate
            x[r, 1 + gi] = float(e.ppf(0.10))
            x[r, 1 + m + gi] = float(e.ppf(0.90))
        first = c.inputs[rows[0]]
        if first.draw_key.startswith("assumption|"):
            name = first.draw_key.split("|", 2)[1]
            label = f"{name} (shared by {len(rows)} lines)" if len(rows) > 1 else first.label
        else:
            label = first.label
        labels.append(label)
        lows.append(x[rows[0], 1 + gi])
        highs.append(x[rows[0], 1 + m + gi])
    pv_c, pv_b = c.present_values(x)
    diff = (pv_b[a] - pv_c[a]) - (pv_b[b] - pv_c[b])
    base_diff = float(diff[0])
    lo, hi = diff[1 : 1 + m], diff[1 + m :]
    frame = pd.DataFrame(
        {
            "input": labels,
            "low_value": lows,
            "high_value": highs,
            "difference_at_low": lo,
            "difference_at_high": hi,
            "swing": np.abs(hi - lo),
            "flips": (np.sign(lo) != np.sign(base_diff)) | (np.sign(hi) != np.sign(base_diff)),
        }
    )
    frame = frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    names = c.scenario.option_names()
    return Tornado(names[a], names[b], base_diff, frame)


# --------------------------------------------------------------------------------------------
# simulation
# --------------------------------------------------------------------------------------------
def _pct(p: float) -> str:
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 <= p < 1:
        return ">99%"
    return f"{p:.0%}"


@dataclass(frozen=True)
class BuildVsBuyResult:
    """Monte Carlo result of a build-vs-buy scenario.

    Attributes
    ----------
    scenario : Scenario
    iterations : int
    point : PointResult
        Figures at most-likely inputs.
    npv : array (n_options, iterations)
        Simulated NPV per option and trial (money).
    pv_costs : array (n_options, iterations)
        Simulated PV of costs (money).
    prob_best : array (n_options,)
        Share of trials in which the option alone has the highest NPV.
    prob_best_tied : float
        Share of trials in which two or more options share the highest NPV (ties; with common
        random numbers identical options tie exactly).
    prob_beats : array (n_options, n_options)
        ``[i, j]`` = share of trials with NPV_i > NPV_j (strictly; ties count for neither).
    prob_tie : array (n_options, n_options)
        ``[i, j]`` = share of trials with NPV_i = NPV_j.
    tornado : Tornado or None
        ``None`` with a single option.
    scoring : ScoringResult or None
    """

    scenario: Scenario
    iterations: int
    point: PointResult
    npv: FloatArray
    pv_costs: FloatArray
    prob_best: FloatArray
    prob_best_tied: float
    prob_beats: FloatArray
    prob_tie: FloatArray
    tornado: Tornado | None
    scoring: ScoringResult | None

    @property
    def option_names(self) -> list[str]:
        return self.scenario.option_names()

    def npv_percentiles(self, q: float | list[float]) -> FloatArray:
        """NPV percentiles per option (q in 0..100): shape (n_options,) or (n_options, len(q))."""
        out: FloatArray = np.percentile(self.npv, q, axis=1).T
        return out

    def npv_percentile_se(self, q: float) -> FloatArray:
        """Standard error of the NPV ``q``-th percentile per option (money).

        From the order-statistic (binomial) interval: the percentile moves by one binomial
        standard deviation of the rank, ``s = √(p(1−p)/n)``, so
        ``SE ≈ (P(p + s) − P(p − s)) / 2`` with ``p = q/100``.
        """
        p = q / 100
        s = float(np.sqrt(p * (1 - p) / self.iterations))
        lo, hi = max(p - s, 0.0), min(p + s, 1.0)
        band = np.percentile(self.npv, [100 * lo, 100 * hi], axis=1)
        out: FloatArray = (band[1] - band[0]) / 2
        return out

    def leaders(self) -> tuple[int, int | None]:
        """Indices of the two options with the highest mean NPV."""
        order = np.argsort(-self.npv.mean(axis=1), kind="stable")
        return int(order[0]), (int(order[1]) if len(order) > 1 else None)

    def _repr_html_(self) -> str:
        """A compact, escaped HTML table of :meth:`summary` (Jupyter)."""
        return summary_html(self)

    def summary(self) -> pd.DataFrame:
        """One row per option: point figures, NPV distribution, probability of being best."""
        df = self.point.summary()
        pct = self.npv_percentiles([10, 50, 90])
        df.insert(5, "npv_mean", self.npv.mean(axis=1))
        df.insert(6, "npv_p10", pct[:, 0])
        df.insert(7, "npv_p50", pct[:, 1])
        df.insert(8, "npv_p90", pct[:, 2])
        df.insert(9, "npv_std", self.npv.std(axis=1))
        df.insert(10, "npv_p50_se", self.npv_percentile_se(50))
        df["prob_best"] = self.prob_best
        if self.scoring is not None:
            df["weighted_score"] = [self.scoring.totals.get(n, np.nan) for n in df["option"]]
        return df

    def npv_histogram(self, bins: int = 50) -> pd.DataFrame:
        """Pre-binned NPV distributions on common bins: option, bin_start, bin_end, share."""
        lo, hi = float(self.npv.min()), float(self.npv.max())
        if hi <= lo:
            hi = lo + max(abs(lo) * 1e-6, 1.0)
        edges = np.linspace(lo, hi, bins + 1)
        frames = []
        for name, row in zip(self.option_names, self.npv, strict=True):
            counts, _ = np.histogram(row, bins=edges)
            frames.append(
                pd.DataFrame(
                    {
                        "option": name,
                        "bin_start": edges[:-1],
                        "bin_end": edges[1:],
                        "share": counts / row.size,
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def comparison_pair(self) -> tuple[str, str]:
        """The pair a break-even looks at by default: the build option vs the best other option
        by mean NPV, or the two leaders when there is no build option."""
        names = self.option_names
        order = [names[i] for i in np.argsort(-self.npv.mean(axis=1), kind="stable")]
        b = self.build_index()
        if b is not None and len(names) > 1:
            return names[b], next(n for n in order if n != names[b])
        return order[0], order[1] if len(order) > 1 else order[0]

    def build_index(self) -> int | None:
        kinds = [o.kind for o in self.scenario.options]
        return kinds.index("build") if "build" in kinds else None

    def prob_build_beats(self) -> dict[str, float]:
        """P(build's NPV > each other option's NPV); empty without a build option."""
        b = self.build_index()
        if b is None:
            return {}
        return {n: float(self.prob_beats[b, j]) for j, n in enumerate(self.option_names) if j != b}

    def verdict(self) -> str:
        """One sentence: who is best how often, and how build fares against the others."""
        names = self.option_names
        if len(names) == 1:
            return (
                f"{names[0]} is the only option: its NPV P50 is {self.npv_percentiles(50)[0]:,.0f}."
            )
        best = int(np.argmax(self.prob_best))
        parts = []
        if self.prob_best_tied >= 0.5:
            a, b = self.leaders()
            assert b is not None
            parts.append(
                f"{names[a]} and {names[b]} tie for best in {_pct(self.prob_best_tied)} of trials"
            )
        else:
            parts.append(f"{names[best]} is best in {_pct(float(self.prob_best[best]))} of trials")
            if self.prob_best_tied > 0:
                parts[-1] += f" ({_pct(self.prob_best_tied)} are ties)"
        b_idx = self.build_index()
        if b_idx is not None:
            others = [
                f"{n} with {_pct(float(self.prob_beats[b_idx, j]))} probability"
                for j, n in enumerate(names)
                if j != b_idx
            ]
            parts.append(f"{names[b_idx]} beats " + " and ".join(others))
        else:
            a, b2 = self.leaders()
            assert b2 is not None
            parts.append(
                f"{names[a]} beats {names[b2]} with {_pct(float(self.prob_beats[a, b2]))} "
                "probability"
            )
        return "; ".join(parts) + "."

    def to_json_dict(self) -> dict[str, Any]:
        """The ``tpm build-vs-buy --json`` payload (DESIGN.md §4.2); NaN becomes ``null``."""
        pct = self.npv_percentiles([10, 50, 90])
        se = {q: self.npv_percentile_se(q) for q in (10, 50, 90)}
        opts = []
        for i, o in enumerate(self.point.options):
            opts.append(
                {
                    "name": o.name,
                    "kind": o.kind,
                    "pv_costs": _num(o.pv_costs),
                    "pv_benefits": _num(o.pv_benefits),
                    "npv": {
                        "mean": _num(self.npv[i].mean()),
                        "p10": _num(pct[i, 0]),
                        "p50": _num(pct[i, 1]),
                        "p90": _num(pct[i, 2]),
                        "std": _num(self.npv[i].std()),
                        "se_mean": _num(self.npv[i].std() / np.sqrt(self.iterations)),
                        "se_p10": _num(se[10][i]),
                        "se_p50": _num(se[50][i]),
                        "se_p90": _num(se[90][i]),
                    },
                    "npv_point": _num(o.npv),
                    "roi": _num(o.roi),
                    "irr": _num(o.irr),
                    "irr_multiple": o.irr_multiple,
                    "payback_period": _num(o.payback_period),
                    "discounted_payback_period": _num(o.discounted_payback_period),
                    "tco": _num(o.tco_nominal),
                    "tco_discounted": _num(o.tco_discounted),
                }
            )
        names = self.option_names
        payload: dict[str, Any] = {
            "iterations": self.iterations,
            "period": self.scenario.period,
            "horizon": self.scenario.horizon,
            "currency": self.scenario.currency,
            "options": opts,
            "prob_best": {n: float(p) for n, p in zip(names, self.prob_best, strict=True)},
            "prob_best_tied": self.prob_best_tied,
            "prob_beats": {
                a: {b: float(self.prob_beats[i, j]) for j, b in enumerate(names) if j != i}
                for i, a in enumerate(names)
            },
            "prob_build_beats": self.prob_build_beats(),
            "verdict": self.verdict(),
        }
        if self.tornado is not None:
            t = self.tornado
            payload["tornado"] = {
                "leader": t.leader,
                "runner_up": t.runner_up,
                "base_difference": _num(t.base_difference),
                "inputs": [
                    {
                        "input": r.input,
                        "low_value": _num(r.low_value),
                        "high_value": _num(r.high_value),
                        "difference_at_low": _num(r.difference_at_low),
                        "difference_at_high": _num(r.difference_at_high),
                        "swing": _num(r.swing),
                        "flips": bool(r.flips),
                    }
                    for r in t.frame.itertuples()
                ],
            }
        if self.scoring is not None:
            sc = self.scoring
            payload["scoring"] = {
                "method": sc.method,
                "weights": {c: float(w) for c, w in zip(sc.criteria, sc.weights, strict=True)},
                "consistency_ratio": _num(sc.consistency_ratio),
                "lambda_max": _num(sc.ahp.lambda_max) if sc.ahp else None,
                "scores": dict(sc.totals),
                "raw_scores": {k: list(v) for k, v in sc.scores.items()},
                "warning": sc.warning,
            }
        return payload


def _num(v: object) -> float | None:
    if v is None:
        return None
    f = float(v)  # type: ignore[arg-type]
    return f if np.isfinite(f) else None


def simulate(
    scenario: Scenario,
    *,
    iterations: int = 10_000,
    rng: RNGLike = None,
    method: SamplingMethod = "monte_carlo",
    tornado: bool = True,
) -> BuildVsBuyResult:
    """Monte Carlo over every uncertain amount, with common random numbers across options.

    Examples
    --------
    >>> from tpm_models.build_vs_buy.scenario import parse_scenario
    >>> est = {"low": 80, "likely": 100, "high": 150}
    >>> opt = {"name": "A", "lines": [{"name": "Gain", "kind": "benefit", "amount": est}]}
    >>> s = parse_scenario({"schema_version": 1, "horizon": 3, "discount_rate": 0.1,
    ...     "options": [opt, {**opt, "name": "A copy"}]})
    >>> r = simulate(s, iterations=2000, rng=1)
    >>> r.prob_best.tolist(), r.prob_best_tied
    ([0.0, 0.0], 1.0)
    """
    if iterations < 1:
        raise ValueError("iterations must be >= 1")
    c = _checked(scenario)
    gen = as_generator(rng)
    n_draws = len(c.draws())
    u = uniforms(n_draws, iterations, gen, method)
    k = len(scenario.options)
    npv = np.empty((k, iterations))
    pv_costs = np.empty((k, iterations))
    for start in range(0, iterations, _CHUNK):
        stop = min(start + _CHUNK, iterations)
        x = c.inputs_from_uniforms(u[:, start:stop])
        pc, pb = c.present_values(x)
        npv[:, start:stop] = pb - pc
        pv_costs[:, start:stop] = pc
    del u
    tol = 1e-9 * (1.0 + np.abs(npv).max(axis=0))
    best = npv.max(axis=0)
    is_best = npv >= best - tol
    n_best = is_best.sum(axis=0)
    prob_best = (is_best & (n_best == 1)).mean(axis=1)
    prob_tied = float((n_best > 1).mean())
    prob_beats = np.zeros((k, k))
    prob_tie = np.ones((k, k))
    for i in range(k):
        for j in range(i + 1, k):
            d = npv[i] - npv[j]
            prob_beats[i, j] = float((d > tol).mean())
            prob_beats[j, i] = float((d < -tol).mean())
            prob_tie[i, j] = prob_tie[j, i] = 1.0 - prob_beats[i, j] - prob_beats[j, i]
    result_tornado = None
    if tornado and k > 1:
        order = np.argsort(-npv.mean(axis=1), kind="stable")
        result_tornado = _tornado(c, int(order[0]), int(order[1]))
    scoring = score_options(scenario.scoring, scenario.option_names()) if scenario.scoring else None
    return BuildVsBuyResult(
        scenario=scenario,
        iterations=iterations,
        point=_point(c),
        npv=npv,
        pv_costs=pv_costs,
        prob_best=prob_best,
        prob_best_tied=prob_tied,
        prob_beats=prob_beats,
        prob_tie=prob_tie,
        tornado=result_tornado,
        scoring=scoring,
    )


# --------------------------------------------------------------------------------------------
# break-even
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BreakEvenResult:
    """Where ``NPV(option_a) − NPV(option_b)`` crosses 0 as one input varies.

    Attributes
    ----------
    variable, label : str
        Input id (see :func:`break_even_variables`) and its human label.
    current_value : float
        The input's most-likely value in the scenario.
    values, difference : arrays (points,)
        The grid of input values and the NPV difference (money) at each.
    break_even : float or None
        The input value where the options tie (closest crossing to the current value), or
        ``None`` when the difference does not change sign in the range.
    """

    variable: str
    label: str
    option_a: str
    option_b: str
    current_value: float
    values: FloatArray
    difference: FloatArray
    break_even: float | None
    unit: str = "amount"

    def format(self, value: float) -> str:
        """An input value as text: rates as percentages, scales with ×, others as numbers."""
        if self.unit == "rate":
            return f"{value:.1%}"
        if self.unit == "scale":
            return f"×{value:.3g}"
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"

    @property
    def message(self) -> str:
        if self.break_even is None:
            lo, hi = self.values[0], self.values[-1]
            return (
                f"No break-even in range: {self.option_a} vs {self.option_b} does not change "
                f"order for {self.label} between {self.format(lo)} and {self.format(hi)}."
            )
        return (
            f"{self.option_a} and {self.option_b} tie when {self.label} = "
            f"{self.format(self.break_even)} (now {self.format(self.current_value)})."
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"value": self.values, "npv_difference": self.difference})


def break_even_variables(scenario: Scenario) -> dict[str, str]:
    """Inputs a break-even can vary: ``{id: label}``.

    Ids: ``seats.initial``, ``seats.growth``, ``discount_rate``, and ``line:O:L`` for line L of
    option O (its ``amount``, or a scale factor × for a ``values`` line).
    """
    out: dict[str, str] = {}
    if scenario.seats is not None:
        out["seats.initial"] = "Seats today (period 0)"
        out["seats.growth"] = "Seat growth (a year)"
    out["discount_rate"] = "Discount rate (a year)"
    for o, opt in enumerate(scenario.options):
        for j, line in enumerate(opt.lines):
            if line.amount is not None:
                if line.amount.likely != 0:
                    unit = " per seat" if line.per_seat else ""
                    out[f"line:{o}:{j}"] = f"{opt.name} · {line.name} (amount{unit})"
            else:
                out[f"line:{o}:{j}"] = f"{opt.name} · {line.name} (× scale)"
    return out


def _variable_setup(c: CompiledScenario, variable: str) -> tuple[float, tuple[float, float], str]:
    s = c.scenario
    if variable == "seats.initial" and s.seats is not None:
        cur = s.seats.initial.likely
        return cur, (0.0, max(3 * cur, 10.0)), "seats"
    if variable == "seats.growth" and s.seats is not None:
        cur = s.seats.growth.likely
        return cur, (max(-0.5, cur - 0.5), max(1.0, cur + 0.5)), "rate"
    if variable == "discount_rate":
        cur = s.discount_rate
        return cur, (0.0, max(0.5, 2 * cur)), "rate"
    if variable.startswith("line:"):
        try:
            _, o_txt, j_txt = variable.split(":")
            line = s.options[int(o_txt)].lines[int(j_txt)]
        except (ValueError, IndexError):
            raise ValueError(f"unknown break-even variable {variable!r}") from None
        if line.amount is None:
            return 1.0, (0.0, 3.0), "scale"
        cur = line.amount.likely
        if cur == 0:
            raise ValueError("cannot scale a line whose amount is 0")
        return cur, (min(0.0, 3 * cur), max(0.0, 3 * cur)), "amount"
    raise ValueError(f"unknown break-even variable {variable!r}")


def _difference_fn(
    c: CompiledScenario, variable: str, a: int, b: int, current: float, kind: str
) -> Any:
    base = c.likely_inputs()

    def diff(values: FloatArray) -> FloatArray:
        v = np.atleast_1d(np.asarray(values, dtype=np.float64))
        x = np.repeat(base, v.size, axis=1)
        rate: FloatArray | None = None
        mult: dict[tuple[int, int], FloatArray] | None = None
        if variable == "seats.initial":
            x[SEATS_ROW] = v
        elif variable == "seats.growth":
            x[GROWTH_ROW] = v
        elif variable == "discount_rate":
            rate = (1.0 + v) ** (1.0 / c.scenario.periods_per_year) - 1.0
        else:
            _, o_txt, j_txt = variable.split(":")
            scale = v / current if kind == "amount" else v
            mult = {(int(o_txt), int(j_txt)): scale}
        pc, pb = c.present_values(x, rate_per_period=rate, multipliers=mult)
        out: FloatArray = (pb[a] - pc[a]) - (pb[b] - pc[b])
        return out

    return diff


def break_even(
    scenario: Scenario,
    variable: str,
    option_a: str,
    option_b: str,
    *,
    low: float | None = None,
    high: float | None = None,
    points: int = 121,
) -> BreakEvenResult:
    """The value of ``variable`` at which ``option_a`` and ``option_b`` have equal NPV.

    Examples
    --------
    >>> from tpm_models.build_vs_buy.scenario import parse_scenario
    >>> s = parse_scenario({"schema_version": 1, "horizon": 1, "discount_rate": 0.0,
    ...     "seats": {"initial": 10},
    ...     "options": [
    ...       {"name": "Build", "kind": "build", "lines": [
    ...           {"name": "Dev", "kind": "cost", "amount": 1000, "start": 0, "end": 0}]},
    ...       {"name": "Buy", "lines": [
    ...           {"name": "Licence", "kind": "cost", "amount": 50, "per_seat": True}]}]})
    >>> round(break_even(s, "seats.initial", "Build", "Buy").break_even, 6)
    20.0
    """
    c = _checked(scenario)
    names = scenario.option_names()
    for n in (option_a, option_b):
        if n not in names:
            raise ValueError(f"no option named {n!r}")
    a, b = names.index(option_a), names.index(option_b)
    current, (lo_default, hi_default), kind = _variable_setup(c, variable)
    lo = lo_default if low is None else low
    hi = hi_default if high is None else high
    if not hi > lo:
        raise ValueError("the break-even range needs high > low")
    f = _difference_fn(c, variable, a, b, current, kind)
    grid = np.linspace(lo, hi, points)
    diff = f(grid)
    sign = np.sign(diff)
    found: float | None = None
    exact = np.flatnonzero(sign == 0)
    cross = np.flatnonzero(sign[:-1] * sign[1:] < 0)
    candidates = [float(grid[i]) for i in exact]
    for i in cross:
        root = optimize.brentq(
            lambda v: float(f(np.array([v]))[0]), grid[i], grid[i + 1], xtol=1e-12, rtol=1e-12
        )
        candidates.append(float(root))
    if candidates and not np.all(sign == 0):
        found = min(candidates, key=lambda v: abs(v - current))
    labels = break_even_variables(scenario)
    return BreakEvenResult(
        variable=variable,
        label=labels.get(variable, variable),
        option_a=option_a,
        option_b=option_b,
        current_value=current,
        values=grid,
        difference=diff,
        break_even=found,
        unit="rate" if kind == "rate" else "scale" if kind == "scale" else "amount",
    )
