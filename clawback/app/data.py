"""Data functions behind the app's pages, testable without a browser.

Everything a debtor page shows comes from targeted Cypher lookups by key (both engines index
keys), never from loading the whole portfolio: on a store of ten million transfers each
function returns in well under a second (benchmarks/bench_app.py). Only the portfolio table
(the saved scores) and the community view (the whole party graph, once per store state) read
the portfolio as a whole. Caching happens one level up, in :mod:`clawback.app.state`.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from clawback.algorithms import rules as legal
from clawback.algorithms.results import results_dir, scored
from clawback.algorithms.score import ScoreResult
from clawback.algorithms.tracing import CHAIN
from clawback.errors import ClawbackError
from clawback.evidence.audit import AuditLog, audited, default_audit_log
from clawback.graph.embedded import LadybugStore
from clawback.graph.open import open_store
from clawback.graph.schema import SCHEMA
from clawback.graph.store import GraphStore, QueryResult

__all__ = [
    "PARTY_LABELS",
    "ConsoleRefused",
    "ExportedBundle",
    "StoreRef",
    "case_facts",
    "community_tables",
    "community_view",
    "console_query",
    "debtor_accounts",
    "debtor_companies",
    "debtor_properties",
    "debtor_relatives",
    "debtor_tables",
    "debtor_transfers",
    "export_bundle",
    "findings",
    "fund_paths",
    "portfolio_table",
    "rule_windows",
    "run_named_query",
    "score_result",
    "store_counts",
]

PARTY_LABELS = ("Person", "Company")


class ConsoleRefused(ClawbackError):
    """The console's statement was refused: the store only answers read-only Cypher."""


@dataclass(frozen=True)
class StoreRef:
    """Which store the app reads: a Neo4j server when ``neo4j`` is set (its ``database``, the
    server's default when None), else the embedded store at ``path``. Hashable, so that caches
    can be keyed by it."""

    path: str
    neo4j: str | None = None
    database: str | None = None

    @property
    def location(self) -> str:
        return self.neo4j or self.path

    def open(self) -> GraphStore:
        """Open the store read-only (ClawbackError naming it when there is none)."""
        return open_store(self.path, self.neo4j, read_only=True)

    def results_dir(self) -> Path:
        """Where the scores of this store are kept."""
        return results_dir(self.path, self.neo4j, self.database)

    def audit_log(self) -> AuditLog:
        """The store's hash-chained audit log (the one ``clawback bundle`` and ``clawback
        query`` write to)."""
        return default_audit_log(self.path, self.neo4j, self.database)


def store_counts(store: str | Path, lang: str = "en", neo4j: str | None = None) -> pd.DataFrame:
    """Nodes per label and relationships per type, with captions in ``lang``; from the Neo4j
    server ``neo4j`` when given, else from the embedded store ``store``."""
    with open_store(store, neo4j, read_only=True) as st:
        counts = st.counts()
    rows = [
        {"kind": kind, "name": name, "caption": SCHEMA.caption(name, lang), "count": n}
        for kind, values in (("node", counts["nodes"]), ("relationship", counts["relationships"]))
        for name, n in values.items()
    ]
    return pd.DataFrame(rows)


# -- scores and the portfolio -------------------------------------------------------------------
def score_result(store: GraphStore, ref: StoreRef,
                 progress: Callable[[str, float], None] | None = None) -> ScoreResult:
    """The scores of the store: those saved beside it when they are still valid, else computed
    now (reporting to ``progress``) and saved."""
    return scored(store, ref.results_dir(), progress=progress)


def _frame(result: QueryResult) -> pd.DataFrame:
    return pd.DataFrame(result.rows, columns=result.columns)


