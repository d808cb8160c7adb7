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
  (a 4-round Feistel network with cycle walking). It is computed per block, never stored, so
  memory stays bounded whatever the trial count.
* Memory is bounded by the chunk (a few arrays of ``n_tasks × chunk_size``) plus the project
  finish of every trial (8 bytes per trial). Per-task statistics are accumulated per block:
  criticality counts, duration moments, a finish-time histogram per task (task percentiles are
  interpolated in it; error well below one bin) and, for the Spearman sensitivity, the sums of
  each task's duration grade over a fine histogram of the project finish.
* Sensitivity is Spearman's ρ between the task's own sampled duration (before risk events;
  risks are ranked separately by the delay they add) and the project finish. The duration's
  rank is taken through its exact marginal CDF (the uniform it was drawn from), the finish's
  rank through a 4,096-bin histogram of all finishes (mid-ranks within a bin). Both are
  consistent estimators of the population Spearman ρ; the difference from textbook ranks is of
  the order of the Monte Carlo standard error (≈ 1/√n) and is tested against scipy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tpm_models.correlation import (
    check_correlation_matrix,
    correlation_matrix_from_pairs,
    impose_rank_correlation,
)
from tpm_models.estimates import (
    Estimate,
    RNGLike,
    SamplingMethod,
    as_generator,
    sample_from_uniforms,
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
#: Bins of the per-task finish histograms and of the project-finish histogram.
HIST_BINS = 4096
#: Default chunk: about this many task-trials per working array.
_CHUNK_ELEMENTS = 1 << 22
_STREAM_TASKS, _STREAM_CORR, _STREAM_RISK0 = 0, 1, 2
_MASK64 = (1 << 64) - 1


def _block_rng(root: int, stream: int, block: int) -> np.random.Generator:
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(root, spawn_key=(stream, block)))
    )


