"""Communities of parties, enablers, and the community each debtor's case sits in.

The *party graph* has one vertex per party (person or company, named by its id, sorted) and one
undirected weighted edge per pair of parties that are tied. Each kind of tie adds to the weight:

- **kinship**: any recorded relation between two persons (both directions count once): 1;
- **role**: any role of a person or company in a company (director, shareholder, ...): 1;
- **shared identifier**: 1 for every phone, address, e-mail or device two parties share, when
  at most :attr:`CommunityParams.max_shared` parties share it (a call centre's phone or a
  registered-agent address ties nobody to anybody);
- **money**: everything transferred between the two parties, both directions added, accounts
  collapsed to their holders (own-account moves and cash are not ties), weighted
  ``log1p(total) / log1p(money_unit)`` (``weight_money="log"``): with the default unit of
  1,000,000 a million moved weighs as much as a kinship tie, 10,000 two thirds of one, 100 a
  third. The unit is fixed, not the portfolio's largest flow, so adding data elsewhere never
  re-weighs a family's edges. Currencies are not converted (the log makes the difference
  between CNY and USD amounts a small shift). ``weight_money="unit"`` weighs any money tie 1.

:func:`communities` runs the Leiden algorithm (modularity, seeded) on every connected
component separately, with the component's own modularity: a family's community depends only
on the parties connected to it, never on what else the portfolio holds, and the same seed gives
the same communities in any process, whatever order the store returned rows in. Modularity
does not resolve communities much smaller than the square root of a component's total weight:
where shared payees join a whole portfolio into one component, communities hold hundreds of
parties (a higher ``resolution`` gives smaller ones).

:func:`enablers` finds parties that several unrelated debtors paid: see its docstring for the
rules that keep shops, hospitals and banks out. :func:`enabler_hits` turns payments to them in a
case's look-back window into signal rows (``S12``) for the scorer.

>>> from collections import Counter
>>> import igraph as ig
>>> karate = ig.Graph.Famous("Zachary")
>>> karate.es["weight"] = 1.0
>>> membership = partition(karate, CommunityParams(seed=7))
>>> sorted(Counter(membership).values()), round(karate.modularity(membership), 4)
([5, 6, 11, 12], 0.4198)
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clawback.algorithms.arrays import unique_ints
from clawback.algorithms.data import PortfolioData
from clawback.algorithms.signals import HIT_COLUMNS, _index_in, _isin, _pairs_in

if TYPE_CHECKING:
    import igraph as ig

__all__ = [
    "COMMUNITY_COLUMNS",
    "CONTEXT_COLUMNS",
    "DEFAULT_PARAMS",
    "ENABLER_COLUMNS",
    "CommunityParams",
    "communities",
    "community_context",
    "community_hits",
    "debtor_outflows",
    "enabler_hits",
    "enablers",
    "partition",
    "party_graph",
    "seeded_igraph",
]

COMMUNITY_COLUMNS = ["party_id", "community", "size"]
ENABLER_COLUMNS = ["party_id", "debtors", "amount", "debtor_ids"]
CONTEXT_COLUMNS = ["case_id", "debtor_id", "community", "community_size", "other_debtors",
                   "enabler_paid", "enablers"]


@dataclass(frozen=True)
class CommunityParams:
    """Everything that shapes the communities and the enablers (recorded with the scores)."""

    seed: int = 7
    resolution: float = 1.0
    n_iterations: int = 2
    """Leiden iterations; negative: until an iteration no longer improves the partition (on one
    component of 200,000 parties and 1.5 million edges: 70 s, where 2 iterations take 4 s and
    reach a modularity 0.0004 lower)."""
    min_enabler_debtors: int = 3
    """An enabler is paid by at least this many debtors who are not related to each other."""
    weight_money: str = "log"
    """``"log"``: ``log1p(total) / log1p(money_unit)``; ``"unit"``: 1 per pair that moved money."""
    money_unit: float = 1_000_000.0
    max_shared: int = 6
    """An identifier shared by more parties than this is ignored."""
    min_claim_share: float = 0.02
    """A debtor counts towards an enabler when its excess payments to it (see :func:`enablers`)
    reach this share of its claim (the line below which the signals call an act immaterial)."""
    lookback_months: int = 24
    """Payments that count towards an enabler: those in this many months up to the anchor."""
    baseline_months: int = 12
    """The debtor's habit: its payments to the party in this many months before the look-back."""
    habit_headroom: float = 1.5
    """Continuing the habit at up to this multiple of its monthly rate is no excess."""
    institution_share: float = 0.2
    """A company paid by more than this share of all debtors is an institution ..."""
    institution_min_debtors: int = 10
    """... provided that is at least this many debtors (in a small portfolio a share says
    little)."""
    clientele_share: float = 0.5
    """A company most of whose paying debtors paid it no material excess (fewer than this share
    did) serves the public: a shop, a hospital, a bank."""

    def __post_init__(self) -> None:
        if self.weight_money not in ("log", "unit"):
            raise ValueError(f"weight_money must be 'log' or 'unit', not {self.weight_money!r}")
        if self.money_unit <= 0:
            raise ValueError(f"money_unit must be positive, not {self.money_unit!r}")
        if self.resolution < 0:
            raise ValueError(f"resolution must not be negative, not {self.resolution!r}")
        if self.max_shared < 2:
            raise ValueError(f"max_shared must be at least 2, not {self.max_shared!r}")
        if self.lookback_months < 1 or self.baseline_months < 1:
            raise ValueError("lookback_months and baseline_months must be at least 1, not "
                             f"{self.lookback_months!r} and {self.baseline_months!r}")
        if self.min_enabler_debtors < 1:
            raise ValueError("min_enabler_debtors must be at least 1, "
                             f"not {self.min_enabler_debtors!r}")


