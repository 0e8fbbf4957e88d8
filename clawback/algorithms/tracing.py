"""Fund tracing: follow money from a debtor's accounts, hop by hop and forward in time, to the
relatives, affiliates and cash where it ended, under a named tracing rule, with an audit trail.

An administrator must show that money which left the debtor reached a related party, possibly
through intermediaries (layering), each hop *after* the previous one and within a horizon, and
*how much* of it. Intermediary accounts mix the traced money with their own ("clean") money, so
a tracing rule decides which money an outgoing payment carries:

``fifo``
    The account's balance is a queue of lots in arrival order, traced and clean; a payment
    spends the oldest lots first (Clayton's case).
``libr``
    Lowest intermediate balance rule (Re Hallett, Roscoe v Winder): a payment is presumed to
    spend the holder's own clean money first; traced money left in the account can never
    exceed the lowest balance reached since it arrived (later deposits do not replenish it).
``pro_rata``
    Each payment carries traced money in proportion to the traced share of the balance at
    that moment.

Conventions (the same for all rules):

- Balances are known only from observed transfers: every account holds 0 before its first
  one. A payment larger than the known balance is paid with *unknown* money for the excess,
  which is clean: it never creates traced money (balances never go negative).
- Money leaving a case's source account within the case's window is the case's money at hop 1
  — all of it, unless traced money of *another* case sits in that account: that money is
  allocated by the rule first and stays the other case's (money held for another claimant is
  not the debtor's own). An account that is a source of several cases at once shares its own
  money equally between them. Transfers between one case's own source accounts are internal.
- Tracing for a case stops at its sinks: the accounts of its related parties (``sinks``),
  any ``cash:`` account (kind ``cash``), and its own source accounts from hop 2 on (kind
  ``returned``, a round trip). A sink of one case is an ordinary intermediary for the others.
- A traced lot is followed while it waits at most ``horizon_days`` at an intermediary: a
  payment made later does not carry it onwards (it *expired*). A lot that arrives at a non-sink
  at hop ``max_hops`` cannot reach a sink any more (*beyond_hops*). Pieces smaller than
  ``min_amount`` are *dropped*. Money that stopped being followed is still in its account:
  under ``libr`` it still counts as traced (it is not spent before clean money, and it shrinks
  to the lowest balance like any traced money); under ``fifo`` and ``pro_rata`` it behaves as
  clean money would. Parts of one payment that arrive together enter a ``fifo`` queue
  untraced part first (the conservative order for the administrator).
- Time ties are broken by ``transfer_id``; a payment at the same instant as, but ordered
  before, the arrival of traced money carries none of it.

Per case, ``sent = attributed + held + expired + dropped + beyond_hops`` (up to rounding):
every traced unit is accounted for exactly once (:attr:`TraceResult.summary`). ``held`` is
followed money still at an intermediary at the end of the data and within its horizon (it may
still move on); ``expired`` money waited longer than the horizon (it may still be there).

Complexity: one vectorized pass codes payers and payees as integers (one factorization of
both columns) and a time-respecting breadth-first search (``max_hops`` compiled passes over
the codes) finds the accounts that traced money can reach, and when it can first get there.
Time order is an integer sort; only where timestamps tie are the transfer ids compared, as
fixed-width bytes (read straight from the Arrow buffer). A balance does not depend on the rule,
so the balances of those accounts are computed in one pass for every one of their transfers
(the recursion ``B = max(0, B + x)`` is a running sum less its running minimum), and ``fifo``
positions likewise (a lot is a span on the account's cumulative-inflow axis; a payment consumes
the span from what was paid out before to what is paid out after). A payment whose payer cannot
hold followed money yet (no first hop, nor a payment of a payer that may hold some, paid into
it before: ``max_hops - 1`` vectorized passes) is a first hop worked out in bulk; under
``fifo``, money left at an account that pays nothing more within the horizon stays there
without the loop. The one pass in time order over the rest (compiled with numba:
:mod:`clawback.algorithms.tracing_kernel`) does work only for a payment from a source account
in its window or from an account that holds followed money at that moment; a chain of transfer
ids is a node in a tree of (parent, transfer) and becomes text only for the audit rows.

>>> import pandas as pd
>>> day = pd.Timestamp("2024-01-01")
>>> transfers = pd.DataFrame({
...     "transfer_id": ["t1", "t2", "t3"],
...     "src": ["D", "Y", "X"], "dst": ["X", "X", "S"], "amount": [100.0, 50.0, 80.0],
...     "timestamp": [day, day + pd.Timedelta(days=1), day + pd.Timedelta(days=2)]})
>>> sources = pd.DataFrame({"case_id": ["K1"], "account_id": ["D"],
...                         "start": [day], "end": [day + pd.Timedelta(days=9)]})
>>> sinks = pd.DataFrame({"case_id": ["K1"], "account_id": ["S"], "party_id": ["P-spouse"],
...                       "kind": ["spouse"]})
>>> for rule in RULES:
...     r = trace(transfers, sources, sinks, TraceParams(rule=rule))
...     print(rule, r.attributed[["party_id", "amount", "hops"]].round(2).values.tolist())
fifo [['P-spouse', 80.0, 2]]
libr [['P-spouse', 30.0, 2]]
pro_rata [['P-spouse', 53.33, 2]]
>>> print(r.audit[["hop", "transfer_id", "traced", "chain"]].round(2).to_string(index=False))
 hop transfer_id  traced chain
   1          t1  100.00    t1
   2          t3   53.33 t1→t3
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clawback.algorithms import tracing_kernel as kernel
from clawback.algorithms.arrays import index_in_repeated, unique_ints
from clawback.errors import ClawbackError

__all__ = ["ATTRIBUTED_COLUMNS", "AUDIT_COLUMNS", "CHAIN", "RULES", "SUMMARY_COLUMNS",
           "TraceParams", "TraceResult", "trace"]

RULES = ("fifo", "libr", "pro_rata")
CHAIN = "→"
"""Joins the transfer ids of one traced chain (the same joiner as the signals' evidence)."""
CASH_PREFIX = "cash:"
ATTRIBUTED_COLUMNS = ["case_id", "party_id", "kind", "amount", "hops"]
AUDIT_COLUMNS = ["case_id", "hop", "transfer_id", "src", "dst", "timestamp", "amount", "traced",
                 "rule", "chain"]
SUMMARY_COLUMNS = ["case_id", "sent", "attributed", "held", "expired", "dropped", "beyond_hops"]

T = TypeVar("T")
_NS_PER_DAY = 86_400 * 10**9
_INF = np.iinfo(np.int64).max
_NEG = np.iinfo(np.int64).min + 1
_CODE = np.int32
"""Account codes, transfer positions and entries are int32 (10M transfers, a few million
accounts): the plan's arrays are the trace's peak memory."""


@dataclass(frozen=True)
class TraceParams:
    """How to trace: the rule, how long a lot may wait at an intermediary, how many hops from
    the debtor's account to the beneficiary, and the smallest piece worth following.

    >>> TraceParams(rule="lifo")
    Traceback (most recent call last):
    ...
    clawback.errors.ClawbackError: unknown tracing rule 'lifo'; use one of fifo, libr, pro_rata
    """

    rule: str = "fifo"
    horizon_days: int = 30
    max_hops: int = 4
    min_amount: float = 1.0

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ClawbackError(f"unknown tracing rule {self.rule!r}; use one of "
                                f"{', '.join(RULES)}")
        if self.horizon_days < 0:
            raise ClawbackError(f"horizon_days must be >= 0, not {self.horizon_days}")
        if self.max_hops < 1:
            raise ClawbackError(f"max_hops must be >= 1, not {self.max_hops}")
        if not self.min_amount >= 0:
            raise ClawbackError(f"min_amount must be >= 0, not {self.min_amount}")


@dataclass(frozen=True)
class TraceResult:
    """What was traced.

    ``attributed``: :data:`ATTRIBUTED_COLUMNS`, one row per (case, party) — the traced amount
    that reached the party and the fewest hops it took (``kind`` joins several kinds with
    ``+``; a sink account of several parties is attributed to ``"P1+P2"``).
    ``audit``: :data:`AUDIT_COLUMNS`, one row per traced piece per hop, in time order per case:
    ``amount`` is the whole transfer, ``traced`` the case's piece of it and ``chain`` the
    transfer ids from the debtor's account to this hop.
    ``summary``: :data:`SUMMARY_COLUMNS`, one row per case — where every traced unit went.
    """

    attributed: pd.DataFrame
    audit: pd.DataFrame
    summary: pd.DataFrame
    params: TraceParams = field(default_factory=TraceParams)


# -- input -----------------------------------------------------------------------------------
def _require(frame: pd.DataFrame, name: str, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ClawbackError(f"{name} lacks column(s) {', '.join(missing)}")


def _ns(values: pd.Series, name: str, column: str) -> np.ndarray:
    """Nanoseconds since the epoch as int64 (NaT stays NaT's integer)."""
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_dtype(dtype):
        raise ClawbackError(f"{name}.{column} must be datetime64, not {dtype}")
    return values.to_numpy(dtype="datetime64[ns]").view("int64")


def _check_values(transfers: pd.DataFrame, pick: np.ndarray, amount: np.ndarray,
                  ts: np.ndarray) -> None:
    """Amounts and timestamps of the transfers the trace reads (the others are never used):
    ``amount`` all the amounts, ``ts`` the timestamps of those read (``pick``)."""
    bad = kernel.first_negative(amount, pick)
    if bad >= 0:
        raise ClawbackError(f"transfer {transfers['transfer_id'].iloc[pick[bad]]!r} has "
                            f"amount {amount[pick[bad]]!r}; amounts must be >= 0")
    nat = kernel.first_equal(ts, np.iinfo(np.int64).min)
    if nat >= 0:
        raise ClawbackError(f"transfer {transfers['transfer_id'].iloc[pick[nat]]!r} has no "
                            f"timestamp")


def _check_unique(ids: pd.Series, keys: np.ndarray, rows: np.ndarray) -> None:
    """The ids of the payments the loop visits (they end up in the audit chains) are unique:
    ``ids.iloc[rows]`` are theirs, ``keys`` all the ids' bytes (:func:`_id_bytes`)."""
    if ids.hasnans:                           # a missing id has no bytes: compare as values
        dup = ids.iloc[rows].duplicated().to_numpy()
        repeat = int(np.argmax(dup)) if dup.any() else -1
    else:
        repeat = kernel.first_repeat(keys, rows)
    if repeat >= 0:
        raise ClawbackError(f"transfer_id {ids.iloc[rows[repeat]]!r} is not unique")


def _id_bytes(ids: pd.Series) -> np.ndarray:
    """Every id as a row of bytes (uint8, padded with zero bytes), which compare as the ids
    do: a view of the Arrow buffer when all ids have the same length (:func:`_byte_keys`)."""
    keys = np.ascontiguousarray(_byte_keys(ids))
    return keys.view(np.uint8).reshape(len(keys), keys.dtype.itemsize)


def _string_array(ids: pd.Series) -> pa.Array:
    """A column of ids as one Arrow array (zero-copy for Arrow-backed strings; missing values
    null)."""
    if isinstance(ids.dtype, (pd.StringDtype, pd.ArrowDtype)):
        arr = pa.array(ids.array)
    else:
        arr = pa.array(ids.astype(str).to_numpy(dtype=object), pa.string(), from_pandas=True)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _positions(ids: pd.Series, index: pa.Array) -> np.ndarray:
    """The position of each id in ``index`` (-1: absent or null), by an Arrow hash join (an
    order of magnitude faster than a pandas index on a million strings)."""
    values = _string_array(ids)
    if values.type != index.type:
        values = values.cast(index.type)
    found = pc.index_in(values, value_set=index).fill_null(-1)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)


# -- which transfers matter --------------------------------------------------------------------
@dataclass
class _Reach:
    """Per payer code (slot n: a null payer): whether traced money can reach the account with
    hops to spare (its payments are followed), and the earliest moment any traced money can
    arrive there; ``cap``: after it no followed money is left anywhere."""

    tracked: np.ndarray
    earliest: np.ndarray
    cap: int


def _reach(codes: np.ndarray, dst_codes: np.ndarray, pays: np.ndarray, ts: np.ndarray,
           source_codes: np.ndarray, starts: np.ndarray, ends: np.ndarray,
           params: TraceParams) -> _Reach:
    """Earliest arrival by time-respecting paths, one compiled pass per hop (Bellman-Ford
    from the accounts whose earliest arrival changed; it ignores the horizon and amounts, so it
    over-approximates, never under). ``codes``/``dst_codes``: the payer's and the payee's
    account code per transfer (``n = len(pays)``: null); ``pays``: per account, whether it
    pays anything (an account that never pays is a dead end, never tracked)."""
    n = len(pays)
    horizon = params.horizon_days * _NS_PER_DAY
    cap = _INF
    if len(ends) and (ends != _INF).all():
        cap = min(int(ends.max()) + (params.max_hops - 1) * horizon, int(_INF))
    payer = np.append(pays, False)
    earliest = np.full(n + 1, _INF, dtype=np.int64)
    ok = source_codes >= 0
    ok[ok] = payer[source_codes[ok]]
    np.minimum.at(earliest, source_codes[ok], starts[ok])
    changed = earliest < _INF
    tracked = changed.copy()
    for k in range(1, params.max_hops + 1):
        if k == params.max_hops:
            tracked = earliest < _INF        # reached within max_hops - 1 hops
        if not changed.any():
            continue
        new = earliest.copy()              # one that never pays is a dead end: not entered
        kernel.reach_pass(codes, dst_codes, ts, payer, changed, earliest, new, cap)
        changed = new < earliest
        earliest = new
    tracked[n] = False
    return _Reach(tracked, earliest, cap)


def _byte_keys(ids: pd.Series) -> np.ndarray:
    """The ids as fixed-width byte strings (numpy ``S``), which sort as the ids do (UTF-8 keeps
    the order of code points): read straight from the Arrow buffer when all ids have the same
    length, the usual case."""
    arr = _string_array(ids)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.string())
    if len(arr) and arr.null_count == 0:
        offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64 if pa.types.is_large_string(
            arr.type) else np.int32)[arr.offset:arr.offset + len(arr) + 1]
        width = int(offsets[1] - offsets[0])
        if width and kernel.equal_steps(offsets, width):
            return np.frombuffer(arr.buffers()[2], dtype=f"S{width}", count=len(arr),
                                 offset=int(offsets[0]))
    binary = pa.large_binary() if pa.types.is_large_string(arr.type) else pa.binary()
    return np.asarray(arr.cast(binary).to_numpy(zero_copy_only=False)).astype("S")


