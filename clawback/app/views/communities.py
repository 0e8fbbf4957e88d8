"""Communities: the debtor's community in the party graph, its enablers, the other debtors."""

from __future__ import annotations

import streamlit as st

from clawback.app import fmt, i18n, state
from clawback.app.i18n import t
from clawback.errors import ClawbackError

lang = state.lang()
ref = state.store_ref()
st.title(t("communities", lang))
st.caption(t("communities_note", lang))
try:
    table = state.portfolio(ref)
    case_id = state.case_choice(table, st.query_params.get("case"), lang)
    with st.spinner(t("computing_communities", lang), show_time=True):
        view = state.community(ref, case_id)
except ClawbackError as e:
    st.error(f"{t('missing', lang)}\n\n{e}")
    st.stop()

if view["community"] is None:
    st.info(t("no_community", lang))
    st.stop()
m = st.columns(4)
m[0].metric(t("community", lang), f"#{view['community']}")
m[1].metric(t("community_size", lang), fmt.number(view["size"], lang))
m[2].metric(t("other_debtors", lang), fmt.number(view["other_debtors"], lang))
m[3].metric(t("enabler_paid", lang), fmt.money(view["enabler_paid"], "CNY", lang))

st.subheader(t("other_debtors", lang))
others = view["others"].copy()
others["band"] = others["band"].map(lambda b: i18n.band(b, lang))
others["triage"] = others["triage"].map(lambda v: i18n.triage(v, lang))
others.columns = [t("case_id", lang), t("debtor_id", lang), t("name", lang), t("score", lang),
                  t("band", lang), t("triage", lang)]
st.dataframe(others, hide_index=True, width="stretch")

st.subheader(t("enablers", lang))
st.caption(t("enabler_note", lang))
en = view["enablers"][["party_id", "name", "debtors", "amount", "paid_by_debtor"]].copy()
en["amount"] = en["amount"].map(lambda a: fmt.money(a, "CNY", lang))
en.columns = ["party_id", t("name", lang), t("debtors_paying", lang), t("amount", lang),
              t("paid_by_debtor", lang)]
st.dataframe(en, hide_index=True, width="stretch")

st.subheader(t("members", lang))
members = view["members"].copy()
members.columns = ["party_id", t("name", lang), t("is_debtor", lang)]
st.dataframe(members, hide_index=True, width="stretch")
