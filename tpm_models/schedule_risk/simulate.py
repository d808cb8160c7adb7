"""Monte Carlo schedule risk: sampled durations and risk events through the CPM passes.

How a run is organised
----------------------
* Trials are grouped in fixed **blocks** of :data:`BLOCK_TRIALS`. Every random number of a block
  comes from its own generator, derived from the run's root seed and ``(stream, block index)``
  with :class:`numpy.random.SeedSequence`. Stream 0 draws the task durations, stream 1 drives
  the Iman–Conover reordering, stream ``2 + k`` draws risk ``k``'s occurrence and impact. So the
  result for a seed does not depend on ``chunk_size`` (how many blocks are computed at once),
  and changing one risk (even switching it off) leaves every other draw unchanged (common
  random numbers).
* Latin Hypercube sampling stays a true LHS over *all* trials: the stratum of trial ``t`` of
  input ``j`` is ``π_j(t)`` for a keyed pseudo-random permutation ``π_j`` of ``0 … n−1``
  (a 4-round Feistel network, multiplicative-hash rounds, cycle walking). It is computed per
  block, never stored, so memory stays bounded whatever the trial count.
* The uniforms of a chunk are laid out block-major, ``(blocks, n_tasks, BLOCK_TRIALS)``, so
  each block's uniforms are drawn straight into place; durations and the CPM dates are
  task-major, ``(n_tasks, blocks, BLOCK_TRIALS)``, so each CPM step works on one contiguous row.
  Every statistic is reduced block by block (along one block's trials) in the same order
  whatever the chunking (bit-identical results for a seed).
* PERT durations are sampled a few tasks at a time from their stacked inverse-CDF tables
  (:class:`~tpm_models.estimates.PertRows`), element for element the same as
  :func:`~tpm_models.estimates.pert_row`.
* Memory is bounded by the chunk (a few arrays of ``n_tasks × chunk_size``) plus the project
  finish of every trial (8 bytes per trial). Per-task statistics are accumulated per block:
  criticality counts, duration moments, a finish-time histogram per task (256 bins laid out
  over twice the first block's range; task percentiles are linearly interpolated inside a bin,
  an error of order 1e-3 σ) and, for the Spearman sensitivity, one matrix product per block.
* Sensitivity is Spearman's ρ between the task's own sampled duration (before risk events;
  risks are ranked separately by the delay they add) and the project finish. The duration's
  rank is read through its exact marginal CDF (the uniform it was drawn from; LHS and
  Iman–Conover keep it exact), the finish's rank is the exact mid-rank among all trials,
  represented per trial by a cubic B-spline in the finish fitted after the run (20 cells
  over 1.5× the first block's range).
  So ``Σ u·rank`` costs one BLAS product per block and no per-task sort. This is a consistent
  estimator of the population Spearman ρ; it differs from the textbook rank formula by the order
  of the Monte Carlo standard error (≈ 1/√n), tested against scipy.
"""

from __future__ import annotations

import math
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from tpm_models.correlation import (
    check_correlation_matrix,
    correlation_matrix_from_pairs,
    impose_rank_correlation,
)
from tpm_models.estimates import (
    PertRows,
    RNGLike,
    SamplingMethod,
    as_generator,
    pert_rows,
)
from tpm_models.schedule_risk.cpm import (
    FLOAT_TOLERANCE,
    CompiledNetwork,
    backward_pass,
    compile_network,
    compute_cpm,
    forward_pass,
)
from tpm_models.schedule_risk.network import ScheduleInputs
from tpm_models.schedule_risk.results import ScheduleResult, TaskStats

__all__ = ["BLOCK_TRIALS", "simulate_schedule"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Trials per random-number block (the unit of reproducibility).
BLOCK_TRIALS = 1024
#: Bins of the per-task finish histograms.
HIST_BINS = 256
#: Cells of the cubic B-spline that carries the finish ranks (Spearman).
SPLINE_CELLS = 20
#: Default chunk: about this many task-trials per working array.
_CHUNK_ELEMENTS = 1 << 22
_STREAM_TASKS, _STREAM_CORR, _STREAM_RISK0 = 0, 1, 2
#: OpenBLAS runs a product single-threaded below m·n·k = 65,536 · 4.
_BLAS_SERIAL_MNK = 1 << 18
_MASK64 = (1 << 64) - 1
#: PERT tasks sampled in one pass (their tables, 64 KB each, and the temporaries fit in L2).
_PERT_GROUP = 8


def _block_rng(root: int, stream: int, block: int) -> np.random.Generator:
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(root, spawn_key=(stream, block)))
    )