def _parties(store: GraphStore, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Label and display name of persons and companies by id (other ids are left out)."""
    keys = sorted({str(i) for i in ids if i is not None and str(i)})
    found: dict[str, tuple[str, str]] = {}
    if not keys:
        return found
    for label, key in (("Person", "person_id"), ("Company", "company_id")):
        # UNWIND + a match on the key is a key lookup on both engines (IN scans the label)
        rows = store.query(f"UNWIND $keys AS k MATCH (n:{label} {{{key}: k}}) "
                           f"RETURN n.{key}, n.name", {"keys": keys}).rows
        found.update({str(k): (label, "" if n is None else str(n)) for k, n in rows})
    return found


def _names(store: GraphStore, ids: Sequence[str]) -> dict[str, str]:
    """Display names of persons and companies by id (ids that are neither keep no name)."""
    return {k: name for k, (_, name) in _parties(store, ids).items() if name}


def _where_key(store: GraphStore, var: str, label: str, keys: Sequence[str]
               ) -> tuple[str, dict[str, Any]]:
    """A WHERE condition (and its parameters) keeping the ``label`` nodes bound to ``var``
    whose key is one of ``keys``.

    Neo4j looks ``var.key IN $keys`` up in its key index. The embedded engine scans the label
    for that, so there the keys are first turned into the nodes' internal offsets (one key
    lookup each) and the condition is on the offset: measured on 1.4M accounts and 10M
    transfers, 16 ms instead of 100 ms for the debtor's outgoing transfers and 0.14 s instead
    of 1.3 s for the incoming ones (benchmarks/bench_app.py)."""
    key = SCHEMA.nodes[label].key
    wanted = sorted({str(k) for k in keys})
    name = f"keys_{var}"
    if not isinstance(store, LadybugStore):
        return f"{var}.{key} IN ${name}", {name: wanted}
    offsets = sorted(int(r[0]) for r in store.query(
        f"UNWIND $k AS k MATCH (n:{label} {{{key}: k}}) RETURN offset(id(n))",
        {"k": wanted}).rows)
    return f"offset(id({var})) IN ${name}", {name: offsets}


def portfolio_table(store: GraphStore, result: ScoreResult) -> pd.DataFrame:
    """Every scored case, ranked: the score columns, the debtor's name and the case's
    jurisdiction, court, dates and claim."""
    cases = _frame(store.query(
        "MATCH (c:Proceeding) RETURN c.case_id AS case_id, c.jurisdiction AS jurisdiction, "
        "c.court AS court, c.case_type AS case_type, c.filing_date AS filing_date, "
        "c.acceptance_date AS acceptance_date, c.claim_amount AS claim_amount"))
    table = result.scores.merge(cases, on="case_id", how="left")
    names = _names(store, table["debtor_id"].astype(str).tolist())
    table.insert(1, "name", table["debtor_id"].astype(str).map(names).fillna(""))
    for column in ("filing_date", "acceptance_date"):
        table[column] = pd.to_datetime(table[column], errors="coerce")
    return table.sort_values("rank", kind="stable").reset_index(drop=True)


# -- one debtor ---------------------------------------------------------------------------------
def case_facts(store: GraphStore, case_id: str) -> dict[str, Any]:
    """The case and its debtor: every case property, ``debtor_label``, ``debtor_name`` and the
    debtor's own properties under ``debtor``. ClawbackError naming the case when it is unknown."""
    props = list(SCHEMA.nodes["Proceeding"].property_types)
    rows = store.query(
        "MATCH (c:Proceeding) WHERE c.case_id = $k RETURN "
        + ", ".join(f"c.{p}" for p in props), {"k": case_id}).rows
    if not rows:
        raise ClawbackError(f"case {case_id!r} is not in the store")
    facts: dict[str, Any] = dict(zip(props, rows[0], strict=True))
    debtor = str(facts["debtor_id"])
    facts["debtor_label"], facts["debtor"] = None, {}
    for label in PARTY_LABELS:
        node = SCHEMA.nodes[label]
        names = [p for p in node.property_types if p != "extra"]
        found = store.query(f"MATCH (n:{label}) WHERE n.{node.key} = $k RETURN "
                            + ", ".join(f"n.{p}" for p in names), {"k": debtor}).rows
        if found:
            facts["debtor_label"] = label
            facts["debtor"] = dict(zip(names, found[0], strict=True))
            break
    facts["debtor_name"] = facts["debtor"].get("name") or debtor
    return facts


