"""The debtor's timeline: transfers, conveyances, divorces and incorporations against the filing
and acceptance dates, with each rule's look-back window shaded (Altair, drawn by the browser
from Streamlit's own bundle: nothing fetched from the network)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from clawback.app.i18n import t

__all__ = ["EVENT_COLUMNS", "timeline_chart", "timeline_events"]

EVENT_COLUMNS = ["date", "kind", "label", "amount", "ref"]


def _dates(values: Any) -> pd.Series:
    return pd.to_datetime(pd.Series(values), errors="coerce")


def timeline_events(facts: dict[str, Any], transfers: pd.DataFrame, properties: pd.DataFrame,
                    relatives: pd.DataFrame, companies: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per dated act: outgoing transfers (``transfer``), title conveyances and
    acquisitions (``conveyance``), divorces (the end of a marriage, ``divorce``) and company
    incorporations (``incorporation``), plus the case's filing and acceptance (``filing``,
    ``acceptance``). Sorted by date; rows without a date are left out."""
    parts = []
    out = transfers[transfers["direction"] == "out"] if len(transfers) else transfers
    if len(out):
        parts.append(pd.DataFrame({
            "date": _dates(out["date"]).to_numpy(), "kind": "transfer",
            "label": [f"{n or h or t('cash', lang)}" for n, h in zip(
                out["counter_name"], out["counter_holder"], strict=True)],
            "amount": out["amount"].astype(float).to_numpy(),
            "ref": out["transfer_id"].astype(str).to_numpy()}))
    if len(properties):
        parts.append(pd.DataFrame({
            "date": _dates(properties["date"]).to_numpy(), "kind": "conveyance",
            "label": [f"{p} {t(a, lang)} {n or c or ''}".strip() for p, a, n, c in zip(
                properties["property_id"], properties["act"], properties["party_name"],
                properties["counterparty"], strict=True)],
            "amount": pd.to_numeric(properties["market_value"], errors="coerce").to_numpy(),
            "ref": properties["title_transfer_id"].astype(str).to_numpy()}))
    if len(relatives):
        ex = relatives[relatives["relation"] == "former_spouse"]
        if len(ex):
            parts.append(pd.DataFrame({
                "date": _dates(ex["end_date"]).to_numpy(), "kind": "divorce",
                "label": ex["name"].astype(str).to_numpy(), "amount": float("nan"),
                "ref": ex["person_id"].astype(str).to_numpy()}))
    if len(companies):
        firms = companies.drop_duplicates("company_id")
        parts.append(pd.DataFrame({
            "date": _dates(firms["incorporation_date"]).to_numpy(), "kind": "incorporation",
            "label": firms["company_name"].astype(str).to_numpy(), "amount": float("nan"),
            "ref": firms["company_id"].astype(str).to_numpy()}))
    for kind in ("filing", "acceptance"):
        value = facts.get(f"{kind}_date")
        if value is not None and not pd.isna(value):
            parts.append(pd.DataFrame({"date": [pd.Timestamp(value)], "kind": [kind],
                                       "label": [t(kind, lang)], "amount": [float("nan")],
                                       "ref": [str(facts["case_id"])]}))
    if not parts:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    events = pd.concat(parts, ignore_index=True)
    events = events[events["date"].notna()]
    return events.sort_values(["date", "kind", "ref"], kind="stable").reset_index(drop=True)


def timeline_chart(events: pd.DataFrame, windows: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Acts as points on one lane per kind (transfers sized by amount), each rule's window as
    a shaded band on its own lane (UNCONFIRMED rules hatched in orange and labelled so), and
    the filing and acceptance dates as vertical rules."""
    ev = events.copy()
    ev["kind_caption"] = ev["kind"].map(lambda k: t(k, lang))
    ev["amount_shown"] = ev["amount"].fillna(0.0)
    acts = ev[~ev["kind"].isin(["filing", "acceptance"])]
    marks = ev[ev["kind"].isin(["filing", "acceptance"])]
    w = windows.copy()
    w["lane"] = [f"{r} {('⚠ ' + t('unconfirmed', lang)) if v == 'UNCONFIRMED' else ''}".strip()
                 for r, v in zip(w["rule_id"], w["verified"], strict=True)]
    w["unconfirmed"] = w["verified"] == "UNCONFIRMED"
    x = alt.X("date:T", title=t("date", lang))
    band = alt.Chart(w).mark_bar(opacity=0.35).encode(
        x=alt.X("start:T", title=t("date", lang)), x2="end:T",
        y=alt.Y("lane:N", title=None),
        color=alt.Color("unconfirmed:N", scale=alt.Scale(domain=[False, True],
                                                         range=["#9ecae1", "#fdae6b"]),
                        legend=None),
        tooltip=["rule_id", "citation", "verified", "warning", "caption",
                 alt.Tooltip("start:T"), alt.Tooltip("end:T")])
    points = alt.Chart(acts).mark_circle(opacity=0.8).encode(
        x=x, y=alt.Y("kind_caption:N", title=None),
        size=alt.Size("amount_shown:Q", legend=None, scale=alt.Scale(range=[30, 600])),
        color=alt.Color("kind_caption:N", title=t("kind", lang)),
        tooltip=[alt.Tooltip("date:T"), "kind_caption", "label",
                 alt.Tooltip("amount:Q", format=",.0f"), "ref"])
    rules = alt.Chart(marks).mark_rule(color="#d62728", strokeWidth=2).encode(
        x=x, tooltip=["label", alt.Tooltip("date:T")])
    return alt.layer(band, points, rules).resolve_scale(y="independent").properties(
        height=max(160, 28 * (len(w) + acts["kind"].nunique())))
