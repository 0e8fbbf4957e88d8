"""Seeded synthetic demo portfolios in the public input format, with ground-truth labels.

:func:`generate_portfolio` writes one input directory (``persons``, ``companies``, ``relations``,
``company_roles``, ``accounts``, ``transfers``, ``properties``, ``property_transfers``, ``cases``,
``identifiers``) plus ``labels.csv``, which says for every case whether the debtor is an
``evader`` or ``honest`` and which concealment typologies were planted.

Every debtor lives in a realistic household (spouse, children, parents, in-laws, siblings) with
ordinary financial life: salary, spending, rent or mortgage, bank repayments, support to
parents, school fees, red envelopes, medical bills, cash. Evaders get one to three planted
typologies on top (:data:`TYPOLOGIES`); honest debtors get look-alike but innocent events
(support to relatives, distress sales at market value, an old genuine divorce, a modest gift).

Bulk rows (persons, accounts, background transfers) are built with vectorised numpy/pyarrow code;
only the handful of special events per case run through Python. The output depends only on
``seed`` and ``size`` (and ``start``): the same arguments give byte-identical files.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     summary = generate_portfolio(tmp, size=5, seed=1)
>>> summary.cases, summary.evaders + summary.honest, sorted(summary.tables)[:3]
(5, 5, ['accounts', 'cases', 'companies'])
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from clawback.demo import names as nm
from clawback.demo.idcard import CREDIT_CODE_ALPHABET, make_credit_code, resident_id_numbers

__all__ = [
    "ACCOUNT_TYPES",
    "CASE_TYPES",
    "CHANNELS",
    "COLUMNS",
    "COMPANY_ROLES",
    "IDENTIFIER_KINDS",
    "LABEL_COLUMNS",
    "PROPERTY_KINDS",
    "RELATIONS",
    "TABLES",
    "TYPOLOGIES",
    "GenerationSummary",
    "generate_portfolio",
]

# --------------------------------------------------------------------------------------------
# Public constants: the contract's tables, columns and enum values, and the planted typologies.
# --------------------------------------------------------------------------------------------

#: Concealment typologies that can be planted in an evader's case.
TYPOLOGIES: tuple[str, ...] = (
    "transfer_to_relative",
    "layering",
    "below_market_conveyance",
    "gratuitous_transfer",
    "fake_divorce",
    "relative_shell",
    "cash_withdrawal_spike",
    "hidden_tie",
    "property_bought_for_relative",
    "preferential_payment_to_related_creditor",
)
_TYPOLOGY_WEIGHTS = (1.6, 0.8, 0.9, 0.6, 0.7, 0.7, 0.8, 0.7, 0.7, 0.8)

#: The input tables, in the order they are written.
TABLES: tuple[str, ...] = (
    "persons",
    "companies",
    "relations",
    "company_roles",
    "accounts",
    "transfers",
    "properties",
    "property_transfers",
    "cases",
    "identifiers",
)

#: Columns written for each table (all columns of the public input contract).
COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": ("person_id", "name", "id_number", "birth_date", "gender", "phone", "address"),
    "companies": (
        "company_id", "name", "registration_number", "incorporation_date", "address", "status",
    ),
    "relations": ("person_id", "related_person_id", "relation", "start_date", "end_date", "source"),
    "company_roles": ("person_id", "company_id", "role", "share", "start_date", "end_date"),
    "accounts": (
        "account_id", "holder_id", "institution", "account_type", "opened_date", "closed_date",
        "currency",
    ),
    "transfers": (
        "transfer_id", "from_account", "to_account", "amount", "timestamp", "currency", "channel",
        "memo",
    ),
    "properties": (
        "property_id", "kind", "description", "location", "registration_number", "market_value",
        "valuation_date", "currency",
    ),
    "property_transfers": (
        "property_id", "from_party", "to_party", "date", "price", "market_value", "share",
        "registration_ref",
    ),
    "cases": (
        "case_id", "debtor_id", "case_type", "jurisdiction", "court", "filing_date",
        "acceptance_date", "judgment_date", "claim_amount", "currency", "creditor",
    ),
    "identifiers": ("entity_id", "kind", "value"),
}
#: Columns of ``labels.csv``.
LABEL_COLUMNS: tuple[str, ...] = ("case_id", "debtor_id", "label", "typologies", "notes")

RELATIONS: tuple[str, ...] = (
    "spouse", "former_spouse", "parent", "child", "sibling", "grandparent", "grandchild",
    "parent_in_law", "child_in_law", "sibling_in_law", "other_relative", "cohabitant", "associate",
)
COMPANY_ROLES: tuple[str, ...] = (
    "shareholder", "beneficial_owner", "legal_representative", "director", "supervisor",
    "manager", "employee",
)
ACCOUNT_TYPES: tuple[str, ...] = ("bank", "securities", "payment_app", "crypto", "other")
CHANNELS: tuple[str, ...] = (
    "bank_transfer", "payment_app", "card", "cash_withdrawal", "cash_deposit", "check", "other",
)
PROPERTY_KINDS: tuple[str, ...] = ("real_estate", "vehicle", "equity", "land_use_right", "other")
CASE_TYPES: tuple[str, ...] = (
    "personal_bankruptcy", "enterprise_bankruptcy", "enforcement", "civil_suit",
)
IDENTIFIER_KINDS: tuple[str, ...] = ("phone", "address", "email", "device", "ip", "other")


@dataclass(frozen=True)
class GenerationSummary:
    """What :func:`generate_portfolio` wrote."""

    out_dir: Path
    tables: dict[str, int]  # rows written per table, ``labels`` included
    cases: int
    evaders: int
    honest: int


# --------------------------------------------------------------------------------------------
# Small internal vocabularies
# --------------------------------------------------------------------------------------------

_NA = -(10**9)  # missing day / index sentinel for day arrays (real days can be negative)
_YEAR = 365.25
_EPOCH = date(1970, 1, 1)
_CN, _US = 0, 1
_CURRENCIES = ("CNY", "USD")
_JURISDICTIONS = ("CN-SZ", "CN", "US")
_TYP = {name: 1 << i for i, name in enumerate(TYPOLOGIES)}
_CH = {name: i for i, name in enumerate(CHANNELS)}
_REL = {name: i for i, name in enumerate(RELATIONS)}
_ROLE = {name: i for i, name in enumerate(COMPANY_ROLES)}
_ACCT = {name: i for i, name in enumerate(ACCOUNT_TYPES)}
_SOURCES = ("civil_registry", "household_register", "declared")
# Causes of insolvency (plan.cause): 0 job loss, 1 business failure, 2 illness, 3 over-borrowing.
_SPEND_CATEGORIES = ("grocery", "dining", "fuel", "online", "utility")
_SPEND_WEIGHTS = (0.33, 0.30, 0.10, 0.17, 0.10)
_SPEND_MEDIAN = (180.0, 120.0, 300.0, 260.0, 220.0)  # CNY; US amounts are divided by 6

# Household and background slots: one person per (case, slot) at most.
(S_DEBTOR, S_SPOUSE, S_CHILD1, S_CHILD2, S_FATHER, S_MOTHER, S_FIL, S_MIL, S_SIB1, S_SIB2,
 S_SIBSP1, S_SIBSP2, S_FRIEND1, S_FRIEND2, S_LANDLORD, S_BUYER, S_INTER1, S_INTER2, S_INTER3,
 S_STRANGER, S_SELLER) = range(21)
_N_SLOTS = 21
# Homes (addresses) per case; the last two are properties nobody lives in.
(H_HH, H_PARENTS, H_INLAWS, H_SIB1, H_SIB2, H_EX, H_FRIEND1, H_FRIEND2, H_LANDLORD, H_BUYER,
 H_INTER1, H_INTER2, H_INTER3, H_STRANGER, H_SELLER, H_INVEST, H_SELLER_FLAT) = range(17)
_N_HOMES = 17
_SLOT_HOME = np.array(
    [H_HH, H_HH, H_HH, H_HH, H_PARENTS, H_PARENTS, H_INLAWS, H_INLAWS, H_SIB1, H_SIB2, H_SIB1,
     H_SIB2, H_FRIEND1, H_FRIEND2, H_LANDLORD, H_BUYER, H_INTER1, H_INTER2, H_INTER3,
     H_STRANGER, H_SELLER],
    dtype=np.int64,
)
# Hidden-tie variants: where the stranger's shared contact point is recorded.
_TIE_PERSON_PHONE, _TIE_PERSON_ADDRESS, _TIE_ID_PHONE, _TIE_ID_ADDRESS = range(4)
_TIE_WORDS = ("phone", "address", "phone", "address")

_DAY_S = 86_400


def _day(d: date) -> int:
    return (d - _EPOCH).days


def _yd(x: np.ndarray | float) -> np.ndarray:
    """Years to whole days."""
    return np.round(np.asarray(x) * _YEAR).astype(np.int64)


def _months(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _month_first(months: np.ndarray) -> np.ndarray:
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _cents(x: np.ndarray | float) -> np.ndarray:
    return np.maximum(np.round(np.asarray(x, dtype=np.float64) * 100).astype(np.int64), 1)


def _round_to(x: np.ndarray, step: float) -> np.ndarray:
    return np.maximum(np.round(np.asarray(x) / step), 1) * step


def _fold(rng: np.random.Generator, x: np.ndarray, lo: np.ndarray,
          hi: np.ndarray) -> np.ndarray:
    """Replace values outside ``[lo, hi]`` by uniform draws inside it (no pile-up at bounds).

    Where the range is empty the value becomes ``lo - 1``, which callers treat as infeasible.
    """
    lo = np.broadcast_to(lo, x.shape)
    hi = np.broadcast_to(hi, x.shape)
    inside = lo + (rng.random(x.shape) * (hi - lo + 1)).astype(np.int64)
    out = np.where((x < lo) | (x > hi), inside, x)
    return np.where(hi < lo, lo - 1, out)


def _choice(rng: np.random.Generator, n: int,
            weights: Sequence[float] | np.ndarray) -> np.ndarray:
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum())


class _Dice:
    """Scalar draws for per-case logic, served in blocks from the one numpy Generator."""

    def __init__(self, rng: np.random.Generator, block: int = 1 << 15):
        self._rng = rng
        self._block = block
        self._buf: list[float] = []
        self._i = 0

    def u(self) -> float:
        if self._i >= len(self._buf):
            self._buf = self._rng.random(self._block).tolist()
            self._i = 0
        self._i += 1
        return self._buf[self._i - 1]

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.u()

    def integer(self, a: int, b: int) -> int:
        """An integer in ``[a, b)`` (``a`` when the range is empty)."""
        return a + int((b - a) * self.u()) if b > a else a

    def chance(self, p: float) -> bool:
        return self.u() < p

    def pick(self, seq: Sequence):
        return seq[int(len(seq) * self.u())]

    def weighted(self, seq: Sequence, weights: Sequence[float]):
        total = sum(weights)
        x = self.u() * total
        for item, w in zip(seq, weights, strict=True):
            x -= w
            if x < 0:
                return item
        return seq[-1]

    def split(self, total: float, parts: int, step: float) -> list[float]:
        """Split ``total`` into ``parts`` uneven amounts, each a positive multiple of ``step``."""
        weights = [0.4 + self.u() for _ in range(parts)]
        scale = total / sum(weights)
        return [max(step, round(w * scale / step) * step) for w in weights]


class _Progress:
    """Forward stage names and overall fractions to an optional callback."""

    _STAGES: ClassVar[dict[str, float]] = {
        "plan": 0.02, "persons": 0.12, "companies": 0.15, "accounts": 0.2, "transfers": 0.4,
        "events": 0.5, "persons.write": 0.56, "transfers.write": 0.94, "labels": 1.0,
    }

    def __init__(self, callback: Callable[[str, float], None] | None):
        self._callback = callback

    def __call__(self, stage: str) -> None:
        if self._callback is not None:
            self._callback(stage, self._STAGES.get(stage, 0.95))


# --------------------------------------------------------------------------------------------
# Plan: per-case decisions (arrays of length n)
# --------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    n: int
    s0: int  # first day of the history
    locale: np.ndarray
    juris: np.ndarray
    city: np.ndarray  # index into CN_CITIES or US_CITIES
    district: np.ndarray  # AREAS index of the household (-1 for US)
    hometown: np.ndarray  # AREAS index of the debtor's family (-1 for US)
    hometown_sp: np.ndarray  # AREAS index of the spouse's family
    filing: np.ndarray
    acceptance: np.ndarray  # _NA when not accepted yet
    anchor: np.ndarray
    distress: np.ndarray
    evader: np.ndarray
    typ: np.ndarray  # bit mask over TYPOLOGIES
    cause: np.ndarray
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
        return (self.typ & _TYP[typology]) != 0


def _pick_typologies(rng: np.random.Generator, n: int) -> np.ndarray:
    """Bit masks of 1–3 distinct typologies per row (weighted, without replacement)."""
    k = _choice(rng, n, (0.4, 0.4, 0.2)) + 1
    keys = np.log(np.asarray(_TYPOLOGY_WEIGHTS)) + rng.gumbel(size=(n, len(TYPOLOGIES)))
    order = np.argsort(-keys, axis=1, kind="stable")
    mask = np.zeros(n, dtype=np.int64)
    for j in range(3):
        mask |= np.where(k > j, np.left_shift(1, order[:, j]), 0)
    return mask


def _plan_cases(rng: np.random.Generator, n: int, s0: int) -> _Plan:
    """Draw every per-case decision; later stages only read the plan."""
    f: dict[str, Any] = {"n": n, "s0": s0}
    for step in (_plan_places, _plan_dates, _plan_typologies, _plan_livelihood,
                 _plan_marriage, _plan_assets, _plan_extras):
        f.update(step(rng, f))
    return _Plan(**f)


def _plan_places(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    n = f["n"]
    area_index = {a.code: i for i, a in enumerate(nm.AREAS)}
    juris = _choice(rng, n, (0.80, 0.16, 0.04))
    locale = (juris == 2).astype(np.int64)
    city = np.where(
        juris == 0, 0,
        np.where(juris == 1, 1 + _choice(rng, n, [1.0] * (len(nm.CN_CITIES) - 1)),
                 _choice(rng, n, [1.0] * len(nm.US_CITIES))),
    )
    district = np.full(n, -1, dtype=np.int64)
    for ci, cty in enumerate(nm.CN_CITIES):
        sel = np.flatnonzero((locale == _CN) & (city == ci))
        codes = np.array([area_index[c] for c in cty.district_codes])
        district[sel] = codes[rng.integers(0, len(codes), sel.size)]
    hometown = np.where(locale == _CN, _choice(rng, n, nm.HOMETOWN_WEIGHTS), -1)
    hometown_sp = np.where(locale == _CN, _choice(rng, n, nm.HOMETOWN_WEIGHTS), -1)
    return {"juris": juris, "locale": locale, "city": city, "district": district,
            "hometown": hometown, "hometown_sp": hometown_sp}


def _plan_dates(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    n, s0 = f["n"], f["s0"]
    filing = s0 + rng.integers(_yd(3.0), _yd(4.0), n)
    acceptance = filing + rng.integers(30, 181, n)
    acceptance[(f["locale"] == _US) | (rng.random(n) < 0.04)] = _NA
    distress = filing - rng.integers(90, 541, n)
    return {"filing": filing, "acceptance": acceptance, "distress": distress}


def _plan_typologies(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    n, filing, acceptance = f["n"], f["filing"], f["acceptance"].copy()
    evader = rng.random(n) < 0.35
    if n >= 2 and (evader.all() or not evader.any()):
        evader[0] = not evader[0]
    typ = np.where(evader, _pick_typologies(rng, n), 0)
    # a preference must fall within six months of acceptance and before filing
    pref = (typ & _TYP["preferential_payment_to_related_creditor"]) != 0
    late = pref & (acceptance != _NA) & (acceptance > filing + 150)
    acceptance[late] = filing[late] + rng.integers(30, 151, int(late.sum()))
    anchor = np.where(acceptance != _NA, acceptance, filing)
    return {"evader": evader, "typ": typ, "acceptance": acceptance, "anchor": anchor}


def _plan_livelihood(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    n, locale, city, filing, distress = f["n"], f["locale"], f["city"], f["filing"], f["distress"]
    self_employed = rng.random(n) < np.where(locale == _CN, 0.35, 0.25)
    cause = np.where(self_employed, 1, np.array([0, 2, 3])[_choice(rng, n, (0.45, 0.25, 0.30))])
    illness = (cause == 2) | (rng.random(n) < 0.08)
    job_lost = (~self_employed) & (cause == 0) & ~f["evader"]
    income_end = np.where(job_lost, distress - rng.integers(30, 241, n), filing)
    income_end = np.where(self_employed, distress - rng.integers(0, 121, n), income_end)
    salary = np.array([c.salary for c in nm.CN_CITIES])[np.minimum(city, len(nm.CN_CITIES) - 1)]
    base = np.where(locale == _CN, salary, 5500.0)
    income = np.round(base * rng.lognormal(0.0, 0.45, n), -1)
    claim = np.round(income * rng.uniform(15, 120, n) * np.where(locale == _CN, 1.0, 0.45), 2)
    claim = np.maximum(claim, np.where(locale == _CN, 80_000.0, 15_000.0))
    creditor_bank = np.where(
        locale == _CN,
        _choice(rng, n, [b[2] for b in nm.CN_BANKS]),
        len(nm.CN_BANKS) + _choice(rng, n, [b[2] for b in nm.US_BANKS]),
    )
    return {"self_employed": self_employed, "cause": cause, "illness": illness,
            "income_end": income_end, "income": income, "claim": claim,
            "creditor_bank": creditor_bank}


def _plan_marriage(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    n, s0, filing = f["n"], f["s0"], f["filing"]
    debtor_male = rng.random(n) < 0.65
    debtor_birth = filing - _yd(28 + 34 * rng.beta(2.0, 2.6, n))
    gap = _yd(rng.uniform(-1, 6, n))
    spouse_birth = np.where(debtor_male, debtor_birth + gap, debtor_birth - gap)
    spouse_birth = np.minimum(spouse_birth, filing - _yd(24))
    younger = np.maximum(debtor_birth, spouse_birth)
    marriage = younger + _yd(rng.uniform(22, 31, n))
    marriage = np.clip(marriage, younger + _yd(20.5), filing - _yd(1.5))

    married_now = rng.random(n) < 0.78
    old_divorce = (~married_now) & (rng.random(n) < 0.33)
    fake = (f["typ"] & _TYP["fake_divorce"]) != 0
    married_now |= fake
    old_divorce &= ~fake
    divorce_day = np.full(n, _NA, dtype=np.int64)
    dd = np.minimum(s0 - _yd(rng.uniform(0.3, 8, n)), f["anchor"] - 800)
    old_divorce &= dd > marriage + _yd(2)
    divorce_day[old_divorce] = dd[old_divorce]
    return {"debtor_male": debtor_male, "debtor_birth": debtor_birth,
            "spouse_birth": spouse_birth, "marriage": marriage,
            "has_spouse": married_now | old_divorce, "old_divorce": old_divorce,
            "divorce_day": divorce_day}


def _plan_assets(rng: np.random.Generator, f: dict[str, Any]) -> dict[str, np.ndarray]:
    n, s0, juris, locale = f["n"], f["s0"], f["juris"], f["locale"]
    owns_home = rng.random(n) < np.where(juris == 0, 0.45, np.where(juris == 1, 0.6, 0.55))
    has_car = rng.random(n) < 0.5
    needs_property = (f["typ"] & _TYP["below_market_conveyance"]) != 0
    fix = needs_property & ~owns_home & ~has_car
    coin = rng.random(n) < 0.5
    owns_home |= fix & coin
    has_car |= fix & ~coin
    flat_price = np.array([c.flat_price for c in nm.CN_CITIES])[np.minimum(f["city"], 11)]
    home_price = np.where(
        locale == _CN,
        rng.uniform(55, 140, n) * flat_price * rng.uniform(0.7, 1.3, n),
        rng.uniform(450_000, 1_400_000, n),
    )
    home_acq = np.maximum(s0 - _yd(rng.uniform(0.5, 12, n)), f["debtor_birth"] + _yd(24))
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
    layering = (typ & _TYP["layering"]) != 0
    return {
        "distress_sale": distress_sale,
        "gift_child": honest & (rng.random(n) < 0.15),
        "parents_help": rng.random(n) < np.where(honest, 0.2, 0.08),
        "relative_co": rng.random(n) < np.where(honest, 0.1, 0.06),
        "n_friends": 1 + (rng.random(n) < 0.5),
        "n_inter": np.where(layering, _choice(rng, n, (0.45, 0.4, 0.15)) + 1, 0),
        "seller": ((typ & _TYP["property_bought_for_relative"]) != 0) & (rng.random(n) < 0.6),
        "tie_variant": np.where((typ & _TYP["hidden_tie"]) != 0, rng.integers(0, 4, n), -1),
    }


# --------------------------------------------------------------------------------------------
# Households: who exists, births, genders (matrices of shape (cases, slots))
# --------------------------------------------------------------------------------------------


@dataclass
class _Households:
    has: np.ndarray  # bool (n, slots)
    birth: np.ndarray  # int days (n, slots)
    male: np.ndarray  # bool (n, slots)
    pidx: np.ndarray  # person index per (case, slot), -1 if absent
    parents_married: np.ndarray  # day, per case
    sib_married: np.ndarray  # day, per (case, sibling 0/1)


def _draw_households(rng: np.random.Generator, plan: _Plan) -> _Households:
    n, s0 = plan.n, plan.s0
    has = np.zeros((n, _N_SLOTS), dtype=bool)
    birth = np.zeros((n, _N_SLOTS), dtype=np.int64)
    male = rng.random((n, _N_SLOTS)) < 0.5

    has[:, S_DEBTOR] = True
    birth[:, S_DEBTOR] = plan.debtor_birth
    male[:, S_DEBTOR] = plan.debtor_male
    has[:, S_SPOUSE] = plan.has_spouse
    birth[:, S_SPOUSE] = plan.spouse_birth
    male[:, S_SPOUSE] = ~plan.debtor_male

    _draw_children(rng, plan, has, birth)
    _draw_parents(rng, plan, has, birth, male)
    sib_married = _draw_siblings(rng, plan, has, birth, male)

    has[:, S_FRIEND1] = True
    has[:, S_FRIEND2] = plan.n_friends >= 2
    has[:, S_LANDLORD] = ~plan.owns_home
    has[:, S_BUYER] = plan.distress_sale
    has[:, S_INTER1] = plan.n_inter >= 1
    has[:, S_INTER2] = plan.n_inter >= 2
    has[:, S_INTER3] = plan.n_inter >= 3
    has[:, S_STRANGER] = plan.tie_variant >= 0
    has[:, S_SELLER] = plan.seller
    for slot in (S_FRIEND1, S_FRIEND2, S_LANDLORD, S_BUYER, S_INTER1, S_INTER2, S_INTER3,
                 S_STRANGER, S_SELLER):
        birth[:, slot] = s0 - _yd(rng.uniform(24, 66, n))
    # the stranger of a hidden tie is often a partner of the other sex
    male[:, S_STRANGER] = np.where(rng.random(n) < 0.7, ~plan.debtor_male, male[:, S_STRANGER])

    parents_married = np.minimum(birth[:, S_FATHER], birth[:, S_MOTHER]) + _yd(
        rng.uniform(21, 27, n))
    parents_married = np.minimum(parents_married, birth[:, S_DEBTOR] - _yd(rng.uniform(0.8, 3, n)))
    parents_married = np.maximum(
        parents_married, np.maximum(birth[:, S_FATHER], birth[:, S_MOTHER]) + _yd(20))

    pidx = np.full(has.shape, -1, dtype=np.int64)
    pidx[has] = np.arange(int(has.sum()))
    return _Households(has, birth, male, pidx, parents_married, sib_married)


def _draw_children(rng: np.random.Generator, plan: _Plan, has: np.ndarray,
                   birth: np.ndarray) -> None:
    n, s0 = plan.n, plan.s0
    nkids = np.where(plan.has_spouse, _choice(rng, n, (0.1, 0.45, 0.45)),
                     _choice(rng, n, (0.85, 0.15, 0.0)))
    lower = np.where(plan.has_spouse, np.maximum(plan.debtor_birth, plan.spouse_birth),
                     plan.debtor_birth) + _yd(20)
    upper = np.full(n, s0 - 400)
    first_base = np.where(plan.has_spouse, plan.marriage, lower + _yd(rng.uniform(2, 10, n)))
    first = _fold(rng, first_base + _yd(rng.uniform(0.8, 5, n)), lower, upper)
    second = _fold(rng, first + _yd(rng.uniform(1.5, 7, n)), first + 300, upper)
    has[:, S_CHILD1] = (nkids >= 1) & (first >= lower)
    has[:, S_CHILD2] = (nkids >= 2) & has[:, S_CHILD1] & (second >= first + 300)
    birth[:, S_CHILD1] = first
    birth[:, S_CHILD2] = second


def _draw_parents(rng: np.random.Generator, plan: _Plan, has: np.ndarray, birth: np.ndarray,
                  male: np.ndarray) -> None:
    n, f = plan.n, plan.filing
    age_f = (f - plan.debtor_birth) / _YEAR
    birth[:, S_FATHER] = plan.debtor_birth - _yd(rng.uniform(23, 36, n))
    birth[:, S_MOTHER] = plan.debtor_birth - _yd(rng.uniform(21, 33, n))
    birth[:, S_FIL] = plan.spouse_birth - _yd(rng.uniform(23, 36, n))
    birth[:, S_MIL] = plan.spouse_birth - _yd(rng.uniform(21, 33, n))
    old = age_f > 50
    has[:, S_FATHER] = rng.random(n) < np.where(old, 0.6, 0.9)
    has[:, S_MOTHER] = rng.random(n) < np.where(old, 0.75, 0.94)
    married_now = plan.has_spouse & ~plan.old_divorce
    has[:, S_FIL] = married_now & (rng.random(n) < 0.85)
    has[:, S_MIL] = married_now & (rng.random(n) < 0.88)
    # Typologies that move money to a relative need one: keep the mother alive.
    needs = plan.evader & ~(has[:, S_FATHER] | has[:, S_MOTHER])
    has[:, S_MOTHER] |= needs
    male[:, S_FATHER] = True
    male[:, S_FIL] = True
    male[:, S_MOTHER] = False
    male[:, S_MIL] = False


def _draw_siblings(rng: np.random.Generator, plan: _Plan, has: np.ndarray, birth: np.ndarray,
                   male: np.ndarray) -> np.ndarray:
    n, s0 = plan.n, plan.s0
    nsib = _choice(rng, n, (0.35, 0.45, 0.2))
    mother = birth[:, S_MOTHER]
    married = np.full((n, 2), _NA, dtype=np.int64)
    for k, (slot, sp) in enumerate(((S_SIB1, S_SIBSP1), (S_SIB2, S_SIBSP2))):
        sign = np.where(rng.random(n) < 0.5, -1, 1)
        b = plan.debtor_birth + sign * _yd(rng.uniform(1, 9, n))
        b = _fold(rng, b, mother + _yd(18), np.minimum(mother + _yd(44), s0 - _yd(16)))
        birth[:, slot] = b
        has[:, slot] = nsib > k
        adult = (s0 - b) > _yd(24)
        has[:, sp] = has[:, slot] & adult & (rng.random(n) < 0.6)
        birth[:, sp] = b + _yd(rng.uniform(-4, 4, n))
        male[:, sp] = ~male[:, slot]
        married[:, k] = np.minimum(b + _yd(rng.uniform(23, 31, n)), s0 - 60)
        married[:, k] = np.maximum(married[:, k], np.maximum(b, birth[:, sp]) + _yd(20))
    return married


# --------------------------------------------------------------------------------------------
# Persons: names, ID numbers, phones, addresses (vectorised)
# --------------------------------------------------------------------------------------------


@dataclass
class _People:
    n: int
    case: np.ndarray
    slot: np.ndarray
    locale: np.ndarray
    birth: np.ndarray
    male: np.ndarray
    name: pa.Array
    id_number: pa.Array
    phone: pa.Array
    phone1: pa.Array  # first phone only (null when none)
    address: pa.Array
    home_pos: np.ndarray  # (cases, homes) -> position in home_str, -1 if unused
    home_str: pa.Array


def _build_people(rng: np.random.Generator, plan: _Plan, hh: _Households) -> _People:
    sel = hh.has.ravel()
    n_people = int(sel.sum())
    case = np.repeat(np.arange(plan.n), _N_SLOTS)[sel]
    slot = np.tile(np.arange(_N_SLOTS), plan.n)[sel]
    locale = plan.locale[case]
    birth = hh.birth.ravel()[sel]
    male = hh.male.ravel()[sel]

    name = _person_names(rng, plan, sel, locale, birth, male)
    id_number = _person_id_numbers(rng, plan, case, slot, locale, birth, male)
    home_pos, home_str = _build_homes(rng, plan, hh)
    home = _SLOT_HOME[slot].copy()
    home[(slot == S_SPOUSE) & plan.old_divorce[case]] = H_EX
    tie = plan.tie_variant[case]
    stranger_at_home = (slot == S_STRANGER) & (tie == _TIE_PERSON_ADDRESS)
    home[stranger_at_home] = H_HH
    address = home_str.take(pa.array(home_pos[case, home]))
    phone, phone1 = _person_phones(rng, plan, case, slot, locale, birth)
    return _People(n_people, case, slot, locale, birth, male, name, id_number, phone, phone1,
                   address, home_pos, home_str)


def _given_index(rng: np.random.Generator, locale: np.ndarray, birth: np.ndarray,
                 male: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Indices into one flat table of given names (CN by gender and era, US by gender)."""
    table: list[str] = []
    offsets: dict[tuple[int, int, int], tuple[int, int]] = {}
    for g, gender in enumerate(("F", "M")):
        for era in range(3):
            names = nm.CN_GIVEN_NAMES[(gender, era)]
            offsets[(_CN, g, era)] = (len(table), len(names))
            table.extend(names)
        names = nm.US_FIRST_NAMES[gender]
        for era in range(3):
            offsets[(_US, g, era)] = (len(table), len(names))
        table.extend(names)
    year = _year_of(birth)
    eras = np.where(year < 1965, 0, np.where(year < 1995, 1, 2))
    key = (locale * 2 + male.astype(np.int64)) * 3 + eras
    off = np.zeros(12, dtype=np.int64)
    size = np.ones(12, dtype=np.int64)
    for (loc, g, e), (o, s) in offsets.items():
        off[(loc * 2 + g) * 3 + e] = o
        size[(loc * 2 + g) * 3 + e] = s
    idx = off[key] + (rng.random(len(key)) * size[key]).astype(np.int64)
    return idx, pa.array(table)


