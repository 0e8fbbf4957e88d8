"""Home addresses: one distinct PRC or US street address per used (case, home).

Addresses are drawn as integer keys (so they can be de-duplicated with numpy) and decoded into
strings with pyarrow.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clawback.demo import names as nm
from clawback.demo.generator.common import (
    CN,
    H_EX,
    H_INLAWS,
    H_INVEST,
    H_PARENTS,
    H_SELLER_FLAT,
    H_SIB1,
    H_SIB2,
    N_HOMES,
    N_SLOTS,
    SLOT_HOME,
    US,
    dedupe,
    num_str,
    scatter_strings,
)
from clawback.demo.generator.households import Households
from clawback.demo.generator.plan import Plan

__all__ = [
    "build_homes",
]


def build_homes(rng: np.random.Generator, plan: Plan,
                hh: Households) -> tuple[np.ndarray, pa.Array]:
    """One address per used (case, home); returns positions and the address strings."""
    n = plan.n
    used = np.zeros((n, N_HOMES), dtype=bool)
    for s in range(N_SLOTS):
        used[np.flatnonzero(hh.has[:, s]), SLOT_HOME[s]] = True
    used[:, H_EX] = plan.old_divorce
    used[:, H_INVEST] = plan.has_invest
    used[:, H_SELLER_FLAT] = plan.seller
    area = np.repeat(plan.district[:, None], N_HOMES, axis=1)
    area[:, H_PARENTS] = plan.hometown
    area[:, H_INLAWS] = plan.hometown_sp
    for h in (H_SIB1, H_SIB2):
        area[:, h] = np.where(rng.random(n) < 0.5, plan.hometown, plan.district)
    area[:, H_SELLER_FLAT] = np.where(rng.random(n) < 0.5, plan.hometown, plan.district)
    cases, homes = np.nonzero(used)
    pos = np.full((n, N_HOMES), -1, dtype=np.int64)
    pos[cases, homes] = np.arange(len(cases))
    loc = plan.locale[cases]
    cn = np.flatnonzero(loc == CN)
    us = np.flatnonzero(loc == US)
    cn_str = _cn_addresses(rng, area[cases[cn], homes[cn]], homes[cn])
    us_str = _us_addresses(rng, plan.city[cases[us]])
    return pos, scatter_strings(scatter_strings(pa.nulls(len(cases), pa.string()), cn, cn_str),
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

    key = dedupe(draw(np.arange(n)), draw)
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
        prefix, roads, num_str(num_u), "号", comms, num_str(bldg), "栋", num_str(room), "")
    rural_str = pc.binary_join_element_wise(
        prefix, pa.array(nm.CN_TOWNS).take(pa.array(town)), "镇",
        pa.array(nm.CN_VILLAGES).take(pa.array(village)), "村", num_str(num_r), "号", "")
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

    key = dedupe(draw(np.arange(n)), draw)
    zip_tail, k = key % 100, key // 100
    apt, k = k % 400, k // 400
    suffix, k = k % 8, k // 8
    street, k = k % 32, k // 32
    num = k % 10_000
    cities = nm.US_CITIES
    city_part = pa.array([f", {c.name}, {c.state} " for c in cities]).take(pa.array(city))
    zips = pc.utf8_lpad(num_str(np.array([c.zip_prefix for c in cities])[city] * 100 + zip_tail),
                        5, "0")
    apt_str = pc.if_else(pa.array(apt > 0),
                         pc.binary_join_element_wise(" Apt ", num_str(apt), ""),
                         pa.scalar(""))
    return pc.binary_join_element_wise(
        num_str(num), " ", pa.array(nm.US_STREETS).take(pa.array(street)), " ",
        pa.array(nm.US_STREET_SUFFIXES).take(pa.array(suffix)), apt_str, city_part, zips, "")
