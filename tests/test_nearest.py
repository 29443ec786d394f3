"""Nearest shelters and facilities on the real bundle, and the coverage indicator."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from kitaku_maps import karte, settings
from kitaku_maps.errors import InputFormatError
from kitaku_maps.maps.geometry import web_geometry
from kitaku_maps.nearest import (
    FacilityFinder,
    compute_coverage,
    coverage_rules,
    direction_ja,
    gsi_maps_url,
    opening_status,
    walk_minutes,
)
from kitaku_maps.nearest_map import nearest_map
from kitaku_maps.places import Place
from tests.nearest_support import assert_same_order_as_geodesic

PORTAL = settings.SOURCE_DATA_DIR / "shelters" / "kumamoto_portal_shelter_20260808.json"

#: Portal flag of each hazard id (see ../shared/data/README.md).
PORTAL_FLAGS = {
    "flood": "floodShFlg",
    "landslide": "sedimentDisasterShFlg",
    "earthquake": "earthquakeShFlg",
    "inland_flood": "landsideWaterShFlg",
    "storm_surge": "stormSurgeShFlg",
    "tsunami": "tsunamiShFlg",
}


@pytest.fixture(scope="module")
def finder(bundle) -> FacilityFinder:
    return FacilityFinder.from_bundle(bundle)


def random_points_around(outline: gpd.GeoDataFrame, count: int, seed: int):
    """Random (lon, lat) points over the outline's box grown by about 3 km."""
    west, south, east, north = outline.total_bounds
    rng = np.random.default_rng(seed)
    lons = rng.uniform(west - 0.03, east + 0.03, count)
    lats = rng.uniform(south - 0.03, north + 0.03, count)
    return lons, lats


def test_order_equals_geodesic_brute_force_inside_and_outside(bundle, finder) -> None:
    shelters = bundle.facilities[bundle.facilities["category_id"] == "shelter"]
    ids = shelters["facility_id"].to_numpy()
    lons, lats = shelters.geometry.x.to_numpy(), shelters.geometry.y.to_numpy()
    query_lons, query_lats = random_points_around(bundle.outline, 300, seed=5)
    inside = shapely.contains_xy(bundle.outline.union_all(), query_lons, query_lats)
    assert 30 < (~inside).sum() < 270, "expected points both inside and outside"

    for lon, lat in zip(query_lons, query_lats, strict=True):
        found = finder.nearest(lat, lon, "shelter", None, n=5)
        positions = [int(np.flatnonzero(ids == f.facility_id)[0]) for f in found]
        assert_same_order_as_geodesic(np.array(positions), lon, lat, lons, lats)
        assert [f.distance_m for f in found] == sorted(f.distance_m for f in found)


def test_every_category_and_hazard_answers_within_its_own_kind(bundle, finder) -> None:
    for category in bundle.categories["category_id"]:
        found = finder.nearest(32.87, 130.72, category, None, n=3)
        assert {f.category for f in found} <= {category}

    for hazard, name in finder.hazard_names.items():
        found = finder.nearest(32.87, 130.72, "shelter", hazard, n=5)
        assert found and all(name in f.hazards for f in found)


def test_hazard_filtering_follows_the_real_portal_flags(bundle, finder) -> None:
    if not PORTAL.exists():
        pytest.skip(f"portal shelter file absent: {PORTAL}")
    items = json.loads(PORTAL.read_text(encoding="utf-8"))["items"]
    flags = {item["facilityId"]: item for item in items}
    facilities = bundle.facilities[bundle.facilities["category_id"] == "shelter"]
    facilities = facilities.set_index("facility_id")
    portal_ids = facilities["portal_facility_id"].fillna("").astype(str)
    in_portal = portal_ids.isin(flags)
    assert in_portal.sum() >= 40, "expected the ward's portal shelters in the bundle"

    for hazard, flag in PORTAL_FLAGS.items():
        expected = {
            fid for fid, pid in portal_ids[in_portal].items() if flags[pid][flag] == "1"
        }
        found = finder.nearest(32.87, 130.72, "shelter", hazard, n=10_000)
        from_portal = {f.facility_id for f in found if f.facility_id in expected}
        assert from_portal == expected, hazard
        unflagged = {f.facility_id for f in found} - expected
        assert not unflagged & set(portal_ids[in_portal].index), hazard


