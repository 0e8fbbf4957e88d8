"""Table readers: encodings, CSV quirks, malformed rows, Parquet and XLSX canonical strings."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clawback.errors import InputFileError
from clawback.loaders import readers
from clawback.loaders.readers import (
    Malformed,
    RawTable,
    detect_encoding,
    discover_tables,
    read_table,
)

PERSONS = "person_id,name,address\n007,张三,北京市朝阳区\n008,李四,NA\n"


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def as_lists(raw: RawTable) -> dict[str, list[str]]:
    return {name: raw.frame[name].tolist() for name in raw.frame.columns}


# ------------------------------------------------------------------------------------------
# Encodings
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PERSONS.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + PERSONS.encode("utf-8"), "utf-8-sig"),
        (PERSONS.encode("gb18030"), "gb18030"),
        (PERSONS.encode("gbk"), "gb18030"),
        (PERSONS.encode("gb2312"), "gb18030"),
        (PERSONS.encode("utf-16"), "utf-16"),
        (PERSONS.encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16"),
        (PERSONS.encode("utf-16-le"), "utf-16-le"),
        (PERSONS.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_csv_encodings(tmp_path: Path, data: bytes, expected: str) -> None:
    raw = read_table("persons", write(tmp_path / "persons.csv", data))
    assert raw.encoding == expected
    assert list(raw.frame.columns) == ["person_id", "name", "address"]  # no BOM in a name
    assert as_lists(raw) == {
        "person_id": ["007", "008"],
        "name": ["张三", "李四"],
        "address": ["北京市朝阳区", "NA"],
    }
    assert raw.rows.tolist() == [1, 2]
    assert raw.rows.dtype == np.int64
    assert raw.malformed == [] and raw.excel is False
    assert raw.file_name == "persons.csv" and raw.table == "persons"


def test_gb18030_four_byte_characters(tmp_path: Path) -> None:
    # 𠀀 (U+20000) and € are not in GBK: only GB18030 encodes them.
    text = "person_id,name\n1,𠀀€张\n"
    raw = read_table("persons", write(tmp_path / "persons.csv", text, "gb18030"))
    assert raw.encoding == "gb18030"
    assert raw.frame["name"].tolist() == ["𠀀€张"]


def test_detect_encoding_order() -> None:
    assert detect_encoding(b"plain ascii") == "utf-8"
    assert detect_encoding("姓名".encode("gbk")) == "gb18030"
    assert detect_encoding(b"\xef\xbb\xbfa") == "utf-8-sig"
    assert detect_encoding(b"\xff\xfea\x00") == "utf-16"
    assert detect_encoding("id,name\n".encode("utf-16-le")) == "utf-16-le"


def test_undecodable_file_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "persons.csv", b"person_id,name\n1,\x80\xff\xfe\n")
    with pytest.raises(InputFileError, match=r"persons\.csv cannot be decoded") as info:
        read_table("persons", path)
    assert info.value.file == "persons.csv"


def test_undecodable_bytes_after_a_utf8_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "persons.csv", b"\xef\xbb\xbfperson_id\n\xff\n")
    with pytest.raises(InputFileError, match="cannot be decoded"):
        read_table("persons", path)


# Large files: the encoding is sampled (head and tail), Arrow validates the rest.


@pytest.fixture
def small_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "_FULL_DETECTION_LIMIT", 64)
    monkeypatch.setattr(readers, "_HEAD_SAMPLE", 33)
    monkeypatch.setattr(readers, "_TAIL_SAMPLE", 17)


def test_large_utf8_file_with_multibyte_characters_at_sample_edges(
    tmp_path: Path, small_samples: None
) -> None:
    body = "".join(f"{i:03d},张三李四王五赵六\n" for i in range(50))
    raw = read_table("persons", write(tmp_path / "persons.csv", "id,name\n" + body))
    assert raw.encoding == "utf-8"
    assert raw.frame["id"].tolist() == [f"{i:03d}" for i in range(50)]
    assert set(raw.frame["name"]) == {"张三李四王五赵六"}


def test_large_file_that_is_gb18030_only_in_the_middle(tmp_path: Path, small_samples: None) -> None:
    ascii_rows = "".join(f"{i},name{i}\n" for i in range(20))
    data = b"id,name\n" + ascii_rows.encode() + "99,张三\n".encode("gb18030") + ascii_rows.encode()
    raw = read_table("persons", write(tmp_path / "persons.csv", data))
    assert raw.encoding == "gb18030"
    assert raw.frame["name"].tolist()[20] == "张三"
    assert len(raw.frame) == 41


def test_large_file_with_ragged_rows_then_gb18030_bytes(
    tmp_path: Path, small_samples: None
) -> None:
    rows = "".join(f"{i},x{i}\n" for i in range(30))
    data = b"id,name\n1,2,3\n" + rows.encode() + "99,张三\n".encode("gb18030") + rows.encode()
    raw = read_table("persons", write(tmp_path / "persons.csv", data))
    assert raw.encoding == "gb18030"
    assert [m.row for m in raw.malformed] == [1]
    assert raw.frame["name"].tolist()[30] == "张三"


def test_large_file_with_bom_and_ragged_rows(tmp_path: Path, small_samples: None) -> None:
    rows = "".join(f"{i},x{i}\n" for i in range(30))
    data = b"\xef\xbb\xbfid,name\n" + rows.encode() + b"30,x,extra\n" + rows.encode()
    raw = read_table("persons", write(tmp_path / "persons.csv", data))
    assert raw.encoding == "utf-8-sig"
    assert list(raw.frame.columns) == ["id", "name"]
    assert [m.row for m in raw.malformed] == [31]
    assert raw.rows.tolist() == list(range(1, 31)) + list(range(32, 62))


# ------------------------------------------------------------------------------------------
# CSV / TSV parsing
# ------------------------------------------------------------------------------------------


def test_values_are_literal_strings(tmp_path: Path) -> None:
    text = "id,amount,note\n007,1e3,NA\n0008,1234.50,null\n00,,NaN\n1.0,  12  ,None\ntrue,-0,N/A\n"
    raw = read_table("t", write(tmp_path / "t.csv", text))
    assert as_lists(raw) == {
        "id": ["007", "0008", "00", "1.0", "true"],
        "amount": ["1e3", "1234.50", "", "12", "-0"],
        "note": ["NA", "null", "NaN", "None", "N/A"],
    }
    assert all(isinstance(v, str) for col in raw.frame.columns for v in raw.frame[col])


def test_whitespace_is_stripped_from_values_and_names(tmp_path: Path) -> None:
    text = " person_id ,\tname\n  007 ,\u3000张三\u3000\n"
    raw = read_table("persons", write(tmp_path / "persons.csv", text))
    assert as_lists(raw) == {"person_id": ["007"], "name": ["张三"]}


def test_quoted_commas_quotes_and_newlines(tmp_path: Path) -> None:
    text = (
        "id,name,memo\r\n"
        '1,"Li, Lei","line one\r\nline two"\r\n'
        '2,"say ""hi""",plain\r\n'
        '3,x,"a,b,c"\r\n'
    )
    raw = read_table("t", write(tmp_path / "t.csv", text))
    assert as_lists(raw) == {
        "id": ["1", "2", "3"],
        "name": ["Li, Lei", 'say "hi"', "x"],
        "memo": ["line one\r\nline two", "plain", "a,b,c"],
    }
    assert raw.rows.tolist() == [1, 2, 3]  # a multi-line record counts once


