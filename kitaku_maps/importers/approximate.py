"""Approximate school districts from the schools and the town points."""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd

from geo.districts import approximate_districts, snap_coverage
from kitaku_maps import settings
from kitaku_maps.importers.boundaries import DISTRICT_COLUMNS, district_name
from kitaku_maps.importers.schools import elementary_schools

logger = logging.getLogger(__name__)

#: Source id of the approximate district boundaries.
APPROX_SOURCE = "kitaku_approx_districts"

#: Precision of the written coordinates, degrees (about 0.1 m).
COORDINATE_GRID = 1e-6


def approximate_school_districts(
    outline: gpd.GeoDataFrame, schools: gpd.GeoDataFrame, towns: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """One district per elementary school, drawn from the town points.

    Codes are D01, D02 ... in the order of the schools file; names are the
    published district names (``school_district_name`` without 校区, else the
    school name without 小学校). Inputs and result are EPSG:4326; the drawing
    is done in EPSG:6670 (metres); the result is put on a 1e-6 degree grid
    as one coverage, so neighbours share identical edges on disk.
    """
    seeds = elementary_schools(schools)
    metric_outline = outline.to_crs(settings.METRIC_CRS).geometry.union_all()
    polygons = approximate_districts(
        metric_outline,
        list(seeds.to_crs(settings.METRIC_CRS).geometry),
        list(towns.to_crs(settings.METRIC_CRS).geometry),
    )

    districts = gpd.GeoDataFrame(
        {
            "district_code": [f"D{k:02d}" for k in range(1, len(seeds) + 1)],
            "name_ja": _published_names(seeds),
            "school_name_ja": seeds["name_ja"].to_numpy(),
            "boundary_status": "approximate",
            "source_id": APPROX_SOURCE,
        },
        geometry=polygons,
        crs=settings.METRIC_CRS,
    ).to_crs(settings.WEB_CRS)
    districts.geometry = snap_coverage(districts.geometry, COORDINATE_GRID)

    logger.info("approximated %d districts", len(districts))
    return districts[[*DISTRICT_COLUMNS, "geometry"]]


def _published_names(seeds: gpd.GeoDataFrame) -> list[str]:
    """Each school's district name as published (楡木校区 -> 楡木)."""
    given = seeds.get("school_district_name", pd.Series("", index=seeds.index))
    names = given.fillna("").astype(str).str.strip()
    names = names.where(names != "", seeds["name_ja"])
    return [district_name(name) for name in names]