def debtor_accounts(store: GraphStore, debtor_id: str, label: str = "Person") -> pd.DataFrame:
    """The accounts the debtor holds (the loader's synthetic cash accounts included)."""
    _party(label)
    key = SCHEMA.nodes[label].key
    return _frame(store.query(
        f"MATCH (p:{label})-[:HOLDS]->(a:Account) WHERE p.{key} = $k RETURN "
        "a.account_id AS account_id, a.institution AS institution, "
        "a.account_type AS account_type, a.currency AS currency, a.synthetic AS synthetic, "
        "a.opened_date AS opened_date, a.closed_date AS closed_date ORDER BY account_id",
        {"k": debtor_id}))


TRANSFER_COLUMNS = ["transfer_id", "direction", "date", "timestamp", "amount", "currency",
                    "channel", "memo", "account", "counter_account", "counter_holder",
                    "counter_name", "counter_label"]


def debtor_transfers(store: GraphStore, accounts: Sequence[str]) -> pd.DataFrame:
    """Every transfer out of and into the debtor's ``accounts``, with the other side's account,
    holder and name, ordered by time. Lookups by account key; the embedded store keeps
    transfers forward only, so finding the incoming ones scans (lean: see
    :func:`_where_key`)."""
    accs = sorted({str(a) for a in accounts})
    if not accs:
        return pd.DataFrame(columns=TRANSFER_COLUMNS)
    ret = ("t.transfer_id AS transfer_id, t.date AS date, t.timestamp AS timestamp, "
           "t.amount AS amount, t.currency AS currency, t.channel AS channel, t.memo AS memo, "
           "a.account_id AS account, b.account_id AS counter_account, "
           "b.holder_id AS counter_holder")
    mine, params = _where_key(store, "a", "Account", accs)
    out = _frame(store.query(
        f"MATCH (a:Account)-[t:TRANSFERRED_TO]->(b:Account) WHERE {mine} RETURN {ret}", params))
    out.insert(1, "direction", "out")
    if isinstance(store, LadybugStore):
        # transfers are stored forward only: find the senders with the leanest backward scan,
        # then read their transfers to us forward (reading every property while scanning
        # backwards costs ten times more)
        senders = [int(r[0]) for r in store.query(
            f"MATCH (b:Account)-[t:TRANSFERRED_TO]->(a:Account) WHERE {mine} "
            "RETURN DISTINCT offset(id(b))", params).rows]
        params = {**params, "senders": sorted(senders)}
        inc = _frame(store.query(
            f"MATCH (b:Account)-[t:TRANSFERRED_TO]->(a:Account) WHERE {mine} "
            f"AND offset(id(b)) IN $senders RETURN {ret}", params))
    else:
        inc = _frame(store.query(
            f"MATCH (b:Account)-[t:TRANSFERRED_TO]->(a:Account) WHERE {mine} RETURN {ret}",
            params))
    inc.insert(1, "direction", "in")
    both = pd.concat([f for f in (out, inc) if len(f)], ignore_index=True) if (
        len(out) or len(inc)) else pd.DataFrame(columns=TRANSFER_COLUMNS[:-1])
    # an own-account move appears once each way; keep the outgoing side
    both = both.drop_duplicates("transfer_id", keep="first")
    parties = _parties(store, both["counter_holder"].dropna().astype(str).tolist())
    both["counter_name"] = both["counter_holder"].map(
        lambda h: parties.get(str(h), ("", ""))[1] if h is not None else "")
    both["counter_label"] = both["counter_holder"].map(
        lambda h: parties.get(str(h), ("", ""))[0] if h is not None else "")
    both["amount"] = both["amount"].astype(float)
    both["date"] = pd.to_datetime(both["date"], errors="coerce")
    both = both.sort_values(["timestamp", "transfer_id"], kind="stable").reset_index(drop=True)
    return both[TRANSFER_COLUMNS]


