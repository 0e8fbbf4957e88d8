"""Kinship → legal categories (clawback.algorithms.kinship): a hand-drawn family with the known
category of each party, and a differential test of the breadth-first kin search (integer path
codes, vectorized joins) against a plain Python search with the same rules, on random families
(hypothesis)."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clawback.algorithms.data import PortfolioData
from clawback.algorithms.kinship import _DOWN, _STEP, _UP, _kin_paths, related_parties

E = pd.DataFrame()


def relations(*rows: tuple) -> pd.DataFrame:
    """rows: (from, to, relation) or (from, to, relation, end_date)."""
    full = [(*r, None)[:4] for r in rows]
    frame = pd.DataFrame(full, columns=["from", "to", "relation", "end_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    frame["start_date"] = pd.NaT
    frame["stated"] = True
    frame["relation_id"] = [f"R{i}" for i in range(len(frame))]
    return frame


def portfolio(rel: pd.DataFrame, debtors: list[str], roles: pd.DataFrame | None = None,
              identifiers: pd.DataFrame | None = None) -> PortfolioData:
    cases = pd.DataFrame({"case_id": [f"K{i}" for i in range(len(debtors))],
                          "debtor_id": debtors})
    roles = roles if roles is not None else pd.DataFrame(
        columns=["from", "to", "role", "share", "end_date"])
    identifiers = identifiers if identifiers is not None else pd.DataFrame(
        columns=["from", "to", "kind"])
    return PortfolioData(persons=E, companies=E, accounts=E, transfers=E, relations=rel,
                         roles=roles, titles=E, properties=E, cases=cases,
                         identifiers=identifiers)


def test_categories_of_a_hand_drawn_family():
    rel = relations(
        ("D", "W", "spouse"), ("D", "EX", "spouse", "2023-05-01"),   # a spouse tie that ended
        ("D", "M", "parent"), ("M", "GM", "parent"),                 # grandparent: close
        ("W", "WF", "parent"),                                       # spouse's parent: in-law
        ("M", "AUNT", "sibling"),                                    # parent's sibling: degree 3
        ("D", "KID", "child"), ("KID", "KID2", "parent"),            # the kid's other parent
        ("D", "PAL", "associate"), ("D", "ROOM", "cohabitant"),
    )
    roles = pd.DataFrame({"from": ["AUNT", "X"], "to": ["CO1", "CO2"],
                          "role": ["shareholder", "shareholder"], "share": [0.6, 0.9],
                          "end_date": [pd.NaT, pd.NaT]})
    ids = pd.DataFrame({"from": ["D", "NEIGHBOUR", "D", "M"], "to": ["tel1", "tel1", "a1", "a1"],
                        "kind": ["phone", "phone", "address", "address"]})
    ties = related_parties(portfolio(rel, ["D"], roles, ids)).set_index("party_id")
    assert ties["category"].to_dict() == {
        "W": "spouse", "EX": "former_spouse", "M": "close", "GM": "close", "KID": "close",
        "WF": "insider", "AUNT": "insider", "PAL": "associate", "ROOM": "household",
        "CO1": "affiliate", "NEIGHBOUR": "hidden_tie"}     # KID2 (a co-parent) is no relative
    assert ties.loc["EX", "until"] == pd.Timestamp("2023-05-01")
    assert ties.loc["WF", "path"] == "spouse>parent"
    assert ties.loc["AUNT", "degree"] == 3
    assert ties.loc["NEIGHBOUR", "path"] == "shared phone"
    assert ties.loc["CO1", "path"].startswith("parent>sibling>AUNT:shareholder 60%")


# -- differential: the vectorized search against a plain one ---------------------------------
def reference(debtors: list[str], rel: pd.DataFrame) -> set[tuple]:
    """Level by level, as documented: of the paths reaching a party at one level only the one
    with the least (degree, affinity, path name) goes on; overall the least is reported."""
    steps: dict[str, list[tuple[str, str]]] = {}
    for f, t, r, end in zip(rel["from"], rel["to"], rel["relation"], rel["end_date"],
                            strict=True):
        if r in _STEP and not (r == "spouse" and pd.notna(end)):
            steps.setdefault(f, []).append((t, r))
    out = set()
    for d in dict.fromkeys(debtors):
        frontier = {d: (0, 0, "", False)}
        best: dict[str, tuple] = {}
        for _ in range(3):
            nxt: dict[str, tuple] = {}
            for party, (deg, aff, path, down) in frontier.items():
                for to, r in steps.get(party, []):
                    w, a = _STEP[r]
                    cand = (deg + w, aff + int(a), f"{path}>{r}" if path else r,
                            down or r in _DOWN)
                    if cand[0] > 3 or cand[1] > 1 or to == d or (cand[3] and r in _UP):
                        continue
                    if to not in nxt or cand[:3] < nxt[to][:3]:
                        nxt[to] = cand
            for party, cand in nxt.items():
                if party not in best or cand[:3] < best[party][:3]:
                    best[party] = cand
            frontier = nxt
        out |= {(d, p, c[0], c[1], c[2]) for p, c in best.items()}
    return out


PEOPLE = [f"P{i}" for i in range(7)]
RELATION = st.sampled_from([*_STEP, "former_spouse", "associate"])


@st.composite
def families(draw):
    n = draw(st.integers(0, 22))
    rows = []
    for _ in range(n):
        a, b = draw(st.sampled_from(PEOPLE)), draw(st.sampled_from(PEOPLE))
        r = draw(RELATION)
        ended = r == "spouse" and draw(st.booleans())
        rows.append((a, b, r, "2022-01-01" if ended else None))
    debtors = draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=4))
    return relations(*rows), debtors


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(families())
def test_kin_search_matches_a_plain_search(family):
    rel, debtors = family
    kin = _kin_paths(pd.Series(pd.unique(pd.Series(debtors))), rel)
    got = set(zip(kin["debtor_id"], kin["party"], kin["degree"], kin["affinity"], kin["path"],
                  strict=True))
    assert got == reference(debtors, rel)
    assert not kin.duplicated(["debtor_id", "party"]).any()


def test_path_names_sort_as_strings():
    # equal degree (1) and affinity (1): the name decides, and '>' sorts before '_'
    rel = relations(("D", "A", "child"), ("A", "X", "spouse"), ("D", "X", "child_in_law"))
    kin = _kin_paths(pd.Series(["D"]), rel).set_index("party")
    assert kin.loc["X", "path"] == "child>spouse"
    # equal degree (2) and affinity (0): "grandparent" < "parent>parent"
    rel = relations(("D", "A", "parent"), ("A", "X", "parent"), ("D", "X", "grandparent"))
    kin = _kin_paths(pd.Series(["D"]), rel).set_index("party")
    assert kin.loc["X", "path"] == "grandparent"
    # a shorter degree wins over the name
    rel = relations(("D", "A", "parent"), ("A", "X", "parent"), ("D", "X", "other_relative"))
    kin = _kin_paths(pd.Series(["D"]), rel).set_index("party")
    assert (kin.loc["X", "path"], kin.loc["X", "degree"]) == ("parent>parent", 2)
