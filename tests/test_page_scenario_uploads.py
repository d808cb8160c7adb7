"""Every page's scenario-JSON upload (AppTest): its own tool's file loads; another tool's file
is refused with "this is a X scenario, not a Y scenario" located at ``FILE:tool``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tpm_models.build_vs_buy import load_scenario as load_bvb
from tpm_models.delivery_forecast import (
    ForecastScenario,
    ForecastSettings,
    forecast_to_json,
    read_jira_csv,
)
from tpm_models.schedule_risk.readers import load_schedule, schedule_to_json
from tpm_models.team_capacity import load_scenario as load_capacity

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "app_pages"
SAMPLES = ROOT / "sample_data"


def _schedule() -> str:
    s = SAMPLES / "schedule"
    return schedule_to_json(
        load_schedule(s / "tasks.csv", s / "risks.csv", start_date="2027-01-04")
    )


def _forecast() -> str:
    history = read_jira_csv(SAMPLES / "forecast" / "jira-export.csv").history()
    start = history.last_date + dt.timedelta(days=1)
    settings = ForecastSettings(
        backlog_low=50, start_date=start, target_date=start + dt.timedelta(days=30)
    )
    return forecast_to_json(ForecastScenario(settings, history, "jira-export.csv"))


FILES: dict[str, Callable[[], str]] = {
    "schedule": _schedule,
    "forecast": _forecast,
    "build-vs-buy": lambda: load_bvb(
        SAMPLES / "build_vs_buy" / "observability_platform.json"
    ).to_json(),
    "capacity": lambda: load_capacity(
        SAMPLES / "capacity" / "engineering_org.json"
    ).model_dump_json(),
}
PAGE_OF = {
    "schedule": "schedule_risk",
    "forecast": "delivery_forecast",
    "build-vs-buy": "build_vs_buy",
    "capacity": "team_capacity",
}


def _upload(at: AppTest, tool: str, name: str, data: bytes) -> None:
    if tool == "schedule":
        from ui import schedule as sched_ui

        widget: Any = at.file_uploader(key=sched_ui.uploader_key("scenario"))
    elif tool == "forecast":
        widget = at.file_uploader(key="fc_upload")
    elif tool == "capacity":
        widget = at.file_uploader(key="cap_upload")
    else:
        widget = at.file_uploader[0]
    widget.set_value((name, data, "application/json"))
    at.run()


def _errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error).replace("\\", "")


@pytest.mark.parametrize("tool", list(FILES))
def test_each_page_takes_its_own_file_and_refuses_the_others(tool: str) -> None:
    at = AppTest.from_file(str(PAGES / f"{PAGE_OF[tool]}.py"), default_timeout=90)
    at.run()
    assert not at.exception
    for other in FILES:
        if other == tool:
            continue
        name = f"{other}-file.json"
        _upload(at, tool, name, FILES[other]().encode())
        assert not at.exception
        errors = _errors(at)
        assert f"{name}:tool" in errors, errors
        assert f"this is a {other} scenario, not a {tool} scenario" in errors
    _upload(at, tool, "own.json", FILES[tool]().encode())
    assert not at.exception
    assert not _errors(at)
