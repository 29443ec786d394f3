"""Preparing polygons for the web: coverage simplification, CRS, rounding."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from geo.errors import GeoInputError
from geo.web import to_web_frame, to_web_geojson

METRIC = "EPSG:6670"


def wiggly_neighbours() -> gpd.GeoDataFrame:
    """Two districts (EPSG:6670, metres) sharing a border with 200 small wiggles."""
    xs = np.linspace(0, 2000, 201)
    ys = 1000 + 4 * np.sin(xs / 7.0)
    border = list(zip(xs, ys, strict=True))
    south = Polygon([(0, 0), (2000, 0), *border[::-1]])
    north = Polygon([*border, (2000, 2000), (0, 2000)])
    return gpd.GeoDataFrame(
        {"code": ["S", "N"], "name_ja": ["南", "北"], "extra": [1, 2]},
        geometry=[south, north],
        crs=METRIC,
    ).to_crs("EPSG:4326")


def test_neighbours_keep_a_shared_edge_without_gaps_or_overlaps():
    web = to_web_frame(
        wiggly_neighbours(), ["code"], metric_crs=METRIC, tolerance_m=20, decimals=7
    )
    south, north = web.to_crs(METRIC).geometry

    assert south.intersection(north).area == pytest.approx(0, abs=1.0)
    union = south.union(north)
    assert len(shapely.get_parts(union)) == 1
    assert len(union.interiors) == 0
    assert union.area == pytest.approx(2000 * 2000, rel=0.01)


def test_simplification_drops_vertices():
    frame = wiggly_neighbours()
    web = to_web_frame(frame, ["code"], metric_crs=METRIC, tolerance_m=20)

    before = shapely.get_num_coordinates(frame.geometry.values).sum()
    after = shapely.get_num_coordinates(web.geometry.values).sum()
    assert after < before / 5


def test_result_is_lon_lat_rounded_with_only_the_asked_columns():
    web = to_web_frame(
        wiggly_neighbours(), ["code", "name_ja"], metric_crs=METRIC, tolerance_m=20
    )

    assert web.crs.to_epsg() == 4326
    assert list(web.columns) == ["code", "name_ja", "geometry"]
    coords = shapely.get_coordinates(web.geometry.values)
    assert np.allclose(coords * 1e5, np.round(coords * 1e5), atol=1e-6)
    assert 100 < coords[:, 0].min() < 180


def test_geojson_is_compact_and_keeps_japanese_text():
    text = to_web_geojson(
        wiggly_neighbours(), ["name_ja"], metric_crs=METRIC, tolerance_m=20
    )
    data = json.loads(text)

    assert [f["properties"]["name_ja"] for f in data["features"]] == ["南", "北"]
    assert "南" in text
    longest = max(
        len(str(x)) for x in data["features"][0]["geometry"]["coordinates"][0][0]
    )
    assert longest <= len("130.12345")


def test_points_pass_through_unsimplified():
    points = gpd.GeoDataFrame(
        {"code": ["a"]},
        geometry=gpd.points_from_xy([130.1234567], [32.7654321]),
        crs=4326,
    )
    web = to_web_frame(points, ["code"], metric_crs=METRIC, tolerance_m=50)

    assert math.isclose(web.geometry.iloc[0].x, 130.12346, abs_tol=1e-9)


def test_missing_crs_and_missing_column_are_explained():
    frame = wiggly_neighbours()

    with pytest.raises(GeoInputError, match="no CRS"):
        to_web_frame(
            frame.set_crs(None, allow_override=True),
            ["code"],
            metric_crs=METRIC,
            tolerance_m=1,
        )
    with pytest.raises(GeoInputError, match="'nope'"):
        to_web_frame(frame, ["nope"], metric_crs=METRIC, tolerance_m=1)
