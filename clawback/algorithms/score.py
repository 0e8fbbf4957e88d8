"""The suspicion score: signals weighed by one table, a waterfall per case, a triage and a
recoverable estimate, every point traceable to a signal, its evidence rows and its rules.

    with LadybugStore("clawback-data", read_only=True) as store:
        result = score_store(store)
    result.scores        # the contract's scores.csv rows, ranked
    result.explain("CASE000001")
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from clawback import __version__
from clawback.algorithms import rules as legal
from clawback.algorithms.arrays import arrow_on_system_malloc, map_large_allocations
from clawback.algorithms.data import PortfolioData, read_portfolio
from clawback.algorithms.kinship import related_parties
from clawback.algorithms.signals import (
    CHAIN,
    CONTEXT_ENABLER_MAX_TRANSFERS,
    SIGNALS,
    build_context,
    run_signals,
)
from clawback.graph.store import GraphStore

__all__ = ["SCORE_COLUMNS", "ScoreResult", "score_portfolio", "score_store", "weights"]

SCORE_COLUMNS = ["debtor_id", "case_id", "score", "rank", "band", "triage",
                 "recoverable_estimate", "currency", "top_signals"]
"""The columns of scores.csv, in the input contract's order."""


@functools.cache
def weights() -> dict[str, Any]:
    """The weight table (clawback/algorithms/scoring.yaml)."""
    text = resources.files("clawback.algorithms").joinpath("scoring.yaml").read_text("utf-8")
    table = yaml.safe_load(text)
    unknown = set(table["signals"]) ^ set(SIGNALS)
    if unknown:
        raise ValueError(f"scoring.yaml and the signals disagree on {sorted(unknown)}")
    return table


def _windows(cases: pd.DataFrame, cap_years: int) -> pd.DataFrame:
    """Per case: the anchor (or its flagged proxy, with its lag), where the signals start
    looking (the longest look-back window of the case's rule set, at most ``cap_years`` back:
    the civil five-year period of Civil Code Art. 541 would drown the pre-filing picture in
    ordinary life; findings still cite it) and where the preference window for related
    creditors starts. Vectorized per jurisdiction with the rules' calendar arithmetic."""
    parts = []
    for jurisdiction, group in cases.groupby("jurisdiction", sort=True):
        rs = legal.RULES.get(str(jurisdiction))
        if rs is None:
            continue
        actual = group[rs.anchor_field].to_numpy("datetime64[D]")
        proxy = np.isnat(actual)
        anchor = actual.copy()
        if rs.proxy_field is not None:
            anchor = np.where(proxy, group[rs.proxy_field].to_numpy("datetime64[D]"), actual)
        proxy &= ~np.isnat(anchor)
        limited = [r.lookback for r in rs.rules if r.lookback is not None]
        start = np.min([legal.window_starts(anchor, lb) for lb in limited], axis=0)
        cap = legal.window_starts(anchor, legal.Lookback(years=cap_years))
        prefs = [r.lookback for r in legal.rules_for(str(jurisdiction), "preference", True)
                 if r.lookback is not None]
        pref = (np.min([legal.window_starts(anchor, lb) for lb in prefs], axis=0)
                if prefs else anchor)
        # the preference window for any creditor (six months in PRC law, 90 days in § 547)
        anyone = [r.lookback for r in legal.rules_for(str(jurisdiction), "preference", False)
                  if r.lookback is not None]
        pref_any = (np.min([legal.window_starts(anchor, lb) for lb in anyone], axis=0)
                    if anyone else anchor)
        parts.append(pd.DataFrame({
            "case_id": group["case_id"].to_numpy(), "anchor": anchor.astype("datetime64[ms]"),
            "anchor_proxy": proxy, "lag_days": np.where(proxy, rs.proxy_lag_days, 0),
            "window_start": np.maximum(start, cap).astype("datetime64[ms]"),
            "preference_start": pref.astype("datetime64[ms]"),
            "preference_any_start": pref_any.astype("datetime64[ms]"),
        }))
    columns = ["case_id", "anchor", "anchor_proxy", "lag_days", "window_start",
               "preference_start", "preference_any_start"]
    if not parts:
        parts = [pd.DataFrame({
            "case_id": pd.Series(dtype=object), "anchor": pd.Series(dtype="datetime64[ms]"),
            "anchor_proxy": pd.Series(dtype=bool), "lag_days": pd.Series(dtype=np.int64),
            **{c: pd.Series(dtype="datetime64[ms]") for c in (
                "window_start", "preference_start", "preference_any_start")}})]
    out = pd.concat(parts, ignore_index=True)
    return cases[["case_id"]].merge(out, on="case_id", how="left")[columns]


