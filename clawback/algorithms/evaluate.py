"""How well scores separate labelled evaders from honest debtors: AUC, precision@k, and the
share of honest debtors triaged ``likely_evasion``."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["auc", "evaluate", "precision_at_k"]


def auc(scores: np.ndarray | pd.Series, positive: np.ndarray | pd.Series) -> float:
    """Area under the ROC curve (Mann-Whitney U; ties count one half).

    >>> auc([0.9, 0.8, 0.1, 0.3], [True, True, False, False])
    1.0
    >>> auc([0.5, 0.5], [True, False])
    0.5
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = pd.Series(s).rank(method="average").to_numpy()
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def precision_at_k(scores: np.ndarray | pd.Series, positive: np.ndarray | pd.Series,
                   k: int) -> float:
    """Share of evaders among the ``k`` highest scores (ties broken by position).

    >>> precision_at_k([0.9, 0.1, 0.8], [True, False, False], 2)
    0.5
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(positive, dtype=bool)
    top = np.argsort(-s, kind="stable")[:k]
    return float(y[top].mean()) if len(top) else float("nan")


def evaluate(scores: pd.DataFrame, labels: pd.DataFrame) -> dict[str, float]:
    """``scores``: case_id, score, triage; ``labels``: case_id, label (evader/honest)."""
    x = labels.merge(scores, on="case_id", how="inner")
    evader = (x["label"] == "evader").to_numpy()
    k = int(evader.sum())
    honest = x[~evader]
    return {
        "cases": len(x),
        "evaders": k,
        "auc": auc(x["score"], evader),
        "precision_at_k": precision_at_k(x["score"], evader, k),
        "precision_at_100": precision_at_k(x["score"], evader, min(100, len(x))),
        "honest_likely_evasion": float((honest["triage"] == "likely_evasion").mean())
        if len(honest) else float("nan"),
        "evaders_honest_unfortunate": float(
            (x[evader]["triage"] == "honest_unfortunate").mean()) if k else float("nan"),
    }
