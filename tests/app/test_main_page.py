"""The app's entry page, rendered by Streamlit's AppTest against a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clawback.graph.embedded import LadybugStore
from clawback.loaders.load import load_directory
from tests.loaders.test_load import ACCOUNTS, PERSONS, TRANSFERS, write_input

PAGE = str(Path(__file__).resolve().parents[2] / "clawback" / "app" / "main.py")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    directory = write_input(tmp_path / "in", {"persons": PERSONS, "accounts": ACCOUNTS,
                                              "transfers": TRANSFERS})
    with LadybugStore(tmp_path / "store") as st:
        load_directory(directory, st)
    return tmp_path / "store"


def test_page_shows_the_store_counts_in_both_languages(store, monkeypatch):
    monkeypatch.setenv("CLAWBACK_STORE", str(store))
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "clawback 追索"
    frames = [df.value for df in at.dataframe]
    nodes = frames[0].set_index("name")["count"]
    assert nodes["Person"] == 4 and nodes["Account"] == 5  # A1-A3 and two cash accounts
    assert "自然人" in set(frames[0]["caption"])
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "clawback"
    assert "Person" in set(at.dataframe[0].value["caption"])


def test_page_without_a_store_explains_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAWBACK_STORE", str(tmp_path / "missing"))
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception
    assert "clawback load" in at.error[0].value


@pytest.mark.neo4j
def test_page_reads_a_neo4j_store(neo4j_store, neo4j_server, tmp_path, monkeypatch):
    directory = write_input(tmp_path / "in", {"persons": PERSONS, "accounts": ACCOUNTS,
                                              "transfers": TRANSFERS})
    load_directory(directory, neo4j_store)
    for name, value in neo4j_server.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CLAWBACK_NEO4J_URI", neo4j_server.uri)
    monkeypatch.setenv("CLAWBACK_STORE", str(tmp_path / "no-embedded-store"))
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    nodes = at.dataframe[0].value.set_index("name")["count"]
    assert nodes["Person"] == 4 and nodes["Account"] == 5
    assert neo4j_server.uri in at.caption[0].value
