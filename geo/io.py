"""Read boundary and point files in any format, and write deterministic GeoJSON.

Reading goes through pyogrio (shapefile, GeoJSON, GeoPackage, ...). Every
problem becomes a :class:`~geo.errors.GeoInputError` that names the file and,
where it applies, the feature (1-based) and the column.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping

from geo.crs import require_crs
from geo.errors import GeoInputError

logger = logging.getLogger(__name__)

#: A test that says whether a column's values look like what is wanted.
ColumnTest = Callable[[pd.Series], bool]


def read_layer(
    path: str | Path, assume_crs: str | None = None, layer: str | None = None
) -> gpd.GeoDataFrame:
    """Read one vector layer and check it has a CRS and usable geometry.

    ``assume_crs`` is used only when the file declares no CRS (see
    :func:`geo.crs.require_crs`). Raises :class:`GeoInputError` for a missing
    or unreadable file, an empty layer, or a missing, empty or invalid geometry.
    """
    path = Path(path)
    frame = _read_file(path, layer)

    if len(frame) == 0:
        raise GeoInputError(
            f"{path.name}: the file holds no features; expected at least one.",
            f"ファイル {path.name}: 1件以上の地物が必要ですが、0件でした。",
        )

    frame = require_crs(frame, path.name, assume=assume_crs)
    check_geometry(frame, path.name)
    logger.info("read %d features from %s", len(frame), path.name)
    return frame


def _read_file(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    """Read ``path`` with pyogrio, turning its failures into GeoInputError."""
    if not path.is_file():
        raise GeoInputError(
            f"{path}: no such file; expected a shapefile, GeoJSON or GeoPackage.",
            f"ファイル {path.name}: シェープファイル・GeoJSON・GeoPackage "
            "が必要ですが、"
            f"{path} にありませんでした。",
        )

    try:
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        raise GeoInputError(
            f"{path.name}: cannot be read as a shapefile, GeoJSON or GeoPackage "
            f"({error}).",
            f"ファイル {path.name}: 地理データ（シェープファイル・GeoJSON・"
            "GeoPackage、またはシェープファイル一式の zip）が必要ですが、"
            "読み込めませんでした。",
        ) from error


def check_geometry(frame: gpd.GeoDataFrame, source: str) -> None:
    """Raise GeoInputError naming the first feature whose geometry is unusable.

    Features are numbered from 1 in file order.
    """
    geometry = frame.geometry
    missing = geometry.isna() | geometry.is_empty
    invalid = ~missing & ~geometry.is_valid

    if missing.any():
        row = int(np.flatnonzero(missing.to_numpy())[0]) + 1
        raise GeoInputError(
            f"{source}, feature {row}: expected a geometry, found an empty one "
            f"({int(missing.sum())} feature(s) without geometry).",
            f"ファイル {source} の {row}番目の地物、列「{geometry.name}」: "
            f"形状（ジオメトリ）が必要ですが、空でした"
            f"（形状のない地物は全部で{int(missing.sum())}件）。",
        )

    if invalid.any():
        row = int(np.flatnonzero(invalid.to_numpy())[0]) + 1
        reason = shapely.is_valid_reason(geometry.iloc[row - 1])
        raise GeoInputError(
            f"{source}, feature {row}: expected a valid geometry, found an "
            f"invalid one ({reason}). Repair it (e.g. make_valid) and retry.",
            f"ファイル {source} の {row}番目の地物、列「{geometry.name}」: "
            f"正しい形状が必要ですが、不正な形状でした（{reason}）。"
            "GIS ソフトで修復してから取り込んでください。",
        )


def pick_column(
    frame: pd.DataFrame,
    source: str,
    what: str,
    chosen: str | None = None,
    names: Sequence[str] = (),
    test: ColumnTest | None = None,
) -> str:
    """Return the column holding ``what`` (e.g. "district name").

    The user's ``chosen`` column wins; otherwise the first of ``names`` that
    exists and passes ``test``; otherwise the first column whose content
    passes ``test``. The error lists the columns found.
    """
    columns = (
        [c for c in frame.columns if c != frame.geometry.name]
        if isinstance(frame, gpd.GeoDataFrame)
        else list(frame.columns)
    )

    if chosen is not None:
        if chosen not in columns:
            raise _column_error(
                source,
                what,
                columns,
                f"column '{chosen}' not found",
                f"指定の列「{chosen}」はありません",
            )
        return chosen

    passes = test or (lambda _series: True)
    for name in names:
        if name in columns and passes(frame[name]):
            return name

    if test is not None:
        for name in columns:
            if test(frame[name]):
                logger.info("%s: using column '%s' as the %s", source, name, what)
                return name

    raise _column_error(
        source,
        what,
        columns,
        "no column recognised",
        "列名からも内容からも判別できません",
    )


def _column_error(
    source: str, what: str, columns: list[str], found: str, found_ja: str
) -> GeoInputError:
    """The error for a column that cannot be found, listing those present."""
    listed = ", ".join(columns) or "(none)"
    listed_ja = "".join(f"「{c}」" for c in columns) or "（なし）"
    return GeoInputError(
        f"{source}, column of the {what}: {found}; columns found: {listed}. "
        "Name the column with the matching option.",
        f"ファイル {source}: {WHAT_JA.get(what, what)}の列が必要ですが、"
        f"見つかりませんでした（{found_ja}）。ファイルの列: {listed_ja}。"
        "どの列かを指定してください。",
    )


#: Japanese of the ``what`` texts callers pass to :func:`pick_column`.
WHAT_JA = {
    "district name": "校区名",
    "district code": "校区コード",
    "ward name": "区名",
    "ward code": "区のコード",
    "school kind": "学校の種類",
    "coordinates": "座標（経度・緯度）",
}


def matches_pattern(pattern: str, share: float = 1.0) -> ColumnTest:
    """A column test: at least ``share`` of the non-blank values match ``pattern``."""
    regex = re.compile(pattern)

    def test(series: pd.Series) -> bool:
        values = [str(v).strip() for v in series.dropna() if str(v).strip()]
        if not values:
            return False
        hits = sum(bool(regex.fullmatch(v)) for v in values)
        return hits / len(values) >= share

    return test


def points_from_table(
    table: pd.DataFrame,
    lon: str,
    lat: str,
    source: str,
    crs: str = "EPSG:4326",
    drop_blank: bool = False,
) -> gpd.GeoDataFrame:
    """Turn a table with (lon, lat) columns in ``crs`` into a point frame.

    Raises GeoInputError naming the first row (1-based) whose coordinates are
    not numbers; with ``drop_blank``, rows with both coordinates blank are
    dropped with a warning instead.
    """
    for column in (lon, lat):
        if column not in table.columns:
            raise _column_error(
                source,
                "coordinates",
                list(table.columns),
                f"column '{column}' not found",
                f"列「{column}」がありません",
            )

    if drop_blank:
        table = _drop_blank_points(table, lon, lat, source)

    x = pd.to_numeric(table[lon], errors="coerce")
    y = pd.to_numeric(table[lat], errors="coerce")
    bad = (x.isna() | y.isna()).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise GeoInputError(
            f"{source}, record {row + 1}: expected numeric '{lon}' and '{lat}', "
            f"found {table[lon].iloc[row]!r} and {table[lat].iloc[row]!r}.",
            f"ファイル {source} の {row + 1}件目、列「{lon}」「{lat}」: "
            "数値の座標が必要ですが、"
            f"「{table[lon].iloc[row]}」「{table[lat].iloc[row]}」でした。",
        )

    geometry = gpd.points_from_xy(x.to_numpy(), y.to_numpy())
    return gpd.GeoDataFrame(table.copy(), geometry=geometry, crs=crs)


def _drop_blank_points(
    table: pd.DataFrame, lon: str, lat: str, source: str
) -> pd.DataFrame:
    """The rows of ``table`` that have at least one coordinate."""
    blank = table[[lon, lat]].astype(str).apply(lambda c: c.str.strip()).eq("")
    blank = blank.all(axis=1) | table[[lon, lat]].isna().all(axis=1)
    if blank.any():
        logger.warning(
            "%s: %d records without coordinates skipped", source, blank.sum()
        )
    return table[~blank]


def write_geojson(
    frame: gpd.GeoDataFrame,
    path: str | Path,
    decimals: int = 6,
    *,
    id_column: str | None = None,
    columns: Iterable[str] | None = None,
) -> Path:
    """Write ``frame`` as compact, deterministic GeoJSON in EPSG:4326.

    Features are sorted by ``id_column`` (if given), properties follow
    ``columns`` (default: the frame's order), coordinates are rounded to
    ``decimals`` (polygons kept valid, see :func:`snap_to_grid`), empty text
    and NaN become null. One feature per line; the file is replaced atomically.
    """
    frame = frame.to_crs("EPSG:4326") if frame.crs is not None else frame
    if id_column is not None:
        frame = frame.sort_values(id_column, kind="stable")
    names = (
        list(columns)
        if columns is not None
        else [c for c in frame.columns if c != frame.geometry.name]
    )

    lines = [
        _feature_json(row, frame.geometry.iloc[i], names, decimals)
        for i, row in enumerate(frame[names].itertuples(index=False, name=None))
    ]
    text = '{"type":"FeatureCollection","features":[\n'
    text += ",\n".join(lines) + "\n]}\n"
    return write_text_atomic(path, text)


def _feature_json(
    values: tuple, geometry: shapely.Geometry, names: list[str], decimals: int
) -> str:
    """One GeoJSON feature as a compact JSON string."""
    properties = {
        name: _plain(value) for name, value in zip(names, values, strict=True)
    }
    shape = mapping(snap_to_grid(geometry, decimals))
    feature = {"type": "Feature", "properties": properties, "geometry": shape}
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


def _plain(value: object) -> object:
    """A JSON-ready form of a frame value (numpy scalars, NaN, '' -> null)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and value == "":
        return None
    return value


def snap_to_grid(
    geometry: shapely.Geometry, decimals: int, rounds: int = 3
) -> shapely.Geometry:
    """``geometry`` with coordinates rounded to ``decimals``, kept valid.

    Rounding can make a thin part cross itself; such a geometry is repaired
    (``make_valid``, structure method) and rounded again.
    """
    rounded = _round(geometry, decimals)
    for _ in range(rounds):
        if rounded.is_valid:
            break
        repaired = shapely.make_valid(rounded, method="structure", keep_collapsed=False)
        rounded = _round(repaired, decimals)
    return rounded


def _round(geometry: shapely.Geometry, decimals: int) -> shapely.Geometry:
    """``geometry`` with every coordinate rounded to ``decimals`` places."""
    return shapely.transform(geometry, lambda xy: np.round(xy, decimals) + 0.0)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` via a temp file and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
