"""Array helpers shared by the algorithms."""

from __future__ import annotations

import numpy as np

__all__ = ["unique_ints"]


def unique_ints(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an integer array, by a sort.

    numpy 2.4's ``np.unique`` (without ``return_*``) hashes, and on millions of distinct
    values the hash table runs an order of magnitude slower than sorting (2 s against 0.15 s
    for 2.3M int64 here).

    >>> unique_ints(np.array([3, 1, 3, 2]))
    array([1, 2, 3])
    """
    values = np.sort(np.asarray(values), kind="stable")
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]
