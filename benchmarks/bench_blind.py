"""Scoring quality on a portfolio from an independently written generator.

    .venv/bin/python benchmarks/bench_blind.py [--cases 600] [--seed 11] [--generator b]

benchmarks/blind_portfolio.py was written from the public input contract and the law only,
by an author who had not seen clawback's generator, signals or weights: good figures here are
not just figures tuned to our own data. Generates, loads into a temporary embedded store,
scores and prints AUC, precision@k and the triage of honest debtors and evaders (labels.csv).
``--generator b`` uses benchmarks/blind_portfolio_b.py instead, a second generator written the
same way by another author (session 9; its honest debtors lead busy family lives).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clawback.algorithms.evaluate import evaluate  # noqa: E402
from clawback.algorithms.score import score_store  # noqa: E402
from clawback.graph.embedded import LadybugStore  # noqa: E402
from clawback.loaders.load import load_directory  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--generator", choices=["a", "b"], default="a")
    args = parser.parse_args()
    script = "blind_portfolio.py" if args.generator == "a" else "blind_portfolio_b.py"
    with tempfile.TemporaryDirectory() as tmp:
        portfolio = Path(tmp) / "portfolio"
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / script),
                        str(portfolio), "--cases", str(args.cases), "--seed", str(args.seed)],
                       check=True, capture_output=True)
        with LadybugStore(Path(tmp) / "store") as store:
            load_directory(portfolio, store)
            result = score_store(store)
        labels = pd.read_csv(portfolio / "labels.csv", dtype=str)
    metrics = evaluate(result.scores, labels)
    x = labels.merge(result.scores, on="case_id")
    triage = x.groupby("label")["triage"].value_counts().unstack(fill_value=0)
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v
                      for k, v in metrics.items()}, indent=2))
    print(triage.to_string())


if __name__ == "__main__":
    main()
