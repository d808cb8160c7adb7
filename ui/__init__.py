"""Streamlit-only helpers shared by pages (the `pages -> ui -> tpm_models` middle layer)."""
