"""Named, read-only Cypher queries for legal teams: one ``.cypher`` file each, with a header
(name, zh/en title, typed parameters, returned columns), linted against the schema and run
through :meth:`clawback.graph.store.GraphStore.query`, which the engines keep read-only.

The query library itself arrives with its own issue; ad-hoc read-only Cypher already works
through ``GraphStore.query``.
"""
