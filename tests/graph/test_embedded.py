"""The embedded LadybugDB store: DDL from the schema, atomic writes, typed reads, read-only."""

import datetime as dt

import pyarrow as pa
import pytest

from clawback.errors import StoreError
from clawback.graph.embedded import LadybugStore, ddl_statements
from clawback.graph.schema import SCHEMA
from clawback.graph.store import ChangeSet, NodeChanges, RelChanges, RelGroup, arrow_schema


def _persons(*ids, name="张三"):
    types = SCHEMA.node_properties("Person")
    rows = [{"person_id": i, "name": name, "birth_date": dt.date(1980, 1, 2), "src_file":
             "persons.csv", "src_row": n + 1, "load_batch": "b1"}
            for n, i in enumerate(ids)]
    return pa.Table.from_pylist(rows, schema=arrow_schema(types))


def _empty(label):
    return pa.Table.from_pylist([], schema=arrow_schema(SCHEMA.node_properties(label)))


def _ties(*pairs):
    types = {"from": "string", "to": "string", **SCHEMA.rel_properties("RELATED_TO")}
    rows = [{"from": a, "to": b, "relation_id": f"r{a}{b}", "relation": "sibling",
             "src_row": 1} for a, b in pairs]
    return pa.Table.from_pylist(rows, schema=arrow_schema(types))


def test_ddl_covers_every_label_and_type():
    text = "\n".join(ddl_statements())
    for name in [*SCHEMA.nodes, *SCHEMA.relationships]:
        assert f"`{name}`" in text
    assert "storage_direction = 'fwd'" in text  # transfers: forward only


def test_write_read_and_counts(tmp_path):
    with LadybugStore(tmp_path / "s") as store:
        assert store.is_empty()
        store.apply(ChangeSet([NodeChanges("Person", _persons("P1", "P2"), _empty("Person"))],
                              [RelChanges("RELATED_TO", (), [RelGroup("Person", "Person",
                                                                      _ties(("P1", "P2")))])]))
        assert store.counts()["nodes"]["Person"] == 2
        assert store.counts()["relationships"]["RELATED_TO"] == 1
        people = store.node_table("Person", ["person_id", "name", "birth_date"])
        assert people.schema.field("birth_date").type == pa.date32()
        assert sorted(people.column("person_id").to_pylist()) == ["P1", "P2"]
        edges = store.edge_table("RELATED_TO", ["relation"])
        assert edges.to_pylist() == [{"from": "P1", "to": "P2", "from_label": "Person",
                                      "to_label": "Person", "relation": "sibling"}]


def test_release_memory_closes_a_reader_that_opens_again_on_use(tmp_path):
    with LadybugStore(tmp_path / "s") as store:
        store.apply(ChangeSet([NodeChanges("Person", _persons("P1", "P2"), _empty("Person"))],
                              []))
        store.release_memory()             # a writer keeps its database open
        assert store._db is not None
    with LadybugStore(tmp_path / "s", read_only=True) as store:
        before = store.counts()
        store.release_memory()
        assert store._db is None           # the buffer pool is gone with it
        store.release_memory()             # twice is harmless
        assert store.counts() == before
        assert sorted(store.node_table("Person", ["person_id"]).column("person_id")
                      .to_pylist()) == ["P1", "P2"]


def test_failed_write_into_non_empty_store_changes_nothing(tmp_path):
    with LadybugStore(tmp_path / "s") as store:
        store.apply(ChangeSet([NodeChanges("Person", _persons("P1"), _empty("Person"))]))
        before = store.counts()
        bad = ChangeSet(
            [NodeChanges("Person", _persons("P2", "P3"), _empty("Person"))],
            [RelChanges("RELATED_TO", (), [RelGroup("Person", "Person",
                                                    _ties(("P2", "NOPE")))])],
        )
        with pytest.raises(StoreError):
            store.apply(bad)
        assert store.counts() == before


def test_failed_first_load_leaves_an_empty_store(tmp_path):
    with LadybugStore(tmp_path / "s") as store:
        bad = ChangeSet(
            [NodeChanges("Person", _persons("P1"), _empty("Person"))],
            [RelChanges("RELATED_TO", (), [RelGroup("Person", "Person", _ties(("P1", "X")))])],
        )
        with pytest.raises(StoreError):
            store.apply(bad)
        assert store.is_empty()
        store.apply(ChangeSet([NodeChanges("Person", _persons("P1"), _empty("Person"))]))
        assert store.counts()["nodes"]["Person"] == 1


def test_interrupted_first_load_is_reset_on_open(tmp_path):
    path = tmp_path / "s"
    with LadybugStore(path) as store:
        store.apply(ChangeSet([NodeChanges("Person", _persons("P1"), _empty("Person"))]))
    (path / ".initial-load").touch()  # what a process killed mid-way leaves behind
    with LadybugStore(path) as store:
        assert store.is_empty()


def test_update_sets_properties(tmp_path):
    with LadybugStore(tmp_path / "s") as store:
        store.apply(ChangeSet([NodeChanges("Person", _persons("P1", "P2"), _empty("Person"))]))
        store.apply(ChangeSet([NodeChanges("Person", _empty("Person"),
                                           _persons("P2", name="李四"))]))
        names = dict(zip(*store.node_table("Person", ["person_id", "name"]).to_pydict()
                         .values(), strict=True))
        assert names == {"P1": "张三", "P2": "李四"}


