"""Ten users at once against one real server (issue 9): isolation, reproducibility, liveness.

Ten browser contexts (separate cookies and sessions, one chromium) open the schedule page on
the shared ``app_url`` server. Two upload their own small project; every user submits the run
form with their own seed and trial count, all ten runs are started before any is awaited, and a
background thread keeps asking ``/_stcore/health`` meanwhile. Then each page must show *its
own* settings and data, with the same percentiles as the engine called directly for that seed
(so a session never sees another's data and load changes no result), and every health probe
must have been answered. Bounded: ten users, small runs, one timeout per wait.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page

from tests.e2e.helpers import REPO_ROOT, assert_no_exception, shot, wait_for_idle
from tpm_models.schedule_risk.readers import load_schedule
from tpm_models.schedule_risk.simulate import simulate_schedule
from ui import schedule as ui

N_USERS = 10
#: Users 0 and 1 upload their own project; the others keep the bundled sample.
CUSTOM_USERS = (0, 1)
SAMPLE = REPO_ROOT / "sample_data" / "schedule"
CUSTOM_TASKS = (
    b"id,name,low,likely,high,distribution,predecessors\n"
    b"A,Discovery,3,5,9,pert,\n"
    b"B,Build,10,15,30,pert,A\n"
    b"C,Test,4,6,12,triangular,B\n"
    b"D,Docs,2,3,6,pert,A\n"
    b"E,Launch,1,1,2,uniform,C; D\n"
)
HEALTH_TIMEOUT_S = 10
WAIT_MS = 180_000


def settings_for(user: int) -> tuple[int, int]:
    """(trials, seed) of a user: all different, so every page has its own answer."""
    return 2_000 + 1_000 * user, 7_000 + 13 * user


class HealthProbe(threading.Thread):
    """Asks ``/_stcore/health`` every 0.25 s; records each answer or failure."""

    def __init__(self, base_url: str) -> None:
        super().__init__(daemon=True)
        self.url = f"{base_url}/_stcore/health"
        self.answers: list[float] = []
        self.failures: list[str] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=HEALTH_TIMEOUT_S) as resp:
                    ok = resp.status == 200 and resp.read().strip() == b"ok"
                if ok:
                    self.answers.append(time.monotonic() - t0)
                else:
                    self.failures.append(f"status {resp.status}")
            except (urllib.error.URLError, OSError) as exc:
                self.failures.append(repr(exc))
            self._stop_event.wait(0.25)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=HEALTH_TIMEOUT_S + 5)


def _metric(page: Page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _caption_text(page: Page) -> str:
    return " ".join(page.locator('[data-testid="stCaptionContainer"]').all_inner_texts())


def _upload_tasks(page: Page, path: Path) -> None:
    page.get_by_text("Your data — upload files").click()
    page.get_by_role("tab", name="Upload files").click()
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Tasks").first
    uploader.locator('input[type="file"]').set_input_files(str(path))


def _expected(user: int, custom: Path) -> dict[str, Any]:
    trials, seed = settings_for(user)
    if user in CUSTOM_USERS:
        inputs = load_schedule(custom, holidays=SAMPLE / "holidays.csv", start_date=ui.SAMPLE_START)
    else:
        inputs = load_schedule(
            SAMPLE / "tasks.csv",
            SAMPLE / "risks.csv",
            SAMPLE / "correlations.csv",
            SAMPLE / "holidays.csv",
            start_date=ui.SAMPLE_START,
        )
    result = simulate_schedule(inputs, iterations=trials, rng=seed)
    return {
        "caption": f"{trials:,} trials · seed {seed}",
        "tasks": f"{len(inputs.tasks)} tasks, {len(inputs.risks)} risks",
        **{f"P{q} finish": ui.fmt_date(result.finish_date(q)) for q in (50, 80, 90)},
    }


def test_ten_simultaneous_users_see_only_their_own_reproducible_answers(
    browser: Browser, app_url: str, tmp_path: Path
) -> None:
    custom = tmp_path / "team_project.csv"
    custom.write_bytes(CUSTOM_TASKS)
    probe = HealthProbe(app_url)
    contexts = [
        browser.new_context(viewport={"width": 1400, "height": 900}) for _ in range(N_USERS)
    ]
    try:
        pages = [c.new_page() for c in contexts]
        probe.start()
        # everyone arrives at once
        for page in pages:
            page.goto(f"{app_url}/schedule_risk", wait_until="commit", timeout=WAIT_MS)
        for page in pages:
            page.wait_for_selector('[data-testid="stApp"]', timeout=WAIT_MS)
            wait_for_idle(page, timeout_ms=WAIT_MS)
        for user in CUSTOM_USERS:
            _upload_tasks(pages[user], custom)
        for user in CUSTOM_USERS:
            wait_for_idle(pages[user], timeout_ms=WAIT_MS)
        # everyone fills the run form, then all ten runs start before any is awaited
        for user, page in enumerate(pages):
            trials, seed = settings_for(user)
            page.get_by_role("spinbutton", name="Trials", exact=True).fill(str(trials))
            page.get_by_role("spinbutton", name="Seed", exact=True).fill(str(seed))
        for page in pages:
            page.get_by_role("button", name="Run simulation").click()
        for page in pages:
            wait_for_idle(page, timeout_ms=WAIT_MS)
        probe.stop()

        shot(pages[0], "concurrency-user-0-custom-project")
        shot(pages[N_USERS - 1], f"concurrency-user-{N_USERS - 1}-sample")
        for user, page in enumerate(pages):
            assert_no_exception(page)
            want = _expected(user, custom)
            caption = _caption_text(page)
            assert want["caption"] in caption, (user, caption)
            assert want["tasks"] in caption, (user, caption)
            for other in range(N_USERS):
                if other != user:
                    assert f"seed {settings_for(other)[1]}" not in caption
            for label in ("P50 finish", "P80 finish", "P90 finish"):
                assert _metric(page, label) == want[label], (user, label)
    finally:
        probe.stop()
        for c in contexts:
            c.close()
    assert probe.failures == [], probe.failures[:5]
    assert len(probe.answers) >= 3, "the health probe barely ran"
    # the report of how responsive the server stayed (not asserted: no timed assertions)
    out = REPO_ROOT / "test-artifacts" / "concurrency-health.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    median = sorted(probe.answers)[len(probe.answers) // 2]
    out.write_text(
        f"{N_USERS} users; {len(probe.answers)} health probes answered, "
        f"slowest {max(probe.answers):.3f} s, median {median:.3f} s\n",
        encoding="utf-8",
    )
