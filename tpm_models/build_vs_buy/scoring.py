"""Non-financial scoring: weighted sum with given weights, or AHP weights from a pairwise matrix.

AHP (Saaty): the weights are the principal (Perron) eigenvector of the reciprocal pairwise
matrix ``A``, normalised to sum 1; ``λmax`` its eigenvalue; consistency index
``CI = (λmax − n)/(n − 1)``; consistency ratio ``CR = CI / RI(n)`` with Saaty's random index
table (Saaty 1980, *The Analytic Hierarchy Process*, McGraw-Hill): n = 1..10 →
0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49. Judgements with CR > 0.10 should be
revisited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from tpm_models.build_vs_buy.scenario import Scoring

__all__ = [
    "CR_THRESHOLD",
    "SAATY_1980_RANDOM_INDEX",
    "AHPResult",
    "ScoringResult",
    "ahp_weights",
    "score_options",
]

FloatArray = npt.NDArray[np.float64]

#: Saaty (1980) random consistency index RI for n = 1..10 criteria.
SAATY_1980_RANDOM_INDEX: tuple[float, ...] = (
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49
)  # fmt: skip
CR_THRESHOLD = 0.10


@dataclass(frozen=True)
class AHPResult:
    """AHP weights and consistency of a pairwise matrix.

    Attributes
    ----------
    weights : array (n,)
        Principal eigenvector, normalised to sum 1.
    lambda_max : float
        Principal eigenvalue (= n for a perfectly consistent matrix).
    consistency_index : float
        ``(λmax − n)/(n − 1)`` (0 for n ≤ 2).
    random_index : float
        Saaty's (1980) RI for this n.
    consistency_ratio : float
        ``CI / RI`` (0 for n ≤ 2).
    """

    weights: FloatArray
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float

    @property
    def warning(self) -> str | None:
        if self.consistency_ratio > CR_THRESHOLD:
            return (
                f"The pairwise judgements are inconsistent: consistency ratio "
                f"{self.consistency_ratio:.2f} > {CR_THRESHOLD:.2f} (Saaty). Revisit the "
                "comparisons that contradict each other."
            )
        return None


def ahp_weights(pairwise: Sequence[Sequence[float]] | FloatArray) -> AHPResult:
    """AHP weights, λmax, CI and CR of a reciprocal pairwise comparison matrix.

    Examples
    --------
    >>> r = ahp_weights([[1, 3], [1 / 3, 1]])
    >>> r.weights.round(3).tolist(), r.consistency_ratio
    ([0.75, 0.25], 0.0)
    """
    a = np.asarray(pairwise, dtype=np.float64)
    n = a.shape[0]
    if a.shape != (n, n) or n == 0:
        raise ValueError("the pairwise matrix must be square and non-empty")
    if n > len(SAATY_1980_RANDOM_INDEX):
        raise ValueError(f"at most {len(SAATY_1980_RANDOM_INDEX)} criteria")
    eigval, eigvec = np.linalg.eig(a)
    i = int(np.argmax(eigval.real))
    lam = float(eigval[i].real)
    w = np.abs(eigvec[:, i].real)
    w = w / w.sum()
    ri = SAATY_1980_RANDOM_INDEX[n - 1]
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    cr = ci / ri if ri > 0 else 0.0
    return AHPResult(w, lam, max(ci, 0.0) if n > 2 else 0.0, ri, max(cr, 0.0))


@dataclass(frozen=True)
class ScoringResult:
    """Weighted-sum scores per option.

    Attributes
    ----------
    criteria : tuple of str
    weights : array (n_criteria,), sums to 1
    method : ``"weights"`` or ``"ahp"``
    ahp : AHPResult or None
    scores : dict option → tuple of raw scores (one per criterion), as entered
    totals : dict option → weighted score (same scale as the raw scores)
    """

    criteria: tuple[str, ...]
    weights: FloatArray
    method: str
    ahp: AHPResult | None
    scores: dict[str, tuple[float, ...]]
    totals: dict[str, float]

    @property
    def consistency_ratio(self) -> float | None:
        return None if self.ahp is None else self.ahp.consistency_ratio

    @property
    def warning(self) -> str | None:
        return None if self.ahp is None else self.ahp.warning

    def summary(self) -> pd.DataFrame:
        """One row per option: each criterion's score and the weighted total."""
        rows = []
        for name, row in self.scores.items():
            rec: dict[str, object] = {"option": name}
            rec.update(dict(zip(self.criteria, row, strict=True)))
            rec["weighted_score"] = self.totals[name]
            rows.append(rec)
        return pd.DataFrame(rows, columns=["option", *self.criteria, "weighted_score"])

    def weights_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"criterion": list(self.criteria), "weight": self.weights})


def score_options(scoring: Scoring, option_names: Sequence[str]) -> ScoringResult:
    """Weights (given, normalised to sum 1, or AHP) and weighted-sum score per scored option.

    Examples
    --------
    >>> sc = Scoring(criteria=("Fit", "Cost"), weights=(3, 1), scores={"A": (8, 4)})
    >>> score_options(sc, ["A"]).totals
    {'A': 7.0}
    """
    ahp: AHPResult | None = None
    if scoring.pairwise is not None:
        ahp = ahp_weights(scoring.pairwise)
        w = ahp.weights
        method = "ahp"
    else:
        assert scoring.weights is not None
        w = np.asarray(scoring.weights, dtype=np.float64)
        w = w / w.sum()
        method = "weights"
    scores = {name: scoring.scores[name] for name in option_names if name in scoring.scores}
    totals = {name: float(np.dot(w, row)) for name, row in scores.items()}
    return ScoringResult(tuple(scoring.criteria), w, method, ahp, scores, totals)
