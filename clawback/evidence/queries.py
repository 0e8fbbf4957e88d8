"""The Cypher that fetches a case's evidence: every query a bundle runs, in one place.

The texts are fixed at import (spelled out from the schema's property lists, never from user
input); values go in ``$parameters`` only. A bundle records the text and SHA-256 of every query
it ran (``reproducibility.json``), so a reader can run the same query against the same data.
The dialect is the one both stores accept (typed patterns, ``IN $list``, ``ORDER BY``).

>>> sorted(EVIDENCE_QUERIES)[:3]
['accounts', 'case', 'companies']
>>> len(query_sha256("case"))
64
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clawback.errors import ClawbackError
from clawback.graph.schema import SCHEMA
from clawback.graph.store import GraphStore

__all__ = ["EVIDENCE_QUERIES", "EvidenceQuery", "QueryRun", "query_sha256", "run_query"]


@dataclass(frozen=True)
class EvidenceQuery:
    """A named, read-only query with its declared parameters."""

    name: str
    text: str
    parameters: tuple[str, ...]

    @property
    def sha256(self) -> str:
        """SHA-256 of the query text (UTF-8)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class QueryRun:
    """One query as a bundle ran it: the query, its parameter values and the rows it returned."""

    query: EvidenceQuery
    parameters: Mapping[str, Any]
    rows: list[dict[str, Any]]


def _props(var: str, names: Sequence[str]) -> str:
    return ", ".join(f"{var}.{n} AS {n}" for n in names)


def _node_props(label: str) -> list[str]:
    return list(SCHEMA.node_properties(label))


def _rel_props(rel_type: str) -> list[str]:
    return list(SCHEMA.rel_properties(rel_type))


def _node_query(name: str, label: str, order: str) -> EvidenceQuery:
    key = SCHEMA.nodes[label].key
    text = (f"MATCH (n:{label}) WHERE n.{key} IN $ids "
            f"RETURN {_props('n', _node_props(label))} ORDER BY n.{order}")
    return EvidenceQuery(name, text, ("ids",))


def _title_query(name: str, rel_type: str, party: str) -> EvidenceQuery:
    key = SCHEMA.nodes[party].key
    text = (f"MATCH (p:{party})-[r:{rel_type}]->(q:Property) WHERE r.title_transfer_id IN $ids "
            f"RETURN p.{key} AS party_id, q.property_id AS property_id, "
            f"{_props('r', _rel_props(rel_type))} ORDER BY r.title_transfer_id, p.{key}")
    return EvidenceQuery(name, text, ("ids",))


def _build() -> dict[str, EvidenceQuery]:
    queries = [
        EvidenceQuery("case", (
            "MATCH (c:Proceeding) WHERE c.case_id = $case_id "
            f"RETURN {_props('c', _node_props('Proceeding'))}"), ("case_id",)),
        EvidenceQuery("transfers", (
            "MATCH (a:Account)-[t:TRANSFERRED_TO]->(b:Account) WHERE t.transfer_id IN $ids "
            "RETURN a.account_id AS from_account, b.account_id AS to_account, "
            f"{_props('t', _rel_props('TRANSFERRED_TO'))} ORDER BY t.transfer_id"), ("ids",)),
        _title_query("titles_acquired_person", "ACQUIRED_TITLE", "Person"),
        _title_query("titles_acquired_company", "ACQUIRED_TITLE", "Company"),
        _title_query("titles_conveyed_person", "CONVEYED_TITLE", "Person"),
        _title_query("titles_conveyed_company", "CONVEYED_TITLE", "Company"),
        _node_query("accounts", "Account", "account_id"),
        _node_query("persons", "Person", "person_id"),
        _node_query("companies", "Company", "company_id"),
        _node_query("properties", "Property", "property_id"),
        EvidenceQuery("relations", (
            "MATCH (a:Person)-[r:RELATED_TO]->(b:Person) "
            "WHERE a.person_id IN $ids AND b.person_id IN $ids "
            "RETURN a.person_id AS person_id, b.person_id AS related_person_id, "
            f"{_props('r', _rel_props('RELATED_TO'))} ORDER BY r.relation_id"), ("ids",)),
        EvidenceQuery("roles_person", (
            "MATCH (a:Person)-[r:ROLE_IN]->(b:Company) "
            "WHERE a.person_id IN $ids AND b.company_id IN $ids "
            "RETURN a.person_id AS party_id, b.company_id AS company_id, "
            f"{_props('r', _rel_props('ROLE_IN'))} ORDER BY r.role_id"), ("ids",)),
        EvidenceQuery("roles_company", (
            "MATCH (a:Company)-[r:ROLE_IN]->(b:Company) "
            "WHERE a.company_id IN $ids AND b.company_id IN $ids "
            "RETURN a.company_id AS party_id, b.company_id AS company_id, "
            f"{_props('r', _rel_props('ROLE_IN'))} ORDER BY r.role_id"), ("ids",)),
        EvidenceQuery("load_batches", (
            "MATCH (b:LoadBatch) RETURN b.batch_id AS batch_id, b.files AS files, "
            "b.software_version AS software_version ORDER BY b.batch_id"), ()),
    ]
    return {q.name: q for q in queries}


EVIDENCE_QUERIES: dict[str, EvidenceQuery] = _build()
"""Every query a bundle may run, by name."""


def query_sha256(name: str) -> str:
    """SHA-256 of the text of the evidence query ``name``."""
    return EVIDENCE_QUERIES[name].sha256


def run_query(store: GraphStore, name: str, parameters: Mapping[str, Any] | None = None
              ) -> QueryRun:
    """Run the evidence query ``name`` (read-only) and return its rows as dicts.

    Raises ClawbackError naming the query when its parameters are not exactly the declared
    ones."""
    query = EVIDENCE_QUERIES[name]
    params = dict(parameters or {})
    if set(params) != set(query.parameters):
        raise ClawbackError(f"evidence query {name!r} takes {list(query.parameters)}, "
                            f"not {sorted(params)}")
    result = store.query(query.text, params)
    return QueryRun(query, params, result.to_dicts())
