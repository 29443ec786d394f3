"""The views of the analysis page (比較・分析), one small function per tab."""

from __future__ import annotations

import streamlit as st

from app_pages.downloads import figure_download, layer_download, table_downloads
from app_pages.widgets import indicator_picker, year_slider
from kitaku_maps import analysis, charts, karte, karte_tables, scores
from kitaku_maps.bundle import Bundle


def _labels(bundle: Bundle) -> dict[str, str]:
    """Names of the ward and city average lines."""
    meta = bundle.meta
    return {
        "ward": f"{meta['ward_name_ja']}平均",
        "city": f"{meta['city_name_ja']}平均",
    }


def _term(bundle: Bundle) -> str:
    """The word for a district (校区), from the bundle."""
    return bundle.meta["district_term_ja"]


def _names(bundle: Bundle) -> dict[str, str]:
    """District names by code, in display order."""
    frame = karte.areas(bundle, "district")
    return dict(zip(frame["area_code"], frame["name_ja"], strict=True))


def pick(bundle: Bundle, key: str, level: str) -> str:
    """The shared goal -> indicator picker, limited to one level."""
    return indicator_picker(bundle, key, levels=(level,)).indicator_id


def pick_year(bundle: Bundle, indicator_id: str, key: str) -> int | None:
    """A fiscal year with values of the indicator (None when it has none)."""
    return year_slider(sorted(set(karte.years_of(bundle, indicator_id))), key)


def ranking_view(bundle: Bundle) -> None:
    """Bars of all districts for one indicator and year, averages marked."""
    indicator_id = pick(bundle, "rank", "district")
    year = pick_year(bundle, indicator_id, "rank-year")
    if year is None:
        return
    names = _names(bundle)
    highlight = st.selectbox(
        f"強調する{_term(bundle)}",
        [None, *names],
        format_func=lambda c: names.get(c, "なし"),
    )
    info = karte.indicator_info(bundle, indicator_id)
    table = karte.indicator_table(bundle, indicator_id, year)
    title = f"{info['name_ja']}（{year}年度）"
    if info["better"] == "neutral":
        st.caption("この指標には良し悪しの向きがないため、順位は値の高い順です。")
    figure = charts.ranking_bars(table, title, _labels(bundle), highlight)
    figure_download(figure, f"ranking_{indicator_id}_{year}", key="rank")
    st.caption(karte_tables.averages_note(bundle))
    table_downloads(
        karte_tables.export_table(karte_tables.rounded(table, info), bundle.meta),
        f"ranking_{indicator_id}_{year}",
        key="rank",
    )


def side_by_side_view(bundle: Bundle) -> None:
    """2 to 4 districts and the ward average in one table, with differences."""
    names = _names(bundle)
    codes = st.multiselect(
        f"比べる{_term(bundle)}（2〜4）",
        list(names),
        default=list(names)[:2],
        max_selections=4,
        format_func=names.get,
    )
    if len(codes) < 2:
        st.info(f"{_term(bundle)}を2つ以上選んでください。")
        return
    goal_titles = bundle.goals.sort_values("order").set_index("goal_id")["title_ja"]
    goal = st.selectbox(
        "重点目標", list(goal_titles.index), format_func=goal_titles.get
    )
    catalogue = analysis.indicators_of_level(bundle, "district")
    ids = catalogue.loc[catalogue["goal_id"] == goal, "indicator_id"].tolist()
    table = analysis.compare_districts(bundle, codes, ids)
    if table.empty:
        st.info(f"この目標には{_term(bundle)}別の指標がありません。")
        return
    st.dataframe(karte_tables.compare_display(table, bundle), hide_index=True)
    st.caption(karte_tables.averages_note(bundle))
    table_downloads(table, f"compare_{goal}", key="compare")


