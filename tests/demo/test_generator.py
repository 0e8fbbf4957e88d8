"""Tests of the seeded synthetic demo-portfolio generator (clawback.demo.generator).

The contract facts (required columns, enum values) are restated here from
docs/input-format.md rather than imported from the generator, so a drift in the generator's own
constants cannot hide a contract violation.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clawback.demo.generator import TYPOLOGIES, generate_portfolio
from clawback.demo.idcard import (
    is_valid_credit_code,
    is_valid_resident_id,
    make_credit_code,
    resident_id_birth_date,
    resident_id_check_char,
    resident_id_gender,
    resident_id_numbers,
)

# --- the public input contract (docs/input-format.md) -----------------------------------------

REQUIRED = {
    "persons": {"person_id", "name"},
    "companies": {"company_id", "name"},
    "relations": {"person_id", "related_person_id", "relation"},
    "company_roles": {"person_id", "company_id", "role"},
    "accounts": {"account_id", "holder_id"},
    "transfers": {"transfer_id", "from_account", "to_account", "amount", "timestamp"},
    "properties": {"property_id", "kind"},
    "property_transfers": {"property_id", "to_party", "date"},
    "cases": {"case_id", "debtor_id", "case_type"},
    "identifiers": {"entity_id", "kind", "value"},
}
OPTIONAL = {
    "persons": {"id_number", "birth_date", "gender", "phone", "address"},
    "companies": {"registration_number", "incorporation_date", "address", "status"},
    "relations": {"start_date", "end_date", "source"},
    "company_roles": {"share", "start_date", "end_date"},
    "accounts": {"institution", "account_type", "opened_date", "closed_date", "currency"},
    "transfers": {"currency", "channel", "memo"},
    "properties": {"description", "location", "registration_number", "market_value",
                   "valuation_date", "currency"},
    "property_transfers": {"from_party", "price", "market_value", "share", "registration_ref"},
    "cases": {"jurisdiction", "court", "filing_date", "acceptance_date", "judgment_date",
              "claim_amount", "currency", "creditor"},
    "identifiers": set(),
}
ENUMS = {
    ("persons", "gender"): {"M", "F", ""},
    ("relations", "relation"): {
        "spouse", "former_spouse", "parent", "child", "sibling", "grandparent", "grandchild",
        "parent_in_law", "child_in_law", "sibling_in_law", "other_relative", "cohabitant",
        "associate"},
    ("company_roles", "role"): {
        "shareholder", "beneficial_owner", "legal_representative", "director", "supervisor",
        "manager", "employee"},
    ("accounts", "account_type"): {"bank", "securities", "payment_app", "crypto", "other"},
    ("transfers", "channel"): {
        "bank_transfer", "payment_app", "card", "cash_withdrawal", "cash_deposit", "check",
        "other"},
    ("properties", "kind"): {"real_estate", "vehicle", "equity", "land_use_right", "other"},
    ("cases", "case_type"): {
        "personal_bankruptcy", "enterprise_bankruptcy", "enforcement", "civil_suit"},
    ("identifiers", "kind"): {"phone", "address", "email", "device", "ip", "other"},
}
TABLES = tuple(REQUIRED)
DATE_COLUMNS = {
    "persons": ("birth_date",), "companies": ("incorporation_date",),
    "relations": ("start_date", "end_date"), "company_roles": ("start_date", "end_date"),
    "accounts": ("opened_date", "closed_date"), "properties": ("valuation_date",),
    "property_transfers": ("date",),
    "cases": ("filing_date", "acceptance_date", "judgment_date"),
}
MONEY = re.compile(r"^\d+\.\d{2}$")
REPAY_MEMOS = {"还款", "还借款", "归还借款", "Loan repayment", "Repayment"}
GIFT_MEMOS = {"赠与", "赠送", "Gift"}
SIZE, SEED = 300, 7


# --- loading helpers --------------------------------------------------------------------------


def load(directory: Path, fmt: str = "csv") -> dict[str, pd.DataFrame]:
    """Every table as strings, empty cells as ''."""
    out = {}
    for name in TABLES:
        path = directory / f"{name}.{fmt}"
        if fmt == "csv":
            out[name] = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        else:
            out[name] = pd.read_parquet(path).fillna("").astype(str)
    out["labels"] = pd.read_csv(directory / "labels.csv", dtype=str, keep_default_na=False)
    return out


def day(s: str) -> date:
    return date.fromisoformat(s)


def ts(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S")


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("portfolio")
    summary = generate_portfolio(out, size=SIZE, seed=SEED)
    data = load(out)
    data["_dir"] = out  # type: ignore[assignment]
    data["_summary"] = summary  # type: ignore[assignment]
    return data


class World:
    """Indexes over one loaded portfolio for checking planted patterns."""

    def __init__(self, t: dict[str, pd.DataFrame]):
        self.t = t
        persons = t["persons"].set_index("person_id")
        self.phones = {pid: {p for p in ph.split(";") if p} for pid, ph in persons["phone"].items()}
        self.address = persons["address"].to_dict()
        self.kin: dict[str, set[str]] = defaultdict(set)
        for a, b in zip(t["relations"].person_id, t["relations"].related_person_id, strict=True):
            self.kin[a].add(b)
            self.kin[b].add(a)
        self.holder = dict(zip(t["accounts"].account_id, t["accounts"].holder_id, strict=True))
        self.accounts: dict[str, set[str]] = defaultdict(set)
        for acct, holder in self.holder.items():
            self.accounts[holder].add(acct)
        self.ident: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for e, k, v in zip(t["identifiers"].entity_id, t["identifiers"].kind,
                           t["identifiers"].value, strict=True):
            self.ident[e].add((k, v))
        tr = t["transfers"].copy()
        tr["amt"] = tr.amount.astype(float)
        tr["when"] = pd.to_datetime(tr.timestamp, format="%Y-%m-%dT%H:%M:%S")
        tr["src"] = tr.from_account.map(self.holder).fillna("")
        tr["dst"] = tr.to_account.map(self.holder).fillna("")
        self.tr = tr
        self.out_by = {k: g for k, g in tr.groupby("src")}
        self.pt = t["property_transfers"].copy()
        self.pt["when"] = pd.to_datetime(self.pt.date)
        self.roles = t["company_roles"]
        self.companies = t["companies"].set_index("company_id")
        cases = t["cases"].set_index("case_id")
        self.cases = cases
        self.labels = t["labels"].set_index("case_id")

    def anchor(self, case_id: str) -> pd.Timestamp:
        row = self.cases.loc[case_id]
        return pd.Timestamp(row.acceptance_date or row.filing_date)

    def window(self, case_id: str, days: int = 366) -> tuple[pd.Timestamp, pd.Timestamp]:
        a = self.anchor(case_id)
        return a - pd.Timedelta(days=days), a

    def outgoing(self, party: str) -> pd.DataFrame:
        return self.out_by.get(party, self.tr.iloc[:0])

    def contact_points(self, pid: str) -> set[tuple[str, str]]:
        points = {("phone", p) for p in self.phones.get(pid, ())}
        if self.address.get(pid):
            points.add(("address", self.address[pid]))
        return points | {(k, v) for k, v in self.ident.get(pid, ()) if k in ("phone", "address")}

    # -- one checker per typology: does the case show the pattern? -------------------------
    def transfer_to_relative(self, cid: str, debtor: str) -> bool:
        lo, hi = self.window(cid)
        out = self.outgoing(debtor)
        floor = 10_000 if self.cases.loc[cid].currency == "CNY" else 1_500
        hit = out[out.dst.isin(self.kin[debtor]) & (out.when >= lo) & (out.when <= hi)
                  & (out.amt >= floor)]
        return len(hit) > 0

    def layering(self, cid: str, debtor: str) -> bool:
        lo, hi = self.window(cid)
        out = self.outgoing(debtor)
        first = out[(out.when >= lo) & (out.when <= hi) & out.dst.str.startswith("P")
                    & ~out.dst.isin(self.kin[debtor]) & (out.dst != debtor)]
        for _, hop in first.iterrows():
            frontier = [(hop.dst, hop.when, hop.amt)]
            for _depth in range(2):
                nxt = []
                for who, when, amt in frontier:
                    o = self.outgoing(who)
                    o = o[(o.when > when) & (o.when <= when + pd.Timedelta(days=5))
                          & (o.amt <= amt) & (o.amt >= 0.9 * amt)]
                    if o.dst.isin(self.kin[debtor]).any():
                        return True
                    nxt += [(r.dst, r.when, r.amt) for r in o.itertuples()]
                frontier = nxt
        return False

    def below_market_conveyance(self, cid: str, debtor: str) -> bool:
        lo, hi = self.window(cid)
        p = self.pt[(self.pt.from_party == debtor) & self.pt.to_party.isin(self.kin[debtor])
                    & (self.pt.when >= lo) & (self.pt.when <= hi)]
        return bool((p.price.astype(float) < 0.7 * p.market_value.astype(float)).any())

    def gratuitous_transfer(self, cid: str, debtor: str) -> bool:
        lo, hi = self.window(cid)
        p = self.pt[(self.pt.from_party == debtor) & (self.pt.when >= lo) & (self.pt.when <= hi)]
        if (p.price.astype(float) == 0).any():
            return True
        out = self.outgoing(debtor)
        return bool((out.memo.isin(GIFT_MEMOS) & (out.when >= lo) & (out.when <= hi)).any())

    def fake_divorce(self, cid: str, debtor: str) -> bool:
        lo, hi = self.window(cid)
        r = self.t["relations"]
        ties = r[(r.relation == "spouse") & (r.end_date != "")
                 & ((r.person_id == debtor) | (r.related_person_id == debtor))]
        for row in ties.itertuples():
            ended = pd.Timestamp(row.end_date)
            if not lo <= ended <= hi:
                continue
            ex = row.related_person_id if row.person_id == debtor else row.person_id
            p = self.pt[(self.pt.from_party == debtor) & (self.pt.to_party == ex)
                        & (self.pt.when >= ended) & (self.pt.when <= hi)]
            out = self.outgoing(debtor)
            money = out[(out.dst == ex) & (out.when >= ended) & (out.when <= hi)
                        & (out.amt >= 5_000)]
            if len(p) or len(money):
                return True
        return False

    def relative_shell(self, cid: str, debtor: str) -> bool:
        lo, hi = self.window(cid)
        filing = pd.Timestamp(self.cases.loc[cid].filing_date)
        roles = self.roles[self.roles.person_id.isin(self.kin[debtor])]
        debtor_cos = set(self.roles[self.roles.person_id == debtor].company_id)
        payers = {debtor} | debtor_cos
        for company in set(roles.company_id):
            inc = pd.Timestamp(self.companies.loc[company].incorporation_date)
            if not filing - pd.Timedelta(days=3 * 365) <= inc <= filing:
                continue
            into = self.tr[(self.tr.dst == company) & self.tr.src.isin(payers)
                           & (self.tr.when >= lo) & (self.tr.when <= hi)]
            if len(into) >= 2:
                return True
        return False

    def cash_withdrawal_spike(self, cid: str, debtor: str) -> bool:
        filing = pd.Timestamp(self.cases.loc[cid].filing_date)
        out = self.outgoing(debtor)
        floor = 20_000 if self.cases.loc[cid].currency == "CNY" else 2_000
        cash = out[(out.channel == "cash_withdrawal") & (out.amt >= floor)
                   & (out.when >= filing - pd.Timedelta(days=125))]
        return len(cash) >= 8

    def hidden_tie(self, cid: str, debtor: str) -> bool:
        lo, hi = self.window(cid)
        mine = self.contact_points(debtor)
        out = self.outgoing(debtor)
        out = out[(out.when >= lo) & (out.when <= hi) & out.dst.str.startswith("P")]
        for who in set(out.dst) - {debtor}:
            if who not in self.kin[debtor] and self.contact_points(who) & mine:
                return True
        return False

    def property_bought_for_relative(self, cid: str, debtor: str) -> bool:
        lo, hi = self.window(cid)
        p = self.pt[self.pt.to_party.isin(self.kin[debtor]) & (self.pt.when >= lo)
                    & (self.pt.when <= hi) & (self.pt.from_party != debtor)]
        out = self.outgoing(debtor)
        for row in p.itertuples():
            paid = out[(out.when <= row.when + pd.Timedelta(days=1))
                       & (out.when >= row.when - pd.Timedelta(days=150))]
            if row.from_party:
                paid = paid[paid.dst == row.from_party]
            else:
                paid = paid[paid.dst.str.startswith("C")]
            if paid.amt.sum() >= 0.9 * float(row.price) > 0:
                return True
        return False

    def preferential_payment_to_related_creditor(self, cid: str, debtor: str) -> bool:
        a = self.anchor(cid)
        out = self.outgoing(debtor)
        hit = out[out.dst.isin(self.kin[debtor]) & out.memo.isin(REPAY_MEMOS)
                  & (out.when >= a - pd.Timedelta(days=183)) & (out.when <= a)]
        return len(hit) > 0


@pytest.fixture(scope="module")
def world(portfolio: dict[str, pd.DataFrame]) -> World:
    return World(portfolio)


# --- determinism and arguments -----------------------------------------------------------------


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    generate_portfolio(tmp_path / "a", size=40, seed=11)
    generate_portfolio(tmp_path / "b", size=40, seed=11)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert sorted(a) == sorted(f"{t}.csv" for t in (*TABLES, "labels"))
    assert a == b


def test_different_seed_gives_different_data(tmp_path: Path) -> None:
    generate_portfolio(tmp_path / "a", size=40, seed=11)
    generate_portfolio(tmp_path / "b", size=40, seed=12)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    for name in ("persons.csv", "transfers.csv", "labels.csv"):
        assert a[name] != b[name]


def test_same_seed_parquet_identical(tmp_path: Path) -> None:
    generate_portfolio(tmp_path / "a", size=30, seed=3, fmt="parquet")
    generate_portfolio(tmp_path / "b", size=30, seed=3, fmt="parquet")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


@pytest.mark.parametrize("kwargs", [{"size": 0}, {"fmt": "xlsx"}])
def test_bad_arguments_are_rejected(tmp_path: Path, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        generate_portfolio(tmp_path, **kwargs)


def test_progress_reports_increasing_fractions(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    generate_portfolio(tmp_path, size=10, progress=lambda s, f: seen.append((s, f)))
    fractions = [f for _, f in seen]
    assert len(seen) >= 5
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0


# --- contract: columns, enums, ids, references, values ---------------------------------------


def test_summary_matches_files(portfolio: dict[str, pd.DataFrame]) -> None:
    summary = portfolio["_summary"]
    for name in (*TABLES, "labels"):
        assert summary.tables[name] == len(portfolio[name]), name
    assert summary.cases == SIZE == len(portfolio["cases"])
    assert summary.evaders + summary.honest == SIZE
    assert summary.evaders == (portfolio["labels"].label == "evader").sum()


def test_columns_follow_the_contract(portfolio: dict[str, pd.DataFrame]) -> None:
    for name in TABLES:
        cols = set(portfolio[name].columns)
        assert REQUIRED[name] <= cols, name
        assert cols <= REQUIRED[name] | OPTIONAL[name], (name, cols - REQUIRED[name])
        for col in REQUIRED[name]:
            blank = portfolio[name][col] == ""
            if name == "transfers" and col in ("from_account", "to_account"):
                continue  # cash
            assert not blank.any(), (name, col)


def test_csv_has_no_bom_and_uses_commas(portfolio: dict[str, pd.DataFrame]) -> None:
    raw = (portfolio["_dir"] / "persons.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.split(b"\n", 1)[0] == b"person_id,name,id_number,birth_date,gender,phone,address"
    raw.decode("utf-8")


def test_enum_values_are_valid(portfolio: dict[str, pd.DataFrame]) -> None:
    for (table, col), allowed in ENUMS.items():
        values = set(portfolio[table][col])
        assert values <= allowed, (table, col, values - allowed)
    assert set(portfolio["cases"].jurisdiction) == {"CN-SZ", "CN", "US"}
    assert set(portfolio["accounts"].currency) | set(portfolio["transfers"].currency) == {
        "CNY", "USD"}


def test_ids_are_unique_and_well_formed(portfolio: dict[str, pd.DataFrame]) -> None:
    patterns = {
        ("persons", "person_id"): r"P\d{7}", ("companies", "company_id"): r"C\d{6}",
        ("accounts", "account_id"): r"A\d{8}", ("transfers", "transfer_id"): r"T\d{9}",
        ("properties", "property_id"): r"PR\d{6}", ("cases", "case_id"): r"CASE\d{6}",
    }
    for (table, col), pattern in patterns.items():
        values = portfolio[table][col]
        assert values.is_unique, (table, col)
        assert values.str.fullmatch(pattern).all(), (table, col)
    persons = set(portfolio["persons"].person_id)
    companies = set(portfolio["companies"].company_id)
    assert not persons & companies


def test_every_reference_resolves(portfolio: dict[str, pd.DataFrame]) -> None:
    t = portfolio
    persons, companies = set(t["persons"].person_id), set(t["companies"].company_id)
    parties = persons | companies
    accounts = set(t["accounts"].account_id)
    properties = set(t["properties"].property_id)
    assert set(t["relations"].person_id) <= persons
    assert set(t["relations"].related_person_id) <= persons
    assert not (t["relations"].person_id == t["relations"].related_person_id).any()
    assert set(t["company_roles"].person_id) <= parties
    assert set(t["company_roles"].company_id) <= companies
    assert set(t["accounts"].holder_id) <= parties
    assert set(t["transfers"].from_account) - {""} <= accounts
    assert set(t["transfers"].to_account) - {""} <= accounts
    assert set(t["property_transfers"].property_id) == properties
    assert set(t["property_transfers"].from_party) - {""} <= parties
    assert set(t["property_transfers"].to_party) <= parties
    assert set(t["cases"].debtor_id) <= persons
    assert set(t["identifiers"].entity_id) <= parties
    assert set(t["labels"].case_id) == set(t["cases"].case_id)


def test_no_duplicate_rows_or_ties(portfolio: dict[str, pd.DataFrame]) -> None:
    for name in TABLES:
        assert not portfolio[name].duplicated().any(), name
    r = portfolio["relations"]
    pairs = {frozenset(p) for p in zip(r.person_id, r.related_person_id, strict=True)}
    assert len(pairs) == len(r), "a tie is written twice (or with its inverse)"
    roles = portfolio["company_roles"]
    assert not roles.duplicated(["person_id", "company_id", "role"]).any()


def test_amounts_dates_and_timestamps_are_valid(portfolio: dict[str, pd.DataFrame]) -> None:
    t = portfolio
    for table, col in (("transfers", "amount"), ("properties", "market_value"),
                       ("property_transfers", "price"), ("property_transfers", "market_value"),
                       ("cases", "claim_amount")):
        assert t[table][col].str.fullmatch(MONEY.pattern).all(), (table, col)
    assert (t["transfers"].amount.astype(float) > 0).all()
    assert (t["properties"].market_value.astype(float) > 0).all()
    assert (t["property_transfers"].price.astype(float) >= 0).all()
    share = t["property_transfers"].share.astype(float)
    assert ((share > 0) & (share <= 1)).all()
    role_share = t["company_roles"].share
    assert ((role_share[role_share != ""].astype(float) > 0)
            & (role_share[role_share != ""].astype(float) <= 1)).all()
    for table, cols in DATE_COLUMNS.items():
        for col in cols:
            for value in set(t[table][col]) - {""}:
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (table, col, value)
                day(value)
    stamps = t["transfers"].timestamp
    assert stamps.str.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}").all()
    pd.to_datetime(stamps, format="%Y-%m-%dT%H:%M:%S")
    assert (t["transfers"].transfer_id.is_monotonic_increasing
            and stamps.is_monotonic_increasing)


def test_case_dates_are_consistent(portfolio: dict[str, pd.DataFrame]) -> None:
    c = portfolio["cases"]
    accepted = c[c.acceptance_date != ""]
    lag = pd.to_datetime(accepted.acceptance_date) - pd.to_datetime(accepted.filing_date)
    assert lag.dt.days.between(28, 186).all()
    assert 0 < (c.acceptance_date == "").sum() < len(c) * 0.2
    start = pd.Timestamp("2021-01-01")
    span = (pd.to_datetime(c.filing_date) - start).dt.days
    assert span.between(3 * 365 - 1, 4 * 365 + 1).all()
    assert (c.jurisdiction == "CN-SZ").mean() > 0.6
    sz = c[c.jurisdiction == "CN-SZ"]
    assert (sz.case_type == "personal_bankruptcy").all()
    assert set(sz.court) <= {"深圳市中级人民法院", "深圳破产法庭"}
    assert (c.claim_amount.astype(float) > 0).all() and (c.creditor != "").all()


def test_cash_channels_have_one_side_empty(portfolio: dict[str, pd.DataFrame]) -> None:
    tr = portfolio["transfers"]
    w = tr[tr.channel == "cash_withdrawal"]
    d = tr[tr.channel == "cash_deposit"]
    other = tr[~tr.channel.isin(["cash_withdrawal", "cash_deposit"])]
    assert len(w) and len(d)
    assert (w.to_account == "").all() and (w.from_account != "").all()
    assert (d.from_account == "").all() and (d.to_account != "").all()
    assert (other.from_account != "").all() and (other.to_account != "").all()
    assert not (other.from_account == other.to_account).any()


def test_accounts_are_open_when_used(portfolio: dict[str, pd.DataFrame]) -> None:
    acc = portfolio["accounts"].set_index("account_id")
    tr = portfolio["transfers"]
    when = pd.to_datetime(tr.timestamp.str[:10])
    for side in ("from_account", "to_account"):
        used = tr[side] != ""
        opened = pd.to_datetime(tr.loc[used, side].map(acc.opened_date))
        assert (opened <= when[used]).all(), side
        closed = tr.loc[used, side].map(acc.closed_date)
        assert (closed == "").all(), "a closed account is used for payments"
    closed = acc[acc.closed_date != ""]
    assert (pd.to_datetime(closed.closed_date) > pd.to_datetime(closed.opened_date)).all()


def test_every_person_has_an_account_and_ratio(portfolio: dict[str, pd.DataFrame]) -> None:
    holders = set(portfolio["accounts"].holder_id)
    assert set(portfolio["persons"].person_id) <= holders
    ratio = len(portfolio["accounts"]) / len(portfolio["persons"])
    assert 1.2 < ratio < 2.0


# --- people ---------------------------------------------------------------------------------


def test_resident_ids_are_valid_and_consistent(portfolio: dict[str, pd.DataFrame]) -> None:
    p = portfolio["persons"]
    with_id = p[p.id_number != ""]
    assert len(with_id) > 0.8 * len(p)
    assert with_id.id_number.is_unique
    for row in with_id.itertuples():
        assert is_valid_resident_id(row.id_number), row.id_number
        assert resident_id_birth_date(row.id_number) == day(row.birth_date)
        assert resident_id_gender(row.id_number) == row.gender


def test_names_phones_and_addresses_look_real(portfolio: dict[str, pd.DataFrame]) -> None:
    p = portfolio["persons"]
    cn = p[p.id_number != ""]
    assert cn.name.str.fullmatch(r"[\u4e00-\u9fff]{2,4}").all()
    phones = [x for ph in cn.phone for x in ph.split(";") if x]
    assert all(re.fullmatch(r"1[3-9]\d{9}", x) for x in phones)
    assert cn.address.str.match(r"^(\S+?省)?\S+?市").all()
    assert cn.address.str.contains("号").all()
    us = p[p.id_number == ""]
    assert us.name.str.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+").all()
    us_phones = [x for ph in us.phone for x in ph.split(";") if x]
    assert all(re.fullmatch(r"\+1-\d{3}-\d{3}-\d{4}", x) for x in us_phones)


def test_households_have_realistic_structure(portfolio: dict[str, pd.DataFrame]) -> None:
    r = portfolio["relations"]
    persons = portfolio["persons"].set_index("person_id")
    debtors = set(portfolio["cases"].debtor_id)
    spouse_rows = r[(r.relation == "spouse") & r.person_id.isin(debtors)]
    assert 0.6 < len(spouse_rows) / len(debtors) < 0.98
    kids = r[(r.relation == "child") & r.person_id.isin(debtors)]
    born_after = (pd.to_datetime(kids.related_person_id.map(persons.birth_date))
                  - pd.to_datetime(kids.person_id.map(persons.birth_date))).dt.days
    assert (born_after > 18 * 365).all(), "a parent younger than 18 at the child's birth"
    parents = r[(r.relation == "parent") & r.person_id.isin(debtors)]
    assert len(parents) / len(debtors) > 1.2
    for relation in ("parent_in_law", "sibling", "sibling_in_law", "child"):
        assert (r.relation == relation).any(), relation
    # children mostly carry their father's surname
    same = 0
    for row in kids.itertuples():
        if persons.at[row.person_id, "gender"] == "M" and row.person_id in persons.index:
            same += persons.at[row.person_id, "name"][0] == \
                persons.at[row.related_person_id, "name"][0]
    fathers = (kids.person_id.map(persons.gender) == "M").sum()
    assert same >= 0.8 * fathers


def test_marriages_and_company_roles_involve_adults(portfolio: dict[str, pd.DataFrame]) -> None:
    born = pd.to_datetime(portfolio["persons"].set_index("person_id").birth_date)
    r = portfolio["relations"]
    married = r[(r.relation == "spouse") & (r.start_date != "")]
    start = pd.to_datetime(married.start_date)
    for side in ("person_id", "related_person_id"):
        age = (start - married[side].map(born)).dt.days / 365.25
        assert (age >= 18).all(), side
    roles = portfolio["company_roles"]
    roles = roles[roles.person_id.str.startswith("P") & (roles.start_date != "")]
    age = (pd.to_datetime(roles.start_date) - roles.person_id.map(born)).dt.days / 365.25
    assert (age >= 18).all()
    inc = roles.company_id.map(portfolio["companies"].set_index("company_id").incorporation_date)
    assert (pd.to_datetime(roles.start_date) >= pd.to_datetime(inc)).all()


def test_debtor_activity_stops_at_filing(portfolio: dict[str, pd.DataFrame],
                                         world: World) -> None:
    for row in portfolio["cases"].itertuples():
        filing = pd.Timestamp(row.filing_date) + pd.Timedelta(days=1)
        tr = world.tr[(world.tr.src == row.debtor_id) | (world.tr.dst == row.debtor_id)]
        assert (tr.when < filing).all(), row.case_id
        assert (tr.when >= pd.Timestamp("2021-01-01")).all(), row.case_id


def test_companies_have_valid_credit_codes(portfolio: dict[str, pd.DataFrame]) -> None:
    c = portfolio["companies"]
    cn = c[c.registration_number.str.len() == 18]
    assert len(cn) > 0.8 * len(c)
    assert all(is_valid_credit_code(code) for code in cn.registration_number)
    assert c.registration_number.is_unique
    assert c.name.is_unique
    assert cn.name.str.contains("公司|医院|学校|学|幼儿园|分行").all()


# --- labels and planted typologies -------------------------------------------------------------


def test_labels_cover_every_case(portfolio: dict[str, pd.DataFrame]) -> None:
    labels = portfolio["labels"]
    cases = portfolio["cases"].set_index("case_id")
    assert list(labels.columns) == ["case_id", "debtor_id", "label", "typologies", "notes"]
    assert labels.case_id.is_unique and len(labels) == SIZE
    assert (labels.debtor_id == labels.case_id.map(cases.debtor_id)).all()
    assert set(labels.label) == {"evader", "honest"}
    share = (labels.label == "evader").mean()
    assert 0.25 < share < 0.45
    for row in labels.itertuples():
        typs = [x for x in row.typologies.split(";") if x]
        assert set(typs) <= set(TYPOLOGIES)
        assert len(set(typs)) == len(typs)
        assert (1 <= len(typs) <= 3) if row.label == "evader" else not typs
        assert row.notes.endswith(".") and row.notes.isascii()
    planted = {t for ts_ in labels.typologies for t in ts_.split(";") if t}
    assert planted == set(TYPOLOGIES)


def test_planted_typologies_are_present(portfolio: dict[str, pd.DataFrame],
                                        world: World) -> None:
    labels = portfolio["labels"]
    missing = []
    for row in labels[labels.label == "evader"].itertuples():
        for typology in row.typologies.split(";"):
            if not getattr(world, typology)(row.case_id, row.debtor_id):
                missing.append((row.case_id, typology))
    assert not missing


@pytest.mark.parametrize("typology", ["hidden_tie", "fake_divorce", "below_market_conveyance",
                                      "cash_withdrawal_spike", "layering"])
def test_honest_cases_lack_the_sharp_patterns(portfolio: dict[str, pd.DataFrame], world: World,
                                              typology: str) -> None:
    honest = portfolio["labels"][portfolio["labels"].label == "honest"]
    flagged = [r.case_id for r in honest.itertuples()
               if getattr(world, typology)(r.case_id, r.debtor_id)]
    assert not flagged


def test_checkers_can_fail(world: World, portfolio: dict[str, pd.DataFrame]) -> None:
    """Each checker is false for most cases that were not planted with that typology."""
    labels = portfolio["labels"]
    for typology in TYPOLOGIES:
        others = labels[~labels.typologies.str.contains(typology)].head(60)
        hits = sum(getattr(world, typology)(r.case_id, r.debtor_id) for r in others.itertuples())
        assert hits < len(others) * 0.85, typology


def test_naive_relative_rule_flags_most_honest_debtors(portfolio: dict[str, pd.DataFrame],
                                                       world: World) -> None:
    honest = portfolio["labels"][portfolio["labels"].label == "honest"]
    flagged = 0
    for row in honest.itertuples():
        lo, hi = world.window(row.case_id)
        out = world.outgoing(row.debtor_id)
        flagged += bool((out.dst.isin(world.kin[row.debtor_id]) & (out.when >= lo)
                         & (out.when <= hi)).any())
    assert flagged / len(honest) > 0.6


def test_honest_debtors_have_look_alike_events(portfolio: dict[str, pd.DataFrame],
                                               world: World) -> None:
    notes = portfolio["labels"][portfolio["labels"].label == "honest"].notes
    assert notes.str.contains("sold an asset at market value").any()
    assert notes.str.contains("divorced years before").any()
    assert notes.str.contains("modest gift").any()
    memos = set(world.tr.memo)
    for memo in ("工资", "房租", "生活费", "医疗费", "学费", "红包", "ATM取款"):
        assert memo in memos, memo
    # distress sales go to unrelated buyers at about market value
    pt = world.pt[world.pt.from_party.isin(set(portfolio["cases"].debtor_id))]
    sales = pt[pt.price.astype(float) > 0.9 * pt.market_value.astype(float)]
    assert len(sales) > 0


def test_fake_divorce_former_spouse_still_shares_address(world: World,
                                                         portfolio: dict[str, pd.DataFrame]
                                                         ) -> None:
    labels = portfolio["labels"]
    rows = labels[labels.typologies.str.contains("fake_divorce")]
    assert len(rows) > 0
    r = portfolio["relations"]
    for row in rows.itertuples():
        tie = r[(r.person_id == row.debtor_id) & (r.relation == "spouse") & (r.end_date != "")]
        assert len(tie) == 1
        ex = tie.related_person_id.iloc[0]
        assert world.address[ex] == world.address[row.debtor_id]


# --- formats and scale --------------------------------------------------------------------------


def test_parquet_holds_the_same_values_as_csv(tmp_path: Path) -> None:
    generate_portfolio(tmp_path / "csv", size=50, seed=5)
    generate_portfolio(tmp_path / "pq", size=50, seed=5, fmt="parquet")
    a, b = load(tmp_path / "csv"), load(tmp_path / "pq", "parquet")
    for name in TABLES:
        pd.testing.assert_frame_equal(a[name], b[name], check_dtype=False, obj=name)
    assert (tmp_path / "pq" / "labels.csv").exists()
    assert not (tmp_path / "pq" / "persons.csv").exists()


def test_rows_scale_with_size(tmp_path: Path) -> None:
    small = generate_portfolio(tmp_path / "s", size=20, seed=9).tables
    large = generate_portfolio(tmp_path / "l", size=40, seed=9).tables
    for name in ("persons", "relations", "transfers", "cases", "labels"):
        assert 1.6 < large[name] / small[name] < 2.4, name
    per_case = small["persons"] / 20
    assert 8 < per_case < 12
    assert 70 < large["transfers"] / 40 < 140


def test_csv_with_commas_is_quoted_correctly(portfolio: dict[str, pd.DataFrame]) -> None:
    path = portfolio["_dir"] / "persons.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert all(len(r) == 7 for r in rows)
    assert any("," in r[6] for r in rows[1:]), "expected some US addresses with commas"


# --- idcard ----------------------------------------------------------------------------------


def test_resident_id_check_character_known_values() -> None:
    assert resident_id_check_char("11010519491231002") == "X"
    assert is_valid_resident_id("11010519491231002X")
    assert is_valid_resident_id("11010519491231002x")
    assert not is_valid_resident_id("110105194912310021")  # wrong check digit
    assert not is_valid_resident_id("11010519491331002X")  # month 13
    assert not is_valid_resident_id("99010519491231002X")  # no such province
    assert not is_valid_resident_id("11010519491231002")
    assert not is_valid_resident_id(None)  # type: ignore[arg-type]


def test_credit_code_known_value() -> None:
    assert is_valid_credit_code("9144030071526726XG")
    assert not is_valid_credit_code("9144030071526726XH")
    code = make_credit_code("9", "1", 440305, "MA5F0001")
    assert is_valid_credit_code(code) and code.startswith("91440305MA5F0001")


@settings(max_examples=200, deadline=None)
@given(area=st.sampled_from([110105, 440305, 500230, 450881]),
       born=st.dates(min_value=date(1920, 1, 1), max_value=date(2023, 12, 31)),
       seq=st.integers(0, 999))
def test_vectorised_resident_ids_validate(area: int, born: date, seq: int) -> None:
    days = (born - date(1970, 1, 1)).days
    number = resident_id_numbers(np.array([area]), np.array([days]), np.array([seq]))[0].as_py()
    assert is_valid_resident_id(number)
    assert resident_id_birth_date(number) == born
    assert number[:6] == str(area) and int(number[14:17]) == seq
    body = number[:17]
    assert number[17] == resident_id_check_char(body)
    # changing any digit breaks the check character
    pos = seq % 17
    broken = body[:pos] + str((int(body[pos]) + 1) % 10) + body[pos + 1:]
    assert resident_id_check_char(broken) != number[17] or not is_valid_resident_id(
        broken + number[17])


def test_dates_helper_sanity() -> None:
    assert ts("2023-05-04T10:31:00") - timedelta(minutes=1) == datetime(2023, 5, 4, 10, 30)