def debtor_relatives(store: GraphStore, debtor_id: str) -> pd.DataFrame:
    """The debtor's recorded relatives: who they are to the debtor, since and until when."""
    return _frame(store.query(
        "MATCH (p:Person)-[r:RELATED_TO]->(q:Person) WHERE p.person_id = $k RETURN "
        "q.person_id AS person_id, q.name AS name, r.relation AS relation, "
        "r.start_date AS start_date, r.end_date AS end_date, q.birth_date AS birth_date, "
        "r.relation_id AS relation_id ORDER BY person_id, relation",
        {"k": debtor_id}))


def debtor_companies(store: GraphStore, parties: Sequence[str]) -> pd.DataFrame:
    """Roles of the debtor and its relatives (``parties``, persons) in companies, with each
    company's incorporation date."""
    where, params = _where_key(store, "p", "Person", parties)
    return _frame(store.query(
        f"MATCH (p:Person)-[r:ROLE_IN]->(c:Company) WHERE {where} RETURN "
        "p.person_id AS party_id, p.name AS party_name, r.role AS role, r.share AS share, "
        "c.company_id AS company_id, c.name AS company_name, "
        "c.incorporation_date AS incorporation_date, r.start_date AS start_date, "
        "r.role_id AS role_id ORDER BY company_id, party_id, role", params))


def debtor_properties(store: GraphStore, parties: Sequence[str]) -> pd.DataFrame:
    """Title transfers of properties to or from the ``parties`` (debtor and relatives), with
    each property's kind, description and value; ``act`` is ``acquired`` or ``conveyed``."""
    parts = []
    for rel, act, other in (("ACQUIRED_TITLE", "acquired", "from_party"),
                            ("CONVEYED_TITLE", "conveyed", "to_party")):
        for label in PARTY_LABELS:
            key = SCHEMA.nodes[label].key
            where, params = _where_key(store, "p", label, parties)
            frame = _frame(store.query(
                f"MATCH (p:{label})-[t:{rel}]->(x:Property) WHERE {where} RETURN "
                f"t.title_transfer_id AS title_transfer_id, t.date AS date, "
                f"p.{key} AS party_id, t.{other} AS counterparty, t.price AS price, "
                "t.market_value AS market_value, t.share AS share, "
                "x.property_id AS property_id, x.kind AS kind, x.description AS description, "
                "x.location AS location", params))
            frame.insert(1, "act", act)
            parts.append(frame)
    table = pd.concat(parts, ignore_index=True)
    table["date"] = pd.to_datetime(table["date"], errors="coerce")
    names = _names(store, [*table["party_id"].astype(str), *table["counterparty"].dropna()])
    table["party_name"] = table["party_id"].astype(str).map(names).fillna("")
    table["counterparty_name"] = table["counterparty"].map(
        lambda c: names.get(str(c), "") if c is not None else "")
    return table.sort_values(["date", "title_transfer_id", "act"], kind="stable").reset_index(
        drop=True)


def _party(label: str) -> None:
    if label not in PARTY_LABELS:
        raise ClawbackError(f"a debtor is a Person or a Company, not {label!r}")


def debtor_tables(store: GraphStore, facts: dict[str, Any], result: ScoreResult | None,
                  case_id: str) -> dict[str, pd.DataFrame]:
    """Everything the Debtor page tabulates for the case whose :func:`case_facts` are
    ``facts``: accounts, transfers, relatives, companies, properties and (given the scores)
    the traced fund paths. Only lookups by key (benchmarks/bench_app.py times each)."""
    debtor, label = str(facts["debtor_id"]), facts["debtor_label"] or "Person"
    accounts = debtor_accounts(store, debtor, label)
    transfers = debtor_transfers(store, accounts["account_id"].tolist())
    relatives = debtor_relatives(store, debtor if label == "Person" else "")
    family = [debtor, *relatives["person_id"].astype(str)]
    companies = debtor_companies(store, family)
    properties = debtor_properties(store, family)
    paths = (fund_paths(store, result, case_id, transfers) if result is not None
             else pd.DataFrame(columns=PATH_COLUMNS))
    return {"accounts": accounts, "transfers": transfers, "relatives": relatives,
            "companies": companies, "properties": properties, "paths": paths}


