"""Households and family ties: who exists in each case, their births, genders and relations.

Household matrices have shape ``(cases, slots)`` (see the ``S_*`` slots in ``common``); the
relations between household members are derived from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clawback.demo.generator.common import (
    N_SLOTS,
    NA,
    REL,
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
    YEAR,
    choose,
    yd,
)
from clawback.demo.generator.plan import Plan

__all__ = [
    "Households",
    "Relations",
    "build_relations",
    "draw_households",
]


@dataclass
class Households:
    """Who exists in each case, with births and genders, as ``(cases, slots)`` matrices."""

    has: np.ndarray  # bool (n, slots)
    birth: np.ndarray  # int days (n, slots)
    male: np.ndarray  # bool (n, slots)
    pidx: np.ndarray  # person index per (case, slot), -1 if absent
    parents_married: np.ndarray  # day, per case
    sib_married: np.ndarray  # day, per (case, sibling 0/1)


def draw_households(rng: np.random.Generator, plan: Plan) -> Households:
    """Draw every household: who exists, when they were born, their genders."""
    n, s0 = plan.n, plan.s0
    has = np.zeros((n, N_SLOTS), dtype=bool)
    birth = np.zeros((n, N_SLOTS), dtype=np.int64)
    male = rng.random((n, N_SLOTS)) < 0.5

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
        birth[:, slot] = s0 - yd(rng.uniform(24, 66, n))
    # the stranger of a hidden tie is often a partner of the other sex
    male[:, S_STRANGER] = np.where(rng.random(n) < 0.7, ~plan.debtor_male, male[:, S_STRANGER])

    parents_married = np.minimum(birth[:, S_FATHER], birth[:, S_MOTHER]) + yd(
        rng.uniform(21, 27, n))
    parents_married = np.minimum(parents_married, birth[:, S_DEBTOR] - yd(rng.uniform(0.8, 3, n)))
    parents_married = np.maximum(
        parents_married, np.maximum(birth[:, S_FATHER], birth[:, S_MOTHER]) + yd(20))

    pidx = np.full(has.shape, -1, dtype=np.int64)
    pidx[has] = np.arange(int(has.sum()))
    return Households(has, birth, male, pidx, parents_married, sib_married)


def _draw_children(rng: np.random.Generator, plan: Plan, has: np.ndarray,
                   birth: np.ndarray) -> None:
    n, s0 = plan.n, plan.s0
    nkids = np.where(plan.has_spouse, choose(rng, n, (0.1, 0.45, 0.45)),
                     choose(rng, n, (0.85, 0.15, 0.0)))
    lower = np.where(plan.has_spouse, np.maximum(plan.debtor_birth, plan.spouse_birth),
                     plan.debtor_birth) + yd(20)
    upper = np.full(n, s0 - 400)
    first_base = np.where(plan.has_spouse, plan.marriage, lower + yd(rng.uniform(2, 10, n)))
    first = _fold(rng, first_base + yd(rng.uniform(0.8, 5, n)), lower, upper)
    second = _fold(rng, first + yd(rng.uniform(1.5, 7, n)), first + 300, upper)
    has[:, S_CHILD1] = (nkids >= 1) & (first >= lower)
    has[:, S_CHILD2] = (nkids >= 2) & has[:, S_CHILD1] & (second >= first + 300)
    birth[:, S_CHILD1] = first
    birth[:, S_CHILD2] = second


def _draw_parents(rng: np.random.Generator, plan: Plan, has: np.ndarray, birth: np.ndarray,
                  male: np.ndarray) -> None:
    n, f = plan.n, plan.filing
    age_f = (f - plan.debtor_birth) / YEAR
    birth[:, S_FATHER] = plan.debtor_birth - yd(rng.uniform(23, 36, n))
    birth[:, S_MOTHER] = plan.debtor_birth - yd(rng.uniform(21, 33, n))
    birth[:, S_FIL] = plan.spouse_birth - yd(rng.uniform(23, 36, n))
    birth[:, S_MIL] = plan.spouse_birth - yd(rng.uniform(21, 33, n))
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


def _draw_siblings(rng: np.random.Generator, plan: Plan, has: np.ndarray, birth: np.ndarray,
                   male: np.ndarray) -> np.ndarray:
    n, s0 = plan.n, plan.s0
    nsib = choose(rng, n, (0.35, 0.45, 0.2))
    mother = birth[:, S_MOTHER]
    married = np.full((n, 2), NA, dtype=np.int64)
    for k, (slot, sp) in enumerate(((S_SIB1, S_SIBSP1), (S_SIB2, S_SIBSP2))):
        sign = np.where(rng.random(n) < 0.5, -1, 1)
        b = plan.debtor_birth + sign * yd(rng.uniform(1, 9, n))
        b = _fold(rng, b, mother + yd(18), np.minimum(mother + yd(44), s0 - yd(16)))
        birth[:, slot] = b
        has[:, slot] = nsib > k
        adult = (s0 - b) > yd(24)
        has[:, sp] = has[:, slot] & adult & (rng.random(n) < 0.6)
        birth[:, sp] = b + yd(rng.uniform(-4, 4, n))
        male[:, sp] = ~male[:, slot]
        married[:, k] = np.minimum(b + yd(rng.uniform(23, 31, n)), s0 - 60)
        married[:, k] = np.maximum(married[:, k], np.maximum(b, birth[:, sp]) + yd(20))
    return married


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


@dataclass
class Relations:
    """Relation rows between persons (person indices), grouped by case."""

    a: np.ndarray  # person index
    b: np.ndarray
    relation: np.ndarray
    start: np.ndarray
    end: np.ndarray
    source: np.ndarray
    spouse_row: np.ndarray  # per case: row of the debtor's spouse tie, or -1


def build_relations(rng: np.random.Generator, plan: Plan, hh: Households) -> Relations:
    """The family ties between household members, and some declared associates."""
    n = plan.n
    na = np.full(n, NA, dtype=np.int64)
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
                      np.full(len(cases), REL[rel]), start[cases], end[cases],
                      np.full(len(cases), source)))
    cols = [np.concatenate([p[i] for p in parts]) for i in range(8)]
    order = np.lexsort((cols[1], cols[0]))
    rows = [col[order] for col in cols]
    spouse_row = np.full(n, -1, dtype=np.int64)
    first_spec = rows[1] == 0
    spouse_row[rows[0][first_spec]] = np.flatnonzero(first_spec)
    return Relations(rows[2], rows[3], rows[4], rows[5], rows[6].copy(), rows[7], spouse_row)