def _date(value: Any) -> Any:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


@dataclass
class ScoreResult:
    """Scores (the contract's columns), the waterfall of contributions, the hits behind them,
    and what produced them."""

    scores: pd.DataFrame
    contributions: pd.DataFrame   # case_id, signal, weight, strength, points
    hits: pd.DataFrame            # signals.HIT_COLUMNS + rule ids resolved
    ties: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)

    def explain(self, case_id: str, lang: str = "en") -> dict[str, Any]:
        """The waterfall of one case: each signal's points, its explanation, evidence and
        rules (with their verification level)."""
        row = self.scores[self.scores["case_id"] == case_id]
        if row.empty:
            raise KeyError(case_id)
        table = weights()["signals"]
        steps = []
        mine = self.contributions[self.contributions["case_id"] == case_id]
        for c in mine.to_dict("records"):
            signal = str(c["signal"])
            hits = self.hits[(self.hits["case_id"] == case_id) & (self.hits["signal"] == signal)]
            steps.append({
                "signal": signal, "name": table[signal]["name"][lang],
                "weight": float(c["weight"]), "strength": round(float(c["strength"]), 4),
                "points": round(float(c["points"]), 2),
                "findings": [{
                    "explanation": h[f"explanation_{lang}"],
                    "amount": round(float(str(h["amount"])), 2),
                    "strength": round(float(str(h["strength"])), 4),
                    "evidence": [e for e in str(h["evidence"]).split(";") if e],
                    "rules": _rules_detail(h["rule_ids"], lang),
                } for h in hits.sort_values("amount", ascending=False).to_dict("records")],
            })
        out: dict[str, Any] = {str(k): _plain(v) for k, v in row.iloc[0].to_dict().items()}
        out["waterfall"] = steps
        out["provenance"] = self.provenance
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _rules_detail(rule_ids: str, lang: str) -> list[dict[str, str]]:
    out = []
    for rid in [r for r in str(rule_ids).split(";") if r]:
        rule = legal.rule_by_id(rid)
        out.append({"id": rid, "citation": rule.citation, "verified": rule.verified,
                    "warning": legal.warning(rule, lang)})
    return out


def _evidence_dates(ids: pd.Series, data: PortfolioData) -> pd.Series:
    """The date of each evidence id (a transfer or a title transfer; NaT if neither). The
    lookup hashes the evidence ids, not the millions of transfers: each transfer id is probed
    against them once."""
    wanted = pd.Index(pd.unique(ids.dropna().to_numpy(dtype=object)))
    found = pd.Series(pd.NaT, index=wanted, dtype="datetime64[ms]")
    value_set = pa.array(wanted.to_numpy(dtype=object), pa.string())
    for frame, key in ((data.transfers, "transfer_id"), (data.titles, "title_transfer_id")):
        # an Arrow hash join: 10M string probes in C++, not through a pandas index
        keys = pa.array(frame[key].astype(str).to_numpy(dtype=object), pa.string()) if (
            not isinstance(frame[key].dtype, (pd.StringDtype, pd.ArrowDtype))) else pa.array(
            frame[key].array)
        position = pc.fill_null(pc.index_in(keys, value_set=value_set), -1).to_numpy()
        hit = position >= 0
        found.iloc[position[hit]] = frame["date"].to_numpy(dtype="datetime64[ms]")[hit]
    return ids.map(found)


