"""Scenario library and report widgets shared by the tool pages (Streamlit only).

A tool page makes two calls, after its run:

* :func:`report_button` — "Download report (HTML)": a self-contained stakeholder report,
  built only when clicked (re-runs the engine with the page's seed, so the same figures);
* :func:`library_panel` — save this scenario / this run under a name, load, rename, delete,
  and the scenario's history chart.

Both take the tool name (``schedule``, ``forecast``, ``build-vs-buy``, ``capacity``), the
scenario JSON the page already has, the trial count and seed, and ``options`` (schedule:
``method``, ``deadline``; build vs buy: ``method``; capacity: ``target_month``,
``until_month``; forecast: ``source``). Engine runs here are cached by those small values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from tpm_models import report
from tpm_models.charts.history import history_chart
from tpm_models.errors import InputError
from tpm_models.library import TOOL_LABELS, Library, LibraryError, ScenarioRecord
from ui.common import escape_md, show_input_error

__all__ = [
    "history_for",
    "library_panel",
    "open_library",
    "report_button",
    "report_bytes",
    "run_figures",
]

FLASH_KEY = "library_flash"


def _options_json(options: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(options or {}), sort_keys=True, default=str)


@st.cache_data(max_entries=32, show_spinner="Computing the run's headline figures…")
def run_figures(
    tool: str, scenario_json: str, iterations: int, seed: int | None, options_json: str
) -> dict[str, Any]:
    """Headline figures of the run (the same seed and trials as the page: the same numbers)."""
    opts = json.loads(options_json)
    result = report.simulate_tool(
        tool, scenario_json, iterations=iterations, seed=seed, options=opts
    )
    return report.figures_for(tool, result, opts)


@st.cache_data(max_entries=4, show_spinner="Preparing the report…")
def report_bytes(
    tool: str,
    scenario_json: str,
    iterations: int,
    seed: int | None,
    options_json: str,
    title: str | None = None,
) -> bytes:
    """The HTML report of the run, as UTF-8 bytes."""
    opts = json.loads(options_json)
    result = report.simulate_tool(
        tool, scenario_json, iterations=iterations, seed=seed, options=opts
    )
    html = report.report_for(tool, result, title=title, seed=seed, options=opts)
    return html.encode("utf-8")


def report_button(
    tool: str,
    scenario_json: str,
    *,
    iterations: int,
    seed: int | None,
    options: Mapping[str, Any] | None = None,
    title: str | None = None,
    key: str,
) -> None:
    """A "Download report (HTML)" button; the report is built when clicked."""
    opts = _options_json(options)

    def build() -> bytes:
        return report_bytes(tool, scenario_json, iterations, seed, opts, title)

    st.download_button(
        "Report (HTML)",
        data=build,
        file_name=f"{tool}-report.html",
        mime="text/html",
        icon=":material/summarize:",
        on_click="ignore",
        key=key,
        help="A one-file stakeholder report: the answer in one sentence, the key charts, the "
        "inputs, assumptions, seed and trials. Opens in any browser, no internet needed.",
    )


def open_library() -> Library | None:
    """The library, or ``None`` after showing why it cannot be used (the page goes on)."""
    try:
        return Library()
    except LibraryError as err:
        st.error(f"The scenario library is unavailable: {escape_md(err)}", icon=":material/error:")
        return None


def _runs_text(n: int) -> str:
    return f"{n} saved run" + ("" if n == 1 else "s")


def figure_label(key: str) -> str:
    """``"p80_date"`` → ``"P80 date"``; ``"options.Build.npv_p50"`` → ``"Build: NPV P50"``."""
    if key.startswith("options.") and key.count(".") >= 2:
        name, figure = key.removeprefix("options.").rsplit(".", 1)
        return f"{name}: {figure_label(figure)}"
    words = [w.upper() if re.fullmatch(r"p\d+|npv", w) else w for w in key.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def history_for(lib: Library, scenario: ScenarioRecord) -> tuple[pd.DataFrame, Any | None, str]:
    """The runs side by side, the history chart (``None`` without runs) and a sentence of
    how the headline moved."""
    runs = lib.runs_frame(scenario.id)
    hist = lib.history(scenario.id)
    if hist.empty:
        return runs, None, ""
    charts = []
    for unit, part in hist.groupby("unit", sort=False):
        charts.append(
            history_chart(
                part,
                title=f"How {scenario.name} moved",
                subtitle=f"{_runs_text(int(part['run'].nunique()))} · {unit}",
            )
        )
    return runs, charts[0] if len(charts) == 1 else charts, movement_text(hist)


def _value_text(row: Mapping[str, Any]) -> str:
    if row["unit"] == "date":
        d = pd.Timestamp(row["date"])
        return f"{d.day} {d:%b %Y}"
    v = float(row["value"])
    if row["unit"] == "probability":
        return f"{v:.0%}"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}"


def movement_text(hist: pd.DataFrame) -> str:
    """``"P80 finish: 2 Jun 2027 → 10 Jun 2027 (run 1 → run 2)"``, one clause per series."""
    if hist.empty:
        return ""
    parts = []
    for series, part in hist.groupby("series", sort=False):
        part = part.sort_values("run")
        first, last = part.iloc[0], part.iloc[-1]
        if len(part) == 1:
            parts.append(f"{series}: {_value_text(first)} (run {first['run']})")
        else:
            parts.append(
                f"{series}: {_value_text(first)} → {_value_text(last)} "
                f"(run {first['run']} → run {last['run']})"
            )
    return "; ".join(parts)


def _flash(key: str, text: str, kind: str = "success") -> None:
    st.session_state[f"{FLASH_KEY}_{key}"] = (kind, text)


def library_panel(
    tool: str,
    scenario_json: str,
    *,
    iterations: int,
    seed: int | None,
    options: Mapping[str, Any] | None = None,
    on_load: Callable[[str, str], None] | None = None,
    key: str,
) -> None:
    """Save / load / rename / delete this tool's scenarios and save runs, in an expander.

    ``on_load(name, inputs_json)`` runs as a button callback (before the page's widgets are
    drawn) and puts a saved scenario back into the page; without it there is no Load button.
    """
    with st.expander("Scenario library — save this scenario and its runs, track the forecast"):
        lib = open_library()
        if lib is None:
            return
        try:
            _panel_body(lib, tool, scenario_json, iterations, seed, options, on_load, key)
        except LibraryError as err:  # e.g. the file was damaged or locked after opening
            st.error(
                f"The scenario library is unavailable: {escape_md(err)}", icon=":material/error:"
            )


def _panel_body(
    lib: Library,
    tool: str,
    scenario_json: str,
    iterations: int,
    seed: int | None,
    options: Mapping[str, Any] | None,
    on_load: Callable[[str, str], None] | None,
    key: str,
) -> None:
    flash = st.session_state.pop(f"{FLASH_KEY}_{key}", None)
    if flash is not None:
        (st.success if flash[0] == "success" else st.error)(escape_md(flash[1]))
    opts_json = _options_json(options)
    saved = lib.list_scenarios(tool)
    names = [s.name for s in saved]
    st.caption(
        f"Saved in the shared library file {escape_md(lib.path.name)} (the TPM\\_LIBRARY "
        "environment variable chooses the file). A run "
        "stores its headline figures with the seed and trial count, so you can see how "
        "the answer moves week by week."
    )
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    name = c1.text_input(
        "Scenario name",
        key=f"{key}_name",
        placeholder="e.g. Payments migration",
        max_chars=120,
    )

    def save(with_run: bool) -> None:
        try:
            rec = lib.save_scenario(tool, name, scenario_json)
            if with_run:
                figures = run_figures(tool, scenario_json, iterations, seed, opts_json)
                lib.add_run(rec.id, seed=seed, trials=iterations, figures=figures)
                n = len(lib.list_runs(rec.id))
                _flash(key, f"Saved run {n} of “{rec.name}”.")
            else:
                _flash(key, f"Saved scenario “{rec.name}”.")
            st.session_state[f"{key}_pick"] = rec.name
        except (LibraryError, InputError) as err:
            _flash(key, f"Not saved: {err}", "error")

    c2.button(
        "Save scenario",
        key=f"{key}_save",
        icon=":material/bookmark_add:",
        on_click=save,
        args=(False,),
        disabled=not name.strip(),
        help="Save (or overwrite) the inputs under this name.",
    )
    c3.button(
        "Save this run",
        key=f"{key}_save_run",
        type="primary",
        icon=":material/add_chart:",
        on_click=save,
        args=(True,),
        disabled=not name.strip(),
        help="Save the inputs and this run's headline figures (seed, trials) to the "
        "scenario's history.",
    )
    if not saved:
        st.info("No saved scenarios for this tool yet.", icon=":material/bookmarks:")
        return
    pick_key = f"{key}_pick"
    if st.session_state.get(pick_key) not in names:
        st.session_state[pick_key] = names[0]
    d1, d2, d3, d4 = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    picked_name = d1.selectbox("Saved scenarios", names, key=pick_key)
    picked = saved[names.index(picked_name)] if picked_name in names else saved[0]

    def load() -> None:
        try:
            text = lib.load_scenario(picked.id)
        except (LibraryError, InputError) as err:
            _flash(key, f"Could not load “{picked.name}”: {err}", "error")
            return
        assert on_load is not None
        try:
            on_load(picked.name, text)
        except InputError as err:  # e.g. a forecast saved before files carried the history
            _flash(key, f"Could not load “{picked.name}”: {err}", "error")
            return
        st.session_state[f"{key}_name"] = picked.name
        _flash(key, f"Loaded “{picked.name}”.")

    if on_load is not None:
        d2.button("Load", key=f"{key}_load", icon=":material/upload:", on_click=load)
    with d3.popover("Rename", icon=":material/edit:"):
        new_name = st.text_input("New name", value=picked.name, key=f"{key}_rename_to")

        def rename() -> None:
            try:
                rec = lib.rename_scenario(picked.id, new_name)
                st.session_state[pick_key] = rec.name
                _flash(key, f"Renamed to “{rec.name}”.")
            except LibraryError as err:
                _flash(key, f"Not renamed: {err}", "error")

        st.button("Rename", key=f"{key}_rename", on_click=rename)
    with d4.popover("Delete", icon=":material/delete:"):
        st.markdown(f"Delete **{escape_md(picked.name)}** and all its saved runs?")

        def delete() -> None:
            try:
                lib.delete_scenario(picked.id)
            except LibraryError as err:
                _flash(key, f"Not deleted: {err}", "error")
                return
            st.session_state.pop(pick_key, None)
            _flash(key, f"Deleted “{picked.name}”.")

        st.button("Delete for good", key=f"{key}_delete", type="primary", on_click=delete)
    runs, chart, movement = history_for(lib, picked)
    if chart is None:
        st.caption("No saved runs of this scenario yet: *Save this run* adds one.")
        return
    for c in chart if isinstance(chart, list) else [chart]:
        st.altair_chart(c, width="stretch")
    st.caption(escape_md(movement))
    show_runs_table(runs)


def show_runs_table(runs: pd.DataFrame) -> None:
    """Saved runs side by side (figures as columns)."""
    st.dataframe(
        runs.drop(columns=["run_id"], errors="ignore"),
        hide_index=True,
        width="stretch",
        column_config={
            "saved": st.column_config.DatetimeColumn("saved (UTC)", format="D MMM YYYY HH:mm"),
        },
    )


def tool_label(tool: str) -> str:
    return TOOL_LABELS.get(tool, tool)


def show_error(err: InputError | LibraryError) -> None:
    if isinstance(err, InputError):
        show_input_error(err, title="The saved scenario has problems")
    else:
        st.error(escape_md(err))


# --- Scenarios page helpers ----------------------------------------------------------------------
def scenarios_frame(lib: Library, tool: str | None = None) -> pd.DataFrame:
    """Saved scenarios: tool, name, saved runs, created, updated (most recent first)."""
    rows = [
        {
            "tool": tool_label(s.tool),
            "scenario": s.name,
            "runs": len(lib.list_runs(s.id)),
            "updated": pd.Timestamp(s.updated),
            "created": pd.Timestamp(s.created),
        }
        for s in lib.list_scenarios(tool)
    ]
    return pd.DataFrame(rows, columns=["tool", "scenario", "runs", "updated", "created"])


def run_label(row: Mapping[str, Any]) -> str:
    saved = pd.Timestamp(row["saved"])
    return f"#{row['run']} · {saved:%d %b %H:%M}"


def compare_frame(runs: pd.DataFrame, picks: list[str]) -> pd.DataFrame:
    """Chosen runs side by side: one column per run, one row per figure (text, so dates,
    counts and probabilities share a column)."""
    if runs.empty:
        return pd.DataFrame()
    labelled = runs.assign(label=[run_label(r) for r in runs.to_dict("records")])
    chosen = labelled[labelled["label"].isin(picks)] if picks else labelled
    body = chosen.drop(columns=["run", "run_id", "saved"]).set_index("label").T
    body.index = [figure_label(str(k)) for k in body.index]
    body.index.name = "figure"
    return body.astype(str).replace({"nan": "—", "None": "—"}).reset_index()
