"""The app frame in a real browser: home page, sidebar navigation, no exception boxes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_exception, goto_page, shot, wait_for_idle

TOOLS = [
    ("/schedule_risk", "Schedule risk"),
    ("/delivery_forecast", "Delivery forecast"),
    ("/build_vs_buy", "Build vs buy"),
    ("/team_capacity", "Team capacity"),
]


def test_home_describes_the_four_tools(page: Page, app_url: str) -> None:
    goto_page(page, app_url, "/")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="TPM Decision Lab")).to_be_visible()
    for _, title in TOOLS:
        expect(main.get_by_role("heading", name=title)).to_be_visible()
        expect(main.get_by_text(f"Open {title}")).to_be_visible()
    assert_no_exception(page)
    shot(page, "navigation-home")


@pytest.mark.parametrize(("url_path", "title"), TOOLS)
def test_sidebar_entry_opens_its_page(page: Page, app_url: str, url_path: str, title: str) -> None:
    goto_page(page, app_url, "/")
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name=re.compile(re.escape(title))).click()
    page.wait_for_url(re.compile(re.escape(url_path) + r"/?$"))
    wait_for_idle(page)
    expect(
        page.locator('[data-testid="stMain"]').get_by_role("heading", name=title).first
    ).to_be_visible()
    assert_no_exception(page)
    shot(page, f"navigation{url_path.replace('/', '-')}")


def test_a_tool_url_can_be_opened_directly(page: Page, app_url: str) -> None:
    """Deep links work (each sidebar test above also checks its page's URL path)."""
    url_path, title = TOOLS[-1]
    goto_page(page, app_url, url_path)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name=title).first).to_be_visible()
    assert_no_exception(page)


def test_home_page_links_open_the_tools(page: Page, app_url: str) -> None:
    goto_page(page, app_url, "/")
    page.locator('[data-testid="stMain"]').get_by_text("Open Build vs buy").click()
    page.wait_for_url(re.compile(r"/build_vs_buy/?$"))
    wait_for_idle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="Build vs buy").first).to_be_visible()
    assert_no_exception(page)
