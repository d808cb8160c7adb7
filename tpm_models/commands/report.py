"""``tpm report TOOL ... --out FILE.html``: a self-contained HTML stakeholder report.

``TOOL`` is ``schedule``, ``forecast``, ``build-vs-buy`` or ``capacity``; it takes the same
arguments as the tool's own command (parsed by that command's ``add_arguments``), plus
``--out`` and ``--title``. With ``--json`` the report's headline figures are printed too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from tpm_models import report
from tpm_models.commands import build_vs_buy as bvb_cmd
from tpm_models.commands import capacity as capacity_cmd
from tpm_models.commands import forecast as forecast_cmd
from tpm_models.commands import schedule as schedule_cmd
from tpm_models.commands._common import check_iterations, print_json
from tpm_models.errors import InputError

NAME = "report"
HELP = "write a self-contained HTML report (opens offline) for one of the tools"

_TOOLS = {
    "schedule": schedule_cmd,
    "forecast": forecast_cmd,
    "build-vs-buy": bvb_cmd,
    "capacity": capacity_cmd,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="tool", metavar="TOOL", required=True)
    for name, module in _TOOLS.items():
        p = sub.add_parser(name, help=f"report of `tpm {module.NAME}` (same arguments)")
        module.add_arguments(p)
        p.add_argument("--out", required=True, metavar="FILE.html", help="report file to write")
        p.add_argument("--title", default=None, help="report title (default: the tool's name)")
        p.add_argument(
            "--save-run",
            metavar="NAME",
            default=None,
            help="also save the inputs as scenario NAME and this run's headline figures in the "
            "scenario library ($TPM_LIBRARY or the user data folder)",
        )


def _schedule(args: argparse.Namespace) -> tuple[str, dict[str, Any], str]:
    from tpm_models.schedule_risk import simulate_schedule
    from tpm_models.schedule_risk.readers import schedule_to_json

    inputs, deadline, iterations, _notes = schedule_cmd.build_inputs(args)
    result = simulate_schedule(inputs, iterations=iterations, rng=args.seed, method=args.method)
    html = report.schedule_report(result, title=args.title, deadline=deadline)
    return html, report.schedule_figures(result, deadline), schedule_to_json(inputs)


def _forecast(args: argparse.Namespace) -> tuple[str, dict[str, Any], str]:
    from tpm_models.delivery_forecast import simulate_forecast

    iterations = check_iterations(args.iterations)
    inputs, history = forecast_cmd.build_inputs(args)
    result = simulate_forecast(inputs, iterations=iterations, rng=args.seed)
    source = Path(args.history).name if args.history and history is not None else None
    html = report.forecast_report(result, title=args.title, seed=args.seed, source=source)
    return html, report.forecast_figures(result), inputs.model_dump_json()


def _build_vs_buy(args: argparse.Namespace) -> tuple[str, dict[str, Any], str]:
    from tpm_models.build_vs_buy import simulate

    scenario, iterations = bvb_cmd.load_checked(args)
    result = simulate(scenario, iterations=iterations, rng=args.seed, method=args.method)
    html = report.build_vs_buy_report(result, title=args.title, seed=args.seed, method=args.method)
    return html, report.build_vs_buy_figures(result), scenario.to_json()


def _capacity(args: argparse.Namespace) -> tuple[str, dict[str, Any], str]:
    from tpm_models.team_capacity import simulate_capacity

    sc, iterations = capacity_cmd.load_checked(args)
    target, until = capacity_cmd.window(args, sc)
    result = simulate_capacity(sc, iterations=iterations, rng=args.seed)
    html = report.capacity_report(
        result, title=args.title, seed=args.seed, target_month=target, until_month=until
    )
    return html, report.capacity_figures(result, target, until), sc.model_dump_json()


_BUILDERS = {
    "schedule": _schedule,
    "forecast": _forecast,
    "build-vs-buy": _build_vs_buy,
    "capacity": _capacity,
}


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError.single("--out", f"{args.out!r}: the report file name must end in .html")
    if not out.parent.exists():
        raise InputError.single("--out", f"folder {str(out.parent)!r} does not exist")
    html, figures, scenario_json = _BUILDERS[args.tool](args)
    out.write_text(html, encoding="utf-8")
    saved = None
    if args.save_run is not None:
        from tpm_models.library import Library, LibraryError

        try:
            lib = Library()
            rec = lib.save_scenario(args.tool, args.save_run, scenario_json)
            lib.add_run(rec.id, seed=args.seed, trials=args.iterations, figures=figures)
        except LibraryError as exc:
            raise InputError.single("--save-run", str(exc)) from None
        saved = {"library": str(lib.path), "scenario": rec.name, "runs": len(lib.list_runs(rec.id))}
    if args.json:
        print_json(
            {
                "tool": args.tool,
                "out": str(out),
                "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "figures": figures,
                "saved": saved,
            }
        )
    else:
        sys.stdout.write(f"Report written to {out} ({len(html.encode('utf-8')):,} bytes)\n")
        if saved is not None:
            sys.stdout.write(
                f"Saved run {saved['runs']} of scenario {saved['scenario']!r} in "
                f"{saved['library']}\n"
            )
    return 0
