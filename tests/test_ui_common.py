"""Shared Streamlit helpers: escaping user text, showing located problems, safe downloads."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui.common import escape_md


@pytest.mark.parametrize(
    "text",
    [
        "[click me](http://evil.example)",
        "![img](http://evil.example/x.png)",
        "<script>alert(1)</script>",
        "**bold** _it_ `code` # heading",
        "a|b|c",
        "$x^2$",
    ],
)
def test_escape_md_leaves_no_live_markdown(text: str) -> None:
    escaped = escape_md(text)
    for ch in "[]()<>*_`#|$!":
        # every special character is preceded by a backslash
        for i, c in enumerate(escaped):
            if c == ch:
                assert escaped[i - 1] == "\\", (text, escaped)


@pytest.mark.parametrize(
    "text", ["see http://evil.example/x.png", "www.evil.example", "mail a@evil.example"]
)
def test_escape_md_breaks_autolinks(text: str) -> None:
    """GFM autolinks ignore backslash escapes; a zero-width space breaks the trigger."""
    escaped = escape_md(text)
    for trigger in ("://", "www\\.", "a@"):
        assert trigger not in escaped, escaped
    assert escaped.replace("\u200b", "").replace("\\", "") == text


def test_escape_md_keeps_plain_text_and_accepts_any_object() -> None:
    assert escape_md("Design review") == "Design review"
    assert escape_md(3.5) == "3\\.5"


def _show_error_app() -> None:
    from tpm_models.errors import InputError, Problem
    from ui.common import show_input_error

    show_input_error(
        InputError(
            [
                Problem("tasks.csv", "'x' is not a number", 3, "low"),
                Problem("tasks.csv", "[evil](http://x) is not a task id", 4, "predecessors"),
            ]
        )
    )


def test_show_input_error_lists_every_problem_escaped() -> None:
    at = AppTest.from_function(_show_error_app, default_timeout=30).run()
    assert not at.exception
    assert len(at.error) == 1
    body = at.error[0].value
    assert "(2)" in body
    assert "tasks\\.csv:3:low" in body
    assert "\\[evil\\]\\(http:\u200b//x\\)" in body  # no live link, no autolink


def _download_app() -> None:
    import pandas as pd

    from ui.common import download_csv

    download_csv(pd.DataFrame({"name": ["=HYPERLINK(1)"]}), "out.csv", "Download", key="dl")


def test_download_csv_runs_in_a_page() -> None:
    at = AppTest.from_function(_download_app, default_timeout=30).run()
    assert not at.exception
