"""Suspicion signals: each finds one pattern of the law or the typologies, per case.

Every signal returns rows of :data:`HIT_COLUMNS`: the case, the signal code, a strength in
[0, 1], the money involved, a one-sentence explanation (en and zh), the evidence ids (transfer
ids, title-transfer ids) and the rule ids whose window and test the act meets. The scorer
(:mod:`clawback.algorithms.score`) weighs them.

What is *not* concealment is designed in, not patched: support that continues what the debtor
paid before the window, support within a share of the debtor's own income, payments whose memo
says support, medical or living costs, sales to strangers at market value, and repayments to
unrelated lenders do not count.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clawback.algorithms.arrays import map_large_allocations
from clawback.algorithms.data import PortfolioData
from clawback.algorithms.tracing import CASH_PREFIX

__all__ = ["CONTEXT_ENABLER_MAX_TRANSFERS", "CONTEXT_MAX_TRANSFERS", "HIT_COLUMNS", "SIGNALS",
           "Context", "build_context", "community_context_hits", "depletion", "round_trips",
           "run_signals"]

HIT_COLUMNS = ["case_id", "signal", "strength", "amount", "explanation_en", "explanation_zh",
               "evidence", "rule_ids", "related"]

SUPPORT_WORDS = ("生活费", "赡养", "抚养", "孝敬", "学费", "医药", "医疗", "住院", "看病",
                 "家用", "support", "alimony", "tuition", "medical", "hospital", "allowance")
REPAYMENT_WORDS = ("还款", "还钱", "归还", "借款", "repay", "loan")
REPAID_WORDS = ("还款", "还钱", "归还", "偿还", "repay")
"""Memos that say a debt is repaid (借款, "loan", may as well be lending)."""
CHAIN = "→"
"""Joins the transfer ids of one traced chain in the evidence (ids themselves may hold '>')."""
CUSTOMARY_WORDS = ("红包", "压岁", "过年", "春节", "中秋", "节日", "生日", "份子", "礼金", "随礼",
                   "red envelope", "birthday", "festival", "wedding")
"""Memos of the customary gifts that flow both ways in a family (a red envelope from a parent
is not a loan, and one back is not its repayment)."""
_log = logging.getLogger(__name__)

GIFT_WORDS = ("赠与", "赠送", "赠予", "馈赠", "无偿", "gift", "donation")
PAY_WORDS = ("工资", "薪", "奖金", "劳务费", "报销", "分红", "salary", "payroll", "wage", "bonus",
             "owner draw", "reimburse", "dividend")
"""Memos of pay (a company paying its owner or employee): earned, never a loan to repay."""


@dataclass
class Context:
    """Everything the signals share: the cases with their anchors and windows, the related
    parties, and the debtors' transfers split by direction."""

    data: PortfolioData
    cases: pd.DataFrame      # case_id, debtor_id, jurisdiction, anchor, anchor_proxy,
                             # window_start, preference_start, preference_any_start,
                             # claim, claim_currency
    ties: pd.DataFrame       # debtor_id, party_id, category, path, strength, since, until
    out: pd.DataFrame        # debtors' outflows joined to their case (one row per case)
    inflow: pd.DataFrame     # debtors' inflows joined to their case
    params: dict = field(default_factory=dict)
    income: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))  # per case_id
    cache: dict = field(default_factory=dict)  # results shared by signals (the fund trace)
    holder_ids: pd.Index = field(default_factory=lambda: pd.Index([], dtype=object))
    # the flows' ``party_code``: the other end's holder, a position in ``holder_ids`` (-1 none)




def _pa(values: pd.Series) -> pa.Array:
    """A column as one Arrow array (zero-copy for Arrow-backed strings)."""
    arr = pa.array(values) if not isinstance(values.dtype, pd.CategoricalDtype) else pa.array(
        values.astype(object))
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _positions(values: pa.Array, pool: pa.Array) -> np.ndarray:
    """The position of each value in ``pool`` (unique values), -1 where absent or null."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(pool) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    if pool.type != values.type:
        pool = pool.cast(values.type)
    found = pc.index_in(values, value_set=pool, skip_nulls=True).fill_null(-1)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)


def _categorical(values: pa.Array) -> pd.Categorical:
    """Strings as a categorical (a copy or a filter then moves integer codes, not strings)."""
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    codes = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False),
                       dtype=np.int64)
    categories = pd.Index(encoded.dictionary.to_pylist(), dtype=object)
    return pd.Categorical.from_codes(codes, categories=categories)


def _as_categorical(values: pd.Series) -> pd.Categorical:
    """A string column as a categorical with object categories (one read from a store is one
    already: its codes are kept)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat = values.array
        return pd.Categorical.from_codes(
            np.asarray(cat.codes), categories=pd.Index(
                np.asarray(cat.categories, dtype=object), dtype=object))
    return _categorical(_pa(values))