def _time_order(ts: np.ndarray, ids: pd.Series, keys: np.ndarray, at: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Positions that put ``ts`` in (timestamp, transfer_id) order (``ids.iloc[at]`` are the
    ids, ``keys[at]`` their bytes: :func:`_id_bytes`), and ``ts`` in that order: an integer
    (radix) sort, then, within each run of equal timestamps, the ids
    (:func:`~clawback.algorithms.tracing_kernel.sort_ties`; they must differ there)."""
    order = kernel.argsort_stable(np.ascontiguousarray(ts, dtype=np.int64))
    in_order = ts[order]
    if len(order) < 2 or not kernel.has_repeats(in_order):
        return order, in_order
    rows = at[order]
    same = kernel.sort_ties(order, in_order, keys, rows)
    if same >= 0:
        raise ClawbackError(f"transfer_id {ids.iloc[rows[same]]!r} is not unique")
    return order, in_order


@dataclass
class _Plan:
    """The payments the loop visits (payments of tracked accounts, in time order) with, per
    payment, the payer's balance before it and paid-out position after it, the payer's and
    the payee's entry (-1: the payee is not tracked) and the payee's cumulative inflow before
    it; and per entry (tracked account and transfer, in account and time order) the balance
    after it. Only ``libr`` reads entries: under the other rules ``src_entry`` is 0,
    ``dst_entry`` 0 where the payee is tracked (-1 where not, as under ``libr``) and
    ``b_after`` empty. ``rows`` holds the visited payments' amount and time; their strings stay in
    ``transfers`` (row ``origin``), taken when needed (:meth:`strings`).
    ``source_account``/``sink_account``: the account code of each row of the sources and of
    the sinks (-1: not an account the trace knows). Worked out on a second thread while the
    trace goes on: ``sinks``, the sink table (:func:`_sink_table`), and ``unique``, the check
    that the visited payments' ids are unique (:func:`_check_unique`; it raises when its
    result is asked for)."""

    rows: pd.DataFrame
    balance: np.ndarray
    paid_after: np.ndarray
    src_entry: np.ndarray
    dst_entry: np.ndarray
    dst_base: np.ndarray
    b_after: np.ndarray
    accounts: pd.Index
    src_code: np.ndarray
    dst_code: np.ndarray
    transfers: pd.DataFrame
    origin: np.ndarray
    source_account: np.ndarray
    sink_account: np.ndarray
    sinks: Future[_Sinks]
    unique: Future[None]
    _arrow_accounts: pa.Array | None = None

    def _arrow(self) -> pa.Array:
        if self._arrow_accounts is None:
            self._arrow_accounts = pa.array(self.accounts.to_numpy(dtype=object), pa.string())
        return self._arrow_accounts

    def cash_accounts(self) -> np.ndarray:
        """Per account code: whether it is a cash stand-in."""
        found = pc.starts_with(self._arrow(), CASH_PREFIX).fill_null(False)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)

    def strings(self, column: str, at: np.ndarray) -> pd.Series:
        """``column`` (transfer_id, src, dst) of the visited payments ``at``."""
        return self.transfers[column].iloc[self.origin[at]].reset_index(drop=True)


def _codes(transfers: pd.DataFrame, account_ids: pd.Index | None
           ) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Payers and payees in one code space (``n``, the number of accounts: null), so that all
    the rest works on integers: the given codes (``src_code``/``dst_code``, positions in
    ``account_ids``, -1 null), or one factorization of both columns."""
    if account_ids is not None:
        n = len(account_ids)
        codes, all_dst = (np.where(c < 0, n, c).astype(_CODE) if kernel.first_below(c, 0) >= 0
                          else c.astype(_CODE, copy=False) for c in (
            transfers[f"{end}_code"].to_numpy() for end in ("src", "dst")))
        return account_ids, codes, all_dst
    size = len(transfers)
    both, uniques = pd.factorize(pd.concat([transfers["src"], transfers["dst"]],
                                           ignore_index=True), sort=False)
    accounts = pd.Index(uniques)
    both = np.where(both < 0, len(accounts), both).astype(_CODE)
    return accounts, both[:size], both[size:]


