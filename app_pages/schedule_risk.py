"""Schedule risk: from a spreadsheet to an executive-ready answer in one screen.

Widgets and calls only; state, validation and caching live in ``ui/schedule.py``, the engine in
``tpm_models.schedule_risk``, the charts in ``tpm_models.charts.schedule``.
"""

from __future__ import annotations

import streamlit as st

from tpm_models.errors import InputError
from tpm_models.estimates import DISTRIBUTIONS
from tpm_models.schedule_risk.readers import schedule_to_json
from ui import library as library_ui
from ui import schedule as ui
from ui.common import escape_md, show_input_error

st.title("Schedule risk")
st.caption(
    "Can we promise the date? A Monte Carlo simulation over your task network gives the "
    "finish dates you can commit to, the chance of meeting a deadline, and the tasks and "
    "risks that drive the tail."
)

s = ui.state()
ui.ensure_settings_widgets()
ui.restore_edits_after_navigation()
ui.process_upload_queue()
data: ui.DataSet = s["data"]

# --- where the data comes from ------------------------------------------------------------------
src_col, btn_col = st.columns([3, 1], vertical_alignment="center")
src_col.markdown(f":material/dataset: **Data:** {escape_md(data.label)}")
btn_col.button(
    "Use sample project",
    on_click=ui.use_sample,
    icon=":material/restart_alt:",
    key="sched_use_sample",
    help="Reload the bundled payments-platform migration and its default run settings.",
)
if s.get("load_error") is not None:
    show_input_error(
        s["load_error"], title="That file could not be loaded — your current tables are unchanged"
    )
elif s.get("message"):
    st.success(escape_md(s["message"]), icon=":material/check_circle:")
for note in data.notes:
    st.info(escape_md(note), icon=":material/info:")

