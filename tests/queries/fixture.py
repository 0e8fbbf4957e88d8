"""The query library's fixture: two personal-bankruptcy cases drawn by hand, each fact placed
so that one named query finds it and a near miss beside it that the query must leave out.

K01 (debtor D01, CN-SZ, filed 2024-03-01, accepted 2024-06-30):

- spouse S01: CNY 300,000 on 2024-01-15 (in the window) and CNY 50,000 on 2021-01-04 (not);
  a car PR09 titled to S01 on 2024-01-20, ten days after D01 paid the dealer;
- sibling G01: flat PR01 (worth 800,000, bought 2012) conveyed for 100,000 on 2024-02-01;
- former spouse X01 (divorced 2024-01-10): CNY 10,000 before the divorce, 400,000 after;
- sibling B01 is the legal representative of SHELL01, which received CNY 500,000;
- time-ordered money paths D01 → Y01 → C01 (child), and D01 → Y01 → Z01 → C01; Y01 also paid
  C01 *before* it received D01's money (not a time-ordered path);
- parent L01 lent CNY 300,000 in 2022, repaid 2024-05-02 (a payment to a related creditor);
- three cash withdrawals of CNY 48,000 in 2024 and one in 2022;
- D01's phone is also Y01's, its address also S01's and Q01's, its device Z01's.

K02 (debtor D02, CN, filed and accepted 2024-05-20): pays Y01 CNY 50,000 (Y01's account thus
received from two debtors) and sells flat PR02 at market value to a stranger B02.
"""

from __future__ import annotations

from pathlib import Path

from tests.algorithms.scenarios import Portfolio

__all__ = ["build"]


def build(directory: Path) -> Path:
    """Write the fixture portfolio into ``directory`` (CSV, UTF-8) and return it."""
    p = Portfolio()
    employer = p.company("EMP", "深圳市雇主科技有限公司")
    dealer = p.company("CAR", "深圳市汽车销售服务有限公司")
    bank = p.company("BANK", "某商业银行")
    shell = p.company("SHELL01", "深圳市新设贸易有限公司", "2023-09-01")

    d1 = p.person("D01", "债务人一")
    d2 = p.person("D02", "债务人二")
    p.cases.append(("K01", "D01", "personal_bankruptcy", "CN-SZ", "2024-03-01", "2024-06-30",
                    "1000000"))
    p.cases.append(("K02", "D02", "personal_bankruptcy", "CN", "2024-05-20", "2024-05-20",
                    "500000"))
    for day in ("2023-11-05", "2023-12-05", "2024-01-05"):
        p.pay(employer, d1, 20_000, day, "工资")
        p.pay(employer, d2, 15_000, day, "工资")

    s1 = p.person("S01", "配偶一")
    p.tie("D01", "S01", "spouse", "spouse", "2010-01-01")
    p.pay(d1, s1, 300_000, "2024-01-15", "转账")
    p.pay(d1, s1, 50_000, "2021-01-04", "生活费")
    p.pay(d1, dealer, 300_000, "2024-01-10", "购车款")
    p.properties.append(("PR09", "vehicle", "300000"))
    p.titles.append(("PR09", "", "S01", "2024-01-20", "300000", "300000"))

    g1 = p.person("G01", "兄弟一")
    p.tie("D01", "G01", "sibling", "sibling")
    p.properties.append(("PR01", "real_estate", "800000"))
    p.titles.append(("PR01", "", "D01", "2012-01-01", "500000", "500000"))
    p.titles.append(("PR01", "D01", "G01", "2024-02-01", "100000", "800000"))
    p.pay(g1, d1, 100_000, "2024-02-01", "购房款")

    x1 = p.person("X01", "前配偶一")
    p.tie("D01", "X01", "former_spouse", "former_spouse", "2008-01-01", "2024-01-10")
    p.pay(d1, x1, 10_000, "2023-06-01", "家用")
    p.pay(d1, x1, 400_000, "2024-02-15", "离婚协议款")

    p.person("B01", "兄弟一乙")
    p.tie("D01", "B01", "sibling", "sibling")
    p.roles.append(("B01", "SHELL01", "legal_representative", "", "2023-09-01"))
    p.pay(d1, shell, 500_000, "2024-01-20", "货款")

    y1 = p.person("Y01", "中间人一")
    z1 = p.person("Z01", "中间人二")
    c1 = p.person("C01", "子女一")
    p.tie("D01", "C01", "child", "parent")
    p.pay(y1, c1, 10_000, "2024-02-01", "往来款")
    p.pay(d1, y1, 200_000, "2024-03-01", "往来款")
    p.pay(y1, z1, 90_000, "2024-03-03", "往来款")
    p.pay(z1, c1, 88_000, "2024-03-04", "往来款")
    p.pay(y1, c1, 100_000, "2024-03-05", "往来款")

    l1 = p.person("L01", "父亲一")
    p.tie("D01", "L01", "parent", "child")
    p.pay(l1, d1, 300_000, "2022-01-05", "借款")
    p.pay(d1, l1, 300_000, "2024-05-02", "还款")

    for day in ("2022-03-01", "2024-01-22", "2024-02-22", "2024-04-22"):
        p.pay(d1, None, 48_000, day, "取现", "cash_withdrawal")

    p.person("Q01", "邻居一")
    p.identifiers += [
        ("D01", "phone", "13800138000"), ("Y01", "phone", "138-0013-8000"),
        ("D01", "address", "深圳市南山区科技园路1号"),
        ("S01", "address", "深圳市南山区科技园路1号"),
        ("Q01", "address", "深圳市南山区科技园路1号"),
        ("D01", "device", "IMEI-8600001"), ("Z01", "device", "IMEI-8600001"),
        ("D02", "phone", "13900139000"),
    ]

    p.pay(d2, bank, 60_000, "2024-02-01", "还款")
    p.pay(d1, bank, 60_000, "2024-02-01", "还款")
    p.pay(d2, y1, 50_000, "2024-03-10", "往来款")
    b2 = p.person("B02", "买家二")
    p.properties.append(("PR02", "real_estate", "900000"))
    p.titles.append(("PR02", "", "D02", "2015-05-01", "700000", "700000"))
    p.titles.append(("PR02", "D02", "B02", "2024-03-10", "900000", "900000"))
    p.pay(b2, d2, 900_000, "2024-03-10", "购房款")
    return p.write(directory)