def _person_names(rng: np.random.Generator, plan: _Plan, sel: np.ndarray, locale: np.ndarray,
                  birth: np.ndarray, male: np.ndarray) -> pa.Array:
    n = plan.n
    cn_w = np.array([w for _, w in nm.CN_SURNAMES])
    cn_sur = _choice(rng, n * _N_SLOTS, cn_w).reshape(n, _N_SLOTS)
    us_sur = rng.integers(0, len(nm.US_SURNAMES), (n, _N_SLOTS)) + len(nm.CN_SURNAMES)
    sur = np.where((plan.locale == _US)[:, None], us_sur, cn_sur)
    d = sur[:, S_DEBTOR]
    maiden_sp = sur[:, S_SPOUSE].copy()
    for s in (S_FATHER, S_SIB1, S_SIB2):
        sur[:, s] = d
    sur[:, S_FIL] = maiden_sp
    husband = np.where(plan.debtor_male, d, np.where(plan.has_spouse, maiden_sp, d))
    wife = np.where(plan.debtor_male, maiden_sp, d)
    kid_sur = np.where(rng.random(n) < 0.05, wife, husband)
    sur[:, S_CHILD1] = kid_sur
    sur[:, S_CHILD2] = kid_sur
    us = plan.locale == _US
    takes = us & (rng.random(n) < 0.8)
    sur[:, S_SPOUSE] = np.where(takes & plan.debtor_male, d, sur[:, S_SPOUSE])
    sur[:, S_MOTHER] = np.where(takes, d, sur[:, S_MOTHER])
    sur[:, S_MIL] = np.where(takes, maiden_sp, sur[:, S_MIL])
    surnames = pa.array([s for s, _ in nm.CN_SURNAMES] + list(nm.US_SURNAMES))
    sur_col = surnames.take(pa.array(sur.ravel()[sel]))
    given_idx, given_table = _given_index(rng, locale, birth, male)
    given_col = given_table.take(pa.array(given_idx))
    cn_name = pc.binary_join_element_wise(sur_col, given_col, "")
    us_name = pc.binary_join_element_wise(given_col, sur_col, " ")
    return pc.if_else(pa.array(locale == _US), us_name, cn_name)


