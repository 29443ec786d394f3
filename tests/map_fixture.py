"""A hand-made bundle for the map tests: 21 districts in a 7 x 3 grid.

Districts are 0.01-degree squares (EPSG:4326) named 区01..区21; the city has
five wards side by side; one facility name contains a ``<script>`` tag. Values
are made up so that the classes, counts and missing entries are known.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point, box

from kitaku_maps.bundle import AGE_GROUPS, Bundle

META = {
    "title_ja": "テスト区マップ",
    "city_code": "43100",
    "city_name_ja": "テスト市",
    "ward_code": "43105",
    "ward_name_ja": "テスト区",
    "district_term_ja": "校区",
    "description_ja": "地図のテスト用",
}

WEST, SOUTH, STEP = 130.70, 32.90, 0.01
CODES = [f"D{i:02d}" for i in range(1, 22)]
NAMES = [f"区{i:02d}" for i in range(1, 22)]
YEARS = (2022, 2023, 2024)
EVIL_NAME = "<script>alert('x')</script>避難所"


def _districts() -> gpd.GeoDataFrame:
    cells = [
        box(
            WEST + c * STEP,
            SOUTH + r * STEP,
            WEST + (c + 1) * STEP,
            SOUTH + (r + 1) * STEP,
        )
        for r in range(3)
        for c in range(7)
    ]
    return gpd.GeoDataFrame(
        {
            "district_code": CODES,
            "name_ja": NAMES,
            "school_name_ja": [f"{n}小学校" for n in NAMES],
            "boundary_status": "approximate",
            "source_id": "test",
        },
        geometry=cells,
        crs="EPSG:4326",
    )


def _wards() -> gpd.GeoDataFrame:
    codes = [f"4310{i}" for i in range(1, 6)]
    cells = [
        box(WEST - 0.35 + i * 0.07, SOUTH, WEST - 0.28 + i * 0.07, SOUTH + 0.03)
        for i in range(4)
    ]
    cells.append(box(WEST, SOUTH, WEST + 7 * STEP, SOUTH + 3 * STEP))
    return gpd.GeoDataFrame(
        {
            "ward_code": codes,
            "name_ja": ["東区", "西区", "南区", "中央区", "テスト区"],
            "source_id": "test",
        },
        geometry=cells,
        crs="EPSG:4326",
    )


def _indicators() -> pd.DataFrame:
    base = {
        "name_en": "",
        "decimals": 1,
        "small_count": 0,
        "per_population": 0,
        "definition_ja": "",
        "survey_question_ja": "",
        "source_id": "test",
        "requested_by_council": 0,
        "to_be_dropped": 0,
        "notes": "",
    }
    rows = [
        (
            "population",
            "community",
            1,
            "人口",
            "人",
            "district",
            "count",
            "neutral",
            "natural_breaks",
            0,
        ),
        (
            "aging_rate",
            "community",
            2,
            "高齢化率",
            "%",
            "district",
            "share",
            "lower",
            "quantiles",
            1,
        ),
        (
            "checkup_rate",
            "health",
            1,
            "特定健診受診率",
            "%",
            "district",
            "rate",
            "higher",
            "equal_interval",
            1,
        ),
        (
            "feel_safe",
            "living",
            1,
            "安全だと感じる市民の割合",
            "%",
            "ward",
            "survey",
            "higher",
            "quantiles",
            1,
        ),
    ]
    keys = (
        "indicator_id",
        "goal_id",
        "order",
        "name_ja",
        "unit",
        "level",
        "kind",
        "better",
        "default_scheme",
        "decimals",
    )
    return pd.DataFrame([{**base, **dict(zip(keys, row, strict=True))} for row in rows])


def aging_value(index: int, year: int) -> float:
    """The made-up aging rate of district ``index`` (0-based) in ``year``."""
    return 20.0 + index + 0.05 * index * index + (year - 2022) * 0.5


def _values() -> pd.DataFrame:
    rows = []
    for year in YEARS:
        for i, code in enumerate(CODES):
            aging = np.nan if (code == "D21" and year == 2024) else aging_value(i, year)
            rows.append(("aging_rate", "district", code, year, aging))
            rows.append(("population", "district", code, year, 3000 + 100 * i))
            rows.append(("checkup_rate", "district", code, year, 30.0 + (i % 5)))
        rows.append(("aging_rate", "ward", "43105", year, 30.0))
        rows.append(("aging_rate", "city", "43100", year, 27.0))
        for j, ward in enumerate(["43101", "43102", "43103", "43104", "43105"]):
            rows.append(("feel_safe", "ward", ward, year, 60.0 + j))
        rows.append(("feel_safe", "city", "43100", year, 62.0))
    frame = pd.DataFrame(
        rows, columns=["indicator_id", "level", "area_code", "fiscal_year", "value"]
    )
    frame["missing_reason"] = np.where(frame["value"].isna(), "not_collected", "")
    frame["status"] = "demo"
    frame["as_of"] = frame["fiscal_year"].map(lambda y: f"{y + 1}-03-31")
    frame["source_id"] = "test"
    return frame


def _population() -> pd.DataFrame:
    rows = [
        (code, year, group, 100, "demo", f"{year}-10-01", "test")
        for code in CODES
        for year in YEARS
        for group in AGE_GROUPS
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "district_code",
            "fiscal_year",
            "age_group",
            "population",
            "status",
            "as_of",
            "source_id",
        ],
    )


def _facilities() -> gpd.GeoDataFrame:
    rows = []
    for i in range(40):
        designated = int(i % 4 != 0)
        rows.append(
            {
                "facility_id": f"s{i}",
                "category_id": "shelter",
                "name_ja": EVIL_NAME if i == 0 else f"避難所{i}",
                "address_ja": f"テスト市テスト区{i}番",
                "is_designated_shelter": designated,
                "is_emergency_site": 1,
                "is_welfare_shelter": int(i % 10 == 0),
                "hazard_flood": int(i % 2 == 0),
                "hazard_earthquake": 1,
                "photo_url": "",
                "geometry": Point(
                    WEST + 0.001 + (i % 7) * STEP, SOUTH + 0.002 + (i // 7) * 0.004
                ),
            }
        )
    rows.append(
        {
            "facility_id": "p1",
            "category_id": "park",
            "name_ja": "テスト公園",
            "address_ja": "テスト市1番",
            "photo_url": "photos/park.jpg",
            "geometry": Point(WEST + 0.02, SOUTH + 0.02),
        }
    )
    frame = gpd.GeoDataFrame(rows, crs="EPSG:4326")
    frame["district_code"] = "D01"
    frame["status"] = ["official"] * 40 + ["demo"]
    frame["source_id"] = "test"
    frame["as_of"] = "2025-04-01"
    frame["description_ja"] = ""
    return frame


def make_bundle(path: Path = Path("map-fixture")) -> Bundle:
    """The hand-made bundle (nothing is written to disk)."""
    goals = pd.DataFrame(
        {
            "goal_id": [
                "community",
                "children",
                "health",
                "disaster",
                "living",
                "industry",
                "culture",
            ],
            "order": range(1, 8),
            "title_ja": [
                "地域コミュニティ",
                "子ども",
                "健康福祉",
                "防災",
                "住環境",
                "産業振興",
                "文化振興",
            ],
            "title_en": [""] * 7,
            "aim_ja": [""] * 7,
        }
    )
    categories = pd.DataFrame(
        {
            "category_id": ["shelter", "park"],
            "order": [1, 2],
            "name_ja": ["避難所", "公園"],
            "name_en": ["Shelter", "Park"],
            "symbol": ["triangle", "circle"],
            "color": ["#D55E00", "#009E73"],
        }
    )
    hazards = pd.DataFrame(
        {
            "hazard_id": ["flood", "earthquake"],
            "order": [1, 2],
            "name_ja": ["洪水", "地震"],
            "name_en": ["Flood", "Earthquake"],
            "column": ["hazard_flood", "hazard_earthquake"],
        }
    )
    sources = pd.DataFrame(
        {
            "source_id": ["test"],
            "title_ja": ["テストの出典"],
            "publisher_ja": ["テスト"],
            "url": [""],
            "licence": [""],
            "credit_ja": ["テスト出典"],
            "as_of": ["2025-04-01"],
            "notes": [""],
        }
    )
    districts = _districts()
    outline = gpd.GeoDataFrame(
        {"ward_code": ["43105"], "name_ja": ["テスト区"], "source_id": ["test"]},
        geometry=[districts.union_all()],
        crs="EPSG:4326",
    )
    return Bundle(
        path=path,
        meta=dict(META),
        sources=sources,
        goals=goals,
        indicators=_indicators(),
        districts=districts,
        wards=_wards(),
        outline=outline,
        values=_values(),
        population=_population(),
        categories=categories,
        hazards=hazards,
        facilities=_facilities(),
        towns=pd.DataFrame(columns=["town_id"]),
        initiatives=pd.DataFrame(
            columns=[
                "initiative_id",
                "district_code",
                "goal_id",
                "fiscal_year",
                "title_ja",
                "description_ja",
                "status",
                "source_id",
            ]
        ),
    )