def test_from_nireki_3_flood_the_three_nearest_match_brute_force(
    bundle, finder
) -> None:
    town = bundle.towns[bundle.towns["town_ja"] == "楡木三丁目"].iloc[0]
    flood = bundle.facilities[bundle.facilities["hazard_flood"] == 1]
    metric = flood.to_crs(settings.METRIC_CRS).geometry
    here = gpd.GeoSeries([Point(town.lon, town.lat)], crs=settings.WEB_CRS)
    distances = metric.distance(here.to_crs(settings.METRIC_CRS).iloc[0])
    expected = flood.assign(d=distances.to_numpy()).nsmallest(3, "d")

    found = finder.nearest(town.lat, town.lon, "shelter", "flood", n=3)

    assert [f.name for f in found] == expected["name_ja"].tolist()
    np.testing.assert_allclose([f.distance_m for f in found], expected["d"], atol=0.1)


def test_unknown_hazard_or_category_is_refused_in_japanese(finder) -> None:
    with pytest.raises(InputFormatError) as raised:
        finder.nearest(32.87, 130.72, "shelter", "volcano")
    assert "volcano" in raised.value.message_ja
    with pytest.raises(InputFormatError, match="latitude"):
        finder.nearest(130.72, 32.87)


@pytest.mark.parametrize(
    ("bearing", "name"),
    [
        (0, "北"),
        (22, "北"),
        (23, "北東"),
        (90, "東"),
        (180, "南"),
        (225, "南西"),
        (300, "北西"),
        (338, "北"),
        (359.9, "北"),
    ],
)
def test_compass_directions(bearing, name) -> None:
    assert direction_ja(bearing) == name


def test_walking_minutes_and_gsi_link() -> None:
    assert walk_minutes(183.6) == 3
    assert walk_minutes(5) == 1
    assert gsi_maps_url(32.848279, 130.75355) == (
        "https://maps.gsi.go.jp/#17/32.848279/130.753550/"
    )


@pytest.mark.parametrize(
    ("opened", "closed", "status"),
    [
        ("2026-07-28 17:00", "", "open"),
        ("2026-07-28 17:30", "2026-08-01 13:04", "closed"),
        ("2026-07-28 17:30", "2026-08-08 13:04", "closed"),
        ("", "", ""),
    ],
)
def test_opening_status_as_of_the_data_date(opened, closed, status) -> None:
    row = pd.Series({"opened_at": opened, "closed_at": closed, "as_of": "2026-08-08"})
    found, sentence = opening_status(row)
    assert found == status
    assert "2026-08-08" in sentence or not opened


def _hand_made_case():
    """Two districts; shelters on the equator-free grid near (130.7 E, 32.9 N)."""
    # 0.001 degree of latitude is about 111 m here.
    towns = pd.DataFrame(
        {
            "town_id": ["T1", "T2", "T3", "T4"],
            "lat": [32.900, 32.906, 32.912, 32.930],
            "lon": [130.7, 130.7, 130.7, 130.7],
            "district_code": ["D01", "D01", "D01", "D02"],
            "population": [100, 300, None, 50],
        }
    )
    facilities = gpd.GeoDataFrame(
        {
            "facility_id": ["S1", "S2"],
            "category_id": ["shelter", "shelter"],
            "hazard_flood": [1, 0],
            "hazard_landslide": [1, 1],
            "as_of": ["2026-08-08", "2026-08-08"],
        },
        geometry=[Point(130.7, 32.900), Point(130.7, 32.930)],
        crs=settings.WEB_CRS,
    )
    hazards = pd.DataFrame(
        {
            "hazard_id": ["flood", "landslide"],
            "order": [1, 2],
            "name_ja": ["洪水", "土砂災害"],
            "column": ["hazard_flood", "hazard_landslide"],
        }
    )
    rules = pd.DataFrame(
        {
            "indicator_id": ["far_flood", "far_flood_people", "far_landslide"],
            "hazard_id": ["flood", "flood", "landslide"],
            "distance_m": [500.0, 500.0, 500.0],
            "weight": ["towns", "population", "towns"],
            "source_id": ["computed", "computed", "computed"],
        }
    )
    return towns, facilities, hazards, rules


