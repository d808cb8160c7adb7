"""Write the example notebooks (outputs cleared): ``python notebooks/make_notebooks.py``.

The notebooks are generated so that they stay short, consistent and free of outputs in the
repository; edit the cell text here and re-run. ``tests/test_notebooks.py`` executes them.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = """\
{imports}from pathlib import Path

{pandas}import tpm_models as tpm

# the repository's sample_data folder, whether Jupyter runs from notebooks/ or the repo root
DATA = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "sample_data").is_dir())
DATA = DATA / "sample_data"
{constants}"""

NOTEBOOKS: dict[str, list[tuple[str, str]]] = {
    "schedule_risk.ipynb": [
        (
            "md",
            """\
# Schedule risk: can we promise 14 May 2027?

**The decision.** The payments-platform migration (the app's sample project) starts on
4 January 2027 and the business wants a commitment for **14 May 2027**. This notebook
simulates the task network with its risk register and correlations, reads off the finish date
we can promise with 80% confidence, the chance of meeting 14 May, and which risk to mitigate
first — then checks what mitigating it buys.

Same inputs, seed and trials as the app's *Schedule risk* page ⇒ the same numbers.""",
        ),
        (
            "code",
            SETUP.format(
                imports="import datetime as dt\n",
                pandas="import pandas as pd\n\n",
                constants="""\
SEED, TRIALS = 42, 10_000  # the Schedule risk page's defaults
START, DEADLINE = dt.date(2027, 1, 4), dt.date(2027, 5, 14)
""",
            ),
        ),
        (
            "code",
            """\
s = DATA / "schedule"
inputs = tpm.load_schedule(
    s / "tasks.csv", s / "risks.csv", s / "correlations.csv", s / "holidays.csv",
    start_date=START,
)
result = tpm.simulate_schedule(inputs, iterations=TRIALS, rng=SEED)
result.summary()  # days from the start, dates, Monte Carlo standard errors""",
        ),
        (
            "code",
            """\
p50, p80, p90 = (result.finish_date(q) for q in (50, 80, 90))
chance = result.deadline_probability(DEADLINE)
print(f"P80 finish {p80:%d %b %Y}; chance of finishing by {DEADLINE:%d %b %Y}: {chance:.0%}")
tpm.schedule_charts.s_curve(
    result.s_curve(), points=[("P50", p50), ("P80", p80), ("P90", p90)], deadline=DEADLINE,
    subtitle=f"{TRIALS:,} trials, seed {SEED}",
).properties(width=640)""",
        ),
        (
            "code",
            """\
display(tpm.schedule_charts.risk_contributions(result.risk_table()).properties(width=640))
drivers = result.task_table()[["id", "name", "sensitivity", "criticality", "cruciality"]]
tpm.schedule_charts.sensitivity_tornado(drivers, top=10).properties(width=640)""",
        ),
        (
            "md",
            """\
## Mitigation: take the biggest risk off the table

The risk that adds the most working days is mitigated (probability set to 0). With the **same
seed** every other draw is identical (common random numbers), so the gap between the two
curves is the mitigation's effect alone, not sampling noise.""",
        ),
        (
            "code",
            """\
top = result.risk_table().iloc[0]
mitigated = inputs.model_copy(update={"risks": tuple(
    r.model_copy(update={"probability": 0.0}) if r.id == top["id"] else r for r in inputs.risks
)})
after = tpm.simulate_schedule(mitigated, iterations=TRIALS, rng=SEED)
comparison = pd.DataFrame({
    "scenario": ["as planned", f"without {top['id']} ({top['name']})"],
    "P50": [p50, after.finish_date(50)],
    "P80": [p80, after.finish_date(80)],
    "chance by deadline": [chance, after.deadline_probability(DEADLINE)],
})
display(comparison)
tpm.schedule_charts.s_curve(
    {"Before": result.s_curve(), "After mitigation": after.s_curve()},
    points=[("P80 before", p80), ("P80 after", after.finish_date(80))],
    label_right=["P80 before"], deadline=DEADLINE, title="Before and after the mitigation",
).properties(width=640)""",
        ),
        (
            "md",
            """\
## Checks

The headline numbers equal a fresh run of the engine with the app page's default seed and
trials (so this notebook, the app and `tpm schedule --seed 42` agree), and mitigation can only
help.""",
        ),
        (
            "code",
            """\
from tpm_models.schedule_risk import load_schedule, simulate_schedule

fresh = simulate_schedule(
    load_schedule(s / "tasks.csv", s / "risks.csv", s / "correlations.csv",
                  s / "holidays.csv", start_date=dt.date(2027, 1, 4)),
    iterations=10_000, rng=42,
)
assert fresh.finish_date(80) == p80
assert fresh.deadline_probability(DEADLINE) == chance
assert p50 <= p80 <= p90
assert after.percentile(80) <= result.percentile(80)
assert after.deadline_probability(DEADLINE) >= chance
print("checks passed: P80", p80, f"deadline chance {chance:.1%}")""",
        ),
    ],
    "delivery_forecast.ipynb": [
        (
            "md",
            """\
# Delivery forecast: when will 120 items be done, and how many by the target date?

**The decision.** A team has 120 backlog items and a Jira export of what it finished in the
past. Instead of estimating items, the forecast replays the team's real daily throughput
(weekends skipped) in 10,000 simulated futures: the date by which the backlog is done in 85%
of them, and how many items are done by the target date in 85% of them.

Same inputs, seed and trials as the app's *Delivery forecast* page with the sample export ⇒ the
same numbers (the page starts the day after the history ends; its target is 55 days later).""",
        ),
        (
            "code",
            SETUP.format(
                imports="import datetime as dt\n",
                pandas="import pandas as pd\n\n",
                constants="""\
SEED, TRIALS = 1, 10_000  # the Delivery forecast page's defaults
ITEMS = 120
""",
            ),
        ),
        (
            "code",
            """\
history = tpm.load_forecast_history(DATA / "forecast" / "jira-export.csv")
start = history.last_date + dt.timedelta(days=1)
target = start + dt.timedelta(days=55)
inputs = tpm.forecast_inputs(history, items=ITEMS, target_date=target, period="day")
result = tpm.simulate_forecast(inputs, iterations=TRIALS, rng=SEED)
result.summary()""",
        ),
        (
            "code",
            """\
when85, many85 = result.when_date(85), result.how_many_at(85)
print(f"85% likely done by {when85:%a %d %b %Y}; "
      f"85% likely at least {many85} items by {target:%d %b %Y}")
tpm.forecast_charts.when_chart(
    result.when_table(), [(f"P{q}", result.when_date(q)) for q in (50, 85, 95)],
    items_label=f"{ITEMS} items", deadline=target, deadline_label="Target",
)""",
        ),
        (
            "code",
            """\
display(tpm.forecast_charts.how_many_chart(
    result.how_many_table(), [(f"P{q}", result.how_many_at(q)) for q in (50, 85, 95)],
    target=target,
))
tpm.forecast_charts.throughput_run_chart(history.per_period("day"), "day")""",
        ),
        (
            "md",
            """\
## Does the history window matter?

Recent throughput may say more about the next months than the whole history. The same
forecast from the last 90 days only:""",
        ),
        (
            "code",
            """\
recent = tpm.load_forecast_history(DATA / "forecast" / "jira-export.csv", last_days=90)
recent_result = tpm.simulate_forecast(
    tpm.forecast_inputs(recent, items=ITEMS, target_date=target, start_date=start),
    iterations=TRIALS, rng=SEED,
)
pd.DataFrame({
    "window": ["all history", "last 90 days"],
    "P85 done by": [when85, recent_result.when_date(85)],
    "P85 items by target": [many85, recent_result.how_many_at(85)],
})""",
        ),
        (
            "md",
            """\
## Checks

The headline numbers equal a fresh engine run built the way the page builds it (default seed 1
and 10,000 trials), and the percentile directions hold: later dates and smaller counts at
higher confidence.""",
        ),
        (
            "code",
            """\
from tpm_models.calendar import WorkCalendar
from tpm_models.delivery_forecast import (
    Backlog,
    ForecastInputs,
    period_samples,
    read_history,
    simulate_forecast,
)

page_history = read_history(DATA / "forecast" / "jira-export.csv").history()
fresh = simulate_forecast(
    ForecastInputs(
        throughput_per_period=period_samples(page_history, "day", WorkCalendar()),
        period="day", start_date=page_history.last_date + dt.timedelta(days=1),
        backlog=Backlog(low_items=120, high_items=120),
        target_date=page_history.last_date + dt.timedelta(days=56),
    ),
    iterations=10_000, rng=1,
)
assert fresh.when_date(85) == when85
assert fresh.how_many_at(85) == many85
assert result.when_date(50) <= when85 <= result.when_date(95)
assert result.how_many_at(95) <= many85 <= result.how_many_at(50)
print("checks passed:", when85, many85)""",
        ),
    ],
    "build_vs_buy.ipynb": [
        (
            "md",
            """\
# Build vs buy: which observability platform, and how fast must seats grow to change that?

**The decision.** Build on open source, or buy Vendor A (per seat) or Vendor B (usage-based)?
The sample scenario (illustrative figures) gives each option's cost and benefit lines over five
years with ranges. The simulation gives each option's NPV distribution and the chance each one
is best; a **seat-growth sweep** and a **break-even** show when the answer would flip.

Same scenario, seed and trials as the app's *Build vs buy* page ⇒ the same numbers.""",
        ),
        (
            "code",
            SETUP.format(
                imports="",
                pandas="import pandas as pd\n\n",
                constants="""\
SEED, TRIALS = 42, 10_000  # the Build vs buy page's defaults
""",
            ),
        ),
        (
            "code",
            """\
scenario = tpm.load_build_vs_buy(DATA / "build_vs_buy" / "observability_platform.json")
result = tpm.simulate_build_vs_buy(scenario, iterations=TRIALS, rng=SEED)
print(result.verdict())
result.summary()[["option", "npv_p10", "npv_p50", "npv_p90", "prob_best", "roi", "tco_nominal"]]""",
        ),
        (
            "code",
            """\
p50 = dict(zip(result.option_names, result.npv_percentiles(50), strict=True))
display(tpm.build_vs_buy_charts.npv_distribution(
    result.npv_histogram(bins=60), p50, currency=scenario.currency))
t = result.tornado
tpm.build_vs_buy_charts.npv_tornado(
    t.frame, leader=t.leader, runner_up=t.runner_up, base=t.base_difference,
    currency=scenario.currency,
)""",
        ),
        (
            "md",
            """\
## Seat-growth sweep

Per-seat costs and benefits grow with the organisation. Re-run the whole simulation for a
range of annual seat growth rates (same seed, so only the growth changes):""",
        ),
        (
            "code",
            """\
import altair as alt

rows = []
for growth in (0.0, 0.05, 0.10, 0.15, 0.20, 0.30, 0.40):
    seats = scenario.seats.model_copy(update={"growth": tpm.Estimate.fixed(growth)})
    r = tpm.simulate_build_vs_buy(
        scenario.model_copy(update={"seats": seats}), iterations=TRIALS, rng=SEED, tornado=False
    )
    for name, npv50, best in zip(r.option_names, r.npv_percentiles(50), r.prob_best, strict=True):
        rows.append({"seat_growth": growth, "option": name, "npv_p50": npv50, "prob_best": best})
sweep = pd.DataFrame(rows)
alt.Chart(sweep, title="NPV P50 by annual seat growth", width=560).mark_line(point=True).encode(
    x=alt.X("seat_growth:Q", title="Seat growth a year", axis=alt.Axis(format="%")),
    y=alt.Y("npv_p50:Q", title=f"NPV P50 ({scenario.currency})", axis=alt.Axis(format="~s")),
    color="option:N",
)""",
        ),
        (
            "code",
            """\
a, b = result.comparison_pair()
be = tpm.break_even(scenario, "seats.growth", a, b)
print(be.message)
tpm.build_vs_buy_charts.break_even_chart(
    be.frame(), label=be.label, option_a=a, option_b=b, current=be.current_value,
    tie=be.break_even, currency=scenario.currency, percent=True,
)""",
        ),
        (
            "md",
            """\
## Checks

The NPV P50s and chances of being best equal a fresh engine run with the page's default seed
(42) and trials (10,000); the sweep at today's growth reproduces the main run; the NPV
difference changes sign at the break-even.""",
        ),
        (
            "code",
            """\
import numpy as np

from tpm_models.build_vs_buy import load_scenario, simulate

fresh = simulate(load_scenario(DATA / "build_vs_buy" / "observability_platform.json"),
                 iterations=10_000, rng=42)
np.testing.assert_array_equal(fresh.npv_percentiles(50), result.npv_percentiles(50))
np.testing.assert_array_equal(fresh.prob_best, result.prob_best)
today = sweep[sweep["seat_growth"] == scenario.seats.growth.likely]
np.testing.assert_allclose(today["npv_p50"], result.npv_percentiles(50), rtol=1e-12)
if be.break_even is not None:
    d = be.frame().set_index("value")["npv_difference"]
    assert d[d.index < be.break_even].iloc[-1] * d[d.index > be.break_even].iloc[0] <= 0
print("checks passed:", {k: round(v) for k, v in p50.items()})""",
        ),
    ],
    "team_capacity.ipynb": [
        (
            "md",
            """\
# Team capacity: which hiring plan meets the 2027–2028 roadmap?

**The decision.** The platform engineering org (the app's sample) has a roster, attrition,
time to hire and ramp-up, and a demand per role and month. How likely is the current hiring
plan to cover demand in the hardest month from July 2027 on — and is it better to **hire 2
seniors now** or **4 juniors in Q2**? The solver then finds the fewest extra hires that reach
the 80% target.

Same scenario, seed and trials as the app's *Team capacity* page ⇒ the same numbers.""",
        ),
        (
            "code",
            SETUP.format(
                imports="",
                pandas="",
                constants="""\
SEED, TRIALS = 1, 10_000  # the Team capacity page's defaults
""",
            ),
        ),
        (
            "code",
            """\
scenario = tpm.load_capacity(DATA / "capacity" / "engineering_org.json")
target = scenario.solver.target_month  # the window the headline looks at: 2027-07 on
result = tpm.simulate_capacity(scenario, iterations=TRIALS, rng=SEED)
current = result.min_prob_meets(target)
print(f"current plan: {current:.0%} chance of meeting demand in the hardest month "
      f"({result.worst_month(target)})")
result.summary()""",
        ),
        (
            "code",
            """\
monthly = result.monthly()
display(tpm.capacity_charts.capacity_fan_chart(monthly, "Total"))
tpm.capacity_charts.prob_meets_chart(
    monthly, target_month=target, confidence=scenario.solver.confidence)""",
        ),
        (
            "md",
            """\
## Two hiring plans, same draws

Both alternatives come from the scenario file. They are simulated on the same random draws as
the current plan (common random numbers), so the differences are the plans' effects.""",
        ),
        (
            "code",
            """\
plans = {"Current plan": scenario.hires} | {a.name: a.hires for a in scenario.alternatives}
comparison = tpm.compare_plans(scenario, plans, iterations=TRIALS, rng=SEED)
display(comparison.summary())
tpm.capacity_charts.plan_comparison_chart(
    comparison.monthly(), confidence=scenario.solver.confidence)""",
        ),
        (
            "code",
            """\
plan = tpm.solve_hiring_plan(scenario, iterations=TRIALS, rng=SEED)
print(plan.message)
plan.summary()""",
        ),
        (
            "md",
            """\
## Checks

The current plan's chance equals a fresh engine run with the page's default seed (1) and
trials (10,000) — the page's "Current plan" figure — and the comparison's baseline row; the
solver's plan reaches the target when it says it does.""",
        ),
        (
            "code",
            """\
from tpm_models.team_capacity import load_scenario, simulate_capacity

fresh = simulate_capacity(load_scenario(DATA / "capacity" / "engineering_org.json"),
                          iterations=10_000, rng=1)
assert fresh.min_prob_meets(target) == current
table = comparison.summary().set_index("plan")
assert table.loc["Current plan", "min_prob_meets"] == current
assert len(table) == 3
assert 0.0 <= table["min_prob_meets"].min() <= table["min_prob_meets"].max() <= 1.0
if plan.feasible:
    assert plan.probability >= plan.confidence
print("checks passed:", f"{current:.1%}", table["min_prob_meets"].round(3).to_dict())""",
        ),
    ],
}


def build(name: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[new_markdown_cell(s) if kind == "md" else new_code_cell(s) for kind, s in cells],
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    for i, cell in enumerate(nb.cells):
        cell.id = f"{name.removesuffix('.ipynb')}-{i}"  # stable ids: regenerating gives no diff
    nbformat.validate(nb)
    return nb


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(name, cells), HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
