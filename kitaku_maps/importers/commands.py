"""Import commands: official files into a bundle folder, atomically.

``import-boundaries``, ``import-shelters`` and ``import-points`` read their
inputs, rebuild the affected bundle files in a staging folder, and move them
into the bundle only when all of them were written: a failed import leaves
the saved files untouched.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.errors import GeoInputError
from geo.io import write_geojson
from geo.names import NameMatcher
from kitaku_maps import settings
from kitaku_maps.bundle import FACILITY_COLUMNS, FILES
from kitaku_maps.errors import DataValidationError, InputFormatError, Problem
from kitaku_maps.importers.boundaries import (
    DISTRICT_COLUMNS,
    read_districts,
    read_outline,
    read_wards,
)
from kitaku_maps.importers.common import (
    TOWN_COLUMNS,
    as_input_error,
    assign_districts,
    date_in_name,
    write_csv,
)
from kitaku_maps.importers.computed import computed_values_writer
from kitaku_maps.importers.schools import read_schools
from kitaku_maps.importers.shelters import (
    merge_shelters,
    read_gsi_shelters,
    read_open_status,
    read_portal_shelters,
)
from kitaku_maps.importers.towns import read_towns
from kitaku_maps.loader import read_geojson
from kitaku_maps.tables import check_date

logger = logging.getLogger(__name__)

#: A step that writes some bundle files into a staging folder.
Writer = Callable[[Path], None]


def replace_files(bundle: Path, writers: list[Writer]) -> list[str]:
    """Run ``writers`` into a staging folder, then move the files into ``bundle``."""
    bundle.mkdir(parents=True, exist_ok=True)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{bundle.name}.import-", dir=bundle.parent)
    )
    try:
        for write in writers:
            write(staging)
        names = sorted(p.name for p in staging.iterdir())
        for name in names:
            os.replace(staging / name, bundle / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return names


def read_bundle_layer(bundle: Path, key: str) -> gpd.GeoDataFrame:
    """A GeoJSON file of the bundle with its properties as written (EPSG:4326)."""
    return read_geojson(bundle / FILES[key])


def facilities_writer(facilities: gpd.GeoDataFrame) -> Writer:
    """A writer of ``facilities.geojson`` (0/1 flags kept as integers)."""

    def write(folder: Path) -> None:
        frame = facilities.reindex(columns=[*FACILITY_COLUMNS, "geometry"])
        for column in FACILITY_COLUMNS:
            if column.startswith(("is_", "hazard_")):
                frame[column] = pd.to_numeric(frame[column]).astype("Int64")
        write_geojson(
            gpd.GeoDataFrame(frame, geometry="geometry", crs=settings.WEB_CRS),
            folder / FILES["facilities"],
            id_column="facility_id",
            columns=FACILITY_COLUMNS,
        )

    return write


def _replace_category(
    bundle: Path, category: str, new: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """The bundle's facilities with ``category`` replaced by ``new`` (districts set)."""
    districts = read_bundle_layer(bundle, "districts")
    new = new.copy()
    new["district_code"] = assign_districts(new, districts)

    path = bundle / FILES["facilities"]
    if not path.exists():
        return new
    old = read_bundle_layer(bundle, "facilities")
    return pd.concat([old[old["category_id"] != category], new], ignore_index=True)


# --- import-boundaries ----------------------------------------------------


def import_boundaries(args: argparse.Namespace) -> list[str]:
    """Import the outline, the wards and/or official districts into a bundle."""
    bundle = Path(args.bundle)
    writers: list[Writer] = []
    outline = None

    if args.outline:
        outline = read_outline(args.outline, args.ward_code, **_ward_options(args))
        writers.append(
            _geo_writer(outline, "outline", None, ("ward_code", "name_ja", "source_id"))
        )
    if args.wards:
        wards = read_wards(args.wards, **_ward_options(args))
        writers.append(
            _geo_writer(
                wards, "wards", "ward_code", ("ward_code", "name_ja", "source_id")
            )
        )
    if args.districts:
        if outline is None:
            outline = read_bundle_layer(bundle, "outline")
        known = known_districts(bundle)
        districts = read_districts(
            args.districts,
            name_column=args.name_column,
            code_column=args.code_column,
            school_column=args.school_column,
            outline=outline.geometry.union_all(),
            known=known,
        )
        districts = keep_known_codes(districts, known, Path(args.districts).name)
        writers += _district_writers(districts, bundle)
        writers.append(computed_values_writer(bundle))

    return replace_files(bundle, writers)


