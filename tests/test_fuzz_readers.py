"""Fuzzing every reader (issue 9): random bytes, random CSV text, random JSON.

The contract under test: a reader returns a valid result or raises ``InputError`` (located,
with at least one problem) — never another exception. Examples are kept small and few enough
for the whole file to run in well under a minute on two cores.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpm_models.build_vs_buy.scenario import load_scenario as load_bvb
from tpm_models.build_vs_buy.scenario import parse_scenario
from tpm_models.delivery_forecast.jira import (
    read_history,
    read_jira_csv,
    read_throughput_table,
)
from tpm_models.delivery_forecast.jira import read_holidays as read_forecast_holidays
from tpm_models.errors import InputError
from tpm_models.io.tables import read_table
from tpm_models.schedule_risk.mspdi import read_mspdi
from tpm_models.schedule_risk.readers import (
    load_schedule,
    read_correlations,
    read_holidays,
    read_risks,
    read_tasks,
    schedule_from_json,
)
from tpm_models.team_capacity.scenario import load_scenario as load_capacity

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"

FUZZ = settings(
    max_examples=int(__import__("os").environ.get("TPM_FUZZ_EXAMPLES", "200")),
    deadline=None,
    derandomize=True,  # CI runs are reproducible; a found case is replayed from the database
    suppress_health_check=[HealthCheck.too_slow],
)

Reader = Callable[[bytes], object]


def outcome(reader: Reader, data: bytes) -> object:
    """Call ``reader``; an ``InputError`` must carry located problems, anything else fails."""
    try:
        return reader(data)
    except InputError as exc:
        err = exc
    assert err.problems
    assert all(p.source and p.message for p in err.problems)
    return err


BYTE_READERS: dict[str, Reader] = {
    "read_table": lambda b: read_table(b, required=["id"], optional=["low", "high"]),
    "read_tasks": read_tasks,
    "read_risks": read_risks,
    "read_correlations": read_correlations,
    "read_holidays": read_holidays,
    "load_schedule": load_schedule,
    "read_mspdi": read_mspdi,
    "read_jira_csv": read_jira_csv,
    "read_throughput_table": read_throughput_table,
    "read_history": read_history,
    "forecast_read_holidays": read_forecast_holidays,
    "schedule_from_json": schedule_from_json,
    "bvb_load_scenario": load_bvb,
    "capacity_load_scenario": load_capacity,
}

#: Byte prefixes that steer a reader down its other branches (BOMs, zip, XML, JSON).
PREFIXES = (
    b"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"PK\x03\x04",
    b"<?xml version='1.0'?>",
    b'<Project xmlns="http://schemas.microsoft.com/project">',
    b'{"schema_version": 1, ',
    b"id,name,low,likely,high,distribution,predecessors\n",
)


@pytest.mark.parametrize("name", sorted(BYTE_READERS))
@FUZZ
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=400))
def test_random_bytes(name: str, prefix: bytes, body: bytes) -> None:
    outcome(BYTE_READERS[name], prefix + body)


# --- random CSV text with the readers' own columns -------------------------------------------
COLUMNS = {
    "read_tasks": ["id", "name", "low", "likely", "high", "distribution", "predecessors"],
    "read_risks": [
        "id",
        "name",
        "probability",
        "impact_low",
        "impact_likely",
        "impact_high",
        "impact_unit",
        "tasks",
    ],
    "read_correlations": ["task_a", "task_b", "rho"],
    "read_holidays": ["date", "name"],
    "read_throughput_table": ["date", "completed"],
    "read_jira_csv": ["Issue key", "Issue Type", "Status", "Created", "Resolved"],
}

#: Cells a user (or an attacker) might type: numbers, edge numbers, dates, links, junk.
cells = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "2",
            "3",
            "-1",
            "0.5",
            "1.5",
            "nan",
            "inf",
            "-inf",
            "1e309",
            "1e-320",
            "99999999999999999999",
            "35%",
            "150%",
            "A",
            "B",
            "A;B",
            "A:SS+2",
            "B:FF-1",
            "A:XX",
            "A:FS+nan",
            "pert",
            "triangular",
            "lognormal",
            "fixed",
            "days",
            "percent",
            "2027-01-04",
            "2027-02-30",
            "04/01/2027",
            "13/Jun/25 6:20 AM",
            "31/Feb/25 6:20 AM",
            "Done",
            "Story",
            "=cmd|' /C calc'!A0",
            "@SUM(A1)",
            '"',
            "<img src=x onerror=alert(1)>",
        ]
    ),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


@st.composite
def csv_texts(draw: st.DrawFn, columns: list[str]) -> bytes:
    header = draw(st.permutations(columns)) if draw(st.booleans()) else columns
    header = header[: draw(st.integers(min_value=max(1, len(columns) - 1), max_value=len(header)))]
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(header) + 1), max_size=8))
    out = io.StringIO()
    delimiter = draw(st.sampled_from([",", ";"]))
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


CSV_READERS: dict[str, Reader] = {
    name: BYTE_READERS[name]
    for name in (
        "read_tasks",
        "read_risks",
        "read_correlations",
        "read_holidays",
        "read_throughput_table",
        "read_jira_csv",
    )
}


@pytest.mark.parametrize("name", sorted(CSV_READERS))
@FUZZ
@given(data=st.data())
def test_random_csv_text(name: str, data: st.DataObject) -> None:
    outcome(CSV_READERS[name], data.draw(csv_texts(COLUMNS[name])))


@FUZZ
@given(
    tasks=csv_texts(COLUMNS["read_tasks"]),
    risks=csv_texts(COLUMNS["read_risks"]),
    corr=csv_texts(COLUMNS["read_correlations"]),
)
def test_random_schedule_tables_together(tasks: bytes, risks: bytes, corr: bytes) -> None:
    """The cross-table checks (unknown tasks, cycles, correlations) never crash either."""
    outcome(lambda _: load_schedule(tasks, risks=risks, correlations=corr), b"")


# --- random JSON ------------------------------------------------------------------------------
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    doc = copy.deepcopy(doc)
    obj = doc
    for k in path[:-1]:
        obj = obj[k]
    obj[path[-1]] = value
    return doc


SCENARIOS = {
    "bvb_load_scenario": SAMPLES / "build_vs_buy" / "observability_platform.json",
    "capacity_load_scenario": SAMPLES / "capacity" / "engineering_org.json",
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@FUZZ
@given(data=st.data())
def test_sample_scenario_with_one_value_replaced(name: str, data: st.DataObject) -> None:
    """Any one value of a real scenario replaced by random JSON: valid, or located problems."""
    base = json.loads(SCENARIOS[name].read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(_paths(base)))
    doc = _replace(base, path, data.draw(json_values))
    outcome(BYTE_READERS[name], json.dumps(doc).encode("utf-8"))


@pytest.mark.parametrize("name", ["bvb_load_scenario", "capacity_load_scenario"])
@FUZZ
@given(doc=json_values)
def test_random_json_document(name: str, doc: Any) -> None:
    outcome(BYTE_READERS[name], json.dumps(doc).encode("utf-8"))


def test_sample_scenarios_still_load() -> None:
    """The fuzz baselines are valid (so replacing one value tests that value's check)."""
    for name, path in SCENARIOS.items():
        assert not isinstance(outcome(BYTE_READERS[name], path.read_bytes()), InputError)


# --- the build-vs-buy page's upload path: any bytes give a scenario or an InputError ---------
@pytest.mark.parametrize(
    "data", [b'{"name": "caf\xe9"}', b"[" * 5000 + b"]" * 5000], ids=["latin1", "deep"]
)
def test_bvb_parse_scenario_bytes_refuses_with_input_error(data: bytes) -> None:
    outcome(lambda b: parse_scenario(b, source="upload.json"), data)


@pytest.mark.parametrize("data", [b"\x0b\x01", b"\x0c\x1c\x1d", b"\x85id\nA\n"])
def test_line_breaks_only_str_splitlines_knows(data: bytes) -> None:
    """Found by this fuzzer: a vertical tab before the header raised IndexError in read_table."""
    outcome(lambda b: read_table(b, required=["id"]), data)
