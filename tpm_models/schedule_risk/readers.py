"""Read schedule inputs (tasks, risks, correlations, holidays) from CSV, Excel, MS Project XML,
a scenario JSON, or an edited DataFrame — with every problem located by file, row and column.

Formats (DESIGN.md §4.1; CSV or ``.xlsx`` with the same columns, UTF-8, ``,`` or ``;``):

Tasks
    ``id,name,low,likely,high,distribution,predecessors`` (+ optional ``owner,phase``).
    Durations are working days. ``distribution`` is one of ``pert`` (the default when blank),
    ``triangular``, ``uniform``, ``normal``, ``lognormal``, ``fixed`` (any case).
    ``predecessors`` is a ``;``-separated list of ``ID``, ``ID:TYPE``, ``ID:TYPE+LAG`` or
    ``ID:TYPE-LAG``: TYPE is FS, SS, FF or SF (any case), LAG working days (decimals allowed),
    spaces are ignored, e.g. ``A; B:SS+2; C:FF-1``. A ``,`` also separates items.
Risks
    ``id,name,probability,impact_low,impact_likely,impact_high,impact_unit,tasks``
    (+ optional ``distribution``, default ``pert``). ``probability`` is a fraction in [0, 1]
    or a percentage written with ``%`` (``35%`` = 0.35); a bare number above 1 is refused
    rather than guessed. ``impact_unit`` is ``days`` (the default when blank) or ``percent``
    (``%`` accepted); a percent impact of 10 means 10% of the hit task's duration.
    ``tasks`` is a ``;``-separated list of task ids.
Correlations
    ``task_a,task_b,rho`` with rho in [-1, 1] (Spearman rank correlation of the durations).
Holidays
    ``date`` (+ optional ``name``), dates as ``YYYY-MM-DD``.

Every reader collects all problems in a file, then raises one
:class:`~tpm_models.errors.InputError`. Row numbers are spreadsheet rows (header = row 1);
for an edited table (``*_from_frame``) a problem's row is the table's 1-based row index.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal, cast

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tpm_models.calendar import WorkCalendar
from tpm_models.errors import InputError, Problem, ProblemCollector
from tpm_models.estimates import DISTRIBUTIONS, Distribution, Estimate
from tpm_models.io.json_models import parse_json_object, problems_from_validation_error
from tpm_models.io.tables import (
    RowParser,
    Table,
    normalise_column,
    parse_number,
    read_source_bytes,
    read_table,
    source_name,
)
from tpm_models.limits import MAX_RISKS, MAX_TASKS
from tpm_models.scenario_files import SCHEMA_VERSION, check_envelope
from tpm_models.schedule_risk.network import (
    Correlation,
    Dependency,
    LinkType,
    NetworkIssue,
    Risk,
    ScheduleInputs,
    Task,
    network_issues,
)

__all__ = [
    "RISK_COLUMNS",
    "TASK_COLUMNS",
    "correlations_from_frame",
    "correlations_to_frame",
    "format_predecessors",
    "load_schedule",
    "parse_predecessors",
    "read_correlations",
    "read_holidays",
    "read_risks",
    "read_tasks",
    "risks_from_frame",
    "risks_to_frame",
    "schedule_from_frames",
    "schedule_from_json",
    "schedule_to_json",
    "tasks_from_frame",
    "tasks_to_frame",
]

Source = str | os.PathLike[str] | bytes | IO[bytes]

#: Columns of a tasks table, in output order.
TASK_COLUMNS = (
    "id",
    "name",
    "low",
    "likely",
    "high",
    "distribution",
    "predecessors",
    "owner",
    "phase",
)
#: Columns of a risks table, in output order.
RISK_COLUMNS = (
    "id",
    "name",
    "probability",
    "impact_low",
    "impact_likely",
    "impact_high",
    "impact_unit",
    "tasks",
    "distribution",
)
CORRELATION_COLUMNS = ("task_a", "task_b", "rho")

_TASK_REQUIRED = ("id", "low", "likely", "high")
_TASK_OPTIONAL = ("name", "distribution", "predecessors", "owner", "phase")
_TASK_ALIASES = {
    "task": "id",
    "task_id": "id",
    "optimistic": "low",
    "min": "low",
    "most_likely": "likely",
    "mode": "likely",
    "pessimistic": "high",
    "max": "high",
    "dist": "distribution",
    "predecessor": "predecessors",
    "depends_on": "predecessors",
}
_RISK_REQUIRED = ("id", "probability", "impact_low", "impact_likely", "impact_high", "tasks")
_RISK_OPTIONAL = ("name", "impact_unit", "distribution")
_RISK_ALIASES = {"risk": "id", "risk_id": "id", "task": "tasks", "affected_tasks": "tasks"}
_CORR_ALIASES = {"correlation": "rho", "spearman": "rho", "r": "rho"}
_LINK_TYPES: tuple[LinkType, ...] = ("FS", "SS", "FF", "SF")
_UNITS = {"days": "days", "day": "days", "d": "days", "percent": "percent", "%": "percent"}
_UNITS.update({"pct": "percent"})

TableName = Literal["tasks", "risks", "correlations"]


# --- predecessors ----------------------------------------------------------------------------
def _parse_predecessor_items(text: str) -> tuple[list[Dependency], list[str]]:
    """Parse a predecessors cell; return the links and one message per bad item."""
    deps: list[Dependency] = []
    errors: list[str] = []
    for raw_item in re.split(r"[;,]", text):
        item = raw_item.strip()
        if not item:
            continue
        if ":" not in item:
            deps.append(Dependency(predecessor=item))
            continue
        pred, rest = (part.strip() for part in item.rsplit(":", 1))
        if not pred:
            errors.append(f"{item!r} has no task id before ':'")
            continue
        spec = re.sub(r"\s+", "", rest).replace("\u2212", "-")
        kind = spec[:2].upper()
        if kind not in _LINK_TYPES:
            errors.append(
                f"{item!r}: link type {spec[:2] or '(none)'!r} is not one of FS, SS, FF, SF "
                "(write e.g. B:SS+2)"
            )
            continue
        lag_text = spec[2:]
        lag = 0.0
        if lag_text:
            if lag_text[0] not in "+-":
                errors.append(f"{item!r}: write the lag after the type as +N or -N (e.g. B:SS+2)")
                continue
            number = lag_text[1:]
            number = re.sub(r"(?i)(days?|d)$", "", number)
            value = parse_number(number) if number else None
            if value is None or not math.isfinite(value):
                errors.append(
                    f"{item!r}: lag {lag_text[1:]!r} is not a number of working days "
                    "(write e.g. B:FS+2 or B:FF-1.5)"
                )
                continue
            lag = -value if lag_text[0] == "-" else value
        deps.append(Dependency(predecessor=pred, type=kind, lag_days=lag))
    return deps, errors


def parse_predecessors(text: str) -> tuple[Dependency, ...]:
    """Parse the DESIGN §4.1 predecessor syntax.

    Raises ``ValueError`` naming every bad item.

    Examples
    --------
    >>> [(d.predecessor, d.type, d.lag_days) for d in parse_predecessors("A; b:ss+2; C:FF-1.5")]
    [('A', 'FS', 0.0), ('b', 'SS', 2.0), ('C', 'FF', -1.5)]
    """
    deps, errors = _parse_predecessor_items(text)
    if errors:
        raise ValueError("; ".join(errors))
    return tuple(deps)


def _format_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def format_predecessors(deps: Sequence[Dependency]) -> str:
    """The inverse of :func:`parse_predecessors`.

    Examples
    --------
    >>> format_predecessors(parse_predecessors("A; B:SS+2; C:FF-1; D:FS"))
    'A; B:SS+2; C:FF-1; D'
    """
    out = []
    for d in deps:
        if d.lag_days == 0:
            out.append(d.predecessor if d.type == "FS" else f"{d.predecessor}:{d.type}")
        else:
            sign = "+" if d.lag_days > 0 else "-"
            out.append(f"{d.predecessor}:{d.type}{sign}{_format_number(abs(d.lag_days))}")
    return "; ".join(out)


# --- row parsing -----------------------------------------------------------------------------
@dataclass
class _Parsed:
    """Models parsed from one table, with the row number of each (for locating issues).

    ``models`` may hold placeholders for rows that had problems (so other rows' references to
    them resolve); ``ok`` says which entries are real.
    """

    source: str
    models: list[Any]
    rows: list[int | None]  # None for MS Project XML tasks (no spreadsheet rows)
    ok: list[bool]

    def real(self) -> tuple[Any, ...]:
        return tuple(m for m, good in zip(self.models, self.ok, strict=True) if good)


def _column_of(exc: ValidationError, mapping: Mapping[str, str]) -> list[tuple[str | None, str]]:
    out = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"]]
        col = mapping.get(loc[0]) if loc else None
        out.append((col, err["msg"].removeprefix("Value error, ")))
    return out


def _estimate(
    p: RowParser,
    i: int,
    cols: tuple[str, str, str],
    distribution: str | None,
    *,
    non_negative: bool,
) -> Estimate | None:
    """Read a three-point estimate from three columns, with located ordering problems."""
    values = [p.number(i, c) for c in cols]
    if any(v is None for v in values) or distribution is None:
        return None
    low, likely, high = (cast(float, v) for v in values)
    bad = False
    if non_negative:
        for c, v in zip(cols, (low, likely, high), strict=True):
            if v < 0:
                p.add(i, c, f"{v:g} is negative; durations cannot be negative")
                bad = True
                break
    if bad:
        return None
    if low > likely:
        p.add(i, cols[0], f"{cols[0]} ({low:g}) is above {cols[1]} ({likely:g}); need low ≤ likely")
        bad = True
    if likely > high:
        p.add(
            i, cols[2], f"{cols[2]} ({high:g}) is below {cols[1]} ({likely:g}); need likely ≤ high"
        )
        bad = True
    if low > high and not bad:  # pragma: no cover - implied by the two checks above
        p.add(i, cols[0], "low is above high")
        bad = True
    if bad:
        return None
    try:
        return Estimate(
            low=low, likely=likely, high=high, distribution=cast(Distribution, distribution)
        )
    except ValidationError as exc:
        for _col, msg in _column_of(exc, {}):
            p.add(i, cols[0], msg)
        return None


def _row_parser(table: Table, problems: ProblemCollector | None) -> RowParser:
    # RowParser(table, problems) would replace an *empty* collector (it is falsy) with a new
    # one, so attach ours afterwards.
    p = RowParser(table)
    if problems is not None:
        p.problems = problems
    return p


def _parse_tasks(table: Table, problems: ProblemCollector | None = None) -> _Parsed:
    p = _row_parser(table, problems)
    models: list[Any] = []
    oks: list[bool] = []
    for i in range(len(table)):
        row_ok = True
        tid = p.text(i, "id")
        if tid is not None and len(tid) > 200:
            p.add(i, "id", "is longer than 200 characters")
            tid = None
        dist = p.choice(i, "distribution", DISTRIBUTIONS, default="pert")
        est = _estimate(p, i, ("low", "likely", "high"), dist, non_negative=True)
        deps, errors = _parse_predecessor_items(table.rows[i].get("predecessors", ""))
        for msg in errors:
            p.add(i, "predecessors", msg)
        fields = {c: table.rows[i].get(c, "") for c in ("name", "owner", "phase")}
        task: Task | None = None
        if tid is not None and est is not None and not errors:
            try:
                task = Task(id=tid, duration=est, predecessors=tuple(deps), **fields)
            except ValidationError as exc:
                mapping = {k: k for k in ("id", "name", "owner", "phase", "predecessors")}
                mapping["duration"] = "low"
                for col, msg in _column_of(exc, mapping):
                    p.add(i, col, msg)
        if task is None:
            row_ok = False
            # A placeholder keeps the row's id and links so other rows' references resolve
            # and cycles through it are still found.
            placeholder_id = tid or f"\u0000row{table.row_numbers[i]}"
            task = Task(id=placeholder_id, duration=Estimate.fixed(0.0), predecessors=tuple(deps))
        models.append(task)
        oks.append(row_ok)
    return _Parsed(table.source, models, list[int | None](table.row_numbers), oks)


def _probability(p: RowParser, i: int) -> float | None:
    raw = p.table.rows[i].get("probability", "")
    if raw == "":
        p.add(i, "probability", "is empty; enter a probability such as 0.3 or 30%")
        return None
    percent = raw.rstrip().endswith("%")
    value = parse_number(raw.rstrip().removesuffix("%"))
    if value is None or not math.isfinite(value):
        p.add(i, "probability", f"{raw!r} is not a probability; write e.g. 0.3 or 30%")
        return None
    if percent:
        value /= 100.0
    if not 0.0 <= value <= 1.0:
        hint = (
            "; write a fraction such as 0.35 or a percentage such as 35%"
            if not percent and 1 < value <= 100
            else ""
        )
        p.add(i, "probability", f"{raw} is not between 0 and 1 (0% and 100%){hint}")
        return None
    return value


def _split_ids(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in re.split(r"[;,]", text) if s.strip())


def _parse_risks(table: Table, problems: ProblemCollector | None = None) -> _Parsed:
    p = _row_parser(table, problems)
    models: list[Any] = []
    oks: list[bool] = []
    rows: list[int | None] = []
    for i in range(len(table)):
        rid = p.text(i, "id")
        prob = _probability(p, i)
        dist = p.choice(i, "distribution", DISTRIBUTIONS, default="pert")
        impact = _estimate(
            p, i, ("impact_low", "impact_likely", "impact_high"), dist, non_negative=False
        )
        unit_raw = table.rows[i].get("impact_unit", "").strip().lower()
        unit = _UNITS.get(unit_raw or "days")
        if unit is None:
            p.add(i, "impact_unit", f"{unit_raw!r} is not a unit; use days or percent")
        elif unit == "percent" and impact is not None and impact.low < -100:
            p.add(
                i,
                "impact_low",
                f"{impact.low:g}% would shorten a task by more than its whole duration; "
                "a percent impact must be at least -100",
            )
            impact = None
        tasks = _split_ids(table.rows[i].get("tasks", ""))
        if not tasks:
            p.add(i, "tasks", "is empty; list the ids of the tasks this risk delays, ';'-separated")
        risk: Risk | None = None
        if rid is not None and prob is not None and impact is not None and unit and tasks:
            try:
                risk = Risk(
                    id=rid,
                    name=table.rows[i].get("name", ""),
                    probability=prob,
                    impact=impact,
                    impact_unit=cast(Literal["days", "percent"], unit),
                    tasks=tasks,
                )
            except ValidationError as exc:
                mapping = {k: k for k in ("id", "name", "probability", "impact_unit", "tasks")}
                mapping["impact"] = "impact_low"
                for col, msg in _column_of(exc, mapping):
                    p.add(i, col, msg)
        if risk is not None:
            models.append(risk)
            oks.append(True)
        elif tasks:  # keep its task references checked
            models.append(
                Risk(
                    id=rid or f"\u0000row{i}", probability=0, impact=Estimate.fixed(0), tasks=tasks
                )
            )
            oks.append(False)
        else:
            continue
        rows.append(table.row_numbers[i])
    return _Parsed(table.source, models, rows, oks)


def _parse_correlations(table: Table, problems: ProblemCollector | None = None) -> _Parsed:
    p = _row_parser(table, problems)
    models: list[Any] = []
    oks: list[bool] = []
    rows: list[int | None] = []
    for i in range(len(table)):
        a = p.text(i, "task_a")
        b = p.text(i, "task_b")
        rho = p.number(i, "rho")
        if rho is not None and not -1.0 <= rho <= 1.0:
            p.add(i, "rho", f"{rho:g} is not between -1 and 1")
            rho = None
        if a is None or b is None:
            continue
        models.append(Correlation(task_a=a, task_b=b, rho=0.0 if rho is None else rho))
        oks.append(rho is not None)
        rows.append(table.row_numbers[i])
    return _Parsed(table.source, models, rows, oks)


def _parse_holidays(table: Table, problems: ProblemCollector | None = None) -> list[dt.date]:
    p = _row_parser(table, problems)
    out = []
    for i in range(len(table)):
        d = p.date(i, "date")
        if d is not None:
            out.append(d)
    return sorted(set(out))


def _issue_problems(
    issues: Sequence[NetworkIssue], parsed: Mapping[str, _Parsed], *, json_paths: bool = False
) -> list[Problem]:
    """Locate network issues at the file row and column they came from.

    Issues caused only by placeholder rows (rows already reported) are dropped.
    """
    out = []
    for issue in issues:
        table = parsed.get(issue.table)
        if table is None:
            out.append(Problem(issue.table, issue.message, None, issue.field))
            continue
        if "\u0000" in issue.message:
            continue  # an unnamed row's placeholder; the row's own problem says it all
        if issue.index is None:
            out.append(Problem(table.source, issue.message, None, issue.field))
        elif json_paths:
            out.append(
                Problem(
                    table.source, issue.message, None, f"{issue.table}[{issue.index}].{issue.field}"
                )
            )
        else:
            out.append(Problem(table.source, issue.message, table.rows[issue.index], issue.field))
    return out


def _check(
    collector: ProblemCollector,
    tasks: _Parsed | None,
    risks: _Parsed | None = None,
    correlations: _Parsed | None = None,
) -> None:
    parsed: dict[str, _Parsed] = {}
    if tasks is not None:
        parsed["tasks"] = tasks
    if risks is not None:
        parsed["risks"] = risks
    if correlations is not None:
        parsed["correlations"] = correlations
    issues = network_issues(
        tasks.models if tasks else (),
        risks.models if risks else (),
        correlations.models if correlations else (),
    )
    if tasks is None:  # no task list to check against: keep only within-table issues
        issues = [i for i in issues if "unknown task" not in i.message]
    collector.extend(_issue_problems(issues, parsed))


# --- public readers --------------------------------------------------------------------------
def _table(source: Source, name: str | None, kind: str) -> Table:
    if kind == "tasks":
        return read_table(
            source,
            required=_TASK_REQUIRED,
            optional=_TASK_OPTIONAL,
            name=name,
            aliases=_TASK_ALIASES,
        )
    if kind == "risks":
        return read_table(
            source,
            required=_RISK_REQUIRED,
            optional=_RISK_OPTIONAL,
            name=name,
            aliases=_RISK_ALIASES,
        )
    if kind == "correlations":
        return read_table(source, required=CORRELATION_COLUMNS, name=name, aliases=_CORR_ALIASES)
    return read_table(source, required=("date",), optional=("name",), name=name)


def read_tasks(source: Source, name: str | None = None) -> tuple[Task, ...]:
    """Read a tasks CSV/xlsx (or MS Project XML) and check its network (duplicates, unknown
    links, cycles).

    Examples
    --------
    >>> tasks = read_tasks(b"id,name,low,likely,high,predecessors\\nA,Plan,1,2,4,\\nB,,2,3,5,A\\n")
    >>> [(t.id, t.duration.mean, t.predecessors[0].predecessor if t.predecessors else "")
    ...  for t in tasks]
    [('A', 2.1666666666666665, ''), ('B', 3.1666666666666665, 'A')]
    """
    src = name or source_name(source, None)
    data = read_source_bytes(source, src)
    if _looks_like_xml(data, src):
        from tpm_models.schedule_risk.mspdi import read_mspdi

        return read_mspdi(data, name=src).tasks
    table = _table(data, src, "tasks")
    collector = ProblemCollector(table.source)
    parsed = _parse_tasks(table, collector)
    _check(collector, parsed)
    collector.raise_if_any()
    return cast(tuple[Task, ...], parsed.real())


def read_risks(source: Source, name: str | None = None) -> tuple[Risk, ...]:
    """Read a risk register CSV/xlsx (task ids are checked by :func:`load_schedule`).

    Examples
    --------
    >>> r = read_risks(b"id,probability,impact_low,impact_likely,impact_high,impact_unit,tasks\\n"
    ...                b"R1,35%,2,4,9,days,A;B\\n")
    >>> r[0].probability, r[0].tasks
    (0.35, ('A', 'B'))
    """
    table = _table(source, name, "risks")
    collector = ProblemCollector(table.source)
    parsed = _parse_risks(table, collector)
    _check(collector, None, risks=parsed)
    collector.raise_if_any()
    return cast(tuple[Risk, ...], parsed.real())


def read_correlations(source: Source, name: str | None = None) -> tuple[Correlation, ...]:
    """Read ``task_a,task_b,rho`` pairs (task ids are checked by :func:`load_schedule`).

    Examples
    --------
    >>> read_correlations(b"task_a,task_b,rho\\nA,B,0.5\\n")[0].rho
    0.5
    """
    table = _table(source, name, "correlations")
    collector = ProblemCollector(table.source)
    parsed = _parse_correlations(table, collector)
    _check(collector, None, correlations=parsed)
    collector.raise_if_any()
    return cast(tuple[Correlation, ...], parsed.real())


def read_holidays(source: Source, name: str | None = None) -> tuple[dt.date, ...]:
    """Read a ``date`` (+ optional ``name``) table of non-working days, sorted and unique.

    Examples
    --------
    >>> read_holidays(b"date,name\\n2027-12-25,Christmas\\n2027-01-01,New Year\\n")
    (datetime.date(2027, 1, 1), datetime.date(2027, 12, 25))
    """
    table = _table(source, name, "holidays")
    collector = ProblemCollector(table.source)
    days = _parse_holidays(table, collector)
    collector.raise_if_any()
    return tuple(days)


def _looks_like_xml(data: bytes, name: str) -> bool:
    if name.lower().endswith(".xml"):
        return True
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def _as_date(value: dt.date | str | None, source: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError.single(source, f"{value!r} is not a date; use YYYY-MM-DD") from None


def _read_part(
    kind: str,
    source: Source | None,
    name: str | None,
    parse: Callable[[Table, ProblemCollector], _Parsed],
    problems: list[Problem],
) -> _Parsed | None:
    if source is None:
        return None
    try:
        table = _table(source, name, kind)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    cap = {"tasks": MAX_TASKS, "risks": MAX_RISKS}.get(kind)
    if cap is not None and len(table) > cap:
        # refused before parsing: a 200,000-row file would otherwise be checked row by row
        problems.append(Problem(table.source, _too_many(kind, len(table), cap)))
        return None
    collector = ProblemCollector(table.source)
    out = parse(table, collector)
    problems.extend(collector.problems)
    return out


def _too_many(kind: str, n: int, cap: int) -> str:
    hint = {
        "tasks": "simulate a summary level of the plan (e.g. work packages) instead",
        "risks": "keep the risks that matter; merge the small ones",
    }[kind]
    return f"{n:,} {kind} is more than the {cap:,} allowed; {hint}"


def _by_file_and_row(problems: Sequence[Problem]) -> list[Problem]:
    """Problems grouped by file (in the order files were read), then by row (stable)."""
    order: dict[str, int] = {}
    for p in problems:
        order.setdefault(p.source, len(order))
    return sorted(problems, key=lambda p: (order[p.source], p.row or 0))


def load_schedule(
    tasks: Source,
    risks: Source | None = None,
    correlations: Source | None = None,
    holidays: Source | None = None,
    start_date: dt.date | str | None = None,
    *,
    names: Mapping[str, str] | None = None,
    weekmask: str | None = None,
    notes: list[str] | None = None,
) -> ScheduleInputs:
    """Read every schedule input and check them together; one ``InputError`` lists all problems.

    Parameters
    ----------
    tasks : path, bytes or binary file
        Tasks CSV/xlsx, or an MS Project XML (MSPDI) file (``.xml`` name or XML content). From
        MSPDI, the project start date and calendar are taken from the file unless given here.
    risks, correlations, holidays : path, bytes or binary file, optional
        The other tables.
    start_date : date or ISO string, optional
        Project start (day 0).
    names : mapping, optional
        Display names by input (``{"tasks": "plan.csv", "risks": ...}``) for messages.
    weekmask : str, optional
        Working days Monday..Sunday, e.g. ``"1111100"`` (the default; MSPDI: the file's).
    notes : list, optional
        If given, the MS Project importer's notes (what was skipped, assumed or approximated)
        are appended to it, for the page or CLI to show.

    Examples
    --------
    >>> s = load_schedule(b"id,low,likely,high,predecessors\\nA,1,2,3,\\nB,1,1,2,A:SS+1\\n",
    ...                   start_date="2027-01-04")
    >>> [t.id for t in s.tasks], s.tasks[1].predecessors[0].type, s.start_date
    (['A', 'B'], 'SS', datetime.date(2027, 1, 4))
    """
    names = dict(names or {})
    problems: list[Problem] = []
    task_name = names.get("tasks") or source_name(tasks, None)
    calendar = WorkCalendar()
    file_start: dt.date | None = None
    task_bytes = read_source_bytes(tasks, task_name)
    tasks_p: _Parsed | None
    if _looks_like_xml(task_bytes, task_name):
        tasks_p, calendar, file_start = _read_xml_tasks(task_bytes, task_name, problems, notes)
    else:
        tasks_p = _read_part("tasks", task_bytes, task_name, _parse_tasks, problems)
    risks_p = _read_part("risks", risks, names.get("risks"), _parse_risks, problems)
    corr_p = _read_part(
        "correlations", correlations, names.get("correlations"), _parse_correlations, problems
    )
    holiday_dates: tuple[dt.date, ...] = ()
    if holidays is not None:
        try:
            holiday_dates = read_holidays(holidays, names.get("holidays"))
        except InputError as exc:
            problems.extend(exc.problems)
    start = _as_date(start_date, "start date") or file_start
    try:
        calendar = WorkCalendar(
            weekmask=weekmask or calendar.weekmask, holidays=(*calendar.holidays, *holiday_dates)
        )
    except ValidationError as exc:
        problems.extend(problems_from_validation_error(exc, "calendar"))
    if tasks_p is not None:
        collector = ProblemCollector(tasks_p.source)
        _check(collector, tasks_p, risks_p, corr_p)
        problems.extend(collector.problems)
    if problems or tasks_p is None:
        raise InputError(_by_file_and_row(problems))
    return ScheduleInputs(
        tasks=tasks_p.real(),
        risks=risks_p.real() if risks_p else (),
        correlations=corr_p.real() if corr_p else (),
        start_date=start,
        calendar=calendar,
    )


def _read_xml_tasks(
    data: bytes, name: str, problems: list[Problem], notes: list[str] | None
) -> tuple[_Parsed | None, WorkCalendar, dt.date | None]:
    from tpm_models.schedule_risk.mspdi import read_mspdi

    try:
        project = read_mspdi(data, name=name)
    except InputError as exc:
        problems.extend(exc.problems)
        return None, WorkCalendar(), None
    if notes is not None:
        notes.extend(project.notes)
    n = len(project.tasks)
    if n > MAX_TASKS:
        problems.append(Problem(name, _too_many("tasks", n, MAX_TASKS)))
        return None, WorkCalendar(), None
    parsed = _Parsed(name, list(project.tasks), [None] * n, [True] * n)
    return parsed, project.calendar, project.start_date


# --- DataFrames (the page's editable tables) -------------------------------------------------
def tasks_to_frame(tasks: Sequence[Task]) -> pd.DataFrame:
    """Tasks as a DataFrame in the tasks-file columns (inverse of :func:`tasks_from_frame`).

    Examples
    --------
    >>> tasks = read_tasks(b"id,low,likely,high,predecessors\\nA,1,2,3,\\nB,1,1,2,A\\n")
    >>> df = tasks_to_frame(tasks)
    >>> df[["id", "likely", "predecessors"]].values.tolist()
    [['A', 2.0, ''], ['B', 1.0, 'A']]
    """
    records = [
        {
            "id": t.id,
            "name": t.name,
            "low": float(t.duration.low),
            "likely": float(t.duration.likely),
            "high": float(t.duration.high),
            "distribution": t.duration.distribution,
            "predecessors": format_predecessors(t.predecessors),
            "owner": t.owner,
            "phase": t.phase,
        }
        for t in tasks
    ]
    return _frame(records, TASK_COLUMNS, ("low", "likely", "high"))


def risks_to_frame(risks: Sequence[Risk]) -> pd.DataFrame:
    """Risks as a DataFrame in the risks-file columns (``tasks`` joined with ``; ``)."""
    records = [
        {
            "id": r.id,
            "name": r.name,
            "probability": float(r.probability),
            "impact_low": float(r.impact.low),
            "impact_likely": float(r.impact.likely),
            "impact_high": float(r.impact.high),
            "impact_unit": r.impact_unit,
            "tasks": "; ".join(r.tasks),
            "distribution": r.impact.distribution,
        }
        for r in risks
    ]
    return _frame(
        records, RISK_COLUMNS, ("probability", "impact_low", "impact_likely", "impact_high")
    )


def correlations_to_frame(correlations: Sequence[Correlation]) -> pd.DataFrame:
    """Correlations as a ``task_a, task_b, rho`` DataFrame."""
    records = [{"task_a": c.task_a, "task_b": c.task_b, "rho": float(c.rho)} for c in correlations]
    return _frame(records, CORRELATION_COLUMNS, ("rho",))


def _frame(
    records: list[dict[str, Any]], columns: Sequence[str], numeric: Sequence[str]
) -> pd.DataFrame:
    df = pd.DataFrame(records, columns=list(columns))
    for c in numeric:
        df[c] = df[c].astype("float64")
    return df


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else _format_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def _frame_table(
    df: pd.DataFrame,
    source: str,
    required: Sequence[str],
    optional: Sequence[str],
    aliases: Mapping[str, str],
) -> Table:
    """A DataFrame as a :class:`Table`; row numbers are the 1-based row positions."""
    cols = [aliases.get(normalise_column(str(c)), normalise_column(str(c))) for c in df.columns]
    missing = [c for c in required if c not in cols]
    if missing:
        raise InputError.single(
            source,
            f"missing column(s) {', '.join(repr(m) for m in missing)}; the table must have "
            f"{', '.join(required)}",
        )
    keep = [c for c in dict.fromkeys(cols) if c in set(required) | set(optional)]
    position = {c: cols.index(c) for c in keep}
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    for k, values in enumerate(df.itertuples(index=False, name=None)):
        row = {c: _cell_text(values[position[c]]) for c in keep}
        if not any(row.values()):
            continue  # a blank row the editor added
        rows.append(row)
        numbers.append(k + 1)
    if not rows:
        raise InputError.single(source, "the table has no rows")
    return Table(source, tuple(keep), tuple(rows), tuple(numbers))


def _tasks_table(df: pd.DataFrame, source: str) -> Table:
    return _frame_table(df, source, _TASK_REQUIRED, _TASK_OPTIONAL, _TASK_ALIASES)


def _risks_table(df: pd.DataFrame, source: str) -> Table:
    return _frame_table(df, source, _RISK_REQUIRED, _RISK_OPTIONAL, _RISK_ALIASES)


def _corr_table(df: pd.DataFrame, source: str) -> Table:
    return _frame_table(df, source, CORRELATION_COLUMNS, (), _CORR_ALIASES)


def tasks_from_frame(df: pd.DataFrame, source: str = "tasks table") -> tuple[Task, ...]:
    """Validate an edited tasks table; problems name the 1-based row and the column.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["A", "B"], "low": [1, 2], "likely": [2, 1], "high": [3, 4],
    ...                    "predecessors": ["", "A"]})
    >>> tasks_from_frame(df)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    tpm_models.errors.InputError: tasks table:2:low: low (2) is above likely (1); need low ≤ likely
    """
    table = _tasks_table(df, source)
    collector = ProblemCollector(source)
    parsed = _parse_tasks(table, collector)
    _check(collector, parsed)
    collector.raise_if_any()
    return cast(tuple[Task, ...], parsed.real())


def risks_from_frame(df: pd.DataFrame, source: str = "risks table") -> tuple[Risk, ...]:
    """Validate an edited risks table (task ids are checked by :func:`schedule_from_frames`)."""
    table = _risks_table(df, source)
    collector = ProblemCollector(source)
    parsed = _parse_risks(table, collector)
    _check(collector, None, risks=parsed)
    collector.raise_if_any()
    return cast(tuple[Risk, ...], parsed.real())


def correlations_from_frame(
    df: pd.DataFrame, source: str = "correlations table"
) -> tuple[Correlation, ...]:
    """Validate an edited correlations table (task ids checked by :func:`schedule_from_frames`)."""
    table = _corr_table(df, source)
    collector = ProblemCollector(source)
    parsed = _parse_correlations(table, collector)
    _check(collector, None, correlations=parsed)
    collector.raise_if_any()
    return cast(tuple[Correlation, ...], parsed.real())


def _has_rows(df: pd.DataFrame | None) -> bool:
    """Does the table have a row with anything typed in it?"""
    if df is None or len(df.columns) == 0:
        return False
    return any(any(_cell_text(v) for v in row) for row in df.itertuples(index=False, name=None))


def schedule_from_frames(
    tasks: pd.DataFrame,
    risks: pd.DataFrame | None = None,
    correlations: pd.DataFrame | None = None,
    *,
    start_date: dt.date | None = None,
    calendar: WorkCalendar | None = None,
    sources: Mapping[str, str] | None = None,
) -> ScheduleInputs:
    """Validate the three edited tables together (cross-table checks included) into inputs.

    Empty risk/correlation tables mean "none". Problems name the table, the 1-based row and
    the column, and all of them are raised at once.

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["A", "B"], "low": [1, 1], "likely": [2, 2], "high": [3, 3],
    ...                   "predecessors": ["", "A"]})
    >>> c = pd.DataFrame({"task_a": ["A"], "task_b": ["Z"], "rho": [0.5]})
    >>> schedule_from_frames(t, correlations=c)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    tpm_models.errors.InputError: correlations table:1:task_b: unknown task 'Z'
    """
    src = {"tasks": "tasks table", "risks": "risks table", "correlations": "correlations table"}
    src.update(sources or {})
    problems: list[Problem] = []

    def part(
        df: pd.DataFrame | None,
        kind: str,
        to_table: Callable[[pd.DataFrame, str], Table],
        parse: Callable[[Table, ProblemCollector], _Parsed],
    ) -> _Parsed | None:
        if df is None or (kind != "tasks" and not _has_rows(df)):
            return None
        cap = {"tasks": MAX_TASKS, "risks": MAX_RISKS}.get(kind)
        if cap is not None and len(df) > cap:
            problems.append(Problem(src[kind], _too_many(kind, len(df), cap)))
            return None
        try:
            table = to_table(df, src[kind])
        except InputError as exc:
            problems.extend(exc.problems)
            return None
        collector = ProblemCollector(src[kind])
        out = parse(table, collector)
        problems.extend(collector.problems)
        return out

    tasks_p = part(tasks, "tasks", _tasks_table, _parse_tasks)
    risks_p = part(risks, "risks", _risks_table, _parse_risks)
    corr_p = part(correlations, "correlations", _corr_table, _parse_correlations)
    if tasks_p is not None:
        collector = ProblemCollector(src["tasks"])
        _check(collector, tasks_p, risks_p, corr_p)
        problems.extend(collector.problems)
    if problems or tasks_p is None:
        raise InputError(
            _by_file_and_row(problems) or [Problem(src["tasks"], "the table has no rows")]
        )
    return ScheduleInputs(
        tasks=tasks_p.real(),
        risks=risks_p.real() if risks_p else (),
        correlations=corr_p.real() if corr_p else (),
        start_date=start_date,
        calendar=calendar or WorkCalendar(),
    )


# --- scenario JSON -----------------------------------------------------------------------------
# The envelope (``schema_version``, ``tool``) is the family's: tpm_models.scenario_files.


class _Scenario(BaseModel):
    """The schedule scenario file: the models themselves, so a download re-uploads exactly."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    schema_version: Literal[1]
    tool: Literal["schedule"] = "schedule"
    start_date: dt.date | None = None
    weekmask: str = "1111100"
    holidays: tuple[dt.date, ...] = ()
    tasks: tuple[Task, ...] = Field(min_length=1)
    risks: tuple[Risk, ...] = ()
    correlations: tuple[Correlation, ...] = ()