def _dedupe(values: np.ndarray, redraw: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Redraw values (``redraw(positions)``) until all are distinct; deterministic."""
    values = values.copy()
    for _ in range(100):
        _, first = np.unique(values, return_index=True)
        dup = np.ones(len(values), dtype=bool)
        dup[first] = False
        if not dup.any():
            return values
        pos = np.flatnonzero(dup)
        values[pos] = redraw(pos)
    raise RuntimeError("could not draw distinct values")  # pragma: no cover


def _person_id_numbers(rng: np.random.Generator, plan: _Plan, case: np.ndarray,
                       slot: np.ndarray, locale: np.ndarray, birth: np.ndarray,
                       male: np.ndarray) -> pa.Array:
    n = plan.n
    area = np.zeros((n, _N_SLOTS), dtype=np.int64)
    area[:] = plan.hometown[:, None]
    for s in (S_SPOUSE, S_FIL, S_MIL):
        area[:, s] = plan.hometown_sp
    for s in (S_CHILD1, S_CHILD2):
        area[:, s] = plan.district
    rand_home = _choice(rng, n * _N_SLOTS, nm.HOMETOWN_WEIGHTS).reshape(n, _N_SLOTS)
    for s in (S_SIBSP1, S_SIBSP2, S_FRIEND1, S_FRIEND2, S_LANDLORD, S_BUYER, S_INTER1,
              S_INTER2, S_INTER3, S_STRANGER, S_SELLER):
        area[:, s] = rand_home[:, s]
    codes = np.array([a.code for a in nm.AREAS])
    cn = np.flatnonzero(locale == _CN)
    area_code = codes[area[case[cn], slot[cn]]]
    parity = male[cn].astype(np.int64)

    def seq(pos: np.ndarray) -> np.ndarray:
        return 2 * rng.integers(1, 500, len(pos)) - parity[pos]

    def body(pos: np.ndarray, s: np.ndarray) -> np.ndarray:
        return area_code[pos] * 10**12 + birth[cn][pos] * 1000 + s

    sequence = seq(np.arange(len(cn)))
    key = _dedupe(body(np.arange(len(cn)), sequence), lambda pos: body(pos, seq(pos)))
    sequence = key % 1000
    ids = resident_id_numbers(area_code, birth[cn], sequence)
    out = pa.nulls(len(locale), pa.string())
    return _scatter_strings(out, cn, ids)


def _scatter_strings(base: pa.Array, positions: np.ndarray, values: pa.Array) -> pa.Array:
    """``base`` with ``values`` placed at ``positions``."""
    order = np.full(len(base), -1, dtype=np.int64)
    order[positions] = np.arange(len(positions))
    combined = pa.concat_arrays([values, base.cast(pa.string())])
    take = np.where(order >= 0, order, len(values) + np.arange(len(base)))
    return combined.take(pa.array(take))


def _person_phones(rng: np.random.Generator, plan: _Plan, case: np.ndarray, slot: np.ndarray,
                   locale: np.ndarray, birth: np.ndarray) -> tuple[pa.Array, pa.Array]:
    n = len(case)
    age = (plan.s0 - birth) / _YEAR
    has1 = (age >= 14) & ~((age >= 70) & (rng.random(n) < 0.25))
    has1 |= slot == S_DEBTOR
    has2 = has1 & (rng.random(n) < 0.08)
    cn_prefix = np.array(nm.CN_MOBILE_PREFIXES)
    us_city = np.minimum(plan.city[case], len(nm.US_CITIES) - 1)
    us_areas = np.array([[c.phone_areas[k % len(c.phone_areas)] for k in range(3)]
                         for c in nm.US_CITIES], dtype=np.int64)

    def draw(pos: np.ndarray) -> np.ndarray:
        who = pos % n
        pre = cn_prefix[rng.integers(0, len(cn_prefix), len(pos))]
        cn_num = pre * 10**8 + rng.integers(0, 10**8, len(pos))
        area = us_areas[us_city[who], rng.integers(0, 3, len(pos))]
        us_num = -(10**10 + area * 10**7 + rng.integers(2_000_000, 10_000_000, len(pos)))
        return np.where(locale[who] == _US, us_num, cn_num)

    both = _dedupe(draw(np.arange(2 * n)), draw)
    p1, p2 = both[:n], both[n:]
    p2 = p2.copy()
    # a hidden tie recorded in persons: the stranger lists the debtor's phone as a second number
    stranger = np.flatnonzero((slot == S_STRANGER)
                              & (plan.tie_variant[case] == _TIE_PERSON_PHONE))
    debtor_pos = np.full(plan.n, -1, dtype=np.int64)
    debtor_pos[case[slot == S_DEBTOR]] = np.flatnonzero(slot == S_DEBTOR)
    p2[stranger] = p1[debtor_pos[case[stranger]]]
    has2[stranger] = True
    has1[stranger] = True
    s1 = _format_phones(p1, locale)
    s2 = _format_phones(p2, locale)
    first = pc.if_else(pa.array(has1), s1, pa.nulls(n, pa.string()))
    joined = pc.binary_join_element_wise(s1, s2, ";")
    phone = pc.if_else(pa.array(has2), joined, first)
    return phone, first


def _format_phones(numbers: np.ndarray, locale: np.ndarray) -> pa.Array:
    """PRC numbers as 11 digits; US numbers (stored negated) as ``+1-AAA-EEE-NNNN``."""
    text = pc.cast(pa.array(np.abs(numbers)), pa.string())
    us = pc.binary_join_element_wise(
        "+1-", pc.utf8_slice_codeunits(text, 1, 4), "-", pc.utf8_slice_codeunits(text, 4, 7), "-",
        pc.utf8_slice_codeunits(text, 7, 11), "",
    )
    return pc.if_else(pa.array(locale == _US), us, text)


def _build_homes(rng: np.random.Generator, plan: _Plan,
                 hh: _Households) -> tuple[np.ndarray, pa.Array]:
    """One address per used (case, home); returns positions and the address strings."""
    n = plan.n
    used = np.zeros((n, _N_HOMES), dtype=bool)
    for s in range(_N_SLOTS):
        used[np.flatnonzero(hh.has[:, s]), _SLOT_HOME[s]] = True
    used[:, H_EX] = plan.old_divorce
    used[:, H_INVEST] = plan.has_invest
    used[:, H_SELLER_FLAT] = plan.seller
    area = np.repeat(plan.district[:, None], _N_HOMES, axis=1)
    area[:, H_PARENTS] = plan.hometown
    area[:, H_INLAWS] = plan.hometown_sp
    for h in (H_SIB1, H_SIB2):
        area[:, h] = np.where(rng.random(n) < 0.5, plan.hometown, plan.district)
    area[:, H_SELLER_FLAT] = np.where(rng.random(n) < 0.5, plan.hometown, plan.district)
    cases, homes = np.nonzero(used)
    pos = np.full((n, _N_HOMES), -1, dtype=np.int64)
    pos[cases, homes] = np.arange(len(cases))
    loc = plan.locale[cases]
    cn = np.flatnonzero(loc == _CN)
    us = np.flatnonzero(loc == _US)
    cn_str = _cn_addresses(rng, area[cases[cn], homes[cn]], homes[cn])
    us_str = _us_addresses(rng, plan.city[cases[us]])
    return pos, _scatter_strings(_scatter_strings(pa.nulls(len(cases), pa.string()), cn, cn_str),
                                 us, us_str)


def _cn_addresses(rng: np.random.Generator, area: np.ndarray, homes: np.ndarray) -> pa.Array:
    n = len(area)
    areas = nm.AREAS
    rural_area = np.array([a.rural for a in areas])[area]
    rural = rural_area & np.isin(homes, (H_PARENTS, H_INLAWS, H_SIB1, H_SIB2)) & (
        rng.random(n) < 0.75)
    is_sz = np.array([a.city == "深圳市" for a in areas])[area]
    n_sz, n_cn = len(nm.SZ_ROADS), len(nm.CN_ROADS)

    def draw(pos: np.ndarray) -> np.ndarray:
        m = len(pos)
        road = np.where(is_sz[pos], rng.integers(0, n_sz, m), n_sz + rng.integers(0, n_cn, m))
        num = rng.integers(1, 400, m)
        comm = np.where(rng.random(m) < 0.5, 0, rng.integers(1, len(nm.CN_COMMUNITIES) + 1, m))
        bldg = rng.integers(1, 39, m)
        room = rng.integers(1, 34, m) * 100 + rng.integers(1, 5, m)
        urban = ((((area[pos] * 64 + road) * 400 + num) * 17 + comm) * 40 + bldg) * 3400 + room
        town = rng.integers(0, len(nm.CN_TOWNS), m)
        village = rng.integers(0, len(nm.CN_VILLAGES), m)
        rural_key = -(((area[pos] * 16 + town) * 16 + village) * 400 + num) - 1
        return np.where(rural[pos], rural_key, urban)

    key = _dedupe(draw(np.arange(n)), draw)
    prefix = pa.array([a.province + a.city + a.district for a in areas]).take(pa.array(area))
    # decode the urban key
    k = np.where(key >= 0, key, 0)
    room, k = k % 3400, k // 3400
    bldg, k = k % 40, k // 40
    comm, k = k % 17, k // 17
    num_u, k = k % 400, k // 400
    road = k % 64
    r = np.where(key < 0, -(key + 1), 0)
    num_r, r = r % 400, r // 400
    village, r = r % 16, r // 16
    town = r % 16
    roads = pa.array(nm.SZ_ROADS + nm.CN_ROADS).take(pa.array(road))
    comms = pa.array(("", *nm.CN_COMMUNITIES)).take(pa.array(comm))
    urban = pc.binary_join_element_wise(
        prefix, roads, _num_str(num_u), "号", comms, _num_str(bldg), "栋", _num_str(room), "")
    rural_str = pc.binary_join_element_wise(
        prefix, pa.array(nm.CN_TOWNS).take(pa.array(town)), "镇",
        pa.array(nm.CN_VILLAGES).take(pa.array(village)), "村", _num_str(num_r), "号", "")
    return pc.if_else(pa.array(key < 0), rural_str, urban)


def _us_addresses(rng: np.random.Generator, city: np.ndarray) -> pa.Array:
    n = len(city)

    def draw(pos: np.ndarray) -> np.ndarray:
        m = len(pos)
        num = rng.integers(100, 9900, m)
        street = rng.integers(0, len(nm.US_STREETS), m)
        suffix = rng.integers(0, len(nm.US_STREET_SUFFIXES), m)
        apt = np.where(rng.random(m) < 0.5, 0, rng.integers(1, 400, m))
        zip_tail = rng.integers(0, 100, m)
        return ((((city[pos] * 10_000 + num) * 32 + street) * 8 + suffix) * 400 + apt) * 100 \
            + zip_tail

    key = _dedupe(draw(np.arange(n)), draw)
    zip_tail, k = key % 100, key // 100
    apt, k = k % 400, k // 400
    suffix, k = k % 8, k // 8
    street, k = k % 32, k // 32
    num = k % 10_000
    cities = nm.US_CITIES
    city_part = pa.array([f", {c.name}, {c.state} " for c in cities]).take(pa.array(city))
    zips = pc.utf8_lpad(_num_str(np.array([c.zip_prefix for c in cities])[city] * 100 + zip_tail),
                        5, "0")
    apt_str = pc.if_else(pa.array(apt > 0),
                         pc.binary_join_element_wise(" Apt ", _num_str(apt), ""),
                         pa.scalar(""))
    return pc.binary_join_element_wise(
        _num_str(num), " ", pa.array(nm.US_STREETS).take(pa.array(street)), " ",
        pa.array(nm.US_STREET_SUFFIXES).take(pa.array(suffix)), apt_str, city_part, zips, "")


def _num_str(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())


# --------------------------------------------------------------------------------------------
# Companies: background pools (employers, merchants, banks, hospitals, schools, dealers) and
# the companies of each case (the debtor's business, relatives' companies, shells)
# --------------------------------------------------------------------------------------------


class _Companies:
    """Companies, their roles, and the per-city pools that background flows draw from."""

    def __init__(self, dice: _Dice, plan: _Plan):
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
        self.reg.append(self._credit_code(area_code, inc, public) if locale == _CN
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
            if inc >= _day(date(2016, 1, 1)):
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
             end: int = _NA) -> None:
        hundredths = -1 if share is None else round(share * 100)
        self.roles.append((party, company, _ROLE[role], hundredths, start, end))

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
    return city if locale == _CN else len(nm.CN_CITIES) + city


def _build_companies(dice: _Dice, plan: _Plan, hh: _Households) -> _Companies:
    co = _Companies(dice, plan)
    _build_national_merchants(co)
    for loc, cities in ((_CN, nm.CN_CITIES), (_US, nm.US_CITIES)):
        for ci in range(len(cities)):
            demand = int(np.count_nonzero((plan.locale == loc) & (plan.city == ci)))
            if demand:
                _build_city_pools(co, loc, ci, demand)
    _build_case_companies(co, plan, hh)
    return co


def _build_national_merchants(co: _Companies) -> None:
    s0 = co.plan.s0
    shared: list[tuple[int, int, str]] = []
    for name, cat in nm.CN_NATIONAL_MERCHANTS:
        c = co.add(name, s0 - co.dice.integer(3000, 8000), co.cn_address(9), "active", _CN,
                   area_code=110100, merchant_app=True)
        shared.append((_CN, c, cat))
    for name, cat in nm.US_MERCHANTS:
        c = co.add(name, s0 - co.dice.integer(5000, 15000), co.us_address(0), "active", _US)
        shared.append((_US, c, cat))
    for loc, ncity in ((_CN, len(nm.CN_CITIES)), (_US, len(nm.US_CITIES))):
        for ci in range(ncity):
            for lo, c, cat in shared:
                if lo == loc:
                    co.pool_add(cat, _city_key(loc, ci), c)


def _build_city_pools(co: _Companies, loc: int, ci: int, demand: int) -> None:
    if loc == _CN:
        _cn_city_pools(co, ci, demand)
    else:
        _us_city_pools(co, ci, demand)


def _cn_firm_name(d: _Dice, city: str, kind: str | None) -> str:
    return f"{city}{d.pick(nm.CN_TRADE_NAMES)}{kind or d.pick(nm.CN_INDUSTRIES)}有限公司"


def _cn_city_pools(co: _Companies, ci: int, demand: int) -> None:
    d, s0 = co.dice, co.plan.s0
    key = _city_key(_CN, ci)
    city = nm.CN_CITIES[ci]
    area_idx = [next(i for i, a in enumerate(nm.AREAS) if a.code == c)
                for c in city.district_codes]

    def add(pool: str, name: str, age: tuple[int, int], area: int | None = None,
            **kw: Any) -> int:
        area = d.pick(area_idx) if area is None else area
        c = co.add(name, s0 - d.integer(*age), co.cn_address(area), "active", _CN,
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


def _us_city_pools(co: _Companies, ci: int, demand: int) -> None:
    d, s0 = co.dice, co.plan.s0
    key = _city_key(_US, ci)
    city = nm.US_CITIES[ci]

    def add(pool: str, name: str, age: tuple[int, int], **kw: Any) -> int:
        c = co.add(name, s0 - d.integer(*age), co.us_address(ci), "active", _US, **kw)
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


def _school_name(d: _Dice, area: nm.Area) -> str:
    kind = d.pick(("小学", "中学", "实验学校", "幼儿园"))
    return f"{area.city}{area.district}{d.pick(nm.CN_SCHOOL_NAMES)}{kind}"


def _relative_slots(hh: _Households, c: int, *, kin: Sequence[int]) -> list[int]:
    return [s for s in kin if hh.has[c, s]]


def _build_case_companies(co: _Companies, plan: _Plan, hh: _Households) -> None:
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
            end = int(plan.income_end[c]) if plan.income_end[c] < plan.filing[c] else _NA
            hired = max(s0 - d.integer(180, 3000), co.inc[emp] + 30,
                        int(hh.birth[c, S_DEBTOR]) + 18 * 366)
            co.role(debtor, emp, "employee", None, hired, end)
        else:
            co.business[c] = _add_business(co, plan, hh, c, loc, ci)
        if rel_co[c]:
            co.relative_co[c] = _add_relative_company(co, plan, hh, c, loc, ci, shell=False)
        if has_shell[c]:
            co.shell[c] = _add_relative_company(co, plan, hh, c, loc, ci, shell=True)


def _company_name(co: _Companies, loc: int, ci: int) -> str:
    d = co.dice
    if loc == _CN:
        city = nm.CN_CITIES[ci].name
        return co.unique_name(
            lambda: f"{city}{d.pick(nm.CN_TRADE_NAMES)}{d.pick(nm.CN_INDUSTRIES)}有限公司")
    return co.unique_name(lambda: f"{d.pick(nm.US_SURNAMES)} {d.pick(nm.US_INDUSTRIES)} LLC")


def _company_place(co: _Companies, plan: _Plan, c: int, loc: int, ci: int) -> tuple[str, int]:
    if loc == _CN:
        area = int(plan.district[c])
        return co.cn_address(area), nm.AREAS[area].code
    return co.us_address(ci), 0


def _add_business(co: _Companies, plan: _Plan, hh: _Households, c: int, loc: int,
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


def _add_relative_company(co: _Companies, plan: _Plan, hh: _Households, c: int, loc: int,
                          ci: int, *, shell: bool) -> int:
    d = co.dice
    kin = (S_SIB1, S_SIBSP1, S_SPOUSE, S_FATHER, S_MOTHER, S_FIL, S_MIL, S_SIB2, S_CHILD1)
    candidates = [s for s in _relative_slots(hh, c, kin=kin)
                  if (s != S_SPOUSE or not plan.old_divorce[c])
                  and hh.birth[c, s] < plan.s0 - _yd(20)]
    if not candidates:
        candidates = [S_MOTHER if hh.has[c, S_MOTHER] else S_FATHER]
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


# --------------------------------------------------------------------------------------------
# Accounts (vectorised)
# --------------------------------------------------------------------------------------------


@dataclass
class _Accounts:
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
        cn = _choice(self.rng, len(loc), [w for *_, w in nm.CN_BANKS])
        us = len(nm.CN_BANKS) + _choice(self.rng, len(loc), [w for *_, w in nm.US_BANKS])
        return np.where(loc == _CN, cn, us)

    def app(self, loc: np.ndarray) -> np.ndarray:
        base = len(nm.CN_BANKS) + len(nm.US_BANKS)
        cn = base + _choice(self.rng, len(loc), [w for _, w in nm.CN_PAYMENT_APPS])
        us = base + len(nm.CN_PAYMENT_APPS) + _choice(
            self.rng, len(loc), [w for _, w in nm.US_PAYMENT_APPS])
        return np.where(loc == _CN, cn, us)

    def securities(self, loc: np.ndarray) -> np.ndarray:
        cn = self.index[nm.CN_SECURITIES[0]] + self.rng.integers(0, len(nm.CN_SECURITIES),
                                                                 len(loc))
        us = self.index["Charles Schwab"] + self.rng.integers(0, 2, len(loc))
        return np.where(loc == _CN, cn, us)


# Account groups: (holder party, institution, account type, opened day); the group number
# says what the account is for.
_G_BANK, _G_APP, _G_BANK2, _G_SECURITIES, _G_CO_BANK, _G_CO_APP = range(6)
_Group = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _person_account_groups(rng: np.random.Generator, plan: _Plan, people: _People,
                           inst: _Institutions) -> list[_Group]:
    n_p = people.n
    age = (plan.s0 - people.birth) / _YEAR
    adult = age >= 16
    debtor = people.slot == S_DEBTOR
    loc = people.locale
    lo = np.where(age < 18, people.birth + 30,
                  np.maximum(people.birth + _yd(18), plan.s0 - _yd(15)))
    hi = plan.s0 - 30

    def group(mask: np.ndarray, institution: np.ndarray, kind: str) -> _Group:
        a = lo[mask]
        if kind == "payment_app":  # wallets with bank-grade accounts date from the 2010s
            a = np.maximum(a, min(_day(date(2014, 1, 1)), hi - 1))
        opened = a + (rng.random(len(a)) * np.maximum(hi - a, 1)).astype(np.int64)
        return (np.flatnonzero(mask), institution, np.full(len(a), _ACCT[kind]), opened)

    everyone = np.ones(n_p, dtype=bool)
    app_p = np.where(loc == _CN, np.where(debtor, 0.92, 0.28), np.where(debtor, 0.6, 0.2))
    m_app = adult & (rng.random(n_p) < app_p)
    m_b2 = adult & (rng.random(n_p) < np.where(debtor, 0.35, 0.05))
    m_sec = debtor & (rng.random(n_p) < 0.06)
    return [
        group(everyone, inst.bank(loc), "bank"),
        group(m_app, inst.app(loc[m_app]), "payment_app"),
        group(m_b2, inst.bank(loc[m_b2]), "bank"),
        group(m_sec, inst.securities(loc[m_sec]), "securities"),
    ]


def _company_account_groups(rng: np.random.Generator, co: _Companies, n_p: int,
                            inst: _Institutions) -> list[_Group]:
    n_c = len(co.name)
    loc = np.array(co.locale, dtype=np.int64)
    own_bank = np.array(co.bank_inst, dtype=np.int64)
    opened = np.array(co.inc, dtype=np.int64) + rng.integers(3, 21, n_c)
    m_app = np.array(co.merchant_app, dtype=bool)
    parties = n_p + np.arange(n_c)
    return [
        (parties, np.where(own_bank >= 0, own_bank, inst.bank(loc)),
         np.full(n_c, _ACCT["bank"]), opened),
        (parties[m_app], inst.app(loc[m_app]), np.full(int(m_app.sum()), _ACCT["payment_app"]),
         opened[m_app] + 1),
    ]


def _build_accounts(rng: np.random.Generator, plan: _Plan, people: _People,
                    co: _Companies) -> _Accounts:
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
    closed = np.full(len(holder), _NA, dtype=np.int64)
    closed[closing] = np.minimum(opened[closing] + rng.integers(200, 3000, int(closing.sum())),
                                 plan.s0 + 365)

    lookups = {}
    for name, ids in (("bank", (_G_BANK, _G_CO_BANK)), ("app", (_G_APP, _G_CO_APP)),
                      ("bank2", (_G_BANK2,))):
        table = np.full(n_p + len(co.name), -1, dtype=np.int64)
        sel = np.isin(group_id, ids) & ~closing
        table[holder[sel]] = np.flatnonzero(sel)
        lookups[name] = table
    return _Accounts(holder, institution, kind, opened, closed, party_loc[holder],
                     lookups["bank"], lookups["app"], lookups["bank2"], pa.array(inst.names))


# --------------------------------------------------------------------------------------------
# Statement memos and the transfer buffer
# --------------------------------------------------------------------------------------------


class _Memos:
    """Interned memo texts; ``codes(kind, locale)`` lists the variants of one purpose."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._index: dict[str, int] = {}
        self._kinds: dict[tuple[str, int], list[int]] = {}
        for kind, (cn, us) in nm.MEMOS.items():
            self._kinds[(kind, _CN)] = [self.code(t) for t in cn]
            self._kinds[(kind, _US)] = [self.code(t) for t in us]
        self.salary_month = np.array([self.code(f"{m}月工资") for m in range(1, 13)])
        self.rent_month = np.array([self.code(f"{m}月房租") for m in range(1, 13)])

    def code(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.texts)
            self.texts.append(text)
        return self._index[text]

    def pick(self, rng: np.random.Generator, kind: str, locale: np.ndarray) -> np.ndarray:
        out = np.zeros(len(locale), dtype=np.int64)
        for loc in (_CN, _US):
            m = locale == loc
            codes = np.array(self._kinds[(kind, loc)])
            out[m] = codes[rng.integers(0, len(codes), int(m.sum()))]
        return out

    def one(self, dice: _Dice, kind: str, locale: int) -> int:
        return dice.pick(self._kinds[(kind, locale)])


class _Transfers:
    """Accumulates transfers as index arrays; strings are only made when writing."""

    def __init__(self) -> None:
        self._chunks: list[tuple[np.ndarray, ...]] = []
        self._rows: list[tuple[int, int, int, int, int, int, int]] = []

    def add(self, frm: np.ndarray | int, to: np.ndarray | int, cents: np.ndarray,
            ts: np.ndarray, channel: np.ndarray | int, memo: np.ndarray | int,
            currency: np.ndarray | int) -> None:
        n = len(ts)
        if n == 0:
            return
        cols = (frm, to, cents, ts, channel, memo, currency)
        self._chunks.append(tuple(np.broadcast_to(np.asarray(x, dtype=np.int64), (n,)).copy()
                                  for x in cols))

    def row(self, frm: int, to: int, cents: int, ts: int, channel: int, memo: int,
            currency: int) -> None:
        self._rows.append((frm, to, cents, ts, channel, memo, currency))

    def finish(self) -> dict[str, np.ndarray]:
        """All transfers sorted by time (stable), as int arrays."""
        chunks = list(self._chunks)
        if self._rows:
            chunks.append(tuple(np.array(col, dtype=np.int64) for col in zip(*self._rows,
                                                                              strict=True)))
        self._chunks, self._rows = [], []
        names = ("frm", "to", "cents", "ts", "channel", "memo", "currency")
        if not chunks:
            return {k: np.zeros(0, dtype=np.int64) for k in names}
        out: dict[str, np.ndarray] = {}
        for i, k in enumerate(names):
            out[k] = np.concatenate([ch[i] for ch in chunks])
        order = np.argsort(out["ts"], kind="stable")
        dtypes = {"frm": np.int32, "to": np.int32, "channel": np.int8, "memo": np.int32,
                  "currency": np.int8}
        return {k: v[order].astype(dtypes.get(k, np.int64)) for k, v in out.items()}


# --------------------------------------------------------------------------------------------
# Background flows: ordinary financial life of every debtor (vectorised)
# --------------------------------------------------------------------------------------------

_SPRING_FESTIVAL = {
    2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5), 2020: (1, 25),
    2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17),
    2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3), 2031: (1, 23), 2032: (2, 11),
}


