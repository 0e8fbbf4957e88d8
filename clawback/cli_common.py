"""What every ``clawback`` sub-command shares: the consoles, the store options, the one-line
error handling and the progress bar. Modules that add commands (``clawback.queries.cli``,
``clawback.evidence.cli``) import from here, not from :mod:`clawback.cli`."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from clawback.errors import ClawbackError

__all__ = ["DEFAULT_STORE", "AddressOpt", "DataFormat", "Lang", "Neo4jOpt", "OutputFormat",
           "StoreOpt", "err", "out", "progress", "user_errors"]

err = Console(stderr=True)
out = Console()

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_STORE = Path("clawback-data")
StoreOpt = Annotated[
    Path,
    typer.Option("--store", help="Embedded store directory (created on first load).",
                 envvar="CLAWBACK_STORE"),
]
Neo4jOpt = Annotated[
    str | None,
    typer.Option("--neo4j", metavar="URI",
                 help="Use a Neo4j 5 server (bolt://host:7687, neo4j+s://… for Aura) instead of "
                      "the embedded store; user, password and database come from NEO4J_USER, "
                      "NEO4J_PASSWORD and NEO4J_DATABASE.",
                 envvar="NEO4J_URI", show_envvar=True),
]

AddressOpt = Annotated[
    str, typer.Option(help="Address to listen on (0.0.0.0 to serve other machines).")
]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class DataFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


def user_errors(func: F) -> F:
    """Turn ClawbackError (and an OSError: a file that cannot be read or written) into one
    line on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ClawbackError as e:
            err.print(f"[bold red]error:[/] {e}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except OSError as e:  # a file the user named cannot be read or written
            where = f": {e.filename}" if e.filename else ""
            err.print(f"[bold red]error:[/] {e.strerror or e}{where}", highlight=False,
                      soft_wrap=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress(enabled: bool = True) -> Iterator[Callable[[str, float], None]]:
    """A progress bar on stderr; yields ``update(stage, fraction)``."""
    if not enabled or not err.is_terminal:
        yield lambda stage, fraction: None
        return
    columns = (TextColumn("{task.description:<40}"), BarColumn(), TaskProgressColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("starting", total=1.0)

        def update(stage: str, fraction: float) -> None:
            bar.update(task, description=stage, completed=fraction)

        yield update



class Lang(StrEnum):
    en = "en"
    zh = "zh"
