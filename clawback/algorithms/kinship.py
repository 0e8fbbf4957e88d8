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


def _kin_paths(debtors: pd.Series, relations: pd.DataFrame) -> pd.DataFrame:
    """Every relative within three steps and the third degree: debtor, party, degree,
    affinity, path (relation names joined by '>')."""
    rel = relations[relations["relation"].isin(_STEP.keys())]
    # a spouse tie that ended is a former spouse: no path goes through it
    rel = rel[~((rel["relation"] == "spouse") & rel["end_date"].notna())]
    steps = rel[["from", "to", "relation"]].copy()
    steps["w"] = steps["relation"].map(lambda r: _STEP[r][0]).astype(int)
    steps["aff"] = steps["relation"].map(lambda r: _STEP[r][1]).astype(int)
    steps["up"] = steps["relation"].isin(_UP)
    steps["down"] = steps["relation"].isin(_DOWN)
    frontier = pd.DataFrame({"debtor_id": debtors.to_numpy(), "party": debtors.to_numpy(),
                             "degree": 0, "affinity": 0, "path": "", "went_down": False})
    found = []
    for _ in range(3):
        nxt = frontier.merge(steps, left_on="party", right_on="from", how="inner")
        if nxt.empty:
            break
        nxt = pd.DataFrame({
            "debtor_id": nxt["debtor_id"], "party": nxt["to"],
            "degree": nxt["degree"] + nxt["w"], "affinity": nxt["affinity"] + nxt["aff"],
            "path": np.where(nxt["path"] == "", nxt["relation"],
                             nxt["path"] + ">" + nxt["relation"]),
            "went_down": nxt["went_down"] | nxt["down"], "up": nxt["up"],
        })
        nxt = nxt[(nxt["degree"] <= 3) & (nxt["affinity"] <= 1)
                  & (nxt["party"] != nxt["debtor_id"]) & ~(nxt["went_down"] & nxt["up"])]
        nxt = nxt.drop(columns="up")
        nxt = nxt.sort_values(["debtor_id", "party", "degree", "affinity", "path"],
                              kind="stable").drop_duplicates(["debtor_id", "party"])
        found.append(nxt)
        frontier = nxt
    if not found:
        return pd.DataFrame(columns=["debtor_id", "party", "degree", "affinity", "path"])
    kin = pd.concat(found, ignore_index=True).drop(columns="went_down")
    kin = kin.sort_values(["debtor_id", "party", "degree", "affinity", "path"], kind="stable")
    return kin.drop_duplicates(["debtor_id", "party"], ignore_index=True)


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
        kin["category"] = [_kin_category(p, d, a) for p, d, a in
                           zip(kin["path"], kin["degree"], kin["affinity"], strict=True)]
        found = kin.rename(columns={"party": "party_id"})[
            ["debtor_id", "party_id", "category", "path", "degree"]].copy()
        found["since"] = found["until"] = pd.NaT
        parts.append(found)

    direct = rel[rel["from"].isin(debtors)]
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
    sharing = ids.groupby("to")["from"].transform("nunique")
    ids = ids[(sharing >= 2) & (sharing <= _MAX_SHARED)]
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
