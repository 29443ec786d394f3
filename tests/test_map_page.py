"""The map explorer page under AppTest: runs, every control acts, URL restores."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import app_pages.common as common
from tests.map_fixture import make_bundle

PAGE = "../app_pages/map_explorer.py"


@pytest.fixture
def page(monkeypatch):
    """A factory of the page running on the hand-made bundle."""
    bundle = make_bundle()
    monkeypatch.setattr(common, "load_bundle", lambda path: bundle)
    st.cache_resource.clear()

    def open_page(**params) -> AppTest:
        app = AppTest.from_file(PAGE, default_timeout=60)
        for key, value in params.items():
            app.query_params[key] = value
        app.run()
        assert not app.exception, app.exception
        return app

    yield open_page
    st.cache_resource.clear()


def map_script(app: AppTest) -> str:
    """The Leaflet script the page handed to st_folium."""
    (component,) = app.get("component_instance")
    return json.loads(component.proto.json_args)["script"]


def selected_outline(app: AppTest) -> str | None:
    """The area code the map outlines as chosen (sent beside the map)."""
    (component,) = app.get("component_instance")
    extra = json.loads(component.proto.json_args).get("feature_group") or ""
    found = re.search(r'"properties":\{"selected":"([^"]+)"\}', extra)
    return found[1] if found else None


def popups(app: AppTest) -> int:
    """Number of facility popups on the map."""
    return map_script(app).count('class=\\"kitaku-popup\\"')


def areas(app: AppTest) -> int:
    """Number of areas the indicator layer draws."""
    return map_script(app).count('"type":"Feature","properties":{"code"')


def params(app: AppTest) -> dict[str, str]:
    """The page's URL parameters."""
    return {key: str(app.query_params[key]) for key in app.query_params}


def test_first_open_shows_the_aging_rate_with_shelters(page):
    app = page()

    assert app.selectbox(key="map_indicator").value == "aging_rate"
    assert app.select_slider(key="map_year").value == 2024
    assert app.multiselect(key="map_layers").value == ["shelter"]
    assert areas(app) == 21
    assert popups(app) == 40
    assert "高齢化率（2024年度）" in map_script(app)
    assert any("デモ用" in w.value for w in app.warning)
    assert params(app)["indicator"] == "aging_rate"


def test_goal_change_picks_that_goals_first_indicator(page):
    app = page()
    app.selectbox(key="map_indicator_goal").set_value("health").run()

    assert app.selectbox(key="map_indicator").value == "checkup_rate"
    assert "特定健診受診率" in map_script(app)
    assert app.radio(key="map_scheme").value == "equal_interval"
    assert params(app)["goal"] == "health"


def test_year_slider_changes_the_year_shown(page):
    app = page()
    app.select_slider(key="map_year").set_value(2022).run()

    assert "高齢化率（2022年度）" in map_script(app)
    assert params(app)["year"] == "2022"


def test_scheme_changes_the_class_bounds(page):
    app = page()
    before = map_script(app)
    app.radio(key="map_scheme").set_value("equal_interval").run()

    assert map_script(app) != before
    assert "21.0 – 25.5" in before
    assert "21.0 – 25.5" not in map_script(app)
    assert params(app)["scheme"] == "equal_interval"


def test_change_view_compares_two_years(page):
    app = page()
    app.toggle(key="map_change").set_value(True).run()

    assert "高齢化率の変化（2022→2024年度）" in map_script(app)
    assert params(app)["from"] == "2022"


def test_layers_and_shelter_filters_change_the_points(page):
    app = page()
    app.multiselect(key="map_layers").set_value(["park"]).run()
    assert popups(app) == 1

    app.multiselect(key="map_layers").set_value(["shelter"]).run()
    app.multiselect(key="map_shelter_kinds").set_value(["welfare"]).run()
    assert popups(app) == 4
    assert params(app)["kinds"] == "welfare"

    app.multiselect(key="map_shelter_hazards").set_value(["flood"]).run()
    assert popups(app) == 4
    assert params(app)["hazards"] == "flood"


