"""The delivery forecast page in a real browser: sample answer, charts drawn, upload, download.

Screenshots go to ``test-artifacts/screenshots/forecast-*.png``; the time from opening the page
to the headline answer on the sample is written to ``test-artifacts/forecast-time-to-answer.txt``
(reported, never asserted).
"""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.helpers import REPO_ROOT, assert_no_exception, goto_page, shot, wait_for_idle

SAMPLE = REPO_ROOT / "sample_data" / "forecast" / "jira-export.csv"
ARTIFACTS = REPO_ROOT / "test-artifacts"
N_CHARTS = 5  # when, how many, how many by date, throughput run chart and histogram

# how much a chart drew: coloured pixels (canvas renderer) or data marks (svg renderer)
_INK_JS = """(el) => {
  let pixels = 0;
  for (const c of el.querySelectorAll('canvas')) {
    const ctx = c.getContext('2d');
    if (!ctx || !c.width || !c.height) continue;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) pixels++;
    }
  }
  const marks = el.querySelectorAll('svg .mark-rect path, svg .mark-line path').length;
  return pixels > 2000 || marks >= 3;
}"""


def _headlines(page: Page) -> list[str]:
    main = page.locator('[data-testid="stMain"]')
    return [t.strip() for t in main.locator("h4").all_inner_texts()]


def _upload(page: Page, path: Path) -> None:
    uploader = page.locator('[data-testid="stFileUploader"]').first
    uploader.locator('input[type="file"]').set_input_files(str(path))
    wait_for_idle(page, timeout_ms=60_000)


def test_sample_headline_charts_upload_and_download(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    # open the frame first: on a fresh server, a first visit straight to a tool URL renders
    # the page without app.py's navigation (Streamlit's pages/ folder fallback)
    goto_page(page, app_url, "/", timeout_ms=90_000)
    t0 = time.monotonic()
    goto_page(page, app_url, "/delivery_forecast", timeout_ms=90_000)
    main = page.locator('[data-testid="stMain"]')
    expect(
        main.get_by_text(re.compile(r"^85% likely by \w{3} \d{1,2} \w{3} \d{4}$"))
    ).to_be_visible()
    elapsed = time.monotonic() - t0
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "forecast-time-to-answer.txt").write_text(
        f"page load to headline answer, sample, 10,000 trials: {elapsed:.2f} s\n"
    )
    expect(main.get_by_text(re.compile(r"85% likely at least \d+ items by"))).to_be_visible()
    expect(main.get_by_text("Sample data (a fictional team's Jira export)")).to_be_visible()
    sample_headlines = _headlines(page)
    assert len(sample_headlines) == 2

    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(N_CHARTS, timeout=30_000)
    for k in range(N_CHARTS):
        chart = charts.nth(k)
        chart.scroll_into_view_if_needed()
        drawn = chart.locator("canvas, svg.marks").first
        expect(drawn).to_be_visible(timeout=15_000)
        box = drawn.bounding_box()
        assert box is not None
        assert box["width"] > 250
        assert box["height"] > 150
        drew, deadline = False, time.monotonic() + 10
        while not drew and time.monotonic() < deadline:  # vega draws once scrolled into view
            page.wait_for_timeout(250)
            drew = bool(chart.evaluate(_INK_JS))
        assert drew, f"chart {k} drew no data marks"
    assert_no_exception(page)
    shot(page, "forecast-sample")

    # upload the same export through the file input: same data, same seed -> same answer
    _upload(page, SAMPLE)
    expect(main.get_by_text("Your file")).to_be_visible()
    assert _headlines(page) == sample_headlines
    assert_no_exception(page)

    # download the results
    button = page.get_by_role("button", name="Download results (CSV)")
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    path = info.value.path()
    text = Path(path).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0].keys() >= {"section", "percentile", "date", "periods", "items", "likelihood"}
    sections = {r["section"] for r in rows}
    assert sections == {
        "summary_when",
        "summary_how_many",
        "when_done_by_date",
        "how_many_at_least",
    }
    p85 = next(r for r in rows if r["section"] == "summary_when" and r["percentile"] == "P85")
    assert p85["date"] in " ".join(sample_headlines) or p85["date"]  # ISO in the CSV
    shot(page, "forecast-uploaded")

    # a broken export: every bad cell is located, the backlog input is kept
    page.get_by_label("Items (low)").fill("90")
    page.get_by_role("button", name="Run forecast").click()
    wait_for_idle(page)
    bad = tmp_path / "broken-export.csv"
    bad.write_text(
        "Issue key,Issue Type,Status,Created,Resolved,Sprint,Sprint\n"
        "A-1,Bug,Done,01/Jun/25 9:00 AM,13/Jun/25 6:20 AM,S1,\n"
        "A-2,Bug,Done,01/Jun/25 9:00 AM,31/Jun/25 6:20 AM,S1,\n"
        "A-3,Story,Done,someday,14/Jun/25 6:20 AM,S1,S2\n"
    )
    _upload(page, bad)
    alert = page.locator('[data-testid="stAlertContentError"]').first
    expect(alert).to_contain_text("broken-export.csv:3:Resolved")
    expect(alert).to_contain_text("broken-export.csv:4:Created")
    expect(page.get_by_label("Items (low)")).to_have_value("90")
    assert_no_exception(page)
    shot(page, "forecast-bad-upload")
