"""Scenario ↔ editable tables (the page's data editors), with table-located problems.

Tables
------
options
    ``option, kind, time_to_value, cost_of_delay, exit_cost, description``.
lines
    One long table, one row per line: ``option, line, kind, low, likely, high, distribution,
    per_seat, start, end, escalation_pct, values, assumption``. A line with ``values`` text
    (``;``-separated, one per period 0..horizon) is an explicit line; otherwise it is a
    recurring amount ``low/likely/high`` (leave low and high empty for a fixed amount).
criteria
    ``criterion, weight`` (weight used with direct weighting).
pairwise
    Square table of AHP judgements, rows and columns named by criterion.
scores
    ``option`` + one column per criterion.

Money cells that may hold an estimate in a single text cell (``cost_of_delay``, ``exit_cost``
and each ``values`` entry) accept ``120000`` or ``80000/120000/200000`` (low/likely/high, PERT).
Problems are located by table name, spreadsheet-style row (header = row 1) and column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tpm_models.build_vs_buy.scenario import Scenario, parse_scenario
from tpm_models.errors import InputError, Problem
from tpm_models.estimates import DISTRIBUTIONS, Estimate

__all__ = [
    "LINE_COLUMNS",
    "OPTION_COLUMNS",
    "ScenarioTables",
    "scenario_from_tables",
    "scenario_to_tables",
]

OPTION_COLUMNS = ["option", "kind", "time_to_value", "cost_of_delay", "exit_cost", "description"]
LINE_COLUMNS = [
    "option",
    "line",
    "kind",
    "low",
    "likely",
    "high",
    "distribution",
    "per_seat",
    "start",
    "end",
    "escalation_pct",
    "values",
    "assumption",
]
OPTIONS_TABLE = "options table"
LINES_TABLE = "lines table"
SCORES_TABLE = "scores table"
CRITERIA_TABLE = "criteria table"
PAIRWISE_TABLE = "pairwise table"


@dataclass(frozen=True)
class ScenarioTables:
    """Everything the page edits: settings (scalars) and five tables."""

    settings: dict[str, Any]
    options: pd.DataFrame
    lines: pd.DataFrame
    criteria: pd.DataFrame
    pairwise: pd.DataFrame
    scores: pd.DataFrame


def _estimate_text(e: Estimate | None) -> str:
    if e is None:
        return ""
    if e.is_degenerate:
        return f"{e.likely:g}"
    return f"{e.low:g}/{e.likely:g}/{e.high:g}"


def scenario_to_tables(s: Scenario) -> ScenarioTables:
    """Tables for the editors (the inverse of :func:`scenario_from_tables`)."""
    settings: dict[str, Any] = {
        "title": s.title,
        "description": s.description,
        "currency": s.currency,
        "period": s.period,
        "horizon": s.horizon,
        "discount_rate": s.discount_rate,
        "seats_initial": s.seats.initial.likely if s.seats else None,
        # an uncertain seat count is kept while its most-likely value is not edited
        "seats_initial_estimate": s.seats.initial if s.seats else None,
        "growth_low": s.seats.growth.low if s.seats else 0.0,
        "growth_likely": s.seats.growth.likely if s.seats else 0.0,
        "growth_high": s.seats.growth.high if s.seats else 0.0,
        "scoring_method": (
            "none"
            if s.scoring is None
            else ("ahp" if s.scoring.pairwise is not None else "weights")
        ),
    }
    options = pd.DataFrame(
        [
            {
                "option": o.name,
                "kind": o.kind,
                "time_to_value": o.time_to_value,
                "cost_of_delay": _estimate_text(o.cost_of_delay),
                "exit_cost": _estimate_text(o.exit_cost),
                "description": o.description,
            }
            for o in s.options
        ],
        columns=OPTION_COLUMNS,
    )
    rows = []
    for o in s.options:
        for line in o.lines:
            rec: dict[str, Any] = {
                "option": o.name,
                "line": line.name,
                "kind": line.kind,
                "low": None,
                "likely": None,
                "high": None,
                "distribution": "pert",
                "per_seat": line.per_seat,
                "start": line.start,
                "end": line.end,
                "escalation_pct": line.escalation * 100,
                "values": "",
                "assumption": line.assumption or "",
            }
            if line.amount is not None:
                e = line.amount
                rec["likely"] = e.likely
                if not e.is_degenerate:
                    rec.update(low=e.low, high=e.high, distribution=e.distribution)
            else:
                assert line.values is not None
                rec["values"] = "; ".join(_estimate_text(v) for v in line.values)
                rec["start"] = None
            rows.append(rec)
    lines = pd.DataFrame(rows, columns=LINE_COLUMNS)
    for col in ("low", "likely", "high", "escalation_pct"):
        lines[col] = pd.to_numeric(lines[col]).astype("float64")
    for col in ("start", "end"):
        lines[col] = lines[col].astype("Int64")
    sc = s.scoring
    criteria_names = list(sc.criteria) if sc else []
    weights = list(sc.weights) if sc and sc.weights else [1.0] * len(criteria_names)
    if sc is not None and sc.pairwise is not None:
        from tpm_models.build_vs_buy.scoring import ahp_weights

        weights = [round(float(w), 4) for w in ahp_weights(sc.pairwise).weights]
    criteria = pd.DataFrame({"criterion": criteria_names, "weight": weights})
    pair = (
        [list(r) for r in sc.pairwise]
        if sc and sc.pairwise
        else [[1.0] * len(criteria_names) for _ in criteria_names]
    )
    pairwise = pd.DataFrame(pair, index=criteria_names, columns=criteria_names, dtype="float64")
    scores = pd.DataFrame(
        [
            {"option": o.name, **dict(zip(criteria_names, sc.scores.get(o.name, ()), strict=False))}
            for o in s.options
        ]
        if sc
        else [],
        columns=["option", *criteria_names],
    )
    return ScenarioTables(settings, options, lines, criteria, pairwise, scores)


# --------------------------------------------------------------------------------------------
def _blank(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if v is pd.NA:
        return True
    return isinstance(v, str) and not v.strip()


def _text(v: object) -> str:
    return "" if _blank(v) else str(v).strip()


def _parse_estimate_text(raw: str) -> float | dict[str, Any] | None:
    parts = [p.strip().replace(",", "") for p in raw.split("/")]
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        return None
    if len(nums) == 1:
        return nums[0]
    if len(nums) == 3:
        return {"low": nums[0], "likely": nums[1], "high": nums[2], "distribution": "pert"}
    return None


class _Cells:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, table: str, row: int, column: str, msg: str) -> None:
        self.problems.append(Problem(table, msg, row, column))

    def number(self, table: str, row: int, column: str, v: object) -> float | None:
        if _blank(v):
            return None
        try:
            f = float(str(v).replace(",", "")) if isinstance(v, str) else float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.add(table, row, column, f"{v!r} is not a number")
            return None
        if not math.isfinite(f):
            self.add(table, row, column, "must be a finite number")
            return None
        return f

    def integer(self, table: str, row: int, column: str, v: object) -> int | None:
        f = self.number(table, row, column, v)
        if f is None:
            return None
        if f != int(f):
            self.add(table, row, column, f"must be a whole number of periods, got {f:g}")
            return None
        return int(f)

    def estimate_text(self, table: str, row: int, column: str, v: object) -> Any:
        raw = _text(v)
        if not raw:
            return None
        out = _parse_estimate_text(raw)
        if out is None:
            self.add(
                table, row, column, f"{raw!r}: write a number or low/likely/high, e.g. 8/10/15"
            )
        return out


def scenario_from_tables(t: ScenarioTables, *, source_rows: bool = True) -> Scenario:
    """Build and validate a scenario from the edited tables.

    Raises
    ------
    InputError
        Problems located by table, row (header = row 1, first data row = 2) and column; a
        problem the scenario checks find (e.g. a values list of the wrong length) is mapped back
        to the table cell it came from.
    """
    cells = _Cells()
    st = t.settings
    payload: dict[str, Any] = {
        "schema_version": 1,
        "title": st.get("title", "") or "",
        "description": st.get("description", "") or "",
        "currency": st.get("currency", "USD") or "USD",
        "period": st.get("period", "year"),
        "horizon": st.get("horizon"),
        "discount_rate": st.get("discount_rate"),
    }
    if not _blank(st.get("seats_initial")):
        lo, ml, hi = (st.get(k) for k in ("growth_low", "growth_likely", "growth_high"))
        ml = 0.0 if _blank(ml) else ml
        lo = ml if _blank(lo) else lo
        hi = ml if _blank(hi) else hi
        # low == high means "no range given" (a fixed growth): editing only the most-likely
        # value then simply changes the growth instead of failing the low <= likely check
        growth: Any = ml if lo == hi else {"low": lo, "likely": ml, "high": hi}
        initial: Any = st["seats_initial"]
        kept = st.get("seats_initial_estimate")
        if isinstance(kept, Estimate) and not kept.is_degenerate and kept.likely == initial:
            initial = kept.model_dump()
        payload["seats"] = {"initial": initial, "growth": growth}
    # where each JSON path came from: path prefix -> (table, row)
    origin: dict[str, tuple[str, int]] = {}
    options: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for k, rec in enumerate(t.options.to_dict("records")):
        row = k + 2
        name = _text(rec.get("option"))
        if not name:
            if all(_blank(v) for v in rec.values()):
                continue
            cells.add(OPTIONS_TABLE, row, "option", "an option needs a name")
            continue
        if name in index:
            cells.add(OPTIONS_TABLE, row, "option", f"duplicate option name {name!r}")
            continue
        opt: dict[str, Any] = {
            "name": name,
            "kind": _text(rec.get("kind")) or "buy",
            "description": _text(rec.get("description")),
            "lines": [],
        }
        ttv = cells.integer(OPTIONS_TABLE, row, "time_to_value", rec.get("time_to_value"))
        if ttv is not None:
            opt["time_to_value"] = ttv
        for col in ("cost_of_delay", "exit_cost"):
            e = cells.estimate_text(OPTIONS_TABLE, row, col, rec.get(col))
            if e is not None:
                opt[col] = e
        origin[f"options[{len(options)}]"] = (OPTIONS_TABLE, row)
        index[name] = len(options)
        options.append(opt)
    for k, rec in enumerate(t.lines.to_dict("records")):
        row = k + 2
        if all(_blank(v) or v is False for v in rec.values()):
            continue
        oname = _text(rec.get("option"))
        if oname not in index:
            cells.add(
                LINES_TABLE,
                row,
                "option",
                f"no option named {oname!r} in the options table"
                if oname
                else "choose the option this line belongs to",
            )
            continue
        line: dict[str, Any] = {
            "name": _text(rec.get("line")),
            "kind": _text(rec.get("kind")) or "cost",
            "per_seat": bool(rec.get("per_seat")) if not _blank(rec.get("per_seat")) else False,
        }
        if _text(rec.get("assumption")):
            line["assumption"] = _text(rec.get("assumption"))
        esc = cells.number(LINES_TABLE, row, "escalation_pct", rec.get("escalation_pct"))
        if esc is not None:
            line["escalation"] = esc / 100
        values_text = _text(rec.get("values"))
        if values_text:
            vals = []
            for part in values_text.replace("\n", ";").split(";"):
                v = cells.estimate_text(LINES_TABLE, row, "values", part)
                if v is not None:
                    vals.append(v)
            line["values"] = vals
        else:
            lo = cells.number(LINES_TABLE, row, "low", rec.get("low"))
            ml = cells.number(LINES_TABLE, row, "likely", rec.get("likely"))
            hi = cells.number(LINES_TABLE, row, "high", rec.get("high"))
            dist = _text(rec.get("distribution")) or "pert"
            if ml is None:
                cells.add(LINES_TABLE, row, "likely", "give the most likely amount (or values)")
            elif (lo is None and hi is None) or dist == "fixed":
                line["amount"] = ml
            else:
                if dist not in DISTRIBUTIONS:
                    cells.add(LINES_TABLE, row, "distribution", f"unknown distribution {dist!r}")
                line["amount"] = {
                    "low": ml if lo is None else lo,
                    "likely": ml,
                    "high": ml if hi is None else hi,
                    "distribution": dist,
                }
            for col in ("start", "end"):
                v = cells.integer(LINES_TABLE, row, col, rec.get(col))
                if v is not None:
                    line[col] = v
        o = index[oname]
        origin[f"options[{o}].lines[{len(options[o]['lines'])}]"] = (LINES_TABLE, row)
        options[o]["lines"].append(line)
    payload["options"] = options
    method = st.get("scoring_method", "none")
    if method in ("ahp", "weights") and len(t.criteria):
        crit_rows = [
            (k + 2, _text(r.get("criterion")), r.get("weight"))
            for k, r in enumerate(t.criteria.to_dict("records"))
        ]
        crit_rows = [c for c in crit_rows if c[1]]
        names = [c[1] for c in crit_rows]
        scoring: dict[str, Any] = {"criteria": names}
        if method == "weights":
            ws = []
            for row, _, w in crit_rows:
                f = cells.number(CRITERIA_TABLE, row, "weight", w)
                ws.append(0.0 if f is None else f)
            scoring["weights"] = ws
        else:
            pw = t.pairwise.reindex(index=names, columns=names)
            matrix = []
            for a, ra in enumerate(names):
                row_vals = []
                for b, cb in enumerate(names):
                    v = pw.loc[ra, cb] if ra in pw.index and cb in pw.columns else None
                    f = cells.number(PAIRWISE_TABLE, a + 2, cb, v)
                    row_vals.append((1.0 if a == b else float("nan")) if f is None else f)
                matrix.append(row_vals)
            for a in range(len(names)):
                for b in range(len(names)):
                    if math.isnan(matrix[a][b]):
                        if not math.isnan(matrix[b][a]) and matrix[b][a] > 0:
                            matrix[a][b] = 1.0 / matrix[b][a]  # fill a blank with the reciprocal
                        else:
                            matrix[a][b] = 1.0
            scoring["pairwise"] = matrix
        scores: dict[str, list[float]] = {}
        for k, rec in enumerate(t.scores.to_dict("records")):
            oname = _text(rec.get("option"))
            if not oname:
                continue
            vals2 = [cells.number(SCORES_TABLE, k + 2, c, rec.get(c)) for c in names]
            if all(v is None for v in vals2):
                continue
            if any(v is None for v in vals2):
                missing = [c for c, v in zip(names, vals2, strict=True) if v is None]
                cells.add(SCORES_TABLE, k + 2, missing[0], "give a score for every criterion")
                continue
            scores[oname] = [float(v) for v in vals2 if v is not None]
            origin[f"scoring.scores.{oname}"] = (SCORES_TABLE, k + 2)
        scoring["scores"] = scores
        payload["scoring"] = scoring
    if cells.problems:
        raise InputError(cells.problems)
    try:
        return parse_scenario(payload, source="settings")
    except InputError as exc:
        raise InputError([_relocate(p, origin) for p in exc.problems]) from None


_FIELD_TO_COLUMN = {
    "name": "line",
    "amount": "likely",
    "escalation": "escalation_pct",
}


def _relocate(p: Problem, origin: dict[str, tuple[str, int]]) -> Problem:
    """Map a JSON-path problem back to the table cell it came from."""
    path = p.column or ""
    best = ""
    for prefix in origin:
        if (path == prefix or path.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    if not best:
        if path.startswith("scoring.pairwise"):
            return Problem(PAIRWISE_TABLE, p.message, None, path.removeprefix("scoring."))
        if path.startswith("scoring"):
            return Problem(CRITERIA_TABLE, p.message, None, path.removeprefix("scoring."))
        return Problem("settings", p.message, None, path)
    table, row = origin[best]
    rest = path[len(best) :].lstrip(".")
    field = rest.split(".")[0].split("[")[0] if rest else ""
    if table == OPTIONS_TABLE:
        column = {"name": "option"}.get(field, field or "option")
    elif table == LINES_TABLE:
        column = _FIELD_TO_COLUMN.get(field, field or "line")
    else:
        column = rest or "option"
    return Problem(table, p.message, row, column)
