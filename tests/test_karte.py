"""District-chart figures against hand calculations on a hand-made bundle.

See ``tests/karte_fixture.py``: 4 districts with 1,000 / 3,000 / 2,000 / 4,000
residents, a neutral share with a tie and a missing value, a rate with a
published ward value, a small count where lower is better, and a ward survey.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from kitaku_maps import karte, scores, sentences, small_counts
from kitaku_maps.errors import UnknownDistrictError
from tests.karte_fixture import make_bundle


@pytest.fixture(scope="module")
def fixture_bundle():
    return make_bundle()


def _by_code(table: pd.DataFrame, column: str) -> dict:
    return dict(zip(table["area_code"], table[column], strict=True))


def test_ties_share_the_best_rank_and_missing_values_are_unranked(fixture_bundle):
    table = karte.indicator_table(fixture_bundle, "aging", 2025)

    ranks = _by_code(table, "rank")
    assert ranks["D01"] == 1 and ranks["D03"] == 1
    assert ranks["D02"] == 3
    assert ranks["D04"] is pd.NA
    assert _by_code(table, "missing_reason")["D04"] == "suppressed"


def test_lower_is_better_ranks_the_smallest_count_first(fixture_bundle):
    ranks = _by_code(karte.indicator_table(fixture_bundle, "fires", 2025), "rank")

    assert ranks == {"D01": 1, "D03": 2, "D02": 3, "D04": 4}


def test_share_ward_average_is_weighted_by_population(fixture_bundle):
    # 2024: (30*1000 + 20*3000 + 25*2000 + 22*4000) / 10000 = 22.8
    table_2024 = karte.indicator_table(fixture_bundle, "aging", 2024)
    # 2025, D04 missing: (32*1000 + 20*3000 + 32*2000) / 6000 = 26.0
    table_2025 = karte.indicator_table(fixture_bundle, "aging", 2025)

    assert table_2024["ward_average"].iloc[0] == pytest.approx(22.8)
    assert table_2025["ward_average"].iloc[0] == pytest.approx(26.0)
    assert table_2025["city_average"].iloc[0] == pytest.approx(26.0)
    assert math.isnan(table_2024["city_average"].iloc[0])


def test_a_rate_among_older_residents_is_weighted_by_older_residents(
    fixture_bundle,
):
    # Residents 85+ per district: D01 900, D02 300, D03 200, D04 400, not in
    # proportion to the totals. 2024 aging values
    # 30, 20, 25, 22 -> (30*900 + 20*300 + 25*200 + 22*400) / 1800 = 26.0.
    population = fixture_bundle.population.copy()
    older = population["age_group"] == population["age_group"].max()
    counts = {"D01": 900, "D02": 300, "D03": 200, "D04": 400}
    population.loc[older, "population"] = population.loc[older, "district_code"].map(
        counts
    )
    indicators = fixture_bundle.indicators.copy()
    indicators["weight_ages"] = indicators["indicator_id"].map({"aging": "65+"})
    # Derived tables are memoised per values frame: give each bundle its own.
    weighted, everyone = (
        dataclasses.replace(
            fixture_bundle,
            population=population,
            indicators=catalogue,
            values=fixture_bundle.values.copy(),
        )
        for catalogue in (indicators, fixture_bundle.indicators)
    )

    table = karte.indicator_table(weighted, "aging", 2024)
    everyone = karte.indicator_table(everyone, "aging", 2024)

    assert table["ward_average"].iloc[0] == pytest.approx(26.0)
    # By all residents: (30*1300 + 20*1500 + 25*1000 + 22*2000) / 5800
    assert everyone["ward_average"].iloc[0] == pytest.approx(138_000 / 5_800)


def test_published_ward_value_wins_over_the_weighted_mean(fixture_bundle):
    table = karte.indicator_table(fixture_bundle, "checkup", 2025)

    assert table["ward_average"].iloc[0] == pytest.approx(38.5)
    assert table["city_average"].iloc[0] == pytest.approx(36.0)


def test_count_ward_average_is_the_mean_per_district_and_no_city_average(
    fixture_bundle,
):
    table = karte.indicator_table(fixture_bundle, "fires", 2025)

    assert table["ward_average"].iloc[0] == pytest.approx((0 + 6 + 3 + 11) / 4)
    assert table["city_average"].isna().all()


def test_ward_level_rows_are_the_wards_with_the_home_ward_as_average(fixture_bundle):
    table = karte.indicator_table(fixture_bundle, "safe", 2025)

    assert len(table) == 5
    assert table["ward_average"].iloc[0] == pytest.approx(75.0)
    assert table["city_average"].iloc[0] == pytest.approx(70.5)
    assert _by_code(table, "rank")["43105"] == 1


def test_unknown_indicator_is_a_clear_error(fixture_bundle):
    with pytest.raises(karte.UnknownIndicatorError, match="nope"):
        karte.indicator_table(fixture_bundle, "nope", 2025)


def test_changes_since_previous_year_and_baseline(fixture_bundle):
    changes = karte.indicator_changes(fixture_bundle, "fires", 2025).set_index(
        "area_code"
    )

    assert changes.loc["D04", "change_previous"] == pytest.approx(11 - 9)
    assert changes.loc["D04", "change_previous_pct"] == pytest.approx(2 / 9 * 100)
    assert changes.loc["D01", "change_baseline"] == pytest.approx(0 - 2)
    assert changes.loc["D01", "change_previous_pct"] == pytest.approx(-100.0)


def test_change_from_zero_has_no_percentage(fixture_bundle):
    changes = karte.indicator_changes(fixture_bundle, "fires", 2024).set_index(
        "area_code"
    )

    assert changes.loc["D03", "change_previous"] == pytest.approx(2.0)
    assert math.isnan(changes.loc["D03", "change_previous_pct"])
    assert changes.loc["D03", "change_baseline"] == 0


def test_series_carries_ward_average_per_year(fixture_bundle):
    series = karte.indicator_series(fixture_bundle, "aging", "D01")

    assert series["fiscal_year"].tolist() == [2024, 2025]
    assert series["value"].tolist() == [30.0, 32.0]
    assert series["ward_average"].tolist() == pytest.approx([22.8, 26.0])


def test_sentences_match_hand_made_wording(fixture_bundle):
    meta = fixture_bundle.meta

    def sentence(indicator_id, code):
        info = karte.indicator_info(fixture_bundle, indicator_id)
        table = karte.indicator_table(fixture_bundle, indicator_id, 2025)
        return sentences.indicator_sentence(info, table, code, meta)

    # 32 / 26 = 1.23 -> 約1.2倍; tied first of 3 with values.
    assert sentence("aging", "D01") == (
        "高齢化率は32.0%で、テスト区平均の約1.2倍、3地区中同率で最も高い。"
    )
    # 30 / 38.5 = 0.78 -> 約8割; lowest of 4.
    assert sentence("checkup", "D02") == (
        "健診受診率は30.0%で、テスト区平均の約8割、4地区中最も低い。"
    )
    # 35 / 38.5 = 0.91 -> やや低い; second from the bottom.
    assert "テスト区平均よりやや低く、4地区中2番目に低い" in sentence("checkup", "D03")
    # Counts are 多い/少ない: 11 / 5 = 2.2; 3 / 5 = 0.6 -> 約6割; 0 has no ratio.
    assert sentence("fires", "D04") == (
        "火災件数は11件で、テスト区平均の約2.2倍、4地区中最も多い。"
    )
    assert sentence("fires", "D03") == (
        "火災件数は3件で、テスト区平均の約6割、4地区中2番目に少ない。"
    )
    assert sentence("fires", "D01") == "火災件数は0件で、4地区中最も少ない。"
    assert sentence("aging", "D04") == "高齢化率の2025年度の値はありません（秘匿）。"
    assert sentence("safe", "43105").startswith("テスト区の安全だと感じる")


def _table(values: list[float], average: float) -> pd.DataFrame:
    """A one-year district table of a share, as ``karte.indicator_table`` gives."""
    table = pd.DataFrame(
        {
            "area_code": [f"D{i + 1:02d}" for i in range(len(values))],
            "value": values,
            "missing_reason": [None] * len(values),
            "ward_average": average,
            "city_average": float("nan"),
        }
    )
    table.attrs = {"fiscal_year": 2025}
    return table


@pytest.mark.parametrize(
    ("values", "clause"),
    [
        ([101.0, 95.0, 102.0], "テスト区平均とほぼ同じで、3地区中2番目に高い。"),
        ([110.0, 100.0, 105.0], "テスト区平均よりやや高く、3地区中最も高い。"),
        ([91.0, 100.0, 105.0], "テスト区平均よりやや低く、3地区中最も低い。"),
        ([120.0, 100.0, 105.0], "テスト区平均の約1.2倍、3地区中最も高い。"),
        ([100.0, 110.0, 100.0, 90.0], "とほぼ同じで、4地区中同率で2番目に高い。"),
    ],
)
def test_comparison_words_flow_into_the_rank_clause(fixture_bundle, values, clause):
    info = karte.indicator_info(fixture_bundle, "checkup")
    table = _table(values, 100.0)

    text = sentences.table_sentences(info, table, fixture_bundle.meta)["D01"]

    assert text.endswith(clause), text
    assert "い、" not in text


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (100, "ほぼ同じ"),
        (110, "やや高い"),
        (90, "やや低い"),
        (200, "約2倍"),
        (300, "約3倍"),
        (250, "約2.5倍"),
        (50, "約半分"),
        (30, "約3割"),
        (5, "1割未満"),
        # Halves round up, not to even: 0.25 -> 3割, 0.65 -> 7割, 1.25 -> 1.3倍.
        (25, "約3割"),
        (65, "約7割"),
        (125, "約1.3倍"),
        (149, "約1.5倍"),
    ],
)
def test_ratio_words(value, words):
    assert words in sentences.ratio_words(value, 100, "区平均")


def test_counts_say_more_and_fewer_and_rates_higher_and_lower():
    values = {"D01": 12.0, "D02": 10.0, "D03": 5.0}
    count = sentences.high_low("count")

    assert sentences.ratio_words(11, 10, "区平均", count) == "区平均よりやや多い"
    assert sentences.ratio_words(9, 10, "区平均", count) == "区平均よりやや少ない"
    assert sentences.rank_words(values, "D03", "地区", count) == "3地区中最も少ない"
    assert sentences.rank_words(values, "D01", "地区") == "3地区中最も高い"
    assert sentences.ratio_words(float("nan"), 10, "区平均") == ""
    assert sentences.rank_words({"D01": 1.0}, "D01", "地区") == ""


def test_change_words_use_points_for_percentages(fixture_bundle):
    info = karte.indicator_info(fixture_bundle, "aging")

    assert sentences.change_words(1.25, info, "2024年度") == (
        "2024年度から1.2ポイント上昇"
    )
    assert sentences.change_words(0.01, info, "前年度").endswith("横ばい")


def test_scorecard_orients_lower_is_better_and_skips_neutral(fixture_bundle):
    scored = scores.standardised_scores(fixture_bundle)
    card = scores.goal_scorecard(fixture_bundle, "D01").set_index("goal_id")

    assert "aging" not in scored.columns
    # Fires are a small count per residents: pooled over 2023-2025 and per
    # 1,000 person-years: 3/3000, 15/9000, 5/6000, 26/12000 (x 1,000).
    rates = pd.Series([3 / 3, 15 / 9, 5 / 6, 26 / 12])
    mean, sd = rates.mean(), rates.std(ddof=0)
    assert scored.loc["D01", "fires"] == pytest.approx(-(1.0 - mean) / sd)
    assert scored["fires"].idxmax() == "D03"
    assert card.loc["disaster", "strongest_ja"] == "火災件数"
    assert math.isnan(card.loc["community", "score"])


def test_goals_without_a_score_say_why_and_give_the_ward_standing(fixture_bundle):
    card = scores.goal_scorecard(fixture_bundle, "D01").set_index("goal_id")

    # community has only a neutral share; living only a ward survey; children none.
    assert card.loc["community", "basis"] == scores.BASIS_NEUTRAL
    assert card.loc["community", "neutral_ja"] == "高齢化率"
    assert card.loc["living", "basis"] == scores.BASIS_WARD
    assert card.loc["children", "basis"] == scores.BASIS_NONE
    assert card.loc["disaster", "basis"] == scores.BASIS_DISTRICT
    # The ward's 75.0 is the highest of 70, 72, 68, 66, 75.
    assert card.loc["living", "ward_standing_ja"] == "安全だと感じる市民の割合 1位/5区"
    assert card.loc["disaster", "ward_standing_ja"] == ""


def test_profile_marks_ward_figures_and_includes_every_indicator(fixture_bundle):
    profile = karte.district_profile(fixture_bundle, "D02").set_index("indicator_id")

    assert list(profile.index) == ["aging", "checkup", "fires", "safe"]
    assert bool(profile.loc["safe", "is_ward_figure"])
    assert profile.loc["safe", "value"] == 75.0
    assert profile.loc["fires", "rank"] == 3
    assert profile.loc["fires", "n_ranked"] == 4


def test_unknown_district_is_a_clear_error(fixture_bundle):
    with pytest.raises(UnknownDistrictError):
        karte.district_profile(fixture_bundle, "D99")


def test_small_count_rates_have_exact_intervals_and_flags(fixture_bundle):
    rates = small_counts.rates_per_thousand(fixture_bundle, "fires", 2025).set_index(
        "area_code"
    )

    # D04: 11 fires among 4,000 residents = 2.75 per 1,000.
    assert rates.loc["D04", "rate"] == pytest.approx(2.75)
    # Exact Poisson 95 % interval of 11 is 5.491 .. 19.682.
    assert rates.loc["D04", "lower"] == pytest.approx(5.491 / 4, rel=1e-3)
    assert rates.loc["D04", "upper"] == pytest.approx(19.682 / 4, rel=1e-3)
    assert not rates.loc["D04", "unstable"]
    assert rates.loc["D01", "unstable"] and rates.loc["D01", "lower"] == 0


def test_pooled_rates_sum_counts_and_person_years(fixture_bundle):
    pooled = small_counts.rates_per_thousand(
        fixture_bundle, "fires", 2025, pool_years=3
    ).set_index("area_code")

    # D02: 4 + 5 + 6 = 15 fires over 3 years of 3,000 residents.
    assert pooled.loc["D02", "count"] == 15
    assert pooled.loc["D02", "rate"] == pytest.approx(15 / 9000 * 1000)
    assert not pooled.loc["D02", "unstable"]


def test_a_score_group_counts_once_in_its_goal(bundle):
    scored = scores.standardised_scores(bundle)
    catalogue = bundle.indicators.set_index("indicator_id")
    group = catalogue["score_group"].fillna("")
    goal = catalogue.loc[group[group != ""].index[0], "goal_id"]
    members = [i for i in scored.columns if catalogue.loc[i, "goal_id"] == goal]
    grouped = [i for i in members if group[i]]
    alone = [i for i in members if not group[i]]
    assert len(grouped) >= 2 and alone

    code = scored.index[0]
    own = scored.loc[code]
    expected = pd.concat([own[alone], pd.Series([own[grouped].mean()])]).mean()
    card = scores.goal_scorecard(bundle, code).set_index("goal_id")
    assert card.loc[goal, "score"] == pytest.approx(expected)
    assert card.loc[goal, "n_indicators"] == len(members)
