"""Identifiers (phones, emails, device IMEIs), including the hidden ties planted by events."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clawback.demo.generator.common import (
    CN,
    S_CHILD1,
    S_CHILD2,
    S_DEBTOR,
    S_FRIEND1,
    S_FRIEND2,
    S_SPOUSE,
    US,
    dedupe,
    num_str,
    yd,
)
from clawback.demo.generator.households import Households
from clawback.demo.generator.persons import People
from clawback.demo.generator.plan import Plan

__all__ = [
    "build_identifiers",
]


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


def _emails(rng: np.random.Generator, people: People, who: np.ndarray) -> pa.Array:
    loc = people.locale[who]

    def draw(pos: np.ndarray) -> np.ndarray:
        return rng.integers(10_000_000, 3_999_999_999, len(pos))

    number = dedupe(draw(np.arange(len(who))), draw)
    qq = pc.binary_join_element_wise(num_str(number), "@qq.com", "")
    phone = people.phone1.take(pa.array(who))
    mobile = pc.binary_join_element_wise(phone, "@139.com", "")
    use_mobile = pa.array((rng.random(len(who)) < 0.3) & (loc == CN))
    cn = pc.if_else(pc.and_(use_mobile, pc.is_valid(phone)), mobile, qq)
    handle = pc.utf8_lower(pc.replace_substring(people.name.take(pa.array(who)), " ", "."))
    us = pc.binary_join_element_wise(handle, num_str(number % 100_000), "@gmail.com", "")
    return pc.if_else(pa.array(loc == US), us, cn)


def build_identifiers(rng: np.random.Generator, plan: Plan, hh: Households,
                      people: People, planted: list[tuple[int, int, str]]
                      ) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Identifier rows (entity, kind code, value), sorted by entity and kind."""
    n = plan.n
    debtor = hh.pidx[:, S_DEBTOR]
    spouse_now = hh.has[:, S_SPOUSE] & ~plan.old_divorce
    spouse = hh.pidx[:, S_SPOUSE]
    who_parts = [debtor, spouse[spouse_now & (rng.random(n) < 0.5)]]
    for slot in (S_CHILD1, S_CHILD2, S_FRIEND1, S_FRIEND2):
        m = hh.has[:, slot] & ((plan.s0 - hh.birth[:, slot]) > yd(18)) & (rng.random(n) < 0.3)
        who_parts.append(hh.pidx[m, slot])
    email_who = np.concatenate(who_parts)
    email = _emails(rng, people, email_who)

    dev_spouse = spouse_now & (rng.random(n) < 0.4)
    dev_who = np.concatenate([debtor, spouse[dev_spouse]])

    def draw(pos: np.ndarray) -> np.ndarray:
        return _luhn_imei(rng, len(pos))

    imei = dedupe(draw(np.arange(len(dev_who))), draw)
    # some couples share one phone handset: the spouse's device is the debtor's
    shared = rng.random(int(dev_spouse.sum())) < 0.3
    imei[n:][shared] = imei[:n][dev_spouse][shared]
    device = pc.binary_join_element_wise("IMEI:", num_str(imei), "")

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
