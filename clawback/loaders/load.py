"""Load an input directory into a graph store, losing nothing::

    with LadybugStore("clawback-data") as store:
        report = load_directory("portfolio/", store)
    assert all(t.read == t.accounted for t in report.tables.values())

Order of work: find and read every table (a file-level problem stops here, before anything is
written), validate each table against the schema and against the ids defined by the tables it
references (in this input or already in the store), build the graph elements, compare them
with what the store holds, and apply the difference in one atomic write.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clawback import __version__
from clawback.errors import ClawbackError, InputFileError
from clawback.graph.schema import SCHEMA, Schema
from clawback.graph.store import (
    ChangeSet,
    GraphStore,
    NodeChanges,
    RelChanges,
    RelGroup,
    TableLike,
    arrow_schema,
    spool,
)
from clawback.loaders.build import CASH_PREFIX, Elements, build_elements, compose_id
from clawback.loaders.readers import RawTable, discover_tables, read_table
from clawback.loaders.sets import all_distinct, is_in
from clawback.loaders.validate import (
    QUARANTINE_COLUMNS,
    Issues,
    ValidTable,
    validate_table,
)

__all__ = ["TABLE_ORDER", "ElementCounts", "LoadReport", "TableCounts", "load_directory"]

TABLE_ORDER = (
    "persons", "companies", "properties", "accounts", "cases",
    "relations", "company_roles", "identifiers", "property_transfers", "transfers",
)
"""Referenced tables come before the tables that reference them."""

Progress = Callable[[str, int, int], None]


@dataclass
class TableCounts:
    """Reconciliation of one table: ``read = loaded + duplicates + quarantined``."""

    read: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0

    @property
    def accounted(self) -> int:
        return self.loaded + self.duplicates + self.quarantined


@dataclass
class ElementCounts:
    """What the load did to one label or relationship type in the store."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class LoadReport:
    """The load report of the input contract, with a few additions (batch, graph changes)."""

    tables: dict[str, TableCounts]
    quarantine_file: str | None
    encodings: dict[str, str]
    batch_id: str
    input_dir: str
    store: str
    files: dict[str, dict[str, str]] = field(default_factory=dict)
    ignored_files: list[str] = field(default_factory=list)
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    graph: dict[str, dict[str, ElementCounts]] = field(default_factory=dict)
    software_version: str = __version__

    @property
    def quarantined(self) -> int:
        return sum(t.quarantined for t in self.tables.values())

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=False)


# -- reading ----------------------------------------------------------------------------------
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _read_all(directory: Path, schema: Schema, progress: Progress) -> tuple[
    dict[str, RawTable], dict[str, str], list[Path]
]:
    files, ignored = discover_tables(directory, schema.inputs)
    if "persons" not in files:
        raise InputFileError(
            f"{directory}: the persons table is required "
            "(persons.csv, persons.tsv, persons.parquet or persons.xlsx)",
            file="persons.csv",
        )
    ordered = [t for t in TABLE_ORDER if t in files]
    raws: dict[str, RawTable] = {}
    # File hashes run in a thread beside parsing: hashlib releases the GIL.
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashes = {t: pool.submit(_sha256, files[t]) for t in ordered}
        for i, table in enumerate(ordered):
            progress(f"reading {files[table].name}", i, len(ordered))
            raw = read_table(table, files[table])
            missing = [c for c in schema.inputs[table].required_columns
                       if c not in raw.frame.columns]
            if missing:
                raise InputFileError(
                    f"{raw.file_name}: missing required column {missing[0]!r}"
                    + (f" (and {', '.join(map(repr, missing[1:]))})" if missing[1:] else ""),
                    file=raw.file_name, column=missing[0],
                )
            raws[table] = raw
        digests = {t: f.result() for t, f in hashes.items()}
    return raws, digests, ignored


# -- table-specific rules ---------------------------------------------------------------------
def _relations_checks(raw: pd.DataFrame, data: pd.DataFrame, issues: Issues) -> None:
    itself = np.flatnonzero(
        ((raw["person_id"] == raw["related_person_id"]) & (raw["person_id"] != "")).to_numpy()
    )
    issues.add(itself, "related_person_id",
               [f"a tie of person {raw['person_id'].iloc[i]!r} to itself" for i in itself])
    _end_before_start(data, issues)


def _end_before_start(data: pd.DataFrame, issues: Issues) -> None:
    start, end = data["start_date"].to_numpy(), data["end_date"].to_numpy()
    with np.errstate(invalid="ignore"):
        wrong = np.flatnonzero(~np.isnat(start) & ~np.isnat(end) & (end < start))
    issues.add(wrong, "end_date", "end_date is before start_date")


