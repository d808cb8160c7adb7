"""``tpm schedule``: Monte Carlo schedule risk of a task network (DESIGN.md §4.2)."""

from __future__ import annotations

import argparse
import datetime as dt
import math
from typing import Any

from tpm_models.commands._common import add_run_arguments, check_iterations, iso_date, print_json
from tpm_models.errors import InputError
from tpm_models.limits import MAX_TRIALS, check_schedule_inputs
from tpm_models.schedule_risk.network import ScheduleInputs
from tpm_models.schedule_risk.readers import load_schedule
from tpm_models.schedule_risk.results import ScheduleResult
from tpm_models.schedule_risk.simulate import simulate_schedule

NAME = "schedule"
HELP = "schedule risk: P50/P80 finish, deadline odds and the tasks and risks that drive them"

#: Percentiles reported under ``finish_days`` / ``finish_date``.
HEADLINE = (10, 50, 80, 90, 95)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "tasks",
        metavar="TASKS",
        help="tasks CSV/xlsx (id,name,low,likely,high,distribution,predecessors) or MS Project XML",
    )
    parser.add_argument("--risks", metavar="F", help="risk register CSV/xlsx")
    parser.add_argument("--correlations", metavar="F", help="task_a,task_b,rho CSV/xlsx")
    parser.add_argument("--start", metavar="DATE", help="project start date (YYYY-MM-DD)")
    parser.add_argument(
        "--deadline", metavar="DATE", help="report the probability of finishing by this date"
    )
    parser.add_argument("--holidays", metavar="F", help="holiday list CSV/xlsx (date[,name])")
    parser.add_argument(
        "--method",
        choices=["monte_carlo", "latin_hypercube"],
        default="monte_carlo",
        help="sampling method (default: monte_carlo)",
    )
    add_run_arguments(parser)


def _num(x: float) -> float | None:
    """JSON-safe float (NaN → null), rounded to 6 decimals."""
    return None if not math.isfinite(x) else round(float(x), 6)


def build_payload(result: ScheduleResult, deadline: dt.date | None) -> dict[str, Any]:
    """The ``--json`` object (DESIGN.md §4.2 keys, plus standard errors and warnings)."""
    finish: dict[str, Any] = {"mean": _num(result.mean_days), "std": _num(result.std_days)}
    finish.update({f"p{q}": _num(result.percentile(q)) for q in HEADLINE})
    payload: dict[str, Any] = {
        "iterations": result.iterations,
        "seed": result.seed,
        "method": result.method,
        "deterministic_finish_days": _num(result.deterministic_finish_days),
        "finish_days": finish,
        "standard_error_days": {f"p{q}": _num(result.standard_error(q)) for q in HEADLINE},
    }
    if result.inputs.start_date is not None:
        start = result.inputs.start_date
        cal = result.inputs.calendar
        payload["start_date"] = start.isoformat()
        dates: dict[str, Any] = {"mean": cal.finish_date(start, result.mean_days).isoformat()}
        dates.update({f"p{q}": str(result.finish_date(q)) for q in HEADLINE})
        payload["finish_date"] = dates
        payload["deterministic_finish_date"] = cal.finish_date(
            start, result.deterministic_finish_days
        ).isoformat()
    if deadline is not None:
        payload["deadline"] = deadline.isoformat()
        payload["deadline_probability"] = _num(result.deadline_probability(deadline))
    tasks = result.task_table()
    payload["tasks"] = [
        {
            "id": row["id"],
            "name": row["name"],
            "criticality": _num(row["criticality"]),
            "sensitivity": _num(row["sensitivity"]),
            "ssi": _num(row["ssi"]),
            "finish_p50": _num(row["finish_p50"]),
            "finish_p80": _num(row["finish_p80"]),
        }
        for row in tasks.to_dict("records")
    ]
    payload["risks"] = [
        {
            "id": row["id"],
            "name": row["name"],
            "probability": _num(row["probability"]),
            "occurrence": _num(row["occurrence"]),
            "mean_delay_days": _num(row["mean_delay_days"]),
        }
        for row in result.risk_table().to_dict("records")
    ]
    payload["warnings"] = list(result.warnings)
    return payload


