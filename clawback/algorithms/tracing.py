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
both columns) and a time-respecting breadth-first search (``max_hops`` vectorized passes over
the codes) finds the accounts that traced money can reach, and when it can first get there.
Time order is an integer sort; only where timestamps tie are the transfer ids compared, as
fixed-width bytes (read straight from the Arrow buffer). A balance does not depend on the rule,
so the balances of those accounts are computed vectorized for every one of their transfers
(the recursion ``B = max(0, B + x)`` is a running sum less its running minimum), and ``fifo``
positions likewise (a lot is a span on the account's cumulative-inflow axis; a payment consumes
the span from what was paid out before to what is paid out after). A payment whose payer cannot
hold followed money yet (no first hop, nor a payment of a payer that may hold some, paid into
it before: ``max_hops - 1`` vectorized passes) is a first hop worked out in bulk; under
``fifo``, money left at an account that pays nothing more within the horizon stays there
without the loop. The one Python loop runs in time order over the rest and does work only for
a payment from a source account in its window or from an account that holds followed money at
that moment.

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

from collections import defaultdict, deque
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clawback.algorithms.arrays import unique_ints
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

_NS_PER_DAY = 86_400 * 10**9
_INF = np.iinfo(np.int64).max
_NEG = np.iinfo(np.int64).min + 1
_LOOP_CHUNK = 1 << 18
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


# -- per-account state ---------------------------------------------------------------------------
class _Lot:
    """Traced money of one case that arrived together. For ``fifo``, ``start``/``end`` is its
    span on the account's cumulative-inflow axis (the amount is ``end - start``)."""

    __slots__ = ("amount", "arrival", "case", "chain", "end", "hop", "start")

    def __init__(self, amount: float, arrival: int, case: int, hop: int, chain: str):
        self.amount = amount
        self.arrival = arrival
        self.case = case
        self.hop = hop
        self.chain = chain
        self.start = 0.0
        self.end = 0.0


_Parts = list[tuple[int, int, str, float]]
"""What a payment carries of each followed lot: (case, hop, chain, amount)."""


class _Tally:
    """Where traced money went, per case."""

    def __init__(self) -> None:
        self.sent: defaultdict[int, float] = defaultdict(float)
        self.expired: defaultdict[int, float] = defaultdict(float)
        self.dropped: defaultdict[int, float] = defaultdict(float)
        self.beyond: defaultdict[int, float] = defaultdict(float)
        self.held: defaultdict[int, float] = defaultdict(float)


class _Fifo:
    """The followed lots of an account, oldest first, as spans of its cumulative inflow."""

    __slots__ = ("lots",)

    def __init__(self) -> None:
        self.lots: deque[_Lot] = deque()

    def outflow(self, paid_before: float, paid_after: float, limit: int, min_amount: float,
                tally: _Tally) -> _Parts:
        lots = self.lots
        while lots and lots[0].arrival < limit:        # waited past the horizon
            lot = lots.popleft()
            tally.expired[lot.case] += lot.end - lot.start
        parts: _Parts = []
        # positions are sums of many amounts: a lot within rounding of the end is consumed
        paid = paid_after + 1e-12 * max(1.0, abs(paid_after))
        while lots and lots[0].start < paid:
            lot = lots[0]
            if lot.end <= paid:
                lots.popleft()
                parts.append((lot.case, lot.hop, lot.chain, lot.end - lot.start))
            else:
                parts.append((lot.case, lot.hop, lot.chain, paid_after - lot.start))
                lot.start = paid_after
                if lot.end - lot.start < min_amount:
                    lots.popleft()
                    tally.dropped[lot.case] += lot.end - lot.start
                break
        return parts

    def inflow(self, base: float, amount: float, live: list[_Lot], dead: float,
               entry: int, b_after: np.ndarray) -> None:
        # the untraced part of the payment first, then its traced pieces in order
        pos = base + amount - sum(lot.amount for lot in live)
        for lot in live:
            lot.start = pos
            pos += lot.amount
            lot.end = pos
        self.lots.extend(live)

    def remaining(self) -> list[tuple[int, int, float]]:
        return [(lot.case, lot.arrival, lot.end - lot.start) for lot in self.lots]


