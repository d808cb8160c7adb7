"""The schedule-risk page in a real browser: sample answer, charts with data, upload, download.

Screenshots go to ``test-artifacts/screenshots/schedule-*.png``; the time from opening the
page to the headline answer on the sample (10,000 trials) is written to
``test-artifacts/schedule-time-to-answer.txt`` (reported, never asserted).
"""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.helpers import REPO_ROOT, assert_no_exception, goto_page, shot, wait_for_idle

SAMPLE = REPO_ROOT / "sample_data" / "schedule"
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHART_TITLES = [
    "When will the project finish?",
    "How likely is each finish date?",
    "Which task durations drive the finish?",
    "Which tasks are most often critical?",
    "Which risks push the finish out?",
    "When does each task finish?",
]


def _metric(page: Page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def _open_via_sidebar(page: Page, app_url: str) -> None:
    goto_page(page, app_url, "/", timeout_ms=90_000)
    page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name=re.compile("Schedule risk")
    ).click()
    page.wait_for_url(re.compile(r"/schedule_risk/?$"))
    wait_for_idle(page, timeout_ms=60_000)


def _open_uploads(page: Page) -> None:
    page.get_by_text("Your data — upload files").click()
    page.get_by_role("tab", name="Upload files").click()


def _upload(page: Page, label: str, path: Path) -> None:
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text=label).first
    uploader.locator('input[type="file"]').set_input_files(str(path))
    wait_for_idle(page, timeout_ms=60_000)


def test_sample_answer_and_every_chart_render(page: Page, app_url: str) -> None:
    # as a user arrives: the home page, then the sidebar entry
    goto_page(page, app_url, "/", timeout_ms=90_000)
    t0 = time.monotonic()
    page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name=re.compile("Schedule risk")
    ).click()
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(re.compile(r"80% likely to finish by"))).to_be_visible(timeout=60_000)
    elapsed = time.monotonic() - t0
    wait_for_idle(page, timeout_ms=60_000)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schedule-time-to-answer.txt").write_text(
        f"click on 'Schedule risk' to headline answer, sample, 10,000 trials: {elapsed:.2f} s\n"
    )
    expect(main.get_by_text("Sample: payments platform migration")).to_be_visible()
    for label in ("Plan (CPM) finish", "P50 finish", "P80 finish", "P90 finish"):
        assert re.fullmatch(r"\d{1,2} \w{3} \d{4}", _metric(page, label)), label
    assert _metric(page, "Chance by the deadline").endswith("%")

    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(len(CHART_TITLES), timeout=30_000)
    for k in range(len(CHART_TITLES)):
        chart = charts.nth(k)
        chart.scroll_into_view_if_needed()
        drawn = chart.locator("canvas, svg.marks").first
        expect(drawn).to_be_visible(timeout=15_000)
        box = drawn.bounding_box()
        assert box is not None, k
        assert box["width"] > 200, k
        assert box["height"] > 100, k
    # not an empty frame: each chart has drawn marks (SVG marks x 100, or coloured canvas
    # pixels when Vega renders to a canvas)
    inked = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
          .map(el => {
            const c = el.querySelector('canvas');
            if (!c) return 100 * el.querySelectorAll('svg.marks path, svg.marks rect').length;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) {
              if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200)) n++;
            }
            return n;
          })"""
    )
    assert len(inked) == len(CHART_TITLES)
    assert all(n >= 1000 for n in inked), inked
    assert_no_exception(page)
    shot(page, "schedule-sample")


def test_upload_csv_updates_answer_and_bad_file_is_located(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    _open_via_sidebar(page, app_url)
    before = _metric(page, "P80 finish")
    _open_uploads(page)

    good = tmp_path / "my_tasks.csv"
    good.write_text(
        "id,name,low,likely,high,distribution,predecessors\n"
        "A,Design,5,8,14,pert,\n"
        "B,Build,10,15,30,pert,A\n"
        "C,Test,4,6,12,triangular,B:SS+5\n"
        "D,Launch,1,1,2,pert,B; C\n"
    )
    _upload(page, "Tasks", good)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("Uploaded: my_tasks.csv")).to_be_visible()
    after = _metric(page, "P80 finish")
    assert after != before
    assert_no_exception(page)
    shot(page, "schedule-uploaded")

    bad = tmp_path / "bad_tasks.csv"
    bad.write_text(
        "id,name,low,likely,high,distribution,predecessors\n"
        "A,Design,5,8,14,pert,\n"
        "B,Build,30,15,10,pert,A\n"
        "C,Test,4,6,12,pert,ZZ\n"
    )
    _upload(page, "Tasks", bad)
    alert = page.locator('[data-testid="stAlertContentError"]').first
    expect(alert).to_contain_text("bad_tasks.csv:3")
    expect(alert).to_contain_text("ZZ")
    # the previous (good) project is still shown and still answers
    expect(main.get_by_text("Uploaded: my_tasks.csv")).to_be_visible()
    assert _metric(page, "P80 finish") == after
    assert_no_exception(page)
    shot(page, "schedule-bad-upload")


def test_results_csv_download(page: Page, app_url: str) -> None:
    goto_page(page, app_url, "/schedule_risk", timeout_ms=90_000)
    button = page.get_by_role("button", name=re.compile("Results \\(CSV\\)"))
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "schedule_results.csv"
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    tables = {r["table"] for r in rows}
    assert tables == {"percentiles", "tasks"}
    p80 = next(r for r in rows if r["table"] == "percentiles" and r["percentile"] == "80")
    assert float(p80["finish_days"]) > 0
    assert sum(r["table"] == "tasks" for r in rows) >= 30
    assert_no_exception(page)


def test_whatif_removing_a_risk_moves_the_answer(page: Page, app_url: str) -> None:
    _open_via_sidebar(page, app_url)
    # the what-if table: the grid inside the form with the "Compare" button (other grids, e.g.
    # the scenario library's saved runs, may follow it on the page)
    whatif_form = page.locator('[data-testid="stForm"]').filter(
        has=page.get_by_role("button", name="Compare with this mitigation")
    )
    grid = whatif_form.locator('[data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    wait_for_idle(page)
    page.wait_for_timeout(1_000)  # let the grid's canvas settle after the scroll
    box = grid.bounding_box()
    assert box is not None
    # first data row (header and rows are 35 px), last column = "remove": select, toggle
    page.mouse.click(box["x"] + box["width"] - 40, box["y"] + 35 + 17)
    page.wait_for_timeout(300)
    page.keyboard.press("Space")
    page.wait_for_timeout(300)
    page.get_by_role("button", name="Compare with this mitigation").click()
    wait_for_idle(page, timeout_ms=60_000)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("P80 finish after mitigation")).to_be_visible()
    assert _metric(page, "Risks changed") == "R1"
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(len(CHART_TITLES) + 1)
    charts.last.scroll_into_view_if_needed()
    expect(charts.last.locator("canvas, svg.marks").first).to_be_visible()
    assert_no_exception(page)
    shot(page, "schedule-whatif")


def test_chart_image_download(page: Page, app_url: str) -> None:
    _open_via_sidebar(page, app_url)
    page.get_by_text("Chart images (PNG / SVG)").click()
    page.get_by_role("button", name="Prepare image").click()
    wait_for_idle(page, timeout_ms=60_000)
    button = page.get_by_role("button", name=re.compile(r"Download .* \(PNG\)"))
    with page.expect_download() as info:
        button.click()
    path = info.value.path()
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert_no_exception(page)
