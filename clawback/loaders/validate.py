"""Row-level validation of one input table: typed values out, quarantine records for the rest.

Everything here is vectorized over whole columns; Python only touches the (few) bad rows, to
write their reasons. The checks, in order: rows the reader could not split, missing required
values, unparseable or out-of-range values, table-specific rules, references to ids no table
defines, and finally duplicates (an exact repeat is counted, a conflicting repeat quarantined).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa

from clawback.graph.schema import SCHEMA, Column, InputTable, Schema
from clawback.loaders.parsing import (
    MAX_YEAR,
    MIN_YEAR,
    parse_dates,
    parse_decimals,
    parse_enum,
    parse_timestamps,
)
from clawback.loaders.readers import RawTable
from clawback.loaders.sets import all_distinct, is_in

__all__ = ["QUARANTINE_COLUMNS", "Issues", "ValidTable", "validate_table"]

QUARANTINE_COLUMNS = ["table", "row", "column", "reason", "raw", "file"]


@dataclass
class Issues:
    """Problems found in one table, keyed by position in the raw frame."""

    positions: list[np.ndarray] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    reasons: list[list[str]] = field(default_factory=list)

    def add(self, positions: np.ndarray, column: str, reasons: list[str] | str) -> None:
        positions = np.asarray(positions, dtype=np.int64)
        if not len(positions):
            return
        if isinstance(reasons, str):
            reasons = [reasons] * len(positions)
        self.positions.append(positions)
        self.columns.append(column)
        self.reasons.append(list(reasons))

    def bad_positions(self) -> np.ndarray:
        if not self.positions:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate(self.positions))

    def records(self, raw: RawTable) -> pd.DataFrame:
        """One quarantine record per bad row; several problems of a row are joined by '; ',
        in the order of the columns."""
        if not self.positions:
            return pd.DataFrame(columns=QUARANTINE_COLUMNS)
        parts = [
            pd.DataFrame({"pos": pos, "column": col, "reason": reasons})
            for pos, col, reasons in zip(self.positions, self.columns, self.reasons, strict=True)
        ]
        issues = pd.concat(parts, ignore_index=True)
        order = {c: i for i, c in enumerate(raw.frame.columns)}
        issues["order"] = issues["column"].map(order).fillna(len(order))
        issues = issues.sort_values(["pos", "order"], kind="stable")
        grouped = issues.groupby("pos", sort=True).agg(
            column=("column", lambda s: ";".join(dict.fromkeys(s))),
            reason=("reason", lambda s: "; ".join(s)),
        )
        pos = grouped.index.to_numpy()
        header = list(raw.frame.columns)
        values = raw.frame.iloc[pos].to_numpy()
        raw_text = [json.dumps(dict(zip(header, v, strict=True)), ensure_ascii=False)
                    for v in values]
        return pd.DataFrame({
            "table": raw.table,
            "row": raw.rows[pos],
            "column": grouped["column"].to_numpy(),
            "reason": grouped["reason"].to_numpy(),
            "raw": raw_text,
            "file": raw.file_name,
        })


@dataclass
class ValidTable:
    """The rows of one table that can be trusted, typed, plus what was set aside."""

    raw: RawTable
    data: pd.DataFrame          # typed columns of the good rows; "_pos" and "_row" columns
    quarantine: pd.DataFrame    # QUARANTINE_COLUMNS
    duplicates: int
    extra_columns: list[str]
    # the ids of quarantined rows (keyed tables), for the reason of a reference to one
    rejected_keys: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))

    @property
    def name(self) -> str:
        return self.raw.table

    read: int = 0

    def __post_init__(self) -> None:
        self.read = len(self.raw.frame) + len(self.raw.malformed)

    def release_raw(self) -> None:
        """Drop the raw text rows once validated: the quarantine already quotes what it needs."""
        self.raw = replace(self.raw, frame=_empty_like(self.raw.frame))

    def release(self) -> None:
        """Drop the raw and typed rows once the graph elements are built (memory)."""
        self.release_raw()
        self.data = _empty_like(self.data)


def _empty_like(frame: pd.DataFrame) -> pd.DataFrame:
    """No rows, same columns and dtypes, sharing no buffer with ``frame`` (a zero-row slice of
    an Arrow-backed column would keep the whole column alive).

    >>> f = pd.DataFrame({"a": pd.Series(["x"], dtype="str"), "b": [1.5]})
    >>> e = _empty_like(f)
    >>> (len(e), list(e.dtypes) == list(f.dtypes))
    (0, True)
    """
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in frame.dtypes.items()},
                        columns=frame.columns)


KnownIds = Mapping[str, pa.Array]
"""Per keyed table, the ids that exist: good rows of this input plus what the store holds."""


def _fmt(values: pd.Series) -> list[str]:
    return [repr(v) for v in values.tolist()]


_YEAR = re.compile(r"\s*(\d{4})(?:\D|\d{4}(?:\D|$)|$)")


def _date_reasons(what: str, values: pd.Series) -> list[str]:
    """Why each bad date is bad: out of the accepted years (often a placeholder such as
    0001-01-01), else unparseable. Only the (few) bad values are looked at."""
    reasons = []
    for v in values.tolist():
        m = _YEAR.match(str(v))
        year = int(m.group(1)) if m else None
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            reasons.append(f"{what} {v!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")
        else:
            reasons.append(f"unparseable {what} {v!r}")
    return reasons


def _parse_column(
    column: Column, values: pd.Series, raw: RawTable, tz: str, issues: Issues,
    out: dict[str, object], schema: Schema,
) -> None:
    """Parse one column into ``out`` (typed), recording bad values in ``issues``."""
    name, kind = column.name, column.type
    present = (values != "").to_numpy()
    if kind in {"id", "string", "list"}:
        out[name] = values.where(present, None)
        return
    if kind == "date":
        parsed, bad = parse_dates(values, excel=raw.excel)
        out[name] = parsed
        issues.add(np.flatnonzero(bad), name, _date_reasons("date", values[bad]))
        return
    if kind == "timestamp":
        utc, local_date, bad = parse_timestamps(values, tz=tz, excel=raw.excel)
        out[name], out["date"] = utc, local_date
        issues.add(np.flatnonzero(bad), name, _date_reasons("date-time", values[bad]))
        return
    if kind in {"decimal", "fraction"}:
        number, bad = parse_decimals(values)
        out[name] = number
        issues.add(np.flatnonzero(bad), name,
                   [f"unparseable number {v}" for v in _fmt(values[bad])])
        ok = ~bad & present
        if kind == "fraction":
            rule, fails = "must be between 0 and 1", ok & ((number < 0) | (number > 1))
        elif column.positive:
            rule, fails = "must be positive", ok & (number <= 0)
        elif column.non_negative:
            rule, fails = "must not be negative", ok & (number < 0)
        else:
            return
        issues.add(np.flatnonzero(fails), name,
                   [f"{name} {v} {rule}" for v in _fmt(values[fails])])
        return
    if kind == "enum":
        allowed = schema.enums[column.enum or ""]
        normalized, bad = parse_enum(values, allowed)
        out[name] = normalized.where(present, None)
        issues.add(np.flatnonzero(bad), name,
                   [f"unknown {name} {v} (allowed: {', '.join(allowed)})"
                    for v in _fmt(values[bad])])
        return
    if kind == "currency":
        upper = values.str.upper()
        bad = present & ~upper.str.fullmatch(r"[A-Z]{3}").fillna(False).to_numpy(dtype=bool)
        out[name] = upper.where(present, None)
        issues.add(np.flatnonzero(bad), name,
                   [f"unknown currency {v} (a 3-letter ISO 4217 code)"
                    for v in _fmt(values[bad])])
        return
    raise AssertionError(f"unhandled column type {kind}")  # schema.py rejects other types


def validate_table(
    raw: RawTable,
    known: KnownIds,
    *,
    tz: str = "Asia/Shanghai",
    schema: Schema = SCHEMA,
    checks: Callable[[pd.DataFrame, pd.DataFrame, Issues], None] | None = None,
    dedupe_key: Callable[[pd.DataFrame, pd.DataFrame], tuple[pd.Series, pd.DataFrame]]
    | None = None,
    rejected: Mapping[str, pa.Array] | None = None,
) -> ValidTable:
    """Validate one raw table against the schema.

    ``known`` holds the ids each referenced table defines. ``checks`` adds table-specific
    problems (it sees the raw and the typed frames). ``dedupe_key(data, raw_good)`` gives the
    natural key of tables without an id column and the content that two rows with that key must
    share to be exact duplicates (default: the table's key column and the whole raw row).
    ``rejected``: the ids of the rows other tables quarantined (:attr:`ValidTable.rejected_keys`),
    named as such in the reason of a reference to one.
    """
    spec: InputTable = schema.inputs[raw.table]
    frame = raw.frame
    n = len(frame)
    issues = Issues()
    values: dict[str, pd.Series] = {}
    for column in spec.columns.values():
        series = frame[column.name] if column.name in frame else pd.Series([""] * n, dtype=str)
        if column.default is not None:
            series = series.mask(series == "", column.default)
        values[column.name] = series.reset_index(drop=True)
        if column.value_required:
            missing = np.flatnonzero((series == "").to_numpy())
            issues.add(missing, column.name, f"missing required value in {column.name}")

    typed: dict[str, object] = {}
    for column in spec.columns.values():
        _parse_column(column, values[column.name], raw, tz, issues, typed, schema)
    data = pd.DataFrame(typed)
    extra_columns = [c for c in frame.columns if c not in spec.columns]
    data["extra"] = _extra_json(frame, extra_columns)
    data["_pos"] = np.arange(n, dtype=np.int64)
    data["_row"] = raw.rows

    raw_values = pd.DataFrame(values)
    if checks is not None:
        checks(raw_values, data, issues)
    _check_references(spec, raw_values, known, issues, rejected or {})

    bad = issues.bad_positions()
    good = np.setdiff1d(np.arange(n), bad, assume_unique=True)
    rejected_keys = pa.array([], pa.string())
    if spec.key and len(bad):
        ids = raw_values[spec.key]
        rejected_keys = pa.array(ids.iloc[bad][~ids.iloc[bad].isin(ids.iloc[good])]
                                 .to_numpy(dtype=object), pa.string())
    data = data.iloc[good].reset_index(drop=True)
    raw_good = frame.iloc[good].reset_index(drop=True)

    duplicates = 0
    if dedupe_key is not None:
        key, content = dedupe_key(data, raw_good)
        data, duplicates = _dedupe(data, key, content, issues, spec.key or "row")
    elif spec.key:
        data, duplicates = _dedupe(data, data[spec.key], raw_good, issues, spec.key)

    quarantine = issues.records(raw)
    if raw.malformed:
        quarantine = pd.concat([quarantine, pd.DataFrame({
            "table": raw.table,
            "row": [m.row for m in raw.malformed],
            "column": "",
            "reason": [m.reason for m in raw.malformed],
            "raw": [m.raw for m in raw.malformed],
            "file": raw.file_name,
        })], ignore_index=True).sort_values("row", kind="stable", ignore_index=True)
    return ValidTable(raw=raw, data=data, quarantine=quarantine, duplicates=duplicates,
                      extra_columns=extra_columns, rejected_keys=rejected_keys)


def _extra_json(frame: pd.DataFrame, extra_columns: list[str]) -> pd.Series:
    """Unknown columns, kept per row as a JSON object (None when all are empty)."""
    if not extra_columns:
        return pd.Series([None] * len(frame), dtype="object")
    extras = frame[extra_columns].reset_index(drop=True)
    lines = extras.to_json(orient="records", lines=True, force_ascii=False).splitlines()
    empty = (extras == "").all(axis=1).to_numpy()
    values: list[str | None] = [None if e else line for e, line in zip(empty, lines, strict=True)]
    return pd.Series(values, dtype=object)


def _check_references(
    spec: InputTable, values: pd.DataFrame, known: KnownIds, issues: Issues,
    rejected: Mapping[str, pa.Array],
) -> None:
    for column in spec.columns.values():
        if not column.ref:
            continue
        series = values[column.name]
        present = (series != "").to_numpy()
        defined = np.zeros(len(series), dtype=bool)
        for table in column.ref:
            defined |= is_in(series, known[table])
        dangling = present & ~defined
        set_aside = np.zeros(len(series), dtype=bool)
        for table in column.ref:
            if table in rejected and len(rejected[table]):
                set_aside |= dangling & is_in(series, rejected[table])
        tables = " or ".join(column.ref)
        at = np.flatnonzero(dangling & ~set_aside)
        issues.add(at, column.name, [f"{column.name} {v} is not defined by any {tables} row"
                                     for v in _fmt(series.iloc[at])])
        at = np.flatnonzero(set_aside)
        issues.add(at, column.name, [f"{column.name} {v} is defined only by a quarantined "
                                     f"{tables} row" for v in _fmt(series.iloc[at])])


def _dedupe(
    data: pd.DataFrame, key: pd.Series, content: pd.DataFrame, issues: Issues, key_name: str
) -> tuple[pd.DataFrame, int]:
    """Drop exact repeats of a key (counted) and quarantine conflicting repeats."""
    key = key.reset_index(drop=True)
    if all_distinct(key):
        return data, 0  # the common case, decided by Arrow's hash kernel
    repeated = key.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return data, 0
    involved = np.flatnonzero(key.isin(key[repeated]).to_numpy())
    hashes = pd.util.hash_pandas_object(
        content.reset_index(drop=True).iloc[involved], index=False
    ).to_numpy()
    rows = data["_row"].to_numpy()
    first: dict[object, tuple[object, int]] = {}
    exact, conflict, reasons = [], [], []
    for pos, k, h in zip(involved, key.to_numpy()[involved], hashes, strict=True):
        if k not in first:
            first[k] = (h, int(rows[pos]))
        elif first[k][0] == h:
            exact.append(pos)
        else:
            conflict.append(pos)
            reasons.append(f"a second row for {key_name} {k!r} with different content "
                           f"(first in row {first[k][1]})")
    issues.add(data["_pos"].to_numpy()[conflict], key_name, reasons)
    keep = np.ones(len(data), dtype=bool)
    keep[exact + conflict] = False
    return data[keep].reset_index(drop=True), len(exact)
