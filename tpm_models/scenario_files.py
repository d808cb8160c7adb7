"""The scenario-file family: one envelope for every tool's scenario JSON (issue 8, DESIGN §4.1.1).

Every page downloads, and every page and command reads, its scenario as one JSON object with

``schema_version`` (int, required)
    The version of the file format; :data:`SCHEMA_VERSION` (1) today. A file without it, or
    with a version this app does not know (e.g. one written by a newer version), is refused
    with a message located at ``schema_version``.
``tool`` (text, always written)
    One of :data:`TOOLS`: ``"schedule"``, ``"forecast"``, ``"build-vs-buy"``, ``"capacity"``.
    Optional on read (DESIGN §4.1.1's examples have no ``tool`` key): a file without it is
    recognised by its keys (:func:`detect_tool`), so another tool's file is refused with
    "this is a capacity scenario, not a schedule scenario" rather than a list of missing keys.

Each tool keeps its own model of the rest of the file (schedule:
:mod:`tpm_models.schedule_risk.readers`; forecast: :mod:`tpm_models.delivery_forecast.scenario`;
build vs buy: :mod:`tpm_models.build_vs_buy.scenario`; capacity:
:mod:`tpm_models.team_capacity.scenario`). Keys are only ever added, never renamed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from tpm_models.errors import InputError, Problem

__all__ = [
    "SCHEMA_VERSION",
    "TOOLS",
    "Tool",
    "check_envelope",
    "detect_tool",
    "version_problem",
]

#: The scenario-file format every tool reads and writes.
SCHEMA_VERSION = 1
Tool = Literal["schedule", "forecast", "build-vs-buy", "capacity"]
TOOLS: tuple[Tool, ...] = get_args(Tool)
#: Older spellings of ``tool`` still read (the forecast page wrote ``delivery_forecast``).
ALIASES: dict[str, Tool] = {"delivery_forecast": "forecast"}
PAGES: dict[Tool, str] = {
    "schedule": "Schedule risk",
    "forecast": "Delivery forecast",
    "build-vs-buy": "Build vs buy",
    "capacity": "Team capacity",
}
#: Top-level keys that only one tool's files have (used when ``tool`` is missing).
_SIGNATURE_KEYS: dict[Tool, tuple[str, ...]] = {
    "schedule": ("tasks",),
    "forecast": ("history", "engine_inputs", "throughput_per_period", "throughput_estimate"),
    "build-vs-buy": ("options", "discount_rate"),
    "capacity": ("roles", "start_month"),
}


def detect_tool(payload: Mapping[str, Any]) -> Tool | None:
    """The tool a scenario file belongs to: its ``tool`` key, else recognised by its keys.

    ``None`` when it cannot tell (an unknown ``tool`` value, or keys of no tool or of
    several).

    Examples
    --------
    >>> detect_tool({"schema_version": 1, "tool": "capacity"})
    'capacity'
    >>> detect_tool({"schema_version": 1, "start_month": "2027-01", "months": 24, "roles": []})
    'capacity'
    >>> detect_tool({"tool": "delivery_forecast"})
    'forecast'
    >>> detect_tool({"schema_version": 1}) is None
    True
    """
    raw = payload.get("tool")
    if raw is not None:
        if isinstance(raw, str):
            name = raw.strip().lower()
            if name in TOOLS:
                return name
            return ALIASES.get(name)
        return None
    found = [t for t, keys in _SIGNATURE_KEYS.items() if any(k in payload for k in keys)]
    return found[0] if len(found) == 1 else None


def version_problem(version: object) -> str | None:
    """Why ``version`` is not a schema version this app reads (``None`` if it is).

    Examples
    --------
    >>> version_problem(1) is None
    True
    >>> print(version_problem(2))
    unknown schema_version 2: this app reads schema_version 1; the file was written by a \
newer version of TPM Decision Lab, so upgrade the app to open it
    """
    if isinstance(version, bool) or not isinstance(version, int):
        if isinstance(version, float) and version.is_integer():
            version = int(version)
        else:
            return (
                f"schema_version must be a whole number, got {version!r}; "
                f"this app reads schema_version {SCHEMA_VERSION}"
            )
    if version == SCHEMA_VERSION:
        return None
    text = f"unknown schema_version {version}: this app reads schema_version {SCHEMA_VERSION}"
    if version > SCHEMA_VERSION:
        text += (
            "; the file was written by a newer version of TPM Decision Lab, "
            "so upgrade the app to open it"
        )
    return text


def check_envelope(payload: Mapping[str, Any], tool: Tool, source: str) -> dict[str, Any]:
    """Check a scenario file's envelope for ``tool``; return the payload with ``tool`` set.

    Raises
    ------
    InputError
        Located at ``tool`` for an unknown tool or another tool's file, at
        ``schema_version`` when it is missing or not a version this app reads.

    Examples
    --------
    >>> check_envelope({"schema_version": 1, "tasks": []}, "schedule", "s.json")["tool"]
    'schedule'
    >>> try:
    ...     check_envelope({"schema_version": 1, "tool": "capacity"}, "schedule", "s.json")
    ... except InputError as err:
    ...     print(err)
    s.json:tool: this is a capacity scenario, not a schedule scenario; open it on the Team \
capacity page
    """
    raw = payload.get("tool")
    detected = detect_tool(payload)
    if raw is not None and detected is None:
        raise InputError.single(
            source,
            f"unknown tool {raw!r}; a scenario file names one of "
            + ", ".join(f'"{t}"' for t in TOOLS),
            column="tool",
        )
    if detected is not None and detected != tool:
        how = "" if raw is not None else " (recognised by its keys: it has no `tool` key)"
        raise InputError.single(
            source,
            f"this is a {detected} scenario, not a {tool} scenario{how}; "
            f"open it on the {PAGES[detected]} page",
            column="tool",
        )
    problems: list[Problem] = []
    if "schema_version" not in payload:
        problems.append(
            Problem(
                source,
                f'is required but missing: add "schema_version": {SCHEMA_VERSION} '
                "(the scenario file format this app reads)",
                None,
                "schema_version",
            )
        )
    else:
        msg = version_problem(payload["schema_version"])
        if msg is not None:
            problems.append(Problem(source, msg, None, "schema_version"))
    if problems:
        raise InputError(problems)
    return {**payload, "tool": tool}
