"""More black-box tests of `clawback load` / `clawback stats` against the public input contract.

Second round, written from docs/input-format.md (the contract text, not clawback's own reading
of it appended below it) and the CLI's --help, without reading the loader's source. Every test
drives the installed CLI in a subprocess with a small input under pytest's tmp_path; it covers
what tests/loaders/test_contract_blind.py does not.

Tests whose docstring starts with "DEBATABLE" probe a point where the contract leaves some room;
each says which reading it takes. The others test what the contract (or the CLI's --help) states
outright, or the rule that a user error is answered with a message, never a Python traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.loaders.blackbox import cli, csv_text, write_table

TR_COLS = ["transfer_id", "from_account", "to_account", "amount", "timestamp"]


# --------------------------------------------------------------------------- helpers


def write_raw(d: Path, filename: str, data) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    p = d / filename
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


def write_xlsx(path: Path, rows) -> None:
    import openpyxl

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)


def write_parquet(path: Path, table) -> None:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


class Load:
    def __init__(self, proc, report, quarantine):
        self.proc = proc
        self.report = report
        self.quarantine = quarantine

    @property
    def out(self) -> str:
        return (self.proc.stdout or "") + (self.proc.stderr or "")

    def table(self, name) -> dict:
        return self.report["tables"][name]

    def q(self, table=None) -> list:
        return [r for r in self.quarantine if table is None or r["table"] == table]

    def qkeys(self, table=None) -> set:
        return {(r["table"], int(r["row"]), r["column"]) for r in self.q(table)}

    def qrows(self, table=None) -> set:
        return {int(r["row"]) for r in self.q(table)}


def load(indir: Path, store: Path, *extra, ok=True) -> Load:
    n = len(list(store.parent.glob("report2-*.json")))
    report_path = store.parent / f"report2-{n}.json"
    proc = cli("load", indir, "--store", store, "--report", report_path, *extra)
    if ok:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    report, quarantine = None, []
    if report_path.exists():
        report = json.loads(report_path.read_text(encoding="utf-8"))
        qf = report.get("quarantine_file")
        if qf and Path(qf).is_file():
            with open(qf, encoding="utf-8-sig", newline="") as fh:
                quarantine = list(csv.DictReader(fh))
    if ok:
        assert report is not None
        for t, c in report["tables"].items():
            assert c["read"] == c["loaded"] + c["duplicates"] + c["quarantined"], (t, c)
        assert sum(c["quarantined"] for c in report["tables"].values()) == len(quarantine)
    return Load(proc, report, quarantine)


def stats(store: Path) -> dict:
    p = cli("stats", "--store", store, "--format", "json")
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout)


def cypher(store: Path, text: str) -> list:
    p = cli("query", "cypher", "--store", store, "--format", "json", text)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout)


def persons_by_id(store: Path) -> dict:
    rows = cypher(store, "MATCH (p:Person) RETURN p.person_id AS id, p.name AS name")
    return {r["id"]: r["name"] for r in rows}


def d10(v):
    return str(v)[:10] if v is not None else None


def norm_enc(name: str) -> str:
    return name.lower().replace("_", "-")


def no_traceback(out: str) -> None:
    assert "Traceback" not in out, out


def base_money(d: Path, n=3):
    write_table(d, "persons", ["person_id", "name"], [[f"P{i}", f"N{i}"] for i in range(1, n + 1)])
    write_table(
        d, "accounts", ["account_id", "holder_id"], [[f"A{i}", f"P{i}"] for i in range(1, n + 1)]
    )


@pytest.fixture(scope="module")
def good_store(tmp_path_factory):
    """One store after a successful load; the file-level tests try a bad load against it."""
    base = tmp_path_factory.mktemp("good2")
    good, store = base / "good", base / "store"
    base_money(good)
    write_table(good, "transfers", TR_COLS, [["T1", "A1", "A2", "10", "2024-01-01"]])
    load(good, store)
    return store, stats(store)


def _bad_input(tmp_path: Path) -> Path:
    """A valid-looking input that would change the good store (a renamed and a new person)."""
    bad = tmp_path / "bad"
    write_table(
        bad,
        "persons",
        ["person_id", "name"],
        [["P1", "CHANGED"], ["P2", "N2"], ["P3", "N3"], ["P4", "New"]],
    )
    write_table(
        bad, "accounts", ["account_id", "holder_id"], [["A1", "P1"], ["A2", "P2"], ["A4", "P4"]]
    )
    return bad


# =========================================================================== contract violations
#
# Each test in this section failed against clawback when it was written.


@pytest.mark.parametrize("tz", ["Mars/Olympus", "Not a zone"])
def test_unknown_time_zone_is_a_clear_error_not_a_traceback(tmp_path, good_store, tz):
    """`--tz` sets "the input's time zone"; an unknown zone name is a user error: one clear message,
    no traceback, and (like any failed load) the store as it was."""
    store, before = good_store
    bad = _bad_input(tmp_path)
    write_table(bad, "transfers", TR_COLS, [["T9", "A1", "A2", "5", "2024-03-05T14:30:00"]])
    p = cli("load", bad, "--store", store, "--tz", tz)
    out = p.stdout + p.stderr
    no_traceback(out)
    assert p.returncode != 0, out
    assert tz in out, out
    assert stats(store) == before


def test_unwritable_quarantine_path_loses_no_row(tmp_path):
    """'Every input row ends up either in the graph or in the quarantine report.' When the
    quarantine file cannot be written (here `--quarantine` names a directory), the load must not
    commit the good rows and drop the bad one: either it fails cleanly and leaves the store as it
    was, or it succeeds and the bad row is in a quarantine file that exists."""
    good, store = tmp_path / "good", tmp_path / "store"
    write_table(good, "persons", ["person_id", "name"], [["P1", "A"]])
    load(good, store)
    before = stats(store)
    bad = tmp_path / "bad"
    write_table(
        bad,
        "persons",
        ["person_id", "name", "gender"],
        [["P1", "A", ""], ["P2", "B", "M"], ["P3", "C", "Q"]],
    )
    qdir = tmp_path / "qdir"
    qdir.mkdir()
    rpath = tmp_path / "r.json"
    p = cli("load", bad, "--store", store, "--quarantine", qdir, "--report", rpath)
    out = p.stdout + p.stderr
    problems = []
    if p.returncode != 0:
        if stats(store) != before:
            problems.append(
                "the load exited with an error but wrote the store: row 3 (P3) is "
                "neither in the graph nor in any quarantine file"
            )
    else:
        report = json.loads(rpath.read_text(encoding="utf-8"))
        qf = Path(report["quarantine_file"])
        if not qf.is_file():
            problems.append(f"quarantine file {qf} does not exist")
        else:
            with open(qf, encoding="utf-8-sig", newline="") as fh:
                if [r["row"] for r in csv.DictReader(fh)] != ["3"]:
                    problems.append("row 3 is not in the quarantine file")
    if "Traceback" in out:
        problems.append("Python traceback: " + out.strip().splitlines()[-1])
    assert not problems, problems


def test_unwritable_report_path_is_a_clear_error(tmp_path):
    """`--report FILE.json` "writes the load report". A report path that cannot be written (a
    directory) is a user error: a message, not a traceback; and a load that exits with an error
    should not have changed the store behind the user's back."""
    good, store = tmp_path / "good", tmp_path / "store"
    write_table(good, "persons", ["person_id", "name"], [["P1", "A"]])
    load(good, store)
    before = stats(store)
    bad = tmp_path / "bad"
    write_table(bad, "persons", ["person_id", "name"], [["P1", "A"], ["P2", "B"]])
    rdir = tmp_path / "rdir"
    rdir.mkdir()
    p = cli("load", bad, "--store", store, "--report", rdir)
    out = p.stdout + p.stderr
    problems = []
    if p.returncode != 0 and stats(store) != before:
        problems.append("the load exited with an error but wrote the store")
    if "Traceback" in out:
        problems.append("Python traceback: " + out.strip().splitlines()[-1])
    assert not problems, problems


