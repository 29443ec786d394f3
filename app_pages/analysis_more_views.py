"""More views of the analysis page: spatial pattern, small counts, the wards."""

from __future__ import annotations

import streamlit as st

from app_pages.analysis_views import pick, pick_year
from app_pages.downloads import figure_download, layer_download, table_downloads
from geo.errors import GeoInputError
from kitaku_maps import analysis, charts, karte, karte_tables, scores, small_counts
from kitaku_maps.bundle import Bundle

#: Names of the LISA cluster labels shown under the map.
CLUSTER_NAMES_JA = {
    "HH": "高い値の集まり",
    "LL": "低い値の集まり",
    "HL": "周りより高い",
    "LH": "周りより低い",
    "ns": "はっきりした傾向なし",
}


def spatial_view(bundle: Bundle) -> None:
    """Moran's I and LISA clusters of one indicator on the district map."""
    indicator_id = pick(bundle, "spatial", "district")
    year = pick_year(bundle, indicator_id, "spatial-year")
    if year is None:
        return
    info = karte.indicator_info(bundle, indicator_id)
    try:
        moran, layer = analysis.spatial_pattern(bundle, indicator_id, year)
    except GeoInputError:
        st.info(
            f"値のある{bundle.meta['district_term_ja']}が少ない（4つ未満）ため、"
            "この指標・年度の地域的な偏りは計算できません。"
        )
        return
    count = moran.n
    term = bundle.meta["district_term_ja"]

    per = "人口千人あたりの" if scores.is_per_population(info) else ""
    st.metric("モランのI（空間的な偏り）", f"{moran.i:.2f}")
    st.caption(
        f"期待値 {moran.expected:.2f}、並べ替え検定のp値 {moran.p_sim:.3f}"
        f"（{moran.permutations}回）。"
        "Iが正なら似た値の地域が隣り合い、0付近なら偏りなし、負なら高低が交互です。"
        + (
            "件数は人口千人あたりで比べています（件数の少ない指標は"
            f"{scores.SCORE_POOL_YEARS}年分をまとめた値）。"
            if per
            else ""
        )
    )
    figure = charts.cluster_map(
        layer, layer["cluster"], f"{per}{info['name_ja']}（{year}年度）の局所的な集まり"
    )
    figure_download(figure, f"lisa_{indicator_id}_{year}", key="spatial")
    st.caption(
        "凡例: "
        + "、".join(f"{code} = {name}" for code, name in CLUSTER_NAMES_JA.items())
        + "（有意水準5%）。"
    )
    st.warning(
        f"{count}{term}という少ない数での分析で、結果は探索的なものです。"
        "境界の引き方や偶然でも変わるので、結論ではなく話し合いのきっかけとしてお使いください。"
    )
    layer_download(layer, f"lisa_{indicator_id}_{year}", key="spatial")
    table_downloads(
        karte_tables.export_table(
            layer.drop(columns="geometry"),
            bundle.meta,
            {"value": "人口千人あたり（年平均）"} if per else None,
        ),
        f"lisa_{indicator_id}_{year}",
        key="spatial",
    )


def small_counts_view(bundle: Bundle) -> None:
    """Small counts as rates per 1,000 residents with intervals, optionally pooled."""
    catalogue = bundle.indicators
    small = catalogue[
        (catalogue["level"] == "district")
        & (catalogue["small_count"].astype(int) == 1)
        & (catalogue["per_population"].astype(int) == 1)
    ]
    if small.empty:
        st.info("件数の少ない指標はありません。")
        return
    names = small.set_index("indicator_id")["name_ja"]
    indicator_id = st.selectbox("指標", list(names.index), format_func=names.get)
    year = pick_year(bundle, indicator_id, "small-year")
    if year is None:
        return
    pool = st.radio(
        "まとめる年数", [1, 3, 5], horizontal=True, format_func="{}年".format
    )

    rates = small_counts.rates_per_thousand(bundle, indicator_id, year, pool)
    period = f"{year - pool + 1}〜{year}年度" if pool > 1 else f"{year}年度"
    title = f"{names[indicator_id]}: 人口千人あたり（年平均、{period}）"
    figure = charts.interval_bars(
        rates,
        title,
        "人口千人あたり件数（95%区間）",
        f"{bundle.meta['ward_name_ja']}全体",
    )
    figure_download(figure, f"rates_{indicator_id}_{year}_{pool}", key="small")
    st.caption(
        f"件数が{small_counts.UNSTABLE_BELOW}件未満の地域は白抜きで示し、"
        "「不安定」としています。件数が少ないと偶然の増減が大きく、"
        "その年の値だけで良し悪しを判断できません。"
        "数年分をまとめると安定します。線は正確なポアソン分布による95%区間、"
        f"破線は{bundle.meta['ward_name_ja']}全体の値です。"
    )
    table_downloads(
        karte_tables.export_table(rates, bundle.meta),
        f"rates_{indicator_id}_{year}_{pool}",
        key="small",
    )


def wards_view(bundle: Bundle) -> None:
    """Ward-level indicators: the city's wards compared, the home ward marked."""
    indicator_id = pick(bundle, "wards", "ward")
    year = pick_year(bundle, indicator_id, "wards-year")
    if year is None:
        return
    info = karte.indicator_info(bundle, indicator_id)
    table = karte.indicator_table(bundle, indicator_id, year)
    meta = bundle.meta
    labels = {"ward": meta["ward_name_ja"], "city": f"{meta['city_name_ja']}全体"}
    if info["kind"] == "count":
        wards = int(table["value"].notna().sum())
        labels["city"] = f"{meta['city_name_ja']}の{wards}区の平均（1区あたり）"
    if info["kind"] == "survey" and str(info.get("survey_question_ja") or ""):
        st.caption(
            f"市民アンケート（{year}年度）の設問「{info['survey_question_ja']}」"
        )

    figure = charts.ranking_bars(
        table, f"{info['name_ja']}（{year}年度）", labels, str(meta["ward_code"])
    )
    figure_download(figure, f"wards_{indicator_id}_{year}", key="wards")
    table_downloads(
        karte_tables.export_table(karte_tables.rounded(table, info), bundle.meta),
        f"wards_{indicator_id}_{year}",
        key="wards",
    )
