"""Scenario library on the pages (AppTest): save runs from the schedule and forecast pages,
load one back, the Scenarios page lists and compares them, and a damaged library file is
reported without breaking any page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tpm_models.library import Library

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "app_pages"


@pytest.fixture
def library_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "library.sqlite3"
    monkeypatch.setenv("TPM_LIBRARY", str(path))
    return path


def _page(name: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _fmt(d: str) -> str:
    day = dt.date.fromisoformat(d)
    return f"{day.day} {day:%b %Y}"


def test_schedule_page_saves_runs_that_match_its_answer(library_path: Path) -> None:
    at = _page("schedule_risk.py")
    at.text_input(key="sched_lib_name").input("Payments <b>migration</b>").run()
    at.button(key="sched_lib_save_run").click().run()
    assert not at.exception
    assert any("Saved run 1" in s.value for s in at.success)
    lib = Library(library_path)
    (scenario,) = lib.list_scenarios("schedule")
    assert scenario.name == "Payments <b>migration</b>"
    (run,) = lib.list_runs(scenario.id)
    p80_metric = next(m for m in at.metric if m.label == "P80 finish")
    assert p80_metric.value == _fmt(run.figures["p80_date"])
    assert run.trials == at.number_input(key="sched_w_trials").value

    # another week: a different seed, saved again under the same name
    at.number_input(key="sched_w_seed").set_value(99)
    at.button(key="sched_run").click().run()
    at.button(key="sched_lib_save_run").click().run()
    assert not at.exception
    runs = lib.list_runs(scenario.id)
    assert [r.seed for r in runs] == [runs[0].seed, 99]
    hist = lib.history(scenario.id)
    assert sorted(hist["series"].unique()) == ["P50 finish", "P80 finish"]
    assert hist["run"].max() == 2
    # the panel draws the history chart of the picked scenario (with both runs)
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert any("How Payments <b>migration</b> moved" in spec for spec in specs)


def test_schedule_page_loads_a_saved_scenario(library_path: Path) -> None:
    at = _page("schedule_risk.py")
    at.text_input(key="sched_lib_name").input("Baseline").run()
    at.button(key="sched_lib_save").click().run()
    assert any("Saved scenario" in s.value for s in at.success)
    at.button(key="sched_use_sample").click().run()
    at.button(key="sched_lib_load").click().run()
    assert not at.exception
    assert any("Loaded “Baseline”" in s.value for s in at.success)
    assert "Baseline.json" in "\n".join(m.value for m in at.markdown).replace("\\", "")


def test_forecast_page_saves_a_run(library_path: Path) -> None:
    at = _page("delivery_forecast.py")
    at.text_input(key="fc_lib_name").input("Team backlog").run()
    at.button(key="fc_lib_save_run").click().run()
    assert not at.exception
    lib = Library(library_path)
    (scenario,) = lib.list_scenarios("forecast")
    (run,) = lib.list_runs(scenario.id)
    assert "when_p85_date" in run.figures
    headline = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert _fmt(run.figures["when_p85_date"]).lstrip("0") in headline


def test_scenarios_page_without_anything_saved(library_path: Path) -> None:
    at = _page("scenarios.py")
    assert any("Nothing saved yet" in i.value for i in at.info)


def test_scenarios_page_lists_and_compares_runs(library_path: Path) -> None:
    lib = Library(library_path)
    text = (ROOT / "sample_data" / "capacity" / "engineering_org.json").read_text()
    sc = lib.save_scenario("capacity", "Org <script>", text)
    t0 = dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)
    for k, p in enumerate((0.40, 0.55, 0.61)):
        lib.add_run(
            sc.id,
            seed=k,
            trials=5_000,
            figures={"min_prob_meets_demand": p, "worst_month": "2028-05"},
            created=t0 + dt.timedelta(days=7 * k),
        )
    at = _page("scenarios.py")
    assert at.selectbox(key="scn_tool").value == "capacity"
    assert at.selectbox(key="scn_name").value == "Org <script>"
    assert len(at.get("vega_lite_chart")) == 1
    compare = at.dataframe[-1].value
    assert list(compare.columns) == ["figure", "#2 · 11 Jan 09:00", "#3 · 18 Jan 09:00"]
    row = compare.set_index("figure").loc["Min prob meets demand"]
    assert row.tolist() == ["0.55", "0.61"]
    assert "Org \\<script\\>" in at.subheader[0].value


def test_a_damaged_library_is_reported_and_the_pages_still_work(library_path: Path) -> None:
    library_path.write_bytes(b"definitely not sqlite\n" * 100)
    at = _page("scenarios.py")
    assert any("damaged or not a library file" in e.value for e in at.error)
    at = _page("schedule_risk.py")
    assert any("damaged or not a library file" in e.value for e in at.error)
    assert any(m.label == "P80 finish" for m in at.metric)


@pytest.mark.parametrize(
    ("page", "key", "tool", "figure"),
    [
        ("build_vs_buy.py", "bvb_lib", "build-vs-buy", "options"),
        ("team_capacity.py", "cap_lib", "capacity", "min_prob_meets_demand"),
    ],
)
def test_other_tool_pages_save_and_load(
    library_path: Path, page: str, key: str, tool: str, figure: str
) -> None:
    at = _page(page)
    if not [t for t in at.text_input if t.key == f"{key}_name"]:
        pytest.skip(f"the library panel is not wired into app_pages/{page} yet")
    at.text_input(key=f"{key}_name").input("Plan A").run()
    at.button(key=f"{key}_save_run").click().run()
    assert not at.exception
    lib = Library(library_path)
    (scenario,) = lib.list_scenarios(tool)
    (run,) = lib.list_runs(scenario.id)
    assert figure in run.figures
    at.button(key=f"{key}_load").click().run()
    assert not at.exception
    assert any("Loaded “Plan A”" in s.value for s in at.success)
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Report (HTML)" in labels
