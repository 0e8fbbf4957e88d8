"""The plan: every per-case decision, drawn up front as arrays of length ``n``.

Places, dates, evader or honest and the planted typologies, livelihood, marriage, assets, and
the honest look-alike events; later stages only read the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from clawback.demo import names as nm
from clawback.demo.generator.common import CN, NA, TYP, US, choose, yd
from clawback.demo.generator.contract import TYPOLOGIES

__all__ = [
    "Plan",
    "plan_cases",
]


_TYPOLOGY_WEIGHTS = (1.6, 0.8, 0.9, 0.6, 0.7, 0.7, 0.8, 0.7, 0.7, 0.8)


@dataclass
class Plan:
    """Every per-case decision: one array of length ``n`` per field, from :func:`plan_cases`."""

    n: int
    s0: int  # first day of the history
    locale: np.ndarray
    juris: np.ndarray
    city: np.ndarray  # index into CN_CITIES or US_CITIES
    district: np.ndarray  # AREAS index of the household (-1 for US)
    hometown: np.ndarray  # AREAS index of the debtor's family (-1 for US)
    hometown_sp: np.ndarray  # AREAS index of the spouse's family
    filing: np.ndarray
    acceptance: np.ndarray  # NA when not accepted yet
    anchor: np.ndarray
    distress: np.ndarray
    evader: np.ndarray
    typ: np.ndarray  # bit mask over TYPOLOGIES
    cause: np.ndarray  # 0 job loss, 1 business failure, 2 illness, 3 over-borrowing
    illness: np.ndarray
    self_employed: np.ndarray
    income_end: np.ndarray  # last day of salary / business income
    income: np.ndarray  # monthly, in the case currency
    claim: np.ndarray
    creditor_bank: np.ndarray
    debtor_male: np.ndarray
    debtor_birth: np.ndarray
    spouse_birth: np.ndarray
    marriage: np.ndarray
    has_spouse: np.ndarray  # a spouse row exists (current or, with old_divorce, former)
    old_divorce: np.ndarray
    divorce_day: np.ndarray
    owns_home: np.ndarray
    joint_home: np.ndarray
    home_price: np.ndarray
    home_acq: np.ndarray
    has_invest: np.ndarray
    has_car: np.ndarray
    parents_home: np.ndarray
    mortgage: np.ndarray
    distress_sale: np.ndarray
    gift_child: np.ndarray
    parents_help: np.ndarray
    relative_co: np.ndarray
    n_friends: np.ndarray
    n_inter: np.ndarray
    seller: np.ndarray
    tie_variant: np.ndarray

    def has(self, typology: str) -> np.ndarray:
        return (self.typ & TYP[typology]) != 0


def _pick_typologies(rng: np.random.Generator, n: int) -> np.ndarray:
    """Bit masks of 1–3 distinct typologies per row (weighted, without replacement)."""
    k = choose(rng, n, (0.4, 0.4, 0.2)) + 1
    keys = np.log(np.asarray(_TYPOLOGY_WEIGHTS)) + rng.gumbel(size=(n, len(TYPOLOGIES)))
    order = np.argsort(-keys, axis=1, kind="stable")
    mask = np.zeros(n, dtype=np.int64)
    for j in range(3):
        mask |= np.where(k > j, np.left_shift(1, order[:, j]), 0)
    return mask


def plan_cases(rng: np.random.Generator, n: int, s0: int) -> Plan:
    """Draw every per-case decision; later stages only read the plan."""
    f: dict[str, Any] = {"n": n, "s0": s0}
    for step in (_plan_places, _plan_dates, _plan_typologies, _plan_livelihood,
                 _plan_marriage, _plan_assets, _plan_extras):
        f.update(step(rng, f))
    return Plan(**f)


def _plan_places(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    n = f["n"]
    area_index = {a.code: i for i, a in enumerate(nm.AREAS)}
    juris = choose(rng, n, (0.80, 0.16, 0.04))
    locale = (juris == 2).astype(np.int64)
    city = np.where(
        juris == 0, 0,
        np.where(juris == 1, 1 + choose(rng, n, [1.0] * (len(nm.CN_CITIES) - 1)),
                 choose(rng, n, [1.0] * len(nm.US_CITIES))),
    )
    district = np.full(n, -1, dtype=np.int64)
    for ci, cty in enumerate(nm.CN_CITIES):
        sel = np.flatnonzero((locale == CN) & (city == ci))
        codes = np.array([area_index[c] for c in cty.district_codes])
        district[sel] = codes[rng.integers(0, len(codes), sel.size)]
    hometown = np.where(locale == CN, choose(rng, n, nm.HOMETOWN_WEIGHTS), -1)
    hometown_sp = np.where(locale == CN, choose(rng, n, nm.HOMETOWN_WEIGHTS), -1)
    return {"juris": juris, "locale": locale, "city": city, "district": district,
            "hometown": hometown, "hometown_sp": hometown_sp}


def _plan_dates(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    n, s0 = f["n"], f["s0"]
    filing = s0 + rng.integers(yd(3.0), yd(4.0), n)
    acceptance = filing + rng.integers(30, 181, n)
    acceptance[(f["locale"] == US) | (rng.random(n) < 0.04)] = NA
    distress = filing - rng.integers(90, 541, n)
    return {"filing": filing, "acceptance": acceptance, "distress": distress}


def _plan_typologies(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    n, filing, acceptance = f["n"], f["filing"], f["acceptance"].copy()
    evader = rng.random(n) < 0.35
    if n >= 2 and (evader.all() or not evader.any()):
        evader[0] = not evader[0]
    typ = np.where(evader, _pick_typologies(rng, n), 0)
    # a preference must fall within six months of acceptance and before filing
    pref = (typ & TYP["preferential_payment_to_related_creditor"]) != 0
    late = pref & (acceptance != NA) & (acceptance > filing + 150)
    acceptance[late] = filing[late] + rng.integers(30, 151, int(late.sum()))
    anchor = np.where(acceptance != NA, acceptance, filing)
    return {"evader": evader, "typ": typ, "acceptance": acceptance, "anchor": anchor}


def _plan_livelihood(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    n, locale, city, filing, distress = f["n"], f["locale"], f["city"], f["filing"], f["distress"]
    self_employed = rng.random(n) < np.where(locale == CN, 0.35, 0.25)
    cause = np.where(self_employed, 1, np.array([0, 2, 3])[choose(rng, n, (0.45, 0.25, 0.30))])
    illness = (cause == 2) | (rng.random(n) < 0.08)
    job_lost = (~self_employed) & (cause == 0) & ~f["evader"]
    income_end = np.where(job_lost, distress - rng.integers(30, 241, n), filing)
    income_end = np.where(self_employed, distress - rng.integers(0, 121, n), income_end)
    salary = np.array([c.salary for c in nm.CN_CITIES])[np.minimum(city, len(nm.CN_CITIES) - 1)]
    base = np.where(locale == CN, salary, 5500.0)
    income = np.round(base * rng.lognormal(0.0, 0.45, n), -1)
    claim = np.round(income * rng.uniform(15, 120, n) * np.where(locale == CN, 1.0, 0.45), 2)
    claim = np.maximum(claim, np.where(locale == CN, 80_000.0, 15_000.0))
    creditor_bank = np.where(
        locale == CN,
        choose(rng, n, [b[2] for b in nm.CN_BANKS]),
        len(nm.CN_BANKS) + choose(rng, n, [b[2] for b in nm.US_BANKS]),
    )
    return {"self_employed": self_employed, "cause": cause, "illness": illness,
            "income_end": income_end, "income": income, "claim": claim,
            "creditor_bank": creditor_bank}


def _plan_marriage(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    n, s0, filing = f["n"], f["s0"], f["filing"]
    debtor_male = rng.random(n) < 0.65
    debtor_birth = filing - yd(28 + 34 * rng.beta(2.0, 2.6, n))
    gap = yd(rng.uniform(-1, 6, n))
    spouse_birth = np.where(debtor_male, debtor_birth + gap, debtor_birth - gap)
    spouse_birth = np.minimum(spouse_birth, filing - yd(24))
    younger = np.maximum(debtor_birth, spouse_birth)
    marriage = younger + yd(rng.uniform(22, 31, n))
    marriage = np.clip(marriage, younger + yd(20.5), filing - yd(1.5))

    married_now = rng.random(n) < 0.78
    old_divorce = (~married_now) & (rng.random(n) < 0.33)
    fake = (f["typ"] & TYP["fake_divorce"]) != 0
    married_now |= fake
    old_divorce &= ~fake
    divorce_day = np.full(n, NA, dtype=np.int64)
    dd = np.minimum(s0 - yd(rng.uniform(0.3, 8, n)), f["anchor"] - 800)
    old_divorce &= dd > marriage + yd(2)
    divorce_day[old_divorce] = dd[old_divorce]
    return {"debtor_male": debtor_male, "debtor_birth": debtor_birth,
            "spouse_birth": spouse_birth, "marriage": marriage,
            "has_spouse": married_now | old_divorce, "old_divorce": old_divorce,
            "divorce_day": divorce_day}


def _plan_assets(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    n, s0, juris, locale = f["n"], f["s0"], f["juris"], f["locale"]
    owns_home = rng.random(n) < np.where(juris == 0, 0.45, np.where(juris == 1, 0.6, 0.55))
    has_car = rng.random(n) < 0.5
    needs_property = (f["typ"] & TYP["below_market_conveyance"]) != 0
    fix = needs_property & ~owns_home & ~has_car
    coin = rng.random(n) < 0.5
    owns_home |= fix & coin
    has_car |= fix & ~coin
    last_city = len(nm.CN_CITIES) - 1
    flat_price = np.array([c.flat_price for c in nm.CN_CITIES])[np.minimum(f["city"], last_city)]
    home_price = np.where(
        locale == CN,
        rng.uniform(55, 140, n) * flat_price * rng.uniform(0.7, 1.3, n),
        rng.uniform(450_000, 1_400_000, n),
    )
    home_acq = np.maximum(s0 - yd(rng.uniform(0.5, 12, n)), f["debtor_birth"] + yd(24))
    married_now = f["has_spouse"] & ~f["old_divorce"]
    return {
        "owns_home": owns_home, "has_car": has_car,
        "joint_home": owns_home & married_now & (rng.random(n) < 0.4),
        "has_invest": owns_home & (rng.random(n) < 0.15),
        "mortgage": owns_home & (rng.random(n) < 0.4),
        "home_price": np.round(home_price, -3), "home_acq": np.minimum(home_acq, s0 - 30),
        "parents_home": rng.random(n) < 0.45,
    }


def _plan_extras(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    """Honest look-alike events and the background people that planted events need."""
    n, typ, evader = f["n"], f["typ"], f["evader"]
    honest = ~evader
    has_asset = f["owns_home"] | f["has_car"]
    distress_sale = honest & has_asset & (rng.random(n) < 0.35)
    distress_sale |= evader & has_asset & (rng.random(n) < 0.08)
    layering = (typ & TYP["layering"]) != 0
    return {
        "distress_sale": distress_sale,
        "gift_child": honest & (rng.random(n) < 0.15),
        "parents_help": rng.random(n) < np.where(honest, 0.2, 0.08),
        "relative_co": rng.random(n) < np.where(honest, 0.1, 0.06),
        "n_friends": 1 + (rng.random(n) < 0.5),
        "n_inter": np.where(layering, choose(rng, n, (0.45, 0.4, 0.15)) + 1, 0),
        "seller": ((typ & TYP["property_bought_for_relative"]) != 0) & (rng.random(n) < 0.6),
        "tie_variant": np.where((typ & TYP["hidden_tie"]) != 0, rng.integers(0, 4, n), -1),
    }
