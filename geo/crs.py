"""CRS helpers: make sure a frame has a CRS, and move between CRSs."""

from __future__ import annotations

import geopandas as gpd

from geo.errors import GeoInputError


def require_crs(frame: gpd.GeoDataFrame, source: str, assume: str | None = None):
    """Return ``frame`` with a CRS, or raise when it has none.

    Files that declare no CRS are accepted only when ``assume`` names one
    (e.g. ``"EPSG:4326"`` for plain longitude/latitude files).
    """
    if frame.crs is not None:
        return frame
    if assume is None:
        raise GeoInputError(
            f"{source}: the file declares no coordinate reference system; "
            "expected one (e.g. EPSG:4326). Re-export it with a CRS or pass "
            "the CRS explicitly.",
            f"ファイル {source}: 座標参照系（CRS、例: EPSG:4326）の定義が必要ですが、"
            "定義がありませんでした（シェープファイルなら .prj ファイルがありません）。"
            "CRS 付きで保存し直してください。",
        )
    return frame.set_crs(assume)
