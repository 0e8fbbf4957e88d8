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

Complexity: one vectorized pass factorizes the payers and a time-respecting breadth-first
search (``max_hops`` vectorized passes over integer codes) finds the accounts that traced money
can reach, and when it can first get there. A balance does not depend on the rule, so the
balances of those accounts are computed vectorized for every one of their transfers (the
recursion ``B = max(0, B + x)`` is a running sum less its running minimum), and ``fifo``
positions likewise (a lot is a span on the account's cumulative-inflow axis; a payment consumes
the span from what was paid out before to what is paid out after). The one Python loop runs in
time order over the payments of those accounts and does work only for a payment from a source
account in its window or from an account that holds followed money at that moment.

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
from typing import Any

import numpy as np
import pandas as pd

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

    def __init__(self, amount: float, arrival: int, case: str, hop: int, chain: str):
        self.amount = amount
        self.arrival = arrival
        self.case = case
        self.hop = hop
        self.chain = chain
        self.start = 0.0
        self.end = 0.0


_Parts = list[tuple[str, int, str, float]]
"""What a payment carries of each followed lot: (case, hop, chain, amount)."""


class _Tally:
    """Where traced money went, per case."""

    def __init__(self) -> None:
        self.sent: defaultdict[str, float] = defaultdict(float)
        self.expired: defaultdict[str, float] = defaultdict(float)
        self.dropped: defaultdict[str, float] = defaultdict(float)
        self.beyond: defaultdict[str, float] = defaultdict(float)
        self.held: defaultdict[str, float] = defaultdict(float)


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

    def remaining(self) -> list[tuple[str, int, float]]:
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

    def remaining(self) -> list[tuple[str, int, float]]:
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


def _sink_map(sinks: pd.DataFrame) -> dict[str, dict[str, tuple[str, str]]]:
    """account -> case -> (party, kind); an account of several parties joins them with '+'."""
    columns = [sinks[c].astype(str).tolist() for c in ("case_id", "account_id", "party_id",
                                                        "kind")]
    parties: dict[tuple[str, str], tuple[list[str], set[str]]] = {}
    for case, account, party, kind in sorted(set(zip(*columns, strict=True))):
        entry = parties.setdefault((case, account), ([], set()))
        if party not in entry[0]:
            entry[0].append(party)
        entry[1].add(kind)
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for (case, account), (names, kinds) in parties.items():
        out.setdefault(account, {})[case] = ("+".join(names), "+".join(sorted(kinds)))
    return out


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


def _check_visited(rows: pd.DataFrame) -> None:
    """Ids and payees of the payments the loop visits (ids end up in the audit chains)."""
    dup = rows["transfer_id"].duplicated()
    if dup.any():
        raise ClawbackError(f"transfer_id {rows['transfer_id'][dup].iloc[0]!r} is not unique")
    missing = rows["dst"].isna()
    if missing.any():
        raise ClawbackError(f"transfer {rows['transfer_id'][missing].iloc[0]!r} has no dst")


# -- which transfers matter --------------------------------------------------------------------
@dataclass
class _Reach:
    """Per payer code (slot n: a null payer): whether traced money can reach the account with
    hops to spare (its payments are followed), and the earliest moment any traced money can
    arrive there; ``cap``: after it no followed money is left anywhere."""

    tracked: np.ndarray
    earliest: np.ndarray
    cap: int


def _reach(codes: np.ndarray, accounts: pd.Index, dst: pd.Series, ts: np.ndarray,
           source_codes: np.ndarray, starts: np.ndarray, ends: np.ndarray,
           params: TraceParams) -> _Reach:
    """Earliest arrival by time-respecting paths, one vectorized pass per hop (Bellman-Ford
    from the accounts whose earliest arrival changed; it ignores the horizon and amounts, so it
    over-approximates, never under). ``codes``: the payer's position in ``accounts`` (the
    accounts that pay anything), ``len(accounts)`` for a null payer."""
    n = len(accounts)
    horizon = params.horizon_days * _NS_PER_DAY
    cap = _INF
    if len(ends) and (ends != _INF).all():
        cap = min(int(ends.max()) + (params.max_hops - 1) * horizon, int(_INF))
    earliest = np.full(n + 1, _INF, dtype=np.int64)
    ok = source_codes >= 0
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
        payees = accounts.get_indexer(dst.iloc[idx])        # -1: never pays, a dead end
        hit = payees >= 0
        new = earliest.copy()
        np.minimum.at(new, payees[hit], ts[idx][hit])
        changed = new < earliest
        earliest = new
    tracked[n] = False
    return _Reach(tracked, earliest, cap)


