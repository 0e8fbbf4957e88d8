"""Vectorized parsers for the value types of the input contract: dates, timestamps, decimals, enums.

Every parser takes a pandas Series of strings, where ``""`` (or a missing value) means *missing*,
and returns NumPy arrays aligned with it by position, plus a boolean ``bad`` mask that is ``True``
where a value is present but cannot be trusted. Missing values are never bad; bad values are
never "fixed": the loader quarantines them.

The parsers are built for tens of millions of values. Each works on the Arrow representation of
the strings: a fixed-width fast path decodes the dominant ISO layouts straight from the bytes with
NumPy, and only the remaining values go through a regular expression (RE2, via
:func:`pyarrow.compute.extract_regex`).

Accepted date and date-time forms (see ``docs/input-format.md``)::

    2024-03-05   2024/3/5   2024.03.05   20240305   2024年3月5日   2024年03月05日
    any of these + ``T`` or spaces + ``14:30``, ``14:30:00`` or ``14:30:00.123456``
    + optionally an offset: ``Z``, ``+08:00``, ``+0800``, ``+08``
    Excel serial numbers (1900 date system), only with ``excel=True``

Month and day may have one or two digits in the separated forms. A value is bad when it has any
other shape, names an impossible calendar date or time (2024-02-30, month 13, 24:00, second 60),
falls outside the years 1900-2100, or is the fictitious Excel serial 60 (1900-02-29).

>>> import pandas as pd
>>> days, bad = parse_dates(pd.Series(["2024-03-05", "2024年3月5日", "", "2024-02-30"]))
>>> [str(d) for d in days], bad.tolist()
(['2024-03-05', '2024-03-05', 'NaT', 'NaT'], [False, False, False, True])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "parse_dates",
    "parse_decimals",
    "parse_enum",
    "parse_excel_serial",
    "parse_timestamps",
]

MIN_YEAR = 1900
"""Earliest year a date may have; earlier years are bad (almost always a typo or a sentinel)."""
MAX_YEAR = 2100
"""Latest year a date may have; later years are bad (``9999-12-31`` sentinels, typos)."""

_US_PER_SECOND = 1_000_000
_US_PER_DAY = 86_400 * _US_PER_SECOND
_MAX_OFFSET_MINUTES = 18 * 60

# The date-time grammar (RE2, so \d and \s are ASCII-only). It decides which values are
# accepted; the year/month/day forms must not be mixed (2024-03/05 is bad).
_TIME = (
    r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,9})?)?"  # 14:30, 14:30:00, 14:30:00.123
    r"\s*(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"  # Z, +08, +0800, +08:00
)
_DATE_TIME_RE = (
    r"^\s*(?:"
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"|[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}"
    r"|[0-9]{4}\.[0-9]{1,2}\.[0-9]{1,2}"
    r"|[0-9]{8}"
    r"|[0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日"
    r")(?:(?:T|\s+)" + _TIME + r")?\s*$"
)
# Field extraction, run only on values that match _DATE_TIME_RE. It is looser (any separators)
# and has few groups, which makes RE2 several times faster than extracting with the grammar.
# On a value the grammar accepts it is unambiguous: the year has 4 digits, month and day take
# at most 2 (greedy), and the time always has a colon.
_FIELDS_RE = (
    r"^\s*(?P<y>[0-9]{4})[^0-9]{0,3}(?P<m>[0-9]{1,2})[^0-9]{0,3}(?P<d>[0-9]{1,2})[^0-9]*?"
    r"(?:(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.,](?P<f>[0-9]{1,9}))?)?"
    r"\s*(?P<z>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?\s*$"
)
_EXCEL_SERIAL_RE = r"^\s*\d{1,5}(?:\.\d+)?\s*$"
_DECIMAL_RE = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"

_DIGIT = np.uint8(ord("0"))


@dataclass
class _Parts:
    """Broken-down date-time fields of n values, as parsed (not yet validated)."""

    matched: np.ndarray  # bool: the value had an accepted shape
    year: np.ndarray  # int32 fields below; 0 where not matched
    month: np.ndarray
    day: np.ndarray
    hour: np.ndarray
    minute: np.ndarray
    second: np.ndarray
    micro: np.ndarray
    has_time: np.ndarray  # bool: a time of day was written
    has_offset: np.ndarray  # bool: a UTC offset was written
    offset_min: np.ndarray  # int32 minutes east of UTC
    serial_us: np.ndarray  # int64 naive microseconds since 1970 for Excel serials
    is_serial: np.ndarray  # bool

    @classmethod
    def empty(cls, n: int) -> _Parts:
        def z() -> np.ndarray:
            return np.zeros(n, dtype=np.int32)

        def f() -> np.ndarray:
            return np.zeros(n, dtype=bool)

        serial_us = np.zeros(n, dtype=np.int64)
        return cls(f(), z(), z(), z(), z(), z(), z(), z(), f(), f(), z(), serial_us, f())


# --------------------------------------------------------------------------------------------
# Input conversion
# --------------------------------------------------------------------------------------------


def _as_arrow(values: pd.Series | Sequence[str]) -> pa.Array:
    """The values as one Arrow (large_)string array without nulls (missing becomes "")."""
    arr = (
        values
        if isinstance(values, pa.Array | pa.ChunkedArray)
        else pa.array(values, from_pandas=True)
    )
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if pa.types.is_null(arr.type):
        arr = arr.cast(pa.string())
    elif pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_string_view(arr.type):
        arr = arr.cast(pa.large_string())
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        raise TypeError(f"expected a Series of strings, got values of Arrow type {arr.type}")
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    return arr


def _lengths(arr: pa.Array) -> np.ndarray:
    """Byte length of every string, as int64."""
    return np.asarray(pc.binary_length(arr).to_numpy(zero_copy_only=False), dtype=np.int64)


def _bad(arr: pa.Array, ok: np.ndarray) -> np.ndarray:
    """Values that did not parse, less the missing ones (empty or only whitespace)."""
    bad = ~ok & (_lengths(arr) > 0)
    if bad.any():
        idx = np.flatnonzero(bad)
        blank = pc.utf8_is_space(arr.take(pa.array(idx))).to_numpy(zero_copy_only=False)
        bad[idx[np.asarray(blank, dtype=bool)]] = False
    return bad


def _byte_matrix(arr: pa.Array, width: int) -> np.ndarray:
    """The bytes of an array whose strings are all ``width`` bytes long, as a (n, width) matrix."""
    n = len(arr)
    if n == 0:
        return np.zeros((0, width), dtype=np.uint8)
    _, offsets_buf, data_buf = arr.buffers()
    offset_type = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    start = int(
        np.frombuffer(
            offsets_buf,
            dtype=offset_type,
            count=1,
            offset=arr.offset * np.dtype(offset_type).itemsize,
        )[0]
    )
    flat = np.frombuffer(data_buf, dtype=np.uint8, count=n * width, offset=start)
    return flat.reshape(n, width)


def _digits(mat: np.ndarray, positions: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The number written at byte ``positions`` of each row, and whether they are all digits."""
    value = np.zeros(mat.shape[0], dtype=np.int32)
    ok = np.ones(mat.shape[0], dtype=bool)
    for p in positions:
        d = mat[:, p] - _DIGIT  # uint8 arithmetic: a non-digit wraps around to >= 10
        ok &= d < 10
        value *= 10
        value += d
    return value, ok