def test_base_map_choice_changes_the_tiles(page):
    app = page()
    assert "cyberjapandata.gsi.go.jp/xyz/std" in map_script(app)

    app.selectbox(key="map_base").set_value("osm").run()
    assert "tile.openstreetmap.org" in map_script(app)

    app.selectbox(key="map_base").set_value("none").run()
    assert "tile_layer" not in map_script(app)
    assert areas(app) == 21


def test_choosing_a_district_fills_the_panel(page):
    app = page()
    app.selectbox(key="map_district").set_value("D05").run()

    assert app.metric[0].value == "25.8%"
    panel = " ".join(m.value for m in app.markdown)
    assert "テスト区平均: **30.0%**" in panel
    assert "5位／20" in panel
    assert "district?district=D05" in panel
    assert params(app)["district"] == "D05"


def test_ward_level_indicator_maps_the_wards(page):
    app = page()
    app.selectbox(key="map_indicator_goal").set_value("living").run()

    assert app.selectbox(key="map_indicator").value == "feel_safe"
    assert areas(app) == 5


def test_a_copied_url_restores_the_view(page):
    app = page(
        indicator="checkup_rate",
        year="2023",
        scheme="quantiles",
        layers="park",
        base="osm",
        district="D03",
        **{"from": "2022"},
    )

    assert app.selectbox(key="map_indicator_goal").value == "health"
    assert app.selectbox(key="map_indicator").value == "checkup_rate"
    assert app.select_slider(key="map_year").value == 2023
    assert app.radio(key="map_scheme").value == "quantiles"
    assert app.toggle(key="map_change").value is True
    assert app.multiselect(key="map_layers").value == ["park"]
    assert app.selectbox(key="map_base").value == "osm"
    assert app.selectbox(key="map_district").value == "D03"
    assert "特定健診受診率の変化（2022→2023年度）" in map_script(app)


def test_unknown_url_values_fall_back_to_defaults(page):
    app = page(indicator="nope", year="1800", layers="shelter,bogus", base="x")

    assert app.selectbox(key="map_indicator").value == "aging_rate"
    assert app.select_slider(key="map_year").value == 2024
    assert app.multiselect(key="map_layers").value == ["shelter"]
    assert app.selectbox(key="map_base").value == "gsi_std"


def test_map_reruns_only_on_a_click():
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.run()
    if app.exception:
        pytest.skip("the default bundle is not available")
    (component,) = app.get("component_instance")

    returned = json.loads(component.proto.json_args)["returned_objects"]
    assert set(returned) == {"last_active_drawing", "last_object_clicked"}
    assert app.selectbox(key="map_indicator").value == "aging_rate"
    assert "shelter" in app.multiselect(key="map_layers").value


def test_a_url_with_only_a_goal_opens_its_first_indicator(page):
    app = page(goal="health")

    assert app.selectbox(key="map_indicator_goal").value == "health"
    assert app.selectbox(key="map_indicator").value == "checkup_rate"


def test_the_chosen_district_is_outlined_from_url_and_select_box(page):
    app = page(district="D05")
    assert selected_outline(app) == "D05"
    script = map_script(app)

    app.selectbox(key="map_district").set_value("D07").run()
    assert selected_outline(app) == "D07"
    assert map_script(app) == script


def test_panel_says_when_the_city_has_no_figure_for_the_year(page):
    app = page(indicator="checkup_rate", district="D05")
    panel = " ".join(m.value for m in app.markdown)

    assert "テスト区平均: **31.9%**" in panel
    assert "テスト市平均: 2024年度の値なし" in panel


def test_panel_names_the_latest_year_the_city_has_a_figure(monkeypatch):
    bundle = make_bundle()
    values = bundle.values
    city_2024 = (values["level"] == "city") & (values["fiscal_year"] == 2024)
    bundle = replace(bundle, values=values[~city_2024])
    monkeypatch.setattr(common, "load_bundle", lambda path: bundle)
    st.cache_resource.clear()
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.query_params["district"] = "D05"
    app.run()
    panel = " ".join(m.value for m in app.markdown)
    st.cache_resource.clear()

    assert "テスト市平均: 2024年度の値なし（2023年度は27.0%）" in panel


