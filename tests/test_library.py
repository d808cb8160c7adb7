"""Scenario library: round trips of every tool's scenario, concurrent writers lose nothing,
schema-version refusal, damaged files give a clear error."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path

import pytest

from tpm_models import library
from tpm_models.build_vs_buy import load_scenario as load_bvb
from tpm_models.calendar import WorkCalendar
from tpm_models.delivery_forecast import Backlog, ForecastInputs, ThroughputEstimate
from tpm_models.errors import InputError
from tpm_models.library import Library, LibraryError
from tpm_models.schedule_risk import load_schedule
from tpm_models.schedule_risk.readers import schedule_from_json, schedule_to_json
from tpm_models.team_capacity import CapacityScenario
from tpm_models.team_capacity import load_scenario as load_capacity

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    return Library(tmp_path / "lib.sqlite3")


def _schedule_json() -> str:
    s = SAMPLE / "schedule"
    inputs = load_schedule(
        s / "tasks.csv",
        risks=s / "risks.csv",
        correlations=s / "correlations.csv",
        holidays=s / "holidays.csv",
        start_date=dt.date(2027, 1, 4),
    )
    return schedule_to_json(inputs)


def _forecast_inputs() -> ForecastInputs:
    return ForecastInputs(
        throughput_estimate=ThroughputEstimate(low=2, likely=4, high=7),
        period="week",
        start_date=dt.date(2027, 1, 4),
        calendar=WorkCalendar(holidays=(dt.date(2027, 1, 6),)),
        backlog=Backlog(low_items=80, high_items=100),
    )


def test_round_trip_of_every_scenario_type(lib: Library) -> None:
    sched = lib.save_scenario("schedule", "Launch plan", _schedule_json())
    assert schedule_from_json(lib.load_scenario(sched.id)) == schedule_from_json(_schedule_json())

    fc = lib.save_scenario("forecast", "Backlog", _forecast_inputs().model_dump_json())
    assert ForecastInputs.model_validate_json(lib.load_scenario(fc.id)) == _forecast_inputs()
    # the forecast page's wrapper (page settings + engine inputs) is kept as written
    wrapped = json.dumps(
        {"tool": "delivery_forecast", "page": {"period": "week"},
         "engine_inputs": json.loads(_forecast_inputs().model_dump_json())}
    )  # fmt: skip
    fw = lib.save_scenario("forecast", "Backlog (page)", wrapped)
    back = json.loads(lib.load_scenario(fw.id))
    assert back["page"] == {"period": "week"}
    assert ForecastInputs.model_validate(back["engine_inputs"]) == _forecast_inputs()

    bvb = load_bvb(SAMPLE / "build_vs_buy" / "observability_platform.json")
    rec = lib.save_scenario("build-vs-buy", "Observability", bvb.to_json())
    assert load_bvb(lib.load_scenario(rec.id).encode()) == bvb

    cap = load_capacity(SAMPLE / "capacity" / "engineering_org.json")
    rec = lib.save_scenario("capacity", "Org", cap.model_dump_json())
    assert CapacityScenario.model_validate_json(lib.load_scenario(rec.id)) == cap

    names = {(s.tool, s.name) for s in lib.list_scenarios()}
    assert names == {
        ("schedule", "Launch plan"),
        ("forecast", "Backlog"),
        ("forecast", "Backlog (page)"),
        ("build-vs-buy", "Observability"),
        ("capacity", "Org"),
    }
    assert [s.name for s in lib.list_scenarios("capacity")] == ["Org"]


def test_invalid_inputs_are_refused_with_located_problems(lib: Library) -> None:
    with pytest.raises(InputError) as err:
        lib.save_scenario("capacity", "Bad", '{"start_month": "2027-13", "months": 0}')
    assert any(p.column for p in err.value.problems)
    with pytest.raises(InputError):
        lib.save_scenario("schedule", "Bad", "{not json")
    with pytest.raises(LibraryError, match="unknown tool"):
        lib.save_scenario("gantt", "Bad", "{}")
    with pytest.raises(LibraryError, match="name"):
        lib.save_scenario("forecast", "   ", _forecast_inputs().model_dump_json())
    assert lib.list_scenarios() == []


def test_save_overwrites_rename_and_delete(lib: Library) -> None:
    inputs = _forecast_inputs()
    a = lib.save_scenario("forecast", "  Team   A ", inputs.model_dump_json())
    assert a.name == "Team A"
    bigger = inputs.model_copy(update={"backlog": Backlog(low_items=90, high_items=120)})
    again = lib.save_scenario("forecast", "Team A", bigger.model_dump_json())
    assert again.id == a.id
    assert again.updated >= a.updated
    assert ForecastInputs.model_validate_json(lib.load_scenario(a.id)) == bigger
    b = lib.save_scenario("forecast", "Team B", inputs.model_dump_json())
    with pytest.raises(LibraryError, match="already exists"):
        lib.rename_scenario(b.id, "Team A")
    assert lib.rename_scenario(b.id, "Team C").name == "Team C"
    lib.add_run(a.id, seed=1, trials=100, figures={"when_p85_date": "2027-03-01"})
    lib.delete_scenario(a.id)
    with pytest.raises(LibraryError, match="no saved scenario"):
        lib.get_scenario(a.id)
    assert lib.list_runs(a.id) == []
    assert lib.find_scenario("forecast", "Team C") is not None


def test_runs_and_history(lib: Library) -> None:
    sc = lib.save_scenario("schedule", "Launch", _schedule_json())
    t0 = dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)
    first = {"p50_date": "2027-05-20", "p80_date": "2027-06-02", "p80_days": 104.0}
    second = {"p50_date": "2027-05-27", "p80_date": "2027-06-10", "p80_days": 110.0}
    lib.add_run(sc.id, seed=7, trials=10_000, figures=second, created=t0 + dt.timedelta(days=7))
    lib.add_run(sc.id, seed=7, trials=10_000, figures=first, created=t0)
    runs = lib.list_runs(sc.id)
    assert [r.figures for r in runs] == [first, second]  # oldest first
    hist = lib.history(sc.id)
    p80 = hist[hist["series"] == "P80 finish"]
    assert p80["date"].dt.date.astype(str).tolist() == ["2027-06-02", "2027-06-10"]
    assert p80["run"].tolist() == [1, 2]
    wide = lib.runs_frame(sc.id)
    assert wide["p80_days"].tolist() == [104.0, 110.0]
    with pytest.raises(LibraryError, match="JSON"):
        lib.add_run(sc.id, seed=1, trials=10, figures={"x": float("nan")})


def test_history_series_for_each_tool() -> None:
    def run(figures: dict[str, object]) -> library.RunRecord:
        now = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
        return library.RunRecord(1, 1, now, 1, 100, dict(figures), "{}")

    bvb = library.history_series(
        "build-vs-buy",
        [
            run(
                {
                    "currency": "EUR",
                    "options": {"Build": {"npv_p50": -5.0}, "Buy": {"npv_p50": 3.0}},
                }
            )
        ],
    )
    assert bvb[["series", "unit", "value"]].values.tolist() == [
        ["Build NPV P50", "NPV (EUR)", -5.0],
        ["Buy NPV P50", "NPV (EUR)", 3.0],
    ]
    cap = library.history_series("capacity", [run({"min_prob_meets_demand": 0.42})])
    assert cap["value"].tolist() == [0.42]
    fc = library.history_series("forecast", [run({"how_many_p50": 40, "how_many_p85": 33})])
    assert fc["value"].tolist() == [40.0, 33.0]


def test_eight_threads_saving_fifty_runs_each_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    sc = Library(path).save_scenario("forecast", "Shared", _forecast_inputs().model_dump_json())
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def writer(k: int) -> None:
        try:
            own = Library(path)  # each app session opens the library itself
            barrier.wait()
            for i in range(50):
                own.add_run(sc.id, seed=k, trials=100 + i, figures={"writer": k, "i": i})
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    runs = Library(path).list_runs(sc.id)
    assert len(runs) == 400
    assert {(r.figures["writer"], r.figures["i"]) for r in runs} == {
        (k, i) for k in range(8) for i in range(50)
    }
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_library_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    Library(path)
    with sqlite3.connect(path) as con:
        con.execute(f"PRAGMA user_version = {library.SCHEMA_VERSION + 1}")
    with pytest.raises(LibraryError, match="newer version") as err:
        Library(path)
    assert library.ENV_VAR in str(err.value)


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all\n" * 50, b"SQLite format 3\x00" + b"\xff" * 4000],
)
def test_a_damaged_file_gives_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(content)
    with pytest.raises(LibraryError, match="damaged or not a library file") as err:
        Library(path)
    assert str(path) in str(err.value)


def test_a_foreign_sqlite_file_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(LibraryError, match="another program"):
        Library(path)


def test_location_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(library.ENV_VAR, str(tmp_path / "x" / "env.sqlite3"))
    assert library.default_path() == tmp_path / "x" / "env.sqlite3"
    assert Library().path.exists()
    monkeypatch.delenv(library.ENV_VAR)
    assert library.default_path().name == "library.sqlite3"
    assert "tpm-decision-lab" in str(library.default_path())


def test_history_chart_draws_each_series_with_labelled_points(lib: Library) -> None:
    from tpm_models.charts.history import history_chart
    from tpm_models.report import chart_svg

    sc = lib.save_scenario("schedule", "Launch", _schedule_json())
    t0 = dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)
    for k, (p50, p80) in enumerate([("2027-05-20", "2027-06-02"), ("2027-05-27", "2027-06-10")]):
        lib.add_run(
            sc.id,
            seed=k,
            trials=1000,
            figures={"p50_date": p50, "p80_date": p80},
            created=t0 + dt.timedelta(days=7 * k),
        )
    chart = history_chart(lib.history(sc.id), title="How Launch moved")
    spec = chart.to_dict()
    assert spec["title"]["text"] == "How Launch moved"
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "point", "text"]
    svg = chart_svg(chart)
    for label in ("02 Jun 2027", "10 Jun 2027", "P80 finish", "#2 · 11 Jan 09:00"):
        assert label in svg

    cap = lib.save_scenario(
        "capacity",
        "Org",
        '{"schema_version": 1, "start_month": "2027-01", "months": 3, '
        '"roles": [{"role": "QA", "headcount": 2}]}',
    )
    lib.add_run(cap.id, seed=1, trials=100, figures={"min_prob_meets_demand": 0.4})
    svg = chart_svg(history_chart(lib.history(cap.id)))
    assert "40%" in svg
