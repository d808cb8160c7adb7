"""Read MS Project XML (MSPDI) files into a simulable task network.

What is read, and how (DESIGN.md §4.1)
---------------------------------------
* The XML is parsed with :mod:`defusedxml` with DTDs refused: entity-expansion ("billion
  laughs") and external-entity files are rejected with a clear message, never expanded.
* Tasks: ``UID``, ``ID``, ``Name``, ``Duration`` (``PT40H0M0S``, converted to working days
  with the file's ``MinutesPerDay``, default 480), ``Milestone``, ``Summary``,
  ``OutlineLevel``/``OutlineNumber``, ``Start``/``Finish`` (kept in
  :attr:`MspdiProject.stored_dates`). A task's id is its MS Project ``ID`` (the row number
  shown in MS Project); its phase is the name of the summary task it sits under.
* Skipped and said so in :attr:`MspdiProject.notes`: the project summary task (UID 0 /
  outline level 0), summary tasks (``Summary=1`` or recognised by ``OutlineLevel`` nesting),
  inactive tasks (``Active=0``) and blank rows (``IsNull=1``).
* Links (``PredecessorLink``): ``Type`` 0 = FF, 1 = FS, 2 = SF, 3 = SS (MPXJ's
  ``RelationType`` uses the same codes). ``LinkLag`` is in tenths of a minute and converted
  with ``MinutesPerDay``. Elapsed formats (``LagFormat`` 4, 6, 8, 10, 12 and their
  "estimated" forms +32) count calendar time and are converted to working days at the
  calendar's working days per week / 7 (an approximation, noted). Percent formats (19, 20,
  51, 52) hold the percentage itself in ``LinkLag`` (as MPXJ reads them); the lag is that
  share of the predecessor's most-likely duration, fixed at import (noted).
* A link attached to a summary task applies to every leaf task under it, as MS Project
  schedules it: a link *into* a summary constrains each of its leaf tasks; a finish-based
  link (FS, FF) *from* a summary is a link from each of its leaf tasks (the summary finishes
  when the last one does). A start-based link (SS, SF) from a summary starts when its
  earliest task starts; it is attached to the summary's first tasks (those with no
  predecessor inside it), which is exact when there is one such task and noted otherwise.
* Three-point estimates: custom fields (``ExtendedAttribute``) whose alias or name says
  optimistic / most likely / pessimistic (also best case, expected, worst case, low, likely,
  high, min, mode, max) give ``low`` / ``likely`` / ``high`` (values as ``PT…`` durations or
  numbers of working days). Failing that, ``Duration1``/``Duration2``/``Duration3`` are
  read as optimistic / expected / pessimistic (MS Project's PERT-analysis convention) when
  the file defines ``Duration1`` and ``Duration3``. ``likely`` defaults to the task's
  ``Duration``. Tasks without them get a default PERT spread (``low`` = 90%, ``high`` = 125%
  of the duration unless told otherwise), noted.
* Calendar: the project calendar's ``WeekDays`` (and its base calendar's) give the week mask;
  its non-working exceptions (``Exceptions`` or ``WeekDay`` entries with ``DayType`` 0) give
  holiday dates. Working exceptions, task calendars and date constraints are not modelled and
  are noted with the tasks they affect.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass, field
from typing import IO, Any

import defusedxml
import defusedxml.ElementTree as DET

from tpm_models.calendar import WorkCalendar
from tpm_models.errors import InputError, ProblemCollector
from tpm_models.estimates import Estimate
from tpm_models.io.tables import read_source_bytes, source_name
from tpm_models.schedule_risk.network import (
    Dependency,
    LinkType,
    ScheduleInputs,
    Task,
    network_issues,
)

__all__ = ["MSPDI_NAMESPACE", "MspdiProject", "read_mspdi"]

Source = str | os.PathLike[str] | bytes | IO[bytes]
Element = Any  # xml.etree.ElementTree.Element (defusedxml returns the stdlib type)

MSPDI_NAMESPACE = "http://schemas.microsoft.com/project"
_LINK_TYPES: dict[int, LinkType] = {0: "FF", 1: "FS", 2: "SF", 3: "SS"}
_ELAPSED_FORMATS = {4, 6, 8, 10, 12, 36, 38, 40, 42, 44}
_PERCENT_FORMATS = {19, 20, 51, 52}
_CONSTRAINTS = {
    1: "As Late As Possible",
    2: "Must Start On",
    3: "Must Finish On",
    4: "Start No Earlier Than",
    5: "Start No Later Than",
    6: "Finish No Earlier Than",
    7: "Finish No Later Than",
}
# DayType 1 = Sunday … 7 = Saturday; the week mask runs Monday … Sunday.
_MASK_POSITION = {2: 0, 3: 1, 4: 2, 5: 3, 6: 4, 7: 5, 1: 6}
_QUALIFIER = r"(?:[\s_-]*(?:duration|estimate|days|\(days\)))?"
_ROLE_PATTERNS = (
    (
        "low",
        re.compile(rf"optimistic|best[\s_-]*case|^\s*(?:low|min(?:imum)?){_QUALIFIER}\s*$", re.I),
    ),
    (
        "likely",
        re.compile(rf"most[\s_-]*likely|expected|^\s*(?:likely|mode){_QUALIFIER}\s*$", re.I),
    ),
    (
        "high",
        re.compile(
            rf"pessimistic|worst[\s_-]*case|^\s*(?:high|max(?:imum)?){_QUALIFIER}\s*$", re.I
        ),
    ),
)
_PERT_FIELDS = {"Duration1": "low", "Duration2": "likely", "Duration3": "high"}
_DURATION_RE = re.compile(
    r"^(?P<sign>-)?P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
_MAX_EXCEPTION_DAYS = 3660


@dataclass(frozen=True)
class MspdiProject:
    """A project read from an MSPDI file.

    Attributes
    ----------
    name : str
        The project's name or title (may be empty).
    tasks : tuple of Task
        Leaf tasks in file order, durations in working days, links expanded off summaries.
    start_date : date or None
        The project's ``StartDate``.
    calendar : WorkCalendar
        Week mask and non-working exception dates of the project calendar.
    notes : list of str
        What was skipped, assumed or approximated — show these to the user.
    stored_dates : dict
        Task id -> (Start, Finish) datetimes MS Project stored in the file (for checks).
    minutes_per_day : int
        The file's ``MinutesPerDay`` (the length of a working day).
    """

    name: str
    tasks: tuple[Task, ...]
    start_date: dt.date | None
    calendar: WorkCalendar
    notes: list[str] = field(default_factory=list)
    stored_dates: dict[str, tuple[dt.datetime | None, dt.datetime | None]] = field(
        default_factory=dict
    )
    minutes_per_day: int = 480

    def to_inputs(self) -> ScheduleInputs:
        """The project as simulation inputs (no risks or correlations)."""
        return ScheduleInputs(tasks=self.tasks, start_date=self.start_date, calendar=self.calendar)


@dataclass
class _RawTask:
    uid: int
    id: int
    name: str
    outline_level: int
    summary: bool
    minutes: float | None
    links: list[tuple[int, int, float, int]]  # (pred uid, type, lag tenths-of-minute, format)
    start: dt.datetime | None
    finish: dt.datetime | None
    custom: dict[str, str]
    constraint: int
    calendar_uid: int
    manual: bool
    children: list[int] = field(default_factory=list)  # uids of direct children
    parent: int | None = None


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}" if ns else tag


def _text(el: Element, ns: str, tag: str) -> str | None:
    child = el.find(_q(ns, tag))
    if child is None or child.text is None:
        return None
    value: str = child.text.strip()
    return value


def _int(el: Element, ns: str, tag: str, default: int) -> int:
    raw = _text(el, ns, tag)
    if raw is None or raw == "":
        return default
    try:
        return int(float(raw))
    except ValueError:
        return default


def _flag(el: Element, ns: str, tag: str, default: bool = False) -> bool:
    raw = _text(el, ns, tag)
    if raw is None or raw == "":
        return default
    return raw.lower() in ("1", "true")


def _datetime(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        return None


def parse_duration_minutes(raw: str, minutes_per_day: float) -> float | None:
    """Minutes in an XML ``duration`` such as ``PT40H0M0S`` (``D`` counts working days).

    Returns None for text that is not such a duration, or that uses years or months.

    Examples
    --------
    >>> parse_duration_minutes("PT40H30M0S", 480), parse_duration_minutes("P2DT1H", 480)
    (2430.0, 1020.0)
    """
    m = _DURATION_RE.match(raw.strip())
    if not m or raw.strip() in ("P", "PT") or m.group("y") or m.group("mo"):
        return None
    parts = {k: float(v) if v else 0.0 for k, v in m.groupdict().items() if k != "sign"}
    minutes = parts["d"] * minutes_per_day + parts["h"] * 60 + parts["m"] + parts["s"] / 60
    return -minutes if m.group("sign") else minutes


# --- parsing ---------------------------------------------------------------------------------
def _parse_xml(data: bytes, src: str) -> Element:
    try:
        root = DET.fromstring(data, forbid_dtd=True)
    except DET.ParseError as exc:
        line, col = getattr(exc, "position", (None, None))
        raise InputError.single(
            src,
            f"this is not well-formed XML ({_parse_error_reason(exc)}, line {line}, column "
            f"{col}); export the file again from MS Project (File > Save As > XML)",
            row=line,
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise InputError.single(
            src,
            f"the XML declares a DTD or entities ({type(exc).__name__}), which are refused for "
            "safety; MS Project files never need them — export the file again from MS Project",
        ) from None
    except (LookupError, ValueError) as exc:
        # expat raises these (not ParseError) for an unknown or unsupported declared encoding
        raise InputError.single(
            src,
            f"the XML cannot be decoded ({exc}); export the file again from MS Project "
            "(File > Save As > XML, UTF-8)",
        ) from None
    return root


def _parse_error_reason(exc: Exception) -> str:
    text = str(exc)
    return text.split(":")[0] if ":" in text else text


def _namespace(root: Element, src: str) -> str:
    tag: str = root.tag
    ns, local = tag[1:].split("}", 1) if tag.startswith("{") else ("", tag)
    if local != "Project":
        raise InputError.single(
            src,
            f"this XML is not an MS Project file (its root element is <{local}>, expected "
            f'<Project xmlns="{MSPDI_NAMESPACE}">)',
        )
    return ns


def _extended_roles(root: Element, ns: str) -> tuple[dict[str, str], str]:
    """FieldID -> role (low/likely/high) from the ExtendedAttribute definitions, and a note."""
    defs = root.find(_q(ns, "ExtendedAttributes"))
    if defs is None:
        return {}, ""
    by_alias: dict[str, str] = {}
    names: dict[str, str] = {}
    labels: dict[str, str] = {}
    for ea in defs.findall(_q(ns, "ExtendedAttribute")):
        fid = _text(ea, ns, "FieldID")
        if not fid:
            continue
        fname = _text(ea, ns, "FieldName") or ""
        alias = _text(ea, ns, "Alias") or ""
        names[fid] = fname
        for role, pattern in _ROLE_PATTERNS:
            label = alias or fname
            if pattern.search(label) and role not in by_alias.values():
                by_alias[fid] = role
                labels[role] = f"{label!r} ({fname})" if alias else repr(fname)
                break
    if "low" in by_alias.values() and "high" in by_alias.values():
        roles = ", ".join(f"{r} = {labels[r]}" for r in ("low", "likely", "high") if r in labels)
        return by_alias, f"three-point estimates read from custom fields: {roles}"
    pert = {fid: _PERT_FIELDS[n] for fid, n in names.items() if n in _PERT_FIELDS}
    if {"low", "high"} <= set(pert.values()):
        return pert, (
            "three-point estimates read from Duration1/Duration2/Duration3 as optimistic/"
            "expected/pessimistic (MS Project's PERT analysis fields)"
        )
    return {}, ""


def _calendar(
    root: Element, ns: str, notes: list[str]
) -> tuple[WorkCalendar, dict[int, str], float]:
    """The project calendar as a WorkCalendar; also every calendar's name and working days/week."""
    calendars: dict[int, Element] = {}
    container = root.find(_q(ns, "Calendars"))
    if container is not None:
        for cal in container.findall(_q(ns, "Calendar")):
            calendars[_int(cal, ns, "UID", -1)] = cal
    names = {uid: _text(cal, ns, "Name") or f"calendar {uid}" for uid, cal in calendars.items()}
    project_uid = _int(root, ns, "CalendarUID", 1)
    if project_uid not in calendars:
        if calendars:
            notes.append(
                f"the project calendar (UID {project_uid}) is missing: Monday–Friday assumed"
            )
        return WorkCalendar(), names, 5.0
    chain = []
    uid: int | None = project_uid
    while uid is not None and uid in calendars and uid not in chain:
        chain.append(uid)
        base = _int(calendars[uid], ns, "BaseCalendarUID", -1)
        uid = base if base >= 0 and not _flag(calendars[uid], ns, "IsBaseCalendar") else None
    mask = list("1111100")
    holidays: set[dt.date] = set()
    working_exceptions = 0
    skipped_recurring: list[str] = []
    for cal_uid in reversed(chain):  # base first, derived overrides
        cal = calendars[cal_uid]
        week = cal.find(_q(ns, "WeekDays"))
        for wd in week.findall(_q(ns, "WeekDay")) if week is not None else []:
            day_type = _int(wd, ns, "DayType", -1)
            working = _flag(wd, ns, "DayWorking")
            if day_type in _MASK_POSITION:
                if _text(wd, ns, "DayWorking") is not None:
                    mask[_MASK_POSITION[day_type]] = "1" if working else "0"
            elif day_type == 0:  # pre-2007 form of an exception
                days = _period(wd, ns)
                if working:
                    working_exceptions += len(days)
                else:
                    holidays.update(days)
        exceptions = cal.find(_q(ns, "Exceptions"))
        for ex in exceptions.findall(_q(ns, "Exception")) if exceptions is not None else []:
            kind = _int(ex, ns, "Type", 1)
            if kind != 1:
                skipped_recurring.append(_text(ex, ns, "Name") or "unnamed")
                continue
            days = _period(ex, ns)
            if _flag(ex, ns, "DayWorking"):
                working_exceptions += len(days)
            else:
                holidays.update(days)
    if "1" not in mask:
        notes.append("the project calendar has no working weekday: Monday–Friday assumed")
        mask = list("1111100")
    if working_exceptions:
        notes.append(
            f"{working_exceptions} extra working day(s) in the project calendar (e.g. a worked "
            "Saturday) are not modelled"
        )
    if skipped_recurring:
        notes.append(
            "recurring calendar exceptions not read: " + ", ".join(sorted(skipped_recurring))
        )
    workdays = float(mask.count("1"))
    return WorkCalendar(weekmask="".join(mask), holidays=tuple(sorted(holidays))), names, workdays


