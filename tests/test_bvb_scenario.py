"""Scenario validation: every bad value is reported with its JSON path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tpm_models.build_vs_buy import Scenario, load_scenario, parse_scenario
from tpm_models.errors import InputError

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "build_vs_buy"

GOOD: dict[str, Any] = {
    "schema_version": 1,
    "period": "year",
    "horizon": 3,
    "discount_rate": 0.10,
    "seats": {"initial": 200, "growth": 0.10},
    "options": [
        {
            "name": "Vendor A",
            "kind": "buy",
            "lines": [
                {"name": "Implementation", "kind": "cost", "values": [50000, 0, 0, 0]},
                {
                    "name": "Licences",
                    "kind": "cost",
                    "amount": 300,
                    "per_seat": True,
                    "start": 1,
                    "end": 3,
                    "escalation": 0.05,
                },
                {
                    "name": "Hours saved",
                    "kind": "benefit",
                    "amount": {
                        "low": 80000,
                        "likely": 120000,
                        "high": 150000,
                        "distribution": "pert",
                    },
                    "start": 1,
                    "end": 3,
                },
            ],
        }
    ],
    "scoring": {
        "criteria": ["Security", "Fit", "Lock-in"],
        "pairwise": [[1, 3, 5], [0.333, 1, 2], [0.2, 0.5, 1]],
        "scores": {"Vendor A": [7, 8, 5]},
    },
}


def _bad(mutate: Any) -> list[tuple[str | None, str]]:
    payload = copy.deepcopy(GOOD)
    mutate(payload)
    with pytest.raises(InputError) as info:
        parse_scenario(payload, source="s.json")
    assert all(p.source == "s.json" for p in info.value.problems)
    return [(p.column, p.message) for p in info.value.problems]


def test_design_example_parses_and_round_trips():
    s = parse_scenario(GOOD)
    again = parse_scenario(json.loads(s.to_json()))
    assert again == s
    # numbers stay numbers and estimates stay estimates in the JSON written back
    out = json.loads(s.to_json())
    assert out["options"][0]["lines"][1]["amount"] == 300
    assert out["options"][0]["lines"][2]["amount"]["likely"] == 120000


def test_negative_horizon_is_located():
    problems = _bad(lambda p: p.update(horizon=-2))
    assert ("horizon", "Input should be greater than or equal to 1") in problems


def test_values_of_wrong_length_are_located():
    def mutate(p: dict[str, Any]) -> None:
        p["options"][0]["lines"][0]["values"] = [1, 2]

    problems = _bad(mutate)
    assert problems == [
        ("options[0].lines[0].values", "has 2 entries; need 4 (one per period 0..3)")
    ]


def test_unknown_option_in_scores_is_located():
    def mutate(p: dict[str, Any]) -> None:
        p["scoring"]["scores"]["Vendor Z"] = [1, 2, 3]

    problems = _bad(mutate)
    assert len(problems) == 1
    col, msg = problems[0]
    assert col == "scoring.scores.Vendor Z"
    assert "no option named 'Vendor Z'" in msg
    assert "'Vendor A'" in msg


def test_non_reciprocal_pairwise_is_located_at_the_cell():
    def mutate(p: dict[str, Any]) -> None:
        p["scoring"]["pairwise"][2][0] = 0.5  # should be 1/5

    problems = _bad(mutate)
    assert len(problems) == 1
    col, msg = problems[0]
    assert col == "scoring.pairwise[2][0]"
    assert "reciprocal of pairwise[0][2] = 5" in msg
    assert "0.2" in msg


def test_pairwise_diagonal_and_shape():
    def diag(p: dict[str, Any]) -> None:
        p["scoring"]["pairwise"][1][1] = 2

    assert _bad(diag)[0][0] == "scoring.pairwise[1][1]"

    def shape(p: dict[str, Any]) -> None:
        p["scoring"]["pairwise"] = [[1, 2], [0.5, 1]]

    assert _bad(shape)[0][0] == "scoring.pairwise"


def test_unknown_schema_version_is_located():
    problems = _bad(lambda p: p.update(schema_version=2))
    assert problems == [
        (
            "schema_version",
            "unknown schema_version 2: this app reads schema_version 1; the file was written by "
            "a newer version of TPM Decision Lab, so upgrade the app to open it",
        )
    ]


def test_many_problems_are_reported_together():
    def mutate(p: dict[str, Any]) -> None:
        p["options"][0]["lines"][1]["end"] = 9
        p["options"][0]["lines"][2]["amount"] = {"low": 5, "likely": 3, "high": 4}
        p["options"].append(copy.deepcopy(p["options"][0]))

    cols = [c for c, _ in _bad(mutate)]
    assert "options[0].lines[2].amount" in cols
    assert "options[1].lines[2].amount" in cols


def test_cross_checks_after_field_checks():
    def mutate(p: dict[str, Any]) -> None:
        p["options"][0]["lines"][1]["end"] = 9
        p["options"][0]["lines"][0]["values"] = [1]
        p["options"].append(copy.deepcopy(p["options"][0]))

    cols = [c for c, _ in _bad(mutate)]
    assert cols == [
        "options[0].lines[0].values",
        "options[0].lines[1].end",
        "options[1].name",
        "options[1].lines[0].values",
        "options[1].lines[1].end",
    ]


def test_line_needs_values_or_amount_and_per_seat_needs_seats():
    def both(p: dict[str, Any]) -> None:
        p["options"][0]["lines"][0]["amount"] = 5

    col, msg = _bad(both)[0]
    assert col == "options[0].lines[0]"
    assert "either `values`" in msg

    def no_seats(p: dict[str, Any]) -> None:
        del p["seats"]

    assert _bad(no_seats) == [
        ("options[0].lines[1].per_seat", "a per-seat line needs `seats` in the scenario")
    ]


def test_unknown_field_and_bad_kind():
    def mutate(p: dict[str, Any]) -> None:
        p["options"][0]["lines"][0]["colour"] = "red"
        p["options"][0]["lines"][1]["kind"] = "expense"

    cols = dict(_bad(mutate))
    assert cols["options[0].lines[0].colour"] == "is not a known field (check the spelling)"
    assert "options[0].lines[1].kind" in cols


def test_direct_construction_still_checks():
    payload = copy.deepcopy(GOOD)
    payload["options"][0]["lines"][0]["values"] = [1]
    with pytest.raises(ValueError, match=r"options\[0\]\.lines\[0\]\.values"):
        Scenario.model_validate(payload)


def test_load_scenario_file_errors_name_the_file(tmp_path: Path):
    f = tmp_path / "bad.json"
    f.write_text('{"schema_version": 1, "horizon": 3,', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(f)
    assert info.value.problems[0].source == "bad.json"
    assert "not valid JSON" in info.value.problems[0].message
    payload = copy.deepcopy(GOOD)
    payload["horizon"] = 0
    f.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(f)
    assert info.value.problems[0].location() == "bad.json:horizon"


def test_sample_scenario_loads():
    s = load_scenario(SAMPLE / "observability_platform.json")
    assert s.period == "year"
    assert s.horizon == 5
    assert [o.kind for o in s.options] == ["build", "buy", "buy"]
    assert "illustrative" in s.description.lower()
    assert s.scoring is not None
    assert s.scoring.pairwise is not None
