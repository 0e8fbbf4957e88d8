"""Property-based invariants of the loader (hypothesis): whatever rows come in, every one is
accounted for, and loading twice changes nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clawback.graph.embedded import LadybugStore
from clawback.loaders.load import load_directory

ids = st.sampled_from(["P1", "P2", "P3", "", "P1 ", "007"])
texts = st.sampled_from(["张三", "李四", "", "a,b", 'say "hi"', "NA", "王\n五"])
dates = st.sampled_from(["1980-01-01", "1980/1/2", "19800103", "1980年1月4日", "1980-02-30",
                         "", "soon", "2024-03-05T14:30:00+08:00"])
amounts = st.sampled_from(["100", "0", "-1", "1e3", "1,000", "", "abc", "12.50"])
accounts = st.sampled_from(["A1", "A2", "A3", ""])

person_rows = st.lists(st.tuples(ids, texts, dates, st.sampled_from(["M", "F", "f", "", "X"])),
                       max_size=12)
account_rows = st.lists(st.tuples(accounts, ids), max_size=6)
transfer_rows = st.lists(st.tuples(st.sampled_from(["T1", "T2", "T3", "T4", ""]), accounts,
                                   accounts, amounts, dates), max_size=15)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(person_rows, account_rows, transfer_rows)
def test_every_row_is_accounted_for_and_reload_is_a_no_op(persons, accts, transfers):
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "in"
        directory.mkdir()
        pd.DataFrame(persons, columns=["person_id", "name", "birth_date", "gender"]).to_csv(
            directory / "persons.csv", index=False)
        pd.DataFrame(accts, columns=["account_id", "holder_id"]).to_csv(
            directory / "accounts.csv", index=False)
        pd.DataFrame(transfers, columns=["transfer_id", "from_account", "to_account", "amount",
                                         "timestamp"]).to_csv(directory / "transfers.csv",
                                                              index=False)
        with LadybugStore(Path(tmp) / "store") as store:
            report = load_directory(directory, store)
            counts = store.counts()
            quarantine = pd.read_csv(report.quarantine_file, dtype=str, keep_default_na=False)
            for name, c in report.tables.items():
                assert c.read == c.loaded + c.duplicates + c.quarantined
                assert (quarantine["table"] == name).sum() == c.quarantined
                assert quarantine[quarantine["table"] == name]["row"].astype(int).is_unique
            assert counts["nodes"]["Person"] == report.tables["persons"].loaded
            assert counts["relationships"]["TRANSFERRED_TO"] == report.tables["transfers"].loaded
            load_directory(directory, store)
            assert store.counts() == counts