def test_tsv(tmp_path: Path) -> None:
    text = 'id\tname\tmemo\n007\tLi, Lei\t"tab\there"\n'
    raw = read_table("t", write(tmp_path / "t.TSV", text))
    assert as_lists(raw) == {"id": ["007"], "name": ["Li, Lei"], "memo": ["tab\there"]}


def test_empty_lines_are_not_records(tmp_path: Path) -> None:
    raw = read_table("t", write(tmp_path / "t.csv", "\n\na,b\n\n1,2\n\n\n3,4\n\n"))
    assert as_lists(raw) == {"a": ["1", "3"], "b": ["2", "4"]}
    assert raw.rows.tolist() == [1, 2]


def test_record_of_empty_fields_is_a_record(tmp_path: Path) -> None:
    raw = read_table("t", write(tmp_path / "t.csv", "a,b\n,\n1,2\n"))
    assert as_lists(raw) == {"a": ["", "1"], "b": ["", "2"]}
    assert raw.rows.tolist() == [1, 2]


def test_ragged_rows_are_malformed_and_good_rows_keep_their_numbers(tmp_path: Path) -> None:
    text = 'a,b,c\n1,2,3\n4,5\n\n6,"x\ny",8\n9,10,11,12\n13,14,15\n'
    raw = read_table("t", write(tmp_path / "t.csv", text))
    assert as_lists(raw) == {"a": ["1", "6", "13"], "b": ["2", "x\ny", "14"], "c": ["3", "8", "15"]}
    assert raw.rows.tolist() == [1, 3, 5]
    assert raw.malformed == [
        Malformed(2, "expected 3 fields, found 2", "4,5"),
        Malformed(4, "expected 3 fields, found 4", "9,10,11,12"),
    ]


