"""``tpm app``: start the Streamlit app from any directory."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

NAME = "app"
HELP = "start the TPM Decision Lab web app (extra options go to `streamlit run`)"


def app_root() -> Path:
    """The folder that holds ``app.py`` (the repository root in a source checkout)."""
    env = os.environ.get("TPM_APP_ROOT")
    candidates = [Path(env)] if env else []
    candidates += [Path(__file__).resolve().parents[2], Path.cwd()]
    for c in candidates:
        if (c / "app.py").is_file() and (c / "app_pages").is_dir():
            return c
    raise FileNotFoundError(
        "could not find app.py; run from the repository or set TPM_APP_ROOT to its folder"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "streamlit_args",
        nargs=argparse.REMAINDER,
        help="options for `streamlit run`, e.g. --server.port 8502",
    )


def launch(streamlit_args: list[str]) -> int:
    try:
        root = app_root()
    except FileNotFoundError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    cmd = [sys.executable, "-m", "streamlit", "run", str(root / "app.py"), *streamlit_args]
    # cwd = root so .streamlit/config.toml (the hardened server settings) applies
    if os.name == "posix":
        # Become streamlit (exec) rather than wait for a child: Ctrl-C and a supervisor's
        # SIGTERM then reach the server itself instead of orphaning it.
        sys.stdout.flush()
        sys.stderr.flush()
        os.chdir(root)
        os.execv(sys.executable, cmd)
    return subprocess.call(cmd, cwd=root)  # pragma: no cover - Windows


def run(args: argparse.Namespace) -> int:
    return launch(list(args.streamlit_args))