class _Pool:
    """The followed lots of an account (``libr`` and ``pro_rata``; the balance comes from the
    vectorized pass). ``inactive`` is traced money no longer followed (expired, dropped, beyond
    the hops): ``libr`` still counts it as traced — it is not spent before clean money, and it
    shrinks to the lowest balance while nothing is followed there — ``pro_rata`` treats it as
    clean."""

    __slots__ = ("entry", "inactive", "libr", "lots", "traced")

    def __init__(self, libr: bool) -> None:
        self.lots: list[_Lot] = []
        self.traced = 0.0
        self.inactive = 0.0
        self.libr = libr
        self.entry = -1                  # the last of the account's entries applied

    def _catch_up(self, entry: int, b_after: np.ndarray) -> None:
        """Apply the account's entries since the last one seen to ``inactive``: under libr,
        untraced money is spent first, so traced money left is capped by the lowest balance."""
        if self.inactive > 0 and entry > self.entry + 1:
            self.inactive = min(self.inactive, float(b_after[self.entry + 1:entry].min()))
        self.entry = entry

    def outflow(self, amount: float, balance: float, entry: int, b_after: np.ndarray,
                limit: int, min_amount: float, tally: _Tally) -> tuple[float, _Parts]:
        """The untraced part of the payment (unfollowed traced money is in neither part), and
        what it carries of each followed lot."""
        if self.libr:
            self._catch_up(entry, b_after)
        lots = self.lots
        if lots and lots[0].arrival < limit:           # waited past the horizon
            i = 0
            while i < len(lots) and lots[i].arrival < limit:
                lot = lots[i]
                tally.expired[lot.case] += lot.amount
                self.traced -= lot.amount
                if self.libr:
                    self.inactive += lot.amount
                i += 1
            del lots[:i]
            if not lots:
                self.traced = 0.0
        total = self.traced + self.inactive
        balance = max(balance, total)
        if total <= 0:
            return amount, []
        if self.libr:
            carried = min(total, max(0.0, amount - (balance - total)))
        else:
            carried = total * min(amount, balance) / balance
        if carried <= 0:
            return amount, []
        share = carried / total
        if share >= 1.0:
            parts = [(lot.case, lot.hop, lot.chain, lot.amount) for lot in lots]
            self.lots = []
            self.traced = self.inactive = 0.0
            return max(0.0, amount - carried), parts
        parts = []
        keep: list[_Lot] = []
        traced = 0.0
        self.inactive -= self.inactive * share
        for lot in lots:
            take = lot.amount * share
            parts.append((lot.case, lot.hop, lot.chain, take))
            lot.amount -= take
            if lot.amount < min_amount:
                tally.dropped[lot.case] += lot.amount
                if self.libr:
                    self.inactive += lot.amount
            else:
                keep.append(lot)
                traced += lot.amount
        self.lots = keep
        self.traced = traced
        return max(0.0, amount - carried), parts

    def inflow(self, base: float, amount: float, live: list[_Lot], dead: float,
               entry: int, b_after: np.ndarray) -> None:
        if self.libr:
            self._catch_up(entry, b_after)
            self.inactive += dead
        if live:
            self.lots.extend(live)
            self.traced += sum(lot.amount for lot in live)

    def remaining(self) -> list[tuple[int, int, float]]:
        return [(lot.case, lot.arrival, lot.amount) for lot in self.lots]


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


def _check_values(transfers: pd.DataFrame, pick: np.ndarray, ts: np.ndarray) -> None:
    """Amounts and timestamps of the transfers the trace reads (the others are never used)."""
    amount = transfers["amount"].to_numpy(dtype=float)[pick]
    bad = ~(amount >= 0)
    if bad.any():
        raise ClawbackError(f"transfer {transfers['transfer_id'].iloc[pick[bad][0]]!r} has "
                            f"amount {amount[bad][0]!r}; amounts must be >= 0")
    nat = ts[pick] == np.iinfo(np.int64).min
    if nat.any():
        raise ClawbackError(f"transfer {transfers['transfer_id'].iloc[pick[nat][0]]!r} has no "
                            f"timestamp")