def _flag(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(values.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def build_context(data: PortfolioData, ties: pd.DataFrame, windows: pd.DataFrame,
                  params: dict) -> Context:
    """``windows``: case_id, anchor, anchor_proxy, window_start (where the signals look back
    to), preference_start (the longest preference window for related creditors) and
    preference_any_start (the one for any creditor), from
    :mod:`clawback.algorithms.score` and the rule sets.

    The debtors' flows are built once, one row per flow and case of its debtor, with what the
    signals ask of every row: ``cash`` (a withdrawal, or a deposit in ``inflow``), ``own``
    (between the debtor's own accounts), ``win`` (in the look-back window) and the
    counterparty's tie to the debtor (``category``, ``path``, ``tie`` — its strength;
    ``related`` where there is one). ``out`` holds the counterparty in ``dst_holder``,
    ``inflow`` in ``src_holder`` (the debtor is ``debtor_id``). Strings that repeat (memo,
    currency, category, path, the claim's currency) are categoricals, and the ties are found
    by integer keys: a filter of millions of flows then copies integers, not strings."""
    cases = data.cases.merge(windows, on="case_id", how="inner")
    cases = cases[cases["anchor"].notna()].copy()
    # a proxy anchor (the filing date) reaches past itself by the expected acceptance lag
    cases["end"] = cases["anchor"] + pd.to_timedelta(
        cases["lag_days"].to_numpy(dtype=np.int64), unit="D")
    cases["baseline_start"] = cases["window_start"] - pd.DateOffset(months=12)
    cases["claim"] = cases["claim_amount"].fillna(0.0)
    cases["claim_currency"] = cases["currency"].astype("category")
    keep = ["case_id", "debtor_id", "jurisdiction", "anchor", "anchor_proxy", "end",
            "window_start", "preference_start", "preference_any_start", "baseline_start",
            "claim", "claim_currency"]
    cases = cases[keep].reset_index(drop=True)
    cases["ci"] = np.arange(len(cases))    # the case's row: flows carry it for bincounts
    t = data.transfers
    # debtors by integer code; each debtor's cases are rows starts[d] .. starts[d] + counts[d]
    # of ``by_debtor`` (in the cases' order)
    debtor_codes, debtors = pd.factorize(cases["debtor_id"])
    # (a case without a debtor has code -1: sorted first, and left out)
    by_debtor = np.argsort(debtor_codes, kind="stable")[int((debtor_codes < 0).sum()):]
    counts = np.bincount(debtor_codes[debtor_codes >= 0], minlength=len(debtors))
    starts = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64)
    debtor_pool = pa.array(np.asarray(debtors, dtype=object), pa.large_string())
    # ties as integer keys: debtor code * parties + party code
    tie = ties.drop_duplicates(["debtor_id", "party_id"]).reset_index(drop=True)
    tie_parties = pa.array(pd.unique(tie["party_id"].dropna().to_numpy(dtype=object)),
                           pa.large_string())
    n_parties = len(tie_parties) + 1
    tie_d = _positions(_pa(tie["debtor_id"]).cast(pa.large_string()), debtor_pool)
    tie_p = _positions(_pa(tie["party_id"]).cast(pa.large_string()), tie_parties)
    tie_index = pd.Index(np.where(tie_d >= 0, tie_d * n_parties + tie_p, -1 - np.arange(len(tie))))
    tie_category = pd.Categorical(tie["category"])
    tie_path = pd.Categorical(tie["path"])
    # the last slot (position -1): no tie
    tie_strength = np.append(tie["strength"].to_numpy(dtype=float), np.nan)
    case_columns = [c for c in keep if c not in ("jurisdiction", "anchor_proxy")] + ["ci"]
    # per account code (the last slot: a null account, which code -1 picks): the holder's
    # debtor code and tie-party code, and whether it is a cash stand-in
    holders = data.account_holders().cast(pa.large_string())
    acc_debtor = np.append(_positions(holders, debtor_pool), -1)
    acc_party = np.append(_positions(holders, tie_parties), -1)
    holder_codes = pc.dictionary_encode(holders)
    acc_holder = np.append(np.asarray(holder_codes.indices.fill_null(-1).to_numpy(
        zero_copy_only=False), dtype=np.int32), np.int32(-1))
    holder_ids = pd.Index(holder_codes.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    assert data.account_ids is not None
    acc_cash = np.append(_flag(pc.starts_with(pa.array(
        data.account_ids.to_numpy(dtype=object), pa.string()), CASH_PREFIX)), False)
    del holders
    # the repeating strings coded once for all the transfers (each flow takes its codes)
    currency_all = _as_categorical(t["currency"])
    memo_all = _as_categorical(t["memo"])
    withdrawal = ((t["channel"] == "cash_withdrawal").fillna(False).to_numpy(bool)
                  if "channel" in t.columns else np.zeros(len(t), dtype=bool))
    flows = []
    for mine, other in (("src_holder", "dst_holder"), ("dst_holder", "src_holder")):
        mine_code, other_code = (t[f"{end}_code"].to_numpy() for end in (
            ("src", "dst") if mine == "src_holder" else ("dst", "src")))
        d_all = acc_debtor[mine_code]
        rows = np.flatnonzero(d_all >= 0)
        d = d_all[rows]
        # one row per flow and case of its debtor, flows in the store's order
        n = counts[d]
        rows_rep = np.repeat(rows, n)
        offset = np.arange(len(rows_rep)) - np.repeat(np.cumsum(n) - n, n)
        case_rows = by_debtor[np.repeat(starts[d], n) + offset]
        d = np.repeat(d, n)
        cols: dict[str, Any] = {
            "transfer_id": t["transfer_id"].array.take(rows_rep),
            "amount": t["amount"].to_numpy(dtype=float)[rows_rep],
            "currency": currency_all.take(rows_rep),
            "date": t["date"].to_numpy()[rows_rep],
            "memo": memo_all.take(rows_rep),
            other: t[other].array.take(rows_rep),
        }
        for c in case_columns:
            cols[c] = cases[c].array.take(case_rows)
        other_rows = other_code[rows_rep]
        p = acc_party[other_rows]
        at = np.where(p >= 0, tie_index.get_indexer(d * n_parties + np.maximum(p, 0)), -1)
        cols["category"] = tie_category.take(at, allow_fill=True)
        cols["path"] = tie_path.take(at, allow_fill=True)
        cols["tie"] = tie_strength[at]
        own = acc_debtor[other_rows] == d       # the other end is the debtor's, too
        cols["own"] = own
        cash = acc_cash[other_rows]
        if mine == "src_holder":
            cash |= withdrawal[rows_rep]
        cols["cash"] = cash
        date = cols["date"]
        cols["win"] = ((date >= np.asarray(cols["window_start"]))
                       & (date <= np.asarray(cols["end"])))
        cols["related"] = (at >= 0) & ~own
        cols["party_code"] = acc_holder[other_rows]
        # one construction, the columns as they are (assigning them one by one copied each)
        flows.append(pd.DataFrame(cols, copy=False))
    ctx = Context(data, cases, ties, flows[0], flows[1], params, holder_ids=holder_ids)
    ctx.income = _income(ctx)
    return ctx


# -- helpers -----------------------------------------------------------------------------------
def _in(frame: pd.DataFrame, start: str, end: str = "end") -> pd.Series:
    return (frame["date"] >= frame[start]) & (frame["date"] <= frame[end])


def _months(end: pd.Series, start: pd.Series) -> pd.Series:
    """Months between two date columns (average month length), at least one."""
    return ((end - start).dt.days / 30.44).clip(lower=1.0)


def _arrow(values: Any) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, (set, frozenset)):
        values = sorted(values)
    if not isinstance(values, pd.Series):
        values = pd.Series(np.asarray(values, dtype=object), dtype=object)
    return pa.array(values)


def _isin(values: pd.Series, pool: Any) -> np.ndarray:
    """``values.isin(pool)`` through Arrow's hash set: pandas turns an Arrow string set into a
    Python list first, twenty times slower on a million ids."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    arr = _arrow(values)
    value_set = _arrow(pool)
    if len(value_set) == 0:
        return np.zeros(len(values), dtype=bool)
    if value_set.type != arr.type:
        if pa.types.is_null(arr.type):
            return np.zeros(len(values), dtype=bool)
        value_set = value_set.cast(arr.type)
    hit = pc.is_in(arr, value_set=value_set)
    return np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)


def _joined(columns: list[pd.Series]) -> pa.Array | pa.ChunkedArray:
    """Key columns as one Arrow string column, joined with a separator no id holds (null
    where any part is)."""
    arrays = [_arrow(c).cast(pa.large_string()) for c in columns]
    if len(arrays) == 1:
        return arrays[0]
    return pc.binary_join_element_wise(*arrays, pa.scalar("\x1f", pa.large_string()))


def _row_codes(keys: list[pd.Series], table: list[pd.Series]
               ) -> tuple[np.ndarray, np.ndarray]:
    """Each row of ``keys`` and of ``table`` as one integer: the positions of its values among
    each column's distinct values in ``table``, mixed radix. A key row with a null or a value
    the table lacks gets -1, a table row with a null a distinct number below -1: neither
    matches anything. Integer keys hash and compare without building joined strings."""
    k_code = np.zeros(len(keys[0]), dtype=np.int64)
    t_code = np.zeros(len(table[0]), dtype=np.int64)
    k_ok = np.ones(len(keys[0]), dtype=bool)
    t_ok = np.ones(len(table[0]), dtype=bool)
    for key, column in zip(keys, table, strict=True):
        k_arr, t_arr = _arrow(key), _arrow(column)
        k_arr = k_arr.combine_chunks() if isinstance(k_arr, pa.ChunkedArray) else k_arr
        t_arr = t_arr.combine_chunks() if isinstance(t_arr, pa.ChunkedArray) else t_arr
        if pa.types.is_null(t_arr.type):     # all null: no table row can match
            k_ok[:] = False
            t_ok[:] = False
            continue
        pool = pc.unique(t_arr.drop_null())
        at_table = _positions(t_arr, pool)
        at_key = (np.full(len(k_arr), -1, dtype=np.int64) if pa.types.is_null(k_arr.type)
                  else _positions(k_arr, pool))
        k_ok &= at_key >= 0
        t_ok &= at_table >= 0
        k_code = k_code * len(pool) + np.maximum(at_key, 0)
        t_code = t_code * len(pool) + np.maximum(at_table, 0)
    k_code[~k_ok] = -1
    t_code[~t_ok] = -2 - np.arange(int((~t_ok).sum()), dtype=np.int64)
    return k_code, t_code


def _index_in(keys: list[pd.Series], table: list[pd.Series]) -> np.ndarray:
    """The row of ``table`` (parallel key columns, unique rows) holding each row of ``keys``,
    -1 where none does (nulls never match)."""
    if len(keys[0]) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(table[0]) == 0:
        return np.full(len(keys[0]), -1, dtype=np.int64)
    if len(keys) == 1:
        found = pc.index_in(_joined(keys), value_set=_joined(table)).fill_null(-1)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)
    k_code, t_code = _row_codes(keys, table)
    at = pd.Index(t_code).get_indexer(k_code)
    return np.where(k_code >= 0, at, -1).astype(np.int64)


def _pairs_in(keys: list[pd.Series], pool: list[pd.Series]) -> np.ndarray:
    """Whether each row of the key columns ``keys`` is a row of ``pool`` (nulls never
    match)."""
    if len(keys[0]) == 0:
        return np.zeros(0, dtype=bool)
    if len(pool[0]) == 0:
        return np.zeros(len(keys[0]), dtype=bool)
    if len(keys) == 1:
        hit = pc.is_in(_joined(keys), value_set=_joined(pool))
        return np.asarray(hit.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    k_code, t_code = _row_codes(keys, pool)
    return (k_code >= 0) & np.isin(k_code, t_code)


def _memo_has(memo: pd.Series, words: tuple[str, ...]) -> pd.Series:
    """Whether each memo holds one of ``words`` (case-insensitive), in one pass."""
    if len(memo) == 0:
        return pd.Series(False, index=memo.index, dtype=bool)
    pattern = "|".join(re.escape(w) for w in words)
    if isinstance(memo.dtype, pd.CategoricalDtype):
        # each distinct memo once: a portfolio's memos repeat
        categories = memo.cat.categories
        said = np.zeros(len(categories) + 1, dtype=bool)
        if len(categories):
            said[:-1] = _flag(pc.match_substring_regex(
                pa.array(categories.to_numpy(dtype=object), pa.large_string()), pattern,
                ignore_case=True))
        return pd.Series(said[memo.cat.codes.to_numpy()], index=memo.index)
    hit = pc.match_substring_regex(_arrow(memo.astype(object).where(memo.notna(), "")),
                                   pattern, ignore_case=True)
    return pd.Series(np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool),
                     index=memo.index)


def _income(ctx: Context) -> pd.Series:
    """Median monthly inflow per case in the year before the window: the debtor's own scale."""
    i = ctx.inflow
    if i.empty:
        return pd.Series(np.zeros(len(ctx.cases)), index=ctx.cases["case_id"])
    base = ((i["date"] >= i["baseline_start"]) & (i["date"] < i["window_start"])).to_numpy(bool)
    month = i["date"].to_numpy("datetime64[M]")[base].astype(np.int64)
    monthly = pd.Series(_cents(i["amount"].to_numpy(float)[base])).groupby(
        [i["ci"].to_numpy()[base], month]).sum() / 100.0
    median = monthly.groupby(level=0).median()
    out = np.zeros(len(ctx.cases))
    out[median.index.to_numpy(dtype=np.int64)] = median.to_numpy(float)
    return pd.Series(out, index=ctx.cases["case_id"])


def _join_groups(frame: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """``frame.groupby(keys, sort=True)[column].agg(";".join)`` without a Python call per
    group: each group's values joined in the frame's order (sort the frame by ``column``
    first for id order). Rows with a missing key are left out, as groupby does."""
    f = frame[[*keys, column]].dropna(subset=keys)
    if f.empty:
        return frame.groupby(keys, sort=True)[column].agg(";".join)
    f = f.sort_values(keys, kind="stable")
    change = np.zeros(len(f), dtype=bool)
    change[0] = True
    for k in keys:
        codes = pd.factorize(f[k])[0]
        change[1:] |= codes[1:] != codes[:-1]
    starts = np.flatnonzero(change)
    ends = np.r_[starts[1:], len(f)]
    values = f[column].tolist()
    joined = [";".join(values[a:b]) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    first = f.iloc[starts]
    index = (pd.MultiIndex.from_frame(first[keys]) if len(keys) > 1
             else pd.Index(first[keys[0]]))
    return pd.Series(joined, index=index, name=column, dtype=object)


def _agg_joined(frame: pd.DataFrame, keys: list[str], column: str, name: str,
                **aggs: Any) -> pd.DataFrame:
    """``frame.groupby(keys, sort=True).agg(**aggs)`` plus ``name``: each group's ``column``
    values ``;``-joined in the frame's order (:func:`_join_groups`)."""
    g = frame.groupby(keys, sort=True).agg(**aggs)
    g[name] = _join_groups(frame, keys, column)
    return g


def _names(ctx: Context) -> pd.Series:
    """Party id -> display name, built once per context."""
    if "names" not in ctx.cache:
        ctx.cache["names"] = ctx.data.names()
    return ctx.cache["names"]


def _fmt_money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.0f}"


def _cents(amount: pd.Series | np.ndarray) -> np.ndarray:
    """Amounts rounded to whole cents, as floats: their sums are exact (below 2**53 cents), so
    they do not depend on the order the store returned the rows in; divide by 100 after."""
    return np.round(np.asarray(amount, dtype=float) * 100.0)


def _materiality(amount: pd.Series, claim: pd.Series, full_share: float) -> pd.Series:
    """Strength of an act from its amount relative to the claim: an act the law reaches counts
    half on its own, the other half grows with the amount up to ``full_share`` of the claim;
    below 2 % of the claim an act is immaterial and does not count."""
    share = amount / claim.clip(lower=1.0)
    return (0.5 + 0.5 * (share / full_share).clip(0.0, 1.0)).where(share >= 0.02, 0.0)


def _hits(frame: pd.DataFrame, signal: str, en: pd.Series, zh: pd.Series,
          rule_ids: str | pd.Series, related: bool | pd.Series = True) -> pd.DataFrame:
    """Hit rows; ``rule_ids`` holds the act (the scorer resolves it to rule ids) and
    ``related`` whether the counterparty is a related party (insider-only rules apply)."""
    if frame.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    return pd.DataFrame({
        "case_id": frame["case_id"].to_numpy(), "signal": signal,
        "strength": frame["strength"].to_numpy(dtype=float),
        "amount": frame["amount"].to_numpy(dtype=float),
        "explanation_en": en.to_numpy(), "explanation_zh": zh.to_numpy(),
        "evidence": frame["evidence"].to_numpy(),
        "rule_ids": rule_ids if isinstance(rule_ids, str) else rule_ids.to_numpy(),
        "related": related if isinstance(related, bool) else related.to_numpy(dtype=bool),
    })


def _own_company(path: pd.Series) -> np.ndarray:
    """Whether each tie is to a company the debtor holds, leads or directs (path ``self>``):
    not a related party for the signals of transfers to relatives (the debtor's shares or
    claims stay in the estate). On a categorical, decided once per category."""
    if isinstance(path.dtype, pd.CategoricalDtype):
        cats = np.asarray(path.cat.categories.astype(str).str.startswith("self>"), dtype=bool)
        codes = path.cat.codes.to_numpy()
        return (codes >= 0) & np.append(cats, False)[codes]
    return path.astype(str).str.startswith("self>").to_numpy(bool) & path.notna().to_numpy()


def _related_out(ctx: Context) -> pd.DataFrame:
    """Debtors' outflows to related parties (not to their own accounts), with the tie
    (``party_id``, ``category``, ``path``, ``strength``)."""
    o = ctx.out[ctx.out["related"].to_numpy(bool)]
    return o.assign(party_id=o["dst_holder"], strength=o["tie"])


# -- signals -----------------------------------------------------------------------------------
def related_transfers(ctx: Context) -> pd.DataFrame:
    """S01: money moved to related parties in the look-back window, beyond ordinary support.

    Per related party: the window total, less what continues the debtor's own pre-window
    payments to that party (their monthly rate over the year before, with 50 % headroom) or
    stays within support (memo says support, medical or living costs, and the monthly rate is
    within 30 % of the debtor's own income) or that the party paid on to medical care
    (:func:`_paid_on_to_care`). The excess counts, weighted by the tie's strength.
    """
    r = _related_out(ctx)
    # money into the debtor's own company buys the debtor shares, which stay in the estate
    r = r[~_own_company(r["path"])]
    ctx.cache["beyond_support"] = pd.DataFrame(columns=["case_id", "amount", "evidence"])
    if r.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    window = r[_in(r, "window_start")].copy()
    # A repayment inside the preference window is S09's. One before it counts here as far as
    # the party is not shown to have lent the debtor that much: repaying a debt the records
    # do not hold is a transfer for nothing (EBL 31(1); § 548), whatever the memo says.
    repay = _memo_has(window["memo"], REPAYMENT_WORDS).to_numpy(bool)
    keep = ~(repay & (window["date"] >= window["preference_start"]).to_numpy(bool))
    window, repay = window[keep], repay[keep]
    window["support"] = _memo_has(window["memo"], SUPPORT_WORDS).astype(float)
    window["cents"] = _cents(window["amount"])
    window["repaid"] = np.where(repay, window["cents"].to_numpy(), 0.0)
    before = r[(r["date"] >= r["baseline_start"]) & (r["date"] < r["window_start"])]
    keys = ["case_id", "dst_holder"]
    # sums in cents: exact, whatever order the store gave the rows in
    pre = before.assign(cents=_cents(before["amount"])).groupby(keys)["cents"].sum() / 1200.0
    agg = window.groupby(keys, sort=True).agg(
        total=("cents", "sum"), repaid=("repaid", "sum"), n=("amount", "size"),
        support_share=("support", "mean"))
    # what the party lent the debtor (its payments in, support and customary gifts aside)
    # before the anchor backs the repayments; the rest of them stands as transfers
    inflow = ctx.inflow
    loans = inflow[inflow["related"].to_numpy(bool)
                   & (inflow["date"] <= inflow["end"]).to_numpy(bool)
                   & ~_memo_has(inflow["memo"], SUPPORT_WORDS + CUSTOMARY_WORDS
                                + PAY_WORDS).to_numpy(bool)]
    backed = loans.assign(cents=_cents(loans["amount"])).groupby(
        ["case_id", "src_holder"])["cents"].sum()
    backed.index.names = keys
    backing = np.nan_to_num(backed.reindex(agg.index).to_numpy(float))
    agg["total"] = (agg["total"] - np.minimum(agg["repaid"], backing)) / 100.0
    # the tie is one per (debtor, party) and the window one per case: any row tells them
    same = window.drop_duplicates(keys).set_index(keys)[
        ["category", "path", "strength", "window_start", "anchor", "claim", "claim_currency"]]
    agg = agg.join(same).rename(columns={"claim_currency": "currency"}).reset_index()
    months = _months(agg["anchor"], agg["window_start"])
    pre_rate = np.nan_to_num(pre.reindex(pd.MultiIndex.from_frame(agg[keys])).to_numpy(float))
    income = agg["case_id"].map(ctx.income).astype(float).fillna(0.0)
    # What an honest debtor's family life explains: continuing what was paid before the window
    # (50 % headroom), support within 30 % of income when the memos say support, and customary
    # gifts (weddings, festivals) of one month's income per relative per year.
    continued = 1.5 * pre_rate * months
    support = np.where(agg["support_share"] >= 0.5, 0.3 * income * months, 0.0)
    customary = income * months / 12.0
    # money the party had lent the debtor before the window comes back as repayment (S09)
    lender = inflow[inflow["related"].to_numpy(bool)
                    & (inflow["date"] < inflow["window_start"]).to_numpy(bool)]
    lent = lender.assign(cents=_cents(lender["amount"])).groupby(
        ["case_id", "src_holder"])["cents"].sum() / 100.0
    owed = np.nan_to_num(lent.reindex(pd.MultiIndex.from_frame(agg[keys])).to_numpy(float))
    care = _paid_on_to_care(ctx, window).reindex(pd.MultiIndex.from_frame(agg[keys]))
    agg["amount"] = (agg["total"] - np.maximum(continued, support) - customary
                     - owed - np.nan_to_num(care.to_numpy(float))).clip(lower=0.0)
    agg = agg[agg["amount"] > 0]
    # the evidence of what is left: the window's transfers of those pairs, in id order
    rows = window[[*keys, "transfer_id"]].merge(agg[keys], on=keys)
    evidence = _join_groups(rows.sort_values("transfer_id"), keys, "transfer_id")
    agg = agg.assign(evidence=evidence.reindex(pd.MultiIndex.from_frame(agg[keys])).to_numpy())
    ctx.cache["beyond_support"] = agg[["case_id", "amount", "evidence"]]
    if agg.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    names = _names(ctx)
    agg["strength"] = _materiality(agg["amount"], agg["claim"], 0.25) * agg["strength"]
    agg = agg[agg["strength"] > 0]
    who = agg["dst_holder"].map(names).fillna(agg["dst_holder"])
    money = [_fmt_money(a, c) for a, c in zip(agg["amount"], agg["currency"], strict=True)]
    en = pd.Series([f"{m} beyond ordinary support went to {w} ({c}: {p}) in {n} transfers "
                    f"within the look-back window"
                    for m, w, c, p, n in zip(money, who, agg["category"], agg["path"], agg["n"],
                                             strict=True)], index=agg.index)
    zh = pd.Series([f"回溯期内向{w}（{c}：{p}）转账{n}笔，超出正常扶养部分{m}"
                    for m, w, c, p, n in zip(money, who, agg["category"], agg["path"], agg["n"],
                                             strict=True)], index=agg.index)
    return _hits(agg, "S01", en, zh, "gratuitous_transfer")


# names of hospitals, clinics and other medical providers
_CARE = r"医院|卫生院|卫生服务|诊所|门诊|医疗|药房|药店|hospital|clinic|medical|pharmacy|health"


def _paid_on_to_care(ctx: Context, window: pd.DataFrame) -> pd.Series:
    """Per (case, party): what the party paid medical providers (by their names) within 30
    days after receiving the debtor's money, the provider's payments counted once. A parent's
    hospital bill paid through the parent is support (Civil Code 1067), not concealment."""
    companies = ctx.data.companies
    care = companies.loc[companies["name"].astype(str).str.contains(
        _CARE, case=False, regex=True).to_numpy(bool), "company_id"]
    keys = ["case_id", "dst_holder"]
    if care.empty or window.empty:
        return pd.Series(dtype=float, index=pd.MultiIndex.from_arrays([[], []], names=keys))
    t = ctx.data.transfers
    paid = t.loc[_isin(t["dst_holder"], care) & _isin(t["src_holder"], window["dst_holder"]),
                 ["transfer_id", "src_holder", "amount", "date"]]
    got = window[[*keys, "date"]].merge(paid, left_on="dst_holder", right_on="src_holder",
                                        suffixes=("", "_care"))
    got = got[(got["date_care"] >= got["date"])
              & (got["date_care"] <= got["date"] + pd.Timedelta(days=30))]
    got = got.drop_duplicates([*keys, "transfer_id"])
    return got.groupby(keys)["amount"].sum()


def _names_of(ctx: Context, parties: set[str]) -> dict[str, str]:
    """The display names of ``parties`` (those without one are left out): looked up by an
    Arrow hash join rather than through a dict of every party's name, which at a million
    parties held 200 MB in each process that explains findings."""
    if not parties:
        return {}
    if "name_ids" not in ctx.cache:
        names = _names(ctx)
        names = names[~names.index.duplicated(keep="last")]     # as a dict of them would
        ctx.cache["name_ids"] = (pa.array(names.index.to_numpy(dtype=object), pa.string()),
                                 names)
    ids, names = ctx.cache["name_ids"]
    wanted = sorted(parties)
    position = _positions(pa.array(wanted, pa.string()), ids)
    found = position >= 0
    values = names.iloc[position[found]].tolist()
    return dict(zip(np.asarray(wanted, dtype=object)[found].tolist(), values, strict=True))


def _describe(frame: pd.DataFrame, ctx: Context, en_fmt, zh_fmt) -> tuple[pd.Series, pd.Series]:
    rows = frame.to_dict("records")
    keys = ("party", "dst_holder", "seller", "shell", "via")
    name_of = _names_of(ctx, {row[k] for row in rows for k in keys
                              if k in row and isinstance(row[k], str)})
    for row in rows:
        row["money"] = _fmt_money(row["amount"], row.get("currency") or "")
        for k in ("party", "dst_holder", "seller", "shell", "via"):
            if k in row and isinstance(row[k], str):
                row[k + "_name"] = name_of.get(row[k], row[k])
    return (pd.Series([en_fmt(r) for r in rows], index=frame.index),
            pd.Series([zh_fmt(r) for r in rows], index=frame.index))


def _emit(frame: pd.DataFrame, ctx: Context, signal: str, act: str | pd.Series,
          en_fmt: Any, zh_fmt: Any, related: bool | pd.Series = True) -> pd.DataFrame:
    """The hits of the rows with a strength, explained in both languages."""
    frame = frame[frame["strength"] > 0]
    if frame.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    if isinstance(act, pd.Series):
        act = act.loc[frame.index]
    if isinstance(related, pd.Series):
        related = related.loc[frame.index]
    en, zh = _describe(frame, ctx, en_fmt, zh_fmt)
    return _hits(frame, signal, en, zh, act, related)


def _day(value: Any) -> str:
    return "?" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _tie_text(r: dict) -> str:
    return f" ({r['category']}: {r['path']})" if isinstance(r.get("category"), str) else ""


def _conveyance_en(r: dict) -> str:
    terms = "for nothing" if r["gift"] else f"for {r['ratio']:.0%} of its value"
    return (f"{r['property_id']} conveyed on {_day(r['date'])} to {r['party_name']}"
            f"{_tie_text(r)} {terms}: {r['money']} below market")


def _conveyance_zh(r: dict) -> str:
    terms = "无偿" if r["gift"] else f"以市值{r['ratio']:.0%}的价格"
    return (f"{_day(r['date'])}将财产{r['property_id']}{terms}转让给{r['party_name']}，"
            f"低于市值{r['money']}")


def conveyances(ctx: Context) -> pd.DataFrame:
    """S02: property conveyed by the debtor for no or too little consideration.

    To a related party: any price below 90 % of market value (the 70 % line of the Contract
    Interpretation Art. 42 does not bind between relatives); a missing or zero price is a gift.
    To a stranger: below 70 %. Distress sales at market value never count.
    """
    titles = ctx.data.titles.dropna(subset=["from_party"])
    t = titles.merge(ctx.cases, left_on="from_party", right_on="debtor_id", how="inner")
    t = t[_in(t, "window_start")]
    t = t.merge(ctx.ties, left_on=["debtor_id", "to_party"], right_on=["debtor_id", "party_id"],
                how="left")
    t = _through_straw_buyers(t, titles, ctx.ties)
    value = t["market_value"].fillna(0.0) * t["share"].fillna(1.0)
    price = t["price"].fillna(0.0)
    ratio = np.where(value > 0, price / value.where(value > 0, 1.0), 1.0)
    related = t["category"].notna()
    flagged = (value > 0) & ((related & (ratio < 0.9)) | (~related & (ratio < 0.7)))
    t = t.assign(amount=(value - price).clip(lower=0.0), ratio=ratio)[flagged]
    if t.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    # a gift is revocable whoever receives it (EBL 31(1), CC 538); a low price to a stranger
    # needs the buyer's knowledge under CC 539, so it weighs less
    gift = t["price"].fillna(0.0) <= 0
    weight = np.where(gift, 1.0, np.where(t["category"].notna(), t["strength"].fillna(0.6), 0.6))
    t = t.assign(strength=_materiality(t["amount"], t["claim"], 0.25) * weight,
                 evidence=t["title_transfer_id"] + t["onward_id"].fillna(""),
                 party=t["onward_party"].fillna(t["to_party"]),
                 currency=t["claim_currency"], gift=t["price"].fillna(0.0) <= 0)
    rules = np.where(t["gift"], "gratuitous_transfer", "below_value_sale")
    return _emit(t, ctx, "S02", pd.Series(rules, index=t.index), _conveyance_en,
                 _conveyance_zh, related=t["category"].notna())


STRAW_DAYS = 365
"""A title the debtor conveyed to someone unrelated who conveyed it on to one of the debtor's
related parties within this many days went, in substance, to that party (S02)."""


def _through_straw_buyers(t: pd.DataFrame, titles: pd.DataFrame, ties: pd.DataFrame
                          ) -> pd.DataFrame:
    """The debtor's conveyances to unrelated buyers that passed the property on to a related
    party of the debtor within :data:`STRAW_DAYS`: their tie becomes that party's (the path
    names the buyer in between), ``onward_party`` the party and ``onward_id`` the second
    title, joined to the first in the evidence. The price judged is still what the debtor got
    (EBL 31: an indirect transfer to an insider is judged as a direct one)."""
    t = t.assign(onward_party=pd.Series(None, index=t.index, dtype=object),
                 onward_id=pd.Series(None, index=t.index, dtype=object))
    straw = t[t["category"].isna()]
    if straw.empty:
        return t
    later = titles[["property_id", "from_party", "to_party", "date", "title_transfer_id"]].rename(
        columns={"from_party": "via", "to_party": "final", "date": "date2",
                 "title_transfer_id": "tid2"})
    m = straw[["title_transfer_id", "property_id", "to_party", "date", "debtor_id"]].reset_index(
        ).merge(later, left_on=["property_id", "to_party"], right_on=["property_id", "via"])
    m = m[(m["date2"] > m["date"]) & (m["date2"] <= m["date"] + pd.Timedelta(days=STRAW_DAYS))]
    m = m.merge(ties[["debtor_id", "party_id", "category", "path", "strength"]],
                left_on=["debtor_id", "final"], right_on=["debtor_id", "party_id"])
    if m.empty:
        return t
    m = m.sort_values(["index", "date2", "tid2"], kind="stable").drop_duplicates("index")
    at = m["index"].to_numpy()
    t.loc[at, "category"] = m["category"].to_numpy()
    t.loc[at, "path"] = (m["to_party"] + " (straw buyer)>" + m["path"].astype(str)).to_numpy()
    t.loc[at, "strength"] = m["strength"].to_numpy()
    t.loc[at, "onward_party"] = m["final"].to_numpy()
    t.loc[at, "onward_id"] = (CHAIN + m["tid2"]).to_numpy()
    return t


def nominee_purchases(ctx: Context) -> pd.DataFrame:
    """S03: property titled to a related party but paid for with the debtor's money.

    The debtor paid the seller (directly, or through the new owner within 60 days) in the 90 days
    before the title date; for a first acquisition (a new flat or car, no seller on the title)
    the debtor's payments to one company in those 90 days add up to the price (±20 %). The
    amount counted is at most the price.
    """
    titles = ctx.data.titles
    t = titles.merge(ctx.ties, left_on="to_party", right_on="party_id", how="inner")
    t = t.merge(ctx.cases, on="debtor_id", how="inner")
    t = t[(t["date"] >= t["window_start"] - pd.DateOffset(months=3)) & (t["date"] <= t["end"])]
    # a title the debtor gave up is a conveyance (S02's), not a purchase with the debtor's
    # money: the relative paying the debtor the price is the sale itself
    t = t[t["from_party"].isna() | (t["from_party"] != t["debtor_id"])]
    if t.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    # only the cases with such a title: a merge copies and hashes every row it is given
    out = ctx.out
    o = out.loc[_isin(out["case_id"], t["case_id"].unique()),
                ["case_id", "transfer_id", "dst_holder", "amount", "date"]].rename(columns={
        "transfer_id": "paid_id", "dst_holder": "payee", "amount": "amount_paid",
        "date": "date_paid"})
    direct = t.merge(o[_isin(o["payee"], t["from_party"].dropna().unique())],
                     left_on=["case_id", "from_party"], right_on=["case_id", "payee"])
    direct = direct.assign(transfer_id=direct["paid_id"])
    # via the new owner: debtor -> relative, then relative -> seller within 60 days
    tr = ctx.data.transfers
    t2 = tr.loc[_isin(tr["src_holder"], t["to_party"].unique()),
                ["transfer_id", "src_holder", "dst_holder", "amount", "date"]].rename(
        columns={"transfer_id": "on_id", "src_holder": "on_src", "dst_holder": "on_dst",
                 "amount": "amount_on", "date": "date_on"})
    hop = t.merge(o[_isin(o["payee"], t["to_party"].unique())],
                  left_on=["case_id", "to_party"], right_on=["case_id", "payee"])
    hop = hop.merge(t2, left_on=["to_party", "from_party"], right_on=["on_src", "on_dst"])
    hop = hop[(hop["date_on"] >= hop["date_paid"])
              & (hop["date_on"] <= hop["date_paid"] + pd.Timedelta(days=60))]
    hop = hop.assign(amount_paid=np.minimum(hop["amount_paid"], hop["amount_on"]),
                     transfer_id=hop["paid_id"] + CHAIN + hop["on_id"])
    # first acquisitions: the debtor's payments to one company add up to the price
    new = t[t["from_party"].isna() & (t["price"] > 0)]
    companies = set(ctx.data.companies["company_id"])
    to_co = o[_isin(o["payee"], companies)]
    cand = new.merge(to_co, on="case_id")
    cand = cand[(cand["date_paid"] <= cand["date"])
                & (cand["date_paid"] >= cand["date"] - pd.Timedelta(days=90))]
    sums = cand.groupby(["case_id", "title_transfer_id", "payee"])["amount_paid"].transform("sum")
    bought = cand[(sums >= 0.8 * cand["price"]) & (sums <= 1.2 * cand["price"])]
    bought = bought.assign(transfer_id=bought["paid_id"])
    paid = pd.concat([direct, hop, bought], ignore_index=True)
    paid = paid[(paid["date_paid"] <= paid["date"])
                & (paid["date_paid"] >= paid["date"] - pd.Timedelta(days=90))]
    if paid.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    g = _agg_joined(
        paid.sort_values("transfer_id"), ["case_id", "title_transfer_id"], "transfer_id",
        "evidence", paid=("amount_paid", "sum"), price=("price", "first"),
        property_id=("property_id", "first"),
        party=("to_party", "first"), category=("category", "first"), path=("path", "first"),
        tie=("strength", "first"), date=("date", "first"), claim=("claim", "first"),
        currency=("claim_currency", "first")).reset_index()
    g["amount"] = np.minimum(g["paid"], g["price"].fillna(g["paid"]))
    g["evidence"] = g["title_transfer_id"] + ";" + g["evidence"]
    g["strength"] = _materiality(g["amount"], g["claim"], 0.25) * g["tie"]
    return _emit(g, ctx, "S03", "transfer_with_intent",
        lambda r: (f"{r['property_id']} was titled to {r['party_name']}{_tie_text(r)} on "
                   f"{_day(r['date'])}, paid with {r['money']} of the debtor's money"),
        lambda r: (f"财产{r['property_id']}于{_day(r['date'])}登记在{r['party_name']}名下，"
                   f"但由债务人出资{r['money']}"))


def divorce_transfers(ctx: Context) -> pd.DataFrame:
    """S04: a divorce in the look-back window (or the year before it) with money or property
    going to the former spouse from six months before the divorce on (Marriage and Family
    Interpretation II Art. 3: the property clauses can be revoked). A division is not a gift
    as far as the former spouse paid the debtor for it (a compensation, 折价款): what came back
    from them over the same time is netted out; child support (Civil Code 1085) is not
    counted: a month's payments within 30 % of the debtor's monthly income, or payments the
    memo calls support, each within it."""
    ex = ctx.ties[(ctx.ties["category"] == "former_spouse") & ctx.ties["until"].notna()]
    ex = ex.merge(ctx.cases, on="debtor_id")
    ex = ex[(ex["until"] >= ex["window_start"] - pd.DateOffset(years=1))
            & (ex["until"] <= ex["end"])]
    if ex.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    from_date = ex["until"] - pd.DateOffset(months=6)
    ex = ex.assign(from_date=from_date)
    out = ctx.out
    o = out.loc[_pairs_in([out["case_id"], out["dst_holder"]], [ex["case_id"], ex["party_id"]]),
                ["case_id", "transfer_id", "dst_holder", "amount", "date", "memo"]]
    money = ex.merge(o, left_on=["case_id", "party_id"], right_on=["case_id", "dst_holder"])
    money = money[(money["date"] >= money["from_date"]) & (money["date"] <= money["end"])]
    income = money["case_id"].map(ctx.income).astype(float).fillna(0.0).to_numpy(float)
    month = money["date"].to_numpy("datetime64[M]")
    monthly = money.groupby([money["case_id"].to_numpy(), money["party_id"].to_numpy(), month]
                            )["amount"].transform("sum").to_numpy(float)
    support = (monthly <= 0.3 * income) | (
        _memo_has(money["memo"].astype(object).fillna(""), SUPPORT_WORDS).to_numpy(bool)
        & (money["amount"].to_numpy(float) <= 0.3 * income))
    money = money[~support]
    money = money.assign(value=money["amount"], evidence=money["transfer_id"])
    titles = ctx.data.titles.dropna(subset=["from_party"])
    prop = ex.merge(titles, left_on=["debtor_id", "party_id"],
                    right_on=["from_party", "to_party"], suffixes=("", "_t"))
    prop = prop[(prop["date"] >= prop["from_date"]) & (prop["date"] <= prop["end"])]
    prop = prop.assign(value=(prop["market_value"].fillna(0) * prop["share"].fillna(1.0)
                              - prop["price"].fillna(0)).clip(lower=0),
                       evidence=prop["title_transfer_id"])
    both = pd.concat([money[["case_id", "party_id", "value", "evidence"]],
                      prop[["case_id", "party_id", "value", "evidence"]]], ignore_index=True)
    if both.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    g = _agg_joined(both.sort_values("evidence"), ["case_id", "party_id"], "evidence",
                    "evidence", amount=("value", "sum")).reset_index()
    g = g.merge(ex[["case_id", "party_id", "until", "from_date", "end", "claim",
                    "claim_currency"]],
                on=["case_id", "party_id"]).rename(columns={"party_id": "party",
                                                            "claim_currency": "currency"})
    i = ctx.inflow
    back = g.merge(i.loc[_pairs_in([i["case_id"], i["src_holder"]], [g["case_id"], g["party"]]),
                         ["case_id", "src_holder", "amount", "date"]],
                   left_on=["case_id", "party"], right_on=["case_id", "src_holder"],
                   suffixes=("", "_back"))
    back = back[(back["date"] >= back["from_date"]) & (back["date"] <= back["end"])]
    returned = back.groupby(["case_id", "party"])["amount_back"].sum()
    g["amount"] = (g["amount"] - np.nan_to_num(returned.reindex(
        pd.MultiIndex.from_frame(g[["case_id", "party"]])).to_numpy(float))).clip(lower=0.0)
    g = g[g["amount"] > 0]
    if g.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    g["strength"] = _materiality(g["amount"], g["claim"], 0.2)
    return _emit(g, ctx, "S04", "divorce_division",
        lambda r: (f"divorced {r['party_name']} on {_day(r['until'])}, then {r['money']} in "
                   f"money and property went to the former spouse (net of what they paid "
                   "back)"),
        lambda r: (f"{_day(r['until'])}与{r['party_name']}离婚，前后向前配偶转移资金及财产"
                   f"{r['money']}（已扣除对方支付的款项）"))


def relative_shells(ctx: Context) -> pd.DataFrame:
    """S05: a company the debtor's family controls, incorporated in the two years before the
    anchor, receiving the debtor's money in the window; and, more weakly, a company with no
    recorded tie incorporated in the year before the anchor (:func:`_fresh_companies`)."""
    frames = [f for f in (_family_shells(ctx), _fresh_companies(ctx)) if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=HIT_COLUMNS)


def _fresh_companies(ctx: Context) -> pd.DataFrame:
    """Money to a company with no recorded tie to the debtor, incorporated in the year before
    the anchor: net of what it paid back in the window, and more than three months of the
    debtor's income. A fresh company taking an insolvent debtor's money is how assets are
    parked with owners the registries do not link to the debtor (nominees, unrecorded
    relatives); a real new supplier is possible, so it counts half a family shell's."""
    comp = ctx.data.companies[["company_id", "incorporation_date"]].dropna()
    out = ctx.out
    o = out[out["win"].to_numpy(bool) & ~out["own"].to_numpy(bool)
            & out["category"].isna().to_numpy(bool)
            & _isin(out["dst_holder"], comp["company_id"])]
    if o.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    o = o.merge(comp, left_on="dst_holder", right_on="company_id")
    o = o[(o["incorporation_date"] >= o["anchor"] - pd.DateOffset(years=1))
          & (o["incorporation_date"] <= o["end"])]
    if o.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    keys = ["case_id", "dst_holder"]
    g = _agg_joined(
        o.sort_values("transfer_id"), keys, "transfer_id", "evidence",
        paid=("amount", "sum"), n=("amount", "size"), inc=("incorporation_date", "first"),
        claim=("claim", "first"), currency=("claim_currency", "first")).reset_index()
    back = ctx.inflow[ctx.inflow["win"].to_numpy(bool)].groupby(
        ["case_id", "src_holder"])["amount"].sum()
    returned = np.nan_to_num(back.reindex(pd.MultiIndex.from_frame(g[keys])).to_numpy(float))
    g["amount"] = (g["paid"] - returned).clip(lower=0.0)
    g = g[g["amount"] > 3.0 * g["case_id"].map(ctx.income).astype(float).fillna(0.0)]
    if g.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    g = g.rename(columns={"dst_holder": "shell"})
    g["strength"] = _materiality(g["amount"], g["claim"], 0.2) * 0.5
    return _emit(g, ctx, "S05", "transfer_with_intent",
        lambda r: (f"{r['money']} (net) went to {r['shell_name']} in {r['n']} transfers, a "
                   f"company incorporated on {_day(r['inc'])} with no recorded tie to the "
                   "debtor"),
        lambda r: (f"向{_day(r['inc'])}新设、与债务人无登记关联的{r['shell_name']}转账"
                   f"{r['n']}笔，净额{r['money']}"),
        related=False)


def _family_shells(ctx: Context) -> pd.DataFrame:
    # the debtor's own companies are not the family's: the debtor's shares stay in the estate
    # (money moved on from them to relatives is traced, S08)
    aff = ctx.ties[(ctx.ties["category"] == "affiliate")
                   & ~_own_company(ctx.ties["path"])]
    comp = ctx.data.companies[["company_id", "incorporation_date"]]
    aff = aff.merge(comp, left_on="party_id", right_on="company_id").merge(ctx.cases,
                                                                         on="debtor_id")
    aff = aff[(aff["incorporation_date"] >= aff["anchor"] - pd.DateOffset(years=2))
              & (aff["incorporation_date"] <= aff["end"])]
    if aff.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    out = ctx.out
    o = out.loc[out["win"].to_numpy(bool) & _pairs_in([out["case_id"], out["dst_holder"]],
                                                      [aff["case_id"], aff["party_id"]]),
                ["case_id", "transfer_id", "dst_holder", "amount"]]
    m = aff.merge(o, left_on=["case_id", "party_id"], right_on=["case_id", "dst_holder"])
    if m.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    g = _agg_joined(
        m.sort_values("transfer_id"), ["case_id", "party_id"], "transfer_id", "evidence",
        amount=("amount", "sum"), path=("path", "first"), inc=("incorporation_date", "first"),
        claim=("claim", "first"), currency=("claim_currency", "first")).reset_index()
    g = g.rename(columns={"party_id": "shell"})
    g["strength"] = _materiality(g["amount"], g["claim"], 0.2)
    return _emit(g, ctx, "S05", "transfer_with_intent",
        lambda r: (f"{r['money']} went to {r['shell_name']}, a company incorporated on "
                   f"{_day(r['inc'])} and controlled through {r['path']}"),
        lambda r: (f"向{r['shell_name']}（{_day(r['inc'])}设立，经{r['path']}控制）转入"
                   f"{r['money']}"))


def _cash(frame: pd.DataFrame) -> pd.Series:
    if "cash" in frame.columns:
        return frame["cash"].astype(bool)
    return frame["dst"].str.startswith("cash:") | (frame["channel"] == "cash_withdrawal")


def cash_spikes(ctx: Context) -> pd.DataFrame:
    """S06: cash withdrawn in the window far above the debtor's own monthly baseline (the
    year before the window): the excess over three times the baseline rate counts."""
    o = ctx.out[_cash(ctx.out)]
    window = o[_in(o, "window_start")]
    base = o[(o["date"] >= o["baseline_start"]) & (o["date"] < o["window_start"])]
    w = _agg_joined(
        window.sort_values("transfer_id"), ["case_id"], "transfer_id", "evidence",
        total=("amount", "sum"), n=("amount", "size"), anchor=("anchor", "first"),
        start=("window_start", "first"),
        claim=("claim", "first"), currency=("claim_currency", "first")).reset_index()
    rate = (base.groupby("case_id")["amount"].sum() / 12.0).reindex(w["case_id"]).fillna(0.0)
    months = _months(w["anchor"], w["start"])
    income = w["case_id"].map(ctx.income).astype(float).fillna(0.0)
    allowance = np.maximum(3.0 * rate.to_numpy() * months, 0.2 * income * months)
    w["amount"] = (w["total"] - allowance).clip(lower=0.0)
    w["baseline"] = rate.to_numpy()
    w["strength"] = _materiality(w["amount"], w["claim"], 0.25)
    return _emit(w, ctx, "S06", "concealment",
                 lambda r: (f"{r['n']} cash withdrawals in the window, {r['money']} above "
                            "three times the debtor's own monthly cash baseline"),
                 lambda r: f"回溯期内取现{r['n']}笔，超出本人此前月均取现三倍的部分为{r['money']}",
                 related=False)


def structuring(ctx: Context) -> pd.DataFrame:
    """S07: repeated cash withdrawals just under a reporting line (CNY 50,000 large-cash
    reporting; USD 10,000 currency transaction reports): three or more in the window."""
    o = ctx.out[_cash(ctx.out) & _in(ctx.out, "window_start")]
    line = np.where(o["currency"] == "USD", 10_000.0, 50_000.0)
    near = o[(o["amount"] >= 0.8 * line) & (o["amount"] < line)]
    g = _agg_joined(
        near.sort_values("transfer_id"), ["case_id"], "transfer_id", "evidence",
        n=("amount", "size"), amount=("amount", "sum"), claim=("claim", "first"),
        currency=("claim_currency", "first")).reset_index()
    g = g[g["n"] >= 3]
    g["strength"] = (g["n"] / 6.0).clip(upper=1.0) * _materiality(g["amount"], g["claim"], 0.1)
    return _emit(g, ctx, "S07", "concealment",
                 lambda r: (f"{r['n']} cash withdrawals just under the reporting line "
                            f"({r['money']} in all)"),
                 lambda r: f"{r['n']}笔取现金额刚好低于大额报告标准（合计{r['money']}）",
                 related=False)


def layering(ctx: Context) -> pd.DataFrame:
    """S08: the debtor's money that reached a related party through intermediaries.

    Time-ordered tracing (:mod:`clawback.algorithms.tracing`) from the debtor's accounts in the
    window, each hop after the previous one and within 30 days, up to four hops, under the
    tracing rule of the run (``trace_rule``: fifo by default, or libr, pro_rata); what arrives
    at a related party's account after two or more hops counts (one hop is S01's). The
    evidence is the chains of transfer ids, hop by hop.
    """
    from clawback.algorithms.tracing import TraceParams, trace

    # account_code: the position in the trace's account code space (the accounts' ids first,
    # in order: PortfolioData.account_ids), so that the trace need not look the ids up
    accounts = ctx.data.accounts[["account_id", "holder_id"]].assign(
        account_code=np.arange(len(ctx.data.accounts)))
    cases = ctx.cases
    sources = cases.merge(accounts, left_on="debtor_id", right_on="holder_id")
    sources = pd.DataFrame({
        "case_id": sources["case_id"], "account_id": sources["account_id"],
        "account_code": sources["account_code"], "start": sources["window_start"],
        "end": sources["end"] + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)})
    sinks = ctx.ties.merge(accounts, left_on="party_id", right_on="holder_id").merge(
        cases[["case_id", "debtor_id"]], on="debtor_id")
    sinks = sinks[["case_id", "account_id", "account_code", "party_id", "category"]].rename(
        columns={"category": "kind"})
    if sources.empty or sinks.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    rule = str(ctx.params.get("trace_rule", "fifo"))
    # S08 and S13 read only what went through an intermediary: the audit from hop 2 on
    result = trace(ctx.data.transfers, sources, sinks, TraceParams(rule=rule),
                   audit_from_hop=2, account_ids=ctx.data.account_ids)
    ctx.cache["trace"] = result
    audit = result.audit[result.audit["hop"] >= 2]
    pieces = audit.merge(sinks, left_on=["case_id", "dst"], right_on=["case_id", "account_id"])
    if pieces.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    pieces = pieces.merge(ctx.ties, left_on=[pieces["case_id"].map(
        cases.set_index("case_id")["debtor_id"]), "party_id"], right_on=["debtor_id", "party_id"])
    g = _agg_joined(
        pieces.sort_values("chain"), ["case_id", "party_id"], "chain", "evidence",
        amount=("traced", "sum"), hops=("hop", "min"),
        category=("category", "first"), path=("path", "first"), tie=("strength", "first"),
    ).reset_index().rename(columns={"party_id": "party"})
    g = g.merge(cases[["case_id", "claim", "claim_currency"]], on="case_id").rename(
        columns={"claim_currency": "currency"})
    g["rule"] = rule
    g["strength"] = _materiality(g["amount"], g["claim"], 0.2) * g["tie"]
    return _emit(g, ctx, "S08", "transfer_with_intent",
        lambda r: (f"{r['money']} traced ({r['rule']}) from the debtor's accounts to "
                   f"{r['party_name']}{_tie_text(r)} through intermediaries, {r['hops']} hops "
                   "or more"),
        lambda r: (f"按{r['rule']}规则追踪，{r['money']}经中间账户转至{r['party_name']}"
                   f"（至少{r['hops']}跳）"))


def related_preferences(ctx: Context) -> pd.DataFrame:
    """S09: repayments to related creditors in the preference window before the anchor (six
    months in PRC law, EBL Art. 32; a year for insiders under § 547): money the related party
    had lent (an earlier inflow from them) paid back ahead of other creditors. Shenzhen
    subordinates relatives' claims, which is the motive to pay them first.

    Also, more weakly, large repayments to private persons with no recorded tie in the window
    for any creditor (:func:`_private_preferences`): a relative the registries miss looks
    exactly like that."""
    private = _private_preferences(ctx)
    related = _related_preferences(ctx)
    frames = [f for f in (related, private) if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=HIT_COLUMNS)


def _private_preferences(ctx: Context) -> pd.DataFrame:
    """Repayments (the memo says so) to a private person with no tie to the debtor, in the
    preference window for any creditor (EBL Art. 32: six months; § 547: 90 days), larger than
    three months of the debtor's income. Paying a bank or a company back is ordinary; paying a
    person back on the eve of the filing, ahead of the banks, is a preference the law reaches
    whoever the creditor is, and the usual cover for a relative's "loan" that no registry
    shows. Half the strength of a related creditor's when that person had lent the debtor
    money before (a real loan, repaid early); 0.6 when nothing ever came from them."""
    out = ctx.out
    o = out[~out["own"].to_numpy(bool) & ~out["cash"].to_numpy(bool)
            & out["dst_holder"].notna().to_numpy(bool) & out["category"].isna().to_numpy(bool)
            & (out["date"] >= out["preference_any_start"]).to_numpy(bool)
            & (out["date"] <= out["end"]).to_numpy(bool)]
    o = o[_memo_has(o["memo"], REPAYMENT_WORDS)]
    o = o[_isin(o["dst_holder"], ctx.data.persons["person_id"])]
    if o.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    keys = ["case_id", "dst_holder"]
    g = _agg_joined(
        o.sort_values("transfer_id"), keys, "transfer_id", "evidence",
        amount=("amount", "sum"), n=("amount", "size"), first=("date", "min"),
        claim=("claim", "first"), currency=("claim_currency", "first")).reset_index()
    g = g[g["amount"] > 3.0 * g["case_id"].map(ctx.income).astype(float).fillna(0.0)]
    if g.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    inflow = ctx.inflow[["case_id", "src_holder", "date"]]
    lent = inflow.merge(g[[*keys, "first"]], left_on=["case_id", "src_holder"],
                        right_on=keys)
    lent = lent[lent["date"] < lent["first"]]
    had_lent = pd.MultiIndex.from_frame(g[keys]).isin(
        pd.MultiIndex.from_frame(lent[keys].drop_duplicates()))
    g["lent"] = had_lent
    g = g.rename(columns={"dst_holder": "party"})
    g["strength"] = _materiality(g["amount"], g["claim"], 0.2) * np.where(had_lent, 0.3, 0.6)
    return _emit(g, ctx, "S09", "preference",
                 lambda r: (f"{r['money']} repaid to {r['party_name']}, a private person with "
                            f"no recorded tie, in {r['n']} transfers in the preference window "
                            "before the anchor, ahead of other creditors"
                            + ("" if r["lent"] else "; nothing ever came from this person "
                               "to the debtor")),
                 lambda r: (f"个别清偿期间内向无登记关系的个人{r['party_name']}清偿{r['n']}笔"
                            f"共{r['money']}" + ("" if r["lent"] else "，此前从未收到该人款项")),
                 related=False)


def _related_preferences(ctx: Context) -> pd.DataFrame:
    """Repayments to related creditors: the memo says repayment, or the party had lent the
    debtor money before the window (then at most what was lent counts; pay — a salary from
    the debtor's company — is not a loan). Support and customary
    gifts are not repayments (family money flows both ways), and what continues the debtor's
    own payments to the party in the year before the window (with 50 % headroom) is the
    ordinary course of an old arrangement, not a preference."""
    r = _related_out(ctx)
    keys = ["case_id", "dst_holder"]
    before = r[(r["date"] >= r["preference_start"] - pd.DateOffset(months=12))
               & (r["date"] < r["preference_start"])]
    r = r[(r["date"] >= r["preference_start"]) & (r["date"] <= r["end"])]
    if r.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    said = _memo_has(r["memo"], REPAYMENT_WORDS)
    # the debtor's own company: money into it is the owner's loan or capital (a claim and
    # shares the estate keeps), a preference only where the memo says it repays one
    own = _own_company(r["path"])
    said = said & (~own | _memo_has(r["memo"], REPAID_WORDS).to_numpy(bool))
    r = r[said | ~_memo_has(r["memo"], SUPPORT_WORDS + CUSTOMARY_WORDS)]
    said = said.loc[r.index]
    inflow = ctx.inflow
    loans = inflow.loc[inflow["related"].to_numpy(bool)
                       & ~_memo_has(inflow["memo"], SUPPORT_WORDS + CUSTOMARY_WORDS
                                    + PAY_WORDS).to_numpy(bool),
                       ["case_id", "src_holder", "amount", "date", "preference_start"]]
    loans = loans[loans["date"] < loans["preference_start"]]
    owed = loans.groupby(["case_id", "src_holder"])["amount"].sum()
    owed.index.names = keys
    lent = (pd.MultiIndex.from_frame(r[keys]).isin(owed.index)
            & ~_own_company(r["path"]))
    r = r[said.to_numpy(bool) | lent].assign(said=said[said.to_numpy(bool) | lent])
    if r.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    g = _agg_joined(
        r.sort_values("transfer_id"), keys, "transfer_id", "evidence",
        total=("amount", "sum"), said=("said", "max"), category=("category", "first"),
        path=("path", "first"), tie=("strength", "first"), start=("preference_start", "first"),
        end=("end", "first"), claim=("claim", "first"),
        currency=("claim_currency", "first")).reset_index()
    index = pd.MultiIndex.from_frame(g[keys])
    debt = owed.reindex(index).to_numpy(float)
    amount = np.where(g["said"].to_numpy(bool), g["total"], np.minimum(g["total"],
                                                                       np.nan_to_num(debt)))
    rate = before.groupby(keys)["amount"].sum().reindex(index).fillna(0.0).to_numpy() / 12.0
    continued = 1.5 * rate * _months(g["end"], g["start"]).to_numpy()
    g["amount"] = np.clip(amount - continued, 0.0, None)
    g = g[g["amount"] > 0].rename(columns={"dst_holder": "party"})
    g["strength"] = _materiality(g["amount"], g["claim"], 0.2) * g["tie"]
    return _emit(g, ctx, "S09", "preference",
                       lambda r: (f"{r['money']} repaid to {r['party_name']}{_tie_text(r)} in "
                                  "the preference window before the anchor, ahead of other "
                                  "creditors"),
                       lambda r: f"个别清偿期间内向关联方{r['party_name']}清偿{r['money']}")


def related_share(ctx: Context) -> pd.DataFrame:
    """S10: the share of the debtor's outflows in the window (own accounts excluded) that went
    to related parties (not the debtor's own companies) or cash; counted above one half, and
    above the debtor's own share in the year before the window (plus 15 points): a debtor who
    always lived on cash, or always kept the family, does not change habits on the eve of the
    filing."""
    out = ctx.out
    # on arrays, summed per case by bincount (a filtered copy of the flows, millions of rows
    # by two dozen columns, was the scoring's peak memory); cents sum exactly in any order
    cash = out["cash"].to_numpy(bool)
    keep = ~out["own"].to_numpy(bool) | cash
    ci = out["ci"].to_numpy()[keep]
    cents = _cents(out["amount"].to_numpy(float)[keep])
    # the debtor's own companies are not relatives: paying one's failing business is not
    # moving money to the family
    related = out["related"].to_numpy(bool) & ~_own_company(out["path"])
    rel = np.where(related[keep] | cash[keep], cents, 0.0)
    date = out["date"].to_numpy()[keep]
    before = ((date >= out["baseline_start"].to_numpy()[keep])
              & (date < out["window_start"].to_numpy()[keep]))
    win = out["win"].to_numpy(bool)[keep]
    del date, keep, cash
    n = len(ctx.cases)

    def per_case(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(ci[mask], weights=values[mask], minlength=n)

    base_cents, base_rel = per_case(before, cents), per_case(before, rel)
    base_share = np.divide(base_rel, base_cents, out=np.zeros(n), where=base_cents > 0)
    cases = ctx.cases
    g = pd.DataFrame({"case_id": cases["case_id"].to_numpy(), "total": per_case(win, cents),
                      "rel": per_case(win, rel), "claim": cases["claim"].to_numpy(),
                      "currency": cases["claim_currency"].to_numpy(), "base": base_share})
    g = g[np.bincount(ci[win], minlength=n) > 0].sort_values("case_id", kind="stable",
                                                            ignore_index=True)
    g["total"], g["rel"] = g["total"] / 100.0, g["rel"] / 100.0
    g["share"] = g["rel"] / g["total"].where(g["total"] > 0, 1.0)
    g["amount"] = g["rel"]
    floor = np.maximum(0.5, g["base"] + 0.15)
    g["strength"] = ((g["share"] - floor) / 0.4).clip(0.0, 1.0) * _materiality(
        g["rel"], g["claim"], 0.5)
    g = g[g["strength"] > 0]
    g["evidence"] = ""
    en, zh = _describe(g, ctx,
                       lambda r: (f"{r['share']:.0%} of the money leaving the debtor in the "
                                  f"window went to related parties or cash ({r['money']})"),
                       lambda r: (f"回溯期内债务人流出资金的{r['share']:.0%}流向关联方或现金"
                                  f"（{r['money']}）"))
    return _hits(g, "S10", en, zh, "transfer_with_intent", related=False)


def gifts(ctx: Context) -> pd.DataFrame:
    """S11: money given away in the window, to anyone: the memo says gift, or a large payment
    (over three months of the debtor's income) went to a private person the debtor had never
    paid before and who never paid anything back (EBL 31(1), CC 538: a gratuitous transfer is
    revocable whoever receives it). Related parties are S01's; this finds the rest."""
    out = ctx.out
    o = out[out["win"].to_numpy(bool) & ~out["own"].to_numpy(bool) & ~out["cash"].to_numpy(bool)
            & out["dst_holder"].notna().to_numpy(bool) & out["category"].isna().to_numpy(bool)]
    income = o["case_id"].map(ctx.income).astype(float).fillna(0.0)
    said = _memo_has(o["memo"], GIFT_WORDS)
    # only what can be a gift is looked at further: said so, or a large payment to a person
    large = (o["amount"] > 3.0 * income) & _isin(o["dst_holder"], ctx.data.persons["person_id"])
    o, said = o[said | large], said[said | large]
    payees = o["dst_holder"].unique()
    earlier = out.loc[_isin(out["dst_holder"], payees), ["case_id", "dst_holder", "date"]]
    first = earlier.groupby(["case_id", "dst_holder"])["date"].min()
    first_paid = first.reindex(pd.MultiIndex.from_frame(o[["case_id", "dst_holder"]])).to_numpy()
    back = ctx.inflow.loc[_isin(ctx.inflow["src_holder"], payees), ["case_id", "src_holder"]]
    paid_back = pd.MultiIndex.from_frame(o[["case_id", "dst_holder"]]).isin(
        pd.MultiIndex.from_frame(back))
    new_person = ((pd.Series(first_paid, index=o.index) >= o["window_start"]) & ~paid_back
                  & (o["amount"] > 3.0 * o["case_id"].map(ctx.income).astype(float).fillna(0.0)))
    # a payment to someone who gave up a title within 90 days is a purchase (S03 looks at
    # whose name the title went to), not a gift
    sold = ctx.data.titles.dropna(subset=["from_party"])[["from_party", "date"]].rename(
        columns={"from_party": "dst_holder", "date": "sold_on"})
    near = o[["transfer_id", "dst_holder", "date"]].merge(sold, on="dst_holder")
    near = near[(near["sold_on"] - near["date"]).abs() <= pd.Timedelta(days=90)]
    purchase = _isin(o["transfer_id"], near["transfer_id"])
    unexplained = new_person & ~purchase & ~_memo_has(o["memo"], SUPPORT_WORDS + REPAYMENT_WORDS)
    o = o[said | unexplained].assign(said=said[said | unexplained])
    if o.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    g = _agg_joined(
        o.sort_values("transfer_id"), ["case_id", "dst_holder"], "transfer_id", "evidence",
        amount=("amount", "sum"), n=("amount", "size"), said=("said", "max"),
        claim=("claim", "first"),
        currency=("claim_currency", "first")).reset_index().rename(columns={"dst_holder": "party"})
    g["strength"] = _materiality(g["amount"], g["claim"], 0.25) * np.where(g["said"], 1.0, 0.6)
    return _emit(g, ctx, "S11", "gratuitous_transfer",
                 lambda r: (f"{r['money']} given to {r['party_name']} in {r['n']} transfers "
                            + ("marked as a gift" if r["said"] else
                               "with nothing in return, a payee never paid before")),
                 lambda r: (f"向{r['party_name']}转账{r['n']}笔共{r['money']}，"
                            + ("注明为赠与" if r["said"] else "此前从无往来且无任何对价")),
                 related=False)


def enablers_paid(ctx: Context) -> pd.DataFrame:
    """S12: money paid in the window to an enabler — a person several debtors with no tie to
    each other paid (:mod:`clawback.algorithms.communities`)."""
    from clawback.algorithms.communities import (
        CommunityParams,
        debtor_outflows,
        enabler_hits,
        enablers,
    )

    params = CommunityParams(seed=int(ctx.params.get("seed", 7)))
    windows = ctx.cases[["case_id", "anchor", "window_start"]]
    inflows = None
    if len(ctx.cases) == len(ctx.data.cases):
        # every case has an anchor: the context's flows are every debtor's (once per case)
        o, i = ctx.out, ctx.inflow
        o = o.loc[~o["own"].to_numpy(bool) & ~o["cash"].to_numpy(bool)
                  & o["dst_holder"].notna().to_numpy(bool) & (o["amount"] > 0).to_numpy(bool),
                  ["transfer_id", "debtor_id", "dst_holder", "amount", "date"]].rename(
            columns={"debtor_id": "src_holder"})
        i = i.loc[(i["amount"] > 0).to_numpy(bool),
                  ["transfer_id", "debtor_id", "src_holder", "amount"]].rename(
            columns={"debtor_id": "dst_holder"})
        if ctx.cases["debtor_id"].duplicated().any():
            o, i = o.drop_duplicates("transfer_id"), i.drop_duplicates("transfer_id")
        outflows = o.reset_index(drop=True)
        inflows = i.drop(columns="transfer_id")
    else:
        outflows = debtor_outflows(ctx.data)
    ctx.cache["debtor_outflows"] = outflows
    found = enablers(ctx.data, ctx.ties, params, outflows=outflows, inflows=inflows)
    # Persons only: a company paid by several debtors is far more often a seller (a car dealer,
    # a developer) than a nominee; companies that pass money on are layering (S08).
    found = found[_isin(found["party_id"], ctx.data.persons["person_id"])]
    ctx.cache["enablers"] = found
    return enabler_hits(ctx.data, ctx.ties, windows, params, found=found, outflows=outflows)


# -- round trips -------------------------------------------------------------------------------
RETURN_DAYS = 90
"""A return is the debtor's own money when the debtor sent at least as much to that party, net,
in this many days before it."""
RESEND_DAYS = 30
"""Money that came back and left again to related parties or cash within this many days."""
PARKED_DAYS = 365
"""Money sent before the anchor that comes back within this many days after it was parked."""


def _counterparties(ctx: Context) -> pd.DataFrame:
    """The debtors' money flows with other parties that can carry a round trip: related parties
    of any kind and private persons (a company refunding a purchase is ordinary commerce), own
    accounts and cash left out. ``case_id, party, date, transfer_id, amount, signed, memo``:
    ``signed`` is + for money the debtor sent, - for money it received."""
    # on integer keys: the case's row and the counterparty's holder code (flows.party_code)
    is_person = np.append(_isin(pd.Series(ctx.holder_ids), ctx.data.persons["person_id"]),
                          False)
    parts = []
    sides = ((ctx.out, "dst_holder", 1.0), (ctx.inflow, "src_holder", -1.0))
    keeps = []
    width = len(ctx.holder_ids) + 1
    keys = []
    for frame, _, _ in sides:
        code = frame["party_code"].to_numpy()
        keep = (~frame["own"].to_numpy(bool) & ~frame["cash"].to_numpy(bool) & (code >= 0))
        keep &= frame["related"].to_numpy(bool) | is_person[code]
        keeps.append(keep)
        keys.append(frame["ci"].to_numpy()[keep].astype(np.int64) * width + code[keep])
    # only pairs that moved money both ways can carry a round trip
    for k in range(len(sides)):
        keeps[k][keeps[k]] = np.isin(keys[k], keys[1 - k])
    for (frame, party, sign), keep in zip(sides, keeps, strict=True):
        f = frame.loc[keep, ["case_id", party, "date", "transfer_id", "amount", "memo",
                             "related"]].rename(columns={party: "party"})
        parts.append(f.assign(date=f["date"].astype("datetime64[ns]"),
                              signed=sign * f["amount"].to_numpy(float)))
    flows = pd.concat(parts, ignore_index=True)
    # same day: what the debtor sent comes before what came back (it may be what came back)
    flows["back"] = flows["signed"] < 0
    return flows.sort_values(["case_id", "party", "date", "back", "transfer_id"],
                             kind="stable", ignore_index=True)


def _returns(ctx: Context, flows: pd.DataFrame) -> pd.DataFrame:
    """Money that came back to the debtor directly from a party it had sent at least as much
    to, net, in the :data:`RETURN_DAYS` before: ``case_id, party, date, transfer_id, own``
    (the returned amount that was the debtor's own money) and ``legs`` (the transfers out)."""
    if flows.empty:
        return pd.DataFrame(columns=["case_id", "party", "date", "transfer_id", "own", "legs"])
    flows = flows.assign(cum=flows.groupby(["case_id", "party"], sort=False)["signed"].cumsum())
    back = flows[flows["back"]].copy()
    back["before"] = back["cum"] - back["signed"]           # net sent up to this return
    back["lb"] = back["date"] - pd.Timedelta(days=RETURN_DAYS)
    right = flows[["case_id", "party", "date", "cum"]].rename(columns={"date": "lb",
                                                                       "cum": "cum_lb"})
    back = pd.merge_asof(back.sort_values("lb", kind="stable"), right.sort_values("lb"),
                         on="lb", by=["case_id", "party"], allow_exact_matches=False)
    back["own"] = np.minimum(back["amount"], (back["before"] - back["cum_lb"].fillna(0.0))
                             .clip(lower=0.0))
    back = back[back["own"] > 0]
    if back.empty:
        return pd.DataFrame(columns=["case_id", "party", "date", "transfer_id", "own", "legs"])
    sent = flows[~flows["back"]][["case_id", "party", "date", "transfer_id"]].rename(
        columns={"date": "d1", "transfer_id": "t1"})
    legs = back[["case_id", "party", "date", "transfer_id", "lb"]].merge(
        sent, on=["case_id", "party"])
    legs = legs[(legs["d1"] >= legs["lb"]) & (legs["d1"] <= legs["date"])]
    chains = _join_groups(legs.sort_values("t1"), ["transfer_id"], "t1")
    back["legs"] = back["transfer_id"].map(chains).fillna("")
    return back[["case_id", "party", "date", "transfer_id", "own", "legs", "memo"]]


def _traced_returns(ctx: Context) -> pd.DataFrame:
    """Money the fund trace (S08) followed from the debtor's accounts through unrelated
    intermediaries back into them (kind ``returned``, two hops or more)."""
    result = ctx.cache.get("trace")
    cols = ["case_id", "party", "date", "transfer_id", "own", "legs", "memo"]
    if result is None or result.audit.empty:
        return pd.DataFrame(columns=cols)
    audit = result.audit[result.audit["hop"] >= 2]
    own = ctx.data.accounts[["account_id", "holder_id"]].merge(
        ctx.cases[["case_id", "debtor_id"]], left_on="holder_id", right_on="debtor_id")
    audit = audit.merge(own[["case_id", "account_id"]], left_on=["case_id", "dst"],
                        right_on=["case_id", "account_id"])
    if audit.empty:
        return pd.DataFrame(columns=cols)
    holder = ctx.data.accounts.set_index("account_id")["holder_id"]
    audit = audit.assign(party=audit["src"].map(holder))
    # a company handing money back is a refund or a sale gone off unless it is related
    tied = pd.MultiIndex.from_frame(ctx.ties[["debtor_id", "party_id"]])
    debtor = audit["case_id"].map(ctx.cases.set_index("case_id")["debtor_id"])
    audit = audit[_isin(audit["party"], ctx.data.persons["person_id"])
                  | pd.MultiIndex.from_arrays([debtor, audit["party"]]).isin(tied)]
    if audit.empty:
        return pd.DataFrame(columns=cols)
    # each returned piece arrives in one of the debtor's own accounts: an inflow of the case
    t = ctx.inflow
    dates = t.loc[_isin(t["transfer_id"], audit["transfer_id"]), ["transfer_id", "date"]]
    day = audit["transfer_id"].map(
        dates.drop_duplicates("transfer_id").set_index("transfer_id")["date"])
    return pd.DataFrame({
        "case_id": audit["case_id"].to_numpy(), "party": audit["party"].to_numpy(),
        "date": day.to_numpy("datetime64[ns]"),
        "transfer_id": audit["transfer_id"].to_numpy(), "own": audit["traced"].to_numpy(float),
        "legs": audit["chain"].str.rsplit(CHAIN, n=1).str[0].to_numpy(), "memo": ""})


def _round_en(r: dict) -> str:
    if r["shape"] == "parked":
        return (f"{r['money']} sent to {r['party_name']}{_tie_text(r)} in the look-back window "
                f"came back to the debtor after the anchor ({_day(r['date'])}): kept out of "
                "the estate over the acceptance date")
    tail = ("it was paid back to the same party as if repaying a loan"
            if r["shape"] == "sham_loan" else "as much left again to related parties or cash")
    if CHAIN in str(r["evidence"]):
        return (f"{r['money']} of the debtor's own money went out through intermediaries and "
                f"came back from {r['party_name']}{_tie_text(r)} on {_day(r['date'])}; within "
                f"{RESEND_DAYS} days {tail}")
    return (f"{r['money']} of the debtor's own money went to {r['party_name']}{_tie_text(r)} "
            f"and came back on {_day(r['date'])}; within {RESEND_DAYS} days {tail}")


def _round_zh(r: dict) -> str:
    if r["shape"] == "parked":
        return (f"回溯期内转给{r['party_name']}的{r['money']}于受理日之后（{_day(r['date'])}）"
                "回流债务人：受理时隐匿于破产财产之外")
    tail = "随后又以“还款”名义付回该方" if r["shape"] == "sham_loan" else "随后又转给关联方或取现"
    if CHAIN in str(r["evidence"]):
        return (f"债务人自有资金{r['money']}经中间账户转出后于{_day(r['date'])}由"
                f"{r['party_name']}回流，{RESEND_DAYS}日内{tail}")
    return (f"债务人自有资金{r['money']}转给{r['party_name']}后于{_day(r['date'])}回流，"
            f"{RESEND_DAYS}日内{tail}")


def round_trips(ctx: Context) -> pd.DataFrame:
    """S13: the debtor's own money went out and came back, then left again, or stayed away over
    the anchor.

    Two shapes. *Re-sent*: money came back from a party (directly from a relative or a private
    person, or through unrelated intermediaries as the fund trace found) that the debtor had
    sent at least as much to in the 90 days before, and within 30 days as much left again to
    related parties or cash in the look-back window: the return dresses the debtor's own money
    up as a loan or turnover; paid back to the same party it is a fabricated debt. *Parked*:
    money sent to a related party in the window beyond the debtor's habit comes back within a
    year after the anchor: it was kept out of the estate over the acceptance date. A loan from
    a parent repaid to the parent, a salary advance repaid, a shop's refund: the money started
    with the other party, or with a company, and none of these fires.
    """
    flows = _counterparties(ctx)
    returns = pd.concat([_returns(ctx, flows), _traced_returns(ctx)], ignore_index=True)
    found = [_resent(ctx, returns), _parked(ctx, flows)]
    found = [f for f in found if len(f)]
    if not found:
        return pd.DataFrame(columns=HIT_COLUMNS)
    g = pd.concat(found, ignore_index=True)
    g = g.merge(ctx.ties[["debtor_id", "party_id", "category", "path", "strength"]].rename(
        columns={"party_id": "party", "strength": "tie"}), on=["debtor_id", "party"], how="left")
    g = g.merge(ctx.cases[["case_id", "claim", "claim_currency"]], on="case_id").rename(
        columns={"claim_currency": "currency"})
    related = g["category"].notna()
    g["strength"] = _materiality(g["amount"], g["claim"], 0.2) * g["tie"].fillna(0.6)
    act = pd.Series(np.where(g["shape"] == "parked", "concealment",
                             np.where(g["shape"] == "sham_loan", "fabricated_debt",
                                      "transfer_with_intent")), index=g.index)
    g = g.sort_values(["case_id", "party", "date"], kind="stable")
    return _emit(g, ctx, "S13", act, _round_en, _round_zh, related=related)


def _resent(ctx: Context, returns: pd.DataFrame) -> pd.DataFrame:
    """Returns of the debtor's own money followed within :data:`RESEND_DAYS` by as much going
    out to related parties or cash in the window."""
    # family money going back and forth within a month's income is ordinary life
    claim = returns["case_id"].map(ctx.cases.set_index("case_id")["claim"])
    income = returns["case_id"].map(ctx.income).astype(float).fillna(0.0)
    returns = returns[(returns["own"] >= 0.02 * claim.fillna(0.0).clip(lower=1.0))
                      & (returns["own"] > income)]
    if returns.empty:
        return pd.DataFrame()
    o = ctx.out[ctx.out["win"].to_numpy(bool) & _isin(ctx.out["case_id"], returns["case_id"])]
    away = o[(o["related"].to_numpy(bool) | o["cash"].to_numpy(bool))
             & ~_memo_has(o["memo"], SUPPORT_WORDS).to_numpy(bool)]
    away = away[["case_id", "debtor_id", "transfer_id", "dst_holder", "date", "amount", "memo"]]
    m = returns.rename(columns={"transfer_id": "back_id", "date": "back_date",
                                "memo": "back_memo"}).merge(
        away.rename(columns={"transfer_id": "t3", "date": "d3", "amount": "a3",
                             "memo": "memo3"}), on="case_id")
    m = m[(m["d3"] >= m["back_date"]) & (m["d3"] <= m["back_date"]
                                         + pd.Timedelta(days=RESEND_DAYS))]
    if m.empty:
        return pd.DataFrame()
    m["same"] = m["dst_holder"] == m["party"]
    m = m[m["same"] | ~_memo_has(m["memo3"], REPAYMENT_WORDS)]
    m["loan"] = m["same"] & (_memo_has(m["memo3"], REPAYMENT_WORDS)
                             | _memo_has(m["back_memo"].fillna(""), REPAYMENT_WORDS))
    g = _agg_joined(
        m.sort_values("t3"), ["case_id", "back_id"], "t3", "onward",
        debtor_id=("debtor_id", "first"), party=("party", "first"),
        date=("back_date", "first"), own=("own", "first"), legs=("legs", "first"),
        out=("a3", "sum"), loan=("loan", "max")).reset_index()
    g["amount"] = np.minimum(g["own"], g["out"])
    g["evidence"] = [";".join(x for x in (legs, back, on) if x)
                     for legs, back, on in zip(g["legs"], g["back_id"], g["onward"],
                                               strict=True)]
    g["shape"] = np.where(g["loan"], "sham_loan", "resent")
    return g[["case_id", "debtor_id", "party", "date", "amount", "evidence", "shape"]]


def _parked(ctx: Context, flows: pd.DataFrame) -> pd.DataFrame:
    """Money sent to a related party in the window beyond the debtor's habit that the party
    sends back, beyond its own habit, within :data:`PARKED_DAYS` after the anchor."""
    f = flows[flows["related"].to_numpy(bool)].merge(
        ctx.cases[["case_id", "debtor_id", "window_start", "baseline_start", "end"]],
        on="case_id")
    after = f["back"] & (f["date"] > f["end"]) & (
        f["date"] <= f["end"] + pd.Timedelta(days=PARKED_DAYS))
    if not after.any():
        return pd.DataFrame()
    window = (f["date"] >= f["window_start"]) & (f["date"] <= f["end"])
    base = (f["date"] >= f["baseline_start"]) & (f["date"] < f["window_start"])
    f = f.assign(sent=f["amount"].where(window & ~f["back"], 0.0),
                 got=f["amount"].where(window & f["back"], 0.0),
                 habit=f["amount"].where(base & ~f["back"], 0.0),
                 after=f["amount"].where(after, 0.0))
    keys = ["case_id", "debtor_id", "party"]
    g = f.groupby(keys, sort=True).agg(
        sent=("sent", "sum"), got=("got", "sum"), habit=("habit", "sum"),
        after=("after", "sum"), start=("window_start", "first"), end=("end", "first"))
    g = g[g["after"] > 0].reset_index()
    months = _months(g["end"], g["start"])
    # beyond the habit before the window, net of what the party paid the debtor in the window;
    # what comes back beyond what the party paid the debtor in the window, at its monthly rate
    parked = (g["sent"] - 1.5 * g["habit"] / 12.0 * months - g["got"]).clip(lower=0.0)
    back = (g["after"] - g["got"] / months * 12.0).clip(lower=0.0)
    g["amount"] = np.minimum(parked, back)
    g = g[g["amount"] > 0]
    if g.empty:
        return pd.DataFrame()
    ev = f[((f["sent"] > 0) | (f["after"] > 0))].merge(g[keys], on=keys)
    ids = _join_groups(ev.sort_values("transfer_id"), keys, "transfer_id")
    last = ev[ev["after"] > 0].groupby(keys, sort=True)["date"].min()
    g = g.set_index(keys)
    g["evidence"] = ids
    g["date"] = last
    g["shape"] = "parked"
    return g.reset_index()[["case_id", "debtor_id", "party", "date", "amount", "evidence",
                            "shape"]]


# -- depletion ---------------------------------------------------------------------------------
def _holdings(ctx: Context, at: str) -> pd.Series:
    """Per case: the market value (× share) of the properties the debtor held on the date in
    ``ctx.cases[at]`` (the last title event before it was an acquisition)."""
    t = ctx.data.titles
    events = pd.concat([
        t[["property_id", "to_party", "date", "share"]].rename(columns={"to_party": "party"})
        .assign(held=True),
        t.dropna(subset=["from_party"])[["property_id", "from_party", "date", "share"]]
        .rename(columns={"from_party": "party"}).assign(held=False)], ignore_index=True)
    e = events.merge(ctx.cases[["case_id", "debtor_id", at]], left_on="party",
                     right_on="debtor_id")
    e = e[e["date"] < e[at]].sort_values(["case_id", "property_id", "date", "held"],
                                         kind="stable")
    last = e.groupby(["case_id", "property_id"], sort=True).tail(1)
    last = last[last["held"]]
    market = pd.to_numeric(ctx.data.properties.set_index("property_id")["market_value"],
                           errors="coerce")
    value = last["property_id"].map(market).astype(float).fillna(0.0)
    share = pd.to_numeric(last["share"], errors="coerce").fillna(1.0)
    return (value * share).groupby(last["case_id"]).sum()


def depletion(ctx: Context) -> pd.DataFrame:
    """S14: substantially all the debtor's assets gone in the window, mostly to related parties
    or cash (UVTA § 4(b)(5); "unusual depletion").

    What the debtor had to dispose of: its balance at the window start (observed flows), what
    came in during the window and the properties it held at the start at market value. What is
    left at the end: the balance and the properties still held. Counted when at most a fifth is
    left and at least half of what it had went to related parties (support and repayment memos
    aside), to cash beyond its own habit, or away as property conveyed for less than its value
    to relatives or for nothing, and that is at least a tenth of the claim. A debtor whose
    assets went to creditors, hospitals and living costs is depleted too, but not this way.
    Strength grows with the share that went away and with its size against the claim.
    """
    cases = ctx.cases.set_index("case_id")
    n = len(cases)

    def per_case(frame: pd.DataFrame, mask: np.ndarray) -> pd.Series:
        """Amounts summed per case (in the cases' order) where ``mask`` holds: a bincount."""
        total = np.bincount(frame["ci"].to_numpy()[mask], _cents(frame["amount"])[mask],
                            minlength=n)
        return pd.Series(total / 100.0, index=cases.index)

    o, i = ctx.out, ctx.inflow
    o_ext = ~o["own"].to_numpy(bool) | o["cash"].to_numpy(bool)
    i_ext = ~i["own"].to_numpy(bool) | i["cash"].to_numpy(bool)
    o_before = (o["date"] < o["window_start"]).to_numpy(bool)
    i_before = (i["date"] < i["window_start"]).to_numpy(bool)
    start_balance = (per_case(i, i_ext & i_before) - per_case(o, o_ext & o_before)).clip(
        lower=0.0)
    came_in = per_case(i, i_ext & i["win"].to_numpy(bool))
    went_out = per_case(o, o_ext & o["win"].to_numpy(bool))
    end_balance = (start_balance + came_in - went_out).clip(lower=0.0)
    held_start = _holdings(ctx, "window_start").reindex(cases.index).fillna(0.0)
    held_end = _holdings(ctx, "end").reindex(cases.index).fillna(0.0)
    had = start_balance + came_in + held_start
    left = end_balance + held_end

    tied = pd.MultiIndex.from_frame(ctx.ties[["debtor_id", "party_id"]])
    if "beyond_support" not in ctx.cache:
        related_transfers(ctx)
    # money to related parties beyond ordinary support, as S01 counts it
    rel = ctx.cache["beyond_support"]
    o_cash = o["cash"].to_numpy(bool)
    cash = o[o_cash & o["win"].to_numpy(bool)]
    base = o_cash & o_before & (o["date"] >= o["baseline_start"]).to_numpy(bool)
    months = _months(cases["end"], cases["window_start"])
    allowance = np.maximum(3.0 * per_case(o, base) / 12.0 * months,
                           0.2 * ctx.income.reindex(cases.index).fillna(0.0) * months)
    cash_excess = (per_case(o, o_cash & o["win"].to_numpy(bool)) - allowance).clip(lower=0.0)
    titles = ctx.data.titles.dropna(subset=["from_party"]).merge(
        ctx.cases[["case_id", "debtor_id", "window_start", "end"]], left_on="from_party",
        right_on="debtor_id")
    titles = titles[_in(titles, "window_start")]
    value = titles["market_value"].fillna(0.0) * titles["share"].fillna(1.0)
    price = titles["price"].fillna(0.0)
    to_kin = pd.MultiIndex.from_arrays([titles["debtor_id"], titles["to_party"]]).isin(tied)
    given = titles[(value > 0) & ((price <= 0) | (to_kin & (price < 0.9 * value)))]
    conveyed = (value - price).clip(lower=0.0)[given.index].groupby(given["case_id"]).sum()
    away = ((pd.Series(_cents(rel["amount"]), index=rel.index).groupby(rel["case_id"]).sum()
             / 100.0).reindex(cases.index).fillna(0.0)
            + cash_excess + conveyed.reindex(cases.index).fillna(0.0))
    share = (away / had.where(had > 0, np.inf)).fillna(0.0)
    g = pd.DataFrame({"had": had, "left": left, "away": away, "share": share,
                      "claim": cases["claim"], "currency": cases["claim_currency"]})
    # what went away must matter to the creditors: a tenth of the claim at least
    g = g[(had > 0) & (left <= 0.2 * had) & (share >= 0.5)
          & (away >= 0.1 * cases["claim"].clip(lower=1.0))].copy()
    if g.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    # more went away than the observed flows show the debtor had: the picture is incomplete
    # (income or savings the data does not hold), so the share counts as all, no more
    g["share"] = g["share"].clip(upper=1.0)
    g["amount"] = g["away"]
    g["strength"] = ((0.5 + 0.5 * ((g["share"] - 0.5) / 0.4).clip(0.0, 1.0))
                     * _materiality(g["away"], g["claim"], 0.5))
    rel_ids = rel.assign(transfer_id=rel["evidence"].str.split(";")).explode("transfer_id")
    ids = pd.concat([rel_ids[["case_id", "transfer_id"]], cash[["case_id", "transfer_id"]],
                     given[["case_id", "title_transfer_id"]].rename(
                         columns={"title_transfer_id": "transfer_id"})])
    ids = ids[_isin(ids["case_id"], g.index.to_series())]
    g["evidence"] = _join_groups(ids.sort_values("transfer_id"), ["case_id"], "transfer_id")
    g = g.reset_index()
    g["evidence"] = g["evidence"].fillna("")

    def en(r: dict) -> str:
        had, left = (_fmt_money(r[k], r["currency"] or "") for k in ("had", "left"))
        return (f"substantially all assets gone in the window: of {had} the debtor had "
                f"(balance, income and property at market value), {left} is left and "
                f"{r['share']:.0%} ({r['money']}) went to related parties, cash or property "
                "given away")

    def zh(r: dict) -> str:
        had, left = (_fmt_money(r[k], r["currency"] or "") for k in ("had", "left"))
        return (f"回溯期内债务人几乎全部财产流失：可支配财产{had}（余额、收入及按市值计的不动产），"
                f"剩余{left}，其中{r['share']:.0%}（{r['money']}）流向关联方、现金或被无偿转让")

    return _emit(g, ctx, "S14", "transfer_with_intent", en, zh, related=False)



CONTEXT_MAX_TRANSFERS = 250_000
"""The community context (S15) needs the communities of the whole party graph: it is always
computed in a portfolio of at most this many transfers, and up to
:data:`CONTEXT_ENABLER_MAX_TRANSFERS` when a case paid an enabler (S12)."""
CONTEXT_ENABLER_MAX_TRANSFERS = 2_500_000
"""Beyond this many transfers the community context is left out even where a case paid an
enabler: Leiden over the whole party graph took 3 s at 1M transfers and 9 s at 2.1M (one
component of 200,000 parties) and grows faster than the transfers, so at 10M it would spend
most of the scoring's time on a finding without points. The enabler findings (S12) still
name the enabler and how many unrelated debtors paid it."""


PARALLEL_MIN_TRANSFERS = 1_000_000
"""From this many transfers (and on Linux, where a fork is safe), :func:`run_signals` runs the
signals of :data:`FORKED_SIGNALS` in a forked child process while it runs the others."""
FORKED_SIGNALS = ("S01", "S03", "S04", "S06", "S07", "S10", "S12", "S14")
"""What the child runs: about half the work at 10M transfers. Measured one by one there
(session 9, seconds): S12 8.9, S01 5.5, S14 2.4, S03 1.3, S04 0.9, S06 0.5, S10 0.4, S07 0.3
— 20.2 in the child; S08 (the fund trace) 7.3, S13 (its reader) 5.9, S09 2.8, S11 2.1, S05
1.4, S02 1.2 — 20.7 here. (S02, S05 and S09 ran in the child until then: this process
waited 12 s for it.) S14 reads what S01 found, so they go together."""
CHILD_TIMEOUT_S = 300.0
"""The least time the child is waited for once this process is done with its own signals
(four times what they took, if more); then it is killed and its signals run here."""
_SHARED = ("beyond_support", "debtor_outflows", "enablers")
"""What the child's signals leave in ``ctx.cache`` for later readers (S15); brought back."""


def _run(ctx: Context, codes: list[str]) -> dict[str, pd.DataFrame]:
    found = {}
    for code in codes:
        found[code] = SIGNALS[code](ctx)
        if code == "S13":
            # the fund trace's audit (one row per traced piece per hop: the largest frame of
            # the scoring) has no reader after the round trips
            ctx.cache.pop("trace", None)
    return found


def _run_in_child(ctx: Context, codes: list[str]) -> tuple[dict[str, pd.DataFrame], dict]:
    # the child's arrays of 4 MB or more get their own mappings, returned when freed: its
    # private memory is what the fork adds to the scoring's peak
    map_large_allocations(4 << 20)
    found = _run(ctx, codes)
    return found, {k: ctx.cache[k] for k in _SHARED if k in ctx.cache}


def run_signals(ctx: Context, *, parallel: bool | None = None) -> pd.DataFrame:
    """Every signal's hits, then the community context of the flagged cases (S15, no points).

    ``parallel``: run :data:`FORKED_SIGNALS` in a forked child process meanwhile (None: from
    :data:`PARALLEL_MIN_TRANSFERS` transfers). The hits are the same either way, in the same
    order; where the child fails, its signals run here after all.
    """
    from clawback.algorithms.forked import Forked, ForkFailed, fork_available

    if ctx.cases.empty:             # no case with an anchor: nothing to look back from
        return pd.DataFrame(columns=HIT_COLUMNS)
    codes = [c for c in SIGNALS if c != "S15"]
    if parallel is None:
        parallel = len(ctx.data.transfers) >= PARALLEL_MIN_TRANSFERS and fork_available()
    child = None
    away = [c for c in codes if c in FORKED_SIGNALS] if parallel else []
    if away:
        try:
            child = Forked(lambda: _run_in_child(ctx, away))
        except ForkFailed as e:
            _log.warning("signals not run in parallel: %s", e)
            away = []
    if child is not None:
        # while two processes hold memory, this one returns its large arrays when freed too
        map_large_allocations(4 << 20)
    began = time.monotonic()
    try:
        found = _run(ctx, [c for c in codes if c not in away])
    except BaseException:
        if child is not None:
            child.stop()
        raise
    finally:
        if child is not None:
            map_large_allocations()
    if child is not None:
        try:
            # the child does about as much as this process: waiting much longer means it hangs
            theirs, shared = child.result(timeout=max(CHILD_TIMEOUT_S,
                                                      4 * (time.monotonic() - began)))
            found.update(theirs)
            ctx.cache.update(shared)
        except ForkFailed as e:
            _log.warning("%s; running its signals here", e)
            found.update(_run(ctx, away))
    frames = [found[c] for c in codes]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=HIT_COLUMNS)
    hits = pd.concat(frames, ignore_index=True)
    n = len(ctx.data.transfers)
    if n <= CONTEXT_MAX_TRANSFERS or (
            n <= CONTEXT_ENABLER_MAX_TRANSFERS and (hits["signal"] == "S12").any()):
        ctx.cache["hits"] = hits
        context = community_context_hits(ctx)
        if len(context):
            # the enabler findings say which community they sit in, too
            where = context.set_index("case_id")
            s12 = hits["signal"] == "S12"
            for lang in ("en", "zh"):
                col = f"explanation_{lang}"
                extra = hits.loc[s12, "case_id"].map(where[col])
                sep = "; " if lang == "en" else "；"
                hits.loc[s12, col] = hits.loc[s12, col] + (sep + extra).fillna("")
            hits = pd.concat([hits, context], ignore_index=True)
    return hits


def community_context_hits(ctx: Context) -> pd.DataFrame:
    """S15: the community each flagged case sits in, with the other flagged debtors in it and
    the enablers it paid (weight 0: context, not an act). Needs the other signals' hits
    (``ctx.cache["hits"]``); without them it finds nothing."""
    from clawback.algorithms.communities import CommunityParams, community_hits

    hits = ctx.cache.get("hits")
    if hits is None or hits.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    params = CommunityParams(seed=int(ctx.params.get("seed", 7)))
    return community_hits(ctx.data, ctx.ties, hits, params, found=ctx.cache.get("enablers"),
                          outflows=ctx.cache.get("debtor_outflows"))


SIGNALS = {"S01": related_transfers, "S02": conveyances, "S03": nominee_purchases,
           "S04": divorce_transfers, "S05": relative_shells, "S06": cash_spikes,
           "S07": structuring, "S08": layering, "S09": related_preferences,
           "S10": related_share, "S11": gifts, "S12": enablers_paid, "S13": round_trips,
           "S14": depletion, "S15": community_context_hits}
"""Run in this order: S13 reuses the fund trace S08 made; S15 runs last, on the others' hits
(:func:`run_signals`)."""
