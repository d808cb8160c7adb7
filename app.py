"""TPM Decision Lab: the frame. Page config, navigation and the shared sidebar only."""

from __future__ import annotations

import streamlit as st

st.set_page_config(
    page_title="TPM Decision Lab",
    page_icon=":material/insights:",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = {
    "Overview": [
        st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    ],
    "Decide": [
        st.Page("app_pages/schedule_risk.py", title="Schedule risk", icon=":material/event:"),
        st.Page(
            "app_pages/delivery_forecast.py",
            title="Delivery forecast",
            icon=":material/trending_up:",
        ),
        st.Page("app_pages/build_vs_buy.py", title="Build vs buy", icon=":material/balance:"),
        st.Page("app_pages/team_capacity.py", title="Team capacity", icon=":material/groups:"),
    ],
    "Track": [
        st.Page("app_pages/scenarios.py", title="Scenarios", icon=":material/bookmarks:"),
    ],
}

nav = st.navigation(PAGES)
st.sidebar.caption("TPM Decision Lab · every answer is a distribution, not a single date.")
nav.run()
