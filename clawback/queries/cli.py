"""``clawback query``: the named Cypher queries (list, show, run) and read-only ad-hoc Cypher."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``query`` command group to ``app``."""
