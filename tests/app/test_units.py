"""The app's library parts without Streamlit: amounts, the graph fold, the no-CDN page, the
per-debtor lookups and the console's refusal of writes."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from clawback.app import data, fmt, i18n
from clawback.app.graphview import Graph, fold, render_html
from clawback.graph.embedded import LadybugStore


def test_money_in_both_languages():
    assert fmt.money(400_000, "CNY", "zh") == "¥40万"
    assert fmt.money(123_456_789, "CNY", "zh") == "¥1.23亿"
    assert fmt.money(9_999, "CNY", "zh") == "¥9,999"
    assert fmt.money(400_000, "CNY", "en") == "CNY 400,000"


def test_every_text_has_both_languages():
    for key, (en, zh) in i18n.TEXT.items():
        assert en and zh, key


def _star(leaves: int) -> Graph:
    g = Graph()
    g.node("D", "debtor", "debtor")
    for i in range(leaves):
        g.node(f"P{i:04d}", f"p{i}", "Person")
        g.edge("D", f"P{i:04d}", "TRANSFERRED_TO", float(i))
    return g


def test_fold_caps_the_drawing_and_keeps_the_largest_flows():
    out = fold(_star(1000), cap=300)
    assert len(out.nodes) <= 300 and out.folded == 1000 - 40
    more = [n for n in out.nodes.values() if n["kind"] == "more"]
    assert [m["label"] for m in more] == ["+960"]
    kept = {n for n in out.nodes if n.startswith("P")}
    assert kept == {f"P{i:04d}" for i in range(960, 1000)}   # the 40 largest amounts
    assert fold(_star(10), cap=300).folded == 0


def test_graph_page_loads_nothing_from_the_network():
    page = render_html(fold(_star(50)), "zh")
    assert "vis.Network" in page and "+10" in page
    loaded = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", page)
    assert loaded == []
    assert not re.search(r"cdnjs|jsdelivr|unpkg|googleapis", page)


def test_debtor_lookups_on_the_scenario_store(scenario_store):
    with LadybugStore(scenario_store, read_only=True) as store:
        facts = data.case_facts(store, "K04")
        assert facts["debtor_id"] == "D04" and facts["debtor_label"] == "Person"
        accounts = data.debtor_accounts(store, "D04")
        transfers = data.debtor_transfers(store, accounts["account_id"].tolist())
        assert set(transfers["direction"]) == {"in", "out"}
        assert transfers["transfer_id"].is_unique
        assert (transfers["timestamp"].diff().dropna() >= pd.Timedelta(0)).all()
        relatives = data.debtor_relatives(store, "D04")
        assert "former_spouse" in set(relatives["relation"])
        with pytest.raises(data.ClawbackError, match="NOPE"):
            data.case_facts(store, "NOPE")


def test_console_refuses_writes(scenario_store):
    with LadybugStore(scenario_store, read_only=True) as store:
        frame = data.console_query(store, "MATCH (p:Person) RETURN count(*) AS n")
        assert int(frame["n"][0]) > 0
        with pytest.raises(data.ConsoleRefused, match="read-only"):
            data.console_query(store, "MATCH (p:Person) SET p.name = 'x' RETURN p")
        with LadybugStore(scenario_store, read_only=True) as again:
            assert again.query("MATCH (p:Person) WHERE p.name = 'x' RETURN count(*)").rows == [[0]]


def test_lean_transfer_lookup_matches_the_plain_matches(scenario_store):
    """debtor_transfers selects by internal offset on the embedded store; it must find exactly
    what the plain key matches find, in both directions, for every debtor."""
    with LadybugStore(scenario_store, read_only=True) as store:
        debtors = [r[0] for r in store.query("MATCH (c:Proceeding) RETURN c.debtor_id").rows]
        seen_in = 0
        for debtor in debtors:
            accs = data.debtor_accounts(store, debtor)["account_id"].tolist()
            got = data.debtor_transfers(store, accs)
            plain = {}
            for direction, pattern in (("out", "(a:Account)-[t:TRANSFERRED_TO]->(b:Account)"),
                                       ("in", "(b:Account)-[t:TRANSFERRED_TO]->(a:Account)")):
                for (tid,) in store.query(f"MATCH {pattern} WHERE a.account_id IN $a "
                                          "RETURN t.transfer_id", {"a": accs}).rows:
                    plain.setdefault(tid, direction)
            assert dict(zip(got["transfer_id"], got["direction"], strict=True)) == plain, debtor
            seen_in += (got["direction"] == "in").sum()
        assert seen_in > 0


def test_graph_colours_counterparties_by_their_node_type(scenario_store):
    """The employer, the bank and the hospital are companies the debtor has no role in: the
    graph still draws them as companies, and the relatives as persons."""
    from clawback.app.graphview import debtor_graph

    with LadybugStore(scenario_store, read_only=True) as store:
        facts = data.case_facts(store, "K04")
        accounts = data.debtor_accounts(store, "D04")
        transfers = data.debtor_transfers(store, accounts["account_id"].tolist())
        relatives = data.debtor_relatives(store, "D04")
        companies = data.debtor_companies(store, ["D04", *relatives["person_id"]])
        properties = data.debtor_properties(store, ["D04", *relatives["person_id"]])
    assert {"EMP", "BANK"} <= set(transfers.loc[transfers["counter_label"] == "Company",
                                                "counter_holder"])
    graph = debtor_graph(facts, relatives, companies, transfers, properties)
    kinds = {node_id: node["kind"] for node_id, node in graph.nodes.items()}
    assert kinds["EMP"] == "Company" and kinds["BANK"] == "Company"
    assert all(kinds[p] == "Person" for p in relatives["person_id"] if p in kinds)


def test_graph_nodes_carry_their_type_colour():
    """Each node is drawn in its type's colour (a vis "group" would repaint it)."""
    import json as _json

    from clawback.app.graphview import COLOURS, Graph, render_html

    g = Graph()
    g.node("D1", "债务人", "debtor", "D1")
    g.node("P1", "亲属", "Person", "P1")
    g.node("C1", "公司", "Company", "C1")
    g.edge("D1", "C1", "TRANSFERRED_TO", 100.0, "1 × 100")
    page = render_html(g, "zh")
    nodes = _json.loads(page.rsplit("var data = ", 1)[1].split(";\n", 1)[0])["nodes"]
    assert {n["id"]: n["color"] for n in nodes} == {
        "D1": COLOURS["debtor"], "P1": COLOURS["Person"], "C1": COLOURS["Company"]}
    assert not any("group" in n for n in nodes)