# --- Latin Hypercube: keyed permutation of the trial index ---------------------------------
def _mix(z: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64 finaliser (a good 64-bit hash), wrapping uint64 arithmetic."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    out: npt.NDArray[np.uint64] = z ^ (z >> np.uint64(31))
    return out


def _feistel(
    x: npt.NDArray[np.uint64], keys: npt.NDArray[np.uint64], half: int
) -> npt.NDArray[np.uint64]:
    """One pass of a balanced Feistel network on ``2·half``-bit values; ``keys`` (…, rounds)."""
    mask = np.uint64((1 << half) - 1)
    h = np.uint64(half)
    left, right = x >> h, x & mask
    for r in range(keys.shape[-1]):
        left, right = right, left ^ (_mix(right ^ keys[..., r]) & mask)
    out: npt.NDArray[np.uint64] = (left << h) | right
    return out


def _permuted_strata(
    trials: IntArray, n: int, keys: npt.NDArray[np.uint64]
) -> npt.NDArray[np.uint64]:
    """``π_row(t)`` for each key row and trial index: a bijection of ``0 … n−1`` per row."""
    half = max(1, math.ceil(max(n - 1, 1).bit_length() / 2))
    x = np.broadcast_to(trials.astype(np.uint64), (keys.shape[0], trials.size)).copy()
    k = keys[:, None, :]
    out = _feistel(x, k, half)
    bad = out >= np.uint64(n)
    while bad.any():  # cycle walking: the domain is < 4n, so this ends fast
        rows = np.nonzero(bad)[0]
        out[bad] = _feistel(out[bad], keys[rows], half)
        bad = out >= np.uint64(n)
    return out


def _lhs_keys(root: int, stream: int, rows: int) -> npt.NDArray[np.uint64]:
    seq = np.random.SeedSequence(root, spawn_key=(stream, _MASK64 >> 1))
    state: npt.NDArray[np.uint64] = seq.generate_state(rows * 4, dtype=np.uint64).astype(np.uint64)
    return state.reshape(rows, 4)


@dataclass(frozen=True)
class _Plan:
    """What a run needs besides the random numbers: compiled network, estimates, risks."""

    inputs: ScheduleInputs
    net: CompiledNetwork
    iterations: int
    method: SamplingMethod
    root: int
    corr_rows: tuple[int, ...]
    corr_matrix: FloatArray | None
    lhs_keys_tasks: npt.NDArray[np.uint64] | None
    lhs_keys_risks: tuple[npt.NDArray[np.uint64], ...]


def _make_plan(
    inputs: ScheduleInputs, iterations: int, method: SamplingMethod, root: int
) -> tuple[_Plan, list[str]]:
    warnings: list[str] = []
    pos = inputs.task_index()
    corr_rows: tuple[int, ...] = ()
    matrix: FloatArray | None = None
    if inputs.correlations:
        rows = sorted(
            {pos[c.task_a] for c in inputs.correlations}
            | {pos[c.task_b] for c in inputs.correlations}
        )
        local = {r: k for k, r in enumerate(rows)}
        pairs = [(local[pos[c.task_a]], local[pos[c.task_b]], c.rho) for c in inputs.correlations]
        check = check_correlation_matrix(correlation_matrix_from_pairs(len(rows), pairs))
        if check.warning:
            warnings.append(check.warning)
        corr_rows, matrix = tuple(rows), check.matrix
    lhs = method == "latin_hypercube"
    if method not in ("monte_carlo", "latin_hypercube"):
        raise ValueError(f"unknown sampling method {method!r}")
    plan = _Plan(
        inputs=inputs,
        net=compile_network(inputs),
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
    )
    return plan, warnings


def _block_uniforms(
    gen: np.random.Generator,
    rows: int,
    start: int,
    size: int,
    plan: _Plan,
    keys: npt.NDArray[np.uint64] | None,
) -> FloatArray:
    v = gen.random((rows, size))
    if keys is None:
        return v
    strata = _permuted_strata(np.arange(start, start + size, dtype=np.int64), plan.iterations, keys)
    v += strata
    v *= 1.0 / plan.iterations
    return v


@dataclass
class _Chunk:
    """Sampled inputs of a run of consecutive blocks (arrays ``(n_tasks, m)``)."""

    grades: FloatArray  # the uniforms each base duration was drawn from
    durations: FloatArray  # effective durations (base + risk impacts, ≥ 0)
    risk_hits: list[list[tuple[int, FloatArray]]]  # per risk: (task index, added days per trial)
    risk_occurred: list[npt.NDArray[np.bool_]]
    base: dict[int, FloatArray]  # base durations of the tasks risks hit


def _sample_chunk(plan: _Plan, first_block: int, n_blocks: int) -> _Chunk:
    tasks = plan.inputs.tasks
    n_tasks = len(tasks)
    start = first_block * BLOCK_TRIALS
    stop = min(plan.iterations, (first_block + n_blocks) * BLOCK_TRIALS)
    m = stop - start
    u = np.empty((n_tasks, m))
    for b in range(first_block, first_block + n_blocks):
        b0 = b * BLOCK_TRIALS
        size = min(BLOCK_TRIALS, plan.iterations - b0)
        if size <= 0:
            break
        gen = _block_rng(plan.root, _STREAM_TASKS, b)
        ub = _block_uniforms(gen, n_tasks, b0, size, plan, plan.lhs_keys_tasks)
        if plan.corr_matrix is not None:
            rows = list(plan.corr_rows)
            ub[rows] = impose_rank_correlation(
                ub[rows], plan.corr_matrix, rng=_block_rng(plan.root, _STREAM_CORR, b)
            )
        u[:, b0 - start : b0 - start + size] = ub
    estimates: Sequence[Estimate] = [t.duration for t in tasks]
    d = sample_from_uniforms(estimates, u)
    np.maximum(d, 0.0, out=d)  # normal estimates can dip below 0
    risk_hits: list[list[tuple[int, FloatArray]]] = []
    occurred: list[npt.NDArray[np.bool_]] = []
    base: dict[int, FloatArray] = {}
    if plan.inputs.risks:
        pos = plan.inputs.task_index()
        for risk in plan.inputs.risks:
            for tid in risk.tasks:
                base.setdefault(pos[tid], d[pos[tid]].copy())
        for k, risk in enumerate(plan.inputs.risks):
            draws = np.empty((2, m))
            for b in range(first_block, first_block + n_blocks):
                b0 = b * BLOCK_TRIALS
                size = min(BLOCK_TRIALS, plan.iterations - b0)
                if size <= 0:
                    break
                gen = _block_rng(plan.root, _STREAM_RISK0 + k, b)
                keys = plan.lhs_keys_risks[k] if plan.lhs_keys_risks else None
                draws[:, b0 - start : b0 - start + size] = _block_uniforms(
                    gen, 2, b0, size, plan, keys
                )
            occ = draws[0] < risk.probability
            impact = sample_from_uniforms([risk.impact], draws[1:2])[0]
            impact[~occ] = 0.0
            hits = []
            for tid in risk.tasks:
                j = pos[tid]
                add = impact.copy() if risk.impact_unit == "days" else impact / 100.0 * base[j]
                d[j] += add
                hits.append((j, add))
            risk_hits.append(hits)
            occurred.append(occ)
        np.maximum(d, 0.0, out=d)
    return _Chunk(grades=u, durations=d, risk_hits=risk_hits, risk_occurred=occurred, base=base)


def _root_seed(rng: RNGLike) -> tuple[int, int | None]:
    seed = rng if isinstance(rng, int) and not isinstance(rng, bool) else None
    gen = as_generator(rng)
    return int(gen.integers(0, 1 << 63)), seed


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
    n_blocks = -(-iterations // BLOCK_TRIALS)
    return _sample_chunk(plan, 0, n_blocks).durations


def _descendants(net: CompiledNetwork, starts: Sequence[int]) -> list[int]:
    """``starts`` and every task downstream of them, in topological order."""
    hit = set(starts)
    for j in net.order:
        if j not in hit and any(i in hit for i, _, _ in net.preds[j]):
            hit.add(j)
    return [j for j in net.order if j in hit]


class _Accumulator:
    """Per-task statistics summed block by block (so they do not depend on the chunking)."""

    def __init__(self, plan: _Plan, finish_scale: float) -> None:
        n_tasks = plan.net.n_tasks
        self.plan = plan
        self.n = 0
        self.critical = np.zeros(n_tasks, dtype=np.int64)
        self.sum_d = np.zeros(n_tasks)
        self.sum_d2 = np.zeros(n_tasks)
        self.sum_df = np.zeros(n_tasks)
        self.sum_u = np.zeros(n_tasks)
        self.sum_u2 = np.zeros(n_tasks)
        self.sum_es = np.zeros(n_tasks)
        self.ef_min = np.full(n_tasks, np.inf)
        self.ef_max = np.full(n_tasks, -np.inf)
        self.risk_occ = np.zeros(len(plan.inputs.risks), dtype=np.int64)
        self.risk_delay = np.zeros(len(plan.inputs.risks))
        self.finish_scale = finish_scale
        # histograms, laid out once the first block is seen
        self.ef_lo: FloatArray | None = None
        self.ef_width = np.ones(n_tasks)
        self.ef_hist = np.zeros((n_tasks, HIST_BINS + 2), dtype=np.int64)
        self.f_lo = 0.0
        self.f_width = 1.0
        self.f_grade_sums = np.zeros((n_tasks, HIST_BINS + 2))
        self.f_hist = np.zeros(HIST_BINS + 2, dtype=np.int64)
        self.shift_d = np.array([t.duration.likely for t in plan.inputs.tasks])

    def _layout(self, ef: FloatArray, f: FloatArray) -> None:
        lo, hi = ef.min(axis=1), ef.max(axis=1)
        span = np.maximum(hi - lo, 1e-6 * np.maximum(1.0, np.abs(hi)))
        self.ef_lo = lo - span
        self.ef_width = 3.0 * span / HIST_BINS
        flo, fhi = float(f.min()), float(f.max())
        fspan = max(fhi - flo, 1e-6 * max(1.0, abs(fhi)))
        self.f_lo = flo - fspan
        self.f_width = 3.0 * fspan / HIST_BINS

    def add_block(
        self,
        u: FloatArray,
        d: FloatArray,
        es: FloatArray,
        ef: FloatArray,
        lf: FloatArray,
        f: FloatArray,
    ) -> None:
        if self.ef_lo is None:
            self._layout(ef, f)
        assert self.ef_lo is not None
        m = f.size
        self.n += m
        tol = FLOAT_TOLERANCE * np.maximum(1.0, np.abs(f))
        slack = lf - ef
        self.critical += np.count_nonzero(slack <= tol, axis=1)
        dc = d - self.shift_d[:, None]
        fc = f - self.finish_scale
        self.sum_d += dc.sum(axis=1)
        self.sum_d2 += (dc * dc).sum(axis=1)
        self.sum_df += (dc * fc).sum(axis=1)
        self.sum_u += u.sum(axis=1)
        self.sum_u2 += (u * u).sum(axis=1)
        self.sum_es += es.sum(axis=1)
        np.minimum(self.ef_min, ef.min(axis=1), out=self.ef_min)
        np.maximum(self.ef_max, ef.max(axis=1), out=self.ef_max)
        # task finish histograms (integer counts)
        idx = np.floor((ef - self.ef_lo[:, None]) / self.ef_width[:, None])
        np.clip(idx + 1, 0, HIST_BINS + 1, out=idx)
        flat = idx.astype(np.int64) + (np.arange(ef.shape[0]) * (HIST_BINS + 2))[:, None]
        self.ef_hist += np.bincount(flat.ravel(), minlength=self.ef_hist.size).reshape(
            self.ef_hist.shape
        )
        # project finish histogram and each task's grade sums per finish bin
        fb = np.clip(np.floor((f - self.f_lo) / self.f_width) + 1, 0, HIST_BINS + 1).astype(
            np.int64
        )
        order = np.argsort(fb, kind="stable")
        sorted_bins = fb[order]
        starts = np.flatnonzero(np.r_[True, sorted_bins[1:] != sorted_bins[:-1]])
        bins = sorted_bins[starts]
        self.f_hist[bins] += np.diff(np.r_[starts, m])
        self.f_grade_sums[:, bins] += np.add.reduceat(u[:, order], starts, axis=1)

    def task_stats(self, finish: FloatArray) -> TaskStats:
        n = self.n
        crit = self.critical / n
        mean_d = self.sum_d / n
        var_d = np.maximum(self.sum_d2 / n - mean_d**2, 0.0)
        fc = finish - self.finish_scale
        mean_f = float(fc.mean())
        var_f = float(fc.var())
        cov_df = self.sum_df / n - mean_d * mean_f
        sd_d = np.sqrt(var_d)
        sd_f = math.sqrt(var_f)
        with np.errstate(invalid="ignore", divide="ignore"):
            pearson = np.where((sd_d > 0) & (sd_f > 0), cov_df / (sd_d * sd_f), 0.0)
        # Spearman: grade of duration vs mid-rank grade of the finish histogram bin
        counts = self.f_hist.astype(np.float64)
        grade = (np.cumsum(counts) - counts / 2.0) / n
        mean_g = float(counts @ grade) / n
        var_g = float(counts @ (grade * grade)) / n - mean_g**2
        mean_u = self.sum_u / n
        var_u = np.maximum(self.sum_u2 / n - mean_u**2, 0.0)
        cov_ug = self.f_grade_sums @ grade / n - mean_u * mean_g
        degenerate = np.array([t.duration.is_degenerate for t in self.plan.inputs.tasks])
        with np.errstate(invalid="ignore", divide="ignore"):
            spearman = np.where(
                (~degenerate) & (var_u > 0) & (var_g > 0),
                cov_ug / np.sqrt(var_u * max(var_g, 0.0)),
                0.0,
            )
        spearman = np.clip(spearman, -1.0, 1.0)
        ssi = crit * sd_d / sd_f if sd_f > 0 else np.zeros_like(crit)
        pct = np.array([10.0, 50.0, 80.0, 90.0])
        finish_pct = self._hist_percentiles(pct)
        return TaskStats(
            criticality=crit,
            sensitivity=spearman,
            cruciality=np.clip(pearson, -1.0, 1.0),
            ssi=ssi,
            duration_mean_days=mean_d + self.shift_d,
            duration_std_days=sd_d,
            mean_start_days=self.sum_es / n,
            finish_percentiles=pct,
            finish_percentile_days=finish_pct,
        )

    def _hist_percentiles(self, pct: FloatArray) -> FloatArray:
        assert self.ef_lo is not None
        n = self.n
        cum = np.cumsum(self.ef_hist, axis=1)
        out = np.empty((self.ef_hist.shape[0], pct.size))
        for c, q in enumerate(pct):
            target = q / 100.0 * n
            b = np.argmax(cum >= target, axis=1)  # first bin reaching the target
            rows = np.arange(cum.shape[0])
            below = np.where(b > 0, cum[rows, np.maximum(b - 1, 0)], 0)
            inbin = self.ef_hist[rows, b]
            frac = np.where(inbin > 0, (target - below) / np.maximum(inbin, 1), 0.0)
            left = self.ef_lo + (b - 1) * self.ef_width
            out[:, c] = left + frac * self.ef_width
        np.clip(out, self.ef_min[:, None], self.ef_max[:, None], out=out)
        return out


def simulate_schedule(
    inputs: ScheduleInputs,
    *,
    iterations: int = 10_000,
    rng: RNGLike = None,
    method: SamplingMethod = "monte_carlo",
    chunk_size: int | None = None,
    progress: Callable[[float], None] | None = None,
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
    if iterations < 1:
        raise ValueError("iterations must be >= 1")
    root, seed = _root_seed(rng)
    plan, warnings = _make_plan(inputs, iterations, method, root)
    net = plan.net
    n_tasks = net.n_tasks
    cpm = compute_cpm(inputs)
    if chunk_size is None:
        chunk_size = max(BLOCK_TRIALS, _CHUNK_ELEMENTS // max(n_tasks, 1))
    if chunk_size < 1:
        raise ValueError("chunk_size must be >= 1")
    blocks_per_chunk = max(1, -(-chunk_size // BLOCK_TRIALS))
    n_blocks = -(-iterations // BLOCK_TRIALS)
    acc = _Accumulator(plan, cpm.finish_days)
    finish = np.empty(iterations)
    risk_rows = [
        _descendants(net, [j for j, _ in hits])
        for hits in ([[(inputs.task_index()[t], None) for t in r.tasks] for r in inputs.risks])
    ]
    for first in range(0, n_blocks, blocks_per_chunk):
        nb = min(blocks_per_chunk, n_blocks - first)
        chunk = _sample_chunk(plan, first, nb)
        d = chunk.durations
        m = d.shape[1]
        es = np.empty_like(d)
        ef = np.empty_like(d)
        forward_pass(net, d, es, ef)
        f = ef.max(axis=0)
        lf = np.empty_like(d)
        backward_pass(net, d, f, lf)
        start = first * BLOCK_TRIALS
        finish[start : start + m] = f
        # risk switched off, same draws: only tasks downstream of the risk change
        delays = np.zeros((len(inputs.risks), m))
        if inputs.risks:
            es2, ef2, d2 = es.copy(), ef.copy(), d.copy()
            for k, hits in enumerate(chunk.risk_hits):
                rows = risk_rows[k]
                for j, _ in hits:
                    d2[j] = chunk.base[j]
                    for kk, other_hits in enumerate(chunk.risk_hits):
                        for jj, add in other_hits:
                            if kk != k and jj == j:
                                d2[j] += add
                    np.maximum(d2[j], 0.0, out=d2[j])
                forward_pass(net, d2, es2, ef2, rows)
                delays[k] = f - ef2.max(axis=0)
                for j in rows:
                    es2[j] = es[j]
                    ef2[j] = ef[j]
                for j, _ in hits:
                    d2[j] = d[j]
        for b in range(nb):
            sl = slice(b * BLOCK_TRIALS, min((b + 1) * BLOCK_TRIALS, m))
            acc.add_block(chunk.grades[:, sl], d[:, sl], es[:, sl], ef[:, sl], lf[:, sl], f[sl])
            for k in range(len(inputs.risks)):
                acc.risk_occ[k] += int(np.count_nonzero(chunk.risk_occurred[k][sl]))
                acc.risk_delay[k] += float(delays[k, sl].sum())
        if progress is not None:
            progress(min(1.0, (start + m) / iterations))
    stats = acc.task_stats(finish)
    return ScheduleResult(
        inputs=inputs,
        iterations=iterations,
        method=method,
        seed=seed,
        finish_days=finish,
        deterministic_finish_days=cpm.finish_days,
        cpm=cpm,
        task_stats=stats,
        risk_occurrence=acc.risk_occ / iterations,
        risk_mean_delay_days=acc.risk_delay / iterations,
        warnings=tuple(warnings),
    )