def _plan(transfers: pd.DataFrame, ts: np.ndarray, sources: pd.DataFrame, starts: np.ndarray,
          ends: np.ndarray, sinks: pd.DataFrame, cases: list[str], params: TraceParams,
          account_ids: pd.Index | None, pool: ThreadPoolExecutor) -> _Plan:
    accounts, codes, all_dst = _codes(transfers, account_ids)
    n = len(accounts)
    # the account ids once as Arrow strings, and the sources' and sinks' accounts found there
    # in one hash join (a pandas index of a million ids builds a table of Python objects)
    arrow_accounts = pa.array(accounts.to_numpy(dtype=object), pa.string())
    if account_ids is not None and "account_code" in sources and "account_code" in sinks:
        source_account, sink_account = (
            np.where((c >= 0) & (c < n), c, -1).astype(np.int64)
            for c in (frame["account_code"].to_numpy(dtype=np.int64)
                      for frame in (sources, sinks)))
    else:
        found = _positions(pd.concat([sources["account_id"], sinks["account_id"].astype(str)],
                                     ignore_index=True), arrow_accounts)
        source_account, sink_account = found[:len(sources)], found[len(sources):]
    sink_table = pool.submit(_sink_table, sinks, pd.Index(cases), sink_account, n + 1)
    pays = kernel.marked(codes, n)
    reach = _reach(codes, all_dst, pays, ts, source_account, starts, ends, params)
    # the transfers of tracked accounts, but a payment to oneself (it moves nothing)
    pick = kernel.picked(codes, all_dst, ts, reach.tracked, reach.cap)
    amount = transfers["amount"].to_numpy(dtype=float)
    row_ts = ts[pick]
    _check_values(transfers, pick, amount, row_ts)
    keys = _id_bytes(transfers["transfer_id"])
    order, row_ts = _time_order(row_ts, transfers["transfer_id"], keys, pick)
    pick = pick[order]
    dst_code = all_dst[pick]
    src_code = codes[pick]
    del codes, all_dst, order
    amount = amount[pick]
    tracked_src = reach.tracked[src_code]
    # the loop visits the payments of tracked accounts from when traced money can be there
    if params.rule == "libr":
        # entries: one per (tracked account, transfer), in (account, time) order, with the
        # account's balance and cumulative inflow after each (a counting sort and one pass);
        # libr reads the lowest balance over a run of an account's entries
        out_entry, in_entry, first, i_after, b_after = kernel.entries(
            src_code, dst_code, amount, tracked_src, reach.tracked[dst_code], n)
        visit, src_entry, dst_entry, balance, paid_after, dst_base = kernel.visits(
            tracked_src, row_ts, reach.earliest, src_code, amount, out_entry, in_entry, first,
            i_after, b_after)
        del out_entry, in_entry, i_after, first
    else:
        # the other rules read only each visited payment's balances: one pass in time order
        visit, tracked_payee, balance, paid_after, dst_base = kernel.balances(
            src_code, dst_code, amount, tracked_src, reach.tracked[dst_code], row_ts,
            reach.earliest, n)
        src_entry = np.zeros(len(visit), dtype=np.int32)
        dst_entry = np.where(tracked_payee, 0, -1).astype(np.int32)
        b_after = np.zeros(0)
    del tracked_src
    origin = pick[visit]
    rows = pd.DataFrame({"amount": amount[visit], "ts": row_ts[visit]}, copy=False)
    no_payee = dst_code[visit] == n
    if no_payee.any():
        raise ClawbackError(f"transfer {transfers['transfer_id'].iloc[origin[no_payee][0]]!r} "
                            "has no dst")
    unique = pool.submit(_check_unique, transfers["transfer_id"], keys, origin)
    return _Plan(rows, balance, paid_after, src_entry, dst_entry, dst_base,
                 b_after, accounts, src_code[visit], dst_code[visit], transfers, origin,
                 source_account, sink_account, sink_table, unique, arrow_accounts)


