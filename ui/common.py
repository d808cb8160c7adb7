"""Small Streamlit helpers every page uses: errors, escaping, downloads."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from tpm_models.errors import InputError
from tpm_models.io import to_csv_bytes

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")
# GitHub-flavoured autolinks (``http://…``, ``www.…``, ``a@b.c``) ignore backslash escapes; a
# zero-width space at the trigger breaks them (checked in chromium: no link is made)
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?=@)|(?<=www)(?=\\\.)")


def escape_md(text: object) -> str:
    """Escape user text for ``st.markdown`` so it can never become a link, image or HTML."""
    return _AUTOLINK.sub("\u200b", _MD_SPECIAL.sub(r"\\\1", str(text)))


def show_input_error(err: InputError, *, title: str = "The input has problems") -> None:
    """Show every problem of an InputError as one list, located by file/row/column."""
    lines = [f"- **{escape_md(p.location())}**: {escape_md(p.message)}" for p in err.problems]
    st.error(f"{title} ({len(err.problems)}):\n\n" + "\n".join(lines[:100]))


def download_csv(df: pd.DataFrame, filename: str, label: str, *, key: str | None = None) -> None:
    """A download button for a formula-safe CSV of ``df``."""
    st.download_button(
        label,
        data=to_csv_bytes(df),
        file_name=filename,
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )


def coming_soon(tool: str, decides: str) -> None:
    """Placeholder for a tool whose engine has not landed: says so, computes nothing."""
    st.info(
        f"**{tool} is coming soon.** It will answer: {decides} "
        "Nothing is computed on this page yet.",
        icon=":material/construction:",
    )