@pytest.mark.parametrize("cypher", [
    "CREATE (:Person {person_id: 'X'})",
    "MATCH (p:Person) SET p.name = 'x'",
    "MATCH (p:Person) DETACH DELETE p",
    "MATCH (p:Person) DELETE p",
    "MERGE (p:Person {person_id: 'Y'})",
])
def test_queries_are_read_only_on_both_open_modes(tmp_path, cypher):
    path = tmp_path / "s"
    with LadybugStore(path) as store:
        store.apply(ChangeSet([NodeChanges("Person", _persons("P1"), _empty("Person"))]))
        with pytest.raises(StoreError, match="read-only"):
            store.query(cypher)
        assert store.counts()["nodes"]["Person"] == 1
    with LadybugStore(path, read_only=True) as store:
        with pytest.raises(StoreError, match="read-only"):
            store.query(cypher)
        result = store.query("MATCH (p:Person) WHERE p.person_id = $id RETURN p.name AS name",
                             {"id": "P1"})
        assert result.to_dicts() == [{"name": "张三"}]


def test_read_only_open_of_a_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no clawback store"):
        LadybugStore(tmp_path / "nothing", read_only=True)


def test_neighbourhood_walks_both_directions_and_stops_at_the_limit(tmp_path):
    from clawback.loaders.load import load_directory
    from tests.loaders.test_load import ACCOUNTS, PERSONS, RELATIONS, TRANSFERS, write_input

    directory = write_input(tmp_path / "in", {"persons": PERSONS, "accounts": ACCOUNTS,
                                              "transfers": TRANSFERS, "relations": RELATIONS})
    with LadybugStore(tmp_path / "store") as store:
        load_directory(directory, store)
        one = store.neighbourhood("Account", "A2", hops=1)
        keys = {(n["label"], n["key"]): n["hops"] for n in one.nodes}
        assert keys[("Account", "A2")] == 0
        assert ("Account", "A1") in keys        # A1 -> A2: reached against the direction
        holder = next(n for n in one.nodes if n["label"] == "Person")
        assert holder["hops"] == 1 and holder["name"]
        assert all(e["type"] in {"TRANSFERRED_TO", "HOLDS"} for e in one.edges)
        assert not one.truncated
        wide = store.neighbourhood("Person", "P001", hops=3)
        assert len(wide.nodes) > len(one.nodes)
        small = store.neighbourhood("Person", "P001", hops=3, limit=3)
        assert small.truncated and len(small.nodes) == 3
        assert {(e["from_label"], e["from"]) for e in small.edges} <= \
            {(n["label"], n["key"]) for n in small.nodes}


def _edge_rows_by_key_join(store, rel_type, column):
    """The same relationships read the slow way: the end nodes' keys joined by the engine."""
    rows = []
    rel = SCHEMA.relationships[rel_type]
    for a in rel.from_labels:
        for b in rel.to_labels:
            ka, kb = SCHEMA.nodes[a].key, SCHEMA.nodes[b].key
            result = store.query(f"MATCH (a:{a})-[r:{rel_type}]->(b:{b}) "
                                 f"RETURN a.{ka}, b.{kb}, r.{column}", {})
            rows += [(f, t, a, b, c) for f, t, c in result.rows]
    return sorted(rows)


@pytest.mark.parametrize("use_snapshot", [False, True])
def test_edge_table_maps_offsets_to_keys_even_after_deletes(tmp_path, use_snapshot):
    """edge_table reads the end nodes' internal offsets and maps them to keys: deleted nodes
    leave unused offsets, later nodes may take new ones; every row must keep its own keys.
    (With the snapshot: the delete behind the store's back makes the next write read the
    tables back from the engine.)"""
    ids = [f"P{i}" for i in range(1, 9)]
    with LadybugStore(tmp_path / "s", use_snapshot=use_snapshot) as store:
        store.apply(ChangeSet([NodeChanges("Person", _persons(*ids), _empty("Person"))],
                              [RelChanges("RELATED_TO", (), [RelGroup(
                                  "Person", "Person",
                                  _ties(("P1", "P8"), ("P3", "P2"), ("P7", "P4"),
                                        ("P6", "P5")))])]))
        store._run("MATCH (n:Person) WHERE n.person_id IN ['P2', 'P5', 'P8'] DETACH DELETE n")
        store.apply(ChangeSet([NodeChanges("Person", _persons("P9", "Q1"), _empty("Person"))],
                              [RelChanges("RELATED_TO", (), [RelGroup(
                                  "Person", "Person", _ties(("Q1", "P1"), ("P9", "P7")))])]))
        edges = store.edge_table("RELATED_TO", ["relation_id"])
        assert (store.snapshot() is not None) == use_snapshot
        got = sorted(zip(*(edges.column(c).to_pylist()
                           for c in ["from", "to", "from_label", "to_label", "relation_id"]),
                         strict=True))
        assert got == _edge_rows_by_key_join(store, "RELATED_TO", "relation_id")
        assert sorted(r[4] for r in got) == ["rP7P4", "rP9P7", "rQ1P1"]
        assert edges.schema.field("from").type == pa.string()
