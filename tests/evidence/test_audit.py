"""The hash-chained audit log: appends chain, and an edited, removed or reordered entry is
named by its seq."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from clawback.evidence.audit import GENESIS, AuditLog, default_audit_log


@pytest.fixture
def log(tmp_path, monkeypatch) -> AuditLog:
    monkeypatch.setenv("CLAWBACK_USER", "investigator-1")
    audit = AuditLog(tmp_path / "audit" / "audit.jsonl")
    for i in range(1, 6):
        audit.append(action="query", target=f"q{i}", parameters={"case_id": f"K0{i}"},
                     result_hash=f"{i:064x}")
    return audit


def _lines(log: AuditLog) -> list[str]:
    return log.path.read_text(encoding="utf-8").splitlines()


def _write(log: AuditLog, lines: list[str]) -> None:
    log.path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_chain_is_valid(log):
    entries = log.entries()
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["prev_hash"] == GENESIS
    assert all(b["prev_hash"] == a["entry_hash"] for a, b in itertools.pairwise(entries))
    assert entries[0]["actor"] == "investigator-1" and entries[0]["time"].endswith("Z")
    report = log.verify()
    assert report.ok and report.entries == 5 and report.head == entries[-1]["entry_hash"]


def test_edited_entry_is_named(log):
    lines = _lines(log)
    entry = json.loads(lines[2])
    entry["parameters"]["case_id"] = "K99"
    lines[2] = json.dumps(entry)
    _write(log, lines)
    problems = log.verify().problems
    assert problems == ["seq 3: edited (its content does not match its hash)"]


def test_removed_entry_is_named(log):
    lines = _lines(log)
    del lines[1]
    _write(log, lines)
    problems = log.verify().problems
    assert any("seq is 3, expected 2" in p for p in problems)
    assert any("seq 3: prev_hash" in p for p in problems)


def test_reordered_entries_are_named(log):
    lines = _lines(log)
    lines[1], lines[3] = lines[3], lines[1]
    _write(log, lines)
    problems = log.verify().problems
    assert any("seq is 4, expected 2" in p for p in problems)


def test_truncated_tail_is_caught_by_the_head(log):
    head = log.entries()[-1]["entry_hash"]
    _write(log, _lines(log)[:-1])
    assert any("not in the log" in p for p in log.verify().problems)
    log.head_path.unlink()
    assert log.verify().ok                       # without a head, a clean prefix is a chain
    assert not log.verify(expect_head=head).ok   # a head recorded elsewhere still catches it


def test_rehashed_edit_still_breaks_the_chain(log):
    """Recomputing the edited entry's own hash does not help: the next entry links to the old."""
    import hashlib

    from clawback.evidence.manifest import canonical_json

    lines = _lines(log)
    entry = json.loads(lines[1])
    entry["target"] = "forged"
    entry["entry_hash"] = hashlib.sha256(canonical_json(
        {k: v for k, v in entry.items() if k != "entry_hash"})).hexdigest()
    lines[1] = json.dumps(entry)
    _write(log, lines)
    assert log.verify().problems == [
        "seq 3: prev_hash does not match the entry before (the chain is broken here)"]


def test_default_locations(tmp_path):
    assert default_audit_log(tmp_path / "s").path == tmp_path / "s" / "audit" / "audit.jsonl"
    neo = default_audit_log(tmp_path, "bolt://localhost:7687").path
    assert neo == Path(".clawback/audit/localhost-7687-neo4j/audit.jsonl")
