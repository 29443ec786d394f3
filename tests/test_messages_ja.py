"""Broken input gets a Japanese message naming the file, row and column.

Each test breaks one thing (in an indicator table, a bundle file or a
geometry file) and checks the Japanese text the app shows: where (file, row
or feature, column), what was needed, and what was found.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from geo.errors import GeoInputError
from geo.io import read_layer
from kitaku_maps import tables
from kitaku_maps.errors import (
    DataValidationError,
    InputFormatError,
    KitakuError,
    Problem,
    UnknownDistrictError,
)
from kitaku_maps.loader import load_bundle

# --- helpers ---------------------------------------------------------------


def table_error(bundle: Path, folder: Path, name: str, text: str, encoding="utf-8"):
    """The error reading table ``text`` against the hand-made bundle raises."""
    path = folder / name
    path.write_bytes(text.encode(encoding))
    with pytest.raises(KitakuError) as caught:
        tables.read_indicator_table(path, bundle)
    return caught.value


def bundle_error(folder: Path) -> DataValidationError:
    """The DataValidationError the loader raises for a broken bundle."""
    with pytest.raises(DataValidationError) as caught:
        load_bundle(folder)
    return caught.value


def edit(folder: Path, name: str, old: str, new: str) -> None:
    """Replace the first ``old`` in a bundle file."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_feature(folder: Path, name: str, index: int, change: dict) -> None:
    """Update feature ``index`` (0-based) of a bundle GeoJSON file."""
    path = folder / name
    document = json.loads(path.read_text(encoding="utf-8"))
    document["features"][index].update(change)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


# --- indicator tables ------------------------------------------------------


def test_wrong_encoding_names_the_file_and_the_encodings_tried(mini_copy, tmp_path):
    error = table_error(mini_copy, tmp_path, "u16.csv", "指標,校区\n", "utf-16")

    assert isinstance(error, InputFormatError)
    assert error.message_ja.startswith("ファイル u16.csv: 文字コードは")
    assert "UTF-8" in error.message_ja and "Shift_JIS（CP932）" in error.message_ja


def test_missing_column_lists_the_columns_found(mini_copy, tmp_path):
    text = "指標,年度,値\naging_rate,2024,20\n"
    error = table_error(mini_copy, tmp_path, "m.csv", text)

    assert error.message_ja.splitlines()[1] == (
        "・ファイル m.csv の列「area」: 地域（校区・区）の列（列名: "
        + "、".join(tables.COLUMN_NAMES["area"])
        + "）が必要ですが、ファイルの列は 「指標」「年度」「値」でした。"
    )


def test_unknown_district_lists_the_known_names(mini_copy, tmp_path):
    text = "指標,校区,年度,値\naging_rate,岩野,2024,20\naging_rate,月見,2024,21\n"
    error = table_error(mini_copy, tmp_path, "d.csv", text)

    assert isinstance(error, UnknownDistrictError)
    assert error.message_ja.startswith("ファイル d.csv の 3行目、列「校区」: ")
    assert "「月見」でした" in error.message_ja
    assert "登録されている名前: 岩野、一木" in error.message_ja


def test_duplicate_row_names_the_first_row(mini_copy, tmp_path):
    text = "指標,校区,年度,値\naging_rate,岩野,2024,20\naging_rate,岩野校区,R6,21\n"
    error = table_error(mini_copy, tmp_path, "dup.csv", text)

    assert "ファイル dup.csv の 3行目、列「値」: 指標・地域・年度ごとに1行が必要" in (
        error.message_ja
    )
    assert "2行目と同じ指標・地域・年度の行" in error.message_ja


def test_text_in_a_number_column(mini_copy, tmp_path):
    text = "指標,校区,年度,値\naging_rate,岩野,2024,約20\n"
    error = table_error(mini_copy, tmp_path, "t.csv", text)

    assert error.problems[0].to_ja() == (
        "ファイル t.csv の 2行目、列「値」: 数値、または欠測の印"
        "（空欄、-、―、＊、*）が必要ですが、「約20」でした。"
    )


def test_negative_count(mini_copy, tmp_path):
    text = "indicator,校区,2024\nfires,岩野,-3\n"
    error = table_error(mini_copy, tmp_path, "n.csv", text)

    assert error.problems[0].to_ja() == (
        "ファイル n.csv の 2行目、列「2024」: 0以上の件数が必要ですが、「-3」でした。"
    )


def test_share_above_100_percent(mini_copy, tmp_path):
    text = "indicator,area,year,value\naging_rate,一木,2024,120.5\n"
    error = table_error(mini_copy, tmp_path, "s.csv", text)

    assert error.problems[0].to_ja() == (
        "ファイル s.csv の 2行目、列「value」: 0〜100 の割合（%）が必要ですが、"
        "「120.5」でした。"
    )


def test_unknown_year_format_in_a_header(mini_copy, tmp_path):
    text = "indicator,校区,2023,来年度\naging_rate,岩野,1,2\n"
    error = table_error(mini_copy, tmp_path, "y.csv", text)

    assert error.problems[0].to_ja() == (
        "ファイル y.csv の 1行目、列「来年度」: 2024、2024年度、令和6年度、R6、H30 "
        "のような年度が必要ですが、「来年度」でした。"
    )


