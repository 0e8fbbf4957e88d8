"""The quality bar of issue 4 on the demo portfolio (the generator's labels): AUC >= 0.97 and at
most 5 % of honest debtors triaged likely_evasion. A test that can fail: it scores real data."""

from __future__ import annotations

import pandas as pd
import pytest

from clawback.algorithms.evaluate import evaluate
from clawback.algorithms.score import score_store
from clawback.demo.generator import generate_portfolio
from clawback.graph.embedded import LadybugStore
from clawback.loaders.load import load_directory


@pytest.mark.slow
@pytest.mark.parametrize("size,seed", [(300, 7), (600, 101)])
def test_demo_portfolio_quality(tmp_path, size, seed):
    generate_portfolio(tmp_path / "in", size=size, seed=seed)
    with LadybugStore(tmp_path / "store") as store:
        load_directory(tmp_path / "in", store)
        result = score_store(store)
    labels = pd.read_csv(tmp_path / "in" / "labels.csv")
    metrics = evaluate(result.scores, labels)
    assert metrics["cases"] == size
    assert metrics["auc"] >= 0.97, metrics
    assert metrics["honest_likely_evasion"] <= 0.05, metrics
    assert metrics["precision_at_k"] >= 0.85, metrics