def test_ragged_rows_in_a_gb18030_tsv(tmp_path: Path) -> None:
    text = "编号\t姓名\n1\t张三\n2\t李四\t多余\n3\t王五\n"
    raw = read_table("t", write(tmp_path / "t.tsv", text, "gb18030"))
    assert raw.encoding == "gb18030"
    assert as_lists(raw) == {"编号": ["1", "3"], "姓名": ["张三", "王五"]}
    assert raw.malformed == [Malformed(2, "expected 2 fields, found 3", "2\t李四\t多余")]


def test_quote_left_open_to_the_end_of_the_file(tmp_path: Path) -> None:
    raw = read_table("t", write(tmp_path / "t.csv", 'a,b\n1,2\n3,"oops\n4,5\n6,7\n'))
    assert as_lists(raw) == {"a": ["1"], "b": ["2"]}
    assert raw.rows.tolist() == [1]
    assert len(raw.malformed) == 1
    assert raw.malformed[0].row == 2
    assert "never closed" in raw.malformed[0].reason
    assert raw.malformed[0].raw.startswith('3,"oops')


def test_multiline_value_in_the_last_record_is_kept(tmp_path: Path) -> None:
    raw = read_table("t", write(tmp_path / "t.csv", 'a,b\n1,"two\nlines"\n'))
    assert as_lists(raw) == {"a": ["1"], "b": ["two\nlines"]}
    assert raw.malformed == []


def test_huge_multiline_value_in_the_last_record(tmp_path: Path) -> None:
    memo = "x" * 200_000 + "\n" + "y" * 200_000  # past the csv module's default field limit
    limit = csv.field_size_limit()
    raw = read_table("t", write(tmp_path / "t.csv", f'a,b\n1,"{memo}"\n'))
    assert raw.frame["b"].tolist() == [memo]
    assert csv.field_size_limit() == limit


def test_header_only_gives_an_empty_frame(tmp_path: Path) -> None:
    raw = read_table("persons", write(tmp_path / "persons.csv", "person_id,name\n"))
    assert list(raw.frame.columns) == ["person_id", "name"]
    assert len(raw.frame) == 0 and raw.rows.tolist() == []


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"persons\.csv is empty") as info:
        read_table("persons", write(tmp_path / "persons.csv", b""))
    assert info.value.file == "persons.csv"