def _period(el: Element, ns: str) -> list[dt.date]:
    tp = el.find(_q(ns, "TimePeriod"))
    if tp is None:
        return []
    start = _datetime(_text(tp, ns, "FromDate"))
    end = _datetime(_text(tp, ns, "ToDate"))
    if start is None or end is None or end < start:
        return []
    n = min((end.date() - start.date()).days, _MAX_EXCEPTION_DAYS)
    return [start.date() + dt.timedelta(days=k) for k in range(n + 1)]


def _raw_tasks(root: Element, ns: str, notes: list[str], minutes_per_day: float) -> list[_RawTask]:
    container = root.find(_q(ns, "Tasks"))
    if container is None:
        return []
    out: list[_RawTask] = []
    inactive = 0
    for el in container.findall(_q(ns, "Task")):
        if _flag(el, ns, "IsNull"):
            continue
        if not _flag(el, ns, "Active", default=True):
            inactive += 1
            continue
        uid = _int(el, ns, "UID", -1)
        links = []
        for link in el.findall(_q(ns, "PredecessorLink")):
            pred = _int(link, ns, "PredecessorUID", -1)
            if pred < 0 or _flag(link, ns, "CrossProject"):
                continue
            lag_raw = _text(link, ns, "LinkLag")
            try:
                lag = float(lag_raw) if lag_raw else 0.0
            except ValueError:
                lag = math.nan
            links.append((pred, _int(link, ns, "Type", 1), lag, _int(link, ns, "LagFormat", 7)))
        custom = {}
        for ea in el.findall(_q(ns, "ExtendedAttribute")):
            fid, value = _text(ea, ns, "FieldID"), _text(ea, ns, "Value")
            if fid and value:
                custom[fid] = value
        duration_raw = _text(el, ns, "Duration")
        out.append(
            _RawTask(
                uid=uid,
                id=_int(el, ns, "ID", uid),
                name=_text(el, ns, "Name") or "",
                outline_level=_int(el, ns, "OutlineLevel", 1),
                summary=_flag(el, ns, "Summary"),
                minutes=None
                if duration_raw is None
                else _minutes_or_nan(duration_raw, minutes_per_day),
                links=links,
                start=_datetime(_text(el, ns, "Start")),
                finish=_datetime(_text(el, ns, "Finish")),
                custom=custom,
                constraint=_int(el, ns, "ConstraintType", 0),
                calendar_uid=_int(el, ns, "CalendarUID", -1),
                manual=_flag(el, ns, "Manual"),
            )
        )
    if inactive:
        notes.append(f"{inactive} inactive task(s) skipped")
    return out


