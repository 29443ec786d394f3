"""The authored goals and indicator catalogue, and how it is written to a bundle."""

from __future__ import annotations

import pandas as pd

from kitaku_maps import catalogue
from kitaku_maps.bundle import SYMBOLS
from kitaku_maps.maps.symbols import SHAPES


def test_seven_goals_with_japanese_titles_and_aims():
    goals = catalogue.goals()
    assert len(goals) == 7
    assert goals["goal_id"].is_unique
    assert (goals["title_ja"] != "").all() and (goals["aim_ja"] != "").all()
    assert sorted(goals["order"]) == list(range(1, 8))


def test_every_indicator_has_a_known_goal_and_unique_id():
    indicators = catalogue.indicators()
    assert len(indicators) >= 35
    assert indicators["indicator_id"].is_unique
    assert indicators["indicator_id"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    assert set(indicators["goal_id"]) <= set(catalogue.goals()["goal_id"])
    assert set(catalogue.goals()["goal_id"]) == set(indicators["goal_id"])


def test_enumerated_columns_use_allowed_values():
    indicators = catalogue.indicators()
    for column in ("level", "kind", "better", "default_scheme"):
        assert set(indicators[column]) <= set(catalogue.ALLOWED[column]), column
    for column in ("small_count", "per_population", "requested_by_council"):
        assert set(indicators[column]) <= {0, 1}, column
    assert set(catalogue.categories()["symbol"]) <= set(catalogue.ALLOWED["symbol"])


def test_survey_indicators_have_their_question_and_others_not():
    indicators = catalogue.indicators()
    survey = indicators["kind"] == "survey"
    assert survey.sum() >= 6
    assert (indicators.loc[survey, "survey_question_ja"] != "").all()
    assert (indicators.loc[~survey, "survey_question_ja"] == "").all()


def test_sources_of_indicators_are_listed():
    known = set(catalogue.sources()["source_id"])
    assert set(catalogue.indicators()["source_id"]) <= known


def test_categories_are_told_apart_by_symbol_and_colour():
    categories = catalogue.categories()
    assert {"shelter", "school", "childrens_cafeteria", "park"} <= set(
        categories["category_id"]
    )
    assert categories["color"].is_unique
    assert categories["color"].str.fullmatch(r"#[0-9A-Fa-f]{6}").all()
    assert not categories.duplicated(["symbol", "color"]).any()


def test_hazard_columns_follow_the_contract():
    hazards = catalogue.hazards()
    assert (hazards["column"] == "hazard_" + hazards["hazard_id"]).all()
    assert len(hazards) == 6


def test_write_catalogue_writes_contract_columns_deterministically(tmp_path):
    catalogue.write_catalogue(tmp_path / "a")
    catalogue.write_catalogue(tmp_path / "b")
    for name, columns in catalogue.BUNDLE_COLUMNS.items():
        first = (tmp_path / "a" / f"{name}.csv").read_bytes()
        assert first == (tmp_path / "b" / f"{name}.csv").read_bytes()
        assert not first.startswith(b"\xef\xbb\xbf") and b"\r\n" not in first
        frame = pd.read_csv(tmp_path / "a" / f"{name}.csv", dtype=str)
        assert tuple(frame.columns) == columns
    written = pd.read_csv(tmp_path / "a" / "indicators.csv")
    assert len(written) == len(catalogue.indicators())


def test_every_category_has_a_shape_of_its_own():
    categories = catalogue.categories()
    assert set(SYMBOLS) == set(SHAPES)
    assert categories["symbol"].is_unique, "tell categories apart without colour"
