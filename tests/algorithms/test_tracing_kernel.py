"""The compiled parts of the fund trace against plain numpy/pandas versions of the same step."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from clawback.algorithms import tracing_kernel as kernel

_small = st.integers(min_value=0, max_value=5)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_small, st.binary(min_size=3, max_size=3)), max_size=40))
def test_sort_ties_orders_by_time_then_key(rows):
    ts = np.array([t for t, _ in rows], dtype=np.int64)
    keys = np.array([k for _, k in rows], dtype="S3")
    order = np.argsort(ts, kind="stable").astype(np.int64)
    raw = keys.view(np.uint8).reshape(len(keys), 3)
    before = order.copy()
    same = kernel.sort_ties(order, ts[order], raw, order.copy())
    if len(set(rows)) < len(rows):                 # a repeated (time, key) is reported
        assert same >= 0
        assert sum(r == rows[before[same]] for r in rows) > 1
        return
    assert same == -1
    # numpy's "S" comparison drops trailing NUL bytes; compare the raw bytes instead
    expected = sorted(range(len(rows)), key=lambda i: (rows[i][0], rows[i][1]))
    assert order.tolist() == expected


def _payments(rows: list[tuple]) -> tuple[list[tuple], tuple[np.ndarray, ...]]:
    """Rows (payer, payee, cents, payer tracked, payee tracked, ...) between two accounts, and
    their columns as the kernels take them."""
    rows = [r for r in rows if r[0] != r[1]]
    return rows, (np.array([r[0] for r in rows], dtype=np.int32),
                  np.array([r[1] for r in rows], dtype=np.int32),
                  np.array([r[2] / 100 for r in rows], dtype=float),
                  np.array([r[3] for r in rows], dtype=bool),
                  np.array([r[4] for r in rows], dtype=bool))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 10**6),
                          st.booleans(), st.booleans()), max_size=60))
def test_entries_match_a_pandas_groupby(rows):
    rows, (src, dst, amount, t_src, t_dst) = _payments(rows)
    out, into, first, i_after, b_after = kernel.entries(src, dst, amount, t_src, t_dst, 5)
    # the reference: entries by (account, time), sums by pandas (compensated, as groupby's)
    outs, ins = np.flatnonzero(t_src), np.flatnonzero(t_dst)
    acc = np.concatenate([src[outs], dst[ins]])
    rank = np.concatenate([outs, ins])
    delta = np.concatenate([-amount[outs], amount[ins]])
    order = np.lexsort((rank, acc))
    acc, rank, delta = acc[order], rank[order], delta[order]
    running = pd.Series(delta).groupby(acc, sort=False).cumsum().to_numpy()
    low = pd.Series(running).groupby(acc, sort=False).cummin().to_numpy()
    flow = np.maximum(delta, 0.0)
    assert np.array_equal(b_after, running - np.minimum(low, 0.0))
    assert np.array_equal(i_after, pd.Series(flow).groupby(acc, sort=False).cumsum().to_numpy())
    assert first.tolist() == [i == 0 or acc[i] != acc[i - 1] for i in range(len(acc))]
    is_out = order < len(outs)
    expected_out = np.full(len(rows), -1)
    expected_out[rank[is_out]] = np.flatnonzero(is_out)
    expected_in = np.full(len(rows), -1)
    expected_in[rank[~is_out]] = np.flatnonzero(~is_out)
    assert out.tolist() == expected_out.tolist()
    assert into.tolist() == expected_in.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 20)),
                max_size=40), st.integers(0, 10))
def test_stays_means_no_payment_by_the_payee_within_the_horizon(rows, horizon):
    rows = sorted((r for r in rows if r[0] != r[1]), key=lambda r: r[2])
    src = np.array([r[0] for r in rows], dtype=np.int32)
    dst = np.array([r[1] for r in rows], dtype=np.int32)
    ts = np.array([r[2] for r in rows], dtype=np.int64)
    got = kernel.stays(src, dst, ts, 5, horizon)
    for i, (_, payee, t) in enumerate(rows):
        later = [rows[j][2] for j in range(i + 1, len(rows)) if rows[j][0] == payee]
        assert got[i] == (not later or later[0] - t > horizon)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(-2**62, 2**62), st.integers(0, 9).map(lambda v: v * 10**9),
                          st.integers(0, 3000).map(lambda v: v * 10**6 + 1)), max_size=80))
def test_radix_argsort_is_numpys_stable_argsort(values):
    a = np.array(values, dtype=np.int64)
    assert kernel.argsort_stable(a).tolist() == np.argsort(a, kind="stable").tolist()
    ordered = np.sort(a)                                  # the shortcut for sorted input
    assert kernel.argsort_stable(ordered).tolist() == list(range(len(a)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(min_size=0, max_size=12), max_size=60))
def test_first_repeat_finds_the_first_key_seen_before(keys):
    width = max((len(k) for k in keys), default=1) or 1
    raw = np.zeros((len(keys), width), np.uint8)
    for i, k in enumerate(keys):
        raw[i, :len(k)] = np.frombuffer(k, np.uint8)
    rows = np.arange(len(keys))[::-1].copy()              # visited in another order
    padded = [bytes(r) for r in raw[rows]]
    expected = next((i for i in range(len(rows)) if padded[i] in padded[:i]), -1)
    assert kernel.first_repeat(raw, rows) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 10**6),
                          st.booleans(), st.booleans(), st.integers(0, 3)), max_size=60),
       st.lists(st.integers(0, 3), min_size=5, max_size=5))
def test_balances_in_one_pass_equal_the_entries(rows, earliest):
    """The single pass in time order (fifo, pro_rata) gives, bit for bit, what the entries
    per account give (libr)."""
    rows, (src, dst, amount, t_src, t_dst) = _payments(rows)
    ts = np.array([r[5] for r in rows], dtype=np.int64)
    first_in = np.array(earliest, dtype=np.int64)
    out, into, first, i_after, b_after = kernel.entries(src, dst, amount, t_src, t_dst, 5)
    visit, _src_entry, dst_entry, balance, paid, base = kernel.visits(
        t_src, ts, first_in, src, amount, out, into, first, i_after, b_after)
    visit2, payee, balance2, paid2, base2 = kernel.balances(
        src, dst, amount, t_src, t_dst, ts, first_in, 5)
    assert visit2.tolist() == visit.tolist()
    assert payee.tolist() == (dst_entry >= 0).tolist()
    for got, expected in ((balance2, balance), (paid2, paid), (base2, base)):
        assert got.tobytes() == expected.tobytes()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 9)), max_size=40),
       st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 9),
                          st.integers(0, 9)), max_size=8),
       st.sets(st.tuples(st.integers(0, 2), st.integers(0, 3)), max_size=4))
def test_window_pairs_match_a_plain_join(payments, windows, own):
    """Each (payment, case) once, by payment then case: the payment leaves an account in one
    of the case's windows on it and does not go to another of the case's own accounts."""
    width = 5
    src, dst, ts = (np.array([p[i] for p in payments], dtype=np.int64) for i in range(3))
    w_account, w_case, w_start, w_end = (np.array([w[i] for w in windows], dtype=np.int64)
                                         for i in range(4))
    own_keys = np.array(sorted(c * width + a for c, a in own), dtype=np.int64)
    listed = np.zeros(width, dtype=bool)
    listed[own_keys % width] = True
    rows, cases = kernel.window_pairs(src, dst, ts, w_account, w_case, w_start, w_end,
                                      kernel.key_table(own_keys), own_keys, listed, width)
    expected = sorted({(r, c) for r, (s, d, t) in enumerate(payments)
                       for a, c, lo, hi in windows
                       if a == s and lo <= t <= hi and (c, d) not in own})
    assert list(zip(rows.tolist(), cases.tolist(), strict=True)) == expected