# --- data in: upload, edit, scenario -------------------------------------------------------------
with st.expander(
    "Your data — upload files, edit the tables, or restore a scenario", expanded=False
):
    tab_edit, tab_upload, tab_scenario = st.tabs(["Edit tables", "Upload files", "Scenario JSON"])
    with tab_upload:
        st.markdown(
            "Upload a **tasks** file to start a new project (CSV, Excel or MS Project XML). "
            "Risks, correlations and holidays uploaded on their own replace just that table."
        )
        up_cols = st.columns(4)
        for col, (kind, label, types) in zip(
            up_cols,
            [
                ("tasks", "Tasks", ["csv", "xlsx", "xml"]),
                ("risks", "Risks", ["csv", "xlsx"]),
                ("correlations", "Correlations", ["csv", "xlsx"]),
                ("holidays", "Holidays", ["csv", "xlsx"]),
            ],
            strict=True,
        ):
            col.file_uploader(
                label,
                type=types,
                key=ui.uploader_key(kind),
                on_change=ui.on_upload,
                args=(kind,),
                help=ui.UPLOAD_HELP[kind],
            )
        st.caption("Templates (the sample project's files):")
        tmpl_cols = st.columns(4)
        for col, (name, content) in zip(tmpl_cols, ui.sample_files(), strict=True):
            col.download_button(
                name,
                data=content,
                file_name=name,
                mime="text/csv",
                on_click="ignore",
                icon=":material/download:",
                key=f"sched_tmpl_{name}",
            )
    with tab_scenario:
        st.markdown(
            "A scenario JSON holds every input (tasks, risks, correlations, start date, "
            "holidays). Download it under *Take it away* below; upload it here to get back to "
            "exactly the same state."
        )
        st.file_uploader(
            "Scenario JSON",
            type=["json"],
            key=ui.uploader_key("scenario"),
            on_change=ui.on_upload,
            args=("scenario",),
        )
    with tab_edit:
        st.caption(
            "Edit cells in place; add rows at the bottom, delete with the row checkbox. "
            "Durations and impacts are in working days. Every change is re-checked; problems "
            "are listed by table, row and column and your edits stay as typed."
        )
        task_ids = data.tasks["id"].dropna().astype(str).tolist()
        st.markdown("**Tasks**")
        tasks_df = st.data_editor(
            data.tasks,
            key=ui.editor_key("tasks"),
            num_rows="dynamic",
            hide_index=False,  # the row labels are the row numbers problems refer to
            width="stretch",
            column_config={
                "id": st.column_config.TextColumn("id", required=True, help="Unique task id"),
                "name": st.column_config.TextColumn("name", width="medium"),
                "low": st.column_config.NumberColumn(
                    "low", min_value=0.0, step=0.5, format="%.1f", help="Optimistic, working days"
                ),
                "likely": st.column_config.NumberColumn(
                    "likely", min_value=0.0, step=0.5, format="%.1f", help="Most likely, days"
                ),
                "high": st.column_config.NumberColumn(
                    "high", min_value=0.0, step=0.5, format="%.1f", help="Pessimistic, days"
                ),
                "distribution": st.column_config.SelectboxColumn(
                    "distribution", options=list(DISTRIBUTIONS), default="pert"
                ),
                "predecessors": st.column_config.TextColumn(
                    "predecessors",
                    width="medium",
                    help=(
                        "Task ids separated by ';'. Optional link type and lag in working "
                        "days: `A; B:SS+2; C:FF-1` (FS is the default)."
                    ),
                ),
                "owner": st.column_config.TextColumn("owner"),
                "phase": st.column_config.TextColumn("phase"),
            },
        )
        st.markdown("**Risks**")
        risks_df = st.data_editor(
            data.risks,
            key=ui.editor_key("risks"),
            num_rows="dynamic",
            hide_index=False,  # the row labels are the row numbers problems refer to
            width="stretch",
            column_config={
                "id": st.column_config.TextColumn("id", required=True),
                "name": st.column_config.TextColumn("name", width="medium"),
                "probability": st.column_config.NumberColumn(
                    "probability",
                    min_value=0.0,
                    max_value=1.0,
                    step=0.05,
                    format="%.2f",
                    help="Chance the risk occurs, 0..1 (0.25 = 25%)",
                ),
                "impact_low": st.column_config.NumberColumn("impact_low", min_value=0.0),
                "impact_likely": st.column_config.NumberColumn("impact_likely", min_value=0.0),
                "impact_high": st.column_config.NumberColumn("impact_high", min_value=0.0),
                "impact_unit": st.column_config.SelectboxColumn(
                    "impact_unit",
                    options=["days", "percent"],
                    default="days",
                    help="days: working days added; percent: % of the hit task's duration",
                ),
                "tasks": st.column_config.TextColumn(
                    "tasks", help="Ids of the tasks it hits, separated by ';'"
                ),
                "distribution": st.column_config.SelectboxColumn(
                    "distribution", options=list(DISTRIBUTIONS), default="pert"
                ),
            },
        )
        st.markdown("**Correlations** (Spearman ρ between two tasks' durations)")
        corr_df = st.data_editor(
            data.correlations,
            key=ui.editor_key("correlations"),
            num_rows="dynamic",
            hide_index=False,  # the row labels are the row numbers problems refer to
            width="stretch",
            column_config={
                "task_a": st.column_config.SelectboxColumn("task_a", options=task_ids),
                "task_b": st.column_config.SelectboxColumn("task_b", options=task_ids),
                "rho": st.column_config.NumberColumn(
                    "rho", min_value=-1.0, max_value=1.0, step=0.05, format="%.2f"
                ),
            },
        )
tables = {"tasks": tasks_df, "risks": risks_df, "correlations": corr_df}
for kind, frame in tables.items():
    ui.remember_edits(kind, frame)

# --- validate the tables (the form's callback has already stored the settings) ------------------
settings: ui.RunSettings = s["settings"]
table_error: InputError | None = None
inputs = None
try:
    inputs = ui.inputs_from_tables(tables, data, settings)
    s["last_good"] = inputs
except InputError as err:
    table_error = err
    show_input_error(
        err, title="The tables have problems — fix the cells listed (your edits are kept)"
    )
    inputs = s.get("last_good")

# --- run settings ---------------------------------------------------------------------------------
with st.form("sched_settings", border=True):
    st.markdown("**Run settings**")
    c1, c2, c3, c4, c5 = st.columns([1.2, 1.2, 1, 1, 1.3])
    c1.date_input("Project start", key=ui.W_START, format="YYYY-MM-DD")
    c2.date_input(
        "Deadline (optional)",
        key=ui.W_DEADLINE,
        format="YYYY-MM-DD",
        help="The date you are asked to promise. Leave empty to compare with the plan date.",
    )
    c3.number_input(
        "Trials",
        min_value=ui.MIN_TRIALS,
        max_value=ui.MAX_TRIALS,
        step=1_000,
        key=ui.W_TRIALS,
        help=f"10,000 is plenty for P80/P90; at most {ui.MAX_TRIALS:,}.",
    )
    c4.number_input(
        "Seed",
        min_value=0,
        step=1,
        key=ui.W_SEED,
        help="Same inputs + same seed = the same answer. Change it to see the sampling noise.",
    )
    c5.radio(
        "Sampling",
        list(ui.METHOD_LABELS),
        key=ui.W_METHOD,
        horizontal=True,
        help="Latin Hypercube spreads the draws evenly; it converges faster for the same trials.",
    )
    with st.expander(f"Holidays ({len(data.holidays)}) — non-working days besides weekends"):
        st.text_area(
            "One date per line (YYYY-MM-DD)",
            key=ui.W_HOLIDAYS,
            height=150,
        )
    st.form_submit_button(
        "Run simulation",
        type="primary",
        icon=":material/play_arrow:",
        on_click=ui.submit_settings,
        key="sched_run",
    )
