"""Persons: one row per household member, with names, PRC ID numbers, phones and addresses.

Everything is vectorised; addresses come from :mod:`clawback.demo.generator.addresses`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clawback.demo import names as nm
from clawback.demo.generator.addresses import build_homes
from clawback.demo.generator.common import (
    CN,
    H_EX,
    H_HH,
    N_SLOTS,
    S_BUYER,
    S_CHILD1,
    S_CHILD2,
    S_DEBTOR,
    S_FATHER,
    S_FIL,
    S_FRIEND1,
    S_FRIEND2,
    S_INTER1,
    S_INTER2,
    S_INTER3,
    S_LANDLORD,
    S_MIL,
    S_MOTHER,
    S_SELLER,
    S_SIB1,
    S_SIB2,
    S_SIBSP1,
    S_SIBSP2,
    S_SPOUSE,
    S_STRANGER,
    SLOT_HOME,
    TIE_PERSON_ADDRESS,
    TIE_PERSON_PHONE,
    US,
    YEAR,
    choose,
    dedupe,
    scatter_strings,
    year_of,
)
from clawback.demo.generator.households import Households
from clawback.demo.generator.plan import Plan
from clawback.demo.idcard import resident_id_numbers

__all__ = [
    "People",
    "build_people",
]


@dataclass
class People:
    """One row per person, in (case, slot) order, with the persons' columns."""

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


def build_people(rng: np.random.Generator, plan: Plan, hh: Households) -> People:
    """Names, ID numbers, phones and addresses of every household member."""
    sel = hh.has.ravel()
    n_people = int(sel.sum())
    case = np.repeat(np.arange(plan.n), N_SLOTS)[sel]
    slot = np.tile(np.arange(N_SLOTS), plan.n)[sel]
    locale = plan.locale[case]
    birth = hh.birth.ravel()[sel]
    male = hh.male.ravel()[sel]

    name = _person_names(rng, plan, sel, locale, birth, male)
    id_number = _person_id_numbers(rng, plan, case, slot, locale, birth, male)
    home_pos, home_str = build_homes(rng, plan, hh)
    home = SLOT_HOME[slot].copy()
    home[(slot == S_SPOUSE) & plan.old_divorce[case]] = H_EX
    tie = plan.tie_variant[case]
    stranger_at_home = (slot == S_STRANGER) & (tie == TIE_PERSON_ADDRESS)
    home[stranger_at_home] = H_HH
    address = home_str.take(pa.array(home_pos[case, home]))
    phone, phone1 = _person_phones(rng, plan, case, slot, locale, birth)
    return People(n_people, case, slot, locale, birth, male, name, id_number, phone, phone1,
                  address, home_pos, home_str)


def _given_index(rng: np.random.Generator, locale: np.ndarray, birth: np.ndarray,
                 male: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Indices into one flat table of given names (CN by gender and era, US by gender)."""
    table: list[str] = []
    offsets: dict[tuple[int, int, int], tuple[int, int]] = {}
    for g, gender in enumerate(("F", "M")):
        for era in range(3):
            names = nm.CN_GIVEN_NAMES[(gender, era)]
            offsets[(CN, g, era)] = (len(table), len(names))
            table.extend(names)
        names = nm.US_FIRST_NAMES[gender]
        for era in range(3):
            offsets[(US, g, era)] = (len(table), len(names))
        table.extend(names)
    year = year_of(birth)
    eras = np.where(year < 1965, 0, np.where(year < 1995, 1, 2))
    key = (locale * 2 + male.astype(np.int64)) * 3 + eras
    off = np.zeros(12, dtype=np.int64)
    size = np.ones(12, dtype=np.int64)
    for (loc, g, e), (o, s) in offsets.items():
        off[(loc * 2 + g) * 3 + e] = o
        size[(loc * 2 + g) * 3 + e] = s
    idx = off[key] + (rng.random(len(key)) * size[key]).astype(np.int64)
    return idx, pa.array(table)


def _person_names(rng: np.random.Generator, plan: Plan, sel: np.ndarray, locale: np.ndarray,
                  birth: np.ndarray, male: np.ndarray) -> pa.Array:
    n = plan.n
    cn_w = np.array([w for _, w in nm.CN_SURNAMES])
    cn_sur = choose(rng, n * N_SLOTS, cn_w).reshape(n, N_SLOTS)
    us_sur = rng.integers(0, len(nm.US_SURNAMES), (n, N_SLOTS)) + len(nm.CN_SURNAMES)
    sur = np.where((plan.locale == US)[:, None], us_sur, cn_sur)
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
    us = plan.locale == US
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
    return pc.if_else(pa.array(locale == US), us_name, cn_name)


def _person_id_numbers(rng: np.random.Generator, plan: Plan, case: np.ndarray,
                       slot: np.ndarray, locale: np.ndarray, birth: np.ndarray,
                       male: np.ndarray) -> pa.Array:
    n = plan.n
    area = np.zeros((n, N_SLOTS), dtype=np.int64)
    area[:] = plan.hometown[:, None]
    for s in (S_SPOUSE, S_FIL, S_MIL):
        area[:, s] = plan.hometown_sp
    for s in (S_CHILD1, S_CHILD2):
        area[:, s] = plan.district
    rand_home = choose(rng, n * N_SLOTS, nm.HOMETOWN_WEIGHTS).reshape(n, N_SLOTS)
    for s in (S_SIBSP1, S_SIBSP2, S_FRIEND1, S_FRIEND2, S_LANDLORD, S_BUYER, S_INTER1,
              S_INTER2, S_INTER3, S_STRANGER, S_SELLER):
        area[:, s] = rand_home[:, s]
    codes = np.array([a.code for a in nm.AREAS])
    cn = np.flatnonzero(locale == CN)
    area_code = codes[area[case[cn], slot[cn]]]
    parity = male[cn].astype(np.int64)

    def seq(pos: np.ndarray) -> np.ndarray:
        return 2 * rng.integers(1, 500, len(pos)) - parity[pos]

    def body(pos: np.ndarray, s: np.ndarray) -> np.ndarray:
        return area_code[pos] * 10**12 + birth[cn][pos] * 1000 + s

    sequence = seq(np.arange(len(cn)))
    key = dedupe(body(np.arange(len(cn)), sequence), lambda pos: body(pos, seq(pos)))
    sequence = key % 1000
    ids = resident_id_numbers(area_code, birth[cn], sequence)
    out = pa.nulls(len(locale), pa.string())
    return scatter_strings(out, cn, ids)


def _person_phones(rng: np.random.Generator, plan: Plan, case: np.ndarray, slot: np.ndarray,
                   locale: np.ndarray, birth: np.ndarray) -> tuple[pa.Array, pa.Array]:
    n = len(case)
    age = (plan.s0 - birth) / YEAR
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
        return np.where(locale[who] == US, us_num, cn_num)

    both = dedupe(draw(np.arange(2 * n)), draw)
    p1, p2 = both[:n], both[n:]
    p2 = p2.copy()
    # a hidden tie recorded in persons: the stranger lists the debtor's phone as a second number
    stranger = np.flatnonzero((slot == S_STRANGER)
                              & (plan.tie_variant[case] == TIE_PERSON_PHONE))
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
    return pc.if_else(pa.array(locale == US), us, text)
