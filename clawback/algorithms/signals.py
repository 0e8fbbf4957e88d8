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

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clawback.algorithms.data import PortfolioData

__all__ = ["HIT_COLUMNS", "SIGNALS", "Context", "build_context", "run_signals"]

HIT_COLUMNS = ["case_id", "signal", "strength", "amount", "explanation_en", "explanation_zh",
               "evidence", "rule_ids", "related"]

SUPPORT_WORDS = ("生活费", "赡养", "抚养", "孝敬", "学费", "医药", "医疗", "住院", "看病",
                 "家用", "support", "alimony", "tuition", "medical", "hospital", "allowance")
REPAYMENT_WORDS = ("还款", "还钱", "归还", "借款", "repay", "loan")
CHAIN = "→"
"""Joins the transfer ids of one traced chain in the evidence (ids themselves may hold '>')."""
GIFT_WORDS = ("赠与", "赠送", "赠予", "馈赠", "无偿", "gift", "donation")


@dataclass
class Context:
    """Everything the signals share: the cases with their anchors and windows, the related
    parties, and the debtors' transfers split by direction."""

    data: PortfolioData
    cases: pd.DataFrame      # case_id, debtor_id, jurisdiction, anchor, anchor_proxy,
                             # window_start, preference_start, claim, claim_currency
    ties: pd.DataFrame       # debtor_id, party_id, category, path, strength, since, until
    out: pd.DataFrame        # debtors' outflows joined to their case (one row per case)
    inflow: pd.DataFrame     # debtors' inflows joined to their case
    params: dict = field(default_factory=dict)
    income: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))  # per case_id


def build_context(data: PortfolioData, ties: pd.DataFrame, windows: pd.DataFrame,
                  params: dict) -> Context:
    """``windows``: case_id, anchor, anchor_proxy, window_start (where the signals look back
    to) and preference_start (the longest preference window for related creditors), from
    :mod:`clawback.algorithms.score` and the rule sets."""
    cases = data.cases.merge(windows, on="case_id", how="inner")
    cases = cases[cases["anchor"].notna()].copy()
    # a proxy anchor (the filing date) reaches past itself by the expected acceptance lag
    cases["end"] = cases["anchor"] + pd.to_timedelta(cases["lag_days"], unit="D")
    cases["baseline_start"] = cases["window_start"] - pd.DateOffset(months=12)
    cases["claim"] = cases["claim_amount"].fillna(0.0)
    cases["claim_currency"] = cases["currency"]
    keep = ["case_id", "debtor_id", "jurisdiction", "anchor", "anchor_proxy", "end",
            "window_start", "preference_start", "baseline_start", "claim", "claim_currency"]
    cases = cases[keep].reset_index(drop=True)
    t = data.transfers
    debtors = cases["debtor_id"].unique()
    out = t[t["src_holder"].isin(debtors)].merge(cases, left_on="src_holder",
                                                 right_on="debtor_id", how="inner")
    inflow = t[t["dst_holder"].isin(debtors)].merge(cases, left_on="dst_holder",
                                                    right_on="debtor_id", how="inner")
    ctx = Context(data, cases, ties, out, inflow, params)
    ctx.income = _income(ctx)
    return ctx


# -- helpers -----------------------------------------------------------------------------------
def _in(frame: pd.DataFrame, start: str, end: str = "end") -> pd.Series:
    return (frame["date"] >= frame[start]) & (frame["date"] <= frame[end])


def _months(end: pd.Series, start: pd.Series) -> pd.Series:
    """Months between two date columns (average month length), at least one."""
    return ((end - start).dt.days / 30.44).clip(lower=1.0)


def _memo_has(memo: pd.Series, words: tuple[str, ...]) -> pd.Series:
    text = memo.fillna("").astype(str).str.lower()
    hit = pd.Series(False, index=memo.index)
    for w in words:
        hit |= text.str.contains(w, regex=False)
    return hit


def _income(ctx: Context) -> pd.Series:
    """Median monthly inflow per case in the year before the window: the debtor's own scale."""
    i = ctx.inflow
    base = i[(i["date"] >= i["baseline_start"]) & (i["date"] < i["window_start"])]
    monthly = base.groupby(["case_id", base["date"].dt.to_period("M")])["amount"].sum()
    return monthly.groupby(level=0).median().reindex(ctx.cases["case_id"]).fillna(0.0)


def _fmt_money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.0f}"


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