def _resolve_rules(hits: pd.DataFrame, windows: pd.DataFrame, cases: pd.DataFrame,
                   data: PortfolioData) -> pd.Series:
    """Turn each hit's act into the ids of the rules of its case's jurisdiction that cover the
    act for its kind of counterparty and whose window holds the earliest evidence date (a proxy
    anchor's window is widened by its lag). Vectorized per (jurisdiction, act, related)."""
    ids = hits["evidence"].astype(str).str.split(";").explode().str.split(CHAIN).explode()
    first = _evidence_dates(ids, data).groupby(level=0).min()
    info = hits[["case_id", "rule_ids", "related"]].join(first.rename("first"))
    info = info.merge(windows[["case_id", "anchor", "lag_days"]], on="case_id", how="left")
    info = info.merge(cases[["case_id", "jurisdiction"]], on="case_id", how="left")
    info.index = hits.index
    out = pd.Series("", index=hits.index, dtype=object)
    for (jurisdiction, act, related), group in info.groupby(
            ["jurisdiction", "rule_ids", "related"], sort=True):
        first_day = group["first"].to_numpy("datetime64[D]")
        anchor = group["anchor"].to_numpy("datetime64[D]")
        for rule in legal.rules_for(str(jurisdiction), str(act), related=bool(related)):
            inside = np.isnat(first_day) | (
                legal.in_windows(first_day, anchor, rule.lookback, group["lag_days"].to_numpy())
                if rule.lookback is not None else True)
            hit = group.index[inside]
            out.loc[hit] = out.loc[hit] + ";" + rule.id
    return out.str.lstrip(";")


def _ids(evidence: str) -> list[str]:
    return [p for e in str(evidence).split(";") for p in e.split(CHAIN) if p]


def score_portfolio(data: PortfolioData, *, seed: int = 7, trace_rule: str = "fifo",
                    ties: pd.DataFrame | None = None) -> ScoreResult:
    """Score every case of the portfolio (deterministic: the same data and seed give the same
    result). ``trace_rule`` names how traced money is told apart from an intermediary's own:
    fifo, libr or pro_rata. ``ties``: the related parties of ``data``, when already found
    (:func:`~clawback.algorithms.kinship.related_parties`)."""
    table = weights()
    windows = _windows(data.cases, int(table["window_cap_years"]))
    if ties is None:
        ties = related_parties(data)
    ctx = build_context(data, ties, windows, {"seed": seed, "trace_rule": trace_rule})
    hits = run_signals(ctx)
    if len(hits):
        hits["rule_ids"] = _resolve_rules(hits, windows, data.cases, data)

    cases = data.cases[["case_id", "debtor_id", "currency", "claim_amount"]]
    sig = table["signals"]
    strength = (hits.groupby(["case_id", "signal"])["strength"].sum().clip(upper=1.0)
                if len(hits) else pd.Series(dtype=float))
    contrib = strength.reset_index(name="strength") if len(strength) else pd.DataFrame(
        columns=["case_id", "signal", "strength"])
    contrib["weight"] = contrib["signal"].map({s: sig[s]["weight"] for s in sig}).astype(float)
    contrib["points"] = contrib["weight"] * contrib["strength"]
    raw = contrib.groupby("case_id")["points"].sum()
    # capped at 100: contributions shrink in proportion so that the waterfall still adds up
    scale = (100.0 / raw).clip(upper=1.0)
    contrib["points"] = contrib["points"] * contrib["case_id"].map(scale).fillna(1.0)
    contrib = contrib.sort_values(["case_id", "points", "signal"], ascending=[True, False, True],
                                  kind="stable").reset_index(drop=True)

    scores = cases.copy()
    scores["score"] = scores["case_id"].map(contrib.groupby("case_id")["points"].sum()).fillna(0.0)
    scores["score"] = scores["score"].round(2)
    scores["band"] = _threshold(scores["score"], table["bands"])
    scores["triage"] = _threshold(scores["score"], table["triage"])
    scores["recoverable_estimate"] = scores["case_id"].map(
        _recoverable(hits, sig)).fillna(0.0).clip(upper=scores["claim_amount"].fillna(np.inf))
    scores["recoverable_estimate"] = scores["recoverable_estimate"].round(2)
    # contributions are in (case, points descending, signal) order: the first three per case
    positive = contrib[contrib["points"] > 0]
    top = positive[positive.groupby("case_id").cumcount() < 3].groupby("case_id")[
        "signal"].agg(";".join)
    scores["top_signals"] = scores["case_id"].map(top).astype(object).fillna("")
    scores = scores.sort_values(["score", "case_id"], ascending=[False, True], kind="stable")
    scores["rank"] = np.arange(1, len(scores) + 1)
    provenance = {
        "software_version": __version__, "seed": seed, "trace_rule": trace_rule,
        "weights_version": table["version"],
        "rules_version": legal.RULES_VERSION, "signals": sorted(SIGNALS),
        "cases": len(scores), "anchors_by_proxy": int(windows["anchor_proxy"].sum()),
        "cases_without_anchor": int(windows["anchor"].isna().sum()),
    }
    return ScoreResult(scores[SCORE_COLUMNS].reset_index(drop=True),
                       contrib[["case_id", "signal", "weight", "strength", "points"]],
                       hits, ties, provenance)


