"""Team capacity speed: the engine on a 50-person org and the hiring-plan solver on the sample.

Targets (issue 7): 50 people, 4 roles, 36 months, 10,000 trials < 1 s; the solver on the
sample < 10 s. DESIGN.md §5 also asks for capacity with 100,000 trials < 1 s (reported).
Run from the repository root::

    python benchmarks/bench_capacity.py            # prints a table
    python benchmarks/bench_capacity.py --json     # one JSON object

Each case is the best of ``--repeat`` runs after a warm-up, as wall-clock and as CPU time of
this process (steadier on a shared machine); "engine + frames" adds the tidy per-month
percentile frame the page and CLI read.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from tpm_models.estimates import Estimate
from tpm_models.team_capacity import (
    Backfill,
    CapacityScenario,
    DemandLine,
    Hire,
    RosterLine,
    load_scenario,
    simulate_capacity,
    solve_hiring_plan,
)

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "capacity" / "engineering_org.json"
TARGETS = {"engine": 1.0, "solver": 10.0}


def org_50() -> CapacityScenario:
    """50 people in 4 roles over 36 months, with hires, backfill, ramp and drag."""
    roles = {"Backend": 20, "Frontend": 12, "Data": 10, "QA/SRE": 8}
    return CapacityScenario(
        start_month="2027-01",
        months=36,
        roles=[RosterLine(role=r, headcount=n) for r, n in roles.items()],
        attrition_annual=0.13,
        backfill=Backfill(enabled=True, lag_months=Estimate(low=2, likely=3, high=5)),
        hires=[
            Hire(role="Backend", count=3, target_month="2027-03"),
            Hire(role="Data", count=2, target_month="2027-06"),
            Hire(role="Frontend", count=1, target_month="2027-09"),
        ],
        time_to_hire_months=Estimate(low=1, likely=2, high=4),
        ramp_months=3,
        onboarding_drag=0.2,
        focus_factor=0.8,
        pto_fraction=0.06,
        demand=[DemandLine(role=r, month="2027-01", fte=0.7 * n) for r, n in roles.items()],
    )


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of ``repeat`` runs after a warm-up.

    On a shared machine the CPU time (this process only) is the steadier figure.
    """
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)


def peak_mib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    org = org_50()
    sample = load_scenario(SAMPLE)
    cases: list[tuple[str, str, Callable[[], object]]] = [
        (
            "engine: 50 people, 4 roles, 36 months, 10,000 trials",
            "engine",
            lambda: simulate_capacity(org, iterations=10_000, rng=1),
        ),
        (
            "engine + frames: same",
            "engine",
            lambda: simulate_capacity(org, iterations=10_000, rng=1).monthly(),
        ),
        (
            "engine: sample (35 people, 24 months), 100,000 trials",
            "engine",
            lambda: simulate_capacity(sample, iterations=100_000, rng=1),
        ),
        (
            "solver: sample, 80% from 2027-07, 10,000 trials",
            "solver",
            lambda: solve_hiring_plan(sample, iterations=10_000, rng=1),
        ),
    ]
    rows = []
    for name, kind, fn in cases:
        seconds, cpu_seconds = best_of(fn, args.repeat)
        rows.append(
            {
                "case": name,
                "seconds": round(seconds, 4),
                "cpu_seconds": round(cpu_seconds, 4),
                "target_seconds": TARGETS[kind],
                "ok": seconds < TARGETS[kind],
                "peak_mib": round(peak_mib(fn), 1),
            }
        )
    if args.json:
        print(json.dumps({"python": platform.python_version(), "cases": rows}, indent=2))
        return
    width = max(len(r["case"]) for r in rows)
    print(f"{'case':<{width}}  {'wall s':>7}  {'CPU s':>6}  {'target':>6}  {'peak MiB':>8}")
    for r in rows:
        flag = "" if r["ok"] else "  (wall over target)"
        print(
            f"{r['case']:<{width}}  {r['seconds']:>7.3f}  {r['cpu_seconds']:>6.3f}  "
            f"{r['target_seconds']:>6.1f}  {r['peak_mib']:>8.1f}{flag}"
        )


if __name__ == "__main__":
    main()
