"""Argument helpers shared by the sub-commands."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from tpm_models.errors import InputError


def iso_date(flag: str, value: str | None) -> dt.date | None:
    """Parse a ``--flag YYYY-MM-DD`` value, raising a located InputError."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError.single(flag, f"{value!r} is not a date; use YYYY-MM-DD") from None


def add_run_arguments(parser: argparse.ArgumentParser, default_iterations: int = 10_000) -> None:
    parser.add_argument(
        "--iterations",
        type=int,
        default=default_iterations,
        metavar="N",
        help=f"Monte Carlo trials (default {default_iterations:,})",
    )
    parser.add_argument(
        "--seed", type=int, default=None, metavar="S", help="random seed for a reproducible run"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def check_iterations(n: int, maximum: int = 2_000_000) -> int:
    if not 1 <= n <= maximum:
        raise InputError.single("--iterations", f"must be between 1 and {maximum:,}, got {n}")
    return n


def print_json(payload: dict[str, Any]) -> None:
    json.dump(payload, sys.stdout, indent=2, allow_nan=False, default=str)
    sys.stdout.write("\n")
