"""The public input contract that the generator writes: tables, columns and enum values.

Also the concealment typologies that can be planted in an evader's case (:data:`TYPOLOGIES`).
Everything here is plain data; the rest of the package derives its integer codes from it.
"""

from __future__ import annotations

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

#: The input tables, in the order they are written.
TABLES: tuple[str, ...] = (
    "persons",
    "companies",
    "relations",
    "company_roles",
    "accounts",
    "transfers",
    "properties",
    "property_transfers",
    "cases",
    "identifiers",
)

#: Columns written for each table (all columns of the public input contract).
COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": ("person_id", "name", "id_number", "birth_date", "gender", "phone", "address"),
    "companies": (
        "company_id", "name", "registration_number", "incorporation_date", "address", "status",
    ),
    "relations": ("person_id", "related_person_id", "relation", "start_date", "end_date", "source"),
    "company_roles": ("person_id", "company_id", "role", "share", "start_date", "end_date"),
    "accounts": (
        "account_id", "holder_id", "institution", "account_type", "opened_date", "closed_date",
        "currency",
    ),
    "transfers": (
        "transfer_id", "from_account", "to_account", "amount", "timestamp", "currency", "channel",
        "memo",
    ),
    "properties": (
        "property_id", "kind", "description", "location", "registration_number", "market_value",
        "valuation_date", "currency",
    ),
    "property_transfers": (
        "property_id", "from_party", "to_party", "date", "price", "market_value", "share",
        "registration_ref",
    ),
    "cases": (
        "case_id", "debtor_id", "case_type", "jurisdiction", "court", "filing_date",
        "acceptance_date", "judgment_date", "claim_amount", "currency", "creditor",
    ),
    "identifiers": ("entity_id", "kind", "value"),
}
#: Columns of ``labels.csv``.
LABEL_COLUMNS: tuple[str, ...] = ("case_id", "debtor_id", "label", "typologies", "notes")

RELATIONS: tuple[str, ...] = (
    "spouse", "former_spouse", "parent", "child", "sibling", "grandparent", "grandchild",
    "parent_in_law", "child_in_law", "sibling_in_law", "other_relative", "cohabitant", "associate",
)
COMPANY_ROLES: tuple[str, ...] = (
    "shareholder", "beneficial_owner", "legal_representative", "director", "supervisor",
    "manager", "employee",
)
ACCOUNT_TYPES: tuple[str, ...] = ("bank", "securities", "payment_app", "crypto", "other")
CHANNELS: tuple[str, ...] = (
    "bank_transfer", "payment_app", "card", "cash_withdrawal", "cash_deposit", "check", "other",
)
PROPERTY_KINDS: tuple[str, ...] = ("real_estate", "vehicle", "equity", "land_use_right", "other")
CASE_TYPES: tuple[str, ...] = (
    "personal_bankruptcy", "enterprise_bankruptcy", "enforcement", "civil_suit",
)
IDENTIFIER_KINDS: tuple[str, ...] = ("phone", "address", "email", "device", "ip", "other")
