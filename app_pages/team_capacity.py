"""Team capacity: how many people, hired when, to meet the roadmap."""

import streamlit as st

from tpm_models.charts.capacity import (
    capacity_fan_chart,
    cumulative_chart,
    headcount_chart,
    plan_comparison_chart,
    prob_meets_chart,
)
from tpm_models.errors import InputError
from tpm_models.team_capacity.scenario import month_label
from ui import capacity as cap
from ui import library as library_ui
from ui.common import download_csv, escape_md, show_input_error

st.title("Team capacity")
st.caption(
    "How many people, hired when, to meet the roadmap? Capacity per month is simulated with "
    "attrition, backfill gaps, time to hire, ramp-up and mentoring drag, and compared with "
    "demand; the solver finds the fewest hires, started as late as possible, that meet it."
)

state = cap.state()
v = state.version
base = state.base

# --- source --------------------------------------------------------------------------------
src_col, btn_col = st.columns([3, 1], vertical_alignment="bottom")
upload = src_col.file_uploader(
    "Upload a scenario JSON (downloaded from this page or written by hand)",
    type=["json"],
    key="cap_upload",
)
if upload is not None and cap.handle_upload(upload.getvalue(), upload.name, upload.file_id):
    st.rerun()
if btn_col.button("Load the sample", icon=":material/restart_alt:", key="cap_sample"):
    cap.set_base(cap.sample_scenario(), "sample")
    st.rerun()
if state.upload_error is not None:
    show_input_error(
        state.upload_error, title="The uploaded file was not loaded; the tables below are unchanged"
    )
if state.source == "sample":
    st.info(
        "**Sample data**: a 35-person platform engineering org (Backend, Frontend, Data, "
        "QA/SRE) with a growing 2027–28 roadmap, 13% annual attrition and three planned hires. "
        "Edit the tables, or upload your own scenario.",
        icon=":material/science:",
    )
else:
    st.caption(f"Scenario loaded from **{escape_md(state.source)}**.")
if state.applied_plan:
    st.success("The solver's hires were added to the hires table.", icon=":material/check:")

answer = st.container()

