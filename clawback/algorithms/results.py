"""Score results kept beside the store, so that the app and the bundles read what ``clawback
score`` computed instead of scoring the whole portfolio again.

A result set is a folder of Parquet tables (scores, contributions, hits, ties) and a
``provenance.json``. It is valid for one store state: the fingerprint of the store's load
batches, counts and write count, the seed, the tracing rule and the software, weights and
rules versions. :func:`scored` loads a valid set or computes and saves a new one.

    with open_store("clawback-data", read_only=True) as store:
        result = scored(store, results_dir("clawback-data"))
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from clawback import __version__
from clawback.algorithms import rules as legal
from clawback.algorithms.score import ScoreResult, score_store, weights
from clawback.graph.store import GraphStore

__all__ = ["load_result", "results_dir", "save_result", "scored", "store_fingerprint"]

TABLES = ("scores", "contributions", "hits", "ties")
RESULTS = "results"


def results_dir(store: str | Path, neo4j: str | None = None, database: str | None = None
                ) -> Path:
    """Where the results of a store live: ``STORE/results`` for the embedded store; for a Neo4j
    server ``.clawback/results/<host-port-database>`` under the current directory."""
    if not neo4j:
        return Path(store) / RESULTS
    name = re.sub(r"[^A-Za-z0-9]+", "-", f"{neo4j.split('://')[-1]}-{database or 'neo4j'}")
    return Path(".clawback") / RESULTS / name.strip("-")


def store_fingerprint(store: GraphStore) -> str:
    """A hash of what the store holds (:meth:`GraphStore.fingerprint`)."""
    return store.fingerprint()


@functools.cache
def scoring_code() -> str:
    """A hash of the scoring code (the sources of :mod:`clawback.algorithms`): results a
    different version of it computed are stale even where the release number is the same (a
    checkout updated in place)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _identity(fingerprint: str, seed: int, trace_rule: str) -> dict[str, Any]:
    return {"store_fingerprint": fingerprint, "seed": seed, "trace_rule": trace_rule,
            "software_version": __version__, "weights_version": weights()["version"],
            "rules_version": legal.RULES_VERSION, "scoring_code": scoring_code()}


def save_result(result: ScoreResult, directory: str | Path, fingerprint: str) -> Path:
    """Write ``result`` to ``directory`` (replaced as a whole: a reader never sees half)."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".results-", dir=directory.parent))
    try:
        for name in TABLES:
            frame: pd.DataFrame = getattr(result, name)
            frame.reset_index(drop=True).to_parquet(staging / f"{name}.parquet", index=False)
        meta = {**result.provenance, **_identity(fingerprint, int(result.provenance["seed"]),
                                                 str(result.provenance["trace_rule"]))}
        (staging / "provenance.json").write_text(
            json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=2) + "\n",
            encoding="utf-8")
        shutil.rmtree(directory, ignore_errors=True)
        staging.rename(directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return directory


def load_result(directory: str | Path) -> ScoreResult | None:
    """The result set in ``directory``, or None when there is none (or it is incomplete)."""
    directory = Path(directory)
    meta_file = directory / "provenance.json"
    if not meta_file.exists() or not all((directory / f"{n}.parquet").exists() for n in TABLES):
        return None
    frames = {n: pd.read_parquet(directory / f"{n}.parquet") for n in TABLES}
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    return ScoreResult(frames["scores"], frames["contributions"], frames["hits"], frames["ties"],
                       meta)


def scored(store: GraphStore, directory: str | Path | None, *, seed: int = 7,
           trace_rule: str = "fifo", progress: Callable[[str, float], None] | None = None,
           ) -> ScoreResult:
    """The scores of ``store``: read from ``directory`` when they were computed for this store
    state with these settings, else computed (and saved there when ``directory`` is given)."""
    fingerprint = store_fingerprint(store)
    wanted = _identity(fingerprint, seed, trace_rule)
    if directory is not None:
        kept = load_result(directory)
        if kept is not None and all(kept.provenance.get(k) == v for k, v in wanted.items()):
            return kept
    if progress:
        progress("scoring", 0.0)
    result = score_store(store, seed=seed, trace_rule=trace_rule)
    if progress:
        progress("scoring", 1.0)
    if directory is not None:
        save_result(result, directory, fingerprint)
        result.provenance.update(wanted)
    return result
