"""Every query run from the command line lands in the store's audit log: the named query, its
parameters and text hash, the hash of its result — and refused writes, with the reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from clawback.cli import app
from clawback.evidence.audit import default_audit_log
from clawback.graph.embedded import LadybugStore
from clawback.queries.registry import REGISTRY, result_sha256, run_named

runner = CliRunner()


def test_query_runs_are_audited(embedded_path: Path, tmp_path: Path, monkeypatch) -> None:
    store = tmp_path / "store"
    shutil.copytree(embedded_path, store)
    shutil.rmtree(store / "audit", ignore_errors=True)
    monkeypatch.setenv("CLAWBACK_USER", "investigator-7")

    ok = runner.invoke(app, ["query", "run", "cash_withdrawals_before_filing", "-p",
                             "case_id=K01", "--format", "json", "--store", str(store)])
    assert ok.exit_code == 0, ok.output
    refused = runner.invoke(app, ["query", "cypher", "MATCH (p:Person) DETACH DELETE p",
                                  "--store", str(store)])
    assert refused.exit_code == 1 and "read-only" in refused.output
    adhoc = runner.invoke(app, ["query", "cypher", "MATCH (p:Person) RETURN count(p) AS n",
                                "--store", str(store)])
    assert adhoc.exit_code == 0, adhoc.output

    log = default_audit_log(store)
    entries = log.entries()
    assert [e["action"] for e in entries] == ["query", "cypher", "cypher"]
    assert {e["actor"] for e in entries} == {"investigator-7"}
    named = entries[0]
    assert named["target"] == "cash_withdrawals_before_filing"
    assert named["parameters"]["query_sha256"] == REGISTRY[named["target"]].sha256
    assert named["parameters"]["params"] == {"case_id": "K01"}
    with LadybugStore(store, read_only=True) as st:
        expected = result_sha256(run_named(st, named["target"], {"case_id": "K01"}))
    assert named["result_hash"] == expected
    assert entries[1]["result_hash"] == "refused"
    assert "read-only" in entries[1]["parameters"]["error"]
    assert entries[1]["parameters"]["text"] == "MATCH (p:Person) DETACH DELETE p"
    assert len(entries[2]["result_hash"]) == 64
    assert log.verify().ok

    # an edited entry breaks the chain
    lines = log.path.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["parameters"]["params"]["case_id"] = "K02"
    lines[0] = json.dumps(first, ensure_ascii=False, sort_keys=True)
    log.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert not log.verify().ok
