"""AppTest of the nearest shelter and facility page (近くの避難所・施設)."""

from __future__ import annotations

import pytest
import requests
from streamlit.testing.v1 import AppTest

from kitaku_maps import places, settings
from kitaku_maps.nearest import FacilityFinder

PAGE = str(settings.PROJECT_ROOT / "app_pages" / "nearest.py")


def _open(**params: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=180)
    for key, value in params.items():
        app.query_params[key] = value
    return app.run()


def _answer_names(app: AppTest) -> list[str]:
    """The names of the answers listed (the cards' headings, rank removed)."""
    headings = [m.value for m in app.markdown if m.value.startswith("#### ")]
    return [h.split(". ", 1)[1].replace("\\", "") for h in headings]


@pytest.fixture(scope="module")
def finder(bundle) -> FacilityFinder:
    return FacilityFinder.from_bundle(bundle)


def test_typed_town_and_flood_list_the_three_nearest_suitable(bundle, finder) -> None:
    app = _open()
    assert not app.exception
    assert "町名を入力するか" in app.info[0].value

    app.text_input(key="nearest_town").input("楡木３丁目").run()
    app.pills(key="nearest_hazard").set_value("flood").run()

    town = bundle.towns[bundle.towns["town_ja"] == "楡木三丁目"].iloc[0]
    expected = finder.nearest(town.lat, town.lon, "shelter", "flood", 3)
    assert not app.exception
    assert _answer_names(app) == [f.name for f in expected]
    shown = " ".join(m.value for m in app.markdown)
    for facility in expected:
        assert f"{facility.direction}へ {facility.distance_m:,.0f} m" in shown
        assert f"約{facility.walk_min}分" in shown
    assert any("分速80m" in c.value for c in app.caption)
    assert any(
        "指定避難所" in c.value and "指定緊急避難場所" in c.value for c in app.caption
    )
    assert dict(app.query_params) == {
        "category": "shelter",
        "n": "3",
        "hazard": "flood",
        "town": "楡木三丁目",
    }


def test_the_url_reopens_the_view_with_links_and_a_handout(finder) -> None:
    app = _open(lat="32.87", lon="130.72", hazard="earthquake", n="5")

    assert not app.exception
    names = _answer_names(app)
    assert names == [
        f.name for f in finder.nearest(32.87, 130.72, "shelter", "earthquake", 5)
    ]
    links = [b.proto.url for b in app.get("link_button")]
    assert len(links) == 5 and all(
        u.startswith("https://maps.gsi.go.jp/#17/") for u in links
    )
    assert len(app.get("download_button")) == 1


def test_partial_town_offers_candidates_and_unknown_explains(bundle) -> None:
    app = _open()
    app.text_input(key="nearest_town").input("楡木").run()

    labels = [b.label for b in app.button]
    assert "楡木一丁目" in labels and "楡木六丁目" in labels
    app.button(key="nearest_candidate_2").click().run()
    assert _answer_names(app)

    app = _open()
    app.text_input(key="nearest_town").input("ゆめ町").run()
    assert "一致する町名が見つかりません" in app.warning[-1].value
    assert not _answer_names(app)


def test_another_category_hides_the_hazard_choice(bundle) -> None:
    app = _open(lat="32.87", lon="130.72", category="school")

    assert not app.exception
    assert len(app.pills) == 0
    assert app.selectbox(key="nearest_category").value == "school"
    assert len(_answer_names(app)) == 3
    assert not any("開設状況" in c.value for c in app.caption)
    assert app.query_params["category"] in (["school"], "school")


def test_bad_url_values_fall_back_instead_of_failing() -> None:
    app = _open(lat="north", lon="130.72", n="many", hazard="volcano", category="zoo")

    assert not app.exception
    assert app.number_input(key="nearest_n").value == 3
    assert app.selectbox(key="nearest_category").value == "shelter"
    assert "町名を入力するか" in app.info[0].value


def test_a_town_credits_its_points_and_dates_the_opening_records(bundle) -> None:
    app = _open(town="楡木三丁目", hazard="flood")

    captions = " ".join(c.value for c in app.caption)
    credits = bundle.sources.set_index("source_id")["credit_ja"]
    assert not app.exception
    for source_id in ("geolonia_towns", "gsi_shelters", "kumamoto_portal"):
        assert credits[source_id].replace(".", "\\.") in captions
    assert "nan時点" not in captions
    assert "いま開いているかどうかではありません" in captions


def test_outside_the_ward_the_list_warns_of_shelters_beyond(bundle) -> None:
    west, south, _, _ = bundle.outline.total_bounds
    app = _open(lat=str(south - 0.01), lon=str(west - 0.01), hazard="flood")

    assert not app.exception
    assert _answer_names(app)
    ward = bundle.meta["ward_name_ja"]
    assert any(f"この地点は{ward}の外です" in w.value for w in app.warning)


def test_inside_near_its_shelters_no_such_warning() -> None:
    app = _open(town="楡木三丁目", hazard="flood")

    assert not any("外です" in w.value or "境界まで" in w.value for w in app.warning)


def _gsi_button(app: AppTest):
    return next(b for b in app.button if b.label.startswith("国土地理院の住所検索"))


def test_address_search_offline_says_so_and_other_ways(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise requests.ConnectionError("no route to host")

    monkeypatch.setattr(places.requests, "get", refuse)
    app = _open()
    app.text_input(key="nearest_town").input("熊本市中央区花畑町1-1").run()
    _gsi_button(app).click().run()

    assert not app.exception
    assert any("接続できませんでした" in w.value for w in app.warning)
    assert not _answer_names(app)


def test_address_search_online_offers_the_found_addresses(monkeypatch) -> None:
    class Answer:
        def raise_for_status(self) -> None:
            return None

        def json(self) -> list:
            point = {"type": "Point", "coordinates": [130.7205, 32.8702]}
            return [{"geometry": point, "properties": {"title": "ある住所"}}]

    asked = []
    monkeypatch.setattr(
        places.requests, "get", lambda *a, **k: asked.append(k) or Answer()
    )
    app = _open()
    app.text_input(key="nearest_town").input("熊本市中央区花畑町1-1").run()
    _gsi_button(app).click().run()
    app.button(key="nearest_candidate_0").click().run()

    assert not app.exception
    assert asked[0]["timeout"] <= 5
    assert "ある住所 から近い順" in [s.value for s in app.subheader]
    assert len(_answer_names(app)) == 3
    assert app.query_params["lat"] in (["32.870200"], "32.870200")


def test_banner_names_the_sample_categories_not_the_real_ones(bundle) -> None:
    app = _open()
    banner = app.warning[0].value
    names = bundle.categories.set_index("category_id")["name_ja"]
    status = bundle.facilities.groupby("category_id")["status"]
    for category, statuses in status:
        said_sample = names[category] in banner.split("の地点は")[0]
        assert said_sample == statuses.eq("demo").all(), category
    assert "統計値" not in banner
