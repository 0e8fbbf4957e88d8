"""Companies and company roles.

Per-city background pools (employers, merchants, utilities, hospitals, schools, car dealers,
bank branches) that the background flows draw from, and the companies of each case: the
debtor's employer or own business, relatives' companies and planted shells.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any

import numpy as np

from clawback.demo import names as nm
from clawback.demo.generator.common import (
    CN,
    NA,
    ROLE,
    S_CHILD1,
    S_DEBTOR,
    S_FATHER,
    S_FIL,
    S_MIL,
    S_MOTHER,
    S_SIB1,
    S_SIB2,
    S_SIBSP1,
    S_SPOUSE,
    US,
    Dice,
    day_of,
    yd,
)
from clawback.demo.generator.households import Households
from clawback.demo.generator.plan import Plan
from clawback.demo.idcard import CREDIT_CODE_ALPHABET, make_credit_code

__all__ = [
    "Companies",
    "build_companies",
]


class Companies:
    """Companies, their roles, and the per-city pools that background flows draw from."""

    def __init__(self, dice: Dice, plan: Plan):
        self.dice = dice
        self.plan = plan
        self.name: list[str] = []
        self.reg: list[str] = []
        self.inc: list[int] = []
        self.address: list[str] = []
        self.status: list[str] = []
        self.locale: list[int] = []
        self.bank_inst: list[int] = []  # institution index for banks' own accounts, else -1
        self.merchant_app: list[bool] = []  # also has a payment-app merchant account
        self._names: set[str] = set()
        self._codes: set[str] = set()
        # roles: (party, company, role, share_hundredths or -1, start, end)
        self.roles: list[tuple[int, int, int, int, int, int]] = []
        self.pools: dict[str, dict[int, list[int]]] = {}
        self.business = np.full(plan.n, -1, dtype=np.int64)
        self.relative_co = np.full(plan.n, -1, dtype=np.int64)
        self.shell = np.full(plan.n, -1, dtype=np.int64)
        self.employer = np.full(plan.n, -1, dtype=np.int64)
        self.bank_co: dict[tuple[int, int], int] = {}  # (city key, bank index) -> company
        self.state_utility: dict[str, int] = {}

    # -- primitives ---------------------------------------------------------------------------
    def add(self, name: str, inc: int, address: str, status: str, locale: int, *,
            area_code: int = 440300, public: bool = False, bank_inst: int = -1,
            merchant_app: bool = False) -> int:
        self._names.add(name)
        self.name.append(name)
        self.reg.append(self._credit_code(area_code, inc, public) if locale == CN
                        else self._ein())
        self.inc.append(inc)
        self.address.append(address)
        self.status.append(status)
        self.locale.append(locale)
        self.bank_inst.append(bank_inst)
        self.merchant_app.append(merchant_app)
        return len(self.name) - 1

    def unique_name(self, make: Callable[[], str]) -> str:
        for _ in range(30):
            name = make()
            if name not in self._names:
                return name
        base = make()
        k = 2
        while f"{base}（{k}）" in self._names:
            k += 1
        return f"{base}（{k}）"

    def _credit_code(self, area_code: int, inc: int, public: bool) -> str:
        d = self.dice
        alphabet = CREDIT_CODE_ALPHABET
        while True:
            if inc >= day_of(date(2016, 1, 1)):
                body = "MA5" + "".join(alphabet[d.integer(0, 31)] for _ in range(5))
            else:
                body = "".join(str(d.integer(0, 10)) for _ in range(8))
            code = make_credit_code("1" if public else "9", "2" if public else "1",
                                    area_code // 100 * 100, body)
            if code not in self._codes:
                self._codes.add(code)
                return code

    def _ein(self) -> str:
        while True:
            code = f"{self.dice.integer(10, 99)}-{self.dice.integer(1_000_000, 9_999_999)}"
            if code not in self._codes:
                self._codes.add(code)
                return code

    def role(self, party: int, company: int, role: str, share: float | None, start: int,
             end: int = NA) -> None:
        hundredths = -1 if share is None else round(share * 100)
        self.roles.append((party, company, ROLE[role], hundredths, start, end))

    def pool_add(self, pool: str, key: int, company: int) -> None:
        self.pools.setdefault(pool, {}).setdefault(key, []).append(company)

    # -- addresses ----------------------------------------------------------------------------
    def cn_address(self, area: int) -> str:
        d = self.dice
        a = nm.AREAS[area]
        roads = nm.SZ_ROADS if a.city == "深圳市" else nm.CN_ROADS
        head = f"{a.province}{a.city}{a.district}{d.pick(roads)}{d.integer(1, 400)}号"
        if d.chance(0.5):
            floor, room = d.integer(2, 40), d.integer(1, 20)
            return f"{head}{d.pick(nm.CN_TRADE_NAMES)}大厦{floor}楼{room:02d}室"
        return f"{head}{d.integer(1, 30)}栋{d.integer(1, 30)}{d.integer(1, 12):02d}"

    def us_address(self, city: int) -> str:
        d = self.dice
        c = nm.US_CITIES[city]
        return (f"{d.integer(100, 9900)} {d.pick(nm.US_STREETS)} {d.pick(nm.US_STREET_SUFFIXES)} "
                f"Suite {d.integer(100, 999)}, {c.name}, {c.state} "
                f"{c.zip_prefix * 100 + d.integer(0, 100):05d}")


def _city_key(locale: int, city: int) -> int:
    return city if locale == CN else len(nm.CN_CITIES) + city


def build_companies(dice: Dice, plan: Plan, hh: Households) -> Companies:
    """The pools of every city that has cases, then the companies of each case."""
    co = Companies(dice, plan)
    _build_national_merchants(co)
    for loc, cities in ((CN, nm.CN_CITIES), (US, nm.US_CITIES)):
        for ci in range(len(cities)):
            demand = int(np.count_nonzero((plan.locale == loc) & (plan.city == ci)))
            if demand:
                _build_city_pools(co, loc, ci, demand)
    _build_case_companies(co, plan, hh)
    return co


def _build_national_merchants(co: Companies) -> None:
    s0 = co.plan.s0
    shared: list[tuple[int, int, str]] = []
    for name, cat in nm.CN_NATIONAL_MERCHANTS:
        c = co.add(name, s0 - co.dice.integer(3000, 8000), co.cn_address(9), "active", CN,
                   area_code=110100, merchant_app=True)
        shared.append((CN, c, cat))
    for name, cat in nm.US_MERCHANTS:
        c = co.add(name, s0 - co.dice.integer(5000, 15000), co.us_address(0), "active", US)
        shared.append((US, c, cat))
    for loc, ncity in ((CN, len(nm.CN_CITIES)), (US, len(nm.US_CITIES))):
        for ci in range(ncity):
            for lo, c, cat in shared:
                if lo == loc:
                    co.pool_add(cat, _city_key(loc, ci), c)


def _build_city_pools(co: Companies, loc: int, ci: int, demand: int) -> None:
    if loc == CN:
        _cn_city_pools(co, ci, demand)
    else:
        _us_city_pools(co, ci, demand)


def _cn_firm_name(d: Dice, city: str, kind: str | None) -> str:
    return f"{city}{d.pick(nm.CN_TRADE_NAMES)}{kind or d.pick(nm.CN_INDUSTRIES)}有限公司"


def _cn_city_pools(co: Companies, ci: int, demand: int) -> None:
    d, s0 = co.dice, co.plan.s0
    key = _city_key(CN, ci)
    city = nm.CN_CITIES[ci]
    area_idx = [next(i for i, a in enumerate(nm.AREAS) if a.code == c)
                for c in city.district_codes]

    def add(pool: str, name: str, age: tuple[int, int], area: int | None = None,
            **kw: Any) -> int:
        area = d.pick(area_idx) if area is None else area
        c = co.add(name, s0 - d.integer(*age), co.cn_address(area), "active", CN,
                   area_code=nm.AREAS[area].code, **kw)
        if pool:
            co.pool_add(pool, key, c)
        return c

    for _ in range(max(4, demand // 6)):
        add("employer", co.unique_name(partial(_cn_firm_name, d, city.name, None)), (700, 9000))
    for kind, pool, count in (("百货超市", "grocery", max(3, demand // 60)),
                              ("便利店", "grocery", max(2, demand // 80)),
                              ("餐饮管理", "dining", max(4, demand // 40)),
                              ("汽车销售服务", "dealer", max(2, demand // 250))):
        for _ in range(count):
            add(pool, co.unique_name(partial(_cn_firm_name, d, city.name, kind)), (700, 9000),
                merchant_app=pool != "dealer")
    for name in (f"中国石化销售股份有限公司{city.name}石油分公司",
                 f"中国石油天然气股份有限公司{city.name}销售分公司"):
        add("fuel", name, (5000, 9000), merchant_app=True)
    for name in city.utilities:
        add("utility", name, (5000, 12000), merchant_app=True)
    for name in city.hospitals:
        add("hospital", name, (8000, 20000), public=True)
    for _ in range(max(2, demand // 60)):
        area = d.pick(area_idx)
        add("school", co.unique_name(partial(_school_name, d, nm.AREAS[area])), (3000, 15000),
            area, public=True)
    short = city.name.removesuffix("市")
    for b, (_short, legal, _w) in enumerate(nm.CN_BANKS):
        co.bank_co[(key, b)] = add("", f"{legal}{short}分行", (6000, 12000), bank_inst=b)


def _us_city_pools(co: Companies, ci: int, demand: int) -> None:
    d, s0 = co.dice, co.plan.s0
    key = _city_key(US, ci)
    city = nm.US_CITIES[ci]

    def add(pool: str, name: str, age: tuple[int, int], **kw: Any) -> int:
        c = co.add(name, s0 - d.integer(*age), co.us_address(ci), "active", US, **kw)
        if pool:
            co.pool_add(pool, key, c)
        return c

    for _ in range(max(4, demand // 6)):
        add("employer", co.unique_name(
            lambda: f"{d.pick(nm.US_SURNAMES)} {d.pick(nm.US_INDUSTRIES)} LLC"), (700, 9000))
    for _ in range(max(3, demand // 40)):
        add("dining", co.unique_name(lambda: f"{d.pick(nm.US_SURNAMES)}'s Kitchen LLC"),
            (700, 9000))
    for brand in ("Toyota", "Honda"):
        add("dealer", f"{city.name} {brand} Motors Inc.", (2000, 9000))
    if city.state not in co.state_utility:
        co.state_utility[city.state] = add("", nm.US_UTILITIES[city.state], (8000, 15000))
    co.pool_add("utility", key, co.state_utility[city.state])
    for name in city.hospitals:
        add("hospital", name, (8000, 20000))
    for _ in range(max(1, demand // 60)):
        add("school", co.unique_name(lambda: f"{city.name} {d.pick(nm.US_SURNAMES)} Academy"),
            (3000, 15000))
    for b, (_short, legal, _w) in enumerate(nm.US_BANKS):
        bank = len(nm.CN_BANKS) + b
        co.bank_co[(key, bank)] = add("", f"{legal} ({city.name} branch)", (6000, 12000),
                                      bank_inst=bank)


def _school_name(d: Dice, area: nm.Area) -> str:
    kind = d.pick(("小学", "中学", "实验学校", "幼儿园"))
    return f"{area.city}{area.district}{d.pick(nm.CN_SCHOOL_NAMES)}{kind}"


def _relative_slots(hh: Households, c: int, *, kin: Sequence[int]) -> list[int]:
    return [s for s in kin if hh.has[c, s]]


def _build_case_companies(co: Companies, plan: Plan, hh: Households) -> None:
    d, s0 = co.dice, plan.s0
    employers = co.pools["employer"]
    has_shell = plan.has("relative_shell")
    rel_co = plan.relative_co
    for c in range(plan.n):
        loc = int(plan.locale[c])
        ci = int(plan.city[c])
        key = _city_key(loc, ci)
        debtor = int(hh.pidx[c, S_DEBTOR])
        if not plan.self_employed[c]:
            emp = d.pick(employers[key])
            co.employer[c] = emp
            end = int(plan.income_end[c]) if plan.income_end[c] < plan.filing[c] else NA
            hired = max(s0 - d.integer(180, 3000), co.inc[emp] + 30,
                        int(hh.birth[c, S_DEBTOR]) + 18 * 366)
            co.role(debtor, emp, "employee", None, hired, end)
        else:
            co.business[c] = _add_business(co, plan, hh, c, loc, ci)
        if rel_co[c]:
            co.relative_co[c] = _add_relative_company(co, plan, hh, c, loc, ci, shell=False)
        if has_shell[c]:
            co.shell[c] = _add_relative_company(co, plan, hh, c, loc, ci, shell=True)


def _company_name(co: Companies, loc: int, ci: int) -> str:
    d = co.dice
    if loc == CN:
        city = nm.CN_CITIES[ci].name
        return co.unique_name(
            lambda: f"{city}{d.pick(nm.CN_TRADE_NAMES)}{d.pick(nm.CN_INDUSTRIES)}有限公司")
    return co.unique_name(lambda: f"{d.pick(nm.US_SURNAMES)} {d.pick(nm.US_INDUSTRIES)} LLC")


def _company_place(co: Companies, plan: Plan, c: int, loc: int, ci: int) -> tuple[str, int]:
    if loc == CN:
        area = int(plan.district[c])
        return co.cn_address(area), nm.AREAS[area].code
    return co.us_address(ci), 0


def _add_business(co: Companies, plan: Plan, hh: Households, c: int, loc: int,
                  ci: int) -> int:
    d = co.dice
    inc = max(plan.s0 - d.integer(365, 12 * 365), int(hh.birth[c, S_DEBTOR]) + 20 * 366)
    addr, code = _company_place(co, plan, c, loc, ci)
    status = d.weighted(("active", "revoked", "deregistered"), (0.5, 0.25, 0.25))
    comp = co.add(_company_name(co, loc, ci), inc, addr, status, loc, area_code=code or 440300)
    debtor = int(hh.pidx[c, S_DEBTOR])
    spouse = -1
    if hh.has[c, S_SPOUSE] and not plan.old_divorce[c] and hh.birth[c, S_SPOUSE] + 18 * 366 <= inc:
        spouse = int(hh.pidx[c, S_SPOUSE])
    share = 1.0 if spouse < 0 else round(d.uniform(0.51, 1.0), 2)
    co.role(debtor, comp, "legal_representative", None, inc)
    co.role(debtor, comp, "shareholder", share, inc)
    if spouse >= 0 and share < 1.0:
        co.role(spouse, comp, "shareholder", round(1.0 - share, 2), inc)
    sup = [s for s in _relative_slots(hh, c, kin=(S_SPOUSE, S_MOTHER, S_FATHER, S_SIB1))
           if (s != S_SPOUSE or spouse >= 0) and hh.birth[c, s] + 18 * 366 <= inc]
    if sup and d.chance(0.5):
        co.role(int(hh.pidx[c, sup[0]]), comp, "supervisor", None, inc)
    return comp


def _add_relative_company(co: Companies, plan: Plan, hh: Households, c: int, loc: int,
                          ci: int, *, shell: bool) -> int:
    d = co.dice
    kin = (S_SIB1, S_SIBSP1, S_SPOUSE, S_FATHER, S_MOTHER, S_FIL, S_MIL, S_SIB2, S_CHILD1)
    candidates = [s for s in _relative_slots(hh, c, kin=kin)
                  if (s != S_SPOUSE or not plan.old_divorce[c])
                  and hh.birth[c, s] < plan.s0 - yd(20)]
    if not candidates:  # no adult relative: any recorded relative, else the debtor himself
        candidates = _relative_slots(hh, c, kin=kin)[:1] or [S_DEBTOR]
    slot = candidates[0] if shell and d.chance(0.5) else d.pick(candidates)
    owner = int(hh.pidx[c, slot])
    if shell:
        hi = int(min(plan.distress[c], plan.filing[c] - 120))
        inc = max(plan.s0 + 60, hi - d.integer(20, 240))
    else:
        inc = d.integer(max(plan.s0 - 8 * 365, int(hh.birth[c, slot]) + 20 * 366),
                        int(plan.filing[c]) - 60)
    addr, code = _company_place(co, plan, c, loc, ci)
    comp = co.add(_company_name(co, loc, ci), inc, addr, "active", loc, area_code=code or 440300)
    co.role(owner, comp, "legal_representative", None, inc)
    others = [s for s in candidates if s != slot]
    if shell and others and d.chance(0.35):
        share = round(d.uniform(0.6, 0.9), 2)
        co.role(owner, comp, "shareholder", share, inc)
        co.role(int(hh.pidx[c, others[0]]), comp, "shareholder", round(1 - share, 2), inc)
    else:
        co.role(owner, comp, "shareholder", 1.0, inc)
    if shell and d.chance(0.3):
        co.role(int(hh.pidx[c, S_DEBTOR]), comp, "manager", None, inc + d.integer(5, 60))
    return comp
