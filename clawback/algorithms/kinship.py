"""From recorded ties to legal categories: who counts as related to each debtor, and why.

For every debtor, :func:`related_parties` lists the parties the law treats as related, each with
its category, the path that makes it so (for the explanation), a strength and dates:

- ``spouse``: a current spouse (a ``spouse`` tie without an end date).
- ``former_spouse``: a ``former_spouse`` tie, or a ``spouse`` tie that ended (the divorce date
  is kept). Shenzhen counts former spouses as interested parties (UNCONFIRMED); in US law they
  are not insiders per se.
- ``close``: the other close relatives of Civil Code Art. 1045 — parents, children, siblings,
  grandparents, grandchildren — recorded or derived (a parent's parent is a grandparent).
- ``insider``: other relatives by blood or marriage within the third degree (11 U.S.C.
  § 101(45)): a spouse's parent is a parent-in-law, a parent's sibling an aunt or uncle.
- ``household``: a cohabitant; ``associate``: a recorded associate (weaker).
- ``affiliate``: a company the debtor or a relative above controls (> 50 % of the shares,
  beneficial owner) or represents, directs, supervises or manages (Company Law Art. 265), and
  companies those companies control.
- ``hidden_tie``: a party sharing a phone, address, e-mail or device with the debtor, with no
  recorded tie — weaker than a recorded one, and shown as what it is.

Degrees count generations (parent 1, sibling 2, grandparent 2, uncle 3); affinity adds none
(a spouse's parent is degree 1 by affinity). A path crosses at most one marriage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clawback.algorithms.arrays import unique_ints
from clawback.algorithms.data import PortfolioData

__all__ = ["CATEGORY_ORDER", "STRENGTH", "related_parties"]

# Blood degree of one step, and whether the step is by marriage (affinity).
_STEP = {
    "parent": (1, False), "child": (1, False), "sibling": (2, False),
    "grandparent": (2, False), "grandchild": (2, False), "other_relative": (3, False),
    "spouse": (0, True), "parent_in_law": (1, True), "child_in_law": (1, True),
    "sibling_in_law": (2, True),
}
_NON_KIN = {"former_spouse": "former_spouse", "cohabitant": "household",
            "associate": "associate"}
_CLOSE = {"parent", "child", "sibling", "grandparent", "grandchild"}
_DOWN = {"child", "grandchild", "child_in_law"}
_UP = {"parent", "grandparent", "parent_in_law"}
"""Going down a generation and then up again reaches oneself or a co-parent, not a relative."""

CATEGORY_ORDER = ["spouse", "former_spouse", "close", "insider", "household", "affiliate",
                  "associate", "hidden_tie"]
"""Strongest first: a party related in two ways is reported under the stronger one."""

STRENGTH = {"spouse": 1.0, "former_spouse": 0.9, "close": 1.0, "insider": 0.85,
            "household": 0.8, "affiliate": 0.9, "associate": 0.5, "hidden_tie": 0.7}
"""How much a transfer to the party weighs against a transfer to a spouse (engineering
choice, one table; the signals multiply by it)."""

_CONTROL_ROLES = {"legal_representative", "director", "supervisor", "manager",
                  "beneficial_owner"}
_MAX_SHARED = 6
"""An identifier shared by more parties than this (a company's registered address, a call
centre's phone) ties nobody to anybody."""


_B = 16
"""Base of the integer path codes: a path of relations r1>r2>r3 is r1·B² + r2·B + r3 with each
relation's position in the sorted names (from 1), so that codes sort as the path strings do
(relation names are lower-case words, and '>' sorts before any letter or '_')."""
_REL_NAMES = sorted(_STEP)


def _join(left: np.ndarray, ptr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inner equi-join of integer keys: positions (into ``left``, into the right side) of
    every matching pair. The right side is sorted, and ``ptr[k]:ptr[k + 1]`` are its rows with
    key ``k`` (CSR offsets: a lookup per key instead of a binary search)."""
    lo = ptr[left]
    count = ptr[left + 1] - lo
    li = np.repeat(np.arange(len(left)), count)
    start = np.repeat(lo - np.cumsum(count) + count, count)
    ri = start + np.arange(len(li))
    return li, ri


def _arrow(values: pd.Series) -> pa.Array:
    """A string column as an Arrow array (zero-copy for pandas' Arrow-backed strings)."""
    if isinstance(values.dtype, (pd.StringDtype, pd.ArrowDtype)):
        arr = pa.array(values.array)
    else:
        arr = pa.array(values.to_numpy(dtype=object), pa.string(), from_pandas=True)
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    return arr if pa.types.is_string(arr.type) else arr.cast(pa.string())


def _codes(values: pd.Series, ids: pa.Array) -> np.ndarray:
    """Position of each value in ``ids`` (-1: absent or null), by an Arrow hash join."""
    return pc.fill_null(pc.index_in(_arrow(values), value_set=ids), -1).to_numpy()


def _first_per_pair(debtor: np.ndarray, party: np.ndarray, degree: np.ndarray,
                    affinity: np.ndarray, path: np.ndarray, width: int) -> np.ndarray:
    """Positions of the first row per (debtor, party) in (degree, affinity, path) order, in
    (debtor, party) order."""
    rank = (degree.astype(np.int64) * 2 + affinity) * _B**3 + path
    key = (debtor.astype(np.int64) * width + party) * (8 * _B**3) + rank
    order = np.argsort(key, kind="stable")
    pair = (debtor.astype(np.int64) * width + party)[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    return order[first]


def _kin_paths(debtors: pd.Series, relations: pd.DataFrame) -> pd.DataFrame:
    """Every relative within three steps and the third degree: debtor, party, degree,
    affinity, path (relation names joined by '>'). Breadth-first over integer codes; of the
    paths to one party the shortest in degree, then affinity, then name is kept."""
    rel = relations[["from", "to", "relation", "end_date"]]
    rel = rel[rel["relation"].isin(_STEP.keys())]
    # a spouse tie that ended is a former spouse: no path goes through it
    rel = rel[~((rel["relation"] == "spouse") & rel["end_date"].notna())]
    columns = ["debtor_id", "party", "degree", "affinity", "path"]
    every = pa.chunked_array([_arrow(rel["from"]), _arrow(rel["to"]), _arrow(debtors)])
    ids = pc.unique(every.drop_null())
    ids = ids.take(pc.sort_indices(ids))
    width = len(ids) + 1
    s_from = _codes(rel["from"], ids)
    s_to = _codes(rel["to"], ids)
    s_rel = pd.Index(_REL_NAMES).get_indexer(pd.Index(rel["relation"])) + 1
    ok = (s_from >= 0) & (s_to >= 0)
    s_from, s_to, s_rel = s_from[ok], s_to[ok], s_rel[ok]
    by_from = np.argsort(s_from, kind="stable")
    s_from, s_to, s_rel = s_from[by_from], s_to[by_from], s_rel[by_from]
    ptr = np.zeros(width + 1, dtype=np.int64)
    np.cumsum(np.bincount(s_from, minlength=width), out=ptr[1:])
    w_of = np.array([0] + [_STEP[r][0] for r in _REL_NAMES], dtype=np.int64)
    aff_of = np.array([0] + [int(_STEP[r][1]) for r in _REL_NAMES], dtype=np.int64)
    up_of = np.array([False] + [r in _UP for r in _REL_NAMES])
    down_of = np.array([False] + [r in _DOWN for r in _REL_NAMES])

    start = _codes(debtors, ids)
    debtor = start.astype(np.int64)
    party = debtor.copy()
    degree = np.zeros(len(debtor), dtype=np.int64)
    affinity = np.zeros(len(debtor), dtype=np.int64)
    path = np.zeros(len(debtor), dtype=np.int64)
    went_down = np.zeros(len(debtor), dtype=bool)
    found: list[tuple[np.ndarray, ...]] = []
    for step in range(3):
        li, ri = _join(party, ptr)
        if not len(li):
            break
        r = s_rel[ri]
        n_debtor, n_party = debtor[li], s_to[ri].astype(np.int64)
        n_degree, n_aff = degree[li] + w_of[r], affinity[li] + aff_of[r]
        n_path = path[li] + r * _B ** (2 - step)
        n_down = went_down[li] | down_of[r]
        keep = ((n_degree <= 3) & (n_aff <= 1) & (n_party != n_debtor)
                & ~(n_down & up_of[r]))
        arrays = (n_debtor[keep], n_party[keep], n_degree[keep], n_aff[keep], n_path[keep],
                  n_down[keep])
        first = _first_per_pair(*arrays[:5], width)
        debtor, party, degree, affinity, path, went_down = (a[first] for a in arrays)
        found.append((debtor, party, degree, affinity, path))
    if not found:
        return pd.DataFrame(columns=columns)
    debtor, party, degree, affinity, path = (np.concatenate(parts)
                                             for parts in zip(*found, strict=True))
    first = _first_per_pair(debtor, party, degree, affinity, path, width)
    debtor, party, degree, affinity, path = (a[first] for a in
                                             (debtor, party, degree, affinity, path))
    codes, paths = np.unique(path, return_inverse=True)
    names = np.array([_path_name(int(c)) for c in codes], dtype=object)
    names_of = ids.to_numpy(zero_copy_only=False)
    return pd.DataFrame({"debtor_id": names_of[debtor], "party": names_of[party],
                         "degree": degree, "affinity": affinity,
                         "path": names[paths.reshape(-1)]})


def _path_name(code: int) -> str:
    """The relation names of an integer path code, joined by '>'."""
    parts = []
    for power in (2, 1, 0):
        digit = code // _B**power % _B
        if digit:
            parts.append(_REL_NAMES[digit - 1])
    return ">".join(parts)


def _kin_category(path: str, degree: int, affinity: int) -> str:
    if path == "spouse":
        return "spouse"
    if affinity == 0 and degree <= 2 and all(p in _CLOSE for p in path.split(">")):
        return "close"
    return "insider"


def related_parties(data: PortfolioData, debtors: pd.Series | None = None) -> pd.DataFrame:
    """One row per (debtor, related party): ``debtor_id, party_id, category, path, degree,
    strength, since, until`` (``since``/``until``: the tie's dates where recorded, e.g. the
    divorce date of a former spouse in ``until``)."""
    if debtors is None:
        debtors = data.cases["debtor_id"]
    debtors = pd.Series(pd.unique(debtors.dropna()), dtype=object)
    rel = data.relations
    parts = []

    kin = _kin_paths(debtors, rel)
    if len(kin):
        # a path fixes its degree and affinity: one category per distinct path
        paths = kin.drop_duplicates("path")
        category = {p: _kin_category(p, d, a) for p, d, a in
                    zip(paths["path"], paths["degree"], paths["affinity"], strict=True)}
        kin["category"] = kin["path"].map(category)
        found = kin.rename(columns={"party": "party_id"})[
            ["debtor_id", "party_id", "category", "path", "degree"]].copy()
        found["since"] = found["until"] = pd.NaT
        parts.append(found)

    direct = rel[["from", "to", "relation", "start_date", "end_date"]]
    direct = direct[direct["from"].isin(debtors)]
    ended = direct[(direct["relation"] == "former_spouse")
                   | ((direct["relation"] == "spouse") & direct["end_date"].notna())]
    if len(ended):
        parts.append(pd.DataFrame({
            "debtor_id": ended["from"].to_numpy(), "party_id": ended["to"].to_numpy(),
            "category": "former_spouse", "path": "former_spouse", "degree": 0,
            "since": ended["start_date"].to_numpy(), "until": ended["end_date"].to_numpy()}))
    other = direct[direct["relation"].isin(["cohabitant", "associate"])]
    if len(other):
        parts.append(pd.DataFrame({
            "debtor_id": other["from"].to_numpy(), "party_id": other["to"].to_numpy(),
            "category": other["relation"].map(_NON_KIN).to_numpy(),
            "path": other["relation"].to_numpy(), "degree": np.nan,
            "since": other["start_date"].to_numpy(), "until": other["end_date"].to_numpy()}))

    people = pd.concat([pd.DataFrame({"debtor_id": debtors, "party_id": debtors, "path": ""}),
                        *[p[["debtor_id", "party_id", "path"]] for p in parts
                          if len(p) and p["category"].iloc[0] != "associate"]],
                       ignore_index=True)
    parts.append(_affiliates(data, people))
    parts.append(_hidden_ties(data, debtors))

    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["debtor_id", "party_id", "category", "path", "degree",
                                     "strength", "since", "until"])
    ties = pd.concat(parts, ignore_index=True)
    ties = ties[ties["party_id"] != ties["debtor_id"]]
    ties["rank"] = ties["category"].map({c: i for i, c in enumerate(CATEGORY_ORDER)})
    ties = ties.sort_values(["debtor_id", "party_id", "rank", "path"], kind="stable")
    ties = ties.drop_duplicates(["debtor_id", "party_id"], ignore_index=True)
    ties["strength"] = ties["category"].map(STRENGTH).astype(float)
    return ties[["debtor_id", "party_id", "category", "path", "degree", "strength", "since",
                 "until"]].reset_index(drop=True)


def _affiliates(data: PortfolioData, people: pd.DataFrame) -> pd.DataFrame:
    """Companies controlled, represented or directed by the debtor or a relative, and the
    companies those control (one more level)."""
    roles = data.roles
    controls = roles[roles["role"].isin(_CONTROL_ROLES)
                     | ((roles["role"] == "shareholder") & (roles["share"].fillna(0) > 0.5))]
    controls = controls[controls["end_date"].isna()] if "end_date" in controls else controls
    links = controls[["from", "to", "role", "share"]]
    first = people.merge(links, left_on="party_id", right_on="from", how="inner")
    if first.empty:
        return pd.DataFrame(columns=["debtor_id", "party_id", "category", "path", "degree"])
    role_text = first["role"] + np.where(first["share"].notna() & (first["role"] == "shareholder"),
                                         " " + (first["share"] * 100).round(0).astype("Int64")
                                         .astype(str) + "%", "")
    prefix = np.where(first["path"] == "", "self", first["path"])
    level1 = pd.DataFrame({"debtor_id": first["debtor_id"], "party_id": first["to"],
                           "path": prefix + ">" + first["party_id"] + ":" + role_text})
    owned = links[links["role"].isin(["shareholder", "beneficial_owner"])]
    second = level1.merge(owned, left_on="party_id", right_on="from", how="inner")
    level2 = pd.DataFrame({"debtor_id": second["debtor_id"], "party_id": second["to"],
                           "path": second["path"] + ">" + second["role"]})
    out = pd.concat([level1, level2], ignore_index=True)
    out["category"] = "affiliate"
    out["degree"] = np.nan
    out["since"] = out["until"] = pd.NaT
    return out


def _hidden_ties(data: PortfolioData, debtors: pd.Series) -> pd.DataFrame:
    ids = data.identifiers[["from", "to", "kind"]]
    # how many distinct parties share each identifier, on integer codes
    to_code, to_ids = pd.factorize(ids["to"])
    from_code, from_ids = pd.factorize(ids["from"])
    ok = (to_code >= 0) & (from_code >= 0)
    pair = unique_ints(to_code[ok].astype(np.int64) * (len(from_ids) + 1) + from_code[ok])
    sharing = np.bincount(pair // (len(from_ids) + 1), minlength=len(to_ids))
    shared = np.where(to_code >= 0, sharing[np.maximum(to_code, 0)], 0)
    ids = ids[(shared >= 2) & (shared <= _MAX_SHARED)]
    mine = ids[ids["from"].isin(debtors)]
    pairs = mine.merge(ids, on=["to", "kind"], suffixes=("_d", "_p"))
    pairs = pairs[pairs["from_d"] != pairs["from_p"]]
    if pairs.empty:
        return pd.DataFrame(columns=["debtor_id", "party_id", "category", "path", "degree"])
    pairs = pairs.sort_values(["from_d", "from_p", "kind"], kind="stable")
    pairs = pairs.drop_duplicates(["from_d", "from_p"])
    return pd.DataFrame({"debtor_id": pairs["from_d"].to_numpy(),
                         "party_id": pairs["from_p"].to_numpy(), "category": "hidden_tie",
                         "path": "shared " + pairs["kind"].to_numpy(), "degree": np.nan,
                         "since": pd.NaT, "until": pd.NaT})