def _ward_options(args: argparse.Namespace) -> dict:
    """The column options of the ward readers."""
    return {"name_column": args.ward_name_column, "code_column": args.ward_code_column}


def _geo_writer(frame, key: str, id_column: str | None, columns: tuple) -> Writer:
    """A writer of one GeoJSON file of the bundle."""
    return lambda folder: write_geojson(
        frame, folder / FILES[key], id_column=id_column, columns=columns
    )


def known_districts(bundle: Path) -> NameMatcher | None:
    """A tolerant matcher of the bundle's district names, if it has districts."""
    if not (bundle / FILES["districts"]).exists():
        return None
    known = read_bundle_layer(bundle, "districts")
    return NameMatcher(dict(zip(known["district_code"], known["name_ja"], strict=True)))


def keep_known_codes(
    districts: gpd.GeoDataFrame, matcher: NameMatcher | None, source: str
) -> gpd.GeoDataFrame:
    """Give districts the codes their names already have in the bundle.

    ``matcher`` holds the bundle's districts (:func:`known_districts`; None
    for a bundle without any). Names are matched tolerantly (NFKC, with or
    without 校区/小学校), so the statistics keyed by code stay attached. New
    names get new codes. A file that leaves out districts of the bundle is
    refused, naming them and the file's names that matched none: their
    statistics would lose their place.
    """
    if matcher is None:
        return districts

    codes = [matcher.code_of(name) for name in districts["name_ja"]]
    missing = [n for c, n in matcher.names.items() if c not in codes]
    if missing:
        unmatched = [
            n for c, n in zip(codes, districts["name_ja"], strict=True) if not c
        ]
        raise _missing_districts_error(source, missing, unmatched)

    used = set(matcher.names)
    free = (f"D{k:02d}" for k in range(1, 1000) if f"D{k:02d}" not in used)
    districts = districts.copy()
    districts["district_code"] = [code or next(free) for code in codes]
    return districts.sort_values("district_code", ignore_index=True)


def _missing_districts_error(
    source: str, missing: list[str], unmatched: list[str]
) -> DataValidationError:
    """The error of a district file that lacks some of the bundle's districts."""
    found = "、".join(unmatched) if unmatched else "なし"
    problem = Problem(
        source,
        None,
        None,
        f"every district of the bundle; missing: {', '.join(missing)}",
        f"names that match no district: {', '.join(unmatched) or 'none'}; "
        "rename them in the file or choose the name column with --name-column",
        f"今の校区がすべてあること（見つからない校区: {'、'.join(missing)}）",
        f"どの校区とも一致しない名前: {found}。ファイルの名前を直すか、"
        "校区名の列を指定してください",
    )
    return DataValidationError([problem], f"{source}: cannot import")


def _district_writers(districts: gpd.GeoDataFrame, bundle: Path) -> list[Writer]:
    """Writers of the districts and of facilities and towns re-assigned to them."""
    writers = [_geo_writer(districts, "districts", "district_code", DISTRICT_COLUMNS)]

    if (bundle / FILES["facilities"]).exists():
        facilities = read_bundle_layer(bundle, "facilities")
        facilities["district_code"] = assign_districts(facilities, districts)
        writers.append(facilities_writer(facilities))

    if (bundle / FILES["towns"]).exists():
        towns = pd.read_csv(bundle / FILES["towns"], dtype=str, keep_default_na=False)
        points = gpd.GeoDataFrame(
            towns,
            geometry=gpd.points_from_xy(towns["lon"], towns["lat"]),
            crs=settings.WEB_CRS,
        )
        towns["district_code"] = assign_districts(points, districts).to_numpy()
        writers.append(
            lambda folder: write_csv(towns, folder / FILES["towns"], TOWN_COLUMNS)
        )

    return writers


# --- import-shelters and import-points ------------------------------------


def import_shelters(args: argparse.Namespace) -> list[str]:
    """Merge the GSI and portal shelter lists into the bundle's facilities."""
    bundle = Path(args.bundle)
    outline = read_bundle_layer(bundle, "outline").geometry.union_all()
    shelters = merge_shelters(
        read_gsi_shelters(args.gsi),
        read_portal_shelters(args.portal),
        outline,
        gsi_as_of=date_in_name(Path(args.gsi)),
    )

    writers = [facilities_writer(_replace_category(bundle, "shelter", shelters))]
    if args.open_status:
        status = read_open_status(args.open_status, shelters)
        writers.append(
            lambda folder: write_csv(
                status, folder / "open_status.csv", tuple(status.columns)
            )
        )
    writers.append(computed_values_writer(bundle))
    return replace_files(bundle, writers)


