"""Scenarios: every saved scenario of every tool, runs side by side, and how the headline
moved across saved runs. Widgets and calls only; the library is ``tpm_models.library``."""

from __future__ import annotations

import streamlit as st

from tpm_models.library import TOOL_LABELS, LibraryError
from ui import library as lib_ui
from ui.common import escape_md

st.title("Scenarios")
st.caption(
    "Scenarios and runs saved from the tool pages (*Scenario library* under each answer). "
    "Save a run each week and watch the P80, the NPV or the chance of meeting demand move."
)

lib = lib_ui.open_library()
try:
    overview = lib_ui.scenarios_frame(lib) if lib is not None else None
except LibraryError as err:  # damaged or locked after opening
    st.error(f"The scenario library is unavailable: {escape_md(err)}", icon=":material/error:")
    lib = None
if lib is None or overview is None:
    st.info(
        "The tool pages still work; only saving and the history need the library file.",
        icon=":material/info:",
    )
    st.stop()

if overview.empty:
    st.info(
        "Nothing saved yet. Open a tool page, run it, and use *Scenario library → Save this "
        "run* under the answer.",
        icon=":material/bookmarks:",
    )
    st.stop()

st.dataframe(
    overview,
    hide_index=True,
    width="stretch",
    column_config={
        "updated": st.column_config.DatetimeColumn("updated (UTC)", format="D MMM YYYY HH:mm"),
        "created": st.column_config.DatetimeColumn("created (UTC)", format="D MMM YYYY HH:mm"),
    },
)

tools = [t for t in TOOL_LABELS if lib.list_scenarios(t)]
c1, c2 = st.columns(2)
tool = c1.selectbox("Tool", tools, format_func=TOOL_LABELS.get, key="scn_tool")
saved = lib.list_scenarios(tool)
names = [s.name for s in saved]
name = c2.selectbox("Scenario", names, key="scn_name")
scenario = saved[names.index(name)] if name in names else saved[0]

st.subheader(f"{escape_md(scenario.name)} — {TOOL_LABELS[tool]}")
runs, chart, movement = lib_ui.history_for(lib, scenario)
if chart is None:
    st.info(
        "This scenario has no saved runs yet: run it on its tool page and *Save this run*.",
        icon=":material/info:",
    )
else:
    for c in chart if isinstance(chart, list) else [chart]:
        st.altair_chart(c, width="stretch")
    st.caption(escape_md(movement))
    st.markdown("**Compare runs side by side**")
    labels = [lib_ui.run_label(r) for r in runs.to_dict("records")]
    picks = st.multiselect(
        "Runs to compare", labels, default=labels[-2:], key=f"scn_picks_{scenario.id}"
    )
    st.dataframe(lib_ui.compare_frame(runs, picks), hide_index=True, width="stretch")

d1, d2, _ = st.columns([1, 1, 2])
d1.download_button(
    "Scenario (JSON)",
    data=scenario.inputs_json,
    file_name=f"{tool}-scenario.json",
    mime="application/json",
    icon=":material/data_object:",
    on_click="ignore",
    key="scn_dl_json",
    help="The saved inputs; upload them on the tool's page to restore them.",
)
with d2.popover("Delete", icon=":material/delete:"):
    st.markdown(f"Delete **{escape_md(scenario.name)}** and all its saved runs?")
    if st.button("Delete for good", key="scn_delete", type="primary"):
        lib.delete_scenario(scenario.id)
        st.rerun()
