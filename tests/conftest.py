"""Test-wide settings: Hypothesis profiles (no deadlines on a shared 2-core machine)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None, max_examples=100)
# CI: the same examples on every run, no example database left behind.
settings.register_profile("ci", deadline=None, max_examples=100, derandomize=True, database=None)
settings.load_profile(
    "ci" if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else "default"
)


@pytest.fixture(autouse=True)
def _private_library(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test (AppTest runs of the tool pages included) off the user's real scenario
    library: each test gets its own SQLite file."""
    monkeypatch.setenv("TPM_LIBRARY", str(tmp_path_factory.mktemp("library") / "library.sqlite3"))
