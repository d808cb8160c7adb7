"""Monte Carlo with common random numbers, ties, tornado, break-even, JSON payload."""

from __future__ import annotations

import copy
import importlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tpm_models.build_vs_buy import (
    break_even,
    break_even_variables,
    evaluate,
    load_scenario,
    parse_scenario,
    simulate,
)
from tpm_models.estimates import Estimate

# the package re-exports the function `simulate`, so fetch the module itself
sim = importlib.import_module("tpm_models.build_vs_buy.simulate")
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "build_vs_buy"
PERT = {"low": 80.0, "likely": 100.0, "high": 150.0, "distribution": "pert"}


def _scn(options: list[dict[str, Any]], **kw: Any) -> Any:
    payload: dict[str, Any] = {
        "schema_version": 1,
        "horizon": 3,
        "discount_rate": 0.1,
        "options": options,
    }
    payload.update(kw)
    return parse_scenario(payload)


def _opt(name: str, lines: list[dict[str, Any]], kind: str = "buy", **kw: Any) -> dict[str, Any]:
    return {"name": name, "kind": kind, "lines": lines, **kw}


def test_deterministic_inputs_every_percentile_is_the_point_value():
    s = _scn(
        [
            _opt("A", [{"name": "Gain", "kind": "benefit", "amount": 100}], "build"),
            _opt(
                "B",
                [
                    {"name": "Fee", "kind": "cost", "amount": 20, "per_seat": True},
                    {"name": "Gain", "kind": "benefit", "values": [0, 50, 50, 50]},
                ],
            ),
        ],
        seats={"initial": 3, "growth": 0.1},
    )
    r = simulate(s, iterations=500, rng=3)
    point = [o.npv for o in r.point.options]
    for q in (0, 10, 50, 90, 100):
        assert r.npv_percentiles(q).tolist() == pytest.approx(point, rel=1e-13, abs=1e-9)
    assert r.npv.mean(axis=1).tolist() == pytest.approx(point, rel=1e-13)
    assert r.prob_best.tolist() == [1.0, 0.0]
    assert r.prob_best_tied == 0.0


def test_identical_copy_is_a_tie_not_noise():
    gain = {"name": "Gain", "kind": "benefit", "amount": PERT, "per_seat": True}
    cost = {"name": "Run", "kind": "cost", "amount": {"low": 10, "likely": 20, "high": 60}}
    a = _opt("Vendor A", [gain, cost])
    s = _scn(
        [a, {**copy.deepcopy(a), "name": "Vendor A (copy)"}],
        seats={"initial": {"low": 5, "likely": 8, "high": 12}, "growth": 0.1},
    )
    r = simulate(s, iterations=20_000, rng=11)
    assert r.prob_best.tolist() == [0.0, 0.0]
    assert r.prob_best_tied == 1.0
    assert r.prob_beats[0, 1] == 0.0
    assert r.prob_beats[1, 0] == 0.0
    assert r.prob_tie[0, 1] == 1.0
    assert np.array_equal(r.npv[0], r.npv[1])
    assert "tie for best in 100% of trials" in r.verdict()
    payload = r.to_json_dict()
    assert payload["prob_best"] == {"Vendor A": 0.0, "Vendor A (copy)": 0.0}
    assert payload["prob_best_tied"] == 1.0


def test_copy_among_other_options_still_ties_and_shares_sum_to_one():
    gain = {"name": "Gain", "kind": "benefit", "amount": PERT}
    other = _opt("Other", [{"name": "Gain2", "kind": "benefit", "amount": PERT}], "build")
    a = _opt("A", [gain])
    s = _scn([other, a, {**a, "name": "A2"}])
    r = simulate(s, iterations=20_000, rng=5)
    # A and A2 are always equal, so whenever they lead it is a tie; Other wins the rest
    assert r.prob_best[1] == 0.0
    assert r.prob_best[2] == 0.0
    assert r.prob_best[0] + r.prob_best_tied == pytest.approx(1.0, abs=1e-12)
    # Other vs A are independent draws of the same distribution: about half each
    se = math.sqrt(0.25 / 20_000)
    assert abs(r.prob_beats[0, 1] - 0.5) < 4 * se


def test_shared_assumption_gets_the_same_draw():
    s = _scn(
        [
            _opt(
                "Build",
                [{"name": "Hours", "kind": "benefit", "amount": PERT, "assumption": "h"}],
                "build",
            ),
            _opt(
                "Buy",
                [
                    {
                        "name": "Time saved",
                        "kind": "benefit",
                        "amount": {"low": 160, "likely": 200, "high": 300},
                        "assumption": "h",
                    }
                ],
            ),
        ]
    )
    r = simulate(s, iterations=5_000, rng=2)
    # same uniform, estimate scaled by 2 -> NPV exactly doubles trial by trial
    assert r.npv[1] == pytest.approx(2 * r.npv[0], rel=1e-9)
    assert r.prob_beats[1, 0] == 1.0


