"""Clearly named sample facilities and initiatives, flagged ``demo``.

Names come from the catalogue's templates (``categories.csv`` ``demo_name_ja``,
``goals.csv`` ``demo_initiative_ja``), all starting with （サンプル）.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from kitaku_maps import catalogue
from kitaku_maps._demo_values import DEMO_SOURCE, stream
from kitaku_maps.bundle import FACILITY_COLUMNS
from kitaku_maps.settings import WEB_CRS

#: Description of every sample initiative.
SAMPLE_NOTE_JA = "デモ用のサンプルです。実際の取組ではありません。"


def sample_facilities(
    towns: pd.DataFrame, facilities: pd.DataFrame, seed: int, as_of: str
) -> gpd.GeoDataFrame:
    """Sample entries of each category with a ``demo_count``, at real town points.

    Points are (lon, lat) in EPSG:4326; each town is used at most once.
    """
    towns = towns.dropna(subset=["lat", "lon", "district_code"])
    towns = towns.sort_values("town_id").reset_index(drop=True)
    order = stream(seed, "sample_facilities").permutation(len(towns))
    rows, used = [], 0

    for category in catalogue.categories().itertuples(index=False):
        for number in range(1, category.demo_count + 1):
            town = towns.iloc[order[used % len(towns)]]
            used += 1
            rows.append(sample_row(category, number, town, as_of))

    columns = [
        c
        for c in dict.fromkeys([*FACILITY_COLUMNS, *facilities.columns])
        if c != "geometry"
    ]
    frame = pd.DataFrame(rows).reindex(columns=[*columns, "lon", "lat"])
    points = gpd.points_from_xy(frame.pop("lon"), frame.pop("lat"), crs=WEB_CRS)
    return gpd.GeoDataFrame(frame, geometry=points, crs=WEB_CRS)


def sample_row(category, number: int, town: pd.Series, as_of: str) -> dict:
    """One sample facility of ``category`` at ``town``'s point."""
    return {
        "facility_id": f"demo_{category.category_id}_{number:02d}",
        "category_id": category.category_id,
        "name_ja": category.demo_name_ja.format(town=town["town_ja"]),
        "address_ja": town["town_ja"],
        "district_code": str(town["district_code"]),
        "status": "demo",
        "source_id": DEMO_SOURCE,
        "as_of": as_of,
        "description_ja": category.demo_description_ja,
        "lon": float(town["lon"]),
        "lat": float(town["lat"]),
    }


def sample_initiatives(
    districts: pd.DataFrame, seed: int, fiscal_year: int
) -> pd.DataFrame:
    """One sample initiative per district and goal, from the goals' templates."""
    goals = catalogue.goals().sort_values("order")
    rng = stream(seed, "initiatives")
    rows = []

    for district in districts.sort_values("district_code").itertuples(index=False):
        for goal in goals.itertuples(index=False):
            templates = goal.demo_initiative_ja.split("|")
            template = templates[rng.integers(len(templates))]
            rows.append(
                {
                    "initiative_id": f"demo_{district.district_code}_{goal.goal_id}",
                    "district_code": district.district_code,
                    "goal_id": goal.goal_id,
                    "fiscal_year": fiscal_year,
                    "title_ja": template.format(district=district.name_ja),
                    "description_ja": SAMPLE_NOTE_JA,
                    "status": "demo",
                    "source_id": DEMO_SOURCE,
                }
            )
    return pd.DataFrame(rows)