def test_coverage_on_a_hand_made_case() -> None:
    towns, facilities, hazards, rules = _hand_made_case()

    values = compute_coverage(towns, facilities, hazards, ["D01", "D02", "D03"], rules)
    table = values.set_index(["indicator_id", "area_code"])["value"]

    # Flood: only S1 (at T1). T1 0 m, T2 ~666 m, T3 ~1332 m -> 2 of 3 far.
    assert table["far_flood", "D01"] == pytest.approx(66.7)
    assert table["far_flood", "D02"] == pytest.approx(100.0)
    # Landslide: S2 (at T4) also counts; T3 is ~2 km from S2, T2 far from both.
    assert table["far_landslide", "D01"] == pytest.approx(66.7)
    assert table["far_landslide", "D02"] == pytest.approx(0.0)
    # Population share needs every town's population: D01 lacks T3's.
    assert pd.isna(table["far_flood_people", "D01"])
    assert table["far_flood_people", "D02"] == pytest.approx(100.0)
    assert pd.isna(table["far_flood", "D03"])
    assert set(values["status"]) == {"computed"}
    assert set(values["level"]) == {"district"}


def test_coverage_of_the_whole_ward_counts_all_its_towns() -> None:
    towns, facilities, hazards, rules = _hand_made_case()

    values = compute_coverage(
        towns, facilities, hazards, ["D01", "D02", "D03"], rules, ward_code="W1"
    )
    ward = values[values["level"] == "ward"].set_index("indicator_id")

    assert set(ward["area_code"]) == {"W1"}
    # Flood: T2, T3 and T4 of the 4 towns are farther than 500 m from S1.
    assert ward.at["far_flood", "value"] == pytest.approx(75.0)
    # Landslide: T2 and T3 far; T1 and T4 each have a shelter on the spot.
    assert ward.at["far_landslide", "value"] == pytest.approx(50.0)
    # Population share needs every town's population: T3 lacks one.
    assert pd.isna(ward.at["far_flood_people", "value"])
    assert set(values["fiscal_year"]) == {2026}
    missing = values[values["value"].isna()]
    assert set(missing["missing_reason"]) == {"not_collected"}


def test_coverage_on_the_real_bundle_has_a_value_per_district(bundle) -> None:
    values = compute_coverage(
        bundle.towns,
        bundle.facilities,
        bundle.hazards,
        bundle.districts["district_code"],
    )
    assert len(values) == len(coverage_rules()) * len(bundle.districts)
    assert values["value"].between(0, 100).all()
    catalogued = set(bundle.indicators["indicator_id"])
    assert set(values["indicator_id"]) <= catalogued


def test_coverage_has_500_m_and_1_km_for_every_hazard_type(bundle) -> None:
    rules = coverage_rules()
    indicators = bundle.indicators.set_index("indicator_id")

    for hazard in bundle.hazards.itertuples(index=False):
        mine = rules[rules["hazard_id"] == hazard.hazard_id]
        assert sorted(mine["distance_m"]) == [500.0, 1000.0], hazard.hazard_id
        for indicator_id in mine["indicator_id"]:
            assert hazard.name_ja in indicators.at[indicator_id, "name_ja"]
            assert indicators.at[indicator_id, "goal_id"] == "disaster"


def test_coverage_values_of_every_hazard_are_in_the_bundle(bundle) -> None:
    values = bundle.values[bundle.values["status"] == "computed"]
    districts = values[values["level"] == "district"]
    per_rule = districts.groupby("indicator_id")["area_code"].nunique()

    for indicator_id in coverage_rules()["indicator_id"]:
        assert per_rule.get(indicator_id) == len(bundle.districts), indicator_id


