"""A small hand-made bundle for the district-chart tests.

Four districts in a 2 x 2 grid of 0.01-degree squares (EPSG:4326), five wards,
and four indicators whose expected ranks, averages and changes are worked out
by hand in the tests.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point, box

from kitaku_maps.bundle import AGE_GROUPS, Bundle

META = {
    "title_ja": "テスト区マップ",
    "city_code": "43100",
    "city_name_ja": "テスト市",
    "ward_code": "43105",
    "ward_name_ja": "テスト区",
    "district_term_ja": "地区",
    "description_ja": "テスト用",
}

#: District code -> (name, column, row) in the 2 x 2 grid.
DISTRICTS = {
    "D01": ("あ", 0, 0),
    "D02": ("い", 1, 0),
    "D03": ("う", 0, 1),
    "D04": ("え", 1, 1),
}

#: Total residents per district (spread over two age groups).
POPULATION = {"D01": 1000, "D02": 3000, "D03": 2000, "D04": 4000}


def _districts() -> gpd.GeoDataFrame:
    rows = []
    for code, (name, col, row) in DISTRICTS.items():
        geometry = box(
            130.0 + col * 0.01,
            33.0 + row * 0.01,
            130.01 + col * 0.01,
            33.01 + row * 0.01,
        )
        rows.append(
            {
                "district_code": code,
                "name_ja": name,
                "school_name_ja": f"{name}小学校",
                "boundary_status": "approximate",
                "source_id": "test",
                "geometry": geometry,
            }
        )
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def _wards() -> gpd.GeoDataFrame:
    rows = [
        {
            "ward_code": f"4310{i}",
            "name_ja": f"第{i}区",
            "source_id": "test",
            "geometry": box(129.9 + i * 0.1, 32.9, 130.0 + i * 0.1, 33.0),
        }
        for i in range(1, 6)
    ]
    rows[-1]["name_ja"] = "テスト区"
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def _indicators() -> pd.DataFrame:
    base = {
        "default_scheme": "quantiles",
        "definition_ja": "",
        "survey_question_ja": "",
        "source_id": "test",
        "requested_by_council": 0,
        "to_be_dropped": 0,
        "notes": "",
        "small_count": 0,
        "per_population": 0,
        "name_en": "",
        "decimals": 1,
    }
    rows = [
        {
            "indicator_id": "aging",
            "goal_id": "community",
            "order": 1,
            "name_ja": "高齢化率",
            "unit": "%",
            "level": "district",
            "kind": "share",
            "better": "neutral",
        },
        {
            "indicator_id": "checkup",
            "goal_id": "health",
            "order": 1,
            "name_ja": "健診受診率",
            "unit": "%",
            "level": "district",
            "kind": "rate",
            "better": "higher",
        },
        {
            "indicator_id": "fires",
            "goal_id": "disaster",
            "order": 1,
            "name_ja": "火災件数",
            "unit": "件",
            "level": "district",
            "kind": "count",
            "better": "lower",
            "small_count": 1,
            "per_population": 1,
            "decimals": 0,
        },
        {
            "indicator_id": "safe",
            "goal_id": "living",
            "order": 1,
            "name_ja": "安全だと感じる市民の割合",
            "unit": "%",
            "level": "ward",
            "kind": "survey",
            "better": "higher",
            "survey_question_ja": "お住まいの地域は安全だと感じますか",
        },
    ]
    return pd.DataFrame([{**base, **row} for row in rows])


#: (indicator, level, area, year) -> value; None = missing (suppressed).
VALUES = {
    # aging: D01 ties D03 in 2025; D04 missing in 2025.
    ("aging", "district", "D01", 2024): 30.0,
    ("aging", "district", "D02", 2024): 20.0,
    ("aging", "district", "D03", 2024): 25.0,
    ("aging", "district", "D04", 2024): 22.0,
    ("aging", "district", "D01", 2025): 32.0,
    ("aging", "district", "D02", 2025): 20.0,
    ("aging", "district", "D03", 2025): 32.0,
    ("aging", "district", "D04", 2025): None,
    ("aging", "city", "43100", 2025): 26.0,
    # checkup: the ward publishes its own rate in 2025.
    ("checkup", "district", "D01", 2025): 40.0,
    ("checkup", "district", "D02", 2025): 30.0,
    ("checkup", "district", "D03", 2025): 35.0,
    ("checkup", "district", "D04", 2025): 45.0,
    ("checkup", "ward", "43105", 2025): 38.5,
    ("checkup", "city", "43100", 2025): 36.0,
    # fires: counts, lower is better.
    ("fires", "district", "D01", 2023): 1.0,
    ("fires", "district", "D02", 2023): 4.0,
    ("fires", "district", "D03", 2023): 0.0,
    ("fires", "district", "D04", 2023): 6.0,
    ("fires", "district", "D01", 2024): 2.0,
    ("fires", "district", "D02", 2024): 5.0,
    ("fires", "district", "D03", 2024): 2.0,
    ("fires", "district", "D04", 2024): 9.0,
    ("fires", "district", "D01", 2025): 0.0,
    ("fires", "district", "D02", 2025): 6.0,
    ("fires", "district", "D03", 2025): 3.0,
    ("fires", "district", "D04", 2025): 11.0,
    ("fires", "city", "43100", 2025): 300.0,
    # safe: ward-level survey.
    ("safe", "ward", "43101", 2025): 70.0,
    ("safe", "ward", "43102", 2025): 72.0,
    ("safe", "ward", "43103", 2025): 68.0,
    ("safe", "ward", "43104", 2025): 66.0,
    ("safe", "ward", "43105", 2025): 75.0,
    ("safe", "city", "43100", 2025): 70.5,
}


def _values() -> pd.DataFrame:
    rows = []
    for (indicator, level, area, year), value in VALUES.items():
        rows.append(
            {
                "indicator_id": indicator,
                "level": level,
                "area_code": area,
                "fiscal_year": year,
                "value": value,
                "missing_reason": "suppressed" if value is None else "",
                "status": "demo",
                "as_of": f"{year + 1}-03-31",
                "source_id": "test",
            }
        )
    frame = pd.DataFrame(rows)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame


def _population() -> pd.DataFrame:
    rows = []
    for year in (2024, 2025):
        for code, total in POPULATION.items():
            for group, share in ((AGE_GROUPS[0], 0.4), (AGE_GROUPS[-1], 0.6)):
                rows.append(
                    {
                        "district_code": code,
                        "fiscal_year": year,
                        "age_group": group,
                        "population": int(total * share),
                        "status": "demo",
                        "as_of": f"{year}-10-01",
                        "source_id": "test",
                    }
                )
    return pd.DataFrame(rows)


def _facilities() -> gpd.GeoDataFrame:
    rows = [
        {
            "facility_id": "f1",
            "category_id": "shelter",
            "name_ja": "あ小学校",
            "district_code": "D01",
            "photo_url": "",
            "description_ja": "",
            "geometry": Point(130.005, 33.005),
        },
        {
            "facility_id": "f2",
            "category_id": "park",
            "name_ja": "あ公園",
            "district_code": "D01",
            "photo_url": "https://example.org/p.jpg",
            "description_ja": "池がある",
            "geometry": Point(130.006, 33.004),
        },
        {
            "facility_id": "f3",
            "category_id": "shelter",
            "name_ja": "い公民館",
            "district_code": "D02",
            "photo_url": "",
            "description_ja": "",
            "geometry": Point(130.015, 33.005),
        },
    ]
    frame = gpd.GeoDataFrame(rows, crs="EPSG:4326")
    frame["address_ja"] = "テスト市"
    frame["status"] = "official"
    frame["source_id"] = "test"
    frame["as_of"] = "2025-04-01"
    return frame


def make_bundle(path: Path = Path("fixture")) -> Bundle:
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
            "title_en": [
                "Community",
                "Children",
                "Health",
                "Disaster",
                "Living",
                "Industry",
                "Culture",
            ],
            "aim_ja": [""] * 7,
        }
    )
    categories = pd.DataFrame(
        {
            "category_id": ["shelter", "park"],
            "order": [1, 2],
            "name_ja": ["避難所", "公園"],
            "name_en": ["Shelter", "Park"],
            "symbol": ["circle", "square"],
            "color": ["#1f77b4", "#2ca02c"],
        }
    )
    initiatives = pd.DataFrame(
        {
            "initiative_id": ["i1"],
            "district_code": ["D01"],
            "goal_id": ["disaster"],
            "fiscal_year": [2025],
            "title_ja": ["防災訓練"],
            "description_ja": ["地区合同の訓練"],
            "status": ["demo"],
            "source_id": ["test"],
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
        sources=pd.DataFrame({"source_id": ["test"], "title_ja": ["テスト"]}),
        goals=goals,
        indicators=_indicators(),
        districts=districts,
        wards=_wards(),
        outline=outline,
        values=_values(),
        population=_population(),
        categories=categories,
        hazards=pd.DataFrame(
            columns=["hazard_id", "order", "name_ja", "name_en", "column"]
        ),
        facilities=_facilities(),
        towns=pd.DataFrame(columns=["town_id"]),
        initiatives=initiatives,
    )
