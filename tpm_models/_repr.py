"""Compact, escaped HTML tables for results in Jupyter (``_repr_html_``).

Every result class with a tidy ``.summary()`` renders in a notebook through
:func:`summary_html`: a small table of the summary, captioned with the result's kind and run
size. All text — column names, cells (task, option, role and plan names come from user files),
the caption — goes through :func:`html.escape`, so a name like ``<script>`` shows as text and
never runs.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from numbers import Integral, Real
from typing import Any, Protocol

import numpy as np
import pandas as pd

__all__ = ["frame_html", "summary_html"]

#: Rows shown before the table is cut (the rest are counted in a last row).
MAX_ROWS = 30

_TABLE_STYLE = "border-collapse:collapse;font-size:12px;line-height:1.3"
_CELL_STYLE = "padding:2px 8px;border-bottom:1px solid #ddd;white-space:nowrap"
_CAPTION_STYLE = "caption-side:top;text-align:left;font-weight:600;padding:2px 0 4px"


class _Summarised(Protocol):
    def summary(self) -> pd.DataFrame: ...


def format_cell(value: Any) -> str:
    """A cell as short text (not yet escaped): numbers compact, dates ISO, missing as "—".

    Examples
    --------
    >>> [format_cell(v) for v in (1234567.891, 0.8123456, 12.0, None, float("nan"), True)]
    ['1,234,568', '0.8123', '12', '—', '—', 'yes']
    >>> format_cell(pd.Timestamp("2027-06-02"))
    '2027-06-02'
    """
    if value is None or value is pd.NaT:
        return "—"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Integral):
        return f"{int(value):,}"
    if isinstance(value, Real):
        x = float(value)
        if not math.isfinite(x):
            return "—"
        if abs(x) >= 1e4 or (x.is_integer() and abs(x) < 1e15):
            return f"{x:,.0f}"
        return f"{x:.4g}"
    try:
        if pd.isna(value):
            return "—"
    except (TypeError, ValueError):
        pass  # lists and other containers: shown as text
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool | np.bool_)


def frame_html(df: pd.DataFrame, *, caption: str | None = None, max_rows: int = MAX_ROWS) -> str:
    """A DataFrame as a compact HTML table; every piece of text is HTML-escaped.

    Parameters
    ----------
    df : DataFrame
        The table (its index is not shown: tidy frames carry their keys as columns).
    caption : str, optional
        Shown above the table (escaped).
    max_rows : int
        Rows shown; the rest are counted in a final row.

    Examples
    --------
    >>> html_text = frame_html(pd.DataFrame({"task": ["<script>alert(1)</script>"], "p": [0.5]}))
    >>> "<script>" in html_text, "&lt;script&gt;" in html_text
    (False, True)
    """
    parts = [f'<table class="tpm-summary" style="{_TABLE_STYLE}">']
    if caption:
        parts.append(f'<caption style="{_CAPTION_STYLE}">{html.escape(caption)}</caption>')
    head = "".join(
        f'<th style="{_CELL_STYLE};text-align:left">{html.escape(str(c))}</th>' for c in df.columns
    )
    parts.append(f"<thead><tr>{head}</tr></thead><tbody>")
    shown = df.head(max_rows)
    for row in shown.itertuples(index=False, name=None):
        cells = []
        for value in row:
            align = "right" if _is_number(value) else "left"
            text = html.escape(format_cell(value))
            cells.append(f'<td style="{_CELL_STYLE};text-align:{align}">{text}</td>')
        parts.append(f"<tr>{''.join(cells)}</tr>")
    hidden = len(df) - len(shown)
    if hidden > 0:
        span = max(len(df.columns), 1)
        parts.append(
            f'<tr><td colspan="{span}" style="{_CELL_STYLE};color:#666">'
            f"… {hidden:,} more rows (see <code>.summary()</code>)</td></tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def _caption(result: object) -> str:
    """``ScheduleResult · 10,000 trials · seed 42`` plus a scenario title when there is one."""
    bits = [type(result).__name__]
    iterations = getattr(result, "iterations", None)
    if isinstance(iterations, Integral):
        bits.append(f"{int(iterations):,} trials")
    seed = getattr(result, "seed", None)
    if isinstance(seed, Integral):
        bits.append(f"seed {int(seed)}")
    scenario = getattr(result, "scenario", None)
    title = getattr(scenario, "title", None) or getattr(scenario, "name", None)
    if isinstance(title, str) and title.strip():
        bits.append(title.strip())
    return " · ".join(bits)


def summary_html(result: _Summarised, *, max_rows: int = MAX_ROWS) -> str:
    """The result's ``.summary()`` as a compact, escaped HTML table (for ``_repr_html_``).

    A result class opts in with one line::

        def _repr_html_(self) -> str:
            return summary_html(self)

    Examples
    --------
    >>> class Demo:
    ...     iterations = 1000
    ...     def summary(self) -> pd.DataFrame:
    ...         return pd.DataFrame({"option": ["<b>Build</b>"], "npv_p50": [125000.4]})
    >>> text = summary_html(Demo())
    >>> "Demo · 1,000 trials" in text, "&lt;b&gt;Build&lt;/b&gt;" in text, "125,000" in text
    (True, True, True)
    """
    return frame_html(result.summary(), caption=_caption(result), max_rows=max_rows)
