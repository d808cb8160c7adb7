"""Delivery forecast speed: 100,000 trials, 200-item backlog, daily and weekly periods.

Target (issue 5): well under a second per forecast. Run from the repository root::

    python benchmarks/bench_forecast.py            # prints a table
    python benchmarks/bench_forecast.py --json     # one JSON object

The history is the sample Jira export (``sample_data/forecast/jira-export.csv``: about 2.25
items per working day, 11 per week, zero days included), so a 200-item backlog takes about
90 working days / 18 weeks. Each case is timed as the best of ``--repeat`` runs after a
warm-up (best-of is the usual estimate of the cost without interference from other
processes); "how many" adds a target date 13 weeks out to the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np

from tpm_models.delivery_forecast import (
    Backlog,
    ForecastInputs,
    period_samples,
    read_jira_csv,
    simulate_forecast,
)

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "forecast" / "jira-export.csv"
TARGET_SECONDS = 1.0


def cases() -> dict[str, ForecastInputs]:
    history = read_jira_csv(SAMPLE).history()
    start = history.last_date + dt.timedelta(days=1)
    out = {}
    for period in ("day", "week"):
        samples = period_samples(history, period)  # type: ignore[arg-type]
        out[f"when, {period}"] = ForecastInputs(
            throughput_per_period=samples,
            period=period,  # type: ignore[arg-type]
            start_date=start,
            backlog=Backlog(low_items=200),
        )
        out[f"when + how many, {period}, 200 items × split 1.0–1.3"] = ForecastInputs(
            throughput_per_period=samples,
            period=period,  # type: ignore[arg-type]
            start_date=start,
            backlog=Backlog(low_items=200, split_low=1.0, split_high=1.3),
            target_date=start + dt.timedelta(weeks=13),
        )
    return out


def time_case(inputs: ForecastInputs, iterations: int, repeat: int) -> dict[str, float]:
    simulate_forecast(inputs, iterations=1_000, rng=0)  # warm-up
    times = []
    for r in range(repeat):
        t0 = time.perf_counter()
        res = simulate_forecast(inputs, iterations=iterations, rng=r)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    simulate_forecast(inputs, iterations=iterations, rng=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert res.when_periods is not None
    return {
        "best_s": min(times),
        "median_s": float(np.median(times)),
        "peak_mib": peak / 2**20,
        "p85_periods": res.when_periods_at(85),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {name: time_case(inp, args.iterations, args.repeat) for name, inp in cases().items()}
    if args.json:
        print(
            json.dumps(
                {
                    "iterations": args.iterations,
                    "machine": platform.processor() or platform.machine(),
                    "target_s": TARGET_SECONDS,
                    "cases": results,
                },
                indent=2,
            )
        )
        return
    print(f"delivery forecast, {args.iterations:,} trials (best / median of {args.repeat})")
    for name, r in results.items():
        flag = "ok" if r["best_s"] < TARGET_SECONDS else "SLOW"
        print(
            f"  {name:<48} {r['best_s'] * 1000:7.1f} ms / {r['median_s'] * 1000:7.1f} ms"
            f"  peak {r['peak_mib']:6.1f} MiB  P85 {r['p85_periods']:>3} periods  {flag}"
        )


if __name__ == "__main__":
    main()
