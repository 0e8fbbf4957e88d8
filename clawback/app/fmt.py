"""How the app writes amounts and dates: ``¥``, 万 and 亿 in Chinese, thousands separators in
English. Names are shown as they are (a Chinese name is never transliterated)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

__all__ = ["SYMBOLS", "day", "money", "number"]

SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "US$", "HKD": "HK$", "EUR": "€"}
"""Currency symbols used in Chinese; other currencies keep their ISO code."""


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        not isinstance(value, str | bytes) and bool(pd.isna(value)))


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(amount: Any, currency: str | None = "CNY", lang: str = "zh",
          compact: bool = False) -> str:
    """An amount for people to read; ``compact`` shortens English millions and billions (for
    headline totals: Chinese is compact already).

    >>> money(1234567.8, "CNY", "zh"), money(98_000, "CNY", "zh"), money(3.2e8, "CNY", "zh")
    ('¥123.46万', '¥9.8万', '¥3.2亿')
    >>> money(1234567.8, "CNY", "en"), money(None, "CNY", "en"), money(512, "USD", "zh")
    ('CNY 1,234,568', '–', 'US$512')
    >>> money(232_084_123, "CNY", "en", compact=True), money(5.1e9, "CNY", "en", compact=True)
    ('CNY 232.08M', 'CNY 5.1B')
    """
    if _missing(amount):
        return "–"
    value = float(amount)
    code = (currency or "CNY").upper()
    if lang != "zh":
        if compact and abs(value) >= 1e9:
            return f"{code} {_trim(f'{value / 1e9:.2f}')}B"
        if compact and abs(value) >= 1e6:
            return f"{code} {_trim(f'{value / 1e6:.2f}')}M"
        return f"{code} {value:,.0f}"
    sign, value = ("-" if value < 0 else ""), abs(value)
    symbol = SYMBOLS.get(code, code + " ")
    if value >= 1e8:
        body = _trim(f"{value / 1e8:.2f}") + "亿"
    elif value >= 1e4:
        body = _trim(f"{value / 1e4:.2f}") + "万"
    else:
        body = f"{value:,.0f}"
    return f"{sign}{symbol}{body}"


def number(value: Any, lang: str = "zh") -> str:
    """A count: ``12,345`` in English, ``1.23万`` from ten thousand on in Chinese.

    >>> number(12345, "en"), number(12345, "zh"), number(999, "zh")
    ('12,345', '1.23万', '999')
    """
    if _missing(value):
        return "–"
    n = float(value)
    if lang == "zh" and abs(n) >= 1e4:
        return _trim(f"{n / 1e8:.2f}") + "亿" if abs(n) >= 1e8 else _trim(f"{n / 1e4:.2f}") + "万"
    return f"{n:,.0f}"


def day(value: Any, lang: str = "zh") -> str:
    """A calendar date: ``2024年6月30日`` in Chinese, ``2024-06-30`` in English.

    >>> import datetime as dt
    >>> day(dt.date(2024, 6, 30), "zh"), day("2024-06-30", "en"), day(None, "en")
    ('2024年6月30日', '2024-06-30', '–')
    """
    if _missing(value):
        return "–"
    d = pd.Timestamp(value).date()
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else d.isoformat()
