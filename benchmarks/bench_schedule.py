"""Schedule-risk engine benchmark (not a test): speed and peak memory against a uniform floor.

Run ``python -m benchmarks.bench_schedule`` from the repository root. Each case runs in a fresh
subprocess so its peak resident memory (``ru_maxrss``) is its own. For every case we report

* ``cold``: the first :func:`simulate_schedule` call in the process (includes building the PERT
  tables), ``warm``: a second call with another seed;
* task-trials per second (warm);
* the floor: numpy drawing the same number of uniforms, both in one ``rng.random`` call and
  chunked into a reused buffer (the cheapest way to get them), and the engine/floor ratios.

The full run computes everything the engine reports (criticality, Spearman sensitivity,
cruciality, SSI, task finish percentiles, merge points).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

from benchmarks.network_generator import synthetic_network
from tpm_models.schedule_risk import simulate_schedule

CASES: tuple[tuple[str, int, int], ...] = (
    ("sample", 42, 10_000),
    ("synthetic", 100, 10_000),
    ("synthetic", 100, 100_000),
    ("synthetic", 1_000, 10_000),
    ("synthetic", 1_000, 100_000),
)


def _network(kind: str, n_tasks: int) -> Any:
    if kind == "sample":
        from pathlib import Path

        from tpm_models.schedule_risk.readers import load_schedule

        root = Path(__file__).resolve().parents[1] / "sample_data" / "schedule"
        return load_schedule(
            root / "tasks.csv",
            risks=root / "risks.csv",
            correlations=root / "correlations.csv",
            holidays=root / "holidays.csv",
            start_date="2027-01-04",
        )
    return synthetic_network(n_tasks, seed=1)


def run_case(kind: str, n_tasks: int, iterations: int) -> dict[str, Any]:
    """Time one case in this process (call it in a fresh subprocess)."""
    net = _network(kind, n_tasks)
    n_tasks = len(net.tasks)
    t0 = time.perf_counter()
    res = simulate_schedule(net, iterations=iterations, rng=1)
    cold = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    res = simulate_schedule(net, iterations=iterations, rng=2)
    warm = time.perf_counter() - t0
    warm_cpu = time.process_time() - c0
    assert res.task_stats.criticality.shape == (n_tasks,)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    # the floor: the same number of uniforms from numpy
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    rng.random((n_tasks, iterations))
    floor_one = time.perf_counter() - t0
    c0 = time.process_time()
    rng.random((n_tasks, iterations))
    floor_cpu = time.process_time() - c0
    buf = np.empty((n_tasks, 4096))
    t0 = time.perf_counter()
    done = 0
    while done < iterations:
        rng.random(out=buf)
        done += buf.shape[1]
    floor_chunked = (time.perf_counter() - t0) * iterations / done
    return {
        "case": kind,
        "tasks": n_tasks,
        "iterations": iterations,
        "cold_s": cold,
        "warm_s": warm,
        "warm_cpu_s": warm_cpu,
        "task_trials_per_s": n_tasks * iterations / warm,
        "peak_rss_mb": peak_mb,
        "floor_one_call_s": floor_one,
        "floor_chunked_s": floor_chunked,
        "floor_one_call_cpu_s": floor_cpu,
        "p50_days": res.percentile(50),
        "p80_days": res.percentile(80),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", nargs=3, metavar=("KIND", "TASKS", "ITERATIONS"))
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    if args.case:
        kind, tasks, iterations = args.case
        print(json.dumps(run_case(kind, int(tasks), int(iterations))))
        return 0
    rows = []
    for kind, tasks, iterations in CASES:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.bench_schedule",
                "--case",
                kind,
                str(tasks),
                str(iterations),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(
        f"{'network':<10}{'tasks':>6}{'trials':>9}{'cold s':>8}{'warm s':>8}{'cpu s':>7}"
        f"{'Mtask-trials/s':>15}{'peak MB':>8}{'floor s':>8}{'÷floor':>7}{'floor* s':>9}"
        f"{'÷floor*':>8}"
    )
    for r in rows:
        print(
            f"{r['case']:<10}{r['tasks']:>6}{r['iterations']:>9,}{r['cold_s']:>8.2f}"
            f"{r['warm_s']:>8.2f}{r['warm_cpu_s']:>7.2f}{r['task_trials_per_s'] / 1e6:>15.1f}"
            f"{r['peak_rss_mb']:>8.0f}{r['floor_one_call_s']:>8.2f}"
            f"{r['warm_s'] / r['floor_one_call_s']:>7.1f}{r['floor_chunked_s']:>9.2f}"
            f"{r['warm_s'] / r['floor_chunked_s']:>8.1f}"
        )
    print(
        "floor = rng.random for tasks × trials uniforms in one call; floor* = the same drawn in "
        "4,096-trial chunks into a reused buffer; cpu s = process CPU time of the warm run (all "
        "threads). Targets: 1,000 × 100,000 ≤ 3 s wall, ≤ 1.5 GB, ≤ 4× floor."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
