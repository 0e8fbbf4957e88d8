"""Value parsers: every accepted date form, calendar checks, time zones, decimals, enums."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clawback.loaders.parsing import (
    parse_dates,
    parse_decimals,
    parse_enum,
    parse_excel_serial,
    parse_timestamps,
)


def S(*values: object) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def day(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def us(text: str) -> np.datetime64:
    return np.datetime64(text, "us")


# ------------------------------------------------------------------------------------------
# parse_dates
# ------------------------------------------------------------------------------------------

MARCH_5 = [
    "2024-03-05",
    "2024-03-05T14:30:00",
    "2024-03-05 14:30:00",
    "2024-03-05T14:30",
    "2024-03-05 14:30",
    "2024-03-05T14:30:00.5",
    "2024-03-05T14:30:00.123456",
    "2024-03-05T14:30:00.123456789",
    "2024-03-05T14:30:00Z",
    "2024-03-05T14:30:00+08:00",
    "2024-03-05T14:30:00+0800",
    "2024-03-05T14:30:00+08",
    "2024-03-05T23:30:00-05:00",  # the written date, not the date in some other zone
    "2024-03-05T00:00:00.000+05:30",
    "2024-3-5",
    "2024/3/5",
    "2024/03/05",
    "2024/3/5 14:30:00",
    "2024.03.05",
    "2024.3.5",
    "20240305",
    "2024年3月5日",
    "2024年03月05日",
    "2024年3月5日 14:30",
    "  2024-03-05  ",
]


@pytest.mark.parametrize("text", MARCH_5)
def test_parse_dates_accepts_every_contract_form(text: str) -> None:
    dates, bad = parse_dates(S(text))
    assert dates.dtype == np.dtype("datetime64[D]")
    assert dates[0] == day("2024-03-05")
    assert not bad[0]


def test_parse_dates_all_forms_in_one_series() -> None:
    # Mixes the fixed-width fast paths and the regex path inside one call.
    dates, bad = parse_dates(S(*MARCH_5, "", "2024-02-30", "20240230"))
    assert (dates[: len(MARCH_5)] == day("2024-03-05")).all()
    assert bad.tolist() == [False] * len(MARCH_5) + [False, True, True]
    assert np.isnat(dates[len(MARCH_5) :]).all()


BAD_DATES = [
    "2024-02-30",
    "2023-02-29",
    "1900-02-29",
    "2100-02-29",
    "2023-13-01",
    "2023-00-10",
    "2023-01-00",
    "2023-04-31",
    "20231301",
    "2024年13月1日",
    "2024/2/30",
    "2024.02.30",
    "1899-12-31",
    "2101-01-01",
    "9999-12-31",
    "2024-03-05T24:00:00",
    "2024-03-05T14:60",
    "2024-03-05T14:30:60",
    "2024-03-05T14:30:00+25:00",
    "2024-03-05T14:30:00+08:75",
    "2024-03-05+08:00",
    "2024-03-05T",
    "2024-03",
    "2024",
    "03/05/2024",
    "05.03.2024",
    "2024-03/05",
    "2024/03-05",
    "2024-03-05 later",
    "２０２４-03-05",
    "45356",
    "not a date",
    "NA",
    "null",
]


@pytest.mark.parametrize("text", BAD_DATES)
def test_parse_dates_rejects(text: str) -> None:
    dates, bad = parse_dates(S(text))
    assert bad[0]
    assert np.isnat(dates[0])


def test_parse_dates_valid_leap_days() -> None:
    dates, bad = parse_dates(S("2024-02-29", "2000-02-29", "1900-01-01", "2100-12-31"))
    assert not bad.any()
    assert dates.tolist() == [
        dt.date(2024, 2, 29),
        dt.date(2000, 2, 29),
        dt.date(1900, 1, 1),
        dt.date(2100, 12, 31),
    ]


def test_parse_dates_missing_is_not_bad() -> None:
    values = pd.Series(["", None, np.nan, "   ", "2024-03-05"], dtype=object)
    dates, bad = parse_dates(values)
    assert bad.tolist() == [False] * 5
    assert np.isnat(dates[:4]).all()
    assert dates[4] == day("2024-03-05")


def test_parse_dates_empty_series() -> None:
    dates, bad = parse_dates(S())
    assert dates.shape == bad.shape == (0,)


def test_parse_dates_chunked_arrow_input() -> None:
    chunked = pa.chunked_array([["2024-03-05", "x"], ["20240306"]], type=pa.large_string())
    values = pd.Series(pd.arrays.ArrowStringArray(chunked))
    dates, bad = parse_dates(values)
    assert dates[0] == day("2024-03-05") and np.isnat(dates[1]) and dates[2] == day("2024-03-06")
    assert bad.tolist() == [False, True, False]


# Excel serials ----------------------------------------------------------------------------


def test_excel_serials_only_with_excel_flag() -> None:
    values = S("45356", "45356.75", "1", "59", "60", "61", "0", "73415", "73416", "20240305")
    dates, bad = parse_dates(values, excel=True)
    assert bad.tolist() == [False, False, False, False, True, False, True, False, True, False]
    assert [str(d) for d in dates] == [
        "2024-03-05",
        "2024-03-05",
        "1900-01-01",
        "1900-02-28",
        "NaT",
        "1900-03-01",
        "NaT",
        "2100-12-31",
        "NaT",
        "2024-03-05",  # eight digits is a compact date, never a serial
    ]
    _, bad_plain = parse_dates(values, excel=False)
    assert bad_plain.tolist() == [True] * 9 + [False]


def test_parse_excel_serial_time_of_day() -> None:
    at, bad = parse_excel_serial(np.array([45356.6041666667, np.nan, -1.0, 45356.0]))
    assert bad.tolist() == [False, True, True, False]
    assert at[0] == us("2024-03-05T14:30:00")
    assert at[3] == us("2024-03-05T00:00:00")


def test_timestamps_from_excel_serial_are_local() -> None:
    utc, local, bad = parse_timestamps(S("45356.5", "45356"), tz="Asia/Shanghai", excel=True)
    assert not bad.any()
    assert utc[0] == us("2024-03-05T04:00:00")  # local noon, UTC+8
    assert utc[1] == us("2024-03-04T16:00:00")  # local midnight
    assert (local == day("2024-03-05")).all()


# ------------------------------------------------------------------------------------------
# parse_timestamps
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_utc", "expected_local"),
    [
        ("2024-03-05T14:30:00", "2024-03-05T06:30:00", "2024-03-05"),
        ("2024-03-05 01:30:00", "2024-03-04T17:30:00", "2024-03-05"),
        ("2024-03-05T14:30", "2024-03-05T06:30:00", "2024-03-05"),
        ("2024-03-05T14:30:00.25", "2024-03-05T06:30:00.25", "2024-03-05"),
        ("2024-03-05T14:30:00.1234567", "2024-03-05T06:30:00.123456", "2024-03-05"),
        ("2024-03-05", "2024-03-04T16:00:00", "2024-03-05"),
        ("2024/3/5", "2024-03-04T16:00:00", "2024-03-05"),
        ("2024年3月5日", "2024-03-04T16:00:00", "2024-03-05"),
        ("2024-03-05T14:30:00Z", "2024-03-05T14:30:00", "2024-03-05"),
        ("2024-03-05T20:00:00Z", "2024-03-05T20:00:00", "2024-03-06"),
        ("2024-03-05T14:30:00+08:00", "2024-03-05T06:30:00", "2024-03-05"),
        ("2024-03-05T14:30:00+0800", "2024-03-05T06:30:00", "2024-03-05"),
        ("2024-03-05T23:30:00-05:00", "2024-03-06T04:30:00", "2024-03-06"),
        ("2024-03-05T05:00:00+09:30", "2024-03-04T19:30:00", "2024-03-05"),
    ],
)
def test_parse_timestamps_shanghai(text: str, expected_utc: str, expected_local: str) -> None:
    utc, local, bad = parse_timestamps(S(text), tz="Asia/Shanghai")
    assert utc.dtype == np.dtype("datetime64[us]")
    assert local.dtype == np.dtype("datetime64[D]")
    assert not bad[0]
    assert utc[0] == us(expected_utc)
    assert local[0] == day(expected_local)


def test_parse_timestamps_new_york_dst() -> None:
    values = S(
        "2024-01-15T12:00:00",  # EST, UTC-5
        "2024-07-01T12:00:00",  # EDT, UTC-4
        "2024-03-10T02:30:00",  # does not exist (spring forward)
        "2024-11-03T01:30:00",  # exists twice (fall back): ambiguous
        "2024-11-03T01:30:00-04:00",  # the offset settles it
        "2024-11-03T01:30:00-05:00",
        "2024-03-10",  # date only: local midnight, EST
        "2024-07-01T22:30:00Z",  # 18:30 local, same day
        "2024-07-02T02:30:00Z",  # 22:30 local, the day before
        "",
    )
    utc, local, bad = parse_timestamps(values, tz="America/New_York")
    assert bad.tolist() == [False, False, True, True] + [False] * 6
    assert [str(v) for v in utc] == [
        "2024-01-15T17:00:00.000000",
        "2024-07-01T16:00:00.000000",
        "NaT",
        "NaT",
        "2024-11-03T05:30:00.000000",
        "2024-11-03T06:30:00.000000",
        "2024-03-10T05:00:00.000000",
        "2024-07-01T22:30:00.000000",
        "2024-07-02T02:30:00.000000",
        "NaT",
    ]
    assert [str(v) for v in local] == [
        "2024-01-15",
        "2024-07-01",
        "NaT",
        "NaT",
        "2024-11-03",
        "2024-11-03",
        "2024-03-10",
        "2024-07-01",
        "2024-07-01",
        "NaT",
    ]


def test_date_only_at_a_missing_midnight_is_the_start_of_that_day() -> None:
    # Brazil started daylight saving at midnight on 2018-11-04: 00:00 jumped to 01:00.
    utc, local, bad = parse_timestamps(
        S("2018-11-04", "2018-11-04T00:30:00"), tz="America/Sao_Paulo"
    )
    assert bad.tolist() == [False, True]
    assert utc[0] == us("2018-11-04T03:00:00")  # 01:00 at UTC-2
    assert local[0] == day("2018-11-04")


def test_date_only_at_an_ambiguous_midnight_is_its_first_occurrence() -> None:
    # Cuba ended daylight saving at 01:00 on 2024-11-03, back to 00:00: midnight came twice.
    utc, local, bad = parse_timestamps(
        S("2024-11-03", "2024-11-03T00:30:00", "2024-11-02T23:59:59"), tz="America/Havana"
    )
    assert bad.tolist() == [False, True, False]
    assert utc[0] == us("2024-11-03T04:00:00")  # 00:00 at UTC-4, the first midnight
    assert utc[2] == us("2024-11-03T03:59:59")
    assert [str(d) for d in local] == ["2024-11-03", "NaT", "2024-11-02"]


def test_parse_timestamps_bad_and_missing() -> None:
    utc, local, bad = parse_timestamps(S("", "2024-02-30T10:00:00", "yesterday", "45356"))
    assert bad.tolist() == [False, True, True, True]
    assert np.isnat(utc).all() and np.isnat(local).all()


def test_parse_timestamps_large_uniform_input_uses_fast_path_correctly() -> None:
    rng = np.random.default_rng(7)
    seconds = rng.integers(0, 60 * 365 * 86400, 20_000)
    wall = np.datetime64("1990-01-01T00:00:00") + seconds.astype("timedelta64[s]")
    text = pd.Series(np.datetime_as_string(wall, unit="s"), dtype="str")
    utc, local, bad = parse_timestamps(text, tz="UTC")
    assert not bad.any()
    assert (utc == wall.astype("datetime64[us]")).all()
    assert (local == wall.astype("datetime64[D]")).all()


# ------------------------------------------------------------------------------------------
# parse_decimals
# ------------------------------------------------------------------------------------------

GOOD_DECIMALS = {
    "1234": 1234.0,
    "1234.50": 1234.5,
    ".5": 0.5,
    "-3": -3.0,
    "+7": 7.0,
    "0": 0.0,
    "00012": 12.0,
    "1234.": 1234.0,
    "-.25": -0.25,
    "1e3": 1000.0,
    "1.5E-2": 0.015,
    " 12 ": 12.0,
}
BAD_DECIMALS = [
    "1,234",
    "1,234.50",
    "1 234",
    "¥100",
    "$5",
    "100元",
    "CNY 100",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "abc",
    "1.2.3",
    "--1",
    "12-",
    "0x10",
    "1_000",
    "e5",
    "1e",
    ".",
    "-",
    "+",
    "١٢",
    "１２",
    "(100)",
]


def test_parse_decimals_good_values() -> None:
    values, bad = parse_decimals(S(*GOOD_DECIMALS))
    assert not bad.any()
    assert values.tolist() == pytest.approx(list(GOOD_DECIMALS.values()))


@pytest.mark.parametrize("text", BAD_DECIMALS)
def test_parse_decimals_bad_values(text: str) -> None:
    values, bad = parse_decimals(S("1", text))
    assert bad.tolist() == [False, True]
    assert values[0] == 1.0 and np.isnan(values[1])


def test_parse_decimals_missing() -> None:
    values, bad = parse_decimals(pd.Series(["", None, "2.5"], dtype=object))
    assert bad.tolist() == [False, False, False]
    assert np.isnan(values[:2]).all() and values[2] == 2.5
    empty_values, empty_bad = parse_decimals(S())
    assert empty_values.shape == empty_bad.shape == (0,)


# ------------------------------------------------------------------------------------------
# parse_enum
# ------------------------------------------------------------------------------------------


def test_parse_enum_case_insensitive_to_canonical() -> None:
    allowed = ["bank_transfer", "payment_app", "cash_withdrawal"]
    values = pd.Series(
        ["Bank_Transfer", "PAYMENT_APP", " cash_withdrawal ", "", "wire", "bank transfer"],
        index=[10, 11, 12, 13, 14, 15],
        dtype="str",
    )
    normalized, bad = parse_enum(values, allowed)
    assert normalized.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert normalized.tolist() == [
        "bank_transfer",
        "payment_app",
        "cash_withdrawal",
        "",
        "wire",
        "bank transfer",
    ]
    assert bad.tolist() == [False, False, False, False, True, True]


def test_parse_enum_keeps_canonical_spelling_of_allowed() -> None:
    normalized, bad = parse_enum(S("m", "F", "x"), ["M", "F"])
    assert normalized.tolist() == ["M", "F", "x"]
    assert bad.tolist() == [False, False, True]


def test_parse_enum_rejects_allowed_values_that_collide() -> None:
    with pytest.raises(ValueError, match="case"):
        parse_enum(S("a"), ["spouse", "Spouse"])


# ------------------------------------------------------------------------------------------
# Properties
# ------------------------------------------------------------------------------------------

FORMATS = [
    lambda d: d.strftime("%Y-%m-%d"),
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%S"),
    lambda d: d.strftime("%Y-%m-%d %H:%M:%S"),
    lambda d: d.strftime("%Y-%m-%dT%H:%M"),
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%f"),
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%S-0330"),
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: d.strftime("%Y/%m/%d"),
    lambda d: d.strftime("%Y.%m.%d"),
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: d.strftime("%Y%m%d"),
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)),
            st.integers(min_value=0, max_value=len(FORMATS) - 1),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_parse_dates_round_trip(samples: list[tuple[dt.datetime, int]]) -> None:
    texts = [FORMATS[i](value) for value, i in samples]
    dates, bad = parse_dates(S(*texts))
    assert not bad.any(), [t for t, b in zip(texts, bad, strict=True) if b]
    assert dates.tolist() == [value.date() for value, _ in samples]


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2100, 12, 30)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_parse_timestamps_offset_round_trip(value: dt.datetime, offset_minutes: int) -> None:
    sign = "+" if offset_minutes >= 0 else "-"
    hh, mm = divmod(abs(offset_minutes), 60)
    text = value.isoformat() + f"{sign}{hh:02d}:{mm:02d}"
    utc, _, bad = parse_timestamps(S(text), tz="Asia/Shanghai")
    assert not bad[0]
    expected = value - dt.timedelta(minutes=offset_minutes)
    assert utc[0] == np.datetime64(expected, "us")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789-/.T :Z+", min_size=6, max_size=30))
@example("2024-03-05T14:30:00")
@example("2024-03-05 14:30")
@example("2024/03/05")
@example("2024.02.30")
@example("20240305")
@example("2024-03-05T24:00:00")
@example("2024-03/05")
@example("2024-03-05T14:30:00Z")
@example("2024-03-05T14:30:00+08")
@example("2024-03-05T14:30:00-0330")
@example("2024-03-05T14:30:00+08:00")
@example("2024-03-05T14:30:00+08:60")
@example("2024-03-05T14:30:00+19:00")
@example("2024-03-05T14:30:00.1")
@example("2024-03-05 14:30:00.123456789")
@example("2024-03-05T14:30:00.12+08")
def test_fast_path_agrees_with_regex_path(text: str) -> None:
    # A leading space keeps a value off the fixed-width fast path: both must agree.
    text = text.strip()
    for parse in (parse_dates, lambda v: parse_timestamps(v, tz="Asia/Shanghai")):
        fast = parse(S(text))
        slow = parse(S(" " + text))
        for a, b in zip(fast, slow, strict=True):
            np.testing.assert_array_equal(a, b)


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_parse_decimals_reads_python_float_repr(value: float) -> None:
    parsed, bad = parse_decimals(S(repr(value), f"{value:.6f}"))
    assert not bad.any()
    assert parsed[0] == value
    assert parsed[1] == pytest.approx(float(f"{value:.6f}"))