def _time_order(ts: np.ndarray, ids: pd.Series, at: np.ndarray) -> np.ndarray:
    """Positions that put ``ts`` in (timestamp, transfer_id) order (``ids.iloc[at]`` are the
    ids): an integer sort, then the ids only where timestamps tie (they must differ there)."""
    order = np.argsort(ts, kind="stable")
    tie = ts[order][1:] == ts[order][:-1]
    if tie.any():
        tied = np.zeros(len(ts), dtype=bool)
        tied[1:] |= tie
        tied[:-1] |= tie
        group = order[tied]
        by_id = pd.DataFrame({"ts": ts[group], "id": ids.iloc[at[group]].to_numpy()})
        dup = by_id.duplicated()
        if dup.any():
            raise ClawbackError(f"transfer_id {by_id['id'][dup].iloc[0]!r} is not unique")
        by_id = by_id.sort_values(["ts", "id"], kind="stable")
        order[tied] = group[by_id.index.to_numpy()]
    return order


@dataclass
class _Plan:
    """The payments the loop visits (payments of tracked accounts, in time order) with, per
    payment, the payer's balance and paid-out position before and after it, the payer's and
    the payee's entry (-1: the payee is not tracked) and the payee's cumulative inflow before
    it; and per entry (tracked account and transfer, in account and time order) the balance
    after it."""

    rows: pd.DataFrame
    balance: np.ndarray
    paid_before: np.ndarray
    paid_after: np.ndarray
    src_entry: np.ndarray
    dst_entry: np.ndarray
    dst_base: np.ndarray
    b_after: np.ndarray


def _plan(transfers: pd.DataFrame, ts: np.ndarray, sources: pd.DataFrame, starts: np.ndarray,
          ends: np.ndarray, params: TraceParams) -> _Plan:
    codes, uniques = pd.factorize(transfers["src"], sort=False)
    accounts = pd.Index(uniques)
    n = len(accounts)
    codes = np.where(codes < 0, n, codes)
    reach = _reach(codes, accounts, transfers["dst"], ts,
                   accounts.get_indexer(sources["account_id"]), starts, ends, params)
    into = transfers["dst"].isin(accounts[reach.tracked[:n]]).to_numpy(dtype=bool)
    pick = np.flatnonzero((reach.tracked[codes] | into) & (ts <= reach.cap))
    dst_codes = accounts.get_indexer(transfers["dst"].iloc[pick])
    dst_codes = np.where(dst_codes < 0, n, dst_codes)
    moves = codes[pick] != dst_codes                 # a payment to oneself moves nothing
    pick, dst_codes = pick[moves], dst_codes[moves]
    _check_values(transfers, pick, ts)
    order = _time_order(ts[pick], transfers["transfer_id"], pick)
    pick, dst_code = pick[order], dst_codes[order]
    m = len(pick)
    src_code = codes[pick]
    row_ts = ts[pick]
    outs = np.flatnonzero(reach.tracked[src_code])
    ins = np.flatnonzero(reach.tracked[dst_code])
    amount = transfers["amount"].to_numpy(dtype=float)[pick]
    # entries: one per (tracked account, transfer), in (account, time) order
    acc = np.concatenate([src_code[outs], dst_code[ins]])
    rank = np.concatenate([outs, ins])
    delta = np.concatenate([-amount[outs], amount[ins]])
    order = np.lexsort((rank, acc))
    acc, rank, delta = acc[order], rank[order], delta[order]
    is_out = order < len(outs)
    grouped = pd.Series(delta).groupby(acc, sort=False)
    running = grouped.cumsum().to_numpy()
    low = pd.Series(running).groupby(acc, sort=False).cummin().to_numpy()
    b_after = running - np.minimum(low, 0.0)                 # B = max(0, B + x), vectorized
    inflow = np.maximum(delta, 0.0)
    i_after = pd.Series(inflow).groupby(acc, sort=False).cumsum().to_numpy()
    p_after = i_after - b_after                              # paid out so far (fifo position)
    first = np.ones(len(acc), dtype=bool)
    first[1:] = acc[1:] != acc[:-1]
    b_before = np.where(first, 0.0, np.roll(b_after, 1))
    p_before = np.where(first, 0.0, np.roll(p_after, 1))
    i_before = i_after - inflow
    entry = np.arange(len(acc))
    out_entry = np.full(m, -1, dtype=np.int64)
    out_entry[rank[is_out]] = entry[is_out]
    in_entry = np.full(m, -1, dtype=np.int64)
    in_entry[rank[~is_out]] = entry[~is_out]
    # the loop visits the payments of tracked accounts from when traced money can be there
    visit = outs[row_ts[outs] >= reach.earliest[src_code[outs]]]
    src_entry = out_entry[visit]
    dst_entry = in_entry[visit]
    rows = transfers[["transfer_id", "src", "dst", "amount"]].iloc[pick[visit]]
    rows = rows.assign(ts=row_ts[visit]).reset_index(drop=True)
    _check_visited(rows)
    return _Plan(rows, b_before[src_entry],
                 p_before[src_entry], p_after[src_entry], src_entry, dst_entry,
                 np.where(dst_entry >= 0, i_before[dst_entry], 0.0), b_after)


