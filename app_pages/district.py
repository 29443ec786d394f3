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


def show_scorecard(scorecard: pd.DataFrame, bundle: Bundle, code: str) -> None:
    """The 7 goals: mean standardised score with strongest and weakest indicator."""
    ward = bundle.meta["ward_name_ja"]
    st.subheader(f"{len(bundle.goals)}つの重点目標のスコアカード")
    st.caption(
        f"スコアは各指標を{ward}の全{bundle.meta['district_term_ja']}の中で標準化した値"
        "（平均0、標準偏差1、高いほど良い向きにそろえたもの）の平均です。"
        f"{ward}全体の値しかない指標と、良し悪しの向きがない指標は含みません。"
        "評価: +0.5以上「強み」、+0.2以上「やや強み」、-0.2以上「平均的」、"
        "-0.5以上「やや弱み」、それより下「弱み」。"
    )
    rows = karte_tables.scorecard_rows(scorecard)
    st.dataframe(karte_tables.scorecard_display(rows), hide_index=True)
    table_downloads(rows, f"scorecard_{code}", key=f"scorecard-{code}")


def show_goal(bundle: Bundle, profile: pd.DataFrame, goal_id: str, code: str) -> None:
    """Every indicator of one goal: table, sentences, survey notes, initiatives."""
    rows = profile[profile["goal_id"] == goal_id]
    if rows.empty:
        st.info("この目標の指標はまだありません。")
        return

    table = karte_tables.indicator_rows(bundle, rows)
    st.dataframe(
        table,
        hide_index=True,
        column_config={"推移": st.column_config.LineChartColumn("推移", width="small")},
    )
    for _, row in rows.iterrows():
        text = row["sentence"] + (f"（{row['change_ja']}）" if row["change_ja"] else "")
        st.markdown(f"- {html.escape(text)}")
    show_survey_notes(rows, bundle.meta["district_term_ja"])
    show_initiatives(bundle, code, goal_id)


def show_survey_notes(rows: pd.DataFrame, term: str) -> None:
    """The question and year of each survey indicator (ward figures)."""
    surveys = rows[rows["kind"] == "survey"]
    for _, row in surveys.iterrows():
        question = str(row.get("survey_question_ja") or "").strip()
        year = row.get("fiscal_year")
        when = f"{int(year)}年度" if pd.notna(year) else "年度不明"
        st.caption(
            f"{html.escape(row['name_ja'])}: 市民アンケート（{when}）"
            + (f"の設問「{html.escape(question)}」" if question else "")
            + f"。区全体の値で、この{term}だけの値ではありません。"
        )


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
    counts = mine["category_id"].value_counts()
    summary = pd.DataFrame(
        {"種類": categories["name_ja"], "数": categories["category_id"].map(counts)}
    ).fillna({"数": 0})
    st.dataframe(summary.astype({"数": int}), hide_index=True)

    for _, category in categories.iterrows():
        items = mine[mine["category_id"] == category["category_id"]]
        if items.empty:
            continue
        with st.expander(f"{category['name_ja']}（{len(items)}）"):
            for _, item in items.sort_values("name_ja").iterrows():
                st.markdown(f"- {html.escape(facility_line(item))}")
                photo = str(item.get("photo_url") or "")
                if photo.startswith(("http://", "https://")):
                    st.image(photo, caption=str(item["name_ja"]), width=240)


def facility_line(item: pd.Series) -> str:
    """「name（address）（デモ）」 for a facility list (not escaped)."""
    address = str(item.get("address_ja") or "").strip()
    demo = "（デモ）" if item.get("status") == "demo" else ""
    return str(item["name_ja"]) + (f"（{address}）" if address else "") + demo


def main() -> None:
    """Lay out the chart of the chosen district."""
    bundle = bundle_or_stop()
    data_banner(bundle)
    code = choose_district(bundle)
    name = bundle.districts.set_index("district_code").loc[code, "name_ja"]
    st.title(f"{name}{bundle.meta['district_term_ja']}カルテ")

    profile = karte.district_profile(bundle, code)
    show_scorecard(scores.goal_scorecard(bundle, code), bundle, code)

    st.subheader("重点目標ごとの指標")
    goals = bundle.goals.sort_values("order")
    for tab, (_, goal) in zip(
        st.tabs(goals["title_ja"].tolist()), goals.iterrows(), strict=True
    ):
        with tab:
            show_goal(bundle, profile, goal["goal_id"], code)

    show_facilities(bundle, code)
    all_rows = karte_tables.indicator_rows(bundle, profile).drop(columns="推移")
    table_downloads(all_rows, f"karte_{code}", key=f"karte-{code}")


main()
