"""A small real store for the app's tests: the hand-drawn scenario portfolio, loaded and scored
once per session (the scores are saved beside the store, as ``clawback score`` leaves them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clawback.algorithms.results import results_dir, scored
from clawback.graph.embedded import LadybugStore
from clawback.loaders.load import load_directory
from tests.algorithms import scenarios
from tests.app.browser import MAIN

__all__ = ["MAIN", "app_env", "scenario_store"]


@pytest.fixture(scope="session")
def scenario_store(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("app")
    directory = scenarios.build(tmp / "in")
    with LadybugStore(tmp / "store") as store:
        load_directory(directory, store)
    with LadybugStore(tmp / "store", read_only=True) as store:
        scored(store, results_dir(tmp / "store"))
    return tmp / "store"


@pytest.fixture
def app_env(scenario_store, monkeypatch) -> Path:
    monkeypatch.setenv("CLAWBACK_STORE", str(scenario_store))
    monkeypatch.delenv("CLAWBACK_NEO4J_URI", raising=False)
    return scenario_store
