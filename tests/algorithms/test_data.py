"""PortfolioData's account codes and the concurrent read of a store."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from clawback.algorithms.data import PortfolioData, read_portfolio
from clawback.algorithms.kinship import related_parties
from clawback.graph.embedded import LadybugStore
from tests.conftest import generated_store

E = pd.DataFrame()


def _data(accounts: list[tuple[str, str]], transfers: list[tuple[str, str | None, str]]
          ) -> PortfolioData:
    holder = dict(accounts)
    t = pd.DataFrame(transfers, columns=["transfer_id", "src", "dst"])
    t["src_holder"] = t["src"].map(holder).fillna("X-" + t["src"].fillna(""))
    t["dst_holder"] = t["dst"].map(holder).fillna("X-" + t["dst"].fillna(""))
    return PortfolioData(persons=E, companies=E,
                         accounts=pd.DataFrame(accounts, columns=["account_id", "holder_id"]),
                         transfers=t, relations=E, roles=E, titles=E, properties=E, cases=E,
                         identifiers=E)


def test_codes_are_positions_in_the_account_ids():
    data = _data([("A2", "P2"), ("A1", "P1")],
                 [("t1", "A1", "A2"), ("t2", "Z9", "A1"), ("t3", "A2", "B5"), ("t4", None, "A1")])
    assert data.account_ids is not None
    # the accounts in their order, then the ids only a transfer names, sorted
    assert list(data.account_ids) == ["A2", "A1", "B5", "Z9"]
    ids = np.append(data.account_ids.to_numpy(dtype=object), None)  # -1: null
    for end in ("src", "dst"):
        want = [None if pd.isna(v) else v for v in data.transfers[end]]
        assert list(ids[data.transfers[f"{end}_code"].to_numpy()]) == want
    # holders: the accounts', then what a transfer says of an account the accounts lack
    assert data.account_holders().to_pylist() == ["P2", "P1", "X-B5", "X-Z9"]


def test_replacing_the_accounts_codes_the_transfers_again():
    data = _data([("A1", "P1"), ("A2", "P2")], [("t1", "A1", "A2"), ("t2", "A2", "A1")])
    swapped = dataclasses.replace(data, accounts=data.accounts.iloc[::-1].reset_index(drop=True))
    assert list(swapped.account_ids) == ["A2", "A1"]
    assert swapped.transfers["src_code"].tolist() == [1, 0]
    kept = dataclasses.replace(data, cases=E)
    assert kept.account_ids is data.account_ids
    assert kept.transfers["src_code"].tolist() == [0, 1]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return generated_store(tmp_path_factory.mktemp("data"), size=120, seed=5)


def test_concurrent_read_gives_what_a_plain_read_gives(store):
    seen = {}

    def meanwhile(partial: PortfolioData) -> pd.DataFrame:
        seen["transfers"] = len(partial.transfers)
        seen["relations"] = len(partial.relations)
        return related_parties(partial)

    with LadybugStore(store, read_only=True) as s:
        data, ties = read_portfolio(s, meanwhile)
        plain = PortfolioData.from_store(s)
    assert seen["transfers"] == 0 and seen["relations"] == len(data.relations) > 0
    pd.testing.assert_frame_equal(ties, related_parties(data))
    for name in ("persons", "accounts", "transfers", "relations", "cases", "identifiers"):
        pd.testing.assert_frame_equal(getattr(data, name), getattr(plain, name))
    assert data.account_ids.equals(pd.Index(data.accounts["account_id"].astype(object)))
    ids = data.account_ids.to_numpy(dtype=object)
    assert (ids[data.transfers["src_code"].to_numpy()] == data.transfers["src"].to_numpy(
        dtype=object)).all()
    assert (data.transfers["src_code"] >= 0).all() and (data.transfers["dst_code"] >= 0).all()


def test_an_error_in_meanwhile_surfaces_after_the_read(store):
    def broken(partial: PortfolioData) -> None:
        raise ValueError("boom")

    with LadybugStore(store, read_only=True) as s, pytest.raises(ValueError, match="boom"):
        read_portfolio(s, broken)


def _frames(data: PortfolioData) -> dict[str, pd.DataFrame]:
    return {f.name: getattr(data, f.name) for f in dataclasses.fields(data)
            if isinstance(getattr(data, f.name), pd.DataFrame)}


def test_a_worker_process_reads_what_a_thread_reads(store):
    with LadybugStore(store, read_only=True) as s:
        by_thread, ties = read_portfolio(s, related_parties, worker=False)
        by_process, ties_too = read_portfolio(s, related_parties, worker=True)
    pd.testing.assert_frame_equal(ties, ties_too)
    assert by_process.account_ids.equals(by_thread.account_ids)
    thread_frames, process_frames = _frames(by_thread), _frames(by_process)
    assert len(thread_frames["transfers"]) > 0
    for name, frame in thread_frames.items():
        pd.testing.assert_frame_equal(process_frames[name], frame, check_exact=True)


def test_a_failed_worker_falls_back_to_reading_here(store, monkeypatch, caplog):
    import clawback.algorithms.data as data_module

    with LadybugStore(store, read_only=True) as s:
        expected, _ = read_portfolio(s, worker=False)
        # the worker is pointed at a directory that holds no store: it fails, and says why
        real = data_module._Worker.__init__
        monkeypatch.setattr(data_module._Worker, "__init__",
                            lambda self, path: real(self, store.parent / "nowhere"))
        got, _ = read_portfolio(s, worker=True)
    assert "reader process failed" in caplog.text and "no clawback store" in caplog.text
    pd.testing.assert_frame_equal(got.transfers, expected.transfers, check_exact=True)


def test_a_store_open_for_writing_is_read_by_a_thread(store, tmp_path):
    import clawback.algorithms.data as data_module

    with LadybugStore(tmp_path / "rw") as s:
        assert data_module._worker_for(s, True) is None
    with LadybugStore(store, read_only=True) as s:
        assert data_module._worker_for(s, None) is None     # small: not worth a process
        worker = data_module._worker_for(s, True)
        assert worker is not None
        worker.stop()
