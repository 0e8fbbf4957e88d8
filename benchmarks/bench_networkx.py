"""The scoring pipeline's graph stages on networkx, side by side with clawback's, on samples.

    .venv/bin/python benchmarks/bench_networkx.py [--sizes 300 2000] [--write-docs]

For each size, a synthetic portfolio (``generate_portfolio(size, seed=7)``) is loaded into an
embedded store and read once (:class:`PortfolioData`, not timed on either side). Then the same
stages run twice, timed each:

clawback (python-igraph, pandas, numpy)
    related parties (:func:`clawback.algorithms.kinship.related_parties`), fund tracing
    (:func:`clawback.algorithms.tracing.trace`, fifo, as the scoring runs it: on the
    account codes the store read gives, audit from hop 2), communities (the party graph and seeded
    Leiden of :mod:`clawback.algorithms.communities`); and, for context, the whole
    :func:`score_portfolio` (all twelve signals, rules and the score).

networkx, written the obvious way (a faithful implementation, not a strawman)
    *projection*: a ``MultiDiGraph`` of persons, companies, accounts and identifiers with the
    kinship, role, holding, identifier and transfer relationships as typed edges, built row by
    row from the same frames. *Related parties*: per debtor, a breadth-first search over
    kinship edges, three steps at most, keeping per step the best path to each relative (the
    same degree and affinity rules and the same per-step choice as clawback); affiliates: the
    companies the debtor or a relative controls, and those they own; hidden ties: the two-hop
    debtor → identifier → party neighbourhood (identifiers shared by 2–6 parties).
    *Fund tracing*: one pass over the transfer edges sorted by (timestamp, id), each account's
    balance a FIFO queue of lots (traced and clean) in a dict, the windows looked up per payer
    in a dict — the reference simulation of tests/algorithms/test_tracing.py, with the same
    horizon, hop limit and minimum piece. *Communities*: the same weighted party graph built as
    an ``nx.Graph`` edge by edge, then ``nx.community.louvain_communities(seed=7)``.

Checked where comparable: the (debtor, party) pairs of the related parties must be the same
set; the amounts traced to each (case, party) must agree within 1e-6; the two partitions'
modularity (networkx's ``modularity`` on the same graph) is printed. The speed ratio of the
stages is printed and, with ``--write-docs``, written to docs/benchmarks.md.

networkx does not compute the twelve signals or the score itself here (they are table work, not
graph work, and would be the same pandas code on either side): the comparison is of the graph
stages, with clawback's full scoring time given beside them.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

import igraph  # noqa: F401  (imported up front: clawback loads it lazily, and an import is not work)
import networkx as nx
import numpy as np
import pandas as pd
from docs_section import write_section  # benchmarks/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clawback.algorithms import communities as comm  # noqa: E402
from clawback.algorithms.data import PortfolioData  # noqa: E402
from clawback.algorithms.kinship import (  # noqa: E402
    _CONTROL_ROLES,
    _DOWN,
    _MAX_SHARED,
    _STEP,
    _UP,
    related_parties,
)
from clawback.algorithms.score import _windows, score_portfolio, weights  # noqa: E402
from clawback.algorithms.tracing import CHAIN, TraceParams, trace  # noqa: E402

PARAMS = TraceParams(rule="fifo")


# -- inputs shared by both sides --------------------------------------------------------------
def portfolio(size: int, workdir: Path) -> PortfolioData:
    """Generate, load and read a portfolio of ``size`` debtor cases."""
    from clawback.demo.generator import generate_portfolio
    from clawback.graph.embedded import LadybugStore
    from clawback.loaders.load import load_directory

    inputs = workdir / "input"
    generate_portfolio(inputs, size=size, seed=7)
    with LadybugStore(str(workdir / "store")) as store:
        load_directory(inputs, store)
    with LadybugStore(str(workdir / "store"), read_only=True) as store:
        return PortfolioData.from_store(store)


def trace_inputs(data: PortfolioData, ties: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sources and sinks as the layering signal builds them: every account of the debtor in
    the case's window; every account of a related party."""
    windows = _windows(data.cases, int(weights()["window_cap_years"]))
    cases = data.cases.merge(windows, on="case_id")
    cases = cases[cases["anchor"].notna()]
    end = cases["anchor"] + pd.to_timedelta(cases["lag_days"], unit="D")
    cases = cases.assign(end=end)
    accounts = data.accounts[["account_id", "holder_id"]].assign(
        account_code=np.arange(len(data.accounts)))
    src = cases.merge(accounts, left_on="debtor_id", right_on="holder_id")
    sources = pd.DataFrame({
        "case_id": src["case_id"], "account_id": src["account_id"],
        "account_code": src["account_code"], "start": src["window_start"],
        "end": src["end"] + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)})
    snk = ties.merge(accounts, left_on="party_id", right_on="holder_id").merge(
        cases[["case_id", "debtor_id"]], on="debtor_id")
    sinks = snk[["case_id", "account_id", "account_code", "party_id", "category"]].rename(
        columns={"category": "kind"})
    return sources, sinks


