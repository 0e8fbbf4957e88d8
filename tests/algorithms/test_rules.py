"""Look-back rules: calendar arithmetic, the rule data against the legal research, the loader."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import yaml
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from clawback.algorithms import rules as R
from clawback.algorithms.rules import (
    RULES,
    Lookback,
    anchor_for,
    band,
    bands,
    in_window,
    in_windows,
    load_rules,
    price_flag,
    rule_by_id,
    rules_for,
    warning,
    window_start,
    window_starts,
)
from clawback.errors import SchemaError
from clawback.graph.schema import SCHEMA

D = dt.date
YEAR, HALF, DAYS90 = Lookback(years=1), Lookback(months=6), Lookback(days=90)
TEXT = resources.files("clawback.algorithms").joinpath("rules.yaml").read_text("utf-8")


def all_rules():
    return {r.id: r for rs in RULES.values() for r in rs.rules}


# --------------------------------------------------------------------------------------------
# Calendar arithmetic


@pytest.mark.parametrize(("anchor", "lookback", "start"), [
    (D(2024, 2, 29), YEAR, D(2023, 2, 28)),                 # no 29 Feb: last day of the month
    (D(2024, 8, 31), HALF, D(2024, 2, 29)),                 # no 31 Feb: leap-year month end
    (D(2023, 8, 31), HALF, D(2023, 2, 28)),
    (D(2024, 3, 31), Lookback(months=1), D(2024, 2, 29)),
    (D(2024, 3, 10), YEAR, D(2023, 3, 10)),                 # corresponding day
    (D(2024, 3, 10), DAYS90, D(2023, 12, 11)),
    (D(2025, 3, 1), Lookback(years=1, months=1, days=1), D(2024, 1, 31)),
])
def test_window_start(anchor, lookback, start):
    assert window_start(anchor, lookback) == start
    assert window_starts(np.array([anchor], "datetime64[D]"), lookback)[0] == np.datetime64(start)


def test_boundary_day_is_inside_and_the_day_before_is_not():
    anchor = D(2024, 2, 29)
    start = window_start(anchor, YEAR)
    assert in_window(start, anchor, YEAR)
    assert not in_window(start - dt.timedelta(days=1), anchor, YEAR)
    assert in_window(D(2024, 2, 29), D(2024, 8, 31), HALF)
    assert not in_window(D(2024, 2, 28), D(2024, 8, 31), HALF)


def test_acts_after_the_anchor_are_outside():
    anchor = D(2024, 5, 6)
    assert in_window(anchor, anchor, DAYS90)
    assert not in_window(anchor + dt.timedelta(days=1), anchor, DAYS90)
    assert not in_window(anchor + dt.timedelta(days=1), anchor, None)
    assert in_window(D(1901, 1, 1), anchor, None)           # no limit backwards


def test_lag_extends_the_end_only():
    anchor = D(2024, 5, 6)
    assert in_window(anchor + dt.timedelta(days=90), anchor, YEAR, lag_days=90)
    assert not in_window(anchor + dt.timedelta(days=91), anchor, YEAR, lag_days=90)
    assert not in_window(D(2023, 5, 5), anchor, YEAR, lag_days=90)
    with pytest.raises(ValueError, match="lag_days"):
        in_window(anchor, anchor, YEAR, lag_days=-1)


def test_lookback_rejects_nonsense():
    with pytest.raises(ValueError, match="zero"):
        Lookback()
    with pytest.raises(ValueError, match="non-negative"):
        Lookback(months=-6)


@pytest.mark.parametrize(("act", "anchor", "label"), [
    (D(2025, 3, 10), D(2025, 3, 10), "≤90d"),
    (D(2024, 12, 10), D(2025, 3, 10), "≤90d"),               # exactly 90 days
    (D(2024, 12, 9), D(2025, 3, 10), "≤6m"),
    (D(2024, 2, 29), D(2024, 8, 31), "≤6m"),
    (D(2024, 2, 28), D(2024, 8, 31), "≤1y"),
    (D(2023, 9, 14), D(2025, 3, 10), "≤2y"),                 # the explanation template's act
    (D(2020, 3, 10), D(2025, 3, 10), "≤5y"),
    (D(2020, 3, 9), D(2025, 3, 10), "outside"),
    (D(2025, 3, 11), D(2025, 3, 10), "after_anchor"),
])
def test_band(act, anchor, label):
    assert band(act, anchor) == label
    assert R.caption("bands", label, "zh")


# --------------------------------------------------------------------------------------------
# Vectorized == scalar

days = st.dates(min_value=D(1901, 1, 1), max_value=D(2099, 12, 31))


@st.composite
def lookback_or_none(draw):
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    y, m, d = draw(st.integers(0, 6)), draw(st.integers(0, 30)), draw(st.integers(0, 400))
    if y == m == d == 0:
        d = 1
    return Lookback(years=y, months=m, days=d)


@given(pairs=st.lists(st.tuples(days, days), min_size=1, max_size=40),
       lookback=lookback_or_none(), lag=st.integers(0, 120))
def test_vectorized_equals_scalar(pairs, lookback, lag):
    acts = np.array([a for a, _ in pairs], "datetime64[D]")
    anchors = np.array([b for _, b in pairs], "datetime64[D]")
    starts = window_starts(anchors, lookback)
    inside = in_windows(acts, anchors, lookback, lag)
    labels = bands(acts, anchors)
    for i, (act, anchor) in enumerate(pairs):
        assert starts[i] == np.datetime64(window_start(anchor, lookback), "D")
        assert bool(inside[i]) == in_window(act, anchor, lookback, lag)
        assert labels[i] == band(act, anchor)


@given(anchor=days, lookback=lookback_or_none())
def test_scalar_agrees_with_relativedelta(anchor, lookback):
    if lookback is None:
        assert window_start(anchor, None) == dt.date.min
    else:
        rd = relativedelta(years=lookback.years, months=lookback.months, days=lookback.days)
        assert window_start(anchor, lookback) == anchor - rd
        assert window_start(anchor, lookback) < anchor


def test_vectorized_takes_pandas_and_arrow_dates_with_missing_values():
    acts = pd.Series(pd.to_datetime(["2023-03-10", "2023-03-09", None, "2024-01-01"]))
    anchors = pd.Series([D(2024, 3, 10), D(2024, 3, 10), D(2024, 3, 10), None],
                        dtype=pd.ArrowDtype(pa.date32()))
    assert in_windows(acts, anchors, YEAR).tolist() == [True, False, False, False]
    assert bands(acts, anchors).tolist() == ["≤1y", "≤2y", None, None]
    assert np.isnat(window_starts(anchors, YEAR)[3])
    with pytest.raises(TypeError, match="dates"):
        in_windows(np.array(["2024-01-01"]), anchors[:1], YEAR)


# --------------------------------------------------------------------------------------------
# Anchors


def test_anchor_is_acceptance_for_prc_and_filing_as_flagged_proxy():
    a = anchor_for("CN", D(2024, 4, 1), D(2024, 1, 10))
    assert (a.date, a.field, a.proxy, a.lag_days) == (D(2024, 4, 1), "acceptance_date", False, 0)
    p = anchor_for("CN-SZ", None, D(2024, 1, 10))
    assert (p.date, p.field, p.proxy) == (D(2024, 1, 10), "filing_date", True)
    assert p.lag_days == 90
    assert anchor_for("CN", pd.NaT, pd.Timestamp("2024-01-10")).proxy
    assert anchor_for("CN", None, None) is None
    assert anchor_for("CN-SZ", pd.NaT, np.datetime64("NaT")) is None
    # an act 30 days after filing may still precede acceptance: inside the widened window only
    act = D(2024, 2, 9)
    assert p.contains(act, YEAR) and not a.contains(D(2024, 4, 2), YEAR)


def test_us_anchor_is_the_petition_date_without_proxy():
    a = anchor_for("US", D(2024, 4, 1), D(2024, 1, 10))
    assert (a.date, a.field, a.proxy) == (D(2024, 1, 10), "filing_date", False)
    assert anchor_for("US", D(2024, 4, 1), None) is None
    with pytest.raises(KeyError, match="XX"):
        anchor_for("XX", None, D(2024, 1, 1))


# --------------------------------------------------------------------------------------------
# The data against the research (legal-rules.md)


def test_every_rule_has_a_level_captions_and_a_citation():
    assert set(RULES) == set(SCHEMA.enums["jurisdiction"])
    for rule in all_rules().values():
        assert rule.verified in ("C-primary", "C-secondary", "UNCONFIRMED"), rule.id
        for text in (rule.caption, rule.legal_effect):
            assert text.get("en").strip() and text.get("zh").strip(), rule.id
        assert rule.citation.strip(), rule.id
        assert rule.acts <= R.ACTS and rule.acts, rule.id
        assert bool(warning(rule, "en")) == (rule.verified == "UNCONFIRMED"), rule.id


@pytest.mark.parametrize("rule_id", ["SZ-REVOCABLE", "SZ-PREFERENCE", "SZ-VOID",
                                     "SZ-DECLARE-FAMILY"])
def test_unconfirmed_shenzhen_rules_warn_in_both_languages(rule_id):
    rule = RULES["CN-SZ"].rule(rule_id)
    assert rule.verified == "UNCONFIRMED"
    assert warning(rule, "en").startswith("UNCONFIRMED")
    assert "未经核实" in warning(rule, "zh")


def test_every_rule_defined_for_shenzhen_is_unconfirmed():
    own = [r for r in RULES["CN-SZ"].rules if r.jurisdiction == "CN-SZ"]
    assert own and all(r.verified == "UNCONFIRMED" for r in own)


def test_unconfirmed_parts_of_verified_rules():
    ebl_31_2 = RULES["CN"].rule("CN-EBL-31-2")
    assert ebl_31_2.verified == "C-primary" and warning(ebl_31_2, "zh") == ""
    assert warning(ebl_31_2, "zh", part="price_test") == "未经核实——引用前请核对官方文本"
    assert warning(ebl_31_2, part="lookback") == ""
    assert warning(RULES["CN"].rule("CN-MFI2-3"), part="lookback")
    with pytest.raises(ValueError, match="lang"):
        warning(ebl_31_2, "fr", part="price_test")


def lookbacks_of(jurisdiction, act, related=False):
    return {r.id: r.lookback for r in rules_for(jurisdiction, act, related)}


def test_shenzhen_scores_with_both_the_ebl_and_the_reported_window():
    windows = lookbacks_of("CN-SZ", "gratuitous_transfer")
    assert windows["CN-EBL-31-1"] == YEAR and windows["SZ-REVOCABLE"] == Lookback(years=2)
    assert RULES["CN-SZ"].rule("CN-EBL-31-1").verified == "C-primary"
    sz = RULES["CN-SZ"]
    anchor = D(2025, 3, 10)
    assert sz.pending_verification(D(2023, 9, 14), anchor)            # 18 months before
    assert sz.pending_verification(D(2023, 3, 10), anchor)            # 2-year boundary day
    assert not sz.pending_verification(D(2024, 3, 10), anchor)        # 1-year boundary day
    assert not sz.pending_verification(D(2023, 3, 9), anchor)
    assert not RULES["CN"].pending_verification(D(2023, 9, 14), anchor)
    assert sz.pending.caption.get("zh") and "pending verification" in sz.pending.caption.get()


def test_prc_windows():
    cn = lookbacks_of("CN", "preference")
    assert cn == {"CN-EBL-32": HALF}
    assert RULES["CN"].rule("CN-EBL-32").requires == ("insolvency",)
    assert lookbacks_of("CN", "early_repayment")["CN-EBL-31-4"] == YEAR
    assert lookbacks_of("CN", "concealment") == {"CN-EBL-33": None}
    assert lookbacks_of("CN", "gratuitous_transfer")["CN-CC-538"] == Lookback(years=5)
    assert lookbacks_of("CN", "divorce_division") == {}                 # a spouse is related
    assert lookbacks_of("CN", "divorce_division", related=True) == {
        "CN-MFI2-3": Lookback(years=5)}


def test_us_windows():
    assert lookbacks_of("US", "preference") == {"US-547": DAYS90}
    assert lookbacks_of("US", "preference", related=True) == {
        "US-547": DAYS90, "US-547-insider": YEAR, "US-544b/UVTA-5b": YEAR}
    assert lookbacks_of("US", "gratuitous_transfer")["US-548"] == Lookback(years=2)
    assert lookbacks_of("US", "concealment") == {"US-727-a-2": YEAR}
    assert lookbacks_of("US", "below_value_sale")["US-544b/UVTA-9"] == Lookback(years=4)
    assert rule_by_id("US-547").requires == ("insolvency",)
    with pytest.raises(KeyError, match="US-999"):
        rule_by_id("US-999")
    with pytest.raises(ValueError, match="smuggling"):
        rules_for("US", "smuggling", False)


def test_scoring_window_start_is_the_longest_window():
    anchor = anchor_for("CN", D(2025, 3, 10), None)
    assert R.scoring_window_start("CN", anchor) == D(2020, 3, 10)
    assert R.scoring_window_start("US", anchor_for("US", None, D(2025, 3, 10))) == D(2021, 3, 10)


def test_price_test():
    rule = RULES["CN"].rule("CN-CC-539")
    assert price_flag(0.69, "sale", False, rule) and not price_flag(0.70, "sale", False, rule)
    assert price_flag(1.31, "purchase", False, rule)
    assert not price_flag(1.30, "purchase", False, rule)
    # between relatives the 70%/130% limits do not bind: 10% tolerance (engineering choice)
    assert price_flag(0.89, "sale", True, rule) and not price_flag(0.90, "sale", True, rule)
    assert price_flag(1.11, "purchase", True, rule)
    assert not price_flag(1.10, "purchase", True, rule)
    assert price_flag(0.0, "sale", False, rule)
    with pytest.raises(ValueError, match="US-548"):
        price_flag(0.5, "sale", False, RULES["US"].rule("US-548"))
    with pytest.raises(ValueError, match="ratio"):
        price_flag(float("nan"), "sale", False, rule)


def test_captions_of_the_vocabularies():
    for act in R.ACTS:
        assert R.caption("acts", act, "en") and R.caption("acts", act, "zh")
    for level in R.LEVELS:
        assert R.caption("levels", level, "zh")
    with pytest.raises(KeyError, match="nope"):
        R.caption("acts", "nope")


# --------------------------------------------------------------------------------------------
# The loader refuses a broken file, naming the culprit


def test_packaged_file_reloads_identically():
    assert load_rules(TEXT) == RULES
    assert R.RULES_VERSION.startswith("1-")


def mutate(edit):
    raw = yaml.safe_load(TEXT)
    edit(raw)
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def rule_in(raw, jurisdiction, rule_id):
    return next(r for r in raw["jurisdictions"][jurisdiction]["rules"] if r["id"] == rule_id)


def _unknown_act(raw):
    rule_in(raw, "CN", "CN-EBL-31-1")["acts"].append("smuggling")


def _unknown_level(raw):
    rule_in(raw, "US", "US-548")["verified"] = "C-tertiary"


def _duplicate(raw):
    raw["jurisdictions"]["US"]["rules"].append(dict(rule_in(raw, "CN-SZ", "SZ-VOID")))


def _no_zh_caption(raw):
    del rule_in(raw, "CN", "CN-CC-539")["caption"]["zh"]


def _bad_lookback(raw):
    rule_in(raw, "CN", "CN-EBL-32")["lookback"] = {"weeks": 26}


def _bad_price(raw):
    rule_in(raw, "CN", "CN-CC-539")["price_test"]["related_tolerance"] = None


def _unknown_counterparty(raw):
    rule_in(raw, "US", "US-547-insider")["counterparty"] = "friend"


def _unknown_jurisdiction(raw):
    raw["jurisdictions"]["XX"] = raw["jurisdictions"]["US"]


def _bad_fallback(raw):
    raw["jurisdictions"]["CN-SZ"]["fallback"] = "CN-SZ"


def _pending_on_verified(raw):
    raw["jurisdictions"]["CN-SZ"]["pending_verification"]["reported_rule"] = "CN-CC-538"


def _unknown_rule_field(raw):
    rule_in(raw, "CN", "CN-EBL-33")["window"] = "none"


@pytest.mark.parametrize(("edit", "culprit"), [
    (_unknown_act, r"rule 'CN-EBL-31-1'.*unknown act 'smuggling'"),
    (_unknown_level, r"rule 'US-548'.*unknown verified level 'C-tertiary'"),
    (_duplicate, r"rule 'SZ-VOID'.*duplicated"),
    (_no_zh_caption, r"rule 'CN-CC-539'\.caption"),
    (_bad_lookback, r"rule 'CN-EBL-32'\.lookback"),
    (_bad_price, r"rule 'CN-CC-539'\.price_test.*related_tolerance"),
    (_unknown_counterparty, r"rule 'US-547-insider'.*unknown counterparty 'friend'"),
    (_unknown_jurisdiction, r"jurisdictions\.XX"),
    (_bad_fallback, r"jurisdictions\.CN-SZ.*fallback"),
    (_pending_on_verified, r"jurisdictions\.CN-SZ\.pending_verification"),
    (_unknown_rule_field, r"rule 'CN-EBL-33'.*unknown \['window'\]"),
])
def test_broken_file_is_refused_naming_the_culprit(edit, culprit):
    with pytest.raises(SchemaError, match=culprit):
        load_rules(mutate(edit))


def test_not_yaml_is_refused():
    with pytest.raises(SchemaError, match="not valid YAML"):
        load_rules("jurisdictions: [unclosed")
