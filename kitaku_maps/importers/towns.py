"""Town points (町丁目・大字 with one representative point each)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.io import pick_column, points_from_table
from kitaku_maps import settings
from kitaku_maps.errors import InputFormatError

logger = logging.getLogger(__name__)

#: Source id of Geolonia's address data.
TOWNS_SOURCE = "geolonia_towns"


def read_towns(
    path: Path,
    town_column: str | None = None,
    lat_column: str | None = None,
    lon_column: str | None = None,
    source_id: str = TOWNS_SOURCE,
) -> gpd.GeoDataFrame:
    """Read town points from JSON (a list of records) or CSV, in EPSG:4326.

    Returns ``town_id`` (T001 ... in file order), ``town_ja``, ``koaza_ja``,
    ``lat``, ``lon``, ``population`` (empty unless the file has it) and
    ``source_id``, with point geometry (lon, lat).
    """
    table = _read_table(path)
    town = pick_column(
        table, path.name, "town name", town_column, ("town", "町丁目", "name")
    )
    lat = pick_column(
        table, path.name, "latitude", lat_column, ("lat", "latitude", "緯度")
    )
    lon = pick_column(
        table, path.name, "longitude", lon_column, ("lng", "lon", "longitude", "経度")
    )

    points = points_from_table(table, lon, lat, path.name)
    towns = gpd.GeoDataFrame(
        {
            "town_id": [f"T{k:03d}" for k in range(1, len(table) + 1)],
            "town_ja": table[town].astype(str).str.strip().to_numpy(),
            "koaza_ja": table.get("koaza", pd.Series("", table.index))
            .fillna("")
            .to_numpy(),
            "lat": points.geometry.y.round(6).to_numpy(),
            "lon": points.geometry.x.round(6).to_numpy(),
            "population": pd.array([pd.NA] * len(table), dtype="Int64"),
            "source_id": source_id,
        },
        geometry=points.geometry.to_numpy(),
        crs=settings.WEB_CRS,
    )
    if "population" in table:
        towns["population"] = (
            pd.to_numeric(table["population"], errors="coerce")
            .astype("Int64")
            .to_numpy()
        )

    logger.info("read %d towns from %s", len(towns), path.name)
    return towns


def _read_table(path: Path) -> pd.DataFrame:
    """The records of a JSON list or a CSV file (UTF-8, with or without BOM)."""
    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
        payload = json.loads(path.read_text(encoding="utf-8-sig"))
    except (
        OSError,
        UnicodeDecodeError,
        json.JSONDecodeError,
        pd.errors.ParserError,
    ) as error:
        raise InputFormatError(
            f"{path}: cannot be read as UTF-8 JSON or CSV ({error}).",
            f"ファイル {path.name}: UTF-8 の JSON か CSV が必要ですが、"
            f"読み込めませんでした（{error}）。",
        ) from error

    records = payload.get("items", payload) if isinstance(payload, dict) else payload
    if not isinstance(records, list) or not records:
        raise InputFormatError(
            f"{path.name}: expected a JSON list of towns, found none.",
            f"ファイル {path.name}: 町丁の一覧が必要ですが、見つかりませんでした。",
        )
    return pd.DataFrame(records)
