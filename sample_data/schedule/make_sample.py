"""Write ``small_project.xml``: a small MS Project XML (MSPDI) sample, "Mobile app 2.0 release".

Run from the repository root: ``python sample_data/schedule/make_sample.py``.

The file has a project summary task, three summary tasks (one linked to another), FS/SS/FF
links, a lag in days, a negative lag and a lag in weeks, two milestones, a project calendar
with two holidays, and three-point estimates in the custom fields Duration1/2/3 aliased
"Optimistic"/"Most likely"/"Pessimistic" for most tasks (two are left without, so the default
spread is applied and said so). The stored Start/Finish of each task are computed with the
package's own CPM (as MS Project would store them); they make the file look like a saved
schedule — the reference files in ../shared/reference are the independent check of link
semantics, not this file.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET  # writing only; reading user XML always uses defusedxml
from pathlib import Path

from tpm_models.calendar import WorkCalendar
from tpm_models.estimates import Estimate
from tpm_models.schedule_risk.cpm import compute_cpm
from tpm_models.schedule_risk.network import Dependency, ScheduleInputs, Task

NS = "http://schemas.microsoft.com/project"
START = dt.date(2027, 1, 4)
HOLIDAYS = (
    (dt.date(2027, 1, 18), "Martin Luther King Jr. Day"),
    (dt.date(2027, 2, 15), "Presidents' Day"),
)
MINUTES_PER_DAY = 480
FIELD_IDS = {"low": 188743783, "likely": 188743784, "high": 188743785}  # Duration1..3
ALIASES = {"low": "Optimistic", "likely": "Most likely", "high": "Pessimistic"}
TYPE_CODES = {"FF": 0, "FS": 1, "SF": 2, "SS": 3}

# (ID, name, outline level, (low, likely, high) or None for a summary, three-point fields?,
#  links as (predecessor ID, type, lag in working days, lag format))
ROWS: list[
    tuple[int, str, int, tuple[float, float, float] | None, bool, list[tuple[int, str, float, int]]]
] = [
    (1, "Planning", 1, None, False, []),
    (2, "Requirements sign-off", 2, (2, 3, 5), True, []),
    (3, "UX design", 2, (4, 5, 9), True, [(2, "FS", 0, 7)]),
    (4, "Build", 1, None, False, [(1, "FS", 0, 7)]),
    (5, "API changes", 2, (6, 8, 14), True, []),
    (6, "App screens", 2, (8, 10, 16), True, [(5, "SS", 3, 7)]),
    (7, "Offline sync", 2, (5, 6, 12), True, [(5, "FS", 0, 7)]),
    (8, "Release", 1, None, False, []),
    (9, "Regression testing", 2, (4, 5, 8), False, [(6, "FS", 0, 7), (7, "FS", 0, 7)]),
    (10, "Beta with 5% of users", 2, (4, 5, 7), False, [(9, "FS", -1, 7)]),
    (11, "App store review", 2, (1, 3, 8), True, [(10, "SS", 5, 9)]),
    (12, "Launch", 2, (0, 0, 0), False, [(11, "FS", 0, 7), (10, "FF", 0, 7)]),
]


def _leaves_under(summary_id: int) -> list[int]:
    out, inside = [], False
    for rid, _, level, est, _, _ in ROWS:
        if rid == summary_id:
            inside = True
            continue
        if inside and level == 1:
            break
        if inside and est is not None:
            out.append(rid)
    return out


def _schedule() -> tuple[dict[int, tuple[dt.datetime, dt.datetime]], WorkCalendar]:
    """Start/Finish of every task as MS Project would store them (links off summaries expanded)."""
    calendar = WorkCalendar(holidays=tuple(d for d, _ in HOLIDAYS))
    summary_links: dict[int, list[tuple[int, str, float, int]]] = {}
    for rid, _, _, est, _, links in ROWS:
        if est is None:
            for leaf in _leaves_under(rid):
                summary_links.setdefault(leaf, []).extend(links)
    tasks = []
    summaries = {rid for rid, _, _, est, _, _ in ROWS if est is None}
    for rid, name, _, est, _, links in ROWS:
        if est is None:
            continue
        deps = []
        for pred, kind, lag, _ in links + summary_links.get(rid, []):
            for p in _leaves_under(pred) if pred in summaries else [pred]:
                deps.append(Dependency(predecessor=str(p), type=kind, lag_days=lag))  # type: ignore[arg-type]
        tasks.append(
            Task(
                id=str(rid),
                name=name,
                duration=Estimate(low=est[0], likely=est[1], high=est[2]),
                predecessors=tuple(deps),
            )
        )
    cpm = compute_cpm(ScheduleInputs(tasks=tuple(tasks), start_date=START, calendar=calendar))
    out: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    for t, es, ef in zip(tasks, cpm.early_start_days, cpm.early_finish_days, strict=True):
        finish = calendar.finish_date(START, float(ef))
        if t.duration.likely == 0:
            stamp = dt.datetime.combine(finish, dt.time(8 if ef <= 0 else 17))
            out[int(t.id)] = (stamp, stamp)
        else:
            start = calendar.add_working_days(START, int(es))
            out[int(t.id)] = (
                dt.datetime.combine(start, dt.time(8)),
                dt.datetime.combine(finish, dt.time(17)),
            )
    for rid in summaries:
        spans = [out[leaf] for leaf in _leaves_under(rid)]
        out[rid] = (min(s for s, _ in spans), max(f for _, f in spans))
    return out, calendar


def _duration(days: float) -> str:
    minutes = round(days * MINUTES_PER_DAY)
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def _sub(parent: ET.Element, tag: str, text: object = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = str(text)
    return el


def build() -> bytes:
    dates, _ = _schedule()
    finish = max(f for _, f in dates.values())
    ET.register_namespace("", NS)
    project = ET.Element(f"{{{NS}}}Project")
    q = lambda tag: f"{{{NS}}}{tag}"  # noqa: E731
    s = lambda parent, tag, text=None: _sub(parent, q(tag), text)  # noqa: E731
    s(project, "SaveVersion", 14)
    s(project, "Name", "small_project.xml")
    s(project, "Title", "Mobile app 2.0 release")
    s(project, "ScheduleFromStart", 1)
    s(project, "StartDate", f"{START.isoformat()}T08:00:00")
    s(project, "FinishDate", finish.isoformat())
    s(project, "CalendarUID", 1)
    s(project, "DefaultStartTime", "08:00:00")
    s(project, "DefaultFinishTime", "17:00:00")
    s(project, "MinutesPerDay", MINUTES_PER_DAY)
    s(project, "MinutesPerWeek", 5 * MINUTES_PER_DAY)
    s(project, "DaysPerMonth", 20)
    s(project, "DurationFormat", 7)
    eas = s(project, "ExtendedAttributes")
    for role, fid in FIELD_IDS.items():
        ea = s(eas, "ExtendedAttribute")
        s(ea, "FieldID", fid)
        s(ea, "FieldName", f"Duration{fid - 188743782}")
        s(ea, "Alias", ALIASES[role])
    cals = s(project, "Calendars")
    cal = s(cals, "Calendar")
    s(cal, "UID", 1)
    s(cal, "Name", "Standard")
    s(cal, "IsBaseCalendar", 1)
    s(cal, "IsBaselineCalendar", 0)
    s(cal, "BaseCalendarUID", -1)
    week = s(cal, "WeekDays")
    for day_type in range(1, 8):
        wd = s(week, "WeekDay")
        s(wd, "DayType", day_type)
        working = day_type not in (1, 7)
        s(wd, "DayWorking", int(working))
        if working:
            times = s(wd, "WorkingTimes")
            for a, b in (("08:00:00", "12:00:00"), ("13:00:00", "17:00:00")):
                wt = s(times, "WorkingTime")
                s(wt, "FromTime", a)
                s(wt, "ToTime", b)
    exceptions = s(cal, "Exceptions")
    for day, name in HOLIDAYS:
        ex = s(exceptions, "Exception")
        s(ex, "EnteredByOccurrences", 0)
        tp = s(ex, "TimePeriod")
        s(tp, "FromDate", f"{day.isoformat()}T00:00:00")
        s(tp, "ToDate", f"{day.isoformat()}T23:59:00")
        s(ex, "Occurrences", 1)
        s(ex, "Name", name)
        s(ex, "Type", 1)
        s(ex, "DayWorking", 0)
    tasks_el = s(project, "Tasks")
    total = max(dates[r[0]][1] for r in ROWS)
    rows = [(0, "Mobile app 2.0 release", 0, None, False, []), *ROWS]
    outline: list[int] = []
    for rid, name, level, est, fields, links in rows:
        task = s(tasks_el, "Task")
        s(task, "UID", rid)
        s(task, "ID", rid)
        s(task, "Name", name)
        s(task, "Active", 1)
        s(task, "Manual", 0)
        s(task, "Type", 0)
        s(task, "IsNull", 0)
        if level:
            nxt = outline[level - 1] + 1 if len(outline) >= level else 1
            outline = [*outline[: level - 1], nxt]
        s(task, "WBS", ".".join(map(str, outline)) or "0")
        s(task, "OutlineNumber", ".".join(map(str, outline)) or "0")
        s(task, "OutlineLevel", level)
        start, end = dates[rid] if rid else (dt.datetime.combine(START, dt.time(8)), total)
        s(task, "Start", start.isoformat())
        s(task, "Finish", end.isoformat())
        days = _summary_days(start, end) if est is None else est[1]
        s(task, "Duration", _duration(days))
        s(task, "DurationFormat", 7)
        s(task, "Milestone", int(est is not None and est[1] == 0))
        s(task, "Summary", int(est is None))
        s(task, "ConstraintType", 0)
        s(task, "CalendarUID", -1)
        for pred, kind, lag, fmt in links:
            link = s(task, "PredecessorLink")
            s(link, "PredecessorUID", pred)
            s(link, "Type", TYPE_CODES[kind])
            s(link, "CrossProject", 0)
            s(link, "LinkLag", round(lag * MINUTES_PER_DAY * 10))
            s(link, "LagFormat", fmt)
        if est is not None and fields:
            for role, fid in FIELD_IDS.items():
                ea = s(task, "ExtendedAttribute")
                s(ea, "FieldID", fid)
                s(ea, "Value", _duration(est[("low", "likely", "high").index(role)]))
    ET.indent(project, space="  ")
    return ET.tostring(project, encoding="utf-8", xml_declaration=True) + b"\n"


def _summary_days(start: dt.datetime, end: dt.datetime) -> float:
    calendar = WorkCalendar(holidays=tuple(d for d, _ in HOLIDAYS))
    return float(calendar.working_days_between(start.date(), end.date()) + 1)


if __name__ == "__main__":
    target = Path(__file__).with_name("small_project.xml")
    target.write_bytes(build())
    print(f"wrote {target}")