def test_store_path_that_is_a_file_is_a_clear_error(tmp_path):
    """A user error in `--store` (it names a regular file) gets a message, not a traceback."""
    d = tmp_path / "in"
    write_table(d, "persons", ["person_id", "name"], [["P1", "A"]])
    f = tmp_path / "not-a-store"
    f.write_text("x", encoding="utf-8")
    p = cli("load", d, "--store", f)
    out = p.stdout + p.stderr
    no_traceback(out)
    assert p.returncode != 0
    assert f.read_text(encoding="utf-8") == "x"


def test_corrected_phone_and_address_replace_the_old_ones(tmp_path):
    """'Loading a corrected row later updates it.' P1 and P2 first share a phone and an address;
    P2's row is then corrected. Afterwards the graph must not still tie P2 to the old phone and
    address (which would keep a false shared-contact link between P1 and P2)."""
    v1, v2, store = tmp_path / "v1", tmp_path / "v2", tmp_path / "store"
    cols = ["person_id", "name", "phone", "address"]
    write_table(
        v1,
        "persons",
        cols,
        [["P1", "A", "13800000000", "深圳市福田区"], ["P2", "B", "13800000000", "深圳市福田区"]],
    )
    write_table(
        v2,
        "persons",
        cols,
        [["P1", "A", "13800000000", "深圳市福田区"], ["P2", "B", "13700000000", "北京市"]],
    )
    load(v1, store)
    r2 = load(v2, store)
    assert r2.table("persons")["loaded"] == 2
    rows = cypher(
        store,
        "MATCH (p:Person)-[:HAS_IDENTIFIER]->(i) WHERE p.person_id = 'P2' "
        "RETURN i.kind AS kind, i.value AS value",
    )
    got = {(x["kind"], x["value"]) for x in rows}
    assert ("phone", "13800000000") not in got, got
    assert ("address", "深圳市福田区") not in got, got
    assert {("phone", "13700000000"), ("address", "北京市")} <= got, got
    shared = cypher(
        store,
        "MATCH (a:Person)-[:HAS_IDENTIFIER]->(i)<-[:HAS_IDENTIFIER]-(b:Person) "
        "WHERE a.person_id = 'P1' AND b.person_id = 'P2' RETURN i.value AS v",
    )
    assert shared == []


def test_gbk_names_that_happen_to_be_valid_utf8(tmp_path):
    """DEBATABLE (heuristic detection). The contract names GB18030/GBK as "the usual encoding of
    Chinese bank and registry exports" and says the loader detects the encoding. The GBK bytes of
    鲁迅 (C2B3 D1B8) and 路遥 (C2B7 D2A3) are also valid UTF-8 (decoding to '³Ѹ' and '·ң'), so a
    loader that tries UTF-8 first loads this small GBK file as mojibake without a word. Reading
    taken: a file whose UTF-8 reading is Latin/Cyrillic gibberish and whose GBK reading is
    Chinese is GBK."""
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(
        d,
        "persons",
        ["person_id", "name", "address"],
        [["P1", "鲁迅", "Shaoxing"], ["P2", "路遥", "Yulin"]],
        encoding="gbk",
    )
    r = load(d, store)
    assert norm_enc(r.report["encodings"]["persons.csv"]) in {"gbk", "gb18030", "cp936", "gb2312"}
    assert persons_by_id(store) == {"P1": "鲁迅", "P2": "路遥"}