@dataclass
class _Flows:
    """Everything background flows need, with per-case account lookups precomputed."""

    rng: np.random.Generator
    plan: _Plan
    hh: _Households
    co: _Companies
    acc: _Accounts
    memos: _Memos
    tx: _Transfers
    n_people: int

    def __post_init__(self) -> None:
        debtor = self.hh.pidx[:, S_DEBTOR]
        self.deb_bank = self.acc.bank[debtor]
        self.deb_app = self.acc.app[debtor]
        self.city_key = np.where(self.plan.locale == _CN, self.plan.city,
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
        self.tx.add(frm, to, _cents(amount), day * _DAY_S + clock, channel, memo,
                    self.plan.locale[cases])


def _clock(rng: np.random.Generator, n: int, h0: int, h1: int) -> np.ndarray:
    """Seconds after midnight, whole minutes between ``h0``:00 and ``h1``:00."""
    return rng.integers(h0 * 60, h1 * 60, n) * 60


def _monthly(first: np.ndarray, last: np.ndarray, dom: np.ndarray) -> tuple[np.ndarray,
                                                                             np.ndarray]:
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


def _usd(plan: _Plan, cases: np.ndarray, cn: np.ndarray | float,
         us: np.ndarray | float) -> np.ndarray:
    return np.where(plan.locale[cases] == _CN, cn, us)


def _background_flows(x: _Flows) -> None:
    for flow in (_flow_salary, _flow_business_income, _flow_spending, _flow_rent,
                 _flow_mortgage, _flow_credit, _flow_parent_support, _flow_red_envelopes,
                 _flow_school_fees, _flow_allowance, _flow_child_support, _flow_household,
                 _flow_cash, _flow_friends, _flow_siblings, _flow_medical, _flow_family_help):
        flow(x)


def _flow_salary(x: _Flows) -> None:
    p, rng = x.plan, x.rng
    cases = np.flatnonzero(x.co.employer >= 0)
    first = np.full(len(cases), p.s0)
    last = np.minimum(p.income_end[cases], p.filing[cases])
    rep, day = _monthly(first, last, rng.integers(5, 16, len(cases)))
    c = cases[rep]
    day = np.clip(day + rng.integers(-1, 2, len(day)), first[rep], last[rep])
    amount = p.income[c] * (1 + 0.03 * rng.standard_normal(len(c)))
    month = _months(day) % 12  # 0 = January
    by_month = (rng.random(len(cases)) < 0.35)[rep] & (p.locale[c] == _CN)
    memo = np.where(by_month, x.memos.salary_month[(month - 1) % 12],
                    x.memos.pick(rng, "salary", p.locale[c]))
    frm = x.co_bank(x.co.employer[c])
    x.emit(c, frm, x.deb_bank[c], amount, day, (9, 12), _CH["bank_transfer"], memo)
    bonus = (month == 0) & (rng.random(len(c)) < 0.3)
    cb = c[bonus]
    x.emit(cb, frm[bonus], x.deb_bank[cb], p.income[cb] * rng.uniform(0.5, 2.5, len(cb)),
           np.minimum(day[bonus] + 3, last[rep][bonus]), (9, 12), _CH["bank_transfer"],
           x.memos.pick(rng, "bonus", p.locale[cb]))


def _flow_business_income(x: _Flows) -> None:
    p, rng = x.plan, x.rng
    cases = np.flatnonzero(x.co.business >= 0)
    rep, day = _scatter(rng, np.full(len(cases), p.s0), p.income_end[cases], 0.45 / 30.4)
    c = cases[rep]
    amount = _round_to(p.income[c] * rng.lognormal(0, 0.5, len(c)), 100)
    x.emit(c, x.co_bank(x.co.business[c]), x.deb_bank[c], amount, day, (9, 18),
           _CH["bank_transfer"], x.memos.pick(rng, "business_income", p.locale[c]))


def _flow_spending(x: _Flows) -> None:
    p, rng = x.plan, x.rng
    cases = np.arange(p.n)
    rate = rng.uniform(0.1, 0.45, p.n) / 30.4
    rep, day = _scatter(rng, np.full(p.n, p.s0), p.filing, rate)
    c = cases[rep]
    cat = _choice(rng, len(c), _SPEND_WEIGHTS)
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
    channel = np.where(use_app, _CH["payment_app"], _CH["card"])
    memo = np.zeros(len(c), dtype=np.int64)
    for k, name in enumerate(_SPEND_CATEGORIES):
        m = cat == k
        memo[m] = x.memos.pick(rng, name, p.locale[c[m]])
    x.emit(c, frm, to, amount, day, (8, 22), channel, memo)


def _flow_rent(x: _Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    cases = np.flatnonzero(hh.has[:, S_LANDLORD])
    rent_cn = np.array([ct.rent for ct in nm.CN_CITIES])[np.minimum(p.city[cases], 11)]
    rent = _round_to(_usd(p, cases, rent_cn, 2400.0) * rng.lognormal(0, 0.3, len(cases)), 100)
    rep, day = _monthly(np.full(len(cases), p.s0), p.filing[cases],
                        rng.integers(1, 11, len(cases)))
    # most PRC leases are paid three months at a time (押一付三)
    quarterly = (p.locale[cases] == _CN) & (rng.random(len(cases)) < 0.75)
    phase = rng.integers(0, 3, len(cases))
    keep = ~quarterly[rep] | ((_months(day) - phase[rep]) % 3 == 0)
    rep, day = rep[keep], day[keep]
    rent = np.where(quarterly, rent * 3, rent)
    c = cases[rep]
    landlord = x.acc.bank[hh.pidx[c, S_LANDLORD]]
    us_check = (p.locale[c] == _US) & (rng.random(len(c)) < 0.4)
    month_memo = x.memos.rent_month[_months(day) % 12]
    memo = np.where((p.locale[c] == _CN) & (rng.random(len(c)) < 0.3), month_memo,
                    x.memos.pick(rng, "rent", p.locale[c]))
    x.emit(c, x.deb_bank[c], landlord, rent[rep], day, (8, 22),
           np.where(us_check, _CH["check"], _CH["bank_transfer"]), memo)


def _flow_mortgage(x: _Flows) -> None:
    p, rng = x.plan, x.rng
    cases = np.flatnonzero(p.mortgage)
    other = np.where(p.locale[cases] == _CN, rng.integers(0, len(nm.CN_BANKS), len(cases)),
                     len(nm.CN_BANKS) + rng.integers(0, len(nm.US_BANKS), len(cases)))
    which = np.where(rng.random(len(cases)) < 0.5, p.creditor_bank[cases], other)
    bank = np.array([x.co.bank_co[(int(k), int(b))] for k, b in zip(
        x.city_key[cases].tolist(), which.tolist(), strict=True)], dtype=np.int64)
    payment = np.round(p.home_price[cases] * rng.uniform(0.0035, 0.0055, len(cases)), 2)
    last = np.where(rng.random(len(cases)) < 0.7, p.distress[cases], p.filing[cases])
    rep, day = _monthly(np.full(len(cases), p.s0), last, rng.integers(1, 29, len(cases)))
    c = cases[rep]
    x.emit(c, x.deb_bank[c], x.co_bank(bank[rep]), payment[rep], day, (0, 6),
           _CH["bank_transfer"], x.memos.pick(rng, "mortgage", p.locale[c]))


def _flow_credit(x: _Flows) -> None:
    p, rng = x.plan, x.rng
    # loan disbursements from the main creditor
    cases = np.flatnonzero(rng.random(p.n) < 0.8)
    lo = np.full(len(cases), p.s0 + 30)
    hi = np.maximum(p.distress[cases] - 120, lo + 1)
    day = lo + (rng.random(len(cases)) * (hi - lo)).astype(np.int64)
    amount = _round_to(p.claim[cases] * rng.uniform(0.3, 0.8, len(cases)),
                       1000) / _usd(p, cases, 1.0, 1.0)
    x.emit(cases, x.co_bank(x.creditor_co[cases]), x.deb_bank[cases], amount, day, (9, 17),
           _CH["bank_transfer"], x.memos.pick(rng, "loan_disbursement", p.locale[cases]))
    # monthly repayments until distress
    cases = np.flatnonzero(rng.random(p.n) < 0.2)
    payment = np.round(p.claim[cases] * rng.uniform(0.01, 0.03, len(cases)), 2)
    rep, day = _monthly(np.full(len(cases), p.s0), p.distress[cases],
                        rng.integers(1, 29, len(cases)))
    c = cases[rep]
    x.emit(c, x.deb_bank[c], x.co_bank(x.creditor_co[c]), payment[rep], day, (8, 22),
           _CH["bank_transfer"], x.memos.pick(rng, "loan_repayment", p.locale[c]))


def _flow_parent_support(x: _Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    parent = np.where(hh.has[:, S_MOTHER], hh.pidx[:, S_MOTHER], hh.pidx[:, S_FATHER])
    prob = np.where(p.locale == _CN, 0.15, 0.06)
    cases = np.flatnonzero((parent >= 0) & (rng.random(p.n) < prob))
    amount = _round_to(p.income[cases] * rng.uniform(0.05, 0.15, len(cases)), 100)
    rep, day = _monthly(np.full(len(cases), p.s0), p.filing[cases],
                        rng.integers(1, 29, len(cases)))
    c = cases[rep]
    use_app = x.deb_app[c] >= 0
    x.emit(c, np.where(use_app, x.deb_app[c], x.deb_bank[c]), x.acc.bank[parent[c]],
           amount[rep], day, (8, 22), np.where(use_app, _CH["payment_app"],
                                                _CH["bank_transfer"]),
           x.memos.pick(rng, "parent_support", p.locale[c]))


def _festival_days(s0: int, last: int) -> np.ndarray:
    y0, y1 = int(_year_of(np.array([s0]))[0]), int(_year_of(np.array([last]))[0])
    days = [_day(date(y, *_SPRING_FESTIVAL.get(y, (2, 1)))) for y in range(y0, y1 + 1)]
    return np.array(days, dtype=np.int64)


def _flow_red_envelopes(x: _Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    festivals = _festival_days(p.s0, int(p.filing.max()))
    nf = len(festivals)
    case = np.repeat(np.arange(p.n), nf)
    fest = np.tile(festivals, p.n)
    ok = (p.locale[case] == _CN) & (fest - 6 >= p.s0) & (fest <= p.filing[case])
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
               np.where(use_app, _CH["payment_app"], _CH["bank_transfer"]),
               x.memos.pick(rng, "red_envelope", p.locale[c]))


def _flow_school_fees(x: _Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    pays = rng.random(p.n) < 0.55
    school = x.pick_pool("school", np.arange(p.n))
    fee = _round_to(_usd(p, np.arange(p.n), rng.uniform(2500, 25000, p.n),
                         rng.uniform(1500, 9000, p.n)), 100)
    y0 = int(_year_of(np.array([p.s0]))[0])
    y1 = int(_year_of(np.array([p.filing.max()]))[0])
    terms = np.array([_day(date(y, m, d)) for y in range(y0, y1 + 1)
                      for m, d in ((2, 20), (8, 25))], dtype=np.int64)
    for slot in (S_CHILD1, S_CHILD2):
        cases = np.flatnonzero(hh.has[:, slot] & pays & (school >= 0))
        case = np.repeat(cases, len(terms))
        term = np.tile(terms, len(cases)) + rng.integers(0, 12, len(case))
        age = (term - hh.birth[case, slot]) / _YEAR
        ok = (age >= 3) & (age < 18) & (term >= p.s0) & (term <= p.filing[case])
        c, day = case[ok], term[ok]
        x.emit(c, x.deb_bank[c], x.co_bank(school[c]), fee[c], day, (9, 17),
               _CH["bank_transfer"], x.memos.pick(rng, "school_fee", p.locale[c]))


def _flow_allowance(x: _Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    for slot in (S_CHILD1, S_CHILD2):
        b = hh.birth[:, slot]
        first = np.maximum(p.s0, b + _yd(18.2))
        last = np.minimum(p.filing, b + _yd(22.8))
        cases = np.flatnonzero(hh.has[:, slot] & (first <= last) & (rng.random(p.n) < 0.5))
        amount = _round_to(_usd(p, cases, rng.uniform(1500, 3500, len(cases)),
                                rng.uniform(400, 1200, len(cases))), 100)
        rep, day = _monthly(first[cases], last[cases], rng.integers(1, 29, len(cases)))
        c = cases[rep]
        x.emit(c, x.deb_bank[c], x.acc.bank[hh.pidx[c, slot]], amount[rep], day, (8, 22),
               _CH["bank_transfer"], x.memos.pick(rng, "allowance", p.locale[c]))


def _flow_child_support(x: _Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    youngest = np.where(hh.has[:, S_CHILD2], hh.birth[:, S_CHILD2], hh.birth[:, S_CHILD1])
    last = np.minimum(p.filing, youngest + _yd(18))
    cases = np.flatnonzero(p.old_divorce & hh.has[:, S_CHILD1] & (last > p.s0)
                           & (rng.random(p.n) < 0.8))
    amount = _round_to(_usd(p, cases, rng.uniform(1500, 5000, len(cases)),
                            rng.uniform(500, 1500, len(cases))), 100)
    rep, day = _monthly(np.full(len(cases), p.s0), last[cases], rng.integers(1, 29, len(cases)))
    c = cases[rep]
    x.emit(c, x.deb_bank[c], x.acc.bank[hh.pidx[c, S_SPOUSE]], amount[rep], day, (8, 22),
           _CH["bank_transfer"], x.memos.pick(rng, "child_support", p.locale[c]))


def _flow_household(x: _Flows) -> None:
    p, rng, hh = x.plan, x.rng, x.hh
    cases = np.flatnonzero(hh.has[:, S_SPOUSE] & ~p.old_divorce & (rng.random(p.n) < 0.12))
    amount = _round_to(p.income[cases] * rng.uniform(0.15, 0.45, len(cases)), 100)
    rep, day = _monthly(np.full(len(cases), p.s0), p.filing[cases],
                        rng.integers(1, 29, len(cases)))
    c = cases[rep]
    use_app = x.deb_app[c] >= 0
    x.emit(c, np.where(use_app, x.deb_app[c], x.deb_bank[c]),
           x.acc.bank[hh.pidx[c, S_SPOUSE]], amount[rep], day, (8, 23),
           np.where(use_app, _CH["payment_app"], _CH["bank_transfer"]),
           x.memos.pick(rng, "household", p.locale[c]))


def _flow_cash(x: _Flows) -> None:
    p, rng = x.plan, x.rng
    rate = rng.uniform(0.02, 0.14, p.n) / 30.4
    rep, day = _scatter(rng, np.full(p.n, p.s0), p.filing, rate)
    amount = np.minimum(_round_to(_usd(p, rep, 2000.0, 300.0) * rng.lognormal(0, 0.6, len(rep)),
                                  100), _usd(p, rep, 20000.0, 3000.0))
    x.emit(rep, x.deb_bank[rep], -1, amount, day, (7, 23), _CH["cash_withdrawal"],
           x.memos.pick(rng, "cash_withdrawal", p.locale[rep]))
    rep, day = _scatter(rng, np.full(p.n, p.s0), p.filing, 0.04 / 30.4)
    amount = _round_to(_usd(p, rep, 3000.0, 500.0) * rng.lognormal(0, 0.6, len(rep)), 100)
    x.emit(rep, -1, x.deb_bank[rep], amount, day, (9, 17), _CH["cash_deposit"],
           x.memos.pick(rng, "cash_deposit", p.locale[rep]))


def _flow_between(x: _Flows, slot: int, per_month: float, median_cn: float, median_us: float,
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
           (8, 23), np.where(use_app, _CH["payment_app"], _CH["bank_transfer"]),
           x.memos.pick(rng, memo_kind, p.locale[c]))


def _flow_friends(x: _Flows) -> None:
    for slot in (S_FRIEND1, S_FRIEND2):
        _flow_between(x, slot, 0.06, 600.0, 80.0, 10, "friend")


def _flow_siblings(x: _Flows) -> None:
    for slot in (S_SIB1, S_SIB2):
        _flow_between(x, slot, 0.03, 3000.0, 400.0, 100, "sibling")


def _flow_medical(x: _Flows) -> None:
    p, rng = x.plan, x.rng
    hospital = x.pick_pool("hospital", np.arange(p.n))
    rep, day = _scatter(rng, np.full(p.n, p.s0), p.filing, 0.05 / 30.4)
    amount = np.round(_usd(p, rep, 400.0, 150.0) * rng.lognormal(0, 0.9, len(rep)), 2)
    x.emit(rep, x.deb_bank[rep], x.co_bank(hospital[rep]), amount, day, (8, 18),
           _CH["card"], x.memos.pick(rng, "medical", p.locale[rep]))
    cases = np.flatnonzero(p.illness)
    first = np.maximum(p.distress[cases] - 400, p.s0)
    last = np.minimum(p.distress[cases] + 60, p.filing[cases])
    k = rng.integers(4, 11, len(cases))
    rep = np.repeat(np.arange(len(cases)), k)
    day = first[rep] + (rng.random(len(rep)) * (last[rep] - first[rep] + 1)).astype(np.int64)
    c = cases[rep]
    amount = np.round(_usd(p, c, 1.0, 0.2) * rng.uniform(5000, 80000, len(c)), 2)
    x.emit(c, x.deb_bank[c], x.co_bank(hospital[c]), amount, day, (8, 18),
           _CH["bank_transfer"], x.memos.pick(rng, "medical", p.locale[c]))


def _flow_family_help(x: _Flows) -> None:
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
    x.emit(c, x.acc.bank[parent[c]], x.deb_bank[c], amount, day, (8, 22), _CH["bank_transfer"],
           x.memos.pick(rng, "family_help", p.locale[c]))


# --------------------------------------------------------------------------------------------
# Relations (vectorised)
# --------------------------------------------------------------------------------------------


@dataclass
class _Relations:
    a: np.ndarray  # person index
    b: np.ndarray
    relation: np.ndarray
    start: np.ndarray
    end: np.ndarray
    source: np.ndarray
    spouse_row: np.ndarray  # per case: row of the debtor's spouse tie, or -1


def _build_relations(rng: np.random.Generator, plan: _Plan, hh: _Households) -> _Relations:
    n = plan.n
    na = np.full(n, _NA, dtype=np.int64)
    civil, register, declared = 0, 1, 2
    sib_start = hh.sib_married
    friend_tie = rng.random((n, 2)) < 0.2
    specs = [
        (S_DEBTOR, S_SPOUSE, "spouse", plan.marriage, plan.divorce_day, civil, None),
        (S_DEBTOR, S_CHILD1, "child", na, na, register, None),
        (S_DEBTOR, S_CHILD2, "child", na, na, register, None),
        (S_SPOUSE, S_CHILD1, "child", na, na, register, None),
        (S_SPOUSE, S_CHILD2, "child", na, na, register, None),
        (S_DEBTOR, S_FATHER, "parent", na, na, register, None),
        (S_DEBTOR, S_MOTHER, "parent", na, na, register, None),
        (S_FATHER, S_MOTHER, "spouse", hh.parents_married, na, civil, None),
        (S_SPOUSE, S_FIL, "parent", na, na, register, None),
        (S_SPOUSE, S_MIL, "parent", na, na, register, None),
        (S_FIL, S_MIL, "spouse", na, na, civil, None),
        (S_DEBTOR, S_FIL, "parent_in_law", na, na, declared, None),
        (S_DEBTOR, S_MIL, "parent_in_law", na, na, declared, None),
        (S_DEBTOR, S_SIB1, "sibling", na, na, register, None),
        (S_DEBTOR, S_SIB2, "sibling", na, na, register, None),
        (S_SIB1, S_SIB2, "sibling", na, na, register, None),
        (S_SIB1, S_FATHER, "parent", na, na, register, None),
        (S_SIB1, S_MOTHER, "parent", na, na, register, None),
        (S_SIB2, S_FATHER, "parent", na, na, register, None),
        (S_SIB2, S_MOTHER, "parent", na, na, register, None),
        (S_SIB1, S_SIBSP1, "spouse", sib_start[:, 0], na, civil, None),
        (S_SIB2, S_SIBSP2, "spouse", sib_start[:, 1], na, civil, None),
        (S_DEBTOR, S_SIBSP1, "sibling_in_law", na, na, declared, None),
        (S_DEBTOR, S_SIBSP2, "sibling_in_law", na, na, declared, None),
        (S_DEBTOR, S_FRIEND1, "associate", na, na, declared, friend_tie[:, 0]),
        (S_DEBTOR, S_FRIEND2, "associate", na, na, declared, friend_tie[:, 1]),
    ]
    parts: list[tuple[np.ndarray, ...]] = []
    for k, (sa, sb, rel, start, end, source, extra) in enumerate(specs):
        m = hh.has[:, sa] & hh.has[:, sb]
        if extra is not None:
            m &= extra
        cases = np.flatnonzero(m)
        parts.append((cases, np.full(len(cases), k), hh.pidx[cases, sa], hh.pidx[cases, sb],
                      np.full(len(cases), _REL[rel]), start[cases], end[cases],
                      np.full(len(cases), source)))
    cols = [np.concatenate([p[i] for p in parts]) for i in range(8)]
    order = np.lexsort((cols[1], cols[0]))
    rows = [col[order] for col in cols]
    spouse_row = np.full(n, -1, dtype=np.int64)
    first_spec = rows[1] == 0
    spouse_row[rows[0][first_spec]] = np.flatnonzero(first_spec)
    return _Relations(rows[2], rows[3], rows[4], rows[5], rows[6].copy(), rows[7], spouse_row)


# --------------------------------------------------------------------------------------------
# Per-case events: properties, planted typologies and honest look-alikes (Python, per case)
# --------------------------------------------------------------------------------------------

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

# Kin weights for choosing the recipient of a planted transfer.
_KIN_WEIGHTS = {
    S_SPOUSE: 2.0, S_MOTHER: 2.0, S_FATHER: 1.5, S_SIB1: 1.5, S_SIB2: 1.0, S_FIL: 0.7,
    S_MIL: 0.7, S_SIBSP1: 0.5, S_SIBSP2: 0.4, S_CHILD1: 1.5, S_CHILD2: 1.0,
}


@dataclass
class _Prop:
    """A property while the per-case events run."""

    index: int
    vehicle: bool
    acquired: int
    price: float
    growth: float  # per year
    owners: list[tuple[int, float]]  # (party, share)

    def value(self, day: int) -> float:
        return self.price * (1.0 + self.growth) ** ((day - self.acquired) / _YEAR)

    def debtor_share(self, debtor: int) -> float:
        return sum(s for p, s in self.owners if p == debtor)


class _Events:
    """Runs the per-case logic and collects the rows it produces."""

    def __init__(self, dice: _Dice, x: _Flows, people: _People, rels: _Relations):
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
        self.step = 1000.0 if self.loc == _CN else 100.0
        self.row = self.pidx[c]
        self.debtor = self.row[S_DEBTOR]

    def party(self, slot: int) -> int:
        return self.row[slot]

    def adult(self, slot: int, day: int) -> bool:
        return self.row[slot] >= 0 and day - self.birth[self.c][slot] >= 18 * _YEAR

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
        return self.d.weighted(options, [_KIN_WEIGHTS.get(s, 1.0) for s in options])

    def day_in(self, lo: int, hi: int) -> int:
        return self.d.integer(lo, hi + 1) if hi >= lo else lo

    def ts(self, day: int, h0: int = 8, h1: int = 21) -> int:
        return day * _DAY_S + self.d.integer(h0 * 60, h1 * 60) * 60

    def pay(self, frm_acct: int, to_acct: int, amount: float, ts: int, memo_kind: str = "",
            channel: str = "bank_transfer", *, memo: str = "") -> None:
        """One transfer; the memo is a variant of ``memo_kind`` or the literal ``memo``."""
        code = self.memos.code(memo) if memo else self.memos.one(self.d, memo_kind, self.loc)
        self.tx.row(frm_acct, to_acct, max(1, round(amount * 100)), ts, _CH[channel], code,
                    self.loc)

    def amount(self, lo: float, hi: float, floor_cn: float, floor_us: float) -> float:
        floor = floor_cn if self.loc == _CN else floor_us
        value = max(self.inc * self.d.uniform(lo, hi), floor)
        return max(self.step, round(value / self.step) * self.step)

    # -- properties ---------------------------------------------------------------------------
    def new_property(self, vehicle: bool, description: str, location: str, acquired: int,
                     price: float, owners: list[tuple[int, float]], *,
                     growth: float | None = None) -> _Prop:
        d = self.d
        if growth is None:
            growth = d.uniform(-0.18, -0.12) if vehicle else (
                d.uniform(-0.06, 0.05) if self.loc == _CN else d.uniform(0.0, 0.06))
        prop = _Prop(len(self.props["kind"]), vehicle, acquired, price, growth, owners)
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

    def title(self, prop: _Prop, frm: int, to: int, day: int, price: float,
              share: float) -> None:
        t = self.titles
        t["prop"].append(prop.index)
        t["frm"].append(frm)
        t["to"].append(to)
        t["day"].append(day)
        t["price"].append(round(price * share * 100) if price > 0 else 0)
        t["value"].append(max(1, round(prop.value(day) * share * 100)))
        t["share"].append(round(share * 100))
        year = (_EPOCH.toordinal() + day)
        year = date.fromordinal(year).year
        t["ref"].append(self.title_ref(prop.vehicle, year))

    def convey(self, prop: _Prop, frm: int, to: int, day: int, price: float) -> float:
        """Move ``frm``'s share to ``to``; returns the share moved."""
        share = sum(s for p, s in prop.owners if p == frm)
        self.title(prop, frm, to, day, price / share if share else 0.0, share)
        prop.owners = [(p, s) for p, s in prop.owners if p != frm] + [(to, share)]
        return share

    def registration(self, vehicle: bool, acquired: int) -> str:
        d = self.d
        year = date.fromordinal(_EPOCH.toordinal() + acquired).year
        for _ in range(100):
            if self.loc == _US and vehicle:
                state = nm.US_CITIES[self._city[self.c]].plate_state
                letters = "".join(d.pick("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
                reg = f"{state} {d.integer(1, 10)}{letters}{d.integer(100, 1000)}"
            elif self.loc == _US:
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
        if self.loc == _US:
            return f"{'DMV' if vehicle else 'DOC'}-{year}-{d.integer(0, 10**7):07d}"
        return f"{'车辆转移登记' if vehicle else '不动产登记'}{year}第{d.integer(0, 10**7):07d}号"

    def flat_description(self, price: float, area_index: int) -> str:
        d = self.d
        if self.loc == _US:
            kind = "Single-family home" if d.chance(0.6) else "Condominium"
            return f"{kind} {int(price / d.uniform(350, 700))} sq ft"
        city = nm.AREAS[area_index].city
        unit = next((c.flat_price for c in nm.CN_CITIES if c.name == city), 9000.0)
        sqm = min(max(price / (unit * d.uniform(0.8, 1.2)), 38.0), 260.0)
        return f"{d.pick(nm.CN_COMMUNITIES)} 住宅 {sqm:.2f}平方米"

    def car(self, acquired: int) -> tuple[str, float]:
        d = self.d
        year = date.fromordinal(_EPOCH.toordinal() + acquired).year
        if self.loc == _US:
            model, price = d.pick(nm.US_CAR_MODELS)
            return f"{year} {model}", round(price * d.uniform(0.9, 1.1), -2)
        model, price = d.pick(nm.CN_CAR_MODELS)
        return f"{model} {year}款", round(price * d.uniform(0.9, 1.1), -2)

    def vehicle_office(self) -> str:
        if self.loc == _US:
            return f"{nm.US_CITIES[self._city[self.c]].plate_state} DMV"
        return f"{nm.CN_CITIES[self._city[self.c]].name}公安局交通警察支队车辆管理所"

    def initial_properties(self) -> list[_Prop]:
        c, p, d, debtor = self.c, self.p, self.d, self.debtor
        out: list[_Prop] = []
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
            needed = self._typ[c] & _TYP["below_market_conveyance"]
            spouse = self.row[S_SPOUSE]
            owner = debtor if needed or d.chance(0.85) or spouse < 0 else spouse
            out.append(self.new_property(True, desc, self.vehicle_office(), acq, price,
                                         [(owner, 1.0)]))
        parent = self.row[S_FATHER] if self.row[S_FATHER] >= 0 else self.row[S_MOTHER]
        if p.parents_home[c] and parent >= 0:
            acq = self._s0 - d.integer(6 * 365, 30 * 365)
            price = round((d.uniform(150_000, 900_000) if self.loc == _CN
                           else d.uniform(150_000, 500_000)), -3)
            area = self._hometown[c] if self.loc == _CN else 0
            desc = (self.flat_description(price, area) if self.loc == _US
                    else f"自建房 {d.uniform(80, 260):.2f}平方米")
            self.new_property(False, desc, self.homes[H_PARENTS][c], acq, price,
                              [(parent, 1.0)])
        return out

    def debtor_asset(self, props: list[_Prop], *, vehicle_last: bool = True) -> _Prop | None:
        mine = [pr for pr in props if pr.debtor_share(self.debtor) > 0]
        if not mine:
            return None
        mine.sort(key=lambda pr: (pr.vehicle == vehicle_last, pr.index))
        return mine[0]

    # -- planted typologies -------------------------------------------------------------------
    def plant_transfer_to_relative(self, props: list[_Prop]) -> None:
        d = self.d
        kin = list(_KIN_WEIGHTS)
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

    def plant_layering(self, props: list[_Prop]) -> None:
        d = self.d
        inter = [self.row[s] for s in (S_INTER1, S_INTER2, S_INTER3) if self.row[s] >= 0]
        if len(inter) == 1:
            chains = [inter]
        elif len(inter) == 2:
            chains = [inter] if d.chance(0.5) else [[inter[0]], [inter[1]]]
        else:
            chains = [inter[:2], inter[2:]]
        for chain in chains:
            relative = self.party(self.pick_kin(list(_KIN_WEIGHTS), self.ws))
            amt = self.amount(4, 25, 40_000, 6_000)
            ts = self.ts(self.day_in(self.ws, self.we - 14))
            hops = [self.debtor, *chain, relative]
            for a, b in pairwise(hops):
                self.pay(self.bank[a], self.bank[b], amt, ts, "layering")
                ts += int(d.uniform(0.05, 4.0) * _DAY_S) // 60 * 60
                if d.chance(0.6):
                    amt = max(100.0, round(amt * d.uniform(0.97, 0.999), -2))

    def plant_below_market_conveyance(self, props: list[_Prop]) -> None:
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

    def plant_gratuitous_transfer(self, props: list[_Prop]) -> None:
        d = self.d
        prop = self.debtor_asset(props)
        day = self.day_in(self.ws, self.we - 10)
        if prop is not None and d.chance(0.6):
            slot = (S_FRIEND1 if d.chance(0.25) else
                    self.pick_kin((S_CHILD1, S_CHILD2, S_MOTHER, S_FATHER, S_SIB1), day,
                                  minors=True))
            self.convey(prop, self.debtor, self.party(slot), day, 0.0)
            return
        slot = S_FRIEND1 if d.chance(0.6) else self.pick_kin(list(_KIN_WEIGHTS), day)
        for amt in d.split(self.amount(5, 30, 40_000, 6_000), d.integer(1, 3), self.step):
            self.pay(self.bank[self.debtor], self.bank[self.party(slot)], amt,
                     self.ts(self.day_in(day, self.we)), "gift")

    def plant_fake_divorce(self, props: list[_Prop]) -> None:
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

    def plant_relative_shell(self, props: list[_Prop]) -> None:
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

    def plant_cash_withdrawal_spike(self, props: list[_Prop]) -> None:
        d = self.d
        lo = max(self.ws, self.F - d.integer(45, 121))
        hi_amt = (20_000, 49_900) if self.loc == _CN else (2_000, 9_900)
        deposits = d.chance(0.4)
        kin = self.party(self.pick_kin(list(_KIN_WEIGHTS), lo)) if deposits else -1
        for k in range(d.integer(8, 21)):
            day = self.day_in(lo, self.we)
            amt = round(d.uniform(*hi_amt), -2)
            self.pay(self.bank[self.debtor], -1, amt, self.ts(day, 9, 17), "cash_withdrawal",
                     "cash_withdrawal")
            if deposits and k < 3:
                later = min(day + d.integer(1, 6), self.F)
                self.pay(-1, self.bank[kin], round(amt * d.uniform(0.5, 0.95), -2),
                         self.ts(later, 9, 17), "cash_deposit", "cash_deposit")

    def plant_hidden_tie(self, props: list[_Prop]) -> None:
        d = self.d
        stranger = self.row[S_STRANGER]
        variant = self._tie_variant[self.c]
        if variant == _TIE_ID_PHONE:
            self.idents.append((stranger, 0, self.debtor_phone[self.c]))
        elif variant == _TIE_ID_ADDRESS:
            self.idents.append((stranger, 1, self.debtor_address[self.c]))
        for amt in d.split(self.amount(5, 30, 40_000, 6_000), d.integer(2, 5), self.step):
            self.pay(self.bank[self.debtor], self.bank[stranger], amt,
                     self.ts(self.day_in(self.ws, self.we)), "to_relative")

    def plant_property_bought_for_relative(self, props: list[_Prop]) -> None:
        d = self.d
        c = self.c
        start = self.day_in(self.ws, self.we - 90)
        rel = self.party(self.pick_kin((S_CHILD1, S_CHILD2, S_MOTHER, S_FATHER, S_SIB1, S_SIB2,
                                        S_FIL, S_MIL), start, minors=True))
        if self.p.seller[c]:
            seller = self.row[S_SELLER]
            if self.loc == _CN:
                price = round(d.uniform(300_000, 1_200_000) if d.chance(0.6)
                              else d.uniform(1_500_000, 3_500_000), -3)
            else:
                price = round(d.uniform(250_000, 700_000), -3)
            acquired = self._s0 - d.integer(3 * 365, 15 * 365)
            paid = round(price * d.uniform(0.55, 0.95), -3)
            growth = (price / paid) ** (_YEAR / max(start - acquired, 1)) - 1
            flat = self.new_property(False, self.flat_description(price, self._district[c]),
                                     self.homes[H_SELLER_FLAT][c], acquired, paid,
                                     [(seller, 1.0)], growth=growth)
            day = start
            deposit = round(price * d.uniform(0.03, 0.08), -3)
            down = round(price * d.uniform(0.25, 0.35), -3)
            stages = ("定金", "首付款", "购房款") if self.loc == _CN else (
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

    def plant_preferential_payment_to_related_creditor(self, props: list[_Prop]) -> None:
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
    def distress_sale(self, props: list[_Prop]) -> bool:
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
        amt = round(d.uniform(5_000, 50_000) if self.loc == _CN else d.uniform(1_000, 8_000), -3)
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
            amt = round(d.uniform(2_000, 20_000) if self.loc == _CN else d.uniform(300, 3_000), -2)
            self.pay(self.bank[self.debtor], acct, amt, self.ts(self.day_in(lo, self.we), 9, 18),
                     "purchase")


# --------------------------------------------------------------------------------------------
# Identifiers (vectorised)
# --------------------------------------------------------------------------------------------


def _luhn_imei(rng: np.random.Generator, n: int) -> np.ndarray:
    body = 86 * 10**12 + rng.integers(0, 10**12, n)  # 14 digits
    total = np.zeros(n, dtype=np.int64)
    rest = body.copy()
    for i in range(14):  # rightmost body digit is doubled
        digit = rest % 10
        rest //= 10
        if i % 2 == 0:
            digit = digit * 2
            digit = digit // 10 + digit % 10
        total += digit
    return body * 10 + (10 - total % 10) % 10


def _emails(rng: np.random.Generator, people: _People, who: np.ndarray) -> pa.Array:
    loc = people.locale[who]

    def draw(pos: np.ndarray) -> np.ndarray:
        return rng.integers(10_000_000, 3_999_999_999, len(pos))

    number = _dedupe(draw(np.arange(len(who))), draw)
    qq = pc.binary_join_element_wise(_num_str(number), "@qq.com", "")
    phone = people.phone1.take(pa.array(who))
    mobile = pc.binary_join_element_wise(phone, "@139.com", "")
    use_mobile = pa.array((rng.random(len(who)) < 0.3) & (loc == _CN))
    cn = pc.if_else(pc.and_(use_mobile, pc.is_valid(phone)), mobile, qq)
    handle = pc.utf8_lower(pc.replace_substring(people.name.take(pa.array(who)), " ", "."))
    us = pc.binary_join_element_wise(handle, _num_str(number % 100_000), "@gmail.com", "")
    return pc.if_else(pa.array(loc == _US), us, cn)


def _build_identifiers(rng: np.random.Generator, plan: _Plan, hh: _Households,
                       people: _People, planted: list[tuple[int, int, str]]
                       ) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    n = plan.n
    debtor = hh.pidx[:, S_DEBTOR]
    spouse_now = hh.has[:, S_SPOUSE] & ~plan.old_divorce
    spouse = hh.pidx[:, S_SPOUSE]
    who_parts = [debtor, spouse[spouse_now & (rng.random(n) < 0.5)]]
    for slot in (S_CHILD1, S_CHILD2, S_FRIEND1, S_FRIEND2):
        m = hh.has[:, slot] & ((plan.s0 - hh.birth[:, slot]) > _yd(18)) & (rng.random(n) < 0.3)
        who_parts.append(hh.pidx[m, slot])
    email_who = np.concatenate(who_parts)
    email = _emails(rng, people, email_who)

    dev_spouse = spouse_now & (rng.random(n) < 0.4)
    dev_who = np.concatenate([debtor, spouse[dev_spouse]])

    def draw(pos: np.ndarray) -> np.ndarray:
        return _luhn_imei(rng, len(pos))

    imei = _dedupe(draw(np.arange(len(dev_who))), draw)
    # some couples share one phone handset: the spouse's device is the debtor's
    shared = rng.random(int(dev_spouse.sum())) < 0.3
    imei[n:][shared] = imei[:n][dev_spouse][shared]
    device = pc.binary_join_element_wise("IMEI:", _num_str(imei), "")

    entity = [debtor, email_who, dev_who]
    kind = [np.zeros(n, dtype=np.int64), np.full(len(email_who), 2), np.full(len(dev_who), 3)]
    values = [people.phone1.take(pa.array(debtor)), email, device]
    if planted:
        entity.append(np.array([e for e, _, _ in planted], dtype=np.int64))
        kind.append(np.array([k for _, k, _ in planted], dtype=np.int64))
        values.append(pa.array([v for _, _, v in planted], pa.string()))
    value = pa.concat_arrays([v.cast(pa.string()) for v in values])
    ent = np.concatenate(entity)
    kinds = np.concatenate(kind)
    keep = np.asarray(pc.is_valid(value))
    order = np.lexsort((kinds[keep], ent[keep]))
    return ent[keep][order], kinds[keep][order], value.filter(pa.array(keep)).take(
        pa.array(order))


# --------------------------------------------------------------------------------------------
# Formatting and writing
# --------------------------------------------------------------------------------------------


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(_num_str(numbers), width, "0"), "")


def _take(table: pa.Array, idx: np.ndarray) -> pa.Array:
    idx = np.asarray(idx, dtype=np.int64)
    return table.take(pa.array(idx, mask=idx < 0))


def _days_str(days: np.ndarray) -> pa.Array:
    days = np.asarray(days, dtype=np.int64)
    missing = days == _NA
    arr = pa.array(np.where(missing, 0, days).astype(np.int32), type=pa.date32(), mask=missing)
    return pc.cast(arr, pa.string())


def _ts_str(seconds: np.ndarray) -> pa.Array:
    text = pc.cast(pa.array(np.asarray(seconds, dtype=np.int64), pa.timestamp("s")), pa.string())
    return pc.replace_substring(text, " ", "T")


def _money_str(cents: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """Fixed two-decimal strings from integer hundredths (null where ``missing``)."""
    cents = np.ascontiguousarray(np.asarray(cents, dtype=np.int64))
    pairs = np.stack([cents, np.where(cents < 0, -1, 0)], axis=1)
    dec = pa.Array.from_buffers(pa.decimal128(20, 2), len(cents),
                                [None, pa.py_buffer(pairs.tobytes())])
    text = pc.cast(dec, pa.string())
    if missing is not None and missing.any():
        text = pc.if_else(pa.array(~missing), text, pa.nulls(len(cents), pa.string()))
    return text


def _table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    return pa.table({col: columns[col].cast(pa.string()) for col in COLUMNS[name]})


class _Writer:
    """Writes string tables as CSV (UTF-8, comma, no BOM) or Parquet, chunk by chunk."""

    def __init__(self, out: Path, fmt: str):
        self.out = out
        self.fmt = fmt
        self.rows: dict[str, int] = {}

    def write(self, name: str, chunks: Sequence[pa.Table] | Iterator[pa.Table]) -> None:
        path = self.out / f"{name}.{self.fmt}"
        schema = pa.schema([(col, pa.string()) for col in COLUMNS[name]])
        rows = 0
        if self.fmt == "csv":
            with pa.OSFile(str(path), "wb") as sink:
                sink.write((",".join(COLUMNS[name]) + "\n").encode())
                for table in chunks:
                    rows += table.num_rows
                    if _needs_quotes(table):
                        _write_quoted_csv(sink, table)
                    elif table.num_rows:
                        pa_csv.write_csv(table, sink, pa_csv.WriteOptions(
                            include_header=False, quoting_style="none"))
        else:
            with pq.ParquetWriter(str(path), schema) as writer:
                for table in chunks:
                    rows += table.num_rows
                    writer.write_table(table.cast(schema))
        self.rows[name] = rows


def _write_quoted_csv(sink: pa.NativeFile, table: pa.Table, batch: int = 100_000) -> None:
    """CSV rows quoted only where a value needs it (as Python's csv module does)."""
    for lo in range(0, table.num_rows, batch):
        part = table.slice(lo, batch)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(
            zip(*(col.to_pylist() for col in part.columns), strict=True))
        sink.write(buf.getvalue().encode("utf-8"))


def _needs_quotes(table: pa.Table) -> bool:
    return any(pc.any(pc.match_substring_regex(col, r'[,"\r\n]')).as_py()
               for col in table.columns)


@dataclass
class _Ids:
    person: pa.Array
    company: pa.Array
    account: pa.Array
    party: pa.Array


def _make_ids(rng: np.random.Generator, n_people: int, n_companies: int,
              n_accounts: int) -> tuple[_Ids, dict[str, np.ndarray]]:
    perms = {"person": rng.permutation(n_people), "company": rng.permutation(n_companies),
             "account": rng.permutation(n_accounts)}
    person = _ids("P", perms["person"] + 1, 7)
    company = _ids("C", perms["company"] + 1, 6)
    account = _ids("A", perms["account"] + 1, 8)
    return _Ids(person, company, account, pa.concat_arrays([person, company])), perms


def _sorted_by(table: pa.Table, perm: np.ndarray) -> pa.Table:
    return table.take(pa.array(np.argsort(perm, kind="stable")))


def _persons_table(people: _People, ids: _Ids, perm: np.ndarray) -> pa.Table:
    return _sorted_by(_table("persons", {
        "person_id": ids.person, "name": people.name, "id_number": people.id_number,
        "birth_date": _days_str(people.birth),
        "gender": pa.array(np.where(people.male, "M", "F")), "phone": people.phone,
        "address": people.address,
    }), perm)


def _companies_table(co: _Companies, ids: _Ids, perm: np.ndarray) -> pa.Table:
    return _sorted_by(_table("companies", {
        "company_id": ids.company, "name": pa.array(co.name), "registration_number":
        pa.array(co.reg), "incorporation_date": _days_str(np.array(co.inc, dtype=np.int64)),
        "address": pa.array(co.address), "status": pa.array(co.status),
    }), perm)


def _relations_table(rels: _Relations, ids: _Ids) -> pa.Table:
    return _table("relations", {
        "person_id": _take(ids.person, rels.a), "related_person_id": _take(ids.person, rels.b),
        "relation": _take(pa.array(RELATIONS), rels.relation), "start_date":
        _days_str(rels.start), "end_date": _days_str(rels.end),
        "source": _take(pa.array(_SOURCES), rels.source),
    })


def _roles_table(co: _Companies, ids: _Ids) -> pa.Table:
    cols: list[Sequence[int]] = (list(zip(*co.roles, strict=True)) if co.roles
                                 else [[] for _ in range(6)])
    party, company, role, share, start, end = (np.array(c, dtype=np.int64) for c in cols)
    return _table("company_roles", {
        "person_id": _take(ids.party, party), "company_id": _take(ids.company, company),
        "role": _take(pa.array(COMPANY_ROLES), role),
        "share": _money_str(share, missing=share < 0), "start_date": _days_str(start),
        "end_date": _days_str(end),
    })


def _accounts_table(acc: _Accounts, ids: _Ids, perm: np.ndarray) -> pa.Table:
    return _sorted_by(_table("accounts", {
        "account_id": ids.account, "holder_id": _take(ids.party, acc.holder),
        "institution": _take(acc.institutions, acc.institution),
        "account_type": _take(pa.array(ACCOUNT_TYPES), acc.kind),
        "opened_date": _days_str(acc.opened), "closed_date": _days_str(acc.closed),
        "currency": _take(pa.array(_CURRENCIES), acc.currency),
    }), perm)


def _transfer_chunks(tx: dict[str, np.ndarray], ids: _Ids, memos: list[str],
                     chunk: int = 1_000_000) -> Iterator[pa.Table]:
    memo_table = pa.array(memos)
    n = len(tx["ts"])
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        yield _table("transfers", {
            "transfer_id": _ids("T", np.arange(lo + 1, hi + 1), 9),
            "from_account": _take(ids.account, tx["frm"][lo:hi]),
            "to_account": _take(ids.account, tx["to"][lo:hi]),
            "amount": _money_str(tx["cents"][lo:hi]), "timestamp": _ts_str(tx["ts"][lo:hi]),
            "currency": _take(pa.array(_CURRENCIES), tx["currency"][lo:hi]),
            "channel": _take(pa.array(CHANNELS), tx["channel"][lo:hi]),
            "memo": _take(memo_table, tx["memo"][lo:hi]),
        })


def _property_tables(ev: _Events, ids: _Ids, rng: np.random.Generator
                     ) -> tuple[pa.Table, pa.Table]:
    pr, ti = ev.props, ev.titles
    n = len(pr["kind"])
    perm = rng.permutation(n)
    prop_ids = _ids("PR", perm + 1, 6)
    properties = _sorted_by(_table("properties", {
        "property_id": prop_ids, "kind": _take(pa.array(PROPERTY_KINDS), np.array(pr["kind"])),
        "description": pa.array(pr["description"], pa.string()),
        "location": pa.array(pr["location"], pa.string()),
        "registration_number": pa.array(pr["registration"], pa.string()),
        "market_value": _money_str(np.array(pr["value"], dtype=np.int64)),
        "valuation_date": _days_str(np.array(pr["valued"], dtype=np.int64)),
        "currency": _take(pa.array(_CURRENCIES), np.array(pr["currency"], dtype=np.int64)),
    }), perm)
    prop = np.array(ti["prop"], dtype=np.int64)
    order = np.lexsort((np.array(ti["day"]), perm[prop]))
    titles = _table("property_transfers", {
        "property_id": _take(prop_ids, prop), "from_party": _take(ids.party, np.array(
            ti["frm"], dtype=np.int64)),
        "to_party": _take(ids.party, np.array(ti["to"], dtype=np.int64)),
        "date": _days_str(np.array(ti["day"], dtype=np.int64)),
        "price": _money_str(np.array(ti["price"], dtype=np.int64)),
        "market_value": _money_str(np.array(ti["value"], dtype=np.int64)),
        "share": _money_str(np.array(ti["share"], dtype=np.int64)),
        "registration_ref": pa.array(ti["ref"], pa.string()),
    }).take(pa.array(order))
    return properties, titles


def _cases_table(rng: np.random.Generator, plan: _Plan, hh: _Households, x: _Flows,
                 ids: _Ids) -> pa.Table:
    n = plan.n
    u = rng.random(n)
    case_type = np.where(plan.juris == 1, np.where(u < 0.7, 2, 3), 0)
    courts = []
    for j, ci, v in zip(plan.juris.tolist(), plan.city.tolist(), rng.random(n).tolist(),
                        strict=True):
        if j == 2:
            courts.append(nm.US_CITIES[ci].court)
        elif j == 0:
            courts.append(nm.CN_CITIES[0].courts[0 if v < 0.6 else 1])
        else:
            options = nm.CN_CITIES[ci].courts
            courts.append(options[int(v * len(options))])
    judgment = np.full(n, _NA, dtype=np.int64)
    enforcement = case_type == 2
    judgment[enforcement] = plan.filing[enforcement] - rng.integers(60, 400,
                                                                    int(enforcement.sum()))
    suit = (case_type == 3) & (plan.acceptance != _NA) & (rng.random(n) < 0.5)
    judgment[suit] = plan.acceptance[suit] + rng.integers(60, 200, int(suit.sum()))
    creditor_names = pa.array(x.co.name)
    return _table("cases", {
        "case_id": _ids("CASE", np.arange(1, n + 1), 6),
        "debtor_id": _take(ids.person, hh.pidx[:, S_DEBTOR]),
        "case_type": _take(pa.array(CASE_TYPES), case_type),
        "jurisdiction": _take(pa.array(_JURISDICTIONS), plan.juris),
        "court": pa.array(courts), "filing_date": _days_str(plan.filing),
        "acceptance_date": _days_str(plan.acceptance), "judgment_date": _days_str(judgment),
        "claim_amount": _money_str(np.round(plan.claim * 100).astype(np.int64)),
        "currency": _take(pa.array(_CURRENCIES), plan.locale),
        "creditor": _take(creditor_names, x.creditor_co),
    })


def _identifiers_table(entity: np.ndarray, kind: np.ndarray, value: pa.Array,
                       ids: _Ids) -> pa.Table:
    return _table("identifiers", {
        "entity_id": _take(ids.party, entity), "kind": _take(pa.array(IDENTIFIER_KINDS), kind),
        "value": value,
    })


def _write_labels(out: Path, plan: _Plan, debtor_ids: pa.Array, notes: list[str]) -> int:
    path = out / "labels.csv"
    debtors = debtor_ids.to_pylist()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(LABEL_COLUMNS)
        for c in range(plan.n):
            typ = int(plan.typ[c])
            names = ";".join(t for k, t in enumerate(TYPOLOGIES) if typ & (1 << k))
            writer.writerow([f"CASE{c + 1:06d}", debtors[c],
                             "evader" if plan.evader[c] else "honest", names, notes[c]])
    return plan.n


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------


@dataclass
class _Simulation:
    """Everything simulated for one portfolio, before any string is formatted."""

    plan: _Plan
    hh: _Households
    people: _People
    rels: _Relations
    co: _Companies
    acc: _Accounts
    flows: _Flows
    events: _Events


def _simulate(rng: np.random.Generator, size: int, s0: int, report: _Progress) -> _Simulation:
    dice = _Dice(rng)
    plan = _plan_cases(rng, size, s0)
    report("plan")
    hh = _draw_households(rng, plan)
    people = _build_people(rng, plan, hh)
    rels = _build_relations(rng, plan, hh)
    report("persons")
    co = _build_companies(dice, plan, hh)
    report("companies")
    acc = _build_accounts(rng, plan, people, co)
    report("accounts")
    flows = _Flows(rng, plan, hh, co, acc, _Memos(), _Transfers(), people.n)
    _background_flows(flows)
    report("transfers")
    events = _Events(dice, flows, people, rels)
    events.run()
    report("events")
    return _Simulation(plan, hh, people, rels, co, acc, flows, events)


def _write_outputs(sim: _Simulation, rng: np.random.Generator, out: Path, fmt: str,
                   report: _Progress) -> dict[str, int]:
    ids, perms = _make_ids(rng, sim.people.n, len(sim.co.name), len(sim.acc.holder))
    writer = _Writer(out, fmt)
    writer.write("persons", [_persons_table(sim.people, ids, perms["person"])])
    report("persons.write")
    writer.write("companies", [_companies_table(sim.co, ids, perms["company"])])
    writer.write("relations", [_relations_table(sim.rels, ids)])
    writer.write("company_roles", [_roles_table(sim.co, ids)])
    writer.write("accounts", [_accounts_table(sim.acc, ids, perms["account"])])
    transfers = sim.flows.tx.finish()
    writer.write("transfers", _transfer_chunks(transfers, ids, sim.flows.memos.texts))
    del transfers
    report("transfers.write")
    properties, titles = _property_tables(sim.events, ids, rng)
    writer.write("properties", [properties])
    writer.write("property_transfers", [titles])
    writer.write("cases", [_cases_table(rng, sim.plan, sim.hh, sim.flows, ids)])
    entity, kind, value = _build_identifiers(rng, sim.plan, sim.hh, sim.people,
                                             sim.events.idents)
    writer.write("identifiers", [_identifiers_table(entity, kind, value, ids)])
    tables = dict(writer.rows)
    debtors = _take(ids.person, sim.hh.pidx[:, S_DEBTOR])
    tables["labels"] = _write_labels(out, sim.plan, debtors, sim.events.notes)
    report("labels")
    return tables


def generate_portfolio(
    out_dir: str | Path,
    *,
    size: int = 300,
    seed: int = 7,
    fmt: str = "csv",
    start: date = date(2021, 1, 1),
    progress: Callable[[str, float], None] | None = None,
) -> GenerationSummary:
    """Write a synthetic, labelled demo portfolio of ``size`` debtor cases into ``out_dir``.

    ``fmt`` is ``"csv"`` (UTF-8, comma, no BOM) or ``"parquet"`` (string columns holding the same
    values); ``labels.csv`` is always CSV. The history of every case starts on ``start`` and runs
    three to four years up to its filing date. ``progress(stage, fraction)`` is called as the work
    advances. The same arguments always produce byte-identical files; only ``numpy``'s
    ``default_rng(seed)`` supplies randomness.
    """
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = _Progress(progress)
    rng = np.random.default_rng(seed)
    sim = _simulate(rng, size, _day(start), report)
    tables = _write_outputs(sim, rng, out, fmt, report)
    evaders = int(sim.plan.evader.sum())
    return GenerationSummary(out_dir=out, tables=tables, cases=size, evaders=evaders,
                             honest=size - evaders)
