"""Schedule risk page (placeholder until its issue lands)."""

import streamlit as st

from ui.common import coming_soon

st.title("Schedule risk")
coming_soon("Schedule risk", "can we promise a date, and what drives the tail?")