def import_points(args: argparse.Namespace) -> list[str]:
    """Import school points and/or town points into the bundle."""
    bundle = Path(args.bundle)
    writers: list[Writer] = []

    if args.schools:
        schools = read_schools(
            args.schools,
            name_column=args.name_column,
            as_of=_as_of(args.schools, args.as_of),
        )
        facilities = _replace_category(
            bundle, "school", schools[[*FACILITY_COLUMNS, "geometry"]]
        )
        writers.append(facilities_writer(facilities))
    if args.towns:
        towns = read_towns(args.towns, town_column=args.name_column)
        towns["district_code"] = assign_districts(
            towns, read_bundle_layer(bundle, "districts")
        )
        writers.append(
            lambda folder: write_csv(towns, folder / FILES["towns"], TOWN_COLUMNS)
        )

    writers.append(computed_values_writer(bundle))
    return replace_files(bundle, writers)


def _as_of(path: Path, given: str | None) -> str:
    """The as-of date given, else the date in the file name; raise if neither."""
    as_of = given or date_in_name(path)
    if not as_of:
        raise InputFormatError(
            f"{path.name}: expected an as-of date for its records, found none in "
            "the file name; give --as-of YYYY-MM-DD",
            f"ファイル {path.name}: 記録の時点の日付が必要ですが、ファイル名に"
            "日付がありません。--as-of YYYY-MM-DD で指定してください。",
        )
    check_date(as_of)
    return as_of


# --- the command line -----------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``import-boundaries``, ``import-shelters`` and ``import-points``."""
    boundaries = _command(
        subparsers,
        "import-boundaries",
        import_boundaries,
        "import the ward outline, the wards or school districts",
    )
    boundaries.add_argument("--outline", type=Path, help="N03 file holding the ward")
    boundaries.add_argument("--ward-code", help="the ward's 5-digit code in --outline")
    boundaries.add_argument("--wards", type=Path, help="N03 file of the city's wards")
    boundaries.add_argument(
        "--districts", type=Path, help="A27 or the city's district file"
    )
    boundaries.add_argument("--name-column", help="column of district names")
    boundaries.add_argument("--code-column", help="column of district codes")
    boundaries.add_argument("--school-column", help="column of school names")
    boundaries.add_argument("--ward-name-column", help="column of ward names")
    boundaries.add_argument("--ward-code-column", help="column of ward codes")

    shelters = _command(
        subparsers,
        "import-shelters",
        import_shelters,
        "merge the GSI and portal shelter lists into the facilities",
    )
    shelters.add_argument("--gsi", type=Path, required=True, help="GSI shelter GeoJSON")
    shelters.add_argument(
        "--portal", type=Path, required=True, help="portal shelter JSON"
    )
    shelters.add_argument("--open-status", type=Path, help="daily open-status CSV")

    points = _command(
        subparsers,
        "import-points",
        import_points,
        "import school points and/or town points",
    )
    points.add_argument("--schools", type=Path, help="school points (GeoJSON, ...)")
    points.add_argument("--towns", type=Path, help="town points (JSON list or CSV)")
    points.add_argument("--name-column", help="column of school or town names")
    points.add_argument(
        "--as-of",
        help="date the school list is as of, YYYY-MM-DD "
        "(default: the date in the file name)",
    )


def _command(
    subparsers, name: str, action: Callable, help_text: str
) -> argparse.ArgumentParser:
    """A sub-command that imports into ``--bundle``."""
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "--bundle", type=Path, default=settings.DATA_DIR, help="bundle folder"
    )
    parser.set_defaults(func=lambda args: _run(action, args))
    return parser


def _run(
    action: Callable[[argparse.Namespace], list[str]], args: argparse.Namespace
) -> int:
    """Run an import; geometry-file problems become the project's errors."""
    try:
        names = action(args)
    except GeoInputError as error:
        raise as_input_error(error) from error
    print(f"updated {len(names)} file(s) in {args.bundle}: {', '.join(names) or '-'}")
    return 0
