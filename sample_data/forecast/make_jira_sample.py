"""Generate the delivery-forecast sample: a realistic Jira CSV export (seeded, reproducible).

Run from the repository root::

    python sample_data/forecast/make_jira_sample.py

Writes ``sample_data/forecast/jira-export.csv`` (the Jira export the page loads on first visit)
and ``sample_data/forecast/throughput.csv`` (the same history as a ``date,completed`` table).

The team: about 26 weeks of history ending Friday 13 November 2026; items finish mostly
Tuesday to Thursday, less on Mondays and Fridays, almost never at weekends, with a bump at
the end of each two-week sprint, a summer slowdown in August and nothing on public holidays.
Issue types are mixed (Story, Bug, Task, Sub-task) and some issues are still open. Dates are
written as Jira writes them (``13/Nov/26 4:05 PM``) and ``Sprint`` is a repeated column, as in
a real "all fields" export.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

SEED = 20261113
HERE = Path(__file__).resolve().parent
FIRST_DAY = dt.date(2026, 5, 18)  # a Monday
LAST_DAY = dt.date(2026, 11, 13)  # a Friday
HOLIDAYS = {
    dt.date(2026, 5, 25),  # Memorial Day / Spring bank holiday
    dt.date(2026, 7, 3),  # Independence Day (observed)
    dt.date(2026, 8, 31),  # Summer bank holiday
    dt.date(2026, 9, 7),  # Labor Day
    dt.date(2026, 10, 12),  # Columbus Day (team day off)
}
#: Mean items finished per weekday, Monday..Sunday.
WEEKDAY_RATE = (1.3, 2.6, 2.8, 2.7, 1.4, 0.03, 0.02)
TYPES = ("Story", "Bug", "Task", "Sub-task")
TYPE_SHARE = (0.40, 0.25, 0.20, 0.15)
VERBS = ("Add", "Fix", "Refactor", "Validate", "Document", "Speed up", "Migrate", "Remove")
NOUNS = (
    "checkout flow",
    "invoice export",
    "login rate limit",
    "search filters",
    "audit log",
    "billing webhook",
    "onboarding email",
    "mobile settings",
    "CSV import",
    "permissions page",
    "report scheduler",
    "API pagination",
)
HEADER = [
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Priority",
    "Resolution",
    "Created",
    "Updated",
    "Resolved",
    "Sprint",
    "Sprint",
    "Custom field (Story Points)",
]


def jira_stamp(t: dt.datetime) -> str:
    """Jira's export format, e.g. ``13/Nov/26 4:05 PM``."""
    hour = t.hour % 12 or 12
    return f"{t:%d/%b/%y} {hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def sprint_of(day: dt.date) -> int:
    return (day - FIRST_DAY).days // 14 + 1


def daily_rate(day: dt.date) -> float:
    if day in HOLIDAYS:
        return 0.0
    rate = WEEKDAY_RATE[day.weekday()]
    if day.month == 8:
        rate *= 0.6  # summer holidays
    if (day - FIRST_DAY).days % 14 in (10, 11):  # sprint-end Thursday/Friday push
        rate *= 1.5
    return rate


def work_time(rng: np.random.Generator, day: dt.date) -> dt.datetime:
    minutes = int(rng.integers(8 * 60 + 30, 18 * 60 + 30))
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))


def build_rows(rng: np.random.Generator) -> list[list[str]]:
    issues: list[dict[str, object]] = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        for _ in range(int(rng.poisson(daily_rate(day)))):
            resolved = work_time(rng, day)
            lead_days = float(rng.gamma(2.0, 4.0)) + 0.2
            created = resolved - dt.timedelta(days=lead_days)
            issues.append({"created": created, "resolved": resolved})
        day += dt.timedelta(days=1)
    for _ in range(38):  # still open: created in the last ten weeks
        created = work_time(rng, LAST_DAY - dt.timedelta(days=int(rng.integers(0, 70))))
        issues.append({"created": created, "resolved": None})
    issues.sort(key=lambda i: i["created"])  # type: ignore[arg-type, return-value]
    rows: list[list[str]] = []
    for number, issue in enumerate(issues, start=101):
        created = issue["created"]
        resolved = issue["resolved"]
        assert isinstance(created, dt.datetime)
        kind = str(rng.choice(TYPES, p=TYPE_SHARE))
        summary = f"{rng.choice(VERBS)} {rng.choice(NOUNS)}"
        if isinstance(resolved, dt.datetime):
            status = "Done" if rng.random() < 0.94 else "Closed"
            resolution = "Done" if status == "Done" else "Won't Do"
            updated = resolved
            first, last = sprint_of(created.date()), sprint_of(resolved.date())
            sprints = [f"HAL Sprint {max(first, 1)}"]
            if last > max(first, 1):
                sprints.append(f"HAL Sprint {last}")
            resolved_text = jira_stamp(resolved)
        else:
            status = str(rng.choice(["To Do", "In Progress", "In Review"], p=[0.6, 0.3, 0.1]))
            resolution = ""
            updated = created + dt.timedelta(hours=float(rng.uniform(1, 200)))
            sprints = [f"HAL Sprint {sprint_of(LAST_DAY)}"] if status != "To Do" else []
            resolved_text = ""
        points = "" if kind == "Sub-task" else str(rng.choice([1, 2, 3, 5, 8]))
        rows.append(
            [
                summary,
                f"HAL-{number}",
                str(20_000 + number),
                kind,
                status,
                str(rng.choice(["Medium", "High", "Low", "Highest"], p=[0.6, 0.2, 0.15, 0.05])),
                resolution,
                jira_stamp(created),
                jira_stamp(updated),
                resolved_text,
                *[*sprints, "", ""][:2],
                points,
            ]
        )
    rows.reverse()  # Jira lists the newest issue first
    return rows


def main() -> None:
    rng = np.random.default_rng(SEED)
    rows = build_rows(rng)
    with (HERE / "jira-export.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    counts: dict[dt.date, int] = {}
    for row in rows:
        if row[9]:
            day = dt.datetime.strptime(row[9], "%d/%b/%y %I:%M %p").date()
            counts[day] = counts.get(day, 0) + 1
    with (HERE / "throughput.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["date", "completed"])
        day = min(counts)  # the same span a Jira history has: first resolution to the end
        while day <= LAST_DAY:
            writer.writerow([day.isoformat(), counts.get(day, 0)])
            day += dt.timedelta(days=1)
    resolved = sum(1 for r in rows if r[9])
    print(f"wrote {len(rows)} issues ({resolved} resolved) to {HERE / 'jira-export.csv'}")


if __name__ == "__main__":
    main()
