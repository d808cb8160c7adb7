"""The hardened server settings in .streamlit/config.toml (DESIGN §5)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

CONFIG_PATH = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    with CONFIG_PATH.open("rb") as f:
        return tomllib.load(f)


def test_xsrf_and_cors_protection_are_on(config: dict[str, Any]) -> None:
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["server"]["corsAllowedOrigins"] == []


def test_allowed_hosts_are_local_only(config: dict[str, Any]) -> None:
    assert set(config["server"]["allowedHosts"]) == {"localhost", "127.0.0.1", "::1"}


def test_upload_limit_and_no_usage_stats(config: dict[str, Any]) -> None:
    assert 1 <= config["server"]["maxUploadSize"] <= 50
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["headless"] is True
    assert config["server"].get("enableStaticServing", False) is False


def test_viewers_get_no_developer_menu_or_error_details(config: dict[str, Any]) -> None:
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["client"]["showErrorDetails"] == "none"
    assert config["global"]["developmentMode"] is False


def test_every_option_is_known_to_this_streamlit(config: dict[str, Any]) -> None:
    """Unknown options only warn at run time; check each name against Streamlit's own list."""
    code = (
        "import json, streamlit.config as c; c.get_config_options(); "
        "print(json.dumps(sorted(c._config_options_template)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    known = set(json.loads(out.stdout.strip().splitlines()[-1]))
    used = {f"{section}.{key}" for section, values in config.items() for key in values}
    assert used - known == set()


def test_no_rerun_on_save_and_no_error_links(config: dict[str, Any]) -> None:
    """A shared server must not re-run on file edits or send viewers to external help links."""
    assert config["server"]["runOnSave"] is False
    assert config["client"]["showErrorLinks"] is False
    assert config["server"]["maxMessageSize"] <= 200
