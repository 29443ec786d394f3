"""build-data: the default bundle is deterministic and its districts tile the ward."""

from __future__ import annotations

import itertools
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from kitaku_maps import settings
from kitaku_maps.build import SourceFiles, build_bundle
from kitaku_maps.bundle import FILES
from kitaku_maps.loader import load_bundle

pytestmark = pytest.mark.skipif(
    not (settings.SOURCE_DATA_DIR / "shelters").is_dir(),
    reason=f"real source files not found in {settings.SOURCE_DATA_DIR}",
)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The default bundle built once into a temporary folder."""
    out = tmp_path_factory.mktemp("built") / "data"
    build_bundle(SourceFiles.find(settings.SOURCE_DATA_DIR, {}), out)
    return out


def test_build_twice_is_byte_identical(built, tmp_path):
    again = tmp_path / "data"
    build_bundle(SourceFiles.find(settings.SOURCE_DATA_DIR, {}), again)
    names = sorted(p.name for p in built.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert set(FILES.values()) <= set(names)
    for name in names:
        assert (built / name).read_bytes() == (again / name).read_bytes(), name


def test_bundle_loads_with_the_real_layers(built):
    bundle = load_bundle(built)
    counts = bundle.facilities["category_id"].value_counts()
    assert counts["shelter"] >= 55
    assert counts["school"] == 30
    assert len(bundle.towns) == 175
    real = bundle.facilities[bundle.facilities["status"] != "demo"]
    assert real["district_code"].notna().all()
    assert bundle.towns["district_code"].notna().all()


def test_districts_named_after_the_elementary_schools(built):
    schools = gpd.read_file(
        settings.SOURCE_DATA_DIR / "schools" / "schools_kita_ku.geojson"
    )
    elementary = schools[schools["kind"] == "elementary"]
    districts = gpd.read_file(built / FILES["districts"])

    assert districts["district_code"].tolist() == [f"D{k:02d}" for k in range(1, 22)]
    assert districts["school_name_ja"].tolist() == elementary["name"].tolist()
    expected = [n.removesuffix("校区") for n in elementary["school_district_name"]]
    assert districts["name_ja"].tolist() == expected
    assert (districts["boundary_status"] == "approximate").all()


def test_districts_tile_the_ward(built):
    districts = gpd.read_file(built / FILES["districts"]).to_crs(settings.METRIC_CRS)
    outline = gpd.read_file(built / FILES["outline"]).to_crs(settings.METRIC_CRS)
    ward = outline.union_all()

    assert districts.area.sum() == pytest.approx(ward.area, rel=0.01)
    assert ward.difference(districts.union_all()).area < 1e-5 * ward.area
    for a, b in itertools.combinations(districts.geometry, 2):
        assert a.intersection(b).area < 10.0
    assert districts.is_valid.all()


def test_districts_on_disk_are_one_valid_coverage(built):
    """Neighbours share identical edges in the written file: no slivers."""
    districts = gpd.read_file(built / FILES["districts"])

    assert bool(shapely.coverage_is_valid(districts.geometry.values))
    assert all(len(shapely.get_parts(g)) == 1 for g in districts.geometry)


def test_sources_credit_every_public_source(built):
    text = (built / "SOURCES.md").read_text(encoding="utf-8")
    for credit in (
        "国土数値情報（行政区域データ）（国土交通省）を加工して作成",
        "国土地理院",
        "防災情報くまもと",
        "Geolonia",
        "CC BY 4.0",
    ):
        assert credit in text
