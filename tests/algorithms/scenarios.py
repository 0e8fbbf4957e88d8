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
    "D13": "S13", "D14": "S13", "D15": "S13", "D16": "S14", "D17": None, "D18": None,
    "D19": "S12", "D20": "S12", "D21": "S12", "D22": "S13", "D23": None, "D24": None,
    "D25": None, "D26": None, "D27": "S02",
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
    for n in range(1, len(EXPECTED) + 1):
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

    # D13: sends a sibling 400,000, gets it back as a "loan", then "repays" it: a sham debt
    g13 = p.person("G13", "兄弟十三")
    p.tie("D13", "G13", "sibling", "sibling")
    p.pay("A-D13", g13, 400_000, "2023-10-01", "转账")
    p.pay(g13, "A-D13", 400_000, "2023-11-01", "借款")
    p.pay("A-D13", g13, 400_000, "2023-11-20", "还款")

    # D14: 300,000 to a friend comes back six weeks later and is withdrawn in cash at once
    f14 = p.person("F14", "朋友十四")
    p.pay("A-D14", f14, 300_000, "2023-09-01", "往来款")
    p.pay(f14, "A-D14", 300_000, "2023-10-15", "往来款")
    p.pay("A-D14", None, 300_000, "2023-10-20", "取现", "cash_withdrawal")

    # D15: 500,000 parked with a parent in March, back two months after the acceptance date
    m15 = p.person("M15", "母亲十五")
    p.tie("D15", "M15", "parent", "child")
    p.pay("A-D15", m15, 500_000, "2024-03-01", "转账")
    p.pay(m15, "A-D15", 500_000, "2024-09-01", "转账")

    # D16: a bonus of 1,000,000 before the window; in the window 900,000 to a sibling and a
    # child and 400,000 in cash: substantially all assets gone
    p.pay(employer, "A-D16", 1_000_000, "2022-01-10", "年终奖")
    g16 = p.person("G16", "兄弟十六")
    p.tie("D16", "G16", "sibling", "sibling")
    c16 = p.person("C16", "子女十六")
    p.tie("D16", "C16", "child", "parent")
    p.pay("A-D16", g16, 600_000, "2023-03-01", "转账")
    p.pay("A-D16", None, 200_000, "2023-05-01", "取现", "cash_withdrawal")
    p.pay("A-D16", None, 200_000, "2023-06-01", "取现", "cash_withdrawal")
    p.pay("A-D16", c16, 300_000, "2023-07-01", "转账")

    # D17 (honest): a parent's loan repaid to the parent, a salary advance repaid, a refund
    m17 = p.person("M17", "父亲十七")
    p.tie("D17", "M17", "parent", "child")
    p.pay(m17, "A-D17", 200_000, "2023-01-10", "借款")
    p.pay("A-D17", m17, 200_000, "2023-06-10", "还款")
    p.pay(employer, "A-D17", 30_000, "2023-03-01", "预支工资")
    p.pay("A-D17", employer, 30_000, "2023-04-01", "归还预支工资")
    p.pay("A-D17", dealer, 50_000, "2023-05-01", "购车定金")
    p.pay(dealer, "A-D17", 50_000, "2023-05-20", "退还定金")

    # D18 (honest): the same bonus as D16, gone to the bank and a cancer hospital
    p.pay(employer, "A-D18", 1_000_000, "2022-01-10", "年终奖")
    p.pay("A-D18", bank, 900_000, "2023-03-01", "提前还贷")
    p.pay("A-D18", p.company("HOSP18", "深圳市肿瘤医院"), 300_000, "2023-06-01", "手术费")

    # D19-D21: three debtors with no tie to each other each pay one person 200,000: an enabler
    e19 = p.person("E19", "中间人十九")
    for n, day in ((19, "2023-08-01"), (20, "2023-09-01"), (21, "2023-10-01")):
        p.pay(f"A-D{n}", e19, 200_000, day, "往来款")

    # D22: 300,000 out to a stranger, on to another, back to the debtor, withdrawn in cash
    y22, z22 = p.person("Y22", "中间人二十二"), p.person("Z22", "中间人乙二十二")
    p.pay("A-D22", y22, 300_000, "2023-09-01", "往来款")
    p.pay(y22, z22, 300_000, "2023-09-05", "往来款")
    p.pay(z22, "A-D22", 300_000, "2023-09-10", "往来款")
    p.pay("A-D22", None, 300_000, "2023-09-12", "取现", "cash_withdrawal")

    if extra_unrelated:  # a component that touches none of the debtors
        for k in range(5):
            a = p.person(f"U{k}", f"无关{k}")
            b = p.person(f"V{k}", f"无关乙{k}")
            p.tie(f"U{k}", f"V{k}", "spouse", "spouse")
            p.pay(a, b, 99_000 + k, "2024-02-02", "转账")
    # D23 (honest): divorced in October 2023; the former spouse keeps the flat and pays the
    # debtor its value (a division, not a gift); child support of 3,000 a month after
    x23 = p.person("X23", "前配偶二十三")
    p.tie("D23", "X23", "former_spouse", "former_spouse", "2010-01-01", "2023-10-01")
    p.properties.append(("PR23", "real_estate", "1000000"))
    p.titles.append(("PR23", "", "D23", "2012-05-01", "700000", "700000"))
    p.titles.append(("PR23", "D23", "X23", "2023-10-20", "1000000", "1000000"))
    p.pay(x23, "A-D23", 1_000_000, "2023-11-01", "折价款")
    for day in _months(date(2023, 11, 1), date(2024, 6, 1)):
        p.pay("A-D23", x23, 3_000, day, "抚养费")

    # D24 (honest): a mother's hospital bill, paid through her (no memo on the debtor's side)
    m24 = p.person("M24", "母亲二十四")
    p.tie("D24", "M24", "parent", "child")
    p.pay("A-D24", m24, 80_000, "2024-02-10")
    p.pay(m24, hospital, 78_000, "2024-02-12", "住院押金")

    # D25 (honest): a new company of the debtor's own after the failure, paid its capital
    # (most of the window's outflows: not money to relatives, S10)
    own = p.company("C25", "深圳市重新开始贸易有限公司", "2023-09-01")
    p.roles.append(("D25", "C25", "shareholder", "1", "2023-09-01"))
    p.pay("A-D25", own, 300_000, "2023-09-20", "实缴出资")

    # D26 (honest): sells a flat to a brother at its value; a festival red envelope to him
    # shortly before (the brother paying the debtor is the sale, not a purchase with the
    # debtor's money)
    b26 = p.person("B26", "弟弟二十六")
    p.tie("D26", "B26", "sibling", "sibling")
    p.properties.append(("PR26", "real_estate", "800000"))
    p.titles.append(("PR26", "", "D26", "2015-05-01", "600000", "600000"))
    p.titles.append(("PR26", "D26", "B26", "2024-01-15", "800000", "800000"))
    p.pay("A-D26", b26, 30_000, "2023-12-20", "红包")
    p.pay(b26, "A-D26", 800_000, "2024-01-15", "购房款")

    # D27: a flat sold to a stranger at 80 % of its value (a price S02 lets pass to a
    # stranger), who conveys it on to the debtor's sister three months later: a straw buyer
    y27 = p.person("Y27", "买受人二十七")
    s27 = p.person("S27", "姐姐二十七")
    p.tie("D27", "S27", "sibling", "sibling")
    p.properties.append(("PR27", "real_estate", "1000000"))
    p.titles.append(("PR27", "", "D27", "2016-05-01", "600000", "600000"))
    p.titles.append(("PR27", "D27", "Y27", "2023-11-01", "800000", "1000000"))
    p.titles.append(("PR27", "Y27", "S27", "2024-02-01", "800000", "1000000"))
    p.pay(y27, "A-D27", 800_000, "2023-11-01", "购房款")
    p.pay(s27, y27, 800_000, "2024-02-01", "购房款")

    return p.write(directory)
