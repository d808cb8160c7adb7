"""One error type for bad input: located problems, all collected, printed one per line."""

from __future__ import annotations

import pytest

from tpm_models.errors import InputError, Problem, ProblemCollector


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (
            Problem("tasks.csv", "low must be <= likely", 3, "low"),
            "tasks.csv:3:low: low must be <= likely",
        ),
        (Problem("tasks.csv", "the file is empty"), "tasks.csv: the file is empty"),
        (Problem("tasks.csv", "bad header", row=1), "tasks.csv:1: bad header"),
        (
            Problem("s.json", "is required", column="options[0].name"),
            "s.json:options[0].name: is required",
        ),
    ],
)
def test_problem_location_and_text(problem: Problem, text: str) -> None:
    assert str(problem) == text


def test_input_error_carries_every_problem_and_is_a_value_error() -> None:
    problems = [Problem("a.csv", "one", 2, "x"), Problem("a.csv", "two", 5, "y")]
    err = InputError(problems)
    assert isinstance(err, ValueError)
    assert err.problems == tuple(problems)
    assert str(err) == "a.csv:2:x: one\na.csv:5:y: two"
    assert err.cli_lines() == ["error: a.csv:2:x: one", "error: a.csv:5:y: two"]


def test_input_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        InputError([])


def test_single() -> None:
    err = InputError.single("--start", "'x' is not a date", column=None)
    assert err.cli_lines() == ["error: --start: 'x' is not a date"]


def test_collector_gathers_everything_then_raises_once() -> None:
    c = ProblemCollector("tasks.csv")
    c.raise_if_any()  # nothing yet
    assert not c
    c.add("duplicate id 'A'", row=4, column="id")
    c.extend([Problem("tasks.csv", "cycle A -> B -> A")])
    assert c
    with pytest.raises(InputError) as info:
        c.raise_if_any()
    assert [str(p) for p in info.value.problems] == [
        "tasks.csv:4:id: duplicate id 'A'",
        "tasks.csv: cycle A -> B -> A",
    ]


def test_collector_caps_problems_and_says_how_many_were_dropped() -> None:
    c = ProblemCollector("big.csv", max_problems=3)
    for i in range(5):
        c.add(f"bad {i}", row=i + 2, column="low")
    c.extend([Problem("big.csv", "more")])
    with pytest.raises(InputError) as info:
        c.raise_if_any()
    messages = [p.message for p in info.value.problems]
    assert messages == ["bad 0", "bad 1", "bad 2", "... and 3 more problems not shown"]
