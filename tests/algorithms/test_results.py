"""Saved score results: read back equal, reused while the store is unchanged, recomputed after
a load or with other settings."""

from __future__ import annotations

import pandas as pd

from clawback.algorithms import results
from clawback.algorithms.results import load_result, results_dir, scored, store_fingerprint
from clawback.graph.embedded import LadybugStore
from clawback.loaders.load import load_directory
from tests.algorithms import scenarios


def test_results_saved_reused_and_invalidated(tmp_path, monkeypatch):
    directory = scenarios.build(tmp_path / "in")
    store_path = tmp_path / "store"
    with LadybugStore(store_path) as store:
        load_directory(directory, store)
    target = results_dir(store_path)
    assert target == store_path / "results"

    with LadybugStore(store_path, read_only=True) as store:
        first = scored(store, target)
        fingerprint = store_fingerprint(store)
    kept = load_result(target)
    assert kept is not None and kept.provenance["store_fingerprint"] == fingerprint
    for name in results.TABLES:
        pd.testing.assert_frame_equal(getattr(kept, name), getattr(first, name).reset_index(
            drop=True), check_dtype=False)
    assert kept.explain("K01") == {**first.explain("K01"), "provenance": kept.provenance}

    calls = []
    real = results.score_store
    monkeypatch.setattr(results, "score_store", lambda *a, **k: calls.append(k) or real(*a, **k))
    with LadybugStore(store_path, read_only=True) as store:
        scored(store, target)                       # unchanged store, same settings: reused
        assert calls == []
        scored(store, target, seed=8)               # another seed: recomputed
        assert len(calls) == 1
    # a new load changes the fingerprint
    (directory / "persons.csv").write_text(
        (directory / "persons.csv").read_text(encoding="utf-8")
        + "PNEW,新人\n", encoding="utf-8")
    with LadybugStore(store_path) as store:
        load_directory(directory, store)
    with LadybugStore(store_path, read_only=True) as store:
        assert store_fingerprint(store) != fingerprint
        scored(store, target, seed=8)
        assert len(calls) == 2


def test_neo4j_results_dir_names_the_server():
    assert results_dir("x", "bolt://127.0.0.1:7687", None).name == "127-0-0-1-7687-neo4j"
    assert results_dir("x", "neo4j+s://abc.databases.neo4j.io", "db1").name == \
        "abc-databases-neo4j-io-db1"


def test_a_load_back_to_an_earlier_state_is_scored_again(tmp_path, monkeypatch):
    """Load A, score; load B (same counts, another value), score; load A again: the batches
    are {A, B} and the counts the same as after B, yet the results cached for B are not A's."""
    directory = scenarios.build(tmp_path / "in")
    original = (directory / "persons.csv").read_text(encoding="utf-8")
    store_path = tmp_path / "store"
    target = results_dir(store_path)
    seen = []
    lines = original.splitlines(keepends=True)
    renamed = "".join([lines[0], lines[1].rstrip("\n") + "乙\n", *lines[2:]])  # B: one name
    for text in (original, renamed, original):
        (directory / "persons.csv").write_text(text, encoding="utf-8")
        with LadybugStore(store_path) as store:
            load_directory(directory, store)
        with LadybugStore(store_path, read_only=True) as store:
            seen.append((store_fingerprint(store), store.generation(),
                         scored(store, target).provenance["store_fingerprint"]))
    assert len({f for f, _, _ in seen}) == 3
    assert all(f == kept for f, _, kept in seen)
    assert [g for _, g, _ in seen] == [1, 2, 3]