def _check_visited(ids: pd.Series, no_payee: np.ndarray) -> None:
    """Ids and payees of the payments the loop visits (ids end up in the audit chains)."""
    if len(pd.unique(ids)) != len(ids):           # one hash pass; the culprit only on failure
        dup = ids.duplicated()
        raise ClawbackError(f"transfer_id {ids[dup].iloc[0]!r} is not unique")
    if no_payee.any():
        raise ClawbackError(f"transfer {ids[no_payee].iloc[0]!r} has no dst")


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
    """Earliest arrival by time-respecting paths, one vectorized pass per hop (Bellman-Ford
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
        idx = np.flatnonzero(changed[codes])
        idx = idx[(ts[idx] >= earliest[codes[idx]]) & (ts[idx] <= cap)]
        payees = dst_codes[idx]
        hit = payer[payees]                                  # one that never pays: a dead end
        new = earliest.copy()
        np.minimum.at(new, payees[hit], ts[idx][hit])
        changed = new < earliest
        earliest = new
    tracked[n] = False
    return _Reach(tracked, earliest, cap)


def _byte_keys(ids: pd.Series) -> np.ndarray:
    """The ids as fixed-width byte strings (numpy ``S``), which sort as the ids do (UTF-8 keeps
    the order of code points): read straight from the Arrow buffer when all ids have the same
    length, the usual case."""
    if isinstance(ids.dtype, (pd.StringDtype, pd.ArrowDtype)):
        arr = pa.array(ids.array)
    else:
        arr = pa.array(ids.astype(str).to_numpy(dtype=object), pa.string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    if len(arr) and arr.null_count == 0:
        lengths = pc.binary_length(arr)
        width = lengths[0].as_py()
        if width and pc.all(pc.equal(lengths, width)).as_py():
            offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)
            start = int(offsets[arr.offset])
            data = arr.buffers()[2]
            return np.frombuffer(data, dtype=f"S{width}", count=len(arr),
                                 offset=start)
    return np.asarray(arr.cast(pa.binary()).to_numpy(zero_copy_only=False)).astype("S")


def _time_order(ts: np.ndarray, ids: pd.Series, at: np.ndarray) -> np.ndarray:
    """Positions that put ``ts`` in (timestamp, transfer_id) order (``ids.iloc[at]`` are the
    ids): an integer sort, then the ids, as byte strings, only where timestamps tie (they must
    differ there)."""
    order = np.argsort(ts, kind="stable")
    tie = ts[order][1:] == ts[order][:-1]
    if tie.any():
        tied = np.zeros(len(ts), dtype=bool)
        tied[1:] |= tie
        tied[:-1] |= tie
        group = order[tied]
        key = _byte_keys(ids)[at[group]]       # a view of the column's buffer, indexed
        group_ts = ts[group]
        sub = np.lexsort((key, group_ts))
        key, group_ts = key[sub], group_ts[sub]
        same = np.flatnonzero((group_ts[1:] == group_ts[:-1]) & (key[1:] == key[:-1]))
        if len(same):
            culprit = ids.iloc[at[group[sub[same[0]]]]]
            raise ClawbackError(f"transfer_id {culprit!r} is not unique")
        order[tied] = group[sub]
    return order


@dataclass
class _Plan:
    """The payments the loop visits (payments of tracked accounts, in time order) with, per
    payment, the payer's balance and paid-out position before and after it, the payer's and
    the payee's entry (-1: the payee is not tracked) and the payee's cumulative inflow before
    it; and per entry (tracked account and transfer, in account and time order) the balance
    after it. ``rows`` holds the visited payments' amount and time; their strings stay in
    ``transfers`` (row ``origin``), taken when needed (:meth:`strings`)."""

    rows: pd.DataFrame
    balance: np.ndarray
    paid_before: np.ndarray
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
        codes, all_dst = (np.where(c < 0, n, c).astype(_CODE) for c in (
            transfers[f"{end}_code"].to_numpy() for end in ("src", "dst")))
        return account_ids, codes, all_dst
    size = len(transfers)
    both, uniques = pd.factorize(pd.concat([transfers["src"], transfers["dst"]],
                                           ignore_index=True), sort=False)
    accounts = pd.Index(uniques)
    both = np.where(both < 0, len(accounts), both).astype(_CODE)
    return accounts, both[:size], both[size:]


def _plan(transfers: pd.DataFrame, ts: np.ndarray, sources: pd.DataFrame, starts: np.ndarray,
          ends: np.ndarray, params: TraceParams, account_ids: pd.Index | None = None) -> _Plan:
    accounts, codes, all_dst = _codes(transfers, account_ids)
    n = len(accounts)
    pays = np.bincount(codes, minlength=n + 1)[:n] > 0
    reach = _reach(codes, all_dst, pays, ts, accounts.get_indexer(pd.Index(sources["account_id"])),
                   starts, ends, params)
    pick = np.flatnonzero((reach.tracked[codes] | reach.tracked[all_dst]) & (ts <= reach.cap)
                          ).astype(_CODE)
    dst_codes = all_dst[pick]
    moves = codes[pick] != dst_codes                 # a payment to oneself moves nothing
    pick, dst_codes = pick[moves], dst_codes[moves]
    _check_values(transfers, pick, ts)
    order = _time_order(ts[pick], transfers["transfer_id"], pick)
    pick, dst_code = pick[order], dst_codes[order]
    m = len(pick)
    src_code = codes[pick]
    del codes, all_dst, order
    row_ts = ts[pick]
    outs = np.flatnonzero(reach.tracked[src_code]).astype(_CODE)
    ins = np.flatnonzero(reach.tracked[dst_code]).astype(_CODE)
    amount = transfers["amount"].to_numpy(dtype=float)[pick]
    # entries: one per (tracked account, transfer), in (account, time) order; the arrays over
    # all entries are few, and dropped as soon as they are used (they are the trace's peak)
    acc = np.concatenate([src_code[outs], dst_code[ins]])
    rank = np.concatenate([outs, ins])
    delta = np.concatenate([-amount[outs], amount[ins]])
    del amount
    order = np.lexsort((rank, acc))
    acc, rank, delta = acc[order], rank[order], delta[order]
    is_out = order < len(outs)
    del order
    running = pd.Series(delta).groupby(acc, sort=False).cumsum().to_numpy()
    low = pd.Series(running).groupby(acc, sort=False).cummin().to_numpy()
    b_after = running - np.minimum(low, 0.0)                 # B = max(0, B + x), vectorized
    del running, low
    inflow = np.maximum(delta, 0.0)
    del delta
    i_after = pd.Series(inflow).groupby(acc, sort=False).cumsum().to_numpy()
    first = np.ones(len(acc), dtype=bool)
    first[1:] = acc[1:] != acc[:-1]
    del acc
    out_entry = np.full(m, -1, dtype=np.int64)
    out_entry[rank[is_out]] = np.flatnonzero(is_out)
    in_entry = np.full(m, -1, dtype=np.int64)
    in_entry[rank[~is_out]] = np.flatnonzero(~is_out)
    del rank, is_out
    # the loop visits the payments of tracked accounts from when traced money can be there
    visit = outs[row_ts[outs] >= reach.earliest[src_code[outs]]]
    src_entry = out_entry[visit]
    dst_entry = in_entry[visit]
    del out_entry, in_entry
    # per visited payment: the payer's balance and paid-out position (cumulative inflow less
    # balance) before and after it, and the payee's cumulative inflow before it
    start = first[src_entry]
    prev = src_entry - 1                  # -1 only where the entry is its account's first
    balance = np.where(start, 0.0, b_after[prev])
    paid_before = np.where(start, 0.0, i_after[prev] - b_after[prev])
    paid_after = i_after[src_entry] - b_after[src_entry]
    into = np.maximum(dst_entry, 0)
    dst_base = np.where(dst_entry >= 0, i_after[into] - inflow[into], 0.0)
    del i_after, inflow, first
    origin = pick[visit]
    rows = pd.DataFrame({"amount": transfers["amount"].to_numpy(dtype=float)[origin],
                         "ts": row_ts[visit]})
    _check_visited(transfers["transfer_id"].iloc[origin], dst_code[visit] == n)
    return _Plan(rows, balance, paid_before, paid_after, src_entry, dst_entry, dst_base,
                 b_after, accounts, src_code[visit], dst_code[visit], transfers, origin)


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
    result is the same.

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
    known = ts != nat
    end_of_data = int(ts[known].max()) if known.any() else _NEG
    del known
    cases = sorted(set(sources["case_id"]))
    out = _Out(len(cases), audit_from_hop)
    if len(transfers) and len(sources):
        if account_ids is not None:
            _require(transfers, "transfers", ["src_code", "dst_code"])
        plan = _plan(transfers, ts, sources, starts, ends, params, account_ids)
        first = _first_hop(plan, sources.assign(start=starts, end=ends), cases, sinks, params)
        _first_hop_tally(first, plan, out, end_of_data, params)
        _loop(plan, first, params, out, end_of_data)
        return TraceResult(_attributed_frame(out, cases), _audit_frame(out, plan, cases, params),
                           _summary_frame(cases, out), params)
    empty = _Out(len(cases))
    return TraceResult(_attributed_frame(empty, cases), _audit_frame(empty, None, cases, params),
                       _summary_frame(cases, empty), params)


class _Out:
    """What the trace found, with cases as their position in the sorted case ids: per-case
    tallies (arrays), attributions and audit rows as parallel lists (in the order found) plus
    the first hop's as arrays."""

    def __init__(self, n_cases: int, audit_from_hop: int = 1) -> None:
        self.audit_from_hop = audit_from_hop
        self.tally = _Tally()
        self.sent = np.zeros(n_cases)
        self.expired = np.zeros(n_cases)
        self.dropped = np.zeros(n_cases)
        self.beyond = np.zeros(n_cases)
        self.held = np.zeros(n_cases)
        # attributions: (case, party, kind, amount, hop, row)
        self.attributed: list[tuple[int, str, str, float, int, int]] = []
        self.first_attributed: pd.DataFrame | None = None
        # audit rows: (case, hop, row, traced, chain)
        self.audit: list[tuple[int, int, int, float, str]] = []
        self.first_audit: pd.DataFrame | None = None


