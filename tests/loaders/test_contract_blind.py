"""Black-box tests of `clawback load` / `clawback stats` against the public input contract.

Written only from docs/input-format.md ("What the loader guarantees" and the formats) and the
CLI's --help. Every test drives the installed CLI in a subprocess, with its own small input
directory and store under pytest's tmp_path. Where a test fails, clawback breaks the contract.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from tests.loaders.blackbox import cli, write_table

PERSON_COLS = ["person_id", "name"]


# --------------------------------------------------------------------------- helpers


class Load:
    def __init__(self, proc, report, quarantine, report_path):
        self.proc = proc
        self.report = report
        self.quarantine = quarantine
        self.report_path = report_path

    @property
    def out(self) -> str:
        return (self.proc.stdout or "") + (self.proc.stderr or "")

    def table(self, name) -> dict:
        return self.report["tables"][name]

    def q(self, table=None) -> list:
        return [r for r in self.quarantine if table is None or r["table"] == table]

    def qkeys(self, table=None) -> set:
        return {(r["table"], int(r["row"]), r["column"]) for r in self.q(table)}


def load(indir: Path, store: Path, *extra, ok=True) -> Load:
    report_path = store.parent / f"report-{len(list(store.parent.glob('report-*.json')))}.json"
    proc = cli("load", indir, "--store", store, "--report", report_path, *extra)
    if ok:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr, proc.stderr
    report, quarantine = None, []
    if report_path.exists():
        report = json.loads(report_path.read_text(encoding="utf-8"))
        qf = report.get("quarantine_file")
        if qf and Path(qf).exists():
            with open(qf, encoding="utf-8-sig", newline="") as fh:
                quarantine = list(csv.DictReader(fh))
    if ok:
        assert report is not None
        assert_reconciles(report)
    return Load(proc, report, quarantine, report_path)


def assert_reconciles(report: dict) -> None:
    for t, c in report["tables"].items():
        assert c["read"] == c["loaded"] + c["duplicates"] + c["quarantined"], (t, c)


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


def transfers_by_id(store: Path) -> dict:
    rows = cypher(
        store,
        "MATCH (a:Account)-[t:TRANSFERRED_TO]->(b:Account) "
        "RETURN t.transfer_id AS id, a.account_id AS src, b.account_id AS dst, t.amount AS amount, "
        "t.currency AS currency, t.timestamp AS ts, t.date AS date, t.memo AS memo, "
        "t.channel AS channel",
    )
    return {r["id"]: r for r in rows}


def node_count(st: dict, label: str) -> int:
    return st["nodes"].get(label, 0)


def rel_count(st: dict, typ: str) -> int:
    return st["relationships"].get(typ, 0)


def norm_enc(name: str) -> str:
    return name.lower().replace("_", "-")


def d10(v) -> str:
    return str(v)[:10] if v is not None else None


def base_people(d: Path, encoding="utf-8", n=3):
    write_table(d, "persons", PERSON_COLS, [[f"P{i}", f"Name{i}"] for i in range(1, n + 1)],
                encoding=encoding)


def base_money(d: Path):
    """Persons P1..P3, accounts A1 (P1), A2 (P2), A3 (P3)."""
    base_people(d)
    write_table(d, "accounts", ["account_id", "holder_id"], [["A1", "P1"], ["A2", "P2"], ["A3", "P3"]])


TR_COLS = ["transfer_id", "from_account", "to_account", "amount", "timestamp"]


# --------------------------------------------------------------------------- encodings & formats

NAMES_ZH = ["张三", "李四", "王五"]


def _zh_input(d: Path, encoding: str, bom: bytes = b"", names=NAMES_ZH, memo="转账给妻子 还款"):
    write_table(d, "persons", ["person_id", "name", "address"],
                [["P1", names[0], "深圳市福田区"], ["P2", names[1], "北京市"], ["P3", names[2], ""]],
                encoding=encoding, bom=bom)
    write_table(d, "accounts", ["account_id", "holder_id", "institution"],
                [["A1", "P1", "中国工商银行"], ["A2", "P2", "招商银行"]], encoding=encoding, bom=bom)
    write_table(d, "transfers", TR_COLS + ["memo"],
                [["T1", "A1", "A2", "1000.50", "2024-03-05", memo]], encoding=encoding, bom=bom)


@pytest.mark.parametrize(
    "label,encoding,bom,accepted",
    [
        ("utf8", "utf-8", b"", {"utf-8", "utf8", "ascii"}),
        ("utf8-bom", "utf-8", b"\xef\xbb\xbf", {"utf-8-sig", "utf-8", "utf8"}),
        ("gbk", "gbk", b"", {"gbk", "gb18030", "cp936"}),
        ("utf16-le-bom", "utf-16-le", b"\xff\xfe", {"utf-16", "utf-16-le", "utf-16le"}),
        ("utf16-be-bom", "utf-16-be", b"\xfe\xff", {"utf-16", "utf-16-be", "utf-16be"}),
        ("utf16-be-nobom", "utf-16-be", b"", {"utf-16-be", "utf-16be", "utf-16"}),
    ],
)
def test_csv_encodings_detected_and_reported(tmp_path, label, encoding, bom, accepted):
    d, store = tmp_path / "in", tmp_path / "store"
    names = ["张三", "朱镕基", "王五"] if label == "gbk" else NAMES_ZH
    _zh_input(d, encoding, bom, names=names)
    r = load(d, store)
    for f in ("persons.csv", "accounts.csv", "transfers.csv"):
        assert norm_enc(r.report["encodings"][f]) in accepted, (f, r.report["encodings"])
    assert r.table("persons")["loaded"] == 3 and r.table("persons")["quarantined"] == 0
    assert persons_by_id(store) == {"P1": names[0], "P2": names[1], "P3": names[2]}
    t = transfers_by_id(store)
    assert t["T1"]["memo"] == "转账给妻子 还款"
    assert t["T1"]["amount"] == pytest.approx(1000.50)


def test_gb18030_four_byte_characters(tmp_path):
    # 刘䶮 and 𠀀 are not in GBK: only a GB18030 decode gets them right.
    d, store = tmp_path / "in", tmp_path / "store"
    _zh_input(d, "gb18030", names=["刘䶮", "李四", "王五"], memo="还款𠀀")
    r = load(d, store)
    assert norm_enc(r.report["encodings"]["persons.csv"]) == "gb18030"
    assert norm_enc(r.report["encodings"]["transfers.csv"]) == "gb18030"
    assert persons_by_id(store)["P1"] == "刘䶮"
    assert transfers_by_id(store)["T1"]["memo"] == "还款𠀀"


def test_tsv_accepted(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", ["person_id", "name", "address"],
                [["P1", "Smith, John", "1 Main St, Springfield"], ["P2", "李四", ""]], sep="\t", ext="tsv")
    r = load(d, store)
    assert r.table("persons")["loaded"] == 2
    assert persons_by_id(store) == {"P1": "Smith, John", "P2": "李四"}


def test_parquet_string_columns(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    d, store = tmp_path / "in", tmp_path / "store"
    d.mkdir()
    pq.write_table(pa.table({"person_id": ["007", "P2"], "name": ["张三", "李四"],
                             "birth_date": ["1980-01-02", "1985/3/5"]}), d / "persons.parquet")
    pq.write_table(pa.table({"account_id": ["6222020200012345678901", "A2"], "holder_id": ["007", "P2"]}),
                   d / "accounts.parquet")
    pq.write_table(pa.table({"transfer_id": ["T1", "T2"],
                             "from_account": ["6222020200012345678901", "A2"],
                             "to_account": ["A2", "6222020200012345678901"],
                             "amount": [1500.25, -3.0],
                             "timestamp": ["2024-03-05T14:30:00", "2024-03-06"]}), d / "transfers.parquet")
    r = load(d, store)
    assert r.table("persons")["loaded"] == 2
    assert r.table("transfers") ["read"] == 2
    assert r.table("transfers")["loaded"] == 1
    assert r.qkeys("transfers") == {("transfers", 2, "amount")}
    assert persons_by_id(store) == {"007": "张三", "P2": "李四"}
    t = transfers_by_id(store)
    assert t["T1"]["src"] == "6222020200012345678901"
    assert t["T1"]["amount"] == pytest.approx(1500.25)
    bd = cypher(store, "MATCH (p:Person) RETURN p.person_id AS id, p.birth_date AS bd")
    assert {x["id"]: d10(x["bd"]) for x in bd} == {"007": "1980-01-02", "P2": "1985-03-05"}


def test_parquet_native_date_and_timestamp_types(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    d, store = tmp_path / "in", tmp_path / "store"
    d.mkdir()
    pq.write_table(pa.table({"person_id": ["P1", "P2"], "name": ["A", "B"],
                             "birth_date": pa.array([dt.date(1980, 1, 2), None], pa.date32())}),
                   d / "persons.parquet")
    pq.write_table(pa.table({"account_id": ["A1", "A2"], "holder_id": ["P1", "P2"]}), d / "accounts.parquet")
    pq.write_table(pa.table({"transfer_id": ["T1"], "from_account": ["A1"], "to_account": ["A2"],
                             "amount": [10.0],
                             "timestamp": pa.array([dt.datetime(2024, 3, 5, 14, 30)], pa.timestamp("s"))}),
                   d / "transfers.parquet")
    r = load(d, store)
    assert r.table("persons")["loaded"] == 2 and r.table("transfers")["loaded"] == 1, r.quarantine
    bd = cypher(store, "MATCH (p:Person) WHERE p.person_id = 'P1' RETURN p.birth_date AS bd")
    assert d10(bd[0]["bd"]) == "1980-01-02"
    assert d10(transfers_by_id(store)["T1"]["date"]) == "2024-03-05"


def test_xlsx_first_sheet_serial_and_real_dates(tmp_path):
    import openpyxl

    d, store = tmp_path / "in", tmp_path / "store"
    d.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "persons"
    ws.append(["person_id", "name", "birth_date"])
    ws.append(["007", "张三", dt.datetime(1980, 1, 2)])       # real date cell
    ws.cell(row=2, column=3).number_format = "yyyy-mm-dd"
    ws.append(["P2", "李四", 45356])                          # Excel serial → 2024-03-05
    ws.append(["P3", "王五", "2024年3月5日"])
    other = wb.create_sheet("junk")
    other.append(["person_id", "name", "birth_date"])
    other.append(["JUNK", "junk", "2000-01-01"])
    wb.active = 1  # the saved workbook opens on the second sheet; the loader must still read the first
    wb.save(d / "persons.xlsx")

    wb2 = openpyxl.Workbook()
    ws2 = wb2.active
    ws2.append(["account_id", "holder_id"])
    ws2.append(["A1", "007"])
    ws2.append(["A2", "P2"])
    wb2.save(d / "accounts.xlsx")

    wb3 = openpyxl.Workbook()
    ws3 = wb3.active
    ws3.append(TR_COLS)
    ws3.append(["T1", "A1", "A2", 100, dt.datetime(2024, 3, 5, 14, 30)])
    ws3.append(["T2", "A1", "A2", 200.5, 45356.5])               # serial with a time fraction
    ws3.append(["T3", "A1", "A2", 300, "2024-02-30"])            # unparseable → quarantined
    wb3.save(d / "transfers.xlsx")

    r = load(d, store)
    assert r.table("persons") ["loaded"] == 3, r.quarantine
    assert "JUNK" not in persons_by_id(store)
    assert r.table("transfers")["loaded"] == 2
    assert r.qkeys("transfers") == {("transfers", 3, "timestamp")}
    bd = cypher(store, "MATCH (p:Person) RETURN p.person_id AS id, p.birth_date AS bd")
    assert {x["id"]: d10(x["bd"]) for x in bd} == {"007": "1980-01-02", "P2": "2024-03-05", "P3": "2024-03-05"}
    t = transfers_by_id(store)
    assert d10(t["T1"]["date"]) == "2024-03-05"
    assert d10(t["T2"]["date"]) == "2024-03-05"
    assert t["T2"]["amount"] == pytest.approx(200.5)
    # the serial time fraction .5 is 12:00 local; T1 is 14:30 local: two and a half hours apart
    t1 = dt.datetime.fromisoformat(str(t["T1"]["ts"]))
    t2 = dt.datetime.fromisoformat(str(t["T2"]["ts"]))
    assert t1 - t2 == dt.timedelta(hours=2, minutes=30)


# --------------------------------------------------------------------------- dates

DATE_FORMS = {
    "D1": "2024-03-05",
    "D2": "2024-03-05T14:30:00",
    "D3": "2024-03-05T14:30:00+08:00",
    "D4": "2024-03-05T06:30:00Z",
    "D5": "2024/3/5",
    "D6": "2024.03.05",
    "D7": "20240305",
    "D8": "2024年3月5日",
}


def test_timestamp_forms_and_unparseable_dates(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    rows = [[tid, "A1", "A2", "10", ts] for tid, ts in DATE_FORMS.items()]
    rows += [["BAD1", "A1", "A2", "10", "2024-02-30"], ["BAD2", "A1", "A2", "10", "yesterday"],
             ["BAD3", "A1", "A2", "10", "2024-13-01"], ["BAD4", "A1", "A2", "10", "2024-03-05T25:00:00"],
             ["BAD5", "A1", "A2", "10", "45356"]]  # Excel serials are for .xlsx only
    write_table(d, "transfers", TR_COLS, rows)
    r = load(d, store)
    assert r.table("transfers")["read"] == 13
    assert r.table("transfers")["loaded"] == 8
    assert r.table("transfers")["quarantined"] == 5
    assert r.qkeys("transfers") == {("transfers", n, "timestamp") for n in range(9, 14)}
    t = transfers_by_id(store)
    assert set(t) == set(DATE_FORMS)
    for tid in DATE_FORMS:
        assert d10(t[tid]["date"]) == "2024-03-05", (tid, t[tid])
    ts = {k: dt.datetime.fromisoformat(str(v["ts"]).replace("Z", "+00:00")) for k, v in t.items()}
    # no offset = Asia/Shanghai: 14:30 local == 14:30+08:00 == 06:30Z
    assert ts["D2"] == ts["D3"] == ts["D4"]


def test_tz_option_applies_to_timestamps_without_offset(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    write_table(d, "transfers", TR_COLS, [["T1", "A1", "A2", "10", "2024-03-05T14:30:00"],
                                          ["T2", "A1", "A2", "10", "2024-03-05T14:30:00Z"]])
    load(d, store, "--tz", "UTC")
    t = transfers_by_id(store)
    assert str(t["T1"]["ts"]) == str(t["T2"]["ts"])


def test_date_columns_accept_every_form(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    forms = ["2024-03-05", "2024-03-05T14:30:00", "2024/3/5", "2024.03.05", "20240305", "2024年3月5日",
             "2024-02-30", "yesterday"]
    write_table(d, "persons", ["person_id", "name", "birth_date"],
                [[f"P{i}", f"N{i}", f] for i, f in enumerate(forms, 1)])
    r = load(d, store)
    assert r.table("persons") ["loaded"] == 6
    assert r.qkeys("persons") == {("persons", 7, "birth_date"), ("persons", 8, "birth_date")}
    bd = cypher(store, "MATCH (p:Person) RETURN p.person_id AS id, p.birth_date AS bd")
    assert {x["id"]: d10(x["bd"]) for x in bd} == {f"P{i}": "2024-03-05" for i in range(1, 7)}


# --------------------------------------------------------------------------- identifiers


def test_identifiers_stay_strings(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", ["person_id", "name", "id_number", "phone"],
                [["007", "A", "44030119900101123X", "013800000000"],
                 ["0008", "B", "440301199001011234", "13800000000;13900000000"],
                 ["NA", "Null", "None", "N/A"]])
    write_table(d, "accounts", ["account_id", "holder_id"],
                [["6222020200012345678901", "007"], ["00123", "0008"], ["1E5", "0008"]])
    write_table(d, "transfers", TR_COLS, [["000012", "6222020200012345678901", "00123", "5", "2024-01-01"],
                                          ["1.0", "00123", "1E5", "6", "2024-01-01"]])
    write_table(d, "cases", ["case_id", "debtor_id", "case_type"], [["0001", "007", "personal_bankruptcy"]])
    load(d, store)
    p = cypher(store, "MATCH (p:Person) RETURN p.person_id AS id, p.id_number AS idn, p.phone AS phone")
    got = {x["id"]: (x["idn"], x["phone"]) for x in p}
    assert set(got) == {"007", "0008", "NA"}
    assert persons_by_id(store)["NA"] == "Null" and got["NA"] == ("None", "N/A")
    assert got["007"][0] == "44030119900101123X"
    assert got["0008"][0] == "440301199001011234"
    assert got["007"][1] == "013800000000"
    a = cypher(store, "MATCH (a:Account) RETURN a.account_id AS id")
    assert {x["id"] for x in a} == {"6222020200012345678901", "00123", "1E5"}
    t = transfers_by_id(store)
    assert set(t) == {"000012", "1.0"}
    assert t["000012"]["src"] == "6222020200012345678901"
    c = cypher(store, "MATCH (c:Proceeding) RETURN c.case_id AS id, c.debtor_id AS debtor")
    assert c == [{"id": "0001", "debtor": "007"}]


# --------------------------------------------------------------------------- quarantine reasons


def test_missing_required_values(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", PERSON_COLS, [["P1", "A"], ["P2", "B"], ["P3", ""], ["", "D"]])
    write_table(d, "accounts", ["account_id", "holder_id"], [["A1", "P1"], ["A2", "P2"], ["A3", ""]])
    write_table(d, "transfers", TR_COLS, [["T1", "A1", "A2", "", "2024-01-01"],
                                          ["T2", "A1", "A2", "5", ""],
                                          ["", "A1", "A2", "5", "2024-01-01"],
                                          ["T4", "A1", "A2", "5", "2024-01-01"]])
    write_table(d, "relations", ["person_id", "related_person_id", "relation"], [["P1", "P2", ""]])
    write_table(d, "cases", ["case_id", "debtor_id", "case_type"], [["C1", "P1", ""]])
    r = load(d, store)
    assert r.qkeys() == {
        ("persons", 3, "name"), ("persons", 4, "person_id"),
        ("accounts", 3, "holder_id"),
        ("transfers", 1, "amount"), ("transfers", 2, "timestamp"), ("transfers", 3, "transfer_id"),
        ("relations", 1, "relation"), ("cases", 1, "case_type"),
    }
    assert r.table("persons")["loaded"] == 2
    assert r.table("transfers")["loaded"] == 1
    assert set(transfers_by_id(store)) == {"T4"}


def test_unparseable_numbers(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    write_table(d, "transfers", TR_COLS, [["T1", "A1", "A2", "abc", "2024-01-01"],
                                          ["T2", "A1", "A2", "12.5.3", "2024-01-01"],
                                          ["T3", "A1", "A2", "99.95", "2024-01-01"],
                                          ["T4", "A1", "A2", "NaN", "2024-01-01"],
                                          ["T5", "A1", "A2", "inf", "2024-01-01"],
                                          ["T6", "A1", "A2", "1,000.00", "2024-01-01"]])
    write_table(d, "properties", ["property_id", "kind", "market_value"],
                [["H1", "real_estate", "n/a"], ["H2", "real_estate", "2500000"]])
    write_table(d, "cases", ["case_id", "debtor_id", "case_type", "claim_amount"],
                [["C1", "P1", "personal_bankruptcy", "lots"], ["C2", "P2", "enforcement", "100000"]])
    write_table(d, "companies", ["company_id", "name"], [["CO1", "Acme"]])
    write_table(d, "company_roles", ["person_id", "company_id", "role", "share"],
                [["P1", "CO1", "shareholder", "half"], ["P2", "CO1", "shareholder", "0.5"]])
    r = load(d, store)
    keys = r.qkeys()
    t6 = transfers_by_id(store).get("T6")
    if t6 is not None:  # a thousands separator may be read, but never as 1.0
        assert t6["amount"] == pytest.approx(1000.0)
    else:
        keys.discard(("transfers", 6, "amount"))
    assert keys == {("transfers", 1, "amount"), ("transfers", 2, "amount"), ("transfers", 4, "amount"),
                         ("transfers", 5, "amount"),
                         ("properties", 1, "market_value"), ("cases", 1, "claim_amount"),
                         ("company_roles", 1, "share")}
    assert transfers_by_id(store)["T3"]["amount"] == pytest.approx(99.95)


def test_non_positive_amount_quarantined(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    bad = ["0", "-5", "-0.01", "0.00", "-0"]
    write_table(d, "transfers", TR_COLS, [["T1", "A1", "A2", "5", "2024-01-01"]] +
                [[f"N{i}", "A1", "A2", a, "2024-01-01"] for i, a in enumerate(bad)])
    r = load(d, store)
    assert r.table("transfers") == {**r.table("transfers"), "read": 6, "loaded": 1, "quarantined": 5}
    assert r.qkeys() == {("transfers", n, "amount") for n in range(2, 7)}
    assert set(transfers_by_id(store)) == {"T1"}


def test_zero_price_is_a_gift_not_an_error(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_people(d)
    write_table(d, "properties", ["property_id", "kind"], [["H1", "real_estate"]])
    write_table(d, "property_transfers", ["property_id", "from_party", "to_party", "date", "price"],
                [["H1", "", "P1", "2015-01-01", "1000000"], ["H1", "P1", "P2", "2023-06-01", "0"]])
    r = load(d, store)
    assert r.table("property_transfers")["loaded"] == 2
    assert r.quarantine == []


def test_unknown_enum_values(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", ["person_id", "name", "gender"], [["P1", "A", "M"], ["P2", "B", "F"],
                                                                ["P3", "C", ""], ["P4", "D", "X"]])
    write_table(d, "accounts", ["account_id", "holder_id", "account_type"],
                [["A1", "P1", "bank"], ["A2", "P2", "savings"], ["A3", "P3", ""]])
    write_table(d, "transfers", TR_COLS + ["channel"], [["T1", "A1", "A3", "5", "2024-01-01", "wire"],
                                                       ["T2", "A1", "A3", "5", "2024-01-01", "card"]])
    write_table(d, "relations", ["person_id", "related_person_id", "relation"],
                [["P1", "P2", "friend"], ["P1", "P3", "sibling"]])
    write_table(d, "companies", ["company_id", "name"], [["CO1", "Acme"]])
    write_table(d, "company_roles", ["person_id", "company_id", "role"],
                [["P1", "CO1", "boss"], ["P1", "CO1", "director"]])
    write_table(d, "properties", ["property_id", "kind"], [["H1", "boat"], ["H2", "vehicle"]])
    write_table(d, "cases", ["case_id", "debtor_id", "case_type"],
                [["C1", "P1", "bankrupt"], ["C2", "P1", "personal_bankruptcy"]])
    write_table(d, "identifiers", ["entity_id", "kind", "value"],
                [["P1", "fax", "123"], ["P1", "email", "a@b.c"]])
    r = load(d, store)
    assert r.qkeys() == {
        ("persons", 4, "gender"), ("accounts", 2, "account_type"), ("transfers", 1, "channel"),
        ("relations", 1, "relation"), ("company_roles", 1, "role"), ("properties", 1, "kind"),
        ("cases", 1, "case_type"), ("identifiers", 1, "kind"),
    }
    for t in ("persons", "accounts", "transfers", "relations", "company_roles", "properties", "cases",
              "identifiers"):
        assert r.table(t)["quarantined"] == 1, t


def test_references_to_undefined_ids(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    write_table(d, "accounts", ["account_id", "holder_id"], [["A1", "P1"], ["A2", "P2"], ["A9", "NOBODY"]])
    write_table(d, "transfers", TR_COLS, [["T1", "GHOST", "A1", "5", "2024-01-01"],
                                          ["T2", "A1", "GHOST", "5", "2024-01-01"],
                                          ["T3", "", "A1", "5", "2024-01-01"],       # cash deposit
                                          ["T4", "A1", "", "5", "2024-01-01"]])      # cash withdrawal
    write_table(d, "relations", ["person_id", "related_person_id", "relation"],
                [["P1", "P99", "spouse"], ["P99", "P1", "child"], ["P1", "P2", "sibling"]])
    write_table(d, "cases", ["case_id", "debtor_id", "case_type"],
                [["C1", "P404", "personal_bankruptcy"], ["C2", "P1", "personal_bankruptcy"]])
    write_table(d, "companies", ["company_id", "name"], [["CO1", "Acme"]])
    write_table(d, "company_roles", ["person_id", "company_id", "role"],
                [["P1", "CO404", "director"], ["P404", "CO1", "director"]])
    write_table(d, "properties", ["property_id", "kind"], [["H1", "real_estate"]])
    write_table(d, "property_transfers", ["property_id", "from_party", "to_party", "date"],
                [["H404", "", "P1", "2020-01-01"], ["H1", "", "P404", "2020-01-01"],
                 ["H1", "P404", "P1", "2021-01-01"], ["H1", "", "P1", "2019-01-01"]])
    write_table(d, "identifiers", ["entity_id", "kind", "value"], [["P404", "phone", "1"], ["P1", "phone", "1"]])
    r = load(d, store)
    keys = r.qkeys()
    expected = {
        ("accounts", 3, "holder_id"),
        ("transfers", 1, "from_account"), ("transfers", 2, "to_account"),
        ("relations", 1, "related_person_id"), ("relations", 2, "person_id"),
        ("cases", 1, "debtor_id"),
        ("company_roles", 1, "company_id"), ("company_roles", 2, "person_id"),
        ("property_transfers", 1, "property_id"), ("property_transfers", 2, "to_party"),
        ("property_transfers", 3, "from_party"),
        ("identifiers", 1, "entity_id"),
    }
    assert keys == expected
    assert r.table("transfers")["loaded"] == 2


def test_company_ids_accepted_where_the_contract_allows_them(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_people(d)
    write_table(d, "companies", ["company_id", "name"], [["CO1", "Acme"], ["CO2", "Holdco"]])
    write_table(d, "company_roles", ["person_id", "company_id", "role", "share"],
                [["CO2", "CO1", "shareholder", "0.6"], ["P1", "CO2", "shareholder", "1"]])
    write_table(d, "accounts", ["account_id", "holder_id"], [["A1", "CO1"], ["A2", "P1"]])
    write_table(d, "transfers", TR_COLS, [["T1", "A1", "A2", "5", "2024-01-01"]])
    write_table(d, "properties", ["property_id", "kind"], [["H1", "real_estate"]])
    write_table(d, "property_transfers", ["property_id", "from_party", "to_party", "date", "price"],
                [["H1", "", "CO1", "2020-01-01", "1"], ["H1", "CO1", "P2", "2023-01-01", "0"]])
    write_table(d, "cases", ["case_id", "debtor_id", "case_type"], [["C1", "CO1", "enterprise_bankruptcy"]])
    write_table(d, "identifiers", ["entity_id", "kind", "value"], [["CO1", "address", "x"]])
    r = load(d, store)
    assert r.quarantine == []
    st = stats(store)
    assert node_count(st, "Company") == 2 and rel_count(st, "ROLE_IN") == 2


def test_tie_of_a_person_to_itself(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_people(d)
    write_table(d, "relations", ["person_id", "related_person_id", "relation"],
                [["P1", "P2", "spouse"], ["P3", "P3", "sibling"]])
    r = load(d, store)
    assert r.qkeys() == {("relations", 2, "related_person_id")} or r.qkeys() == {("relations", 2, "person_id")}
    assert rel_count(stats(store), "RELATED_TO") == 2


def test_same_id_different_content_and_exact_duplicates(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", PERSON_COLS, [["P1", "张三"], ["P2", "李四"], ["P1", "张三"], ["P1", "张叁"]])
    write_table(d, "accounts", ["account_id", "holder_id"], [["A1", "P1"], ["A2", "P2"]])
    write_table(d, "transfers", TR_COLS, [["T1", "A1", "A2", "100", "2024-01-01"],
                                          ["T1", "A1", "A2", "100", "2024-01-01"],
                                          ["T1", "A1", "A2", "900", "2024-01-01"],
                                          ["T2", "A2", "A1", "5", "2024-01-02"]])
    write_table(d, "cases", ["case_id", "debtor_id", "case_type"],
                [["C1", "P1", "personal_bankruptcy"], ["C1", "P2", "personal_bankruptcy"]])
    r = load(d, store)
    assert r.table("persons") == {**r.table("persons"), "read": 4, "loaded": 2, "duplicates": 1, "quarantined": 1}
    assert r.table("transfers") == {**r.table("transfers"), "read": 4, "loaded": 2, "duplicates": 1,
                                    "quarantined": 1}
    assert r.table("cases") == {**r.table("cases"), "read": 2, "loaded": 1, "duplicates": 0, "quarantined": 1}
    rows = {(t, row) for t, row, _ in r.qkeys()}
    assert rows == {("persons", 4), ("transfers", 3), ("cases", 2)}
    assert persons_by_id(store) == {"P1": "张三", "P2": "李四"}
    t = transfers_by_id(store)
    assert t["T1"]["amount"] == pytest.approx(100)
    st = stats(store)
    assert node_count(st, "Person") == 2 and rel_count(st, "TRANSFERRED_TO") == 2


def test_duplicate_relation_rows_and_explicit_inverse(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_people(d)
    write_table(d, "relations", ["person_id", "related_person_id", "relation"],
                [["P1", "P2", "spouse"], ["P1", "P2", "spouse"], ["P2", "P1", "spouse"]])
    r = load(d, store)
    assert r.table("relations")["read"] == 3
    assert r.table("relations")["duplicates"] >= 1
    assert r.table("relations")["quarantined"] == 0
    assert rel_count(stats(store), "RELATED_TO") == 2


def test_quarantine_file_format(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    write_table(d, "transfers", TR_COLS + ["memo"],
                [["T1", "A1", "A2", "5", "2024-01-01", "ok"],
                 ["T2", "A1", "A2", "5", "2024-01-01", "two\nline memo"],
                 ["T3", "A1", "A2", "-7", "2024-01-01", "负数, 带逗号"]])
    qpath = tmp_path / "q.csv"
    r = load(d, store, "--quarantine", qpath)
    assert Path(r.report["quarantine_file"]).resolve() == qpath.resolve()
    with open(qpath, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:5] == ["table", "row", "column", "reason", "raw"]
    assert len(rows) == 2
    rec = dict(zip(rows[0], rows[1]))
    assert (rec["table"], rec["row"], rec["column"]) == ("transfers", "3", "amount")
    assert rec["reason"].strip()
    assert "T3" in rec["raw"] and "-7" in rec["raw"] and "负数, 带逗号" in rec["raw"]
    assert transfers_by_id(store)["T2"]["memo"] == "two\nline memo"


def test_quarantine_raw_is_the_row_as_read(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", ["person_id", "name", "gender", "id_number"],
                [["P1", "A", "M", ""], ["007", "  Bob  ", "Q", "000123"]])
    r = load(d, store)
    assert r.qkeys() == {("persons", 2, "gender")}
    raw = r.q("persons")[0]["raw"]
    assert "007" in raw and "000123" in raw and "Q" in raw
    # values are stripped as they are read (one copy of a 10M-row table, not two): raw holds
    # the row as read, each value without its surrounding blanks (docs/input-format.md)
    assert '"name": "Bob"' in raw, raw


def test_quarantine_row_numbers_in_utf16_and_tsv(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", ["person_id", "name", "gender"],
                [["P1", "甲", "M"], ["P2", "乙", "F"], ["P3", "丙", "?"]], encoding="utf-16")
    write_table(d, "accounts", ["account_id", "holder_id"], [["A1", "P1"], ["A2", "P2"], ["A3", "P77"]],
                sep="\t", ext="tsv")
    r = load(d, store)
    assert r.qkeys() == {("persons", 3, "gender"), ("accounts", 3, "holder_id")}


# --------------------------------------------------------------------------- cascading


def test_cascade_from_quarantined_account(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_people(d)
    write_table(d, "accounts", ["account_id", "holder_id", "account_type"],
                [["A1", "P1", "bank"], ["A2", "P2", "piggy_bank"]])
    write_table(d, "transfers", TR_COLS, [["T1", "A1", "A2", "50", "2024-01-01"],
                                          ["T2", "A2", "A1", "60", "2024-01-02"],
                                          ["T3", "A1", "", "70", "2024-01-03"]])
    r = load(d, store)
    assert ("accounts", 2, "account_type") in r.qkeys()
    assert r.table("transfers") == {**r.table("transfers"), "read": 3, "loaded": 1, "quarantined": 2}
    assert r.qkeys("transfers") == {("transfers", 1, "to_account"), ("transfers", 2, "from_account")}
    a = cypher(store, "MATCH (a:Account) WHERE a.account_id = 'A2' RETURN a.account_id AS id")
    assert a == []
    assert set(transfers_by_id(store)) <= {"T3"}


def test_cash_withdrawal_not_merged_into_a_real_account(tmp_path):
    # Account ids are arbitrary strings; a cash withdrawal from A1 must not turn into a payment to
    # another person's real account, whatever that account is called.
    d, store = tmp_path / "in", tmp_path / "store"
    base_people(d)
    write_table(d, "accounts", ["account_id", "holder_id"],
                [["A1", "P1"], ["cash:A1", "P2"], ["cash", "P3"], ["CASH", "P3"]])
    write_table(d, "transfers", TR_COLS + ["channel"],
                [["T1", "A1", "", "70", "2024-01-03", "cash_withdrawal"],
                 ["T2", "", "A1", "30", "2024-01-04", "cash_deposit"]])
    r = load(d, store)
    assert r.table("transfers")["loaded"] == 2
    # the cash: prefix names the stand-ins: a real account by that name is quarantined, never
    # merged with A1's cash (docs/input-format.md)
    assert r.qkeys("accounts") == {("accounts", 2, "account_id")}
    assert "cash stand-ins" in r.q("accounts")[0]["reason"]
    rows = cypher(store, "MATCH (a:Account)-[t:TRANSFERRED_TO]->(b:Account) "
                         "OPTIONAL MATCH (pa:Person)-[:HOLDS]->(a) OPTIONAL MATCH (pb:Person)-[:HOLDS]->(b) "
                         "RETURN t.transfer_id AS t, pa.person_id AS pa, pb.person_id AS pb")
    for x in rows:
        assert x["pa"] in (None, "P1") and x["pb"] in (None, "P1"), rows
    h = cypher(store, "MATCH (p)-[:HOLDS]->(a:Account) WHERE a.account_id = 'cash:A1' RETURN p.person_id AS p")
    assert h == [{"p": "P1"}]           # the stand-in of A1's cash, held by A1's holder


def test_cascade_from_quarantined_person(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", ["person_id", "name", "birth_date"],
                [["P1", "A", "1970-01-01"], ["P2", "B", "1970-02-31"], ["P3", "C", ""]])
    write_table(d, "relations", ["person_id", "related_person_id", "relation"],
                [["P1", "P2", "spouse"], ["P1", "P3", "child"]])
    write_table(d, "accounts", ["account_id", "holder_id"], [["A1", "P1"], ["A2", "P2"]])
    write_table(d, "transfers", TR_COLS, [["T1", "A1", "A2", "50", "2024-01-01"]])
    write_table(d, "cases", ["case_id", "debtor_id", "case_type"], [["C1", "P2", "personal_bankruptcy"]])
    write_table(d, "identifiers", ["entity_id", "kind", "value"], [["P2", "phone", "1"]])
    r = load(d, store)
    keys = {(t, row) for t, row, _ in r.qkeys()}
    assert keys == {("persons", 2), ("relations", 1), ("accounts", 2), ("transfers", 1), ("cases", 1),
                    ("identifiers", 1)}
    st = stats(store)
    assert node_count(st, "Person") == 2 and node_count(st, "Proceeding") == 0
    assert rel_count(st, "RELATED_TO") == 2 and rel_count(st, "TRANSFERRED_TO") == 0


def test_cascade_from_conflicting_property(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_people(d)
    write_table(d, "properties", ["property_id", "kind", "market_value"],
                [["H1", "real_estate", "-100"], ["H2", "vehicle", "50000"]])
    write_table(d, "property_transfers", ["property_id", "from_party", "to_party", "date"],
                [["H1", "", "P1", "2020-01-01"], ["H2", "", "P2", "2020-01-01"]])
    r = load(d, store)
    # a negative appraisal is not an amount the contract says to quarantine; if H1 was quarantined,
    # its title row must follow it into quarantine; if it was loaded, the title row must load.
    h1_q = ("properties", 1) in {(t, row) for t, row, _ in r.qkeys()}
    pt = r.table("property_transfers")
    assert pt["read"] == 2
    assert pt["quarantined"] == (1 if h1_q else 0)


# --------------------------------------------------------------------------- extra columns


def test_unknown_extra_columns_kept_and_reported_once(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", PERSON_COLS + ["nickname"],
                [["P1", "A", "Zed"], ["P2", "B", "Bee"], ["P3", "C", ""]])
    write_table(d, "accounts", ["account_id", "holder_id"], [["A1", "P1"], ["A2", "P2"]])
    write_table(d, "transfers", TR_COLS + ["branch_code"], [["T1", "A1", "A2", "5", "2024-01-01", "0755"]])
    r = load(d, store)
    assert r.quarantine == []
    assert r.out.count("nickname") == 1, r.out
    assert r.out.count("branch_code") == 1, r.out
    blob = json.dumps(r.report, ensure_ascii=False)
    assert "nickname" in blob and "branch_code" in blob
    p = cypher(store, "MATCH (p:Person) WHERE p.person_id = 'P1' RETURN p")
    assert "Zed" in json.dumps(p, ensure_ascii=False)
    t = cypher(store, "MATCH ()-[t:TRANSFERRED_TO]->() RETURN t")
    assert '0755' in json.dumps(t, ensure_ascii=False)


# --------------------------------------------------------------------------- file-level problems


@pytest.fixture(scope="module")
def good_store(tmp_path_factory):
    """One store after a successful load; every file-level test tries a bad load against it."""
    base = tmp_path_factory.mktemp("goodstore")
    good, store = base / "good", base / "store"
    base_money(good)
    write_table(good, "transfers", TR_COLS, [["T1", "A1", "A2", "10", "2024-01-01"]])
    load(good, store)
    return store, stats(store), persons_by_id(store)


def _good_then_bad(tmp_path, make_bad, good_store):
    store, before, names_before = good_store
    bad = tmp_path / "bad"
    write_table(bad, "persons", PERSON_COLS, [["P1", "CHANGED"], ["P2", "Name2"], ["P3", "Name3"], ["P4", "New"]])
    write_table(bad, "accounts", ["account_id", "holder_id"], [["A1", "P1"], ["A2", "P2"], ["A4", "P4"]])
    make_bad(bad)
    r = load(bad, store, ok=False)
    assert r.proc.returncode != 0, r.out
    assert "Traceback" not in r.out, r.out
    assert stats(store) == before
    assert persons_by_id(store) == names_before
    return r


def _one_message(r, *needles):
    lines = [ln for ln in r.out.splitlines() if ln.strip()]
    hits = [ln for ln in lines if all(n in ln for n in needles)]
    assert hits, (needles, r.out)


def test_file_missing_required_column(tmp_path, good_store):
    def bad(d):
        write_table(d, "transfers", ["transfer_id", "from_account", "to_account", "timestamp"],
                    [["T2", "A1", "A2", "2024-01-01"]])
    r = _good_then_bad(tmp_path, bad, good_store)
    _one_message(r, "transfers.csv", "amount")


def test_file_missing_required_column_in_persons_xlsx(tmp_path, good_store):
    import openpyxl

    def bad(d):
        (d / "persons.csv").unlink()
        wb = openpyxl.Workbook()
        wb.active.append(["person_id", "full_name"])
        wb.active.append(["P1", "X"])
        wb.save(d / "persons.xlsx")
    r = _good_then_bad(tmp_path, bad, good_store)
    _one_message(r, "persons.xlsx", "name")


def test_file_truncated_parquet(tmp_path, good_store):
    import pyarrow as pa
    import pyarrow.parquet as pq

    def bad(d):
        p = d / "transfers.parquet"
        pq.write_table(pa.table({"transfer_id": ["T2"], "from_account": ["A1"], "to_account": ["A2"],
                                 "amount": [1.0], "timestamp": ["2024-01-01"]}), p)
        data = p.read_bytes()
        p.write_bytes(data[: len(data) // 2])
    r = _good_then_bad(tmp_path, bad, good_store)
    _one_message(r, "transfers.parquet")


def test_file_binary_garbage_named_csv(tmp_path, good_store):
    import random

    def bad(d):
        rnd = random.Random(7)
        (d / "transfers.csv").write_bytes(bytes(rnd.randrange(256) for _ in range(2048)))
    r = _good_then_bad(tmp_path, bad, good_store)
    _one_message(r, "transfers.csv")


def test_file_corrupt_xlsx(tmp_path, good_store):
    def bad(d):
        (d / "transfers.xlsx").write_bytes(b"PK\x03\x04 this is not really a zip archive")
    r = _good_then_bad(tmp_path, bad, good_store)
    _one_message(r, "transfers.xlsx")


def test_file_empty_csv(tmp_path, good_store):
    def bad(d):
        (d / "transfers.csv").write_bytes(b"")
    r = _good_then_bad(tmp_path, bad, good_store)
    _one_message(r, "transfers.csv")


def test_missing_persons_table(tmp_path, good_store):
    def bad(d):
        (d / "persons.csv").unlink()
    r = _good_then_bad(tmp_path, bad, good_store)
    _one_message(r, "persons")


def test_header_only_file_is_an_empty_table(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    write_table(d, "transfers", TR_COLS, [])
    r = load(d, store)
    assert r.report["tables"].get("transfers", {"read": 0})["read"] == 0
    assert rel_count(stats(store), "TRANSFERRED_TO") == 0


# --------------------------------------------------------------------------- idempotence & updates


def _rich_input(d: Path, t1_amount="100", p1_name="张三"):
    write_table(d, "persons", ["person_id", "name", "birth_date"],
                [["P1", p1_name, "1970-01-01"], ["P2", "李四", ""], ["P3", "王五", ""]])
    write_table(d, "relations", ["person_id", "related_person_id", "relation", "start_date", "end_date"],
                [["P1", "P2", "spouse", "2000-01-01", "2023-06-30"], ["P1", "P3", "child", "", ""]])
    write_table(d, "accounts", ["account_id", "holder_id"], [["A1", "P1"], ["A2", "P2"]])
    write_table(d, "transfers", TR_COLS, [["T1", "A1", "A2", t1_amount, "2023-07-01"],
                                          ["T2", "A1", "A2", "-1", "2023-07-02"]])
    write_table(d, "properties", ["property_id", "kind"], [["H1", "real_estate"]])
    write_table(d, "property_transfers", ["property_id", "from_party", "to_party", "date", "price"],
                [["H1", "", "P1", "2010-01-01", "500000"], ["H1", "P1", "P2", "2023-07-05", "0"]])
    write_table(d, "cases", ["case_id", "debtor_id", "case_type", "acceptance_date"],
                [["C1", "P1", "personal_bankruptcy", "2024-01-10"]])
    write_table(d, "identifiers", ["entity_id", "kind", "value"], [["P1", "phone", "13800000000"]])


def test_load_twice_changes_nothing(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    _rich_input(d)
    r1 = load(d, store)
    s1 = stats(store)
    r2 = load(d, store)
    assert stats(store) == s1
    for t, c in r2.report["tables"].items():
        c1 = r1.report["tables"][t]
        assert c["read"] == c1["read"] and c["quarantined"] == c1["quarantined"], t
    graph = r2.report.get("graph")
    if graph:
        for kind in ("nodes", "relationships"):
            for label, c in graph[kind].items():
                assert c.get("created", 0) == 0 and c.get("updated", 0) == 0, (kind, label, c)


def test_corrected_rows_update_the_store(tmp_path):
    d1, d2, store = tmp_path / "v1", tmp_path / "v2", tmp_path / "store"
    _rich_input(d1)
    _rich_input(d2, t1_amount="150.75", p1_name="张叁")
    load(d1, store)
    s1 = stats(store)
    assert transfers_by_id(store)["T1"]["amount"] == pytest.approx(100)
    r2 = load(d2, store)
    assert r2.table("persons")["quarantined"] == 0
    assert r2.table("transfers")["quarantined"] == 1  # still the -1 row only
    assert stats(store) == s1
    assert persons_by_id(store)["P1"] == "张叁"
    t = transfers_by_id(store)
    assert t["T1"]["amount"] == pytest.approx(150.75)
    # the quarantined row T2 fixed later is loaded then
    d3 = tmp_path / "v3"
    _rich_input(d3, t1_amount="150.75", p1_name="张叁")
    write_table(d3, "transfers", TR_COLS, [["T1", "A1", "A2", "150.75", "2023-07-01"],
                                           ["T2", "A1", "A2", "1", "2023-07-02"]])
    r3 = load(d3, store)
    assert r3.quarantine == []
    assert set(transfers_by_id(store)) == {"T1", "T2"}


def test_node_remembers_source(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", PERSON_COLS, [["P1", "A"], ["P2", "B"]])
    r = load(d, store)
    p = cypher(store, "MATCH (p:Person) WHERE p.person_id = 'P2' RETURN p")
    blob = json.dumps(p, ensure_ascii=False)
    assert "persons.csv" in blob
    batch = r.report.get("batch_id")
    if batch:
        assert batch in blob


# --------------------------------------------------------------------------- optional tables, defaults


def test_only_persons_is_enough_and_optional_columns_empty(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    write_table(d, "persons", ["person_id", "name", "id_number", "birth_date", "gender", "phone", "address"],
                [["P1", "A", "", "", "", "", ""], ["P2", "B", "", "", "", "", ""]])
    write_table(d, "accounts", ["account_id", "holder_id", "institution", "account_type", "opened_date",
                                "closed_date", "currency"], [["A1", "P1", "", "", "", "", ""]])
    (d / "README.txt").write_text("not a table", encoding="utf-8")
    r = load(d, store)
    assert r.table("persons")["loaded"] == 2 and r.table("accounts")["loaded"] == 1
    assert r.quarantine == []
    st = stats(store)
    assert node_count(st, "Person") == 2 and node_count(st, "Account") == 1


def test_defaults_currency_and_jurisdiction(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    write_table(d, "transfers", TR_COLS + ["currency"], [["T1", "A1", "A2", "5", "2024-01-01", ""],
                                                         ["T2", "A1", "A2", "5", "2024-01-01", "USD"]])
    write_table(d, "cases", ["case_id", "debtor_id", "case_type", "jurisdiction", "claim_amount", "currency"],
                [["C1", "P1", "personal_bankruptcy", "", "100", ""],
                 ["C2", "P2", "personal_bankruptcy", "US", "100", "USD"],
                 ["C3", "P3", "enforcement", "CN-SZ", "", ""]])
    write_table(d, "properties", ["property_id", "kind", "market_value"], [["H1", "real_estate", "10"]])
    load(d, store)
    t = transfers_by_id(store)
    assert t["T1"]["currency"] == "CNY" and t["T2"]["currency"] == "USD"
    c = cypher(store, "MATCH (c:Proceeding) RETURN c.case_id AS id, c.jurisdiction AS j, c.currency AS cur")
    assert {x["id"]: (x["j"], x["cur"]) for x in c} == {"C1": ("CN", "CNY"), "C2": ("US", "USD"),
                                                       "C3": ("CN-SZ", "CNY")}
    pr = cypher(store, "MATCH (h:Property) RETURN h.currency AS cur")
    assert pr == [{"cur": "CNY"}]


def test_defaults_when_currency_column_absent(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_money(d)
    write_table(d, "transfers", TR_COLS, [["T1", "A1", "A2", "5", "2024-01-01"]])
    write_table(d, "cases", ["case_id", "debtor_id", "case_type"], [["C1", "P1", "personal_bankruptcy"]])
    load(d, store)
    assert transfers_by_id(store)["T1"]["currency"] == "CNY"
    c = cypher(store, "MATCH (c:Proceeding) RETURN c.jurisdiction AS j")
    assert c == [{"j": "CN"}]


def test_spouse_with_end_date_and_inverses(tmp_path):
    d, store = tmp_path / "in", tmp_path / "store"
    base_people(d, n=5)
    write_table(d, "relations", ["person_id", "related_person_id", "relation", "start_date", "end_date"],
                [["P1", "P2", "spouse", "2001-05-01", "2023-06-30"],
                 ["P1", "P3", "parent", "", ""],
                 ["P1", "P4", "grandchild", "", ""],
                 ["P1", "P5", "sibling", "", ""]])
    r = load(d, store)
    assert r.table("relations")["loaded"] == 4
    rows = cypher(store, "MATCH (a:Person)-[r:RELATED_TO]->(b:Person) "
                         "RETURN a.person_id AS a, r.relation AS rel, b.person_id AS b, "
                         "r.start_date AS s, r.end_date AS e")
    ties = {(x["a"], x["rel"], x["b"]) for x in rows}
    assert {("P1", "parent", "P3"), ("P3", "child", "P1"),
            ("P1", "grandchild", "P4"), ("P4", "grandparent", "P1"),
            ("P1", "sibling", "P5"), ("P5", "sibling", "P1")} <= ties
    spouse = [x for x in rows if {x["a"], x["b"]} == {"P1", "P2"}]
    assert {(x["a"], x["b"]) for x in spouse} == {("P1", "P2"), ("P2", "P1")}
    for x in spouse:
        assert x["rel"] in ("spouse", "former_spouse")
        assert d10(x["e"]) == "2023-06-30" and d10(x["s"]) == "2001-05-01"
    assert len(rows) == 8
