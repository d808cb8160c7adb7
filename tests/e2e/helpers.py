"""Helpers for browser tests against the running Streamlit app (Streamlit 1.67 DOM).

Test ids used (checked against the live DOM of Streamlit 1.67):

- ``[data-testid="stApp"]`` carries ``data-test-script-state`` (``initial``, ``running``,
  ``notRunning``, ``rerunRequested``, ``stopRequested``, ``compilationError``) and
  ``data-test-connection-state`` (``CONNECTED`` once the websocket is up).
- ``[data-testid="stStatusWidget"]`` (the "Running…" indicator) exists only while a run is
  in progress; element containers are ``data-stale="true"`` while a rerun may replace them.
- Exceptions render as ``[data-testid="stException"]``; ``st.error`` boxes as
  ``[data-testid="stAlertContentError"]``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"

_IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (!document.querySelector('[data-testid="stMainBlockContainer"]')) return false;
  if (document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')) return false;
  return true;
}"""


def wait_for_idle(page: Page, timeout_ms: float = 30_000, settle_ms: float = 300) -> None:
    """Wait until the app is connected, its script has finished and nothing is stale.

    The idle state must hold twice, ``settle_ms`` apart, so a rerun that was requested but
    not yet started (e.g. just after a click) is not mistaken for the finished page.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        remaining_ms = max((deadline - time.monotonic()) * 1000, 1.0)
        page.wait_for_function(_IDLE_JS, timeout=remaining_ms)
        page.wait_for_timeout(settle_ms)
        if page.evaluate(_IDLE_JS):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the app did not become idle within {timeout_ms:.0f} ms")


def goto_page(page: Page, app_url: str, url_path: str = "", timeout_ms: float = 30_000) -> None:
    """Open ``app_url/url_path`` (e.g. ``"/schedule_risk"``) and wait until it is rendered."""
    url = app_url.rstrip("/") + "/" + url_path.lstrip("/")
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    wait_for_idle(page, timeout_ms=timeout_ms)


def assert_no_exception(page: Page) -> None:
    """Fail if the page shows a Streamlit exception box or an error box with a traceback."""
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        texts = "\n---\n".join(exceptions.all_inner_texts())
        raise AssertionError(
            f"{exceptions.count()} exception box(es) on {page.url} (the browser shows a redacted "
            "message; the traceback is in test-artifacts/streamlit-<port>.log):\n" + texts
        )
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    tracebacks = [t for t in errors if re.search(r"Traceback|File \".*\", line \d+", t)]
    if tracebacks:
        raise AssertionError(
            f"error box with a traceback on {page.url}:\n" + "\n---\n".join(tracebacks)
        )


def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot to ``test-artifacts/screenshots/<name>.png``.

    Streamlit scrolls inside its main container, not the document, so the viewport is grown
    to the content height for the capture and restored afterwards.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size or {"width": 1400, "height": 900}
    content_height = page.evaluate(
        """() => {
          const el = document.querySelector('[data-testid="stMain"]')
            || document.querySelector('[data-testid="stAppViewContainer"]');
          return el ? el.scrollHeight : document.body.scrollHeight;
        }"""
    )
    height = int(min(max(size["height"], content_height), 8000))
    try:
        if height != size["height"]:
            page.set_viewport_size({"width": size["width"], "height": height})
            page.wait_for_timeout(300)
        page.screenshot(path=str(path), full_page=True)
    finally:
        if height != size["height"]:
            page.set_viewport_size(size)
    return path