def _related_out(ctx: Context) -> pd.DataFrame:
    """Debtors' outflows to related parties (not to their own accounts), with the tie."""
    o = ctx.out[ctx.out["dst_holder"] != ctx.out["debtor_id"]]
    return o.merge(ctx.ties, left_on=["debtor_id", "dst_holder"],
                   right_on=["debtor_id", "party_id"], how="inner")


# -- signals -----------------------------------------------------------------------------------
def related_transfers(ctx: Context) -> pd.DataFrame:
    """S01: money moved to related parties in the look-back window, beyond ordinary support.

    Per related party: the window total, less what continues the debtor's own pre-window
    payments to that party (their monthly rate over the year before, with 50 % headroom) or
    stays within support (memo says support, medical or living costs, and the monthly rate is
    within 30 % of the debtor's own income). The excess counts, weighted by the tie's strength.
    """
    r = _related_out(ctx)
    if r.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    window = r[_in(r, "window_start")].copy()
    window = window[~_memo_has(window["memo"], REPAYMENT_WORDS)]  # preferences are S09's
    window["support"] = _memo_has(window["memo"], SUPPORT_WORDS).astype(float)
    before = r[(r["date"] >= r["baseline_start"]) & (r["date"] < r["window_start"])]
    keys = ["case_id", "dst_holder"]
    pre = before.groupby(keys)["amount"].sum() / 12.0
    agg = window.sort_values("transfer_id").groupby(keys, sort=True).agg(
        total=("amount", "sum"), n=("amount", "size"), evidence=("transfer_id", ";".join),
        support_share=("support", "mean"),
        category=("category", "first"), path=("path", "first"), strength=("strength", "first"),
        window_start=("window_start", "first"), anchor=("anchor", "first"),
        claim=("claim", "first"), currency=("claim_currency", "first"))
    agg = agg.reset_index()
    months = _months(agg["anchor"], agg["window_start"])
    pre_rate = np.nan_to_num(pre.reindex(pd.MultiIndex.from_frame(agg[keys])).to_numpy(float))
    income = agg["case_id"].map(ctx.income).fillna(0.0)
    # What an honest debtor's family life explains: continuing what was paid before the window
    # (50 % headroom), support within 30 % of income when the memos say support, and customary
    # gifts (weddings, festivals) of one month's income per relative per year.
    continued = 1.5 * pre_rate * months
    support = np.where(agg["support_share"] >= 0.5, 0.3 * income * months, 0.0)
    customary = income * months / 12.0
    # money the party had lent the debtor before the window comes back as repayment (S09)
    lent = ctx.inflow[ctx.inflow["date"] < ctx.inflow["window_start"]].groupby(
        ["case_id", "src_holder"])["amount"].sum()
    owed = np.nan_to_num(lent.reindex(pd.MultiIndex.from_frame(agg[keys])).to_numpy(float))
    agg["amount"] = (agg["total"] - np.maximum(continued, support) - customary
                     - owed).clip(lower=0.0)
    agg = agg[agg["amount"] > 0]
    if agg.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    names = ctx.data.names()
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