@dataclass
class _FirstHop:
    """The first hop, vectorized. ``pairs``: one row per (visited payment, case whose window
    holds it) — ``row``, ``case`` — sorted. ``pure``: per visited payment, whether its payer
    cannot hold followed money yet (no followed money has been paid into it before): such a
    payment's pieces are all the case's own money, so they are worked out here, and the loop
    only adds what they leave at a tracked payee. ``names``: account codes (payers first, as in
    the plan) → ids; ``dst``: the payee's code per visited payment; ``sink_of``: case × account
    key → (party, kind); ``own``: case × account keys of the cases' source accounts; ``width``:
    the key multiplier; ``stays``: per visited payment, whether what it leaves at its payee
    stays there (:func:`_stays`)."""

    pairs: pd.DataFrame
    pure: np.ndarray
    names: np.ndarray
    dst: np.ndarray
    cash: np.ndarray
    sink_of: dict[int, tuple[str, str]]
    own: set[int]
    width: int
    live: dict[int, list[tuple[int, float]]]
    dead: dict[int, float]
    stays: np.ndarray


def _sink_table(sinks: pd.DataFrame, case_index: pd.Index, names: pd.Index,
                width: int) -> dict[int, tuple[str, str]]:
    """case × account key -> (party, kind); an account of several parties joins them with '+'
    (parties and kinds each sorted and unique). Deduplicated and sorted on integer codes
    (parties and kinds coded in sorted order), the strings looked up at the end."""
    case = case_index.get_indexer(pd.Index(sinks["case_id"].astype(str)))
    account = names.get_indexer(pd.Index(sinks["account_id"].astype(str)))
    keep = (case >= 0) & (account >= 0)       # other sinks are never paid in the trace
    party_code, parties = pd.factorize(sinks["party_id"].astype(str)[keep], sort=True)
    kind_code, kinds = pd.factorize(sinks["kind"].astype(str)[keep], sort=True)
    frame = pd.DataFrame({"key": case[keep].astype(np.int64) * width + account[keep],
                          "party": party_code, "kind": kind_code}).drop_duplicates()
    frame = frame.sort_values(["key", "party", "kind"], kind="stable")
    party_of = np.asarray(parties, dtype=object)
    kind_of = np.asarray(kinds, dtype=object)
    single = ~frame["key"].duplicated(keep=False).to_numpy()
    key = frame["key"].to_numpy()
    party = frame["party"].to_numpy()
    kind = frame["kind"].to_numpy()
    out = dict(zip(key[single].tolist(),
                   zip(party_of[party[single]].tolist(), kind_of[kind[single]].tolist(),
                       strict=True), strict=True))
    many = ~single
    for k, group in frame[many].groupby("key", sort=False):
        out[int(str(k))] = ("+".join(dict.fromkeys(party_of[group["party"].to_numpy()])),
                            "+".join(sorted(set(kind_of[group["kind"].to_numpy()]))))
    return out