# --------------------------------------------------------------------------------------------
# Breaking strings into date-time fields
# --------------------------------------------------------------------------------------------


_FAST_WIDTHS = (19, 10, 20, 23, 25, 16, 8, 21, 22, 24, 26, 27, 28, 29)
"""Value lengths the fixed-width fast path tries (most common first); others go to the regex."""


def _fast_fixed(mat: np.ndarray, width: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Decode the fixed-width layouts; returns (matched mask, fields) for the rows of ``mat``.

    Layouts: ``20240305`` (8), ``2024-03-05`` (10, also with ``/`` or ``.``), + ``T14:30`` (16),
    + ``:00`` (19), and after the seconds either a fraction (``.5`` to ``.123456789``) or a zone
    (``Z``, ``+08``, ``+0800``, ``+08:00``). Rows that do not fit fall through to the regex.
    """
    fields: dict[str, np.ndarray] = {}
    if width == 8:  # 20240305
        fields["year"], ok = _digits(mat, range(4))
        fields["month"], ok2 = _digits(mat, (4, 5))
        fields["day"], ok3 = _digits(mat, (6, 7))
        return ok & ok2 & ok3, fields
    # 2024-03-05, 2024/03/05, 2024.03.05 (+ T14:30 or T14:30:00, T or space)
    fields["year"], ok = _digits(mat, range(4))
    m, ok2 = _digits(mat, (5, 6))
    d, ok3 = _digits(mat, (8, 9))
    fields["month"], fields["day"] = m, d
    separator = mat[:, 4]
    ok &= ok2 & ok3 & (separator == mat[:, 7])
    ok &= (separator == ord("-")) | (separator == ord("/")) | (separator == ord("."))
    if width >= 16:
        fields["hour"], ok4 = _digits(mat, (11, 12))
        fields["minute"], ok5 = _digits(mat, (14, 15))
        ok &= ok4 & ok5 & ((mat[:, 10] == ord("T")) | (mat[:, 10] == ord(" ")))
        ok &= mat[:, 13] == ord(":")
    if width >= 19:
        fields["second"], ok6 = _digits(mat, (17, 18))
        ok &= ok6 & (mat[:, 16] == ord(":"))
    if width >= 20:
        ok &= _fast_suffix(mat, width, fields)
    return ok, fields


def _fast_suffix(mat: np.ndarray, width: int, fields: dict[str, np.ndarray]) -> np.ndarray:
    """Decode what follows ``HH:MM:SS`` (a fraction or a zone) into ``fields``; returns ok."""
    n = mat.shape[0]
    lead = mat[:, 19]
    ok = np.zeros(n, dtype=bool)
    digits = width - 20
    if 1 <= digits <= 9:  # .5 ... .123456789
        value, all_digits = _digits(mat, range(20, width))
        if digits <= 6:
            value *= 10 ** (6 - digits)
        else:
            value //= 10 ** (digits - 6)
        fraction = all_digits & ((lead == ord(".")) | (lead == ord(",")))
        fields["micro"] = np.where(fraction, value, 0).astype(np.int32)
        ok |= fraction
    zone = np.zeros(n, dtype=bool)
    minutes = np.zeros(n, dtype=np.int32)
    if width == 20:  # Z
        zone = (lead == ord("Z")) | (lead == ord("z"))
    elif width in (22, 24, 25):  # +08, +0800, +08:00
        hh, zone = _digits(mat, (20, 21))
        mm = np.zeros(n, dtype=np.int32)
        if width == 24:
            mm, ok_mm = _digits(mat, (22, 23))
            zone &= ok_mm
        elif width == 25:
            mm, ok_mm = _digits(mat, (23, 24))
            zone &= ok_mm & (mat[:, 22] == ord(":"))
        zone &= (lead == ord("+")) | (lead == ord("-"))
        minutes = np.where(lead == ord("-"), -1, 1) * (hh * 60 + mm)
        minutes[mm >= 60] = 10 * _MAX_OFFSET_MINUTES  # rejected by validation
        minutes = minutes.astype(np.int32)
    if zone.any():
        fields["has_offset"] = zone
        fields["offset_min"] = np.where(zone, minutes, 0).astype(np.int32)
        ok |= zone
    return ok


def _column(values: pa.Array) -> np.ndarray:
    return np.asarray(values.to_numpy(zero_copy_only=False))


def _regex_parts(arr: pa.Array, excel: bool) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Parse arbitrary values with the general grammar; returns (matched, fields)."""
    n = len(arr)
    fields: dict[str, np.ndarray] = {}
    matched = np.asarray(_column(pc.match_substring_regex(arr, _DATE_TIME_RE)), dtype=bool)
    idx = np.flatnonzero(matched)
    if idx.size:
        sub = arr if idx.size == n else arr.take(pa.array(idx))
        ext = pc.extract_regex(sub, _FIELDS_RE)

        def field(name: str) -> pa.Array:
            return pc.fill_null(ext.field(name), "")

        def as_int(text: pa.Array) -> np.ndarray:
            text = pc.if_else(pc.equal(text, ""), "0", text)
            return np.asarray(_column(pc.cast(text, pa.int32())), dtype=np.int32)

        def scatter(values: np.ndarray) -> np.ndarray:
            out = np.zeros(n, dtype=values.dtype)
            out[idx] = values
            return out

        fields["year"] = scatter(as_int(field("y")))
        fields["month"] = scatter(as_int(field("m")))
        fields["day"] = scatter(as_int(field("d")))
        hour = field("H")
        fields["has_time"] = scatter(np.asarray(_column(pc.not_equal(hour, "")), dtype=bool))
        fields["hour"] = scatter(as_int(hour))
        fields["minute"] = scatter(as_int(field("M")))
        fields["second"] = scatter(as_int(field("S")))
        fraction = pc.utf8_rpad(field("f"), width=9, padding="0")
        fields["micro"] = scatter(as_int(pc.utf8_slice_codeunits(fraction, 0, 6)))
        # Zone: "" (none), Z, +08, +0800 or +08:00.
        zone = field("z")
        fields["has_offset"] = scatter(np.asarray(_column(pc.not_equal(zone, "")), dtype=bool))
        digits = pc.replace_substring(zone, ":", "")
        sign = np.where(_column(pc.starts_with(digits, "-")), -1, 1)
        hh = as_int(pc.utf8_slice_codeunits(digits, 1, 3))
        mm = as_int(pc.utf8_slice_codeunits(digits, 3, 5))
        minutes = (sign * (hh * 60 + mm)).astype(np.int32)
        minutes[mm >= 60] = 10 * _MAX_OFFSET_MINUTES  # rejected by validation
        fields["offset_min"] = scatter(minutes)

    if excel:
        # Eight digits is a compact date (20240305); serials have at most five integer digits.
        serial = ~matched & np.asarray(
            _column(pc.match_substring_regex(arr, _EXCEL_SERIAL_RE)), dtype=bool
        )
        if serial.any():
            rows = np.flatnonzero(serial)
            numbers = pc.cast(pc.utf8_trim_whitespace(arr.take(pa.array(rows))), pa.float64())
            serial_us, serial_bad = parse_excel_serial(_column(numbers))
            keep = rows[~serial_bad]
            is_serial = np.zeros(n, dtype=bool)
            is_serial[keep] = True
            us = np.zeros(n, dtype=np.int64)
            us[keep] = serial_us[~serial_bad].astype(np.int64)
            fields["is_serial"] = is_serial
            fields["serial_us"] = us
            # A serial with a fraction has a time of day; a whole serial is a date.
            has_time = fields.get("has_time", np.zeros(n, dtype=bool))
            fields["has_time"] = np.where(is_serial, us % _US_PER_DAY != 0, has_time)
            matched = matched | is_serial
    return matched, fields


def _parse_parts(arr: pa.Array, excel: bool) -> _Parts:
    """Break every value into date-time fields: fixed-width fast paths, then the regex."""
    n = len(arr)
    parts = _Parts.empty(n)
    lengths = _lengths(arr)
    todo = lengths > 0
    for width in _FAST_WIDTHS:
        rows = lengths == width
        count = int(np.count_nonzero(rows))
        if count == 0:
            continue
        if count == n:  # the common case: one layout throughout, no scatter needed
            ok, fields = _fast_fixed(_byte_matrix(arr, width), width)
            for name, values in fields.items():
                setattr(parts, name, values)  # rows not ok are never read: matched is False
            parts.has_time[:] = width >= 16
            parts.matched = ok
            todo &= ~ok
            continue
        idx = np.flatnonzero(rows)
        ok, fields = _fast_fixed(_byte_matrix(arr.take(pa.array(idx)), width), width)
        sel = idx[ok]
        for name, values in fields.items():
            getattr(parts, name)[sel] = values[ok]
        if width >= 16:
            parts.has_time[sel] = True
        parts.matched[sel] = True
        todo[sel] = False
    rest = np.flatnonzero(todo)
    if rest.size:
        for spec in dataclasses.fields(parts):  # forget what a failed fast path left there
            getattr(parts, spec.name)[rest] = 0
        sub = arr if rest.size == n else arr.take(pa.array(rest))
        matched, fields = _regex_parts(sub, excel)
        sel = rest[matched]
        for name, values in fields.items():
            getattr(parts, name)[sel] = values[matched]
        parts.matched[sel] = True
    return parts


# Day number (since 1970-01-01) of the first day of every month from MIN_YEAR to MAX_YEAR + 1.
_MONTH_STARTS = (
    np.arange((MIN_YEAR - 1970) * 12, (MAX_YEAR + 1 - 1970) * 12 + 1)
    .astype("datetime64[M]")
    .astype("datetime64[D]")
    .astype(np.int64)
)


def _validate(parts: _Parts) -> tuple[np.ndarray, np.ndarray]:
    """Check the calendar; returns (ok mask, written calendar day as int64 days since 1970)."""
    month = np.clip(parts.month, 1, 12)
    month_index = (np.clip(parts.year, MIN_YEAR, MAX_YEAR) - MIN_YEAR) * 12 + (month - 1)
    first = _MONTH_STARTS[month_index]
    days_in_month = _MONTH_STARTS[month_index + 1] - first
    ok = (
        parts.matched
        & (parts.year >= MIN_YEAR)
        & (parts.year <= MAX_YEAR)
        & (parts.month >= 1)
        & (parts.month <= 12)
        & (parts.day >= 1)
        & (parts.day <= days_in_month)
        & (parts.hour < 24)
        & (parts.minute < 60)
        & (parts.second < 60)
        & (np.abs(parts.offset_min) <= _MAX_OFFSET_MINUTES)
    )
    day = first + parts.day - 1
    if parts.is_serial.any():
        serial = parts.is_serial
        serial_day = np.floor_divide(parts.serial_us[serial], _US_PER_DAY)
        day[serial] = serial_day
        year = serial_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        ok[serial] = (year >= MIN_YEAR) & (year <= MAX_YEAR)
    return ok, day


def _wall_clock_us(parts: _Parts, day: np.ndarray) -> np.ndarray:
    """Written local wall-clock time as int64 microseconds since 1970 (naive)."""
    seconds = parts.hour * 3600 + parts.minute * 60 + parts.second  # int32 suffices (< 86400)
    wall = day * _US_PER_DAY + seconds.astype(np.int64) * _US_PER_SECOND + parts.micro
    if parts.is_serial.any():
        wall[parts.is_serial] = parts.serial_us[parts.is_serial]
    return wall


# --------------------------------------------------------------------------------------------
# Public parsers
# --------------------------------------------------------------------------------------------


def parse_excel_serial(serials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convert Excel serial day numbers (1900 date system) to naive ``datetime64[us]``.

    Serial 1 is 1900-01-01. Excel counts a day 1900-02-29 that never existed, so serial 60 is
    bad and serials from 61 on are one day later than a plain count. A fractional part is the
    time of day, rounded to the millisecond (the precision Excel shows). Serials below 1,
    non-finite values and those past 2100-12-31 are bad.

    >>> import numpy as np
    >>> at, bad = parse_excel_serial(np.array([45356.0, 45356.5, 60.0, 59.0]))
    >>> [str(v) for v in at], bad.tolist()
    (['2024-03-05T00:00:00.000000', '2024-03-05T12:00:00.000000', 'NaT', \
'1900-02-28T00:00:00.000000'], [False, False, True, False])
    """
    values = np.asarray(serials, dtype=np.float64)
    finite = np.isfinite(values)
    safe = np.where(finite, values, 0.0)
    whole = np.floor(safe)
    bad = ~finite | (whole < 1) | (whole == 60) | (whole > 73415)
    ms = np.rint((safe - whole) * 86_400_000).astype(np.int64)
    # Serials 1..59 count from 1899-12-31; from 61 on (after the fictitious 1900-02-29), the
    # count runs from 1899-12-30.
    epoch = np.where(whole < 60, -25568, -25569).astype(np.int64)  # days of 1899-12-31/30
    days = np.where(bad, 0, whole).astype(np.int64) + epoch
    us = days * _US_PER_DAY + ms * 1000
    out = us.astype("datetime64[us]")
    out[bad] = np.datetime64("NaT")
    return out, bad


def parse_dates(values: pd.Series, *, excel: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Parse calendar dates; a date-time value yields the calendar date as written.

    Returns ``(dates, bad)``: ``datetime64[D]`` with NaT where missing or bad, and the mask of
    values that are present but unparseable. With ``excel=True`` (values read from ``.xlsx``),
    plain numbers of up to five integer digits are Excel serial dates.

    >>> import pandas as pd
    >>> d, bad = parse_dates(pd.Series(["20240305", "2024.3.5", "2024-03-05T23:30:00+08:00"]))
    >>> [str(x) for x in d], bad.tolist()
    (['2024-03-05', '2024-03-05', '2024-03-05'], [False, False, False])
    """
    arr = _as_arrow(values)
    parts = _parse_parts(arr, excel)
    ok, day = _validate(parts)
    bad = _bad(arr, ok)
    out = day.astype("datetime64[D]")
    out[~ok] = np.datetime64("NaT")
    return out, bad


def _localize(wall_us: np.ndarray, tz: str, *, start_of_day: bool) -> np.ndarray:
    """Naive local wall times (int64 us) in ``tz`` to naive UTC ``datetime64[us]`` (NaT if none).

    A wall time that does not exist (spring forward) or exists twice (fall back) gives NaT,
    except for a start of day (``start_of_day``): that is the first instant of the local date.
    """
    index = pd.DatetimeIndex(wall_us.astype("datetime64[us]"))
    if start_of_day:
        local = index.tz_localize(
            tz, ambiguous=np.ones(len(index), dtype=bool), nonexistent="shift_forward"
        )
    else:
        local = index.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    return np.asarray(local.tz_convert("UTC").tz_localize(None).as_unit("us").to_numpy())


def parse_timestamps(
    values: pd.Series, *, tz: str = "Asia/Shanghai", excel: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse instants; returns ``(utc, local_dates, bad)``.

    ``utc`` is naive ``datetime64[us]`` in UTC; ``local_dates`` is ``datetime64[D]``, the
    calendar date of the instant in ``tz``; both are NaT where missing or bad. A value without an
    offset is local time in ``tz``; a date without a time is the start of that local day. A
    local time that does not exist or is ambiguous in ``tz`` (a daylight-saving change) is bad,
    because the instant it names cannot be known.

    >>> import pandas as pd
    >>> utc, day, bad = parse_timestamps(pd.Series(["2024-03-05T01:30:00", "2024-03-04T20:00Z"]))
    >>> [str(x) for x in utc], [str(x) for x in day], bad.tolist()
    (['2024-03-04T17:30:00.000000', '2024-03-04T20:00:00.000000'], ['2024-03-05', '2024-03-05'], \
[False, False])
    """
    arr = _as_arrow(values)
    n = len(arr)
    parts = _parse_parts(arr, excel)
    ok, day = _validate(parts)
    wall = _wall_clock_us(parts, day)

    utc = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    local_day = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")

    with_offset = ok & parts.has_offset
    if with_offset.any():
        offset_us = parts.offset_min[with_offset].astype(np.int64) * 60 * _US_PER_SECOND
        instants = wall[with_offset] - offset_us
        utc[with_offset] = instants.astype("datetime64[us]")
        local = (
            pd.DatetimeIndex(instants.astype("datetime64[us]"))
            .tz_localize("UTC")
            .tz_convert(tz)
            .tz_localize(None)
        )
        local_day[with_offset] = np.asarray(local.to_numpy()).astype("datetime64[D]")

    for start_of_day in (False, True):
        rows = ok & ~parts.has_offset & (parts.has_time != start_of_day)
        if not rows.any():
            continue
        converted = _localize(wall[rows], tz, start_of_day=start_of_day)
        utc[rows] = converted
        days = np.floor_divide(wall[rows], _US_PER_DAY).astype("datetime64[D]")
        failed = np.isnat(converted)
        days[failed] = np.datetime64("NaT")
        local_day[rows] = days
        ok[np.flatnonzero(rows)[failed]] = False

    return utc, local_day, _bad(arr, ok)


def parse_decimals(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse plain decimal numbers to float64 (NaN where missing or bad) and a ``bad`` mask.

    Accepted: an optional sign, digits with an optional fraction (``1234``, ``1234.50``, ``.5``,
    ``-3``) and an optional exponent (``1e6``). Bad: thousands separators (``1,234``), currency
    signs, spaces inside the number, ``NaN``, ``inf``, and anything that overflows a float.

    >>> import pandas as pd
    >>> v, bad = parse_decimals(pd.Series(["1234.50", "", "1,234", "-.5"]))
    >>> v.tolist(), bad.tolist()
    ([1234.5, nan, nan, -0.5], [False, False, True, False])
    """
    arr = _as_arrow(values)
    n = len(arr)
    out = np.full(n, np.nan, dtype=np.float64)
    if n == 0:
        return out, np.zeros(0, dtype=bool)
    arr = pc.utf8_trim_whitespace(arr)
    present = _lengths(arr) > 0
    good = np.asarray(
        pc.match_substring_regex(arr, _DECIMAL_RE).to_numpy(zero_copy_only=False), dtype=bool
    )
    if good.all():
        numbers = np.asarray(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False))
        out[:] = numbers
    elif good.any():
        idx = np.flatnonzero(good)
        numbers = pc.cast(arr.take(pa.array(idx)), pa.float64()).to_numpy(zero_copy_only=False)
        out[idx] = numbers
    overflow = good & ~np.isfinite(out)
    out[overflow] = np.nan
    bad = present & (~good | overflow)
    return out, bad


def parse_enum(values: pd.Series, allowed: Sequence[str]) -> tuple[pd.Series, np.ndarray]:
    """Match values case-insensitively against ``allowed``; return canonical spellings and ``bad``.

    The result keeps the index of ``values``. A value that matches is replaced by its spelling
    in ``allowed``; a missing value stays ``""``; a value that matches nothing is left as it was
    and marked bad. Only case and surrounding whitespace are forgiven: ``bank transfer`` is not
    ``bank_transfer``.

    >>> import pandas as pd
    >>> v, bad = parse_enum(pd.Series(["Spouse", "", "cousin"]), ["spouse", "parent"])
    >>> v.tolist(), bad.tolist()
    (['spouse', '', 'cousin'], [False, False, True])
    """
    canonical = [str(a) for a in allowed]
    folded = [a.strip().lower() for a in canonical]
    if len(set(folded)) != len(folded):
        raise ValueError(f"allowed values differ only by case: {canonical}")
    arr = pc.utf8_trim_whitespace(_as_arrow(values))
    lowered = pc.utf8_lower(arr)
    # Fold both sides with the same function (Arrow's utf8_lower).
    keys = pc.utf8_lower(pa.array([a.strip() for a in canonical], arr.type))
    position = pc.index_in(lowered, value_set=keys)
    present = _lengths(arr) > 0
    found = np.asarray(position.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    bad = present & ~found
    normalized = pc.if_else(
        position.is_valid(),
        pc.take(pa.array(canonical, arr.type), pc.fill_null(position, 0)),
        arr,
    )
    result = normalized.to_pandas(types_mapper=_string_types_mapper)
    if isinstance(values, pd.Series):
        result.index = values.index
        result.name = values.name
    return result, bad


def _string_types_mapper(arrow_type: pa.DataType) -> pd.api.extensions.ExtensionDtype | None:
    """Map Arrow strings to pandas' default string dtype (Arrow-backed), zero-copy."""
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow", na_value=np.nan)
    return None