def _print_human(result: ScheduleResult, deadline: dt.date | None) -> None:
    inputs = result.inputs
    seed = "" if result.seed is None else f", seed {result.seed}"
    print(
        f"Schedule risk: {len(inputs.tasks)} tasks, {len(inputs.risks)} risks, "
        f"{result.iterations:,} trials ({result.method.replace('_', ' ')}{seed})"
    )
    for w in result.warnings:
        print(f"warning: {w}")
    start = inputs.start_date

    def date_of(days: float) -> str:
        return "" if start is None else inputs.calendar.finish_date(start, days).isoformat()

    print()
    print(f"{'':<14}{'days':>9}  {'date':<10}  {'± SE':>6}")
    rows = [("deterministic", result.deterministic_finish_days, math.nan)]
    rows.append(("mean", result.mean_days, result.std_days / math.sqrt(result.iterations)))
    rows += [(f"P{q}", result.percentile(q), result.standard_error(q)) for q in HEADLINE]
    for label, days, se in rows:
        se_text = f"{se:6.2f}" if math.isfinite(se) else ""
        print(f"{label:<14}{days:9.1f}  {date_of(days):<10}  {se_text:>6}")
    print(f"{'std':<14}{result.std_days:9.1f}")
    if deadline is not None:
        p = result.deadline_probability(deadline)
        print(f"\nChance of finishing by {deadline.isoformat()}: {p:.1%}")
    print(f"Buffer for P80 over the deterministic plan: {result.buffer_days(80):.1f} days")
    tasks = result.task_table().sort_values("sensitivity", ascending=False, key=abs).head(8)
    print(f"\n{'task':<12}{'critical':>9}{'sensit.':>9}{'P50':>8}{'P80':>8}  name")
    for row in tasks.to_dict("records"):
        print(
            f"{str(row['id'])[:11]:<12}{row['criticality']:9.0%}{row['sensitivity']:9.2f}"
            f"{row['finish_p50']:8.1f}{row['finish_p80']:8.1f}  {str(row['name'])[:40]}"
        )
    risks = result.risk_table()
    if len(risks):
        print(f"\n{'risk':<12}{'occurs':>9}{'delay':>9}  name")
        for row in risks.to_dict("records"):
            print(
                f"{str(row['id'])[:11]:<12}{row['occurrence']:9.0%}"
                f"{row['mean_delay_days']:9.1f}  {str(row['name'])[:40]}"
            )


def build_inputs(
    args: argparse.Namespace,
) -> tuple[ScheduleInputs, dt.date | None, int, list[str]]:
    """Read and check everything a schedule run needs from the parsed arguments.

    Returns ``(inputs, deadline, iterations, notes)``; ``notes`` lists what the MS Project
    importer skipped, assumed or approximated. Shared by ``tpm schedule`` and
    ``tpm report schedule``. Raises ``InputError`` for any bad file or flag.
    """
    iterations = check_iterations(args.iterations, MAX_TRIALS)
    start = iso_date("--start", args.start)
    deadline = iso_date("--deadline", args.deadline)
    names = {"tasks": args.tasks}
    for key in ("risks", "correlations", "holidays"):
        if getattr(args, key) is not None:
            names[key] = getattr(args, key)
    notes: list[str] = []
    inputs = load_schedule(
        args.tasks,
        risks=args.risks,
        correlations=args.correlations,
        holidays=args.holidays,
        start_date=start,
        names=names,
        notes=notes,
    )
    if deadline is not None and inputs.start_date is None:
        raise InputError.single(
            "--deadline", "a deadline date needs a project start; add --start YYYY-MM-DD"
        )
    check_schedule_inputs(inputs, iterations)
    return inputs, deadline, iterations, notes


def run(args: argparse.Namespace) -> int:
    inputs, deadline, iterations, notes = build_inputs(args)
    result = simulate_schedule(inputs, iterations=iterations, rng=args.seed, method=args.method)
    if args.json:
        payload = build_payload(result, deadline)
        payload["import_notes"] = notes
        print_json(payload)
    else:
        for note in notes:
            print(f"note: {note}")
        _print_human(result, deadline)
    return 0