def test_several_problems_are_all_listed_with_a_count(mini_copy, tmp_path):
    text = "指標,校区,年度,値\naging_rate,月見,2024,20\naging_rate,星野,昨年,x2\n"
    error = table_error(mini_copy, tmp_path, "many.csv", text)

    lines = error.message_ja.splitlines()
    assert lines[0] == "データに4件の問題があります。"
    assert any("3行目、列「年度」" in line for line in lines)
    assert any("3行目、列「値」" in line for line in lines)
    assert any("2行目、列「校区」" in line and "「月見」" in line for line in lines)


# --- the bundle ------------------------------------------------------------


def test_text_in_a_bundle_number_reads_as_in_the_guide(mini_copy):
    edit(mini_copy, "values.csv", "D02,2023,31.2", "D02,2023,three")

    assert bundle_error(mini_copy).problems[0].to_ja() == (
        "ファイル values.csv の 3行目、列「value」: 数値が必要ですが、「three」でした。"
    )


def test_bundle_file_in_cp932_names_the_line(mini_copy):
    path = mini_copy / "goals.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp932"))

    with pytest.raises(InputFormatError) as caught:
        load_bundle(mini_copy)
    assert caught.value.message_ja.startswith("ファイル goals.csv の 2行目: ")
    assert "UTF-8 が必要ですが、Shift_JIS（CP932）でした" in caught.value.message_ja


def test_unknown_district_code_in_the_bundle(mini_copy):
    edit(mini_copy, "values.csv", "district,D02,2023", "district,D99,2023")

    text = bundle_error(mini_copy).message_ja
    assert "ファイル values.csv の 3行目、列「area_code」: " in text
    assert "データにある校区のコードが必要ですが、「D99」でした。" in text


def test_invalid_bundle_geometry_names_the_feature(mini_copy):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [
                [130.7, 32.9],
                [130.72, 32.92],
                [130.72, 32.9],
                [130.7, 32.92],
                [130.7, 32.9],
            ]
        ],
    }
    edit_feature(mini_copy, "districts.geojson", 1, {"geometry": bowtie})

    text = bundle_error(mini_copy).message_ja
    assert "ファイル districts.geojson の 2番目の地物、列「geometry」: " in text
    assert (
        "正しい形状（ジオメトリ）が必要ですが、不正な Polygon（Self-intersection"
        in (text)
    )


def test_bundle_geometry_in_the_wrong_crs(mini_copy):
    path = mini_copy / "wards.geojson"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["crs"] = {"type": "name", "properties": {"name": "EPSG:6670"}}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    text = bundle_error(mini_copy).message_ja
    assert (
        "ファイル wards.geojson の列「crs」: 座標参照系 EPSG:4326（経度・緯度）が必要"
        in (text)
    )


# --- geometry files ---------------------------------------------------------


def write_layer(folder: Path, geometries: list, crs: str | None) -> Path:
    """A GeoJSON file of ``geometries`` (GeoJSON written without CRS if None)."""
    path = folder / "layer.geojson"
    gpd.GeoDataFrame(
        {"name": ["a"] * len(geometries)}, geometry=geometries, crs=crs
    ).to_file(path)
    return path


def test_invalid_geometry_in_a_file(tmp_path):
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    path = write_layer(tmp_path, [box(0, 0, 1, 1), bowtie], "EPSG:4326")

    with pytest.raises(GeoInputError) as caught:
        read_layer(path)
    assert caught.value.message_ja.startswith(
        "ファイル layer.geojson の 2番目の地物、列「geometry」: "
        "正しい形状が必要ですが、"
    )


def test_empty_geometry_in_a_file(tmp_path):
    path = write_layer(tmp_path, [box(0, 0, 1, 1), Polygon()], "EPSG:4326")

    with pytest.raises(GeoInputError) as caught:
        read_layer(path)
    assert caught.value.message_ja.startswith(
        "ファイル layer.geojson の 2番目の地物、列「geometry」: "
        "形状（ジオメトリ）が必要ですが、空でした"
    )


def test_missing_crs_in_a_file(tmp_path):
    path = tmp_path / "nocrs.shp"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(0, 0, 1, 1)]).to_file(path)

    with pytest.raises(GeoInputError) as caught:
        read_layer(path)
    assert caught.value.message_ja.startswith(
        "ファイル nocrs.shp: 座標参照系（CRS、例: EPSG:4326）の定義が必要ですが、"
        "定義がありませんでした"
    )


def test_problem_without_japanese_falls_back_to_the_english_texts():
    problem = Problem("x.csv", 4, "a", "a number", "'q'")
    assert (
        problem.to_ja()
        == "ファイル x.csv の 4行目、列「a」: a numberが必要ですが、'q'でした。"
    )


def test_every_schema_check_has_a_japanese_wording():
    from kitaku_maps.schemas import EXPECTED_JA, SCHEMAS

    texts = {
        text
        for schema in SCHEMAS.values()
        for column in schema.columns.values()
        for text in [column.description, *(c.error for c in column.checks)]
        if text
    }
    assert sorted(texts - set(EXPECTED_JA)) == []
