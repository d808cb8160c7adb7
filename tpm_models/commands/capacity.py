"""``tpm capacity SCENARIO.json``: effective capacity per month vs demand, and the hiring plan.

``--json`` prints one object (DESIGN.md §4.2): ``months`` (all roles) with ``month,
capacity_p10, capacity_p50, capacity_p90, demand, prob_meets_demand, headcount_mean``;
``roles`` (the same per role); ``hiring_plan`` when ``--solve`` is given; plus ``funnel``,
``comparison`` (when the scenario has alternatives) and run metadata.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

import pandas as pd

from tpm_models.commands._common import add_run_arguments, check_iterations, print_json
from tpm_models.errors import InputError
from tpm_models.limits import check_capacity_run
from tpm_models.team_capacity import (
    TOTAL,
    CapacityScenario,
    compare_plans,
    hiring_funnel,
    load_scenario,
    simulate_capacity,
    solve_hiring_plan,
)
from tpm_models.team_capacity.scenario import month_label

NAME = "capacity"
HELP = "team capacity per month vs demand (ramp-up, attrition, hiring) and the hiring plan"

_MONTH_KEYS = (
    "month",
    "capacity_p10",
    "capacity_p50",
    "capacity_p90",
    "demand",
    "prob_meets_demand",
    "headcount_mean",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", metavar="SCENARIO.json", help="team capacity scenario file")
    add_run_arguments(parser)
    parser.add_argument(
        "--solve",
        action="store_true",
        help="find the fewest extra hires (started as late as possible) that meet demand",
    )
    parser.add_argument(
        "--confidence",
        type=float,
        default=None,
        metavar="P",
        help="solver target: chance of meeting demand in every month of the window (e.g. 0.8)",
    )
    parser.add_argument(
        "--target-month",
        default=None,
        metavar="YYYY-MM",
        help="demand must be met from this month on (default: the scenario's solver setting)",
    )
    parser.add_argument(
        "--until-month", default=None, metavar="YYYY-MM", help="... until this month (default: end)"
    )
    parser.add_argument(
        "--max-hires", type=int, default=None, metavar="N", help="solver limit per role"
    )


def month_flag(flag: str, value: str | None, sc: CapacityScenario) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise InputError.single(flag, f"{value!r} is not a month; write YYYY-MM, e.g. 2027-07")
    if not 0 <= sc.index(value) < sc.months:
        raise InputError.single(
            flag, f"{value} is outside the scenario's horizon {sc.start_month}..{sc.end_month}"
        )
    return value


def _rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in df.to_dict("records"):
        row: dict[str, Any] = {}
        for k in _MONTH_KEYS:
            v = rec[k]
            row[k] = v if k == "month" else round(float(v), 4)
        out.append(row)
    return out


def window(args: argparse.Namespace, sc: CapacityScenario) -> tuple[str, str]:
    """The months demand must be met in: ``--target-month``/``--until-month``, else the
    scenario's solver settings, else the whole horizon (shared with ``tpm report capacity``)."""
    target = month_flag("--target-month", args.target_month, sc)
    until = month_flag("--until-month", args.until_month, sc)
    target = target or sc.solver.target_month or sc.start_month
    until = until or sc.solver.until_month or sc.end_month
    if sc.index(until) < sc.index(target):
        raise InputError.single("--until-month", f"{until} is before the target month {target}")
    return target, until


def load_checked(args: argparse.Namespace) -> tuple[CapacityScenario, int]:
    """The scenario and trial count of a run, refused up front when trials × months × roles
    would not fit the memory budget (shared with ``tpm report capacity``)."""
    iterations = check_iterations(args.iterations)
    sc = load_scenario(args.scenario)
    check_capacity_run(sc.months, len(sc.role_names), iterations)
    return sc, iterations


def run(args: argparse.Namespace) -> int:
    sc, iterations = load_checked(args)
    if args.confidence is not None and not 0 < args.confidence < 1:
        raise InputError.single("--confidence", f"must be between 0 and 1, got {args.confidence}")
    if args.max_hires is not None and not 0 <= args.max_hires <= 100:
        raise InputError.single("--max-hires", f"must be between 0 and 100, got {args.max_hires}")
    target, until = window(args, sc)

    res = simulate_capacity(sc, iterations=iterations, rng=args.seed)
    monthly = res.monthly()
    total = monthly[monthly["role"] == TOTAL]
    plan = None
    if args.solve:
        plan = solve_hiring_plan(
            sc,
            confidence=args.confidence,
            target_month=target,
            until_month=until,
            max_hires_per_role=args.max_hires,
            iterations=iterations,
            rng=args.seed,
        )
    comparison = None
    if sc.alternatives:
        comparison = compare_plans(
            sc, target_month=target, until_month=until, iterations=iterations, rng=args.seed
        ).summary()
    funnel = hiring_funnel(sc, plan.hires if plan else None)

    if args.json:
        payload: dict[str, Any] = {
            "scenario": sc.name,
            "start_month": sc.start_month,
            "iterations": iterations,
            "seed": args.seed,
            "target_month": target,
            "until_month": until,
            "min_prob_meets_demand": round(res.min_prob_meets(target, until), 4),
            "worst_month": res.worst_month(target, until),
            "months": _rows(total),
            "roles": [
                {
                    "role": role,
                    "min_prob_meets_demand": round(res.min_prob_meets(target, until, role), 4),
                    "months": _rows(monthly[monthly["role"] == role]),
                }
                for role in res.roles
            ],
            "funnel": funnel.to_dict("records"),
        }
        if comparison is not None:
            payload["comparison"] = [
                {k: (round(v, 4) if isinstance(v, float) else v) for k, v in rec.items()}
                for rec in comparison.to_dict("records")
            ]
        if plan is not None:
            payload["hiring_plan"] = plan.to_json()
        print_json(payload)
        return 0

    out = sys.stdout
    title = sc.name or args.scenario
    out.write(f"{title}: {len(sc.roles)} roster lines, {iterations:,} trials\n")
    out.write(
        "Capacity in effective FTE (P10 = exceeded in 90% of trials); P(meet) = chance every "
        "role covers its demand that month.\n\n"
    )
    out.write(
        f"{'month':<9}{'P10':>8}{'P50':>8}{'P90':>8}{'demand':>8}{'P(meet)':>9}{'heads':>8}\n"
    )
    for rec in total.to_dict("records"):
        out.write(
            f"{rec['month']:<9}{rec['capacity_p10']:>8.1f}{rec['capacity_p50']:>8.1f}"
            f"{rec['capacity_p90']:>8.1f}{rec['demand']:>8.1f}{rec['prob_meets_demand']:>9.0%}"
            f"{rec['headcount_mean']:>8.1f}\n"
        )
    out.write(
        f"\nFrom {month_label(target)} to {month_label(until)}: the worst month is "
        f"{month_label(res.worst_month(target, until))} with a "
        f"{res.min_prob_meets(target, until):.0%} chance of meeting demand.\n"
    )
    for role in res.roles:
        out.write(f"  {role}: {res.min_prob_meets(target, until, role):.0%} in its worst month\n")
    if comparison is not None:
        out.write("\nPlans compared on the same draws (worst-month chance of meeting demand):\n")
        for rec in comparison.to_dict("records"):
            out.write(f"  {rec['plan']}: {rec['min_prob_meets']:.0%} ({rec['hires']} hires)\n")
    if plan is not None:
        out.write(f"\n{plan.message}\n")
        for h in plan.added:
            out.write(f"  + {h.count} {h.role} starting {h.target_month}\n")
    return 0
