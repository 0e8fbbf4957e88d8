"""The registry without a store: headers, the lint, parameter coercion, hashing."""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib import resources

import pytest

from clawback.graph.store import QueryResult
from clawback.queries.registry import (
    REGISTRY,
    QueryError,
    ReadOnlyError,
    coerce_params,
    get,
    lint_cypher,
    parse_query,
    result_sha256,
)

HEADER = """// name: probe
// title.en: Probe
// title.zh: 探针
// description.en: A test query.
// description.zh: 测试查询。
// param: case_id string | The case | 案件编号
// returns: case_id
// audience: legal
// version: 1
// portable: true
"""


def test_library() -> None:
    assert len(REGISTRY) >= 15
    library = resources.files("clawback.queries").joinpath("library")
    for q in REGISTRY.values():
        text = library.joinpath(f"{q.name}.cypher").read_text(encoding="utf-8")
        assert q.text == text
        assert q.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert q.title["en"] and q.title["zh"] and q.description["zh"]
        assert all(p.description["en"] and p.description["zh"] for p in q.params)
        # every row carries its source reference
        assert any(c.endswith("src_row") or c.endswith("src_rows") for c in q.returns), q.name


def test_get_unknown_names_the_known() -> None:
    with pytest.raises(QueryError, match="unknown query 'x'; known: accounts_receiving"):
        get("x")


@pytest.mark.parametrize("cypher", [
    "CREATE (n:Person)", "match (p:Person) merge (q:Person {person_id: 'x'})",
    "MATCH (p:Person) SET p.name = 'x'", "MATCH (p:Person) DELETE p",
    "MATCH (p:Person) DETACH DELETE p", "MATCH (p:Person) REMOVE p.name",
    "LOAD CSV FROM 'file:///x.csv' AS row RETURN row", "COPY Person FROM 'x.csv'",
    "MATCH (p:Person) FOREACH (x IN [1] | SET p.name = 'x')", "DROP TABLE Person",
    "CALL db.createLabel('X')", "CALL apoc.create.node(['X'], {}) YIELD node RETURN node",
    "MATCH (p:Person) RETURN p.name; MATCH (n) DETACH DELETE n",
])
def test_lint_refuses_writes(cypher: str) -> None:
    with pytest.raises(QueryError):
        lint_cypher(cypher)
    if ";" not in cypher:
        with pytest.raises(ReadOnlyError, match="read-only"):
            lint_cypher(cypher)


@pytest.mark.parametrize("cypher", [
    "MATCH (p:Person) WHERE p.name = 'CREATE (x) SET y' RETURN p.name AS `delete`",
    "MATCH (p:Person) // SET p.name = 'x'\nRETURN p.person_id",
    "MATCH (p:Person) /* DETACH DELETE p */ RETURN p.person_id",
    "MATCH (p:Person {person_id: $id}) RETURN {set: p.name} AS m",
    "CALL db.labels() YIELD label RETURN label",
])
def test_lint_reads_tokens_not_text(cypher: str) -> None:
    lint_cypher(cypher)


@pytest.mark.parametrize("cypher, message", [
    ("MATCH (c:Case) RETURN c", "unknown label 'Case'"),
    ("MATCH (a:Account)-[t:PAID]->(b:Account) RETURN t", "unknown relationship type 'PAID'"),
    ("MATCH (p:Person)-[:RELATED_TO|PAID]->(q) RETURN q", "unknown relationship type 'PAID'"),
    ("MATCH (p:Person) WHERE p:Debtor RETURN p", "unknown label 'Debtor'"),
    ("MATCH (p:Person) RETURN p.salary", "unknown property 'salary'"),
])
def test_lint_checks_the_schema(cypher: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        lint_cypher(cypher)


def test_parse_errors_name_file_and_line() -> None:
    body = "MATCH (k:Proceeding {case_id: $case_id})\nRETURN k.case_id AS case_id\n"
    assert parse_query(HEADER + body, "x/probe.cypher").portable
    with pytest.raises(QueryError, match=r"x/probe.cypher: line 12: unknown label 'Case'"):
        parse_query(HEADER + body.replace("RETURN", "MATCH (c:Case) RETURN"), "x/probe.cypher")
    with pytest.raises(QueryError, match=r"undeclared parameter\(s\) \$days"):
        parse_query(HEADER + body.replace("RETURN", "WHERE k.filing_date > $days RETURN"),
                    "x/probe.cypher")
    with pytest.raises(QueryError, match="unused parameter"):
        parse_query(HEADER + "MATCH (k:Proceeding) RETURN k.case_id AS case_id",
                    "x/probe.cypher")
    with pytest.raises(QueryError, match=r"x/probe.cypher:6: parameter 'case_id' has unknown"):
        parse_query(HEADER.replace("case_id string", "case_id text") + body, "x/probe.cypher")
    with pytest.raises(QueryError, match=r"x/probe.cypher:1: header lacks title.zh"):
        parse_query(HEADER.replace("// title.zh: 探针\n", "") + body, "x/probe.cypher")
    with pytest.raises(ReadOnlyError, match=r"line 12: read-only: SET"):
        parse_query(HEADER + body.replace("RETURN", "SET k.court = 'x' RETURN"),
                    "x/probe.cypher")


def test_coercion() -> None:
    q = get("undervalue_conveyances_to_relatives")
    values = coerce_params(q, {"case_id": "K01", "ratio": "0.5", "days": "30"})
    assert values == {"case_id": "K01", "ratio": 0.5, "days": dt.timedelta(days=30)}
    assert coerce_params(q, {"case_id": "K01"})["ratio"] == 0.7
    with pytest.raises(QueryError, match="needs parameter 'case_id'"):
        coerce_params(q, {})
    with pytest.raises(QueryError, match="takes no parameter since"):
        coerce_params(q, {"case_id": "K01", "since": "2024-01-01"})
    with pytest.raises(QueryError, match="must be float"):
        coerce_params(q, {"case_id": "K01", "ratio": "nan"})
    with pytest.raises(QueryError, match="must be a number of days >= 0"):
        coerce_params(q, {"case_id": "K01", "days": -1})
    with pytest.raises(QueryError, match="must be string"):
        coerce_params(q, {"case_id": 1})
    ids = coerce_params(get("transfers_by_id"), {"transfer_ids": "T1, T2,"})
    assert ids == {"transfer_ids": ["T1", "T2"]}
    kinds = get("shared_identifiers_with_debtor").param("kinds")
    assert kinds.default == ["phone", "address", "device"]


def test_result_hash_is_canonical() -> None:
    a = QueryResult(["d", "x"], [[dt.date(2024, 1, 2), [1.0, "a"]]])
    b = QueryResult(["d", "x"], [[dt.date(2024, 1, 2), [1.0, "a"]]])
    assert result_sha256(a) == result_sha256(b)
    assert result_sha256(a) != result_sha256(QueryResult(["d", "x"], [[dt.date(2024, 1, 3),
                                                                         [1.0, "a"]]]))
    assert result_sha256(a) != result_sha256(QueryResult(["x", "d"], a.rows))
