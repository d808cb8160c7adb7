"""Throughput history readers: Jira CSV exports and ``date,completed`` tables.

Jira CSV export
---------------
Columns ``Issue key``, ``Issue Type``, ``Status``, ``Created``, ``Resolved`` (names matched
case-insensitively; ``Issue key`` and ``Resolved`` are required; every other column is ignored,
including the *repeated* columns Jira writes for multi-valued fields such as ``Sprint``).
UTF-8 with or without a byte-order mark, ``,`` or ``;`` delimiter.

Dates: Jira's ``17/Aug/23 10:48 AM`` (also with a 4-digit year, a 24-hour time, or no time),
ISO ``2025-06-13``, ``2025-06-13 06:20``, ``2025-06-13T06:20:00.000+0200`` and ``…Z``, and
``13.06.2025 06:20``. A timezone suffix is read but the *written* calendar date is kept: the
day the team saw the item finish, which is what a throughput history counts.

Rows with an empty ``Resolved`` cell are unresolved: they are skipped and counted. Every
unreadable date is reported with its row and column; the row numbers are those a spreadsheet
shows (header = row 1), counting records, so a quoted multi-line cell is one row.

``date,completed`` table
-----------------------
One row per day (any order; repeated dates are added; missing days are zero), CSV or .xlsx.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

import numpy as np
import pandas as pd

from tpm_models.delivery_forecast.throughput import DailyThroughput
from tpm_models.errors import InputError, ProblemCollector
from tpm_models.io.tables import (
    RowParser,
    read_source_bytes,
    read_table,
    source_name,
    unclosed_quote_row,
)

__all__ = [
    "JiraIssues",
    "parse_holiday_lines",
    "parse_jira_datetime",
    "read_history",
    "read_holidays",
    "read_jira_csv",
    "read_throughput_table",
]

Source = str | os.PathLike[str] | bytes | IO[bytes]
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Items completed on one day in a ``date,completed`` table (beyond it a count is a typo).
MAX_ITEMS_PER_DAY = 1_000_000

#: Header names (normalised: lower case, single spaces) -> field.
_COLUMNS = {
    "issue key": "key",
    "key": "key",
    "issue type": "issue_type",
    "issuetype": "issue_type",
    "status": "status",
    "created": "created",
    "resolved": "resolved",
    "resolution date": "resolved",
    "resolutiondate": "resolved",
}
_DISPLAY = {
    "key": "Issue key",
    "issue_type": "Issue Type",
    "status": "Status",
    "created": "Created",
    "resolved": "Resolved",
}
_JIRA_FORMATS = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%Y %H:%M",
    "%d/%b/%y",
    "%d/%b/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)
_SPACES = re.compile(r"\s+")


def parse_jira_datetime(raw: str) -> dt.datetime | None:
    """A Jira or ISO date-time as written (timezone dropped), or ``None`` if unreadable.

    Examples
    --------
    >>> parse_jira_datetime("13/Jun/25 6:20 AM")
    datetime.datetime(2025, 6, 13, 6, 20)
    >>> parse_jira_datetime("2025-06-13T23:20:00.000-0700")  # the written date is kept
    datetime.datetime(2025, 6, 13, 23, 20)
    >>> parse_jira_datetime("next week") is None
    True
    """
    s = _SPACES.sub(" ", raw.strip())
    if not s:
        return None
    if s[:1].isdigit() and len(s) >= 10 and s[4:5] == "-":
        try:
            return dt.datetime.fromisoformat(s).replace(tzinfo=None)
        except ValueError:
            return None
    if not s[:1].isdigit():  # every Jira format starts with the day; skip 8 failing strptimes
        return None
    for fmt in _JIRA_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt)
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class JiraIssues:
    """Issues read from a Jira export.

    Attributes
    ----------
    source : str
        File name used in messages.
    frame : DataFrame
        One row per issue: ``row`` (spreadsheet row), ``key``, ``issue_type``, ``status``,
        ``created`` and ``resolved`` (datetime64, NaT when unresolved).
    unresolved : int
        Rows skipped because ``Resolved`` is empty.
    export_last_resolved : date or None
        Last resolution date in the whole export. Filtered views keep it, so a history of
        (say) bugs only still runs to the end of the export, with zero days at its end
        instead of stopping at the last bug.
    """

    source: str
    frame: pd.DataFrame
    unresolved: int
    export_last_resolved: dt.date | None = None

    @property
    def total(self) -> int:
        return len(self.frame)

    @property
    def resolved_count(self) -> int:
        return int(self.frame["resolved"].notna().sum())

    def issue_types(self) -> list[str]:
        """Issue types of the resolved issues, most frequent first."""
        done = self.frame[self.frame["resolved"].notna()]
        return [str(t) for t in done["issue_type"].value_counts().index]

    def statuses(self) -> list[str]:
        """Statuses of the resolved issues, most frequent first."""
        done = self.frame[self.frame["resolved"].notna()]
        return [str(t) for t in done["status"].value_counts().index]

    def filter(
        self,
        *,
        issue_types: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
    ) -> JiraIssues:
        """Keep issues whose type / status is in the given lists (case-insensitive)."""
        keep = pd.Series(True, index=self.frame.index)
        if issue_types is not None:
            wanted = {t.strip().lower() for t in issue_types}
            keep &= self.frame["issue_type"].str.lower().isin(wanted)
        if statuses is not None:
            wanted = {t.strip().lower() for t in statuses}
            keep &= self.frame["status"].str.lower().isin(wanted)
        kept = self.frame[keep].reset_index(drop=True)
        return JiraIssues(
            self.source, kept, int(kept["resolved"].isna().sum()), self.export_last_resolved
        )

    def history(self, *, through: dt.date | None = None) -> DailyThroughput:
        """Items resolved per calendar day (zero days filled) from the resolved issues.

        The history runs to ``through`` or to the export's last resolution date, whichever
        is later.

        Raises
        ------
        InputError
            If no issue is resolved.
        """
        resolved = self.frame["resolved"].dropna()
        if resolved.empty:
            raise InputError.single(
                self.source,
                "no resolved issues (with the chosen issue types/statuses); a throughput "
                "history needs issues with a Resolved date",
            )
        days = resolved.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        ends = [d for d in (through, self.export_last_resolved) if d is not None]
        return DailyThroughput.from_completion_dates(days, through=max(ends) if ends else None)


# --- reading ---------------------------------------------------------------------------------
def _decode(data: bytes, src: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError.single(src, "the file is UTF-16; export or save it as CSV UTF-8")
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise InputError.single(src, "this is not a text CSV file (it holds binary data)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError.single(
            src,
            f"the file is not UTF-8 text (bad byte 0x{data[exc.start]:02x} on line {line}); "
            "export it as CSV UTF-8",
            row=line,
        ) from None


def _csv_records(text: str, src: str) -> list[list[str]]:
    header_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=False))
    except csv.Error as exc:
        raise InputError.single(src, f"could not read the CSV: {exc}") from None
    unclosed = unclosed_quote_row(text, delimiter)
    if unclosed is not None:
        raise InputError.single(
            src,
            "a quoted cell opened on this line is never closed (the file may be truncated); "
            "export the issues again",
            row=unclosed,
        )
    while records and not any(c.strip() for c in records[0]):
        records.pop(0)
    if not records:
        raise InputError.single(src, "the file is empty; export the issues from Jira as CSV")
    return records


def _normalise(name: str) -> str:
    return _SPACES.sub(" ", name.strip().lstrip("\ufeff").strip().lower())


def read_jira_csv(source: Source, *, name: str | None = None) -> JiraIssues:
    """Read a Jira CSV export (see the module docstring for what is accepted).

    Raises
    ------
    InputError
        With every problem found: missing columns, unreadable dates (row and column), an
        empty file.

    Examples
    --------
    >>> csv_text = (
    ...     "Issue key,Issue Type,Status,Created,Resolved,Sprint,Sprint\\n"
    ...     "A-1,Story,Done,01/Mar/27 9:00 AM,03/Mar/27 4:15 PM,S1,S2\\n"
    ...     "A-2,Bug,To Do,02/Mar/27 9:00 AM,,S2,\\n"
    ... )
    >>> issues = read_jira_csv(csv_text.encode(), name="export.csv")
    >>> issues.resolved_count, issues.unresolved
    (1, 1)
    """
    src = source_name(source, name)
    data = read_source_bytes(source, src)
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError.single(src, "the file is empty; export the issues from Jira as CSV")
    if data[:4] == b"PK\x03\x04":
        raise InputError.single(
            src, "this is an Excel workbook; export the issues from Jira as CSV instead"
        )
    records = _csv_records(_decode(data, src), src)
    header = [_normalise(h) for h in records[0]]
    positions: dict[str, int] = {}
    for i, h in enumerate(header):
        field = _COLUMNS.get(h)
        if field is not None:
            positions.setdefault(field, i)  # repeated columns: the first one counts
    missing = [_DISPLAY[f] for f in ("key", "resolved") if f not in positions]
    if missing:
        raise InputError.single(
            src,
            f"missing column(s) {', '.join(missing)}; a Jira CSV export has Issue key, "
            "Issue Type, Status, Created and Resolved (or upload a date,completed table)",
            row=1,
        )
    problems = ProblemCollector(src)
    out: dict[str, list[object]] = {
        "row": [],
        "key": [],
        "issue_type": [],
        "status": [],
        "created": [],
        "resolved": [],
    }
    unresolved = 0
    first_row: dict[str, int] = {}

    def cell(rec: list[str], field: str) -> str:
        i = positions.get(field)
        return rec[i].strip() if i is not None and i < len(rec) else ""

    for r, rec in enumerate(records[1:], start=2):
        if not any(c.strip() for c in rec):
            continue
        stamps: dict[str, dt.datetime | None] = {}
        for field in ("created", "resolved"):
            raw = cell(rec, field)
            stamps[field] = parse_jira_datetime(raw) if raw else None
            if raw and stamps[field] is None:
                shown = raw if len(raw) <= 40 else raw[:40] + "…"
                problems.add(
                    f"{shown!r} is not a date; use Jira's 17/Aug/23 10:48 AM or ISO 2023-08-17",
                    row=r,
                    column=_DISPLAY[field],
                )
        key = cell(rec, "key")
        if not key:
            problems.add("is empty; every issue needs a key", row=r, column="Issue key")
        elif key in first_row:
            # an overlap of two export pages would count the issue twice
            problems.add(
                f"issue {key} is listed again (first on row {first_row[key]}); export each "
                "issue once",
                row=r,
                column="Issue key",
            )
        else:
            first_row[key] = r
        if not cell(rec, "resolved"):
            unresolved += 1
        out["row"].append(r)
        out["key"].append(key)
        out["issue_type"].append(cell(rec, "issue_type") or "(none)")
        out["status"].append(cell(rec, "status") or "(none)")
        out["created"].append(stamps["created"])
        out["resolved"].append(stamps["resolved"])
    problems.raise_if_any()
    if not out["row"]:
        raise InputError.single(src, "the file has a header but no issues")
    frame = pd.DataFrame(
        {
            "row": np.asarray(out["row"], dtype=np.int64),
            "key": pd.Series(out["key"], dtype=object),
            "issue_type": pd.Series(out["issue_type"], dtype=object),
            "status": pd.Series(out["status"], dtype=object),
            "created": pd.to_datetime(pd.Series(out["created"], dtype=object)),
            "resolved": pd.to_datetime(pd.Series(out["resolved"], dtype=object)),
        }
    )
    last = frame["resolved"].max()
    return JiraIssues(src, frame, unresolved, None if pd.isna(last) else last.date())


def read_throughput_table(source: Source, *, name: str | None = None) -> DailyThroughput:
    """Read a ``date,completed`` table (CSV or .xlsx) into a daily history.

    Examples
    --------
    >>> h = read_throughput_table(b"date,completed\\n2027-01-04,3\\n2027-01-06,1\\n")
    >>> h.completed.tolist()
    [3, 0, 1]
    """
    table = read_table(source, required=["date", "completed"], name=name)
    p = RowParser(table)
    dates: list[dt.date] = []
    counts: list[int] = []
    for i in range(len(table)):
        d = p.date(i, "date")
        c = p.number(i, "completed", minimum=0, maximum=MAX_ITEMS_PER_DAY)
        if c is not None and not float(c).is_integer():
            p.add(i, "completed", f"{c:g} is not a whole number of items")
            continue
        if d is not None and c is not None:
            dates.append(d)
            counts.append(int(c))
    p.problems.raise_if_any()
    return DailyThroughput.from_counts(dates, counts)


def read_history(source: Source, *, name: str | None = None) -> JiraIssues | DailyThroughput:
    """Read either a Jira CSV export or a ``date,completed`` table, told apart by the header.

    Examples
    --------
    >>> type(read_history(b"date;completed\\n2027-01-04;3\\n")).__name__
    'DailyThroughput'
    """
    src = source_name(source, name)
    data = read_source_bytes(source, src)
    if data[:4] == b"PK\x03\x04":
        return read_throughput_table(data, name=src)
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError.single(src, "the file is empty; upload a Jira CSV export")
    records = _csv_records(_decode(data, src), src)
    header = {_normalise(h) for h in records[0]}
    if header & {"resolved", "resolution date", "resolutiondate"}:
        return read_jira_csv(data, name=src)
    if {"date", "completed"} <= header:
        return read_throughput_table(data, name=src)
    raise InputError.single(
        src,
        "not a throughput history: expected a Jira CSV export (Issue key, Issue Type, Status, "
        "Created, Resolved) or a table with columns date,completed",
        row=1,
    )


def read_holidays(source: Source, *, name: str | None = None) -> tuple[dt.date, ...]:
    """Holiday list: a ``date`` column (``name`` and other columns ignored), CSV or .xlsx.

    Examples
    --------
    >>> read_holidays(b"date,name\\n2026-12-25,Christmas\\n2027-01-01,New Year\\n")
    (datetime.date(2026, 12, 25), datetime.date(2027, 1, 1))
    """
    table = read_table(source, required=["date"], optional=["name"], name=name)
    p = RowParser(table)
    days = [p.date(i, "date") for i in range(len(table))]
    p.problems.raise_if_any()
    return tuple(sorted({d for d in days if d is not None}))


def parse_holiday_lines(text: str, *, source: str = "Holidays") -> tuple[dt.date, ...]:
    """Dates typed one per line (``YYYY-MM-DD``; text after the date is a comment).

    Examples
    --------
    >>> parse_holiday_lines("2026-12-25 Christmas\\n\\n2027-01-01")
    (datetime.date(2026, 12, 25), datetime.date(2027, 1, 1))
    """
    problems = ProblemCollector(source)
    days: set[dt.date] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        word = line.strip().split(" ")[0].strip(",;")
        if not word:
            continue
        try:
            days.add(dt.date.fromisoformat(word))
        except ValueError:
            problems.add(f"{word[:30]!r} is not a date; use YYYY-MM-DD", row=number)
    problems.raise_if_any()
    return tuple(sorted(days))
