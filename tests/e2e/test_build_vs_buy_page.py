"""The build-vs-buy page in a real browser: sample verdict, cards, charts with data, downloads.

Screenshots go to ``test-artifacts/screenshots/bvb-*.png``.
"""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.helpers import REPO_ROOT, assert_no_exception, goto_page, shot, wait_for_idle

SAMPLE = REPO_ROOT / "sample_data" / "build_vs_buy" / "observability_platform.json"
N_CHARTS = 5  # tornado, break-even, cumulative cash flow, NPV distribution, money vs score

# data marks drawn in a chart (svg renderer): lines, areas, bars, points and data rules — axis
# grids and ticks are rule marks too but carry a role-axis class, so they are left out
_INK_JS = """(el) => el.querySelectorAll(
  'g.mark-line path, g.mark-area path, g.mark-rect path, g.mark-symbol path, '
  + 'g.mark-rule:not([class*="role-axis"]) line'
).length"""


def test_sample_cards_charts_and_downloads(page: Page, app_url: str, tmp_path: Path) -> None:
    goto_page(page, app_url, "/build_vs_buy", timeout_ms=90_000)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("Sample: observability platform", exact=False)).to_be_visible()
    verdict = main.locator('[data-testid="stAlertContentSuccess"]')
    expect(verdict).to_contain_text("is best in")
    expect(verdict).to_contain_text("probability")
    assert_no_exception(page)
    # one card per option, each with an NPV P50 metric
    expect(main.locator('[data-testid="stMetricLabel"]', has_text="NPV P50")).to_have_count(3)
    charts = main.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(N_CHARTS)
    for i in range(N_CHARTS):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        page.wait_for_function(f"(el) => ({_INK_JS})(el) >= 3", arg=chart.element_handle())
    expect(main.get_by_text("Excel's NPV(r, v1..vn)", exact=False)).to_be_visible()
    shot(page, "bvb-sample")

    # the editors: options, one long lines table, scoring
    main.get_by_text("Edit the options, their cost and benefit lines", exact=False).click()
    main.get_by_role("tab", name="Cost and benefit lines").click()
    wait_for_idle(page)
    expect(main.locator('[data-testid="stDataFrame"]:visible').first).to_be_visible()
    shot(page, "bvb-editors-lines")
    main.get_by_role("tab", name="Scoring").click()
    wait_for_idle(page)
    shot(page, "bvb-editors-scoring")
    assert_no_exception(page)

    with page.expect_download() as dl:
        main.get_by_role("button", name="Download scenario JSON").click()
    path = tmp_path / "scenario.json"
    dl.value.save_as(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    original = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert [o["name"] for o in saved["options"]] == [o["name"] for o in original["options"]]
    assert saved["seats"] == original["seats"]

    with page.expect_download() as dl2:
        main.get_by_role("button", name="Download results CSV").click()
    csv_path = tmp_path / "results.csv"
    dl2.value.save_as(csv_path)
    header = csv_path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert "npv_p50" in header
    assert "prob_best" in header

    # the downloaded scenario re-uploads to the same state: same verdict, same cards
    before = verdict.inner_text()
    cards_before = main.locator('[data-testid="stMetricValue"]').all_inner_texts()
    main.locator('[data-testid="stFileUploader"]').locator('input[type="file"]').set_input_files(
        str(path)
    )
    wait_for_idle(page, timeout_ms=60_000)
    expect(main.get_by_text("scenario.json", exact=False).first).to_be_visible()
    assert verdict.inner_text() == before
    assert main.locator('[data-testid="stMetricValue"]').all_inner_texts() == cards_before
    assert_no_exception(page)


def test_bad_upload_keeps_scenario_and_shows_located_errors(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    goto_page(page, app_url, "/build_vs_buy", timeout_ms=90_000)
    main = page.locator('[data-testid="stMain"]')
    bad = json.loads(SAMPLE.read_text(encoding="utf-8"))
    bad["horizon"] = -3
    bad["scoring"]["pairwise"][2][0] = 2
    f = tmp_path / "broken.json"
    f.write_text(json.dumps(bad), encoding="utf-8")
    main.locator('[data-testid="stFileUploader"]').locator('input[type="file"]').set_input_files(
        str(f)
    )
    wait_for_idle(page, timeout_ms=60_000)
    error = main.locator('[data-testid="stAlertContentError"]')
    expect(error).to_contain_text("broken.json:horizon")
    expect(error).to_contain_text("current scenario is unchanged")
    # the sample is still loaded and its results still shown
    expect(main.get_by_text("Sample: observability platform", exact=False)).to_be_visible()
    expect(main.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text("is best in")
    assert_no_exception(page)
    shot(page, "bvb-bad-upload")