def test_blank_file_has_no_header(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no header row"):
        read_table("persons", write(tmp_path / "persons.csv", b"\xef\xbb\xbf\n\r\n"))


@pytest.mark.parametrize("header", ["id,name,id", "id,name, id ", "id,\ufeffname,name"])
def test_duplicate_header_is_an_error(tmp_path: Path, header: str) -> None:
    path = write(tmp_path / "persons.csv", f"{header}\n1,2,3\n")
    with pytest.raises(InputFileError, match="duplicate column") as info:
        read_table("persons", path)
    assert info.value.column in {"id", "name"}
    assert info.value.file == "persons.csv"


def test_data_under_an_empty_header_name_is_kept_by_its_place(tmp_path: Path) -> None:
    """Unknown columns are never an error (the contract): one without a name gets its place."""
    path = write(tmp_path / "persons.csv", "id,,name\n1,x,2\n")
    assert read_table("persons", path).frame.to_dict("list") == {
        "id": ["1"], "column_2": ["x"], "name": ["2"]}


def test_unnamed_empty_columns_are_dropped(tmp_path: Path) -> None:
    raw = read_table("t", write(tmp_path / "t.csv", "id,name,,\n1,2,,\n3,4, ,\n"))
    assert as_lists(raw) == {"id": ["1", "3"], "name": ["2", "4"]}


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.mkdir()  # reading a directory fails with an OSError, even as root
    (path / "x").write_text("x")
    with pytest.raises(InputFileError, match=r"persons\.csv cannot be read") as info:
        read_table("persons", path)
    assert isinstance(info.value.__cause__, OSError)


def test_unsupported_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="unsupported file type"):
        read_table("persons", write(tmp_path / "persons.json", "{}"))


_cell = st.text(alphabet=st.sampled_from([*'ab 7,"\n\r\t张', "\u3000"]), min_size=0, max_size=6)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=0, max_size=12),
    blank_after=st.sets(st.integers(min_value=0, max_value=12)),
    ragged=st.sets(st.integers(min_value=0, max_value=11)),
)
def test_fast_and_fallback_readers_agree(
    tmp_path: Path, rows: list[list[str]], blank_after: set[int], ragged: set[int]
) -> None:
    """Both readers return the same values and row numbers for any well-quoted file."""
    records = [[*r, "extra"] if i in ragged else r for i, r in enumerate(rows)]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")  # quotes fields holding \r or \n
    writer.writerow(["a", "b", "c"])
    for i, record in enumerate(records):
        if record == [""] * 3:
            record = ['""', "", ""]
            buffer.write(",".join(record) + "\r\n")
        else:
            writer.writerow(record)
        if i in blank_after:
            buffer.write("\r\n")
    text = buffer.getvalue()
    raw = read_table("t", write(tmp_path / "t.csv", text))

    header, _, numbers, malformed = readers._read_delimited_python(text, ",", "t.csv")
    assert header == ["a", "b", "c"]
    assert raw.rows.tolist() == numbers.tolist()
    assert raw.malformed == malformed
    good = [r for i, r in enumerate(records) if i not in ragged]
    expected = {k: [r[j].strip() for r in good] for j, k in enumerate("abc")}
    assert as_lists(raw) == expected
    assert [m.row for m in raw.malformed] == [i + 1 for i in sorted(ragged) if i < len(rows)]


# ------------------------------------------------------------------------------------------
# Parquet
# ------------------------------------------------------------------------------------------


