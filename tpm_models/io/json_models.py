"""Load JSON scenario files into pydantic models with located problems."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from tpm_models.errors import InputError, Problem
from tpm_models.io.tables import Source, read_source_bytes, source_name

__all__ = ["load_json_model", "parse_json_object", "problems_from_validation_error"]

M = TypeVar("M", bound=BaseModel)


def _loc_to_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


#: Problems listed from one validation error; the rest are counted (as ProblemCollector does).
MAX_PROBLEMS = 200


def problems_from_validation_error(
    exc: ValidationError, source: str, row: int | None = None, prefix: str = ""
) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into located problems.

    The ``column`` of each problem is the JSON path of the bad value
    (e.g. ``options[0].lines[1].amount``). At most :data:`MAX_PROBLEMS` are listed, then
    one line counts the rest (a 100,000-line scenario must not print 100,000 lines).
    """
    problems = []
    errors = exc.errors(include_url=False)
    if len(errors) > MAX_PROBLEMS:
        more = len(errors) - MAX_PROBLEMS
        tail = [Problem(source, f"... and {more} more problems not shown", row)]
        errors = errors[:MAX_PROBLEMS]
    else:
        tail = []
    for err in errors:
        loc = tuple(p for p in err["loc"] if p not in ("function-after", "function-before"))
        path = _loc_to_path(loc)
        if prefix:
            path = f"{prefix}.{path}" if path != "(top level)" else prefix
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "is required but missing"
        elif err["type"] == "extra_forbidden":
            msg = "is not a known field (check the spelling)"
        problems.append(Problem(source, msg, row, path))
    return problems + tail


def parse_json_object(data: bytes | str, source: str) -> dict[str, Any]:
    """Decode JSON text (UTF-8, a BOM tolerated) that must be an object at the top level.

    Every failure — not UTF-8, not JSON (with line and column), nested too deeply, not an
    object — is an ``InputError`` located in ``source``.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError.single(
                source, "the file is not UTF-8 text; save it as UTF-8 JSON"
            ) from None
    else:
        text = data
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.single(
            source,
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            row=exc.lineno,
        ) from None
    except RecursionError:
        # json.loads recurses once per nesting level; a few thousand "[" exhaust the stack
        raise InputError.single(
            source, "the JSON is nested too deeply to be a scenario file; check its structure"
        ) from None
    if not isinstance(payload, dict):
        raise InputError.single(source, "the JSON must be an object ({...}) at the top level")
    return payload


def load_json_model(source: Source, model: type[M], *, name: str | None = None) -> M:
    """Read a JSON file and validate it as ``model``; every problem is reported at once."""
    src = source_name(source, name)
    payload = parse_json_object(read_source_bytes(source, src), src)
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise InputError(problems_from_validation_error(exc, src)) from None
