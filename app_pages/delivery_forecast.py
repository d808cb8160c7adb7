"""Delivery forecast: when will the backlog be done, and how many items by a date?"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from tpm_models.charts.forecast import (
    how_many_chart,
    how_many_fan_chart,
    throughput_histogram,
    throughput_run_chart,
    when_chart,
)
from tpm_models.delivery_forecast import (
    HEADLINE_LEVELS,
    DailyThroughput,
    JiraIssues,
    parse_holiday_lines,
)
from tpm_models.errors import InputError
from ui import forecast as ui
from ui import library as library_ui
from ui.common import download_csv, escape_md, show_input_error

st.title("Delivery forecast")
st.caption(
    "When will the backlog be done, and how many items by a date? A Monte Carlo forecast "
    "that replays your team's past throughput thousands of times: no estimates needed."
)

# --- 1. history --------------------------------------------------------------------------------
up_col, info_col = st.columns([3, 2])
uploaded = up_col.file_uploader(
    "Jira CSV export, a `date,completed` table, or a forecast scenario (JSON)",
    type=["csv", "xlsx", "json"],
    key="fc_upload",
    help="In Jira: Filters → Export → CSV (all fields or current fields). Needs the columns "
    "Issue key, Issue Type, Status, Created and Resolved; other columns are ignored. "
    "A scenario JSON (downloaded below) restores a whole forecast: its settings and history.",
)

loaded: JiraIssues | DailyThroughput | None = None
source = uploaded.name if uploaded is not None else ui.SAMPLE_NAME
src = None
try:
    src = ui.history_source(uploaded)
    source = src.name
    if src.scenario is not None:
        loaded = src.scenario.history
    else:
        loaded = ui.load_history(src.data, src.name)
except InputError as err:
    show_input_error(err, title=f"Could not read {source}")
    info_col.warning(
        "Fix the file and upload it again; your other inputs below are kept.",
        icon=":material/edit_note:",
    )

if loaded is not None and src is not None:
    if isinstance(loaded, JiraIssues):
        full = loaded.history()
        facts = (
            f"{loaded.total} issues, {loaded.resolved_count} resolved; "
            f"{loaded.unresolved} unresolved skipped"
        )
    elif src.scenario is not None:
        full = loaded
        facts = f"{full.total_items} items in the scenario's throughput history"
        if src.scenario.history_file:
            facts += f" (from {escape_md(src.scenario.history_file)})"
    else:
        full = loaded
        facts = f"{full.total_items} items in a date,completed table"
    label = {
        "sample": "Sample data (a fictional team's Jira export)",
        "file": "Your file",
        "scenario": "Scenario file",
        "saved": "Saved scenario",
    }[src.kind]
    info_col.info(
        f"**{label}:** {escape_md(source)}  \n{facts}; history "
        f"{ui.fmt_date(full.first_date)} – {ui.fmt_date(full.last_date)}."
        + ("  \nUpload your own export on the left to replace it." if src.kind == "sample" else ""),
        icon=":material/dataset:",
    )
    fp = src.fingerprint
    default_start = full.last_date + dt.timedelta(days=1)
else:
    fp = "none"
    full = None
    default_start = dt.date.today()

# the form starts from a restored scenario's settings, else from the page's defaults
restored = ui.restored_settings()
d = restored or ui.PageInputs(
    start_date=default_start, target_date=default_start + dt.timedelta(days=55)
)
if src is None or src.scenario is None:  # a history file: the dates follow its last day
    d = d.model_copy(
        update={
            "start_date": default_start,
            "target_date": default_start + dt.timedelta(days=55),
            "window_start": None,
            "window_end": None,
        }
    )
k = ui.widget_key

# --- 2. inputs ---------------------------------------------------------------------------------
with st.form("fc_form", border=True):
    c1, c2, c3 = st.columns(3)
    c1.markdown("**Throughput history**")
    period = c1.radio(
        "Forecast period",
        ["day", "week"],
        format_func=lambda p: "Working days (weekends skipped)" if p == "day" else "Weeks",
        index=["day", "week"].index(d.period),
        key=k("fc_period"),
        horizontal=True,
    )
    window = c1.selectbox(
        "History window",
        list(ui.WINDOWS),
        index=list(ui.WINDOWS).index(d.window),
        key=k("fc_window"),
    )
    window_range: object = None
    # a scenario's history is already filtered; its issue types are kept for the record
    issue_types = src.scenario.settings.issue_types if src and src.scenario else None
    if full is not None:
        window_range = c1.date_input(
            "Custom range (used with 'Custom date range')",
            value=ui.range_value(d, full),
            min_value=full.first_date,
            max_value=full.last_date,
            key=k(f"fc_range_{fp}"),
        )
    c2.markdown("**Backlog**")
    b1, b2 = c2.columns(2)
    backlog_low = b1.number_input(
        "Items (low)",
        min_value=1,
        max_value=1_000_000,
        value=d.backlog_low,
        step=5,
        key=k("fc_backlog_low"),
    )
    backlog_high = b2.number_input(
        "Items (high)",
        min_value=1,
        max_value=1_000_000,
        value=d.backlog_high,
        step=5,
        key=k("fc_backlog_high"),
        help="Same as low for a fixed count; higher for a range (uniform).",
    )
    s1, s2 = c2.columns(2)
    split_low = s1.number_input(
        "Split rate (low)",
        min_value=0.1,
        max_value=10.0,
        value=d.split_low,
        step=0.05,
        key=k("fc_split_lo"),
    )
    split_high = s2.number_input(
        "Split rate (high)",
        min_value=0.1,
        max_value=10.0,
        value=d.split_high,
        step=0.05,
        key=k("fc_split_hi"),
        help="Items often split into several when worked on: 1.2 means 10 become 12.",
    )
    focus = c2.slider(
        "Focus on this backlog (%)",
        min_value=5,
        max_value=100,
        value=ui.focus_value(d),
        step=5,
        key=k("fc_focus"),
        help="Share of the team's throughput that goes to this backlog.",
    )
    c3.markdown("**Dates**")
    start = c3.date_input("Start date", value=d.start_date, key=k(f"fc_start_{fp}"))
    target = c3.date_input(
        "Target date (how many by then?)",
        value=d.target_date,
        key=k(f"fc_target_{fp}"),
    )
    holiday_text = c3.text_area(
        "Holidays (skipped with working days)",
        value=ui.holidays_text(d.holidays),
        key=k("fc_holidays"),
        height=90,
        placeholder="2026-12-25 Christmas\n2027-01-01",
        help="One date per line, YYYY-MM-DD; text after the date is ignored. Weekends are "
        "always skipped when the period is working days.",
    )
    r1, r2 = c3.columns(2)
    trial_options = ui.trial_options(d.iterations)
    iterations = r1.selectbox(
        "Trials", trial_options, index=trial_options.index(d.iterations), key=k("fc_iterations")
    )
    seed = r2.number_input("Seed", min_value=0, max_value=2**31 - 1, value=d.seed, key=k("fc_seed"))
    if full is not None and isinstance(loaded, JiraIssues):
        types = loaded.issue_types()
        issue_types = tuple(
            st.multiselect(
                "Issue types to count as throughput",
                types,
                default=types,
                key=k(f"fc_types_{fp}"),
                help="Only resolved issues of these types count as finished items.",
            )
        )
    with st.expander("Discovered work (optional risks)"):
        risk_rows = st.data_editor(
            ui.risks_frame(d.risks),
            num_rows="dynamic",
            key=k("fc_risks"),
            column_config={
                "name": st.column_config.TextColumn("Risk"),
                "probability": st.column_config.NumberColumn(
                    "Probability %", min_value=0, max_value=100
                ),
                "low_items": st.column_config.NumberColumn("Adds items (low)", min_value=0),
                "high_items": st.column_config.NumberColumn("Adds items (high)", min_value=0),
            },
            width="stretch",
        )
    st.form_submit_button("Run forecast", type="primary", icon=":material/play_arrow:")

if full is None or loaded is None or src is None:
    st.stop()

# --- 3. run ------------------------------------------------------------------------------------
try:
    win_start = win_end = None
    if isinstance(window_range, tuple | list) and len(window_range) == 2:
        win_start, win_end = window_range
    elif window == "Custom date range":
        raise InputError.single("History window", "pick both a start and an end date")
    page = ui.PageInputs(
        period=period,
        window=window,
        window_start=win_start,
        window_end=win_end,
        issue_types=issue_types,
        backlog_low=int(backlog_low),
        backlog_high=int(backlog_high),
        split_low=float(split_low),
        split_high=float(split_high),
        focus_percent=float(focus),
        start_date=start,
        target_date=target,
        iterations=int(iterations),
        seed=int(seed),
        risks=ui.risks_from_rows(risk_rows.to_dict("records")),
        holidays=parse_holiday_lines(holiday_text or ""),
    )
    history = ui.history_of(loaded, page)
    inputs = ui.forecast_inputs(history, page)
    result = ui.run_forecast(inputs.model_dump_json(), page.iterations, page.seed)
except InputError as err:
    show_input_error(err, title="The inputs have problems")
    st.stop()

unit = ui.UNITS[period]
per_period = history.per_period(period, page.calendar)

# --- 4. answers --------------------------------------------------------------------------------
st.subheader("Forecast")
st.info(
    "How to read the percentages: “85% likely by a date” means at least 85% of the simulated "
    "futures finished by then, so the P95 date is later than the P50 date; “85% likely at least "
    "n items” means at least 85% of them finished n or more, so the P95 count is smaller than "
    "the P50 count.",
    icon=":material/info:",
)
col_when, col_many = st.columns(2)
with col_when:
    with st.container(border=True):
        st.markdown(f"#### {ui.headline_when(result)}")
        st.caption(
            f"to finish {ui.backlog_text(inputs)} starting {ui.fmt_date(ui.first_day(result))} · "
            + " · ".join(
                f"P{lv} {ui.fmt_date(result.when_date(lv))} ({result.when_periods_at(lv)} {unit})"
                for lv in HEADLINE_LEVELS
            )
            + " · Monte Carlo standard error of P85: "
            + ui.se_text(result.when_standard_error(85), unit)
        )
    markers = [(f"P{lv}", result.when_date(lv)) for lv in HEADLINE_LEVELS]
    st.altair_chart(
        when_chart(
            result.when_table(),
            markers,
            items_label=ui.backlog_text(inputs),
            deadline=target,
            deadline_label="Target",
        ),
        width="stretch",
    )
    st.dataframe(
        ui.when_display(result),
        hide_index=True,
        width="stretch",
        column_config={
            "Likelihood": st.column_config.ProgressColumn(
                "Likelihood", format="percent", min_value=0.0, max_value=1.0
            ),
            "Done by": st.column_config.DateColumn("Done by", format="ddd D MMM YYYY"),
        },
        height=250,
    )
with col_many:
    with st.container(border=True):
        st.markdown(f"#### {ui.headline_how_many(result)}")
        st.caption(
            f"{result.target_periods} {unit} from {ui.fmt_date(ui.first_day(result))} · "
            + " · ".join(f"P{lv} {result.how_many_at(lv)} items" for lv in HEADLINE_LEVELS)
            + f" · the backlog is done by then in {result.when_probability(target):.0%} of trials"
            + f" · standard error of P85: {ui.se_text(result.how_many_standard_error(85), 'items')}"
        )
    many_markers = [(f"P{lv}", result.how_many_at(lv)) for lv in HEADLINE_LEVELS]
    st.altair_chart(
        how_many_chart(result.how_many_table(), many_markers, target=target),
        width="stretch",
    )
    st.dataframe(
        ui.how_many_display(result),
        hide_index=True,
        width="stretch",
        column_config={
            "Likelihood": st.column_config.ProgressColumn(
                "Likelihood", format="percent", min_value=0.0, max_value=1.0
            ),
        },
        height=250,
    )

assert inputs.backlog is not None
st.altair_chart(
    how_many_fan_chart(
        result.fan_frame(),
        target=target,
        backlog_items=inputs.backlog.high_items,
        period=period,
    ),
    width="stretch",
)

d1, d2, d3, _ = st.columns([1, 1, 1, 1])
with d1:
    download_csv(
        ui.results_frame(result),
        "delivery-forecast-results.csv",
        "Download results (CSV)",
        key="fc_download_csv",
    )
scenario_json = ui.forecast_to_json(ui.scenario_of(loaded, page, src))
d2.download_button(
    "Scenario (JSON)",
    data=scenario_json,
    file_name="delivery_forecast_scenario.json",
    mime="application/json",
    key="fc_download_json",
    icon=":material/download:",
    help="Every setting and the throughput history: upload it above (or load it from the "
    "scenario library) to get back to exactly this forecast.",
)

with d3:
    library_ui.report_button(
        "forecast",
        inputs.model_dump_json(),
        iterations=page.iterations,
        seed=page.seed,
        options={"source": source},
        key="fc_dl_report",
    )
library_ui.library_panel(
    "forecast",
    scenario_json,
    iterations=page.iterations,
    seed=page.seed,
    options={"source": source},
    on_load=ui.restore_saved,
    key="fc_lib",
)

# --- 5. the history the forecast replays ---------------------------------------------------------
st.subheader("Throughput history")
st.caption(
    f"Window: {ui.fmt_date(history.first_date)} – {ui.fmt_date(history.last_date)} "
    f"({len(per_period)} {unit}, {history.total_items} items, "
    f"mean {per_period['completed'].mean():.2f} items per {period}). "
    "Items finished on a weekend or holiday count towards the next working day."
)
g1, g2 = st.columns([3, 2])
g1.altair_chart(throughput_run_chart(per_period, period), width="stretch")
g2.altair_chart(throughput_histogram(per_period, period), width="stretch")
