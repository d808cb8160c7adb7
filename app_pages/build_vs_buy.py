"""Build vs buy: which option is worth most, how confidently, and what would flip the answer."""

import streamlit as st

from tpm_models.charts import build_vs_buy as charts
from tpm_models.errors import InputError
from ui import build_vs_buy as ui
from ui import library as library_ui
from ui.common import download_csv, escape_md, show_input_error

st.title("Build vs buy")
st.caption(
    "Build it, or buy Vendor A or B? NPV, TCO, ROI and payback per option with uncertainty, "
    "the probability each option is best, what would flip the answer, and weighted scoring."
)

state = ui.state()
ui.process_upload()
state = ui.state()
v = state["version"]

# --- inputs: the shared assumptions live in the sidebar, so results fill the main screen ----
with st.sidebar.form("bvb_settings"):
    st.markdown("**Build vs buy: shared assumptions**")
    st.number_input(
        "Seats today (period 0)",
        min_value=0.0,
        step=10.0,
        format="%.0f",
        key=ui.widget_key("seats_initial"),
    )
    st.number_input(
        "Seat growth, most likely (% a year)", step=1.0, key=ui.widget_key("growth_likely_pct")
    )
    g = st.columns(2)
    g[0].number_input("Growth low (%)", step=1.0, key=ui.widget_key("growth_low_pct"))
    g[1].number_input("Growth high (%)", step=1.0, key=ui.widget_key("growth_high_pct"))
    st.caption("Leave low = high for a fixed growth; set a range to make it uncertain.")
    st.number_input(
        "Discount rate (% a year)", step=0.5, format="%.2f", key=ui.widget_key("discount_pct")
    )
    c = st.columns(2)
    c[0].selectbox("Period", ["year", "month"], key=ui.widget_key("period"))
    c[1].number_input("Horizon (periods)", min_value=1, step=1, key=ui.widget_key("horizon"))
    c = st.columns(2)
    c[0].text_input("Currency", key=ui.widget_key("currency"), max_chars=12)
    iterations = c[1].number_input(
        "Trials",
        min_value=500,
        max_value=200_000,
        value=ui.DEFAULT_TRIALS,
        step=1000,
        key="bvb_trials",
    )
    seed = st.number_input("Seed", min_value=0, value=ui.DEFAULT_SEED, step=1, key="bvb_seed")
    st.form_submit_button(
        "Apply and run", type="primary", icon=":material/play_arrow:", width="stretch"
    )

# --- load -----------------------------------------------------------------------------------
top = st.columns([3, 1], vertical_alignment="bottom")
with top[0]:
    st.markdown(f"**Scenario:** {escape_md(state['source'])}")
    desc = state["tables"].settings.get("description")
    if desc:
        with st.expander("About this scenario"):
            st.caption(escape_md(desc))
with top[1]:
    if st.button("Load sample", icon=":material/restart_alt:", key="bvb_sample"):
        ui.use_sample()
        st.rerun()
uploaded = st.file_uploader(
    "Upload a scenario JSON (replaces the tables below)",
    type=["json"],
    key=f"bvb_uploader_{v}",
    help="A build-vs-buy scenario, schema_version 1 — e.g. one downloaded from this page.",
)
if uploaded is not None and state.get("upload_id") != uploaded.file_id:
    state["upload_id"] = uploaded.file_id
    st.session_state[ui.UPLOAD_KEY] = (uploaded.name, uploaded.getvalue())
    st.rerun()
if state["load_error"] is not None:
    show_input_error(
        state["load_error"], title="That file was not loaded; your current scenario is unchanged"
    )

tables = state["tables"]
editors = st.expander("Edit the options, their cost and benefit lines, and the scores")
tab_opt, tab_lines, tab_score = editors.tabs(["Options", "Cost and benefit lines", "Scoring"])
with tab_opt:
    st.caption(
        "One row per option. Cost of delay and exit cost take a number or low/likely/high "
        "(e.g. 40000/60000/90000). Time to value delays the option's benefits (periods)."
    )
    options_df = st.data_editor(
        tables.options,
        key=f"bvb_options_{v}",
        num_rows="dynamic",
        width="stretch",
        hide_index=True,
        column_config={
            "option": st.column_config.TextColumn("Option", required=True, max_chars=100),
            "kind": st.column_config.SelectboxColumn(
                "Kind", options=["build", "buy", "hybrid", "status_quo"], required=True
            ),
            "time_to_value": st.column_config.NumberColumn(
                "Time to value (periods)", min_value=0, step=1
            ),
            "cost_of_delay": st.column_config.TextColumn("Cost of delay (per period)"),
            "exit_cost": st.column_config.TextColumn("Exit cost (last period)"),
            "description": st.column_config.TextColumn("Description"),
        },
    )
