"""``tpm schedule``: DESIGN.md §4.2 keys, human table, located exit-2 errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tpm_models.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "schedule"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


TINY = (
    "id,name,low,likely,high,distribution,predecessors\n"
    "A,Design,2,3,6,pert,\nB,Build,4,5,9,pert,A\nC,Test,1,1,1,fixed,B:SS+2\n"
)


def test_json_has_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "schedule",
        str(SAMPLE / "tasks.csv"),
        "--risks",
        str(SAMPLE / "risks.csv"),
        "--correlations",
        str(SAMPLE / "correlations.csv"),
        "--holidays",
        str(SAMPLE / "holidays.csv"),
        "--start",
        "2027-01-04",
        "--deadline",
        "2027-06-01",
        "--iterations",
        "3000",
        "--seed",
        "7",
        "--json",
    ]
    code, out, err = _run(argv, capsys)
    assert code == 0, err
    data = json.loads(out)
    for key in (
        "iterations",
        "seed",
        "deterministic_finish_days",
        "finish_days",
        "finish_date",
        "deadline_probability",
        "tasks",
        "risks",
    ):
        assert key in data
    assert data["iterations"] == 3000
    assert data["seed"] == 7
    pct = ["mean", "std", "p10", "p50", "p80", "p90", "p95"]
    assert list(data["finish_days"]) == pct
    assert set(data["finish_date"]) == set(pct) - {"std"} | {"mean"} - {"std"}
    assert data["finish_days"]["p10"] <= data["finish_days"]["p50"] <= data["finish_days"]["p95"]
    assert 0.0 <= data["deadline_probability"] <= 1.0
    assert {"id", "criticality", "sensitivity", "finish_p50", "finish_p80"} <= set(data["tasks"][0])
    assert {"id", "occurrence", "mean_delay_days"} <= set(data["risks"][0])
    delays = [r["mean_delay_days"] for r in data["risks"]]
    assert delays == sorted(delays, reverse=True)
    # the same seed gives the same answer
    code, out2, _ = _run(argv, capsys)
    assert json.loads(out2) == data


def test_json_without_start_or_deadline_omits_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = _write(tmp_path, "tasks.csv", TINY)
    code, out, _ = _run(
        ["schedule", tasks, "--iterations", "2000", "--seed", "1", "--json"], capsys
    )
    assert code == 0
    data = json.loads(out)
    assert "finish_date" not in data
    assert "deadline_probability" not in data
    assert data["deterministic_finish_days"] == 8.0
    assert data["risks"] == []
    assert [t["id"] for t in data["tasks"]] == ["A", "B", "C"]


def test_human_output_is_a_short_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = _write(tmp_path, "tasks.csv", TINY)
    code, out, _ = _run(
        [
            "schedule",
            tasks,
            "--start",
            "2027-01-04",
            "--deadline",
            "2027-01-15",
            "--iterations",
            "2000",
            "--seed",
            "3",
            "--method",
            "latin_hypercube",
        ],
        capsys,
    )
    assert code == 0
    assert "latin hypercube" in out
    assert "P80" in out
    assert "2027-01" in out
    assert "Chance of finishing by 2027-01-15" in out
    assert len(out.splitlines()) < 40


def _assert_located_errors(err: str, expected: list[str]) -> None:
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    assert all(line.startswith("error: ") for line in lines), lines
    for fragment in expected:
        assert any(fragment in line for line in lines), (fragment, lines)


def test_cycle_unknown_predecessor_and_low_above_high(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = _write(
        tmp_path,
        "bad.csv",
        "id,name,low,likely,high,distribution,predecessors\n"
        "A,a,1,2,3,pert,C\nB,b,1,2,3,pert,A\nC,c,1,2,3,pert,B\nD,d,5,6,3,pert,Z\n",
    )
    code, out, err = _run(["schedule", tasks, "--json"], capsys)
    assert code == 2
    assert out == ""
    _assert_located_errors(
        err,
        [f"{tasks}:2:predecessors:", "A → B → C → A", f"{tasks}:5:", "'Z'"],
    )
    assert len(err.strip().splitlines()) >= 3


def test_bad_risk_file_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = _write(tmp_path, "tasks.csv", TINY)
    risks = _write(
        tmp_path,
        "risks.csv",
        "id,name,probability,impact_low,impact_likely,impact_high,impact_unit,tasks\n"
        "R1,late,1.5,1,2,3,days,A\nR2,gone,0.5,1,2,3,days,NOPE\n",
    )
    code, _, err = _run(["schedule", tasks, "--risks", risks], capsys)
    assert code == 2
    _assert_located_errors(err, [f"{risks}:2:probability", f"{risks}:3:tasks"])


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--start", "2027-13-01"], "error: --start: '2027-13-01' is not a date"),
        (
            ["--start", "2027-01-04", "--deadline", "soon"],
            "error: --deadline: 'soon' is not a date",
        ),
        (["--deadline", "2027-02-01"], "error: --deadline: a deadline date needs a project start"),
        (["--iterations", "0"], "error: --iterations:"),
    ],
)
def test_bad_flags_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], fragment: str
) -> None:
    tasks = _write(tmp_path, "tasks.csv", TINY)
    code, _, err = _run(["schedule", tasks, *flags], capsys)
    assert code == 2
    _assert_located_errors(err, [fragment])


def test_missing_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["schedule", str(tmp_path / "none.csv")], capsys)
    assert code == 2
    _assert_located_errors(err, ["none.csv"])
