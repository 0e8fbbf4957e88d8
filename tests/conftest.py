"""Fixtures shared by the test suites: the Neo4j server the ``neo4j`` tests run against.

``make test`` needs nothing running: the first ``neo4j`` test starts a local Neo4j 5.26
(scripts/neo4j_local.py, its own run directory ``.neo4j/test`` — or
``CLAWBACK_NEO4J_TEST_DIR``, for sessions that run side by side — so that a development server's
data is never touched) and the session stops it at the end. With ``NEO4J_URI`` set, the tests
use that server instead — and wipe its database, so never point them at one that matters.
Under CI a server that cannot start fails the tests; elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def neo4j_local() -> ModuleType:
    """scripts/neo4j_local.py, imported by path (it is a script, not part of the package)."""
    path = ROOT / "scripts" / "neo4j_local.py"
    spec = importlib.util.spec_from_file_location("neo4j_local", path)
    assert spec and spec.loader
    if spec.name in sys.modules:
        return sys.modules[spec.name]
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


@dataclass
class Neo4jServer:
    """How the tests reach Neo4j; ``run_dir`` is set when the session started the server
    itself (only then can a test kill and restart it)."""

    uri: str
    user: str
    password: str
    database: str | None = None
    run_dir: Path | None = None

    def settings(self):  # -> Neo4jSettings
        from clawback.graph.neo4j_store import Neo4jSettings

        return Neo4jSettings(self.uri, self.user, self.password, self.database)

    def env(self) -> dict[str, str]:
        env = {"NEO4J_URI": self.uri, "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password}
        if self.database:
            env["NEO4J_DATABASE"] = self.database
        return env


def _unavailable(reason: str) -> None:
    if CI:
        pytest.fail(f"Neo4j is required under CI and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jServer]:
    if os.environ.get("NEO4J_URI"):
        yield Neo4jServer(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                          os.environ.get("NEO4J_PASSWORD", ""),
                          os.environ.get("NEO4J_DATABASE") or None)
        return
    local = neo4j_local()
    # a separate run directory per concurrent pytest session (CLAWBACK_NEO4J_TEST_DIR)
    run_dir = Path(os.environ.get("CLAWBACK_NEO4J_TEST_DIR") or ROOT / ".neo4j" / "test")
    try:
        server = local.start(run_dir)
    except Exception as e:  # any failure to start is reported the same way
        _unavailable(f"the local Neo4j could not start: {e}")
    try:
        yield Neo4jServer(server.uri, server.user, server.password, None, run_dir)
    finally:
        local.stop(run_dir)


@pytest.fixture
def neo4j_store(neo4j_server: Neo4jServer):
    """An empty Neo4j store (the server's database wiped), closed after the test."""
    from clawback.graph.neo4j_store import Neo4jStore

    store = Neo4jStore(neo4j_server.settings())
    store.wipe()
    try:
        yield store
    finally:
        store.close()


def generated_store(root: Path, *, size: int, seed: int) -> Path:
    """A demo portfolio of ``size`` cases generated under ``root/in`` and loaded into an
    embedded store at ``root/store`` (returned)."""
    from clawback.demo.generator import generate_portfolio
    from clawback.graph.embedded import LadybugStore
    from clawback.loaders.load import load_directory

    generate_portfolio(root / "in", size=size, seed=seed)
    with LadybugStore(root / "store") as s:
        load_directory(root / "in", s)
    return root / "store"
