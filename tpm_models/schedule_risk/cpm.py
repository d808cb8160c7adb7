"""Critical path method (CPM) on a task network with FS/SS/FF/SF links and lags.

The same forward and backward passes serve the deterministic schedule (one column) and the
Monte Carlo engine (one column per trial): they work on arrays of shape ``(n_tasks, n)`` and
loop over tasks in topological order, never over trials.

Semantics (DESIGN.md §3.2): the project starts at day 0; a task with duration ``d`` starting at
day ``s`` finishes at ``s + d``. With predecessor ``i``, lag ``L`` and successor duration
``d_j``, the successor's early start is at least

======  =========================
``FS``  ``EF_i + L``
``SS``  ``ES_i + L``
``FF``  ``EF_i + L − d_j``
``SF``  ``ES_i + L − d_j``
======  =========================

and never below 0 (a lead cannot pull a task before the project start). The backward pass
mirrors these constraints; every late finish is capped at the project finish, so total float is
never negative and the critical tasks (float ≈ 0) form at least one path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from tpm_models.schedule_risk.network import ScheduleInputs, topological_order

__all__ = ["CpmResult", "compute_cpm"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

FS, SS, FF, SF = 0, 1, 2, 3
_CODES = {"FS": FS, "SS": SS, "FF": FF, "SF": SF}
#: Relative tolerance on total float for "critical" (float ≤ tol · max(1, project finish)).
FLOAT_TOLERANCE = 1e-9

Link = tuple[int, int, float]  # (other task index, link code, lag_days)


@dataclass(frozen=True)
class CompiledNetwork:
    """Index form of a network: predecessor and successor links per task, topological order."""

    n_tasks: int
    order: tuple[int, ...]
    preds: tuple[tuple[Link, ...], ...]
    succs: tuple[tuple[Link, ...], ...]
    #: Tasks whose early start could fall below 0 without the clamp (leads, FF/SF links).
    needs_clamp: tuple[bool, ...]


def compile_network(inputs: ScheduleInputs) -> CompiledNetwork:
    """Turn a validated network into index form (links as ``(task index, code, lag)``)."""
    pos = inputs.task_index()
    n = len(inputs.tasks)
    preds: list[list[Link]] = [[] for _ in range(n)]
    succs: list[list[Link]] = [[] for _ in range(n)]
    for j, task in enumerate(inputs.tasks):
        for dep in task.predecessors:
            i = pos[dep.predecessor]
            code = _CODES[dep.type]
            preds[j].append((i, code, float(dep.lag_days)))
            succs[i].append((j, code, float(dep.lag_days)))
    clamp = tuple(any(c in (FF, SF) or lag < 0 for _, c, lag in p) for p in preds)
    return CompiledNetwork(
        n_tasks=n,
        order=tuple(topological_order(inputs.tasks)),
        preds=tuple(tuple(p) for p in preds),
        succs=tuple(tuple(s) for s in succs),
        needs_clamp=clamp,
    )


def forward_pass(
    net: CompiledNetwork,
    duration_days: FloatArray,
    early_start: FloatArray,
    early_finish: FloatArray,
    rows: Sequence[int] | None = None,
) -> None:
    """Early start/finish in place, arrays ``(n_tasks, …)``; ``rows`` (topologically ordered)
    limits the pass to those tasks (the others must already hold valid values)."""
    d, es, ef = duration_days, early_start, early_finish
    tmp = np.empty(d.shape[1:], dtype=d.dtype)
    for j in net.order if rows is None else rows:
        esj = es[j]
        links = net.preds[j]
        if not links:
            esj.fill(0.0)
        elif len(links) >= 2 and all(code == FS and not lag for _, code, lag in links[:2]):
            # the common case in one call fewer: the first two plain FS links at once
            np.maximum(ef[links[0][0]], ef[links[1][0]], out=esj)
            links = links[2:]
            for i, code, lag in links:
                if code == FS and not lag:
                    np.maximum(esj, ef[i], out=esj)
                else:
                    _bound_start(esj, tmp, d[j], es[i], ef[i], code, lag)
            if net.needs_clamp[j]:
                np.maximum(esj, 0.0, out=esj)
            np.add(esj, d[j], out=ef[j])
            continue
        for k, (i, code, lag) in enumerate(links):
            src = ef[i] if code in (FS, FF) else es[i]
            if code in (FS, SS) and not lag:
                if k == 0:
                    esj[...] = src
                else:
                    np.maximum(esj, src, out=esj)
                continue
            target = esj if k == 0 else tmp
            if code in (FF, SF):
                np.subtract(src, d[j], out=target)
                if lag:
                    target += lag
            else:
                np.add(src, lag, out=target)
            if k:
                np.maximum(esj, tmp, out=esj)
        if net.needs_clamp[j]:
            np.maximum(esj, 0.0, out=esj)
        np.add(esj, d[j], out=ef[j])


def _bound_start(
    esj: FloatArray,
    tmp: FloatArray,
    dj: FloatArray,
    es_i: FloatArray,
    ef_i: FloatArray,
    code: int,
    lag: float,
) -> None:
    """``esj = max(esj, bound)`` for one more predecessor link (any type and lag)."""
    src = ef_i if code in (FS, FF) else es_i
    if code in (FS, SS) and not lag:
        np.maximum(esj, src, out=esj)
        return
    if code in (FF, SF):
        np.subtract(src, dj, out=tmp)
        if lag:
            tmp += lag
    else:
        np.add(src, lag, out=tmp)
    np.maximum(esj, tmp, out=esj)


def backward_pass(
    net: CompiledNetwork,
    duration_days: FloatArray,
    project_finish: FloatArray,
    late_start: FloatArray,
) -> None:
    """Late start in place (``(n_tasks, …)``); late finishes are capped at the project finish.

    Each successor link bounds the predecessor's late finish ``LF_j``: ``FS``: ``LS_k − L``;
    ``SS``: ``LS_k − L + d_j``; ``FF``: ``LF_k − L``; ``SF``: ``LF_k − L + d_j``.
    """
    d, ls = duration_days, late_start
    tmp = np.empty(d.shape[1:], dtype=d.dtype)
    for j in reversed(net.order):
        lfj = ls[j]  # holds the late finish until the last line
        links = net.succs[j]
        if not links:
            np.subtract(project_finish, d[j], out=lfj)
            continue
        k0, code0, lag0 = links[0]
        if code0 == FS and not lag0:  # the common case in one call fewer
            np.minimum(project_finish, ls[k0], out=lfj)
            links = links[1:]
        else:
            lfj[...] = project_finish
        for k, code, lag in links:
            if code == FS and not lag:
                np.minimum(lfj, ls[k], out=lfj)
                continue
            if code in (FS, SS):
                np.subtract(ls[k], lag, out=tmp)
            else:  # FF, SF: from LF_k = LS_k + d_k
                np.add(ls[k], d[k], out=tmp)
                if lag:
                    tmp -= lag
            if code in (SS, SF):
                tmp += d[j]
            np.minimum(lfj, tmp, out=lfj)
        lfj -= d[j]


@dataclass(frozen=True)
class CpmResult:
    """Deterministic CPM schedule. Arrays are in task order (``inputs.tasks``), in working days
    from the project start (day 0).

    Attributes
    ----------
    task_ids : tuple of str
    early_start_days, early_finish_days, late_start_days, late_finish_days : ndarray
        The four CPM dates of each task (days).
    total_float_days : ndarray
        Late finish − early finish (days, ≥ 0).
    finish_days : float
        Project finish = the latest early finish (days).
    critical : ndarray of bool
        Total float ≈ 0.
    critical_path : list of str
        Ids of the critical tasks in topological order.
    """

    task_ids: tuple[str, ...]
    early_start_days: FloatArray
    early_finish_days: FloatArray
    late_start_days: FloatArray
    late_finish_days: FloatArray
    total_float_days: FloatArray
    finish_days: float
    critical: BoolArray
    critical_path: list[str]

    def to_frame(self) -> pd.DataFrame:
        """One row per task: id and the CPM dates, float and the critical flag."""
        return pd.DataFrame(
            {
                "id": list(self.task_ids),
                "early_start_days": self.early_start_days,
                "early_finish_days": self.early_finish_days,
                "late_start_days": self.late_start_days,
                "late_finish_days": self.late_finish_days,
                "total_float_days": self.total_float_days,
                "critical": self.critical,
            }
        )


def compute_cpm(inputs: ScheduleInputs, durations_days: Sequence[float] | None = None) -> CpmResult:
    """Deterministic critical path schedule.

    Parameters
    ----------
    inputs : ScheduleInputs
        The network (risks and correlations are ignored here).
    durations_days : sequence of float, optional
        One duration per task (task order); default: each task's most-likely duration.

    Examples
    --------
    >>> from tpm_models.estimates import Estimate
    >>> from tpm_models.schedule_risk.network import Dependency, Task
    >>> net = ScheduleInputs(tasks=(
    ...     Task(id="A", duration=Estimate.fixed(3)),
    ...     Task(id="B", duration=Estimate.fixed(2)),
    ...     Task(id="C", duration=Estimate.fixed(4),
    ...          predecessors=(Dependency(predecessor="A"), Dependency(predecessor="B"))),
    ... ))
    >>> cpm = compute_cpm(net)
    >>> cpm.finish_days, cpm.critical_path, cpm.total_float_days.tolist()
    (7.0, ['A', 'C'], [0.0, 1.0, 0.0])
    """
    net = compile_network(inputs)
    n = net.n_tasks
    if durations_days is None:
        d = np.array([t.duration.likely for t in inputs.tasks], dtype=np.float64)
    else:
        d = np.asarray(durations_days, dtype=np.float64)
        if d.shape != (n,):
            raise ValueError(f"durations_days needs {n} values, got shape {d.shape}")
        if not np.all(np.isfinite(d)) or np.any(d < 0):
            raise ValueError("durations_days must be finite and >= 0")
    d2 = d.reshape(n, 1)
    es = np.empty((n, 1))
    ef = np.empty((n, 1))
    forward_pass(net, d2, es, ef)
    finish = ef.max(axis=0)
    ls = np.empty((n, 1))
    backward_pass(net, d2, finish, ls)
    lf = ls + d2
    total_float = (ls - es)[:, 0]
    tol = FLOAT_TOLERANCE * max(1.0, float(abs(finish[0])))
    critical = total_float <= tol
    total_float = np.where(critical, 0.0, total_float)
    ids = tuple(t.id for t in inputs.tasks)
    return CpmResult(
        task_ids=ids,
        early_start_days=es[:, 0].copy(),
        early_finish_days=ef[:, 0].copy(),
        late_start_days=ls[:, 0].copy(),
        late_finish_days=lf[:, 0].copy(),
        total_float_days=total_float,
        finish_days=float(finish[0]),
        critical=critical,
        critical_path=[ids[j] for j in net.order if critical[j]],
    )
