"""The team-capacity scenario: roster, hires, demand and the parameters of the staffing model.

A scenario is one JSON object (DESIGN.md §4.1.1) validated into :class:`CapacityScenario`.
Every problem is reported with its JSON path (``hires[2].role``) so the page and the CLI can
point at the bad value.

Conventions (the engine in :mod:`tpm_models.team_capacity.simulate` follows them exactly)
------------------------------------------------------------------------------------------
Months
    ``start_month`` (``YYYY-MM``) is the first month of the horizon; ``months`` months are
    simulated. Month ``t`` (0-based) is the calendar month ``start_month + t``; the start month
    has the roster as entered.
Roster
    Each ``roles`` line is a group of ``headcount`` people of ``role`` who each work ``fte``
    (1.0 = full time). A role may have several lines (e.g. employees and contractors). A line
    with ``start_month`` joins, fully productive, in that month; a line with ``end_month``
    leaves after that month and its leavers are not backfilled (temporary staff).
Hires
    ``target_month`` is the month the hire is *wanted to start*. Its requisition opens at the
    start of month ``target − ⌈likely time to hire⌉``; the person arrives ``time_to_hire``
    months later (a draw from the three-point estimate) and counts from the first month that
    starts at or after the arrival, but never before ``target_month``. So
    ``start = target + max(0, ⌈TTH⌉ − ⌈TTH likely⌉)``: a hire that takes the likely time starts
    on time, a slower one starts late. ``count`` people per line; optional ``fte`` (default 1)
    and ``ramp_months`` (default the scenario's) model e.g. juniors vs seniors.
Demand
    ``demand`` lines give the effective FTE a role needs *from* ``month`` on (a step function:
    the value holds until the role's next line; 0 before its first line). ``person_days``
    instead of ``fte`` is converted with ``working_days_per_month``. ``backlogs`` spread a
    backlog of person-days evenly over the months from ``start_month`` (default the horizon
    start) to ``due_month`` inclusive. Demand is in *effective* FTE: after focus and PTO.
Holidays/PTO
    ``pto_fraction`` of working time, or ``pto_days_per_month`` days per person (a share of
    ``working_days_per_month``), or ``pto_by_calendar_month`` (12 fractions, Jan..Dec).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from tpm_models.errors import InputError
from tpm_models.estimates import Estimate
from tpm_models.io.tables import Source
from tpm_models.scenario_files import SCHEMA_VERSION, check_envelope, version_problem

__all__ = [
    "SCHEMA_VERSION",
    "Backfill",
    "Backlog",
    "CapacityScenario",
    "DemandLine",
    "FunnelRates",
    "Hire",
    "PlanAlternative",
    "RosterLine",
    "SolverSettings",
    "add_months",
    "load_scenario",
    "month_index",
    "month_label",
    "validate_scenario",
]

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def _check_month(value: str) -> str:
    m = _MONTH_RE.match(value.strip()) if isinstance(value, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        raise ValueError(f"{value!r} is not a month; write it as YYYY-MM, e.g. 2027-03")
    return value.strip()


#: A calendar month written ``YYYY-MM``.
Month = Annotated[str, AfterValidator(_check_month)]


def month_index(start_month: str, month: str) -> int:
    """0-based offset of ``month`` from ``start_month`` (both ``YYYY-MM``).

    Examples
    --------
    >>> month_index("2027-01", "2027-03")
    2
    >>> month_index("2027-11", "2028-02")
    3
    """
    y0, m0 = (int(x) for x in start_month.split("-"))
    y1, m1 = (int(x) for x in month.split("-"))
    return (y1 - y0) * 12 + (m1 - m0)


def add_months(month: str, n: int) -> str:
    """The month ``n`` months after ``month`` (``YYYY-MM``).

    Examples
    --------
    >>> add_months("2027-11", 3)
    '2028-02'
    """
    y, m = (int(x) for x in month.split("-"))
    k = y * 12 + (m - 1) + n
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def month_label(month: str) -> str:
    """A readable month.

    Examples
    --------
    >>> month_label("2027-03")
    'Mar 2027'
    """
    y, m = (int(x) for x in month.split("-"))
    return dt.date(y, m, 1).strftime("%b %Y")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RosterLine(_Frozen):
    """A group of people of one role (see the module docstring)."""

    role: str = Field(min_length=1, max_length=60)
    headcount: int = Field(ge=0, le=100_000)
    fte: float = Field(default=1.0, gt=0, le=1.0, allow_inf_nan=False)
    start_month: Month | None = None
    end_month: Month | None = None


class Hire(_Frozen):
    """``count`` hires of ``role`` wanted to start in ``target_month``."""

    role: str = Field(min_length=1, max_length=60)
    count: int = Field(ge=0, le=1_000)
    target_month: Month
    fte: float = Field(default=1.0, gt=0, le=1.0, allow_inf_nan=False)
    ramp_months: int | None = Field(default=None, ge=0, le=36)
    label: str | None = Field(default=None, max_length=80)


class DemandLine(_Frozen):
    """Demand of ``role`` from ``month`` on, in effective FTE or person-days per month."""

    role: str = Field(min_length=1, max_length=60)
    month: Month
    fte: float | None = Field(default=None, ge=0, le=1e6, allow_inf_nan=False)
    person_days: float | None = Field(default=None, ge=0, le=1e8, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_unit(self) -> Self:
        if (self.fte is None) == (self.person_days is None):
            raise ValueError("give exactly one of 'fte' or 'person_days'")
        return self


class Backlog(_Frozen):
    """A backlog of ``person_days`` for ``role`` due by the end of ``due_month``."""

    role: str = Field(min_length=1, max_length=60)
    person_days: float = Field(ge=0, le=1e8, allow_inf_nan=False)
    due_month: Month
    start_month: Month | None = None


class Backfill(_Frozen):
    """Backfill policy: replace leavers after ``lag_months`` (three-point, months)."""

    enabled: bool = True
    lag_months: Estimate = Field(default_factory=lambda: Estimate(low=2, likely=3, high=5))

    @field_validator("lag_months")
    @classmethod
    def _lag_nonneg(cls, v: Estimate) -> Estimate:
        if v.low < 0 or v.high > 36 or v.distribution in ("normal",):
            raise ValueError("lag_months needs 0 <= low and high <= 36 (and not 'normal')")
        return v


class FunnelRates(_Frozen):
    """Stage conversion rates of the hiring funnel (each in (0, 1])."""

    applicant_to_screen: float = Field(default=0.3, gt=0, le=1)
    screen_to_interview: float = Field(default=0.4, gt=0, le=1)
    interview_to_offer: float = Field(default=0.3, gt=0, le=1)
    offer_to_accept: float = Field(default=0.8, gt=0, le=1)


class SolverSettings(_Frozen):
    """What the hiring-plan solver aims at (stored in the scenario so the page round-trips)."""

    confidence: float = Field(default=0.8, gt=0, lt=1)
    target_month: Month | None = None
    until_month: Month | None = None
    max_hires_per_role: int = Field(default=10, ge=0, le=100)
    earliest_month: Month | None = None


class PlanAlternative(_Frozen):
    """A named alternative hiring plan (replaces the scenario's ``hires``)."""

    name: str = Field(min_length=1, max_length=80)
    hires: tuple[Hire, ...] = ()


def _time_to_hire_default() -> Estimate:
    return Estimate(low=1, likely=2, high=4)


class CapacityScenario(_Frozen):
    """A team-capacity scenario (DESIGN.md §4.1.1). See the module docstring for conventions.

    Examples
    --------
    >>> sc = CapacityScenario(
    ...     start_month="2027-01",
    ...     months=12,
    ...     roles=[RosterLine(role="Backend", headcount=10)],
    ...     demand=[DemandLine(role="Backend", month="2027-01", fte=7)],
    ... )
    >>> sc.role_names
    ('Backend',)
    """

    schema_version: int = SCHEMA_VERSION
    #: Written in every file; optional on read (tpm_models.scenario_files).
    tool: Literal["capacity"] = "capacity"
    name: str | None = Field(default=None, max_length=120)
    start_month: Month
    months: int = Field(ge=1, le=120)
    roles: tuple[RosterLine, ...]
    attrition_annual: float = Field(default=0.0, ge=0, lt=1, allow_inf_nan=False)
    backfill: Backfill = Field(default_factory=lambda: Backfill(enabled=False))
    hires: tuple[Hire, ...] = ()
    time_to_hire_months: Estimate = Field(default_factory=_time_to_hire_default)
    ramp_months: int = Field(default=3, ge=0, le=36)
    ramp_curve: Literal["linear", "s_curve"] = "linear"
    onboarding_drag: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False)
    focus_factor: float = Field(default=1.0, gt=0, le=1, allow_inf_nan=False)
    pto_fraction: float = Field(default=0.0, ge=0, lt=1, allow_inf_nan=False)
    pto_days_per_month: float | None = Field(default=None, ge=0, le=31, allow_inf_nan=False)
    pto_by_calendar_month: tuple[float, ...] | None = None
    working_days_per_month: float = Field(default=21.0, gt=0, le=31, allow_inf_nan=False)
    demand: tuple[DemandLine, ...] = ()
    backlogs: tuple[Backlog, ...] = ()
    funnel: FunnelRates = Field(default_factory=FunnelRates)
    solver: SolverSettings = Field(default_factory=SolverSettings)
    alternatives: tuple[PlanAlternative, ...] = ()

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        msg = version_problem(v)
        if msg is not None:
            raise ValueError(msg)
        return v

    @field_validator("roles")
    @classmethod
    def _some_roles(cls, v: tuple[RosterLine, ...]) -> tuple[RosterLine, ...]:
        if not v:
            raise ValueError("the roster needs at least one role line")
        return v

    @field_validator("time_to_hire_months")
    @classmethod
    def _tth_range(cls, v: Estimate) -> Estimate:
        if v.low < 0 or v.high > 36 or v.distribution == "normal":
            raise ValueError("time to hire needs 0 <= low and high <= 36 months (not 'normal')")
        return v

    @field_validator("pto_by_calendar_month")
    @classmethod
    def _pto12(cls, v: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if v is not None and (len(v) != 12 or any(not 0 <= x < 1 for x in v)):
            raise ValueError("pto_by_calendar_month needs 12 fractions in [0, 1), Jan..Dec")
        return v

    @model_validator(mode="after")
    def _cross_checks(self) -> Self:
        errors: list[InitErrorDetails] = []

        def bad(loc: tuple[str | int, ...], msg: str, value: Any) -> None:
            errors.append(
                InitErrorDetails(type=PydanticCustomError("scenario", msg), loc=loc, input=value)
            )

        roles = set(self.role_names)
        end = self.months - 1
        known = ", ".join(self.role_names)

        def check_month(loc: tuple[str | int, ...], month: str, lo: int = 0) -> None:
            k = month_index(self.start_month, month)
            if not lo <= k <= end:
                first = add_months(self.start_month, lo)
                last = add_months(self.start_month, end)
                bad(loc, f"month {month} is outside the horizon {first}..{last}", month)

        for i, r in enumerate(self.roles):
            if r.start_month is not None:
                check_month(("roles", i, "start_month"), r.start_month)
            if r.end_month is not None:
                k_end = month_index(self.start_month, r.end_month)
                k_start = (
                    0 if r.start_month is None else month_index(self.start_month, r.start_month)
                )
                if k_end < k_start:
                    bad(("roles", i, "end_month"), "end_month is before start_month", r.end_month)
        hire_lists: list[tuple[tuple[str | int, ...], tuple[Hire, ...]]] = [((), self.hires)]
        hire_lists += [(("alternatives", j), a.hires) for j, a in enumerate(self.alternatives)]
        for prefix, hires in hire_lists:
            for i, h in enumerate(hires):
                loc: tuple[str | int, ...] = (*prefix, "hires", i)
                if h.role not in roles:
                    bad((*loc, "role"), f"unknown role {h.role!r}; the roster has {known}", h.role)
                check_month((*loc, "target_month"), h.target_month)
        for i, d in enumerate(self.demand):
            if d.role not in roles:
                bad(
                    ("demand", i, "role"),
                    f"unknown role {d.role!r}; the roster has {known}",
                    d.role,
                )
            check_month(("demand", i, "month"), d.month)
        for i, b in enumerate(self.backlogs):
            if b.role not in roles:
                bad(
                    ("backlogs", i, "role"),
                    f"unknown role {b.role!r}; the roster has {known}",
                    b.role,
                )
            check_month(("backlogs", i, "due_month"), b.due_month)
            if b.start_month is not None:
                check_month(("backlogs", i, "start_month"), b.start_month)
                if month_index(b.start_month, b.due_month) < 0:
                    bad(
                        ("backlogs", i, "due_month"), "due_month is before start_month", b.due_month
                    )
        s = self.solver
        for key in ("target_month", "until_month", "earliest_month"):
            v = getattr(s, key)
            if v is not None:
                check_month(("solver", key), v)
        if s.target_month and s.until_month and month_index(s.target_month, s.until_month) < 0:
            bad(("solver", "until_month"), "until_month is before target_month", s.until_month)
        if (
            self.pto_days_per_month is not None
            and self.pto_days_per_month >= self.working_days_per_month
        ):
            bad(
                ("pto_days_per_month",),
                "PTO days per month must be fewer than working_days_per_month",
                self.pto_days_per_month,
            )
        names = [a.name for a in self.alternatives]
        for j, n in enumerate(names):
            if n in names[:j]:
                bad(("alternatives", j, "name"), f"duplicate alternative name {n!r}", n)
        if errors:
            raise ValidationError.from_exception_data("CapacityScenario", errors)
        return self

    # --- derived ---------------------------------------------------------------------
    @property
    def role_names(self) -> tuple[str, ...]:
        """Roles in the order they first appear in the roster."""
        return tuple(dict.fromkeys(r.role for r in self.roles))

    @property
    def month_labels(self) -> tuple[str, ...]:
        """``YYYY-MM`` of each simulated month."""
        return tuple(add_months(self.start_month, k) for k in range(self.months))

    @property
    def end_month(self) -> str:
        """The last simulated month (``YYYY-MM``)."""
        return add_months(self.start_month, self.months - 1)

    def index(self, month: str) -> int:
        """0-based index of ``month`` in the horizon."""
        return month_index(self.start_month, month)

    @property
    def requisition_lead_months(self) -> int:
        """Months a requisition opens before a hire's wanted start: ⌈likely time to hire⌉."""
        return math.ceil(self.time_to_hire_months.likely - 1e-9)

    def demand_matrix(self) -> list[list[float]]:
        """Demand in effective FTE, one row per role (``role_names`` order), one column a month.

        Examples
        --------
        >>> sc = CapacityScenario(
        ...     start_month="2027-01", months=4, roles=[RosterLine(role="QA", headcount=3)],
        ...     demand=[DemandLine(role="QA", month="2027-02", fte=2)],
        ...     backlogs=[Backlog(role="QA", person_days=84, due_month="2027-04")],
        ... )
        >>> sc.demand_matrix()
        [[1.0, 3.0, 3.0, 3.0]]
        """
        roles = self.role_names
        out = [[0.0] * self.months for _ in roles]
        wd = self.working_days_per_month
        for r_i, role in enumerate(roles):
            lines = sorted((self.index(d.month), d) for d in self.demand if d.role == role)
            for j, (k, d) in enumerate(lines):
                k_next = lines[j + 1][0] if j + 1 < len(lines) else self.months
                fte = d.fte if d.fte is not None else (d.person_days or 0.0) / wd
                for t in range(k, k_next):
                    out[r_i][t] = fte
            for b in self.backlogs:
                if b.role != role:
                    continue
                k0 = 0 if b.start_month is None else self.index(b.start_month)
                k1 = self.index(b.due_month)
                per_month = b.person_days / wd / (k1 - k0 + 1)
                for t in range(k0, k1 + 1):
                    out[r_i][t] += per_month
        return out

    def pto_by_month(self) -> list[float]:
        """Fraction of time lost to holidays/PTO in each simulated month.

        ``pto_by_calendar_month`` (12 fractions, Jan..Dec) wins over ``pto_days_per_month``
        (days lost per person per month, as a share of ``working_days_per_month``), which wins
        over ``pto_fraction``.
        """
        if self.pto_by_calendar_month is None:
            if self.pto_days_per_month is not None:
                return [self.pto_days_per_month / self.working_days_per_month] * self.months
            return [self.pto_fraction] * self.months
        return [self.pto_by_calendar_month[int(m.split("-")[1]) - 1] for m in self.month_labels]


def validate_scenario(data: Mapping[str, Any], source: str = "scenario") -> CapacityScenario:
    """Validate a scenario dict (a parsed scenario file); raises :class:`InputError` with JSON
    paths as columns. ``schema_version`` is required (DESIGN §4.1.1); another tool's file or
    an unknown version is refused first (:func:`tpm_models.scenario_files.check_envelope`).

    Examples
    --------
    >>> data = {"schema_version": 1, "start_month": "2027-01", "months": 6,
    ...         "roles": [{"role": "QA", "headcount": 3}],
    ...         "hires": [{"role": "Ops", "count": 1, "target_month": "2027-02"}]}
    >>> try:
    ...     validate_scenario(data, source="team.json")
    ... except InputError as err:
    ...     print(err)
    team.json:hires[0].role: unknown role 'Ops'; the roster has QA
    """
    from tpm_models.io import problems_from_validation_error

    payload = check_envelope(data, "capacity", source)
    try:
        return CapacityScenario.model_validate(payload)
    except ValidationError as exc:
        raise InputError(problems_from_validation_error(exc, source)) from None


def load_scenario(source: Source, *, name: str | None = None) -> CapacityScenario:
    """Read a scenario JSON file (path, bytes or binary file) with located problems.

    Examples
    --------
    >>> sc = load_scenario(b'{"schema_version": 1, "start_month": "2027-01", "months": 12,'
    ...                    b' "roles": [{"role": "QA", "headcount": 3}]}')
    >>> sc.end_month
    '2027-12'
    """
    from tpm_models.io.json_models import parse_json_object
    from tpm_models.io.tables import read_source_bytes, source_name

    src = source_name(source, name)
    return validate_scenario(parse_json_object(read_source_bytes(source, src), src), src)