def over_time_view(bundle: Bundle) -> None:
    """Small-multiple maps over the years and the trend of several districts."""
    indicator_id = pick(bundle, "time", "district")
    info = karte.indicator_info(bundle, indicator_id)
    by_year = analysis.values_by_year(bundle, indicator_id)
    if not by_year:
        st.caption("この指標には値がありません。")
        return
    recent = dict(list(by_year.items())[-8:])
    figure = charts.small_multiple_maps(
        bundle.districts, recent, info["name_ja"], info["unit"]
    )
    figure_download(figure, f"maps_{indicator_id}", key="time-maps")
    columns = {f"{indicator_id}_{year}": values for year, values in recent.items()}
    layer_download(
        analysis.district_layer(bundle, columns), f"maps_{indicator_id}", key="time"
    )
    table_downloads(
        analysis.years_table(bundle, indicator_id), f"years_{indicator_id}", key="time"
    )

    names = _names(bundle)
    codes = st.multiselect(
        f"推移を見る{_term(bundle)}",
        list(names),
        default=list(names)[:3],
        format_func=names.get,
    )
    series = {names[c]: karte.indicator_series(bundle, indicator_id, c) for c in codes}
    if series:
        trend = charts.trend_lines(
            series, info["name_ja"], info["unit"], _labels(bundle)["ward"]
        )
        figure_download(trend, f"trend_{indicator_id}", key="time-trend")


def two_indicators_view(bundle: Bundle) -> None:
    """Scatter of two indicators with labels, correlation and a warning."""
    _second_indicator_first(bundle, "scatter-y")
    left, right = st.columns(2)
    with left:
        x_id = pick(bundle, "scatter-x", "district")
    with right:
        y_id = pick(bundle, "scatter-y", "district")
    pairs = analysis.paired_values(bundle, x_id, y_id)
    if pairs.empty:
        st.caption("2つの指標の値がそろった地域がありません。")
        return
    result = analysis.correlation(pairs)
    x_name = karte.indicator_info(bundle, x_id)["name_ja"]
    y_name = karte.indicator_info(bundle, y_id)["name_ja"]

    figure = charts.scatter_labelled(
        pairs,
        x_name,
        y_name,
        f"{x_name} と {y_name}",
        analysis.correlation_note(result, _term(bundle)),
    )
    figure_download(figure, f"scatter_{x_id}_{y_id}", key="scatter")
    if result["n"] >= analysis.MIN_PAIRS and result["pearson"] == result["pearson"]:
        st.metric("相関係数（ピアソン）", f"{result['pearson']:.2f}")
        st.caption(
            f"順位相関（スピアマン）{result['spearman']:.2f}、"
            f"{result['n']}{_term(bundle)}、p値 {result['pearson_p']:.3f}"
        )
    else:
        st.info("値のそろった地域が少ないため、相関係数は計算しません。")
    st.warning(
        "相関は因果ではありません。2つの指標が一緒に動いて見えても、"
        "一方が他方の原因とは限りません（人口規模など別の要因の影響もあります）。"
    )
    names = {"x": x_name, "y": y_name}
    table_downloads(
        karte_tables.export_table(pairs, bundle.meta, names),
        f"scatter_{x_id}_{y_id}",
        key="scatter",
    )


def _second_indicator_first(bundle: Bundle, key: str) -> None:
    """Start a picker on the second district indicator (not the same as x)."""
    rows = analysis.indicators_of_level(bundle, "district")
    if key not in st.session_state and len(rows) > 1:
        st.session_state[f"{key}_goal"] = rows["goal_id"].iloc[1]
        st.session_state[key] = rows["indicator_id"].iloc[1]


def heat_view(bundle: Bundle) -> None:
    """Districts by indicators, standardised and grouped by goal."""
    table = analysis.heat_table(bundle)
    neutral = [c for c in table.columns if c.endswith(analysis.NEUTRAL_MARK)]
    directed = [c for c in table.columns if c not in neutral]
    st.caption(
        f"各指標を全{_term(bundle)}の中で標準化した値（平均0、標準偏差1）。"
        f"「{analysis.PER_POPULATION_MARK}」は人口千人あたりにそろえた件数です"
        f"（件数の少ない指標は{scores.SCORE_POOL_YEARS}年分をまとめています）。"
        "良し悪しの向きがある指標は、高いほど良い向きにそろえ、青が良い・赤が課題です。"
        f"「{analysis.NEUTRAL_MARK}」の指標は良し悪しを示さず、紫が高い・橙が低いです。"
    )
    styled = table.style.background_gradient(
        cmap="RdBu", vmin=-2, vmax=2, subset=directed
    ).background_gradient(cmap="PuOr", vmin=-2, vmax=2, subset=neutral)
    st.dataframe(styled.format("{:.2f}", na_rep="—"), height=35 * (len(table) + 1) + 3)
    table_downloads(table.reset_index(), "heat_table", key="heat")