# --- Latin Hypercube: keyed permutation of the trial index ---------------------------------
U32Array = npt.NDArray[np.uint32]
_GOLDEN = np.uint32(0x9E3779B9)


def _feistel(x: U32Array, keys: U32Array, half: int) -> U32Array:
    """One pass of a balanced Feistel network on ``2·half``-bit values; ``keys`` (…, rounds).

    Round function: multiplicative (Fibonacci) hashing of the keyed right half, whose top
    ``half`` bits depend on every input bit; any round function gives a bijection. 32-bit
    arithmetic (wrapping) so numpy can vectorise the multiplies.
    """
    mask = np.uint32((1 << half) - 1)
    h = np.uint32(half)
    top = np.uint32(32 - half)
    left, right = x >> h, x & mask
    for r in range(keys.shape[-1]):
        mixed = right + keys[..., r]
        mixed *= _GOLDEN
        mixed >>= top
        left ^= mixed
        left, right = right, left
    out: U32Array = (left << h) | right
    return out


def _permuted_strata(trials: IntArray, n: int, keys: U32Array) -> U32Array:
    """``π_row(t)`` for each key row and trial index: a bijection of ``0 … n−1`` per row
    (``n < 2³²``)."""
    half = max(1, math.ceil(max(n - 1, 1).bit_length() / 2))
    x = np.broadcast_to(trials.astype(np.uint32), (keys.shape[0], trials.size)).copy()
    out = _feistel(x, keys[:, None, :], half)
    flat = out.reshape(-1)
    limit = np.uint32(n)
    todo = np.flatnonzero(flat >= limit)
    # cycle walking: re-encrypt values outside 0 … n−1 (the domain is < 4n); only the
    # remaining ones are touched each round
    while todo.size:
        vals = _feistel(flat[todo], keys[todo // trials.size], half)
        flat[todo] = vals
        todo = todo[vals >= limit]
    return out


def _lhs_keys(root: int, stream: int, rows: int) -> U32Array:
    seq = np.random.SeedSequence(root, spawn_key=(stream, _MASK64 >> 1))
    state: U32Array = seq.generate_state(rows * 4, dtype=np.uint32).astype(np.uint32)
    return state.reshape(rows, 4)


@dataclass(frozen=True)
class _Plan:
    """What a run needs besides the random numbers: compiled network, samplers, risks."""

    inputs: ScheduleInputs
    net: CompiledNetwork
    iterations: int
    method: SamplingMethod
    root: int
    corr_rows: tuple[int, ...]
    corr_matrix: FloatArray | None
    lhs_keys_tasks: U32Array | None
    lhs_keys_risks: tuple[U32Array, ...]
    #: Stacked PERT tables of the (non-degenerate) PERT tasks, in task order.
    pert: PertRows
    #: Groups of PERT tasks sampled at once: (first task, stop task, first row of the stack).
    pert_groups: tuple[tuple[int, int, int], ...]
    #: Tasks whose finish is the same in every trial (fixed and only fixed upstream, no risk).
    deterministic: npt.NDArray[np.bool_]

    def block_size(self, block: int) -> int:
        return min(BLOCK_TRIALS, self.iterations - block * BLOCK_TRIALS)


def _make_plan(
    inputs: ScheduleInputs, iterations: int, method: SamplingMethod, root: int
) -> tuple[_Plan, list[str]]:
    if method not in ("monte_carlo", "latin_hypercube"):
        raise ValueError(f"unknown sampling method {method!r}")
    warnings: list[str] = []
    pos = inputs.task_index()
    corr_rows: tuple[int, ...] = ()
    matrix: FloatArray | None = None
    if inputs.correlations:
        ids = {pos[c.task_a] for c in inputs.correlations} | {
            pos[c.task_b] for c in inputs.correlations
        }
        rows = sorted(ids)
        local = {r: k for k, r in enumerate(rows)}
        pairs = [(local[pos[c.task_a]], local[pos[c.task_b]], c.rho) for c in inputs.correlations]
        check = check_correlation_matrix(correlation_matrix_from_pairs(len(rows), pairs))
        if check.warning:
            warnings.append(check.warning)
        corr_rows, matrix = tuple(rows), check.matrix
    lhs = method == "latin_hypercube"
    net = compile_network(inputs)
    hit = {pos[t] for r in inputs.risks for t in r.tasks}
    det = np.zeros(len(inputs.tasks), dtype=bool)
    for j in net.order:
        det[j] = (
            inputs.tasks[j].duration.is_degenerate
            and j not in hit
            and all(det[i] for i, _, _ in net.preds[j])
        )
    pert_tasks = [
        j
        for j, t in enumerate(inputs.tasks)
        if t.duration.distribution == "pert" and not t.duration.is_degenerate
    ]
    # consecutive PERT tasks in groups whose tables (65 KB each) stay cache-resident
    groups: list[tuple[int, int, int]] = []
    for row, j in enumerate(pert_tasks):
        if groups and groups[-1][1] == j and j - groups[-1][0] < _PERT_GROUP:
            groups[-1] = (groups[-1][0], j + 1, groups[-1][2])
        else:
            groups.append((j, j + 1, row))
    plan = _Plan(
        inputs=inputs,
        net=net,
        iterations=iterations,
        method=method,
        root=root,
        corr_rows=corr_rows,
        corr_matrix=matrix,
        lhs_keys_tasks=_lhs_keys(root, _STREAM_TASKS, len(inputs.tasks)) if lhs else None,
        lhs_keys_risks=tuple(
            _lhs_keys(root, _STREAM_RISK0 + k, 2) for k in range(len(inputs.risks))
        )
        if lhs
        else (),
        pert=pert_rows(tuple(inputs.tasks[j].duration for j in pert_tasks)),
        pert_groups=tuple(groups),
        deterministic=det,
    )
    return plan, warnings


def _block_uniforms(
    plan: _Plan,
    stream: int,
    block: int,
    keys: U32Array | None,
    out: FloatArray,
) -> None:
    """Fill ``out`` (rows, block size) with the block's uniforms (LHS: stratified, all trials)."""
    _block_rng(plan.root, stream, block).random(out=out)
    if keys is not None:
        start = block * BLOCK_TRIALS
        trials = np.arange(start, start + out.shape[1], dtype=np.int64)
        out += _permuted_strata(trials, plan.iterations, keys)
        out *= 1.0 / plan.iterations


@dataclass
class _Chunk:
    """Sampled inputs of consecutive blocks (grades block-major, durations task-major)."""

    grades: FloatArray  # the uniforms each base duration was drawn from (blocks, n_tasks, size)
    durations: FloatArray  # effective durations (base + risk impacts, ≥ 0)
    # in (n_tasks, blocks, size)
    risk_hits: list[list[tuple[int, FloatArray]]]  # per risk: (task, added days (blocks, size))
    risk_occurred: list[npt.NDArray[np.bool_]]  # per risk: (blocks, size)
    base: dict[int, FloatArray]  # base durations (blocks, size) of the tasks risks hit


def _sample_chunk(plan: _Plan, first_block: int, n_blocks: int) -> _Chunk:
    tasks = plan.inputs.tasks
    n_tasks = len(tasks)
    bs = plan.block_size(first_block)
    u = np.empty((n_blocks, n_tasks, bs))
    for k in range(n_blocks):
        b = first_block + k
        _block_uniforms(plan, _STREAM_TASKS, b, plan.lhs_keys_tasks, u[k])
        if plan.corr_matrix is not None:
            rows = list(plan.corr_rows)
            u[k][rows] = impose_rank_correlation(
                u[k][rows], plan.corr_matrix, rng=_block_rng(plan.root, _STREAM_CORR, b)
            )
    # durations are task-major (n_tasks, blocks, size): the CPM passes then work on one
    # contiguous row per task (several times cheaper per numpy call than a strided row)
    d = np.empty((n_tasks, n_blocks, bs))
    scratch: dict[str, npt.NDArray[np.complex128]] = {}
    for j0, j1, row in plan.pert_groups:
        plan.pert.sample(u[:, j0:j1, :], d[j0:j1].transpose(1, 0, 2), row, scratch)
    for j, task in enumerate(tasks):
        if task.duration.distribution == "pert" and not task.duration.is_degenerate:
            continue
        uj, dj = u[:, j, :], d[j]
        dj[...] = task.duration.ppf(uj)
        if task.duration.distribution == "normal":
            np.maximum(dj, 0.0, out=dj)  # normal estimates can dip below 0
    risk_hits: list[list[tuple[int, FloatArray]]] = []
    occurred: list[npt.NDArray[np.bool_]] = []
    base: dict[int, FloatArray] = {}
    if plan.inputs.risks:
        pos = plan.inputs.task_index()
        for risk in plan.inputs.risks:
            for tid in risk.tasks:
                base.setdefault(pos[tid], d[pos[tid]].copy())
        draws = np.empty((n_blocks, 2, bs))
        for k, risk in enumerate(plan.inputs.risks):
            keys = plan.lhs_keys_risks[k] if plan.lhs_keys_risks else None
            for kk in range(n_blocks):
                _block_uniforms(plan, _STREAM_RISK0 + k, first_block + kk, keys, draws[kk])
            occ = draws[:, 0, :] < risk.probability
            impact = risk.impact.ppf(draws[:, 1, :])
            impact[~occ] = 0.0
            hits = []
            for tid in risk.tasks:
                j = pos[tid]
                add = impact.copy() if risk.impact_unit == "days" else impact / 100.0 * base[j]
                d[j] += add
                hits.append((j, add))
            risk_hits.append(hits)
            occurred.append(occ)
        for j in base:
            np.maximum(d[j], 0.0, out=d[j])
    return _Chunk(grades=u, durations=d, risk_hits=risk_hits, risk_occurred=occurred, base=base)


def _root_seed(rng: RNGLike) -> tuple[int, int | None]:
    seed = rng if isinstance(rng, int) and not isinstance(rng, bool) else None
    gen = as_generator(rng)
    return int(gen.integers(0, 1 << 63)), seed


def _chunks(plan: _Plan, blocks_per_chunk: int) -> list[tuple[int, int]]:
    """``(first block, blocks)`` per chunk; a partial last block always gets its own chunk."""
    n_full, rest = divmod(plan.iterations, BLOCK_TRIALS)
    out = [(b, min(blocks_per_chunk, n_full - b)) for b in range(0, n_full, blocks_per_chunk)]
    if rest:
        out.append((n_full, 1))
    return out


def _trial_durations(
    inputs: ScheduleInputs,
    iterations: int,
    rng: RNGLike = None,
    method: SamplingMethod = "monte_carlo",
) -> FloatArray:
    """Every trial's effective task durations ``(n_tasks, iterations)``, exactly as
    :func:`simulate_schedule` with the same arguments draws them (for tests and debugging)."""
    root, _ = _root_seed(rng)
    plan, _ = _make_plan(inputs, iterations, method, root)
    parts = []
    for first, nb in _chunks(plan, 1 << 30):
        d = _sample_chunk(plan, first, nb).durations
        parts.append(d.reshape(len(inputs.tasks), -1))
    return np.concatenate(parts, axis=1)


def _descendants(net: CompiledNetwork, starts: Sequence[int]) -> list[int]:
    """``starts`` and every task downstream of them, in topological order."""
    hit = set(starts)
    for j in net.order:
        if j not in hit and any(i in hit for i, _, _ in net.preds[j]):
            hit.add(j)
    return [j for j in net.order if j in hit]


def _spline_cells(
    x: FloatArray, lo: float, width: float, cells: int
) -> tuple[npt.NDArray[np.intp], FloatArray]:
    """Uniform cubic B-splines (``cells + 3`` functions) at ``x`` clamped to the range: the first
    non-zero function's index and the four non-zero values per point (they sum to 1)."""
    s = np.clip((x - lo) / width, 0.0, cells * (1.0 - 1e-12))
    c = s.astype(np.intp)
    s -= c
    s2, s3 = s * s, s * s * s
    w = np.empty((x.size, 4))
    w[:, 0] = (1.0 - s) ** 3 / 6.0
    w[:, 1] = (3.0 * s3 - 6.0 * s2 + 4.0) / 6.0
    w[:, 2] = (-3.0 * s3 + 3.0 * s2 + 3.0 * s + 1.0) / 6.0
    w[:, 3] = s3 / 6.0
    return c, w


@dataclass(frozen=True)
class _Layout:
    """Histogram and spline ranges, fixed from the first block (so chunk-independent)."""

    finish_shift: float
    h_lo: FloatArray
    h_width: FloatArray
    h_scale: FloatArray
    h_shift: FloatArray
    s_lo: float
    s_width: float

    @property
    def h_first(self) -> FloatArray:
        out: FloatArray = np.arange(self.h_lo.size, dtype=np.float64) * float(HIST_BINS + 2)
        return out

    @property
    def h_last(self) -> FloatArray:
        return self.h_first + (HIST_BINS + 1.0)

    @property
    def h_shift_flat(self) -> FloatArray:
        return self.h_shift + self.h_first

    @classmethod
    def from_block(cls, ef: FloatArray, f: FloatArray, finish_shift: float) -> _Layout:
        lo, hi = ef.min(axis=1), ef.max(axis=1)
        span = np.maximum(hi - lo, 1e-6 * np.maximum(1.0, np.abs(hi)))
        h_lo = lo - span / 2
        h_width = 2.0 * span / HIST_BINS
        h_scale = 1.0 / h_width
        flo, fhi = float(f.min()), float(f.max())
        fspan = max(fhi - flo, 1e-6 * max(1.0, abs(fhi)))
        return cls(
            finish_shift=finish_shift,
            h_lo=h_lo,
            h_width=h_width,
            h_scale=h_scale,
            h_shift=1.0 - h_lo * h_scale,  # bin 0 is the underflow
            s_lo=flo - fspan / 4,
            s_width=1.5 * fspan / SPLINE_CELLS,
        )


@dataclass
class _BlockSums:
    """Per-task sums of one block (floats are added in block order, counts in any order)."""

    size: int
    critical: IntArray
    sum_df: FloatArray
    sum_d: FloatArray
    sum_d2: FloatArray
    sum_es: FloatArray
    grade_basis: FloatArray
    hist: IntArray | None  # summed over a chunk's blocks (integers: order does not matter)


def _count_per_row(mask: npt.NDArray[np.bool_]) -> IntArray:
    """Row counts of a boolean ``(rows, size)`` array."""
    rows, size = mask.shape
    if size % 8 or size > 2040 or not mask.flags.c_contiguous:
        counts: IntArray = np.count_nonzero(mask, axis=1)
        return counts
    # SWAR: add 8 bytes at a time as uint64 lanes (each lane sum ≤ size/8 < 256), then the lanes
    lanes = mask.view(np.uint64).sum(axis=1)
    out: IntArray = lanes.view(np.uint8).reshape(rows, 8).sum(axis=1, dtype=np.int64)
    return out


def _grade_basis(u: FloatArray, f: FloatArray, layout: _Layout) -> FloatArray:
    """``u @ φ(f)`` for the Spearman sums (``φ``: the finish-spline design matrix). Only the
    basis functions that are non-zero somewhere in the block take part (the others give
    exact zeros), and the product runs in row groups small enough that BLAS stays
    single-threaded (its threads only spin against ours on products this small)."""
    c, w = _spline_cells(f, layout.s_lo, layout.s_width, SPLINE_CELLS)
    first, stop = int(c.min()), int(c.max()) + 4
    phi = np.zeros((f.size, stop - first))
    rows = np.arange(f.size)
    for o in range(4):
        phi[rows, c - first + o] = w[:, o]
    out = np.zeros((u.shape[0], SPLINE_CELLS + 3))
    part = np.empty((u.shape[0], stop - first))
    step = max(1, _BLAS_SERIAL_MNK // (phi.shape[0] * phi.shape[1]))
    for r in range(0, u.shape[0], step):
        np.matmul(u[r : r + step], phi, out=part[r : r + step])
    out[:, first:stop] = part
    return out


def _chunk_sums(
    layout: _Layout,
    u: FloatArray,
    d: FloatArray,
    es: FloatArray,
    ef: FloatArray,
    ls: FloatArray,
    f: FloatArray,
    hist: IntArray,
) -> list[_BlockSums]:
    """Statistics of each block of a chunk: ``u`` (grades) ``(blocks, n_tasks, size)``, the
    task-major ``d``, ``es``, ``ef``, ``ls`` ``(n_tasks, blocks, size)`` and ``f``
    ``(blocks, size)``; ``ls`` (late starts) and ``es`` are overwritten; the finish
    histogram counts are added to ``hist``. Every float sum runs along one block's trials
    only, so the sums do not depend on how many blocks a chunk holds."""
    n_tasks, nb, size = d.shape
    # criticality: total float (LS − ES) within tolerance of 0
    tol = FLOAT_TOLERANCE * np.maximum(1.0, np.abs(f))
    np.subtract(ls, es, out=ls)
    critical = _count_per_row((ls <= tol).reshape(n_tasks * nb, size)).reshape(n_tasks, nb)
    fc = f - layout.finish_shift
    sum_df = np.einsum("ikj,kj->ik", d, fc)
    sum_d = d.sum(axis=2)
    sum_d2 = np.einsum("ikj,ikj->ik", d, d)
    sum_es = es.sum(axis=2)
    sums = [
        _BlockSums(
            size=size,
            critical=critical[:, k],
            sum_df=sum_df[:, k],
            sum_d=sum_d[:, k],
            sum_d2=sum_d2[:, k],
            sum_es=sum_es[:, k],
            grade_basis=_grade_basis(u[k], f[k], layout),
            hist=None,
        )
        for k in range(nb)
    ]
    # task finish histograms (integer counts); row j's bins start at j·(HIST_BINS + 2)
    t = np.multiply(ef, layout.h_scale[:, None, None], out=ls)  # ls is free again
    t += layout.h_shift_flat[:, None, None]
    np.clip(t, layout.h_first[:, None, None], layout.h_last[:, None, None], out=t)
    bins = es.view(np.intp)  # es is free too: the bins are cast (truncated) into it
    np.copyto(bins, t, casting="unsafe")
    hist += np.bincount(bins.ravel(), minlength=hist.size).reshape(hist.shape)
    return sums


class _Accumulator:
    """Per-task statistics summed block by block (so they do not depend on the chunking)."""

    def __init__(self, plan: _Plan, layout: _Layout) -> None:
        n_tasks = plan.net.n_tasks
        self.plan = plan
        self.layout = layout
        self.n = 0
        self.critical = np.zeros(n_tasks, dtype=np.int64)
        self.sum_d = np.zeros(n_tasks)
        self.sum_d2 = np.zeros(n_tasks)
        self.sum_df = np.zeros(n_tasks)
        self.sum_es = np.zeros(n_tasks)
        self.finish_shift = layout.finish_shift
        # task finish histograms: bin 0 underflow, 1..HIST_BINS, HIST_BINS + 1 overflow
        self.h_lo = layout.h_lo
        self.h_width = layout.h_width
        self.hist = np.zeros((n_tasks, HIST_BINS + 2), dtype=np.int64)
        # Σ_i u_ij φ_k(f_i): grade of each task's duration against the finish-spline basis
        self.s_lo = layout.s_lo
        self.s_width = layout.s_width
        self.grade_basis = np.zeros((n_tasks, SPLINE_CELLS + 3))

    def add(self, sums: _BlockSums) -> None:
        self.n += sums.size
        self.critical += sums.critical
        self.sum_df += sums.sum_df
        self.sum_d += sums.sum_d
        self.sum_d2 += sums.sum_d2
        self.sum_es += sums.sum_es
        self.grade_basis += sums.grade_basis
        if sums.hist is not None:
            self.hist += sums.hist

    def task_stats(self, finish: FloatArray, cpm_finish: FloatArray) -> TaskStats:
        n = self.n
        crit = self.critical / n
        mean_d = self.sum_d / n
        var_d = np.maximum(self.sum_d2 / n - mean_d**2, 0.0)
        fc = finish - self.finish_shift
        mean_f = float(fc.mean())
        sd_f = float(fc.std())
        sd_d = np.sqrt(var_d)
        with np.errstate(invalid="ignore", divide="ignore"):
            pearson = np.where(
                (sd_d > 1e-12 * np.maximum(1.0, np.abs(mean_d))) & (sd_f > 0),
                (self.sum_df / n - mean_d * mean_f) / (sd_d * sd_f),
                0.0,
            )
        spearman = self._spearman(finish)
        ssi = crit * sd_d / sd_f if sd_f > 0 else np.zeros_like(crit)
        pct = np.array([10.0, 50.0, 80.0, 90.0])
        finish_pct = self._hist_percentiles(pct)
        finish_pct[self.plan.deterministic] = cpm_finish[self.plan.deterministic, None]
        return TaskStats(
            criticality=crit,
            sensitivity=spearman,
            cruciality=np.clip(pearson, -1.0, 1.0),
            ssi=ssi,
            duration_mean_days=mean_d,
            duration_std_days=sd_d,
            mean_start_days=self.sum_es / n,
            finish_percentiles=pct,
            finish_percentile_days=finish_pct,
        )

    def _spearman(self, finish: FloatArray) -> FloatArray:
        n = self.n
        grade = (stats.rankdata(finish) - 0.5) / n  # exact mid-ranks, scaled to (0, 1)
        var_g = float(grade.var())
        n_basis = SPLINE_CELLS + 3
        # normal equations of the least-squares spline through the exact ranks, accumulated
        # from the four non-zero basis values per trial (no dense design matrix)
        c, w = _spline_cells(finish, self.s_lo, self.s_width, SPLINE_CELLS)
        gram = np.zeros((n_basis, n_basis))
        rhs = np.zeros(n_basis)
        col_sum = np.zeros(n_basis)
        for o1 in range(4):
            rhs += np.bincount(c + o1, weights=w[:, o1] * grade, minlength=n_basis)
            col_sum += np.bincount(c + o1, weights=w[:, o1], minlength=n_basis)
            for o2 in range(4):
                flat = (c + o1) * n_basis + (c + o2)
                gram += np.bincount(
                    flat, weights=w[:, o1] * w[:, o2], minlength=n_basis * n_basis
                ).reshape(n_basis, n_basis)
        coef = np.linalg.lstsq(gram, rhs, rcond=None)[0]  # least-squares spline of the ranks
        mean_fit = float(col_sum @ coef) / n
        mean_u = self.grade_basis.sum(axis=1) / n  # the basis is a partition of unity
        cov = self.grade_basis @ coef / n - mean_u * mean_fit
        degenerate = np.array([t.duration.is_degenerate for t in self.plan.inputs.tasks])
        if var_g <= 0:
            return np.zeros(len(degenerate))
        rho = np.where(degenerate, 0.0, cov / math.sqrt(var_g / 12.0))
        out: FloatArray = np.clip(rho, -1.0, 1.0)
        return out

    def _hist_percentiles(self, pct: FloatArray) -> FloatArray:
        n = self.n
        cum = np.cumsum(self.hist, axis=1)
        rows = np.arange(cum.shape[0])
        out = np.empty((self.hist.shape[0], pct.size))
        for c, q in enumerate(pct):
            target = q / 100.0 * n
            b = np.argmax(cum >= target, axis=1)  # first bin reaching the target
            below = np.where(b > 0, cum[rows, np.maximum(b - 1, 0)], 0)
            inbin = self.hist[rows, b]
            frac = np.where(inbin > 0, (target - below) / np.maximum(inbin, 1), 0.0)
            edge = np.clip(b - 1 + frac, 0.0, HIST_BINS)
            out[:, c] = self.h_lo + edge * self.h_width
        return out


def simulate_schedule(
    inputs: ScheduleInputs,
    *,
    iterations: int = 10_000,
    rng: RNGLike = None,
    method: SamplingMethod = "monte_carlo",
    chunk_size: int | None = None,
    progress: Callable[[float], None] | None = None,
    workers: int | None = None,
) -> ScheduleResult:
    """Monte Carlo (or Latin Hypercube) simulation of the project finish.

    Parameters
    ----------
    inputs : ScheduleInputs
        Network, risk register, correlations, start date and calendar.
    iterations : int
        Number of trials (≥ 1).
    rng : Generator, int or None
        Randomness; an int seed makes the run reproducible, whatever ``chunk_size``.
    method : {"monte_carlo", "latin_hypercube"}
        Sampling of the task durations and risk draws.
    chunk_size : int, optional
        Trials computed at once (rounded up to a multiple of :data:`BLOCK_TRIALS`); bounds
        memory. Default: about four million task-trials per working array.
    progress : callable, optional
        Called with the completed fraction (0–1] after each chunk.
    workers : int, optional
        Threads computing chunks in parallel (numpy releases the GIL); default: up to 2 CPUs.
        The result does not depend on it.

    Returns
    -------
    ScheduleResult

    Examples
    --------
    >>> from tpm_models.estimates import Estimate
    >>> from tpm_models.schedule_risk.network import Dependency, Task
    >>> net = ScheduleInputs(tasks=(
    ...     Task(id="A", duration=Estimate(low=2, likely=3, high=6)),
    ...     Task(id="B", duration=Estimate.fixed(2), predecessors=(Dependency(predecessor="A"),)),
    ... ))
    >>> res = simulate_schedule(net, iterations=2000, rng=1)
    >>> res.deterministic_finish_days
    5.0
    >>> 5.0 < res.percentile(50) < 6.0
    True
    """
    if not 1 <= iterations < 1 << 32:
        raise ValueError("iterations must be between 1 and 2**32 - 1")
    root, seed = _root_seed(rng)
    plan, warnings = _make_plan(inputs, iterations, method, root)
    net = plan.net
    n_tasks = net.n_tasks
    cpm = compute_cpm(inputs)
    if chunk_size is None:
        # rounded down: working arrays stay ≤ 32 MiB, which glibc recycles from its heap
        # instead of mapping fresh (page-faulting) memory for every chunk
        blocks_per_chunk = max(1, _CHUNK_ELEMENTS // (max(n_tasks, 1) * BLOCK_TRIALS))
    elif chunk_size < 1:
        raise ValueError("chunk_size must be >= 1")
    else:
        blocks_per_chunk = max(1, -(-chunk_size // BLOCK_TRIALS))
    finish = np.empty(iterations)
    n_risks = len(inputs.risks)
    risk_occ = np.zeros(n_risks, dtype=np.int64)
    risk_delay = np.zeros(n_risks)
    pos = inputs.task_index()
    risk_rows = [_descendants(net, [pos[t] for t in r.tasks]) for r in inputs.risks]
    chunks = _chunks(plan, blocks_per_chunk)
    # the first chunk fixes the histogram and spline layout from its first block
    out0, layout = _run_chunk(plan, risk_rows, cpm.finish_days, chunks[0], None)
    acc = _Accumulator(plan, layout)
    if workers is None:
        workers = min(2, os.cpu_count() or 1)

    def consume(out: _ChunkOut) -> None:
        finish[out.start : out.start + out.finish.size] = out.finish
        for sums in out.sums:
            acc.add(sums)
        risk_occ[...] += out.risk_occurred
        for delay in out.risk_delay:  # block order
            risk_delay[...] += delay
        if progress is not None:
            progress(min(1.0, (out.start + out.finish.size) / iterations))

    consume(out0)
    rest = chunks[1:]
    if workers > 1 and len(rest) > 1:
        # numpy releases the GIL in its loops; chunks are independent and consumed in order
        with ThreadPoolExecutor(max_workers=workers) as pool:
            window: deque[Future[tuple[_ChunkOut, _Layout]]] = deque()
            for spec in rest:
                window.append(
                    pool.submit(_run_chunk, plan, risk_rows, cpm.finish_days, spec, layout)
                )
                if len(window) >= workers:
                    consume(window.popleft().result()[0])
            while window:
                consume(window.popleft().result()[0])
    else:
        for spec in rest:
            consume(_run_chunk(plan, risk_rows, cpm.finish_days, spec, layout)[0])
    stats_ = acc.task_stats(finish, cpm.early_finish_days)
    return ScheduleResult(
        inputs=inputs,
        iterations=iterations,
        method=method,
        seed=seed,
        finish_days=finish,
        deterministic_finish_days=cpm.finish_days,
        cpm=cpm,
        task_stats=stats_,
        risk_occurrence=risk_occ / iterations,
        risk_mean_delay_days=risk_delay / iterations,
        warnings=tuple(warnings),
    )


@dataclass
class _ChunkOut:
    start: int
    finish: FloatArray
    sums: list[_BlockSums]
    risk_occurred: IntArray
    risk_delay: list[FloatArray]  # per block: summed delay per risk


def _run_chunk(
    plan: _Plan,
    risk_rows: list[list[int]],
    finish_shift: float,
    spec: tuple[int, int],
    layout: _Layout | None,
) -> tuple[_ChunkOut, _Layout]:
    """Sample, schedule and summarise one chunk of blocks (thread-safe: no shared state)."""
    first, nb = spec
    net = plan.net
    chunk = _sample_chunk(plan, first, nb)
    d = chunk.durations
    es = np.empty_like(d)
    ef = np.empty_like(d)
    ls = np.empty_like(d)
    forward_pass(net, d, es, ef)
    f = ef.max(axis=0)  # (blocks, size)
    backward_pass(net, d, f, ls)
    if layout is None:
        layout = _Layout.from_block(ef[:, 0], f[0], finish_shift)
    delays = _risk_delays(net, chunk, es, ef, f, risk_rows)
    hist = np.zeros((net.n_tasks, HIST_BINS + 2), dtype=np.int64)
    sums = _chunk_sums(layout, chunk.grades, d, es, ef, ls, f, hist)
    sums[-1].hist = hist
    n_risks = len(chunk.risk_occurred)
    occurred = np.array(
        [int(np.count_nonzero(chunk.risk_occurred[r])) for r in range(n_risks)], dtype=np.int64
    )
    out = _ChunkOut(
        start=first * BLOCK_TRIALS,
        finish=f.ravel(),
        sums=sums,
        risk_occurred=occurred,
        risk_delay=[delays[:, k].sum(axis=1) for k in range(nb)],
    )
    return out, layout


def _risk_delays(
    net: CompiledNetwork,
    chunk: _Chunk,
    es: FloatArray,
    ef: FloatArray,
    f: FloatArray,
    risk_rows: list[list[int]],
) -> FloatArray:
    """Per risk and trial: finish − finish with that risk switched off (same draws). Only the
    tasks downstream of the risk's tasks are recomputed."""
    delays = np.zeros((len(chunk.risk_hits), *f.shape))
    if not chunk.risk_hits:
        return delays
    d = chunk.durations
    d2, es2, ef2 = d.copy(), es.copy(), ef.copy()
    for k, hits in enumerate(chunk.risk_hits):
        for j, _ in hits:
            row = chunk.base[j].copy()
            for kk, other in enumerate(chunk.risk_hits):
                for jj, add in other:
                    if kk != k and jj == j:
                        row += add
            np.maximum(row, 0.0, out=row)
            d2[j] = row
        rows = risk_rows[k]
        forward_pass(net, d2, es2, ef2, rows)
        delays[k] = f - ef2.max(axis=0)
        es2[rows] = es[rows]
        ef2[rows] = ef[rows]
        for j, _ in hits:
            d2[j] = d[j]
    return delays