def test_parquet_typed_columns_become_canonical_strings(tmp_path: Path) -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    table = pa.table(
        {
            "id": pa.array(["007", " 008 ", None]),
            "count": pa.array([7, None, -12], pa.int64()),
            "small": pa.array([1, 2, 3], pa.int8()),
            "amount": pa.array([1.5, 1234.0, None], pa.float64()),
            "ratio": pa.array([0.1, None, 2.5], pa.float32()),
            "price": pa.array(
                [decimal.Decimal("12.50"), decimal.Decimal("-0.01"), None], pa.decimal128(10, 2)
            ),
            "day": pa.array([dt.date(2024, 3, 5), None, dt.date(1900, 1, 1)], pa.date32()),
            "naive": pa.array(
                [dt.datetime(2024, 3, 5, 14, 30), dt.datetime(2024, 3, 5, 14, 30, 0, 5000), None],
                pa.timestamp("us"),
            ),
            "naive_s": pa.array(
                [dt.datetime(1969, 12, 31, 23, 59, 59), None, None], pa.timestamp("s")
            ),
            "aware": pa.array(
                [
                    dt.datetime(2024, 3, 5, 6, 30, tzinfo=dt.UTC),
                    dt.datetime(2024, 3, 5, 23, 59, 59, 123000, tzinfo=dt.UTC),
                    None,
                ],
                pa.timestamp("ms", tz="Asia/Shanghai"),
            ),
            "new_york": pa.array(
                [
                    dt.datetime(2024, 1, 15, 17, 0, tzinfo=dt.UTC),
                    dt.datetime(2024, 7, 1, 16, 0, tzinfo=dt.UTC),
                    None,
                ],
                pa.timestamp("ns", tz="America/New_York"),
            ),
            "utc": pa.array(
                [dt.datetime(2024, 3, 5, 14, 30, tzinfo=shanghai), None, None],
                pa.timestamp("us", tz="UTC"),
            ),
            "flag": pa.array([True, False, None]),
            "nothing": pa.nulls(3),
            "category": pa.array(["bank", "bank", None]).dictionary_encode(),
        }
    )
    path = tmp_path / "persons.parquet"
    pq.write_table(table, path)
    raw = read_table("persons", path)
    assert raw.encoding is None and raw.excel is False and raw.malformed == []
    assert raw.rows.tolist() == [1, 2, 3]
    assert as_lists(raw) == {
        "id": ["007", "008", ""],
        "count": ["7", "", "-12"],
        "small": ["1", "2", "3"],
        "amount": ["1.5", "1234", ""],
        "ratio": ["0.1", "", "2.5"],
        "price": ["12.50", "-0.01", ""],
        "day": ["2024-03-05", "", "1900-01-01"],
        "naive": ["2024-03-05T14:30:00", "2024-03-05T14:30:00.005", ""],
        "naive_s": ["1969-12-31T23:59:59", "", ""],
        "aware": ["2024-03-05T14:30:00+08:00", "2024-03-06T07:59:59.123+08:00", ""],
        "new_york": ["2024-01-15T12:00:00-05:00", "2024-07-01T12:00:00-04:00", ""],
        "utc": ["2024-03-05T06:30:00+00:00", "", ""],
        "flag": ["true", "false", ""],
        "nothing": ["", "", ""],
        "category": ["bank", "bank", ""],
    }


def test_parquet_duplicate_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array(["1"]), pa.array(["2"])], ["id", "id"]), path)
    with pytest.raises(InputFileError, match="duplicate column 'id'"):
        read_table("t", path)


def test_garbage_parquet_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "persons.parquet", b"PAR1 this is not parquet at all")
    with pytest.raises(InputFileError, match=r"persons\.parquet") as info:
        read_table("persons", path)
    assert info.value.file == "persons.parquet"
    assert info.value.__cause__ is not None


def test_empty_parquet(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": pa.array([], pa.int64())}), path)
    raw = read_table("t", path)
    assert list(raw.frame.columns) == ["id"] and len(raw.frame) == 0


# ------------------------------------------------------------------------------------------
# XLSX
# ------------------------------------------------------------------------------------------


def test_xlsx_cells_become_canonical_strings(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "person_id",
            " name ",
            "count",
            "amount",
            "birth_date",
            "seen_at",
            "serial",
            "flag",
            "empty",
        ]
    )
    sheet.append(
        [
            "007",
            " 张三 ",
            42,
            3.25,
            dt.datetime(2024, 3, 5),
            dt.datetime(2024, 3, 5, 14, 30),
            45356,
            True,
            None,
        ]
    )
    sheet.append([])  # an empty row in the middle: skipped, numbering follows the sheet
    sheet.append(
        [
            "008",
            "李四",
            100.0,
            0.1,
            dt.date(1990, 1, 2),
            dt.datetime(2024, 3, 5, 14, 30, 15, 500000),
            45356.5,
            False,
            None,
        ]
    )
    sheet.append([None] * 9)
    sheet.append([])
    workbook.create_sheet("other").append(["ignored"])
    path = tmp_path / "persons.xlsx"
    workbook.save(path)

    raw = read_table("persons", path)
    assert raw.excel is True and raw.encoding is None and raw.malformed == []
    assert raw.rows.tolist() == [1, 3]
    assert as_lists(raw) == {
        "person_id": ["007", "008"],
        "name": ["张三", "李四"],
        "count": ["42", "100"],
        "amount": ["3.25", "0.1"],
        "birth_date": ["2024-03-05", "1990-01-02"],
        "seen_at": ["2024-03-05T14:30:00", "2024-03-05T14:30:15.500000"],
        "serial": ["45356", "45356.5"],
        "flag": ["true", "false"],
        "empty": ["", ""],
    }


