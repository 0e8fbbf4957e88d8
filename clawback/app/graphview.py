"""The family–money–company graph of one debtor, drawn with pyvis (vis-network) from local files.

:func:`debtor_graph` turns the debtor page's tables into nodes and edges (colour by node type,
edge width by amount); :func:`fold` keeps the drawing readable by folding the smallest
neighbours of a crowded node into one "+N more" node, so that at most ``cap`` nodes remain;
:func:`render_html` writes a self-contained page with vis-network's JavaScript and CSS inlined
from ``clawback/app/static`` — no CDN, since banks run the app on closed networks.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import pandas as pd
from pyvis.network import Network

__all__ = ["COLOURS", "Graph", "debtor_graph", "fold", "render_html", "vis_assets"]

COLOURS = {
    "debtor": "#d62728", "Person": "#1f77b4", "Company": "#ff7f0e", "Account": "#7f7f7f",
    "Property": "#2ca02c", "more": "#bbbbbb",
}
"""Node colour by node type (the debtor has its own)."""

_CAPTIONS = {
    "debtor": ("Debtor", "债务人"), "Person": ("Person", "自然人"),
    "Company": ("Company", "企业"), "Property": ("Property", "财产"),
    "more": ("folded", "已折叠"),
}


@dataclass
class Graph:
    """Nodes (``id``, ``label``, ``kind``, ``title``) and edges (``from``, ``to``, ``kind``,
    ``amount``, ``title``) of a drawing; ``folded`` counts the nodes folded away."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, Any]] = field(default_factory=list)
    folded: int = 0

    def node(self, node_id: str, label: str, kind: str, title: str = "") -> None:
        if node_id not in self.nodes:
            self.nodes[node_id] = {"id": node_id, "label": label, "kind": kind,
                                   "title": title or label}

    def edge(self, a: str, b: str, kind: str, amount: float = 0.0, title: str = "") -> None:
        self.edges.append({"from": a, "to": b, "kind": kind, "amount": float(amount),
                           "title": title or kind})


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def debtor_graph(facts: dict[str, Any], relatives: pd.DataFrame, companies: pd.DataFrame,
                 transfers: pd.DataFrame, properties: pd.DataFrame) -> Graph:
    """The debtor at the centre; relatives; companies they hold roles in; everyone the debtor
    exchanged money with (transfers summed per counterparty and direction, accounts collapsed
    to their holders, cash kept as its own node); properties the family bought or conveyed."""
    g = Graph()
    debtor = str(facts["debtor_id"])
    g.node(debtor, str(facts.get("debtor_name") or debtor), "debtor",
           f"{facts.get('debtor_name') or debtor} ({debtor})")
    for r in relatives.to_dict("records"):
        pid = str(r["person_id"])
        g.node(pid, _text(r["name"]) or pid, "Person", f"{_text(r['name'])} ({pid})")
        g.edge(debtor, pid, "RELATED_TO", title=_text(r["relation"]))
    for r in companies.to_dict("records"):
        cid = str(r["company_id"])
        g.node(cid, _text(r["company_name"]) or cid, "Company",
               f"{_text(r['company_name'])} ({cid})")
        g.edge(str(r["party_id"]), cid, "ROLE_IN", title=_text(r["role"]))
    if len(transfers):
        t = transfers.copy()
        t["other"] = [_text(h) or f"cash:{a}" for h, a in zip(t["counter_holder"],
                                                            t["counter_account"], strict=True)]
        sums = t.groupby(["other", "direction"], sort=True).agg(
            amount=("amount", "sum"), n=("transfer_id", "size"),
            name=("counter_name", "first"),
            label=("counter_label", "first")).reset_index()
        for r in sums.to_dict("records"):
            other = str(r["other"])
            if other == debtor:
                continue
            kind = ("Account" if other.startswith("cash:") else
                    "Company" if r["label"] == "Company" or other in set(companies.get(
                        "company_id", pd.Series(dtype=str))) else "Person")
            if other not in g.nodes:
                label = _text(r["name"]) or ("现金/cash" if kind == "Account" else other)
                g.node(other, label, kind, f"{label} ({other})")
            a, b = (debtor, other) if r["direction"] == "out" else (other, debtor)
            g.edge(a, b, "TRANSFERRED_TO", float(r["amount"]),
                   f"{int(r['n'])} × {float(r['amount']):,.0f}")
    for r in properties.to_dict("records"):
        prop = str(r["property_id"])
        g.node(prop, _text(r["description"]) or prop, "Property",
               f"{_text(r['kind'])} {_text(r['location'])} ({prop})")
        value = r["market_value"] if pd.notna(r["market_value"]) else r["price"]
        party = str(r["party_id"])
        if party not in g.nodes:
            g.node(party, _text(r["party_name"]) or party, "Person")
        g.edge(party, prop, "ACQUIRED_TITLE" if r["act"] == "acquired" else "CONVEYED_TITLE",
               float(value) if pd.notna(value) else 0.0, f"{r['act']} {_text(r['date'])[:10]}")
    return g


