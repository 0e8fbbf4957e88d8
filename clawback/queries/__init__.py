"""Named, read-only Cypher queries for legal teams: one ``.cypher`` file each in
``clawback/queries/library/``, with a header (name, zh/en title, typed parameters, returned
columns), linted against the schema at import (:mod:`clawback.queries.registry`) and run through
:meth:`clawback.graph.store.GraphStore.query`, which both engines keep read-only.

``clawback query list|show|run|cypher`` is the command line (:mod:`clawback.queries.cli`);
``docs/queries.md`` is rendered by :mod:`clawback.queries.docs`.
"""

__all__: list[str] = []
