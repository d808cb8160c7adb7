"""``tpm report TOOL ... --out FILE.html``: same arguments as the tool, a file that opens
offline, located exit-2 errors; rendering works with no network at all."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tpm_models.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


class _Figures(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.figures: dict[str, str] = {}
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "data-key" in a:
            self.figures[str(a["data-key"])] = str(a["data-value"])


def _schedule_args() -> list[str]:
    s = SAMPLE / "schedule"
    return [
        str(s / "tasks.csv"),
        "--risks",
        str(s / "risks.csv"),
        "--holidays",
        str(s / "holidays.csv"),
        "--start",
        "2027-01-04",
        "--deadline",
        "2027-06-01",
        "--iterations",
        "1500",
        "--seed",
        "7",
    ]


def test_schedule_report_matches_the_schedule_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "schedule.html"
    assert main(["report", "schedule", *_schedule_args(), "--out", str(out)]) == 0
    assert "Report written to" in capsys.readouterr().out
    assert main(["schedule", *_schedule_args(), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    figures = _Figures(out.read_text(encoding="utf-8")).figures
    for q in (10, 50, 80, 90, 95):
        assert float(figures[f"p{q}_days"]) == pytest.approx(payload["finish_days"][f"p{q}"])
        assert figures[f"p{q}_date"] == payload["finish_date"][f"p{q}"]
    assert float(figures["deadline_probability"]) == pytest.approx(
        payload["deadline_probability"], abs=1e-6
    )


@pytest.mark.parametrize(
    ("tool", "args", "key"),
    [
        (
            "forecast",
            [str(SAMPLE / "forecast" / "throughput.csv"), "--items", "80-100"],
            "when_p85_date",
        ),
        (
            "build-vs-buy",
            [str(SAMPLE / "build_vs_buy" / "observability_platform.json")],
            "npv_p50.0",
        ),
        ("capacity", [str(SAMPLE / "capacity" / "engineering_org.json")], "min_prob_meets_demand"),
    ],
)
def test_each_tool_writes_a_report_and_prints_its_figures(
    tool: str, args: list[str], key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    argv = ["report", tool, *args, "--iterations", "1000", "--seed", "3", "--json"]
    assert main([*argv, "--out", str(out), "--title", "Week 12 <update>"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["tool"] == tool
    assert payload["out"] == str(out)
    text = out.read_text(encoding="utf-8")
    assert "<title>Week 12 &lt;update&gt;</title>" in text
    assert key in _Figures(text).figures


def test_bad_input_exits_2_with_located_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    code = main(["report", "schedule", str(tmp_path / "missing.csv"), "--out", str(out)])
    assert code == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert not out.exists()
    code = main(["report", "capacity", str(SAMPLE / "capacity" / "engineering_org.json"),
                 "--out", str(tmp_path / "r.txt")])  # fmt: skip
    assert code == 2
    assert "--out" in capsys.readouterr().err
    code = main(["report", "schedule", *_schedule_args()[:1], "--deadline", "2027-06-01",
                 "--out", str(out)])  # fmt: skip
    assert code == 2
    assert "--start" in capsys.readouterr().err


def _no_network_prefix() -> list[str]:
    """``unshare -rn``: a new user + network namespace with only a down loopback."""
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return []
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, check=False)
    return ["unshare", "-rn"] if probe.returncode == 0 else []


def test_report_renders_with_no_network(tmp_path: Path) -> None:
    prefix = _no_network_prefix()
    if not prefix:
        pytest.skip("unshare -rn (network namespaces) is not available here")
    out = tmp_path / "offline.html"
    cmd = [*prefix, sys.executable, "-m", "tpm_models", "report", "build-vs-buy",
           str(SAMPLE / "build_vs_buy" / "observability_platform.json"),
           "--iterations", "500", "--seed", "1", "--out", str(out)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("<svg") >= 3
    assert "could not be drawn" not in text


def test_save_run_tracks_a_scenario_week_by_week(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tpm_models.library import Library

    path = tmp_path / "lib.sqlite3"
    monkeypatch.setenv("TPM_LIBRARY", str(path))
    out = tmp_path / "r.html"
    base = ["report", "capacity", str(SAMPLE / "capacity" / "engineering_org.json")]
    for seed in ("1", "2"):
        argv = [*base, "--iterations", "800", "--seed", seed, "--out", str(out)]
        assert main([*argv, "--save-run", "Org plan"]) == 0
    assert "Saved run 2 of scenario 'Org plan'" in capsys.readouterr().out
    lib = Library(path)
    (scenario,) = lib.list_scenarios("capacity")
    runs = lib.list_runs(scenario.id)
    assert [r.seed for r in runs] == [1, 2]
    assert [r.trials for r in runs] == [800, 800]
    figures = _Figures(out.read_text(encoding="utf-8")).figures
    assert float(figures["min_prob_meets_demand"]) == pytest.approx(
        runs[-1].figures["min_prob_meets_demand"]
    )

    path.write_bytes(b"not a database\n" * 100)
    argv = [*base, "--iterations", "200", "--out", str(out), "--save-run", "Org plan"]
    assert main(argv) == 2
    assert "damaged or not a library file" in capsys.readouterr().err
