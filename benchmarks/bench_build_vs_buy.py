"""Build-vs-buy speed: 5 options × 10-year horizon × 100,000 trials, tornado included.

Target (issue 6, DESIGN.md §5): < 1 s. Run from the repository root::

    python benchmarks/bench_build_vs_buy.py            # prints a table
    python benchmarks/bench_build_vs_buy.py --json     # one JSON object

Each case is the best of ``--repeat`` runs after a warm-up. The synthetic scenario has five
options of six lines each (three-point amounts, per-seat licences with escalation, benefits with
time to value, exit costs) and uncertain seats and seat growth: 33 uncertain assumptions.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tpm_models.build_vs_buy import (
    Scenario,
    break_even,
    evaluate,
    load_scenario,
    parse_scenario,
    simulate,
)

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "build_vs_buy"
TARGET_S = 1.0


def _pert(likely: float, spread: float = 0.3) -> dict[str, Any]:
    return {"low": likely * (1 - spread / 2), "likely": likely, "high": likely * (1 + spread)}


def five_options_ten_years() -> Scenario:
    """Five options × 10 years with 33 uncertain assumptions."""
    options = []
    for k in range(5):
        options.append(
            {
                "name": f"Option {k + 1}",
                "kind": "build" if k == 0 else "buy",
                "time_to_value": k % 2,
                "exit_cost": _pert(100_000 + 20_000 * k),
                "lines": [
                    {
                        "name": f"Set-up {k}",
                        "kind": "cost",
                        "amount": _pert(300_000 - 40_000 * k),
                        "start": 0,
                        "end": 0,
                    },
                    {
                        "name": f"Licences {k}",
                        "kind": "cost",
                        "amount": _pert(600 + 100 * k),
                        "per_seat": True,
                        "escalation": 0.05,
                    },
                    {
                        "name": f"Run {k}",
                        "kind": "cost",
                        "amount": _pert(200_000 - 20_000 * k),
                        "escalation": 0.03,
                    },
                    {
                        "name": f"Migration {k}",
                        "kind": "cost",
                        "values": [_pert(50_000)] + [0] * 10,
                    },
                    {
                        "name": "Hours saved",
                        "kind": "benefit",
                        "amount": _pert(1_500 + 50 * k),
                        "per_seat": True,
                        "assumption": "hours saved",
                    },
                    {
                        "name": f"Revenue {k}",
                        "kind": "benefit",
                        "amount": _pert(150_000),
                        "start": 2,
                    },
                ],
            }
        )
    return parse_scenario(
        {
            "schema_version": 1,
            "period": "year",
            "horizon": 10,
            "discount_rate": 0.08,
            "seats": {"initial": _pert(300), "growth": {"low": 0.0, "likely": 0.1, "high": 0.3}},
            "options": options,
        }
    )  # fmt: skip


def _best(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up (PERT tables, imports)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    big = five_options_ten_years()
    sample = load_scenario(SAMPLE / "observability_platform.json")
    n = args.trials
    cases: dict[str, Callable[[], object]] = {
        f"5 options × 10 years × {n:,} trials + tornado": lambda: simulate(
            big, iterations=n, rng=1
        ),
        "same, without tornado": lambda: simulate(big, iterations=n, rng=1, tornado=False),
        f"sample (3 options × 5 years) × {n:,} trials + tornado": lambda: simulate(
            sample, iterations=n, rng=1
        ),
        "sample × 10,000 trials (page default)": lambda: simulate(sample, iterations=10_000, rng=1),
        "point figures (sample)": lambda: evaluate(sample),
        "break-even on seat growth (sample)": lambda: break_even(
            sample, "seats.growth", "Build (open source)", "Vendor A (per seat)"
        ),
    }
    results = {name: _best(fn, args.repeat) for name, fn in cases.items()}
    first = next(iter(cases))
    peak = _peak_mb(cases[first])
    payload = {
        "machine": f"{platform.machine()} {platform.python_implementation()} "
        f"{platform.python_version()}",
        "seconds": {k: round(v, 4) for k, v in results.items()},
        "peak_traced_mb": round(peak, 1),
        "target_seconds": TARGET_S,
        "meets_target": results[first] < TARGET_S,
    }
    if args.json:
        print(json.dumps(payload, indent=2))
        return
    width = max(len(k) for k in results)
    for name, secs in results.items():
        print(f"{name:<{width}}  {secs:8.3f} s")
    print(f"peak traced memory of the first case: {peak:.0f} MB")
    verdict = "meets" if payload["meets_target"] else "MISSES"
    print(f"target < {TARGET_S:.1f} s for the first case: {verdict}")


if __name__ == "__main__":
    main()