# -- findings and traced paths -------------------------------------------------------------------
def findings(result: ScoreResult, case_id: str, lang: str) -> dict[str, Any]:
    """The waterfall of one case (:meth:`ScoreResult.explain`); ClawbackError naming the case
    when it has no score."""
    try:
        return result.explain(case_id, lang)
    except KeyError:
        raise ClawbackError(f"case {case_id!r} has no score") from None


PATH_COLUMNS = ["signal", "path", "hop", "transfer_id", "date", "amount", "currency",
                "from_account", "from_name", "to_account", "to_name"]


def fund_paths(store: GraphStore, result: ScoreResult, case_id: str,
               transfers: pd.DataFrame) -> pd.DataFrame:
    """The traced fund paths of a case, hop by hop: one row per hop of every ``→`` chain in the
    case's evidence, with the transfer's date, amount and both ends. The first hop comes from
    the debtor's own ``transfers``; each further hop is looked up from the accounts the money
    reached (by key, never by scanning)."""
    hits = result.hits[result.hits["case_id"] == case_id]
    chains: list[tuple[str, int, list[str]]] = []
    for signal, evidence in zip(hits["signal"], hits["evidence"].astype(str), strict=True):
        for n, chain in enumerate(e for e in evidence.split(";") if CHAIN in e):
            chains.append((str(signal), n + 1, chain.split(CHAIN)))
    columns = PATH_COLUMNS
    if not chains:
        return pd.DataFrame(columns=columns)
    known: dict[str, dict[str, Any]] = {}
    for row in transfers[transfers["direction"] == "out"].to_dict("records"):
        known[str(row["transfer_id"])] = {
            "transfer_id": row["transfer_id"], "date": row["date"], "amount": row["amount"],
            "currency": row["currency"], "from_account": row["account"],
            "to_account": row["counter_account"], "to_holder": row["counter_holder"]}
    depth = max(len(c) for _, _, c in chains)
    for hop in range(1, depth):
        wanted = sorted({c[hop] for _, _, c in chains if len(c) > hop} - set(known))
        sources = sorted({str(known[c[hop - 1]]["to_account"]) for _, _, c in chains
                          if len(c) > hop and c[hop - 1] in known})
        if not wanted or not sources:
            continue
        where, params = _where_key(store, "a", "Account", sources)
        rows = store.query(
            f"MATCH (a:Account)-[t:TRANSFERRED_TO]->(b:Account) WHERE {where} "
            "AND t.transfer_id IN $t RETURN t.transfer_id, t.date, t.amount, t.currency, "
            "a.account_id, b.account_id, b.holder_id", {**params, "t": wanted}).rows
        for tid, date, amount, currency, src, dst, holder in rows:
            known[str(tid)] = {"transfer_id": tid, "date": date, "amount": amount,
                               "currency": currency, "from_account": src, "to_account": dst,
                               "to_holder": holder}
    holders = {str(k["to_account"]): k["to_holder"] for k in known.values()}
    accounts = sorted({str(k["from_account"]) for k in known.values()} - set(holders))
    if accounts:
        for acc, holder in store.query(
                "UNWIND $a AS k MATCH (a:Account {account_id: k}) RETURN a.account_id, "
                "a.holder_id", {"a": accounts}).rows:
            holders[str(acc)] = holder
    names = _names(store, [str(h) for h in holders.values() if h is not None])
    out = []
    for signal, path, hops in chains:
        for hop, tid in enumerate(hops, start=1):
            k = known.get(tid, {})
            src, dst = k.get("from_account"), k.get("to_account")
            out.append({
                "signal": signal, "path": path, "hop": hop, "transfer_id": tid,
                "date": k.get("date"), "amount": k.get("amount"), "currency": k.get("currency"),
                "from_account": src, "from_name": names.get(str(holders.get(str(src))), ""),
                "to_account": dst, "to_name": names.get(str(holders.get(str(dst))), "")})
    table = pd.DataFrame(out, columns=columns)
    table["date"] = pd.to_datetime(table["date"], errors="coerce")
    return table


