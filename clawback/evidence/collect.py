"""Everything a bundle shows about one case, gathered once: the score and its waterfall (from
the results kept beside the store), the rules each finding falls under with their windows, the
cited records fetched from the store by id, and the subgraph that connects them.

Only the case's own records are read from the store (by id, through
:mod:`clawback.evidence.queries`); the portfolio is not loaded when the scores are cached.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from clawback.algorithms import rules as legal
from clawback.algorithms.score import ScoreResult, weights
from clawback.algorithms.signals import CHAIN
from clawback.errors import ClawbackError
from clawback.evidence.queries import QueryRun, run_query
from clawback.graph.schema import SCHEMA
from clawback.graph.store import GraphStore

__all__ = ["CaseEvidence", "RuleWindow", "Subgraph", "collect_case", "split_evidence"]

SCORE_FIELDS = ("debtor_id", "case_id", "score", "rank", "band", "triage",
                "recoverable_estimate", "currency", "top_signals")


def split_evidence(evidence: str) -> list[str]:
    """The record ids in a finding's evidence (';' between rows, '→' between hops).

    >>> split_evidence("T1→T2;PR03@2024-02-01:D03>G03#")
    ['T1', 'T2', 'PR03@2024-02-01:D03>G03#']
    """
    return [p for e in str(evidence).split(";") for p in e.split(CHAIN) if p]


@dataclass(frozen=True)
class RuleWindow:
    """A rule as applied to this case: its window from the case's anchor (actual or proxy),
    its threshold and its verification level."""

    rule: legal.Rule
    anchor: legal.Anchor | None
    window_start: dt.date | None
    window_end: dt.date | None

    def threshold(self, lang: str) -> str:
        """The rule's price test in words, or its look-back period when it has none."""
        test = self.rule.price_test
        if test is None:
            return "—"
        if lang == "zh":
            text = f"低于市值{test.sale_below:.0%}出售 / 高于市值{test.purchase_above:.0%}购入"
            if test.related_tolerance is not None and not test.binding_between_related:
                text += f"；关联方之间偏离超过{test.related_tolerance:.0%}"
            return text
        text = (f"sale below {test.sale_below:.0%} / purchase above "
                f"{test.purchase_above:.0%} of market value")
        if test.related_tolerance is not None and not test.binding_between_related:
            text += f"; between related parties any deviation beyond {test.related_tolerance:.0%}"
        return text

    def to_json(self) -> dict[str, Any]:
        """The plain-data form written to reproducibility.json."""
        r = self.rule
        return {
            "id": r.id, "jurisdiction": r.jurisdiction, "citation": r.citation,
            "verified": r.verified, "acts": sorted(r.acts), "counterparty": r.counterparty,
            "lookback": str(r.lookback) if r.lookback else None,
            "price_test": None if r.price_test is None else {
                "sale_below": r.price_test.sale_below,
                "purchase_above": r.price_test.purchase_above,
                "binding_between_related": r.price_test.binding_between_related,
                "related_tolerance": r.price_test.related_tolerance},
            "requires": list(r.requires), "unconfirmed": list(r.unconfirmed),
            "anchor": None if self.anchor is None else {
                "date": self.anchor.date.isoformat(), "field": self.anchor.field,
                "proxy": self.anchor.proxy, "lag_days": self.anchor.lag_days},
            "window_start": self.window_start.isoformat() if self.window_start else None,
            "window_end": self.window_end.isoformat() if self.window_end else None,
        }


@dataclass
class Subgraph:
    """The case's subgraph: nodes keyed ``Label:key`` and directed edges with their own key."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, Any]] = field(default_factory=list)

    def add_node(self, label: str, key: str, **attrs: Any) -> str:
        """Add (or complete) a node; returns its id."""
        node_id = f"{label}:{key}"
        node = self.nodes.setdefault(node_id, {"label": label, "key": key})
        node.update({k: v for k, v in attrs.items() if v is not None})
        return node_id

    def add_edge(self, source: str, target: str, rel_type: str, key: str, **attrs: Any) -> None:
        """Add a directed edge between two nodes already added."""
        if source not in self.nodes or target not in self.nodes:
            return
        edge = {"source": source, "target": target, "type": rel_type, "key": key}
        edge.update({k: v for k, v in attrs.items() if v is not None})
        self.edges.append(edge)

    def sorted(self) -> Subgraph:
        """The same graph with nodes and edges in a fixed order."""
        edges = sorted(self.edges, key=lambda e: (e["type"], e["key"], e["source"], e["target"]))
        return Subgraph({k: self.nodes[k] for k in sorted(self.nodes)}, edges)


@dataclass
class CaseEvidence:
    """One case, ready to be written: score, waterfall, findings, rules, records, subgraph."""

    case_id: str
    case: dict[str, Any]
    score: dict[str, Any]
    explain: dict[str, dict[str, Any]]          # lang -> ScoreResult.explain without provenance
    findings: list[dict[str, Any]]
    contributions: list[dict[str, Any]]
    rules: dict[str, RuleWindow]
    anchor: legal.Anchor | None
    records: dict[str, list[dict[str, Any]]]    # table name -> rows (query order)
    subgraph: Subgraph
    runs: list[QueryRun]
    parameters: dict[str, Any]
    batches: list[dict[str, Any]]

    def name_of(self, party_id: str | None) -> str:
        """A party's name (person or company), or its id when the bundle does not hold it."""
        if not party_id:
            return ""
        for table, key in (("persons", "person_id"), ("companies", "company_id")):
            for row in self.records[table]:
                if row[key] == party_id:
                    return str(row.get("name") or party_id)
        return str(party_id)

    def holder_of(self, account_id: str | None) -> str | None:
        """The holder id of a cited account."""
        for row in self.records["accounts"]:
            if row["account_id"] == account_id:
                return str(row["holder_id"])
        return None