def test_probability_of_beating_matches_closed_form():
    # A: uniform(0, 100) at t=0; B: fixed 50 -> P(A > B) = 1/2 and E[NPV_A] = 50
    s = _scn(
        [
            _opt(
                "A",
                [
                    {
                        "name": "X",
                        "kind": "benefit",
                        "amount": {"low": 0, "likely": 50, "high": 100, "distribution": "uniform"},
                        "start": 0,
                        "end": 0,
                    }
                ],
                "build",
            ),
            _opt("B", [{"name": "Y", "kind": "benefit", "amount": 50, "start": 0, "end": 0}]),
        ]
    )
    n = 40_000
    r = simulate(s, iterations=n, rng=7)
    assert abs(r.prob_beats[0, 1] - 0.5) < 4 * math.sqrt(0.25 / n)
    se_mean = 100 / math.sqrt(12) / math.sqrt(n)
    assert abs(r.npv[0].mean() - 50) < 4 * se_mean
    assert r.prob_build_beats() == {"B": pytest.approx(r.prob_beats[0, 1])}


def test_mean_npv_matches_pert_mean():
    e = Estimate(**PERT)
    s = _scn([_opt("A", [{"name": "G", "kind": "benefit", "amount": PERT}])])
    n = 40_000
    r = simulate(s, iterations=n, rng=9)
    factor = sum(1.1**-t for t in (1, 2, 3))
    assert abs(r.npv[0].mean() - e.mean * factor) < 4 * e.std * factor / math.sqrt(n)


def test_same_seed_same_result_whatever_the_chunking(monkeypatch: pytest.MonkeyPatch):
    s = load_scenario(SAMPLE / "observability_platform.json")
    a = simulate(s, iterations=3_000, rng=42)
    monkeypatch.setattr(sim, "_CHUNK", 700)
    b = simulate(s, iterations=3_000, rng=42)
    # the same uniforms feed both runs, through the same per-row sampler: bit-identical
    assert np.array_equal(a.npv, b.npv)
    assert np.array_equal(a.prob_best, b.prob_best)
    c = simulate(s, iterations=3_000, rng=42)
    assert np.array_equal(b.npv, c.npv)  # same seed, same chunking: identical


def test_tornado_hand_worked():
    # leader A: fixed 100 benefit at t=0; runner-up B: benefit ~ triangular(40, 60, 110) at t=0
    tri = {"low": 40, "likely": 60, "high": 110, "distribution": "triangular"}
    s = _scn(
        [
            _opt("A", [{"name": "a", "kind": "benefit", "amount": 100, "start": 0, "end": 0}]),
            _opt(
                "B",
                [
                    {"name": "b", "kind": "benefit", "amount": tri, "start": 0, "end": 0},
                    {
                        "name": "c",
                        "kind": "cost",
                        "amount": {"low": 0, "likely": 1, "high": 2, "distribution": "uniform"},
                        "start": 0,
                        "end": 0,
                    },
                ],
            ),
        ]
    )
    r = simulate(s, iterations=2_000, rng=1)
    t = r.tornado
    assert t is not None
    assert (t.leader, t.runner_up) == ("A", "B")
    assert t.base_difference == pytest.approx(100 - 60 + 1)
    top = t.frame.iloc[0]
    p10 = float(Estimate(**tri).ppf(0.1))
    p90 = float(Estimate(**tri).ppf(0.9))
    assert top["input"] == "B · b"
    assert top["difference_at_low"] == pytest.approx(100 - p10 + 1)
    assert top["difference_at_high"] == pytest.approx(100 - p90 + 1)
    assert top["swing"] == pytest.approx(p90 - p10)
    second = t.frame.iloc[1]
    assert second["swing"] == pytest.approx(1.6)  # uniform(0, 2): P90 - P10
    assert not t.frame["flips"].any()


def test_break_even_discount_rate_and_line_amount():
    s = _scn(
        [
            _opt(
                "Project",
                [{"name": "Payoff", "kind": "benefit", "values": [-100, 0, 121, 0]}],
                "build",
            ),
            _opt("Nothing", []),
        ],
        horizon=3,
    )
    be = break_even(s, "discount_rate", "Project", "Nothing")
    assert be.break_even == pytest.approx(0.10, abs=1e-10)  # (1 + r)^2 = 1.21
    assert "tie when" in be.message
    s2 = _scn(
        [
            _opt(
                "Build",
                [{"name": "Dev", "kind": "cost", "amount": 1000, "start": 0, "end": 0}],
                "build",
            ),
            _opt("Buy", [{"name": "Licence", "kind": "cost", "amount": 50, "per_seat": True}]),
        ],
        horizon=1,
        discount_rate=0.0,
        seats={"initial": 10},
    )
    assert break_even_variables(s2)["line:1:0"] == "Buy · Licence (amount per seat)"
    be2 = break_even(s2, "line:1:0", "Build", "Buy")
    assert be2.break_even == pytest.approx(100.0)  # 100 a seat × 10 seats = the 1,000 build
    be3 = break_even(s2, "seats.initial", "Build", "Buy", low=0, high=5)
    assert be3.break_even is None
    assert be3.message.startswith("No break-even in range")


