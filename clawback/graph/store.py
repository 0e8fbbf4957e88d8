"""The graph-store interface that both backends implement.

A store holds the graph described by :data:`clawback.graph.schema.SCHEMA`. The loaders hand it a
:class:`ChangeSet` computed against what it already holds; the algorithms read typed node and
edge tables (Arrow) from it; the query layer runs parameterized, read-only Cypher.

The embedded backend (:mod:`clawback.graph.embedded`, LadybugDB) is the default; Neo4j gets its
own module. Cypher shared by both sticks to the dialect both engines accept.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.parquet as pq

from clawback.graph.schema import SCHEMA, Schema

__all__ = [
    "ARROW_TYPES",
    "ChangeSet",
    "GraphStore",
    "Neighbourhood",
    "NodeChanges",
    "QueryResult",
    "RelChanges",
    "RelGroup",
    "SpooledTable",
    "TableLike",
    "arrow_schema",
    "as_table",
    "spool",
]

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "float": pa.float64(),
    "int": pa.int64(),
    "bool": pa.bool_(),
}


def arrow_schema(property_types: Mapping[str, str]) -> pa.Schema:
    """The Arrow schema of a node or relationship table with these property types."""
    return pa.schema([(name, ARROW_TYPES[t]) for name, t in property_types.items()])


@dataclass(frozen=True)
class SpooledTable:
    """An Arrow table parked on disk, as uncompressed Parquet, until a store writes it.

    A large load hands its change set over this way so that memory holds one element type at a
    time rather than the whole graph; the embedded store bulk-copies the file as it is.
    """

    path: Path
    num_rows: int
    schema: pa.Schema

    def __len__(self) -> int:
        return self.num_rows

    def read(self) -> pa.Table:
        return pq.read_table(self.path, memory_map=True)

    def batches(self, size: int) -> Iterator[pa.RecordBatch]:
        yield from pq.ParquetFile(self.path, memory_map=True).iter_batches(batch_size=size)


TableLike: TypeAlias = "pa.Table | SpooledTable"


def spool(table: pa.Table, path: str | Path) -> SpooledTable:
    """Write ``table`` to ``path`` (Parquet, no compression: it is read once, soon) and return
    its handle; the caller may then drop the table.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     s = spool(pa.table({"a": [1, 2]}), Path(d) / "a.parquet")
    ...     (len(s), s.read().column("a").to_pylist())
    (2, [1, 2])
    """
    path = Path(path)
    pq.write_table(table, path, compression="none", use_dictionary=False,
                   write_statistics=False, row_group_size=1 << 17)
    return SpooledTable(path, table.num_rows, table.schema)


def as_table(table: TableLike) -> pa.Table:
    """The table itself, read back from disk if it was spooled."""
    return table.read() if isinstance(table, SpooledTable) else table


@dataclass(frozen=True)
class NodeChanges:
    """Nodes of one label to create and to update (full rows with every property)."""

    label: str
    create: TableLike
    update: TableLike


@dataclass(frozen=True)
class RelGroup:
    """Relationships of one type between one pair of labels.

    ``table`` has the columns ``from`` and ``to`` (the end nodes' keys) and then every property.
    """

    from_label: str
    to_label: str
    table: TableLike


@dataclass(frozen=True)
class RelChanges:
    """Relationships of one type to delete (by key) and to create.

    A changed relationship is deleted and created again: its end nodes may have changed.
    """

    rel_type: str
    delete: Sequence[str] = ()
    create: Sequence[RelGroup] = ()


@dataclass(frozen=True)
class ChangeSet:
    """Everything one load writes, applied atomically by :meth:`GraphStore.apply`."""

    nodes: Sequence[NodeChanges] = ()
    relationships: Sequence[RelChanges] = ()
    batch: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not any(len(n.create) or len(n.update) for n in self.nodes) and not any(
            len(r.delete) or any(len(g.table) for g in r.create) for r in self.relationships
        )


@dataclass(frozen=True)
class QueryResult:
    """Rows of a read-only query, with their column names."""

    columns: list[str]
    rows: list[list[Any]]

    def to_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Neighbourhood:
    """The elements within some hops of a node, in a deterministic order.

    ``nodes``: ``{"label", "key", **properties}`` (provenance left out); ``edges``:
    ``{"type", "key", "from_label", "from", "to_label", "to"}``. ``truncated`` says the node
    limit stopped the expansion.
    """

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    truncated: bool = False


class GraphStore(ABC):
    """What every backend provides. Use it as a context manager, or call :meth:`close`."""

    schema: Schema = SCHEMA
    read_only: bool = False

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the store is (a directory or a URI), for messages."""

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create every node label and relationship type of the schema that is missing."""

    @abstractmethod
    def existing(self, element: str) -> pa.Table:
        """Every stored element of a label or type with its properties (provenance left out)
        and, for relationships, the ``from``/``to`` keys: what a re-load compares against."""

    @abstractmethod
    def is_empty(self) -> bool:
        """True when the store holds no node and no relationship."""

    @abstractmethod
    def apply(self, changes: ChangeSet) -> None:
        """Write a change set. All of it or, on any failure, none of it."""

    @abstractmethod
    def counts(self) -> dict[str, dict[str, int]]:
        """``{"nodes": {label: n}, "relationships": {type: n}}`` for every schema element."""

    @abstractmethod
    def node_table(self, label: str, columns: Sequence[str] | None = None) -> pa.Table:
        """Every node of a label as an Arrow table typed by the schema."""

    @abstractmethod
    def edge_table(self, rel_type: str, columns: Sequence[str] | None = None) -> pa.Table:
        """Every relationship of a type: ``from``, ``to`` (end-node keys), ``from_label``,
        ``to_label``, then the requested properties (all by default), typed by the schema."""

    @abstractmethod
    def query(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> QueryResult:
        """Run read-only Cypher with ``$parameters``; the engine itself refuses writes."""

    @abstractmethod
    def close(self) -> None:
        """Release the store."""

    def fingerprint(self) -> str:
        """A hash of what the store holds: its load batches, its counts per label and type
        and, where the store keeps one, the number of writes it took (:meth:`generation`).
        What the cached results and the embedded store's snapshot are checked against.

        Batches and counts alone miss a load that takes the store back to an earlier state
        (load A, then B with the same counts, then A again: the batches are {A, B} after the
        second load and after the third); the write count tells those apart."""
        batches = self.node_table("LoadBatch", ["batch_id"]).column("batch_id").to_pylist()
        payload: dict[str, Any] = {"batches": sorted(str(b) for b in batches),
                                   "counts": self.counts()}
        generation = self.generation()
        if generation is not None:
            payload["generation"] = generation
        text = json.dumps(payload, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode("ascii")).hexdigest()

    def generation(self) -> int | None:
        """How many writes the store has taken, where it counts them (None: it does not; a
        store written before it did counts from its next write)."""
        return None

    def neighbourhood(self, label: str, key: str, *, hops: int = 1,
                      rel_types: Sequence[str] | None = None, limit: int = 500) -> Neighbourhood:
        """Nodes and relationships within ``hops`` of node ``label``/``key``, either
        direction, over ``rel_types`` (all by default); at most ``limit`` nodes.

        Written in the Cypher both engines accept (directed patterns, ``IN $keys``), one query
        per relationship type, pair of end labels and direction.
        """
        schema = self.schema
        seen: dict[tuple[str, str], int] = {(label, key): 0}
        frontier = {label: {key}}
        edges: dict[tuple[str, str], dict[str, Any]] = {}
        truncated = False
        for hop in range(1, hops + 1):
            found: dict[str, set[str]] = {}
            for name in rel_types or list(schema.relationships):
                rel = schema.relationships[name]
                for a in rel.from_labels:
                    for b in rel.to_labels:
                        ka, kb = schema.nodes[a].key, schema.nodes[b].key
                        ends = [(f"x.`{ka}`", frontier.get(a)), (f"y.`{kb}`", frontier.get(b))]
                        for where, keys in ends:
                            if not keys:
                                continue
                            rows = self.query(
                                f"MATCH (x:`{a}`)-[r:`{name}`]->(y:`{b}`) WHERE {where} IN $keys "
                                f"RETURN x.`{ka}`, r.`{rel.key}`, y.`{kb}`",
                                {"keys": sorted(keys)}).rows
                            for x, k, y in rows:
                                edges[(name, k)] = {"type": name, "key": k, "from_label": a,
                                                    "from": x, "to_label": b, "to": y}
                                for end in ((a, x), (b, y)):
                                    if end not in seen:
                                        found.setdefault(end[0], set()).add(end[1])
            frontier = {}
            for lab in sorted(found):
                for k in sorted(found[lab]):
                    if (lab, k) in seen:
                        continue
                    if len(seen) >= limit:
                        truncated = True
                        break
                    seen[(lab, k)] = hop
                    frontier.setdefault(lab, set()).add(k)
            if not frontier:
                break
        kept = set(seen)
        edge_list = [e for e in edges.values()
                     if (e["from_label"], e["from"]) in kept and (e["to_label"], e["to"]) in kept]
        nodes: list[dict[str, Any]] = []
        by_label: dict[str, list[str]] = {}
        for lab, k in seen:
            by_label.setdefault(lab, []).append(k)
        for lab in sorted(by_label):
            node_key = schema.nodes[lab].key
            props = list(schema.nodes[lab].property_types)
            ret = ", ".join(f"n.`{p}`" for p in props)
            result = self.query(f"MATCH (n:`{lab}`) WHERE n.`{node_key}` IN $keys RETURN {ret}",
                                {"keys": sorted(by_label[lab])})
            for row in result.rows:
                values = dict(zip(props, row, strict=True))
                k = values[node_key]
                nodes.append({"label": lab, "key": k, "hops": seen[(lab, k)], **values})
        nodes.sort(key=lambda n: (n["hops"], n["label"], n["key"]))
        edge_list.sort(key=lambda e: (e["type"], e["key"]))
        return Neighbourhood(nodes, edge_list, truncated)

    def release_memory(self) -> None:  # noqa: B027 (a store with nothing to give back)
        """Give back what the engine keeps cached in this process (the embedded store's buffer
        pool: gigabytes after a full read of a large portfolio). The store stays usable; the
        next read may be slower. Called between reading a portfolio and scoring it."""

    def spool_directory(self) -> Path | None:
        """Where a load parks its change set on disk (None: the system's temporary directory).
        A store that bulk-copies files wants them on its own file system."""
        return None

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
