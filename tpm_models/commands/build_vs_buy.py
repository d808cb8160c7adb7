"""``tpm build-vs-buy``: risk-adjusted NPV/TCO of building vs buying (DESIGN.md §4.2)."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from tpm_models.build_vs_buy import (
    BuildVsBuyResult,
    Scenario,
    break_even,
    break_even_variables,
    load_scenario,
    simulate,
)
from tpm_models.commands._common import add_run_arguments, check_iterations, print_json
from tpm_models.errors import InputError
from tpm_models.limits import check_build_vs_buy_run

NAME = "build-vs-buy"
HELP = "build vs buy: NPV, TCO, ROI and payback per option, who wins how often, what flips it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", metavar="SCENARIO.json", help="build-vs-buy scenario JSON")
    parser.add_argument(
        "--method",
        choices=["monte_carlo", "latin_hypercube"],
        default="monte_carlo",
        help="sampling method (default: monte_carlo)",
    )
    parser.add_argument(
        "--break-even",
        metavar="INPUT",
        dest="break_even",
        help="also find where the build option and the best other option (or the two leaders) "
        "tie as INPUT varies: seats.initial, seats.growth, discount_rate or line:OPTION:LINE "
        "(0-based indices)",
    )
    add_run_arguments(parser)


def _money(v: float) -> str:
    return "n/a" if not math.isfinite(v) else f"{v:,.0f}"


def _rate(v: float) -> str:
    return "n/a" if not math.isfinite(v) else f"{v:.1%}"


def _periods(v: float, unit: str, horizon: int) -> str:
    return f"> {horizon} {unit}s" if not math.isfinite(v) else f"{v:.1f} {unit}s"


def _text(result: BuildVsBuyResult, extra: list[str]) -> str:
    s = result.scenario
    pct = result.npv_percentiles([10, 50, 90])
    lines = [
        f"{s.title or 'Build vs buy'} — {s.horizon} {s.period}s, discount rate "
        f"{s.discount_rate:.1%} a year, {result.iterations:,} trials ({s.currency})",
        "",
    ]
    header = (
        f"{'option':<28} {'NPV P50':>12} {'P10':>12} {'P90':>12} {'TCO':>12} "
        f"{'ROI':>7} {'IRR':>7} {'payback':>10} {'P(best)':>8}"
    )
    lines.append(header)
    lines.append("-" * len(header))
    for i, o in enumerate(result.point.options):
        irr = "several" if o.irr_multiple else _rate(o.irr)
        lines.append(
            f"{o.name[:28]:<28} {_money(pct[i, 1]):>12} {_money(pct[i, 0]):>12} "
            f"{_money(pct[i, 2]):>12} {_money(o.tco_nominal):>12} {_rate(o.roi):>7} "
            f"{irr:>7} {_periods(o.payback_period, s.period, s.horizon):>10} "
            f"{result.prob_best[i]:>8.0%}"
        )
    lines += ["", result.verdict()]
    moving = None if result.tornado is None else result.tornado.frame.query("swing > 0")
    if result.tornado is not None and moving is not None and len(moving):
        t = result.tornado
        lines += ["", f"What moves NPV({t.leader}) − NPV({t.runner_up}) most (P10 → P90):"]
        for label, swing, flips in zip(
            moving["input"].head(5), moving["swing"].head(5), moving["flips"].head(5), strict=True
        ):
            flag = "  ← can flip the answer" if flips else ""
            lines.append(f"  {label:<52} swing {_money(float(swing)):>12}{flag}")
    if result.scoring is not None:
        sc = result.scoring
        lines += ["", f"Weighted scores ({sc.method}):"]
        for name, total in sc.totals.items():
            lines.append(f"  {name:<28} {total:.2f}")
        if sc.consistency_ratio is not None:
            lines.append(f"  consistency ratio {sc.consistency_ratio:.3f} (Saaty 1980 RI table)")
        if sc.warning:
            lines.append(f"  warning: {sc.warning}")
    lines += extra
    lines.append("")
    lines.append(
        "Note: period 0 is not discounted; Excel's NPV(r, v1..vn) discounts its first value, "
        "so NPV(r, v1..vn) + v0 equals these figures."
    )
    return "\n".join(lines)


def load_checked(args: argparse.Namespace) -> tuple[Scenario, int]:
    """The scenario and trial count of a run, refused up front when options × periods × trials
    is over the work cap (shared with ``tpm report build-vs-buy``)."""
    iterations = check_iterations(args.iterations)
    scenario = load_scenario(args.scenario)
    check_build_vs_buy_run(len(scenario.options), scenario.horizon + 1, iterations)
    return scenario, iterations


def run(args: argparse.Namespace) -> int:
    scenario, iterations = load_checked(args)
    result = simulate(scenario, iterations=iterations, rng=args.seed, method=args.method)
    payload: dict[str, Any] = result.to_json_dict()
    payload["seed"] = args.seed
    payload["method"] = args.method
    extra: list[str] = []
    if args.break_even is not None:
        variables = break_even_variables(scenario)
        if args.break_even not in variables:
            raise InputError.single(
                "--break-even",
                f"unknown input {args.break_even!r}; choose one of {', '.join(variables)}",
            )
        if len(result.option_names) < 2:
            raise InputError.single("--break-even", "needs at least two options")
        option_a, option_b = result.comparison_pair()
        be = break_even(scenario, args.break_even, option_a, option_b)
        payload["break_even"] = {
            "input": be.variable,
            "label": be.label,
            "option_a": be.option_a,
            "option_b": be.option_b,
            "current_value": be.current_value,
            "value": be.break_even,
            "message": be.message,
        }
        extra = ["", be.message]
    if args.json:
        print_json(payload)
    else:
        sys.stdout.write(_text(result, extra) + "\n")
    return 0
