"""Delivery forecast page (placeholder until its issue lands)."""

import streamlit as st

from ui.common import coming_soon

st.title("Delivery forecast")
coming_soon("Delivery forecast", "when will the backlog be done, and how much by a date?")
