"""``tpm forecast``: JSON contract (DESIGN.md §4.2), exact answers, exit 2 on bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tpm_models.cli import main
from tpm_models.delivery_forecast import (
    Backlog,
    ForecastInputs,
    period_samples,
    read_jira_csv,
    simulate_forecast,
)

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "forecast" / "jira-export.csv"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["forecast", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def constant_table(tmp_path: Path) -> Path:
    # 3 items on every working day of January 2027 (weekends zero)
    days = [dt.date(2027, 1, 1) + dt.timedelta(days=i) for i in range(31)]
    lines = ["date,completed"] + [f"{d},{3 if d.weekday() < 5 else 0}" for d in days]
    path = tmp_path / "throughput.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_json_keys_and_exact_when_for_constant_throughput(
    capsys: pytest.CaptureFixture[str], constant_table: Path
) -> None:
    code, out, err = _run(capsys, str(constant_table), "--items", "30", "--seed", "1", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["mode"] == "when"
    assert set(data["when"]) == set(data["periods"]) == {"p50", "p85", "p95"}
    assert data["how_many"] is None
    # default start: the day after the last history date, Mon 1 Feb 2027; 10 working days
    assert data["start"] == "2027-02-01"
    assert data["periods"] == {"p50": 10, "p85": 10, "p95": 10}
    assert data["when"] == {"p50": "2027-02-12", "p85": "2027-02-12", "p95": "2027-02-12"}
    assert data["standard_error"] == {"periods": {"p50": 0.0, "p85": 0.0, "p95": 0.0}}


def test_holidays_push_a_daily_forecast_by_one_working_day_each(
    capsys: pytest.CaptureFixture[str], constant_table: Path, tmp_path: Path
) -> None:
    holidays = tmp_path / "holidays.csv"
    holidays.write_text("date,name\n2027-02-03,Team day\n2027-02-08,Other\n2027-03-01,Later\n")
    code, out, err = _run(
        capsys, str(constant_table), "--items", "30", "--holidays", str(holidays), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    # 10 working days from Mon 1 Feb, two of them holidays before the finish: Tue 16 Feb
    assert data["periods"]["p85"] == 10
    assert data["when"]["p85"] == "2027-02-16"


def test_window_and_types_narrow_the_history(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, str(SAMPLE), "--items", "50", "--window-days", "30", "--types", "Bug,story",
        "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["history"]["first_date"] == "2026-10-15"
    assert data["history"]["last_date"] == "2026-11-13"
    issues = read_jira_csv(SAMPLE).filter(issue_types=["Bug", "Story"])
    assert data["history"]["items"] == issues.history().window(last_days=30).total_items


def test_json_how_many_mode(capsys: pytest.CaptureFixture[str], constant_table: Path) -> None:
    code, out, _ = _run(
        capsys, str(constant_table), "--until", "2027-02-10", "--start", "2027-02-01", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["mode"] == "how_many"
    assert data["when"] is None
    assert data["periods"] is None
    assert data["how_many"] == {"p50": 24, "p85": 24, "p95": 24}  # 8 working days × 3


def test_json_matches_the_engine_for_the_same_seed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, str(SAMPLE), "--items", "100-140", "--split", "1.0-1.2", "--period", "week",
        "--seed", "7", "--iterations", "5000", "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    history = read_jira_csv(SAMPLE).history()
    inputs = ForecastInputs(
        throughput_per_period=period_samples(history, "week"),
        period="week",
        start_date=history.last_date + dt.timedelta(days=1),
        backlog=Backlog(low_items=100, high_items=140, split_low=1.0, split_high=1.2),
    )
    res = simulate_forecast(inputs, iterations=5000, rng=7)
    assert data["periods"] == {f"p{lv}": res.when_periods_at(lv) for lv in (50, 85, 95)}
    assert data["when"] == {f"p{lv}": res.when_date(lv).isoformat() for lv in (50, 85, 95)}
    assert data["history"]["items"] == 290


def test_three_point_throughput_and_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "--throughput", "2,4,7", "--until", "2027-03-01", "--start", "2027-01-04",
        "--period", "week", "--seed", "3",
    )  # fmt: skip
    assert code == 0
    assert "How many items by 2027-03-01? (8 weeks)" in out
    assert "85% likely at least" in out
    code, out, _ = _run(capsys, "--throughput", "2,4,7", "--items", "40", "--seed", "3")
    assert code == 0
    assert "85% likely by" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--items", "10"], "error: forecast: give a HISTORY file or --throughput"),
        (["{sample}"], "error: forecast: choose a mode"),
        (["{sample}", "--items", "10-x"], "error: --items: '10-x' is not N or LOW-HIGH"),
        (["{sample}", "--items", "20-10"], "error: --items: '20-10': LOW must not be above"),
        (["{sample}", "--items", "10", "--split", "a-b"], "error: --split:"),
        (["{sample}", "--until", "01/02/2027"], "error: --until: '01/02/2027' is not a date"),
        (["{sample}", "--items", "5", "--start", "soon"], "error: --start:"),
        (["missing.csv", "--items", "10"], "error: missing.csv: file not found"),
        (["{bad}", "--items", "10"], "error: bad.csv:3:Resolved: 'soon' is not a date"),
        (["--throughput", "5,2,1", "--items", "9"], "error: --throughput:"),
        (["{sample}", "--items", "9", "--types", "Epic"], "error: --types: no resolved issues"),
        (["{sample}", "--items", "9", "--focus", "0"], "error: --focus:"),
        (
            ["{sample}", "--items", "9", "--holidays", "{bad}"],
            "error: bad.csv:1:date: missing column",
        ),
        (["{sample}", "--until", "2026-01-01"], "error: --until: 2026-01-01 is before the start"),
    ],
)
def test_bad_input_exits_2_with_located_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], expected: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Issue key,Resolved\nA-1,13/Jun/25 6:20 AM\nA-2,soon\n")
    argv = [a.format(sample=SAMPLE, bad=bad) for a in argv]
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert expected in err
    assert "Traceback" not in err


def test_exclusive_modes_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["forecast", str(SAMPLE), "--items", "5", "--until", "2027-01-01"])
    assert info.value.code == 2
    assert "not allowed with" in capsys.readouterr().err
