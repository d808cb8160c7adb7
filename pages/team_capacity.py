"""Team capacity page (placeholder until its issue lands)."""

import streamlit as st

from ui.common import coming_soon

st.title("Team capacity")
coming_soon("Team capacity", "how many people, hired when, to meet demand?")
