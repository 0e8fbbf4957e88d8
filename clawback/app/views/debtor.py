"""Debtor: key facts, the score waterfall with each finding's sentence, rules and evidence, the
timeline against the case's windows, the family–money–company graph, traced fund paths and the
tables of relatives, companies, properties and transfers."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from clawback.app import data, fmt, i18n, state
from clawback.app.graphview import debtor_graph, fold, render_html
from clawback.app.i18n import LANGS, t
from clawback.app.timeline import timeline_chart, timeline_events
from clawback.errors import ClawbackError

lang = state.lang()
ref = state.store_ref()
try:
    table = state.portfolio(ref)
    case_id = state.case_choice(table, st.query_params.get("case"), lang)
    facts = state.facts(ref, case_id)
    with st.spinner(t("loading", lang)):
        tables = state.debtor_tables(ref, case_id)
    explained = data.findings(state.result(ref), case_id, lang)
except ClawbackError as e:
    st.error(f"{t('missing', lang)}\n\n{e}")
    st.stop()

currency = str(facts.get("currency") or "CNY")
st.title(f"{facts['debtor_name']} · {case_id}")
m = st.columns(3) + st.columns(3)   # two rows: amounts and triage need the width
m[0].metric(t("score", lang), f"{explained['score']:.1f}")
m[1].metric(t("rank", lang), f"#{explained['rank']}")
m[2].metric(t("band", lang), i18n.band(explained["band"], lang))
m[3].metric(t("triage", lang), i18n.triage(explained["triage"], lang))
m[4].metric(t("recoverable", lang),
            fmt.money(explained["recoverable_estimate"], currency, lang, compact=True))
m[5].metric(t("claim", lang), fmt.money(facts.get("claim_amount"), currency, lang, compact=True))

st.subheader(t("key_facts", lang))
debtor = facts["debtor"]
id_number = str(debtor.get("id_number") or "")
key_facts = {
    t("debtor_id", lang): str(facts["debtor_id"]),
    t("jurisdiction", lang): str(facts.get("jurisdiction") or "–"),
    t("court", lang): str(facts.get("court") or "–"),
    t("case_type", lang): i18n.case_type(facts.get("case_type"), lang),
    t("filing", lang): fmt.day(facts.get("filing_date"), lang),
    t("acceptance", lang): fmt.day(facts.get("acceptance_date"), lang),
    t("birth_date", lang): fmt.day(debtor.get("birth_date"), lang),
    t("id_number", lang): ("*" * max(len(id_number) - 4, 0) + id_number[-4:]) or "–",
}
st.dataframe(pd.DataFrame([key_facts]), hide_index=True, width="stretch")

# -- the waterfall -------------------------------------------------------------------------------
st.subheader(t("waterfall", lang))
steps = explained["waterfall"]
transfers = tables["transfers"]
properties = tables["properties"]
if not steps:
    st.success(t("no_findings", lang))
else:
    frame = pd.DataFrame([{"signal": f"{s['signal']} {s['name']}", "points": s["points"]}
                          for s in steps])
    frame["end"] = frame["points"].cumsum()
    frame["start"] = frame["end"] - frame["points"]
    st.altair_chart(alt.Chart(frame).mark_bar().encode(
        y=alt.Y("signal:N", sort=None, title=None, axis=alt.Axis(labelLimit=420)),
        x=alt.X("start:Q", title=t("points", lang)), x2="end:Q",
        tooltip=["signal", "points"]), width="stretch")
    for s in steps:
        with st.expander(f"{s['signal']} · {s['name']} · +{s['points']:.1f}", expanded=True):
            st.caption(f"{t('weight', lang)} {s['weight']:.0f} × {t('strength', lang)} "
                       f"{s['strength']:.2f}")
            for f in s["findings"]:
                st.markdown(f"**{f['explanation']}** ({fmt.money(f['amount'], currency, lang)})")
                for rule in f["rules"]:
                    line = f"`{rule['id']}` {rule['citation']} — {t('verified', lang)}: " \
                           f"{rule['verified']}"
                    if rule["warning"]:
                        st.warning(f"{line} — {rule['warning']}")
                    else:
                        st.markdown(f"- {line}")
                ids = set(f["evidence"]) | {p for e in f["evidence"] for p in e.split("→")}
                rows = transfers[transfers["transfer_id"].isin(ids)]
                titles = properties[properties["title_transfer_id"].isin(ids)]
                st.caption(f"{t('evidence', lang)}: {'; '.join(f['evidence']) or '–'}")
                if len(rows):
                    st.dataframe(rows[["transfer_id", "date", "direction", "amount", "currency",
                                       "counter_name", "counter_account", "memo"]],
                                 hide_index=True, width="stretch")
                if len(titles):
                    st.dataframe(titles[["title_transfer_id", "date", "act", "property_id",
                                         "party_name", "counterparty_name", "price",
                                         "market_value"]], hide_index=True, width="stretch")

# -- timeline ------------------------------------------------------------------------------------
st.subheader(t("timeline", lang))
events = timeline_events(facts, transfers, properties, tables["relatives"], tables["companies"],
                         lang)
windows = data.rule_windows(str(facts.get("jurisdiction") or ""), facts.get("acceptance_date"),
                            facts.get("filing_date"), lang)
st.altair_chart(timeline_chart(events, windows, lang), width="stretch")
st.caption(t("windows_note", lang))
for w in windows[windows["warning"] != ""].to_dict("records"):
    st.warning(f"{w['rule_id']}: {w['warning']}")

# -- graph -------------------------------------------------------------------------------------
st.subheader(t("graph", lang))
graph = fold(debtor_graph(facts, tables["relatives"], tables["companies"], transfers,
                          properties), cap=300)
if graph.folded:
    st.caption(t("graph_folded", lang, n=graph.folded))
st.iframe(render_html(graph, lang), height=660)

# -- traced paths --------------------------------------------------------------------------------
st.subheader(t("paths", lang))
paths = tables["paths"]
if paths.empty:
    st.caption(t("no_paths", lang))
else:
    shown = paths.copy()
    shown["amount"] = shown["amount"].map(lambda a: fmt.money(a, currency, lang))
    shown["date"] = shown["date"].map(lambda d: fmt.day(d, lang))
    shown = shown[["signal", "path", "hop", "transfer_id", "date", "from_name", "from_account",
                   "to_name", "to_account", "amount"]]
    shown.columns = [t("signal", lang), t("path", lang), t("hop", lang), "transfer_id",
                     t("date", lang), t("from", lang), "from_account", t("to", lang),
                     "to_account", t("amount", lang)]
    st.dataframe(shown, hide_index=True, width="stretch")

# -- tables --------------------------------------------------------------------------------------
tab_rel, tab_co, tab_prop, tab_tr = st.tabs([t("relatives", lang), t("companies", lang),
                                             t("properties", lang), t("transfers", lang)])
with tab_rel:
    rel = tables["relatives"][["person_id", "name", "relation", "start_date", "end_date"]]
    rel.columns = ["person_id", t("name", lang), t("relation", lang), t("since", lang),
                   t("until", lang)]
    st.dataframe(rel, hide_index=True, width="stretch")
with tab_co:
    co = tables["companies"][["company_id", "company_name", "incorporation_date", "party_name",
                              "role", "share"]]
    co.columns = ["company_id", t("company", lang), t("incorporated", lang), t("party", lang),
                  t("role", lang), t("share", lang)]
    st.dataframe(co, hide_index=True, width="stretch")
with tab_prop:
    pr = properties[["date", "act", "property_id", "kind", "description", "party_name",
                     "counterparty_name", "price", "market_value"]].copy()
    pr["act"] = pr["act"].map(lambda a: t(a, lang))
    pr.columns = [t("date", lang), t("act", lang), "property_id", t("kind", lang),
                  t("description", lang), t("party", lang), t("counterparty", lang),
                  t("price", lang), t("market_value", lang)]
    st.dataframe(pr, hide_index=True, width="stretch")
with tab_tr:
    tr = transfers[["date", "transfer_id", "direction", "amount", "currency", "counter_name",
                    "counter_account", "channel", "memo"]].copy()
    tr["direction"] = tr["direction"].map(lambda d: t(d, lang))
    tr.columns = [t("date", lang), "transfer_id", t("direction", lang), t("amount", lang),
                  "currency", t("counterparty", lang), "counter_account", t("channel", lang),
                  t("memo", lang)]
    st.dataframe(tr, hide_index=True, width="stretch")

# -- evidence bundle ---------------------------------------------------------------------------
st.subheader(t("bundle_title", lang))
st.caption(t("bundle_help", lang))
c_lang, c_go = st.columns([1, 3], vertical_alignment="bottom")
bundle_lang = c_lang.radio(t("bundle_lang", lang), list(LANGS), index=list(LANGS).index(lang),
                           format_func=LANGS.__getitem__, horizontal=True, key="bundle_lang")
if c_go.button(t("bundle", lang), key="bundle_export", type="primary"):
    try:
        with st.spinner(t("bundle_building", lang), show_time=True):
            st.session_state["bundle"] = state.export_bundle(ref, case_id, bundle_lang)
    except ClawbackError as e:
        st.error(str(e))
exported = st.session_state.get("bundle")
if exported is not None and exported.case_id == case_id and exported.lang == bundle_lang:
    st.success(t("bundle_ready", lang, case=case_id, n=len(exported.files),
                 root=exported.merkle_root, seq=exported.audit_entry.get("seq", "–")))
    st.download_button(t("bundle_download", lang, name=exported.file_name), exported.data,
                       file_name=exported.file_name, mime="application/zip",
                       key="bundle_download", on_click="ignore", icon=":material/download:")
    st.caption(t("bundle_verify", lang, name=exported.file_name))
