"""``build-data``: build the default dataset bundle from the public source files.

The build is deterministic (run twice, the files are byte-identical): fixed
seeds, sorted rows, fixed rounding and no clock. Everything is written to a
temporary folder first and moved into place only when all of it succeeded.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.errors import GeoInputError
from geo.io import write_geojson, write_text_atomic
from kitaku_maps import catalogue, demo, settings
from kitaku_maps._demo_values import sort_values
from kitaku_maps.bundle import FACILITY_COLUMNS, FILES, SOURCE_COLUMNS
from kitaku_maps.errors import InputFormatError
from kitaku_maps.importers import (
    assign_districts,
    merge_shelters,
    read_gsi_shelters,
    read_open_status,
    read_outline,
    read_portal_shelters,
    read_schools,
    read_towns,
    read_wards,
)
from kitaku_maps.importers.approximate import approximate_school_districts
from kitaku_maps.importers.boundaries import DISTRICT_COLUMNS
from kitaku_maps.importers.common import (
    TOWN_COLUMNS,
    as_input_error,
    date_in_name,
    write_csv,
)
from kitaku_maps.importers.computed import coverage_rows
from kitaku_maps.importers.sources import credits_table, sources_markdown

logger = logging.getLogger(__name__)

#: Extra file of the default bundle: the daily open record of shelters.
OPEN_STATUS_FILE = "open_status.csv"

#: Where each source file is found under the source folder (glob, newest wins).
SOURCE_PATTERNS = {
    "outline": "boundaries/n03_*_[0-9][0-9][0-9][0-9][0-9].geojson",
    "wards": "boundaries/n03_*_wards*.geojson",
    "schools": "schools/schools_*.geojson",
    "towns": "towns/*towns*.json",
    "gsi_shelters": "shelters/gsi_designated_shelters_*.geojson",
    "portal_shelters": "shelters/*portal_shelter_*.json",
    "open_status": "shelters/*open_status*.csv",
}


@dataclass(frozen=True)
class SourceFiles:
    """The input files of the default dataset."""

    outline: Path
    wards: Path
    schools: Path
    towns: Path
    gsi_shelters: Path
    portal_shelters: Path
    open_status: Path | None = None

    @classmethod
    def find(cls, folder: Path, overrides: dict[str, Path | None]) -> SourceFiles:
        """Find each file under ``folder`` unless ``overrides`` names it."""
        found = {}
        for field in fields(cls):
            given = overrides.get(field.name)
            found[field.name] = Path(given) if given else _newest(folder, field.name)
        return cls(**found)


def _newest(folder: Path, key: str) -> Path | None:
    """The last (by name) file under ``folder`` matching the key's pattern."""
    matches = sorted(Path(folder).glob(SOURCE_PATTERNS[key]))
    if matches:
        return matches[-1]
    if key == "open_status":
        return None
    raise InputFormatError(
        f"{folder}: no {key} file found (expected {SOURCE_PATTERNS[key]}); "
        f"pass --{key.replace('_', '-')} FILE.",
        f"{folder}: {key} のファイルが見つかりません。",
    )


