"""What a relative the registries miss looks like, and what honest family money looks like:
repayments to private persons on the eve of the filing (S09), money to a fresh company no one
is known to (S05), customary gifts and old arrangements that are not preferences (S09), and a
debtor who always lived on cash (S10). Each debtor earns CNY 20,000 a month, owes CNY 1,000,000
and has a CN case accepted on 2024-06-30 (the preference window for any creditor: six months)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clawback.algorithms.data import PortfolioData
from clawback.algorithms.score import ScoreResult, score_portfolio
from clawback.graph.embedded import LadybugStore
from clawback.loaders.load import load_directory
from tests.algorithms.scenarios import ACCEPTED, FILED, Portfolio, _months


def _portfolio(directory: Path) -> Path:
    p = Portfolio()
    employer = p.company("EMP", "雇主有限公司")
    bank = p.company("BANK", "某商业银行")
    for n in range(1, 10):
        d = f"D{n}"
        acc = p.person(d, f"债务人{n}")
        p.cases.append((f"K{n}", d, "personal_bankruptcy", "CN", FILED, ACCEPTED, "1000000"))
        for day in _months(date(2021, 7, 5), date(2024, 6, 5)):
            p.pay(employer, acc, 20_000, day, "工资")
            p.pay(acc, bank, 6_000, day, "房贷还款")
    # D1: CNY 150,000 "repaid" to a person nothing ever came from, two months before acceptance
    x1 = p.person("X1", "周某")
    p.pay("A-D1", x1, 150_000, "2024-04-20", "还款")
    # D2: the same to a person who had lent CNY 150,000 in 2022 (a real loan, repaid early)
    x2 = p.person("X2", "李某")
    p.pay(x2, "A-D2", 150_000, "2022-03-01", "借款")
    p.pay("A-D2", x2, 150_000, "2024-04-20", "还款")
    # D3: CNY 200,000 to a company incorporated in January 2024 with no tie to the debtor
    shell = p.company("NEW", "深圳市前海新设商贸有限公司", incorporated="2024-01-09")
    p.pay("A-D3", shell, 120_000, "2024-03-02", "货款")
    p.pay("A-D3", shell, 80_000, "2024-04-11", "服务费")
    # D4 (honest): red envelopes both ways with a parent and monthly support for years; the
    # parent's red envelopes are no loan, the support no repayment
    m4 = p.person("M4", "母亲四")
    p.tie("D4", "M4", "parent", "child")
    for year in (2022, 2023, 2024):
        p.pay(m4, "A-D4", 2_000, f"{year}-02-01", "红包")
        p.pay("A-D4", m4, 3_000, f"{year}-02-02", "红包")
    for day in _months(date(2021, 8, 10), date(2024, 6, 10)):
        p.pay("A-D4", m4, 2_500, day, "生活费")
    # D5 (honest): repays a brother's old loan in monthly instalments since 2022
    b5 = p.person("B5", "哥哥五")
    p.tie("D5", "B5", "sibling", "sibling")
    p.pay(b5, "A-D5", 60_000, "2021-12-01", "借款")
    for day in _months(date(2022, 1, 15), date(2024, 6, 15)):
        p.pay("A-D5", b5, 2_000, day, "还款")
    # D6 (honest): has always taken most of the salary out in cash
    for day in _months(date(2021, 7, 6), date(2024, 6, 6)):
        p.pay("A-D6", None, 12_000, day, "取现", channel="cash_withdrawal")
    # D7: CNY 150,000 "repaid" to a recorded parent who never lent anything, eight months
    # before acceptance (outside the six-month preference window, inside EBL 31's year)
    m7 = p.person("M7", "母亲七")
    p.tie("D7", "M7", "parent", "child")
    p.pay("A-D7", m7, 150_000, "2023-10-20", "还款")
    # D8 (honest): the same repayment of what the parent had lent in December 2021, by a
    # debtor who also lives on the salary (else the one repayment is most of what left him,
    # and S10 reads the share)
    m8 = p.person("M8", "母亲八")
    shop = p.company("SHOP", "超市有限公司")
    for day in _months(date(2021, 7, 8), date(2024, 6, 8)):
        p.pay("A-D8", shop, 9_000, day, "生活消费")
    p.tie("D8", "M8", "parent", "child")
    p.pay(m8, "A-D8", 150_000, "2021-12-01", "借款")
    p.pay("A-D8", m8, 150_000, "2023-10-20", "还款")
    # D9: the D7 repayment, but two months before acceptance: a preference (S09), not S01
    m9 = p.person("M9", "母亲九")
    p.tie("D9", "M9", "parent", "child")
    p.pay("A-D9", m9, 150_000, "2024-04-20", "还款")
    return p.write(directory)


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> ScoreResult:
    tmp = tmp_path_factory.mktemp("unrecorded")
    with LadybugStore(tmp / "store") as store:
        load_directory(_portfolio(tmp / "in"), store)
        data = PortfolioData.from_store(store)
    return score_portfolio(data)


def _hits(result: ScoreResult, case: str, signal: str):
    h = result.hits
    return h[(h["case_id"] == case) & (h["signal"] == signal)]


def test_repayment_to_a_private_person_nothing_came_from(result):
    hit = _hits(result, "K1", "S09")
    assert len(hit) == 1
    row = hit.iloc[0]
    assert not row["related"] and row["amount"] == pytest.approx(150_000)
    # materiality 0.5 + 0.5 x (15 % / 20 %) = 0.875, at 0.6 for an unrecorded creditor
    assert row["strength"] == pytest.approx(0.875 * 0.6)
    assert "no recorded tie" in row["explanation_en"] and "nothing ever came" in row[
        "explanation_en"]
    assert "CN-EBL-32" in row["rule_ids"].split(";")


def test_repayment_of_a_real_loan_counts_half_as_much(result):
    row = _hits(result, "K2", "S09").iloc[0]
    assert row["strength"] == pytest.approx(0.875 * 0.3)
    assert "nothing ever came" not in row["explanation_en"]


def test_money_to_a_fresh_company_no_one_is_known_to(result):
    hit = _hits(result, "K3", "S05")
    assert len(hit) == 1
    row = hit.iloc[0]
    assert not row["related"] and row["amount"] == pytest.approx(200_000)
    assert row["strength"] == pytest.approx(1.0 * 0.5)       # 20 % of the claim: full, halved
    assert row["evidence"].count(";") == 1 and "2024-01-09" in row["explanation_en"]


def test_repayment_of_no_recorded_debt_to_a_relative_is_a_transfer(result):
    """Outside the preference window, a "repayment" the records do not back is money given
    for nothing: S01, less the customary allowance (one month's income a year over the window)."""
    hit = _hits(result, "K7", "S01")
    assert len(hit) == 1
    # the window: two years back from acceptance (the longest CN look-back, capped)
    assert hit.iloc[0]["amount"] == pytest.approx(150_000 - 20_000 * 24 / 12, rel=1e-3)
    assert _hits(result, "K7", "S09").empty
    # in the preference window the same payment is a preference, counted once
    assert len(_hits(result, "K9", "S09")) == 1 and _hits(result, "K9", "S01").empty


@pytest.mark.parametrize("case", ["K4", "K5", "K6", "K8"])
def test_honest_family_money_and_old_habits_score_nothing(result, case):
    assert result.hits[result.hits["case_id"] == case]["signal"].tolist() == []
    assert result.scores.set_index("case_id").loc[case, "score"] == 0