# -- the trace ---------------------------------------------------------------------------------
def trace(transfers: pd.DataFrame, sources: pd.DataFrame, sinks: pd.DataFrame,
          params: TraceParams = TraceParams()) -> TraceResult:
    """Trace each case's money from its source accounts to its sinks under ``params.rule``.

    ``transfers``: ``transfer_id, src, dst, amount, timestamp`` (other columns are ignored);
    ``timestamp`` is datetime64, ties are broken by ``transfer_id``.
    ``sources``: ``case_id, account_id, start, end`` — money leaving ``account_id`` between
    ``start`` and ``end`` (inclusive; NaT is open) is the case's. A case may have several rows.
    ``sinks``: ``case_id, account_id, party_id, kind`` — the case's related parties' accounts.
    Any ``cash:`` account is a sink of kind ``cash`` for every case, and a case's own source
    accounts are sinks of kind ``returned`` from hop 2 on.

    Raises :class:`~clawback.errors.ClawbackError` for a missing column, a timestamp that is
    not datetime64, and (among the transfers the trace reads) a repeated ``transfer_id``, a
    negative or missing amount or a missing timestamp, src or dst.
    """
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
    known = ts[ts != nat]
    end_of_data = int(known.max()) if len(known) else _NEG
    cases = sorted(set(sources["case_id"]))
    tally = _Tally()
    attributed: dict[tuple[str, str], list[Any]] = {}
    audit: list[tuple[Any, ...]] = []
    if len(transfers) and len(sources):
        plan = _plan(transfers, ts, sources, starts, ends, params)
        _loop(plan, sources.assign(start=starts, end=ends), _sink_map(sinks), params, tally,
              attributed, audit, end_of_data)
    return TraceResult(_attributed_frame(attributed), _audit_frame(audit, params),
                       _summary_frame(cases, tally, attributed), params)