# -- communities ----------------------------------------------------------------------------------
def community_view(store: GraphStore, result: ScoreResult, case_id: str,
                   tables: dict[str, pd.DataFrame] | None = None) -> dict[str, Any]:
    """The debtor's community: its id and size, its members (with names and whether each is a
    debtor), the enablers the debtor paid and the other debtors in it with their scores.
    ``tables`` takes :func:`community_tables`' output (computed when not given)."""
    tables = community_tables(store, result) if tables is None else tables
    ctx = tables["context"]
    row = ctx[ctx["case_id"] == case_id]
    if row.empty:
        raise ClawbackError(f"case {case_id!r} is not in the store")
    info = row.iloc[0]
    parties = tables["parties"]
    community = info["community"]
    members = (parties[parties["community"] == community].copy() if pd.notna(community)
               else parties.iloc[0:0].copy())
    scores = result.scores.set_index("debtor_id")
    members["debtor"] = members["party_id"].isin(scores.index)
    members = members.sort_values(["debtor", "party_id"], ascending=[False, True])
    names = _names(store, members["party_id"].astype(str).tolist())
    members["name"] = members["party_id"].map(names).fillna("")
    others = result.scores[result.scores["debtor_id"].isin(
        members.loc[members["debtor"], "party_id"]) & (result.scores["case_id"] != case_id)]
    others = others.assign(name=others["debtor_id"].map(names).fillna(""))
    enabler_ids = [e for e in str(info["enablers"]).split(";") if e]
    found = tables["enablers"]
    enablers = found[found["party_id"].isin(enabler_ids)
                     | found["party_id"].isin(members["party_id"])].copy()
    enablers["name"] = enablers["party_id"].map(_names(store, enablers["party_id"].tolist()))
    enablers["paid_by_debtor"] = enablers["party_id"].isin(enabler_ids)
    return {
        "community": None if pd.isna(community) else int(community),
        "size": 0 if pd.isna(info["community_size"]) else int(info["community_size"]),
        "other_debtors": int(info["other_debtors"]),
        "enabler_paid": float(info["enabler_paid"]),
        "members": members[["party_id", "name", "debtor"]].reset_index(drop=True),
        "others": others[["case_id", "debtor_id", "name", "score", "band", "triage"]]
        .reset_index(drop=True),
        "enablers": enablers.reset_index(drop=True),
    }


def community_tables(store: GraphStore, result: ScoreResult) -> dict[str, pd.DataFrame]:
    """Communities, enablers and the per-case context of the whole portfolio (reads it all:
    the app caches this once per store state)."""
    from clawback.algorithms.communities import communities, community_context, enablers
    from clawback.algorithms.data import PortfolioData

    data = PortfolioData.from_store(store)
    parties = communities(data)
    found = enablers(data, result.ties)
    context = community_context(data, result.ties, parties=parties, found=found)
    return {"parties": parties, "enablers": found, "context": context}


def rule_windows(jurisdiction: str, acceptance_date: Any, filing_date: Any,
                 lang: str) -> pd.DataFrame:
    """The look-back window of each rule of the case's jurisdiction that has one: rule id,
    citation, verification level, start, end (the anchor, widened by the lag of a proxy) and
    the UNCONFIRMED warning in ``lang`` (empty when verified)."""
    columns = ["rule_id", "citation", "verified", "start", "end", "warning", "caption"]
    if jurisdiction not in legal.RULES:
        return pd.DataFrame(columns=columns)
    anchor = legal.anchor_for(jurisdiction, _day(acceptance_date), _day(filing_date))
    if anchor is None:
        return pd.DataFrame(columns=columns)
    end = pd.Timestamp(anchor.date) + pd.Timedelta(days=anchor.lag_days)
    rows = []
    for rule in legal.RULES[jurisdiction].rules:
        if rule.lookback is None:
            continue
        rows.append({"rule_id": rule.id, "citation": rule.citation, "verified": rule.verified,
                     "start": pd.Timestamp(legal.window_start(anchor.date, rule.lookback)),
                     "end": end, "warning": legal.warning(rule, lang, part="lookback"),
                     "caption": rule.caption.get(lang)})
    return pd.DataFrame(rows, columns=columns)