def _first_hop(plan: _Plan, sources: pd.DataFrame, cases: list[str], sinks: pd.DataFrame,
               params: TraceParams) -> _FirstHop:
    """Which cases each visited payment is the first hop of, and which payments are pure."""
    rows = plan.rows
    m = len(rows)
    n = len(plan.accounts)
    dst = plan.dst_code
    names = plan.accounts
    width = n + 1
    case_index = pd.Index(cases)
    s_case = case_index.get_indexer(pd.Index(sources["case_id"])).astype(np.int64)
    s_account = names.get_indexer(pd.Index(sources["account_id"])).astype(np.int64)
    own_keys = unique_ints(s_case * width + np.where(s_account >= 0, s_account, width - 1))
    windows = pd.DataFrame({"account": s_account, "case": s_case,
                            "start": sources["start"].to_numpy(dtype=np.int64),
                            "end": sources["end"].to_numpy(dtype=np.int64)})
    windows = windows[windows["account"] >= 0]
    src = plan.src_code
    at = np.flatnonzero(np.isin(src, windows["account"].to_numpy()))
    pairs = pd.DataFrame({"row": at, "account": src[at], "ts": rows["ts"].to_numpy()[at]}).merge(
        windows, on="account")
    pairs = pairs[(pairs["start"] <= pairs["ts"]) & (pairs["ts"] <= pairs["end"])]
    internal = np.isin(pairs["case"].to_numpy() * width + dst[pairs["row"].to_numpy()],
                       own_keys)
    pairs = pairs[~internal][["row", "case"]].drop_duplicates()
    pairs = pairs.sort_values(["row", "case"], kind="stable", ignore_index=True)
    # a payment is pure while no followed money can have been paid into its payer: followed
    # money moves only with a first hop, or with a payment of a payer that may hold some, and
    # a lot is passed on at most max_hops - 1 times (libr: once more, as money no longer
    # followed still counts there)
    position = np.arange(m)
    tracked_payee = plan.dst_entry >= 0
    deposits = np.zeros(m, dtype=bool)
    deposits[pairs["row"].to_numpy()] = True
    may_hold = np.zeros(m, dtype=bool)
    for _ in range(params.max_hops - (params.rule != "libr")):
        first_in = np.full(n + 1, m, dtype=np.int64)
        into = np.flatnonzero(deposits & tracked_payee)
        np.minimum.at(first_in, plan.dst_code[into], into)
        holds = position > first_in[src]
        if not (holds & ~may_hold).any():
            break
        may_hold |= holds
        deposits = holds
    pure = ~may_hold
    cash = np.append(pd.Series(names.to_numpy(dtype=object)).astype(str).str.startswith(
        CASH_PREFIX).to_numpy(dtype=bool), False)           # slot n: a null payee
    return _FirstHop(pairs, pure, names.to_numpy(dtype=object), dst, cash,
                     _sink_table(sinks, case_index, names, width), set(own_keys.tolist()),
                     width, {}, {}, _stays(plan, params))


