"""Scenario ↔ editor tables: round trip, and bad cells located by table, row and column."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from tpm_models.build_vs_buy import load_scenario, parse_scenario
from tpm_models.build_vs_buy.tables import scenario_from_tables, scenario_to_tables
from tpm_models.errors import InputError

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "build_vs_buy"


def _sample_tables():  # type: ignore[no-untyped-def]
    return scenario_to_tables(load_scenario(SAMPLE / "observability_platform.json"))


def test_sample_round_trips_through_tables_and_json():
    s = load_scenario(SAMPLE / "observability_platform.json")
    again = scenario_from_tables(scenario_to_tables(s))
    assert again == s
    assert parse_scenario(again.to_json()) == s  # the page's download re-uploads to this state


def test_values_and_estimate_text_cells():
    t = _sample_tables()
    lines = t.lines.copy()
    lines.loc[0, "values"] = "250000/280000/520000; 0; 0; 0; 0; 0"
    options = t.options.copy()
    options.loc[1, "exit_cost"] = "100000/150000/300000"
    s = scenario_from_tables(dataclasses.replace(t, lines=lines, options=options))
    first = s.options[0].lines[0]
    assert first.values is not None
    assert first.values[0].likely == 280000
    assert first.values[1].likely == 0
    assert s.options[1].exit_cost is not None
    assert s.options[1].exit_cost.high == 300000


def test_bad_cells_are_located_by_table_row_and_column():
    t = _sample_tables()
    lines = t.lines.copy()
    lines.loc[2, "option"] = "Vendor Z"  # table row 4
    lines.loc[3, "values"] = "1; 2"  # wrong length, table row 5
    lines.loc[4, "low"] = 500000.0  # low > likely, table row 6
    options = t.options.copy()
    options.loc[0, "cost_of_delay"] = "lots"  # table row 2
    with pytest.raises(InputError) as info:
        scenario_from_tables(dataclasses.replace(t, lines=lines, options=options))
    got = {(p.source, p.row, p.column) for p in info.value.problems}
    assert ("options table", 2, "cost_of_delay") in got
    assert ("lines table", 4, "option") in got
    # cell problems are reported first; the scenario checks run once the cells parse
    lines.loc[2, "option"] = "Build (open source)"
    options.loc[0, "cost_of_delay"] = "50000"
    with pytest.raises(InputError) as info:
        scenario_from_tables(dataclasses.replace(t, lines=lines, options=options))
    got = {(p.source, p.row, p.column) for p in info.value.problems}
    assert got == {("lines table", 5, "values"), ("lines table", 6, "likely")}


def test_scores_and_pairwise_problems_are_located():
    t = _sample_tables()
    pairwise = t.pairwise.copy()
    pairwise.iloc[1, 0] = 5.0  # should be 1/2
    scores = t.scores.copy()
    scores.iloc[2, 2] = float("nan")
    with pytest.raises(InputError) as info:
        scenario_from_tables(dataclasses.replace(t, pairwise=pairwise, scores=scores))
    got = {(p.source, p.row, p.column) for p in info.value.problems}
    assert ("scores table", 4, "Feature fit") in got


def test_blank_lower_triangle_is_filled_with_reciprocals():
    t = _sample_tables()
    pairwise = t.pairwise.copy()
    for a in range(len(pairwise)):
        for b in range(a):
            pairwise.iloc[a, b] = float("nan")
    s = scenario_from_tables(dataclasses.replace(t, pairwise=pairwise))
    assert s.scoring is not None
    assert s.scoring.pairwise is not None
    assert s.scoring.pairwise[1][0] == pytest.approx(0.5)


def test_non_reciprocal_pairwise_reported_at_the_cell():
    t = _sample_tables()
    pairwise = t.pairwise.copy()
    pairwise.iloc[1, 0] = 5.0
    with pytest.raises(InputError) as info:
        scenario_from_tables(dataclasses.replace(t, pairwise=pairwise))
    p = info.value.problems[0]
    assert (p.source, p.column) == ("pairwise table", "pairwise[1][0]")
    assert "reciprocal" in p.message


def test_empty_rows_are_ignored():
    t = _sample_tables()
    blank = pd.DataFrame([{c: None for c in t.lines.columns}])
    lines = pd.concat([t.lines, blank], ignore_index=True)
    assert scenario_from_tables(dataclasses.replace(t, lines=lines)) == scenario_from_tables(t)


def test_fixed_growth_follows_the_most_likely_box():
    t = _sample_tables()
    settings = {**t.settings, "growth_likely": 0.4}  # low = high = 0.15: no range was given
    s = scenario_from_tables(dataclasses.replace(t, settings=settings))
    assert s.seats is not None
    assert s.seats.growth.is_degenerate
    assert s.seats.growth.likely == 0.4
    ranged = {**t.settings, "growth_low": 0.05, "growth_likely": 0.1, "growth_high": 0.3}
    s2 = scenario_from_tables(dataclasses.replace(t, settings=ranged))
    assert s2.seats is not None
    assert (s2.seats.growth.low, s2.seats.growth.high) == (0.05, 0.3)
    bad = {**t.settings, "growth_low": 0.2, "growth_likely": 0.1, "growth_high": 0.3}
    with pytest.raises(InputError) as info:
        scenario_from_tables(dataclasses.replace(t, settings=bad))
    p = info.value.problems[0]
    assert (p.source, p.column) == ("settings", "seats.growth")
    assert "low <= likely <= high" in p.message


def test_uncertain_seats_survive_the_tables_until_edited():
    payload = json.loads((SAMPLE / "observability_platform.json").read_text(encoding="utf-8"))
    payload["seats"]["initial"] = {"low": 200, "likely": 250, "high": 400}
    s = parse_scenario(payload)
    t = scenario_to_tables(s)
    assert scenario_from_tables(t) == s
    edited = scenario_from_tables(
        dataclasses.replace(t, settings={**t.settings, "seats_initial": 300})
    )
    assert edited.seats is not None
    assert edited.seats.initial.is_degenerate
    assert edited.seats.initial.likely == 300
