"""データの取り込み: check an uploaded table or boundary file, then import it."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import streamlit as st

from app_pages.common import bundle_or_stop, cached_bundle
from kitaku_maps import settings, uploads
from kitaku_maps.errors import InputFormatError
from kitaku_maps.table_template import table_template, template_levels
from kitaku_maps.uploads import TableOptions, UploadCheck

NEW_SOURCE = "（新しい出典を登録）"
AUTO_COLUMN = "（自動で判別）"


def show_intro() -> bool:
    """Explain the page; return whether importing is allowed here."""
    st.title("データの取り込み")
    st.markdown(
        "市の統計表や正式な校区境界のファイルを取り込みます。"
        "まず **確認** で問題がないか、何が変わるかを見てから **取り込む** を"
        "押してください。問題が1つでもあれば、何も保存しません。"
    )
    allowed = uploads.import_allowed()
    if not allowed:
        st.info(uploads.IMPORT_DISABLED_JA + "確認だけできます。")
    else:
        st.caption(f"取り込み先: {settings.DATA_DIR}")
    return allowed


def show_check(check: UploadCheck) -> None:
    """The problems as a table, or the changes the import makes."""
    if check.message_ja:
        st.error(check.message_ja + "\n\n何も保存していません。")
    elif check.problems:
        st.error(
            f"{check.file} に {len(check.problems)} 件の問題があります。"
            "直してからもう一度アップロードしてください。何も保存していません。"
        )
        st.table(uploads.problems_table(check.problems).set_index("ファイル"))
    elif check.written:
        cached_bundle.clear()
        st.success(
            f"{check.file} を取り込みました（更新したファイル: "
            f"{'、'.join(check.written)}）。地図や表は新しいデータで表示されます。"
        )
        st.dataframe(check.changes, hide_index=True)
    else:
        st.success(f"{check.file} に問題はありません。取り込むと次のように変わります。")
        st.dataframe(check.changes, hide_index=True)


def action_buttons(key: str, allowed: bool) -> tuple[bool, bool]:
    """The 確認 and 取り込む buttons: (check pressed, import pressed)."""
    left, right, _ = st.columns([1, 1, 4])
    check = left.button("確認", key=f"{key}_check", type="secondary")
    commit = right.button(
        "取り込む", key=f"{key}_import", type="primary", disabled=not allowed
    )
    return check, commit


def table_options(path: Path) -> TableOptions | None:
    """Ask for the indicator, as-of date and source; None if the file is unreadable."""
    try:
        layout = uploads.table_layout(path, settings.DATA_DIR)
    except InputFormatError as error:
        st.error(error.message_ja)
        return None
    st.caption("表の列: " + "、".join(f"「{c}」" for c in layout.columns))

    indicator = None
    if not layout.has_indicator:
        choices = uploads.indicator_choices(settings.DATA_DIR)
        ids = list(choices)
        guess = ids.index(layout.indicator) if layout.indicator in ids else None
        indicator = st.selectbox(
            "指標（表に指標の列がないため選んでください）",
            ids,
            index=guess,
            format_func=choices.get,
            placeholder="指標を選んでください",
        )

    as_of = st.date_input("時点（いつ現在の数値か）", date.fromisoformat(layout.as_of))
    source = source_choice(as_of)
    if source is None:
        return None
    return TableOptions(as_of.isoformat(), *source, indicator)


def source_choice(as_of: date) -> tuple[str, str | None] | None:
    """The chosen source: (source_id, title of a new source or None), or None."""
    sources = uploads.source_choices(settings.DATA_DIR)
    labels = {**{k: f"{v}（{k}）" for k, v in sources.items()}, NEW_SOURCE: NEW_SOURCE}
    chosen = st.selectbox(
        "出典（この数値を公表した統計・資料）",
        list(labels),
        index=None,
        format_func=labels.get,
        placeholder="出典を選んでください",
        key="table_source",
    )
    if chosen is None:
        st.caption("出典を選ぶと「確認」と「取り込む」が表示されます。")
        return None
    if chosen != NEW_SOURCE:
        return chosen, None

    title = st.text_input("新しい出典の名前（例: 熊本市 住民基本台帳 町丁別人口）")
    return uploads.new_source_id(settings.DATA_DIR, as_of.isoformat()), title


def template_help() -> None:
    """How to lay out a table, and a blank one to fill in for any indicator."""
    bundle = bundle_or_stop()
    term, example = bundle.meta["district_term_ja"], bundle.districts["name_ja"][0]
    with st.expander("表の作り方と、記入用のひな形"):
        st.markdown(
            "- 1行に1つの数値: 「指標」「地域」「年度」「値」の列"
            "（または年度ごとに列を並べた横長の表）\n"
            f"- 地域は{term}名（「{example}」「{example}{term}」のどちらでも可）"
            "か区の名前\n"
            "- 年度は 2024、2024年度、令和6年度、R6 のどれでも可\n"
            "- 空欄や「-」「＊」は欠測として、その理由とともに残します"
        )
        catalogue = bundle.indicators
        catalogue = catalogue[catalogue["level"].isin(template_levels())]
        labels = dict(zip(catalogue["indicator_id"], catalogue["name_ja"], strict=True))
        left, right = st.columns([3, 1])
        indicator = left.selectbox(
            "ひな形の指標", list(labels), format_func=labels.get, key="template_ind"
        )
        year = right.number_input(
            "年度", 2000, 2100, date.today().year - 1, key="template_year"
        )
        st.download_button(
            "ひな形をダウンロード（CSV・Excelで開けます）",
            data=table_template(bundle, indicator, int(year)),
            file_name=f"{indicator}_{int(year)}.csv",
            mime="text/csv",
            key="template_download",
        )


def table_section(allowed: bool) -> None:
    """Upload, check and import an indicator table."""
    template_help()
    upload = st.file_uploader(
        "統計表（CSV または Excel。文字コードは UTF-8 または Shift_JIS）",
        type=list(uploads.TABLE_SUFFIXES),
        key="table_file",
    )
    if upload is None:
        return

    with tempfile.TemporaryDirectory(prefix="kitaku-upload-") as folder:
        path = uploads.save_upload(upload.name, upload.getvalue(), Path(folder))
        options = table_options(path)
        if options is None:
            return
        check, commit = action_buttons("table", allowed)
        if check or commit:
            result = uploads.check_table(path, settings.DATA_DIR, options, commit)
            show_check(result)


def boundary_section(allowed: bool) -> None:
    """Upload, check and import official school-district boundaries."""
    upload = st.file_uploader(
        "正式な校区境界（GeoJSON、GeoPackage、またはシェープファイル一式の zip）",
        type=list(uploads.BOUNDARY_SUFFIXES),
        key="boundary_file",
    )
    if upload is None:
        return

    with tempfile.TemporaryDirectory(prefix="kitaku-upload-") as folder:
        path = uploads.save_upload(upload.name, upload.getvalue(), Path(folder))
        columns = uploads.layer_columns(path)
        chosen = st.selectbox(
            "校区名の列（自動で見つからないときに選んでください）",
            [AUTO_COLUMN, *columns],
        )
        name_column = None if chosen == AUTO_COLUMN else chosen
        check, commit = action_buttons("boundary", allowed)
        if check or commit:
            result = uploads.check_boundaries(
                path, settings.DATA_DIR, name_column, commit
            )
            show_check(result)


allowed = show_intro()
table_tab, boundary_tab = st.tabs(["統計表", "校区の境界"])
with table_tab:
    table_section(allowed)
with boundary_tab:
    boundary_section(allowed)
