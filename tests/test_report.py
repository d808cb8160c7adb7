"""HTML reports (``tpm_models.report``): headline figures read back equal the engine's, no
external references, user text escaped, one sentence answers."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tpm_models import report
from tpm_models.build_vs_buy import load_scenario as load_bvb
from tpm_models.build_vs_buy import parse_scenario
from tpm_models.build_vs_buy import simulate as simulate_bvb
from tpm_models.calendar import WorkCalendar
from tpm_models.delivery_forecast import (
    HEADLINE_LEVELS,
    Backlog,
    ForecastInputs,
    period_samples,
    read_history,
    simulate_forecast,
)
from tpm_models.schedule_risk import load_schedule, simulate_schedule
from tpm_models.team_capacity import load_scenario as load_capacity
from tpm_models.team_capacity import simulate_capacity

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
EVIL = '<script>alert("x")</script> & "quotes"'


class Parsed(HTMLParser):
    """Collects what the tests check: figures, title, headline text, tags and their URLs."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: dict[str, str] = {}
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.script_tags = 0
        self.svgs = 0
        self._in: list[str] = []
        self.text: dict[str, str] = {"title": "", "h1": "", "headline": ""}
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "script":
            self.script_tags += 1
        if tag == "svg":
            self.svgs += 1
        for name in ("src", "href", "xlink:href", "action", "srcset", "data"):
            if a.get(name):
                self.urls.append(str(a[name]))
        if "data-key" in a:
            self.figures[str(a["data-key"])] = str(a.get("data-value"))
        if tag in ("title", "h1") or a.get("id") == "headline":
            self._in.append("headline" if a.get("id") == "headline" else tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in and tag in ("title", "h1", "p"):
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in:
            self.text[self._in[-1]] += data


def assert_offline(page: str) -> Parsed:
    """No script, no external URL in any src/href, no CSS url(), no @import; charts inline."""
    parsed = Parsed(page)
    assert parsed.script_tags == 0
    assert "<script src" not in page.lower()
    assert not [u for u in parsed.urls if re.match(r"\s*(https?:)?//", u, re.IGNORECASE)]
    assert "url(" not in page.lower()
    assert "@import" not in page.lower()
    assert "could not be drawn" not in page
    assert parsed.svgs >= 3
    return parsed


# --- schedule ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def schedule_result():  # type: ignore[no-untyped-def]
    s = SAMPLE / "schedule"
    inputs = load_schedule(
        s / "tasks.csv",
        risks=s / "risks.csv",
        correlations=s / "correlations.csv",
        holidays=s / "holidays.csv",
        start_date=dt.date(2027, 1, 4),
    )
    return simulate_schedule(inputs, iterations=2_000, rng=11)


def test_schedule_report_figures_equal_the_engine(schedule_result) -> None:  # type: ignore[no-untyped-def]
    deadline = dt.date(2027, 6, 1)
    page = report.schedule_report(schedule_result, title=EVIL, deadline=deadline)
    parsed = assert_offline(page)
    for q in (10, 50, 80, 90, 95):
        assert float(parsed.figures[f"p{q}_days"]) == pytest.approx(
            schedule_result.percentile(q), abs=1e-6
        )
        assert parsed.figures[f"p{q}_date"] == schedule_result.finish_date(q).isoformat()
    p = schedule_result.deadline_probability(deadline)
    assert float(parsed.figures["deadline_probability"]) == pytest.approx(p, abs=1e-6)
    # the sentence carries the same P80 date and deadline chance
    p80 = schedule_result.finish_date(80)
    sentence = parsed.text["headline"]
    assert f"80% likely to finish by {p80.day} {p80:%b %Y}" in sentence
    assert f"the 1 Jun 2027 deadline has a {p:.0%} chance" in sentence
    # user text escaped: the title is text, never markup
    assert parsed.text["title"] == EVIL
    assert parsed.text["h1"] == EVIL
    assert "<script>alert" not in page
    assert html.escape(EVIL) in page
    # seed and trial count for reproducibility
    assert "2,000 trials" in page
    assert "seed 11" in page


def test_schedule_report_escapes_task_and_risk_names() -> None:
    tasks = (
        "id,name,low,likely,high,predecessors\n"
        f'A,"{EVIL.replace(chr(34), chr(34) * 2)}",1,2,4,\nB,<img src=x onerror=1>,2,3,5,A\n'
    )
    inputs = load_schedule(tasks.encode(), start_date="2027-01-04")
    page = report.schedule_report(simulate_schedule(inputs, iterations=300, rng=1))
    assert_offline(page)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=1&gt;" in page


def test_schedule_figures_are_json_safe(schedule_result) -> None:  # type: ignore[no-untyped-def]
    figs = report.schedule_figures(schedule_result, dt.date(2027, 6, 1))
    assert figs["p80_date"] == schedule_result.finish_date(80).isoformat()
    assert set(report.figures_for("schedule", schedule_result, {"deadline": "2027-06-01"})) == set(
        figs
    )


# --- forecast ------------------------------------------------------------------------------------
def _forecast_inputs() -> ForecastInputs:
    history = read_history(SAMPLE / "forecast" / "jira-export.csv")
    daily = history.history() if hasattr(history, "history") else history
    samples = period_samples(daily, "day", WorkCalendar())
    start = daily.last_date + dt.timedelta(days=1)
    return ForecastInputs(
        throughput_per_period=samples,
        period="day",
        start_date=start,
        backlog=Backlog(low_items=100, high_items=130, split_low=1.0, split_high=1.2),
        target_date=start + dt.timedelta(days=60),
    )


def test_forecast_report_figures_equal_the_engine() -> None:
    result = simulate_forecast(_forecast_inputs(), iterations=2_000, rng=5)
    page = report.forecast_report(result, title=EVIL, seed=5, source=EVIL)
    parsed = assert_offline(page)
    for lv in HEADLINE_LEVELS:
        assert parsed.figures[f"when_p{lv}_date"] == result.when_date(lv).isoformat()
        assert int(parsed.figures[f"how_many_p{lv}"]) == result.how_many_at(lv)
    d = result.when_date(85)
    assert f"by {d.day} {d:%b %Y}" in parsed.text["headline"]
    assert f"at least {result.how_many_at(85)} items" in parsed.text["headline"]
    assert "<script>alert" not in page
    assert "seed 5" in page


# --- build vs buy --------------------------------------------------------------------------------
def test_build_vs_buy_report_figures_equal_the_engine() -> None:
    scenario = load_bvb(SAMPLE / "build_vs_buy" / "observability_platform.json")
    result = simulate_bvb(scenario, iterations=2_000, rng=3)
    page = report.build_vs_buy_report(result, seed=3)
    parsed = assert_offline(page)
    p50 = result.npv_percentiles(50)
    for i in range(len(result.option_names)):
        assert float(parsed.figures[f"npv_p50.{i}"]) == pytest.approx(float(p50[i]), abs=0.01)
        assert float(parsed.figures[f"prob_best.{i}"]) == pytest.approx(
            float(result.prob_best[i]), abs=1e-6
        )
    assert parsed.text["headline"] == result.verdict()
    figs = report.build_vs_buy_figures(result)
    assert set(figs["options"]) == set(result.option_names)


def test_build_vs_buy_option_names_escaped() -> None:
    scenario = parse_scenario(
        {
            "schema_version": 1,
            "title": EVIL,
            "horizon": 2,
            "discount_rate": 0.1,
            "options": [
                {
                    "name": "<b>Build</b>",
                    "kind": "build",
                    "lines": [
                        {"name": "<i>Dev</i>", "kind": "cost", "values": [100, 10, 10]},
                        {
                            "name": "Gain",
                            "kind": "benefit",
                            "amount": {"low": 40, "likely": 60, "high": 90},
                            "start": 1,
                            "end": 2,
                        },
                    ],
                },
                {
                    "name": "Buy <script>",
                    "kind": "buy",
                    "lines": [{"name": "Fee", "kind": "cost", "values": [0, 50, 50]}],
                },
            ],
        }
    )
    page = report.build_vs_buy_report(simulate_bvb(scenario, iterations=500, rng=1))
    parsed = assert_offline(page)
    assert parsed.text["h1"] == EVIL
    for raw in ("<b>Build</b>", "<i>Dev</i>", "Buy <script>", "<script>alert"):
        assert raw not in page
    assert "&lt;b&gt;Build&lt;/b&gt;" in page


# --- capacity ------------------------------------------------------------------------------------
def test_capacity_report_figures_equal_the_engine() -> None:
    sc = load_capacity(SAMPLE / "capacity" / "engineering_org.json")
    sc = sc.model_copy(update={"name": EVIL})
    result = simulate_capacity(sc, iterations=2_000, rng=2)
    page = report.capacity_report(result, seed=2)
    parsed = assert_offline(page)
    target = sc.solver.target_month or sc.start_month
    until = sc.solver.until_month or sc.end_month
    p = result.min_prob_meets(target, until)
    assert float(parsed.figures["min_prob_meets_demand"]) == pytest.approx(p, abs=1e-6)
    assert parsed.figures["worst_month"] == result.worst_month(target, until)
    assert f"chance of meeting demand is at least {p:.0%}" in parsed.text["headline"]
    assert parsed.text["h1"] == EVIL
    assert "<script>alert" not in page
    figs = report.capacity_figures(result)
    assert figs["min_prob_meets_demand"] == pytest.approx(p, abs=1e-6)


def test_summary_frame_flattens_nested_figures() -> None:
    df = report.summary_frame({"a": 1, "b": {"c": 2.5, "d": "x"}})
    assert df.to_dict("list") == {"figure": ["a", "b.c", "b.d"], "value": [1, 2.5, "x"]}


def test_unknown_tool_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown tool"):
        report.figures_for("gantt", object())


@pytest.mark.parametrize("tool", report.TOOLS)
def test_simulate_tool_runs_each_engine_as_its_page_does(tool: str) -> None:
    """One entry point (pages' report button and library): same figures as the engine."""
    from tpm_models.schedule_risk.readers import schedule_to_json

    if tool == "schedule":
        s = SAMPLE / "schedule"
        inputs = load_schedule(s / "tasks.csv", risks=s / "risks.csv", start_date="2027-01-04")
        text = schedule_to_json(inputs)
        direct = report.schedule_figures(simulate_schedule(inputs, iterations=500, rng=4))
    elif tool == "forecast":
        inputs = _forecast_inputs()
        wrapped = {"page": {}, "engine_inputs": json.loads(inputs.model_dump_json())}
        text = json.dumps(wrapped)
        direct = report.forecast_figures(simulate_forecast(inputs, iterations=500, rng=4))
    elif tool == "build-vs-buy":
        scenario = load_bvb(SAMPLE / "build_vs_buy" / "observability_platform.json")
        text = scenario.to_json()
        direct = report.build_vs_buy_figures(simulate_bvb(scenario, iterations=500, rng=4))
    else:
        sc = load_capacity(SAMPLE / "capacity" / "engineering_org.json")
        text = sc.model_dump_json()
        direct = report.capacity_figures(simulate_capacity(sc, iterations=500, rng=4))
    result = report.simulate_tool(tool, text, iterations=500, seed=4)
    assert report.figures_for(tool, result) == direct
    page = report.report_for(tool, result, title="T", seed=4)
    assert_offline(page)