DEFAULT_PARAMS = CommunityParams()

_RNG_LOCK = threading.Lock()


def _igraph() -> ModuleType:
    """python-igraph, imported when a graph is first built: its import pulls in matplotlib
    (0.6 s), which the enablers (S12) and a score without communities do not need."""
    import igraph

    return igraph


@contextmanager
def seeded_igraph(seed: int) -> Iterator[random.Random]:
    """igraph draws its random numbers from ``random.Random(seed)`` inside the block.

    python-igraph has no getter for its generator; its default is the :mod:`random` module
    (set when igraph is imported), and that is what the block restores on leaving, also on
    error. A lock keeps two blocks in this process from sharing a generator.
    """
    ig = _igraph()
    with _RNG_LOCK:
        rng = random.Random(seed)
        ig.set_random_number_generator(rng)
        try:
            yield rng
        finally:
            ig.set_random_number_generator(random)


# -- the party graph ---------------------------------------------------------------------------
def _parties(data: PortfolioData) -> pd.Index:
    ids = pd.concat([data.persons["person_id"], data.companies["company_id"]], ignore_index=True)
    return pd.Index(np.unique(ids.dropna().astype(str).to_numpy(dtype=object)), dtype=object)


def _codes(parties: pd.Index, ids: pd.Series) -> np.ndarray:
    """Each id's position among the parties; -1 where it is missing or not a party (an Arrow
    hash lookup: turning 10^5 Arrow strings into Python objects cost more than the graph)."""
    if isinstance(ids.dtype, (pd.StringDtype, pd.ArrowDtype)):
        values = pa.array(ids.array)
    else:
        values = pa.array([None if pd.isna(v) else str(v) for v in ids.to_numpy(dtype=object)],
                          pa.string())
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    pool = pa.array(parties.to_numpy(dtype=object), pa.string())
    found = pc.index_in(values, value_set=pool).fill_null(-1)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)


