"""Table readers and safe writers: every bad file gives located problems, never a traceback."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pydantic import BaseModel, ConfigDict, Field

from tpm_models.errors import InputError
from tpm_models.io import (
    RowParser,
    Table,
    load_json_model,
    neutralise_formulas,
    read_table,
    to_csv_bytes,
    to_excel_bytes,
)
from tpm_models.io.tables import parse_date, parse_number

REQUIRED = ["id", "name", "low", "likely", "high"]
HEADER = "id,name,low,likely,high"


def parse_tasks(table: Table) -> list[tuple[str, float, float, float]]:
    """How an engine reader uses RowParser: check every cell, then raise all problems at once."""
    p = RowParser(table)
    seen: dict[str, int] = {}
    out = []
    for i in range(len(table)):
        task_id = p.text(i, "id")
        p.text(i, "name")
        low, likely, high = (p.number(i, c, minimum=0) for c in ("low", "likely", "high"))
        if task_id is not None:
            if task_id in seen:
                p.add(i, "id", f"duplicate id {task_id!r} (first used on row {seen[task_id]})")
            else:
                seen[task_id] = p.row_number(i)
        if low is not None and high is not None and low > high:
            p.add(i, "low", f"low {low:g} is above high {high:g}; swap them")
        if None not in (task_id, low, likely, high):
            out.append((task_id, low, likely, high))  # type: ignore[arg-type]
    p.problems.raise_if_any()
    return out  # type: ignore[return-value]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass(frozen=True)
class BadFile:
    data: bytes
    #: every expected problem: (row, column, a fragment of the message)
    problems: list[tuple[int | None, str | None, str]]
    parse: bool = False  # also run parse_tasks (cell-level problems)


BAD_FILES: dict[str, BadFile] = {
    "missing-column": BadFile(
        b"id,name,low,high\nA,Design,1,3\n", [(1, "likely", "missing column 'likely'")]
    ),
    "two-missing-columns": BadFile(
        b"id,name,likely\nA,Design,2\n",
        [(1, "low", "missing column 'low'"), (1, "high", "missing column 'high'")],
    ),
    "duplicate-column": BadFile(
        f"{HEADER},low\nA,x,1,2,3,4\n".encode(), [(1, "low", "column 'low' appears twice")]
    ),
    "non-numeric-cells": BadFile(
        f"{HEADER}\nA,Design,1,two,3\nB,Build,x,2,3\n".encode(),
        [(2, "likely", "'two' is not a number"), (3, "low", "'x' is not a number")],
        parse=True,
    ),
    "low-above-high": BadFile(
        f"{HEADER}\nA,Design,5,4,3\nB,Build,1,2,3\nC,Test,9,9,1\n".encode(),
        [(2, "low", "low 5 is above high 3"), (4, "low", "low 9 is above high 1")],
        parse=True,
    ),
    "duplicate-id": BadFile(
        f"{HEADER}\nA,Design,1,2,3\nB,Build,1,2,3\nA,Again,1,2,3\n".encode(),
        [(4, "id", "duplicate id 'A' (first used on row 2)")],
        parse=True,
    ),
    "empty-and-negative-cells": BadFile(
        f"{HEADER}\n,Design,1,2,3\nB,,-1,2,\n".encode(),
        [
            (2, "id", "is empty"),
            (3, "name", "is empty"),
            (3, "low", "below the minimum 0"),
            (3, "high", "is empty; enter a number"),
        ],
        parse=True,
    ),
    "empty-file": BadFile(b"", [(None, None, "the file is empty")]),
    "blank-lines-only": BadFile(b"\r\n \n\n", [(None, None, "the file is empty")]),
    "header-only": BadFile(f"{HEADER}\n".encode(), [(None, None, "header but no data rows")]),
    "header-and-blank-rows": BadFile(
        f"{HEADER}\n,,,,\n\n".encode(), [(None, None, "header but no data rows")]
    ),
    "tab-delimited": BadFile(
        b"id\tname\tlow\tlikely\thigh\nA\tx\t1\t2\t3\n",
        [(1, None, "use ',' or ';' as the delimiter")],
    ),
    "pipe-delimited": BadFile(
        b"id|name|low|likely|high\nA|x|1|2|3\n", [(1, None, "use ',' or ';' as the delimiter")]
    ),
    "latin-1-bytes": BadFile(
        f"{HEADER}\nA,Design,1,2,3\nB,Caf\u00e9,1,2,3\n".encode("latin-1"),
        [(3, None, "not UTF-8 text (bad byte 0xe9 on line 3)")],
    ),
    "utf-16": BadFile(f"{HEADER}\nA,x,1,2,3\n".encode("utf-16"), [(None, None, "UTF-16")]),
    "binary-junk": BadFile(bytes(range(256)) * 8, [(None, None, "not a text file")]),
    "png-image": BadFile(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), [(None, None, "not a text file")]
    ),
    "corrupt-xlsx": BadFile(
        b"PK\x03\x04" + b"not really a zip" * 10, [(None, None, "not a readable .xlsx")]
    ),
    "truncated-xlsx": BadFile(
        xlsx_bytes([REQUIRED, ["A", "x", 1, 2, 3]])[:300], [(None, None, "not a readable .xlsx")]
    ),
    "xlsx-missing-column": BadFile(
        xlsx_bytes([["id", "name", "low", "high"], ["A", "x", 1, 3]]),
        [(1, "likely", "missing column 'likely'")],
    ),
    "xlsx-bad-cells": BadFile(
        xlsx_bytes([REQUIRED, ["A", "x", 1, "two", 3], ["B", "y", 5, 4, 3]]),
        [(2, "likely", "'two' is not a number"), (3, "low", "low 5 is above high 3")],
        parse=True,
    ),
    "xlsx-empty-sheet": BadFile(xlsx_bytes([]), [(None, None, "the first sheet is empty")]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_gives_every_problem_located(case: str) -> None:
    bad = BAD_FILES[case]
    try:
        table = read_table(bad.data, required=REQUIRED, optional=["owner"], name="tasks.csv")
    except InputError as exc:
        error = exc
    else:
        assert bad.parse, f"{case}: read_table accepted the file"
        with pytest.raises(InputError) as info:
            parse_tasks(table)
        error = info.value
    problems = error.problems
    got = [(p.row, p.column) for p in problems]
    assert got == [(row, col) for row, col, _ in bad.problems], [str(p) for p in problems]
    for problem, (_, _, fragment) in zip(problems, bad.problems, strict=True):
        assert fragment in problem.message, str(problem)
        assert problem.source == "tasks.csv"
    # the CLI form names file, row and column
    for line, problem in zip(error.cli_lines(), problems, strict=True):
        assert line == f"error: {problem.location()}: {problem.message}"
        assert "Traceback" not in line


GOOD_FILES: dict[str, bytes] = {
    "comma": f"{HEADER}\nA,Design,1,2,3\nB,Build,2,4,9\n".encode(),
    "bom": f"\ufeff{HEADER}\nA,Design,1,2,3\nB,Build,2,4,9\n".encode(),
    "semicolon": b"id;name;low;likely;high\nA;Design;1;2;3\nB;Build;2;4;9\n",
    "crlf-and-bom-semicolon": (
        b"\xef\xbb\xbfid;name;low;likely;high\r\nA;Design;1;2;3\r\nB;Build;2;4;9\r\n"
    ),
    "headers-with-case-and-spaces": b" ID , Name ,LOW,Likely,High\nA,Design,1,2,3\nB,Build,2,4,9\n",
    "extra-columns-ignored": f"{HEADER},notes\nA,Design,1,2,3,n\nB,Build,2,4,9,m\n".encode(),
    "xlsx": xlsx_bytes([REQUIRED, ["A", "Design", 1, 2, 3], ["B", "Build", 2, 4, 9.0]]),
}


@pytest.mark.parametrize("case", list(GOOD_FILES))
def test_good_files_read_the_same(case: str) -> None:
    table = read_table(GOOD_FILES[case], required=REQUIRED, name="tasks")
    assert table.columns == tuple(REQUIRED)
    assert table.row_numbers == (2, 3)
    assert parse_tasks(table) == [("A", 1.0, 2.0, 3.0), ("B", 2.0, 4.0, 9.0)]
    assert table.rows[0]["low"] == "1"  # Excel integers are not shown as "1.0"


def test_row_numbers_count_blank_rows_like_a_spreadsheet() -> None:
    table = read_table(f"{HEADER}\nA,x,1,2,3\n\nB,y,1,2,3\n".encode(), required=REQUIRED)
    assert table.row_numbers == (2, 4)


def test_optional_columns_and_aliases() -> None:
    data = b"id,name,low,duration,high,owner\nA,x,1,2,3,Ann\n"
    table = read_table(data, required=REQUIRED, optional=["owner"], aliases={"duration": "likely"})
    assert table.rows[0] == {
        "id": "A",
        "name": "x",
        "low": "1",
        "likely": "2",
        "high": "3",
        "owner": "Ann",
    }
    assert len(table.to_frame()) == 1


def test_read_table_from_path_and_file_object(tmp_path: Path) -> None:
    f = tmp_path / "tasks.csv"
    f.write_bytes(GOOD_FILES["comma"])
    assert read_table(f, required=REQUIRED).source == "tasks.csv"
    assert len(read_table(str(f), required=REQUIRED)) == 2
    with f.open("rb") as fh:
        assert len(read_table(fh, required=REQUIRED)) == 2
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nope.csv", required=REQUIRED)
    with pytest.raises(InputError, match="is a folder"):
        read_table(tmp_path, required=REQUIRED)


def test_row_parser_choice_and_date() -> None:
    table = read_table(
        b"id,kind,when\nA,PERT,2027-03-01\nB,beta,01/03/2027\nC,,someday\n",
        required=["id", "kind", "when"],
    )
    p = RowParser(table)
    assert p.choice(0, "kind", ["pert", "uniform"]) == "pert"
    assert p.choice(1, "kind", ["pert", "uniform"]) is None
    assert p.choice(2, "kind", ["pert", "uniform"], default="pert") == "pert"
    assert p.date(0, "when").isoformat() == "2027-03-01"  # type: ignore[union-attr]
    assert p.date(1, "when").isoformat() == "2027-03-01"  # type: ignore[union-attr]
    assert p.date(2, "when") is None
    assert [(x.row, x.column) for x in p.problems.problems] == [(3, "kind"), (4, "when")]


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1.5", 1.5), (" -2 ", -2.0), ("\u22123", -3.0), ("1e3", 1000.0), ("1,5", None), ("", None)],
)
def test_parse_number(raw: str, value: float | None) -> None:
    assert parse_number(raw) == value


def test_parse_date_forms() -> None:
    assert parse_date("2027-03-01T09:00:00").isoformat() == "2027-03-01"  # type: ignore[union-attr]
    assert parse_date("1 Mar 2027").isoformat() == "2027-03-01"  # type: ignore[union-attr]
    assert parse_date("2027-02-30") is None


def test_problems_are_capped_with_a_note() -> None:
    rows = "".join(f"T{i},x,bad,2,3\n" for i in range(300))
    table = read_table(f"{HEADER}\n{rows}".encode(), required=REQUIRED)
    with pytest.raises(InputError) as info:
        parse_tasks(table)
    assert len(info.value.problems) == 201
    assert "100 more problems not shown" in info.value.problems[-1].message


# --- writers: formula neutralisation -----------------------------------------------------------
DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x")']
SAFE = ["plain", "1+1", "a=b", "", "'quoted"]


def _frame() -> pd.DataFrame:
    n = len(DANGEROUS) + len(SAFE)
    return pd.DataFrame(
        {
            "text": DANGEROUS + SAFE,
            "number": [-5.5, -1.0, 0.0, 2.0, 3.0, -4.0, 1e9, 1.5, -0.25, 7.0, 8.0, 9.0][:n],
            "integer": list(range(-6, n - 6)),
            "=formula header": ["x"] * n,
        }
    )


def test_neutralise_formulas_prefixes_text_and_leaves_numbers() -> None:
    df = _frame()
    out = neutralise_formulas(df)
    assert out["text"].tolist() == ["'" + s for s in DANGEROUS] + SAFE
    assert out["number"].tolist() == df["number"].tolist()
    assert out["integer"].tolist() == df["integer"].tolist()
    assert "'=formula header" in out.columns
    assert df["text"].tolist() == DANGEROUS + SAFE  # the input is not modified


def test_neutralise_formulas_handles_object_category_and_missing_values() -> None:
    df = pd.DataFrame(
        {
            "mixed": pd.Series(["=cmd", 3, None, -1.5], dtype=object),
            "cat": pd.Categorical(["=a", "b", "=a", "@c"]),
        }
    )
    out = neutralise_formulas(df)
    assert out["mixed"].tolist()[:2] == ["'=cmd", 3]
    assert out["mixed"].tolist()[3] == -1.5
    assert [str(v) for v in out["cat"].tolist()] == ["'=a", "b", "'=a", "'@c"]


def test_csv_export_is_formula_safe() -> None:
    data = to_csv_bytes(_frame())
    assert data.startswith(b"\xef\xbb\xbf")  # BOM so Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert header == ["text", "number", "integer", "'=formula header"]
    assert [r[0] for r in body] == ["'" + s for s in DANGEROUS] + SAFE
    assert [float(r[1]) for r in body] == _frame()["number"].tolist()  # numbers untouched
    assert body[0][1] == "-5.5"
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for r in body for cell in r)


def test_xlsx_export_is_formula_safe() -> None:
    data = to_excel_bytes({"Results": _frame(), "A very long sheet name over 31 chars": _frame()})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Results", "A very long sheet name over 31 "[:31]]
    ws = wb["Results"]
    values = list(ws.iter_rows(values_only=True))
    assert values[0] == ("text", "number", "integer", "'=formula header")
    # XML stores a bare CR as LF; the cell is still neutralised
    expected = ["'" + s.replace("\r", "\n") for s in DANGEROUS] + [s or None for s in SAFE]
    assert [r[0] for r in values[1:]] == expected
    assert [r[1] for r in values[1:]] == _frame()["number"].tolist()
    assert isinstance(values[1][2], int)
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    # a single frame works too and round-trips through the reader
    single = to_excel_bytes(pd.DataFrame({"id": ["=A"], "low": [1]}))
    table = read_table(single, required=["id", "low"])
    assert table.rows[0] == {"id": "'=A", "low": "1"}


# --- JSON scenario files -----------------------------------------------------------------------
class Line(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    amount: float = Field(ge=0)


class Option(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    lines: list[Line]


class Scenario(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    schema_version: int
    options: list[Option]


GOOD_JSON = (
    b'{"schema_version": 1, "options": [{"name": "A", "lines": [{"name": "x", "amount": 5}]}]}'
)

JSON_CASES: dict[str, tuple[bytes, list[tuple[int | None, str | None, str]]]] = {
    "syntax-error": (b'{"schema_version": 1,\n "options": [}', [(2, None, "not valid JSON")]),
    "not-an-object": (b"[1, 2]", [(None, None, "must be an object")]),
    "not-utf8": (b'{"name": "caf\xe9"}', [(None, None, "not UTF-8")]),
    "empty": (b"", [(1, None, "not valid JSON")]),
    "nested-problems": (
        b'{"schema_version": "one", "options": [{"name": "A", "lines": ['
        b'{"name": "x", "amount": 5}, {"name": "y", "amount": -1, "colour": "red"}]},'
        b' {"lines": []}]}',
        [
            (None, "schema_version", "valid integer"),
            (None, "options[0].lines[1].amount", "greater than or equal to 0"),
            (None, "options[0].lines[1].colour", "not a known field"),
            (None, "options[1].name", "is required but missing"),
        ],
    ),
}


@pytest.mark.parametrize("case", list(JSON_CASES))
def test_load_json_model_locates_every_problem(case: str) -> None:
    data, expected = JSON_CASES[case]
    with pytest.raises(InputError) as info:
        load_json_model(data, Scenario, name="scenario.json")
    problems = info.value.problems
    assert [(p.row, p.column) for p in problems] == [(r, c) for r, c, _ in expected], [
        str(p) for p in problems
    ]
    for problem, (_, _, fragment) in zip(problems, expected, strict=True):
        assert fragment in problem.message
        assert problem.source == "scenario.json"


def test_load_json_model_reads_good_files_with_or_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_JSON)
    model = load_json_model(path, Scenario)
    assert model.options[0].lines[0].amount == 5.0
    assert load_json_model(GOOD_JSON, Scenario) == model
