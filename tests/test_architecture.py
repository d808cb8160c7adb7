"""House rules that keep the layers apart (STYLE.md practice 2)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "app_pages").glob("*.py"))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_importing_every_tpm_models_module_does_not_import_streamlit() -> None:
    code = """
import importlib, json, pkgutil, sys
import tpm_models
mods = [m.name for m in pkgutil.walk_packages(tpm_models.__path__, "tpm_models.")
        if m.name != "tpm_models.__main__"]
for name in mods:
    importlib.import_module(name)
leaked = sorted(m for m in sys.modules if m.split(".")[0] == "streamlit")
print(json.dumps({"modules": mods, "streamlit": leaked}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "tpm_models.estimates" in result["modules"]
    assert result["streamlit"] == [], "tpm_models must never import streamlit"


@pytest.mark.parametrize(
    "path", sorted(ROOT.glob("tpm_models/**/*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_tpm_models_source_never_imports_streamlit(path: Path) -> None:
    bad = {m for m in _imported_modules(path) if m.split(".")[0] == "streamlit"}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_do_not_import_numpy_or_scipy(path: Path) -> None:
    bad = {m for m in _imported_modules(path) if m.split(".")[0] in {"numpy", "scipy"}}
    assert not bad, f"app_pages/{path.name} imports {bad}: move that logic into tpm_models or ui/"


def test_there_are_five_pages() -> None:
    assert {p.stem for p in PAGES} >= {
        "home",
        "schedule_risk",
        "delivery_forecast",
        "build_vs_buy",
        "team_capacity",
    }
