"""Entry of the investigator app: the language switch, the store line and the navigation
between the pages in clawback/app/views/ (not pages/: Streamlit would take that for a legacy
multipage folder). ``clawback app`` runs it with ``streamlit run``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from clawback import __version__
from clawback.app.i18n import LANGS, t
from clawback.app.state import store_ref

st.set_page_config(page_title="clawback", layout="wide")
if "app_lang" not in st.session_state and st.query_params.get("lang") in LANGS:
    st.session_state["lang"] = st.query_params["lang"]   # ?lang=en opens the app in English
lang = st.sidebar.radio(t("language"), list(LANGS), index=0, key="lang",
                        format_func=LANGS.__getitem__)
st.session_state["app_lang"] = lang
st.sidebar.caption(f"{t('store', lang)}: {store_ref().location} · v{__version__}")
here = Path(__file__).parent / "views"
pages = [
    st.Page(here / "portfolio.py", title=t("portfolio", lang), default=True),  # served at /
    st.Page(here / "debtor.py", title=t("debtor", lang), url_path="debtor"),
    st.Page(here / "communities.py", title=t("communities", lang), url_path="communities"),
    st.Page(here / "queries.py", title=t("queries", lang), url_path="queries"),
]
st.navigation(pages).run()
