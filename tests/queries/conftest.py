"""The fixture portfolio loaded once per module into the store the tests read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clawback.graph.embedded import LadybugStore
from clawback.loaders.load import load_directory
from tests.queries.fixture import build


@pytest.fixture(scope="session")
def fixture_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("queries") / "in")


@pytest.fixture(scope="session")
def embedded_path(fixture_input: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries-store") / "store"
    with LadybugStore(path) as store:
        load_directory(fixture_input, store)
    return path


@pytest.fixture
def embedded(embedded_path: Path) -> Iterator[LadybugStore]:
    """The loaded fixture, opened read-only."""
    with LadybugStore(embedded_path, read_only=True) as store:
        yield store