# -- the trace ---------------------------------------------------------------------------------
def trace(transfers: pd.DataFrame, sources: pd.DataFrame, sinks: pd.DataFrame,
          params: TraceParams = TraceParams(), *, audit_from_hop: int = 1,
          account_ids: pd.Index | None = None) -> TraceResult:
    """Trace each case's money from its source accounts to its sinks under ``params.rule``.

    ``transfers``: ``transfer_id, src, dst, amount, timestamp`` (other columns are ignored);
    ``timestamp`` is datetime64, ties are broken by ``transfer_id``.
    ``sources``: ``case_id, account_id, start, end`` — money leaving ``account_id`` between
    ``start`` and ``end`` (inclusive; NaT is open) is the case's. A case may have several rows.
    ``sinks``: ``case_id, account_id, party_id, kind`` — the case's related parties' accounts.
    Any ``cash:`` account is a sink of kind ``cash`` for every case, and a case's own source
    accounts are sinks of kind ``returned`` from hop 2 on.

    ``audit_from_hop``: the audit keeps the pieces of this hop and later (2: leave out the
    first hops, the debtor's own payments, when only what went through an intermediary is
    read; the tallies, attributions and summary are the same whatever it is).

    ``account_ids``: when given, ``transfers`` also has ``src_code``/``dst_code``, the
    position of each end in ``account_ids`` (-1: null), and the trace uses them instead of
    coding the ids itself (:class:`~clawback.algorithms.data.PortfolioData` carries both); the
    result is the same. Where ``sources`` and ``sinks`` both have an ``account_code`` column
    too (the position of ``account_id`` in ``account_ids``, -1: absent), those are used
    instead of looking the ids up.

    Raises :class:`~clawback.errors.ClawbackError` for a missing column, a timestamp that is
    not datetime64, and (among the transfers the trace reads) a repeated ``transfer_id``, a
    negative or missing amount or a missing timestamp, src or dst.
    """
    if audit_from_hop < 1:
        raise ClawbackError(f"audit_from_hop must be >= 1, not {audit_from_hop}")
    _require(transfers, "transfers", ["transfer_id", "src", "dst", "amount", "timestamp"])
    _require(sources, "sources", ["case_id", "account_id", "start", "end"])
    _require(sinks, "sinks", ["case_id", "account_id", "party_id", "kind"])
    sources = sources.assign(case_id=sources["case_id"].astype(str),
                             account_id=sources["account_id"].astype(str))
    nat = np.iinfo(np.int64).min
    starts = _ns(sources["start"], "sources", "start")
    ends = _ns(sources["end"], "sources", "end")
    starts = np.where(starts == nat, _NEG, starts)
    ends = np.where(ends == nat, _INF, ends)
    ts = _ns(transfers["timestamp"], "transfers", "timestamp")
    latest = int(ts.max()) if len(ts) else nat         # NaT is the smallest int64
    end_of_data = latest if latest != nat else _NEG
    case_ids = _string_array(sources["case_id"])
    if case_ids.null_count:
        raise ClawbackError("sources.case_id has missing values")
    distinct = pc.unique(case_ids)                   # sorted as Python sorts str: code points
    cases = distinct.take(pc.sort_indices(distinct)).to_pylist()
    out = _Out(len(cases), audit_from_hop)
    if len(transfers) and len(sources):
        if account_ids is not None:
            _require(transfers, "transfers", ["src_code", "dst_code"])
        # a second thread takes the parts that do not wait for the plan (numba's kernels and
        # Arrow's compute functions release the GIL)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="trace") as pool:
            plan = _plan(transfers, ts, sources, starts, ends, sinks, cases, params,
                         account_ids, pool)
            first = _first_hop(plan, sources.assign(start=starts, end=ends), cases, params)
            _first_hop_tally(first, plan, out, end_of_data, params)
            _loop(plan, first, params, out, end_of_data)
            plan.unique.result()
            # the attributions on the second thread while this one makes the audit (which
            # hands that thread its payers and payees once the attributions are done)
            attributed = pool.submit(_attributed_frame, out, cases)
            audit = _audit_frame(out, plan, cases, params, pool)
            return TraceResult(attributed.result(), audit, _summary_frame(cases, out), params)
    empty = _Out(len(cases))
    return TraceResult(_attributed_frame(empty, cases), _audit_frame(empty, None, cases, params),
                       _summary_frame(cases, empty), params)


