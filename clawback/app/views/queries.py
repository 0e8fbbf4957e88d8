"""Queries: the named queries with parameter forms and downloadable results, and a read-only
Cypher console."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from clawback.app import data, state
from clawback.app.i18n import t
from clawback.errors import ClawbackError

lang = state.lang()
ref = state.store_ref()
st.title(t("queries", lang))

st.subheader(t("named_queries", lang))
try:
    from clawback.queries import registry
except ImportError:
    registry = None  # type: ignore[assignment]
if registry is None:
    st.info(t("no_registry", lang))
else:
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
                values[p.name] = int(st.number_input(label, value=int(p.default or 0), step=1,
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
                raw = st.text_input(label, "" if p.default is None else str(p.default),
                                    help=hint, key=key)
                values[p.name] = ([v.strip() for v in raw.split(";") if v.strip()]
                                  if p.type == "list[string]" else raw)
        submitted = st.form_submit_button(t("run", lang))
    if submitted:
        try:
            with state.using(ref) as store:
                res = registry.run_named(store, name, values)
            frame = pd.DataFrame(res.rows, columns=res.columns)
            st.caption(t("rows", lang, n=len(frame)))
            st.dataframe(frame, hide_index=True, width="stretch")
            st.download_button(t("download", lang), frame.to_csv(index=False).encode("utf-8"),
                               file_name=f"{name}.csv", mime="text/csv")
        except ClawbackError as e:
            st.error(str(e))

st.subheader(t("console", lang))
st.caption(t("console_help", lang))
text = st.text_area("Cypher", "MATCH (c:Proceeding) RETURN c.case_id, c.debtor_id LIMIT 10",
                    key="console_text")
if st.button(t("run", lang), key="console_run"):
    try:
        with state.using(ref) as store:
            frame = data.console_query(store, text)
        st.caption(t("rows", lang, n=len(frame)))
        st.dataframe(frame, hide_index=True, width="stretch")
        st.download_button(t("download", lang), frame.to_csv(index=False).encode("utf-8"),
                           file_name="console.csv", mime="text/csv", key="console_dl")
    except data.ConsoleRefused as e:
        st.error(f"{t('read_only', lang)}\n\n{e}")
    except ClawbackError as e:
        st.error(str(e))
