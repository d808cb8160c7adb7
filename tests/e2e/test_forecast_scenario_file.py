"""Delivery forecast in a real browser: download the scenario JSON, upload it in a fresh
session, get the same form and the same answer (issue 8, scope 3).

Screenshot: ``test-artifacts/screenshots/forecast-scenario-restored.png``.
"""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_exception, goto_page, shot, wait_for_idle


def _headlines(page: Page) -> list[str]:
    main = page.locator('[data-testid="stMain"]')
    return [t.strip() for t in main.locator("h4").all_inner_texts()]


def test_downloaded_scenario_restores_the_forecast(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    goto_page(page, app_url, "/", timeout_ms=90_000)
    goto_page(page, app_url, "/delivery_forecast", timeout_ms=90_000)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("Sample data (a fictional team's Jira export)")).to_be_visible()
    page.get_by_label("Items (low)").fill("150")
    page.get_by_role("spinbutton", name="Items (high)").fill("190")
    page.get_by_label("Seed").fill("9")
    page.get_by_role("button", name="Run forecast").click()
    wait_for_idle(page)
    before = _headlines(page)
    assert len(before) == 2

    button = page.get_by_role("button", name="Scenario (JSON)", exact=True)
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    path = tmp_path / "delivery_forecast_scenario.json"
    path.write_bytes(Path(info.value.path()).read_bytes())
    payload = json.loads(path.read_text())
    assert (payload["schema_version"], payload["tool"]) == (1, "forecast")
    assert (payload["page"]["backlog_low"], payload["page"]["seed"]) == (150, 9)

    # a fresh session starts from the sample defaults; the file brings the forecast back
    page.context.clear_cookies()
    goto_page(page, app_url, "/", timeout_ms=90_000)
    goto_page(page, app_url, "/delivery_forecast", timeout_ms=90_000)
    expect(main.get_by_text("Sample data (a fictional team's Jira export)")).to_be_visible()
    assert _headlines(page) != before
    uploader = page.locator('[data-testid="stFileUploader"]').first
    uploader.locator('input[type="file"]').set_input_files(str(path))
    wait_for_idle(page, timeout_ms=60_000)
    expect(main.get_by_text("Scenario file:")).to_be_visible()
    expect(page.get_by_label("Items (low)")).to_have_value("150")
    expect(page.get_by_label("Seed")).to_have_value("9")
    assert _headlines(page) == before
    assert_no_exception(page)
    shot(page, "forecast-scenario-restored")
