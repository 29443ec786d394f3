"""AppTest of the district chart (校区カルテ) on the default dataset."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kitaku_maps import karte, scores, settings
from kitaku_maps.sentences import format_value

PAGE = str(settings.PROJECT_ROOT / "app_pages" / "district.py")


def _run(code: str | None) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=180)
    if code is not None:
        app.query_params["district"] = code
    return app.run()


def _indicator_tables(app: AppTest) -> list:
    """The per-goal indicator tables shown (frames with an 指標 column)."""
    frames = [element.value for element in app.dataframe]
    return [frame for frame in frames if "指標" in frame.columns]


def _check_numbers(app: AppTest, bundle, code: str) -> int:
    """Compare every district figure shown with ``karte.indicator_table``."""
    names = bundle.indicators.set_index("name_ja")
    ward_label = f"{bundle.meta['ward_name_ja']}平均"
    checked = 0
    for frame in _indicator_tables(app):
        for _, shown in frame.iterrows():
            info = names.loc[shown["指標"]]
            indicator_id = str(info["indicator_id"])
            year = karte.latest_year(bundle, indicator_id)
            if info["level"] != "district" or year is None:
                continue
            table = karte.indicator_table(bundle, indicator_id, year)
            row = table.set_index("area_code").loc[code]
            places = int(info["decimals"])
            assert shown["値"] == format_value(row["value"], info["unit"], places)
            assert shown[ward_label] == format_value(
                row["ward_average"], info["unit"], places
            )
            assert shown["年度"] == f"{year}年度"
            if row["rank"] is not None and row["rank"] == row["rank"]:
                assert shown["順位"].startswith(f"{int(row['rank'])}位/")
            checked += 1
    return checked


def test_every_district_page_runs_and_matches_the_table(bundle):
    codes = bundle.districts["district_code"].tolist()
    names = bundle.districts.set_index("district_code")["name_ja"]

    for code in codes:
        app = _run(code)
        assert not app.exception, f"{code}: {app.exception}"
        assert app.title[0].value.startswith(names[code])
        assert app.selectbox[0].value == code
        goals = len(bundle.goals)
        assert len(app.tabs) >= goals
        assert _check_numbers(app, bundle, code) >= 10, code


def test_ward_and_survey_figures_are_marked(bundle):
    app = _run(bundle.districts["district_code"].iloc[0])
    notes = " ".join(
        " ".join(frame["備考"].astype(str)) for frame in _indicator_tables(app)
    )
    captions = " ".join(caption.value for caption in app.caption)

    if (bundle.indicators["level"] == "ward").any():
        assert f"{bundle.meta['ward_name_ja']}全体の値" in notes
    if (bundle.indicators["kind"] == "survey").any():
        assert "市民アンケート" in captions and "設問" in captions
    if bundle.has_demo:
        assert any("デモ" in warning.value for warning in app.warning)


def test_scorecard_lists_every_goal(bundle):
    app = _run(None)
    scorecard = app.dataframe[0].value

    assert (
        scorecard["重点目標"].tolist()
        == bundle.goals.sort_values("order")["title_ja"].tolist()
    )


def test_choosing_a_district_updates_the_url(bundle):
    codes = bundle.districts["district_code"].tolist()
    app = _run(codes[0])

    app.selectbox[0].set_value(codes[4]).run()

    assert (
        app.query_params["district"] == [codes[4]]
        or app.query_params["district"] == codes[4]
    )
    assert app.title[0].value.startswith(
        bundle.districts.set_index("district_code").loc[codes[4], "name_ja"]
    )


def test_unknown_district_in_url_says_so_in_japanese(bundle):
    app = _run("D99")

    assert not app.exception
    message = app.error[0].value
    assert "D99" in message
    assert bundle.districts["name_ja"].iloc[0] in message
    assert app.title, "the page falls back to the first district"


def test_scorecard_shows_a_dash_for_goals_without_a_comparable_indicator(bundle):
    code = bundle.districts["district_code"].iloc[4]
    app = _run(code)
    card = app.dataframe[0].value
    expected = scores.goal_scorecard(bundle, code)

    empty = card["指標数"] == 0
    assert empty.tolist() == (expected["n_indicators"] == 0).tolist()
    assert (card.loc[empty, "スコア"] == "—").all()
    assert card.loc[~empty, "スコア"].str.fullmatch(r"[+-]\d+\.\d\d").all()
    shown = card.loc[~empty, "スコア"].astype(float).tolist()
    assert shown == pytest.approx(expected.loc[~empty, "score"].tolist(), abs=0.005)


def test_no_rank_is_given_among_a_single_area(bundle):
    app = _run(bundle.districts["district_code"].iloc[0])

    ranks = pd.concat([frame["順位"] for frame in _indicator_tables(app)])
    assert not ranks.str.contains(r"^1位/1").any(), ranks[ranks.str.startswith("1位")]
    assert ranks.str.contains("位/").sum() >= 10


def test_facility_lists_give_address_and_mark_demo_samples(bundle):
    facilities = bundle.facilities
    demo = facilities[facilities["status"] == "demo"]
    if demo.empty:
        pytest.skip("the dataset has no demonstration facilities")
    item = demo.iloc[0]
    app = _run(str(item["district_code"]))

    lines = [m.value for m in app.markdown if str(item["name_ja"]) in m.value]
    assert any(
        line.endswith("（デモ）") and str(item["address_ja"]) in line for line in lines
    ), lines


def test_goals_without_a_score_are_explained_with_the_ward_standing(bundle):
    code = bundle.districts["district_code"].iloc[4]
    app = _run(code)
    card = app.dataframe[0].value
    expected = scores.goal_scorecard(bundle, code)
    unscored = expected[expected["n_indicators"] == 0]
    markdown = [m.value for m in app.markdown]

    assert not card.loc[card["指標数"] == 0, "評価"].isin(["—", ""]).any()
    for _, goal in unscored.iterrows():
        notes = [m for m in markdown if m.startswith(f"- {goal['title_ja']}: ")]
        assert notes, goal["title_ja"]
        if goal["ward_standing_ja"]:
            assert "区中" in notes[0] and "位（" in notes[0], notes[0]


def test_averages_note_and_small_count_rates_are_shown(bundle):
    app = _run(bundle.districts["district_code"].iloc[0])
    captions = " ".join(caption.value for caption in app.caption)
    markdown = " ".join(m.value for m in app.markdown)

    assert "人口で重み付けした平均" in captions
    assert "単純な平均ではありません" in captions
    small = bundle.indicators[
        (bundle.indicators["level"] == "district")
        & (bundle.indicators["small_count"].astype(int) == 1)
    ]
    if len(small):
        assert "人口千人あたり" in markdown and "95%区間" in markdown