def _describe(frame: pd.DataFrame, ctx: Context, en_fmt, zh_fmt) -> tuple[pd.Series, pd.Series]:
    names = ctx.data.names()
    rows = frame.to_dict("records")
    for row in rows:
        row["money"] = _fmt_money(row["amount"], row.get("currency") or "")
        for k in ("party", "dst_holder", "seller", "shell", "via"):
            if k in row and isinstance(row[k], str):
                row[k + "_name"] = names.get(row[k], row[k])
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
                 evidence=t["title_transfer_id"], party=t["to_party"],
                 currency=t["claim_currency"], gift=t["price"].fillna(0.0) <= 0)
    rules = np.where(t["gift"], "gratuitous_transfer", "below_value_sale")
    return _emit(t, ctx, "S02", pd.Series(rules, index=t.index), _conveyance_en,
                 _conveyance_zh, related=t["category"].notna())


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
    if t.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    o = ctx.out[["case_id", "transfer_id", "dst_holder", "amount", "date"]].rename(columns={
        "transfer_id": "paid_id", "dst_holder": "payee", "amount": "amount_paid",
        "date": "date_paid"})
    direct = t.merge(o, left_on=["case_id", "from_party"], right_on=["case_id", "payee"])
    direct = direct.assign(transfer_id=direct["paid_id"])
    # via the new owner: debtor -> relative, then relative -> seller within 60 days
    t2 = ctx.data.transfers[["transfer_id", "src_holder", "dst_holder", "amount", "date"]].rename(
        columns={"transfer_id": "on_id", "src_holder": "on_src", "dst_holder": "on_dst",
                 "amount": "amount_on", "date": "date_on"})
    hop = t.merge(o, left_on=["case_id", "to_party"], right_on=["case_id", "payee"])
    hop = hop.merge(t2, left_on=["to_party", "from_party"], right_on=["on_src", "on_dst"])
    hop = hop[(hop["date_on"] >= hop["date_paid"])
              & (hop["date_on"] <= hop["date_paid"] + pd.Timedelta(days=60))]
    hop = hop.assign(amount_paid=np.minimum(hop["amount_paid"], hop["amount_on"]),
                     transfer_id=hop["paid_id"] + CHAIN + hop["on_id"])
    # first acquisitions: the debtor's payments to one company add up to the price
    new = t[t["from_party"].isna() & (t["price"] > 0)]
    companies = set(ctx.data.companies["company_id"])
    to_co = o[o["payee"].isin(companies)]
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
    g = paid.sort_values("transfer_id").groupby(["case_id", "title_transfer_id"], sort=True).agg(
        paid=("amount_paid", "sum"), evidence=("transfer_id", ";".join),
        price=("price", "first"), property_id=("property_id", "first"),
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
    Interpretation II Art. 3: the property clauses can be revoked)."""
    ex = ctx.ties[(ctx.ties["category"] == "former_spouse") & ctx.ties["until"].notna()]
    ex = ex.merge(ctx.cases, on="debtor_id")
    ex = ex[(ex["until"] >= ex["window_start"] - pd.DateOffset(years=1))
            & (ex["until"] <= ex["end"])]
    if ex.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    from_date = ex["until"] - pd.DateOffset(months=6)
    ex = ex.assign(from_date=from_date)
    o = ctx.out[["case_id", "transfer_id", "dst_holder", "amount", "date"]]
    money = ex.merge(o, left_on=["case_id", "party_id"], right_on=["case_id", "dst_holder"])
    money = money[(money["date"] >= money["from_date"]) & (money["date"] <= money["end"])]
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
    g = both.sort_values("evidence").groupby(["case_id", "party_id"], sort=True).agg(
        amount=("value", "sum"), evidence=("evidence", ";".join)).reset_index()
    g = g.merge(ex[["case_id", "party_id", "until", "claim", "claim_currency"]],
                on=["case_id", "party_id"]).rename(columns={"party_id": "party",
                                                            "claim_currency": "currency"})
    g["strength"] = _materiality(g["amount"], g["claim"], 0.2)
    return _emit(g, ctx, "S04", "divorce_division",
        lambda r: (f"divorced {r['party_name']} on {_day(r['until'])}, then {r['money']} in "
                   f"money and property went to the former spouse"),
        lambda r: (f"{_day(r['until'])}与{r['party_name']}离婚，前后向前配偶转移资金及财产"
                   f"{r['money']}"))


def relative_shells(ctx: Context) -> pd.DataFrame:
    """S05: a company the debtor's family controls, incorporated in the two years before the
    anchor, receiving the debtor's money in the window."""
    aff = ctx.ties[ctx.ties["category"] == "affiliate"]
    comp = ctx.data.companies[["company_id", "incorporation_date"]]
    aff = aff.merge(comp, left_on="party_id", right_on="company_id").merge(ctx.cases,
                                                                         on="debtor_id")
    aff = aff[(aff["incorporation_date"] >= aff["anchor"] - pd.DateOffset(years=2))
              & (aff["incorporation_date"] <= aff["end"])]
    if aff.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    o = ctx.out[_in(ctx.out, "window_start")][["case_id", "transfer_id", "dst_holder", "amount"]]
    m = aff.merge(o, left_on=["case_id", "party_id"], right_on=["case_id", "dst_holder"])
    if m.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    g = m.sort_values("transfer_id").groupby(["case_id", "party_id"], sort=True).agg(
        amount=("amount", "sum"), evidence=("transfer_id", ";".join),
        path=("path", "first"), inc=("incorporation_date", "first"),
        claim=("claim", "first"), currency=("claim_currency", "first")).reset_index()
    g = g.rename(columns={"party_id": "shell"})
    g["strength"] = _materiality(g["amount"], g["claim"], 0.2)
    return _emit(g, ctx, "S05", "transfer_with_intent",
        lambda r: (f"{r['money']} went to {r['shell_name']}, a company incorporated on "
                   f"{_day(r['inc'])} and controlled through {r['path']}"),
        lambda r: (f"向{r['shell_name']}（{_day(r['inc'])}设立，经{r['path']}控制）转入"
                   f"{r['money']}"))


def _cash(frame: pd.DataFrame) -> pd.Series:
    return frame["dst"].str.startswith("cash:") | (frame["channel"] == "cash_withdrawal")


