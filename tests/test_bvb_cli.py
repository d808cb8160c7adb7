"""``tpm build-vs-buy``: JSON keys, text output, exit 2 with located errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tpm_models.build_vs_buy import load_scenario, simulate
from tpm_models.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "build_vs_buy"
SCENARIO = SAMPLE / "observability_platform.json"


def test_json_output_matches_the_engine(capsys: pytest.CaptureFixture[str]):
    code = main(["build-vs-buy", str(SCENARIO), "--iterations", "3000", "--seed", "5", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    r = simulate(load_scenario(SCENARIO), iterations=3000, rng=5)
    assert [o["name"] for o in out["options"]] == r.option_names
    pct = r.npv_percentiles([10, 50, 90])
    for i, o in enumerate(out["options"]):
        assert set(o) >= {"name", "pv_costs", "pv_benefits", "npv", "roi", "irr"}
        assert set(o) >= {"payback_period", "tco"}
        assert o["npv"]["p10"] == pytest.approx(pct[i, 0])
        assert o["npv"]["p50"] == pytest.approx(pct[i, 1])
        assert o["npv"]["p90"] == pytest.approx(pct[i, 2])
        assert o["npv"]["mean"] == pytest.approx(float(np.mean(r.npv[i])))
        assert o["pv_costs"] == pytest.approx(r.point.options[i].pv_costs)
        assert o["tco"] == pytest.approx(r.point.options[i].tco_nominal)
    assert out["prob_best"] == pytest.approx(dict(zip(r.option_names, r.prob_best, strict=True)))
    assert set(out["scoring"]) >= {"weights", "consistency_ratio", "scores"}
    assert out["seed"] == 5


def test_text_output_has_table_verdict_and_excel_note(capsys: pytest.CaptureFixture[str]):
    args = ["build-vs-buy", str(SCENARIO), "--iterations", "2000", "--seed", "1"]
    code = main([*args, "--break-even", "seats.growth"])
    assert code == 0
    text = capsys.readouterr().out
    assert "NPV P50" in text
    assert "is best in" in text
    assert "Excel's NPV(r, v1..vn)" in text
    # build vs the best other option, as on the page
    assert (
        "Build (open source) and Vendor A (per seat) tie when Seat growth (a year) = 22.5%" in text
    )


def test_bad_scenario_exits_2_with_located_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    payload = json.loads(SCENARIO.read_text(encoding="utf-8"))
    payload["horizon"] = -1
    payload["scoring"]["pairwise"][1][0] = 3
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(payload), encoding="utf-8")
    assert main(["build-vs-buy", str(bad), "--json"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "error: bad.json:horizon: Input should be greater than or equal to 1" in err


def test_cross_field_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    payload = json.loads(SCENARIO.read_text(encoding="utf-8"))
    payload["scoring"]["pairwise"][1][0] = 3
    payload["scoring"]["scores"]["Vendor C"] = [1, 2, 3, 4]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(payload), encoding="utf-8")
    assert main(["build-vs-buy", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "error: bad.json:scoring.pairwise[1][0]: must be the reciprocal" in err
    assert "error: bad.json:scoring.scores.Vendor C: no option named 'Vendor C'" in err


def test_missing_file_and_bad_flags_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["build-vs-buy", str(tmp_path / "nope.json")]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["build-vs-buy", str(SCENARIO), "--break-even", "colour"]) == 2
    assert "error: --break-even: unknown input 'colour'" in capsys.readouterr().err
    assert main(["build-vs-buy", str(SCENARIO), "--iterations", "0"]) == 2
