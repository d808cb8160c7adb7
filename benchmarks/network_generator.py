"""Synthetic task networks for the schedule benchmark.

Each task has 1–3 finish-to-start predecessors drawn among the previous 20 tasks (the first
task has none) and a PERT estimate ``low ≤ likely ≤ high`` in working days.
"""

from __future__ import annotations

import numpy as np

from tpm_models.estimates import Estimate
from tpm_models.schedule_risk import Dependency, ScheduleInputs, Task


def synthetic_network(n_tasks: int, seed: int = 0, window: int = 20) -> ScheduleInputs:
    """A random DAG of ``n_tasks`` PERT tasks (reproducible for a seed).

    Examples
    --------
    >>> net = synthetic_network(50, seed=1)
    >>> len(net.tasks), all(1 <= len(t.predecessors) <= 3 for t in net.tasks[1:])
    (50, True)
    """
    rng = np.random.default_rng(seed)
    tasks = []
    for j in range(n_tasks):
        likely = float(rng.integers(2, 20))
        low = likely * float(rng.uniform(0.5, 0.9))
        high = likely * float(rng.uniform(1.2, 2.5))
        preds: tuple[Dependency, ...] = ()
        if j:
            pool = np.arange(max(0, j - window), j)
            k = int(min(len(pool), rng.integers(1, 4)))
            chosen = sorted(rng.choice(pool, size=k, replace=False).tolist())
            preds = tuple(Dependency(predecessor=f"T{i}") for i in chosen)
        tasks.append(
            Task(
                id=f"T{j}",
                duration=Estimate(low=round(low, 2), likely=likely, high=round(high, 2)),
                predecessors=preds,
            )
        )
    return ScheduleInputs(tasks=tuple(tasks))
