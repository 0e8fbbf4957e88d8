"""Read one input table file (CSV, TSV, Parquet, XLSX) into a frame of stripped strings.

This is the lowest layer of the loaders: it finds the table files in an input directory and turns
each into a :class:`RawTable`, whose every value is a string (``""`` for empty or missing). It
never interprets a value: ``007`` stays ``007`` and ``NA`` stays ``NA``. Types are parsed later
(:mod:`clawback.loaders.parsing`), where a bad value becomes a quarantine record.

Row numbers
    ``RawTable.rows`` holds, for every frame row, its 1-based *data row number*: the position of
    the record among the file's data records, the header not counted. In CSV/TSV a record may
    span several lines (a quoted field with a line break) and counts once; empty lines are not
    records and are not counted, so the first record after the header is row 1 even when blank
    lines precede it. All three CSV readers below number rows identically. In XLSX,
    the row number is the sheet row minus the header's sheet row, so it matches what a user sees
    in Excel; fully empty sheet rows are skipped. Parquet rows are numbered 1..n.

CSV/TSV reading
    The encoding is detected (:func:`detect_encoding`): a byte-order mark first, then UTF-16
    without BOM (by its NUL-byte pattern), then strict UTF-8, then GB18030 (a superset of GBK and
    GB2312); large files are sampled (head and tail) and Arrow checks the rest as it reads.
    Standard quoting applies (quoted fields may hold delimiters, doubled quotes, line breaks).
    The file is parsed by Arrow's multithreaded CSV reader with every column forced to string.
    If a record has the wrong number of fields, Arrow reads the file again single-threaded,
    skipping and numbering such records: good records keep their true row numbers and each bad
    one is listed in ``RawTable.malformed``. Python's :mod:`csv` module is the last resort, for
    what Arrow cannot read and to tell whether a line break in the last record is a quote left
    open to the end of the file (that record then becomes malformed, not a giant value).

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> _ = (d / "persons.csv").write_bytes(b"person_id,name\\n007, Li Lei \\n008,NA\\n")
>>> raw = read_table("persons", d / "persons.csv")
>>> raw.encoding, raw.frame.to_dict("list"), raw.rows.tolist()
('utf-8', {'person_id': ['007', '008'], 'name': ['Li Lei', 'NA']}, [1, 2])
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from clawback.errors import InputFileError

__all__ = [
    "TABLE_SUFFIXES",
    "Malformed",
    "RawTable",
    "detect_encoding",
    "discover_tables",
    "read_table",
]

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".xlsx")
"""File suffixes (matched case-insensitively) that hold a table."""

_FULL_DETECTION_LIMIT = 64 << 20
"""Files up to this size are decoded in full to detect the encoding; larger files are sampled."""
_HEAD_SAMPLE = 4 << 20
_TAIL_SAMPLE = 1 << 20
_NUL_SAMPLE = 64 << 10
_HEADER_SAMPLE = 1 << 20

_UTF8 = ("utf-8", "utf-8-sig")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and legacy .xls files


@dataclass(frozen=True)
class Malformed:
    """A record that could not be split into the header's columns."""

    row: int
    """1-based data row number (see the module docstring)."""
    reason: str
    """Why, e.g. ``"expected 7 fields, found 9"``."""
    raw: str
    """The record as read, without its line terminator."""


@dataclass(frozen=True)
class RawTable:
    """One input table, read but not interpreted: every value is a stripped string."""

    table: str
    """Table name, e.g. ``"persons"``."""
    path: Path
    file_name: str
    """The file's name, e.g. ``"persons.csv"``: what reports and the quarantine show."""
    encoding: str | None
    """Detected text encoding of a CSV/TSV file (``"utf-8"``, ``"utf-8-sig"``, ``"gb18030"``,
    ``"utf-16"``, ``"utf-16-le"``, ``"utf-16-be"``); ``None`` for Parquet and XLSX."""
    frame: pd.DataFrame
    """One string column per header column, in file order; ``""`` for empty or missing."""
    rows: np.ndarray
    """int64 1-based data row numbers, aligned with ``frame``'s rows."""
    malformed: list[Malformed] = field(default_factory=list)
    """Records that could not be split into the header's columns (not in ``frame``)."""
    excel: bool = False
    """True for XLSX: date parsing then also accepts Excel serial numbers."""


