"""The demo portfolio goes through the real loader and store without losing a row."""

from __future__ import annotations

from clawback.demo.generator import generate_portfolio
from clawback.graph.embedded import LadybugStore
from clawback.loaders.load import load_directory


def test_generated_portfolio_loads_cleanly_and_deterministically(tmp_path):
    summary = generate_portfolio(tmp_path / "demo", size=40, seed=11)
    with LadybugStore(tmp_path / "store") as store:
        report = load_directory(tmp_path / "demo", store)
        counts = store.counts()
    assert report.quarantined == 0, report.quarantine_file
    assert report.ignored_files == ["labels.csv"]
    for table, n in summary.tables.items():
        if table != "labels":
            assert report.tables[table].read == n
            assert report.tables[table].loaded == n
    assert counts["nodes"]["Person"] == summary.tables["persons"]
    assert counts["nodes"]["Proceeding"] == summary.cases
    assert counts["relationships"]["TRANSFERRED_TO"] == summary.tables["transfers"]
    assert counts["relationships"]["RELATED_TO"] == 2 * summary.tables["relations"]
    # the same seed gives the same batch id (a hash of the files), so the same provenance
    again = generate_portfolio(tmp_path / "again", size=40, seed=11)
    with LadybugStore(tmp_path / "store2") as store:
        assert load_directory(tmp_path / "again", store).batch_id == report.batch_id
    assert again.tables == summary.tables