def test_dates_outside_the_accepted_years_say_so(tmp_path):
    """clawback quarantines dates outside 1900-2100 (docs/input-format.md: placeholders such as
    0001-01-01 are common in exports). The reason must say that, not 'unparseable' (1897-05-27
    is a valid ISO 8601 date); a row referring to the quarantined one says it was quarantined."""
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", ["person_id", "name"], [["P1", "A"]])
    write_table(
        d,
        "companies",
        ["company_id", "name", "incorporation_date"],
        [["CO1", "中国通商银行", "1897-05-27"], ["CO2", "Later", "1950-01-01"],
         ["CO3", "Typo", "2024-02-30"]],
    )
    write_table(d, "accounts", ["account_id", "holder_id"], [["A1", "CO1"]])
    r = load(d, store)
    reasons = {(q["table"], q["row"]): q["reason"] for q in r.quarantine}
    assert reasons[("companies", "1")] == ("date '1897-05-27' is outside the years 1900-2100")
    assert reasons[("companies", "3")] == "unparseable date '2024-02-30'"
    assert reasons[("accounts", "1")] == ("holder_id 'CO1' is defined only by a quarantined "
                                         "persons or companies row")
    assert r.table("companies")["loaded"] == 1


def test_unnamed_extra_column_is_not_a_file_level_error(tmp_path):
    """DEBATABLE (is a column without a header an "unknown extra column"?). 'Unknown extra
    columns are kept as extra properties and reported once; they are never an error.' A trailing
    unnamed column with data (a notes column many Excel exports carry) stops the whole load.
    Reading taken: it is an unknown extra column, so the rows load."""
    d, store = tmp_path / "in", tmp_path / "store"
    write_raw(d, "persons.csv", "person_id,name,\nP1,A,note one\nP2,B,\n")
    r = load(d, store)
    assert r.table("persons")["loaded"] == 2


def test_unknown_extra_parquet_column_of_lists_is_not_a_file_level_error(tmp_path):
    """DEBATABLE (same sentence). An unknown extra column in a Parquet file whose type is a list
    (`tags: list<string>`) stops the whole load, naming file and column. Reading taken: 'never an
    error' covers it; the values could be kept (e.g. as JSON) or at worst reported."""
    import pyarrow as pa

    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", ["person_id", "name"], [["P1", "A"]])
    write_parquet(
        d / "accounts.parquet",
        pa.table({"account_id": ["A1"], "holder_id": ["P1"], "tags": pa.array([["x", "y"]])}),
    )
    r = load(d, store)
    assert r.table("accounts")["loaded"] == 1


# =========================================================================== encodings & CSV syntax


def test_each_file_gets_its_own_encoding_and_raw_is_decoded(tmp_path):
    """Encodings are detected per file: UTF-16 LE without BOM, a GB18030 `.tsv`, a UTF-16 `.tsv`
    with BOM and UTF-8 with BOM in one input; quarantined rows' `raw` is the decoded text."""
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(
        d,
        "persons",
        ["person_id", "name", "gender"],
        [["P1", "张三", "M"], ["P2", "李四", "F"], ["P3", "王五", "?"]],
        encoding="utf-16-le",
    )
    write_table(
        d,
        "accounts",
        ["account_id", "holder_id", "institution"],
        [
            ["A1", "P1", "中国工商银行"],
            ["A2", "P2", "招商银行"],
            ["A3", "P2", "銀行𠀀"],
            ["A4", "P9", "无人银行"],
        ],
        encoding="gb18030",
        sep="\t",
        ext="tsv",
    )
    write_table(
        d,
        "companies",
        ["company_id", "name"],
        [["CO1", "深圳某某有限公司"]],
        encoding="utf-16-le",
        sep="\t",
        ext="tsv",
        bom=b"\xff\xfe",
    )
    write_table(
        d,
        "properties",
        ["property_id", "kind", "location"],
        [["H1", "real_estate", "福田区"]],
        bom=b"\xef\xbb\xbf",
    )
    r = load(d, store)
    enc = {k: norm_enc(v) for k, v in r.report["encodings"].items()}
    assert enc["persons.csv"] in {"utf-16-le", "utf-16le", "utf-16"}
    assert enc["accounts.tsv"] == "gb18030"
    assert enc["companies.tsv"] in {"utf-16", "utf-16-le", "utf-16le"}
    assert enc["properties.csv"] in {"utf-8-sig", "utf-8", "utf8"}
    assert r.qkeys() == {("persons", 3, "gender"), ("accounts", 4, "holder_id")}
    assert "王五" in r.q("persons")[0]["raw"]
    assert "无人银行" in r.q("accounts")[0]["raw"]
    inst = cypher(store, "MATCH (a:Account) RETURN a.account_id AS id, a.institution AS i")
    assert {x["id"]: x["i"] for x in inst} == {
        "A1": "中国工商银行",
        "A2": "招商银行",
        "A3": "銀行𠀀",
    }
    assert persons_by_id(store) == {"P1": "张三", "P2": "李四"}


def test_gbk_detected_when_the_first_non_ascii_byte_is_far_into_the_file(tmp_path):
    """Detection must look at the whole file: here the only Chinese text is in the last row,
    after ~100 KB of ASCII."""
    d, store = tmp_path / "in", tmp_path / "store"
    rows = [[f"P{i}", f"Name{i}", "addr"] for i in range(1, 6001)] + [
        ["PZ", "张三", "深圳市福田区"]
    ]
    write_table(d, "persons", ["person_id", "name", "address"], rows, encoding="gbk")
    assert (d / "persons.csv").stat().st_size > 100_000
    r = load(d, store)
    assert norm_enc(r.report["encodings"]["persons.csv"]) in {"gbk", "gb18030", "cp936"}
    x = cypher(
        store, "MATCH (p:Person) WHERE p.person_id = 'PZ' RETURN p.name AS n, p.address AS a"
    )
    assert x == [{"n": "张三", "a": "深圳市福田区"}]


