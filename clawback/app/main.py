"""Entry page of the app. Until the investigator pages land, it shows what the store holds."""

from __future__ import annotations

import os

import streamlit as st

from clawback import __version__
from clawback.app.data import store_counts
from clawback.errors import ClawbackError

TEXT = {
    "en": {"title": "clawback", "store": "Store", "nodes": "Nodes", "rels": "Relationships",
           "missing": "No store found. Run `clawback load DIR --store PATH` first."},
    "zh": {"title": "clawback 追索", "store": "数据库", "nodes": "节点", "rels": "关系",
           "missing": "未找到数据库。请先运行 `clawback load DIR --store PATH`。"},
}

st.set_page_config(page_title="clawback", layout="wide")
lang = st.sidebar.radio("Language / 语言", ["zh", "en"], index=0, key="lang",
                        format_func=lambda code: {"zh": "中文", "en": "English"}[code])
t = TEXT[lang]
st.title(t["title"])
store = os.environ.get("CLAWBACK_STORE", "clawback-data")
neo4j = os.environ.get("CLAWBACK_NEO4J_URI") or None
st.caption(f"{t['store']}: {neo4j or store} · v{__version__}")


@st.cache_data(show_spinner=False)
def _counts(path: str, lang: str, neo4j: str | None):
    return store_counts(path, lang, neo4j)


try:
    counts = _counts(store, lang, neo4j)
except ClawbackError as e:
    st.error(f"{t['missing']}\n\n{e}")
    st.stop()

left, right = st.columns(2)
for column, kind, title in ((left, "node", t["nodes"]), (right, "relationship", t["rels"])):
    part = counts[counts["kind"] == kind][["name", "caption", "count"]]
    column.subheader(f"{title} · {int(part['count'].sum()):,}")
    column.dataframe(part, hide_index=True, width="stretch")
