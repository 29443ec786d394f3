"""Uploads from the app: checked on a scratch copy, imported only when clean.

Every test works on a copy of the default bundle in ``tmp_path``; the real
``data/`` is never written.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from kitaku_maps import settings, uploads
from kitaku_maps.bundle import Bundle
from kitaku_maps.loader import load_bundle
from kitaku_maps.uploads import TableOptions

OPTIONS = TableOptions(as_of="2025-04-01", source_id="kumamoto_kita_ward")


@pytest.fixture
def bundle_copy(bundle: Bundle, tmp_path: Path) -> Path:
    """A copy of the default bundle that a test may import into."""
    target = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, target)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder by name, as bytes."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def names(bundle: Bundle) -> list[str]:
    """The first three district names of the bundle, as published."""
    return list(bundle.districts["name_ja"].iloc[:3])


def good_table(bundle: Bundle, folder: Path) -> Path:
    """A CP932 long table: a population and a share for two districts."""
    first, second, _ = names(bundle)
    text = (
        "指標,校区,年度,値\n"
        f'population,{first}校区,令和6年度,"8,120"\n'
        f"aging_rate,{second}小学校,2024,31.5\n"
    )
    path = folder / "人口.csv"
    path.write_bytes(text.encode("cp932"))
    return path


def test_a_good_cp932_table_is_previewed_then_imported(bundle, bundle_copy, tmp_path):
    path = good_table(bundle, tmp_path)
    before = snapshot(bundle_copy)

    check = uploads.check_table(path, bundle_copy, OPTIONS)
    assert check.ok, check.problems or check.message_ja
    assert snapshot(bundle_copy) == before, "a check must write nothing"
    assert list(check.changes["新しい値"]) == ["8120", "31.5"]
    assert set(check.changes["変更"]) == {"デモ値を正式な値に置き換え"}

    done = uploads.check_table(path, bundle_copy, OPTIONS, commit=True)
    assert "values.csv" in done.written
    values = load_bundle(bundle_copy).values
    first_code = bundle.districts["district_code"].iloc[0]
    row = values[
        (values["indicator_id"] == "population")
        & (values["area_code"] == first_code)
        & (values["fiscal_year"] == 2024)
    ].iloc[0]
    assert (row["value"], row["status"], row["as_of"]) == (
        8120,
        "official",
        "2025-04-01",
    )


def test_a_bad_table_changes_nothing_and_lists_every_problem_in_japanese(
    bundle, bundle_copy, tmp_path
):
    first, second, _ = names(bundle)
    text = (
        "指標,校区,年度,値\n"
        f"population,{first},2024,three\n"
        f"aging_rate,{second},来年,20\n"
        "aging_rate,月見,2024,20\n"
    )
    path = tmp_path / "bad.csv"
    path.write_bytes(text.encode("cp932"))
    before = snapshot(bundle_copy)

    check = uploads.check_table(path, bundle_copy, OPTIONS, commit=True)

    assert not check.ok and not check.written
    assert snapshot(bundle_copy) == before
    table = uploads.problems_table(check.problems)
    assert list(table.columns) == ["ファイル", "行", "列", "必要なもの", "実際の値"]
    assert list(table["行"]) == [2, 3, 4]
    assert list(table["列"]) == ["値", "年度", "校区"]
    assert "数値" in table["必要なもの"].iloc[0]
    assert table["実際の値"].iloc[0] == "「three」"
    assert first in table["必要なもの"].iloc[2], "known names are listed"


def test_an_unknown_source_without_a_title_is_refused(bundle, bundle_copy, tmp_path):
    options = TableOptions(as_of="2025-04-01", source_id="import_20250401")
    check = uploads.check_table(good_table(bundle, tmp_path), bundle_copy, options)
    assert check.problems[0].column == "source_id"
    assert "出典" in check.problems[0].expected_ja

    titled = TableOptions("2025-04-01", "import_20250401", "北区 統計書")
    done = uploads.check_table(
        good_table(bundle, tmp_path), bundle_copy, titled, commit=True
    )
    assert "sources.csv" in done.written
    assert "import_20250401" in set(load_bundle(bundle_copy).sources["source_id"])


def test_the_layout_guesses_the_indicator_and_date_from_the_name(bundle, tmp_path):
    population = bundle.indicators.set_index("indicator_id").loc["population"]
    path = tmp_path / f"{population['name_ja']}_20250331.csv"
    first = names(bundle)[0]
    path.write_text(f"校区,2023,2024\n{first},1,2\n", encoding="utf-8")

    layout = uploads.table_layout(path, settings.DATA_DIR)

    assert not layout.has_indicator
    assert layout.indicator == "population"
    assert layout.as_of == "2025-03-31"


def test_import_is_refused_when_disabled(bundle, bundle_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "ALLOW_IMPORT", False)
    before = snapshot(bundle_copy)

    check = uploads.check_table(
        good_table(bundle, tmp_path), bundle_copy, OPTIONS, True
    )

    assert "KITAKU_ALLOW_IMPORT" in check.message_ja
    assert snapshot(bundle_copy) == before


def district_file(bundle: Bundle, folder: Path, column: str, suffix: str) -> Path:
    """The bundle's districts as a city file: names in ``column``, new geometry."""
    frame = gpd.GeoDataFrame(
        {column: bundle.districts["name_ja"] + suffix},
        geometry=bundle.districts.geometry,
        crs=bundle.districts.crs,
    )
    path = folder / "districts_city.geojson"
    frame.to_file(path)
    return path


