"""The embedded graph store on LadybugDB (the maintained fork of Kuzu).

A store is a directory::

    STORE/graph.lbdb      the database file
    STORE/snapshot/       the tables as Parquet, as of the last load (:mod:`.snapshot`)
    STORE/generation      how many writes the store has taken (part of its fingerprint)
    STORE/loads/BATCH/    the report and quarantine file of each load
    STORE/.initial-load   present only while a first load into an empty store runs

Writes into a non-empty store run in one transaction. The first load into an empty store uses
the engine's faster non-transactional bulk path; if it fails (or the process dies) the marker
file tells the next open to reset the store to empty, which is exactly what it was before.

Node and edge tables are read from the snapshot while it is valid (it is the store's: same
fingerprint, no write under way), else from the engine; Cypher always runs on the engine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import ladybug
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clawback.errors import StoreError
from clawback.graph.schema import SCHEMA, Schema
from clawback.graph.snapshot import Snapshot, SnapshotWriter
from clawback.graph.store import (
    ARROW_TYPES,
    ChangeSet,
    GraphStore,
    NodeChanges,
    QueryResult,
    RelChanges,
    SpooledTable,
    TableLike,
    as_table,
    spool,
)

__all__ = ["DB_FILE", "LadybugStore", "ddl_statements"]

_log = logging.getLogger(__name__)

DB_FILE = "graph.lbdb"
_MARKER = ".initial-load"
_STAGING = ".staging"
_GENERATION = "generation"
_LB_TYPES = {
    "string": "STRING",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "float": "DOUBLE",
    "int": "INT64",
    "bool": "BOOLEAN",
}


def _q(name: str) -> str:
    """Backquote an identifier taken from the schema (never from user input)."""
    return f"`{name}`"


def ddl_statements(schema: Schema = SCHEMA) -> list[str]:
    """``CREATE ... IF NOT EXISTS`` for every node label and relationship type."""
    statements = []
    for label, node in schema.nodes.items():
        props = ", ".join(
            f"{_q(p)} {_LB_TYPES[t]}" for p, t in schema.node_properties(label).items()
        )
        statements.append(
            f"CREATE NODE TABLE IF NOT EXISTS {_q(label)}({props}, PRIMARY KEY({_q(node.key)}))"
        )
    for name, rel in schema.relationships.items():
        pairs = ", ".join(
            f"FROM {_q(a)} TO {_q(b)}" for a in rel.from_labels for b in rel.to_labels
        )
        props = ", ".join(
            f"{_q(p)} {_LB_TYPES[t]}" for p, t in schema.rel_properties(name).items()
        )
        storage = f" WITH (storage_direction = '{rel.embedded_storage}')"
        statements.append(f"CREATE REL TABLE IF NOT EXISTS {_q(name)}({pairs}, {props}){storage}")
    return statements


class LadybugStore(GraphStore):
    """A graph store in a local directory, on LadybugDB.

    >>> import tempfile
    >>> with LadybugStore(tempfile.mkdtemp()) as store:
    ...     store.counts()["nodes"]["Person"]
    0
    """

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        schema: Schema = SCHEMA,
        buffer_pool_bytes: int = 6 << 30,
        use_snapshot: bool | None = None,
    ):
        """``use_snapshot=False`` reads every table from the engine (the snapshot is still
        kept up to date by writes); None: unless the environment sets ``CLAWBACK_SNAPSHOT=0``
        (to compare the two, or to rule the snapshot out)."""
        self.path = Path(path)
        self.schema = schema
        self.read_only = read_only
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file, not a store folder")
        if read_only and not (self.path / DB_FILE).exists():
            raise StoreError(f"no clawback store at {self.path} (run 'clawback load' first)")
        if not read_only:
            self.path.mkdir(parents=True, exist_ok=True)
        self._buffer_pool_bytes = buffer_pool_bytes
        self._threads = os.cpu_count() or 1     # the engine's default, stated to restore it
        self._staged = 0
        self._released = False
        self._use_snapshot = (use_snapshot if use_snapshot is not None
                              else os.environ.get("CLAWBACK_SNAPSHOT", "1") != "0")
        self._snap: Snapshot | None = None
        self._snap_known = False            # whether _snap was looked for since the last write
        self._open()
        if not read_only:
            # Files a killed load left behind; the engine's lock makes this the only writer.
            shutil.rmtree(self.path / _STAGING, ignore_errors=True)
            for scratch in self.path.glob(".snapshot-*"):
                shutil.rmtree(scratch, ignore_errors=True)
            if (self.path / _MARKER).exists():
                self._reset()

    def _open(self) -> None:
        try:
            self._db = ladybug.Database(
                str(self.path / DB_FILE),
                read_only=self.read_only,
                buffer_pool_size=self._buffer_pool_bytes,
                max_num_threads=self._threads,
            )
            self._conn = ladybug.Connection(self._db)
            self._opener = threading.get_ident()
            self._others: list[ladybug.Connection] = []
            self._local = threading.local()
        except RuntimeError as e:
            raise StoreError(f"cannot open the store at {self.path}: {e}") from e
        if not self.read_only:
            self.ensure_schema()

    # -- setup ------------------------------------------------------------------------------
    @property
    def location(self) -> str:
        return str(self.path)

    def _reset(self) -> None:
        """Empty the store after an interrupted first load (it was empty before that load)."""
        Snapshot.remove(self.path)
        self._count_write()
        for name in [*self.schema.relationships, *self.schema.nodes]:
            self._run(f"DROP TABLE IF EXISTS {_q(name)}")
        self.ensure_schema()
        self._run("CHECKPOINT")
        (self.path / _MARKER).unlink(missing_ok=True)

    def ensure_schema(self) -> None:
        for statement in ddl_statements(self.schema):
            self._run(statement)

    def _run(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> Any:
        try:
            result = self._connection().execute(cypher, dict(parameters or {}))
        except RuntimeError as e:
            raise StoreError(f"embedded store {self.path}: {e}") from e
        return result

    def _connection(self) -> ladybug.Connection:
        """This thread's connection. A connection runs one query at a time, so another thread
        (a read running concurrently, :meth:`PortfolioData.from_store`) gets its own on the
        same database; the engine runs concurrent read queries."""
        if self._released:              # release_memory: open again
            self._released = False
            self._open()
        if threading.get_ident() == self._opener:
            return self._conn
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = ladybug.Connection(self._db)
            self._others.append(conn)
        return conn

    # -- reads ------------------------------------------------------------------------------
    def counts(self) -> dict[str, dict[str, int]]:
        nodes = {
            label: self._count(f"MATCH (n:{_q(label)}) RETURN count(*)")
            for label, node in self.schema.nodes.items()
            if not node.system
        }
        rels = {
            name: self._count(f"MATCH ()-[r:{_q(name)}]->() RETURN count(*)")
            for name in self.schema.relationships
        }
        return {"nodes": nodes, "relationships": rels}

    def _count(self, cypher: str) -> int:
        return int(self._run(cypher).get_next()[0])

    def snapshot(self) -> Snapshot | None:
        """The store's valid snapshot, if any (looked at once per open and write)."""
        if not self._use_snapshot:
            return None
        if not self._snap_known:
            self._snap = Snapshot.open(self.path, self.fingerprint())
            self._snap_known = True
        return self._snap

    def node_table(self, label: str, columns: Sequence[str] | None = None) -> pa.Table:
        types = self.schema.node_properties(label)
        columns = list(columns or types)
        snap = None if self.schema.nodes[label].system else self.snapshot()
        if snap is not None and label in snap:
            return snap.node_table(label, {c: types[c] for c in columns})
        return self._engine_node_table(label, columns)

    def _engine_node_table(self, label: str, columns: Sequence[str]) -> pa.Table:
        types = self.schema.node_properties(label)
        ret = ", ".join(f"n.{_q(c)} AS {_q(c)}" for c in columns)
        table = self._arrow(f"MATCH (n:{_q(label)}) RETURN {ret}")
        return _typed(table, {c: types[c] for c in columns})

    def edge_table(self, rel_type: str, columns: Sequence[str] | None = None) -> pa.Table:
        types = self.schema.rel_properties(rel_type)
        columns = list(columns or types)
        snap = self.snapshot()
        if snap is not None and rel_type in snap:
            return snap.edge_table(rel_type, {c: types[c] for c in columns})
        return self._engine_edge_table(rel_type, columns)

    def _engine_edge_table(self, rel_type: str, columns: Sequence[str]) -> pa.Table:
        """The relationships of ``rel_type`` with their end nodes' keys, from the engine.

        The engine returns the end nodes' internal offsets, not their key strings (joining two
        string keys into every row cost a quarter of the read at 10M transfers); the offsets
        are mapped to keys through each label's key column with one ``take``. The rows come in
        the engine's scan order, as ``MATCH (a)-[r]->(b)`` gives them.
        """
        rel = self.schema.relationships[rel_type]
        types = self.schema.rel_properties(rel_type)
        keys: dict[str, pa.Array] = {}
        parts = []
        for a in rel.from_labels:
            for b in rel.to_labels:
                ret = ", ".join(
                    ["offset(ID(a)) AS `from`", "offset(ID(b)) AS `to`"]
                    + [f"r.{_q(c)} AS {_q(c)}" for c in columns]
                )
                t = self._arrow(f"MATCH (a:{_q(a)})-[r:{_q(rel_type)}]->(b:{_q(b)}) RETURN {ret}")
                for end, label in (("from", a), ("to", b)):
                    if label not in keys:
                        keys[label] = self._keys_by_offset(label)
                    i = t.schema.get_field_index(end)
                    t = t.set_column(i, end, _take_keys(keys[label], t.column(end), label))
                if t.column("from").null_count or t.column("to").null_count:
                    # a relationship whose end node was deleted (the key join never saw it)
                    t = t.filter(pc.and_(pc.is_valid(t.column("from")),
                                         pc.is_valid(t.column("to"))))
                n = len(t)
                t = t.append_column("from_label", pa.repeat(pa.scalar(a, pa.string()), n))
                t = t.append_column("to_label", pa.repeat(pa.scalar(b, pa.string()), n))
                parts.append(t)
        types = {"from": "string", "to": "string", **{c: types[c] for c in columns},
                 "from_label": "string", "to_label": "string"}
        table = pa.concat_tables([_typed(t, types) for t in parts])
        order = ["from", "to", "from_label", "to_label", *columns]
        return table.select(order)

    def _keys_by_offset(self, label: str) -> pa.Array:
        """The key of every node of ``label`` at the position of its internal offset (null
        where an offset is unused, e.g. after a delete)."""
        key = self.schema.nodes[label].key
        t = self._arrow(f"MATCH (n:{_q(label)}) RETURN offset(ID(n)) AS o, n.{_q(key)} AS k")
        if not len(t):
            return pa.array([], pa.string())
        offsets = t.column("o").to_numpy()
        values = t.column("k").combine_chunks().cast(pa.string())
        if np.array_equal(offsets, np.arange(len(offsets))):
            return values
        position = np.full(int(offsets.max()) + 1, -1, dtype=np.int64)
        position[offsets] = np.arange(len(offsets))
        return values.take(pa.array(position, mask=position < 0))

    def existing(self, element: str) -> pa.Table:
        if element in self.schema.nodes:
            return self.node_table(element, list(self.schema.nodes[element].property_types))
        props = list(self.schema.relationships[element].property_types)
        return self.edge_table(element, props).select(["from", "to", *props])

    def _arrow(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> pa.Table:
        """A table read, scanned by one thread. The engine's parallel scan returns the rows in
        a different order each time; one thread returns them in storage order, the same for
        the same store (the transfers are scored in that order: a sum over them must not
        change in its last bit from run to run). As fast here: converting the result to
        Arrow, not the scan, is the cost."""
        conn = self._connection()
        conn.set_max_threads_for_exec(1)
        try:
            return self._run(cypher, parameters).get_as_arrow(chunk_size=1_000_000)
        finally:
            conn.set_max_threads_for_exec(self._threads)

    def query(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> QueryResult:
        with self._read_only_transaction():
            result = self._run(cypher, parameters)
            if isinstance(result, list):
                raise StoreError("one Cypher statement at a time, please")
            columns = result.get_column_names()
            rows = [list(row) for row in result.get_all()]
        return QueryResult(columns=columns, rows=rows)

    @contextlib.contextmanager
    def _read_only_transaction(self) -> Iterator[None]:
        if self.read_only:
            yield
            return
        self._run("BEGIN TRANSACTION READ ONLY")
        try:
            yield
        finally:
            with contextlib.suppress(RuntimeError):
                self._conn.execute("ROLLBACK")

    # -- writes -----------------------------------------------------------------------------
    def is_empty(self) -> bool:
        counts = self.counts()
        return not any(counts["nodes"].values()) and not any(counts["relationships"].values())

    def apply(self, changes: ChangeSet) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.path} is open read-only")
        old = self.snapshot()
        self._snap, self._snap_known = None, False
        with Snapshot.set_aside(self.path):
            initial = self.is_empty()
            if initial:
                self._apply_initial(changes)
            else:
                self._run("BEGIN TRANSACTION")
                try:
                    self._write(changes)
                except BaseException:
                    with contextlib.suppress(RuntimeError):
                        self._conn.execute("ROLLBACK")
                    raise
                self._run("COMMIT")
            self._count_write()
        self._write_snapshot(changes, old, initial)

    def generation(self) -> int | None:
        try:
            return int((self.path / _GENERATION).read_text(encoding="ascii"))
        except (OSError, ValueError):
            return None

    def _count_write(self) -> None:
        """One more write (a file replaced whole: a reader sees the old count or the new)."""
        scratch = self.path / f"{_GENERATION}.{os.getpid()}"
        scratch.write_text(str((self.generation() or 0) + 1), encoding="ascii")
        os.replace(scratch, self.path / _GENERATION)

    def _write_snapshot(self, changes: ChangeSet, old: Snapshot | None, initial: bool) -> None:
        """The snapshot after ``changes``: an element the write left alone is carried over
        from the old one; the first load's tables are linked as they were bulk-copied; any
        other changed element is read back from the engine. A failure here costs speed, not
        data: it is logged and the store is read from the engine."""
        writer = SnapshotWriter(self.path)
        nodes = {n.label: n for n in changes.nodes}
        rels = {r.rel_type: r for r in changes.relationships}
        try:
            for label, node in self.schema.nodes.items():
                if node.system:
                    continue
                change = nodes.get(label)
                touched = change is not None and bool(len(change.create) or len(change.update))
                if old is not None and label in old and not touched:
                    writer.keep(label, old)
                elif initial and not (change is not None and len(change.update)):
                    writer.add(label, change.create if change is not None else None)
                else:
                    writer.add(label, self._engine_node_table(
                        label, list(self.schema.node_properties(label))))
            for name, rel in self.schema.relationships.items():
                rchange = rels.get(name)
                groups = rchange.create if rchange is not None else []
                touched = bool(rchange is not None and rchange.delete) or any(
                    len(g.table) for g in groups)
                if old is not None and name in old and not touched:
                    writer.keep(name, old)
                elif initial and not (rchange is not None and rchange.delete):
                    writer.add(name, None)
                    for g in groups:
                        writer.add(name, g.table, from_label=g.from_label, to_label=g.to_label)
                else:
                    pairs = [(a, b) for a in rel.from_labels for b in rel.to_labels]
                    writer.add_edges(name, self._engine_edge_table(
                        name, list(self.schema.rel_properties(name))), pairs)
            writer.commit(self.fingerprint())
        except (OSError, StoreError, pa.ArrowException) as e:
            writer.abort()
            _log.warning("the store's snapshot was not written (%s); tables are read from "
                         "the engine", e)

    def _apply_initial(self, changes: ChangeSet) -> None:
        marker = self.path / _MARKER
        marker.touch()
        try:
            self._write(changes)
            self._run("CHECKPOINT")
        except BaseException:
            self._reset()
            raise
        marker.unlink()

    def _write(self, changes: ChangeSet) -> None:
        for node in changes.nodes:
            self._write_nodes(node)
        for rel in changes.relationships:
            self._delete_rels(rel)
        for rel in changes.relationships:
            for group in rel.create:
                if len(group.table):
                    self._copy(
                        rel.rel_type, group.table,
                        f" (from='{group.from_label}', to='{group.to_label}')",
                    )
        if changes.batch:
            self._run(
                "MERGE (b:LoadBatch {batch_id: $batch_id}) SET "
                + ", ".join(f"b.{_q(k)} = ${k}" for k in changes.batch if k != "batch_id"),
                dict(changes.batch),
            )

    def _write_nodes(self, node: NodeChanges) -> None:
        if len(node.create):
            self._copy(node.label, node.create, "")
        if len(node.update):
            key = self.schema.nodes[node.label].key
            # LOAD FROM binds each column as a variable; positional aliases avoid clashes
            # between property names and Cypher keywords.
            update = as_table(node.update)
            names = update.column_names
            updates = update.rename_columns([f"c{i}" for i in range(len(names))])
            sets = ", ".join(f"n.{_q(p)} = c{i}" for i, p in enumerate(names) if p != key)
            with self._staged_file(updates, node.label) as path:
                self._run(
                    f"LOAD FROM '{path}' MATCH (n:{_q(node.label)}) "
                    f"WHERE n.{_q(key)} = c{names.index(key)} SET {sets}"
                )

    def _delete_rels(self, rel: RelChanges) -> None:
        if not rel.delete:
            return
        key = self.schema.relationships[rel.rel_type].key
        self._run(
            f"MATCH ()-[r:{_q(rel.rel_type)}]->() WHERE r.{_q(key)} IN $keys DELETE r",
            {"keys": list(rel.delete)},
        )

    def _copy(self, table_name: str, table: TableLike, options: str) -> None:
        """One COPY per table: a second COPY into a non-empty relationship table is several
        times slower than one large one (measured: 10M transfers, 111 s in 2M slices)."""
        if isinstance(table, SpooledTable):  # already a Parquet file: copy it as it is
            self._run(f"COPY {_q(table_name)} FROM '{table.path.as_posix()}'{options}")
            return
        with self._staged_file(table, table_name) as path:
            self._run(f"COPY {_q(table_name)} FROM '{path}'{options}")

    @contextlib.contextmanager
    def _staged_file(self, table: pa.Table, name: str) -> Iterator[str]:
        """Hand a table to the engine as a Parquet file, read natively and in parallel.

        (Scanning a large in-memory Arrow table from Python can deadlock the engine's worker
        threads on the GIL, so tables never cross that way.)
        """
        staging = self.spool_directory()
        self._staged += 1
        path = staging / f"{self._staged:04d}-{name}.parquet"
        spool(table, path)
        try:
            yield path.as_posix()
        finally:
            path.unlink(missing_ok=True)

    def spool_directory(self) -> Path:
        staging = self.path / _STAGING
        staging.mkdir(exist_ok=True)
        return staging

    def release_memory(self) -> None:
        """Close the database, freeing its buffer pool; it opens again on the next query.
        Only a read-only store is released: a writer keeps its lock and transaction."""
        if self.read_only and not self._released:
            self.close()
            self._released = True

    def close(self) -> None:
        conn, db = getattr(self, "_conn", None), getattr(self, "_db", None)
        for other in getattr(self, "_others", []):
            other.close()
        self._others = []
        self._local = threading.local()
        if conn is not None:
            conn.close()
        if db is not None:
            db.close()
        self._conn = self._db = None  # type: ignore[assignment]

    def destroy(self) -> None:
        """Close and delete the whole store directory."""
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)


def _take_keys(keys: pa.Array, offsets: pa.ChunkedArray, label: str) -> pa.ChunkedArray:
    """The keys of ``label`` at ``offsets`` (null at the offset of a deleted node)."""
    if not len(offsets):
        return pa.chunked_array([], pa.string())
    beyond = pc.max(offsets).as_py() + 1 - len(keys)
    if beyond > 0:  # deleted nodes at the end of the node table
        keys = pa.concat_arrays([keys, pa.nulls(beyond, pa.string())])
    return keys.take(offsets)


def _typed(table: pa.Table, types: Mapping[str, str]) -> pa.Table:
    """Cast an engine result to the schema's Arrow types (empty results come back untyped)."""
    arrays = []
    for name, t in types.items():
        column = table.column(name) if len(table) else pa.chunked_array([], ARROW_TYPES[t])
        arrays.append(column.cast(ARROW_TYPES[t]) if column.type != ARROW_TYPES[t] else column)
    return pa.table(dict(zip(types, arrays, strict=True)))