def _stays(plan: _Plan, params: TraceParams) -> np.ndarray:
    """Per visited payment, under ``fifo``: whether money it leaves at its payee stays there
    for good (the payee pays nothing more within the horizon after it). Such money is never
    passed on, and a fifo queue is a span of positions that other lots do not move, so it is
    left where it is, like money at an account that never pays (the loop need not keep it).
    Under the other rules what sits in an account weighs on what leaves it: all False."""
    m = len(plan.rows)
    if params.rule != "fifo" or m == 0:
        return np.zeros(m, dtype=bool)
    ts = plan.rows["ts"].to_numpy()
    by_payer = np.lexsort((np.arange(m), plan.src_code))
    keys = plan.src_code[by_payer].astype(np.int64) * (m + 1) + by_payer
    wanted = plan.dst_code.astype(np.int64) * (m + 1) + np.arange(m)
    at = np.searchsorted(keys, wanted, side="right")
    has = at < m
    nxt = by_payer[np.minimum(at, m - 1)]
    has &= plan.src_code[nxt] == plan.dst_code
    horizon = params.horizon_days * _NS_PER_DAY
    return ~has | (ts[nxt] - ts > horizon)


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
    keys = (case.astype(np.int64) * first.width + dst).tolist()
    sink_of = first.sink_of
    found = [sink_of.get(k) for k in keys]
    is_sink = np.fromiter((f is not None for f in found), dtype=bool, count=len(found))
    cash = first.cash[dst] & ~is_sink
    party = np.array([f[0] for f in found if f is not None], dtype=object)
    kind = np.array([f[1] for f in found if f is not None], dtype=object)
    out.first_attributed = pd.concat([
        pd.DataFrame({"case": case[is_sink], "party": party, "kind": kind,
                      "amount": share[is_sink], "hop": 1, "row": row[is_sink]}),
        pd.DataFrame({"case": case[cash], "party": first.names[dst[cash]], "kind": "cash",
                      "amount": share[cash], "hop": 1, "row": row[cash]})], ignore_index=True)
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
    live: dict[int, list[tuple[int, float]]] = {}
    for r, c, a in zip(row.tolist(), case.tolist(), share.tolist(), strict=True):
        live.setdefault(r, []).append((c, a))
    first.live = live
    if params.rule == "libr":
        pure_dead = np.flatnonzero((dead > 0) & first.pure & (plan.dst_entry >= 0))
        first.dead = dict(zip(pure_dead.tolist(), dead[pure_dead].tolist(), strict=True))


