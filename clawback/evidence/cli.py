"""``clawback bundle``, ``verify``, ``keygen`` and ``audit``."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the evidence commands to ``app``."""
