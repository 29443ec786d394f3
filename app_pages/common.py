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
    term = bundle.meta.get("district_term_ja", "")
    notes = []
    if bundle.has_demo:
        notes.append("統計値の多くは**デモ用の仮の数値**（実際の統計ではない）")
    if bundle.has_approximate_boundaries:
        notes.append(f"{term}の境界は町丁の位置から推定した**おおよその境界**")
    if notes:
        st.warning("、".join(notes) + "です。", icon="⚠️")


def facility_banner(bundle: Bundle) -> None:
    """On pages about places: which categories are real, which are samples.

    Statistics are not shown there, so the general banner would only cast
    doubt on real shelter locations; this one names the sample categories.
    """
    names = bundle.categories.sort_values("order").set_index("category_id")["name_ja"]
    is_demo = bundle.facilities["status"].eq("demo")
    demo_share = is_demo.groupby(bundle.facilities["category_id"]).mean()
    sample = [names[c] for c in names.index if demo_share.get(c) == 1]
    real = [names[c] for c in names.index if demo_share.get(c) == 0]
    if not sample:
        return
    text = (
        f"{'、'.join(sample)}の地点は**デモ用のサンプル**で、実在の施設ではありません。"
    )
    if real:
        text += f"{'、'.join(real)}は公開データの位置です。"
    st.warning(text, icon="⚠️")