def schedule_to_json(inputs: ScheduleInputs) -> str:
    """The inputs as a scenario JSON (``schema_version: 1``, ``tool: "schedule"``).

    Examples
    --------
    >>> s = load_schedule(b"id,low,likely,high\\nA,1,2,3\\n", start_date="2027-01-04")
    >>> schedule_from_json(schedule_to_json(s)) == s
    True
    """
    payload = {
        "schema_version": SCHEMA_VERSION,
        "tool": "schedule",
        "start_date": inputs.start_date.isoformat() if inputs.start_date else None,
        "weekmask": inputs.calendar.weekmask,
        "holidays": [d.isoformat() for d in inputs.calendar.holidays],
        "tasks": [t.model_dump(mode="json") for t in inputs.tasks],
        "risks": [r.model_dump(mode="json") for r in inputs.risks],
        "correlations": [c.model_dump(mode="json") for c in inputs.correlations],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def schedule_from_json(text: str | bytes, name: str = "scenario.json") -> ScheduleInputs:
    """Read a scenario JSON written by :func:`schedule_to_json`; problems carry JSON paths
    (e.g. ``tasks[2].duration``) as their column."""
    payload = check_envelope(parse_json_object(text, name), "schedule", name)
    try:
        scenario = _Scenario.model_validate(payload)
    except ValidationError as exc:
        raise InputError(problems_from_validation_error(exc, name)) from None
    issues = network_issues(scenario.tasks, scenario.risks, scenario.correlations)
    problems = [Problem(name, i.message, None, f"{i.table}[{i.index}].{i.field}") for i in issues]
    try:
        calendar = WorkCalendar(weekmask=scenario.weekmask, holidays=scenario.holidays)
    except ValidationError as exc:
        problems.extend(
            Problem(name, p.message, None, "weekmask")
            for p in problems_from_validation_error(exc, name)
        )
        calendar = WorkCalendar()
    if problems:
        raise InputError(problems)
    return ScheduleInputs(
        tasks=scenario.tasks,
        risks=scenario.risks,
        correlations=scenario.correlations,
        start_date=scenario.start_date,
        calendar=calendar,
    )
