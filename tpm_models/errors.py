"""One error type for every bad input: a list of located problems.

Readers collect *all* problems in a file before raising, so a user can fix the
file in one pass. Pages show the problems with ``st.error``; the CLI prints one
line per problem (``error: FILE:ROW:COLUMN: message``) and exits 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["InputError", "Problem", "ProblemCollector"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Attributes
    ----------
    source : str
        File name (or a label such as ``"tasks table"``) the problem is in.
    message : str
        What is wrong and how to fix it.
    row : int | None
        1-based data row as a spreadsheet user counts it (the header is row 1,
        the first data row is row 2), or ``None`` when the problem is not in a row.
    column : str | None
        Column name, or ``None``.
    """

    source: str
    message: str
    row: int | None = None
    column: str | None = None

    def location(self) -> str:
        parts = [self.source]
        if self.row is not None:
            parts.append(str(self.row))
        if self.column is not None:
            parts.append(self.column)
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class InputError(ValueError):
    """Raised when an input has one or more problems; carries every problem found.

    Examples
    --------
    >>> err = InputError([Problem("tasks.csv", "low must be <= likely", row=3, column="low")])
    >>> print(err)
    tasks.csv:3:low: low must be <= likely
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(
        cls, source: str, message: str, row: int | None = None, column: str | None = None
    ) -> InputError:
        return cls([Problem(source, message, row, column)])

    def cli_lines(self) -> list[str]:
        """The problems as CLI lines: ``error: FILE:ROW:COLUMN: message``."""
        return [f"error: {p}" for p in self.problems]


class ProblemCollector:
    """Accumulates problems while reading; raises them all at once.

    Examples
    --------
    >>> c = ProblemCollector("tasks.csv")
    >>> c.add("duplicate id 'A'", row=4, column="id")
    >>> c.raise_if_any()  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    tpm_models.errors.InputError: tasks.csv:4:id: duplicate id 'A'
    """

    def __init__(self, source: str, max_problems: int = 200) -> None:
        self.source = source
        self.max_problems = max_problems
        self.problems: list[Problem] = []
        self._truncated = 0

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        if len(self.problems) >= self.max_problems:
            self._truncated += 1
            return
        self.problems.append(Problem(self.source, message, row, column))

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            if len(self.problems) >= self.max_problems:
                self._truncated += 1
            else:
                self.problems.append(p)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            problems = list(self.problems)
            if self._truncated:
                problems.append(
                    Problem(self.source, f"... and {self._truncated} more problems not shown")
                )
            raise InputError(problems)
