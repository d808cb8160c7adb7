"""Scenario library: named scenarios and their saved runs in one SQLite file (issue 8).

Where: the path in the ``TPM_LIBRARY`` environment variable, else
``platformdirs.user_data_dir("tpm-decision-lab")/library.sqlite3``.

What: ``scenarios`` (tool, name, the inputs as JSON validated by the tool's own scenario
reader, created/updated timestamps) and ``runs`` (scenario, timestamp, seed, trials, the
headline figures as JSON, and the inputs the run used). A scenario's history — how its P80
date, NPV P50 or chance of meeting demand moved from run to run — is :meth:`Library.history`.

How it stays safe with several app users at once: every call opens its own connection (no
connection is shared between threads), the file is in WAL mode with a busy timeout, and every
write is one ``BEGIN IMMEDIATE`` transaction. The schema is versioned with
``PRAGMA user_version``; a file written by a newer version is refused, and a file that is not
a SQLite database raises :class:`LibraryError` with a message saying what to do. Everything
stored is JSON text (never pickle).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from tpm_models.errors import InputError
from tpm_models.io.json_models import problems_from_validation_error
from tpm_models.report import TOOLS

__all__ = [
    "ENV_VAR",
    "SCHEMA_VERSION",
    "TOOL_LABELS",
    "Library",
    "LibraryError",
    "RunRecord",
    "ScenarioRecord",
    "canonical_inputs",
    "default_path",
    "history_series",
]

ENV_VAR = "TPM_LIBRARY"
#: Version of the file layout, stored in ``PRAGMA user_version``.
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 15.0
MAX_NAME_CHARS = 120
TOOL_LABELS = {
    "schedule": "Schedule risk",
    "forecast": "Delivery forecast",
    "build-vs-buy": "Build vs buy",
    "capacity": "Team capacity",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scenarios (
    id INTEGER PRIMARY KEY,
    tool TEXT NOT NULL,
    name TEXT NOT NULL,
    inputs_json TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    UNIQUE (tool, name)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    scenario_id INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    created TEXT NOT NULL,
    seed INTEGER,
    trials INTEGER NOT NULL,
    figures_json TEXT NOT NULL,
    inputs_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_scenario ON runs (scenario_id, created, id);
"""


class LibraryError(Exception):
    """The library file cannot be used (newer schema, not a database, locked, bad name…)."""


@dataclass(frozen=True)
class ScenarioRecord:
    """A named scenario. ``inputs_json`` is the tool's canonical scenario JSON."""

    id: int
    tool: str
    name: str
    inputs_json: str
    created: dt.datetime
    updated: dt.datetime


@dataclass(frozen=True)
class RunRecord:
    """One saved run: when, with which seed and trial count, and its headline figures."""

    id: int
    scenario_id: int
    created: dt.datetime
    seed: int | None
    trials: int
    figures: dict[str, Any]
    inputs_json: str


