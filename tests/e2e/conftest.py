"""Shared browser-test harness: one ``streamlit run app.py`` server per session + Debian chromium.

Fixtures
--------
app_url
    Base URL (``http://127.0.0.1:<port>``) of the app, started once per test session (per
    xdist worker) from the repository root so ``.streamlit/config.toml`` applies; stopped at
    the end of the session. The server log is kept in ``test-artifacts/streamlit-<port>.log``.
page
    pytest-playwright's page, in ``/usr/bin/chromium`` (no browser downloads exist here).

Every test under ``tests/e2e`` gets the ``e2e`` marker. Without ``/usr/bin/chromium`` the
browser tests are skipped locally, but FAIL when ``CI=true``: CI must never skip them silently.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
#: Debian's chromium; ``TPM_CHROMIUM`` overrides it (used to test the missing-browser rule).
CHROMIUM = Path(os.environ.get("TPM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SERVER_START_TIMEOUT_S = 90.0
E2E_DIR = Path(__file__).resolve().parent


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(tryfirst=True)  # before `-m` selection reads the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of Debian's chromium; skip (locally) or fail (CI=true) when it is missing."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return str(CHROMIUM)
    message = f"{CHROMIUM} is missing; install it with `apt-get install -y chromium`"
    if _in_ci():
        pytest.fail(f"CI=true but {message} (browser tests must not be skipped in CI)")
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def _require_chromium(chromium_executable: str) -> None:
    """Check for the browser before anything else (e.g. before the server starts)."""


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], chromium_executable: str
) -> dict[str, Any]:
    """pytest-playwright launch options: Debian's chromium with sandbox-free CI flags."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A desktop-sized viewport so wide layouts and sidebars render as users see them."""
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900}}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return bool(resp.status == 200 and resp.read().strip() == b"ok")
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def streamlit_server(name: str = "app") -> Iterator[str]:
    """Start ``streamlit run app.py`` on a free port; yield its base URL; stop it afterwards."""
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / f"streamlit-{name}-{port}.log"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        # the test server serves one fixed tree: no file watcher, no "source changed" prompts
        "--server.fileWatcherType",
        "none",
    ]
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        # a scenario library of its own, never the user's
        env = {**os.environ, "TPM_LIBRARY": str(ARTIFACTS / f"library-{name}-{port}.sqlite3")}
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT_S
            while not _healthy(url):
                if proc.poll() is not None:
                    pytest.fail(
                        f"streamlit exited with code {proc.returncode} before answering "
                        f"/_stcore/health:\n{log_path.read_text(errors='replace')}"
                    )
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"streamlit did not answer {url}/_stcore/health within "
                        f"{SERVER_START_TIMEOUT_S:.0f} s:\n{log_path.read_text(errors='replace')}"
                    )
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of one ``streamlit run app.py`` server shared by the session's browser tests."""
    with streamlit_server() as url:
        yield url
