"""The app's cache boundary: which store it reads, the open store (one per process, shared
by every session), the scores, and the cached data functions the pages call. Pages import
from here; the functions themselves live in :mod:`clawback.app.data`."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from clawback.algorithms.score import ScoreResult
from clawback.app import data
from clawback.app.data import StoreRef
from clawback.app.i18n import t
from clawback.errors import ClawbackError
from clawback.graph.store import GraphStore

__all__ = ["case_choice", "community", "debtor_tables", "export_bundle", "facts", "lang",
           "open_ref", "portfolio", "result", "store_ref", "using"]

_LOCKS: dict[StoreRef, threading.Lock] = {}


def lang() -> str:
    """The language chosen in the sidebar ('zh' by default)."""
    value = st.session_state.get("app_lang", "zh")
    return value if value in ("zh", "en") else "zh"


def store_ref() -> StoreRef:
    """The store named by ``CLAWBACK_STORE`` / ``CLAWBACK_NEO4J_URI`` (set by ``clawback app``),
    on Neo4j in the database ``NEO4J_DATABASE`` (the server's default when unset)."""
    neo4j = os.environ.get("CLAWBACK_NEO4J_URI") or None
    return StoreRef(os.environ.get("CLAWBACK_STORE", "clawback-data"), neo4j,
                    (os.environ.get("NEO4J_DATABASE") or None) if neo4j else None)


@st.cache_resource(show_spinner=False, max_entries=4)
def open_ref(ref: StoreRef) -> GraphStore:
    """The store, opened read-only once per process (its buffer pool stays warm)."""
    return ref.open()


@contextmanager
def using(ref: StoreRef) -> Iterator[GraphStore]:
    """The open store, one session at a time (the embedded engine's connection is not
    shared between threads)."""
    lock = _LOCKS.setdefault(ref, threading.Lock())
    with lock:
        yield open_ref(ref)


@st.cache_resource(show_spinner=False, ttl=300, max_entries=4)
def _result(ref: StoreRef) -> ScoreResult:
    with using(ref) as store:
        return data.score_result(store, ref)


def result(ref: StoreRef) -> ScoreResult:
    """The scores (saved ones when valid; else computed now, under a spinner: the first
    scoring of a large store takes minutes)."""
    with st.spinner(t("scoring", lang()), show_time=True):
        return _result(ref)


@st.cache_data(show_spinner=False, ttl=300, max_entries=8)
def _portfolio(ref: StoreRef) -> pd.DataFrame:
    scores = _result(ref)
    with using(ref) as store:
        return data.portfolio_table(store, scores)


def portfolio(ref: StoreRef) -> pd.DataFrame:
    """The ranked portfolio table (scoring the store first if it has no valid scores)."""
    result(ref)
    return _portfolio(ref)


@st.cache_data(show_spinner=False, ttl=300, max_entries=256)
def facts(ref: StoreRef, case_id: str) -> dict[str, Any]:
    """Key facts of one case and its debtor."""
    with using(ref) as store:
        return data.case_facts(store, case_id)


@st.cache_data(show_spinner=False, ttl=300, max_entries=64)
def debtor_tables(ref: StoreRef, case_id: str) -> dict[str, pd.DataFrame]:
    """Accounts, transfers, relatives, companies, properties and traced paths of one case."""
    f = facts(ref, case_id)
    scores = _result(ref)
    with using(ref) as store:
        return data.debtor_tables(store, f, scores, case_id)


@st.cache_resource(show_spinner=False, ttl=300, max_entries=2)
def _community_tables(ref: StoreRef) -> dict[str, pd.DataFrame]:
    scores = _result(ref)
    with using(ref) as store:
        return data.community_tables(store, scores)


def export_bundle(ref: StoreRef, case_id: str, language: str) -> data.ExportedBundle:
    """Build the evidence bundle of one case for download and record the export in the
    store's audit log (never cached: every export is an audited act)."""
    scores = _result(ref)
    with using(ref) as store:
        return data.export_bundle(store, scores, case_id, language, ref.audit_log(),
                                  ref.location)


def community(ref: StoreRef, case_id: str) -> dict[str, Any]:
    """The debtor's community, its enablers and the other debtors in it."""
    tables = _community_tables(ref)
    with using(ref) as store:
        return data.community_view(store, result(ref), case_id, tables)


def case_choice(table: pd.DataFrame, current: str | None, language: str) -> str:
    """A case picker over the ranked ``table``; it starts on ``current`` (the URL's
    ``?case=``) or the top-ranked case and writes the choice back into the URL."""
    ids = table["case_id"].astype(str).tolist()
    if not ids:
        raise ClawbackError("the store holds no case")
    labels = {c: f"#{r} {n or d} · {c}" for c, r, n, d in zip(
        ids, table["rank"], table["name"], table["debtor_id"], strict=True)}
    start = ids.index(current) if current in labels else 0
    chosen = st.selectbox(t("choose_case", language), ids, index=start,
                          format_func=labels.__getitem__, key="case_select")
    if st.query_params.get("case") != chosen:
        st.query_params["case"] = chosen
    return str(chosen)
