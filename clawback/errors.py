"""The exceptions clawback raises. Everything derives from :class:`ClawbackError`.

A user error (bad input file, unreachable store, unknown case) is a ``ClawbackError``: the CLI
prints its message on one line and exits non-zero, without a traceback. Anything else is a bug.
"""

from __future__ import annotations

__all__ = ["ClawbackError", "InputFileError", "SchemaError", "StoreError"]


class ClawbackError(Exception):
    """Root of every error that clawback reports to a user."""


class SchemaError(ClawbackError):
    """The declarative schema is inconsistent (raised at import, before any data is touched)."""


class InputFileError(ClawbackError):
    """A whole input file cannot be used: unreadable, ambiguous, or missing a required column.

    The message names the file (and the column, when one is at fault). A load that meets this
    error stops before it writes anything.
    """

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None):
        super().__init__(message)
        self.file = file
        self.column = column


class StoreError(ClawbackError):
    """The graph store cannot be opened, created or written."""