def _roles_checks(raw: pd.DataFrame, data: pd.DataFrame, issues: Issues) -> None:
    _end_before_start(data, issues)


def _transfers_checks(raw: pd.DataFrame, data: pd.DataFrame, issues: Issues) -> None:
    both = np.flatnonzero(((raw["from_account"] == "") & (raw["to_account"] == "")).to_numpy())
    issues.add(both, "from_account", "from_account and to_account are both empty")


def _accounts_checks(raw: pd.DataFrame, data: pd.DataFrame, issues: Issues) -> None:
    """The ``cash:`` prefix names the stand-in account of a cash withdrawal or deposit: a real
    account by that name would take the cash of another account (and its holder would seem
    paid), so it is quarantined, never merged."""
    ids = raw["account_id"]
    reserved = np.flatnonzero(ids.str.startswith(CASH_PREFIX).to_numpy(dtype=bool))
    issues.add(reserved, "account_id",
               [f"account id {ids.iloc[i]!r} starts with {CASH_PREFIX!r}, which names the cash "
                "stand-ins of withdrawals and deposits (rename the account)" for i in reserved])


def _relations_key(data: pd.DataFrame, raw_good: pd.DataFrame, schema: Schema = SCHEMA):
    """A tie is the same whichever side states it: (A, B, parent) = (B, A, child)."""
    a, b, rel = data["person_id"], data["related_person_id"], data["relation"]
    flip = (b < a).to_numpy()
    inverse = rel.map(schema.relation_inverse)
    lo = np.where(flip, b, a)
    hi = np.where(flip, a, b)
    canon = np.where(flip, inverse, rel)
    tie = compose_id(pd.Series(lo), "~", pd.Series(canon), "~", pd.Series(hi))
    data["_tie"] = tie.to_numpy()
    content = data[["start_date", "end_date", "source", "extra"]]
    return tie, content


def _roles_key(data: pd.DataFrame, raw_good: pd.DataFrame):
    start = data["start_date"].astype("str").where(data["start_date"].notna(), "")
    key = compose_id(data["person_id"], ">", data["role"], ">", data["company_id"], "@", start)
    data["_key"] = key.to_numpy()
    return key, raw_good


def _titles_key(data: pd.DataFrame, raw_good: pd.DataFrame):
    key = compose_id(data["property_id"], "@", data["date"].astype("str"), ":",
                     data["from_party"], ">", data["to_party"], "#", data["registration_ref"])
    data["_key"] = key.to_numpy()
    return key, raw_good


def _identifiers_key(data: pd.DataFrame, raw_good: pd.DataFrame):
    key = compose_id(data["entity_id"], ">", data["kind"], ":", data["value"])
    return key, raw_good


_RULES: dict[str, dict] = {
    "relations": {"checks": _relations_checks, "dedupe_key": _relations_key},
    "company_roles": {"checks": _roles_checks, "dedupe_key": _roles_key},
    "property_transfers": {"dedupe_key": _titles_key},
    "identifiers": {"dedupe_key": _identifiers_key},
    "transfers": {"checks": _transfers_checks},
    "accounts": {"checks": _accounts_checks},
}


def _company_person_clash(person_ids: pa.Array) -> Callable:
    def check(raw: pd.DataFrame, data: pd.DataFrame, issues: Issues) -> None:
        clash = np.flatnonzero(is_in(raw["company_id"], person_ids))
        issues.add(clash, "company_id",
                   [f"company_id {raw['company_id'].iloc[i]!r} is also a person_id"
                    for i in clash])
    return check


# -- validation -------------------------------------------------------------------------------
def _store_keys(store: GraphStore, schema: Schema, empty: bool) -> dict[str, pa.Array]:
    known: dict[str, pa.Array] = {}
    referenced = {ref for spec in schema.inputs.values() for column in spec.columns.values()
                  for ref in column.ref}
    for table in sorted(referenced):
        if empty:
            known[table] = pa.array([], pa.string())
            continue
        label = schema.label_of_table(table)
        key = schema.nodes[label].key
        ids = store.node_table(label, [key]).column(key).combine_chunks()
        if label == "Account":  # synthetic cash accounts are not input rows
            ids = ids.filter(pc.invert(pc.starts_with(ids, CASH_PREFIX)))
        known[table] = ids
    return known


