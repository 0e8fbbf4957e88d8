"""Independent synthetic insolvency portfolio with ground-truth labels ("blind" generator).

Written only from the public input contract (input-format.md) and the legal notes
(legal-rules.md), without looking at clawback's own generator or code, so that a good
result on this data does not just mean "tuned to our own data".

Usage::

    python benchmarks/blind_portfolio.py OUT_DIR --cases 300 --seed 7 [--format csv|parquet]

Writes persons, companies, relations, company_roles, accounts, transfers, properties,
property_transfers, cases, identifiers (CSV or Parquet) and ``labels.csv``
(``case_id, debtor_id, label, typologies``).  Same seed -> byte-identical files.

Typologies planted for evaders (1-3 per evader, ``;``-separated in labels.csv):
``relative_transfer, hidden_relative_transfer, layering, property_to_relative,
divorce_transfer, shell_company, cash_spike, relative_preference, nominee_purchase,
round_trip``.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
import time

D = dt.date
DT = dt.datetime
TD = dt.timedelta

# --------------------------------------------------------------------------- vocab
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
SURNAME_W = [30 - min(i, 28) for i in range(len(SURNAMES))]
COMPOUND = ["欧阳", "司马", "上官", "诸葛"]
GIVEN_M = "伟强磊军勇杰涛明超斌辉刚健波鹏华飞宇浩俊峰志建国平东亮晨阳文龙海林鑫凯"
GIVEN_F = "芳娜敏静丽艳娟霞秀英玲婷雪慧琳颖洁晶燕红梅兰萍倩佳怡欣悦琪蓉璐"
GIVEN_ANY = "子思一嘉佳宏雨晓春秋云天小少永德泽"
REGIONS_CN = ["440303", "440304", "440305", "440306", "440307", "440308", "430102", "420106",
              "360102", "441302", "445102", "440582", "450102", "350203", "330302", "110105",
              "310115", "510107", "441202", "431003", "362201", "440883"]
SZ_STREETS = ["南山区粤海街道科技南十二路", "福田区华强北街道振华路", "宝安区新安街道创业二路", "龙岗区布吉街道吉华路",
              "罗湖区东门街道解放路", "龙华区民治街道人民路", "南山区蛇口街道工业八路", "福田区香蜜湖街道侨香路",
              "宝安区西乡街道宝源路", "龙岗区坂田街道五和大道", "光明区公明街道松白路", "盐田区沙头角街道海景路"]
OTHER_CITIES = [("湖南省长沙市", "芙蓉区五一大道"), ("湖北省武汉市", "江汉区解放大道"), ("江西省南昌市", "东湖区八一大道"),
                ("广东省惠州市", "惠城区江北三新南路"), ("广东省潮州市", "湘桥区潮州大道"), ("广东省汕头市", "潮阳区棉城镇中华路"),
                ("广西壮族自治区南宁市", "兴宁区民族大道"), ("福建省厦门市", "思明区湖滨南路"), ("浙江省温州市", "鹿城区人民路"),
                ("北京市", "朝阳区建国路"), ("上海市", "浦东新区张杨路"), ("四川省成都市", "锦江区春熙路")]
US_STREETS = ["Mission St, San Francisco, CA", "Main St, Flushing, NY", "Valley Blvd, Alhambra, CA",
              "Bellaire Blvd, Houston, TX", "Stevens Creek Blvd, Cupertino, CA", "8th Ave, Brooklyn, NY"]
CN_BANKS = [("中国工商银行", "622202", 19), ("中国建设银行", "621700", 19), ("中国农业银行", "622848", 19),
            ("中国银行", "621661", 19), ("招商银行", "622588", 16), ("平安银行", "622155", 16),
            ("交通银行", "622262", 19), ("中国邮政储蓄银行", "621799", 19), ("深圳农村商业银行", "623091", 19),
            ("中信银行", "622690", 16), ("兴业银行", "622909", 18), ("民生银行", "622622", 16)]
US_BANKS = [("Chase", "414720", 16), ("Bank of America", "448412", 16), ("Wells Fargo", "446542", 16),
            ("Cathay Bank", "421357", 16), ("East West Bank", "439717", 16)]
MERCHANTS_CN = ["深圳沃尔玛百货零售有限公司", "华润万家有限公司", "北京京东世纪贸易有限公司", "北京三快在线科技有限公司",
                "上海拉扎斯信息科技有限公司", "深圳市百果园实业(集团)股份有限公司", "中国石化销售股份有限公司广东深圳石油分公司",
                "深圳市美宜佳便利店有限公司", "浙江天猫网络有限公司", "深圳地铁集团有限公司", "滴滴出行科技有限公司",
                "深圳市海底捞餐饮管理有限公司", "名创优品(广州)有限责任公司", "深圳市钱大妈农产品有限公司", "优衣库商贸有限公司"]
MERCHANTS_US = ["Costco Wholesale", "Safeway Inc", "99 Ranch Market", "Amazon.com Services", "Target Corp",
                "Shell Oil Station", "Uber Technologies"]
UTILITIES_CN = ["深圳供电局有限公司", "深圳市水务(集团)有限公司", "深圳市燃气集团股份有限公司", "中国移动通信集团广东有限公司深圳分公司",
                "中国电信股份有限公司深圳分公司"]
UTILITIES_US = ["PG&E", "Con Edison", "AT&T", "Comcast"]
HOSPITALS_CN = ["北京大学深圳医院", "深圳市人民医院", "香港大学深圳医院", "南方医科大学深圳医院", "深圳市儿童医院",
                "中南大学湘雅医院", "深圳市第二人民医院", "武汉协和医院"]
HOSPITALS_US = ["Kaiser Permanente", "NYU Langone Health", "Cedars-Sinai Medical Center"]
SCHOOLS_CN = ["深圳市南山外国语学校", "深圳中学", "深圳大学", "华南理工大学", "深圳市宝安中学", "湖南大学", "南方科技大学",
              "深圳市福田区荔园小学", "深圳市龙岗区布吉中学"]
SCHOOLS_US = ["San Jose State University", "CUNY Queens College", "Alhambra Unified School District"]
EMP_SUFFIX = ["科技有限公司", "电子有限公司", "贸易有限公司", "物流有限公司", "实业有限公司", "建筑工程有限公司", "餐饮管理有限公司",
              "信息技术有限公司", "投资咨询有限公司", "服装有限公司"]
EMP_PREFIX = ["华盛", "鹏城", "南海", "宏达", "恒通", "金桥", "新宇", "创联", "瑞丰", "嘉禾", "永信", "盛世", "天合", "汇丰源",
              "粤港", "前海", "海岸", "三和", "中晟", "明阳", "东方", "锦程", "新纪元", "联创"]
CN_COURTS = ["北京市第一中级人民法院", "浙江省温州市中级人民法院", "广东省广州市中级人民法院", "上海市第三中级人民法院",
             "江苏省苏州市中级人民法院", "浙江省台州市中级人民法院"]
US_COURTS = ["U.S. Bankruptcy Court, Northern District of California",
             "U.S. Bankruptcy Court, Eastern District of New York",
             "U.S. Bankruptcy Court, Central District of California",
             "U.S. Bankruptcy Court, Southern District of Texas"]
SPRING_FESTIVAL = {2019: D(2019, 2, 5), 2020: D(2020, 1, 25), 2021: D(2021, 2, 12), 2022: D(2022, 2, 1),
                   2023: D(2023, 1, 22), 2024: D(2024, 2, 10), 2025: D(2025, 1, 29), 2026: D(2026, 2, 17)}

TYPOLOGIES = ["relative_transfer", "hidden_relative_transfer", "layering", "property_to_relative",
              "divorce_transfer", "shell_company", "cash_spike", "relative_preference",
              "nominee_purchase", "round_trip"]
TYPO_W = [20, 10, 10, 10, 7, 8, 10, 8, 6, 7]

HOURS = list(range(24))
HOUR_CUM = []
for _w in [1, 1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 10, 9, 8, 8, 8, 8, 9, 10, 10, 8, 5, 2]:
    HOUR_CUM.append((HOUR_CUM[-1] if HOUR_CUM else 0) + _w)

INVERSE = {"spouse": "spouse", "former_spouse": "former_spouse", "parent": "child", "child": "parent",
           "sibling": "sibling", "parent_in_law": "child_in_law", "child_in_law": "parent_in_law",
           "sibling_in_law": "sibling_in_law", "grandparent": "grandchild", "grandchild": "grandparent",
           "cohabitant": "cohabitant", "other_relative": "other_relative", "associate": "associate"}
REL_SOURCES = ["户籍登记", "民政婚姻登记", "债务人申报", "household_register", "civil_registry", "declared",
               "管理人调查", ""]

COLUMNS = {
    "persons": ["person_id", "name", "id_number", "birth_date", "gender", "phone", "address"],
    "companies": ["company_id", "name", "registration_number", "incorporation_date", "address", "status"],
    "relations": ["person_id", "related_person_id", "relation", "start_date", "end_date", "source"],
    "company_roles": ["person_id", "company_id", "role", "share", "start_date", "end_date"],
    "accounts": ["account_id", "holder_id", "institution", "account_type", "opened_date", "closed_date",
                 "currency"],
    "transfers": ["transfer_id", "from_account", "to_account", "amount", "timestamp", "currency", "channel",
                  "memo"],
    "properties": ["property_id", "kind", "description", "location", "registration_number", "market_value",
                   "valuation_date", "currency"],
    "property_transfers": ["property_id", "from_party", "to_party", "date", "price", "market_value", "share",
                           "registration_ref"],
    "cases": ["case_id", "debtor_id", "case_type", "jurisdiction", "court", "filing_date", "acceptance_date",
              "judgment_date", "claim_amount", "currency", "creditor"],
    "identifiers": ["entity_id", "kind", "value"],
}
NUMERIC = {"amount", "share", "market_value", "price", "claim_amount"}


# --------------------------------------------------------------------------- helpers
def luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def id_checksum(body17: str) -> str:
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * x for c, x in zip(body17, w)) % 11]


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(r: random.Random, region: str) -> str:
    org = "".join(r.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    vals = [USCC_CHARS.index(c) if not c.isdigit() else int(c) for c in org]
    # GB 11714 check digit on the organisation code (letters valued by alphabet position + 9)
    ow = [3, 7, 9, 10, 5, 8, 4, 2]
    ov = [int(c) if c.isdigit() else ord(c) - 55 for c in org]
    c9 = 11 - sum(a * b for a, b in zip(ov, ow)) % 11
    org += "X" if c9 == 10 else ("0" if c9 == 11 else str(c9))
    body = "91" + region + org
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    s = sum(USCC_CHARS.index(c) * x for c, x in zip(body, w))
    del vals
    return body + USCC_CHARS[(31 - s % 31) % 31]


def money(x: float) -> float:
    return round(max(x, 0.01), 2)


def fmt_num(x) -> str:
    if x is None or x == "":
        return ""
    return f"{x:.2f}" if isinstance(x, float) else str(x)


class Household:
    __slots__ = ("debtor", "region", "cur", "spouse", "parents", "children", "siblings", "in_laws",
                 "sib_in_laws", "cohabitant", "hidden", "ex_spouse", "addr", "phone", "accounts", "apps",
                 "rel_accounts", "label", "typos", "props", "friends", "F", "A", "anchor", "start", "end",
                 "employer", "landlord", "bank_loans", "default_day", "cash_rate", "cash_size", "wealth",
                 "tz", "jur", "notes", "recorded", "tie")

    def __init__(self):
        self.spouse = None
        self.parents = []
        self.children = []
        self.siblings = []
        self.in_laws = []
        self.sib_in_laws = []
        self.cohabitant = None
        self.hidden = []
        self.ex_spouse = None
        self.props = []
        self.typos = []
        self.notes = []
        self.rel_accounts = {}
        self.tie = {}


# --------------------------------------------------------------------------- generator
class Portfolio:
    def __init__(self, n_cases: int, seed: int):
        self.n = n_cases
        self.r = random.Random(seed)
        self.t = {k: [] for k in COLUMNS}
        self.labels = []
        self.details = []
        self.acc_ids = set()
        self.phones = set()
        self.nid = {"P": 0, "C": 0, "T": 0, "H": 0, "R": 0}
        self.company_acc = {}
        self.person_info = {}
        self._background()

    # ---- id helpers
    def _next(self, k: str) -> int:
        self.nid[k] += 1
        return self.nid[k]

    def name(self, gender: str, surname: str | None = None) -> str:
        r = self.r
        if surname is None:
            surname = r.choice(COMPOUND) if r.random() < 0.01 else r.choices(SURNAMES, SURNAME_W)[0]
        pool = GIVEN_M if gender == "M" else GIVEN_F
        if r.random() < 0.3:
            return surname + r.choice(pool)
        return surname + r.choice(GIVEN_ANY + pool) + r.choice(pool)

    def phone(self, us: bool = False) -> str:
        r = self.r
        while True:
            if us:
                p = f"+1{r.randint(200, 989)}{r.randint(2000000, 9999999)}"
            else:
                p = f"1{r.choice('3456789')}{r.randint(0, 9)}{r.randint(0, 99999999):08d}"
            if p not in self.phones:
                self.phones.add(p)
                return p

    def cn_address(self, sz: bool = True) -> str:
        r = self.r
        if sz:
            return (f"{'广东省' if r.random() < 0.6 else ''}深圳市{r.choice(SZ_STREETS)}{r.randint(1, 300)}号"
                    f"{r.choice(['', r.choice('ABCDE') + '座', str(r.randint(1, 12)) + '栋'])}{r.randint(2, 33)}"
                    f"{r.randint(1, 12):02d}{'室' if r.random() < 0.5 else ''}")
        city, st = r.choice(OTHER_CITIES)
        return f"{city}{st}{r.randint(1, 500)}号{r.randint(1, 20)}栋{r.randint(1, 6)}单元{r.randint(1, 30)}0{r.randint(1, 4)}"

    def us_address(self) -> str:
        return f"{self.r.randint(10, 9999)} {self.r.choice(US_STREETS)} {self.r.randint(10000, 99999)}"

    def person(self, gender=None, birth_year=None, surname=None, address=None, phone=None, us=False,
               no_id=False) -> str:
        r = self.r
        gender = gender or r.choice("MF")
        by = birth_year or r.randint(1950, 2000)
        bd = D(by, r.randint(1, 12), r.randint(1, 28))
        pid = f"P{self._next('P'):07d}"
        nm = self.name(gender, surname)
        idn = ""
        if not no_id and r.random() < 0.9:
            seq = r.randint(0, 499) * 2 + (1 if gender == "M" else 0)
            body = f"{r.choice(REGIONS_CN)}{bd:%Y%m%d}{seq:03d}"
            idn = body + id_checksum(body)
        bds = ""
        if r.random() < 0.85:
            f = r.random()
            bds = (bd.isoformat() if f < 0.7 else bd.strftime("%Y%m%d") if f < 0.8
                   else f"{bd.year}年{bd.month}月{bd.day}日" if f < 0.9 else f"{bd.year}/{bd.month}/{bd.day}")
        if phone is None:
            phone = self.phone(us) if r.random() < 0.85 else ""
            if phone and r.random() < 0.12:
                phone += ";" + self.phone(us)
        if address is None:
            address = (self.us_address() if us else self.cn_address(r.random() < 0.6)) if r.random() < 0.9 else ""
        g = gender if r.random() < 0.95 else ""
        self.t["persons"].append([pid, nm, idn, bds, g, phone, address])
        self.person_info[pid] = (nm, gender, by, phone, address)
        return pid

    def company(self, name, inc: D, status="存续", address="", region="440300") -> str:
        cid = f"C{self._next('C'):06d}"
        reg = uscc(self.r, region) if self.r.random() < 0.93 else ""
        incs = inc.isoformat() if self.r.random() < 0.85 else inc.strftime("%Y%m%d")
        self.t["companies"].append([cid, name, reg, incs, address, status])
        return cid

    def account(self, holder: str, kind: str, opened: D, us=False, closed: D | None = None,
                bank: tuple | None = None, cur=None) -> str:
        r = self.r
        cur = cur or ("USD" if us else "CNY")
        while True:
            if kind == "card":
                inst, bin_, ln = bank or r.choice(US_BANKS if us else CN_BANKS)
                if not us and r.random() < 0.12:
                    aid = "0" + "".join(r.choice("0123456789") for _ in range(r.choice([15, 16, 17, 18])))
                else:
                    aid = luhn_complete(bin_ + "".join(r.choice("0123456789") for _ in range(ln - 7)))
                atype = "bank"
            elif kind == "app":
                if us:
                    inst = r.choice(["Zelle", "Venmo"])
                    aid = f"{inst.lower()}:{r.randint(10**9, 10**10 - 1)}"
                elif r.random() < 0.5:
                    inst, aid = "支付宝", "2088" + "".join(r.choice("0123456789") for _ in range(12))
                else:
                    inst = "微信支付"
                    aid = "wxid_" + "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(14))
                atype = "payment_app"
            else:  # corporate account
                inst, _, _ = bank or r.choice(US_BANKS if us else CN_BANKS)
                aid = (str(r.randint(10**9, 10**12)) if us else
                       r.choice(["4000", "7559", "0200", "4420", "3380"]) +
                       "".join(r.choice("0123456789") for _ in range(r.choice([12, 14, 15]))))
                atype = "bank"
            if aid not in self.acc_ids:
                break
        self.acc_ids.add(aid)
        od = opened.isoformat() if r.random() < 0.9 else ""
        self.t["accounts"].append([aid, holder, inst, atype, od, closed.isoformat() if closed else "",
                                   cur if r.random() < 0.8 else ""])
        return aid

    def tx(self, frm, to, amount, when: DT, channel, memo="", cur="CNY", tz="+08:00"):
        r = self.r
        tid = f"TX{self._next('T'):09d}"
        f = r.random()
        if tz != "+08:00":
            ts = when.isoformat() + tz
        elif f < 0.04:
            ts = when.date().isoformat()
        elif f < 0.10:
            ts = when.isoformat() + "+08:00"
        else:
            ts = when.isoformat()
        self.t["transfers"].append([tid, frm or "", to or "", "%.2f" % money(amount), ts,
                                    cur if (cur != "CNY" or r.random() < 0.5) else "", channel, memo])
        return tid

    def when(self, day: D, kind="any") -> DT:
        r = self.r
        if kind == "salary":
            h = r.randint(8, 11)
        elif kind == "night":
            h = r.choice([21, 22, 23, 0, 1])
        elif kind == "office":
            h = r.randint(9, 16)
        else:
            h = r.choices(HOURS, cum_weights=HOUR_CUM)[0]
        return DT(day.year, day.month, day.day, h, r.randint(0, 59), r.randint(0, 59))

    def rel(self, a, b, relation, start="", end="", p_missing=0.0):
        """Record tie: b is `relation` to a. Randomly one direction, the other or both."""
        r = self.r
        if r.random() < p_missing:
            return False
        src = r.choice(REL_SOURCES)
        f = r.random()
        rows = []
        if f < 0.6:
            rows.append([a, b, relation, start, end, src])
        elif f < 0.85:
            rows.append([b, a, INVERSE[relation], start, end, src])
        else:
            rows.append([a, b, relation, start, end, src])
            rows.append([b, a, INVERSE[relation], start, end, src])
        self.t["relations"].extend(rows)
        return True

    # ---- background world
    def _background(self):
        r = self.r
        n = self.n
        base = D(2005, 1, 1)
        self.merchants = {False: [], True: []}
        for us in (False, True):
            for nm in (MERCHANTS_US if us else MERCHANTS_CN):
                cid = self.company(nm, base + TD(r.randint(0, 3000)), "存续" if not us else "active")
                self.merchants[us].append(self.account(cid, "corp", D(2010, 1, 1), us))
        self.utilities = {False: [], True: []}
        for us in (False, True):
            for nm in (UTILITIES_US if us else UTILITIES_CN):
                cid = self.company(nm, base, "存续" if not us else "active")
                self.utilities[us].append(self.account(cid, "corp", D(2008, 1, 1), us))
        self.hospitals = {False: [], True: []}
        for us in (False, True):
            for nm in (HOSPITALS_US if us else HOSPITALS_CN):
                cid = self.company(nm, base, "存续" if not us else "active")
                self.hospitals[us].append(self.account(cid, "corp", D(2008, 1, 1), us))
        self.schools = {False: [], True: []}
        for us in (False, True):
            for nm in (SCHOOLS_US if us else SCHOOLS_CN):
                cid = self.company(nm, base, "存续" if not us else "active")
                self.schools[us].append(self.account(cid, "corp", D(2008, 1, 1), us))
        # banks as companies with loan-collection accounts
        self.banks = {False: [], True: []}
        for us in (False, True):
            for b in (US_BANKS if us else CN_BANKS):
                nm = b[0] + ("" if us else "股份有限公司深圳分行")
                cid = self.company(nm, D(1990, 1, 1), "存续" if not us else "active")
                accs = [self.account(cid, "corp", D(2005, 1, 1), us, bank=b) for _ in range(2)]
                self.banks[us].append((b[0], cid, accs))
        self.developers = {False: [], True: []}
        for us in (False, True):
            for i in range(6):
                nm = (f"{r.choice(['Pacific', 'Golden', 'Bay'])} Homes LLC {i}" if us else
                      f"深圳市{r.choice(EMP_PREFIX)}房地产开发有限公司")
                cid = self.company(nm, D(2000 + i, 3, 1), "active" if us else "存续")
                self.developers[us].append((cid, self.account(cid, "corp", D(2006, 1, 1), us)))
        # employers shared between debtors
        self.employers = {False: [], True: []}
        for us in (False, True):
            k = max(4, n // (60 if us else 8))
            for _ in range(k):
                nm = (f"{r.choice(['Golden', 'Pacific', 'Sunrise', 'Dragon', 'Lotus'])} "
                      f"{r.choice(['Trading', 'Logistics', 'Restaurant', 'Tech'])} Inc" if us else
                      f"深圳市{r.choice(EMP_PREFIX)}{r.choice(EMP_SUFFIX)}")
                cid = self.company(nm, base + TD(r.randint(0, 5000)), r.choice(["存续", "存续", "在业", "active"]))
                self.employers[us].append((cid, self.account(cid, "corp", D(2012, 1, 1), us)))
        # friends / acquaintances pool (shared between debtors); landlords come from here
        self.friends = {False: [], True: []}
        for us in (False, True):
            k = max(20, n * (2 if us else 3) // (8 if us else 1))
            for _ in range(k):
                p = self.person(us=us)
                accs = [self.account(p, "card", D(2012, 1, 1) + TD(r.randint(0, 2000)), us)]
                if r.random() < 0.7:
                    accs.append(self.account(p, "app", D(2015, 1, 1) + TD(r.randint(0, 2000)), us))
                self.friends[us].append((p, accs))
        # professional enablers: accounts reused by several evaders
        self.enablers = {False: [], True: []}
        for us in (False, True):
            k = max(2, n // (200 if us else 50))
            for _ in range(k):
                p = self.person(us=us)
                accs = [self.account(p, "card", D(2018, 1, 1) + TD(r.randint(0, 1200)), us),
                        self.account(p, "app", D(2019, 1, 1) + TD(r.randint(0, 900)), us)]
                self.enablers[us].append((p, accs))

    # ---- one case
    def build_case(self, i: int):
        r = self.r
        h = Household()
        f = r.random()
        h.jur = "CN-SZ" if f < 0.55 else ("CN" if f < 0.89 else "US")
        us = h.jur == "US"
        h.cur = "USD" if us else "CNY"
        h.tz = r.choice(["-08:00", "-05:00"]) if us else "+08:00"
        scale = 0.2 if us else 1.0
        # dates
        F = D(2022, 3, 1) + TD(r.randint(0, 1300))
        h.F = F
        if us:  # no acceptance in US law; some exports still carry a later court date (a trap: US counts from F)
            A = F + TD(r.randint(20, 45)) if r.random() < 0.5 else None
        else:
            A = F + TD(r.randint(25, 125)) if r.random() < 0.95 else None
        h.A = A
        h.anchor = F if us else (A or F)
        h.start = h.anchor - TD(365 * 3 + r.randint(0, 70))
        h.end = h.anchor + TD(r.randint(80, 240))
        evader = r.random() < 0.37
        h.label = "evader" if evader else "honest"
        # people
        g = r.choice("MF")
        by = r.randint(1962, 1994)
        h.addr = self.us_address() if us else self.cn_address(h.jur == "CN-SZ" or r.random() < 0.3)
        h.debtor = self.person(g, by, address=h.addr, us=us, phone=self.phone(us) + (";" + self.phone(us) if r.random() < 0.1 else ""))
        h.phone = self.person_info[h.debtor][3].split(";")[0]
        sur = self.person_info[h.debtor][0][:1]
        h.recorded = set()

        def tie(p, relation, **kw):
            h.tie[p] = relation
            if self.rel(h.debtor, p, relation, **kw):
                h.recorded.add(p)

        home = h.addr
        married = r.random() < 0.72
        marriage = D(by + r.randint(22, 32), r.randint(1, 12), r.randint(1, 28))
        marriage = min(marriage, F - TD(800 + r.randint(0, 1500)))  # married well before any divorce scheme
        if married:
            h.spouse = self.person("F" if g == "M" else "M", by + r.randint(-4, 4), address=home if r.random() < 0.8
                                   else None, us=us)
            tie(h.spouse, "spouse", start=marriage.isoformat() if r.random() < 0.7 else "", p_missing=0.04)
        elif r.random() < 0.25:
            h.cohabitant = self.person("F" if g == "M" else "M", by + r.randint(-6, 6), address=home, us=us)
            tie(h.cohabitant, "cohabitant", p_missing=0.3)
        # old divorce (honest-looking for everybody; trap)
        old_ex = None
        if r.random() < 0.12:
            old_ex = self.person("F" if g == "M" else "M", by + r.randint(-3, 3), us=us)
            dd = h.F - TD(r.randint(5 * 365, 15 * 365))
            if r.random() < 0.5:
                tie(old_ex, "spouse", start=(dd - TD(365 * r.randint(2, 8))).isoformat(), end=dd.isoformat())
            else:
                tie(old_ex, "former_spouse", end=dd.isoformat() if r.random() < 0.7 else "")
            h.notes.append(("old_ex", old_ex))
        nparents = r.choices([0, 1, 2], [1, 3, 6])[0]
        for k in range(nparents):
            pg = "M" if k == 0 else "F"
            p = self.person(pg, by - r.randint(22, 34), surname=sur if pg == "M" else None,
                            address=home if r.random() < 0.15 else None, no_id=r.random() < 0.1, us=us)
            h.parents.append(p)
            tie(p, "parent", p_missing=0.1)
        nkids = r.choices([0, 1, 2, 3], [3, 5, 3, 1])[0] if (married or old_ex) else 0
        for _ in range(nkids):
            kb = min(marriage.year + r.randint(1, 10), 2021)
            c = self.person(birth_year=kb, surname=sur if g == "M" else None, address=home, us=us,
                            no_id=kb > 2010 and r.random() < 0.5)
            h.children.append(c)
            tie(c, "child", p_missing=0.08)
        for _ in range(r.choices([0, 1, 2, 3], [2, 4, 3, 1])[0]):
            s = self.person(birth_year=by + r.randint(-8, 8), surname=sur if r.random() < 0.7 else None, us=us)
            h.siblings.append(s)
            tie(s, "sibling", p_missing=0.15)
        if h.spouse:
            ssur = self.person_info[h.spouse][0][:1]
            for k in range(r.choices([0, 1, 2], [2, 3, 5])[0]):
                pg = "M" if k == 0 else "F"
                p = self.person(pg, by - r.randint(22, 34), surname=ssur if pg == "M" else None, us=us)
                h.in_laws.append(p)
                tie(p, "parent_in_law", p_missing=0.3)
            for _ in range(r.choices([0, 1, 2], [4, 4, 2])[0]):
                p = self.person(birth_year=by + r.randint(-8, 8), surname=ssur, us=us)
                h.sib_in_laws.append(p)
                tie(p, "sibling_in_law", p_missing=0.35)
        # relatives' accounts and light life
        rels = ([h.spouse] if h.spouse else []) + h.parents + h.children + h.siblings + h.in_laws + h.sib_in_laws
        if h.cohabitant:
            rels.append(h.cohabitant)
        if old_ex:
            rels.append(old_ex)
        for p in rels:
            accs = [self.account(p, "card", h.start - TD(r.randint(100, 4000)), us)]
            if r.random() < 0.6:
                accs.append(self.account(p, "app", h.start - TD(r.randint(30, 2000)), us))
            h.rel_accounts[p] = accs
            self.light_life(h, accs, r.randint(3, 14))
        # unrecorded relatives sharing phone / address: decoys for honest and evaders alike
        if r.random() < 0.3:
            hp = self.hidden_relative(h, us)
            h.notes.append(("hidden_decoy", hp))
        # debtor accounts
        h.accounts = [self.account(h.debtor, "card", h.start - TD(r.randint(200, 4000)), us)]
        for _ in range(r.choices([0, 1, 2], [3, 5, 2])[0]):
            h.accounts.append(self.account(h.debtor, "card", h.start - TD(r.randint(0, 3000)), us,
                                           closed=(h.F - TD(r.randint(0, 200))) if r.random() < 0.1 else None))
        h.apps = [self.account(h.debtor, "app", h.start - TD(r.randint(100, 2500)), us)
                  for _ in range(r.choices([1, 2], [6, 4])[0])]
        # friends, employer, landlord, banks
        h.friends = r.sample(self.friends[us], k=min(len(self.friends[us]), r.randint(3, 9)))
        h.employer = r.choice(self.employers[us])
        h.landlord = r.choice(self.friends[us])
        h.bank_loans = r.sample(self.banks[us], k=r.randint(1, 3))
        h.default_day = h.F - TD(r.randint(60, 420))
        # cash habit: varies a lot between persons
        h.cash_rate = r.choice([0.05, 0.2, 0.5, 1, 1, 2, 3, 5, 8, 12])
        h.cash_size = r.choice([200, 500, 1000, 2000, 3000, 5000]) * scale * (2 if h.cash_rate < 1 else 1)
        h.wealth = r.lognormvariate(12.6, 0.7) * scale  # ~300k CNY median
        # properties owned before the period
        for _ in range(r.choices([0, 1, 2], [3, 5, 2])[0]):
            h.props.append(self.owned_property(h, us))
        self.everyday_life(h, us, scale)
        self.honest_patterns(h, us, scale)
        if evader:
            k = r.choices([1, 2, 3], [5, 3, 1])[0]
            typos = []
            while len(typos) < k:
                t = r.choices(TYPOLOGIES, TYPO_W)[0]
                if t == "divorce_transfer" and not h.spouse:
                    continue
                if t not in typos:
                    typos.append(t)
            for t in typos:
                n_tx, n_pt = len(self.t["transfers"]), len(self.t["property_transfers"])
                getattr(self, "scheme_" + t)(h, us, scale)
                self.detail(h, t, self.t["transfers"][n_tx:], self.t["property_transfers"][n_pt:])
            h.typos = typos
        self.write_case(h, i)

    def light_life(self, h, accs, k):
        r = self.r
        us = h.cur == "USD"
        span = (h.end - h.start).days
        for _ in range(k):
            day = h.start + TD(r.randint(0, span))
            if r.random() < 0.7:
                self.tx(r.choice(accs), r.choice(self.merchants[us]), r.uniform(20, 900) * (0.2 if us else 1),
                        self.when(day), "card" if r.random() < 0.5 else "payment_app",
                        r.choice(["", "消费", "超市", "外卖"]) if not us else "", h.cur, h.tz)
            else:
                fr = r.choice(self.friends[us])
                self.tx(r.choice(fr[1]), r.choice(accs), r.uniform(100, 3000) * (0.2 if us else 1),
                        self.when(day), "payment_app", r.choice(["", "还你", "AA", "饭钱"]) if not us else "",
                        h.cur, h.tz)

    def hidden_relative(self, h, us):
        """A relative who is NOT in relations but shares a phone or address with the debtor."""
        r = self.r
        f = r.random()
        if f < 0.4:
            p = self.person(address=None, phone=h.phone + (";" + self.phone(us) if r.random() < 0.5 else ""),
                            us=us)
        elif f < 0.7:
            p = self.person(us=us)
            self.t["identifiers"].append([p, "phone", h.phone])
            if r.random() < 0.5:
                self.t["identifiers"].append([h.debtor, "phone", h.phone])
        else:
            addr = h.addr
            if r.random() < 0.3 and not us:
                addr = addr.replace("广东省", "") if addr.startswith("广东省") else "广东省" + addr
            if r.random() < 0.5:
                p = self.person(address=addr, us=us)
            else:
                p = self.person(us=us)
                self.t["identifiers"].append([p, "address", addr])
                self.t["identifiers"].append([h.debtor, "address", addr])
        accs = [self.account(p, "card", h.start - TD(r.randint(100, 3000)), us)]
        if r.random() < 0.5:
            accs.append(self.account(p, "app", h.start - TD(r.randint(10, 1500)), us))
        h.rel_accounts[p] = accs
        h.hidden.append(p)
        self.light_life(h, accs, r.randint(2, 8))
        return p

    def owned_property(self, h, us):
        r = self.r
        pid = f"PR{self._next('R'):07d}"
        real = r.random() < 0.75
        acq = h.start - TD(r.randint(200, 5000))
        mv = (r.lognormvariate(14.9, 0.5) if real else r.lognormvariate(12.0, 0.5)) * (0.2 if us else 1)
        loc = self.us_address() if us else self.cn_address(r.random() < 0.7)
        desc = ("住宅" if real else "小型轿车") if not us else ("single family home" if real else "vehicle")
        regn = (f"粤({acq.year})深圳市不动产权第{r.randint(10**6, 10**7 - 1)}号" if real and not us else
                f"粤B{r.choice('ABCDEFGHJK')}{r.randint(1000, 9999)}{r.choice('0123456789ABCDEF')}" if not us else
                f"APN {r.randint(100, 999)}-{r.randint(100, 999)}-{r.randint(10, 99)}")
        self.t["properties"].append([pid, "real_estate" if real else "vehicle", desc, loc if real else "", regn,
                                     money(mv), (h.F - TD(r.randint(0, 400))).isoformat(), h.cur])
        dev = r.choice(self.developers[us])
        buy_price = mv * r.uniform(0.55, 0.95) if real else mv * r.uniform(1.1, 1.6)
        owner_share = ""
        if h.spouse and r.random() < 0.3:
            owner_share = 0.5
            self.t["property_transfers"].append([pid, dev[0], h.spouse, acq.isoformat(), money(buy_price / 2), "",
                                                 0.5, f"登记{r.randint(10**5, 10**6)}"])
        self.t["property_transfers"].append([pid, dev[0] if r.random() < 0.6 else "", h.debtor, acq.isoformat(),
                                             money(buy_price * (owner_share or 1)), "", owner_share,
                                             f"登记{r.randint(10**5, 10**6)}" if r.random() < 0.7 else ""])
        return {"id": pid, "mv": mv, "real": real, "share": owner_share or 1.0}

    # ---- everyday life
    def everyday_life(self, h, us, scale):
        r = self.r
        cur, tz = h.cur, h.tz
        main = h.accounts[0]
        salary_based = r.random() < 0.7
        income = r.lognormvariate(9.3, 0.45) * (0.35 if us else 1)  # ~11k CNY / month
        job_end = h.F - TD(r.randint(30, 500))
        housing = r.choices(["rent", "mortgage", "none"], [45, 40, 15])[0]
        rent = r.uniform(2000, 7000) * scale * (2 if us else 1)
        bank = h.bank_loans[0]
        emp_cid, emp_acc = h.employer
        # a small income after job loss (gig work) for some
        gig = r.random() < 0.5
        apps = h.apps
        mer = self.merchants[us]
        util = self.utilities[us]
        loans = [(b, r.uniform(1500, 9000) * scale, r.randint(3, 27)) for b in h.bank_loans]
        day = D(h.start.year, h.start.month, 1)
        while day <= h.end:
            y, m = day.year, day.month
            dim = (D(y + (m == 12), m % 12 + 1, 1) - TD(1)).day

            def dd(lo=1, hi=None):
                d2 = day.replace(day=min(dim, r.randint(lo, hi or dim)))
                return d2

            pre = day < h.F
            # income
            if salary_based and day < job_end:
                self.tx(emp_acc, main, income * r.uniform(0.9, 1.15), self.when(dd(8, 15), "salary"), "bank_transfer",
                        r.choice(["工资", "代发工资", f"{y}年{m}月工资", "代发", "", "薪资"]) if not us else "PAYROLL",
                        cur, tz)
            elif not salary_based:
                factor = 1.0 if day < job_end else 0.25
                for _ in range(r.randint(2, 6)):
                    fr = r.choice(self.friends[us])
                    self.tx(r.choice(fr[1]), r.choice(apps), income * factor / 4 * r.uniform(0.3, 1.7),
                            self.when(dd()), "payment_app", r.choice(["货款", "经营收入", "收款", "", "二维码收款"])
                            if not us else r.choice(["invoice", ""]), cur, tz)
            elif gig and r.random() < 0.6:
                fr = r.choice(self.friends[us])
                self.tx(r.choice(fr[1]), r.choice(apps), income * r.uniform(0.15, 0.4), self.when(dd()),
                        "payment_app", r.choice(["跑腿", "兼职", "代驾收入", ""]) if not us else "", cur, tz)
            # self transfers (card -> app top-up)
            if r.random() < 0.8:
                self.tx(main, r.choice(apps), r.uniform(0.1, 0.3) * income, self.when(dd()), "payment_app",
                        r.choice(["充值", "零钱充值", "余额宝转入", "转入"]) if not us else "transfer", cur, tz)
            # housing
            if housing == "rent":
                self.tx(r.choice([main, apps[0]]), r.choice(h.landlord[1]), rent, self.when(dd(1, 6)),
                        "bank_transfer", r.choice(["房租", f"{m}月房租", "租金", ""]) if not us else "rent", cur, tz)
            elif housing == "mortgage" and day < h.default_day + TD(60):
                self.tx(main, bank[2][0], rent * 1.3, self.when(dd(15, 20), "night"), "bank_transfer",
                        r.choice(["房贷", "个人住房贷款还款", "贷款还款", "自动扣款"]) if not us else "MORTGAGE PMT", cur, tz)
            # bank loans / credit cards: stop at default
            if day < h.default_day:
                for b, amt, dday in loans:
                    self.tx(main, b[2][1], amt * r.uniform(0.8, 1.2), self.when(day.replace(day=min(dday, dim)),
                            "night"), "bank_transfer",
                            r.choice(["信用卡还款", "消费贷还款", "贷款还款", "还款", ""]) if not us else "LOAN PMT",
                            cur, tz)
            elif pre and r.random() < 0.15:
                b, amt, _ = r.choice(loans)
                self.tx(main, b[2][1], amt * r.uniform(0.1, 0.5), self.when(dd()), "bank_transfer",
                        "部分还款" if not us else "partial", cur, tz)
            # utilities
            for u in r.sample(util, k=min(len(util), r.randint(1, 2))):
                self.tx(r.choice(apps), u, r.uniform(40, 450) * scale, self.when(dd()), "payment_app",
                        r.choice(["电费", "水费", "燃气费", "话费充值", "宽带", ""]) if not us else "utility", cur, tz)
            # shopping
            for _ in range(r.randint(1, 4)):
                acc = r.choice(apps + [main])
                self.tx(acc, r.choice(mer), r.lognormvariate(5.0, 0.9) * scale, self.when(dd()),
                        "payment_app" if acc in apps else "card",
                        r.choice(["", "消费", "美团订单", "京东商城", "超市购物", "加油", "餐饮", "淘宝"]) if not us else "",
                        cur, tz)
            # cash habit
            lam = h.cash_rate
            nc = int(lam) + (1 if r.random() < lam - int(lam) else 0)
            for _ in range(nc):
                amt = round(h.cash_size * r.choice([0.5, 1, 1, 1, 1.5, 2]) / 100) * 100 or 100
                self.tx(r.choice(h.accounts), None, amt, self.when(dd()), "cash_withdrawal",
                        r.choice(["ATM取款", "取现", "柜面取款", ""]) if not us else "ATM", cur, tz)
            # friends
            if r.random() < 0.45:
                fr = r.choice(h.friends)
                amt = r.choice([50, 100, 200, 300, 500, 800, 1000, 2000]) * scale * r.uniform(0.8, 1.5)
                memo = r.choice(["AA", "饭钱", "还你", "借你的", "生日快乐", "", "球费", "份子"]) if not us else ""
                if r.random() < 0.5:
                    self.tx(r.choice(apps), r.choice(fr[1]), amt, self.when(dd()), "payment_app", memo, cur, tz)
                else:
                    self.tx(r.choice(fr[1]), r.choice(apps), amt, self.when(dd()), "payment_app", memo, cur, tz)
            # household money to spouse
            if h.spouse and r.random() < 0.5:
                self.tx(r.choice([main] + apps), r.choice(h.rel_accounts[h.spouse]),
                        r.uniform(800, 5000) * scale, self.when(dd()), r.choice(["payment_app", "bank_transfer"]),
                        r.choice(["家用", "生活费", "", "买菜", "转账"]) if not us else "", cur, tz)
            # spring festival red envelopes
            sf = SPRING_FESTIVAL.get(y)
            if sf and sf.month == m and not us:
                kin = h.parents + h.in_laws + h.children + h.siblings + h.hidden
                for p in r.sample(kin, k=min(len(kin), r.randint(1, 5))):
                    dday = sf + TD(r.randint(-4, 6))
                    self.tx(r.choice(apps), r.choice(h.rel_accounts[p]),
                            r.choice([66, 88, 168, 188, 200, 288, 500, 520, 666, 888, 1000, 1888, 2000]) * 1.0,
                            self.when(dday), "payment_app", r.choice(["红包", "新年快乐", "压岁钱", "恭喜发财", "", "过年"]),
                            cur, tz)
                for p in r.sample(kin, k=min(len(kin), r.randint(0, 2))):
                    self.tx(r.choice(h.rel_accounts[p]), r.choice(apps), r.choice([66, 88, 200, 500, 888]) * 1.0,
                            self.when(sf + TD(r.randint(-2, 5))), "payment_app", r.choice(["红包", "新年快乐", ""]),
                            cur, tz)
            day = day.replace(day=1) + TD(dim)

    # ---- honest-looking hardship (every debtor gets some; honest ones are made only of these)
    def honest_patterns(self, h, us, scale):
        r = self.r
        cur, tz = h.cur, h.tz
        main, apps = h.accounts[0], h.apps
        span_end = h.end
        # regular support to elderly parents, long-standing and continuing past the filing
        olds = h.parents + h.in_laws + [p for p in h.hidden if r.random() < 0.5]
        if olds and r.random() < 0.55:
            p = r.choice(olds)
            amt = r.choice([500, 800, 1000, 1500, 2000, 3000]) * scale
            dday = r.randint(1, 28)
            d = D(h.start.year, h.start.month, dday)
            while d <= span_end:
                self.tx(r.choice([main] + apps), r.choice(h.rel_accounts[p]), amt * r.uniform(0.95, 1.05),
                        self.when(d), r.choice(["payment_app", "bank_transfer"]),
                        r.choice(["生活费", "赡养费", "给爸妈", "", "妈妈生活费"]) if not us else "support", cur, tz)
                d = D(d.year + (d.month == 12), d.month % 12 + 1, dday)
            h.notes.append(("parent_support", p))
        # support to an adult child studying / living elsewhere
        if h.children and r.random() < 0.3:
            c = h.children[0]
            d = D(h.start.year, h.start.month, 5)
            while d <= span_end:
                self.tx(r.choice(apps), r.choice(h.rel_accounts[c]), r.uniform(800, 2500) * scale, self.when(d),
                        "payment_app", r.choice(["生活费", "", "零花钱"]) if not us else "", cur, tz)
                d = D(d.year + (d.month == 12), d.month % 12 + 1, 5)
        # tuition to a school
        if h.children:
            for y in range(h.start.year, h.end.year + 1):
                for mm in (2, 9):
                    d = D(y, mm, r.randint(1, 25))
                    if h.start <= d <= h.end and r.random() < 0.8:
                        self.tx(main, r.choice(self.schools[us]), r.uniform(3000, 25000) * scale,
                                self.when(d, "office"), "bank_transfer",
                                r.choice(["学费", "学杂费", f"{y}年{'秋' if mm == 9 else '春'}季学费", ""]) if not us else
                                "tuition", cur, tz)
        # medical bills paid to a hospital (sometimes large and inside the window)
        if r.random() < 0.4:
            for _ in range(r.randint(1, 6)):
                d = h.anchor - TD(r.randint(-60, 700))
                self.tx(r.choice([main] + apps), r.choice(self.hospitals[us]),
                        r.choice([r.uniform(300, 3000), r.uniform(5000, 80000)]) * scale, self.when(d, "office"),
                        r.choice(["card", "payment_app", "bank_transfer"]),
                        r.choice(["住院押金", "医疗费", "门诊缴费", "手术费", "住院费结算", ""]) if not us else "medical",
                        cur, tz)
        # distress sale of a property to an unrelated buyer at ~market value
        if h.props and r.random() < 0.3:
            pr = h.props.pop()
            buyer = r.choice(self.friends[us] if r.random() < 0.3 else self.friends[us][len(self.friends[us]) // 2:])
            d = h.anchor - TD(r.randint(40, 500))
            mv = pr["mv"] * r.uniform(0.9, 1.05)
            price = mv * r.uniform(0.85, 1.0)
            self.t["property_transfers"].append([pr["id"], h.debtor, buyer[0], d.isoformat(), money(price * pr["share"]),
                                                 money(mv * pr["share"]), "" if pr["share"] == 1.0 else pr["share"],
                                                 f"转移登记{r.randint(10**5, 10**6)}"])
            self.tx(buyer[1][0], main, price * pr["share"], self.when(d - TD(r.randint(0, 10)), "office"),
                    "bank_transfer", r.choice(["购房款", "房款", "", "二手房交易资金监管划转"]) if not us else "closing",
                    cur, tz)
            b = r.choice(h.bank_loans)
            self.tx(main, b[2][0], price * pr["share"] * r.uniform(0.3, 0.8), self.when(d + TD(r.randint(1, 10))),
                    "bank_transfer", r.choice(["提前还贷", "结清房贷", "贷款结清"]) if not us else "PAYOFF", cur, tz)
            h.notes.append(("distress_sale", pr["id"]))
        # one-off help to a sibling years before the filing
        if h.siblings and r.random() < 0.3:
            s = r.choice(h.siblings)
            d = h.anchor - TD(r.randint(730, 1080))
            if d > h.start:
                self.tx(main, h.rel_accounts[s][0], r.uniform(20000, 120000) * scale, self.when(d), "bank_transfer",
                        r.choice(["借给弟弟", "买房首付", "", "急用", "帮忙"]) if not us else "", cur, tz)
        # wedding gift (to a relative or a friend), any time, can fall in the window
        if r.random() < 0.35:
            kin = h.siblings + h.sib_in_laws
            d = h.anchor - TD(r.randint(10, 1000))
            if kin and r.random() < 0.5:
                to = r.choice(h.rel_accounts[r.choice(kin)])
            else:
                to = r.choice(r.choice(h.friends)[1])
            self.tx(r.choice([main] + apps), to, r.choice([1000, 2000, 5000, 8800, 10000, 20000]) * scale,
                    self.when(d), "payment_app", r.choice(["结婚礼金", "新婚快乐", "份子钱", "百年好合", ""]), cur, tz)
        # old divorce: child support to the ex-spouse, monthly, continuing
        for kind, p in list(h.notes):
            if kind == "old_ex" and p in h.rel_accounts and r.random() < 0.6:
                d = D(h.start.year, h.start.month, 10)
                amt = r.uniform(1000, 3000) * scale
                while d <= span_end:
                    self.tx(main, h.rel_accounts[p][0], amt, self.when(d), "bank_transfer",
                            r.choice(["抚养费", "孩子抚养费", ""]) if not us else "child support", cur, tz)
                    d = D(d.year + (d.month == 12), d.month % 12 + 1, 10)
        # shares in an old company with relatives, incorporated long ago
        kin = h.siblings + h.parents + ([h.spouse] if h.spouse else [])
        if kin and r.random() < 0.2:
            inc = h.start - TD(r.randint(8 * 365, 20 * 365))
            c = self.company(f"{self.cn_address(False)[:3]}{r.choice(EMP_PREFIX)}{r.choice(EMP_SUFFIX)}" if not us
                             else f"{r.choice(['Lucky', 'Golden'])} Family LLC", inc,
                             r.choice(["存续", "注销", "吊销，未注销", "active"]))
            rel = r.choice(kin)
            sh = r.choice([0.3, 0.4, 0.5])
            self.t["company_roles"].append([h.debtor, c, "shareholder", sh, inc.isoformat(), ""])
            self.t["company_roles"].append([rel, c, "shareholder", round(1 - sh, 2), inc.isoformat(), ""])
            self.t["company_roles"].append([rel, c, "legal_representative", "", inc.isoformat(), ""])
        # failed small business: own company account received the debtor's money long before filing
        if r.random() < 0.2:
            inc = h.F - TD(r.randint(3 * 365, 6 * 365))
            c = self.company((f"深圳市{r.choice(EMP_PREFIX)}{r.choice(EMP_SUFFIX)}" if not us else
                              f"{self.person_info[h.debtor][0]} Trading LLC"), inc,
                             r.choice(["吊销", "注销", "经营异常", "deregistered"]))
            self.t["company_roles"].append([h.debtor, c, "legal_representative", "", inc.isoformat(), ""])
            self.t["company_roles"].append([h.debtor, c, "shareholder", 1.0 if r.random() < 0.7 else 0.8,
                                            inc.isoformat(), ""])
            ca = self.account(c, "corp", inc + TD(r.randint(5, 40)), us,
                              closed=h.F - TD(r.randint(200, 600)) if r.random() < 0.5 else None)
            for _ in range(r.randint(2, 8)):
                d = h.F - TD(r.randint(700, 1150))
                if d > h.start:
                    self.tx(main, ca, r.uniform(10000, 150000) * scale, self.when(d, "office"), "bank_transfer",
                            r.choice(["投资款", "注资", "往来款", "货款", ""]) if not us else "capital", cur, tz)
            h.notes.append(("failed_business", c))
        # a relative buys a flat with their own money (decoy for nominee purchase)
        if r.random() < 0.08:
            p = r.choice(h.parents + h.siblings + h.in_laws) if (h.parents or h.siblings or h.in_laws) else None
            if p:
                dev = r.choice(self.developers[us])
                d = h.anchor - TD(r.randint(30, 600))
                mv = r.lognormvariate(14.5, 0.4) * scale
                pid = f"PR{self._next('R'):07d}"
                self.t["properties"].append([pid, "real_estate", "住宅" if not us else "condo",
                                             self.cn_address(False) if not us else self.us_address(), "", money(mv),
                                             d.isoformat(), h.cur])
                self.tx(h.rel_accounts[p][0], dev[1], mv, self.when(d - TD(r.randint(3, 20)), "office"),
                        "bank_transfer", "购房款", cur, tz)
                self.t["property_transfers"].append([pid, dev[0], p, d.isoformat(), money(mv), money(mv), "", ""])
        # a new account opened in the last year and used for ordinary spending (decoy for new-account schemes)
        if r.random() < 0.15:
            od = h.anchor - TD(r.randint(20, 360))
            na = self.account(h.debtor, "app" if r.random() < 0.7 else "card", od, us)
            for _ in range(r.randint(4, 20)):
                d = od + TD(r.randint(1, max(2, (h.end - od).days)))
                if r.random() < 0.3:
                    self.tx(main, na, r.uniform(200, 3000) * scale, self.when(d), "payment_app",
                            "充值" if not us else "transfer", cur, tz)
                else:
                    self.tx(na, r.choice(self.merchants[us]), r.lognormvariate(5.0, 0.9) * scale, self.when(d),
                            "payment_app", r.choice(["", "消费", "外卖"]) if not us else "", cur, tz)
        # a relative starts their own company shortly before the filing, with at most a token purchase
        kin2 = h.siblings + h.sib_in_laws
        if kin2 and r.random() < 0.1:
            p = r.choice(kin2)
            inc = h.F - TD(r.randint(30, 330))
            c = self.company(f"深圳市{r.choice(EMP_PREFIX)}{r.choice(['商贸', '餐饮', '科技'])}有限公司" if not us else
                             f"{r.choice(['Apex', 'Jade'])} Foods LLC", inc, "存续" if not us else "active")
            self.t["company_roles"].append([p, c, "legal_representative", "", inc.isoformat(), ""])
            self.t["company_roles"].append([p, c, "shareholder", 1.0, inc.isoformat(), ""])
            ca = self.account(c, "corp", inc + TD(r.randint(3, 20)), us)
            self.tx(h.rel_accounts[p][0], ca, r.uniform(30000, 100000) * scale, self.when(inc + TD(25), "office"),
                    "bank_transfer", "注册资本" if not us else "capital", cur, tz)
            if r.random() < 0.5 and inc + TD(40) < h.end:
                self.tx(r.choice(apps), ca, r.uniform(100, 800) * scale, self.when(inc + TD(r.randint(40, 90))),
                        "payment_app", r.choice(["消费", "捧场", ""]) if not us else "", cur, tz)
        # debt from a relative repaid slowly and long-standing (decoy for relative_preference)
        if (h.siblings or h.parents) and r.random() < 0.15:
            p = r.choice(h.siblings + h.parents)
            d0 = h.start + TD(r.randint(0, 120))
            loan = r.uniform(30000, 150000) * scale
            self.tx(h.rel_accounts[p][0], main, loan, self.when(d0), "bank_transfer", r.choice(["借款", "", "借你"]),
                    cur, tz)
            d = d0 + TD(40)
            while d < h.end:
                self.tx(r.choice(apps), r.choice(h.rel_accounts[p]), loan / 60, self.when(d), "payment_app",
                        r.choice(["还款", "", "还钱"]), cur, tz)
                d += TD(r.randint(25, 40))

    # ---- scheme timing
    def scheme_day(self, h, short=False) -> D:
        """Days before the anchor: mostly in the 1y (or 6m) window, some in the 1-2y band, a few outside."""
        r = self.r
        f = r.random()
        if short:
            if f < 0.85:
                back = r.randint(10, 175)
            else:
                back = r.randint(190, 260)
        elif f < 0.72:
            back = int(r.triangular(15, 365, 90))
        elif f < 0.9:
            back = r.randint(370, 720)
        else:
            back = r.randint(366, 420) if h.jur == "CN" else r.randint(735, 800)
        d = h.anchor - TD(back)
        return max(d, h.start + TD(30))

    def kin_pick(self, h, pool=None):
        r = self.r
        cands = pool or (h.parents + h.children + h.siblings + h.in_laws + h.sib_in_laws +
                         ([h.spouse] if h.spouse else []))
        if not cands:
            p = self.person(birth_year=self.person_info[h.debtor][2] + r.randint(-6, 6),
                            surname=self.person_info[h.debtor][0][:1], us=h.cur == "USD")
            self.rel(h.debtor, p, "sibling")
            h.siblings.append(p)
            h.rel_accounts[p] = [self.account(p, "card", h.start - TD(400), h.cur == "USD")]
            cands = [p]
        return r.choice(cands)

    def memo(self, us, pool=None):
        if us:
            return self.r.choice(["", "gift", "loan", "transfer"])
        return self.r.choice(pool or ["", "", "借款", "还款", "转账", "往来款", "生活费", "装修款", "给孩子", "周转"])

    def split_amounts(self, h, total):
        r = self.r
        if r.random() < 0.4:
            return [total]
        k = r.randint(3, 6)
        parts = [r.uniform(0.6, 1.4) for _ in range(k)]
        s = sum(parts)
        return [total * p / s for p in parts]

    def size(self, h):
        r = self.r
        f = r.random()
        scale = 0.2 if h.cur == "USD" else 1.0
        if f < 0.2:  # subtle
            return max(h.wealth * r.uniform(0.05, 0.15), r.uniform(15000, 40000) * scale)
        return max(h.wealth * r.uniform(0.25, 0.9), r.uniform(60000, 120000) * scale)

    # ---- evader schemes
    def scheme_relative_transfer(self, h, us, scale):
        r = self.r
        p = self.kin_pick(h)
        d = self.scheme_day(h)
        for amt in self.split_amounts(h, self.size(h)):
            self.tx(r.choice(h.accounts), r.choice(h.rel_accounts[p]), amt, self.when(d), "bank_transfer",
                    self.memo(us), h.cur, h.tz)
            d += TD(r.randint(1, 25))

    def scheme_hidden_relative_transfer(self, h, us, scale):
        r = self.r
        p = h.hidden[0] if h.hidden and r.random() < 0.5 else self.hidden_relative(h, us)
        d = self.scheme_day(h)
        for amt in self.split_amounts(h, self.size(h)):
            self.tx(r.choice(h.accounts + h.apps), r.choice(h.rel_accounts[p]), amt, self.when(d),
                    r.choice(["bank_transfer", "payment_app"]), self.memo(us), h.cur, h.tz)
            d += TD(r.randint(1, 20))

    def scheme_layering(self, h, us, scale):
        r = self.r
        p = self.kin_pick(h)
        d = self.scheme_day(h)
        nhops = r.choices([1, 2, 3], [4, 4, 2])[0]
        chain = []
        for k in range(nhops):
            f = r.random()
            if f < 0.35:
                chain.append(r.choice(r.choice(self.enablers[us])[1]))
            elif f < 0.65 or k > 0:
                chain.append(r.choice(r.choice(self.friends[us])[1]))
            else:  # a fresh payment-app account of the debtor, opened just before
                chain.append(self.account(h.debtor, "app", d - TD(r.randint(2, 40)), us))
        chain.append(r.choice(h.rel_accounts[p]))
        for amt in self.split_amounts(h, self.size(h))[:3]:
            src = r.choice(h.accounts)
            t = self.when(d)
            for acc in chain:
                self.tx(src, acc, amt, t, r.choice(["bank_transfer", "payment_app"]),
                        self.memo(us, ["", "", "货款", "转账", "往来款", "借款", "服务费"]), h.cur, h.tz)
                src = acc
                amt *= r.uniform(0.97, 0.995)
                t += TD(days=r.choice([0, 1, 1, 2, 3, 5]), hours=r.randint(1, 20))
            d += TD(r.randint(3, 30))

    def scheme_property_to_relative(self, h, us, scale):
        r = self.r
        pr = h.props.pop() if h.props else self.owned_property(h, us)
        p = self.kin_pick(h)
        d = self.scheme_day(h)
        mv = pr["mv"] * r.uniform(0.95, 1.08)
        f = r.random()
        ratio = 0.0 if f < 0.5 else (r.uniform(0.05, 0.6) if f < 0.85 else r.uniform(0.72, 0.9))
        price = mv * ratio
        self.t["property_transfers"].append([pr["id"], h.debtor, p, d.isoformat(),
                                             money(price * pr["share"]) if price else 0,
                                             money(mv * pr["share"]) if r.random() < 0.85 else "",
                                             "" if pr["share"] == 1.0 else pr["share"],
                                             r.choice(["赠与", "买卖", "转移登记", ""]) + str(r.randint(10**5, 10**6))])
        if price and r.random() < 0.6:
            self.tx(r.choice(h.rel_accounts[p]), h.accounts[0], price * pr["share"],
                    self.when(d - TD(r.randint(0, 15)), "office"), "bank_transfer", "购房款" if not us else "",
                    h.cur, h.tz)

    def scheme_divorce_transfer(self, h, us, scale):
        r = self.r
        ex = h.spouse
        dv = h.F - TD(r.randint(20, 330))
        rows = [x for x in self.t["relations"] if {x[0], x[1]} == {h.debtor, ex} and x[2] == "spouse"]
        if rows and r.random() < 0.6:
            for x in rows:
                x[4] = dv.isoformat()
        else:
            for x in rows:
                self.t["relations"].remove(x)
            self.t["relations"].append([h.debtor, ex, "former_spouse", "", dv.isoformat(),
                                        r.choice(["民政婚姻登记", "civil_registry", "离婚登记"])])
        h.ex_spouse = ex
        did = False
        if h.props and r.random() < 0.6:
            pr = h.props.pop()
            d = dv + TD(r.randint(0, 60))
            self.t["property_transfers"].append([pr["id"], h.debtor, ex, d.isoformat(), 0,
                                                 money(pr["mv"] * pr["share"]) if r.random() < 0.8 else "",
                                                 "" if pr["share"] == 1.0 else pr["share"], "离婚协议析产"])
            did = True
        if not did or r.random() < 0.5:
            d = dv + TD(r.randint(-10, 45))
            for amt in self.split_amounts(h, self.size(h)):
                self.tx(r.choice(h.accounts), r.choice(h.rel_accounts[ex]), amt, self.when(d), "bank_transfer",
                        self.memo(us, ["", "离婚补偿", "财产分割", "抚养费", "转账"]), h.cur, h.tz)
                d += TD(r.randint(1, 20))

    def scheme_shell_company(self, h, us, scale):
        r = self.r
        p = self.kin_pick(h, h.siblings + h.sib_in_laws + h.in_laws + h.parents + ([h.spouse] if h.spouse else [])
                          + h.hidden)
        inc = h.F - TD(r.randint(30, 330))
        nm = (f"深圳市{r.choice(EMP_PREFIX)}{r.choice(['商贸', '咨询', '供应链', '科技', '文化传媒'])}有限公司" if not us
              else f"{r.choice(['Apex', 'Harbor', 'Jade', 'Summit'])} Holdings LLC")
        c = self.company(nm, inc, "存续" if not us else "active",
                         address=self.person_info[p][4] if r.random() < 0.5 else h.addr)
        self.t["company_roles"].append([p, c, "legal_representative", "", inc.isoformat(), ""])
        if r.random() < 0.6:
            self.t["company_roles"].append([p, c, "shareholder", 1.0, inc.isoformat(), ""])
        else:
            fr = r.choice(self.friends[us])[0]
            self.t["company_roles"].append([p, c, "shareholder", 0.6, inc.isoformat(), ""])
            self.t["company_roles"].append([fr, c, "shareholder", 0.4, inc.isoformat(), ""])
        ca = self.account(c, "corp", inc + TD(r.randint(3, 20)), us)
        d = inc + TD(r.randint(10, 40))
        for amt in self.split_amounts(h, self.size(h)):
            if d > h.end:
                break
            self.tx(r.choice(h.accounts), ca, amt, self.when(d, "office"), "bank_transfer",
                    self.memo(us, ["投资款", "货款", "往来款", "借款", "", "服务费"]), h.cur, h.tz)
            d += TD(r.randint(3, 30))

    def scheme_cash_spike(self, h, us, scale):
        r = self.r
        start = h.F - TD(r.randint(60, 270))
        end = min(h.F - TD(r.randint(0, 20)), start + TD(r.randint(30, 150)))
        if end <= start:
            end = start + TD(30)
        mult = r.choice([3, 5, 8, 15])
        months = max(1, (end - start).days // 30)
        k = max(3, int(max(h.cash_rate, 0.5) * mult * months))
        cap = 50000 * scale
        dep_to = None
        if r.random() < 0.4:
            dep_to = r.choice(h.rel_accounts[self.kin_pick(h)])
        for _ in range(min(k, 80)):
            d = start + TD(r.randint(0, (end - start).days))
            amt = min(cap * r.uniform(0.96, 0.998), max(h.cash_size * r.uniform(3, 20), 5000 * scale))
            amt = round(amt / 100) * 100
            self.tx(r.choice(h.accounts), None, amt, self.when(d, "office"), "cash_withdrawal",
                    r.choice(["柜面取款", "ATM取款", "大额取现", "", "取现"]) if not us else "cash", h.cur, h.tz)
            if dep_to and r.random() < 0.4:
                self.tx(None, dep_to, amt * r.uniform(0.8, 1.0), self.when(d + TD(r.randint(0, 4))),
                        "cash_deposit", r.choice(["现金存入", "存款", ""]) if not us else "deposit", h.cur, h.tz)

    def scheme_relative_preference(self, h, us, scale):
        r = self.r
        p = self.kin_pick(h)
        loan = self.size(h) * r.uniform(0.6, 1.0)
        d0 = h.anchor - TD(r.randint(400, 1000))
        d0 = max(d0, h.start + TD(5))
        self.tx(r.choice(h.rel_accounts[p]), h.accounts[0], loan, self.when(d0), "bank_transfer",
                self.memo(us, ["借款", "", "借给你", "周转"]), h.cur, h.tz)
        d = self.scheme_day(h, short=True)
        for amt in self.split_amounts(h, loan * r.uniform(0.8, 1.1)):
            self.tx(r.choice(h.accounts), r.choice(h.rel_accounts[p]), amt, self.when(d), "bank_transfer",
                    self.memo(us, ["还款", "还借款", "还钱", "", "归还借款"]), h.cur, h.tz)
            d += TD(r.randint(1, 15))

    def scheme_nominee_purchase(self, h, us, scale):
        r = self.r
        p = self.kin_pick(h)
        d = self.scheme_day(h)
        mv = r.lognormvariate(14.6, 0.4) * scale
        if r.random() < 0.5:
            seller_id, seller_acc = r.choice(self.developers[us])
        else:
            fr = r.choice(self.friends[us])
            seller_id, seller_acc = fr[0], fr[1][0]
            # the seller acquired it earlier
        pid = f"PR{self._next('R'):07d}"
        self.t["properties"].append([pid, "real_estate", "住宅" if not us else "condo",
                                     self.cn_address(True) if not us else self.us_address(),
                                     "", money(mv), (d + TD(10)).isoformat(), h.cur])
        if seller_id.startswith("P"):
            self.t["property_transfers"].append([pid, "", seller_id, (d - TD(r.randint(1500, 4000))).isoformat(),
                                                 money(mv * 0.6), "", "", ""])
        pay = mv * r.uniform(0.3, 1.0)
        parts = self.split_amounts(h, pay)
        dd = d - TD(r.randint(3, 25))
        for amt in parts:
            self.tx(r.choice(h.accounts), seller_acc, amt, self.when(dd, "office"), "bank_transfer",
                    self.memo(us, ["购房款", "首付款", "定金", "房款", ""]), h.cur, h.tz)
            dd += TD(r.randint(0, 3))
        self.t["property_transfers"].append([pid, seller_id, p, d.isoformat(), money(mv),
                                             money(mv) if r.random() < 0.6 else "", "",
                                             f"买卖{r.randint(10**5, 10**6)}"])

    def scheme_round_trip(self, h, us, scale):
        r = self.r
        p = self.kin_pick(h)
        d = self.scheme_day(h)
        total = self.size(h)
        for amt in self.split_amounts(h, total):
            self.tx(r.choice(h.accounts), r.choice(h.rel_accounts[p]), amt, self.when(d), "bank_transfer",
                    self.memo(us), h.cur, h.tz)
            d += TD(r.randint(1, 15))
        back = total * r.uniform(0.3, 0.9)
        dest = h.accounts + h.apps
        if r.random() < 0.4:
            dest = [self.account(h.debtor, "app", h.F + TD(r.randint(1, 40)), us)]
        db = h.F + TD(r.randint(5, 60))
        k = r.randint(2, 5)
        for _ in range(k):
            if db > h.end:
                db = h.end
            self.tx(r.choice(h.rel_accounts[p]), r.choice(dest), back / k * r.uniform(0.8, 1.2), self.when(db),
                    r.choice(["payment_app", "bank_transfer"]),
                    self.memo(us, ["", "生活费", "转账", "还你", "给你的"]), h.cur, h.tz)
            db += TD(r.randint(3, 30))

    def detail(self, h, typ, txs, pts):
        """One labels_detail row per planted scheme: dates, size and distance to the anchor."""
        us = h.cur == "USD"
        own = set(h.accounts) | set(h.apps)
        dates = sorted([x[4][:10] for x in txs if x[1] in own] + [x[3] for x in pts if x[1] == h.debtor or
                                                                    x[2] in h.rel_accounts])
        if not dates:
            dates = sorted(x[4][:10] for x in txs) or [""]
        out = sum(float(x[3]) for x in txs if x[1] in own)
        back = (h.anchor - D.fromisoformat(dates[0])).days if dates[0] else ""
        gifts = sum(float(x[5] or 0) - float(x[4] or 0) for x in pts if x[1] == h.debtor)
        self.details.append([None, h.debtor, typ, dates[0], dates[-1], back, len(txs), "%.2f" % out, len(pts),
                             "%.2f" % gifts, h.anchor.isoformat(), "acceptance" if (h.A and not us) else "filing", h.jur])

    # ---- case row + label
    def write_case(self, h, i):
        r = self.r
        us = h.cur == "USD"
        if us:
            cid = f"{h.F:%y}-{r.randint(10000, 99999)}-{r.choice(['HLB', 'MEW', 'JPM', 'CGM'])}"
            court = r.choice(US_COURTS)
            ctype = "personal_bankruptcy"
        else:
            ctype = "personal_bankruptcy" if (h.jur == "CN-SZ" or r.random() < 0.75) else "enforcement"
            if h.jur == "CN-SZ":
                cid = f"({h.F.year})粤03个破申{i + 1}号" if r.random() < 0.8 else f"SZPB-{h.F.year}-{i + 1:05d}"
                court = r.choice(["深圳市中级人民法院", "深圳破产法庭", "广东省深圳市中级人民法院"])
            else:
                cid = f"({h.F.year})京01执{i + 1}号" if ctype == "enforcement" else f"CN-PB-{h.F.year}-{i + 1:05d}"
                court = r.choice(CN_COURTS)
        bank = r.choice(h.bank_loans)
        jd = (h.F - TD(r.randint(60, 400))).isoformat() if ctype == "enforcement" else ""
        claim = r.lognormvariate(13.5, 0.8) * (0.2 if us else 1)
        fd = h.F.isoformat() if r.random() < 0.9 else f"{h.F.year}年{h.F.month}月{h.F.day}日"
        self.t["cases"].append([cid, h.debtor, ctype, h.jur, court, fd, h.A.isoformat() if h.A else "", jd,
                                money(claim), h.cur, bank[0]])
        self.labels.append([cid, h.debtor, h.label, ";".join(h.typos)])
        for row in self.details:
            if row[0] is None:
                row[0] = cid

    # ---- output
    def build(self):
        for i in range(self.n):
            self.build_case(i)

    def write(self, out: str, fmt: str):
        os.makedirs(out, exist_ok=True)
        for name, cols in COLUMNS.items():
            rows = self.t[name]
            if fmt == "parquet":
                import pyarrow as pa
                import pyarrow.parquet as pq
                arrays = []
                for j, c in enumerate(cols):
                    vals = [row[j] for row in rows]
                    if c in NUMERIC:
                        arrays.append(pa.array([None if v == "" else float(v) for v in vals], pa.float64()))
                    else:
                        arrays.append(pa.array([None if v == "" else str(v) for v in vals], pa.string()))
                pq.write_table(pa.table(arrays, names=cols), os.path.join(out, name + ".parquet"),
                               compression="zstd")
            else:
                # persons in UTF-8 with BOM, companies in GB18030 (as many registry exports), rest UTF-8
                enc = {"persons": "utf-8-sig", "companies": "gb18030"}.get(name, "utf-8")
                with open(os.path.join(out, name + ".csv"), "w", encoding=enc, newline="") as fh:
                    w = csv.writer(fh, lineterminator="\n")
                    w.writerow(cols)
                    if name == "transfers":  # all values already strings
                        w.writerows(rows)
                    else:
                        for row in rows:
                            w.writerow([fmt_num(v) for v in row])
        with open(os.path.join(out, "labels.csv"), "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["case_id", "debtor_id", "label", "typologies"])
            w.writerows(self.labels)
        with open(os.path.join(out, "labels_detail.csv"), "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["case_id", "debtor_id", "typology", "first_date", "last_date", "days_before_anchor",
                        "n_transfers", "amount_out_of_debtor", "n_property_transfers", "value_given_away",
                        "anchor_date", "anchor_kind", "jurisdiction"])
            w.writerows(self.details)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--format", choices=["csv", "parquet"], default="csv")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    pf = Portfolio(a.cases, a.seed)
    pf.build()
    pf.write(a.out_dir, a.format)
    counts = ", ".join(f"{k}={len(v)}" for k, v in pf.t.items())
    ev = sum(1 for x in pf.labels if x[2] == "evader")
    print(f"wrote {a.out_dir}: {counts}; evaders={ev}/{len(pf.labels)} in {time.perf_counter() - t0:.1f}s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
