"""The scenario library in a real browser: save a run on the schedule page, change an input,
save again, and see both runs on the history chart (panel and Scenarios page).

These tests run against a server of their own with a fresh library file, so the runs they save
never show up on the pages other browser tests look at (nor in the user's own library).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.e2e.conftest import streamlit_server
from tests.e2e.helpers import REPO_ROOT, assert_no_exception, goto_page, shot, wait_for_idle


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """This module's own server (and so its own scenario library file)."""
    with streamlit_server("library") as url:
        yield url


NAME = "Weekly forecast <b>"
SHOTS = REPO_ROOT / "test-artifacts" / "screenshots"

_INK_JS = """el => {
  const c = el.querySelector('canvas');
  if (!c) return 100 * el.querySelectorAll('svg.marks path, svg.marks rect').length;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200)) n++;
  }
  return n;
}"""


def _panel(page: Page) -> Locator:
    return page.locator('[data-testid="stExpander"]').filter(has_text="Scenario library")


def _save_run(page: Page, n: int) -> None:
    panel = _panel(page)
    panel.get_by_role("button", name=re.compile("Save this run")).click()
    wait_for_idle(page, timeout_ms=60_000)
    expect(panel.get_by_text(f"Saved run {n} of “{NAME}”")).to_be_visible(timeout=30_000)


def _assert_drawn(chart: Locator) -> None:
    chart.scroll_into_view_if_needed()
    expect(chart.locator("canvas, svg.marks").first).to_be_visible(timeout=15_000)
    assert chart.evaluate(_INK_JS) >= 500


def test_save_change_save_shows_both_runs_on_the_history_chart(page: Page, app_url: str) -> None:
    goto_page(page, app_url, "/schedule_risk", timeout_ms=90_000)
    _panel(page).get_by_text("Scenario library").click()
    name_box = _panel(page).get_by_label("Scenario name")
    name_box.fill(NAME)
    name_box.press("Enter")
    wait_for_idle(page, timeout_ms=30_000)
    _save_run(page, 1)
    expect(_panel(page).get_by_text(re.compile(r"P80 finish: \d+ \w{3} \d{4} \(run 1\)")))

    # next week: a different seed and fewer trials in the run settings form
    page.get_by_role("spinbutton", name="Seed").fill("424242")
    page.get_by_role("spinbutton", name="Trials").fill("5000")
    page.get_by_role("button", name=re.compile("Run simulation")).click()
    wait_for_idle(page, timeout_ms=60_000)
    _save_run(page, 2)

    panel = _panel(page)
    movement = re.compile(
        r"P50 finish: \d+ \w{3} \d{4} → \d+ \w{3} \d{4} \(run 1 → run 2\); "
        r"P80 finish: \d+ \w{3} \d{4} → \d+ \w{3} \d{4} \(run 1 → run 2\)"
    )
    expect(panel.get_by_text(movement)).to_be_visible()
    chart = panel.locator('[data-testid="stVegaLiteChart"]')
    expect(chart).to_have_count(1)
    _assert_drawn(chart.first)
    # both runs on the chart: one point per run and series (SVG marks carry their tooltips)
    points = chart.first.locator('[aria-roledescription="point"]')
    expect(points).to_have_count(4)
    labels = " ".join(points.evaluate_all("ps => ps.map(p => p.getAttribute('aria-label'))"))
    assert "Run: #1" in labels
    assert "Run: #2" in labels
    assert "Seed: 424242" in labels
    assert_no_exception(page)
    panel.scroll_into_view_if_needed()
    shot(page, "scenarios-schedule-panel")


def test_scenarios_page_shows_the_history(page: Page, app_url: str) -> None:
    goto_page(page, app_url, "/", timeout_ms=90_000)
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name=re.compile(r"^Scenarios")).click()
    page.wait_for_url(re.compile(r"/scenarios/?$"))
    wait_for_idle(page, timeout_ms=60_000)
    main = page.locator('[data-testid="stMain"]')
    if main.get_by_text("Nothing saved yet").count():
        # run alone: save two runs first through the schedule page
        test_save_change_save_shows_both_runs_on_the_history_chart(page, app_url)
        goto_page(page, app_url, "/scenarios", timeout_ms=60_000)
        main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(re.compile(r"P80 finish: .* \(run 1 → run \d+\)"))).to_be_visible()
    charts = main.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(1)
    _assert_drawn(charts.first)
    assert_no_exception(page)
    shot(page, "scenarios-page")


def test_report_download_opens_offline_with_the_page_answer(
    page: Page, app_url: str, browser: Browser
) -> None:
    goto_page(page, app_url, "/schedule_risk", timeout_ms=90_000)
    p80 = page.locator('[data-testid="stMetric"]').filter(has_text="P80 finish").first
    p80_text = p80.locator('[data-testid="stMetricValue"]').inner_text()
    button = page.get_by_role("button", name=re.compile("Report \\(HTML\\)"))
    with page.expect_download(timeout=90_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "schedule-report.html"
    html = Path(download.path()).read_text(encoding="utf-8")
    assert f"80% likely to finish by {p80_text}" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "<script" not in html.lower()

    # opened with every network request refused, it is complete: title, sentence, charts
    context = browser.new_context()
    blocked: list[str] = []

    def refuse(route: Route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
            return
        blocked.append(route.request.url)
        route.abort()

    context.route("**/*", refuse)
    offline = context.new_page()
    report_path = Path(download.path()).with_suffix(".html")
    report_path.write_text(html, encoding="utf-8")
    offline.goto(report_path.as_uri())
    expect(offline.locator("#headline")).to_contain_text(p80_text)
    assert offline.locator("figure svg").count() >= 4
    offline.set_viewport_size({"width": 1000, "height": 1400})
    SHOTS.mkdir(parents=True, exist_ok=True)
    offline.screenshot(path=str(SHOTS / "schedule-report.png"), full_page=False)
    assert blocked == []
    context.close()