def cash_spikes(ctx: Context) -> pd.DataFrame:
    """S06: cash withdrawn in the window far above the debtor's own monthly baseline (the
    year before the window): the excess over three times the baseline rate counts."""
    o = ctx.out[_cash(ctx.out)]
    window = o[_in(o, "window_start")]
    base = o[(o["date"] >= o["baseline_start"]) & (o["date"] < o["window_start"])]
    w = window.sort_values("transfer_id").groupby("case_id", sort=True).agg(
        total=("amount", "sum"), n=("amount", "size"), evidence=("transfer_id", ";".join),
        anchor=("anchor", "first"), start=("window_start", "first"),
        claim=("claim", "first"), currency=("claim_currency", "first")).reset_index()
    rate = (base.groupby("case_id")["amount"].sum() / 12.0).reindex(w["case_id"]).fillna(0.0)
    months = _months(w["anchor"], w["start"])
    income = w["case_id"].map(ctx.income).fillna(0.0)
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
    g = near.sort_values("transfer_id").groupby("case_id", sort=True).agg(
        n=("amount", "size"), amount=("amount", "sum"), evidence=("transfer_id", ";".join),
        claim=("claim", "first"), currency=("claim_currency", "first")).reset_index()
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

    accounts = ctx.data.accounts[["account_id", "holder_id"]]
    cases = ctx.cases
    sources = cases.merge(accounts, left_on="debtor_id", right_on="holder_id")
    sources = pd.DataFrame({
        "case_id": sources["case_id"], "account_id": sources["account_id"],
        "start": sources["window_start"],
        "end": sources["end"] + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)})
    sinks = ctx.ties.merge(accounts, left_on="party_id", right_on="holder_id").merge(
        cases[["case_id", "debtor_id"]], on="debtor_id")
    sinks = sinks[["case_id", "account_id", "party_id", "category"]].rename(
        columns={"category": "kind"})
    if sources.empty or sinks.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    rule = str(ctx.params.get("trace_rule", "fifo"))
    result = trace(ctx.data.transfers, sources, sinks, TraceParams(rule=rule))
    audit = result.audit[result.audit["hop"] >= 2]
    pieces = audit.merge(sinks, left_on=["case_id", "dst"], right_on=["case_id", "account_id"])
    if pieces.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    pieces = pieces.merge(ctx.ties, left_on=[pieces["case_id"].map(
        cases.set_index("case_id")["debtor_id"]), "party_id"], right_on=["debtor_id", "party_id"])
    g = pieces.sort_values("chain").groupby(["case_id", "party_id"], sort=True).agg(
        amount=("traced", "sum"), evidence=("chain", ";".join), hops=("hop", "min"),
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
    subordinates relatives' claims, which is the motive to pay them first."""
    r = _related_out(ctx)
    r = r[(r["date"] >= r["preference_start"]) & (r["date"] <= r["end"])]
    if r.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    loans = ctx.inflow[["case_id", "src_holder", "amount", "date"]]
    lent = loans.merge(r[["case_id", "dst_holder"]].drop_duplicates(),
                       left_on=["case_id", "src_holder"], right_on=["case_id", "dst_holder"])
    lent = lent[lent["date"] < lent.merge(ctx.cases, on="case_id")["preference_start"].to_numpy()]
    owed = lent.groupby(["case_id", "src_holder"])["amount"].sum()
    r = r[_memo_has(r["memo"], REPAYMENT_WORDS)
          | pd.MultiIndex.from_frame(r[["case_id", "dst_holder"]]).isin(owed.index)]
    if r.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    g = r.sort_values("transfer_id").groupby(["case_id", "dst_holder"], sort=True).agg(
        amount=("amount", "sum"), evidence=("transfer_id", ";".join),
        category=("category", "first"), path=("path", "first"), tie=("strength", "first"),
        claim=("claim", "first"), currency=("claim_currency", "first")).reset_index()
    g = g.rename(columns={"dst_holder": "party"})
    g["strength"] = _materiality(g["amount"], g["claim"], 0.2) * g["tie"]
    return _emit(g, ctx, "S09", "preference",
                       lambda r: (f"{r['money']} repaid to {r['party_name']}{_tie_text(r)} in "
                                  "the preference window before the anchor, ahead of other "
                                  "creditors"),
                       lambda r: f"个别清偿期间内向关联方{r['party_name']}清偿{r['money']}")


def related_share(ctx: Context) -> pd.DataFrame:
    """S10: the share of the debtor's outflows in the window (own accounts excluded) that went
    to related parties or cash; counted above one half."""
    o = ctx.out[_in(ctx.out, "window_start") & (ctx.out["dst_holder"] != ctx.out["debtor_id"])
                | (_in(ctx.out, "window_start") & _cash(ctx.out))]
    tie = o.merge(ctx.ties[["debtor_id", "party_id"]], left_on=["debtor_id", "dst_holder"],
                  right_on=["debtor_id", "party_id"], how="left")["party_id"].notna().to_numpy()
    o = o.assign(rel=np.where(tie | _cash(o).to_numpy(), o["amount"], 0.0))
    g = o.groupby("case_id").agg(total=("amount", "sum"), rel=("rel", "sum"),
                                 claim=("claim", "first"),
                                 currency=("claim_currency", "first")).reset_index()
    g["share"] = g["rel"] / g["total"].where(g["total"] > 0, 1.0)
    g["amount"] = g["rel"]
    g["strength"] = ((g["share"] - 0.5) / 0.4).clip(0.0, 1.0) * _materiality(
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
    o = ctx.out[_in(ctx.out, "window_start") & (ctx.out["dst_holder"] != ctx.out["debtor_id"])]
    o = o[o["dst_holder"].notna() & ~_cash(o)]
    o = o.merge(ctx.ties[["debtor_id", "party_id"]], left_on=["debtor_id", "dst_holder"],
                right_on=["debtor_id", "party_id"], how="left")
    o = o[o["party_id"].isna()]
    persons = set(ctx.data.persons["person_id"])
    income = o["case_id"].map(ctx.income).fillna(0.0)
    said = _memo_has(o["memo"], GIFT_WORDS)
    earlier = ctx.out[["case_id", "dst_holder", "date"]].rename(columns={"date": "d0"})
    first = earlier.groupby(["case_id", "dst_holder"])["d0"].min()
    first_paid = first.reindex(pd.MultiIndex.from_frame(o[["case_id", "dst_holder"]])).to_numpy()
    back = ctx.inflow.groupby(["case_id", "src_holder"]).size()
    paid_back = pd.MultiIndex.from_frame(o[["case_id", "dst_holder"]]).isin(back.index)
    new_person = (o["dst_holder"].isin(persons) & (pd.Series(first_paid, index=o.index)
                                                   >= o["window_start"]) & ~paid_back)
    # a payment to someone who gave up a title within 90 days is a purchase (S03 looks at
    # whose name the title went to), not a gift
    sold = ctx.data.titles.dropna(subset=["from_party"])[["from_party", "date"]].rename(
        columns={"from_party": "dst_holder", "date": "sold_on"})
    near = o[["transfer_id", "dst_holder", "date"]].merge(sold, on="dst_holder")
    near = near[(near["sold_on"] - near["date"]).abs() <= pd.Timedelta(days=90)]
    purchase = o["transfer_id"].isin(near["transfer_id"])
    unexplained = new_person & (o["amount"] > 3.0 * income) & ~purchase & ~_memo_has(
        o["memo"], SUPPORT_WORDS + REPAYMENT_WORDS)
    o = o[said | unexplained].assign(said=said[said | unexplained])
    if o.empty:
        return pd.DataFrame(columns=HIT_COLUMNS)
    g = o.sort_values("transfer_id").groupby(["case_id", "dst_holder"], sort=True).agg(
        amount=("amount", "sum"), n=("amount", "size"), evidence=("transfer_id", ";".join),
        said=("said", "max"), claim=("claim", "first"),
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
    from clawback.algorithms.communities import CommunityParams, enabler_hits, enablers

    params = CommunityParams(seed=int(ctx.params.get("seed", 7)))
    windows = ctx.cases[["case_id", "anchor", "window_start"]]
    found = enablers(ctx.data, ctx.ties, params)
    # Persons only: a company paid by several debtors is far more often a seller (a car dealer,
    # a developer) than a nominee; companies that pass money on are layering (S08).
    found = found[found["party_id"].isin(ctx.data.persons["person_id"])]
    return enabler_hits(ctx.data, ctx.ties, windows, params, found=found)


SIGNALS = {"S01": related_transfers, "S02": conveyances, "S03": nominee_purchases,
           "S04": divorce_transfers, "S05": relative_shells, "S06": cash_spikes,
           "S07": structuring, "S08": layering, "S09": related_preferences,
           "S10": related_share, "S11": gifts, "S12": enablers_paid}



def run_signals(ctx: Context) -> pd.DataFrame:
    frames = [f(ctx) for f in SIGNALS.values()]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=HIT_COLUMNS)
    return pd.concat(frames, ignore_index=True)