# --- inputs --------------------------------------------------------------------------------
st.header("Inputs")
with st.form(f"cap_form_{v}"):
    t_roster, t_hires, t_demand = st.tabs(["Roster", "Planned hires", "Demand"])
    with t_roster:
        st.caption(
            "One line per group of people. FTE is per person (1 = full time). A line with an "
            "end month (e.g. a contractor) leaves after it and is not backfilled."
        )
        roster = st.data_editor(
            cap.roster_frame(base),
            num_rows="dynamic",
            hide_index=False,  # row labels 1, 2, … are the rows problems name
            width="stretch",
            key=f"cap_roster_{v}",
            column_config={
                "role": st.column_config.TextColumn("Role", required=True),
                "headcount": st.column_config.NumberColumn("Headcount", min_value=0, step=1),
                "fte": st.column_config.NumberColumn(
                    "FTE per person", min_value=0.05, max_value=1.0
                ),
                "start_month": st.column_config.TextColumn("Joins (YYYY-MM)"),
                "end_month": st.column_config.TextColumn("Leaves after (YYYY-MM)"),
            },
        )
    with t_hires:
        st.caption(
            "Wanted start month per hire line. The requisition opens ⌈likely time to hire⌉ "
            "months earlier; a slower hire starts late. FTE < 1 models a junior's full "
            "productivity; ramp overrides the default ramp for this line."
        )
        hires = st.data_editor(
            cap.hires_frame(base.hires),
            num_rows="dynamic",
            hide_index=False,  # row labels 1, 2, … are the rows problems name
            width="stretch",
            key=f"cap_hires_{v}",
            column_config={
                "role": st.column_config.TextColumn("Role", required=True),
                "count": st.column_config.NumberColumn("People", min_value=0, step=1),
                "target_month": st.column_config.TextColumn("Wanted start (YYYY-MM)"),
                "fte": st.column_config.NumberColumn("FTE", min_value=0.05, max_value=1.0),
                "ramp_months": st.column_config.NumberColumn("Ramp (months)", min_value=0, step=1),
                "label": st.column_config.TextColumn("Note"),
            },
        )
    with t_demand:
        st.caption(
            "Effective FTE a role needs from the month on (until its next line). Give FTE or "
            "person-days per month."
        )
        demand = st.data_editor(
            cap.demand_frame(base),
            num_rows="dynamic",
            hide_index=False,  # row labels 1, 2, … are the rows problems name
            width="stretch",
            key=f"cap_demand_{v}",
            column_config={
                "role": st.column_config.TextColumn("Role", required=True),
                "month": st.column_config.TextColumn("From month (YYYY-MM)"),
                "fte": st.column_config.NumberColumn("FTE", min_value=0.0),
                "person_days": st.column_config.NumberColumn("or person-days", min_value=0.0),
            },
        )

    st.markdown("**Parameters**")
    c1, c2, c3, c4 = st.columns(4)
    start_month = c1.text_input("First month (YYYY-MM)", base.start_month, key=f"cap_start_{v}")
    months = c1.number_input("Months to simulate", 1, 120, base.months, key=f"cap_months_{v}")
    attrition = c1.number_input(
        "Attrition, % per year",
        0.0,
        95.0,
        round(base.attrition_annual * 100, 2),
        step=1.0,
        key=f"cap_attr_{v}",
        help="Share of people who leave in a year. Each month each person leaves with "
        "probability 1 − (1 − r)^(1/12).",
    )
    backfill_on = c2.checkbox(
        "Backfill leavers",
        base.backfill.enabled,
        key=f"cap_bf_{v}",
        help="Replace each leaver after the backfill lag; the replacement ramps like a new hire.",
    )
    lag = base.backfill.lag_months
    lag_low = c2.number_input("Backfill lag, low (months)", 0.0, 36.0, lag.low, key=f"cap_ll_{v}")
    lag_likely = c2.number_input(
        "… likely",
        0.0,
        36.0,
        lag.likely,
        key=f"cap_lm_{v}",
        help="Months from a leaver "
        "leaving to the replacement's first day (three-point estimate, PERT).",
    )
    lag_high = c2.number_input("… high", 0.0, 36.0, lag.high, key=f"cap_lh_{v}")
    tth = base.time_to_hire_months
    tth_low = c3.number_input("Time to hire, low (months)", 0.0, 36.0, tth.low, key=f"cap_tl_{v}")
    tth_likely = c3.number_input(
        "… likely",
        0.0,
        36.0,
        tth.likely,
        key=f"cap_tm_{v}",
        help="Months from opening a requisition to the first day. Requisitions open this "
        "many months (rounded up) before the wanted start.",
    )
    tth_high = c3.number_input("… high", 0.0, 36.0, tth.high, key=f"cap_th_{v}")
    ramp = c4.number_input(
        "Ramp-up (months)",
        0,
        36,
        base.ramp_months,
        key=f"cap_ramp_{v}",
        help="Months until a new person is fully productive. Linear: month m gives (m − ½)/N.",
    )
    curve = c4.selectbox(
        "Ramp shape",
        ["linear", "s_curve"],
        index=["linear", "s_curve"].index(base.ramp_curve),
        format_func={"linear": "Linear", "s_curve": "S-curve (slow start)"}.get,
        key=f"cap_curve_{v}",
    )
    drag = c4.number_input(
        "Onboarding drag (FTE per ramping hire)",
        0.0,
        1.0,
        base.onboarding_drag,
        step=0.05,
        key=f"cap_drag_{v}",
        help="Time existing staff spend mentoring each person who is still ramping up.",
    )
    c5, c6, c7, c8 = st.columns(4)
    focus = c5.number_input(
        "Focus factor, %",
        1.0,
        100.0,
        round(base.focus_factor * 100, 2),
        key=f"cap_focus_{v}",
        help="Share of time spent on roadmap work (meetings, support and overhead excluded). "
        "Multiplies capacity.",
    )
    pto = c6.number_input(
        "Holidays and PTO, % of time",
        0.0,
        90.0,
        round(base.pto_fraction * 100, 2),
        key=f"cap_pto_{v}",
        disabled=base.pto_days_per_month is not None or base.pto_by_calendar_month is not None,
        help="Average share of working time lost to holidays and leave. (Disabled when the "
        "scenario file gives PTO in days per month or per calendar month.)",
    )
    iterations = c7.selectbox(
        "Trials",
        [2_000, 5_000, 10_000, 20_000],
        index=2,
        format_func="{:,}".format,
        key=f"cap_iter_{v}",
    )
    seed = c8.number_input("Random seed", 0, 2**31 - 1, 1, key=f"cap_seed_{v}")
    with st.expander("Hiring funnel conversion rates"):
        f = base.funnel
        f1, f2, f3, f4 = st.columns(4)
        a2s = f1.number_input(
            "Applicant → screen", 0.01, 1.0, f.applicant_to_screen, key=f"cap_f1_{v}"
        )
        s2i = f2.number_input(
            "Screen → interview", 0.01, 1.0, f.screen_to_interview, key=f"cap_f2_{v}"
        )
        i2o = f3.number_input(
            "Interview → offer", 0.01, 1.0, f.interview_to_offer, key=f"cap_f3_{v}"
        )
        o2a = f4.number_input("Offer → accept", 0.01, 1.0, f.offer_to_accept, key=f"cap_f4_{v}")
    st.form_submit_button("Run simulation", type="primary", icon=":material/play_arrow:")

