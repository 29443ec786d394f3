"""The dataset bundle: file names and the in-memory form every page reads.

The layout of each file is documented in ``docs/DATASET.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

#: File names inside a bundle folder.
FILES = {
    "meta": "bundle.json",
    "sources": "sources.csv",
    "goals": "goals.csv",
    "indicators": "indicators.csv",
    "districts": "districts.geojson",
    "wards": "wards.geojson",
    "outline": "outline.geojson",
    "values": "values.csv",
    "population": "population.csv",
    "categories": "categories.csv",
    "hazards": "hazards.csv",
    "facilities": "facilities.geojson",
    "towns": "towns.csv",
    "initiatives": "initiatives.csv",
}

#: The 5-year age groups of ``population.csv``, youngest first.
AGE_GROUPS: tuple[str, ...] = (*(f"{a}-{a + 4}" for a in range(0, 85, 5)), "85+")


def age_groups(ages: str) -> list[str]:
    """The 5-year groups covered by ``"65+"``, ``"40-74"`` or ``""`` (all ages)."""
    if not ages:
        return list(AGE_GROUPS)
    low, _, high = ages.replace("+", "-").partition("-")
    top = float(high) if high else float("inf")
    return [g for g in AGE_GROUPS if float(low) <= lower_bound(g) <= top]


def lower_bound(group: str) -> int:
    """The youngest age of a group such as ``"5-9"`` or ``"85+"``."""
    return int(group.replace("+", "-").split("-")[0])


#: Map symbols a category may use (drawn by ``kitaku_maps.maps.symbols``).
SYMBOLS: tuple[str, ...] = (
    "circle",
    "square",
    "triangle",
    "diamond",
    "star",
    "house",
    "cross",
)


#: Hazard ids; each has a ``hazard_<id>`` column in ``facilities.geojson``.
HAZARD_IDS: tuple[str, ...] = (
    "flood",
    "landslide",
    "earthquake",
    "inland_flood",
    "storm_surge",
    "tsunami",
)

#: Property columns of ``facilities.geojson``, in file order.
FACILITY_COLUMNS: tuple[str, ...] = (
    "facility_id",
    "category_id",
    "name_ja",
    "address_ja",
    "district_code",
    "status",
    "source_id",
    "as_of",
    "photo_url",
    "description_ja",
    "is_designated_shelter",
    "is_emergency_site",
    "is_welfare_shelter",
    *(f"hazard_{h}" for h in HAZARD_IDS),
    "opened_at",
    "closed_at",
    "gsi_common_id",
    "portal_facility_id",
    "school_kind",
)

#: Columns of ``values.csv``, in file order.
VALUE_COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "level",
    "area_code",
    "fiscal_year",
    "value",
    "missing_reason",
    "status",
    "as_of",
    "source_id",
)

#: Columns of ``sources.csv``, in file order.
SOURCE_COLUMNS: tuple[str, ...] = (
    "source_id",
    "title_ja",
    "publisher_ja",
    "url",
    "licence",
    "credit_ja",
    "as_of",
    "notes",
)


@dataclass(frozen=True)
class Bundle:
    """A validated dataset. Frames are read-only: never mutate them.

    Geometry is in EPSG:4326 (longitude, latitude), as on disk.
    """

    path: Path
    meta: dict
    sources: pd.DataFrame
    goals: pd.DataFrame
    indicators: pd.DataFrame
    districts: gpd.GeoDataFrame
    wards: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    values: pd.DataFrame
    population: pd.DataFrame
    categories: pd.DataFrame
    hazards: pd.DataFrame
    facilities: gpd.GeoDataFrame
    towns: pd.DataFrame
    initiatives: pd.DataFrame

    @property
    def has_demo(self) -> bool:
        """Whether any value or record is demonstration data."""
        frames = [self.values, self.population, self.facilities, self.initiatives]
        return any((f["status"] == "demo").any() for f in frames if len(f))

    @property
    def has_approximate_boundaries(self) -> bool:
        """Whether any district boundary is approximate."""
        return bool((self.districts["boundary_status"] == "approximate").any())
