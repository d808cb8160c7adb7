"""The ``tpm`` command frame: help, version, ``python -m``, located errors, ``tpm app``."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import types
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import tpm_models
from tpm_models import cli
from tpm_models.errors import InputError, Problem

ROOT = Path(__file__).resolve().parents[1]


def _tpm() -> list[str]:
    """The installed console script (next to this interpreter, else on PATH)."""
    here = Path(sys.executable).parent / "tpm"
    found = str(here) if here.is_file() else shutil.which("tpm")
    assert found, "the `tpm` console script is not installed; run `pip install -e .`"
    return [found]


def run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=cwd)


def test_help_lists_every_command(tmp_path: Path) -> None:
    out = run([*_tpm(), "--help"], cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: tpm")
    for mod in cli._command_modules():
        assert mod.NAME in out.stdout
    assert "app" in out.stdout


def test_version(tmp_path: Path) -> None:
    out = run([*_tpm(), "--version"], cwd=tmp_path)
    assert out.returncode == 0
    assert out.stdout.strip() == f"tpm {tpm_models.__version__}"


def test_python_dash_m_is_the_same_command(tmp_path: Path) -> None:
    a = run([sys.executable, "-m", "tpm_models", "--help"], cwd=tmp_path)
    b = run([*_tpm(), "--help"], cwd=tmp_path)
    assert a.returncode == 0
    assert a.stdout == b.stdout


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 0
    assert "usage: tpm" in capsys.readouterr().out


def test_unknown_command_exits_2_without_traceback(tmp_path: Path) -> None:
    out = run([*_tpm(), "frobnicate"], cwd=tmp_path)
    assert out.returncode == 2
    assert "error:" in out.stderr
    assert "Traceback" not in out.stderr


def _fake_command(problems: list[Problem]) -> types.ModuleType:
    mod = types.ModuleType("fake")
    mod.NAME = "fake"  # type: ignore[attr-defined]
    mod.HELP = "a command that finds bad input"  # type: ignore[attr-defined]

    def add_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file")

    def run(args: argparse.Namespace) -> int:
        raise InputError(problems)

    mod.add_arguments = add_arguments  # type: ignore[attr-defined]
    mod.run = run  # type: ignore[attr-defined]
    return mod


def test_input_error_prints_one_located_line_per_problem_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    problems = [
        Problem("tasks.csv", "'x' is not a number", 3, "low"),
        Problem("tasks.csv", "duplicate id 'A'", 5, "id"),
        Problem("tasks.csv", "the network has a cycle: A -> B -> A"),
    ]
    monkeypatch.setattr(cli, "_command_modules", lambda: [_fake_command(problems)])
    assert cli.main(["fake", "tasks.csv"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "error: tasks.csv:3:low: 'x' is not a number",
        "error: tasks.csv:5:id: duplicate id 'A'",
        "error: tasks.csv: the network has a cycle: A -> B -> A",
    ]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=2) as resp:
        return resp.status, resp.read()


def test_tpm_app_serves_the_app_from_another_directory(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "server.log"
    args = ["app", "--server.port", str(port), "--server.address", "127.0.0.1"]
    with log.open("wb") as out:
        # own process group, so the server (and anything it starts) is stopped together
        proc = subprocess.Popen(
            [*_tpm(), *args],
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 90
            health: tuple[int, bytes] | None = None
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    health = _get(f"http://127.0.0.1:{port}/_stcore/health")
                    break
                except (urllib.error.URLError, OSError):
                    time.sleep(0.25)
            assert health == (200, b"ok"), log.read_text(errors="replace")
            status, page = _get(f"http://127.0.0.1:{port}/")
            assert status == 200
            assert b"<html" in page.lower()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=20)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text


def test_tpm_app_reports_a_missing_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tpm_models.commands import app

    monkeypatch.setenv("TPM_APP_ROOT", str(tmp_path))
    monkeypatch.setattr(app, "__file__", str(tmp_path / "a" / "b" / "app.py"))
    monkeypatch.chdir(tmp_path)
    assert app.launch([]) == 2


def test_tpm_app_runs_streamlit_in_the_repo_root_so_its_config_applies(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tpm_models.commands import app

    calls: list[object] = []

    class Exec(Exception):
        pass

    def fake_execv(path: str, argv: list[str]) -> None:
        calls.append(("execv", path, argv))
        raise Exec

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(app.os, "chdir", lambda d: calls.append(("chdir", Path(d))))
    monkeypatch.setattr(app.os, "execv", fake_execv)
    with pytest.raises(Exec):
        app.launch(["--server.port", "9999"])
    assert app.app_root() == ROOT
    assert (ROOT / ".streamlit" / "config.toml").is_file()
    assert calls == [
        ("chdir", ROOT),
        (
            "execv",
            sys.executable,
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.port",
                "9999",
            ],
        ),
    ]
