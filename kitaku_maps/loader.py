"""Read a dataset bundle folder, validate it, and return a :class:`Bundle`.

The loader refuses what it cannot trust: a file that cannot be read raises
:class:`InputFormatError`; a bundle whose contents break ``docs/DATASET.md``
raises :class:`DataValidationError` listing every problem at once.
"""

from __future__ import annotations

import codecs
import io
import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException

from geo.errors import GeoInputError
from geo.io import read_layer
from kitaku_maps import settings
from kitaku_maps.bundle import FILES, Bundle
from kitaku_maps.crosschecks import cross_check
from kitaku_maps.errors import DataValidationError, InputFormatError, Problem
from kitaku_maps.schemas import GEOMETRY_KEYS, SCHEMAS, check_crs, check_frame
from kitaku_maps.tables import read_indicator_table

logger = logging.getLogger(__name__)


def load_bundle(path: str | Path = settings.DATA_DIR) -> Bundle:
    """Read, validate and return the bundle in folder ``path``.

    Geometry stays in EPSG:4326 (longitude, latitude) as on disk. Raises
    InputFormatError when a file cannot be read, DataValidationError when
    the contents are wrong.
    """
    folder = Path(path)
    meta, raw = read_bundle_files(folder)
    frames, problems = check_bundle(meta, raw)

    if problems:
        logger.error("bundle %s: %d problem(s)", folder, len(problems))
        raise DataValidationError(
            problems, f"{folder}: {len(problems)} problem(s) in the dataset bundle"
        )

    bundle = Bundle(path=folder, meta=meta, **frames)
    logger.info(
        "loaded bundle %s: %d districts, %d indicators, %d values, %d facilities",
        folder,
        len(bundle.districts),
        len(bundle.indicators),
        len(bundle.values),
        len(bundle.facilities),
    )
    return bundle


def read_bundle_files(folder: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Read every file of the bundle as text cells; raise if any is unreadable."""
    if not folder.is_dir():
        raise InputFormatError(
            f"{folder}: no such folder; expected a dataset bundle "
            "(build one with `python -m kitaku_maps build-data`)",
            f"データフォルダ「{folder}」が見つかりません。",
        )
    meta, frames, failures = {}, {}, []

    for key, name in FILES.items():
        try:
            if key == "meta":
                meta = read_meta(folder / name)
            else:
                frames[key] = read_file(folder / name)
        except InputFormatError as error:
            failures.append(error)

    if failures:
        raise InputFormatError(
            "\n".join(str(e) for e in failures),
            "\n".join(e.message_ja for e in failures),
        )
    return meta, frames


def check_bundle(
    meta: dict, raw: dict[str, pd.DataFrame]
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Validate each file, then the links between them; return typed frames."""
    meta_check = check_frame(pd.DataFrame([meta]), SCHEMAS["meta"], FILES["meta"])
    problems = [replace(p, row=None) for p in meta_check.problems]
    frames, trusted = {}, []

    for key, frame in raw.items():
        checked = check_file(key, frame)
        frames[key] = checked.frame
        problems += checked.problems
        if checked.ok:
            trusted.append(key)

    problems += cross_check(frames, trusted, meta)
    return frames, sorted(problems, key=_reading_order)


def _reading_order(problem: Problem) -> tuple:
    """Sort key: files in bundle order, whole-file problems first, then rows."""
    order = list(FILES.values())
    rank = order.index(problem.file) if problem.file in order else len(order)
    return (rank, problem.row is not None, problem.row or 0)


def check_file(key: str, frame: pd.DataFrame):
    """Check one bundle file's frame against its schema (and CRS)."""
    first_row = 1 if key in GEOMETRY_KEYS else 2
    checked = check_frame(frame, SCHEMAS[key], FILES[key], first_row)
    if key in GEOMETRY_KEYS:
        checked.problems[:0] = check_crs(frame, FILES[key])
    return checked


def read_file(path: Path) -> pd.DataFrame:
    """Read a bundle CSV (every cell as text) or GeoJSON file."""
    if path.suffix.lower() in (".geojson", ".json"):
        return read_geojson(path)
    return read_csv(path)


def read_csv(path: Path) -> pd.DataFrame:
    """Read a UTF-8 CSV with every cell as text and empty cells missing."""
    text = read_text(path)
    try:
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""]
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputFormatError(
            f"{path.name}: expected a CSV table with a header row, found: {error}",
            f"ファイル {path.name}: 1行目が見出しの CSV の表が必要ですが、"
            f"表として読めませんでした（{error}）。",
        ) from error


def read_geojson(path: Path) -> gpd.GeoDataFrame:
    """Read a UTF-8 GeoJSON FeatureCollection, keeping property values as written.

    The CRS is EPSG:4326 (longitude, latitude) unless the file declares
    another with the old ``crs`` member, which validation then reports.
    """
    text = read_text(path)
    try:
        document = json.loads(text)
        features = document["features"]
        crs = _declared_crs(document)
        frame = gpd.GeoDataFrame.from_features(features, crs=crs)
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
        raise _geojson_error(path, f"no FeatureCollection ({error!r})") from error
    except (ValueError, GEOSException, CRSError) as error:
        raise _geojson_error(path, f"unreadable geometry or CRS ({error})") from error

    if "geometry" not in frame.columns:
        frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=crs))
    return frame


def _declared_crs(document: dict) -> str:
    """The CRS a GeoJSON document declares; RFC 7946 GeoJSON is EPSG:4326."""
    declared = document.get("crs")
    if declared is None:
        return settings.WEB_CRS
    return declared["properties"]["name"]