def _minutes_or_nan(raw: str, minutes_per_day: float) -> float:
    minutes = parse_duration_minutes(raw, minutes_per_day)
    return math.nan if minutes is None else minutes


def _build_tree(tasks: list[_RawTask]) -> tuple[set[int], dict[int, list[int]]]:
    """Mark summaries (flag or nesting); return summary uids and each summary's leaf uids."""
    stack: list[_RawTask] = []
    for t in tasks:
        while stack and stack[-1].outline_level >= t.outline_level:
            stack.pop()
        if stack:
            t.parent = stack[-1].uid
            stack[-1].children.append(t.uid)
        stack.append(t)
    by_uid = {t.uid: t for t in tasks}
    summaries = {t.uid for t in tasks if t.summary or t.children or t.outline_level == 0}
    leaves: dict[int, list[int]] = {}

    def collect(uid: int) -> list[int]:
        if uid in leaves:
            return leaves[uid]
        out: list[int] = []
        for c in by_uid[uid].children:
            out.extend(collect(c) if c in summaries else [c])
        leaves[uid] = out
        return out

    for uid in summaries:
        collect(uid)
    return summaries, leaves


# --- the reader ------------------------------------------------------------------------------
def read_mspdi(
    source: Source,
    name: str | None = None,
    *,
    default_low: float = 0.9,
    default_high: float = 1.25,
) -> MspdiProject:
    """Read an MS Project XML (MSPDI) file; see the module docstring for what is read.

    Parameters
    ----------
    source : path, bytes or binary file
        The ``.xml`` file.
    name : str, optional
        Name used in messages.
    default_low, default_high : float
        Spread applied to tasks without three-point custom fields, as multiples of the
        task's duration (PERT).

    Raises
    ------
    InputError
        Not XML / not MSPDI / refused DTD or entities / unreadable durations / cycles.

    Examples
    --------
    >>> xml = (b'<Project xmlns="http://schemas.microsoft.com/project"><Tasks>'
    ...        b'<Task><UID>1</UID><ID>1</ID><Name>Design</Name><Duration>PT16H0M0S</Duration>'
    ...        b'<OutlineLevel>1</OutlineLevel></Task>'
    ...        b'<Task><UID>2</UID><ID>2</ID><Name>Build</Name><Duration>PT40H0M0S</Duration>'
    ...        b'<OutlineLevel>1</OutlineLevel><PredecessorLink><PredecessorUID>1</PredecessorUID>'
    ...        b'<Type>3</Type><LinkLag>4800</LinkLag><LagFormat>7</LagFormat></PredecessorLink>'
    ...        b'</Task></Tasks></Project>')
    >>> p = read_mspdi(xml)
    >>> [(t.id, t.duration.likely, t.predecessors) for t in p.tasks][1]
    ('2', 5.0, (Dependency(predecessor='1', type='SS', lag_days=1.0),))
    """
    if not (0 <= default_low <= 1 <= default_high and math.isfinite(default_high)):
        raise ValueError("need 0 <= default_low <= 1 <= default_high (multiples of the duration)")
    src = source_name(source, name)
    data = read_source_bytes(source, src)
    root = _parse_xml(data, src)
    ns = _namespace(root, src)
    notes: list[str] = []
    problems = ProblemCollector(src)
    minutes_per_day = _int(root, ns, "MinutesPerDay", 480) or 480
    calendar, calendar_names, workdays_per_week = _calendar(root, ns, notes)
    project_calendar = _int(root, ns, "CalendarUID", 1)
    roles, roles_note = _extended_roles(root, ns)
    raw = _raw_tasks(root, ns, notes, minutes_per_day)
    if not raw:
        raise InputError.single(src, "the file has no tasks")
    summaries, leaves = _build_tree(raw)
    by_uid = {t.uid: t for t in raw}
    leaf_tasks = [t for t in raw if t.uid not in summaries]
    project_summaries = [t for t in raw if t.outline_level == 0 or t.uid == 0]
    n_summary = len(summaries) - len(project_summaries)
    if n_summary:
        notes.append(
            f"{n_summary} summary task(s) not simulated (their links apply to the tasks under them)"
        )
    if not leaf_tasks:
        raise InputError.single(src, "the file has only summary tasks; nothing to simulate")
    tid = {t.uid: str(t.id) for t in raw}

    def days(t: _RawTask) -> float:
        return (t.minutes or 0.0) / minutes_per_day

    # --- links, expanded off summary tasks -----------------------------------------------
    links: dict[int, dict[str, Dependency]] = {t.uid: {} for t in leaf_tasks}
    start_leaves: dict[int, list[int]] = {}
    approx_starts: set[str] = set()
    elapsed = percent = duplicates = dropped = 0

    def first_tasks(summary_uid: int) -> list[int]:
        if summary_uid not in start_leaves:
            members = set(leaves[summary_uid])
            firsts = [
                u
                for u in leaves[summary_uid]
                if not any(
                    p in members or (p in summaries and set(leaves[p]) & members)
                    for p, *_ in by_uid[u].links
                )
            ]
            start_leaves[summary_uid] = firsts or leaves[summary_uid]
        return start_leaves[summary_uid]

    for succ in raw:
        for pred_uid, type_code, lag_raw, lag_format in succ.links:
            pred = by_uid.get(pred_uid)
            if pred is None:
                dropped += 1
                continue
            kind = _LINK_TYPES.get(type_code, "FS")
            if pred_uid == succ.uid:
                problems.add(
                    f"dependency cycle {succ.id} → {succ.id}: task {succ.id} ({succ.name!r}) is "
                    "its own predecessor; remove that link",
                    column="predecessors",
                )
                continue
            if math.isnan(lag_raw):
                problems.add(
                    f"task {succ.id} ({succ.name!r}): the LinkLag of its link from task "
                    f"{pred.id} is not a number",
                    column="LinkLag",
                )
                continue
            if lag_format in _PERCENT_FORMATS:
                percent += 1
                lag_days = lag_raw / 100.0 * days(pred)  # a summary stores its span too
            elif lag_format in _ELAPSED_FORMATS:
                elapsed += 1
                lag_days = lag_raw / 10.0 / 1440.0 * workdays_per_week / 7.0
            else:
                lag_days = lag_raw / 10.0 / minutes_per_day
            succ_uids = leaves[succ.uid] if succ.uid in summaries else [succ.uid]
            if pred.uid not in summaries:
                pred_uids = [pred.uid]
            elif kind in ("FS", "FF"):
                pred_uids = leaves[pred.uid]
            else:
                pred_uids = first_tasks(pred.uid)
                if len(pred_uids) > 1:
                    approx_starts.add(pred.name or str(pred.id))
            for s in succ_uids:
                for p in pred_uids:
                    if p == s:
                        continue
                    key = tid[p]
                    dep = Dependency(predecessor=key, type=kind, lag_days=round(lag_days, 9))
                    if key in links[s]:
                        duplicates += links[s][key] != dep  # identical repeats merge silently
                        continue
                    links[s][key] = dep
    if dropped:
        notes.append(f"{dropped} link(s) to tasks not in the file (or inactive) ignored")
    if elapsed:
        notes.append(
            f"{elapsed} elapsed-time lag(s) converted to working days at "
            f"{workdays_per_week:g}/7 of calendar time (approximation)"
        )
    if percent:
        notes.append(
            f"{percent} percentage lag(s) fixed at that share of the predecessor's most-likely "
            "duration"
        )
    if duplicates:
        notes.append(
            f"{duplicates} conflicting link(s) between the same two tasks (after expanding "
            "summary links): the first as listed kept"
        )
    if approx_starts:
        notes.append(
            "start-based links from summary task(s) "
            + ", ".join(sorted(approx_starts))
            + " attached to their first tasks (MS Project uses the earliest start among them)"
        )

    # --- estimates, tasks ---------------------------------------------------------------
    spread_count = from_fields = 0
    widened: list[str] = []
    constrained: list[str] = []
    own_calendar: list[str] = []
    manual = 0
    tasks: list[Task] = []
    stored: dict[str, tuple[dt.datetime | None, dt.datetime | None]] = {}
    for t in leaf_tasks:
        label = f"task {t.id} ({t.name!r})"
        if t.minutes is None or math.isnan(t.minutes):
            problems.add(
                f"{label}: the Duration is missing or not like PT40H0M0S", None, "Duration"
            )
            continue
        if t.minutes < 0:
            problems.add(f"{label}: the Duration is negative", None, "Duration")
            continue
        likely = days(t)
        three = _three_point(t.custom, roles, minutes_per_day)
        if three.get("likely") is not None:
            likely = three["likely"]
        if three.get("low") is not None and three.get("high") is not None:
            from_fields += 1
            low, high = three["low"], three["high"]
            if not low <= likely <= high:
                widened.append(str(t.id))
                low, high = min(low, likely), max(high, likely)
            estimate = Estimate(low=low, likely=likely, high=high)
        elif likely == 0:
            estimate = Estimate.fixed(0.0)
        else:
            spread_count += 1
            estimate = Estimate(low=likely * default_low, likely=likely, high=likely * default_high)
        if t.constraint in _CONSTRAINTS:
            constrained.append(f"{t.id} ({_CONSTRAINTS[t.constraint]})")
        if t.calendar_uid >= 0 and t.calendar_uid != project_calendar:
            own_calendar.append(f"{t.id} ({calendar_names.get(t.calendar_uid, 'unknown')!r})")
        manual += t.manual
        parent = by_uid.get(t.parent) if t.parent is not None else None
        phase = parent.name if parent is not None and parent.outline_level > 0 else ""
        tasks.append(
            Task(
                id=tid[t.uid],
                name=t.name[:500],
                duration=estimate,
                predecessors=tuple(links[t.uid].values()),
                phase=phase[:200],
            )
        )
        stored[tid[t.uid]] = (t.start, t.finish)
    if roles_note and from_fields:
        notes.append(f"{roles_note} ({from_fields} task(s))")
    if spread_count:
        notes.append(
            f"no three-point fields for {spread_count} task(s): PERT spread applied, low = "
            f"{default_low:.0%} and high = {default_high:.0%} of the duration"
        )
    if widened:
        notes.append(
            "custom-field ranges widened to include the duration for task(s) " + _listing(widened)
        )
    if constrained:
        notes.append(
            "date constraints are not modelled (links are): task(s) " + _listing(constrained)
        )
    if own_calendar:
        notes.append(
            "task calendars are not modelled (the project calendar is used): task(s) "
            + _listing(own_calendar)
        )
    if manual:
        notes.append(f"{manual} manually scheduled task(s) simulated as auto-scheduled")
    if not _flag(root, ns, "ScheduleFromStart", default=True):
        notes.append("the file is scheduled from its finish date; simulated forward from start")
    problems.raise_if_any()
    for issue in network_issues(tasks):
        problems.add(issue.message, None, issue.field)
    problems.raise_if_any()
    start = _datetime(_text(root, ns, "StartDate"))
    return MspdiProject(
        name=_text(root, ns, "Title") or _text(root, ns, "Name") or "",
        tasks=tuple(tasks),
        start_date=start.date() if start else None,
        calendar=calendar,
        notes=notes,
        stored_dates=stored,
        minutes_per_day=minutes_per_day,
    )


def _listing(items: list[str], limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _three_point(
    custom: dict[str, str], roles: dict[str, str], minutes_per_day: float
) -> dict[str, float]:
    out: dict[str, float] = {}
    for fid, role in roles.items():
        raw = custom.get(fid)
        if raw is None:
            continue
        value = _days_value(raw, minutes_per_day)
        if value is not None and value >= 0:
            out[role] = value
    return out


def _days_value(raw: str, minutes_per_day: float) -> float | None:
    """A custom-field value in working days: ``PT…`` durations, or numbers with an optional
    ``d``/``days``, ``w``/``weeks`` (5 days) or ``h``/``hours`` unit."""
    minutes = parse_duration_minutes(raw, minutes_per_day)
    if minutes is not None:
        return minutes / minutes_per_day
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(d|days?|w|wks?|weeks?|h|hrs?|hours?)?\s*", raw, re.I)
    if not m:
        return None
    value = float(m.group(1))
    unit = (m.group(2) or "d").lower()
    if unit.startswith("w"):
        return value * 5
    if unit.startswith("h"):
        return value * 60 / minutes_per_day
    return value
