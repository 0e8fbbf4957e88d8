"""The graph store on a Neo4j 5 server (``bolt://`` or ``neo4j://``, local, Docker or Aura).

Same interface and the same graph as the embedded store: the schema's labels, relationship types,
keys and properties, provenance on every element. Differences a user sees:

- **Loads** are written in batches (``UNWIND`` over a batch of rows sent as columns, ``MERGE``
  on the uniqueness-constrained keys), each batch its own transaction. A change set of up to
  ``atomic_rows`` rows goes in one transaction (all or nothing, as in the embedded store); a
  larger one is *resumable* instead: if
  the load dies half-way, running it again computes the difference against what did land and
  ends with exactly the graph a clean load gives. The ``LoadBatch`` node is written last, so a
  batch without it did not finish.
- **Reads** stream with a fetch size; :meth:`query` runs in a READ transaction, so the *server*
  refuses writes.
- Timestamps are stored as ``LocalDateTime`` in UTC, dates as ``Date`` (as the embedded store's
  TIMESTAMP and DATE); a null property is an absent one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

try:  # neo4j-rust-ext speeds up the wire format; the plain driver works the same without it
    import neo4j
    from neo4j import GraphDatabase, ManagedTransaction, Session
    from neo4j import exceptions as neo4j_errors
except ImportError as e:  # pragma: no cover - a declared dependency
    raise ImportError("the Neo4j store needs the 'neo4j' package (pip install neo4j)") from e

from clawback.errors import StoreError
from clawback.graph.schema import SCHEMA, Schema
from clawback.graph.store import (
    ARROW_TYPES,
    ChangeSet,
    GraphStore,
    QueryResult,
    TableLike,
)

__all__ = [
    "MIN_SERVER_MAJOR", "Neo4jSettings", "Neo4jStore", "check_version", "constraint_statements",
]

_STATE = "ClawbackStore"
"""The label of the node that counts the loads (:meth:`Neo4jStore.generation`)."""

MIN_SERVER_MAJOR = 5
"""Neo4j 5 (5.26 LTS is what the tests run) or later: relationship uniqueness constraints and
``IF NOT EXISTS`` DDL need it."""

DEFAULT_BATCH = 5_000
"""Rows per ``UNWIND`` transaction; benchmarks/bench_neo4j.py measures the choice (1,000 and
5,000 ran alike, 10,000 and 20,000 slower)."""


DEFAULT_ATOMIC_ROWS = 50_000
"""A change set up to this many rows is written in one transaction (all or nothing)."""


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise StoreError(f"{name}={value!r} is not a whole number") from None


def _q(name: str) -> str:
    """Backquote an identifier taken from the schema (never from user input)."""
    return f"`{name}`"


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and how to connect; :meth:`from_env` reads ``NEO4J_URI``, ``NEO4J_USER``,
    ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``."""

    uri: str
    user: str = "neo4j"
    password: str = ""
    database: str | None = None

    @classmethod
    def from_env(cls, uri: str | None = None, env: Mapping[str, str] | None = None
                 ) -> Neo4jSettings:
        """Settings from the environment, ``uri`` (e.g. ``--neo4j``) taking precedence.

        >>> s = Neo4jSettings.from_env(env={"NEO4J_URI": "bolt://h:7687", "NEO4J_PASSWORD": "x"})
        >>> (s.uri, s.user, s.password, s.database)
        ('bolt://h:7687', 'neo4j', 'x', None)
        """
        env = os.environ if env is None else env
        uri = uri or env.get("NEO4J_URI")
        if not uri:
            raise StoreError("no Neo4j URI: pass --neo4j URI or set NEO4J_URI")
        return cls(uri=uri, user=env.get("NEO4J_USER") or "neo4j",
                   password=env.get("NEO4J_PASSWORD") or "",
                   database=env.get("NEO4J_DATABASE") or None)


