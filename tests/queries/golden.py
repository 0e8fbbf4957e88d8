"""Which run of which query each golden file records, and how to compare against it.

The golden files (``golden/*.json``) were written from the real Neo4j with
``CLAWBACK_UPDATE_GOLDEN=1`` and checked row by row against the facts drawn in
``tests/queries/fixture.py``; the embedded store must give exactly the same rows for every
portable query.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from clawback.graph.store import QueryResult
from clawback.queries.registry import REGISTRY, canonical_rows

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("CLAWBACK_UPDATE_GOLDEN"))

# golden file stem -> (query, parameters as a user types them)
RUNS: dict[str, tuple[str, dict[str, str]]] = {
    name: (name, {"case_id": "K01"})
    for name, q in REGISTRY.items() if any(p.name == "case_id" for p in q.params)
}
RUNS.update({
    "accounts_receiving_from_several_debtors": ("accounts_receiving_from_several_debtors", {}),
    "transfers_by_id": ("transfers_by_id", {"transfer_ids": "T00012,T00010,T99999"}),
    "transfers_to_relatives_before_acceptance~200days": (
        "transfers_to_relatives_before_acceptance", {"case_id": "K01", "days": "200"}),
    "money_paths_to_relatives~2hops": (
        "money_paths_to_relatives", {"case_id": "K01", "max_hops": "2"}),
    "large_outgoing_transfers~K02": (
        "large_outgoing_transfers", {"case_id": "K02", "min_amount": "10000"}),
    "shared_identifiers_with_debtor~phone": (
        "shared_identifiers_with_debtor", {"case_id": "K01", "kinds": "phone"}),
    "undervalue_conveyances_to_relatives~K02": (
        "undervalue_conveyances_to_relatives", {"case_id": "K02"}),
})


def golden_path(stem: str) -> Path:
    return GOLDEN_DIR / f"{stem}.json"


def check(stem: str, result: QueryResult, *, update: bool = False) -> None:
    """Compare ``result`` with the golden file (or write it when ``update``)."""
    query, params = RUNS[stem]
    data: dict[str, Any] = {"query": query, "params": params, **canonical_rows(result)}
    path = golden_path(stem)
    if update:
        GOLDEN_DIR.mkdir(exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path.name}; run the neo4j tests with " \
                          "CLAWBACK_UPDATE_GOLDEN=1"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert data == expected, f"{stem}: rows differ from {path.name}"