# solver settings are widgets further down; read their current values (or the base's)
month_opts = list(base.month_labels)
solver_defaults = base.solver
conf_pct = st.session_state.get(f"cap_conf_{v}", round(solver_defaults.confidence * 100))
target = st.session_state.get(f"cap_target_{v}", solver_defaults.target_month or base.start_month)
until = st.session_state.get(f"cap_until_{v}", solver_defaults.until_month or base.end_month)
max_hires = st.session_state.get(f"cap_max_{v}", solver_defaults.max_hires_per_role)

params = {
    "start_month": start_month,
    "months": int(months),
    "attrition_annual": attrition / 100,
    "backfill": {
        "enabled": backfill_on,
        "lag_months": {
            "low": lag_low,
            "likely": lag_likely,
            "high": lag_high,
            "distribution": lag.distribution,
        },
    },
    "time_to_hire_months": {
        "low": tth_low,
        "likely": tth_likely,
        "high": tth_high,
        "distribution": tth.distribution,
    },
    "ramp_months": int(ramp),
    "ramp_curve": curve,
    "onboarding_drag": drag,
    "focus_factor": focus / 100,
    "pto_fraction": pto / 100,
    "funnel": {
        "applicant_to_screen": a2s,
        "screen_to_interview": s2i,
        "interview_to_offer": i2o,
        "offer_to_accept": o2a,
    },
    "solver": {
        **solver_defaults.model_dump(mode="json"),
        "confidence": conf_pct / 100,
        "target_month": target,
        "until_month": until,
        "max_hires_per_role": int(max_hires),
    },
}
try:
    scenario = cap.build_scenario(base, roster, hires, demand, params)
    cap.check_run(scenario, int(iterations))
except InputError as err:
    show_input_error(
        err, title="Fix these inputs to run (your edits are kept; row 1 = a table's first row)"
    )
    st.stop()

with st.spinner("Simulating…"):
    out = cap.run(scenario, int(iterations), int(seed))
    plan = cap.solve(scenario, int(iterations), int(seed))

# --- answer (shown above the inputs) -------------------------------------------------------
with answer:
    st.header("Answer")
    st.markdown(f"**{escape_md(plan.message)}**")
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        "Current plan",
        f"{out.min_prob:.0%}",
        help=f"Lowest monthly chance, from {month_label(out.target_month)} to "
        f"{month_label(out.until_month)}, that every role's capacity covers its demand.",
    )
    m2.metric("Hardest month", month_label(out.worst_month))
    m3.metric(
        "With the solver's hires",
        f"{plan.probability:.0%}",
        delta=f"{(plan.probability - out.min_prob) * 100:+.0f} points",
        help=f"Target {plan.confidence:.0%}: the fewest extra hires, as late as possible.",
    )
    m4.metric("Extra hires needed", plan.total_added if plan.feasible else "none enough")
    st.caption(
        f"{int(iterations):,} trials, seed {int(seed)}. Capacity is effective FTE (after ramp-up, "
        "mentoring drag, focus and PTO); demand is the effective FTE the roadmap needs."
    )

    st.altair_chart(capacity_fan_chart(out.monthly, cap.TOTAL), width="stretch")
    st.altair_chart(
        prob_meets_chart(out.monthly, target_month=out.target_month, confidence=plan.confidence),
        width="stretch",
    )
    st.dataframe(
        cap.role_rows(out),
        hide_index=True,
        column_config={
            "Worst-month chance of meeting demand": st.column_config.ProgressColumn(
                format="percent", min_value=0.0, max_value=1.0
            )
        },
    )

st.header("Capacity by role")
roles = list(scenario.role_names)
# open on the role least likely to cover its demand: that is where the headline comes from
worst_role = min(roles, key=lambda r: out.role_min_prob.get(r, 1.0))
role_choice = st.segmented_control(
    "Role",
    roles,
    default=worst_role,
    key=f"cap_role_{v}",
    label_visibility="collapsed",
    format_func=escape_md,  # options render as markdown; role names are user text
)
st.altair_chart(capacity_fan_chart(out.monthly, role_choice or worst_role), width="stretch")
st.altair_chart(headcount_chart(out.monthly), width="stretch")
with st.expander("Cumulative capacity vs cumulative demand"):
    st.altair_chart(cumulative_chart(out.monthly), width="stretch")

