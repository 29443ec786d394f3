"""Importers on the real source files, and their errors on broken input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo.errors import GeoInputError
from kitaku_maps import settings
from kitaku_maps.build import SourceFiles
from kitaku_maps.cli import main
from kitaku_maps.importers import (
    merge_shelters,
    read_districts,
    read_gsi_shelters,
    read_outline,
    read_portal_shelters,
    read_schools,
    read_towns,
)
from kitaku_maps.importers.approximate import approximate_school_districts
from kitaku_maps.importers.common import assign_districts
from kitaku_maps.importers.shelters import address_key

needs_sources = pytest.mark.skipif(
    not (settings.SOURCE_DATA_DIR / "shelters").is_dir(),
    reason=f"real source files not found in {settings.SOURCE_DATA_DIR}",
)


@pytest.fixture(scope="module")
def files() -> SourceFiles:
    return SourceFiles.find(settings.SOURCE_DATA_DIR, {})


@pytest.fixture(scope="module")
def outline(files):
    return read_outline(files.outline)


@pytest.fixture(scope="module")
def shelters(files, outline):
    return merge_shelters(
        read_gsi_shelters(files.gsi_shelters),
        read_portal_shelters(files.portal_shelters),
        outline.geometry.union_all(),
    )


@needs_sources
def test_outline_is_the_ward(outline):
    assert outline["ward_code"].tolist() == ["43105"]
    area_km2 = outline.to_crs(settings.METRIC_CRS).area.sum() / 1e6
    assert area_km2 == pytest.approx(115.3, rel=0.01)


@needs_sources
def test_shelters_merged_without_duplicates(shelters, outline):
    assert len(shelters) >= 55
    assert shelters["facility_id"].is_unique
    assert shelters["gsi_common_id"].dropna().is_unique
    assert shelters["name_ja"].is_unique
    assert shelters.within(outline.geometry.union_all()).all()


@needs_sources
def test_shelters_keep_hazards_ids_and_opening_record(shelters):
    portal = shelters[shelters["portal_facility_id"].notna()]
    assert portal["hazard_flood"].isin([0, 1]).all()
    assert portal["hazard_flood"].sum() >= 30
    assert (portal["hazard_flood"] == 0).any()
    assert shelters["gsi_common_id"].notna().sum() >= 40
    opened = shelters["opened_at"].dropna()
    assert opened.str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}").all()
    assert len(opened) >= 40


@needs_sources
def test_schools_towns_and_their_districts(files, outline, shelters):
    schools = read_schools(files.schools)
    towns = read_towns(files.towns)
    assert len(schools) == 30
    assert (schools["school_kind"] == "elementary").sum() == 21
    assert set(schools["school_kind"]) == {"elementary", "junior_high", "high"}
    assert len(towns) == 175

    districts = approximate_school_districts(outline, schools, towns)
    for points in (schools, towns, shelters):
        codes = assign_districts(points, districts)
        assert codes.notna().all() and (codes != "").all()


def test_address_key_ignores_notation():
    assert address_key("熊本県熊本市北区楠3丁目2-1") == address_key("熊本市北区楠3-2-1")
    assert address_key("植木町正清515番地") == address_key("植木町正清515")


def test_district_file_without_a_name_column_lists_the_columns(tmp_path):
    path = tmp_path / "districts.geojson"
    gpd.GeoDataFrame(
        {"A27_001": ["43105"], "foo": ["x"]}, geometry=[box(130, 32, 131, 33)], crs=4326
    ).to_file(path)
    with pytest.raises(GeoInputError, match="columns found: A27_001, foo"):
        read_districts(path)
    chosen = read_districts(path, name_column="foo")
    assert chosen["name_ja"].tolist() == ["x"]


def test_district_names_recognised_by_content(tmp_path):
    path = tmp_path / "a27.geojson"
    gpd.GeoDataFrame(
        {"A27_001": ["43105", "43105"], "A27_004": ["楡木小学校", "楠小学校"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs=4326,
    ).to_file(path)
    districts = read_districts(path)
    assert districts["name_ja"].tolist() == ["楡木", "楠"]
    assert districts["school_name_ja"].tolist() == ["楡木小学校", "楠小学校"]
    assert (districts["boundary_status"] == "official").all()


def test_portal_file_that_is_not_json(tmp_path):
    path = tmp_path / "portal.json"
    path.write_text("{broken", encoding="utf-8")
    with pytest.raises(Exception, match=r"portal\.json: cannot be read") as info:
        read_portal_shelters(path)
    assert "JSON" in info.value.message_ja


def test_failed_import_leaves_the_bundle_untouched(tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    saved = bundle / "outline.geojson"
    saved.write_text("saved", encoding="utf-8")
    broken = tmp_path / "broken.geojson"
    broken.write_text(json.dumps({"type": "FeatureCollection", "features": []}))

    code = main(
        ["import-boundaries", "--bundle", str(bundle), "--outline", str(broken)]
    )
    assert code == 2
    assert saved.read_text(encoding="utf-8") == "saved"
    assert sorted(p.name for p in bundle.iterdir()) == ["outline.geojson"]
    assert not list(tmp_path.glob(".bundle.*"))


def test_import_wards_command_writes_the_file(tmp_path):
    path = tmp_path / "no_crs.shp"
    gpd.GeoDataFrame(
        {"N03_004": ["北区"], "N03_007": ["43105"]}, geometry=[box(0, 0, 1, 1)]
    ).to_file(path)
    bundle = tmp_path / "bundle"
    assert (
        main(["import-boundaries", "--bundle", str(bundle), "--wards", str(path)]) == 0
    )
    assert Path(bundle / "wards.geojson").is_file()


@needs_sources
def test_reimporting_the_real_points_and_shelters_reproduces_the_bundle(
    files, tmp_path, capsys
):
    bundle = tmp_path / "bundle"
    shutil.copytree(settings.DATA_DIR, bundle)
    saved = (bundle / "facilities.geojson").read_bytes()

    undated = ["import-points", "--bundle", str(bundle), "--schools"]
    assert main([*undated, str(files.schools)]) == 2
    assert "--as-of YYYY-MM-DD" in capsys.readouterr().err
    assert (bundle / "facilities.geojson").read_bytes() == saved

    points = [*undated, str(files.schools), "--as-of", "2026-07-30"]
    assert main([*points, "--towns", str(files.towns)]) == 0
    shelters = ["import-shelters", "--bundle", str(bundle)]
    shelters += ["--gsi", str(files.gsi_shelters), "--portal"]
    shelters += [str(files.portal_shelters), "--open-status", str(files.open_status)]
    assert main(shelters) == 0
    for name in ("facilities.geojson", "towns.csv", "open_status.csv", "values.csv"):
        assert (bundle / name).read_bytes() == (settings.DATA_DIR / name).read_bytes()


def _shelter_counts(bundle: Path) -> dict[str, str]:
    """The computed shelters-per-district values of a bundle, by district code."""
    values = pd.read_csv(bundle / "values.csv", dtype=str, keep_default_na=False)
    rows = values[
        (values["indicator_id"] == "shelters") & (values["level"] == "district")
    ]
    return dict(zip(rows["area_code"], rows["value"], strict=True))


def test_importing_districts_recomputes_the_counted_values(tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(settings.DATA_DIR, bundle)
    before = _shelter_counts(bundle)
    low, high = sorted(before, key=lambda code: int(before[code]))[:: len(before) - 1]
    assert before[low] != before[high]

    districts = gpd.read_file(bundle / "districts.geojson")
    names = dict(zip(districts["district_code"], districts["name_ja"], strict=True))
    swapped = {low: names[high], high: names[low]}
    districts["name_ja"] = (
        districts["district_code"].map(swapped).fillna(districts["name_ja"])
    )
    path = tmp_path / "official.geojson"
    districts[["name_ja", "geometry"]].to_file(path)

    assert (
        main(["import-boundaries", "--bundle", str(bundle), "--districts", str(path)])
        == 0
    )
    after = _shelter_counts(bundle)
    assert (after[low], after[high]) == (before[high], before[low])
    demo = pd.read_csv(bundle / "values.csv", dtype=str)
    assert (demo["status"] == "demo").sum() == (
        pd.read_csv(settings.DATA_DIR / "values.csv", dtype=str)["status"] == "demo"
    ).sum()


def test_a27_geopackage_replaces_the_approximate_districts(tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(settings.DATA_DIR, bundle)
    districts = gpd.read_file(bundle / "districts.geojson")
    a27 = gpd.GeoDataFrame(
        {
            "A27_001": "43105",
            "A27_002": "熊本市",
            "A27_003": [f"B1432100{k:05d}" for k in range(len(districts))],
            "A27_004": districts["name_ja"] + "小学校",
            "A27_005": "熊本市北区",
        },
        geometry=districts.geometry,
        crs="EPSG:4326",
    ).iloc[::-1]
    path = tmp_path / "A27-21_43.gpkg"
    a27.to_file(path, driver="GPKG")

    assert (
        main(["import-boundaries", "--bundle", str(bundle), "--districts", str(path)])
        == 0
    )

    imported = gpd.read_file(bundle / "districts.geojson")
    assert set(imported["boundary_status"]) == {"official"}
    assert dict(
        zip(imported["district_code"], imported["name_ja"], strict=True)
    ) == dict(zip(districts["district_code"], districts["name_ja"], strict=True))