def _chunks(array: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    return array.chunks if isinstance(array, pa.ChunkedArray) else [array]


def _validate_all(raws: dict[str, RawTable], known: dict[str, pa.Array], tz: str,
                  schema: Schema, progress: Progress) -> dict[str, ValidTable]:
    """Validate table by table, handing each raw table over (``raws`` ends up empty) and
    dropping its text once validated, so that memory holds one raw table at a time."""
    valid: dict[str, ValidTable] = {}
    rejected: dict[str, pa.Array] = {}
    total = len(raws)
    for i, table in enumerate(list(raws)):
        raw = raws.pop(table)
        progress(f"validating {raw.file_name}", i, total)
        rules = dict(_RULES.get(table, {}))
        if table == "companies":
            rules["checks"] = _company_person_clash(known["persons"])
        vt = validate_table(raw, known, tz=tz, schema=schema, rejected=rejected, **rules)
        rejected[table] = vt.rejected_keys
        del raw
        vt.release_raw()
        key = schema.inputs[table].key
        if key is not None and table in known:
            new = pa.chunked_array([known[table], *_chunks(pa.array(
                vt.data[key], type=pa.string(), from_pandas=True))])
            known[table] = pc.unique(new.combine_chunks())
        valid[table] = vt
    return valid


# -- comparing with the store -----------------------------------------------------------------
def _arrow(frame: pd.DataFrame, types: Mapping[str, str]) -> pa.Table:
    """The frame's columns in schema order and Arrow types (zero-copy where pandas allows)."""
    schema = arrow_schema(types)
    arrays = []
    for f in schema:
        values = frame[f.name]
        if values.dtype == object:
            array = pa.array(values.to_numpy(), from_pandas=True)
        else:
            array = pa.Array.from_pandas(values)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        if array.type == pa.null() or array.type != f.type:
            array = array.cast(f.type)
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=schema)


def _diff(new: pa.Table, key: str, existing: pa.Table | None, compare: list[str]
          ) -> tuple[pa.Table, pa.Table, int]:
    """Split new elements into (create, update, unchanged count) against what is stored.

    An element is unchanged when every compared column equals the stored value (both null
    counts as equal); provenance is not compared, so a re-load keeps the original source.
    """
    if existing is None or existing.num_rows == 0:
        return new, new.slice(0, 0), 0
    position = pc.index_in(new[key], value_set=existing[key])
    is_new = pc.is_null(position)
    old = existing.take(position.fill_null(0))
    changed = pa.array(np.zeros(new.num_rows, dtype=bool))
    for column in compare:
        a, b = new[column], old[column]
        same = pc.or_kleene(pc.equal(a, b), pc.and_(pc.is_null(a), pc.is_null(b)))
        changed = pc.or_(changed, pc.invert(same.fill_null(False)))
    update = pc.and_(pc.invert(is_new), changed)
    unchanged = new.num_rows - pc.sum(is_new).as_py() - pc.sum(update).as_py()
    return new.filter(is_new), new.filter(update), int(unchanged)


# The links a row's own columns give (a person's phone and address, a company's address): a
# corrected row replaces them, so the ones it no longer gives are deleted. (Rows of the
# identifiers table have no id to correct: each one only ever adds a link.)
_DERIVED_LINKS = {"persons.phone": "persons", "persons.address": "persons",
                  "companies.address": "companies"}


def _redeclared(valid: Mapping[str, ValidTable], schema: Schema) -> dict[str, pa.Array]:
    """Per derived-link source, the entities whose rows this load gives (corrected or not)."""
    found = {}
    for source, table in _DERIVED_LINKS.items():
        if table in valid:
            key = schema.inputs[table].key
            assert key is not None
            found[source] = pa.array(valid[table].data[key].to_numpy(dtype=object), pa.string())
    return found


def _stale_links(existing: pa.Table, new: pa.Table, key: str,
                 redeclared: Mapping[str, pa.Array]) -> list[str]:
    """The stored derived links of re-declared entities that the new rows no longer give."""
    stale: list[str] = []
    for source, entities in redeclared.items():
        mask = pc.and_(pc.equal(existing["source"], source),
                       pc.is_in(existing["from"], value_set=entities))
        mask = pc.and_(mask, pc.invert(pc.is_in(existing[key], value_set=new[key])))
        stale += existing.filter(mask.fill_null(False))[key].to_pylist()
    return stale


