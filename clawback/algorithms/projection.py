"""Project a store's graph (or part of it) into python-igraph.

Vertices are named ``Label:key`` so that a person and a company with the same id cannot meet;
edge attributes are the relationship properties asked for, typed as the store returns them.

>>> import tempfile
>>> from clawback.graph.embedded import LadybugStore
>>> with LadybugStore(tempfile.mkdtemp()) as store:
...     p = project(store, ["Person"], ["RELATED_TO"])
>>> p.graph.vcount(), p.graph.ecount()
(0, 0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import igraph as ig
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clawback.graph.store import GraphStore

__all__ = ["Projection", "project"]


@dataclass(frozen=True)
class Projection:
    """An igraph graph plus the mapping from vertex index to ``(label, key)``."""

    graph: ig.Graph
    labels: np.ndarray
    keys: np.ndarray

    def vertex(self, label: str, key: str) -> int:
        """Index of the vertex for ``label``/``key``; KeyError naming it if absent."""
        try:
            return int(self.graph.vs.find(name=f"{label}:{key}").index)
        except ValueError:
            raise KeyError(f"{label} {key!r} not in the projection") from None


def project(
    store: GraphStore,
    labels: Sequence[str],
    rel_types: Sequence[str],
    *,
    edge_properties: Mapping[str, Sequence[str]] | None = None,
) -> Projection:
    """A directed multigraph of the given labels and relationship types.

    Relationships whose end nodes are not among ``labels`` are left out. ``edge_properties``
    names, per type, the properties to carry as edge attributes (default: the key only).
    Vertices are ordered by label then key, edges by type then key, whatever order the store
    returns them in: the same graph gives the same projection (and the same seeded results)
    on every store.
    """
    names: list[pa.Array] = []
    label_cols: list[str] = []
    for label in labels:
        key = store.schema.nodes[label].key
        ids = store.node_table(label, [key]).column(key).combine_chunks()
        ids = ids.take(pc.sort_indices(ids))
        names.append(pc.binary_join_element_wise(label, ids, ":"))
        label_cols.extend([label] * len(ids))
    vertex_names = pa.concat_arrays(names) if names else pa.array([], pa.string())
    index = {name: i for i, name in enumerate(vertex_names.to_pylist())}

    sources: list[int] = []
    targets: list[int] = []
    types: list[str] = []
    attrs: dict[str, list] = {}
    wanted = set(labels)
    for rel_type in rel_types:
        props = list((edge_properties or {}).get(rel_type, [store.schema.relationships[rel_type]
                                                           .key]))
        rel_key = store.schema.relationships[rel_type].key
        table = store.edge_table(rel_type, list(dict.fromkeys([rel_key, *props])))
        table = table.sort_by(rel_key)
        keep = pc.and_(pc.is_in(table["from_label"], pa.array(list(wanted))),
                       pc.is_in(table["to_label"], pa.array(list(wanted))))
        table = table.filter(keep)
        src = pc.binary_join_element_wise(table["from_label"], table["from"], ":").to_pylist()
        dst = pc.binary_join_element_wise(table["to_label"], table["to"], ":").to_pylist()
        sources.extend(index[s] for s in src)
        targets.extend(index[t] for t in dst)
        types.extend([rel_type] * table.num_rows)
        for prop in props:
            attrs.setdefault(prop, [None] * (len(types) - table.num_rows))
            attrs[prop].extend(table[prop].to_pylist())
        for prop in attrs:
            attrs[prop].extend([None] * (len(types) - len(attrs[prop])))

    graph = ig.Graph(n=len(index), edges=list(zip(sources, targets, strict=True)),
                     directed=True)
    graph.vs["name"] = vertex_names.to_pylist()
    graph.vs["label"] = label_cols
    graph.es["type"] = types
    for prop, values in attrs.items():
        graph.es[prop] = values
    keys = np.array([n.split(":", 1)[1] for n in vertex_names.to_pylist()], dtype=object)
    return Projection(graph=graph, labels=np.array(label_cols, dtype=object), keys=keys)
