"""Display and download tables of the district chart and the analysis page."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kitaku_maps import analysis, exports, karte, karte_tables, scores
from tests.karte_fixture import make_bundle


@pytest.fixture(scope="module")
def fixture_bundle():
    return make_bundle()


def _profile_row(bundle, indicator_id: str, code: str) -> pd.DataFrame:
    profile = karte.district_profile(bundle, code)
    return profile[profile["indicator_id"] == indicator_id]


def test_no_change_is_shown_as_plus_minus_zero():
    assert karte_tables._signed(0.0, 0, "件") == "±0件"
    assert karte_tables._signed(0.04, 1, "%") == "±0.0pt"
    assert karte_tables._signed(-2.0, 0, "件") == "-2件"
    assert karte_tables._signed(float("nan"), 0, "件") == "—"


def test_a_rank_among_one_area_is_not_shown(fixture_bundle):
    row = _profile_row(fixture_bundle, "fires", "D02").iloc[0].copy()
    assert karte_tables._rank(row, fixture_bundle.meta) == "3位/4地区（低いほど上位）"

    row["n_ranked"] = 1
    row["rank"] = 1
    assert karte_tables._rank(row, fixture_bundle.meta) == "—"


def test_scorecard_shows_a_dash_for_goals_without_a_score(fixture_bundle):
    meta = fixture_bundle.meta
    card = scores.goal_scorecard(fixture_bundle, "D01")
    rows = karte_tables.scorecard_rows(card, meta)
    shown = karte_tables.scorecard_display(rows).set_index("重点目標")
    titles = fixture_bundle.goals.set_index("goal_id")["title_ja"]

    # community has only a neutral share, living only a ward survey: no score,
    # and 評価 says why; the ward's standing is in the last column.
    assert shown.loc[titles["community"], "スコア"] == "—"
    assert shown.loc[titles["community"], "評価"] == "向きのない指標のみ"
    assert shown.loc[titles["living"], "評価"] == "テスト区全体の値のみ"
    assert shown.loc[titles["children"], "評価"] == karte_tables.NO_SCORE_JA
    standing = shown[karte_tables.standing_header(meta)]
    assert standing[titles["living"]] == "安全だと感じる市民の割合 1位/5区"
    assert standing[titles["disaster"]] == "—"
    disaster = card.set_index("goal_id").loc["disaster", "score"]
    assert shown.loc[titles["disaster"], "スコア"] == f"{disaster:+.2f}"
    assert not shown["スコア"].astype(str).isin(["None", "nan", "NaN"]).any()


def test_scorecard_download_keeps_numbers_and_leaves_missing_blank(fixture_bundle):
    card = scores.goal_scorecard(fixture_bundle, "D01")
    rows = karte_tables.scorecard_rows(card, fixture_bundle.meta)

    back = pd.read_csv(io.BytesIO(exports.table_to_csv(rows)), encoding="utf-8-sig")

    assert back["スコア"].dtype == float
    assert back["スコア"].isna().sum() == rows["スコア"].isna().sum() >= 1
    assert "None" not in exports.table_to_csv(rows).decode("utf-8-sig")


def test_export_table_has_japanese_headers_and_status_words(fixture_bundle):
    table = karte.indicator_table(fixture_bundle, "fires", 2025)
    meta = fixture_bundle.meta

    out = karte_tables.export_table(table, meta)

    assert list(out.columns[:5]) == ["コード", "名称", "値", "単位", "順位"]
    assert f"{meta['ward_name_ja']}平均" in out.columns
    assert set(out["値の種類"].dropna()) <= set(karte_tables.STATUS_JA.values())
    assert not any(column.isascii() for column in out.columns)


def test_export_of_a_ward_table_names_the_home_ward_value(fixture_bundle):
    table = karte.indicator_table(fixture_bundle, "safe", 2025)

    out = karte_tables.export_table(table, fixture_bundle.meta, {"x": "ignored"})

    assert f"{fixture_bundle.meta['ward_name_ja']}の値" in out.columns
    assert np.isclose(
        out[f"{fixture_bundle.meta['ward_name_ja']}の値"].iloc[0],
        table["ward_average"].iloc[0],
    )


def test_scorecard_notes_explain_each_goal_without_a_score(fixture_bundle):
    meta = fixture_bundle.meta
    card = scores.goal_scorecard(fixture_bundle, "D01")
    standings = scores.ward_standings(fixture_bundle)

    notes = karte_tables.scorecard_notes(card, standings, meta)

    assert notes[0] == (
        "地域コミュニティ: 地区別の指標（高齢化率）は値の大小だけでは良し悪しが"
        "決まらないため点数にしていません（値と順位は下の「地域コミュニティ」"
        "の表にあります）。"
    )
    assert (
        "住環境: 地区別の値はなく、テスト区全体の値だけです。テスト区全体では、"
        "安全だと感じる市民の割合は75.0%で5区中1位（2025年度）です。"
    ) in notes
    assert len(notes) == (card["n_indicators"] == 0).sum()


def test_small_count_note_gives_rates_with_intervals_and_pools_years(fixture_bundle):
    profile = karte.district_profile(fixture_bundle, "D01").set_index("indicator_id")
    row = profile.loc["fires"].copy()
    row["indicator_id"] = "fires"

    # 0 fires among 1,000: upper bound 3.689; pooled 3 fires over 3,000
    # person-years: 1.00 (0.619 / 3 .. 8.767 / 3).
    assert karte_tables.small_count_note(fixture_bundle, row) == (
        "2025年度は人口千人あたり0.00件（95%区間0.00〜3.69）。件数が少なく不安定で、"
        "2023〜2025年度の3年をまとめると年平均1.00件（95%区間0.21〜2.92）。"
        "まとめても件数が少なく不安定"
    )
    ward_row = profile.loc["safe"].copy()
    ward_row["indicator_id"] = "safe"
    assert karte_tables.small_count_note(fixture_bundle, ward_row) == ""


def test_averages_note_says_weighted_not_a_plain_mean(fixture_bundle):
    note = karte_tables.averages_note(fixture_bundle)

    assert "人口で重み付けした平均" in note
    assert "単純な平均ではありません" in note
    assert "地区あたりの平均" in note


def test_side_by_side_shows_values_as_the_chart_does(fixture_bundle):
    table = analysis.compare_districts(fixture_bundle, ["D01", "D02"], ["checkup"])

    shown = karte_tables.compare_display(table, fixture_bundle).iloc[0]

    # 40 and 30 against the published ward rate 38.5: +1.5 and -8.5 points.
    assert shown["あ"] == "40.0%" and shown["テスト区平均"] == "38.5%"
    assert shown["差（あ）"] == "+1.5pt" and shown["差（い）"] == "-8.5pt"
    assert shown["年度"] == "2025年度"


def test_rounded_tables_print_whole_numbers_as_integers(fixture_bundle):
    info = karte.indicator_info(fixture_bundle, "fires")
    table = karte.indicator_table(fixture_bundle, "fires", 2025)

    out = karte_tables.rounded(table, info)
    text = exports.table_to_csv(out).decode("utf-8-sig")

    # ward average of 0, 6, 3, 11 is 5 fires per district
    assert out["ward_average"].tolist() == [5] * 4
    assert "11.0" not in text and ",11," in text


def test_profile_download_keeps_numbers_and_marks_ward_figures(fixture_bundle):
    profile = karte.district_profile(fixture_bundle, "D02")

    download = karte_tables.profile_export(fixture_bundle, profile)
    book = openpyxl.load_workbook(io.BytesIO(exports.table_to_xlsx(download)))
    rows = list(book.active.iter_rows(values_only=True))
    out = download.set_index("指標")

    assert out.loc["火災件数", "値"] == 6 and out.loc["火災件数", "順位"] == 3
    assert out.loc["安全だと感じる市民の割合", "値の範囲"] == "テスト区全体"
    assert out.loc["健診受診率", "値の範囲"] == "地区"
    assert rows[0][:2] == ("重点目標", "指標")
    assert any(row[1] == "火災件数" and row[5] == 6 for row in rows[1:])


def test_photos_may_be_web_addresses_or_files_inside_the_bundle(tmp_path):
    bundle = dataclasses.replace(make_bundle(), path=tmp_path)
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "park.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path.parent / "outside.jpg").write_bytes(b"\xff\xd8\xff")

    def source(photo: str):
        return karte_tables.photo_source(bundle, pd.Series({"photo_url": photo}))

    assert source("https://example.org/p.jpg") == "https://example.org/p.jpg"
    assert source("photos/park.jpg") == str(tmp_path / "photos" / "park.jpg")
    assert source("../outside.jpg") is None
    assert source("photos/missing.jpg") is None
    assert source("") is None


def test_sources_line_names_the_sources_behind_a_goal_table(bundle):
    computed = bundle.values[bundle.values["status"] == "computed"].iloc[0]
    code = str(bundle.districts["district_code"].iloc[0])
    profile = karte.district_profile(bundle, code)
    goal = profile.set_index("indicator_id").loc[computed["indicator_id"], "goal_id"]

    line = karte_tables.sources_line(bundle, profile[profile["goal_id"] == goal])

    titles = bundle.sources.set_index("source_id")["title_ja"]
    assert line.startswith("出典: ")
    assert f"{titles[computed['source_id']]}（{computed['as_of']}時点）" in line
    assert karte_tables.sources_line(bundle, profile.iloc[0:0]) == ""
