"""Machinery for the per-case events: the case's state, payments, kin and properties.

:class:`CaseEvents` walks the cases one at a time in Python (only a handful of rows per case),
keeps the properties and their title history, and writes payments into the transfer buffer;
:class:`~clawback.demo.generator.typologies.Events` adds the planted typologies and honest
look-alikes on top.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from clawback.demo import names as nm
from clawback.demo.generator.common import (
    CH,
    CN,
    DAY_S,
    H_HH,
    H_INVEST,
    H_PARENTS,
    H_SELLER_FLAT,
    S_CHILD1,
    S_CHILD2,
    S_DEBTOR,
    S_FATHER,
    S_FIL,
    S_MIL,
    S_MOTHER,
    S_SIB1,
    S_SIB2,
    S_SIBSP1,
    S_SIBSP2,
    S_SPOUSE,
    TYP,
    US,
    YEAR,
    Dice,
    year_of_day,
)
from clawback.demo.generator.flows import Flows
from clawback.demo.generator.households import Relations
from clawback.demo.generator.persons import People

__all__ = [
    "KIN_WEIGHTS",
    "CaseEvents",
    "Prop",
]


# Kin weights for choosing the recipient of a planted transfer.
KIN_WEIGHTS = {
    S_SPOUSE: 2.0, S_MOTHER: 2.0, S_FATHER: 1.5, S_SIB1: 1.5, S_SIB2: 1.0, S_FIL: 0.7,
    S_MIL: 0.7, S_SIBSP1: 0.5, S_SIBSP2: 0.4, S_CHILD1: 1.5, S_CHILD2: 1.0,
}


@dataclass
class Prop:
    """A property while the per-case events run."""

    index: int
    vehicle: bool
    acquired: int
    price: float
    growth: float  # per year
    owners: list[tuple[int, float]]  # (party, share)

    def value(self, day: int) -> float:
        return self.price * (1.0 + self.growth) ** ((day - self.acquired) / YEAR)

    def debtor_share(self, debtor: int) -> float:
        return sum(s for p, s in self.owners if p == debtor)


class CaseEvents:
    """Per-case state, payments and properties, and the rows that the events produce."""

    def __init__(self, dice: Dice, x: Flows, people: People, rels: Relations):
        self.d = dice
        self.x = x
        self.p = x.plan
        self.hh = x.hh
        self.rels = rels
        self.n_people = people.n
        self.memos = x.memos
        self.tx = x.tx
        self.bank = x.acc.bank.tolist()
        self.bank2 = x.acc.bank2.tolist()
        self.opened = x.acc.opened.tolist()
        self.pidx = x.hh.pidx.tolist()
        self.birth = x.hh.birth.tolist()
        self.props: dict[str, list] = {k: [] for k in (
            "kind", "description", "location", "registration", "value", "valued", "currency")}
        self.titles: dict[str, list] = {k: [] for k in (
            "prop", "frm", "to", "day", "price", "value", "share", "ref")}
        self.idents: list[tuple[int, int, str]] = []
        self.notes: list[str] = []
        self._regs: set[str] = set()
        homes = {}
        for h in (H_HH, H_PARENTS, H_INVEST, H_SELLER_FLAT):
            pos = people.home_pos[:, h]
            homes[h] = people.home_str.take(pa.array(np.maximum(pos, 0))).to_pylist()
        self.homes = homes
        debtors = x.hh.pidx[:, S_DEBTOR]
        self.debtor_phone = people.phone1.take(pa.array(debtors)).to_pylist()
        self.debtor_address = people.address.take(pa.array(debtors)).to_pylist()
        p = self.p
        self._s0 = p.s0
        self._locale: list[int] = p.locale.tolist()
        self._city: list[int] = p.city.tolist()
        self._district: list[int] = p.district.tolist()
        self._hometown: list[int] = p.hometown.tolist()
        self._filing: list[int] = p.filing.tolist()
        self._anchor: list[int] = p.anchor.tolist()
        self._distress: list[int] = p.distress.tolist()
        self._income: list[float] = p.income.tolist()
        self._typ: list[int] = p.typ.tolist()
        self._tie_variant: list[int] = p.tie_variant.tolist()

    # -- per-case state -----------------------------------------------------------------------
    def begin(self, c: int) -> None:
        self.c = c
        self.loc = self._locale[c]
        self.F = self._filing[c]
        self.anchor = self._anchor[c]
        self.ws = max(self.anchor - 350, self._s0 + 30)
        self.we = self.F - 3
        self.inc = self._income[c]
        self.step = 1000.0 if self.loc == CN else 100.0
        self.row = self.pidx[c]
        self.debtor = self.row[S_DEBTOR]

    def party(self, slot: int) -> int:
        return self.row[slot]

    def adult(self, slot: int, day: int) -> bool:
        return self.row[slot] >= 0 and day - self.birth[self.c][slot] >= 18 * YEAR

    def kin(self, slots: Sequence[int], day: int, *, minors: bool = False) -> list[int]:
        out = []
        for s in slots:
            if self.row[s] < 0:
                continue
            if s == S_SPOUSE and self.p.old_divorce[self.c]:
                continue
            if s in (S_CHILD1, S_CHILD2) and not minors and not self.adult(s, day):
                continue
            out.append(s)
        return out

    def pick_kin(self, slots: Sequence[int], day: int, *, minors: bool = False) -> int:
        options = self.kin(slots, day, minors=minors) or self.kin((S_MOTHER, S_FATHER), day)
        return self.d.weighted(options, [KIN_WEIGHTS.get(s, 1.0) for s in options])

    def day_in(self, lo: int, hi: int) -> int:
        return self.d.integer(lo, hi + 1) if hi >= lo else lo

    def ts(self, day: int, h0: int = 8, h1: int = 21) -> int:
        return day * DAY_S + self.d.integer(h0 * 60, h1 * 60) * 60

    def pay(self, frm_acct: int, to_acct: int, amount: float, ts: int, memo_kind: str = "",
            channel: str = "bank_transfer", *, memo: str = "") -> None:
        """One transfer; the memo is a variant of ``memo_kind`` or the literal ``memo``."""
        code = self.memos.code(memo) if memo else self.memos.one(self.d, memo_kind, self.loc)
        self.tx.row(frm_acct, to_acct, max(1, round(amount * 100)), ts, CH[channel], code,
                    self.loc)

    def amount(self, lo: float, hi: float, floor_cn: float, floor_us: float) -> float:
        floor = floor_cn if self.loc == CN else floor_us
        value = max(self.inc * self.d.uniform(lo, hi), floor)
        return max(self.step, round(value / self.step) * self.step)

    # -- properties ---------------------------------------------------------------------------
    def new_property(self, vehicle: bool, description: str, location: str, acquired: int,
                     price: float, owners: list[tuple[int, float]], *,
                     growth: float | None = None) -> Prop:
        d = self.d
        if growth is None:
            growth = d.uniform(-0.18, -0.12) if vehicle else (
                d.uniform(-0.06, 0.05) if self.loc == CN else d.uniform(0.0, 0.06))
        prop = Prop(len(self.props["kind"]), vehicle, acquired, price, growth, owners)
        valued = self.F - d.integer(0, 61)
        for key, value in (("kind", 1 if vehicle else 0), ("description", description),
                           ("location", location), ("registration", self.registration(
                               vehicle, acquired)),
                           ("value", max(1, round(prop.value(valued) * 100))), ("valued", valued),
                           ("currency", self.loc)):
            self.props[key].append(value)
        for party, share in owners:
            self.title(prop, -1, party, acquired, price, share)
        return prop

    def title(self, prop: Prop, frm: int, to: int, day: int, price: float,
              share: float) -> None:
        t = self.titles
        t["prop"].append(prop.index)
        t["frm"].append(frm)
        t["to"].append(to)
        t["day"].append(day)
        t["price"].append(round(price * share * 100) if price > 0 else 0)
        # the contract: market_value is the whole property's appraised value, price pays the share
        t["value"].append(max(1, round(prop.value(day) * 100)))
        t["share"].append(round(share * 100))
        t["ref"].append(self.title_ref(prop.vehicle, year_of_day(day)))

    def convey(self, prop: Prop, frm: int, to: int, day: int, price: float) -> float:
        """Move ``frm``'s share to ``to``; returns the share moved."""
        share = sum(s for p, s in prop.owners if p == frm)
        self.title(prop, frm, to, day, price / share if share else 0.0, share)
        prop.owners = [(p, s) for p, s in prop.owners if p != frm] + [(to, share)]
        return share

    def registration(self, vehicle: bool, acquired: int) -> str:
        d = self.d
        year = year_of_day(acquired)
        for _ in range(100):
            if self.loc == US and vehicle:
                state = nm.US_CITIES[self._city[self.c]].plate_state
                letters = "".join(d.pick("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
                reg = f"{state} {d.integer(1, 10)}{letters}{d.integer(100, 1000)}"
            elif self.loc == US:
                reg = f"APN {d.integer(100, 1000)}-{d.integer(100, 1000)}-{d.integer(10, 100)}"
            elif vehicle:
                plate = nm.CN_CITIES[self._city[self.c]].plate
                chars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
                reg = plate + "".join(d.pick(chars) for _ in range(5))
            else:
                area = nm.AREAS[self._district[self.c]]
                if year < 2016:
                    reg = f"{area.city.removesuffix('市')}房地字第{d.integer(10**9, 10**10)}号"
                else:
                    serial = d.integer(0, 10**7)
                    reg = f"{area.deed_prefix}({year}){area.city}不动产权第{serial:07d}号"
            if reg not in self._regs:
                self._regs.add(reg)
                return reg
        raise RuntimeError("could not draw a distinct registration number")  # pragma: no cover

    def title_ref(self, vehicle: bool, year: int) -> str:
        d = self.d
        if self.loc == US:
            return f"{'DMV' if vehicle else 'DOC'}-{year}-{d.integer(0, 10**7):07d}"
        return f"{'车辆转移登记' if vehicle else '不动产登记'}{year}第{d.integer(0, 10**7):07d}号"

    def flat_description(self, price: float, area_index: int) -> str:
        d = self.d
        if self.loc == US:
            kind = "Single-family home" if d.chance(0.6) else "Condominium"
            return f"{kind} {int(price / d.uniform(350, 700))} sq ft"
        city = nm.AREAS[area_index].city
        unit = next((c.flat_price for c in nm.CN_CITIES if c.name == city), 9000.0)
        sqm = min(max(price / (unit * d.uniform(0.8, 1.2)), 38.0), 260.0)
        return f"{d.pick(nm.CN_COMMUNITIES)} 住宅 {sqm:.2f}平方米"

    def car(self, acquired: int) -> tuple[str, float]:
        d = self.d
        year = year_of_day(acquired)
        if self.loc == US:
            model, price = d.pick(nm.US_CAR_MODELS)
            return f"{year} {model}", round(price * d.uniform(0.9, 1.1), -2)
        model, price = d.pick(nm.CN_CAR_MODELS)
        return f"{model} {year}款", round(price * d.uniform(0.9, 1.1), -2)

    def vehicle_office(self) -> str:
        if self.loc == US:
            return f"{nm.US_CITIES[self._city[self.c]].plate_state} DMV"
        return f"{nm.CN_CITIES[self._city[self.c]].name}公安局交通警察支队车辆管理所"

    def initial_properties(self) -> list[Prop]:
        c, p, d, debtor = self.c, self.p, self.d, self.debtor
        out: list[Prop] = []
        if p.owns_home[c]:
            price = float(p.home_price[c])
            spouse = self.row[S_SPOUSE]
            owners = ([(debtor, 0.5), (spouse, 0.5)] if p.joint_home[c] else [(debtor, 1.0)])
            acq = int(p.home_acq[c])
            area = self._district[c]
            out.append(self.new_property(False, self.flat_description(price, area),
                                         self.homes[H_HH][c], acq, price, owners))
        if p.has_invest[c]:
            price = round(float(p.home_price[c]) * d.uniform(0.4, 0.9), -3)
            acq = self._s0 - d.integer(200, 3000)
            out.append(self.new_property(False, self.flat_description(price, self._district[c]),
                                         self.homes[H_INVEST][c], acq, price, [(debtor, 1.0)]))
        if p.has_car[c]:
            acq = self._s0 - d.integer(30, 6 * 365)
            desc, price = self.car(acq)
            needed = self._typ[c] & TYP["below_market_conveyance"]
            spouse = self.row[S_SPOUSE]
            owner = debtor if needed or d.chance(0.85) or spouse < 0 else spouse
            out.append(self.new_property(True, desc, self.vehicle_office(), acq, price,
                                         [(owner, 1.0)]))
        parent = self.row[S_FATHER] if self.row[S_FATHER] >= 0 else self.row[S_MOTHER]
        if p.parents_home[c] and parent >= 0:
            acq = self._s0 - d.integer(6 * 365, 30 * 365)
            price = round((d.uniform(150_000, 900_000) if self.loc == CN
                           else d.uniform(150_000, 500_000)), -3)
            area = self._hometown[c] if self.loc == CN else 0
            desc = (self.flat_description(price, area) if self.loc == US
                    else f"自建房 {d.uniform(80, 260):.2f}平方米")
            self.new_property(False, desc, self.homes[H_PARENTS][c], acq, price,
                              [(parent, 1.0)])
        return out

    def debtor_asset(self, props: list[Prop], *, vehicle_last: bool = True) -> Prop | None:
        mine = [pr for pr in props if pr.debtor_share(self.debtor) > 0]
        if not mine:
            return None
        mine.sort(key=lambda pr: (pr.vehicle == vehicle_last, pr.index))
        return mine[0]
