"""Statement memos and the transfer buffer that the flows and per-case events write into."""

from __future__ import annotations

import numpy as np

from clawback.demo import names as nm
from clawback.demo.generator.common import CN, US, Dice

__all__ = [
    "Memos",
    "Transfers",
]


class Memos:
    """Interned memo texts; ``codes(kind, locale)`` lists the variants of one purpose."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._index: dict[str, int] = {}
        self._kinds: dict[tuple[str, int], list[int]] = {}
        for kind, (cn, us) in nm.MEMOS.items():
            self._kinds[(kind, CN)] = [self.code(t) for t in cn]
            self._kinds[(kind, US)] = [self.code(t) for t in us]
        self.salary_month = np.array([self.code(f"{m}月工资") for m in range(1, 13)])
        self.rent_month = np.array([self.code(f"{m}月房租") for m in range(1, 13)])

    def code(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.texts)
            self.texts.append(text)
        return self._index[text]

    def pick(self, rng: np.random.Generator, kind: str, locale: np.ndarray) -> np.ndarray:
        out = np.zeros(len(locale), dtype=np.int64)
        for loc in (CN, US):
            m = locale == loc
            codes = np.array(self._kinds[(kind, loc)])
            out[m] = codes[rng.integers(0, len(codes), int(m.sum()))]
        return out

    def one(self, dice: Dice, kind: str, locale: int) -> int:
        return dice.pick(self._kinds[(kind, locale)])


class Transfers:
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
            columns = zip(*self._rows, strict=True)
            chunks.append(tuple(np.array(col, dtype=np.int64) for col in columns))
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
