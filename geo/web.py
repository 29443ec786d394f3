"""Prepare polygons and points for a web map, in one place.

Polygons are simplified as a coverage in a metric CRS (neighbours keep their
shared edges, so no slivers open between them), brought back to EPSG:4326
(longitude, latitude) and rounded; only the columns the map needs are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import geopandas as gpd
import shapely

from geo.errors import GeoInputError

logger = logging.getLogger(__name__)

#: The CRS of every web map: WGS 84 longitude, latitude in degrees.
WEB_CRS = "EPSG:4326"


def to_web_frame(
    frame: gpd.GeoDataFrame,
    columns: Sequence[str],
    *,
    metric_crs: str,
    tolerance_m: float,
    decimals: int = 5,
) -> gpd.GeoDataFrame:
    """Return ``frame`` ready for a web map: simplified, EPSG:4326, rounded.

    ``metric_crs`` is a projected CRS in metres in which the coverage is
    simplified by ``tolerance_m`` metres (0 skips simplification); coordinates
    are then rounded to ``decimals`` decimal places of a degree (5 is about
    1 m). Only ``columns`` (plus geometry) are kept.
    """
    _check_input(frame, columns)
    web = frame[[*columns, frame.geometry.name]].copy()

    if tolerance_m > 0 and _is_polygonal(web):
        web = _simplify_coverage(web, metric_crs, tolerance_m)
    web = web.to_crs(WEB_CRS)
    web = _round_coordinates(web, decimals)

    logger.info(
        "prepared %d features for the web (%d vertices)",
        len(web),
        shapely.get_num_coordinates(web.geometry.values).sum(),
    )
    return web


def to_web_geojson(
    frame: gpd.GeoDataFrame,
    columns: Sequence[str],
    *,
    metric_crs: str,
    tolerance_m: float,
    decimals: int = 5,
) -> str:
    """Return ``frame`` as a compact GeoJSON string ready for a web map."""
    web = to_web_frame(
        frame,
        columns,
        metric_crs=metric_crs,
        tolerance_m=tolerance_m,
        decimals=decimals,
    )
    return web.to_json(drop_id=True, ensure_ascii=False)


def _check_input(frame: gpd.GeoDataFrame, columns: Sequence[str]) -> None:
    """Raise a clear error for a frame without CRS or without a needed column."""
    if frame.crs is None:
        raise GeoInputError(
            "the frame has no CRS; expected one (e.g. EPSG:4326). Call set_crs() "
            "first.",
            "座標参照系（CRS）が定義されていません。",
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise GeoInputError(
            f"columns {missing} not found; the frame has {list(frame.columns)}",
            f"列 {missing} がありません。",
        )


def _is_polygonal(frame: gpd.GeoDataFrame) -> bool:
    """Whether every geometry is a (multi)polygon."""
    kinds = set(frame.geom_type.dropna())
    return bool(kinds) and kinds <= {"Polygon", "MultiPolygon"}


def _simplify_coverage(frame, metric_crs: str, tolerance_m: float):
    """Simplify polygons as one coverage in ``metric_crs`` (metres)."""
    metric = frame.to_crs(metric_crs)
    metric[metric.geometry.name] = metric.geometry.simplify_coverage(tolerance_m)
    return metric


def _round_coordinates(frame, decimals: int):
    """Snap coordinates to a grid of ``10**-decimals`` (keeps shapes valid)."""
    grid = 10.0**-decimals
    rounded = shapely.set_precision(frame.geometry.values, grid)
    frame[frame.geometry.name] = rounded
    return frame
