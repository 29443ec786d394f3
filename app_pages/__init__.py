"""Streamlit pages; each is a short script that calls the domain layer."""
