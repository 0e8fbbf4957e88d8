"""Planted concealment typologies, honest look-alike events, and the notes of ``labels.csv``.

Evaders get one to three typologies (:data:`~clawback.demo.generator.contract.TYPOLOGIES`);
honest debtors get innocent events that resemble them (a distress sale at market value, a
modest gift to a child, purchases from a relative's company).
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from clawback.demo.generator.common import (
    CN,
    DAY_S,
    H_SELLER_FLAT,
    S_BUYER,
    S_CHILD1,
    S_CHILD2,
    S_FATHER,
    S_FIL,
    S_FRIEND1,
    S_INTER1,
    S_INTER2,
    S_INTER3,
    S_MIL,
    S_MOTHER,
    S_SELLER,
    S_SIB1,
    S_SIB2,
    S_SIBSP1,
    S_SPOUSE,
    S_STRANGER,
    TIE_ID_ADDRESS,
    TIE_ID_PHONE,
    YEAR,
)
from clawback.demo.generator.contract import TYPOLOGIES
from clawback.demo.generator.events import KIN_WEIGHTS, CaseEvents, Prop

__all__ = [
    "Events",
]


_TYPOLOGY_NOTES = {
    "transfer_to_relative": "large transfers to relatives",
    "layering": "money routed to a relative through an unrelated intermediary",
    "below_market_conveyance": "an asset sold to a relative far below market value",
    "gratuitous_transfer": "an asset or money given away for nothing",
    "fake_divorce": "a divorce followed by assets moving to the former spouse",
    "relative_shell": "funds paid into a new company run by a relative",
    "cash_withdrawal_spike": "a burst of large cash withdrawals",
    "hidden_tie": "payments to an unrecorded associate sharing the debtor's {tie}",
    "property_bought_for_relative": "property paid for by the debtor but titled to a relative",
    "preferential_payment_to_related_creditor": "an early repayment of a relative's loan",
}
_CAUSE_NOTES = ("losing their job", "the failure of their business", "a serious illness",
                "over-borrowing")
# The shared contact point of a hidden tie, per variant (``TIE_*`` in ``common``).
_TIE_WORDS = ("phone", "address", "phone", "address")


class Events(CaseEvents):
    """Plants each evader's typologies and each honest debtor's look-alikes, case by case."""

    # -- planted typologies -------------------------------------------------------------------
    def plant_transfer_to_relative(self, props: list[Prop]) -> None:
        d = self.d
        kin = list(KIN_WEIGHTS)
        first = self.pick_kin(kin, self.ws)
        second = self.pick_kin(kin, self.ws) if d.chance(0.45) else first
        parts = d.split(self.amount(8, 50, 60_000, 10_000), d.integer(2, 6), self.step)
        days = sorted(self.day_in(self.ws, self.we) for _ in parts)
        if d.chance(0.3):  # part of the money moved before the window opened
            days[0] = max(self._s0 + 20, self.anchor - d.integer(400, 560))
        src = [self.bank[self.debtor]] + ([self.bank2[self.debtor]]
                                          if self.bank2[self.debtor] >= 0 else [])
        for k, (amt, day) in enumerate(zip(parts, days, strict=True)):
            who = self.party(first if k % 2 == 0 else second)
            self.pay(d.pick(src), self.bank[who], amt, self.ts(day), "to_relative")

    def plant_layering(self, props: list[Prop]) -> None:
        d = self.d
        inter = [self.row[s] for s in (S_INTER1, S_INTER2, S_INTER3) if self.row[s] >= 0]
        if len(inter) == 1:
            chains = [inter]
        elif len(inter) == 2:
            chains = [inter] if d.chance(0.5) else [[inter[0]], [inter[1]]]
        else:
            chains = [inter[:2], inter[2:]]
        for chain in chains:
            relative = self.party(self.pick_kin(list(KIN_WEIGHTS), self.ws))
            amt = self.amount(4, 25, 40_000, 6_000)
            ts = self.ts(self.day_in(self.ws, self.we - 14))
            hops = [self.debtor, *chain, relative]
            for a, b in pairwise(hops):
                self.pay(self.bank[a], self.bank[b], amt, ts, "layering")
                ts += int(d.uniform(0.05, 4.0) * DAY_S) // 60 * 60
                if d.chance(0.6):
                    amt = max(100.0, round(amt * d.uniform(0.97, 0.999), -2))

    def plant_below_market_conveyance(self, props: list[Prop]) -> None:
        d = self.d
        prop = self.debtor_asset(props)
        if prop is None:  # the plan guarantees an asset; keep the typology honest anyway
            raise RuntimeError(f"case {self.c}: no asset for below_market_conveyance")
        day = self.day_in(self.ws, self.we - 20)
        to_slot = self.pick_kin((S_MOTHER, S_FATHER, S_SIB1, S_SIB2, S_CHILD1, S_CHILD2,
                                 S_FIL, S_MIL, S_SIBSP1), day)
        to = self.party(to_slot)
        value = prop.value(day) * prop.debtor_share(self.debtor)
        price = 0.0 if d.chance(0.2) else max(self.step, round(value * d.uniform(0.2, 0.65), -3))
        self.convey(prop, self.debtor, to, day, price)
        if price > 0:
            kind = "vehicle_sale" if prop.vehicle else "sale_proceeds"
            parts = d.split(price, 1 if d.chance(0.6) else 2, 100.0)
            for amt in parts:
                self.pay(self.bank[to], self.bank[self.debtor], amt,
                         self.ts(max(self.ws, day - d.integer(0, 20))), kind)

    def plant_gratuitous_transfer(self, props: list[Prop]) -> None:
        d = self.d
        prop = self.debtor_asset(props)
        day = self.day_in(self.ws, self.we - 10)
        if prop is not None and d.chance(0.6):
            slot = (S_FRIEND1 if d.chance(0.25) else
                    self.pick_kin((S_CHILD1, S_CHILD2, S_MOTHER, S_FATHER, S_SIB1), day,
                                  minors=True))
            self.convey(prop, self.debtor, self.party(slot), day, 0.0)
            return
        slot = S_FRIEND1 if d.chance(0.6) else self.pick_kin(list(KIN_WEIGHTS), day)
        for amt in d.split(self.amount(5, 30, 40_000, 6_000), d.integer(1, 3), self.step):
            self.pay(self.bank[self.debtor], self.bank[self.party(slot)], amt,
                     self.ts(self.day_in(day, self.we)), "gift")

    def plant_fake_divorce(self, props: list[Prop]) -> None:
        d = self.d
        divorce = self.day_in(self.ws + 10, self.we - 45)
        self.rels.end[self.rels.spouse_row[self.c]] = divorce
        ex = self.row[S_SPOUSE]
        moved = False
        home = next((pr for pr in props if not pr.vehicle
                     and pr.debtor_share(self.debtor) > 0), None)
        if home is not None and d.chance(0.75):
            self.convey(home, self.debtor, ex, self.day_in(divorce + 3, divorce + 40), 0.0)
            moved = True
        if not moved or d.chance(0.5):
            for amt in d.split(self.amount(6, 40, 60_000, 10_000), d.integer(1, 4), self.step):
                day = self.day_in(divorce + 1, self.we)
                self.pay(self.bank[self.debtor], self.bank[ex], amt, self.ts(day), "divorce")

    def plant_relative_shell(self, props: list[Prop]) -> None:
        d = self.d
        company = int(self.x.co.shell[self.c])
        acct = self.bank[self.n_people + company]
        lo = max(self.ws, self.opened[acct] + 3)
        business = int(self.x.co.business[self.c])
        for amt in d.split(self.amount(5, 30, 50_000, 8_000), d.integer(2, 6), self.step):
            day = self.day_in(lo, self.we)
            src = self.bank[self.debtor]
            if business >= 0 and d.chance(0.4):
                src = self.bank[self.n_people + business]
            self.pay(src, acct, amt, self.ts(day, 9, 18), "shell_funding")

    def plant_cash_withdrawal_spike(self, props: list[Prop]) -> None:
        d = self.d
        lo = max(self.ws, self.F - d.integer(45, 121))
        hi_amt = (20_000, 49_900) if self.loc == CN else (2_000, 9_900)
        deposits = d.chance(0.4)
        kin = self.party(self.pick_kin(list(KIN_WEIGHTS), lo)) if deposits else -1
        for k in range(d.integer(8, 21)):
            day = self.day_in(lo, self.we)
            amt = round(d.uniform(*hi_amt), -2)
            self.pay(self.bank[self.debtor], -1, amt, self.ts(day, 9, 17), "cash_withdrawal",
                     "cash_withdrawal")
            if deposits and k < 3:
                later = min(day + d.integer(1, 6), self.F)
                self.pay(-1, self.bank[kin], round(amt * d.uniform(0.5, 0.95), -2),
                         self.ts(later, 9, 17), "cash_deposit", "cash_deposit")

    def plant_hidden_tie(self, props: list[Prop]) -> None:
        d = self.d
        stranger = self.row[S_STRANGER]
        variant = self._tie_variant[self.c]
        if variant == TIE_ID_PHONE:
            self.idents.append((stranger, 0, self.debtor_phone[self.c]))
        elif variant == TIE_ID_ADDRESS:
            self.idents.append((stranger, 1, self.debtor_address[self.c]))
        for amt in d.split(self.amount(5, 30, 40_000, 6_000), d.integer(2, 5), self.step):
            self.pay(self.bank[self.debtor], self.bank[stranger], amt,
                     self.ts(self.day_in(self.ws, self.we)), "to_relative")

    def plant_property_bought_for_relative(self, props: list[Prop]) -> None:
        d = self.d
        c = self.c
        start = self.day_in(self.ws, self.we - 90)
        rel = self.party(self.pick_kin((S_CHILD1, S_CHILD2, S_MOTHER, S_FATHER, S_SIB1, S_SIB2,
                                        S_FIL, S_MIL), start, minors=True))
        if self.p.seller[c]:
            seller = self.row[S_SELLER]
            if self.loc == CN:
                price = round(d.uniform(300_000, 1_200_000) if d.chance(0.6)
                              else d.uniform(1_500_000, 3_500_000), -3)
            else:
                price = round(d.uniform(250_000, 700_000), -3)
            acquired = self._s0 - d.integer(3 * 365, 15 * 365)
            paid = round(price * d.uniform(0.55, 0.95), -3)
            growth = (price / paid) ** (YEAR / max(start - acquired, 1)) - 1
            flat = self.new_property(False, self.flat_description(price, self._district[c]),
                                     self.homes[H_SELLER_FLAT][c], acquired, paid,
                                     [(seller, 1.0)], growth=growth)
            day = start
            deposit = round(price * d.uniform(0.03, 0.08), -3)
            down = round(price * d.uniform(0.25, 0.35), -3)
            stages = ("定金", "首付款", "购房款") if self.loc == CN else (
                "Deposit", "Down payment", "Home purchase")
            for amt, memo in zip((deposit, down, price - deposit - down), stages, strict=True):
                self.pay(self.bank[self.debtor], self.bank[seller], amt, self.ts(day), memo=memo)
                day = min(day + d.integer(5, 26), self.we - 30)
            self.convey(flat, seller, rel, self.day_in(day + 5, min(day + 30, self.we)), price)
            return
        dealer = int(self.x.pick_pool("dealer", np.array([c]))[0])
        desc, price = self.car(start)
        day = start
        for amt in d.split(price, d.integer(1, 3), 100.0):
            self.pay(self.bank[self.debtor], self.bank[self.n_people + dealer], amt,
                     self.ts(day, 9, 18), "vehicle_payment")
            day = min(day + d.integer(1, 15), self.we - 20)
        self.new_property(True, desc, self.vehicle_office(), self.day_in(day, day + 10), price,
                          [(rel, 1.0)])

    def plant_preferential_payment_to_related_creditor(self, props: list[Prop]) -> None:
        d = self.d
        lender = self.party(self.pick_kin((S_FATHER, S_MOTHER, S_SIB1, S_SIB2, S_FIL, S_MIL,
                                           S_SIBSP1), self.ws))
        loan = self.amount(5, 30, 40_000, 6_000)
        if d.chance(0.65):
            day = self.day_in(self._s0 + 30, self.anchor - 400)
            self.pay(self.bank[lender], self.bank[self.debtor], loan, self.ts(day),
                     "loan_from_relative")
        lo = max(self.anchor - 170, self.ws)
        total = loan * d.uniform(1.0, 1.12)
        for amt in d.split(total, d.integer(1, 4), self.step):
            self.pay(self.bank[self.debtor], self.bank[lender], amt,
                     self.ts(self.day_in(lo, self.we)), "repay_relative")

    # -- honest look-alikes -------------------------------------------------------------------
    def distress_sale(self, props: list[Prop]) -> bool:
        d, c = self.d, self.c
        prop = self.debtor_asset(props, vehicle_last=False)
        buyer = self.row[S_BUYER]
        if prop is None or buyer < 0:
            return False
        day = self.day_in(max(self._s0 + 60, self._distress[c] - 90), self.F - 10)
        owners = [p for p, _ in prop.owners]
        price = round(prop.value(day) * d.uniform(0.92, 1.03), -2)
        kind = "vehicle_sale" if prop.vehicle else "sale_proceeds"
        pay_day = max(self._s0 + 1, day - d.integer(3, 30))
        for amt in d.split(price, 1 if prop.vehicle else 2, 100.0):
            self.pay(self.bank[buyer], self.bank[self.debtor], amt, self.ts(pay_day), kind)
            pay_day = min(pay_day + d.integer(1, 10), day)
        for owner in owners:
            self.convey(prop, owner, buyer, day, price * prop.debtor_share(owner))
        creditor = int(self.x.creditor_co[c])
        self.pay(self.bank[self.debtor], self.bank[self.n_people + creditor],
                 round(price * d.uniform(0.3, 0.8), 2),
                 self.ts(min(day + d.integer(1, 20), self.F)),
                 "loan_repayment")
        return True

    def gift_child(self) -> bool:
        d = self.d
        day = self.day_in(self.ws, self.we)
        kids = self.kin((S_CHILD1, S_CHILD2), day, minors=True)
        if not kids:
            return False
        amt = round(d.uniform(5_000, 50_000) if self.loc == CN else d.uniform(1_000, 8_000), -3)
        self.pay(self.bank[self.debtor], self.bank[self.party(d.pick(kids))], amt, self.ts(day),
                 "wedding_gift")
        return True

    # -- driver -------------------------------------------------------------------------------
    def run(self) -> None:
        p = self.p
        planters = [getattr(self, "plant_" + name) for name in TYPOLOGIES]
        order = (2, 4, 3, 8, 0, 1, 5, 6, 7, 9)  # asset-hungry typologies first
        for c in range(p.n):
            self.begin(c)
            props = self.initial_properties()
            typ = self._typ[c]
            for k in order:
                if typ & (1 << k):
                    planters[k](props)
            sold = bool(p.distress_sale[c]) and self.distress_sale(props)
            gift = bool(p.gift_child[c]) and self.gift_child()
            self.relative_company_payments()
            self.notes.append(self.note(c, typ, sold, gift))

    def note(self, c: int, typ: int, sold: bool, gift: bool) -> str:
        if typ:
            tie = _TIE_WORDS[self._tie_variant[c]] if self._tie_variant[c] >= 0 else ""
            parts = [_TYPOLOGY_NOTES[t].format(tie=tie) for k, t in enumerate(TYPOLOGIES)
                     if typ & (1 << k)]
            listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
            return f"Evader: {listed} before the case."
        extra = []
        if sold:
            extra.append("sold an asset at market value to pay creditors")
        if self.p.old_divorce[c]:
            extra.append("divorced years before the case")
        if gift:
            extra.append("made one modest gift to a child")
        tail = "; " + "; ".join(extra) if extra else ""
        return f"Honest debtor, insolvent after {_CAUSE_NOTES[int(self.p.cause[c])]}{tail}."

    def relative_company_payments(self) -> None:
        """Ordinary small purchases from a relative's long-standing company (honest noise)."""
        d, c = self.d, self.c
        company = int(self.x.co.relative_co[c])
        if company < 0 or not d.chance(0.4):
            return
        acct = self.bank[self.n_people + company]
        lo = max(self._s0 + 1, self.opened[acct] + 3)
        for _ in range(d.integer(1, 3)):
            amt = round(d.uniform(2_000, 20_000) if self.loc == CN else d.uniform(300, 3_000), -2)
            self.pay(self.bank[self.debtor], acct, amt, self.ts(self.day_in(lo, self.we), 9, 18),
                     "purchase")
