"""igraph projections of a real store match what was loaded, edge for edge."""

from __future__ import annotations

import pytest

from clawback.algorithms.projection import project
from clawback.graph.embedded import LadybugStore
from clawback.loaders.load import load_directory
from tests.loaders.test_load import ACCOUNTS, PERSONS, RELATIONS, TRANSFERS, write_input


@pytest.fixture
def store(tmp_path):
    directory = write_input(tmp_path / "in", {"persons": PERSONS, "accounts": ACCOUNTS,
                                              "transfers": TRANSFERS, "relations": RELATIONS})
    with LadybugStore(tmp_path / "store") as st:
        load_directory(directory, st)
        yield st


def _edges(p, rel_type):
    g = p.graph
    return sorted(
        (g.vs[e.source]["name"], g.vs[e.target]["name"])
        for e in g.es if e["type"] == rel_type
    )


def test_kinship_and_money_projection(store):
    p = project(store, ["Person", "Account"], ["RELATED_TO", "HOLDS", "TRANSFERRED_TO"],
                edge_properties={"TRANSFERRED_TO": ["transfer_id", "amount"]})
    assert p.graph.vcount() == 4 + 5          # P001-P004; A1, A2, A3, cash:A1, cash:A3
    assert _edges(p, "RELATED_TO") == sorted([
        ("Person:P001", "Person:P002"), ("Person:P002", "Person:P001"),
        ("Person:P001", "Person:P003"), ("Person:P003", "Person:P001"),
        ("Person:P001", "Person:P004"), ("Person:P004", "Person:P001"),
    ])
    money = {e["transfer_id"]: (p.graph.vs[e.source]["name"], p.graph.vs[e.target]["name"],
                                e["amount"])
             for e in p.graph.es if e["type"] == "TRANSFERRED_TO"}
    assert money == {
        "T1": ("Account:A1", "Account:A2", 50000.0),
        "T2": ("Account:A1", "Account:cash:A1", 2000.0),
        "T3": ("Account:cash:A3", "Account:A3", 1000.0),
    }
    assert p.vertex("Person", "P001") == p.graph.vs.find(name="Person:P001").index
    with pytest.raises(KeyError, match="P999"):
        p.vertex("Person", "P999")


def test_relationships_to_labels_left_out_are_dropped(store):
    p = project(store, ["Person"], ["HOLDS", "RELATED_TO"])
    assert set(p.graph.es["type"]) == {"RELATED_TO"}
    assert set(p.labels) == {"Person"}