def _threshold(score: pd.Series, bounds: dict[str, float]) -> pd.Series:
    order = sorted(bounds.items(), key=lambda kv: kv[1])
    out = pd.Series(order[0][0], index=score.index, dtype=object)
    for name, lower in order[1:]:
        out[score >= lower] = name
    return out


def _recoverable(hits: pd.DataFrame, table: dict[str, Any]) -> pd.Series:
    """Amounts of revocable acts traced to reachable parties, each evidence row counted once
    (a transfer found by two signals is not recovered twice)."""
    if hits.empty:
        return pd.Series(dtype=float)
    recoverable = {s: bool(table[s]["recoverable"]) for s in table}
    rec = hits[hits["signal"].map(recoverable).astype(bool) & (hits["rule_ids"] != "")]
    totals: dict[str, float] = {}
    seen: dict[str, set[str]] = {}
    rec = rec.sort_values(["case_id", "amount", "signal"], ascending=[True, False, True])
    for case_id, evidence, amount in zip(rec["case_id"].astype(str), rec["evidence"].astype(str),
                                         rec["amount"].astype(float), strict=True):
        ids = set(_ids(evidence))
        used = seen.setdefault(case_id, set())
        if ids and len(ids & used) > len(ids) / 2:
            continue
        used |= ids
        totals[case_id] = totals.get(case_id, 0.0) + amount
    return pd.Series(totals, dtype=float)


def score_store(store: GraphStore, *, seed: int = 7, trace_rule: str = "fifo") -> ScoreResult:
    """Read the portfolio (finding the related parties while the transfers are read), free
    what the store's engine cached while reading it, score."""
    map_large_allocations()     # the peak memory at 10M transfers: see its docstring
    arrow_on_system_malloc()    # the same for Arrow's buffers
    data, ties = read_portfolio(store, related_parties)
    store.release_memory()
    return score_portfolio(_without_unread(data), seed=seed, trace_rule=trace_rule, ties=ties)


def _without_unread(data: PortfolioData) -> PortfolioData:
    """``data`` less what nothing reads once the related parties are known: the recorded ties
    and the shared identifiers feed only the community context, which a portfolio of more than
    :data:`~clawback.algorithms.signals.CONTEXT_ENABLER_MAX_TRANSFERS` never computes (at 10M
    transfers: half a gigabyte less held while the signals run in two processes)."""
    if len(data.transfers) <= CONTEXT_ENABLER_MAX_TRANSFERS:
        return data
    return dataclasses.replace(data, relations=data.relations.iloc[:0],
                               identifiers=data.identifiers.iloc[:0])


def provenance_json(result: ScoreResult) -> str:
    return json.dumps(result.provenance, ensure_ascii=False, sort_keys=True, indent=2)
