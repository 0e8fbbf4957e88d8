"""The entry point: :func:`generate_portfolio` and what it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

import numpy as np

from clawback.demo.generator.common import day_of
from clawback.demo.generator.simulate import simulate
from clawback.demo.generator.write import write_outputs

__all__ = [
    "GenerationSummary",
    "generate_portfolio",
]


@dataclass(frozen=True)
class GenerationSummary:
    """What :func:`generate_portfolio` wrote."""

    out_dir: Path
    tables: dict[str, int]  # rows written per table, ``labels`` included
    cases: int
    evaders: int
    honest: int


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
    sim = simulate(rng, size, day_of(start), report)
    tables = write_outputs(sim, rng, out, fmt, report)
    evaders = int(sim.plan.evader.sum())
    return GenerationSummary(out_dir=out, tables=tables, cases=size, evaders=evaders,
                             honest=size - evaders)
