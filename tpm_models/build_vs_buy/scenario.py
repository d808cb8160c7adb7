"""The build-vs-buy scenario: options made of cost and benefit lines over a horizon of periods.

Conventions (DESIGN.md §3.4, §4.1.1)
------------------------------------
* Periods are numbered ``0..horizon``. Period 0 is "initial" (today) and is not discounted;
  period ``t`` is discounted by ``(1 + r)^t``. Excel's ``NPV(r, v1..vn)`` discounts its *first*
  value by one period, so ``NPV(r, v1..vn) + v0`` equals the NPV computed here.
* ``discount_rate``, ``seats.growth`` and every line's ``escalation`` are **annual** rates.
  With ``period="month"`` they are converted to monthly rates ``(1 + a)^(1/12) − 1``.
* A line is either explicit ``values`` (one entry per period ``0..horizon``) or a recurring
  ``amount`` paid/received in every period ``start..end`` (inclusive; defaults ``1..horizon``),
  grown by ``escalation`` per period after ``start``: ``amount · (1 + e)^(t − start)``, times the
  seat count of period ``t`` when ``per_seat``.
* Seats: ``seats_t = initial · (1 + growth)^t``. Period 0 is "initial" (DESIGN §3.4), so
  ``initial`` is today's head count and it compounds every period from there: with 200 seats
  growing 10% a year, a per-seat line pays for 220 seats in year 1 and 242 in year 2.
* Costs and benefits are entered as positive amounts; ``kind`` gives the sign of the cash flow.
* ``time_to_value`` (periods) delays every benefit line of an option: what would have arrived in
  period ``t`` arrives in ``t + time_to_value``; whatever is pushed past the horizon is lost.
  ``cost_of_delay`` is an extra cost per period of that delay, paid in periods
  ``1..time_to_value`` (e.g. running the old tool meanwhile). ``exit_cost`` is a one-off cost in
  the last period (switching away / decommissioning at the end of the horizon).
* Any amount may be a number or a three-point estimate
  ``{"low", "likely", "high", "distribution"}``. Lines with the same ``assumption`` label — or,
  without one, the same name, kind and estimate — are one assumption: in every Monte Carlo trial
  they get the same draw in every option (common random numbers).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from tpm_models.errors import InputError, Problem
from tpm_models.estimates import Estimate
from tpm_models.io.json_models import (
    load_json_model,
    parse_json_object,
    problems_from_validation_error,
)
from tpm_models.io.tables import Source
from tpm_models.scenario_files import SCHEMA_VERSION, check_envelope, version_problem

__all__ = [
    "SCHEMA_VERSION",
    "Amount",
    "Line",
    "Option",
    "Scenario",
    "Scoring",
    "Seats",
    "load_scenario",
    "parse_scenario",
    "scenario_problems",
]

MAX_HORIZON = {"year": 100, "month": 1200}
MAX_CRITERIA = 10
#: Tolerance of the reciprocity check a_ji · a_ij = 1 (so 0.333 passes for 1/3).
RECIPROCAL_TOLERANCE = 0.01
_FROZEN = ConfigDict(frozen=True, extra="forbid")


def _to_estimate(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("must be a number or a {low, likely, high} estimate, not true/false")
    if isinstance(value, int | float):
        return Estimate.fixed(float(value))
    return value


def _estimate_json(value: Estimate) -> float | dict[str, Any]:
    if value.distribution == "fixed":
        return value.likely
    out: dict[str, Any] = {
        "low": value.low,
        "likely": value.likely,
        "high": value.high,
        "distribution": value.distribution,
    }
    if value.pert_lambda != 4.0:
        out["pert_lambda"] = value.pert_lambda
    return out


#: A number (fixed) or a three-point estimate; serialises back to the same JSON shape.
Amount = Annotated[
    Estimate,
    BeforeValidator(_to_estimate),
    PlainSerializer(_estimate_json, return_type=float | dict[str, Any]),
]


class Seats(BaseModel):
    """Seat count today (period 0, "initial") and its annual growth rate."""

    model_config = _FROZEN
    initial: Amount
    growth: Amount = Field(default_factory=lambda: Estimate.fixed(0.0))

    @field_validator("initial")
    @classmethod
    def _non_negative(cls, v: Estimate) -> Estimate:
        if v.low < 0:
            raise ValueError("seats cannot be negative")
        return v

    @field_validator("growth")
    @classmethod
    def _above_minus_one(cls, v: Estimate) -> Estimate:
        if v.low <= -1:
            raise ValueError("growth must be above -1 (-100% a year)")
        return v


class Line(BaseModel):
    """A cost or benefit line: explicit per-period ``values`` or a recurring ``amount``."""

    model_config = _FROZEN
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["cost", "benefit"]
    values: tuple[Amount, ...] | None = None
    amount: Amount | None = None
    start: int = Field(default=1, ge=0)
    end: int | None = Field(default=None, ge=0)
    escalation: float = Field(default=0.0, gt=-1.0, le=10.0, allow_inf_nan=False)
    per_seat: bool = False
    assumption: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _one_shape(self) -> Self:
        if (self.values is None) == (self.amount is None):
            raise ValueError(
                "give either `values` (one per period 0..horizon) or `amount` (recurring), "
                "not both or neither"
            )
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self


class Option(BaseModel):
    """One way to get the capability: build, buy (a vendor), hybrid or keep the status quo."""

    model_config = _FROZEN
    name: str = Field(min_length=1, max_length=100)
    kind: Literal["build", "buy", "hybrid", "status_quo"] = "buy"
    description: str = Field(default="", max_length=2000)
    lines: tuple[Line, ...] = ()
    time_to_value: int = Field(default=0, ge=0)
    cost_of_delay: Amount | None = None
    exit_cost: Amount | None = None

    @field_validator("name")
    @classmethod
    def _strip(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("an option needs a name")
        return v


class Scoring(BaseModel):
    """Non-financial criteria: ``weights`` directly, or an AHP ``pairwise`` matrix."""

    model_config = _FROZEN
    criteria: tuple[str, ...] = Field(min_length=1)
    weights: tuple[float, ...] | None = None
    pairwise: tuple[tuple[float, ...], ...] | None = None
    scores: dict[str, tuple[float, ...]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_weighting(self) -> Self:
        if (self.weights is None) == (self.pairwise is None):
            raise ValueError("give either `weights` or a `pairwise` matrix, not both or neither")
        return self


class Scenario(BaseModel):
    """A build-vs-buy decision (DESIGN.md §4.1.1). See the module docstring for conventions.

    Examples
    --------
    >>> s = parse_scenario({"schema_version": 1, "horizon": 2, "discount_rate": 0.1,
    ...     "options": [{"name": "Build", "kind": "build", "lines": [
    ...         {"name": "Dev", "kind": "cost", "values": [100, 0, 0]}]}]})
    >>> s.options[0].lines[0].values[0].likely
    100.0
    """

    model_config = _FROZEN
    schema_version: int
    #: Written in every file; optional on read (tpm_models.scenario_files).
    tool: Literal["build-vs-buy"] = "build-vs-buy"
    title: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=5000)
    currency: str = Field(default="USD", max_length=12)
    period: Literal["year", "month"] = "year"
    horizon: int = Field(ge=1)
    discount_rate: float = Field(gt=-1.0, le=10.0, allow_inf_nan=False)
    seats: Seats | None = None
    options: tuple[Option, ...] = Field(min_length=1, max_length=20)
    scoring: Scoring | None = None

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        msg = version_problem(v)
        if msg is not None:
            raise ValueError(msg)
        return v

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Self:
        if isinstance(info.context, Mapping) and info.context.get("defer_checks"):
            return self
        problems = scenario_problems(self, "scenario")
        if problems:
            raise ValueError("; ".join(f"{p.column}: {p.message}" for p in problems))
        return self

    @property
    def periods_per_year(self) -> int:
        return 1 if self.period == "year" else 12

    def per_period_rate(self, annual: float) -> float:
        """Convert an annual rate to this scenario's period: ``(1 + a)^(1/m) − 1``."""
        return float((1.0 + annual) ** (1.0 / self.periods_per_year) - 1.0)

    def option_names(self) -> list[str]:
        return [o.name for o in self.options]

    def to_json(self) -> str:
        """The scenario as JSON text with ``schema_version`` and ``tool`` (re-reads to an equal
        scenario)."""
        return json.dumps(self.model_dump(mode="json", exclude_none=True), indent=2)


