"""The fund trace's one pass in time order, compiled with numba.

:func:`clawback.algorithms.tracing.trace` works out in bulk (numpy) everything that does not
depend on the order of events — balances, fifo positions, first hops of payers that cannot hold
followed money yet — and leaves to :func:`run` the payments whose pieces depend on what sits in
the payer's account at that moment. This module holds that pass; the conventions (what a rule
carries, expiry, drops, sinks) are documented in :mod:`clawback.algorithms.tracing`, and the
arithmetic here is done in the same order as there, so that the pieces are the same to the last
bit whatever runs them.

State lives in flat arrays, not objects:

- **lots** (followed money of one case that arrived together): ``lot_f[k] = (start, end,
  amount)`` — ``start``/``end`` its span on the account's cumulative-inflow axis (fifo) —
  and ``lot_i[k] = (case, hop, chain, arrival, next)``; an account's lots are a linked list
  (``head``/``tail``, oldest first), and freed slots are reused.
- **chains** (the transfer ids from the debtor's account to a piece): ``chain[k] = (parent,
  row)``, a tree whose root has parent -1; a piece's chain is created only when it is audited
  or followed on, and turned into text only for the audit rows (:func:`chain_rows`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["FIFO", "LIBR", "PRO_RATA", "SINK_CASH", "SINK_RETURNED", "argsort_stable",
           "balances", "chain_rows", "entries", "equal_steps", "find_keys", "first_below",
           "first_equal", "first_negative", "first_repeat", "has_repeats", "holders",
           "key_table", "marked", "picked", "reach_pass", "run", "sort_ties", "stays",
           "visits", "window_pairs"]

FIFO, LIBR, PRO_RATA = 0, 1, 2
SINK_CASH = -1
SINK_RETURNED = -2
_NONE = -3

# lot_f columns
_START, _END, _AMOUNT = 0, 1, 2
# lot_i columns
_CASE, _HOP, _CHAIN, _ARRIVAL, _NEXT = 0, 1, 2, 3, 4


@njit(cache=True, nogil=True)
def _grown(a, need):
    """``a`` with room for ``need`` rows (a copy twice as large, or ``a`` itself)."""
    if need <= a.shape[0]:
        return a
    b = np.empty((max(need, 2 * a.shape[0]),) + a.shape[1:], a.dtype)  # noqa: RUF005 (numba)
    b[:a.shape[0]] = a
    return b


@njit(cache=True, nogil=True)
def _node(chain, n_chain, parent, row):
    """Add a chain node (``parent``'s chain, then transfer ``row``): the grown tree, its size
    and the new node."""
    chain = _grown(chain, n_chain + 1)
    chain[n_chain, 0] = parent
    chain[n_chain, 1] = row
    return chain, n_chain + 1, n_chain


@njit(cache=True, nogil=True)
def _append(ints, floats, n, row, value):
    """Add a row (``row`` to ``ints``, ``value`` to ``floats``) at ``n``: the grown arrays and
    the new size."""
    ints = _grown(ints, n + 1)
    floats = _grown(floats, n + 1)
    for j in range(len(row)):
        ints[n, j] = row[j]
    floats[n] = value
    return ints, floats, n + 1


@njit(cache=True, nogil=True)
def _pop(s, head, tail, count, lot_i, free):
    """Take the oldest lot off account ``s``'s list onto the free list; returns the free
    list's new head (that lot)."""
    k = head[s]
    head[s] = lot_i[k, _NEXT]
    if head[s] < 0:
        tail[s] = -1
    count[s] -= 1
    lot_i[k, _NEXT] = free
    return k


@njit(cache=True, nogil=True)
def _catch_up(account, entry, inactive, seen_entry, b_after):
    """libr: apply the account's entries since the last one seen to its money no longer
    followed (untraced money is spent first, so what is left is capped by the lowest balance
    since)."""
    if inactive[account] > 0 and entry > seen_entry[account] + 1:
        low = b_after[seen_entry[account] + 1:entry].min()
        if low < inactive[account]:
            inactive[account] = low
    seen_entry[account] = entry


@njit(cache=True, nogil=True)
def _slot(key, mask):
    """Where ``key`` starts its probe in a table of ``mask + 1`` slots (splitmix64's
    finaliser: every bit of the key moves the low bits)."""
    z = np.uint64(key) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return np.int64((z ^ (z >> np.uint64(31))) & np.uint64(mask))


@njit(cache=True, nogil=True)
def key_table(keys):
    """An open-addressing hash table of the distinct int64 ``keys``: per slot, the position
    of a key in ``keys`` or -1 (at most half the slots used). A lookup (:func:`find_keys`)
    costs a cache miss or two, a binary search over a million keys twenty.

    >>> table = key_table(np.array([7, 3, 11]))
    >>> find_keys(table, np.array([7, 3, 11]), np.array([11, 4, 7])).tolist()
    [2, -1, 0]
    """
    size = 2
    while size < 2 * keys.shape[0]:
        size <<= 1
    mask = size - 1
    table = np.full(size, -1, np.int64)
    for i in range(keys.shape[0]):
        at = _slot(keys[i], mask)
        while table[at] >= 0:
            at = (at + 1) & mask
        table[at] = i
    return table


@njit(cache=True, nogil=True)
def _find(table, keys, key):
    """Position of ``key`` in ``keys`` through their :func:`key_table`, or -1."""
    mask = table.shape[0] - 1
    at = _slot(key, mask)
    while True:
        i = table[at]
        if i < 0:
            return -1
        if keys[i] == key:
            return i
        at = (at + 1) & mask


@njit(cache=True, nogil=True)
def find_keys(table, keys, queries):
    """:func:`_find` for each of ``queries``."""
    out = np.empty(queries.shape[0], np.int64)
    for j in range(queries.shape[0]):
        out[j] = _find(table, keys, queries[j])
    return out


@njit(cache=True, nogil=True)
def run(visit, pure, src, dst, amount, ts, stays, balance, paid_after, src_entry,
        dst_entry, dst_base, b_after, pair_row, pair_case, live_row, live_case, live_amount,
        dead_in, cash, sink_keys, own_keys, sink_table, own_table, sink_listed, own_listed, width,
        n_accounts, rule, horizon, min_amount,
        max_hops, audit_from, n_cases, end_of_data):
    """The pass over the visited payments ``visit`` (rows of the plan, in time order).

    Per plan row: ``pure`` (a first hop worked out already), payer and payee codes, amount,
    time, ``stays`` (what it leaves at the payee stays there), the payer's balance and
    paid-out position after it, the payer's and payee's entries and the payee's cumulative
    inflow before it; ``b_after``: per entry, the balance after it. ``pair_row``/``pair_case``:
    the cases whose window holds each non-pure payment, by row; ``live_*``: the pieces of pure
    payments followed on, by row; ``dead_in``: per row, traced money of a pure payment no
    longer followed (libr only). ``sink_keys``/``own_keys``: sorted ``case * width + account``
    keys of the cases' sinks and own source accounts, their hash tables (``sink_table``,
    ``own_table``: :func:`key_table`), and ``sink_listed``/``own_listed`` per
    account code whether a key names it (a payee no key names is not searched for: most are
    not, and a search among a million keys misses the cache at every step); ``cash``: per
    account code, a cash account.

    Returns the tallies per case (sent, expired, dropped, beyond, held), the audit rows
    (``case, hop, row, chain`` and the traced amounts), the attributions (``case, sink, hop,
    row, payee``: ``sink`` the position in ``sink_keys``, or :data:`SINK_CASH`,
    :data:`SINK_RETURNED`; and the amounts) and the chain tree.
    """
    sent = np.zeros(n_cases)
    expired = np.zeros(n_cases)
    dropped = np.zeros(n_cases)
    beyond = np.zeros(n_cases)
    held = np.zeros(n_cases)
    fifo = rule == FIFO
    libr = rule == LIBR
    # per account
    slots = n_accounts + 1
    head = np.full(slots, -1, np.int64)
    tail = np.full(slots, -1, np.int64)
    count = np.zeros(slots, np.int64)
    traced = np.zeros(slots)
    inactive = np.zeros(slots)
    seen_entry = np.full(slots, -1, np.int64)
    exists = np.zeros(slots, np.bool_)
    created = np.empty(slots, np.int64)            # accounts in the order their state began
    n_created = 0
    # lots
    lot_f = np.empty((1024, 3))
    lot_i = np.empty((1024, 5), np.int64)
    n_lots = 0
    free = -1
    # chains, audit, attributions, leaves (followed money at accounts that never pay out)
    chain = np.empty((1024, 2), np.int64)
    n_chain = 0
    audit_i = np.empty((1024, 4), np.int64)
    audit_f = np.empty(1024)
    n_audit = 0
    attr_i = np.empty((1024, 5), np.int64)
    attr_f = np.empty(1024)
    n_attr = 0
    leaf_i = np.empty((1024, 2), np.int64)
    leaf_f = np.empty(1024)
    n_leaf = 0
    # one payment's pieces: those of its payer's lots it carries, then what it takes onwards
    part_i = np.empty((64, 3), np.int64)           # case, hop, chain
    part_f = np.empty(64)
    live_i = np.empty((64, 3), np.int64)
    live_f = np.empty(64)
    n_pairs = pair_row.shape[0]
    n_live_in = live_row.shape[0]
    pp = 0
    lp = 0
    for vi in range(visit.shape[0]):
        r = visit[vi]
        a = amount[r]
        t = ts[r]
        d = dst[r]
        while pp < n_pairs and pair_row[pp] < r:
            pp += 1
        pq = pp
        while pq < n_pairs and pair_row[pq] == r:
            pq += 1
        while lp < n_live_in and live_row[lp] < r:
            lp += 1
        lq = lp
        while lq < n_live_in and live_row[lq] == r:
            lq += 1
        n_new = 0
        dead = 0.0
        if pure[r]:
            # the first hop, worked out already: leave what it follows on at the payee
            if lq > lp:
                chain, n_chain, node = _node(chain, n_chain, -1, r)
                live_i = _grown(live_i, lq - lp)
                live_f = _grown(live_f, lq - lp)
                for j in range(lp, lq):
                    live_i[n_new, 0] = live_case[j]
                    live_i[n_new, 1] = 1
                    live_i[n_new, 2] = node
                    live_f[n_new] = live_amount[j]
                    n_new += 1
            dead = dead_in[r]
        else:
            s = src[r]
            holds = exists[s] and head[s] >= 0
            n_cases_here = pq - pp
            if not holds and n_cases_here == 0:
                continue
            n_parts = 0
            clean = a
            part_i = _grown(part_i, count[s])
            part_f = _grown(part_f, count[s])
            if fifo:
                if holds:
                    limit = t - horizon
                    while head[s] >= 0 and lot_i[head[s], _ARRIVAL] < limit:   # past the horizon
                        k = head[s]
                        expired[lot_i[k, _CASE]] += lot_f[k, _END] - lot_f[k, _START]
                        free = _pop(s, head, tail, count, lot_i, free)
                    if head[s] < 0:
                        tail[s] = -1
                    after = paid_after[r]
                    # positions are sums of many amounts: a lot within rounding of the end is
                    # consumed
                    paid = after + 1e-12 * max(1.0, abs(after))
                    while head[s] >= 0 and lot_f[head[s], _START] < paid:
                        k = head[s]
                        part_i[n_parts, 0] = lot_i[k, _CASE]
                        part_i[n_parts, 1] = lot_i[k, _HOP]
                        part_i[n_parts, 2] = lot_i[k, _CHAIN]
                        if lot_f[k, _END] <= paid:
                            part_f[n_parts] = lot_f[k, _END] - lot_f[k, _START]
                            n_parts += 1
                            free = _pop(s, head, tail, count, lot_i, free)
                        else:
                            part_f[n_parts] = after - lot_f[k, _START]
                            n_parts += 1
                            lot_f[k, _START] = after
                            if lot_f[k, _END] - lot_f[k, _START] < min_amount:
                                dropped[lot_i[k, _CASE]] += lot_f[k, _END] - lot_f[k, _START]
                                free = _pop(s, head, tail, count, lot_i, free)
                            break
                    if head[s] < 0:
                        tail[s] = -1
                    total = 0.0
                    for j in range(n_parts):
                        total += part_f[j]
                    clean = a - total
            elif exists[s] and (holds or inactive[s] > 0):
                if libr:
                    _catch_up(s, src_entry[r], inactive, seen_entry, b_after)
                limit = t - horizon
                if head[s] >= 0 and lot_i[head[s], _ARRIVAL] < limit:     # past the horizon
                    while head[s] >= 0 and lot_i[head[s], _ARRIVAL] < limit:
                        k = head[s]
                        expired[lot_i[k, _CASE]] += lot_f[k, _AMOUNT]
                        traced[s] -= lot_f[k, _AMOUNT]
                        if libr:
                            inactive[s] += lot_f[k, _AMOUNT]
                        free = _pop(s, head, tail, count, lot_i, free)
                    if head[s] < 0:
                        tail[s] = -1
                        traced[s] = 0.0
                total = traced[s] + inactive[s]
                bal = balance[r]
                if total > bal:
                    bal = total
                if total > 0:
                    if libr:
                        carried = a - (bal - total)
                        if not carried > 0.0:
                            carried = 0.0
                        if total < carried:
                            carried = total
                    else:
                        carried = total * min(a, bal) / bal
                    if carried > 0:
                        share = carried / total
                        if share >= 1.0:
                            k = head[s]
                            while k >= 0:
                                part_i[n_parts, 0] = lot_i[k, _CASE]
                                part_i[n_parts, 1] = lot_i[k, _HOP]
                                part_i[n_parts, 2] = lot_i[k, _CHAIN]
                                part_f[n_parts] = lot_f[k, _AMOUNT]
                                n_parts += 1
                                nxt = lot_i[k, _NEXT]
                                lot_i[k, _NEXT] = free
                                free = k
                                k = nxt
                            head[s] = -1
                            tail[s] = -1
                            count[s] = 0
                            traced[s] = 0.0
                            inactive[s] = 0.0
                        else:
                            inactive[s] -= inactive[s] * share
                            kept = 0.0
                            prev = -1
                            k = head[s]
                            while k >= 0:
                                nxt = lot_i[k, _NEXT]
                                take = lot_f[k, _AMOUNT] * share
                                part_i[n_parts, 0] = lot_i[k, _CASE]
                                part_i[n_parts, 1] = lot_i[k, _HOP]
                                part_i[n_parts, 2] = lot_i[k, _CHAIN]
                                part_f[n_parts] = take
                                n_parts += 1
                                lot_f[k, _AMOUNT] -= take
                                if lot_f[k, _AMOUNT] < min_amount:
                                    dropped[lot_i[k, _CASE]] += lot_f[k, _AMOUNT]
                                    if libr:
                                        inactive[s] += lot_f[k, _AMOUNT]
                                    if prev < 0:
                                        head[s] = nxt
                                    else:
                                        lot_i[prev, _NEXT] = nxt
                                    count[s] -= 1
                                    lot_i[k, _NEXT] = free
                                    free = k
                                else:
                                    kept += lot_f[k, _AMOUNT]
                                    prev = k
                                k = nxt
                            tail[s] = prev
                            traced[s] = kept
                        clean = a - carried
                        if not clean > 0.0:
                            clean = 0.0
            # the pieces: the cases' own money first, then what the payer's lots carry
            n_pieces = n_parts
            if n_cases_here > 0 and clean > 0:
                n_pieces += n_cases_here
            live_i = _grown(live_i, n_pieces)
            live_f = _grown(live_f, n_pieces)
            for j in range(n_pieces):
                if j < n_pieces - n_parts:
                    c = pair_case[pp + j]
                    hop = 1
                    parent = -1
                    amt = clean / n_cases_here
                    sent[c] += amt
                else:
                    q = j - (n_pieces - n_parts)
                    c = part_i[q, 0]
                    hop = part_i[q, 1] + 1
                    parent = part_i[q, 2]
                    amt = part_f[q]
                if amt < min_amount or amt <= 0:
                    dropped[c] += amt
                    dead += amt
                    continue
                node = -1
                if hop >= audit_from:
                    chain, n_chain, node = _node(chain, n_chain, parent, r)
                    audit_i, audit_f, n_audit = _append(
                        audit_i, audit_f, n_audit,
                        (np.int64(c), np.int64(hop), np.int64(r), np.int64(node)), amt)
                key = c * width + d
                sink = _find(sink_table, sink_keys, key) if sink_listed[d] else -1
                if sink < 0:
                    sink = _NONE
                    if cash[d]:
                        sink = SINK_CASH
                    elif own_listed[d] and _find(own_table, own_keys, key) >= 0:
                        sink = SINK_RETURNED
                if sink != _NONE:
                    attr_i, attr_f, n_attr = _append(
                        attr_i, attr_f, n_attr, (np.int64(c), np.int64(sink), np.int64(hop),
                                                 np.int64(r), np.int64(d)), amt)
                    continue
                if hop >= max_hops:
                    beyond[c] += amt
                    dead += amt
                    continue
                if node < 0:
                    chain, n_chain, node = _node(chain, n_chain, parent, r)
                live_i[n_new, 0] = c
                live_i[n_new, 1] = hop
                live_i[n_new, 2] = node
                live_f[n_new] = amt
                n_new += 1
            if dst_entry[r] < 0 or stays[r]:
                leaf_i = _grown(leaf_i, n_leaf + n_new)
                leaf_f = _grown(leaf_f, n_leaf + n_new)
                for j in range(n_new):
                    leaf_i[n_leaf, 0] = live_i[j, 0]
                    leaf_i[n_leaf, 1] = t
                    leaf_f[n_leaf] = live_f[j]
                    n_leaf += 1
                continue
            if n_new == 0 and not (libr and dead > 0):
                continue
        # what the payment leaves at its payee
        if not exists[d]:
            exists[d] = True
            created[n_created] = d
            n_created += 1
        if fifo:
            total = 0.0
            for j in range(n_new):
                total += live_f[j]
            pos = dst_base[r] + a - total
        else:
            if libr:
                _catch_up(d, dst_entry[r], inactive, seen_entry, b_after)
                inactive[d] += dead
            pos = 0.0
        if n_new > 0:
            total = 0.0
            for j in range(n_new):
                if free >= 0:
                    k = free
                    free = lot_i[k, _NEXT]
                else:
                    lot_f = _grown(lot_f, n_lots + 1)
                    lot_i = _grown(lot_i, n_lots + 1)
                    k = n_lots
                    n_lots += 1
                lot_i[k, _CASE] = live_i[j, 0]
                lot_i[k, _HOP] = live_i[j, 1]
                lot_i[k, _CHAIN] = live_i[j, 2]
                lot_i[k, _ARRIVAL] = t
                lot_i[k, _NEXT] = -1
                lot_f[k, _AMOUNT] = live_f[j]
                lot_f[k, _START] = pos
                if fifo:
                    pos += live_f[j]
                lot_f[k, _END] = pos
                total += live_f[j]
                if tail[d] >= 0:
                    lot_i[tail[d], _NEXT] = k
                else:
                    head[d] = k
                tail[d] = k
                count[d] += 1
            if not fifo:
                traced[d] += total
    # what is left where it is: within the horizon it is held, beyond it expired
    for q in range(n_created):
        k = head[created[q]]
        while k >= 0:
            amt = lot_f[k, _END] - lot_f[k, _START] if fifo else lot_f[k, _AMOUNT]
            if end_of_data - lot_i[k, _ARRIVAL] > horizon:
                expired[lot_i[k, _CASE]] += amt
            else:
                held[lot_i[k, _CASE]] += amt
            k = lot_i[k, _NEXT]
    for q in range(n_leaf):
        if end_of_data - leaf_i[q, 1] > horizon:
            expired[leaf_i[q, 0]] += leaf_f[q]
        else:
            held[leaf_i[q, 0]] += leaf_f[q]
    return (sent, expired, dropped, beyond, held, audit_i[:n_audit], audit_f[:n_audit],
            attr_i[:n_attr], attr_f[:n_attr], chain[:n_chain])


@njit(cache=True, nogil=True)
def stays(src, dst, ts, n_accounts, horizon):
    """Per payment (in time order): whether its payee pays nothing more within ``horizon``
    after it (one pass backwards, keeping each account's next payment).

    >>> stays(np.array([0, 1, 1]), np.array([1, 2, 0]), np.array([0, 5, 50]), 3, 10)
    array([False,  True,  True])
    """
    out = np.empty(src.shape[0], np.bool_)
    next_payment = np.full(n_accounts + 1, -1, np.int64)
    for r in range(src.shape[0] - 1, -1, -1):
        nxt = next_payment[dst[r]]
        out[r] = nxt < 0 or ts[nxt] - ts[r] > horizon
        next_payment[src[r]] = r
    return out


@njit(cache=True, nogil=True)
def _radix_pass(order, keys, out_order, out_keys, shift, bits):
    """One stable counting pass of an LSD radix sort of (``keys``, ``order``) by digit
    ``(keys >> shift) & (2**bits - 1)``, into ``out_*`` (the keys move with the order, so
    both are read in sequence)."""
    size = 1 << bits
    mask = np.uint64(size - 1)
    by = np.uint64(shift)
    counts = np.zeros(size + 1, np.int64)
    n = order.shape[0]
    for i in range(n):
        counts[np.int64((np.uint64(keys[i]) >> by) & mask) + 1] += 1
    for d in range(size):
        counts[d + 1] += counts[d]
    for i in range(n):
        d = np.int64((np.uint64(keys[i]) >> by) & mask)
        out_order[counts[d]] = order[i]
        out_keys[counts[d]] = keys[i]
        counts[d] += 1


@njit(cache=True, nogil=True)
def _divisible(values, low, step):
    """Whether every ``values - low`` is a multiple of ``step`` (stops at the first that is
    not)."""
    for i in range(values.shape[0]):  # noqa: SIM110 (a loop numba compiles)
        if (values[i] - low) % step != 0:
            return False
    return True


@njit(cache=True, nogil=True)
def _ascending(values):
    """Whether ``values`` never decrease."""
    for i in range(1, values.shape[0]):  # noqa: SIM110 (a loop numba compiles)
        if values[i] < values[i - 1]:
            return False
    return True


@njit(cache=True, nogil=True)
def _radix_sort(values, low, step, bits_needed, order, keys, other, other_keys):
    """The body of :func:`argsort_stable`, in the buffers given (``order`` holds 0..n-1);
    returns whether the result ended up in ``other``."""
    for i in range(values.shape[0]):
        keys[i] = (values[i] - low) // step
    flipped = False
    shift = 0
    while shift < bits_needed:
        _radix_pass(order, keys, other, other_keys, shift, 11)
        order, other = other, order
        keys, other_keys = other_keys, keys
        flipped = not flipped
        shift += 11
    return flipped


def argsort_stable(values: np.ndarray) -> np.ndarray:
    """The stable ascending order of int64 ``values`` (as ``np.argsort(kind="stable")``), by an
    LSD radix sort of ``values - min``, divided by 10**9, 10**6 or 10**3 where all are
    multiples (timestamps in nanoseconds, whole seconds in practice, need 30 bits, not 60),
    11 bits a pass; values already in order are returned as they are. Positions are int32
    and keys uint32 where they fit (half the memory to touch), in buffers numpy allocates
    (:func:`_buffer`).

    >>> argsort_stable(np.array([30, 10, 20, 10])).tolist()
    [1, 3, 2, 0]
    """
    values = np.ascontiguousarray(values, dtype=np.int64)
    n = len(values)
    position = np.int32 if n < 2**31 else np.int64
    if n < 2 or _ascending(values):
        return np.arange(n, dtype=position)
    low, high = int(values.min()), int(values.max())
    step = next((s for s in (10**9, 10**6, 10**3) if _divisible(values, low, s)), 1)
    bits = ((high - low) // step).bit_length()
    key = np.uint32 if bits <= 32 else np.uint64
    order = np.arange(n, dtype=position)
    other = _buffer(n, position)
    flipped = _radix_sort(values, np.int64(low), np.int64(step), bits, order, _buffer(n, key),
                          other, _buffer(n, key))
    return other if flipped else order


def _buffer(n: int, dtype: type | np.dtype) -> np.ndarray:
    """An uninitialised array that numpy allocates. The kernels below take their large
    buffers from numpy rather than allocating them in numba: numpy asks the kernel for
    transparent huge pages on large arrays, numba's runtime does not, and first-touch page
    faults on 4 KiB pages cost a quarter to a third of a kernel's time at 10M transfers."""
    return np.empty(n, dtype=dtype)


@njit(cache=True, nogil=True)
def _compare(keys, a, b):
    """-1, 0 or 1 as row ``a`` of the byte rows ``keys`` sorts before, with or after row
    ``b`` (bytes as unsigned: the order of UTF-8 text)."""
    for w in range(keys.shape[1]):
        x = keys[a, w]
        y = keys[b, w]
        if x != y:
            return -1 if x < y else 1
    return 0


@njit(cache=True, nogil=True)
def sort_ties(order, ts, keys, rows):
    """Sort each run of equal ``ts`` (in ``order``'s order) by key, in place, carrying
    ``order`` along: the key of position ``i`` is the byte row ``keys[rows[i]]`` (uint8,
    compared as unsigned bytes: the order of UTF-8 text). Runs are short, so each is sorted by
    insertion. Returns a position (before sorting) whose key equals another's in its run, or
    -1.

    >>> order = np.array([10, 11, 12, 13])
    >>> keys = np.array([[2], [1], [3], [1]], np.uint8)
    >>> sort_ties(order, np.array([5, 5, 5, 7]), keys, np.arange(4)), order
    (-1, array([11, 10, 12, 13]))
    """
    n = order.shape[0]
    taken = np.empty(16, order.dtype)
    perm = np.empty(16, np.int64)
    i = 0
    while i < n:
        j = i + 1
        while j < n and ts[j] == ts[i]:
            j += 1
        size = j - i
        if size > 1:
            if perm.shape[0] < size:
                taken = np.empty(2 * size, order.dtype)
                perm = np.empty(2 * size, np.int64)
            for k in range(size):
                taken[k] = order[i + k]
                perm[k] = k
            for k in range(1, size):
                item = perm[k]
                q = k - 1
                while q >= 0:
                    other = perm[q]
                    c = _compare(keys, rows[i + other], rows[i + item])
                    if c == 0:
                        return i + item
                    if c < 0:
                        break
                    perm[q + 1] = other
                    q -= 1
                perm[q + 1] = item
            for k in range(size):
                order[i + k] = taken[perm[k]]
        i = j
    return -1


@njit(cache=True, nogil=True)
def first_repeat(keys, rows):
    """The first position ``i`` of ``rows`` whose key (the byte row ``keys[rows[i]]``) an
    earlier position has too, or -1: one pass with a hash table.

    >>> first_repeat(np.array([[5], [7], [5]], np.uint8), np.array([0, 1, 2]))
    2
    """
    n = rows.shape[0]
    size = 2
    while size < 2 * n:
        size <<= 1
    mask = np.uint64(size - 1)
    table = np.full(size, -1, np.int64)
    width = keys.shape[1]
    for i in range(n):
        r = rows[i]
        h = np.uint64(0xCBF29CE484222325)                 # FNV-1a, then a final mix
        for w in range(width):
            h = (h ^ np.uint64(keys[r, w])) * np.uint64(0x100000001B3)
        h ^= h >> np.uint64(31)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(29)
        slot = h & mask
        while True:
            other = table[slot]
            if other < 0:
                table[slot] = i
                break
            if _compare(keys, rows[other], r) == 0:
                return i
            slot = (slot + np.uint64(1)) & mask
    return -1


@njit(cache=True, nogil=True)
def _entry_starts(src, dst, tracked_src, tracked_dst, n_accounts):
    """Per account, where its entries start (a counting sort's offsets; the last: the size)."""
    start = np.zeros(n_accounts + 2, np.int64)
    for r in range(src.shape[0]):
        if tracked_src[r]:
            start[src[r] + 1] += 1
        if tracked_dst[r]:
            start[dst[r] + 1] += 1
    for a in range(n_accounts + 1):
        start[a + 1] += start[a]
    return start


@njit(cache=True, nogil=True)
def _fill_entries(src, dst, amount, tracked_src, tracked_dst, n_accounts, start, out_entry,
                  in_entry, first, i_after, b_after):
    """The body of :func:`entries`; each entry's signed amount is kept in ``b_after`` until
    its balance replaces it."""
    m = src.shape[0]
    delta = b_after
    at = start[:n_accounts + 1].copy()
    for r in range(m):
        out_entry[r] = -1
        in_entry[r] = -1
        if tracked_src[r]:
            e = at[src[r]]
            at[src[r]] += 1
            out_entry[r] = e
            delta[e] = -amount[r]
        if tracked_dst[r]:
            e = at[dst[r]]
            at[dst[r]] += 1
            in_entry[r] = e
            delta[e] = amount[r]
    for a in range(n_accounts + 1):
        lo = start[a]
        hi = start[a + 1]
        if lo == hi:
            continue
        # compensated (Kahan) running sums: the positions of a long-lived account are sums of
        # many amounts
        running = 0.0
        lost = 0.0
        low = 0.0
        into = 0.0
        into_lost = 0.0
        for e in range(lo, hi):
            first[e] = e == lo
            x = delta[e]
            flow = x if x > 0.0 else 0.0
            y = x - lost
            t = running + y
            lost = (t - running) - y
            running = t
            if e == lo or running < low:
                low = running
            y = flow - into_lost
            t = into + y
            into_lost = (t - into) - y
            into = t
            i_after[e] = into
            b_after[e] = running - (low if low < 0.0 else 0.0)


def entries(src: np.ndarray, dst: np.ndarray, amount: np.ndarray, tracked_src: np.ndarray,
            tracked_dst: np.ndarray, n_accounts: int) -> tuple[np.ndarray, ...]:
    """One entry per (tracked account, payment), in (account, time) order: a counting sort of
    the payments (in time order) by account. Returns, per payment, its payer's and its payee's
    entry (-1: not tracked), and per entry whether it is its account's first, the account's
    cumulative inflow after it and its balance after it (``B = max(0, B + x)``: balances never
    go negative, an excess is paid with unknown money; the running sum less its running
    minimum). An incoming entry's inflow is its payment's amount.

    >>> o, i, first, i_after, b_after = entries(
    ...     np.array([0, 1, 0]), np.array([1, 0, 1]), np.array([5.0, 2.0, 4.0]),
    ...     np.array([True, True, True]), np.array([True, True, True]), 2)
    >>> o.tolist(), i.tolist(), b_after.tolist()
    ([0, 4, 2], [3, 1, 5], [0.0, 2.0, 0.0, 5.0, 3.0, 7.0])
    """
    start = _entry_starts(src, dst, tracked_src, tracked_dst, n_accounts)
    m, size = len(src), int(start[-1])
    entry = np.int32 if size < 2**31 else np.int64
    out_entry, in_entry = _buffer(m, entry), _buffer(m, entry)
    first = _buffer(size, np.bool_)
    i_after, b_after = (_buffer(size, np.float64) for _ in range(2))
    _fill_entries(src, dst, amount, tracked_src, tracked_dst, n_accounts, start, out_entry,
                  in_entry, first, i_after, b_after)
    return out_entry, in_entry, first, i_after, b_after


@njit(cache=True, nogil=True)
def _visited(tracked_src, ts, earliest, src):
    """Per payment, whether the loop visits it; and how many it visits."""
    m = tracked_src.shape[0]
    out = np.zeros(m, np.bool_)
    count = 0
    for r in range(m):
        if tracked_src[r] and ts[r] >= earliest[src[r]]:
            out[r] = True
            count += 1
    return out, count


@njit(cache=True, nogil=True)
def _fill_visits(visited, amount, out_entry, in_entry, first, i_after, b_after, visit,
                 src_entry, dst_entry, balance, paid_after, dst_base):
    k = 0
    for r in range(visited.shape[0]):
        if not visited[r]:
            continue
        e = out_entry[r]
        d = in_entry[r]
        visit[k] = r
        src_entry[k] = e
        dst_entry[k] = d
        balance[k] = 0.0 if first[e] else b_after[e - 1]
        paid_after[k] = i_after[e] - b_after[e]
        dst_base[k] = i_after[d] - amount[r] if d >= 0 else 0.0
        k += 1


def visits(tracked_src: np.ndarray, ts: np.ndarray, earliest: np.ndarray, src: np.ndarray,
           amount: np.ndarray, out_entry: np.ndarray, in_entry: np.ndarray, first: np.ndarray,
           i_after: np.ndarray, b_after: np.ndarray) -> tuple[np.ndarray, ...]:
    """The payments the loop visits — those of a tracked payer (``tracked_src``) from the
    earliest moment traced money can be at it (``earliest[src]``) — and, per visited payment,
    its payer's and payee's entry, the payer's balance before it and paid-out position
    (cumulative inflow less balance) after it, and the payee's cumulative inflow before it
    (0 where the payee is not tracked), from the arrays of :func:`entries`."""
    visited, count = _visited(tracked_src, ts, earliest, src)
    visit = _buffer(count, np.int32 if len(tracked_src) < 2**31 else np.int64)
    src_entry, dst_entry = (_buffer(count, out_entry.dtype) for _ in range(2))
    balance, paid_after, dst_base = (_buffer(count, np.float64) for _ in range(3))
    _fill_visits(visited, amount, out_entry, in_entry, first, i_after, b_after, visit,
                 src_entry, dst_entry, balance, paid_after, dst_base)
    return visit, src_entry, dst_entry, balance, paid_after, dst_base


@njit(cache=True, nogil=True)
def reach_pass(codes, dst_codes, ts, payer, changed, earliest, new, cap):
    """One hop of the earliest-arrival search (:func:`clawback.algorithms.tracing._reach`):
    every payment of an account whose earliest arrival changed, made no earlier than that and
    no later than ``cap``, lowers its payee's ``new`` arrival to its time (a payee that never
    pays is not entered)."""
    for r in range(codes.shape[0]):
        a = codes[r]
        if changed[a]:
            t = ts[r]
            if t >= earliest[a] and t <= cap:
                b = dst_codes[r]
                if payer[b] and t < new[b]:
                    new[b] = t


@njit(cache=True, nogil=True)
def _count_picked(codes, dst_codes, ts, tracked, cap):
    count = 0
    for r in range(codes.shape[0]):
        a = codes[r]
        b = dst_codes[r]
        if (tracked[a] or tracked[b]) and ts[r] <= cap and a != b:
            count += 1
    return count


@njit(cache=True, nogil=True)
def _fill_picked(codes, dst_codes, ts, tracked, cap, out):
    k = 0
    for r in range(codes.shape[0]):
        a = codes[r]
        b = dst_codes[r]
        if (tracked[a] or tracked[b]) and ts[r] <= cap and a != b:
            out[k] = r
            k += 1


def picked(codes: np.ndarray, dst_codes: np.ndarray, ts: np.ndarray, tracked: np.ndarray,
           cap: int) -> np.ndarray:
    """The positions (int32 where they fit) of the transfers with a tracked end, made no
    later than ``cap``, between two accounts.

    >>> picked(np.array([0, 1, 1, 2]), np.array([1, 1, 2, 0]), np.array([5, 5, 5, 9]),
    ...        np.array([False, True, False, False]), 8).tolist()
    [0, 2]
    """
    n = _count_picked(codes, dst_codes, ts, tracked, cap)
    out = _buffer(n, np.int32 if len(codes) < 2**31 else np.int64)
    _fill_picked(codes, dst_codes, ts, tracked, cap, out)
    return out


@njit(cache=True, nogil=True)
def first_negative(values, at):
    """The first position ``i`` whose ``values[at[i]]`` is not ``>= 0`` (negative or NaN), or
    -1."""
    for i in range(at.shape[0]):
        if not values[at[i]] >= 0:
            return i
    return -1


@njit(cache=True, nogil=True)
def first_equal(values, value):
    """The first position holding ``value``, or -1."""
    for i in range(values.shape[0]):
        if values[i] == value:
            return i
    return -1


@njit(cache=True, nogil=True)
def first_below(values, value):
    """The first position holding less than ``value``, or -1."""
    for i in range(values.shape[0]):
        if values[i] < value:
            return i
    return -1


@njit(cache=True, nogil=True)
def has_repeats(values):
    """Whether two neighbours are equal."""
    for i in range(1, values.shape[0]):  # noqa: SIM110 (a loop numba compiles)
        if values[i] == values[i - 1]:
            return True
    return False


@njit(cache=True, nogil=True)
def _step(state, a, x):
    """Apply the signed amount ``x`` to account ``a``'s running balance and inflow (the
    arithmetic of :func:`_fill_entries`, in the same order); its balance and cumulative
    inflow after it. ``state[a]``: running sum and its compensation, lowest running sum,
    inflow and its compensation, balance after the last entry, whether it has one (one
    cache line per account)."""
    flow = x if x > 0.0 else 0.0
    running = state[a, 0]
    y = x - state[a, 1]
    t = running + y
    state[a, 1] = (t - running) - y
    state[a, 0] = t
    if state[a, 6] == 0.0 or t < state[a, 2]:
        state[a, 2] = t
    state[a, 6] = 1.0
    into = state[a, 3]
    y = flow - state[a, 4]
    u = into + y
    state[a, 4] = (u - into) - y
    state[a, 3] = u
    low = state[a, 2]
    b = t - (low if low < 0.0 else 0.0)
    state[a, 5] = b
    return b, u


@njit(cache=True, nogil=True)
def _fill_balances(src, dst, amount, tracked_src, tracked_dst, visited, state, visit,
                   tracked_payee, balance, paid_after, dst_base):
    k = 0
    for r in range(src.shape[0]):
        x = amount[r]
        before = 0.0
        b = 0.0
        u = 0.0
        if tracked_src[r]:
            a = src[r]
            before = state[a, 5]                   # 0 before the account's first entry
            b, u = _step(state, a, -x)
        if visited[r]:
            visit[k] = r
            balance[k] = before
            paid_after[k] = u - b
            tracked_payee[k] = tracked_dst[r]
            dst_base[k] = 0.0
        if tracked_dst[r]:
            _, into = _step(state, dst[r], x)
            if visited[r]:
                dst_base[k] = into - x
        if visited[r]:
            k += 1


def balances(src: np.ndarray, dst: np.ndarray, amount: np.ndarray, tracked_src: np.ndarray,
             tracked_dst: np.ndarray, ts: np.ndarray, earliest: np.ndarray, n_accounts: int
             ) -> tuple[np.ndarray, ...]:
    """What :func:`visits` returns but the entries, from one pass over the payments in time
    order that keeps each account's running sums (no array per entry): the visited
    payments, whether each one's payee is tracked, the payer's balance before it and
    paid-out position after it, and the payee's cumulative inflow before it. The same
    numbers to the last bit: each account's sums are taken in the same order.

    >>> v, payee, bal, paid, base = balances(
    ...     np.array([0, 1, 0]), np.array([1, 0, 1]), np.array([5.0, 2.0, 4.0]),
    ...     np.array([True, True, True]), np.array([True, True, True]),
    ...     np.array([1, 2, 3]), np.array([0, 0]), 2)
    >>> v.tolist(), bal.tolist(), paid.tolist(), base.tolist()
    ([0, 1, 2], [0.0, 5.0, 2.0], [0.0, 2.0, 2.0], [0.0, 0.0, 5.0])
    """
    visited, count = _visited(tracked_src, ts, earliest, src)
    visit = _buffer(count, np.int32 if len(src) < 2**31 else np.int64)
    tracked_payee = _buffer(count, np.bool_)
    balance, paid_after, dst_base = (_buffer(count, np.float64) for _ in range(3))
    state = np.zeros((n_accounts + 1, 8))
    _fill_balances(src, dst, amount, tracked_src, tracked_dst, visited, state, visit,
                   tracked_payee, balance, paid_after, dst_base)
    return visit, tracked_payee, balance, paid_after, dst_base


@njit(cache=True, nogil=True)
def equal_steps(values, step):
    """Whether each value is the previous one plus ``step`` (offsets of strings all ``step``
    long)."""
    for i in range(1, values.shape[0]):  # noqa: SIM110 (a loop numba compiles)
        if values[i] - values[i - 1] != step:
            return False
    return True


@njit(cache=True, nogil=True)
def marked(codes, n):
    """Per code below ``n``: whether it occurs in ``codes`` (codes of ``n`` and over are not
    counted)."""
    out = np.zeros(n, np.bool_)
    for i in range(codes.shape[0]):
        c = codes[i]
        if c < n:
            out[c] = True
    return out


@njit(cache=True, nogil=True)
def _window_pairs(src, dst, ts, offsets, windows, own_table, own_keys, own_listed, width,
                  rows, cases):
    """The body of :func:`window_pairs`, into ``rows``/``cases`` (long enough for every
    window of every payment's payer); returns how many pairs it wrote. ``windows``: per
    window (case, start, end), one row each, in the order ``offsets`` gives per account."""
    k = 0
    for r in range(src.shape[0]):
        s = src[r]
        last = -1
        for j in range(offsets[s], offsets[s + 1]):
            c = windows[j, 0]
            if c == last or ts[r] < windows[j, 1] or ts[r] > windows[j, 2]:
                continue
            d = dst[r]
            if own_listed[d] and _find(own_table, own_keys, c * width + d) >= 0:
                continue                             # between the case's own accounts
            last = c
            rows[k] = r
            cases[k] = c
            k += 1
    return k


@njit(cache=True, nogil=True)
def _windows_of(src, offsets):
    """How many windows the payments' payers have in all (room for every pair)."""
    total = 0
    for r in range(src.shape[0]):
        total += offsets[src[r] + 1] - offsets[src[r]]
    return total


def window_pairs(src: np.ndarray, dst: np.ndarray, ts: np.ndarray, w_account: np.ndarray,
                 w_case: np.ndarray, w_start: np.ndarray, w_end: np.ndarray,
                 own_table: np.ndarray, own_keys: np.ndarray, own_listed: np.ndarray,
                 width: int) -> tuple[np.ndarray, np.ndarray]:
    """The (payment, case) pairs where a payment leaves one of the case's source accounts
    within one of the case's windows on it (inclusive) and is not paid to another of the
    case's own accounts (``own_keys``: ``case * width + account``, their
    :func:`key_table` and listed accounts), each pair once, sorted by payment then case.
    ``src``/``dst``/``ts``: payer and payee codes and times of the payments; ``w_*``: the
    windows (account codes below ``width - 1``).

    >>> rows, cases = window_pairs(
    ...     np.array([0, 0, 1]), np.array([2, 1, 2]), np.array([5, 9, 5]),
    ...     np.array([0, 0, 1]), np.array([1, 0, 1]), np.array([0, 0, 0]), np.array([9, 6, 9]),
    ...     key_table(np.array([1 * 4 + 1])), np.array([1 * 4 + 1]),
    ...     np.array([False, True, False, False]), 4)
    >>> rows.tolist(), cases.tolist()
    ([0, 0, 2], [0, 1, 1])
    """
    order = np.lexsort((w_case, w_account))              # by account, then case
    offsets = np.zeros(width + 1, dtype=np.int64)
    np.add.at(offsets, w_account + 1, 1)
    offsets = np.cumsum(offsets)
    windows = np.stack([w_case[order], w_start[order], w_end[order]], axis=1).astype(np.int64)
    room = _windows_of(src, offsets)
    rows, cases = _buffer(room, np.int64), _buffer(room, np.int64)
    count = _window_pairs(src, dst, ts, offsets, windows, own_table, own_keys, own_listed,
                          np.int64(width), rows, cases)
    return rows[:count], cases[:count]


@njit(cache=True, nogil=True)
def holders(deposits, tracked_payee, src, dst, n_accounts):
    """Per payment (in time order): whether its payer received one of the ``deposits`` (to a
    tracked payee) before it, in one pass."""
    m = src.shape[0]
    first_in = np.full(n_accounts + 1, m, np.int64)
    for r in range(m):
        if deposits[r] and tracked_payee[r] and first_in[dst[r]] == m:
            first_in[dst[r]] = r
    out = np.empty(m, np.bool_)
    for r in range(m):
        out[r] = r > first_in[src[r]]
    return out


def chain_rows(chain: np.ndarray, nodes: np.ndarray, hops: np.ndarray) -> list[np.ndarray]:
    """The plan rows of each node's chain, from the debtor's account on: a list of ``max(hops)``
    arrays, the ``j``-th holding each chain's ``j``-th row (-1 past its length, which is its
    hop).

    >>> tree = np.array([[-1, 7], [0, 9], [1, 12]])      # 7 → 9 → 12
    >>> [a.tolist() for a in chain_rows(tree, np.array([2, 0]), np.array([3, 1]))]
    [[7, 7], [9, -1], [12, -1]]
    """
    depth = int(hops.max()) if len(hops) else 0
    levels = [np.full(len(nodes), -1, dtype=np.int64) for _ in range(depth)]
    cur = nodes.astype(np.int64)
    at = hops.astype(np.int64) - 1                      # the level of each node's own row
    for _ in range(depth):
        on = at >= 0
        if not on.any():
            break
        idx = np.flatnonzero(on)
        for level in range(depth):
            pick = idx[at[idx] == level]
            levels[level][pick] = chain[cur[pick], 1]
        cur[idx] = chain[cur[idx], 0]
        at[idx] -= 1
    return levels
