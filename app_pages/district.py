"""校区カルテ: one district's strengths and weaknesses, goal by goal.

Reached from the navigation, from the map explorer's side panel and by URL
(``?district=D05``, district codes from ``districts.geojson``).
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from app_pages.common import bundle_or_stop, data_banner
from app_pages.downloads import table_downloads
from kitaku_maps import karte, karte_tables, scores
from kitaku_maps.bundle import Bundle
from kitaku_maps.errors import UnknownDistrictError


def choose_district(bundle: Bundle) -> str:
    """The district from the URL or the select box; the URL follows the choice."""
    codes = bundle.districts["district_code"].astype(str).tolist()
    names = dict(zip(codes, bundle.districts["name_ja"], strict=True))
    wanted = st.query_params.get("district", codes[0])
    try:
        wanted = karte.check_district(bundle, wanted)
    except UnknownDistrictError as error:
        st.error(error.message_ja)
        wanted = codes[0]

    term = bundle.meta["district_term_ja"]
    code = st.sidebar.selectbox(
        f"{term}を選ぶ", codes, index=codes.index(wanted), format_func=names.get
    )
    st.query_params["district"] = code
    return code


def show_scorecard(bundle: Bundle, code: str) -> None:
    """The goals: mean standardised score with strongest and weakest indicator.

    A goal without a score says why in words, with the ward's standing among
    the city's wards where there is one.
    """
    meta = bundle.meta
    ward, term = meta["ward_name_ja"], meta["district_term_ja"]
    scorecard = scores.goal_scorecard(bundle, code)
    st.subheader(f"{len(bundle.goals)}つの重点目標のスコアカード")
    st.caption(
        f"スコアは各指標を{ward}の全{term}の中で標準化した値"
        "（平均0、標準偏差1、高いほど良い向きにそろえたもの）の平均です。"
        "人数・件数の指標は人口千人あたりにそろえ、件数の少ない指標は"
        f"{scores.SCORE_POOL_YEARS}年分をまとめてから比べます。"
        "同じことを別の形で測る指標（災害の種類ごとの避難先までの距離など）は"
        "まとめて1つとして平均します。"
        f"{ward}全体の値しかない指標と、良し悪しの向きがない指標は含みません。"
        "評価: +0.5以上「強み」、+0.2以上「やや強み」、-0.2以上「平均的」、"
        "-0.5以上「やや弱み」、それより下「弱み」。"
        f"「{karte_tables.standing_header(meta)}」は市民アンケートなど区ごとの率で"
        f"{ward}が何位か（1位が最も良い）で、この{term}だけの値ではありません。"
    )
    rows = karte_tables.scorecard_rows(scorecard, meta)
    st.dataframe(
        karte_tables.scorecard_display(rows),
        hide_index=True,
        column_config={"評価": st.column_config.TextColumn(width="medium")},
    )
    notes = karte_tables.scorecard_notes(scorecard, scores.ward_standings(bundle), meta)
    for note in notes:
        st.markdown(f"- {html.escape(note)}")
    table_downloads(rows, f"scorecard_{code}", key=f"scorecard-{code}")


def show_goal(bundle: Bundle, profile: pd.DataFrame, goal_id: str) -> None:
    """Every indicator of one goal: the district's, then the ward's figures."""
    rows = profile[profile["goal_id"] == goal_id]
    if rows.empty:
        st.info("この目標の指標はまだありません。")
        return

    own = rows[~rows["is_ward_figure"].astype(bool)]
    if len(own):
        show_indicator_table(karte_tables.indicator_rows(bundle, own))
        show_sentences(bundle, own)

    ward_rows = rows[rows["is_ward_figure"].astype(bool)]
    if len(ward_rows):
        meta = bundle.meta
        st.markdown(
            f"**{meta['ward_name_ja']}全体の値**"
            f"（{meta['district_term_ja']}別の値はありません）"
        )
        show_indicator_table(karte_tables.ward_figure_rows(bundle, ward_rows))
        st.caption(
            f"順位は{meta['city_name_ja']}の区の中での順位です。"
            f"{meta['city_name_ja']}平均: 率・割合は市の公表値、"
            "人数・件数は値のある区の平均（1区あたり）。"
        )
        show_sentences(bundle, ward_rows)
        show_survey_notes(ward_rows, meta["district_term_ja"])

    if (rows["status"] == "demo").any():
        st.caption("「備考」に「デモ値」とある値は、デモ用の仮の数値です。")
    st.caption(html.escape(karte_tables.sources_line(bundle, rows)))


def show_indicator_table(table: pd.DataFrame) -> None:
    """An indicator table with its small line chart over the years."""
    st.dataframe(
        table,
        hide_index=True,
        column_config={"推移": st.column_config.LineChartColumn("推移", width="small")},
    )


def show_sentences(bundle: Bundle, rows: pd.DataFrame) -> None:
    """One generated sentence per indicator, with changes and small-count rates."""
    for _, row in rows.iterrows():
        st.markdown(f"- {html.escape(karte_tables.sentence_line(bundle, row))}")


def show_survey_notes(rows: pd.DataFrame, term: str) -> None:
    """The question and year of each survey indicator (ward figures)."""
    for _, row in rows[rows["kind"] == "survey"].iterrows():
        st.caption(html.escape(karte_tables.survey_note(row, term)))


def show_initiatives(bundle: Bundle, code: str, goal_id: str) -> None:
    """The district's initiatives that serve one goal."""
    initiatives = bundle.initiatives
    mine = initiatives[
        (initiatives["district_code"].astype(str) == code)
        & (initiatives["goal_id"] == goal_id)
    ]
    if mine.empty:
        return
    st.markdown(f"**この{bundle.meta['district_term_ja']}の取組**")
    for _, item in mine.sort_values("fiscal_year", ascending=False).iterrows():
        label = "（デモ）" if item["status"] == "demo" else ""
        st.markdown(
            f"- {html.escape(str(item['title_ja']))}（{int(item['fiscal_year'])}年度）"
            f"{label}: {html.escape(str(item['description_ja']))}"
        )