class _Out:
    """What the trace found, with cases as their position in the sorted case ids: per-case
    tallies, and the first hop's attributions and audit rows (worked out in bulk) and the
    loop's (:func:`_loop`), each as arrays in the order found."""

    def __init__(self, n_cases: int, audit_from_hop: int = 1) -> None:
        self.audit_from_hop = audit_from_hop
        self.sent = np.zeros(n_cases)
        self.expired = np.zeros(n_cases)
        self.dropped = np.zeros(n_cases)
        self.beyond = np.zeros(n_cases)
        self.held = np.zeros(n_cases)
        # the loop's share of each tally, added last (in the order the loop found it)
        self.loop_tally: tuple[np.ndarray, ...] | None = None
        # attributions: case, party, kind, amount, hop, row; party and kind as codes
        # (:meth:`name_table`)
        self.first_attributed: pd.DataFrame | None = None
        self.parties = np.empty(0, dtype=object)
        self.kinds = np.empty(0, dtype=object)
        self.accounts = np.empty(0, dtype=object)
        self.attributed: pd.DataFrame | None = None
        # audit rows: case, hop, row, traced, and chain (text, or a node of ``chains``)
        self.first_audit: pd.DataFrame | None = None
        self.audit: pd.DataFrame | None = None
        self.chains = np.empty((0, 2), dtype=np.int64)

    def name_table(self, sinks: _Sinks, accounts: np.ndarray) -> None:
        """Party codes below ``len(sinks.parties)`` are sinks' parties, the others account
        codes offset by it (cash accounts; a case's own account, returned); kind codes below
        ``len(sinks.kinds)`` are sinks' kinds, then cash, then returned."""
        self.parties = sinks.parties
        self.kinds = np.concatenate([sinks.kinds, np.array(["cash", "returned"], dtype=object)])
        self.accounts = accounts


@dataclass
class _FirstHop:
    """The first hop, vectorized. ``pairs``: one row per (visited payment, case whose window
    holds it) — ``row``, ``case`` — sorted. ``pure``: per visited payment, whether its payer
    cannot hold followed money yet (no followed money has been paid into it before): such a
    payment's pieces are all the case's own money, so they are worked out here, and the loop
    only adds what they leave at a tracked payee. ``names``: account codes (payers first, as in
    the plan) → ids; ``dst``: the payee's code per visited payment; ``sinks``: the case ×
    account keys of the cases' sinks, sorted, with their party and kind; ``own``: the sorted
    case × account keys of the cases' source accounts; ``width``: the key multiplier;
    ``stays``: per visited payment, whether what it leaves at its payee stays there
    (:func:`_stays`). Set by :func:`_first_hop_tally`: ``live``, the first hops' pieces followed
    on (row, case, amount, by row) and ``dead``, per visited payment, first-hop money no longer
    followed that stays at a tracked payee (libr)."""

    pairs: pd.DataFrame
    pure: np.ndarray
    names: np.ndarray
    dst: np.ndarray
    cash: np.ndarray
    sinks: _Sinks
    own: np.ndarray
    own_listed: np.ndarray
    own_table: np.ndarray
    width: int
    stays: np.ndarray
    live: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    dead: np.ndarray | None = None


@dataclass
class _Sinks:
    """Sorted case × account keys, and the party and kind of each as codes into ``parties``
    and ``kinds`` (an account of several parties joins them with '+')."""

    keys: np.ndarray
    party: np.ndarray
    kind: np.ndarray
    parties: np.ndarray
    kinds: np.ndarray
    listed: np.ndarray
    table: np.ndarray

    def find(self, case: np.ndarray, account: np.ndarray, width: int) -> np.ndarray:
        """Position of each (case, account code) pair, -1 where it is not a sink."""
        return _find_keys(self.keys, case, account, width, self.listed, self.table)


def _listed(keys: np.ndarray, width: int) -> np.ndarray:
    """Per account code: whether some ``case * width + account`` key names it."""
    listed = np.zeros(width, dtype=bool)
    listed[keys % width] = True
    return listed


def _find_keys(keys: np.ndarray, case: np.ndarray, account: np.ndarray, width: int,
               listed: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Position of each ``case * width + account`` among the distinct ``keys`` (-1: absent),
    through their hash table (:func:`~clawback.algorithms.tracing_kernel.key_table`). Only
    the pairs whose account is in some key (``listed``: :func:`_listed`) are looked up: most
    are not."""
    found = np.full(len(case), -1, dtype=np.int64)
    maybe = np.flatnonzero(listed[account])
    key = case[maybe].astype(np.int64) * width + account[maybe]
    found[maybe] = kernel.find_keys(table, keys, key)
    return found


def _sorted_codes(values: pd.Series, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``values.iloc[at]`` as codes into their distinct values sorted (as the ids: by code
    point), and those values."""
    encoded = pc.dictionary_encode(_string_array(values).cast(pa.string()).take(at))
    order = np.asarray(pc.sort_indices(encoded.dictionary), dtype=np.int64)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    codes = rank[np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)]
    return codes, np.asarray(encoded.dictionary.take(order).to_numpy(zero_copy_only=False),
                             dtype=object)


def _sink_table(sinks: pd.DataFrame, case_index: pd.Index, account: np.ndarray,
                width: int) -> _Sinks:
    """The sinks by case × account key; parties and kinds each sorted and unique where an
    account has several. Deduplicated and sorted on integer codes (parties and kinds coded in
    sorted order), the strings joined only for the accounts of several parties."""
    case = index_in_repeated(_string_array(sinks["case_id"]).cast(pa.string()),
                             pa.array(case_index.to_numpy(dtype=object), pa.string()))
    named = ~(sinks["party_id"].isna().to_numpy() | sinks["kind"].isna().to_numpy())
    # other sinks are never paid in the trace (and a sink without a party names no one)
    keep = np.flatnonzero((case >= 0) & (account >= 0) & named)
    party, party_of = _sorted_codes(sinks["party_id"], keep)
    kind, kind_of = _sorted_codes(sinks["kind"], keep)
    key = case[keep] * width + account[keep]
    order = np.lexsort((kind, party, key))
    key, party, kind = key[order], party[order], kind[order]
    distinct = np.ones(len(key), dtype=bool)
    distinct[1:] = (key[1:] != key[:-1]) | (party[1:] != party[:-1]) | (kind[1:] != kind[:-1])
    key, party, kind = key[distinct], party[distinct], kind[distinct]
    repeated = np.zeros(len(key), dtype=bool)
    same = key[1:] == key[:-1]
    repeated[1:] |= same
    repeated[:-1] |= same
    single = ~repeated
    keys = [key[single]]
    party_codes = [party[single]]
    kind_codes = [kind[single]]
    if repeated.any():
        # an account of several parties: their ids joined, a party of its own (new codes
        # after the single parties' unless the joined text is one of them)
        many = pd.DataFrame({"key": key[repeated], "party": party[repeated],
                             "kind": kind[repeated]})
        joined = [(int(str(k)), "+".join(dict.fromkeys(party_of[g["party"].to_numpy()])),
                   "+".join(sorted(set(kind_of[g["kind"].to_numpy()]))))
                  for k, g in many.groupby("key", sort=False)]
        keys.append(np.array([j[0] for j in joined], dtype=np.int64))
        party_of, code = _extend(party_of, [j[1] for j in joined])
        party_codes.append(code)
        kind_of, code = _extend(kind_of, [j[2] for j in joined])
        kind_codes.append(code)
    all_keys = np.concatenate(keys)
    order = np.argsort(all_keys, kind="stable")
    all_keys = all_keys[order]
    return _Sinks(all_keys, np.concatenate(party_codes)[order],
                  np.concatenate(kind_codes)[order], party_of, kind_of, _listed(all_keys, width),
                  kernel.key_table(all_keys))


