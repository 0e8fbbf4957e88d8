"""Array helpers shared by the algorithms."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["arrow_on_system_malloc", "index_in_repeated", "map_large_allocations",
           "release_free_memory", "unique_ints"]


def index_in_repeated(values: pa.Array | pa.ChunkedArray, value_set: pa.Array) -> np.ndarray:
    """The position of each value in ``value_set`` (-1: absent or null), for ``values`` that
    repeat (the account of each of millions of transfers): each distinct value is looked up
    once. Arrow's ``index_in`` probes the value set's hash table once per value; dictionary
    encoding first probes a table of only the distinct values, which stays in cache (10M
    transfers' accounts against 1.5M accounts: 2.9 s -> 1.8 s).

    >>> index_in_repeated(pa.array(["b", "a", None, "b", "z"]), pa.array(["a", "b"])).tolist()
    [1, 0, -1, 1, -1]
    """
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.unify_dictionaries().combine_chunks() if encoded.num_chunks else \
            pa.array([], pa.dictionary(pa.int32(), value_set.type))
    found = pc.index_in(encoded.dictionary, value_set=value_set).fill_null(-1)
    lookup = np.append(np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64), -1)
    indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return lookup[indices]


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


_M_MMAP_THRESHOLD = -3
"""glibc's mallopt parameter (malloc.h)."""


def map_large_allocations(threshold: int = 32 << 20) -> bool:
    """Have glibc's malloc serve every allocation of ``threshold`` bytes or more by its own
    ``mmap``, so that freeing it returns the memory to the system at once (True where that
    was set: Linux with glibc).

    By default glibc raises that threshold as large blocks are freed, up to 32 MB, and then
    serves the scoring's short-lived arrays of up to 32 MB from its heap, where the holes they
    leave are not reused by the next, larger arrays. Fixed at 32 MB, the arrays over it (the
    ones that leave the big holes) get their own mappings from the start. At 10M transfers:
    no threshold 71.8 s and 7.27 GiB peak; 32 MB 72.5 s and 7.18 GiB; 4 MB 75.5–77.8 s and
    7.03 GiB (fresh pages are zeroed on first touch: the smaller the threshold, the more).
    """
    libc = _glibc()
    try:
        return libc is not None and bool(libc.mallopt(_M_MMAP_THRESHOLD, int(threshold)))
    except AttributeError:
        return False


def release_free_memory() -> bool:
    """Return the free memory at the top and in the holes of glibc's heap to the system
    (``malloc_trim``); True where that was done (Linux with glibc). Called before forking: a
    child shares the parent's pages, and the parent's free heap would otherwise count, in
    its resident set, for nothing."""
    libc = _glibc()
    if libc is None:
        return False
    try:
        libc.malloc_trim(0)
    except AttributeError:
        return False
    return True


def _glibc() -> ctypes.CDLL | None:
    """The C library, on Linux (None elsewhere or where it cannot be loaded)."""

    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def arrow_on_system_malloc() -> bool:
    """Have Arrow allocate with the C library's malloc instead of its bundled mimalloc, from
    now on in this process (True where that was set). With :func:`map_large_allocations`,
    a large Arrow buffer then gets its own mapping, returned to the system when freed, and
    ``malloc_trim`` (:func:`release_free_memory`) reaches what Arrow freed too. Scoring 10M
    transfers, the score and its forked child summed as PSS and sampled each second: 7.25-7.63
    GiB before, 7.07 and 7.13 GiB after; the runs took 51.7 and 52.6 s, against 57-61 s in
    the hour before."""
    try:
        pa.set_memory_pool(pa.system_memory_pool())
        return True
    except (NotImplementedError, pa.ArrowException):
        return False