def scenario_problems(s: Scenario, source: str) -> list[Problem]:
    """Cross-field checks, each located by its JSON path (``options[0].lines[1].values``)."""
    out: list[Problem] = []

    def add(path: str, msg: str) -> None:
        out.append(Problem(source, msg, None, path))

    if s.horizon > MAX_HORIZON[s.period]:
        add("horizon", f"at most {MAX_HORIZON[s.period]} periods when period is {s.period!r}")
        return out
    n_values = s.horizon + 1
    seen: dict[str, int] = {}
    for i, opt in enumerate(s.options):
        if opt.name in seen:
            add(
                f"options[{i}].name",
                f"duplicate option name {opt.name!r} (also options[{seen[opt.name]}])",
            )
        seen.setdefault(opt.name, i)
        if opt.time_to_value > s.horizon:
            add(
                f"options[{i}].time_to_value",
                f"{opt.time_to_value} is beyond the horizon ({s.horizon})",
            )
        for j, line in enumerate(opt.lines):
            path = f"options[{i}].lines[{j}]"
            if line.values is not None and len(line.values) != n_values:
                add(
                    f"{path}.values",
                    f"has {len(line.values)} entries; need {n_values} "
                    f"(one per period 0..{s.horizon})",
                )
            if line.amount is not None:
                if line.start > s.horizon:
                    add(f"{path}.start", f"{line.start} is beyond the horizon ({s.horizon})")
                if line.end is not None and line.end > s.horizon:
                    add(f"{path}.end", f"{line.end} is beyond the horizon ({s.horizon})")
            if line.per_seat and s.seats is None:
                add(f"{path}.per_seat", "a per-seat line needs `seats` in the scenario")
    if s.scoring is not None:
        out.extend(_scoring_problems(s.scoring, s.option_names(), source))
    return out


