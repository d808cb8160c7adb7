"""Throughput history readers: a real Jira export, a table of real-world quirks, date tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.reference_data import REFERENCE_DIR, needs_reference
from tpm_models.delivery_forecast import DailyThroughput
from tpm_models.delivery_forecast.jira import (
    JiraIssues,
    parse_holiday_lines,
    parse_jira_datetime,
    read_history,
    read_holidays,
    read_jira_csv,
    read_throughput_table,
)
from tpm_models.errors import InputError

# nautilus-wallet repository (AGPL-3.0), docs/Jira.csv: a real Jira "all fields" export reduced
# to non-personal columns; see /work/shared/reference/README.md. 192 issues, 158 resolved.
NAUTILUS = REFERENCE_DIR / "jira" / "nautilus-wallet-export.csv"
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "forecast" / "jira-export.csv"

HEADER = "Summary,Issue key,Issue Type,Status,Created,Resolved,Sprint,Sprint"


@needs_reference
def test_real_nautilus_export() -> None:
    issues = read_jira_csv(NAUTILUS)
    assert issues.total == 192
    assert issues.resolved_count == 158
    assert issues.unresolved == 192 - 158
    assert set(issues.issue_types()) >= {"Bug", "Task", "Story"}
    history = issues.history()
    assert history.total_items == 158
    # the first row of the file: NW-219, resolved 17/Aug/23 10:48 AM
    first = issues.frame.iloc[0]
    assert first["key"] == "NW-219"
    assert first["resolved"] == dt.datetime(2023, 8, 17, 10, 48)
    assert history.first_date <= dt.date(2023, 8, 17) <= history.last_date
    # filtering by type keeps a subset whose counts add up
    bugs = issues.filter(issue_types=["bug"]).resolved_count
    others = issues.filter(issue_types=["Task", "Story", "Epic"]).resolved_count
    assert bugs > 0
    assert bugs + others == 158


def _rows(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


RESOLVED = "x,A-1,Story,Done,01/Aug/23 9:00 AM,17/Aug/23 10:48 AM,S1,S2"
OPEN = "x,A-2,Bug,To Do,01/Aug/23 9:00 AM,,S1,"


# (id, file bytes, resolved count, unresolved count, resolved date of the first resolved row)
QUIRKS = [
    ("plain", _rows(RESOLVED, OPEN), 1, 1, dt.date(2023, 8, 17)),
    ("utf8-bom", b"\xef\xbb\xbf" + _rows(RESOLVED, OPEN), 1, 1, dt.date(2023, 8, 17)),
    (
        "semicolon",
        _rows(RESOLVED.replace(",", ";"), OPEN.replace(",", ";"), header=HEADER.replace(",", ";")),
        1,
        1,
        dt.date(2023, 8, 17),
    ),
    ("crlf", _rows(RESOLVED, OPEN).replace(b"\n", b"\r\n"), 1, 1, dt.date(2023, 8, 17)),
    (
        "duplicated-sprint-columns",
        _rows(
            "x,A-1,Story,Done,01/Aug/23 9:00 AM,13/Jun/25 6:20 AM,S1,S2,S3,S4",
            header=HEADER + ",Sprint,Sprint",
        ),
        1,
        0,
        dt.date(2025, 6, 13),
    ),
    (
        "lower-case-headers-and-reordered",
        b"resolved,status,ISSUE KEY,issue type\n2025-06-13,Done,A-1,Bug\n",
        1,
        0,
        dt.date(2025, 6, 13),
    ),
    (
        "four-digit-year",
        _rows("x,A-1,Bug,Done,,17/Aug/2023 10:48 PM,,"),
        1,
        0,
        dt.date(2023, 8, 17),
    ),
    ("24-hour-time", _rows("x,A-1,Bug,Done,,17/Aug/23 22:48,,"), 1, 0, dt.date(2023, 8, 17)),
    ("date-only", _rows("x,A-1,Bug,Done,,17/Aug/23,,"), 1, 0, dt.date(2023, 8, 17)),
    ("iso-date", _rows("x,A-1,Bug,Done,,2025-06-13,,"), 1, 0, dt.date(2025, 6, 13)),
    ("iso-datetime", _rows("x,A-1,Bug,Done,,2025-06-13 06:20,,"), 1, 0, dt.date(2025, 6, 13)),
    (
        "iso-timezone-offset",
        _rows("x,A-1,Bug,Done,,2025-06-13T06:20:00.000+0200,,"),
        1,
        0,
        dt.date(2025, 6, 13),
    ),
    (
        "iso-negative-offset-keeps-written-date",
        _rows("x,A-1,Bug,Done,,2025-06-13T23:20:00.000-0700,,"),
        1,
        0,
        dt.date(2025, 6, 13),
    ),
    ("iso-zulu", _rows("x,A-1,Bug,Done,,2025-06-13T06:20:00Z,,"), 1, 0, dt.date(2025, 6, 13)),
    ("dotted-european", _rows("x,A-1,Bug,Done,,13.06.2025 06:20,,"), 1, 0, dt.date(2025, 6, 13)),
    (
        "multi-line-summary",
        _rows('"line one\nline two",A-1,Bug,Done,,13/Jun/25 6:20 AM,,', OPEN),
        1,
        1,
        dt.date(2025, 6, 13),
    ),
    ("blank-rows-skipped", _rows("", RESOLVED, ",,,,,,,", OPEN), 1, 1, dt.date(2023, 8, 17)),
    ("short-row", _rows("x,A-1,Bug,Done,,13/Jun/25 6:20 AM"), 1, 0, dt.date(2025, 6, 13)),
]


@pytest.mark.parametrize(
    ("data", "resolved", "unresolved", "first_date"),
    [q[1:] for q in QUIRKS],
    ids=[q[0] for q in QUIRKS],
)
def test_jira_quirks_parse(
    data: bytes, resolved: int, unresolved: int, first_date: dt.date
) -> None:
    issues = read_jira_csv(data, name="export.csv")
    assert issues.resolved_count == resolved
    assert issues.unresolved == unresolved
    assert issues.history().first_date == first_date


# (id, file bytes, expected (row, column, message fragment) problems)
BAD = [
    (
        "bad-dates-all-reported",
        _rows(
            "x,A-1,Bug,Done,yesterday,17/Aug/23 10:48 AM,,",
            "x,A-2,Bug,Done,,32/Aug/23 10:48 AM,,",
            "x,A-3,Bug,Done,,2023-13-01,,",
        ),
        [(2, "Created", "'yesterday'"), (3, "Resolved", "32/Aug"), (4, "Resolved", "2023-13")],
    ),
    (
        "row-numbers-count-records-not-lines",
        _rows('"a\nb\nc",A-1,Bug,Done,,13/Jun/25 6:20 AM,,', "x,A-2,Bug,Done,,soon,,"),
        [(3, "Resolved", "'soon'")],
    ),
    ("missing-key", _rows("x,,Bug,Done,,13/Jun/25 6:20 AM,,"), [(2, "Issue key", "empty")]),
    (
        "missing-resolved-column",
        b"Issue key,Issue Type,Status,Created\nA-1,Bug,Done,2025-01-01\n",
        [(1, None, "Resolved")],
    ),
    ("empty-file", b"\xef\xbb\xbf\n", [(None, None, "empty")]),
    ("header-only", HEADER.encode() + b"\n", [(None, None, "no issues")]),
    ("utf16", "Issue key,Resolved\n".encode("utf-16"), [(None, None, "UTF-16")]),
    (
        "latin1",
        _rows("Caf\xe9,A-1,Bug,Done,,2025-06-13,,").replace(b"\xc3\xa9", b"\xe9"),
        [(2, None, "not UTF-8")],
    ),
    ("excel", b"PK\x03\x04rest", [(None, None, "Excel")]),
]


@pytest.mark.parametrize(("data", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_jira_quirks_reported_with_row_and_column(
    data: bytes, expected: list[tuple[int | None, str | None, str]]
) -> None:
    with pytest.raises(InputError) as info:
        read_jira_csv(data, name="export.csv")
    problems = info.value.problems
    assert len(problems) == len(expected)
    for p, (row, column, fragment) in zip(problems, expected, strict=True):
        assert p.source == "export.csv"
        assert p.row == row
        assert p.column == column
        assert fragment in p.message


def test_filters_by_type_and_status_are_case_insensitive() -> None:
    data = _rows(
        "x,A-1,Story,Done,,2025-06-02,,",
        "x,A-2,Bug,Done,,2025-06-03,,",
        "x,A-3,Bug,Won't Do,,2025-06-04,,",
        "x,A-4,Sub-task,Done,,2025-06-05,,",
    )
    issues = read_jira_csv(data)
    assert issues.filter(issue_types=["BUG"]).resolved_count == 2
    assert issues.filter(statuses=["done"]).resolved_count == 3
    assert issues.filter(issue_types=["bug"], statuses=["Done"]).resolved_count == 1
    with pytest.raises(InputError, match="no resolved issues"):
        issues.filter(issue_types=["Epic"]).history()


def test_history_fills_zero_days_between_resolutions() -> None:
    data = _rows("x,A-1,Bug,Done,,2025-06-02 10:00,,", "x,A-2,Bug,Done,,2025-06-05 23:59,,")
    h = read_jira_csv(data).history(through=dt.date(2025, 6, 6))
    assert h.completed.tolist() == [1, 0, 0, 1, 0]


def test_parse_jira_datetime_table() -> None:
    assert parse_jira_datetime("13/Jun/25 6:20 AM") == dt.datetime(2025, 6, 13, 6, 20)
    assert parse_jira_datetime("13/jun/25 6:20 pm") == dt.datetime(2025, 6, 13, 18, 20)
    assert parse_jira_datetime("  17/Aug/23   10:48 AM ") == dt.datetime(2023, 8, 17, 10, 48)
    assert parse_jira_datetime("") is None
    assert parse_jira_datetime("2025-02-30") is None


# --- date,completed tables ----------------------------------------------------------------------
def test_date_completed_table() -> None:
    h = read_throughput_table(
        b"\xef\xbb\xbfdate;completed\n2027-01-06;2\n2027-01-04;3\n2027-01-06;1\n", name="t.csv"
    )
    assert h.first_date == dt.date(2027, 1, 4)
    assert h.completed.tolist() == [3, 0, 3]


def test_date_completed_table_bad_cells_all_reported() -> None:
    with pytest.raises(InputError) as info:
        read_throughput_table(
            b"date,completed\nsoon,1\n2027-01-05,-2\n2027-01-06,1.5\n2027-01-07,x\n", name="t.csv"
        )
    located = [(p.row, p.column) for p in info.value.problems]
    assert located == [(2, "date"), (3, "completed"), (4, "completed"), (5, "completed")]


def test_read_history_tells_the_formats_apart() -> None:
    assert isinstance(read_history(b"date,completed\n2027-01-04,1\n"), DailyThroughput)
    assert isinstance(read_history(_rows(RESOLVED)), JiraIssues)
    with pytest.raises(InputError, match="not a throughput history") as info:
        read_history(b"id,name\n1,x\n", name="tasks.csv")
    assert info.value.problems[0].row == 1


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample not generated yet")
def test_sample_export_is_realistic() -> None:
    issues = read_jira_csv(SAMPLE)
    assert 250 <= issues.resolved_count <= 350
    assert issues.unresolved > 0
    assert {"Story", "Bug", "Task", "Sub-task"} <= set(issues.issue_types())
    h = issues.history()
    assert 150 <= h.days <= 200
    frame = h.to_frame()
    by_weekday = frame.groupby(frame["date"].dt.day_of_week)["completed"].mean()
    # a working rhythm: weekends nearly empty, Tue–Thu busier than Mon and Fri
    assert by_weekday[5] + by_weekday[6] < 0.2 * by_weekday[[1, 2, 3]].mean()
    assert by_weekday[[0, 4]].mean() < by_weekday[[1, 2, 3]].mean()
    raw = SAMPLE.read_text(encoding="utf-8-sig").splitlines()[0]
    assert raw.count("Sprint") >= 2


def test_holiday_readers() -> None:
    assert read_holidays(b"date;name\n2027-01-01;New Year\n2026-12-25;Xmas\n2027-01-01;dup\n") == (
        dt.date(2026, 12, 25),
        dt.date(2027, 1, 1),
    )
    with pytest.raises(InputError) as info:
        read_holidays(b"date\n2026-12-25\nxmas\n", name="hol.csv")
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "date")]
    assert parse_holiday_lines("2026-12-25 Christmas\n\n 2027-01-01,\n") == (
        dt.date(2026, 12, 25),
        dt.date(2027, 1, 1),
    )
    with pytest.raises(InputError) as info:
        parse_holiday_lines("2026-12-25\n25/12/2026\n")
    assert [(p.source, p.row) for p in info.value.problems] == [("Holidays", 2)]


def test_filtered_history_runs_to_the_end_of_the_export() -> None:
    data = _rows("x,A-1,Bug,Done,,2025-06-02,,", "x,A-2,Story,Done,,2025-06-06,,")
    bugs = read_jira_csv(data).filter(issue_types=["Bug"]).history()
    assert bugs.last_date == dt.date(2025, 6, 6)
    assert bugs.completed.tolist() == [1, 0, 0, 0, 0]


def test_date_completed_table_from_excel() -> None:
    import io

    import pandas as pd

    buf = io.BytesIO()
    pd.DataFrame({"date": ["2027-01-04", "2027-01-06"], "completed": [2, 5]}).to_excel(
        buf, index=False
    )
    h = read_history(buf.getvalue(), name="throughput.xlsx")
    assert isinstance(h, DailyThroughput)
    assert h.completed.tolist() == [2, 0, 5]


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample not generated yet")
def test_sample_date_table_is_the_same_history_as_the_sample_export() -> None:
    table = read_throughput_table(SAMPLE.with_name("throughput.csv"))
    jira = read_jira_csv(SAMPLE).history()
    assert table.first_date == jira.first_date
    assert table.completed.tolist() == jira.completed.tolist()