def _rows(runs: list[QueryRun], store: GraphStore, name: str, **params: Any
          ) -> list[dict[str, Any]]:
    run = run_query(store, name, params)
    runs.append(run)
    return run.rows


def _sorted_ids(ids: Iterable[Any]) -> list[str]:
    return sorted({str(i) for i in ids if i is not None and str(i) != ""})


def _titles(acquired: list[dict[str, Any]], conveyed: list[dict[str, Any]]
            ) -> list[dict[str, Any]]:
    """One row per title transfer: the acquiring edge, completed by the conveying one."""
    by_id: dict[str, dict[str, Any]] = {}
    for row in acquired:
        by_id[row["title_transfer_id"]] = {
            "title_transfer_id": row["title_transfer_id"], "property_id": row["property_id"],
            "from_party": row["from_party"], "to_party": row["party_id"], "date": row["date"],
            "price": row["price"], "market_value": row["market_value"], "share": row["share"],
            "registration_ref": row["registration_ref"], "src_file": row["src_file"],
            "src_row": row["src_row"], "load_batch": row["load_batch"]}
    for row in conveyed:
        title = by_id.get(row["title_transfer_id"])
        if title is not None and not title["from_party"]:
            title["from_party"] = row["party_id"]
    return [by_id[k] for k in sorted(by_id)]


def _rule_windows(case: dict[str, Any], rule_ids: Iterable[str]
                  ) -> tuple[legal.Anchor | None, dict[str, RuleWindow]]:
    jurisdiction = str(case.get("jurisdiction") or "CN")
    anchor = (legal.anchor_for(jurisdiction, case.get("acceptance_date"), case.get("filing_date"))
              if jurisdiction in legal.RULES else None)
    out: dict[str, RuleWindow] = {}
    for rid in sorted(set(rule_ids)):
        rule = legal.rule_by_id(rid)
        start = end = None
        if anchor is not None:
            end = anchor.date + dt.timedelta(days=anchor.lag_days)
            if rule.lookback is not None:
                start = legal.window_start(anchor.date, rule.lookback)
        out[rid] = RuleWindow(rule, anchor, start, end)
    return anchor, out


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    return value


def collect_case(store: GraphStore, result: ScoreResult, case_id: str) -> CaseEvidence:
    """Gather one case's evidence from ``store`` and its scores ``result``.

    Raises ClawbackError naming the case when the store or the scores do not hold it.
    """
    runs: list[QueryRun] = []
    found = _rows(runs, store, "case", case_id=case_id)
    if not found:
        raise ClawbackError(f"no case {case_id!r} in the store")
    case = found[0]
    rows = result.scores[result.scores["case_id"] == case_id]
    if rows.empty:
        raise ClawbackError(f"case {case_id!r} has no score (run 'clawback score' again)")
    score = {k: _plain(rows.iloc[0][k]) for k in SCORE_FIELDS}
    explain = {}
    for lang in ("en", "zh"):
        detail = result.explain(case_id, lang)
        detail.pop("provenance", None)
        explain[lang] = detail
    hits = result.hits[result.hits["case_id"] == case_id]
    hits = hits.sort_values(["signal", "amount", "evidence"], ascending=[True, False, True],
                            kind="stable")
    findings: list[dict[str, Any]] = [{
        "signal": str(h["signal"]), "strength": round(float(h["strength"]), 4),
        "amount": round(float(h["amount"]), 2), "explanation_en": str(h["explanation_en"]),
        "explanation_zh": str(h["explanation_zh"]), "evidence": str(h["evidence"]),
        "rule_ids": str(h["rule_ids"]), "related": bool(h["related"]),
    } for h in hits.to_dict("records")]
    contributions = [{
        "signal": str(c["signal"]), "weight": float(c["weight"]),
        "strength": round(float(c["strength"]), 4), "points": round(float(c["points"]), 2),
    } for c in result.contributions[result.contributions["case_id"] == case_id]
        .to_dict("records")]
    anchor, rules = _rule_windows(
        case, [r for f in findings for r in f["rule_ids"].split(";") if r])

    ids = _sorted_ids(i for f in findings for i in split_evidence(f["evidence"]))
    transfers = _rows(runs, store, "transfers", ids=ids)
    titles = _titles(
        _rows(runs, store, "titles_acquired_person", ids=ids)
        + _rows(runs, store, "titles_acquired_company", ids=ids),
        _rows(runs, store, "titles_conveyed_person", ids=ids)
        + _rows(runs, store, "titles_conveyed_company", ids=ids))
    accounts = _rows(runs, store, "accounts", ids=_sorted_ids(
        [t["from_account"] for t in transfers] + [t["to_account"] for t in transfers]))
    party_ids = _sorted_ids([case["debtor_id"]] + [a["holder_id"] for a in accounts]
                            + [t["from_party"] for t in titles] + [t["to_party"] for t in titles])
    persons = _rows(runs, store, "persons", ids=party_ids)
    companies = _rows(runs, store, "companies", ids=party_ids)
    properties = _rows(runs, store, "properties",
                       ids=_sorted_ids(t["property_id"] for t in titles))
    relations = _rows(runs, store, "relations", ids=party_ids)
    roles = (_rows(runs, store, "roles_person", ids=party_ids)
             + _rows(runs, store, "roles_company", ids=party_ids))
    batches = [{"batch_id": b["batch_id"], "software_version": b["software_version"],
                "files": json.loads(b["files"] or "{}")}
               for b in _rows(runs, store, "load_batches")]
    _mask_sensitive(persons, "persons")
    _mask_sensitive(companies, "companies")
    records = {"cases": [case], "transfers": transfers, "title_transfers": titles,
               "accounts": accounts, "persons": persons, "companies": companies,
               "properties": properties, "relations": relations,
               "company_roles": sorted(roles, key=lambda r: str(r["role_id"]))}
    evidence = CaseEvidence(
        case_id=case_id, case=case, score=score, explain=explain, findings=findings,
        contributions=contributions, rules=rules, anchor=anchor, records=records,
        subgraph=Subgraph(), runs=runs,
        parameters={"seed": int(result.provenance.get("seed", 7)),
                    "trace_rule": str(result.provenance.get("trace_rule", "fifo"))},
        batches=batches)
    evidence.subgraph = _subgraph(evidence)
    return evidence