def _changes(elements: Elements, store: GraphStore, empty: bool, schema: Schema, batch: dict,
             spool_dir: Path, redeclared: Mapping[str, pa.Array] | None = None
             ) -> tuple[ChangeSet, dict[str, dict[str, ElementCounts]]]:
    """The change set, each table spooled to ``spool_dir`` as soon as it is computed, so that
    memory holds one element type at a time. ``redeclared``: :func:`_redeclared`."""
    counts: dict[str, dict[str, ElementCounts]] = {"nodes": {}, "relationships": {}}
    parked = itertools.count()

    def park(table: pa.Table, name: str) -> TableLike:
        return spool(table, spool_dir / f"{next(parked):03d}-{name}.parquet")

    node_changes, rel_changes = [], []
    for label, node in schema.nodes.items():
        frame = elements.take_nodes(label)
        if frame is None:
            continue
        if not all_distinct(frame[node.key]):
            frame = frame.drop_duplicates(node.key, ignore_index=True)
        table = _arrow(frame, schema.node_properties(label))
        existing = None if empty else store.existing(label)
        create, update, same = _diff(table, node.key, existing, list(node.property_types))
        del table, frame, existing
        node_changes.append(NodeChanges(label, park(create, label), park(update, label)))
        counts["nodes"][label] = ElementCounts(len(create), len(update), same)
    for name, rel in schema.relationships.items():
        frame = elements.take_rels(name)
        if frame is None:
            if name == "HAS_IDENTIFIER" and redeclared and not empty:  # every link replaced
                none = pa.table({rel.key: pa.array([], pa.string())})
                stale = _stale_links(store.existing(name), none, rel.key, redeclared)
                if stale:
                    rel_changes.append(RelChanges(name, stale, []))
                    counts["relationships"][name] = ElementCounts(deleted=len(stale))
            continue
        if not all_distinct(frame[rel.key]):
            frame = frame.drop_duplicates(rel.key, ignore_index=True)
        labels = frame[["from_label", "to_label"]]
        table = _arrow(frame, {"from": "string", "to": "string", **schema.rel_properties(name)})
        existing = None if empty else store.existing(name)
        compare = ["from", "to", *rel.property_types]
        create, update, same = _diff(table, rel.key, existing, compare)
        writes = pa.concat_tables([create, update])
        combos = labels.drop_duplicates()
        if len(combos) == 1:  # one pair of end labels (transfers): no regrouping needed
            groups = [RelGroup(str(combos.iloc[0, 0]), str(combos.iloc[0, 1]),
                               park(writes, name))]
        else:
            keys = pa.concat_arrays([create[rel.key].combine_chunks(),
                                     update[rel.key].combine_chunks()])
            position = pc.index_in(keys, value_set=table[rel.key]).to_numpy()
            pairs = labels.iloc[position].reset_index(drop=True)
            groups = [
                RelGroup(str(a), str(b),
                         park(writes.take(pa.array(part.index.to_numpy())), name))
                for (a, b), part in pairs.groupby(["from_label", "to_label"], sort=True)
            ]
        stale = (_stale_links(existing, table, rel.key, redeclared)
                 if name == "HAS_IDENTIFIER" and existing is not None and redeclared else [])
        rel_changes.append(RelChanges(name, update[rel.key].to_pylist() + stale, groups))
        counts["relationships"][name] = ElementCounts(len(create), len(update), same,
                                                      len(stale))
    return ChangeSet(node_changes, rel_changes, batch), counts


# -- the whole load ---------------------------------------------------------------------------
def check_time_zone(tz: str) -> str:
    """``tz`` if timestamps can be read in it (an IANA name such as ``Asia/Shanghai``, ``UTC``
    or an offset such as ``+08:00``), else a :class:`ClawbackError` naming it."""
    try:
        pd.Timestamp("2000-01-01").tz_localize(tz)
    except Exception as e:  # zoneinfo, pytz and pandas each raise their own kind
        raise ClawbackError(f"unknown time zone {tz!r} (--tz): give an IANA name such as "
                            "'Asia/Shanghai' or 'UTC', or an offset such as '+08:00'") from e
    return tz


def writable_file(path: str | Path, what: str) -> Path:
    """``path`` as a file that can be written (not a folder; its folder made if missing):
    checked before the store is touched, so that a load never fails after writing to it."""
    path = Path(path)
    if path.is_dir():
        raise ClawbackError(f"{what} {path} is a folder: give a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ClawbackError(f"cannot write {what} {path}: {e.strerror or e}") from e
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ClawbackError(f"cannot write {what} {path}: permission denied")
    return path


def _batch_id(digests: Mapping[str, str], raws: Mapping[str, RawTable]) -> str:
    text = "\n".join(f"{raws[t].file_name}:{digests[t]}" for t in sorted(digests))
    return "batch-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def _account_holders(valid: Mapping[str, ValidTable], store: GraphStore, empty: bool
                     ) -> pd.Series:
    parts = []
    if not empty:
        stored = store.node_table("Account", ["account_id", "holder_id"]).to_pandas()
        parts.append(stored.set_index("account_id")["holder_id"])
    if "accounts" in valid:
        d = valid["accounts"].data
        parts.append(pd.Series(d["holder_id"].to_numpy(), index=d["account_id"].to_numpy()))
    if not parts:
        return pd.Series(dtype=object)
    holders = pd.concat(parts)
    return holders[~holders.index.duplicated(keep="last")]