def test_xlsx_data_under_no_header_is_kept_by_its_place(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.append(["id"])
    workbook.active.append(["1", "stray"])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    assert read_table("t", path).frame.to_dict("list") == {"id": ["1"], "column_2": ["stray"]}


def test_xlsx_empty_sheet_is_an_error(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "t.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(InputFileError, match="empty"):
        read_table("t", path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip file at all", "not a readable .xlsx"),
        (b"PK\x03\x04 truncated zip", "not a readable .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "password-protected"),
        (b"", "is empty"),
    ],
)
def test_corrupt_or_encrypted_xlsx_is_an_error(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path / "persons.xlsx", data)
    with pytest.raises(InputFileError, match=message) as info:
        read_table("persons", path)
    assert info.value.file == "persons.xlsx"
    assert "persons.xlsx" in str(info.value)


# ------------------------------------------------------------------------------------------
# discover_tables
# ------------------------------------------------------------------------------------------


def test_discover_tables(tmp_path: Path) -> None:
    write(tmp_path / "persons.csv", PERSONS)
    write(tmp_path / "transfers.PARQUET", b"")
    write(tmp_path / "accounts.Xlsx", b"")
    write(tmp_path / "relations.tsv", b"")
    write(tmp_path / "notes.txt", b"")
    write(tmp_path / "persons_old.csv", b"")
    write(tmp_path / "Persons.json", b"")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "cases.csv", b"")
    tables, ignored = discover_tables(
        tmp_path, ["persons", "accounts", "transfers", "relations", "cases"]
    )
    assert tables == {
        "persons": tmp_path / "persons.csv",
        "accounts": tmp_path / "accounts.Xlsx",
        "transfers": tmp_path / "transfers.PARQUET",
        "relations": tmp_path / "relations.tsv",
    }
    assert list(tables) == ["persons", "accounts", "transfers", "relations"]
    assert [p.name for p in ignored] == ["Persons.json", "notes.txt", "persons_old.csv"]


def test_two_files_for_one_table(tmp_path: Path) -> None:
    write(tmp_path / "persons.csv", PERSONS)
    write(tmp_path / "persons.xlsx", b"")
    with pytest.raises(InputFileError, match=r"persons\.csv and persons\.xlsx"):
        discover_tables(tmp_path, ["persons"])


def test_discover_tables_not_a_directory(tmp_path: Path) -> None:
    file = write(tmp_path / "persons.csv", PERSONS)
    with pytest.raises(InputFileError, match="not a directory"):
        discover_tables(file, ["persons"])
    with pytest.raises(InputFileError, match="not a directory"):
        discover_tables(tmp_path / "missing", ["persons"])


def test_frame_dtype_is_pandas_string(tmp_path: Path) -> None:
    raw = read_table("persons", write(tmp_path / "persons.csv", PERSONS))
    for column in raw.frame.columns:
        assert isinstance(raw.frame[column].dtype, pd.StringDtype)
    assert (raw.frame["person_id"] == "007").tolist() == [True, False]


def test_parquet_nested_columns_become_text(tmp_path: Path) -> None:
    """A list of plain values reads as the contract's `;`-separated form (several phones);
    structs and nested lists as JSON; missing stays missing."""
    path = tmp_path / "persons.parquet"
    pq.write_table(pa.table({
        "person_id": ["P1", "P2"],
        "phone": pa.array([["13800000000", "13900000000"], None], pa.list_(pa.string())),
        "tags": pa.array([{"a": 1, "b": "红"}, {"a": None, "b": None}],
                         pa.struct([("a", pa.int64()), ("b", pa.string())])),
        "matrix": pa.array([[[1, 2]], []], pa.list_(pa.list_(pa.int64()))),
    }), path)
    assert read_table("persons", path).frame.to_dict("list") == {
        "person_id": ["P1", "P2"],
        "phone": ["13800000000;13900000000", ""],
        "tags": ['{"a": 1, "b": "红"}', '{"a": null, "b": null}'],
        "matrix": ["[[1, 2]]", ""],
    }
