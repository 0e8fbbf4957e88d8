"""The declarative schema, loaded from ``schema.yaml`` and checked at import.

>>> from clawback.graph.schema import SCHEMA
>>> SCHEMA.nodes["Person"].key
'person_id'
>>> SCHEMA.inputs["transfers"].required_columns
('transfer_id', 'from_account', 'to_account', 'amount', 'timestamp')
>>> SCHEMA.relationships["TRANSFERRED_TO"].property_types["amount"]
'float'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from clawback.errors import SchemaError

__all__ = [
    "COLUMN_TYPES",
    "PROPERTY_TYPES",
    "SCHEMA",
    "Column",
    "InputTable",
    "NodeType",
    "RelType",
    "Schema",
    "load_schema",
]

COLUMN_TYPES = frozenset(
    {"id", "string", "date", "timestamp", "decimal", "fraction", "enum", "list", "currency"}
)
PROPERTY_TYPES = frozenset({"string", "date", "timestamp", "float", "int", "bool"})


@dataclass(frozen=True)
class Column:
    """One column of an input table."""

    name: str
    type: str
    required: bool = False
    allow_empty: bool = False
    enum: str | None = None
    ref: tuple[str, ...] = ()
    default: str | None = None
    positive: bool = False
    non_negative: bool = False
    sensitive: bool = False

    @property
    def value_required(self) -> bool:
        """True when an empty value in this column makes the row untrustworthy."""
        return self.required and not self.allow_empty


@dataclass(frozen=True)
class InputTable:
    """One table of the public input contract."""

    name: str
    columns: Mapping[str, Column]
    key: str | None = None

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns.values() if c.required)


@dataclass(frozen=True)
class _ElementType:
    name: str
    key: str
    property_types: Mapping[str, str]
    caption: Mapping[str, str]
    table: str | None = None
    system: bool = False
    indexes: tuple[str, ...] = ()   # properties a server store indexes besides the key

    def all_property_types(self, provenance: Mapping[str, str]) -> dict[str, str]:
        """Properties including the provenance ones (system types carry none)."""
        if self.system:
            return dict(self.property_types)
        return {**self.property_types, **provenance}


@dataclass(frozen=True)
class NodeType(_ElementType):
    """A node label."""


@dataclass(frozen=True)
class RelType(_ElementType):
    """A relationship type with its own key property."""

    from_labels: tuple[str, ...] = ()
    to_labels: tuple[str, ...] = ()
    embedded_storage: str = "both"


@dataclass(frozen=True)
class Schema:
    """The whole schema: enums, input tables, node labels and relationship types."""

    version: int
    enums: Mapping[str, tuple[str, ...]]
    relation_inverse: Mapping[str, str]
    inputs: Mapping[str, InputTable]
    provenance: Mapping[str, str]
    nodes: Mapping[str, NodeType]
    relationships: Mapping[str, RelType]
    _raw: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)

    def node_properties(self, label: str) -> dict[str, str]:
        """Property name -> type for a label, provenance included."""
        return self.nodes[label].all_property_types(self.provenance)

    def rel_properties(self, rel_type: str) -> dict[str, str]:
        """Property name -> type for a relationship type, provenance included."""
        return self.relationships[rel_type].all_property_types(self.provenance)

    def label_of_table(self, table: str) -> str:
        """The node label whose nodes a (keyed) input table defines."""
        for node in self.nodes.values():
            if node.table == table and self.inputs[table].key == node.key:
                return node.name
        raise KeyError(f"no node label is defined by table {table!r}")

    def caption(self, name: str, lang: str = "en") -> str:
        """The caption of a label or relationship type in ``lang`` ('en' or 'zh')."""
        element = self.nodes.get(name) or self.relationships.get(name)
        if element is None:
            raise KeyError(f"unknown label or relationship type {name!r}")
        return element.caption.get(lang) or element.caption["en"]


def _fail(where: str, message: str) -> SchemaError:
    return SchemaError(f"schema.yaml: {where}: {message}")


def _parse_columns(table: str, raw: Mapping[str, Any], enums: Mapping[str, Any]) -> dict:
    columns: dict[str, Column] = {}
    for name, spec in raw.items():
        where = f"inputs.{table}.{name}"
        unknown = set(spec) - {f for f in Column.__dataclass_fields__ if f != "name"}
        if unknown:
            raise _fail(where, f"unknown attribute(s) {sorted(unknown)}")
        if spec.get("type") not in COLUMN_TYPES:
            raise _fail(where, f"type {spec.get('type')!r} is not one of {sorted(COLUMN_TYPES)}")
        if spec["type"] == "enum" and spec.get("enum") not in enums:
            raise _fail(where, f"enum {spec.get('enum')!r} is not declared under enums")
        columns[name] = Column(name=name, **{**spec, "ref": tuple(spec.get("ref", ()))})
    return columns


def _parse_element(kind: str, name: str, spec: Mapping[str, Any], nodes: Mapping | None):
    where = f"{kind}.{name}"
    props = dict(spec.get("properties") or {})
    for prop, ptype in props.items():
        if ptype not in PROPERTY_TYPES:
            raise _fail(f"{where}.{prop}", f"type {ptype!r} is not one of {sorted(PROPERTY_TYPES)}")
    if spec.get("key") not in props:
        raise _fail(where, f"key {spec.get('key')!r} is not among its properties")
    caption = spec.get("caption") or {}
    if not {"en", "zh"} <= set(caption):
        raise _fail(where, "needs a caption in both en and zh")
    indexes = tuple(spec.get("indexes") or ())
    unknown = [p for p in indexes if p not in props]
    if unknown:
        raise _fail(where, f"indexes name unknown properties {unknown}")
    common: dict[str, Any] = dict(
        name=name,
        key=spec["key"],
        property_types=props,
        caption=caption,
        table=spec.get("table"),
        system=bool(spec.get("system", False)),
        indexes=indexes,
    )
    if nodes is None:
        return NodeType(**common)
    ends: dict[str, tuple[str, ...]] = {}
    for end in ("from", "to"):
        labels = tuple(spec.get(end) or ())
        missing = [label for label in labels if label not in nodes]
        if not labels or missing:
            raise _fail(where, f"'{end}' must list known node labels (unknown: {missing})")
        ends[f"{end}_labels"] = labels
    storage = spec.get("embedded_storage", "both")
    if storage not in {"both", "fwd"}:
        raise _fail(where, f"embedded_storage {storage!r} is not 'both' or 'fwd'")
    return RelType(**common, from_labels=ends["from_labels"], to_labels=ends["to_labels"],
                   embedded_storage=storage)


def load_schema(text: str) -> Schema:
    """Parse and check a schema document; raise :class:`SchemaError` naming the culprit."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise SchemaError(f"schema.yaml is not valid YAML: {e}") from e
    enums = {k: tuple(str(v) for v in vals) for k, vals in raw["enums"].items()}
    inverse = dict(raw["relation_inverse"])
    if set(inverse) != set(enums["relation"]) or not set(inverse.values()) <= set(inverse):
        raise _fail("relation_inverse", "must map every relation to a relation")
    inputs = {
        name: InputTable(name=name, columns=_parse_columns(name, spec["columns"], enums),
                         key=spec.get("key"))
        for name, spec in raw["inputs"].items()
    }
    for table in inputs.values():
        if table.key is not None and table.key not in table.columns:
            raise _fail(f"inputs.{table.name}", f"key {table.key!r} is not a column")
        for column in table.columns.values():
            for ref in column.ref:
                if ref not in inputs or inputs[ref].key is None:
                    raise _fail(f"inputs.{table.name}.{column.name}",
                                f"ref {ref!r} is not a keyed input table")
    provenance = dict(raw["provenance"])
    nodes = {name: _parse_element("nodes", name, spec, None)
             for name, spec in raw["nodes"].items()}
    rels = {name: _parse_element("relationships", name, spec, nodes)
            for name, spec in raw["relationships"].items()}
    for element in [*nodes.values(), *rels.values()]:
        if element.table is not None and element.table not in inputs:
            raise _fail(element.name, f"table {element.table!r} is not an input table")
        clash = set(element.property_types) & set(provenance)
        if clash:
            raise _fail(element.name, f"properties {sorted(clash)} clash with provenance")
    return Schema(version=int(raw["version"]), enums=enums, relation_inverse=inverse,
                  inputs=inputs, provenance=provenance, nodes=nodes, relationships=rels,
                  _raw=raw)


def _load_packaged() -> Schema:
    text = resources.files("clawback.graph").joinpath("schema.yaml").read_text("utf-8")
    return load_schema(text)


SCHEMA: Schema = _load_packaged()
"""The schema every part of clawback uses."""
