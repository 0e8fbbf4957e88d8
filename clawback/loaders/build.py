"""Turn validated input tables into graph elements: node and relationship frames.

Each frame carries the schema's properties plus provenance (``src_file``, ``src_row``,
``load_batch``). Relationship frames also carry ``from``/``to`` (end-node keys) and
``from_label``/``to_label``. Ids the input does not give are composed from key fields
(:func:`compose_id`): readable, and the same on every re-load.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from clawback.graph.schema import SCHEMA, Schema
from clawback.loaders.sets import is_in
from clawback.loaders.validate import ValidTable

__all__ = ["CASH_PREFIX", "Elements", "build_elements", "compose_id", "normalize_identifier"]

CASH_PREFIX = "cash:"
"""Withdrawals go to, and deposits come from, a synthetic cash account per real account."""


def compose_id(*parts: pd.Series | str) -> pd.Series:
    """A deterministic, readable id from key columns and separators, element-wise.

    >>> compose_id(pd.Series(["P1"]), ">", pd.Series(["spouse"]), ">", pd.Series(["P2"]))[0]
    'P1>spouse>P2'
    """
    length = next(len(p) for p in parts if isinstance(p, pd.Series))
    out = pd.Series([""] * length, dtype="str")
    for part in parts:
        if isinstance(part, pd.Series):
            part = part.reset_index(drop=True).astype("str").fillna("")
        out = out + part
    return out


def normalize_identifier(kind: str, values: pd.Series) -> pd.Series:
    """The form in which two identifiers count as the same contact point."""
    values = values.astype(str).str.strip()
    if kind == "phone":
        digits = values.str.replace(r"\D", "", regex=True)
        return digits.mask(digits.str.len().eq(13) & digits.str.startswith("86"),
                           digits.str[2:])
    if kind == "email":
        return values.str.lower()
    if kind == "address":
        return values.str.replace(r"\s+", "", regex=True)
    return values


@dataclass
class Elements:
    """Node frames per label and relationship frames per type."""

    nodes: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    rels: dict[str, list[pd.DataFrame]] = field(default_factory=dict)

    def add_nodes(self, label: str, frame: pd.DataFrame) -> None:
        self.nodes.setdefault(label, []).append(frame)

    def add_rels(self, rel_type: str, frame: pd.DataFrame) -> None:
        self.rels.setdefault(rel_type, []).append(frame)

    def take_nodes(self, label: str) -> pd.DataFrame | None:
        """All nodes of a label as one frame, handed over (the parts are released)."""
        return _take(self.nodes, label)

    def take_rels(self, rel_type: str) -> pd.DataFrame | None:
        """All relationships of a type as one frame, handed over (the parts are released)."""
        return _take(self.rels, rel_type)


def _take(parts: dict[str, list[pd.DataFrame]], name: str) -> pd.DataFrame | None:
    frames = [f for f in parts.pop(name, []) if len(f)]
    if not frames:
        return None
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _provenance(table: ValidTable, batch_id: str, data: pd.DataFrame | None = None) -> dict:
    data = table.data if data is None else data
    return {
        "src_file": table.raw.file_name,
        "src_row": data["_row"].array,
        "load_batch": batch_id,
    }


def identifier_ids(kind: pd.Series, normalized: pd.Series) -> pd.Series:
    """``KIND:HASH``, 16 hex digits of BLAKE2b over the normalized value.

    Hashed rather than spelled out: LadybugDB 0.22 stalls bulk-loading a primary-key index of
    several hundred thousand long multi-byte strings (Chinese addresses), and a fixed-length
    key is also cheaper to index and join on both stores.

    >>> identifier_ids(pd.Series(["phone"]), pd.Series(["13800138000"]))[0]
    'phone:443b56aadc82be9b'
    """
    codes, uniques = pd.factorize(kind.astype("str") + "\x1f" + normalized.astype("str"))
    digests = np.array([
        f"{u.split(chr(31), 1)[0]}:{hashlib.blake2b(u.encode(), digest_size=8).hexdigest()}"
        for u in uniques
    ], dtype=object)
    return pd.Series(digests[codes] if len(codes) else [], dtype="str")


def _finish(frame: pd.DataFrame, props: Mapping[str, str]) -> pd.DataFrame:
    """Add the properties a source does not give, as nulls."""
    for name in props:
        if name not in frame:
            frame[name] = None
    return frame


def _party_label(ids: pd.Series | np.ndarray, person_ids: pa.Array) -> np.ndarray:
    return np.where(is_in(ids, person_ids), "Person", "Company")


class _Builder:
    def __init__(self, tables: Mapping[str, ValidTable], person_ids: pa.Array,
                 account_holders: pd.Series, batch_id: str, schema: Schema):
        self.t = tables
        self.person_ids = person_ids
        self.account_holders = account_holders  # account_id -> holder_id (input and store)
        self.batch = batch_id
        self.schema = schema
        self.out = Elements()

    def nodes(self, label: str, table: str, extra: dict | None = None) -> None:
        if table not in self.t:
            return
        vt = self.t[table]
        props = self.schema.nodes[label].property_types
        data = vt.data
        frame = pd.DataFrame({p: data[p] for p in props if p in data})
        for name, value in (extra or {}).items():
            frame[name] = value
        frame = _finish(frame.assign(**_provenance(vt, self.batch)), props)
        self.out.add_nodes(label, frame)

    def rels(self, rel_type: str, vt: ValidTable, data: pd.DataFrame, cols: dict) -> None:
        """``cols`` maps from/to/from_label/to_label and properties to columns or values."""
        props = self.schema.relationships[rel_type].property_types
        frame = pd.DataFrame(cols)
        frame = frame.assign(**_provenance(vt, self.batch, data))
        self.out.add_rels(rel_type, _finish(frame, props))

    # -- per table --------------------------------------------------------------------------
    def persons_and_companies(self) -> None:
        self.nodes("Person", "persons")
        self.nodes("Company", "companies")

    def accounts(self) -> None:
        if "accounts" not in self.t:
            return
        vt = self.t["accounts"]
        self.nodes("Account", "accounts", {"synthetic": False})
        d = vt.data
        self.rels("HOLDS", vt, d, {
            "from": d["holder_id"].array, "to": d["account_id"].array,
            "from_label": _party_label(d["holder_id"], self.person_ids), "to_label": "Account",
            "account_id": d["account_id"].array,
        })

    def transfers(self) -> None:
        if "transfers" not in self.t:
            return
        vt = self.t["transfers"]
        d = vt.data
        src = d["from_account"].fillna(CASH_PREFIX + d["to_account"])
        dst = d["to_account"].fillna(CASH_PREFIX + d["from_account"])
        self.rels("TRANSFERRED_TO", vt, d, {
            "from": src.array, "to": dst.array,
            "from_label": "Account", "to_label": "Account",
            **{p: d[p].array for p in
               ("transfer_id", "amount", "currency", "timestamp", "date", "channel", "memo",
                "extra")},
        })
        self._cash_accounts(vt, d)

    def _cash_accounts(self, vt: ValidTable, d: pd.DataFrame) -> None:
        """One synthetic cash account per real account that saw a deposit or withdrawal."""
        cash = pd.concat([
            pd.DataFrame({"real": d["to_account"], "_row": d["_row"]})[d["from_account"].isna()],
            pd.DataFrame({"real": d["from_account"], "_row": d["_row"]})[d["to_account"].isna()],
        ]).sort_values("_row", kind="stable").drop_duplicates("real", ignore_index=True)
        if cash.empty:
            return
        holders = self.account_holders.reindex(cash["real"]).array
        account_id = (CASH_PREFIX + cash["real"]).array
        frame = pd.DataFrame({
            "account_id": account_id, "holder_id": holders,
            "account_type": "cash", "synthetic": True,
        })
        props = self.schema.nodes["Account"].property_types
        frame = frame.assign(**_provenance(vt, self.batch, cash))
        self.out.add_nodes("Account", _finish(frame, props))
        hold = pd.DataFrame({
            "from": holders, "to": account_id,
            "from_label": _party_label(pd.Series(holders), self.person_ids),
            "to_label": "Account", "account_id": account_id,
        }).assign(**_provenance(vt, self.batch, cash))
        hprops = self.schema.relationships["HOLDS"].property_types
        self.out.add_rels("HOLDS", _finish(hold, hprops))

    def relations(self) -> None:
        if "relations" not in self.t:
            return
        vt = self.t["relations"]
        d = vt.data
        inverse = d["relation"].map(self.schema.relation_inverse)
        tie = d["_tie"].array
        common = {p: d[p].array for p in ("start_date", "end_date", "source", "extra")}
        stated = {
            "from": d["person_id"].array, "to": d["related_person_id"].array,
            "relation": d["relation"].array, "stated": True,
        }
        derived = {
            "from": d["related_person_id"].array, "to": d["person_id"].array,
            "relation": inverse.array, "stated": False,
        }
        sides: list[dict[str, object]] = [stated, derived]
        for side in sides:
            ids = compose_id(pd.Series(side["from"]), ">", pd.Series(side["relation"]), ">",
                             pd.Series(side["to"])).array
            self.rels("RELATED_TO", vt, d, {
                **side, "from_label": "Person", "to_label": "Person",
                "relation_id": ids, "tie_id": tie, **common,
            })

    def company_roles(self) -> None:
        if "company_roles" not in self.t:
            return
        vt = self.t["company_roles"]
        d = vt.data
        self.rels("ROLE_IN", vt, d, {
            "from": d["person_id"].array, "to": d["company_id"].array,
            "from_label": _party_label(d["person_id"], self.person_ids), "to_label": "Company",
            "role_id": d["_key"].array,
            **{p: d[p].array for p in ("role", "share", "start_date", "end_date", "extra")},
        })

    def properties(self) -> None:
        self.nodes("Property", "properties")
        if "property_transfers" not in self.t:
            return
        vt = self.t["property_transfers"]
        d = vt.data
        common = {p: d[p].array for p in
                  ("date", "price", "market_value", "share", "registration_ref")}
        self.rels("ACQUIRED_TITLE", vt, d, {
            "from": d["to_party"].array, "to": d["property_id"].array,
            "from_label": _party_label(d["to_party"], self.person_ids), "to_label": "Property",
            "title_transfer_id": d["_key"].array, "from_party": d["from_party"].array,
            "extra": d["extra"].array, **common,
        })
        conv = d[d["from_party"].notna()]
        if len(conv):
            self.rels("CONVEYED_TITLE", vt, conv, {
                "from": conv["from_party"].array, "to": conv["property_id"].array,
                "from_label": _party_label(conv["from_party"], self.person_ids),
                "to_label": "Property", "title_transfer_id": conv["_key"].array,
                "to_party": conv["to_party"].array,
                **{k: v[d["from_party"].notna().array] for k, v in common.items()},
            })

    def cases(self) -> None:
        self.nodes("Proceeding", "cases")
        if "cases" not in self.t:
            return
        vt = self.t["cases"]
        d = vt.data
        self.rels("PARTY_TO", vt, d, {
            "from": d["debtor_id"].array, "to": d["case_id"].array,
            "from_label": _party_label(d["debtor_id"], self.person_ids),
            "to_label": "Proceeding", "case_id": d["case_id"].array, "role": "debtor",
        })

    def identifiers(self) -> None:
        """Identifier nodes for every phone, address and listed identifier, and the links."""
        sources = []
        if "persons" in self.t:
            vt = self.t["persons"]
            p = vt.data
            phones = p[["person_id", "phone", "_row"]].dropna(subset=["phone"])
            phones = phones.assign(value=phones["phone"].str.split(";")).explode("value")
            sources.append((vt, phones["person_id"], "phone", phones["value"], phones["_row"],
                            "persons.phone"))
            addr = p[p["address"].notna()]
            sources.append((vt, addr["person_id"], "address", addr["address"], addr["_row"],
                            "persons.address"))
        if "companies" in self.t:
            vt = self.t["companies"]
            c = vt.data[vt.data["address"].notna()]
            sources.append((vt, c["company_id"], "address", c["address"], c["_row"],
                            "companies.address"))
        if "identifiers" in self.t:
            vt = self.t["identifiers"]
            d = vt.data
            for kind, part in d.groupby("kind", sort=True):
                sources.append((vt, part["entity_id"], str(kind), part["value"], part["_row"],
                                "identifiers"))
        links = []
        for vt, entity, kind, value, row, source in sources:
            value = value.astype(str).str.strip()
            keep = (value != "").to_numpy()
            norm = normalize_identifier(kind, value[keep])
            links.append(pd.DataFrame({
                "entity": entity[keep].array, "kind": kind,
                "value": value[keep].array, "normalized": norm.array,
                "src_file": vt.raw.file_name, "src_row": row[keep].array, "source": source,
            }))
        links = [f for f in links if len(f)]
        if not links:
            return
        df = pd.concat(links, ignore_index=True)
        df = df[df["normalized"] != ""]
        df["identifier_id"] = identifier_ids(df["kind"], df["normalized"]).array
        df = df.drop_duplicates(["entity", "identifier_id"], ignore_index=True)
        nodes = df.drop_duplicates("identifier_id", ignore_index=True)
        props = self.schema.nodes["Identifier"].property_types
        node_frame = nodes[["identifier_id", "kind", "value", "normalized", "src_file",
                            "src_row"]].assign(load_batch=self.batch)
        self.out.add_nodes("Identifier", _finish(node_frame, props))
        rel = pd.DataFrame({
            "from": df["entity"], "to": df["identifier_id"],
            "from_label": _party_label(df["entity"], self.person_ids),
            "to_label": "Identifier",
            "link_id": compose_id(df["entity"], ">", df["identifier_id"]).array,
            "kind": df["kind"], "source": df["source"],
            "src_file": df["src_file"], "src_row": df["src_row"], "load_batch": self.batch,
        })
        rprops = self.schema.relationships["HAS_IDENTIFIER"].property_types
        self.out.add_rels("HAS_IDENTIFIER", _finish(rel, rprops))


def build_elements(
    tables: Mapping[str, ValidTable],
    *,
    person_ids: pa.Array,
    account_holders: pd.Series,
    batch_id: str,
    schema: Schema = SCHEMA,
) -> Elements:
    """All graph elements of one load. ``person_ids`` tells persons from companies among party
    ids; ``account_holders`` maps every known account (input and store) to its holder."""
    b = _Builder(tables, person_ids, account_holders, batch_id, schema)
    b.persons_and_companies()
    b.accounts()
    b.transfers()
    b.relations()
    b.company_roles()
    b.properties()
    b.cases()
    b.identifiers()
    return b.out
