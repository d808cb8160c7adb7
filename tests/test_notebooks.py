"""The example notebooks: committed without outputs, seeded like the app, and they run.

Each notebook ends with a cell of assertions on its headline numbers (equal to a fresh engine
run with the app page's default seed and trials), so executing it here breaks the build when
the public API or the numbers drift.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import nbformat
import pytest

# jupyter_core warns (DeprecationWarning, an error here) unless the new platformdirs paths are
# chosen before it is imported
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAMES = ["schedule_risk", "delivery_forecast", "build_vs_buy", "team_capacity"]
#: Per-cell execution limit (seconds); a whole notebook takes a few seconds.
CELL_TIMEOUT_S = 120
MAX_CELLS = 12


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _code(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_every_notebook_is_listed() -> None:
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_short_clean_and_ends_with_assertions(name: str) -> None:
    nb = _read(name)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert len(nb.cells) <= MAX_CELLS
    assert nb.cells[0].cell_type == "markdown"
    assert "**The decision.**" in nb.cells[0].source
    for cell in _code(nb):
        assert cell.outputs == [], "outputs must be cleared in the repository"
        assert cell.execution_count is None
    assert "import tpm_models as tpm" in _code(nb)[0].source
    assert "assert " in _code(nb)[-1].source


def _seed_and_trials(name: str) -> tuple[int, int]:
    m = re.search(r"^SEED, TRIALS = (\d+), ([\d_]+)", _code(_read(name))[0].source, re.M)
    assert m, f"{name}: the setup cell sets SEED, TRIALS"
    return int(m.group(1)), int(m.group(2).replace("_", ""))


def test_notebooks_use_the_app_pages_default_seed_and_trials() -> None:
    from ui import build_vs_buy as ui_bvb
    from ui import forecast as ui_forecast
    from ui import schedule as ui_schedule

    fields = ui_forecast.PageInputs.model_fields
    assert _seed_and_trials("schedule_risk") == (
        ui_schedule.DEFAULT_SEED,
        ui_schedule.DEFAULT_TRIALS,
    )
    assert _seed_and_trials("build_vs_buy") == (ui_bvb.DEFAULT_SEED, ui_bvb.DEFAULT_TRIALS)
    assert _seed_and_trials("delivery_forecast") == (
        fields["seed"].default,
        fields["iterations"].default,
    )
    # the capacity page keeps its defaults in its widgets (seed 1, 10,000 trials)
    assert _seed_and_trials("team_capacity") == (1, 10_000)


def _execute(name: str, cwd: Path) -> nbformat.NotebookNode:
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = _read(name)
    env = dict(os.environ)
    # the kernel imports tpm_models from this checkout even without `pip install -e .`
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    with tempfile.TemporaryDirectory(prefix="tpm-nb-") as sockets:
        # IPC sockets: no TCP ports to race for when tests run in parallel workers
        km = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/kernel")
        client = NotebookClient(
            nb, km=km, timeout=CELL_TIMEOUT_S, resources={"metadata": {"path": str(cwd)}}
        )
        client.execute(env=env, cleanup_kc=True)
    return nb


def _stream_text(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_and_its_checks_pass(name: str) -> None:
    nb = _execute(name, NOTEBOOKS)
    assert "checks passed" in _stream_text(_code(nb)[-1])
    # Altair renders as HTML that embeds the Vega-Lite spec (or as a vega-lite mime bundle)
    charts = [
        o
        for c in _code(nb)
        for o in c.outputs
        if "vegaEmbed" in o.get("data", {}).get("text/html", "")
        or any("vegalite" in mime for mime in o.get("data", {}))
    ]
    assert len(charts) >= 3, "each notebook shows its charts"


@pytest.mark.slow
def test_a_notebook_finds_the_sample_data_from_the_repository_root() -> None:
    nb = _execute("schedule_risk", ROOT)
    assert "checks passed" in _stream_text(_code(nb)[-1])


def _page(name: str) -> str:
    for folder in ("app_pages", "pages"):
        path = ROOT / folder / f"{name}.py"
        if path.exists():
            return str(path)
    raise AssertionError(f"no page file for {name}")


def _first_visit(name: str) -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(_page(name), default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow
def test_the_app_pages_show_the_notebooks_headline_numbers() -> None:
    """What a notebook computes with its SEED and TRIALS is what each page shows on its first
    visit (the sample data and the page's default settings)."""
    import tpm_models as tpm
    from ui import build_vs_buy as ui_bvb
    from ui import forecast as ui_forecast
    from ui import schedule as ui_schedule

    data = ROOT / "sample_data"

    seed, trials = _seed_and_trials("schedule_risk")
    s = data / "schedule"
    inputs = tpm.load_schedule(
        s / "tasks.csv",
        s / "risks.csv",
        s / "correlations.csv",
        s / "holidays.csv",
        start_date=ui_schedule.SAMPLE_START,
    )
    p80 = tpm.simulate_schedule(inputs, iterations=trials, rng=seed).finish_date(80)
    metrics = {m.label: m.value for m in _first_visit("schedule_risk").metric}
    assert metrics["P80 finish"] == ui_schedule.fmt_date(p80)

    seed, trials = _seed_and_trials("delivery_forecast")
    history = tpm.load_forecast_history(data / "forecast" / "jira-export.csv")
    target = history.last_date + dt.timedelta(days=56)
    forecast = tpm.simulate_forecast(
        tpm.forecast_inputs(history, items=120, target_date=target), iterations=trials, rng=seed
    )
    shown = "\n".join(m.value for m in _first_visit("delivery_forecast").markdown)
    assert ui_forecast.headline_when(forecast) in shown
    assert ui_forecast.headline_how_many(forecast) in shown

    seed, trials = _seed_and_trials("build_vs_buy")
    scenario = tpm.load_build_vs_buy(data / "build_vs_buy" / "observability_platform.json")
    bvb = tpm.simulate_build_vs_buy(scenario, iterations=trials, rng=seed)
    npv_p50 = [m.value for m in _first_visit("build_vs_buy").metric if m.label == "NPV P50"]
    expected = [ui_bvb.money(v, scenario.currency) for v in bvb.npv_percentiles(50)]
    assert npv_p50 == expected

    seed, trials = _seed_and_trials("team_capacity")
    capacity = tpm.load_capacity(data / "capacity" / "engineering_org.json")
    chance = tpm.simulate_capacity(capacity, iterations=trials, rng=seed).min_prob_meets(
        capacity.solver.target_month
    )
    metrics = {m.label: m.value for m in _first_visit("team_capacity").metric}
    assert metrics["Current plan"] == f"{chance:.0%}"