def _extend(table: np.ndarray, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``table`` with the ``texts`` it lacks appended, and the code of each text in it."""
    known = pd.Index(table).get_indexer(pd.Index(texts, dtype=object))
    new = pd.unique(np.asarray([t for t, k in zip(texts, known, strict=True) if k < 0],
                               dtype=object))
    table = np.concatenate([table, np.asarray(new, dtype=object)])
    return table, pd.Index(table).get_indexer(pd.Index(texts, dtype=object)).astype(np.int64)


def _first_hop(plan: _Plan, sources: pd.DataFrame, cases: list[str], params: TraceParams
               ) -> _FirstHop:
    """Which cases each visited payment is the first hop of, and which payments are pure."""
    rows = plan.rows
    m = len(rows)
    n = len(plan.accounts)
    dst = plan.dst_code
    names = plan.accounts
    width = n + 1
    s_case = _positions(sources["case_id"], pa.array(cases, pa.string()))
    s_account = plan.source_account
    own_keys = unique_ints(s_case * width + np.where(s_account >= 0, s_account, width - 1))
    own_listed = _listed(own_keys, width)
    own_table = kernel.key_table(own_keys)
    src = plan.src_code
    # the distinct (row, case) pairs, sorted: payments out of a case's window, not between its
    # own accounts
    known = s_account >= 0
    pair_row, pair_case = kernel.window_pairs(
        src, dst, rows["ts"].to_numpy(dtype=np.int64), s_account[known], s_case[known],
        sources["start"].to_numpy(dtype=np.int64)[known],
        sources["end"].to_numpy(dtype=np.int64)[known], own_table, own_keys, own_listed, width)
    pairs = pd.DataFrame({"row": pair_row, "case": pair_case}, copy=False)
    # a payment is pure while no followed money can have been paid into its payer: followed
    # money moves only with a first hop, or with a payment of a payer that may hold some, and
    # a lot is passed on at most max_hops - 1 times (libr: once more, as money no longer
    # followed still counts there)
    tracked_payee = plan.dst_entry >= 0
    deposits = np.zeros(m, dtype=bool)
    deposits[pair_row] = True
    may_hold = np.zeros(m, dtype=bool)
    for _ in range(params.max_hops - (params.rule != "libr")):
        holds = kernel.holders(deposits, tracked_payee, src, dst, n)
        if not (holds & ~may_hold).any():
            break
        may_hold |= holds
        deposits = holds
    pure = ~may_hold
    cash = np.append(plan.cash_accounts(), False)           # slot n: a null payee
    return _FirstHop(pairs, pure, names.to_numpy(dtype=object), dst, cash,
                     plan.sinks.result(), own_keys.astype(np.int64), own_listed, own_table,
                     width, _stays(plan, params))


def _stays(plan: _Plan, params: TraceParams) -> np.ndarray:
    """Per visited payment, under ``fifo``: whether money it leaves at its payee stays there
    for good (the payee pays nothing more within the horizon after it). Such money is never
    passed on, and a fifo queue is a span of positions that other lots do not move, so it is
    left where it is, like money at an account that never pays (the loop need not keep it).
    Under the other rules what sits in an account weighs on what leaves it: all False."""
    m = len(plan.rows)
    if params.rule != "fifo" or m == 0:
        return np.zeros(m, dtype=bool)
    return kernel.stays(plan.src_code, plan.dst_code, plan.rows["ts"].to_numpy(dtype=np.int64),
                        len(plan.accounts), params.horizon_days * _NS_PER_DAY)


def _first_hop_tally(first: _FirstHop, plan: _Plan, out: _Out, end_of_data: int,
                     params: TraceParams) -> None:
    """The pieces of pure payments: sent, dropped, attributed, beyond the hops, left at an
    account that never pays (held or expired), or followed on (``first.live``/``dead``, for
    the loop)."""
    pairs = first.pairs
    row = pairs["row"].to_numpy()
    case = pairs["case"].to_numpy()
    amount = plan.rows["amount"].to_numpy(dtype=float)
    share_of = np.bincount(row, minlength=len(plan.rows))
    take = first.pure[row] & (amount[row] > 0)
    row, case = row[take], case[take]
    share = amount[row] / share_of[row]
    n_cases = len(out.sent)
    out.sent += np.bincount(case, weights=share, minlength=n_cases)
    small = (share < params.min_amount) | (share <= 0)
    out.dropped += np.bincount(case[small], weights=share[small], minlength=n_cases)
    dead = np.bincount(row[small], weights=share[small],
                       minlength=len(plan.rows)).astype(float)
    row, case, share = row[~small], case[~small], share[~small]
    if out.audit_from_hop <= 1:
        out.first_audit = pd.DataFrame({"case": case, "hop": 1, "row": row, "traced": share})
    dst = first.dst[row]
    sink = first.sinks.find(case, dst, first.width)
    is_sink = sink >= 0
    cash = first.cash[dst] & ~is_sink
    sinks = first.sinks
    out.name_table(sinks, first.names)
    out.first_attributed = pd.concat([
        pd.DataFrame({"case": case[is_sink], "party": sinks.party[sink[is_sink]],
                      "kind": sinks.kind[sink[is_sink]],
                      "amount": share[is_sink], "hop": 1, "row": row[is_sink]}),
        pd.DataFrame({"case": case[cash], "party": len(sinks.parties) + dst[cash].astype(np.int64),
                      "kind": len(sinks.kinds), "amount": share[cash], "hop": 1,
                      "row": row[cash]})], ignore_index=True)
    on = ~(is_sink | cash)
    row, case, share = row[on], case[on], share[on]
    if params.max_hops <= 1:
        out.beyond += np.bincount(case, weights=share, minlength=n_cases)
        dead += np.bincount(row, weights=share, minlength=len(plan.rows))
        row, case, share = row[:0], case[:0], share[:0]
    else:
        # at an account that never pays (or, fifo, not within the horizon): it stays there
        leaf = (plan.dst_entry[row] < 0) | first.stays[row]
        arrival = plan.rows["ts"].to_numpy()[row[leaf]]
        waited = (end_of_data - arrival) > params.horizon_days * _NS_PER_DAY
        out.expired += np.bincount(case[leaf][waited], weights=share[leaf][waited],
                                   minlength=n_cases)
        out.held += np.bincount(case[leaf][~waited], weights=share[leaf][~waited],
                                minlength=n_cases)
        row, case, share = row[~leaf], case[~leaf], share[~leaf]
    first.live = (row.astype(np.int64), case.astype(np.int64), share.astype(float))
    # np.zeros: pages never written are not memory
    first.dead = np.zeros(len(plan.rows))
    if params.rule == "libr":
        pure_dead = np.flatnonzero((dead > 0) & first.pure & (plan.dst_entry >= 0))
        first.dead[pure_dead] = dead[pure_dead]


def _loop(plan: _Plan, first: _FirstHop, params: TraceParams, out: _Out,
          end_of_data: int) -> None:
    """The one pass in time order (:func:`clawback.algorithms.tracing_kernel.run`) over the
    payments that need it: those of payers that may hold followed money, and the pure ones
    that leave followed money at a tracked payee."""
    assert first.live is not None and first.dead is not None
    live_row, live_case, live_amount = first.live
    pure = first.pure
    wanted = ~pure
    wanted[live_row] = True
    wanted[first.dead > 0] = True
    visit = np.flatnonzero(wanted).astype(np.int64)
    del wanted
    pair_row = first.pairs["row"].to_numpy(dtype=np.int64)
    keep = ~pure[pair_row]
    rule = {"fifo": kernel.FIFO, "libr": kernel.LIBR, "pro_rata": kernel.PRO_RATA}[params.rule]
    rows = plan.rows
    (sent, expired, dropped, beyond, held, audit_i, audit_f, attr_i, attr_f,
     chains) = kernel.run(
        visit, pure, plan.src_code, first.dst, rows["amount"].to_numpy(dtype=float),
        rows["ts"].to_numpy(dtype=np.int64), first.stays, plan.balance, plan.paid_after,
        plan.src_entry.astype(np.int64), plan.dst_entry.astype(np.int64), plan.dst_base,
        plan.b_after, pair_row[keep], first.pairs["case"].to_numpy(dtype=np.int64)[keep],
        live_row, live_case, live_amount, first.dead, first.cash, first.sinks.keys, first.own,
        first.sinks.table, first.own_table, first.sinks.listed, first.own_listed,
        int(first.width), len(plan.accounts), rule, params.horizon_days * _NS_PER_DAY,
        float(params.min_amount), int(params.max_hops), int(out.audit_from_hop),
        len(out.sent), int(end_of_data))
    out.loop_tally = (sent, expired, dropped, beyond, held)
    out.chains = chains
    out.audit = pd.DataFrame({"case": audit_i[:, 0], "hop": audit_i[:, 1],
                              "row": audit_i[:, 2], "traced": audit_f, "chain": audit_i[:, 3]})
    sink = attr_i[:, 1]
    found = sink >= 0
    at = np.where(found, sink, 0)
    sinks = first.sinks
    has = len(sinks.keys) > 0
    party = np.where(found, sinks.party[at] if has else 0, len(sinks.parties) + attr_i[:, 4])
    kind = np.where(found, sinks.kind[at] if has else 0,
                    len(sinks.kinds) + (sink == kernel.SINK_RETURNED))
    out.attributed = pd.DataFrame({"case": attr_i[:, 0], "party": party, "kind": kind,
                                   "amount": attr_f, "hop": attr_i[:, 2], "row": attr_i[:, 3]})


# -- output ------------------------------------------------------------------------------------
def _attributed_frame(out: _Out, cases: list[str]) -> pd.DataFrame:
    """One row per (case, party): the amounts summed in the order of their rows (as pandas
    sums a group: ``np.add.reduceat``), the fewest hops, the kinds joined; sorted by case and
    party id. Grouped on integer codes; only the groups' names are strings."""
    frames = [f for f in (out.first_attributed, out.attributed) if f is not None and len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(  # type: ignore[call-overload]
            ATTRIBUTED_COLUMNS, [object, object, object, float, "int64"], strict=True)})
    rec = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    case = rec["case"].to_numpy(dtype=np.int64)
    party = rec["party"].to_numpy(dtype=np.int64, copy=True)
    n_parties = len(out.parties)
    # an account named as a party (cash, returned) whose id is also a sink's party: that party
    named = party >= n_parties
    if named.any():
        used = unique_ints(party[named] - n_parties)
        same = _positions(pd.Series(out.accounts[used], dtype=object),
                          pa.array(out.parties, pa.string()))
        remap = np.where(same >= 0, same, used + n_parties)
        party[named] = remap[np.searchsorted(used, party[named] - n_parties)]
    order = np.lexsort((rec["row"].to_numpy(), party, case))
    case, party = case[order], party[order]
    start = np.ones(len(case), dtype=bool)
    start[1:] = (case[1:] != case[:-1]) | (party[1:] != party[:-1])
    starts = np.flatnonzero(start)
    group = np.cumsum(start) - 1
    amount = np.add.reduceat(rec["amount"].to_numpy(dtype=float)[order], starts)
    hops = np.minimum.reduceat(rec["hop"].to_numpy(dtype=np.int64)[order], starts)
    case, party = case[starts], party[starts]
    # the kinds of each group: distinct texts, sorted, joined
    text_code, found = pd.factorize(pd.Series(out.kinds, dtype=object))
    texts = np.asarray(found, dtype=object)
    kind = text_code[rec["kind"].to_numpy(dtype=np.int64)[order]].astype(np.int64)
    pair = unique_ints(group * len(texts) + kind)
    pair_group, pair_kind = pair // len(texts), pair % len(texts)
    first_pair = np.searchsorted(pair_group, np.arange(len(starts) + 1))
    kinds = texts[pair_kind[first_pair[:-1]]]
    for g in np.flatnonzero(np.diff(first_pair) > 1):
        kinds[g] = "+".join(sorted(texts[pair_kind[first_pair[g]:first_pair[g + 1]]]))
    sink_party = party < n_parties
    names = np.empty(len(party), dtype=object)
    names[sink_party] = out.parties[party[sink_party]]
    names[~sink_party] = out.accounts[party[~sink_party] - n_parties]
    # cases are coded in sorted order; within a case, by party id
    rank = np.empty(len(names), dtype=np.int64)
    rank[np.asarray(pc.sort_indices(pa.array(names, pa.string())), dtype=np.int64)] = \
        np.arange(len(names))
    final = np.lexsort((rank, case))
    return pd.DataFrame({
        "case_id": pd.Series(np.asarray(cases, dtype=object)[case[final]], dtype=str),
        "party_id": pd.Series(names[final], dtype=str),
        "kind": pd.Series(kinds[final], dtype=str),
        "amount": amount[final],
        "hops": hops[final].astype("int64")})


