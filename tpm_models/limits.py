"""Resource caps for one run: trials, tasks, periods, upload bytes and memory (issue 9).

The app is a shared web server: one user's run must not starve the others or get the process
OOM-killed. Every cap raises an :class:`~tpm_models.errors.InputError` naming the input (a CLI
flag, a file, a settings field) with the limit and how to get under it, *before* any large
allocation. The numbers are stated here once; readers, commands and pages import them.

Memory of a schedule run (measured, not guessed)
------------------------------------------------
:func:`tpm_models.schedule_risk.simulate.simulate_schedule` never holds all trials × tasks: it
works through *chunks* of 1,024-trial blocks, about four million task-trials per working array
(at least one block), on up to two worker threads, with up to ``workers`` chunks queued. Peak
memory measured with :mod:`tracemalloc` (numpy reports its buffers there) on the 2-core CI
machine:

============  ==========  ===========  ===============================
tasks          trials      peak MiB     :func:`schedule_run_bytes` MiB
============  ==========  ===========  ===============================
10            1,000,000   243          782
1,000         100,000     406          752
2,000         1,024       229          266
5,000         20,000      848          930
10,000        1,024       1,141        1,203
============  ==========  ===========  ===============================

The estimate is ``8 bytes × task-trials per chunk × (15 + 4 × (chunks in flight − 1))`` plus
16 bytes per trial (project finish and its ranks) plus the correlation matrices
(``8 × 4 × n_correlated²``) plus a fixed 32 MiB; it is tight (within 10%) for big networks,
where refusing matters, and errs high for small ones. ``tests/test_resource_bounds.py``
re-measures it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from tpm_models.errors import InputError, Problem

if TYPE_CHECKING:
    from tpm_models.schedule_risk.network import ScheduleInputs

__all__ = [
    "MAX_BUILD_VS_BUY_CELLS",
    "MAX_CORRELATED_TASKS",
    "MAX_FORECAST_PERIODS",
    "MAX_RISKS",
    "MAX_TASKS",
    "MAX_TASK_TRIALS",
    "MAX_TRIALS",
    "MAX_UPLOAD_BYTES",
    "capacity_run_bytes",
    "check_build_vs_buy_run",
    "check_capacity_run",
    "check_schedule_run",
    "check_tasks",
    "check_trials",
    "memory_budget_bytes",
    "schedule_run_bytes",
]

#: Monte Carlo trials of one run (CLI; the pages offer at most 200,000).
MAX_TRIALS = 2_000_000
#: Tasks in one schedule (the benchmark's 1,000 tasks with room to spare).
MAX_TASKS = 10_000
#: Risk events in one register.
MAX_RISKS = 2_000
#: Tasks that take part in rank correlations (the correlation matrix is n² floats).
MAX_CORRELATED_TASKS = 2_000
#: tasks × trials of one schedule run: bounds CPU time (1,000 × 100,000 takes seconds).
MAX_TASK_TRIALS = 2_000_000_000
#: options × periods × trials of one build-vs-buy run: bounds CPU time (the engine chunks its
#: memory, but 4 options × 1,200 months × 1,000,000 trials took 69 s on the CI machine).
MAX_BUILD_VS_BUY_CELLS = 1_000_000_000
#: Periods a forecast may run before giving up (mirrors ``delivery_forecast.MAX_PERIODS``).
MAX_FORECAST_PERIODS = 5_000
#: Largest input file read (the server's ``maxUploadSize`` is the same 50 MB).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: Default memory one run may use; ``TPM_MAX_RUN_MEMORY_MB`` overrides it.
DEFAULT_MEMORY_BUDGET_BYTES = 2 * 1024**3

_BLOCK_TRIALS = 1024  # simulate.BLOCK_TRIALS (not imported: keeps this module light)
_CHUNK_ELEMENTS = 1 << 22  # simulate._CHUNK_ELEMENTS
_ARRAYS_PER_CHUNK = 15
_ARRAYS_PER_QUEUED_CHUNK = 4
_BASE_BYTES = 32 * 1024**2


def memory_budget_bytes() -> int:
    """Bytes one run may use: ``TPM_MAX_RUN_MEMORY_MB`` (MiB) if set, else 2 GiB.

    Examples
    --------
    >>> memory_budget_bytes() >= 1
    True
    """
    raw = os.environ.get("TPM_MAX_RUN_MEMORY_MB", "").strip()
    if raw:
        try:
            mb = float(raw)
        except ValueError:
            mb = 0.0
        if mb > 0:
            return int(mb * 1024**2)
    return DEFAULT_MEMORY_BUDGET_BYTES


def schedule_run_bytes(
    n_tasks: int, iterations: int, *, n_correlated: int = 0, workers: int = 2
) -> int:
    """Estimated peak bytes of ``simulate_schedule`` (see the module docstring).

    Examples
    --------
    >>> schedule_run_bytes(10_000, 1024) // 2**20
    1203
    >>> schedule_run_bytes(30, 10_000) < schedule_run_bytes(30, 1_000_000)
    True
    """
    n = max(n_tasks, 1)
    blocks = -(-max(iterations, 1) // _BLOCK_TRIALS)
    per_chunk = max(1, _CHUNK_ELEMENTS // (n * _BLOCK_TRIALS))
    chunk_blocks = min(per_chunk, blocks)
    n_chunks = -(-blocks // chunk_blocks)
    in_flight = min(n_chunks, max(workers, 1) + 1)
    chunk_elements = chunk_blocks * _BLOCK_TRIALS * n
    arrays = _ARRAYS_PER_CHUNK + _ARRAYS_PER_QUEUED_CHUNK * (in_flight - 1)
    return 8 * chunk_elements * arrays + 16 * iterations + 32 * n_correlated**2 + _BASE_BYTES


def _mib(n: int) -> str:
    return f"{n / 1024**3:.1f} GB" if n >= 1024**3 else f"{n / 1024**2:,.0f} MB"


def check_trials(
    iterations: int, *, source: str = "--iterations", maximum: int = MAX_TRIALS
) -> int:
    """Return ``iterations`` if 1 ≤ it ≤ ``maximum``, else raise a located InputError.

    Examples
    --------
    >>> check_trials(10_000)
    10000
    """
    if not 1 <= iterations <= maximum:
        raise InputError.single(
            source, f"trials must be between 1 and {maximum:,}, got {iterations:,}"
        )
    return iterations


def check_tasks(n_tasks: int, source: str) -> None:
    """Refuse a network of more than :data:`MAX_TASKS` tasks (before parsing every row)."""
    if n_tasks > MAX_TASKS:
        raise InputError.single(
            source,
            f"{n_tasks:,} tasks is more than the {MAX_TASKS:,} a schedule may have; "
            "simulate a summary level of the plan (e.g. work packages) instead",
        )


def check_schedule_run(
    n_tasks: int,
    iterations: int,
    *,
    n_risks: int = 0,
    n_correlated: int = 0,
    source: str = "--iterations",
    workers: int = 2,
) -> None:
    """Refuse a schedule run that breaks a cap or would need more memory than allowed.

    Raises
    ------
    InputError
        Listing every cap the run breaks, each with the way under it.

    Examples
    --------
    >>> check_schedule_run(40, 10_000)
    >>> check_schedule_run(10_000, 2_000_000)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    InputError: --iterations: 10,000 tasks × 2,000,000 trials is more than ...
    """
    messages: list[str] = []
    if n_tasks > MAX_TASKS:
        messages.append(f"{n_tasks:,} tasks is more than the {MAX_TASKS:,} allowed")
    if n_risks > MAX_RISKS:
        messages.append(f"{n_risks:,} risks is more than the {MAX_RISKS:,} allowed")
    if n_correlated > MAX_CORRELATED_TASKS:
        messages.append(
            f"{n_correlated:,} correlated tasks is more than the {MAX_CORRELATED_TASKS:,} allowed"
        )
    if n_tasks * iterations > MAX_TASK_TRIALS:
        messages.append(
            f"{n_tasks:,} tasks × {iterations:,} trials is more than {MAX_TASK_TRIALS:,} "
            f"task-trials; use at most {max(1, MAX_TASK_TRIALS // max(n_tasks, 1)):,} trials"
        )
    need = schedule_run_bytes(n_tasks, iterations, n_correlated=n_correlated, workers=workers)
    budget = memory_budget_bytes()
    if need > budget:
        messages.append(
            f"this run would need about {_mib(need)} of memory, more than the {_mib(budget)} "
            "one run may use; use fewer tasks, fewer correlated tasks or fewer trials "
            "(or raise TPM_MAX_RUN_MEMORY_MB on a bigger server)"
        )
    if messages:
        raise InputError(Problem(source, m) for m in messages)


#: Bytes per role × month × trial of ``simulate_capacity``: tracemalloc measures ~47 on the
#: sample; the process's peak RSS is about twice that (18.5 GB for 24 months × 4 roles ×
#: 2,000,000 trials on the CI machine), so the estimate uses the RSS figure.
CAPACITY_BYTES_PER_CELL = 96


def capacity_run_bytes(months: int, n_roles: int, iterations: int) -> int:
    """Estimated peak bytes of a team-capacity run (it holds every trial × month × role).

    Examples
    --------
    >>> capacity_run_bytes(24, 4, 2_000_000) // 10**9  # measured: 18.5 GB peak RSS
    18
    """
    return CAPACITY_BYTES_PER_CELL * months * max(n_roles, 1) * iterations + _BASE_BYTES


def check_capacity_run(
    months: int, n_roles: int, iterations: int, *, source: str = "--iterations"
) -> None:
    """Refuse a capacity run whose trials × months × roles would not fit the memory budget.

    Examples
    --------
    >>> check_capacity_run(24, 4, 10_000)
    >>> check_capacity_run(24, 4, 2_000_000)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    InputError: --iterations: this run would need about 17.2 GB of memory ...
    """
    need = capacity_run_bytes(months, n_roles, iterations)
    budget = memory_budget_bytes()
    if need > budget:
        most = max(
            1, (budget - _BASE_BYTES) // (CAPACITY_BYTES_PER_CELL * months * max(n_roles, 1))
        )
        raise InputError.single(
            source,
            f"this run would need about {_mib(need)} of memory ({iterations:,} trials × "
            f"{months} months × {n_roles} roles), more than the {_mib(budget)} one run may use; "
            f"use at most {most:,} trials",
        )


def check_build_vs_buy_run(
    n_options: int, periods: int, iterations: int, *, source: str = "--iterations"
) -> None:
    """Refuse a build-vs-buy run above :data:`MAX_BUILD_VS_BUY_CELLS` (CPU time bound).

    Examples
    --------
    >>> check_build_vs_buy_run(4, 6, 100_000)
    """
    cells = n_options * periods * iterations
    if cells > MAX_BUILD_VS_BUY_CELLS:
        most = max(1, MAX_BUILD_VS_BUY_CELLS // max(n_options * periods, 1))
        raise InputError.single(
            source,
            f"{n_options} options × {periods} periods × {iterations:,} trials is more than "
            f"{MAX_BUILD_VS_BUY_CELLS:,} cells; use at most {most:,} trials",
        )


def check_schedule_inputs(
    inputs: ScheduleInputs, iterations: int, *, source: str = "--iterations"
) -> None:
    """:func:`check_schedule_run` for a whole network (tasks, risks and correlated tasks)."""
    correlated = {t for c in inputs.correlations for t in (c.task_a, c.task_b)}
    check_schedule_run(
        len(inputs.tasks),
        iterations,
        n_risks=len(inputs.risks),
        n_correlated=len(correlated),
        source=source,
    )