# -- networkx: projection ---------------------------------------------------------------------
def nx_project(data: PortfolioData) -> nx.MultiDiGraph:
    """The property graph as a networkx multigraph, row by row."""
    g = nx.MultiDiGraph()
    for r in data.persons.itertuples(index=False):
        g.add_node(r.person_id, label="Person")
    for r in data.companies.itertuples(index=False):
        g.add_node(r.company_id, label="Company")
    for r in data.accounts.itertuples(index=False):
        g.add_node(r.account_id, label="Account")
        if isinstance(r.holder_id, str):
            g.add_edge(r.holder_id, r.account_id, type="HOLDS")
    rel = data.relations
    for a, b, relation, end in zip(rel["from"], rel["to"], rel["relation"], rel["end_date"],
                                   strict=True):
        g.add_edge(a, b, type="RELATED_TO", relation=relation, ended=not pd.isna(end))
    roles = data.roles
    for a, b, role, share, end in zip(roles["from"], roles["to"], roles["role"],
                                      roles["share"], roles["end_date"], strict=True):
        g.add_edge(a, b, type="ROLE_IN", role=role, share=share, ended=not pd.isna(end))
    ids = data.identifiers
    for a, ident, kind in zip(ids["from"], ids["to"], ids["kind"], strict=True):
        g.add_node(("id", ident), label="Identifier")
        g.add_edge(a, ("id", ident), type="HAS_IDENTIFIER", kind=kind)
    t = data.transfers
    ts = t["timestamp"].to_numpy(dtype="datetime64[ns]").view("int64")
    for tid, a, b, amount, when in zip(t["transfer_id"], t["src"], t["dst"], t["amount"], ts,
                                       strict=True):
        g.add_edge(a, b, key=tid, type="TRANSFERRED_TO", amount=float(amount), ts=int(when))
    return g


# -- networkx: related parties -----------------------------------------------------------------
def nx_related(g: nx.MultiDiGraph, debtors: list[str]) -> set[tuple[str, str]]:
    """(debtor, party) pairs: kin within the third degree, former spouses, cohabitants and
    associates, affiliates and hidden ties (the categories of kinship.related_parties)."""
    pairs: set[tuple[str, str]] = set()
    for debtor in debtors:
        if debtor not in g:
            continue
        people = {debtor}
        # kin: breadth-first, three steps, the best (degree, affinity, path) per party per step
        frontier = {debtor: (0, 0, "", False)}
        for _ in range(3):
            best: dict[str, tuple[int, int, str, bool]] = {}
            for party, (deg, aff, path, down) in frontier.items():
                for _, other, e in g.out_edges(party, data=True):
                    if e["type"] != "RELATED_TO" or e["relation"] not in _STEP:
                        continue
                    if e["relation"] == "spouse" and e["ended"]:
                        continue
                    w, by_marriage = _STEP[e["relation"]]
                    d2, a2 = deg + w, aff + int(by_marriage)
                    if d2 > 3 or a2 > 1 or other == debtor:
                        continue
                    if down and e["relation"] in _UP:
                        continue
                    p2 = e["relation"] if not path else f"{path}>{e['relation']}"
                    cand = (d2, a2, p2, down or e["relation"] in _DOWN)
                    if other not in best or cand[:3] < best[other][:3]:
                        best[other] = cand
            frontier = best
            for party in best:
                pairs.add((debtor, party))
                people.add(party)
        for _, other, e in g.out_edges(debtor, data=True):
            if e["type"] == "RELATED_TO" and (
                    e["relation"] in ("former_spouse", "cohabitant")
                    or (e["relation"] == "spouse" and e["ended"])):
                pairs.add((debtor, other))
                people.add(other)
            elif e["type"] == "RELATED_TO" and e["relation"] == "associate":
                pairs.add((debtor, other))
        # affiliates: controlled companies, and the companies those own
        for person in people:
            for _, company, e in g.out_edges(person, data=True):
                if e["type"] != "ROLE_IN" or e["ended"] or not _controls(e):
                    continue
                pairs.add((debtor, company))
                for _, sub, e2 in g.out_edges(company, data=True):
                    if (e2["type"] == "ROLE_IN" and not e2["ended"] and _controls(e2)
                            and e2["role"] in ("shareholder", "beneficial_owner")):
                        pairs.add((debtor, sub))
        # hidden ties: debtor -> identifier -> party
        for _, ident, e in g.out_edges(debtor, data=True):
            if e["type"] != "HAS_IDENTIFIER":
                continue
            holders = {p for p, _, k in g.in_edges(ident, keys=True)}
            if not 2 <= len(holders) <= _MAX_SHARED:
                continue
            for p, _, e2 in g.in_edges(ident, data=True):
                if e2["kind"] == e["kind"] and p != debtor:
                    pairs.add((debtor, p))
    return {(d, p) for d, p in pairs if d != p}