def test_sample_verdict_follows_seat_growth_and_break_even():
    s = load_scenario(SAMPLE / "observability_platform.json")
    r = simulate(s, iterations=4_000, rng=1)
    assert r.option_names[int(np.argmax(r.prob_best))] == "Vendor A (per seat)"
    be = break_even(s, "seats.growth", "Build (open source)", "Vendor A (per seat)")
    assert be.break_even is not None
    assert be.break_even > s.seats.growth.likely  # type: ignore[union-attr]
    above = s.model_copy(
        update={"seats": s.seats.model_copy(update={"growth": Estimate.fixed(be.break_even + 0.1)})}  # type: ignore[union-attr]
    )
    p = {o.name: o.npv for o in evaluate(above).options}
    assert p["Build (open source)"] > p["Vendor A (per seat)"]
    r2 = simulate(above, iterations=4_000, rng=1)
    assert r2.prob_beats[0, 1] > r.prob_beats[0, 1]


def test_json_payload_keys_and_nulls():
    s = load_scenario(SAMPLE / "observability_platform.json")
    payload = simulate(s, iterations=2_000, rng=1).to_json_dict()
    text = json.dumps(payload, allow_nan=False)  # NaN must have become null
    back = json.loads(text)
    opt = back["options"][0]
    for key in ("name", "pv_costs", "pv_benefits", "npv", "roi", "irr", "payback_period", "tco"):
        assert key in opt
    assert set(opt["npv"]) >= {"mean", "p10", "p50", "p90"}
    assert set(back["prob_best"]) == {o["name"] for o in back["options"]}
    assert sum(back["prob_best"].values()) + back["prob_best_tied"] == pytest.approx(1.0)
    assert set(back["scoring"]) >= {"weights", "consistency_ratio", "scores"}
    assert back["scoring"]["consistency_ratio"] < 0.1


def test_json_payload_undefined_payback_and_irr_are_null():
    s = parse_scenario(
        {
            "schema_version": 1,
            "horizon": 3,
            "discount_rate": 0.1,
            "options": [
                {
                    "name": "Cost only",
                    "kind": "build",
                    "lines": [{"name": "Run", "kind": "cost", "amount": 10, "start": 0}],
                },
                {
                    "name": "Gain",
                    "kind": "buy",
                    "lines": [{"name": "Gain", "kind": "benefit", "amount": 5}],
                },
            ],
        }
    )
    back = json.loads(
        json.dumps(simulate(s, iterations=100, rng=1).to_json_dict(), allow_nan=False)
    )
    cost_only = back["options"][0]
    assert cost_only["payback_period"] is None  # never pays back
    assert cost_only["irr"] is None  # cash flows never change sign


def test_histogram_is_pre_binned_on_common_edges():
    s = load_scenario(SAMPLE / "observability_platform.json")
    r = simulate(s, iterations=2_000, rng=1)
    h = r.npv_histogram(bins=30)
    assert len(h) == 3 * 30
    assert h.groupby("option")["share"].sum().tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_percentile_standard_error_matches_the_normal_closed_form():
    # one normal benefit at t=0: the P50 of n draws has SE = σ·√(π/2)/√n
    sigma = 100 / (2 * 1.6448536269514722)
    s = _scn(
        [
            _opt(
                "A",
                [
                    {
                        "name": "X",
                        "kind": "benefit",
                        "amount": {"low": 0, "likely": 50, "high": 100, "distribution": "normal"},
                        "start": 0,
                        "end": 0,
                    }
                ],
            )
        ]
    )
    n = 40_000
    r = simulate(s, iterations=n, rng=4)
    expected = sigma * math.sqrt(math.pi / 2) / math.sqrt(n)
    # the estimate is a spacing of m = 2·√(n·p(1−p)) = 200 order statistics, whose relative
    # standard error is about 1/√m; allow 4 of those
    m = 2 * math.sqrt(n * 0.25)
    assert r.npv_percentile_se(50)[0] == pytest.approx(expected, rel=4 / math.sqrt(m))
    payload = r.to_json_dict()
    assert payload["options"][0]["npv"]["se_p50"] == pytest.approx(r.npv_percentile_se(50)[0])
