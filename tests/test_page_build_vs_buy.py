"""AppTest of the build-vs-buy page: sample → results equal the engine's; seat growth changes
the verdict consistently; a bad upload shows located errors and keeps the scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tpm_models.build_vs_buy import load_scenario, simulate
from tpm_models.estimates import Estimate
from ui import build_vs_buy as ui
from ui.common import escape_md

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "app_pages" / "build_vs_buy.py")
SAMPLE = ROOT / "sample_data" / "build_vs_buy" / "observability_platform.json"


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _verdict(at: AppTest) -> str:
    return str(at.success[0].value)


def _figures(at: AppTest) -> pd.DataFrame:
    frames = [d.value for d in at.dataframe if "npv_p50" in d.value.columns]
    assert len(frames) == 1
    return frames[0]


def test_sample_results_equal_the_engine(app: AppTest):
    assert any("Sample: observability platform" in m.value for m in app.markdown)
    engine = simulate(load_scenario(SAMPLE), iterations=ui.DEFAULT_TRIALS, rng=ui.DEFAULT_SEED)
    assert _verdict(app) == escape_md(engine.verdict())
    shown = _figures(app)
    expected = engine.summary()
    assert shown["option"].tolist() == expected["option"].tolist()
    for col in ("npv_p10", "npv_p50", "npv_p90", "npv_mean", "pv_costs", "tco_nominal", "roi"):
        assert shown[col].to_numpy() == pytest.approx(expected[col].to_numpy(), rel=1e-12)
    p50 = [m.value for m in app.metric if m.label == "NPV P50"]
    assert p50 == [ui.money(v, "USD") for v in expected["npv_p50"]]
    # the Excel note and five charts
    assert any("Excel's NPV" in i.value for i in app.info)
    assert len(app.get("vega_lite_chart")) == 5


def test_higher_seat_growth_changes_the_verdict_consistently(app: AppTest):
    before = _verdict(app)
    v = app.session_state[ui.STATE_KEY]["version"]
    # a manager changes only the most-likely growth (the sample's growth has no range)
    app.number_input(key=f"bvb_growth_likely_pct_{v}").set_value(45.0)
    app.button[[b.label for b in app.button].index("Apply and run")].click().run()
    assert not app.exception
    after = _verdict(app)
    assert after != before
    s = load_scenario(SAMPLE)
    assert s.seats is not None
    grown = s.model_copy(
        update={"seats": s.seats.model_copy(update={"growth": Estimate.fixed(0.45)})}
    )
    engine = simulate(grown, iterations=ui.DEFAULT_TRIALS, rng=ui.DEFAULT_SEED)
    assert after == escape_md(engine.verdict())
    # 45% growth is past the 22.5% break-even: build now beats Vendor A more often than not
    assert engine.prob_build_beats()["Vendor A (per seat)"] > 0.5
    shown = _figures(app)
    assert shown["npv_p50"].to_numpy() == pytest.approx(
        engine.summary()["npv_p50"].to_numpy(), rel=1e-12
    )


def test_bad_upload_shows_located_errors_and_keeps_the_scenario(app: AppTest):
    before = _verdict(app)
    bad = json.loads(SAMPLE.read_text(encoding="utf-8"))
    bad["horizon"] = -1
    bad["options"][0]["lines"][0]["values"] = [1, 2]
    del bad["options"][0]["lines"][0]["amount"]
    bad["scoring"]["scores"]["Vendor Z"] = [1, 2, 3, 4]
    app.session_state[ui.UPLOAD_KEY] = ("bad.json", json.dumps(bad).encode("utf-8"))
    app.run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert escape_md("bad.json:horizon") in errors  # errors are shown as escaped markdown
    assert escape_md("bad.json:scoring.scores.Vendor Z") in errors
    assert "current scenario is unchanged" in errors
    assert any("Sample: observability platform" in m.value for m in app.markdown)
    assert _verdict(app) == before


def test_good_upload_replaces_the_scenario(app: AppTest):
    payload = json.loads(SAMPLE.read_text(encoding="utf-8"))
    payload["options"] = payload["options"][:2]
    payload["scoring"]["scores"].pop("Vendor B (usage-based)")
    app.session_state[ui.UPLOAD_KEY] = ("two.json", json.dumps(payload).encode("utf-8"))
    app.run()
    assert not app.exception
    assert any(escape_md("two.json") in m.value for m in app.markdown)
    assert _figures(app)["option"].tolist() == ["Build (open source)", "Vendor A (per seat)"]