def _controls(e: dict[str, Any]) -> bool:
    share = e["share"]
    return e["role"] in _CONTROL_ROLES or (
        e["role"] == "shareholder" and not pd.isna(share) and share > 0.5)


# -- networkx: fund tracing (fifo) -------------------------------------------------------------
def nx_trace(g: nx.MultiDiGraph, sources: pd.DataFrame, sinks: pd.DataFrame,
             params: TraceParams) -> dict[tuple[str, str], float]:
    """Amount traced to each (case, party): one pass over the transfer edges in time order,
    each account a FIFO queue of lots ``[amount, case or None, hop, chain, arrival]``."""
    horizon = params.horizon_days * 86_400 * 10**9
    windows: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    own: dict[str, set[str]] = defaultdict(set)
    for c, a, s, e in zip(sources["case_id"], sources["account_id"],
                          sources["start"].to_numpy("datetime64[ns]").view("int64"),
                          sources["end"].to_numpy("datetime64[ns]").view("int64"), strict=True):
        windows[a].append((c, int(s), int(e)))
        own[c].add(a)
    parties: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c, a, p in zip(sinks["case_id"], sinks["account_id"], sinks["party_id"], strict=True):
        parties[(c, a)].add(p)
    sink = {k: "+".join(sorted(v)) for k, v in parties.items()}
    edges = sorted((d["ts"], k, u, v, d["amount"]) for u, v, k, d in
                   g.edges(keys=True, data=True) if d["type"] == "TRANSFERRED_TO" and u != v)
    queues: dict[str, deque[list[Any]]] = defaultdict(deque)
    got: dict[tuple[str, str], float] = defaultdict(float)
    for when, tid, payer, payee, amount in edges:
        lots = queues[payer]
        parts, rest = [], amount
        while rest > 0 and lots:
            lot = lots[0]
            if lot[1] is not None and when - lot[4] > horizon:
                lot[1] = None                                     # expired
            take = min(lot[0], rest)
            if lot[1] is not None:
                parts.append((lot[1], lot[2], lot[3], take))
            lot[0] -= take
            rest -= take
            if lot[0] <= 1e-12 * max(1.0, amount):
                lots.popleft()
        if lots and lots[0][1] is not None and lots[0][0] < params.min_amount:
            lots[0][1] = None                                     # dropped
        clean = amount - sum(p[3] for p in parts)
        cases = sorted({c for c, s, e in windows.get(payer, ()) if s <= when <= e
                        and payee not in own[c]})
        pieces = [(c, 1, tid, clean / len(cases)) for c in cases] if clean > 0 else []
        pieces += [(c, hop + 1, chain + CHAIN + tid, x) for c, hop, chain, x in parts]
        live = []
        for c, hop, chain, x in pieces:
            if x < params.min_amount or x <= 0:
                continue
            party = sink.get((c, payee))
            if party is None and (payee.startswith("cash:") or payee in own[c]):
                party = payee
            if party is not None:
                got[(c, party)] += x
            elif hop < params.max_hops:
                live.append([x, c, hop, chain, when])
        untraced = amount - sum(lot[0] for lot in live)
        if untraced > 0:
            queues[payee].append([untraced, None, 0, "", when])
        queues[payee].extend(live)
    return dict(got)


