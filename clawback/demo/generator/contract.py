"""The public input contract that the generator writes: tables, columns and enum values.

Also the concealment typologies that can be planted in an evader's case (:data:`TYPOLOGIES`).
Tables, columns and enum values come from the one schema (clawback/graph/schema.yaml); the
rest of the package derives its integer codes from them.
"""

from __future__ import annotations

from clawback.graph.schema import SCHEMA

__all__ = [
    "ACCOUNT_TYPES", "CASE_TYPES", "CHANNELS", "COLUMNS", "COMPANY_ROLES", "IDENTIFIER_KINDS",
    "LABEL_COLUMNS", "PROPERTY_KINDS", "RELATIONS", "TABLES", "TYPOLOGIES",
]


#: Concealment typologies that can be planted in an evader's case.
TYPOLOGIES: tuple[str, ...] = (
    "transfer_to_relative",
    "layering",
    "below_market_conveyance",
    "gratuitous_transfer",
    "fake_divorce",
    "relative_shell",
    "cash_withdrawal_spike",
    "hidden_tie",
    "property_bought_for_relative",
    "preferential_payment_to_related_creditor",
)

#: The input tables, in the order they are written (the schema's order).
TABLES: tuple[str, ...] = tuple(SCHEMA.inputs)

#: Columns written for each table (all columns of the public input contract).
COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(table.columns) for name, table in SCHEMA.inputs.items()
}

#: Columns of ``labels.csv``.
LABEL_COLUMNS: tuple[str, ...] = ("case_id", "debtor_id", "label", "typologies", "notes")

RELATIONS: tuple[str, ...] = SCHEMA.enums["relation"]
COMPANY_ROLES: tuple[str, ...] = SCHEMA.enums["role"]
ACCOUNT_TYPES: tuple[str, ...] = SCHEMA.enums["account_type"]
CHANNELS: tuple[str, ...] = SCHEMA.enums["channel"]
PROPERTY_KINDS: tuple[str, ...] = SCHEMA.enums["property_kind"]
CASE_TYPES: tuple[str, ...] = SCHEMA.enums["case_type"]
IDENTIFIER_KINDS: tuple[str, ...] = SCHEMA.enums["identifier_kind"]
