"""Background flows: the ordinary financial life of every debtor, vectorised.

Salary or business income, spending, rent or mortgage, bank credit, support to parents, red
envelopes, school fees, allowances, child support, household money, cash, friends and siblings,
medical bills and help from family.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from clawback.demo import names as nm
from clawback.demo.generator.accounts import Accounts
from clawback.demo.generator.common import (
    CH,
    CN,
    DAY_S,
    S_CHILD1,
    S_CHILD2,
    S_DEBTOR,
    S_FATHER,
    S_FIL,
    S_FRIEND1,
    S_FRIEND2,
    S_LANDLORD,
    S_MIL,
    S_MOTHER,
    S_SIB1,
    S_SIB2,
    S_SPOUSE,
    US,
    YEAR,
    choose,
    day_of,
    yd,
    year_of_day,
)
from clawback.demo.generator.companies import Companies
from clawback.demo.generator.households import Households
from clawback.demo.generator.ledger import Memos, Transfers
from clawback.demo.generator.plan import Plan

__all__ = [
    "Flows",
    "background_flows",
]


_SPEND_CATEGORIES = ("grocery", "dining", "fuel", "online", "utility")
_SPEND_WEIGHTS = (0.33, 0.30, 0.10, 0.17, 0.10)
_SPEND_MEDIAN = (180.0, 120.0, 300.0, 260.0, 220.0)  # CNY; US amounts are divided by 6


_SPRING_FESTIVAL = {
    2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5), 2020: (1, 25),
    2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17),
    2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3), 2031: (1, 23), 2032: (2, 11),
}


@dataclass
class Flows:
    """Everything background flows need, with per-case account lookups precomputed."""

    rng: np.random.Generator
    plan: Plan
    hh: Households
    co: Companies
    acc: Accounts
    memos: Memos
    tx: Transfers
    n_people: int

    def __post_init__(self) -> None:
        debtor = self.hh.pidx[:, S_DEBTOR]
        self.deb_bank = self.acc.bank[debtor]
        self.deb_app = self.acc.app[debtor]
        self.city_key = np.where(self.plan.locale == CN, self.plan.city,
                                 len(nm.CN_CITIES) + self.plan.city)
        self.creditor_co = np.array([
            self.co.bank_co[(int(k), int(b))]
            for k, b in zip(self.city_key.tolist(), self.plan.creditor_bank.tolist(),
                            strict=True)
        ], dtype=np.int64)

    def co_bank(self, company: np.ndarray) -> np.ndarray:
        return self.acc.bank[self.n_people + company]

    def co_app(self, company: np.ndarray) -> np.ndarray:
        return self.acc.app[self.n_people + company]

    def pick_pool(self, pool: str, cases: np.ndarray) -> np.ndarray:
        """A random company of ``pool`` in each case's city."""
        table = self.co.pools[pool]
        out = np.full(len(cases), -1, dtype=np.int64)
        keys = self.city_key[cases]
        for key, members in table.items():
            m = keys == key
            if m.any():
                arr = np.array(members, dtype=np.int64)
                out[m] = arr[self.rng.integers(0, len(arr), int(m.sum()))]
        return out

    def emit(self, cases: np.ndarray, frm: np.ndarray | int, to: np.ndarray | int,
             amount: np.ndarray,
             day: np.ndarray, hours: tuple[int, int], channel: np.ndarray | int,
             memo: np.ndarray | int) -> None:
        clock = _clock(self.rng, len(day), *hours)
        self.tx.add(frm, to, _cents(amount), day * DAY_S + clock, channel, memo,
                    self.plan.locale[cases])