def test_ward_average_of_coverage_is_the_share_of_all_the_ward_s_towns(bundle) -> None:
    indicator_id = coverage_rules()["indicator_id"].iloc[-1]
    year = karte.latest_year(bundle, indicator_id)
    table = karte.indicator_table(bundle, indicator_id, year)
    towns = bundle.towns.groupby("district_code").size()

    far_towns = (table.set_index("area_code")["value"] / 100 * towns).sum()

    # A mean of district shares weighted by residents would differ: the
    # ward's figure counts its towns, as each district's does.
    assert table["ward_average"].iloc[0] == pytest.approx(
        far_towns / towns.sum() * 100, abs=0.05
    )


def test_map_draws_place_answers_and_lines_without_cdn_or_jquery(
    bundle, finder
) -> None:
    place = Place("テスト地点", 32.87, 130.72, source="point")
    found = finder.nearest(place.lat, place.lon, "shelter", "flood", 3)

    html = nearest_map(bundle, web_geometry(bundle), place, found).get_root().render()

    assert html.count("kitaku-nearest-line") == 3
    assert html.count("permanent") >= 4
    assert "$(" not in html, "folium parts needing jQuery would break offline"
    assert "cdn" not in html.lower()


def test_outside_the_ward_says_nearer_shelters_may_lie_beyond(bundle, finder) -> None:
    ward = bundle.meta["ward_name_ja"]
    west, south, _, _ = bundle.outline.total_bounds
    lat, lon = south - 0.01, west - 0.01  # south-west of the ward's box

    found = finder.nearest(lat, lon, "shelter", "flood", 3)

    assert f"この地点は{ward}の外です" in finder.beyond_area_note_ja(lat, lon, found)


def test_near_the_edge_the_note_gives_the_metres_to_the_boundary(
    bundle, finder
) -> None:
    area = bundle.outline.to_crs(settings.METRIC_CRS).union_all()
    edge = shapely.line_interpolate_point(area.exterior, 0.3, normalized=True)
    inside = shapely.Point(edge.x, edge.y).buffer(60).intersection(area)
    point = gpd.GeoSeries([inside.representative_point()], crs=settings.METRIC_CRS)
    lon, lat = point.to_crs(settings.WEB_CRS).iloc[0].coords[0]

    found = finder.nearest(lat, lon, "shelter", None, 1)
    note = finder.beyond_area_note_ja(lat, lon, found)

    edge_m = area.boundary.distance(point.iloc[0])
    assert edge_m < found[0].distance_m
    assert f"境界まで約{edge_m:,.0f} m" in note


def test_beside_its_nearest_shelter_no_note(bundle, finder) -> None:
    shelter = bundle.facilities[bundle.facilities["category_id"] == "shelter"].iloc[0]
    lat, lon = shelter.geometry.y, shelter.geometry.x

    found = finder.nearest(lat, lon, "shelter", None, 3)

    assert found[0].distance_m < 1
    assert finder.beyond_area_note_ja(lat, lon, found) == ""


def test_merged_shelters_credit_the_gsi_list_too(bundle, finder) -> None:
    merged = bundle.facilities[
        bundle.facilities["gsi_common_id"].notna()
        & (bundle.facilities["source_id"] != "gsi_shelters")
    ].iloc[0]

    found = finder.nearest(merged.geometry.y, merged.geometry.x, "shelter", None, 1)

    assert found[0].facility_id == merged["facility_id"]
    assert found[0].credit_ids == [merged["source_id"], "gsi_shelters"]


def test_other_categories_carry_no_opening_status(finder) -> None:
    for category in ("school", "park"):
        found = finder.nearest(32.87, 130.72, category, None, 3)
        assert found and all(f.open_status_ja == "" for f in found)


def test_place_label_is_placed_without_needing_its_width(bundle, finder) -> None:
    place = Place("テスト地点", 32.87, 130.72, source="point")
    found = finder.nearest(place.lat, place.lon, "shelter", "flood", 3)

    html = nearest_map(bundle, web_geometry(bundle), place, found).get_root().render()

    # "bottom"/"top" centre the label by its width, measured before Leaflet's
    # CSS arrives in the component: the label then lands off the map.
    assert '"direction": "bottom"' not in html and '"direction": "top"' not in html
    assert "選んだ場所" in html
