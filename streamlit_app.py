"""Kita-ku Maps: page set-up and navigation only."""

import streamlit as st

st.set_page_config(page_title="北区まちづくりマップ", page_icon="🗺️", layout="wide")

#: The map explorer: the default page, served at the app's root URL.
explorer = st.Page("app_pages/map_explorer.py", title="地図で見る", default=True)


def open_explorer_at_root() -> None:
    """``/map`` (the explorer's earlier address): open ``/`` with the same view."""
    st.switch_page(explorer, query_params=st.query_params.to_dict())


pages = [
    explorer,
    st.Page(
        open_explorer_at_root, title="地図で見る", url_path="map", visibility="hidden"
    ),
    st.Page("app_pages/nearest.py", title="近くの避難所・施設", url_path="nearest"),
    st.Page("app_pages/district.py", title="校区カルテ", url_path="district"),
    st.Page("app_pages/analysis.py", title="比較・分析", url_path="analysis"),
    st.Page("app_pages/data_import.py", title="データの取り込み", url_path="import"),
    st.Page("app_pages/about.py", title="データと出典", url_path="about"),
]

st.navigation(pages).run()