def test_line_endings_quoting_and_odd_characters(tmp_path):
    """Mixed CRLF / LF / CR line ends; a quoted field with an embedded CRLF, a comma and a doubled
    quote; Unicode line separators and control characters inside values; a 200 KB memo. Rows
    stay rows, and a bad row's number is its data-row number."""
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    memo = "x" * 200_000
    text = (
        "transfer_id,from_account,to_account,amount,timestamp,memo\r\n"
        'T1,A1,A2,5,2024-03-05,"line1\r\nline2, ""quoted"""\n'
        "T2,A1,A2,6,2024-03-05,a\u2028b\u2029c\x85d\x0be\r"
        f"T3,A1,A2,7,2024-03-05,{memo}\r\n"
        "T4,A1,A2,-8,2024-03-05,bad\n"
        "T5,A1,A2,9,2024-03-05,last"
    )
    write_raw(d, "transfers.csv", text)
    r = load(d, store)
    assert r.table("transfers")["read"] == 5
    assert r.qkeys() == {("transfers", 4, "amount")}
    rows = cypher(store, "MATCH ()-[t:TRANSFERRED_TO]->() RETURN t.transfer_id AS id, t.memo AS m")
    m = {x["id"]: x["m"] for x in rows}
    assert set(m) == {"T1", "T2", "T3", "T5"}
    assert m["T1"].replace("\r\n", "\n") == 'line1\nline2, "quoted"'
    assert m["T2"] == "a\u2028b\u2029c\x85d\x0be"
    assert m["T3"] == memo
    assert m["T5"] == "last"


def test_malformed_rows_are_accounted_for_not_lost(tmp_path):
    """Rows with too few or too many fields, a whitespace-only line and a quote that is never
    closed: every one is loaded or quarantined with its row number, none vanishes, and the
    unclosed quote does not turn the rows after it into one person's name."""
    d, store = tmp_path / "in", tmp_path / "store"
    write_raw(
        d,
        "persons.csv",
        'person_id,name,gender\nP1,A,M\nP2,B\nP3,C,F,extra\n   \nP5,E,F\nP6,"Bob\nP7,Carl,M\n',
    )
    r = load(d, store)
    assert {2, 3, 4} <= r.qrows("persons"), r.quarantine
    ids = set(persons_by_id(store))
    assert {"P1", "P5"} <= ids
    assert not ({"P2", "P3", "P6"} & ids), ids
    names = set(persons_by_id(store).values())
    assert not any("P7" in n for n in names), names


# =========================================================================== values


