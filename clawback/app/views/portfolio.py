"""Portfolio: ranked debtors with score, band, triage and recoverable estimate; filters,
totals, distribution charts and the way through to a debtor."""

from __future__ import annotations

import altair as alt
import streamlit as st

from clawback.app import fmt, i18n, state
from clawback.app.i18n import t
from clawback.errors import ClawbackError

lang = state.lang()
ref = state.store_ref()
st.title(t("portfolio_title", lang))
try:
    table = state.portfolio(ref)
except ClawbackError as e:
    st.error(f"{t('missing', lang)}\n\n{e}")
    st.stop()
if table.empty:
    st.info(t("no_cases", lang))
    st.stop()

with st.expander(t("filters", lang), expanded=False):
    c1, c2, c3, c4 = st.columns(4)
    bands = c1.multiselect(t("band", lang), sorted(table["band"].unique()),
                           format_func=lambda b: i18n.band(b, lang), key="f_band")
    triages = c2.multiselect(t("triage", lang), sorted(table["triage"].unique()),
                             format_func=lambda v: i18n.triage(v, lang), key="f_triage")
    juris = c3.multiselect(t("jurisdiction", lang),
                           sorted(table["jurisdiction"].dropna().unique()), key="f_juris")
    courts = c4.multiselect(t("court", lang), sorted(table["court"].dropna().unique()),
                            key="f_court")
    known = table["acceptance_date"].dropna()
    span = None
    if len(known):
        lo, hi = known.min().date(), known.max().date()
        span = st.date_input(t("dates", lang), (lo, hi), min_value=lo, max_value=hi,
                             key="f_dates")

shown = table
if bands:
    shown = shown[shown["band"].isin(bands)]
if triages:
    shown = shown[shown["triage"].isin(triages)]
if juris:
    shown = shown[shown["jurisdiction"].isin(juris)]
if courts:
    shown = shown[shown["court"].isin(courts)]
if span is not None and isinstance(span, tuple) and len(span) == 2:
    day = shown["acceptance_date"].dt.date
    shown = shown[day.isna() | ((day >= span[0]) & (day <= span[1]))]

m1, m2, m3, m4 = st.columns(4)
m1.metric(t("cases", lang), fmt.number(len(shown), lang))
m2.metric(t("claims", lang), fmt.money(shown["claim_amount"].sum(), "CNY", lang, compact=True))
m3.metric(t("recoverable", lang),
          fmt.money(shown["recoverable_estimate"].sum(), "CNY", lang, compact=True))
m4.metric(t("likely", lang), fmt.number((shown["triage"] == "likely_evasion").sum(), lang))
if shown.empty:
    st.info(t("none_match", lang))
    st.stop()

top = shown.iloc[0]
st.page_link("views/debtor.py", label=t("open_top", lang, name=top["name"] or top["debtor_id"]),
             query_params={"case": str(top["case_id"])}, icon=":material/search:")

view = shown[["rank", "name", "debtor_id", "case_id", "score", "band", "triage",
              "recoverable_estimate", "claim_amount", "jurisdiction", "court",
              "acceptance_date", "top_signals"]].copy()
view["band"] = view["band"].map(lambda b: i18n.band(b, lang))
view["triage"] = view["triage"].map(lambda v: i18n.triage(v, lang))
view["recoverable_estimate"] = view["recoverable_estimate"].map(
    lambda a: fmt.money(a, "CNY", lang))
view["claim_amount"] = view["claim_amount"].map(lambda a: fmt.money(a, "CNY", lang))
view["acceptance_date"] = view["acceptance_date"].map(lambda d: fmt.day(d, lang))
view.columns = [t(c, lang) for c in ("rank", "name", "debtor_id", "case_id", "score", "band",
                                     "triage", "recoverable", "claim", "jurisdiction", "court",
                                     "acceptance", "top_signals")]
st.caption(t("click_hint", lang))
picked = st.dataframe(view, hide_index=True, width="stretch", on_select="rerun",
                      selection_mode="single-row", key="portfolio_table")
rows = picked.selection.rows if picked is not None and hasattr(picked, "selection") else []
if rows:
    st.switch_page("views/debtor.py", query_params={"case": str(shown.iloc[rows[0]]["case_id"])})

left, right = st.columns(2)
left.subheader(t("score_distribution", lang))
left.altair_chart(alt.Chart(shown).mark_bar().encode(
    x=alt.X("score:Q", bin=alt.Bin(step=5), title=t("score", lang)),
    y=alt.Y("count():Q", title=t("cases", lang))), width="stretch")
right.subheader(t("by_triage", lang))
counts = shown.groupby("triage").size().reset_index(name="n")
counts["caption"] = counts["triage"].map(lambda v: i18n.triage(v, lang))
right.altair_chart(alt.Chart(counts).mark_bar().encode(
    x=alt.X("caption:N", title=t("triage", lang)), y=alt.Y("n:Q", title=t("cases", lang)),
    color=alt.Color("caption:N", legend=None)), width="stretch")