def _scoring_problems(sc: Scoring, names: list[str], source: str) -> list[Problem]:
    out: list[Problem] = []

    def add(path: str, msg: str) -> None:
        out.append(Problem(source, msg, None, path))

    n = len(sc.criteria)
    if n > MAX_CRITERIA:
        add("scoring.criteria", f"at most {MAX_CRITERIA} criteria (Saaty's random index table)")
    if len(set(sc.criteria)) != n:
        add("scoring.criteria", "criteria must have distinct names")
    if sc.weights is not None:
        if len(sc.weights) != n:
            add("scoring.weights", f"has {len(sc.weights)} weights; need {n} (one per criterion)")
        elif any(w < 0 for w in sc.weights) or sum(sc.weights) <= 0:
            add("scoring.weights", "weights must be >= 0 and not all 0")
    if sc.pairwise is not None:
        m = sc.pairwise
        if len(m) != n or any(len(r) != n for r in m):
            add("scoring.pairwise", f"must be a {n}×{n} matrix (one row and column per criterion)")
        else:
            for a in range(n):
                for b in range(n):
                    v = m[a][b]
                    p = f"scoring.pairwise[{a}][{b}]"
                    if not (v > 0 and v < float("inf")):
                        add(p, f"must be a positive number, got {v:g}")
                    elif a == b and abs(v - 1.0) > 1e-9:
                        add(p, f"the diagonal must be 1 (a criterion vs itself), got {v:g}")
                    elif a > b and m[b][a] > 0 and abs(v * m[b][a] - 1.0) > RECIPROCAL_TOLERANCE:
                        add(
                            p,
                            f"must be the reciprocal of pairwise[{b}][{a}] = {m[b][a]:g}, "
                            f"i.e. {1 / m[b][a]:.4g}; got {v:g}",
                        )
    for name, row in sc.scores.items():
        p = f"scoring.scores.{name}"
        if name not in names:
            add(p, f"no option named {name!r}; options are {', '.join(map(repr, names))}")
        elif len(row) != n:
            add(p, f"has {len(row)} scores; need {n} (one per criterion)")
    return out


def parse_scenario(payload: Mapping[str, Any] | str | bytes, source: str = "scenario") -> Scenario:
    """Validate a scenario (a dict or JSON text); every problem is located by its JSON path.

    Raises
    ------
    InputError
        With one problem per bad value, ``column`` = the JSON path.
    """
    if isinstance(payload, str | bytes):
        payload = parse_json_object(payload, source)
    payload = check_envelope(payload, "build-vs-buy", source)
    try:
        s = Scenario.model_validate(payload, context={"defer_checks": True})
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, source)
        # report the cross-field problems of the parts that did parse too, so a user can fix
        # the file in one pass
        seen = {p.column for p in problems}
        problems += [p for p in _raw_problems(payload, source) if p.column not in seen]
        raise InputError(problems) from None
    problems = scenario_problems(s, source)
    if problems:
        raise InputError(problems)
    return s


def _raw_problems(payload: Mapping[str, Any], source: str) -> list[Problem]:
    """Cross-field checks on a payload that failed field validation (best effort)."""
    out: list[Problem] = []
    horizon = payload.get("horizon")
    options = payload.get("options")
    if isinstance(horizon, int) and horizon >= 1 and isinstance(options, list):
        for i, opt in enumerate(options):
            lines = opt.get("lines") if isinstance(opt, Mapping) else None
            for j, line in enumerate(lines if isinstance(lines, list) else []):
                values = line.get("values") if isinstance(line, Mapping) else None
                if isinstance(values, list) and len(values) != horizon + 1:
                    out.append(
                        Problem(
                            source,
                            f"has {len(values)} entries; need {horizon + 1} "
                            f"(one per period 0..{horizon})",
                            None,
                            f"options[{i}].lines[{j}].values",
                        )
                    )
    scoring = payload.get("scoring")
    if isinstance(scoring, Mapping) and isinstance(options, list):
        try:
            sc = Scoring.model_validate(scoring)
        except ValidationError:
            return out
        names = [o.get("name") for o in options if isinstance(o, Mapping)]
        out += _scoring_problems(sc, [n for n in names if isinstance(n, str)], source)
    return out


def load_scenario(source: Source, *, name: str | None = None) -> Scenario:
    """Read a scenario JSON file (path, bytes or binary file) with located problems."""
    from tpm_models.io.tables import source_name

    src = source_name(source, name)

    class _Raw(BaseModel):
        model_config = ConfigDict(extra="allow")

    raw = load_json_model(source, _Raw, name=src)
    return parse_scenario(raw.model_dump(), src)