def _months(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _month_first(months: np.ndarray) -> np.ndarray:
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _cents(x: np.ndarray | float) -> np.ndarray:
    return np.maximum(np.round(np.asarray(x, dtype=np.float64) * 100).astype(np.int64), 1)


def _round_to(x: np.ndarray, step: float) -> np.ndarray:
    return np.maximum(np.round(np.asarray(x) / step), 1) * step


def _clock(rng: np.random.Generator, n: int, h0: int, h1: int) -> np.ndarray:
    """Seconds after midnight, whole minutes between ``h0``:00 and ``h1``:00."""
    return rng.integers(h0 * 60, h1 * 60, n) * 60


def _monthly(first: np.ndarray, last: np.ndarray,
             dom: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One event per calendar month on day ``dom`` within ``[first, last]``, per stream."""
    m0, m1 = _months(first), _months(last)
    counts = np.maximum(m1 - m0 + 1, 0)
    rep = np.repeat(np.arange(len(first)), counts)
    k = np.arange(rep.size) - np.repeat(np.cumsum(counts) - counts, counts)
    day = _month_first(m0[rep] + k) + dom[rep] - 1
    keep = (day >= first[rep]) & (day <= last[rep])
    return rep[keep], day[keep]


def _scatter(rng: np.random.Generator, first: np.ndarray, last: np.ndarray,
             per_day: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Poisson-many events at uniform days within ``[first, last]``, per stream."""
    span = np.maximum(last - first + 1, 0)
    counts = rng.poisson(np.asarray(per_day) * span)
    rep = np.repeat(np.arange(len(first)), counts)
    day = first[rep] + (rng.random(rep.size) * span[rep]).astype(np.int64)
    return rep, day


def _usd(plan: Plan, cases: np.ndarray, cn: np.ndarray | float,
         us: np.ndarray | float) -> np.ndarray:
    return np.where(plan.locale[cases] == CN, cn, us)


def background_flows(x: Flows) -> None:
    """Emit every background flow (the fixed order fixes the random stream)."""
    for flow in (_flow_salary, _flow_business_income, _flow_spending, _flow_rent,
                 _flow_mortgage, _flow_credit, _flow_parent_support, _flow_red_envelopes,
                 _flow_school_fees, _flow_allowance, _flow_child_support, _flow_household,
                 _flow_cash, _flow_friends, _flow_siblings, _flow_medical, _flow_family_help):
        flow(x)


def _flow_salary(x: Flows) -> None:
    p, rng = x.plan, x.rng
    cases = np.flatnonzero(x.co.employer >= 0)
    first = np.full(len(cases), p.s0)
    last = np.minimum(p.income_end[cases], p.filing[cases])
    rep, day = _monthly(first, last, rng.integers(5, 16, len(cases)))
    c = cases[rep]
    day = np.clip(day + rng.integers(-1, 2, len(day)), first[rep], last[rep])
    amount = p.income[c] * (1 + 0.03 * rng.standard_normal(len(c)))
    month = _months(day) % 12  # 0 = January
    by_month = (rng.random(len(cases)) < 0.35)[rep] & (p.locale[c] == CN)
    memo = np.where(by_month, x.memos.salary_month[(month - 1) % 12],
                    x.memos.pick(rng, "salary", p.locale[c]))
    frm = x.co_bank(x.co.employer[c])
    x.emit(c, frm, x.deb_bank[c], amount, day, (9, 12), CH["bank_transfer"], memo)
    bonus = (month == 0) & (rng.random(len(c)) < 0.3)
    cb = c[bonus]
    x.emit(cb, frm[bonus], x.deb_bank[cb], p.income[cb] * rng.uniform(0.5, 2.5, len(cb)),
           np.minimum(day[bonus] + 3, last[rep][bonus]), (9, 12), CH["bank_transfer"],
           x.memos.pick(rng, "bonus", p.locale[cb]))


def _flow_business_income(x: Flows) -> None:
    p, rng = x.plan, x.rng
    cases = np.flatnonzero(x.co.business >= 0)
    rep, day = _scatter(rng, np.full(len(cases), p.s0), p.income_end[cases], 0.45 / 30.4)
    c = cases[rep]
    amount = _round_to(p.income[c] * rng.lognormal(0, 0.5, len(c)), 100)
    x.emit(c, x.co_bank(x.co.business[c]), x.deb_bank[c], amount, day, (9, 18),
           CH["bank_transfer"], x.memos.pick(rng, "business_income", p.locale[c]))


def _flow_spending(x: Flows) -> None:
    p, rng = x.plan, x.rng
    cases = np.arange(p.n)
    rate = rng.uniform(0.1, 0.45, p.n) / 30.4
    rep, day = _scatter(rng, np.full(p.n, p.s0), p.filing, rate)
    c = cases[rep]
    cat = choose(rng, len(c), _SPEND_WEIGHTS)
    merchant = np.zeros(len(c), dtype=np.int64)
    for k, name in enumerate(_SPEND_CATEGORIES):
        m = cat == k
        merchant[m] = x.pick_pool(name, c[m])
    missing = merchant < 0
    merchant[missing] = x.pick_pool("grocery", c[missing])
    cat[missing] = 0
    amount = np.array(_SPEND_MEDIAN)[cat] * rng.lognormal(0, 0.8, len(c))
    amount = np.round(amount / _usd(p, c, 1.0, 6.0), 2)
    m_app = x.co_app(merchant)
    use_app = (x.deb_app[c] >= 0) & (m_app >= 0) & (rng.random(len(c)) < 0.65)
    frm = np.where(use_app, x.deb_app[c], x.deb_bank[c])
    to = np.where(use_app, m_app, x.co_bank(merchant))
    channel = np.where(use_app, CH["payment_app"], CH["card"])
    memo = np.zeros(len(c), dtype=np.int64)
    for k, name in enumerate(_SPEND_CATEGORIES):
        m = cat == k
        memo[m] = x.memos.pick(rng, name, p.locale[c[m]])
    x.emit(c, frm, to, amount, day, (8, 22), channel, memo)


def _flow_rent(x: Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    cases = np.flatnonzero(hh.has[:, S_LANDLORD])
    last_city = len(nm.CN_CITIES) - 1
    rent_cn = np.array([ct.rent for ct in nm.CN_CITIES])[np.minimum(p.city[cases], last_city)]
    rent = _round_to(_usd(p, cases, rent_cn, 2400.0) * rng.lognormal(0, 0.3, len(cases)), 100)
    rep, day = _monthly(np.full(len(cases), p.s0), p.filing[cases],
                        rng.integers(1, 11, len(cases)))
    # most PRC leases are paid three months at a time (押一付三)
    quarterly = (p.locale[cases] == CN) & (rng.random(len(cases)) < 0.75)
    phase = rng.integers(0, 3, len(cases))
    keep = ~quarterly[rep] | ((_months(day) - phase[rep]) % 3 == 0)
    rep, day = rep[keep], day[keep]
    rent = np.where(quarterly, rent * 3, rent)
    c = cases[rep]
    landlord = x.acc.bank[hh.pidx[c, S_LANDLORD]]
    us_check = (p.locale[c] == US) & (rng.random(len(c)) < 0.4)
    month_memo = x.memos.rent_month[_months(day) % 12]
    memo = np.where((p.locale[c] == CN) & (rng.random(len(c)) < 0.3), month_memo,
                    x.memos.pick(rng, "rent", p.locale[c]))
    x.emit(c, x.deb_bank[c], landlord, rent[rep], day, (8, 22),
           np.where(us_check, CH["check"], CH["bank_transfer"]), memo)


def _flow_mortgage(x: Flows) -> None:
    p, rng = x.plan, x.rng
    cases = np.flatnonzero(p.mortgage)
    other = np.where(p.locale[cases] == CN, rng.integers(0, len(nm.CN_BANKS), len(cases)),
                     len(nm.CN_BANKS) + rng.integers(0, len(nm.US_BANKS), len(cases)))
    which = np.where(rng.random(len(cases)) < 0.5, p.creditor_bank[cases], other)
    bank = np.array([x.co.bank_co[(int(k), int(b))] for k, b in zip(
        x.city_key[cases].tolist(), which.tolist(), strict=True)], dtype=np.int64)
    payment = np.round(p.home_price[cases] * rng.uniform(0.0035, 0.0055, len(cases)), 2)
    last = np.where(rng.random(len(cases)) < 0.7, p.distress[cases], p.filing[cases])
    rep, day = _monthly(np.full(len(cases), p.s0), last, rng.integers(1, 29, len(cases)))
    c = cases[rep]
    x.emit(c, x.deb_bank[c], x.co_bank(bank[rep]), payment[rep], day, (0, 6),
           CH["bank_transfer"], x.memos.pick(rng, "mortgage", p.locale[c]))


def _flow_credit(x: Flows) -> None:
    p, rng = x.plan, x.rng
    # loan disbursements from the main creditor
    cases = np.flatnonzero(rng.random(p.n) < 0.8)
    lo = np.full(len(cases), p.s0 + 30)
    hi = np.maximum(p.distress[cases] - 120, lo + 1)
    day = lo + (rng.random(len(cases)) * (hi - lo)).astype(np.int64)
    amount = _round_to(p.claim[cases] * rng.uniform(0.3, 0.8, len(cases)), 1000)
    x.emit(cases, x.co_bank(x.creditor_co[cases]), x.deb_bank[cases], amount, day, (9, 17),
           CH["bank_transfer"], x.memos.pick(rng, "loan_disbursement", p.locale[cases]))
    # monthly repayments until distress
    cases = np.flatnonzero(rng.random(p.n) < 0.2)
    payment = np.round(p.claim[cases] * rng.uniform(0.01, 0.03, len(cases)), 2)
    rep, day = _monthly(np.full(len(cases), p.s0), p.distress[cases],
                        rng.integers(1, 29, len(cases)))
    c = cases[rep]
    x.emit(c, x.deb_bank[c], x.co_bank(x.creditor_co[c]), payment[rep], day, (8, 22),
           CH["bank_transfer"], x.memos.pick(rng, "loan_repayment", p.locale[c]))


def _flow_parent_support(x: Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    parent = np.where(hh.has[:, S_MOTHER], hh.pidx[:, S_MOTHER], hh.pidx[:, S_FATHER])
    prob = np.where(p.locale == CN, 0.15, 0.06)
    cases = np.flatnonzero((parent >= 0) & (rng.random(p.n) < prob))
    amount = _round_to(p.income[cases] * rng.uniform(0.05, 0.15, len(cases)), 100)
    rep, day = _monthly(np.full(len(cases), p.s0), p.filing[cases],
                        rng.integers(1, 29, len(cases)))
    c = cases[rep]
    use_app = x.deb_app[c] >= 0
    x.emit(c, np.where(use_app, x.deb_app[c], x.deb_bank[c]), x.acc.bank[parent[c]],
           amount[rep], day, (8, 22),
           np.where(use_app, CH["payment_app"], CH["bank_transfer"]),
           x.memos.pick(rng, "parent_support", p.locale[c]))


def _festival_days(s0: int, last: int) -> np.ndarray:
    days = [day_of(date(y, *_SPRING_FESTIVAL.get(y, (2, 1))))
            for y in range(year_of_day(s0), year_of_day(last) + 1)]
    return np.array(days, dtype=np.int64)


def _flow_red_envelopes(x: Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    festivals = _festival_days(p.s0, int(p.filing.max()))
    nf = len(festivals)
    case = np.repeat(np.arange(p.n), nf)
    fest = np.tile(festivals, p.n)
    ok = (p.locale[case] == CN) & (fest - 6 >= p.s0) & (fest <= p.filing[case])
    case, fest = case[ok], fest[ok]
    lucky = np.array([888, 1000, 1888, 2000, 3000, 5000, 6666, 8888], dtype=np.float64)
    level = np.clip(np.log(p.income[case] / 12_500) * 2 + 4, 0, 7)
    targets = ((S_MOTHER, S_FATHER, 0.85), (S_MIL, S_FIL, 0.3), (S_CHILD1, S_CHILD1, 0.2))
    for first, second, prob in targets:
        who = np.where(hh.has[case, first], hh.pidx[case, first], hh.pidx[case, second])
        m = (who >= 0) & (rng.random(len(case)) < prob)
        c, w = case[m], who[m]
        idx = np.clip((level[m] + rng.uniform(-2, 2, len(c))).astype(np.int64), 0, 7)
        amount = lucky[idx] if first != S_CHILD1 else lucky[np.minimum(idx, 3)] / 2
        use_app = x.deb_app[c] >= 0
        x.emit(c, np.where(use_app, x.deb_app[c], x.deb_bank[c]), x.acc.bank[w], amount,
               fest[m] - rng.integers(0, 7, len(c)), (8, 23),
               np.where(use_app, CH["payment_app"], CH["bank_transfer"]),
               x.memos.pick(rng, "red_envelope", p.locale[c]))


def _flow_school_fees(x: Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    pays = rng.random(p.n) < 0.55
    school = x.pick_pool("school", np.arange(p.n))
    fee = _round_to(_usd(p, np.arange(p.n), rng.uniform(2500, 25000, p.n),
                         rng.uniform(1500, 9000, p.n)), 100)
    y0, y1 = year_of_day(p.s0), year_of_day(int(p.filing.max()))
    terms = np.array([day_of(date(y, m, d)) for y in range(y0, y1 + 1)
                      for m, d in ((2, 20), (8, 25))], dtype=np.int64)
    for slot in (S_CHILD1, S_CHILD2):
        cases = np.flatnonzero(hh.has[:, slot] & pays & (school >= 0))
        case = np.repeat(cases, len(terms))
        term = np.tile(terms, len(cases)) + rng.integers(0, 12, len(case))
        age = (term - hh.birth[case, slot]) / YEAR
        ok = (age >= 3) & (age < 18) & (term >= p.s0) & (term <= p.filing[case])
        c, day = case[ok], term[ok]
        x.emit(c, x.deb_bank[c], x.co_bank(school[c]), fee[c], day, (9, 17),
               CH["bank_transfer"], x.memos.pick(rng, "school_fee", p.locale[c]))


def _flow_allowance(x: Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    for slot in (S_CHILD1, S_CHILD2):
        b = hh.birth[:, slot]
        first = np.maximum(p.s0, b + yd(18.2))
        last = np.minimum(p.filing, b + yd(22.8))
        cases = np.flatnonzero(hh.has[:, slot] & (first <= last) & (rng.random(p.n) < 0.5))
        amount = _round_to(_usd(p, cases, rng.uniform(1500, 3500, len(cases)),
                                rng.uniform(400, 1200, len(cases))), 100)
        rep, day = _monthly(first[cases], last[cases], rng.integers(1, 29, len(cases)))
        c = cases[rep]
        x.emit(c, x.deb_bank[c], x.acc.bank[hh.pidx[c, slot]], amount[rep], day, (8, 22),
               CH["bank_transfer"], x.memos.pick(rng, "allowance", p.locale[c]))


def _flow_child_support(x: Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    youngest = np.where(hh.has[:, S_CHILD2], hh.birth[:, S_CHILD2], hh.birth[:, S_CHILD1])
    last = np.minimum(p.filing, youngest + yd(18))
    cases = np.flatnonzero(p.old_divorce & hh.has[:, S_CHILD1] & (last > p.s0)
                           & (rng.random(p.n) < 0.8))
    amount = _round_to(_usd(p, cases, rng.uniform(1500, 5000, len(cases)),
                            rng.uniform(500, 1500, len(cases))), 100)
    rep, day = _monthly(np.full(len(cases), p.s0), last[cases], rng.integers(1, 29, len(cases)))
    c = cases[rep]
    x.emit(c, x.deb_bank[c], x.acc.bank[hh.pidx[c, S_SPOUSE]], amount[rep], day, (8, 22),
           CH["bank_transfer"], x.memos.pick(rng, "child_support", p.locale[c]))


def _flow_household(x: Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    cases = np.flatnonzero(hh.has[:, S_SPOUSE] & ~p.old_divorce & (rng.random(p.n) < 0.12))
    amount = _round_to(p.income[cases] * rng.uniform(0.15, 0.45, len(cases)), 100)
    rep, day = _monthly(np.full(len(cases), p.s0), p.filing[cases],
                        rng.integers(1, 29, len(cases)))
    c = cases[rep]
    use_app = x.deb_app[c] >= 0
    x.emit(c, np.where(use_app, x.deb_app[c], x.deb_bank[c]),
           x.acc.bank[hh.pidx[c, S_SPOUSE]], amount[rep], day, (8, 23),
           np.where(use_app, CH["payment_app"], CH["bank_transfer"]),
           x.memos.pick(rng, "household", p.locale[c]))


def _flow_cash(x: Flows) -> None:
    p, rng = x.plan, x.rng
    rate = rng.uniform(0.02, 0.14, p.n) / 30.4
    rep, day = _scatter(rng, np.full(p.n, p.s0), p.filing, rate)
    amount = np.minimum(_round_to(_usd(p, rep, 2000.0, 300.0) * rng.lognormal(0, 0.6, len(rep)),
                                  100), _usd(p, rep, 20000.0, 3000.0))
    x.emit(rep, x.deb_bank[rep], -1, amount, day, (7, 23), CH["cash_withdrawal"],
           x.memos.pick(rng, "cash_withdrawal", p.locale[rep]))
    rep, day = _scatter(rng, np.full(p.n, p.s0), p.filing, 0.04 / 30.4)
    amount = _round_to(_usd(p, rep, 3000.0, 500.0) * rng.lognormal(0, 0.6, len(rep)), 100)
    x.emit(rep, -1, x.deb_bank[rep], amount, day, (9, 17), CH["cash_deposit"],
           x.memos.pick(rng, "cash_deposit", p.locale[rep]))


def _flow_between(x: Flows, slot: int, per_month: float, median_cn: float, median_us: float,
                  step: float, memo_kind: str) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    cases = np.flatnonzero(hh.has[:, slot])
    rep, day = _scatter(rng, np.full(len(cases), p.s0), p.filing[cases], per_month / 30.4)
    c = cases[rep]
    other = x.acc.bank[hh.pidx[c, slot]]
    amount = _round_to(_usd(p, c, median_cn, median_us) * rng.lognormal(0, 0.7, len(c)), step)
    out = rng.random(len(c)) < 0.6
    use_app = out & (x.deb_app[c] >= 0)
    mine = np.where(use_app, x.deb_app[c], x.deb_bank[c])
    x.emit(c, np.where(out, mine, other), np.where(out, other, x.deb_bank[c]), amount, day,
           (8, 23), np.where(use_app, CH["payment_app"], CH["bank_transfer"]),
           x.memos.pick(rng, memo_kind, p.locale[c]))


def _flow_friends(x: Flows) -> None:
    for slot in (S_FRIEND1, S_FRIEND2):
        _flow_between(x, slot, 0.06, 600.0, 80.0, 10, "friend")


def _flow_siblings(x: Flows) -> None:
    for slot in (S_SIB1, S_SIB2):
        _flow_between(x, slot, 0.03, 3000.0, 400.0, 100, "sibling")


def _flow_medical(x: Flows) -> None:
    p, rng = x.plan, x.rng
    hospital = x.pick_pool("hospital", np.arange(p.n))
    rep, day = _scatter(rng, np.full(p.n, p.s0), p.filing, 0.05 / 30.4)
    amount = np.round(_usd(p, rep, 400.0, 150.0) * rng.lognormal(0, 0.9, len(rep)), 2)
    x.emit(rep, x.deb_bank[rep], x.co_bank(hospital[rep]), amount, day, (8, 18),
           CH["card"], x.memos.pick(rng, "medical", p.locale[rep]))
    cases = np.flatnonzero(p.illness)
    first = np.maximum(p.distress[cases] - 400, p.s0)
    last = np.minimum(p.distress[cases] + 60, p.filing[cases])
    k = rng.integers(4, 11, len(cases))
    rep = np.repeat(np.arange(len(cases)), k)
    day = first[rep] + (rng.random(len(rep)) * (last[rep] - first[rep] + 1)).astype(np.int64)
    c = cases[rep]
    amount = np.round(_usd(p, c, 1.0, 0.2) * rng.uniform(5000, 80000, len(c)), 2)
    x.emit(c, x.deb_bank[c], x.co_bank(hospital[c]), amount, day, (8, 18),
           CH["bank_transfer"], x.memos.pick(rng, "medical", p.locale[c]))


def _flow_family_help(x: Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    parent = np.where(hh.has[:, S_FATHER], hh.pidx[:, S_FATHER], hh.pidx[:, S_MOTHER])
    cases = np.flatnonzero(p.parents_help & (parent >= 0))
    k = rng.integers(1, 4, len(cases))
    rep = np.repeat(np.arange(len(cases)), k)
    c = cases[rep]
    first = np.maximum(p.distress[c] - 300, p.s0)
    last = p.filing[c] - 5
    day = first + (rng.random(len(c)) * (last - first + 1)).astype(np.int64)
    amount = _round_to(_usd(p, c, rng.uniform(10_000, 100_000, len(c)),
                            rng.uniform(2000, 15000, len(c))), 100)
    x.emit(c, x.acc.bank[parent[c]], x.deb_bank[c], amount, day, (8, 22), CH["bank_transfer"],
           x.memos.pick(rng, "family_help", p.locale[c]))
