"""What every page shares: the cached dataset, error display, data banners."""

from __future__ import annotations

import streamlit as st

from kitaku_maps import settings
from kitaku_maps.bundle import Bundle
from kitaku_maps.errors import KitakuError
from kitaku_maps.loader import load_bundle


@st.cache_resource(show_spinner="データを読み込んでいます…")
def cached_bundle(path: str = str(settings.DATA_DIR)) -> Bundle:
    """The validated bundle, loaded once per process and shared (read-only)."""
    return load_bundle(path)


def bundle_or_stop() -> Bundle:
    """Return the bundle, or show why it cannot be loaded and stop the page."""
    try:
        return cached_bundle()
    except KitakuError as error:
        st.error(error.message_ja)
        st.stop()


def data_banner(bundle: Bundle) -> None:
    """Say plainly when demonstration values or approximate boundaries are shown."""
    notes = []
    if bundle.has_demo:
        notes.append(
            "統計値の多くは**デモ用の仮の数値**です。実際の統計ではありません。"
        )
    if bundle.has_approximate_boundaries:
        notes.append(
            "校区の境界は町丁の代表点から推定した**おおよその境界**です。"
            "正式な校区境界ではありません。"
        )
    if notes:
        st.warning(" ".join(notes), icon="⚠️")
