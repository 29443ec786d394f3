"""Exports: CSV opens in Excel with Japanese intact, xlsx round-trips, PNG renders."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import pandas as pd
import pytest
from matplotlib.figure import Figure
from shapely.geometry import box

from kitaku_maps import exports
from kitaku_maps.errors import InputFormatError

TABLE = pd.DataFrame(
    {
        "校区": ["楡木", "髙平台", "①テスト"],
        "値": [32.1, None, 7.0],
        "順位": pd.array([1, pd.NA, 2], dtype="Int64"),
    }
)


def test_csv_starts_with_a_bom_and_keeps_japanese():
    data = exports.table_to_csv(TABLE)

    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "髙平台" in text and "①テスト" in text
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["校区"].tolist() == TABLE["校区"].tolist()


def test_xlsx_roundtrip_keeps_names_numbers_and_blanks():
    data = exports.table_to_xlsx(TABLE, sheet_name="比較")

    back = pd.read_excel(io.BytesIO(data), sheet_name="比較")
    assert back["校区"].tolist() == TABLE["校区"].tolist()
    assert back["値"].iloc[0] == pytest.approx(32.1)
    assert pd.isna(back["値"].iloc[1]) and pd.isna(back["順位"].iloc[1])
    assert back["順位"].iloc[2] == 2


def test_geojson_is_in_lon_lat_with_japanese_properties():
    layer = gpd.GeoDataFrame(
        {"name_ja": ["楡木"], "value": [float("nan")]},
        geometry=[box(-30000, 0, -29000, 1000)],
        crs="EPSG:6670",
    )
    document = json.loads(exports.layer_to_geojson(layer))

    feature = document["features"][0]
    assert feature["properties"] == {"name_ja": "楡木", "value": None}
    lon, lat = feature["geometry"]["coordinates"][0][0]
    assert 130 < lon < 131 and 32 < lat < 34


def test_geojson_without_crs_is_refused():
    layer = gpd.GeoDataFrame({"a": [1]}, geometry=[box(0, 0, 1, 1)])

    with pytest.raises(InputFormatError, match="CRS"):
        exports.layer_to_geojson(layer)


def test_png_uses_the_bundled_japanese_font():
    name = exports.japanese_font()
    exports.use_japanese_font()
    figure = Figure(figsize=(3, 2))
    figure.subplots().set_title("高齢化率（北区）")

    data = exports.figure_to_png(figure)
    assert "IPA" in name
    assert data.startswith(b"\x89PNG")
