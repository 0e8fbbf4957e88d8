"""The embedded store's snapshot: the same tables as the engine, after every kind of write, and
never used once it is not the store's."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pyarrow as pa
import pytest

from clawback.algorithms.score import score_store
from clawback.errors import StoreError
from clawback.graph.embedded import LadybugStore
from clawback.graph.schema import SCHEMA
from clawback.graph.snapshot import SNAPSHOT_DIR, Snapshot
from clawback.graph.store import ChangeSet, NodeChanges, RelChanges, RelGroup
from clawback.loaders.load import load_directory
from tests.conftest import generated_store
from tests.loaders.test_load import PERSONS, TRANSFERS, write_input

ELEMENTS = [*(label for label, n in SCHEMA.nodes.items() if not n.system),
            *SCHEMA.relationships]


def _sorted(table: pa.Table, element: str) -> pd.DataFrame:
    key = (SCHEMA.nodes[element].key if element in SCHEMA.nodes
           else SCHEMA.relationships[element].key)
    return table.sort_by(key).to_pandas()


def _engine(store: LadybugStore, element: str) -> pa.Table:
    if element in SCHEMA.nodes:
        return store._engine_node_table(element, list(SCHEMA.node_properties(element)))
    return store._engine_edge_table(element, list(SCHEMA.rel_properties(element)))


def _read(store: LadybugStore, element: str) -> pa.Table:
    return (store.node_table(element) if element in SCHEMA.nodes
            else store.edge_table(element))


def assert_snapshot_is_the_engine(store: LadybugStore) -> None:
    """Every element, every column, every row: the snapshot's table is the engine's."""
    snap = store.snapshot()
    assert snap is not None
    for element in ELEMENTS:
        assert element in snap, element
        got, want = _read(store, element), _engine(store, element)
        assert got.schema == want.schema, element
        pd.testing.assert_frame_equal(_sorted(got, element), _sorted(want, element),
                                      check_exact=True, obj=element)


@pytest.fixture
def dirty(tmp_path):
    from tests.loaders.test_load import ACCOUNTS, CASES, COMPANIES, RELATIONS
    return write_input(tmp_path / "in", {
        "persons": PERSONS, "accounts": ACCOUNTS, "companies": COMPANIES,
        "transfers": TRANSFERS, "relations": RELATIONS, "cases": CASES,
    })


def test_first_load_links_what_it_copied_and_later_loads_keep_it_exact(dirty, tmp_path):
    with LadybugStore(tmp_path / "s") as store:
        load_directory(dirty, store)
        assert_snapshot_is_the_engine(store)
        # a correction (node updates and creates), then a transfer moved to another account
        # (a relationship deleted and created again)
        fixed = PERSONS.replace("P005,周杰,,2024-02-30", "P005,周杰,,2000-02-29")
        write_input(dirty, {"persons": fixed.replace("P003,王芳", "P003,王芳芳")})
        load_directory(dirty, store)
        assert_snapshot_is_the_engine(store)
        assert "王芳芳" in store.node_table("Person", ["name"]).column("name").to_pylist()
        write_input(dirty, {"transfers": TRANSFERS.replace("T1,A1,A2,50000.00",
                                                           "T1,A1,A3,50000.00")})
        load_directory(dirty, store)
        assert_snapshot_is_the_engine(store)
        t1 = store.edge_table("TRANSFERRED_TO", ["transfer_id"]).to_pylist()
        assert [(r["from"], r["to"]) for r in t1 if r["transfer_id"] == "T1"] == [("A1", "A3")]


def test_a_load_back_to_an_earlier_state_is_not_served_a_stale_snapshot(dirty, tmp_path):
    """Load A, then B (same counts, other values), then A again: the batches and counts are
    those of the store after B, but the tables are A's."""
    with LadybugStore(tmp_path / "s") as store:
        load_directory(dirty, store)
        a = _sorted(store.node_table("Person"), "Person")
        write_input(dirty, {"persons": PERSONS.replace("P004,赵强", "P004,赵刚")})
        load_directory(dirty, store)
        write_input(dirty, {"persons": PERSONS})
        load_directory(dirty, store)
        pd.testing.assert_frame_equal(_sorted(store.node_table("Person"), "Person"), a)
        assert_snapshot_is_the_engine(store)


def _persons(*ids: str, name: str = "张三") -> pa.Table:
    from tests.graph.test_embedded import _persons as persons
    return persons(*ids, name=name)