# --------------------------------------------------------------------------------------------
# Finding the files
# --------------------------------------------------------------------------------------------


def discover_tables(directory: Path, tables: Iterable[str]) -> tuple[dict[str, Path], list[Path]]:
    """Map each table of ``tables`` present in ``directory`` to its file.

    A table ``NAME`` is held by ``NAME.csv``, ``NAME.tsv``, ``NAME.parquet`` or ``NAME.xlsx``
    (suffix in any case; the name itself must match exactly). Returns the map, in the order of
    ``tables``, and the sorted list of the directory's other files, which the loader ignores (and
    reports). Subdirectories are not listed.

    Raises :class:`InputFileError` if ``directory`` is not a directory or a table has more than
    one file (``persons.csv`` and ``persons.xlsx``): the loader cannot guess which one is meant.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InputFileError(f"{directory} is not a directory", file=str(directory))
    wanted = list(dict.fromkeys(tables))
    known = set(wanted)
    found: dict[str, list[Path]] = {}
    ignored: list[Path] = []
    try:
        entries = sorted(directory.iterdir())
    except OSError as e:
        raise InputFileError(f"cannot list {directory}: {e}", file=str(directory)) from e
    for entry in entries:
        if not entry.is_file():
            continue
        suffix = entry.suffix.lower()
        stem = entry.name[: -len(entry.suffix)] if entry.suffix else entry.name
        if suffix in TABLE_SUFFIXES and stem in known:
            found.setdefault(stem, []).append(entry)
        else:
            ignored.append(entry)
    for name, paths in found.items():
        if len(paths) > 1:
            names = " and ".join(p.name for p in paths)
            raise InputFileError(
                f"table {name!r} has {len(paths)} files ({names}); keep exactly one",
                file=paths[0].name,
            )
    return {name: found[name][0] for name in wanted if name in found}, ignored


def read_table(table: str, path: Path) -> RawTable:
    """Read the file of one table; the format follows the suffix (see the module docstring).

    Raises :class:`InputFileError` naming the file (and the column, where one is at fault) when
    the file cannot be read at all: unreadable, empty, undecodable, not a valid Parquet/XLSX
    file, encrypted, a duplicate column name, or data under an empty column name.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_delimited(table, path, ",")
    if suffix == ".tsv":
        return _read_delimited(table, path, "\t")
    if suffix == ".parquet":
        return _read_parquet(table, path)
    if suffix == ".xlsx":
        return _read_xlsx(table, path)
    raise InputFileError(
        f"{path.name}: unsupported file type {path.suffix!r} (expected one of "
        f"{', '.join(TABLE_SUFFIXES)})",
        file=path.name,
    )


# --------------------------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------------------------


