"""What the scoring reads from a store, as pandas frames: the same frames from either store.

Everything goes through :meth:`GraphStore.node_table` / :meth:`GraphStore.edge_table`, so the
embedded store and Neo4j give identical inputs, sorted by key (deterministic whatever order a
store returns rows in) — except the transfers, which the signals order themselves.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clawback.algorithms.arrays import index_in_repeated
from clawback.graph.store import GraphStore

__all__ = ["PortfolioData", "read_portfolio"]

T = TypeVar("T")
_log = logging.getLogger(__name__)


def _frame(table: pa.Table) -> pd.DataFrame:
    """``table`` as a frame, releasing each Arrow column as it is converted: the caller must
    hold no other reference to ``table`` (at 10M transfers the Arrow and pandas copies of the
    same string columns held together were gigabytes of the scoring's peak)."""
    return table.to_pandas(date_as_object=False, self_destruct=True, split_blocks=True)


def _nodes(store: GraphStore, label: str, columns: list[str]) -> pd.DataFrame:
    key = store.schema.nodes[label].key
    return _frame(store.node_table(label, columns).sort_by(key))


def _edge_arrow(store: GraphStore, rel_type: str, columns: list[str], *,
                sort: bool = True) -> pa.Table:
    table = store.edge_table(rel_type, columns)
    return table.sort_by(store.schema.relationships[rel_type].key) if sort else table


def _edges(store: GraphStore, rel_type: str, columns: list[str]) -> pd.DataFrame:
    return _frame(_edge_arrow(store, rel_type, columns))


def _arrow(values: pd.Series | pa.ChunkedArray | pa.Array) -> pa.Array:
    """A string column as one Arrow string array (zero-copy for Arrow-backed strings)."""
    if isinstance(values, pd.Series):
        values = (pa.array(values.array) if isinstance(values.dtype, (pd.StringDtype,
                                                                      pd.ArrowDtype))
                  else pa.array(values.to_numpy(dtype=object), pa.string(), from_pandas=True))
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values if pa.types.is_string(values.type) else values.cast(pa.string())


def _positions(keys: pa.Array, index: pa.Array) -> np.ndarray:
    """The position of each key in ``index`` (-1: absent or null) as int32: a hash join in
    Arrow, an order of magnitude faster than mapping 10M strings through a pandas index."""
    return index_in_repeated(keys, index).astype(np.int32)


@dataclass
class PortfolioData:
    """The portfolio as frames. Dates are ``datetime64`` (day precision in practice)."""

    persons: pd.DataFrame       # person_id, name, birth_date
    companies: pd.DataFrame     # company_id, name, incorporation_date
    accounts: pd.DataFrame      # account_id, holder_id, account_type, synthetic, opened_date
    transfers: pd.DataFrame     # transfer_id, src, dst, amount, currency, date, channel, memo,
                                # src_holder, dst_holder, src_code, dst_code (read from a
                                # store: currency, channel and memo are categoricals)
    relations: pd.DataFrame     # from, to, relation, start_date, end_date, stated, relation_id
    roles: pd.DataFrame         # from, from_label, to, role, share, start_date, end_date, role_id
    titles: pd.DataFrame        # title_transfer_id, property_id, from_party, to_party, date,
                                # price, market_value, share
    properties: pd.DataFrame    # property_id, kind, market_value
    cases: pd.DataFrame         # case_id, debtor_id, case_type, jurisdiction, filing_date,
                                # acceptance_date, claim_amount, currency
    identifiers: pd.DataFrame   # from (entity), from_label, to (identifier_id), kind
    account_ids: pd.Index | None = field(default=None, repr=False)
    """The account code space: ``src_code``/``dst_code`` of a transfer are positions in it (-1:
    null). The accounts' ids in their order, then any id that only a transfer names (sorted).
    Built from the frames unless given and still the accounts' ids with the transfers' codes
    (``dataclasses.replace`` with other accounts, or a frame without codes, codes anew)."""

    def __post_init__(self) -> None:
        """Give the transfers their integer account codes (``src_code``, ``dst_code``): the
        signals and the fund trace join on them instead of hashing millions of strings."""
        t = self.transfers
        if not {"src", "dst"} <= set(t.columns):
            return
        if self._codes_hold():
            return
        ids = (_arrow(self.accounts["account_id"]) if "account_id" in self.accounts.columns
               else pa.array([], pa.string()))
        codes = [_positions(_arrow(t[c]), ids) for c in ("src", "dst")]
        absent = np.concatenate([t[c].to_numpy(dtype=object)[codes[i] < 0]
                                 for i, c in enumerate(("src", "dst"))])
        missing = pd.Series(absent, dtype=object).dropna().drop_duplicates()
        if len(missing):
            extra = pa.array(np.sort(missing.astype(str).to_numpy(dtype=object)), pa.string())
            ids = pa.concat_arrays([ids, extra])
            codes = [_positions(_arrow(t[c]), ids) for c in ("src", "dst")]
        self.account_ids = pd.Index(ids.to_numpy(zero_copy_only=False), dtype=object)
        self.transfers = t.assign(src_code=codes[0], dst_code=codes[1])

    def _codes_hold(self) -> bool:
        """Whether the given :attr:`account_ids` start with the accounts' ids, in their order,
        and the transfers carry codes."""
        ids = self.account_ids
        if ids is None or not {"src_code", "dst_code"} <= set(self.transfers.columns):
            return False
        if "account_id" not in self.accounts.columns:
            return False
        n = len(self.accounts)
        return len(ids) >= n and _arrow(self.accounts["account_id"]).equals(
            pa.array(ids[:n].to_numpy(dtype=object), pa.string()))

    @classmethod
    def from_store(cls, store: GraphStore) -> PortfolioData:
        """Everything the scoring reads, from either store (:func:`read_portfolio`)."""
        return read_portfolio(store)[0]

    def account_holders(self) -> pa.Array:
        """The holder id of each account of :attr:`account_ids` (null where unknown; an
        account only a transfer names has the holder that transfer gives it)."""
        n_known = len(self.accounts)
        known = (_arrow(self.accounts["holder_id"]) if "holder_id" in self.accounts.columns
                 else pa.nulls(n_known, pa.string()))
        assert self.account_ids is not None
        extra = self.account_ids[n_known:]
        if not len(extra):
            return known
        t = self.transfers
        pairs = pd.concat([
            pd.DataFrame({"account": t[end].to_numpy(dtype=object),
                          "holder": t[f"{end}_holder"].to_numpy(dtype=object)})
            for end in ("src", "dst") if f"{end}_holder" in t.columns])
        first = pairs.dropna(subset=["account"]).drop_duplicates("account").set_index(
            "account")["holder"] if len(pairs) else pd.Series(dtype=object)
        given = pd.Series(extra.to_numpy(dtype=object)).map(first).to_numpy(dtype=object)
        return pa.concat_arrays([known, pa.array(given, pa.string(), from_pandas=True)])

    def names(self) -> pd.Series:
        """Party id -> display name (persons and companies)."""
        return pd.concat([
            self.persons.set_index("person_id")["name"],
            self.companies.set_index("company_id")["name"],
        ])


_TRANSFER_COLUMNS = ["transfer_id", "amount", "currency", "date", "timestamp", "channel", "memo"]
_REPEATING = ("currency", "channel", "memo")


def _transfers(store: GraphStore, ids: pa.Array, holders: pa.Array) -> pd.DataFrame:
    """The transfers with their ends' holders and account codes (positions in ``ids``)."""
    return _frame(_transfer_table(store, ids, holders))


def _transfer_table(store: GraphStore, ids: pa.Array, holders: pa.Array) -> pa.Table:
    # the store's order (sorting 10M string keys costs more than all the scoring): every
    # signal orders what it aggregates itself
    t = _edge_arrow(store, "TRANSFERRED_TO", _TRANSFER_COLUMNS, sort=False)
    t = t.drop_columns(["from_label", "to_label"]).rename_columns(
        ["src", "dst", *t.column_names[4:]])
    # the ids in one chunk each (a snapshot's Parquet file reads as one chunk per row group):
    # the fund trace reads the transfer ids' bytes in place, and every take from a column of
    # many chunks resolves each index's chunk first. One column at a time, to copy little
    for name in ("transfer_id", "src", "dst"):
        i = t.schema.get_field_index(name)
        if t[name].num_chunks > 1:
            t = t.set_column(i, name, t[name].combine_chunks())
    # every end of a relationship is an Account node: the codes are the accounts' rows
    for end in ("src", "dst"):
        code = _positions(_arrow(t[end]), ids)
        t = t.append_column(f"{end}_holder", holders.take(pa.array(code, mask=code < 0)))
        t = t.append_column(f"{end}_code", pa.array(code))
    # the strings that repeat, as categoricals (a few hundred MB less at 10M transfers; their
    # categories in order of first appearance)
    for name in _REPEATING:
        i = t.schema.get_field_index(name)
        t = t.set_column(i, name, pc.dictionary_encode(t[name]))
    return t


def _accounts(store: GraphStore) -> pa.Table:
    return store.node_table(
        "Account", ["account_id", "holder_id", "account_type", "synthetic", "opened_date"]
    ).sort_by("account_id")


WORKER_MIN_TRANSFERS = 1_000_000
"""From this many transfers, an embedded store opened read-only has its transfers read by a
worker process (:func:`read_portfolio`)."""


def write_transfers(path: Path, out_file: Path) -> None:
    """Read the transfers of the embedded store at ``path`` (opened read-only) and write them,
    as :func:`read_portfolio` reads them, to ``out_file`` (an Arrow IPC file): the worker
    process's job (``python -m clawback.algorithms.data STORE FILE``)."""
    from clawback.graph.embedded import LadybugStore

    with LadybugStore(path, read_only=True) as store:
        accounts = _accounts(store)
        table = _transfer_table(store, accounts["account_id"].combine_chunks(),
                                accounts["holder_id"].combine_chunks())
    with pa.OSFile(str(out_file), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


class _Worker:
    """A process reading the transfers of an embedded store while this one reads the rest:
    the engine's conversion of a result to Arrow holds the GIL, so a second thread here would
    wait for it, while a second process runs on the other core. Its table comes back through
    an Arrow IPC file in a temporary directory, removed once read."""

    def __init__(self, path: Path) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="clawback-read-"))
        self._file = self._dir / "transfers.arrow"
        # the worker imports this very package, installed or not
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [root, *filter(None, [os.environ.get("PYTHONPATH")])])}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "clawback.algorithms.data", str(path), str(self._file)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)

    def result(self) -> pa.Table | None:
        """The transfers, or None where the worker failed (the caller reads them itself, and
        meets the same error there, if any)."""
        try:
            _, err = self._proc.communicate()
            if self._proc.returncode != 0 or not self._file.exists():
                tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
                _log.warning("the transfers' reader process failed (%s); reading them here",
                             tail[0])
                return None
            with pa.OSFile(str(self._file), "rb") as source:
                return pa.ipc.open_file(source).read_all()
        finally:
            shutil.rmtree(self._dir, ignore_errors=True)

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        shutil.rmtree(self._dir, ignore_errors=True)