def show_facilities(bundle: Bundle, code: str) -> None:
    """The district's facilities by category: counts, lists and photos."""
    st.subheader(f"{bundle.meta['district_term_ja']}の施設")
    facilities = bundle.facilities
    mine = facilities[facilities["district_code"].astype(str) == code]
    categories = bundle.categories.sort_values("order")
    st.dataframe(karte_tables.facility_counts(categories, mine), hide_index=True)

    for _, category in categories.iterrows():
        items = mine[mine["category_id"] == category["category_id"]]
        if items.empty:
            continue
        with st.expander(f"{category['name_ja']}（{len(items)}）"):
            for _, item in items.sort_values("name_ja").iterrows():
                st.markdown(f"- {html.escape(karte_tables.facility_line(item))}")
                photo = karte_tables.photo_source(bundle, item)
                if photo:
                    st.image(photo, caption=str(item["name_ja"]), width=240)


def main() -> None:
    """Lay out the chart of the chosen district."""
    bundle = bundle_or_stop()
    data_banner(bundle)
    code = choose_district(bundle)
    name = bundle.districts.set_index("district_code").loc[code, "name_ja"]
    st.title(f"{name}{bundle.meta['district_term_ja']}カルテ")

    profile = karte.district_profile(bundle, code)
    show_scorecard(bundle, code)

    st.subheader("重点目標ごとの指標")
    st.caption(karte_tables.averages_note(bundle))
    goals = bundle.goals.sort_values("order")
    for tab, (_, goal) in zip(
        st.tabs(goals["title_ja"].tolist()), goals.iterrows(), strict=True
    ):
        with tab:
            show_goal(bundle, profile, goal["goal_id"])
            show_initiatives(bundle, code, goal["goal_id"])

    show_facilities(bundle, code)
    table_downloads(
        karte_tables.profile_export(bundle, profile),
        f"karte_{code}",
        key=f"karte-{code}",
    )


main()
