"""What the scoring reads from a store, as pandas frames: the same frames from either store.

Everything goes through :meth:`GraphStore.node_table` / :meth:`GraphStore.edge_table`, so the
embedded store and Neo4j give identical inputs, sorted by key (deterministic whatever order a
store returns rows in) — except the transfers, which the signals order themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clawback.graph.store import GraphStore

__all__ = ["PortfolioData"]


def _frame(table: pa.Table) -> pd.DataFrame:
    """``table`` as a frame, releasing each Arrow column as it is converted: the caller must
    hold no other reference to ``table`` (at 10M transfers the Arrow and pandas copies of the
    same string columns held together were gigabytes of the scoring's peak)."""
    return table.to_pandas(date_as_object=False, self_destruct=True, split_blocks=True)


def _nodes(store: GraphStore, label: str, columns: list[str]) -> pd.DataFrame:
    key = store.schema.nodes[label].key
    return _frame(store.node_table(label, columns).sort_by(key))


def _edge_arrow(store: GraphStore, rel_type: str, columns: list[str], *,
                sort: bool = True) -> pa.Table:
    table = store.edge_table(rel_type, columns)
    return table.sort_by(store.schema.relationships[rel_type].key) if sort else table


def _edges(store: GraphStore, rel_type: str, columns: list[str]) -> pd.DataFrame:
    return _frame(_edge_arrow(store, rel_type, columns))


def _lookup(keys: pa.ChunkedArray, index: pa.Array, values: pa.Array) -> pa.Array:
    """``values`` at the position of each key in ``index`` (null where absent): a hash join in
    Arrow, an order of magnitude faster than mapping 10M strings through a pandas index."""
    position = pc.index_in(keys, value_set=index)
    return values.take(position)


@dataclass
class PortfolioData:
    """The portfolio as frames. Dates are ``datetime64`` (day precision in practice)."""

    persons: pd.DataFrame       # person_id, name, birth_date
    companies: pd.DataFrame     # company_id, name, incorporation_date
    accounts: pd.DataFrame      # account_id, holder_id, account_type, synthetic, opened_date
    transfers: pd.DataFrame     # transfer_id, src, dst, amount, currency, date, channel, memo,
                                # src_holder, dst_holder
    relations: pd.DataFrame     # from, to, relation, start_date, end_date, stated, relation_id
    roles: pd.DataFrame         # from, from_label, to, role, share, start_date, end_date, role_id
    titles: pd.DataFrame        # title_transfer_id, property_id, from_party, to_party, date,
                                # price, market_value, share
    properties: pd.DataFrame    # property_id, kind, market_value
    cases: pd.DataFrame         # case_id, debtor_id, case_type, jurisdiction, filing_date,
                                # acceptance_date, claim_amount, currency
    identifiers: pd.DataFrame   # from (entity), from_label, to (identifier_id), kind

    @classmethod
    def from_store(cls, store: GraphStore) -> PortfolioData:
        account_table = store.node_table(
            "Account", ["account_id", "holder_id", "account_type", "synthetic", "opened_date"]
        ).sort_by("account_id")
        # transfers stay in the store's order (sorting 10M string keys costs more than all the
        # scoring): every signal orders what it aggregates itself
        t = _edge_arrow(store, "TRANSFERRED_TO",
                        ["transfer_id", "amount", "currency", "date", "timestamp", "channel",
                         "memo"], sort=False)
        ids = account_table["account_id"].combine_chunks()
        holders = account_table["holder_id"].combine_chunks()
        t = t.drop_columns(["from_label", "to_label"]).rename_columns(
            ["src", "dst", *t.column_names[4:]])
        t = t.append_column("src_holder", _lookup(t["src"], ids, holders))
        t = t.append_column("dst_holder", _lookup(t["dst"], ids, holders))
        del ids, holders
        transfers = _frame(t)
        del t
        accounts = _frame(account_table)
        del account_table
        acquired = _edges(store, "ACQUIRED_TITLE",
                          ["title_transfer_id", "from_party", "date", "price", "market_value",
                           "share", "src_file", "src_row"])
        titles = acquired.rename(columns={"from": "to_party", "to": "property_id"}).drop(
            columns=["from_label", "to_label"])
        return cls(
            persons=_nodes(store, "Person", ["person_id", "name", "birth_date"]),
            companies=_nodes(store, "Company", ["company_id", "name", "incorporation_date"]),
            accounts=accounts,
            transfers=transfers,
            relations=_edges(store, "RELATED_TO",
                             ["relation_id", "relation", "start_date", "end_date", "stated"]),
            roles=_edges(store, "ROLE_IN",
                         ["role_id", "role", "share", "start_date", "end_date"]),
            titles=titles,
            properties=_nodes(store, "Property", ["property_id", "kind", "market_value"]),
            cases=_nodes(store, "Proceeding",
                         ["case_id", "debtor_id", "case_type", "jurisdiction", "filing_date",
                          "acceptance_date", "claim_amount", "currency"]),
            identifiers=_edges(store, "HAS_IDENTIFIER", ["link_id", "kind"]),
        )

    def names(self) -> pd.Series:
        """Party id -> display name (persons and companies)."""
        return pd.concat([
            self.persons.set_index("person_id")["name"],
            self.companies.set_index("company_id")["name"],
        ])