def _worker_for(store: GraphStore, worker: bool | None) -> _Worker | None:
    """A worker for the transfers of ``store``: when asked (``worker=True``), or by default
    for an embedded store opened read-only with at least :data:`WORKER_MIN_TRANSFERS`
    transfers that its snapshot does not hold (only a read-only store can be opened twice;
    a snapshot's Parquet file is read faster here than a process starts)."""
    from clawback.graph.embedded import LadybugStore

    if worker is False or not isinstance(store, LadybugStore) or not store.read_only:
        return None
    if worker is None:
        snapshot = store.snapshot()
        if snapshot is not None and "TRANSFERRED_TO" in snapshot:
            return None
        n = store.counts()["relationships"].get("TRANSFERRED_TO", 0)
        if n < WORKER_MIN_TRANSFERS:
            return None
    try:
        return _Worker(store.path)
    except OSError:
        return None


def read_portfolio(store: GraphStore, meanwhile: Callable[[PortfolioData], T] | None = None,
                   *, worker: bool | None = None) -> tuple[PortfolioData, T | None]:
    """The portfolio from ``store``, and what ``meanwhile`` made of it without its transfers.

    The transfers, most of the data, are read while this thread reads the other tables and
    then runs ``meanwhile`` on them (the transfers empty): by a worker process for a large
    embedded store opened read-only (``worker``: None decides by size, True or False force
    it; where the worker fails, the transfers are read here after all), else by a second
    thread (the engine and Arrow release the GIL part of the time).
    """
    account_table = _accounts(store)
    ids = account_table["account_id"].combine_chunks()
    holders = account_table["holder_id"].combine_chunks()
    process = _worker_for(store, worker)
    with ThreadPoolExecutor(1, thread_name_prefix="clawback-read") as pool:
        reading = None if process else pool.submit(_transfers, store, ids, holders)
        try:
            acquired = _edges(store, "ACQUIRED_TITLE",
                              ["title_transfer_id", "from_party", "date", "price",
                               "market_value", "share", "src_file", "src_row"])
            titles = acquired.rename(columns={"from": "to_party", "to": "property_id"}).drop(
                columns=["from_label", "to_label"])
            account_ids = pd.Index(ids.to_numpy(zero_copy_only=False), dtype=object)
            frames = {
                "persons": _nodes(store, "Person", ["person_id", "name", "birth_date"]),
                "companies": _nodes(store, "Company",
                                    ["company_id", "name", "incorporation_date"]),
                "accounts": account_table.to_pandas(date_as_object=False, split_blocks=True),
                "relations": _edges(store, "RELATED_TO",
                                    ["relation_id", "relation", "start_date", "end_date",
                                     "stated"]),
                "roles": _edges(store, "ROLE_IN",
                                ["role_id", "role", "share", "start_date", "end_date"]),
                "titles": titles,
                "properties": _nodes(store, "Property", ["property_id", "kind", "market_value"]),
                "cases": _nodes(store, "Proceeding",
                                ["case_id", "debtor_id", "case_type", "jurisdiction",
                                 "filing_date", "acceptance_date", "claim_amount",
                                 "currency"]),
                "identifiers": _edges(store, "HAS_IDENTIFIER", ["link_id", "kind"]),
            }
            del account_table
            made = None
            if meanwhile is not None:
                empty = pd.DataFrame({c: pd.Series(dtype=object) for c in (
                    "src", "dst", *_TRANSFER_COLUMNS, "src_holder", "dst_holder")})
                made = meanwhile(PortfolioData(transfers=empty, **frames))
        except BaseException:
            if process is not None:
                process.stop()
            raise
        finally:
            if reading is not None:
                transfers = reading.result()    # an error of the read surfaces here
        if process is not None:
            table = process.result()
            transfers = (_frame(table) if table is not None
                         else _transfers(store, ids, holders))
            del table
    return PortfolioData(transfers=transfers, account_ids=account_ids, **frames), made


if __name__ == "__main__":      # the worker process of read_portfolio
    write_transfers(Path(sys.argv[1]), Path(sys.argv[2]))
