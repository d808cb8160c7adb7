"""The ``tpm`` command.

Each sub-command lives in its own module under :mod:`tpm_models.commands` and provides
``NAME`` (the sub-command), ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args) -> int``. Bad input exits 2 with one ``error: FILE:ROW:COLUMN: …`` line per
problem on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

from tpm_models import __version__
from tpm_models.errors import InputError

__all__ = ["main"]

#: The order commands are listed in ``tpm --help``.
_ORDER = ("schedule", "forecast", "build-vs-buy", "capacity", "report", "app")


def _command_modules() -> list[ModuleType]:
    import tpm_models.commands as pkg

    mods = [
        importlib.import_module(f"{pkg.__name__}.{info.name}")
        for info in pkgutil.iter_modules(pkg.__path__)
        if not info.name.startswith("_")
    ]
    rank = {name: i for i, name in enumerate(_ORDER)}
    return sorted(mods, key=lambda m: (rank.get(m.NAME, len(rank)), m.NAME))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tpm",
        description="TPM Decision Lab: decisions under uncertainty from the command line.",
        epilog="Exit status: 0 success, 2 bad input (one 'error: FILE:ROW:COLUMN: ...' line each).",
    )
    parser.add_argument("--version", action="version", version=f"tpm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for mod in _command_modules():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``tpm`` and ``python -m tpm_models``."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["app"]:
        # pass everything after `app` straight to streamlit (its options look like ours)
        from tpm_models.commands import app

        return app.launch(args_list[1:])
    parser = build_parser()
    args = parser.parse_args(args_list)
    if getattr(args, "_run", None) is None:
        parser.print_help()
        return 0
    try:
        code: int = args._run(args)
    except InputError as exc:
        for line in exc.cli_lines():
            sys.stderr.write(line + "\n")
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        # the reader went away (`tpm schedule ... | head -1`): stop quietly; point stdout at
        # devnull so the interpreter's final flush does not raise again (Python docs' recipe)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return code
