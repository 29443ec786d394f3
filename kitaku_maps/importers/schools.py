"""Schools (points) as facility records with their kind."""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.io import matches_pattern, pick_column, read_layer
from kitaku_maps import settings
from kitaku_maps.errors import DataValidationError, Problem, quoted_ja
from kitaku_maps.importers.common import facilities_frame

logger = logging.getLogger(__name__)

#: Source id of the schools file (taken from the shelter lists).
SCHOOLS_SOURCE = "gsi_shelters"

#: Words of the source's ``kind`` column -> the bundle's ``school_kind``.
SCHOOL_KINDS = {
    "elementary": "elementary",
    "小学校": "elementary",
    "junior_high": "junior_high",
    "中学校": "junior_high",
    "high": "high",
    "high_school": "high",
    "高校": "high",
    "高等学校": "high",
}

#: Name endings that tell a school's kind when no kind column exists.
KIND_BY_NAME = (("小学校", "elementary"), ("中学校", "junior_high"), ("高校", "high"))


def read_schools(
    path: Path,
    name_column: str | None = None,
    kind_column: str | None = None,
    source_id: str = SCHOOLS_SOURCE,
    as_of: str = "",
) -> gpd.GeoDataFrame:
    """Read school points as facility records (EPSG:4326), in file order.

    ``facility_id`` is SC01, SC02 ... in file order. The frame also keeps
    ``school_district_name`` (e.g. 楡木校区) when the file has it.
    """
    frame = read_layer(path, assume_crs=settings.WEB_CRS)
    name = pick_column(
        frame,
        path.name,
        "school name",
        name_column,
        ("name", "名称", "学校名"),
        matches_pattern(r".+(学校|高校)", share=0.8),
    )
    kinds = _school_kinds(frame, path.name, name, kind_column)

    records = pd.DataFrame(
        {
            "facility_id": [f"SC{k:02d}" for k in range(1, len(frame) + 1)],
            "category_id": "school",
            "name_ja": frame[name].astype(str).str.strip(),
            "address_ja": frame.get("address", pd.Series("", frame.index)),
            "status": "official",
            "source_id": source_id,
            "as_of": as_of,
            "gsi_common_id": frame.get("gsi_common_id"),
            "portal_facility_id": frame.get("portal_facility_id"),
            "school_kind": kinds,
        }
    )
    schools = facilities_frame(
        records, frame.geometry.to_crs(settings.WEB_CRS), settings.WEB_CRS
    )
    if "school_district_name" in frame:
        schools["school_district_name"] = (
            frame["school_district_name"].fillna("").to_numpy()
        )

    logger.info("read %d schools from %s", len(schools), path.name)
    return schools


def _school_kinds(
    frame: pd.DataFrame, source: str, name: str, kind_column: str | None
) -> list[str]:
    """Each school's kind, from the kind column or else from its name."""
    column = kind_column or ("kind" if "kind" in frame else None)
    if column is not None:
        pick_column(frame, source, "school kind", column)
        raw = frame[column].astype(str).str.strip()
        kinds = raw.map(SCHOOL_KINDS)
    else:
        raw = frame[name].astype(str)
        kinds = raw.map(_kind_from_name)

    unknown = kinds.isna().to_numpy().nonzero()[0]
    if len(unknown):
        problems = [
            Problem(
                source,
                int(i) + 2,
                column or name,
                f"a school kind ({', '.join(sorted(set(SCHOOL_KINDS)))})",
                repr(raw.iloc[i]),
                f"学校の種類（{'、'.join(sorted(set(SCHOOL_KINDS)))}）",
                quoted_ja(raw.iloc[i]),
            )
            for i in unknown
        ]
        raise DataValidationError(problems, f"{source}: unknown school kind")
    return kinds.tolist()


def _kind_from_name(name: str) -> str | None:
    """The kind a school's name ends with, or ``None``."""
    for ending, kind in KIND_BY_NAME:
        if name.endswith(ending):
            return kind
    return None


def elementary_schools(schools: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The elementary schools, in file order: the seeds of approximate districts."""
    return schools[schools["school_kind"] == "elementary"].reset_index(drop=True)
