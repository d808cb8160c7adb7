"""Scenario lines → per-period cash flows, vectorised over trials (columns).

A scenario is *compiled* once into an input table (one row per distinct assumption: seats,
seat growth, every line amount / value entry, cost of delay, exit cost) and, per option, a list
of lines that say which input row feeds each period and with which multiplier. Evaluating the
compiled scenario on an input matrix ``X`` of shape ``(n_inputs, n_columns)`` gives cash flows of
shape ``(periods, n_columns)``: one column per Monte Carlo trial, tornado point or break-even
grid point. Common random numbers come for free: options that share an assumption read the same
row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from tpm_models.build_vs_buy.scenario import Line, Scenario
from tpm_models.estimates import Estimate, sample_from_uniforms

__all__ = ["CompiledLine", "CompiledScenario", "InputSpec", "compile_scenario"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

SEATS_ROW = 0
GROWTH_ROW = 1


@dataclass(frozen=True)
class InputSpec:
    """One assumption: a row of the input matrix.

    Attributes
    ----------
    key : str
        Identity used to share the row between options (common random numbers).
    label : str
        Human label, e.g. ``"Vendor A · Licences"``.
    estimate : Estimate
        Its three-point estimate (degenerate when fixed).
    unit : str
        ``"money"``, ``"seats"`` or ``"rate"``.
    draw_key : str
        Rows with the same draw key get the same uniform in every trial (one assumption);
        equal to ``key`` unless a line names its ``assumption``.
    """

    key: str
    label: str
    estimate: Estimate
    unit: str = "money"
    draw_key: str = ""


@dataclass(frozen=True)
class CompiledLine:
    """A line ready to evaluate: cash flow_t = sign · X[rows_t] · factor_t · (seats_t)."""

    option: int
    line: int  # index in option.lines, or -1 cost of delay, -2 exit cost
    name: str
    is_cost: bool
    rows: IntArray  # (periods,) input row per period
    factor: FloatArray  # (periods,) escalation × in-range mask (0 outside)
    per_seat: bool


@dataclass(frozen=True)
class CompiledScenario:
    """The scenario as input rows + per-option lines (see module docstring)."""

    scenario: Scenario
    inputs: tuple[InputSpec, ...]
    lines: tuple[tuple[CompiledLine, ...], ...]  # per option
    rate_per_period: float
    growth_to_period: bool = field(default=True)

    @property
    def n_periods(self) -> int:
        return self.scenario.horizon + 1

    def likely_inputs(self) -> FloatArray:
        """The input vector at most-likely values, shape ``(n_inputs, 1)``."""
        return np.array([[i.estimate.likely] for i in self.inputs], dtype=np.float64)

    def uncertain_rows(self) -> list[int]:
        return [k for k, i in enumerate(self.inputs) if not i.estimate.is_degenerate]

    def draws(self) -> dict[str, list[int]]:
        """Uncertain input rows grouped by assumption (draw key), in input order."""
        out: dict[str, list[int]] = {}
        for k in self.uncertain_rows():
            out.setdefault(self.inputs[k].draw_key, []).append(k)
        return out

    def inputs_from_uniforms(self, u: FloatArray) -> FloatArray:
        """Input matrix ``(n_inputs, n)`` from one uniform row per assumption (``draws()``)."""
        groups = list(self.draws().values())
        if u.shape[0] != len(groups):
            raise ValueError(f"need {len(groups)} uniform rows, got {u.shape[0]}")
        n = u.shape[1]
        x = np.empty((len(self.inputs), n))
        x[:] = self.likely_inputs()
        rows = [r for g in groups for r in g]
        src = np.array([gi for gi, g in enumerate(groups) for _ in g], dtype=np.intp)
        if rows:
            x[rows] = sample_from_uniforms([self.inputs[r].estimate for r in rows], u[src])
        return x

    def discount_factors(self, rate_per_period: FloatArray | float | None = None) -> FloatArray:
        """``(1 + r)^−t`` for t = 0..horizon; shape ``(periods, 1)`` or ``(periods, n)``."""
        r = self.rate_per_period if rate_per_period is None else rate_per_period
        t = np.arange(self.n_periods, dtype=np.float64)[:, None]
        rr = np.atleast_1d(np.asarray(r, dtype=np.float64))[None, :]
        out: FloatArray = (1.0 + rr) ** -t
        return out

    def seats(self, x: FloatArray) -> FloatArray:
        """Seats per period, ``(periods, n)``: initial · (1 + g)^t (period 0 is "initial")."""
        s = self.scenario
        growth_annual = x[GROWTH_ROW]
        g = (1.0 + growth_annual) ** (1.0 / s.periods_per_year) - 1.0
        expo = np.arange(self.n_periods, dtype=np.float64)[:, None]
        out: FloatArray = x[SEATS_ROW][None, :] * (1.0 + g[None, :]) ** expo
        return out

    def cash_flows(
        self,
        x: FloatArray,
        *,
        multipliers: dict[tuple[int, int], FloatArray] | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        """Cost and benefit cash flows (both as positive amounts).

        Parameters
        ----------
        x : array, shape (n_inputs, n)
            Input values per column.
        multipliers : dict, optional
            ``{(option, line): array (n,)}`` scales one line per column (break-even).

        Returns
        -------
        costs, benefits : arrays of shape (n_options, periods, n), money per period.
        """
        n = x.shape[1]
        k = len(self.lines)
        costs = np.zeros((k, self.n_periods, n))
        benefits = np.zeros((k, self.n_periods, n))
        seats: FloatArray | None = None
        for o, lines in enumerate(self.lines):
            for cl in lines:
                if cl.rows.min() == cl.rows.max():
                    cf = cl.factor[:, None] * x[cl.rows[0]][None, :]
                else:
                    cf = cl.factor[:, None] * x[cl.rows]
                if cl.per_seat:
                    if seats is None:
                        seats = self.seats(x)
                    cf = cf * seats
                if multipliers is not None and (o, cl.line) in multipliers:
                    cf = cf * multipliers[(o, cl.line)][None, :]
                if cl.is_cost:
                    costs[o] += cf
                else:
                    benefits[o] += cf
        return costs, benefits

    def present_values(
        self,
        x: FloatArray,
        *,
        rate_per_period: FloatArray | float | None = None,
        multipliers: dict[tuple[int, int], FloatArray] | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        """PV of costs and of benefits per option and column: two arrays ``(n_options, n)``."""
        costs, benefits = self.cash_flows(x, multipliers=multipliers)
        d = self.discount_factors(rate_per_period)
        return _discount_sum(costs, d), _discount_sum(benefits, d)


def _discount_sum(cf: FloatArray, d: FloatArray) -> FloatArray:
    """Σ_t d_t · cf_t over the period axis, in a fixed order so every column is summed alike."""
    acc: FloatArray = cf[:, 0, :] * d[0]
    for t in range(1, cf.shape[1]):
        acc += cf[:, t, :] * d[t]
    return acc


def _estimate_key(e: Estimate) -> str:
    return f"{e.distribution}:{e.low!r}:{e.likely!r}:{e.high!r}:{e.pert_lambda!r}"


class _Builder:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.inputs: list[InputSpec] = []
        self.index: dict[str, int] = {}

    def row(
        self,
        key: str,
        label: str,
        estimate: Estimate,
        unit: str = "money",
        draw_key: str | None = None,
    ) -> int:
        if estimate.is_degenerate:
            # fixed values never need sharing: one row each keeps labels exact
            key = f"{key}#fixed{len(self.inputs)}"
        if key not in self.index:
            self.index[key] = len(self.inputs)
            self.inputs.append(InputSpec(key, label, estimate, unit, draw_key or key))
        return self.index[key]


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Compile a validated scenario for vectorised evaluation.

    Examples
    --------
    >>> from tpm_models.build_vs_buy.scenario import parse_scenario
    >>> s = parse_scenario({"schema_version": 1, "horizon": 2, "discount_rate": 0.1,
    ...     "options": [{"name": "B", "lines": [
    ...         {"name": "Run", "kind": "cost", "amount": 100, "start": 1, "escalation": 0.1}]}]})
    >>> c = compile_scenario(s)
    >>> costs, benefits = c.cash_flows(c.likely_inputs())
    >>> costs[0, :, 0].round(6).tolist()
    [0.0, 100.0, 110.0]
    """
    s = scenario
    b = _Builder(s)
    seats = s.seats
    zero = Estimate.fixed(0.0)
    b.row("seats.initial", "Seats today (period 0)", seats.initial if seats else zero, "seats")
    b.row("seats.growth", "Seat growth (a year)", seats.growth if seats else zero, "rate")
    n_periods = s.horizon + 1
    t = np.arange(n_periods)
    compiled: list[tuple[CompiledLine, ...]] = []
    for o, opt in enumerate(s.options):
        out: list[CompiledLine] = []
        shift = opt.time_to_value
        for j, line in enumerate(opt.lines):
            rows, factor = _line_pattern(b, s, opt.name, line, n_periods)
            if line.kind == "benefit" and shift:
                rows = np.concatenate([np.full(shift, rows[0]), rows[: n_periods - shift]])
                factor = np.concatenate([np.zeros(shift), factor[: n_periods - shift]])
            out.append(
                CompiledLine(o, j, line.name, line.kind == "cost", rows, factor, line.per_seat)
            )
        if opt.cost_of_delay is not None and shift:
            r = b.row(
                f"{opt.name}|cost_of_delay|{_estimate_key(opt.cost_of_delay)}",
                f"{opt.name} · cost of delay",
                opt.cost_of_delay,
            )
            factor = ((t >= 1) & (t <= shift)).astype(np.float64)
            out.append(
                CompiledLine(o, -1, "Cost of delay", True, np.full(n_periods, r), factor, False)
            )
        if opt.exit_cost is not None:
            r = b.row(
                f"{opt.name}|exit_cost|{_estimate_key(opt.exit_cost)}",
                f"{opt.name} · exit cost",
                opt.exit_cost,
            )
            factor = (t == s.horizon).astype(np.float64)
            out.append(CompiledLine(o, -2, "Exit cost", True, np.full(n_periods, r), factor, False))
        compiled.append(tuple(out))
    return CompiledScenario(
        scenario=s,
        inputs=tuple(b.inputs),
        lines=tuple(compiled),
        rate_per_period=s.per_period_rate(s.discount_rate),
    )


def _line_pattern(
    b: _Builder, s: Scenario, option: str, line: Line, n_periods: int
) -> tuple[IntArray, FloatArray]:
    label = f"{option} · {line.name}"
    base_key = f"{line.kind}|{line.name}"
    shared = f"assumption|{line.assumption}" if line.assumption else None
    if line.values is not None:
        rows = np.array(
            [
                b.row(
                    f"{base_key}|v{t}|{_estimate_key(e)}",
                    f"{label} (period {t})",
                    e,
                    draw_key=f"{shared}|v{t}" if shared else None,
                )
                for t, e in enumerate(line.values)
            ],
            dtype=np.intp,
        )
        return rows, np.ones(n_periods)
    assert line.amount is not None
    row = b.row(
        f"{base_key}|amount|{_estimate_key(line.amount)}", label, line.amount, draw_key=shared
    )
    start, end = line.start, s.horizon if line.end is None else line.end
    t = np.arange(n_periods, dtype=np.float64)
    esc = s.per_period_rate(line.escalation)
    factor = np.where((t >= start) & (t <= end), (1.0 + esc) ** (t - start), 0.0)
    return np.full(n_periods, row, dtype=np.intp), factor