def default_path() -> Path:
    """``$TPM_LIBRARY`` if set, else ``library.sqlite3`` in the user's data directory."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("tpm-decision-lab")) / "library.sqlite3"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _check_tool(tool: str) -> str:
    if tool not in TOOLS:
        raise LibraryError(f"unknown tool {tool!r}; choose one of {', '.join(TOOLS)}")
    return tool


def _check_name(name: str) -> str:
    clean = " ".join(str(name).split())
    if not clean:
        raise LibraryError("give the scenario a name")
    if len(clean) > MAX_NAME_CHARS:
        raise LibraryError(f"a scenario name has at most {MAX_NAME_CHARS} characters")
    return clean


def canonical_inputs(tool: str, inputs_json: str | bytes) -> str:
    """Validate ``inputs_json`` with the tool's own scenario reader; return canonical JSON.

    Schedule: :func:`~tpm_models.schedule_risk.readers.schedule_from_json`; forecast:
    :func:`~tpm_models.delivery_forecast.forecast_from_json` (the page's scenario file, with
    its history), or :class:`~tpm_models.delivery_forecast.ForecastInputs` (bare, or under
    ``engine_inputs`` as older pages wrote it — the wrapper is kept); build vs buy:
    :func:`~tpm_models.build_vs_buy.parse_scenario`; capacity:
    :func:`~tpm_models.team_capacity.validate_scenario`. Raises :class:`InputError`.

    Examples
    --------
    >>> text = canonical_inputs("capacity", '{"schema_version": 1, "start_month": "2027-01", '
    ...                         '"months": 3, "roles": [{"role": "QA", "headcount": 2}]}')
    >>> json.loads(text)["months"]
    3
    """
    _check_tool(tool)
    if isinstance(inputs_json, bytes):
        inputs_json = inputs_json.decode("utf-8-sig")
    source = f"{tool} scenario"
    if tool == "schedule":
        from tpm_models.schedule_risk.readers import schedule_from_json, schedule_to_json

        return schedule_to_json(schedule_from_json(inputs_json, name=source))
    try:
        payload = json.loads(inputs_json)
    except json.JSONDecodeError as exc:
        raise InputError.single(source, f"not valid JSON: {exc.msg}", row=exc.lineno) from None
    if not isinstance(payload, dict):
        raise InputError.single(source, "the JSON must be an object ({...}) at the top level")
    if tool == "build-vs-buy":
        from tpm_models.build_vs_buy import parse_scenario

        return parse_scenario(payload, source).to_json()
    if tool == "capacity":
        from tpm_models.team_capacity import validate_scenario

        return validate_scenario(payload, source).model_dump_json()
    from tpm_models.delivery_forecast import ForecastInputs, forecast_from_json, forecast_to_json

    if "history" in payload or payload.get("tool") == "forecast":
        # a forecast scenario file (settings + history): the page can restore it
        return forecast_to_json(forecast_from_json(inputs_json, source))
    wrapped = isinstance(payload.get("engine_inputs"), dict)
    try:
        inputs = ForecastInputs.model_validate(payload["engine_inputs"] if wrapped else payload)
    except ValidationError as exc:
        raise InputError(problems_from_validation_error(exc, source)) from None
    if wrapped:
        payload["engine_inputs"] = json.loads(inputs.model_dump_json())
        return json.dumps(payload, sort_keys=True)
    return inputs.model_dump_json()


class Library:
    """A scenario library file (created on first use).

    Parameters
    ----------
    path : str or Path, optional
        The SQLite file; default :func:`default_path`. ``":memory:"`` is not supported (each
        call opens its own connection).

    Raises
    ------
    LibraryError
        The file was written by a newer version, is not a SQLite database, or cannot be
        created.

    Examples
    --------
    >>> import tempfile
    >>> lib = Library(Path(tempfile.mkdtemp()) / "lib.sqlite3")
    >>> sc = lib.save_scenario("capacity", "Org 2027", '{"schema_version": 1, '
    ...     '"start_month": "2027-01", "months": 3, "roles": [{"role": "QA", "headcount": 2}]}')
    >>> run = lib.add_run(sc.id, seed=1, trials=1000, figures={"min_prob_meets_demand": 0.8})
    >>> [r.figures for r in lib.list_runs(sc.id)]
    [{'min_prob_meets_demand': 0.8}]
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(
                f"cannot create the library folder {self.path.parent}: {exc}"
            ) from None
        self._ensure_schema()

    # --- connection handling ---------------------------------------------------------------------
    def _explain(self, exc: sqlite3.Error) -> LibraryError:
        text = str(exc)
        if isinstance(exc, sqlite3.DatabaseError) and (
            "not a database" in text or "malformed" in text or "disk image" in text
        ):
            return LibraryError(
                f"the scenario library {self.path} is damaged or not a library file ({text}). "
                f"Move it aside (or set {ENV_VAR} to another file) and the app starts a new one."
            )
        if "locked" in text or "busy" in text:
            return LibraryError(
                f"the scenario library {self.path} stayed busy for {BUSY_TIMEOUT_S:g} s "
                f"(another user is writing); try again ({text})"
            )
        return LibraryError(f"the scenario library {self.path} cannot be used: {text}")

    @contextlib.contextmanager
    def _connect(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """One connection per call; a write is one ``BEGIN IMMEDIATE`` transaction."""
        try:
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._explain(exc) from exc
        try:
            con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            con.execute("PRAGMA foreign_keys = ON")
            if write:
                con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            if con.in_transaction:
                con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise self._explain(exc) from exc
        finally:
            con.close()

    def _ensure_schema(self) -> None:
        try:
            with self._connect(write=False) as con:
                mode = con.execute("PRAGMA journal_mode = WAL").fetchone()
                if mode is None or str(mode[0]).lower() != "wal":
                    raise LibraryError(f"the scenario library {self.path} cannot use WAL mode")
                version = int(con.execute("PRAGMA user_version").fetchone()[0])
                self._check_version(version)
                if version == SCHEMA_VERSION:
                    return
                con.execute("BEGIN IMMEDIATE")
                version = int(con.execute("PRAGMA user_version").fetchone()[0])
                self._check_version(version)
                if version == 0:
                    known = {
                        r[0]
                        for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
                    }
                    if known - {"scenarios", "runs"}:
                        raise LibraryError(
                            f"{self.path} is a SQLite file of another program (tables "
                            f"{', '.join(sorted(known))}); set {ENV_VAR} to another file"
                        )
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            con.execute(statement)
                    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.Error as exc:
            raise self._explain(exc) from exc

    def _check_version(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise LibraryError(
                f"the scenario library {self.path} was written by a newer version of TPM "
                f"Decision Lab (library schema {version}; this version reads up to "
                f"{SCHEMA_VERSION}). Upgrade the app, or set {ENV_VAR} to another file."
            )

    # --- scenarios -------------------------------------------------------------------------------
    @staticmethod
    def _scenario(row: tuple[Any, ...]) -> ScenarioRecord:
        return ScenarioRecord(
            id=int(row[0]),
            tool=str(row[1]),
            name=str(row[2]),
            inputs_json=str(row[3]),
            created=dt.datetime.fromisoformat(row[4]),
            updated=dt.datetime.fromisoformat(row[5]),
        )

    _SCENARIO_COLS = "id, tool, name, inputs_json, created, updated"

    def save_scenario(self, tool: str, name: str, inputs_json: str | bytes) -> ScenarioRecord:
        """Save (or overwrite: same tool and name) a scenario; its inputs are validated first
        (:class:`InputError` for bad inputs)."""
        tool, name = _check_tool(tool), _check_name(name)
        text = canonical_inputs(tool, inputs_json)
        now = _now()
        with self._connect(write=True) as con:
            con.execute(
                "INSERT INTO scenarios (tool, name, inputs_json, created, updated) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tool, name) DO UPDATE SET "
                "inputs_json = excluded.inputs_json, updated = excluded.updated",
                (tool, name, text, now, now),
            )
            row = con.execute(
                f"SELECT {self._SCENARIO_COLS} FROM scenarios WHERE tool = ? AND name = ?",
                (tool, name),
            ).fetchone()
        return self._scenario(row)

    def get_scenario(self, scenario_id: int) -> ScenarioRecord:
        with self._connect(write=False) as con:
            row = con.execute(
                f"SELECT {self._SCENARIO_COLS} FROM scenarios WHERE id = ?", (int(scenario_id),)
            ).fetchone()
        if row is None:
            raise LibraryError(f"no saved scenario with id {scenario_id} (deleted?)")
        return self._scenario(row)

    def find_scenario(self, tool: str, name: str) -> ScenarioRecord | None:
        with self._connect(write=False) as con:
            row = con.execute(
                f"SELECT {self._SCENARIO_COLS} FROM scenarios WHERE tool = ? AND name = ?",
                (tool, _check_name(name)),
            ).fetchone()
        return None if row is None else self._scenario(row)

    def load_scenario(self, scenario_id: int) -> str:
        """The scenario's inputs JSON (re-validated, so a stale file fails with located
        problems rather than deep inside an engine)."""
        rec = self.get_scenario(scenario_id)
        return canonical_inputs(rec.tool, rec.inputs_json)

    def list_scenarios(self, tool: str | None = None) -> list[ScenarioRecord]:
        """Scenarios (of one tool, or all), most recently updated first."""
        query = f"SELECT {self._SCENARIO_COLS} FROM scenarios"
        args: tuple[Any, ...] = ()
        if tool is not None:
            query += " WHERE tool = ?"
            args = (_check_tool(tool),)
        with self._connect(write=False) as con:
            rows = con.execute(query + " ORDER BY updated DESC, id DESC", args).fetchall()
        return [self._scenario(r) for r in rows]

    def rename_scenario(self, scenario_id: int, new_name: str) -> ScenarioRecord:
        name = _check_name(new_name)
        with self._connect(write=True) as con:
            row = con.execute(
                "SELECT tool FROM scenarios WHERE id = ?", (int(scenario_id),)
            ).fetchone()
            if row is None:
                raise LibraryError(f"no saved scenario with id {scenario_id} (deleted?)")
            clash = con.execute(
                "SELECT id FROM scenarios WHERE tool = ? AND name = ? AND id != ?",
                (row[0], name, int(scenario_id)),
            ).fetchone()
            if clash is not None:
                raise LibraryError(f"a {row[0]} scenario named {name!r} already exists")
            con.execute(
                "UPDATE scenarios SET name = ?, updated = ? WHERE id = ?",
                (name, _now(), int(scenario_id)),
            )
        return self.get_scenario(scenario_id)

    def delete_scenario(self, scenario_id: int) -> None:
        """Delete a scenario and all its runs."""
        with self._connect(write=True) as con:
            con.execute("DELETE FROM runs WHERE scenario_id = ?", (int(scenario_id),))
            con.execute("DELETE FROM scenarios WHERE id = ?", (int(scenario_id),))

    # --- runs ------------------------------------------------------------------------------------
    def add_run(
        self,
        scenario_id: int,
        *,
        seed: int | None,
        trials: int,
        figures: Mapping[str, Any],
        inputs_json: str | None = None,
        created: dt.datetime | None = None,
    ) -> RunRecord:
        """Record a run of a saved scenario: its headline figures (a JSON-able mapping, e.g.
        ``tpm_models.report.figures_for(tool, result)``) and the inputs it used (default: the
        scenario's current inputs)."""
        try:
            figures_text = json.dumps(dict(figures), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise LibraryError(f"run figures must be plain JSON numbers and text: {exc}") from None
        when = (created or dt.datetime.now(dt.UTC)).isoformat(timespec="microseconds")
        if int(trials) < 1:
            raise LibraryError("a run needs at least one trial")
        with self._connect(write=True) as con:
            row = con.execute(
                "SELECT tool, inputs_json FROM scenarios WHERE id = ?", (int(scenario_id),)
            ).fetchone()
            if row is None:
                raise LibraryError(f"no saved scenario with id {scenario_id} (deleted?)")
            used = row[1] if inputs_json is None else canonical_inputs(row[0], inputs_json)
            cur = con.execute(
                "INSERT INTO runs (scenario_id, created, seed, trials, figures_json, inputs_json)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (int(scenario_id), when, seed, int(trials), figures_text, used),
            )
            run_id = int(cur.lastrowid or 0)
        return RunRecord(
            id=run_id,
            scenario_id=int(scenario_id),
            created=dt.datetime.fromisoformat(when),
            seed=seed,
            trials=int(trials),
            figures=json.loads(figures_text),
            inputs_json=used,
        )

    def list_runs(self, scenario_id: int) -> list[RunRecord]:
        """Runs of a scenario, oldest first."""
        with self._connect(write=False) as con:
            rows = con.execute(
                "SELECT id, scenario_id, created, seed, trials, figures_json, inputs_json "
                "FROM runs WHERE scenario_id = ? ORDER BY created, id",
                (int(scenario_id),),
            ).fetchall()
        return [
            RunRecord(
                id=int(r[0]),
                scenario_id=int(r[1]),
                created=dt.datetime.fromisoformat(r[2]),
                seed=None if r[3] is None else int(r[3]),
                trials=int(r[4]),
                figures=json.loads(r[5]),
                inputs_json=str(r[6]),
            )
            for r in rows
        ]

    def delete_run(self, run_id: int) -> None:
        with self._connect(write=True) as con:
            con.execute("DELETE FROM runs WHERE id = ?", (int(run_id),))

    def runs_frame(self, scenario_id: int) -> pd.DataFrame:
        """Runs side by side: one row per run (``run``, ``saved``, ``seed``, ``trials``, then
        every headline figure, nested keys joined with ``.``)."""
        rows = []
        for k, r in enumerate(self.list_runs(scenario_id), start=1):
            row: dict[str, Any] = {
                "run": k,
                "run_id": r.id,
                "saved": pd.Timestamp(r.created),
                "seed": r.seed,
                "trials": r.trials,
            }
            row.update(_flatten(r.figures))
            rows.append(row)
        return pd.DataFrame(rows)

    def history(self, scenario_id: int) -> pd.DataFrame:
        """How the headline moved across the saved runs (tidy; see :func:`history_series`)."""
        rec = self.get_scenario(scenario_id)
        return history_series(rec.tool, self.list_runs(scenario_id))


def _flatten(figures: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in figures.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, Mapping):
            out.update(_flatten(v, key))
        else:
            out[key] = v
    return out


def _series_for(tool: str, figures: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """(series label, unit, value) pairs a history chart draws for one run."""
    out: list[tuple[str, str, Any]] = []
    if tool == "schedule":
        for q in (50, 80):
            if f"p{q}_date" in figures:
                out.append((f"P{q} finish", "date", figures[f"p{q}_date"]))
            elif f"p{q}_days" in figures:
                out.append((f"P{q} finish", "working days", figures[f"p{q}_days"]))
    elif tool == "forecast":
        for lv in (50, 85):
            if f"when_p{lv}_date" in figures:
                out.append((f"P{lv} done by", "date", figures[f"when_p{lv}_date"]))
            elif f"how_many_p{lv}" in figures:
                out.append((f"P{lv} items by target", "items", figures[f"how_many_p{lv}"]))
    elif tool == "build-vs-buy":
        cur = str(figures.get("currency", ""))
        for name, opt in dict(figures.get("options", {})).items():
            if isinstance(opt, Mapping) and "npv_p50" in opt:
                out.append((f"{name} NPV P50", f"NPV ({cur})".strip(), opt["npv_p50"]))
    elif tool == "capacity" and "min_prob_meets_demand" in figures:
        out.append(
            (
                "Chance of meeting demand (worst month)",
                "probability",
                figures["min_prob_meets_demand"],
            )
        )
    return out


def history_series(tool: str, runs: list[RunRecord]) -> pd.DataFrame:
    """Long-form headline history: one row per run and series.

    Columns: ``run`` (1, 2, …), ``run_id``, ``saved`` (timestamp), ``seed``, ``trials``,
    ``series`` (e.g. ``"P80 finish"``), ``unit`` (``"date"``, ``"working days"``, ``"items"``,
    ``"NPV (USD)"``, ``"probability"``), ``value`` (float; NaN for dates) and ``date``
    (timestamp for date-valued series, else NaT).
    """
    rows: list[dict[str, Any]] = []
    for k, r in enumerate(runs, start=1):
        for series, unit, value in _series_for(tool, r.figures):
            is_date = unit == "date"
            rows.append(
                {
                    "run": k,
                    "run_id": r.id,
                    "saved": pd.Timestamp(r.created),
                    "seed": r.seed,
                    "trials": r.trials,
                    "series": series,
                    "unit": unit,
                    "value": float("nan") if is_date or value is None else float(value),
                    "date": pd.Timestamp(value) if is_date and value else pd.NaT,
                }
            )
    cols = ["run", "run_id", "saved", "seed", "trials", "series", "unit", "value", "date"]
    return pd.DataFrame(rows, columns=cols)
