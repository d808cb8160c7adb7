"""Build vs buy page (placeholder until its issue lands)."""

import streamlit as st

from ui.common import coming_soon

st.title("Build vs buy")
coming_soon("Build vs buy", "which option is worth most, and how confidently?")
