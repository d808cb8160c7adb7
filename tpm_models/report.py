"""Self-contained HTML stakeholder reports, one per tool (DESIGN.md §2, issue 8).

A report is one HTML file that opens on any laptop without a network: the charts are the
tools' own Altair charts rendered to inline SVG by ``vl_convert`` (which bundles its fonts and
never fetches anything), the styling is an inline ``<style>`` block and there is no script at
all. Every piece of user text (titles, task, option, role and risk names) goes through
:func:`html.escape`.

Each tool has three functions: ``<tool>_figures(result, ...)`` (the headline figures as a
small JSON-safe dict, also stored by the scenario library), ``<tool>_headline(result, ...)``
(the one-sentence answer) and ``<tool>_report(result, ...)`` (the HTML text). Key figures are
written as ``<td data-key="..." data-value="...">`` cells so a script can read them back.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from tpm_models.build_vs_buy import BuildVsBuyResult
from tpm_models.delivery_forecast import HEADLINE_LEVELS, ForecastResult
from tpm_models.schedule_risk import ScheduleResult
from tpm_models.team_capacity import TOTAL, CapacityResult
from tpm_models.team_capacity.scenario import month_label

__all__ = [
    "TOOLS",
    "build_vs_buy_figures",
    "build_vs_buy_headline",
    "build_vs_buy_report",
    "capacity_figures",
    "capacity_headline",
    "capacity_report",
    "chart_svg",
    "figures_for",
    "forecast_figures",
    "forecast_headline",
    "forecast_report",
    "report_for",
    "schedule_figures",
    "schedule_headline",
    "schedule_report",
    "simulate_tool",
]

#: Tool names as the ``tpm`` command and the scenario library spell them.
TOOLS = ("schedule", "forecast", "build-vs-buy", "capacity")

CHART_WIDTH_PX = 760
_SCHEDULE_QS = (10, 50, 80, 90, 95)

_CSS = """
body{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2933;
max-width:900px;margin:2em auto;padding:0 1em;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.1em}h2{font-size:1.25em;margin-top:1.8em;
border-bottom:1px solid #d9dee3;padding-bottom:.2em}
.meta{color:#5f6b76;font-size:.92em}
.headline{font-size:1.25em;font-weight:600;background:#eef5fb;border-left:5px solid #0072B2;
padding:.7em 1em;margin:1.2em 0}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #d9dee3;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f4f6f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.2em 0;page-break-inside:avoid}figure svg{max-width:100%;height:auto}
figcaption{color:#5f6b76;font-size:.88em}
ul.notes li{margin:.25em 0}.warn{color:#8a4b00}
@media print{body{margin:0;max-width:none}}
"""


# --- HTML building blocks ------------------------------------------------------------------------
def _e(value: object) -> str:
    """Escaped text of any value (``None`` → an em dash)."""
    return "—" if value is None else html.escape(str(value), quote=True)


def _fmt_date(d: dt.date | None) -> str:
    return "—" if d is None else f"{d.day} {d:%b %Y}"


def _fmt_prob(p: float | None) -> str:
    if p is None or not math.isfinite(p):
        return "—"
    if 0 < p < 0.005:
        return "< 1%"
    if 0.995 < p < 1:
        return "> 99%"
    return f"{p:.0%}"


def _money(v: float, currency: str = "") -> str:
    if not math.isfinite(v):
        return "n/a"
    return f"{currency} {v:,.0f}".strip()


def _num(x: float | None, digits: int = 6) -> float | None:
    """JSON-safe float (NaN/inf → ``None``)."""
    if x is None or not math.isfinite(float(x)):
        return None
    return round(float(x), digits)


def _clean_svg(svg: str) -> str:
    """Inline-able SVG: no XML prologue, no scripts, no external references."""
    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.IGNORECASE | re.DOTALL)
    # a chart never links out; drop any href that is not a same-document fragment
    return re.sub(r'\s(?:xlink:)?href="(?!#)[^"]*"', "", svg)


def _fixed_widths(spec: Any, width: int) -> Any:
    """Replace ``width: "container"`` (meaningless outside a page) with a pixel width."""
    if isinstance(spec, dict):
        out = {k: _fixed_widths(v, width) for k, v in spec.items()}
        if out.get("width") == "container":
            out["width"] = width
        return out
    if isinstance(spec, list):
        return [_fixed_widths(v, width) for v in spec]
    return spec


def _json_default(value: object) -> object:
    if isinstance(value, dt.date | pd.Timestamp):
        return value.isoformat()
    return str(value)


def chart_svg(chart: Any, *, width: int = CHART_WIDTH_PX) -> str:
    """An Altair chart as inline SVG text, rendered offline by ``vl_convert``.

    Examples
    --------
    >>> import altair as alt
    >>> c = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q")
    >>> chart_svg(c).startswith("<svg")
    True
    """
    import vl_convert as vlc

    spec = _fixed_widths(chart.to_dict(), width)
    if "width" not in spec and not any(k in spec for k in ("hconcat", "vconcat", "concat")):
        spec["width"] = width
    return _clean_svg(str(vlc.vegalite_to_svg(json.dumps(spec, default=_json_default))))


def _figure(chart: Any, caption: str) -> str:
    try:
        svg = chart_svg(chart)
    except Exception as exc:  # a chart that fails to render must not lose the whole report
        return f'<p class="warn">Chart “{_e(caption)}” could not be drawn: {_e(exc)}</p>'
    return f"<figure>{svg}<figcaption>{_e(caption)}</figcaption></figure>"


def _table(
    header: Sequence[str], rows: Iterable[Sequence[object]], numeric: Iterable[int] = ()
) -> str:
    nums = set(numeric)
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{_e(v)}</td>' if i in nums else f"<td>{_e(v)}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


Figure = tuple[str, str, object, str]
"""One key-figure row: (label, data-key, machine value, shown text)."""


def _figures_table(rows: Sequence[Figure]) -> str:
    body = "".join(
        f'<tr><th scope="row">{_e(label)}</th><td data-key="{_e(key)}" '
        f'data-value="{_e(value)}">{_e(shown)}</td></tr>'
        for label, key, value, shown in rows
    )
    return f'<table class="figures"><tbody>{body}</tbody></table>'


def _cell(key: str, value: object, shown: str) -> str:
    """A ``<td>`` carrying a machine-readable figure; ``shown`` may be a %-format."""
    if value is None:
        return "<td>—</td>"
    text = shown % value if "%" in shown else shown
    return f'<td class="num" data-key="{_e(key)}" data-value="{_e(value)}">{_e(text)}</td>'


def _grid_table(header: Sequence[str], rows: Sequence[tuple[str, list[str]]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        f'<tr><th scope="row">{_e(label)}</th>{"".join(cells)}</tr>' for label, cells in rows
    )
    return f'<table class="figures"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _notes(items: Iterable[str]) -> str:
    return '<ul class="notes">' + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def _page(
    *,
    title: str,
    tool_label: str,
    headline: str,
    sections: Sequence[tuple[str, str]],
    generated: dt.datetime | None,
) -> str:
    when = generated or dt.datetime.now(dt.UTC)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="TPM Decision Lab">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(tool_label)} · generated {_e(when.strftime("%d %b %Y %H:%M"))}'
        f"{' UTC' if when.tzinfo is not None else ''} by TPM Decision Lab</p>",
        f'<p class="headline" id="headline">{_e(headline)}</p>',
    ]
    for heading, body in sections:
        parts.append(f"<section><h2>{_e(heading)}</h2>{body}</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _se_text(se: float, unit: str) -> str:
    """Monte Carlo standard error: ``± 1.5 weeks``; whole-number figures that never moved read
    ``standard error under 1 week``."""
    if se >= 0.05:
        return f"± {se:.1f} {unit} standard error"
    return f"standard error under 1 {unit.removesuffix('s')}"


def _run_notes(iterations: int, seed: int | None, method: str = "monte_carlo") -> list[str]:
    seed_text = (
        f"seed {seed} (the same inputs, trial count and seed reproduce these figures exactly)"
        if seed is not None
        else "no fixed seed: a re-run gives slightly different figures"
    )
    return [f"{iterations:,} trials, {method.replace('_', ' ')} sampling, {seed_text}."]


# --- schedule ------------------------------------------------------------------------------------
def schedule_figures(result: ScheduleResult, deadline: dt.date | None = None) -> dict[str, Any]:
    """Headline figures of a schedule run (days, dates when the project has a start date,
    deadline probability when a deadline is given); JSON-safe."""
    out: dict[str, Any] = {}
    for q in (50, 80, 90):  # the dates a stakeholder remembers come first
        d = result.finish_date(q)
        if d is not None:
            out[f"p{q}_date"] = d.isoformat()
    if deadline is not None and result.inputs.start_date is not None:
        out["deadline"] = deadline.isoformat()
        out["deadline_probability"] = _num(result.deadline_probability(deadline))
    out["deterministic_finish_days"] = _num(result.deterministic_finish_days)
    out["mean_days"] = _num(result.mean_days)
    for q in _SCHEDULE_QS:
        out[f"p{q}_days"] = _num(result.percentile(q))
    for q in (10, 95):
        d = result.finish_date(q)
        if d is not None:
            out[f"p{q}_date"] = d.isoformat()
    return out


def _plan_date(result: ScheduleResult) -> dt.date | None:
    start = result.inputs.start_date
    if start is None:
        return None
    return result.inputs.calendar.finish_date(start, result.deterministic_finish_days)


def schedule_headline(result: ScheduleResult, deadline: dt.date | None = None) -> str:
    """One sentence: the P80 finish and the chance of the deadline (or of the plan date).

    Examples
    --------
    >>> from tpm_models.schedule_risk import load_schedule, simulate_schedule
    >>> s = load_schedule(b"id,low,likely,high\\nA,10,10,10\\n", start_date="2027-01-04")
    >>> schedule_headline(simulate_schedule(s, iterations=100, rng=1))
    '80% likely to finish by 15 Jan 2027; the plan date 15 Jan 2027 has a 100% chance.'
    """
    p80_date = result.finish_date(80)
    p80 = result.percentile(80)
    when = _fmt_date(p80_date) if p80_date else f"working day {math.ceil(p80 - 1e-9)}"
    first = f"80% likely to finish by {when}"
    if deadline is not None and result.inputs.start_date is not None:
        p = result.deadline_probability(deadline)
        return f"{first}; the {_fmt_date(deadline)} deadline has a {_fmt_prob(p)} chance."
    plan = _plan_date(result)
    plan_text = (
        _fmt_date(plan)
        if plan
        else f"(day {result.deterministic_finish_days:.1f}, all tasks "
        "at their most likely durations)"
    )
    p_plan = result.deadline_probability(
        plan if plan is not None else result.deterministic_finish_days
    )
    return f"{first}; the plan date {plan_text} has a {_fmt_prob(p_plan)} chance."


def _estimate_text(est: Any) -> str:
    if est.low == est.high:
        return f"{est.likely:g}"
    return f"{est.low:g} / {est.likely:g} / {est.high:g} {est.distribution}"


def schedule_report(
    result: ScheduleResult,
    *,
    title: str | None = None,
    deadline: dt.date | None = None,
    generated: dt.datetime | None = None,
) -> str:
    """The schedule-risk report as one self-contained HTML page.

    Examples
    --------
    >>> from tpm_models.schedule_risk import load_schedule, simulate_schedule
    >>> s = load_schedule(b"id,low,likely,high\\nA,1,2,4\\n", start_date="2027-01-04")
    >>> page = schedule_report(simulate_schedule(s, iterations=200, rng=1), title="<b>X</b>")
    >>> "<title>&lt;b&gt;X&lt;/b&gt;</title>" in page
    True
    """
    from tpm_models.charts import schedule as charts

    inputs = result.inputs
    start = inputs.start_date
    cal = inputs.calendar
    if deadline is not None and start is None:
        deadline = None
    plan = _plan_date(result)
    cell = _cell
    grid: list[tuple[str, list[str]]] = [
        (
            "Plan (every task at its most likely duration)",
            [
                cell("deterministic_finish_days", _num(result.deterministic_finish_days), "%.1f"),
                cell(
                    "deterministic_finish_date", plan.isoformat() if plan else None, _fmt_date(plan)
                ),
                "<td></td>",
            ],
        )
    ]
    for q in _SCHEDULE_QS:
        d = result.finish_date(q)
        grid.append(
            (
                f"P{q} ({q}% of trials finish on or before)",
                [
                    cell(f"p{q}_days", _num(result.percentile(q)), "%.1f"),
                    cell(f"p{q}_date", d.isoformat() if d else None, _fmt_date(d)),
                    cell(f"p{q}_se_days", _num(result.standard_error(q)), "± %.2f"),
                ],
            )
        )
    key_html = _grid_table(["", "working days", "date", "standard error (days)"], grid)
    rows: list[Figure] = [
        (
            "Buffer over the plan for 80% confidence",
            "buffer_p80_days",
            _num(result.buffer_days(80)),
            f"{result.buffer_days(80):.1f} working days",
        )
    ]
    if deadline is not None:
        p = result.deadline_probability(deadline)
        rows.append(
            (
                f"Chance of finishing by {_fmt_date(deadline)}",
                "deadline_probability",
                _num(p),
                f"{p:.1%}",
            )
        )
    key_html += _figures_table(rows)

    tasks = result.task_table().copy()
    fixed = {t.id: t.duration.is_degenerate for t in inputs.tasks}
    tasks["fixed_duration"] = tasks["id"].map(fixed).fillna(False).astype(bool)
    markers: list[tuple[str, object]] = [
        (f"P{q}", result.finish_date(q) or result.percentile(q)) for q in (50, 80)
    ]
    if deadline is not None:
        markers.append(("Deadline", deadline))
    figs = [
        _figure(
            charts.finish_histogram(
                result.working_day_histogram(),
                markers=markers,
                subtitle=f"Share of {result.iterations:,} trials finishing on each working day"
                if start is not None
                else f"Share of {result.iterations:,} trials finishing in each interval",
            ),
            "Finish distribution with the P50 and P80 marked.",
        ),
        _figure(
            charts.s_curve(
                result.s_curve(),
                points=[(f"P{q}", result.finish_date(q) or result.percentile(q)) for q in (50, 80)],
                deadline=deadline,
            ),
            "S-curve: the chance of finishing by each date.",
        ),
        _figure(
            charts.sensitivity_tornado(tasks, top=12),
            "Tasks whose duration moves the finish most (Spearman rank correlation).",
        ),
    ]
    risks = result.risk_table()
    if len(risks):
        figs.append(
            _figure(charts.risk_contributions(risks), "Risks ranked by the delay they add.")
        )
    figs.append(
        _figure(
            charts.criticality_bar(tasks, top=12),
            "Share of trials in which each task is on the critical path.",
        )
    )

    summary = [
        f"{len(inputs.tasks)} tasks, {len(inputs.risks)} risks, "
        f"{len(inputs.correlations)} correlations.",
        f"Start date: {_fmt_date(start)}." if start else "No start date: results in working days.",
        f"Working week: {_weekdays(cal.weekmask)}; {len(cal.holidays)} holidays.",
    ]
    task_rows = [
        (
            t.id,
            t.name,
            _estimate_text(t.duration),
            "; ".join(
                d.predecessor
                + ("" if d.type == "FS" and d.lag_days == 0 else f":{d.type}{d.lag_days:+g}")
                for d in t.predecessors
            ),
        )
        for t in inputs.tasks[:200]
    ]
    inputs_html = _notes(summary) + _table(
        ["id", "name", "duration (working days) low / likely / high", "predecessors"], task_rows
    )
    if len(inputs.tasks) > 200:
        inputs_html += f"<p>… and {len(inputs.tasks) - 200} more tasks.</p>"
    if inputs.risks:
        inputs_html += _table(
            ["id", "name", "probability", "impact", "tasks"],
            [
                (
                    r.id,
                    r.name,
                    f"{r.probability:.0%}",
                    _estimate_text(r.impact) + (" days" if r.impact_unit == "days" else " %"),
                    "; ".join(r.tasks),
                )
                for r in inputs.risks
            ],
        )
    drivers = tasks.sort_values("sensitivity", ascending=False, key=abs).head(10)
    drivers_html = _table(
        ["task", "name", "critical in", "sensitivity ρ", "P80 finish (days)"],
        [
            (
                r["id"],
                r["name"],
                f"{r['criticality']:.0%}",
                f"{r['sensitivity']:.2f}",
                f"{r['finish_p80']:.1f}",
            )
            for r in drivers.to_dict("records")
        ],
        numeric=(2, 3, 4),
    )
    method = [
        "Durations are three-point estimates in working days; PERT is Beta-PERT with λ = 4 "
        "(mean = (low + 4·likely + high) / 6); normal and lognormal read low/high as P5/P95.",
        "Each trial samples every duration, applies the risk events (each occurs at most once "
        "per trial and hits all its tasks) and runs the critical-path method over the network "
        "(FS/SS/FF/SF links with lags).",
        "The project starts at the start of the start date (day 0); a finish at day f falls on "
        "the working day that contains working day f. P80 = 80% of trials finish on or before.",
        "Correlated durations use Iman–Conover rank correlation.",
        *_run_notes(result.iterations, result.seed, result.method),
        *(f"Warning: {w}" for w in result.warnings),
    ]
    return _page(
        title=title or "Schedule risk report",
        tool_label="Schedule risk",
        headline=schedule_headline(result, deadline),
        sections=[
            ("Key figures", key_html),
            ("Charts", "".join(figs)),
            ("What drives the finish", drivers_html),
            ("Inputs", inputs_html),
            ("Assumptions and method", _notes(method)),
        ],
        generated=generated,
    )


def _weekdays(weekmask: str) -> str:
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return ", ".join(n for n, m in zip(names, weekmask, strict=False) if m == "1")


# --- delivery forecast ---------------------------------------------------------------------------
def forecast_figures(result: ForecastResult) -> dict[str, Any]:
    """Headline figures of a forecast run: "when" dates/periods and/or "how many" counts."""
    out: dict[str, Any] = {"mode": result.mode}
    if result.when_periods is not None:
        for lv in HEADLINE_LEVELS:
            out[f"when_p{lv}_date"] = result.when_date(lv).isoformat()
            out[f"when_p{lv}_periods"] = int(result.when_periods_at(lv))
    if result.how_many_items is not None:
        assert result.inputs.target_date is not None
        out["target_date"] = result.inputs.target_date.isoformat()
        for lv in HEADLINE_LEVELS:
            out[f"how_many_p{lv}"] = int(result.how_many_at(lv))
    return out


def forecast_headline(result: ForecastResult) -> str:
    """One sentence: the 85% "when" date and/or the 85% "how many" count.

    Examples
    --------
    >>> import datetime as dt
    >>> from tpm_models.delivery_forecast import Backlog, ForecastInputs, simulate_forecast
    >>> inp = ForecastInputs(throughput_per_period=(2,), period="day",
    ...     start_date=dt.date(2027, 1, 4), backlog=Backlog(low_items=10, high_items=10))
    >>> forecast_headline(simulate_forecast(inp, iterations=100, rng=1))
    '85% likely to finish the backlog (10 items) by 8 Jan 2027 (5 working days).'
    """
    inp = result.inputs
    unit = "working days" if inp.period == "day" else "weeks"
    parts = []
    if result.when_periods is not None:
        b = inp.backlog
        assert b is not None
        size = f"{b.low_items}" if b.low_items == b.high_items else f"{b.low_items}–{b.high_items}"
        parts.append(
            f"85% likely to finish the backlog ({size} items) by "
            f"{_fmt_date(result.when_date(85))} ({result.when_periods_at(85)} {unit})"
        )
    if result.how_many_items is not None:
        parts.append(
            f"85% likely to finish at least {result.how_many_at(85)} items by "
            f"{_fmt_date(inp.target_date)}"
        )
    return "; ".join(parts) + "."


def forecast_report(
    result: ForecastResult,
    *,
    title: str | None = None,
    seed: int | None = None,
    source: str | None = None,
    generated: dt.datetime | None = None,
) -> str:
    """The delivery-forecast report as one self-contained HTML page (``source`` names the
    throughput history file, when there was one).

    Examples
    --------
    >>> import datetime as dt
    >>> from tpm_models.delivery_forecast import Backlog, ForecastInputs, simulate_forecast
    >>> inp = ForecastInputs(throughput_per_period=(1, 3), period="week",
    ...     start_date=dt.date(2027, 1, 4), backlog=Backlog(low_items=10, high_items=12))
    >>> "<svg" in forecast_report(simulate_forecast(inp, iterations=200, rng=1), seed=1)
    True
    """
    from tpm_models.charts import forecast as charts

    inp = result.inputs
    unit = "working days" if inp.period == "day" else "weeks"
    rows: list[Figure] = []
    figs: list[str] = []
    if result.when_periods is not None:
        for lv in HEADLINE_LEVELS:
            d = result.when_date(lv)
            rows.append(
                (
                    f"{lv}% likely done by",
                    f"when_p{lv}_date",
                    d.isoformat(),
                    f"{_fmt_date(d)} ({result.when_periods_at(lv)} {unit}; "
                    f"{_se_text(result.when_standard_error(lv), unit)})",
                )
            )
        figs.append(
            _figure(
                charts.when_chart(
                    result.when_table(),
                    [(f"P{lv}", result.when_date(lv)) for lv in HEADLINE_LEVELS],
                    deadline=inp.target_date,
                    deadline_label="Target",
                ),
                "When: the share of trials done by each date (line) and finishing on it (bars).",
            )
        )
    if result.how_many_items is not None:
        for lv in HEADLINE_LEVELS:
            n = result.how_many_at(lv)
            rows.append(
                (
                    f"{lv}% likely at least (items by {_fmt_date(inp.target_date)})",
                    f"how_many_p{lv}",
                    n,
                    f"{n} items ({_se_text(result.how_many_standard_error(lv), 'items')})",
                )
            )
        figs.append(
            _figure(
                charts.how_many_chart(
                    result.how_many_table(),
                    [(f"P{lv}", result.how_many_at(lv)) for lv in HEADLINE_LEVELS],
                    target=inp.target_date,
                ),
                "How many: the share of trials finishing at least n items by the target date.",
            )
        )
    figs.append(
        _figure(
            charts.how_many_fan_chart(
                result.fan_frame(),
                target=inp.target_date,
                backlog_items=inp.backlog.high_items if inp.backlog else None,
                period=inp.period,
            ),
            "Items done by each date: P50/P85/P95 lines.",
        )
    )
    if inp.throughput_per_period is not None:
        tp = inp.throughput_per_period
        source_text = (
            f"Throughput history{f' from {source}' if source else ''}: {len(tp)} "
            f"{'working days' if inp.period == 'day' else 'weeks'} resampled, {sum(tp)} items "
            "in all."
        )
    else:
        est = inp.throughput_estimate
        assert est is not None
        source_text = (
            f"Throughput estimate per {inp.period}: {est.low:g} / {est.likely:g} / "
            f"{est.high:g} items (triangular, rounded to whole items)."
        )
    summary = [
        source_text,
        f"Mean throughput {inp.mean_throughput:.2f} items per {inp.period}"
        + (f" at {inp.focus_percent:g}% focus." if inp.focus_percent < 100 else "."),
        f"Start: {_fmt_date(inp.start_date)}; period: {inp.period}; "
        f"{len(inp.calendar.holidays)} holidays.",
    ]
    if inp.backlog is not None:
        b = inp.backlog
        size = f"{b.low_items}" if b.low_items == b.high_items else f"{b.low_items}–{b.high_items}"
        split = (
            ""
            if b.split_low == b.split_high == 1.0
            else f", split rate {b.split_low:g}–{b.split_high:g}"
        )
        summary.append(f"Backlog {size} items{split}.")
    if inp.target_date is not None:
        summary.append(f"Target date {_fmt_date(inp.target_date)}.")
    for r in inp.risks:
        summary.append(f"Risk {r.name}: {r.probability:.0%} chance of adding items.")
    method = [
        "Each trial replays the throughput of randomly chosen past periods (or samples the "
        "three-point estimate) until the backlog is done, or until the target date.",
        "Periods are numbered from 1 at the start date; a “when” date is the last day of the "
        "period in which the last item finishes. Weekends and holidays are skipped with daily "
        "periods.",
        "“85% likely by a date” means at least 85% of trials finished by then; “85% likely at "
        "least n items” means at least 85% of trials finished n or more (so P95 ≤ P85 ≤ P50).",
        *_run_notes(result.iterations, seed),
    ]
    return _page(
        title=title or "Delivery forecast report",
        tool_label="Delivery forecast",
        headline=forecast_headline(result),
        sections=[
            ("Key figures", _figures_table(rows)),
            ("Charts", "".join(figs)),
            ("Inputs", _notes(summary)),
            ("Assumptions and method", _notes(method)),
        ],
        generated=generated,
    )


# --- build vs buy --------------------------------------------------------------------------------
def build_vs_buy_figures(result: BuildVsBuyResult) -> dict[str, Any]:
    """NPV P10/P50/P90 and the probability of being best, per option."""
    pct = result.npv_percentiles([10, 50, 90])
    return {
        "options": {
            name: {
                "npv_p10": _num(pct[i, 0], 2),
                "npv_p50": _num(pct[i, 1], 2),
                "npv_p90": _num(pct[i, 2], 2),
                "prob_best": _num(result.prob_best[i]),
            }
            for i, name in enumerate(result.option_names)
        },
        "currency": result.scenario.currency,
    }


def build_vs_buy_headline(result: BuildVsBuyResult) -> str:
    """One sentence: the engine's verdict (which option, how often best, its NPV P50)."""
    return str(result.verdict())


def build_vs_buy_report(
    result: BuildVsBuyResult,
    *,
    title: str | None = None,
    seed: int | None = None,
    method: str = "monte_carlo",
    generated: dt.datetime | None = None,
) -> str:
    """The build-vs-buy report as one self-contained HTML page."""
    from tpm_models.charts import build_vs_buy as charts

    s = result.scenario
    cur = s.currency
    pct = result.npv_percentiles([10, 50, 90])
    rows: list[Figure] = []
    for i, o in enumerate(result.point.options):
        rows.append(
            (
                f"{o.name}: NPV P50 (P10 – P90)",
                f"npv_p50.{i}",
                _num(pct[i, 1], 2),
                f"{_money(pct[i, 1], cur)} ({_money(pct[i, 0], cur)} – {_money(pct[i, 2], cur)})",
            )
        )
        rows.append(
            (
                f"{o.name}: chance of being best",
                f"prob_best.{i}",
                _num(result.prob_best[i]),
                _fmt_prob(float(result.prob_best[i])),
            )
        )
    summary_rows = [
        (
            o.name,
            _money(o.pv_costs, cur),
            _money(o.pv_benefits, cur),
            _money(o.npv, cur),
            _money(o.tco_nominal, cur),
            "n/a" if not math.isfinite(o.roi) else f"{o.roi:.1%}",
            "several"
            if o.irr_multiple
            else ("n/a" if not math.isfinite(o.irr) else f"{o.irr:.1%}"),
            f"> {s.horizon} {s.period}s"
            if not math.isfinite(o.payback_period)
            else f"{o.payback_period:.1f} {s.period}s",
        )
        for o in result.point.options
    ]
    point_html = _table(
        ["option", "PV costs", "PV benefits", "NPV", "TCO", "ROI", "IRR", "payback"],
        summary_rows,
        numeric=range(1, 8),
    )
    figs = [
        _figure(
            charts.npv_distribution(
                result.npv_histogram(bins=60),
                dict(zip(result.option_names, pct[:, 1].tolist(), strict=True)),
                currency=cur,
            ),
            "NPV distribution of each option with its P50.",
        ),
        _figure(
            charts.cumulative_cash_flow(
                result.point.cash_flow_frame(), currency=cur, period=s.period
            ),
            "Cumulative cash flow at the most likely values.",
        ),
    ]
    t = result.tornado
    if t is not None and len(t.frame):
        figs.append(
            _figure(
                charts.npv_tornado(
                    t.frame,
                    leader=t.leader,
                    runner_up=t.runner_up,
                    base=t.base_difference,
                    currency=cur,
                ),
                "What moves the NPV difference between the two leaders most (P10 → P90).",
            )
        )
    inputs_html = _notes(
        [
            f"{len(s.options)} options over {s.horizon} {s.period}s; discount rate "
            f"{s.discount_rate:.1%} a year; currency {cur}.",
            *(
                [
                    f"Seats: {_estimate_text(s.seats.initial)} at the start, growing "
                    f"{_estimate_text(s.seats.growth)} a period"
                ]
                if s.seats is not None
                else []
            ),
        ]
    )
    inputs_html += _table(
        ["option", "kind", "lines"],
        [(o.name, o.kind, "; ".join(line.name for line in o.lines)) for o in s.options],
    )
    sections = [
        ("Key figures", _figures_table(rows)),
        ("Point figures at the most likely values", point_html),
        ("Charts", "".join(figs)),
    ]
    if result.scoring is not None:
        sc = result.scoring
        score_html = _table(
            ["option", "weighted score"],
            [(name, f"{total:.2f}") for name, total in sc.totals.items()],
            numeric=(1,),
        )
        if sc.consistency_ratio is not None:
            score_html += _notes(
                [f"AHP consistency ratio {sc.consistency_ratio:.3f} (Saaty 1980 random index)."]
            )
        sections.append((f"Non-financial scores ({sc.method.upper()})", score_html))
    method_notes = [
        "Period 0 is the initial period and is not discounted; period t is discounted by "
        "(1 + r)^t (Excel's NPV(r, v1..vn) + v0 equals these figures).",
        "ROI = NPV / PV costs; payback is the first period in which the cumulative cash flow "
        "turns non-negative; TCO is the sum of costs (nominal).",
        "Uncertain amounts are three-point estimates (PERT λ = 4 unless stated); the chance "
        "of being best counts the trials in which an option has the highest NPV.",
        *_run_notes(result.iterations, seed, method),
    ]
    sections += [("Inputs", inputs_html), ("Assumptions and method", _notes(method_notes))]
    return _page(
        title=title or s.title or "Build vs buy report",
        tool_label="Build vs buy",
        headline=build_vs_buy_headline(result),
        sections=sections,
        generated=generated,
    )


# --- team capacity -------------------------------------------------------------------------------
def _window(result: CapacityResult, target: str | None, until: str | None) -> tuple[str, str]:
    sc = result.scenario
    return (
        target or sc.solver.target_month or sc.start_month,
        until or sc.solver.until_month or sc.end_month,
    )


def capacity_figures(
    result: CapacityResult, target_month: str | None = None, until_month: str | None = None
) -> dict[str, Any]:
    """Worst-month chance of meeting demand in the window, and per month (all roles)."""
    target, until = _window(result, target_month, until_month)
    monthly = result.monthly()
    total = monthly[monthly["role"] == TOTAL]
    return {
        "target_month": target,
        "until_month": until,
        "min_prob_meets_demand": _num(result.min_prob_meets(target, until)),
        "worst_month": result.worst_month(target, until),
        "prob_meets_demand": {
            str(m): _num(p, 4)
            for m, p in zip(total["month"], total["prob_meets_demand"], strict=True)
        },
        "capacity_p50_end": _num(float(total["capacity_p50"].iloc[-1]), 3),
    }


def capacity_headline(
    result: CapacityResult, target_month: str | None = None, until_month: str | None = None
) -> str:
    """One sentence: the worst month's chance of meeting demand in the window."""
    target, until = _window(result, target_month, until_month)
    p = result.min_prob_meets(target, until)
    worst = result.worst_month(target, until)
    return (
        f"From {month_label(target)} to {month_label(until)}, each month's chance of meeting "
        f"demand is at least {_fmt_prob(p)}; the worst month is {month_label(worst)}."
    )


def capacity_report(
    result: CapacityResult,
    *,
    title: str | None = None,
    seed: int | None = None,
    target_month: str | None = None,
    until_month: str | None = None,
    generated: dt.datetime | None = None,
) -> str:
    """The team-capacity report as one self-contained HTML page."""
    from tpm_models.charts import capacity as charts

    sc = result.scenario
    target, until = _window(result, target_month, until_month)
    monthly = result.monthly()
    total = monthly[monthly["role"] == TOTAL]
    p = result.min_prob_meets(target, until)
    worst = result.worst_month(target, until)
    rows: list[Figure] = [
        ("Worst-month chance of meeting demand", "min_prob_meets_demand", _num(p), f"{p:.1%}"),
        ("Worst month", "worst_month", worst, month_label(worst)),
    ]
    for role in result.roles:
        pr = result.min_prob_meets(target, until, role)
        rows.append((f"{role}: worst-month chance", f"role.{role}", _num(pr), f"{pr:.1%}"))
    month_rows = [
        (
            month_label(str(r["month"])),
            f"{r['capacity_p10']:.1f}",
            f"{r['capacity_p50']:.1f}",
            f"{r['capacity_p90']:.1f}",
            f"{r['demand']:.1f}",
            f"{r['prob_meets_demand']:.0%}",
            f"{r['headcount_mean']:.1f}",
        )
        for r in total.to_dict("records")
    ]
    figs = [
        _figure(charts.capacity_fan_chart(monthly, TOTAL), "Effective capacity vs demand."),
        _figure(
            charts.prob_meets_chart(monthly, target_month=target),
            "Chance that every role meets its demand, month by month.",
        ),
        _figure(charts.headcount_chart(monthly), "Expected headcount."),
    ]
    inputs_html = _notes(
        [
            f"{sc.months} months from {month_label(sc.start_month)}; "
            f"{sum(r.headcount for r in sc.roles)} people on {len(sc.roles)} roster lines; "
            f"{sum(h.count for h in sc.hires)} planned hires.",
            f"Attrition {sc.attrition_annual:.0%} a year; backfill "
            f"{'on' if sc.backfill.enabled else 'off'}; ramp-up {sc.ramp_months} months "
            f"({sc.ramp_curve.replace('_', '-')}); onboarding drag {sc.onboarding_drag:.0%}; "
            f"focus factor {sc.focus_factor:.0%}.",
        ]
    )
    inputs_html += _table(
        ["role", "headcount", "FTE each"], [(r.role, r.headcount, f"{r.fte:g}") for r in sc.roles]
    )
    if sc.hires:
        inputs_html += _table(
            ["planned hire", "count", "target month"],
            [(h.role, h.count, h.target_month) for h in sc.hires],
        )
    method = [
        "Capacity is effective FTE per month: headcount × FTE × ramp-up × focus, less "
        "onboarding drag and time off.",
        "Attrition: each person leaves in a month with hazard p = 1 − (1 − r)^(1/12); "
        "time to hire and backfill lags are three-point estimates.",
        "P10 capacity is exceeded in 90% of trials; the chance of meeting demand in a month "
        "counts the trials in which every role covers its demand.",
        *_run_notes(result.iterations, seed),
    ]
    return _page(
        title=title or sc.name or "Team capacity report",
        tool_label="Team capacity",
        headline=capacity_headline(result, target, until),
        sections=[
            ("Key figures", _figures_table(rows)),
            ("Charts", "".join(figs)),
            (
                "Month by month (all roles)",
                _table(
                    ["month", "P10", "P50", "P90", "demand", "P(meet)", "headcount"],
                    month_rows,
                    numeric=range(1, 7),
                ),
            ),
            ("Inputs", inputs_html),
            ("Assumptions and method", _notes(method)),
        ],
        generated=generated,
    )


# --- one entry point for pages and the library --------------------------------------------------
def figures_for(tool: str, result: Any, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The headline figures of ``result`` for ``tool`` (one of :data:`TOOLS`)."""
    opts = dict(options or {})
    if tool == "schedule":
        d = opts.get("deadline")
        return schedule_figures(result, dt.date.fromisoformat(d) if isinstance(d, str) else d)
    if tool == "forecast":
        return forecast_figures(result)
    if tool == "build-vs-buy":
        return build_vs_buy_figures(result)
    if tool == "capacity":
        return capacity_figures(result, opts.get("target_month"), opts.get("until_month"))
    raise ValueError(f"unknown tool {tool!r}; choose one of {', '.join(TOOLS)}")


def _engine_json(tool: str, scenario_json: str) -> str:
    """A forecast scenario may wrap the engine inputs (``engine_inputs``) with page settings."""
    if tool == "forecast":
        payload = json.loads(scenario_json)
        if isinstance(payload, dict) and isinstance(payload.get("engine_inputs"), dict):
            return json.dumps(payload["engine_inputs"])
    return scenario_json


def simulate_tool(
    tool: str,
    scenario_json: str,
    *,
    iterations: int,
    seed: int | None,
    options: Mapping[str, Any] | None = None,
) -> Any:
    """Run ``tool``'s engine on its scenario JSON exactly as its page and command do.

    ``scenario_json``: schedule — ``schedule_to_json``; forecast — ``ForecastInputs`` JSON
    (bare or under ``engine_inputs``); build vs buy / capacity — the scenario file. Options:
    ``method`` (schedule, build vs buy). Raises :class:`~tpm_models.errors.InputError`.
    """
    opts = dict(options or {})
    text = _engine_json(tool, scenario_json)
    if tool == "schedule":
        from tpm_models.schedule_risk import simulate_schedule
        from tpm_models.schedule_risk.readers import schedule_from_json

        return simulate_schedule(
            schedule_from_json(text),
            iterations=iterations,
            rng=seed,
            method=opts.get("method", "monte_carlo"),
        )
    if tool == "forecast":
        from tpm_models.delivery_forecast import ForecastInputs, simulate_forecast

        return simulate_forecast(
            ForecastInputs.model_validate_json(text), iterations=iterations, rng=seed
        )
    if tool == "build-vs-buy":
        from tpm_models.build_vs_buy import parse_scenario, simulate

        return simulate(
            parse_scenario(text),
            iterations=iterations,
            rng=seed,
            method=opts.get("method", "monte_carlo"),
        )
    if tool == "capacity":
        from tpm_models.team_capacity import simulate_capacity, validate_scenario

        return simulate_capacity(
            validate_scenario(json.loads(text)), iterations=iterations, rng=seed
        )
    raise ValueError(f"unknown tool {tool!r}; choose one of {', '.join(TOOLS)}")


def report_for(
    tool: str,
    result: Any,
    *,
    title: str | None = None,
    seed: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> str:
    """The HTML report of ``result`` for ``tool`` (options: ``deadline`` for schedule,
    ``method`` for build vs buy, ``target_month``/``until_month`` for capacity, ``source``
    for forecast)."""
    opts = dict(options or {})
    if tool == "schedule":
        d = opts.get("deadline")
        deadline = dt.date.fromisoformat(d) if isinstance(d, str) else d
        return schedule_report(result, title=title, deadline=deadline)
    if tool == "forecast":
        return forecast_report(result, title=title, seed=seed, source=opts.get("source"))
    if tool == "build-vs-buy":
        return build_vs_buy_report(
            result, title=title, seed=seed, method=opts.get("method", "monte_carlo")
        )
    if tool == "capacity":
        return capacity_report(
            result,
            title=title,
            seed=seed,
            target_month=opts.get("target_month"),
            until_month=opts.get("until_month"),
        )
    raise ValueError(f"unknown tool {tool!r}; choose one of {', '.join(TOOLS)}")


def summary_frame(figures: Mapping[str, Any]) -> pd.DataFrame:
    """A figures dict flattened to ``figure, value`` rows (nested keys joined with ``.``)."""
    rows: list[tuple[str, object]] = []

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        else:
            rows.append((prefix, value))

    walk("", figures)
    return pd.DataFrame(rows, columns=["figure", "value"]).astype({"value": "object"})