def test_trend_chart_keeps_year_labels_level_and_every_series_named(page):
    app = page(district="D05")
    (chart,) = app.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)

    assert spec["encoding"]["x"]["axis"]["labelAngle"] == 0
    assert spec["height"] >= 240  # axes and legend take ~120 px of the height
    legend = spec["encoding"]["color"]["legend"]
    assert legend["columns"] >= 2 and legend["labelLimit"] == 0


def test_empty_facility_and_shelter_pickers_say_so_in_japanese(page):
    app = page(layers="")

    assert app.multiselect(key="map_layers").proto.placeholder == "表示する施設を選ぶ"
    app = page(layers="shelter")
    hazards = app.multiselect(key="map_shelter_hazards").proto.placeholder
    assert hazards == "絞り込まない（すべて表示）"


def test_base_map_and_layers_are_written_into_the_url(page):
    app = page()
    app.selectbox(key="map_base").set_value("gsi_photo").run()
    app.multiselect(key="map_layers").set_value(["shelter", "park"]).run()

    assert "cyberjapandata.gsi.go.jp/xyz/seamlessphoto" in map_script(app)
    assert params(app)["base"] == "gsi_photo"
    assert params(app)["layers"] == "shelter,park"


def test_change_view_year_to_compare_with_changes_the_map_and_the_url(page):
    app = page()
    app.toggle(key="map_change").set_value(True).run()
    app.select_slider(key="map_from").set_value(2023).run()

    assert "高齢化率の変化（2023→2024年度）" in map_script(app)
    assert params(app)["from"] == "2023"
    assert app.radio(key="map_scheme").disabled
    assert any("0を中心に" in c.value for c in app.caption)


def test_change_view_panel_shows_the_change_and_both_years(page):
    app = page(district="D05", **{"from": "2022"})

    assert app.metric[0].value == "+1.0ポイント"
    panel = " ".join(m.value for m in app.markdown)
    assert "2022年度: 24.8% → 2024年度: 25.8%" in panel


def test_panel_says_where_the_value_comes_from(monkeypatch):
    bundle = make_bundle()
    bundle = replace(bundle, values=bundle.values.assign(status="official"))
    monkeypatch.setattr(common, "load_bundle", lambda path: bundle)
    st.cache_resource.clear()
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.query_params["district"] = "D05"
    app.run()
    st.cache_resource.clear()

    captions = " ".join(c.value for c in app.caption)
    assert "出典: テストの出典・2025-03-31時点" in captions


def test_panel_says_a_demo_value_is_not_a_real_statistic(page):
    app = page(district="D05")

    captions = " ".join(c.value for c in app.caption)
    assert "デモ用の仮の数値（実際の統計ではありません）・2025-03-31時点" in captions


def test_ward_level_map_highlights_the_home_ward_and_shows_the_city_average(page):
    app = page(indicator="feel_safe")
    script = map_script(app)

    assert areas(app) == 5
    assert '"code":"43105","name":"テスト区"' in script
    assert '"hl":1' in script and script.count('"hl":1') == 1
    assert "テスト市平均: 62.0%" in script
    assert "太線: テスト区" in script


def test_shelters_filtered_down_to_none_are_said_to_be_none(monkeypatch):
    bundle = make_bundle()
    bundle = replace(bundle, facilities=bundle.facilities.assign(hazard_flood=0))
    monkeypatch.setattr(common, "load_bundle", lambda path: bundle)
    st.cache_resource.clear()
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.query_params["hazards"] = "flood"
    app.run()
    st.cache_resource.clear()

    assert popups(app) == 0
    assert any("選んだ条件に合う避難所はありません" in c.value for c in app.caption)


def test_a_reloaded_bundle_is_mapped_afresh(monkeypatch):
    first = make_bundle()
    values = first.values.copy()
    values.loc[values["indicator_id"] == "aging_rate", "value"] = 50.0
    second = replace(first, values=values)
    current = {"bundle": first}
    monkeypatch.setattr(common, "load_bundle", lambda path: current["bundle"])
    st.cache_resource.clear()

    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert "50.0%" not in map_script(app)

    current["bundle"] = second
    common.cached_bundle.clear()
    app.run()
    st.cache_resource.clear()

    assert '"label":"50.0%"' in map_script(app)
