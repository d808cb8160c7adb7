"""A first visit straight to a tool URL on a fresh server gets the whole frame.

Streamlit switches to its old page-directory mode when a folder named ``pages/`` sits next to
the entrypoint and the first script run of the server is a deep link: the page then runs
without ``app.py`` (no sections in the navigation, raw file names listed, no wide layout). The
page files live in ``app_pages/`` to avoid that; this test fails if the folder is renamed back.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import streamlit_server
from tests.e2e.helpers import assert_no_exception, goto_page, shot


def test_first_visit_to_a_tool_url_on_a_fresh_server_keeps_the_frame(page: Page) -> None:
    with streamlit_server("deeplink") as url:
        goto_page(page, url, "/team_capacity", timeout_ms=90_000)
        nav = page.locator('[data-testid="stSidebarNav"]')
        expect(nav.get_by_text("Decide")).to_be_visible()  # a section of app.py's navigation
        expect(nav.get_by_role("link", name="Team capacity")).to_be_visible()
        expect(nav.get_by_role("link", name="app", exact=True)).to_have_count(0)
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_text("every answer is a distribution")).to_be_visible()
        assert_no_exception(page)
        shot(page, "deep-link-fresh-server")
