"""geo.io: reading layers with clear errors, column choice, deterministic GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, Polygon

from geo.errors import GeoInputError
from geo.io import matches_pattern, pick_column, read_layer, write_geojson

SQUARE = Polygon([(130.0, 32.0), (130.1, 32.0), (130.1, 32.1), (130.0, 32.1)])
BOWTIE = Polygon([(130.0, 32.0), (130.1, 32.1), (130.1, 32.0), (130.0, 32.1)])


def _write_raw(path: Path, geometries: list[dict | None], names: list[str]) -> Path:
    """A GeoJSON file written by hand (no CRS member), one feature per name."""
    features = [
        {"type": "Feature", "properties": {"N03_004": n}, "geometry": g}
        for g, n in zip(geometries, names, strict=True)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_reads_geojson_and_keeps_the_declared_crs(tmp_path):
    path = tmp_path / "wards.gpkg"
    gpd.GeoDataFrame({"N03_004": ["北区"]}, geometry=[SQUARE], crs=6670).to_file(path)
    frame = read_layer(path, assume_crs="EPSG:4326")
    assert frame.crs.to_epsg() == 6670
    assert frame["N03_004"].tolist() == ["北区"]


def test_missing_crs_is_an_error_unless_assumed(tmp_path):
    path = tmp_path / "no_crs.shp"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[SQUARE]).to_file(path)
    with pytest.raises(GeoInputError, match=r"no_crs\.shp.*coordinate reference"):
        read_layer(path)
    assert read_layer(path, assume_crs="EPSG:4326").crs.to_epsg() == 4326


def test_invalid_geometry_names_the_feature(tmp_path):
    path = _write_raw(
        tmp_path / "bad.geojson",
        [shapely.geometry.mapping(SQUARE), shapely.geometry.mapping(BOWTIE)],
        ["北区", "南区"],
    )
    with pytest.raises(
        GeoInputError, match=r"bad.geojson, feature 2: .*invalid"
    ) as info:
        read_layer(path, assume_crs="EPSG:4326")
    assert "2番目" in info.value.message_ja


def test_empty_geometry_names_the_feature(tmp_path):
    path = _write_raw(
        tmp_path / "empty.geojson",
        [None, shapely.geometry.mapping(SQUARE)],
        ["北区", "南区"],
    )
    with pytest.raises(GeoInputError, match=r"empty\.geojson, feature 1: .*empty"):
        read_layer(path, assume_crs="EPSG:4326")


def test_unreadable_and_missing_files(tmp_path):
    garbage = tmp_path / "garbage.geojson"
    garbage.write_text("this is not json")
    with pytest.raises(GeoInputError, match=r"garbage\.geojson: cannot be read"):
        read_layer(garbage)
    with pytest.raises(GeoInputError, match="no such file"):
        read_layer(tmp_path / "absent.shp")


def test_pick_column_by_content_option_and_error():
    frame = pd.DataFrame({"N03_004": ["熊本市"] * 2, "N03_005": ["北区", "南区"]})
    ward_test = matches_pattern(r".+区")
    assert pick_column(frame, "f", "ward name", None, ("N03_004",), ward_test) == (
        "N03_005"
    )
    assert pick_column(frame, "f", "ward name", "N03_004") == "N03_004"
    with pytest.raises(GeoInputError, match="columns found: N03_004, N03_005"):
        pick_column(frame, "f", "district name", None, (), matches_pattern("x+"))


def test_write_geojson_is_sorted_rounded_and_stable(tmp_path):
    frame = gpd.GeoDataFrame(
        {"id": ["b", "a"], "name": ["二", ""], "n": [1.0, float("nan")]},
        geometry=[Point(130.123456789, 32.0), Point(130.0, 32.987654321)],
        crs=4326,
    )
    path = write_geojson(frame, tmp_path / "out.geojson", id_column="id")
    first = path.read_bytes()
    write_geojson(frame, path, id_column="id")

    assert path.read_bytes() == first
    assert first.endswith(b"]}\n")
    document = json.loads(first)
    ids = [f["properties"]["id"] for f in document["features"]]
    assert ids == ["a", "b"]
    assert document["features"][0]["properties"] == {"id": "a", "name": None, "n": None}
    assert document["features"][1]["geometry"]["coordinates"] == [130.123457, 32.0]
    assert not list(tmp_path.glob(".out.geojson.*"))
