"""Data functions behind the app's pages (cached at this boundary, tested without a browser)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from clawback.graph.open import open_store
from clawback.graph.schema import SCHEMA

__all__ = ["store_counts"]


def store_counts(store: str | Path, lang: str = "en", neo4j: str | None = None) -> pd.DataFrame:
    """Nodes per label and relationships per type, with captions in ``lang``; from the Neo4j
    server ``neo4j`` when given, else from the embedded store ``store``."""
    with open_store(store, neo4j, read_only=True) as st:
        counts = st.counts()
    rows = [
        {"kind": kind, "name": name, "caption": SCHEMA.caption(name, lang), "count": n}
        for kind, values in (("node", counts["nodes"]), ("relationship", counts["relationships"]))
        for name, n in values.items()
    ]
    return pd.DataFrame(rows)