def _mask_sensitive(rows: list[dict[str, Any]], table: str) -> None:
    """Sensitive columns (schema: ``sensitive``) keep their last four characters only."""
    columns = [c.name for c in SCHEMA.inputs[table].columns.values() if c.sensitive]
    for row in rows:
        for column in columns:
            value = row.get(column)
            if value:
                text = str(value)
                row[column] = "*" * max(len(text) - 4, 0) + text[-4:]


def _subgraph(ev: CaseEvidence) -> Subgraph:
    g = Subgraph()
    debtor = str(ev.case["debtor_id"])
    case_node = g.add_node("Proceeding", ev.case_id, name=ev.case_id)
    for p in ev.records["persons"]:
        g.add_node("Person", p["person_id"], name=p["name"], debtor=p["person_id"] == debtor)
    for c in ev.records["companies"]:
        g.add_node("Company", c["company_id"], name=c["name"], debtor=c["company_id"] == debtor)
    party_label = {str(n["key"]): str(n["label"]) for n in g.nodes.values()
                   if n["label"] in ("Person", "Company")}
    if debtor in party_label:
        g.add_edge(f"{party_label[debtor]}:{debtor}", case_node, "PARTY_TO", ev.case_id)
    for a in ev.records["accounts"]:
        node = g.add_node("Account", a["account_id"], name=a["account_id"])
        holder = str(a["holder_id"])
        if holder in party_label:
            g.add_edge(f"{party_label[holder]}:{holder}", node, "HOLDS", a["account_id"])
    for t in ev.records["transfers"]:
        g.add_edge(f"Account:{t['from_account']}", f"Account:{t['to_account']}",
                   "TRANSFERRED_TO", t["transfer_id"], amount=float(t["amount"]),
                   date=_iso(t["date"]), currency=t["currency"])
    for p in ev.records["properties"]:
        g.add_node("Property", p["property_id"], name=p["description"] or p["property_id"])
    for t in ev.records["title_transfers"]:
        prop = f"Property:{t['property_id']}"
        for party, rel in ((t["from_party"], "CONVEYED_TITLE"), (t["to_party"], "ACQUIRED_TITLE")):
            if party and party in party_label:
                g.add_edge(f"{party_label[party]}:{party}", prop, rel, t["title_transfer_id"],
                           amount=None if t["price"] is None else float(t["price"]),
                           date=_iso(t["date"]))
    for r in ev.records["relations"]:
        if r["stated"]:
            g.add_edge(f"Person:{r['person_id']}", f"Person:{r['related_person_id']}",
                       "RELATED_TO", r["relation_id"], relation=r["relation"])
    for r in ev.records["company_roles"]:
        if r["party_id"] in party_label:
            g.add_edge(f"{party_label[r['party_id']]}:{r['party_id']}",
                       f"Company:{r['company_id']}", "ROLE_IN", r["role_id"], role=r["role"])
    return g.sorted()


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def weight_table() -> dict[str, Any]:
    """The weight table's version and each signal's weight (for reproducibility.json)."""
    table = weights()
    return {"version": table["version"],
            "signals": {k: v["weight"] for k, v in sorted(table["signals"].items())},
            "bands": table["bands"], "triage": table["triage"],
            "window_cap_years": table["window_cap_years"]}
