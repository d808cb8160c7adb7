"""The team-capacity page in a real browser: sample answer, charts with data, solver, downloads.

Screenshots go to ``test-artifacts/screenshots/capacity-*.png``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.helpers import REPO_ROOT, assert_no_exception, goto_page, shot, wait_for_idle

SAMPLE = REPO_ROOT / "sample_data" / "capacity" / "engineering_org.json"
#: total fan, probability, role fan, headcount, cumulative (in an expander), plan comparison
N_CHARTS = 6


def _metric(page: Page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def _open(page: Page, app_url: str) -> None:
    goto_page(page, app_url, "/", timeout_ms=90_000)
    page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name=re.compile("Team capacity")
    ).click()
    page.wait_for_url(re.compile(r"/team_capacity/?$"))
    wait_for_idle(page, timeout_ms=90_000)


def test_sample_answer_charts_and_solver(page: Page, app_url: str) -> None:
    _open(page, app_url)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(re.compile(r"Sample data"))).to_be_visible()
    expect(main.get_by_text(re.compile(r"With the current plan there is a \d+% chance")).first)
    assert re.fullmatch(r"\d+%", _metric(page, "Current plan"))
    assert re.fullmatch(r"\d+%", _metric(page, "With the solver's hires"))
    assert re.fullmatch(r"\d+", _metric(page, "Extra hires needed"))

    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(N_CHARTS, timeout=30_000)
    for k in range(N_CHARTS):
        chart = charts.nth(k)
        if not chart.is_visible():  # the cumulative chart sits in a closed expander
            continue
        chart.scroll_into_view_if_needed()
        drawn = chart.locator("canvas, svg.marks").first
        expect(drawn).to_be_visible(timeout=15_000)
        box = drawn.bounding_box()
        assert box is not None, k
        assert box["width"] > 300, k
        assert box["height"] > 200, k
    # the charts carry data: the fan chart's band and lines cover a good share of its pixels
    rgb = np.asarray(Image.open(io.BytesIO(charts.first.screenshot())).convert("RGB"), dtype=int)
    inked = (rgb.min(axis=2) < 235).mean()
    assert inked > 0.08, inked
    # the P10–P90 band (#56B4E9 at 35% on white) is drawn
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    assert ((abs(r - 200) < 30) & (abs(g - 230) < 25) & (b > 235)).sum() > 500
    shot(page, "capacity-sample")

    # solver panel: a stricter target changes the plan and the answer
    before = _metric(page, "With the solver's hires")
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Target confidence")
    slider.scroll_into_view_if_needed()
    thumb = slider.get_by_role("slider")
    thumb.focus()
    for _ in range(10):
        thumb.press("ArrowRight")
    page.get_by_role("button", name="Find hiring plan").click()
    wait_for_idle(page, timeout_ms=90_000)
    success = main.locator('[data-testid="stAlertContentSuccess"]').first
    expect(success).to_contain_text("hire")
    after = _metric(page, "With the solver's hires")
    assert int(after.rstrip("%")) >= 90
    assert after != before
    assert_no_exception(page)
    shot(page, "capacity-solver")


def test_bad_upload_is_located_and_good_upload_answers(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    _open(page, app_url)
    data = json.loads(SAMPLE.read_text())
    data["hires"][0]["role"] = "Mobile"
    bad = tmp_path / "bad_team.json"
    bad.write_text(json.dumps(data))
    uploader = page.locator('[data-testid="stFileUploader"]').first
    uploader.locator('input[type="file"]').set_input_files(str(bad))
    wait_for_idle(page, timeout_ms=60_000)
    alert = page.locator('[data-testid="stAlertContentError"]').first
    expect(alert).to_contain_text("bad_team.json:hires[0].role")
    expect(alert).to_contain_text("unknown role 'Mobile'")
    assert_no_exception(page)
    shot(page, "capacity-bad-upload")

    data = json.loads(SAMPLE.read_text())
    data["roles"][0]["headcount"] = 20
    good = tmp_path / "bigger_team.json"
    good.write_text(json.dumps(data))
    uploader.locator('input[type="file"]').set_input_files(str(good))
    wait_for_idle(page, timeout_ms=90_000)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("Scenario loaded from bigger_team.json")).to_be_visible()
    expect(page.locator('[data-testid="stAlertContentError"]')).to_have_count(0)
    assert_no_exception(page)


def test_downloads_results_csv_and_scenario_json(page: Page, app_url: str) -> None:
    goto_page(page, app_url, "/team_capacity", timeout_ms=90_000)
    button = page.get_by_role("button", name=re.compile(r"Results by month \(CSV\)"))
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "capacity_results.csv"
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["role"] for r in rows} == {"Backend", "Frontend", "Data", "QA/SRE", "Total"}
    assert sum(r["role"] == "Total" for r in rows) == 24
    assert 0 <= float(rows[0]["prob_meets_demand"]) <= 1

    button = page.get_by_role("button", name=re.compile(r"Scenario \(JSON\)"))
    with page.expect_download() as info:
        button.click()
    scenario = json.loads(Path(info.value.path()).read_text())
    assert scenario == {**scenario, "schema_version": 1, "start_month": "2027-01", "months": 24}
    assert sum(r["headcount"] for r in scenario["roles"]) == 35
    assert_no_exception(page)
