"""Open the store a command names: the embedded one at ``--store PATH`` or a Neo4j server at
``--neo4j URI`` (or ``NEO4J_URI``). One place, so that every command treats both alike."""

from __future__ import annotations

from pathlib import Path

from clawback.graph.store import GraphStore

__all__ = ["open_store"]


def open_store(store: str | Path, neo4j: str | None = None, *, read_only: bool = False
               ) -> GraphStore:
    """A Neo4j store when ``neo4j`` is given (credentials from ``NEO4J_USER``,
    ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``), else the embedded store at ``store``."""
    if neo4j:
        from clawback.graph.neo4j_store import Neo4jSettings, Neo4jStore

        return Neo4jStore(Neo4jSettings.from_env(neo4j), read_only=read_only)
    from clawback.graph.embedded import LadybugStore

    return LadybugStore(store, read_only=read_only)