def _chain_text(chains: np.ndarray, nodes: np.ndarray, hops: np.ndarray,
                plan: _Plan) -> pa.Array:
    """The chains of transfer ids (joined with :data:`CHAIN`) of the loop's audit rows, joined
    by Arrow level by level."""
    levels = kernel.chain_rows(chains, nodes, hops)
    if not levels:
        return pa.array([], pa.large_string())
    used = unique_ints(np.concatenate(levels))
    used = used[used >= 0]
    ids = _string_array(plan.strings("transfer_id", used)).cast(pa.large_string())
    at = np.zeros(len(plan.rows), dtype=np.int64)      # plan row -> position in ``used``
    at[used] = np.arange(len(used))
    parts = [ids.take(pa.array(at[level], mask=level < 0)) for level in levels]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, pa.scalar(CHAIN, pa.large_string()),
                                       null_handling="skip")


def _chains(out: _Out, plan: _Plan, row: np.ndarray, hop: np.ndarray, node: np.ndarray,
            ids: pd.Series | None = None) -> pd.Series:
    """The chain text of audit rows: a first hop's (node -1, or a loop piece at hop 1) is its
    transfer id (``ids``, when taken already), a later loop piece's its node's chain."""
    if ids is None:
        ids = plan.strings("transfer_id", row)
    looped = (node >= 0) & (hop > 1)
    if not looped.any():
        return ids.astype(str).reset_index(drop=True)
    base = _string_array(ids.astype(str)).cast(pa.large_string())
    text = _chain_text(out.chains, node[looped], hop[looped], plan)
    chain = pc.replace_with_mask(base, pa.array(looped), text)
    return pd.Series(chain.to_pandas(), dtype=str)


