"""End-to-end loads into a real embedded store: reconciliation, quarantine, idempotence,
atomicity."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from clawback.errors import InputFileError
from clawback.graph.embedded import LadybugStore
from clawback.loaders.load import load_directory

PERSONS = """\
person_id,name,id_number,birth_date,gender,phone,address,nickname
P001,张伟,110101198001010010,1980-01-01,M,13800138000;13900139000,北京市朝阳区建国路1号,阿伟
P002,李娜,,1982/3/5,F,13800138000,,
P003,王芳,,1950年1月2日,f,,上海市黄浦区南京东路2号,
P004,赵强,,19550203,M,,,
P005,周杰,,2024-02-30,M,,,
P006,,,,,,,
P001,张伟,110101198001010010,1980-01-01,M,13800138000;13900139000,北京市朝阳区建国路1号,阿伟
P002,李娜娜,,1982-03-05,F,,,
007,陈静,,,X,,,
"""

ACCOUNTS = """\
account_id,holder_id,institution,account_type,opened_date,currency
A1,P001,中国工商银行,bank,2015-01-01,CNY
A2,P002,招商银行,bank,2016-01-01,
A3,P003,支付宝,payment_app,,
A4,P005,微信支付,payment_app,,
A5,C01,中国银行,bank,,
A6,P004,农业银行,savings,,
A7,007,农业银行,bank,,
"""

COMPANIES = """\
company_id,name,registration_number,incorporation_date,address
C01,深圳市某某贸易有限公司,91440300MA5F000000,2023-06-01,北京市朝阳区 建国路1号
P003,冒名公司,,,
"""

TRANSFERS = """\
transfer_id,from_account,to_account,amount,timestamp,channel,memo
T1,A1,A2,50000.00,2023-05-04T10:31:00,bank_transfer,转账
T2,A1,,2000,2023-05-05 09:00,cash_withdrawal,
T3,,A3,1000,2023-05-06,cash_deposit,
T4,A1,A4,100,2023-05-07T00:00:00,payment_app,
T5,A1,A2,-5,2023-05-08,bank_transfer,
T6,A1,A2,1,234.50,2023-05-09,bank_transfer,
T7,A1,A2,"1,234.50",2023-05-09,bank_transfer,
T8,A1,A2,abc,not a date,bank_transfer,
T9,,,10,2023-05-10,other,
T1,A1,A2,50000.00,2023-05-04T10:31:00,bank_transfer,转账
T10,A1,A9,10,2023-05-10,wire,
T11,A1,A5,88.8,2023-05-11T08:00:00+00:00,bank_transfer,to company
"""

RELATIONS = """\
person_id,related_person_id,relation,start_date,end_date,source
P001,P002,spouse,2005-01-01,,civil registry
P002,P001,spouse,2005-01-01,,civil registry
P001,P003,parent,,,household register
P003,P001,child,,,household register
P001,P004,parent_in_law,,,declared
P001,P001,sibling,,,declared
P001,P005,sibling,,,declared
P002,P004,uncle,,,declared
P001,P002,former_spouse,2000-01-01,1999-01-01,
"""

CASES = """\
case_id,debtor_id,case_type,jurisdiction,court,filing_date,acceptance_date,claim_amount
K1,P001,personal_bankruptcy,CN-SZ,深圳市中级人民法院,2024-01-10,2024-03-01,1500000
K2,P001,enforcement,,,2024-01-10,,
K3,P404,personal_bankruptcy,CN,,2024-01-10,,
K4,C01,enterprise_bankruptcy,XX,,2024-01-10,,
"""


def write_input(directory: Path, tables: dict[str, str], encoding: str = "utf-8") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (directory / f"{name}.csv").write_bytes(textwrap.dedent(text).encode(encoding))
    return directory


@pytest.fixture
def dirty(tmp_path: Path) -> Path:
    return write_input(tmp_path / "in", {
        "persons": PERSONS, "accounts": ACCOUNTS, "companies": COMPANIES,
        "transfers": TRANSFERS, "relations": RELATIONS, "cases": CASES,
    })


def quarantine_of(report) -> pd.DataFrame:
    return pd.read_csv(report.quarantine_file, dtype=str, keep_default_na=False)


def reasons(q: pd.DataFrame, table: str) -> dict[int, tuple[str, str]]:
    part = q[q["table"] == table]
    return {int(r): (c, why) for r, c, why in zip(part["row"], part["column"], part["reason"],
                                                   strict=True)}


def test_dirty_input_reconciles_and_quarantines_with_reasons(dirty, tmp_path):
    with LadybugStore(tmp_path / "store") as store:
        report = load_directory(dirty, store)
        counts = store.counts()
    for name, c in report.tables.items():
        assert c.read == c.loaded + c.duplicates + c.quarantined, name
    q = quarantine_of(report)
    assert list(q.columns[:5]) == ["table", "row", "column", "reason", "raw"]
    for name, c in report.tables.items():
        assert (q["table"] == name).sum() == c.quarantined, name

    persons = reasons(q, "persons")
    assert set(persons) == {5, 6, 8, 9}
    assert persons[5][0] == "birth_date" and "2024-02-30" in persons[5][1]
    assert persons[6][0] == "name" and "missing" in persons[6][1]
    assert persons[8][0] == "person_id" and "first in row 2" in persons[8][1]
    assert persons[9][0] == "gender" and "'X'" in persons[9][1]
    assert report.tables["persons"].duplicates == 1
    assert report.tables["persons"].loaded == 4
    assert json.loads(q[(q["table"] == "persons")]["raw"].iloc[0])["person_id"] == "P005"

    accounts = reasons(q, "accounts")
    assert set(accounts) == {4, 6, 7}
    assert "'P005'" in accounts[4][1]                  # its person was quarantined
    assert accounts[6][0] == "account_type"
    assert "'007'" in accounts[7][1]                   # leading zero kept, person quarantined

    companies = reasons(q, "companies")
    assert set(companies) == {2} and "also a person_id" in companies[2][1]

    transfers = reasons(q, "transfers")
    assert set(transfers) == {4, 5, 6, 7, 8, 9, 11}
    assert "'A4'" in transfers[4][1]
    assert transfers[5] == ("amount", "amount -5 must be positive") or \
        "positive" in transfers[5][1]
    assert transfers[6][0] == ""                      # 8 fields for 7 columns
    assert "1,234.50" in transfers[7][1]
    assert transfers[8][0] == "amount;timestamp"
    assert "both empty" in transfers[9][1]
    assert transfers[11][0] == "to_account;channel"
    assert report.tables["transfers"].duplicates == 1
    assert report.tables["transfers"].loaded == 4

    relations = reasons(q, "relations")
    assert set(relations) == {6, 7, 8, 9}
    assert "itself" in relations[6][1]
    assert "'P005'" in relations[7][1]
    assert relations[8][0] == "relation"
    assert relations[9][0] == "end_date"
    assert report.tables["relations"].duplicates == 2   # each tie stated from both sides
    assert report.tables["relations"].loaded == 3

    cases = reasons(q, "cases")
    assert set(cases) == {3, 4}
    assert "jurisdiction" in cases[4][0]

    # the graph holds exactly the loaded rows, plus what the loader derives from them
    assert counts["nodes"]["Person"] == 4
    assert counts["nodes"]["Company"] == 1
    assert counts["nodes"]["Account"] == 4 + 2          # A1, A2, A3, A5 + cash:A1, cash:A3
    assert counts["relationships"]["TRANSFERRED_TO"] == 4
    assert counts["relationships"]["RELATED_TO"] == 6   # three ties, both directions
    assert counts["relationships"]["HOLDS"] == 6
    assert counts["nodes"]["Proceeding"] == 2
    assert counts["relationships"]["PARTY_TO"] == 2


def test_reload_changes_nothing_and_a_correction_updates(dirty, tmp_path):
    with LadybugStore(tmp_path / "store") as store:
        first = load_directory(dirty, store)
        before = store.counts()
        again = load_directory(dirty, store)
        assert store.counts() == before
        assert again.batch_id == first.batch_id
        for kind in ("nodes", "relationships"):
            for name, c in again.graph[kind].items():
                assert c.created == 0 and c.updated == 0, name

        fixed = PERSONS.replace("P005,周杰,,2024-02-30", "P005,周杰,,2000-02-29")
        fixed = fixed.replace("P001,张伟,110101198001010010,1980-01-01,M,13800138000;139"
                              "00139000,北京市朝阳区建国路1号,阿伟\nP002",
                              "P001,张伟,110101198001010010,1980-01-02,M,13800138000;139"
                              "00139000,北京市朝阳区建国路1号,阿伟\nP002", 1)
        write_input(dirty, {"persons": fixed})
        third = load_directory(dirty, store)
        assert third.batch_id != first.batch_id
        assert third.graph["nodes"]["Person"].created == 1       # P005 now valid
        people = store.query(
            "MATCH (p:Person) WHERE p.person_id IN ['P001', 'P005'] "
            "RETURN p.person_id AS id, p.birth_date AS born, p.load_batch AS batch "
            "ORDER BY id").to_dicts()
        assert [str(p["born"]) for p in people] == ["1980-01-02", "2000-02-29"]
        assert {p["batch"] for p in people} == {third.batch_id}
        # the correction made P005's account and sibling tie loadable as well
        assert third.graph["nodes"]["Account"].created == 1
        assert third.graph["relationships"]["RELATED_TO"].created == 2


def test_transfer_endpoint_change_moves_the_relationship(dirty, tmp_path):
    with LadybugStore(tmp_path / "store") as store:
        load_directory(dirty, store)
        moved = TRANSFERS.replace("T1,A1,A2,50000.00", "T1,A1,A3,50000.00")
        write_input(dirty, {"transfers": moved})
        load_directory(dirty, store)
        rows = store.query(
            "MATCH (a:Account)-[t:TRANSFERRED_TO]->(b:Account) WHERE t.transfer_id = 'T1' "
            "RETURN a.account_id AS a, b.account_id AS b").to_dicts()
        assert rows == [{"a": "A1", "b": "A3"}]


def test_missing_required_column_stops_and_leaves_store_unchanged(dirty, tmp_path):
    with LadybugStore(tmp_path / "store") as store:
        load_directory(dirty, store)
        before = store.counts()
        write_input(dirty, {"transfers": TRANSFERS.replace("amount,", "amt,", 1)})
        with pytest.raises(InputFileError, match=r"transfers\.csv: missing required column "
                                                 r"'amount'") as info:
            load_directory(dirty, store)
        assert info.value.file == "transfers.csv" and info.value.column == "amount"
        assert store.counts() == before


def test_missing_persons_table_is_a_file_level_error(tmp_path):
    directory = write_input(tmp_path / "in", {"accounts": ACCOUNTS})
    with LadybugStore(tmp_path / "store") as store, pytest.raises(InputFileError,
                                                                  match="persons"):
        load_directory(directory, store)


def test_provenance_and_typed_properties(dirty, tmp_path):
    with LadybugStore(tmp_path / "store") as store:
        report = load_directory(dirty, store)
        t = store.query(
            "MATCH (a:Account)-[t:TRANSFERRED_TO]->(b:Account) WHERE t.transfer_id = 'T11' "
            "RETURN t.amount AS amount, t.timestamp AS ts, t.date AS d, t.src_file AS f, "
            "t.src_row AS r, t.load_batch AS batch, t.currency AS cur").to_dicts()[0]
        assert t["amount"] == pytest.approx(88.8)
        assert str(t["ts"]) == "2023-05-11 08:00:00"      # UTC instant
        assert str(t["d"]) == "2023-05-11"                # local date in Asia/Shanghai
        assert (t["f"], t["r"], t["batch"], t["cur"]) == ("transfers.csv", 12,
                                                           report.batch_id, "CNY")
        p = store.query("MATCH (p:Person {person_id: 'P001'}) RETURN p.extra AS extra, "
                        "p.src_row AS r").to_dicts()[0]
        assert json.loads(p["extra"]) == {"nickname": "阿伟"} and p["r"] == 1
        assert report.extra_columns == {"persons": ["nickname"]}
        shared = store.query(
            "MATCH (a:Person)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(b) "
            "WHERE a.person_id = 'P001' AND coalesce(b.person_id, b.company_id) <> 'P001' "
            "RETURN i.kind AS kind, i.normalized AS value, "
            "coalesce(b.person_id, b.company_id) AS other ORDER BY kind").to_dicts()
        assert shared == [
            {"kind": "address", "value": "北京市朝阳区建国路1号", "other": "C01"},
            {"kind": "phone", "value": "13800138000", "other": "P002"},
        ]
        cash = store.query("MATCH (h:Person)-[:HOLDS]->(a:Account {account_id: 'cash:A1'}) "
                           "RETURN h.person_id AS h, a.synthetic AS s").to_dicts()
        assert cash == [{"h": "P001", "s": True}]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-8-sig"])
def test_encodings_are_detected_and_reported(tmp_path, encoding):
    directory = write_input(tmp_path / "in", {"persons": PERSONS}, encoding=encoding)
    with LadybugStore(tmp_path / "store") as store:
        report = load_directory(directory, store)
        names = {r["name"] for r in store.query("MATCH (p:Person) RETURN p.name AS name")
                 .to_dicts()}
    expected = {"gbk": "gb18030"}.get(encoding, encoding)
    assert report.encodings == {"persons.csv": expected}
    assert names == {"张伟", "李娜", "王芳", "赵强"}


def test_parquet_and_xlsx_inputs_load_like_csv(dirty, tmp_path):
    frames = {name: pd.read_csv(dirty / f"{name}.csv", dtype=str, keep_default_na=False,
                                on_bad_lines="skip")
              for name in ("persons", "accounts", "relations")}
    other = tmp_path / "other"
    other.mkdir()
    frames["persons"].to_parquet(other / "persons.parquet")
    frames["accounts"].to_excel(other / "accounts.xlsx", index=False)
    frames["relations"].to_csv(other / "relations.tsv", sep="\t", index=False)
    with LadybugStore(tmp_path / "s1") as s1, LadybugStore(tmp_path / "s2") as s2:
        a = load_directory(other, s1)
        for name in ("transfers", "companies", "cases"):
            (dirty / f"{name}.csv").unlink()
        b = load_directory(dirty, s2)
        assert s1.counts() == s2.counts()
    assert {t: (c.loaded, c.quarantined) for t, c in a.tables.items()} == \
        {t: (c.loaded, c.quarantined) for t, c in b.tables.items()}


def test_a_later_load_may_reference_what_the_store_holds(tmp_path):
    first = write_input(tmp_path / "first", {
        "persons": "person_id,name\nP1,张三\nP2,李四\n",
        "accounts": "account_id,holder_id\nA1,P1\nA2,P2\n",
    })
    later = write_input(tmp_path / "later", {
        "persons": "person_id,name\n",
        "transfers": "transfer_id,from_account,to_account,amount,timestamp\n"
                     "T1,A1,A2,5,2024-01-01\nT2,A1,A9,5,2024-01-01\nT3,A1,,7,2024-01-02\n",
    })
    with LadybugStore(tmp_path / "store") as store:
        load_directory(first, store)
        report = load_directory(later, store)
        assert report.tables["persons"].read == 0
        assert (report.tables["transfers"].loaded, report.tables["transfers"].quarantined) == (2, 1)
        assert "'A9'" in quarantine_of(report)["reason"].iloc[0]
        cash = store.query("MATCH (p:Person)-[:HOLDS]->(a:Account) WHERE a.synthetic "
                           "RETURN p.person_id AS holder, a.account_id AS cash").to_dicts()
        assert cash == [{"holder": "P1", "cash": "cash:A1"}]
        assert store.counts()["nodes"]["Person"] == 2


def _links(store: LadybugStore) -> list[tuple[str, str, str]]:
    return sorted(
        (r["who"], r["kind"], r["value"]) for r in store.query(
            "MATCH (e)-[l:HAS_IDENTIFIER]->(i:Identifier) "
            "RETURN e.person_id AS who, l.kind AS kind, i.normalized AS value").to_dicts())


def test_a_corrected_row_replaces_the_links_its_columns_gave(tmp_path):
    """A person's phone and address links follow the row: a corrected row drops the ones it
    no longer gives (else two people would keep sharing an old phone: a false hidden tie);
    links from the identifiers table, which have no id to correct, stay."""
    first = write_input(tmp_path / "first", {
        "persons": "person_id,name,phone,address\nP1,A,13800000000,深圳\nP2,B,13800000000,深圳\n",
        "identifiers": "entity_id,kind,value\nP2,device,D-1\n",
    })
    phone_changed = write_input(tmp_path / "second", {
        "persons": "person_id,name,phone,address\nP2,B,13700000000,深圳\n",
    })
    all_gone = write_input(tmp_path / "third", {"persons": "person_id,name\nP1,A\n"})
    with LadybugStore(tmp_path / "store") as store:
        load_directory(first, store)
        report = load_directory(phone_changed, store)
        assert report.graph["relationships"]["HAS_IDENTIFIER"].deleted == 1
        links = _links(store)
        assert ("P2", "phone", "13800000000") not in links
        assert ("P2", "phone", "13700000000") in links
        assert ("P2", "device", "D-1") in links and ("P1", "phone", "13800000000") in links
        report = load_directory(all_gone, store)        # no link at all in this load
        assert report.graph["relationships"]["HAS_IDENTIFIER"].deleted == 2
        assert [who for who, _, _ in _links(store)] == ["P2", "P2", "P2"]
        assert load_directory(all_gone, store).graph["relationships"] == {}
