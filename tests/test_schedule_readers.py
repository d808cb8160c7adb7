"""Schedule readers: tasks/risks/correlations/holidays tables, DataFrames, scenario JSON, and
bad input located by file, row and column (every problem at once, never a traceback)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpm_models.errors import InputError
from tpm_models.io.tables import to_csv_bytes, to_excel_bytes
from tpm_models.schedule_risk.network import Dependency
from tpm_models.schedule_risk.readers import (
    correlations_from_frame,
    correlations_to_frame,
    format_predecessors,
    load_schedule,
    parse_predecessors,
    read_correlations,
    read_holidays,
    read_risks,
    read_tasks,
    risks_from_frame,
    risks_to_frame,
    schedule_from_frames,
    schedule_from_json,
    schedule_to_json,
    tasks_from_frame,
    tasks_to_frame,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "schedule"
TASK_HEADER = "id,name,low,likely,high,distribution,predecessors\n"
RISK_HEADER = "id,name,probability,impact_low,impact_likely,impact_high,impact_unit,tasks\n"
GOOD_TASKS = TASK_HEADER + "A,Design,1,2,4,,\nB,Build,2,3,6,pert,A\nC,Test,1,2,3,triangular,B\n"


def _load(
    tasks: str = GOOD_TASKS, risks: str | None = None, correlations: str | None = None
) -> object:
    return load_schedule(
        tasks.encode(),
        risks.encode() if risks is not None else None,
        correlations.encode() if correlations is not None else None,
        names={"tasks": "tasks.csv", "risks": "risks.csv", "correlations": "corr.csv"},
    )


# --- predecessor syntax --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("A", [("A", "FS", 0.0)]),
        ("A; B:SS+2; C:FF-1", [("A", "FS", 0.0), ("B", "SS", 2.0), ("C", "FF", -1.0)]),
        (" a : ss + 2 ;; ", [("a", "SS", 2.0)]),
        ("X:sf-0.5", [("X", "SF", -0.5)]),
        ("X:FS+2d, Y:fs", [("X", "FS", 2.0), ("Y", "FS", 0.0)]),
        ("X:FF\u22123", [("X", "FF", -3.0)]),  # a typographic minus from a word processor
    ],
)
def test_parse_predecessors(text: str, expected: list[tuple[str, str, float]]) -> None:
    got = [(d.predecessor, d.type, d.lag_days) for d in parse_predecessors(text)]
    assert got == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("A:XX+2", "link type 'XX'"),
        ("A:FS+x", "lag 'x'"),
        ("A:FS2", "+N or -N"),
        (":FS", "no task id"),
    ],
)
def test_parse_predecessors_rejects_bad_syntax(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        parse_predecessors(text)


def test_format_predecessors_round_trips() -> None:
    deps = (
        Dependency(predecessor="A"),
        Dependency(predecessor="B", type="SS", lag_days=2.5),
        Dependency(predecessor="C", type="FF", lag_days=-1),
        Dependency(predecessor="D", type="SF"),
    )
    text = format_predecessors(deps)
    assert text == "A; B:SS+2.5; C:FF-1; D:SF"
    assert parse_predecessors(text) == deps


# --- good files ----------------------------------------------------------------------------------
def test_read_tasks_defaults_and_optional_columns() -> None:
    tasks = read_tasks(
        (
            TASK_HEADER.strip()
            + ",owner,phase\n"
            + "A,Design,1,2,4,,,Ann,Plan\nB,,2,3,6,PERT,A:ss+1,,\n"
        ).encode(),
        name="t.csv",
    )
    assert [t.id for t in tasks] == ["A", "B"]
    assert tasks[0].duration.distribution == "pert"
    assert tasks[1].duration.distribution == "pert"
    assert (tasks[0].owner, tasks[0].phase) == ("Ann", "Plan")
    assert tasks[1].predecessors == (Dependency(predecessor="A", type="SS", lag_days=1),)


def test_semicolon_csv_with_bom_and_excel_read_the_same() -> None:
    semi = ("\ufeff" + GOOD_TASKS.replace(",", ";")).encode("utf-8")
    from_semi = read_tasks(semi)
    from_comma = read_tasks(GOOD_TASKS.encode())
    from_xlsx = read_tasks(to_excel_bytes(tasks_to_frame(from_comma)), name="t.xlsx")
    assert from_semi == from_comma == from_xlsx


def test_file_objects_and_paths_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text(GOOD_TASKS, encoding="utf-8")
    assert read_tasks(path) == read_tasks(io.BytesIO(GOOD_TASKS.encode())) == read_tasks(str(path))


def test_risks_probability_as_percent_and_units() -> None:
    risks = read_risks(
        (
            RISK_HEADER + "R1,Late,35%,1,2,4,days,A; B\nR2,,0.1,5,10,20,Percent,C\nR3,,1,1,1,1,,A\n"
        ).encode()
    )
    assert [r.probability for r in risks] == [0.35, 0.1, 1.0]
    assert [r.impact_unit for r in risks] == ["days", "percent", "days"]
    assert risks[0].tasks == ("A", "B")


def test_read_correlations_and_holidays() -> None:
    corr = read_correlations(b"task_a,task_b,rho\nA,B,0.5\nB,C,-0.25\n")
    assert [(c.task_a, c.task_b, c.rho) for c in corr] == [("A", "B", 0.5), ("B", "C", -0.25)]
    days = read_holidays(b"date\n2027-12-25\n2027-01-01\n2027-01-01\n")
    assert days == (dt.date(2027, 1, 1), dt.date(2027, 12, 25))


def test_load_schedule_combines_everything() -> None:
    s = load_schedule(
        GOOD_TASKS.encode(),
        (RISK_HEADER + "R1,Late,0.3,1,2,4,days,A;C\n").encode(),
        b"task_a,task_b,rho\nA,B,0.5\n",
        b"date,name\n2027-01-06,Holiday\n",
        "2027-01-04",
        weekmask="1111110",
    )
    assert (len(s.tasks), len(s.risks), len(s.correlations)) == (3, 1, 1)
    assert s.start_date == dt.date(2027, 1, 4)
    assert s.calendar.weekmask == "1111110"
    assert s.calendar.holidays == (dt.date(2027, 1, 6),)


# --- the sample -----------------------------------------------------------------------------------
def test_sample_network_is_valid_and_realistic() -> None:
    s = load_schedule(
        SAMPLE / "tasks.csv",
        SAMPLE / "risks.csv",
        SAMPLE / "correlations.csv",
        SAMPLE / "holidays.csv",
        start_date=dt.date(2027, 1, 4),
    )
    assert 35 <= len(s.tasks) <= 45
    assert len(s.risks) == 8
    assert 3 <= len(s.correlations) <= 5
    assert len(s.calendar.holidays) >= 10
    assert all(t.owner and t.phase and t.name for t in s.tasks)
    assert {t.phase for t in s.tasks} >= {"Backend", "Data", "Security", "QA", "Rollout"}
    types = {d.type for t in s.tasks for d in t.predecessors}
    assert types >= {"FS", "SS", "FF"}
    assert any(d.lag_days > 0 for t in s.tasks for d in t.predecessors)
    assert sum(t.is_milestone for t in s.tasks) >= 2
    # some right-skewed estimates (high further from likely than low)
    assert (
        sum(
            t.duration.high - t.duration.likely > 1.5 * (t.duration.likely - t.duration.low)
            for t in s.tasks
        )
        >= 10
    )
    assert {r.impact_unit for r in s.risks} == {"days", "percent"}
    assert any(len(r.tasks) > 1 for r in s.risks)


# --- bad input: every problem located by file, row and column -------------------------------------
BAD_CASES = {
    "unknown predecessor": (
        TASK_HEADER + "A,,1,2,3,,\nB,,1,2,3,,Z\n",
        None,
        None,
        [("tasks.csv", 3, "predecessors", "unknown predecessor 'Z'")],
    ),
    "self link": (
        TASK_HEADER + "A,,1,2,3,,\nB,,1,2,3,,A; B\n",
        None,
        None,
        [("tasks.csv", 3, "predecessors", "'B' lists itself")],
    ),
    "duplicate ids": (
        TASK_HEADER + "A,,1,2,3,,\nB,,1,2,3,,A\nA,,1,2,3,,\n",
        None,
        None,
        [("tasks.csv", 4, "id", "duplicate task id 'A'")],
    ),
    "cycle of 2": (
        TASK_HEADER + "A,,1,2,3,,B\nB,,1,2,3,,A\n",
        None,
        None,
        [("tasks.csv", 2, "predecessors", "A → B → A")],
    ),
    "cycle of 5": (
        TASK_HEADER
        + "S,,1,1,1,,\nA,,1,2,3,,S; E\nB,,1,2,3,,A\nC,,1,2,3,,B\nD,,1,2,3,,C\nE,,1,2,3,,D\n",
        None,
        None,
        [("tasks.csv", 3, "predecessors", "A → B → C → D → E → A")],
    ),
    "low above likely, likely above high": (
        TASK_HEADER + "A,,4,2,6,,\nB,,1,5,3,,A\n",
        None,
        None,
        [
            ("tasks.csv", 2, "low", "above likely"),
            ("tasks.csv", 3, "high", "below likely"),
        ],
    ),
    "negative duration": (
        TASK_HEADER + "A,,-1,2,3,,\n",
        None,
        None,
        [("tasks.csv", 2, "low", "negative")],
    ),
    "non-numeric cell": (
        TASK_HEADER + "A,,1,two,3,,\nB,,1,2,,,A\n",
        None,
        None,
        [
            ("tasks.csv", 2, "likely", "'two' is not a number"),
            ("tasks.csv", 3, "high", "is empty"),
        ],
    ),
    "bad distribution": (
        TASK_HEADER + "A,,1,2,3,gamma,\n",
        None,
        None,
        [("tasks.csv", 2, "distribution", "'gamma' is not one of")],
    ),
    "bad predecessor syntax": (
        TASK_HEADER + "A,,1,2,3,,\nB,,1,2,3,,A:XX+2\nC,,1,2,3,,A:FS+x; B\n",
        None,
        None,
        [
            ("tasks.csv", 3, "predecessors", "link type 'XX'"),
            ("tasks.csv", 4, "predecessors", "lag 'x'"),
        ],
    ),
    "probability 1.5 and unit hours": (
        GOOD_TASKS,
        RISK_HEADER + "R1,,1.5,1,2,3,days,A\nR2,,0.2,1,2,3,hours,B\nR3,,35,1,2,3,days,B\n",
        None,
        [
            ("risks.csv", 2, "probability", "not between 0 and 1"),
            ("risks.csv", 3, "impact_unit", "'hours'"),
            ("risks.csv", 4, "probability", "35%"),
        ],
    ),
    "risk naming an unknown task": (
        GOOD_TASKS,
        RISK_HEADER + "R1,,0.5,1,2,3,days,A; Z\n",
        None,
        [("risks.csv", 2, "tasks", "unknown task 'Z'")],
    ),
    "correlation out of range and unknown task": (
        GOOD_TASKS,
        None,
        "task_a,task_b,rho\nA,B,1.2\nA,Z,0.3\n",
        [
            ("corr.csv", 2, "rho", "not between -1 and 1"),
            ("corr.csv", 3, "task_b", "unknown task 'Z'"),
        ],
    ),
    "problems in three files at once": (
        TASK_HEADER + "A,,1,2,3,,\nB,,3,2,1,,A\nC,,1,2,3,,Q\n",
        RISK_HEADER + "R1,,2,1,2,3,days,B\n",
        "task_a,task_b,rho\nA,C,x\n",
        [
            ("tasks.csv", 3, "low", "above likely"),
            ("tasks.csv", 3, "high", "below likely"),
            ("tasks.csv", 4, "predecessors", "unknown predecessor 'Q'"),
            ("risks.csv", 2, "probability", "not between 0 and 1"),
            ("corr.csv", 2, "rho", "'x' is not a number"),
        ],
    ),
}


@pytest.mark.parametrize("case", list(BAD_CASES), ids=list(BAD_CASES))
def test_bad_input_lists_every_problem_with_row_and_column(case: str) -> None:
    tasks, risks, corr, expected = BAD_CASES[case]
    with pytest.raises(InputError) as info:
        _load(tasks, risks, corr)
    got = [(p.source, p.row, p.column, p.message) for p in info.value.problems]
    assert len(got) == len(expected), got
    for (src, row, col, fragment), (g_src, g_row, g_col, g_msg) in zip(
        sorted(expected, key=lambda e: (e[0], e[1], e[2])),
        sorted(got, key=lambda e: (e[0], e[1] or 0, e[2] or "")),
        strict=True,
    ):
        assert (g_src, g_row, g_col) == (src, row, col), got
        assert fragment in g_msg, got
    # the CLI form: one line per problem, FILE:ROW:COLUMN
    for line, p in zip(info.value.cli_lines(), info.value.problems, strict=True):
        assert line.startswith(f"error: {p.source}:{p.row}:{p.column}: ")


def test_a_problem_row_does_not_hide_other_rows_problems() -> None:
    # B is broken (low > likely), but C's link to B still resolves: no spurious "unknown B".
    with pytest.raises(InputError) as info:
        _load(TASK_HEADER + "A,,1,2,3,,\nB,,3,2,4,,A\nC,,1,2,3,,B\nD,,1,2,3,,C; D\n")
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "low"), (5, "predecessors")]


def test_missing_column_and_empty_file() -> None:
    with pytest.raises(InputError) as info:
        read_tasks(b"id,low,high\nA,1,3\n", name="t.csv")
    assert info.value.problems[0].row == 1
    assert "'likely'" in info.value.problems[0].message
    with pytest.raises(InputError, match="empty"):
        read_tasks(b"", name="t.csv")


def test_bad_holiday_date_is_located() -> None:
    with pytest.raises(InputError) as info:
        load_schedule(
            GOOD_TASKS.encode(), holidays=b"date\n2027-01-01\nsoon\n", names={"holidays": "hol.csv"}
        )
    (p,) = info.value.problems
    assert (p.source, p.row, p.column) == ("hol.csv", 3, "date")


def test_bad_start_date() -> None:
    with pytest.raises(InputError, match="not a date"):
        load_schedule(GOOD_TASKS.encode(), start_date="next monday")


# --- DataFrames (the page's editors) ------------------------------------------------------------
def test_frames_round_trip_the_sample() -> None:
    s = load_schedule(SAMPLE / "tasks.csv", SAMPLE / "risks.csv", SAMPLE / "correlations.csv")
    assert tasks_from_frame(tasks_to_frame(s.tasks)) == s.tasks
    assert risks_from_frame(risks_to_frame(s.risks)) == s.risks
    assert correlations_from_frame(correlations_to_frame(s.correlations)) == s.correlations
    again = schedule_from_frames(
        tasks_to_frame(s.tasks), risks_to_frame(s.risks), correlations_to_frame(s.correlations)
    )
    assert again == s
    # and through the CSV writer the page offers for download
    assert read_tasks(to_csv_bytes(tasks_to_frame(s.tasks))) == s.tasks


def test_frame_problems_use_the_editor_row_index() -> None:
    df = tasks_to_frame(read_tasks(GOOD_TASKS.encode()))
    df.loc[1, "likely"] = float("nan")
    df.loc[2, "predecessors"] = "B; Nope"
    with pytest.raises(InputError) as info:
        tasks_from_frame(df)
    got = [(p.source, p.row, p.column) for p in info.value.problems]
    assert got == [("tasks table", 2, "likely"), ("tasks table", 3, "predecessors")]


def test_frame_blank_rows_are_ignored_and_empty_tables_mean_none() -> None:
    df = tasks_to_frame(read_tasks(GOOD_TASKS.encode()))
    df = pd.concat([df, pd.DataFrame([{c: None for c in df.columns}])], ignore_index=True)
    s = schedule_from_frames(
        df,
        pd.DataFrame([{"id": "", "probability": None, "tasks": "  "}]),
        pd.DataFrame(columns=["task_a", "task_b", "rho"]),
        start_date=dt.date(2027, 1, 4),
    )
    assert (len(s.tasks), s.risks, s.correlations) == (3, (), ())


def test_schedule_from_frames_cross_table_problems() -> None:
    t = tasks_to_frame(read_tasks(GOOD_TASKS.encode()))
    r = pd.DataFrame(
        [
            {
                "id": "R1",
                "probability": 0.3,
                "impact_low": 1,
                "impact_likely": 2,
                "impact_high": 3,
                "impact_unit": "days",
                "tasks": "A; X",
            }
        ]
    )
    c = pd.DataFrame([{"task_a": "Y", "task_b": "B", "rho": 0.4}])
    with pytest.raises(InputError) as info:
        schedule_from_frames(t, r, c)
    got = [(p.source, p.row, p.column) for p in info.value.problems]
    assert got == [("risks table", 1, "tasks"), ("correlations table", 1, "task_a")]


# --- scenario JSON ------------------------------------------------------------------------------
def test_json_round_trip_of_the_sample() -> None:
    s = load_schedule(
        SAMPLE / "tasks.csv",
        SAMPLE / "risks.csv",
        SAMPLE / "correlations.csv",
        SAMPLE / "holidays.csv",
        start_date=dt.date(2027, 1, 4),
    )
    text = schedule_to_json(s)
    payload = json.loads(text)
    assert (payload["schema_version"], payload["tool"]) == (1, "schedule")
    assert payload["start_date"] == "2027-01-04"
    assert schedule_from_json(text) == s
    assert schedule_from_json(text.encode("utf-8-sig")) == s


def test_json_problems_are_located_by_path() -> None:
    s = load_schedule(GOOD_TASKS.encode())
    payload = json.loads(schedule_to_json(s))
    payload["tasks"][1]["duration"]["low"] = 9
    payload["tasks"][2]["predecessors"] = [{"predecessor": "Q", "type": "FS", "lag_days": 0}]
    payload["colour"] = "red"
    with pytest.raises(InputError) as info:
        schedule_from_json(json.dumps(payload), name="s.json")
    cols = sorted(p.column or "" for p in info.value.problems)
    assert cols == ["colour", "tasks[1].duration"]
    payload.pop("colour")
    payload["tasks"][1]["duration"]["low"] = 1
    with pytest.raises(InputError) as info:
        schedule_from_json(json.dumps(payload), name="s.json")
    assert [p.column for p in info.value.problems] == ["tasks[2].predecessors"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "object"),
        ('{"schema_version": 1, "tool": "capacity"}', "not a schedule scenario"),
        ('{"schema_version": 2, "tasks": []}', "schema_version"),
    ],
)
def test_json_bad_files(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        schedule_from_json(text)
    assert fragment in str(info.value)


# --- more sources ------------------------------------------------------------------------------
def test_excel_problems_carry_sheet_rows() -> None:
    df = tasks_to_frame(read_tasks(GOOD_TASKS.encode())).astype(object)
    df.loc[1, "high"] = "lots"
    df.loc[2, "predecessors"] = "B:QQ"
    with pytest.raises(InputError) as info:
        read_tasks(to_excel_bytes(df), name="plan.xlsx")
    got = [(p.source, p.row, p.column) for p in info.value.problems]
    assert got == [("plan.xlsx", 3, "high"), ("plan.xlsx", 4, "predecessors")]


class _Upload(io.BytesIO):
    """Like Streamlit's UploadedFile: a binary file object with a ``name``."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def test_uploaded_file_objects_are_named_in_problems() -> None:
    with pytest.raises(InputError) as info:
        load_schedule(
            _Upload((TASK_HEADER + "A,,1,2,3,,Z\n").encode(), "my tasks.csv"),
            risks=_Upload((RISK_HEADER + "R1,,0.5,1,2,3,days,A\n").encode(), "my risks.csv"),
        )
    assert [(p.source, p.row) for p in info.value.problems] == [("my tasks.csv", 2)]


def test_read_tasks_accepts_ms_project_xml() -> None:
    tasks = read_tasks(SAMPLE / "small_project.xml")
    assert len(tasks) == 9
    assert tasks == load_schedule(SAMPLE / "small_project.xml").tasks


_ids = (
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-. ", min_size=1, max_size=8)
    .map(str.strip)
    .filter(bool)
)
_deps = st.lists(
    st.builds(
        Dependency,
        predecessor=_ids,
        type=st.sampled_from(["FS", "SS", "FF", "SF"]),
        lag_days=st.one_of(
            st.just(0.0),
            st.integers(-20, 20).map(float),
            st.floats(-30, 30, allow_nan=False).map(lambda x: round(x, 3)),
        ),
    ),
    max_size=5,
)


@given(_deps)
def test_predecessor_text_round_trips(deps: list[Dependency]) -> None:
    assert parse_predecessors(format_predecessors(deps)) == tuple(deps)
