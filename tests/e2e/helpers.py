"""Helpers for browser tests against the running Streamlit app (Streamlit 1.67 DOM).

Test ids used (checked against the live DOM of Streamlit 1.67):

- ``[data-testid="stApp"]`` carries ``data-test-script-state`` (``initial``, ``running``,
  ``notRunning``, ``rerunRequested``, ``stopRequested``, ``compilationError``) and
  ``data-test-connection-state`` (``CONNECTED`` once the websocket is up).
- ``[data-testid="stStatusWidget"]`` shows the "Running…" indicator
  (``stStatusWidgetRunningIcon`` / ``stStatusWidgetRunningManIcon``) while a run is in
  progress; element containers are ``data-stale="true"`` while a rerun may replace them.
- Exceptions render as ``[data-testid="stException"]``; ``st.error`` boxes as
  ``[data-testid="stAlertContentError"]``.
- Lazily loaded elements show ``[data-testid="stSkeleton"]`` first; an Altair/Vega-Lite chart
  (``[data-testid="stVegaLiteChart"]``) has drawn once it holds a ``.marks`` canvas/svg.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"

#: JavaScript returning why the app is not idle yet ("" when it is).
_BUSY_REASON_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return 'no stApp element yet';
  const conn = app.getAttribute('data-test-connection-state');
  if (conn !== 'CONNECTED') return `connection state ${conn}`;
  const run = app.getAttribute('data-test-script-state');
  if (run !== 'notRunning') return `script state ${run}`;
  // the status widget also offers "rerun" after a source edit; only its running icons count
  const running = ['stStatusWidgetRunningIcon', 'stStatusWidgetRunningManIcon']
    .map((id) => `[data-testid="${id}"]`).join(', ');
  if (document.querySelector(running)) return 'running indicator shown';
  if (!document.querySelector('[data-testid="stMainBlockContainer"]')) return 'no main block';
  const stale = document.querySelectorAll('[data-testid="stElementContainer"][data-stale="true"]');
  if (stale.length) return `${stale.length} stale element(s)`;
  // lazily loaded elements (charts, tables) show skeletons first; charts draw a moment later
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const busy = ['stSkeleton', 'stSkeletonElement', 'stSpinner']
    .map((id) => `[data-testid="${id}"]`).join(', ');
  const loading = [...document.querySelectorAll(busy)].filter(shown);
  if (loading.length) return `${loading.length} skeleton/spinner element(s) visible`;
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  const undrawn = charts.filter((c) => shown(c) && !c.querySelector('.marks'));
  if (undrawn.length) return `${undrawn.length} chart(s) not drawn yet`;
  return '';
}"""
_IDLE_JS = f"() => ({_BUSY_REASON_JS})() === ''"


def wait_for_idle(page: Page, timeout_ms: float = 30_000, settle_ms: float = 300) -> None:
    """Wait until the app is connected, its script has finished, nothing is stale, no
    skeleton or spinner is visible and every visible chart has drawn.

    The idle state must hold twice, ``settle_ms`` apart, so a rerun that was requested but
    not yet started (e.g. just after a click) is not mistaken for the finished page.
    On timeout the error says which condition was still unmet.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        remaining_ms = max((deadline - time.monotonic()) * 1000, 1.0)
        try:
            page.wait_for_function(_IDLE_JS, timeout=remaining_ms, polling=100)
        except PlaywrightTimeoutError:
            reason = page.evaluate(_BUSY_REASON_JS)
            raise TimeoutError(
                f"{page.url} did not become idle within {timeout_ms:.0f} ms: {reason}"
            ) from None
        page.wait_for_timeout(settle_ms)
        if page.evaluate(_IDLE_JS):
            return
        if time.monotonic() > deadline:
            reason = page.evaluate(_BUSY_REASON_JS)
            raise TimeoutError(f"{page.url} did not settle within {timeout_ms:.0f} ms: {reason}")


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
            # newly visible tables and charts load lazily: wait for them to draw
            page.wait_for_timeout(300)
            wait_for_idle(page)
        page.screenshot(path=str(path), full_page=True)
    finally:
        if height != size["height"]:
            page.set_viewport_size(size)
    return path
