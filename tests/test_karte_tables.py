"""Display and download tables of the district chart and the analysis page."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from kitaku_maps import exports, karte, karte_tables, scores
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
    assert karte_tables._rank(row, fixture_bundle.meta) == "3位/4地区"

    row["n_ranked"] = 1
    row["rank"] = 1
    assert karte_tables._rank(row, fixture_bundle.meta) == "—"


def test_scorecard_shows_a_dash_for_goals_without_a_score(fixture_bundle):
    card = scores.goal_scorecard(fixture_bundle, "D01")
    rows = karte_tables.scorecard_rows(card)
    shown = karte_tables.scorecard_display(rows).set_index("重点目標")
    titles = fixture_bundle.goals.set_index("goal_id")["title_ja"]

    # community has only a neutral share: nothing to score.
    assert shown.loc[titles["community"], "スコア"] == "—"
    assert shown.loc[titles["community"], "評価"] == karte_tables.NO_SCORE_JA
    disaster = card.set_index("goal_id").loc["disaster", "score"]
    assert shown.loc[titles["disaster"], "スコア"] == f"{disaster:+.2f}"
    assert not shown["スコア"].astype(str).isin(["None", "nan", "NaN"]).any()


def test_scorecard_download_keeps_numbers_and_leaves_missing_blank(fixture_bundle):
    rows = karte_tables.scorecard_rows(scores.goal_scorecard(fixture_bundle, "D01"))

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
