"""Ward outlines (国土数値情報 N03) and school districts (A27 or a city's own file).

Column layouts change between editions (the ward name moved from ``N03_004``
to ``N03_005``; A27's school name from ``A27_003`` to ``A27_004``), so columns
are recognised by their content, and the user can name them by option.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.io import ColumnTest, matches_pattern, pick_column, read_layer
from geo.names import NameMatcher, normalise_name
from kitaku_maps import settings
from kitaku_maps.errors import DataValidationError, Problem

logger = logging.getLogger(__name__)

#: Source id of 国土数値情報（行政区域データ）.
N03_SOURCE = "mlit_n03"

#: Source id of 国土数値情報（小学校区データ） A27.
A27_SOURCE = "mlit_a27"

#: A municipality or ward code: 5 digits (6 with the check digit).
CODE_TEST = matches_pattern(r"\d{5,6}")

#: A ward name (e.g. 北区).
WARD_NAME_TEST = matches_pattern(r".+区")

#: A city name (e.g. 熊本市).
CITY_NAME_TEST = matches_pattern(r".+市")

#: A district or school name (e.g. 楡木小学校, 楡木校区, 楡木小).
DISTRICT_NAME_TEST = matches_pattern(r".+(小学校|校区|小|学区)", share=0.8)

#: Share of a column's names that must be known districts to be recognised.
KNOWN_NAME_SHARE = 0.8

#: Column names tried first for district names, before looking at content
#: (``name_ja``: the bundle's own ``districts.geojson``, edited and re-imported).
DISTRICT_NAME_COLUMNS = (
    "name_ja",
    "school_district_name",
    "校区名",
    "学校名",
    "名称",
    "name",
    "A27_004",
    "A27_003",
)


def read_wards(
    path: Path,
    name_column: str | None = None,
    code_column: str | None = None,
    assume_crs: str | None = settings.WEB_CRS,
) -> gpd.GeoDataFrame:
    """Read ward polygons (N03 or similar) as ``ward_code``, ``name_ja``.

    Also ``city_name_ja`` when the file names the city (else '').

    Features sharing a code are dissolved into one (N03 splits islands).
    Returns EPSG:4326, sorted by code.
    """
    frame = read_layer(path, assume_crs=assume_crs)
    code = pick_column(
        frame, path.name, "ward code", code_column, ("N03_007",), CODE_TEST
    )
    name = pick_column(
        frame,
        path.name,
        "ward name",
        name_column,
        ("N03_005", "N03_004"),
        WARD_NAME_TEST,
    )

    wards = gpd.GeoDataFrame(
        {
            "ward_code": frame[code].astype(str).str.strip().str[:5],
            "name_ja": frame[name].astype(str).str.strip(),
            "city_name_ja": _city_names(frame, name),
        },
        geometry=frame.geometry.to_crs(settings.WEB_CRS),
    )
    wards = wards.dissolve(by=["ward_code", "name_ja", "city_name_ja"], as_index=False)
    wards["source_id"] = N03_SOURCE
    return wards[["ward_code", "name_ja", "source_id", "city_name_ja", "geometry"]]


def _city_names(frame: gpd.GeoDataFrame, ward_column: str) -> pd.Series:
    """The city of each ward (e.g. 熊本市) when a column holds it, else ''."""
    for column in ("N03_003", "N03_004"):
        if column != ward_column and column in frame and CITY_NAME_TEST(frame[column]):
            return frame[column].astype(str).str.strip()
    return pd.Series("", index=frame.index)


def read_outline(
    path: Path, ward_code: str | None = None, **options
) -> gpd.GeoDataFrame:
    """The one ward of ``ward_code`` (or the file's only ward) as its outline."""
    wards = read_wards(path, **options)
    if ward_code is not None:
        wards = wards[wards["ward_code"] == str(ward_code)]

    if len(wards) != 1:
        found = ", ".join(read_wards(path, **options)["ward_code"])
        with_code = f" with code {ward_code}" if ward_code else ""
        with_code_ja = f"コード {ward_code} の" if ward_code else ""
        raise _problem_error(
            path.name,
            "ward code",
            (f"exactly one ward{with_code}", f"{with_code_ja}区がちょうど1つ"),
            (f"codes {found}", f"コード {found.replace(', ', '、')}"),
        )

    return wards.reset_index(drop=True)


def read_districts(
    path: Path,
    name_column: str | None = None,
    code_column: str | None = None,
    school_column: str | None = None,
    assume_crs: str | None = settings.WEB_CRS,
    source_id: str = A27_SOURCE,
    outline: shapely.Geometry | None = None,
    known: NameMatcher | None = None,
) -> gpd.GeoDataFrame:
    """Read official school districts (A27 or a city's own file).

    Returns ``district_code``, ``name_ja`` (published name without 校区),
    ``school_name_ja``, ``boundary_status`` = official, ``source_id``, in
    EPSG:4326. With ``outline`` (EPSG:4326), only districts mostly inside it
    are kept, clipped. Codes come from ``code_column`` or are D01.. in file
    order. With ``known`` (the bundle's districts), a column of names without
    校区 or 小学校 is recognised too when most of them are known names.
    """
    frame = read_layer(path, assume_crs=assume_crs)
    if outline is not None:
        frame = _inside_outline(frame, outline, path.name)

    name = pick_column(
        frame,
        path.name,
        "district name",
        name_column,
        DISTRICT_NAME_COLUMNS,
        district_name_test(known),
    )
    names = frame[name].astype(str).str.strip()

    school = school_column or name
    districts = gpd.GeoDataFrame(
        {
            "district_code": _district_codes(frame, path.name, code_column),
            "name_ja": names.map(district_name),
            "school_name_ja": frame[school].astype(str).str.strip().map(school_name),
            "boundary_status": "official",
            "source_id": source_id,
        },
        geometry=frame.geometry.to_crs(settings.WEB_CRS),
    )

    districts = districts.dissolve(
        by=["district_code", "name_ja", "school_name_ja"], as_index=False, sort=True
    )
    logger.info("read %d districts from %s", len(districts), path.name)
    return districts[[*DISTRICT_COLUMNS, "geometry"]]


#: Property columns of ``districts.geojson``.
DISTRICT_COLUMNS = (
    "district_code",
    "name_ja",
    "school_name_ja",
    "boundary_status",
    "source_id",
)


def _inside_outline(
    frame: gpd.GeoDataFrame, outline: shapely.Geometry, source: str
) -> gpd.GeoDataFrame:
    """The districts of ``frame`` mostly inside ``outline``; none is an error."""
    frame = limit_to_outline(frame, outline)
    if frame.empty:
        raise _problem_error(
            source,
            "geometry",
            (
                "districts lying mostly inside the ward outline",
                "区の範囲に重なる校区の形状",
            ),
            (
                "none (a file without CRS is read as EPSG:4326 longitude, "
                "latitude; is its CRS missing or wrong?)",
                "0件（CRS のないファイルは経度・緯度 EPSG:4326 "
                "として読みます。座標参照系の定義が抜けているか違う可能性があります）",
            ),
        )
    return frame


def district_name_test(known: NameMatcher | None) -> ColumnTest:
    """Names ending in 校区 or 小学校, or (with ``known``) mostly known names."""
    if known is None:
        return DISTRICT_NAME_TEST

    keys = {normalise_name(name, known.suffixes) for name in known.known}

    def test(series: pd.Series) -> bool:
        names = [str(v).strip() for v in series.dropna() if str(v).strip()]
        hits = sum(normalise_name(name, known.suffixes) in keys for name in names)
        return DISTRICT_NAME_TEST(series) or (
            bool(names) and hits / len(names) >= KNOWN_NAME_SHARE
        )

    return test


def _district_codes(frame: pd.DataFrame, source: str, column: str | None) -> list:
    """District codes from ``column``, or D01, D02 ... in file order."""
    if column is not None:
        pick_column(frame, source, "district code", column)
        return frame[column].astype(str).str.strip().tolist()
    return [f"D{k:02d}" for k in range(1, len(frame) + 1)]


def district_name(name: str) -> str:
    """The published district name: the school or district name without suffix.

    >>> district_name("楡木校区"), district_name("楡木小学校")
    ('楡木', '楡木')
    """
    for suffix in ("小学校区", "小学校", "校区", "学区"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def school_name(name: str) -> str:
    """The school's name: ``楡木`` or ``楡木校区`` -> ``楡木小学校``."""
    if name.endswith("小学校"):
        return name
    return district_name(name) + "小学校"


def limit_to_outline(
    frame: gpd.GeoDataFrame, outline: shapely.Geometry, share: float = 0.5
) -> gpd.GeoDataFrame:
    """Keep polygons mostly (``share`` of their area) inside ``outline``, clipped.

    Areas are compared in EPSG:6670; ``outline`` is in EPSG:4326.
    """
    metric = frame.to_crs(settings.METRIC_CRS)
    metric_outline = gpd.GeoSeries([outline], crs=settings.WEB_CRS).to_crs(
        settings.METRIC_CRS
    )[0]
    inside = shapely.intersection(metric.geometry.to_numpy(), metric_outline)
    keep = shapely.area(inside) >= share * metric.geometry.area.to_numpy()

    limited = metric[keep].copy()
    limited["geometry"] = inside[keep]
    return limited.to_crs(settings.WEB_CRS).reset_index(drop=True)


def _problem_error(
    file: str, column: str, expected: tuple[str, str], found: tuple[str, str]
) -> DataValidationError:
    """A DataValidationError with one problem; texts are (English, Japanese)."""
    problem = Problem(file, None, column, expected[0], found[0], expected[1], found[1])
    return DataValidationError([problem])
