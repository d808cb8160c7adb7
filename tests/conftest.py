"""Test-wide settings: Hypothesis profiles (no deadlines on a shared 2-core machine)."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("default", deadline=None, max_examples=100)
# CI: the same examples on every run, no example database left behind.
settings.register_profile("ci", deadline=None, max_examples=100, derandomize=True, database=None)
settings.load_profile(
    "ci" if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else "default"
)
