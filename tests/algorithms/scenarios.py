"""A hand-drawn portfolio: one debtor per signal, each with the known answer, and honest debtors
whose family life must not read as concealment.

Every debtor earns CNY 20,000 a month from an employer from mid-2021, owes CNY 1,000,000 and
has a case accepted on 2024-06-30 (filed 2024-03-01). The look-back window is two years for
CN-SZ (the reported Shenzhen window) and one year for CN.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ACCEPTED = "2024-06-30"
FILED = "2024-03-01"

# debtor -> (what it shows, the signal that must fire, or None for an honest debtor)
EXPECTED = {
    "D01": "S01", "D02": None, "D03": "S02", "D04": "S04", "D05": "S06", "D06": "S08",
    "D07": "S09", "D08": "S05", "D09": "S03", "D10": "S11", "D11": None, "D12": None,
}


@dataclass
class Portfolio:
    persons: list[tuple] = field(default_factory=list)
    companies: list[tuple] = field(default_factory=list)
    accounts: list[tuple] = field(default_factory=list)
    transfers: list[tuple] = field(default_factory=list)
    relations: list[tuple] = field(default_factory=list)
    roles: list[tuple] = field(default_factory=list)
    properties: list[tuple] = field(default_factory=list)
    titles: list[tuple] = field(default_factory=list)
    cases: list[tuple] = field(default_factory=list)
    identifiers: list[tuple] = field(default_factory=list)

    def person(self, pid: str, name: str) -> str:
        self.persons.append((pid, name))
        self.accounts.append((f"A-{pid}", pid, "bank"))
        return f"A-{pid}"

    def company(self, cid: str, name: str, incorporated: str = "2005-01-01") -> str:
        self.companies.append((cid, name, incorporated))
        self.accounts.append((f"A-{cid}", cid, "bank"))
        return f"A-{cid}"

    def pay(self, src: str | None, dst: str | None, amount: float, day: str, memo: str = "",
            channel: str = "bank_transfer") -> None:
        tid = f"T{len(self.transfers) + 1:05d}"
        self.transfers.append((tid, src or "", dst or "", f"{amount:.2f}", day, channel, memo))

    def tie(self, a: str, b: str, relation: str, inverse: str, start: str = "",
            end: str = "") -> None:
        self.relations.append((a, b, relation, start, end))
        self.relations.append((b, a, inverse, start, end))

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        tables = {
            "persons": (["person_id", "name"], self.persons),
            "companies": (["company_id", "name", "incorporation_date"], self.companies),
            "accounts": (["account_id", "holder_id", "account_type"], self.accounts),
            "transfers": (["transfer_id", "from_account", "to_account", "amount", "timestamp",
                           "channel", "memo"], self.transfers),
            "relations": (["person_id", "related_person_id", "relation", "start_date",
                           "end_date"], self.relations),
            "company_roles": (["person_id", "company_id", "role", "share", "start_date"],
                              self.roles),
            "properties": (["property_id", "kind", "market_value"], self.properties),
            "property_transfers": (["property_id", "from_party", "to_party", "date", "price",
                                    "market_value"], self.titles),
            "cases": (["case_id", "debtor_id", "case_type", "jurisdiction", "filing_date",
                       "acceptance_date", "claim_amount"], self.cases),
            "identifiers": (["entity_id", "kind", "value"], self.identifiers),
        }
        for name, (header, rows) in tables.items():
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
            (directory / f"{name}.csv").write_text(buffer.getvalue(), encoding="utf-8")
        return directory


def _months(start: date, end: date) -> list[str]:
    out, d = [], start
    while d <= end:
        out.append(d.isoformat())
        d = (d.replace(day=1) + timedelta(days=32)).replace(day=min(d.day, 28))
    return out


def build(directory: Path, *, jurisdiction: str = "CN-SZ", extra_unrelated: bool = False,
          filed: str = FILED) -> Path:
    p = Portfolio()
    employer = p.company("EMP", "深圳市雇主科技有限公司")
    hospital = p.company("HOSP", "深圳市人民医院")
    dealer = p.company("CAR", "深圳市汽车销售服务有限公司")
    bank = p.company("BANK", "某商业银行")
    for n in range(1, 13):
        d = f"D{n:02d}"
        acc = p.person(d, f"债务人{n}")
        p.cases.append((f"K{n:02d}", d, "personal_bankruptcy", jurisdiction, filed, ACCEPTED,
                        "1000000"))
        for day in _months(date(2021, 7, 5), date(2024, 6, 5)):
            p.pay(employer, acc, 20_000, day, "工资")
            p.pay(acc, bank, 6_000, day, "房贷还款")

    # D01: CNY 300,000 to the spouse shortly before the case
    s1 = p.person("S01", "配偶一")
    p.tie("D01", "S01", "spouse", "spouse", "2010-01-01")
    p.pay("A-D01", s1, 300_000, "2024-01-15", "转账")

    # D02 (honest): supports a parent every month since 2021, pays hospital bills, sells a flat
    # at market value to a stranger, repays the bank
    m2 = p.person("M02", "母亲二")
    p.tie("D02", "M02", "parent", "child")
    for day in _months(date(2021, 7, 10), date(2024, 6, 10)):
        p.pay("A-D02", m2, 2_000, day, "生活费")
    p.pay("A-D02", hospital, 60_000, "2024-02-01", "住院费")
    buyer = "B02"
    p.person(buyer, "买家二")
    p.properties.append(("PR02", "real_estate", "900000"))
    p.titles.append(("PR02", "", "D02", "2015-05-01", "700000", "700000"))
    p.titles.append(("PR02", "D02", buyer, "2024-03-10", "900000", "900000"))
    p.pay(p.accounts[-1][0], "A-D02", 900_000, "2024-03-10", "购房款")
    p.pay("A-D02", bank, 850_000, "2024-03-12", "提前还贷")

    # D03: a flat worth 800,000 conveyed to a sibling for 100,000
    sib = p.person("G03", "兄弟三")
    p.tie("D03", "G03", "sibling", "sibling")
    p.properties.append(("PR03", "real_estate", "800000"))
    p.titles.append(("PR03", "", "D03", "2012-01-01", "500000", "500000"))
    p.titles.append(("PR03", "D03", "G03", "2024-02-01", "100000", "800000"))
    p.pay(sib, "A-D03", 100_000, "2024-02-01", "购房款")

    # D04: divorce in January 2024, then CNY 400,000 to the former spouse
    ex = p.person("X04", "前配偶四")
    p.tie("D04", "X04", "former_spouse", "former_spouse", "2008-01-01", "2024-01-10")
    p.pay("A-D04", ex, 400_000, "2024-02-15", "离婚协议款")

    # D05: cash withdrawals just under CNY 50,000, ten of them, against no cash before
    for k in range(10):
        p.pay("A-D05", None, 48_000, f"2024-0{1 + k % 5}-{10 + k}", "取现", "cash_withdrawal")

    # D06: money to an unrelated intermediary who passes it on to the debtor's child
    child = p.person("C06", "子女六")
    p.tie("D06", "C06", "child", "parent")
    mid = p.person("Y06", "中间人六")
    p.pay("A-D06", mid, 200_000, "2024-03-01", "往来款")
    p.pay(mid, child, 195_000, "2024-03-05", "往来款")

    # D07: repays a parent's old loan of 300,000 two months before acceptance
    lender = p.person("L07", "父亲七")
    p.tie("D07", "L07", "parent", "child")
    p.pay(lender, "A-D07", 300_000, "2022-01-05", "借款")
    p.pay("A-D07", lender, 300_000, "2024-05-02", "还款")

    # D08: a brother's company, incorporated in 2023, receives CNY 500,000
    p.person("B08", "兄弟八")
    p.tie("D08", "B08", "sibling", "sibling")
    shell = p.company("SHELL08", "深圳市新设贸易有限公司", "2023-09-01")
    p.roles.append(("B08", "SHELL08", "legal_representative", "", "2023-09-01"))
    p.pay("A-D08", shell, 500_000, "2024-01-20", "货款")

    # D09: pays a car dealer 300,000; the new car is titled to the spouse ten days later
    p.person("S09", "配偶九")
    p.tie("D09", "S09", "spouse", "spouse", "2012-01-01")
    p.pay("A-D09", dealer, 300_000, "2024-01-10", "购车款")
    p.properties.append(("PR09", "vehicle", "300000"))
    p.titles.append(("PR09", "", "S09", "2024-01-20", "300000", "300000"))

    # D10: a gift of 250,000 to an unrelated person
    friend = p.person("F10", "朋友十")
    p.pay("A-D10", friend, 250_000, "2024-04-01", "赠与")

    # D11 (honest): a wedding gift to a child of one month's income, and medical bills
    c11 = p.person("C11", "子女十一")
    p.tie("D11", "C11", "child", "parent")
    p.pay("A-D11", c11, 18_000, "2024-02-01", "结婚礼金")
    p.pay("A-D11", hospital, 120_000, "2024-01-05", "手术费")

    # D12 (honest): a distress sale of a car at market value to a stranger
    p.person("B12", "买家十二")
    p.properties.append(("PR12", "vehicle", "150000"))
    p.titles.append(("PR12", "", "D12", "2019-01-01", "200000", "200000"))
    p.titles.append(("PR12", "D12", "B12", "2024-04-01", "150000", "150000"))
    p.pay("A-B12", "A-D12", 150_000, "2024-04-01", "购车款")

    if extra_unrelated:  # a component that touches none of the debtors
        for k in range(5):
            a = p.person(f"U{k}", f"无关{k}")
            b = p.person(f"V{k}", f"无关乙{k}")
            p.tie(f"U{k}", f"V{k}", "spouse", "spouse")
            p.pay(a, b, 99_000 + k, "2024-02-02", "转账")
    return p.write(directory)