# --- solver --------------------------------------------------------------------------------
st.header("Hiring plan solver")
st.caption(
    "Fewest extra hires, each started as late as possible, such that in every month of the "
    "window the chance that every role meets its demand is at least the target. Plans are "
    "compared on the same random draws, so differences are due to the plan, not to noise."
)
with st.form(f"cap_solver_form_{v}"):
    s1, s2, s3, s4 = st.columns(4)
    s1.slider("Target confidence, %", 50, 99, int(conf_pct), key=f"cap_conf_{v}")
    s2.selectbox(
        "Meet demand from",
        month_opts,
        index=month_opts.index(target) if target in month_opts else 0,
        format_func=month_label,
        key=f"cap_target_{v}",
    )
    s3.selectbox(
        "… until",
        month_opts,
        index=month_opts.index(until) if until in month_opts else len(month_opts) - 1,
        format_func=month_label,
        key=f"cap_until_{v}",
    )
    s4.number_input("Max extra hires per role", 0, 100, int(max_hires), key=f"cap_max_{v}")
    st.form_submit_button("Find hiring plan", icon=":material/search:")

if plan.feasible:
    st.success(escape_md(plan.message), icon=":material/task_alt:")
else:
    st.warning(escape_md(plan.message), icon=":material/warning:")
if plan.added:
    st.dataframe(cap.display_funnel(plan.summary()), hide_index=True)
    if st.button("Add these hires to the plan", key=f"cap_apply_{v}"):
        cap.set_base(
            scenario.model_copy(update={"hires": plan.hires}), state.source, applied_plan=True
        )
        st.rerun()

st.subheader("Hiring funnel")
st.caption(
    "Applicants, screens, interviews and offers needed (expected numbers rounded up at each "
    "stage) and when each requisition must open: need date − time to hire − ramp-up."
)
funnel = cap.funnel_frame(scenario, plan)
st.dataframe(cap.display_funnel(funnel), hide_index=True)

# --- comparison ----------------------------------------------------------------------------
st.header("Compare plans")
plans = {"Current plan": scenario.hires}
plans |= {a.name: a.hires for a in scenario.alternatives}
if plan.added:
    plans["Current plan + solver's hires"] = plan.hires
cmp_summary, cmp_monthly = cap.compare(scenario, plans, int(iterations), int(seed))
st.caption(
    "Alternatives come from the scenario file's `alternatives` list; the solver's plan is added "
    "automatically."
)
st.dataframe(
    cap.display_comparison(cmp_summary),
    hide_index=True,
    column_config={
        "Worst-month chance": st.column_config.ProgressColumn(
            format="percent", min_value=0.0, max_value=1.0
        ),
        "Chance every month is met": st.column_config.NumberColumn(format="percent"),
        "Headcount, last month": st.column_config.NumberColumn(format="%.1f"),
        "Capacity P50, last month (FTE)": st.column_config.NumberColumn(format="%.1f"),
    },
)
st.altair_chart(plan_comparison_chart(cmp_monthly, confidence=plan.confidence), width="stretch")

# --- downloads -----------------------------------------------------------------------------
st.header("Downloads")
d1, d2, d3, d4 = st.columns(4)
with d1:
    download_csv(out.monthly, "capacity_results.csv", "Results by month (CSV)", key="cap_dl_csv")
with d2:
    st.download_button(
        "Scenario (JSON)",
        data=cap.scenario_json_bytes(scenario),
        file_name="capacity_scenario.json",
        mime="application/json",
        icon=":material/download:",
        key="cap_dl_json",
    )
with d3:
    download_csv(funnel, "hiring_funnel.csv", "Hiring funnel (CSV)", key="cap_dl_funnel")
with d4:
    library_ui.report_button(
        "capacity",
        scenario.model_dump_json(),
        iterations=int(iterations),
        seed=int(seed),
        options={"target_month": out.target_month, "until_month": out.until_month},
        key="cap_dl_report",
    )
library_ui.library_panel(
    "capacity",
    scenario.model_dump_json(),
    iterations=int(iterations),
    seed=int(seed),
    options={"target_month": out.target_month, "until_month": out.until_month},
    on_load=cap.restore_saved,
    key="cap_lib",
)
