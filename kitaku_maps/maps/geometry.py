"""The bundle's polygons prepared for the web once, with label points.

Prepared once per process (the page caches it with ``st.cache_resource``):
coverage-simplified in EPSG:6670, back to EPSG:4326 (longitude, latitude) and
rounded, with each feature's geometry already written as GeoJSON text.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.web import WEB_CRS, to_web_frame
from kitaku_maps import settings
from kitaku_maps.bundle import Bundle

logger = logging.getLogger(__name__)

#: Largest relative difference of areas for which the districts' union stands
#: in for the ward outline.
OUTLINE_MATCH = 0.01


@dataclass(frozen=True)
class WebAreas:
    """Areas of one level ready for a map; read-only.

    ``codes`` and ``names`` (as published) are in display order;
    ``geometry_json`` holds each area's GeoJSON geometry (EPSG:4326, lon/lat);
    ``labels`` are ``[lat, lon, escaped name]`` for folium; ``bounds`` is
    ``[[south, west], [north, east]]`` in degrees.
    """

    codes: pd.Index
    names: pd.Series
    geometry_json: pd.Series
    labels: list[list]
    bounds: list[list[float]]
    geometry: np.ndarray


@dataclass(frozen=True)
class WebGeometry:
    """Districts, the city's wards and the home ward's outline, for the web.

    ``districts_cover_outline`` says the districts tile the ward, so their
    outer edges can stand in for ``outline_json`` on a district map.
    """

    districts: WebAreas
    wards: WebAreas
    outline_json: str
    districts_cover_outline: bool


def web_geometry(bundle: Bundle) -> WebGeometry:
    """Prepare the bundle's districts, wards and outline for the web map."""
    districts = web_areas(bundle.districts, "district_code")
    wards = web_areas(bundle.wards.sort_values("ward_code"), "ward_code")
    return WebGeometry(
        districts,
        wards,
        outline_json(bundle.outline),
        covers_outline(districts, bundle.outline),
    )


def outline_json(outline: gpd.GeoDataFrame) -> str:
    """The home ward's real outline simplified for the web, as GeoJSON."""
    web = to_web_frame(
        outline,
        [],
        metric_crs=settings.METRIC_CRS,
        tolerance_m=settings.WEB_SIMPLIFY_METRES,
        decimals=settings.WEB_COORD_DECIMALS,
    )
    return web.to_json(drop_id=True)


def covers_outline(districts: WebAreas, outline: gpd.GeoDataFrame) -> bool:
    """Whether the districts cover the ward (areas within ``OUTLINE_MATCH``).

    Then the map may draw the districts' outer edges as the outline: they lie
    exactly on the districts and cost no bytes.
    """
    union = gpd.GeoSeries([shapely.coverage_union_all(districts.geometry)], crs=WEB_CRS)
    union_area = union.to_crs(settings.METRIC_CRS).area.iloc[0]
    outline_area = outline.to_crs(settings.METRIC_CRS).area.sum()
    covered = outline_area > 0 and abs(union_area / outline_area - 1) <= OUTLINE_MATCH
    if not covered:
        logger.info("districts cover %.0f of %.0f m²", union_area, outline_area)
    return bool(covered)


def web_areas(
    frame: gpd.GeoDataFrame,
    code_column: str,
    tolerance_m: float = settings.WEB_SIMPLIFY_METRES,
) -> WebAreas:
    """Simplify ``frame`` as a coverage and keep code, name, geometry, labels."""
    web = to_web_frame(
        frame,
        [code_column, "name_ja"],
        metric_crs=settings.METRIC_CRS,
        tolerance_m=tolerance_m,
        decimals=settings.WEB_COORD_DECIMALS,
    )
    codes = pd.Index(web[code_column].astype(str))
    geometry_json = pd.Series(shapely.to_geojson(web.geometry.values), index=codes)

    return WebAreas(
        codes=codes,
        names=pd.Series(web["name_ja"].astype(str).values, index=codes),
        geometry_json=geometry_json,
        labels=_label_points(web),
        bounds=_bounds(web),
        geometry=web.geometry.values,
    )


def _label_points(web: gpd.GeoDataFrame) -> list[list]:
    """``[lat, lon, escaped name]`` of a point inside each area."""
    points = web.geometry.representative_point()
    return [
        [round(p.y, 5), round(p.x, 5), html.escape(str(name))]
        for p, name in zip(points, web["name_ja"], strict=True)
    ]


def _bounds(web: gpd.GeoDataFrame) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of the frame, in degrees."""
    west, south, east, north = web.total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]
