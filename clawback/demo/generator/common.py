"""Vocabulary and small helpers shared by every stage of the generator.

Sentinels and units, the household slots and homes of a case, the integer codes of the enum
values, day arithmetic, seeded draws (vectorised, and scalar through :class:`Dice`) and pyarrow
string helpers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clawback.demo.generator.contract import (
    ACCOUNT_TYPES,
    CHANNELS,
    COMPANY_ROLES,
    RELATIONS,
    TYPOLOGIES,
)

__all__ = [
    "ACCT", "CH", "CN", "DAY_S", "H_BUYER", "H_EX", "H_FRIEND1", "H_FRIEND2", "H_HH",
    "H_INLAWS", "H_INTER1", "H_INTER2", "H_INTER3", "H_INVEST", "H_LANDLORD", "H_PARENTS",
    "H_SELLER", "H_SELLER_FLAT", "H_SIB1", "H_SIB2", "H_STRANGER", "NA", "N_HOMES", "N_SLOTS",
    "REL", "ROLE", "SLOT_HOME", "S_BUYER", "S_CHILD1", "S_CHILD2", "S_DEBTOR", "S_FATHER",
    "S_FIL", "S_FRIEND1", "S_FRIEND2", "S_INTER1", "S_INTER2", "S_INTER3", "S_LANDLORD",
    "S_MIL", "S_MOTHER", "S_SELLER", "S_SIB1", "S_SIB2", "S_SIBSP1", "S_SIBSP2", "S_SPOUSE",
    "S_STRANGER", "TIE_ID_ADDRESS", "TIE_ID_PHONE", "TIE_PERSON_ADDRESS", "TIE_PERSON_PHONE",
    "TYP", "US", "YEAR", "Dice", "choose", "day_of", "dedupe", "num_str", "scatter_strings",
    "yd", "year_of", "year_of_day",
]

T = TypeVar("T")

NA = -(10**9)  # missing day / index sentinel for day arrays (real days can be negative)
YEAR = 365.25
EPOCH = date(1970, 1, 1)
CN, US = 0, 1
DAY_S = 86_400
TYP = {name: 1 << i for i, name in enumerate(TYPOLOGIES)}
CH = {name: i for i, name in enumerate(CHANNELS)}
REL = {name: i for i, name in enumerate(RELATIONS)}
ROLE = {name: i for i, name in enumerate(COMPANY_ROLES)}
ACCT = {name: i for i, name in enumerate(ACCOUNT_TYPES)}

# Household and background slots: one person per (case, slot) at most.
(S_DEBTOR, S_SPOUSE, S_CHILD1, S_CHILD2, S_FATHER, S_MOTHER, S_FIL, S_MIL, S_SIB1, S_SIB2,
 S_SIBSP1, S_SIBSP2, S_FRIEND1, S_FRIEND2, S_LANDLORD, S_BUYER, S_INTER1, S_INTER2, S_INTER3,
 S_STRANGER, S_SELLER) = range(21)
N_SLOTS = 21
# Homes (addresses) per case; the last two are properties nobody lives in.
(H_HH, H_PARENTS, H_INLAWS, H_SIB1, H_SIB2, H_EX, H_FRIEND1, H_FRIEND2, H_LANDLORD, H_BUYER,
 H_INTER1, H_INTER2, H_INTER3, H_STRANGER, H_SELLER, H_INVEST, H_SELLER_FLAT) = range(17)
N_HOMES = 17
SLOT_HOME = np.array(
    [H_HH, H_HH, H_HH, H_HH, H_PARENTS, H_PARENTS, H_INLAWS, H_INLAWS, H_SIB1, H_SIB2, H_SIB1,
     H_SIB2, H_FRIEND1, H_FRIEND2, H_LANDLORD, H_BUYER, H_INTER1, H_INTER2, H_INTER3,
     H_STRANGER, H_SELLER],
    dtype=np.int64,
)
# Hidden-tie variants: where the stranger's shared contact point is recorded.
TIE_PERSON_PHONE, TIE_PERSON_ADDRESS, TIE_ID_PHONE, TIE_ID_ADDRESS = range(4)


def day_of(d: date) -> int:
    """Days since 1970-01-01 (the day numbers used throughout)."""
    return (d - EPOCH).days


def year_of_day(day: int) -> int:
    """The calendar year of one day number."""
    return date.fromordinal(EPOCH.toordinal() + day).year


def yd(x: np.ndarray | float) -> np.ndarray:
    """Years to whole days."""
    return np.round(np.asarray(x) * YEAR).astype(np.int64)


def year_of(days: np.ndarray) -> np.ndarray:
    """The calendar years of an array of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def choose(rng: np.random.Generator, n: int,
           weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """``n`` indices into ``weights``, drawn with probabilities proportional to them."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum())


def dedupe(values: np.ndarray, redraw: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
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


class Dice:
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

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(len(seq) * self.u())]

    def weighted(self, seq: Sequence[T], weights: Sequence[float]) -> T:
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


def num_str(values: np.ndarray) -> pa.Array:
    """Integers as decimal strings."""
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())


def scatter_strings(base: pa.Array, positions: np.ndarray, values: pa.Array) -> pa.Array:
    """``base`` with ``values`` placed at ``positions``."""
    order = np.full(len(base), -1, dtype=np.int64)
    order[positions] = np.arange(len(positions))
    combined = pa.concat_arrays([values, base.cast(pa.string())])
    take = np.where(order >= 0, order, len(values) + np.arange(len(base)))
    return combined.take(pa.array(take))