def build_bundle(
    files: SourceFiles, out_dir: Path, seed: int = settings.DEMO_SEED
) -> list[str]:
    """Build every bundle file into ``out_dir``; return the file names written.

    Nothing in ``out_dir`` changes unless the whole build succeeds.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent)
    )

    try:
        frames = build_frames(files, seed)
        write_frames(frames, staging)
        written = sorted(p.name for p in staging.iterdir())
        for name in written:
            os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    logger.info("built %d files into %s", len(written), out_dir)
    return written


@dataclass
class Frames:
    """Everything a bundle holds, in memory (geometry in EPSG:4326)."""

    meta: dict
    outline: gpd.GeoDataFrame
    wards: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    towns: pd.DataFrame
    open_status: pd.DataFrame | None
    statistics: dict[str, pd.DataFrame]
    sources: pd.DataFrame


def build_frames(files: SourceFiles, seed: int) -> Frames:
    """Read the sources and derive every table of the bundle."""
    try:
        outline = read_outline(files.outline)
        wards = read_wards(files.wards)
        schools = read_schools(files.schools, as_of=date_in_name(files.gsi_shelters))
        towns = read_towns(files.towns)
        shelters = merge_shelters(
            read_gsi_shelters(files.gsi_shelters),
            read_portal_shelters(files.portal_shelters),
            outline.geometry.union_all(),
            gsi_as_of=date_in_name(files.gsi_shelters),
        )
        districts = approximate_school_districts(outline, schools, towns)
    except GeoInputError as error:
        raise as_input_error(error) from error

    facilities = pd.concat([shelters, schools[[*FACILITY_COLUMNS, "geometry"]]])
    facilities["district_code"] = assign_districts(facilities, districts)
    towns["district_code"] = assign_districts(towns, districts)
    open_status = (
        read_open_status(files.open_status, shelters) if files.open_status else None
    )

    meta = bundle_meta(outline)
    statistics = _statistics(districts, wards, towns, facilities, seed, meta)
    facilities = pd.concat([facilities, statistics["sample_facilities"]])
    return Frames(
        meta=meta,
        outline=outline,
        wards=wards,
        districts=districts,
        facilities=facilities.reset_index(drop=True),
        towns=pd.DataFrame(towns.drop(columns="geometry")),
        open_status=open_status,
        statistics=statistics,
        sources=credits_table(files, statistics["sources"]),
    )


def _statistics(
    districts: gpd.GeoDataFrame,
    wards: gpd.GeoDataFrame,
    towns: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    seed: int,
    meta: dict,
) -> dict[str, pd.DataFrame]:
    """The demonstration and computed statistics (see :mod:`kitaku_maps.demo`).

    Shelter coverage (:func:`kitaku_maps.nearest.compute_coverage`) is computed
    from the real shelters and town points (per district and for the ward
    ``meta`` names), and the real published figures of
    ``catalogue_data/published_values.csv`` are added to the values.
    """
    town_table = pd.DataFrame(towns.drop(columns="geometry"))
    facilities = facilities.reset_index(drop=True)
    statistics = demo.make_statistics(
        districts, wards, town_table, facilities, catalogue.indicators(), seed
    )

    coverage = coverage_rows(
        town_table, facilities, districts["district_code"], str(meta["ward_code"])
    )
    published = catalogue.published_values()
    values = pd.concat([statistics["values"], coverage, published], ignore_index=True)
    statistics["values"] = sort_values(values)
    return statistics


def bundle_meta(outline: gpd.GeoDataFrame) -> dict:
    """The contents of ``bundle.json``, from the outline's ward."""
    ward_code = str(outline["ward_code"].iloc[0])
    ward_name = str(outline["name_ja"].iloc[0])
    city_name = str(outline.get("city_name_ja", pd.Series([""])).iloc[0])
    return {
        "title_ja": f"{city_name}{ward_name} 地域カルテマップ",
        "city_code": ward_code[:3] + "00",
        "city_name_ja": city_name,
        "ward_code": ward_code,
        "ward_name_ja": ward_name,
        "district_term_ja": "校区",
        "description_ja": (
            f"{city_name}{ward_name}の校区ごとの統計と施設の地図。"
            "区の輪郭・避難所・学校・町丁の位置は公開データ、校区の境界は推定、"
            "統計値の多くはデモ用の仮の数値です。"
        ),
    }


def write_frames(frames: Frames, folder: Path) -> None:
    """Write every file of the bundle into ``folder``."""
    text = json.dumps(frames.meta, ensure_ascii=False, indent=2) + "\n"
    write_text_atomic(folder / FILES["meta"], text)

    catalogue.write_catalogue(folder)
    _write_geometry(frames, folder)
    write_csv(frames.towns, folder / FILES["towns"], TOWN_COLUMNS)
    for key in ("values", "population", "initiatives"):
        table = frames.statistics[key]
        write_csv(table, folder / FILES[key], tuple(table.columns))
    if frames.open_status is not None:
        write_csv(
            frames.open_status,
            folder / OPEN_STATUS_FILE,
            ("facility_id", "date", "is_open"),
        )

    write_csv(frames.sources, folder / FILES["sources"], SOURCE_COLUMNS)
    write_text_atomic(folder / "SOURCES.md", sources_markdown(frames.sources))


def _write_geometry(frames: Frames, folder: Path) -> None:
    """Write the four GeoJSON files (EPSG:4326, 1e-6 degrees)."""
    place_columns = ("ward_code", "name_ja", "source_id")
    write_geojson(frames.outline, folder / FILES["outline"], columns=place_columns)
    write_geojson(
        frames.wards,
        folder / FILES["wards"],
        id_column="ward_code",
        columns=place_columns,
    )
    write_geojson(
        frames.districts,
        folder / FILES["districts"],
        id_column="district_code",
        columns=DISTRICT_COLUMNS,
    )
    write_geojson(
        _flags_as_integers(frames.facilities),
        folder / FILES["facilities"],
        id_column="facility_id",
        columns=FACILITY_COLUMNS,
    )


def _flags_as_integers(facilities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """0/1 columns as nullable integers, so the GeoJSON holds 1, not 1.0."""
    result = facilities.copy()
    for column in FACILITY_COLUMNS:
        if column.startswith(("is_", "hazard_")):
            result[column] = pd.to_numeric(result[column]).astype("Int64")
    return result


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``build-data``."""
    parser = subparsers.add_parser(
        "build-data",
        help="build the default dataset bundle from the public source files",
        description=__doc__,
    )
    parser.add_argument("--source", type=Path, default=settings.SOURCE_DATA_DIR)
    parser.add_argument("--out", type=Path, default=settings.DATA_DIR)
    parser.add_argument("--seed", type=int, default=settings.DEMO_SEED)
    for key in SOURCE_PATTERNS:
        parser.add_argument(
            f"--{key.replace('_', '-')}",
            type=Path,
            default=None,
            metavar="FILE",
            help=f"the {key.replace('_', ' ')} file (default: {SOURCE_PATTERNS[key]})",
        )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``build-data``."""
    overrides = {key: getattr(args, key) for key in SOURCE_PATTERNS}
    files = SourceFiles.find(args.source, overrides)
    written = build_bundle(files, args.out, args.seed)
    print(f"built {len(written)} files in {args.out}: {', '.join(written)}")
    return 0
