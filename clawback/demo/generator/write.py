"""Formats the simulation as string tables and writes them as CSV or Parquet, plus labels.

Ids are assigned here (shuffled, so row order says nothing about a case); values become strings
with vectorised pyarrow casts; ``labels.csv`` is always CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from clawback.demo import names as nm
from clawback.demo.generator.accounts import Accounts
from clawback.demo.generator.common import NA, S_DEBTOR, num_str
from clawback.demo.generator.companies import Companies
from clawback.demo.generator.contract import (
    ACCOUNT_TYPES,
    CASE_TYPES,
    CHANNELS,
    COLUMNS,
    COMPANY_ROLES,
    IDENTIFIER_KINDS,
    LABEL_COLUMNS,
    PROPERTY_KINDS,
    RELATIONS,
    TYPOLOGIES,
)
from clawback.demo.generator.flows import Flows
from clawback.demo.generator.households import Households, Relations
from clawback.demo.generator.identifiers import build_identifiers
from clawback.demo.generator.persons import People
from clawback.demo.generator.plan import Plan
from clawback.demo.generator.simulate import Simulation
from clawback.demo.generator.typologies import Events

__all__ = [
    "write_outputs",
]


_CURRENCIES = ("CNY", "USD")
_JURISDICTIONS = ("CN-SZ", "CN", "US")
_SOURCES = ("civil_registry", "household_register", "declared")


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(num_str(numbers), width, "0"), "")


def _take(table: pa.Array, idx: np.ndarray) -> pa.Array:
    idx = np.asarray(idx, dtype=np.int64)
    return table.take(pa.array(idx, mask=idx < 0))


def _days_str(days: np.ndarray) -> pa.Array:
    days = np.asarray(days, dtype=np.int64)
    missing = days == NA
    arr = pa.array(np.where(missing, 0, days).astype(np.int32), type=pa.date32(), mask=missing)
    return pc.cast(arr, pa.string())


def _ts_str(seconds: np.ndarray) -> pa.Array:
    text = pc.cast(pa.array(np.asarray(seconds, dtype=np.int64), pa.timestamp("s")), pa.string())
    return pc.replace_substring(text, " ", "T")


def _money_str(cents: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """Fixed two-decimal strings from integer hundredths (null where ``missing``)."""
    cents = np.ascontiguousarray(np.asarray(cents, dtype=np.int64))
    pairs = np.stack([cents, np.where(cents < 0, -1, 0)], axis=1)
    dec = pa.Array.from_buffers(pa.decimal128(20, 2), len(cents),
                                [None, pa.py_buffer(pairs.tobytes())])
    text = pc.cast(dec, pa.string())
    if missing is not None and missing.any():
        text = pc.if_else(pa.array(~missing), text, pa.nulls(len(cents), pa.string()))
    return text


def _table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    return pa.table({col: columns[col].cast(pa.string()) for col in COLUMNS[name]})


class _Writer:
    """Writes string tables as CSV (UTF-8, comma, no BOM) or Parquet, chunk by chunk."""

    def __init__(self, out: Path, fmt: str):
        self.out = out
        self.fmt = fmt
        self.rows: dict[str, int] = {}

    def write(self, name: str, chunks: Sequence[pa.Table] | Iterator[pa.Table]) -> None:
        path = self.out / f"{name}.{self.fmt}"
        schema = pa.schema([(col, pa.string()) for col in COLUMNS[name]])
        rows = 0
        if self.fmt == "csv":
            with pa.OSFile(str(path), "wb") as sink:
                sink.write((",".join(COLUMNS[name]) + "\n").encode())
                for table in chunks:
                    rows += table.num_rows
                    if _needs_quotes(table):
                        _write_quoted_csv(sink, table)
                    elif table.num_rows:
                        pa_csv.write_csv(table, sink, pa_csv.WriteOptions(
                            include_header=False, quoting_style="none"))
        else:
            with pq.ParquetWriter(str(path), schema) as writer:
                for table in chunks:
                    rows += table.num_rows
                    writer.write_table(table.cast(schema))
        self.rows[name] = rows


def _write_quoted_csv(sink: pa.NativeFile, table: pa.Table, batch: int = 100_000) -> None:
    """CSV rows quoted only where a value needs it (as Python's csv module does)."""
    for lo in range(0, table.num_rows, batch):
        part = table.slice(lo, batch)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(
            zip(*(col.to_pylist() for col in part.columns), strict=True))
        sink.write(buf.getvalue().encode("utf-8"))


def _needs_quotes(table: pa.Table) -> bool:
    return any(pc.any(pc.match_substring_regex(col, r'[,"\r\n]')).as_py()
               for col in table.columns)


@dataclass
class _Ids:
    person: pa.Array
    company: pa.Array
    account: pa.Array
    party: pa.Array


def _make_ids(rng: np.random.Generator, n_people: int, n_companies: int,
              n_accounts: int) -> tuple[_Ids, dict[str, np.ndarray]]:
    perms = {"person": rng.permutation(n_people), "company": rng.permutation(n_companies),
             "account": rng.permutation(n_accounts)}
    person = _ids("P", perms["person"] + 1, 7)
    company = _ids("C", perms["company"] + 1, 6)
    account = _ids("A", perms["account"] + 1, 8)
    return _Ids(person, company, account, pa.concat_arrays([person, company])), perms


def _sorted_by(table: pa.Table, perm: np.ndarray) -> pa.Table:
    return table.take(pa.array(np.argsort(perm, kind="stable")))


def _persons_table(people: People, ids: _Ids, perm: np.ndarray) -> pa.Table:
    return _sorted_by(_table("persons", {
        "person_id": ids.person, "name": people.name, "id_number": people.id_number,
        "birth_date": _days_str(people.birth),
        "gender": pa.array(np.where(people.male, "M", "F")), "phone": people.phone,
        "address": people.address,
    }), perm)


def _companies_table(co: Companies, ids: _Ids, perm: np.ndarray) -> pa.Table:
    return _sorted_by(_table("companies", {
        "company_id": ids.company, "name": pa.array(co.name), "registration_number":
        pa.array(co.reg), "incorporation_date": _days_str(np.array(co.inc, dtype=np.int64)),
        "address": pa.array(co.address), "status": pa.array(co.status),
    }), perm)


def _relations_table(rels: Relations, ids: _Ids) -> pa.Table:
    return _table("relations", {
        "person_id": _take(ids.person, rels.a), "related_person_id": _take(ids.person, rels.b),
        "relation": _take(pa.array(RELATIONS), rels.relation), "start_date":
        _days_str(rels.start), "end_date": _days_str(rels.end),
        "source": _take(pa.array(_SOURCES), rels.source),
    })


def _roles_table(co: Companies, ids: _Ids) -> pa.Table:
    cols: list[Sequence[int]] = (list(zip(*co.roles, strict=True)) if co.roles
                                 else [[] for _ in range(6)])
    party, company, role, share, start, end = (np.array(c, dtype=np.int64) for c in cols)
    return _table("company_roles", {
        "person_id": _take(ids.party, party), "company_id": _take(ids.company, company),
        "role": _take(pa.array(COMPANY_ROLES), role),
        "share": _money_str(share, missing=share < 0), "start_date": _days_str(start),
        "end_date": _days_str(end),
    })


def _accounts_table(acc: Accounts, ids: _Ids, perm: np.ndarray) -> pa.Table:
    return _sorted_by(_table("accounts", {
        "account_id": ids.account, "holder_id": _take(ids.party, acc.holder),
        "institution": _take(acc.institutions, acc.institution),
        "account_type": _take(pa.array(ACCOUNT_TYPES), acc.kind),
        "opened_date": _days_str(acc.opened), "closed_date": _days_str(acc.closed),
        "currency": _take(pa.array(_CURRENCIES), acc.currency),
    }), perm)


def _transfer_chunks(tx: dict[str, np.ndarray], ids: _Ids, memos: list[str],
                     chunk: int = 1_000_000) -> Iterator[pa.Table]:
    memo_table = pa.array(memos)
    n = len(tx["ts"])
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        yield _table("transfers", {
            "transfer_id": _ids("T", np.arange(lo + 1, hi + 1), 9),
            "from_account": _take(ids.account, tx["frm"][lo:hi]),
            "to_account": _take(ids.account, tx["to"][lo:hi]),
            "amount": _money_str(tx["cents"][lo:hi]), "timestamp": _ts_str(tx["ts"][lo:hi]),
            "currency": _take(pa.array(_CURRENCIES), tx["currency"][lo:hi]),
            "channel": _take(pa.array(CHANNELS), tx["channel"][lo:hi]),
            "memo": _take(memo_table, tx["memo"][lo:hi]),
        })


def _property_tables(ev: Events, ids: _Ids, rng: np.random.Generator
                     ) -> tuple[pa.Table, pa.Table]:
    pr, ti = ev.props, ev.titles
    n = len(pr["kind"])
    perm = rng.permutation(n)
    prop_ids = _ids("PR", perm + 1, 6)
    properties = _sorted_by(_table("properties", {
        "property_id": prop_ids, "kind": _take(pa.array(PROPERTY_KINDS), np.array(pr["kind"])),
        "description": pa.array(pr["description"], pa.string()),
        "location": pa.array(pr["location"], pa.string()),
        "registration_number": pa.array(pr["registration"], pa.string()),
        "market_value": _money_str(np.array(pr["value"], dtype=np.int64)),
        "valuation_date": _days_str(np.array(pr["valued"], dtype=np.int64)),
        "currency": _take(pa.array(_CURRENCIES), np.array(pr["currency"], dtype=np.int64)),
    }), perm)
    prop = np.array(ti["prop"], dtype=np.int64)
    order = np.lexsort((np.array(ti["day"]), perm[prop]))
    titles = _table("property_transfers", {
        "property_id": _take(prop_ids, prop), "from_party": _take(ids.party, np.array(
            ti["frm"], dtype=np.int64)),
        "to_party": _take(ids.party, np.array(ti["to"], dtype=np.int64)),
        "date": _days_str(np.array(ti["day"], dtype=np.int64)),
        "price": _money_str(np.array(ti["price"], dtype=np.int64)),
        "market_value": _money_str(np.array(ti["value"], dtype=np.int64)),
        "share": _money_str(np.array(ti["share"], dtype=np.int64)),
        "registration_ref": pa.array(ti["ref"], pa.string()),
    }).take(pa.array(order))
    return properties, titles


def _cases_table(rng: np.random.Generator, plan: Plan, hh: Households, x: Flows,
                 ids: _Ids) -> pa.Table:
    n = plan.n
    u = rng.random(n)
    case_type = np.where(plan.juris == 1, np.where(u < 0.7, 2, 3), 0)
    courts = []
    for j, ci, v in zip(plan.juris.tolist(), plan.city.tolist(), rng.random(n).tolist(),
                        strict=True):
        if j == 2:
            courts.append(nm.US_CITIES[ci].court)
        elif j == 0:
            courts.append(nm.CN_CITIES[0].courts[0 if v < 0.6 else 1])
        else:
            options = nm.CN_CITIES[ci].courts
            courts.append(options[int(v * len(options))])
    judgment = np.full(n, NA, dtype=np.int64)
    enforcement = case_type == 2
    judgment[enforcement] = plan.filing[enforcement] - rng.integers(60, 400,
                                                                    int(enforcement.sum()))
    suit = (case_type == 3) & (plan.acceptance != NA) & (rng.random(n) < 0.5)
    judgment[suit] = plan.acceptance[suit] + rng.integers(60, 200, int(suit.sum()))
    creditor_names = pa.array(x.co.name)
    return _table("cases", {
        "case_id": _ids("CASE", np.arange(1, n + 1), 6),
        "debtor_id": _take(ids.person, hh.pidx[:, S_DEBTOR]),
        "case_type": _take(pa.array(CASE_TYPES), case_type),
        "jurisdiction": _take(pa.array(_JURISDICTIONS), plan.juris),
        "court": pa.array(courts), "filing_date": _days_str(plan.filing),
        "acceptance_date": _days_str(plan.acceptance), "judgment_date": _days_str(judgment),
        "claim_amount": _money_str(np.round(plan.claim * 100).astype(np.int64)),
        "currency": _take(pa.array(_CURRENCIES), plan.locale),
        "creditor": _take(creditor_names, x.creditor_co),
    })


def _identifiers_table(entity: np.ndarray, kind: np.ndarray, value: pa.Array,
                       ids: _Ids) -> pa.Table:
    return _table("identifiers", {
        "entity_id": _take(ids.party, entity), "kind": _take(pa.array(IDENTIFIER_KINDS), kind),
        "value": value,
    })


def _write_labels(out: Path, plan: Plan, debtor_ids: pa.Array, notes: list[str]) -> int:
    path = out / "labels.csv"
    debtors = debtor_ids.to_pylist()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(LABEL_COLUMNS)
        for c in range(plan.n):
            typ = int(plan.typ[c])
            names = ";".join(t for k, t in enumerate(TYPOLOGIES) if typ & (1 << k))
            writer.writerow([f"CASE{c + 1:06d}", debtors[c],
                             "evader" if plan.evader[c] else "honest", names, notes[c]])
    return plan.n


def write_outputs(sim: Simulation, rng: np.random.Generator, out: Path, fmt: str,
                  report: Callable[[str], None]) -> dict[str, int]:
    """Assign ids, then format and write every table and ``labels.csv``; rows per table."""
    ids, perms = _make_ids(rng, sim.people.n, len(sim.co.name), len(sim.acc.holder))
    writer = _Writer(out, fmt)
    writer.write("persons", [_persons_table(sim.people, ids, perms["person"])])
    report("persons.write")
    writer.write("companies", [_companies_table(sim.co, ids, perms["company"])])
    writer.write("relations", [_relations_table(sim.rels, ids)])
    writer.write("company_roles", [_roles_table(sim.co, ids)])
    writer.write("accounts", [_accounts_table(sim.acc, ids, perms["account"])])
    transfers = sim.flows.tx.finish()
    writer.write("transfers", _transfer_chunks(transfers, ids, sim.flows.memos.texts))
    del transfers
    report("transfers.write")
    properties, titles = _property_tables(sim.events, ids, rng)
    writer.write("properties", [properties])
    writer.write("property_transfers", [titles])
    writer.write("cases", [_cases_table(rng, sim.plan, sim.hh, sim.flows, ids)])
    entity, kind, value = build_identifiers(rng, sim.plan, sim.hh, sim.people,
                                            sim.events.idents)
    writer.write("identifiers", [_identifiers_table(entity, kind, value, ids)])
    tables = dict(writer.rows)
    debtors = _take(ids.person, sim.hh.pidx[:, S_DEBTOR])
    tables["labels"] = _write_labels(out, sim.plan, debtors, sim.events.notes)
    report("labels")
    return tables
