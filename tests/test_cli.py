"""The command line as a user runs it: a real process, real files, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.loaders.test_load import ACCOUNTS, PERSONS, TRANSFERS, write_input


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    for name in ("CLAWBACK_STORE", "NEO4J_URI"):  # these tests use the embedded store
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "clawback.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300)


def test_help_explains_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ("generate", "load", "stats", "app", "demo"):
        assert command in result.stdout
    load_help = run("load", "--help").stdout
    for option in ("--store", "--report", "--quarantine", "--tz", "--strict"):
        assert option in load_help


def test_load_report_and_stats(tmp_path):
    directory = write_input(tmp_path / "in", {"persons": PERSONS, "accounts": ACCOUNTS,
                                              "transfers": TRANSFERS})
    store, report = tmp_path / "store", tmp_path / "report.json"
    result = run("load", str(directory), "--store", str(store), "--report", str(report))
    assert result.returncode == 0, result.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert set(data["tables"]) == {"persons", "accounts", "transfers"}
    for counts in data["tables"].values():
        assert counts["read"] == counts["loaded"] + counts["duplicates"] + counts["quarantined"]
    assert Path(data["quarantine_file"]).is_file()
    assert data["encodings"] == {"persons.csv": "utf-8", "accounts.csv": "utf-8",
                                 "transfers.csv": "utf-8"}
    stats = json.loads(run("stats", "--store", str(store), "--format", "json").stdout)
    assert stats["nodes"]["Person"] == data["tables"]["persons"]["loaded"]
    assert stats["relationships"]["TRANSFERRED_TO"] == data["tables"]["transfers"]["loaded"]
    strict = run("load", str(directory), "--store", str(store), "--strict")
    assert strict.returncode == 3


@pytest.mark.parametrize("breakage", ["missing column", "undecodable", "no persons"])
def test_file_level_errors_are_one_line_and_change_nothing(tmp_path, breakage):
    directory = write_input(tmp_path / "in", {"persons": PERSONS, "accounts": ACCOUNTS})
    store = tmp_path / "store"
    assert run("load", str(directory), "--store", str(store)).returncode == 0
    before = run("stats", "--store", str(store), "--format", "json").stdout
    if breakage == "missing column":
        write_input(directory, {"accounts": ACCOUNTS.replace("holder_id", "owner")})
        expected = "accounts.csv: missing required column 'holder_id'"
    elif breakage == "undecodable":
        (directory / "accounts.csv").write_bytes(b"account_id,holder_id\n\xff\xfe\xfa\x00\x81,P1\n")
        expected = "accounts.csv"
    else:
        (directory / "persons.csv").unlink()
        expected = "persons"
    result = run("load", str(directory), "--store", str(store))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and expected in lines[0]
    assert run("stats", "--store", str(store), "--format", "json").stdout == before


def test_stats_on_a_missing_store_is_one_line(tmp_path):
    result = run("stats", "--store", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no clawback store" in result.stderr


def test_score_and_explain(tmp_path):
    from tests.algorithms import scenarios

    directory = scenarios.build(tmp_path / "in")
    store = tmp_path / "store"
    assert run("load", str(directory), "--store", str(store)).returncode == 0
    scored = run("score", "--store", str(store), "--out", str(tmp_path / "s.csv"),
                 "--evidence", str(tmp_path / "e.csv"))
    assert scored.returncode == 0, scored.stderr
    import pandas as pd
    scores = pd.read_csv(tmp_path / "s.csv", dtype={"top_signals": str})
    assert list(scores.columns) == ["debtor_id", "case_id", "score", "rank", "band", "triage",
                                    "recoverable_estimate", "currency", "top_signals"]
    assert scores.iloc[0]["triage"] == "likely_evasion"
    assert (tmp_path / "s.csv.json").exists()
    assert "S02" in set(pd.read_csv(tmp_path / "e.csv")["signal"])
    again = run("score", "--store", str(store), "--out", str(tmp_path / "s2.csv"))
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "s2.csv").read_bytes()

    text = run("explain", "K03", "--store", str(store))
    assert text.returncode == 0, text.stderr
    assert "S02" in text.stdout and "CN-EBL-31-2" in text.stdout
    assert "SZ-REVOCABLE (UNCONFIRMED)" in text.stdout
    as_json = run("explain", "K03", "--store", str(store), "--format", "json", "--lang", "zh")
    import json
    detail = json.loads(as_json.stdout)
    assert detail["case_id"] == "K03" and "兄弟三" in detail["waterfall"][0]["findings"][0][
        "explanation"]
    missing = run("explain", "NOPE", "--store", str(store))
    assert missing.returncode == 1 and missing.stderr.startswith("error: no case 'NOPE'")


def test_demo_generates_loads_and_scores(tmp_path):
    done = run("demo", "--size", "40", "--no-app", "--store", str(tmp_path / "store"),
               "--out", str(tmp_path / "portfolio"))
    assert done.returncode == 0, done.stderr
    scores = (tmp_path / "store" / "scores.csv").read_text(encoding="utf-8").splitlines()
    assert scores[0].startswith("debtor_id,case_id,score,rank,band,triage")
    assert len(scores) == 41
    assert "clawback explain CASE" in done.stdout


def test_score_rejects_an_unknown_tracing_rule(tmp_path):
    bad = run("score", "--store", str(tmp_path), "--trace-rule", "lifo")
    assert bad.returncode == 2 and "lifo" in bad.stderr