def _pair_keys(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``lo * n + hi`` for each unordered pair of two parties (no self-loops, no outsiders),
    and which rows it kept."""
    keep = (a >= 0) & (b >= 0) & (a != b)
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    return lo * n + hi, keep


def _unit_layer(parties: pd.Index, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    n = len(parties)
    keys, _ = _pair_keys(_codes(parties, frame["from"]), _codes(parties, frame["to"]), n)
    keys = unique_ints(keys)
    return keys, np.ones(len(keys))


def _shared_layer(parties: pd.Index, identifiers: pd.DataFrame,
                  max_shared: int) -> tuple[np.ndarray, np.ndarray]:
    ids = pd.DataFrame({"party": _codes(parties, identifiers["from"]),
                        "id": identifiers["to"].astype(str).to_numpy(dtype=object)})
    ids = ids[ids["party"] >= 0].drop_duplicates()
    sharing = ids.groupby("id")["party"].transform("size")
    ids = ids[(sharing >= 2) & (sharing <= max_shared)]
    both = ids.merge(ids, on="id", suffixes=("_a", "_b"))
    both = both[both["party_a"] < both["party_b"]]
    keys = both["party_a"].to_numpy(dtype=np.int64) * len(parties) + both["party_b"].to_numpy(
        dtype=np.int64)
    keys, counts = np.unique(keys, return_counts=True)  # one per identifier shared
    return keys, counts.astype(float)


def _money_layer(parties: pd.Index, transfers: pd.DataFrame,
                 params: CommunityParams) -> tuple[np.ndarray, np.ndarray]:
    t = transfers[transfers["amount"] > 0]
    keys, keep = _pair_keys(_codes(parties, t["src_holder"]), _codes(parties, t["dst_holder"]),
                            len(parties))
    # whole cents: integers add exactly (below 2**53), so the totals do not depend on the order
    # of the rows
    cents = np.rint(t["amount"].to_numpy(dtype=float)[keep] * 100)
    keys, where = np.unique(keys, return_inverse=True)
    total = np.bincount(where.ravel(), weights=cents, minlength=len(keys)) / 100.0
    if params.weight_money == "log":
        return keys, np.log1p(total) / np.log1p(params.money_unit)
    return keys, np.ones(len(keys))


def party_graph(data: PortfolioData, params: CommunityParams = DEFAULT_PARAMS) -> ig.Graph:
    """The undirected weighted party graph (see the module docstring for the weights).

    Vertices are the persons and companies sorted by id (attribute ``name``); edges are sorted
    by their ends' indices and carry ``weight``, the sum of every tie between the two parties.
    Ties to ids that are neither a person nor a company are left out.
    """
    ig = _igraph()
    parties = _parties(data)
    n = len(parties)
    layers = [
        _unit_layer(parties, data.relations),
        _unit_layer(parties, data.roles),
        _shared_layer(parties, data.identifiers, params.max_shared),
        _money_layer(parties, data.transfers, params),
    ]
    keys = np.concatenate([k for k, _ in layers]).astype(np.int64)
    weights = np.concatenate([w for _, w in layers]).astype(float)
    # each layer holds a pair once and the stable sort keeps the layers in their fixed order,
    # so every sum adds the same numbers in the same order whatever order the rows came in
    order = np.argsort(keys, kind="stable")
    keys, weights = keys[order], weights[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(
        0, dtype=np.int64)
    summed = np.add.reduceat(weights, starts) if len(keys) else weights
    unique = keys[starts]
    graph = ig.Graph(n=n, edges=np.column_stack([unique // n, unique % n]).tolist()
                     if len(unique) else [])
    graph.vs["name"] = parties.tolist()
    graph.es["weight"] = summed.tolist()
    return graph


# -- communities -------------------------------------------------------------------------------
def _leiden(n: int, edges: np.ndarray, weights: np.ndarray, params: CommunityParams) -> np.ndarray:
    ig = _igraph()
    graph = ig.Graph(n=n, edges=edges.tolist())
    ig.set_random_number_generator(random.Random(params.seed))
    clustering = graph.community_leiden(
        objective_function="modularity", weights=weights.tolist(), resolution=params.resolution,
        n_iterations=params.n_iterations)
    return np.asarray(clustering.membership, dtype=np.int64)


def _first_seen(membership: np.ndarray) -> np.ndarray:
    """Renumber communities 0, 1, ... in the order of their first vertex."""
    _, first, inverse = np.unique(membership, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.ravel()]


def partition(graph: ig.Graph, params: CommunityParams = DEFAULT_PARAMS) -> np.ndarray:
    """Seeded Leiden (modularity, edge attribute ``weight``, 1 where absent) on each connected
    component.

    Returns the community of each vertex, numbered in the order of each community's first
    vertex (with vertices sorted by party id: by its smallest party id). A component of one
    vertex is its own community, and so is an edge alone while ``resolution < 2`` (where
    keeping the pair together has the higher modularity). Every other component is run as a
    graph of its own, its vertices and edges in the order they have in ``graph``, with a
    generator seeded afresh: what one component gets never depends on another.
    """
    n = graph.vcount()
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    comp = np.asarray(graph.connected_components().membership, dtype=np.int64)
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    weights = (np.asarray(graph.es["weight"], dtype=float)
               if "weight" in graph.es.attributes() else np.ones(len(edges)))
    order = np.argsort(comp, kind="stable")          # vertices by component, in graph order
    sizes = np.bincount(comp)
    first = np.r_[0, np.cumsum(sizes)[:-1]]
    local = np.empty(n, dtype=np.int64)
    local[order] = np.arange(n) - first[comp[order]]
    edge_comp = comp[edges[:, 0]]
    edge_order = np.argsort(edge_comp, kind="stable")  # edges by component, in graph order
    edge_first = np.searchsorted(edge_comp[edge_order], np.arange(len(sizes) + 1))
    membership = np.empty(n, dtype=np.int64)
    label = 0
    with seeded_igraph(params.seed):
        for c, size in enumerate(sizes.tolist()):
            vertices = order[first[c]:first[c] + size]
            if size == 1 or (size == 2 and params.resolution < 2):
                membership[vertices] = label
                label += 1
                continue
            mine = edge_order[edge_first[c]:edge_first[c + 1]]
            found = _leiden(size, local[edges[mine]], weights[mine], params)
            membership[vertices] = found + label
            label += int(found.max()) + 1
    return _first_seen(membership)


def communities(data: PortfolioData, params: CommunityParams = DEFAULT_PARAMS) -> pd.DataFrame:
    """Every party's community: ``party_id, community, size``, sorted by party id.

    Communities are numbered by their smallest party id (0 holds the smallest id of all), so
    the numbers do not depend on the order the algorithm met them in; adding parties may
    renumber communities without changing who is with whom.
    """
    graph = party_graph(data, params)
    membership = partition(graph, params)
    sizes = np.bincount(membership) if len(membership) else np.zeros(0, dtype=np.int64)
    return pd.DataFrame({"party_id": pd.Series(graph.vs["name"], dtype=object),
                         "community": membership, "size": sizes[membership]})


# -- enablers ----------------------------------------------------------------------------------
def _debtors(data: PortfolioData) -> np.ndarray:
    return np.unique(data.cases["debtor_id"].dropna().astype(str).to_numpy(dtype=object))


def _outflows(data: PortfolioData, debtors: np.ndarray) -> pd.DataFrame:
    """Debtors' payments to other parties (own accounts and cash left out), in the store's
    order (sums do not need more; evidence is ordered where it is joined)."""
    t = data.transfers
    keep = (_isin(t["src_holder"], debtors) & t["dst_holder"].notna().to_numpy(bool)
            & (t["amount"] > 0).to_numpy(bool))
    cols = ["transfer_id", "src_holder", "dst_holder", "amount", "date", "dst", "channel"]
    t = t.loc[keep, cols]
    cash = (t["dst"].str.startswith("cash:").fillna(False).to_numpy(bool)
            | (t["channel"] == "cash_withdrawal").fillna(False).to_numpy(bool))
    t = t[(t["dst_holder"] != t["src_holder"]).fillna(True).to_numpy(bool) & ~cash]
    return t.drop(columns=["dst", "channel"]).reset_index(drop=True)


def _tied(frame: pd.DataFrame, ties: pd.DataFrame, debtor: str, party: str) -> np.ndarray:
    """Whether each row's party is a related party of its debtor."""
    return _pairs_in([frame[debtor], frame[party]], [ties["debtor_id"], ties["party_id"]])


def _families(debtors: np.ndarray, ties: pd.DataFrame) -> pd.Series:
    """Debtor -> the smallest debtor id among the debtors related to it, directly or through
    other debtors: related debtors count once."""
    if len(debtors) == 0:
        return pd.Series(dtype=object)
    index = pd.Index(debtors)
    t = ties[_isin(ties["debtor_id"], debtors) & _isin(ties["party_id"], debtors)]
    # union-find over the ties between debtors (a few per family), each root its smallest id
    root = np.arange(len(debtors))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = int(root[i])
        return i

    for a, b in zip(index.get_indexer(t["debtor_id"]).tolist(),
                    index.get_indexer(t["party_id"]).tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            root[max(ra, rb)] = min(ra, rb)
    comp = np.array([find(i) for i in range(len(debtors))], dtype=np.int64)
    first = pd.Series(debtors).groupby(comp).transform("min").to_numpy(dtype=object)
    return pd.Series(first, index=index)


def _anchors(data: PortfolioData) -> pd.Series:
    """Debtor -> the latest date its cases were accepted (filed, where not yet accepted)."""
    cases = data.cases
    day = pd.to_datetime(cases["acceptance_date"]).fillna(pd.to_datetime(cases["filing_date"]))
    return day.groupby(cases["debtor_id"].astype(str)).max()


def _excess(data: PortfolioData, out: pd.DataFrame, debtors: np.ndarray,
            params: CommunityParams, inflows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per (debtor, payee): ``paid`` (ever), ``excess`` (paid in the look-back beyond the
    continued habit, less what the payee ever paid the debtor) and whether it is material."""
    # per debtor first, then to the rows by an Arrow hash lookup (a map of 10M strings is slow)
    anchors = _anchors(data)
    starts = anchors - pd.DateOffset(months=params.lookback_months)
    befores = starts - pd.DateOffset(months=params.baseline_months)
    pos = _index_in([out["src_holder"]], [anchors.index.to_series()])

    def at(per_debtor: pd.Series) -> pd.Series:
        values = per_debtor.to_numpy("datetime64[ns]")[pos]
        values[pos < 0] = np.datetime64("NaT")
        return pd.Series(values, index=out.index)
    anchor, start, before = at(anchors), at(starts), at(befores)
    unanchored = anchor.isna()
    window = unanchored | ((out["date"] > start) & (out["date"] <= anchor))
    baseline = ~unanchored & (out["date"] > before) & (out["date"] <= start)
    frame = out.assign(window=out["amount"].where(window, 0.0),
                       baseline=out["amount"].where(baseline, 0.0))
    keys = ["src_holder", "dst_holder"]
    pairs = frame.groupby(keys, sort=True)[["amount", "window", "baseline"]].sum().reset_index()
    if inflows is None:
        t = data.transfers
        inflows = t.loc[_isin(t["dst_holder"], debtors) & (t["amount"] > 0).to_numpy(bool),
                        ["dst_holder", "src_holder", "amount"]]
    # only what the payees paid back matters
    inflows = inflows[_isin(inflows["src_holder"], pairs["dst_holder"].unique())]
    back = inflows.groupby(["dst_holder", "src_holder"])["amount"].sum()
    returned = back.reindex(pd.MultiIndex.from_arrays(
        [pairs["src_holder"], pairs["dst_holder"]])).fillna(0.0).to_numpy()
    habit = (params.habit_headroom * pairs["baseline"] / params.baseline_months
             * params.lookback_months)
    pairs["excess"] = (pairs["window"] - habit - returned).clip(lower=0.0)
    claims = data.cases.groupby("debtor_id")["claim_amount"].max()
    claim = pairs["src_holder"].map(claims).astype(float).fillna(0.0).clip(lower=1.0)
    pairs["material"] = (pairs["excess"] > 0) & (
        pairs["excess"] >= params.min_claim_share * claim)
    return pairs.rename(columns={"amount": "paid"})


def enablers(data: PortfolioData, ties: pd.DataFrame,
             params: CommunityParams = DEFAULT_PARAMS, *,
             outflows: pd.DataFrame | None = None,
             inflows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Parties that debtors with no tie to each other, or to the party, paid material money
    before their cases.

    ``ties`` is :func:`clawback.algorithms.kinship.related_parties`. A debtor counts towards a
    party X when X is not one of its related parties and the debtor's *excess* payments to X
    reach ``min_claim_share`` of its largest claim. The excess is what the debtor paid X (own
    accounts and cash left out) in the ``lookback_months`` up to its case's anchor (acceptance,
    else filing; the latest of its cases; all its payments where it has none), less
    ``habit_headroom`` times its monthly rate to X in the ``baseline_months`` before that (a
    mortgage or a rent continues a habit: it hides nothing), less whatever X ever paid the
    debtor (a lender being repaid is a creditor). Debtors related to each other (one is in the
    other's ties, or through a chain of such debtors) count once. X is an enabler when at least
    ``min_enabler_debtors`` such debtors count, unless X is a company that looks like an
    institution everybody pays:

    - paid anything by more than ``institution_share`` of all debtors, and by at least
      ``institution_min_debtors`` of them (utilities, national banks); or
    - of the debtors that paid it anything, fewer than ``clientele_share`` paid it a material
      excess (a shop, a hospital, a bank branch: most customers pay small or steady bills, or
      borrow as much as they repay).

    Persons are never institutions. Returns ``party_id, debtors`` (the unrelated debtors
    counted: related ones once), ``amount`` (their excess payments), ``debtor_ids`` (every
    debtor counted, ``;``-joined and sorted), sorted by party id. ``outflows`` takes the
    debtors' payments when already computed (:func:`debtor_outflows`), ``inflows`` the
    payments to them (``dst_holder, src_holder, amount``, positive amounts).
    """
    debtors = _debtors(data)
    out = _outflows(data, debtors) if outflows is None else outflows
    if out.empty:
        return pd.DataFrame(columns=ENABLER_COLUMNS)
    pairs = _excess(data, out, debtors, params, inflows)

    companies = set(data.companies["company_id"].astype(str))
    stats = pairs.groupby("dst_holder").agg(payers=("src_holder", "size"),
                                            material=("material", "sum"))
    is_company = _isin(stats.index.to_series(), companies)
    broad = ((stats["payers"] > params.institution_share * len(debtors))
             & (stats["payers"] >= params.institution_min_debtors))
    public = stats["material"] < params.clientele_share * stats["payers"]
    institutions = set(stats.index[is_company & (broad | public).to_numpy()])

    counted = pairs[pairs["material"] & ~_tied(pairs, ties, "src_holder", "dst_holder")
                    & ~_isin(pairs["dst_holder"], institutions)].copy()
    if counted.empty:
        return pd.DataFrame(columns=ENABLER_COLUMNS)
    counted["family"] = counted["src_holder"].map(_families(debtors, ties))
    found = counted.groupby("dst_holder", sort=True).agg(
        debtors=("family", "nunique"), amount=("excess", "sum"),
        debtor_ids=("src_holder", lambda s: ";".join(sorted(s))))
    found = found[found["debtors"] >= params.min_enabler_debtors].reset_index()
    found = found.rename(columns={"dst_holder": "party_id"})
    found["debtors"] = found["debtors"].astype(int)
    return found[ENABLER_COLUMNS].reset_index(drop=True)


def debtor_outflows(data: PortfolioData) -> pd.DataFrame:
    """The debtors' payments to other parties (own accounts and cash left out):
    ``transfer_id, src_holder, dst_holder, amount, date``, for :func:`enablers` and
    :func:`enabler_hits` to share."""
    return _outflows(data, _debtors(data))


def _to_enablers(data: PortfolioData, ties: pd.DataFrame, found: pd.DataFrame,
                 out: pd.DataFrame | None = None) -> pd.DataFrame:
    """Debtors' payments to enablers they have no tie to."""
    out = _outflows(data, _debtors(data)) if out is None else out
    out = out[_isin(out["dst_holder"], found["party_id"])]
    return out[~_tied(out, ties, "src_holder", "dst_holder")]


# -- per case ----------------------------------------------------------------------------------
def community_context(data: PortfolioData, ties: pd.DataFrame,
                      params: CommunityParams = DEFAULT_PARAMS, *,
                      parties: pd.DataFrame | None = None,
                      found: pd.DataFrame | None = None,
                      outflows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per case: the debtor's ``community`` and ``community_size``, ``other_debtors`` (how many
    other debtors share the community), ``enabler_paid`` (everything the debtor ever paid to
    enablers it has no tie to) and ``enablers`` (their ids, ``;``-joined, sorted). Sorted by
    case id. ``parties`` and ``found`` take :func:`communities` and :func:`enablers` when
    already computed. A debtor that is not a party has no community (``<NA>``).
    """
    parties = communities(data, params) if parties is None else parties
    found = enablers(data, ties, params, outflows=outflows) if found is None else found
    cases = data.cases[["case_id", "debtor_id"]].sort_values("case_id", ignore_index=True)
    debtors = _debtors(data)
    where = parties.set_index("party_id")
    community = cases["debtor_id"].map(where["community"])
    in_community = parties[_isin(parties["party_id"], debtors)].groupby("community").size()
    pay = _to_enablers(data, ties, found, outflows)
    # in cents: exact whatever order the store gave the rows in
    paid = pay.assign(cents=np.round(pay["amount"].to_numpy(float) * 100.0)).groupby(
        "src_holder")["cents"].sum() / 100.0
    names = pay.groupby("src_holder")["dst_holder"].agg(lambda s: ";".join(sorted(set(s))))
    return pd.DataFrame({
        "case_id": cases["case_id"],
        "debtor_id": cases["debtor_id"],
        "community": community.astype("Int64"),
        "community_size": cases["debtor_id"].map(where["size"]).astype("Int64"),
        "other_debtors": (community.map(in_community).fillna(1) - 1).astype(int),
        "enabler_paid": cases["debtor_id"].map(paid).fillna(0.0).astype(float),
        "enablers": pd.Series([names.get(d, "") for d in cases["debtor_id"]], dtype=object),
    })[CONTEXT_COLUMNS]


def _materiality(amount: pd.Series, claim: pd.Series, full_share: float) -> pd.Series:
    """As in the signals: half for an act the law reaches, the other half growing with its
    share of the claim up to ``full_share``; nothing below 2 % of the claim."""
    share = amount / claim.clip(lower=1.0)
    return (0.5 + 0.5 * (share / full_share).clip(0.0, 1.0)).where(share >= 0.02, 0.0)


def enabler_hits(data: PortfolioData, ties: pd.DataFrame, windows: pd.DataFrame,
                 params: CommunityParams = DEFAULT_PARAMS, *,
                 found: pd.DataFrame | None = None,
                 outflows: pd.DataFrame | None = None) -> pd.DataFrame:
    """S12: money paid in the look-back window to an enabler, a party that several debtors with
    no tie to each other paid.

    ``windows``: ``case_id, anchor, window_start``; payments dated from ``window_start`` to
    ``anchor`` (both included) to an enabler the debtor has no tie to count, one row per case
    and enabler, with the transfer ids as evidence. Strength as the signals' materiality: half
    for the act, growing with the amount up to a quarter of the claim; nothing below 2 %.
    """
    found = enablers(data, ties, params, outflows=outflows) if found is None else found
    if found.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    pay = _to_enablers(data, ties, found, outflows)
    cases = data.cases[["case_id", "debtor_id", "claim_amount", "currency"]].merge(
        windows[["case_id", "anchor", "window_start"]], on="case_id", how="inner")
    m = pay.merge(cases, left_on="src_holder", right_on="debtor_id", how="inner")
    m = m[(m["date"] >= m["window_start"]) & (m["date"] <= m["anchor"])]
    if m.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    g = m.sort_values("transfer_id", kind="stable").groupby(
        ["case_id", "dst_holder"], sort=True).agg(
        amount=("amount", "sum"), n=("amount", "size"), evidence=("transfer_id", ";".join),
        claim=("claim_amount", "first"), currency=("currency", "first")).reset_index()
    g["strength"] = _materiality(g["amount"], g["claim"].astype(float).fillna(0.0), 0.25)
    g = g[g["strength"] > 0]
    if g.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    names = data.names()
    count = found.set_index("party_id")["debtors"]
    en, zh = [], []
    for party, amount, currency, n in zip(g["dst_holder"], g["amount"], g["currency"], g["n"],
                                          strict=True):
        who = names.get(party, party)
        money = f"{currency if isinstance(currency, str) else ''} {amount:,.0f}".strip()
        k = int(count[party])
        en.append(f"{money} went in {n} transfers within the look-back window to {who}, "
                  f"who was paid by {k} debtors with no tie to each other or to {who}")
        zh.append(f"回溯期内向{who}转账{n}笔共{money}；共有{k}名互无关联的债务人向其转账，"
                  f"疑为协助转移财产者")
    return pd.DataFrame({
        "case_id": g["case_id"].to_numpy(), "signal": "S12",
        "strength": g["strength"].to_numpy(dtype=float),
        "amount": g["amount"].to_numpy(dtype=float),
        "explanation_en": en, "explanation_zh": zh,
        "evidence": g["evidence"].to_numpy(), "rule_ids": "transfer_with_intent",
        "related": False,
    })[HIT_COLUMNS].reset_index(drop=True)


CONTEXT_SIGNAL = "S15"
"""The community context: a finding without points (weight 0 in scoring.yaml) that puts a
flagged case in its community, so that the waterfall shows it."""


def _names(names: dict[str, str], ids: list[str], limit: int = 5) -> str:
    shown = [f"{names.get(i, i)} ({i})" for i in ids[:limit]]
    more = len(ids) - len(shown)
    return ", ".join(shown) + (f" +{more}" if more > 0 else "")


def community_hits(data: PortfolioData, ties: pd.DataFrame, hits: pd.DataFrame,
                   params: CommunityParams = DEFAULT_PARAMS, *,
                   parties: pd.DataFrame | None = None,
                   found: pd.DataFrame | None = None,
                   outflows: pd.DataFrame | None = None) -> pd.DataFrame:
    """S15: where a flagged case sits among the others. ``hits`` are the other signals' rows.

    One row per case that paid an enabler (S12) or whose debtor shares its community with
    another flagged debtor (one with a hit): the community's id and size, the other flagged
    debtors in it and the enablers it paid, in both languages. The evidence is the case's
    payments to enablers, or its other findings' evidence when it paid none. A context, not an
    act: the weight table gives it no points.
    """
    if hits.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    flagged = hits[hits["strength"] > 0]
    parties = communities(data, params) if parties is None else parties
    outflows = debtor_outflows(data) if outflows is None else outflows
    found = enablers(data, ties, params, outflows=outflows) if found is None else found
    context = community_context(data, ties, params, parties=parties, found=found,
                                outflows=outflows)
    context = context[context["community"].notna()]
    cases = data.cases.set_index("case_id")["debtor_id"]
    flagged_debtors = context[_isin(context["case_id"], flagged["case_id"])]
    members = flagged_debtors.groupby("community")["debtor_id"].agg(
        lambda s: sorted(set(s)))
    enabler_cases = set(flagged.loc[flagged["signal"] == "S12", "case_id"])
    pay = _to_enablers(data, ties, found, outflows)
    paid_ids = pay.groupby("src_holder")["transfer_id"].agg(lambda s: ";".join(sorted(s)))
    evidence_of = flagged.sort_values(["case_id", "signal"]).groupby("case_id")["evidence"].agg(
        lambda s: ";".join(e for e in s if e))
    # plain dicts: a Series lookup per case costs more than the rest of the loop
    all_names = data.names()
    names = dict(zip(all_names.index.tolist(), all_names.tolist(), strict=True))
    debtor_of = dict(zip(cases.index.tolist(), cases.tolist(), strict=True))
    paid_of = dict(zip(paid_ids.index.tolist(), paid_ids.tolist(), strict=True))
    evidence_by_case = dict(zip(evidence_of.index.tolist(), evidence_of.tolist(), strict=True))
    members_of = dict(zip(members.index.tolist(), members.tolist(), strict=True))
    rows = []
    flagged_cases = set(flagged["case_id"])
    for case_id, debtor_id, community, size, paid, enabler_list in zip(
            context["case_id"], context["debtor_id"], context["community"],
            context["community_size"], context["enabler_paid"], context["enablers"],
            strict=True):
        if case_id not in flagged_cases:
            continue
        others = [d for d in members_of.get(community, []) if d != debtor_id]
        if case_id not in enabler_cases and not others:
            continue
        enabler_ids = [e for e in str(enabler_list).split(";") if e]
        en = (f"community {int(community)} ({int(size)} parties) holds "
              f"{len(others)} other flagged debtor(s)"
              + (f": {_names(names, others)}" if others else ""))
        zh = (f"所在社区{int(community)}（{int(size)}个主体）另有{len(others)}名"
              "被标记的债务人" + (f"：{_names(names, others)}" if others else ""))
        if enabler_ids:
            en += f"; enablers paid: {_names(names, enabler_ids)}"
            zh += f"；曾向疑似协助者付款：{_names(names, enabler_ids)}"
        rows.append({
            "case_id": case_id, "signal": CONTEXT_SIGNAL, "strength": 1.0,
            "amount": float(paid), "explanation_en": en, "explanation_zh": zh,
            "evidence": (paid_of.get(debtor_of.get(case_id), "")
                         or evidence_by_case.get(case_id, "")),
            "rule_ids": "transfer_with_intent", "related": False})
    if not rows:
        return pd.DataFrame(columns=HIT_COLUMNS)
    return pd.DataFrame(rows)[HIT_COLUMNS].sort_values("case_id", ignore_index=True)
