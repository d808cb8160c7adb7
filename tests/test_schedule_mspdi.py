"""MS Project XML (MSPDI) import.

Reference files (real files written by MS Project / OpenProj; see /work/shared/reference/README.md):

* ``mpxj-task-links-project2013.xml`` — MPXJ repository (LGPL-2.1),
  ``junit/data/generated/task-links/``, saved by MS Project 2013: 16 tasks, FS/SS/FF/SF links,
  lags in days and weeks.
* ``mpxjnet-sample1.xml`` — MPXJ.Net repository, ``mpxj.net.tests/TestData/Sample1.xml``, saved
  by MS Project 2010: 10 tasks, milestones, FS/FF lags, a task calendar with an exception.
* ``projectlibre-new-product.xml`` — ProjectLibre repository (CPAL-1.0),
  ``projectlibre_exchange/testdata/New Product.xml``, saved by OpenProj: the "New Product"
  template, summary tasks recognised by outline nesting only, links onto summary tasks, a
  negative lag.

The strong check: the deterministic CPM of each imported file reproduces the Start/Finish dates
the scheduling tool itself stored for every leaf task (start = the working day containing the
early start; finish = DESIGN §3.2's finish-date rule; a milestone sits at its finish date).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

from tests.reference_data import REFERENCE_DIR, needs_reference
from tpm_models.calendar import WorkCalendar
from tpm_models.errors import InputError
from tpm_models.schedule_risk.cpm import compute_cpm
from tpm_models.schedule_risk.mspdi import MspdiProject, parse_duration_minutes, read_mspdi
from tpm_models.schedule_risk.network import Dependency
from tpm_models.schedule_risk.readers import load_schedule

REFERENCE = REFERENCE_DIR / "mspdi"
MPXJ_LINKS = REFERENCE / "mpxj-task-links-project2013.xml"
MPXJ_NET = REFERENCE / "mpxjnet-sample1.xml"
PROJECTLIBRE = REFERENCE / "projectlibre-new-product.xml"
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "schedule" / "small_project.xml"
NS = "http://schemas.microsoft.com/project"


def _cpm_dates(project: MspdiProject) -> dict[str, tuple[dt.date, dt.date]]:
    """Start/finish dates of every task from the deterministic CPM, by the DESIGN date rules."""
    assert project.start_date is not None
    cpm = compute_cpm(project.to_inputs())
    cal, start = project.calendar, project.start_date
    out = {}
    for t, es, ef in zip(project.tasks, cpm.early_start_days, cpm.early_finish_days, strict=True):
        finish = cal.finish_date(start, float(ef))
        if t.is_milestone:
            out[t.id] = (finish, finish)
        else:
            out[t.id] = (cal.add_working_days(start, math.floor(float(es) + 1e-9)), finish)
    return out


def _stored(project: MspdiProject) -> dict[str, tuple[dt.date, dt.date]]:
    out = {}
    for tid, (s, f) in project.stored_dates.items():
        assert s is not None
        assert f is not None
        out[tid] = (s.date(), f.date())
    return out


# --- reference files ---------------------------------------------------------------------------
@needs_reference
def test_mpxj_task_links_imports_every_link_type() -> None:
    p = read_mspdi(MPXJ_LINKS)
    assert len(p.tasks) == 16  # the project summary task (UID 0) is not a task
    assert p.start_date == dt.date(2014, 10, 17)
    assert p.calendar.weekmask == "1111100"
    links = {t.id: t.predecessors for t in p.tasks}
    assert links["2"] == (Dependency(predecessor="1", type="FS", lag_days=0),)
    assert links["4"] == (Dependency(predecessor="3", type="FS", lag_days=1),)
    assert links["8"] == (Dependency(predecessor="7", type="FS", lag_days=5),)  # "1w"
    assert links["10"] == (Dependency(predecessor="9", type="FS", lag_days=10),)  # "2w"
    assert links["12"] == (Dependency(predecessor="11", type="SF", lag_days=2),)
    assert links["14"] == (Dependency(predecessor="13", type="SS", lag_days=2),)
    assert links["16"] == (Dependency(predecessor="15", type="FF", lag_days=2),)
    assert all(t.duration.likely == 1 for t in p.tasks)
    assert any("PERT spread" in n for n in p.notes)


@needs_reference
def test_mpxj_task_links_cpm_reproduces_ms_project_dates() -> None:
    """All 16 tasks. Each task carries a Start-No-Earlier-Than constraint dated at its own
    stored start (the importer notes that constraints are not modelled); the links alone
    reproduce every date, so nothing is excluded."""
    p = read_mspdi(MPXJ_LINKS)
    assert any("date constraints are not modelled" in n for n in p.notes)
    assert _cpm_dates(p) == _stored(p)


@needs_reference
def test_mpxjnet_sample_summaries_milestones_and_task_calendar() -> None:
    p = read_mspdi(MPXJ_NET)
    assert [t.name for t in p.tasks] == [
        "Task 1",
        "Task 2",
        "Task 3",
        "Milestone 1",
        "Task 4",
        "Task 5",
        "Task 6",
        "Milestone 2",
    ]
    assert any(n.startswith("2 summary task(s) not simulated") for n in p.notes)
    assert {t.phase for t in p.tasks} == {"Summary Task 1", "SummaryTask 2"}
    assert [t.is_milestone for t in p.tasks].count(True) == 2
    by_name = {t.name: t for t in p.tasks}
    assert by_name["Task 6"].predecessors == (Dependency(predecessor="8", type="FF", lag_days=2),)
    assert any("task calendars are not modelled" in n and "9 (" in n for n in p.notes)


@needs_reference
def test_mpxjnet_sample_cpm_reproduces_ms_project_dates() -> None:
    """Every task except "Task 6" (ID 9) and its successor "Milestone 2" (ID 10).

    Task 6 is scheduled by MS Project on its own task calendar ("Task 6 Calendar", with
    7–9 Aug 2023 as non-working days); the simulation uses the project calendar for every task
    (the importer says so in its notes). The second half of this test shows that this calendar
    is exactly what explains MS Project's dates for Task 6: its FF+2d lag and 5-day duration,
    counted on the task calendar from the CPM finish of its predecessor, give the stored dates.
    """
    p = read_mspdi(MPXJ_NET)
    cpm, stored = _cpm_dates(p), _stored(p)
    explained = [tid for tid in stored if tid not in ("9", "10")]
    assert len(explained) == 6
    assert {tid: cpm[tid] for tid in explained} == {tid: stored[tid] for tid in explained}

    task_calendar = WorkCalendar(
        holidays=(dt.date(2023, 8, 7), dt.date(2023, 8, 8), dt.date(2023, 8, 9))
    )
    pred_finish = cpm["8"][1]  # Task 5 finishes Mon 7 Aug (a task-calendar holiday)
    # FF + 2 working days of the task calendar after the end of 7 Aug: 10 and 11 Aug
    finish = task_calendar.finish_date(pred_finish + dt.timedelta(days=1), 2.0)
    start = task_calendar.add_working_days(finish, -4)  # 5 working days ending on `finish`
    assert (start, finish) == stored["9"] == (dt.date(2023, 8, 2), dt.date(2023, 8, 11))
    assert stored["10"] == (finish, finish)  # Milestone 2 follows Task 6 (FS)


@needs_reference
def test_projectlibre_new_product_summaries_by_nesting() -> None:
    p = read_mspdi(PROJECTLIBRE)
    # 43 rows: the project summary, 6 phase summaries (flagged by outline nesting only) and 36
    # leaf tasks.
    assert len(p.tasks) == 36
    assert any(n.startswith("6 summary task(s) not simulated") for n in p.notes)
    by_name = {t.name: t for t in p.tasks}
    # the negative lag: Sales training starts 15 days before Create sales materials finishes
    assert Dependency(predecessor="24", type="FS", lag_days=-15) in (
        by_name["Sales training"].predecessors
    )
    # "Marketing and Sales Phase" follows "Finance Phase": every marketing task gets a link from
    # every finance task (the summary finishes when its last task does)
    finance = {t.id for t in p.tasks if t.phase == "Finance Phase"}
    for t in p.tasks:
        if t.phase == "Marketing and Sales Phase":
            assert finance <= {d.predecessor for d in t.predecessors}
    assert by_name["Hire assemblers"].predecessors == (
        Dependency(predecessor="16", type="FF", lag_days=0),
    )


@needs_reference
def test_projectlibre_new_product_cpm_reproduces_stored_dates() -> None:
    """All 36 leaf tasks: links onto summary tasks, an FF link and a negative lag included."""
    p = read_mspdi(PROJECTLIBRE)
    assert _cpm_dates(p) == _stored(p)


@needs_reference
@pytest.mark.parametrize("path", [MPXJ_LINKS, MPXJ_NET, PROJECTLIBRE], ids=lambda p: p.name)
def test_reference_files_load_through_load_schedule(path: Path) -> None:
    notes: list[str] = []
    inputs = load_schedule(path.read_bytes(), names={"tasks": "upload"}, notes=notes)
    assert inputs.tasks == read_mspdi(path).tasks
    assert notes


# --- the sample --------------------------------------------------------------------------------
def test_sample_small_project_imports_with_three_point_fields() -> None:
    p = read_mspdi(SAMPLE)
    assert p.name == "Mobile app 2.0 release"
    assert len(p.tasks) == 9
    assert p.start_date == dt.date(2027, 1, 4)
    assert p.calendar.holidays == (dt.date(2027, 1, 18), dt.date(2027, 2, 15))
    by_name = {t.name: t for t in p.tasks}
    api = by_name["API changes"].duration
    assert (api.low, api.likely, api.high) == (6, 8, 14)
    beta = by_name["Beta with 5% of users"].duration
    assert (beta.low, beta.likely, beta.high) == pytest.approx((4.5, 5, 6.25))
    assert by_name["Launch"].is_milestone
    assert any("Optimistic" in n and "(6 task(s))" in n for n in p.notes)
    assert any("no three-point fields for 2 task(s)" in n for n in p.notes)
    assert any(n.startswith("3 summary task(s)") for n in p.notes)
    types = {d.type for t in p.tasks for d in t.predecessors}
    assert types == {"FS", "SS", "FF"}
    assert (
        Dependency(predecessor="10", type="SS", lag_days=5)
        in by_name["App store review"].predecessors
    )
    assert Dependency(predecessor="9", type="FS", lag_days=-1) in (
        by_name["Beta with 5% of users"].predecessors
    )
    # the Build phase follows the Planning phase: each build task waits for each planning task
    assert {d.predecessor for d in by_name["API changes"].predecessors} == {"2", "3"}
    assert _cpm_dates(p) == _stored(p)


# --- durations, lags, calendars ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("PT40H0M0S", 2400.0),
        ("PT0H0M0S", 0.0),
        ("PT7H30M0S", 450.0),
        ("P1DT4H", 720.0),
        ("-PT8H0M0S", -480.0),
        ("PT1.5H", 90.0),
    ],
)
def test_parse_duration_minutes(text: str, minutes: float) -> None:
    assert parse_duration_minutes(text, 480) == minutes


@pytest.mark.parametrize("text", ["", "40h", "P1Y", "PT", "P", "PTxH"])
def test_parse_duration_minutes_rejects(text: str) -> None:
    assert parse_duration_minutes(text, 480) is None


def _task(
    uid: int,
    name: str,
    duration: str = "PT8H0M0S",
    level: int = 1,
    extra: str = "",
    links: str = "",
) -> str:
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name><OutlineLevel>{level}"
        f"</OutlineLevel><Duration>{duration}</Duration>{extra}{links}</Task>"
    )


def _link(pred: int, kind: int = 1, lag: float = 0, fmt: int = 7) -> str:
    return (
        f"<PredecessorLink><PredecessorUID>{pred}</PredecessorUID><Type>{kind}</Type>"
        f"<LinkLag>{lag}</LinkLag><LagFormat>{fmt}</LagFormat></PredecessorLink>"
    )


def _project(tasks: str, head: str = "") -> bytes:
    body = f'<Project xmlns="{NS}">{head}<Tasks>{tasks}</Tasks></Project>'
    return b'<?xml version="1.0"?>' + body.encode()


def test_minutes_per_day_scales_durations_and_lags() -> None:
    xml = _project(
        _task(1, "A", "PT21H0M0S") + _task(2, "B", "PT7H0M0S", links=_link(1, lag=4200)),
        head="<MinutesPerDay>420</MinutesPerDay>",
    )
    a, b = read_mspdi(xml).tasks
    assert a.duration.likely == 3
    assert b.predecessors[0].lag_days == 1


def test_percent_and_elapsed_lags() -> None:
    xml = _project(
        _task(1, "A", "PT80H0M0S")
        + _task(2, "B", links=_link(1, kind=3, lag=50, fmt=19))  # SS + 50% of A (10 days)
        + _task(3, "C", links=_link(1, lag=7 * 1440 * 10, fmt=8))  # FS + 7 elapsed days
    )
    p = read_mspdi(xml)
    assert p.tasks[1].predecessors[0] == Dependency(predecessor="1", type="SS", lag_days=5)
    assert p.tasks[2].predecessors[0].lag_days == pytest.approx(5.0)  # 7 calendar days ≈ 1 week
    assert any("percentage lag" in n for n in p.notes)
    assert any("elapsed-time lag" in n for n in p.notes)


def test_links_onto_and_from_summary_tasks_apply_to_their_leaves() -> None:
    xml = _project(
        _task(1, "Phase 1", "PT16H0M0S", level=1)
        + _task(2, "a", level=2)
        + _task(3, "b", level=2)  # a and b both start the phase
        + _task(4, "c", level=2, links=_link(2))
        + _task(5, "Phase 2", level=1, links=_link(1, kind=3, lag=4800))  # SS+1d from Phase 1
        + _task(6, "d", level=2)
        + _task(7, "Nested", level=2)
        + _task(8, "e", level=3)
        + _task(9, "f", level=1, links=_link(5))  # FS from Phase 2: after d and e
    )
    p = read_mspdi(xml)
    assert [t.id for t in p.tasks] == ["2", "3", "4", "6", "8", "9"]
    deps = {t.id: {(d.predecessor, d.type, d.lag_days) for d in t.predecessors} for t in p.tasks}
    assert deps["6"] == deps["8"] == {("2", "SS", 1.0), ("3", "SS", 1.0)}
    assert deps["9"] == {("6", "FS", 0.0), ("8", "FS", 0.0)}
    assert any("start-based links from summary task(s) Phase 1" in n for n in p.notes)
    assert any(n.startswith("3 summary task(s)") for n in p.notes)
    assert {t.phase for t in p.tasks} == {"Phase 1", "Phase 2", "Nested", ""}


def test_inactive_null_and_project_summary_rows_are_skipped() -> None:
    xml = _project(
        "<Task><UID>0</UID><ID>0</ID><Name>Project</Name><OutlineLevel>0</OutlineLevel>"
        "<Duration>PT8H0M0S</Duration><Summary>1</Summary></Task>"
        + _task(1, "A")
        + "<Task><UID>2</UID><ID>2</ID><IsNull>1</IsNull></Task>"
        + _task(3, "Off", extra="<Active>0</Active>")
        + _task(4, "B", links=_link(3) + _link(1))
    )
    p = read_mspdi(xml)
    assert [t.name for t in p.tasks] == ["A", "B"]
    assert p.tasks[1].predecessors == (Dependency(predecessor="1"),)
    assert "1 inactive task(s) skipped" in p.notes
    assert any("link(s) to tasks not in the file" in n for n in p.notes)


def test_calendar_weekdays_base_calendar_and_exceptions() -> None:
    head = (
        "<CalendarUID>2</CalendarUID><Calendars>"
        "<Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar>"
        "<WeekDays>"
        + "".join(
            f"<WeekDay><DayType>{d}</DayType><DayWorking>{int(d not in (1, 7))}</DayWorking>"
            "</WeekDay>"
            for d in range(1, 8)
        )
        + "</WeekDays></Calendar>"
        "<Calendar><UID>2</UID><Name>Six days</Name><IsBaseCalendar>0</IsBaseCalendar>"
        "<BaseCalendarUID>1</BaseCalendarUID><WeekDays>"
        "<WeekDay><DayType>7</DayType><DayWorking>1</DayWorking></WeekDay>"
        "<WeekDay><DayType>0</DayType><DayWorking>0</DayWorking><TimePeriod>"
        "<FromDate>2027-12-24T00:00:00</FromDate><ToDate>2027-12-27T23:59:00</ToDate>"
        "</TimePeriod></WeekDay></WeekDays><Exceptions>"
        "<Exception><TimePeriod><FromDate>2027-01-01T00:00:00</FromDate>"
        "<ToDate>2027-01-01T23:59:00</ToDate></TimePeriod><Type>1</Type>"
        "<DayWorking>0</DayWorking></Exception>"
        "<Exception><TimePeriod><FromDate>2027-01-09T00:00:00</FromDate>"
        "<ToDate>2027-01-09T23:59:00</ToDate></TimePeriod><Type>1</Type>"
        "<DayWorking>1</DayWorking></Exception>"
        "<Exception><Name>Every May Day</Name><TimePeriod><FromDate>2027-05-01T00:00:00"
        "</FromDate><ToDate>2030-05-01T23:59:00</ToDate></TimePeriod><Type>5</Type>"
        "<DayWorking>0</DayWorking></Exception>"
        "</Exceptions></Calendar></Calendars>"
    )
    p = read_mspdi(_project(_task(1, "A"), head=head))
    assert p.calendar.weekmask == "1111110"
    assert p.calendar.holidays == (
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 24),
        dt.date(2027, 12, 25),
        dt.date(2027, 12, 26),
        dt.date(2027, 12, 27),
    )
    assert any("extra working day" in n for n in p.notes)
    assert any("Every May Day" in n for n in p.notes)


def test_custom_fields_by_alias_and_widening() -> None:
    head = (
        "<ExtendedAttributes>"
        "<ExtendedAttribute><FieldID>188743767</FieldID><FieldName>Number1</FieldName>"
        "<Alias>Best case</Alias></ExtendedAttribute>"
        "<ExtendedAttribute><FieldID>188743768</FieldID><FieldName>Number2</FieldName>"
        "<Alias>Worst case</Alias></ExtendedAttribute>"
        "</ExtendedAttributes>"
    )

    def ea(fid: int, value: str) -> str:
        return (
            f"<ExtendedAttribute><FieldID>{fid}</FieldID><Value>{value}</Value></ExtendedAttribute>"
        )

    xml = _project(
        _task(1, "A", "PT40H0M0S", extra=ea(188743767, "3") + ea(188743768, "2w"))
        + _task(2, "B", "PT40H0M0S", extra=ea(188743767, "6d") + ea(188743768, "9"))
        + _task(3, "C", "PT40H0M0S"),
        head=head,
    )
    a, b, c = (t.duration for t in read_mspdi(xml).tasks)
    assert (a.low, a.likely, a.high) == (3, 5, 10)
    assert (b.low, b.likely, b.high) == (5, 5, 9)  # widened to include the duration
    assert (c.low, c.likely, c.high) == pytest.approx((4.5, 5, 6.25))
    notes = read_mspdi(xml, default_low=0.8, default_high=1.5).notes
    assert any("'Best case' (Number1)" in n and "(2 task(s))" in n for n in notes)
    assert any("widened" in n and "task(s) 2" in n for n in notes)
    assert any("low = 80% and high = 150%" in n for n in notes)


# --- bad and hostile files ----------------------------------------------------------------------
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Project xmlns="http://schemas.microsoft.com/project"><Name>&lol3;</Name></Project>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="http://schemas.microsoft.com/project"><Name>&xxe;</Name></Project>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["entities", "external"])
def test_entity_expansion_and_external_entities_are_refused(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        read_mspdi(data, name="evil.xml")
    (problem,) = info.value.problems
    assert problem.source == "evil.xml"
    assert "refused for safety" in problem.message
    assert "root:" not in problem.message  # nothing from /etc/passwd leaks


def test_malformed_xml_names_the_line() -> None:
    data = _project(_task(1, "A")).replace(b"</Tasks>", b"\n\n</Taskz>")
    with pytest.raises(InputError) as info:
        read_mspdi(data, name="plan.xml")
    (problem,) = info.value.problems
    assert problem.row == 3
    assert "not well-formed XML" in problem.message
    assert "line 3" in problem.message


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"<html><body/></html>", "not an MS Project file"),
        (f'<Project xmlns="{NS}"><Tasks/></Project>'.encode(), "no tasks"),
        (b"not xml at all", "not well-formed XML"),
    ],
)
def test_not_a_project(data: bytes, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        read_mspdi(data)


def test_bad_durations_and_lags_are_all_reported() -> None:
    xml = _project(
        _task(1, "A", "forty hours")
        + _task(2, "B", "-PT8H0M0S")
        + _task(3, "C", links=_link(1, lag="soon"))  # type: ignore[arg-type]
    )
    with pytest.raises(InputError) as info:
        read_mspdi(xml, name="p.xml")
    got = [(p.column, p.message) for p in info.value.problems]
    assert [c for c, _ in got] == ["LinkLag", "Duration", "Duration"]
    assert "task 1 ('A')" in got[1][1]
    assert "negative" in got[2][1]


def test_cycles_are_named_by_task_ids() -> None:
    xml = _project(_task(1, "A", links=_link(2)) + _task(2, "B", links=_link(1)))
    with pytest.raises(InputError, match="1 → 2 → 1"):
        read_mspdi(xml)


def test_load_schedule_recognises_xml_content_and_keeps_problems_located() -> None:
    xml = _project(_task(1, "A") + _task(2, "B", links=_link(1)))
    s = load_schedule(xml, start_date=dt.date(2027, 1, 4))
    assert [t.id for t in s.tasks] == ["1", "2"]
    assert s.start_date == dt.date(2027, 1, 4)
    with pytest.raises(InputError) as info:
        load_schedule(
            BILLION_LAUGHS,
            b"id,probability,impact_low,impact_likely,impact_high,tasks\nR,2,1,2,3,A\n",
            names={"tasks": "plan.xml", "risks": "risks.csv"},
        )
    assert [(p.source, p.row, p.column) for p in info.value.problems] == [
        ("plan.xml", None, None),
        ("risks.csv", 2, "probability"),
    ]


def test_stored_dates_keep_ms_project_times() -> None:
    p = read_mspdi(SAMPLE)
    start, finish = p.stored_dates["12"]  # the Launch milestone: end of its day
    assert start == finish
    assert finish is not None
    assert finish.time() == dt.time(17)
    assert np.isclose(p.minutes_per_day, 480)


@pytest.mark.parametrize(("low", "high"), [(1.1, 1.5), (0.5, 0.9), (-0.1, 1.2)])
def test_default_spread_must_bracket_the_duration(low: float, high: float) -> None:
    with pytest.raises(ValueError, match="default_low"):
        read_mspdi(SAMPLE, default_low=low, default_high=high)