option_names = [str(n) for n in options_df["option"].dropna().tolist() if str(n).strip()]
with tab_lines:
    st.caption(
        "One row per line. A recurring amount runs from start to end (periods, inclusive) "
        "with low / most likely / high per period (leave low and high empty for a fixed "
        "amount); or give `values`, one per period 0..horizon separated by `;`. Escalation is "
        "% a year. Lines with the same *assumption* label share one uncertain draw across "
        "options."
    )
    lines_df = st.data_editor(
        tables.lines,
        key=f"bvb_lines_{v}",
        num_rows="dynamic",
        width="stretch",
        hide_index=True,
        column_config={
            "option": st.column_config.SelectboxColumn(
                "Option", options=option_names, required=True
            ),
            "line": st.column_config.TextColumn("Line", required=True),
            "kind": st.column_config.SelectboxColumn(
                "Kind", options=["cost", "benefit"], required=True
            ),
            "low": st.column_config.NumberColumn("Low", format="%,.0f"),
            "likely": st.column_config.NumberColumn("Most likely", format="%,.0f"),
            "high": st.column_config.NumberColumn("High", format="%,.0f"),
            "distribution": st.column_config.SelectboxColumn(
                "Distribution", options=["pert", "triangular", "uniform", "normal", "lognormal"]
            ),
            "per_seat": st.column_config.CheckboxColumn("Per seat"),
            "start": st.column_config.NumberColumn("Start", min_value=0, step=1),
            "end": st.column_config.NumberColumn("End", min_value=0, step=1),
            "escalation_pct": st.column_config.NumberColumn("Escalation (% a year)", format="%.1f"),
            "values": st.column_config.TextColumn("Values (per period, ;-separated)"),
            "assumption": st.column_config.TextColumn("Shared assumption"),
        },
    )
with tab_score:
    method = st.radio(
        "Weighting",
        ["ahp", "weights", "none"],
        format_func={
            "ahp": "AHP pairwise comparison",
            "weights": "Direct weights",
            "none": "No scoring",
        }.get,
        horizontal=True,
        key=f"bvb_scoring_method_{v}",
    )
    criteria_df = st.data_editor(
        tables.criteria,
        key=f"bvb_criteria_{v}",
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "criterion": st.column_config.TextColumn("Criterion", required=True),
            "weight": st.column_config.NumberColumn(
                "Weight" if method == "weights" else "Weight (from AHP, read only)",
                disabled=method != "weights",
                format="%.3f",
            ),
        },
    )
    criteria = [str(c) for c in criteria_df["criterion"].dropna().tolist() if str(c).strip()]
    pair_base, scores_base = ui.scoring_bases(criteria, option_names, tables)
    if method == "ahp":
        st.caption(
            "How much more important is the row criterion than the column one? Saaty's 1–9 "
            "scale (1 equal, 3 moderate, 5 strong, 7 very strong, 9 extreme; 1/3 etc. the "
            "other way). Leave the lower triangle blank to fill it with reciprocals."
        )
        pairwise_df = st.data_editor(
            pair_base,
            key=f"bvb_pairwise_{v}_{ui.digest(criteria)}",
            width="stretch",
        )
    else:
        pairwise_df = pair_base
    st.caption("Scores per option and criterion (higher is better, e.g. 1–10).")
    scores_df = st.data_editor(
        scores_base,
        key=f"bvb_scores_{v}_{ui.digest(criteria + option_names)}",
        hide_index=True,
        width="stretch",
        disabled=["option"],
    )
    ui.remember_scoring(pairwise_df, scores_df)

current = ui.tables_from_widgets(
    options_df, lines_df, criteria_df, pairwise_df, scores_df, str(method)
)
try:
    scenario = ui.build_scenario(current)
    ui.check_run(scenario, int(iterations))
except InputError as err:
    show_input_error(err, title="Fix these inputs to see results; your edits are kept")
    st.stop()

scenario_json = scenario.to_json()
with st.spinner("Simulating…"):
    view = ui.run(scenario_json, int(iterations), int(seed))
cur = scenario.currency
unit = scenario.period

