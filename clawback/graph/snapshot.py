"""A columnar snapshot of an embedded store's tables, kept beside the database by every load.

Reading 10M transfers back out of the graph engine costs a quarter of a whole scoring run (the
engine materializes every row, then converts it to Arrow holding the GIL); reading the same rows
from a Parquet file costs a tenth of that. So a load leaves, next to ``graph.lbdb``, one Parquet
file per node label and per (relationship type, pair of end labels), holding exactly what
:meth:`~clawback.graph.store.GraphStore.node_table` and
:meth:`~clawback.graph.store.GraphStore.edge_table` give, and a manifest::

    STORE/snapshot/manifest.json   format, the store's fingerprint, the files of each element
    STORE/snapshot/*.parquet

The first load into an empty store links the very files it bulk-copied into the engine (no
extra work); a later load re-reads from the engine, after its commit, only the elements it
changed. The snapshot is only used while it is the store's: its manifest is set aside for the
time of a write (and put back if the write fails), and it records the store's fingerprint (load
batches, counts and write count), which every open compares. Anything else falls back to the engine.

Rows come in file order rather than the engine's scan order: readers never rely on either.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from clawback.graph.store import ARROW_TYPES, SpooledTable, TableLike, spool

__all__ = ["SNAPSHOT_DIR", "Snapshot", "SnapshotWriter"]

SNAPSHOT_DIR = "snapshot"
_MANIFEST = "manifest.json"
_SET_ASIDE = "manifest.json.writing"
_FORMAT = 1

_ENDS = {"from": "string", "to": "string", "from_label": "string", "to_label": "string"}


def _empty(types: Mapping[str, str]) -> pa.Table:
    return pa.table({c: pa.array([], ARROW_TYPES[t]) for c, t in types.items()})


def _cast(table: pa.Table, types: Mapping[str, str]) -> pa.Table:
    arrays = []
    for name, t in types.items():
        column = table.column(name)
        arrays.append(column if column.type == ARROW_TYPES[t] else column.cast(ARROW_TYPES[t]))
    return pa.table(dict(zip(types, arrays, strict=True)))


class Snapshot:
    """The snapshot of a store, if it is valid for ``fingerprint``
    (:meth:`open`); reads node and edge tables like the engine does."""

    def __init__(self, directory: Path, elements: Mapping[str, list[dict[str, str]]]):
        self.directory = directory
        self.elements = dict(elements)

    @classmethod
    def open(cls, store_dir: Path, fingerprint: str) -> Snapshot | None:
        """The snapshot in ``store_dir``, or None when there is none, it is being written or
        it was taken of another state of the store."""
        directory = Path(store_dir) / SNAPSHOT_DIR
        try:
            manifest = json.loads((directory / _MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if manifest.get("format") != _FORMAT or manifest.get("fingerprint") != fingerprint:
            return None
        elements = manifest.get("elements", {})
        files = [part["file"] for parts in elements.values() for part in parts]
        if not all((directory / f).is_file() for f in files):
            return None
        return cls(directory, elements)

    def __contains__(self, element: str) -> bool:
        return element in self.elements

    def node_table(self, label: str, types: Mapping[str, str]) -> pa.Table:
        """The nodes of ``label`` with the columns of ``types`` (name -> schema type)."""
        parts = [pq.read_table(self.directory / part["file"], columns=list(types),
                               memory_map=True)
                 for part in self.elements[label]]
        return _cast(pa.concat_tables(parts), types) if parts else _empty(types)

    def edge_table(self, rel_type: str, types: Mapping[str, str]) -> pa.Table:
        """The relationships of ``rel_type``: ``from``, ``to``, ``from_label``, ``to_label``,
        then the properties of ``types`` (name -> schema type)."""
        out = {**_ENDS, **types}
        parts = []
        for part in self.elements[rel_type]:
            t = pq.read_table(self.directory / part["file"], columns=["from", "to", *types],
                              memory_map=True)
            n = len(t)
            t = t.append_column("from_label", pa.repeat(pa.scalar(part["from_label"]), n))
            t = t.append_column("to_label", pa.repeat(pa.scalar(part["to_label"]), n))
            parts.append(_cast(t, out))
        return pa.concat_tables(parts) if parts else _empty(out)

    @staticmethod
    @contextlib.contextmanager
    def set_aside(store_dir: Path) -> Iterator[None]:
        """For the time of a write into the store: the manifest is moved aside, so that a
        process killed mid-write leaves no snapshot; put back if the write fails (the store is
        then as it was). On success the caller writes a new one (:class:`SnapshotWriter`)."""
        directory = Path(store_dir) / SNAPSHOT_DIR
        manifest, aside = directory / _MANIFEST, directory / _SET_ASIDE
        moved = False
        with contextlib.suppress(FileNotFoundError):
            os.replace(manifest, aside)
            moved = True
        try:
            yield
        except BaseException:
            if moved:
                with contextlib.suppress(OSError):
                    os.replace(aside, manifest)
            raise
        if moved:
            aside.unlink(missing_ok=True)

    @staticmethod
    def remove(store_dir: Path) -> None:
        shutil.rmtree(Path(store_dir) / SNAPSHOT_DIR, ignore_errors=True)


class SnapshotWriter:
    """Builds a new snapshot in a scratch directory of the store; :meth:`commit` puts it in
    place of the old one."""

    def __init__(self, store_dir: Path):
        self.store_dir = Path(store_dir)
        self.directory = self.store_dir / f".snapshot-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.directory.mkdir()
        self.elements: dict[str, list[dict[str, str]]] = {}
        self._n = 0

    def _file(self, element: str) -> tuple[str, Path]:
        self._n += 1
        name = f"{self._n:03d}-{element}.parquet"
        return name, self.directory / name

    def add(self, element: str, table: TableLike | None, *, from_label: str | None = None,
            to_label: str | None = None) -> None:
        """Record ``table`` (nodes, or one pair of end labels' relationships with ``from``,
        ``to`` and every property) as part of ``element``; None records the element, empty.
        A spooled table's file is linked, not copied."""
        parts = self.elements.setdefault(element, [])
        if table is None or not len(table):
            return
        name, path = self._file(element)
        if isinstance(table, SpooledTable):
            try:
                os.link(table.path, path)
            except OSError:
                shutil.copyfile(table.path, path)
        else:
            spool(table, path)
        part: dict[str, Any] = {"file": name}
        if from_label is not None:
            part.update(from_label=from_label, to_label=to_label)
        parts.append(part)

    def add_edges(self, rel_type: str, table: pa.Table,
                  pairs: Sequence[tuple[str, str]]) -> None:
        """Record an engine edge table (with ``from_label``/``to_label`` columns) as one part
        per pair of end labels."""
        self.add(rel_type, None)
        for a, b in pairs:
            mask = pc.and_(pc.equal(table["from_label"], a), pc.equal(table["to_label"], b))
            self.add(rel_type, table.filter(mask).drop_columns(["from_label", "to_label"]),
                     from_label=a, to_label=b)

    def keep(self, element: str, old: Snapshot) -> None:
        """Carry ``element`` over from the snapshot being replaced."""
        parts = self.elements.setdefault(element, [])
        for part in old.elements[element]:
            name, path = self._file(element)
            try:
                os.link(old.directory / part["file"], path)
            except OSError:
                shutil.copyfile(old.directory / part["file"], path)
            parts.append({**part, "file": name})

    def commit(self, fingerprint: str) -> None:
        manifest = {"format": _FORMAT, "fingerprint": fingerprint, "elements": self.elements}
        (self.directory / _MANIFEST).write_text(
            json.dumps(manifest, sort_keys=True, indent=1) + "\n", encoding="utf-8")
        final = self.store_dir / SNAPSHOT_DIR
        old = self.store_dir / f".snapshot-old-{os.getpid()}"
        if final.exists():
            os.replace(final, old)
        os.replace(self.directory, final)
        shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