def test_official_boundaries_replace_the_approximate_ones(
    bundle, bundle_copy, tmp_path
):
    path = district_file(bundle, tmp_path, "校区名", "校区")

    check = uploads.check_boundaries(path, bundle_copy, commit=True)

    assert check.ok, check.problems or check.message_ja
    assert set(check.changes["変更"]) == {"おおよその境界を正式な境界に置き換え"}
    loaded = load_bundle(bundle_copy)
    assert set(loaded.districts["boundary_status"]) == {"official"}
    assert list(loaded.districts["district_code"]) == list(
        bundle.districts["district_code"]
    )


def test_an_unrecognised_name_column_offers_the_columns(bundle, bundle_copy, tmp_path):
    path = district_file(bundle, tmp_path, "NAME_X", "地域")
    before = snapshot(bundle_copy)

    check = uploads.check_boundaries(path, bundle_copy, commit=True)

    assert check.columns == ("NAME_X",)
    assert "校区名の列が必要" in check.message_ja and "「NAME_X」" in check.message_ja
    assert snapshot(bundle_copy) == before

    chosen = uploads.check_boundaries(path, bundle_copy, name_column="NAME_X")
    assert not chosen.ok
    first = bundle.districts["name_ja"].iloc[0]
    said = " ".join(problem.to_ja() for problem in chosen.problems)
    assert f"見つからない校区: {first}" in said and f"{first}地域" in said
    assert snapshot(bundle_copy) == before


def test_bare_district_names_in_any_column_are_recognised(
    bundle, bundle_copy, tmp_path
):
    path = district_file(bundle, tmp_path, "NAME_X", "")

    check = uploads.check_boundaries(path, bundle_copy)

    assert check.ok, check.problems or check.message_ja
    assert len(check.changes) == len(bundle.districts)


def zipped_shapefile(frame: gpd.GeoDataFrame, folder: Path) -> Path:
    """``frame`` written as a shapefile and zipped, as a city might send it."""
    parts = folder / "shp"
    parts.mkdir()
    frame.to_file(parts / "districts.shp", encoding="utf-8")
    archive = folder / "districts.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in parts.iterdir():
            zipped.write(part, part.name)
    return archive


def test_a_zipped_metric_shapefile_is_imported(bundle, bundle_copy, tmp_path):
    frame = gpd.GeoDataFrame(
        {"name": list(bundle.districts["name_ja"] + "校区")},
        geometry=bundle.districts.geometry.to_numpy(),
        crs=bundle.districts.crs,
    ).to_crs(settings.METRIC_CRS)

    check = uploads.check_boundaries(zipped_shapefile(frame, tmp_path), bundle_copy)

    assert check.ok, check.problems or check.message_ja
    assert len(check.changes) == len(bundle.districts)


def test_metric_coordinates_without_crs_are_refused(bundle, bundle_copy, tmp_path):
    metric = bundle.districts.to_crs(settings.METRIC_CRS)
    frame = gpd.GeoDataFrame(
        {"name": list(bundle.districts["name_ja"] + "校区")},
        geometry=metric.geometry.to_numpy(),
    )
    before = snapshot(bundle_copy)

    check = uploads.check_boundaries(
        zipped_shapefile(frame, tmp_path), bundle_copy, commit=True
    )

    assert not check.ok and snapshot(bundle_copy) == before
    text = check.message_ja + " ".join(p.to_ja() for p in check.problems)
    assert "経度" in text or "座標参照系" in text, text


def test_problem_table_keeps_rows_of_whole_file_problems_empty():
    from kitaku_maps.errors import Problem

    table = uploads.problems_table(
        [Problem("a.csv", None, "指標", "x", "y", "指標の列", "列なし")]
    )
    assert pd.isna(table["行"].iloc[0])
    assert table["必要なもの"].iloc[0] == "指標の列"


def test_an_excel_wide_table_for_a_chosen_indicator(bundle, bundle_copy, tmp_path):
    first, second, _ = names(bundle)
    path = tmp_path / "高齢化率.xlsx"
    pd.DataFrame({"校区": [first, second], "令和5年度": ["30.1", "―"]}).to_excel(
        path, index=False
    )
    layout = uploads.table_layout(path, bundle_copy)
    options = TableOptions(
        "2025-04-01", "kumamoto_kita_ward", indicator=layout.indicator
    )

    check = uploads.check_table(path, bundle_copy, options)

    assert layout.indicator == "aging_rate"
    assert check.ok, check.problems or check.message_ja
    assert list(check.changes["新しい値"]) == ["30.1", ""]
    assert list(check.changes["年度"]) == [2023, 2023]