def test_amount_near_misses_are_quarantined_never_guessed(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    bad = [
        "¥100",
        "$100",
        "100元",
        "１００",
        "1_000",
        "1,5",
        "1.000,50",
        "1 000",
        "(100)",
        "100-",
        "0x10",
        "1e309",
        "Infinity",
        "-inf",
        "100.00CNY",
        "١٠٠",
    ]
    good = {
        "G1": ("+5", 5.0),
        "G2": ("5.", 5.0),
        "G3": (".5", 0.5),
        "G4": ("1e3", 1000.0),
        "G5": ("0.10", 0.1),
    }
    rows = [[f"B{i}", "A1", "A2", a, "2024-03-05"] for i, a in enumerate(bad, 1)]
    rows += [[k, "A1", "A2", a, "2024-03-05"] for k, (a, _) in good.items()]
    rows += [["TINY", "A1", "A2", "1e-400", "2024-03-05"]]
    write_table(d, "transfers", TR_COLS, rows)
    r = load(d, store)
    qrows = r.qrows("transfers")
    assert set(range(1, len(bad) + 1)) <= qrows, [
        bad[i - 1] for i in range(1, len(bad) + 1) if i not in qrows
    ]
    for q in r.q("transfers"):
        if int(q["row"]) <= len(bad):
            assert q["column"] == "amount", q
    t = {
        x["id"]: x["a"]
        for x in cypher(
            store, "MATCH ()-[t:TRANSFERRED_TO]->() RETURN t.transfer_id AS id, t.amount AS a"
        )
    }
    for k, (_, v) in good.items():
        if k in t:
            assert t[k] == pytest.approx(v), (k, t[k])
    # 1e-400 is positive: loaded, it must not become 0 (the contract forbids non-positive amounts)
    if "TINY" in t:
        assert t["TINY"] > 0


def test_date_near_misses_are_quarantined(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    bad = [
        "2024/13/01",
        "2024/2/30",
        "2024年2月30日",
        "2024年13月5日",
        "2024.13.05",
        "20241305",
        "2023-02-29",
        "24-03-05",
        "24/3/5",
        "240305",
        "2024-03-05T14:30:00+25:00",
        "March 5, 2024",
        "05/03/2024",
    ]
    good = {
        "G1": "2024-02-29",
        "G2": "2024-03-05T14:30:00+0800",
        "G3": "2024-03-05T06:30:00.000Z",
        "G4": "2024/03/05",
    }
    rows = [[f"B{i}", "A1", "A2", "5", v] for i, v in enumerate(bad, 1)]
    rows += [[k, "A1", "A2", "5", v] for k, v in good.items()]
    rows += [
        ["FW1", "A1", "A2", "5", "２０２４-０３-０５"],
        ["FW2", "A1", "A2", "5", "２０２４年３月５日"],
    ]
    write_table(d, "transfers", TR_COLS, rows)
    r = load(d, store)
    qrows = r.qrows("transfers")
    assert set(range(1, len(bad) + 1)) <= qrows, [
        bad[i - 1] for i in range(1, len(bad) + 1) if i not in qrows
    ]
    t = {
        x["id"]: x
        for x in cypher(
            store,
            "MATCH ()-[t:TRANSFERRED_TO]->() RETURN t.transfer_id "
            "AS id, t.timestamp AS ts, t.date AS d",
        )
    }
    assert {"G1", "G2", "G3", "G4"} <= set(t), r.quarantine
    assert d10(t["G1"]["d"]) == "2024-02-29"
    assert d10(t["G4"]["d"]) == "2024-03-05"
    assert str(t["G2"]["ts"]) == str(t["G3"]["ts"])  # +0800 is ISO 8601's basic-format offset
    for k in ("FW1", "FW2"):  # full-width digits: quarantined, or read as the date they spell
        if k in t:
            assert d10(t[k]["d"]) == "2024-03-05"


def test_identifiers_of_the_wrong_kind_are_undefined_references(tmp_path):
    """'a reference to an id that no table defines': an id defined, but by the wrong table (an
    account id as a holder, a person id as an account, a company in a kinship tie, ...)."""
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", ["person_id", "name"], [["P1", "A"], ["P2", "B"]])
    write_table(d, "companies", ["company_id", "name"], [["CO1", "X"]])
    write_table(
        d,
        "accounts",
        ["account_id", "holder_id"],
        [["A1", "P1"], ["A2", "P2"], ["A3", "A1"], ["A4", "H1"]],
    )
    write_table(
        d,
        "transfers",
        TR_COLS,
        [
            ["T1", "A1", "P2", "5", "2024-01-01"],
            ["T2", "CO1", "A2", "5", "2024-01-01"],
            ["T3", "A1", "A2", "5", "2024-01-01"],
        ],
    )
    write_table(
        d,
        "relations",
        ["person_id", "related_person_id", "relation"],
        [["P1", "CO1", "associate"], ["A1", "P2", "sibling"], ["P1", "P2", "sibling"]],
    )
    write_table(
        d,
        "company_roles",
        ["person_id", "company_id", "role"],
        [["P1", "P2", "director"], ["A1", "CO1", "director"], ["P1", "CO1", "director"]],
    )
    write_table(d, "properties", ["property_id", "kind"], [["H1", "real_estate"]])
    write_table(
        d,
        "property_transfers",
        ["property_id", "from_party", "to_party", "date"],
        [
            ["H1", "", "A1", "2020-01-01"],
            ["P1", "", "P2", "2020-01-01"],
            ["H1", "", "P1", "2019-01-01"],
        ],
    )
    write_table(
        d,
        "cases",
        ["case_id", "debtor_id", "case_type"],
        [
            ["C1", "A1", "personal_bankruptcy"],
            ["C2", "H1", "enforcement"],
            ["C3", "P1", "personal_bankruptcy"],
        ],
    )
    write_table(
        d,
        "identifiers",
        ["entity_id", "kind", "value"],
        [["A1", "phone", "1"], ["C3", "phone", "2"], ["P1", "phone", "3"]],
    )
    r = load(d, store)
    assert r.qkeys() == {
        ("accounts", 3, "holder_id"),
        ("accounts", 4, "holder_id"),
        ("transfers", 1, "to_account"),
        ("transfers", 2, "from_account"),
        ("relations", 1, "related_person_id"),
        ("relations", 2, "person_id"),
        ("company_roles", 1, "company_id"),
        ("company_roles", 2, "person_id"),
        ("property_transfers", 1, "to_party"),
        ("property_transfers", 2, "property_id"),
        ("cases", 1, "debtor_id"),
        ("cases", 2, "debtor_id"),
        ("identifiers", 1, "entity_id"),
        ("identifiers", 2, "entity_id"),
    }


def test_all_relation_kinds_get_their_inverse(tmp_path):
    """'One row per tie; the loader adds the inverse' — for every relation kind, not only the
    parent/child and spouse examples."""
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", ["person_id", "name"], [[f"P{i}", f"N{i}"] for i in range(1, 9)])
    kinds = {
        "parent_in_law": "child_in_law",
        "child_in_law": "parent_in_law",
        "sibling_in_law": "sibling_in_law",
        "former_spouse": "former_spouse",
        "cohabitant": "cohabitant",
        "associate": "associate",
        "other_relative": "other_relative",
    }
    write_table(
        d,
        "relations",
        ["person_id", "related_person_id", "relation"],
        [["P1", f"P{i}", k] for i, k in enumerate(kinds, 2)],
    )
    r = load(d, store)
    assert r.table("relations")["loaded"] == len(kinds)
    rows = cypher(
        store,
        "MATCH (a:Person)-[r:RELATED_TO]->(b:Person) "
        "RETURN a.person_id AS a, r.relation AS rel, b.person_id AS b",
    )
    ties = {(x["a"], x["rel"], x["b"]) for x in rows}
    expected = set()
    for i, (k, inv) in enumerate(kinds.items(), 2):
        expected |= {("P1", k, f"P{i}"), (f"P{i}", inv, "P1")}
    assert ties == expected


# =========================================================================== xlsx & parquet


def test_xlsx_typed_cells(tmp_path):
    """Numeric cells in identifier columns are identifiers ('7', never '7.0'); a formula without
    a cached value, a boolean, an error string and a time-only cell are not amounts or dates;
    an integer written exactly in the sheet XML keeps every digit."""
    import openpyxl

    d, store = tmp_path / "in", tmp_path / "store"
    write_xlsx(d / "persons.xlsx", [["person_id", "name"], [7, "A"], [8.0, "B"], ["007", "C"]])
    tmp = tmp_path / "acc.xlsx"
    write_xlsx(tmp, [["account_id", "holder_id"], [1111, 7], ["A2", 8], ["A3", "007"]])
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(d / "accounts.xlsx", "w") as zout:
        for it in zin.infolist():
            data = zin.read(it.filename)
            if it.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<v>1111</v>", b"<v>6222020200012345678</v>", data)
            zout.writestr(it, data)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(TR_COLS)
    ws.append(["T1", "6222020200012345678", "A2", "=1+1", "2024-03-05"])
    ws.append(["T2", "6222020200012345678", "A2", True, "2024-03-05"])
    ws.append(["T3", "6222020200012345678", "A2", "#N/A", "2024-03-05"])
    ws.append(["T4", "6222020200012345678", "A2", 100, dt.time(14, 30)])
    ws.append(["T5", "6222020200012345678", "A2", 100, dt.date(2024, 3, 5)])
    wb.save(d / "transfers.xlsx")
    r = load(d, store)
    assert set(persons_by_id(store)) == {"7", "8", "007"}
    a = cypher(
        store, "MATCH (p:Person)-[:HOLDS]->(a:Account) RETURN a.account_id AS a, p.person_id AS p"
    )
    assert {x["a"]: x["p"] for x in a} == {"6222020200012345678": "7", "A2": "8", "A3": "007"}
    assert r.qrows("transfers") == {1, 2, 3, 4}
    assert r.table("transfers")["loaded"] == 1


def test_parquet_typed_columns(tmp_path):
    """Parquet: nullable int64 ids (which a float conversion would turn into '7.0'), a null id,
    decimal128 amounts, NaN and infinite float amounts, tz-aware timestamps."""
    import pyarrow as pa

    d, store = tmp_path / "in", tmp_path / "store"
    write_parquet(
        d / "persons.parquet",
        pa.table({"person_id": pa.array([7, 8, None], pa.int64()), "name": ["A", "B", "C"]}),
    )
    write_parquet(
        d / "accounts.parquet",
        pa.table(
            {
                "account_id": pa.array([6222020200012345678, 2], pa.int64()),
                "holder_id": pa.array([7, 8], pa.int64()),
            }
        ),
    )
    utc = dt.UTC
    write_parquet(
        d / "transfers.parquet",
        pa.table(
            {
                "transfer_id": ["T1", "T2", "T3", "T4"],
                "from_account": ["6222020200012345678", "2", "2", "2"],
                "to_account": [
                    "2",
                    "6222020200012345678",
                    "6222020200012345678",
                    "6222020200012345678",
                ],
                "amount": pa.array(
                    [
                        decimal.Decimal("1234.56"),
                        decimal.Decimal("0.00"),
                        decimal.Decimal("5"),
                        decimal.Decimal("6"),
                    ],
                    pa.decimal128(12, 2),
                ),
                "timestamp": pa.array(
                    [dt.datetime(2024, 3, 5, 6, 30, tzinfo=utc)] * 3 + [None],
                    pa.timestamp("us", tz="UTC"),
                ),
            }
        ),
    )
    write_parquet(
        d / "cases.parquet",
        pa.table(
            {
                "case_id": ["C1", "C2", "C3"],
                "debtor_id": ["7", "8", "7"],
                "case_type": ["enforcement"] * 3,
                "claim_amount": [float("nan"), float("inf"), 10.5],
            }
        ),
    )
    r = load(d, store)
    assert set(persons_by_id(store)) == {"7", "8"}
    assert r.qkeys("persons") == {("persons", 3, "person_id")}
    assert r.qkeys("transfers") == {("transfers", 2, "amount"), ("transfers", 4, "timestamp")}
    # NaN / inf claims: unparseable, quarantined (or, at the least, never stored as a number)
    claims = {
        x["id"]: x["c"]
        for x in cypher(store, "MATCH (c:Proceeding) RETURN c.case_id AS id, c.claim_amount AS c")
    }
    assert claims.get("C3") == pytest.approx(10.5)
    for k in ("C1", "C2"):
        assert k not in claims or claims[k] is None, claims
    t = {
        x["id"]: x
        for x in cypher(
            store,
            "MATCH (a)-[t:TRANSFERRED_TO]->(b) RETURN t.transfer_id AS id, "
            "a.account_id AS src, t.amount AS amt, t.timestamp AS ts",
        )
    }
    assert t["T1"]["src"] == "6222020200012345678"
    assert t["T1"]["amt"] == pytest.approx(1234.56)
    t1 = dt.datetime.fromisoformat(str(t["T1"]["ts"]).replace("Z", "+00:00"))
    t3 = dt.datetime.fromisoformat(str(t["T3"]["ts"]).replace("Z", "+00:00"))
    assert t1 == t3
    if t1.tzinfo is None:  # stored as a naive instant: it must be the UTC one, not local time
        assert (t1.hour, t1.minute) == (6, 30)


# =========================================================================== file-level problems


def _two_files(d):
    import pyarrow as pa

    write_parquet(d / "accounts.parquet", pa.table({"account_id": ["A9"], "holder_id": ["P1"]}))


def _xlsx_empty_first_sheet(d):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "empty"
    ws = wb.create_sheet("data")
    ws.append(TR_COLS)
    ws.append(["T9", "A1", "A2", "5", "2024-01-01"])
    wb.save(d / "transfers.xlsx")


FILE_LEVEL = {
    # name: (make the bad file(s), words the message must name)
    "relations-missing-relation": (
        lambda d: write_raw(d, "relations.csv", "person_id,related_person_id\nP1,P2\n"),
        ("relations.csv", "relation"),
    ),
    "misspelled-header-in-tsv": (
        lambda d: write_raw(
            d,
            "transfers.tsv",
            "transfer_id\tfrom_account\tto_acount\tamount\ttimestamp\nT9\tA1\tA2\t5\t2024-01-01\n",
        ),
        ("transfers.tsv", "to_account"),
    ),
    "semicolon-delimited": (
        lambda d: write_raw(
            d,
            "transfers.csv",
            "transfer_id;from_account;to_account;amount;timestamp\nT9;A1;A2;5;2024-01-01\n",
        ),
        ("transfers.csv",),
    ),
    "tab-data-in-csv": (
        lambda d: write_raw(
            d,
            "transfers.csv",
            "transfer_id\tfrom_account\tto_account\tamount\ttimestamp\nT9\tA1\tA2\t5\t2024-01-01\n",
        ),
        ("transfers.csv",),
    ),
    "utf8-bom-over-gbk-bytes": (
        lambda d: write_raw(
            d,
            "transfers.csv",
            b"\xef\xbb\xbf"
            + csv_text([*TR_COLS, "memo"], [["T9", "A1", "A2", "5", "2024-01-01", "还款"]]).encode(
                "gbk"
            ),
        ),
        ("transfers.csv",),
    ),
    "two-files-one-table": (_two_files, ("accounts.csv", "accounts.parquet")),
    "xlsx-empty-first-sheet": (_xlsx_empty_first_sheet, ("transfers.xlsx",)),
}


@pytest.mark.parametrize("case", list(FILE_LEVEL))
def test_file_level_problem_stops_the_load(tmp_path, good_store, case):
    """'A file-level problem ... stops the load with one clear message naming the file and the
    column, and leaves the store as it was before the load.'"""
    store, before = good_store
    make, needles = FILE_LEVEL[case]
    bad = _bad_input(tmp_path)
    make(bad)
    p = cli("load", bad, "--store", store)
    out = p.stdout + p.stderr
    no_traceback(out)
    assert p.returncode != 0, out
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert any(all(n in ln for n in needles) for ln in lines), (needles, out)
    assert stats(store) == before


def test_file_level_problem_into_a_fresh_store_writes_nothing(tmp_path):
    """The first load into a new store fails on its last table: nothing of the good tables may
    be left behind."""
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    write_raw(d, "transfers.xlsx", b"PK\x03\x04 not really a workbook")
    p = cli("load", d, "--store", store)
    out = p.stdout + p.stderr
    no_traceback(out)
    assert p.returncode != 0 and "transfers.xlsx" in out, out
    if store.exists():
        st = stats(store)
        assert sum(st["nodes"].values()) == 0 and sum(st["relationships"].values()) == 0, st


# =========================================================================== exit codes


def test_strict_exit_codes_and_a_file_of_only_bad_rows(tmp_path):
    """`--strict`: 'Exit with status 3 if any row was quarantined'; 0 otherwise. A file whose
    rows are all bad is not a file-level problem: every row is quarantined and counted."""
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(
        d,
        "persons",
        ["person_id", "name", "gender"],
        [["P1", "A", "Q"], ["", "B", "M"], ["P3", "", "F"]],
    )
    r = load(d, store, "--strict", ok=False)
    assert r.proc.returncode == 3, r.out
    assert r.table("persons") == {**r.table("persons"), "read": 3, "loaded": 0, "quarantined": 3}
    assert r.qkeys() == {
        ("persons", 1, "gender"),
        ("persons", 2, "person_id"),
        ("persons", 3, "name"),
    }
    ok = tmp_path / "ok"
    write_table(ok, "persons", ["person_id", "name"], [["P1", "A"]])
    r2 = load(ok, tmp_path / "store2", "--strict", ok=False)
    assert r2.proc.returncode == 0, r2.out


def test_user_errors_in_arguments(tmp_path):
    d = tmp_path / "in"
    write_table(d, "persons", ["person_id", "name"], [["P1", "A"]])
    for args in (
        ["load", tmp_path / "nope", "--store", tmp_path / "s1"],
        ["load", d / "persons.csv", "--store", tmp_path / "s2"],
        ["stats", "--store", tmp_path / "never", "--format", "json"],
    ):
        p = cli(*args)
        out = p.stdout + p.stderr
        assert p.returncode != 0, (args, out)
        no_traceback(out)
        assert out.strip(), args


# =========================================================================== provenance


def test_relationships_remember_file_row_and_batch(tmp_path):
    """'Every node and relationship remembers its source (file, row, load batch)': relationships
    too, including a derived inverse tie and the cash stand-in of a withdrawal."""
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    write_table(
        d,
        "relations",
        ["person_id", "related_person_id", "relation"],
        [["P1", "P3", "sibling"], ["P1", "P2", "parent"]],
    )
    write_table(
        d,
        "transfers",
        TR_COLS,
        [["T1", "A1", "A2", "5", "2024-01-01"], ["T2", "A2", "", "6", "2024-01-02"]],
    )
    r = load(d, store)
    batch = r.report.get("batch_id")
    rows = cypher(
        store,
        "MATCH (a:Person)-[r:RELATED_TO]->(b:Person) RETURN a.person_id AS a, b.person_id AS b, r",
    )
    by = {(x["a"], x["b"]): x["r"] for x in rows}
    assert set(by) == {("P1", "P3"), ("P3", "P1"), ("P1", "P2"), ("P2", "P1")}
    for key in (("P1", "P2"), ("P2", "P1")):  # row 2 of relations.csv, and its inverse
        props = by[key]
        assert "relations.csv" in json.dumps(props, ensure_ascii=False), props
        assert _row_of(props) == 2, props
        if batch:
            assert batch in json.dumps(props), props
    t = cypher(store, "MATCH ()-[t:TRANSFERRED_TO]->() RETURN t.transfer_id AS id, t")
    by_t = {x["id"]: x["t"] for x in t}
    assert set(by_t) == {"T1", "T2"}
    assert "transfers.csv" in json.dumps(by_t["T2"]) and _row_of(by_t["T2"]) == 2, by_t["T2"]


def _row_of(props: dict):
    """The source row recorded on a node or relationship (a property whose name says 'row')."""
    rows = {v for k, v in props.items() if "row" in k.lower() and isinstance(v, int)}
    assert len(rows) == 1, props
    return rows.pop()


# =========================================================================== updates & idempotence


def test_corrected_rows_move_relationships_instead_of_adding_them(tmp_path):
    """A corrected transfer (other payer), account (other holder), case (other debtor), tie (end
    date added), role (other share) and person (birth date removed) update the store: nothing is
    added beside the old facts."""
    v1, v2, store = tmp_path / "v1", tmp_path / "v2", tmp_path / "store"

    def make(d, second):
        write_table(
            d,
            "persons",
            ["person_id", "name", "birth_date"],
            [["P1", "A", "" if second else "1970-01-01"], ["P2", "B", ""], ["P3", "C", ""]],
        )
        write_table(
            d,
            "accounts",
            ["account_id", "holder_id"],
            [["A1", "P3" if second else "P1"], ["A2", "P2"], ["A3", "P3"]],
        )
        write_table(
            d, "transfers", TR_COLS, [["T1", "A3" if second else "A1", "A2", "5", "2024-03-05"]]
        )
        write_table(
            d,
            "relations",
            ["person_id", "related_person_id", "relation", "start_date", "end_date"],
            [["P1", "P2", "spouse", "2000-01-01", "2023-06-30" if second else ""]],
        )
        write_table(
            d,
            "cases",
            ["case_id", "debtor_id", "case_type"],
            [["C1", "P2" if second else "P1", "personal_bankruptcy"]],
        )
        write_table(d, "companies", ["company_id", "name"], [["CO1", "X"]])
        write_table(
            d,
            "company_roles",
            ["person_id", "company_id", "role", "share", "start_date"],
            [["P1", "CO1", "shareholder", "0.6" if second else "0.5", "2020-01-01"]],
        )

    make(v1, False)
    make(v2, True)
    load(v1, store)
    s1 = stats(store)
    load(v2, store)
    assert stats(store) == s1
    facts = cypher(
        store,
        "MATCH (p:Person)-[:HOLDS]->(a:Account) RETURN 'holds' AS k, a.account_id AS x, "
        "p.person_id AS y "
        "UNION ALL MATCH (a:Account)-[:TRANSFERRED_TO]->(b:Account) RETURN 'transfer' AS k, "
        "a.account_id AS x, b.account_id AS y "
        "UNION ALL MATCH (p:Person)-[:PARTY_TO]->(c:Proceeding) RETURN 'case' AS k, "
        "c.case_id AS x, p.person_id AS y "
        "UNION ALL MATCH (a:Person)-[r:RELATED_TO]->(b:Person) RETURN 'tie' AS k, "
        "a.person_id AS x, CAST(r.end_date AS STRING) AS y "
        "UNION ALL MATCH (p:Person)-[r:ROLE_IN]->(c:Company) RETURN 'role' AS k, "
        "p.person_id AS x, CAST(r.share AS STRING) AS y "
        "UNION ALL MATCH (p:Person) WHERE p.person_id = 'P1' RETURN 'birth' AS k, "
        "p.person_id AS x, CAST(p.birth_date AS STRING) AS y",
    )
    got: dict = {}
    for f in facts:
        got.setdefault(f["k"], set()).add((f["x"], d10(f["y"]) if f["k"] == "tie" else f["y"]))
    assert got["holds"] == {("A1", "P3"), ("A2", "P2"), ("A3", "P3")}
    assert got["transfer"] == {("A3", "A2")}
    assert got["case"] == {("C1", "P2")}
    assert got["tie"] == {("P1", "2023-06-30"), ("P2", "2023-06-30")}
    assert {(x, float(y)) for x, y in got["role"]} == {("P1", 0.6)}
    assert got["birth"] == {("P1", None)}
    assert len([f for f in facts if f["k"] in ("tie", "role", "transfer")]) == 4


def test_dirty_mixed_input_reloads_without_change(tmp_path):
    """'Loading the same input twice changes nothing' — for an input with GB18030, XLSX and
    Parquet files, exact duplicates, a conflicting row, a bad amount, cash movements, a tie stated
    from both sides and an extra column; and again from a copy of the directory elsewhere."""
    import pyarrow as pa

    d, store = tmp_path / "in", tmp_path / "store"
    write_table(
        d,
        "persons",
        ["person_id", "name", "phone", "nick"],
        [
            ["P1", "张三", "13800000000;13900000000", ""],
            ["P2", "李四", "13800000000", "x"],
            ["P1", "张三", "13800000000;13900000000", ""],
            ["P1", "张叁", "", ""],
            ["P3", "王五", "", ""],
        ],
        encoding="gb18030",
    )
    write_xlsx(
        d / "companies.xlsx", [["company_id", "name", "address"], ["CO1", "Acme", "深圳市福田区"]]
    )
    write_parquet(
        d / "accounts.parquet",
        pa.table({"account_id": ["A1", "A2", "A3"], "holder_id": ["P1", "P2", "CO1"]}),
    )
    write_table(
        d,
        "transfers",
        [*TR_COLS, "channel"],
        [
            ["T1", "A1", "A2", "5", "2024-03-05", "bank_transfer"],
            ["T2", "", "A1", "7", "2024-03-06", "cash_deposit"],
            ["T3", "A1", "", "9", "2024-03-07T10:00:00+08:00", "cash_withdrawal"],
            ["T1", "A1", "A2", "5", "2024-03-05", "bank_transfer"],
            ["T4", "A1", "A2", "-5", "2024-03-05", ""],
        ],
    )
    write_table(
        d,
        "relations",
        ["person_id", "related_person_id", "relation"],
        [["P1", "P2", "parent"], ["P2", "P1", "child"], ["P1", "P3", "spouse"]],
    )
    write_table(
        d,
        "identifiers",
        ["entity_id", "kind", "value"],
        [["P3", "email", "A@B.C"], ["CO1", "phone", "13800000000"]],
    )
    r1 = load(d, store)
    s1 = stats(store)
    r2 = load(d, store)
    copy = tmp_path / "elsewhere" / "copy"
    shutil.copytree(d, copy)
    r3 = load(copy, store)
    assert stats(store) == s1
    for r in (r2, r3):
        assert r.report["tables"] == r1.report["tables"]
        assert r.qkeys() == r1.qkeys()
        graph = r.report.get("graph")
        if graph:
            for kind in ("nodes", "relationships"):
                for label, c in graph[kind].items():
                    assert c.get("created", 0) == 0 and c.get("updated", 0) == 0, (kind, label, c)
    assert r1.qkeys() == {("persons", 4, "person_id"), ("transfers", 5, "amount")}