def _loop(plan: _Plan, first: _FirstHop, params: TraceParams, out: _Out,
          end_of_data: int) -> None:
    """The one pass in time order over the payments that need it: those of payers that may
    hold followed money, and the pure ones that leave followed money at a tracked payee."""
    horizon = params.horizon_days * _NS_PER_DAY
    min_amount = params.min_amount
    max_hops = params.max_hops
    fifo = params.rule == "fifo"
    libr = params.rule == "libr"
    tally = out.tally
    states: dict[int, _Fifo | _Pool] = {}
    leaves: list[_Lot] = []              # followed money at accounts that never pay out
    rows = plan.rows
    pure = first.pure
    wanted = ~pure
    wanted[np.fromiter(first.live, dtype=np.int64, count=len(first.live))] = True
    wanted[np.fromiter(first.dead, dtype=np.int64, count=len(first.dead))] = True
    visit = np.flatnonzero(wanted)
    del wanted
    pair_row = first.pairs["row"].to_numpy()
    keep = ~pure[pair_row]
    cases_of: dict[int, list[int]] = {}
    for r, c in zip(pair_row[keep].tolist(), first.pairs["case"].to_numpy()[keep].tolist(),
                    strict=True):
        cases_of.setdefault(r, []).append(c)
    b_after = plan.b_after
    cash = first.cash.tolist()                  # list indexing beats numpy scalars here
    sink_of = first.sink_of
    own = first.own
    width = first.width
    names = first.names
    live_of, dead_of = first.live, first.dead
    audit = out.audit
    audit_from = out.audit_from_hop
    attributed = out.attributed
    amount_col = rows["amount"].to_numpy(dtype=float)
    ts_col = rows["ts"].to_numpy()
    # in chunks: the per-payment values as Python lists (what the loop indexes fastest) for a
    # few hundred thousand payments at a time, not for millions at once (a gigabyte at 10M)
    for lo in range(0, len(visit), _LOOP_CHUNK):
        part = visit[lo:lo + _LOOP_CHUNK]
        tids = plan.strings("transfer_id", part).tolist()
        srcs = plan.src_code[part].tolist()
        dsts = first.dst[part].tolist()
        amounts = amount_col[part].tolist()
        times = ts_col[part].tolist()
        pures = pure[part].tolist()
        stays = first.stays[part].tolist()
        balance, paid_before, paid_after = (plan.balance[part].tolist(),
                                            plan.paid_before[part].tolist(),
                                            plan.paid_after[part].tolist())
        src_entry, dst_entry, dst_base = (plan.src_entry[part].tolist(),
                                          plan.dst_entry[part].tolist(),
                                          plan.dst_base[part].tolist())
        for i, r in enumerate(part.tolist()):
            a, t, d = amounts[i], times[i], dsts[i]
            if pures[i]:            # the first hop, worked out already: leave it at the payee
                live = [_Lot(amt, t, c, 1, str(tids[i])) for c, amt in live_of.get(r, ())]
                payee = states.get(d)
                if payee is None:
                    payee = states[d] = _Fifo() if fifo else _Pool(libr)
                payee.inflow(dst_base[i], a, live, dead_of.get(r, 0.0), dst_entry[i], b_after)
                continue
            s = srcs[i]
            payer = states.get(s)
            holds = payer is not None and bool(payer.lots)
            cases = cases_of.get(r, ())
            if not holds and not cases:
                continue
            parts: _Parts = []
            clean = a
            if isinstance(payer, _Fifo) and holds:
                parts = payer.outflow(paid_before[i], paid_after[i], t - horizon, min_amount, tally)
                clean = a - sum(p[3] for p in parts)
            elif isinstance(payer, _Pool) and (holds or payer.inactive > 0):
                clean, parts = payer.outflow(a, balance[i], src_entry[i], b_after, t - horizon,
                                             min_amount, tally)
            label = str(tids[i])
            pieces: list[tuple[int, int, str, float]] = []
            if cases and clean > 0:
                share = clean / len(cases)
                for c in cases:
                    tally.sent[c] += share
                    pieces.append((c, 1, label, share))
            for c, hop, chain, amt in parts:
                pieces.append((c, hop + 1, chain + CHAIN + label, amt))
            live = []
            dead = 0.0
            for c, hop, chain, amt in pieces:
                if amt < min_amount or amt <= 0:
                    tally.dropped[c] += amt
                    dead += amt
                    continue
                if hop >= audit_from:
                    audit.append((c, hop, r, amt, chain))
                key = c * width + d
                sink = sink_of.get(key)
                if sink is None:
                    if cash[d]:
                        sink = (str(names[d]), "cash")
                    elif key in own:
                        sink = (str(names[d]), "returned")
                if sink is not None:
                    attributed.append((c, sink[0], sink[1], amt, hop, r))
                    continue
                if hop >= max_hops:
                    tally.beyond[c] += amt
                    dead += amt
                    continue
                live.append(_Lot(amt, t, c, hop, chain))
            if dst_entry[i] < 0 or stays[i]:
                leaves.extend(live)
                continue
            if live or (libr and dead > 0):
                payee = states.get(d)
                if payee is None:
                    payee = states[d] = _Fifo() if fifo else _Pool(libr)
                payee.inflow(dst_base[i], a, live, dead, dst_entry[i], b_after)
    left = [lot for state in states.values() for lot in state.remaining()]
    left += [(lot.case, lot.arrival, lot.amount) for lot in leaves]
    for case, arrival, amount in left:
        if end_of_data - arrival > horizon:
            tally.expired[case] += amount
        else:
            tally.held[case] += amount