def _geojson_error(path: Path, found: str) -> InputFormatError:
    """The InputFormatError for a file that is not readable GeoJSON."""
    return InputFormatError(
        f"{path.name}: expected a GeoJSON FeatureCollection, found {found}",
        f"ファイル {path.name}: GeoJSON の FeatureCollection が必要ですが、"
        f"読み込めませんでした（{found}）。",
    )


def read_meta(path: Path) -> dict:
    """Read ``bundle.json``: one JSON object."""
    text = read_text(path)
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputFormatError(
            f"{path.name}: expected a JSON object, found unreadable JSON: {error}",
            f"ファイル {path.name} の {error.lineno}行目: JSON が必要ですが、"
            f"JSON として読めませんでした（{error.msg}）。",
        ) from error
    if not isinstance(meta, dict):
        raise InputFormatError(
            f"{path.name}: expected a JSON object, found {type(meta).__name__}",
            f"ファイル {path.name}: JSON のオブジェクト（{{...}}）が必要ですが、"
            f"{type(meta).__name__} でした。",
        )
    return meta


def read_text(path: Path) -> str:
    """Return the file's text, which must be UTF-8 (a BOM is tolerated)."""
    if not path.is_file():
        raise InputFormatError(
            f"{path.name}: missing; expected the file at {path}",
            f"ファイル {path.name}: このファイルが必要ですが、"
            f"{path} にありませんでした。",
        )
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        logger.warning("%s: starts with a UTF-8 BOM; reading it anyway", path.name)
        data = data[len(codecs.BOM_UTF8) :]

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _encoding_error(path, data, error) from error


def _encoding_error(path: Path, data: bytes, error: UnicodeDecodeError):
    """The InputFormatError for a file that is not UTF-8, naming the line."""
    line = data[: error.start].count(b"\n") + 1
    try:
        data.decode("cp932")
        found = "CP932 (Shift_JIS) text"
    except UnicodeDecodeError:
        found = "bytes that are not UTF-8"
    return InputFormatError(
        f"{path.name}, line {line}: expected UTF-8 text, found {found}; "
        "save the file as UTF-8 (CSV UTF-8)",
        f"ファイル {path.name} の {line}行目: 文字コード UTF-8 が必要ですが、"
        f"{'Shift_JIS（CP932）' if 'CP932' in found else 'UTF-8 以外の文字コード'}"
        "でした。UTF-8 で保存し直してください。",
    )


@dataclass(frozen=True)
class Validation:
    """The outcome of validating a bundle or one file: counts and problems."""

    target: str
    counts: dict[str, int]
    problems: list[Problem]


#: Suffixes of geometry files ``validate`` reads with :func:`geo.io.read_layer`.
GEOMETRY_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")


def validate_path(
    path: str | Path,
    bundle_dir: str | Path = settings.DATA_DIR,
    indicator: str | None = None,
) -> Validation:
    """Validate a bundle folder, one bundle file, or one input file.

    A file named like a bundle file (``values.csv``...) is checked against
    its schema alone (links to other files need the whole bundle); another
    geometry file must be readable, with a CRS and valid geometry; any other
    table is read as an indicator table, matched against the areas and
    catalogue of ``bundle_dir``. Raises InputFormatError when the file cannot
    be read at all, UnknownDistrictError for an area name that matches none.
    """
    path = Path(path)
    if not path.exists():
        raise InputFormatError(
            f"{path}: no such file or folder; expected a bundle folder or a table",
            f"「{path}」: データのフォルダか表のファイルが必要ですが、"
            "見つかりませんでした。",
        )
    if path.is_dir():
        return validate_bundle(path)

    keys = {name: key for key, name in FILES.items() if key != "meta"}
    if path.name in keys:
        checked = check_file(keys[path.name], read_file(path))
        return Validation(str(path), {"rows": len(checked.frame)}, checked.problems)
    if path.suffix.lower() in GEOMETRY_SUFFIXES:
        return validate_geometry_file(path)
    return validate_table(path, Path(bundle_dir), indicator)


def validate_bundle(folder: Path) -> Validation:
    """Load the bundle in ``folder``, returning its counts or its problems."""
    try:
        bundle = load_bundle(folder)
    except DataValidationError as error:
        return Validation(str(folder), {}, error.problems)

    counts = {
        "districts": len(bundle.districts),
        "wards": len(bundle.wards),
        "goals": len(bundle.goals),
        "indicators": len(bundle.indicators),
        "values": len(bundle.values),
        "population rows": len(bundle.population),
        "facilities": len(bundle.facilities),
        "towns": len(bundle.towns),
        "initiatives": len(bundle.initiatives),
    }
    return Validation(str(folder), counts, [])


def validate_geometry_file(path: Path) -> Validation:
    """Check that a geometry file reads, declares a CRS and has valid shapes."""
    try:
        frame = read_layer(path)
    except GeoInputError as error:
        raise InputFormatError(str(error), error.message_ja) from error
    return Validation(str(path), {"features": len(frame)}, [])


def validate_table(
    path: Path, bundle_dir: Path, indicator: str | None = None
) -> Validation:
    """Check an indicator table (CSV or Excel) as ``import-table`` would read it."""
    try:
        rows = read_indicator_table(path, bundle_dir, indicator)
    except DataValidationError as error:
        return Validation(str(path), {}, error.problems)
    return Validation(str(path), {"values": len(rows)}, [])