def _audit_frame(out: _Out, plan: _Plan | None, cases: list[str], params: TraceParams,
                 pool: ThreadPoolExecutor | None = None) -> pd.DataFrame:
    """The audit rows in (case, time) order with their strings: the payers and payees taken
    on ``pool``'s thread while this one makes the chains."""
    if plan is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(  # type: ignore[call-overload]
            AUDIT_COLUMNS, [object, "int64", object, object, object, "datetime64[ns]", float,
                            float, object, object], strict=True)})
    # the first hops' chains are their own transfer ids (node -1), the loop's nodes of the
    # chain tree: made text once the rows are in order
    columns: dict[str, list[np.ndarray]] = {"case": [], "hop": [], "row": [], "traced": [],
                                             "node": []}
    for found, looped in ((out.first_audit, False), (out.audit, True)):
        if found is None or not len(found):
            continue
        for name in ("case", "hop", "row", "traced"):
            columns[name].append(found[name].to_numpy())
        columns["node"].append(found["chain"].to_numpy() if looped
                               else np.full(len(found), -1))
    # int32 where every value fits: half the bytes to gather when the rows are put in order
    small = np.int32 if max(len(plan.rows), len(out.chains), len(cases)) < 2**31 else np.int64
    case, hop, row, node = (np.concatenate(columns[c]).astype(small) if columns[c]
                            else np.zeros(0, dtype=small)
                            for c in ("case", "hop", "row", "node"))
    traced = (np.concatenate(columns["traced"]).astype(float) if columns["traced"]
              else np.zeros(0))

    # visited rows are in (timestamp, transfer_id) order already; a case's pieces of one
    # payment are told apart by their chain
    key = case.astype(np.int64) * max(len(plan.rows), 1) + row.astype(np.int64)
    order = kernel.argsort_stable(key)            # by case, then row (stable)
    tie = np.zeros(len(order), dtype=bool)
    if len(order) > 1:
        in_order = key[order]
        same = in_order[1:] == in_order[:-1]
        tie[1:] |= same
        tie[:-1] |= same
    if tie.any():
        group = order[tie]
        by = pd.DataFrame({"case": case[group], "row": row[group],
                           "chain": _chains(out, plan, row[group], hop[group], node[group])})
        by = by.sort_values(["case", "row", "chain"], kind="stable")
        order[tie] = group[by.index.to_numpy()]
    case, hop, row, node = (a[order] for a in (case, hop, row, node))
    traced = traced[order]
    ends = (pool.submit if pool is not None else _now)(
        lambda: (plan.strings("src", row), plan.strings("dst", row)))
    ids = plan.strings("transfer_id", row)
    chain = _chains(out, plan, row, hop, node, ids)
    src, dst = ends.result()
    rows = plan.rows
    frame = pd.DataFrame({
        "case_id": pd.Series(pa.array(cases, pa.large_string()).take(case).to_pandas(),
                             dtype=str),
        "hop": hop.astype(np.int64),
        "transfer_id": ids, "src": src, "dst": dst,
        "timestamp": rows["ts"].to_numpy(dtype=np.int64)[row].view("datetime64[ns]"),
        "amount": rows["amount"].to_numpy(dtype=float)[row],
        "traced": traced,
        "rule": params.rule,
        "chain": chain,
    })
    return frame[AUDIT_COLUMNS]


def _now(work: Callable[[], T]) -> Future[T]:
    """``work`` done here, as a finished future."""
    done: Future[T] = Future()
    done.set_result(work())
    return done


def _summary_frame(cases: list[str], out: _Out) -> pd.DataFrame:
    sent, expired, dropped = out.sent.copy(), out.expired.copy(), out.dropped.copy()
    beyond, held = out.beyond.copy(), out.held.copy()
    if out.loop_tally is not None:
        for total, extra in zip((sent, expired, dropped, beyond, held), out.loop_tally,
                                strict=True):
            total += extra
    got = np.zeros(len(cases))
    if out.first_attributed is not None and len(out.first_attributed):
        got += np.bincount(out.first_attributed["case"].to_numpy(dtype=np.int64),
                           weights=out.first_attributed["amount"].to_numpy(dtype=float),
                           minlength=len(cases))
    if out.attributed is not None and len(out.attributed):
        # one at a time, in the order found (np.add.at does not buffer)
        np.add.at(got, out.attributed["case"].to_numpy(dtype=np.int64),
                  out.attributed["amount"].to_numpy(dtype=float))
    frame = pd.DataFrame({"case_id": pd.Series(cases, dtype=object), "sent": sent,
                          "attributed": got, "held": held, "expired": expired,
                          "dropped": dropped, "beyond_hops": beyond})
    return frame.astype({c: float for c in SUMMARY_COLUMNS[1:]})[SUMMARY_COLUMNS]
