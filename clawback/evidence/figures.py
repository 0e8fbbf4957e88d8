"""The bundle's two figures, drawn with matplotlib (Agg) as PNG bytes that are the same for the
same case: the subgraph (a fixed radial layout, no randomness) and the timeline of the cited
acts against the anchor and the rules' windows. Text uses the embedded CJK font.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure

from clawback.evidence.collect import CaseEvidence, Subgraph
from clawback.evidence.fonts import cjk_font
from clawback.graph.schema import SCHEMA

__all__ = ["graph_figure", "layout", "timeline_figure"]

_COLOURS = {"Person": "#4c78a8", "Company": "#f58518", "Account": "#9d9d9d",
            "Property": "#54a24b", "Proceeding": "#b279a2"}
_EDGE_COLOURS = {"TRANSFERRED_TO": "#d62728", "ACQUIRED_TITLE": "#2ca02c",
                 "CONVEYED_TITLE": "#2ca02c", "RELATED_TO": "#1f77b4", "ROLE_IN": "#ff7f0e",
                 "HOLDS": "#bbbbbb", "PARTY_TO": "#b279a2"}
_TEXT = {
    "graph": {"en": "Case subgraph: parties, accounts, cited transfers and titles",
              "zh": "案件子图：当事人、账户、所引转账及产权变动"},
    "timeline": {"en": "Timeline of the cited acts", "zh": "所引行为时间线"},
    "anchor": {"en": "anchor", "zh": "锚定日"},
    "proxy": {"en": "anchor (proxy: filing date)", "zh": "锚定日（替代：申请日）"},
    "amount": {"en": "amount", "zh": "金额"},
    "transfer": {"en": "transfer", "zh": "转账"},
    "title": {"en": "title transfer", "zh": "产权转让"},
    "window": {"en": "window", "zh": "窗口"},
}


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _font(size: float = 8) -> font_manager.FontProperties:
    return font_manager.FontProperties(fname=str(cjk_font()), size=size)


def layout(graph: Subgraph) -> dict[str, tuple[float, float]]:
    """A fixed radial layout: the debtor in the middle, the other parties on a circle in id
    order, each account between its holder and the centre, properties outside, the case above.

    >>> g = Subgraph()
    >>> _ = g.add_node("Person", "D1", debtor=True); _ = g.add_node("Person", "P2")
    >>> layout(g)["Person:D1"]
    (0.0, 0.0)
    """
    pos: dict[str, tuple[float, float]] = {}
    parties = [n for n, a in graph.nodes.items() if a["label"] in ("Person", "Company")]
    debtors = [n for n in parties if graph.nodes[n].get("debtor")]
    others = [n for n in parties if n not in debtors]
    for n in debtors:
        pos[n] = (0.0, 0.0)
    for i, n in enumerate(others):
        angle = 2 * math.pi * i / max(len(others), 1) + math.pi / 6
        pos[n] = (math.cos(angle), math.sin(angle))
    holders: dict[str, list[str]] = {}
    for e in graph.edges:
        if e["type"] == "HOLDS":
            holders.setdefault(e["source"], []).append(e["target"])
    placed: set[str] = set()
    for holder, accounts in sorted(holders.items()):
        hx, hy = pos.get(holder, (0.0, 0.0))
        for j, acc in enumerate(sorted(accounts)):
            if holder in debtors:
                angle = 2 * math.pi * (j + 0.5) / max(len(accounts), 1)
                pos[acc] = (0.35 * math.cos(angle), 0.35 * math.sin(angle))
            else:
                spread = (j - (len(accounts) - 1) / 2) * 0.12
                pos[acc] = (0.65 * hx - spread * hy, 0.65 * hy + spread * hx)
            placed.add(acc)
    props = [n for n, a in graph.nodes.items() if a["label"] == "Property"]
    for i, n in enumerate(props):
        angle = 2 * math.pi * (i + 0.5) / max(len(props), 1) - math.pi / 2
        pos[n] = (1.45 * math.cos(angle), 1.45 * math.sin(angle))
    rest = [n for n in graph.nodes if n not in pos]
    for i, n in enumerate(rest):
        pos[n] = (-1.5 + 3.0 * i / max(len(rest) - 1, 1), 1.65)
    return pos


def graph_figure(ev: CaseEvidence, lang: str) -> bytes:
    """The subgraph as a PNG (nodes coloured by label, money edges labelled with amounts)."""
    font = _font()
    graph = ev.subgraph
    pos = layout(graph)
    fig, ax = plt.subplots(figsize=(7.5, 6.2))
    ax.set_axis_off()
    ax.set_title(_TEXT["graph"][lang], fontproperties=font, fontsize=11)
    for e in graph.edges:
        (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
        colour = _EDGE_COLOURS.get(e["type"], "#888888")
        ax.annotate("", xy=(x2, y2), xytext=(x1, y1),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.2,
                                "shrinkA": 9, "shrinkB": 9,
                                "connectionstyle": "arc3,rad=0.08"})
        label = None
        if e["type"] in ("TRANSFERRED_TO", "ACQUIRED_TITLE") and e.get("amount") is not None:
            label = f"{e['amount']:,.0f}"
        elif e["type"] == "RELATED_TO":
            label = str(e.get("relation", ""))
        if label:
            ax.text((x1 + x2) / 2, (y1 + y2) / 2, label, fontproperties=font, fontsize=6.5,
                    color=colour, ha="center", va="center",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.8})
    for node_id, attrs in graph.nodes.items():
        x, y = pos[node_id]
        size = 260 if attrs.get("debtor") else 150
        ax.scatter([x], [y], s=size, c=_COLOURS.get(attrs["label"], "#cccccc"), zorder=3,
                   edgecolors="black" if attrs.get("debtor") else "white", linewidths=1.2)
        name = str(attrs.get("name") or attrs["key"])
        text = name if name == attrs["key"] else f"{name}\n{attrs['key']}"
        ax.text(x, y - 0.09, text, fontproperties=font, fontsize=7, ha="center", va="top",
                zorder=4)
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=SCHEMA.caption(label, lang))
               for label, c in _COLOURS.items()
               if any(a["label"] == label for a in graph.nodes.values())]
    ax.legend(handles=handles, loc="lower right", frameon=False, prop=font)
    ax.set_xlim(-1.8, 1.8)
    ax.set_ylim(-1.8, 1.85)
    ax.set_aspect("equal")
    fig.tight_layout()
    return _png(fig)


def _events(ev: CaseEvidence) -> list[tuple[dt.date, float, str, str]]:
    out = [(t["date"], float(t["amount"]), "transfer", str(t["transfer_id"]))
           for t in ev.records["transfers"] if t["date"] is not None]
    for t in ev.records["title_transfers"]:
        value = t["market_value"] if t["market_value"] is not None else t["price"]
        out.append((t["date"], float(value or 0.0), "title", str(t["property_id"])))
    return sorted(out, key=lambda e: (e[0], e[3]))


def timeline_figure(ev: CaseEvidence, lang: str) -> bytes:
    """The cited acts on a time axis (amount up), with the anchor and each rule's window."""
    font = _font()
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    ax.set_title(_TEXT["timeline"][lang], fontproperties=font, fontsize=11)
    events = _events(ev)
    markers = {"transfer": ("o", "#d62728"), "title": ("s", "#2ca02c")}
    amounts = [e[1] for e in events if e[1] > 0]
    # a property next to small transfers: a log scale keeps both readable
    log = bool(amounts) and max(amounts) / min(amounts) > 50
    floor = min(amounts, default=1.0) / 2 if log else 0.0
    top = (max(amounts, default=1.0) * (3.0 if log else 1.25)) or 1.0
    for kind, (marker, colour) in markers.items():
        mine = [e for e in events if e[2] == kind]
        if mine:
            ax.scatter([mdates.date2num(e[0]) for e in mine], [max(e[1], floor) for e in mine],
                       marker=marker, c=colour, label=_TEXT[kind][lang], zorder=3, s=22)
    # ids on the largest acts only, none crowding another (the evidence table lists them all)
    labelled: list[tuple[dt.date, float]] = []
    for e in sorted(events, key=lambda e: (-e[1], e[0], e[3])):
        y = max(e[1], floor)
        if len(labelled) == 8 or any(abs((e[0] - d).days) < 60 and (
                max(y, v) / max(min(y, v), 1e-9) < 2.5 if log else abs(y - v) < 0.08 * top)
                for d, v in labelled):
            continue
        labelled.append((e[0], y))
        ax.annotate(e[3], (mdates.date2num(e[0]), y), fontsize=5.5,
                    xytext=(3, 3), textcoords="offset points", fontproperties=font)
    dates: list[Any] = [e[0] for e in events]
    if ev.anchor is not None:
        label = _TEXT["proxy" if ev.anchor.proxy else "anchor"][lang]
        ax.axvline(mdates.date2num(ev.anchor.date), color="black", lw=1.2, ls="--", label=label)
        dates.append(ev.anchor.date)
    starts = sorted({(w.window_start, w.rule.id) for w in ev.rules.values()
                     if w.window_start is not None})
    end = ev.anchor.date if ev.anchor is not None else max(dates, default=None)
    for i, (start, rule_id) in enumerate(starts):
        ax.axvline(mdates.date2num(start), color="#7f7f7f", lw=0.8, ls=":")
        if end is not None:  # each rule's look-back window, shaded up to the anchor
            ax.axvspan(mdates.date2num(start), mdates.date2num(end), color="#7f7f7f",
                       alpha=0.06, lw=0)
        y = top * (0.97 - 0.07 * (i % 6)) if not log else top / (1.6 ** (i % 6))
        ax.text(mdates.date2num(start), y, f" {_TEXT['window'][lang]} {rule_id}",
                fontproperties=font, fontsize=6, va="top")
        dates.append(start)
    if dates:
        lo, hi = min(dates), max(dates)
        pad = dt.timedelta(days=max((hi - lo).days // 20, 15))
        ax.set_xlim(mdates.date2num(lo - pad), mdates.date2num(hi + pad))
    if log:
        ax.set_yscale("log")
        ax.set_ylim(floor / 1.5, top)
    else:
        ax.set_ylim(0, top)
    ax.set_ylabel(f"{_TEXT['amount'][lang]} ({ev.score['currency']})", fontproperties=font)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    for tick in ax.get_xticklabels() + ax.get_yticklabels():
        tick.set_fontsize(7)
    ax.legend(loc="lower left", prop=font, frameon=False)
    fig.autofmt_xdate()
    fig.tight_layout()
    return _png(fig)
