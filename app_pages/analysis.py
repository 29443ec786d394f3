"""比較・分析: rankings, comparisons, trends and patterns across districts."""

from __future__ import annotations

import streamlit as st

from app_pages import analysis_more_views, analysis_views
from app_pages.common import bundle_or_stop, data_banner

#: Tab titles and the view each one shows, in order.
VIEWS = [
    ("ランキング", analysis_views.ranking_view),
    ("並べて比べる", analysis_views.side_by_side_view),
    ("年ごとの変化", analysis_views.over_time_view),
    ("2つの指標", analysis_views.two_indicators_view),
    ("全体を見渡す", analysis_views.heat_view),
    ("地域的な偏り", analysis_more_views.spatial_view),
    ("件数の少ない指標", analysis_more_views.small_counts_view),
    ("区の比較", analysis_more_views.wards_view),
]


def main() -> None:
    """Lay out the analysis page: one tab per view, each rerunning on its own."""
    bundle = bundle_or_stop()
    st.title("比較・分析")
    data_banner(bundle)
    for tab, (_, view) in zip(st.tabs([t for t, _ in VIEWS]), VIEWS, strict=True):
        with tab:
            st.fragment(view)(bundle)


main()
