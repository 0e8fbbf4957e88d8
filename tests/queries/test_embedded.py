"""Portable queries on the embedded store give exactly the golden rows (which were recorded on
Neo4j: a differential test); Neo4j-only queries are refused; writes are refused by the lint and,
without it, by the engine; parameter values that contain Cypher change nothing; the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clawback.cli import app
from clawback.errors import StoreError
from clawback.graph.embedded import LadybugStore
from clawback.queries import docs
from clawback.queries.registry import (
    REGISTRY,
    QueryError,
    ReadOnlyError,
    _query,
    run_adhoc,
    run_named,
)
from tests.queries import golden

# Write statements in the dialect of each engine; every one must be refused.
STORE_WRITES = [
    "CREATE (:Person {person_id: 'ZZ', name: 'x'})",
    "MERGE (p:Person {person_id: 'ZZ'}) RETURN p.person_id",
    "MATCH (p:Person {person_id: 'D01'}) SET p.name = 'changed'",
    "MATCH (p:Person {person_id: 'D01'}) DETACH DELETE p",
    "MATCH (:Account)-[t:TRANSFERRED_TO]->(:Account) DELETE t",
    "MATCH (p:Person {person_id: 'D01'}) REMOVE p.name",
]

PORTABLE = sorted(s for s, (q, _) in golden.RUNS.items() if REGISTRY[q].portable)


@pytest.mark.parametrize("stem", PORTABLE)
def test_golden_on_embedded(embedded: LadybugStore, stem: str) -> None:
    query, params = golden.RUNS[stem]
    result = run_named(embedded, query, params)
    assert result.columns == REGISTRY[query].returns
    golden.check(stem, result)


def test_most_queries_are_portable() -> None:
    portable = [q for q in REGISTRY.values() if q.portable]
    assert len(portable) >= 15 and len(REGISTRY) - len(portable) == 1


def test_neo4j_only_query_is_refused(embedded: LadybugStore) -> None:
    with pytest.raises(QueryError, match="portable: false"):
        run_named(embedded, "money_paths_to_relatives", {"case_id": "K01"})


@pytest.mark.parametrize("cypher", [*STORE_WRITES, "COPY Person FROM '/tmp/persons.csv'",
                                    "LOAD FROM '/etc/passwd' RETURN *"])
def test_lint_refuses_writes(embedded: LadybugStore, cypher: str) -> None:
    with pytest.raises(ReadOnlyError, match="read-only"):
        run_adhoc(embedded, cypher)


@pytest.mark.parametrize("read_only", [True, False])
@pytest.mark.parametrize("cypher", STORE_WRITES)
def test_engine_refuses_writes_without_the_lint(embedded_path: Path, cypher: str,
                                                read_only: bool) -> None:
    """Opened read-only or not, the query path runs in a read-only transaction. (LadybugDB
    has no REMOVE clause: it refuses that one as a syntax error.)"""
    expected = StoreError if " REMOVE " in cypher else ReadOnlyError
    with LadybugStore(embedded_path, read_only=read_only) as store:
        before = store.counts()
        with pytest.raises(expected) as raised:
            _query(store, cypher, {})
        assert expected is StoreError or "read-only" in str(raised.value)
        assert store.counts() == before
        name = store.query("MATCH (p:Person {person_id: 'D01'}) RETURN p.name AS n").rows
        assert name == [["债务人一"]]


def test_injection_changes_nothing(embedded: LadybugStore) -> None:
    before = embedded.counts()
    evil = "K01' }) MATCH (n) DETACH DELETE n //"
    for name, q in REGISTRY.items():
        if q.portable and any(p.name == "case_id" for p in q.params):
            assert run_named(embedded, name, {"case_id": evil}).rows == [], name
    rows = run_named(embedded, "transfers_by_id",
                     {"transfer_ids": ["T00012", "x') DETACH DELETE n //"]}).rows
    assert [r[0] for r in rows] == ["T00012"]
    assert embedded.counts() == before


def test_defaults_and_windows(embedded: LadybugStore) -> None:
    wide = run_named(embedded, "transfers_to_relatives_before_acceptance",
                     {"case_id": "K01", "days": 5000}).to_dicts()
    narrow = run_named(embedded, "transfers_to_relatives_before_acceptance",
                       {"case_id": "K01", "days": 0}).to_dicts()
    assert "T00008" in {r["transfer_id"] for r in wide}
    assert narrow == []


def test_docs_are_current() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "queries.md"
    assert page.read_text(encoding="utf-8") == docs.render(docs.load_examples(golden.GOLDEN_DIR)), \
        "docs/queries.md is stale: run python -m clawback.queries.docs"


# -- the command line ------------------------------------------------------------------------
runner = CliRunner()


def test_cli_list_and_show() -> None:
    result = runner.invoke(app, ["query", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)
    assert {e["name"] for e in entries} == set(REGISTRY)
    assert all(e["title_zh"] and e["title_en"] for e in entries)
    result = runner.invoke(app, ["query", "show", "case_summary"])
    assert result.exit_code == 0
    assert REGISTRY["case_summary"].sha256 in result.output
    assert "MATCH (d:Person|Company)" in result.output


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_cli_run(embedded_path: Path, fmt: str) -> None:
    result = runner.invoke(app, ["query", "run", "cash_withdrawals_before_filing", "--param",
                                 "case_id=K01", "--format", fmt, "--store", str(embedded_path)])
    assert result.exit_code == 0, result.output
    if fmt == "table":  # folded to the terminal's width
        assert "2 row(s)" in result.output
        return
    assert "T00022" in result.output and "T00023" in result.output
    assert "T00024" not in result.output  # after filing
    if fmt == "json":
        assert [r["transfer_id"] for r in json.loads(result.output)] == ["T00022", "T00023"]


@pytest.mark.parametrize("args, message", [
    (["query", "run", "nope"], "unknown query 'nope'"),
    (["query", "run", "case_summary"], "needs parameter 'case_id'"),
    (["query", "run", "case_summary", "-p", "case_id=K01", "-p", "x=1"], "no parameter x"),
    (["query", "run", "cash_withdrawals_before_filing", "-p", "case_id=K01", "-p", "days=ten"],
     "must be days"),
    (["query", "run", "case_summary", "-p", "case_id"], "NAME=VALUE"),
    (["query", "run", "money_paths_to_relatives", "-p", "case_id=K01"], "portable: false"),
    (["query", "cypher", "MATCH (p:Person) SET p.name = 'x'"], "read-only"),
    (["query", "cypher", "CREATE (:Person {person_id: 'x'})"], "read-only"),
])
def test_cli_errors(embedded_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "--store", str(embedded_path)])
    assert result.exit_code == 1
    assert result.output.startswith("error:") and message in result.output, result.output


def test_cli_cypher_reads(embedded_path: Path) -> None:
    result = runner.invoke(app, ["query", "cypher",
                                 "MATCH (p:Person) WHERE p.person_id = $id RETURN p.name AS name",
                                 "-p", "id=D01", "--format", "csv",
                                 "--store", str(embedded_path)])
    assert result.exit_code == 0, result.output
    assert result.output == "name\n债务人一\n"
