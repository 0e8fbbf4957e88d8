"""The declarative schema: a broken file fails at load, with the culprit named."""

import pytest
import yaml

from clawback.errors import SchemaError
from clawback.graph.schema import SCHEMA, load_schema


def _raw():
    return yaml.safe_load(SCHEMA._raw and yaml.safe_dump(dict(SCHEMA._raw)))


def _broken(mutate) -> str:
    raw = _raw()
    mutate(raw)
    return yaml.safe_dump(raw, allow_unicode=True)


def test_contract_tables_and_required_columns():
    assert set(SCHEMA.inputs) == {
        "persons", "companies", "relations", "company_roles", "accounts", "transfers",
        "properties", "property_transfers", "cases", "identifiers",
    }
    assert SCHEMA.inputs["persons"].required_columns == ("person_id", "name")
    assert SCHEMA.inputs["property_transfers"].required_columns == (
        "property_id", "to_party", "date")
    assert SCHEMA.inputs["transfers"].columns["from_account"].value_required is False
    assert SCHEMA.inputs["transfers"].columns["amount"].value_required is True


def test_every_relation_has_an_inverse_that_inverts_back():
    inv = SCHEMA.relation_inverse
    assert {r: inv[inv[r]] for r in inv} == {r: r for r in inv}
    assert inv["parent_in_law"] == "child_in_law"


def test_every_element_has_both_captions_and_provenance():
    for label in SCHEMA.nodes:
        assert SCHEMA.caption(label, "zh") and SCHEMA.caption(label, "en")
        if not SCHEMA.nodes[label].system:
            assert {"src_file", "src_row", "load_batch"} <= set(SCHEMA.node_properties(label))
    for rel in SCHEMA.relationships:
        assert {"src_file", "src_row", "load_batch"} <= set(SCHEMA.rel_properties(rel))


def test_packaged_schema_round_trips():
    assert load_schema(yaml.safe_dump(dict(SCHEMA._raw), allow_unicode=True)) == SCHEMA


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda r: r["inputs"]["persons"]["columns"]["name"].update(type="text"),
     "inputs.persons.name"),
    (lambda r: r["inputs"]["accounts"]["columns"]["holder_id"].update(ref=["people"]),
     "ref 'people'"),
    (lambda r: r["nodes"]["Person"].update(key="pid"), "nodes.Person"),
    (lambda r: r["relationships"]["HOLDS"].update(to=["Wallet"]), "relationships.HOLDS"),
    (lambda r: r["relationships"]["HOLDS"]["caption"].pop("zh"), "caption"),
    (lambda r: r["relation_inverse"].pop("parent"), "relation_inverse"),
    (lambda r: r["inputs"]["cases"]["columns"]["case_type"].update(enum="kinds"), "enum"),
])
def test_broken_schema_names_the_culprit(mutate, message):
    with pytest.raises(SchemaError, match=message):
        load_schema(_broken(mutate))