# --- results --------------------------------------------------------------------------------
st.subheader("Which option wins")
st.success(escape_md(view.verdict), icon=":material/balance:")
cols = st.columns(len(view.summary))
for col, row in zip(cols, view.summary.to_dict("records"), strict=True):
    with col.container(border=True):
        st.markdown(f"**{escape_md(row['option'])}** · {escape_md(row['kind'])}")
        st.metric(
            "NPV P50",
            ui.money(row["npv_p50"], cur),
            help="Median NPV over the trials (period 0 undiscounted).",
        )
        st.caption(
            f"P10 {ui.money(row['npv_p10'], cur)} · P90 {ui.money(row['npv_p90'], cur)} · "
            f"P50 ± {ui.money(row['npv_p50_se'], cur)} (standard error)"
        )
        st.metric("Best in", f"{ui.share(row['prob_best'])} of trials")
        irr_text = "several (see NPV)" if row["irr_multiple"] else ui.percent(row["irr"])
        tco = escape_md(ui.money(row["tco_nominal"], cur))
        tco_d = escape_md(ui.money(row["tco_discounted"], cur))
        roi = escape_md(ui.percent(row["roi"]))
        payback = escape_md(ui.periods(row["payback_period"], unit, scenario.horizon))
        st.markdown(
            f"**TCO** {tco} (discounted {tco_d})  \n**ROI** {roi} · **payback** {payback}  \n"
            f"**IRR** {escape_md(irr_text)}"
        )
        st.caption(
            f"TCO, ROI, payback and IRR at most-likely inputs (NPV {ui.money(row['npv'], cur)})."
        )

st.subheader("What would flip the answer")
if view.tornado is not None and (view.tornado["swing"] > 0).any():
    st.altair_chart(
        charts.npv_tornado(
            view.tornado,
            leader=view.leader,
            runner_up=view.runner_up,
            base=view.base_difference,
            currency=cur,
        ),
        width="stretch",
    )
else:
    st.info("No uncertain input moves the gap between the two leading options.")
choices = ui.break_even_choices(scenario)
names = scenario.option_names()
if len(names) > 1:
    a_default, b_default = view.comparison_pair
    bc = st.columns(3)
    variable = bc[0].selectbox(
        "Break-even input",
        list(choices),
        index=list(choices).index("seats.growth") if "seats.growth" in choices else 0,
        format_func=choices.get,
        key="bvb_be_var",
    )
    opt_a = bc[1].selectbox("Option", names, index=names.index(a_default), key="bvb_be_a")
    opt_b = bc[2].selectbox("versus", names, index=names.index(b_default), key="bvb_be_b")
    if opt_a == opt_b:
        st.info("Choose two different options.")
    else:
        frame, label, now, tie, message = ui.run_break_even(
            scenario_json, str(variable), str(opt_a), str(opt_b)
        )
        st.markdown(f"**{escape_md(message)}**")
        st.altair_chart(
            charts.break_even_chart(
                frame,
                label=label,
                option_a=str(opt_a),
                option_b=str(opt_b),
                current=now,
                tie=tie,
                currency=cur,
                percent=variable in ("seats.growth", "discount_rate"),
            ),
            width="stretch",
        )

st.subheader("Cash flows and uncertainty")
discounted = st.toggle("Show discounted cash flows", key="bvb_discounted")
st.altair_chart(
    charts.cumulative_cash_flow(
        view.cash_flows, currency=cur, period=unit, discounted=bool(discounted)
    ),
    width="stretch",
)
st.altair_chart(charts.npv_distribution(view.histogram, view.p50, currency=cur), width="stretch")

if view.scoring is not None:
    st.subheader("Non-financial scores")
    st.dataframe(view.scoring, hide_index=True, width="stretch")
    if view.consistency_ratio is not None:
        st.caption(
            f"AHP weights from the pairwise matrix; consistency ratio {view.consistency_ratio:.3f}"
            " (CI / RI with Saaty's 1980 random index table; below 0.10 is acceptable)."
        )
    if view.scoring_warning:
        st.warning(escape_md(view.scoring_warning))
    st.altair_chart(charts.money_vs_score(view.summary, currency=cur), width="stretch")

st.subheader("All figures")
st.dataframe(view.summary, hide_index=True, width="stretch")
d = st.columns(3)
with d[0]:
    st.download_button(
        "Download scenario JSON",
        data=scenario_json.encode("utf-8"),
        file_name="build_vs_buy_scenario.json",
        mime="application/json",
        icon=":material/download:",
        key="bvb_dl_json",
    )
with d[1]:
    download_csv(
        view.results_csv, "build_vs_buy_results.csv", "Download results CSV", key="bvb_dl_csv"
    )
with d[2]:
    library_ui.report_button(
        "build-vs-buy",
        scenario_json,
        iterations=int(iterations),
        seed=int(seed),
        key="bvb_dl_report",
    )
library_ui.library_panel(
    "build-vs-buy",
    scenario_json,
    iterations=int(iterations),
    seed=int(seed),
    on_load=ui.restore_saved,
    key="bvb_lib",
)
st.info(escape_md(ui.EXCEL_NOTE), icon=":material/info:")
with st.expander("How the numbers are computed"):
    st.markdown(ui.CONVENTIONS)
