"""The browser-test harness never skips silently in CI (tests/e2e/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/e2e/test_navigation.py::test_home_describes_the_four_tools"


def _run_without_chromium(ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["TPM_CHROMIUM"] = "/nonexistent/chromium"
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q", TEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_missing_chromium_skips_with_a_reason_outside_ci() -> None:
    out = _run_without_chromium(ci=None)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 skipped" in out.stdout
    assert "apt-get install -y chromium" in out.stdout


def test_missing_chromium_fails_loudly_in_ci() -> None:
    out = _run_without_chromium(ci="true")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "CI=true but /nonexistent/chromium is missing" in out.stdout
    assert "skipped" not in out.stdout.splitlines()[-1]
