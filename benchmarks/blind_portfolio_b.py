#!/usr/bin/env python3
"""Blind synthetic personal-insolvency portfolio, generator B.

Written independently of the ``clawback`` package: it only follows the public input contract
(``input-format.md``) and the look-back rules (``legal-rules.md``).  It writes one input
directory (every contract table as UTF-8 CSV) plus ``labels.csv``
(``case_id,debtor_id,label,typologies``) for a portfolio of personal-bankruptcy debtors, about
40 % of whom hid assets with relatives before filing ("evader") while the rest are honest but
unfortunate ("honest") and still busy with family money.

Usage::

    python benchmarks/blind_portfolio_b.py OUT_DIR --cases 600 --seed 3

Same seed -> byte-identical files.  Only the standard library and numpy are used.
``--acts PATH`` also writes every planted act (date, days before the anchor, amount,
counterparty, how visible the tie is) to a side CSV; keep it outside OUT_DIR.

Jurisdictions and anchors (legal-rules.md): ``CN-SZ`` (Shenzhen personal bankruptcy, acceptance
25-250 days after filing because of pre-application counselling), ``CN`` (Zhejiang debt clearance
and Xiamen from 2025-11), windows counted back from the acceptance date (7 % of CN rows leave it
empty, so filing is the proxy); ``US`` windows count back from the petition (filing) date.

labels.csv ``typologies`` tokens
  evader acts: gift_to_relative, layering, property_undervalue, property_chain, fake_divorce,
    shell_company, cash_spike, pref_repay_relative, round_trip, nominee_purchase,
    equity_to_relative; modifiers: hidden_tie_identifier (recipient tied only through a shared
    phone/address/device/email), hidden_tie_none (tie invisible), sham_debt (the repaid
    "loan" was never paid in), window_1y_2y (acts 1-2 years before the anchor), outside_window
    (acts deliberately just outside the outermost window), boundary_day (exactly one year, or six
    months for preferences, before the anchor: inside under inclusive counting).
  honest behaviours (decoy_*): parent_medical, child_tuition, child_wedding, red_envelopes,
    funeral, relative_loan, repay_unrelated, new_account, cash_habit, business_failure,
    family_business, relative_company, new_vendor, restart_company, relative_buys_home,
    distress_sale, market_sale_to_relative, early_gift_child, genuine_divorce, old_divorce,
    equity_exit.  Evaders live the same ordinary life; only their planted acts are listed.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from datetime import date, datetime, timedelta

import numpy as np

EXTRACT = date(2026, 2, 27)  # statements and registries were pulled on this day
ONE_DAY = timedelta(days=1)

# --------------------------------------------------------------------------------------------
# small date helpers
# --------------------------------------------------------------------------------------------


def add_months(d: date, n: int) -> date:
    """Calendar month arithmetic (Civil Code Art. 202: no corresponding day -> last day)."""
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    last = [
        31,
        29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][m - 1]
    return date(y, m, min(d.day, last))


def add_years(d: date, n: int) -> date:
    return add_months(d, 12 * n)


def month_starts(d0: date, d1: date):
    cur = date(d0.year, d0.month, 1)
    while cur <= d1:
        yield cur
        cur = add_months(cur, 1)


def iso(d) -> str:
    return "" if d is None else d.isoformat()


# --------------------------------------------------------------------------------------------
# randomness wrapper (numpy Generator; every choice goes through it so seeds reproduce)
# --------------------------------------------------------------------------------------------


class R:
    def __init__(self, seed_seq: np.random.SeedSequence):
        self.g = np.random.default_rng(seed_seq)

    def u(self, a: float = 0.0, b: float = 1.0) -> float:
        return float(self.g.uniform(a, b))

    def ri(self, a: int, b: int) -> int:  # inclusive
        return int(self.g.integers(a, b + 1))

    def p(self, prob: float) -> bool:
        return bool(self.g.random() < prob)

    def pick(self, seq):
        return seq[int(self.g.integers(0, len(seq)))]

    def wpick(self, seq, weights):
        w = np.asarray(weights, dtype=float)
        return seq[int(self.g.choice(len(seq), p=w / w.sum()))]

    def sample(self, seq, k):
        idx = self.g.choice(len(seq), size=min(k, len(seq)), replace=False)
        return [seq[int(i)] for i in sorted(idx)]

    def logn(self, median: float, sigma: float) -> float:
        return float(median * np.exp(self.g.normal(0.0, sigma)))

    def poisson(self, lam: float) -> int:
        return int(self.g.poisson(lam)) if lam > 0 else 0

    def day_between(self, d0: date, d1: date) -> date:
        span = (d1 - d0).days
        return d0 + timedelta(days=self.ri(0, max(span, 0)))

    def digits(self, n: int) -> str:
        return "".join(str(int(x)) for x in self.g.integers(0, 10, size=n))

    def hexs(self, n: int) -> str:
        return "".join("0123456789abcdef"[int(x)] for x in self.g.integers(0, 16, size=n))


# --------------------------------------------------------------------------------------------
# PRC identity numbers and unified social credit codes
# --------------------------------------------------------------------------------------------

ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def resident_id(area: str, birth: date, seq: int) -> str:
    """18-digit resident ID (GB 11643) with ISO 7064 MOD 11-2 check character."""
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_W)) % 11]


USCC_CH = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_W = [3, 7, 9, 10, 5, 8, 4, 2]


def uscc(area: str, r: R) -> str:
    """Unified social credit code (GB 32100) with valid organisation-code and final checks."""
    org = "".join(
        r.pick("0123456789ABCDEFGHJKLMNPQRTUWXY") if i else r.pick("MA") for i in range(8)
    )
    s = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(org, ORG_W))
    c9 = 11 - s % 11
    org += "X" if c9 == 10 else ("0" if c9 == 11 else str(c9))
    body = "91" + area + org
    c18 = (31 - sum(USCC_CH.index(c) * w for c, w in zip(body, USCC_W)) % 31) % 31
    return body + USCC_CH[c18]


# --------------------------------------------------------------------------------------------
# vocabularies
# --------------------------------------------------------------------------------------------

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
SURNAME_W = [1.0 / (i + 8) for i in range(len(SURNAMES))]
MALE_CH = list(
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欣建国志海峰东文晓庆永春荣博翔"
)
FEMALE_CH = list("芳娜敏静丽艳娟霞秀玲桂英萍红梅莉兰婷雪琳颖露瑶洁燕佳倩慧琴晶欢璐蓉云月丹玉凤翠")
CHILD_CH = list("子涵梓轩浩宇欣怡一诺梓萱雨泽思彤俊熙若曦语桐宇航佳琪梦瑶诗雨铭泽")

US_FIRST_M = [
    "Wei",
    "Jian",
    "Ming",
    "Hao",
    "Michael",
    "David",
    "James",
    "Kevin",
    "Daniel",
    "Eric",
    "Robert",
    "Jason",
    "Brian",
    "Tony",
    "Steven",
    "Chris",
    "Andrew",
    "Peter",
    "Jun",
    "Lei",
]
US_FIRST_F = [
    "Mei",
    "Li",
    "Xiu",
    "Yan",
    "Jennifer",
    "Linda",
    "Susan",
    "Amy",
    "Grace",
    "Emily",
    "Michelle",
    "Karen",
    "Lisa",
    "Helen",
    "Anna",
    "Jessica",
    "Rachel",
    "Ling",
    "Fang",
    "Wen",
]
US_LAST = [
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Huang",
    "Lin",
    "Wu",
    "Yang",
    "Zhou",
    "Smith",
    "Johnson",
    "Brown",
    "Garcia",
    "Miller",
    "Davis",
    "Lee",
    "Nguyen",
    "Kim",
    "Martinez",
    "Wong",
    "Chan",
    "Lam",
    "Ho",
    "Tan",
    "Anderson",
    "Taylor",
    "Moore",
]

TRADE_CH = list(
    "华鑫盛达恒泰富源诚信卓越博远嘉禾宏腾瑞丰汇通金银海天明新宇航晟昌隆兴旺顺德正和佳美安康力创联合众"
)
INDUSTRY = [
    "科技",
    "贸易",
    "实业",
    "投资",
    "电子",
    "商贸",
    "建材",
    "物流",
    "餐饮管理",
    "文化传媒",
    "供应链管理",
    "信息咨询",
    "建筑工程",
    "装饰工程",
    "网络科技",
    "服装",
    "五金制品",
    "企业管理咨询",
    "进出口",
    "电子商务",
]
US_CO_WORDS = [
    "Golden",
    "Pacific",
    "Harbor",
    "Summit",
    "Bright",
    "Eastwind",
    "Lotus",
    "Jade",
    "Phoenix",
    "Silver",
    "Bay",
    "Evergreen",
    "Apex",
    "Unity",
    "Crescent",
    "Dragon",
    "Liberty",
    "Sunrise",
]
US_CO_KIND = [
    "Trading",
    "Holdings",
    "Logistics",
    "Imports",
    "Consulting",
    "Construction",
    "Foods",
    "Ventures",
    "Properties",
    "Supply",
    "Design",
    "Services",
]

CITY = {
    "SZ": dict(
        prov="广东省深圳市",
        districts=[
            (
                "福田区",
                "440304",
                ["福田街道", "华富街道", "莲花街道", "香蜜湖街道", "梅林街道", "沙头街道"],
            ),
            ("罗湖区", "440303", ["东门街道", "翠竹街道", "笋岗街道", "黄贝街道", "莲塘街道"]),
            (
                "南山区",
                "440305",
                ["粤海街道", "南头街道", "蛇口街道", "西丽街道", "桃源街道", "沙河街道"],
            ),
            ("宝安区", "440306", ["新安街道", "西乡街道", "福永街道", "沙井街道", "松岗街道"]),
            ("龙岗区", "440307", ["布吉街道", "坂田街道", "横岗街道", "龙城街道", "平湖街道"]),
            ("龙华区", "440309", ["民治街道", "龙华街道", "大浪街道", "观澜街道"]),
        ],
        plate="粤B",
        court="深圳市中级人民法院",
        court_code="粤03",
        base_code="粤03",
    ),
    "WZ": dict(
        prov="浙江省温州市",
        districts=[
            ("鹿城区", "330302", ["五马街道", "南汇街道", "滨江街道"]),
            ("平阳县", "330326", ["昆阳镇", "鳌江镇", "萧江镇"]),
            ("乐清市", "330382", ["城东街道", "柳市镇", "虹桥镇"]),
            ("瑞安市", "330381", ["安阳街道", "塘下镇", "飞云街道"]),
        ],
        plate="浙C",
        court="温州市中级人民法院",
        court_code="浙03",
        base_code="浙03",
    ),
    "TZ": dict(
        prov="浙江省台州市",
        districts=[
            ("椒江区", "331002", ["海门街道", "白云街道", "葭沚街道"]),
            ("温岭市", "331081", ["太平街道", "城东街道", "泽国镇"]),
            ("玉环市", "331083", ["玉城街道", "楚门镇"]),
        ],
        plate="浙J",
        court="台州市中级人民法院",
        court_code="浙10",
        base_code="浙10",
    ),
    "XM": dict(
        prov="福建省厦门市",
        districts=[
            ("思明区", "350203", ["鹭江街道", "中华街道", "嘉莲街道", "莲前街道"]),
            ("湖里区", "350206", ["湖里街道", "殿前街道", "江头街道"]),
            ("集美区", "350211", ["集美街道", "杏林街道", "侨英街道"]),
        ],
        plate="闽D",
        court="厦门市中级人民法院",
        court_code="闽02",
        base_code="闽02",
    ),
}
HOMETOWNS = [
    ("430421", "湖南省衡阳市衡阳县"),
    ("430521", "湖南省邵阳市邵东县"),
    ("431022", "湖南省郴州市宜章县"),
    ("420117", "湖北省武汉市新洲区"),
    ("421023", "湖北省荆州市监利县"),
    ("360730", "江西省赣州市宁都县"),
    ("450821", "广西壮族自治区贵港市平南县"),
    ("441424", "广东省梅州市五华县"),
    ("445121", "广东省潮州市潮安县"),
    ("440514", "广东省汕头市潮南区"),
    ("441781", "广东省阳江市阳春市"),
    ("511321", "四川省南充市南部县"),
    ("412726", "河南省周口市郸城县"),
    ("411521", "河南省信阳市罗山县"),
    ("350583", "福建省泉州市南安市"),
    ("350628", "福建省漳州市平和县"),
    ("330326", "浙江省温州市平阳县"),
    ("330382", "浙江省温州市乐清市"),
    ("331081", "浙江省台州市温岭市"),
    ("350211", "福建省厦门市集美区"),
    ("440304", "广东省深圳市福田区"),
    ("440306", "广东省深圳市宝安区"),
    ("360122", "江西省南昌市新建区"),
    ("432524", "湖南省娄底市新化县"),
]
US_CITIES = [
    ("San Francisco", "CA", "415", "941"),
    ("Oakland", "CA", "510", "946"),
    ("Los Angeles", "CA", "213", "900"),
    ("San Gabriel", "CA", "626", "917"),
    ("Flushing", "NY", "718", "113"),
    ("Brooklyn", "NY", "347", "112"),
    ("Edison", "NJ", "732", "088"),
    ("Houston", "TX", "713", "770"),
]
US_COURTS = {
    "CA": ["U.S. Bankruptcy Court, N.D. Cal.", "U.S. Bankruptcy Court, C.D. Cal."],
    "NY": ["U.S. Bankruptcy Court, E.D.N.Y.", "U.S. Bankruptcy Court, S.D.N.Y."],
    "NJ": ["U.S. Bankruptcy Court, D.N.J."],
    "TX": ["U.S. Bankruptcy Court, S.D. Tex."],
}
US_STREETS = [
    "Main St",
    "Oak Ave",
    "Geary Blvd",
    "Irving St",
    "Valley Blvd",
    "Roosevelt Ave",
    "Kissena Blvd",
    "Bellaire Blvd",
    "Mission St",
    "Sunset Blvd",
    "8th Ave",
    "Elm St",
]

CN_BANKS = [
    ("中国工商银行", "622202"),
    ("中国建设银行", "621700"),
    ("中国农业银行", "622848"),
    ("中国银行", "621661"),
    ("招商银行", "622588"),
    ("交通银行", "622262"),
    ("平安银行", "623058"),
    ("中国邮政储蓄银行", "621799"),
    ("兴业银行", "622909"),
    ("中信银行", "621771"),
    ("浦发银行", "622521"),
    ("民生银行", "622622"),
    ("深圳农村商业银行", "623033"),
    ("温州银行", "623125"),
    ("台州银行", "622866"),
    ("厦门银行", "623076"),
]
CITY_BANK = {"SZ": "深圳农村商业银行", "WZ": "温州银行", "TZ": "台州银行", "XM": "厦门银行"}
US_BANKS = [
    "JPMorgan Chase Bank",
    "Bank of America",
    "Wells Fargo Bank",
    "Citibank",
    "Cathay Bank",
    "East West Bank",
]
HK_BANKS = ["中国银行(香港)", "汇丰银行(香港)", "恒生银行", "渣打银行(香港)"]

# memos, deliberately shared between honest and dishonest flows
M_GIFT = [
    "",
    "",
    "",
    "转账",
    "借款",
    "生活费",
    "给你的",
    "存款",
    "暂存",
    "还款",
    "购房款",
    "装修款",
    "周转",
    "家用",
    "往来款",
    "微信转账",
]
M_SUPPORT = ["生活费", "", "给妈", "给爸", "赡养费", "家用", "转账", "孝敬", "", "过节费"]
M_BIZ = ["货款", "服务费", "咨询费", "投资款", "往来款", "预付款", "工程款", "采购款", "", "合同款"]
US_M_GIFT = [
    "",
    "",
    "transfer",
    "gift",
    "loan",
    "help",
    "family",
    "rent help",
    "deposit",
    "repayment",
]
US_M_BIZ = ["invoice", "consulting fee", "services", "investment", "", "supplies", "payment"]


# --------------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------------

TABLE_COLUMNS = {
    "persons": ["person_id", "name", "id_number", "birth_date", "gender", "phone", "address"],
    "companies": [
        "company_id",
        "name",
        "registration_number",
        "incorporation_date",
        "address",
        "status",
    ],
    "relations": ["person_id", "related_person_id", "relation", "start_date", "end_date", "source"],
    "company_roles": ["person_id", "company_id", "role", "share", "start_date", "end_date"],
    "accounts": [
        "account_id",
        "holder_id",
        "institution",
        "account_type",
        "opened_date",
        "closed_date",
        "currency",
    ],
    "transfers": [
        "transfer_id",
        "from_account",
        "to_account",
        "amount",
        "timestamp",
        "currency",
        "channel",
        "memo",
    ],
    "properties": [
        "property_id",
        "kind",
        "description",
        "location",
        "registration_number",
        "market_value",
        "valuation_date",
        "currency",
    ],
    "property_transfers": [
        "property_id",
        "from_party",
        "to_party",
        "date",
        "price",
        "market_value",
        "share",
        "registration_ref",
    ],
    "cases": [
        "case_id",
        "debtor_id",
        "case_type",
        "jurisdiction",
        "court",
        "filing_date",
        "acceptance_date",
        "judgment_date",
        "claim_amount",
        "currency",
        "creditor",
    ],
    "identifiers": ["entity_id", "kind", "value"],
}

INVERSE = {
    "parent": "child",
    "child": "parent",
    "grandparent": "grandchild",
    "grandchild": "grandparent",
    "parent_in_law": "child_in_law",
    "child_in_law": "parent_in_law",
}


def price_index(city: str, d: date) -> float:
    """Rough housing price index (1.0 = Jan 2019): Shenzhen peaked mid-2021 then fell."""
    t = d.year + (d.month - 1) / 12.0
    if city == "US":
        pts = [(2015.0, 0.80), (2019.0, 1.0), (2022.5, 1.28), (2024.0, 1.24), (2026.5, 1.30)]
    elif city == "SZ":
        pts = [
            (2015.0, 0.70),
            (2019.0, 1.0),
            (2021.5, 1.22),
            (2023.0, 1.05),
            (2024.8, 0.86),
            (2026.5, 0.88),
        ]
    else:
        pts = [
            (2015.0, 0.80),
            (2019.0, 1.0),
            (2021.5, 1.12),
            (2023.5, 1.0),
            (2025.0, 0.88),
            (2026.5, 0.86),
        ]
    if t <= pts[0][0]:
        return pts[0][1]
    for (t0, v0), (t1, v1) in zip(pts, pts[1:]):
        if t <= t1:
            return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return pts[-1][1]


class Case:
    """Mutable context of one household while it is being built."""

    def __init__(self, idx: int):
        self.idx = idx
        self.tags: list[str] = []
        self.people: dict[str, dict] = {}
        self.shared_ids: list[tuple] = []
        self.divorce = None
        self.label_tokens: list[str] = []
        self.acts: list[list] = []
        self.persons: list[dict] = []


class Portfolio:
    def __init__(self, seed: int, n_cases: int, evader_share: float = 0.4):
        self.seed = seed
        self.n_cases = n_cases
        self.evader_share = evader_share
        root = np.random.SeedSequence([seed, 20260227])
        self.pool_ss, self.case_ss, self.id_ss, self.lab_ss = root.spawn(4)
        self.prng = R(self.pool_ss)
        self.rows = {t: [] for t in TABLE_COLUMNS}
        self.txs: list[tuple] = []  # (from, to, amount, datetime, currency, channel, memo)
        self.used: set[str] = set()
        self.pools: dict[tuple, list] = {}
        self.case_numbers: set[str] = set()
        self.labels: list[list[str]] = []
        self.acts: list[list] = []
        self.co_inc: dict[str, date] = {}

    # ---------------------------------------------------------------- ids
    def new_id(self, r: R, prefix: str, ndig: int) -> str:
        while True:
            s = prefix + r.digits(ndig)
            if s not in self.used and not s.startswith(prefix + "0" * 3):
                self.used.add(s)
                return s

    # ---------------------------------------------------------------- people
    def cn_name(self, r: R, gender: str, surname: str | None = None, young: bool = False) -> str:
        sur = surname or r.wpick(SURNAMES, SURNAME_W)
        pool = CHILD_CH if (young and r.p(0.5)) else (MALE_CH if gender == "M" else FEMALE_CH)
        n = 1 if r.p(0.3 if not young else 0.1) else 2
        return sur + "".join(r.pick(pool) for _ in range(n))

    def us_name(self, r: R, gender: str, last: str | None = None) -> str:
        first = r.pick(US_FIRST_M if gender == "M" else US_FIRST_F)
        return f"{first} {last or r.pick(US_LAST)}"

    def phone(self, c: Case, r: R) -> str:
        if c.us:
            city = c.us_city
            return f"+1-{city[2]}-{r.ri(200, 989)}-{r.digits(4)}"
        return r.pick(
            [
                "138",
                "139",
                "135",
                "136",
                "137",
                "150",
                "151",
                "152",
                "158",
                "159",
                "186",
                "187",
                "188",
                "189",
                "177",
                "180",
                "181",
                "199",
                "133",
                "153",
            ]
        ) + r.digits(8)

    def address(self, c: Case, r: R, city: str | None = None, rural: tuple | None = None) -> str:
        if rural is not None:
            return f"{rural[1]}{r.pick(TRADE_CH)}{r.pick(['家', '田', '塘', '坑', '岭'])}村{r.ri(1, 12)}组{r.ri(1, 80)}号"
        city = city or c.city
        if city == "US":
            cty = c.us_city
            return (
                f"{r.ri(10, 9899)} {r.pick(US_STREETS)}, {cty[0]}, {cty[1]} {cty[3]}{r.digits(2)}"
            )
        info = CITY[city]
        dist, _, streets = r.pick(info["districts"])
        estate = (
            r.pick(TRADE_CH)
            + r.pick(TRADE_CH)
            + r.pick(["花园", "苑", "豪庭", "名苑", "雅居", "新村", "华府", "公馆"])
        )
        road = r.pick(TRADE_CH) + r.pick(TRADE_CH) + r.pick(["路", "大道", "街"])
        return (
            f"{info['prov']}{dist}{r.pick(streets)}{road}{r.ri(1, 399)}号{estate}"
            f"{r.ri(1, 12)}栋{r.ri(2, 33)}{r.ri(1, 8):02d}"
        )

    def add_person(
        self,
        c: Case,
        r: R,
        role: str,
        gender: str,
        birth: date,
        *,
        surname=None,
        hometown=None,
        addr=None,
        vis="rel",
        with_id=True,
        young=False,
        city=None,
    ) -> dict:
        pid = self.new_id(r, "P", 8)
        if c.us:
            name = self.us_name(r, gender, surname)
            idno = ""
        else:
            name = self.cn_name(r, gender, surname, young)
            area = (hometown or c.hometown)[0]
            seq = r.ri(0, 499) * 2 + (1 if gender == "M" else 0)
            idno = resident_id(area, birth, seq) if with_id else ""
        p = dict(
            id=pid,
            name=name,
            gender=gender,
            birth=birth,
            idno=idno,
            role=role,
            vis=vis,
            bank=[],
            app=[],
            other=[],
            phone=self.phone(c, r),
            addr=addr or self.address(c, r, city),
            surname=surname,
            hometown=hometown or c.hometown,
        )
        c.people[pid] = p
        c.persons.append(p)
        return p

    # ---------------------------------------------------------------- accounts
    def account(
        self,
        r: R,
        holder: str,
        kind: str,
        inst: str,
        opened: date,
        cur: str,
        closed: date | None = None,
        corporate: bool = False,
    ) -> str:
        if kind == "payment_app":
            if inst == "微信支付":
                aid = "wxid_" + "".join(
                    r.pick("abcdefghjkmnpqrstuvwxyz0123456789") for _ in range(14)
                )
            elif inst == "支付宝":
                aid = "2088" + r.digits(12)
            elif inst == "Venmo":
                aid = "venmo-" + r.digits(10)
            else:
                aid = "pp-" + r.hexs(12)
        elif kind == "securities":
            aid = r.pick(["0", "1", "3"]) + r.digits(11)
        elif inst in HK_BANKS:
            aid = (
                f"{r.pick(['012', '004', '024', '003'])}-{r.digits(3)}-{r.digits(6)}-{r.digits(1)}"
            )
        elif inst in US_BANKS:
            aid = r.digits(10) if r.p(0.5) else "00" + r.digits(10)
        elif kind == "other":  # loan / credit card account at a bank
            aid = "L" + r.digits(15)
        elif corporate:
            aid = r.pick(["4000", "7551", "0200", "1100", "8110"]) + r.digits(r.ri(12, 15))
        else:
            bin_ = dict(CN_BANKS).get(inst, "62" + r.digits(4))
            aid = bin_ + r.digits(r.pick([10, 13]))
        if aid in self.used:
            return self.account(r, holder, kind, inst, opened, cur, closed, corporate)
        self.used.add(aid)
        if holder in self.co_inc:
            opened = max(opened, self.co_inc[holder] + timedelta(days=3))
        self.rows["accounts"].append([aid, holder, inst, kind, iso(opened), iso(closed), cur])
        return aid

    def person_accounts(self, c: Case, r: R, p: dict, n_bank: int, n_app: int, opened_before: date):
        banks = CN_BANKS if not c.us else [(b, "") for b in US_BANKS]
        chosen = r.sample(banks, n_bank)
        if not c.us and c.city in CITY_BANK and r.p(0.3):
            chosen[-1] = (CITY_BANK[c.city], "")
        for b, _ in chosen:
            op = opened_before - timedelta(days=r.ri(60, 4000))
            p["bank"].append(self.account(r, p["id"], "bank", b, op, c.cur))
        apps = ["微信支付", "支付宝"] if not c.us else ["Venmo", "PayPal"]
        for a in apps[:n_app]:
            op = opened_before - timedelta(days=r.ri(30, 2500))
            p["app"].append(self.account(r, p["id"], "payment_app", a, op, c.cur))

    # ---------------------------------------------------------------- companies
    def company_name(self, c_us: bool, r: R, city: str = "SZ", kind: str | None = None) -> str:
        if c_us:
            return f"{r.pick(US_CO_WORDS)} {r.pick(US_CO_WORDS)} {kind or r.pick(US_CO_KIND)} {r.pick(['LLC', 'Inc.', 'LLC', 'Corp.'])}"
        prefix = {
            "SZ": r.pick(["深圳市", "深圳市", "深圳", "深圳前海"]),
            "WZ": "温州",
            "TZ": "台州",
            "XM": "厦门",
        }.get(city, "深圳市")
        return f"{prefix}{r.pick(TRADE_CH)}{r.pick(TRADE_CH)}{kind or r.pick(INDUSTRY)}有限公司"

    def add_company(
        self,
        r: R,
        name: str,
        area: str,
        inc: date,
        address: str,
        status: str,
        cur: str,
        bank: str,
        us: bool = False,
        n_acc: int = 1,
    ) -> dict:
        cid = self.new_id(r, "C", 7)
        reg = f"{r.pick(['CA', 'NY', 'NJ', 'TX', 'DE'])}-{r.digits(8)}" if us else uscc(area, r)
        row = [cid, name, reg, iso(inc), address, status]
        self.rows["companies"].append(row)
        self.co_inc[cid] = inc
        co = dict(id=cid, name=name, accts=[], inc=inc, address=address, row=row)
        for i in range(n_acc):
            co["accts"].append(
                self.account(
                    r,
                    cid,
                    "bank",
                    bank if i == 0 else r.pick([b for b, _ in CN_BANKS] if not us else US_BANKS),
                    inc + timedelta(days=r.ri(3, 40)),
                    cur,
                    corporate=True,
                )
            )
        return co

    def pool(self, kind: str, city: str) -> list:
        key = (kind, city)
        if key in self.pools:
            return self.pools[key]
        r = self.prng
        us = city == "US"
        cur = "USD" if us else "CNY"
        out = []
        named = {
            ("merchant", False): [
                "北京三快在线科技有限公司",
                "北京京东世纪贸易有限公司",
                "上海拉扎斯信息科技有限公司",
                "华润万家有限公司",
                "滴滴出行科技有限公司",
                "中国石化销售股份有限公司广东深圳石油分公司",
                "深圳市地铁集团有限公司",
                "天虹数科商业股份有限公司",
                "沃尔玛(中国)投资有限公司",
                "浙江天猫技术有限公司",
                "拼多多(上海)网络科技有限公司",
                "中国南方航空股份有限公司",
            ],
            ("merchant", True): [
                "Costco Wholesale",
                "Safeway Inc.",
                "99 Ranch Market",
                "Amazon.com Services LLC",
                "Target Corp.",
                "Shell Oil Products US",
                "Uber Technologies Inc.",
            ],
            ("utility", False): [
                "深圳供电局有限公司",
                "深圳市水务(集团)有限公司",
                "中国移动通信集团广东有限公司",
                "深圳市燃气集团股份有限公司",
                "国网浙江省电力有限公司温州供电公司",
                "厦门市自来水有限公司",
            ],
            ("utility", True): [
                "Pacific Gas and Electric Co.",
                "Con Edison",
                "Verizon Wireless",
                "AT&T Mobility",
            ],
            ("hospital", False): [
                "北京大学深圳医院",
                "深圳市人民医院",
                "香港大学深圳医院",
                "南方医科大学深圳医院",
                "温州医科大学附属第一医院",
                "台州医院",
                "厦门大学附属第一医院",
                "衡阳市中心医院",
                "中南大学湘雅医院",
                "赣州市人民医院",
            ],
            ("hospital", True): [
                "UCSF Medical Center",
                "Kaiser Permanente",
                "NYU Langone Health",
                "Cedars-Sinai Medical Center",
                "NewYork-Presbyterian",
            ],
            ("school", False): [
                "深圳大学",
                "深圳市南山外国语学校",
                "深圳实验学校",
                "南方科技大学",
                "温州大学",
                "厦门大学",
                "深圳市宝安区新安中学",
                "深圳国际交流学院",
                "深圳市福田区荔园小学",
            ],
            ("school", True): [
                "University of California",
                "City University of New York",
                "Rutgers University",
                "St. Mary School",
            ],
            ("funeral", False): ["深圳市殡仪馆", "温州市殡仪馆", "厦门市殡仪馆", "平阳县殡仪馆"],
            ("funeral", True): ["Green Street Mortuary", "Ng Funeral Home"],
            ("pension", False): [
                "深圳市社会保险基金管理局",
                "湖南省社会保险事业管理局",
                "温州市社会保险服务中心",
                "厦门市社会保险中心",
                "江西省社会保险服务中心",
                "广西社会保险事业管理中心",
            ],
            ("pension", True): ["Social Security Administration"],
        }
        n_generic = {
            "merchant": 40,
            "employer": 70,
            "developer": 14,
            "propmgmt": 10,
            "cardealer": 8,
            "customer": 50,
            "supplier": 30,
        }.get(kind, 0)
        names = list(named.get((kind, us), []))
        generic_kind = {
            "merchant": None,
            "employer": None,
            "developer": "房地产开发",
            "propmgmt": "物业管理",
            "cardealer": "汽车销售服务",
            "customer": None,
            "supplier": None,
        }
        us_kind = {
            "developer": "Properties",
            "propmgmt": "Property Management",
            "cardealer": "Motors",
        }
        if kind == "merchant" and not us:
            generic_kind["merchant"] = r.pick(["餐饮管理", "超市", "商贸", "便利店", "餐饮"])
        for _ in range(n_generic if not us else max(6, n_generic // 4)):
            if us:
                names.append(self.company_name(True, r, kind=us_kind.get(kind)))
            else:
                kk = generic_kind.get(kind)
                if kind == "merchant":
                    kk = r.pick(["餐饮管理", "超市", "商贸", "便利店", "餐饮", "服饰", "母婴用品"])
                names.append(self.company_name(False, r, city if city in CITY else "SZ", kk))
        seen = set()
        for nm in names:
            if nm in seen:
                continue
            seen.add(nm)
            if us:
                addr = f"{r.ri(10, 9899)} {r.pick(US_STREETS)}, {r.pick(US_CITIES)[0]}"
                area = ""
            else:
                cinfo = CITY[city if city in CITY else "SZ"]
                dist = r.pick(cinfo["districts"])
                area = dist[1]
                addr = f"{cinfo['prov']}{dist[0]}{r.pick(dist[2])}{r.pick(TRADE_CH)}{r.pick(TRADE_CH)}路{r.ri(1, 500)}号"
            inc = date(r.ri(1993, 2012), r.ri(1, 12), r.ri(1, 28))
            bank = r.pick(US_BANKS) if us else r.pick(CN_BANKS)[0]
            co = self.add_company(
                r, nm, area, inc, addr, "存续" if not us else "active", cur, bank, us, n_acc=1
            )
            if kind == "merchant" and not us and r.p(0.6):
                co["accts"].append(
                    self.account(
                        r, co["id"], "payment_app", r.pick(["微信支付", "支付宝"]), inc, cur
                    )
                )
            out.append(co)
        self.pools[key] = out
        return out

    def loan_account(self, c: Case, r: R, bank_co: dict, opened: date, kind="other") -> str:
        return self.account(r, bank_co["id"], kind, bank_co["name"], opened, c.cur)

    def bank_company(self, c: Case, r: R) -> dict:
        key = ("bank", "US" if c.us else c.city)
        if key not in self.pools:
            rr = self.prng
            lst = []
            if c.us:
                for b in US_BANKS:
                    lst.append(
                        self.add_company(
                            rr,
                            b + " N.A.",
                            "",
                            date(1950, 1, 1),
                            "New York, NY",
                            "active",
                            "USD",
                            b,
                            True,
                            1,
                        )
                    )
            else:
                city_word = {"SZ": "深圳", "WZ": "温州", "TZ": "台州", "XM": "厦门"}[c.city]
                for b, _ in CN_BANKS:
                    full = b + "股份有限公司" + city_word + "分行"
                    if b in CITY_BANK.values():
                        full = b + "股份有限公司"
                    lst.append(
                        self.add_company(
                            rr,
                            full,
                            CITY[c.city]["districts"][0][1],
                            date(rr.ri(1987, 2008), rr.ri(1, 12), rr.ri(1, 28)),
                            CITY[c.city]["prov"] + CITY[c.city]["districts"][0][0],
                            "存续",
                            "CNY",
                            b,
                            False,
                            1,
                        )
                    )
                lst.append(
                    self.add_company(
                        rr,
                        "深圳前海微众银行股份有限公司",
                        "440300",
                        date(2014, 12, 16),
                        "广东省深圳市南山区粤海街道",
                        "存续",
                        "CNY",
                        "深圳前海微众银行",
                        False,
                        1,
                    )
                    if c.city == "SZ"
                    else lst[0]
                )
            self.pools[key] = lst
        return r.pick(self.pools[key])

    # ---------------------------------------------------------------- transfers
    def tx(
        self,
        c: Case,
        frm: str | None,
        to: str | None,
        amount: float,
        when: datetime,
        channel: str,
        memo: str = "",
    ):
        if amount <= 0 or (frm is None and to is None):
            return
        if c.us and memo and any("\u4e00" <= ch <= "\u9fff" for ch in memo):
            pool = US_M_BIZ if memo in M_BIZ else US_M_GIFT
            memo = pool[int(round(amount * 100)) % len(pool)]
        self.txs.append(
            (frm or "", to or "", round(float(amount), 2), when, c.cur, channel, memo, c.us)
        )

    def when(self, r: R, d: date, kind: str = "any") -> datetime:
        if kind == "batch":
            h, m = r.ri(1, 6), r.ri(0, 59)
        elif kind == "office":
            h, m = r.ri(9, 17), r.ri(0, 59)
        else:
            h = int(
                r.wpick(
                    list(range(24)),
                    [1, 1, 1, 1, 1, 2, 3, 5, 8, 9, 9, 10, 10, 9, 9, 9, 9, 9, 10, 11, 11, 9, 6, 3],
                )
            )
            m = r.ri(0, 59)
        return datetime(d.year, d.month, d.day, h, m, r.ri(0, 59))

    def human(self, r: R, x: float, c: Case) -> float:
        """Round a person-to-person amount the way people type it."""
        x = max(x, 1.0)
        u = r.u()
        if u < 0.55:
            step = 1000 if x >= 20000 else (100 if x >= 1000 else 10)
        elif u < 0.8:
            step = 10000 if x >= 100000 else (500 if x >= 2000 else 50)
        elif u < 0.9:
            step = 1
        else:
            return round(x, 2)
        return max(step, round(x / step) * step)

    def fx(self, c: Case, cny: float) -> float:
        return cny * c.fx

    # ---------------------------------------------------------------- relations
    def relate(self, r: R, a: dict, b: dict, relation: str, start=None, end=None, source=None):
        """Record that ``b`` is ``relation`` of ``a`` (one row, random direction)."""
        if a["vis"] != "rel" or b["vis"] != "rel":
            return
        src = source or r.pick(
            ["civil_registry", "household_register", "declared", "administrator_investigation"]
        )
        if relation in INVERSE and r.p(0.5):
            a, b, relation = b, a, INVERSE[relation]
        elif relation not in INVERSE and r.p(0.5):
            a, b = b, a
        self.rows["relations"].append([a["id"], b["id"], relation, iso(start), iso(end), src])

    # ================================================================ one case
    def build_case(self, idx: int, r: R, evader: bool):
        c = Case(idx)
        c.persons = []
        c.evader = evader
        # ---- jurisdiction and anchors -------------------------------------------------------
        j = r.wpick(["CN-SZ", "CN-ZJ", "CN-XM", "US"], [0.64, 0.16, 0.08, 0.12])
        c.us = j == "US"
        c.jur = "CN-SZ" if j == "CN-SZ" else ("US" if c.us else "CN")
        c.city = {"CN-SZ": "SZ", "CN-XM": "XM", "US": "US"}.get(j) or r.pick(["WZ", "WZ", "TZ"])
        c.cur = "USD" if c.us else "CNY"
        c.fx = 1 / 7.1 if c.us else 1.0
        c.us_city = r.pick(US_CITIES) if c.us else None
        c.hometown = r.pick(HOMETOWNS) if not c.us else ("", "")
        if c.city in ("WZ", "TZ") and r.p(0.7):
            c.hometown = r.pick([h for h in HOMETOWNS if h[1].startswith("浙江")])
        if c.city == "XM" and r.p(0.6):
            c.hometown = r.pick([h for h in HOMETOWNS if h[1].startswith("福建")])
        if j == "CN-SZ":
            c.accept = r.day_between(date(2021, 6, 1), date(2025, 11, 20))
            c.filing = c.accept - timedelta(days=r.ri(25, 250))  # pre-application counselling
            c.filing = max(c.filing, date(2021, 3, 1))
        elif j == "CN-XM":
            c.accept = r.day_between(date(2025, 11, 12), date(2026, 1, 30))
            c.filing = max(date(2025, 11, 1), c.accept - timedelta(days=r.ri(8, 70)))
        elif j == "CN-ZJ":
            c.accept = r.day_between(date(2020, 3, 1), date(2025, 11, 30))
            c.filing = c.accept - timedelta(days=r.ri(7, 90))
        else:
            c.filing = r.day_between(date(2021, 2, 1), date(2025, 11, 30))
            c.accept = c.filing
        c.anchor = c.filing if c.us else c.accept
        c.hist_start = add_months(c.anchor, -r.ri(40, 58))
        c.end = min(c.anchor + timedelta(days=r.ri(60, 330)), EXTRACT)
        c.distress = add_months(c.anchor, -r.ri(7, 30))
        # ---- economic profile ----------------------------------------------------------------
        c.kind = r.wpick(["employee", "owner", "gig"], [0.45, 0.40, 0.15])
        c.income = self.fx(c, r.logn(16000 if c.kind != "gig" else 9000, 0.45))
        c.savings = self.fx(c, r.logn(260000, 1.0))
        c.cash_rate = r.wpick([0.2, 0.6, 1.2, 3.0], [0.35, 0.35, 0.18, 0.12])  # withdrawals / month
        c.cash_size = self.fx(c, r.logn(1800, 0.5))
        c.spend_rate = r.u(2.0, 5.0)
        self.household(c, r)
        self.holdings(c, r)
        return c

    # ---------------------------------------------------------------- household
    def household(self, c: Case, r: R):
        A = c.anchor
        g = "M" if r.p(0.62) else "F"
        age = r.ri(29, 60)
        birth = date(A.year - age, r.ri(1, 12), r.ri(1, 28))
        sur = r.wpick(SURNAMES, SURNAME_W) if not c.us else r.pick(US_LAST)
        home_addr = self.address(c, r)
        c.home_addr = home_addr
        d = self.add_person(c, r, "debtor", g, birth, surname=sur, addr=home_addr)
        c.debtor = d
        self.person_accounts(
            c, r, d, r.ri(2, 4), r.ri(1, 2) if not c.us else r.ri(0, 2), c.hist_start
        )
        c.hk = None
        if c.city == "SZ" and r.p(0.12):
            c.hk = self.account(
                r,
                d["id"],
                "bank",
                r.pick(HK_BANKS),
                c.hist_start - timedelta(days=r.ri(30, 2500)),
                r.pick(["HKD", "CNY"]),
            )
            d["other"].append(c.hk)
        # credit card account at a bank, repaid from the debit card
        c.cc = self.loan_account(
            c, r, self.bank_company(c, r), c.hist_start - timedelta(days=r.ri(100, 2000))
        )
        # ---- spouse ------------------------------------------------------------------------
        c.spouse = None
        c.marriage = None
        m = (
            r.wpick(["married", "divorced_old", "single"], [0.78, 0.08, 0.14])
            if age >= 27
            else "single"
        )
        sg = "F" if g == "M" else "M"
        if m in ("married", "divorced_old"):
            sage = age + r.ri(-6, 4)
            c.marriage = date(
                A.year - age + r.ri(23, min(33, max(24, age - 2))), r.ri(1, 12), r.ri(1, 28)
            )
            c.marriage = min(c.marriage, A - timedelta(days=900))
            sp_home = r.pick(HOMETOWNS) if not c.us else None
            s = self.add_person(
                c,
                r,
                "spouse",
                sg,
                date(A.year - sage, r.ri(1, 12), r.ri(1, 28)),
                hometown=sp_home,
                addr=home_addr if m == "married" else None,
            )
            self.person_accounts(c, r, s, r.ri(1, 3), r.ri(1, 2) if not c.us else 1, c.hist_start)
            if m == "married":
                c.spouse = s
                self.relate(r, d, s, "spouse", c.marriage, None, "civil_registry")
            else:
                s["role"] = "ex_spouse_old"
                c.old_ex = s
                div = c.marriage + timedelta(days=r.ri(700, 4000))
                div = min(div, add_years(A, -5) - timedelta(days=r.ri(1, 600)))
                div = max(div, c.marriage + timedelta(days=400))
                c.old_divorce = div
                if r.p(0.5):
                    self.relate(r, d, s, "spouse", c.marriage, div, "civil_registry")
                else:
                    self.relate(r, d, s, "former_spouse", c.marriage, div, "civil_registry")
                c.tags.append("decoy_old_divorce")
        # ---- children -----------------------------------------------------------------------
        c.children = []
        if m != "single":
            for k in range(int(r.wpick([0, 1, 2, 3], [0.12, 0.45, 0.36, 0.07]))):
                cb = c.marriage + timedelta(days=r.ri(300, 365 * 12))
                if cb > A - timedelta(days=200):
                    continue
                cg = "M" if r.p(0.52) else "F"
                ch_sur = sur if (g == "M" or c.us) else c.persons[1]["name"][0]
                ch = self.add_person(
                    c,
                    r,
                    "child",
                    cg,
                    cb,
                    surname=ch_sur if not c.us else sur,
                    addr=home_addr,
                    young=True,
                    vis="rel" if r.p(0.97) else "ident",
                )
                adult = (A - cb).days > 18 * 365
                ch["adult"] = adult
                if adult:
                    self.person_accounts(
                        c, r, ch, r.ri(1, 2), 1, c.hist_start + timedelta(days=200)
                    )
                elif (A - cb).days > 10 * 365 and r.p(0.4):
                    self.person_accounts(c, r, ch, 1, 0, c.hist_start + timedelta(days=100))
                c.children.append(ch)
                self.relate(
                    r, d, ch, "child", None, None, r.pick(["household_register", "civil_registry"])
                )
                if c.spouse and r.p(0.8):
                    self.relate(r, c.spouse, ch, "child", None, None, "household_register")
        # ---- parents -----------------------------------------------------------------------
        c.parents = []
        p_alive = 0.92 if age < 40 else (0.75 if age < 50 else 0.5)
        hometown_addr = self.address(c, r, rural=c.hometown) if not c.us else self.address(c, r)
        c.hometown_addr = hometown_addr
        fa = mo = None
        if r.p(p_alive):
            fa = self.add_person(
                c,
                r,
                "parent",
                "M",
                date(birth.year - r.ri(22, 34), r.ri(1, 12), r.ri(1, 28)),
                surname=sur,
                addr=hometown_addr,
                vis=self.vis(r, "parent"),
            )
            c.parents.append(fa)
        if r.p(p_alive + 0.05):
            mo = self.add_person(
                c,
                r,
                "parent",
                "F",
                date(birth.year - r.ri(20, 32), r.ri(1, 12), r.ri(1, 28)),
                addr=hometown_addr,
                vis=self.vis(r, "parent"),
            )
            c.parents.append(mo)
        for pa in c.parents:
            self.person_accounts(c, r, pa, r.ri(1, 2), r.ri(0, 1), c.hist_start)
            self.relate(r, d, pa, "parent", None, None, "household_register")
        if fa and mo:
            self.relate(r, fa, mo, "spouse", None, None, "household_register")
        # ---- siblings ----------------------------------------------------------------------
        c.siblings = []
        n_sib = int(
            r.wpick([0, 1, 2, 3], [0.18, 0.40, 0.30, 0.12] if age > 38 else [0.3, 0.45, 0.2, 0.05])
        )
        c.in_laws = []
        for _ in range(n_sib):
            sg2 = "M" if r.p(0.5) else "F"
            sb = self.add_person(
                c,
                r,
                "sibling",
                sg2,
                birth + timedelta(days=r.ri(-3650, 3650)),
                surname=sur,
                vis=self.vis(r, "sibling"),
                addr=hometown_addr if r.p(0.3) else None,
            )
            self.person_accounts(c, r, sb, r.ri(1, 2), r.ri(0, 1), c.hist_start)
            c.siblings.append(sb)
            self.relate(r, d, sb, "sibling", None, None, r.pick(["household_register", "declared"]))
            for pa in c.parents:
                if r.p(0.4):
                    self.relate(r, pa, sb, "child", None, None, "household_register")
            if r.p(0.5) and (A - sb["birth"]).days > 25 * 365:  # sibling's spouse
                sil = self.add_person(
                    c,
                    r,
                    "sibling_in_law",
                    "F" if sg2 == "M" else "M",
                    sb["birth"] + timedelta(days=r.ri(-1500, 1500)),
                    addr=sb["addr"],
                    vis=self.vis(r, "in_law"),
                    hometown=r.pick(HOMETOWNS),
                )
                self.person_accounts(c, r, sil, r.ri(1, 2), r.ri(0, 1), c.hist_start)
                c.in_laws.append(sil)
                if sb["vis"] == "rel":
                    self.relate(r, sb, sil, "spouse", None, None, "civil_registry")
                if r.p(0.4):
                    self.relate(r, d, sil, "sibling_in_law", None, None, "declared")
        # ---- spouse's family ---------------------------------------------------------------
        if c.spouse is not None:
            s = c.spouse
            sp_home = self.address(c, r, rural=s["hometown"]) if not c.us else self.address(c, r)
            for k, pg in enumerate(["M", "F"]):
                if r.p(p_alive - 0.05):
                    pil = self.add_person(
                        c,
                        r,
                        "parent_in_law",
                        pg,
                        date(s["birth"].year - r.ri(21, 33), r.ri(1, 12), r.ri(1, 28)),
                        surname=s["name"][0] if (pg == "M" and not c.us) else None,
                        hometown=s["hometown"],
                        addr=sp_home,
                        vis=self.vis(r, "in_law"),
                    )
                    self.person_accounts(c, r, pil, 1, r.ri(0, 1), c.hist_start)
                    c.in_laws.append(pil)
                    self.relate(r, s, pil, "parent", None, None, "household_register")
                    if r.p(0.5):
                        self.relate(r, d, pil, "parent_in_law", None, None, "declared")
            if r.p(0.45):
                ssb = self.add_person(
                    c,
                    r,
                    "sibling_in_law",
                    "M" if r.p(0.5) else "F",
                    s["birth"] + timedelta(days=r.ri(-3000, 3000)),
                    hometown=s["hometown"],
                    vis=self.vis(r, "in_law"),
                )
                self.person_accounts(c, r, ssb, r.ri(1, 2), r.ri(0, 1), c.hist_start)
                c.in_laws.append(ssb)
                self.relate(r, s, ssb, "sibling", None, None, "household_register")
                if r.p(0.4):
                    self.relate(r, d, ssb, "sibling_in_law", None, None, "declared")
        # ---- cousin / partner --------------------------------------------------------------
        c.others = []
        if r.p(0.18):
            cz = self.add_person(
                c,
                r,
                "cousin",
                "M" if r.p(0.5) else "F",
                birth + timedelta(days=r.ri(-4000, 4000)),
                surname=sur if r.p(0.6) else None,
                vis=self.vis(r, "cousin"),
            )
            self.person_accounts(c, r, cz, 1, r.ri(0, 1), c.hist_start)
            c.others.append(cz)
            self.relate(r, d, cz, "other_relative", None, None, "declared")
        if c.spouse is None and m == "single" and r.p(0.3):
            pt = self.add_person(
                c,
                r,
                "partner",
                sg,
                birth + timedelta(days=r.ri(-2500, 2500)),
                addr=home_addr if r.p(0.6) else None,
                vis=self.vis(r, "cousin"),
            )
            self.person_accounts(c, r, pt, r.ri(1, 2), 1, c.hist_start)
            c.others.append(pt)
            self.relate(
                r,
                d,
                pt,
                "cohabitant",
                add_months(A, -r.ri(12, 60)),
                None,
                "administrator_investigation",
            )
        # ---- friends (unrelated) -----------------------------------------------------------
        c.friends = []
        for _ in range(r.ri(2, 4)):
            fr = self.add_person(
                c,
                r,
                "friend",
                "M" if r.p(0.6) else "F",
                birth + timedelta(days=r.ri(-4000, 4000)),
                hometown=r.pick(HOMETOWNS),
                with_id=r.p(0.7),
            )
            self.person_accounts(c, r, fr, 1, r.ri(0, 1), c.hist_start)
            c.friends.append(fr)
            if r.p(0.2):
                self.relate(r, d, fr, "associate", None, None, "declared")
        # ---- hidden ties: shared identifiers ------------------------------------------------
        for p in c.persons:
            if p["vis"] == "ident":
                self.share_identifier(c, r, p, c.spouse if (c.spouse and r.p(0.25)) else d)
        # ---- noise identifiers: shared with friends (roommates, shared devices) ---------------
        if r.p(0.12):
            self.share_identifier(c, r, r.pick(c.friends), d)

    def vis(self, r: R, kind: str) -> str:
        w = {
            "parent": [0.88, 0.08, 0.04],
            "sibling": [0.78, 0.15, 0.07],
            "in_law": [0.72, 0.18, 0.10],
            "cousin": [0.5, 0.3, 0.2],
        }[kind]
        return r.wpick(["rel", "ident", "none"], w)

    def share_identifier(self, c: Case, r: R, p: dict, q: dict):
        kind = r.wpick(["phone", "address", "device", "email"], [0.35, 0.35, 0.22, 0.08])
        if kind == "phone":
            val = q["phone"]
        elif kind == "address":
            val = q["addr"]
        elif kind == "device":
            val = q.setdefault("device", "IMEI" + r.digits(15) if r.p(0.6) else "dev-" + r.hexs(16))
        else:
            val = q.setdefault(
                "email",
                (r.digits(r.ri(8, 10)) + "@qq.com")
                if not c.us
                else f"{q['name'].split()[0].lower()}{r.digits(3)}@gmail.com",
            )
        c.shared_ids.append((p["id"], kind, val))
        c.shared_ids.append((q["id"], kind, val))

    # ---------------------------------------------------------------- property, companies, debts
    def holdings(self, c: Case, r: R):
        d = c.debtor
        A = c.anchor
        c.props = []  # dicts: id, kind, value0 (at index 1.0), owner shares {party: share}
        # home flat
        c.owns_home = r.p(0.62)
        if c.owns_home:
            base = self.fx(c, r.logn(4_500_000 if c.city == "SZ" else 2_200_000, 0.45))
            acq = add_months(c.hist_start, -r.ri(6, 120))
            owners = {d["id"]: 1.0}
            if c.spouse and r.p(0.55):
                owners = {d["id"]: 0.5, c.spouse["id"]: 0.5}
            pr = self.new_property(
                c, r, "real_estate", base, c.home_addr, acq, owners, first=True, mortgage=True
            )
            c.home = pr
        else:
            c.home = None
            c.landlord = self.add_person(
                c,
                r,
                "landlord",
                "M" if r.p(0.5) else "F",
                date(r.ri(1955, 1985), r.ri(1, 12), r.ri(1, 28)),
                hometown=r.pick(HOMETOWNS),
                with_id=r.p(0.5),
            )
            self.person_accounts(c, r, c.landlord, 1, 0, c.hist_start)
            c.rent = self.fx(c, r.logn(5500, 0.4))
        # second flat / shop (investment) in ~30%
        if r.p(0.30):
            base = self.fx(c, r.logn(2_600_000 if c.city == "SZ" else 1_300_000, 0.5))
            acq = add_months(c.hist_start, -r.ri(0, 96))
            self.new_property(
                c,
                r,
                "real_estate",
                base,
                self.address(c, r),
                acq,
                {d["id"]: 1.0},
                first=True,
                mortgage=r.p(0.5),
            )
        # hometown house
        if not c.us and r.p(0.3):
            base = r.logn(380_000, 0.5)
            acq = add_months(c.hist_start, -r.ri(24, 200))
            self.new_property(
                c,
                r,
                "real_estate" if r.p(0.7) else "land_use_right",
                base,
                c.hometown_addr,
                acq,
                {d["id"]: 1.0},
                first=True,
                rural=True,
            )
        # car
        if r.p(0.55):
            base = self.fx(c, r.logn(190_000, 0.5))
            acq = add_months(c.anchor, -r.ri(14, 90))
            self.new_property(c, r, "vehicle", base, "", acq, {d["id"]: 1.0}, first=True)
        # employer / own company
        c.employer = r.pick(self.pool("employer", "US" if c.us else c.city))
        c.own_co = None
        if c.kind == "owner":
            inc = min(add_months(A, -r.ri(40, 150)), c.hist_start - timedelta(days=r.ri(90, 900)))
            area = CITY[c.city]["districts"][0][1] if not c.us else ""
            c.own_co = self.add_company(
                r,
                self.company_name(c.us, r, c.city),
                area,
                inc,
                self.co_address(c, r),
                "存续" if not c.us else "active",
                c.cur,
                r.pick(US_BANKS) if c.us else r.pick(CN_BANKS)[0],
                c.us,
                r.ri(1, 2),
            )
            share = r.pick([1.0, 0.9, 0.8, 0.7, 0.6, 0.51])
            self.role(d, c.own_co, "shareholder", share, inc)
            self.role(d, c.own_co, "legal_representative", None, inc)
            rest = round(1 - share, 2)
            c.co_partner = None
            if rest > 0:
                if c.spouse and r.p(0.45):
                    self.role(c.spouse, c.own_co, "shareholder", rest, inc)
                    self.role(c.spouse, c.own_co, "supervisor", None, inc)
                    c.tags.append("decoy_family_business")
                else:
                    partner = self.add_person(
                        c,
                        r,
                        "biz_partner",
                        "M" if r.p(0.7) else "F",
                        d["birth"] + timedelta(days=r.ri(-3000, 3000)),
                        hometown=r.pick(HOMETOWNS),
                        with_id=r.p(0.8),
                    )
                    self.person_accounts(c, r, partner, 1, 1, c.hist_start)
                    c.co_partner = partner
                    self.role(partner, c.own_co, "shareholder", rest, inc)
                    if r.p(0.5):
                        self.role(partner, c.own_co, "supervisor", None, inc)
            # equity holding as a property (registered equity)
            val = self.fx(c, r.logn(600_000, 0.8))
            c.equity = self.new_property(
                c,
                r,
                "equity",
                val,
                c.own_co["name"],
                inc,
                {d["id"]: share},
                first=True,
                equity_of=c.own_co,
            )
        else:
            start = add_months(c.hist_start, -r.ri(3, 80))
            self.role(d, c.employer, "employee", None, start)

    def co_address(self, c: Case, r: R, shared_ok=True) -> str:
        if c.us:
            return self.address(c, r)
        if shared_ok and c.city == "SZ" and r.p(0.35):
            # the famous Qianhai secretarial address used by tens of thousands of companies
            return "深圳市前海深港合作区前湾一路1号A栋201室(入驻深圳市前海商务秘书有限公司)"
        info = CITY[c.city]
        dist, _, streets = r.pick(info["districts"])
        return f"{info['prov']}{dist}{r.pick(streets)}{r.pick(TRADE_CH)}{r.pick(TRADE_CH)}大厦{r.ri(3, 30)}{r.ri(1, 20):02d}"

    def role(self, p: dict, co: dict, role: str, share, start: date, end: date | None = None):
        start = max(start, co.get("inc") or start)
        for row in self.rows["company_roles"]:
            if row[0] == p["id"] and row[1] == co["id"] and row[2] == role:
                # already holds this role: an increased stake, not a second row
                if share is not None and row[3]:
                    row[3] = f"{min(1.0, float(row[3]) + share):.2f}"
                return
        self.rows["company_roles"].append(
            [p["id"], co["id"], role, "" if share is None else f"{share:.2f}", iso(start), iso(end)]
        )

    def new_property(
        self,
        c: Case,
        r: R,
        kind: str,
        base: float,
        location: str,
        acq: date,
        owners: dict,
        first=True,
        mortgage=False,
        rural=False,
        equity_of=None,
        seller=None,
        price_ratio=None,
        record=True,
    ) -> dict:
        pid = self.new_id(r, "R", 9)
        city = "US" if c.us else c.city
        if kind == "vehicle":
            desc = (
                r.pick(
                    [
                        "比亚迪汉",
                        "丰田凯美瑞",
                        "本田雅阁",
                        "大众帕萨特",
                        "宝马5系",
                        "奔驰E级",
                        "特斯拉Model Y",
                        "理想L7",
                        "奥迪A6L",
                        "别克GL8",
                    ]
                )
                if not c.us
                else r.pick(
                    [
                        "Toyota Camry",
                        "Honda Accord",
                        "Tesla Model Y",
                        "BMW X5",
                        "Lexus RX",
                        "Ford F-150",
                    ]
                )
            )
            reg = (
                (CITY[c.city]["plate"] + r.pick(["D", "F", ""]) + r.digits(5))
                if not c.us
                else f"{c.us_city[1]}-{r.digits(3)}{r.pick('ABCDEFGHJK')}{r.digits(3)}"
            )
        elif kind == "equity":
            desc = (
                f"{equity_of['name']} 股权"
                if not c.us
                else f"Membership interest in {equity_of['name']}"
            )
            reg = "EQ-" + r.digits(10)
        elif kind == "land_use_right":
            desc = "农村宅基地使用权"
            reg = f"{c.hometown[1][:2]}({acq.year})集体土地使用权第{r.digits(6)}号"
        else:
            if c.us:
                desc = r.pick(
                    ["Single family residence", "Condominium unit", "Townhouse", "Two-family house"]
                )
                reg = f"APN {r.digits(3)}-{r.digits(3)}-{r.digits(3)}"
            else:
                desc = r.pick(["住宅", "住宅", "商品房住宅", "商铺", "公寓"]) + (
                    f" {r.ri(45, 160)}㎡" if r.p(0.8) else ""
                )
                if rural:
                    desc = "自建房"
                prov = location[:2] if location else "粤"
                short = {
                    "广东": "粤",
                    "浙江": "浙",
                    "福建": "闽",
                    "湖南": "湘",
                    "湖北": "鄂",
                    "江西": "赣",
                    "广西": "桂",
                    "四川": "川",
                    "河南": "豫",
                }.get(prov, "粤")
                reg = f"{short}({max(acq.year, 2015)}){r.pick(['深圳市', '温州市', '台州市', '厦门市', ''])}不动产权第{r.digits(7)}号"
        pr = dict(
            id=pid,
            kind=kind,
            base=base,
            city=city if not rural else "rural",
            owners={},
            loc=location,
            desc=desc,
            reg=reg,
            acq=acq,
            equity_of=equity_of,
            mortgage=None,
        )
        c.props.append(pr)
        if record:
            self.rows["properties"].append(pr)  # converted to a row when written
        if first:
            mv = self.value_at(pr, acq)
            price = mv if price_ratio is None else mv * price_ratio
            src = seller or ""
            if not src and kind == "real_estate" and not rural and r.p(0.45):
                src = "resale"
            if src.startswith("C") and kind == "real_estate" and r.p(0.25):
                # developer holds the initial registration (大产证) before selling the unit
                pd0 = acq - timedelta(days=r.ri(200, 900))
                self.title(c, r, pr, "", src, pd0, None, None, 1.0)
            elif src == "resale" or src.startswith("P"):
                if src == "resale":
                    prev = self.add_person(
                        c,
                        r,
                        "seller",
                        "M" if r.p(0.6) else "F",
                        date(r.ri(1950, 1985), r.ri(1, 12), r.ri(1, 28)),
                        hometown=r.pick(HOMETOWNS),
                        with_id=r.p(0.7),
                    )
                    src = prev["id"]
                pd0 = acq - timedelta(days=r.ri(700, 5000))
                self.title(c, r, pr, "", src, pd0, round(self.value_at(pr, pd0), -2), None, 1.0)
            else:
                src = ""  # new build / first registration: no previous owner
            for party, sh in owners.items():
                self.title(
                    c, r, pr, src, party, acq, price * sh, mv * sh if r.p(0.85) else None, sh
                )
        if mortgage:
            bank = self.bank_company(c, r)
            pr["mortgage"] = dict(
                acct=self.loan_account(c, r, bank, acq),
                monthly=self.value_at(pr, acq) * 0.0032,
                bank=bank,
                stop=None,
            )
        return pr

    def value_at(self, pr: dict, d: date) -> float:
        if pr["kind"] == "vehicle":
            yrs = max(0.0, (d - pr["acq"]).days / 365.0)
            return pr["base"] * (0.86**yrs)
        if pr["kind"] == "equity":
            f = pr.get("fail")
            return pr["base"] * (0.12 if (f is not None and d > f) else 1.0)
        return pr["base"] * price_index(pr["city"] if pr["city"] in ("US", "SZ") else "other", d)

    def title(
        self,
        c: Case,
        r: R,
        pr: dict,
        frm: str,
        to: str,
        d: date,
        price,
        mv,
        share: float = 1.0,
        ref: str | None = None,
    ):
        """Record a change of title and update the in-memory owner shares."""
        if frm:
            pr["owners"][frm] = round(pr["owners"].get(frm, 0.0) - share, 4)
            if pr["owners"][frm] <= 1e-6:
                pr["owners"].pop(frm)
        pr["owners"][to] = round(pr["owners"].get(to, 0.0) + share, 4)
        if ref is None:
            if c.us:
                ref = f"Doc #{d.year}-{r.digits(7)}"
            elif pr["kind"] == "vehicle":
                ref = f"车管{d.year}{r.digits(8)}"
            elif pr["kind"] == "equity":
                ref = f"股权变更登记{d.year}第{r.digits(6)}号"
            else:
                ref = f"{r.pick(['深房登字', '不动产登记', '登记受理'])}{d.year}第{r.digits(6)}号"
        self.rows["property_transfers"].append(
            [
                pr["id"],
                frm,
                to,
                iso(d),
                "" if price is None else f"{price:.2f}",
                "" if mv is None else f"{mv:.2f}",
                f"{share:g}",
                ref,
            ]
        )

    # ================================================================ routine money flows
    @staticmethod
    def acc(p: dict, prefer: str = "bank", r: R | None = None):
        lst = p["bank"] if prefer == "bank" else (p["app"] or p["bank"])
        if not lst:
            lst = p["app"] or p["bank"]
        if not lst:
            return None
        if r is not None and len(lst) > 1 and r.p(0.3):
            return r.pick(lst)
        return lst[0]

    def routine(self, c: Case, r: R):
        d = c.debtor
        city = "US" if c.us else c.city
        merchants = self.pool("merchant", city)
        utilities = self.pool("utility", city)
        pension = self.pool("pension", "US" if c.us else "CN")
        employers = self.pool("employer", city)
        main = d["bank"][0]
        spend_from = d["bank"] + d["app"] + [c.cc]
        # ---- employment timeline -----------------------------------------------------------
        c.salary_stop = None
        c.new_job = None
        if c.kind == "employee" and r.p(0.7):
            c.salary_stop = c.distress + timedelta(days=r.ri(-60, 100))
            if r.p(0.55):
                start = c.salary_stop + timedelta(days=r.ri(45, 300))
                if start < c.end:
                    c.new_job = (start, r.pick(employers), c.income * r.u(0.45, 0.85))
                    if c.new_job[1] is not c.employer:
                        self.role(d, c.new_job[1], "employee", None, start)
            # close the old employment role (append an end-dated duplicate is not allowed): we
            # record the end date by rewriting the last employee row for this debtor
            for row in reversed(self.rows["company_roles"]):
                if row[0] == d["id"] and row[1] == c.employer["id"] and row[2] == "employee":
                    row[5] = iso(c.salary_stop)
                    break
        # ---- loans -------------------------------------------------------------------------
        for _ in range(r.ri(1, 3)):
            bank = self.bank_company(c, r)
            disb = r.day_between(add_months(c.hist_start, 4), c.distress + timedelta(days=60))
            amt = self.human(r, self.fx(c, r.logn(160_000, 0.6)), c)
            la = self.loan_account(c, r, bank, disb)
            self.tx(
                c,
                la,
                main,
                amt,
                self.when(r, disb, "office"),
                "bank_transfer",
                r.pick(["贷款发放", "放款", "个人消费贷款", "经营贷放款", ""])
                if not c.us
                else "loan proceeds",
            )
            n = r.ri(12, 36)
            pay = amt / n * 1.06
            default = c.distress + timedelta(days=r.ri(0, 150))
            paid = 0.0
            dd = disb
            for k in range(n):
                dd = add_months(disb, k + 1)
                if dd >= default or dd >= c.end:
                    break
                self.tx(
                    c,
                    main,
                    la,
                    round(pay, 2),
                    self.when(r, dd, "batch"),
                    "bank_transfer",
                    r.pick(["还款", "贷款还款", "自动扣款", ""]) if not c.us else "loan payment",
                )
                paid += pay
            c.debts.append((bank["name"], max(amt * 1.06 - paid, amt * 0.15), la))
        if c.own_co is not None:
            bank = self.bank_company(c, r)
            disb = r.day_between(add_months(c.hist_start, 2), c.distress)
            amt = self.human(r, self.fx(c, r.logn(900_000, 0.7)), c)
            la = self.loan_account(c, r, bank, disb)
            self.tx(
                c,
                la,
                c.own_co["accts"][0],
                amt,
                self.when(r, disb, "office"),
                "bank_transfer",
                "经营贷款放款" if not c.us else "business loan",
            )
            for dd in month_starts(disb + timedelta(days=31), min(c.distress, c.end)):
                self.tx(
                    c,
                    c.own_co["accts"][0],
                    la,
                    round(amt * 0.0052, 2),
                    self.when(r, dd + timedelta(days=19), "batch"),
                    "bank_transfer",
                    "利息" if not c.us else "interest",
                )
            c.debts.append(
                (bank["name"] + ("(保证)" if not c.us else " (guaranty)"), amt * r.u(0.6, 1.0), la)
            )
        c.lender = None
        if r.p(0.5):
            lender = self.add_person(
                c,
                r,
                "lender",
                "M" if r.p(0.7) else "F",
                date(r.ri(1955, 1990), r.ri(1, 12), r.ri(1, 28)),
                hometown=r.pick(HOMETOWNS),
                with_id=r.p(0.7),
            )
            self.person_accounts(c, r, lender, 1, r.ri(0, 1), c.hist_start)
            c.lender = lender
            disb = r.day_between(add_months(c.hist_start, 3), c.distress + timedelta(days=30))
            amt = self.human(r, self.fx(c, r.logn(250_000, 0.7)), c)
            self.tx(
                c,
                self.acc(lender),
                main,
                amt,
                self.when(r, disb),
                "bank_transfer",
                r.pick(["借款", "", "借", "周转"]) if not c.us else r.pick(["loan", ""]),
            )
            rate = r.u(0.01, 0.02)
            for dd in month_starts(
                disb + timedelta(days=31), min(c.distress + timedelta(days=r.ri(0, 90)), c.end)
            ):
                self.tx(
                    c,
                    self.acc(d, "app", r),
                    self.acc(lender, "app"),
                    self.human(r, amt * rate, c),
                    self.when(r, dd + timedelta(days=r.ri(0, 20))),
                    r.pick(["payment_app", "bank_transfer"]),
                    r.pick(["利息", "", "息"]) if not c.us else "",
                )
            c.debts.append((lender["name"], amt * r.u(0.7, 1.1), None))
        c.debts.append(
            (
                (
                    self.bank_company(c, r)["name"]
                    + ("信用卡中心" if not c.us else " card services")
                ),
                self.fx(c, r.logn(70_000, 0.7)),
                c.cc,
            )
        )
        # ---- month loop --------------------------------------------------------------------
        support_habit = r.u(0.3, 0.95)
        household_amt = self.fx(c, r.logn(5000, 0.5))
        card_share = r.u(0.2, 0.6)
        for ms in month_starts(c.hist_start, c.end):
            me = min(add_months(ms, 1) - ONE_DAY, c.end)
            if ms < c.hist_start.replace(day=1) or me < c.hist_start:
                continue
            distress = ms >= date(c.distress.year, c.distress.month, 1)
            # income
            pay_day = ms + timedelta(days=r.ri(4, 14))
            if c.hist_start <= pay_day <= c.end:
                if c.kind in ("employee", "gig"):
                    employed = c.salary_stop is None or pay_day < c.salary_stop
                    if employed:
                        amt = (
                            c.income
                            * r.u(0.92, 1.12)
                            * (0.75 if (distress and c.kind == "gig") else 1.0)
                        )
                        self.tx(
                            c,
                            c.employer["accts"][0],
                            main,
                            amt,
                            self.when(r, pay_day, "batch"),
                            "bank_transfer",
                            r.pick(["工资", "代发工资", "薪资", "工资 " + f"{ms:%Y%m}"])
                            if not c.us
                            else "PAYROLL",
                        )
                    elif c.new_job and pay_day >= c.new_job[0]:
                        tgt = d["bank"][-1]
                        self.tx(
                            c,
                            c.new_job[1]["accts"][0],
                            tgt,
                            c.new_job[2] * r.u(0.95, 1.05),
                            self.when(r, pay_day, "batch"),
                            "bank_transfer",
                            "工资" if not c.us else "PAYROLL",
                        )
                    elif r.p(0.35):  # odd jobs paid by app
                        self.tx(
                            c,
                            self.acc(r.pick(c.friends), "app"),
                            self.acc(d, "app"),
                            self.human(r, c.income * r.u(0.1, 0.4), c),
                            self.when(r, pay_day),
                            "payment_app",
                            r.pick(["", "劳务费", "辛苦费"]) if not c.us else "",
                        )
                else:
                    co = c.own_co
                    self.owner_month(c, r, co, ms, me, distress)
            # housing
            hd = ms + timedelta(days=r.ri(0, 9))
            if c.hist_start <= hd <= c.end:
                if c.home is None:
                    if not distress or r.p(0.8):
                        self.tx(
                            c,
                            self.acc(d, "app", r),
                            self.acc(c.landlord),
                            self.human(r, c.rent, c),
                            self.when(r, hd),
                            r.pick(["bank_transfer", "payment_app"]),
                            r.pick(["房租", "租金", "", f"{ms.month}月房租"])
                            if not c.us
                            else "rent",
                        )
                for pr in c.props:
                    mg = pr.get("mortgage")
                    if mg and hd >= pr["acq"] and (mg["stop"] is None or hd < mg["stop"]):
                        if not distress or r.p(0.55):
                            self.tx(
                                c,
                                main,
                                mg["acct"],
                                mg["monthly"],
                                self.when(r, hd, "batch"),
                                "bank_transfer",
                                r.pick(["房贷", "按揭还款", "自动扣款", ""])
                                if not c.us
                                else "MORTGAGE",
                            )
            # spending
            lam = c.spend_rate * (0.6 if distress else 1.0)
            for _ in range(r.poisson(lam)):
                dd = r.day_between(ms, me)
                if dd < c.hist_start:
                    continue
                src = c.cc if r.p(card_share) else r.pick(spend_from)
                m = r.pick(merchants)
                amt = self.fx(c, r.logn(260, 1.0))
                self.tx(
                    c,
                    src,
                    r.pick(m["accts"]),
                    amt,
                    self.when(r, dd),
                    "card" if src == c.cc or src in d["bank"] else "payment_app",
                    r.pick(
                        [
                            "",
                            "消费",
                            "快捷支付",
                            "财付通-" + m["name"][:6],
                            "支付宝-" + m["name"][:6],
                        ]
                    )
                    if not c.us
                    else r.pick(["POS", "", "ONLINE"]),
                )
            # credit card repayment
            dd = ms + timedelta(days=r.ri(15, 25))
            if c.hist_start <= dd <= c.end and (not distress or r.p(0.5)):
                self.tx(
                    c,
                    main,
                    c.cc,
                    self.fx(c, r.logn(3500, 0.6)) * (0.5 if distress else 1),
                    self.when(r, dd),
                    "bank_transfer",
                    r.pick(["信用卡还款", "还款", ""]) if not c.us else "CC PAYMENT",
                )
            # utilities
            if r.p(0.8):
                dd = r.day_between(ms, me)
                if dd >= c.hist_start:
                    u = r.pick(utilities)
                    self.tx(
                        c,
                        self.acc(d, "app", r),
                        u["accts"][0],
                        self.fx(c, r.logn(220, 0.5)),
                        self.when(r, dd),
                        "payment_app" if d["app"] else "bank_transfer",
                        r.pick(["电费", "水费", "话费", "燃气费", ""]) if not c.us else "utility",
                    )
            # cash
            for _ in range(r.poisson(c.cash_rate)):
                dd = r.day_between(ms, me)
                if dd >= c.hist_start:
                    amt = max(100, round(c.cash_size * r.u(0.4, 1.8) / 100) * 100)
                    self.tx(
                        c,
                        r.pick(d["bank"]),
                        None,
                        amt,
                        self.when(r, dd),
                        "cash_withdrawal",
                        r.pick(["ATM取款", "取现", "柜面取款", ""])
                        if not c.us
                        else "ATM WITHDRAWAL",
                    )
            if r.p(0.5 if c.kind == "gig" else 0.06):
                dd = r.day_between(ms, me)
                if dd >= c.hist_start:
                    self.tx(
                        c,
                        None,
                        r.pick(d["bank"]),
                        max(100, round(self.fx(c, r.logn(3000, 0.7)) / 100) * 100),
                        self.when(r, dd, "office"),
                        "cash_deposit",
                        r.pick(["现金存入", "存款", ""]) if not c.us else "DEPOSIT",
                    )
            if c.hk is not None and r.p(0.08):
                dd = r.day_between(ms, me)
                if dd >= c.hist_start:
                    a, b = (main, c.hk) if r.p(0.6) else (c.hk, main)
                    self.tx(
                        c,
                        a,
                        b,
                        self.human(r, self.fx(c, r.logn(20000, 0.7)), c),
                        self.when(r, dd, "office"),
                        "bank_transfer",
                        r.pick(["", "跨境汇款", "转账"]),
                    )
            # household money with the spouse
            sp = c.spouse
            if sp is not None and (c.divorce is None or ms < c.divorce):
                if r.p(0.75):
                    dd = r.day_between(ms, me)
                    if dd >= c.hist_start:
                        a, b = (d, sp) if r.p(0.7) else (sp, d)
                        self.tx(
                            c,
                            self.acc(a, "app", r),
                            self.acc(b, "app", r),
                            self.human(r, household_amt * r.u(0.5, 1.5), c),
                            self.when(r, dd),
                            r.pick(["payment_app", "bank_transfer"]),
                            r.pick(["家用", "", "生活费", "转账", "买菜", "房租", "孩子学费"])
                            if not c.us
                            else "",
                        )
            # support to parents / in-laws
            for pa in c.parents:
                if r.p(support_habit / max(1, len(c.parents)) * (0.7 if distress else 1.0)):
                    dd = r.day_between(ms, me)
                    if dd >= c.hist_start and self.acc(pa):
                        self.tx(
                            c,
                            self.acc(d, "app", r),
                            self.acc(pa, "app", r),
                            self.human(r, self.fx(c, r.logn(1500, 0.5)), c),
                            self.when(r, dd),
                            r.pick(["payment_app", "bank_transfer"]),
                            self.support_memo(r, pa)
                            if not c.us
                            else r.pick(["", "", "mom", "dad", "family"]),
                        )
            # Spring Festival red envelopes (Jan/Feb)
            if ms.month in (1, 2) and r.p(0.5) and not c.us:
                dd = r.day_between(ms, me)
                if dd >= c.hist_start:
                    for q in (
                        c.parents
                        + [p for p in c.in_laws if p["role"] == "parent_in_law"]
                        + [ch for ch in c.children if ch["bank"] or ch["app"]]
                    ):
                        if r.p(0.6):
                            self.tx(
                                c,
                                self.acc(d, "app"),
                                self.acc(q, "app"),
                                self.human(r, r.logn(2600, 0.5) * (0.5 if distress else 1), c),
                                self.when(r, dd),
                                "payment_app",
                                r.pick(["红包", "过年红包", "新年快乐", "压岁钱", ""]),
                            )
            # friends, siblings: small payments both ways
            if r.p(0.35):
                fr = r.pick(c.friends)
                a, b = (d, fr) if r.p(0.5) else (fr, d)
                dd = r.day_between(ms, me)
                if dd >= c.hist_start:
                    self.tx(
                        c,
                        self.acc(a, "app"),
                        self.acc(b, "app"),
                        self.human(r, self.fx(c, r.logn(400, 0.8)), c),
                        self.when(r, dd),
                        "payment_app",
                        r.pick(["AA", "", "饭钱", "还你", "红包", "车费"])
                        if not c.us
                        else r.pick(["dinner", "", "tickets"]),
                    )
            if c.siblings and r.p(0.06):
                sb = r.pick(c.siblings)
                a, b = (d, sb) if r.p(0.5) else (sb, d)
                dd = r.day_between(ms, me)
                if dd >= c.hist_start and self.acc(sb):
                    self.tx(
                        c,
                        self.acc(a, "app"),
                        self.acc(b, "app"),
                        self.human(r, self.fx(c, r.logn(3000, 0.8)), c),
                        self.when(r, dd),
                        r.pick(["payment_app", "bank_transfer"]),
                        r.pick(M_GIFT) if not c.us else "",
                    )
            # own-account shuffles (debit card -> app wallet, to securities)
            if len(d["bank"]) > 1 and r.p(0.3):
                dd = r.day_between(ms, me)
                if dd >= c.hist_start:
                    a, b = r.sample(d["bank"] + d["app"], 2)
                    self.tx(
                        c,
                        a,
                        b,
                        self.human(r, self.fx(c, r.logn(5000, 0.9)), c),
                        self.when(r, dd),
                        "bank_transfer" if b in d["bank"] else "payment_app",
                        r.pick(["", "转账", "自己转"]),
                    )
            # relatives' own activity (light)
            self.relatives_month(c, r, ms, me, merchants, pension, employers)

    @staticmethod
    def support_memo(r: R, pa: dict) -> str:
        m = r.pick(M_SUPPORT)
        if m in ("给妈", "给爸"):
            m = "给爸" if pa["gender"] == "M" else "给妈"
        return m

    def owner_month(self, c: Case, r: R, co: dict, ms: date, me: date, distress: bool):
        d = c.debtor
        city = "US" if c.us else c.city
        if not hasattr(c, "customers"):
            c.customers = r.sample(self.pool("customer", city), r.ri(2, 6))
            c.suppliers = r.sample(self.pool("supplier", city), r.ri(1, 4))
            c.payroll_bank = self.bank_company(c, r)
            c.payroll = self.loan_account(c, r, c.payroll_bank, co["inc"] + timedelta(days=30))
        fail = (
            c.distress + timedelta(days=r.ri(0, 60)) if getattr(c, "fail", None) is None else c.fail
        )
        c.fail = fail
        after = ms >= date(fail.year, fail.month, 1)
        rev_level = c.income * (r.u(3, 7) if not after else r.u(0.2, 1.2))
        if ms > c.anchor:
            rev_level *= 0.3 if r.p(0.5) else 0.0
        acct = co["accts"][0]
        for _ in range(r.ri(1, 3) if not after else r.ri(0, 1)):
            dd = r.day_between(ms, me)
            if dd >= c.hist_start:
                self.tx(
                    c,
                    r.pick(r.pick(c.customers)["accts"]),
                    r.pick(co["accts"]),
                    rev_level / 2 * r.u(0.6, 1.4),
                    self.when(r, dd, "office"),
                    "bank_transfer",
                    r.pick(M_BIZ) if not c.us else "invoice",
                )
        if rev_level > 0:
            for _ in range(r.ri(1, 2)):
                dd = r.day_between(ms, me)
                if dd >= c.hist_start:
                    self.tx(
                        c,
                        acct,
                        r.pick(r.pick(c.suppliers)["accts"]),
                        rev_level * r.u(0.15, 0.35),
                        self.when(r, dd, "office"),
                        "bank_transfer",
                        r.pick(M_BIZ) if not c.us else "supplies",
                    )
            dd = ms + timedelta(days=r.ri(8, 12))
            if c.hist_start <= dd <= c.end:
                self.tx(
                    c,
                    acct,
                    c.payroll,
                    rev_level * r.u(0.15, 0.3),
                    self.when(r, dd, "batch"),
                    "bank_transfer",
                    "代发工资" if not c.us else "PAYROLL",
                )
        # the owner's pay: company -> owner (salary, dividends, petty cash)
        dd = ms + timedelta(days=r.ri(8, 20))
        if c.hist_start <= dd <= c.end:
            if not after or r.p(0.25):
                self.tx(
                    c,
                    acct,
                    d["bank"][0],
                    c.income * r.u(0.7, 1.3) * (0.4 if after else 1),
                    self.when(r, dd, "office"),
                    "bank_transfer",
                    r.pick(["工资", "备用金", "报销", "分红", "借支", ""])
                    if not c.us
                    else "owner draw",
                )
            elif after and ms <= c.anchor and r.p(0.4):
                # owner props up the failing company (honest and dishonest alike)
                self.tx(
                    c,
                    d["bank"][0],
                    acct,
                    self.human(r, c.income * r.u(0.5, 3), c),
                    self.when(r, dd),
                    "bank_transfer",
                    r.pick(["借款", "注资", "发工资", "还供应商", "股东借款"])
                    if not c.us
                    else "capital contribution",
                )

    def relatives_month(self, c: Case, r: R, ms, me, merchants, pension, employers):
        for p in c.persons:
            role = p["role"]
            if role == "debtor" or not (p["bank"] or p["app"]):
                continue
            age = (ms - p["birth"]).days / 365.0
            if role in ("spouse", "ex_spouse") and (c.divorce is None or ms < c.divorce):
                k = r.poisson(1.6)
            elif role in ("parent", "parent_in_law"):
                k = 0
                if age >= 58 and r.p(0.9):
                    dd = ms + timedelta(days=r.ri(5, 12))
                    if c.hist_start <= dd <= c.end:
                        if "pension_src" not in p:
                            p["pension_src"] = r.pick(pension)["accts"][0]
                            p["pension_amt"] = self.fx(c, r.logn(2600, 0.45))
                        self.tx(
                            c,
                            p["pension_src"],
                            p["bank"][0],
                            p["pension_amt"],
                            self.when(r, dd, "batch"),
                            "bank_transfer",
                            "养老金" if not c.us else "SSA TREAS 310",
                        )
                if r.p(0.05):
                    dd = r.day_between(ms, me)
                    if c.hist_start <= dd:
                        self.tx(
                            c,
                            None,
                            p["bank"][0],
                            max(100, round(self.fx(c, r.logn(4000, 0.8)) / 100) * 100),
                            self.when(r, dd, "office"),
                            "cash_deposit",
                            r.pick(["现金存入", "存款", ""]),
                        )
                if r.p(0.4):
                    dd = r.day_between(ms, me)
                    if c.hist_start <= dd:
                        self.tx(
                            c,
                            p["bank"][0],
                            None,
                            max(100, round(self.fx(c, r.logn(1500, 0.5)) / 100) * 100),
                            self.when(r, dd),
                            "cash_withdrawal",
                            "",
                        )
            elif role in ("landlord", "lender", "biz_partner"):
                k = r.poisson(0.15)
            else:
                k = r.poisson(0.45)
                if (
                    role in ("sibling", "sibling_in_law", "child", "cousin", "partner", "friend")
                    and age > 22
                ):
                    if "employer" not in p:
                        p["employer"] = r.pick(employers) if r.p(0.55) else None
                        p["salary"] = self.fx(c, r.logn(9000, 0.5))
                    if p["employer"] is not None and r.p(0.85):
                        dd = ms + timedelta(days=r.ri(4, 14))
                        if c.hist_start <= dd <= c.end:
                            self.tx(
                                c,
                                p["employer"]["accts"][0],
                                p["bank"][0] if p["bank"] else p["app"][0],
                                p["salary"] * r.u(0.9, 1.1),
                                self.when(r, dd, "batch"),
                                "bank_transfer",
                                "工资" if not c.us else "PAYROLL",
                            )
            for _ in range(k):
                dd = r.day_between(ms, me)
                if dd < c.hist_start:
                    continue
                src = r.pick(p["bank"] + p["app"])
                self.tx(
                    c,
                    src,
                    r.pick(r.pick(merchants)["accts"]),
                    self.fx(c, r.logn(300, 1.0)),
                    self.when(r, dd),
                    "payment_app" if src in p["app"] else "card",
                    "",
                )

    # ================================================================ helpers for planted acts
    def relatives(self, c: Case, kinds: tuple, need_account=True) -> list:
        out = []
        for p in c.persons:
            role = p["role"]
            if role == "child" and not p.get("adult") and "minor_child" not in kinds:
                continue
            key = "minor_child" if role == "child" and not p.get("adult") else role
            if key in kinds and (not need_account or p["bank"] or p["app"]):
                out.append(p)
        return out

    def pick_relative(self, c: Case, r: R, weights: dict, need_account=True):
        cands, w = [], []
        for p in self.relatives(c, tuple(weights), need_account):
            key = "minor_child" if p["role"] == "child" and not p.get("adult") else p["role"]
            cands.append(p)
            w.append(weights[key])
        if not cands:
            return None
        return r.wpick(cands, w)

    def act(self, c: Case, typ: str, when: date, amount: float, party: dict | None, note: str = ""):
        """Remember a planted act (for the optional --acts side file, never for the input tables)."""
        rel = party["role"] if party else ""
        vis = party["vis"] if party else ""
        c.acts.append(
            [
                typ,
                iso(when),
                (c.anchor - when).days,
                f"{amount:.2f}",
                party["id"] if party else "",
                rel,
                vis,
                note,
            ]
        )

    def vis_tokens(self, c: Case, p: dict):
        if p is None:
            return
        tok = {"ident": "hidden_tie_identifier", "none": "hidden_tie_none"}.get(p["vis"])
        if tok and tok not in c.label_tokens:
            c.label_tokens.append(tok)

    def act_date(self, c: Case, r: R, kind: str = "fraud") -> date:
        """Date of a planted act, placed against the jurisdiction's look-back windows."""
        A = c.anchor
        mode = c.timing
        if kind == "pref":
            # preference windows: PRC 6 months (EBL 32 / SZ), early repayment 1 year (EBL 31(4));
            # US insider 1 year (547(b)(4)(B)), then 548's 2 years
            if c.us:
                if mode == "outside":
                    return add_years(A, -2) - timedelta(days=r.ri(1, 45))
                if mode == "extended":
                    return add_years(A, -1) - timedelta(days=r.ri(1, 300))
                if mode == "boundary":
                    return add_years(A, -1)
                return A - timedelta(days=r.ri(3, 90) if r.p(0.5) else r.ri(91, 364))
            b6 = add_months(A, -6)
            if mode == "outside":
                return add_years(A, -1) - timedelta(days=r.ri(1, 45))
            if mode == "extended":
                return b6 - timedelta(days=r.ri(1, (b6 - add_years(A, -1)).days - 1))
            if mode == "boundary":
                return b6
            return A - timedelta(days=r.ri(3, (A - b6).days))
        b1 = add_years(A, -1)
        if mode == "boundary":
            return b1
        if mode == "outside":
            if c.jur == "CN":
                return b1 - timedelta(days=r.ri(1, 60))
            return add_years(A, -2) - timedelta(days=r.ri(1, 75))
        if mode == "extended":
            b2 = add_years(A, -2)
            return b2 + timedelta(days=r.ri(2, (b1 - b2).days - 2))
        span = (A - b1).days
        if r.p(0.55):
            return A - timedelta(days=r.ri(5, 150))
        return A - timedelta(days=r.ri(150, span - 1))

    def spread(self, c: Case, r: R, d0: date, n: int, width: int) -> list:
        """n dates around d0 that stay on d0's side of the window boundaries."""
        if c.timing == "boundary":
            out = [d0] + [d0 + timedelta(days=r.ri(0, width)) for _ in range(n - 1)]
        else:
            out = [d0] + [d0 - timedelta(days=r.ri(0, width)) for _ in range(n - 1)]
            if c.timing in ("core", "extended"):
                lo = add_years(c.anchor, -1 if c.timing == "core" else -2)
                out = [max(x, lo + ONE_DAY) for x in out]
        return sorted(min(x, c.end) for x in out)

    def size(self, c: Case, r: R) -> float:
        band = r.wpick(["small", "medium", "large"], [0.3, 0.4, 0.3])
        frac = {"small": r.u(0.05, 0.2), "medium": r.u(0.2, 0.5), "large": r.u(0.5, 0.95)}[band]
        return max(self.fx(c, 30_000), c.W * frac)

    def fund(self, c: Case, r: R, amount: float, before: date):
        """Make a large outflow plausible: a visible inflow that precedes it."""
        d = c.debtor
        if amount < c.savings * 0.8:
            return
        gap = amount - c.savings * 0.5
        when = before - timedelta(days=r.ri(3, 60))
        how = r.wpick(["loan", "biz", "sec"], [0.4, 0.3 if c.own_co else 0.0, 0.3])
        if how == "loan":
            bank = self.bank_company(c, r)
            la = self.loan_account(c, r, bank, when)
            self.tx(
                c,
                la,
                d["bank"][0],
                self.human(r, gap, c),
                self.when(r, when, "office"),
                "bank_transfer",
                r.pick(["贷款发放", "经营贷放款", "消费贷", ""]) if not c.us else "loan proceeds",
            )
            c.debts.append((bank["name"], gap * 1.02, la))
        elif how == "biz":
            for _ in range(r.ri(1, 3)):
                self.tx(
                    c,
                    r.pick(r.pick(self.pool("customer", "US" if c.us else c.city))["accts"]),
                    r.pick([d["bank"][0], c.own_co["accts"][0]]),
                    gap / 2 * r.u(0.7, 1.3),
                    self.when(r, when - timedelta(days=r.ri(0, 30)), "office"),
                    "bank_transfer",
                    r.pick(M_BIZ) if not c.us else "invoice",
                )
        else:
            sec = self.securities(c, r)
            for _ in range(r.ri(1, 2)):
                self.tx(
                    c,
                    sec,
                    d["bank"][0],
                    gap * r.u(0.5, 0.7),
                    self.when(r, when - timedelta(days=r.ri(0, 20)), "office"),
                    "bank_transfer",
                    r.pick(["证券转银行", "银证转账", ""]) if not c.us else "brokerage transfer",
                )

    def securities(self, c: Case, r: R) -> str:
        d = c.debtor
        if not d.get("sec"):
            inst = (
                r.pick(["中信证券", "华泰证券", "平安证券", "招商证券"])
                if not c.us
                else r.pick(["Charles Schwab", "Fidelity", "Robinhood"])
            )
            d["sec"] = self.account(
                r, d["id"], "securities", inst, c.hist_start - timedelta(days=r.ri(30, 2000)), c.cur
            )
        return d["sec"]

    def split_pay(
        self,
        c: Case,
        r: R,
        frm: str,
        to: str,
        total: float,
        dates: list,
        memo_pool,
        channel=None,
        app_cap: float | None = None,
    ):
        """Pay ``total`` in ``len(dates)`` parts; app transfers are capped per transfer."""
        n = len(dates)
        w = np.asarray([r.u(0.5, 1.5) for _ in range(n)])
        parts = total * w / w.sum()
        for amt, dd in zip(parts, dates):
            ch = channel or (
                "payment_app" if (app_cap and amt <= app_cap and r.p(0.4)) else "bank_transfer"
            )
            self.tx(c, frm, to, self.human(r, amt, c), self.when(r, dd), ch, r.pick(memo_pool))

    # ================================================================ shared life events (decoys)
    def life_events(self, c: Case, r: R):
        d = c.debtor
        A = c.anchor
        city = "US" if c.us else c.city
        gm = M_GIFT if not c.us else US_M_GIFT
        tag = c.tags.append
        main = d["bank"][0]
        # securities activity (both classes)
        if r.p(0.3):
            sec = self.securities(c, r)
            for _ in range(r.ri(1, 4)):
                dd = r.day_between(c.hist_start, min(A, c.end))
                a, b = (main, sec) if r.p(0.5) else (sec, main)
                self.tx(
                    c,
                    a,
                    b,
                    self.human(r, self.fx(c, r.logn(40_000, 0.9)), c),
                    self.when(r, dd, "office"),
                    "bank_transfer",
                    r.pick(["银证转账", "证券转银行", "银行转证券", ""])
                    if not c.us
                    else "transfer",
                )
        # parent's medical bills, money routed through the parent to the hospital
        if c.parents and r.p(0.22):
            pa = r.pick(c.parents)
            if self.acc(pa):
                hosp = r.pick(self.pool("hospital", city))
                dd = r.day_between(add_months(A, -20), A - timedelta(days=20))
                amt = self.human(r, self.fx(c, r.logn(55_000, 0.6)), c)
                self.tx(
                    c,
                    main,
                    self.acc(pa),
                    amt,
                    self.when(r, dd),
                    "bank_transfer",
                    r.pick(
                        [
                            "医药费",
                            "手术费",
                            "住院费",
                            "",
                            "给爸看病" if pa["gender"] == "M" else "给妈看病",
                        ]
                    )
                    if not c.us
                    else "medical",
                )
                left = amt * r.u(0.85, 1.0)
                for k in range(r.ri(1, 3)):
                    self.tx(
                        c,
                        self.acc(pa),
                        hosp["accts"][0],
                        left / (k + 1) if k == 0 else left * 0.2,
                        self.when(r, dd + timedelta(days=r.ri(0, 8)), "office"),
                        "card",
                        r.pick(["住院押金", "医疗费", ""]) if not c.us else "",
                    )
                if r.p(0.5):
                    self.tx(
                        c,
                        main,
                        hosp["accts"][0],
                        self.fx(c, r.logn(8000, 0.6)),
                        self.when(r, dd + timedelta(days=r.ri(0, 30)), "office"),
                        "card",
                        "",
                    )
                tag("decoy_parent_medical")
        # tuition / wedding of children
        adults = [ch for ch in c.children if ch.get("adult") and (ch["bank"] or ch["app"])]
        if c.children and r.p(0.35):
            school = r.pick(self.pool("school", city))
            for y in range(c.hist_start.year, min(A.year, c.end.year) + 1):
                dd = date(y, 9, r.ri(1, 15))
                if c.hist_start <= dd <= c.end:
                    ch = r.pick(c.children)
                    if ch in adults and r.p(0.5):
                        self.tx(
                            c,
                            self.acc(d, "app"),
                            self.acc(ch, "app"),
                            self.human(r, self.fx(c, r.logn(9000, 0.4)), c),
                            self.when(r, dd),
                            "payment_app",
                            r.pick(["学费", "生活费", "开学", ""]),
                        )
                    else:
                        self.tx(
                            c,
                            main,
                            school["accts"][0],
                            self.fx(c, r.logn(12000, 0.8)),
                            self.when(r, dd, "office"),
                            "bank_transfer",
                            r.pick(["学费", "学杂费", "", "tuition"]) if not c.us else "tuition",
                        )
            tag("decoy_child_tuition")
        if adults and r.p(0.25):
            ch = r.pick(adults)
            dd = r.day_between(add_months(A, -24), A - timedelta(days=15))
            self.tx(
                c,
                main,
                self.acc(ch),
                self.human(r, self.fx(c, r.logn(40_000, 0.45)), c),
                self.when(r, dd),
                "bank_transfer",
                r.pick(["结婚", "婚礼", "红包", "", "嫁妆"]) if not c.us else "wedding gift",
            )
            for q in r.sample(c.siblings + c.friends + c.in_laws, r.ri(2, 6)):
                if self.acc(q):
                    self.tx(
                        c,
                        self.acc(q, "app"),
                        self.acc(d, "app"),
                        self.human(r, self.fx(c, r.logn(1500, 0.6)), c),
                        self.when(r, dd - timedelta(days=r.ri(0, 5))),
                        "payment_app",
                        r.pick(["红包", "新婚快乐", ""]),
                    )
            tag("decoy_child_wedding")
        # red envelopes for relatives' weddings, both ways
        if (c.siblings or c.in_laws) and r.p(0.25):
            q = r.pick(c.siblings + c.in_laws)
            if self.acc(q):
                dd = r.day_between(c.hist_start, min(A, c.end))
                self.tx(
                    c,
                    self.acc(d, "app"),
                    self.acc(q, "app"),
                    self.human(r, self.fx(c, r.logn(6000, 0.6)), c),
                    self.when(r, dd),
                    "payment_app",
                    r.pick(["红包", "份子钱", "新婚快乐", "随礼"]),
                )
                tag("decoy_red_envelopes")
        # funeral of a grandparent: costs out, condolence money in
        if r.p(0.1):
            dd = r.day_between(c.hist_start, A - timedelta(days=10))
            fh = r.pick(self.pool("funeral", city))
            self.tx(
                c,
                main,
                fh["accts"][0],
                self.fx(c, r.logn(25000, 0.5)),
                self.when(r, dd, "office"),
                "card",
                r.pick(["丧葬费", "殡葬服务", ""]) if not c.us else "funeral services",
            )
            for q in r.sample(c.persons, r.ri(3, 7)):
                if q is not d and self.acc(q):
                    self.tx(
                        c,
                        self.acc(q, "app"),
                        self.acc(d, "app"),
                        self.human(r, self.fx(c, r.logn(1000, 0.6)), c),
                        self.when(r, dd - timedelta(days=r.ri(0, 4))),
                        "payment_app",
                        r.pick(["帛金", "节哀", ""]),
                    )
            if r.p(0.5):
                self.tx(
                    c,
                    main,
                    None,
                    self.human(r, self.fx(c, r.logn(15000, 0.4)), c),
                    self.when(r, dd),
                    "cash_withdrawal",
                    "取现",
                )
            tag("decoy_funeral")
        # family loan to the debtor, repaid in ordinary instalments
        lenders = [p for p in c.parents + c.siblings + c.in_laws + c.others if self.acc(p)]
        if lenders and r.p(0.22):
            q = r.pick(lenders)
            dd = r.day_between(add_months(c.hist_start, 2), c.distress + timedelta(days=90))
            amt = self.human(r, self.fx(c, r.logn(80_000, 0.7)), c)
            self.tx(
                c,
                self.acc(q),
                main,
                amt,
                self.when(r, dd),
                "bank_transfer",
                r.pick(["借款", "借你的", "", "周转"]) if not c.us else "loan",
            )
            inst = self.human(r, amt / r.ri(12, 40), c)
            paid = 0.0
            for ms in month_starts(dd + timedelta(days=40), c.end):
                if paid >= amt or r.p(0.25):
                    continue
                self.tx(
                    c,
                    self.acc(d, "app"),
                    self.acc(q, "app"),
                    inst,
                    self.when(r, ms + timedelta(days=r.ri(0, 25))),
                    r.pick(["payment_app", "bank_transfer"]),
                    r.pick(["还款", "还钱", "", "还借款"]) if not c.us else "",
                )
                paid += inst
            tag("decoy_relative_loan")
        # relatives help out during distress (inflows)
        if lenders and r.p(0.3):
            for _ in range(r.ri(1, 3)):
                q = r.pick(lenders)
                dd = r.day_between(c.distress, min(c.end, A + timedelta(days=120)))
                self.tx(
                    c,
                    self.acc(q, "app"),
                    self.acc(d, "app"),
                    self.human(r, self.fx(c, r.logn(12_000, 0.8)), c),
                    self.when(r, dd),
                    r.pick(["payment_app", "bank_transfer"]),
                    r.pick(gm),
                )
        # honest repayments to unrelated creditors during distress
        if c.lender is not None and r.p(0.5):
            for _ in range(r.ri(1, 3)):
                dd = r.day_between(c.distress, A - timedelta(days=5))
                self.tx(
                    c,
                    main,
                    self.acc(c.lender),
                    self.human(r, self.fx(c, r.logn(25_000, 0.7)), c),
                    self.when(r, dd),
                    "bank_transfer",
                    r.pick(["还款", "还本金", ""]) if not c.us else "repayment",
                )
            tag("decoy_repay_unrelated")
        # new account opened in the year before the anchor (new job, new phone wallet ...)
        if r.p(0.18):
            op = r.day_between(add_years(A, -1), A - timedelta(days=10))
            inst = (
                r.pick([b for b, _ in CN_BANKS] + ["支付宝", "微信支付"])
                if not c.us
                else r.pick(US_BANKS + ["Venmo"])
            )
            kind = "payment_app" if inst in ("支付宝", "微信支付", "Venmo") else "bank"
            a = self.account(r, d["id"], kind, inst, op, c.cur)
            d["bank" if kind == "bank" else "app"].append(a)
            for _ in range(r.ri(2, 8)):
                dd = r.day_between(op, c.end)
                self.tx(
                    c,
                    a,
                    r.pick(r.pick(self.pool("merchant", city))["accts"]),
                    self.fx(c, r.logn(300, 0.9)),
                    self.when(r, dd),
                    "payment_app" if kind == "payment_app" else "card",
                    "",
                )
            self.tx(
                c,
                main,
                a,
                self.human(r, self.fx(c, r.logn(5000, 0.6)), c),
                self.when(r, op + timedelta(days=1)),
                "bank_transfer",
                "",
            )
            tag("decoy_new_account")
        # one-off legitimate cash need
        if r.p(0.1):
            dd = r.day_between(c.hist_start, A - timedelta(days=10))
            for _ in range(r.ri(1, 2)):
                self.tx(
                    c,
                    r.pick(d["bank"]),
                    None,
                    self.human(r, self.fx(c, r.logn(20_000, 0.4)), c),
                    self.when(r, dd + timedelta(days=r.ri(0, 3))),
                    "cash_withdrawal",
                    r.pick(["取现", "柜面取款", ""]),
                )
        if c.cash_rate >= 3.0:
            tag("decoy_cash_habit")
        if c.own_co is not None:
            tag("decoy_business_failure")
        # relative's own long-standing company employs or supplies the debtor
        if c.siblings and r.p(0.1):
            sb = r.pick(c.siblings)
            inc = add_months(A, -r.ri(40, 180))
            co = self.add_company(
                r,
                self.company_name(c.us, r, c.city),
                "" if c.us else CITY[c.city]["districts"][0][1],
                inc,
                self.co_address(c, r),
                "存续" if not c.us else "active",
                c.cur,
                r.pick(US_BANKS) if c.us else r.pick(CN_BANKS)[0],
                c.us,
                1,
            )
            self.role(sb, co, "shareholder", r.pick([1.0, 0.7, 0.6]), inc)
            self.role(sb, co, "legal_representative", None, inc)
            self.co_identifiers(c, r, co)
            for ms in month_starts(max(c.hist_start, inc + timedelta(days=40)), c.end):
                if r.p(0.7):
                    cust = r.pick(self.pool("customer", city))
                    self.tx(
                        c,
                        cust["accts"][0],
                        co["accts"][0],
                        self.fx(c, r.logn(60_000, 0.7)),
                        self.when(r, ms + timedelta(days=r.ri(0, 27)), "office"),
                        "bank_transfer",
                        r.pick(M_BIZ) if not c.us else "invoice",
                    )
            if c.salary_stop is not None:
                start = max(c.salary_stop + timedelta(days=r.ri(20, 120)), inc + timedelta(days=60))
                self.role(d, co, "employee", None, start)
                for ms in month_starts(start, c.end):
                    self.tx(
                        c,
                        co["accts"][0],
                        main,
                        c.income * r.u(0.5, 0.7),
                        self.when(r, ms + timedelta(days=9), "batch"),
                        "bank_transfer",
                        "工资" if not c.us else "payroll",
                    )
            else:
                for _ in range(r.ri(2, 6)):
                    dd = r.day_between(max(c.hist_start, inc + timedelta(days=40)), min(A, c.end))
                    self.tx(
                        c,
                        main,
                        co["accts"][0],
                        self.fx(c, r.logn(6000, 0.7)),
                        self.when(r, dd, "office"),
                        "bank_transfer",
                        r.pick(M_BIZ) if not c.us else "invoice",
                    )
            tag("decoy_relative_company")
        # a recently incorporated, unrelated vendor (renovation, training, agency ...)
        if r.p(0.12):
            vend_rep = self.new_friend(c, r, "vendor_owner")
            dd = r.day_between(add_years(A, -2), A - timedelta(days=10))
            co = self.add_company(
                r,
                self.company_name(
                    c.us,
                    r,
                    c.city,
                    None
                    if c.us
                    else r.pick(
                        ["装饰工程", "教育咨询", "汽车服务", "信息咨询", "家政服务", "商贸"]
                    ),
                ),
                "" if c.us else CITY[c.city]["districts"][0][1],
                dd - timedelta(days=r.ri(20, 300)),
                self.co_address(c, r),
                "存续" if not c.us else "active",
                c.cur,
                r.pick(US_BANKS) if c.us else r.pick(CN_BANKS)[0],
                c.us,
                1,
            )
            self.role(vend_rep, co, "shareholder", 1.0, co["inc"])
            self.role(vend_rep, co, "legal_representative", None, co["inc"])
            tot = self.fx(c, r.logn(30_000, 0.6))
            for k in range(r.ri(1, 4)):
                self.tx(
                    c,
                    r.pick(d["bank"] + d["app"]),
                    co["accts"][0],
                    self.human(r, tot / 2, c),
                    self.when(r, dd + timedelta(days=k * r.ri(3, 30)), "office"),
                    "bank_transfer",
                    r.pick(["装修款", "培训费", "服务费", "货款", "定金", ""])
                    if not c.us
                    else "services",
                )
            for _ in range(r.ri(2, 8)):
                self.tx(
                    c,
                    r.pick(r.pick(self.pool("customer", city))["accts"]),
                    co["accts"][0],
                    self.fx(c, r.logn(20_000, 0.8)),
                    self.when(r, r.day_between(co["inc"], c.end), "office"),
                    "bank_transfer",
                    r.pick(M_BIZ) if not c.us else "invoice",
                )
            self.co_identifiers(c, r, co)
            tag("decoy_new_vendor")
        # the debtor restarts a small business in his own name after the failure
        if r.p(0.06):
            inc = r.day_between(c.distress, A - timedelta(days=30))
            co = self.add_company(
                r,
                self.company_name(c.us, r, c.city),
                "" if c.us else CITY[c.city]["districts"][0][1],
                inc,
                self.co_address(c, r),
                "存续" if not c.us else "active",
                c.cur,
                r.pick(US_BANKS) if c.us else r.pick(CN_BANKS)[0],
                c.us,
                1,
            )
            self.role(d, co, "shareholder", 1.0, inc)
            self.role(d, co, "legal_representative", None, inc)
            if c.spouse is not None and c.divorce is None and r.p(0.4):
                self.role(c.spouse, co, "supervisor", None, inc)
            self.tx(
                c,
                main,
                co["accts"][0],
                self.human(r, self.fx(c, r.logn(30_000, 0.6)), c),
                self.when(r, inc + timedelta(days=r.ri(5, 30)), "office"),
                "bank_transfer",
                r.pick(["注册资本", "投资款", "实缴出资"]) if not c.us else "capital contribution",
            )
            for ms in month_starts(inc + timedelta(days=40), c.end):
                if r.p(0.6):
                    self.tx(
                        c,
                        r.pick(r.pick(self.pool("customer", city))["accts"]),
                        co["accts"][0],
                        self.fx(c, r.logn(15_000, 0.7)),
                        self.when(r, ms + timedelta(days=r.ri(0, 25)), "office"),
                        "bank_transfer",
                        r.pick(M_BIZ) if not c.us else "invoice",
                    )
                if r.p(0.5):
                    self.tx(
                        c,
                        co["accts"][0],
                        main,
                        self.fx(c, r.logn(6_000, 0.4)),
                        self.when(r, ms + timedelta(days=r.ri(5, 15)), "office"),
                        "bank_transfer",
                        "工资" if not c.us else "owner draw",
                    )
            self.co_identifiers(c, r, co)
            tag("decoy_restart_company")
        # a relative buys a home with their own money and a mortgage
        buyers = [p for p in c.siblings + c.in_laws + adults + c.others if p["bank"]]
        if buyers and r.p(0.12):
            q = r.pick(buyers)
            dd = r.day_between(add_years(A, -2), A - timedelta(days=10))
            dev = r.pick(self.pool("developer", city))
            val = self.fx(
                c, r.logn(2_000_000 if c.city == "SZ" else 1_100_000, 0.45)
            ) / price_index(city, dd)
            pr = self.new_property(
                c,
                r,
                "real_estate",
                val,
                self.address(c, r),
                dd,
                {q["id"]: 1.0},
                first=True,
                seller=dev["id"],
            )
            price = self.value_at(pr, dd)
            down = price * r.u(0.3, 0.4)
            for k in range(r.ri(1, 2)):
                self.tx(
                    c,
                    self.acc(q, "bank", r),
                    dev["accts"][0],
                    round(down / (k + 1) if k == 0 else down / 2, 2),
                    self.when(r, dd - timedelta(days=r.ri(0, 20)), "office"),
                    "bank_transfer",
                    r.pick(["首付款", "购房款", "定金"]) if not c.us else "down payment",
                )
            la = self.loan_account(c, r, self.bank_company(c, r), dd)
            self.tx(
                c,
                la,
                dev["accts"][0],
                round(price - down, -2),
                self.when(r, dd + timedelta(days=r.ri(5, 30)), "office"),
                "bank_transfer",
                "按揭放款" if not c.us else "mortgage funding",
            )
            if r.p(0.3):
                self.tx(
                    c,
                    self.acc(d, "app"),
                    self.acc(q, "app"),
                    self.human(r, self.fx(c, r.logn(8000, 0.5)), c),
                    self.when(r, dd + timedelta(days=r.ri(0, 60))),
                    "payment_app",
                    r.pick(["乔迁之喜", "红包", "恭喜"]) if not c.us else "housewarming",
                )
            tag("decoy_relative_buys_home")
        # the failed business: registry status and worthless equity
        if c.own_co is not None and c.fail is not None and c.fail < c.anchor:
            c.equity["fail"] = c.fail
            c.own_co["row"][5] = (
                r.wpick(["吊销，未注销", "注销", "存续(经营异常)", "存续"], [0.3, 0.2, 0.25, 0.25])
                if not c.us
                else r.pick(["dissolved", "suspended", "active"])
            )
            eq = c.equity
            if (
                c.co_partner is not None
                and eq not in c.reserved
                and r.p(0.3)
                and d["id"] in eq["owners"]
            ):
                dd = r.day_between(c.fail + timedelta(days=10), A - timedelta(days=10))
                share = eq["owners"][d["id"]]
                val = self.value_at(eq, dd) * share
                price = round(val * r.u(0.8, 1.05), 2)
                self.title(
                    c,
                    r,
                    eq,
                    d["id"],
                    c.co_partner["id"],
                    dd,
                    price,
                    val if r.p(0.7) else None,
                    share,
                )
                for row in self.rows["company_roles"]:
                    if (
                        row[0] == d["id"]
                        and row[1] == c.own_co["id"]
                        and row[2] in ("shareholder", "legal_representative")
                    ):
                        row[5] = iso(dd)
                        self.role(
                            c.co_partner,
                            c.own_co,
                            row[2],
                            share if row[2] == "shareholder" else None,
                            dd,
                        )
                if price > 100:
                    self.tx(
                        c,
                        self.acc(c.co_partner),
                        main,
                        price,
                        self.when(r, dd + timedelta(days=r.ri(0, 20))),
                        "bank_transfer",
                        "股权转让款" if not c.us else "purchase price",
                    )
                tag("decoy_equity_exit")
        # property events
        self.property_events(c, r)

    def property_events(self, c: Case, r: R):
        d = c.debtor
        A = c.anchor
        own = [
            p
            for p in c.props
            if p["kind"] in ("real_estate", "vehicle")
            and d["id"] in p["owners"]
            and p["acq"] < A - timedelta(days=400)
            and p not in c.reserved
        ]
        # distress sale to an unrelated buyer at (near) market value
        if own and r.p(0.32):
            pr = r.pick(own)
            own.remove(pr)
            dd = r.day_between(
                max(c.distress, pr["acq"] + timedelta(days=200)), A - timedelta(days=20)
            )
            mv = self.value_at(pr, dd)
            ratio = r.u(0.78, 1.0)
            buyer = self.add_person(
                c,
                r,
                "buyer",
                "M" if r.p(0.5) else "F",
                date(r.ri(1960, 1995), r.ri(1, 12), r.ri(1, 28)),
                hometown=r.pick(HOMETOWNS),
                with_id=r.p(0.8),
            )
            self.person_accounts(c, r, buyer, 1, 0, c.hist_start)
            self.sell(c, r, pr, buyer, dd, mv, ratio, pay="full")
            c.tags.append("decoy_distress_sale")
        # honest sale to a relative at market value, fully paid
        rels = [p for p in c.siblings + c.in_laws + c.parents + c.others if p["bank"]]
        if own and rels and r.p(0.07):
            pr = r.pick(own)
            own.remove(pr)
            q = r.pick(rels)
            dd = r.day_between(
                max(c.distress - timedelta(days=200), pr["acq"] + timedelta(days=200)),
                A - timedelta(days=20),
            )
            self.sell(c, r, pr, q, dd, self.value_at(pr, dd), r.u(0.93, 1.05), pay="full")
            c.tags.append("decoy_market_sale_to_relative")
        # a flat given to a child long ago, for the child's marriage
        adults = [ch for ch in c.children if ch.get("adult")]
        if adults and not c.us and r.p(0.3):
            ch = r.pick(adults)
            acq = add_years(A, -r.ri(9, 16))
            pr = self.new_property(
                c,
                r,
                "real_estate",
                self.fx(c, r.logn(1_500_000, 0.5)),
                self.address(c, r),
                acq,
                {d["id"]: 1.0},
                first=True,
            )
            gd = add_years(A, -r.ri(6, 8)) - timedelta(days=r.ri(0, 300))
            self.title(
                c,
                r,
                pr,
                d["id"],
                ch["id"],
                gd,
                0.0,
                self.value_at(pr, gd) if r.p(0.6) else None,
                1.0,
            )
            c.tags.append("decoy_early_gift_child")
        # genuine divorce, balanced split and child support
        if c.genuine_divorce:
            self.genuine_divorce(c, r)

    def sell(
        self,
        c: Case,
        r: R,
        pr: dict,
        buyer: dict,
        dd: date,
        mv: float,
        ratio: float,
        pay: str,
        payer: dict | None = None,
        record_mv: bool | None = None,
    ):
        """Title change from the debtor to ``buyer``; money flows according to ``pay``."""
        d = c.debtor
        share = pr["owners"].get(d["id"], 1.0)
        price = mv * ratio * share
        if record_mv is None:
            record_mv = r.p(0.8)
        self.title(
            c,
            r,
            pr,
            d["id"],
            buyer["id"],
            dd,
            round(price, -2) if price > 1000 else round(price, 2),
            mv * share if record_mv else None,
            share,
        )
        if pr.get("mortgage") is not None:
            pr["mortgage"]["stop"] = dd
        payer = payer or buyer
        src = self.acc(payer)
        if pay == "none" or price <= 0 or src is None:
            return price
        paid = price if pay == "full" else price * r.u(0.2, 0.6)
        dep = self.human(r, paid * r.u(0.05, 0.2), c) if paid > self.fx(c, 100_000) else 0
        if dep:
            self.tx(
                c,
                src,
                c.debtor["bank"][0],
                dep,
                self.when(r, dd - timedelta(days=r.ri(10, 45))),
                "bank_transfer",
                r.pick(["定金", "购房定金", "订金", ""]) if not c.us else "earnest money",
            )
        rest = paid - dep
        if pr["kind"] == "real_estate" and rest > self.fx(c, 300_000) and r.p(0.5):
            bank = self.bank_company(c, r)
            la = self.loan_account(c, r, bank, dd)
            loan = rest * r.u(0.4, 0.7)
            self.tx(
                c,
                la,
                c.debtor["bank"][0],
                round(loan, -2),
                self.when(r, dd + timedelta(days=r.ri(5, 30)), "office"),
                "bank_transfer",
                "按揭放款" if not c.us else "escrow payoff",
            )
            rest -= loan
        self.tx(
            c,
            src,
            c.debtor["bank"][0],
            round(rest, 2),
            self.when(r, dd + timedelta(days=r.ri(-3, 10))),
            "bank_transfer",
            r.pick(["购房款", "房款", "车款", "尾款", ""]) if not c.us else "purchase price",
        )
        if pr.get("mortgage") is not None and pay == "full":
            self.tx(
                c,
                c.debtor["bank"][0],
                pr["mortgage"]["acct"],
                round(price * r.u(0.25, 0.5), 2),
                self.when(r, dd + timedelta(days=r.ri(5, 40)), "office"),
                "bank_transfer",
                "提前还款" if not c.us else "mortgage payoff",
            )
        return price

    def genuine_divorce(self, c: Case, r: R):
        d, s = c.debtor, c.spouse
        dv = c.divorce
        self.end_marriage(c, r, dv)
        s["addr"] = self.address(c, r)  # moves out
        c.shared_ids = [x for x in c.shared_ids if x[0] != s["id"]]
        home = (
            c.home
            if (c.home is not None and d["id"] in c.home["owners"] and c.home not in c.reserved)
            else None
        )
        if home is not None:
            if r.p(0.5):
                # spouse keeps the flat and pays the debtor half the equity (折价款)
                share = home["owners"].get(d["id"], 1.0)
                mv = self.value_at(home, dv)
                self.title(
                    c,
                    r,
                    home,
                    d["id"],
                    s["id"],
                    dv,
                    0.0 if share < 1 else None,
                    mv * share if r.p(0.7) else None,
                    share,
                    ref=f"离婚析产{dv.year}第{r.digits(6)}号" if not c.us else None,
                )
                comp = mv * share * r.u(0.35, 0.55)
                n_pay = r.ri(1, 3)
                for _ in range(n_pay):
                    self.tx(
                        c,
                        self.acc(s),
                        d["bank"][0],
                        round(comp / n_pay, -2),
                        self.when(r, dv + timedelta(days=r.ri(0, 90))),
                        "bank_transfer",
                        r.pick(["折价款", "房屋补偿款", ""])
                        if not c.us
                        else "equalization payment",
                    )
            else:
                buyer = self.add_person(
                    c, r, "buyer", "M", date(r.ri(1960, 1995), 5, 5), hometown=r.pick(HOMETOWNS)
                )
                self.person_accounts(c, r, buyer, 1, 0, c.hist_start)
                price = self.sell(
                    c,
                    r,
                    home,
                    buyer,
                    dv + timedelta(days=r.ri(10, 120)),
                    self.value_at(home, dv),
                    r.u(0.85, 1.0),
                    pay="full",
                )
                self.tx(
                    c,
                    d["bank"][0],
                    self.acc(s),
                    round(price * r.u(0.2, 0.4), -2),
                    self.when(r, dv + timedelta(days=r.ri(130, 160))),
                    "bank_transfer",
                    r.pick(["分割房款", "房款", ""]) if not c.us else "sale proceeds split",
                )
        minors = [ch for ch in c.children if not ch.get("adult")]
        if minors:
            amt = self.human(r, self.fx(c, r.logn(2500, 0.4)), c)
            for ms in month_starts(dv + timedelta(days=20), c.end):
                if r.p(0.85):
                    self.tx(
                        c,
                        self.acc(d, "app"),
                        self.acc(s, "app"),
                        amt,
                        self.when(r, ms + timedelta(days=r.ri(0, 10))),
                        r.pick(["payment_app", "bank_transfer"]),
                        r.pick(["抚养费", "孩子生活费", ""]) if not c.us else "child support",
                    )
        c.tags.append("decoy_genuine_divorce")

    def end_marriage(self, c: Case, r: R, dv: date):
        d, s = c.debtor, c.spouse
        for row in self.rows["relations"]:
            if {row[0], row[1]} == {d["id"], s["id"]} and row[2] == "spouse":
                row[4] = iso(dv)
                if r.p(0.4):
                    row[2] = "former_spouse"
                break
        s["role"] = "ex_spouse"

    # ================================================================ evasion typologies
    REL_W = {
        "spouse": 3,
        "sibling": 3,
        "parent": 2,
        "parent_in_law": 1.2,
        "sibling_in_law": 1.2,
        "child": 1.5,
        "cousin": 0.8,
        "partner": 1.5,
    }

    def t_gift(self, c: Case, r: R):
        d = c.debtor
        q = self.pick_relative(c, r, self.REL_W)
        if q is None:
            return False
        total = self.size(c, r)
        d0 = self.act_date(c, r)
        self.fund(c, r, total, d0)
        cap = self.fx(c, 50_000)
        if total <= cap * 6 and r.p(
            0.35
        ):  # app transfers under the per-transfer cap, day after day
            n = max(1, int(np.ceil(total / cap)))
            dates = self.spread(c, r, d0, n, 3 * n)
            for dd in dates:
                self.tx(
                    c,
                    self.acc(d, "app", r),
                    self.acc(q, "app"),
                    self.human(r, total / n, c),
                    self.when(r, dd),
                    "payment_app",
                    r.pick(M_GIFT if not c.us else US_M_GIFT),
                )
        else:
            dates = self.spread(c, r, d0, r.ri(1, 4), r.ri(2, 40))
            self.split_pay(
                c,
                r,
                r.pick(d["bank"]),
                self.acc(q, "bank", r),
                total,
                dates,
                M_GIFT if not c.us else US_M_GIFT,
                "bank_transfer",
            )
        # the relative parks the money: own second account, time deposit or cash
        if r.p(0.45):
            dd = dates[-1] + timedelta(days=r.ri(1, 20))
            if len(q["bank"]) > 1 and r.p(0.5):
                self.tx(
                    c,
                    q["bank"][0],
                    q["bank"][1],
                    self.human(r, total * r.u(0.6, 0.95), c),
                    self.when(r, dd),
                    "bank_transfer",
                    r.pick(["", "转存", "定期"]),
                )
            else:
                self.tx(
                    c,
                    self.acc(q),
                    None,
                    self.human(r, total * r.u(0.2, 0.6), c),
                    self.when(r, dd),
                    "cash_withdrawal",
                    r.pick(["取现", ""]),
                )
        self.vis_tokens(c, q)
        self.act(c, "gift_to_relative", dates[0], total, q, f"{len(dates)} transfers")
        return "gift_to_relative"

    def new_friend(self, c: Case, r: R, role="friend") -> dict:
        fr = self.add_person(
            c,
            r,
            role,
            "M" if r.p(0.6) else "F",
            c.debtor["birth"] + timedelta(days=r.ri(-5000, 5000)),
            hometown=r.pick(HOMETOWNS),
            with_id=r.p(0.6),
        )
        self.person_accounts(c, r, fr, 1, r.ri(0, 1), c.hist_start)
        return fr

    def fresh_company(
        self,
        c: Case,
        r: R,
        inc: date,
        owner: dict,
        rep: dict,
        share_owner=1.0,
        minority: dict | None = None,
        status=None,
    ) -> dict:
        name = self.company_name(c.us, r, c.city)
        area = (
            ""
            if c.us
            else (CITY[c.city]["districts"][r.ri(0, len(CITY[c.city]["districts"]) - 1)][1])
        )
        addr = self.co_address(c, r) if r.p(0.7) else owner["addr"]
        if status is None:
            status = (
                r.wpick(
                    ["存续", "注销", "吊销，未注销", "存续(经营异常)"], [0.65, 0.17, 0.08, 0.10]
                )
                if not c.us
                else r.pick(["active", "active", "dissolved"])
            )
        co = self.add_company(
            r,
            name,
            area,
            inc,
            addr,
            status,
            c.cur,
            r.pick(US_BANKS) if c.us else r.pick(CN_BANKS)[0],
            c.us,
            1,
        )
        self.role(owner, co, "shareholder", share_owner, inc)
        if minority is not None and share_owner < 1:
            self.role(minority, co, "shareholder", round(1 - share_owner, 2), inc)
        self.role(rep, co, "legal_representative", None, inc)
        if rep is not owner and r.p(0.5):
            self.role(owner, co, "supervisor", None, inc)
        self.co_identifiers(c, r, co)
        return co

    def co_identifiers(self, c: Case, r: R, co: dict):
        """Registry contact data: small firms often list their registration agent's phone."""
        if r.p(0.55):
            c.co_ids.append((co["id"], "phone", r.pick(self.agent_phones(c))))
        if r.p(0.8):
            c.co_ids.append((co["id"], "address", co["address"]))

    def agent_phones(self, c: Case):
        key = ("agent", c.us)
        if key not in self.pools:
            rr = self.prng
            self.pools[key] = (
                [f"0755-{rr.digits(8)}" for _ in range(6)]
                if not c.us
                else [f"+1-302-{rr.ri(200, 989)}-{rr.digits(4)}" for _ in range(3)]
            )
        return self.pools[key]

    def t_layering(self, c: Case, r: R):
        d = c.debtor
        q = self.pick_relative(c, r, self.REL_W)
        if q is None:
            return False
        total = self.size(c, r)
        d0 = self.act_date(c, r)
        if c.timing == "core":
            d0 = max(d0, add_years(c.anchor, -1) + timedelta(days=30))
            d0 = min(d0, c.anchor - timedelta(days=25))
        self.fund(c, r, total, d0)
        hops = r.wpick([1, 2, 3], [0.45, 0.4, 0.15])
        chain = []
        for h in range(hops):
            kind = r.wpick(["friend", "new_friend", "company"], [0.35, 0.3, 0.35])
            if kind == "company":
                nominee = r.pick(c.friends) if r.p(0.5) else self.new_friend(c, r)
                co = self.fresh_company(c, r, d0 - timedelta(days=r.ri(8, 120)), nominee, nominee)
                chain.append(co["accts"][0])
            else:
                used = [x for x in c.friends if self.acc(x) not in chain]
                fr = r.pick(used) if (kind == "friend" and used) else self.new_friend(c, r)
                chain.append(self.acc(fr, "bank", r))
        chain.append(self.acc(q, "bank", r))
        cur = d0
        amt = total
        frm = r.pick(d["bank"])
        biz = M_BIZ if not c.us else US_M_BIZ
        for k, to in enumerate(chain):
            parts = r.ri(1, 3)
            ws = np.asarray([r.u(0.5, 1.5) for _ in range(parts)])
            for w in ws / ws.sum():
                self.tx(
                    c,
                    frm,
                    to,
                    self.human(r, amt * w, c) if k == 0 else round(amt * w, 2),
                    self.when(r, cur + timedelta(days=r.ri(0, 1))),
                    "bank_transfer",
                    r.pick(biz)
                    if k < len(chain) - 1
                    else r.pick(M_GIFT if not c.us else US_M_GIFT),
                )
            frm = to
            amt *= r.u(0.97, 1.0)
            cur = cur + timedelta(days=r.ri(0, 6))
        self.vis_tokens(c, q)
        self.act(c, "layering", d0, total, q, f"{hops} intermediaries")
        return "layering"

    def t_property(self, c: Case, r: R):
        d = c.debtor
        pr = c.reserved_for.get("property_undervalue")
        q = self.pick_relative(c, r, {**self.REL_W, "minor_child": 0.8}, need_account=False)
        if pr is None or q is None:
            return False
        dd = max(self.act_date(c, r), pr["acq"] + timedelta(days=90))
        mv = self.value_at(pr, dd)
        ratio = r.wpick(
            [0.0, r.u(0.05, 0.45), r.u(0.45, 0.7), r.u(0.7, 0.88)], [0.4, 0.3, 0.2, 0.1]
        )
        pay = (
            r.wpick(["full", "partial", "none"], [0.5, 0.25, 0.25])
            if q["bank"] or q["app"]
            else "none"
        )
        keep_mortgage = r.p(0.6)
        mg = pr.get("mortgage")
        pr_share = pr["owners"].get(d["id"], 1.0)
        self.sell(c, r, pr, q, dd, mv, ratio, pay=pay, record_mv=r.p(0.75))
        if mg is not None and keep_mortgage:
            mg["stop"] = None  # the debtor keeps paying the loan on the relative's flat
        if pr["kind"] == "real_estate" and r.p(0.5):
            pm = r.pick(self.pool("propmgmt", "US" if c.us else c.city))
            for ms in month_starts(dd + timedelta(days=30), c.end):
                if ms.month in (1, 4, 7, 10):
                    self.tx(
                        c,
                        self.acc(d, "app", r),
                        pm["accts"][0],
                        self.fx(c, r.logn(1500, 0.3)),
                        self.when(r, ms + timedelta(days=r.ri(0, 20))),
                        "payment_app" if d["app"] else "bank_transfer",
                        r.pick(["物业费", "管理费", ""]) if not c.us else "HOA dues",
                    )
        if pay == "full" and ratio > 0 and r.p(0.4):
            # the "price" goes back to the relative a few days later (sham sale)
            self.tx(
                c,
                d["bank"][0],
                self.acc(q),
                self.human(r, mv * ratio * r.u(0.8, 1.0), c),
                self.when(r, dd + timedelta(days=r.ri(2, 25))),
                "bank_transfer",
                r.pick(M_GIFT),
            )
        self.vis_tokens(c, q)
        self.act(
            c,
            "property_undervalue",
            dd,
            mv * pr_share,
            q,
            f"{pr['kind']} price_ratio={ratio:.2f} pay={pay}",
        )
        return "property_undervalue"

    def t_property_chain(self, c: Case, r: R):
        d = c.debtor
        pr = c.reserved_for.get("property_chain")
        q = self.pick_relative(c, r, self.REL_W)
        if pr is None or q is None:
            return False
        d2 = self.act_date(c, r)
        d1 = max(d2 - timedelta(days=r.ri(30, 180)), pr["acq"] + timedelta(days=60))
        mv = self.value_at(pr, d1)
        mid = self.new_friend(c, r, "buyer")
        ratio = r.u(0.55, 0.8)
        price = mv * ratio * pr["owners"].get(d["id"], 1.0)
        if r.p(0.5):  # the relative funds the straw buyer
            self.tx(
                c,
                self.acc(q),
                self.acc(mid),
                self.human(r, price, c),
                self.when(r, d1 - timedelta(days=r.ri(1, 10))),
                "bank_transfer",
                r.pick(M_GIFT),
            )
        self.sell(c, r, pr, mid, d1, mv, ratio, pay=r.pick(["full", "partial"]))
        share = pr["owners"].get(mid["id"], 1.0)
        self.title(
            c,
            r,
            pr,
            mid["id"],
            q["id"],
            d2,
            round(price, -2),
            self.value_at(pr, d2) * share if r.p(0.6) else None,
            share,
        )
        if r.p(0.6):
            self.tx(
                c,
                self.acc(q),
                self.acc(mid),
                self.human(r, price * r.u(0.95, 1.02), c),
                self.when(r, d2 + timedelta(days=r.ri(-5, 5))),
                "bank_transfer",
                r.pick(["房款", "购房款", ""]),
            )
        self.vis_tokens(c, q)
        self.act(c, "property_chain", d1, price, q, f"straw buyer then relative on {d2}")
        return "property_chain"

    def t_fake_divorce(self, c: Case, r: R):
        d, s = c.debtor, c.spouse
        if s is None:
            return False
        dv = self.act_date(c, r)
        dv = min(dv, c.anchor - timedelta(days=20))
        c.divorce = dv
        self.end_marriage(c, r, dv)
        # keeps living together: address (and often phone/device) still shared
        if r.p(0.7):
            c.shared_ids.append((s["id"], "address", c.home_addr))
            c.shared_ids.append((d["id"], "address", c.home_addr))
        else:
            s["addr"] = self.address(c, r)
            if r.p(0.6):
                self.share_identifier(c, r, s, d)
        moved = False
        fd_amount = 0.0
        home = c.reserved_for.get("fake_divorce")
        if home is not None:
            share = home["owners"].get(d["id"], 1.0)
            mv = self.value_at(home, dv)
            self.title(
                c,
                r,
                home,
                d["id"],
                s["id"],
                dv + timedelta(days=r.ri(0, 45)),
                0.0 if r.p(0.8) else None,
                mv * share if r.p(0.6) else None,
                share,
                ref=(f"离婚析产{dv.year}第{r.digits(6)}号" if not c.us else None),
            )
            if home.get("mortgage") is not None and r.p(0.6):
                home["mortgage"]["stop"] = None
            moved = True
            fd_amount += mv * share
        if not moved or r.p(0.5):
            total = self.size(c, r)
            fd_amount += total
            self.fund(c, r, total, dv)
            dates = [dv + timedelta(days=r.ri(0, 40)) for _ in range(r.ri(1, 4))]
            self.split_pay(
                c,
                r,
                r.pick(d["bank"]),
                self.acc(s, "bank", r),
                total,
                sorted(dates),
                ["", "离婚补偿", "分割财产", "转账", "生活费"]
                if not c.us
                else ["", "settlement", "transfer"],
                "bank_transfer",
            )
        # money keeps flowing to the "ex" as before
        for ms in month_starts(dv + timedelta(days=15), c.end):
            if r.p(0.6):
                self.tx(
                    c,
                    self.acc(d, "app", r),
                    self.acc(s, "app", r),
                    self.human(r, self.fx(c, r.logn(5000, 0.6)), c),
                    self.when(r, ms + timedelta(days=r.ri(0, 25))),
                    r.pick(["payment_app", "bank_transfer"]),
                    r.pick(["", "家用", "生活费", "抚养费"]) if not c.us else "",
                )
        self.act(c, "fake_divorce", dv, fd_amount, s, "home to ex" if moved else "money to ex")
        return "fake_divorce"

    def t_shell(self, c: Case, r: R):
        d = c.debtor
        q = self.pick_relative(
            c,
            r,
            {
                "sibling": 3,
                "sibling_in_law": 2,
                "parent_in_law": 1.2,
                "parent": 1,
                "child": 1.5,
                "cousin": 1.2,
                "spouse": 0.6,
                "partner": 1,
            },
        )
        if q is None:
            return False
        d0 = self.act_date(c, r)
        n = r.ri(2, 8)
        dates = self.spread(c, r, d0, n, r.ri(10, 120))
        inc = dates[0] - timedelta(days=r.ri(15, 200))
        nominee = None
        if r.p(0.35):
            nominee = r.pick(c.friends)
        co = self.fresh_company(
            c,
            r,
            inc,
            q,
            nominee or q,
            share_owner=r.pick([1.0, 1.0, 0.9, 0.8, 0.6]),
            minority=nominee or r.pick(c.friends),
        )
        total = self.size(c, r)
        self.fund(c, r, total, d0)
        src = [r.pick(d["bank"])]
        if c.own_co is not None and r.p(0.6):
            src = [c.own_co["accts"][0]] + (src if r.p(0.5) else [])
        ws = np.asarray([r.u(0.5, 1.5) for _ in range(n)])
        for w, dd in zip(ws / ws.sum(), dates):
            self.tx(
                c,
                r.pick(src),
                co["accts"][0],
                self.human(r, total * w, c),
                self.when(r, dd, "office"),
                "bank_transfer",
                r.pick(M_BIZ if not c.us else US_M_BIZ),
            )
        out = r.wpick(["relative", "car", "none"], [0.5, 0.2, 0.3])
        if out == "relative" and self.acc(q):
            for _ in range(r.ri(1, 3)):
                self.tx(
                    c,
                    co["accts"][0],
                    self.acc(q),
                    self.human(r, total * r.u(0.1, 0.35), c),
                    self.when(r, dates[-1] + timedelta(days=r.ri(3, 60)), "office"),
                    "bank_transfer",
                    r.pick(["工资", "分红", "借款", "报销", ""])
                    if not c.us
                    else r.pick(["salary", "distribution"]),
                )
        elif out == "car":
            dealer = r.pick(self.pool("cardealer", "US" if c.us else c.city))
            cd = dates[-1] + timedelta(days=r.ri(5, 50))
            val = min(total * 0.8, self.fx(c, r.logn(300_000, 0.4)))
            self.new_property(
                c, r, "vehicle", val, "", cd, {co["id"]: 1.0}, first=True, seller=dealer["id"]
            )
            self.tx(
                c,
                co["accts"][0],
                dealer["accts"][0],
                round(val, 2),
                self.when(r, cd, "office"),
                "bank_transfer",
                "购车款" if not c.us else "vehicle purchase",
            )
        self.vis_tokens(c, q)
        self.act(
            c,
            "shell_company",
            dates[0],
            total,
            q,
            f"inc {inc} {n} payments nominee={nominee is not None}",
        )
        return "shell_company"

    def t_cash(self, c: Case, r: R):
        d = c.debtor
        d0 = self.act_date(c, r)
        base_month = max(c.cash_rate * c.cash_size, self.fx(c, 800))
        total = max(self.size(c, r), base_month * r.u(6, 25))
        thr = 50_000 if not c.us else 10_000
        structured = r.p(0.5)
        width = r.ri(14, 90)
        amounts = []
        left = total
        while left > 0 and len(amounts) < 40:
            a = (
                (r.u(0.9, 0.998) * thr)
                if structured
                else self.fx(c, r.pick([5000, 10000, 20000, 30000, 50000, 80000]))
            )
            a = min(a, left) if left > self.fx(c, 2000) else left
            amounts.append(round(a, -2) if not structured else round(a, -1))
            left -= a
        dates = self.spread(c, r, d0, len(amounts), width)
        q = self.pick_relative(c, r, self.REL_W) if r.p(0.5) else None
        for a, dd in zip(amounts, dates):
            if a <= 0:
                continue
            self.tx(
                c,
                r.pick(d["bank"]),
                None,
                a,
                self.when(r, dd, "office"),
                "cash_withdrawal",
                r.pick(["取现", "柜面取款", "ATM取款", "现金支取", ""])
                if not c.us
                else "CASH WITHDRAWAL",
            )
            if q is not None and self.acc(q) and r.p(0.7):
                self.tx(
                    c,
                    None,
                    self.acc(q, "bank", r),
                    round(a * r.u(0.85, 1.0), -2),
                    self.when(r, dd + timedelta(days=r.ri(0, 5)), "office"),
                    "cash_deposit",
                    r.pick(["现金存入", "存款", ""]) if not c.us else "CASH DEPOSIT",
                )
        if q is not None:
            self.vis_tokens(c, q)
        self.act(
            c,
            "cash_spike",
            dates[0],
            total,
            q,
            f"{len(amounts)} withdrawals structured={structured}",
        )
        return "cash_spike"

    def t_pref(self, c: Case, r: R):
        d = c.debtor
        q = self.pick_relative(
            c,
            r,
            {
                "sibling": 3,
                "parent": 2.5,
                "parent_in_law": 1.5,
                "sibling_in_law": 1.5,
                "cousin": 1.5,
                "child": 0.8,
                "partner": 0.8,
            },
        )
        if q is None:
            return False
        genuine = r.p(0.6)
        amt = self.human(r, self.fx(c, r.logn(160_000, 0.7)), c)
        if genuine:
            ld = r.day_between(add_months(c.hist_start, 1), c.distress - timedelta(days=30))
            self.tx(
                c,
                self.acc(q),
                d["bank"][0],
                amt,
                self.when(r, ld),
                "bank_transfer",
                r.pick(["借款", "", "借给你", "周转"]) if not c.us else "loan",
            )
        else:
            amt = max(amt, self.size(c, r) * 0.6)
            c.label_tokens.append("sham_debt")
        repay = amt * r.u(0.9, 1.25)
        d0 = self.act_date(c, r, "pref")
        self.fund(c, r, repay, d0)
        n = r.ri(1, 3)
        dates = sorted(
            d0 - timedelta(days=r.ri(0, 10))
            if c.timing == "outside"
            else min(d0 + timedelta(days=r.ri(0, 10)), c.anchor - ONE_DAY)
            for _ in range(n)
        )
        dates[0] = d0
        self.split_pay(
            c,
            r,
            r.pick(d["bank"]),
            self.acc(q, "bank", r),
            repay,
            sorted(dates),
            ["还款", "还借款", "借款归还", "", "还本息", "结清"]
            if not c.us
            else ["repayment", "loan payoff", ""],
            "bank_transfer",
        )
        self.vis_tokens(c, q)
        self.act(
            c,
            "pref_repay_relative",
            dates[0],
            repay,
            q,
            "genuine loan" if genuine else "no loan ever paid in",
        )
        return "pref_repay_relative"

    def t_round_trip(self, c: Case, r: R):
        d = c.debtor
        q = self.pick_relative(c, r, self.REL_W)
        if q is None or not self.acc(q):
            return False
        total = self.size(c, r)
        d0 = self.act_date(c, r)
        self.fund(c, r, total, d0)
        self.split_pay(
            c,
            r,
            r.pick(d["bank"]),
            self.acc(q, "bank", r),
            total,
            self.spread(c, r, d0, r.ri(1, 3), 10),
            M_GIFT if not c.us else US_M_GIFT,
            "bank_transfer",
        )
        how = r.wpick(["new_account", "cash", "post"], [0.45, 0.25, 0.3])
        if how in ("new_account", "cash"):
            inst = (
                r.pick(HK_BANKS + ["支付宝", "微信支付", "中国银行", "招商银行"])
                if not c.us
                else r.pick(["Charles Schwab", "PayPal", "Citibank"])
            )
            kind = (
                "payment_app"
                if inst in ("支付宝", "微信支付", "PayPal")
                else ("securities" if inst == "Charles Schwab" else "bank")
            )
            new = self.account(
                r,
                d["id"],
                kind,
                inst,
                d0 - timedelta(days=r.ri(-5, 40)),
                c.cur if inst not in HK_BANKS else "HKD" if r.p(0.3) else c.cur,
            )
            back = d0 + timedelta(days=r.ri(3, 30))
            if how == "new_account":
                for k in range(r.ri(1, 3)):
                    self.tx(
                        c,
                        self.acc(q, "bank", r),
                        new,
                        round(total * r.u(0.3, 0.45), 2),
                        self.when(r, back + timedelta(days=k * r.ri(1, 5))),
                        "bank_transfer",
                        r.pick(M_GIFT),
                    )
            else:
                for k in range(r.ri(1, 3)):
                    a = round(total * r.u(0.25, 0.4), -2)
                    bd = back + timedelta(days=k * r.ri(1, 6))
                    self.tx(
                        c, self.acc(q), None, a, self.when(r, bd, "office"), "cash_withdrawal", ""
                    )
                    self.tx(
                        c,
                        None,
                        new,
                        round(a * r.u(0.95, 1.0), -2),
                        self.when(r, bd + timedelta(days=r.ri(0, 3)), "office"),
                        "cash_deposit",
                        "",
                    )
        else:
            for ms in month_starts(c.anchor + timedelta(days=10), c.end):
                if r.p(0.8):
                    self.tx(
                        c,
                        self.acc(q, "app"),
                        self.acc(d, "app", r),
                        self.human(r, total * r.u(0.04, 0.12), c),
                        self.when(r, ms + timedelta(days=r.ri(0, 25))),
                        r.pick(["payment_app", "bank_transfer"]),
                        r.pick(["生活费", "", "给你的", "转账"]) if not c.us else "",
                    )
        self.vis_tokens(c, q)
        self.act(c, "round_trip", d0, total, q, how)
        return "round_trip"

    def t_nominee(self, c: Case, r: R):
        d = c.debtor
        q = self.pick_relative(c, r, {**self.REL_W, "minor_child": 1.0}, need_account=False)
        if q is None:
            return False
        city = "US" if c.us else c.city
        dd = self.act_date(c, r)
        car = r.p(0.25)
        if car:
            seller = r.pick(self.pool("cardealer", city))
            val = self.fx(c, r.logn(260_000, 0.4))
            pr = self.new_property(
                c, r, "vehicle", val, "", dd, {q["id"]: 1.0}, first=True, seller=seller["id"]
            )
            seller_acc = seller["accts"][0]
        else:
            if r.p(0.6):
                seller = r.pick(self.pool("developer", city))
                seller_id, seller_acc = seller["id"], seller["accts"][0]
            else:
                sp = self.new_friend(c, r, "seller")
                seller_id, seller_acc = sp["id"], self.acc(sp)
            val = self.fx(
                c, r.logn(2_400_000 if c.city == "SZ" else 1_200_000, 0.45)
            ) / price_index(city, dd)
            pr = self.new_property(
                c,
                r,
                "real_estate",
                val,
                self.address(c, r),
                dd,
                {q["id"]: 1.0},
                first=True,
                seller=seller_id,
            )
        price = self.value_at(pr, dd)
        debtor_part = price * r.u(0.35, 1.0)
        rest = price - debtor_part
        self.fund(c, r, debtor_part, dd)
        via = r.p(0.6) and self.acc(q) is not None
        n = r.ri(1, 3)
        for k in range(n):
            part = debtor_part / n
            pd = dd - timedelta(days=r.ri(0, 20))
            if via:
                self.tx(
                    c,
                    r.pick(d["bank"]),
                    self.acc(q),
                    self.human(r, part, c),
                    self.when(r, pd - timedelta(days=r.ri(1, 7))),
                    "bank_transfer",
                    r.pick(M_GIFT),
                )
                self.tx(
                    c,
                    self.acc(q),
                    seller_acc,
                    round(part, 2),
                    self.when(r, pd, "office"),
                    "bank_transfer",
                    r.pick(["购房款", "首付款", "车款", ""]) if not c.us else "purchase",
                )
            else:
                self.tx(
                    c,
                    r.pick(d["bank"]),
                    seller_acc,
                    round(part, 2),
                    self.when(r, pd, "office"),
                    "bank_transfer",
                    r.pick(["购房款", "首付款", "车款", "代付房款", ""])
                    if not c.us
                    else "purchase",
                )
        if rest > 0 and not car and r.p(0.7):
            bank = self.bank_company(c, r)
            la = self.loan_account(c, r, bank, dd)
            self.tx(
                c,
                la,
                seller_acc,
                round(rest, -2),
                self.when(r, dd + timedelta(days=r.ri(5, 30)), "office"),
                "bank_transfer",
                "按揭放款" if not c.us else "mortgage funding",
            )
            if r.p(0.5):  # and the debtor pays the relative's mortgage
                mon = rest * 0.0045
                for ms in month_starts(dd + timedelta(days=35), c.end):
                    self.tx(
                        c,
                        d["bank"][0],
                        la,
                        round(mon, 2),
                        self.when(r, ms + timedelta(days=r.ri(0, 5)), "batch"),
                        "bank_transfer",
                        r.pick(["房贷", "代还房贷", "", "还款"]) if not c.us else "mortgage",
                    )
        elif rest > 0 and self.acc(q):
            self.tx(
                c,
                self.acc(q),
                seller_acc,
                round(rest, 2),
                self.when(r, dd, "office"),
                "bank_transfer",
                r.pick(["购房款", "车款", ""]) if not c.us else "purchase",
            )
        self.vis_tokens(c, q)
        self.act(
            c,
            "nominee_purchase",
            dd,
            debtor_part,
            q,
            ("vehicle" if car else "real_estate") + (" via relative" if via else " direct"),
        )
        return "nominee_purchase"

    def t_equity(self, c: Case, r: R):
        d = c.debtor
        if c.own_co is None or getattr(c, "equity", None) is None:
            return False
        q = self.pick_relative(
            c,
            r,
            {
                "spouse": 1.5,
                "sibling": 3,
                "parent": 1.5,
                "parent_in_law": 1,
                "sibling_in_law": 1.5,
                "child": 1.5,
                "cousin": 1,
            },
        )
        if q is None:
            return False
        dd = self.act_date(c, r)
        eq = c.equity
        share = eq["owners"].get(d["id"], 1.0)
        val = self.value_at(eq, dd) * share
        price = r.wpick([0.0, 1.0, val * r.u(0.02, 0.3)], [0.45, 0.2, 0.35])
        self.title(c, r, eq, d["id"], q["id"], dd, price, val if r.p(0.7) else None, share)
        for row in self.rows["company_roles"]:
            if (
                row[0] == d["id"]
                and row[1] == c.own_co["id"]
                and row[2] in ("shareholder", "legal_representative")
            ):
                if row[2] == "shareholder" or r.p(0.5):
                    row[5] = iso(dd)
                    self.role(q, c.own_co, row[2], share if row[2] == "shareholder" else None, dd)
        if price > 1 and self.acc(q) and r.p(0.5):
            self.tx(
                c,
                self.acc(q),
                d["bank"][0],
                round(price, 2),
                self.when(r, dd + timedelta(days=r.ri(0, 20))),
                "bank_transfer",
                r.pick(["股权转让款", ""]) if not c.us else "purchase price",
            )
        self.vis_tokens(c, q)
        self.act(c, "equity_to_relative", dd, val, q, f"price={price:.2f}")
        return "equity_to_relative"

    # ================================================================ orchestration
    TYPOLOGY_W = {
        "gift_to_relative": 18,
        "layering": 10,
        "property_undervalue": 12,
        "property_chain": 4,
        "fake_divorce": 8,
        "shell_company": 10,
        "cash_spike": 9,
        "pref_repay_relative": 10,
        "round_trip": 7,
        "nominee_purchase": 8,
        "equity_to_relative": 5,
    }

    def plan(self, c: Case, r: R):
        d = c.debtor
        c.debts = []
        c.reserved = []
        c.reserved_for = {}
        c.co_ids = []
        c.fail = None
        c.genuine_divorce = False
        c.W = min(c.savings, self.fx(c, 4_000_000)) + c.income * 12
        w = [0.74, 0.14, 0.09, 0.03] if c.jur != "CN" else [0.86, 0.0, 0.10, 0.04]
        c.timing = r.wpick(["core", "extended", "outside", "boundary"], w)
        c.typologies = []
        if c.spouse is not None and r.p(0.06):
            c.genuine_divorce = True
            c.divorce = r.day_between(add_months(c.anchor, -30), c.anchor - timedelta(days=60))
        if not c.evader:
            return
        movable = [
            p
            for p in c.props
            if p["kind"] in ("real_estate", "vehicle", "land_use_right")
            and d["id"] in p["owners"]
            and p["acq"] < c.anchor - timedelta(days=400)
        ]
        feas = dict(self.TYPOLOGY_W)
        if not movable:
            feas.pop("property_undervalue")
            feas.pop("property_chain")
        if c.spouse is None or c.genuine_divorce:
            feas.pop("fake_divorce")
        if c.own_co is None:
            feas.pop("equity_to_relative")
        k = int(r.wpick([1, 2, 3], [0.5, 0.35, 0.15]))
        names = list(feas)
        chosen = []
        while len(chosen) < k and names:
            t = r.wpick(names, [feas[n] for n in names])
            names.remove(t)
            if t == "property_chain" and "property_undervalue" in chosen:
                continue
            if t == "property_undervalue" and "property_chain" in chosen:
                continue
            chosen.append(t)
        c.typologies = chosen
        if "fake_divorce" in chosen:
            dv = self.act_date(c, r)
            c.divorce = min(dv, c.anchor - timedelta(days=20))
            if c.home is not None and d["id"] in c.home["owners"] and r.p(0.75):
                c.reserved_for["fake_divorce"] = c.home
                c.reserved.append(c.home)
        for t in ("property_undervalue", "property_chain"):
            if t in chosen:
                opts = [
                    p
                    for p in movable
                    if p not in c.reserved
                    and (t == "property_undervalue" or p["kind"] == "real_estate")
                ]
                if opts:
                    pr = r.pick(opts)
                    c.reserved_for[t] = pr
                    c.reserved.append(pr)
        if "equity_to_relative" in chosen:
            c.fail = c.anchor + timedelta(
                days=3000
            )  # the business keeps trading, under the relative
            c.reserved.append(c.equity)

    def execute(self, c: Case, r: R):
        fns = {
            "gift_to_relative": self.t_gift,
            "layering": self.t_layering,
            "property_undervalue": self.t_property,
            "property_chain": self.t_property_chain,
            "fake_divorce": self.t_fake_divorce,
            "shell_company": self.t_shell,
            "cash_spike": self.t_cash,
            "pref_repay_relative": self.t_pref,
            "round_trip": self.t_round_trip,
            "nominee_purchase": self.t_nominee,
            "equity_to_relative": self.t_equity,
        }
        done = []
        for t in c.typologies:
            res = fns[t](c, r)
            if res:
                done.append(res)
        if not done:
            for t in ("gift_to_relative", "cash_spike"):
                res = fns[t](c, r)
                if res:
                    done.append(res)
                    break
        mod = {
            "outside": "outside_window",
            "boundary": "boundary_day",
            "extended": "window_1y_2y",
        }.get(c.timing)
        extra = [x for x in c.label_tokens]
        c.label_tokens = done + extra + ([mod] if mod else [])

    def cases(self, c: Case, r: R):
        d = c.debtor
        claim = sum(x[1] for x in c.debts) * r.u(1.0, 1.3)
        creditor = max(c.debts, key=lambda x: x[1])[0] if c.debts else ""
        yr = c.filing.year
        if c.us:
            court = r.pick(US_COURTS[c.us_city[1]])
            cid = f"{yr % 100:02d}-{r.ri(10000, 59999)}"
        else:
            info = CITY[c.city]
            court = (
                info["court"]
                if c.jur == "CN-SZ" or c.city == "XM" or r.p(0.4)
                else r.pick(
                    ["平阳县人民法院", "乐清市人民法院", "瑞安市人民法院"]
                    if c.city == "WZ"
                    else ["温岭市人民法院", "玉环市人民法院", "台州市椒江区人民法院"]
                )
            )
            tag = "个破" if c.jur == "CN-SZ" else r.pick(["破申", "个清", "破"])
            cid = f"（{yr}）{info['court_code']}{tag}{r.ri(1, 900)}号"
        while cid in self.case_numbers:
            cid = (
                cid[:-1] + r.pick("0123456789") + cid[-1:]
                if c.us
                else cid.replace("号", f"{r.ri(0, 9)}号")
            )
        self.case_numbers.add(cid)
        acc = "" if (c.jur != "US" and r.p(0.07)) else iso(c.accept)
        if c.us:
            acc = (
                ""
                if r.p(0.65)
                else (iso(c.filing) if r.p(0.7) else iso(c.filing + timedelta(days=r.ri(20, 80))))
            )
        self.rows["cases"].append(
            [
                cid,
                d["id"],
                "personal_bankruptcy",
                c.jur,
                court,
                iso(c.filing),
                acc,
                "",
                f"{claim:.2f}",
                c.cur,
                creditor,
            ]
        )
        c.case_id = cid
        # earlier lawsuits and enforcement against the debtor (both classes alike)
        if r.p(0.55):
            for _ in range(r.ri(1, 3)):
                cred = r.pick(c.debts)
                fd = r.day_between(c.distress + timedelta(days=20), c.filing - timedelta(days=15))
                jd = fd + timedelta(days=r.ri(40, 260))
                if c.us:
                    cid2 = f"CGC-{fd.year % 100:02d}-{r.ri(600000, 699999)}"
                    court2 = (
                        "Superior Court of "
                        + {"CA": "California", "NY": "New York", "NJ": "New Jersey", "TX": "Texas"}[
                            c.us_city[1]
                        ]
                    )
                else:
                    dist_code = CITY[c.city]["districts"][0][1]
                    prov = CITY[c.city]["court_code"][0]
                    cid2 = f"（{fd.year}）{prov}{dist_code[2:]}民初{r.ri(1000, 39999)}号"
                    court2 = (
                        CITY[c.city]["prov"][3:]
                        + r.pick([x[0] for x in CITY[c.city]["districts"]])
                        + "人民法院"
                    )
                if cid2 in self.case_numbers:
                    continue
                self.case_numbers.add(cid2)
                amt = cred[1] * r.u(0.5, 1.1)
                if jd < c.filing and r.p(0.6) and not c.us:
                    ed = jd + timedelta(days=r.ri(20, 120))
                    cid3 = cid2.replace("民初", "执")
                    if cid3 not in self.case_numbers:
                        self.case_numbers.add(cid3)
                        self.rows["cases"].append(
                            [
                                cid3,
                                d["id"],
                                "enforcement",
                                c.jur if c.jur != "CN-SZ" else "CN",
                                court2,
                                iso(ed),
                                iso(ed + timedelta(days=r.ri(1, 7))),
                                iso(jd),
                                f"{amt:.2f}",
                                c.cur,
                                cred[0],
                            ]
                        )
                self.rows["cases"].append(
                    [
                        cid2,
                        d["id"],
                        "civil_suit",
                        c.jur if c.jur != "CN-SZ" else "CN",
                        court2,
                        iso(fd),
                        "",
                        iso(jd) if jd <= EXTRACT else "",
                        f"{amt:.2f}",
                        c.cur,
                        cred[0],
                    ]
                )

    def identifiers(self, c: Case, r: R):
        rows = []
        for p in c.persons:
            core = p["role"] in (
                "debtor",
                "spouse",
                "ex_spouse",
                "parent",
                "sibling",
                "child",
                "parent_in_law",
                "sibling_in_law",
                "cousin",
                "partner",
            )
            if (core and r.p(0.75)) or r.p(0.25):
                rows.append((p["id"], "phone", p["phone"]))
                if r.p(0.6):
                    rows.append((p["id"], "address", p["addr"]))
            if p["app"] and (p["role"] in ("debtor", "spouse", "ex_spouse") or r.p(0.15)):
                dev = p.setdefault(
                    "device", "IMEI" + r.digits(15) if r.p(0.6) else "dev-" + r.hexs(16)
                )
                rows.append((p["id"], "device", dev))
            if "email" in p:
                rows.append((p["id"], "email", p["email"]))
        # cohabitants of the marital home share the address
        for p in c.persons:
            if p["addr"] == c.home_addr and p["role"] in ("debtor", "spouse", "child") and r.p(0.7):
                rows.append((p["id"], "address", p["addr"]))
        rows += c.shared_ids + c.co_ids
        if c.own_co is not None:
            rows.append((c.own_co["id"], "address", c.own_co["address"]))
            if r.p(0.4):
                rows.append((c.own_co["id"], "phone", c.debtor["phone"]))
            elif r.p(0.4):
                rows.append((c.own_co["id"], "phone", r.pick(self.agent_phones(c))))
        seen = set()
        for row in rows:
            if row not in seen:
                seen.add(row)
                self.rows["identifiers"].append(list(row))

    def build(self):
        n = self.n_cases
        lab_r = R(self.lab_ss)
        n_ev = int(round(n * self.evader_share))
        flags = np.array([True] * n_ev + [False] * (n - n_ev))
        lab_r.g.shuffle(flags)
        case_seqs = self.case_ss.spawn(n)
        self.all_cases = []
        for i in range(n):
            r = R(case_seqs[i])
            c = self.build_case(i, r, bool(flags[i]))
            self.plan(c, r)
            self.routine(c, r)
            self.life_events(c, r)
            if c.evader:
                self.execute(c, r)
            self.cases(c, r)
            self.identifiers(c, r)
            self.persons_rows(c, r)
            toks = c.label_tokens if c.evader else sorted(set(c.tags))
            self.labels.append(
                [c.case_id, c.debtor["id"], "evader" if c.evader else "honest", ";".join(toks)]
            )
            for a_ in c.acts:
                self.acts.append([c.case_id, c.debtor["id"], c.jur, iso(c.anchor), c.timing] + a_)

    def persons_rows(self, c: Case, r: R):
        for p in c.persons:
            b = p["birth"]
            if c.us:
                bd = b.isoformat() if r.p(0.7) else ""
            else:
                bd = r.wpick(
                    [
                        b.isoformat(),
                        f"{b.year}/{b.month}/{b.day}",
                        f"{b:%Y%m%d}",
                        f"{b.year}年{b.month}月{b.day}日",
                        "",
                    ],
                    [0.6, 0.12, 0.1, 0.1, 0.08],
                )
            phone = p["phone"]
            if r.p(0.12):
                phone = phone + ";" + self.phone(c, r)
            self.rows["persons"].append(
                [
                    p["id"],
                    p["name"],
                    p["idno"],
                    bd,
                    p["gender"] if r.p(0.95) else "",
                    phone,
                    p["addr"] if r.p(0.9) else "",
                ]
            )

    # ================================================================ output
    def write(self, out: str):
        os.makedirs(out, exist_ok=True)
        sh = R(self.id_ss)
        # transfers: global time order, ids assigned afterwards
        order = sorted(
            range(len(self.txs)),
            key=lambda i: (
                self.txs[i][3],
                self.txs[i][0],
                self.txs[i][1],
                self.txs[i][2],
                self.txs[i][5],
                self.txs[i][6],
            ),
        )
        ids = (
            sh.g.choice(9_000_000_000, size=len(order), replace=False) + 1_000_000_000
            if len(order) < 5_000_000
            else None
        )
        ids = np.sort(ids)
        trows = []
        for k, i in enumerate(order):
            frm, to, amt, ts, cur, ch, memo, us = self.txs[i]
            tstr = ts.date().isoformat() if us else ts.strftime("%Y-%m-%dT%H:%M:%S")
            trows.append([f"T{ids[k]}", frm, to, f"{amt:.2f}", tstr, cur, ch, memo])
        self.rows["transfers"] = trows
        # an account cannot be used before it was opened: pull the opening date back if needed
        first: dict[str, date] = {}
        for frm, to, _a, ts, *_ in self.txs:
            d0 = ts.date()
            for acc in (frm, to):
                if acc and (acc not in first or d0 < first[acc]):
                    first[acc] = d0
        self.fixups = 0
        for row in self.rows["accounts"]:
            f = first.get(row[0])
            if f is not None and row[4] and date.fromisoformat(row[4]) > f:
                back = f - timedelta(days=sh.ri(1, 120))
                inc = self.co_inc.get(row[1])
                if inc is not None:
                    back = max(back, min(inc + timedelta(days=3), f))
                row[4] = back.isoformat()
                self.fixups += 1
        # properties: current appraisal
        prow = []
        for pr in self.rows["properties"]:
            vd = min(
                EXTRACT,
                (pr["acq"] + timedelta(days=30))
                if pr["acq"] > EXTRACT - timedelta(days=60)
                else EXTRACT - timedelta(days=sh.ri(0, 200)),
            )
            mv = self.value_at(pr, vd) * sh.u(0.95, 1.05)
            cur = "USD" if pr["city"] == "US" else "CNY"
            prow.append(
                [pr["id"], pr["kind"], pr["desc"], pr["loc"], pr["reg"], f"{mv:.2f}", iso(vd), cur]
            )
        self.rows["properties"] = prow
        for t, cols in TABLE_COLUMNS.items():
            rows = self.rows[t]
            if t != "transfers":
                perm = sh.g.permutation(len(rows))
                rows = [rows[int(i)] for i in perm]
            with open(os.path.join(out, f"{t}.csv"), "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(cols)
                w.writerows(rows)
        with open(os.path.join(out, "labels.csv"), "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["case_id", "debtor_id", "label", "typologies"])
            w.writerows(self.labels)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--cases", type=int, default=600)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--evader-share", type=float, default=0.4)
    ap.add_argument(
        "--acts",
        metavar="PATH",
        help="also write the planted acts (ground truth detail) to this CSV; "
        "keep it outside OUT_DIR",
    )
    a = ap.parse_args(argv)
    t0 = time.time()
    pf = Portfolio(a.seed, a.cases, a.evader_share)
    pf.build()
    pf.write(a.out_dir)
    if a.acts:
        with open(a.acts, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(
                [
                    "case_id",
                    "debtor_id",
                    "jurisdiction",
                    "anchor",
                    "timing",
                    "typology",
                    "date",
                    "days_before_anchor",
                    "amount",
                    "counterparty_id",
                    "counterparty_role",
                    "tie_visibility",
                    "note",
                ]
            )
            w.writerows(pf.acts)
    n_ev = sum(1 for x in pf.labels if x[2] == "evader")
    print(
        f"wrote {a.out_dir}: {a.cases} cases ({n_ev} evaders), {len(pf.rows['persons'])} persons, "
        f"{len(pf.rows['transfers'])} transfers in {time.time() - t0:.1f}s "
        f"({pf.fixups} account opening dates pulled back)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
