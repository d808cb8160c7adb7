"""AppTest smoke tests: every page file runs without an exception; the frame runs once.

The st.navigation / AppTest caveat (issue 2 §4): with a folder named ``pages/`` next to
``app.py``, Streamlit falls back to its old page-directory mode (in AppTest after the first run;
in a real server for a first visit straight to a tool URL, which then loses the frame's
navigation and wide layout). The page files therefore live in ``app_pages/``, which Streamlit
does not auto-discover; ``tests/e2e/test_deep_link.py`` proves the deep link in a browser. We

1. run every file in ``app_pages/`` directly with ``AppTest.from_file`` (this is also how each
   tool's own behaviour tests work), which needs no router;
2. run ``app.py`` once and assert the frame renders the home page and its sidebar, and
3. use ``switch_page`` from the frame only to check that each tool page *opens* without an
   exception, never asserting frame elements after the first run.

Real navigation (URL paths, sidebar clicks) is covered in a browser by tests/e2e.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "app_pages").glob("*.py"))
TOOL_TITLES = {
    "schedule_risk.py": "Schedule risk",
    "delivery_forecast.py": "Delivery forecast",
    "build_vs_buy.py": "Build vs buy",
    "team_capacity.py": "Team capacity",
}
TIMEOUT_S = 60


def _exceptions(at: AppTest) -> list[str]:
    return [f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_every_page_runs_without_exception(path: Path) -> None:
    at = AppTest.from_file(str(path), default_timeout=TIMEOUT_S).run()
    assert not at.exception, _exceptions(at)
    assert len(at.title) >= 1, f"{path.name} shows no title"


@pytest.mark.parametrize(("filename", "title"), TOOL_TITLES.items())
def test_tool_page_renders_its_title(filename: str, title: str) -> None:
    at = AppTest.from_file(str(ROOT / "app_pages" / filename), default_timeout=TIMEOUT_S).run()
    assert not at.exception, _exceptions(at)
    assert title.lower() in at.title[0].value.lower()


def test_home_page_names_the_four_tools() -> None:
    at = AppTest.from_file(str(ROOT / "app_pages" / "home.py"), default_timeout=TIMEOUT_S).run()
    assert at.title[0].value == "TPM Decision Lab"
    assert sorted(h.value for h in at.subheader) == sorted(TOOL_TITLES.values())


def test_app_frame_runs_and_renders_home_with_its_sidebar() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S).run()
    assert not at.exception, _exceptions(at)
    assert at.title[0].value == "TPM Decision Lab"  # the default page
    assert any("TPM Decision Lab" in c.value for c in at.sidebar.caption)  # first run only


@pytest.mark.parametrize(("filename", "title"), TOOL_TITLES.items())
def test_app_frame_switches_to_each_tool_page(filename: str, title: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S).run()
    at.switch_page(f"app_pages/{filename}").run()
    assert not at.exception, _exceptions(at)
    assert title.lower() in at.title[0].value.lower()