def fold(graph: Graph, cap: int = 300, keep_per_hub: int = 40) -> Graph:
    """Fold leaves (nodes with a single neighbour) of crowded hubs into "+N more" nodes.

    Each hub keeps its ``keep_per_hub`` leaves with the most money (then by id); when the
    drawing still has more than ``cap`` nodes, hubs are trimmed further, the largest first,
    until it fits. A fold node's edge carries the folded amount. Deterministic.
    """
    if cap < 2:
        raise ValueError(f"a graph cap must be at least 2, not {cap}")
    degree: dict[str, set[str]] = {n: set() for n in graph.nodes}
    weight: dict[str, float] = dict.fromkeys(graph.nodes, 0.0)
    for e in graph.edges:
        degree[e["from"]].add(e["to"])
        degree[e["to"]].add(e["from"])
        weight[e["from"]] += e["amount"]
        weight[e["to"]] += e["amount"]
    leaves: dict[str, list[str]] = {}
    for n, ns in degree.items():
        if len(ns) == 1 and graph.nodes[n]["kind"] != "debtor":
            leaves.setdefault(next(iter(ns)), []).append(n)
    for hub in leaves:
        leaves[hub].sort(key=lambda n: (-weight[n], n))
    keep = {hub: min(len(ls), keep_per_hub) for hub, ls in leaves.items()}

    def size() -> int:
        folds = sum(1 for h, ls in leaves.items() if keep[h] < len(ls))
        return len(graph.nodes) - sum(len(ls) - keep[h] for h, ls in leaves.items()) + folds

    while size() > cap:
        hub = max(leaves, key=lambda h: (keep[h], h))
        if keep[hub] == 0:
            break
        keep[hub] -= 1
    dropped = {n for h, ls in leaves.items() for n in ls[keep[h]:]}
    if not dropped:
        return graph
    out = Graph(folded=len(dropped))
    out.nodes = {k: v for k, v in graph.nodes.items() if k not in dropped}
    out.edges = [e for e in graph.edges if e["from"] not in dropped and e["to"] not in dropped]
    for hub in sorted(leaves):
        gone = leaves[hub][keep[hub]:]
        if not gone:
            continue
        more = f"more:{hub}"
        out.node(more, f"+{len(gone)}", "more", f"+{len(gone)} more / 另有{len(gone)}个")
        out.edge(hub, more, "folded", sum(weight[n] for n in gone), f"+{len(gone)}")
    return out


def vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS, as shipped with the app (no network needed)."""
    base = resources.files("clawback.app").joinpath("static", "vis-9.1.2")
    return (base.joinpath("vis-network.min.js").read_text("utf-8"),
            base.joinpath("vis-network.css").read_text("utf-8"))


def _width(amount: float, largest: float) -> float:
    if amount <= 0 or largest <= 0:
        return 1.0
    return round(1.0 + 9.0 * math.log1p(amount) / math.log1p(largest), 2)


def render_html(graph: Graph, lang: str = "zh", height: int = 620) -> str:
    """A self-contained HTML page drawing ``graph``: nodes coloured by type, edges as wide as
    their amount, a legend in ``lang``; vis-network inlined, nothing fetched from the network.
    The layout is seeded, so the same graph is drawn the same way."""
    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line")
    for n in sorted(graph.nodes.values(), key=lambda n: n["id"]):
        net.add_node(n["id"], label=n["label"], title=n["title"], color=COLOURS[n["kind"]],
                     shape="box" if n["kind"] in ("Company", "Property") else "dot",
                     size=28 if n["kind"] == "debtor" else 14)
        # no vis "group": its palette would override the colours by node type
    largest = max((e["amount"] for e in graph.edges), default=0.0)
    for e in graph.edges:
        net.add_edge(e["from"], e["to"], title=e["title"], width=_width(e["amount"], largest),
                     color="#d62728" if e["kind"] == "TRANSFERRED_TO" else "#999999",
                     dashes=e["kind"] in ("RELATED_TO", "folded"))
    options = {"layout": {"randomSeed": 7}, "physics": {"stabilization": {"iterations": 200}},
               "interaction": {"hover": True}}
    nodes, edges = net.nodes, net.edges
    js, css = vis_assets()
    pick = 1 if lang == "zh" else 0
    legend = " ".join(
        f'<span style="color:{COLOURS[k]}">&#9679;</span> {html.escape(v[pick])}'
        for k, v in _CAPTIONS.items())
    data = json.dumps({"nodes": nodes, "edges": edges}, ensure_ascii=False).replace(
        "</", "<\\/")
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>{css}
body{{margin:0;font-family:sans-serif}} #legend{{font-size:13px;padding:4px}}
#graph{{width:100%;height:{height}px;border:1px solid #ddd}}</style>
<script>{js}</script></head>
<body><div id="legend">{legend}</div><div id="graph"></div>
<script>
var data = {data};
var network = new vis.Network(document.getElementById("graph"),
  {{nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)}},
  {json.dumps(options)});
</script></body></html>"""
