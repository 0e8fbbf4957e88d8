"""Every named query on the real Neo4j against its golden result; writes refused by the server
even when the lint is bypassed; the CLI on ``--neo4j``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clawback.cli import app
from clawback.graph.neo4j_store import Neo4jStore
from clawback.loaders.load import load_directory
from clawback.queries.registry import REGISTRY, ReadOnlyError, run_adhoc, run_named
from tests.conftest import Neo4jServer
from tests.queries import golden
from tests.queries.test_embedded import STORE_WRITES

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def neo4j(neo4j_server: Neo4jServer, fixture_input: Path) -> Iterator[Neo4jStore]:
    with Neo4jStore(neo4j_server.settings()) as store:
        store.wipe()
        load_directory(fixture_input, store)
    with Neo4jStore(neo4j_server.settings(), read_only=True) as store:
        yield store


@pytest.mark.parametrize("stem", sorted(golden.RUNS))
def test_golden(neo4j: Neo4jStore, stem: str) -> None:
    query, params = golden.RUNS[stem]
    result = run_named(neo4j, query, params)
    assert result.columns == REGISTRY[query].returns
    golden.check(stem, result, update=golden.UPDATE)


def test_every_query_has_a_golden_run() -> None:
    assert {q for q, _ in golden.RUNS.values()} == set(REGISTRY)
    assert len(REGISTRY) >= 15


def test_known_answers(neo4j: Neo4jStore) -> None:
    """A few facts of the fixture, stated independently of the golden files."""
    paths = run_named(neo4j, "money_paths_to_relatives", {"case_id": "K01"}).to_dicts()
    chains = {tuple(p["transfer_ids"]) for p in paths if p["relative_id"] == "C01"}
    # Y01 paid C01 on 2024-02-01, before it received D01's money: not a time-ordered path
    assert chains == {("T00015", "T00018"), ("T00015", "T00016", "T00017")}
    short = run_named(neo4j, "money_paths_to_relatives", {"case_id": "K01", "max_hops": 2})
    assert max(r["hops"] for r in short.to_dicts()) == 2
    rows = run_named(neo4j, "transfers_to_relatives_before_acceptance",
                     {"case_id": "K01"}).to_dicts()
    assert "T00008" not in {r["transfer_id"] for r in rows}  # 2021: outside the window


@pytest.mark.parametrize("cypher", [
    *STORE_WRITES, "CALL db.createLabel('Injected')",
    "CREATE INDEX injected IF NOT EXISTS FOR (p:Person) ON (p.name)"])
def test_server_refuses_writes_without_the_lint(neo4j: Neo4jStore, cypher: str) -> None:
    before = neo4j.counts()
    with pytest.raises(ReadOnlyError, match="read-only"):
        from clawback.queries.registry import _query  # the layer below the lint

        _query(neo4j, cypher, {})
    assert neo4j.counts() == before


@pytest.mark.parametrize("cypher", STORE_WRITES)
def test_lint_refuses_writes(neo4j: Neo4jStore, cypher: str) -> None:
    with pytest.raises(ReadOnlyError, match="read-only"):
        run_adhoc(neo4j, cypher)


def test_injection_changes_nothing(neo4j: Neo4jStore) -> None:
    before = neo4j.counts()
    evil = "K01' }) MATCH (n) DETACH DELETE n //"
    for name, q in REGISTRY.items():
        if any(p.name == "case_id" for p in q.params):
            assert run_named(neo4j, name, {"case_id": evil}).rows == [], name
    rows = run_named(neo4j, "transfers_by_id",
                     {"transfer_ids": ["T00012", "x') DETACH DELETE n //"]}).rows
    assert [r[0] for r in rows] == ["T00012"]
    assert neo4j.counts() == before


def test_cli_on_neo4j(neo4j_server: Neo4jServer, neo4j: Neo4jStore,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in neo4j_server.env().items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()
    result = runner.invoke(app, ["query", "run", "money_paths_to_relatives", "--param",
                                 "case_id=K01", "--format", "csv", "--neo4j", neo4j_server.uri])
    assert result.exit_code == 0, result.output
    assert "T00015" in result.output and result.output.startswith("case_id,")
    result = runner.invoke(app, ["query", "cypher", "MATCH (n) DETACH DELETE n",
                                 "--neo4j", neo4j_server.uri])
    assert result.exit_code == 1 and "read-only" in result.output
    assert neo4j.counts()["nodes"]["Person"] == 12