def _quarantine_frame(valid: Mapping[str, ValidTable]) -> pd.DataFrame:
    """The quarantine file of the input contract (plus the file name), table by table."""
    frames = [vt.quarantine for vt in valid.values() if len(vt.quarantine)]
    if not frames:
        return pd.DataFrame(columns=QUARANTINE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[QUARANTINE_COLUMNS]


def load_directory(
    directory: str | Path,
    store: GraphStore,
    *,
    tz: str = "Asia/Shanghai",
    quarantine_path: str | Path | None = None,
    schema: Schema = SCHEMA,
    progress: Progress | None = None,
) -> LoadReport:
    """Validate and load every table in ``directory`` into ``store``.

    Raises :class:`~clawback.errors.InputFileError` for a file-level problem, before the store
    is touched. Row-level problems go to the quarantine file (``quarantine_path``; by default
    ``loads/BATCH/quarantine.csv`` inside an embedded store, else beside the input).
    """
    directory = Path(directory)
    progress = progress or (lambda stage, done, total: None)
    check_time_zone(tz)
    if quarantine_path is not None:
        writable_file(quarantine_path, "the quarantine file")
    raws, digests, ignored = _read_all(directory, schema, progress)
    encodings = {raws[t].file_name: raws[t].encoding or "" for t in raws if raws[t].encoding}
    files = {raws[t].file_name: {"sha256": digests[t], "encoding": raws[t].encoding or ""}
             for t in raws}
    batch_id = _batch_id(digests, raws)
    empty = store.is_empty()
    known = _store_keys(store, schema, empty)
    valid = _validate_all(raws, known, tz, schema, progress)
    del raws  # each ValidTable keeps what it still needs

    progress("building the graph", 0, 1)
    person_ids = known["persons"]
    elements = build_elements(
        valid, person_ids=person_ids, account_holders=_account_holders(valid, store, empty),
        batch_id=batch_id, schema=schema,
    )
    tables = {
        t: TableCounts(read=vt.read, loaded=len(vt.data), duplicates=vt.duplicates,
                       quarantined=len(vt.quarantine))
        for t, vt in valid.items()
    }
    batch = {
        "batch_id": batch_id,
        "input_dir": str(directory.resolve()),
        "files": json.dumps(files, sort_keys=True, ensure_ascii=False),
        "software_version": __version__,
        "tables": json.dumps({t: asdict(c) for t, c in tables.items()}, sort_keys=True),
    }
    if quarantine_path is None:
        base = Path(store.location) if Path(store.location).is_dir() else directory
        quarantine_path = base / "loads" / batch_id / "quarantine.csv"
    made = not Path(quarantine_path).parent.exists()
    quarantine_path = writable_file(quarantine_path, "the quarantine file")
    # written before the store is, and put in place once the store has taken the load: no
    # quarantined row is lost to a file that cannot be written, none is left by a failed load
    pending = quarantine_path.with_name(f".{quarantine_path.name}.{os.getpid()}.tmp")
    _quarantine_frame(valid).to_csv(pending, index=False, encoding="utf-8")
    redeclared = _redeclared(valid, schema)
    for vt in valid.values():  # the typed rows live on in `elements`; free the copies
        vt.release()
    try:
        with tempfile.TemporaryDirectory(prefix="load-",
                                         dir=store.spool_directory()) as spool_dir:
            changes, graph_counts = _changes(elements, store, empty, schema, batch,
                                             Path(spool_dir), redeclared)
            del elements
            progress("writing to the store", 0, 1)
            store.apply(changes)
    except BaseException:
        pending.unlink(missing_ok=True)
        if made:
            with contextlib.suppress(OSError):
                quarantine_path.parent.rmdir()
        raise
    os.replace(pending, quarantine_path)
    progress("done", 1, 1)
    return LoadReport(
        tables=tables,
        quarantine_file=str(quarantine_path.resolve()),
        encodings=encodings,
        batch_id=batch_id,
        input_dir=str(directory.resolve()),
        store=store.location,
        files=files,
        ignored_files=sorted(p.name for p in ignored),
        extra_columns={t: vt.extra_columns for t, vt in valid.items() if vt.extra_columns},
        graph=graph_counts,
    )