# -- output ------------------------------------------------------------------------------------
def _attributed_frame(out: _Out, cases: list[str]) -> pd.DataFrame:
    frames = [pd.DataFrame(out.attributed,
                           columns=["case", "party", "kind", "amount", "hop", "row"])]
    if out.first_attributed is not None:
        frames.insert(0, out.first_attributed)
    rec = pd.concat([f for f in frames if len(f)] or frames[-1:], ignore_index=True)
    if rec.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(  # type: ignore[call-overload]
            ATTRIBUTED_COLUMNS, [object, object, object, float, "int64"], strict=True)})
    rec = rec.sort_values(["case", "party", "row"], kind="stable", ignore_index=True)
    keys = ["case", "party"]
    grouped = rec.groupby(keys, sort=True)
    frame = grouped.agg(amount=("amount", "sum"), hops=("hop", "min")).reset_index()
    kinds = rec[[*keys, "kind"]].drop_duplicates()
    many = kinds.duplicated(keys, keep=False)
    joined = kinds[many].groupby(keys, sort=True)["kind"].agg(
        lambda k: "+".join(sorted(k)))
    one = kinds[~many].set_index(keys)["kind"]
    kind = pd.concat([one, joined])
    frame["kind"] = kind.reindex(pd.MultiIndex.from_frame(frame[keys])).to_numpy()
    frame["case_id"] = np.array(cases, dtype=object)[frame["case"].to_numpy()]
    frame = frame.rename(columns={"party": "party_id"})
    frame = frame.sort_values(["case_id", "party_id"], kind="stable", ignore_index=True)
    return frame[ATTRIBUTED_COLUMNS].astype({"case_id": str, "party_id": str, "kind": str,
                                             "amount": float, "hops": "int64"})


def _audit_frame(out: _Out, plan: _Plan | None, cases: list[str],
                 params: TraceParams) -> pd.DataFrame:
    if plan is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(  # type: ignore[call-overload]
            AUDIT_COLUMNS, [object, "int64", object, object, object, "datetime64[ns]", float,
                            float, object, object], strict=True)})
    loop = pd.DataFrame(out.audit, columns=["case", "hop", "row", "traced", "chain"])
    first = out.first_audit
    if first is not None and len(first):
        first = first.assign(chain=plan.strings("transfer_id", first["row"].to_numpy())
                             .astype(str).to_numpy(dtype=object))
        rec = pd.concat([first, loop], ignore_index=True) if len(loop) else first
    else:
        rec = loop
    case = rec["case"].to_numpy(dtype=np.int64)
    row = rec["row"].to_numpy(dtype=np.int64)
    # visited rows are in (timestamp, transfer_id) order already; a case's pieces of one
    # payment are told apart by their chain
    order = np.lexsort((row, case))
    tie = np.zeros(len(order), dtype=bool)
    if len(order) > 1:
        same = (case[order][1:] == case[order][:-1]) & (row[order][1:] == row[order][:-1])
        tie[1:] |= same
        tie[:-1] |= same
    if tie.any():
        chains = rec["chain"].to_numpy(dtype=object)
        group = order[tie]
        by = pd.DataFrame({"case": case[group], "row": row[group], "chain": chains[group]})
        by = by.sort_values(["case", "row", "chain"], kind="stable")
        order[tie] = group[by.index.to_numpy()]
    rec = rec.iloc[order]
    row = rec["row"].to_numpy(dtype=np.int64)
    rows = plan.rows

    def column(name: str) -> pd.Series:
        return plan.strings(name, row)

    frame = pd.DataFrame({
        "case_id": pd.Series(cases, dtype=str).iloc[rec["case"].to_numpy(dtype=np.int64)
                                                    ].reset_index(drop=True),
        "hop": rec["hop"].to_numpy(dtype=np.int64),
        "transfer_id": column("transfer_id"), "src": column("src"), "dst": column("dst"),
        "timestamp": rows["ts"].to_numpy(dtype=np.int64)[row].view("datetime64[ns]"),
        "amount": rows["amount"].to_numpy(dtype=float)[row],
        "traced": rec["traced"].to_numpy(dtype=float),
        "rule": params.rule,
        "chain": pd.Series(rec["chain"].to_numpy(dtype=object), dtype=str),
    })
    return frame[AUDIT_COLUMNS]


def _summary_frame(cases: list[str], out: _Out) -> pd.DataFrame:
    tally = out.tally
    sent, expired, dropped = out.sent.copy(), out.expired.copy(), out.dropped.copy()
    beyond, held = out.beyond.copy(), out.held.copy()
    for total, extra in ((sent, tally.sent), (expired, tally.expired),
                         (dropped, tally.dropped), (beyond, tally.beyond), (held, tally.held)):
        for c, v in extra.items():
            total[c] += v
    got = np.zeros(len(cases))
    for frame in (out.first_attributed,):
        if frame is not None and len(frame):
            got += np.bincount(frame["case"].to_numpy(dtype=np.int64),
                               weights=frame["amount"].to_numpy(dtype=float),
                               minlength=len(cases))
    for c, _, _, amt, _, _ in out.attributed:
        got[c] += amt
    frame = pd.DataFrame({"case_id": pd.Series(cases, dtype=object), "sent": sent,
                          "attributed": got, "held": held, "expired": expired,
                          "dropped": dropped, "beyond_hops": beyond})
    return frame.astype({c: float for c in SUMMARY_COLUMNS[1:]})[SUMMARY_COLUMNS]