if s.get("settings_error") is not None:
    show_input_error(s["settings_error"], title="Some run settings were not used")
with st.expander("PERT or triangular? Which distribution to pick (plain words)"):
    st.markdown(ui.DISTRIBUTION_HELP)

# --- run ------------------------------------------------------------------------------------------
if table_error is not None:
    if inputs is None:
        st.stop()
    st.warning(
        "The tables have problems (listed above, under *Your data*); the results below are "
        "for the last valid version of the tables.",
        icon=":material/warning:",
    )

view = ui.run(inputs, settings)

# --- the answer -----------------------------------------------------------------------------------
st.subheader("The answer")
with st.container(border=True):
    st.markdown(f"#### {escape_md(ui.headline_sentence(view))}")
    m = st.columns(4)
    m[0].metric(
        "Plan (CPM) finish",
        ui.fmt_date(view.deterministic_finish_date),
        help="Every task at its most likely duration, no risks: the single-point plan.",
    )
    for col, q in zip(m[1:], (50, 80, 90), strict=True):
        days, date, se = view.headline[q]
        col.metric(
            f"P{q} finish",
            ui.fmt_date(date),
            delta=ui.vs_plan_text(view, q),
            delta_color="inverse",
            help=(
                f"{q}% of trials finish on or before this date (working day {days:.1f} from "
                f"the start; standard error {se:.2f} days). The arrow: working days later "
                "than the plan (CPM) finish."
            ),
        )
    m2 = st.columns(4)
    m2[0].metric(
        "Chance by the deadline",
        ui.fmt_prob(view.deadline_probability) if view.deadline else "no deadline",
        help=(
            f"Share of trials finishing on or before {ui.fmt_date(view.deadline)}."
            if view.deadline
            else "Set a deadline in the run settings to see its chance."
        ),
    )
    m2[1].metric(
        "Buffer for 80%",
        ui.buffer_text(view, 80),
        help=(
            "Working days to add after the plan (CPM) finish date to be 80% sure "
            f"(P80 − plan = {view.buffer_days[80]:.1f} days of working time)."
        ),
    )
    m2[2].metric(
        "Buffer for 90%",
        ui.buffer_text(view, 90),
        help=(
            "Working days to add after the plan (CPM) finish date to be 90% sure "
            f"(P90 − plan = {view.buffer_days[90]:.1f} days of working time)."
        ),
    )
    m2[3].metric(
        "Chance by the plan date",
        ui.fmt_prob(view.plan_probability),
        help="How likely the single-point plan is — usually much less than people think.",
    )
    st.caption(
        f"{view.iterations:,} trials · seed {view.seed} · "
        f"{'Latin Hypercube' if view.method == 'latin_hypercube' else 'Monte Carlo'} · "
        f"{len(inputs.tasks)} tasks, {len(inputs.risks)} risks, "
        f"{len(inputs.correlations)} correlations · start {ui.fmt_date(view.start_date)}"
    )
for warning in view.warnings:
    st.warning(escape_md(warning), icon=":material/warning:")

# --- charts ---------------------------------------------------------------------------------------
built = ui.build_charts(view)
row1 = st.columns(2)
row1[0].altair_chart(built["histogram"], width="stretch")
row1[1].altair_chart(built["s_curve"], width="stretch")
row2 = st.columns(2)
row2[0].altair_chart(built["tornado"], width="stretch")
row2[1].altair_chart(built["criticality"], width="stretch")
if "risks" in built:
    st.altair_chart(built["risks"], width="stretch")
st.altair_chart(built["gantt"], width="stretch")

# --- what-if --------------------------------------------------------------------------------------
st.subheader("What if we mitigate a risk?")
if not inputs.risks:
    st.info("There are no risks in the register. Add some in the Risks table to try mitigations.")