# -- networkx: communities ---------------------------------------------------------------------
def nx_party_graph(data: PortfolioData) -> nx.Graph:
    """The weighted party graph of clawback.algorithms.communities, edge by edge."""
    params = comm.CommunityParams()
    g = nx.Graph()
    parties = set(data.persons["person_id"]) | set(data.companies["company_id"])
    g.add_nodes_from(sorted(parties))

    def add(a: Any, b: Any, w: float) -> None:
        if a in parties and b in parties and a != b:
            prev = g.get_edge_data(a, b, {"weight": 0.0})["weight"]
            g.add_edge(a, b, weight=prev + w)

    for frame in (data.relations, data.roles):
        for a, b in {(min(x, y), max(x, y)) for x, y in zip(frame["from"], frame["to"],
                                                           strict=True)}:
            add(a, b, 1.0)
    holders: dict[str, set[str]] = defaultdict(set)
    for a, ident in zip(data.identifiers["from"], data.identifiers["to"], strict=True):
        if a in parties:
            holders[ident].add(a)
    for group in holders.values():
        if 2 <= len(group) <= params.max_shared:
            members = sorted(group)
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    add(a, b, 1.0)
    money: dict[tuple[str, str], float] = defaultdict(float)
    t = data.transfers
    for a, b, amount in zip(t["src_holder"], t["dst_holder"], t["amount"], strict=True):
        if amount > 0 and a in parties and b in parties and a != b:
            money[(min(a, b), max(a, b))] += amount
    for (a, b), total in money.items():
        add(a, b, float(np.log1p(total) / np.log1p(params.money_unit)))
    return g


