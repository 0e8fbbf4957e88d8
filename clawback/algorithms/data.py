"""What the scoring reads from a store, as pandas frames: the same frames from either store.

Everything goes through :meth:`GraphStore.node_table` / :meth:`GraphStore.edge_table`, so the
embedded store and Neo4j give identical inputs, sorted by key (deterministic whatever order a
store returns rows in).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clawback.graph.store import GraphStore

__all__ = ["PortfolioData"]


def _nodes(store: GraphStore, label: str, columns: list[str]) -> pd.DataFrame:
    key = store.schema.nodes[label].key
    frame = store.node_table(label, columns).to_pandas(date_as_object=False)
    return frame.sort_values(key, kind="stable", ignore_index=True)


def _edges(store: GraphStore, rel_type: str, columns: list[str]) -> pd.DataFrame:
    key = store.schema.relationships[rel_type].key
    frame = store.edge_table(rel_type, columns).to_pandas(date_as_object=False)
    return frame.sort_values(key, kind="stable", ignore_index=True)


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
        accounts = _nodes(store, "Account",
                          ["account_id", "holder_id", "account_type", "synthetic", "opened_date"])
        transfers = _edges(store, "TRANSFERRED_TO",
                           ["transfer_id", "amount", "currency", "date", "timestamp", "channel",
                            "memo", "src_file", "src_row"])
        transfers = transfers.rename(columns={"from": "src", "to": "dst"}).drop(
            columns=["from_label", "to_label"])
        holder = accounts.set_index("account_id")["holder_id"]
        transfers["src_holder"] = transfers["src"].map(holder)
        transfers["dst_holder"] = transfers["dst"].map(holder)
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