def _no_persons() -> pa.Table:
    from tests.graph.test_embedded import _empty
    return _empty("Person")


def test_a_failed_write_puts_the_snapshot_back_and_a_write_in_progress_has_none(tmp_path):
    from tests.graph.test_embedded import _ties

    path = tmp_path / "s"
    with LadybugStore(path) as store:
        store.apply(ChangeSet([NodeChanges("Person", _persons("P1", "P2"), _no_persons())]))
        fingerprint = store.fingerprint()
        assert Snapshot.open(path, fingerprint) is not None
        seen = {}
        real = store._write

        def write(changes):
            seen["during"] = Snapshot.open(path, fingerprint)
            real(changes)

        store._write = write
        bad = ChangeSet([NodeChanges("Person", _persons("P3"), _no_persons())],
                        [RelChanges("RELATED_TO", (), [RelGroup("Person", "Person",
                                                                _ties(("P3", "NOPE")))])])
        with pytest.raises(StoreError):
            store.apply(bad)
        assert seen["during"] is None       # a process killed now leaves no snapshot behind
        assert store.fingerprint() == fingerprint
        assert Snapshot.open(path, fingerprint) is not None
        assert store.snapshot() is not None
        assert sorted(store.node_table("Person", ["person_id"]).column(0).to_pylist()) == \
            ["P1", "P2"]


def test_a_snapshot_of_another_state_is_not_used(tmp_path):
    path = tmp_path / "s"
    with LadybugStore(path) as store:
        store.apply(ChangeSet([NodeChanges("Person", _persons("P1", "P2"), _no_persons())]))
        store._run("MATCH (n:Person {person_id: 'P2'}) DETACH DELETE n")  # behind its back
        store._snap_known = False                                      # as a new open would
        assert store.snapshot() is None
        assert store.node_table("Person", ["person_id"]).column(0).to_pylist() == ["P1"]
        # manifests from another format or a half-written directory are ignored as well
    manifest = path / SNAPSHOT_DIR / "manifest.json"
    meta = json.loads(manifest.read_text())
    with LadybugStore(path, read_only=True) as store:
        meta["fingerprint"] = store.fingerprint()
        manifest.write_text(json.dumps({**meta, "format": 99}))
        assert store.snapshot() is None
    manifest.write_text(json.dumps(meta))
    with LadybugStore(path, read_only=True) as store:
        assert store.snapshot() is not None
    next(p for p in (path / SNAPSHOT_DIR).iterdir() if p.suffix == ".parquet").unlink()
    with LadybugStore(path, read_only=True) as store:
        assert store.snapshot() is None
        assert store.node_table("Person", ["person_id"]).column(0).to_pylist() == ["P1"]


def test_a_store_without_a_snapshot_gets_one_at_its_next_load(dirty, tmp_path):
    path = tmp_path / "s"
    with LadybugStore(path) as store:
        load_directory(dirty, store)
    shutil.rmtree(path / SNAPSHOT_DIR)       # a store written before snapshots existed
    with LadybugStore(path, read_only=True) as store:
        assert store.snapshot() is None
        assert store.counts()["relationships"]["TRANSFERRED_TO"] > 0
    write_input(dirty, {"persons": PERSONS.replace("P004,赵强", "P004,赵刚")})
    with LadybugStore(path) as store:
        load_directory(dirty, store)
        assert_snapshot_is_the_engine(store)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    return generated_store(tmp_path_factory.mktemp("snap"), size=150, seed=21)


def test_a_generated_portfolio_scores_the_same_from_the_snapshot_and_the_engine(portfolio):
    with LadybugStore(portfolio, read_only=True) as store:
        assert_snapshot_is_the_engine(store)
        fast = score_store(store)
    with LadybugStore(portfolio, read_only=True, use_snapshot=False) as store:
        assert store.snapshot() is None
        slow = score_store(store)
    for name in ("scores", "contributions", "hits", "ties"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name),
                                      check_exact=True, obj=name)
    assert len(fast.scores) == 150


def test_the_transfers_of_a_snapshot_are_read_without_a_worker(portfolio, monkeypatch):
    import clawback.algorithms.data as data_module

    monkeypatch.setattr(data_module, "WORKER_MIN_TRANSFERS", 1)
    with LadybugStore(portfolio, read_only=True) as store:
        assert data_module._worker_for(store, None) is None
    with LadybugStore(portfolio, read_only=True, use_snapshot=False) as store:
        worker = data_module._worker_for(store, None)
        assert worker is not None
        worker.stop()