def _loop(plan: _Plan, sources: pd.DataFrame, sink_map: dict[str, dict[str, tuple[str, str]]],
          params: TraceParams, tally: _Tally, attributed: dict[tuple[str, str], list[Any]],
          audit: list[tuple[Any, ...]], end_of_data: int) -> None:
    """The one pass in time order over the payments of tracked accounts."""
    own: dict[str, set[str]] = {}
    windows: dict[str, list[tuple[str, int, int]]] = {}
    for case, account, start, end in sorted(zip(
            sources["case_id"], sources["account_id"], sources["start"].tolist(),
            sources["end"].tolist(), strict=True)):
        own.setdefault(case, set()).add(account)
        windows.setdefault(account, []).append((case, start, end))
    horizon = params.horizon_days * _NS_PER_DAY
    min_amount = params.min_amount
    max_hops = params.max_hops
    fifo = params.rule == "fifo"
    libr = params.rule == "libr"
    states: dict[str, _Fifo | _Pool] = {}
    leaves: dict[str, list[_Lot]] = {}       # followed money at accounts that never pay out
    no_sink: dict[str, tuple[str, str]] = {}
    rows = plan.rows
    tids = rows["transfer_id"].tolist()
    srcs = rows["src"].astype(str).tolist()
    dsts = rows["dst"].astype(str).tolist()
    amounts = rows["amount"].to_numpy(dtype=float).tolist()
    times = rows["ts"].tolist()
    balance, paid_before, paid_after = (plan.balance.tolist(), plan.paid_before.tolist(),
                                        plan.paid_after.tolist())
    src_entry, dst_entry, dst_base = (plan.src_entry.tolist(), plan.dst_entry.tolist(),
                                      plan.dst_base.tolist())
    b_after = plan.b_after
    for i in range(len(tids)):
        s = srcs[i]
        payer = states.get(s)
        holds = payer is not None and bool(payer.lots)
        if not holds and s not in windows:
            continue
        a, t, d = amounts[i], times[i], dsts[i]
        cases: list[str] = []
        if s in windows:    # the cases whose window holds this payment (not internal)
            cases = list(dict.fromkeys(c for c, start, end in windows[s]
                                       if start <= t <= end and d not in own[c]))
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
        tid = tids[i]
        label = str(tid)
        pieces: list[tuple[str, int, str, float]] = []
        if cases and clean > 0:
            share = clean / len(cases)
            for c in cases:
                tally.sent[c] += share
                pieces.append((c, 1, label, share))
        for c, hop, chain, amt in parts:
            pieces.append((c, hop + 1, chain + CHAIN + label, amt))
        at_sink = sink_map.get(d, no_sink)
        cash = d.startswith(CASH_PREFIX)
        live: list[_Lot] = []
        dead = 0.0
        for c, hop, chain, amt in pieces:
            if amt < min_amount or amt <= 0:
                tally.dropped[c] += amt
                dead += amt
                continue
            audit.append((c, hop, tid, s, d, t, a, amt, chain))
            sink = at_sink.get(c)
            if sink is None:
                if cash:
                    sink = (d, "cash")
                elif d in own[c]:
                    sink = (d, "returned")
            if sink is not None:
                entry = attributed.get((c, sink[0]))
                if entry is None:
                    attributed[(c, sink[0])] = [amt, hop, {sink[1]}]
                else:
                    entry[0] += amt
                    entry[1] = min(entry[1], hop)
                    entry[2].add(sink[1])
                continue
            if hop >= max_hops:
                tally.beyond[c] += amt
                dead += amt
                continue
            live.append(_Lot(amt, t, c, hop, chain))
        if dst_entry[i] < 0:
            if live:
                leaves.setdefault(d, []).extend(live)
            continue
        if live or (libr and dead > 0):
            payee = states.get(d)
            if payee is None:
                payee = states[d] = _Fifo() if fifo else _Pool(libr)
            payee.inflow(dst_base[i], a, live, dead, dst_entry[i], b_after)
    left = [lot for state in states.values() for lot in state.remaining()]
    left += [(lot.case, lot.arrival, lot.amount) for lots in leaves.values() for lot in lots]
    for case, arrival, amount in left:
        if end_of_data - arrival > horizon:
            tally.expired[case] += amount
        else:
            tally.held[case] += amount


# -- output ------------------------------------------------------------------------------------
def _attributed_frame(attributed: dict[tuple[str, str], list[Any]]) -> pd.DataFrame:
    rows = [(c, p, "+".join(sorted(v[2])), float(v[0]), int(v[1]))
            for (c, p), v in sorted(attributed.items())]
    frame = pd.DataFrame(rows, columns=ATTRIBUTED_COLUMNS)
    return frame.astype({"case_id": object, "party_id": object, "kind": object,
                         "amount": float, "hops": "int64"})


def _audit_frame(audit: list[tuple[Any, ...]], params: TraceParams) -> pd.DataFrame:
    cols = ["case_id", "hop", "transfer_id", "src", "dst", "ts", "amount", "traced", "chain"]
    frame = pd.DataFrame(audit, columns=cols)
    frame["timestamp"] = frame["ts"].to_numpy(dtype="int64").view("datetime64[ns]")
    frame["rule"] = params.rule
    frame = frame.astype({"hop": "int64", "amount": float, "traced": float})
    frame = frame.sort_values(["case_id", "ts", "transfer_id", "chain"], kind="stable",
                              ignore_index=True)
    return frame[AUDIT_COLUMNS]


def _summary_frame(cases: list[str], tally: _Tally,
                   attributed: dict[tuple[str, str], list[Any]]) -> pd.DataFrame:
    got: defaultdict[str, float] = defaultdict(float)
    for (c, _), v in sorted(attributed.items()):
        got[c] += v[0]
    rows = [(c, tally.sent[c], got[c], tally.held[c], tally.expired[c], tally.dropped[c],
             tally.beyond[c]) for c in cases]
    frame = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    return frame.astype({c: float for c in SUMMARY_COLUMNS[1:]})