# -- the run -----------------------------------------------------------------------------------
def timed(fn: Any, *args: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def run(size: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="clawback-nx-") as tmp:
        data = portfolio(size, Path(tmp))
    debtors = sorted(set(data.cases["debtor_id"].dropna()))
    # clawback
    ties, c_ties = timed(related_parties, data)
    sources, sinks = trace_inputs(data, ties)
    # as the scoring runs it: the store's account codes, the audit from hop 2 (the networkx
    # side computes the attributed amounts, which the two are checked on)
    traced, c_trace = timed(lambda: trace(data.transfers, sources, sinks, PARAMS,
                                          account_ids=data.account_ids, audit_from_hop=2))
    graph, c_graph = timed(comm.party_graph, data)
    membership, c_leiden = timed(comm.partition, graph)
    _, c_score = timed(score_portfolio, data)
    # networkx
    g, n_project = timed(nx_project, data)
    pairs, n_ties = timed(nx_related, g, debtors)
    got, n_trace = timed(nx_trace, g, sources, sinks, PARAMS)
    party, n_graph = timed(nx_party_graph, data)
    parts, n_louvain = timed(lambda: nx.community.louvain_communities(party, seed=7))
    # checks
    ours = set(zip(ties["debtor_id"], ties["party_id"], strict=True))
    a = traced.attributed
    mine = {(c, p): v for c, p, v in zip(a["case_id"], a["party_id"], a["amount"], strict=True)}
    keys = set(mine) | set(got)
    worst = max((abs(mine.get(k, 0.0) - got.get(k, 0.0)) for k in keys), default=0.0)
    names = graph.vs["name"]
    ours_parts = pd.Series(names).groupby(membership).apply(set).tolist()
    q_leiden = nx.community.modularity(party, ours_parts)
    q_louvain = nx.community.modularity(party, parts)
    clawback_s = c_ties + c_trace + c_graph + c_leiden
    networkx_s = n_project + n_ties + n_trace + n_graph + n_louvain
    return {
        "size": size, "transfers": len(data.transfers), "debtors": len(debtors),
        "clawback": {"ties": c_ties, "trace": c_trace, "communities": c_graph + c_leiden,
                     "stages": clawback_s, "score_portfolio": c_score},
        "networkx": {"projection": n_project, "ties": n_ties, "trace": n_trace,
                     "communities": n_graph + n_louvain, "stages": networkx_s},
        "ratio": networkx_s / clawback_s,
        "ties_equal": pairs == ours, "ties": len(ours), "ties_only_nx": len(pairs - ours),
        "ties_only_clawback": len(ours - pairs),
        "traced_pairs": len(keys), "traced_max_abs_diff": worst,
        "modularity_leiden": q_leiden, "modularity_louvain": q_louvain,
    }


def report(results: list[dict[str, Any]]) -> str:
    rows = []
    for r in results:
        c, n = r["clawback"], r["networkx"]
        rows.append(
            f"| {r['size']:,} cases, {r['transfers']:,} transfers | related parties | "
            f"{c['ties']:.2f} s | {n['ties'] + n['projection']:.2f} s | "
            f"{(n['ties'] + n['projection']) / c['ties']:.1f}× |")
        rows.append(f"| | fund tracing (fifo) | {c['trace']:.2f} s | {n['trace']:.2f} s | "
                    f"{n['trace'] / c['trace']:.1f}× |")
        rows.append(f"| | communities | {c['communities']:.2f} s | {n['communities']:.2f} s | "
                    f"{n['communities'] / c['communities']:.1f}× |")
        rows.append(f"| | **graph stages** | **{c['stages']:.2f} s** | **{n['stages']:.2f} s** "
                    f"| **{r['ratio']:.1f}×** |")
    checks = []
    for r in results:
        checks.append(
            f"| {r['size']:,} | {'same' if r['ties_equal'] else 'DIFFERENT'} ({r['ties']:,} "
            f"pairs; {r['ties_only_nx']} only networkx, {r['ties_only_clawback']} only "
            f"clawback) | {r['traced_pairs']:,} (case, party) amounts, max difference "
            f"{r['traced_max_abs_diff']:.2g} | Leiden {r['modularity_leiden']:.4f} vs Louvain "
            f"{r['modularity_louvain']:.4f} | {r['clawback']['score_portfolio']:.2f} s |")
    return "\n".join([
        "## Scoring pipeline: clawback vs networkx, side by side",
        "",
        f"Command: `python benchmarks/bench_networkx.py --sizes "
        f"{' '.join(str(r['size']) for r in results)}` on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, networkx "
        f"{nx.__version__} ({time.strftime('%Y-%m-%d')}). What each side does is documented "
        "in the script; networkx's projection time counts with its related parties.",
        "",
        "| sample | stage | clawback | networkx | ratio |",
        "|---|---|---:|---:|---:|",
        *rows,
        "",
        "| cases | related parties | traced amounts | modularity (same graph) | clawback full "
        "scoring |",
        "|---:|---|---|---|---:|",
        *checks,
        "",
        "Goal (issue 4): ≥ 10× faster than networkx on the graph stages.",
    ])


def warm_up() -> None:
    """Trace a three-transfer portfolio once before timing: numba loads the tracer's compiled
    code (cached beside the module) at its first call in a process, like an import (about a
    third of a second), which the first size measured would otherwise carry."""
    day = pd.Timestamp("2024-01-01")
    t = pd.DataFrame({"transfer_id": ["t1", "t2", "t3"], "src": ["D", "Y", "X"],
                      "dst": ["X", "X", "S"], "amount": [100.0, 50.0, 80.0],
                      "timestamp": [day + pd.Timedelta(days=i) for i in range(3)]})
    trace(t, pd.DataFrame({"case_id": ["K"], "account_id": ["D"], "start": [day],
                           "end": [day + pd.Timedelta(days=9)]}),
          pd.DataFrame({"case_id": ["K"], "account_id": ["S"], "party_id": ["P"],
                        "kind": ["spouse"]}), PARAMS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 2000])
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    warm_up()
    results = []
    for size in args.sizes:
        r = run(size)
        results.append(r)
        print(r, flush=True)
    text = report(results)
    print(text)
    if args.write_docs:
        write_section("networkx", text)


if __name__ == "__main__":
    main()