def check_version(version: str, where: str) -> None:
    """Refuse a server older than :data:`MIN_SERVER_MAJOR`, in one line.

    >>> check_version("5.26.30", "bolt://h"); check_version("2025.10.1", "bolt://h")
    >>> check_version("4.4.30", "bolt://h")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    clawback.errors.StoreError: Neo4j 4.4.30 at bolt://h is not supported: ... Neo4j 5 or later ...
    """
    match = re.match(r"(\d+)\.", version)
    if not match or int(match.group(1)) < MIN_SERVER_MAJOR:
        raise StoreError(
            f"Neo4j {version} at {where} is not supported: clawback needs "
            f"Neo4j {MIN_SERVER_MAJOR} or later (5.26 LTS is tested)")


def constraint_statements(schema: Schema = SCHEMA) -> list[str]:
    """Uniqueness constraints on every key and the schema's extra indexes, ``IF NOT EXISTS``.

    >>> print(constraint_statements()[0].replace(" FOR", "\\n  FOR"))
    CREATE CONSTRAINT clawback_Person_key IF NOT EXISTS
      FOR (n:`Person`) REQUIRE n.`person_id` IS UNIQUE
    """
    out = []
    for label, node in schema.nodes.items():
        out.append(f"CREATE CONSTRAINT clawback_{label}_key IF NOT EXISTS "
                   f"FOR (n:{_q(label)}) REQUIRE n.{_q(node.key)} IS UNIQUE")
    for name, rel in schema.relationships.items():
        out.append(f"CREATE CONSTRAINT clawback_{name}_key IF NOT EXISTS "
                   f"FOR ()-[r:{_q(name)}]-() REQUIRE r.{_q(rel.key)} IS UNIQUE")
    for label, node in schema.nodes.items():
        for prop in node.indexes:
            out.append(f"CREATE INDEX clawback_{label}_{prop} IF NOT EXISTS "
                       f"FOR (n:{_q(label)}) ON (n.{_q(prop)})")
    for name, rel in schema.relationships.items():
        for prop in rel.indexes:
            out.append(f"CREATE INDEX clawback_{name}_{prop} IF NOT EXISTS "
                       f"FOR ()-[r:{_q(name)}]-() ON (r.{_q(prop)})")
    return out


# -- values between Arrow and Bolt ------------------------------------------------------------
def _to_native(value: Any) -> Any:
    """Driver temporal values to Python ones (naive UTC for date-times)."""
    if isinstance(value, neo4j.time.DateTime):
        native = value.to_native()
        if native.tzinfo is not None:
            native = native.astimezone(dt.UTC).replace(tzinfo=None)
        return native
    if isinstance(value, neo4j.time.Date | neo4j.time.Time):
        return value.to_native()
    return value


def _arrow_column(values: list[Any], type_name: str) -> pa.Array:
    if type_name in _TEMPORAL:  # read as ISO text (see _get): Arrow parses it in C++
        return pa.array(values, type=pa.string()).cast(ARROW_TYPES[type_name])
    return pa.array(values, type=ARROW_TYPES[type_name])


_TEMPORAL = {"date", "timestamp"}


def _get(var: str, prop: str, type_name: str) -> str:
    """``var.prop AS prop``; temporal values come back as text, which the driver hands over
    several times faster than it hydrates Date and LocalDateTime objects."""
    expr = f"{var}.{_q(prop)}"
    if type_name in _TEMPORAL:
        expr = f"toString({expr})"
    return f"{expr} AS {_q(prop)}"


def _columns(table: TableLike, size: int) -> Iterator[dict[str, list[Any]]]:
    """The table ``size`` rows at a time, as one list per column (spooled tables stream).

    Columns, not row maps: Bolt packs a list of strings or numbers several times faster than
    as many maps, and dates and timestamps travel as ISO text that the server parses
    (``date()``, ``localdatetime()``), because the driver packs temporal objects in Python,
    slowly (measured: 19k rows/s as row maps with temporal values, 207k/s as columns without).
    """
    batches = (table.to_batches(max_chunksize=size) if isinstance(table, pa.Table)
               else table.batches(size))
    for batch in batches:
        out: dict[str, list[Any]] = {}
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            if pa.types.is_timestamp(column.type):
                column = pc.strftime(column, format="%Y-%m-%dT%H:%M:%S")
            elif pa.types.is_date(column.type):
                column = column.cast(pa.string())
            out[name] = column.to_pylist()
        yield out


