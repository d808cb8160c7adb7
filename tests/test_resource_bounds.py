"""Resource bounds (issue 9): trials, tasks, periods, upload bytes and memory are capped with
clear, located messages, and a run that would not fit in memory is refused *before* it starts.

The memory estimate of a schedule run is checked against a tracemalloc measurement of the
real engine (numpy reports its buffers to tracemalloc), so the refusal stays honest when the
engine's chunking changes.
"""

from __future__ import annotations

import tomllib
import tracemalloc
from pathlib import Path

import pytest

from tpm_models import limits
from tpm_models.cli import main
from tpm_models.errors import InputError
from tpm_models.estimates import Estimate
from tpm_models.schedule_risk.network import Dependency, ScheduleInputs, Task
from tpm_models.schedule_risk.simulate import simulate_schedule

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"
TASKS = str(SAMPLES / "schedule" / "tasks.csv")
COMMANDS = {
    "schedule": ["schedule", TASKS],
    "forecast": ["forecast", str(SAMPLES / "forecast" / "jira-export.csv"), "--items", "50"],
    "build-vs-buy": ["build-vs-buy", str(SAMPLES / "build_vs_buy" / "observability_platform.json")],
    "capacity": ["capacity", str(SAMPLES / "capacity" / "engineering_org.json")],
}


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (out[:300], err[:300])
    assert out == ""
    assert err.startswith("error: ")
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("trials", [0, -5, limits.MAX_TRIALS + 1])
def test_every_command_caps_trials(
    command: str, trials: int, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused([*COMMANDS[command], "--iterations", str(trials)], capsys)
    assert err.startswith("error: --iterations: ")
    assert f"{limits.MAX_TRIALS:,}" in err


def _tasks_csv(n: int) -> bytes:
    rows = [f"T{i},t,1,2,3,pert,{f'T{i - 1}' if i % 50 else ''}" for i in range(n)]
    return ("id,name,low,likely,high,distribution,predecessors\n" + "\n".join(rows) + "\n").encode()


def test_task_count_is_capped_before_parsing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.csv"
    path.write_bytes(_tasks_csv(limits.MAX_TASKS + 1))
    err = _refused(["schedule", str(path)], capsys)
    assert f"{limits.MAX_TASKS + 1:,} tasks is more than the {limits.MAX_TASKS:,} allowed" in err


def test_risk_count_is_capped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = "id,name,probability,impact_low,impact_likely,impact_high,impact_unit,tasks\n"
    rows = "".join(f"R{i},r,0.1,1,2,3,days,KICK\n" for i in range(limits.MAX_RISKS + 1))
    path = tmp_path / "risks.csv"
    path.write_text(header + rows, encoding="utf-8")
    err = _refused(["schedule", TASKS, "--risks", str(path)], capsys)
    assert f"{limits.MAX_RISKS:,} allowed" in err


def test_schedule_over_the_memory_budget_is_refused_up_front(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused before the engine is called: no allocation, no OOM kill."""
    import tpm_models.commands.schedule as command

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine ran although the run was over budget")

    monkeypatch.setattr(command, "simulate_schedule", must_not_run)
    monkeypatch.setenv("TPM_MAX_RUN_MEMORY_MB", "64")
    err = _refused(["schedule", TASKS, "--iterations", "1000000"], capsys)
    assert "would need about" in err
    assert "64 MB" in err
    assert "TPM_MAX_RUN_MEMORY_MB" in err


def test_task_trials_cap_names_the_trials_that_fit() -> None:
    with pytest.raises(InputError) as info:
        limits.check_schedule_run(limits.MAX_TASKS, limits.MAX_TRIALS)
    text = str(info.value)
    assert f"use at most {limits.MAX_TASK_TRIALS // limits.MAX_TASKS:,} trials" in text


def test_benchmark_sizes_are_allowed() -> None:
    """DESIGN §5: 1,000 tasks × 100,000 trials must run; the 30-task sample at the CLI max too."""
    limits.check_schedule_run(1_000, 100_000)
    limits.check_schedule_run(42, limits.MAX_TRIALS, n_risks=8, n_correlated=8)


def _network(n_tasks: int) -> ScheduleInputs:
    tasks = tuple(
        Task(
            id=f"T{i}",
            duration=Estimate(low=1, likely=2, high=4),
            predecessors=(Dependency(predecessor=f"T{i - 1}"),) if i % 10 else (),
        )
        for i in range(n_tasks)
    )
    return ScheduleInputs(tasks=tasks)


@pytest.mark.parametrize(
    ("n_tasks", "iterations", "max_ratio"),
    [
        (4_000, 1_024, 1.5),  # one block of a big network: where refusing matters, tight
        (1_000, 6_144, 3.0),  # two chunks on worker threads
        (20, 50_000, 10.0),  # small networks: the estimate errs high (never low)
    ],
)
def test_schedule_memory_estimate_covers_the_measured_peak(
    n_tasks: int, iterations: int, max_ratio: float
) -> None:
    inputs = _network(n_tasks)
    tracemalloc.start()
    try:
        simulate_schedule(inputs, iterations=iterations, rng=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    estimate = limits.schedule_run_bytes(n_tasks, iterations)
    assert peak <= estimate <= max_ratio * peak, (peak / 2**20, estimate / 2**20)


def test_capacity_memory_estimate_covers_the_measured_peak() -> None:
    from tpm_models.team_capacity.scenario import load_scenario
    from tpm_models.team_capacity.simulate import simulate_capacity

    scenario = load_scenario(SAMPLES / "capacity" / "engineering_org.json")
    tracemalloc.start()
    try:
        simulate_capacity(scenario, iterations=20_000, rng=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    estimate = limits.capacity_run_bytes(scenario.months, len(scenario.role_names), 20_000)
    assert peak <= estimate <= 4 * peak


def test_capacity_and_build_vs_buy_checks_refuse_the_runs_that_were_measured_too_big() -> None:
    """Measured on the CI machine: the capacity sample at 2,000,000 trials peaked at 18.5 GB;
    build-vs-buy at 4 options × 1,201 months × 1,000,000 trials took 69 s."""
    with pytest.raises(InputError, match="GB of memory"):
        limits.check_capacity_run(24, 4, 2_000_000)
    with pytest.raises(InputError, match="cells"):
        limits.check_build_vs_buy_run(4, 1_201, 1_000_000)
    limits.check_capacity_run(24, 4, 100_000)
    limits.check_build_vs_buy_run(4, 6, limits.MAX_TRIALS)


def test_memory_budget_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPM_MAX_RUN_MEMORY_MB", "512")
    assert limits.memory_budget_bytes() == 512 * 2**20
    for junk in ("", "lots", "-1", "0"):
        monkeypatch.setenv("TPM_MAX_RUN_MEMORY_MB", junk)
        assert limits.memory_budget_bytes() == limits.DEFAULT_MEMORY_BUDGET_BYTES


def test_forecast_backlog_and_periods_are_capped(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["forecast", "--throughput", "0,0,1", "--start", "2027-01-04"]
    err = _refused([*base, "--items", "1000001"], capsys)
    assert "1,000,000" in err
    err = _refused([*base, "--items", "1000000", "--iterations", "200"], capsys)
    assert f"{limits.MAX_FORECAST_PERIODS:,}" in err


def test_upload_limit_is_the_same_in_server_config_and_readers() -> None:
    from tpm_models.delivery_forecast import jira
    from tpm_models.io import tables

    with (ROOT / ".streamlit" / "config.toml").open("rb") as f:
        config = tomllib.load(f)
    assert config["server"]["maxUploadSize"] * 2**20 == limits.MAX_UPLOAD_BYTES
    assert tables.MAX_FILE_BYTES == jira.MAX_FILE_BYTES == limits.MAX_UPLOAD_BYTES


def test_oversized_json_scenario_is_refused_by_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.json"
    with path.open("w", encoding="utf-8") as f:
        f.write('{"schema_version": 1, "pad": "')
        f.write("x" * (limits.MAX_UPLOAD_BYTES + 10))
        f.write('"}')
    for command in ("build-vs-buy", "capacity"):
        err = _refused([command, str(path)], capsys)
        assert "larger than 50 MB" in err


# --- capacity and build-vs-buy runs over their caps are refused before the engine starts ---
def _engine_must_not_run(*args: object, **kwargs: object) -> None:
    raise AssertionError("the engine ran although the run was over the limit")


def test_capacity_over_the_memory_budget_is_refused_up_front(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tpm_models.commands.capacity as command

    monkeypatch.setattr(command, "simulate_capacity", _engine_must_not_run)
    monkeypatch.setenv("TPM_MAX_RUN_MEMORY_MB", "64")
    err = _refused([*COMMANDS["capacity"], "--iterations", "1000000"], capsys)
    assert "would need about" in err


def test_build_vs_buy_over_the_cells_cap_is_refused_up_front(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import json

    import tpm_models.commands.build_vs_buy as command

    doc = json.loads((SAMPLES / "build_vs_buy" / "observability_platform.json").read_text())
    doc["period"], doc["horizon"] = "month", 1_200
    for option in doc["options"]:
        for line in option["lines"]:
            if "values" in line:
                line["values"] += [0] * (1_201 - len(line["values"]))
            if "end" in line:
                line["end"] = 1_200
    path = tmp_path / "long.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setattr(command, "simulate", _engine_must_not_run)
    err = _refused(["build-vs-buy", str(path), "--iterations", "1000000"], capsys)
    assert "cells" in err
