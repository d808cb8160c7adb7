"""The example notebooks: committed without outputs, seeded like the app, and they run.

Each notebook ends with a cell of assertions on its headline numbers (equal to a fresh engine
run with the app page's default seed and trials), so executing it here breaks the build when
the public API or the numbers drift.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import nbformat
import pytest

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
    env["JUPYTER_PLATFORM_DIRS"] = "1"
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
