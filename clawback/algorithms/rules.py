"""Look-back rule sets per jurisdiction, loaded from ``rules.yaml`` and checked at import.

A :class:`Rule` says which acts it reaches (a gratuitous transfer, a preference, ...), against
which kind of counterparty, how far back from the case's anchor date it looks, which price test
it uses, and how sure the legal research behind it is (``verified``). A :class:`RuleSet` holds
the rules of one jurisdiction (``CN``, ``CN-SZ``, ``US``) and its anchor policy.

Window arithmetic follows the PRC Civil Code (Arts. 200-204, 1259): periods are counted in
calendar years, months and days; a year or month period ends on the corresponding day, or on
the last day of the month when there is none; and "within" (以内) includes the boundary day.
Counting back from an anchor:

>>> import datetime as dt
>>> window_start(dt.date(2024, 2, 29), Lookback(years=1))
datetime.date(2023, 2, 28)
>>> window_start(dt.date(2024, 8, 31), Lookback(months=6))
datetime.date(2024, 2, 29)
>>> in_window(dt.date(2023, 2, 28), dt.date(2024, 2, 29), Lookback(years=1))
True

The research gives no counting rule for US look-back periods; the same arithmetic is used, with
the boundary day inside (an act on the boundary day is flagged rather than missed).

>>> [r.id for r in rules_for("US", "preference", related=True)]
['US-547', 'US-547-insider', 'US-544b/UVTA-5b']
>>> band(dt.date(2023, 9, 14), dt.date(2025, 3, 10))
'≤2y'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from dateutil.relativedelta import relativedelta

from clawback.errors import SchemaError
from clawback.graph.schema import SCHEMA

__all__ = [
    "ACTS",
    "COUNTERPARTIES",
    "LEVELS",
    "REQUIREMENTS",
    "RULES",
    "RULES_VERSION",
    "WINDOW_BANDS",
    "Anchor",
    "Band",
    "Lookback",
    "PendingBand",
    "PriceTest",
    "Rule",
    "RuleSet",
    "Text",
    "anchor_for",
    "band",
    "bands",
    "caption",
    "in_window",
    "in_windows",
    "load_rules",
    "price_flag",
    "rule_by_id",
    "rules_for",
    "scoring_window_start",
    "warning",
    "window_start",
    "window_starts",
]

ACTS = frozenset({
    "gratuitous_transfer", "below_value_sale", "above_value_purchase", "preference",
    "early_repayment", "security_for_old_debt", "waiver", "concealment", "fabricated_debt",
    "divorce_division", "transfer_with_intent",
})
"""The acts a rule may reach (the fixed vocabulary)."""
LEVELS = ("C-primary", "C-secondary", "UNCONFIRMED")
"""Verification levels, strongest first (legal-rules.md § 0.1)."""
COUNTERPARTIES = frozenset({"any", "creditor", "insider", "related"})
REQUIREMENTS = frozenset({"insolvency", "intent", "counterparty_knowledge", "impairment"})
PARTS = frozenset({"lookback", "price_test", "counterparty", "requires"})
"""Parts of a verified rule that may be marked UNCONFIRMED on their own."""
LANGS = ("en", "zh")
ANCHOR_FIELDS = frozenset({"acceptance_date", "filing_date"})

_NAT = np.datetime64("NaT", "D")
_MIN_DAY = np.datetime64(dt.date.min, "D")


# --------------------------------------------------------------------------------------------
# The data model


@dataclass(frozen=True)
class Text:
    """A text a user sees, in English and Chinese."""

    en: str
    zh: str

    def get(self, lang: str = "en") -> str:
        """The text in ``lang`` ('en' or 'zh'); ValueError naming any other language."""
        if lang not in LANGS:
            raise ValueError(f"language {lang!r} is not one of {list(LANGS)}")
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Lookback:
    """A look-back period in calendar years, months and days (applied in that order).

    >>> Lookback(months=6).caption.zh
    '6个月'
    """

    years: int = 0
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        parts = (self.years, self.months, self.days)
        if any(not isinstance(p, int) or isinstance(p, bool) or p < 0 for p in parts):
            raise ValueError(f"look-back parts must be non-negative integers, not {parts}")
        if not any(parts):
            raise ValueError("a look-back period cannot be zero (use None for no limit)")

    def __str__(self) -> str:
        return "".join(f"{n}{u}" for n, u in zip(self._parts(), "ymd", strict=True) if n)

    def _parts(self) -> tuple[int, int, int]:
        return self.years, self.months, self.days

    @property
    def caption(self) -> Text:
        """'1 year' / '1年', '6 months' / '6个月', '90 days' / '90日'."""
        en = [f"{n} {u}{'s' if n > 1 else ''}"
              for n, u in zip(self._parts(), ("year", "month", "day"), strict=True) if n]
        zh = [f"{n}{u}" for n, u in zip(self._parts(), ("年", "个月", "日"), strict=True) if n]
        return Text(en=" ".join(en), zh="".join(zh))


@dataclass(frozen=True)
class PriceTest:
    """Ratio of consideration to fair value beyond which a price is 'obviously unreasonable'."""

    sale_below: float
    purchase_above: float
    binding_between_related: bool
    related_tolerance: float | None
    basis: Text


@dataclass(frozen=True)
class Rule:
    """One look-back rule. ``jurisdiction`` is where it is defined (a CN rule stays 'CN' in the
    CN-SZ rule set that falls back on it)."""

    id: str
    jurisdiction: str
    citation: str
    verified: str
    acts: frozenset[str]
    counterparty: str
    lookback: Lookback | None
    price_test: PriceTest | None
    requires: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    legal_effect: Text
    caption: Text
    notes: str = ""

    def covers(self, act: str, related: bool) -> bool:
        """True when the rule reaches ``act`` with this kind of counterparty."""
        return act in self.acts and (self.counterparty in ("any", "creditor") or related)


@dataclass(frozen=True)
class PendingBand:
    """Acts inside ``reported_rule``'s (UNCONFIRMED) window but outside ``verified_rule``'s."""

    verified_rule: str
    reported_rule: str
    inner: Lookback
    outer: Lookback
    caption: Text


@dataclass(frozen=True)
class RuleSet:
    """The rules of one jurisdiction (its own, then those of its fallback) and its anchor."""

    jurisdiction: str
    caption: Text
    anchor_field: str
    anchor_caption: Text
    proxy_field: str | None
    proxy_lag_days: int
    proxy_caption: Text | None
    rules: tuple[Rule, ...]
    fallback: str | None = None
    pending: PendingBand | None = None
    notes: str = ""

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id; KeyError naming it if the set has none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"rule {rule_id!r} is not in the {self.jurisdiction} rule set")

    def pending_verification(self, act_date: dt.date, anchor: dt.date, lag_days: int = 0) -> bool:
        """True when the act lies in the band labelled 'pending verification'.

        >>> import datetime as dt
        >>> RULES["CN-SZ"].pending_verification(dt.date(2023, 9, 14), dt.date(2025, 3, 10))
        True
        """
        if self.pending is None:
            return False
        return (in_window(act_date, anchor, self.pending.outer, lag_days)
                and not in_window(act_date, anchor, self.pending.inner, lag_days))


@dataclass(frozen=True)
class Band:
    """A G-02 window band: acts within ``lookback`` before the anchor."""

    label: str
    lookback: Lookback
    caption: Text


@dataclass(frozen=True)
class Anchor:
    """The date a case's windows run back from, the case field it came from, and whether it is
    a proxy (then windows extend ``lag_days`` past it)."""

    date: dt.date
    field: str
    proxy: bool
    lag_days: int

    def contains(self, act_date: dt.date, lookback: Lookback | None) -> bool:
        """True when the act is inside the (widened, for a proxy) window."""
        return in_window(act_date, self.date, lookback, self.lag_days)


@dataclass(frozen=True)
class _Document:
    rulesets: dict[str, RuleSet]
    bands: tuple[Band, ...]
    captions: dict[str, dict[str, Text]]
    version: str


# --------------------------------------------------------------------------------------------
# Loading


def _fail(where: str, message: str) -> SchemaError:
    return SchemaError(f"rules.yaml: {where}: {message}")


def _text(where: str, raw: Any) -> Text:
    if not isinstance(raw, Mapping) or set(raw) != set(LANGS):
        raise _fail(where, "needs exactly an 'en' and a 'zh' text")
    if not all(isinstance(raw[k], str) and raw[k].strip() for k in LANGS):
        raise _fail(where, "has an empty en or zh text")
    return Text(en=raw["en"].strip(), zh=raw["zh"].strip())


def _keys(where: str, raw: Any, required: set[str],
          optional: set[str] | frozenset[str] = frozenset()) -> None:
    if not isinstance(raw, Mapping):
        raise _fail(where, "must be a mapping")
    missing = required - set(raw)
    unknown = set(raw) - required - optional
    if missing or unknown:
        raise _fail(where, f"missing {sorted(missing)}, unknown {sorted(unknown)}")


def _lookback(where: str, raw: Any) -> Lookback | None:
    if raw is None:
        return None
    _keys(where, raw, set(), {"years", "months", "days"})
    try:
        return Lookback(**raw)
    except (TypeError, ValueError) as e:
        raise _fail(where, f"bad lookback {dict(raw)}: {e}") from e


def _price_test(where: str, raw: Any) -> PriceTest | None:
    if raw is None:
        return None
    _keys(where, raw, {"sale_below", "purchase_above", "binding_between_related", "basis"},
          {"related_tolerance"})
    sale, purchase, tol = raw["sale_below"], raw["purchase_above"], raw.get("related_tolerance")
    if not (isinstance(sale, float) and isinstance(purchase, float) and 0 < sale < 1 < purchase):
        raise _fail(where, "needs 0 < sale_below < 1 < purchase_above")
    if not isinstance(raw["binding_between_related"], bool):
        raise _fail(where, "binding_between_related must be true or false")
    if not raw["binding_between_related"] and not (isinstance(tol, float) and 0 < tol < 1):
        raise _fail(where, "a test not binding between related parties needs a "
                           "related_tolerance in (0, 1)")
    return PriceTest(sale_below=sale, purchase_above=purchase,
                     binding_between_related=raw["binding_between_related"],
                     related_tolerance=tol, basis=_text(f"{where}.basis", raw["basis"]))


def _vocabulary(where: str, values: Any, known: Sequence[str] | frozenset[str],
                what: str) -> tuple[str, ...]:
    values = values if isinstance(values, list) else [values]
    for value in values:
        if value not in known:
            raise _fail(where, f"unknown {what} {value!r} (known: {sorted(known)})")
    return tuple(values)


def _rule(jurisdiction: str, raw: Any) -> Rule:
    rule_id = raw.get("id") if isinstance(raw, Mapping) else None
    if not isinstance(rule_id, str) or not rule_id:
        raise _fail(f"jurisdictions.{jurisdiction}.rules", f"a rule without an id: {raw!r}")
    where = f"rule {rule_id!r}"
    _keys(where, raw, {"id", "citation", "verified", "acts", "counterparty", "lookback",
                       "legal_effect", "caption"},
          {"price_test", "requires", "unconfirmed", "notes"})
    acts = _vocabulary(where, raw["acts"], ACTS, "act")
    if not acts:
        raise _fail(where, "covers no act")
    unconfirmed = _vocabulary(where, raw.get("unconfirmed") or [], PARTS, "unconfirmed part")
    price_test = _price_test(f"{where}.price_test", raw.get("price_test"))
    if "price_test" in unconfirmed and price_test is None:
        raise _fail(where, "marks its price_test UNCONFIRMED but has none")
    if not isinstance(raw["citation"], str) or not raw["citation"].strip():
        raise _fail(where, "needs a citation")
    return Rule(
        id=rule_id,
        jurisdiction=jurisdiction,
        citation=raw["citation"],
        verified=_vocabulary(where, raw["verified"], LEVELS, "verified level")[0],
        acts=frozenset(acts),
        counterparty=_vocabulary(where, raw["counterparty"], COUNTERPARTIES, "counterparty")[0],
        lookback=_lookback(f"{where}.lookback", raw["lookback"]),
        price_test=price_test,
        requires=_vocabulary(where, raw.get("requires") or [], REQUIREMENTS, "requirement"),
        unconfirmed=unconfirmed,
        legal_effect=_text(f"{where}.legal_effect", raw["legal_effect"]),
        caption=_text(f"{where}.caption", raw["caption"]),
        notes=" ".join(str(raw.get("notes") or "").split()),
    )


def _anchor_field(where: str, field: Any) -> str:
    if field not in ANCHOR_FIELDS:
        raise _fail(where, f"anchor field {field!r} is not one of {sorted(ANCHOR_FIELDS)}")
    if SCHEMA.inputs["cases"].columns[field].type != "date":
        raise _fail(where, f"cases.{field} is not a date column in schema.yaml")
    return str(field)


def _ruleset(code: str, raw: Any, own: tuple[Rule, ...], inherited: tuple[Rule, ...]) -> RuleSet:
    where = f"jurisdictions.{code}"
    anchor = raw["anchor"]
    _keys(f"{where}.anchor", anchor, {"field", "caption"})
    proxy = raw["proxy"]
    lag = 0
    if proxy is not None:
        _keys(f"{where}.proxy", proxy, {"field", "lag_days", "caption", "note"})
        lag = proxy["lag_days"]
        if not isinstance(lag, int) or isinstance(lag, bool) or lag < 0:
            raise _fail(f"{where}.proxy", f"lag_days must be a non-negative integer, not {lag!r}")
    rules = own + inherited
    pending = None
    if raw.get("pending_verification") is not None:
        spec = raw["pending_verification"]
        _keys(f"{where}.pending_verification", spec,
              {"verified_rule", "reported_rule", "caption"})
        by_id = {r.id: r for r in rules}
        verified, reported = by_id.get(spec["verified_rule"]), by_id.get(spec["reported_rule"])
        if verified is None or reported is None:
            raise _fail(f"{where}.pending_verification", "names a rule not in the rule set")
        if (verified.verified == "UNCONFIRMED" or reported.verified != "UNCONFIRMED"
                or verified.lookback is None or reported.lookback is None):
            raise _fail(f"{where}.pending_verification",
                        "needs a verified and an UNCONFIRMED rule, both with a lookback")
        pending = PendingBand(verified_rule=verified.id, reported_rule=reported.id,
                              inner=verified.lookback, outer=reported.lookback,
                              caption=_text(f"{where}.pending_verification.caption",
                                            spec["caption"]))
    return RuleSet(
        jurisdiction=code,
        caption=_text(f"{where}.caption", raw["caption"]),
        anchor_field=_anchor_field(f"{where}.anchor", anchor["field"]),
        anchor_caption=_text(f"{where}.anchor.caption", anchor["caption"]),
        proxy_field=None if proxy is None else _anchor_field(f"{where}.proxy", proxy["field"]),
        proxy_lag_days=lag,
        proxy_caption=None if proxy is None else _text(f"{where}.proxy.caption",
                                                       proxy["caption"]),
        rules=rules,
        fallback=raw.get("fallback"),
        pending=pending,
        notes=" ".join(str(raw.get("notes") or "").split()),
    )


def _captions(where: str, raw: Any, keys: Sequence[str] | frozenset[str]) -> dict[str, Text]:
    if not isinstance(raw, Mapping) or set(raw) != set(keys):
        got = set(raw) if isinstance(raw, Mapping) else set()
        missing, unknown = sorted(set(keys) - got), sorted(got - set(keys))
        raise _fail(where, f"must caption exactly {sorted(keys)} "
                           f"(missing {missing}, unknown {unknown})")
    return {k: _text(f"{where}.{k}", v) for k, v in raw.items()}


def _bands(raw: Any) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail("bands", "must be a non-empty list")
    bands_: list[Band] = []
    for i, spec in enumerate(raw):
        _keys(f"bands[{i}]", spec, {"label", "lookback", "caption"})
        lookback = _lookback(f"bands[{i}].lookback", spec["lookback"])
        if lookback is None:
            raise _fail(f"bands[{i}]", "needs a lookback")
        bands_.append(Band(label=str(spec["label"]), lookback=lookback,
                           caption=_text(f"bands[{i}].caption", spec["caption"])))
    # Narrowest first: every band must start earlier than the one before it, for any anchor.
    for anchor in (dt.date(2024, 2, 29), dt.date(2023, 8, 31), dt.date(2025, 3, 1)):
        starts = [window_start(anchor, b.lookback) for b in bands_]
        if any(a <= b for a, b in itertools.pairwise(starts)):
            raise _fail("bands", "must be listed narrowest first, each wider than the last")
    labels = [b.label for b in bands_]
    if len(set(labels)) != len(labels) or {"outside", "after_anchor"} & set(labels):
        raise _fail("bands", "labels must be unique and not 'outside' or 'after_anchor'")
    return tuple(bands_)


def _parse(text: str) -> _Document:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise SchemaError(f"rules.yaml is not valid YAML: {e}") from e
    _keys("top level", raw, {"version", "texts", "levels", "acts", "counterparties", "requires",
                             "bands", "band_outside", "jurisdictions"})
    if raw["version"] != 1:
        raise _fail("version", f"unsupported version {raw['version']!r}")
    bands_ = _bands(raw["bands"])
    captions = {
        "texts": _captions("texts", raw["texts"], frozenset({"unconfirmed_warning",
                                                              "anchor_proxy"})),
        "levels": _captions("levels", raw["levels"], LEVELS),
        "acts": _captions("acts", raw["acts"], ACTS),
        "counterparties": _captions("counterparties", raw["counterparties"], COUNTERPARTIES),
        "requires": _captions("requires", raw["requires"], REQUIREMENTS),
        "bands": {**{b.label: b.caption for b in bands_},
                  **_captions("band_outside", raw["band_outside"],
                              frozenset({"outside", "after_anchor"}))},
    }
    jurisdictions = raw["jurisdictions"]
    if not isinstance(jurisdictions, Mapping) or not jurisdictions:
        raise _fail("jurisdictions", "must map jurisdiction codes to rule sets")
    known = SCHEMA.enums["jurisdiction"]
    own: dict[str, tuple[Rule, ...]] = {}
    seen: dict[str, str] = {}
    for code, spec in jurisdictions.items():
        if code not in known:
            raise _fail(f"jurisdictions.{code}", f"not a jurisdiction of schema.yaml {known}")
        _keys(f"jurisdictions.{code}", spec, {"caption", "anchor", "proxy", "rules"},
              {"fallback", "pending_verification", "notes"})
        rules = tuple(_rule(code, r) for r in spec["rules"] or [])
        for rule in rules:
            if rule.id in seen:
                raise _fail(f"rule {rule.id!r}", f"id duplicated (in {seen[rule.id]} and {code})")
            seen[rule.id] = code
        own[code] = rules
    rulesets: dict[str, RuleSet] = {}
    for code, spec in jurisdictions.items():
        fallback = spec.get("fallback")
        if fallback is not None and (fallback not in own or fallback == code
                                     or jurisdictions[fallback].get("fallback") is not None):
            raise _fail(f"jurisdictions.{code}",
                        f"fallback {fallback!r} must be another jurisdiction without a fallback")
        inherited = own[fallback] if fallback is not None else ()
        rulesets[code] = _ruleset(code, spec, own[code], inherited)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return _Document(rulesets=rulesets, bands=bands_, captions=captions,
                     version=f"{raw['version']}-{digest}")


def load_rules(text: str) -> dict[str, RuleSet]:
    """Parse and check a rules document; raise :class:`SchemaError` naming the culprit."""
    return _parse(text).rulesets


def _load_packaged() -> _Document:
    text = resources.files("clawback.algorithms").joinpath("rules.yaml").read_text("utf-8")
    return _parse(text)


# --------------------------------------------------------------------------------------------
# Dates and windows


def _day(value: Any, what: str = "date") -> dt.date:
    """A calendar date from a date, datetime or numpy datetime64; TypeError for anything else."""
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise ValueError(f"{what} is missing (NaT)")
        value = value.astype("datetime64[D]").item()
    if isinstance(value, dt.datetime):
        if value != value:   # pandas NaT is a datetime that is not equal to itself
            raise ValueError(f"{what} is missing (NaT)")
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"{what} must be a date, not {type(value).__name__} {value!r}")


def _optional_day(value: Any, what: str) -> dt.date | None:
    """Like :func:`_day`, but None for a missing value (None, NaT, pandas NA, NaN)."""
    if value is None:
        return None
    if isinstance(value, dt.date | np.datetime64):
        if isinstance(value, dt.datetime | np.datetime64) and pd.isna(value):
            return None
        return _day(value, what)
    if pd.isna(value) is True:
        return None
    return _day(value, what)


def window_start(anchor: dt.date, lookback: Lookback | None) -> dt.date:
    """First day of the window that looks back ``lookback`` from ``anchor`` (inclusive).

    Years and months go to the corresponding day, or the last day of the month when there is
    none, then days are subtracted. ``None`` means no limit: ``date.min``.

    >>> import datetime as dt
    >>> window_start(dt.date(2024, 3, 10), Lookback(days=90))
    datetime.date(2023, 12, 11)
    """
    day = _day(anchor, "anchor")
    if lookback is None:
        return dt.date.min
    start: dt.date = day - relativedelta(
        years=lookback.years, months=lookback.months, days=lookback.days)
    return start


def in_window(act_date: dt.date, anchor: dt.date, lookback: Lookback | None,
              lag_days: int = 0) -> bool:
    """True when the act is on or after the window start and on or before the anchor.

    Acts after the anchor are outside every look-back window. ``lag_days`` extends the end past
    a proxy anchor (see :func:`anchor_for`).
    """
    if not isinstance(lag_days, int) or lag_days < 0:
        raise ValueError(f"lag_days must be a non-negative integer, not {lag_days!r}")
    day, act = _day(anchor, "anchor"), _day(act_date, "act date")
    return window_start(day, lookback) <= act <= day + dt.timedelta(days=lag_days)


def _days(values: Any, what: str) -> np.ndarray:
    """``datetime64[D]`` array from numpy/pandas/pyarrow dates (NaT where missing)."""
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[D]")
    if arr.dtype != object:
        raise TypeError(f"{what} must be dates, not an array of {arr.dtype}")
    out = np.empty(arr.shape, dtype="datetime64[D]")
    for i, value in enumerate(arr.flat):
        day = _optional_day(value, what)
        out.flat[i] = _NAT if day is None else np.datetime64(day, "D")
    return out


def window_starts(anchors: Any, lookback: Lookback | None) -> np.ndarray:
    """Vectorized :func:`window_start`: ``datetime64[D]``, NaT where the anchor is missing.

    >>> window_starts(np.array(["2024-02-29", "2024-08-31", "NaT"], "datetime64[D]"),
    ...               Lookback(months=6))
    array(['2023-08-29', '2024-02-29',        'NaT'], dtype='datetime64[D]')
    """
    day = _days(anchors, "anchors")
    if lookback is None:
        return np.where(np.isnat(day), _NAT, _MIN_DAY)
    out = day
    months = 12 * lookback.years + lookback.months
    if months:
        month = day.astype("datetime64[M]")
        offset = day - month.astype("datetime64[D]")              # day of month, 0-based
        target = month - np.timedelta64(months, "M")
        last = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
        out = np.minimum(target.astype("datetime64[D]") + offset, last)
    return out - np.timedelta64(lookback.days, "D")


def in_windows(act_dates: Any, anchors: Any, lookback: Lookback | None,
               lag_days: Any = 0) -> np.ndarray:
    """Vectorized :func:`in_window` (broadcasting); False where either date is missing.

    ``lag_days`` is an integer or an array of them (one per anchor).
    """
    lag = np.asarray(lag_days)
    if lag.dtype.kind not in "iu" or (lag < 0).any():
        raise ValueError("lag_days must be non-negative integers")
    day = _days(anchors, "anchors")
    act = _days(act_dates, "act dates")
    end = day + lag.astype("timedelta64[D]")
    return (act >= window_starts(day, lookback)) & (act <= end)


def anchor_for(jurisdiction: str, acceptance_date: dt.date | None,
               filing_date: dt.date | None) -> Anchor | None:
    """The date a case's windows run back from, or None when the case has no usable date.

    PRC (CN, CN-SZ): the acceptance date; without it, the filing date as a proxy, flagged, with
    windows extended past it by the expected lag (an engineering choice, see rules.yaml). US:
    the petition date, i.e. the filing date; no proxy. Missing values may be None or NaT.

    >>> import datetime as dt
    >>> anchor_for("CN-SZ", None, dt.date(2024, 5, 6))
    Anchor(date=datetime.date(2024, 5, 6), field='filing_date', proxy=True, lag_days=90)
    """
    rules = _rule_set(jurisdiction)
    values = {"acceptance_date": acceptance_date, "filing_date": filing_date}
    actual = _optional_day(values[rules.anchor_field], rules.anchor_field)
    if actual is not None:
        return Anchor(date=actual, field=rules.anchor_field, proxy=False, lag_days=0)
    if rules.proxy_field is not None:
        proxy = _optional_day(values[rules.proxy_field], rules.proxy_field)
        if proxy is not None:
            return Anchor(date=proxy, field=rules.proxy_field, proxy=True,
                          lag_days=rules.proxy_lag_days)
    return None


def band(act_date: dt.date, anchor: dt.date) -> str:
    """The G-02 band label of an act: '≤90d', '≤6m', '≤1y', ... '≤5y', 'outside' or
    'after_anchor'. Calendar-exact, with the same arithmetic as the windows.

    >>> import datetime as dt
    >>> band(dt.date(2024, 2, 29), dt.date(2024, 8, 31)), band(dt.date(2024, 2, 28),
    ...                                                         dt.date(2024, 8, 31))
    ('≤6m', '≤1y')
    """
    day, act = _day(anchor, "anchor"), _day(act_date, "act date")
    if act > day:
        return "after_anchor"
    for b in WINDOW_BANDS:
        if act >= window_start(day, b.lookback):
            return b.label
    return "outside"


def bands(act_dates: Any, anchors: Any) -> np.ndarray:
    """Vectorized :func:`band`: an object array of labels, None where a date is missing."""
    day = _days(anchors, "anchors")
    act = _days(act_dates, "act dates")
    day, act = np.broadcast_arrays(day, act)
    out = np.full(day.shape, "outside", dtype=object)
    for b in reversed(WINDOW_BANDS):
        out[act >= window_starts(day, b.lookback)] = b.label
    out[act > day] = "after_anchor"
    out[np.isnat(day) | np.isnat(act)] = None
    return out


# --------------------------------------------------------------------------------------------
# Rules


def _rule_set(jurisdiction: str) -> RuleSet:
    try:
        return RULES[jurisdiction]
    except KeyError:
        raise KeyError(f"unknown jurisdiction {jurisdiction!r} (known: {sorted(RULES)})") from None


def rules_for(jurisdiction: str, act: str, related: bool) -> list[Rule]:
    """The rules of ``jurisdiction`` that reach ``act`` for this kind of counterparty.

    ``related``: the counterparty is a relative, insider or affiliate. Then rules restricted
    to insiders or related parties apply too (e.g. the US 1-year insider preference window).
    """
    if act not in ACTS:
        raise ValueError(f"unknown act {act!r} (known: {sorted(ACTS)})")
    return [r for r in _rule_set(jurisdiction).rules if r.covers(act, related)]


def rule_by_id(rule_id: str) -> Rule:
    """The rule with this id, whichever jurisdiction defines it; KeyError naming it if none.

    >>> rule_by_id("US-548").lookback
    Lookback(years=2, months=0, days=0)
    """
    for rules in RULES.values():
        for rule in rules.rules:
            if rule.id == rule_id:
                return rule
    raise KeyError(f"no rule {rule_id!r} in rules.yaml")


def scoring_window_start(jurisdiction: str, anchor: Anchor) -> dt.date:
    """Start of the longest limited look-back window of the jurisdiction's rules: the earliest
    day any windowed rule reaches (rules without a limit are left out).

    >>> import datetime as dt
    >>> scoring_window_start("US", anchor_for("US", None, dt.date(2024, 2, 29)))
    datetime.date(2020, 2, 29)
    """
    starts = [window_start(anchor.date, r.lookback)
              for r in _rule_set(jurisdiction).rules if r.lookback is not None]
    if not starts:
        raise ValueError(f"the {jurisdiction} rule set has no rule with a look-back window")
    return min(starts)


def price_flag(ratio: float, kind: Literal["sale", "purchase"], related: bool,
               rule: Rule) -> bool:
    """True when ``ratio`` (consideration / fair value) is obviously unreasonable under the
    rule's price test.

    Arm's length: a sale below ``sale_below`` or a purchase above ``purchase_above`` (strict).
    Between related parties, where the thresholds do not bind, any deviation beyond the
    tolerance: a sale below ``1 - tol`` or a purchase above ``1 + tol``. ValueError for a rule
    without a numeric test (e.g. US-548, "reasonably equivalent value").

    >>> rule = RULES["CN"].rule("CN-CC-539")
    >>> price_flag(0.75, "sale", False, rule), price_flag(0.75, "sale", True, rule)
    (False, True)
    """
    test = rule.price_test
    if test is None:
        raise ValueError(f"rule {rule.id!r} has no numeric price test")
    if not isinstance(ratio, int | float) or not math.isfinite(ratio) or ratio < 0:
        raise ValueError(f"price ratio must be a finite number >= 0, not {ratio!r}")
    if kind not in ("sale", "purchase"):
        raise ValueError(f"kind must be 'sale' or 'purchase', not {kind!r}")
    if related and not test.binding_between_related and test.related_tolerance is not None:
        low, high = 1 - test.related_tolerance, 1 + test.related_tolerance
    else:
        low, high = test.sale_below, test.purchase_above
    return ratio < low if kind == "sale" else ratio > high


def warning(rule: Rule, lang: str = "en", *, part: str | None = None) -> str:
    """The UNCONFIRMED warning in ``lang`` for a rule that is UNCONFIRMED, or ``""``.

    With ``part`` ('lookback', 'price_test', ...), also when just that part of the rule is
    UNCONFIRMED.

    >>> warning(RULES["CN-SZ"].rule("SZ-REVOCABLE"), "zh")
    '未经核实——引用前请核对官方文本'
    >>> warning(RULES["CN"].rule("CN-EBL-31-2")), warning(RULES["CN"].rule("CN-EBL-31-2"),
    ...                                                   part="price_test")[:11]
    ('', 'UNCONFIRMED')
    """
    if part is not None and part not in PARTS:
        raise ValueError(f"unknown rule part {part!r} (known: {sorted(PARTS)})")
    text = _DOCUMENT.captions["texts"]["unconfirmed_warning"].get(lang)
    if rule.verified == "UNCONFIRMED" or (part is not None and part in rule.unconfirmed):
        return text
    return ""


def caption(kind: str, key: str, lang: str = "en") -> str:
    """A caption from rules.yaml: ``kind`` is 'acts', 'levels', 'counterparties', 'requires',
    'bands' (labels, 'outside', 'after_anchor') or 'texts'.

    >>> caption("acts", "waiver", "zh")
    '放弃债权或者债权担保'
    """
    try:
        return _DOCUMENT.captions[kind][key].get(lang)
    except KeyError:
        raise KeyError(f"no caption for {kind} {key!r}") from None


_DOCUMENT: _Document = _load_packaged()
RULES: dict[str, RuleSet] = _DOCUMENT.rulesets
"""The rule sets by jurisdiction code (CN, CN-SZ, US)."""
RULES_VERSION: str = _DOCUMENT.version
"""rules.yaml's version and a digest of its text, for the provenance of a score."""
WINDOW_BANDS: tuple[Band, ...] = _DOCUMENT.bands
"""The G-02 bands, narrowest first."""
