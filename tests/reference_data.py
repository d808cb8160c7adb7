"""Where the shared reference files live (real files no one here wrote; see their README).

The repository is cloned with ``shared/`` beside it (``../shared/reference``). Locally the
tests that need those files skip when they are absent; in CI (``CI=true``) they never skip, so
a missing reference folder fails loudly instead of silently proving nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _find_reference_dir() -> Path:
    candidates = [
        os.environ.get("TPM_REFERENCE_DIR", ""),
        str(ROOT.parent / "shared" / "reference"),
        "/work/shared/reference",
    ]
    for c in candidates:
        if c and Path(c).is_dir():
            return Path(c)
    return ROOT.parent / "shared" / "reference"


REFERENCE_DIR = _find_reference_dir()
_IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

#: Skip a test locally when the reference files are missing; never in CI.
needs_reference = pytest.mark.skipif(
    not REFERENCE_DIR.is_dir() and not _IN_CI,
    reason=f"reference data not found at {REFERENCE_DIR} (set TPM_REFERENCE_DIR)",
)
