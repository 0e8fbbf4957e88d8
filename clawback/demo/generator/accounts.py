"""Accounts of persons and companies (bank, payment app, securities), vectorised.

Also the per-party lookups (primary bank account, payment-app account, second bank account)
that the flows and events pay from and to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from clawback.demo import names as nm
from clawback.demo.generator.common import ACCT, CN, NA, S_DEBTOR, YEAR, choose, day_of, yd
from clawback.demo.generator.companies import Companies
from clawback.demo.generator.persons import People
from clawback.demo.generator.plan import Plan

__all__ = [
    "Accounts",
    "build_accounts",
]


@dataclass
class Accounts:
    """Account rows (holders are parties: persons first, then companies) and lookups."""

    holder: np.ndarray  # party index (persons first, then companies)
    institution: np.ndarray
    kind: np.ndarray
    opened: np.ndarray
    closed: np.ndarray
    currency: np.ndarray
    bank: np.ndarray  # per party: primary bank account
    app: np.ndarray  # per party: payment-app account or -1
    bank2: np.ndarray  # per party: second bank account or -1
    institutions: pa.Array


def _institution_table() -> tuple[list[str], dict[str, int]]:
    names = [b[0] for b in nm.CN_BANKS] + [b[0] for b in nm.US_BANKS]
    names += [a for a, _ in nm.CN_PAYMENT_APPS] + [a for a, _ in nm.US_PAYMENT_APPS]
    names += [*nm.CN_SECURITIES, "Charles Schwab", "Fidelity"]
    return names, {name: i for i, name in enumerate(names)}


class _Institutions:
    """Weighted draws of banks and payment apps, by locale, as institution-table indices."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.names, self.index = _institution_table()

    def bank(self, loc: np.ndarray) -> np.ndarray:
        cn = choose(self.rng, len(loc), [w for *_, w in nm.CN_BANKS])
        us = len(nm.CN_BANKS) + choose(self.rng, len(loc), [w for *_, w in nm.US_BANKS])
        return np.where(loc == CN, cn, us)

    def app(self, loc: np.ndarray) -> np.ndarray:
        base = len(nm.CN_BANKS) + len(nm.US_BANKS)
        cn = base + choose(self.rng, len(loc), [w for _, w in nm.CN_PAYMENT_APPS])
        us = base + len(nm.CN_PAYMENT_APPS) + choose(
            self.rng, len(loc), [w for _, w in nm.US_PAYMENT_APPS])
        return np.where(loc == CN, cn, us)

    def securities(self, loc: np.ndarray) -> np.ndarray:
        cn = self.index[nm.CN_SECURITIES[0]] + self.rng.integers(0, len(nm.CN_SECURITIES),
                                                                 len(loc))
        us = self.index["Charles Schwab"] + self.rng.integers(0, 2, len(loc))
        return np.where(loc == CN, cn, us)


# Account groups: (holder party, institution, account type, opened day); the group number
# says what the account is for.
_G_BANK, _G_APP, _G_BANK2, _G_SECURITIES, _G_CO_BANK, _G_CO_APP = range(6)
_Group = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _person_account_groups(rng: np.random.Generator, plan: Plan, people: People,
                           inst: _Institutions) -> list[_Group]:
    n_p = people.n
    age = (plan.s0 - people.birth) / YEAR
    adult = age >= 16
    debtor = people.slot == S_DEBTOR
    loc = people.locale
    lo = np.where(age < 18, people.birth + 30,
                  np.maximum(people.birth + yd(18), plan.s0 - yd(15)))
    hi = plan.s0 - 30

    def group(mask: np.ndarray, institution: np.ndarray, kind: str) -> _Group:
        a = lo[mask]
        if kind == "payment_app":  # wallets with bank-grade accounts date from the 2010s
            a = np.maximum(a, min(day_of(date(2014, 1, 1)), hi - 1))
        opened = a + (rng.random(len(a)) * np.maximum(hi - a, 1)).astype(np.int64)
        return (np.flatnonzero(mask), institution, np.full(len(a), ACCT[kind]), opened)

    everyone = np.ones(n_p, dtype=bool)
    app_p = np.where(loc == CN, np.where(debtor, 0.92, 0.28), np.where(debtor, 0.6, 0.2))
    m_app = adult & (rng.random(n_p) < app_p)
    m_b2 = adult & (rng.random(n_p) < np.where(debtor, 0.35, 0.05))
    m_sec = debtor & (rng.random(n_p) < 0.06)
    return [
        group(everyone, inst.bank(loc), "bank"),
        group(m_app, inst.app(loc[m_app]), "payment_app"),
        group(m_b2, inst.bank(loc[m_b2]), "bank"),
        group(m_sec, inst.securities(loc[m_sec]), "securities"),
    ]


def _company_account_groups(rng: np.random.Generator, co: Companies, n_p: int,
                            inst: _Institutions) -> list[_Group]:
    n_c = len(co.name)
    loc = np.array(co.locale, dtype=np.int64)
    own_bank = np.array(co.bank_inst, dtype=np.int64)
    opened = np.array(co.inc, dtype=np.int64) + rng.integers(3, 21, n_c)
    m_app = np.array(co.merchant_app, dtype=bool)
    parties = n_p + np.arange(n_c)
    return [
        (parties, np.where(own_bank >= 0, own_bank, inst.bank(loc)),
         np.full(n_c, ACCT["bank"]), opened),
        (parties[m_app], inst.app(loc[m_app]), np.full(int(m_app.sum()), ACCT["payment_app"]),
         opened[m_app] + 1),
    ]


def build_accounts(rng: np.random.Generator, plan: Plan, people: People,
                   co: Companies) -> Accounts:
    """Open the accounts of every person and company; a few spare ones are closed."""
    inst = _Institutions(rng)
    n_p = people.n
    groups = (_person_account_groups(rng, plan, people, inst)
              + _company_account_groups(rng, co, n_p, inst))
    cols = [np.concatenate([g[i] for g in groups]) for i in range(4)]
    group_id = np.concatenate([np.full(len(g[0]), i) for i, g in enumerate(groups)])
    order = np.lexsort((group_id, cols[0]))
    holder, institution, kind, opened = (col[order] for col in cols)
    group_id = group_id[order]
    party_loc = np.concatenate([people.locale, np.array(co.locale, dtype=np.int64)])
    # a few spare accounts of relatives (never used for payments) were closed
    closing = (group_id == _G_BANK2) & (holder < n_p) & (rng.random(len(holder)) < 0.2)
    closing[closing] = people.slot[holder[closing]] != S_DEBTOR
    closed = np.full(len(holder), NA, dtype=np.int64)
    closed[closing] = np.minimum(opened[closing] + rng.integers(200, 3000, int(closing.sum())),
                                 plan.s0 + 365)

    lookups = {}
    for name, ids in (("bank", (_G_BANK, _G_CO_BANK)), ("app", (_G_APP, _G_CO_APP)),
                      ("bank2", (_G_BANK2,))):
        table = np.full(n_p + len(co.name), -1, dtype=np.int64)
        sel = np.isin(group_id, ids) & ~closing
        table[holder[sel]] = np.flatnonzero(sel)
        lookups[name] = table
    return Accounts(holder, institution, kind, opened, closed, party_loc[holder],
                    lookups["bank"], lookups["app"], lookups["bank2"], pa.array(inst.names))