else:
    st.caption(
        "Lower a risk's probability (a mitigation) or tick *remove*, then compare. The same "
        "seed is reused, so every other draw is identical and the difference is the "
        "mitigation alone."
    )
    with st.form("sched_whatif_form", border=False):
        whatif_table = st.data_editor(
            ui.whatif_frame(inputs),
            key=ui.whatif_key(inputs),
            hide_index=True,
            width="stretch",
            disabled=["id", "name"],
            column_config={
                "id": st.column_config.TextColumn("id"),
                "name": st.column_config.TextColumn("risk", width="large"),
                "probability": st.column_config.NumberColumn(
                    "probability", min_value=0.0, max_value=1.0, step=0.05, format="%.2f"
                ),
                "remove": st.column_config.CheckboxColumn("remove", help="Probability 0"),
            },
        )
        compare = st.form_submit_button(
            "Compare with this mitigation", icon=":material/compare_arrows:", key="sched_compare"
        )
    if compare:
        s["whatif"] = (schedule_to_json(inputs), whatif_table)
    stored = s.get("whatif")
    if stored is not None and stored[0] == schedule_to_json(inputs):
        try:
            after_inputs = ui.apply_whatif(inputs, stored[1])
        except InputError as err:
            show_input_error(err, title="The what-if table has problems")
        else:
            after = ui.run(after_inputs, settings)
            cmp = ui.compare(view, after)
            w = st.columns(3)
            w[0].metric(
                "P80 finish after mitigation",
                ui.fmt_date(after.headline[80][1]),
                delta=cmp["p80_delta_text"],
                delta_color="inverse",
            )
            w[1].metric(
                "Chance by the deadline" if view.deadline else "Chance by the plan date",
                ui.fmt_prob(cmp["after_probability"]),
                delta=cmp["probability_delta_text"],
            )
            w[2].metric(
                "Risks changed",
                cmp["changed_ids"] or "none",
                help="Risks whose probability differs from the register (removed = 0).",
            )
            st.altair_chart(ui.compare_chart(view, after), width="stretch")

# --- take it away ---------------------------------------------------------------------------------
st.subheader("Take it away")
d = st.columns(4)
d[0].download_button(
    "Results (CSV)",
    data=ui.results_csv(view),
    file_name="schedule_results.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
    key="sched_dl_csv",
    help="Percentiles and per-task metrics in one formula-safe CSV.",
)
d[1].download_button(
    "Results workbook (Excel)",
    data=ui.results_excel(view),
    file_name="schedule_results.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table_view:",
    on_click="ignore",
    key="sched_dl_xlsx",
    help="Sheets: summary, percentiles, tasks, risks.",
)
d[2].download_button(
    "Scenario (JSON)",
    data=schedule_to_json(inputs),
    file_name="schedule_scenario.json",
    mime="application/json",
    icon=":material/data_object:",
    on_click="ignore",
    key="sched_dl_json",
    help="Every input; upload it under Your data → Scenario JSON to restore this state.",
)
with d[3]:
    library_ui.report_button(
        "schedule",
        schedule_to_json(inputs),
        iterations=settings.iterations,
        seed=settings.seed,
        options=ui.library_options(settings),
        key="sched_dl_report",
    )
library_ui.library_panel(
    "schedule",
    schedule_to_json(inputs),
    iterations=settings.iterations,
    seed=settings.seed,
    options=ui.library_options(settings),
    on_load=ui.restore_saved,
    key="sched_lib",
)
with st.expander("Chart images (PNG / SVG)"):
    pick = st.selectbox(
        "Chart", [k for k in ui.CHART_TITLES if k in built], format_func=ui.CHART_TITLES.get
    )
    fmt = st.radio("Format", ["png", "svg"], horizontal=True, key="sched_img_fmt")
    if st.button("Prepare image", key="sched_img_make", icon=":material/image:"):
        s["image"] = (pick, fmt, ui.chart_image(built[pick], fmt))
    image = s.get("image")
    if image is not None and image[0] == pick and image[1] == fmt:
        if image[2] is None:
            st.warning(
                "The image could not be made here (the converter failed). Use the ⋯ menu at "
                "the top right of any chart to save it as PNG or SVG instead."
            )
        else:
            st.download_button(
                f"Download {ui.CHART_TITLES[pick]} ({fmt.upper()})",
                data=image[2],
                file_name=f"schedule_{pick}.{fmt}",
                mime="image/png" if fmt == "png" else "image/svg+xml",
                on_click="ignore",
                icon=":material/download:",
                key="sched_dl_img",
            )
