"""Array helpers: unique_ints against np.unique, and the allocator setting of the scoring."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clawback.algorithms.arrays import map_large_allocations, unique_ints


@given(st.lists(st.integers(min_value=-(2**62), max_value=2**62), max_size=200))
def test_unique_ints_is_np_unique(values):
    a = np.array(values, dtype=np.int64)
    np.testing.assert_array_equal(unique_ints(a), np.unique(a))
    assert unique_ints(a).dtype == np.int64


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")
def test_large_allocations_are_mapped_on_linux():
    # glibc accepts the setting (mallopt returns 1); the scoring calls it on every run
    assert map_large_allocations() is True
    assert map_large_allocations(8 << 20) is True
    assert map_large_allocations() is True