def _utf16_without_bom(sample: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` if NUL bytes sit at one parity only, as in UTF-16 text."""
    sample = sample[: _NUL_SAMPLE - (_NUL_SAMPLE % 2)]
    pairs = len(sample) // 2
    if pairs == 0:
        return None
    even = sample[0 : 2 * pairs : 2].count(0)
    odd = sample[1 : 2 * pairs : 2].count(0)
    if odd * 10 >= pairs and even * 4 <= odd:
        return "utf-16-le"  # ASCII "a" is 61 00
    if even * 10 >= pairs and odd * 4 <= even:
        return "utf-16-be"
    return None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        codecs.decode(data, encoding, "strict")
    except (UnicodeDecodeError, ValueError):
        return False
    return True


# CJK ideographs, their punctuation and full-width forms
_CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")
# what a short GBK text read as UTF-8 turns into and real text hardly holds: control codes,
# phonetic and combining marks, archaic or non-Russian Cyrillic, Armenian, Hebrew, Arabic...
# (Latin letters and symbols, Greek and Russian stay likely: European names, "m²")
_UNLIKELY = re.compile("[\u0080-\u009f\u0250-\u036f\u0460-\u2fff]")


def _gbk_read_as_utf8(data: bytes) -> bool:
    """Whether bytes that are valid UTF-8 are rather GBK: short GBK texts can be valid UTF-8
    (鲁迅 is C2B3 D1B8: '³Ѹ'). Yes when the UTF-8 reading holds no CJK character but some
    unlikely one, and the GB18030 reading's every non-ASCII character is CJK."""
    if data.isascii():
        return False
    text = data.decode("utf-8")
    if _CJK.search(text) or not _UNLIKELY.search(text):
        return False
    try:
        gbk = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = [c for c in gbk if ord(c) > 0x7F]
    return bool(wide) and all(_CJK.match(c) for c in wide)


def detect_encoding(data: bytes, *, file: str | None = None) -> str:
    """Name the text encoding of a CSV/TSV file's bytes; the whole of ``data`` must decode.

    Order: a byte-order mark (UTF-8 → ``"utf-8-sig"``, UTF-16 LE/BE → ``"utf-16"``); UTF-16
    without BOM when NUL bytes fall at one byte parity (→ ``"utf-16-le"``/``"utf-16-be"``);
    strict UTF-8 (→ ``"utf-8"``, which covers plain ASCII), unless its reading is the gibberish
    a short GBK text gives and the GB18030 reading is Chinese (:func:`_gbk_read_as_utf8`);
    GB18030 (→ ``"gb18030"``, a superset of GBK and GB2312). The result is a Python codec name.

    Raises :class:`InputFileError` (naming ``file``) if none of them decodes the bytes.

    >>> detect_encoding("姓名".encode("gbk")), detect_encoding("姓名".encode("utf-8"))
    ('gb18030', 'utf-8')
    >>> detect_encoding("鲁迅".encode("gbk")), detect_encoding("José Müller".encode("utf-8"))
    ('gb18030', 'utf-8')
    """
    candidates: list[str]
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        utf16 = _utf16_without_bom(data)
        candidates = [utf16] if utf16 else []
        candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        if _decodes(data, encoding):
            if encoding == "utf-8" and _gbk_read_as_utf8(data):
                return "gb18030"
            return encoding
    name = file or "the data"
    raise InputFileError(
        f"{name} cannot be decoded as UTF-8, UTF-16 or GB18030; save it in one of these encodings",
        file=file,
    )


def _sample_is_utf8(head: bytes, tail: bytes) -> bool:
    """Whether a large file's first and last bytes are valid UTF-8 (character boundaries kept)."""
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
        start = 0
        while start < min(4, len(tail)) and 0x80 <= tail[start] <= 0xBF:
            start += 1  # skip the continuation bytes of a character cut by the sample start
        tail[start:].decode("utf-8", "strict")
    except UnicodeDecodeError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# CSV / TSV
# --------------------------------------------------------------------------------------------


@dataclass
class _Source:
    """A delimited file's content: UTF-8 bytes in memory, or the path of a large UTF-8 file."""

    encoding: str
    utf8: bytes | None  # None: read the file itself (large, sampled as UTF-8)
    text: str | None = None  # the decoded text, when it was decoded anyway


def _load_source(path: Path, name: str) -> _Source:
    """Detect the encoding, decoding in full only when needed (small files, non-UTF-8 files)."""
    try:
        size = path.stat().st_size
        if size == 0:
            raise InputFileError(f"{name} is empty", file=name)
        if size > _FULL_DETECTION_LIMIT:
            with path.open("rb") as fh:
                head = fh.read(_HEAD_SAMPLE)
                fh.seek(max(size - _TAIL_SAMPLE, len(head)))
                tail = fh.read()
            bom = head.startswith(codecs.BOM_UTF8)
            if (
                not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
                and _utf16_without_bom(head) is None
                and _sample_is_utf8(head, tail)
            ):
                return _Source("utf-8-sig" if bom else "utf-8", None)
        data = path.read_bytes()
    except OSError as e:
        raise InputFileError(f"{name} cannot be read: {e}", file=name) from e
    return _decode_source(data, name)


def _decode_source(data: bytes, name: str) -> _Source:
    encoding = detect_encoding(data, file=name)
    if encoding in _UTF8:
        return _Source(encoding, data)
    text = data.decode(encoding)
    return _Source(encoding, text.encode("utf-8"), text)


def _read_in_full(source: _Source, path: Path, name: str) -> _Source:
    """The source with its bytes in memory and the encoding checked on all of them."""
    if source.utf8 is not None:
        return source
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputFileError(f"{name} cannot be read: {e}", file=name) from e
    return _decode_source(data, name)


def _header_width(prefix: bytes, delimiter: str) -> int | None:
    """Number of fields in the first non-empty record of the text that starts with ``prefix``."""
    text = codecs.getincrementaldecoder("utf-8-sig")("replace").decode(prefix, final=False)
    for fields in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if fields:
            return len(fields)
    return None


def _read_delimited(table: str, path: Path, delimiter: str) -> RawTable:
    name = path.name
    source = _load_source(path, name)
    if source.utf8 is not None:
        prefix = source.utf8[:_HEADER_SAMPLE]
    else:
        with path.open("rb") as fh:
            prefix = fh.read(_HEADER_SAMPLE)
    width = _header_width(prefix, delimiter)
    if width is None:
        raise InputFileError(f"{name} has no header row (it holds only empty lines)", file=name)

    read = _read_delimited_arrow(source, path, delimiter, width, tolerant=False)
    if read == "ragged":
        # Records with a wrong field count: Arrow again, single-threaded, skipping and
        # numbering them (still much faster than the csv module).
        read = _read_delimited_arrow(source, path, delimiter, width, tolerant=True)
    if read == "bad-utf8" and source.utf8 is None:
        # A large file whose samples looked like UTF-8 but whose body is not: decode in full.
        source = _read_in_full(source, path, name)
        read = _read_delimited_arrow(source, path, delimiter, width, tolerant=True)
    if isinstance(read, _ArrowRead) and not read.ends_with_line_break():
        return _finish(
            table,
            path,
            source.encoding,
            read.header,
            read.columns,
            read.rows,
            read.malformed,
            excel=False,
        )
    # The csv module: for what Arrow cannot read, and to check a line break in the last record,
    # which may be a quote left open to the end of the file (only the raw text can tell).
    source = _read_in_full(source, path, name)  # checks the encoding on every byte
    text = source.text if source.text is not None else (source.utf8 or b"").decode("utf-8-sig")
    header, columns, rows, malformed = _read_delimited_python(text, delimiter, name)
    return _finish(table, path, source.encoding, header, columns, rows, malformed, excel=False)


@dataclass
class _ArrowRead:
    """What Arrow's CSV reader made of a file."""

    header: list[str]
    columns: list[pa.ChunkedArray]
    rows: np.ndarray
    malformed: list[Malformed]

    def ends_with_line_break(self) -> bool:
        """Whether a value of the last good record holds a line break."""
        return any(len(col) and any(c in col[-1].as_py() for c in "\r\n") for col in self.columns)


def _read_delimited_arrow(
    source: _Source, path: Path, delimiter: str, width: int, *, tolerant: bool
) -> _ArrowRead | str:
    """Arrow's CSV reader, or why it cannot take the file as it is.

    Not ``tolerant``: multithreaded; a record with a wrong field count stops it (``"ragged"``).
    ``tolerant``: single-threaded, so that Arrow numbers the records it skips (the 1-based record
    index, header included and empty lines not, which is our data row + 1); each skipped record
    becomes a :class:`Malformed`. Other reasons: ``"bad-utf8"`` (bytes that are not UTF-8) and
    ``"fallback"`` (anything else; the csv module will read the file).
    """
    invalid: list[tuple[int | None, int, int, str]] = []

    def skip(row: Any) -> str:
        invalid.append((row.number, row.expected_columns, row.actual_columns, row.text))
        return "skip"

    read_options = pa_csv.ReadOptions(use_threads=not tolerant, autogenerate_column_names=True)
    parse_options = pa_csv.ParseOptions(
        delimiter=delimiter,
        quote_char='"',
        double_quote=True,
        escape_char=False,
        newlines_in_values=True,
        ignore_empty_lines=True,
        invalid_row_handler=skip if tolerant else None,
    )
    convert_options = pa_csv.ConvertOptions(
        column_types={f"f{i}": pa.large_string() for i in range(width)},  # what pandas keeps
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        check_utf8=True,
    )
    input_file: Any = pa.BufferReader(source.utf8) if source.utf8 is not None else str(path)
    try:
        read = pa_csv.read_csv(
            input_file,
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
    except pa.ArrowInvalid as e:
        if "invalid UTF8" in str(e):
            return "bad-utf8"
        return "ragged" if not tolerant and "Expected" in str(e) else "fallback"
    except OSError as e:
        raise InputFileError(f"{path.name} cannot be read: {e}", file=path.name) from e
    if read.num_rows == 0 or not all(pa.types.is_large_string(t) for t in read.schema.types):
        return "fallback"
    header = [col[0].as_py() for col in read.columns]
    columns = list(read.slice(1).columns)
    good = read.num_rows - 1
    records = good + len(invalid)  # data records: good and skipped
    numbers = [number for number, *_ in invalid]
    if any(n is None for n in numbers):
        return "fallback"
    bad_rows = np.asarray(numbers, dtype=np.int64) - 1  # the header is record 1
    if bad_rows.size and (
        bad_rows[0] < 1 or bad_rows[-1] > records or (np.diff(bad_rows) <= 0).any()
    ):
        return "fallback"  # not the numbering we rely on: let the csv module count
    rows = np.setdiff1d(np.arange(1, records + 1, dtype=np.int64), bad_rows, assume_unique=True)
    malformed = [
        Malformed(int(row), f"expected {expected} fields, found {actual}", text)
        for row, (_, expected, actual, text) in zip(bad_rows, invalid, strict=True)
    ]
    return _ArrowRead(header, columns, rows, malformed)


def _records(text: str, delimiter: str) -> Iterator[tuple[list[str], str]]:
    """Yield each CSV record with its raw text (line terminator removed)."""
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    for fields in csv.reader(lines(), delimiter=delimiter, quotechar='"', doublequote=True):
        raw = "".join(consumed)
        consumed.clear()
        if raw.endswith("\r\n"):
            raw = raw[:-2]
        elif raw.endswith(("\n", "\r")):
            raw = raw[:-1]
        yield fields, raw


def _ends_in_open_quote(raw: str, delimiter: str) -> bool:
    """Whether a record's raw text ends inside a quoted field (a quote never closed)."""
    in_quotes = False
    at_field_start = True
    i = 0
    while i < len(raw):
        ch = raw[i]
        if in_quotes:
            if ch == '"':
                if i + 1 < len(raw) and raw[i + 1] == '"':
                    i += 1
                else:
                    in_quotes = False
        elif ch == '"' and at_field_start:
            in_quotes = True
        at_field_start = not in_quotes and ch in (delimiter, "\n", "\r")
        i += 1
    return in_quotes


def _read_delimited_python(
    text: str, delimiter: str, name: str
) -> tuple[list[str], list[pa.Array], np.ndarray, list[Malformed]]:
    """Python's csv module: slower, but keeps going past records with a wrong field count."""
    header: list[str] | None = None
    good: list[list[str]] = []
    rows: list[int] = []
    malformed: list[Malformed] = []
    row = 0
    last: tuple[list[str], str, int] | None = None
    limit = csv.field_size_limit()
    try:
        # Arrow has no limit on a field's size; neither may this reader (restored below).
        csv.field_size_limit(max(limit, len(text) + 1))
        for fields, raw in _records(text, delimiter):
            if not fields:
                continue  # an empty line is not a record
            if header is None:
                header = fields
                continue
            row += 1
            last = (fields, raw, row)
            if len(fields) == len(header):
                good.append(fields)
                rows.append(row)
            else:
                reason = f"expected {len(header)} fields, found {len(fields)}"
                malformed.append(Malformed(row, reason, raw))
    except csv.Error as e:
        raise InputFileError(f"{name}: cannot parse data row {row + 1}: {e}", file=name) from e
    finally:
        csv.field_size_limit(limit)
    if header is None:
        raise InputFileError(f"{name} has no header row (it holds only empty lines)", file=name)
    if last is not None and _ends_in_open_quote(last[1], delimiter):
        fields, raw, last_row = last
        if rows and rows[-1] == last_row:
            good.pop()
            rows.pop()
            malformed.append(
                Malformed(
                    last_row, "a quoted field is never closed (runs to the end of the file)", raw
                )
            )
    columns = [pa.array(list(col), pa.string()) for col in zip(*good, strict=True)]
    if not good:
        columns = [pa.array([], pa.string()) for _ in header]
    return header, columns, np.asarray(rows, dtype=np.int64), malformed


# --------------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------------


def _read_parquet(table: str, path: Path) -> RawTable:
    name = path.name
    try:
        with pq.ParquetFile(path) as parquet:
            data = parquet.read()  # (unlike pq.read_table, keeps duplicate names to report)
    except (pa.ArrowException, OSError) as e:
        raise InputFileError(f"{name} cannot be read as Parquet: {e}", file=name) from e
    columns = [
        _canonical_strings(column, name, column_name)
        for column, column_name in zip(data.columns, data.column_names, strict=True)
    ]
    rows = np.arange(1, data.num_rows + 1, dtype=np.int64)
    return _finish(table, path, None, list(data.column_names), columns, rows, [], excel=False)


def _canonical_strings(
    column: pa.ChunkedArray | pa.Array, file: str, name: str
) -> pa.Array | pa.ChunkedArray:
    """Render a typed Arrow column as canonical strings, vectorized; nulls become ``""``.

    Integers and decimals as their exact digits, floats in shortest round-trip form (Arrow's:
    ``1234.0`` → ``"1234"``, ``1e20`` → ``"1e+20"``), dates ``YYYY-MM-DD``, timestamps ISO 8601
    (``T`` separator, fraction only when non-zero, ``+08:00``-style offset when tz-aware),
    booleans ``true``/``false``.
    """
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    try:
        if pa.types.is_null(kind):
            out = pa.nulls(len(column), pa.large_string())  # all missing: "" below
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            out = column
        elif pa.types.is_string_view(kind):
            out = column.cast(pa.large_string())
        elif pa.types.is_float16(kind):
            out = column.cast(pa.float32()).cast(pa.string())
        elif (
            pa.types.is_boolean(kind)
            or pa.types.is_integer(kind)
            or pa.types.is_floating(kind)
            or pa.types.is_decimal(kind)
            or pa.types.is_date32(kind)
            or pa.types.is_time(kind)
        ):
            out = column.cast(pa.string())
        elif pa.types.is_date64(kind):
            out = column.cast(pa.date32()).cast(pa.string())
        elif pa.types.is_timestamp(kind):
            out = _format_timestamps(column)
        elif (
            pa.types.is_binary(kind)
            or pa.types.is_large_binary(kind)
            or pa.types.is_fixed_size_binary(kind)
        ):
            out = column.cast(pa.large_binary()).cast(pa.large_string())
        elif pa.types.is_nested(kind):
            out = _nested_text(column)
        else:
            raise InputFileError(
                f"{file}: column {name!r} has Arrow type {kind}, which is not a plain value",
                file=file,
                column=name,
            )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        raise InputFileError(
            f"{file}: column {name!r} ({kind}) cannot be read as text: {e}", file=file, column=name
        ) from e
    return pc.fill_null(out, "")


_UNITS_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


def _padded(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width=width, padding="0")


def _nested_text(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A list, struct or map column as text: a list of plain values joined by ``;`` (the
    contract's form for several phones), anything else as JSON. Value by value in Python:
    nested columns are rare and mostly extra ones."""

    def text(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, list) and not any(isinstance(v, (list, dict, tuple))
                                               for v in value):
            return ";".join("" if v is None else str(v) for v in value)
        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)

    return pa.array([text(v) for v in column.to_pylist()], pa.large_string())


def _format_timestamps(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """ISO 8601 text of an Arrow timestamp column (local wall time + offset if tz-aware)."""
    kind = column.type
    flat = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    valid = np.asarray(flat.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    ticks = np.asarray(
        pc.fill_null(flat.cast(pa.int64()), 0).to_numpy(zero_copy_only=False), dtype=np.int64
    )
    per_second = _UNITS_PER_SECOND[kind.unit]
    local = ticks
    if kind.tz is not None:
        index = pd.DatetimeIndex(ticks.astype(f"datetime64[{kind.unit}]"))
        wall = index.tz_localize("UTC").tz_convert(kind.tz).tz_localize(None)
        local = np.asarray(wall.as_unit(kind.unit).asi8, dtype=np.int64)
    seconds = np.floor_divide(local, per_second)
    fraction = local - seconds * per_second
    text = pc.cast(pa.array(seconds.astype("datetime64[s]")), pa.string())  # "YYYY-MM-DD HH:MM:SS"
    parts = [pc.utf8_replace_slice(text, 10, 11, "T")]
    if per_second > 1:
        digits = len(str(per_second)) - 1
        frac = pc.utf8_rtrim(_padded(fraction, digits), characters="0")
        parts.append(
            pc.if_else(pa.array(fraction == 0), "", pc.binary_join_element_wise(".", frac, ""))
        )
    if kind.tz is not None:
        offset = np.floor_divide(local - ticks, per_second) // 60  # minutes east of UTC
        sign = pa.array(np.where(offset < 0, "-", "+"))
        magnitude = np.abs(offset)
        parts.append(
            pc.binary_join_element_wise(
                sign, _padded(magnitude // 60, 2), ":", _padded(magnitude % 60, 2), ""
            )
        )
    joined = pc.binary_join_element_wise(*parts, "")
    return pc.if_else(pa.array(valid), joined, "")


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """Canonical text of an openpyxl cell value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)  # timedelta, Decimal, ...


def _read_xlsx(table: str, path: Path) -> RawTable:
    import openpyxl  # heavy import: only when an .xlsx file is read
    from openpyxl.utils.exceptions import InvalidFileException

    name = path.name
    try:
        with path.open("rb") as fh:
            magic = fh.read(len(_OLE_MAGIC))
    except OSError as e:
        raise InputFileError(f"{name} cannot be read: {e}", file=name) from e
    if not magic:
        raise InputFileError(f"{name} is empty", file=name)
    if magic == _OLE_MAGIC:
        raise InputFileError(
            f"{name} is password-protected (or an old .xls file saved as .xlsx); save it "
            "unprotected as .xlsx",
            file=name,
        )
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as e:
        raise InputFileError(f"{name} is not a readable .xlsx file: {e}", file=name) from e
    try:
        if not workbook.worksheets:
            raise InputFileError(f"{name} has no worksheet", file=name)
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # stored dimensions may be wrong: read every cell
        header: list[str] | None = None
        header_row = 0
        records: list[list[str]] = []
        rows: list[int] = []
        for sheet_row, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            texts = [_cell_text(v) for v in values]
            if not any(t.strip() for t in texts):
                continue  # fully empty rows are not records
            if header is None:
                header, header_row = texts, sheet_row
                continue
            records.append(texts)
            rows.append(sheet_row - header_row)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as e:
        raise InputFileError(f"{name} is not a readable .xlsx file: {e}", file=name) from e
    finally:
        workbook.close()
    if header is None:
        raise InputFileError(f"{name}: the first sheet is empty (no header row)", file=name)
    width = max([len(header), *(len(r) for r in records)])
    header = header + [""] * (width - len(header))
    columns = [
        pa.array([r[i] if i < len(r) else "" for r in records], pa.string()) for i in range(width)
    ]
    return _finish(
        table, path, None, header, columns, np.asarray(rows, dtype=np.int64), [], excel=True
    )


# --------------------------------------------------------------------------------------------
# Common finish: header checks, stripping, pandas
# --------------------------------------------------------------------------------------------


def _string_dtype() -> pd.api.extensions.ExtensionDtype:
    """pandas' default string dtype (Arrow-backed, NaN as missing marker)."""
    try:
        return pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3
        return pd.StringDtype("pyarrow")


def _finish(
    table: str,
    path: Path,
    encoding: str | None,
    header: list[str],
    columns: list[pa.Array] | list[pa.ChunkedArray],
    rows: np.ndarray,
    malformed: list[Malformed],
    *,
    excel: bool,
) -> RawTable:
    """Check the header, strip every value and build the :class:`RawTable`."""
    name = path.name
    dtype = _string_dtype()
    frame_columns: dict[str, pd.Series] = {}
    for position, (raw_name, column) in enumerate(zip(header, columns, strict=True), start=1):
        column_name = raw_name.strip().lstrip("\ufeff").strip()
        if column.type != pa.large_string():
            column = column.cast(pa.large_string())
        values = pc.utf8_trim_whitespace(column)
        if not column_name:
            if not (len(values) and pc.any(pc.not_equal(values, "")).as_py()):
                continue  # an unnamed, empty column (e.g. trailing delimiters): nothing to keep
            column_name = f"column_{position}"  # kept as an extra column, named by place
        if column_name in frame_columns:
            raise InputFileError(
                f"{name}: duplicate column {column_name!r}", file=name, column=column_name
            )
        frame_columns[column_name] = values.to_pandas(types_mapper=lambda _t: dtype)
    frame = pd.DataFrame(frame_columns, index=pd.RangeIndex(len(rows)))
    if not frame_columns:
        frame = pd.DataFrame(index=pd.RangeIndex(len(rows)))
    return RawTable(
        table=table,
        path=path,
        file_name=name,
        encoding=encoding,
        frame=frame,
        rows=np.asarray(rows, dtype=np.int64),
        malformed=list(malformed),
        excel=excel,
    )
