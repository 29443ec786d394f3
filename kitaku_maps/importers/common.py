"""What the importers share: the facilities layout, sources, districts, writing."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.districts import assign_points
from geo.errors import GeoInputError
from geo.io import write_text_atomic
from kitaku_maps import settings
from kitaku_maps.bundle import FACILITY_COLUMNS
from kitaku_maps.errors import InputFormatError

logger = logging.getLogger(__name__)


#: Columns of ``towns.csv``.
TOWN_COLUMNS: tuple[str, ...] = (
    "town_id",
    "town_ja",
    "koaza_ja",
    "lat",
    "lon",
    "district_code",
    "population",
    "source_id",
)

#: Metres within which a point just outside every district joins the nearest.
DISTRICT_TOLERANCE_METRES = 300.0


def date_in_name(path: Path) -> str:
    """The ``YYYY-MM-DD`` date written as 8 digits in a file name, or ''."""
    match = re.search(r"(20\d{2})(\d{2})(\d{2})", path.stem)
    return "-".join(match.groups()) if match else ""


def facilities_frame(records: pd.DataFrame, geometry, crs: str) -> gpd.GeoDataFrame:
    """A frame with exactly the facility columns (missing ones empty)."""
    frame = records.reindex(columns=list(FACILITY_COLUMNS))
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=crs).reset_index(drop=True)


def assign_districts(
    points: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    tolerance_m: float = DISTRICT_TOLERANCE_METRES,
) -> pd.Series:
    """The district code of each point by point-in-polygon (EPSG:6670 metres).

    A point outside every district joins the nearest one within
    ``tolerance_m``; beyond that it stays empty and a warning is logged.
    """
    metric_points = points.to_crs(settings.METRIC_CRS)
    metric_districts = districts.to_crs(settings.METRIC_CRS)
    codes = assign_points(
        metric_points.geometry.to_numpy(),
        metric_districts.geometry.to_numpy(),
        metric_districts["district_code"].to_numpy(),
        tolerance_m,
    )

    outside = [i for i, code in enumerate(codes) if code is None]
    for i in outside:
        name = points["name_ja"].iloc[i] if "name_ja" in points else i
        logger.warning("%s lies outside every district; left without one", name)

    return pd.Series(codes, index=points.index, dtype="str")


def write_csv(frame: pd.DataFrame, path: Path, columns: tuple[str, ...]) -> Path:
    """Write ``frame`` as a bundle CSV (UTF-8, ``\\n``), atomically."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputFormatError(
            f"{path.name}: cannot write, columns missing: {', '.join(missing)}.",
            f"{path.name}: 書き出せません。列がありません: {'、'.join(missing)}",
        )
    text = frame[list(columns)].to_csv(index=False, lineterminator="\n")
    return write_text_atomic(path, text)


def as_input_error(error: GeoInputError) -> InputFormatError:
    """The project's error for a geometry-file problem (keeps the Japanese)."""
    return InputFormatError(str(error), error.message_ja)