def _value(name: str, arrow_type: pa.DataType) -> str:
    """The Cypher expression for column ``name`` of the current row ``i`` of ``$c``."""
    ref = f"$c.{_q(name)}[i]"
    if pa.types.is_timestamp(arrow_type):
        return f"localdatetime({ref})"
    if pa.types.is_date(arrow_type):
        return f"date({ref})"
    return ref


def _unwind(key: str) -> str:
    return f"UNWIND range(0, size($c.{_q(key)}) - 1) AS i "


_SERVER_DOWN = (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired,
                OSError)


def _message(e: Exception) -> str:
    text = getattr(e, "message", None) or str(e) or type(e).__name__
    return re.sub(r"\s+", " ", text).strip()


class Neo4jStore(GraphStore):
    """A graph store on a Neo4j 5 server.

    Opening checks, with one-line :class:`~clawback.errors.StoreError` messages: that the server
    answers, that the user and password are accepted, that the database exists and that the
    server version is supported; then (unless ``read_only``) creates the constraints.
    """

    def __init__(
        self,
        settings: Neo4jSettings,
        *,
        read_only: bool = False,
        schema: Schema = SCHEMA,
        batch_size: int | None = None,
        fetch_size: int = 10_000,
        atomic_rows: int | None = None,
    ):
        self.settings = settings
        self.schema = schema
        self.read_only = read_only
        self.batch_size = batch_size or _env_int("CLAWBACK_NEO4J_BATCH_SIZE", DEFAULT_BATCH)
        self.fetch_size = fetch_size
        self.atomic_rows = (_env_int("CLAWBACK_NEO4J_ATOMIC_ROWS", DEFAULT_ATOMIC_ROWS)
                            if atomic_rows is None else atomic_rows)
        try:
            self._driver = GraphDatabase.driver(
                settings.uri, auth=(settings.user, settings.password),
                connection_timeout=10, max_transaction_retry_time=15,
                user_agent="clawback", notifications_min_severity="OFF",
            )
        except (ValueError, neo4j_errors.ConfigurationError) as e:
            raise StoreError(f"invalid Neo4j URI {settings.uri!r}: {_message(e)}") from e
        try:
            self.server_version = self._check_server()
            if not read_only:
                self.ensure_schema()
        except BaseException:
            self._driver.close()
            raise

    # -- connection -------------------------------------------------------------------------
    @property
    def location(self) -> str:
        db = f" (database {self.settings.database})" if self.settings.database else ""
        return f"{self.settings.uri}{db}"

    def _session(self, read: bool = False, fetch_size: int | None = None) -> Session:
        return self._driver.session(
            database=self.settings.database,
            default_access_mode=neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS,
            fetch_size=fetch_size or self.fetch_size,
        )

    def _error(self, e: Exception) -> StoreError:
        """One line for what went wrong talking to the server."""
        where = self.settings.uri
        if isinstance(e, neo4j_errors.AuthError):
            return StoreError(
                f"Neo4j at {where} refused user {self.settings.user!r}: wrong user or password "
                "(NEO4J_USER / NEO4J_PASSWORD)")
        if isinstance(e, neo4j_errors.ClientError) and e.code and "DatabaseNotFound" in e.code:
            return StoreError(
                f"Neo4j at {where} has no database {self.settings.database!r} (NEO4J_DATABASE)")
        if isinstance(e, _SERVER_DOWN):
            return StoreError(f"cannot reach Neo4j at {where}: is the server running?")
        if isinstance(e, neo4j_errors.Neo4jError):
            return StoreError(f"Neo4j at {where}: {_message(e)}")
        return StoreError(f"Neo4j at {where}: {type(e).__name__}: {_message(e)}")

    def _check_server(self) -> str:
        try:
            self._driver.verify_connectivity()
            with self._session(read=True) as s:
                record = s.run("CALL dbms.components() YIELD name, versions, edition "
                               "RETURN versions[0] AS version, edition").single()
        except Exception as e:
            raise self._error(e) from e
        version = str(record["version"]) if record else "unknown"
        check_version(version, self.settings.uri)
        return version

    def _read(self, cypher: str, parameters: Mapping[str, Any] | None = None,
              fetch_size: int | None = None) -> tuple[list[str], list[list[Any]]]:
        """Run read-only Cypher in a READ transaction; the server refuses writes."""

        def work(tx: ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
            result = tx.run(cypher, dict(parameters or {}))
            return list(result.keys()), [list(r.values()) for r in result]

        try:
            with self._session(read=True, fetch_size=fetch_size) as s:
                return s.execute_read(work)
        except Exception as e:
            raise self._error(e) from e

    def _write_tx(self, work: Any) -> Any:
        try:
            with self._session() as s:
                return s.execute_write(work)
        except Exception as e:
            raise self._error(e) from e

    # -- setup ------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create the schema's constraints and indexes, and drop the ``clawback_`` ones an
        earlier schema made that this one no longer names."""
        statements = constraint_statements(self.schema)
        wanted = {s.split()[2] for s in statements}
        try:
            with self._session() as s:
                for kind, show in (("CONSTRAINT", "SHOW CONSTRAINTS"), ("INDEX", "SHOW INDEXES")):
                    names = [r["name"] for r in s.run(
                        f"{show} YIELD name WHERE name STARTS WITH 'clawback_' RETURN name")]
                    for name in sorted(set(names) - wanted):
                        s.run(f"DROP {kind} {_q(name)} IF EXISTS").consume()
                for statement in statements:
                    s.run(statement).consume()
        except Exception as e:
            raise self._error(e) from e

    # -- reads ------------------------------------------------------------------------------
    def counts(self) -> dict[str, dict[str, int]]:
        nodes = {label: self._count(f"MATCH (n:{_q(label)}) RETURN count(n)")
                 for label, node in self.schema.nodes.items() if not node.system}
        rels = {name: self._count(f"MATCH ()-[r:{_q(name)}]->() RETURN count(r)")
                for name in self.schema.relationships}
        return {"nodes": nodes, "relationships": rels}

    def _count(self, cypher: str) -> int:
        return int(self._read(cypher)[1][0][0])

    def is_empty(self) -> bool:
        counts = self.counts()
        return not any(counts["nodes"].values()) and not any(counts["relationships"].values())

    def node_table(self, label: str, columns: Sequence[str] | None = None) -> pa.Table:
        types = self.schema.node_properties(label)
        columns = list(columns or types)
        ret = ", ".join(_get("n", c, types[c]) for c in columns)
        return self._read_table(f"MATCH (n:{_q(label)}) RETURN {ret}",
                                {c: types[c] for c in columns})

    def edge_table(self, rel_type: str, columns: Sequence[str] | None = None) -> pa.Table:
        rel = self.schema.relationships[rel_type]
        types = self.schema.rel_properties(rel_type)
        columns = list(columns or types)
        ends = " ".join(
            f"WHEN a:{_q(x)} THEN a.{_q(self.schema.nodes[x].key)}" for x in rel.from_labels)
        ende = " ".join(
            f"WHEN b:{_q(x)} THEN b.{_q(self.schema.nodes[x].key)}" for x in rel.to_labels)
        lab_a = " ".join(f"WHEN a:{_q(x)} THEN '{x}'" for x in rel.from_labels)
        lab_b = " ".join(f"WHEN b:{_q(x)} THEN '{x}'" for x in rel.to_labels)
        ret = ", ".join(
            [f"CASE {ends} END AS `from`", f"CASE {ende} END AS `to`",
             f"CASE {lab_a} END AS from_label", f"CASE {lab_b} END AS to_label"]
            + [_get("r", c, types[c]) for c in columns])
        return self._read_table(
            f"MATCH (a)-[r:{_q(rel_type)}]->(b) RETURN {ret}",
            {"from": "string", "to": "string", "from_label": "string", "to_label": "string",
             **{c: types[c] for c in columns}})

    def _read_table(self, cypher: str, types: Mapping[str, str]) -> pa.Table:
        """Stream a result (``fetch_size`` records per round trip) into a typed Arrow table,
        converting every 100,000 rows so that Python objects never pile up."""
        names = list(types)
        chunk = 100_000

        def work(tx: ManagedTransaction) -> list[pa.RecordBatch]:
            batches: list[pa.RecordBatch] = []
            columns: list[list[Any]] = [[] for _ in names]
            for record in tx.run(cypher):
                for column, value in zip(columns, record.values(), strict=True):
                    column.append(value)
                if len(columns[0]) >= chunk:
                    batches.append(_batch(columns, names, types))
                    columns = [[] for _ in names]
            batches.append(_batch(columns, names, types))
            return batches

        try:
            with self._session(read=True) as s:
                batches = s.execute_read(work)
        except Exception as e:
            raise self._error(e) from e
        return pa.Table.from_batches(batches)

    def existing(self, element: str) -> pa.Table:
        if element in self.schema.nodes:
            return self.node_table(element, list(self.schema.nodes[element].property_types))
        props = list(self.schema.relationships[element].property_types)
        return self.edge_table(element, props).select(["from", "to", *props])

    def query(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> QueryResult:
        columns, rows = self._read(cypher, parameters)
        return QueryResult(columns=columns,
                           rows=[[_to_native(v) for v in row] for row in rows])

    # -- writes -----------------------------------------------------------------------------
    def apply(self, changes: ChangeSet) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only")
        steps = list(self._steps(changes))
        total = sum(n for _, _, n in steps)
        if total <= self.atomic_rows:
            self._apply_atomic(steps)
        else:
            self._apply_batched(steps)
        self._write_tx(lambda tx: tx.run(
            f"MERGE (s:{_STATE} {{id: 'store'}}) "
            "SET s.generation = coalesce(s.generation, 0) + 1").consume())

    def generation(self) -> int | None:
        """How many loads the database has taken (a ``ClawbackStore`` node outside the
        schema's labels, so no count, projection or query of the graph sees it)."""
        _, rows = self._read(f"MATCH (s:{_STATE} {{id: 'store'}}) RETURN s.generation")
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    def _steps(self, changes: ChangeSet) -> Iterator[tuple[str, Any, int]]:
        """(cypher, rows source, row count) in write order: nodes, deletions, relationships,
        and the batch node last (its presence says the load finished)."""
        for node in changes.nodes:
            for table in (node.create, node.update):
                if len(table):
                    yield self._merge_nodes(node.label, table.schema), table, len(table)
        for rel in changes.relationships:
            if rel.delete:
                key = self.schema.relationships[rel.rel_type].key
                cypher = (f"{_unwind('k')}MATCH ()-[r:{_q(rel.rel_type)} "
                          f"{{{_q(key)}: $c.k[i]}}]->() DELETE r RETURN count(*) AS n")
                keys = pa.table({"k": pa.array(list(rel.delete), pa.string())})
                yield cypher, keys, len(keys)
        for rel in changes.relationships:
            for group in rel.create:
                if len(group.table):
                    cypher = self._merge_rels(rel.rel_type, group.from_label, group.to_label,
                                              group.table.schema)
                    yield cypher, group.table, len(group.table)
        if changes.batch:
            batch = pa.Table.from_pylist([dict(changes.batch)])
            props = ", ".join(f"b.{_q(k)} = $c.{_q(k)}[i]" for k in batch.column_names
                              if k != "batch_id")
            cypher = (f"{_unwind('batch_id')}MERGE (b:LoadBatch {{batch_id: $c.batch_id[i]}}) "
                      f"SET {props} RETURN count(*) AS n")
            yield cypher, batch, 1

    # One map per element (`SET n += {...}`) rather than one SET per property: measured 1.8x
    # faster for transfers. A null in the map removes the property: null means absent.
    def _merge_nodes(self, label: str, columns: pa.Schema) -> str:
        key = self.schema.nodes[label].key
        props = ", ".join(f"{_q(f.name)}: {_value(f.name, f.type)}"
                          for f in columns if f.name != key)
        return (f"{_unwind(key)}MERGE (n:{_q(label)} {{{_q(key)}: $c.{_q(key)}[i]}}) "
                f"SET n += {{{props}}} RETURN count(*) AS n")

    def _merge_rels(self, rel_type: str, a: str, b: str, columns: pa.Schema) -> str:
        key = self.schema.relationships[rel_type].key
        ka, kb = self.schema.nodes[a].key, self.schema.nodes[b].key
        props = ", ".join(f"{_q(f.name)}: {_value(f.name, f.type)}" for f in columns
                          if f.name not in {"from", "to", key})
        return (f"{_unwind(key)}"
                f"MATCH (a:{_q(a)} {{{_q(ka)}: $c.`from`[i]}}) "
                f"MATCH (b:{_q(b)} {{{_q(kb)}: $c.`to`[i]}}) "
                f"MERGE (a)-[r:{_q(rel_type)} {{{_q(key)}: $c.{_q(key)}[i]}}]->(b) "
                f"SET r += {{{props}}} RETURN count(*) AS n")

    def _batches(self, steps: Iterable[tuple[str, Any, int]]
                 ) -> Iterator[tuple[str, dict[str, list[Any]]]]:
        for cypher, source, _ in steps:
            for columns in _columns(source, self.batch_size):
                yield cypher, columns

    @staticmethod
    def _run_batch(tx: Any, cypher: str, columns: dict[str, list[Any]]) -> None:
        record = tx.run(cypher, c=columns).single()
        written = record["n"] if record else 0
        rows = len(next(iter(columns.values())))
        if written != rows and "DELETE" not in cypher:
            raise StoreError(
                f"{rows - written} of {rows} rows found no end node "
                f"({cypher.split(' MATCH ')[1] if ' MATCH ' in cypher else cypher[:60]})")

    def _apply_atomic(self, steps: list[tuple[str, Any, int]]) -> None:
        try:
            with self._session() as s, s.begin_transaction() as tx:
                for cypher, rows in self._batches(steps):
                    self._run_batch(tx, cypher, rows)
                tx.commit()
        except StoreError:
            raise
        except Exception as e:
            raise self._error(e) from e

    def _apply_batched(self, steps: list[tuple[str, Any, int]]) -> None:
        try:
            with self._session() as s:
                for cypher, rows in self._batches(steps):
                    s.execute_write(self._run_batch, cypher, rows)
        except StoreError:
            raise
        except Exception as e:
            error = self._error(e)
            raise StoreError(f"{error} - the load stopped part-way; run it again to finish it "
                             "(it resumes from what was written)") from e

    def wipe(self) -> None:
        """Delete every node and relationship (constraints stay). For tests and resets.

        Relationships first, then nodes, 20,000 per transaction: one ``DETACH DELETE`` of a
        well-connected graph outgrows the server's transaction memory."""
        for cypher in ("MATCH ()-[r]->() WITH r LIMIT 20000 DELETE r RETURN count(*) AS n",
                       "MATCH (n) WITH n LIMIT 20000 DELETE n RETURN count(*) AS n"):
            def work(tx: ManagedTransaction, cypher: str = cypher) -> int:
                record = tx.run(cypher).single()
                return int(record["n"]) if record else 0

            while self._write_tx(work):
                pass

    def close(self) -> None:
        self._driver.close()


def _batch(columns: list[list[Any]], names: list[str], types: Mapping[str, str]
           ) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays(
        [_arrow_column(c, types[n]) for n, c in zip(names, columns, strict=True)], names=names)
