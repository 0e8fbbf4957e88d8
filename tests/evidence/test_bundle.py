"""Evidence bundles of the hand-drawn portfolio (tests/algorithms/scenarios.py): the report's
text and fonts, the records and subgraph, determinism, tamper detection, signatures, the CLI
and the same bundle from Neo4j."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from clawback.algorithms.results import results_dir, scored
from clawback.cli import app
from clawback.evidence.bundle import verify_bundle, write_bundle
from clawback.evidence.manifest import merkle_root, sha256_hex
from clawback.evidence.sign import generate_keypair, load_private_key, load_public_key
from clawback.graph.embedded import LadybugStore
from clawback.graph.open import open_store
from clawback.loaders.load import load_directory
from tests.algorithms import scenarios

CASE = "K06"        # layering through an intermediary: S08 + S11, two transfers, a chain
TITLE_CASE = "K03"  # a property conveyed to a sibling at 12% of its value


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("evidence")
    directory = scenarios.build(tmp / "in")
    with LadybugStore(tmp / "store") as store:
        load_directory(directory, store)
    return directory, tmp / "store"


def _bundle(store_path: Path, case: str, out: Path, lang: str = "zh", key=None) -> Path:
    with open_store(store_path, None, read_only=True) as store:
        result = scored(store, results_dir(store_path))
        write_bundle(store, result, case, out, lang=lang, key=key)
    return out


@pytest.fixture(scope="module")
def cited(portfolio) -> list[str]:
    """The transfer ids of the K06 chain (debtor → intermediary, intermediary → child)."""
    with open_store(portfolio[1], None, read_only=True) as store:
        hits = scored(store, results_dir(portfolio[1])).hits
    chain = hits[(hits["case_id"] == CASE) & (hits["signal"] == "S08")]["evidence"].iloc[0]
    first, second = chain.split("→")
    return [first, second]


@pytest.fixture(scope="module")
def bundles(portfolio, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("bundles")
    return {f"{case}-{lang}": _bundle(portfolio[1], case, out / f"{case}-{lang}.zip", lang)
            for case in (CASE, TITLE_CASE) for lang in ("zh", "en")}


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _rewrite(src: Path, dst: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return dst


def _pdf_text(bundle: Path, tmp: Path) -> str:
    pdf = tmp / "report.pdf"
    pdf.write_bytes(_members(bundle)["report.pdf"])
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(text.split())     # cells wrap: compare with whitespace collapsed


# -- contents --------------------------------------------------------------------------------
def test_bundle_verifies_and_lists_every_file(bundles):
    report = verify_bundle(bundles[f"{CASE}-zh"])
    assert report.ok, report.lines()
    names = set(_members(bundles[f"{CASE}-zh"]))
    assert {"report.pdf", "manifest.json", "reproducibility.json", "graph/subgraph.graphml",
            "graph/subgraph.json", "records/transfers.csv", "records/findings.csv"} <= names
    manifest = json.loads(_members(bundles[f"{CASE}-zh"])["manifest.json"])
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert manifest["merkle_root"] == merkle_root(
        {n: v["sha256"] for n, v in manifest["files"].items()})


@pytest.mark.parametrize("lang,words", [
    ("en", ["Evidence report, case K06", "CNY 195,000.00", "CNY 200,000.00", "UNCONFIRMED",
            "verify against the official text", "Debtor", "Anchor"]),
    ("zh", ["证据报告：案件 K06", "CNY 195,000.00", "未经核实", "企业破产法 第33条", "债务人"]),
])
def test_pdf_text_has_case_amounts_and_citations(bundles, cited, tmp_path, lang, words):
    text = _pdf_text(bundles[f"{CASE}-{lang}"], tmp_path)
    records = _members(bundles[f"{CASE}-{lang}"])["records/transfers.csv"].decode()
    table = list(csv.DictReader(io.StringIO(records)))
    rows = [f"transfers.csv:{r['src_row']}" for r in table if r["transfer_id"] in cited]
    assert len(rows) == 2
    for word in [*words, *cited]:
        assert word in text, word
    for row in rows:   # a narrow cell may wrap the source mid-word
        assert row in text.replace(" ", ""), row
    assert "深圳经济特区个人破产条例" in text    # the SZ rule's citation, in both languages


def test_pdf_title_case_shows_rule_window_and_threshold(bundles, tmp_path):
    text = _pdf_text(bundles[f"{TITLE_CASE}-en"], tmp_path)
    assert "PR03@2024-02-01:D03>G" in text
    assert "CNY 100,000.00 / CNY" in text and "800,000.00" in text
    assert "民法典 第539条" in text
    assert "2019-06-30 –" in text and "sale below 70%" in text   # CN-CC-539: 5 years back


def test_cjk_font_is_embedded_and_only_font(bundles, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(_members(bundles[f"{CASE}-zh"])["report.pdf"])
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    assert any("WenQuanYi" in line or "CJK" in line for line in fonts)


def test_records_carry_source_rows(bundles, cited):
    members = _members(bundles[f"{CASE}-en"])
    transfers = members["records/transfers.csv"].decode("utf-8").splitlines()
    assert transfers[0].split(",")[:3] == ["from_account", "to_account", "transfer_id"]
    assert {"src_file", "src_row", "load_batch"} <= set(transfers[0].split(","))
    ids = sorted(line.split(",")[2] for line in transfers[1:])
    assert ids == sorted(cited)
    assert "200000.00" in members["records/transfers.csv"].decode()
    repro = json.loads(members["reproducibility.json"])
    assert repro["seed"] == 7 and repro["case_id"] == CASE
    for q in repro["queries"]:
        assert sha256_hex(q["text"].encode()) == q["sha256"]
    assert {"case", "transfers", "load_batches"} <= {q["name"] for q in repro["queries"]}
    files = repro["input_files"][0]["files"]
    assert "transfers.csv" in files and len(files["transfers.csv"]["sha256"]) == 64
    assert {r["id"] for r in repro["rule_set"]["rules"]} >= {"CN-EBL-33", "SZ-VOID"}


def test_subgraph_reads_back_with_networkx(bundles, cited, tmp_path):
    members = _members(bundles[f"{CASE}-en"])
    (tmp_path / "g.graphml").write_bytes(members["graph/subgraph.graphml"])
    from_graphml = nx.read_graphml(tmp_path / "g.graphml")
    from_json = nx.node_link_graph(json.loads(members["graph/subgraph.json"]), edges="edges")
    # debtor, intermediary, child; their 3 accounts; the case
    assert from_graphml.number_of_nodes() == from_json.number_of_nodes() == 7
    # 3 HOLDS, 2 TRANSFERRED_TO, 1 PARTY_TO, 1 RELATED_TO (debtor → child)
    assert from_graphml.number_of_edges() == from_json.number_of_edges() == 7
    assert from_json.has_edge("Account:A-D06", "Account:A-Y06")
    amounts = {d["key"]: d["amount"] for _, _, d in from_graphml.edges(data=True)
               if d["type"] == "TRANSFERRED_TO"}
    assert amounts == {cited[0]: 200000.0, cited[1]: 195000.0}


# -- determinism -----------------------------------------------------------------------------
def test_same_case_gives_same_bytes_but_created_at(portfolio, bundles, tmp_path, monkeypatch):
    monkeypatch.setenv("CLAWBACK_CREATED_AT", "1700000000")
    again = _bundle(portfolio[1], CASE, tmp_path / "again.zip", "zh")
    first, second = _members(bundles[f"{CASE}-zh"]), _members(again)
    assert list(first) == list(second)
    for name in first:
        if name != "manifest.json":
            assert first[name] == second[name], name
    m1, m2 = json.loads(first["manifest.json"]), json.loads(second["manifest.json"])
    assert m1["created_at"] != m2["created_at"] == "2023-11-14T22:13:20Z"
    assert {**m1, "created_at": ""} == {**m2, "created_at": ""}
    third = _bundle(portfolio[1], CASE, tmp_path / "third.zip", "zh")
    assert third.read_bytes() == again.read_bytes()        # byte for byte, zip included


# -- tampering -------------------------------------------------------------------------------
def test_byte_flip_is_detected(bundles, tmp_path):
    members = _members(bundles[f"{CASE}-zh"])
    data = bytearray(members["records/transfers.csv"])
    data[40] ^= 0x01
    members["records/transfers.csv"] = bytes(data)
    report = verify_bundle(_rewrite(bundles[f"{CASE}-zh"], tmp_path / "t.zip", members))
    assert not report.ok and report.changed == ["records/transfers.csv"]


def test_added_and_removed_files_are_detected(bundles, tmp_path):
    members = _members(bundles[f"{CASE}-zh"])
    added = _rewrite(bundles[f"{CASE}-zh"], tmp_path / "a.zip",
                     {**members, "records/extra.csv": b"x\n"})
    assert verify_bundle(added).added == ["records/extra.csv"]
    del members["graph/subgraph.json"]
    removed = verify_bundle(_rewrite(bundles[f"{CASE}-zh"], tmp_path / "r.zip", members))
    assert removed.removed == ["graph/subgraph.json"] and not removed.ok


def test_edited_manifest_is_detected(bundles, tmp_path):
    members = _members(bundles[f"{CASE}-zh"])
    manifest = json.loads(members["manifest.json"])
    # a forger who changes a file and its listed hash, but cannot recompute a signed root
    members["records/transfers.csv"] += b"T99999,forged\n"
    manifest["files"]["records/transfers.csv"] = {
        "sha256": sha256_hex(members["records/transfers.csv"]),
        "size": len(members["records/transfers.csv"])}
    members["manifest.json"] = json.dumps(manifest).encode()
    report = verify_bundle(_rewrite(bundles[f"{CASE}-zh"], tmp_path / "m.zip", members))
    assert not report.ok and any(p.startswith("bad root") for p in report.problems)
    manifest["surprise"] = 1
    members["manifest.json"] = json.dumps(manifest).encode()
    report = verify_bundle(_rewrite(bundles[f"{CASE}-zh"], tmp_path / "n.zip", members))
    assert any("manifest.json" in p for p in report.problems)


def test_signatures(portfolio, tmp_path):
    private, public = generate_keypair(tmp_path / "key")
    assert private.stat().st_mode & 0o777 == 0o600
    signed = _bundle(portfolio[1], CASE, tmp_path / "s.zip", "en", load_private_key(private))
    assert verify_bundle(signed, load_public_key(public)).ok
    _, other = generate_keypair(tmp_path / "other")
    report = verify_bundle(signed, load_public_key(other))
    assert any("not by the given public key" in p for p in report.problems)
    members = _members(signed)
    sig = json.loads(members["signature.json"])
    sig["signature"] = sig["signature"][:10] + ("A" if sig["signature"][10] != "A" else "B") \
        + sig["signature"][11:]
    members["signature.json"] = json.dumps(sig).encode()
    report = verify_bundle(_rewrite(signed, tmp_path / "bad.zip", members))
    assert any(p.startswith("bad signature") for p in report.problems)
    unsigned = _bundle(portfolio[1], CASE, tmp_path / "u.zip", "en")
    assert not verify_bundle(unsigned, load_public_key(public)).ok


# -- the command line ------------------------------------------------------------------------
def test_cli_round_trip(portfolio, tmp_path):
    runner = CliRunner()
    store = tmp_path / "store"
    shutil.copytree(portfolio[1], store)
    key = tmp_path / "k"
    assert runner.invoke(app, ["keygen", "--out", str(key)]).exit_code == 0
    out = tmp_path / "b.zip"
    r = runner.invoke(app, ["bundle", CASE, "--store", str(store), "--out", str(out),
                            "--lang", "en", "--sign", str(key)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["verify", str(out), "--pubkey", f"{key}.pub"])
    assert r.exit_code == 0 and "OK" in r.output, r.output
    members = _members(out)
    members["report.pdf"] = members["report.pdf"] + b"%"
    r = runner.invoke(app, ["verify", str(_rewrite(out, tmp_path / "x.zip", members))])
    assert r.exit_code == 1 and "changed: report.pdf" in r.output
    r = runner.invoke(app, ["bundle", "NOPE", "--store", str(store), "--out", str(out)])
    assert r.exit_code == 1 and "NOPE" in r.output
    r = runner.invoke(app, ["audit", "verify", "--store", str(store)])
    assert r.exit_code == 0 and "1 entries" in r.output, r.output
    entry = json.loads((store / "audit" / "audit.jsonl").read_text().splitlines()[0])
    assert entry["action"] == "bundle" and entry["target"] == CASE
    assert entry["result_hash"] == json.loads(members["manifest.json"])["merkle_root"]


# -- both stores -----------------------------------------------------------------------------
@pytest.mark.neo4j
def test_neo4j_bundle_is_identical(portfolio, bundles, neo4j_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    load_directory(portfolio[0], neo4j_store)
    result = scored(neo4j_store, None)
    out = tmp_path / "neo4j.zip"
    write_bundle(neo4j_store, result, CASE, out, lang="zh")
    embedded, server = _members(bundles[f"{CASE}-zh"]), _members(out)
    assert list(embedded) == list(server)
    for name in embedded:
        if name != "manifest.json":
            assert embedded[name] == server[name], name
    assert (json.loads(embedded["manifest.json"])["merkle_root"]
            == json.loads(server["manifest.json"])["merkle_root"])