def _day(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


# -- the console and the bundles -------------------------------------------------------------------
_WRITE = re.compile(r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|ALTER|COPY|LOAD|INSTALL|"
                    r"CHECKPOINT|IMPORT|EXPORT|ATTACH|BEGIN|COMMIT)\b", re.IGNORECASE)


def run_named_query(store: GraphStore, name: str, values: Mapping[str, Any],
                    audit: AuditLog | None = None) -> QueryResult:
    """Run the named query ``name`` with the form's ``values``, read-only; the run (refused or
    failed ones too) goes into ``audit`` as action ``query`` with the query's sha256, the
    parameters and the result's sha256."""
    from clawback.queries import registry

    query = registry.get(name)
    params = {"query_sha256": query.sha256, "params": dict(values)}
    with audited(audit, "query", query.name, params) as record:
        result = registry.run_named(store, query.name, values)
        record(registry.result_sha256(result))
    return result


def console_query(store: GraphStore, text: str, limit: int = 1000,
                  audit: AuditLog | None = None) -> pd.DataFrame:
    """Run one statement of Cypher typed into the console, read-only, at most ``limit`` rows.

    The statement is linted for writes first (``registry.run_adhoc``), then runs in the
    store's read-only transaction, so the engine itself refuses any write too. A refusal
    raises :class:`ConsoleRefused`, other errors ClawbackError with the engine's message.
    Every run, refused ones included, goes into ``audit`` as action ``cypher`` (target: the
    text's sha256; parameters: the text)."""
    from clawback.queries import registry

    text = text.strip().rstrip(";").strip()
    if not text:
        raise ClawbackError("the console is empty: type a Cypher query")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with audited(audit, "cypher", digest, {"text": text, "params": {}}) as record:
        try:
            result = registry.run_adhoc(store, text)
        except ClawbackError as e:
            if isinstance(e, registry.ReadOnlyError) or _WRITE.search(_strip_strings(text)):
                raise ConsoleRefused(f"refused: the console is read-only ({e})") from e
            raise
        record(registry.result_sha256(result))
    return pd.DataFrame(result.rows[:limit], columns=result.columns)


def _strip_strings(text: str) -> str:
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", text)


@dataclass(frozen=True)
class ExportedBundle:
    """An evidence bundle built for download: the zip's bytes, its file name, its Merkle root,
    the files it holds and the audit entry that recorded the export."""

    case_id: str
    lang: str
    file_name: str
    data: bytes
    merkle_root: str
    files: tuple[str, ...]
    audit_entry: dict[str, Any]


def export_bundle(store: GraphStore, result: ScoreResult, case_id: str, lang: str,
                  audit: AuditLog | None, location: str = "") -> ExportedBundle:
    """Build the evidence bundle of ``case_id`` with its report in ``lang`` (zh or en) in a
    temporary file and return its bytes; the export is recorded in ``audit`` as action
    ``bundle`` with the Merkle root as its result hash, as ``clawback bundle`` does."""
    from clawback.evidence.bundle import write_bundle

    if lang not in ("zh", "en"):
        raise ClawbackError(f"a bundle's language is zh or en, not {lang!r}")
    name = f"clawback-bundle-{re.sub(r'[^A-Za-z0-9_.-]+', '_', case_id)}-{lang}.zip"
    with tempfile.TemporaryDirectory(prefix="clawback-bundle-") as tmp:
        info = write_bundle(store, result, case_id, Path(tmp) / name, lang=lang)
        payload = info.path.read_bytes()
    entry: dict[str, Any] = {}
    if audit is not None:
        entry = audit.append(
            action="bundle", target=case_id, result_hash=info.merkle_root,
            parameters={"out": f"download:{name}", "lang": lang,
                        "seed": int(result.provenance.get("seed", 7)), "signed": info.signed,
                        "store": location, "via": "app"})
    return ExportedBundle(case_id, lang, name, payload, info.merkle_root, info.files, entry)
