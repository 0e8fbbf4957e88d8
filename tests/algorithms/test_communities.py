"""Communities, enablers and S12 on hand-drawn portfolios with known answers; differential tests
against networkx; determinism and locality as properties."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clawback.algorithms.communities import (
    COMMUNITY_COLUMNS,
    CONTEXT_COLUMNS,
    ENABLER_COLUMNS,
    CommunityParams,
    communities,
    community_context,
    enabler_hits,
    enablers,
    partition,
    party_graph,
    seeded_igraph,
)
from clawback.algorithms.data import PortfolioData
from clawback.algorithms.kinship import related_parties
from clawback.algorithms.signals import HIT_COLUMNS

# -- a small portfolio builder -----------------------------------------------------------------
Transfer = tuple[str, str, str, float, str]  # transfer_id, from party, to party, amount, date


def portfolio(*, persons: Iterable[str] = (), companies: Iterable[str] = (),
              transfers: Iterable[Transfer] = (),
              relations: Iterable[tuple[str, str, str, str]] = (),
              roles: Iterable[tuple[str, str, str, float | None]] = (),
              identifiers: Iterable[tuple[str, str, str]] = (),
              cases: Iterable[tuple[str, str, float]] = ()) -> PortfolioData:
    """Every party holds a bank account ``A-<id>`` and a cash account ``cash:<id>``; a transfer
    to the party ``cash`` is a withdrawal into the payer's own cash account. ``relations``:
    (a, b, relation, inverse), recorded both ways."""
    persons, companies = list(persons), list(companies)
    parties = persons + companies
    accounts = pd.DataFrame(
        [(f"A-{p}", p, "bank", False) for p in parties]
        + [(f"cash:{p}", p, "cash", True) for p in parties],
        columns=["account_id", "holder_id", "account_type", "synthetic"])
    accounts["opened_date"] = pd.NaT
    rows = []
    for tid, src, dst, amount, day in transfers:
        to = f"cash:{src}" if dst == "cash" else f"A-{dst}"
        rows.append((tid, f"A-{src}", to, float(amount), "CNY", pd.Timestamp(day),
                     "bank_transfer", "", src, src if dst == "cash" else dst))
    t = pd.DataFrame(rows, columns=["transfer_id", "src", "dst", "amount", "currency", "date",
                                    "channel", "memo", "src_holder", "dst_holder"])
    t["date"] = pd.to_datetime(t["date"])
    rel = [(a, b, r) for a, b, r, _ in relations] + [(b, a, inv) for a, b, _, inv in relations]
    relations_frame = pd.DataFrame(rel, columns=["from", "to", "relation"])
    relations_frame["start_date"] = relations_frame["end_date"] = pd.NaT
    relations_frame["stated"] = True
    relations_frame["relation_id"] = [f"R{i}" for i in range(len(relations_frame))]
    roles_frame = pd.DataFrame(list(roles), columns=["from", "to", "role", "share"])
    roles_frame["from_label"] = np.where(roles_frame["from"].isin(companies), "Company", "Person")
    roles_frame["start_date"] = roles_frame["end_date"] = pd.NaT
    roles_frame["role_id"] = [f"O{i}" for i in range(len(roles_frame))]
    ids = pd.DataFrame(list(identifiers), columns=["from", "to", "kind"])
    ids["from_label"] = "Person"
    cases_frame = pd.DataFrame(list(cases), columns=["case_id", "debtor_id", "claim_amount"])
    cases_frame["case_type"] = "personal"
    cases_frame["jurisdiction"] = "CN"
    cases_frame["filing_date"] = pd.Timestamp("2024-03-01")
    cases_frame["acceptance_date"] = pd.Timestamp("2024-06-30")
    cases_frame["currency"] = "CNY"
    return PortfolioData(
        persons=pd.DataFrame({"person_id": persons, "name": [f"name of {p}" for p in persons],
                              "birth_date": pd.NaT}),
        companies=pd.DataFrame({"company_id": companies,
                                "name": [f"name of {c}" for c in companies],
                                "incorporation_date": pd.NaT}),
        accounts=accounts, transfers=t, relations=relations_frame, roles=roles_frame,
        titles=pd.DataFrame(columns=["title_transfer_id", "property_id", "from_party",
                                     "to_party", "date", "price", "market_value", "share"]),
        properties=pd.DataFrame(columns=["property_id", "kind", "market_value"]),
        cases=cases_frame, identifiers=ids)


def groups(frame: pd.DataFrame, among: Iterable[str] | None = None) -> set[frozenset[str]]:
    """A partition as a set of sets of party ids (labels do not matter)."""
    if among is not None:
        frame = frame[frame["party_id"].isin(set(among))]
    return {frozenset(g["party_id"]) for _, g in frame.groupby("community")}


def family(prefix: str, *, money: float = 200_000.0) -> dict[str, list]:
    """Five relatives tied by kinship and money: a couple, their two children, a sibling."""
    h, w, c1, c2, s = (f"{prefix}{k}" for k in ("H", "W", "C1", "C2", "S"))
    return {
        "persons": [h, w, c1, c2, s],
        "relations": [(h, w, "spouse", "spouse"), (h, c1, "child", "parent"),
                      (h, c2, "child", "parent"), (w, c1, "child", "parent"),
                      (w, c2, "child", "parent"), (c1, c2, "sibling", "sibling"),
                      (h, s, "sibling", "sibling")],
        "transfers": [(f"T{prefix}1", h, w, money, "2023-01-05"),
                      (f"T{prefix}2", w, c1, money / 2, "2023-02-05"),
                      (f"T{prefix}3", h, s, money / 4, "2023-03-05"),
                      (f"T{prefix}4", s, c2, money / 4, "2023-04-05")],
    }


def merged(*parts: dict[str, list], **extra: list) -> PortfolioData:
    keys = ["persons", "companies", "transfers", "relations", "roles", "identifiers", "cases"]
    out: dict[str, list] = {k: [] for k in keys}
    for part in [*parts, extra]:
        for k, v in part.items():
            out[k].extend(v)
    return portfolio(**out)


def three_families(bridge: float = 50.0) -> PortfolioData:
    """Three families; one small payment from each family to the next joins them."""
    return merged(family("F"), family("G"), family("K"),
                  transfers=[("TB1", "FS", "GC1", bridge, "2023-06-01"),
                             ("TB2", "GW", "KH", bridge, "2023-06-02")])


# -- the party graph ---------------------------------------------------------------------------
def test_party_graph_weights_known_answer():
    data = portfolio(
        persons=["P1", "P2", "P3", "P4"] + [f"X{i}" for i in range(7)], companies=["C1"],
        relations=[("P1", "P2", "spouse", "spouse")],
        roles=[("P1", "C1", "director", None), ("P2", "C1", "shareholder", 0.6),
               ("P2", "C1", "supervisor", None)],
        identifiers=[("P2", "ID-phone", "phone"), ("P3", "ID-phone", "phone"),
                     ("P2", "ID-mail", "email"), ("P3", "ID-mail", "email")]
        + [(f"X{i}", "ID-agent", "address") for i in range(7)],
        transfers=[("T1", "P1", "P2", 999.0, "2023-01-01"),
                   ("T2", "P2", "P1", 1000.0, "2023-01-02"),
                   ("T3", "P3", "cash", 5000.0, "2023-01-03"),
                   ("T4", "P4", "P3", 1_000_000.0, "2023-01-04"),
                   ("T5", "P4", "NOBODY", 70.0, "2023-01-04")])
    g = party_graph(data)
    names = g.vs["name"]
    assert names == sorted(names) and len(names) == 12
    weights = {(names[e.source], names[e.target]): w for e, w in zip(g.es, g.es["weight"],
                                                                     strict=True)}
    unit = math.log1p(1_000_000)
    assert weights == pytest.approx({
        ("C1", "P1"): 1.0,                               # director
        ("C1", "P2"): 1.0,                               # two roles count once
        ("P1", "P2"): 1.0 + math.log1p(1999.0) / unit,   # spouses, money both ways added
        ("P2", "P3"): 2.0,                               # two shared identifiers
        ("P3", "P4"): 1.0,                               # a million weighs one kinship tie
    }, rel=1e-12)
    edges = [e.tuple for e in g.es]
    assert edges == sorted(edges)
    unit_money = party_graph(data, CommunityParams(weight_money="unit"))
    assert sorted(unit_money.es["weight"]) == [1.0, 1.0, 1.0, 2.0, 2.0]


def test_bad_params_name_the_value():
    with pytest.raises(ValueError, match="'linear'"):
        CommunityParams(weight_money="linear")


# -- communities -------------------------------------------------------------------------------
def test_planted_families_are_communities_and_the_bridge_does_not_merge_them():
    data = three_families()
    assert len(party_graph(data).connected_components()) == 1  # the bridges are there
    found = communities(data)
    assert list(found.columns) == COMMUNITY_COLUMNS
    assert groups(found) == {frozenset(f"{p}{k}" for k in ("H", "W", "C1", "C2", "S"))
                             for p in "FGK"}
    assert set(found["size"]) == {5}
    # numbered by their smallest party id
    assert found.set_index("party_id")["community"][["FC1", "GC1", "KC1"]].tolist() == [0, 1, 2]


def test_a_strong_bridge_does_merge():
    """The test above can fail: two triangles joined by one weak payment are two communities,
    but tied pair by pair as tightly as inside they are one."""
    triangles = [(f"{p}{a}", f"{p}{b}", "sibling", "sibling")
                 for p in "FG" for a, b in (("1", "2"), ("2", "3"), ("1", "3"))]
    persons = [f"{p}{k}" for p in "FG" for k in "123"]
    weak = portfolio(persons=persons, relations=triangles,
                     transfers=[("T0", "F1", "G1", 100.0, "2023-06-01")])
    assert len(groups(communities(weak))) == 2
    strong = portfolio(persons=persons, relations=triangles,
                       transfers=[(f"T{a}{b}", f"F{a}", f"G{b}", 1e6, "2023-06-01")
                                  for a in "123" for b in "123"])
    assert groups(communities(strong)) == {frozenset(persons)}


def test_same_seed_same_output_in_process_and_after_shuffling():
    data = three_families()
    first = communities(data, CommunityParams(seed=11))
    pd.testing.assert_frame_equal(first, communities(data, CommunityParams(seed=11)))
    rng = np.random.default_rng(3)
    shuffled = PortfolioData(**{
        name: frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
        for name, frame in vars(data).items() if isinstance(frame, pd.DataFrame)})
    pd.testing.assert_frame_equal(first, communities(shuffled, CommunityParams(seed=11)))


def test_other_seeds_find_the_same_structure_on_a_clear_graph():
    data = three_families()
    expected = groups(communities(data))
    for seed in range(1, 8):
        assert groups(communities(data, CommunityParams(seed=seed))) == expected


def test_seeding_leaves_the_global_generator_alone():
    """The run draws nothing from :mod:`random`, and igraph is back on :mod:`random` after."""
    random.seed(5)
    state = random.getstate()
    communities(three_families())
    assert random.getstate() == state
    g = ig.Graph.Famous("Zachary")
    g.community_leiden(objective_function="modularity", n_iterations=-1)
    assert random.getstate() != state  # igraph draws from the random module again
    with pytest.raises(RuntimeError), seeded_igraph(1):
        raise RuntimeError("boom")
    state = random.getstate()
    g.community_leiden(objective_function="modularity", n_iterations=-1)
    assert random.getstate() != state  # restored after an error too


def test_isolated_party_and_lone_pair():
    data = portfolio(persons=["A", "B", "C"], relations=[("A", "B", "sibling", "sibling")])
    found = communities(data)
    assert groups(found) == {frozenset({"A", "B"}), frozenset({"C"})}
    assert found["community"].tolist() == [0, 0, 1]
    assert found["size"].tolist() == [2, 2, 1]
    empty = communities(portfolio())
    assert list(empty.columns) == COMMUNITY_COLUMNS and empty.empty


def test_unrelated_component_changes_no_community():
    base = three_families()
    more = merged(family("F"), family("G"), family("K"), family("Z", money=9e9),
                  transfers=[("TB1", "FS", "GC1", 50.0, "2023-06-01"),
                             ("TB2", "GW", "KH", 50.0, "2023-06-02")])
    assert groups(communities(more), base.persons["person_id"]) == groups(communities(base))


# -- differential against networkx -------------------------------------------------------------
def _to_igraph(graph: nx.Graph) -> ig.Graph:
    nodes = sorted(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in graph.edges])
    g.vs["name"] = [str(n) for n in nodes]
    g.es["weight"] = [float(graph[u][v].get("weight", 1.0)) for u, v in graph.edges]
    return g


def _blocks(membership: Iterable[int]) -> list[set[int]]:
    out: dict[int, set[int]] = {}
    for vertex, c in enumerate(membership):
        out.setdefault(int(c), set()).add(vertex)
    return list(out.values())


@pytest.mark.parametrize("seed", range(5))
def test_leiden_modularity_matches_networkx(seed):
    graph = nx.planted_partition_graph(4, 20, 0.4, 0.05, seed=seed)
    weights = np.random.default_rng(seed).uniform(0.1, 3.0, graph.number_of_edges())
    for (u, v), w in zip(graph.edges, weights, strict=True):
        graph[u][v]["weight"] = float(w)
    g = _to_igraph(graph)
    with seeded_igraph(seed):
        clustering = g.community_leiden(objective_function="modularity", weights="weight",
                                        n_iterations=-1)
    expected = nx.community.modularity(graph, _blocks(clustering.membership), weight="weight")
    assert clustering.quality == pytest.approx(expected, abs=1e-9)
    membership = partition(g, CommunityParams(seed=seed))
    expected = nx.community.modularity(graph, _blocks(membership), weight="weight")
    assert g.modularity(membership.tolist(), weights="weight") == pytest.approx(expected,
                                                                                abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_leiden_recovers_planted_blocks_as_well_as_louvain(seed):
    graph = nx.planted_partition_graph(5, 30, 0.25, 0.02, seed=seed)
    planted = [i // 30 for i in range(150)]
    g = _to_igraph(graph)
    leiden = partition(g, CommunityParams(seed=seed)).tolist()
    louvain_sets = nx.community.louvain_communities(graph, seed=seed)
    louvain = [0] * 150
    for c, members in enumerate(louvain_sets):
        for v in members:
            louvain[v] = c
    q_leiden = nx.community.modularity(graph, _blocks(leiden))
    q_louvain = nx.community.modularity(graph, louvain_sets)
    assert q_leiden >= q_louvain - 0.02
    ari_leiden = ig.compare_communities(planted, leiden, method="adjusted_rand")
    ari_louvain = ig.compare_communities(planted, louvain, method="adjusted_rand")
    assert ari_leiden >= ari_louvain - 0.02
    assert ari_leiden > 0.9


_edge_lists = st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14),
                                 st.floats(0.05, 5.0)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(_edge_lists)
def test_partition_is_modularity_consistent_and_connected(edges):
    graph = nx.Graph()
    graph.add_nodes_from(range(15))
    for u, v, w in edges:
        if u != v:
            graph.add_edge(u, v, weight=w)
    g = _to_igraph(graph)
    membership = partition(g)
    if graph.number_of_edges():
        expected = nx.community.modularity(graph, _blocks(membership), weight="weight")
        assert g.modularity(membership.tolist(), weights="weight") == pytest.approx(
            expected, abs=1e-9)
    for block in _blocks(membership):  # Leiden's guarantee: every community is connected
        assert nx.is_connected(graph.subgraph(block))
    firsts = [membership.tolist().index(c) for c in range(max(membership) + 1)]
    assert firsts == sorted(firsts)  # numbered by first vertex


@settings(max_examples=60, deadline=None)
@given(_edge_lists, _edge_lists, st.randoms(use_true_random=False), st.integers(0, 99))
def test_property_a_component_is_partitioned_as_if_alone(mine, other, rnd, seed):
    """Embedding a graph among another's vertices and edges (keeping its own orders) does not
    change its communities."""
    def simple(edges: list[tuple[int, int, float]]) -> list[tuple[tuple[int, int], float]]:
        seen: dict[tuple[int, int], float] = {}
        for u, v, w in edges:
            if u != v:
                seen.setdefault((min(u, v), max(u, v)), w)
        return list(seen.items())

    a, b = simple(mine), simple(other)
    alone = ig.Graph(n=15, edges=[e for e, _ in a])
    alone.es["weight"] = [w for _, w in a]
    slots = sorted(rnd.sample(range(30), 15))   # where A's vertices go, order kept
    rest = [i for i in range(30) if i not in slots]
    kinds = ["a"] * len(a) + ["b"] * len(b)
    rnd.shuffle(kinds)                          # interleave the edges, each graph's order kept
    a_iter, b_iter = iter(a), iter(b)
    edges, weights = [], []
    for kind in kinds:
        (u, v), w = next(a_iter) if kind == "a" else next(b_iter)
        edges.append((slots[u], slots[v]) if kind == "a" else (rest[u], rest[v]))
        weights.append(w)
    both = ig.Graph(n=30, edges=edges)
    both.es["weight"] = weights
    params = CommunityParams(seed=seed)
    expected = {frozenset(c) for c in _blocks(partition(alone, params))}
    inside = partition(both, params)[slots]
    assert {frozenset(c) for c in _blocks(inside)} == expected


def test_ties_in_a_symmetric_component_break_the_same_way_whatever_comes_first():
    """A ring of twelve splits into four arcs, and which four is up to the generator: each
    component is run with a generator seeded afresh, so the triangles before it change nothing
    (with one generator for all, the triangles' draws shift the ring's)."""
    def ring_after(triangles: int, seed: int) -> set[frozenset[int]]:
        edges = [e for t in range(triangles)
                 for e in ((3 * t, 3 * t + 1), (3 * t + 1, 3 * t + 2), (3 * t, 3 * t + 2))]
        o = 3 * triangles
        edges += sorted((o + min(i, (i + 1) % 12), o + max(i, (i + 1) % 12)) for i in range(12))
        g = ig.Graph(n=o + 12, edges=edges)
        g.es["weight"] = 1.0
        return {frozenset(c) for c in _blocks(partition(g, CommunityParams(seed=seed))[o:])}

    for seed in (1, 3, 7):
        alone = ring_after(0, seed)
        assert len(alone) == 4
        for triangles in range(1, 8):
            assert ring_after(triangles, seed) == alone


# -- locality as a property --------------------------------------------------------------------
_ties = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.sampled_from(["kin", "money"]),
                           st.floats(1.0, 1e7)), max_size=30)


def _random_part(prefix: str, ties: list[tuple[int, int, str, float]]) -> dict[str, list]:
    persons = [f"{prefix}{i}" for i in range(10)]
    relations, transfers = [], []
    for k, (a, b, kind, amount) in enumerate(ties):
        if a == b:
            continue
        if kind == "kin":
            relations.append((persons[a], persons[b], "associate", "associate"))
        else:
            transfers.append((f"T{prefix}{k:03d}", persons[a], persons[b], amount,
                              "2023-01-01"))
    return {"persons": persons, "relations": relations, "transfers": transfers}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ties, _ties, st.integers(0, 2**16))
def test_property_unrelated_component_and_row_order_change_nothing(mine, other, seed):
    alone = merged(_random_part("P", mine))
    together = merged(_random_part("P", mine), _random_part("Q", other))
    params = CommunityParams(seed=seed)
    expected = communities(alone, params)
    got = communities(together, params)
    assert groups(got, alone.persons["person_id"]) == groups(expected)
    rng = np.random.default_rng(seed)
    shuffled = PortfolioData(**{
        name: frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
        for name, frame in vars(together).items()
        if isinstance(frame, pd.DataFrame)})
    pd.testing.assert_frame_equal(communities(shuffled, params), got)


# -- enablers ----------------------------------------------------------------------------------
CLAIM = 1_000_000.0


def _debtors(n: int) -> dict[str, list]:
    """n debtors D01.. with a case each (claim CNY 1,000,000), no ties between them. D01 has an
    associate ZZ, who plays no part: related_parties fails on a portfolio without any tie."""
    ids = [f"D{i:02d}" for i in range(1, n + 1)]
    return {"persons": ids, "cases": [(f"K{d[1:]}", d, CLAIM) for d in ids],
            "relations": [("D01", "ZZ", "associate", "associate")]}


def _enabler_portfolio(**changes: list) -> PortfolioData:
    """Twelve debtors: D01-D03 (unrelated) pay the mule M; D04-D06, siblings, pay S; D01-D11
    pay the hospital H; D07-D09 pay the company mule CM; the shop SHOP is paid small bills by
    D01-D09 and large sums by D01-D03 only; the bank BANK lends to D09-D11 and is repaid; D12
    and D01 pay the person P2."""
    base = _debtors(12)
    parts: dict[str, list] = {
        "persons": ["M", "S", "P2"],
        "companies": ["H", "CM", "SHOP", "BANK"],
        "relations": [("D04", "D05", "sibling", "sibling"), ("D05", "D06", "sibling", "sibling")],
        "transfers": (
            [(f"TM{i}", f"D0{i}", "M", 100_000.0, "2023-05-01") for i in (1, 2, 3)]
            + [(f"TS{i}", f"D0{i}", "S", 100_000.0, "2023-05-01") for i in (4, 5, 6)]
            + [(f"TH{i:02d}", f"D{i:02d}", "H", 60_000.0, "2023-05-01") for i in range(1, 12)]
            + [(f"TC{i}", f"D0{i}", "CM", 80_000.0, "2023-05-01") for i in (7, 8, 9)]
            + [(f"TP{i:02d}", f"D{i:02d}", "SHOP", 300.0, "2023-05-01") for i in range(1, 10)]
            + [(f"TQ{i}", f"D0{i}", "SHOP", 90_000.0, "2023-06-01") for i in (1, 2, 3)]
            + [(f"TL{i:02d}", "BANK", f"D{i:02d}", 500_000.0, "2021-01-01") for i in (9, 10, 11)]
            + [(f"TR{i:02d}", f"D{i:02d}", "BANK", 500_000.0, "2023-01-01") for i in (9, 10, 11)]
            + [("TP2a", "D12", "P2", 100_000.0, "2023-05-01"),
               ("TP2b", "D01", "P2", 100_000.0, "2023-05-01"),
               ("TX1", "D01", "M", 1_000.0, "2023-01-01")]),
    }
    for key, value in changes.items():
        parts[key] = value
    return merged(base, parts)


def _found(data: PortfolioData, **params) -> pd.DataFrame:
    return enablers(data, related_parties(data), CommunityParams(**params))


def test_enablers_known_answer():
    found = _found(_enabler_portfolio())
    assert list(found.columns) == ENABLER_COLUMNS
    rows = {r.party_id: (r.debtors, r.amount, r.debtor_ids) for r in found.itertuples()}
    assert rows == {
        "M": (3, 301_000.0, "D01;D02;D03"),   # three unrelated debtors
        "CM": (3, 240_000.0, "D07;D08;D09"),  # a company paid by 3 of 12: no institution
    }


def test_related_debtors_count_once():
    found = _found(_enabler_portfolio())
    assert "S" not in set(found["party_id"])
    # without the sibling ties S is an enabler: the ties are what keeps it out
    unrelated = _found(_enabler_portfolio(relations=[]))
    assert unrelated.set_index("party_id").loc["S", "debtors"] == 3


def test_institutions_are_not_enablers():
    data = _enabler_portfolio()
    found = _found(data)
    assert not {"H", "SHOP", "BANK"} & set(found["party_id"])
    # H is out because eleven of twelve debtors pay it; with a higher bar it is in, paid by
    # nine unrelated debtors (the siblings D04-D06 count once)
    loose = _found(data, institution_share=0.95)
    assert loose.set_index("party_id").loc["H", "debtors"] == 9
    # SHOP is out because most of its debtors pay it small bills; BANK because it lent
    loose = _found(data, clientele_share=0.2)
    assert "SHOP" in set(loose["party_id"]) and "BANK" not in set(loose["party_id"])


def test_fewer_than_the_minimum_is_not_an_enabler():
    data = _enabler_portfolio()
    assert "P2" not in set(_found(data)["party_id"])
    assert _found(data, min_enabler_debtors=2).set_index("party_id").loc["P2", "debtors"] == 2
    assert "M" not in set(_found(data, min_enabler_debtors=4)["party_id"])


def test_a_relative_of_a_payer_does_not_count_that_payer():
    data = _enabler_portfolio(relations=[("D01", "M", "sibling", "sibling")])
    assert "M" not in set(_found(data)["party_id"])


def _monthly(tid: str, src: str, dst: str, amount: float, first: str, last: str) -> list:
    days = pd.date_range(first, last, freq="MS")
    return [(f"{tid}{k:03d}", src, dst, amount, str(d.date())) for k, d in enumerate(days)]


def test_a_habit_is_not_an_enabler_a_burst_is():
    """A landlord three unrelated debtors have paid rent every month since 2020 is not an
    enabler; the same money arriving only in the two years before the cases is."""
    rent = [t for i in (1, 2, 3)
            for t in _monthly(f"TR{i}", f"D0{i}", "LORD", 10_000.0, "2020-01-01", "2024-06-01")]
    habit = merged(_debtors(3), persons=["LORD"], transfers=rent)
    assert _found(habit).empty
    window = pd.Timestamp("2022-07-01")
    burst = merged(_debtors(3), persons=["LORD"],
                   transfers=[t for t in rent if pd.Timestamp(t[4]) >= window])
    rows = _found(burst).set_index("party_id")
    assert rows.loc["LORD", "debtors"] == 3
    assert rows.loc["LORD", "amount"] == 3 * 24 * 10_000.0
    # what was paid before the look-back and after the anchor does not count at all
    late = merged(_debtors(3), persons=["LORD"],
                  transfers=[(f"TL{i}", f"D0{i}", "LORD", 1e6, d) for i in (1, 2, 3)
                             for d in ("2021-01-01", "2024-07-01")])
    assert _found(late).empty


def test_immaterial_payments_do_not_count():
    transfers = [(f"TM{i}", f"D0{i}", "M", 15_000.0, "2023-05-01") for i in (1, 2, 3)]
    data = _enabler_portfolio(transfers=transfers)
    assert _found(data).empty  # 1.5 % of each claim
    assert set(_found(data, min_claim_share=0.01)["party_id"]) == {"M"}


def test_only_the_drawn_enabler_in_the_hand_drawn_portfolio(tmp_path: Path):
    """Employer, hospital, car dealer and bank are shared by the drawn debtors: none is an
    enabler; E19, whom D19-D21 (no tie to each other) each paid 200,000, is."""
    from clawback.graph.embedded import LadybugStore
    from clawback.loaders.load import load_directory
    from tests.algorithms import scenarios

    directory = scenarios.build(tmp_path / "in")
    with LadybugStore(tmp_path / "store") as store:
        load_directory(directory, store)
        data = PortfolioData.from_store(store)
    ties = related_parties(data)
    assert set(enablers(data, ties)["party_id"]) == {"E19"}
    # the bank every drawn debtor pays is what the institution rules keep out
    off = CommunityParams(institution_share=1.0, clientele_share=0.0, habit_headroom=0.0)
    assert set(enablers(data, ties, off)["party_id"]) == {"BANK", "E19"}
    assert set(enablers(data, ties, CommunityParams(habit_headroom=0.0))["party_id"]) == {"E19"}
    context = community_context(data, ties).set_index("debtor_id")
    assert len(context) == len(data.cases)
    paid = context[context["enabler_paid"] > 0]
    assert set(paid.index) == {"D19", "D20", "D21"} and (paid["enablers"] == "E19").all()


# -- S12 ---------------------------------------------------------------------------------------
def test_enabler_hits_window_amounts_and_evidence():
    data = _enabler_portfolio(transfers=[
        ("TM1", "D01", "M", 100_000.0, "2023-05-01"),
        ("TM2", "D02", "M", 100_000.0, "2023-05-01"),
        ("TM3", "D03", "M", 100_000.0, "2023-05-01"),
        ("TA0", "D01", "M", 40_000.0, "2022-06-30"),   # the day before the window: out
        ("TA1", "D01", "M", 30_000.0, "2022-07-01"),   # first day of the window: in
        ("TA3", "D01", "M", 20_000.0, "2024-06-30"),   # the anchor: in
        ("TA4", "D01", "M", 90_000.0, "2024-07-01"),   # after the anchor: out
        ("TB1", "D02", "cash", 500_000.0, "2023-05-02"),
    ])
    windows = pd.DataFrame({"case_id": ["K01", "K02", "K03"],
                            "anchor": pd.to_datetime(["2024-06-30"] * 2 + ["2023-01-01"]),
                            "window_start": pd.to_datetime(["2022-07-01"] * 2
                                                           + ["2022-01-01"])})
    hits = enabler_hits(data, related_parties(data), windows)
    assert list(hits.columns) == HIT_COLUMNS
    got = {r.case_id: (r.amount, r.evidence, r.strength) for r in hits.itertuples()}
    assert got == {
        "K01": (150_000.0, "TA1;TA3;TM1", pytest.approx(0.5 + 0.5 * 0.15 / 0.25)),
        "K02": (100_000.0, "TM2", pytest.approx(0.5 + 0.5 * 0.10 / 0.25)),
        # K03's window closed before D03 paid M
    }
    assert set(hits["signal"]) == {"S12"} and set(hits["rule_ids"]) == {"transfer_with_intent"}
    assert not hits["related"].any()
    first = hits.iloc[0]
    assert "name of M" in first["explanation_en"] and "3 debtors" in first["explanation_en"]
    assert "name of M" in first["explanation_zh"] and "3名" in first["explanation_zh"]
    assert "CNY 150,000" in first["explanation_en"]


def test_enabler_hits_immaterial_and_none():
    data = _enabler_portfolio()
    windows = pd.DataFrame({"case_id": ["K01"], "anchor": pd.to_datetime(["2023-04-01"]),
                            "window_start": pd.to_datetime(["2022-04-01"])})
    # only TX1 (CNY 1,000, 0.1 % of the claim) falls in this window
    hits = enabler_hits(data, related_parties(data), windows)
    assert hits.empty and list(hits.columns) == HIT_COLUMNS


# -- community context -------------------------------------------------------------------------
def test_community_context():
    data = merged(
        family("F"), family("G"),
        persons=["M", "LONE"],
        transfers=[("TM1", "FH", "M", 100_000.0, "2023-05-01"),
                   ("TM2", "GH", "M", 100_000.0, "2023-05-02"),
                   ("TM3", "LONE", "M", 100_000.0, "2023-05-03"),
                   ("TM4", "FH", "M", 50_000.0, "2023-05-04")],
        cases=[("K1", "FH", CLAIM), ("K2", "FW", CLAIM), ("K3", "GH", CLAIM),
               ("K4", "LONE", CLAIM), ("K5", "NOT_A_PARTY", CLAIM)])
    ties = related_parties(data)
    ctx = community_context(data, ties)
    assert list(ctx.columns) == CONTEXT_COLUMNS
    assert ctx["case_id"].tolist() == ["K1", "K2", "K3", "K4", "K5"]
    parties = communities(data).set_index("party_id")
    row = ctx.set_index("case_id")
    assert row.loc["K1", "community"] == parties.loc["FH", "community"]
    assert row.loc["K1", "community_size"] == parties.loc["FH", "size"]
    # FH and FW are one family and see each other; whoever else shares a community is counted
    community = parties["community"]
    for case, debtor in [("K1", "FH"), ("K2", "FW"), ("K3", "GH"), ("K4", "LONE")]:
        others = {"FH", "FW", "GH", "LONE"} - {debtor}
        expected = sum(community[o] == community[debtor] for o in others)
        assert row.loc[case, "other_debtors"] == expected
    assert row.loc["K1", "other_debtors"] >= 1
    # FH and FW are spouses: M counts FH, GH and LONE; FH paid it 150,000, FW nothing
    assert row.loc["K1", "enabler_paid"] == 150_000.0 and row.loc["K1", "enablers"] == "M"
    assert row.loc["K2", "enabler_paid"] == 0.0 and row.loc["K2", "enablers"] == ""
    assert row.loc["K4", "enabler_paid"] == 100_000.0
    assert pd.isna(row.loc["K5", "community"]) and row.loc["K5", "other_debtors"] == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=20),
       st.lists(st.tuples(st.integers(0, 11), st.sampled_from(["P1", "P2"])), max_size=6))
def test_debtor_families_are_the_connected_components(pairs, outside):
    """Related debtors count once: each debtor maps to the smallest id of its connected
    component among the debtors (ties to non-debtors join nobody), as networkx finds it."""
    from clawback.algorithms.communities import _families

    debtors = np.array([f"D{i:02d}" for i in range(12)], dtype=object)
    rows = [(debtors[a], debtors[b]) for a, b in pairs] + [(debtors[a], p) for a, p in outside]
    ties = pd.DataFrame(rows, columns=["debtor_id", "party_id"], dtype=object)
    graph = nx.Graph()
    graph.add_nodes_from(debtors)
    graph.add_edges_from((debtors[a], debtors[b]) for a, b in pairs)
    expect = {d: min(c) for c in nx.connected_components(graph) for d in c}
    got = _families(debtors, ties)
    assert got.to_dict() == expect
