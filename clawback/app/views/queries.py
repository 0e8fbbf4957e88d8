"""Queries: the named queries with parameter forms and downloadable results, and a read-only
Cypher console. Every run, refused ones too, is recorded in the store's audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from clawback.app import data, state
from clawback.app.i18n import t
from clawback.errors import ClawbackError
from clawback.queries import registry

lang = state.lang()
ref = state.store_ref()
st.title(t("queries", lang))
st.caption(t("audited", lang))

st.subheader(t("named_queries", lang))
names = sorted(registry.REGISTRY)
name = st.selectbox(t("query", lang), names, key="q_name",
                    format_func=lambda n: f"{n} — {registry.get(n).title.get(lang, n)}")
query = registry.get(name)
st.caption(f"{t('returns', lang)}: {', '.join(query.returns)}"
           + (f" · {t('portable', lang)}" if query.portable else ""))
with st.form(f"form_{name}"):
    values: dict[str, Any] = {}
    for p in query.params:
        label = f"{p.name} ({p.type})"
        key = f"q_{name}_{p.name}"
        hint = p.description.get(lang) or p.description.get("en") or None
        if p.type in ("int", "days"):
            default_days = p.default.days if isinstance(p.default, dt.timedelta) else p.default
            values[p.name] = int(st.number_input(label, value=int(default_days or 0), step=1,
                                                 help=hint, key=key))
        elif p.type == "float":
            values[p.name] = float(st.number_input(label, value=float(p.default or 0.0),
                                                   help=hint, key=key))
        elif p.type == "date":
            default = (dt.date.fromisoformat(str(p.default)) if p.default
                       else dt.date.today())
            values[p.name] = st.date_input(label, default, help=hint, key=key).isoformat()
        elif p.type == "bool":
            values[p.name] = st.checkbox(label, bool(p.default), help=hint, key=key)
        else:
            shown = (";".join(p.default) if isinstance(p.default, list)
                     else str(p.default) if p.default is not None
                     else str(st.query_params.get("case", "")) if p.name == "case_id" else "")
            raw = st.text_input(label, shown, help=hint, key=key)
            values[p.name] = ([v.strip() for v in raw.split(";") if v.strip()]
                              if p.type == "list[string]" else raw)
    submitted = st.form_submit_button(t("run", lang))
if submitted:
    try:
        with state.using(ref) as store:
            res = data.run_named_query(store, name, values, ref.audit_log())
        frame = pd.DataFrame(res.rows, columns=res.columns)
        st.caption(t("rows", lang, n=len(frame)))
        st.dataframe(frame, hide_index=True, width="stretch")
        st.download_button(t("download", lang), frame.to_csv(index=False).encode("utf-8"),
                           file_name=f"{name}.csv", mime="text/csv", on_click="ignore")
    except ClawbackError as e:
        st.error(str(e))

st.subheader(t("console", lang))
st.caption(t("console_help", lang))
text = st.text_area("Cypher", "MATCH (c:Proceeding) RETURN c.case_id, c.debtor_id LIMIT 10",
                    key="console_text")
if st.button(t("run", lang), key="console_run"):
    try:
        with state.using(ref) as store:
            frame = data.console_query(store, text, audit=ref.audit_log())
        st.caption(t("rows", lang, n=len(frame)))
        st.dataframe(frame, hide_index=True, width="stretch")
        st.download_button(t("download", lang), frame.to_csv(index=False).encode("utf-8"),
                           file_name="console.csv", mime="text/csv", key="console_dl",
                           on_click="ignore")
    except data.ConsoleRefused as e:
        st.error(f"{t('read_only', lang)}\n\n{e}")
    except ClawbackError as e:
        st.error(str(e))
