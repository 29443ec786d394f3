"""データと出典: what the data is, where it comes from, and what is not official."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import bundle_or_stop, data_banner
from kitaku_maps.bundle import Bundle
from kitaku_maps.summary import (
    LEVEL_LABELS_JA,
    STATUS_LABELS_JA,
    catalogue_table,
    summarise,
)

LABELS_EXPLAINED = "\n".join(
    [
        f"- **{STATUS_LABELS_JA['official']}**: "
        "国・県・市などが公表したデータをそのまま使った値です。",
        f"- **{STATUS_LABELS_JA['computed']}**: 公表データ（避難所の一覧など）を、"
        "このアプリが校区ごとに数えたり割合にしたりした値です。",
        f"- **{STATUS_LABELS_JA['demo']}**: 画面の使い方を示すために作った"
        "**架空の数値**です。実際の統計ではありません。"
        "市の統計を取り込むと置き換わります。",
        "- **おおよその境界**: 正式な校区境界の地図がないため、町丁の代表点を"
        "最寄りの小学校に割り当てて描いた境界です。"
        "境界付近の家がどの校区かは、この地図では判断できません。",
    ]
)


def show_overview(bundle: Bundle, summary: dict) -> None:
    """What the dataset holds, in a few figures."""
    st.markdown(bundle.meta.get("description_ja") or "")
    years = summary["years"]["values"]
    columns = st.columns(4)
    columns[0].metric(
        bundle.meta.get("district_term_ja", "校区"), len(summary["districts"])
    )
    columns[1].metric("指標", len(summary["indicators"]))
    columns[2].metric("年度", f"{years[0]}–{years[-1]}" if years else "なし")
    columns[3].metric("施設・場所", sum(c["count"] for c in summary["facilities"]))


def show_sources(bundle: Bundle) -> None:
    """The sources and credits table, from sources.csv."""
    st.subheader("出典とクレジット")
    sources = bundle.sources.rename(
        columns={
            "title_ja": "データ",
            "publisher_ja": "提供元",
            "credit_ja": "クレジット表記",
            "licence": "ライセンス",
            "as_of": "時点",
            "url": "URL",
        }
    )
    st.dataframe(
        sources[["データ", "提供元", "クレジット表記", "ライセンス", "時点", "URL"]],
        hide_index=True,
        column_config={"URL": st.column_config.LinkColumn("URL")},
    )


def show_files(summary: dict) -> None:
    """Each file of the dataset with its rows, sources and as-of date."""
    st.subheader("ファイルごとの時点")
    files = pd.DataFrame(summary["files"])
    files["sources"] = files["sources"].str.join("、")
    files["as_of"] = files["as_of"].fillna("—")
    st.dataframe(
        files.rename(
            columns={
                "file": "ファイル",
                "rows": "件数",
                "sources": "出典（source_id）",
                "as_of": "時点（最新）",
            }
        ),
        hide_index=True,
    )


def show_catalogue(bundle: Bundle) -> None:
    """The indicator catalogue per goal, with a CSV download of all of it."""
    st.subheader("指標の一覧")
    catalogue = catalogue_table(bundle)
    source_titles = bundle.sources.set_index("source_id")["title_ja"]
    st.download_button(
        "指標の一覧をCSVでダウンロード",
        catalogue.to_csv(index=False).encode("utf-8-sig"),
        file_name="indicators_catalogue.csv",
        mime="text/csv",
    )

    for goal in bundle.goals.sort_values("order").itertuples():
        rows = catalogue[catalogue["goal_id"] == goal.goal_id]
        with st.expander(f"{goal.title_ja}（{len(rows)}指標）"):
            st.caption(goal.aim_ja)
            st.dataframe(catalogue_view(rows, source_titles), hide_index=True)


def catalogue_view(rows: pd.DataFrame, source_titles: pd.Series) -> pd.DataFrame:
    """The catalogue rows with Japanese headers and labels, for reading."""
    view = pd.DataFrame(
        {
            "指標": rows["name_ja"],
            "定義": rows["definition_ja"],
            "単位": rows["unit"],
            "単位地域": rows["level"].map(LEVEL_LABELS_JA),
            "出典": rows["source_id"].map(source_titles).fillna(rows["source_id"]),
        }
    )
    for status, label in STATUS_LABELS_JA.items():
        view[f"{label}の件数"] = rows[status]
    return view


bundle = bundle_or_stop()
summary = summarise(bundle)

st.title("データと出典")
data_banner(bundle)
show_overview(bundle, summary)

st.subheader("表示の意味")
st.markdown(LABELS_EXPLAINED)

show_sources(bundle)
show_files(summary)
show_catalogue(bundle)
